// The dashboard's secrets, all by OpenSSL 3: passwords hashed with scrypt (EVP_KDF "SCRYPT", a salt
// of 16 random bytes, N = 2^15, r = 8, p = 1: 32 MiB and ~0.1 s a hash), stored as
// "$scrypt$ln=15,r=8,p=1$<salt>$<hash>" (base64) so the cost can be raised later; random tokens for
// session ids and CSRF tokens (RAND_bytes); the SHA-256 under which a session id is stored; and
// constant-time comparison (CRYPTO_memcmp).
//
// Thread-safety: every function is safe from any thread (the service hashes on a helper thread).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace app::dashboard {

// A new salted hash of `password`. Throws std::runtime_error when OpenSSL fails.
std::string hash_password(std::string_view password);
// Whether `password` matches `stored` (a hash_password result). False for a malformed `stored`.
bool verify_password(std::string_view password, std::string_view stored);
// A hash of a password nobody has, verified against when the user id is unknown, so an unknown id
// takes as long to refuse as a wrong password.
const std::string& decoy_hash();

// `bytes` random bytes as URL-safe base64 without padding (32 bytes: 43 characters).
std::string random_token(std::size_t bytes = 32);
// The lower-case hex SHA-256 of `text` (a session id is stored only as this).
std::string sha256_hex(std::string_view text);
// Constant-time equality of two strings (different lengths are unequal at once).
bool same_secret(std::string_view a, std::string_view b);

}  // namespace app::dashboard
