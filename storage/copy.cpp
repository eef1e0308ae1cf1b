#include "storage/copy.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "storage/database_impl.hpp"

namespace storage {

namespace {

enum class col { integer, text, bytes };

struct table {
    const char* name;
    std::vector<std::pair<const char*, col>> columns;
    const char* order;     // the source's order (the target's numbering follows it)
    const char* identity;  // the column a PostgreSQL target numbers itself ("" none)
};

// Parents before children (complaints name their rule set; pending rows their complaint). The
// inbound log is copied in the order it was recorded, which its own numbering then keeps.
const std::vector<table>& tables() {
    static const std::vector<table> all = {
        {"meta", {{"key", col::text}, {"value", col::text}}, "key", ""},
        {"inbound",
         {{"platform", col::text},
          {"msg_id", col::text},
          {"received_at", col::integer},
          {"sender", col::text},
          {"chat", col::text},
          {"text", col::text}},
         "rowid",
         ""},
        {"rule_sets", {{"id", col::integer}, {"sha256", col::text}, {"rules", col::text}}, "id", "id"},
        {"complaints",
         {{"id", col::text},
          {"kind", col::text},
          {"seq", col::integer},
          {"status", col::text},
          {"posted_at", col::integer},
          {"state", col::text},
          {"updated_at", col::integer},
          {"rule_set", col::integer},
          {"pending_stage", col::text},
          {"pending_due", col::integer},
          {"sheet_date", col::text},
          {"forward_step", col::text},
          {"freight_step", col::text},
          {"change_seq", col::integer}},
         "kind, seq",
         ""},
        {"complaint_pending",
         {{"complaint_id", col::text}, {"department", col::text}},
         "complaint_id, department",
         ""},
        {"complaint_facts",
         {{"seq", col::integer}, {"complaint_id", col::text}, {"facts", col::bytes}},
         "seq",
         ""},
        {"events",
         {{"id", col::integer},
          {"complaint_id", col::text},
          {"at", col::integer},
          {"actor", col::text},
          {"type", col::text},
          {"stage", col::text},
          {"detail", col::text},
          {"deadline", col::integer},
          {"late_ms", col::integer},
          {"hash", col::text}},
         "id",
         ""},
        {"deadlines",
         {{"complaint_id", col::text},
          {"key", col::text},
          {"due_at", col::integer},
          {"state", col::text},
          {"fired_at", col::integer}},
         "complaint_id, key",
         ""},
        {"fines",
         {{"seq", col::integer},
          {"complaint_id", col::text},
          {"stage", col::text},
          {"department", col::text},
          {"person", col::text},
          {"person_name", col::text},
          {"amount", col::integer},
          {"deadline", col::integer},
          {"issued_at", col::integer},
          {"status", col::text},
          {"status_reason", col::text},
          {"status_by", col::text},
          {"status_at", col::integer}},
         "seq",
         ""},
        {"outbox",
         {{"id", col::integer},
          {"created_at", col::integer},
          {"chat", col::text},
          {"text", col::text},
          {"mentions", col::text},
          {"state", col::text},
          {"attempts", col::integer},
          {"next_try_at", col::integer},
          {"sent_at", col::integer},
          {"last_error", col::text},
          {"actions", col::text},
          {"reply_to", col::text}},
         "id",
         "id"},
        {"dashboard_accounts",
         {{"person", col::text},
          {"password_hash", col::text},
          {"updated_at", col::integer},
          {"locked_until", col::integer}},
         "person",
         ""},
        {"dashboard_sessions",
         {{"id_hash", col::text},
          {"person", col::text},
          {"csrf", col::text},
          {"created_at", col::integer},
          {"last_seen", col::integer}},
         "id_hash",
         ""},
        {"dashboard_login_failures", {{"person", col::text}, {"at", col::integer}}, "person, at", ""},
    };
    return all;
}

std::int64_t copy_table(detail::connection& from, detail::connection& to, const table& t) {
    std::string names, marks;
    for (const auto& [name, type] : t.columns) {
        if (!names.empty()) {
            names += ", ";
            marks += ", ";
        }
        names += name;
        marks += "?";
    }
    auto read = from.make("SELECT " + names + " FROM " + t.name + " ORDER BY " + t.order);
    auto write = to.make("INSERT INTO " + std::string(t.name) + "(" + names + ") VALUES(" + marks + ")");
    std::int64_t n = 0;
    while (read->step()) {
        write->reset();
        write->clear();
        for (int i = 0; i < static_cast<int>(t.columns.size()); ++i) {
            if (read->is_null(i)) {
                write->bind_null(i + 1);
                continue;
            }
            switch (t.columns[static_cast<std::size_t>(i)].second) {
                case col::integer:
                    write->bind(i + 1, read->int64(i));
                    break;
                case col::text:
                    write->bind(i + 1, read->text(i));
                    break;
                case col::bytes:
                    write->bind_blob(i + 1, read->blob(i));
                    break;
            }
        }
        write->exec();
        ++n;
    }
    if (*t.identity && to.kind() == detail::dialect::postgresql && n > 0)
        // The next row the target numbers itself comes after the copied ones.
        to.exec(std::string("SELECT setval(pg_get_serial_sequence('") + t.name + "', '" + t.identity +
                "'), (SELECT MAX(" + t.identity + ") FROM " + t.name + "))");
    return n;
}

}  // namespace

copy_result copy_database(database& from, database& to) {
    auto& src = from.impl_->conn;
    auto& dst = to.impl_->conn;
    auto snapshot = from.read_snapshot();
    auto tx = to.begin();
    const std::vector<std::string> data = {"complaints", "events", "inbound",
                                           "fines",      "outbox", "dashboard_accounts"};
    for (const auto& name : data)
        if (auto n = dst.scalar("SELECT COUNT(*) FROM " + name); n > 0)
            throw error("the target database " + to.path() + " is not empty (" + std::to_string(n) +
                            " rows in " + name +
                            "): migrate into a new, empty database (createdb …), nothing was copied",
                        error_kind::other);
    // What else a start of serve writes into an empty database — its meta rows, its rule set, the
    // scheduled jobs' next deadlines, a session or a failed login — gives way to the source's (the
    // same keys would collide): the copy is the source, and the next serve plans its jobs from it.
    const auto& all = tables();
    for (auto t = all.rbegin(); t != all.rend(); ++t)  // children before their parents
        if (std::find(data.begin(), data.end(), t->name) == data.end())
            dst.exec(std::string("DELETE FROM ") + t->name);
    copy_result r;
    for (const auto& t : tables()) r.rows[t.name] = copy_table(src, dst, t);
    tx->commit();
    snapshot->commit();
    return r;
}

}  // namespace storage
