#!/bin/sh
# tests/cli/tap-diag.sh - every way -netdev tap set-up fails, produced on
# purpose, and the one line emu prints about it checked: a script that
# exits 3, a missing or non-executable script, a busy tap, no tun driver,
# permission denied (an unprivileged user; root without CAP_NET_ADMIN), a
# bad fd=, a missing bridge helper.  And the good paths the messages point
# to: a persistent tap owned by an unprivileged user opens, the downscript
# runs when emu exits.
#
# Runs itself in a new network and mount namespace (unshare): the taps it
# makes and the file systems it mounts over /dev/net and /usr/lib/qemu die
# with it, even when it fails.  Needs root, /dev/net/tun, ip, unshare and
# setpriv; prints "SKIP: why" and exits 77 without them.
#
# Environment: EMU (default ./emu).  Prints one line per test and
# "N passed, N failed, N skipped".  Called by tests/cli/run.sh.
# shellcheck disable=SC2016  # $1 in single quotes is for the scripts
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
EMU=${EMU:-./emu}
case "$EMU" in
    */*) EMU=$(cd "$(dirname "$EMU")" 2>/dev/null && pwd)/$(basename "$EMU") ;;
esac
prefix="$(basename "$EMU"): "
cd "$root" || exit 1

skip() {
    echo "SKIP: tap-diag: $1"
    echo "0 passed, 0 failed, 1 skipped"
    exit 77
}

if [ "${1:-}" != "--inside" ]; then
    [ "$(id -u)" -eq 0 ] || skip "needs root to make taps and namespaces"
    [ -c /dev/net/tun ] || skip "no /dev/net/tun (modprobe tun)"
    for c in ip unshare setpriv mount mknod; do
        command -v $c >/dev/null 2>&1 || skip "no '$c' command"
    done
    [ -x "$EMU" ] || skip "emulator $EMU not found"
    unshare --net --mount true 2>/dev/null ||
        skip "cannot make network namespaces here (unshare --net)"
    exec unshare --net --mount --propagation private sh "$0" --inside
fi

# --- inside the namespaces -------------------------------------------------
# sysfs of this network namespace, as `ip netns exec` mounts it.
mount -t sysfs sysfs /sys 2>/dev/null
ip link set lo up

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-tapdiag.XXXXXX") || exit 1
chmod 755 "$tmp"
pids=
cleanup() {
    for p in $pids; do kill -9 "$p" 2>/dev/null; done
    for t in $(ip -o link show 2>/dev/null | sed -n 's/^[0-9]*: \(emud[^:@]*\).*/\1/p'); do
        ip link del "$t" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

passed=0 failed=0
pass() { echo "PASS tap-diag: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL tap-diag: $1: $2"; failed=$((failed + 1)); }

# run PREFIX-COMMAND... -- EMU-ARGS...: runs emu (behind PREFIX-COMMAND,
# e.g. setpriv) with a timeout; $st, $tmp/err.
run() {
    pre=
    while [ "$1" != "--" ]; do pre="$pre $1"; shift; done
    shift
    # shellcheck disable=SC2086  # $pre is a command line on purpose
    timeout -k 2 10 $pre "$EMU" -display none -S "$@" </dev/null \
        >"$tmp/out" 2>"$tmp/err"
    st=$?
}

# diag NAME WANT [PREFIX-COMMAND...] -- EMU-ARGS...: emu must exit 1 with
# exactly one stderr line, starting with the program name and containing
# WANT.
diag() {
    name=$1 want=$2
    shift 2
    run "$@"
    line=$(head -n 1 "$tmp/err")
    n=$(grep -c '' "$tmp/err")
    if [ $st -ne 1 ]; then
        fail "$name" "exit status $st, want 1 (stderr: $(tr '\n' '|' <"$tmp/err"))"
    elif [ "$n" -ne 1 ]; then
        fail "$name" "$n lines on stderr, want 1: $(tr '\n' '|' <"$tmp/err")"
    else
        case "$line" in
            "$prefix"*"$want"*) pass "$name" ;;
            *) fail "$name" "got: $line; want: ...$want..." ;;
        esac
    fi
}

# $tmp/in-mntns COMMAND...: COMMAND in a further mount namespace where
# the shell commands in $SETUP ran first (hiding or replacing /dev/net/tun).
cat >"$tmp/in-mntns" <<'EOF'
#!/bin/sh
exec unshare --mount --propagation private sh -c \
    "$SETUP || { echo \"setup failed: \$SETUP\" >&2; exit 99; }; exec \"\$@\"" \
    sh "$@"
EOF
chmod 755 "$tmp/in-mntns"

# --- scripts ------------------------------------------------------------
printf '#!/bin/sh\necho "emu-ifup: cannot add $1 to br9"\nexit 3\n' >"$tmp/fail3"
chmod 755 "$tmp/fail3"
diag "script exits 3: path, status, output" \
    "-netdev tap,id=n0,ifname=emud0,script=$tmp/fail3: script '$tmp/fail3 emud0' exited with status 3: output: emu-ifup: cannot add emud0 to br9" \
    -- -netdev "tap,id=n0,ifname=emud0,script=$tmp/fail3"
if ip link show emud0 >/dev/null 2>&1; then
    fail "failed script leaves no tap" "emud0 still exists"
else
    pass "failed script leaves no tap"
fi
diag "missing script" \
    "script '$tmp/nope' not found (give script=no to run none)" \
    -- -netdev "tap,id=n0,ifname=emud0,script=$tmp/nope"
printf '#!/bin/sh\n' >"$tmp/noexec"
chmod 644 "$tmp/noexec"
diag "script not executable" \
    "script '$tmp/noexec' is not executable: chmod +x $tmp/noexec" \
    -- -netdev "tap,id=n0,ifname=emud0,script=$tmp/noexec"
diag "missing downscript (known at start)" \
    "downscript '$tmp/nope' not found" \
    -- -netdev "tap,id=n0,ifname=emud0,script=no,downscript=$tmp/nope"

# --- the script and downscript run, the downscript at exit ----------------
printf '#!/bin/sh\nip link set "$1" up && echo "up $1" >%s/up.log\n' "$tmp" >"$tmp/up"
printf '#!/bin/sh\necho "down $1" >%s/down.log\n' "$tmp" >"$tmp/down"
chmod 755 "$tmp/up" "$tmp/down"
timeout -k 2 20 "$EMU" -display none -S \
    -netdev "tap,id=n0,ifname=emud1,script=$tmp/up,downscript=$tmp/down" \
    </dev/null >"$tmp/out" 2>"$tmp/err" &
pid=$!
pids="$pids $pid"
i=0
while [ ! -s "$tmp/up.log" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $pid 2>/dev/null
wait $pid
if [ "$(cat "$tmp/up.log" 2>/dev/null)" = "up emud1" ] &&
   [ "$(cat "$tmp/down.log" 2>/dev/null)" = "down emud1" ] &&
   ! ip link show emud1 >/dev/null 2>&1; then
    pass "ifup at start, ifdown at exit, tap gone"
else
    fail "ifup at start, ifdown at exit" \
        "up.log: $(cat "$tmp/up.log" 2>/dev/null), down.log: $(cat "$tmp/down.log" 2>/dev/null), stderr: $(tr '\n' '|' <"$tmp/err")"
fi

# --- busy ---------------------------------------------------------------------
ip tuntap add dev emudbusy mode tap
"$EMU" -display none -S -netdev tap,id=n0,ifname=emudbusy,script=no,downscript=no \
    </dev/null >/dev/null 2>"$tmp/err1" &
holder=$!
pids="$pids $holder"
i=0
while ! grep -qs "iff:.emudbusy" /proc/$holder/fdinfo/* && [ $i -lt 100 ]; do
    sleep 0.1; i=$((i + 1))
done
diag "busy tap: names the process" \
    "tap 'emudbusy' is busy: process $holder ($(basename "$EMU" | cut -c1-15)) has it open; stop that process or choose another ifname=" \
    -- -netdev tap,id=n0,ifname=emudbusy,script=no,downscript=no
kill -9 $holder 2>/dev/null
wait $holder 2>/dev/null

# --- no tun driver --------------------------------------------------------
SETUP="mount -t tmpfs tmpfs /dev/net"; export SETUP
diag "no /dev/net/tun" \
    "no /dev/net/tun (the tun driver is not loaded): load it as root with 'modprobe tun'" \
    "$tmp/in-mntns" -- \
    -netdev tap,id=n0,ifname=emud0,script=no
minor=
for m in 250 249 248 247 246 245; do
    grep -q "^ *$m " /proc/misc || { minor=$m; break; }
done
SETUP="mount -t tmpfs tmpfs /dev/net && mknod -m 666 /dev/net/tun c 10 $minor"; export SETUP
diag "tun device node without a driver (ENODEV)" \
    "cannot open /dev/net/tun: No such device: the tun driver is not loaded; load it as root with 'modprobe tun'" \
    "$tmp/in-mntns" -- \
    -netdev tap,id=n0,ifname=emud0,script=no
SETUP="mount -t tmpfs tmpfs /dev/net && mknod -m 666 /dev/net/tun c 1 3"; export SETUP
diag "/dev/net/tun is another device" \
    "/dev/net/tun is not the tun driver's device" \
    "$tmp/in-mntns" -- \
    -netdev tap,id=n0,ifname=emud0,script=no

# --- permission denied ------------------------------------------------------
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
uname=$(getent passwd 65534 | cut -d: -f1)
uname=${uname:-65534}
tun600="mount -t tmpfs -o mode=755 tmpfs /dev/net && mknod -m 600 /dev/net/tun c 10 200"
tun666="mount -t tmpfs -o mode=755 tmpfs /dev/net && mknod -m 666 /dev/net/tun c 10 200"
SETUP="$tun600"; export SETUP
diag "user cannot open /dev/net/tun" \
    "cannot open /dev/net/tun: Permission denied (mode 0600, owner uid 0): run emu as root, or let user $uname open it ('chmod 0666 /dev/net/tun', as most distributions ship it) and use a tap created for that user ('ip tuntap add dev tap0 mode tap user $uname')" \
    "$tmp/in-mntns" $nobody -- -netdev tap,id=n0,ifname=emud0,script=no
SETUP="$tun666"; export SETUP
diag "user cannot create a tap: gives the ip tuntap command" \
    "cannot create tap 'emudu0': Operation not permitted: creating a tap needs CAP_NET_ADMIN; run emu as root, or create a persistent tap for $uname once as root ('ip tuntap add dev emudu0 mode tap user $uname && ip link set emudu0 up') and use ifname=emudu0,script=no" \
    "$tmp/in-mntns" $nobody -- -netdev tap,id=n0,ifname=emudu0,script=no
diag "root without CAP_NET_ADMIN" \
    "cannot create tap 'emudu0': Operation not permitted: creating a tap needs CAP_NET_ADMIN; run emu as root, or create a persistent tap for root once as root ('ip tuntap add dev emudu0 mode tap user root" \
    setpriv --inh-caps=-net_admin --bounding-set=-net_admin -- \
    -netdev tap,id=n0,ifname=emudu0,script=no
ip tuntap add dev emudr0 mode tap user root
SETUP="$tun666"; export SETUP
diag "user attaching to root's tap" \
    "cannot attach to tap 'emudr0': Operation not permitted: it belongs to root (uid 0); run emu as that user, or as root recreate it for $uname: 'ip tuntap del dev emudr0 mode tap && ip tuntap add dev emudr0 mode tap user $uname'" \
    "$tmp/in-mntns" $nobody -- -netdev tap,id=n0,ifname=emudr0,script=no
ip tuntap add dev emudo0 mode tap group root
SETUP="$tun666"; export SETUP
diag "user attaching to a tap of another group" \
    "cannot attach to tap 'emudo0': Operation not permitted: it is limited to group root (gid 0), which $uname is not in; add $uname to that group, or as root recreate the tap for $uname: 'ip tuntap del dev emudo0 mode tap && ip tuntap add dev emudo0 mode tap user $uname'" \
    "$tmp/in-mntns" $nobody -- -netdev tap,id=n0,ifname=emudo0,script=no
# What the message says to do works: a tap made for the user opens.
ip tuntap add dev emudu0 mode tap user "$uname"
SETUP="$tun666"; export SETUP
"$tmp/in-mntns" $nobody "$EMU" -display none -S \
    -netdev tap,id=n0,ifname=emudu0,script=no </dev/null >/dev/null 2>"$tmp/err2" &
upid=$!
pids="$pids $upid"
i=0
while [ -z "$(grep -ls 'iff:.emudu0' /proc/*/fdinfo/* 2>/dev/null)" ] &&
      kill -0 $upid 2>/dev/null && [ $i -lt 100 ]; do
    sleep 0.1; i=$((i + 1))
done
if grep -qs 'iff:.emudu0' /proc/*/fdinfo/*; then
    pass "user opens the persistent tap made for it (ip tuntap add ... user $uname)"
else
    fail "user opens its persistent tap" "$(tr '\n' '|' <"$tmp/err2")"
fi
kill -9 $upid 2>/dev/null
wait $upid 2>/dev/null

# --- fd=, helper, unsupported -----------------------------------------------
diag "fd= not open" "fd=: 7 is not an open file descriptor" \
    -- -netdev tap,id=n0,fd=7
diag "fd= not a tap" "fd=: fd 0 is not an attached tap (TUNGETIFF" \
    -- -netdev tap,id=n0,fd=0
diag "fd= not a number" "fd=tap0: want the number of an open tap fd" \
    -- -netdev tap,id=n0,fd=tap0
diag "helper= missing" \
    "bridge helper '$tmp/nohelper' not found: install QEMU's (Debian: apt install qemu-system-common) or give helper=PATH" \
    -- -netdev "tap,id=n0,br=br0,helper=$tmp/nohelper"
SETUP="mount -t tmpfs tmpfs /usr/lib/qemu 2>/dev/null || true"; export SETUP
diag "default helper missing" \
    "bridge helper '/usr/lib/qemu/qemu-bridge-helper' not found" \
    "$tmp/in-mntns" -- \
    -netdev tap,id=n0,br=br0
diag "vhost=on" "vhost=on is not supported" -- -netdev tap,id=n0,vhost=on
diag "queues=2" "queues=2 is not supported" -- -netdev tap,id=n0,queues=2
diag "interface name too long" "interface name 'emud0123456789abc' is too long (at most 15 characters)" \
    -- -netdev tap,id=n0,ifname=emud0123456789abc,script=no

echo "$passed passed, $failed failed, 0 skipped"
[ $failed -eq 0 ]
