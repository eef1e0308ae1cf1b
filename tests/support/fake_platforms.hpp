// The fake platforms of the loopback tests, each on a thread of its own and checking what the real
// platform checks: the DingTalk custom robot (群机器人, security 加签) and the WeCom group robot
// webhook, both recording the posts they accept; signed DingTalk HTTP-mode callbacks; and the test
// secrets (the last test of the suite, LogsHoldNoSecret, greps every bot log for each line of
// tests/support/test_secrets.txt, which must list these).
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "support/loopback_server.hpp"

namespace fake {

using json = nlohmann::json;
using namespace std::chrono_literals;

// DingTalk: the app's secret (callbacks, Stream), the custom robot's 加签 secret and access token.
inline const std::string app_secret = "SECfault-app-secret-4b7e21";
inline const std::string robot_secret = "SECfault-robot-secret-9c03aa";
inline const std::string robot_token = "fault-robot-token-61d5";
// WeCom: the callback token, the EncodingAESKey (43 characters) and the group robot's webhook key.
inline const std::string wecom_token = "wecomTestToken42";
inline const std::string wecom_aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
inline const std::string wecom_key = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";
// Every secret above.
std::vector<std::string> secrets();

std::int64_t now_ms();

// DingTalk's signature of `ts` (milliseconds): Base64 HMAC-SHA256 of "timestamp\nsecret".
std::string dingtalk_sign(const std::string& ts, const std::string& secret);

// A DingTalk HTTP-mode robot callback in group "cidGROUP==" (senderStaffId = the sender's userid).
// With `session_webhook`, the message carries it and its expiry (90 minutes from now).
std::string callback_body(const std::string& msg_id, const std::string& staff_id, const std::string& text,
                          const std::string& session_webhook = {});
// Its headers, signed with `secret` at now - `skew_ms`.
std::map<std::string, std::string> callback_headers(const std::string& secret = app_secret,
                                                    std::int64_t skew_ms = 0);

// The DingTalk custom robot: checks the access token and the signature (timestamp all digits and
// within 1 h, sign = URL-encoded Base64 HMAC-SHA256 of "timestamp\nsecret"), then the JSON shape (a
// text message: msgtype "text" and a string text.content), and records the posts. set_mode() makes
// it fail with 500 or "send too fast" (errcode 130101).
class dingtalk_robot {
  public:
    enum class mode { ok, fail_500, too_fast };

    // Listens on `port` (0 = any free port).
    explicit dingtalk_robot(unsigned short port = 0);

    std::string url() const;
    void set_mode(mode m) { mode_ = m; }
    // The answers to the next requests (then `mode` again).
    void script(std::deque<mode> answers);
    // The answers to the next requests carrying exactly `text` (before the general script): a
    // post's own failures, whichever order the sender tries the chats in.
    void script_for(const std::string& text, std::deque<mode> answers);
    // Runs `f` (once) on the robot's thread after it accepted the next post, before it answers "ok".
    void on_next_delivery(std::function<void()> f);

    // Every well-signed, well-formed request that arrived: when, and the post's text.
    std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> arrivals();
    // The posts it accepted: the whole JSON bodies, and their text.content.
    std::vector<json> posts();
    std::vector<std::string> texts();
    std::size_t count();
    int bad_signatures() const { return bad_signatures_; }

    // A message's sessionWebhook (PROTOCOLS 3.5 a): /robot/sendBySession?session=<name>, no
    // signature (the URL is the credential). An open session takes posts like the robot and records
    // them apart; an unknown or closed one answers 300001 "session 不存在", as DingTalk does once
    // the ~90 minutes are over.
    std::string session_url(const std::string& name) const;
    void open_session(const std::string& name);
    void close_session(const std::string& name);
    std::vector<json> session_posts(const std::string& name);
    int closed_session_hits() const { return closed_session_hits_; }
    // Waits (bounded) until it accepted `n` posts.
    bool wait_for(std::size_t n, std::chrono::milliseconds limit);

  private:
    adapters::raw_response handle(const adapters::raw_request& r);

    std::mutex mutex_;
    std::vector<json> posts_;
    std::function<void()> hook_;
    std::deque<mode> script_;
    std::map<std::string, std::deque<mode>> per_text_;
    std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> arrivals_;
    std::atomic<mode> mode_{mode::ok};
    std::atomic<int> bad_signatures_{0};
    std::map<std::string, std::vector<json>> sessions_;  // open sessions and what they took
    std::atomic<int> closed_session_hits_{0};
    loopback::threaded_server server_;  // last: stopped before the members it uses
};

// The WeCom group robot webhook: checks the key (errcode 93000), then the JSON shape (msgtype "text",
// a string text.content of at most 2048 bytes, an array mentioned_list if any: errcode 40008,
// 40058), and records the posts.
class wecom_webhook {
  public:
    wecom_webhook();
    std::string url() const;
    std::vector<json> posts();

  private:
    adapters::raw_response handle(const adapters::raw_request& r);

    std::mutex mutex_;
    std::vector<json> posts_;
    loopback::threaded_server server_;
};

}  // namespace fake
