// libFuzzer target for the adapters' inbound paths (STYLE.md guideline 14): arbitrary bytes become a
// request (target / header / body split at the first two NUL bytes) for every adapter, a DingTalk
// Stream frame, Slack's events, interactions and Socket Mode frames, Feishu's events (HTTP and the
// long connection), WeCom long-connection frames, DingTalk's encrypted events, and a
// split_utf8/redact input. Nothing may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/dingtalk.hpp"
#include "adapters/dingtalk_events.hpp"
#include "adapters/feishu.hpp"
#include "adapters/slack.hpp"
#include "adapters/text_util.hpp"
#include "adapters/wecom.hpp"
#include "adapters/wecom_ws.hpp"

namespace {

const adapters::wecom_adapter& wecom() {
    static const adapters::wecom_adapter instance([] {
        adapters::wecom_config config;
        config.token = "fuzzToken";
        config.encoding_aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        return config;
    }());
    return instance;
}

const adapters::dingtalk_adapter& dingtalk() {
    static const adapters::dingtalk_adapter instance([] {
        adapters::dingtalk_config config;
        config.app_secret = "fuzzSecret";
        return config;
    }());
    return instance;
}

const adapters::slack_adapter& slack() {
    static const adapters::slack_adapter instance([] {
        adapters::slack_config config;
        config.signing_secret = "fuzzSigningSecret";
        config.bot_token = "xoxb-fuzz";
        return config;
    }());
    return instance;
}

const adapters::feishu_adapter& feishu() {
    static const adapters::feishu_adapter instance([] {
        adapters::feishu_config config;
        config.verification_token = "fuzzVerificationToken";
        config.encrypt_key = "fuzzEncryptKey";
        return config;
    }());
    return instance;
}

const adapters::dingtalk_events& dingtalk_events() {
    static const adapters::dingtalk_events instance(
        "fuzzToken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "dingFuzzApp");
    return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto first = input.find('\0');
    const auto second = first == std::string_view::npos ? first : input.find('\0', first + 1);
    const std::string target(input.substr(0, first));
    const std::string header =
        first == std::string_view::npos ? "" : std::string(input.substr(first + 1, second - first - 1));
    const std::string body =
        second == std::string_view::npos ? std::string(input) : std::string(input.substr(second + 1));
    const auto now = core::from_ms(1767225600000);

    for (const char* method : {"GET", "POST"}) {
        adapters::raw_request req{
            method, "/hooks?" + target, {{"timestamp", "1767225600000"}, {"sign", header}}, body};
        (void)wecom().decode(req, now);
        (void)dingtalk().decode(req, now);
        req.headers = {{"x-slack-request-timestamp", "1767225600"}, {"x-slack-signature", header}};
        (void)slack().decode(req, now);
        req.headers["content-type"] = "application/x-www-form-urlencoded";
        (void)slack().decode(req, now);
        req.headers = {{"x-lark-request-timestamp", "1767225600"},
                       {"x-lark-request-nonce", "n"},
                       {"x-lark-signature", header}};
        (void)feishu().decode(req, now);
        (void)dingtalk_events().decode(req, now);
    }
    // Feishu's events behind the signature and over the long connection; WeCom's long connection.
    (void)adapters::decode_feishu_event(body, now);
    (void)feishu().encode({"oc_fuzz", body, {}, {{header, body}}}, {{"p", header, "ou_fuzz"}}, now);
    (void)adapters::wecom_ws::decode_frame(body, header, now);
    // Slack's payloads sit behind the signature (or the socket); reach them directly.
    (void)slack().decode_event(body, now);
    (void)slack().decode_interaction(body, now);
    (void)slack().decode_socket_frame(body, now);
    (void)adapters::slack_readable(body, header, true);
    (void)slack().encode({"C0FUZZ", body, {}, {{header, body}}}, {{"p", header, "U0FUZZ"}}, now);
    (void)slack().encode_reply(header, {"C0FUZZ", body, {}}, {}, now);
    (void)adapters::decode_stream_frame(body, now);
    (void)adapters::decode_dingtalk_message(body, now);
    // The WeCom plaintext parsers sit behind the signature; reach them directly.
    (void)adapters::text::parse_flat_xml(body);
    (void)adapters::text::strip_leading_mention(body, header);
    (void)adapters::split_utf8(input, 7);
    (void)adapters::redact(input);
    return 0;
}
