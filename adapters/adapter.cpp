#include "adapters/adapter.hpp"

#include <cctype>

namespace adapters {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Percent-decoding of a query component; '+' is a space in form-encoded queries.
std::string url_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += s[i] == '+' ? ' ' : s[i];
    }
    return out;
}

}  // namespace

std::optional<std::string> raw_request::query(std::string_view name) const {
    auto q = target.find('?');
    if (q == std::string::npos) return std::nullopt;
    std::string_view rest = std::string_view(target).substr(q + 1);
    while (!rest.empty()) {
        auto amp = rest.find('&');
        auto pair = rest.substr(0, amp);
        auto eq = pair.find('=');
        auto key = url_decode(pair.substr(0, eq));
        if (key == name) return eq == std::string_view::npos ? std::string{} : url_decode(pair.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        rest.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

std::string raw_request::path() const { return target.substr(0, target.find('?')); }

const std::string* raw_request::header(std::string_view lower_name) const {
    auto it = headers.find(std::string(lower_name));
    return it == headers.end() ? nullptr : &it->second;
}

int status_of(errc e) {
    switch (e) {
        case errc::missing_parameter: return 400;
        case errc::stale_timestamp: return 401;
        case errc::bad_signature: return 401;
        case errc::decrypt_failed: return 400;
        case errc::malformed_body: return 400;
        case errc::unsupported_event: return 200;
    }
    return 400;
}

std::string_view name_of(errc e) {
    switch (e) {
        case errc::missing_parameter: return "missing_parameter";
        case errc::stale_timestamp: return "stale_timestamp";
        case errc::bad_signature: return "bad_signature";
        case errc::decrypt_failed: return "decrypt_failed";
        case errc::malformed_body: return "malformed_body";
        case errc::unsupported_event: return "unsupported_event";
    }
    return "unknown";
}

std::vector<std::string> split_utf8(std::string_view text, std::size_t max_bytes) {
    std::vector<std::string> out;
    if (max_bytes < 4) max_bytes = 4;
    while (text.size() > max_bytes) {
        std::size_t cut = max_bytes;
        // Never inside a UTF-8 sequence: back up over continuation bytes.
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
        if (cut == 0) cut = max_bytes;  // invalid input: cut anyway, it cannot be split better
        // Prefer the last line break in the second half of the piece.
        auto nl = text.substr(0, cut).rfind('\n');
        if (nl != std::string_view::npos && nl >= cut / 2) cut = nl + 1;
        out.emplace_back(text.substr(0, cut));
        text.remove_prefix(cut);
    }
    if (!text.empty() || out.empty()) out.emplace_back(text);
    return out;
}

std::string redact(std::string_view url) {
    static const char* secret_keys[] = {"access_token", "key", "sign", "secret", "token", "signature", "msg_signature"};
    std::string out(url);
    auto q = out.find('?');
    if (q == std::string::npos) return out;
    std::size_t pos = q + 1;
    while (pos < out.size()) {
        auto amp = out.find('&', pos);
        auto end = amp == std::string::npos ? out.size() : amp;
        auto eq = out.find('=', pos);
        if (eq != std::string::npos && eq < end) {
            std::string key = out.substr(pos, eq - pos);
            for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            for (const char* k : secret_keys)
                if (key == k) {
                    out.replace(eq + 1, end - eq - 1, "***");
                    end = eq + 4;
                    break;
                }
        }
        pos = end + 1;
    }
    return out;
}

}  // namespace adapters
