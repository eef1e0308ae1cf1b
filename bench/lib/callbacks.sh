# Sourced by bench/ingest.sh and bench/instances.sh: their arguments, nginx and the tools they
# need, loopback ports, waiting for a server, wrk's latency figures, the DingTalk sign of the
# callbacks bench/ingest.lua sends, and the company of 50 people both benchmarks configure.
# Defines functions and nothing else runs.

# bench_arguments SCRIPT ARGS...: sets TINY=1 for --tiny; --help prints SCRIPT's header comment.
bench_arguments() {
    local script=$1 arg
    shift
    TINY=0
    for arg in "$@"; do
        case "$arg" in
            --tiny) TINY=1 ;;
            -h | --help)
                sed -n '2,/^set -euo/p' "$script" | sed '$d' | sed 's/^# \{0,1\}//'
                exit 0
                ;;
            *)
                echo "$script: unknown argument '$arg' (use --tiny or --help)" >&2
                exit 2
                ;;
        esac
    done
}

# Sets NGINX to nginx's path (empty when not installed).
bench_find_nginx() {
    NGINX=$(command -v nginx || true)
    if [ -z "$NGINX" ] && [ -x /usr/sbin/nginx ]; then NGINX=/usr/sbin/nginx; fi
}

# bench_require SCRIPT PACKAGE...: exits naming the missing Debian packages and how to install them.
bench_require() {
    local script=$1
    shift
    [ $# -eq 0 ] && return 0
    echo "$script: missing $*; install with:" >&2
    echo "    sudo apt-get install $*      (or run: scripts/run bench-tiny)" >&2
    exit 1
}

# bench_nginx_head DIR: the start of an nginx.conf whose files all live in DIR (made first by the
# caller; one worker in the foreground, no access log), up to and inside `http {`; the caller adds
# its servers and the `}`.
bench_nginx_head() {
    local dir=$1
    cat <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    keepalive_requests 1000000;
EOF
}

bench_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# bench_pick_ports N: N distinct free loopback ports, space-separated, below the ephemeral range
# (32768-) so that no client port is in the way.
bench_pick_ports() {
    local want=$1 picked=" " p
    for _ in $(seq $((want * 50))); do
        p=$((20000 + RANDOM % 12000))
        if ! bench_port_busy "$p" && [[ "$picked" != *" $p "* ]]; then
            picked+="$p "
            [ "$(wc -w <<<"$picked")" -ge "$want" ] && { echo $picked; return 0; }
        fi
    done
    echo "no $want free ports found" >&2
    return 1
}

bench_wait_http() { # URL: until it answers at all (any status), 10 s at most
    for _ in $(seq 200); do
        curl -s -o /dev/null -m 1 "$1" && return 0
        sleep 0.05
    done
    echo "nothing answers at $1" >&2
    return 1
}

bench_to_ms() { # wrk latency ("812.00us", "1.23ms", "2.01s") → milliseconds
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.0f", v * 60000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
        else print "?" }'
}

# bench_wrk_figures NAME OUT: reads wrk's output file OUT into R_RPS, R_P50, R_P99 (ms), R_REQ,
# R_NON2XX and R_ERRORS, and prints them on one line under NAME.
bench_wrk_figures() {
    local name=$1 out=$2
    R_RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
    R_P50=$(bench_to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    R_P99=$(bench_to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    R_REQ=$(awk '/requests in/ { print $1 }' "$out")
    R_NON2XX=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
    R_NON2XX=${R_NON2XX:-0}
    R_ERRORS=$(awk '/Socket errors:/ { print }' "$out")
    printf '   %-36s %8s req/s   p50 %7s ms   p99 %7s ms   (%s requests, %s non-2xx%s)\n' "$name" "$R_RPS" \
        "$R_P50" "$R_P99" "$R_REQ" "$R_NON2XX" "${R_ERRORS:+; $R_ERRORS}"
}

# New secrets, and the timestamp and sign every callback carries: exports BENCH_APP_SECRET,
# BENCH_WEBHOOK_SECRET, BENCH_TS and BENCH_SIGN = Base64(HMAC-SHA256(key = secret, message =
# timestamp + "\n" + secret)), as adapters/dingtalk.cpp checks.
bench_sign_callbacks() {
    BENCH_APP_SECRET="SEC$(openssl rand -hex 24)"
    BENCH_WEBHOOK_SECRET="SEC$(openssl rand -hex 24)"
    BENCH_TS=$(date +%s%3N)
    BENCH_SIGN=$(printf '%s\n%s' "$BENCH_TS" "$BENCH_APP_SECRET" |
        openssl dgst -sha256 -hmac "$BENCH_APP_SECRET" -binary | base64 -w0)
    export BENCH_APP_SECRET BENCH_WEBHOOK_SECRET BENCH_TS BENCH_SIGN
}
BENCH_SENDERS_COUNT=31 # the salespeople dt-2001 … of the company below

# The company's organization: and roles: (50 people, 31 of them salespeople posting).
bench_company() {
    cat <<'YAML'
organization:
  departments:
    - { name: 销售一部,   head: chenjing }
    - { name: 销售二部,   head: huangwei }
    - { name: 打单部,     head: lisi }
    - { name: 人力资源部, head: wangwu }
    - { name: 生产部,     head: zhaoliu }
    - { name: 采购部,     head: wujiu }
    - { name: 物流部,     head: zhengshi }
    - { name: 客服部,     head: heping }
    - { name: 监察部,     head: jiangtao }
    - { name: 行政部,     head: xuli }
    - { name: 总经办,     head: wangzong }
  people:
    - { id: chenjing,     name: 陈静,   department: 销售一部,   accounts: { dingtalk: "dt-1001" } }
    - { id: huangwei,     name: 黄伟,   department: 销售二部,   accounts: { dingtalk: "dt-1003" } }
    - { id: lisi,         name: 李四,   department: 打单部,     accounts: { dingtalk: "dt-1005" } }
    - { id: zhoumin,      name: 周敏,   department: 打单部,     accounts: { dingtalk: "dt-1006" } }
    - { id: wangwu,       name: 王五,   department: 人力资源部, accounts: { dingtalk: "dt-1007" } }
    - { id: sunli,        name: 孙丽,   department: 人力资源部, accounts: { dingtalk: "dt-1008" } }
    - { id: zhaoliu,      name: 赵六,   department: 生产部,     accounts: { dingtalk: "dt-1009" } }
    - { id: qianqi,       name: 钱七,   department: 生产部,     accounts: { dingtalk: "dt-1010" } }
    - { id: wujiu,        name: 吴九,   department: 采购部,     accounts: { dingtalk: "dt-1011" } }
    - { id: zhengshi,     name: 郑十,   department: 物流部,     accounts: { dingtalk: "dt-1012" } }
    - { id: heping,       name: 何平,   department: 客服部,     accounts: { dingtalk: "dt-1013" } }
    - { id: fengxiao,     name: 冯晓,   department: 客服部,     accounts: { dingtalk: "dt-1014" } }
    - { id: jiangtao,     name: 江涛,   department: 监察部,     accounts: { dingtalk: "dt-1015" } }
    - { id: xuli,         name: 徐丽,   department: 行政部,     accounts: { dingtalk: "dt-1016" } }
    - { id: wangzong,     name: 王总,   department: 总经办,     accounts: { dingtalk: "dt-1017" } }
    - { id: dingxiaoling, name: 丁小玲, department: 总经办,     accounts: { dingtalk: "dt-1018" } }
    - { id: liuqiang,     name: 刘强,   department: 总经办,     accounts: { dingtalk: "dt-1019" } }
YAML
    local i dept
    for i in $(seq 1 "$BENCH_SENDERS_COUNT"); do
        dept=销售一部
        [ $((i % 2)) = 0 ] && dept=销售二部
        printf '    - { id: sales%02d, name: 业务员%d, department: %s, accounts: { dingtalk: "dt-%d" } }\n' \
            "$i" "$i" "$dept" $((2000 + i))
    done
    cat <<'YAML'
    - { id: desk03, name: 打单员三, department: 打单部, accounts: { dingtalk: "dt-3001" } }
    - { id: hr03,   name: 人事专员, department: 人力资源部, accounts: { dingtalk: "dt-3002" } }
roles:
  order_desk: 打单部
  hr: 人力资源部
  investigators: [生产部, 采购部, 物流部]
  appeal: 监察部
  vice_presidents: { 销售一部: liuqiang, 销售二部: liuqiang }
  general_manager: [wangzong, dingxiaoling]
YAML
}
