// The group's monthly roll-up (rules/group_rollup.hpp) from the companies' databases, and the
// scheduled post of it: on group.rollup.day at group.rollup.at in the group's time zone, the
// roll-up of the month before goes to the group chat, once per month. The durable record is a meta
// row "group_rollup@2026-11" in the FIRST company's database, written in the transaction that puts
// the post into that company's outbox (its sender posts it through the group chat's robot), beside
// the moment of the next one ("group_rollup_next", armed from the first start on): a restart
// posts nothing twice, and a bot that was down at the hour posts it once when it starts again.
//
// Thread-safety: the loop thread's, as the services.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "rules/group_rollup.hpp"
#include "storage/database.hpp"

namespace app {

// A company's month as the roll-up needs it, from its database (what load_month reads for the
// monthly report, and the complaints open now).
rules::company_month load_company_month(storage::database& db, const rules::company& co,
                                        const rules::period& month, core::instant now);

// The roll-up of `month` from `dbs` (one per company of `g`, in its order).
rules::group_rollup load_group_rollup(const rules::group_config& g,
                                      const std::vector<storage::database*>& dbs, const rules::period& month,
                                      core::instant now);

// "group_rollup@2026-11": the meta key recording that the month's roll-up was posted.
std::string group_rollup_key(const rules::period& month);

// The moment the roll-up of the month before `day`'s month is due: group.rollup.day at
// group.rollup.at of `day`'s month, in the group's zone.
core::instant group_rollup_due(const rules::group_config& g, core::local_date day);

class group_rollup_job {
  public:
    // `dbs` as load_group_rollup's; `posted`: called after the post is committed (kicks the first
    // company's sender).
    group_rollup_job(boost::asio::io_context& ioc, const rules::group_config& g,
                     std::vector<storage::database*> dbs, const core::clock& clock,
                     std::function<void()> posted);
    // Posts a roll-up due and not posted yet, then waits for the next one. Nothing without a
    // group chat.
    void start();
    void stop();
    // Posts the roll-up when its moment (a meta row "group_rollup_next") has come and the month's
    // is not recorded, then records the next moment; the first start only records it (nothing of
    // the months before). True when it posted. Throws storage::error (nothing committed).
    bool run_due(core::instant now);
    // When the next roll-up is due, as recorded; nullopt before the first start or without a
    // group chat.
    std::optional<core::instant> next_due();

  private:
    void arm();

    const rules::group_config& group_;
    std::vector<storage::database*> dbs_;
    const core::clock& clock_;
    std::function<void()> posted_;
    boost::asio::steady_timer timer_;
    bool stopping_ = false;
};

}  // namespace app
