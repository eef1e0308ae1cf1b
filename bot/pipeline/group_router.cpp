#include "pipeline/group_router.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <sstream>
#include "transport/coroutine_frames.hpp"

namespace app {

namespace {

// The metric name of a sample line ("name{…} v" or "name v").
std::string sample_name(const std::string& line) {
    return line.substr(0, line.find_first_of("{ "));
}

}  // namespace

std::string merge_metrics(const std::vector<std::pair<std::string, std::string>>& sources) {
    struct family {
        std::vector<std::string> head;  // # HELP, # TYPE
        std::vector<std::string> samples;
    };
    std::vector<std::string> order;
    std::map<std::string, family> families;
    auto of = [&](const std::string& name) -> family& {
        auto [it, fresh] = families.try_emplace(name);
        if (fresh) order.push_back(name);
        return it->second;
    };
    for (const auto& [label, body] : sources) {
        std::set<std::string> headed;  // the families this source gave a head
        std::istringstream in(body);
        for (std::string line; std::getline(in, line);) {
            if (line.empty()) continue;
            if (line.rfind("# ", 0) == 0) {
                std::istringstream words(line.substr(2));
                std::string kind, name;
                words >> kind >> name;
                auto& f = of(name);
                // The first source's head stands (every company's service writes the same).
                bool first = std::none_of(f.head.begin(), f.head.end(), [&](const std::string& h) {
                    return h.rfind("# " + kind + " ", 0) == 0;
                });
                if (first) f.head.push_back(line);
                headed.insert(name);
                continue;
            }
            auto name = sample_name(line);
            std::string rest = line.substr(name.size());
            if (!label.empty()) {
                std::string company = "company=\"" + label + "\"";
                rest = rest.starts_with("{")
                           ? "{" + company + (rest.starts_with("{}") ? "" : ",") + rest.substr(1)
                           : "{" + company + "}" + rest;
            }
            of(name).samples.push_back(name + rest);
        }
    }
    std::string out;
    for (const auto& name : order) {
        const auto& f = families.at(name);
        for (const auto& h : f.head) out += h + "\n";
        for (const auto& s : f.samples) out += s + "\n";
    }
    return out;
}

group_router::group_router(const rules::group_config& g, const core::clock& clock,
                           std::map<std::string, std::unique_ptr<adapters::adapter>> decoders,
                           std::vector<company_service> companies)
    : group_(g), clock_(clock), decoders_(std::move(decoders)), companies_(std::move(companies)) {}

void group_router::deliver_with(const std::string& platform, delivery deliver) {
    for (auto& c : companies_) c.svc->deliver_with(platform, deliver);
}

boost::asio::awaitable<message_hub::accepted> group_router::accept_message_async(std::string platform,
                                                                                 core::inbound_message msg) {
    auto route = group_.route(platform, msg.chat);
    service* target = nullptr;
    for (auto& c : companies_)
        if (route.owner && c.co == route.owner) target = c.svc;
    if (!target) {
        // The ids are what the IT person needs to bind the chat; neither is a secret.
        if (id_log_.allow("chat " + platform + " " + msg.chat, clock_.now())) {
            if (route.group_chat)
                spdlog::info(
                    "{} message in the group chat '{}' (sender '{}'): the group chat takes no "
                    "complaints, ignored",
                    platform, route.chat->id, msg.sender);
            else
                spdlog::info(
                    "{} message from unbound chat '{}' (sender '{}') ignored: to serve this group add "
                    "{{ id: <name>, platform: {}, conversation: \"{}\" }} under the chats: of the company "
                    "it belongs to",
                    platform, msg.chat, msg.sender, platform, msg.chat);
        }
        co_return accepted::ignored;
    }
    auto how = co_await target->accept_message_async(std::move(platform), std::move(msg));
    co_return how;
}

boost::asio::awaitable<adapters::raw_response> group_router::handle_async(adapters::raw_request req) {
    auto path = req.path();
    std::string route = path;
    if (extra_ && extra_->claims(path)) {
        route = extra_->route_label(path);
        auto res = co_await extra_->handle_async(std::move(req));
        requests_[route + " " + std::to_string(res.status)]++;
        co_return res;
    }
    adapters::raw_response res;
    if (path == "/healthz" || path == "/livez" || path == "/metrics") {
        if (req.method != "GET") {
            res = text(405, "method not allowed: use GET\n");
            res.headers["Allow"] = "GET";
        } else if (path == "/livez") {
            res = text(200, "alive\n");
        } else {
            res = path == "/healthz" ? healthz(req.query("digest").has_value()) : metrics();
        }
    } else if (path == "/hooks/dingtalk/events" && events_) {
        if (req.method != "POST") {
            res = text(405, "method not allowed: use POST\n");
            res.headers["Allow"] = "POST";
        } else {
            res = on_dingtalk_event(req);
        }
    } else if (path.rfind("/hooks/", 0) == 0 && decoders_.count(path.substr(7))) {
        // WeCom verifies the URL with a GET (echostr); every callback is a POST.
        std::string methods = path == "/hooks/wecom" ? "GET, POST" : "POST";
        if (req.method != "POST" && !(req.method == "GET" && path == "/hooks/wecom")) {
            res = text(405, "method not allowed: use " + methods + "\n");
            res.headers["Allow"] = methods;
        } else {
            res = co_await on_hook_async(path.substr(7), std::move(req));
        }
    } else {
        route = "other";
        res = text(404, "not found\n");
    }
    requests_[route + " " + std::to_string(res.status)]++;
    co_return res;
}

boost::asio::awaitable<adapters::raw_response> group_router::on_hook_async(std::string platform,
                                                                           adapters::raw_request req) {
    const auto& adapter = *decoders_.at(platform);
    auto result = adapter.decode(req, clock_.now());
    if (result.error && adapters::status_of(*result.error) >= 400)
        spdlog::warn("{} callback refused: {} ({})", platform, adapters::name_of(*result.error),
                     result.detail);
    else if (result.error)
        spdlog::info("{} callback answered 200, not a post the bot uses: {}", platform, result.detail);
    else if (result.reply && !result.message)
        spdlog::info("{} callback answered: {}", platform, result.detail);
    if (result.error || !result.message) co_return service::answer(result, accepted::ignored);
    auto how = co_await accept_message_async(platform, *result.message);
    co_return service::answer(result, how);
}

adapters::raw_response group_router::on_dingtalk_event(const adapters::raw_request& req) {
    auto r = events_->decode(req, clock_.now());
    if (auto refused = refusal_of(r)) return *refused;
    if (r.org_event) {
        auto change = staff_change_of(*r.org_event);
        for (auto& c : companies_) {
            try {
                if (c.svc->workflow().staff_changed(change, r.org_event->event_id)) c.svc->sender().kick();
            } catch (const std::exception& e) {
                // Not answered "success": DingTalk pushes the event again (the companies that have
                // it recorded find it a duplicate).
                spdlog::error("dingtalk event {} not recorded for {}: {}", adapters::log_word(r.event_type),
                              c.co->id, c.db->explain(e));
                return text(503, "storage unavailable, retry later\n");
            }
        }
    }
    spdlog::info("dingtalk event {} answered", adapters::log_word(r.event_type));
    return *r.result.reply;
}

adapters::raw_response group_router::healthz(bool digest) {
    nlohmann::json out;
    out["companies"] = nlohmann::json::object();
    std::vector<std::string> reasons;
    int status = 200;
    for (auto& c : companies_) {
        auto res = c.svc->healthz(digest);
        if (res.status != 200 && status == 200) status = res.status;
        auto j = nlohmann::json::parse(res.body, nullptr, false);
        if (j.is_discarded()) {  // a plain-text answer (the digest's "ask again")
            reasons.push_back(c.co->id + ": " + res.body.substr(0, res.body.find('\n')));
            j = res.body;
        } else {
            for (const auto& why : j.value("reasons", nlohmann::json::array()))
                reasons.push_back(c.co->id + ": " + why.get<std::string>());
        }
        out["companies"][c.co->id] = std::move(j);
    }
    out["status"] = status == 200 ? "ok" : "degraded";
    out["reasons"] = reasons;
    return {status, "application/json", out.dump() + "\n"};
}

adapters::raw_response group_router::metrics() {
    std::ostringstream own;
    own << "# HELP complaint_bot_requests_total HTTP requests by route and status.\n"
        << "# TYPE complaint_bot_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
        auto space = key.rfind(' ');
        own << "complaint_bot_requests_total{route=\"" << key.substr(0, space) << "\",status=\""
            << key.substr(space + 1) << "\"} " << n << "\n";
    }
    std::vector<std::pair<std::string, std::string>> sources{{"", own.str()}};
    for (auto& c : companies_) sources.emplace_back(c.co->id, c.svc->metrics().body);
    return {200, "text/plain; version=0.0.4", merge_metrics(sources)};
}

}  // namespace app
