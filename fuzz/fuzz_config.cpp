// Fuzzes the YAML config loader: any bytes give either a config or errors, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    auto r = conf::parse_config(text, "fuzz.yaml");
    if (r.config && !r.errors.empty()) __builtin_trap();
    if (!r.config && r.errors.empty()) __builtin_trap();
    if (r.config) (void)conf::explain_config(*r.config);
    return 0;
}
