#!/bin/sh
# tests/bench/linux-tcg.sh - emu's translator against QEMU's TCG on a real
# guest: Debian's 686 kernel with the busybox initramfs plus
# tests/bench/workload.c (tests/bench/build-workload-initrd.sh builds it
# into the guest cache), under
#   emu              -machine pc -accel tcg -m 256 -nographic -kernel K
#   qemu-system-i386    -initrd I -append "$BENCH_APPEND" -no-reboot
# (QEMU also gets $QEMU_EXTRA_ARGS, default "-nodefaults -serial mon:stdio",
# as in seabios-boot.sh: no VGA, NIC, floppy or CD-ROM on either side).
#
# Each run: boot-to-shell time (process start to the shell prompt after
# the init script's "EMU-GUEST-READY", host clock), then over the serial
# console `workload all` (int, memcpy, sieve, compress, ptrchase: each
# timed in the guest with CLOCK_MONOTONIC), `workload gen /bigfile 32`
# (32 MiB, deterministic) and `md5sum /bigfile` (timed in the guest by
# `workload run`), then `poweroff -f`.  Every run's checksums and md5 are
# compared with the values the host computed: a mismatch is reported as
# WRONG (a translation bug), the times are still shown.
# "work (host)" is the host clock's time for `workload all`, a check on
# the guest clock.  Prints each run, a table of medians with the ratio
# emu/QEMU, and one summary line.  When emu does not reach the shell it
# prints "emu: did not reach the shell (...)" and QEMU's numbers alone.
#
# Environment: EMU (default ./emu), QEMU (default qemu-system-i386),
# BENCH_RUNS (default 3), BENCH_BOOT_TIMEOUT (s, default 300),
# BENCH_WORK_TIMEOUT (s per command, default 900), BENCH_SCALE (workload
# size in percent, default 100), BENCH_APPEND (default
# "console=ttyS0 earlyprintk=serial,ttyS0,115200 panic=-1": a failing
# boot shows how far it got), QEMU_EXTRA_ARGS, EMU_EXTRA_ARGS,
# BENCH_ONLY (emu or qemu: run just one), EMU_GUEST_CACHE,
# BENCH_LOG_DIR (default build/bench: one serial log per run).
# Exit status: 0 if QEMU and emu both completed with correct results,
# 1 otherwise, 77 if QEMU and the guests are unavailable.
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
BENCH_BOOT_TIMEOUT=${BENCH_BOOT_TIMEOUT:-300}
BENCH_WORK_TIMEOUT=${BENCH_WORK_TIMEOUT:-900}
BENCH_SCALE=${BENCH_SCALE:-100}
BENCH_APPEND=${BENCH_APPEND:-console=ttyS0 earlyprintk=serial,ttyS0,115200 panic=-1}
BENCH_ONLY=${BENCH_ONLY:-}
expect=$root/tests/functional/expect.py
cd "$root" || exit 1
logdir=${BENCH_LOG_DIR:-build/bench}
mkdir -p "$logdir"

command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-bench-linux.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! benv=$(sh "$here/build-workload-initrd.sh" 2>"$tmp/build.err"); then
    cat "$tmp/build.err"
    echo "SKIP: could not build the workload initramfs"
    exit 77
fi
eval "$benv"
# The expected checksums are for scale 100%: recompute them for another.
if [ "$BENCH_SCALE" != 100 ]; then
    { "$BENCH_HOST_WORKLOAD" all "$BENCH_SCALE" | grep '^SUM '
      grep '^MD5 ' "$BENCH_EXPECTED"; } >"$tmp/expected"
    BENCH_EXPECTED=$tmp/expected
fi

# The items of the table, in order; "boot" and "work-host" come from the
# host clock, the others from the guest's WORK lines.
ITEMS="boot int memcpy sieve compress ptrchase gen md5sum work-host"

item_title() {
    case $1 in
        boot) echo "boot-to-shell" ;;
        work-host) echo "work (host)" ;;
        md5sum) echo "md5sum 32M" ;;
        *) echo "$1" ;;
    esac
}

# run_guest LABEL N CMD...: one run; appends "item seconds" lines to
# $tmp/LABEL.N and returns 0 if the workload completed (even with wrong
# results: $wrong is set then), 1 if it did not (the reason in $why).
run_guest() {
    label=$1; n=$2; shift 2
    log=$logdir/linux-tcg.$label.$n.log
    res=$tmp/$label.$n
    : >"$res"
    wrong=
    why=
    # shellcheck disable=SC2016
    python3 "$expect" --log "$log" --stderr "$log.err" \
        -t "$BENCH_BOOT_TIMEOUT" -T -r 'EMU-GUEST-READY|Kernel panic - not syncing' \
        -t 60 -T -e "/ # " \
        -t "$BENCH_WORK_TIMEOUT" \
        -s "/bin/workload all $BENCH_SCALE; echo WORK-EXIT \$?" \
        -T -r 'WORK-EXIT [0-9]+' \
        -s '/bin/workload gen /bigfile 32 && /bin/workload run md5sum md5sum /bigfile; echo WORK-EXIT $?' \
        -T -r 'WORK-EXIT [0-9]+' -e "/ # " \
        -t 60 -s 'poweroff -f' -x 0 \
        -- "$@" >"$tmp/times" 2>"$tmp/expect.err"
    st=$?
    sed -n 's/^TIME //p' "$tmp/times" >"$tmp/t"
    ntimes=$(wc -l <"$tmp/t")
    tr -d '\r' <"$log" >"$tmp/serial"
    if [ "$ntimes" -lt 2 ]; then
        last=$(grep -a -v '^[[:space:]]*$' "$tmp/serial" | tail -n 1 | cut -c1-150)
        panic=$(grep -a -m 1 'Kernel panic - not syncing' "$tmp/serial" | cut -c1-150)
        if [ -n "$panic" ]; then
            why="kernel panic ($panic)"
        elif [ "$ntimes" -eq 1 ]; then
            why="reached EMU-GUEST-READY but no shell prompt"
        else
            why="no EMU-GUEST-READY"
        fi
        why="$why: $(head -n 1 "$tmp/expect.err" | sed 's/ (last output.*//;s/^expect: //'); last line: ${last:-none}"
        err=$(grep -a -v '^$' "$log.err" 2>/dev/null | tail -n 2 | tr '\n' ' ' | cut -c1-200)
        [ -n "$err" ] && why="$why; stderr: $err"
        return 1
    fi
    t_shell=$(sed -n 2p "$tmp/t")
    echo "boot $t_shell" >>"$res"
    if [ "$ntimes" -lt 4 ]; then
        last=$(grep -a -v '^[[:space:]]*$' "$tmp/serial" | tail -n 1 | cut -c1-150)
        why="reached the shell (boot ${t_shell}s) but the workload did not finish: $(head -n 1 "$tmp/expect.err" | sed 's/ (last output.*//;s/^expect: //'); last line: ${last:-none}"
        return 1
    fi
    t_all=$(sed -n 3p "$tmp/t")
    awk -v a="$t_all" -v b="$t_shell" 'BEGIN { printf "work-host %.3f\n", a - b }' >>"$res"
    sed -n 's/^WORK \([a-z0-9-]*\) \([0-9.]*\)$/\1 \2/p' "$tmp/serial" >>"$res"
    # Correctness: the checksums and the md5 the host computed.
    while read -r kind name val; do
        case $kind in
            SUM)
                got=$(sed -n "s/^SUM $name \\([0-9a-f]*\\)\$/\\1/p" "$tmp/serial" | head -n 1)
                [ "$got" = "$val" ] || wrong="$wrong $name(${got:-missing}!=$val)" ;;
            MD5)
                got=$(sed -n 's/^\([0-9a-f]\{32\}\)  \/bigfile$/\1/p' "$tmp/serial" | head -n 1)
                [ "$got" = "$name" ] || wrong="$wrong md5(${got:-missing}!=$name)" ;;
        esac
    done <"$BENCH_EXPECTED"
    for item in int memcpy sieve compress ptrchase gen md5sum; do
        grep -q "^$item " "$res" || wrong="$wrong $item(no WORK line)"
    done
    grep -q '^WORK-EXIT 0$' "$tmp/serial" || wrong="$wrong exit-status"
    if [ "$st" -ne 0 ]; then
        echo "$label: run $n: warning: $(head -n 1 "$tmp/expect.err" | sed 's/^expect: //')"
    fi
    return 0
}

# bench LABEL CMD...: BENCH_RUNS runs; sets $ok (yes/no) and prints each run.
bench() {
    label=$1; shift
    ok=no
    n=1
    while [ "$n" -le "$BENCH_RUNS" ]; do
        if ! run_guest "$label" "$n" "$@"; then
            if [ ! -s "$tmp/$label.$n" ]; then
                echo "$label: did not reach the shell ($why)"
            else
                echo "$label: run $n failed: $why"
            fi
            echo "$label: serial log: $log"
            # Do not repeat a failure that costs a timeout each time.
            rm -f "$tmp/$label.$n"
            return
        fi
        line=$(awk '{ printf "%s %s  ", $1, $2 }' "$tmp/$label.$n")
        echo "$label run $n: $line"
        if [ -n "$wrong" ]; then
            echo "$label run $n: WRONG results:$wrong (serial log: $log)"
            wrong_any=yes
        fi
        n=$((n + 1))
    done
    ok=yes
}

# median LABEL ITEM: the median over LABEL's runs ("" if none).
median() {
    cat "$tmp/$1".[0-9]* 2>/dev/null | awk -v k="$2" '$1 == k { print $2 }' |
        sort -n | awk '{ v[NR] = $1 }
        END { if (NR == 0) exit;
              if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2];
              else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

opts="-machine pc -accel tcg -m 256 -nographic -no-reboot"
echo "Linux under TCG: $(basename "$BENCH_KERNEL"), $BENCH_RUNS runs each, -m 256, workload scale $BENCH_SCALE%"
echo "  append: $BENCH_APPEND"
wrong_any=no

emu_ok=no
emu_note=
if [ "$BENCH_ONLY" = qemu ]; then
    emu_note="not run (BENCH_ONLY=qemu)"
elif ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
    emu_note="$EMU not found"
    echo "emu: did not reach the shell ($emu_note)"
elif ! "$EMU" -accel help 2>/dev/null | grep -q '^tcg'; then
    emu_note="no tcg accelerator in this build (emu -accel help)"
    echo "emu: did not reach the shell ($emu_note)"
else
    # shellcheck disable=SC2086
    bench emu "$EMU" $opts -kernel "$BENCH_KERNEL" -initrd "$BENCH_INITRD" \
        -append "$BENCH_APPEND" $EMU_EXTRA_ARGS
    emu_ok=$ok
    [ "$ok" = yes ] || emu_note="did not complete"
fi

qemu_ok=no
if [ "$BENCH_ONLY" = emu ]; then
    :
elif command -v "$QEMU" >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    bench qemu "$QEMU" $opts -kernel "$BENCH_KERNEL" -initrd "$BENCH_INITRD" \
        -append "$BENCH_APPEND" $QEMU_EXTRA_ARGS
    qemu_ok=$ok
    echo "      (qemu: $("$QEMU" --version | head -n 1); extra options: $QEMU_EXTRA_ARGS)"
else
    echo "qemu: $QEMU not found (apt-get install qemu-system-x86)"
fi

echo
printf '%-15s %10s %10s %10s\n' "median (s)" "emu" "qemu" "emu/qemu"
for item in $ITEMS; do
    e=$(median emu "$item")
    q=$(median qemu "$item")
    r=
    if [ -n "$e" ] && [ -n "$q" ]; then
        r=$(awk -v e="$e" -v q="$q" 'BEGIN { if (q > 0) printf "%.2f", e / q; else print "-" }')
    fi
    printf '%-15s %10s %10s %10s\n' "$(item_title "$item")" "${e:--}" "${q:--}" "${r:--}"
done

# Summary: boot ratio and the geometric mean of the workload items' ratios.
geo() {
    for item in int memcpy sieve compress ptrchase md5sum; do
        e=$(median emu "$item"); q=$(median qemu "$item")
        [ -n "$e" ] && [ -n "$q" ] && echo "$e $q"
    done | awk '$1 > 0 && $2 > 0 { s += log($1 / $2); n++ }
        END { if (n) printf "%.2f", exp(s / n) }'
}
qsum=$(for item in int memcpy sieve compress ptrchase md5sum; do median qemu "$item"; done |
       awk '{ s += $1 } END { if (NR) printf "%.2f", s }')
esum=$(for item in int memcpy sieve compress ptrchase md5sum; do median emu "$item"; done |
       awk '{ s += $1 } END { if (NR) printf "%.2f", s }')
eboot=$(median emu boot)
qboot=$(median qemu boot)
if [ "$emu_ok" = yes ] && [ "$qemu_ok" = yes ]; then
    echo "summary: emu/qemu boot-to-shell $(awk -v e="$eboot" -v q="$qboot" 'BEGIN { printf "%.2f", e / q }')" \
         "(${eboot}s vs ${qboot}s), workload geomean $(geo) (${esum}s vs ${qsum}s)$([ "$wrong_any" = yes ] && echo ', WRONG results')"
elif [ "$qemu_ok" = yes ]; then
    echo "summary: emu ${emu_note:-did not complete}; qemu boot-to-shell ${qboot}s, workload ${qsum}s$([ "$wrong_any" = yes ] && echo ', WRONG results')"
elif [ "$emu_ok" = yes ]; then
    echo "summary: qemu did not run; emu boot-to-shell ${eboot}s, workload ${esum}s$([ "$wrong_any" = yes ] && echo ', WRONG results')"
else
    echo "summary: neither emu nor qemu completed"
fi

[ "$emu_ok" = yes ] && [ "$qemu_ok" = yes ] && [ "$wrong_any" = no ]
