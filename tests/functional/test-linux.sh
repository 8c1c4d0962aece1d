#!/bin/sh
# test-linux.sh - boot Debian's own 686 and amd64 kernels with a busybox
# initramfs (built by scripts/fetch-guests.sh into a cache outside the
# repository), wait for the init script's "EMU-GUEST-READY" marker and the
# shell prompt, run `echo $((6*7))` over the serial console and expect 42,
# then `poweroff -f` must end the emulator with status 0.
#
# Environment: EMU (default ./emu), EMU_ACCELS (default "kvm"),
# LINUX_TIMEOUT (seconds per wait, default 120 for kvm, 300 otherwise),
# EMU_LINUX_APPEND (kernel command line, default "console=ttyS0 panic=-1"),
# EMU_EXTRA_ARGS (appended to the command line), EMU_NO_FETCH=1 (do not
# download guests; skip if they are not cached), EMU_GUEST_CACHE (see
# scripts/fetch-guests.sh), FUNC_LOG_DIR (default build/functional).
#
# KVM on a host whose CPU lacks VT-x/SVM (a nested, paravirtual
# hypervisor such as kvm_pvm) cannot run stock Linux: that case is a SKIP.
# Prints one line per kernel and accelerator and "N passed, N failed,
# N skipped"; exits 77 if nothing could run, 1 on failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
EMU_ACCELS=${EMU_ACCELS:-kvm}
EMU_LINUX_APPEND=${EMU_LINUX_APPEND:-console=ttyS0 panic=-1}
EMU_EXTRA_ARGS=${EMU_EXTRA_ARGS:-}
cd "$root" || exit 1
logdir=${FUNC_LOG_DIR:-build/functional}
mkdir -p "$logdir"


# kvm_linux_problem: prints why KVM cannot run stock Linux here (nothing
# if it can).
kvm_linux_problem() {
    if ! { [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
        echo "/dev/kvm missing or not accessible"
    elif [ -d /sys/module/kvm_pvm ]; then
        echo "KVM here is kvm_pvm (a nested paravirtual hypervisor without VT-x/SVM); it cannot run stock Linux kernels"
    elif ! grep -q -w -E 'vmx|svm' /proc/cpuinfo 2>/dev/null; then
        echo "the host CPU has no VT-x/SVM (no vmx/svm flag in /proc/cpuinfo); KVM cannot run stock Linux kernels"
    fi
}

if ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
    skipped=1
    finish "emulator $EMU not found"
fi

# Which accelerators can run, before fetching anything.
accels=
reason=
for accel in $EMU_ACCELS; do
    if [ "$accel" = kvm ]; then
        why=$(kvm_linux_problem)
        if [ -n "$why" ]; then
            echo "SKIP test-linux (kvm): $why"
            reason=$why
            skipped=$((skipped + 2))
            continue
        fi
    fi
    accels="$accels $accel"
done
[ -n "$accels" ] || finish "$reason"

# Guests: cached, or fetched now.
fetch=$root/scripts/fetch-guests.sh
if ! env=$(sh "$fetch" --print 2>/dev/null); then
    if [ "${EMU_NO_FETCH:-0}" = 1 ]; then
        skipped=$((skipped + 2))
        finish "guests not cached and EMU_NO_FETCH=1 (run scripts/fetch-guests.sh)"
    fi
    echo "test-linux: fetching guests (scripts/fetch-guests.sh)..."
    if ! env=$(sh "$fetch" 2>"$logdir/fetch-guests.log"); then
        tail -n 3 "$logdir/fetch-guests.log"
        skipped=$((skipped + 2))
        finish "could not fetch guests (see $logdir/fetch-guests.log)"
    fi
fi
eval "$env"

for accel in $accels; do
    if [ "$accel" = kvm ]; then
        tmo=${LINUX_TIMEOUT:-120}
    else
        tmo=${LINUX_TIMEOUT:-300}
    fi
    for arch in 686 amd64; do
        eval "kernel=\$EMU_GUEST_KERNEL_$(echo $arch | tr a-z A-Z)"
        eval "initrd=\$EMU_GUEST_INITRD_$(echo $arch | tr a-z A-Z)"
        log=$logdir/linux-$arch.$accel.log
        # shellcheck disable=SC2086
        if python3 "$here/expect.py" --log "$log" --stderr "$log.err" \
                -t "$tmo" -e "EMU-GUEST-READY" -e "/ # " \
                -t 30 -s 'echo $((6*7))' -r '^42\r?$' -e "/ # " \
                -s 'poweroff -f' -x 0 \
                -- "$EMU" -machine pc -accel "$accel" -m 256 -nographic \
                   -rtc "$EMU_TEST_RTC" \
                   -kernel "$kernel" -initrd "$initrd" \
                   -append "$EMU_LINUX_APPEND" -no-reboot $EMU_EXTRA_ARGS \
                   2>"$log.expect"; then
            ver=$(tr -d '\r' <"$log" | sed -n 's/.*EMU-GUEST-READY //p' | head -n 1)
            echo "PASS test-linux $arch ($accel): $ver"
            passed=$((passed + 1))
        else
            echo "FAIL test-linux $arch ($accel): $(head -n 1 "$log.expect")"
            err=$(grep -a -v '^$' "$log.err" 2>/dev/null | tail -n 1)
            [ -n "$err" ] && echo "     stderr: $err"
            echo "     log: $log"
            failed=$((failed + 1))
        fi
    done
done
finish "nothing ran"
