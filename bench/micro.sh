#!/usr/bin/env bash
# Micro benchmarks (issue 5): builds bench/micro_bench.cpp (Google Benchmark) and runs it; every
# bot benchmark bm_X runs next to its ceiling ceiling_X over the same bytes, and the summary
# prints ns/op side by side with the ratio.
#
#   bench/micro.sh [--tiny] [extra Google Benchmark flags, e.g. --benchmark_filter=wecom]
#
# --tiny: --benchmark_min_time=0.01 (for CI, a few seconds). Environment: BUILD_DIR (default
# build), JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

min_time=0.5 limit=300
extra=()
for arg in "$@"; do
    case "$arg" in
        --tiny) min_time=0.01 limit=60 ;;
        --benchmark_*) extra+=("$arg") ;;
        *) echo "usage: bench/micro.sh [--tiny] [--benchmark_...]" >&2; exit 2 ;;
    esac
done
build=${BUILD_DIR:-build}

echo ">> building micro_bench in $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBOT_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target micro_bench >/dev/null

out=$(mktemp /tmp/complaint-bot-micro.XXXXXX.json)
trap 'rm -f "$out"' EXIT INT TERM
timeout "$limit" "$build/bench/micro_bench" --benchmark_min_time="$min_time" --benchmark_out="$out" \
    --benchmark_out_format=json "${extra[@]}"

python3 - "$out" <<'PY'
import json, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("run_type") == "iteration"}
ns = lambda b: b["cpu_time"] * {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
pairs = [  # bot benchmark, its ceiling, what one op is
    ("bm_parse_product_form", "ceiling_parse_product_form", "one 产品质量投诉 post"),
    ("bm_parse_service_form", "ceiling_parse_service_form", "one 服务质量投诉 post"),
    ("bm_parse_commands", "ceiling_parse_commands", "9 commands"),
    ("bm_dingtalk_sign_check", "ceiling_dingtalk_sign_check", "one sign header check"),
    ("bm_dingtalk_decode_callback", "ceiling_dingtalk_sign_check", "one callback: sign + JSON body"),
    ("bm_wecom_verify_decrypt", "ceiling_wecom_verify_decrypt", "one callback: msg_signature + AES"),
    ("bm_parse_chatter", None, "one chat line that is neither"),
]
print()
print("== micro: CPU ns per op, bot vs. ceiling")
print(f"{'benchmark':30} {'op':34} {'bot ns':>10} {'ceiling ns':>11} {'ratio':>7}")
for bot, ceil, what in pairs:
    if bot not in runs:
        continue
    b = ns(runs[bot])
    c = ns(runs[ceil]) if ceil and ceil in runs else None
    ratio = f"x{b / c:.1f}" if c else "-"
    cs = f"{c:.0f}" if c else "-"
    print(f"{bot[3:]:30} {what:34} {b:10.0f} {cs:>11} {ratio:>7}")
PY
