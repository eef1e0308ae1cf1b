#include "adapters/slack_markup.hpp"

#include <algorithm>

#include "adapters/slack.hpp"
#include "adapters/text_util.hpp"

namespace adapters {

namespace slack_markup {

namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    if (from.empty()) return;
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
}

}  // namespace

// Slack's three control characters in message text (https://api.slack.com/reference/surfaces/formatting).
std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else
            out.push_back(c);
    }
    return out;
}

// "@name" → "<@U…>" for each person with a Slack account (appended when the name is absent); the
// others stay "@name".
std::string apply_mentions(std::string text, const std::vector<mention_target>& mentions) {
    std::vector<std::string> done;
    for (const auto& m : mentions) {
        if (m.account.empty() || std::find(done.begin(), done.end(), m.account) != done.end()) continue;
        done.push_back(m.account);
        const std::string token = "<@" + m.account + ">";
        const std::string shown = "@" + escape(m.name);
        if (!m.name.empty() && text.find(shown) != std::string::npos) {
            replace_all(text, shown, token);
        } else if (text.find(token) == std::string::npos) {
            if (!text.empty() && text.back() != '\n' && text.back() != ' ') text.push_back(' ');
            text += token;
        }
    }
    return text;
}

// split_utf8 pieces that never cut a <…> token or an &…; entity in two.
std::vector<std::string> split(std::string_view text, std::size_t limit) {
    std::vector<std::string> out;
    while (!text.empty()) {
        std::string piece = split_utf8(text, limit).front();
        if (piece.size() < text.size()) {
            const auto lt = piece.rfind('<');
            const auto gt = piece.rfind('>');
            if (lt != std::string::npos && lt > 0 && (gt == std::string::npos || gt < lt)) piece.resize(lt);
            const auto amp = piece.rfind('&');
            const auto semi = piece.rfind(';');
            if (amp != std::string::npos && amp > 0 && piece.size() - amp < 6 &&
                (semi == std::string::npos || semi < amp))
                piece.resize(amp);
        }
        text.remove_prefix(piece.size());
        out.push_back(std::move(piece));
    }
    return out;
}

}  // namespace slack_markup

std::string slack_readable(std::string_view text, std::string_view bot_user, bool strip_any) {
    std::string_view s = text::trim(text);
    if (s.starts_with("<@")) {
        const auto end = s.find('>');
        if (end != std::string_view::npos) {
            auto id = s.substr(2, end - 2);
            id = id.substr(0, id.find('|'));
            if ((!bot_user.empty() && id == bot_user) || (bot_user.empty() && strip_any))
                s.remove_prefix(end + 1);
        }
    }
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '<') {
            const auto end = s.find('>', i);
            if (end == std::string_view::npos) {
                out.append(s.substr(i));
                break;
            }
            const auto inner = s.substr(i + 1, end - i - 1);
            const auto bar = inner.find('|');
            const auto target = inner.substr(0, bar);
            const auto label = bar == std::string_view::npos ? std::string_view{} : inner.substr(bar + 1);
            if (target.starts_with("@") || target.starts_with("#")) {
                out.push_back(target[0]);
                out.append(label.empty() ? target.substr(1) : label);
            } else if (target.starts_with("!")) {
                // <!here>, <!channel>, <!everyone>; <!subteam^S…|@team>; <!date^…|fallback>.
                if (!label.empty())
                    out.append(label);
                else
                    out.append("@").append(target.substr(1, target.find('^') - 1));
            } else {
                auto url = target;
                if (url.starts_with("mailto:")) url.remove_prefix(7);
                out.append(label.empty() ? url : label);
            }
            i = end;
        } else if (c == '&') {
            const auto rest = s.substr(i);
            if (rest.starts_with("&lt;")) {
                out.push_back('<');
                i += 3;
            } else if (rest.starts_with("&gt;")) {
                out.push_back('>');
                i += 3;
            } else if (rest.starts_with("&amp;")) {
                out.push_back('&');
                i += 4;
            } else {
                out.push_back('&');
            }
        } else {
            out.push_back(c);
        }
    }
    return std::string(text::trim(out));
}

}  // namespace adapters
