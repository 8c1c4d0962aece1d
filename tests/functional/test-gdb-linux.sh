#!/bin/sh
# test-gdb-linux.sh - gdb (batch mode) on Debian's 686 kernel through
# emu's gdbstub under the translator: -S -gdb tcp::PORT, `target remote`,
# `break *start_kernel`, continue, the stop PC, `bt`, a second breakpoint
# at rest_init (start_kernel's last call) reached with continue, then
# gdb's kill ends emu (status 0).
#
# The kernel's System.map is not in the guest cache (Debian ships it in
# the -dbg package), so a first boot reads the two addresses from the
# guest's /proc/kallsyms; both boots use nokaslr so they are the same.
#
# Skips (exit 77) without gdb, the tcg accelerator or the guests.
# Environment: EMU (default ./emu), GDB (default gdb), LINUX_TCG_TIMEOUT
# (seconds for a boot, default 300), EMU_NO_FETCH=1, FUNC_LOG_DIR.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
GDB=${GDB:-gdb}
tmo=${LINUX_TCG_TIMEOUT:-300}
cd "$root" || exit 1
logdir=${FUNC_LOG_DIR:-build/functional}/gdb
mkdir -p "$logdir"

command -v "$GDB" >/dev/null 2>&1 ||
    { skipped=1; finish "$GDB not found (scripts/install-deps.sh installs it)"; }
command -v python3 >/dev/null 2>&1 || { skipped=1; finish "python3 not found"; }
if ! "$EMU" -accel help 2>/dev/null | grep -v -i "not usable" | grep -q '^tcg'; then
    skipped=1
    finish "emu has no usable tcg accelerator"
fi
fetch=$root/scripts/fetch-guests.sh
if ! env=$(sh "$fetch" --print 2>/dev/null); then
    if [ "${EMU_NO_FETCH:-0}" = 1 ]; then
        skipped=1
        finish "guests not cached and EMU_NO_FETCH=1 (run scripts/fetch-guests.sh)"
    fi
    if ! env=$(sh "$fetch" 2>"$logdir/fetch-guests.log"); then
        skipped=1
        finish "could not fetch guests (see $logdir/fetch-guests.log)"
    fi
fi
eval "$env"
append="console=ttyS0 nokaslr panic=-1"

# ---- boot 1: the symbols' addresses from /proc/kallsyms ----
klog=$logdir/kallsyms.log
if ! python3 "$here/expect.py" --log "$klog" --stderr "$klog.err" \
    -t "$tmo" -r 'EMU-GUEST-READY|Kernel panic - not syncing' \
    -t 60 -e "/ # " -s 'grep -w -e start_kernel -e rest_init /proc/kallsyms' \
    -r ' T start_kernel' -e "/ # " -s 'poweroff -f' -x 0 \
    -- "$EMU" -machine pc -accel tcg -m 256 -nographic -rtc "$EMU_TEST_RTC" \
       -kernel "$EMU_GUEST_KERNEL_686" -initrd "$EMU_GUEST_INITRD_686" \
       -append "$append" -no-reboot 2>"$klog.expect"; then
    echo "FAIL test-gdb-linux: no start_kernel from /proc/kallsyms ($(head -n 1 "$klog.expect"))"
    failed=1
    finish "nothing ran"
fi
sk=$(tr -d '\r' <"$klog" | sed -n 's/^\([0-9a-f]\{8\}\) T start_kernel$/\1/p' | head -n 1)
ri=$(tr -d '\r' <"$klog" | sed -n 's/^\([0-9a-f]\{8\}\) T rest_init$/\1/p' | head -n 1)
if [ -z "$sk" ] || [ -z "$ri" ] || [ "$sk" = 00000000 ]; then
    echo "FAIL test-gdb-linux: start_kernel/rest_init not in kallsyms output (log: $klog)"
    failed=1
    finish "nothing ran"
fi

# ---- boot 2: under gdb ----
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$logdir/linux.gdb" <<EOG
set pagination off
set confirm off
set architecture i386
target remote 127.0.0.1:$port
break *0x$sk
continue
printf "STOP-PC %#x\n", \$pc
bt
delete
break *0x$ri
continue
printf "STOP-PC2 %#x\n", \$pc
kill
EOG
log=$logdir/linux.gdb.log
run_timeout "$tmo" "$EMU" -machine pc -accel tcg -m 256 -display none \
    -serial "file:$logdir/linux.serial" -monitor none -rtc "$EMU_TEST_RTC" \
    -kernel "$EMU_GUEST_KERNEL_686" -initrd "$EMU_GUEST_INITRD_686" \
    -append "$append" -no-reboot -S -gdb "tcp:127.0.0.1:$port" \
    </dev/null >"$logdir/linux.out" 2>"$logdir/linux.err" &
emu_pid=$!
# gdb retries the connection for a while (it may come before the socket).
run_timeout "$tmo" "$GDB" -batch -nx -ex "set tcp connect-timeout 30" \
    -x "$logdir/linux.gdb" >"$log" 2>&1
wait "$emu_pid"
est=$?

result() {
    if [ "$1" = ok ]; then
        passed=$((passed + 1))
    else
        echo "FAIL test-gdb-linux: $2 (log: $log)"
        failed=$((failed + 1))
    fi
}
ok() { if "$@"; then echo ok; else echo no; fi; }
result "$(ok grep -q -x "STOP-PC 0x$sk" "$log")" "no stop at start_kernel (0x$sk)"
result "$(ok grep -q "^#0  0x$sk in" "$log")" "bt printed no frame at start_kernel"
result "$(ok grep -q -x "STOP-PC2 0x$ri" "$log")" "continue did not reach rest_init (0x$ri)"
result "$(ok test $est -eq 0)" "emu exited $est after gdb's kill, want 0"
result "$(ok grep -q 'terminated via GDBstub' "$logdir/linux.err")" "no 'terminated via GDBstub' from emu"
[ $failed -eq 0 ] && echo "PASS test-gdb-linux: start_kernel 0x$sk, rest_init 0x$ri"
finish "nothing ran"
