#!/bin/sh
# tests/bench/seabios-boot.sh - time SeaBIOS from process start to its
# "No bootable device" message, under emu and under Debian's
# qemu-system-x86_64, both with -accel kvm and the same options:
#   -machine pc -accel kvm -m 64 -nographic -bios $SEABIOS -no-reboot
# QEMU also gets $QEMU_EXTRA_ARGS, default "-nodefaults -serial mon:stdio":
# emu has no NIC, VGA, floppy or CD-ROM yet, and QEMU's defaults would add
# an iPXE network boot and ~5 s of floppy/CD-ROM probing to its time.
# Set QEMU_EXTRA_ARGS="-net none" to compare against QEMU's default board.
# Each is run $BENCH_RUNS times (default 5); prints every time, each
# median and the ratio emu/QEMU.  Not part of make check.
#
# Environment: EMU (default ./emu), QEMU (default qemu-system-x86_64),
# BENCH_RUNS, BENCH_ACCEL (default kvm), SEABIOS (default
# /usr/share/seabios/bios-256k.bin), BENCH_TIMEOUT (seconds, default 60).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
EMU=${EMU:-./emu}
case "$EMU" in
    */*) EMU=$(cd "$(dirname "$EMU")" 2>/dev/null && pwd)/$(basename "$EMU") ;;
esac
QEMU=${QEMU:-qemu-system-x86_64}
QEMU_EXTRA_ARGS=${QEMU_EXTRA_ARGS--nodefaults -serial mon:stdio}
BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_ACCEL=${BENCH_ACCEL:-kvm}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-60}
SEABIOS=${SEABIOS:-/usr/share/seabios/bios-256k.bin}
expect=$root/tests/functional/expect.py
cd "$root" || exit 1

if [ "$BENCH_ACCEL" = kvm ] && ! { [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
    echo "SKIP: /dev/kvm missing or not accessible"
    exit 77
fi
[ -f "$SEABIOS" ] || { echo "SKIP: $SEABIOS not found"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# measure LABEL CMD...: runs CMD BENCH_RUNS times, prints the times and
# leaves the median (seconds) in $median ("" if any run failed).
measure() {
    label=$1; shift
    : >"$tmp/times"
    i=1
    while [ $i -le "$BENCH_RUNS" ]; do
        if out=$(python3 "$expect" -t "$BENCH_TIMEOUT" -T -e "No bootable device" -k \
                 -- "$@" 2>"$tmp/err"); then
            t=$(printf '%s\n' "$out" | sed -n 's/^TIME //p')
            echo "$t" >>"$tmp/times"
        else
            echo "$label: run $i failed: $(head -n 1 "$tmp/err")"
            median=
            return 1
        fi
        i=$((i + 1))
    done
    median=$(sort -n "$tmp/times" | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2];
              else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    printf '%-5s runs: %s\n' "$label" "$(tr '\n' ' ' <"$tmp/times")"
    printf '%-5s median: %s s\n' "$label" "$median"
}

opts="-machine pc -accel $BENCH_ACCEL -m 64 -nographic -bios $SEABIOS -no-reboot"
echo "SeaBIOS to 'No bootable device', $BENCH_RUNS runs each, -accel $BENCH_ACCEL"

emu_median=
if command -v "$EMU" >/dev/null 2>&1 || [ -x "$EMU" ]; then
    # shellcheck disable=SC2086
    measure emu "$EMU" $opts
    emu_median=$median
else
    echo "emu: $EMU not found"
fi

qemu_median=
if command -v "$QEMU" >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    measure qemu "$QEMU" $opts $QEMU_EXTRA_ARGS
    qemu_median=$median
    echo "      (qemu extra options: $QEMU_EXTRA_ARGS)"
else
    echo "qemu: $QEMU not found (apt-get install qemu-system-x86)"
fi

if [ -n "$emu_median" ] && [ -n "$qemu_median" ]; then
    awk -v e="$emu_median" -v q="$qemu_median" \
        'BEGIN { if (q > 0) printf "ratio emu/qemu: %.2f\n", e / q }'
fi
[ -n "$emu_median" ]
