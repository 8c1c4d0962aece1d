#!/bin/sh
# test-linux-smp.sh - Debian's 686 kernel with the busybox initramfs under
# the translator with -smp 2: the kernel brings the second CPU up through
# the local APIC (INIT/STARTUP), runs in symmetric I/O mode with the I/O
# APIC, uses the HPET, and both CPUs are online and take their local timer
# interrupts.  The boot log must say so, and must not carry the
# complaints that a broken interrupt platform gives (stale IRR, APIC
# calibration or timer-through-8259 fall-backs, a CPU that did not wake).
#
# First SeaBIOS alone with -smp 6,sockets=2,cores=3: its CPU scan
# (INIT/STARTUP, then the APs take a spin lock in turn) must find the six
# CPUs at their sparse APIC IDs (0-2 and 4-6: the core number takes two
# bits) below the limit fw_cfg gives, 7, and say so on its debug port.
# Linux runs with -smp 2,cores=2: one package of two cores, which its
# topology files must show.
#
# Skips (exit 77) without the tcg accelerator or the guests (see
# test-linux-tcg.sh).  Environment: EMU, LINUX_TCG_TIMEOUT (boot seconds,
# default 300), EMU_NO_FETCH, FUNC_LOG_DIR (default build/functional).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
tmo=${LINUX_TCG_TIMEOUT:-300}
cd "$root" || exit 1
logdir=${FUNC_LOG_DIR:-build/functional}
mkdir -p "$logdir"

if ! "$EMU" -accel help 2>/dev/null | grep -q '^tcg'; then
    skipped=1
    finish "emu has no tcg accelerator"
fi
command -v python3 >/dev/null 2>&1 || { skipped=1; finish "python3 not found"; }
if ! env=$(sh "$root/scripts/fetch-guests.sh" --print 2>/dev/null); then
    if [ "${EMU_NO_FETCH:-0}" = 1 ]; then
        skipped=1
        finish "guests not cached and EMU_NO_FETCH=1"
    fi
    if ! env=$(sh "$root/scripts/fetch-guests.sh" 2>"$logdir/fetch-guests.log"); then
        skipped=1
        finish "could not fetch guests (see $logdir/fetch-guests.log)"
    fi
fi
eval "$env"

sblog=$logdir/seabios-smp6.tcg.log
if python3 "$here/expect.py" --log "$sblog" -t 60 -e 'Found 6 cpu(s) max supported 7 cpu(s)' -k \
    -- "$EMU" -machine pc -accel tcg -smp 6,sockets=2,cores=3 -display none -serial null \
       -chardev stdio,id=sb -device isa-debugcon,iobase=0x402,chardev=sb \
       2>"$sblog.expect"; then
    echo "PASS test-linux-smp: SeaBIOS found 6 CPUs in 2 packages of 3 cores"
    passed=$((passed + 1))
else
    echo "FAIL test-linux-smp: SeaBIOS with -smp 6,sockets=2,cores=3: $(head -n 1 "$sblog.expect" | cut -c1-150)"
    echo "     log: $sblog"
    failed=$((failed + 1))
fi

log=$logdir/linux-686-smp2.tcg.log
# shellcheck disable=SC2016
python3 "$here/expect.py" --log "$log" --stderr "$log.err" \
    -t "$tmo" -r 'EMU-GUEST-READY|Kernel panic - not syncing' \
    -t 60 -e "/ # " -s 'cat /sys/devices/system/cpu/online' -r '^0-1\r?$' \
    -e "/ # " \
    -s "awk '/LOC:/ { print (\$2 > 0 && \$3 > 0) ? \"LOC-BOTH\" : \"LOC-ONE\" }' /proc/interrupts" \
    -r '^LOC-BOTH\r?$' -e "/ # " \
    -s 'cd /sys/devices/system/cpu/cpu1/topology; echo TOPO-$(cat physical_package_id)-$(cat core_id)-$(cat thread_siblings_list); cd /' \
    -r '^TOPO-0-1-1\r?$' -e "/ # " -s 'poweroff -f' -x 0 \
    -- "$EMU" -machine pc -accel tcg -smp 2,cores=2 -m 256 -nographic \
       -rtc "$EMU_TEST_RTC" -kernel "$EMU_GUEST_KERNEL_686" \
       -initrd "$EMU_GUEST_INITRD_686" -append "console=ttyS0 panic=-1" \
       -no-reboot >/dev/null 2>"$log.expect"
st=$?
if [ $st -ne 0 ]; then
    echo "FAIL test-linux-smp: $(head -n 1 "$log.expect" | sed 's/ (last output.*//')"
    echo "     log: $log"
    failed=$((failed + 1))
    finish "nothing ran"
fi
bad=
for want in 'smp: Brought up 1 node, 2 CPUs' 'Enabling APIC mode' \
    '\.\.TIMER: vector=0x30 apic1=0 pin1=2' 'hpet0: at MMIO 0xfed00000' \
    'ACPI: Using IOAPIC for interrupt routing'; do
    tr -d '\r' <"$log" | grep -q -- "$want" || bad="$bad; no '$want'"
done
# Not 'APIC calibration not consistent with PM-Timer': Linux prints it
# when its tick interrupts came late during the 100 ms it measures, which
# a loaded host causes (the virtual clock follows host time); a broken
# APIC timer fails its verification instead.
for unwanted in 'Stale IRR' 'APIC timer disabled' 'failed to wakeup' \
    'Failed to access perfctr msr' 'Broken PMU' \
    'through the 8259A' 'IO-APIC \+ timer doesn.t work' 'Spurious' \
    'TSC synchronization.*fail'; do
    if tr -d '\r' <"$log" | grep -q -E -- "$unwanted"; then
        bad="$bad; '$unwanted' in the log"
    fi
done
if [ -n "$bad" ]; then
    echo "FAIL test-linux-smp:${bad#;}"
    echo "     log: $log"
    failed=$((failed + 1))
else
    echo "PASS test-linux-smp: 2 cores online, I/O APIC, HPET, local timers on both"
    passed=$((passed + 1))
fi
finish "nothing ran"
