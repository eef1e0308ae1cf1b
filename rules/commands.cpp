#include "rules/commands.hpp"

#include "rules/forms.hpp"
#include "rules/model.hpp"
#include "rules/text.hpp"

namespace rules {

namespace {

struct word_def {
    std::u32string word;
    command_kind kind;
};

// Longest words first, so 罚款汇总 wins over shorter prefixes. Words are in folded form.
const std::vector<word_def>& words() {
    static const std::vector<word_def> w = {
        {U"已答复客户", command_kind::answered},
        {U"总经理审批", command_kind::gm_approval},
        {U"罚款汇总", command_kind::penalties},
        {U"副总意见", command_kind::vp_opinion},
        {U"同意延期", command_kind::approve_extension},
        {U"驳回延期", command_kind::refuse_extension},
        {U"投诉人", command_kind::complainant},
        {U"已通知", command_kind::notify},
        {U"受理", command_kind::accept},
        {U"工艺", command_kind::publish},
        {U"分流", command_kind::route},
        {U"回复", command_kind::respond},
        {U"方案", command_kind::respond},
        {U"暂停", command_kind::pause},
        {U"恢复", command_kind::resume},
        {U"查询", command_kind::query},
        {U"待办", command_kind::todo},
        {U"免罚", command_kind::waive},
        {U"已缴", command_kind::paid},
        {U"帮助", command_kind::help},
        {U"签字", command_kind::sign},
        {U"执行", command_kind::execute},
        {U"申诉", command_kind::appeal},
        {U"复核", command_kind::review},
        {U"运费", command_kind::freight},
        {U"付款", command_kind::pay},
        {U"核销", command_kind::write_off},
        {U"无效", command_kind::invalid},
        {U"调查", command_kind::investigate},
        {U"撤销", command_kind::undo},
        {U"回访", command_kind::followup},
        {U"整改", command_kind::corrective},
        {U"分类", command_kind::categorize},
        {U"延期", command_kind::extend},
        {U"督办", command_kind::supervise},
        {U"赔偿", command_kind::amount},
        {U"补签", command_kind::countersign},
        {U"批准", command_kind::approve},
        {U"级别", command_kind::severity},
        {U"案例", command_kind::share_case},
        {U"help", command_kind::help},
        {U"?", command_kind::help},
    };
    return w;
}

bool is_id_start(char32_t c) {
    return c == '#' || c == 'P' || c == 'p' || c == 'S' || c == 's' || c == 'F' || c == 'f' || c == U'运';
}

struct cursor {
    const folded_text& t;
    std::size_t i = 0;
    void spaces() {
        while (i < t.cps.size() && is_space(t.cps[i])) ++i;
    }
    bool end() const { return i >= t.cps.size(); }
    // The rest of the original text from here, trimmed.
    std::string rest() const { return std::string(trim(t.slice(std::min(i, t.cps.size()), t.cps.size()))); }
};

// Reads an id at the cursor: [#] letter [-] digits, or 运费[-]P1. Returns "P1"/"F3"/"运费P1".
std::optional<std::string> read_id(cursor& c) {
    c.spaces();
    const auto& s = c.t.cps;
    std::size_t i = c.i;
    std::string prefix;
    if (s.compare(i, 2, U"运费") == 0) {
        prefix = "运费";
        i += 2;
        while (i < s.size() && (s[i] == '-' || is_space(s[i]))) ++i;
    }
    if (i < s.size() && s[i] == '#') ++i;
    if (i >= s.size()) return std::nullopt;
    char32_t letter = s[i];
    if (letter == 'p') letter = 'P';
    if (letter == 's') letter = 'S';
    if (letter == 'f') letter = 'F';
    if (letter != 'P' && letter != 'S' && letter != 'F') return std::nullopt;
    ++i;
    if (i < s.size() && s[i] == '-') ++i;
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 9) ++i;
    if (i == start) return std::nullopt;
    if (i < s.size() && !is_space(s[i]) && s[i] != U'，' && s[i] != ',' && s[i] != U'：' && s[i] != ':')
        return std::nullopt;  // "P1x" is not an id
    // Leading zeros are dropped: P01 is P1.
    std::string digits = to_utf8(s.substr(start, i - start));
    auto nz = digits.find_first_not_of('0');
    if (nz == std::string::npos) return std::nullopt;  // P0
    c.i = i;
    while (c.i < s.size() && (s[c.i] == ':' || s[c.i] == ',')) ++c.i;
    return prefix + std::string(1, static_cast<char>(letter)) + digits.substr(nz);
}

command_error error(command_kind k, const std::string& what) {
    return {k, what + "。格式：" + usage(k)};
}

// The 回访 results as typed (folded), longest first so 基本满意 and 不满意 win over 满意.
struct result_word {
    std::u32string word;
    satisfaction value;
};
const result_word result_words[] = {
    {U"基本满意", satisfaction::basically_satisfied},
    {U"不满意", satisfaction::unsatisfied},
    {U"满意", satisfaction::satisfied},
};

bool is_separator(char32_t c) {
    return is_space(c) || c == ',' || c == ':' || c == ';' || c == U'，' || c == U'。' || c == U'、' ||
           c == U'；' || c == U'：';
}

// 整改's optional 期限 at the end: "期限：12月5日", or a last word that is a date ("12月5日前",
// "2026-12-05"). Returns where it starts (npos when there is none) and the 期限 as typed.
std::size_t corrective_until(const folded_text& t, std::size_t from, std::string& until) {
    const auto& s = t.cps;
    static const std::u32string marker = U"期限";
    for (std::size_t i = from; i + marker.size() <= s.size(); ++i) {
        if (s.compare(i, marker.size(), marker) != 0) continue;
        std::size_t j = i + marker.size();
        while (j < s.size() && is_separator(s[j])) ++j;
        if (j >= s.size()) continue;
        until = std::string(trim(t.slice(j, s.size())));
        return i;
    }
    std::size_t end = s.size();
    while (end > from && is_space(s[end - 1])) --end;
    std::size_t start = end;
    while (start > from && !is_space(s[start - 1])) --start;
    if (start <= from) return std::u32string::npos;  // the measure itself, not a 期限
    auto word = std::string(trim(t.slice(start, end)));
    auto date = word;
    for (std::string_view tail : {"之前", "前", "完成"})
        if (date.size() > tail.size() && date.compare(date.size() - tail.size(), tail.size(), tail) == 0)
            date.resize(date.size() - tail.size());
    if (!parse_date(date, 2000)) return std::u32string::npos;
    until = word;
    return start;
}

}  // namespace

std::optional<std::string> parse_yuan(std::string_view word) {
    auto amount = fold(trim(word));
    if (amount.size() > 3 && amount.substr(amount.size() - 3) == "元") amount.resize(amount.size() - 3);
    bool ok = !amount.empty() && amount.size() <= 12 &&
              amount.find_first_not_of("0123456789.") == std::string::npos &&
              amount.find('.') == amount.rfind('.') && amount.front() != '.' && amount.back() != '.';
    if (ok) ok = std::stod(amount) > 0;
    if (!ok) return std::nullopt;
    return amount;
}

std::optional<std::string> normalize_id(std::string_view text) {
    auto t = fold_cps(trim(text));
    cursor c{t};
    auto id = read_id(c);
    c.spaces();
    if (!id || !c.end()) return std::nullopt;
    return id;
}

command_parse_result parse_command(std::string_view text) {
    auto t = fold_cps(trim(text));
    const auto& s = t.cps;
    const word_def* found = nullptr;
    for (const auto& w : words()) {
        if (s.compare(0, w.word.size(), w.word) != 0) continue;
        // The word must stand alone: end, space, or an id glued to it ("受理P1").
        auto n = w.word.size();
        if (n < s.size() && !is_space(s[n]) && !is_id_start(s[n])) continue;
        if (w.kind == command_kind::freight && n < s.size() && !is_space(s[n]) && s[n] != 'P' &&
            s[n] != 'p' && s[n] != 'S' && s[n] != 's' && s[n] != '#')
            continue;
        found = &w;
        break;
    }
    if (!found) return std::monostate{};
    command cmd;
    cmd.kind = found->kind;
    cmd.word = to_utf8(found->word);
    cursor c{t, found->word.size()};
    const auto k = cmd.kind;

    auto complaint_id = [&](bool freight_ok) -> std::optional<std::string> {
        auto save = c.i;
        auto id = read_id(c);
        if (!id) {
            c.i = save;
            return std::nullopt;
        }
        bool freight = id->rfind("运费", 0) == 0;
        char letter = freight ? (*id)[6] : (*id)[0];
        if ((freight && !freight_ok) || letter == 'F') {
            c.i = save;
            return std::nullopt;
        }
        return id;
    };

    switch (k) {
        case command_kind::help:
            return cmd;
        case command_kind::supervise:
            if (!split_words(c.rest()).empty()) return error(k, "督办后面不用写内容");
            return cmd;
        case command_kind::todo: {
            c.spaces();
            auto rest = split_words(c.rest());
            if (rest.size() > 1) return error(k, "待办只接受一个部门");
            cmd.departments = rest;
            return cmd;
        }
        case command_kind::penalties: {
            cmd.args = split_words(c.rest());
            if (cmd.args.size() > 2) return error(k, "时间段最多两个日期");
            return cmd;
        }
        case command_kind::waive:
        case command_kind::paid:
        case command_kind::undo: {
            auto save = c.i;
            auto id = read_id(c);
            if (!id || (*id)[0] != 'F') {
                c.i = save;
                return error(
                    k, k == command_kind::undo ? "撤销只用于罚款编号（如 F1）" : "缺少罚款编号（如 F1）");
            }
            cmd.target = *id;
            cmd.text = c.rest();
            if (k == command_kind::waive && cmd.text.empty()) return error(k, "请写明免罚原因");
            if (k == command_kind::undo && cmd.text.empty()) return error(k, "请写明撤销原因");
            return cmd;
        }
        case command_kind::appeal:
        case command_kind::review: {
            // A fine's own appeal and its review: 申诉 F1 <理由>, 复核 F1 维持|撤销 <结论>.
            auto save = c.i;
            auto id = read_id(c);
            if (!id || (*id)[0] != 'F') {
                c.i = save;
                break;  // a complaint id, read below
            }
            cmd.target = *id;
            c.spaces();
            if (k == command_kind::appeal) {
                cmd.text = c.rest();
                if (cmd.text.empty()) return error(k, "请写明申诉理由");
                return cmd;
            }
            const auto& cs = t.cps;
            for (std::u32string word : {U"维持", U"維持", U"撤销"})
                if (cs.compare(c.i, word.size(), word) == 0) {
                    cmd.args = {word == U"撤销" ? "撤销" : "维持"};
                    c.i += word.size();
                    while (c.i < cs.size() && (is_space(cs[c.i]) || cs[c.i] == ',' || cs[c.i] == ':' ||
                                               cs[c.i] == U'，' || cs[c.i] == U'。' || cs[c.i] == U'、'))
                        ++c.i;
                    break;
                }
            if (cmd.args.empty()) return error(k, "请写明维持还是撤销罚款");
            cmd.text = c.rest();
            if (cmd.text.empty()) return error(k, "缺少复核结论");
            return cmd;
        }
        case command_kind::pay:
        case command_kind::write_off: {
            auto id = complaint_id(true);
            if (!id || id->rfind("运费", 0) != 0) return error(k, "缺少运费编号（如 运费P1）");
            cmd.target = *id;
            cmd.text = c.rest();
            return cmd;
        }
        case command_kind::sign: {
            auto id = complaint_id(true);
            if (!id) return error(k, "缺少投诉编号或运费编号");
            cmd.target = *id;
            cmd.text = c.rest();
            return cmd;
        }
        default:
            break;
    }

    auto id = complaint_id(false);
    if (!id) return error(k, "缺少投诉编号（如 P1、S1）");
    cmd.target = *id;
    c.spaces();

    switch (k) {
        case command_kind::approve:
        case command_kind::share_case:
        case command_kind::accept:
        case command_kind::notify:
        case command_kind::resume:
        case command_kind::query:
        case command_kind::execute:
            cmd.text = c.rest();
            return cmd;
        case command_kind::publish: {
            // "调查:" (or 调查：) starts the list of departments to investigate.
            const auto& cs = t.cps;
            std::size_t at = std::u32string::npos;
            for (std::size_t i = c.i; i + 1 < cs.size(); ++i)
                if (cs[i] == U'调' && cs[i + 1] == U'查') {
                    std::size_t j = i + 2;
                    while (j < cs.size() && is_space(cs[j])) ++j;
                    if (j < cs.size() && cs[j] == ':') {
                        at = i;
                        cmd.departments = split_words(t.slice(j + 1, cs.size()));
                        break;
                    }
                }
            cmd.text = std::string(trim(t.slice(c.i, at == std::u32string::npos ? cs.size() : at)));
            if (cmd.text.empty()) return error(k, "缺少工艺流程信息");
            if (at != std::u32string::npos && cmd.departments.empty()) return error(k, "“调查:”后没有写部门");
            return cmd;
        }
        case command_kind::route:
            cmd.departments = split_words(c.rest());
            if (cmd.departments.empty()) return error(k, "缺少分流的部门");
            return cmd;
        case command_kind::investigate:
            cmd.departments = split_words(c.rest());
            if (cmd.departments.empty()) return error(k, "缺少调查的部门");
            return cmd;
        case command_kind::complainant:
            cmd.text = c.rest();
            if (cmd.text.empty()) return error(k, "缺少投诉人姓名");
            return cmd;
        case command_kind::followup: {
            const auto& cs = t.cps;
            for (const auto& w : result_words)
                if (cs.compare(c.i, w.word.size(), w.word) == 0) {
                    cmd.args = {std::string(to_string(w.value))};
                    c.i += w.word.size();
                    while (c.i < cs.size() && is_separator(cs[c.i])) ++c.i;
                    break;
                }
            if (cmd.args.empty()) {
                auto typed = split_words(c.rest());
                return error(
                    k, (typed.empty() ? std::string("缺少回访结果") : "回访结果“" + typed.front() + "”无效") +
                           "，只能写 满意、基本满意 或 不满意");
            }
            cmd.text = c.rest();  // the 备注
            return cmd;
        }
        case command_kind::corrective: {
            std::string until;
            auto at = corrective_until(t, c.i, until);
            cmd.text = std::string(trim(t.slice(c.i, at == std::u32string::npos ? t.cps.size() : at)));
            if (cmd.text.empty()) return error(k, "缺少整改措施");
            if (!until.empty()) cmd.args = {until};
            return cmd;
        }
        case command_kind::categorize:
            cmd.text = c.rest();
            if (cmd.text.empty()) return error(k, "缺少问题类别");
            return cmd;
        case command_kind::answered:
            cmd.text = c.rest();
            if (cmd.text.empty()) return error(k, "请写明答复了客户什么");
            return cmd;
        case command_kind::refuse_extension:
            cmd.text = c.rest();
            if (cmd.text.empty()) return error(k, "请写明驳回原因");
            return cmd;
        case command_kind::approve_extension:
            cmd.departments = split_words(c.rest());
            if (cmd.departments.size() > 1) return error(k, "一次只能批准一个部门的延期");
            return cmd;
        case command_kind::extend: {
            // The time is the first word or the first two ("明天 17:00"); the rest is the reason.
            auto w = split_words(c.rest());
            const core::local_date any_day{2026, 1, 1};
            std::size_t n = 0;
            if (w.size() >= 2 && parse_later_time(w[0] + " " + w[1], any_day))
                n = 2;
            else if (!w.empty() && parse_later_time(w[0], any_day))
                n = 1;
            if (n == 0)
                return error(k, w.empty() ? "缺少延期到的时间"
                                          : "无法识别的时间“" + w[0] + "”（如 明天 17:00、12月5日 17:00）");
            if (w.size() == n) return error(k, "请写明延期原因");
            cmd.args = {n == 2 ? w[0] + " " + w[1] : w[0]};
            // The reason as typed: the text after the time words.
            auto rest = c.rest();
            std::size_t at = 0;
            for (std::size_t i = 0; i < n; ++i) at = rest.find(w[i], at) + w[i].size();
            cmd.text = std::string(trim(std::string_view(rest).substr(at)));
            if (cmd.text.empty()) return error(k, "请写明延期原因");
            return cmd;
        }
        case command_kind::freight: {
            auto w = split_words(c.rest());
            if (w.size() < 2) return error(k, "缺少金额或承担部门");
            auto amount = parse_yuan(w[0]);
            if (!amount) return error(k, "金额“" + w[0] + "”不是正数");
            cmd.args = {*amount};
            cmd.departments = {w[1]};
            return cmd;
        }
        case command_kind::amount: {
            auto w = split_words(c.rest());
            if (w.empty()) return error(k, "缺少赔偿金额");
            auto amount = parse_yuan(w[0]);
            if (!amount) return error(k, "金额“" + w[0] + "”不是正数");
            cmd.args = {*amount};
            return cmd;
        }
        case command_kind::countersign:
            cmd.text = c.rest();
            return cmd;
        case command_kind::severity: {
            // 一级 二级 三级 (also 1级, Ⅰ级 is not taken): the level first, then the reason.
            const auto& cs = t.cps;
            static const std::pair<std::u32string, int> levels[] = {{U"一级", 1}, {U"二级", 2}, {U"三级", 3},
                                                                    {U"1级", 1},  {U"2级", 2},  {U"3级", 3}};
            for (const auto& [word, level] : levels)
                if (cs.compare(c.i, word.size(), word) == 0) {
                    cmd.args = {std::to_string(level)};
                    c.i += word.size();
                    while (c.i < cs.size() && is_separator(cs[c.i])) ++c.i;
                    break;
                }
            if (cmd.args.empty()) {
                auto typed = split_words(c.rest());
                return error(k,
                             (typed.empty() ? std::string("缺少级别") : "级别“" + typed.front() + "”无效") +
                                 "，只能写 一级、二级 或 三级");
            }
            cmd.text = c.rest();
            if (cmd.text.empty()) return error(k, "请写明定级原因");
            return cmd;
        }
        default:
            cmd.text = c.rest();
            if (cmd.text.empty()) {
                const char* what = k == command_kind::respond      ? "缺少回复内容"
                                   : k == command_kind::pause      ? "请写明暂停原因"
                                   : k == command_kind::appeal     ? "请写明申诉理由"
                                   : k == command_kind::invalid    ? "请写明判为无效的理由"
                                   : k == command_kind::review     ? "缺少复核结论"
                                   : k == command_kind::vp_opinion ? "缺少副总意见"
                                                                   : "缺少审批意见";
                return error(k, what);
            }
            return cmd;
    }
}

}  // namespace rules
