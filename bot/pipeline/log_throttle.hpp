// Lets a repeated log line through once per key and interval: a flood of posts from one unknown
// chat or unregistered sender writes a line a minute, not one per post, while every new chat or
// sender is still logged at once.
//
// Thread-safety: not thread-safe; used from the loop thread.
#pragma once

#include <map>
#include <string>

#include "core/time.hpp"

namespace app {

class log_throttle {
  public:
    explicit log_throttle(core::duration every = std::chrono::minutes(1), std::size_t max_keys = 4096)
        : every_(every), max_keys_(max_keys) {}

    // True when `key` was not let through within the last interval (and records `now` for it).
    // While more than max_keys keys were seen within one interval, new keys are not let through.
    bool allow(const std::string& key, core::instant now) {
        if (last_.size() >= max_keys_ && !last_.count(key)) {  // many keys (forged ids): forget quiet ones
            for (auto it = last_.begin(); it != last_.end();)
                it = now - it->second >= every_ || it->second > now ? last_.erase(it) : std::next(it);
            if (last_.size() >= max_keys_) return false;  // a flood of distinct ids: stay bounded
        }
        auto [it, fresh] = last_.try_emplace(key, now);
        if (fresh) return true;
        if (now - it->second < every_ && it->second <= now) return false;
        it->second = now;
        return true;
    }

  private:
    core::duration every_;
    std::size_t max_keys_;
    std::map<std::string, core::instant> last_;
};

}  // namespace app
