#!/usr/bin/env bash
# Runs a command in a clean clone of this checkout inside a fresh Debian 12 root: the base system of
# `debootstrap --variant=minbase bookworm` and nothing else, as on a new user's machine.
#
#   scripts/fresh-debian.sh [--copy FILE]... [--boot 'COMMAND2'] 'COMMAND'   (as root, or with sudo)
#
#   --copy FILE        also put FILE into the root's /srv/in/ (e.g. a .deb to install there)
#   --boot 'COMMAND2'  after COMMAND succeeded, boot the root with its own systemd (systemd-nspawn,
#                      private network; COMMAND must have installed systemd) and run COMMAND2 in
#                      the booted system. Installs systemd-container here when it is missing.
#
# What gets cloned is the committed HEAD: uncommitted changes are not in the root, and nothing
# beside the checkout is either. The command runs as root in /project with a clean environment.
# The base root is made once and kept in $FRESH_ROOT_CACHE (default /var/cache/complaint-bot-fresh);
# each run gets a fresh root on top of it (overlayfs: the cached base is never written) that is
# removed afterwards. The .deb files apt downloads are kept in the cache too ($FRESH_ROOT_CACHE/
# archives, bind-mounted as the root's /var/cache/apt/archives), so a second run downloads nothing
# that did not change; every package is still installed from scratch.
# The root uses this machine's apt sources (and its Acquire settings), so it reaches the same archive,
# and trusts its local CA certificates (/usr/local/share/ca-certificates).
# Exit status: the command's; 3 when the root could not be made; 2 on bad usage.
set -uo pipefail

usage() { echo "usage: scripts/fresh-debian.sh [--copy FILE]... [--boot 'COMMAND2'] 'COMMAND'" >&2; exit 2; }
copies=()
boot_command=
while [ $# -gt 1 ]; do
    case "$1" in
        --copy) [ $# -ge 3 ] || usage; copies+=("$(realpath "$2")") || exit 2; shift 2 ;;
        --boot) [ $# -ge 3 ] || usage; boot_command=$2; shift 2 ;;
        *) usage ;;
    esac
done
[ $# -eq 1 ] || usage
command=$1
for f in "${copies[@]}"; do [ -f "$f" ] || { echo "--copy: no such file: $f" >&2; exit 2; }; done

top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel 2>/dev/null) \
    || { echo "scripts/fresh-debian.sh must live in a git checkout" >&2; exit 2; }
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "fresh-debian.sh needs root (debootstrap, mount, chroot)" >&2; exit 2; }
    again=()
    for f in "${copies[@]}"; do again+=(--copy "$f"); done
    [ -n "$boot_command" ] && again+=(--boot "$boot_command")
    exec sudo --preserve-env=FRESH_ROOT_CACHE,CI "$0" "${again[@]}" "$command"
fi

cache=${FRESH_ROOT_CACHE:-/var/cache/complaint-bot-fresh}
base=$cache/base
archives=$cache/archives
mkdir -p "$cache" "$archives" || exit 3
mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
mirror=${mirror:-http://deb.debian.org/debian}

# The base root, once (under a lock: two runs may start together).
exec 9>"$cache/lock"
flock 9
if [ ! -x "$base/bin/bash" ]; then
    if ! command -v debootstrap >/dev/null; then
        echo ">> installing debootstrap" >&2
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; } \
            || { echo "cannot install debootstrap" >&2; exit 3; }
    fi
    rm -rf --one-file-system "$base.tmp"
    echo ">> debootstrap --variant=minbase bookworm from $mirror (once, kept in $base)" >&2
    if ! debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1; then
        echo "debootstrap failed; its log: $cache/debootstrap.log" >&2
        rm -rf --one-file-system "$base.tmp"
        exit 3
    fi
    mv "$base.tmp"/var/cache/apt/archives/*.deb "$archives/" 2>/dev/null
    mv "$base.tmp" "$base"
fi
flock -u 9

work=$(mktemp -d /var/tmp/complaint-bot-fresh-XXXXXX) || exit 3
root=$work/root
mkdir -p "$root" "$work/upper" "$work/work"
mounts=()  # in mount order; unmounted in reverse
nspawn_pid=
mounted_run=

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" 2>/dev/null  # the container powers off
        for _ in $(seq 1 30); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 1; done
        kill -KILL "$nspawn_pid" 2>/dev/null
    fi
    [ -n "$mounted_run" ] && umount -l /run/systemd/nspawn 2>/dev/null && rmdir /run/systemd/nspawn 2>/dev/null
    # Processes still running inside the root (a server the command left behind) hold the mounts.
    local p
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -KILL "${p#/proc/}" 2>/dev/null
    done
    local i
    for (( i=${#mounts[@]}-1; i>=0; i-- )); do
        umount -R "${mounts[i]}" 2>/dev/null || umount -R -l "${mounts[i]}" 2>/dev/null
    done
    # Never delete through a mount that is still there.
    if grep -q " $work[/ ]" /proc/self/mounts; then
        echo "fresh-debian.sh: mounts left under $work; not removing it" >&2
    else
        rm -rf --one-file-system "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The root: the base as a read-only lower layer under an empty upper one (overlayfs), so nothing
# is copied and the cached base is never written; a plain copy where overlayfs is not available.
if mount -t overlay overlay -o "lowerdir=$base,upperdir=$work/upper,workdir=$work/work" "$root" 2>/dev/null; then
    mounts+=("$root")
else
    cp -a "$base/." "$root/" || exit 3
fi
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    rm -f "$root/etc/apt/sources.list"
    cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
    cp /etc/apt/apt.conf.d/99* "$root/etc/apt/apt.conf.d/" 2>/dev/null
fi
# This machine's local CA certificates too (a TLS-inspecting proxy's, say): ca-certificates, once
# the command installs it, adds them to the root's trust store, so npm reaches the same registry.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$root/usr/local/share/ca-certificates" &&
        cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
git clone -q "$top" "$root/project" || exit 3
if [ ${#copies[@]} -gt 0 ]; then
    mkdir -p "$root/srv/in" && cp -t "$root/srv/in/" "${copies[@]}" || exit 3
fi

mount -t proc proc "$root/proc" && mounts+=("$root/proc") || exit 3
for d in sys dev; do
    mount --rbind "/$d" "$root/$d" && mounts+=("$root/$d") || exit 3
    mount --make-rslave "$root/$d"  # the root's unmounts never reach the host
done
# The downloaded .debs are shared between runs (apt verifies each against the fresh index and
# installs it from scratch). One run at a time uses the shared directory; a concurrent run
# downloads into its own root instead.
exec 8>"$cache/archives.lock"
if flock -n 8; then
    mount --bind "$archives" "$root/var/cache/apt/archives" && mounts+=("$root/var/cache/apt/archives")
fi

clean_env=(/usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}"
           PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
chroot "$root" "${clean_env[@]}" /bin/bash -c "cd /project && $command" || exit
[ -n "$boot_command" ] || exit 0

# --boot: the chroot's mounts go (systemd-nspawn makes its own), the root boots with its systemd.
[ "${mounts[0]}" = "$root" ] || { echo "--boot needs overlayfs" >&2; exit 3; }
for (( i=${#mounts[@]}-1; i>=1; i-- )); do umount -R "${mounts[i]}" || exit 3; done
mounts=("$root")
[ -x "$root/lib/systemd/systemd" ] || { echo "--boot: COMMAND did not install systemd in the root" >&2; exit 3; }
if ! command -v systemd-nspawn >/dev/null; then
    echo ">> installing systemd-container (systemd-nspawn)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd-container >/dev/null || exit 3
fi
# systemd-nspawn keeps its propagation directory in /run, which it expects on a tmpfs (on a
# machine that does not run systemd, /run may be an ordinary directory).
if [ "$(stat -fc %T /run)" != tmpfs ] && ! mountpoint -q /run/systemd/nspawn; then
    mkdir -p /run/systemd/nspawn && mount -t tmpfs -o size=16m,mode=0755 tmpfs /run/systemd/nspawn || exit 3
    mounted_run=1
fi
systemd-nspawn -D "$root" --boot --register=no --keep-unit --private-network --console=read-only -q \
    >"$work/console.log" 2>&1 &
nspawn_pid=$!
leader=
for _ in $(seq 1 60); do
    leader=$(pgrep -P "$nspawn_pid" | head -n 1)
    [ -n "$leader" ] && break
    kill -0 "$nspawn_pid" 2>/dev/null || break
    sleep 0.5
done
[ -n "$leader" ] || { echo "systemd-nspawn did not boot the root:" >&2; cat "$work/console.log" >&2; exit 3; }
state=$(timeout 180 nsenter -t "$leader" -a -- /bin/systemctl is-system-running --wait 2>/dev/null)
case "$state" in
    running|degraded) ;;
    *) echo "the booted root is not up ($state):" >&2; tail -n 40 "$work/console.log" >&2; exit 3 ;;
esac
nsenter -t "$leader" -a -- "${clean_env[@]}" /bin/bash -c "cd /project && $boot_command"
