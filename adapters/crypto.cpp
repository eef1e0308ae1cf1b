#include "adapters/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>

namespace adapters::crypto {

namespace {

struct cipher_ctx_deleter {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_deleter>;

struct md_ctx_deleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_deleter>;

const unsigned char* bytes_of(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes_of(std::string& s) {
    return reinterpret_cast<unsigned char*>(s.data());
}

// OpenSSL still takes int lengths; callers never come close (the HTTP server bounds bodies).
int int_size(std::size_t n) {
    if (n > static_cast<std::size_t>(INT_MAX / 2)) throw std::length_error("crypto input too large");
    return static_cast<int>(n);
}

std::string digest(const EVP_MD* md, std::string_view data) {
    md_ctx_ptr ctx{EVP_MD_CTX_new()};
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int len = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1) {
        throw std::runtime_error("OpenSSL digest failed");
    }
    return std::string(reinterpret_cast<const char*>(out.data()), len);
}

std::optional<std::string> aes_cbc(bool encrypt, std::string_view key, std::string_view iv,
                                   std::string_view data) {
    if (key.size() != 32 || iv.size() != 16 || data.empty() || data.size() % 16 != 0) return std::nullopt;
    cipher_ctx_ptr ctx{EVP_CIPHER_CTX_new()};
    if (!ctx) return std::nullopt;
    if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, bytes_of(key), bytes_of(iv),
                          encrypt ? 1 : 0) != 1) {
        return std::nullopt;
    }
    // The platforms pad to 32-byte blocks themselves (PROTOCOLS 1.3): OpenSSL's 16-byte PKCS#7
    // would reject their padding, so it stays off and pkcs7_pad/unpad do the framing.
    if (EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) return std::nullopt;
    std::string out(data.size() + 16, '\0');
    int len1 = 0;
    int len2 = 0;
    if (EVP_CipherUpdate(ctx.get(), bytes_of(out), &len1, bytes_of(data), int_size(data.size())) != 1) {
        return std::nullopt;
    }
    if (EVP_CipherFinal_ex(ctx.get(), bytes_of(out) + len1, &len2) != 1) return std::nullopt;
    out.resize(static_cast<std::size_t>(len1) + static_cast<std::size_t>(len2));
    return out;
}

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

std::string to_hex(std::string_view raw) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(raw.size() * 2);
    for (const char ch : raw) {
        const auto b = static_cast<unsigned char>(ch);
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

std::string sha1_hex(std::string_view data) {
    return to_hex(digest(EVP_sha1(), data));
}

std::string sha256(std::string_view data) {
    return digest(EVP_sha256(), data);
}

std::string sha256_hex(std::string_view data) {
    return to_hex(sha256(data));
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int len = 0;
    // HMAC() is the one-shot API (no context to leak); an empty key is passed as a valid pointer.
    static constexpr unsigned char empty_key = 0;
    const unsigned char* key_ptr = key.empty() ? &empty_key : bytes_of(key);
    if (HMAC(EVP_sha256(), key_ptr, int_size(key.size()), bytes_of(message), message.size(), out.data(),
             &len) == nullptr) {
        throw std::runtime_error("OpenSSL HMAC failed");
    }
    return std::string(reinterpret_cast<const char*>(out.data()), len);
}

std::string base64_encode(std::string_view data) {
    if (data.empty()) return {};
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(bytes_of(out), bytes_of(data), int_size(data.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text, bool allow_trailing_bits) {
    if (text.empty()) return std::string{};
    if (text.size() % 4 != 0) return std::nullopt;
    std::size_t padding = 0;
    if (text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
    const std::size_t data_chars = text.size() - padding;
    for (std::size_t i = 0; i < data_chars; ++i) {
        if (base64_value(text[i]) < 0) return std::nullopt;  // also rejects '=' in the middle
    }
    // Canonical form: the spare low bits of the last data character must be zero (2 bits with one
    // '=', 4 bits with two).
    if (padding > 0 && !allow_trailing_bits) {
        const int last = base64_value(text[data_chars - 1]);
        const int spare_mask = padding == 1 ? 0x03 : 0x0f;
        if ((last & spare_mask) != 0) return std::nullopt;
    }
    std::string out(text.size() / 4 * 3, '\0');
    // EVP_DecodeBlock decodes '=' as zero bits and keeps those bytes; we drop them below. The input
    // is already validated, so it cannot fail on content.
    const int n = EVP_DecodeBlock(bytes_of(out), bytes_of(text), int_size(text.size()));
    if (n < 0 || static_cast<std::size_t>(n) != out.size()) return std::nullopt;
    out.resize(out.size() - padding);
    return out;
}

std::optional<std::string> aes_256_cbc_encrypt(std::string_view key, std::string_view iv,
                                               std::string_view data) {
    return aes_cbc(true, key, iv, data);
}

std::optional<std::string> aes_256_cbc_decrypt(std::string_view key, std::string_view iv,
                                               std::string_view data) {
    return aes_cbc(false, key, iv, data);
}

std::string pkcs7_pad(std::string_view data, std::size_t block) {
    if (block == 0 || block > 255) throw std::invalid_argument("pkcs7 block size must be 1..255");
    const std::size_t pad = block - data.size() % block;  // 1..block: a full block when aligned
    std::string out(data);
    out.append(pad, static_cast<char>(pad));
    return out;
}

std::optional<std::string> pkcs7_unpad(std::string_view data, std::size_t block) {
    if (block == 0 || block > 255 || data.empty() || data.size() % block != 0) return std::nullopt;
    const auto pad = static_cast<unsigned char>(data.back());
    if (pad == 0 || pad > block) return std::nullopt;
    // Not constant-time: the callback was authenticated by its signature before we decrypt, so
    // there is no padding oracle to protect.
    for (std::size_t i = data.size() - pad; i < data.size(); ++i) {
        if (static_cast<unsigned char>(data[i]) != pad) return std::nullopt;
    }
    return std::string(data.substr(0, data.size() - pad));
}

std::optional<std::string> feishu_decrypt(std::string_view encrypt_key, std::string_view encrypted_base64) {
    const auto raw = base64_decode(encrypted_base64);
    if (!raw || raw->size() < 32 || raw->size() % 16 != 0) return std::nullopt;
    const std::string key = sha256(encrypt_key);
    const std::string_view all(*raw);
    const auto padded = aes_256_cbc_decrypt(key, all.substr(0, 16), all.substr(16));
    if (!padded) return std::nullopt;
    return pkcs7_unpad(*padded, 16);
}

std::string feishu_encrypt(std::string_view encrypt_key, std::string_view plain, std::string_view iv16) {
    if (iv16.size() != 16) throw std::invalid_argument("feishu_encrypt needs a 16-byte IV");
    const auto cipher = aes_256_cbc_encrypt(sha256(encrypt_key), iv16, pkcs7_pad(plain, 16));
    if (!cipher) throw std::runtime_error("OpenSSL AES encrypt failed");
    return base64_encode(std::string(iv16) + *cipher);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string url_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '_' || c == '.' || c == '~';
        if (unreserved) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0x0f]);
        }
    }
    return out;
}

// ---- msg_crypt -------------------------------------------------------------------------------

msg_crypt::msg_crypt(std::string token, std::string_view encoding_aes_key) : token_(std::move(token)) {
    if (encoding_aes_key.size() != 43) {
        throw std::invalid_argument("EncodingAESKey must be exactly 43 characters, got " +
                                    std::to_string(encoding_aes_key.size()));
    }
    if (!std::all_of(encoding_aes_key.begin(), encoding_aes_key.end(),
                     [](char c) { return base64_value(c) >= 0; })) {
        throw std::invalid_argument("EncodingAESKey contains a character outside the base64 alphabet");
    }
    // 43 characters carry 258 bits; the 2 spare bits of real keys are often non-zero, so the
    // canonical-form check is relaxed here (as the official libraries' decoders are).
    auto key = base64_decode(std::string(encoding_aes_key) + "=", /*allow_trailing_bits=*/true);
    if (!key || key->size() != 32) {
        throw std::invalid_argument("EncodingAESKey does not decode to a 32-byte AES key");
    }
    key_ = std::move(*key);
}

std::string msg_crypt::signature(std::string_view timestamp, std::string_view nonce,
                                 std::string_view encrypted) const {
    std::array<std::string_view, 4> parts{token_, timestamp, nonce, encrypted};
    std::sort(parts.begin(), parts.end());  // string_view compares byte-wise (char_traits<char>)
    std::string joined;
    joined.reserve(parts[0].size() + parts[1].size() + parts[2].size() + parts[3].size());
    for (const auto part : parts) joined.append(part);
    return sha1_hex(joined);
}

bool msg_crypt::verify(std::string_view msg_signature, std::string_view timestamp, std::string_view nonce,
                       std::string_view encrypted) const {
    return constant_time_equal(msg_signature, signature(timestamp, nonce, encrypted));
}

std::optional<msg_crypt::opened> msg_crypt::decrypt(std::string_view encrypted_base64) const {
    const auto cipher = base64_decode(encrypted_base64);
    if (!cipher) return std::nullopt;
    const std::string_view iv = std::string_view(key_).substr(0, 16);
    const auto padded = aes_256_cbc_decrypt(key_, iv, *cipher);
    if (!padded) return std::nullopt;
    const auto plain = pkcs7_unpad(*padded, 32);
    if (!plain || plain->size() < 20) return std::nullopt;
    const auto b = [&](std::size_t i) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>((*plain)[i]));
    };
    const std::uint32_t msg_len = (b(16) << 24) | (b(17) << 16) | (b(18) << 8) | b(19);
    // A wrong key yields garbage lengths: check before slicing (PROTOCOLS 1.3 step 5).
    if (msg_len > plain->size() - 20) return std::nullopt;
    opened result;
    result.msg = plain->substr(20, msg_len);
    result.receive_id = plain->substr(20 + msg_len);
    return result;
}

std::string msg_crypt::encrypt(std::string_view msg, std::string_view receive_id,
                               std::string_view random16) const {
    if (random16.size() != 16)
        throw std::invalid_argument("msg_crypt::encrypt needs a 16-byte random prefix");
    if (msg.size() > 0xffffffffU) throw std::length_error("message too long");
    const auto len = static_cast<std::uint32_t>(msg.size());
    std::string plain(random16);
    plain.push_back(static_cast<char>((len >> 24) & 0xff));
    plain.push_back(static_cast<char>((len >> 16) & 0xff));
    plain.push_back(static_cast<char>((len >> 8) & 0xff));
    plain.push_back(static_cast<char>(len & 0xff));
    plain.append(msg);
    plain.append(receive_id);
    const std::string_view iv = std::string_view(key_).substr(0, 16);
    const auto cipher = aes_256_cbc_encrypt(key_, iv, pkcs7_pad(plain, 32));
    if (!cipher) throw std::runtime_error("OpenSSL AES encrypt failed");
    return base64_encode(*cipher);
}

std::string random_prefix() {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::array<unsigned char, 16> raw{};
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
        throw std::runtime_error("RAND_bytes failed");
    std::string out;
    out.reserve(raw.size());
    // 256 % 62 bias is irrelevant: the prefix only varies the CBC input (PROTOCOLS 1.4).
    for (const unsigned char r : raw) out.push_back(alphabet[r % 62]);
    return out;
}

}  // namespace adapters::crypto
