// Slack's message markup (internal to the Slack adapter): escaping our text, real mentions, and
// splitting that never cuts a <…> token or an entity in two. slack_readable (slack.hpp) goes the
// other way.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"

namespace adapters::slack_markup {

// &, < and > as &amp; &lt; &gt;, the three characters Slack reserves in message text.
std::string escape(std::string_view text);
// "@name" → "<@U…>" in escaped text for each person with a Slack account (appended when the name is
// absent); the others stay "@name".
std::string apply_mentions(std::string text, const std::vector<mention_target>& mentions);
// split_utf8 pieces of at most `limit` bytes that never cut a <…> token or an &…; entity in two.
std::vector<std::string> split(std::string_view text, std::size_t limit);

}  // namespace adapters::slack_markup
