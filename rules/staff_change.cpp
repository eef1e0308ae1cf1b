#include "rules/staff_change.hpp"

#include <algorithm>

#include "rules/wording.hpp"

namespace rules {

namespace {

bool has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

void add_once(std::vector<std::string>& v, const std::string& x) {
    if (!has(v, x)) v.push_back(x);
}

std::string joined(const std::vector<std::string>& v, const char* sep = "、") {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

}  // namespace

std::optional<core::outbound_post> staff_change_warning(const config& cfg, const staff_change& change,
                                                        const std::vector<open_work>& open) {
    std::vector<std::string> lines;
    std::vector<std::string> concerned;
    for (const auto& account : change.accounts) {
        const person* p = cfg.org.find_by_account(change.platform, account);
        if (!p || has(concerned, p->id)) continue;
        std::vector<std::string> headed;
        for (const auto& d : cfg.org.departments)
            if (d.head == p->id) headed.push_back(d.name);
        std::vector<std::string> own, departments_owe;
        for (const auto& w : open) {
            if (has(w.people, p->id)) add_once(own, w.complaint);
            for (const auto& d : headed)
                if (has(w.departments, d)) add_once(departments_owe, w.complaint);
        }
        if (headed.empty() && own.empty()) continue;
        concerned.push_back(p->id);
        std::string line = p->name + "（" + p->department + "）";
        line += change.kind == staff_change_kind::left ? "已离职" : "部门或职务有变动";
        std::vector<std::string> what;
        if (!headed.empty()) {
            std::string h = "是" + joined(headed) + "负责人";
            if (!departments_owe.empty()) h += "（部门待办：" + joined(departments_owe) + "）";
            what.push_back(h + "，请指定新负责人并更新配置");
        }
        if (!own.empty()) what.push_back("名下未结投诉 " + joined(own) + "，请安排交接");
        lines.push_back(line + "：" + joined(what, "；") + "。");
    }
    if (lines.empty()) return std::nullopt;

    core::outbound_post post;
    post.chat = cfg.default_chat;
    post.text = "⚠️ 人员变动提醒";
    for (const auto& l : lines) post.text += "\n" + l;
    // HR's head; their colleagues when the head is the one who left or moved.
    const std::string hr_head = cfg.org.head_of(cfg.roles.hr);
    if (!hr_head.empty() && !has(concerned, hr_head)) {
        post.mentions.push_back(hr_head);
    } else {
        for (const auto& person : cfg.org.people)
            if (person.department == cfg.roles.hr && !has(concerned, person.id))
                post.mentions.push_back(person.id);
    }
    return with_mentions(std::move(post), cfg);
}

}  // namespace rules
