// Complaint posts as people really send them, through the engine on a real SQLite file: two forms
// in one message, forms without a title, over-long fields, extra fields in 查询 and in the
// complaints report, and the 查询 summary of a huge complaint.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "reports/report.hpp"
#include "rules/text.hpp"
#include "support/harness.hpp"

using namespace harness;

namespace {

std::string replace(std::string s, const std::string& from, const std::string& to) {
    auto pos = s.find(from);
    if (pos == std::string::npos) throw std::runtime_error("no " + from);
    return s.replace(pos, from.size(), to);
}

std::string chars(std::size_t n, const std::string& one) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += one;
    return s;
}

std::vector<std::string> complaint_ids(bench& b) {
    std::vector<std::string> ids;
    for (const auto& c : b.db().all_complaints()) ids.push_back(c.id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

nlohmann::json complaints_report(bench& b) {
    app::report_options o;
    o.kind = "complaints";
    o.db_path = b.db_path();
    o.format = "json";
    std::ostringstream out;
    app::run_report(o, out);
    return nlohmann::json::parse(out.str());
}

const std::string second_product =
    "【产品质量投诉单】\n投诉人：张三\n客户名称：江南建材\n发货日期：2026-11-20\n品牌：金虎\n"
    "规格及数量：M10 膨胀螺栓 50盒\n产品存在的质量问题：包装破损，生锈\n客户要求：换货\n"
    "投诉时间：2026-11-23 08:40";

}  // namespace

TEST(FormPosts, TwoFormsInOneMessageAreTwoComplaintsWithTwoReceipts) {
    bench b;
    auto r = b.say(at("09:00"), "zhangsan", harness::product_post + "\n\n" + harness::service_post, "m-1");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_TRUE(contains(r[0].text, "✅ 已登记产品质量投诉 P1")) << r[0].text;
    EXPECT_TRUE(contains(r[0].text, "客户：华东五金有限公司"));
    EXPECT_TRUE(contains(r[1].text, "✅ 已登记服务质量投诉 S1")) << r[1].text;
    EXPECT_TRUE(contains(r[1].text, "投诉对象：物流部 司机小王"));
    EXPECT_EQ(complaint_ids(b), (std::vector<std::string>{"P1", "S1"}));
    // Each runs its own clock: P1's accept and publish, S1's accept and route.
    std::size_t p1 = 0, s1 = 0;
    for (const auto& d : b.db().open_deadlines()) {
        p1 += d.complaint == "P1";
        s1 += d.complaint == "S1";
    }
    EXPECT_GE(p1, 2u);
    EXPECT_GE(s1, 2u);
    // The platform redelivers the message: nothing is registered twice.
    EXPECT_TRUE(b.say(at("09:01"), "zhangsan", harness::product_post + "\n\n" + harness::service_post, "m-1")
                    .empty());
    EXPECT_EQ(complaint_ids(b), (std::vector<std::string>{"P1", "S1"}));
}

TEST(FormPosts, TwoProductFormsAreNumberedInPostOrder) {
    bench b;
    auto r = b.say(at("09:00"), "zhangsan", harness::product_post + "\n" + second_product);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_TRUE(contains(r[0].text, "P1")) << r[0].text;
    EXPECT_TRUE(contains(r[1].text, "✅ 已登记产品质量投诉 P2")) << r[1].text;
    EXPECT_TRUE(contains(r[1].text, "客户：江南建材"));
    EXPECT_EQ(*b.complaint("P2")->field("客户名称"), "江南建材");
}

TEST(FormPosts, AGoodAndABadFormRegisterTheGoodOneAndNameTheBadOne) {
    bench b;
    auto bad = replace(harness::service_post, "投诉对象: 物流部 司机小王\n", "");
    auto r = b.say(at("09:00"), "zhangsan", harness::product_post + "\n" + bad);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_TRUE(contains(r[0].text, "✅ 已登记产品质量投诉 P1"));
    EXPECT_TRUE(
        contains(r[1].text, "第2份投诉未登记：服务质量投诉以下内容需补全或更正\n· 投诉对象：缺少此项"))
        << r[1].text;
    EXPECT_TRUE(mentions(r[1], "zhangsan"));
    EXPECT_EQ(complaint_ids(b), std::vector<std::string>{"P1"});
    // The refused form took no number: the corrected post is S1.
    r = b.say(at("09:02"), "linfang", harness::service_post);
    EXPECT_TRUE(contains(r[0].text, "✅ 已登记服务质量投诉 S1")) << r[0].text;
}

TEST(FormPosts, TwoBadFormsChangeNothingAndAreBothAnswered) {
    bench b;
    b.say(at("08:30"), "zhangsan", harness::product_post_no_comp);  // P1, so the tables are not empty
    auto before = b.snapshot();
    auto r = b.say(at("09:00"), "zhangsan",
                   replace(harness::product_post, "品牌：金虎\n", "") + "\n" +
                       replace(second_product, "投诉时间：2026-11-23 08:40", "投诉时间：明天"));
    ASSERT_EQ(r.size(), 2u);
    EXPECT_TRUE(contains(r[0].text, "第1份投诉未登记：产品质量投诉以下内容需补全或更正\n· 品牌：缺少此项"));
    EXPECT_TRUE(contains(r[1].text, "第2份投诉未登记") &&
                contains(r[1].text, "· 投诉时间：无法识别的时间“明天”"))
        << r[1].text;
    EXPECT_EQ(b.snapshot(), before);
}

TEST(FormPosts, ElevenFormsInOneMessageRegisterNothing) {
    bench b;
    b.say(at("08:30"), "zhangsan", harness::product_post_no_comp);
    auto before = b.snapshot();
    std::string eleven;
    for (int i = 0; i < 11; ++i)
        eleven += replace(harness::product_post, "华东五金有限公司", "客户" + std::to_string(i)) + "\n";
    auto r = b.say(at("09:00"), "zhangsan", eleven);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(
        contains(r[0].text, "· 投诉份数：本条消息共 11 份投诉，超过 10 份的上限，全部未登记，请分开发送"))
        << r[0].text;
    EXPECT_EQ(b.snapshot(), before);
}

TEST(FormPosts, AFormPastedTwiceIsRegisteredOnce) {
    bench b;
    auto r = b.say(at("09:00"), "zhangsan", harness::product_post + "\n\n" + harness::product_post);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_TRUE(contains(r[0].text, "✅ 已登记产品质量投诉 P1"));
    EXPECT_EQ(r[1].text, "ℹ️ 第2份与第1份内容完全相同，只登记一次（P1）。\n@张三");
    EXPECT_EQ(complaint_ids(b), std::vector<std::string>{"P1"});
}

TEST(FormPosts, AFormWithoutItsTitleIsAnsweredAndChangesNothing) {
    bench b;
    b.say(at("08:30"), "zhangsan", harness::product_post_no_comp);
    auto before = b.snapshot();
    auto untitled = replace(harness::product_post, "产品质量投诉\n", "");
    auto r = b.say(at("09:00"), "zhangsan", untitled);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(contains(r[0].text,
                         "投诉未登记：产品质量投诉以下内容需补全或更正\n"
                         "· 标题：缺少标题行，请在第一行写上“产品质量投诉”，其余内容不变再发送"))
        << r[0].text;
    EXPECT_TRUE(contains(r[0].text, rules::blank_template(rules::complaint_kind::product)));
    EXPECT_EQ(b.snapshot(), before);
}

TEST(FormPosts, AChatLineWithAColonIsNotAnswered) {
    bench b;
    b.say(at("08:30"), "zhangsan", harness::product_post_no_comp);
    auto before = b.snapshot();
    for (std::string chat : {"明天开会时间：下午3点，地点：二楼会议室", "客户名称：华东五金\n品牌：金虎",
                             "订单号：SO-1027 已经发货了"}) {
        EXPECT_TRUE(b.say(at("09:00"), "zhangsan", chat).empty()) << chat;
        EXPECT_EQ(b.last_handled(), app::handled::ignored) << chat;
    }
    EXPECT_EQ(b.snapshot(), before);
}

TEST(FormPosts, AnOverLongFieldIsRefusedNamingItAndChangesNothing) {
    bench b;
    b.say(at("08:30"), "zhangsan", harness::product_post_no_comp);
    auto before = b.snapshot();
    auto text = replace(harness::product_post, "约三成螺纹滑牙，客户装配时无法拧紧", chars(2001, "牙"));
    auto r = b.say(at("09:00"), "zhangsan", text);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(contains(r[0].text, "· 产品存在的质量问题：共 2001 字，超过 2000 字的上限")) << r[0].text;
    EXPECT_LT(rules::utf8_length(r[0].text), 600u);  // the reply does not echo the value
    EXPECT_EQ(b.snapshot(), before);
}

TEST(FormPosts, ExtraFieldsAreShownByQueryAndCarriedByTheReport) {
    bench b;
    auto text = replace(harness::product_post, "客户名称：华东五金有限公司\n",
                        "客户名称：华东五金有限公司\n订单号：SO-20261118-07\n") +
                "\n谢谢！\n联系电话：13800138000";
    auto r = b.say(at("09:00"), "zhangsan", text);
    ASSERT_TRUE(contains(r[0].text, "✅ 已登记产品质量投诉 P1")) << r[0].text;
    auto q = b.say(at("09:01"), "zhangsan", "查询 P1");
    ASSERT_EQ(q.size(), 1u);
    EXPECT_TRUE(contains(q[0].text, "\n客户名称：华东五金有限公司\n发货日期：")) << q[0].text;
    EXPECT_TRUE(contains(q[0].text,
                         "\n投诉时间：2026年11月23日8时55分\n订单号：SO-20261118-07\n附言：谢谢！\n"
                         "联系电话：13800138000\n时间线："))
        << q[0].text;

    auto report = complaints_report(b);
    ASSERT_EQ(report.size(), 1u);
    const auto& fields = report[0].at("fields");
    EXPECT_EQ(fields.at("客户名称"), "华东五金有限公司");
    EXPECT_EQ(fields.at("订单号"), "SO-20261118-07");
    EXPECT_EQ(fields.at("联系电话"), "13800138000");
    EXPECT_EQ(fields.at("附言"), "谢谢！");

    app::report_options o;
    o.kind = "complaints";
    o.db_path = b.db_path();
    o.format = "csv";
    std::ostringstream csv;
    app::run_report(o, csv);
    EXPECT_TRUE(contains(csv.str(), "其他信息")) << csv.str();
    EXPECT_TRUE(contains(csv.str(), "订单号：SO-20261118-07；附言：谢谢！；联系电话：13800138000"))
        << csv.str();
}

TEST(FormPosts, QueryOfAHugeComplaintIsASummaryUnderTheCap) {
    bench b;
    auto text = replace(harness::product_post, "约三成螺纹滑牙，客户装配时无法拧紧", chars(1900, "滑")) +
                "\n订单说明：" + chars(1500, "单");
    ASSERT_TRUE(contains(b.say(at("09:00"), "zhangsan", text)[0].text, "✅ 已登记产品质量投诉 P1"));
    b.say(at("09:04"), "zhoumin", "受理 P1");
    b.say(at("09:25"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部 采购部");
    b.say(at("09:30"), "qianqi", "回复 P1 " + chars(300, "模"));
    // A long timeline: HR pauses and resumes the clock 20 times while waiting on the customer.
    for (int i = 0; i < 20; ++i) {
        b.say(at("09:31") + std::chrono::minutes(2 * i), "wangwu",
              "暂停 P1 等客户提供第" + std::to_string(i + 1) + "批照片");
        b.say(at("09:32") + std::chrono::minutes(2 * i), "wangwu", "恢复 P1");
    }
    auto q = b.say(at("10:20"), "zhangsan", "查询 P1");
    ASSERT_EQ(q.size(), 1u);
    const auto& t = q[0].text;
    EXPECT_LE(rules::utf8_length(t), rules::max_query_reply_chars + 4) << t;  // + "\n@张三"
    EXPECT_EQ(t.rfind("P1 产品质量投诉（进行中）\n", 0), 0u) << t;
    EXPECT_TRUE(contains(t, "（共1900字）")) << t;
    EXPECT_TRUE(contains(t, "订单说明：单单")) << t;
    EXPECT_TRUE(contains(t, "（共1500字）")) << t;
    EXPECT_TRUE(contains(t, "· 11-23 09:00 ")) << t;  // the first entry
    EXPECT_TRUE(contains(t, "· 11-23 10:10 ")) << t;  // the last (the 20th 恢复)
    EXPECT_TRUE(contains(t, "…省略 ")) << t;
    EXPECT_TRUE(contains(t, "待办：P1 待回复（采购部）")) << t;
    EXPECT_TRUE(contains(t, "report complaints --format json")) << t;
    // Nothing of the record was cut: the report has it all.
    auto report = complaints_report(b);
    EXPECT_EQ(rules::utf8_length(report[0].at("fields").at("产品存在的质量问题").get<std::string>()), 1900u);
}
