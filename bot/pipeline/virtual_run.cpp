#include "pipeline/virtual_run.hpp"

namespace app {

virtual_run::virtual_run(const rules::config& cfg, storage::database& db, core::instant start,
                         std::function<void()> after_step)
    : clock_(start), after_step_(std::move(after_step)) {
    engine_.emplace(cfg, db, clock_);
}

void virtual_run::advance(core::instant to, bool inclusive) {
    while (auto next = engine_->next_due()) {
        if (inclusive ? *next > to : *next >= to) break;
        clock_.set(*next);
        engine_->fire_due(*next);
        if (after_step_) after_step_();
    }
    clock_.set(to);
}

handled virtual_run::feed(const core::inbound_message& msg) {
    advance(msg.received_at, false);
    auto r = engine_->handle(msg);
    if (after_step_) after_step_();
    return r;
}

}  // namespace app
