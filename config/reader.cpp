#include "config/reader.hpp"

#include <algorithm>
#include <cstdio>

namespace conf::detail {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string join(const std::vector<std::string>& v, const char* sep) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

void names::check_dept(reader& L, const YAML::Node& n, const std::string& name,
                       const std::string& what) const {
    if (!departments.count(name))
        L.error(n, what + " names unknown department '" + name + "'",
                "use one of: " + join({departments.begin(), departments.end()}));
}

void names::check_person(reader& L, const YAML::Node& n, const std::string& id,
                         const std::string& what) const {
    if (!people.count(id))
        L.error(n, what + " '" + id + "' is not a listed person", "add them to organization.people");
}

// "08:30-12:00" → minutes after midnight.
std::optional<core::calendar_settings::span> parse_span(const std::string& s) {
    unsigned h1 = 0, m1 = 0, h2 = 0, m2 = 0;
    char tail = 0;
    if (std::sscanf(s.c_str(), "%2u:%2u-%2u:%2u%c", &h1, &m1, &h2, &m2, &tail) != 4) return std::nullopt;
    if (h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 || (h2 == 24 && m2 != 0)) return std::nullopt;
    core::calendar_settings::span sp{h1 * 60 + m1, h2 * 60 + m2};
    if (sp.end <= sp.start) return std::nullopt;
    return sp;
}

}  // namespace conf::detail
