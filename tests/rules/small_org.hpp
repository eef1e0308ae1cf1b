// A small company built in code for the pure rules tests: no SQLite, no process, no files. One
// sales department with its VP, the fixed roles (打单部, 人力资源部, 监察部, 财务部, 客服部), three
// investigating departments, a general manager. `desk` runs the rules on a virtual clock the way the
// engine does (register, apply, fire), keeping the fines issued so far.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rules/commands.hpp"
#include "rules/forms.hpp"
#include "rules/workflow.hpp"

namespace small_org {

inline rules::config company() {
    rules::config cfg;
    cfg.company = "辉煌五金有限公司";
    cfg.default_chat = "group";
    cfg.org.departments = {{"销售一部", "chenjing"}, {"打单部", "lisi"},   {"人力资源部", "wangwu"},
                           {"生产部", "zhaoliu"},    {"采购部", "wujiu"},  {"物流部", "sunba"},
                           {"监察部", "zhengshi"},   {"财务部", "fengyi"}, {"客服部", "heqi"},
                           {"总经办", "huangzong"}};
    cfg.org.people = {
        {"chenjing", "陈静", "销售一部", {}}, {"zhangsan", "张三", "销售一部", {}},
        {"linfang", "林芳", "销售一部", {}},  {"lisi", "李四", "打单部", {}},
        {"zhoumin", "周敏", "打单部", {}},    {"wangwu", "王五", "人力资源部", {}},
        {"xiaoye", "叶文", "人力资源部", {}}, {"zhaoliu", "赵六", "生产部", {}},
        {"qianqi", "钱七", "生产部", {}},     {"wujiu", "吴九", "采购部", {}},
        {"sunba", "孙八", "物流部", {}},      {"zhengshi", "郑十", "监察部", {}},
        {"fengyi", "冯一", "财务部", {}},     {"heqi", "何七", "客服部", {}},
        {"liuzong", "刘总", "销售一部", {}},  {"huangzong", "黄总", "总经办", {}},
    };
    cfg.roles.vice_presidents = {{"销售一部", "liuzong"}};
    cfg.roles.general_manager = {"huangzong"};
    cfg.customer.enabled = false;  // the customer's clock: on in the tests about it (customer_test.cpp)
    return cfg;
}

inline const core::zone& shanghai() {
    static const core::zone tz("Asia/Shanghai");
    return tz;
}

// 2026-11-23 (a Monday) at "09:05" in Shanghai, or another day.
inline core::instant at(const std::string& hm, const std::string& day = "2026-11-23") {
    return *core::parse_iso8601(day + "T" + hm + ":00+08:00");
}

inline const std::string product_post =
    "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司\n发货日期：2026年11月18日\n品牌：金虎\n"
    "规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙，客户装配时无法拧紧\n"
    "客户要求：退货并补发合格品\n投诉时间：2026年11月23日8时55分";

inline const std::string service_post =
    "【服务质量投诉】\n投诉人: 林芳\n投诉对象: 物流部 司机小王\n"
    "投诉事件(时间、起因、过程、结果): 11月20日下午送货迟到三小时，未提前通知客户。\n"
    "投诉目的(希望达到的结果:如索赔、处理、改进服务质量): 改进服务质量，书面道歉\n"
    "投诉时间: 2026-11-23 07:50";

inline bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

// The complaint as the database would store it: what "unchanged" compares.
inline std::string stored(const rules::complaint& c) {
    return nlohmann::json(c).dump();
}

inline bool mentions(const core::outbound_post& p, const std::string& person) {
    for (const auto& m : p.mentions)
        if (m == person) return true;
    return false;
}

class desk {
  public:
    explicit desk(rules::config cfg = company()) : cfg_(std::move(cfg)) {}

    rules::context ctx(core::instant now) {
        rules::context c{cfg_, shanghai(), now, &next_fine_, nullptr, &fines_};
        return c;
    }

    // Registers the first form of `text` posted by `from` at `t`.
    rules::complaint post(const std::string& text, const std::string& from, core::instant t, int seq = 1) {
        auto parsed = rules::parse_complaint(text, t, shanghai());
        EXPECT_TRUE(parsed.form) << text;
        last_ = {};
        core::inbound_message msg{"replay", "group", "", from, text, t};
        auto c = rules::register_complaint(*parsed.form, msg, seq, ctx(t), last_);
        keep_fines();
        return c;
    }

    // Applies the command `text` from `from` at `t`; returns what apply_command returned.
    bool say(rules::complaint& c, const std::string& text, const std::string& from, core::instant t) {
        last_ = {};
        auto parsed = rules::parse_command(text);
        const auto* cmd = std::get_if<rules::command>(&parsed);
        EXPECT_TRUE(cmd) << text;
        if (!cmd) return false;
        bool changed = rules::apply_command(c, *cmd, from, "group", ctx(t), last_);
        keep_fines();
        return changed;
    }

    // A fine command (免罚 已缴 撤销 申诉 复核 F1) on the fine it names.
    bool say_fine(rules::complaint* c, const std::string& text, const std::string& from, core::instant t) {
        last_ = {};
        auto parsed = rules::parse_command(text);
        const auto* cmd = std::get_if<rules::command>(&parsed);
        EXPECT_TRUE(cmd) << text;
        if (!cmd) return false;
        const rules::fine* f = nullptr;
        for (const auto& x : fines_)
            if (x.id == cmd->target) f = &x;
        bool changed = rules::apply_fine_command(c, f, *cmd, from, "group", ctx(t), last_);
        for (const auto& u : last_.updated_fines)
            for (auto& x : fines_)
                if (x.id == u.id) x = u;
        return changed;
    }

    // Fires every deadline of `c` due at or before `t`, each at its due time.
    void advance(rules::complaint& c, core::instant t) {
        last_ = {};
        for (int guard = 0; guard < 200; ++guard) {
            auto ds = rules::pending_deadlines(c);
            if (ds.empty() || ds.front().due > t) break;
            rules::outcome out;
            rules::fire_deadline(c, ds.front().key, ds.front().due, ctx(ds.front().due), out);
            for (auto& e : out.events) last_.events.push_back(std::move(e));
            for (auto& f : out.new_fines) {
                fines_.push_back(f);
                last_.new_fines.push_back(std::move(f));
            }
            for (auto& p : out.posts) last_.posts.push_back(std::move(p));
        }
    }

    const rules::outcome& last() const { return last_; }
    // The one reply of the last step ("" when it posted nothing).
    std::string reply() const { return last_.posts.empty() ? std::string{} : last_.posts.back().text; }
    const std::vector<rules::fine>& fines() const { return fines_; }
    const rules::config& cfg() const { return cfg_; }

  private:
    void keep_fines() {
        for (const auto& f : last_.new_fines) fines_.push_back(f);
    }

    rules::config cfg_;
    int next_fine_ = 1;
    std::vector<rules::fine> fines_;
    rules::outcome last_;
};

// P1: accepted 2 minutes late, 工艺 in time, 生产部 replies in time, 采购部 never (missed at 11:00):
// the on-time figures' and the facts' morning.
inline rules::complaint late_morning(desk& d) {
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:07"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部 采购部", "zhoumin", at("09:25"));
    d.say(c, "回复 P1 模具磨损，已更换模具", "qianqi", at("10:30"));
    d.advance(c, at("11:00"));
    return c;
}

}  // namespace small_org
