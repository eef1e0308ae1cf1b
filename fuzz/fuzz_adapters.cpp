// libFuzzer target for the adapters' inbound paths (STYLE.md guideline 14): arbitrary bytes become a
// request (target / header / body split at the first two NUL bytes) for every adapter, a DingTalk
// Stream frame, Slack's events, interactions and Socket Mode frames, and a split_utf8/redact input. Nothing may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/dingtalk.hpp"
#include "adapters/slack.hpp"
#include "adapters/text_util.hpp"
#include "adapters/wecom.hpp"

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
    }
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
