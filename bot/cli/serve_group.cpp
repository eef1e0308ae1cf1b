// `complaint-bot serve` of a group of companies (rules/group.hpp): each company a full tenant —
// its own database (locked for this serve as a single company's is), its own service (engine,
// outbox sender, batcher) whose adapters post through its chats' own robots and the group chat's
// — behind one HTTP server and one long connection per platform, each inbound message routed by
// (platform, conversation) to the company owning the chat (pipeline/group_router.hpp). The monthly
// roll-up goes to the group chat through the first company's outbox (pipeline/group_rollup_job.hpp).
// With server.dashboard (the default), each company's dashboard under /c/<id>/ and the group
// centre's page /group on the same port (dashboard/group_board.hpp).
#include <spdlog/spdlog.h>
#include <boost/asio/signal_set.hpp>

#include <filesystem>
#include <set>

#include "cli/database_open.hpp"
#include "cli/leased_connection.hpp"
#include "cli/platforms.hpp"
#include "cli/serve.hpp"
#include "dashboard/group_board.hpp"
#include "pipeline/group_rollup_job.hpp"
#include "pipeline/group_router.hpp"
#include "pipeline/service.hpp"
#include "storage/db_lock.hpp"
#include "transport/http_server.hpp"

namespace app {

namespace {

const rules::platform_settings* platform_of(const rules::group_config& g, const std::string& name) {
    for (const auto& p : g.platforms)
        if (p.name == name) return &p;
    return nullptr;
}

// What one company runs on: its database and its lock, its chats with the group chat (it posts
// there too: the escalations the group hears of, and the first company the roll-up), its adapters.
struct tenant {
    const rules::company* co = nullptr;
    std::unique_ptr<storage::db_lock> lock;
    std::unique_ptr<storage::database> db;
    std::vector<rules::chat_settings> chats;
    std::vector<chat_binding> bindings;
    std::map<std::string, std::unique_ptr<adapters::adapter>> adapters;
    std::unique_ptr<service> svc;
    std::unique_ptr<dashboard::dashboard> board;  // at /c/<id>/, with server.dashboard
};

std::string label_of(const rules::company& co) {
    return "company " + co.id + (co.short_name.empty() ? "" : " (" + co.short_name + ")");
}

// The company's chats, their platforms' adapters (each chat's own robot) and bindings. Throws
// std::runtime_error naming what is missing.
void build_posting(const rules::group_config& g, tenant& t) {
    t.chats = t.co->cfg.chats;
    if (g.group.chat) t.chats.push_back(*g.group.chat);
    std::set<std::string> platforms;
    for (const auto& c : t.chats) platforms.insert(c.platform);
    for (const auto& name : platforms) {
        const auto* p = platform_of(g, name);
        if (!p)
            throw std::runtime_error("chat on platform " + name + ", which platforms: does not configure");
        // The platform's own robot only for a chat without one of its own.
        bool needs_shared = false;
        for (const auto& c : t.chats)
            needs_shared = needs_shared || (c.platform == name && c.webhook_env.empty());
        t.adapters[name] = build_adapter(*p, read_env, needs_shared, t.chats);
    }
    const auto own_chats = t.co->cfg.chats.size();  // the company's, then the group chat
    for (std::size_t i = 0; i < t.chats.size(); ++i) {
        const auto& c = t.chats[i];
        chat_binding b{c.id, c.platform, c.conversation};
        apply_limits(*platform_of(g, c.platform), b);
        if (!c.webhook_env.empty()) b.own_bucket = true;  // its own robot, its own limit
        // Every company's senders count in one set of windows (run_serve_group): a company's own
        // robot or conversation is its own bucket, the group chat's and a platform's shared robot
        // are every company's.
        if (b.own_bucket && i < own_chats) b.bucket = t.co->id + "/" + c.platform + ":" + c.id;
        t.bindings.push_back(std::move(b));
    }
}

void open_store(tenant& t) {
    const auto& cfg = t.co->cfg;
    if (!storage::database::is_postgresql(cfg.database)) {
        std::error_code ec;
        auto dir = std::filesystem::path(cfg.database).parent_path();
        if (!dir.empty()) std::filesystem::create_directories(dir, ec);
        t.lock = std::make_unique<storage::db_lock>(cfg.database, "serve");
    }
    t.db = open_database(cfg);
}

}  // namespace

int run_serve_group(const rules::group_config& g, std::optional<core::instant> clock_from) {
    namespace asio = boost::asio;
    std::vector<rules::chat_settings> all_chats;
    for (const auto& co : g.companies)
        for (const auto& c : co.cfg.chats) all_chats.push_back(c);
    if (g.group.chat) all_chats.push_back(*g.group.chat);
    auto used = g.used_platforms();
    // One adapter per platform decodes every callback; the companies' own adapters post.
    std::map<std::string, std::unique_ptr<adapters::adapter>> decoders;
    for (const auto& name : used) {
        const auto* p = platform_of(g, name);
        if (!p) {
            spdlog::error("a chat is on platform {}, which platforms: does not configure", name);
            return 2;
        }
        try {
            decoders[name] = build_adapter(*p, read_env, /*posts=*/false, all_chats);
        } catch (const std::exception& e) {
            spdlog::error("platform {}: {}", name, e.what());
            return 2;
        }
    }
    if (decoders.empty()) {
        spdlog::error("no chat configured: add the companies' chats: (see examples/group.yaml)");
        return 2;
    }

    // Before the tenants: their services hold timers of it, destroyed first.
    asio::io_context ioc{1};
    std::vector<tenant> tenants(g.companies.size());
    for (std::size_t i = 0; i < g.companies.size(); ++i) {
        auto& t = tenants[i];
        t.co = &g.companies[i];
        try {
            build_posting(g, t);
            open_store(t);
        } catch (const storage::storage_error& e) {
            spdlog::error("{}: {}", label_of(*t.co), e.what());
            return 2;
        } catch (const std::exception& e) {
            spdlog::error("{}: {}", label_of(*t.co), e.what());
            return 2;
        }
    }

    auto clock_ptr = serve_clock(clock_from);
    const core::clock& clock = *clock_ptr;
    https_client http(ioc, g.server.ca_file);
    std::vector<company_service> routed;
    std::vector<storage::database*> dbs;
    // The robots' windows of every company's sender (and, on PostgreSQL with several instances, their
    // buckets in the first company's database): a robot two companies post through keeps its limit.
    auto windows = std::make_shared<robot_windows>();
    for (auto& t : tenants) {
        try {
            t.svc = std::make_unique<service>(ioc, t.co->cfg, *t.db, clock, http, std::move(t.adapters),
                                              t.bindings);
        } catch (const storage::error& e) {
            spdlog::error("{}: cannot start: {}", label_of(*t.co), t.db->explain(e));
            return 2;
        }
        t.svc->also_mention(g.group.members);
        t.svc->sender().share_limits(windows, *tenants.front().db);
        routed.push_back({t.co, t.svc.get(), t.db.get()});
        dbs.push_back(t.db.get());
    }
    group_router router(g, clock, std::move(decoders), routed);
    // The dashboards (server.dashboard, on by default; off: their routes are 404): each company's
    // as a single company's, below /c/<id>, and the group centre's /group over them.
    std::unique_ptr<dashboard::group_board> boards;
    if (g.server.dashboard) {
        std::vector<dashboard::group_company> shown;
        for (auto& t : tenants) {
            t.board = std::make_unique<dashboard::dashboard>(ioc, t.co->cfg, *t.db, clock,
                                                             dashboard::company_settings(*t.co));
            wire_dashboard(*t.board, t.co->cfg, *t.db, clock, *t.svc);
            shown.push_back({t.co, t.db.get(), t.board.get()});
        }
        boards = std::make_unique<dashboard::group_board>(ioc, g, std::move(shown), clock);
        router.mount(boards.get());
    }
    server_options opts;
    opts.address = g.server.listen;
    opts.port = static_cast<unsigned short>(g.server.port);
    opts.body_limit = static_cast<std::size_t>(g.server.body_limit);
    http_server server(ioc, opts, async_request_handler([&router](adapters::raw_request req) {
                           return router.handle_async(std::move(req));
                       }));
    server.start();
    for (auto& t : tenants) {
        try {
            t.svc->start();
        } catch (const storage::error& e) {
            spdlog::error("{}: cannot start: {}", label_of(*t.co), t.db->explain(e));
            return 2;
        }
        spdlog::info("{}: database {}", label_of(*t.co), t.db->path());
    }
    auto* first = tenants.front().svc.get();
    group_rollup_job rollup(ioc, g, dbs, clock, [first] { first->sender().kick(); });
    rollup.start();
    spdlog::info(
        "complaint-bot listening on {}:{} for a group of {} companies{}", g.server.listen, server.port(),
        tenants.size(),
        boards ? "; the dashboards at /group/login (the group centre) and /c/<company id>/login" : "");

    // One long connection per platform, its messages routed like the callbacks.
    std::vector<std::unique_ptr<connection_runner>> connections;
    serve_context ctx{ioc, http, clock, router, read_env};
    // WeCom's AI bot allows one connection: with several instances on PostgreSQL, the holder of the
    // lease in the first company's database (where the group centre's own rows live) holds it.
    auto& home = tenants.front();
    for (const auto& name : used) {
        const auto& p = *platform_of(g, name);
        try {
            if (home.db->shared() && p.name == "wecom" && p.mode == "websocket")
                connections.push_back(std::make_unique<leased_connection>(
                    ioc, *home.db, clock, "connection:wecom", home.svc->instance(),
                    [&ctx, &p] { return start_connection(p, ctx); }));
            else if (auto c = start_connection(p, ctx))
                connections.push_back(std::move(c));
        } catch (const std::exception& e) {
            spdlog::error("platform {}: {}", name, e.what());
            return 2;
        }
    }

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& sec, int sig) {
        if (sec) return;
        spdlog::info("signal {}: stopping (requests in flight finish)", sig);
        server.stop();
        rollup.stop();
        for (auto& t : tenants) t.svc->stop();
        for (auto& c : connections) c->stop();
    });
    ioc.run();
    spdlog::info("stopped");
    return 0;
}

}  // namespace app
