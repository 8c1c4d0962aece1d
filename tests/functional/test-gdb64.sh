#!/bin/sh
# test-gdb64.sh - Debian's gdb, in batch mode, debugs a long-mode guest of
# ours through emu's gdbstub with -cpu qemu64 (-S -gdb unix:PATH,server)
# under the translator: the x86-64 register set and 64-bit addresses.
#
# The guest (tests/functional/gdb/gdb-guest64.asm, a flat BIOS image: no
# symbols) enters long mode and jumps to its high-half alias.  gdb
# attaches at the reset vector (the description says i386:x86-64 there
# already), breaks at 0xffff800000012000, reads rip, rsp, r8 and fs_base,
# sets rax to a 64-bit value, single-steps, writes a qword through the high
# half, watches a qword at 4 GiB (two hits), asks the monitor for the
# registers, then detaches.  The guest's serial output must show gdb's
# writes (RAX=0123456789abcdef, MAGIC=cafef00d12345678) and the finished
# loop (COUNTER=0000000000000005); emu must exit through isa-debug-exit
# (status 33) after the detach.
#
# Skips (exit 77) without gdb or nasm, or without the tcg accelerator.
# Environment: EMU (default ./emu), GDB (default gdb), FUNC_LOG_DIR
# (default build/functional), GDB_TEST_TIMEOUT (seconds, default 60).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
GDB=${GDB:-gdb}
tmo=${GDB_TEST_TIMEOUT:-60}
cd "$root" || exit 1
logdir=${FUNC_LOG_DIR:-build/functional}/gdb64
mkdir -p "$logdir"

for tool in "$GDB" nasm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        skipped=1
        finish "$tool not found (scripts/install-deps.sh installs it)"
    fi
done
if ! "$EMU" -accel help 2>/dev/null | grep -v -i "not usable" | grep -q '^tcg'; then
    skipped=1
    finish "emu has no usable tcg accelerator"
fi

src=tests/functional/gdb/gdb-guest64.asm
bin=$logdir/gdb-guest64.bin
if ! nasm -f bin -I tests/guests/ -o "$bin" "$src"; then
    echo "FAIL test-gdb64: cannot build $src"
    failed=1
    finish "nothing ran"
fi

sock=$logdir/gdb.sock
rm -f "$sock"
run_timeout "$tmo" "$EMU" -machine pc -accel tcg -cpu qemu64 -m 64 \
    -display none -serial "file:$logdir/debug.serial" -monitor none \
    -bios "$bin" -device isa-debug-exit,iobase=0x501,iosize=2 -no-reboot -S \
    -gdb "unix:$sock,server" </dev/null >"$logdir/debug.out" \
    2>"$logdir/debug.err" &
emu_pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt $((tmo * 10)) ]; do
    kill -0 "$emu_pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done

# check WHAT GREP-ARGS...: one test result on a condition.
check() {
    what=$1
    shift
    if grep -a -q "$@"; then
        passed=$((passed + 1))
    else
        echo "FAIL test-gdb64: $what"
        failed=$((failed + 1))
    fi
}

# hi_poke: image offset 0x2000 at CODE_BASE 0x10000, through the high
# half; MAGIC: 0x880, also through the high half; the counter at 4 GiB.
poke=0xffff800000012000 after=0xffff800000012001
cat >"$logdir/debug.gdb" <<EOG
set pagination off
set confirm off
target remote $sock
show architecture
printf "RESET-PC %#lx\n", \$pc
break *$poke
continue
printf "STOP-PC %#lx\n", \$pc
printf "R8 %#lx\n", \$r8
printf "RSP %#lx\n", \$rsp
printf "FS_BASE %#lx\n", \$fs_base
printf "EFER %#lx\n", \$efer
printf "CR3 %#lx\n", \$cr3
set \$rax = 0x0123456789abcdef
stepi
printf "STEP-PC %#lx\n", \$pc
printf "RAX %#lx\n", \$rax
set var *(long *)0xffff800000000880 = 0xcafef00d12345678
printf "MAGIC-LOW %#lx\n", *(long *)0x880
delete
watch *(long *)0x100000000
continue
continue
delete
monitor info registers
detach
EOG
run_timeout "$tmo" "$GDB" -batch -nx -x "$logdir/debug.gdb" \
    >"$logdir/debug.gdb.log" 2>&1
gst=$?
wait "$emu_pid"
est=$?
log=$logdir/debug.gdb.log
[ $gst -eq 0 ] || echo "     gdb exited $gst (log: $log)"
check "gdb did not take the x86-64 description" -F 'i386:x86-64' "$log"
check "rip at reset is not 0xfff0" -x 'RESET-PC 0xfff0' "$log"
check "no stop at the breakpoint at $poke" -x "STOP-PC $poke" "$log"
check "r8 is not 0x1122334455667788" -x 'R8 0x1122334455667788' "$log"
check "rsp is not 0x7000" -x 'RSP 0x7000' "$log"
check "fs_base is not 0x12349abc0000" -x 'FS_BASE 0x12349abc0000' "$log"
check "efer is not LME|LMA|SCE (0x501)" -x 'EFER 0x501' "$log"
check "cr3 is not the PML4 (0x20000)" -x 'CR3 0x20000' "$log"
check "stepi did not reach $after" -x "STEP-PC $after" "$log"
check "\$rax was not set to 64 bits" -x 'RAX 0x123456789abcdef' "$log"
check "the write through the high half is not seen at 0x880" \
    -x 'MAGIC-LOW 0xcafef00d12345678' "$log"
check "the watchpoint's first hit (0 -> 1) is missing" \
    -A1 -x 'Old value = 0' "$log"
check "the watchpoint's second hit (1 -> 2) is missing" -x 'New value = 2' "$log"
check "monitor info registers has no 64-bit R8" -F 'R8 =1122334455667788' "$log"
serial=$logdir/debug.serial
check "the guest did not see \$rax (RAX=0123456789abcdef)" \
    -x 'RAX=0123456789abcdef' "$serial"
check "the guest did not see the memory write" \
    -x 'MAGIC=cafef00d12345678' "$serial"
check "the guest's loop did not finish" -x 'COUNTER=0000000000000005' "$serial"
if [ $est -eq 33 ]; then
    passed=$((passed + 1))
else
    echo "FAIL test-gdb64: emu exited $est after detach, want 33 (isa-debug-exit)"
    failed=$((failed + 1))
fi

[ $failed -eq 0 ] && echo "PASS test-gdb64: $passed checks"
finish "nothing ran"
