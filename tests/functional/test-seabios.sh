#!/bin/sh
# test-seabios.sh - boot Debian's SeaBIOS (bios-256k.bin) with no disks and
# check its serial output: the banner "SeaBIOS (version" and, after trying
# every boot device, "No bootable device".  SeaBIOS then waits forever,
# so the test stops the emulator itself.  This covers the board's firmware
# side (hw/pc/pc-firmware.c: finding the image, CMOS, fw_cfg's e820 and
# sercon-port entries that SeaBIOS reads).
#
# Environment: EMU (default ./emu), EMU_ACCELS (default "kvm", plus
# "tcg" when $EMU -accel help lists it),
# SEABIOS (default /usr/share/seabios/bios-256k.bin), SEABIOS_TIMEOUT
# (seconds, default 60), EMU_EXTRA_ARGS (appended to the command line;
# e.g. "-net none" when EMU is qemu-system-x86_64, so that iPXE does not
# try a network boot first), FUNC_LOG_DIR (default build/functional).
# Prints one line per accelerator and "N passed, N failed, N skipped";
# exits 77 if nothing could run, 1 on failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
# Default: kvm, plus the translator when this emu lists it as usable.
EMU_ACCELS=$(default_accels)
SEABIOS=${SEABIOS:-/usr/share/seabios/bios-256k.bin}
SEABIOS_TIMEOUT=${SEABIOS_TIMEOUT:-60}
EMU_EXTRA_ARGS=${EMU_EXTRA_ARGS:-}
cd "$root" || exit 1
logdir=${FUNC_LOG_DIR:-build/functional}
mkdir -p "$logdir"


if [ ! -f "$SEABIOS" ]; then
    echo "SKIP test-seabios: $SEABIOS not found (install Debian's seabios package)"
    skipped=1
    finish "no SeaBIOS image"
fi
if ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
    skipped=1
    finish "emulator $EMU not found"
fi

reason="no usable accelerator"
for accel in $EMU_ACCELS; do
    if [ "$accel" = kvm ] && ! { [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
        echo "SKIP test-seabios (kvm): /dev/kvm missing or not accessible"
        reason="/dev/kvm missing or not accessible"
        skipped=$((skipped + 1))
        continue
    fi
    log=$logdir/seabios.$accel.log
    # shellcheck disable=SC2086
    if python3 "$here/expect.py" --log "$log" --stderr "$log.err" \
            -t "$SEABIOS_TIMEOUT" -e "SeaBIOS (version" -e "No bootable device" -k \
            -- "$EMU" -machine pc -accel "$accel" -m 64 -nographic \
               -rtc "$EMU_TEST_RTC" \
               -bios "$SEABIOS" -no-reboot $EMU_EXTRA_ARGS 2>"$log.expect"; then
        ver=$(tr -d '\r' <"$log" | grep -a -o 'SeaBIOS (version [^)]*)' | head -n 1)
        echo "PASS test-seabios ($accel): $ver"
        passed=$((passed + 1))
    else
        echo "FAIL test-seabios ($accel): $(head -n 1 "$log.expect")"
        err=$(grep -a -v '^$' "$log.err" 2>/dev/null | tail -n 1)
        [ -n "$err" ] && echo "     stderr: $err"
        echo "     log: $log"
        failed=$((failed + 1))
    fi
done
finish "$reason"
