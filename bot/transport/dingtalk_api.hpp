// DingTalk's OpenAPI credentials in use: the app's access token (POST /v1.0/oauth2/accessToken
// with appKey and appSecret → accessToken, expireIn seconds), attached as
// `x-acs-dingtalk-access-token` to every request to the OpenAPI (the interactive-card send); refused
// (HTTP 401, or a code naming InvalidAuthentication) → one fresh token and one more try. Requests
// to a custom robot's webhook (oapi.dingtalk.com/robot/send, signed on their own) pass through. The
// caching is token_cache's.
#pragma once

#include <string>

#include "transport/token_cache.hpp"

namespace app {

struct dingtalk_api_settings {
    std::string gateway = "https://api.dingtalk.com";  // tests: a loopback fake
    std::string client_id;                             // appKey
    std::string client_secret;                         // appSecret
};

token_protocol dingtalk_token_protocol(const dingtalk_api_settings& s);

class dingtalk_api : public token_cache {
  public:
    dingtalk_api(boost::asio::io_context& ioc, https_client& http, const dingtalk_api_settings& settings,
                 const core::clock& clock)
        : token_cache(ioc, http, dingtalk_token_protocol(settings), clock) {}
};

}  // namespace app
