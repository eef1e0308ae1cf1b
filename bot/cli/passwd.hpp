// `complaint-bot passwd --config FILE PERSON_ID [--disable]`: sets a person's dashboard password
// (read from standard input, one line; not echoed on a terminal) as a salted scrypt hash in the
// config's database, or removes their account. Only people of the config's organization get one.
// Either way the person's sessions end.
#pragma once

#include <iosfwd>
#include <string>

#include "rules/config.hpp"

namespace app {

inline constexpr std::size_t min_password_chars = 8;

// Returns the exit status: 0 done, 2 refused (the reason on `err`, nothing changed).
int run_passwd(const rules::config& cfg, const std::string& person_id, bool disable, std::istream& in,
               std::ostream& out, std::ostream& err);

}  // namespace app
