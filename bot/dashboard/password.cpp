#include "dashboard/password.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "adapters/crypto.hpp"

namespace app::dashboard {

namespace {

constexpr unsigned log2_n = 15;  // N = 32768
constexpr unsigned block_r = 8;
constexpr unsigned parallel_p = 1;
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("RAND_bytes failed (OpenSSL): no random numbers for a token or a salt");
    return out;
}

// scrypt(password, salt) with the given cost; nullopt when OpenSSL refuses.
std::optional<std::string> scrypt(std::string_view password, std::string_view salt, unsigned ln, unsigned r,
                                  unsigned p, std::size_t length) {
    if (ln < 1 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 16 || length < 16 || length > 64)
        return std::nullopt;  // a stored hash asking for absurd work is malformed
    std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr),
                                                          &EVP_KDF_free);
    if (!kdf) return std::nullopt;
    std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf.get()),
                                                                  &EVP_KDF_CTX_free);
    if (!ctx) return std::nullopt;
    std::uint64_t n = std::uint64_t{1} << ln;
    std::uint32_t rr = r, pp = p;
    std::uint64_t maxmem = 128ULL * rr * n + (1U << 20) + 1024ULL * rr * pp;  // what N, r, p need
    std::string pw(password), sa(salt);
    OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, pw.data(), pw.size()),
                           OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, sa.data(), sa.size()),
                           OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
                           OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &rr),
                           OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &pp),
                           OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
                           OSSL_PARAM_construct_end()};
    std::string out(length, '\0');
    bool ok =
        EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(), params) == 1;
    OPENSSL_cleanse(pw.data(), pw.size());
    if (!ok) return std::nullopt;
    return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        auto p = s.find(sep, start);
        out.push_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
        if (p == std::string_view::npos) return out;
        start = p + 1;
    }
}

std::optional<unsigned> param(std::string_view kv, std::string_view key) {
    if (kv.substr(0, key.size() + 1) != std::string(key) + "=") return std::nullopt;
    auto v = kv.substr(key.size() + 1);
    if (v.empty() || v.size() > 3) return std::nullopt;
    unsigned n = 0;
    for (char c : v) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<unsigned>(c - '0');
    }
    return n;
}

}  // namespace

std::string hash_password(std::string_view password) {
    auto salt = random_bytes(salt_bytes);
    auto hash = scrypt(password, salt, log2_n, block_r, parallel_p, hash_bytes);
    if (!hash)
        throw std::runtime_error("scrypt failed (OpenSSL 3 EVP_KDF SCRYPT): the password was not stored");
    return "$scrypt$ln=" + std::to_string(log2_n) + ",r=" + std::to_string(block_r) +
           ",p=" + std::to_string(parallel_p) + "$" + adapters::crypto::base64_encode(salt) + "$" +
           adapters::crypto::base64_encode(*hash);
}

bool verify_password(std::string_view password, std::string_view stored) {
    auto parts = split(stored, '$');  // "", "scrypt", "ln=15,r=8,p=1", salt, hash
    if (parts.size() != 5 || !parts[0].empty() || parts[1] != "scrypt") return false;
    auto costs = split(parts[2], ',');
    if (costs.size() != 3) return false;
    auto ln = param(costs[0], "ln");
    auto r = param(costs[1], "r");
    auto p = param(costs[2], "p");
    auto salt = adapters::crypto::base64_decode(parts[3]);
    auto want = adapters::crypto::base64_decode(parts[4]);
    if (!ln || !r || !p || !salt || !want || salt->size() < 8) return false;
    auto got = scrypt(password, *salt, *ln, *r, *p, want->size());
    return got && same_secret(*got, *want);
}

const std::string& decoy_hash() {
    static const std::string decoy = hash_password(random_token());
    return decoy;
}

std::string random_token(std::size_t bytes) {
    auto b64 = adapters::crypto::base64_encode(random_bytes(bytes));
    std::string out;
    for (char c : b64) {
        if (c == '=') break;
        out.push_back(c == '+' ? '-' : c == '/' ? '_' : c);
    }
    return out;
}

std::string sha256_hex(std::string_view text) {
    static const char* digits = "0123456789abcdef";
    auto raw = adapters::crypto::sha256(text);
    std::string out;
    for (char ch : raw) {
        auto c = static_cast<unsigned char>(ch);
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

bool same_secret(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace app::dashboard
