#!/bin/sh
# tests/run-all.sh - the whole test suite, as `make check` runs it.
#
# Tiers, in order: unit (tests/run-unit.sh: $EMU_BUILD/tests/test-*), fuzz
# (tests/fuzz/smoke.sh: a fixed-seed run of every device fuzz target), cli
# (tests/cli/run.sh), qtest (tests/qtest/run.sh: device tests over the
# qtest protocol), img (tests/cli/emu-img.sh: emu-img against
# qemu-img), guests (tests/guests/run.sh), functional
# (tests/functional/run.sh).  Each tier script prints a closing
# "N passed, N failed[, N skipped]" line; a tier exiting 77 is skipped.
# Prints each tier's output, a per-tier summary and, as the very last
# line, "N passed, N failed, N skipped" with the totals.  Exits 1 if
# anything failed.
#
# Environment: EMU (default ./emu), EMU_BUILD (default build: where the
# unit tests are), EMU_ACCELS (default "kvm"), TIERS
# (default "unit fuzz cli qtest img guests power floppy functional"), and whatever the tier scripts
# take.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib.sh"
cd "$root" || exit 1
TIERS=${TIERS:-unit fuzz cli qtest img guests power floppy functional}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

total_p=0 total_f=0 total_s=0
summary=

# Which binaries this run tests (make check-sanitize: emu-san, build-san).
echo "=== emu: $EMU, unit tests: ${EMU_BUILD:-build}/tests"
for tier in $TIERS; do
    case "$tier" in
        unit) script=tests/run-unit.sh ;;
        fuzz) script=tests/fuzz/smoke.sh ;;
        cli) script=tests/cli/run.sh ;;
        qtest) script=tests/qtest/run.sh ;;
        img) script=tests/cli/emu-img.sh ;;
        guests) script=tests/guests/run.sh ;;
        power) script=tests/guests/power.sh ;;
        floppy) script=tests/guests/floppy.sh ;;
        functional) script=tests/functional/run.sh ;;
        *) echo "run-all: unknown tier $tier" >&2; exit 2 ;;
    esac
    echo "=== $tier ($script)"
    { sh "$script"; echo $? >"$tmp/status"; } 2>&1 | tee "$tmp/out"
    st=$(cat "$tmp/status")
    line=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/out" | tail -n 1)
    p=0 f=0 s=0
    if [ -n "$line" ]; then
        p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
        f=$(echo "$line" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
        s=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
        s=${s:-0}
    fi
    note=
    # A script without a closing count line counts as one test.
    [ -z "$line" ] && [ "$st" -eq 0 ] && p=1
    if [ "$st" -eq 77 ]; then
        [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ] && s=1
        note=" (skipped: $(grep -a '^SKIP:' "$tmp/out" | tail -n 1 | sed 's/^SKIP: //'))"
    elif [ "$st" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        note=" (script exited $st)"
    fi
    total_p=$((total_p + p))
    total_f=$((total_f + f))
    total_s=$((total_s + s))
    summary="$summary
$(printf '%-11s %s passed, %s failed, %s skipped%s' "$tier:" "$p" "$f" "$s" "$note")"
done

echo "=== summary$summary"
echo "$total_p passed, $total_f failed, $total_s skipped"
[ $total_f -eq 0 ]
