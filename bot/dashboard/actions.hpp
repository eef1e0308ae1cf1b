// HR's 已缴 / 免罚 buttons of the 罚款台账 (POST /fines/F1/paid, /fines/F1/waive): checked here first,
// so a refusal changes nothing, then run as the chat command they stand for — "已缴 F1" / "免罚 F1
// <原因>" from the HR person, in the chat of the fine's complaint — through the same engine, so the
// same rule code writes the same events, audit chain and group reply as a post would.
#pragma once

#include <functional>
#include <string>

#include "core/clock.hpp"
#include "core/message.hpp"
#include "dashboard/dashboard.hpp"
#include "rules/config.hpp"
#include "storage/database.hpp"

namespace app::dashboard {

constexpr std::size_t waive_reason_max = 200;  // characters (code points)

class fine_actions {
  public:
    // `submit` runs one message through the engine (serve: engine::handle, then the outbox's kick).
    using submit_fn = std::function<void(const core::inbound_message&)>;
    fine_actions(const rules::config& cfg, storage::database& db, const core::clock& clock, submit_fn submit);

    action_result operator()(const std::string& person, const std::string& fine_id, bool paid,
                             const std::string& reason) const;

  private:
    const rules::config& cfg_;
    storage::database& db_;
    const core::clock& clock_;
    submit_fn submit_;
};

}  // namespace app::dashboard
