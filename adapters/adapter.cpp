#include "adapters/adapter.hpp"

#include <array>
#include <stdexcept>

namespace adapters {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Percent-decoding only. '+' stays '+': none of the platforms we serve form-encodes its query
// strings. WeCom sends echostr percent-encoded (%2B, %2F, %3D; PROTOCOLS 2.2 and the official
// samples), DingTalk's HTTP mode authenticates with headers, and no parameter we read (hex
// signatures, digits, nonces, base64) can contain a space — so a literal '+' can only be a base64
// '+' that a proxy left unencoded, and turning it into a space would break the signature.
// A malformed escape ("%zz", a trailing "%") is kept literally; the signature check rejects it.
std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            const int hi = hex_value(s[i + 1]);
            const int lo = hex_value(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(s[i]);
    }
    return out;
}

std::string_view query_of(std::string_view target) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return {};
    auto query = target.substr(q + 1);
    if (const auto h = query.find('#'); h != std::string_view::npos) query = query.substr(0, h);
    return query;
}

// Length of the UTF-8 sequence starting at text[i], or 1 when the bytes there do not form a
// structurally valid sequence (so invalid input advances byte by byte and never loops).
std::size_t utf8_unit(std::string_view text, std::size_t i) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
    } else {
        return 1;  // ASCII, a stray continuation byte, or an invalid lead byte
    }
    if (i + len > text.size()) return 1;
    for (std::size_t k = 1; k < len; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return 1;
    }
    return len;
}

bool is_secret_name(std::string_view name) {
    static constexpr std::array<std::string_view, 14> names{
        "access_token", "key",    "sign", "signature",     "msg_signature", "session", "secret",
        "token",        "ticket", "code", "response_code", "echostr",       "encrypt", "sessionwebhook"};
    std::string lower(name);
    for (auto& ch : lower) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    for (const auto n : names) {
        if (lower == n) return true;
    }
    return lower.find("token") != std::string::npos || lower.find("secret") != std::string::npos;
}

// Long opaque values (≥ 20 chars of token-like characters) are treated as credentials even under
// a name we do not know: a webhook URL is a credential in itself (PROTOCOLS 6).
bool looks_like_credential(std::string_view value) {
    if (value.size() < 20) return false;
    for (const char c : value) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        c == '-' || c == '_' || c == '%' || c == '+' || c == '/' || c == '=' || c == '.' ||
                        c == '~';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

std::optional<std::string> raw_request::query(std::string_view name) const {
    std::string_view rest = query_of(target);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        const std::string_view raw_name = pair.substr(0, eq);
        if (percent_decode(raw_name) != name) continue;
        // First occurrence wins; "name" without "=" is present with an empty value.
        return eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1));
    }
    return std::nullopt;
}

std::string raw_request::path() const {
    const auto end = target.find_first_of("?#");
    return target.substr(0, end);
}

const std::string* raw_request::header(std::string_view lower_name) const {
    const auto it = headers.find(std::string(lower_name));
    return it == headers.end() ? nullptr : &it->second;
}

int status_of(errc e) {
    switch (e) {
        case errc::missing_parameter:
            return 400;
        case errc::missing_signature:
            return 401;
        case errc::stale_timestamp:
            return 401;
        case errc::bad_signature:
            return 401;
        case errc::decrypt_failed:
            return 400;
        case errc::malformed_body:
            return 400;
        case errc::unsupported_event:
            return 200;
    }
    return 500;
}

std::string_view name_of(errc e) {
    switch (e) {
        case errc::missing_parameter:
            return "missing_parameter";
        case errc::missing_signature:
            return "missing_signature";
        case errc::stale_timestamp:
            return "stale_timestamp";
        case errc::bad_signature:
            return "bad_signature";
        case errc::decrypt_failed:
            return "decrypt_failed";
        case errc::malformed_body:
            return "malformed_body";
        case errc::unsupported_event:
            return "unsupported_event";
    }
    return "unknown";
}

std::vector<std::string> split_utf8(std::string_view text, std::size_t max_bytes) {
    // Below 4 bytes a single character might not fit; that is a caller bug, not input.
    if (max_bytes < 4) throw std::invalid_argument("split_utf8: max_bytes must be at least 4");
    std::vector<std::string> pieces;
    std::size_t start = 0;
    while (start < text.size()) {
        if (text.size() - start <= max_bytes) {
            pieces.emplace_back(text.substr(start));
            break;
        }
        // Walk whole characters while they fit, remembering the last line break.
        std::size_t end = start;
        std::size_t after_newline = 0;
        while (end < text.size()) {
            const std::size_t len = utf8_unit(text, end);
            if (end + len - start > max_bytes) break;
            if (text[end] == '\n') after_newline = end + 1;
            end += len;
        }
        // Prefer the line break unless it would leave a piece less than half full.
        if (after_newline > start && after_newline - start >= max_bytes / 2) end = after_newline;
        pieces.emplace_back(text.substr(start, end - start));
        start = end;
    }
    return pieces;
}

std::string redact(std::string_view url) {
    std::string out;
    out.reserve(url.size());
    // Credentials in the authority ("user:pass@host").
    std::string_view rest = url;
    if (const auto scheme = rest.find("://"); scheme != std::string_view::npos) {
        out.append(rest.substr(0, scheme + 3));
        rest = rest.substr(scheme + 3);
        const auto authority_end = rest.find_first_of("/?#");
        const auto at = rest.substr(0, authority_end).rfind('@');
        if (at != std::string_view::npos) {
            out.append("***@");
            rest = rest.substr(at + 1);
        }
    }
    const auto q = rest.find('?');
    std::string_view path = rest.substr(0, q);
    std::string_view query = q == std::string_view::npos ? std::string_view{} : rest.substr(q + 1);
    std::string_view fragment;
    if (const auto h = (q == std::string_view::npos ? path : query).find('#'); h != std::string_view::npos) {
        if (q == std::string_view::npos) {
            fragment = path.substr(h);
            path = path.substr(0, h);
        } else {
            fragment = query.substr(h);
            query = query.substr(0, h);
        }
    }
    // Path segments: Feishu-style ".../hook/<token>" and any long opaque segment.
    std::size_t seg_start = 0;
    bool previous_was_hook = false;
    while (seg_start <= path.size()) {
        const auto slash = path.find('/', seg_start);
        const auto seg =
            path.substr(seg_start, slash == std::string_view::npos ? path.npos : slash - seg_start);
        if (!seg.empty() && (previous_was_hook || looks_like_credential(seg))) {
            out.append("***");
        } else {
            out.append(seg);
        }
        previous_was_hook = seg == "hook" || seg == "hooks";
        if (slash == std::string_view::npos) break;
        out.push_back('/');
        seg_start = slash + 1;
    }
    if (q != std::string_view::npos) {
        out.push_back('?');
        const bool signed_url =
            raw_request{"GET", "/?" + std::string(query), {}, {}}.query("sign").has_value();
        std::string_view params = query;
        bool first = true;
        while (true) {
            const auto amp = params.find('&');
            const auto pair = params.substr(0, amp);
            if (!first) out.push_back('&');
            first = false;
            const auto eq = pair.find('=');
            if (eq == std::string_view::npos) {
                out.append(pair);
            } else {
                const auto name = pair.substr(0, eq);
                const auto value = pair.substr(eq + 1);
                // A timestamp is only sensitive next to a sign (the pair authenticates for an hour).
                const bool hide = is_secret_name(name) || (signed_url && name == "timestamp") ||
                                  looks_like_credential(value);
                out.append(name);
                out.push_back('=');
                out.append(hide && !value.empty() ? std::string_view("***") : value);
            }
            if (amp == std::string_view::npos) break;
            params = params.substr(amp + 1);
        }
    }
    out.append(fragment);
    return out;
}

inbound_result refuse(errc e, std::string detail) {
    inbound_result r;
    r.error = e;
    r.detail = std::move(detail);
    return r;
}

std::string log_word(std::string_view s) {
    std::string out;
    for (const char c : s.substr(0, 40)) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        c == '_' || c == '-' || c == '/' || c == '.';
        out.push_back(ok ? c : '?');
    }
    return out;
}

}  // namespace adapters
