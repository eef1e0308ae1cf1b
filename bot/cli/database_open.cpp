#include "cli/database_open.hpp"

#include <cstdlib>
#include <filesystem>

namespace app {

storage::database::connect_options connect_options_of(const rules::config& cfg) {
    storage::database::connect_options o;
    if (!storage::database::is_postgresql(cfg.database)) return o;
    if (!cfg.database_password_env.empty()) {
        const char* v = std::getenv(cfg.database_password_env.c_str());
        if (v == nullptr || *v == '\0')
            throw storage::error("the PostgreSQL password is not set: export " + cfg.database_password_env +
                                     " (named by `database_password_env:`) before starting, or remove "
                                     "that line to use ~/.pgpass",
                                 storage::error_kind::other);
        o.password = v;
    }
    return o;
}

std::unique_ptr<storage::database> open_database(const rules::config& cfg) {
    if (!storage::database::is_postgresql(cfg.database)) {
        std::error_code ec;
        auto dir = std::filesystem::path(cfg.database).parent_path();
        if (!dir.empty()) std::filesystem::create_directories(dir, ec);
        return std::make_unique<storage::database>(cfg.database);
    }
    return std::make_unique<storage::database>(cfg.database, connect_options_of(cfg));
}

bool database_missing(const std::string& location) {
    return !storage::database::is_postgresql(location) && !std::filesystem::exists(location);
}

}  // namespace app
