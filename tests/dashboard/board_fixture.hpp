// The dashboard fixture of the loopback tests (dashboard_test.cpp, views_test.cpp): app::service on
// its loop behind the bot's HTTP server on 127.0.0.1, as `serve` mounts it, a real SQLite file
// holding a day of complaints and fines (P1 answered late by 采购部: F1; P2 left unanswered by 物流部:
// F2), accounts for a few people, and the service's manual clock (virtual time).
#pragma once

#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"
#include "dashboard/actions.hpp"
#include "dashboard/dashboard.hpp"
#include "dashboard/password.hpp"
#include "reports/report_query.hpp"
#include "storage/sql_console.hpp"
#include "support/harness.hpp"
#include "support/service_host.hpp"

namespace http = boost::beast::http;
using json = nlohmann::json;
using namespace std::chrono_literals;
using harness::at;

namespace dashboard_fixture {

const std::string form = "application/x-www-form-urlencoded";
const std::string good_password = "冬天的螺栓-2026";

// A complaint by 林芳 (销售二部) that 物流部 must answer.
const std::string linfang_post =
    "产品质量投诉\n投诉人：林芳\n客户名称：西南机电\n发货日期：2026年11月19日\n品牌：金虎\n"
    "规格及数量：M6 螺母 50盒\n产品存在的质量问题：外箱压坏\n客户要求：补发\n投诉时间：2026年11月23日9时05分";

class board {
  public:
    explicit board(rules::config cfg = harness::company(), app::dashboard::settings s = {})
        : bench_(std::move(cfg)), settings_(std::move(s)) {
        harness::day_with_fine(bench_);  // P1; F1 for 采购部 (wujiu)
        bench_.say(at("11:10"), "linfang", linfang_post);
        bench_.say(at("11:12"), "zhoumin", "受理 P2");
        bench_.say(at("11:30"), "zhoumin", "工艺 P2 外包装加固 调查: 物流部");
        bench_.advance(at("14:00"));  // 物流部 did not answer P2: F2 (zhengshi)
        cfg_ = bench_.cfg();
        clock_.set(at("14:00"));
        db_ = std::make_unique<storage::database>(bench_.db_path());
        test_db_ = std::make_unique<storage::database>(bench_.db_path());
        for (const auto* who : {"wujiu", "zhengshi", "zhaoliu", "zhangsan", "wangwu", "liuqiang", "linfang"})
            db_->set_account(who, app::dashboard::hash_password(good_password), clock_.now());
        start();
    }
    ~board() { stop(); }

    void start() {
        host_ = std::make_unique<loopback::service_host>();
        board_ = std::make_unique<app::dashboard::dashboard>(host_->context(), cfg_, *db_, clock_, settings_);
        // The fine buttons as serve wires them: the chat command through the service's engine.
        board_->set_fine_actions(
            app::dashboard::fine_actions(cfg_, *db_, clock_, [this](const core::inbound_message& m) {
                host_->service().workflow().handle(m);
                host_->service().sender().kick();
            }));
        host_->start(cfg_, *db_, clock_, {}, {}, board_.get());
        // 现在 from the engine's memory, as serve wires it.
        board_->set_live_state(&host_->service().workflow().live());
    }
    void stop() {
        if (host_) host_->stop();
        host_.reset();
        board_.reset();
    }
    // Moves the service's clock, on its loop.
    void advance(core::duration d) {
        host_->on_loop([&] { clock_.advance(d); });
    }
    // A message in the group from `who`, through the service's engine (on its loop: on_loop).
    void post_in_group(const std::string& who, const std::string& text, core::instant when) {
        host_->service().workflow().handle(
            {"test", cfg_.default_chat, "m-" + std::to_string(++posted_), who, text, when});
    }
    // Moves the clock and fires what fell due on the way, as the scheduler would on waking (its
    // timer waits in real time).
    void advance_and_fire(core::duration d) {
        host_->on_loop([&] {
            clock_.advance(d);
            auto& engine = host_->service().workflow();
            while (auto due = engine.next_due()) {
                if (*due > clock_.now()) break;
                engine.fire_due(*due);
            }
            host_->service().sender().kick();
        });
    }

    loopback::reply get(const std::string& target, const std::string& cookie = {}) {
        std::map<std::string, std::string> h;
        if (!cookie.empty()) h["Cookie"] = cookie;
        return loopback::call(host_->port(), http::verb::get, target, {}, h);
    }
    loopback::reply post(const std::string& target, const std::string& body, const std::string& cookie = {}) {
        std::map<std::string, std::string> h{{"Content-Type", form}};
        if (!cookie.empty()) h["Cookie"] = cookie;
        return loopback::call(host_->port(), http::verb::post, target, body, h);
    }
    loopback::reply login(const std::string& user, const std::string& password = good_password) {
        return post("/login", "user=" + user + "&password=" + adapters::crypto::url_encode(password));
    }
    // The "cb_session=<id>" a successful login sets, for the Cookie header.
    std::string session_of(const std::string& user) {
        auto r = login(user);
        EXPECT_EQ(r.status, 303) << user << ": " << r.body;
        auto c = r.headers["set-cookie"];
        return c.substr(0, c.find(';'));
    }
    std::string csrf_of(const std::string& cookie) {
        auto body = get("/", cookie).body;
        const std::string marker = "name=\"csrf\" value=\"";
        auto at = body.find(marker);
        if (at == std::string::npos) return {};
        at += marker.size();
        auto end = body.find('"', at);
        return end == std::string::npos ? std::string{} : body.substr(at, end - at);
    }
    // What the test reads and writes goes through a connection of its own (the service's is used on
    // its loop).
    std::string table(const char* sql) {
        std::string s;
        for (const auto& row : storage::sql_console(*test_db_).rows(sql)) {
            for (const auto& v : row) s += v + "|";
            s += "\n";
        }
        return s;
    }
    storage::database& db() { return *test_db_; }
    unsigned short port() const { return host_->port(); }
    app::dashboard::dashboard& dashboard() { return *board_; }
    // The engine's memory (read on the loop: on_loop), the config and the clock.
    const app::live_state& live() { return host_->service().workflow().live(); }
    const rules::config& cfg() const { return cfg_; }
    core::instant now() const { return clock_.now(); }
    // Runs `f` on the service's loop (where the dashboard and its database live).
    template <class F>
    void on_loop(F&& f) {
        host_->on_loop(std::forward<F>(f));
    }

  private:
    harness::bench bench_;
    int posted_ = 0;
    app::dashboard::settings settings_;
    rules::config cfg_;
    core::manual_clock clock_;
    std::unique_ptr<storage::database> db_, test_db_;
    std::unique_ptr<loopback::service_host> host_;
    std::unique_ptr<app::dashboard::dashboard> board_;
};
}  // namespace dashboard_fixture
