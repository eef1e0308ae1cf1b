// Internal to storage/: what a storage::database holds, its connection (SQLite or PostgreSQL) and one
// store per table group.
#pragma once

#include "storage/account_store.hpp"
#include "storage/complaint_store.hpp"
#include "storage/coordination_store.hpp"
#include "storage/database.hpp"
#include "storage/deadline_store.hpp"
#include "storage/event_store.hpp"
#include "storage/fine_store.hpp"
#include "storage/inbound_store.hpp"
#include "storage/meta_store.hpp"
#include "storage/outbox_store.hpp"
#include "storage/sql.hpp"

namespace storage {

struct database::impl {
    explicit impl(std::unique_ptr<detail::connection> c)
        : own(std::move(c)),
          conn(*own),
          meta(conn),
          inbound(conn),
          complaints(conn),
          events(conn),
          deadlines(conn),
          fines(conn),
          outbox(conn),
          accounts(conn),
          coordination(conn) {}
    std::unique_ptr<detail::connection> own;
    detail::connection& conn;
    detail::meta_store meta;
    detail::inbound_store inbound;
    detail::complaint_store complaints;
    detail::event_store events;
    detail::deadline_store deadlines;
    detail::fine_store fines;
    detail::outbox_store outbox;
    detail::account_store accounts;
    detail::coordination_store coordination;
    // The change number of the last complaint save this connection knows of (several instances on
    // PostgreSQL: a larger one in the table means another instance changed complaints since).
    std::int64_t known_change = 0;
    transaction_observer* observer = nullptr;
};

}  // namespace storage
