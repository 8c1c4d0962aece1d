#!/bin/sh
# test-gdb-linux.sh - gdb (batch mode) on Debian's 686 and amd64 kernels
# through emu's gdbstub under the translator: -S -gdb tcp::PORT, `target
# remote`, `break *start_kernel`, continue, the stop PC, `bt`, a second
# breakpoint at rest_init (start_kernel's last call) reached with
# continue, then gdb's kill ends emu (status 0).  The amd64 kernel runs
# with -cpu qemu64: gdb takes the x86-64 description by itself (no `set
# architecture`), the breakpoints are at 0xffffffff8xxxxxxx, and at
# start_kernel the long-mode state is checked too (EFER.LMA, CR0.PG, a
# CR3, GS base the high-half per-CPU area the kernel set).
#
# The kernels' System.map is not in the guest cache (Debian ships it in
# the -dbg package), so a first boot reads the two addresses from the
# guest's /proc/kallsyms; both boots use nokaslr so they are the same.
#
# Skips (exit 77) without gdb, the tcg accelerator or the guests.
# Environment: EMU (default ./emu), GDB (default gdb), LINUX_TCG_TIMEOUT
# (seconds for a boot, default 300), LINUX_GDB_ARCHES (default
# "686 amd64"), EMU_NO_FETCH=1, FUNC_LOG_DIR.
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

result() {
    if [ "$1" = ok ]; then
        passed=$((passed + 1))
    else
        echo "FAIL test-gdb-linux ($arch): $2 (log: $log)"
        failed=$((failed + 1))
    fi
}
ok() { if "$@"; then echo ok; else echo no; fi; }

# run_arch ARCH: both boots of that architecture's kernel.
run_arch() {
    arch=$1
    if [ "$arch" = amd64 ]; then
        cpu="-cpu qemu64" kernel=$EMU_GUEST_KERNEL_AMD64
        initrd=$EMU_GUEST_INITRD_AMD64 digits=16 setarch= fmt=%#lx
    else
        cpu="" kernel=$EMU_GUEST_KERNEL_686 initrd=$EMU_GUEST_INITRD_686
        digits=8 setarch="set architecture i386" fmt=%#x
    fi
    # ---- boot 1: the symbols' addresses from /proc/kallsyms ----
    klog=$logdir/kallsyms-$arch.log
    log=$klog
    # shellcheck disable=SC2086
    if ! python3 "$here/expect.py" --log "$klog" --stderr "$klog.err" \
        -t "$tmo" -r 'EMU-GUEST-READY|Kernel panic - not syncing' \
        -t 60 -e "/ # " -s 'grep -w -e start_kernel -e rest_init /proc/kallsyms' \
        -r ' T start_kernel' -e "/ # " -s 'poweroff -f' -x 0 \
        -- "$EMU" -machine pc -accel tcg $cpu -m 256 -nographic \
           -rtc "$EMU_TEST_RTC" -kernel "$kernel" -initrd "$initrd" \
           -append "$append" -no-reboot 2>"$klog.expect"; then
        result no "no start_kernel from /proc/kallsyms ($(head -n 1 "$klog.expect"))"
        return
    fi
    re="\\([0-9a-f]\\{$digits\\}\\)"
    sk=$(tr -d '\r' <"$klog" | sed -n "s/^$re T start_kernel\$/\\1/p" | head -n 1)
    ri=$(tr -d '\r' <"$klog" | sed -n "s/^$re T rest_init\$/\\1/p" | head -n 1)
    if [ -z "$sk" ] || [ -z "$ri" ] || [ -n "${sk##*[!0]*}" ]; then
        result no "start_kernel/rest_init not in kallsyms output"
        return
    fi

    # ---- boot 2: under gdb ----
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    extra=
    if [ "$arch" = amd64 ]; then
        extra='printf "EFER %#lx\n", $efer
printf "CR0 %#lx\n", $cr0
printf "CR3 %#lx\n", $cr3
printf "GS_BASE %#lx\n", $gs_base'
    fi
    cat >"$logdir/linux-$arch.gdb" <<EOG
set pagination off
set confirm off
$setarch
target remote 127.0.0.1:$port
show architecture
break *0x$sk
continue
printf "STOP-PC $fmt\n", \$pc
$extra
bt
delete
break *0x$ri
continue
printf "STOP-PC2 $fmt\n", \$pc
kill
EOG
    log=$logdir/linux-$arch.gdb.log
    # shellcheck disable=SC2086
    run_timeout "$tmo" "$EMU" -machine pc -accel tcg $cpu -m 256 -display none \
        -serial "file:$logdir/linux-$arch.serial" -monitor none \
        -rtc "$EMU_TEST_RTC" -kernel "$kernel" -initrd "$initrd" \
        -append "$append" -no-reboot -S -gdb "tcp:127.0.0.1:$port" \
        </dev/null >"$logdir/linux-$arch.out" 2>"$logdir/linux-$arch.err" &
    emu_pid=$!
    # gdb retries the connection for a while (it may come before the socket).
    run_timeout "$tmo" "$GDB" -batch -nx -ex "set tcp connect-timeout 30" \
        -x "$logdir/linux-$arch.gdb" >"$log" 2>&1
    wait "$emu_pid"
    est=$?

    result "$(ok grep -q -x "STOP-PC 0x$sk" "$log")" "no stop at start_kernel (0x$sk)"
    result "$(ok grep -q "^#0  0x$sk in" "$log")" "bt printed no frame at start_kernel"
    if [ "$arch" = amd64 ]; then
        result "$(ok grep -q 'currently "i386:x86-64"' "$log")" \
            "gdb did not take the x86-64 description"
        # EFER: LME and LMA (bits 8, 10); CR0: PE and PG; a CR3; GS base
        # in the kernel's high half (its per-CPU area).
        efer=$(sed -n 's/^EFER \(0x[0-9a-f]*\)$/\1/p' "$log" | head -n 1)
        cr0=$(sed -n 's/^CR0 \(0x[0-9a-f]*\)$/\1/p' "$log" | head -n 1)
        result "$(ok test -n "$efer" -a $((${efer:-0} & 0x500)) -eq $((0x500)))" \
            "EFER at start_kernel is '$efer', want LME and LMA"
        result "$(ok test -n "$cr0" -a $((${cr0:-0} & 0x80000001)) -eq $((0x80000001)))" \
            "CR0 at start_kernel is '$cr0', want PE and PG"
        result "$(ok grep -q -x 'CR3 0x[0-9a-f]*[1-9a-f][0-9a-f]*' "$log")" \
            "no CR3 at start_kernel"
        result "$(ok grep -q -x 'GS_BASE 0xffff[0-9a-f]\{12\}' "$log")" \
            "GS base at start_kernel is not a high-half address"
    fi
    result "$(ok grep -q -x "STOP-PC2 0x$ri" "$log")" "continue did not reach rest_init (0x$ri)"
    result "$(ok test $est -eq 0)" "emu exited $est after gdb's kill, want 0"
    result "$(ok grep -q 'terminated via GDBstub' "$logdir/linux-$arch.err")" \
        "no 'terminated via GDBstub' from emu"
    [ $failed -eq 0 ] &&
        echo "PASS test-gdb-linux ($arch): start_kernel 0x$sk, rest_init 0x$ri"
}

for arch in ${LINUX_GDB_ARCHES:-686 amd64}; do
    run_arch "$arch"
done
finish "nothing ran"
