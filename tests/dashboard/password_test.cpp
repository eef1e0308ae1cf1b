// The dashboard's secrets and HTTP pieces, without a server: scrypt hashes (salted, their cost in
// the stored text, a wrong or malformed one refused), random tokens, form and cookie decoding,
// HTML escaping, the security headers.
#include <gtest/gtest.h>

#include <set>

#include "dashboard/page.hpp"
#include "dashboard/password.hpp"
#include "dashboard/web.hpp"

using namespace app::dashboard;

TEST(Password, AHashIsSaltedScryptAndVerifiesOnlyTheRightPassword) {
    auto a = hash_password("correct horse 马");
    auto b = hash_password("correct horse 马");
    EXPECT_EQ(a.rfind("$scrypt$ln=15,r=8,p=1$", 0), 0u) << a;
    EXPECT_NE(a, b);  // a salt of its own
    EXPECT_EQ(a.find("correct"), std::string::npos);
    EXPECT_TRUE(verify_password("correct horse 马", a));
    EXPECT_TRUE(verify_password("correct horse 马", b));
    EXPECT_FALSE(verify_password("correct horse", a));
    EXPECT_FALSE(verify_password("", a));
}

TEST(Password, AMalformedOrAbsurdStoredHashVerifiesNothing) {
    auto good = hash_password("password123");
    for (std::string bad :
         {std::string(""), std::string("password123"), std::string("$scrypt$ln=15,r=8,p=1$"),
          "$pbkdf2$ln=15,r=8,p=1" + good.substr(good.find("$", 8)),
          "$scrypt$ln=40,r=8,p=1" + good.substr(good.find("$", 8)), good.substr(0, good.size() - 4) + "AAAA"})
        EXPECT_FALSE(verify_password("password123", bad)) << bad;
    EXPECT_FALSE(verify_password("anything", decoy_hash()));
}

TEST(Password, TokensAreRandomUrlSafeAndSessionIdsAreStoredAsTheirSha256) {
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        auto t = random_token();
        EXPECT_EQ(t.size(), 43u);
        EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos);
        seen.insert(t);
    }
    EXPECT_EQ(seen.size(), 50u);
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_TRUE(same_secret("abc", "abc"));
    EXPECT_FALSE(same_secret("abc", "abd"));
    EXPECT_FALSE(same_secret("abc", "ab"));
}

TEST(Web, FormsQueriesAndCookiesAreDecoded) {
    auto f = parse_form("user=zhangsan&password=a+b%26c%3D%E4%B8%AD&user=second&empty=&flag");
    EXPECT_EQ(f["user"], "zhangsan");  // the first value wins
    EXPECT_EQ(f["password"], "a b&c=中");
    EXPECT_EQ(f["empty"], "");
    EXPECT_TRUE(f.count("flag"));
    EXPECT_EQ(parse_form("bad=%zz%4")["bad"], "%zz%4");

    adapters::raw_request req{
        "GET", "/api/fines?from=2026-11-01&department=%E9%87%87%E8%B4%AD%E9%83%A8#x", {}, {}};
    auto q = query_of(req);
    EXPECT_EQ(q["from"], "2026-11-01");
    EXPECT_EQ(q["department"], "采购部");

    req.headers["cookie"] = "theme=dark; cb_session=abc-_123 ;other=1";
    EXPECT_EQ(cookie(req, "cb_session"), "abc-_123");
    EXPECT_EQ(cookie(req, "other"), "1");
    EXPECT_FALSE(cookie(req, "session"));
}

TEST(Web, PagesEscapeWhatTheyShowAndEveryResponseGetsTheSecurityHeaders) {
    EXPECT_EQ(html_escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    auto login = login_page("错误", "<script>");
    EXPECT_NE(login.find("&lt;script&gt;"), std::string::npos);
    EXPECT_EQ(login.find("<script"), std::string::npos);
    EXPECT_NE(login.find("lang=\"zh-CN\""), std::string::npos);
    viewer v;
    v.person = "zhangsan";
    v.name = "张三<b>";
    v.scope_text = "本人提出的投诉";
    v.csrf = "tok\"en";
    auto home = layout(v, "/fines", "罚款台账", "<p>x</p>\n");
    EXPECT_NE(home.find("已登录：张三&lt;b&gt;（zhangsan）"), std::string::npos) << home;
    EXPECT_NE(home.find("name=\"csrf\" value=\"tok&quot;en\""), std::string::npos);
    EXPECT_NE(home.find("action=\"/logout\""), std::string::npos);
    EXPECT_NE(home.find("<a href=\"/fines\" class=\"active\""), std::string::npos);
    EXPECT_EQ(home.find("style="), std::string::npos);  // nothing inline: the CSP allows none
    EXPECT_EQ(home.find("<script>"), std::string::npos);
    EXPECT_EQ(home.find("<style"), std::string::npos);
    auto t = table({"编号"}, {{{"<P1>", "/complaint/P1"}}}, "无");
    EXPECT_NE(t.find("<a href=\"/complaint/P1\">&lt;P1&gt;</a>"), std::string::npos) << t;
    EXPECT_NE(table({"编号"}, {}, "目前没有").find("目前没有"), std::string::npos);
    auto c = chart({{"type", "bar"}, {"data", {{"labels", {"it's <x>"}}}}}, "图");
    EXPECT_EQ(c.find("<x>"), std::string::npos);
    EXPECT_EQ(c.find("it's"), std::string::npos);  // the quote is escaped inside data-chart
    EXPECT_NE(c.find("data-chart=\""), std::string::npos);
    filter f{core::local_date{2026, 11, 1}, core::local_date{2026, 11, 30}, "采购部"};
    EXPECT_EQ(f.query(), "from=2026-11-01&to=2026-11-30&department=%E9%87%87%E8%B4%AD%E9%83%A8");

    adapters::raw_response res;
    add_security_headers(res);
    EXPECT_NE(res.headers["Content-Security-Policy"].find("default-src 'self'"), std::string::npos);
    EXPECT_EQ(res.headers["Content-Security-Policy"].find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(res.headers["X-Frame-Options"], "DENY");
    EXPECT_EQ(res.headers["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(res.headers["Referrer-Policy"], "same-origin");
    EXPECT_EQ(res.headers["Cache-Control"], "no-store");
}
