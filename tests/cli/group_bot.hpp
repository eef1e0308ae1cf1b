// The group of examples/group.yaml as a real `serve` process for the loopback tests
// (group_serve_test, group_dashboard_test): 华东 (a copy of examples/company.yaml) and 华南 behind one
// port, a fake robot for each chat, signed DingTalk callbacks in.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/bot_process.hpp"
#include "support/fake_platforms.hpp"

namespace group_fixture {

using namespace fake;

inline const std::string huadong_complaint =
    "产品质量投诉\n投诉人：张三\n客户名称：杭州万达五金有限公司\n发货日期：2026年11月18日\n品牌：金虎\n"
    "规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙\n客户要求：退货并补发合格品\n"
    "投诉时间：2026年11月23日8时55分";
inline const std::string huanan_complaint =
    "产品质量投诉\n投诉人：郭欣\n客户名称：佛山顺德建材商行\n发货日期：2026年11月16日\n品牌：金虎\n"
    "规格及数量：PVC 排水管 110mm 300根\n产品存在的质量问题：管壁厚薄不均，部分开裂\n客户要求：换货\n"
    "投诉时间：2026年11月23日9时10分";

// The three robots: 华东's chat, 华南's, the group centre's.
struct group_robots {
    dingtalk_robot huadong, huanan, centre;
};

// examples/group.yaml as it is (华东 from a copy of examples/company.yaml beside it, with
// `company_extra` appended to that copy), on loopback with the robots of `r`.
struct group_bot {
    test_support::temp_dir dir;  // the databases: kept over restarts
    group_robots& robots;
    std::string company_extra;
    std::unique_ptr<bot_process> bot;

    bool dashboard = false;  // server.dashboard

    explicit group_bot(group_robots& r, std::string extra = {}, std::vector<std::string> args = {},
                       bool with_dashboard = false)
        : robots(r), company_extra(std::move(extra)), dashboard(with_dashboard) {
        make(std::move(args));
    }
    // A new process on the same databases (its config written again), with `args`.
    void make(std::vector<std::string> args) {
        auto text = test_support::read_file(test_support::source_path("examples/group.yaml"));
        auto server = text.find("server:\n");
        text.erase(server, text.find("platforms:") - server);  // bot_process writes its own server:
        bot_setup setup;
        setup.organization = text;
        setup.env = {{"DINGTALK_APP_SECRET", app_secret},      {"HUADONG_WEBHOOK_URL", robots.huadong.url()},
                     {"HUADONG_WEBHOOK_SECRET", robot_secret}, {"HUANAN_WEBHOOK_URL", robots.huanan.url()},
                     {"HUANAN_WEBHOOK_SECRET", robot_secret},  {"GROUP_WEBHOOK_URL", robots.centre.url()},
                     {"GROUP_WEBHOOK_SECRET", robot_secret}};
        setup.server = dashboard ? "" : ", dashboard: false";
        setup.args = std::move(args);
        bot = std::make_unique<bot_process>(dir / "bot.db", setup, "group");
        auto company = test_support::read_file(test_support::source_path("examples/company.yaml"));
        company.replace(company.find("database: data/complaint-bot.db"), 31,
                        "database: " + (dir / "huadong.db").string());
        test_support::write_file(bot->config().parent_path() / "company.yaml", company + company_extra);
    }
    std::filesystem::path huadong_db() const { return dir / "huadong.db"; }
    std::filesystem::path huanan_db() const { return dir / "bot-huanan.db"; }
};

// A DingTalk HTTP-mode callback from conversation `conversation`; its status.
inline int callback_in(bot_process& bot, const std::string& conversation, const std::string& msg_id,
                       const std::string& staff_id, const std::string& text) {
    nlohmann::json j{
        {"msgtype", "text"},       {"text", {{"content", " " + text}}}, {"msgId", msg_id},
        {"conversationType", "2"}, {"conversationId", conversation},    {"senderStaffId", staff_id}};
    return bot.request(boost::beast::http::verb::post, "/hooks/dingtalk", j.dump(), callback_headers())
        .status;
}

inline std::string text_of(const nlohmann::json& post) {
    return post["text"]["content"].get<std::string>();
}

}  // namespace group_fixture
