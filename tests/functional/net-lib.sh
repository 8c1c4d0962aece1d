# tests/functional/net-lib.sh - shared by the network tests
# (test-net-*.sh) and tests/bench/net.sh.  Source it after tests/lib.sh
# and `cd "$root"`.
#
# net_setup: checks the emulator, python3 and busybox (the host's HTTP
#   server), and finds the network guest (scripts/build-net-guests.sh,
#   which builds it on first use), or ends the script with a skip that
#   names what is missing on the host.  Sets $logdir, NET_KERNEL,
#   NET_INITRD and $work, a scratch directory removed at exit, when
#   every process net_spawn/net_bg started is stopped and net_atexit's
#   command runs.
# net_atexit CMD: one more command for the exit trap (the TAP test
#   deletes its namespace with it).
# net_bg NAME STEPS... -- ARGS...: starts expect.py in the background on
#   "$EMU $NET_ARGS ARGS $EMU_EXTRA_ARGS" (the log: $logdir/NAME.log),
#   its pid in $bgpid.  net_wait_bg PID: its exit status.
# net_spawn NETNS CMD...: starts CMD in the background (stopped at
#   exit), inside NETNS if not empty; pid in $spawned.
# net_wait_log LOG REGEX SECS PID: waits until LOG has a line matching
#   REGEX (grep -E), failing early when process PID ended.
# net_httpd DIR [ADDR] [NETNS]: busybox httpd serving DIR on ADDR
#   (default 127.0.0.1) at a free port: $httpd_port.
# net_receiver [ADDR] [NETNS]: the upload receiver (net-helper.py
#   receive): $recv_port, results appended to $recv_log.
# net_line LOG PREFIX: the first line of LOG starting with PREFIX.
# net_fail TEST REASON [LOG]: prints the FAIL line with the guest's
#   EMU-TEST-FAIL line or last serial line and emu's stderr, counts it.
#
# Environment: EMU (default ./emu), NET_ACCEL (default tcg),
# NET_TIMEOUT (seconds for each wait, default 600: the host is slow and
# shared; a stuck test fails after it), EMU_EXTRA_ARGS (appended to the
# command line; e.g. "-nodefaults -serial mon:stdio" for
# EMU=qemu-system-i386), EMU_NO_FETCH=1, EMU_GUEST_CACHE, FUNC_LOG_DIR
# (default build/functional).

NET_ACCEL=${NET_ACCEL:-tcg}
NET_TIMEOUT=${NET_TIMEOUT:-600}
EMU_EXTRA_ARGS=${EMU_EXTRA_ARGS:-}
NET_ARGS="-machine pc -accel $NET_ACCEL -m 256 -nographic -no-reboot -rtc $EMU_TEST_RTC"
NET_APPEND="console=ttyS0 panic=-1"
net_helper=$root/tests/functional/net-helper.py
net_pids=
net_exit_cmds=

net_cleanup() {
    # net_spawn's servers lead a process group of their own: busybox
    # httpd forks a child per connection, which would outlive its parent
    # on a stalled transfer.
    for p in $net_pids; do
        kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null
    done
    for p in $net_pids; do
        wait "$p" 2>/dev/null
    done
    net_pids=
    eval "$net_exit_cmds"
    [ -n "${work:-}" ] && rm -rf "$work"
}

net_atexit() {
    net_exit_cmds="$net_exit_cmds
$1"
}

net_setup() {
    logdir=${FUNC_LOG_DIR:-build/functional}
    mkdir -p "$logdir"
    if ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
        skipped=1
        finish "emulator $EMU not found"
    fi
    if [ "$NET_ACCEL" = tcg ] && [ "$(basename "$EMU")" = emu ] &&
       ! "$EMU" -accel help 2>/dev/null | grep -q '^tcg'; then
        skipped=1
        finish "emu has no tcg accelerator (emu -accel help does not list it)"
    fi
    for tool in python3 busybox; do
        command -v $tool >/dev/null 2>&1 ||
            { skipped=1; finish "$tool not found on the host (scripts/install-deps.sh installs python3 and busybox-static)"; }
    done
    build=$root/scripts/build-net-guests.sh
    if ! nenv=$(sh "$build" --print 2>/dev/null); then
        if [ "${EMU_NO_FETCH:-0}" = 1 ] &&
           ! sh "$root/scripts/fetch-guests.sh" --print >/dev/null 2>&1; then
            skipped=1
            finish "guests not cached and EMU_NO_FETCH=1 (run scripts/build-net-guests.sh)"
        fi
        echo "$(basename "$0" .sh): building the network guest (scripts/build-net-guests.sh)..."
    fi
    # Also when --print worked: rebuilds if an input changed.
    if ! nenv=$(sh "$build" 2>"$logdir/build-net-guests.log"); then
        tail -n 3 "$logdir/build-net-guests.log"
        skipped=1
        finish "could not build the network guest (see $logdir/build-net-guests.log)"
    fi
    eval "$nenv"
    work=$(mktemp -d "${TMPDIR:-/tmp}/emu-net.XXXXXX") || exit 1
    trap 'net_cleanup' EXIT
    trap 'exit 1' INT TERM
}

# net_spawn NETNS CMD...: CMD in the background, inside NETNS if not
# empty (ip netns exec execs CMD: $spawned is CMD's own pid).
net_spawn() {
    _ns=$1
    shift
    # setsid: a process group of its own (a background job of sh is not
    # a group leader, so setsid execs CMD without forking: $! is CMD).
    if [ -n "$_ns" ]; then
        ip netns exec "$_ns" setsid "$@" &
    else
        setsid "$@" &
    fi
    spawned=$!
    net_pids="$net_pids $spawned"
}

net_bg() {
    bgname=$1
    log=$logdir/$1.log
    shift
    seen=no
    for a in "$@"; do
        shift
        if [ "$a" = -- ] && [ $seen = no ]; then
            seen=yes
            # shellcheck disable=SC2086
            set -- "$@" -- "$EMU" $NET_ARGS
        else
            set -- "$@" "$a"
        fi
    done
    rm -f "$log" "$log.err" "$work/$bgname.why"
    # shellcheck disable=SC2086
    python3 "$root/tests/functional/expect.py" --log "$log" --stderr "$log.err" "$@" \
        $EMU_EXTRA_ARGS 2>"$work/$bgname.why" &
    bgpid=$!
    net_pids="$net_pids $bgpid"
}

# net_wait_bg PID NAME: waits for expect.py; its reason (if it failed)
# in $why.
net_wait_bg() {
    wait "$1"
    st=$?
    why=$(head -n 1 "$work/$2.why" 2>/dev/null | sed 's/ (last output.*//;s/^expect: //')
    return $st
}

net_wait_log() {
    n=0
    while ! tr -d '\r' 2>/dev/null <"$1" | grep -a -q -E "$2"; do
        if ! kill -0 "$4" 2>/dev/null; then
            tr -d '\r' 2>/dev/null <"$1" | grep -a -q -E "$2" && return 0
            return 1
        fi
        n=$((n + 1))
        [ $n -gt $(($3 * 5)) ] && return 1
        sleep 0.2
    done
}

net_line() {
    tr -d '\r' 2>/dev/null <"$1" | grep -a -m 1 -E "^$2( |$)" || true
}

# net_in NETNS CMD...: CMD, inside NETNS if not empty.
net_in() {
    _ns=$1
    shift
    if [ -n "$_ns" ]; then
        ip netns exec "$_ns" "$@"
    else
        "$@"
    fi
}

net_httpd() {
    addr=${2:-127.0.0.1}
    httpd_port=$(net_in "${3:-}" python3 "$net_helper" port "$addr") || return 1
    net_spawn "${3:-}" busybox httpd -f -p "$addr:$httpd_port" -h "$1"
    # Ready when it serves a file with a fresh token: ours, not another
    # server that took the port between the check and the bind.
    rtok=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
    echo "$rtok" >"$1/emu-ready.txt"
    n=0
    until [ "$(net_in "${3:-}" python3 "$net_helper" get "http://$addr:$httpd_port/emu-ready.txt" 5 \
               2>/dev/null)" = "$rtok" ]; do
        n=$((n + 1))
        if [ $n -gt 100 ] || ! kill -0 "$spawned" 2>/dev/null; then
            echo "net-lib: busybox httpd did not start on $addr:$httpd_port"
            return 1
        fi
        sleep 0.2
    done
}

net_receiver() {
    addr=${1:-127.0.0.1}
    recv_log=$work/received.$$.$addr
    : >"$recv_log"
    rm -f "$work/recv.port"
    net_spawn "${2:-}" python3 "$net_helper" receive "$addr" "$work/recv.port" "$recv_log"
    n=0
    while [ ! -s "$work/recv.port" ]; do
        n=$((n + 1))
        [ $n -gt 300 ] && { echo "net-lib: the upload receiver did not start"; return 1; }
        sleep 0.2
    done
    recv_port=$(cat "$work/recv.port")
}

net_fail() {
    echo "FAIL $1: $2"
    flog=${3:-${log:-}}
    if [ -n "$flog" ]; then
        bad=$(tr -d '\r' 2>/dev/null <"$flog" | grep -a -m 1 '^EMU-TEST-FAIL' || true)
        last=$(tr -d '\r' 2>/dev/null <"$flog" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' |
               grep -a -v '^[[:space:]]*$' | tail -n 1 | cut -c1-200)
        [ -n "$bad" ] && echo "     guest: $bad"
        echo "     last serial line: ${last:-none}"
        grep -a -v '^$' "$flog.err" 2>/dev/null | tail -n 2 | sed 's/^/     stderr: /'
        echo "     log: $flog"
    fi
    failed=$((failed + 1))
}

net_pass() {
    echo "PASS $1: $2"
    passed=$((passed + 1))
}
