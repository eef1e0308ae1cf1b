// Who sees what on the dashboard: the scope of each kind of person in the small company built in
// code (tests/rules/small_org.hpp), on complaints and fines built in code — no SQLite.
#include <gtest/gtest.h>

#include "rules/scope.hpp"
#include "small_org.hpp"

namespace {

rules::complaint complaint(const std::string& id, const std::string& complainant,
                           const std::string& complainant_department, std::vector<std::string> departments) {
    rules::complaint c;
    c.id = id;
    c.complainant = complainant;
    c.complainant_department = complainant_department;
    for (auto& d : departments) {
        rules::department_reply r;
        r.department = d;
        c.departments.push_back(r);
    }
    return c;
}

rules::fine fine(const std::string& id, const std::string& department, const std::string& person) {
    rules::fine f;
    f.id = id;
    f.department = department;
    f.person = person;
    return f;
}

struct world {
    rules::config cfg = small_org::company();
    // P1: 张三 (销售一部) complains, 生产部 and 采购部 answer. S1: 何七 (客服部) complains, 物流部
    // answers. P2: 钱七 (生产部) complains about 采购部.
    std::vector<rules::complaint> complaints{complaint("P1", "zhangsan", "销售一部", {"生产部", "采购部"}),
                                             complaint("S1", "heqi", "客服部", {"物流部"}),
                                             complaint("P2", "qianqi", "生产部", {"采购部"})};
    std::vector<rules::fine> fines{fine("F1", "生产部", "zhaoliu"), fine("F2", "采购部", "wujiu"),
                                   fine("F3", "物流部", "sunba")};

    rules::scope of(const std::string& person) const { return rules::scope_of(cfg.org, cfg.roles, person); }
    std::string seen(const rules::scope& s) const {
        std::string out;
        for (const auto& c : complaints)
            if (s.sees(c)) out += c.id + " ";
        out += "|";
        for (const auto& f : fines)
            if (s.sees(f)) out += " " + f.id;
        return out;
    }
};

}  // namespace

TEST(Scope, HrMembersAndTheGeneralManagerSeeEverything) {
    world w;
    for (const auto* who : {"wangwu", "xiaoye", "huangzong"}) {
        auto s = w.of(who);
        EXPECT_EQ(s.what, rules::scope::kind::everything) << who;
        EXPECT_EQ(w.seen(s), "P1 S1 P2 | F1 F2 F3") << who;
    }
    w.cfg.roles.general_manager.push_back("zhoumin");  // an assistant of the general manager
    EXPECT_EQ(w.seen(w.of("zhoumin")), "P1 S1 P2 | F1 F2 F3");
}

TEST(Scope, AVicePresidentSeesTheDepartmentsUnderThemAndTheirSalespeoplesComplaints) {
    world w;
    auto s = w.of("liuzong");
    EXPECT_EQ(s.what, rules::scope::kind::vice_president);
    EXPECT_EQ(s.departments, (std::set<std::string>{"销售一部"}));
    EXPECT_EQ(w.seen(s), "P1 |");  // 张三's complaint; no fine of 销售一部
    // A VP over 生产部 too sees what 生产部 answers for and its fines.
    w.cfg.roles.vice_presidents["生产部"] = "liuzong";
    EXPECT_EQ(w.seen(w.of("liuzong")), "P1 P2 | F1");
}

TEST(Scope, ADepartmentHeadSeesTheirDepartmentsComplaintsAndFinesOnly) {
    world w;
    auto s = w.of("zhaoliu");  // 生产部
    EXPECT_EQ(s.what, rules::scope::kind::head);
    EXPECT_EQ(w.seen(s), "P1 P2 | F1");              // answers P1; P2's complainant works there
    EXPECT_EQ(w.seen(w.of("wujiu")), "P1 P2 | F2");  // 采购部 answers both
    EXPECT_EQ(w.seen(w.of("sunba")), "S1 | F3");     // 物流部
    EXPECT_EQ(w.seen(w.of("chenjing")), "P1 |");     // 销售一部: 张三 is theirs
}

TEST(Scope, AnyoneElseSeesOnlyTheComplaintsTheyMadeAndNoFines) {
    world w;
    auto s = w.of("zhangsan");
    EXPECT_EQ(s.what, rules::scope::kind::own);
    EXPECT_TRUE(s.departments.empty());
    EXPECT_EQ(w.seen(s), "P1 |");
    EXPECT_EQ(w.seen(w.of("qianqi")), "P2 |");  // a member of 生产部, not its head
    EXPECT_EQ(w.seen(w.of("linfang")), "|");
    EXPECT_EQ(w.seen(w.of("nobody")), "|");  // not in the organization
}

TEST(Scope, TheScopeIsDescribedInChinese) {
    world w;
    EXPECT_EQ(rules::describe(w.of("wangwu")), "全部投诉与罚款");
    EXPECT_EQ(rules::describe(w.of("zhaoliu")), "生产部（部门负责人）");
    EXPECT_EQ(rules::describe(w.of("liuzong")), "销售一部（分管副总）");
    EXPECT_EQ(rules::describe(w.of("zhangsan")), "本人提出的投诉");
}
