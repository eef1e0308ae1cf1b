// The rows the storage API hands out besides the rules' own types (complaints, events, fines…).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/message.hpp"
#include "core/time.hpp"

namespace storage {

struct outbox_row {
    std::int64_t id = 0;
    core::instant created_at{};
    core::outbound_post post;
    std::string state;  // pending, sent, failed
    int attempts = 0;
    core::instant next_try_at{};
};

// A complaint's facts as saved (rules::to_bytes) and the number of that save (facts_seq).
struct facts_row {
    std::int64_t seq = 0;
    std::string bytes;
};

// Where a complaint stands in the order of the period lists (posted_at, then kind, then number):
// the cursor of a page of them.
struct complaint_key {
    core::instant posted_at{};
    std::string kind;  // "product", "service"
    int seq = 0;
};

struct inbound_row {
    std::string platform;
    std::string msg_id;
    core::instant received_at{};
    std::string sender;
    std::string chat;
    std::string text;
};

// What `complaint-bot audit verify` found: the hash chain of the event log recomputed, and every
// fine checked against the event that issued it and against its last status event (已缴, 免罚 or
// 撤销: a status changed in the ledger without one is reported).
struct audit_result {
    bool ok = false;
    std::int64_t events = 0;
    std::int64_t fines = 0;
    std::string last_hash;
    std::vector<std::string> problems;  // each names the event or fine and what is wrong
};

// The posts given up whose last try was at or after a time (for /healthz).
struct failure_summary {
    std::int64_t count = 0;
    core::instant first{};
    core::instant last{};
    std::string chat;        // of the last one
    std::string last_error;  // of the last one
};

// A dashboard account (schema v5): the stored password hash ("$scrypt$…"), never the password.
struct account_row {
    std::string person;
    std::string password_hash;
    core::instant updated_at{};
    std::optional<core::instant> locked_until;  // set while (or since) a lockout
};

// A dashboard session: the SHA-256 (hex) of the session id the browser holds, never the id itself.
struct session_row {
    std::string id_hash;
    std::string person;
    std::string csrf;  // the session's CSRF token, sent back in every form
    core::instant created_at{};
    core::instant last_seen{};
};

}  // namespace storage
