#include "storage/sql_console.hpp"

#include "storage/database_impl.hpp"
#include "storage/sqlite_connection.hpp"

namespace storage {

namespace {
std::unique_ptr<detail::connection> connect(const std::string& path, bool create) {
    if (!create) {
        // OPEN_CREATE is part of connection's mode; refuse a missing file here instead.
        FILE* f = std::fopen(path.c_str(), "rb");
        if (f == nullptr) throw error("no database file '" + path + "'", error_kind::io);
        std::fclose(f);
    }
    try {
        return std::make_unique<detail::sqlite_connection>(path);
    } catch (const SQLite::Exception& e) {
        throw error("cannot open '" + path + "': " + e.what(), detail::kind_of(e.getErrorCode()),
                    e.getErrorCode() & 0xff);
    }
}
}  // namespace

sql_console::sql_console(const std::string& path, bool create)
    : own_(connect(path, create)), conn_(own_.get()) {}
sql_console::sql_console(database& db) : conn_(&db.impl_->conn) {}
sql_console::~sql_console() = default;

void sql_console::exec(const std::string& sql) {
    conn_->exec(sql);
}

std::int64_t sql_console::scalar(const std::string& sql) {
    return conn_->scalar(sql);
}

std::string sql_console::text(const std::string& sql, const std::vector<std::string>& params) {
    auto r = rows(sql, params);
    return r.empty() || r.front().empty() ? std::string{} : r.front().front();
}

std::vector<std::vector<std::string>> sql_console::rows(const std::string& sql,
                                                        const std::vector<std::string>& params) {
    auto q = conn_->make(sql);
    for (std::size_t i = 0; i < params.size(); ++i) q->bind(static_cast<int>(i + 1), params[i]);
    std::vector<std::vector<std::string>> out;
    while (q->step()) {
        std::vector<std::string> row;
        for (int i = 0; i < q->columns(); ++i) row.push_back(q->is_null(i) ? std::string{} : q->text(i));
        out.push_back(std::move(row));
    }
    return out;
}

void sql_console::set_busy_timeout(int ms) {
    if (conn_->kind() != detail::dialect::sqlite) return;  // PostgreSQL waits for locks itself
    detail::sqlite_of(*conn_).db().setBusyTimeout(ms);
}

}  // namespace storage
