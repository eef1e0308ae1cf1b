#include "cli/whatif.hpp"

#include <filesystem>
#include <ostream>

#include "cli/progress.hpp"
#include "pipeline/inbound_post.hpp"
#include "pipeline/virtual_run.hpp"
#include "storage/database.hpp"

namespace app {

namespace {

bool is_attachment_kind(std::string_view k) {
    return k == "picture" || k == "image" || k == "richText" || k == "mixed" || k == "audio" ||
           k == "voice" || k == "video" || k == "file";
}

std::string minutes_text(core::duration d) {
    return d.count() == 0 ? "关闭" : core::format_duration_zh(d);
}

// The settings that differ between the rules frozen on the period's first recorded complaint and
// the proposed ones.
std::vector<setting_change> differences(const rules::workflow_rules& a, const rules::workflow_rules& b) {
    std::vector<setting_change> out;
    auto dur = [&](const char* key, const char* label, core::duration x, core::duration y) {
        if (x != y) out.push_back({key, label, minutes_text(x), minutes_text(y)});
    };
    auto stage = [&](const char* key, const char* label, const rules::stage_rule& x,
                     const rules::stage_rule& y) {
        dur((std::string(key) + ".due").c_str(), (std::string(label) + "时限").c_str(), x.due, y.due);
        if (x.escalation.size() != y.escalation.size())
            out.push_back({std::string(key) + ".escalation", std::string(label) + "升级层级",
                           std::to_string(x.escalation.size()) + " 级",
                           std::to_string(y.escalation.size()) + " 级"});
    };
    stage("accept", "受理", a.accept, b.accept);
    stage("publish", "公布工艺流程", a.publish, b.publish);
    stage("route", "分流", a.route, b.route);
    stage("respond", "回复", a.respond, b.respond);
    stage("notify", "通知投诉人", a.notify, b.notify);
    stage("review", "复核", a.review, b.review);
    dur("respond_warning", "回复前提醒", a.respond_warning, b.respond_warning);
    dur("respond_minimum", "迟分流的最短回复时间", a.respond_minimum, b.respond_minimum);
    dur("repeat_every", "重复提醒间隔", a.repeat_every, b.repeat_every);
    dur("sign_due", "签字提醒", a.sign_due, b.sign_due);
    dur("vp_due", "副总意见提醒", a.vp_due, b.vp_due);
    dur("gm_due", "总经理审批提醒", a.gm_due, b.gm_due);
    dur("execute_due", "执行提醒", a.execute_due, b.execute_due);
    dur("freight_due", "运费提醒", a.freight_due, b.freight_due);
    if (a.fine_amount != b.fine_amount)
        out.push_back({"fine_amount", "每次罚款", std::to_string(a.fine_amount) + " 元",
                       std::to_string(b.fine_amount) + " 元"});
    if (a.reminders != b.reminders)
        out.push_back(
            {"reminders", "每步提醒次数", std::to_string(a.reminders), std::to_string(b.reminders)});
    if (a.business_time != b.business_time)
        out.push_back({"business_time", "计时方式", a.business_time ? "工作时间" : "自然时间",
                       b.business_time ? "工作时间" : "自然时间"});
    return out;
}

}  // namespace

core::inbound_message from_record(const storage::inbound_row& row) {
    core::inbound_message m{row.platform, row.chat, row.msg_id, row.sender, row.text, row.received_at};
    auto& t = m.text;
    if (t.size() > 2 && t.front() == '[' && t.back() == ']' && t.find('\n') == std::string::npos &&
        is_attachment_kind(std::string_view(t).substr(1, t.size() - 2))) {
        m.unreadable = t.substr(1, t.size() - 2);
        t.clear();
        return m;
    }
    while (!t.empty()) {
        auto start = t.rfind('\n');
        auto line_start = start == std::string::npos ? 0 : start + 1;
        std::string_view line(t.data() + line_start, t.size() - line_start);
        auto close = line.find("] ");
        if (line.empty() || line.front() != '[' || close == std::string_view::npos ||
            !is_attachment_kind(line.substr(1, close - 1)))
            break;
        m.attachments.insert(m.attachments.begin(),
                             {std::string(line.substr(1, close - 1)), std::string(line.substr(close + 2))});
        t.resize(start == std::string::npos ? 0 : start);
    }
    return m;
}

whatif_result compute_whatif(const rules::config& proposed, const whatif_options& opts,
                             std::ostream& progress_out) {
    if (opts.from && opts.to && *opts.to < *opts.from)
        throw whatif_error("--from " + core::format_date(*opts.from) + " is after --to " +
                           core::format_date(*opts.to) + ": give the first day first");
    core::zone tz(proposed.timezone);
    whatif_result r;
    std::vector<storage::inbound_row> messages;
    core::instant until{};
    {
        // Every read of the file from one snapshot, then it is closed before the replay runs.
        storage::database file(opts.db_path, storage::database::read_only);
        auto snapshot = file.read_snapshot();
        messages = file.inbound_before(core::instant::max());
        if (messages.empty())
            throw whatif_error(
                "database '" + opts.db_path +
                "' has no recorded messages: whatif replays what `serve` or `replay --db` recorded");
        r.from = opts.from.value_or(tz.date_of(messages.front().received_at));
        r.to = opts.to.value_or(tz.date_of(messages.back().received_at));
        auto start = tz.start_of(r.from), end = tz.start_of(core::add_days(r.to, 1));
        for (const auto& m : messages)
            if (m.received_at >= start && m.received_at < end) ++r.messages_in_period;
        if (r.messages_in_period == 0)
            throw whatif_error("no recorded messages from " + core::format_date(r.from) + " to " +
                               core::format_date(r.to) + " in '" + opts.db_path +
                               "' (it holds messages from " +
                               core::format_date(tz.date_of(messages.front().received_at)) + " to " +
                               core::format_date(tz.date_of(messages.back().received_at)) +
                               "): choose --from/--to within them");
        r.now = compute_figures(file, proposed, start, end);
        if (auto recorded = file.complaints_posted_between(start, end); !recorded.empty()) {
            r.now_rules_known = true;
            r.changes = differences(recorded.front().rules, proposed.workflow);
        }
        // Every message from the first one, so complaint and fine numbers (P1, F1) match what the
        // messages name; up to the database's last activity, so the answers and clocks after the
        // period run as they did in NOW.
        until = file.latest_activity().value_or(messages.back().received_at);
        snapshot->commit();
    }
    auto start = tz.start_of(r.from), end = tz.start_of(core::add_days(r.to, 1));

    storage::database memory(":memory:");
    auto drain = [&] {
        while (true) {
            auto rows = memory.pending_outbox();
            if (rows.empty()) break;
            for (const auto& row : rows) memory.mark_sent(row.id, row.created_at);
        }
    };
    virtual_run run(proposed, memory, messages.front().received_at, drain);
    progress_meter progress(progress_out, opts.show_progress, messages.size());
    for (const auto& m : messages) {
        run.feed(from_record(m));
        progress.step();
    }
    run.advance(until, true);
    progress.finish();
    r.messages_replayed = messages.size();
    r.replayed_until = until;
    r.proposed = compute_figures(memory, proposed, start, end);
    return r;
}

void run_whatif(const rules::config& proposed, const whatif_options& opts, std::ostream& out,
                std::ostream& progress_out) {
    if (opts.format != "text" && opts.format != "csv" && opts.format != "json" && opts.format != "xlsx")
        throw whatif_error("unknown format '" + opts.format + "': use text, csv, json or xlsx");
    if (opts.format == "xlsx" && opts.out_path.empty())
        throw whatif_error("--format xlsx writes a file: add --out FILE.xlsx");
    std::error_code ec;
    if (!opts.out_path.empty() && std::filesystem::equivalent(opts.out_path, opts.db_path, ec))
        throw whatif_error("--out '" + opts.out_path + "' is the database: write the result to another file");
    auto r = compute_whatif(proposed, opts, progress_out);
    write_whatif(r, proposed, opts, out);
}

}  // namespace app
