#!/bin/sh
# test-gdb.sh - Debian's gdb, in batch mode, debugs a guest program of ours
# through emu's gdbstub (-S -gdb unix:PATH,server) under the translator.
#
# The guest (tests/functional/gdb/gdb-guest.asm) is built as an ELF with
# symbols and, from it, as the 64 KiB BIOS image.  gdb attaches, breaks
# at the symbol `poke`, single-steps, reads and writes registers and
# memory, watches `counter` (two hits), then detaches.  The guest's
# serial output must show gdb's writes (EBX=12345678, MAGIC=CAFEF00D),
# the loop must have run to the end (COUNTER=00000005), and emu must
# exit through isa-debug-exit (status 33) after the detach.  A second
# run ends with gdb's kill: emu exits 0 with QEMU's message.
#
# Skips (exit 77) without gdb, nasm, ld/objcopy or the tcg accelerator.
# Environment: EMU (default ./emu), GDB (default gdb), FUNC_LOG_DIR
# (default build/functional), GDB_TEST_TIMEOUT (seconds, default 60).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
GDB=${GDB:-gdb}
tmo=${GDB_TEST_TIMEOUT:-60}
cd "$root" || exit 1
logdir=${FUNC_LOG_DIR:-build/functional}/gdb
mkdir -p "$logdir"

for tool in "$GDB" nasm ld objcopy; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        skipped=1
        finish "$tool not found (scripts/install-deps.sh installs it)"
    fi
done
if ! "$EMU" -accel help 2>/dev/null | grep -v -i "not usable" | grep -q '^tcg'; then
    skipped=1
    finish "emu has no usable tcg accelerator"
fi

src=tests/functional/gdb/gdb-guest.asm
elf=$logdir/gdb-guest.elf bin=$logdir/gdb-guest.bin
if ! nasm -f elf32 -o "$logdir/gdb-guest.o" "$src" ||
   ! ld -m elf_i386 -T tests/functional/gdb/gdb-guest.ld -o "$elf" \
       "$logdir/gdb-guest.o" ||
   ! objcopy -O binary "$elf" "$bin"; then
    echo "FAIL test-gdb: cannot build $src"
    failed=1
    finish "nothing ran"
fi

sock=$logdir/gdb.sock
emu_pid=

# start_emu TAG: emu paused (-S) with the stub on $sock; waits for it.
start_emu() {
    rm -f "$sock"
    run_timeout "$tmo" "$EMU" -machine pc -accel tcg -m 64 -display none \
        -serial "file:$logdir/$1.serial" -monitor none -bios "$bin" \
        -device isa-debug-exit,iobase=0x501,iosize=2 -no-reboot -S \
        -gdb "unix:$sock,server" </dev/null >"$logdir/$1.out" \
        2>"$logdir/$1.err" &
    emu_pid=$!
    i=0
    while [ ! -S "$sock" ] && [ $i -lt $((tmo * 10)) ]; do
        kill -0 "$emu_pid" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
}

# check TAG DESCRIPTION GREP-ARGS...: one test result on a condition.
check() {
    tag=$1 what=$2
    shift 2
    if grep -a -q "$@"; then
        passed=$((passed + 1))
    else
        echo "FAIL test-gdb ($tag): $what"
        failed=$((failed + 1))
    fi
}

# ---- run 1: break, step, registers, memory, watchpoint, detach ----
cat >"$logdir/debug.gdb" <<EOG
set pagination off
set confirm off
target remote $sock
break poke
continue
printf "STOP-PC %#x\n", \$pc
stepi
printf "STEP-PC %#x\n", \$pc
info registers eax eip
set \$eax = 0x12345678
printf "EAX %#x\n", \$eax
set var *(int *)&magic = 0xcafef00d
x/wx &magic
watch *(int *)&counter
continue
continue
delete
monitor info status
detach
EOG
start_emu debug
run_timeout "$tmo" "$GDB" -batch -nx -x "$logdir/debug.gdb" "$elf" \
    >"$logdir/debug.gdb.log" 2>&1
gst=$?
wait "$emu_pid"
est=$?
log=$logdir/debug.gdb.log
poke=$(nm "$elf" | sed -n 's/^\(.*\) T poke$/\1/p')
after=$(nm "$elf" | sed -n 's/^\(.*\) T after_poke$/\1/p')
poke=$(printf '%#x' "0x$poke") after=$(printf '%#x' "0x$after")
[ $gst -eq 0 ] || echo "     gdb exited $gst (log: $log)"
check debug "no stop at the breakpoint on poke ($poke)" -x "STOP-PC $poke" "$log"
check debug "stepi did not reach after_poke ($after)" -x "STEP-PC $after" "$log"
check debug "info registers shows no eax 0x11111111" -E '^eax +0x11111111' "$log"
check debug "\$eax was not set" -x "EAX 0x12345678" "$log"
check debug "x/wx &magic does not show the write" -E '0x1004.*0xcafef00d' "$log"
check debug "the watchpoint's first hit (0 -> 1) is missing" \
    -A1 -x 'Old value = 0' "$log"
check debug "the watchpoint's second hit (1 -> 2) is missing" -x 'New value = 2' "$log"
check debug "monitor info status does not say debug/paused" \
    -E 'VM status: (paused|debug)' "$log"
serial=$logdir/debug.serial
check debug "the guest did not see \$eax (EBX=12345678)" -x 'EBX=12345678' "$serial"
check debug "the guest did not see the memory write" -x 'MAGIC=CAFEF00D' "$serial"
check debug "the guest's loop did not finish" -x 'COUNTER=00000005' "$serial"
if [ $est -eq 33 ]; then
    passed=$((passed + 1))
else
    echo "FAIL test-gdb (debug): emu exited $est after detach, want 33 (isa-debug-exit)"
    failed=$((failed + 1))
fi

# ---- run 2: kill ----
cat >"$logdir/kill.gdb" <<EOG
set pagination off
set confirm off
target remote $sock
info registers eip
kill
EOG
start_emu kill
run_timeout "$tmo" "$GDB" -batch -nx -x "$logdir/kill.gdb" "$elf" \
    >"$logdir/kill.gdb.log" 2>&1
wait "$emu_pid"
est=$?
check kill "eip at reset is not 0xfff0" -E '^eip +0xfff0' "$logdir/kill.gdb.log"
if [ $est -eq 0 ] && grep -q 'terminated via GDBstub' "$logdir/kill.err"; then
    passed=$((passed + 1))
else
    echo "FAIL test-gdb (kill): emu exited $est, want 0 and 'terminated via GDBstub'"
    failed=$((failed + 1))
fi

[ $failed -eq 0 ] && echo "PASS test-gdb: $passed checks"
finish "nothing ran"
