#!/bin/sh
# tests/functional/run.sh - the functional tier: real firmware and real
# guests (test-*.sh in this folder: SeaBIOS, Debian Linux, the VGA rendering
# comparison with qemu-system-i386 in test-vga-render.sh).  Each script
# prints a closing "N passed, N failed, N skipped" line and exits 77 when
# it could not run at all.
#
# Prints the scripts' output and, last, the summed
# "N passed, N failed, N skipped".  Exits 1 if anything failed, 77 if
# everything was skipped.  Environment: EMU (default ./emu), EMU_ACCELS,
# and what the test scripts take.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
cd "$root" || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-func.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0 failed=0 skipped=0 reasons=

for t in "$here"/test-*.sh; do
    [ -f "$t" ] || continue
    { sh "$t"; echo $? >"$tmp/status"; } 2>&1 | tee "$tmp/out"
    st=$(cat "$tmp/status")
    line=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/out" | tail -n 1)
    p=0 f=0 s=0
    if [ -n "$line" ]; then
        p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
        f=$(echo "$line" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
        s=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
        s=${s:-0}
    fi
    # A script without a closing count line counts as one test.
    [ -z "$line" ] && [ "$st" -eq 0 ] && p=1
    if [ "$st" -eq 77 ]; then
        [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ] && s=1
        r=$(grep -a '^SKIP:' "$tmp/out" | tail -n 1 | sed 's/^SKIP: //')
        reasons="${reasons:+$reasons; }$(basename "$t" .sh): $r"
    elif [ "$st" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $(basename "$t"): exited $st"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
done

if [ $passed -eq 0 ] && [ $failed -eq 0 ]; then
    echo "SKIP: ${reasons:-no functional tests}"
    echo "$passed passed, $failed failed, $skipped skipped"
    exit 77
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
