// The group's pieces without a server: a path below a company's base (dashboard/web.hpp), a
// company's dashboard settings, and the centre's page /group from a roll-up (views_group.cpp).
#include <gtest/gtest.h>

#include "dashboard/group_board.hpp"
#include "dashboard/web.hpp"

using app::dashboard::below;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST(GroupView, APathBelowTheBaseIsTheDashboardsOwnAndAnyOtherIsNot) {
    EXPECT_EQ(below("", "/fines"), "/fines");
    EXPECT_EQ(below("/c/huadong", "/c/huadong/fines"), "/fines");
    EXPECT_EQ(below("/c/huadong", "/c/huadong/"), "/");
    EXPECT_EQ(below("/c/huadong", "/c/huadong"), "/");
    EXPECT_FALSE(below("/c/huadong", "/c/huadongx/fines"));
    EXPECT_FALSE(below("/c/huadong", "/c/huanan/fines"));
    EXPECT_FALSE(below("/c/huadong", "/fines"));
}

TEST(GroupView, ACompanysDashboardSitsBelowItsIdAndCarriesItsShortName) {
    rules::company co;
    co.id = "huanan";
    co.name = "华南辉煌建材有限公司";
    co.short_name = "华南";
    auto s = app::dashboard::company_settings(co);
    EXPECT_EQ(s.base, "/c/huanan");
    EXPECT_EQ(s.brand, "华南");
    EXPECT_EQ(s.cookie, "cb_session");
    EXPECT_TRUE(s.cookie_path.empty());  // its base
}

TEST(GroupView, TheCentresPageHasARowPerCompanyLinkingToItsPagesAndTheTotal) {
    app::dashboard::viewer who;
    who.person = "zhoujie";
    who.name = "周杰";
    who.scope_text = "集团客户关系中心（全部公司）";
    who.csrf = "token-1";
    rules::company_rollup east, south, total;
    east.title = "华东";
    east.all_stages = {3, 4};
    east.fines = 2;
    east.fine_yuan = 100;
    east.satisfaction.satisfied = 1;
    east.satisfaction.unsatisfied = 1;
    east.target = 85;
    east.open_crisis.push_back(
        {"华东 P3", "P3", 1, "一级", "一级（危机事件）", "待回复（采购部）", {}, "11-25 09:00"});
    south.title = "<华南>";
    total.title = "集团合计";
    total.all_stages = {3, 4};
    total.fines = 2;
    total.fine_yuan = 100;
    total.open_crisis = east.open_crisis;
    std::vector<app::dashboard::group_row> rows{{"huadong", {3, 1}, &east}, {"huanan", {0, 0}, &south}};
    auto page =
        app::dashboard::group_view(who, "集团客户关系中心", rows, total,
                                   rules::period{{2026, 11, 1}, {2026, 11, 30}, "2026-11"}, {2026, 11, 23});
    EXPECT_TRUE(contains(page, "<a href=\"/c/huadong/\">华东</a>")) << page;
    EXPECT_TRUE(contains(page, "<a href=\"/c/huanan/\">&lt;华南&gt;</a>")) << page;  // escaped
    EXPECT_TRUE(contains(page, "<td class=\"num late\">1</td>")) << page;            // 已超时
    EXPECT_TRUE(contains(page, "75%（3/4）")) << page;
    EXPECT_TRUE(contains(page, "100 元")) << page;
    EXPECT_TRUE(contains(page, "50%（2 次，目标 85%）")) << page;  // below its target
    EXPECT_TRUE(contains(page, "<td>集团合计</td>")) << page;
    EXPECT_TRUE(contains(page, "href=\"/c/huadong/complaint/P3\"")) << page;
    EXPECT_TRUE(contains(page, "本月（2026年11月1日至11月23日）")) << page;
    EXPECT_TRUE(contains(page, "action=\"/group/logout\"")) << page;
    EXPECT_TRUE(contains(page, "value=\"token-1\"")) << page;
    EXPECT_FALSE(contains(page, "<script")) << page;
    EXPECT_FALSE(contains(page, "style=")) << page;
}
