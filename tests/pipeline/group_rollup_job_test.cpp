// The group's monthly roll-up from two companies' own databases (pipeline/group_rollup_job.hpp):
// armed from the first start on, posted to the group chat through the first company's outbox on
// the 1st at 09:30 — or when the bot starts again after it — once per month, across restarts.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "pipeline/group_rollup_job.hpp"
#include "support/harness.hpp"

using namespace harness;

namespace {

rules::company company_of(std::string id, std::string name, std::string short_name, rules::config cfg) {
    rules::company co;
    co.id = std::move(id);
    co.name = std::move(name);
    co.short_name = std::move(short_name);
    co.cfg = std::move(cfg);
    return co;
}

// The centre's posts waiting in `db`'s outbox.
std::vector<core::outbound_post> to_centre(storage::database& db) {
    std::vector<core::outbound_post> out;
    for (const auto& row : db.pending_outbox())
        if (row.post.chat == "centre") out.push_back(row.post);
    return out;
}

struct two_companies {
    bench huadong{company(), "huadong.db"};
    bench huanan{[] {
                     auto cfg = company();
                     cfg.workflow.fine_amount = 60;
                     return cfg;
                 }(),
                 "huanan.db"};
    rules::group_config g;
    core::manual_clock clock{at("12:00")};
    boost::asio::io_context ioc;

    two_companies() {
        g.companies.push_back(company_of("huadong", "华东辉煌五金有限公司", "华东", huadong.cfg()));
        g.companies.push_back(company_of("huanan", "华南辉煌建材有限公司", "华南", huanan.cfg()));
        g.group.members.push_back({"zhoujie", "周杰", "集团客户关系中心", {{"dingtalk", "jt-9001"}}});
        g.group.chat = rules::chat_settings{"centre", "dingtalk", "cidJiTuan01==", "GROUP_WEBHOOK_URL", ""};
        g.timezone = "Asia/Shanghai";
        // 华东: P1 accepted on time, 生产部 and 采购部 asked, 采购部 fined for missing its reply.
        huadong.say(at("09:00"), "zhangsan", product_post, "hd-1");
        huadong.say(at("09:04"), "zhoumin", "受理 P1");
        huadong.say(at("09:25"), "zhoumin", "工艺 P1 批号B2611-07，2号冷镦机生产 调查: 生产部 采购部");
        huadong.say(at("10:40"), "qianqi", "回复 P1 冷镦模具磨损导致螺纹不良，已更换模具");
        huadong.advance(at("11:30"));
        // 华南: a service complaint accepted late.
        huanan.say(at("08:00"), "linfang", service_post, "hn-1");
        huanan.say(at("08:20"), "wangwu", "受理 S1");
    }
    app::group_rollup_job job() {
        return app::group_rollup_job(ioc, g, {&huadong.db(), &huanan.db()}, clock, {});
    }
};

}  // namespace

TEST(GroupRollupJob, PostedOnTheFirstAtHalfPastNineOnceAcrossRestarts) {
    two_companies t;
    auto job = t.job();
    EXPECT_FALSE(job.run_due(at("12:00")));  // the first start arms 12-01 09:30, nothing before it
    ASSERT_TRUE(job.next_due());
    EXPECT_EQ(*job.next_due(), at("09:30", "2026-12-01"));
    EXPECT_FALSE(job.run_due(at("09:29", "2026-12-01")));
    EXPECT_TRUE(to_centre(t.huadong.db()).empty());

    EXPECT_TRUE(job.run_due(at("09:30", "2026-12-01")));
    auto posts = to_centre(t.huadong.db());
    ASSERT_EQ(posts.size(), 1u);
    // 华东: 受理 and 工艺 on time, 回复 missed by 采购部 (fined); 华南: 受理 late.
    EXPECT_EQ(
        posts[0].text,
        "📊 集团客诉月报 2026年11月\n"
        "1. 华东：投诉 1 件（产品 1，服务 0），各环节按时率 67%（最低：回复 0%），罚款 1 笔 50 元（采购部 "
        "50 元），满意率 —（本月无回访）\n"
        "2. 华南：投诉 1 件（产品 0，服务 1），各环节按时率 0%（最低：受理 0%），罚款 无，满意率 "
        "—（本月无回访）\n"
        "集团合计：投诉 2 件，各环节按时率 50%（最低：回复 0%），罚款 1 笔 50 元，满意率 "
        "—（本月无回访），未结一级投诉 无\n"
        "各公司明细见集团汇总表。——集团客户关系中心\n@周杰");
    EXPECT_EQ(posts[0].mentions, (std::vector<std::string>{"zhoujie"}));
    EXPECT_TRUE(to_centre(t.huanan.db()).empty());  // the first company's outbox only
    EXPECT_EQ(*job.next_due(), at("09:30", "2027-01-01"));

    EXPECT_FALSE(job.run_due(at("10:00", "2026-12-01")));
    // Restarted (a new job, new connections on the same files): nothing twice.
    t.huadong.restart();
    t.huanan.restart();
    auto again = t.job();
    EXPECT_FALSE(again.run_due(at("08:00", "2026-12-02")));
    EXPECT_EQ(to_centre(t.huadong.db()).size(), 1u);
}

TEST(GroupRollupJob, ABotDownAtTheHourPostsItOnceWhenItStartsAgain) {
    two_companies t;
    EXPECT_FALSE(t.job().run_due(at("12:00")));
    // Down from the 30th to the 3rd: the roll-up of November goes out at the start.
    auto job = t.job();
    EXPECT_TRUE(job.run_due(at("08:15", "2026-12-03")));
    EXPECT_FALSE(job.run_due(at("08:16", "2026-12-03")));
    auto posts = to_centre(t.huadong.db());
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].text.rfind("📊 集团客诉月报 2026年11月", 0), 0u) << posts[0].text;
}
