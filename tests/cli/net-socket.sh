#!/bin/sh
# tests/cli/net-socket.sh - two emu processes joined by -netdev socket:
# one listens (on a port the kernel picks: listen=127.0.0.1:0, read back
# from "info network"), the other connects; each monitor's "info network"
# shows the other side, the listener waits again when its peer quits, and
# the errors of -netdev socket/hubport and -object filter-dump are one
# line each.  Both emus run paused (-S): the main loop, which carries the
# sockets, runs anyway.
#
# Environment: EMU (default ./emu; messages start with its name, so
# emu-san works too), CLI_TIMEOUT (seconds, default 10).
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

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-netsock.XXXXXX") || exit 1
pids=
cleanup() {
    exec 3>&- 4>&- 2>/dev/null
    for p in $pids; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

passed=0 failed=0 skipped=0
skip() { echo "SKIP net-socket: $1: $2"; skipped=$((skipped + 1)); }
pass() { echo "PASS net-socket: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL net-socket: $1: $2"; failed=$((failed + 1)); }

Q="-S -display none -monitor stdio"

# until_info OUT PATTERN IN: send "info network" into the fifo IN until
# OUT matches PATTERN (grep -E), at most CLI_TIMEOUT seconds.  Status 0 if
# it did.  (Each fifo is held open by fd 3 or 4, so emu sees no EOF.)
until_info() {
    file=$1 pat=$2 fifo=$3
    i=0
    while [ $i -lt $((CLI_TIMEOUT * 10)) ]; do
        echo "info network" >"$fifo"
        sleep 0.1
        tr -d '\r' <"$file" | grep -q -E -- "$pat" && return 0
        i=$((i + 1))
    done
    return 1
}

# --- A listens on a port of the kernel's choosing.
mkfifo "$tmp/a.in" "$tmp/b.in"
# shellcheck disable=SC2086
"$EMU" $Q -netdev socket,id=n0,listen=127.0.0.1:0 <"$tmp/a.in" \
    >"$tmp/a.out" 2>"$tmp/a.err" &
pids="$pids $!"
exec 3<>"$tmp/a.in"
port=
if until_info "$tmp/a.out" 'n0: index=0,type=socket,socket: listen=127\.0\.0\.1:[0-9]+ \(waiting for a connection\)' "$tmp/a.in"; then
    port=$(tr -d '\r' <"$tmp/a.out" | sed -n 's/.*listen=127\.0\.0\.1:\([0-9]*\) .*/\1/p' | head -n 1)
    pass "listener waits on 127.0.0.1:$port"
else
    fail "listener" "info network: $(tr '\n' '|' <"$tmp/a.out") stderr: $(head -n 2 "$tmp/a.err")"
fi

if [ -n "$port" ]; then
    # --- B connects; each sees the other.
    # shellcheck disable=SC2086
    "$EMU" $Q -netdev socket,id=n1,connect=127.0.0.1:$port <"$tmp/b.in" \
        >"$tmp/b.out" 2>"$tmp/b.err" &
    bpid=$!
    pids="$pids $bpid"
    exec 4<>"$tmp/b.in"
    if until_info "$tmp/b.out" "n1: index=0,type=socket,socket: connect to 127\.0\.0\.1:$port" "$tmp/b.in"; then
        pass "connector shows 'socket: connect to 127.0.0.1:$port'"
    else
        fail "connector" "info network: $(tr '\n' '|' <"$tmp/b.out") stderr: $(head -n 2 "$tmp/b.err")"
    fi
    if until_info "$tmp/a.out" 'n0: index=0,type=socket,socket: connection from 127\.0\.0\.1:[0-9]+' "$tmp/a.in"; then
        pass "listener shows 'socket: connection from 127.0.0.1:...'"
    else
        fail "listener after connect" "$(tr '\n' '|' <"$tmp/a.out")"
    fi
    # --- B quits: A waits for the next peer.
    echo quit >"$tmp/b.in"
    exec 4>&-
    wait "$bpid"
    st=$?
    [ $st -eq 0 ] || fail "connector quit" "exit status $st"
    lines=$(wc -l <"$tmp/a.out")
    i=0 again=no
    while [ $i -lt $((CLI_TIMEOUT * 10)) ]; do
        echo "info network" >"$tmp/a.in"
        sleep 0.1
        if tail -n +$((lines + 1)) "$tmp/a.out" | tr -d '\r' |
                grep -q 'socket: listen=127\.0\.0\.1:'"$port"' (waiting'; then
            again=yes
            break
        fi
        i=$((i + 1))
    done
    if [ $again = yes ]; then
        pass "listener waits again after its peer quit"
    else
        fail "listener after disconnect" "$(tail -n 5 "$tmp/a.out" | tr '\n' '|')"
    fi
fi
echo quit >"$tmp/a.in"
exec 3>&-
wait
pids=

# --- one-line errors, exit status 1
bad() {
    name=$1 want=$2
    shift 2
    timeout -k 2 "$CLI_TIMEOUT" "$EMU" -S -display none "$@" \
        </dev/null >"$tmp/out" 2>"$tmp/err"
    st=$?
    n=$(wc -l <"$tmp/err")
    line=$(head -n 1 "$tmp/err")
    if [ $st -ne 1 ] || [ "$n" -ne 1 ]; then
        fail "$name" "status $st, $n stderr lines: $line"
        return
    fi
    case "$line" in
        "$prefix"*"$want"*) pass "$name: $line" ;;
        # -net waits for the NIC models (hw/pc/pc-options.c refuses it).
        "$prefix-net: network cards are not supported yet")
            skip "$name" "$line" ;;
        *) fail "$name" "message lacks '$want': $line" ;;
    esac
}
[ -n "$port" ] || port=9
bad "connect with nobody listening" "can't connect to 127.0.0.1:$port: Connection refused" \
    -netdev socket,id=n0,connect=127.0.0.1:$port
bad "two socket modes" "exactly one of fd=, listen=, connect=, mcast= or udp= is required" \
    -netdev socket,id=n0,listen=:0,connect=127.0.0.1:1
bad "unknown socket option" "invalid parameter 'colour'" \
    -netdev socket,id=n0,listen=127.0.0.1:0,colour=red
bad "mcast without a multicast address" "does not contain a multicast address" \
    -netdev socket,id=n0,mcast=127.0.0.1:5000
bad "hubport without hubid" "parameter 'hubid' is missing" -netdev hubport,id=h0
bad "hubport from -net" "'hubport' is not a valid net type" -net hubport,hubid=1
bad "filter-dump without netdev" "Parameter 'netdev' is missing" \
    -object filter-dump,id=f0,file=$tmp/x.pcap
bad "filter-dump on an unknown netdev" "'n9'" \
    -netdev socket,id=n0,listen=127.0.0.1:0 -object filter-dump,id=f0,netdev=n9,file=$tmp/x.pcap
bad "dump into a missing folder" "could not open '/nonexistent/d.pcap'" \
    -net dump,file=/nonexistent/d.pcap -net none

# --- -netdev help lists the two types
timeout "$CLI_TIMEOUT" "$EMU" -netdev help >"$tmp/out" 2>&1
if grep -q '^socket ' "$tmp/out" && grep -q '^hubport ' "$tmp/out" &&
        ! grep -q '^dump ' "$tmp/out"; then
    pass "-netdev help lists socket and hubport (not dump)"
else
    fail "-netdev help" "$(tr '\n' '|' <"$tmp/out")"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
