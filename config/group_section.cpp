// group: — the group 客户关系中心 (004 篇1): its name, its members (staff of the centre with their
// accounts, or people of a company), its chat, the escalation levels it hears of, and when the
// monthly roll-up is posted.
#include <map>

#include "config/group_reader.hpp"

namespace conf::detail {

void prefix_errors(std::vector<config_error>& errors, const std::string& label) {
    for (auto& e : errors) e.message = label + ": " + e.message;
}

namespace {

const std::vector<std::string> platform_keys = {"dingtalk", "wecom", "feishu", "slack"};

// A person of a company named by "huadong:wangzong" or by a bare id that only one company has.
void add_company_person(reader& G, const YAML::Node& n, const std::string& ref,
                        const std::vector<rules::company>& companies, rules::group_settings& out,
                        std::vector<rules::person>& members) {
    const rules::person* found = nullptr;
    std::vector<std::string> holders;
    if (auto colon = ref.find(':'); colon != std::string::npos) {
        auto co_id = ref.substr(0, colon), person_id = ref.substr(colon + 1);
        const rules::company* co = nullptr;
        for (const auto& c : companies)
            if (c.id == co_id) co = &c;
        if (!co) {
            std::vector<std::string> ids;
            for (const auto& c : companies) ids.push_back(c.id);
            G.error(n,
                    "group.members: '" + ref + "' names company '" + co_id + "', which is not in companies:",
                    "write <company id>:<person id> with one of: " + join(ids));
            return;
        }
        found = co->cfg.org.find_person(person_id);
        if (!found) {
            G.error(n,
                    "group.members: '" + ref + "' is not a person of " + co->title() + " (no person id '" +
                        person_id + "' in its organization.people)",
                    "use a person id of that company, or write the member out as { id: " + person_id +
                        ", name: 姓名, accounts: { dingtalk: <userid> } }");
            return;
        }
    } else {
        for (const auto& c : companies)
            if (const auto* p = c.cfg.org.find_person(ref)) {
                found = p;
                holders.push_back(c.id + ":" + ref);
            }
        if (holders.size() > 1) {
            G.error(n,
                    "group.members: '" + ref + "' is a person of several companies (" + join(holders) + ")",
                    "write which one, e.g. " + holders.front());
            return;
        }
        if (!found) {
            G.error(n,
                    "group.members: unknown group member '" + ref + "': no company has a person with that id",
                    "write the member out as { id: " + ref +
                        ", name: 姓名, accounts: { dingtalk: <userid> } }, or name a company's person as "
                        "<company id>:<person id>");
            return;
        }
    }
    rules::person m = *found;
    m.department = out.name;
    members.push_back(std::move(m));
}

void read_member(reader& G, const YAML::Node& n, std::vector<rules::person>& members,
                 const std::string& dept) {
    if (!G.keys(n, "a group member", {"id", "name", "accounts", "aliases"})) return;
    if (!n["id"] || !n["name"]) {
        G.error(n, "a group member needs `id` and `name`",
                "write - { id: zhoujie, name: 周杰, accounts: { dingtalk: <userid> } }");
        return;
    }
    auto id = G.str(n["id"], "id");
    auto name = G.str(n["name"], "name");
    if (!id || !name) return;
    rules::person m{*id, *name, dept, {}};
    if (auto acc = n["accounts"]; acc && G.keys(acc, "accounts of group member '" + *id + "'", platform_keys))
        for (auto it = acc.begin(); it != acc.end(); ++it)
            if (auto v = G.str(it->second, it->first.as<std::string>("")))
                m.accounts[it->first.as<std::string>("")] = *v;
    if (auto al = n["aliases"]; al) {
        if (!al.IsSequence())
            G.error(al, "aliases of group member '" + *id + "' must be a list",
                    "write aliases: [小周, Zhou Jie]");
        else
            for (const auto& a : al)
                if (auto v = G.str(a, "alias")) m.aliases.push_back(*v);
    }
    members.push_back(std::move(m));
}

}  // namespace

void read_group_section(reader& G, const YAML::Node& node, const std::vector<rules::company>& companies,
                        const std::set<std::string>& platforms, rules::group_settings& out) {
    if (!node) return;
    if (!G.keys(node, "group", {"name", "members", "chat", "escalate_from_level", "rollup"})) return;
    if (auto n = node["name"]; n)
        if (auto v = G.str(n, "group.name")) out.name = *v;
    if (auto ms = node["members"]; ms) {
        if (!ms.IsSequence()) {
            G.error(ms, "group.members must be a list",
                    "e.g. members: [ { id: zhoujie, name: 周杰, accounts: { dingtalk: <userid> } }, "
                    "huadong:wangzong ]");
        } else {
            std::vector<rules::person> members;
            std::vector<YAML::Node> nodes;
            for (const auto& m : ms) {
                auto before = members.size();
                if (m.IsScalar())
                    add_company_person(G, m, m.Scalar(), companies, out, members);
                else
                    read_member(G, m, members, out.name);
                if (members.size() > before) nodes.push_back(m);
            }
            std::set<std::string> ids;
            std::map<std::string, std::string> account_owner;  // "platform account" → member id
            for (std::size_t i = 0; i < members.size(); ++i) {
                const auto& m = members[i];
                if (!ids.insert(m.id).second) {
                    G.error(nodes[i], "group member '" + m.id + "' is listed twice", "list each member once");
                    continue;
                }
                for (const auto& [platform, account] : m.accounts) {
                    auto [it, fresh] = account_owner.emplace(platform + " " + account, m.id);
                    if (!fresh)
                        G.error(nodes[i],
                                "account '" + account + "' on " + platform + " is given to group members '" +
                                    it->second + "' and '" + m.id + "'",
                                "each platform account belongs to one person");
                }
                out.members.push_back(m);
            }
        }
    }
    if (auto ch = node["chat"]; ch) {
        if (G.keys(ch, "group.chat",
                   {"id", "platform", "conversation", "webhook_env", "webhook_secret_env"})) {
            rules::chat_settings cs;
            if (!ch["id"] || !ch["platform"]) {
                G.error(ch, "group.chat needs `id` and `platform`",
                        "e.g. chat: { id: centre, platform: dingtalk, conversation: cid… }");
            } else {
                if (auto v = G.str(ch["id"], "id")) cs.id = *v;
                if (auto v = G.str(ch["platform"], "platform")) {
                    cs.platform = *v;
                    if (!platforms.count(*v))
                        G.error(ch["platform"],
                                "group.chat uses platform '" + *v + "' which is not configured",
                                "add it under platforms: at the top of the group file");
                }
                if (auto n = ch["conversation"]; n)
                    if (auto v = G.str(n, "conversation")) cs.conversation = *v;
                if (auto n = ch["webhook_env"]; n)
                    if (auto v = G.str(n, "webhook_env")) cs.webhook_env = *v;
                if (auto n = ch["webhook_secret_env"]; n)
                    if (auto v = G.str(n, "webhook_secret_env")) cs.webhook_secret_env = *v;
                out.chat = cs;
            }
        }
    }
    if (auto n = node["escalate_from_level"]; n) {
        if (auto v = G.positive_int(n, "escalate_from_level")) {
            out.escalate_from_level = *v;
            if (!node["chat"])
                G.error(n, "group.escalate_from_level is set but the group has no chat to notify",
                        "add chat: { id: centre, platform: <platform>, conversation: <the centre's group> } "
                        "under group:, or remove escalate_from_level");
        }
    }
    if (auto r = node["rollup"]; r && G.keys(r, "group.rollup", {"day", "at"})) {
        if (auto n = r["day"]; n)
            if (auto v = G.positive_int(n, "day")) {
                if (*v > 28)
                    G.error(n, "group.rollup.day " + std::to_string(*v) + " is not in every month",
                            "use a day from 1 to 28 (1: the first of the month)");
                else
                    out.rollup.day = *v;
            }
        if (auto n = r["at"]; n)
            if (auto v = G.str(n, "at")) {
                auto t = core::parse_schedule_time(*v);
                if (!t || t->weekday != 0)
                    G.error(n, "bad time '" + *v + "' for group.rollup.at",
                            "write a local time like \"09:30\"");
                else
                    out.rollup.at = *v;
            }
    }
}

}  // namespace conf::detail
