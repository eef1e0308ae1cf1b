// The command words as SPEC writes them, each command's usage line and 帮助: the one place the
// syntax is written, so 帮助, the hints in the bot's posts and the refusals cannot disagree.
#include "rules/commands.hpp"
#include "rules/forms.hpp"

namespace rules {

std::string_view command_word(command_kind k) {
    switch (k) {
        case command_kind::accept:
            return "受理";
        case command_kind::publish:
            return "工艺";
        case command_kind::route:
            return "分流";
        case command_kind::respond:
            return "回复";
        case command_kind::notify:
            return "已通知";
        case command_kind::pause:
            return "暂停";
        case command_kind::resume:
            return "恢复";
        case command_kind::query:
            return "查询";
        case command_kind::todo:
            return "待办";
        case command_kind::penalties:
            return "罚款汇总";
        case command_kind::waive:
            return "免罚";
        case command_kind::paid:
            return "已缴";
        case command_kind::help:
            return "帮助";
        case command_kind::sign:
            return "签字";
        case command_kind::vp_opinion:
            return "副总意见";
        case command_kind::gm_approval:
            return "总经理审批";
        case command_kind::execute:
            return "执行";
        case command_kind::appeal:
            return "申诉";
        case command_kind::review:
            return "复核";
        case command_kind::freight:
            return "运费";
        case command_kind::pay:
            return "付款";
        case command_kind::write_off:
            return "核销";
        case command_kind::invalid:
            return "无效";
        case command_kind::complainant:
            return "投诉人";
        case command_kind::investigate:
            return "调查";
        case command_kind::undo:
            return "撤销";
        case command_kind::followup:
            return "回访";
        case command_kind::corrective:
            return "整改";
        case command_kind::categorize:
            return "分类";
        case command_kind::answered:
            return "已答复客户";
        case command_kind::extend:
            return "延期";
        case command_kind::approve_extension:
            return "同意延期";
        case command_kind::refuse_extension:
            return "驳回延期";
        case command_kind::supervise:
            return "督办";
        case command_kind::amount:
            return "赔偿";
        case command_kind::countersign:
            return "补签";
        case command_kind::approve:
            return "批准";
        case command_kind::severity:
            return "级别";
        case command_kind::share_case:
            return "案例";
    }
    return "";
}

std::string usage(command_kind k) {
    switch (k) {
        case command_kind::accept:
            return "受理 P1";
        case command_kind::publish:
            return "工艺 P1 <工艺流程信息> [调查: <部门> <部门> …]";
        case command_kind::route:
            return "分流 S1 <部门> [<部门> …]";
        case command_kind::respond:
            return "回复 P1 <鉴定结果与处理意见> 或 方案 S1 <处理方案>";
        case command_kind::notify:
            return "已通知 S1";
        case command_kind::pause:
            return "暂停 P1 <原因>";
        case command_kind::resume:
            return "恢复 P1";
        case command_kind::query:
            return "查询 P1";
        case command_kind::todo:
            return "待办 [部门]";
        case command_kind::penalties:
            return "罚款汇总 [今天|本周|本月|2026-11|2026-11-01 2026-11-30]";
        case command_kind::waive:
            return "免罚 F1 <原因>";
        case command_kind::paid:
            return "已缴 F1";
        case command_kind::help:
            return "帮助";
        case command_kind::sign:
            return "签字 P1 或 签字 运费P1";
        case command_kind::vp_opinion:
            return "副总意见 P1 <与客户协商后的处理意见>";
        case command_kind::gm_approval:
            return "总经理审批 P1 <审批意见>";
        case command_kind::execute:
            return "执行 P1";
        case command_kind::appeal:
            return "申诉 P1 <理由> 或 申诉 F1 <理由>";
        case command_kind::review:
            return "复核 P1 <复核结论> 或 复核 F1 维持|撤销 <结论>";
        case command_kind::freight:
            return "运费 P1 <金额> <承担部门>";
        case command_kind::pay:
            return "付款 运费P1";
        case command_kind::write_off:
            return "核销 运费P1";
        case command_kind::invalid:
            return "无效 P1 <理由>";
        case command_kind::complainant:
            return "投诉人 P1 <姓名>";
        case command_kind::investigate:
            return "调查 P1 <部门> [<部门> …]";
        case command_kind::undo:
            return "撤销 F1 <原因>";
        case command_kind::followup:
            return "回访 P1 满意|基本满意|不满意 [备注]";
        case command_kind::corrective:
            return "整改 P1 <整改措施> [期限]";
        case command_kind::categorize:
            return "分类 P1 <问题类别>";
        case command_kind::answered:
            return "已答复客户 P1 <答复客户的内容>";
        case command_kind::extend:
            return "延期 P1 <时间> <原因>";
        case command_kind::approve_extension:
            return "同意延期 P1 [部门]";
        case command_kind::refuse_extension:
            return "驳回延期 P1 [部门] <原因>";
        case command_kind::supervise:
            return "督办";
        case command_kind::amount:
            return "赔偿 P1 <金额>";
        case command_kind::countersign:
            return "补签 P1 [意见]";
        case command_kind::approve:
            return "批准 P1";
        case command_kind::severity:
            return "级别 P1 一级|二级|三级 <原因>";
        case command_kind::share_case:
            return "案例 P1 [说明]";
    }
    return "";
}

std::string usage(command_kind k, std::string_view id) {
    auto text = usage(k);
    for (std::string_view sample : {"P1", "S1"})
        if (auto at = text.find(sample); at != std::string::npos) {
            text.replace(at, sample.size(), id);
            break;
        }
    return text;
}

std::string help_text() {
    std::string s = "📖 投诉机器人命令（编号可写 P1、#P1、P-1）\n";
    const command_kind list[] = {command_kind::accept,    command_kind::publish, command_kind::route,
                                 command_kind::respond,   command_kind::notify,  command_kind::pause,
                                 command_kind::resume,    command_kind::query,   command_kind::todo,
                                 command_kind::penalties, command_kind::waive,   command_kind::paid};
    s += "· " + usage(command_kind::approve) + "（启用“先经部门负责人批准”时，负责人批准后开始计时）\n";
    const command_kind corrections[] = {command_kind::investigate, command_kind::complainant,
                                        command_kind::undo};
    for (auto k : list) s += "· " + usage(k) + "\n";
    s += "更正：\n";
    for (auto k : corrections) s += "· " + usage(k) + "\n";
    s += "· 回复/方案可在各部门全部回复前重发修改，以最新一条为准\n";
    s += "赔款/退换货：\n";
    for (auto k : {command_kind::amount, command_kind::sign, command_kind::vp_opinion,
                   command_kind::gm_approval, command_kind::execute, command_kind::countersign})
        s += "· " + usage(k) + "\n";
    s += "申诉与判定：\n";
    for (auto k : {command_kind::appeal, command_kind::review, command_kind::invalid})
        s += "· " + usage(k) + "\n";
    s += "退货运费：\n";
    for (auto k : {command_kind::freight, command_kind::pay, command_kind::write_off})
        s += "· " + usage(k) + "\n";
    s += "定级、答复客户与督办：\n";
    s += "· " + usage(command_kind::severity) + "（一级为危机事件：立即通知总经理和副总）\n";
    for (auto k : {command_kind::answered, command_kind::extend, command_kind::approve_extension,
                   command_kind::refuse_extension, command_kind::supervise})
        s += "· " + usage(k) + "\n";
    s += "回访与分类：\n";
    for (auto k : {command_kind::followup, command_kind::corrective, command_kind::categorize,
                   command_kind::share_case})
        s += "· " + usage(k) + "\n";
    s += "\n产品质量投诉模板：\n" + blank_template(complaint_kind::product) + "\n（可另加一行 " +
         std::string(category_field) + "：<类别>，选填）\n\n服务质量投诉模板：\n" +
         blank_template(complaint_kind::service);
    return s;
}

}  // namespace rules
