#include "rules/fact_table.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>

#include "rules/workflow.hpp"

namespace rules {

namespace {

constexpr std::size_t stage_count = static_cast<std::size_t>(stage_id::review) + 1;
constexpr stage_id stage_order[] = {stage_id::accept,  stage_id::publish, stage_id::route,
                                    stage_id::respond, stage_id::notify,  stage_id::review};

void add(rate& r, bool in_time) {
    r.total++;
    if (in_time) r.on_time++;
}
rate& operator+=(rate& a, const rate& b) {
    a.on_time += b.on_time;
    a.total += b.total;
    return a;
}

// Most first; equal counts by name.
std::vector<std::pair<std::string, int>> most_first(std::vector<std::pair<std::string, int>> items) {
    std::sort(items.begin(), items.end());
    std::stable_sort(items.begin(), items.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return items;
}

}  // namespace

std::uint32_t fact_table::names::id(const std::string& name) {
    auto [it, added] = ids_.try_emplace(name, static_cast<std::uint32_t>(names_.size()));
    if (added) names_.push_back(name);
    return it->second;
}

std::uint32_t fact_table::names::find(const std::string& name) const {
    auto it = ids_.find(name);
    return it == ids_.end() ? npos : it->second;
}

void fact_table::put(const complaint_facts& f) {
    if (f.seq < 0) return;  // no complaint has one
    row r{};
    r.posted_ms = core::to_ms(f.posted_at);
    r.seq = f.seq;
    r.kind = static_cast<std::uint8_t>(f.kind);
    r.invalid = f.invalid;
    r.complainant = people_.id(f.complainant);
    r.complainant_department = static_cast<std::uint16_t>(departments_.id(f.complainant_department));
    r.category = categories_.id(f.category);
    r.customer = customers_.id(f.customer);
    r.brand = brands_.id(f.brand);
    r.first_department = static_cast<std::uint32_t>(department_pool_.size());
    for (const auto& d : f.departments) {
        if (r.departments == UINT8_MAX) break;
        department_pool_.push_back(static_cast<std::uint16_t>(departments_.id(d)));
        r.departments++;
    }
    r.first_step = static_cast<std::uint32_t>(step_pool_.size());
    for (const auto& s : f.steps) {
        if (r.steps == UINT8_MAX) break;
        step x{core::to_ms(s.due), not_done, no_department, static_cast<std::uint8_t>(s.stage), s.late};
        if (s.done) {
            auto after = std::chrono::duration_cast<std::chrono::seconds>(*s.done - s.due).count();
            x.done_after_s =
                static_cast<std::int32_t>(std::clamp<long long>(after, INT32_MIN + 1LL, INT32_MAX));
        }
        if (!s.department.empty()) x.department = static_cast<std::uint16_t>(departments_.id(s.department));
        step_pool_.push_back(x);
        r.steps++;
    }
    auto& index = by_seq_[r.kind];
    auto seq = static_cast<std::size_t>(f.seq);
    if (index.size() <= seq) index.resize(seq + 1, 0);
    if (auto held = index[seq]; held != 0) {
        auto i = held - 1;
        unused_ += static_cast<std::size_t>(rows_[i].steps) + rows_[i].departments;
        bool moved = rows_[i].posted_ms != r.posted_ms;  // never for a real complaint
        rows_[i] = r;
        if (moved) ordered_ = laid_out_ = false;
    } else {
        auto i = static_cast<std::uint32_t>(rows_.size());
        rows_.push_back(r);
        index[seq] = i + 1;
        // Usually the newest; a first read in the order of saves is put in order once, when asked.
        if (ordered_ && !order_.empty() && before(i, order_.back())) ordered_ = laid_out_ = false;
        order_.push_back(i);
    }
    if (unused_ > 4096 && unused_ * 2 > step_pool_.size()) compact();
}

void fact_table::compact() {
    std::vector<std::uint16_t> departments;
    std::vector<step> steps;
    departments.reserve(department_pool_.size() - std::min(unused_, department_pool_.size()));
    steps.reserve(step_pool_.size() - std::min(unused_, step_pool_.size()));
    for (auto& r : rows_) {
        auto d = static_cast<std::uint32_t>(departments.size());
        departments.insert(departments.end(), department_pool_.begin() + r.first_department,
                           department_pool_.begin() + r.first_department + r.departments);
        r.first_department = d;
        auto s = static_cast<std::uint32_t>(steps.size());
        steps.insert(steps.end(), step_pool_.begin() + r.first_step,
                     step_pool_.begin() + r.first_step + r.steps);
        r.first_step = s;
    }
    department_pool_ = std::move(departments);
    step_pool_ = std::move(steps);
    unused_ = 0;
}

bool fact_table::before(std::uint32_t a, std::uint32_t b) const {
    const auto& x = rows_[a];
    const auto& y = rows_[b];
    return std::tie(x.posted_ms, x.kind, x.seq) < std::tie(y.posted_ms, y.kind, y.seq);
}

std::string fact_table::id_of(std::uint32_t i) const {
    return kind_prefix(static_cast<complaint_kind>(rows_[i].kind)) + std::to_string(rows_[i].seq);
}

std::optional<std::uint32_t> fact_table::row_of(complaint_kind kind, int seq) const {
    const auto& index = by_seq_[static_cast<std::size_t>(kind)];
    if (seq < 0 || static_cast<std::size_t>(seq) >= index.size() || index[static_cast<std::size_t>(seq)] == 0)
        return std::nullopt;
    return index[static_cast<std::size_t>(seq)] - 1;
}

bool fact_table::concerns(const row& r, std::uint32_t department) const {
    if (r.complainant_department == department) return true;
    for (std::uint32_t i = 0; i < r.departments; ++i)
        if (department_pool_[r.first_department + i] == department) return true;
    return false;
}

void fact_table::sort_order() const {
    if (ordered_) return;
    // Sorted by keys side by side (not through the rows): a million in a fraction of a second.
    struct key {
        std::int64_t posted_ms;
        std::int64_t kind_seq;
        std::uint32_t row;
    };
    std::vector<key> keys;
    keys.reserve(rows_.size());
    for (std::uint32_t i = 0; i < rows_.size(); ++i)
        keys.push_back(
            {rows_[i].posted_ms, (static_cast<std::int64_t>(rows_[i].kind) << 32) + rows_[i].seq, i});
    std::sort(keys.begin(), keys.end(), [](const key& a, const key& b) {
        return std::tie(a.posted_ms, a.kind_seq) < std::tie(b.posted_ms, b.kind_seq);
    });
    order_.clear();
    for (const auto& k : keys) order_.push_back(k.row);
    ordered_ = true;
}

void fact_table::order() {
    if (ordered_ && laid_out_) return;
    sort_order();
    // The rows, then their steps and departments, laid out in that order: a pass over a period
    // reads memory front to back.
    std::vector<row> laid;
    laid.reserve(rows_.size());
    for (auto i : order_) laid.push_back(rows_[i]);
    rows_ = std::move(laid);
    for (auto& index : by_seq_) std::fill(index.begin(), index.end(), 0);
    for (std::uint32_t i = 0; i < rows_.size(); ++i) {
        order_[i] = i;
        by_seq_[rows_[i].kind][static_cast<std::size_t>(rows_[i].seq)] = i + 1;
    }
    compact();
    laid_out_ = true;
}

std::vector<std::uint32_t> fact_table::select(core::instant from, core::instant to, const scope* who,
                                              const std::string& department) const {
    sort_order();
    std::vector<std::uint32_t> out;
    auto by_posted = [this](std::uint32_t a, std::int64_t t) { return rows_[a].posted_ms < t; };
    auto lo = std::lower_bound(order_.begin(), order_.end(), core::to_ms(from), by_posted);
    auto hi = std::lower_bound(lo, order_.end(), core::to_ms(to), by_posted);
    std::uint32_t wanted = names::npos;
    if (!department.empty() && (wanted = departments_.find(department)) == names::npos) return out;
    bool everything = !who || who->what == scope::kind::everything;
    std::uint32_t person = everything ? names::npos : people_.find(who->person);
    std::vector<std::uint32_t> seen;  // the scope's departments
    if (!everything)
        for (const auto& d : who->departments)
            if (auto id = departments_.find(d); id != names::npos) seen.push_back(id);
    out.reserve(static_cast<std::size_t>(hi - lo));
    for (auto it = lo; it != hi; ++it) {
        const auto& r = rows_[*it];
        if (wanted != names::npos && !concerns(r, wanted)) continue;
        if (!everything && !(person != names::npos && !who->person.empty() && r.complainant == person) &&
            std::none_of(seen.begin(), seen.end(), [&](std::uint32_t d) { return concerns(r, d); }))
            continue;
        out.push_back(*it);
    }
    return out;
}

ontime_figures fact_table::ontime(const std::vector<std::uint32_t>& rows, const context& ctx,
                                  const std::string& department, bool list_late) const {
    ontime_figures f;
    bool filtered = !department.empty();
    std::uint32_t wanted = filtered ? departments_.find(department) : names::npos;
    // Who does each stage of each kind, and whether the filter keeps it.
    std::array<std::array<std::string, stage_count>, 2> acting;
    std::array<std::array<bool, stage_count>, 2> skip{};
    for (std::size_t k = 0; k < 2; ++k)
        for (std::size_t s = 0; s < stage_count; ++s) {
            acting[k][s] =
                acting_department_of(static_cast<complaint_kind>(k), ctx.cfg, static_cast<stage_id>(s));
            skip[k][s] = filtered && acting[k][s] != department;
        }
    std::array<rate, stage_count> by_stage{};
    std::array<std::array<rate, stage_count>, 2> by_kind_stage{};
    std::vector<rate> replies(departments_.size());
    // The weekday and hour of a deadline, by its quarter hour (every zone's offset is a multiple of
    // 15 minutes, so a quarter hour lies in one local hour).
    std::unordered_map<std::int64_t, std::pair<int, int>> local_hour;
    auto now_ms = core::to_ms(ctx.now);
    auto add_late = [&](const row& r, const step& s, const std::string& dept) {
        auto quarter = s.due_ms >= 0 ? s.due_ms / 900000 : (s.due_ms - 899999) / 900000;
        auto [it, added] = local_hour.try_emplace(quarter);
        if (added) {
            auto t = ctx.tz.to_local(core::from_ms(s.due_ms));
            it->second = {static_cast<int>(core::weekday(t.date)) - 1, t.hour % 24};
        }
        f.late_by_weekday_hour[static_cast<std::size_t>(it->second.first)]
                              [static_cast<std::size_t>(it->second.second)]++;
        if (!list_late) return;
        long minutes =
            s.done_after_s != not_done ? s.done_after_s / 60 : static_cast<long>((now_ms - s.due_ms) / 60000);
        f.late.push_back({kind_prefix(static_cast<complaint_kind>(r.kind)) + std::to_string(r.seq),
                          stage_label(static_cast<stage_id>(s.stage)), dept, core::from_ms(s.due_ms),
                          std::max<long>(minutes, 1)});
    };
    for (auto i : rows) {
        const auto& r = rows_[i];
        ++f.complaints;
        for (std::uint32_t k = 0; k < r.steps; ++k) {
            const auto& s = step_pool_[r.first_step + k];
            bool in_time = !s.late;
            if (s.department == no_department) {
                bool respond = s.stage == static_cast<std::uint8_t>(stage_id::respond);
                if (filtered && (respond || skip[r.kind][s.stage])) continue;  // respond: by the replies
                add(by_stage[s.stage], in_time);
                if (respond) continue;
                add(by_kind_stage[r.kind][s.stage], in_time);
                if (!in_time) add_late(r, s, acting[r.kind][s.stage]);
                continue;
            }
            if (filtered && s.department != wanted) continue;
            add(replies[s.department], in_time);
            if (filtered) add(by_stage[static_cast<std::size_t>(stage_id::respond)], in_time);
            if (!in_time) add_late(r, s, departments_.name(s.department));
        }
    }
    for (auto s : stage_order)
        if (const auto& r = by_stage[static_cast<std::size_t>(s)]; r.total)
            f.stages.emplace_back(stage_label(s), r);
    for (std::size_t k = 0; k < 2; ++k)
        for (std::size_t s = 0; s < stage_count; ++s)
            if (const auto& r = by_kind_stage[k][s]; r.total)
                f.by_department_stage[acting[k][s]][stage_label(static_cast<stage_id>(s))] += r;
    for (std::size_t d = 0; d < replies.size(); ++d)
        if (replies[d].total) {
            f.departments[departments_.name(static_cast<std::uint32_t>(d))] = replies[d];
            f.by_department_stage[departments_.name(static_cast<std::uint32_t>(d))]
                                 [stage_label(stage_id::respond)] = replies[d];
        }
    std::stable_sort(f.late.begin(), f.late.end(),
                     [](const late_step& a, const late_step& b) { return a.due < b.due; });
    return f;
}

category_counts fact_table::categories(const std::vector<std::uint32_t>& rows) const {
    category_counts out;
    std::array<int, 2> kind{}, valid{};
    std::vector<int> category(categories_.size()), responsible(departments_.size()),
        complainant(departments_.size()), customer(customers_.size()), brand(brands_.size());
    int unassigned = 0;
    for (auto i : rows) {
        const auto& r = rows_[i];
        ++out.complaints;
        out.invalid += r.invalid;
        kind[r.kind]++;
        valid[r.invalid]++;
        category[r.category]++;
        for (std::uint32_t k = 0; k < r.departments; ++k)
            responsible[department_pool_[r.first_department + k]]++;
        if (r.departments == 0) ++unassigned;
        complainant[r.complainant_department]++;
        customer[r.customer]++;
        brand[r.brand]++;
    }
    auto items = [](const names& n, const std::vector<int>& counts, const char* empty) {
        std::map<std::string, int> m;
        for (std::size_t i = 0; i < counts.size(); ++i) {
            if (!counts[i]) continue;
            const auto& name = n.name(static_cast<std::uint32_t>(i));
            if (name.empty() && !empty) continue;
            m[name.empty() ? std::string(empty) : name] += counts[i];
        }
        return most_first({m.begin(), m.end()});
    };
    std::vector<std::pair<std::string, int>> kinds, validity;
    for (std::size_t k = 0; k < 2; ++k)
        if (kind[k]) kinds.emplace_back(std::string(kind_title(static_cast<complaint_kind>(k))), kind[k]);
    if (valid[0]) validity.emplace_back("有效投诉", valid[0]);
    if (valid[1]) validity.emplace_back("无效投诉", valid[1]);
    auto responsible_items = items(departments_, responsible, nullptr);
    if (unassigned) {
        responsible_items.emplace_back("（未指定）", unassigned);
        responsible_items = most_first(std::move(responsible_items));
    }
    out.dimensions = {{"类型", most_first(std::move(kinds))},
                      {"有效 / 无效", most_first(std::move(validity))},
                      {"问题类别", items(categories_, category, "未分类")},
                      {"责任部门", std::move(responsible_items)},
                      {"投诉部门", items(departments_, complainant, "（未知）")},
                      {"客户", items(customers_, customer, "（未填写）")},
                      {"品牌", items(brands_, brand, nullptr)}};
    return out;
}

}  // namespace rules
