#!/bin/sh
# tests/bench/display.sh - make bench-display: frames per second of a guest
# redrawing whole screens in mode 13h and VBE 1024x768x32 under emu and
# qemu-system-i386 with the same display back end (-display none plus
# periodic screendumps, then a VNC client), and the host CPU each uses
# while the guest idles at a text screen.  A benchmark, not a test: it
# prints numbers (tests/bench/display.py, docs/devel/vga-tests.md).
#
# Environment: EMU (default ./emu), QEMU (default qemu-system-i386),
# BENCH_ACCEL (default kvm when usable, else tcg), BENCH_SECONDS (per
# measurement, default 5), BENCH_IDLE_SECONDS (default 10), BENCH_DUMP_MS
# (default 100), SEABIOS, VNCCLIENT (default build/tests/vncclient).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
cd "$root" || exit 1
QEMU=${QEMU:-qemu-system-i386}
SEABIOS=${SEABIOS:-/usr/share/seabios/bios-256k.bin}
VNCCLIENT=${VNCCLIENT:-build/tests/vncclient}
if [ -z "${BENCH_ACCEL:-}" ]; then
    BENCH_ACCEL=tcg
    kvm_usable && BENCH_ACCEL=kvm
fi
for need in "$QEMU" python3 nasm; do
    if ! command -v "$need" >/dev/null 2>&1; then
        echo "SKIP: $need not found"
        exit 77
    fi
done
if [ ! -f "$SEABIOS" ]; then
    echo "SKIP: $SEABIOS not found"
    exit 77
fi
mkdir -p build/guests
img=build/guests/vga-bench.bin
if [ ! -f "$img" ] || newer tests/guests/vga-bench.asm "$img" || newer tests/guests/vga.inc "$img"; then
    nasm -f bin -I tests/guests/ -o "$img" tests/guests/vga-bench.asm || exit 1
fi
exec python3 "$here/display.py" --emu "$EMU" --qemu "$QEMU" --image "$img" \
    --accel "$BENCH_ACCEL" --bios "$SEABIOS" --vncclient "$VNCCLIENT" \
    --seconds "${BENCH_SECONDS:-5}" --idle-seconds "${BENCH_IDLE_SECONDS:-10}" \
    --dump-ms "${BENCH_DUMP_MS:-100}"
