// Two companies' November for the group roll-up's tests (rules and the XLSX): 华东 (a late
// acceptance, two fines, a crisis complaint still open, one 回访 满意 and one 不满意) and 华南 (a
// 60-yuan fine and one waived, one 回访 基本满意, a complaint of October), run through the rules.
#pragma once

#include "rules/group_rollup.hpp"
#include "tests/rules/small_org.hpp"

namespace group_month {

using namespace small_org;

using namespace small_org;

inline std::string with(const std::string& post, const std::string& field, const std::string& value) {
    auto text = post;
    auto at = text.find(field);
    auto end = text.find('\n', at);
    text.replace(at, end == std::string::npos ? std::string::npos : end - at, field + value);
    return text;
}

inline std::string product(const std::string& day, const std::string& problem, const std::string& request) {
    auto text = with(product_post, "投诉时间：", day + " 08:55");
    text = with(text, "发货日期：", "2026年10月20日");
    return with(with(text, "产品存在的质量问题：", problem), "客户要求：", request);
}

inline rules::company make_company(const std::string& id, const std::string& name,
                                   const std::string& short_name, rules::config cfg) {
    rules::company co;
    co.id = id;
    co.name = name;
    co.short_name = short_name;
    cfg.company = name;
    co.cfg = std::move(cfg);
    return co;
}

struct month_of_company {
    rules::company co;
    std::vector<rules::complaint> complaints;
    std::vector<rules::fine> fines;

    rules::company_month month() const {
        rules::company_month m;
        m.co = &co;
        m.posted = complaints;  // the rules leave out what was not posted in the month
        m.fines = fines;
        m.changed = complaints;
        for (const auto& c : complaints)
            if (c.is_open()) m.open.push_back(c);
        return m;
    }
};

// 华东: P1 accepted late, 采购部 fined; P2 a crisis (一级), 生产部 fined, still open; P3 closed,
// 回访 不满意; S1 on time throughout, 回访 满意.
inline month_of_company huadong() {
    desk d;
    std::vector<rules::complaint> all;
    all.push_back(late_morning(d));  // P1, 11-23: 受理 09:07 (due 09:05), 采购部 silent → F1 50 元

    auto p2 = d.post(product("2026-11-25", "镀锌层大面积脱落，客户联合十余家门店集体投诉", "退货并赔偿损失"),
                     "zhangsan", at("09:00", "2026-11-25"), 2);
    d.say(p2, "受理 P2", "zhoumin", at("09:04", "2026-11-25"));
    d.say(p2, "工艺 P2 批号B2611-19 调查: 生产部", "zhoumin", at("09:08", "2026-11-25"));
    EXPECT_TRUE(d.say(p2, "级别 P2 一级 客户联合十余家门店集体投诉，扬言向媒体曝光", "wangwu",
                      at("09:10", "2026-11-25")));
    d.advance(p2, at("10:30", "2026-11-25"));  // 生产部 silent past the crisis clock → F2 50 元
    all.push_back(p2);

    auto p3 = d.post(product("2026-11-26", "包装箱破损，约二十盒螺栓散落", "下次加固包装"), "zhangsan",
                     at("09:00", "2026-11-26"), 3);
    d.say(p3, "受理 P3", "zhoumin", at("09:04", "2026-11-26"));
    d.say(p3, "工艺 P3 批号B2611-21 调查: 生产部", "zhoumin", at("09:25", "2026-11-26"));
    d.say(p3, "回复 P3 装箱工未按规程打包，已重新培训", "qianqi", at("10:00", "2026-11-26"));
    d.advance(p3, at("10:00", "2026-11-27"));  // the 回访 is asked for
    EXPECT_TRUE(d.say(p3, "回访 P3 不满意 客户认为补发太慢", "zhangsan", at("11:00", "2026-11-27")));
    all.push_back(p3);

    auto s1 =
        d.post(with(service_post, "投诉时间: ", "2026-11-24 08:50"), "linfang", at("09:00", "2026-11-24"));
    d.say(s1, "受理 S1", "xiaoye", at("09:03", "2026-11-24"));
    d.say(s1, "分流 S1 物流部", "xiaoye", at("09:20", "2026-11-24"));
    d.say(s1, "方案 S1 司机停岗培训一天，向客户书面道歉", "sunba", at("10:00", "2026-11-24"));
    d.say(s1, "已通知 S1", "xiaoye", at("10:05", "2026-11-24"));
    d.advance(s1, at("10:05", "2026-11-25"));
    EXPECT_TRUE(d.say(s1, "回访 S1 满意 客户接受道歉", "linfang", at("11:00", "2026-11-25")));
    all.push_back(s1);
    return {make_company("huadong", "华东辉煌五金有限公司", "华东", d.cfg()), all, d.fines()};
}

// 华南: 60 元 a fine, 满意率 target 90%. P1 of October (left out); P2 answered by both in time,
// 回访 基本满意; P3 生产部 and 物流部 silent (F1, F2 60 元 each), F2 waived.
inline month_of_company huanan() {
    auto cfg = company();
    cfg.workflow.fine_amount = 60;
    cfg.followup.target = 90;
    desk d(cfg);
    std::vector<rules::complaint> all;
    auto october =
        d.post(product("2026-10-30", "螺纹滑牙", "换货"), "zhangsan", at("09:00", "2026-10-30"), 1);
    all.push_back(october);

    auto p1 = d.post(product("2026-11-10", "螺栓长度偏短2毫米", "下次注意"), "zhangsan",
                     at("09:00", "2026-11-10"), 2);
    d.say(p1, "受理 P2", "zhoumin", at("09:02", "2026-11-10"));
    d.say(p1, "工艺 P2 批号B2611-02 调查: 生产部 采购部", "zhoumin", at("09:20", "2026-11-10"));
    d.say(p1, "回复 P2 冷镦模具尺寸偏差，已修模", "qianqi", at("10:00", "2026-11-10"));
    d.say(p1, "回复 P2 供应商线材批次正常", "wujiu", at("10:30", "2026-11-10"));
    d.advance(p1, at("10:30", "2026-11-11"));
    EXPECT_TRUE(d.say(p1, "回访 P2 基本满意 希望以后提前检验", "zhangsan", at("11:00", "2026-11-11")));
    all.push_back(p1);

    auto p2 = d.post(product("2026-11-12", "螺母错发为M10", "换货并承担运费"), "zhangsan",
                     at("09:00", "2026-11-12"), 3);
    d.say(p2, "受理 P3", "zhoumin", at("09:03", "2026-11-12"));
    d.say(p2, "工艺 P3 批号B2611-05 调查: 生产部 物流部", "zhoumin", at("09:20", "2026-11-12"));
    d.advance(p2, at("11:00", "2026-11-12"));
    EXPECT_EQ(d.fines().size(), 2U);
    d.say_fine(&p2, "免罚 F2 物流部当日系统故障，经核实非本部门原因", "wangwu", at("14:00", "2026-11-12"));
    all.push_back(p2);
    return {make_company("huanan", "华南辉煌建材有限公司", "华南", d.cfg()), all, d.fines()};
}

inline rules::group_settings centre() {
    rules::group_settings g;
    g.members = {{"zhoujie", "周杰", "集团客户关系中心", {{"dingtalk", "jt-9001"}}},
                 {"wumin", "吴敏", "集团客户关系中心", {{"dingtalk", "jt-9002"}}}};
    g.chat = rules::chat_settings{"centre", "dingtalk", "cidJiTuan01=="};
    return g;
}

// Both companies' November, rolled up on 2026-12-01 09:30.
inline rules::group_rollup november_rollup(const month_of_company& hd, const month_of_company& hn) {
    return rules::build_group_rollup({hd.month(), hn.month()}, rules::month_of({2026, 11, 1}), centre(),
                                     at("09:30", "2026-12-01"));
}

}  // namespace group_month
