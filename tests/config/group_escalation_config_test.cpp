// The escalations a group hears of reach each company's rules (config::group): examples/group.yaml
// gives 华东 and 华南 the group chat, their short names in 【】, escalate_from_level and the centre's
// members; a single company has none.
#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "support/test_support.hpp"

TEST(GroupEscalationConfig, EachCompanyOfTheExampleGroupHearsFromLevelTwoInTheGroupChat) {
    auto r = conf::load_group(test_support::source_path("examples/group.yaml"));
    ASSERT_TRUE(r.group);
    const std::vector<std::string> prefixes{"【华东】", "【华南】"};
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& g = r.group->companies[i].cfg.group;
        ASSERT_TRUE(g) << i;
        EXPECT_EQ(g->chat, "centre");
        EXPECT_EQ(g->prefix, prefixes[i]);
        EXPECT_EQ(g->from_level, 2);
        EXPECT_EQ(g->members, (std::vector<std::string>{"zhoujie", "wumin", "wangzong"}));
        EXPECT_EQ(g->member_names, (std::vector<std::string>{"周杰", "吴敏", "王总"}));
    }
}

TEST(GroupEscalationConfig, ASingleCompanyHearsOfNoGroup) {
    auto r = conf::load_config(test_support::source_path("config.example.yaml"));
    ASSERT_TRUE(r.config);
    EXPECT_FALSE(r.config->group);
}
