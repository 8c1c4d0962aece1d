#!/bin/sh
# test-vga-seabios.sh - SeaBIOS with the VGA card and its BIOS, read from
# the screen: boots Debian's SeaBIOS with no disks and a display (-display
# none: no window, but graphics on, so SeaBIOS writes on the VGA only, not
# on the serial port), and reads the text screen at 0xB8000 through the
# monitor (tests/functional/vga-drive.py) until it shows SeaBIOS's banner
# "SeaBIOS (version" and its last words "No bootable device".  What SeaBIOS
# prints goes through the VGA BIOS's int 10h, and its debug log (0x402)
# must say the VGA BIOS started: "Start SeaVGABIOS" (Debian's SeaVGABIOS
# prints its own banner only there, not on the screen).
#
# Cards: -vga std (the PCI card, its BIOS from the ROM BAR) and -vga none
# -device isa-vga (the ISA card, its BIOS handed over through fw_cfg).
#
# Environment: EMU (default ./emu), EMU_ACCELS (default "kvm", plus "tcg"
# when $EMU -accel help lists it), VGA_TIMEOUT (seconds, default 120),
# FUNC_LOG_DIR (default build/functional).  Prints one line per card and
# accelerator and "N passed, N failed, N skipped"; exits 77 if nothing
# could run, 1 on failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
EMU_ACCELS=$(default_accels)
VGA_TIMEOUT=${VGA_TIMEOUT:-120}
cd "$root" || exit 1
logdir=${FUNC_LOG_DIR:-build/functional}
mkdir -p "$logdir"

if [ ! -f /usr/share/seabios/bios-256k.bin ] ||
    [ ! -f /usr/share/seabios/vgabios-stdvga.bin ]; then
    skipped=1
    finish "SeaBIOS or its VGA BIOS not found (install Debian's seabios package)"
fi
if ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
    skipped=1
    finish "emulator $EMU not found"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-vga.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

reason="no usable accelerator"
for accel in $EMU_ACCELS; do
    if [ "$accel" = kvm ] && ! kvm_usable; then
        echo "SKIP test-vga-seabios (kvm): /dev/kvm missing or not accessible"
        reason="/dev/kvm missing or not accessible"
        skipped=$((skipped + 2))
        continue
    fi
    for card in std isa; do
        case $card in
            std) args="-vga std" ;;
            isa) args="-vga none -device isa-vga" ;;
        esac
        log=$logdir/vga-seabios-$card.$accel
        rm -f "$tmp/mon" "$log.dbg"
        # shellcheck disable=SC2086
        if python3 "$here/vga-drive.py" --monitor "$tmp/mon" \
                --log "$log.serial" --stderr "$log.err" \
                --screen-log "$log.screen" -t "$VGA_TIMEOUT" \
                -S "SeaBIOS (version" -S "No bootable device" -k \
                -- "$EMU" -machine pc -accel "$accel" -m 64 -display none \
                   -rtc "$EMU_TEST_RTC" -net none -serial stdio \
                   -debugcon "file:$log.dbg" \
                   -monitor "unix:$tmp/mon,server,nowait" $args \
                   2>"$log.drive"; then
            if ! grep -a -q "Start SeaVGABIOS" "$log.dbg"; then
                echo "FAIL test-vga-seabios $card ($accel): the banner is on the screen but SeaBIOS's log lacks 'Start SeaVGABIOS' ($log.dbg)"
                failed=$((failed + 1))
            elif grep -a -q "SeaBIOS (version" "$log.serial"; then
                echo "FAIL test-vga-seabios $card ($accel): SeaBIOS also wrote on the serial port (sercon with a display?)"
                failed=$((failed + 1))
            else
                ver=$(grep -o 'SeaBIOS (version [^)]*)' "$log.screen" | head -n 1)
                echo "PASS test-vga-seabios $card ($accel): screen shows $ver"
                passed=$((passed + 1))
            fi
        else
            echo "FAIL test-vga-seabios $card ($accel): $(head -n 1 "$log.drive")"
            err=$(grep -a -v '^$' "$log.err" 2>/dev/null | tail -n 1)
            [ -n "$err" ] && echo "     stderr: $err"
            echo "     screen: $log.screen"
            failed=$((failed + 1))
        fi
    done
done
finish "$reason"
