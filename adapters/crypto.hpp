// Thin, RAII-wrapped OpenSSL primitives for the adapters (STYLE.md guideline 5), and the
// "WXBizMsgCrypt" callback scheme that WeCom and DingTalk event subscriptions share
// (PROTOCOLS.md section 1). Nothing here is hand-rolled cryptography: digests, HMAC and AES go
// through the EVP/HMAC APIs; we only add the framing the platforms define (32-byte PKCS#7, the
// random ‖ length ‖ msg ‖ receiveid layout).
//
// Byte strings are carried in std::string (binary-safe); "hex" and "base64" results are text.
// Thread-safety: free functions are reentrant; msg_crypt is immutable after construction.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace adapters::crypto {

// Lowercase hex SHA-1 of `data` (40 chars).
std::string sha1_hex(std::string_view data);
// Raw SHA-256 digest of `data` (32 bytes).
std::string sha256(std::string_view data);
// Lowercase hex SHA-256 of `data` (64 chars).
std::string sha256_hex(std::string_view data);
// Lowercase hex of raw bytes.
std::string to_hex(std::string_view raw);
// Raw HMAC-SHA256(key, message) (32 bytes).
std::string hmac_sha256(std::string_view key, std::string_view message);

// Standard base64 (RFC 4648 alphabet with '+' and '/', '=' padding, no line breaks).
std::string base64_encode(std::string_view data);
// Strict decoding: length a multiple of 4, only alphabet characters, '=' only as one or two final
// characters, no whitespace, and unused bits of the last character zero (canonical form; set
// `allow_trailing_bits` to accept keys such as EncodingAESKey whose last character carries
// non-zero spare bits). nullopt on any violation.
std::optional<std::string> base64_decode(std::string_view text, bool allow_trailing_bits = false);

// AES-256-CBC with OpenSSL padding disabled: `data` must be a non-empty multiple of 16 bytes,
// `key` 32 bytes and `iv` 16 bytes, otherwise nullopt (also on any OpenSSL failure).
std::optional<std::string> aes_256_cbc_encrypt(std::string_view key, std::string_view iv,
                                               std::string_view data);
std::optional<std::string> aes_256_cbc_decrypt(std::string_view key, std::string_view iv,
                                               std::string_view data);

// PKCS#7 with a caller-chosen block size (WeCom/DingTalk use 32, PROTOCOLS 1.3/1.4): always adds
// 1..block bytes. pkcs7_unpad checks that the length is a non-zero multiple of `block`, the last
// byte p is in 1..block and the last p bytes all equal p; nullopt otherwise.
std::string pkcs7_pad(std::string_view data, std::size_t block);
std::optional<std::string> pkcs7_unpad(std::string_view data, std::size_t block);

// Feishu/Lark event encryption (PROTOCOLS 4.2): key = SHA-256(encrypt_key), the Base64 text is
// IV (16 bytes) ‖ AES-256-CBC ciphertext with standard 16-byte PKCS#7. nullopt on bad Base64, a
// length that is not IV plus whole blocks, or bad padding (a wrong key shows up here).
std::optional<std::string> feishu_decrypt(std::string_view encrypt_key, std::string_view encrypted_base64);
// The inverse with a caller-chosen 16-byte IV (tests and the fake platform; the bot never encrypts).
std::string feishu_encrypt(std::string_view encrypt_key, std::string_view plain, std::string_view iv16);

// Constant-time equality (CRYPTO_memcmp). Different lengths compare unequal at once: the length of
// a signature is public.
bool constant_time_equal(std::string_view a, std::string_view b);

// Percent-encodes everything except RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~), e.g.
// for DingTalk's signed query parameters ("+" → "%2B", "/" → "%2F", "=" → "%3D").
std::string url_encode(std::string_view text);

// 16 random ASCII letters/digits from RAND_bytes, the prefix msg_crypt::encrypt expects.
std::string random_prefix();

// PROTOCOLS.md section 1: signature, AES key/IV derivation, decrypt and encrypt of callback bodies.
class msg_crypt {
  public:
    // `encoding_aes_key` must be 43 characters of the base64 alphabet decoding (with "=" appended)
    // to 32 bytes. Throws std::invalid_argument naming the problem, never the key.
    msg_crypt(std::string token, std::string_view encoding_aes_key);

    // Lowercase hex SHA-1 over the byte-wise sorted concatenation of token, timestamp, nonce and
    // the ciphertext (section 1.1).
    std::string signature(std::string_view timestamp, std::string_view nonce,
                          std::string_view encrypted) const;
    // Constant-time comparison of `msg_signature` with signature(...).
    bool verify(std::string_view msg_signature, std::string_view timestamp, std::string_view nonce,
                std::string_view encrypted) const;

    struct opened {
        std::string msg;         // the plaintext message (XML or JSON, or the echostr plaintext)
        std::string receive_id;  // the trailing receiveid bytes; the caller compares it
    };
    // Base64-decodes, decrypts, strips 32-byte PKCS#7 and slices the layout (section 1.3). nullopt
    // on bad base64, bad length, bad padding or an impossible msg_len.
    std::optional<opened> decrypt(std::string_view encrypted_base64) const;
    // Section 1.4 with a caller-supplied 16-byte random prefix (tests pass a fixed one; production
    // callers pass fresh random bytes). Returns the base64 ciphertext.
    std::string encrypt(std::string_view msg, std::string_view receive_id, std::string_view random16) const;

  private:
    std::string token_;
    std::string key_;  // 32 bytes
};

}  // namespace adapters::crypto
