// A script replayed by the real binary (`replay --format jsonl` into a database): the bot's posts in
// order, and when the first one holding a text went out — what the example-week tests check.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace test_support {

struct replayed {
    std::vector<nlohmann::json> posts;

    // `config` and `script` relative to the source tree; `db` the file the replay writes.
    replayed(const std::string& bot, const std::string& config, const std::string& script,
             const std::string& db) {
        std::string out;
        EXPECT_EQ(run_command(bot + " replay --config " + source_path(config).string() + " --script " +
                                  source_path(script).string() + " --db " + db + " --format jsonl",
                              out),
                  0)
            << out;
        std::size_t start = 0;
        while (start < out.size()) {
            auto end = out.find('\n', start);
            posts.push_back(nlohmann::json::parse(out.substr(start, end - start)));
            start = end + 1;
        }
    }
    // The first post whose text holds `needle` (null when none does).
    nlohmann::json find(const std::string& needle) const {
        for (const auto& p : posts)
            if (p["text"].get<std::string>().find(needle) != std::string::npos) return p;
        return nullptr;
    }
    // When it went out, or "missing: …".
    std::string at(const std::string& needle) const {
        auto p = find(needle);
        return p.is_null() ? "missing: " + needle : p["at"].get<std::string>();
    }
};

}  // namespace test_support
