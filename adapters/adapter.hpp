// The platform adapter interface (STYLE.md guideline 4): verify, decode and encode without I/O.
// The concrete DingTalk and WeCom adapters come with the `serve` issue; replay feeds normalized
// messages straight in.
#pragma once

#include <map>
#include <string>

namespace adapters {

// Our own plain view of an HTTP request, so adapters are tested with fixtures alone.
struct raw_request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};

}  // namespace adapters
