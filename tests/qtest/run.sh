#!/bin/sh
# tests/qtest/run.sh - the qtest tier (make check-qtest): every
# $EMU_BUILD/qtest/test-* program, each a client that starts $EMU under
# -accel qtest and drives its devices over the qtest protocol
# (tests/qtest/libqtest.h).  Each prints a closing "<prog>: N passed, N
# failed"; exit status 77 means skipped.
#
# Prints one line per program and, last, "N passed, N failed, N skipped".
# Exits 1 if anything failed, 77 if nothing is built.  Environment: EMU
# (default ./emu), EMU_BUILD (default build), QTEST_TIMEOUT_PROG (seconds
# per program, default 300), and libqtest's QTEST_LOG, QTEST_TIMEOUT.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
EMU=${EMU:-./emu}
EMU_BUILD=${EMU_BUILD:-build}
PROG_TIMEOUT=${QTEST_TIMEOUT_PROG:-300}
bindir=$EMU_BUILD/qtest
logdir=$bindir/logs
export EMU
echo "qtest programs from $bindir/ against $EMU"

if [ ! -x "$EMU" ]; then
    echo "SKIP: $EMU not built"
    echo "0 passed, 0 failed, 1 skipped"
    exit 77
fi

passed=0 failed=0 skipped=0 programs=0
mkdir -p "$logdir" 2>/dev/null
for t in "$bindir"/test-*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    case "$t" in *.d|*.o) continue ;; esac
    name=$(basename "$t")
    programs=$((programs + 1))
    log=$logdir/$name.log
    timeout -k 5 "$PROG_TIMEOUT" "$t" >"$log" 2>&1 </dev/null
    st=$?
    line=$(grep -a -E '^([^ ]+: )?[0-9]+ passed, [0-9]+ failed' "$log" |
           tail -n 1 | sed 's/^[^ ]*: //')
    if [ $st -eq 77 ] && [ -z "$line" ]; then
        echo "SKIP $name: $(grep -a '^SKIP' "$log" | head -n 1)"
        skipped=$((skipped + 1))
        continue
    fi
    if [ -z "$line" ]; then
        echo "FAIL $name: exit status $st, no closing line (log: $log)"
        grep -a -E 'FAIL|libqtest|ERROR|error' "$log" | head -n 5 |
            sed 's/^/     /'
        failed=$((failed + 1))
        continue
    fi
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
    if [ "$f" -eq 0 ] && [ $st -ne 0 ]; then
        f=1
        line="$line; but exit status $st"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -eq 0 ]; then
        echo "PASS $name: $line"
    else
        echo "FAIL $name: $line (log: $log)"
        grep -a -E 'FAIL|libqtest' "$log" | head -n 8 | sed 's/^/     /'
    fi
done

if [ $programs -eq 0 ]; then
    echo "SKIP: no qtest programs built in $bindir (make qtests)"
    echo "0 passed, 0 failed, 1 skipped"
    exit 77
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
