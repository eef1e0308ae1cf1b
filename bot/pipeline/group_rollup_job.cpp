#include "pipeline/group_rollup_job.hpp"

#include <spdlog/spdlog.h>

#include "pipeline/engine.hpp"
#include "storage/unit_of_work.hpp"

namespace app {

rules::company_month load_company_month(storage::database& db, const rules::company& co,
                                        const rules::period& month, core::instant now) {
    core::zone tz(co.cfg.timezone);
    auto in = load_month(db, tz, month, now);
    rules::company_month m;
    m.co = &co;
    m.posted = std::move(in.posted);
    m.fines = std::move(in.fines);
    m.changed = std::move(in.changed);
    m.open = db.open_complaints();
    return m;
}

rules::group_rollup load_group_rollup(const rules::group_config& g,
                                      const std::vector<storage::database*>& dbs, const rules::period& month,
                                      core::instant now) {
    std::vector<rules::company_month> months;
    for (std::size_t i = 0; i < g.companies.size() && i < dbs.size(); ++i)
        months.push_back(load_company_month(*dbs[i], g.companies[i], month, now));
    return rules::build_group_rollup(months, month, g.group, now);
}

std::string group_rollup_key(const rules::period& month) {
    return "group_rollup@" + month.label;
}

core::instant group_rollup_due(const rules::group_config& g, core::local_date day) {
    core::zone tz(g.timezone);
    auto at = core::parse_schedule_time(g.group.rollup.at).value_or(core::schedule_time{0, 9, 30});
    core::local_datetime t{
        {day.year, day.month, static_cast<unsigned>(g.group.rollup.day)}, at.hour, at.minute, 0};
    return tz.to_utc(t);
}

group_rollup_job::group_rollup_job(boost::asio::io_context& ioc, const rules::group_config& g,
                                   std::vector<storage::database*> dbs, const core::clock& clock,
                                   std::function<void()> posted)
    : group_(g), dbs_(std::move(dbs)), clock_(clock), posted_(std::move(posted)), timer_(ioc) {}

namespace {

constexpr const char* next_key = "group_rollup_next";  // ms since 1970 of the next roll-up

core::instant next_after(const rules::group_config& g, core::instant now) {
    core::zone tz(g.timezone);
    auto today = tz.date_of(now);
    auto due = group_rollup_due(g, today);
    if (due > now) return due;
    return group_rollup_due(g, core::add_days(core::local_date{today.year, today.month, 1}, 32));
}

std::optional<core::instant> stored_next(storage::database& db) {
    auto v = db.meta(next_key);
    if (!v) return std::nullopt;
    try {
        return core::instant{core::duration{std::stoll(*v)}};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

std::optional<core::instant> group_rollup_job::next_due() {
    if (!group_.group.chat || dbs_.empty()) return std::nullopt;
    return stored_next(*dbs_.front());
}

bool group_rollup_job::run_due(core::instant now) {
    if (!group_.group.chat || dbs_.empty()) return false;
    auto& db = *dbs_.front();
    auto next = stored_next(db);
    if (next && now < *next) return false;
    bool posted = false;
    std::optional<core::outbound_post> post;
    rules::period month;
    if (next) {  // due (or missed while the bot was down): the month before the one it fell in
        core::zone tz(group_.timezone);
        month = rules::previous_month(tz.date_of(*next));
        if (!db.meta(group_rollup_key(month)))
            post =
                rules::group_rollup_post(load_group_rollup(group_, dbs_, month, now), group_.group.chat->id);
    }
    auto tx = db.begin();
    if (post && !db.meta(group_rollup_key(month))) {
        db.enqueue(*post, now);
        db.set_meta(group_rollup_key(month), std::to_string(now.time_since_epoch().count()));
        posted = true;
    }
    // The first start arms the next one from now on (nothing of the months before it).
    db.set_meta(next_key, std::to_string(next_after(group_, now).time_since_epoch().count()));
    tx->commit();
    if (posted) {
        spdlog::info("the group roll-up of {} is queued for the group chat '{}'", month.label,
                     group_.group.chat->id);
        if (posted_) posted_();
    }
    return posted;
}

void group_rollup_job::start() {
    if (!group_.group.chat) return;
    arm();
}

void group_rollup_job::stop() {
    stopping_ = true;
    timer_.cancel();
}

void group_rollup_job::arm() {
    if (stopping_) return;
    auto wait = std::chrono::milliseconds(0);
    try {
        // A step of a company may hold its transaction open across a wait (group commit): later.
        bool busy = false;
        for (auto* db : dbs_) busy = busy || db->in_transaction();
        if (busy) {
            wait = std::chrono::milliseconds(200);
        } else {
            auto now = clock_.now();
            run_due(now);
            auto next = next_due().value_or(now + std::chrono::hours(1));
            // At least once an hour: the wall clock can jump.
            wait = std::min(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::hours(1)),
                            std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::max(core::duration{0}, next - now)));
        }
    } catch (const std::exception& e) {
        spdlog::error("the group roll-up failed: {} (will retry in a minute)", dbs_.front()->explain(e));
        wait = std::chrono::minutes(1);
    }
    timer_.expires_after(wait);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopping_) return;
        arm();
    });
}

}  // namespace app
