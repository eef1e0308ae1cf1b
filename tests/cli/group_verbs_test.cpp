// The verbs on a group file (examples/group.yaml): replay --company runs a company's rules into its
// own database; report group-rollup reads every company's and prints the month's roll-up (or writes
// the workbook); report --company reads one company's; passwd --company sets a company person's
// account, and a member of the group centre's goes into the first company's database.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "storage/database.hpp"
#include "support/test_support.hpp"

namespace {

std::string bot() {
    return BOT_BINARY;
}

std::string line(const std::string& at, const std::string& from, const std::string& text) {
    return nlohmann::json{{"at", at}, {"from", from}, {"text", text}}.dump() + "\n";
}

struct group_files {
    test_support::temp_dir dir;
    std::string config;
    group_files() {
        auto group = test_support::read_file(test_support::source_path("examples/group.yaml"));
        group.replace(group.find("database: data/complaint-bot.db"), 31,
                      "database: " + (dir / "bot.db").string());
        config = (dir / "group.yaml").string();
        test_support::write_file(config, group);
        auto company = test_support::read_file(test_support::source_path("examples/company.yaml"));
        company.replace(company.find("database: data/complaint-bot.db"), 31,
                        "database: " + (dir / "huadong.db").string());
        test_support::write_file(dir / "company.yaml", company);
    }
    // Replays `script` into company `id`'s database; its exit status.
    int replay(const std::string& id, const std::string& db, const std::string& script, std::string& out) {
        auto path = dir / (id + ".jsonl");
        test_support::write_file(path, script);
        return test_support::run_command(bot() + " replay --config " + config + " --company " + id +
                                             " --script " + path.string() + " --db " + db + " 2>&1",
                                         out);
    }
};

const std::string huadong_post =
    "产品质量投诉\n投诉人：张三\n客户名称：杭州万达五金有限公司\n发货日期：2026年11月18日\n品牌：金虎\n"
    "规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙\n客户要求：退货并补发合格品\n"
    "投诉时间：2026年11月23日8时55分";
const std::string huanan_post =
    "产品质量投诉\n投诉人：郭欣\n客户名称：佛山顺德建材商行\n发货日期：2026年11月16日\n品牌：金虎\n"
    "规格及数量：PVC 排水管 110mm 300根\n产品存在的质量问题：管壁厚薄不均，部分开裂\n客户要求：换货\n"
    "投诉时间：2026年11月24日9时10分";

}  // namespace

TEST(GroupVerbs, ReplayPerCompanyThenTheRollupOfTheMonth) {
    group_files f;
    std::string out;
    // 华东: P1 accepted on time. 华南: P1 accepted late (5 minutes, in working hours).
    ASSERT_EQ(f.replay("huadong", (f.dir / "huadong.db").string(),
                       line("2026-11-23T09:00:00+08:00", "zhangsan", huadong_post) +
                           line("2026-11-23T09:04:00+08:00", "zhoumin", "受理 P1") +
                           R"({"at": "2026-11-23T12:00:00+08:00", "end": true})"
                           "\n",
                       out),
              0)
        << out;
    EXPECT_NE(out.find("P1 已由周敏受理（按时）"), std::string::npos) << out;
    ASSERT_EQ(f.replay("huanan", (f.dir / "bot-huanan.db").string(),
                       line("2026-11-24T09:10:00+08:00", "guoxin", huanan_post) +
                           line("2026-11-24T09:20:00+08:00", "chenxia", "受理 P1") +
                           R"({"at": "2026-11-24T12:00:00+08:00", "end": true})"
                           "\n",
                       out),
              0)
        << out;
    EXPECT_NE(out.find("P1 已由陈霞受理"), std::string::npos) << out;
    {
        storage::database hd((f.dir / "huadong.db").string()), hn((f.dir / "bot-huanan.db").string());
        EXPECT_EQ(hd.complaint_count(), 1);
        EXPECT_EQ(hn.complaint_count(), 1);
    }

    ASSERT_EQ(test_support::run_command(
                  bot() + " report group-rollup --config " + f.config + " --month 2026-11 2>&1", out),
              0)
        << out;
    // 华东: 受理 on time, 公布工艺流程 missed; 华南: both missed (5 working minutes to 受理).
    EXPECT_EQ(
        out,
        "📊 集团客诉月报 2026年11月\n"
        "1. 华东：投诉 1 件（产品 1，服务 0），各环节按时率 50%（最低：公布工艺流程 0%），罚款 无，满意率 "
        "—（本月无回访）\n"
        "2. 华南：投诉 1 件（产品 1，服务 0），各环节按时率 0%（最低：受理 0%），罚款 无，满意率 "
        "—（本月无回访）\n"
        "集团合计：投诉 2 件，各环节按时率 25%（最低：公布工艺流程 0%），罚款 无，满意率 "
        "—（本月无回访），未结一级投诉 无\n"
        "各公司明细见集团汇总表。——集团客户关系中心\n");

    // One company's report through the group file.
    ASSERT_EQ(test_support::run_command(
                  bot() + " report complaints --config " + f.config + " --company huanan 2>&1", out),
              0)
        << out;
    EXPECT_NE(out.find("佛山顺德"), std::string::npos) << out;
    EXPECT_EQ(out.find("杭州万达"), std::string::npos) << out;
    EXPECT_NE(test_support::run_command(bot() + " report complaints --config " + f.config + " 2>&1", out), 0);
    EXPECT_NE(out.find("--company (huadong, huanan)"), std::string::npos) << out;

    // The workbook.
    auto xlsx = (f.dir / "rollup.xlsx").string();
    ASSERT_EQ(test_support::run_command(bot() + " report group-rollup --config " + f.config +
                                            " --month 2026-11 --format xlsx --out " + xlsx + " 2>&1",
                                        out),
              0)
        << out;
    ASSERT_EQ(test_support::run_command("unzip -p " + xlsx + " xl/workbook.xml", out), 0);
    EXPECT_NE(out.find("集团汇总"), std::string::npos) << out;
}

TEST(GroupVerbs, PasswdForACompanysPersonAndForAMemberOfTheCentre) {
    group_files f;
    std::string out;
    ASSERT_EQ(test_support::run_command("echo 'huanan-pass-2026' | " + bot() + " passwd --config " +
                                            f.config + " --company huanan chenxia 2>&1",
                                        out),
              0)
        << out;
    ASSERT_EQ(
        test_support::run_command(
            "echo 'centre-pass-2026' | " + bot() + " passwd --config " + f.config + " zhoujie 2>&1", out),
        0)
        << out;
    EXPECT_NE(out.find("dashboard password of 周杰 (zhoujie) set"), std::string::npos) << out;
    storage::database hd((f.dir / "huadong.db").string()), hn((f.dir / "bot-huanan.db").string());
    EXPECT_TRUE(hn.account("chenxia"));
    EXPECT_FALSE(hd.account("chenxia"));
    EXPECT_TRUE(hd.account("zhoujie"));  // the centre's accounts: in the first company's database
    EXPECT_FALSE(hn.account("zhoujie"));
}
