// What the engine keeps and says about the parts of a post it cannot read: the inbound record's
// text with the attachments' download codes, the one reply to a photo, voice message or file
// ("send it as text"), and the reply to a sender whose account is not registered (their platform
// id, and HR named from the config). Pure functions; the engine rate-limits the replies.
#pragma once

#include <string>
#include <string_view>

#include "core/message.hpp"
#include "rules/config.hpp"

namespace app {

// The inbound table's `text` for a message: its text, then one line "[<kind>] <code>" per
// attachment, or "[<type>]" alone for an unreadable message that left nothing to keep. A message
// with text only is recorded exactly as before.
std::string inbound_record_text(const core::inbound_message& msg);

// True when the message has a part the bot cannot read (a photo, a voice message, a file), so a post
// that is neither a command nor a complaint form still deserves a word on what to send.
bool has_unreadable_part(const core::inbound_message& msg);

// The reply to such a post: what the bot could not read and what to send instead (text, or the
// complaint form as text; a photo may go with it).
std::string unreadable_reply(const core::inbound_message& msg);

// The reply to a sender the organization does not know: their platform and id (HR adds it to the
// person's accounts) and the HR department by its configured name. `msg.sender` is the platform
// account, as service::route_message marks it ("unregistered:<account>"), or a bare id.
std::string unregistered_reply(const rules::config& cfg, const core::inbound_message& msg);

// "钉钉", "企业微信", or "" for a platform without a Chinese name (replay).
std::string_view platform_title(std::string_view platform);

}  // namespace app
