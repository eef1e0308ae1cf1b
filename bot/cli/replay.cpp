#include "cli/replay.hpp"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "cli/progress.hpp"
#include "pipeline/engine.hpp"
#include "pipeline/virtual_run.hpp"
#include "rules/reports.hpp"
#include "rules/text.hpp"
#include "storage/database.hpp"

namespace app {

namespace {

using json = nlohmann::json;

std::string indent(const std::string& text) {
    std::string out;
    for (auto line : rules::split_lines(text)) out += "    " + std::string(line) + "\n";
    return out;
}

class printer {
  public:
    printer(std::ostream& out, replay_format format, const rules::config& cfg, const core::zone& tz)
        : out_(out), format_(format), cfg_(cfg), tz_(tz) {}

    void inbound(const script_line& l) {
        if (format_ != replay_format::text) return;
        day(l.at);
        out_ << "[" << hm(l.at) << "] " << cfg_.org.display_name(l.from) << " (" << l.from << "):\n"
             << indent(l.text);
    }

    void note(core::instant at, const std::string& text) {
        if (format_ != replay_format::text) return;
        day(at);
        out_ << "[" << hm(at) << "] " << text << "\n";
    }

    // Prints and marks sent every pending outbox post, in commit order.
    void drain(storage::database& db) {
        for (const auto& row : db.pending_outbox()) {
            if (format_ == replay_format::jsonl) {
                out_ << json{{"at", tz_.iso(row.created_at)},
                             {"chat", row.post.chat},
                             {"text", row.post.text},
                             {"mentions", row.post.mentions}}
                            .dump()
                     << "\n";
            } else {
                day(row.created_at);
                out_ << "[" << hm(row.created_at) << "] 🤖 机器人 → " << row.post.chat << ":\n"
                     << indent(row.post.text);
            }
            db.mark_sent(row.id, row.created_at);
        }
        out_.flush();
    }

  private:
    void day(core::instant at) {
        auto d = tz_.date_of(at);
        if (d == current_) return;
        current_ = d;
        out_ << "──────── " << core::format_date(d) << " ────────\n";
    }
    std::string hm(core::instant at) const { return tz_.long_time(at).substr(11); }

    std::ostream& out_;
    replay_format format_;
    const rules::config& cfg_;
    const core::zone& tz_;
    core::local_date current_{};
};

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw replay_error("cannot read script '" + path + "': check the path");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A line without "msg_id" gets one from its time, line number and content, so the database keeps
// it in `inbound` (what `whatif` replays) while two different lines never look like one redelivery.
std::string script_msg_id(const script_line& l) {
    if (!l.msg_id.empty()) return l.msg_id;
    std::uint64_t h = 14695981039346656037ull;  // FNV-1a of sender and text
    for (char ch : l.from + "\n" + l.text) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return "script:" + std::to_string(core::to_ms(l.at)) + ":" + std::to_string(l.line_no) + ":" + hex;
}

}  // namespace

std::vector<script_line> parse_script(const std::string& content, const std::string& file_name) {
    std::vector<script_line> lines;
    int no = 0;
    std::optional<core::instant> last;
    bool ended = false;
    for (auto raw : rules::split_lines(content)) {
        ++no;
        auto text = rules::trim(raw);
        if (text.empty()) continue;
        auto where = file_name + ":" + std::to_string(no) + ": ";
        if (ended)
            throw replay_error(where + "line after the {\"end\":true} line; the end line must be last");
        auto j = json::parse(text, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            throw replay_error(
                where + "not a JSON object; each line is {\"at\":\"…\",\"from\":\"…\",\"text\":\"…\"}");
        for (const auto& [key, value] : j.items())
            if (key != "at" && key != "from" && key != "text" && key != "chat" && key != "msg_id" &&
                key != "end")
                throw replay_error(where + "unknown key \"" + key +
                                   "\" (allowed: at, from, text, chat, msg_id, end)");
        script_line l;
        l.line_no = no;
        auto at = j.find("at");
        if (at == j.end() || !at->is_string())
            throw replay_error(where + "missing \"at\" (an ISO 8601 time such as 2026-11-23T09:00:00+08:00)");
        auto t = core::parse_iso8601(at->get<std::string>());
        if (!t)
            throw replay_error(where + "bad \"at\" time \"" + at->get<std::string>() +
                               "\": write it like 2026-11-23T09:00:00+08:00");
        l.at = *t;
        if (last && l.at < *last)
            throw replay_error(where + "time goes backwards; lines must be in time order");
        last = l.at;
        if (auto e = j.find("end"); e != j.end()) {
            if (!e->is_boolean() || !e->get<bool>()) throw replay_error(where + "\"end\" must be true");
            if (j.contains("text") || j.contains("from"))
                throw replay_error(where + "an end line has only \"at\" and \"end\"");
            l.end = true;
            ended = true;
            lines.push_back(l);
            continue;
        }
        auto get = [&](const char* key, bool required) -> std::string {
            auto it = j.find(key);
            if (it == j.end()) {
                if (required) throw replay_error(where + "missing \"" + key + "\"");
                return {};
            }
            if (!it->is_string()) throw replay_error(where + "\"" + key + "\" must be a string");
            return it->get<std::string>();
        };
        l.from = get("from", true);
        l.text = get("text", true);
        l.chat = get("chat", false);
        l.msg_id = get("msg_id", false);
        if (l.from.empty()) throw replay_error(where + "\"from\" is empty: give a person id of the config");
        lines.push_back(std::move(l));
    }
    if (lines.empty()) throw replay_error(file_name + ": the script is empty");
    return lines;
}

void run_replay(const rules::config& cfg, const replay_options& opts, std::ostream& out) {
    auto lines = parse_script(read_all(opts.script_path), opts.script_path);
    storage::database db(opts.db_path.empty() ? ":memory:" : opts.db_path);
    // Virtual time needs no fsync per step: a replay that dies is rerun from its script, and WAL
    // keeps the file consistent after a crash of the process (only power loss may drop the tail).
    if (!opts.db_path.empty()) db.set_durability(storage::durability::off);

    // Virtual time continues from where an earlier replay on this database stopped.
    auto start = lines.front().at;
    if (auto saved = db.meta("replay_clock")) {
        auto t = core::from_ms(std::stoll(*saved));
        if (lines.front().at < t) {
            core::zone z(cfg.timezone);
            throw replay_error(opts.script_path + ":" + std::to_string(lines.front().line_no) +
                               ": the script starts at " + z.iso(lines.front().at) +
                               ", before the database's clock " + z.iso(t) +
                               "; continue with a later script");
        }
        start = t;
    }
    core::zone tz(cfg.timezone);
    printer print(out, opts.format, cfg, tz);
    virtual_run run(cfg, db, start, [&] { print.drain(db); });
    auto& clock = run.clock();
    print.drain(db);  // posts a crashed earlier run committed but never delivered

    // Not while the conversation itself goes to the same terminal: the lines would mix.
    progress_meter progress(std::cerr, stderr_is_terminal() && !stdout_is_terminal(), lines.size());
    for (const auto& l : lines) {
        // A deadline at exactly the message's time fires after it: acting at the deadline is on time.
        run.advance(l.at, false);
        progress.step();
        if (l.end) {
            run.advance(l.at, true);
            break;
        }
        print.inbound(l);
        core::inbound_message msg{"replay", l.chat, script_msg_id(l), l.from, l.text, l.at};
        if (run.feed(msg) == handled::duplicate)
            print.note(l.at, "（重复投递的消息 " + l.msg_id + "，已忽略）");
        db.set_meta("replay_clock", std::to_string(core::to_ms(clock.now())));
    }
    progress.finish();
    db.set_meta("replay_clock", std::to_string(core::to_ms(clock.now())));
    auto& eng = run.eng();

    if (opts.format == replay_format::text) {
        auto fines = db.fines();
        out << "════════ 罚款汇总（全部） ════════\n";
        if (fines.empty()) out << "无罚款。\n";
        int total = 0;
        for (const auto& f : fines) {
            out << f.id << "  " << f.complaint << "  " << rules::stage_label(f.stage) << "  " << f.department
                << "  " << f.person_name << " (" << f.person << ")  " << f.amount << " 元  截止 "
                << eng.tz().long_time(f.deadline) << "  "
                << (f.status == "open"   ? "未缴"
                    : f.status == "paid" ? "已缴"
                                         : "已免")
                << "\n";
            if (f.status != "waived") total += f.amount;
        }
        out << "合计：" << fines.size() << " 笔，" << total << " 元\n";
    }
}

}  // namespace app
