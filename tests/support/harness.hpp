// A workflow test bench: the sample company's config, a real SQLite file in a temp dir (or a fresh
// database on the test PostgreSQL server: support/test_database.hpp), a manual clock and the engine, plus
// helpers to post as a person, advance virtual time and snapshot the tables that a refusal must leave alone.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "pipeline/engine.hpp"
#include "storage/sql_console.hpp"
#include "support/test_database.hpp"
#include "support/test_support.hpp"

namespace harness {

inline rules::config company() {
    auto r = conf::load_config(test_support::source_path("examples/company.yaml"));
    if (!r.config) throw std::runtime_error("examples/company.yaml did not load");
    return *r.config;
}

inline core::instant at(const std::string& local_hm, const std::string& day = "2026-11-23") {
    auto t = core::parse_iso8601(day + "T" + local_hm + ":00+08:00");
    if (!t) throw std::runtime_error("bad time " + local_hm);
    return *t;
}

struct post {
    core::instant at;
    std::string text;
    std::vector<std::string> mentions;
};

class bench {
  public:
    explicit bench(rules::config cfg = company(), std::string db_name = "bot.db")
        : cfg_(std::move(cfg)),
          db_path_(test_support::database_location(dir_.path(), db_name)),
          clock_(at("08:00")) {
        open();
    }

    // Restarts the "process": a new database connection and engine on the same file.
    void restart() {
        engine_.reset();
        db_.reset();
        open();
    }

    // Restarts with another configuration (an operator edited the config file).
    void reconfigure(rules::config cfg) {
        engine_.reset();
        db_.reset();
        cfg_ = std::move(cfg);
        open();
    }

    // Advances virtual time to `t`, firing what falls due on the way (each at its due time).
    std::vector<post> advance(core::instant t, bool inclusive = true) {
        while (auto next = engine_->next_due()) {
            if (inclusive ? *next > t : *next >= t) break;
            clock_.set(*next);
            engine_->fire_due(*next);
        }
        clock_.set(t);
        return drain();
    }

    // Posts `text` as `from` at `t` (deadlines due before t fire first). Returns the bot's posts
    // caused by the message itself.
    std::vector<post> say(core::instant t, const std::string& from, const std::string& text,
                          const std::string& msg_id = {}) {
        fired_ = advance(t, false);
        last_handled_ = engine_->handle({"replay", "group", msg_id, from, text, t});
        return drain();
    }

    std::vector<post> fired() const { return fired_; }
    app::handled last_handled() const { return last_handled_; }

    // Everything but the outbox and the inbound log: what a refusal must not change.
    std::string snapshot() {
        std::string s;
        auto dump = [&](const char* sql) {
            for (const auto& row : storage::sql_console(*db_).rows(sql)) {
                for (const auto& v : row) s += v + "|";
                s += "\n";
            }
            s += "--\n";
        };
        dump("SELECT id, status, state FROM complaints ORDER BY id");
        dump("SELECT * FROM events ORDER BY id");
        dump("SELECT * FROM deadlines WHERE complaint_id <> '' ORDER BY complaint_id, key");  // not the daily
                                                                                              // jobs
        dump("SELECT * FROM fines ORDER BY seq");
        return s;
    }

    storage::database& db() { return *db_; }
    app::engine& engine() { return *engine_; }
    core::manual_clock& clock() { return clock_; }
    const rules::config& cfg() const { return cfg_; }
    // The SQLite file, or the PostgreSQL URL.
    const std::string& db_path() const { return db_path_; }
    std::optional<rules::complaint> complaint(const std::string& id) { return db_->load_complaint(id); }

  private:
    void open() {
        db_ = std::make_unique<storage::database>(db_path_);
        engine_ = std::make_unique<app::engine>(cfg_, *db_, clock_);
    }

    std::vector<post> drain() {
        std::vector<post> out;
        for (const auto& row : db_->pending_outbox()) {
            out.push_back({row.created_at, row.post.text, row.post.mentions});
            db_->mark_sent(row.id, row.created_at);
        }
        return out;
    }

    test_support::temp_dir dir_;
    rules::config cfg_;
    std::string db_path_;
    core::manual_clock clock_;
    std::unique_ptr<storage::database> db_;
    std::unique_ptr<app::engine> engine_;
    std::vector<post> fired_;
    app::handled last_handled_ = app::handled::ignored;
};

inline const std::string product_post =
    "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司\n发货日期：2026年11月18日\n品牌：金虎\n"
    "规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙，客户装配时无法拧紧\n"
    "客户要求：退货并补发合格品\n投诉时间：2026年11月23日8时55分";

inline const std::string product_post_no_comp =
    "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司\n发货日期：2026年11月18日\n品牌：金虎\n"
    "规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：包装箱破损\n"
    "客户要求：下次加固包装\n投诉时间：2026年11月23日8时55分";

inline const std::string service_post =
    "【服务质量投诉】\n投诉人: 林芳\n投诉对象: 物流部 司机小王\n"
    "投诉事件(时间、起因、过程、结果): "
    "11月20日下午送货迟到三小时，\n未提前通知客户，客户仓库已下班，只能次日重新卸货。\n"
    "投诉目的(希望达到的结果:如索赔、处理、改进服务质量): 改进服务质量，书面道歉\n投诉时间: 2026-11-23 07:50";

// P1 published at 09:25 to 生产部 and 采购部; 生产部 replies at 10:40; F1 (wujiu) at 11:00.
inline void day_with_fine(bench& b) {
    b.say(at("09:00"), "zhangsan", product_post);
    b.say(at("09:04"), "zhoumin", "受理 P1");
    b.say(at("09:25"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部 采购部");
    b.say(at("10:40"), "qianqi", "回复 P1 冷镦模具磨损导致螺纹不良");
    b.advance(at("11:00"));
}

inline bool mentions(const post& p, const std::string& person) {
    return std::find(p.mentions.begin(), p.mentions.end(), person) != p.mentions.end();
}

inline bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

// The posts whose text contains `needle`.
inline std::vector<post> matching(const std::vector<post>& posts, const std::string& needle) {
    std::vector<post> out;
    for (const auto& p : posts)
        if (contains(p.text, needle)) out.push_back(p);
    return out;
}

}  // namespace harness
