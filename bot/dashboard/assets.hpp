// The dashboard's own stylesheet and script, built into the program from bot/dashboard/static/ by
// cmake/embed.cmake; Chart.js is the system's (Debian's libjs-chart.js), read at start.
#pragma once

#include <string_view>

namespace app::dashboard::assets {

extern const std::string_view app_css;
extern const std::string_view app_js;

// Where Debian's libjs-chart.js puts the UMD build /static/chart.min.js serves.
inline constexpr const char* chart_js_path = "/usr/share/javascript/chart.js/chart.min.js";

}  // namespace app::dashboard::assets
