// Internal to storage/: the meta table (key → value: the organization snapshot, the virtual clock…).
#pragma once

#include <optional>
#include <string>

#include "storage/sql.hpp"

namespace storage::detail {

class meta_store {
  public:
    explicit meta_store(connection& c) : c_(c) {}
    std::optional<std::string> get(const std::string& key);
    void set(const std::string& key, const std::string& value);

  private:
    connection& c_;
};

}  // namespace storage::detail
