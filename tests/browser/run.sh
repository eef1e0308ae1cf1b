#!/usr/bin/env bash
# The dashboard in a real headless browser (ctest browser_dashboard, label browser):
#   tests/browser/run.sh BUILD_DIR
# replays an example day into a fresh database, gives an HR person and a department head a
# password, starts `complaint-bot serve` on a free loopback port and drives the system Chromium
# through the dashboard with playwright-core (tests/browser/dashboard.mjs). playwright-core is
# installed from the committed lock file into BUILD_DIR/browser/node_modules (`npm ci`, skipped while
# the lock file is unchanged, so later runs need no network); it never downloads a browser.
# Then the same for a group of companies (examples/group.yaml): a member of the group centre at
# /group and in a company's pages (tests/browser/group.mjs).
# Screenshots: BUILD_DIR/browser/screenshots/*.png. serve's logs: BOT_TEST_LOG_DIR (default
# BUILD_DIR/test-logs)/browser_dashboard/serve.log and serve-group.log, scanned for secrets by
# LogsHoldNoSecret.
#
# Environment (all optional): BOT_BINARY (default BUILD_DIR/complaint-bot), CHROMIUM (default
# `command -v chromium`), BROWSER_SCRIPT (the replayed script, default examples/corrections-day.jsonl:
# fines in two departments, so the department head's narrowing shows), BOT_TEST_LOG_DIR.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)

fail() { echo "browser_dashboard: FAILED: $*" >&2; exit 1; }
install_hint="install them: apt-get install --no-install-recommends chromium fonts-wqy-microhei nodejs npm (bash scripts/run test does)"

bot=${BOT_BINARY:-$build/complaint-bot}
chromium=${CHROMIUM:-$(command -v chromium || true)}
[ -x "$bot" ] || fail "no complaint-bot at $bot (build it first: cmake --build $build --target complaint-bot)"
missing=()
[ -n "$chromium" ] && [ -x "$chromium" ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] || fail "missing ${missing[*]}: $install_hint"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || fail "node $(node --version) is too old: playwright-core needs node 18 or later"

# playwright-core from the lock file, into the build tree.
modules=$build/browser
mkdir -p "$modules"
if ! cmp -s "$here/package-lock.json" "$modules/.installed-lock.json" ||
   ! cmp -s "$here/package.json" "$modules/package.json" ||
   [ ! -f "$modules/node_modules/playwright-core/package.json" ]; then
    echo ">> npm ci (playwright-core from tests/browser/package-lock.json) into $modules"
    cp "$here/package.json" "$here/package-lock.json" "$modules/"
    rm -f "$modules/.installed-lock.json"
    # Node trusts its own CA list; add the system's (ca-certificates and the machine's local CAs,
    # e.g. a company's TLS-inspecting proxy), as the bot's HTTPS client does.
    ca=()
    [ -n "${NODE_EXTRA_CA_CERTS:-}" ] || [ ! -f /etc/ssl/certs/ca-certificates.crt ] ||
        ca=(NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
    env "${ca[@]}" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$modules" --ignore-scripts --no-audit --no-fund \
        --loglevel=error || fail "npm ci failed (offline? it needs the npm registry once per lock file change)"
    cp "$here/package-lock.json" "$modules/.installed-lock.json"
else
    echo ">> playwright-core already installed in $modules (lock file unchanged)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cb-browser.XXXXXX")
logs=${BOT_TEST_LOG_DIR:-$build/test-logs}/browser_dashboard
mkdir -p "$logs"
serve_pid=
serve_log=serve.log
cleanup() {
    local status=$?
    if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
        kill -TERM "$serve_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$serve_pid" 2>/dev/null || true
        wait "$serve_pid" 2>/dev/null || true
    fi
    [ -f "$tmp/serve.log" ] && cp "$tmp/serve.log" "$logs/serve.log"
    [ -f "$tmp/serve-group.log" ] && cp "$tmp/serve-group.log" "$logs/serve-group.log"
    if [ "$status" -ne 0 ] && [ -f "$tmp/$serve_log" ]; then
        echo "-- last lines of serve's log ($logs/$serve_log):" >&2
        tail -n 20 "$tmp/$serve_log" >&2
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
port=$(free_port)
dead_port=$(free_port)  # nothing listens there: serve's outbound posts fail on loopback, never leave the machine

# config.example.yaml with the listen address, the port and the database changed.
config=$tmp/config.yaml
db=$tmp/bot.db
sed -e "s#^database:.*#database: $db#" \
    -e "s#^  listen: .*#  listen: 127.0.0.1#" \
    -e "s#^  port: .*#  port: $port#" \
    "$source_dir/config.example.yaml" >"$config"
grep -q "^  port: $port\$" "$config" && grep -q "^database: $db\$" "$config" ||
    fail "could not set server.port and database in the copy of config.example.yaml (its layout changed?)"
"$bot" check-config "$config" >"$tmp/check-config.txt" 2>&1 || { cat "$tmp/check-config.txt" >&2; fail "check-config refused $config"; }

script=${BROWSER_SCRIPT:-$source_dir/examples/corrections-day.jsonl}
"$bot" replay --config "$config" --script "$script" --db "$db" >"$tmp/replay.txt" 2>&1 ||
    { tail -n 20 "$tmp/replay.txt" >&2; fail "replay of $script failed"; }
echo ">> replayed $script into $db"

# The people (ids of config.example.yaml): sunli works in 人力资源部 (roles.hr: sees everything),
# wujiu heads 采购部.
hr_user=sunli hr_password=Browser-Test-HR-Passw0rd-5d2e
head_user=wujiu head_department=采购部 head_password=Browser-Test-Head-Passw0rd-81af
for who in "$hr_user:$hr_password" "$head_user:$head_password"; do
    printf '%s\n' "${who#*:}" | "$bot" passwd --config "$config" "${who%%:*}" >"$tmp/passwd.txt" 2>&1 ||
        { cat "$tmp/passwd.txt" >&2; fail "complaint-bot passwd ${who%%:*} failed"; }
done

export DINGTALK_APP_SECRET=SECbrowser-app-secret-3e91 DINGTALK_WEBHOOK_SECRET=SECbrowser-robot-secret-a7c4
export DINGTALK_WEBHOOK_URL="http://127.0.0.1:$dead_port/robot/send?access_token=browser-test"
# start_serve WHAT ARGS...: `complaint-bot serve ARGS` in the background, its log $tmp/$serve_log,
# until it listens on $port (30 s at most); WHAT names it in the messages.
start_serve() {
    local what=$1 i
    shift
    "$bot" serve "$@" >"$tmp/$serve_log" 2>&1 &
    serve_pid=$!
    for i in $(seq 1 300); do
        kill -0 "$serve_pid" 2>/dev/null || { wait "$serve_pid" || true; serve_pid=; fail "$what exited before listening"; }
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
        [ "$i" -lt 300 ] || fail "$what is not listening on 127.0.0.1:$port after 30 s"
        sleep 0.1
    done
    echo ">> $what (PID $serve_pid) on 127.0.0.1:$port"
}
start_serve "complaint-bot serve" --config "$config"

rm -rf "$modules/screenshots"
mkdir -p "$modules/screenshots"
BASE_URL="http://127.0.0.1:$port" CHROMIUM="$chromium" BROWSER_MODULES="$modules" \
SCREENSHOT_DIR="$modules/screenshots" BOT_BINARY="$bot" BOT_DB="$db" \
HR_USER=$hr_user HR_PASSWORD=$hr_password \
HEAD_USER=$head_user HEAD_PASSWORD=$head_password HEAD_DEPARTMENT=$head_department \
    node "$here/dashboard.mjs"

# ---- The dashboard of a group (examples/group.yaml, its 华东 from a copy of examples/company.yaml
# that replays examples/day.jsonl): a member of the group centre in the browser (group.mjs).
kill -TERM "$serve_pid" && wait "$serve_pid" || true
serve_pid=
serve_log=serve-group.log
group_dir=$tmp/group
mkdir -p "$group_dir"
sed -e "s#^database:.*#database: $group_dir/bot.db#" -e "s#^  port: .*#  port: $port#" \
    "$source_dir/examples/group.yaml" >"$group_dir/group.yaml"
sed -e "s#^database:.*#database: $group_dir/huadong.db#" "$source_dir/examples/company.yaml" >"$group_dir/company.yaml"
grep -q "^  port: $port\$" "$group_dir/group.yaml" || fail "could not set server.port in the copy of examples/group.yaml"
"$bot" replay --config "$group_dir/group.yaml" --company huadong --script "$source_dir/examples/day.jsonl" \
    --db "$group_dir/huadong.db" >"$tmp/replay-group.txt" 2>&1 ||
    { tail -n 20 "$tmp/replay-group.txt" >&2; fail "replay of examples/day.jsonl for 华东 failed"; }
member_user=zhoujie member_password=Browser-Test-Member-Passw0rd-c4d1
printf '%s\n' "$member_password" | "$bot" passwd --config "$group_dir/group.yaml" "$member_user" >"$tmp/passwd.txt" 2>&1 ||
    { cat "$tmp/passwd.txt" >&2; fail "complaint-bot passwd $member_user failed"; }
dead="http://127.0.0.1:$dead_port/robot/send?access_token=browser-test"
export HUADONG_WEBHOOK_URL=$dead HUANAN_WEBHOOK_URL=$dead GROUP_WEBHOOK_URL=$dead
export HUADONG_WEBHOOK_SECRET=SECbrowser-robot-secret-a7c4 HUANAN_WEBHOOK_SECRET=SECbrowser-robot-secret-a7c4
export GROUP_WEBHOOK_SECRET=SECbrowser-robot-secret-a7c4
# The clock right after the replayed day, so that "this month" is its November.
start_serve "serve of the group" --config "$group_dir/group.yaml" --clock-from 2026-11-23T18:31:00+08:00
GROUP_URL="http://127.0.0.1:$port" CHROMIUM="$chromium" BROWSER_MODULES="$modules" \
SCREENSHOT_DIR="$modules/screenshots" MEMBER_USER=$member_user MEMBER_PASSWORD=$member_password \
    node "$here/group.mjs"
