#include "cli/serve.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/signal_set.hpp>

#include <filesystem>
#include <set>

#include "cli/database_open.hpp"
#include "cli/leased_connection.hpp"
#include "cli/platforms.hpp"
#include "config/checks.hpp"
#include "dashboard/actions.hpp"
#include "dashboard/dashboard.hpp"
#include "pipeline/service.hpp"
#include "storage/db_lock.hpp"
#include "transport/http_server.hpp"

namespace app {

void wire_dashboard(dashboard::dashboard& board, const rules::config& cfg, storage::database& db,
                    const core::clock& clock, service& svc) {
    // HR's 已缴 / 免罚 buttons: the chat command through the same engine, then out to the group.
    board.set_fine_actions(dashboard::fine_actions(cfg, db, clock, [&svc](const core::inbound_message& m) {
        svc.workflow().handle(m);
        svc.sender().kick();
    }));
    board.set_live_state(&svc.workflow().live());
}

std::unique_ptr<core::clock> serve_clock(std::optional<core::instant> clock_from) {
    if (!clock_from) return std::make_unique<core::system_clock>();
    spdlog::warn(
        "the clock runs from {} ms since 1970 (--clock-from): deadlines and timestamps are not today's",
        clock_from->time_since_epoch().count());
    return std::make_unique<core::shifted_clock>(*clock_from);
}

int run_serve(const rules::config& cfg, std::optional<core::instant> clock_from) {
    namespace asio = boost::asio;
    std::map<std::string, std::unique_ptr<adapters::adapter>> adapters;
    for (const auto& p : cfg.platforms) {
        bool used = false;
        for (const auto& c : cfg.chats) used = used || c.platform == p.name;
        // A platform no chat is bound to yet still gets its hook when its secrets are there: WeCom
        // checks the URL (verification) before anyone can post, and the log then names the chat
        // ids of the messages that arrive, which is how the operator finds the one to bind.
        try {
            adapters[p.name] = build_adapter(p, read_env, used, cfg.chats);
            if (!used)
                spdlog::info(
                    "platform {}: no chat is bound to it; /hooks/{} answers URL verification and "
                    "logs the chat ids of incoming messages (bind one under chats:)",
                    p.name, p.name);
        } catch (const std::exception& e) {
            if (used) {
                spdlog::error("platform {}: {}", p.name, e.what());
                return 2;
            }
            spdlog::info("platform {}: not served ({}); no chat is bound to it", p.name, e.what());
        }
    }
    std::set<std::string> served;
    for (const auto& [name, a] : adapters) served.insert(name);
    if (adapters.empty()) {
        spdlog::error("no platform configured: add a `platforms:` section (see config.example.yaml)");
        return 2;
    }
    std::vector<chat_binding> chats;
    for (const auto& c : cfg.chats) {
        chat_binding b{c.id, c.platform, c.conversation};
        for (const auto& p : cfg.platforms)
            if (p.name == c.platform) apply_limits(p, b);
        if (!c.webhook_env.empty()) b.own_bucket = true;  // its own robot, its own limit
        chats.push_back(std::move(b));
    }
    if (chats.empty()) {
        spdlog::error("no chat configured: add a `chats:` section (see config.example.yaml)");
        return 2;
    }

    // One serve per SQLite file, held until the process ends (a lock file beside it). On PostgreSQL
    // several may run: they share the work through the database (README "More than one machine").
    std::unique_ptr<storage::db_lock> lock;
    std::unique_ptr<storage::database> db_ptr;
    try {
        if (!storage::database::is_postgresql(cfg.database)) {
            std::error_code ec;
            auto dir = std::filesystem::path(cfg.database).parent_path();
            if (!dir.empty()) std::filesystem::create_directories(dir, ec);
            lock = std::make_unique<storage::db_lock>(cfg.database, "serve");
        }
        db_ptr = open_database(cfg);
    } catch (const storage::storage_error& e) {
        spdlog::error("{}", e.what());
        return 2;
    }
    auto& db = *db_ptr;

    asio::io_context ioc{1};
    auto clock_ptr = serve_clock(clock_from);
    const core::clock& clock = *clock_ptr;
    https_client http(ioc, cfg.server.ca_file);
    // Starting writes (scheduled jobs, deadlines missed while down): a full or read-only disk stops
    // the start with one line saying so; the service manager restarts the bot.
    std::unique_ptr<service> service_ptr;
    try {
        service_ptr = std::make_unique<service>(ioc, cfg, db, clock, http, std::move(adapters), chats);
    } catch (const storage::error& e) {
        spdlog::error("cannot start: {}", db.explain(e));
        return 2;
    }
    auto& svc = *service_ptr;
    // HR's dashboard on the same port (server.dashboard, on by default; off: its routes are 404).
    std::unique_ptr<dashboard::dashboard> board;
    if (cfg.server.dashboard) {
        board = std::make_unique<dashboard::dashboard>(ioc, cfg, db, clock);
        wire_dashboard(*board, cfg, db, clock, svc);
        svc.mount(board.get());
    }
    server_options opts;
    opts.address = cfg.server.listen;
    opts.port = static_cast<unsigned short>(cfg.server.port);
    opts.body_limit = static_cast<std::size_t>(cfg.server.body_limit);
    // Callbacks are group-committed: each waits for its batch's COMMIT before it is answered.
    http_server server(ioc, opts, async_request_handler([&svc](adapters::raw_request req) {
                           return svc.handle_async(std::move(req));
                       }));
    server.start();
    try {
        svc.start();
    } catch (const storage::error& e) {
        spdlog::error("cannot start: {}", db.explain(e));
        return 2;
    }
    spdlog::info("complaint-bot listening on {}:{} (database {}){}", cfg.server.listen, server.port(),
                 db.path(), board ? "; the dashboard at /login" : "");

    // The long connections (DingTalk Stream, WeCom's AI bot, Feishu, Slack Socket Mode) of the
    // platforms a chat uses.
    std::vector<std::unique_ptr<connection_runner>> connections;
    serve_context ctx{ioc, http, clock, svc, read_env};
    for (const auto& p : cfg.platforms) {
        if (!served.count(p.name)) continue;
        try {
            // WeCom's AI bot allows one connection: with several instances, the lease holder's.
            if (db.shared() && p.name == "wecom" && p.mode == "websocket")
                connections.push_back(
                    std::make_unique<leased_connection>(ioc, db, clock, "connection:wecom", svc.instance(),
                                                        [&ctx, &p] { return start_connection(p, ctx); }));
            else if (auto c = start_connection(p, ctx))
                connections.push_back(std::move(c));
        } catch (const std::exception& e) {
            spdlog::error("platform {}: {}", p.name, e.what());
            return 2;
        }
    }

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& sec, int sig) {
        if (sec) return;
        spdlog::info("signal {}: stopping (requests in flight finish)", sig);
        server.stop();
        svc.stop();
        for (auto& c : connections) c->stop();
    });
    ioc.run();
    spdlog::info("stopped");
    return 0;
}

}  // namespace app
