// Thin RAII wrappers over OpenSSL for what the platforms need: HMAC-SHA256, SHA-1, Base64 and a
// constant-time compare. No hand-rolled crypto: everything goes through EVP/HMAC.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace adapters::crypto {

// Raw 32-byte HMAC-SHA256 of `message` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view message);
// 40 lowercase hex characters.
std::string sha1_hex(std::string_view data);
std::string base64_encode(std::string_view bytes);
// Strict: nullopt on characters outside the alphabet or bad padding.
std::optional<std::string> base64_decode(std::string_view text);
// Percent-encodes everything but unreserved characters (RFC 3986).
std::string url_encode(std::string_view text);
// Constant-time equality (CRYPTO_memcmp); different lengths are unequal.
bool equal(std::string_view a, std::string_view b);

}  // namespace adapters::crypto
