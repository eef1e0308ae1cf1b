#!/usr/bin/env bash
# Replay (issue 5): a generated year of a 1,000-person company (≈ 50,000 complaints with what
# people do about them, bench/gen_replay.py) through `complaint-bot replay`, in memory and with
# --db, next to the machine's ceiling for the same script.
#
#   bench/replay.sh [--tiny] [--keep]
#
# Target: the year in <= 5 s. Ceilings, timed on the same lines:
#   parse   read the file and JSON-parse every line (python3's C json module)
#   insert  sqlite3 inserting one row per line (at, from, text) into a file in one transaction
# --tiny: ≈ 500 complaints (for CI, under 60 s). Environment: BUILD_DIR (default build), JOBS.
set -euo pipefail
cd "$(dirname "$0")/.."

complaints=50000 keep=0 limit=900
for arg in "$@"; do
    case "$arg" in
        --tiny) complaints=500 limit=50 ;;
        --keep) keep=1 ;;
        *) echo "usage: bench/replay.sh [--tiny] [--keep]" >&2; exit 2 ;;
    esac
done
build=${BUILD_DIR:-build}

echo ">> building complaint-bot in $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target complaint-bot >/dev/null
bot=$build/complaint-bot

work=$(mktemp -d /tmp/complaint-bot-replay.XXXXXX)
cleanup() { if [ "$keep" = 1 ]; then echo ">> kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT INT TERM

echo ">> generating $complaints complaints (bench/gen_replay.py)"
read -r _ lines < <(python3 bench/gen_replay.py --complaints "$complaints" --out "$work")
mb=$(du -m "$work/year.jsonl" | cut -f1)

now_ms() { date +%s%3N; }

# Ceiling: the same lines read and parsed; then inserted in one transaction.
read -r parse_ms insert_ms < <(python3 - "$work/year.jsonl" "$work/ceiling.db" <<'PY'
import json, sqlite3, sys, time
t0 = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as f:
    rows = [json.loads(line) for line in f]
t1 = time.perf_counter()
con = sqlite3.connect(sys.argv[2], isolation_level=None)
con.execute("PRAGMA journal_mode = WAL")
con.execute("CREATE TABLE lines(at TEXT NOT NULL, sender TEXT, text TEXT)")
con.execute("BEGIN")
con.executemany("INSERT INTO lines VALUES(?, ?, ?)", ((r["at"], r.get("from"), r.get("text")) for r in rows))
con.execute("COMMIT")
t2 = time.perf_counter()
print(f"{(t1 - t0) * 1000:.0f} {(t2 - t1) * 1000:.0f}")
PY
)

run() {  # run NAME ARGS...: times one replay, output (jsonl) to $work/NAME.jsonl
    local name=$1; shift
    local a b
    a=$(now_ms)
    if ! timeout "$limit" "$bot" replay --config "$work/company.yaml" --script "$work/year.jsonl" --format jsonl \
        "$@" >"$work/$name.jsonl" 2>"$work/$name.err"; then
        echo "replay $name failed or ran over ${limit} s:" >&2
        tail -5 "$work/$name.err" >&2
        return 1
    fi
    b=$(now_ms)
    echo $((b - a))
}

echo ">> replaying $lines lines ($mb MB) in memory"
mem_ms=$(run memory)
echo ">> replaying with --db $work/year.db"
db_ms=$(run file --db "$work/year.db")

posts=$(wc -l <"$work/memory.jsonl")
if ! cmp -s "$work/memory.jsonl" "$work/file.jsonl"; then
    echo "in-memory and --db replays posted different things" >&2
    exit 1
fi
read -r n_complaints n_open n_fines < <(sqlite3 -separator ' ' "$work/year.db" \
    "SELECT (SELECT count(*) FROM complaints), (SELECT count(*) FROM complaints WHERE status = 'open'),
            (SELECT count(*) FROM fines)")

python3 - "$complaints" "$lines" "$mb" "$parse_ms" "$insert_ms" "$mem_ms" "$db_ms" "$posts" \
    "$n_complaints" "$n_open" "$n_fines" <<'PY'
import sys
complaints, lines, mb, parse_ms, insert_ms, mem_ms, db_ms, posts, n_c, n_open, n_fines = map(int, sys.argv[1:])
ceiling = parse_ms + insert_ms
mark = lambda ok: "met" if ok else "NOT met"
print()
print(f"== replay: {complaints} complaints, {lines} lines ({mb} MB); {posts} bot posts, "
      f"{n_c} complaints registered ({n_open} still open), {n_fines} fines")
print(f"ceiling  read + JSON-parse {parse_ms} ms, sqlite insert of {lines} rows in one transaction "
      f"{insert_ms} ms: {ceiling} ms")
for name, ms in (("memory", mem_ms), ("--db", db_ms)):
    print(f"replay   {name:6} {ms} ms = {complaints / (ms / 1000):,.0f} complaints/s, "
          f"{lines / (ms / 1000):,.0f} lines/s (x{ms / max(ceiling, 1):.1f} the ceiling; "
          f"target <= 5 s for 50,000: {mark(ms * 50000 / complaints <= 5000)})")
PY
