// Where a platform's long connection hands its decoded messages, and where it plugs its own way of
// sending: the one service of a single company (pipeline/service.hpp), or the group router that
// forwards each message to the service of the company owning its chat (pipeline/group_router.hpp).
// Runs on the io_context's thread.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <string>

#include "adapters/adapter.hpp"
#include "adapters/dingtalk_events.hpp"
#include "core/message.hpp"
#include "transport/https_client.hpp"

namespace app {

class message_hub {
  public:
    virtual ~message_hub() = default;

    enum class accepted {
        committed,  // durable (or a duplicate): acknowledge
        ignored,    // nothing to do (an unbound chat): acknowledge
        failed,     // storage failed, nothing committed: do not acknowledge (503)
        rejected    // processing this message failed and was rolled back alone: do not acknowledge (500)
    };
    // A decoded message from any transport (HTTP callback or Stream): chat and sender mapped,
    // then committed through the group-commit batcher. `failed` or `rejected`: nothing of it was
    // committed, do not acknowledge.
    virtual boost::asio::awaitable<accepted> accept_message_async(std::string platform,
                                                                  core::inbound_message msg) = 0;

    // Posts of `platform`'s chats go out through `deliver` instead of HTTPS (a long connection's
    // send); call before start().
    using delivery = std::function<boost::asio::awaitable<http_result>(const adapters::outbound_request&)>;
    virtual void deliver_with(const std::string& platform, delivery deliver) = 0;
    // Serves DingTalk's encrypted event subscription on /hooks/dingtalk/events from now on: people
    // leaving or changing department warn HR (engine::staff_changed).
    virtual void serve_dingtalk_events(std::unique_ptr<adapters::dingtalk_events> events) = 0;
};

}  // namespace app
