#!/bin/sh
# test-vga-linux.sh - Debian's 686 kernel on the VGA card, booted through
# SeaBIOS and SYSLINUX from a disk (scripts/build-vga-guests.sh builds it
# into the guest cache) so that the kernel's real-mode setup runs and
# vga= asks the VGA BIOS for a VESA mode.  The serial console drives the
# guest (its init is scripts/vga-guest-init.sh); the monitor reads back
# what the guest drew (tests/functional/vga-drive.py):
#
#   text  vgacon: the guest writes "EMU-VGA-TEXT <release>" on tty1 and
#         the test finds it in the text screen at 0xB8000.
#   fb    vga=0x317: vesafb must report "VESA VGA" 1024x768 at 16 bpp;
#         the guest writes "EMU-LFB-PATTERN!" at the start of the last
#         line of /dev/fb0 and the test reads it at that offset in the
#         card's BAR 0 (the LFB, address from "info pci").
#   drm   the bochs DRM driver (a module in Debian's kernel, put in the
#         initramfs by the build script) binds to 00:02.0: dmesg says
#         "Found bochs VGA, ID 0xb0c5" and "Initialized bochs-drm",
#         /sys/class/drm/card0 is 1234:1111, and its fbdev is fb0 at
#         1024x768x32; the guest's pattern is then looked for in the LFB.
#
# The translator only by default: KVM here is often kvm_pvm, which cannot
# run stock Linux (test-linux.sh says why it skips).  Environment: EMU
# (default ./emu), EMU_ACCELS (default tcg), VGA_LINUX_TIMEOUT (seconds
# per wait, default 300), EMU_NO_FETCH=1 (skip if the guests are not
# built), FUNC_LOG_DIR (default build/functional).  Prints one line per
# case and "N passed, N failed, N skipped"; exits 77 if nothing ran.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
EMU_ACCELS=${EMU_ACCELS:-tcg}
VGA_LINUX_TIMEOUT=${VGA_LINUX_TIMEOUT:-300}
cd "$root" || exit 1
logdir=${FUNC_LOG_DIR:-build/functional}
mkdir -p "$logdir"

if ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
    skipped=3
    finish "emulator $EMU not found"
fi
if [ ! -f /usr/share/seabios/vgabios-stdvga.bin ]; then
    skipped=3
    finish "the VGA BIOS (Debian's seabios package) is not installed"
fi

build=$root/scripts/build-vga-guests.sh
if ! env=$(sh "$build" --print 2>/dev/null); then
    if [ "${EMU_NO_FETCH:-0}" = 1 ]; then
        skipped=3
        finish "VGA guest not built and EMU_NO_FETCH=1 (run scripts/build-vga-guests.sh)"
    fi
    echo "test-vga-linux: building the guest (scripts/build-vga-guests.sh)..."
    if ! env=$(sh "$build" 2>"$logdir/build-vga-guests.log"); then
        tail -n 3 "$logdir/build-vga-guests.log"
        skipped=3
        finish "could not build the VGA guest (see $logdir/build-vga-guests.log)"
    fi
fi
eval "$env"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-vga-linux.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

lfb_steps() {   # OFFSET: the pattern at BAR0 + OFFSET
    echo "-m|info pci|-c|LFB=BAR0: 32 bit prefetchable memory at (0x[0-9a-f]+)|-m|xp /16bx \${LFB+$1}|-M|0x45 0x4d 0x55 0x2d 0x4c 0x46 0x42 0x2d 0x50 0x41 0x54 0x54 0x45 0x52 0x4e 0x21"
}

for accel in $EMU_ACCELS; do
    if [ "$accel" = kvm ] && ! kvm_usable; then
        echo "SKIP test-vga-linux (kvm): /dev/kvm missing or not accessible"
        skipped=$((skipped + 3))
        continue
    fi
    for case in text fb drm; do
        case $case in
            text) steps="-e|EMU-VGA-WRITTEN|-S|EMU-VGA-TEXT 6" ;;
            # 1024x768 at 16 bpp: the last line starts at 767 * 2048.
            fb) steps="-e|EMU-FB name=VESA VGA size=1024,768 bpp=16|-e|EMU-VGA-WRITTEN|$(lfb_steps 1570816)" ;;
            drm) steps="-e|Found bochs VGA, ID 0xb0c5|-e|Initialized bochs-drm|-e|EMU-DRM-CARD 0x1234:0x1111|-e|EMU-FB name=bochs-drmdrmfb size=1024,768 bpp=32|-e|EMU-VGA-WRITTEN|$(lfb_steps 3141632)" ;;
        esac
        log=$logdir/vga-linux-$case.$accel
        rm -f "$tmp/mon"
        old_ifs=$IFS
        IFS='|'
        # shellcheck disable=SC2086
        set -- -t "$VGA_LINUX_TIMEOUT" -e "boot:" -s "$case" $steps -k
        IFS=$old_ifs
        if python3 "$here/vga-drive.py" --monitor "$tmp/mon" \
                --log "$log.serial" --stderr "$log.err" \
                --screen-log "$log.screen" "$@" \
                -- "$EMU" -machine pc -accel "$accel" -m 256 -display none \
                   -rtc "$EMU_TEST_RTC" -net none -serial stdio \
                   -monitor "unix:$tmp/mon,server,nowait" \
                   -drive "file=$VGA_HD,format=raw,snapshot=on" \
                   2>"$log.drive"; then
            echo "PASS test-vga-linux $case ($accel)"
            passed=$((passed + 1))
        else
            echo "FAIL test-vga-linux $case ($accel): $(head -n 1 "$log.drive")"
            err=$(grep -a -v '^$' "$log.err" 2>/dev/null | tail -n 1)
            [ -n "$err" ] && echo "     stderr: $err"
            echo "     serial: $log.serial"
            failed=$((failed + 1))
        fi
    done
done
finish "nothing ran"
