// HR's 已缴 / 免罚 buttons (bot/dashboard/actions.cpp) over loopback HTTP: the fine changes exactly as
// the chat command changes it (same events, audit chain intact, the group told), and every refusal
// — someone outside 人力资源部, a malformed or unknown fine, one already settled, a missing, long or
// multi-line reason — says what is wrong and leaves the database as it was.
#include "tests/dashboard/board_fixture.hpp"

using namespace dashboard_fixture;
using harness::contains;

namespace {

struct snapshot {
    std::string fines, events, outbox;
    bool operator==(const snapshot&) const = default;
};

std::string repeated(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

snapshot take(board& b) {
    return {b.table("SELECT seq, status, status_reason, status_by, status_at FROM fines ORDER BY seq"),
            b.table("SELECT COUNT(*) FROM events"), b.table("SELECT COUNT(*) FROM outbox")};
}

TEST(FineActions, MarkingPaidFromThePageIsTheChatCommand) {
    board b;
    auto hr = b.session_of("wangwu");
    auto csrf = b.csrf_of(hr);
    auto r = b.post("/fines/F1/paid", "csrf=" + csrf, hr);
    ASSERT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(r.headers["location"], "/fines?from=2026-11-01&to=2026-11-30&done=paid&fine=F1");
    EXPECT_EQ(b.table("SELECT status, status_by FROM fines WHERE seq = 1"), "paid|wangwu|\n");
    EXPECT_EQ(b.table("SELECT type, actor, detail FROM events WHERE type = 'fine_paid'"),
              "fine_paid|wangwu|F1 已缴 50 元（王五）|\n");
    auto audit = b.db().verify_audit();
    EXPECT_TRUE(audit.ok) << (audit.problems.empty() ? "" : audit.problems[0]);
    // The group is told, as after the chat command.
    EXPECT_TRUE(contains(b.table("SELECT text FROM outbox ORDER BY id DESC LIMIT 1"), "已登记缴纳"))
        << b.table("SELECT text FROM outbox");
    // The ledger says so, and so do the API and the report.
    auto page = b.get(r.headers["location"], hr).body;
    EXPECT_TRUE(contains(page, "F1 已标记为已缴。"));
    EXPECT_FALSE(contains(page, "action=\"/fines/F1/paid\""));
    EXPECT_TRUE(contains(page, "action=\"/fines/F2/paid\""));
    auto api = nlohmann::json::parse(b.get("/api/fines", hr).body);
    EXPECT_EQ(api[0]["status"], "paid");
    EXPECT_EQ(nlohmann::json::parse(app::penalties_report_json(b.db(), {}))[0]["status"], "paid");
}

TEST(FineActions, WaivingTakesTheReasonAsTyped) {
    board b;
    auto hr = b.session_of("wangwu");
    // Traditional characters and a full-width space around it, as typed on a phone.
    auto reason = std::string("\xE3\x80\x80經覆核，物流部已提前報備延期 ");
    auto r = b.post("/fines/F2/waive",
                    "csrf=" + b.csrf_of(hr) + "&reason=" + adapters::crypto::url_encode(reason), hr);
    ASSERT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(b.table("SELECT status, status_reason FROM fines WHERE seq = 2"),
              "waived|經覆核，物流部已提前報備延期|\n");
    EXPECT_TRUE(contains(b.table("SELECT detail FROM events WHERE type = 'fine_waived'"),
                         "F2 免罚：經覆核，物流部已提前報備延期"));
    EXPECT_TRUE(b.db().verify_audit().ok);
    EXPECT_TRUE(contains(b.get(r.headers["location"], hr).body, "F2 已免罚。"));
}

TEST(FineActions, EveryRefusalSaysWhyAndChangesNothing) {
    board b;
    auto hr = b.session_of("wangwu");
    auto csrf = b.csrf_of(hr);
    auto head = b.session_of("wujiu");
    auto head_csrf = b.csrf_of(head);
    auto before = take(b);
    struct attempt {
        std::string who, target, body;
        int status;
        std::string says;
    };
    std::vector<attempt> attempts{
        {head, "/fines/F1/paid", "csrf=" + head_csrf, 403, "只有人力资源部可以登记缴款"},
        {head, "/fines/F1/waive", "csrf=" + head_csrf + "&reason=%E8%AF%AF%E7%BD%9A", 403,
         "只有人力资源部可以免罚"},
        {hr, "/fines/F9/paid", "csrf=" + csrf, 404, "没有找到罚款 F9"},
        {hr, "/fines/F/paid", "csrf=" + csrf, 400, "罚款编号应为 F 加数字"},
        {hr, "/fines/X1/paid", "csrf=" + csrf, 400, "罚款编号应为 F 加数字"},
        {hr, "/fines/F1/delete", "csrf=" + csrf, 404, "没有这个操作"},
        {hr, "/fines/F1/waive", "csrf=" + csrf, 400, "请写明免罚原因"},
        {hr, "/fines/F1/waive", "csrf=" + csrf + "&reason=%E3%80%80+", 400, "请写明免罚原因"},
        {hr, "/fines/F1/waive",
         "csrf=" + csrf + "&reason=" + adapters::crypto::url_encode(repeated("罚", 201)), 400,
         "免罚原因太长（201 字）"},
        {hr, "/fines/F1/waive",
         "csrf=" + csrf + "&reason=%E7%AC%AC%E4%B8%80%E8%A1%8C%0A%E7%AC%AC%E4%BA%8C%E8%A1%8C", 400,
         "免罚原因请写在一行内"},
    };
    for (const auto& a : attempts) {
        auto r = b.post(a.target, a.body, a.who);
        EXPECT_EQ(r.status, a.status) << a.target << " " << a.body.substr(0, 60);
        EXPECT_TRUE(contains(r.body, a.says)) << a.target << ": " << r.body.substr(0, 2000);
        EXPECT_TRUE(take(b) == before) << a.target << " changed the database";
    }
    // A settled fine cannot be settled again.
    ASSERT_EQ(b.post("/fines/F1/paid", "csrf=" + csrf, hr).status, 303);
    auto paid = take(b);
    auto again = b.post("/fines/F1/paid", "csrf=" + csrf, hr);
    EXPECT_EQ(again.status, 409);
    EXPECT_TRUE(contains(again.body, "F1 已缴纳（王五），无法再登记缴款。")) << again.body;
    auto waive = b.post("/fines/F1/waive", "csrf=" + csrf + "&reason=%E8%AF%AF%E7%BD%9A", hr);
    EXPECT_EQ(waive.status, 409);
    EXPECT_TRUE(take(b) == paid);
}

}  // namespace
