// HR's dashboard on the webhooks' port (issue 11, first part): the login (POST /login with `user`
// and `password`; a session cookie, HttpOnly, SameSite=Strict, Path=/, Secure behind https), the
// logout (POST /logout with the session's CSRF token), the home page (a placeholder for now) and the
// JSON API (/api/complaints, /api/fines: exactly `report complaints|penalties --format json`,
// filtered by the person's scope, rules/scope.hpp).
//
// Sessions live in the database under the SHA-256 of their id (a restart keeps them; a copy of the
// file logs nobody in) and end after `idle` without a request. Five failed logins of one person
// within `lockout_window` lock that person out for `lockout` (logged, and recorded in the event
// log). Passwords are verified with scrypt on a helper thread, so the loop keeps answering the
// platforms meanwhile. Nothing secret — password, session id, CSRF token — is ever logged.
//
// Thread-safety: construct and use on the io_context's thread (the database's); only the password
// hashing runs elsewhere.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "pipeline/service.hpp"
#include "rules/config.hpp"
#include "storage/database.hpp"

namespace app::dashboard {

struct settings {
    core::duration idle{std::chrono::hours(12)};
    int lockout_failures = 5;
    core::duration lockout_window{std::chrono::minutes(15)};
    core::duration lockout{std::chrono::minutes(15)};
    int max_verifying = 4;  // logins being hashed at once; more are answered 503
};

inline constexpr const char* session_cookie = "cb_session";

class dashboard final : public extra_routes {
  public:
    dashboard(boost::asio::io_context& ioc, const rules::config& cfg, storage::database& db,
              const core::clock& clock, settings s = {});
    ~dashboard() override;
    dashboard(const dashboard&) = delete;
    dashboard& operator=(const dashboard&) = delete;

    bool claims(const std::string& path) const override;
    std::string route_label(const std::string& path) const override;
    boost::asio::awaitable<adapters::raw_response> handle_async(adapters::raw_request req) override;

  private:
    boost::asio::awaitable<adapters::raw_response> dispatch(adapters::raw_request req);
    boost::asio::awaitable<adapters::raw_response> login(adapters::raw_request req);
    boost::asio::awaitable<bool> verify_off_loop(std::string password, std::string stored);
    adapters::raw_response failed_login(const std::string& user, bool known);
    adapters::raw_response logout(const adapters::raw_request& req);
    adapters::raw_response home(const adapters::raw_request& req);
    adapters::raw_response api(const adapters::raw_request& req);
    // The request's live session (idle ones are ended here), or nullopt.
    std::optional<storage::session_row> current(const adapters::raw_request& req);
    bool origin_allowed(const adapters::raw_request& req) const;
    std::string set_cookie(const std::string& value, bool expire) const;

    boost::asio::io_context& ioc_;
    const rules::config& cfg_;
    storage::database& db_;
    const core::clock& clock_;
    settings settings_;
    boost::asio::thread_pool hashing_{1};
    int verifying_ = 0;
};

}  // namespace app::dashboard
