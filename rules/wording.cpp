#include "rules/wording.hpp"

namespace rules {

namespace {

constexpr std::string_view unregistered_prefix = "unregistered:";

}  // namespace

core::outbound_post with_mentions(core::outbound_post post, const config& cfg) {
    if (!post.mentions.empty()) {
        std::string line;
        for (const auto& m : post.mentions) line += (line.empty() ? "@" : " @") + cfg.org.display_name(m);
        post.text += "\n" + line;
    }
    return post;
}

core::outbound_post reply_to_sender(const std::string& chat, const std::string& sender, std::string text,
                                    const config& cfg) {
    core::outbound_post post{chat, std::move(text), {}};
    if (cfg.org.find_person(sender)) post.mentions.push_back(sender);
    return with_mentions(std::move(post), cfg);
}

std::string_view platform_title(std::string_view platform) {
    if (platform == "dingtalk") return "钉钉";
    if (platform == "wecom") return "企业微信";
    return "";
}

std::string unregistered_sender_reply(const config& cfg, std::string_view platform, std::string_view sender) {
    std::string_view account = sender;
    if (account.starts_with(unregistered_prefix)) account.remove_prefix(unregistered_prefix.size());
    const std::string hr = cfg.roles.hr.empty() ? std::string("管理员") : cfg.roles.hr;
    return "❌ 你的" + std::string(platform_title(platform)) + "账号尚未在投诉机器人中登记（账号 ID：" +
           std::string(account) + "）。请把这个 ID 发给" + hr + "，登记后再发送。";
}

std::string unknown_department_reply(const config& cfg, const std::string& word) {
    std::string names;
    for (const auto& d : cfg.org.departments) names += (names.empty() ? "" : "、") + d.name;
    return "❌ 未知部门：" + word + "。可用的部门：" + names + "。";
}

std::string unknown_category_reply(const config& cfg, const std::string& word) {
    std::string names;
    for (const auto& c : cfg.categories) names += (names.empty() ? "" : "、") + c;
    return "❌ 问题类别“" + word + "”不在列表中，可选：" + names + "。";
}

}  // namespace rules
