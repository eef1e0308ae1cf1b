// The dashboard of a group of companies (serve of a file with companies:, rules/group.hpp): each
// company's own dashboard under /c/<company id>/ (the same pages as a single company's, over its
// own configuration, database and live state; its people log in at /c/<id>/login against its
// database), and the group centre's page /group (/group/login, /group/logout): the members of
// group.members — whose accounts live in the FIRST company's database, as `passwd` stores them —
// see one row per company (待处理 and 已超时 now, this month's on-time rate, fines, 满意率 and open
// 一级 complaints: rules/group_rollup of the month so far), each linking to that company's pages.
// A member's session (cookie cb_group, Path=/) also admits them to every company's pages with a
// read-everything scope; the 已缴 / 免罚 buttons stay each company's HR's. `/` leads to /group.
//
// Paths with a "." or ".." segment, an encoded '.', '/' or '\', or an empty segment are refused
// (400) before anything is looked up; an unknown company is 404.
//
// Thread-safety: the loop thread's, as the dashboards.
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dashboard/dashboard.hpp"
#include "rules/group.hpp"
#include "rules/group_rollup.hpp"

namespace app::dashboard {

inline constexpr const char* group_cookie = "cb_group";
inline constexpr const char* group_home = "/group";

// What one company brings: its entry of the group, its database and its dashboard (made with
// company_settings, mounted nowhere else).
struct group_company {
    const rules::company* co = nullptr;
    storage::database* db = nullptr;
    dashboard* board = nullptr;
};

// The settings of company `co`'s dashboard in a group: below /c/<id>, its short name as the brand.
settings company_settings(const rules::company& co, settings base = {});

// One company's row of /group: the figures of now from its 现在, the month's from the roll-up.
struct group_row {
    std::string id;
    board_summary now;
    const rules::company_rollup* month = nullptr;
};

// The group centre's page (sans-I/O): `who` the member, `rows` in the companies' order, `total`
// the roll-up's 集团合计 and `today` the date the month runs to.
std::string group_view(const viewer& who, const std::string& group_name, const std::vector<group_row>& rows,
                       const rules::company_rollup& total, const rules::period& month,
                       core::local_date today);

class group_board final : public extra_routes {
  public:
    // `companies` in the group's order (the first one's database holds the centre's accounts and
    // sessions); each board's own sessions stay its own, and this admits the members to each.
    group_board(boost::asio::io_context& ioc, const rules::group_config& g,
                std::vector<group_company> companies, const core::clock& clock);
    ~group_board() override;
    group_board(const group_board&) = delete;
    group_board& operator=(const group_board&) = delete;

    bool claims(const std::string& path) const override;
    std::string route_label(const std::string& path) const override;
    boost::asio::awaitable<adapters::raw_response> handle_async(adapters::raw_request req) override;

    // The member a request's centre session names, as a viewer of every company's pages; nullopt
    // without one. Throws when the first company's database is inside a transaction (busy: 503).
    std::optional<viewer> member_of(const adapters::raw_request& req);

  private:
    boost::asio::awaitable<adapters::raw_response> dispatch(adapters::raw_request req);
    adapters::raw_response overview(const viewer& who);
    const group_company* company(const std::string& id) const;

    const rules::group_config& group_;
    std::vector<group_company> companies_;
    const core::clock& clock_;
    rules::config centre_cfg_;  // the first company's, with the members as its only people
    std::unique_ptr<dashboard> centre_;
};

}  // namespace app::dashboard
