// Shared by the fault, load and hostile-input tests (fault_test.cpp, fault_disk_test.cpp,
// hostile_test.cpp): the fake platforms, the real `complaint-bot serve` process and the loopback
// client under the names these tests use, a scratch directory in memory, complaints told apart by
// their customer, and read-only looks at a bot's database.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <boost/beast/http/verb.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/sql_console.hpp"
#include "support/bot_process.hpp"
#include "support/fake_platforms.hpp"
#include "support/loopback_server.hpp"
#include "support/test_support.hpp"

namespace fault {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using json = nlohmann::json;
using namespace std::chrono_literals;
using namespace fake;
using fake_robot = fake::dingtalk_robot;
using loopback::call;
using loopback::eventually;

// A scratch directory in memory (/dev/shm) when there is one, else under the temp dir. For tests
// whose subject is not the disk: a SIGKILL loses no page cache, so a process crash is the same on
// tmpfs as on a disk, and load tests measure the bot rather than a shared machine's fsync latency.
class memory_dir {
  public:
    memory_dir() {
        std::error_code ec;
        if (std::filesystem::is_directory("/dev/shm", ec)) {
            static std::atomic<int> n{0};
            path_ = std::filesystem::path("/dev/shm") /
                    ("complaint-bot-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
            std::filesystem::remove_all(path_, ec);
            if (std::filesystem::create_directories(path_, ec)) return;
        }
        fallback_ = std::make_unique<test_support::temp_dir>();
        path_ = fallback_->path();
    }
    ~memory_dir() {
        std::error_code ec;
        if (!fallback_) std::filesystem::remove_all(path_, ec);
    }
    memory_dir(const memory_dir&) = delete;
    memory_dir& operator=(const memory_dir&) = delete;
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
    std::unique_ptr<test_support::temp_dir> fallback_;
};

// A product complaint whose customer names it uniquely ("客户<tag>").
inline std::string complaint_text(const std::string& tag) {
    return "产品质量投诉\n投诉人：张三\n客户名称：客户" + tag +
           "\n发货日期：2020年11月18日\n品牌：金虎\n规格及数量：M8×40 镀锌螺栓 200盒\n"
           "产品存在的质量问题：约三成螺纹滑牙\n客户要求：退货并补发合格品\n投诉时间：2020年11月23日8时55分";
}

// Read-only look at a bot's database from the test (WAL: safe while the bot runs), a SQLite file
// or a PostgreSQL URL.
inline std::vector<std::vector<std::string>> rows(const std::filesystem::path& db, const std::string& sql) {
    if (storage::database::is_postgresql(db.string())) {
        storage::database d(db.string());
        return storage::sql_console(d).rows(sql);
    }
    storage::sql_console d(db.string());
    d.set_busy_timeout(5000);
    return d.rows(sql);
}

inline std::int64_t count(const std::filesystem::path& db, const std::string& sql) {
    auto r = rows(db, sql);
    return r.empty() || r.front().empty() || r.front().front().empty() ? 0 : std::stoll(r.front().front());
}

inline std::vector<std::string> column(const std::filesystem::path& db, const std::string& sql) {
    std::vector<std::string> out;
    for (const auto& row : rows(db, sql)) out.push_back(row.front());
    return out;
}

}  // namespace fault
