#!/usr/bin/env bash
# The dashboard at scale (issue 11): `complaint-bot serve` on a database of 1,000,000 complaints
# (100,000 open, the closed ones spread over the past year), every page and API answer timed next
# to the same server's ceiling — a static file (/static/app.css: routing, the session check, the
# headers, no data) — in the same run.
#
#   bench/dashboard.sh [--tiny] [--keep]
#
# Each URL: one cold request (the first after start-up), then 20 timed ones; p50 / p95 / max of
# those, measured at the client over loopback (the loopback round trip is in the ceiling too).
# Target: every page and API answer <= 50 ms; the page's own CSS and JS < 100 KB.
# --tiny: 10,000 complaints (1,000 open), 5 timed requests each (for CI, under 60 s).
# Environment: BUILD_DIR (default build), JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

complaints=1000000 deadlines=100000 rounds=20 keep=0
for arg in "$@"; do
    case "$arg" in
        --tiny) complaints=10000 deadlines=1000 rounds=5 ;;
        --keep) keep=1 ;;
        *) echo "usage: bench/dashboard.sh [--tiny] [--keep]" >&2; exit 2 ;;
    esac
done
build=${BUILD_DIR:-build}

echo ">> building complaint-bot and gen_open_work in $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBOT_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target complaint-bot gen_open_work >/dev/null

work=$(mktemp -d /tmp/complaint-bot-dashboard.XXXXXX)
serve_pid=
cleanup() {
    if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
        kill "$serve_pid" 2>/dev/null || true
        wait "$serve_pid" 2>/dev/null || true
    fi
    if [ "$keep" = 1 ]; then echo ">> kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
closed_port=$(free_port)

sed -e "s|^database:.*|database: $work/bot.db|" examples/company.yaml >"$work/company.yaml"
cat >>"$work/company.yaml" <<EOF
server: { listen: 127.0.0.1, port: $port }
platforms:
  dingtalk: { mode: http, app_secret_env: BENCH_DT_APP_SECRET, webhook_env: BENCH_DT_WEBHOOK_URL,
              webhook_secret_env: BENCH_DT_WEBHOOK_SECRET }
chats:
  - { id: group, platform: dingtalk }
EOF
export BENCH_DT_APP_SECRET=bench-app-secret BENCH_DT_WEBHOOK_SECRET=SECbench
export BENCH_DT_WEBHOOK_URL="https://127.0.0.1:$closed_port/robot/send?access_token=bench"

db=$work/bot.db
a=$(date +%s)
bench/lib/scale_db.sh "$build" "$work/company.yaml" "$db" "$complaints" "$deadlines" 0 365
echo "   generated in $(($(date +%s) - a)) s, database $(du -m "$db" | cut -f1) MB"
sync "$db"

hr=$(sed -n 's/^  hr: *\([^ #]*\).*/\1/p' "$work/company.yaml" | head -1)
hr_person=$(python3 - "$work/company.yaml" "$hr" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for m in re.finditer(r"\{ *id: *([a-z0-9_]+)[^}]*department: *([^,}]+)", text):
    if m.group(2).strip() == sys.argv[2]:
        print(m.group(1)); break
PY
)
[ -n "$hr_person" ] || { echo "no person of roles.hr ($hr) in examples/company.yaml" >&2; exit 1; }
password=bench-dashboard-Passw0rd
printf '%s\n' "$password" | "$build/complaint-bot" passwd --config "$work/company.yaml" "$hr_person" >/dev/null

"$build/complaint-bot" serve --config "$work/company.yaml" >"$work/serve.log" 2>&1 &
serve_pid=$!

python3 - "$port" "$hr_person" "$password" "$rounds" "$complaints" "$deadlines" "$work/serve.log" \
    "$serve_pid" <<'PY'
import http.client, os, re, statistics, sys, time, urllib.parse

port, person, password, rounds = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
complaints, deadlines, log, pid = sys.argv[5], sys.argv[6], sys.argv[7], int(sys.argv[8])

def request(method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    a = time.perf_counter()
    c.request(method, path, body, headers or {})
    r = c.getresponse()
    data = r.read()
    ms = (time.perf_counter() - a) * 1000
    c.close()
    return r, data, ms

deadline = time.time() + 120
while True:
    try:
        if request("GET", "/healthz")[0].status == 200:
            break
    except OSError:
        pass
    if time.time() > deadline:
        sys.exit("serve did not answer /healthz within 120 s")
    time.sleep(0.05)
# The open complaints, the facts of every complaint and 现在's rows come into memory page by page
# after start-up; measure once they are all there (the log says how long it took).
for mark in ("holding", "the figures of", "现在 has the rows"):
    while mark not in open(log, encoding="utf-8", errors="replace").read():
        if time.time() > deadline:
            sys.exit(f"serve did not log '{mark}' within 120 s of starting")
        time.sleep(0.1)
start_log = open(log, encoding="utf-8").read()
def logged_at(mark):
    for line in start_log.splitlines():
        if mark in line:
            return time.mktime(time.strptime(line[1:20], "%Y-%m-%d %H:%M:%S")) + float(line[20:24])
started = logged_at("listening on")
held = re.search(r"holding (\d+) complaints", open(log, encoding="utf-8").read()).group(1)

r, _, _ = request("POST", "/login", urllib.parse.urlencode({"user": person, "password": password}),
                  {"Content-Type": "application/x-www-form-urlencoded"})
if r.status != 303:
    sys.exit(f"login answered {r.status}")
cookie = r.getheader("Set-Cookie").split(";")[0]

today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
month = today[:8] + "01"
year = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600 - 365 * 86400))
first = "P1"
urls = ["/static/app.css", "/", "/api/now", "/fines", "/ontime", "/lateness", "/categories",
        f"/complaint/{first}", "/print/sheet", "/print/statement",
        f"/api/complaints?from={today}&to={today}", f"/api/fines?from={month}&to={today}",
        f"/api/complaints?from={month}&to={today}",
        # A whole year: every complaint of the database counted.
        f"/ontime?from={year}&to={today}", f"/lateness?from={year}&to={today}",
        f"/categories?from={year}&to={today}"]
rows = []
for url in urls:
    r, data, cold = request("GET", url, headers={"Cookie": cookie})
    if r.status != 200:
        sys.exit(f"GET {url} answered {r.status}: {data[:200]!r}")
    times = sorted(request("GET", url, headers={"Cookie": cookie})[2] for _ in range(rounds))
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    rows.append((url, cold, statistics.median(times), p95, times[-1], len(data)))

rss = 0
with open(f"/proc/{pid}/status") as f:
    for line in f:
        if line.startswith("VmRSS"):
            rss = int(line.split()[1]) // 1024
ceiling = rows[0][2]
print(f"== dashboard: {complaints} complaints, {held} held open in memory, {deadlines} open deadlines; "
      f"serve RSS {rss} MB; {rounds} timed requests per URL after a cold one")
print(f"   after start-up: open complaints held in {logged_at('holding') - started:.1f} s, every complaint's facts in "
      f"{logged_at('the figures of') - started:.1f} s, 现在's rows in {logged_at('现在 has the rows') - started:.1f} s")
print(f"{'URL':<48} {'cold':>9} {'p50':>9} {'p95':>9} {'max':>9} {'×ceiling':>9} {'bytes':>9}  target ≤ 50 ms")
for url, cold, p50, p95, mx, size in rows:
    verdict = "ceiling" if url == "/static/app.css" else ("met" if p95 <= 50 and cold <= 50 else "NOT met")
    print(f"{url:<48} {cold:8.1f}  {p50:8.1f}  {p95:8.1f}  {mx:8.1f}  {p50 / ceiling:8.1f}  {size:8d}  {verdict}")
own = sum(len(request("GET", u, headers={"Cookie": cookie})[1]) for u in ("/static/app.css", "/static/app.js"))
print(f"own CSS + JS: {own / 1024:.1f} KB (target < 100 KB: {'met' if own < 100 * 1024 else 'NOT met'})")
PY
