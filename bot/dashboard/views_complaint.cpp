// 投诉详情 (/complaint/P1): the form as posted, the stages and their clocks, the departments' replies,
// the compensation chain, the return freight, the fines and every event of the complaint.
#include <map>

#include "dashboard/views.hpp"
#include "dashboard/web.hpp"
#include "reports/report_query.hpp"
#include "rules/facts.hpp"
#include "rules/statement.hpp"
#include "rules/workflow.hpp"

namespace app::dashboard {

namespace {

std::string event_label(const std::string& type) {
    static const std::map<std::string, std::string> labels{{"registered", "登记"},
                                                           {"accepted", "受理"},
                                                           {"published", "发布"},
                                                           {"routed", "工艺流转"},
                                                           {"replied", "部门回复"},
                                                           {"amended", "修改回复"},
                                                           {"answered", "提交方案"},
                                                           {"notified", "告知投诉人"},
                                                           {"warned", "截止前提醒"},
                                                           {"reminded", "提醒"},
                                                           {"escalated", "升级"},
                                                           {"missed", "超时"},
                                                           {"fined", "罚款"},
                                                           {"fine_paid", "罚款已缴"},
                                                           {"fine_waived", "免罚"},
                                                           {"fine_reopened", "撤销罚款处理"},
                                                           {"fine_appealed", "罚款申诉"},
                                                           {"fine_reviewed", "罚款复核"},
                                                           {"paused", "暂停"},
                                                           {"resumed", "恢复"},
                                                           {"closed", "关闭"},
                                                           {"invalid", "判为无效"},
                                                           {"signed", "签字"},
                                                           {"forwarded", "转交副总"},
                                                           {"vp_opinion", "副总意见"},
                                                           {"gm_approval", "总经理审批"},
                                                           {"executed", "执行"},
                                                           {"appealed", "申诉"},
                                                           {"reviewed", "复核"},
                                                           {"freight_opened", "登记运费"},
                                                           {"categorized", "分类"},
                                                           {"corrective", "整改措施"},
                                                           {"complainant_corrected", "更正投诉人"},
                                                           {"investigation_changed", "调整调查部门"},
                                                           {"followup_requested", "请求回访"},
                                                           {"followup_reminded", "回访提醒"},
                                                           {"followup_escalated", "回访升级"},
                                                           {"followup_recorded", "回访"},
                                                           {"customer_reminded", "答复客户提醒"},
                                                           {"customer_escalated", "答复客户超时"},
                                                           {"customer_answered", "答复客户"},
                                                           {"supervised", "督办"},
                                                           {"extension_requested", "申请延期"},
                                                           {"extension_approved", "同意延期"},
                                                           {"refused", "拒绝"},
                                                           {"sheet", "列入流程表"}};
    auto it = labels.find(type);
    if (it != labels.end()) return it->second;
    if (type.rfind("freight_", 0) == 0) return "运费";
    return type;
}

std::string when(const core::zone& tz, const std::optional<core::instant>& t) {
    return t ? tz.short_time(*t) : std::string("—");
}

std::string person(const rules::config& cfg, const std::string& id) {
    if (id.empty() || id == "bot") return id == "bot" ? "机器人" : "";
    return cfg.org.display_name(id);
}

std::string step_text(const rules::config& cfg, const core::zone& tz, const rules::complaint::step& s) {
    if (!s.at) return "待办";
    return (s.text.empty() ? std::string{} : s.text + " ") + "（" + person(cfg, s.by) + " " +
           tz.short_time(*s.at) + "）";
}

// The stage column of the event log: the workflow's stages by their label, the other steps in words.
std::string stage_words(const std::string& stage) {
    if (stage.empty()) return {};
    if (stage == "freight") return "运费";
    if (stage == "followup") return "回访";
    if (stage == "customer") return "答复客户";
    if (stage == "sheet") return "流程表";
    return rules::stage_label(stage);
}

}  // namespace

std::string complaint_view(const viewer& v, const rules::complaint& c,
                           const std::vector<rules::event>& events, const std::vector<rules::fine>& fines,
                           const storage::audit_result& audit, const rules::config& cfg,
                           const core::zone& tz) {
    std::string status = c.is_open() ? (c.paused_since ? "已暂停：" + c.pause_reason : std::string("进行中"))
                         : c.status_is(rules::complaint_status::invalid) ? "无效"
                                                                         : "已关闭";
    std::string body =
        "<dl class=\"fields\">\n<dt>类型</dt><dd>" + std::string(rules::kind_title(c.kind)) +
        "</dd>\n<dt>状态</dt><dd>" + html_escape(status) + "</dd>\n<dt>登记时间</dt><dd>" +
        tz.long_time(c.posted_at) + "</dd>\n<dt>投诉人</dt><dd>" + html_escape(person(cfg, c.complainant)) +
        (c.complainant_department.empty() ? "" : "（" + html_escape(c.complainant_department) + "）") +
        "</dd>\n";
    if (auto owner = rules::owner_of(c); !owner.empty())
        body += "<dt>首问负责人</dt><dd>" + html_escape(person(cfg, owner)) + "</dd>\n";
    for (const auto& [k, val] : c.fields)
        if (k != "投诉人") body += "<dt>" + html_escape(k) + "</dt><dd>" + html_escape(val) + "</dd>\n";
    if (!c.category.empty()) body += "<dt>问题类别</dt><dd>" + html_escape(c.category) + "</dd>\n";
    if (!c.process_flow.empty()) body += "<dt>工艺</dt><dd>" + html_escape(c.process_flow) + "</dd>\n";
    body += "</dl>\n";

    std::vector<row> stages;
    for (const auto& s : c.stages) {
        auto timing = rules::timing_of(c, s);  // respond: each department against its own deadline
        bool late = timing && timing->late;
        std::string state = s.done_at ? (late ? "超时完成" : "按时完成")
                            : late    ? "已超时"
                            : s.due   ? "进行中"
                                      : "未开始";
        stages.push_back({{rules::stage_label(s.name)},
                          {when(tz, timing ? std::optional<core::instant>(timing->due) : s.due), {}, "num"},
                          {when(tz, s.done_at), {}, "num"},
                          {person(cfg, s.done_by)},
                          {state,
                           {},
                           late        ? "late"
                           : s.done_at ? "ok"
                                       : ""}});
    }
    body += "<h2>环节</h2>\n" + table({"环节", "截止", "完成", "由谁", "状态"}, stages, "—");

    if (!c.departments.empty()) {
        std::vector<row> replies;
        for (const auto& d : c.departments) {
            auto due = rules::reply_due(c, d);
            bool late = d.fined || (d.replied_at && due && *d.replied_at > *due);
            replies.push_back({{d.department},
                               {person(cfg, cfg.org.head_of(d.department))},
                               {when(tz, due), {}, "num"},
                               {when(tz, d.replied_at), {}, late ? "num late" : "num"},
                               {d.text.empty() ? "未回复" : d.text + "（" + person(cfg, d.by) + "）"}});
        }
        body +=
            "<h2>部门回复</h2>\n" + table({"部门", "负责人", "截止", "回复时间", "回复内容"}, replies, "—");
    }
    if (c.compensation) {
        std::string signed_by;
        for (const auto& d : c.sheet_signed) signed_by += (signed_by.empty() ? "" : "、") + d;
        body += "<h2>赔偿流程</h2>\n" +
                table({"步骤", "情况"},
                      {{{"列入流程表"}, {c.sheet_date ? core::format_date(*c.sheet_date) : "待列入"}},
                       {{"负责人签字"}, {signed_by.empty() ? "待签字" : signed_by + " 已签"}},
                       {{"转交副总"}, {when(tz, c.forwarded_at)}},
                       {{"副总意见"}, {step_text(cfg, tz, c.vp_opinion)}},
                       {{"总经理审批"}, {step_text(cfg, tz, c.gm_approval)}},
                       {{cfg.roles.order_desk + "执行"}, {step_text(cfg, tz, c.executed)}}},
                      "—");
    }
    if (c.freight) {
        const auto& fr = *c.freight;
        body += "<h2>退货运费</h2>\n" +
                table({"步骤", "情况"},
                      {{{"登记"},
                        {fr.amount + " 元，由" + fr.department + "承担 " + step_text(cfg, tz, fr.opened)}},
                       {{"负责人签字"}, {step_text(cfg, tz, fr.head_signed)}},
                       {{cfg.roles.order_desk + "签字"}, {step_text(cfg, tz, fr.desk_signed)}},
                       {{"财务付款"}, {step_text(cfg, tz, fr.paid)}},
                       {{cfg.roles.hr + "核销"}, {step_text(cfg, tz, fr.written_off)}}},
                      "—");
    }
    if (c.appeal.at)
        body += "<h2>申诉</h2>\n<p>" + html_escape(person(cfg, c.appeal.by)) + " " +
                tz.short_time(*c.appeal.at) + "：" + html_escape(c.appeal.reason) +
                (c.appeal.conclusion.empty() ? "" : "<br>复核：" + html_escape(c.appeal.conclusion)) +
                "</p>\n";

    std::vector<row> fine_rows;
    for (const auto& f : fines)
        fine_rows.push_back(
            {{f.id},
             {rules::stage_label(f.stage)},
             {f.department},
             {f.person_name},
             {std::to_string(f.amount) + " 元", {}, "num"},
             {rules::fine_status_label(f.status), {}, f.status_is(rules::fine_status::open) ? "late" : "ok"},
             {f.status_reason}});
    body += "<h2>罚款</h2>\n" +
            table({"罚款编号", "环节", "部门", "负责人", "金额", "状态", "备注"}, fine_rows, "没有罚款。");

    std::vector<row> log;
    for (const auto& e : events) {
        auto late = std::chrono::duration_cast<std::chrono::minutes>(e.late);
        log.push_back({{tz.short_time(e.at), {}, "num"},
                       {person(cfg, e.actor)},
                       {event_label(e.type), {}, e.type == "missed" || e.type == "fined" ? "late" : ""},
                       {stage_words(e.stage)},
                       {late.count() > 0 ? "晚 " + core::format_duration_zh(late) : "",
                        {},
                        late.count() > 0 ? "num late" : "num"},
                       {e.detail}});
    }
    body +=
        "<h2>事件记录</h2>\n" + table({"时间", "人员", "事件", "环节", "超时", "说明"}, log, "没有记录。");
    if (audit.ok)
        body += "<p class=\"notice\">审计校验通过：本投诉的 " + std::to_string(audit.events) + " 条记录与 " +
                std::to_string(audit.fines) + " 笔罚款与哈希链一致，未被改动。</p>\n";
    else {
        body += "<p class=\"notice error\">审计校验未通过：</p>\n<ul>\n";
        for (const auto& p : audit.problems) body += "<li>" + html_escape(p) + "</li>\n";
        body +=
            "</ul>\n<p class=\"note\">请用 <code>complaint-bot audit verify</code> "
            "检查整个日志，并从备份核对。</p>\n";
    }
    return layout(v, "", c.id + " " + std::string(rules::kind_title(c.kind)), body);
}

}  // namespace app::dashboard
