#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ and runs each for SECONDS (default 60) on a
# copy of its corpus. Exits non-zero on a finding (the crash input is left in fuzz/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
launcher=()
if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
fi
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
    -DBOT_BUILD_FUZZERS=ON -DBOT_BUILD_TESTS=OFF -DBOT_WARNINGS_AS_ERRORS=OFF >/dev/null
cmake --build build-fuzz -j"${JOBS:-2}" --target fuzz_forms fuzz_commands fuzz_config fuzz_adapters
for target in forms commands config adapters; do
    work=$(mktemp -d)
    cp -r "fuzz/corpus/$target/." "$work/" 2>/dev/null || true
    echo ">> fuzz_$target for ${seconds}s"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 \
        "build-fuzz/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=16384 -timeout=10 \
        -artifact_prefix=fuzz/ -print_final_stats=0 "$work" 2>&1 | grep -E "^(Done|==|SUMMARY|INFO: Running|.*ERROR)" | tail -n 5
    rm -rf "$work"
done
