// Micro benchmarks (issue 5): the bot's hot pure functions next to a ceiling that does the least
// work any implementation must do over the same bytes. Each bot benchmark has a `ceiling_*`
// partner with the same input; bench/micro.sh prints the ratio bot / ceiling per pair.
//
//   form parsing     parse_complaint  vs. one pass that splits the post into lines at '\n' and
//                    finds the label separator (':' or '：') on each line (memchr + string::find)
//   command parsing  parse_command    vs. std::string::find of the command word + copying the rest
//   DingTalk check   dingtalk_sign + constant-time compare, and the whole decode() of a callback,
//                    vs. one raw OpenSSL HMAC-SHA256 + base64 of the same string
//   WeCom            msg_crypt verify + decrypt vs. raw OpenSSL SHA-1 of the same sorted
//                    concatenation + EVP base64 decode + AES-256-CBC decrypt of the same bytes
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/crypto.hpp"
#include "adapters/dingtalk.hpp"
#include "core/time.hpp"
#include "rules/commands.hpp"
#include "rules/forms.hpp"

namespace {

// Realistic posts, as salespeople write them (one with ASCII colons and a continued value).
const std::string product_post =
    "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司\n发货日期：2026年11月18日\n品牌：金虎\n"
    "规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙，客户装配时无法拧紧\n"
    "客户要求：退货并补发合格品\n投诉时间：2026年11月23日8时55分";

const std::string service_post =
    "【服务质量投诉】\n投诉人: 林芳\n投诉对象: 物流部 司机小王\n"
    "投诉事件(时间、起因、过程、结果): 11月20日下午送货迟到三小时，\n"
    "未提前通知客户，客户仓库已下班，只能次日重新卸货。\n"
    "投诉目的(希望达到的结果:如索赔、处理、改进服务质量): 改进服务质量，书面道歉\n"
    "投诉时间: 2026-11-23 13:50";

const std::vector<std::string>& commands() {
    static const std::vector<std::string> list = {
        "受理 P1",
        "工艺 P1 批号B2611-07，2号冷镦机生产，热处理外协，顺丰干线发货 调查: 生产部 采购部",
        "回复 P1 冷镦模具磨损导致螺纹不良，同意退货补发，责任部门生产部",
        "分流 S1 物流部",
        "方案 S1 司机停岗培训一天，物流部向客户书面致歉",
        "已通知 S1",
        "罚款汇总 本月",
        "待办 生产部",
        "查询 Ｐ１２",
    };
    return list;
}

// Bytes or items per run, for the bytes/s and items/s columns.
std::int64_t times(const benchmark::State& state, std::size_t n) {
    return state.iterations() * static_cast<std::int64_t>(n);
}

core::instant received_at() {
    static const auto t = *core::parse_iso8601("2026-11-23T14:00:00+08:00");
    return t;
}

const core::zone& shanghai() {
    static const core::zone z("Asia/Shanghai");
    return z;
}

// Ceiling for a form: every line found, and its label separator found.
std::size_t split_fields(std::string_view text) {
    static const std::string fullwidth_colon = "：";
    std::size_t found = 0;
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
        const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (nl == nullptr) nl = end;
        std::string_view line(p, static_cast<std::size_t>(nl - p));
        if (line.find(':') != std::string_view::npos || line.find(fullwidth_colon) != std::string_view::npos)
            ++found;
        p = nl + 1;
    }
    return found;
}

void bm_parse_product_form(benchmark::State& state) {
    for (auto _ : state) {
        auto r = rules::parse_complaint(product_post, received_at(), shanghai());
        if (!r.form) state.SkipWithError("product post did not parse");
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(times(state, product_post.size()));
}
BENCHMARK(bm_parse_product_form);

void ceiling_parse_product_form(benchmark::State& state) {
    for (auto _ : state) {
        std::string copy = product_post;  // a parser keeps the values: one copy of the bytes
        benchmark::DoNotOptimize(split_fields(copy));
        benchmark::DoNotOptimize(copy);
    }
    state.SetBytesProcessed(times(state, product_post.size()));
}
BENCHMARK(ceiling_parse_product_form);

void bm_parse_service_form(benchmark::State& state) {
    for (auto _ : state) {
        auto r = rules::parse_complaint(service_post, received_at(), shanghai());
        if (!r.form) state.SkipWithError("service post did not parse");
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(times(state, service_post.size()));
}
BENCHMARK(bm_parse_service_form);

void ceiling_parse_service_form(benchmark::State& state) {
    for (auto _ : state) {
        std::string copy = service_post;
        benchmark::DoNotOptimize(split_fields(copy));
        benchmark::DoNotOptimize(copy);
    }
    state.SetBytesProcessed(times(state, service_post.size()));
}
BENCHMARK(ceiling_parse_service_form);

// A chat line that is no command and no form: what most group chatter costs the bot.
void bm_parse_chatter(benchmark::State& state) {
    const std::string chatter = "大家好，今天下午三点开会，请各部门负责人准时参加。";
    for (auto _ : state) {
        auto c = rules::parse_command(chatter);
        benchmark::DoNotOptimize(c);
        auto f = rules::parse_complaint(chatter, received_at(), shanghai());
        benchmark::DoNotOptimize(f);
    }
}
BENCHMARK(bm_parse_chatter);

// All commands of the list, per iteration; ns/op is for the whole list (see items/s for one).
void bm_parse_commands(benchmark::State& state) {
    const auto& list = commands();
    for (auto _ : state) {
        for (const auto& text : list) {
            auto r = rules::parse_command(text);
            if (!std::holds_alternative<rules::command>(r)) state.SkipWithError(text.c_str());
            benchmark::DoNotOptimize(r);
        }
    }
    state.SetItemsProcessed(times(state, list.size()));
}
BENCHMARK(bm_parse_commands);

void ceiling_parse_commands(benchmark::State& state) {
    const auto& list = commands();
    for (auto _ : state) {
        for (const auto& text : list) {
            // Find the word's end and keep the rest: the least a command parser does.
            auto space = text.find(' ');
            std::string word = text.substr(0, space);
            std::string rest = space == std::string::npos ? std::string{} : text.substr(space + 1);
            benchmark::DoNotOptimize(word);
            benchmark::DoNotOptimize(rest);
        }
    }
    state.SetItemsProcessed(times(state, list.size()));
}
BENCHMARK(ceiling_parse_commands);

// --- DingTalk HTTP mode: header timestamp + sign over the AppSecret.

const std::string dingtalk_secret = "bench-app-secret-0123456789abcdefghijklmnopqrstuvwxyz";
const std::string dingtalk_timestamp = "1795413600000";  // 2026-11-23T14:00:00+08:00

void bm_dingtalk_sign_check(benchmark::State& state) {
    const auto expected = adapters::dingtalk_sign(dingtalk_timestamp, dingtalk_secret);
    for (auto _ : state) {
        bool ok = adapters::crypto::constant_time_equal(
            expected, adapters::dingtalk_sign(dingtalk_timestamp, dingtalk_secret));
        if (!ok) state.SkipWithError("sign mismatch");
        benchmark::DoNotOptimize(ok);
    }
}
BENCHMARK(bm_dingtalk_sign_check);

void ceiling_dingtalk_sign_check(benchmark::State& state) {
    const std::string message = dingtalk_timestamp + "\n" + dingtalk_secret;
    for (auto _ : state) {
        std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
        unsigned int mac_len = 0;
        HMAC(EVP_sha256(), dingtalk_secret.data(), static_cast<int>(dingtalk_secret.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &mac_len);
        std::array<unsigned char, 64> b64{};
        int n = EVP_EncodeBlock(b64.data(), mac.data(), static_cast<int>(mac_len));
        benchmark::DoNotOptimize(n);
        benchmark::DoNotOptimize(b64);
    }
}
BENCHMARK(ceiling_dingtalk_sign_check);

// The whole inbound check of one callback carrying a complaint: headers, sign, JSON body.
void bm_dingtalk_decode_callback(benchmark::State& state) {
    adapters::dingtalk_config cfg;
    cfg.app_secret = dingtalk_secret;
    const adapters::dingtalk_adapter adapter(cfg);
    nlohmann::json body = {{"conversationId", "cidBenchGroup0001"},
                           {"msgId", "msgBench0001"},
                           {"senderNick", "张三"},
                           {"senderStaffId", "dt-1002"},
                           {"conversationType", "2"},
                           {"isInAtList", true},
                           {"sessionWebhook", "https://oapi.dingtalk.com/robot/sendBySession?session=bench"},
                           {"sessionWebhookExpiredTime", 1795419000000},
                           {"createAt", 1795413600000},
                           {"text", {{"content", " " + product_post}}},
                           {"msgtype", "text"}};
    adapters::raw_request req;
    req.method = "POST";
    req.target = "/hooks/dingtalk";
    req.headers["timestamp"] = dingtalk_timestamp;
    req.headers["sign"] = adapters::dingtalk_sign(dingtalk_timestamp, dingtalk_secret);
    req.headers["content-type"] = "application/json";
    req.body = body.dump();
    const auto now = core::from_ms(1795413600500);
    for (auto _ : state) {
        auto r = adapter.decode(req, now);
        if (!r.message) state.SkipWithError("callback refused");
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(times(state, req.body.size()));
}
BENCHMARK(bm_dingtalk_decode_callback);

// --- WeCom: msg_signature (SHA-1 of the sorted parts) and AES-256-CBC of the body.

const std::string wecom_token = "benchToken";
const std::string wecom_key = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
const std::string wecom_timestamp = "1795413600";
const std::string wecom_nonce = "1372623149";

struct wecom_input {
    std::string encrypted;
    std::string signature;
};

const wecom_input& wecom_fixture() {
    static const wecom_input in = [] {
        const adapters::crypto::msg_crypt crypt(wecom_token, wecom_key);
        nlohmann::json msg = {{"msgid", "CAIQ16HMjQYYbench"},
                              {"aibotid", "AIBOTID_BENCH"},
                              {"chatid", "wrBenchChat0001"},
                              {"chattype", "group"},
                              {"from", {{"userid", "ZhangSan"}}},
                              {"response_url", "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?c=bench"},
                              {"msgtype", "text"},
                              {"text", {{"content", "@投诉机器人 " + product_post}}}};
        wecom_input w;
        w.encrypted = crypt.encrypt(msg.dump(), "", "abcdefghijklmnop");
        w.signature = crypt.signature(wecom_timestamp, wecom_nonce, w.encrypted);
        return w;
    }();
    return in;
}

void bm_wecom_verify_decrypt(benchmark::State& state) {
    const adapters::crypto::msg_crypt crypt(wecom_token, wecom_key);
    const auto& in = wecom_fixture();
    for (auto _ : state) {
        if (!crypt.verify(in.signature, wecom_timestamp, wecom_nonce, in.encrypted))
            state.SkipWithError("bad msg_signature");
        auto opened = crypt.decrypt(in.encrypted);
        if (!opened) state.SkipWithError("decrypt failed");
        benchmark::DoNotOptimize(opened);
    }
    state.SetBytesProcessed(times(state, in.encrypted.size()));
}
BENCHMARK(bm_wecom_verify_decrypt);

void ceiling_wecom_verify_decrypt(benchmark::State& state) {
    const auto& in = wecom_fixture();
    const auto key = *adapters::crypto::base64_decode(wecom_key + "=", true);
    std::vector<std::string> parts = {wecom_token, wecom_timestamp, wecom_nonce, in.encrypted};
    std::sort(parts.begin(), parts.end());
    const std::string joined = parts[0] + parts[1] + parts[2] + parts[3];
    std::vector<unsigned char> raw(in.encrypted.size());
    std::vector<unsigned char> plain(in.encrypted.size() + 32);
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    for (auto _ : state) {
        std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
        SHA1(reinterpret_cast<const unsigned char*>(joined.data()), joined.size(), digest.data());
        benchmark::DoNotOptimize(digest);
        int raw_len = EVP_DecodeBlock(raw.data(), reinterpret_cast<const unsigned char*>(in.encrypted.data()),
                                      static_cast<int>(in.encrypted.size()));
        raw_len -= raw_len % 16;  // EVP_DecodeBlock counts the '=' padding as zero bytes
        int out_len = 0;
        int final_len = 0;
        EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr,
                           reinterpret_cast<const unsigned char*>(key.data()),
                           reinterpret_cast<const unsigned char*>(key.data()));
        EVP_CIPHER_CTX_set_padding(ctx, 0);
        EVP_DecryptUpdate(ctx, plain.data(), &out_len, raw.data(), raw_len);
        EVP_DecryptFinal_ex(ctx, plain.data() + out_len, &final_len);
        benchmark::DoNotOptimize(plain.data());
        benchmark::DoNotOptimize(out_len);
    }
    EVP_CIPHER_CTX_free(ctx);
    state.SetBytesProcessed(times(state, in.encrypted.size()));
}
BENCHMARK(ceiling_wecom_verify_decrypt);

}  // namespace

BENCHMARK_MAIN();
