// Plain SQL on a database file, for tests and maintenance tools that must look under the stores
// (count rows, tamper with a row to prove the audit catches it, plant a failing trigger). The bot's
// pipeline never uses it. Failures are storage::error, like every storage call.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace storage {

namespace detail {
class connection;
}
class database;

class sql_console {
  public:
    // A connection of its own to the file at `path` (created when `create`).
    explicit sql_console(const std::string& path, bool create = false);
    // The database's own connection (sees its open transaction).
    explicit sql_console(database& db);
    ~sql_console();

    void exec(const std::string& sql);
    // The first column of the first row as an integer (0 when there is no row).
    std::int64_t scalar(const std::string& sql);
    // The first column of the first row as text ("" when there is no row or it is NULL).
    std::string text(const std::string& sql, const std::vector<std::string>& params = {});
    // Every row, every column as text (NULL as ""); `params` bind the `?` in order.
    std::vector<std::vector<std::string>> rows(const std::string& sql,
                                               const std::vector<std::string>& params = {});
    void set_busy_timeout(int ms);

  private:
    std::unique_ptr<detail::connection> own_;
    detail::connection* conn_ = nullptr;  // own_, or the database's
};

}  // namespace storage
