#!/usr/bin/env bash
# Proves the Debian package on a fresh Debian 12 (minbase root, scripts/fresh-debian.sh):
#   - `apt-get install ./complaint-bot_*.deb` resolves its dependencies from the archive;
#   - the service user, its state directory, the unit and the config (a conffile) are in place, and
#     the config's database lies in /var/lib/complaint-bot;
#   - `complaint-bot check-config /etc/complaint-bot/config.yaml` accepts the installed config;
#   - the unit's ExecStart command, run by hand as the complaint-bot user with the secrets of
#     /etc/complaint-bot/env (a chroot has no systemd), answers /healthz and stops cleanly on SIGTERM;
#   - reinstalling (the upgrade path) keeps it working; a purge removes the config and keeps the
#     database; installing again serves from the kept database.
# Then on a second fresh root with systemd installed, booted (systemd-nspawn, private network):
#   - the package enabled the unit, which starts at boot once /etc/complaint-bot/env exists, runs
#     as complaint-bot with no capabilities, no new privileges and a system call filter, answers
#     /healthz and logs to the journal;
#   - killed, it is restarted (Restart=on-failure); an upgrade restarts it; `systemctl stop` ends
#     it cleanly; it refuses to start without the env file; removing the package stops it and
#     keeps the database.
#
#   bash packaging/test-deb.sh [--chroot-only] [FILE.deb]   (root or sudo; without FILE: scripts/run package)
#
# The checks inside the root are this script's committed version (fresh-debian.sh clones HEAD).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo ">> [deb] $*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

# Starts the unit's ExecStart as the service user in its own network namespace (nothing else on this
# machine can hold its port there), checks /healthz, stops it with SIGTERM.
serve_once() {
    local unit=/lib/systemd/system/complaint-bot.service
    local exec_start
    exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
    [ -n "$exec_start" ] || fail "no ExecStart in $unit"
    local port
    port=$(sed -n 's/^  port: *\([0-9][0-9]*\).*/\1/p' /etc/complaint-bot/config.yaml | head -n 1)
    port=${port:-8080}
    unshare --net bash -euo pipefail -c '
        exec_start=$1; port=$2
        ip link set lo up
        set -a; . /etc/complaint-bot/env; set +a
        cd /var/lib/complaint-bot
        log=/tmp/serve.log
        setpriv --reuid=complaint-bot --regid=complaint-bot --init-groups -- $exec_start >"$log" 2>&1 &
        pid=$!
        ok=
        for _ in $(seq 1 60); do
            if body=$(curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null); then ok=1; break; fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        if [ -z "$ok" ]; then echo "serve did not answer /healthz; its log:" >&2; cat "$log" >&2; exit 1; fi
        echo "   /healthz: $body"
        case "$body" in *"\"status\":\"ok\""*) ;; *) echo "healthz not ok" >&2; exit 1 ;; esac
        uid=$(awk "/^Uid:/{print \$2}" "/proc/$pid/status")
        [ "$uid" = "$(id -u complaint-bot)" ] || { echo "serve runs as uid $uid, not complaint-bot" >&2; exit 1; }
        echo "   serve runs as complaint-bot (uid $uid), pid $pid"
        kill -TERM "$pid"
        status=0; wait "$pid" || status=$?
        [ "$status" -eq 0 ] || { echo "serve exited $status after SIGTERM; its log:" >&2; cat "$log" >&2; exit 1; }
        grep -q "stopped" "$log" || { echo "no \"stopped\" in the log" >&2; cat "$log" >&2; exit 1; }
        echo "   stopped cleanly on SIGTERM"
    ' serve_once "$exec_start" "$port"
    local db=/var/lib/complaint-bot/complaint-bot.db
    [ -f "$db" ] || fail "no database at $db"
    [ "$(stat -c %U "$db")" = complaint-bot ] || fail "$db is not owned by complaint-bot"
}

inside() {
    local deb=$1
    export DEBIAN_FRONTEND=noninteractive
    say "apt-get install $deb (on a bare minbase root)"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "$deb" >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; fail "apt-get install"; }
    grep -E '^(Setting up|complaint-bot:)' /tmp/apt.log | sed 's/^/   /' | tail -n 12
    dpkg-query -W -f='   Depends: ${Depends}\n' complaint-bot

    say "files, user, directories"
    [ "$(command -v complaint-bot)" = /usr/bin/complaint-bot ] || fail "complaint-bot is not /usr/bin/complaint-bot"
    getent passwd complaint-bot | grep -q ':/var/lib/complaint-bot:/usr/sbin/nologin$' \
        || fail "no system user complaint-bot with home /var/lib/complaint-bot"
    [ "$(stat -c '%U:%G %a' /var/lib/complaint-bot)" = "complaint-bot:complaint-bot 750" ] \
        || fail "/var/lib/complaint-bot: $(stat -c '%U:%G %a' /var/lib/complaint-bot)"
    grep -qx 'ExecStart=/usr/bin/complaint-bot serve --config /etc/complaint-bot/config.yaml' \
        /lib/systemd/system/complaint-bot.service || fail "unit's ExecStart"
    dpkg-query -W -f='${Conffiles}\n' complaint-bot | grep -q ' /etc/complaint-bot/config.yaml ' \
        || fail "/etc/complaint-bot/config.yaml is not a conffile"
    grep -q '^database: /var/lib/complaint-bot/complaint-bot.db' /etc/complaint-bot/config.yaml \
        || fail "the installed config's database is not in /var/lib/complaint-bot"
    [ -f /usr/share/doc/complaint-bot/examples/env.example ] || fail "no env.example"
    echo "   ok"

    say "complaint-bot check-config /etc/complaint-bot/config.yaml"
    complaint-bot check-config /etc/complaint-bot/config.yaml >/tmp/check.log 2>&1 \
        || { cat /tmp/check.log; fail "check-config"; }
    grep -q 'database: /var/lib/complaint-bot/complaint-bot.db' /tmp/check.log || fail "check-config's database"
    echo "   ok"

    say "serve as the service user (test tools: curl, iproute2)"
    apt-get install -y -qq --no-install-recommends curl iproute2 >/dev/null 2>&1 || fail "installing curl iproute2"
    # Made-up secrets: nothing here talks to DingTalk.
    install -m 0600 /dev/null /etc/complaint-bot/env
    cat >/etc/complaint-bot/env <<'EOF'
DINGTALK_APP_SECRET=test-app-secret-not-real
DINGTALK_WEBHOOK_URL=https://oapi.dingtalk.com/robot/send?access_token=test-not-real
DINGTALK_WEBHOOK_SECRET=SECtest-not-real
EOF
    serve_once

    say "reinstall (the upgrade path: postinst configure with the old version)"
    dpkg -i "$deb" >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; fail "dpkg -i again"; }
    [ "$(stat -c %a /etc/complaint-bot/env)" = 600 ] || fail "env file mode after upgrade"
    serve_once

    say "purge: the config goes, the database stays"
    apt-get purge -y -qq complaint-bot >/tmp/purge.log 2>&1 || { cat /tmp/purge.log; fail "purge"; }
    [ ! -e /etc/complaint-bot/config.yaml ] || fail "config.yaml left after purge"
    [ ! -e /usr/bin/complaint-bot ] || fail "binary left after purge"
    [ -f /var/lib/complaint-bot/complaint-bot.db ] || fail "purge deleted the database"
    echo "   ok"

    say "install again over the kept database"
    apt-get install -y -qq --no-install-recommends "$deb" >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; fail "install again"; }
    serve_once
    say "all checks passed"
}

# The booted root: its setup in the chroot (systemd, the package, the secrets) ...
boot_setup() {
    local deb=$1
    export DEBIAN_FRONTEND=noninteractive
    say "systemd root: apt-get install systemd dbus curl, then $deb"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends systemd systemd-sysv dbus curl >/tmp/apt.log 2>&1 \
        || { cat /tmp/apt.log; fail "installing systemd"; }
    apt-get install -y -qq --no-install-recommends "$deb" >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; fail "apt-get install"; }
    [ "$(systemctl is-enabled complaint-bot.service)" = enabled ] || fail "the package did not enable the unit"
    echo "   the unit is enabled"
    install -m 0600 /dev/null /etc/complaint-bot/env
    cat >/etc/complaint-bot/env <<'EOF'
DINGTALK_APP_SECRET=test-app-secret-not-real
DINGTALK_WEBHOOK_URL=https://oapi.dingtalk.com/robot/send?access_token=test-not-real
DINGTALK_WEBHOOK_SECRET=SECtest-not-real
EOF
}

main_pid() { systemctl show -p MainPID --value complaint-bot.service; }

# Waits until the service is active with a main PID other than $1 and answers /healthz.
wait_serving() {
    local old=${1:-0} pid=0 body=
    for _ in $(seq 1 60); do
        pid=$(main_pid)
        if [ "$pid" != 0 ] && [ "$pid" != "$old" ] && body=$(curl -fsS http://127.0.0.1:8080/healthz 2>/dev/null); then
            case "$body" in *'"status":"ok"'*) echo "$pid"; return 0 ;; esac
        fi
        sleep 0.5
    done
    systemctl status complaint-bot.service --no-pager >&2 || true
    journalctl -u complaint-bot.service --no-pager | tail -n 20 >&2
    fail "complaint-bot is not serving /healthz (main PID $pid)"
}

# ... and the checks in the booted system.
boot_checks() {
    local deb=$1 pid
    say "booted: the service started by itself"
    pid=$(wait_serving 0)
    echo "   active, main PID $pid, /healthz ok"
    local status=/proc/$pid/status
    [ "$(awk '/^Uid:/{print $2}' "$status")" = "$(id -u complaint-bot)" ] || fail "not running as complaint-bot"
    grep -q '^NoNewPrivs:[[:space:]]*1' "$status" || fail "NoNewPrivs is not set"
    grep -q '^Seccomp:[[:space:]]*2' "$status" || fail "no system call filter"
    grep -q '^CapBnd:[[:space:]]*0000000000000000' "$status" || fail "capabilities left: $(grep CapBnd "$status")"
    echo "   user complaint-bot, NoNewPrivs, seccomp filter, no capabilities"
    journalctl -u complaint-bot.service --no-pager | grep -q 'listening on' || fail "no start line in the journal"
    echo "   the journal has its log"

    say "killed: restarted by systemd"
    kill -KILL "$pid"
    pid=$(wait_serving "$pid")
    echo "   restarted, main PID $pid"

    say "upgrade: the running service is restarted"
    dpkg -i "$deb" >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; fail "dpkg -i"; }
    pid=$(wait_serving "$pid")
    echo "   restarted, main PID $pid"

    say "systemctl stop, then apt-get remove"
    systemctl stop complaint-bot.service
    [ "$(systemctl show -p Result --value complaint-bot.service)" = success ] || fail "stop did not end cleanly"
    mv /etc/complaint-bot/env /etc/complaint-bot/env.off
    systemctl start complaint-bot.service 2>/dev/null && fail "started without /etc/complaint-bot/env"
    mv /etc/complaint-bot/env.off /etc/complaint-bot/env
    echo "   without /etc/complaint-bot/env it refuses to start"
    systemctl start complaint-bot.service
    wait_serving "$pid" >/dev/null
    apt-get remove -y -qq complaint-bot >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; fail "remove"; }
    systemctl is-active -q complaint-bot.service && fail "still running after remove"
    [ -f /var/lib/complaint-bot/complaint-bot.db ] || fail "remove deleted the database"
    echo "   stopped cleanly; removed: stopped, database kept"
    say "all checks passed (systemd)"
}

case "${1:-}" in
    --inside) shift; inside "$@"; exit 0 ;;
    --boot-setup) shift; boot_setup "$@"; exit 0 ;;
    --boot-checks) shift; boot_checks "$@"; exit 0 ;;
esac

chroot_only=
if [ "${1:-}" = --chroot-only ]; then chroot_only=1; shift; fi
deb=${1:-}
if [ -z "$deb" ]; then
    bash scripts/run package
    deb=$(ls -t build-release/complaint-bot_*.deb | head -n 1)
fi
[ -f "$deb" ] || fail "no such file: $deb"
in=/srv/in/$(basename "$deb")
say "testing $deb in a fresh Debian 12 root"
scripts/fresh-debian.sh --copy "$deb" "bash packaging/test-deb.sh --inside $in"
[ -n "$chroot_only" ] && exit 0
say "testing $deb in a fresh Debian 12 root booted with systemd"
scripts/fresh-debian.sh --copy "$deb" --boot "bash packaging/test-deb.sh --boot-checks $in" \
    "bash packaging/test-deb.sh --boot-setup $in"
