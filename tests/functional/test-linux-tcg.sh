#!/bin/sh
# test-linux-tcg.sh - Debian's own 686 and amd64 kernels with their busybox
# initramfs (scripts/fetch-guests.sh) under emu's translator (-accel tcg;
# amd64 with -cpu qemu64, in long mode): for each, the init
# script's "EMU-GUEST-READY" marker and the shell prompt must appear, then
# `echo $((6*7))` sent over the serial console must print 42, and
# `poweroff -f` must end emu with status 0.
#
# A kernel panic ends the wait for the marker early.
# Skips (exit 77) if emu has no tcg accelerator (`emu -accel help`) or the
# guests are not available.  On failure prints how far the guest got: the
# stage, expect's reason and the last non-empty serial line.
#
# Environment: EMU (default ./emu), LINUX_TCG_ARCHES (default "686 amd64"),
# LINUX_TCG_TIMEOUT (seconds for the
# boot, default 300), EMU_LINUX_APPEND (default "console=ttyS0
# earlyprintk=serial,ttyS0,115200 panic=-1": the early console shows how
# far a failing boot got),
# EMU_EXTRA_ARGS, EMU_NO_FETCH=1 (skip if the guests are not cached),
# EMU_GUEST_CACHE, FUNC_LOG_DIR (default build/functional).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
EMU_LINUX_APPEND=${EMU_LINUX_APPEND:-console=ttyS0 earlyprintk=serial,ttyS0,115200 panic=-1}
EMU_EXTRA_ARGS=${EMU_EXTRA_ARGS:-}
tmo=${LINUX_TCG_TIMEOUT:-300}
cd "$root" || exit 1
logdir=${FUNC_LOG_DIR:-build/functional}
mkdir -p "$logdir"

if ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
    skipped=1
    finish "emulator $EMU not found"
fi
if ! "$EMU" -accel help 2>/dev/null | grep -q '^tcg'; then
    skipped=1
    finish "emu has no tcg accelerator (emu -accel help does not list it)"
fi
command -v python3 >/dev/null 2>&1 || { skipped=1; finish "python3 not found"; }

fetch=$root/scripts/fetch-guests.sh
if ! env=$(sh "$fetch" --print 2>/dev/null); then
    if [ "${EMU_NO_FETCH:-0}" = 1 ]; then
        skipped=1
        finish "guests not cached and EMU_NO_FETCH=1 (run scripts/fetch-guests.sh)"
    fi
    echo "test-linux-tcg: fetching guests (scripts/fetch-guests.sh)..."
    if ! env=$(sh "$fetch" 2>"$logdir/fetch-guests.log"); then
        tail -n 3 "$logdir/fetch-guests.log"
        skipped=1
        finish "could not fetch guests (see $logdir/fetch-guests.log)"
    fi
fi
eval "$env"

# run_arch ARCH: boot that architecture's kernel and initramfs: 686 with
# the default CPU model (qemu32, the translator's 32-bit build), amd64 with
# -cpu qemu64 (long mode: the 64-bit build).
run_arch() {
    arch=$1
    if [ "$arch" = amd64 ]; then
        cpu="-cpu qemu64"
        kernel=$EMU_GUEST_KERNEL_AMD64 initrd=$EMU_GUEST_INITRD_AMD64
    else
        cpu=""
        kernel=$EMU_GUEST_KERNEL_686 initrd=$EMU_GUEST_INITRD_686
    fi
    log=$logdir/linux-$arch.tcg.log
    # shellcheck disable=SC2086,SC2016
    python3 "$here/expect.py" --log "$log" --stderr "$log.err" \
        -t "$tmo" -T -r 'EMU-GUEST-READY|Kernel panic - not syncing' \
        -t 60 -T -e "/ # " -s 'echo $((6*7))' -T -r '^42\r?$' -e "/ # " \
        -s 'poweroff -f' -x 0 \
        -- "$EMU" -machine pc -accel tcg $cpu -m 256 -nographic \
           -rtc "$EMU_TEST_RTC" -kernel "$kernel" -initrd "$initrd" \
           -append "$EMU_LINUX_APPEND" -no-reboot $EMU_EXTRA_ARGS \
           >"$log.times" 2>"$log.expect"
    st=$?
    reached=$(grep -c '^TIME ' "$log.times")
    boot=$(sed -n '2s/^TIME //p' "$log.times")
    if [ $st -eq 0 ]; then
        ver=$(tr -d '\r' <"$log" | sed -n 's/.*EMU-GUEST-READY //p' | head -n 1)
        echo "PASS test-linux-tcg $arch (tcg): $ver, shell after ${boot}s"
        passed=$((passed + 1))
    else
        case $reached in
            0) stage="did not reach EMU-GUEST-READY" ;;
            1) stage="reached EMU-GUEST-READY, no shell prompt" ;;
            2) stage="reached the shell after ${boot}s, 'echo \$((6*7))' did not print 42" ;;
            *) stage="ran the command; poweroff -f did not end emu with status 0" ;;
        esac
        panic=$(tr -d '\r' <"$log" | grep -a -m 1 'Kernel panic - not syncing' | cut -c1-200)
        [ -n "$panic" ] && stage="kernel panic: $panic"
        oops=$(tr -d '\r' <"$log" | grep -a -m 1 -E 'BUG: |Oops|invalid opcode|general protection' | cut -c1-200)
        # The first function of the call trace that follows the oops.
        trace=$(tr -d '\r' <"$log" | awk '/BUG: |Oops|invalid opcode|general protection/ { o = 1 }
            o && t { print; exit } o && /Call Trace:/ { t = 1 }' | cut -c1-200)
        echo "FAIL test-linux-tcg $arch (tcg): $stage"
        echo "     $(head -n 1 "$log.expect" | sed 's/ (last output.*//')"
        last=$(tr -d '\r' <"$log" | grep -a -v '^[[:space:]]*$' | tail -n 1 | cut -c1-200)
        echo "     last serial line: ${last:-none}"
        [ -n "$oops" ] && echo "     first oops: $oops"
        [ -n "$trace" ] && echo "     first trace: $trace"
        grep -a -v '^$' "$log.err" 2>/dev/null | tail -n 2 | sed 's/^/     stderr: /'
        echo "     log: $log"
        failed=$((failed + 1))
    fi
}

for arch in ${LINUX_TCG_ARCHES:-686 amd64}; do
    run_arch "$arch"
done
finish "nothing ran"
