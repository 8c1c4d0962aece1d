#!/bin/sh
# -d in_asm,op,out_asm,exec,int,cpu under the translator: each item leaves
# its mark in the -D log while a guest program runs (guest-excp takes
# exceptions, so "int" has something to show).
#
# Environment: EMU (default ./emu).  Prints one line and "N passed, N
# failed, N skipped"; exits 77 when -accel tcg is not usable.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
cd "$root" || exit 1

if ! "$EMU" -accel help 2>/dev/null | grep -v -i "not usable" | grep -q '^tcg '; then
    finish "-accel tcg is not usable here"
fi
guest=build/guests/guest-excp.bin
[ -f "$guest" ] || finish "$guest not built (make guests)"
log=$(mktemp "${TMPDIR:-/tmp}/emu-tcglog.XXXXXX")
trap 'rm -f "$log"' EXIT

timeout 60 "$EMU" -accel tcg -m 64 -display none -serial null \
    -rtc "$EMU_TEST_RTC" \
    -device isa-debug-exit,iobase=0x501,iosize=2 -bios "$guest" \
    -d in_asm,op,out_asm,exec,int,cpu -D "$log" </dev/null 2>/dev/null
status=$?
missing=""
grep -q '^IN: ' "$log" || missing="$missing in_asm"
grep -q '^TB ' "$log" || missing="$missing op"
grep -q '^OUT: ' "$log" || missing="$missing out_asm"
grep -q '^Trace ' "$log" || missing="$missing exec"
grep -q '^EAX=' "$log" || missing="$missing cpu"
grep -q 'x86: ' "$log" || missing="$missing int"
if [ "$status" -ne 33 ]; then
    echo "FAIL test-tcg-log: guest-excp exited with $status, not 33"
    failed=1
elif [ -n "$missing" ]; then
    echo "FAIL test-tcg-log: nothing logged for:$missing"
    failed=1
else
    echo "PASS test-tcg-log: in_asm op out_asm exec int cpu"
    passed=1
fi
finish ""
