// How the bot's posts name people and places, in one place: the @-mention line every post ends with,
// the reply to the person who wrote, the reply to a sender the organization does not know, the
// refusal of an unknown department. Departments and roles come from the config, never hard-coded.
#pragma once

#include <string>
#include <string_view>

#include "core/message.hpp"
#include "rules/config.hpp"

namespace rules {

// Appends "\n@A @B" (display names, in mention order) when the post mentions anyone, so it reads
// right on any platform; the post's mentions are left as they are.
core::outbound_post with_mentions(core::outbound_post post, const config& cfg);

// A reply in `chat` to `sender`: @-mentions them when the organization knows them.
core::outbound_post reply_to_sender(const std::string& chat, const std::string& sender, std::string text,
                                    const config& cfg);

// "钉钉", "企业微信", or "" for a platform without a Chinese name (replay).
std::string_view platform_title(std::string_view platform);

// The reply to a sender the organization does not know: their platform and account id (HR adds it
// to the person's accounts) and HR by its configured name. `sender` is the platform account, as
// the service marks it ("unregistered:<account>"), or a bare id.
std::string unregistered_sender_reply(const config& cfg, std::string_view platform, std::string_view sender);

// "❌ 未知部门：品管部。可用的部门：销售一部、打单部…。"
std::string unknown_department_reply(const config& cfg, const std::string& word);

// "❌ 问题类别“颜色”不在列表中，可选：外观、尺寸…。"
std::string unknown_category_reply(const config& cfg, const std::string& word);

}  // namespace rules
