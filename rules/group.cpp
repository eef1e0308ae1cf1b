#include "rules/group.hpp"

#include <algorithm>

namespace rules {

std::string company::label(std::string_view complaint_id) const {
    if (short_name.empty()) return std::string(complaint_id);
    return short_name + " " + std::string(complaint_id);
}

std::string company::title() const {
    if (!short_name.empty()) return short_name;
    if (!name.empty()) return name;
    return "本公司";
}

const person* group_settings::find_member(std::string_view id) const {
    for (const auto& m : members)
        if (m.id == id) return &m;
    return nullptr;
}

const person* group_settings::member_by_account(std::string_view platform, std::string_view account) const {
    for (const auto& m : members)
        if (auto it = m.accounts.find(std::string(platform)); it != m.accounts.end() && it->second == account)
            return &m;
    return nullptr;
}

const company* group_config::find(std::string_view id) const {
    for (const auto& c : companies)
        if (c.id == id) return &c;
    return nullptr;
}

chat_route group_config::route(std::string_view platform, std::string_view conversation) const {
    // The chat naming the conversation first, then a chat of the platform that takes any.
    for (bool exact : {true, false}) {
        if (group.chat && group.chat->platform == platform &&
            (exact ? group.chat->conversation == conversation && !conversation.empty()
                   : group.chat->conversation.empty()))
            return {nullptr, &*group.chat, true};
        for (const auto& co : companies)
            for (const auto& ch : co.cfg.chats)
                if (ch.platform == platform &&
                    (exact ? !conversation.empty() && ch.conversation == conversation
                           : ch.conversation.empty()))
                    return {&co, &ch, false};
    }
    return {};
}

const company* group_config::company_of_chat(std::string_view platform, std::string_view conversation) const {
    return route(platform, conversation).owner;
}

std::vector<std::string> group_config::used_platforms() const {
    std::vector<std::string> out;
    auto add = [&](const std::string& p) {
        if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    };
    for (const auto& co : companies)
        for (const auto& ch : co.cfg.chats) add(ch.platform);
    if (group.chat) add(group.chat->platform);
    return out;
}

std::string company_database(const std::string& group_default, const std::string& id) {
    if (id.empty() || group_default.empty() || group_default == ":memory:") return group_default;
    if (auto scheme = group_default.find("://"); scheme != std::string::npos) {
        auto end = group_default.find_first_of("?#", scheme + 3);
        if (end == std::string::npos) end = group_default.size();
        return group_default.substr(0, end) + "-" + id + group_default.substr(end);
    }
    auto slash = group_default.find_last_of('/');
    auto dot = group_default.find_last_of('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash) ||
        dot == (slash == std::string::npos ? 0 : slash + 1))
        return group_default + "-" + id;  // no extension (or a dot file)
    return group_default.substr(0, dot) + "-" + id + group_default.substr(dot);
}

}  // namespace rules
