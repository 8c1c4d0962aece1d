#!/bin/sh
# tests/cli/net-user.sh - user networking's options from the command line
# (run by tests/cli/run.sh; can be run alone).
#
# Bad -netdev user values (-nic and -net reach the same parser): exit
# status 1 and one line on stderr that says what is wrong (a mask, an
# address outside net=, smb=, a malformed or clashing hostfwd=, a
# guestfwd= libslirp would refuse).
# Good ones: emu starts (paused, -S; the netdev without a NIC is only
# warned about) and the monitor's "info network"
# shows the stack as QEMU prints it; hostfwd_add / hostfwd_remove answer
# as QEMU's do.  Skips everything when emu was built without libslirp.
#
# Environment: EMU (default ./emu), CLI_TIMEOUT (default 10).
# Prints one line per test and "N passed, N failed, N skipped".
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
EMU=${EMU:-./emu}
case "$EMU" in
    */*) EMU=$(cd "$(dirname "$EMU")" 2>/dev/null && pwd)/$(basename "$EMU") ;;
esac
CLI_TIMEOUT=${CLI_TIMEOUT:-10}
prefix="$(basename "$EMU"): "
cd "$root" || exit 1

if [ ! -x "$EMU" ]; then
    echo "SKIP: emulator $EMU not found"
    echo "0 passed, 0 failed, 1 skipped"
    exit 77
fi
if ! grep -q '^CONFIG_SLIRP = yes' config.mak 2>/dev/null; then
    echo "SKIP net-user: emu built without libslirp (apt-get install libslirp-dev)"
    echo "0 passed, 0 failed, 1 skipped"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-netuser.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0 failed=0 skipped=0
pass() { echo "PASS net-user: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL net-user: $1: $2"; failed=$((failed + 1)); }

Q="-display none -serial null"

run() {
    # shellcheck disable=SC2086
    timeout -k 2 "$CLI_TIMEOUT" "$EMU" "$@" $Q </dev/null >"$tmp/out" 2>"$tmp/err"
    st=$?
}

# expect_msg NAME TEXT ARGS...: status 1, one line on stderr starting with
# the program's name and containing TEXT.
expect_msg() {
    name=$1 text=$2
    shift 2
    run "$@"
    errline=$(head -n 1 "$tmp/err")
    nlines=$(grep -c '' "$tmp/err")
    if [ $st -ne 1 ]; then
        fail "$name" "exit status $st, want 1 (stderr: $errline)"
    elif [ "$nlines" -ne 1 ]; then
        fail "$name" "$nlines lines on stderr: $(tr '\n' '|' <"$tmp/err" | cut -c1-240)"
    else
        case "$errline" in
            "$prefix"*"$text"*) pass "$name: $errline" ;;
            *) fail "$name" "message lacks '$text': $errline" ;;
        esac
    fi
}

# A UDP port nobody uses now.
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null)
port=${port:-47123}

# --- bad values
expect_msg "netmask out of range" "net=10.0.2.0/33: net=: bad netmask '33'" \
    -netdev user,id=n0,net=10.0.2.0/33
expect_msg "host bits in net=" "10.0.2.9 has host bits set (the network is 10.0.2.0/24)" \
    -netdev user,id=n0,net=10.0.2.9/24
expect_msg "host= outside net=" "host=192.168.0.2 is outside the network 10.0.2.0/24 (net=)" \
    -netdev user,id=n0,host=192.168.0.2
expect_msg "dns= outside a custom net=" "dns=10.0.2.3 is outside the network 192.168.76.0/24" \
    -netdev user,id=n0,net=192.168.76.0/24,dns=10.0.2.3
expect_msg "dhcpstart= is the gateway" "dhcpstart= must differ from host= and dns=" \
    -netdev user,id=n0,dhcpstart=10.0.2.2
expect_msg "restrict=maybe" "parameter 'restrict' expects 'on' or 'off', not 'maybe'" \
    -netdev user,id=n0,restrict=maybe
expect_msg "smb= refused" "smb= is not supported" -netdev user,id=n0,smb=/tmp
expect_msg "unknown key" "frobnicate" -netdev user,id=n0,frobnicate=1
expect_msg "hostfwd= without '-'" \
    "Invalid host forwarding rule 'tcp::2222:22' (missing '-' between the host and the guest side)" \
    -netdev user,id=n0,hostfwd=tcp::2222:22
expect_msg "hostfwd= bad protocol" "Invalid host forwarding rule 'icmp::1-:2' (bad protocol name" \
    -netdev user,id=n0,hostfwd=icmp::1-:2
expect_msg "hostfwd= port taken twice" \
    "Could not set up host forwarding rule 'udp::$port-:2': Address already in use" \
    -netdev user,id=n0,hostfwd=udp::$port-:1,hostfwd=udp::$port-:2
expect_msg "guestfwd= to the gateway" "Conflicting/invalid host:port in guest forwarding rule" \
    -netdev user,id=n0,guestfwd=tcp:10.0.2.2:80-cmd:true
expect_msg "guestfwd= udp" "(only tcp is supported)" \
    -netdev user,id=n0,guestfwd=udp:10.0.2.100:53-cmd:true

# --- good values: start paused, ask the monitor, quit
monitor() {
    name=$1 cmds=$2
    shift 2
    printf '%b' "$cmds" | timeout -k 2 "$CLI_TIMEOUT" "$EMU" -S -display none \
        -serial null -monitor stdio "$@" >"$tmp/out" 2>"$tmp/err"
    st=$?
}

monitor "info network" 'info network\nquit\n' \
    -netdev user,id=n0,net=192.168.76.0/24,restrict=on,hostfwd=udp::$port-:7
if [ $st -ne 0 ]; then
    fail "info network" "exit status $st: $(head -c 300 "$tmp/err")"
elif grep -q 'type=user,net=192.168.76.0,restrict=on' "$tmp/out"; then
    pass "info network: $(grep 'type=user' "$tmp/out" | tr -d '\r' | head -n 1)"
else
    fail "info network" "no 'type=user,net=192.168.76.0,restrict=on' in: $(tr '\n' '|' <"$tmp/out" | cut -c1-300)"
fi

monitor "hostfwd_add/remove" \
    "hostfwd_remove udp::$port\nhostfwd_remove udp::$port\nhostfwd_add n0 tcp:127.0.0.1:0-:22\nhostfwd_add n1 tcp::1-:2\nquit\n" \
    -netdev user,id=n0,hostfwd=udp::$port-:7
if [ $st -ne 0 ]; then
    fail "hostfwd_add/remove" "exit status $st: $(head -c 300 "$tmp/err")"
elif grep -q "host forwarding rule for udp::$port removed" "$tmp/out" &&
     grep -q "host forwarding rule for udp::$port not found" "$tmp/out" &&
     grep -q "unrecognized netdev id 'n1'" "$tmp/out"; then
    pass "hostfwd_add/remove as QEMU answers"
else
    fail "hostfwd_add/remove" "$(tr '\n' '|' <"$tmp/out" | cut -c1-400)"
fi

run -netdev help
if [ $st -eq 0 ] && grep -q '^user' "$tmp/out"; then
    pass "-netdev help lists user"
else
    fail "-netdev help" "status $st: $(head -c 200 "$tmp/out")"
fi
run -help
if grep -q -- '-netdev user' "$tmp/out" && grep -q 'hostfwd=' "$tmp/out"; then
    pass "-help documents -netdev user"
else
    fail "-help" "no '-netdev user' with hostfwd= in -help"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
