// The reply handles of the messages answered recently (core::inbound_message::reply_handle), held
// in memory only: some are credentials (DingTalk's sessionWebhook), and after a restart the group
// robot answers instead. Bounded: the oldest are forgotten first, expired ones never returned.
//
// Thread-safety: the io_context's thread, like the service that owns it.
#pragma once

#include <deque>
#include <map>
#include <string>

#include "core/time.hpp"

namespace app {

class reply_book {
  public:
    // A handle whose platform states no expiry is used for this long (WeCom's response_url lives an
    // hour; the posts it is for leave within seconds).
    static constexpr core::duration default_life{std::chrono::minutes(30)};
    static constexpr std::size_t capacity = 20'000;

    void remember(const std::string& platform, const std::string& msg_id, std::string handle,
                  core::instant until, core::instant now) {
        if (msg_id.empty() || handle.empty()) return;
        if (until == core::instant{}) until = now + default_life;
        auto key = platform + '\n' + msg_id;
        if (!book_.count(key)) order_.push_back(key);
        book_[key] = {std::move(handle), until};
        while (order_.size() > capacity) {
            book_.erase(order_.front());
            order_.pop_front();
        }
    }
    // The handle, or empty when unknown, forgotten or expired (a minute's margin: a post must reach
    // the platform before the handle dies).
    std::string find(const std::string& platform, const std::string& msg_id, core::instant now) const {
        auto it = book_.find(platform + '\n' + msg_id);
        if (it == book_.end() || it->second.until - std::chrono::minutes(1) <= now) return {};
        return it->second.handle;
    }
    void forget(const std::string& platform, const std::string& msg_id) {
        book_.erase(platform + '\n' + msg_id);
    }
    std::size_t size() const { return book_.size(); }

  private:
    struct entry {
        std::string handle;
        core::instant until;
    };
    std::map<std::string, entry> book_;
    std::deque<std::string> order_;  // insertion order, for the bound (a forgotten key may linger here)
};

}  // namespace app
