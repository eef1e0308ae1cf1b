// What the WeCom adapter tests share (wecom_verify_test.cpp, wecom_callback_test.cpp,
// wecom_send_test.cpp): the test secrets, the adapter configured with them, callbacks encrypted and
// signed with them, and the golden fixtures of tests/fixtures/wecom.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "adapters/wecom.hpp"
#include "support/test_support.hpp"

namespace wecom_test {

using adapters::adapter;
using adapters::errc;
using adapters::raw_request;
using adapters::wecom_adapter;
using json = nlohmann::json;

constexpr const char* test_token = "complaintBotTestToken";
constexpr const char* test_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
constexpr const char* test_ts = "1767225600";
constexpr const char* test_nonce = "1700000001";
inline const core::instant test_now = core::from_ms(1767225600000);

inline std::string fixture(const std::string& name) {
    return test_support::read_file(test_support::source_path("tests/fixtures/wecom/" + name));
}

inline core::instant at_seconds(std::int64_t s) {
    return core::from_ms(s * 1000);
}

inline wecom_adapter make_adapter(std::string receive_id = "", std::string bot_name = "") {
    adapters::wecom_config config;
    config.token = test_token;
    config.encoding_aes_key = test_key;
    config.receive_id = std::move(receive_id);
    config.bot_name = std::move(bot_name);
    config.webhooks["wrTestChat0001"] = "testWebhookKey-0001";
    config.webhooks["*"] = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=fallbackKey";
    return wecom_adapter(config);
}

// A POST callback carrying `plaintext`, encrypted and signed with the test secrets.
inline raw_request encrypted_post(const std::string& plaintext, const std::string& receive_id = "",
                                  bool xml_envelope = false) {
    const adapters::crypto::msg_crypt crypt(test_token, test_key);
    const std::string encrypted = crypt.encrypt(plaintext, receive_id, "0123456789abcdef");
    const std::string signature = crypt.signature(test_ts, test_nonce, encrypted);
    raw_request req{"POST",
                    std::string("/hooks/wecom?msg_signature=") + signature + "&timestamp=" + test_ts +
                        "&nonce=" + test_nonce,
                    {},
                    {}};
    req.body = xml_envelope ? "<xml><ToUserName><![CDATA[wwTestCorp]]></ToUserName><Encrypt><![CDATA[" +
                                  encrypted + "]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>"
                            : json{{"encrypt", encrypted}}.dump();
    return req;
}

inline raw_request request_from_fixture(const std::string& name, core::instant& now) {
    const auto j = json::parse(fixture(name));
    now = core::from_ms(j["now_ms"].get<std::int64_t>());
    return raw_request{j["method"], j["target"], {}, j["body"]};
}

}  // namespace wecom_test
