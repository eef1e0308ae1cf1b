// Feishu's app credentials in use (PROTOCOLS 4.4): the tenant_access_token (POST
// /open-apis/auth/v3/tenant_access_token/internal with the app id and secret), attached as
// `Authorization: Bearer <token>` to every request to the app's API; refused (99991663/99991661/
// 99991668) → one fresh token and one more try. Requests to a custom bot's webhook
// (…/open-apis/bot/v2/hook/…) carry their own signature and pass through. The caching is
// token_cache's.
#pragma once

#include <string>

#include "transport/token_cache.hpp"

namespace app {

struct feishu_app_settings {
    std::string gateway = "https://open.feishu.cn";  // or https://open.larksuite.com; tests: loopback
    std::string app_id;
    std::string app_secret;
};

token_protocol feishu_token_protocol(const feishu_app_settings& s);

class feishu_api : public token_cache {
  public:
    feishu_api(boost::asio::io_context& ioc, https_client& http, const feishu_app_settings& settings,
               const core::clock& clock)
        : token_cache(ioc, http, feishu_token_protocol(settings), clock) {}
};

}  // namespace app
