#!/bin/sh
# tests/bench/disk.sh - `make bench-disk`: emu's IDE disk against QEMU's,
# measured inside the same Linux guest under the translator:
#   emu              -machine pc -accel tcg -m 256 -nographic -no-reboot
#   qemu-system-i386   -kernel K -initrd I -append "... emutest=bench"
#                      -drive file=IMG,format=FMT,if=ide,index=0,cache=writeback
# (QEMU also gets $QEMU_EXTRA_ARGS, default "-nodefaults -serial
# mon:stdio": no VGA, NIC, floppy or CD-ROM on either side).  The guest is
# Debian's 686 kernel with its own ata_piix driver and the benchmark
# initramfs, the disk a fresh copy of one template for every run, raw or
# converted to qcow2 by qemu-img (tests/bench/build-disk-bench.sh builds
# both into the guest cache).  Inside the guest
# (tests/bench/disk-bench-guest.sh, timed by tests/bench/diskbench.c with
# CLOCK_MONOTONIC):
#   seq write   dd if=/dev/zero of=/dev/sda2 bs=1M count=N oflag=direct
#   seq read    dd if=/dev/sda2 of=/dev/null bs=1M count=N iflag=direct
#   rand read   R reads of 4 KiB, O_DIRECT, at pseudo-random offsets
#               within those N MiB (the same offsets every run)
#   file copy   cp of a 32 MiB file on ext2 (sda1) and sync
# then the copy is read back from the disk and its md5 compared with the
# host's: a mismatch is reported as WRONG.  Each run's line ends with the
# parts' time by the guest clock and by the host clock (the latter also
# holds starting the programs): they should be close, or the guest clock
# is off and so are the figures.  Prints each run, a table of
# medians in MB/s (10^6 bytes per second) with the ratio emu/QEMU, and a
# summary line.  Runs alternate between emu and QEMU.
#
# Environment: EMU (default ./emu), QEMU (default qemu-system-i386),
# BENCH_RUNS (default 3), BENCH_DISK_MIB (N, default 128), BENCH_DISK_RAND
# (R, default 2000), BENCH_FORMATS (default "raw qcow2"), BENCH_ONLY (emu
# or qemu: run one), BENCH_BOOT_TIMEOUT (s, default 300),
# BENCH_WORK_TIMEOUT (s, default 900), QEMU_EXTRA_ARGS, EMU_EXTRA_ARGS,
# EMU_GUEST_CACHE, BENCH_LOG_DIR (default build/bench: serial logs and
# the images of the current run).
# Exit status: 0 if emu and QEMU both completed with correct results, 1
# otherwise, 77 if the guest could not be built.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
EMU=${EMU:-./emu}
case "$EMU" in
    */*) EMU=$(cd "$(dirname "$EMU")" 2>/dev/null && pwd)/$(basename "$EMU") ;;
esac
QEMU=${QEMU:-qemu-system-i386}
QEMU_EXTRA_ARGS=${QEMU_EXTRA_ARGS--nodefaults -serial mon:stdio}
EMU_EXTRA_ARGS=${EMU_EXTRA_ARGS:-}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_DISK_MIB=${BENCH_DISK_MIB:-128}
BENCH_DISK_RAND=${BENCH_DISK_RAND:-2000}
BENCH_FORMATS=${BENCH_FORMATS:-raw qcow2}
BENCH_ONLY=${BENCH_ONLY:-}
BENCH_BOOT_TIMEOUT=${BENCH_BOOT_TIMEOUT:-300}
BENCH_WORK_TIMEOUT=${BENCH_WORK_TIMEOUT:-900}
expect=$root/tests/functional/expect.py
cd "$root" || exit 1
logdir=${BENCH_LOG_DIR:-build/bench}
mkdir -p "$logdir"

for tool in python3 qemu-img; do
    command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool not found"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-bench-disk.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! benv=$(sh "$here/build-disk-bench.sh" 2>"$tmp/build.err"); then
    cat "$tmp/build.err"
    echo "SKIP: could not build the disk benchmark's guest"
    exit 77
fi
eval "$benv"
if [ "$BENCH_DISK_MIB" -gt "$BENCH_AREA_MIB" ] || [ "$BENCH_DISK_MIB" -lt 1 ]; then
    echo "bench-disk: BENCH_DISK_MIB must be 1..$BENCH_AREA_MIB" >&2
    exit 1
fi

ITEMS="seqwrite seqread randread copy"
item_title() {
    case $1 in
        seqwrite) echo "seq write" ;;
        seqread) echo "seq read" ;;
        randread) echo "rand 4K read" ;;
        copy) echo "file copy" ;;
    esac
}

# run_guest LABEL FMT N CMD...: one run on a fresh image; appends "item
# MB/s" lines to $tmp/LABEL.FMT.N and returns 0 if the guest finished
# (with wrong results: $wrong is set), 1 if not (the reason in $why).
run_guest() {
    label=$1; fmt=$2; n=$3; shift 3
    log=$logdir/disk.$label.$fmt.$n.log
    res=$tmp/$label.$fmt.$n
    img=$logdir/disk.$fmt
    wrong= why=
    rm -f "$img" "$res"
    if [ "$fmt" = qcow2 ]; then
        qemu-img convert -f raw -O qcow2 "$BENCH_TEMPLATE" "$img"
    else
        cp --sparse=always "$BENCH_TEMPLATE" "$img"
    fi || { why="cannot make $img"; return 1; }
    # shellcheck disable=SC2016
    python3 "$expect" --log "$log" --stderr "$log.err" \
        -t "$BENCH_BOOT_TIMEOUT" -r 'EMU-GUEST-READY|Kernel panic - not syncing' \
        -t "$BENCH_WORK_TIMEOUT" -T -r 'EMU-PARTS-BEGIN|EMU-TEST-FAIL.*' \
        -T -r 'EMU-PARTS-END|EMU-TEST-FAIL.*' \
        -r 'EMU-BENCH-DONE|EMU-TEST-FAIL.*' -t 60 -x 0 \
        -- "$@" -kernel "$BENCH_KERNEL" -initrd "$BENCH_INITRD" \
           -append "console=ttyS0 panic=-1 emutest=bench emubench_mib=$BENCH_DISK_MIB emubench_rand=$BENCH_DISK_RAND" \
           -drive "file=$img,format=$fmt,if=ide,index=0,cache=writeback" \
           >"$tmp/times" 2>"$tmp/expect.err"
    st=$?
    tr -d '\r' <"$log" >"$tmp/serial"
    awk '/^DISK [a-z]+ [0-9.]+ [0-9]+$/ && $3 > 0 { printf "%s %.1f\n", $2, $4 / $3 / 1e6 }' \
        "$tmp/serial" >"$res"
    if ! grep -q '^EMU-BENCH-DONE' "$tmp/serial"; then
        last=$(grep -a -v '^[[:space:]]*$' "$tmp/serial" | tail -n 1 | cut -c1-150)
        why="$(head -n 1 "$tmp/expect.err" | sed 's/ (last output.*//;s/^expect: //'); last line: ${last:-none}"
        err=$(grep -a -v '^$' "$log.err" 2>/dev/null | tail -n 2 | tr '\n' ' ' | cut -c1-200)
        [ -n "$err" ] && why="$why; stderr: $err"
        rm -f "$res"
        return 1
    fi
    # The guest clock against the host's: the parts' guest times summed,
    # and the host time from EMU-PARTS-BEGIN to EMU-PARTS-END (which also
    # holds starting each part's programs).
    host=$(awk '/^TIME / { t[++n] = $2 } END { if (n == 2) printf "%.3f", t[2] - t[1] }' "$tmp/times")
    guest=$(awk '/^DISK [a-z]+ [0-9.]+ [0-9]+$/ { s += $3 } END { printf "%.3f", s }' "$tmp/serial")
    clock="guest ${guest}s / host ${host:-?}s"
    md5=$(sed -n 's/^EMU-BENCH-MD5 //p' "$tmp/serial")
    [ "$md5" = "$BENCH_SRC_MD5" ] || wrong="$wrong copy-md5(${md5:-missing}!=$BENCH_SRC_MD5)"
    for item in $ITEMS; do
        grep -q "^$item " "$res" || wrong="$wrong $item(no DISK line)"
    done
    [ "$st" -eq 0 ] || echo "$label $fmt: run $n: warning: $(head -n 1 "$tmp/expect.err" | sed 's/^expect: //')"
    return 0
}

# median LABEL FMT ITEM
median() {
    cat "$tmp/$1.$2".[0-9]* 2>/dev/null | awk -v k="$3" '$1 == k { print $2 }' |
        sort -n | awk '{ v[NR] = $1 }
        END { if (NR == 0) exit;
              if (NR % 2) printf "%.1f\n", v[(NR + 1) / 2];
              else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

opts="-machine pc -accel tcg -m 256 -nographic -no-reboot"
echo "Disk I/O under TCG: $(basename "$BENCH_KERNEL"), ata_piix, IDE, cache=writeback, -m 256;" \
     "$BENCH_RUNS runs each; seq ${BENCH_DISK_MIB} MiB bs=1M direct, $BENCH_DISK_RAND random 4 KiB reads, 32 MiB file copy"

labels=
emu_note=
if [ "$BENCH_ONLY" = qemu ]; then
    emu_note="not run (BENCH_ONLY=qemu)"
elif ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
    emu_note="$EMU not found"
elif ! "$EMU" -accel help 2>/dev/null | grep -q '^tcg'; then
    emu_note="no tcg accelerator in this build (emu -accel help)"
else
    labels=emu
fi
if [ "$BENCH_ONLY" != emu ]; then
    if command -v "$QEMU" >/dev/null 2>&1; then
        labels="$labels qemu"
    else
        echo "qemu: $QEMU not found (scripts/install-deps.sh --bench)"
    fi
fi
[ -n "$emu_note" ] && echo "emu: $emu_note"

wrong_any=no
failed=
n=1
while [ "$n" -le "$BENCH_RUNS" ]; do
    for fmt in $BENCH_FORMATS; do
        for label in $labels; do
            case " $failed " in *" $label.$fmt "*) continue ;; esac
            if [ "$label" = emu ]; then
                # shellcheck disable=SC2086
                set -- "$EMU" $opts $EMU_EXTRA_ARGS
            else
                # shellcheck disable=SC2086
                set -- "$QEMU" $opts $QEMU_EXTRA_ARGS
            fi
            if ! run_guest "$label" "$fmt" "$n" "$@"; then
                echo "$label $fmt: run $n failed: $why"
                echo "$label $fmt: serial log: $log"
                # Do not repeat a failure that costs a timeout each time.
                failed="$failed $label.$fmt"
                continue
            fi
            echo "$label $fmt run $n: $(awk '{ printf "%s %s  ", $1, $2 }' "$res")($clock)"
            if [ -n "$wrong" ]; then
                echo "$label $fmt run $n: WRONG results:$wrong (serial log: $log)"
                wrong_any=yes
            fi
        done
    done
    n=$((n + 1))
done
rm -f "$logdir"/disk.raw "$logdir"/disk.qcow2
case " $labels " in *" qemu "*)
    echo "      (qemu: $("$QEMU" --version | head -n 1); extra options: $QEMU_EXTRA_ARGS)" ;;
esac

echo
printf '%-20s %10s %10s %10s\n' "MB/s (median)" "emu" "qemu" "emu/qemu"
ratios=
for fmt in $BENCH_FORMATS; do
    for item in $ITEMS; do
        e=$(median emu "$fmt" "$item")
        q=$(median qemu "$fmt" "$item")
        r=
        if [ -n "$e" ] && [ -n "$q" ]; then
            r=$(awk -v e="$e" -v q="$q" 'BEGIN { if (q > 0) printf "%.2f", e / q; else print "-" }')
            ratios="$ratios $r"
        fi
        printf '%-20s %10s %10s %10s\n' "$fmt $(item_title "$item")" "${e:--}" "${q:--}" "${r:--}"
    done
done

ok=yes
for label in emu qemu; do
    for fmt in $BENCH_FORMATS; do
        [ -n "$(median "$label" "$fmt" seqread)" ] || ok=no
    done
done
geo=$(echo "$ratios" | tr ' ' '\n' | awk '$1 > 0 { s += log($1); n++ } END { if (n) printf "%.2f", exp(s / n) }')
if [ "$ok" = yes ]; then
    echo "summary: emu/qemu geomean ${geo} over $(echo "$ratios" | wc -w) items;" \
         "raw seq read emu $(median emu raw seqread) MB/s vs qemu $(median qemu raw seqread) MB/s$([ "$wrong_any" = yes ] && echo ', WRONG results')"
else
    echo "summary: not every emulator and format completed${emu_note:+ (emu: $emu_note)}$([ "$wrong_any" = yes ] && echo ', WRONG results')"
fi
[ "$ok" = yes ] && [ "$wrong_any" = no ]
