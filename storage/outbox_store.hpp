// Internal to storage/: the outbox, every post the bot owes a chat, sent (and retried) after the
// transaction that wrote it commits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/records.hpp"
#include "storage/sql.hpp"

namespace storage::detail {

class outbox_store {
  public:
    explicit outbox_store(connection& c) : c_(c) {}
    void enqueue(const core::outbound_post& post, core::instant at);
    std::vector<outbox_row> pending(int limit);
    void mark_sent(std::int64_t id, core::instant at);
    void mark_retry(std::int64_t id, int attempts, core::instant next_try_at, const std::string& error);
    void mark_failed(std::int64_t id, int attempts, const std::string& error,
                     std::optional<core::instant> at);
    std::int64_t failed();
    failure_summary failures_since(core::instant since);
    std::int64_t backlog();

  private:
    connection& c_;
};

}  // namespace storage::detail
