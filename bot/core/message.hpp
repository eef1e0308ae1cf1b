// The normalized messages that cross module boundaries: what an adapter decodes from a platform
// and what the rules hand back to be posted.
#pragma once

#include <string>
#include <vector>

#include "core/time.hpp"

namespace core {

// One inbound chat message, after the adapter verified and decoded it and mapped the sender to a
// person id of the configuration.
struct inbound_message {
    std::string platform;  // "dingtalk", "wecom", "replay", ...
    std::string chat;      // chat id as the config names it
    std::string msg_id;    // platform message id, for de-duplication (may be empty)
    std::string sender;    // person id from the config
    std::string text;      // @-mention of the bot already stripped
    instant received_at{};
};

// One post the bot wants in a chat. `mentions` are person ids; adapters turn them into the
// platform's real @-mentions.
struct outbound_post {
    std::string chat;
    std::string text;
    std::vector<std::string> mentions;
};

}  // namespace core
