#include "pipeline/engine.hpp"

#include <algorithm>

#include "pipeline/inbound_post.hpp"
#include "pipeline/job_keys.hpp"
#include "pipeline/org_snapshot.hpp"
#include "rules/commands.hpp"
#include "rules/customer.hpp"
#include "rules/forms.hpp"
#include "rules/jobs.hpp"
#include "rules/reports.hpp"
#include "rules/text.hpp"
#include "rules/wording.hpp"

namespace app {

using detail::job_key;
using detail::job_prefix;
using detail::period_end;
using detail::period_start;

engine::engine(const rules::config& cfg, storage::database& db, const core::clock& clock, bool load_all)
    : cfg_(cfg), db_(db), clock_(clock), tz_(cfg.timezone), cal_(cfg.calendar, tz_), live_(db) {
    live_.set_clock(&clock_);
    if (!db_.meta("timezone")) db_.set_meta("timezone", cfg_.timezone);
    // The names and roles the printed reports use (`report` reads only the database).
    if (auto org = org_snapshot(cfg_); db_.meta(org_snapshot_key) != org) db_.set_meta(org_snapshot_key, org);
    live_.load(load_all);
    ensure_jobs();
    load_deadlines();
}

rules::context engine::make_context(int* fine_seq) const {
    return rules::context{cfg_, tz_, clock_.now(), fine_seq, &cal_, nullptr};
}

void engine::reply(rules::outcome& out, const core::inbound_message& msg, std::string text) const {
    out.posts.push_back(rules::reply_to_sender(msg.chat, msg.sender, std::move(text), cfg_));
}

// ---------------------------------------------------------------------------------------------
// Deadlines and jobs

// Every entry starts due at its deadline; fire_batch moves a complaint's entry to the next opening
// when the business calendar is closed at firing time.
engine::heap_entry engine::entry(const std::string& complaint, const live_state::armed& a) const {
    return {a.due, a.due, complaint, a.key, a.generation};
}

void engine::load_deadlines() {
    std::vector<heap_entry> all;
    for (const auto& [complaint, a] : live_.all_armed()) all.push_back(entry(complaint, a));
    heap_ = decltype(heap_)(std::greater<>(), std::move(all));  // one make_heap, not n pushes
}

std::optional<core::instant> engine::next_due() {
    for (const auto& [complaint, a] : live_.take_fresh())
        heap_.push(entry(complaint, a));  // another instance's
    while (!heap_.empty()) {
        const auto& top = heap_.top();
        if (top.complaint.empty() && !runs_jobs_) {  // another instance runs the jobs
            heap_.pop();
            continue;
        }
        if (live_.is_armed(top.complaint, top.key, top.generation)) return top.fire_at;
        // Stale: cancelled, moved or already fired — by this transaction only, maybe.
        if (db_.in_transaction() && live_.is_armed_committed(top.complaint, top.key, top.generation))
            set_aside_.push_back(top);
        heap_.pop();
    }
    return std::nullopt;
}

std::size_t engine::fire_due(core::instant until) {
    std::size_t fired = 0;
    while (auto next = next_due()) {
        if (*next > until) break;
        fired += fire_batch(until);
    }
    return fired;
}

// A burst of deadlines due together (a hundred fines at 11:00) commits in batches: one fsync per
// batch instead of one per deadline. Each deadline's changes are still all-or-nothing, and a
// failure rolls the batch back with its entries put back on the heap, to be fired again.
std::size_t engine::fire_batch(core::instant until) {
    constexpr std::size_t max_batch = 256;  // bounds how long one commit keeps the loop busy
    std::vector<heap_entry> taken;
    set_aside_.clear();
    auto tx = db_.begin();
    try {
        while (taken.size() < max_batch) {
            auto next = next_due();
            if (!next || *next > until) break;
            auto e = heap_.top();
            heap_.pop();
            // Business calendar: nothing about a complaint is posted outside working hours (a
            // deadline missed while the bot was down waits for the next opening).
            if (!e.complaint.empty() && cal_.business() && !cal_.is_open(clock_.now())) {
                auto open = cal_.next_open(clock_.now());
                if (open > until) {
                    e.fire_at = open;
                    heap_.push(std::move(e));
                    continue;
                }
            }
            taken.push_back(std::move(e));
            fire_one(taken.back());
        }
        tx->commit();
        set_aside_.clear();
    } catch (...) {
        for (auto& e : taken) heap_.push(std::move(e));
        for (auto& e : set_aside_) heap_.push(std::move(e));
        set_aside_.clear();
        throw;
    }
    return taken.size();
}

// Runs inside fire_batch's transaction.
void engine::fire_one(const heap_entry& e) {
    if (!live_.is_armed(e.complaint, e.key, e.generation)) return;  // stale entry; nothing to do
    // Several instances: the row is this transaction's to fire, or another fired (or moved) it.
    if (db_.shared() && !db_.claim_deadline(e.complaint, e.key, e.due)) {
        live_.fired(e.complaint, e.key);
        // A job's next occurrence was added by the instance that ran it: armed here too, so it
        // still runs if that one goes away.
        if (e.complaint.empty())
            for (const auto& d : db_.open_deadlines_of(""))
                if (auto a = live_.add("", d.key, d.due)) heap_.push(entry("", *a));
        return;
    }
    int fine_seq = db_.next_fine_seq();
    auto ctx = make_context(&fine_seq);
    rules::outcome out;
    db_.mark_fired(e.complaint, e.key, ctx.now);
    live_.fired(e.complaint, e.key);
    if (e.complaint.empty()) {
        auto name = e.key.substr(job_prefix.size(), e.key.find('@') - job_prefix.size());
        run_job(name, e.due, out);
        persist(out);
        if (auto next = next_occurrence(name, std::max(ctx.now, e.due))) {
            auto key = job_key(name, tz_.date_of(*next));
            if (db_.add_deadline({"", key, *next}))
                if (auto a = live_.add("", key, *next)) heap_.push(entry("", *a));
        }
        return;
    }
    auto c = live_.complaint(e.complaint);
    if (!c) return;
    rules::fire_deadline(*c, e.key, e.due, ctx, out);
    persist(out);
    save(*c);
}

// ---------------------------------------------------------------------------------------------
// Persistence

void engine::persist(const rules::outcome& out) {
    db_.append_events(out.events);
    for (const auto& f : out.new_fines) db_.insert_fine(f);
    for (const auto& f : out.updated_fines) db_.update_fine(f);
    auto now = clock_.now();
    for (const auto& p : out.posts) db_.enqueue(p, now);
}

void engine::save(const rules::complaint& c) {
    auto now = clock_.now();
    db_.save_complaint(c, now, live_.held(c.id));
    live_.saved(c, now);
    auto wanted = rules::pending_deadlines(c, &cal_);
    auto synced = live_.sync(c.id, wanted);  // memory mirrors the table's open rows
    if (!synced.changed) return;             // the same rows would be kept
    db_.sync_deadlines(c.id, wanted, &synced.open_before);
    for (const auto& a : synced.fresh) heap_.push(entry(c.id, a));
}

// ---------------------------------------------------------------------------------------------
// Inbound

handled engine::handle(const core::inbound_message& in) {
    auto tx = db_.begin();
    auto result = handle_in_transaction(in);
    tx->commit();  // a duplicate wrote nothing; committing it changes nothing
    return result;
}

handled engine::handle_in_transaction(const core::inbound_message& in) {
    core::inbound_message msg = in;
    if (msg.chat.empty()) msg.chat = cfg_.default_chat;
    if (!msg.msg_id.empty()) {
        if (!db_.record_inbound_once(
                {msg.platform, msg.msg_id, clock_.now(), msg.sender, msg.chat, inbound_record_text(msg)}))
            return handled::duplicate;
    }
    rules::outcome out;
    auto text = rules::strip_mentions(msg.text);
    auto parsed = rules::parse_command(text);
    bool relevant = !std::holds_alternative<std::monostate>(parsed);
    rules::post_parse_result forms;
    if (!relevant) {
        forms = rules::parse_post(text, clock_.now(), tz_);
        relevant = forms.is_complaint();
    }
    // The inbound record stays: a redelivery is still a duplicate. A photo, voice message or file the
    // bot cannot read is answered (what to send instead) rather than dropped in silence.
    if (!relevant && !has_unreadable_part(msg)) return handled::ignored;
    if (!cfg_.org.find_person(msg.sender)) {
        if (may_answer_bad_post(msg.sender))
            out.posts.push_back({msg.chat, unregistered_reply(cfg_, msg), {}});
    } else if (!relevant) {
        if (may_answer_bad_post(msg.sender)) reply(out, msg, unreadable_reply(msg));
    } else if (auto* err = std::get_if<rules::command_error>(&parsed)) {
        if (may_answer_bad_post(msg.sender)) reply(out, msg, "❌ " + err->reply);
    } else if (auto* cmd = std::get_if<rules::command>(&parsed)) {
        on_command(*cmd, msg, out);
    } else {
        // Each form of the post on its own: the well-formed ones are registered (each with its
        // receipt), a bad one is answered naming which of the post's forms it is, a copy pasted
        // twice is registered once. All in this one transaction.
        int fine_seq = 0;
        auto ctx = make_context(&fine_seq);
        const bool several = forms.forms.size() > 1;
        std::vector<std::string> ids(forms.forms.size());
        for (std::size_t i = 0; i < forms.forms.size(); ++i) {
            const auto& f = forms.forms[i];
            if (f.duplicate_of >= 0) {
                const auto& first = ids[static_cast<std::size_t>(f.duplicate_of)];
                if (!first.empty() && may_answer_bad_post(msg.sender))
                    reply(out, msg,
                          "ℹ️ 第" + std::to_string(i + 1) + "份与第" +
                              std::to_string(f.duplicate_of + 1) + "份内容完全相同，只登记一次（" + first +
                              "）。");
                continue;
            }
            if (!f.form) {
                if (may_answer_bad_post(msg.sender))
                    reply(out, msg, rules::describe_problems(f, several ? i + 1 : 0));
                continue;
            }
            auto c = rules::register_complaint(*f.form, msg, db_.next_complaint_seq(f.kind), ctx, out);
            save(c);  // before the next form asks for its number
            ids[i] = c.id;
        }
    }
    // What this message produced in its own chat answers it at once: the sender may use the
    // message's own reply path (DingTalk's sessionWebhook, Feishu's reply, Slack's thread).
    if (!msg.msg_id.empty())
        for (auto& p : out.posts)
            if (p.chat == msg.chat) p.reply_to = msg.msg_id;
    persist(out);
    return handled::processed;
}

bool engine::may_answer_bad_post(const std::string& sender) {
    auto now = clock_.now();
    auto fresh = [&](std::deque<core::instant>& q) {
        while (!q.empty() && (now - q.front() >= std::chrono::minutes(1) || q.front() > now)) q.pop_front();
    };
    if (bad_post_replies_.size() > 4096) {  // many senders (forged ids): forget the quiet ones
        for (auto it = bad_post_replies_.begin(); it != bad_post_replies_.end();) {
            fresh(it->second);
            it = it->second.empty() ? bad_post_replies_.erase(it) : std::next(it);
        }
    }
    auto& q = bad_post_replies_[sender];
    fresh(q);
    if (q.size() >= bad_post_replies_per_minute) return false;
    q.push_back(now);
    return true;
}

void engine::on_command(const rules::command& cmd, const core::inbound_message& msg, rules::outcome& out) {
    using rules::command_kind;
    int unused = 0;
    auto ctx = make_context(&unused);
    switch (cmd.kind) {
        case command_kind::help:
            reply(out, msg, rules::help_text());
            return;
        case command_kind::todo: {
            std::string refusal;
            auto dept = rules::todo_department(cmd, cfg_, refusal);
            if (!dept) {
                reply(out, msg, std::move(refusal));
                return;
            }
            // The ids by the indexed columns; the complaints from memory (the database for any not held).
            auto ids = dept->empty() ? db_.first_open_ids(rules::todo_lines_max)
                                     : db_.open_ids_awaiting(*dept, rules::acting_stages(cfg_, *dept));
            std::vector<rules::complaint> loaded;
            loaded.reserve(ids.size());
            std::vector<const rules::complaint*> list;
            for (const auto& id : ids) {
                if (const auto* c = live_.held(id)) {
                    list.push_back(c);
                } else if (auto from_db = db_.load_complaint(id)) {
                    loaded.push_back(std::move(*from_db));
                    list.push_back(&loaded.back());
                }
            }
            std::optional<std::size_t> total;
            if (dept->empty()) total = static_cast<std::size_t>(db_.open_complaint_count());
            reply(out, msg, rules::todo_list(list, ctx, *dept, total));
            return;
        }
        case command_kind::supervise: {
            // Every open complaint is held in memory (still loading at start-up: say so).
            std::vector<const rules::complaint*> open;
            live_.for_each_held([&](const rules::complaint& c) {
                if (c.is_open()) open.push_back(&c);
            });
            auto text = rules::supervision_list(open, ctx);
            if (live_.loading()) text += "\n（启动中，投诉尚未全部载入，稍后再查可能更多）";
            reply(out, msg, std::move(text));
            return;
        }
        case command_kind::penalties: {
            std::string error;
            auto p = rules::parse_period(cmd.args, tz_.date_of(ctx.now), error);
            if (!p) {
                reply(out, msg, "❌ " + error);
                return;
            }
            reply(out, msg,
                  rules::penalty_summary(
                      rules::fines_in(db_.fines_issued_between(period_start(*p, tz_), period_end(*p, tz_)),
                                      *p, tz_),
                      *p, tz_));
            return;
        }
        default:
            if (rules::is_fine_command(cmd))
                on_fine_command(cmd, msg, out);
            else
                on_complaint_command(cmd, msg, out);
            return;
    }
}

// 免罚 已缴 撤销 F1, and a fine's own 申诉 F1 / 复核 F1 (rules/fines.cpp). The fine's complaint
// is saved when its appeal record changed; the fine's new status is in out.updated_fines.
void engine::on_fine_command(const rules::command& cmd, const core::inbound_message& msg,
                             rules::outcome& out) {
    auto f = db_.load_fine(cmd.target);
    auto c = f ? live_.complaint(f->complaint) : std::nullopt;
    int unused = 0;
    auto ctx = make_context(&unused);
    if (rules::apply_fine_command(c ? &*c : nullptr, f ? &*f : nullptr, cmd, msg.sender, msg.chat, ctx,
                                  out) &&
        c)
        save(*c);
}

void engine::on_complaint_command(const rules::command& cmd, const core::inbound_message& msg,
                                  rules::outcome& out) {
    using rules::command_kind;
    auto id = rules::complaint_id_of(cmd);
    auto c = live_.complaint(id);
    if (!c) {
        reply(out, msg, "❌ 没有找到投诉 " + id + "，请用“待办”查看进行中的投诉编号。");
        return;
    }
    int fine_seq = db_.next_fine_seq();
    auto ctx = make_context(&fine_seq);
    std::vector<rules::fine> fines;
    if (cmd.kind == command_kind::review) {
        fines = db_.fines();
        ctx.fines = &fines;
    }
    if (cmd.kind == command_kind::query) {
        reply(out, msg, rules::describe(*c, db_.events_of(c->id), ctx));
        return;
    }
    switch (cmd.kind) {
        case command_kind::accept:
        case command_kind::publish:
        case command_kind::route:
        case command_kind::respond:
        case command_kind::notify:
        case command_kind::pause:
        case command_kind::resume:
        case command_kind::invalid:
        case command_kind::sign:
        case command_kind::vp_opinion:
        case command_kind::gm_approval:
        case command_kind::execute:
        case command_kind::appeal:
        case command_kind::review:
        case command_kind::freight:
        case command_kind::pay:
        case command_kind::write_off:
        case command_kind::complainant:
        case command_kind::investigate:
        case command_kind::followup:
        case command_kind::corrective:
        case command_kind::categorize:
        case command_kind::answered:
        case command_kind::approve:
        case command_kind::severity:
        case command_kind::share_case:
        case command_kind::amount:
        case command_kind::countersign:
        case command_kind::extend:
        case command_kind::approve_extension:
        case command_kind::refuse_extension:
            if (rules::apply_command(*c, cmd, msg.sender, msg.chat, ctx, out)) save(*c);
            return;
        default:
            break;
    }
    reply(out, msg, "❌ “" + std::string(rules::command_word(cmd.kind)) + "”不能用于 " + c->id + "。");
}

}  // namespace app
