#!/bin/sh
# tests/bench/linux-tcg.sh - emu's translator against QEMU's TCG and the
# host itself on a real guest: Debian's 686 (BENCH_ARCH=i386, the default)
# or amd64 (BENCH_ARCH=amd64) kernel with the busybox initramfs plus
# tests/bench/workload.c (tests/bench/build-workload-initrd.sh builds it
# into the guest cache), under
#   emu              -machine pc -accel tcg -m 256 -nographic -kernel K
#   qemu-system-i386    -initrd I -append "$BENCH_APPEND" -no-reboot
# (amd64: qemu-system-x86_64, and both get -cpu qemu64; QEMU also gets
# $QEMU_EXTRA_ARGS, default "-nodefaults -serial mon:stdio", as in
# seabios-boot.sh: no VGA, NIC, floppy or CD-ROM on either side).
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
# the guest clock.  The "native" column runs the same commands on the
# host with the same static binary (for i386 on a host that runs no
# 32-bit code: a native 64-bit build of workload.c, said in the output).
# Prints each run, a table of medians with the ratios emu/QEMU,
# emu/native and QEMU/native, and one summary line.  When emu does not
# reach the shell it prints "emu: did not reach the shell (...)" and
# QEMU's numbers alone.
#
# BENCH_SMP=2: the 2-vCPU line.  Both boot with -smp 2 and run, after the
# shell prompt, `workload run one workload all` (one copy alone) and then
# `workload run two sh -c 'workload all >/tmp/a & workload all >/tmp/b;
# wait'` (two copies at once, each copy's output kept in its own file and
# printed afterwards with an "A: "/"B: " prefix and checked).  The table
# shows both times (guest clock) and the throughput of two copies against
# one copy's, 2 * one / two: 2.00 is perfect scaling, 1.00 none.  The
# native column does the same on the host (which has other load).
#
# Environment: EMU (default ./emu), BENCH_ARCH (i386 or amd64), QEMU
# (default qemu-system-i386, amd64: qemu-system-x86_64), BENCH_SMP (1 or
# 2, default 1), BENCH_RUNS (default 3), BENCH_BOOT_TIMEOUT (s, default
# 300), BENCH_WORK_TIMEOUT (s per command, default 900), BENCH_SCALE
# (workload size in percent, default 100), BENCH_APPEND (default
# "console=ttyS0 earlyprintk=serial,ttyS0,115200 panic=-1": a failing
# boot shows how far it got), QEMU_EXTRA_ARGS, EMU_EXTRA_ARGS,
# BENCH_ONLY (emu or qemu: run just one; the native column always runs),
# EMU_GUEST_CACHE, BENCH_LOG_DIR (default build/bench: one serial log per
# run).
# Exit status: 0 if QEMU and emu both completed with correct results,
# 1 otherwise, 77 if QEMU and the guests are unavailable.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
EMU=${EMU:-./emu}
case "$EMU" in
    */*) EMU=$(cd "$(dirname "$EMU")" 2>/dev/null && pwd)/$(basename "$EMU") ;;
esac
BENCH_ARCH=${BENCH_ARCH:-i386}
BENCH_SMP=${BENCH_SMP:-1}
case $BENCH_ARCH in
    i386) QEMU=${QEMU:-qemu-system-i386}; cpu_opt= ;;
    amd64) QEMU=${QEMU:-qemu-system-x86_64}; cpu_opt="-cpu qemu64" ;;
    *) echo "linux-tcg: BENCH_ARCH must be i386 or amd64" >&2; exit 2 ;;
esac
case $BENCH_SMP in
    1|2) ;;
    *) echo "linux-tcg: BENCH_SMP must be 1 or 2" >&2; exit 2 ;;
esac
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

if ! benv=$(sh "$here/build-workload-initrd.sh" --arch "$BENCH_ARCH" 2>"$tmp/build.err"); then
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
[ "$BENCH_SMP" = 2 ] && ITEMS="boot one two"

# The guest's commands after the shell prompt, each ending in WORK-EXIT.
S=$BENCH_SCALE
if [ "$BENCH_SMP" = 2 ]; then
    cmd1="/bin/workload run one /bin/workload all $S; echo WORK-EXIT \$?"
    cmd2="/bin/workload run two sh -c '/bin/workload all $S >/tmp/a 2>&1 & /bin/workload all $S >/tmp/b 2>&1; wait'; sed 's/^/A: /' /tmp/a; sed 's/^/B: /' /tmp/b; echo WORK-EXIT \$?"
else
    cmd1="/bin/workload all $S; echo WORK-EXIT \$?"
    cmd2='/bin/workload gen /bigfile 32 && /bin/workload run md5sum md5sum /bigfile; echo WORK-EXIT $?'
fi
# Serial logs: linux-tcg.LABEL.N.log for the i386 line as before.
logtag=
[ "$BENCH_ARCH" = i386 ] || logtag=.$BENCH_ARCH
[ "$BENCH_SMP" = 1 ] || logtag=$logtag.smp$BENCH_SMP

item_title() {
    case $1 in
        boot) echo "boot-to-shell" ;;
        work-host) echo "work (host)" ;;
        md5sum) echo "md5sum 32M" ;;
        one) echo "1 copy" ;;
        two) echo "2 copies" ;;
        *) echo "$1" ;;
    esac
}

# run_guest LABEL N CMD...: one run; appends "item seconds" lines to
# $tmp/LABEL.N and returns 0 if the workload completed (even with wrong
# results: $wrong is set then), 1 if it did not (the reason in $why).
run_guest() {
    label=$1; n=$2; shift 2
    log=$logdir/linux-tcg$logtag.$label.$n.log
    res=$tmp/$label.$n
    : >"$res"
    wrong=
    why=
    # shellcheck disable=SC2016
    python3 "$expect" --log "$log" --stderr "$log.err" \
        -t "$BENCH_BOOT_TIMEOUT" -T -r 'EMU-GUEST-READY|Kernel panic - not syncing' \
        -t 60 -T -e "/ # " \
        -t "$BENCH_WORK_TIMEOUT" \
        -s "$cmd1" -T -r 'WORK-EXIT [0-9]+' \
        -s "$cmd2" -T -r 'WORK-EXIT [0-9]+' -e "/ # " \
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
    check_output "$tmp/serial" "$res"
    if [ "$st" -ne 0 ]; then
        echo "$label: run $n: warning: $(head -n 1 "$tmp/expect.err" | sed 's/^expect: //')"
    fi
    return 0
}

# check_output OUT RES: the WORK times of the output OUT (a serial log
# or the native run's output) go to RES as "item seconds" lines; wrong
# checksums, md5 or exit statuses are added to $wrong.
check_output() {
    if [ "$BENCH_SMP" = 2 ]; then
        sed -n 's/^WORK \(one\|two\) \([0-9.]*\)$/\1 \2/p' "$1" >>"$2"
        # One copy alone (no prefix), then copies A and B.
        prefixes="none A B"
        items="one two"
    else
        sed -n 's/^WORK \([a-z0-9-]*\) \([0-9.]*\)$/\1 \2/p' "$1" >>"$2"
        prefixes=none
        items="int memcpy sieve compress ptrchase gen md5sum"
    fi
    # Correctness: the checksums and the md5 the host computed.
    while read -r kind name val; do
        case $kind in
            SUM)
                for p in $prefixes; do
                    if [ "$p" = none ]; then p=; else p="$p: "; fi
                    got=$(sed -n "s/^${p}SUM $name \\([0-9a-f]*\\)\$/\\1/p" "$1" | head -n 1)
                    [ "$got" = "$val" ] || wrong="$wrong ${p:+$p}$name(${got:-missing}!=$val)"
                done ;;
            MD5)
                [ "$BENCH_SMP" = 2 ] && continue
                got=$(sed -n 's/^\([0-9a-f]\{32\}\)  .*bigfile$/\1/p' "$1" | head -n 1)
                [ "$got" = "$name" ] || wrong="$wrong md5(${got:-missing}!=$name)" ;;
        esac
    done <"$BENCH_EXPECTED"
    for item in $items; do
        grep -q "^$item " "$2" || wrong="$wrong $item(no WORK line)"
    done
    if [ "$BENCH_SMP" = 2 ]; then
        grep -q '^A: WORK-END$' "$1" || wrong="$wrong A:(no WORK-END)"
        grep -q '^B: WORK-END$' "$1" || wrong="$wrong B:(no WORK-END)"
    fi
    # Both commands' statuses.  The echo of the next command, sent as soon
    # as the status is seen, can land on the same line: "WORK-EXIT 0/bin/...".
    [ "$(grep -c '^WORK-EXIT 0\([^0-9]\|$\)' "$1")" -ge 2 ] || wrong="$wrong exit-status"
}

# run_native N: the same commands on the host (sets $wrong like run_guest).
run_native() {
    res=$tmp/native.$1
    : >"$res"
    wrong=
    out=$tmp/native.out
    w=$BENCH_HOST_WORKLOAD
    if [ "$BENCH_SMP" = 2 ]; then
        { "$w" run one "$w" all "$BENCH_SCALE"; echo "WORK-EXIT $?"
          "$w" run two sh -c "'$w' all $BENCH_SCALE >'$tmp/a' 2>&1 & '$w' all $BENCH_SCALE >'$tmp/b' 2>&1; wait"
          sed 's/^/A: /' "$tmp/a"; sed 's/^/B: /' "$tmp/b"; echo "WORK-EXIT $?"; } >"$out" 2>&1
    else
        t0=$(date +%s.%N)
        { "$w" all "$BENCH_SCALE"; echo "WORK-EXIT $?"; } >"$out" 2>&1
        t1=$(date +%s.%N)
        awk -v a="$t1" -v b="$t0" 'BEGIN { printf "work-host %.3f\n", a - b }' >>"$res"
        { "$w" gen "$tmp/bigfile" 32 && "$w" run md5sum md5sum "$tmp/bigfile"
          echo "WORK-EXIT $?"; } >>"$out" 2>&1
        rm -f "$tmp/bigfile"
    fi
    check_output "$out" "$res"
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
            eval "wrong_$label=yes"
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

opts="-machine pc -accel tcg -m 256 -nographic -no-reboot $cpu_opt"
[ "$BENCH_SMP" = 1 ] || opts="$opts -smp $BENCH_SMP"
what="workload scale $BENCH_SCALE%"
[ "$BENCH_SMP" = 2 ] && what="-smp 2, one copy of \`workload all\` then two at once, scale $BENCH_SCALE%"
echo "Linux under TCG ($BENCH_ARCH): $(basename "$BENCH_KERNEL"), $BENCH_RUNS runs each, -m 256${cpu_opt:+, $cpu_opt}, $what"
echo "  append: $BENCH_APPEND"
wrong_any=no
wrong_emu=no; wrong_qemu=no; wrong_native=no

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

# The native column: the same commands on the host, BENCH_RUNS times.
case $BENCH_HOST_WORKLOAD in
    */workload-host) native_note="a native 64-bit build of workload.c: this host runs no i386 code" ;;
    *) native_note="the guest's static binary, $(basename "$BENCH_HOST_WORKLOAD")" ;;
esac
n=1
while [ "$n" -le "$BENCH_RUNS" ]; do
    run_native "$n"
    echo "native run $n: $(awk '{ printf "%s %s  ", $1, $2 }' "$tmp/native.$n")"
    if [ -n "$wrong" ]; then
        echo "native run $n: WRONG results:$wrong"
        wrong_any=yes
        wrong_native=yes
    fi
    n=$((n + 1))
done
echo "      (native: $native_note; host: $(nproc) CPUs, shared with whatever else runs)"

# ratio A B: A / B with two decimals, empty if either is missing.
ratio() {
    [ -n "$1" ] && [ -n "$2" ] || return 0
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}
# scaling LABEL: two copies' throughput against one copy's, 2 * one / two.
scaling() {
    o=$(median "$1" one); t=$(median "$1" two)
    [ -n "$o" ] && [ -n "$t" ] || return 0
    awk -v o="$o" -v t="$t" 'BEGIN { if (t > 0) printf "%.2f", 2 * o / t }'
}

echo
printf '%-15s %10s %10s %10s %10s %10s %10s\n' "median (s)" "emu" "qemu" "native" \
    "emu/qemu" "emu/nat" "qemu/nat"
for item in $ITEMS; do
    e=$(median emu "$item")
    q=$(median qemu "$item")
    h=$(median native "$item")
    re=$(ratio "$e" "$q"); rn=$(ratio "$e" "$h"); rq=$(ratio "$q" "$h")
    printf '%-15s %10s %10s %10s %10s %10s %10s\n' "$(item_title "$item")" \
        "${e:--}" "${q:--}" "${h:--}" "${re:--}" "${rn:--}" "${rq:--}"
done
if [ "$BENCH_SMP" = 2 ]; then
    # A figure from a run with wrong results is marked: a copy that
    # crashed early makes "two copies" look fast.
    es=$(scaling emu); qs=$(scaling qemu); hs=$(scaling native)
    [ -n "$es" ] && [ "$wrong_emu" = yes ] && es="$es(WRONG)"
    [ -n "$qs" ] && [ "$wrong_qemu" = yes ] && qs="$qs(WRONG)"
    [ -n "$hs" ] && [ "$wrong_native" = yes ] && hs="$hs(WRONG)"
    printf '%-15s %10s %10s %10s   (2 x one copy / two copies; 2.00 = perfect)\n' \
        "throughput 2/1" "${es:--}" "${qs:--}" "${hs:--}"
fi

# Summary: boot ratio and the geometric mean of the workload items' ratios.
# geo A B: the geometric mean of A/B over the workload items.
WITEMS="int memcpy sieve compress ptrchase md5sum"
geo() {
    for item in $WITEMS; do
        a=$(median "$1" "$item"); b=$(median "$2" "$item")
        [ -n "$a" ] && [ -n "$b" ] && echo "$a $b"
    done | awk '$1 > 0 && $2 > 0 { s += log($1 / $2); n++ }
        END { if (n) printf "%.2f", exp(s / n) }'
}
wsum() {
    for item in $WITEMS; do median "$1" "$item"; done |
        awk '{ s += $1 } END { if (NR) printf "%.2f", s }'
}
wr=$([ "$wrong_any" = yes ] && echo ', WRONG results')
eboot=$(median emu boot)
qboot=$(median qemu boot)
if [ "$BENCH_SMP" = 2 ]; then
    if [ "$emu_ok" = yes ] || [ "$qemu_ok" = yes ]; then
        echo "summary ($BENCH_ARCH, -smp 2): two copies' throughput against one copy's:" \
             "emu ${es:-${emu_note:-did not complete}}, qemu ${qs:-did not complete}, native ${hs:--}$wr"
    else
        echo "summary: neither emu nor qemu completed"
    fi
elif [ "$emu_ok" = yes ] && [ "$qemu_ok" = yes ]; then
    echo "summary ($BENCH_ARCH): emu/qemu boot-to-shell $(ratio "$eboot" "$qboot")" \
         "(${eboot}s vs ${qboot}s), workload geomean $(geo emu qemu) ($(wsum emu)s vs $(wsum qemu)s);" \
         "against native: emu $(geo emu native), qemu $(geo qemu native) ($(wsum native)s)$wr"
elif [ "$qemu_ok" = yes ]; then
    echo "summary ($BENCH_ARCH): emu ${emu_note:-did not complete}; qemu boot-to-shell ${qboot}s," \
         "workload $(wsum qemu)s, $(geo qemu native) x native ($(wsum native)s)$wr"
elif [ "$emu_ok" = yes ]; then
    echo "summary ($BENCH_ARCH): qemu did not run; emu boot-to-shell ${eboot}s," \
         "workload $(wsum emu)s, $(geo emu native) x native ($(wsum native)s)$wr"
else
    echo "summary: neither emu nor qemu completed"
fi

[ "$emu_ok" = yes ] && [ "$qemu_ok" = yes ] && [ "$wrong_any" = no ]
