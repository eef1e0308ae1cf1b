// Tests for rules/staff_change.cpp: the warning HR gets in the default chat when a person who heads
// a department or has open complaints leaves or changes department, and silence otherwise.
#include "rules/staff_change.hpp"

#include <gtest/gtest.h>

#include "small_org.hpp"

namespace {

using rules::open_work;
using rules::staff_change;
using rules::staff_change_kind;

rules::config company() {
    auto cfg = small_org::company();
    for (auto& p : cfg.org.people) p.accounts["dingtalk"] = "dt-" + p.id;
    return cfg;
}

const std::vector<open_work> open = {
    {"P1", {"生产部"}, {"zhangsan", "zhoumin"}},
    {"P2", {"采购部", "生产部"}, {"linfang"}},
    {"P3", {"物流部"}, {"qianqi"}},
};

TEST(StaffChange, AHeadLeavingWarnsHrWithTheDepartmentsOpenWork) {
    auto cfg = company();
    auto post = rules::staff_change_warning(cfg, {staff_change_kind::left, "dingtalk", {"dt-zhaoliu"}}, open);
    ASSERT_TRUE(post);
    EXPECT_EQ(post->chat, "group");
    EXPECT_EQ(
        post->text,
        "⚠️ "
        "人员变动提醒\n赵六（生产部）已离职：是生产部负责人（部门待办：P1、P2），请指定新负责人并更新配置。\n"
        "@王五");
    EXPECT_EQ(post->mentions, std::vector<std::string>{"wangwu"});
}

TEST(StaffChange, SomeoneWithOpenComplaintsMovingIsNamedWithThem) {
    auto cfg = company();
    auto post = rules::staff_change_warning(
        cfg, {staff_change_kind::changed, "dingtalk", {"dt-zhoumin", "dt-qianqi", "dt-nobody"}}, open);
    ASSERT_TRUE(post);
    EXPECT_NE(post->text.find("周敏（打单部）部门或职务有变动：名下未结投诉 P1，请安排交接。"),
              std::string::npos)
        << post->text;
    EXPECT_NE(post->text.find("钱七（生产部）部门或职务有变动：名下未结投诉 P3，请安排交接。"),
              std::string::npos)
        << post->text;
    EXPECT_EQ(post->text.find("nobody"), std::string::npos);
}

TEST(StaffChange, NobodyConcernedMeansNoPost) {
    auto cfg = company();
    // 林芳 has P2 open, but the change is about 叶文 (no department, no complaint) and an unknown id.
    EXPECT_FALSE(rules::staff_change_warning(
        cfg, {staff_change_kind::left, "dingtalk", {"dt-xiaoye", "dt-ghost"}}, open));
    EXPECT_FALSE(rules::staff_change_warning(cfg, {staff_change_kind::left, "dingtalk", {}}, open));
    // Accounts of another platform are not these people.
    EXPECT_FALSE(rules::staff_change_warning(cfg, {staff_change_kind::left, "wecom", {"dt-zhaoliu"}}, open));
}

TEST(StaffChange, WhenTheHrHeadLeavesTheRestOfHrIsTold) {
    auto cfg = company();
    auto post = rules::staff_change_warning(cfg, {staff_change_kind::left, "dingtalk", {"dt-wangwu"}}, {});
    ASSERT_TRUE(post);
    EXPECT_EQ(post->mentions, std::vector<std::string>{"xiaoye"});
    EXPECT_NE(post->text.find("王五（人力资源部）已离职：是人力资源部负责人，请指定新负责人并更新配置。"),
              std::string::npos)
        << post->text;
    EXPECT_TRUE(post->text.ends_with("\n@叶文")) << post->text;
}

}  // namespace
