// `complaint-bot whatif` output: text for HR (Simplified Chinese), CSV and JSON with stable column
// names, XLSX through the report table writer.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <tuple>

#include "cli/whatif.hpp"
#include "reports/report_json.hpp"
#include "reports/report_xlsx.hpp"

namespace app {

namespace {

using json = nlohmann::json;

struct line_item {
    std::string stage;
    std::string department;
    stage_figures now;
    stage_figures proposed;
};

// Rows in workflow order, departments in the config's order (others after, by name).
std::vector<line_item> items(const whatif_result& r, const rules::config& cfg) {
    auto dept_rank = [&](const std::string& d) {
        for (std::size_t i = 0; i < cfg.org.departments.size(); ++i)
            if (cfg.org.departments[i].name == d) return i;
        return cfg.org.departments.size();
    };
    auto stage_rank = [](const std::string& s) {
        const auto& o = stage_order();
        return static_cast<std::size_t>(std::find(o.begin(), o.end(), s) - o.begin());
    };
    std::map<std::pair<std::string, std::string>, line_item> all;
    for (const auto& [k, v] : r.now.rows) all[k] = {k.first, k.second, v, {}};
    for (const auto& [k, v] : r.proposed.rows) {
        auto& it = all[k];
        it.stage = k.first;
        it.department = k.second;
        it.proposed = v;
    }
    std::vector<line_item> out;
    for (auto& [k, v] : all) out.push_back(v);
    std::stable_sort(out.begin(), out.end(), [&](const line_item& a, const line_item& b) {
        auto ka = std::make_tuple(stage_rank(a.stage), dept_rank(a.department), a.department);
        auto kb = std::make_tuple(stage_rank(b.stage), dept_rank(b.department), b.department);
        return ka < kb;
    });
    return out;
}

stage_figures total(const period_figures& f) {
    stage_figures t;
    for (const auto& [k, v] : f.rows) {
        t.decided += v.decided;
        t.on_time += v.on_time;
        t.escalations += v.escalations;
        t.fines += v.fines;
        t.fine_amount += v.fine_amount;
    }
    return t;
}

// On-time rate in percent with one decimal; nullopt when nothing was decided.
std::optional<double> rate(const stage_figures& f) {
    if (f.decided == 0) return std::nullopt;
    return static_cast<double>(static_cast<long long>(f.on_time * 1000.0 / f.decided + 0.5)) / 10.0;
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    std::string s = buf;
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s;
}
std::string signed_int(int v) {
    return v > 0 ? "+" + std::to_string(v) : v == 0 ? "±0" : std::to_string(v);
}
std::string rate_text(const stage_figures& f) {
    auto r = rate(f);
    return r ? number(*r) + "%" : "—";
}
std::string rate_diff_text(const stage_figures& a, const stage_figures& b) {
    auto x = rate(a), y = rate(b);
    if (!x || !y) return "";
    double d = *y - *x;
    if (d == 0) return "（持平）";
    return "（" + std::string(d > 0 ? "+" : "") + number(d) + " 个百分点）";
}

const std::vector<std::string> columns{"stage",
                                       "stage_label",
                                       "department",
                                       "now_fines",
                                       "now_fine_yuan",
                                       "proposed_fines",
                                       "proposed_fine_yuan",
                                       "diff_fines",
                                       "diff_fine_yuan",
                                       "now_escalations",
                                       "proposed_escalations",
                                       "diff_escalations",
                                       "now_decided",
                                       "now_on_time",
                                       "now_on_time_rate",
                                       "proposed_decided",
                                       "proposed_on_time",
                                       "proposed_on_time_rate",
                                       "diff_on_time_rate"};

std::vector<std::string> cells(const std::string& stage, const std::string& label, const std::string& dept,
                               const stage_figures& a, const stage_figures& b) {
    auto opt = [](std::optional<double> v) { return v ? number(*v) : std::string(); };
    auto x = rate(a), y = rate(b);
    return {stage,
            label,
            dept,
            std::to_string(a.fines),
            std::to_string(a.fine_amount),
            std::to_string(b.fines),
            std::to_string(b.fine_amount),
            std::to_string(b.fines - a.fines),
            std::to_string(b.fine_amount - a.fine_amount),
            std::to_string(a.escalations),
            std::to_string(b.escalations),
            std::to_string(b.escalations - a.escalations),
            std::to_string(a.decided),
            std::to_string(a.on_time),
            opt(x),
            std::to_string(b.decided),
            std::to_string(b.on_time),
            opt(y),
            x && y ? number(*y - *x) : std::string()};
}

json row_json(const std::vector<std::string>& c) {
    json j;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const auto& v = c[i];
        if (i < 3)
            j[columns[i]] = v;
        else if (v.empty())
            j[columns[i]] = nullptr;
        else if (v.find('.') != std::string::npos)
            j[columns[i]] = std::stod(v);
        else
            j[columns[i]] = std::stoi(v);
    }
    return j;
}

void write_text(const whatif_result& r, const whatif_options& o, const rules::config& cfg,
                std::ostream& out) {
    core::zone tz(cfg.timezone);
    out << "📊 规则假设分析（现行 → 拟议）\n";
    out << "期间：" << core::format_date(r.from) << " 至 " << core::format_date(r.to) << "，投诉 "
        << r.now.complaints << " 件（拟议 " << r.proposed.complaints << " 件）\n";
    out << "重放消息：" << r.messages_replayed << " 条（期间内 " << r.messages_in_period << " 条），计时到 "
        << tz.long_time(r.replayed_until) << "\n";
    out << "数据库：" << o.db_path << "（只读，未改动）；拟议规则：" << o.config_path << "\n";
    if (!r.now_rules_known) {
        out << "规则差异：期间内没有已登记的投诉，无从比较\n";
    } else if (r.changes.empty()) {
        out << "规则差异：无（与现行规则相同）\n";
    } else {
        out << "规则差异：";
        for (std::size_t i = 0; i < r.changes.size(); ++i)
            out << (i ? "；" : "") << r.changes[i].label << " " << r.changes[i].now << " → "
                << r.changes[i].proposed;
        out << "\n";
    }
    auto describe = [&](const stage_figures& a, const stage_figures& b) {
        return "罚款 " + std::to_string(a.fines) + " 笔 " + std::to_string(a.fine_amount) + " 元 → " +
               std::to_string(b.fines) + " 笔 " + std::to_string(b.fine_amount) + " 元（" +
               signed_int(b.fines - a.fines) + " 笔，" + signed_int(b.fine_amount - a.fine_amount) +
               " 元）；升级提醒 " + std::to_string(a.escalations) + " → " + std::to_string(b.escalations) +
               "（" + signed_int(b.escalations - a.escalations) + "）；准时率 " + rate_text(a) + " → " +
               rate_text(b) + rate_diff_text(a, b);
    };
    out << "──────────\n";
    auto list = items(r, cfg);
    if (list.empty()) out << "期间内没有计时的环节。\n";
    for (const auto& it : list)
        out << it.department << " · " << stage_title(it.stage) << "：" << describe(it.now, it.proposed)
            << "\n";
    out << "──────────\n合计：" << describe(total(r.now), total(r.proposed)) << "\n";
    out << "注：现行数字取自数据库；拟议数字是同一批消息按拟议规则在虚拟时间上重放的结果（同一引擎）。"
           "罚款按开出计，不论之后是否免罚。\n";
}

}  // namespace

void write_whatif(const whatif_result& r, const rules::config& cfg, const whatif_options& o,
                  std::ostream& out) {
    std::ofstream file;
    std::ostream* dest = &out;
    if (!o.out_path.empty() && o.format != "xlsx") {
        file.open(o.out_path, std::ios::binary | std::ios::trunc);
        if (!file)
            throw whatif_error("cannot write '" + o.out_path + "': check the directory and permissions");
        dest = &file;
    }
    auto list = items(r, cfg);
    std::vector<std::vector<std::string>> rows;
    for (const auto& it : list)
        rows.push_back(cells(it.stage, stage_title(it.stage), it.department, it.now, it.proposed));
    auto totals = cells("total", "合计", "", total(r.now), total(r.proposed));
    if (o.format == "text") {
        write_text(r, o, cfg, *dest);
    } else if (o.format == "csv") {
        *dest << "\xEF\xBB\xBF";  // BOM: Excel reads the file as UTF-8
        for (std::size_t i = 0; i < columns.size(); ++i) *dest << (i ? "," : "") << columns[i];
        *dest << "\n";
        for (const auto& row : rows) {
            for (std::size_t i = 0; i < row.size(); ++i) *dest << (i ? "," : "") << csv_cell(row[i]);
            *dest << "\n";
        }
    } else if (o.format == "json") {
        json j;
        j["from"] = core::format_date(r.from);
        j["to"] = core::format_date(r.to);
        j["messages_replayed"] = r.messages_replayed;
        j["messages_in_period"] = r.messages_in_period;
        j["replayed_until"] = core::zone(cfg.timezone).iso(r.replayed_until);
        j["complaints"] = {{"now", r.now.complaints}, {"proposed", r.proposed.complaints}};
        j["now_rules_known"] = r.now_rules_known;
        j["changes"] = json::array();
        for (const auto& c : r.changes)
            j["changes"].push_back(
                {{"setting", c.key}, {"label", c.label}, {"now", c.now}, {"proposed", c.proposed}});
        j["rows"] = json::array();
        for (const auto& row : rows) j["rows"].push_back(row_json(row));
        j["total"] = row_json(totals);
        *dest << j.dump(2) << "\n";
    } else {
        xlsx_table t;
        t.title = "规则假设分析 " + core::format_date(r.from) + " 至 " + core::format_date(r.to);
        t.header = {"环节代码",     "环节",       "部门",        "现行罚款笔数",    "现行罚款元",
                    "拟议罚款笔数", "拟议罚款元", "罚款笔数差",  "罚款元差",        "现行升级提醒",
                    "拟议升级提醒", "升级提醒差", "现行到期数",  "现行准时数",      "现行准时率%",
                    "拟议到期数",   "拟议准时数", "拟议准时率%", "准时率差(百分点)"};
        t.rows = rows;
        t.footer = totals;
        write_table_xlsx(t, o.out_path);
    }
    dest->flush();
    if (!o.out_path.empty() && o.format != "xlsx" && !file)
        throw whatif_error("cannot write '" + o.out_path + "': check the disk space");
}

}  // namespace app
