// A complaint's facts (rules/facts.cpp) and the table the dashboard counts them in
// (rules/fact_table.cpp): which steps are facts, their bytes, a complaint replaced and not counted
// twice, the period's edges, the scopes and the 问题类别 counts.
#include "rules/fact_table.hpp"
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

const rules::step_fact* reply_of(const rules::complaint_facts& f, const std::string& department) {
    for (const auto& s : f.steps)
        if (s.department == department) return &s;
    return nullptr;
}

TEST(Facts, AreTheDecidedStepsAndWhatTheComplaintIsAbout) {
    desk d;
    auto c = late_morning(d);
    auto f = rules::facts_of(c);
    EXPECT_EQ(f.id(), "P1");
    EXPECT_EQ(f.complainant, "zhangsan");
    EXPECT_EQ(f.complainant_department, "销售一部");
    EXPECT_EQ(f.customer, "华东五金有限公司");
    EXPECT_EQ(f.brand, "金虎");
    EXPECT_EQ(f.departments, (std::vector<std::string>{"生产部", "采购部"}));
    ASSERT_FALSE(f.steps.empty());
    EXPECT_EQ(f.steps[0].stage, rules::stage_id::accept);
    EXPECT_TRUE(f.steps[0].late);
    EXPECT_EQ(f.steps[0].done, at("09:07"));
    EXPECT_TRUE(f.steps[0].department.empty());  // the stage: 打单部 by the config
    const auto* made = reply_of(f, "生产部");
    ASSERT_TRUE(made);
    EXPECT_FALSE(made->late);
    EXPECT_EQ(made->done, at("10:30"));
    const auto* silent = reply_of(f, "采购部");
    ASSERT_TRUE(silent);
    EXPECT_TRUE(silent->late);
    EXPECT_FALSE(silent->done);  // late by now
    EXPECT_EQ(silent->due, at("11:00"));
}

TEST(Facts, AStepStillRunningIsNoFactYet) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    EXPECT_TRUE(rules::facts_of(c).steps.empty());  // 受理 is due at 09:05
    d.say(c, "受理 P1", "zhoumin", at("09:03"));
    auto f = rules::facts_of(c);
    ASSERT_EQ(f.steps.size(), 1u);  // 受理 in time; 公布 still running
    EXPECT_FALSE(f.steps[0].late);
}

TEST(Facts, TheirBytesReadBackTheSameAndOtherBytesAreRefused) {
    desk d;
    auto p = rules::facts_of(late_morning(d));
    EXPECT_EQ(rules::facts_from_bytes(rules::to_bytes(p)), p);
    auto s = rules::facts_of(d.post(service_post, "linfang", at("08:00"), 4));
    s.category = "送貨延誤（全形：ＡＢＣ）";  // Traditional and full-width text, as typed
    EXPECT_EQ(rules::facts_from_bytes(rules::to_bytes(s)), s);
    for (std::string bad : {std::string("not facts"), std::string("\x81\xa1k\x07", 4), std::string()}) {
        try {
            rules::facts_from_bytes(bad);
            ADD_FAILURE() << "read: " << bad;
        } catch (const std::runtime_error& e) {
            EXPECT_TRUE(has(e.what(), "facts cannot be read")) << e.what();
        }
    }
}

TEST(FactTable, AComplaintPutAgainReplacesItsFactsAndIsCountedOnce) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    rules::fact_table t;
    t.put(rules::facts_of(c));
    d.say(c, "受理 P1", "zhoumin", at("09:07"));
    t.put(rules::facts_of(c));
    EXPECT_EQ(t.size(), 1u);
    auto rows = t.select(at("00:00"), at("00:00", "2026-11-24"), nullptr, {});
    auto f = t.ontime(rows, d.ctx(at("12:00")), {});
    EXPECT_EQ(f.complaints, 1);
    ASSERT_EQ(f.stages.size(), 1u);
    EXPECT_EQ(f.stages[0].second.total, 1);
    EXPECT_EQ(f.stages[0].second.on_time, 0);
    ASSERT_EQ(f.late.size(), 1u);
    EXPECT_EQ(f.late[0].minutes, 2);
    EXPECT_EQ(f.late[0].department, "打单部");
}

TEST(FactTable, ManyReplacementsKeepTheSameFigures) {
    desk d;
    auto c = late_morning(d);
    rules::fact_table t;
    auto facts = rules::facts_of(c);
    for (int seq = 1; seq <= 50; ++seq) {
        facts.seq = seq;
        t.put(facts);
    }
    auto rows = t.select(at("00:00"), at("00:00", "2026-11-24"), nullptr, {});
    auto once = t.ontime(rows, d.ctx(at("12:00")), {});
    for (int round = 0; round < 200; ++round)  // 200 × 50 replacements: the pools are compacted
        for (int seq = 1; seq <= 50; ++seq) {
            facts.seq = seq;
            t.put(facts);
        }
    EXPECT_EQ(t.size(), 50u);
    auto again =
        t.ontime(t.select(at("00:00"), at("00:00", "2026-11-24"), nullptr, {}), d.ctx(at("12:00")), {});
    EXPECT_EQ(again.complaints, 50);
    EXPECT_EQ(again.late.size(), once.late.size());
    EXPECT_EQ(again.departments.at("采购部").total, 50);
    EXPECT_EQ(again.departments.at("生产部").on_time, 50);
}

TEST(FactTable, APeriodIsFromTheFirstMomentOfItsFirstDayToTheLastOfItsLast) {
    rules::fact_table t;
    rules::complaint_facts f;
    f.seq = 1;
    f.posted_at = at("23:59", "2026-11-22");
    t.put(f);
    f.seq = 2;
    f.posted_at = at("00:00", "2026-11-23");
    t.put(f);
    f.seq = 3;
    f.posted_at = at("00:00", "2026-11-24");
    t.put(f);
    f.seq = 4;  // posted out of order (a replay): still by time
    f.posted_at = at("12:00", "2026-11-23");
    t.put(f);
    auto ids = [&](const std::vector<std::uint32_t>& rows) {
        std::string out;
        for (auto i : rows) out += t.id_of(i) + " ";
        return out;
    };
    auto monday = [&] { return t.select(at("00:00", "2026-11-23"), at("00:00", "2026-11-24"), nullptr, {}); };
    EXPECT_EQ(ids(monday()), "P2 P4 ");
    EXPECT_EQ(t.categories(monday()).complaints, 2);
    // Laid out in that order: the same lists, and a complaint put again still replaces its row.
    t.order();
    EXPECT_EQ(ids(t.select(at("00:00", "2026-11-22"), at("00:00", "2026-11-25"), nullptr, {})),
              "P1 P2 P4 P3 ");
    f.seq = 4;
    f.invalid = true;
    t.put(f);
    EXPECT_EQ(t.size(), 4u);
    EXPECT_EQ(ids(monday()), "P2 P4 ");
    EXPECT_EQ(t.categories(monday()).invalid, 1);
    ASSERT_TRUE(t.row_of(rules::complaint_kind::product, 3));
    EXPECT_EQ(t.id_of(*t.row_of(rules::complaint_kind::product, 3)), "P3");
}

TEST(FactTable, EachScopeSelectsWhatItSeesAndADepartmentWhatConcernsIt) {
    desk d;
    auto cfg = company();
    rules::fact_table t;
    t.put(rules::facts_of(late_morning(d)));  // 张三's; 生产部 and 采购部 answer
    t.put(rules::facts_of(d.post(service_post, "linfang", at("08:00"), 2)));  // 林芳's, not routed
    auto ids = [&](const std::string& person, const std::string& department = {}) {
        auto who = rules::scope_of(cfg.org, cfg.roles, person);
        std::string out;
        for (auto i : t.select(at("00:00"), at("00:00", "2026-11-24"), &who, department))
            out += std::to_string(i) + " ";
        return out;
    };
    EXPECT_EQ(ids("wangwu"), "1 0 ");   // HR: both, S2 was posted first
    EXPECT_EQ(ids("wujiu"), "0 ");      // 采购部's head: P1
    EXPECT_EQ(ids("sunba"), "");        // 物流部's head: neither (S2 is not routed yet)
    EXPECT_EQ(ids("zhangsan"), "0 ");   // his own
    EXPECT_EQ(ids("linfang"), "1 ");    // hers
    EXPECT_EQ(ids("liuzong"), "1 0 ");  // 销售一部's VP: both complainants work there
    EXPECT_EQ(ids("wangwu", "生产部"), "0 ");
    EXPECT_EQ(ids("wangwu", "没有这个部门"), "");
    // One department's figures: only its own steps.
    auto who = rules::scope_of(cfg.org, cfg.roles, "wangwu");
    auto f = t.ontime(t.select(at("00:00"), at("00:00", "2026-11-24"), &who, "采购部"), d.ctx(at("12:00")),
                      "采购部");
    ASSERT_EQ(f.stages.size(), 1u);
    EXPECT_EQ(f.stages[0].first, "回复");
    EXPECT_EQ(f.stages[0].second.late(), 1);
    EXPECT_EQ(f.departments.size(), 1u);
}

TEST(FactTable, CategoriesCountEachDimensionMostFirst) {
    rules::fact_table t;
    auto add = [&](int seq, rules::complaint_kind kind, bool invalid, std::string customer, std::string brand,
                   std::vector<std::string> departments) {
        rules::complaint_facts f;
        f.kind = kind;
        f.seq = seq;
        f.posted_at = at("09:00");
        f.invalid = invalid;
        f.complainant_department = "销售一部";
        f.customer = std::move(customer);
        f.brand = std::move(brand);
        f.departments = std::move(departments);
        t.put(f);
    };
    add(1, rules::complaint_kind::product, false, "华东五金有限公司", "金虎", {"生产部", "采购部"});
    add(2, rules::complaint_kind::product, false, "华东五金有限公司", "", {"生产部"});
    add(1, rules::complaint_kind::service, true, "", "", {});
    auto c = t.categories(t.select(at("00:00"), at("00:00", "2026-11-24"), nullptr, {}));
    EXPECT_EQ(c.complaints, 3);
    EXPECT_EQ(c.invalid, 1);
    ASSERT_EQ(c.dimensions.size(), 7u);
    using counts = std::vector<std::pair<std::string, int>>;
    EXPECT_EQ(c.dimensions[0].second, (counts{{"产品质量投诉", 2}, {"服务质量投诉", 1}}));
    EXPECT_EQ(c.dimensions[1].second, (counts{{"有效投诉", 2}, {"无效投诉", 1}}));
    EXPECT_EQ(c.dimensions[2].second, (counts{{"未分类", 3}}));
    EXPECT_EQ(c.dimensions[3].second, (counts{{"生产部", 2}, {"采购部", 1}, {"（未指定）", 1}}));
    EXPECT_EQ(c.dimensions[5].second, (counts{{"华东五金有限公司", 2}, {"（未填写）", 1}}));
    EXPECT_EQ(c.dimensions[6].second, (counts{{"金虎", 1}}));  // none given: not counted
}

}  // namespace
