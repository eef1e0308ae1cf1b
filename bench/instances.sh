#!/usr/bin/env bash
# More than one instance on one PostgreSQL (README "More than one machine"): what a second
# `complaint-bot serve` adds, measured beside the ceilings of the same machine in the same run.
#
#   ingest    signed DingTalk HTTP-mode callbacks (bench/ingest.lua: full Chinese complaint posts and
#             some 查询 commands) through an nginx load balancer, first with one instance behind it,
#             then with two on the same database (target: two ≥ 1.5 × one). Every 2xx is committed
#             before it is sent; afterwards psql checks that each one is in the database and each
#             complaint post registered one complaint.
#             Ceilings: nginx balancing onto a fixed 200 (the HTTP path without the bot) and pgbench
#             with one-row fsync'd transactions from as many clients on the same server (what one
#             transaction per request would allow).
#   burst     1,000 respond deadlines (the 50-yuan fines) of 1,000 complaints written by another
#             process fall due at one instant while both instances run; each must fire once (one
#             fine each, fired counted per instance from /metrics), fired_at - due p99 ≤ 50 ms.
#   failover  the holder of the jobs lease (the scheduled digests) is killed with SIGKILL; the time
#             until the other instance holds it (target ≤ the lease's 15 s expiry + 2 s).
#
# Usage: bench/instances.sh [--tiny]
#   --tiny   2 s per ingest leg and a burst of 100 (a smoke test of the script; the figures mean little)
# Environment (all optional):
#   BENCH_DURATION     seconds per wrk leg (default 10, 2 with --tiny)
#   BENCH_CONNECTIONS  wrk connections (default 128)
#   BENCH_BURST        deadlines in the burst (default 1000, 100 with --tiny)
#   BENCH_BUILD_DIR    build directory (default build-release, configured Release -O2 with
#                      -DBOT_BUILD_BENCH=ON and built when the binaries are missing or stale)
#   BENCH_BUILD_TYPE   CMake build type for that directory (default Release)
#   BENCH_TMPDIR       where the temp dir with the PostgreSQL cluster goes (default /var/tmp: a real
#                      disk, not tmpfs, or fsync costs nothing)
#   BENCH_OUT          also write the summary as Markdown to this file
#   BENCH_KEEP=1       keep the temp dir (cluster, logs, configs)
# Needs postgresql-15 (initdb, postgres, pgbench, psql), wrk, nginx-light, openssl, curl; installs
# nothing (scripts/run bench-tiny does). As root the server runs as the `postgres` user, which initdb
# requires. Loopback only (127.0.0.1); everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
# shellcheck source=bench/lib/callbacks.sh
source bench/lib/callbacks.sh

bench_arguments bench/instances.sh "$@"
if [ "$TINY" = 1 ]; then
    DURATION=${BENCH_DURATION:-2} BURST=${BENCH_BURST:-100}
else
    DURATION=${BENCH_DURATION:-10} BURST=${BENCH_BURST:-1000}
fi
CONNS=${BENCH_CONNECTIONS:-128}
BUILD_DIR=${BENCH_BUILD_DIR:-build-release}
BUILD_TYPE=${BENCH_BUILD_TYPE:-Release}
PGBIN=/usr/lib/postgresql/15/bin
LEASE_TTL_S=15 # bot/pipeline/service.cpp: the jobs lease, renewed every 5 s

# --- tools ---------------------------------------------------------------------------------------
bench_find_nginx
missing=()
[ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pgbench" ] || missing+=(postgresql-15)
command -v psql >/dev/null || missing+=(postgresql-client-15)
command -v wrk >/dev/null || missing+=(wrk)
[ -n "$NGINX" ] || missing+=(nginx-light)
command -v openssl >/dev/null || missing+=(openssl)
command -v curl >/dev/null || missing+=(curl)
bench_require bench/instances.sh "${missing[@]}"

# --- build ---------------------------------------------------------------------------------------
BOT="$BUILD_DIR/complaint-bot"
GEN="$BUILD_DIR/bench/gen_open_work"
echo ">> building complaint-bot and gen_open_work in $BUILD_DIR ($BUILD_TYPE)"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
    -DBOT_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD_DIR" -j"${JOBS:-2}" --target complaint-bot gen_open_work >/dev/null

# --- temp dir, ports, cleanup --------------------------------------------------------------------
TMP=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/instances-bench.XXXXXX")
chmod 755 "$TMP" # the postgres user walks into it
PIDS=()
PG_STARTED=0
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ "$PG_STARTED" = 1 ] && as_pg "$PGBIN/pg_ctl" -D "$TMP/pg/data" -m fast -w stop >/dev/null 2>&1 || true
    if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r PG_PORT LB_PORT FIXED_PORT WEBHOOK_PORT PORT_A PORT_B <<<"$(bench_pick_ports 6)"
now_ms() { date +%s%3N; }

# --- PostgreSQL ----------------------------------------------------------------------------------
fstype=$(df -T "$TMP" | awk 'NR == 2 { print $2 }')
[ "$fstype" = tmpfs ] && echo "warning: $TMP is on tmpfs: fsync is free there; set BENCH_TMPDIR" >&2
mkdir -p "$TMP/pg"
[ "$(id -u)" = 0 ] && chown postgres "$TMP/pg"
as_pg "$PGBIN/initdb" -D "$TMP/pg/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$TMP/initdb.log" 2>&1 || {
    cat "$TMP/initdb.log" >&2
    exit 1
}
# Durable as a production server is (fsync, synchronous_commit on), on this machine's disk.
as_pg "$PGBIN/pg_ctl" -D "$TMP/pg/data" -l "$TMP/pg/server.log" -w -o \
    "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$TMP/pg -c max_connections=300 -c shared_buffers=128MB" \
    start >/dev/null
PG_STARTED=1
PSQL=(psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1)
for db in ingest burst ceiling; do "${PSQL[@]}" -d postgres -c "CREATE DATABASE $db"; done
q() { "${PSQL[@]}" -d "$1" -c "$2"; } # q DATABASE SQL
pg_url() { echo "postgresql://postgres@127.0.0.1:$PG_PORT/$1"; }

# --- secrets, sign, configs ----------------------------------------------------------------------
bench_sign_callbacks
export BENCH_WEBHOOK="http://127.0.0.1:$WEBHOOK_PORT/robot/send?access_token=bench"
SENDERS=$BENCH_SENDERS_COUNT

write_config() { # write_config FILE DATABASE PORT
    {
        cat <<EOF
# Generated by bench/instances.sh: the company of bench/ingest.sh (50 people) on PostgreSQL.
timezone: Asia/Shanghai
database: $(pg_url "$2")
EOF
        bench_company
        cat <<EOF
server: { listen: 127.0.0.1, port: $3, dashboard: false }
platforms:
  dingtalk: { app_secret_env: BENCH_APP_SECRET, webhook_env: BENCH_WEBHOOK, webhook_secret_env: BENCH_WEBHOOK_SECRET }
chats:
  - { id: group, platform: dingtalk, conversation: "cidBENCH==" }
EOF
    } >"$1"
}
for db in ingest burst; do
    write_config "$TMP/$db-a.yaml" "$db" "$PORT_A"
    write_config "$TMP/$db-b.yaml" "$db" "$PORT_B"
done
"$BOT" check-config "$TMP/ingest-a.yaml" >"$TMP/check-config.txt" || {
    cat "$TMP/check-config.txt" >&2
    exit 1
}

# --- nginx: the load balancer, a fixed 200 (the HTTP ceiling) and the robot webhook --------------
write_nginx() { # write_nginx UPSTREAM-SERVER... : round robin over them, keepalive to each
    local servers="" s
    for s in "$@"; do servers+="        server $s max_fails=0;"$'\n'; done
    mkdir -p "$TMP/nginx"
    {
        bench_nginx_head "$TMP/nginx"
        cat <<EOF
    upstream bots {
$servers        keepalive 256;
    }
    server {
        listen 127.0.0.1:$LB_PORT;
        location / {
            proxy_pass http://bots;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream off;
        }
    }
    server {
        listen 127.0.0.1:$FIXED_PORT;
        listen 127.0.0.1:$WEBHOOK_PORT;
        location / {
            default_type application/json;
            return 200 '{"errcode":0,"errmsg":"ok"}';
        }
    }
}
EOF
    } >"$TMP/nginx/nginx.conf"
}
NGINX_PID=
start_nginx() {
    [ -n "$NGINX_PID" ] && { kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; }
    write_nginx "$@"
    "$NGINX" -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" &
    NGINX_PID=$!
    PIDS+=("$NGINX_PID")
    bench_wait_http "http://127.0.0.1:$FIXED_PORT/"
}

# --- wrk -----------------------------------------------------------------------------------------
run_wrk() { # run_wrk NAME URL LEG: leaves its figures in R_*
    local name=$1 url=$2 leg=$3 out="$TMP/wrk-$3.txt"
    BENCH_LEG=$leg BENCH_SENDERS=$SENDERS wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 10s --latency \
        -s "$ROOT/bench/ingest.lua" "$url" >"$out" 2>&1 || {
        cat "$out" >&2
        return 1
    }
    bench_wrk_figures "$name" "$out"
}

# --- the instances -------------------------------------------------------------------------------
declare -A BOT_PID
start_bot() { # start_bot NAME CONFIG PORT
    "$BOT" serve --config "$2" >>"$TMP/bot-$1.log" 2>&1 &
    BOT_PID[$1]=$!
    PIDS+=("$!")
    bench_wait_http "http://127.0.0.1:$3/healthz" || {
        tail -20 "$TMP/bot-$1.log" >&2
        exit 1
    }
}
stop_bot() { # stop_bot NAME
    local pid=${BOT_PID[$1]:-}
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    BOT_PID[$1]=
}
metric() { # metric PORT NAME
    curl -s -m 5 "http://127.0.0.1:$1/metrics" | awk -v n="$2" '$1 == n { print $2 }'
}

echo ">> machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo ">> PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }') on $fstype ($TMP), fsync on; $DURATION s per leg, $CONNS connections, 2 wrk threads; nothing pinned"

# --- ceilings ------------------------------------------------------------------------------------
start_nginx "127.0.0.1:$FIXED_PORT"
run_wrk "nginx balancing onto a fixed 200" "http://127.0.0.1:$LB_PORT/hooks/dingtalk" ceiling
NG_RPS=$R_RPS NG_P50=$R_P50 NG_P99=$R_P99
q ceiling "CREATE TABLE t(id BIGSERIAL PRIMARY KEY, v TEXT NOT NULL)"
echo "INSERT INTO t(v) VALUES ('产品质量投诉 一行');" >"$TMP/pgbench.sql"
pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$CONNS" -j 2 -T "$DURATION" -f "$TMP/pgbench.sql" ceiling \
    >"$TMP/pgbench.txt" 2>&1 || {
    cat "$TMP/pgbench.txt" >&2
    exit 1
}
PGB_TPS=$(awk '/^tps = / { printf "%.0f", $3 }' "$TMP/pgbench.txt")
PGB_LAT=$(awk '/^latency average = / { print $4 }' "$TMP/pgbench.txt")
printf '   %-36s %7s tx/s    average %s ms (%s clients)\n' "pgbench one-row transactions" "$PGB_TPS" "$PGB_LAT" "$CONNS"

# --- ingest: one instance, then two --------------------------------------------------------------
start_bot a "$TMP/ingest-a.yaml" "$PORT_A"
start_bot b "$TMP/ingest-b.yaml" "$PORT_B"
# One signed callback by hand through each first: a wrong sign would make every wrk request a 401.
for port in "$PORT_A" "$PORT_B"; do
    probe=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H 'Content-Type: application/json' \
        -H "timestamp: $BENCH_TS" -H "sign: $BENCH_SIGN" \
        --data "{\"msgtype\":\"text\",\"text\":{\"content\":\"帮助\"},\"msgId\":\"probe-$port\",\"conversationType\":\"2\",\"conversationId\":\"cidBENCH==\",\"senderStaffId\":\"dt-2001\"}" \
        "http://127.0.0.1:$port/hooks/dingtalk")
    [ "$probe" = 200 ] || {
        echo "the instance on port $port answered $probe to a signed callback" >&2
        tail -20 "$TMP"/bot-*.log >&2
        exit 1
    }
done
start_nginx "127.0.0.1:$PORT_A"
if [ -n "${BENCH_STRACE:-}" ]; then # BENCH_STRACE=FILE: count instance A's system calls during the leg
    strace -c -f -o "$BENCH_STRACE" -p "${BOT_PID[a]}" &
    STRACE_PID=$!
    sleep 0.5
fi
run_wrk "one instance behind the balancer" "http://127.0.0.1:$LB_PORT/hooks/dingtalk" one
if [ -n "${STRACE_PID:-}" ]; then kill -INT "$STRACE_PID"; wait "$STRACE_PID" || true; fi
batches=$(metric "$PORT_A" complaint_bot_ingest_batches_total)
messages=$(metric "$PORT_A" complaint_bot_ingest_messages_total)
echo "   instance A so far: $messages messages in $batches batches (largest $(metric "$PORT_A" complaint_bot_ingest_largest_batch))"
ONE_RPS=$R_RPS ONE_P50=$R_P50 ONE_P99=$R_P99 ONE_OK=$((R_REQ - R_NON2XX)) ONE_NON2XX=$R_NON2XX
start_nginx "127.0.0.1:$PORT_A" "127.0.0.1:$PORT_B"
a0=$(metric "$PORT_A" complaint_bot_ingest_messages_total)
b0=$(metric "$PORT_B" complaint_bot_ingest_messages_total)
run_wrk "two instances behind the balancer" "http://127.0.0.1:$LB_PORT/hooks/dingtalk" two
TWO_RPS=$R_RPS TWO_P50=$R_P50 TWO_P99=$R_P99 TWO_OK=$((R_REQ - R_NON2XX)) TWO_NON2XX=$R_NON2XX
TWO_A=$(($(metric "$PORT_A" complaint_bot_ingest_messages_total) - a0))
TWO_B=$(($(metric "$PORT_B" complaint_bot_ingest_messages_total) - b0))
echo "   of the two-instance leg's messages: $TWO_A committed by A, $TWO_B by B"
stop_bot a
stop_bot b

echo ">> durability check (psql, after both stopped)"
check_leg() { # LEG 2XX-COUNT
    local rows
    rows=$(q ingest "SELECT COUNT(*) FROM inbound WHERE msg_id LIKE '$1-%'")
    echo "   leg $1: $2 answered 2xx, $rows callbacks in the database"
    [ "$rows" -ge "$2" ] || {
        echo "DURABILITY CHECK FAILED: $(($2 - rows)) callbacks answered 2xx are missing" >&2
        exit 1
    }
}
check_leg one "$ONE_OK"
check_leg two "$TWO_OK"
POSTS=$(q ingest "SELECT COUNT(*) FROM inbound WHERE text NOT LIKE '查询%' AND msg_id NOT LIKE 'probe-%'")
COMPLAINTS=$(q ingest "SELECT COUNT(*) FROM complaints")
echo "   complaints registered: $COMPLAINTS for $POSTS complaint posts"
[ "$COMPLAINTS" = "$POSTS" ] || {
    echo "CHECK FAILED: every complaint post must have registered exactly one complaint" >&2
    exit 1
}

# --- burst: deadlines written by another process, both instances running -------------------------
start_bot a "$TMP/burst-a.yaml" "$PORT_A"
start_bot b "$TMP/burst-b.yaml" "$PORT_B"
# Written after both started: they learn of it by NOTIFY (or the safety poll), as of any other writer.
lead_ms=$((TINY == 1 ? 3000 : 6000))
DUE_MS=$("$GEN" --config "$TMP/burst-a.yaml" --db "$(pg_url burst)" soon "$BURST" "$lead_ms")
echo ">> burst: $BURST respond deadlines due at one instant, $(((DUE_MS - $(now_ms)))) ms from now"
fired=0
until_ms=$((DUE_MS + 60000))
while [ "$(now_ms)" -lt "$until_ms" ]; do
    fired=$(q burst "SELECT COUNT(*) FROM deadlines WHERE key = 'respond:miss' AND due_at = $DUE_MS AND state = 'fired'")
    [ "$fired" -ge "$BURST" ] && break
    sleep 0.2
done
sleep 1
late=$(q burst "SELECT fired_at - due_at FROM deadlines WHERE key = 'respond:miss' AND due_at = $DUE_MS
                AND state = 'fired' ORDER BY 1")
pct() { awk -v p="$1" '{ v[NR] = $1 } END { if (NR == 0) { print "?"; exit } i = int(p / 100 * (NR - 1) + 0.5) + 1; print v[i] }'; }
L50=$(pct 50 <<<"$late") L99=$(pct 99 <<<"$late") LMAX=$(pct 100 <<<"$late")
# A department that stayed silent is fined once: one fine per (complaint, stage, department), each
# complaint of the burst fined (a product complaint waits on two departments).
FINES=$(q burst "SELECT COUNT(*) FROM fines WHERE deadline = $DUE_MS")
FINES_DISTINCT=$(q burst "SELECT COUNT(*) FROM (SELECT DISTINCT complaint_id, stage, department FROM fines
                          WHERE deadline = $DUE_MS) f")
FINED=$(q burst "SELECT COUNT(DISTINCT complaint_id) FROM fines WHERE deadline = $DUE_MS")
FIRED_A=$(metric "$PORT_A" complaint_bot_deadlines_fired_total)
FIRED_B=$(metric "$PORT_B" complaint_bot_deadlines_fired_total)
echo "   $fired/$BURST fired (A fired $FIRED_A, B $FIRED_B), $FINES fines ($FINES_DISTINCT distinct) for $FINED complaints"
echo "   fired_at - due: p50 $L50 ms, p99 $L99 ms, max $LMAX ms"
[ "$fired" = "$BURST" ] && [ "$FINES" = "$FINES_DISTINCT" ] && [ "$FINED" = "$BURST" ] || {
    echo "CHECK FAILED: each deadline of the burst must fire once and fine once" >&2
    exit 1
}

# --- failover of the jobs lease ------------------------------------------------------------------
holder=
for _ in $(seq 100); do
    holder=$(q burst "SELECT holder FROM leases WHERE name = 'jobs'")
    [ -n "$holder" ] && break
    sleep 0.1
done
[ -n "$holder" ] || { echo "nobody holds the jobs lease" >&2; exit 1; }
case "$holder" in
    *:"$PORT_A") victim=a survivor_port=$PORT_B ;;
    *:"$PORT_B") victim=b survivor_port=$PORT_A ;;
    *) echo "the jobs lease is held by '$holder', neither instance" >&2; exit 1 ;;
esac
kill -KILL "${BOT_PID[$victim]}"
t_kill=$(now_ms)
{ wait "${BOT_PID[$victim]}"; } 2>/dev/null || true # (without the shell's "Killed" line)
BOT_PID[$victim]=
new=
until_ms=$((t_kill + (LEASE_TTL_S + 10) * 1000))
while [ "$(now_ms)" -lt "$until_ms" ]; do
    new=$(q burst "SELECT holder FROM leases WHERE name = 'jobs'")
    [ "$new" != "$holder" ] && break
    sleep 0.1
done
FAILOVER_MS=$(($(now_ms) - t_kill))
echo ">> failover: '$holder' killed, '$new' holds the jobs lease ${FAILOVER_MS} ms later (expiry ${LEASE_TTL_S} s)"
[ "$new" != "$holder" ] && [[ "$new" == *:"$survivor_port" ]] || {
    echo "CHECK FAILED: the other instance did not take the lease" >&2
    exit 1
}
stop_bot a
stop_bot b

# --- summary -------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }
met() { # met VALUE OP LIMIT (OP: le or ge)
    awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { ok = (op == "le") ? (v + 0 <= l + 0) : (v + 0 >= l + 0)
                                                 print (v ~ /^[0-9.]+$/ && ok) ? "met" : "not met" }'
}
SCALE=$(ratio "$TWO_RPS" "$ONE_RPS")
summary=$(
    cat <<EOF
| leg | req/s | p50 ms | p99 ms | ÷ one instance |
|---|---:|---:|---:|---:|
| one instance behind nginx (PostgreSQL, $CONNS connections) | $ONE_RPS | $ONE_P50 | $ONE_P99 | 1.00 |
| two instances behind nginx, same database | $TWO_RPS | $TWO_P50 | $TWO_P99 | $SCALE |
| ceiling: nginx balancing onto a fixed 200 | $NG_RPS | $NG_P50 | $NG_P99 | $(ratio "$ONE_RPS" "$NG_RPS") |
| ceiling: pgbench one-row fsync'd transactions, $CONNS clients | $PGB_TPS tx/s | avg $PGB_LAT | | $(ratio "$ONE_RPS" "$PGB_TPS") |

| target | measured | |
|---|---|---|
| two instances ingest ≥ 1.5 × one | $SCALE × ($TWO_A messages committed by one instance, $TWO_B by the other; non-2xx: $ONE_NON2XX and $TWO_NON2XX) | **$(met "$SCALE" ge 1.5)** |
| a burst of $BURST deadlines, each fired once, p99 fired − due ≤ 50 ms | $fired fired ($FIRED_A by one, $FIRED_B by the other), $FINES fines, each (complaint, department) once, for $FINED complaints; p50 $L50 ms, p99 $L99 ms, max $LMAX ms | **$(met "$L99" le 50)** |
| failover of the jobs lease ≤ its expiry + 2 s ($((LEASE_TTL_S + 2)) s) | $FAILOVER_MS ms from the SIGKILL of its holder | **$(met "$FAILOVER_MS" le $(((LEASE_TTL_S + 2) * 1000)))** |

Every callback answered 2xx is in the database (psql count afterwards) and each complaint post registered
one complaint ($COMPLAINTS).
EOF
)
echo
echo "$summary"
if [ -n "${BENCH_OUT:-}" ]; then
    {
        echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(date -u '+%Y-%m-%d %H:%M UTC'); $DURATION s per leg; PostgreSQL on $fstype; build $BUILD_TYPE."
        echo
        echo "$summary"
    } >"$BENCH_OUT"
fi
