// `complaint-bot replay`: runs the workflow on a virtual clock from a JSONL script (SPEC
// "Command-line contract"). The engine is the one `serve` uses; only the clock and the outbox
// drain differ: replay "delivers" each outbox post by printing it.
#pragma once

#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "rules/config.hpp"

namespace app {

// A script or usage problem; what() is the one-line reason printed before exit 2.
class replay_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct script_line {
    int line_no = 0;
    core::instant at{};
    bool end = false;
    std::string from;
    std::string text;
    std::string chat;
    std::string msg_id;
};

// Parses and validates a whole script before anything runs, so a bad script changes nothing.
// Throws replay_error "FILE:LINE: reason".
std::vector<script_line> parse_script(const std::string& content, const std::string& file_name);

enum class replay_format { text, jsonl };

struct replay_options {
    std::string script_path;
    std::string db_path;  // empty: an in-memory database
    replay_format format = replay_format::text;
};

// Runs the script; writes the conversation (text) or the bot's posts (jsonl) to `out`.
// Throws replay_error on a bad script, storage::storage_error on database trouble.
void run_replay(const rules::config& cfg, const replay_options& opts, std::ostream& out);

}  // namespace app
