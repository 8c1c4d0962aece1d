#!/bin/sh
# tests/run-unit.sh - run the unit tier: every $EMU_BUILD/tests/test-*
# program (built by `make tests`; EMU_BUILD is build/, or build-san/ for
# `make check-sanitize`).  Each program prints a closing line
# "<prog>: N passed, N failed"; exit status 77 means skipped.
#
# Prints one line per program and, last, "N passed, N failed, N skipped"
# (sums of the programs' counts).  Exits 1 if anything failed, 77 if no
# unit test is built.  Environment: EMU_BUILD (the object folder, default
# build), UNIT_TIMEOUT (seconds per program, default 300), EMU (unused
# here; accepted like every test script).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root" || exit 1
UNIT_TIMEOUT=${UNIT_TIMEOUT:-300}
EMU_BUILD=${EMU_BUILD:-build}
bindir=$EMU_BUILD/tests
logdir=$bindir/logs
[ -d "$bindir" ] && mkdir -p "$logdir"
echo "unit tests from $bindir/"

passed=0 failed=0 skipped=0 programs=0

for t in "$bindir"/test-*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    case "$t" in *.d|*.o) continue ;; esac
    name=$(basename "$t")
    programs=$((programs + 1))
    log=$logdir/$name.log
    if command -v timeout >/dev/null 2>&1; then
        timeout -k 5 "$UNIT_TIMEOUT" "$t" >"$log" 2>&1 </dev/null
    else
        "$t" >"$log" 2>&1 </dev/null
    fi
    st=$?
    # The closing line, "<prog>: N passed, N failed", prefix optional.
    line=$(grep -a -E '^([^ ]+: )?[0-9]+ passed, [0-9]+ failed' "$log" |
           tail -n 1 | sed 's/^[^ ]*: //')
    if [ $st -eq 77 ] && [ -z "$line" ]; then
        echo "SKIP $name: $(grep -a '^SKIP' "$log" | head -n 1)"
        skipped=$((skipped + 1))
        continue
    fi
    if [ -z "$line" ]; then
        if [ $st -eq 124 ]; then
            why="timeout after ${UNIT_TIMEOUT}s"
        else
            why="exit status $st, no closing 'N passed, N failed' line"
        fi
        echo "FAIL $name: $why (log: $log)"
        grep -a -E 'FAIL|Assert|error' "$log" | head -n 5 | sed 's/^/     /'
        failed=$((failed + 1))
        continue
    fi
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
    s=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
    s=${s:-0}
    if [ "$f" -eq 0 ] && [ $st -ne 0 ] && [ $st -ne 77 ]; then
        f=1
        line="$line; but exit status $st"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
    if [ "$f" -eq 0 ]; then
        echo "PASS $name: $line"
    else
        echo "FAIL $name: $line (log: $log)"
        grep -a 'FAIL' "$log" | head -n 5 | sed 's/^/     /'
    fi
done

if [ $programs -eq 0 ]; then
    echo "SKIP: no unit tests built in $bindir (run make tests)"
    echo "0 passed, 0 failed, 1 skipped"
    exit 77
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
