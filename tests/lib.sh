# Shared by the test scripts (POSIX sh).  Source it before changing
# directory: it makes $EMU (default ./emu) absolute and exports it, and
# gives the counters and the closing line every tier prints.

EMU=${EMU:-./emu}
case "$EMU" in
    */*) EMU=$(cd "$(dirname "$EMU")" 2>/dev/null && pwd)/$(basename "$EMU") ;;
esac
export EMU

# The -rtc option of every guest the tests run: a fixed date on the
# virtual clock, so that no test depends on the host's date or time of day.
EMU_TEST_RTC=${EMU_TEST_RTC:-base=2024-06-15T15:30:00,clock=vm}

passed=0 failed=0 skipped=0

# finish REASON: print the closing line; exit 77 (skipped) with "SKIP:
# REASON" if nothing passed or failed, 1 if anything failed, else 0.
finish() {
    if [ $passed -eq 0 ] && [ $failed -eq 0 ]; then
        echo "SKIP: $1"
        echo "$passed passed, $failed failed, $skipped skipped"
        exit 77
    fi
    echo "$passed passed, $failed failed, $skipped skipped"
    [ $failed -eq 0 ]
    exit $?
}

# default_accels: the accelerators tests run under unless $EMU_ACCELS says:
# kvm, plus tcg when "$EMU -accel help" lists it as usable.
default_accels() {
    if [ -n "${EMU_ACCELS:-}" ]; then
        echo "$EMU_ACCELS"
    elif "$EMU" -accel help 2>/dev/null | grep -v -i "not usable" |
            grep -q '^tcg '; then
        echo "kvm tcg"
    else
        echo "kvm"
    fi
}

# usable_accel: the first of default_accels that emu can use here (its
# "-accel help" does not say "not usable"), for tests that boot once.
usable_accel() {
    for a in $(default_accels); do
        if "$EMU" -accel help 2>/dev/null | grep "^$a " |
                grep -q -v -i "not usable"; then
            echo "$a"
            return
        fi
    done
    default_accels | awk '{print $1}'
}

kvm_usable() {
    [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]
}

# run_timeout SECS CMD...: like timeout(1), status 124 on expiry.
run_timeout() {
    secs=$1; shift
    if command -v timeout >/dev/null 2>&1; then
        timeout -k 5 "$secs" "$@"
        return $?
    fi
    "$@" &
    pid=$!
    ( sleep "$secs"; kill -TERM "$pid" 2>/dev/null; sleep 5;
      kill -KILL "$pid" 2>/dev/null ) &
    watcher=$!
    wait "$pid"
    st=$?
    kill "$watcher" 2>/dev/null
    wait "$watcher" 2>/dev/null
    [ $st -ge 128 ] && st=124
    return $st
}

# newer A B: A exists and was modified after B (test -nt is not POSIX).
newer() {
    [ -f "$1" ] && [ -n "$(find "$1" -newer "$2" 2>/dev/null)" ]
}
