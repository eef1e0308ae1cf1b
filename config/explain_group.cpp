// check-config's account of a group of companies: what they share, the group centre, then each
// company — where its sections come from, where its data is stored, its chats — with its rules.
#include <sstream>

#include "config/loader.hpp"

namespace conf {

namespace {

std::string chat_text(const rules::chat_settings& c) {
    return c.id + " on " + c.platform +
           (c.conversation.empty() ? " (any conversation)" : " (" + c.conversation + ")");
}

}  // namespace

std::string explain_group(const rules::group_config& g) {
    if (g.single()) return explain_config(g.companies.front().cfg);
    std::ostringstream o;
    o << "group config: " << g.source_file << "\n"
      << "companies (" << g.companies.size() << "):\n";
    for (const auto& co : g.companies) {
        o << "  " << co.id << "  " << co.short_name << "  " << co.name << "\n"
          << "    config: " << (co.cfg.source_file == g.source_file ? "inline" : co.cfg.source_file) << "\n"
          << "    data: " << co.cfg.database << "\n"
          << "    time zone: " << co.cfg.timezone << "\n";
        if (co.cfg.chats.empty()) o << "    chats: none\n";
        for (const auto& c : co.cfg.chats)
            o << "    chat " << chat_text(c) << (c.id == co.cfg.default_chat ? ", scheduled posts" : "")
              << "\n";
        o << "    complaints: " << co.label("P1") << ", " << co.label("S1") << " …\n";
    }
    const auto& gs = g.group;
    o << "group centre: " << gs.name << "\n";
    if (gs.members.empty()) o << "  members: none\n";
    for (const auto& m : gs.members) {
        o << "  member " << m.name << " " << m.id;
        std::string accounts;
        for (const auto& [platform, account] : m.accounts)
            accounts += (accounts.empty() ? "" : ", ") + platform;
        o << (accounts.empty() ? " (no account)" : " (" + accounts + ")") << "\n";
    }
    o << "  chat: " << (gs.chat ? chat_text(*gs.chat) : std::string("none (nothing is posted to the group)"))
      << "\n"
      << "  escalations: "
      << (gs.escalate_from_level && gs.chat
              ? "level " + std::to_string(*gs.escalate_from_level) + " and above also go to the group chat"
              : std::string("none go to the group"))
      << "\n"
      << "  monthly roll-up (集团客诉月报): day " << gs.rollup.day << " at " << gs.rollup.at
      << (gs.chat ? " in " + gs.chat->id : std::string(" (no chat: the report only)")) << "\n";
    o << "shared: database default " << g.database << "; server " << g.server.listen << ":" << g.server.port
      << (g.server.dashboard ? ", dashboard on" : ", dashboard off") << "\n";
    for (const auto& p : g.platforms) o << "  platform " << p.name << " (mode " << p.mode << ")\n";
    for (const auto& co : g.companies)
        o << "\n== " << co.title() << " (" << co.id << ") ==\n" << explain_config(co.cfg);
    return o.str();
}

}  // namespace conf
