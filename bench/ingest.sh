#!/usr/bin/env bash
# Ingest benchmark: how many signed DingTalk HTTP-mode callbacks (full Chinese complaint posts and
# some commands) `complaint-bot serve` takes per second on one core, every 2xx durable on disk
# before it is sent (group commit, bot/pipeline/ingest_batcher.hpp) — side by side with its ceilings,
# measured in the same run on the same machine:
#   fsync   single-row SQLite transactions per second with synchronous=FULL on the same disk
#           (what one transaction per request would allow)
#   nginx   a fixed 200 from nginx on another loopback port (the HTTP ceiling of this machine)
#   beast   bench/ceiling_server: Beast + coroutines on one thread, parses the JSON body, answers
#           200 (the framework ceiling)
# and the bot's p99 latency at a fixed rate of at most 1,000 requests/s (wrk2 is not in Debian:
# BENCH_RATE_CONNECTIONS connections each wait that many ms after every response, via the Lua
# delay(), so the offered rate is ≤ 1,000/s and a bit lower by the latency itself; the
# achieved rate is printed next to it). Afterwards it checks with
# sqlite3 that every callback answered 2xx is in the database.
#
# Usage: bench/ingest.sh [--tiny]
#   --tiny   each leg runs 2 s (CI checks that the script works; the figures mean little)
# Environment (all optional):
#   BENCH_DURATION     seconds per wrk leg (default 10, 2 with --tiny)
#   BENCH_CONNECTIONS  wrk connections for the closed-loop legs (default 256: one full batch can
#                      commit while the previous one is being fsync'd)
#   BENCH_WRK_THREADS  wrk threads (default 2)
#   BENCH_RATE_CONNECTIONS  connections of the fixed-rate legs (default 100, i.e. 100 ms apart each)
#   BENCH_BOT_CPU      the core the servers are pinned to with taskset (default 1)
#   BENCH_LOAD_CPU     the core wrk is pinned to (default 0)
#   BENCH_BUILD_DIR    build directory (default build-release; configured Release (-O2) with
#                      -DBOT_BUILD_BENCH=ON and built when the binaries are missing or stale)
#   BENCH_BUILD_TYPE   CMake build type for that directory (default Release)
#   BENCH_TMPDIR       where the temp dir with the database goes (default /var/tmp: must be a real
#                      disk, not tmpfs, or fsync costs nothing)
#   BENCH_FSYNC_TX     transactions for the fsync leg (default 1000, 100 with --tiny)
#   BENCH_OUT          also write the results as Markdown to this file
#   BENCH_KEEP=1       keep the temp dir (database, logs, configs)
# Needs wrk, nginx (nginx-light), sqlite3, openssl, curl, taskset; installs nothing:
#   apt-get install wrk nginx-light sqlite3 openssl curl util-linux   (or: scripts/run bench-tiny)
# Loopback only (127.0.0.1); everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
# shellcheck source=bench/lib/callbacks.sh
source bench/lib/callbacks.sh

bench_arguments bench/ingest.sh "$@"

if [ "$TINY" = 1 ]; then
    DURATION=${BENCH_DURATION:-2}
    FSYNC_TX=${BENCH_FSYNC_TX:-100}
else
    DURATION=${BENCH_DURATION:-10}
    FSYNC_TX=${BENCH_FSYNC_TX:-1000}
fi
CONNS=${BENCH_CONNECTIONS:-256}
RATE_CONNS=${BENCH_RATE_CONNECTIONS:-100}
RATE_DELAY_MS=$RATE_CONNS  # RATE_CONNS connections × one request per RATE_CONNS ms = ≤ 1,000 req/s
WRK_THREADS=${BENCH_WRK_THREADS:-2}
BOT_CPU=${BENCH_BOT_CPU:-1}
LOAD_CPU=${BENCH_LOAD_CPU:-0}
BUILD_DIR=${BENCH_BUILD_DIR:-build-release}
BUILD_TYPE=${BENCH_BUILD_TYPE:-Release}
TARGET_RPS=10000

# --- tools ---------------------------------------------------------------------------------------
bench_find_nginx
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -n "$NGINX" ] || missing+=(nginx-light)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v openssl >/dev/null || missing+=(openssl)
command -v curl >/dev/null || missing+=(curl)
command -v taskset >/dev/null || missing+=(util-linux)
bench_require bench/ingest.sh "${missing[@]}"
ncpu=$(nproc)
if [ "$ncpu" -lt 2 ]; then
    echo "note: only $ncpu CPU: wrk and the servers share core 0"
    BOT_CPU=0
    LOAD_CPU=0
fi

# --- build ---------------------------------------------------------------------------------------
BOT="$BUILD_DIR/complaint-bot"
CEILING="$BUILD_DIR/bench/ceiling_server"
echo ">> building complaint-bot and ceiling_server in $BUILD_DIR ($BUILD_TYPE)"
# Release at -O2, not CMake's -O3: g++ 12 at -O3 raises a bogus -Wrestrict inside std::string's
# operator+ (rules/), and warnings are errors.
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
    -DBOT_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD_DIR" -j"${JOBS:-2}" --target complaint-bot ceiling_server >/dev/null

# --- temp dir, ports, cleanup --------------------------------------------------------------------
TMP=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/ingest-bench.XXXXXX")
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r BOT_PORT NGINX_PORT CEILING_PORT <<<"$(bench_pick_ports 3)"

fstype=$(df -T "$TMP" | awk 'NR == 2 { print $2 }')
if [ "$fstype" = tmpfs ]; then
    echo "warning: $TMP is on tmpfs: fsync is free there; set BENCH_TMPDIR to a directory on disk" >&2
fi

# --- wrk -----------------------------------------------------------------------------------------
# run_wrk NAME URL THREADS CONNECTIONS [env…]: runs wrk, leaves its figures in R_* variables.
run_wrk() {
    local name=$1 url=$2 threads=$3 conns=$4
    shift 4
    local out="$TMP/wrk-${name//[^A-Za-z0-9]/_}.txt"
    env "$@" taskset -c "$LOAD_CPU" wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 10s --latency \
        -s "$ROOT/bench/ingest.lua" "$url" >"$out" 2>&1 || {
        cat "$out" >&2
        return 1
    }
    bench_wrk_figures "$name" "$out"
}

# --- secrets, sign, config -----------------------------------------------------------------------
bench_sign_callbacks
export BENCH_WEBHOOK="http://127.0.0.1:$NGINX_PORT/robot/send?access_token=bench"
SENDERS=$BENCH_SENDERS_COUNT

CONFIG="$TMP/bench.yaml"
{
    cat <<EOF
# Generated by bench/ingest.sh: a company of 50 people.
timezone: Asia/Shanghai
database: $TMP/bench.db
EOF
    bench_company
    cat <<EOF
server: { listen: 127.0.0.1, port: $BOT_PORT }
platforms:
  dingtalk: { app_secret_env: BENCH_APP_SECRET, webhook_env: BENCH_WEBHOOK, webhook_secret_env: BENCH_WEBHOOK_SECRET }
chats:
  - { id: group, platform: dingtalk, conversation: "cidBENCH==" }
EOF
} >"$CONFIG"
"$BOT" check-config "$CONFIG" >"$TMP/check-config.txt"

mkdir -p "$TMP/nginx"
{
    bench_nginx_head "$TMP/nginx"
    cat <<EOF
    server {
        listen 127.0.0.1:$NGINX_PORT;
        # Also the bot's fake DingTalk robot webhook: the outbox's receipts are "delivered" here.
        location / {
            default_type application/json;
            return 200 '{"errcode":0,"errmsg":"ok"}';
        }
    }
}
EOF
} >"$TMP/nginx/nginx.conf"

echo ">> machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo ">> $DURATION s per leg, $CONNS connections (fixed-rate legs: $RATE_CONNS × ${RATE_DELAY_MS} ms), $WRK_THREADS wrk threads on core $LOAD_CPU, servers on core $BOT_CPU, database on $fstype ($TMP)"

# --- (c) fsync ceiling ---------------------------------------------------------------------------
FSDB="$TMP/fsync.db"
sqlite3 "$FSDB" "PRAGMA journal_mode = WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);" >/dev/null
{
    echo "PRAGMA synchronous = FULL;"
    for i in $(seq 1 "$FSYNC_TX"); do echo "BEGIN IMMEDIATE; INSERT INTO t(v) VALUES('row $i'); COMMIT;"; done
} >"$TMP/fsync.sql"
t0=$(date +%s%N)
taskset -c "$BOT_CPU" sqlite3 "$FSDB" <"$TMP/fsync.sql" >/dev/null
t1=$(date +%s%N)
FSYNC_TPS=$(awk -v n="$FSYNC_TX" -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", n / (ns / 1e9) }')
echo "   fsync'd single-row transactions  $FSYNC_TPS tx/s (sqlite3, WAL, synchronous=FULL, $FSYNC_TX transactions)"

# --- (b) nginx -----------------------------------------------------------------------------------
taskset -c "$BOT_CPU" "$NGINX" -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" &
PIDS+=($!)
bench_wait_http "http://127.0.0.1:$NGINX_PORT/"
run_wrk "nginx fixed 200" "http://127.0.0.1:$NGINX_PORT/hooks/dingtalk" "$WRK_THREADS" "$CONNS" BENCH_LEG=nginx
NG_RPS=$R_RPS NG_P50=$R_P50 NG_P99=$R_P99

# --- (a) Beast ceiling ---------------------------------------------------------------------------
taskset -c "$BOT_CPU" "$CEILING" "$CEILING_PORT" &
CEILING_PID=$!
PIDS+=("$CEILING_PID")
bench_wait_http "http://127.0.0.1:$CEILING_PORT/"
run_wrk "beast parse JSON + 200" "http://127.0.0.1:$CEILING_PORT/hooks/dingtalk" "$WRK_THREADS" "$CONNS" \
    BENCH_LEG=beast
BE_RPS=$R_RPS BE_P50=$R_P50 BE_P99=$R_P99
run_wrk "beast at <=1000 req/s" "http://127.0.0.1:$CEILING_PORT/hooks/dingtalk" 1 "$RATE_CONNS" BENCH_LEG=beastrate \
    BENCH_DELAY_MS=$RATE_DELAY_MS
BR_RPS=$R_RPS BR_P50=$R_P50 BR_P99=$R_P99
kill "$CEILING_PID" 2>/dev/null || true

# --- the bot -------------------------------------------------------------------------------------
taskset -c "$BOT_CPU" "$BOT" serve --config "$CONFIG" >"$TMP/bot.log" 2>&1 &
BOT_PID=$!
PIDS+=("$BOT_PID")
bench_wait_http "http://127.0.0.1:$BOT_PORT/healthz"
# One signed callback by hand first: a wrong sign would make every wrk request a 401.
probe=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H 'Content-Type: application/json' \
    -H "timestamp: $BENCH_TS" -H "sign: $BENCH_SIGN" \
    --data '{"msgtype":"text","text":{"content":"帮助"},"msgId":"probe-1","conversationType":"2","conversationId":"cidBENCH==","senderStaffId":"dt-2001"}' \
    "http://127.0.0.1:$BOT_PORT/hooks/dingtalk")
if [ "$probe" != 200 ]; then
    echo "the bot answered $probe to a signed callback; log:" >&2
    tail -20 "$TMP/bot.log" >&2
    exit 1
fi
run_wrk "complaint-bot serve" "http://127.0.0.1:$BOT_PORT/hooks/dingtalk" "$WRK_THREADS" "$CONNS" BENCH_LEG=max \
    BENCH_SENDERS=$SENDERS
BOT_RPS=$R_RPS BOT_P50=$R_P50 BOT_P99=$R_P99 BOT_REQ=$R_REQ BOT_NON2XX=$R_NON2XX
run_wrk "complaint-bot at <=1000 req/s" "http://127.0.0.1:$BOT_PORT/hooks/dingtalk" 1 "$RATE_CONNS" BENCH_LEG=rate \
    BENCH_SENDERS=$SENDERS BENCH_DELAY_MS=$RATE_DELAY_MS
RATE_RPS=$R_RPS RATE_P50=$R_P50 RATE_P99=$R_P99 RATE_REQ=$R_REQ RATE_NON2XX=$R_NON2XX
metrics=$(curl -s -m 5 "http://127.0.0.1:$BOT_PORT/metrics" || true)
batches=$(awk '$1 == "complaint_bot_ingest_batches_total" { print $2 }' <<<"$metrics")
messages=$(awk '$1 == "complaint_bot_ingest_messages_total" { print $2 }' <<<"$metrics")
largest=$(awk '$1 == "complaint_bot_ingest_largest_batch" { print $2 }' <<<"$metrics")
syncs=$(awk '$1 == "complaint_bot_ingest_wal_syncs_total" { print $2 }' <<<"$metrics")
kill -TERM "$BOT_PID"
wait "$BOT_PID" || true

# --- durability check ----------------------------------------------------------------------------
q() { sqlite3 "$TMP/bench.db" "$1"; }
check_leg() {  # LEG 2XX-COUNT
    local leg=$1 ok2xx=$2 rows posts
    rows=$(q "SELECT COUNT(*) FROM inbound WHERE msg_id LIKE '$leg-%'")
    posts=$(q "SELECT COUNT(*) FROM inbound WHERE msg_id LIKE '$leg-%' AND text NOT LIKE '查询%'")
    echo "   leg $leg: $ok2xx answered 2xx, $rows callbacks in the database ($posts complaint posts)"
    if [ "$rows" -lt "$ok2xx" ]; then
        echo "DURABILITY CHECK FAILED: $((ok2xx - rows)) callbacks answered 2xx are missing" >&2
        return 1
    fi
}
echo ">> durability check (sqlite3 on the bot's database after it stopped)"
check_leg max $((BOT_REQ - BOT_NON2XX))
check_leg rate $((RATE_REQ - RATE_NON2XX))
TOTAL_POSTS=$(q "SELECT COUNT(*) FROM inbound WHERE text NOT LIKE '查询%' AND msg_id <> 'probe-1'")
TOTAL_COMPLAINTS=$(q "SELECT COUNT(*) FROM complaints")
echo "   complaints registered: $TOTAL_COMPLAINTS for $TOTAL_POSTS complaint posts in the database"
if [ "$TOTAL_COMPLAINTS" != "$TOTAL_POSTS" ]; then
    echo "CHECK FAILED: every complaint post in the inbound log must have registered a complaint" >&2
    exit 1
fi
avg_batch=$(awk -v m="${messages:-0}" -v b="${batches:-0}" 'BEGIN { if (b > 0) printf "%.1f", m / b; else print "?" }')
# Pipelined fsync: one WAL fsync covers every batch committed before it started (0 = fsync in COMMIT).
fsyncs=${syncs:-0}
[ "$fsyncs" = 0 ] && fsyncs=${batches:-0}
per_fsync=$(awk -v m="${messages:-0}" -v f="$fsyncs" 'BEGIN { if (f > 0) printf "%.1f", m / f; else print "?" }')
echo "   group commit: ${messages:-?} messages in ${batches:-?} commits (average ${avg_batch}, largest ${largest:-?}), $fsyncs WAL fsyncs ($per_fsync messages each)"

# --- summary -------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }
verdict=$(awk -v r="$BOT_RPS" -v t=$TARGET_RPS 'BEGIN { print (r >= t) ? "met" : "not met" }')
summary=$(
    cat <<EOF
| leg | req/s | p50 ms | p99 ms | bot ÷ leg |
|---|---:|---:|---:|---:|
| complaint-bot serve (group commit, ${CONNS} connections) | $BOT_RPS | $BOT_P50 | $BOT_P99 | 1.00 |
| (a) Beast ceiling: parse JSON + 200 | $BE_RPS | $BE_P50 | $BE_P99 | $(ratio "$BOT_RPS" "$BE_RPS") |
| (b) nginx fixed 200 | $NG_RPS | $NG_P50 | $NG_P99 | $(ratio "$BOT_RPS" "$NG_RPS") |
| (c) fsync'd single-row SQLite transactions | $FSYNC_TPS tx/s | | | $(ratio "$BOT_RPS" "$FSYNC_TPS") |
| complaint-bot at ≤ 1,000 req/s offered ($RATE_CONNS connections × ${RATE_DELAY_MS} ms delay) | $RATE_RPS | $RATE_P50 | $RATE_P99 | |
| Beast ceiling at ≤ 1,000 req/s offered (same) | $BR_RPS | $BR_P50 | $BR_P99 | |

Target ≥ $TARGET_RPS posts/s on one core: **$verdict** ($BOT_RPS req/s). Group commit: ${messages:-?} messages
in ${batches:-?} commits (average ${avg_batch}, largest ${largest:-?}) and $fsyncs WAL fsyncs ($per_fsync messages per
fsync). Durability check: every
callback answered 2xx is in the database (sqlite3 count after the run), and every complaint post registered a
complaint ($TOTAL_COMPLAINTS).
EOF
)
echo
echo "$summary"
if [ -n "${BENCH_OUT:-}" ]; then
    {
        echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(date -u '+%Y-%m-%d %H:%M UTC'); $DURATION s per leg; database on $fstype."
        echo
        echo "$summary"
    } >"$BENCH_OUT"
fi
