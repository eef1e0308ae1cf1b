// The dashboard's pages over loopback HTTP (bot/dashboard/routes.cpp, views_*.cpp): what each
// person sees on 现在, 罚款台账, 准时率, 延误分布 and a complaint's page, the exports, the filters'
// refusals, the static files, and that the fine buttons refuse without their CSRF token.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tests/dashboard/board_fixture.hpp"

using namespace dashboard_fixture;
using harness::contains;

namespace {

// The rows of the first table of a page, as their text between <tbody> and </tbody>.
std::string first_table(const std::string& body) {
    auto a = body.find("<tbody>");
    auto b = body.find("</tbody>", a);
    return a == std::string::npos || b == std::string::npos ? std::string{} : body.substr(a, b - a);
}

TEST(Views, NowListsTheOpenComplaintsMostLateFirstWithWhoMustAct) {
    board b;
    auto hr = b.session_of("wangwu");
    auto page = b.get("/", hr);
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
    auto rows = first_table(page.body);
    auto p1 = rows.find("/complaint/P1"), p2 = rows.find("/complaint/P2");
    ASSERT_NE(p1, std::string::npos) << rows;
    ASSERT_NE(p2, std::string::npos) << rows;
    EXPECT_LT(p1, p2);  // P1 is 3 hours late, P2 50 minutes
    EXPECT_TRUE(contains(rows, "采购部（吴九）")) << rows;
    EXPECT_TRUE(contains(rows, "物流部（郑十）")) << rows;
    EXPECT_TRUE(contains(rows, "超时3小时")) << rows;
    EXPECT_TRUE(contains(rows, "超时50分钟")) << rows;
    EXPECT_TRUE(contains(page.body, "data-live=\"/api/now\""));
    EXPECT_FALSE(contains(page.body, "style="));
    EXPECT_FALSE(contains(page.body, "<script>"));
}

TEST(Views, TheLiveRowsOfNowAreTheSameRowsAsJsonInTheViewersScope) {
    board b;
    auto hr = b.session_of("wangwu");
    auto live = b.get("/api/now", hr);
    ASSERT_EQ(live.status, 200);
    auto j = nlohmann::json::parse(live.body);
    EXPECT_EQ(j["count"], 2);
    EXPECT_EQ(j["late"], 2);
    ASSERT_EQ(j["rows"].size(), 2u);
    EXPECT_EQ(j["rows"][0]["id"], "P1");
    EXPECT_EQ(j["rows"][0]["minutes"], -180);
    EXPECT_EQ(j["rows"][0]["cells"][0]["href"], "/complaint/P1");
    EXPECT_EQ(j["rows"][1]["cells"][7]["text"], "超时50分钟");
    // Later, on the service's clock: the minutes move on without a new page.
    b.advance(std::chrono::minutes(10));
    j = nlohmann::json::parse(b.get("/api/now", hr).body);
    EXPECT_EQ(j["rows"][0]["minutes"], -190);
    auto own = nlohmann::json::parse(b.get("/api/now", b.session_of("zhengshi")).body);  // 物流部
    ASSERT_EQ(own["rows"].size(), 1u);
    EXPECT_EQ(own["rows"][0]["id"], "P2");
    auto logistics = nlohmann::json::parse(b.get("/api/now?department=%E7%89%A9%E6%B5%81%E9%83%A8", hr).body);
    ASSERT_EQ(logistics["rows"].size(), 1u);
    EXPECT_EQ(logistics["rows"][0]["id"], "P2");
    EXPECT_EQ(b.get("/api/now").status, 401);
    EXPECT_EQ(b.get("/api/now?department=%E4%BF%9D%E5%AE%89%E9%83%A8", hr).status, 400);
}

TEST(Views, EachPersonSeesOnlyTheirScopeOnEveryPage) {
    board b;
    auto wujiu = b.session_of("wujiu");  // 采购部's head: P1 and F1
    auto now = first_table(b.get("/", wujiu).body);
    EXPECT_TRUE(contains(now, "/complaint/P1"));
    EXPECT_FALSE(contains(now, "/complaint/P2"));
    auto fines = b.get("/fines", wujiu).body;
    EXPECT_TRUE(contains(fines, ">F1<"));
    EXPECT_FALSE(contains(fines, ">F2<"));
    EXPECT_FALSE(contains(fines, "标记已缴"));  // only HR marks fines
    EXPECT_EQ(b.get("/complaint/P2", wujiu).status, 404);
    EXPECT_TRUE(contains(b.get("/complaint/P2", wujiu).body, "不在您的查看范围内"));
    EXPECT_EQ(b.get("/complaint/P1", wujiu).status, 200);
    // Asking for another department's figures is refused, not silently widened.
    auto other = b.get("/ontime?department=%E7%89%A9%E6%B5%81%E9%83%A8", wujiu);  // 物流部
    EXPECT_EQ(other.status, 400);
    EXPECT_TRUE(contains(other.body, "不在您的查看范围内")) << other.body;
    auto linfang = b.session_of("linfang");  // a salesperson: her own P2 only
    now = first_table(b.get("/", linfang).body);
    EXPECT_TRUE(contains(now, "/complaint/P2"));
    EXPECT_FALSE(contains(now, "/complaint/P1"));
    EXPECT_FALSE(contains(b.get("/fines", linfang).body, ">F2<"));
}

TEST(Views, TheFineLedgerTotalsByMonthAndHeadAndHrGetsTheButtons) {
    board b;
    auto hr = b.session_of("wangwu");
    auto page = b.get("/fines", hr);
    ASSERT_EQ(page.status, 200);
    EXPECT_TRUE(contains(page.body, "value=\"2026-11-01\""));  // the month so far by default
    EXPECT_TRUE(contains(page.body, "2026-11"));
    EXPECT_TRUE(contains(page.body, "吴九"));
    EXPECT_TRUE(contains(page.body, "郑十"));
    EXPECT_TRUE(contains(page.body, "100 元"));  // 2 × 50, both open
    EXPECT_TRUE(contains(page.body, "action=\"/fines/F1/paid\""));
    EXPECT_TRUE(contains(page.body, "action=\"/fines/F2/waive\""));
    // Another month has none.
    auto october = b.get("/fines?from=2026-10-01&to=2026-10-31", hr);
    EXPECT_EQ(october.status, 200);
    EXPECT_TRUE(contains(october.body, "本期没有罚款。"));
}

TEST(Views, TheMonthlyStatementPrintsEachHeadsFinesWithRoomToSign) {
    board b;
    auto hr = b.session_of("wangwu");
    EXPECT_TRUE(
        contains(b.get("/fines", hr).body, "href=\"/print/statement?from=2026-11-01&amp;to=2026-11-23\""));
    auto page = b.get("/print/statement?from=2026-11-01&to=2026-11-30", hr);
    ASSERT_EQ(page.status, 200);
    for (const char* text :
         {"2026年11月", "吴九", "郑十", "负责人签字", "合计", "100 元", "人力资源部（签字）"})
        EXPECT_TRUE(contains(page.body, text)) << text;
    auto own = b.get("/print/statement?from=2026-11-01&to=2026-11-30", b.session_of("wujiu")).body;
    EXPECT_TRUE(contains(own, "吴九"));
    EXPECT_FALSE(contains(own, "郑十"));
    EXPECT_TRUE(contains(b.get("/print/statement?from=2026-10-01&to=2026-10-31", hr).body, "本月无罚款。"));
    EXPECT_EQ(b.get("/print/statement?from=2026-10-31&to=2026-10-01", hr).status, 400);
    EXPECT_EQ(b.get("/print/statement").status, 303);
}

// The day's 流程表 to print: P1 (退货并补发) goes on the sheet at the evening job; the page has the
// XLSX's columns and its texts, the head's box, the fine of the silent department, and only the
// complaints the viewer sees; its Excel download is `report sheet`'s workbook.
TEST(Views, TheDaysSheetIsPrintableWithTheFormsColumnsForTheViewersComplaints) {
    board b;
    auto hr = b.session_of("wangwu");
    EXPECT_TRUE(contains(b.get("/print/sheet", hr).body, "当日无涉及赔款或退/换货的投诉。"));
    b.advance_and_fire(4h);  // 18:00: the 17:30 sheet job has run
    ASSERT_EQ(b.table("SELECT sheet_date FROM complaints WHERE id = 'P1'"), "2026-11-23|\n");
    auto page = b.get("/print/sheet", hr);  // today by default
    ASSERT_EQ(page.status, 200);
    for (const char* text :
         {"质量投诉处理流程表", "日期：2026-11-23", "编制：人力资源部", "共 1 件", "href=\"/complaint/P1\"",
          "华东五金有限公司", "2026年11月18日", "M8×40 镀锌螺栓 200盒", "退货并补发合格品", "生产部",
          "采购部", "冷镦模具磨损导致螺纹不良", "逾期未回复（已罚款 F1）", "责任部门负责人<br>签字/日期",
          "副总意见", "打单部执行", "aria-current=\"page\">流程表</a>"})
        EXPECT_TRUE(contains(page.body, text)) << text;
    EXPECT_FALSE(contains(page.body, "P2"));      // no compensation asked: not on the sheet
    EXPECT_FALSE(contains(page.body, "qianqi"));  // names, not person ids
    EXPECT_FALSE(contains(page.body, "style="));
    EXPECT_TRUE(contains(page.body, "href=\"/print/sheet?from=2026-11-22&amp;to=2026-11-22\"")) << "前一天";
    EXPECT_EQ(b.get("/print/sheet?from=2026-11-23&to=2026-11-23", hr).body, page.body);
    EXPECT_TRUE(contains(b.get("/print/sheet?from=2026-11-24&to=2026-11-24", hr).body, "当日无涉及"));
    EXPECT_TRUE(contains(b.get("/print/sheet?from=2026-11-01&to=2026-11-30", hr).body,
                         "日期：2026-11-01 至 2026-11-30"));

    // Scope: 吴九 (采购部) and 张三 (the complainant) see P1; 林芳 does not.
    EXPECT_TRUE(contains(b.get("/print/sheet", b.session_of("wujiu")).body, "华东五金有限公司"));
    EXPECT_TRUE(contains(b.get("/print/sheet", b.session_of("zhangsan")).body, "华东五金有限公司"));
    auto other = b.get("/print/sheet", b.session_of("linfang")).body;
    EXPECT_FALSE(contains(other, "华东五金有限公司"));
    EXPECT_TRUE(contains(other, "当日无涉及"));

    auto xlsx = b.get("/print/sheet?from=2026-11-23&to=2026-11-23&format=xlsx", hr);
    ASSERT_EQ(xlsx.status, 200);
    EXPECT_EQ(xlsx.headers["content-type"],
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    EXPECT_TRUE(contains(xlsx.headers["content-disposition"], "sheet.xlsx"));
    EXPECT_EQ(xlsx.body.rfind("PK", 0), 0u);
    EXPECT_EQ(b.get("/print/sheet?from=2026-11-23&to=x", hr).status, 400);
    EXPECT_EQ(b.get("/print/sheet").status, 303);
}

// 现在 from the engine's memory follows each step: a new complaint appears, an accepted one moves
// on, a closed one goes; the clocks are those of the request's time.
TEST(Views, NowFromMemoryFollowsEachStepAndTheClock) {
    board b;
    auto hr = b.session_of("wangwu");
    auto rows = [&] { return first_table(b.get("/", hr).body); };
    EXPECT_FALSE(contains(rows(), "/complaint/P3"));
    b.on_loop([&] { b.post_in_group("zhangsan", harness::product_post, at("14:00")); });
    auto now = rows();
    ASSERT_TRUE(contains(now, "/complaint/P3")) << now;
    EXPECT_TRUE(contains(now, "剩余5分钟")) << now;
    b.advance(2min);
    EXPECT_TRUE(contains(rows(), "剩余3分钟"));
    b.on_loop([&] { b.post_in_group("zhoumin", "受理 P3", at("14:02")); });
    now = rows();
    EXPECT_TRUE(contains(now, "公布工艺流程")) << now;
    b.on_loop([&] { b.post_in_group("wangwu", "无效 P3 重复投诉", at("14:03")); });
    EXPECT_FALSE(contains(rows(), "/complaint/P3"));
    // 林芳 sees only her own: not P1 (张三's).
    auto own = first_table(b.get("/", b.session_of("linfang")).body);
    EXPECT_TRUE(contains(own, "/complaint/P2"));
    EXPECT_FALSE(contains(own, "/complaint/P1"));
}

TEST(Views, NowOrdersOnlyTheRowsItShowsAndCountsTheRest) {
    board b;
    b.on_loop([&] {
        for (int i = 0; i < 6; ++i)  // P3…P8, each a minute after the last: six clocks
            b.post_in_group("zhangsan", harness::product_post, at("13:5" + std::to_string(i)));
    });
    b.on_loop([&] {
        core::zone tz(b.cfg().timezone);
        app::dashboard::board_cache cache(b.cfg(), tz, nullptr);
        auto ids = [](const app::dashboard::board_list& l) {
            std::vector<std::string> out;
            for (const auto* r : l.rows) out.push_back(r->id);
            return out;
        };
        auto all = ids(cache.rows(b.live(), b.now(), {}, {}));
        ASSERT_GE(all.size(), 8u);
        for (std::size_t first :
             {std::size_t{0}, std::size_t{1}, std::size_t{3}, all.size() - 1, all.size()}) {
            auto some = ids(cache.rows(b.live(), b.now(), {}, {}, first));
            ASSERT_EQ(some.size(), all.size()) << first;  // every row is counted
            EXPECT_TRUE(
                std::equal(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(first), some.begin()))
                << first;
            std::sort(some.begin(), some.end());
            auto sorted = all;
            std::sort(sorted.begin(), sorted.end());
            EXPECT_EQ(some, sorted) << first;
        }
    });
}

TEST(Views, NowsRowsBuiltAPageAtATimeFollowWhatChangedMeanwhile) {
    board b;
    b.on_loop([&] {
        for (int i = 0; i < 4; ++i)
            b.post_in_group("zhangsan", harness::product_post, at("13:5" + std::to_string(i)));
    });
    b.on_loop([&] {
        core::zone tz(b.cfg().timezone);
        app::dashboard::board_cache warm(b.cfg(), tz, nullptr);
        ASSERT_TRUE(warm.warm_up(b.live(), b.now(), 2));     // more pages follow
        b.post_in_group("zhoumin", "受理 P3", at("14:00"));  // meanwhile
        b.post_in_group("wangwu", "无效 P4 重复投诉", at("14:00"));
        int pages = 1;
        while (warm.warm_up(b.live(), b.now(), 2)) ++pages;
        EXPECT_GE(pages, 2);
        EXPECT_FALSE(warm.warm_up(b.live(), b.now(), 2));  // built: nothing to do
        app::dashboard::board_cache fresh(b.cfg(), tz, nullptr);
        auto text = [](const app::dashboard::board_list& l) {
            std::string out;
            for (const auto* r : l.rows) out += r->id + " " + r->step + " " + rules::clock_words(*r) + "\n";
            return out;
        };
        auto built = text(warm.rows(b.live(), b.now(), {}, {}));
        EXPECT_EQ(built, text(fresh.rows(b.live(), b.now(), {}, {})));
        EXPECT_FALSE(contains(built, "P4 "));  // invalid: no row
        EXPECT_TRUE(contains(built, "P3 公布工艺流程")) << built;
    });
}

TEST(Views, ExportsAreTheReportsTablesForTheViewersScope) {
    board b;
    auto hr = b.session_of("wangwu");
    auto csv = b.get("/fines?format=csv", hr);
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(csv.headers["content-type"], "text/csv; charset=utf-8");
    EXPECT_TRUE(contains(csv.headers["content-disposition"], "attachment"));
    EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBF罚款编号,投诉编号", 0), 0u) << csv.body;
    EXPECT_TRUE(contains(csv.body, "\r\nF1,P1,回复,采购部,吴九,wujiu,50,"));
    EXPECT_TRUE(contains(csv.body, "\r\nF2,P2,回复,物流部,郑十,zhengshi,50,"));
    auto own = b.get("/fines?format=csv", b.session_of("wujiu")).body;
    EXPECT_TRUE(contains(own, "F1,P1"));
    EXPECT_FALSE(contains(own, "F2,P2"));
    auto xlsx = b.get("/fines?format=xlsx", hr);
    ASSERT_EQ(xlsx.status, 200);
    EXPECT_EQ(xlsx.body.rfind("PK", 0), 0u);  // a zip: the workbook
    auto now = b.get("/?format=csv", hr);
    EXPECT_TRUE(contains(now.body, "P1,产品质量"));
    EXPECT_TRUE(contains(now.body, "-180"));  // minutes late
}

TEST(Views, OntimeAndLatenessCountTheMissedReplies) {
    board b;
    auto hr = b.session_of("wangwu");
    auto ontime = b.get("/ontime?from=2026-11-23&to=2026-11-23", hr);
    ASSERT_EQ(ontime.status, 200);
    EXPECT_TRUE(contains(ontime.body, "统计期间内收到的 2 件投诉"));
    EXPECT_TRUE(contains(ontime.body, "<td>生产部</td>"));
    EXPECT_TRUE(contains(ontime.body, "<td>物流部</td>"));
    EXPECT_TRUE(contains(ontime.body, "data-chart=\""));
    EXPECT_TRUE(contains(ontime.body, "各部门 × 环节"));
    EXPECT_TRUE(contains(ontime.body, "0%（0/1）"));                 // 物流部's and 采购部's 回复
    EXPECT_TRUE(contains(ontime.body, "2026-11-23 至 2026-11-23"));  // the one week of the period
    EXPECT_TRUE(contains(ontime.body, "<span class=\"label\">上期</span>"));
    auto late = b.get("/lateness?from=2026-11-23&to=2026-11-23", hr);
    ASSERT_EQ(late.status, 200);
    EXPECT_TRUE(contains(late.body, "class=\"heat\""));
    EXPECT_TRUE(contains(late.body, "/complaint/P2"));
    EXPECT_TRUE(contains(late.body, "超时明细"));
    EXPECT_TRUE(contains(late.body, "各环节超时多久"));
    EXPECT_TRUE(contains(late.body, "<td>回复</td>"));
}

TEST(Views, CategoriesCountTheComplaintsOfThePeriodByEachDimension) {
    board b;
    auto hr = b.session_of("wangwu");
    auto page = b.get("/categories?from=2026-11-23&to=2026-11-23", hr);
    ASSERT_EQ(page.status, 200);
    for (const char* text : {"按类型", "产品质量投诉", "有效投诉", "未分类", "按责任部门", "物流部",
                             "西南机电", "华东五金有限公司", "按品牌", "金虎"})
        EXPECT_TRUE(contains(page.body, text)) << text;
    auto csv = b.get("/categories?from=2026-11-23&to=2026-11-23&format=csv", hr).body;
    EXPECT_TRUE(contains(csv, "类型,产品质量投诉,2\r\n")) << csv;
    EXPECT_TRUE(contains(csv, "责任部门,物流部,1\r\n")) << csv;
    // 采购部's head counts only the complaints they see.
    auto own = b.get("/categories?from=2026-11-23&to=2026-11-23&format=csv", b.session_of("wujiu")).body;
    EXPECT_TRUE(contains(own, "类型,产品质量投诉,1\r\n")) << own;
    EXPECT_FALSE(contains(own, "西南机电"));
    auto none = b.get("/categories?from=2026-10-01&to=2026-10-31", hr);
    EXPECT_TRUE(contains(none.body, "本期没有投诉。"));
}

TEST(Views, TheFiguresFollowEachStepAfterTheyWereRead) {
    board b;
    auto hr = b.session_of("wangwu");
    auto categories = [&] { return b.get("/categories?from=2026-11-23&to=2026-11-23&format=csv", hr).body; };
    auto ontime = [&] { return b.get("/ontime?from=2026-11-23&to=2026-11-23&format=csv", hr).body; };
    EXPECT_TRUE(contains(categories(), "类型,产品质量投诉,2\r\n"));
    auto accepted_before = ontime();
    b.on_loop([&] { b.post_in_group("zhangsan", harness::product_post, at("14:00")); });
    EXPECT_TRUE(contains(categories(), "类型,产品质量投诉,3\r\n"));
    b.advance(7min);
    b.on_loop([&] { b.post_in_group("zhoumin", "受理 P3", at("14:07")); });  // 2 minutes late
    auto accepted = ontime();
    EXPECT_NE(accepted, accepted_before);
    EXPECT_TRUE(contains(b.get("/lateness?from=2026-11-23&to=2026-11-23", hr).body, "/complaint/P3"));
    b.on_loop([&] { b.post_in_group("wangwu", "无效 P3 重复投诉", at("14:08")); });
    EXPECT_TRUE(contains(categories(), "有效 / 无效,无效投诉,1\r\n")) << categories();
}

TEST(Views, EveryViewExportsItsFiguresAsCsvAndXlsx) {
    board b;
    auto hr = b.session_of("wangwu");
    for (const char* path : {"/", "/fines", "/ontime", "/lateness", "/categories"}) {
        auto csv = b.get(std::string(path) + "?from=2026-11-23&to=2026-11-23&format=csv", hr);
        EXPECT_EQ(csv.status, 200) << path;
        EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBF", 0), 0u) << path;
        auto xlsx = b.get(std::string(path) + "?from=2026-11-23&to=2026-11-23&format=xlsx", hr);
        EXPECT_EQ(xlsx.status, 200) << path;
        EXPECT_EQ(xlsx.body.rfind("PK", 0), 0u) << path;
        EXPECT_TRUE(contains(xlsx.headers["content-disposition"], ".xlsx")) << path;
    }
    auto late = b.get("/lateness?from=2026-11-23&to=2026-11-23&format=csv", hr).body;
    EXPECT_TRUE(contains(late, "P2,回复,物流部,2026-11-23 13:10,50\r\n")) << late;
    auto ontime = b.get("/ontime?from=2026-11-23&to=2026-11-23&format=csv", hr).body;
    EXPECT_TRUE(contains(ontime, "采购部,回复,1,0,1,0%\r\n")) << ontime;
}

TEST(Views, AComplaintsPageShowsItsStagesRepliesFinesAndEvents) {
    board b;
    auto page = b.get("/complaint/P1", b.session_of("wangwu"));
    ASSERT_EQ(page.status, 200);
    for (const char* text : {"华东五金有限公司", "冷镦模具磨损导致螺纹不良", "部门回复", "采购部", "未回复",
                             "F1", "事件记录", "登记", "罚款"})
        EXPECT_TRUE(contains(page.body, text)) << text;
    EXPECT_EQ(b.get("/complaint/P99", b.session_of("wangwu")).status, 404);
    EXPECT_EQ(b.get("/complaint/" + std::string(40, 'P'), b.session_of("wangwu")).status, 404);
}

TEST(Views, BadFiltersAreRefusedWithWhatToWrite) {
    board b;
    auto hr = b.session_of("wangwu");
    auto bad = b.get("/fines?from=2026-13-01", hr);
    EXPECT_EQ(bad.status, 400);
    EXPECT_TRUE(contains(bad.body, "请写成 2026-11-23 这样的日期")) << bad.body;
    auto reversed = b.get("/ontime?from=2026-11-30&to=2026-11-01", hr);
    EXPECT_EQ(reversed.status, 400);
    EXPECT_TRUE(contains(reversed.body, "结束日期早于开始日期"));
    auto unknown = b.get("/lateness?department=%E4%BF%9D%E5%AE%89%E9%83%A8", hr);  // 保安部
    EXPECT_EQ(unknown.status, 400);
    EXPECT_TRUE(contains(unknown.body, "保安部"));
    // A Traditional-script department name is the department.
    auto traditional = b.get("/ontime?department=%E6%8E%A1%E8%B3%BC%E9%83%A8", hr);  // 採購部
    EXPECT_EQ(traditional.status, 200);
    EXPECT_TRUE(contains(traditional.body, "<option selected>采购部</option>"));
}

TEST(Views, WithoutASessionEveryPageLeadsToTheLogin) {
    board b;
    for (const char* path : {"/", "/fines", "/ontime", "/lateness", "/complaint/P1", "/fines?format=csv"}) {
        auto r = b.get(path);
        EXPECT_EQ(r.status, 303) << path;
        EXPECT_EQ(r.headers["location"], "/login") << path;
        EXPECT_FALSE(contains(r.body, "P1")) << path;
    }
}

TEST(Views, TheFineButtonsRefuseWithoutTheCsrfTokenAndChangeNothing) {
    board b;
    auto hr = b.session_of("wangwu");
    auto before = b.table("SELECT seq, status, status_reason FROM fines ORDER BY seq");
    auto events = b.table("SELECT COUNT(*) FROM events");
    auto r = b.post("/fines/F1/paid", "csrf=wrong", hr);
    EXPECT_EQ(r.status, 403);
    EXPECT_TRUE(contains(r.body, "CSRF"));
    r = b.post("/fines/F1/waive", "reason=%E6%B5%8B%E8%AF%95", hr);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(b.get("/fines/F1/paid", hr).status, 405);
    EXPECT_EQ(b.post("/fines/F1/paid", "csrf=x").status, 303);  // no session: to the login
    EXPECT_EQ(b.table("SELECT seq, status, status_reason FROM fines ORDER BY seq"), before);
    EXPECT_EQ(b.table("SELECT COUNT(*) FROM events"), events);
}

TEST(Views, TheStaticFilesAreServedAndCachedAndAMissingChartJsIsSaid) {
    auto dir = std::filesystem::temp_directory_path() / "cb-views-chart";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "chart.min.js") << "/* Chart.js stand-in */";
    app::dashboard::settings s;
    s.chart_js = (dir / "chart.min.js").string();
    board b(harness::company(), s);
    auto css = b.get("/static/app.css");
    EXPECT_EQ(css.status, 200);
    EXPECT_EQ(css.headers["content-type"], "text/css; charset=utf-8");
    EXPECT_TRUE(contains(css.headers["cache-control"], "max-age"));
    EXPECT_TRUE(contains(css.body, "@media print"));
    auto js = b.get("/static/app.js");
    EXPECT_EQ(js.status, 200);
    EXPECT_TRUE(contains(js.body, "data-chart") || contains(js.body, "dataset.chart"));
    EXPECT_EQ(b.get("/static/chart.min.js").body, "/* Chart.js stand-in */");
    EXPECT_EQ(b.get("/static/nothing.js").status, 404);
    EXPECT_EQ(b.get("/favicon.ico").status, 204);
    std::filesystem::remove_all(dir);

    app::dashboard::settings missing;
    missing.chart_js = "/nonexistent/chart.min.js";
    board without(harness::company(), missing);
    auto none = without.get("/static/chart.min.js");
    EXPECT_EQ(none.status, 404);
    EXPECT_TRUE(contains(none.body, "libjs-chart.js"));
}

}  // namespace

TEST(Views, TheMonthlyAndQuarterlyReportsForTheViewersScope) {
    board b;
    auto hr = b.session_of("wangwu");
    auto page = b.get("/reports?month=2026-11", hr);
    ASSERT_EQ(page.status, 200);
    for (const char* text :
         {"📊 投诉月报（2026年11月，对比10月）", "收到投诉：共 2 件", "季度质量手册（2026年第4季度）",
          "按品牌", "金虎", "分享案例", "经验教训", "/reports?quarter=2026-Q4&amp;format=xlsx"})
        EXPECT_TRUE(contains(page.body, text)) << text;
    auto xlsx = b.get("/reports?quarter=2026-Q4&format=xlsx", hr);
    ASSERT_EQ(xlsx.status, 200);
    EXPECT_EQ(xlsx.body.substr(0, 2), "PK");  // a zip: the workbook
    // 采购部's head sees only the complaints of their scope.
    auto own = b.get("/reports?month=2026-11", b.session_of("wujiu"));
    ASSERT_EQ(own.status, 200);
    EXPECT_TRUE(contains(own.body, "收到投诉：共 1 件")) << own.body;
    EXPECT_FALSE(contains(own.body, "西南机电"));
    auto bad = b.get("/reports?month=十一月", hr);
    EXPECT_EQ(bad.status, 400);
    EXPECT_TRUE(contains(bad.body, "月份“十一月”无效，请写成 2026-11。")) << bad.body;
    EXPECT_EQ(b.get("/reports?quarter=2026-Q5", hr).status, 400);
}
