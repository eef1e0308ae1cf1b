// organization::match_person: the name in 投诉人 (or `投诉人 P1 <姓名>`) as people write it —
// Traditional or Simplified, full-width, spaced, with a department or title beside it, an alias
// or the id — and the cases that must match nobody (unknown, two people of the same name).
#include <gtest/gtest.h>

#include "rules/config.hpp"

namespace {

rules::organization company() {
    rules::organization org;
    org.departments = {{"营销二部", "huangwei"}, {"销售一部", "chenjing"}, {"生产部", "zhaoliu"},
                       {"总经办", "wangzong"},   {"人力资源部", "wangwu"}, {"客服部", "heping"}};
    org.people = {
        {"yewen", "叶文", "营销二部", {}, {"小叶", "Ye Wen"}},
        {"huangwei", "黄伟", "营销二部", {}, {}},
        {"chenjing", "陈静", "销售一部", {}, {}},
        {"zhangsan", "张三", "销售一部", {}, {}},
        {"liming1", "李明", "销售一部", {}, {}},
        {"liming2", "李明", "生产部", {}, {}},
        {"zhaoliu", "赵六", "生产部", {}, {}},
        {"wangzong", "王总", "总经办", {}, {}},
        {"wangwu", "王五", "人力资源部", {}, {}},
        {"heping", "何平", "客服部", {}, {}},
        {"ouyang", "欧阳·娜娜", "客服部", {}, {}},
    };
    return org;
}

std::string who(const std::string& typed) {
    static const auto org = company();
    auto m = org.match_person(typed);
    if (m.found) return m.found->id;
    std::string s;
    for (const auto* p : m.same_name) s += (s.empty() ? "?" : ",") + p->id;
    return s.empty() ? "-" : s;
}

}  // namespace

class NameSpellings : public testing::TestWithParam<std::string> {};

TEST_P(NameSpellings, AllMeanYeWen) {
    EXPECT_EQ(who(GetParam()), "yewen") << GetParam();
}

INSTANTIATE_TEST_SUITE_P(AsPeopleWriteIt, NameSpellings,
                         testing::Values("叶文", "葉文", " 叶 文 ", "叶　文", "叶文（营销二部）",
                                         "叶文(营销二部)", "葉文（營銷二部）", "叶文【营销二部】",
                                         "叶文 营销二部", "营销二部 叶文", "营销二部叶文", "叶文营销二部",
                                         "叶文/营销二部", "叶文经理", "葉文經理", "业务员叶文", "叶文 业务员",
                                         "营销二部叶文经理", "小叶", "Ye Wen", "ye wen", "ＹＥ　ＷＥＮ",
                                         "yewen", "YEWEN", "叶文，营销二部"));

TEST(MatchPerson, ExactNamesAndIdsStillMatch) {
    EXPECT_EQ(who("张三"), "zhangsan");
    EXPECT_EQ(who("zhangsan"), "zhangsan");
    EXPECT_EQ(who("陳靜"), "chenjing");
    EXPECT_EQ(who("黃偉（營銷二部）"), "huangwei");
    EXPECT_EQ(who("欧阳娜娜"), "ouyang");  // the middle dot is optional
    EXPECT_EQ(who("欧阳·娜娜"), "ouyang");
}

TEST(MatchPerson, ANameThatIsATitleItselfIsNotCutShort) {
    // 王总 is the general manager's name in the config: it is not "王" plus the title 总.
    EXPECT_EQ(who("王总"), "wangzong");
    EXPECT_EQ(who("王总经理"), "wangzong");
    EXPECT_EQ(who("王五主管"), "wangwu");
}

TEST(MatchPerson, TwoPeopleOfTheSameNameMatchNobodyUnlessTheDepartmentTellsThem) {
    EXPECT_EQ(who("李明"), "?liming1,liming2");
    EXPECT_EQ(who("李明经理"), "?liming1,liming2");
    EXPECT_EQ(who("李明（生产部）"), "liming2");
    EXPECT_EQ(who("销售一部 李明"), "liming1");
    EXPECT_EQ(who("李明（营销二部）"), "?liming1,liming2");  // neither is in 营销二部
    EXPECT_EQ(who("liming2"), "liming2");
}

TEST(MatchPerson, UnknownOrEmptyMatchesNobody) {
    EXPECT_EQ(who("叶问"), "-");
    EXPECT_EQ(who(""), "-");
    EXPECT_EQ(who("营销二部"), "-");
    EXPECT_EQ(who("经理"), "-");
    EXPECT_EQ(who("叶"), "-");
    EXPECT_EQ(who("\xFF\xFE"), "-");
}

TEST(MatchPerson, TwoNamesInOneFieldAreAmbiguous) {
    EXPECT_EQ(who("张三 赵六"), "?zhangsan,zhaoliu");
}
