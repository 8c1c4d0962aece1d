#!/bin/sh
# test-vga-render.sh - the rendering tests: guest programs of ours
# (tests/guests/vga-*.asm, booted by SeaBIOS from a small -hda image) set
# a mode through the VGA BIOS or the registers and draw a known pattern;
# each runs under qemu-system-i386 (-vga std, the same SeaBIOS and Debian's
# vgabios-stdvga.bin) and under emu, and the two screendumps must be equal
# pixel by pixel (tests/functional/vga-render.py; docs/devel/vga-tests.md).
#
# Guests: vga-text80 (80x25, all colours, CP437 glyphs, box drawing, a
# shaped cursor), vga-text40, vga-mode12 (planar, write modes 0 and 2, bit
# mask, set/reset, XOR), vga-mode13, vga-modex (unchained 320x240),
# vga-vbe (VBE 1024x768x32 on the LFB), vga-split (start address and line
# compare).
#
# Skipped without qemu-system-i386, SeaBIOS or the VGA BIOS, and per run
# while emu refuses -vga ("not supported").  A failure names the mode, how
# many pixels differ where and in which colours; both images stay in the
# log folder.
#
# Environment: EMU (default ./emu), EMU_ACCELS (as tests/guests/run.sh),
# QEMU (default qemu-system-i386), SEABIOS (default
# /usr/share/seabios/bios-256k.bin), VGA_GUESTS (names, default all),
# VGA_QEMU_ACCEL (QEMU's accelerator, default tcg), VGA_TIMEOUT (seconds
# per wait for a marker or screendump, default 180), VGA_FORMAT (png or ppm,
# default png), FUNC_LOG_DIR (default build/functional; images in
# $FUNC_LOG_DIR/vga).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
cd "$root" || exit 1
EMU_ACCELS=$(default_accels)
QEMU=${QEMU:-qemu-system-i386}
SEABIOS=${SEABIOS:-/usr/share/seabios/bios-256k.bin}
VGA_TIMEOUT=${VGA_TIMEOUT:-180}
VGA_FORMAT=${VGA_FORMAT:-png}
logdir=${FUNC_LOG_DIR:-build/functional}/vga
bindir=build/guests
VGA_GUESTS=${VGA_GUESTS:-vga-text80 vga-text40 vga-mode12 vga-mode13 vga-modex vga-vbe vga-split}

if ! command -v "$QEMU" >/dev/null 2>&1; then
    skipped=1
    finish "$QEMU not found (Debian's qemu-system-x86 package)"
fi
if [ ! -f "$SEABIOS" ] || [ ! -f "$(dirname "$SEABIOS")/vgabios-stdvga.bin" ]; then
    skipped=1
    finish "$SEABIOS or vgabios-stdvga.bin beside it not found (Debian's seabios package)"
fi
if ! command -v python3 >/dev/null 2>&1 || ! command -v nasm >/dev/null 2>&1; then
    skipped=1
    finish "python3 or nasm not found"
fi
if ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
    skipped=1
    finish "emulator $EMU not found"
fi

accels=
for a in $EMU_ACCELS; do
    if [ "$a" = kvm ] && ! kvm_usable; then
        echo "SKIP test-vga-render (kvm): /dev/kvm missing or not accessible"
        skipped=$((skipped + 1))
        continue
    fi
    accels="$accels $a"
done
[ -n "$accels" ] || finish "no usable accelerator"
# QEMU draws the reference under its translator by default: the picture
# does not depend on the accelerator, and TCG's speed does not depend on
# the host's KVM (a nested one can take minutes over the VBE guest).
qaccel=${VGA_QEMU_ACCEL:-tcg}

mkdir -p "$logdir" "$bindir"
specs=
for g in $VGA_GUESTS; do
    src=tests/guests/$g.asm
    bin=$bindir/$g.bin
    if [ ! -f "$src" ]; then
        echo "FAIL vga-render $g: no $src"
        failed=$((failed + 1))
        continue
    fi
    if [ ! -f "$bin" ] || newer "$src" "$bin" || newer tests/guests/vga.inc "$bin"; then
        nasm -f bin -I tests/guests/ -o "$bin" "$src" || {
            echo "FAIL vga-render $g: nasm"
            failed=$((failed + 1))
            continue
        }
    fi
    specs="$specs $g=$bin=$src"
done

out=$logdir/result.txt
# shellcheck disable=SC2086
python3 "$here/vga-render.py" --emu "$EMU" --qemu "$QEMU" \
    --accels "$accels" --qemu-accel "$qaccel" --bios "$SEABIOS" \
    --rtc "$EMU_TEST_RTC" --logdir "$logdir" --timeout "$VGA_TIMEOUT" \
    --format "$VGA_FORMAT" $specs >"$out" 2>&1
st=$?
grep -v -E '^[0-9]+ passed, [0-9]+ failed' "$out"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
if [ -z "$line" ]; then
    echo "FAIL vga-render: vga-render.py exited $st without a result"
    failed=$((failed + 1))
else
    set -- $line
    passed=$((passed + $1))
    failed=$((failed + $3))
    skipped=$((skipped + $5))
fi
[ $failed -gt 0 ] && echo "     logs and images: $logdir"
finish "emu refuses -vga (the VGA parts are not merged)"
