#!/bin/sh
# tests/bench/net.sh - `make bench-net`: emu's NE2000 and network backends
# against QEMU's, measured with the same Linux guest under the translator:
#   emu              -machine pc -accel tcg -m 256 -nographic -no-reboot
#   qemu-system-i386   -kernel K -initrd I -append "... emutest=xfer ..."
#                      -nic user,model=ne2k_pci          (user networking)
#                      -nic tap,ifname=emutap0,script=no,downscript=no,model=ne2k_pci
#                                                         (TAP, in a namespace)
# (QEMU also gets $QEMU_EXTRA_ARGS, default "-nodefaults -serial
# mon:stdio").  The guest is Debian's 686 kernel with its ne2k-pci driver
# and the network initramfs (scripts/build-net-guests.sh; /init is
# scripts/net-guest-init.sh).  In each run the guest
#   download  wgets a file of random bytes from a busybox httpd (user:
#             on the host's loopback, as 10.0.2.2; tap: in a network
#             namespace the benchmark creates, as 10.0.4.1),
#   upload    sends it back with nc to a receiver beside it
#             (tests/functional/net-helper.py receive),
#   ping      pings 10.0.2.2 (user) or 10.0.4.1 (tap) 10 times,
# and both md5s are checked against the host's: a mismatch is WRONG.
# MB/s (10^6 bytes per second) are by the host clock, from the console
# line the guest prints before a transfer (EMU-NET-GET-START) to the one
# it prints as soon as the transfer ends (EMU-NET-GET-DONE), before its
# md5sum of the file, which takes a 686 guest under TCG over a second
# and is not network time (the guest clock's figure is in the run's
# line too); the ping figure is the guest's average round trip.
#
# QEMU's ne2k_pci moves about 0.14 MB/s over user networking on these
# machines, so its runs are capped: it transfers BENCH_NET_QEMU_MIB
# (default 4) MiB instead of BENCH_NET_MIB (default 32), and a run that
# has not finished after BENCH_NET_QEMU_TIMEOUT seconds (default 300)
# is stopped and reported as such.  MB/s compare across sizes.
# The TAP runs need root (a namespace and a tap): without it they are
# reported as skipped, with the reason.
#
# Environment: EMU (default ./emu), QEMU (default qemu-system-i386),
# BENCH_NET_MIB, BENCH_NET_QEMU_MIB, BENCH_NET_QEMU_TIMEOUT,
# BENCH_NET_MODES (default "user tap"), BENCH_ONLY (emu or qemu),
# BENCH_BOOT_TIMEOUT (s, default 300), BENCH_WORK_TIMEOUT (s for emu,
# default 600), QEMU_EXTRA_ARGS, EMU_EXTRA_ARGS, EMU_GUEST_CACHE,
# BENCH_LOG_DIR (default build/bench).
# Exit status: 0 if emu and QEMU both completed every mode with correct
# results, 1 otherwise, 77 if the guest could not be built.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/lib.sh"
cd "$root" || exit 1
QEMU=${QEMU:-qemu-system-i386}
QEMU_EXTRA_ARGS=${QEMU_EXTRA_ARGS--nodefaults -serial mon:stdio}
EMU_EXTRA_ARGS=${EMU_EXTRA_ARGS:-}
BENCH_NET_MIB=${BENCH_NET_MIB:-32}
BENCH_NET_QEMU_MIB=${BENCH_NET_QEMU_MIB:-4}
BENCH_NET_QEMU_TIMEOUT=${BENCH_NET_QEMU_TIMEOUT:-300}
BENCH_NET_MODES=${BENCH_NET_MODES:-user tap}
BENCH_ONLY=${BENCH_ONLY:-}
BENCH_BOOT_TIMEOUT=${BENCH_BOOT_TIMEOUT:-300}
BENCH_WORK_TIMEOUT=${BENCH_WORK_TIMEOUT:-600}
FUNC_LOG_DIR=${BENCH_LOG_DIR:-build/bench}
PATH=$PATH:/sbin:/usr/sbin
. "$root/tests/functional/net-lib.sh"
expect=$root/tests/functional/expect.py
net_setup
logdir=$FUNC_LOG_DIR

labels=
emu_note=
if [ "$BENCH_ONLY" = qemu ]; then
    emu_note="not run (BENCH_ONLY=qemu)"
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

# The files: one per size, random bytes, new for every run of the bench.
mkdir -p "$work/www"
for m in $BENCH_NET_MIB $BENCH_NET_QEMU_MIB; do
    [ -f "$work/www/f$m.bin" ] || head -c $((m * 1048576)) /dev/urandom >"$work/www/f$m.bin"
    eval "md5_$m=\$(md5sum <\"\$work/www/f$m.bin\" | cut -d' ' -f1)"
done

# tap_setup: the namespace emu-nb-PID with emutap0 at 10.0.4.1/24, or
# $tap_why says why not.
ns=emu-nb-$$
tap=emutap0
tap_why=
tap_setup() {
    if ! command -v ip >/dev/null 2>&1; then tap_why="ip(8) not found"; return 1; fi
    if [ "$(id -u)" -ne 0 ]; then tap_why="needs root (CAP_NET_ADMIN)"; return 1; fi
    if [ ! -c /dev/net/tun ]; then tap_why="no /dev/net/tun"; return 1; fi
    ip netns add "$ns" 2>"$work/ns.err" ||
        { tap_why="ip netns add: $(head -n 1 "$work/ns.err")"; return 1; }
    net_atexit "ip netns exec $ns ip link del $tap 2>/dev/null; ip netns del $ns 2>/dev/null"
    ip netns exec "$ns" ip link set lo up
    ip netns exec "$ns" ip tuntap add dev $tap mode tap 2>"$work/tap.err" ||
        { tap_why="ip tuntap add: $(head -n 1 "$work/tap.err")"; return 1; }
    ip netns exec "$ns" ip addr add 10.0.4.1/24 dev $tap
    ip netns exec "$ns" ip link set $tap up
}

# run LABEL MODE: one run; sets $res (a line of figures) or $why.
run() {
    label=$1 mode=$2
    log=$logdir/net.$label.$mode.log
    why= wrong=
    if [ "$label" = emu ]; then
        mib=$BENCH_NET_MIB work_t=$BENCH_WORK_TIMEOUT
        # shellcheck disable=SC2086
        set -- "$EMU" $NET_ARGS $EMU_EXTRA_ARGS
    else
        mib=$BENCH_NET_QEMU_MIB work_t=$BENCH_NET_QEMU_TIMEOUT
        # shellcheck disable=SC2086
        set -- "$QEMU" $NET_ARGS $QEMU_EXTRA_ARGS
    fi
    case $mode in
        user)
            host=10.0.2.2 inns=
            set -- "$@" -nic user,model=ne2k_pci ;;
        tap)
            host=10.0.4.1 inns=$ns
            set -- ip netns exec "$ns" "$@" \
                -nic "tap,ifname=$tap,script=no,downscript=no,model=ne2k_pci" ;;
    esac
    eval "want=\$md5_$mib"
    bytes=$((mib * 1048576))
    eval "rlog=\$recv_log_$mode"
    nbefore=$(wc -l <"$rlog")
    [ "$mode" = user ] && ipcfg= || ipcfg="emuip=10.0.4.2/24"
    python3 "$expect" --log "$log" --stderr "$log.err" \
        -t "$BENCH_BOOT_TIMEOUT" -r 'EMU-GUEST-READY|Kernel panic - not syncing' \
        -t "$work_t" -T -r 'EMU-NET-GET-START|EMU-TEST-FAIL.*' \
        -T -r 'EMU-NET-GET-DONE|EMU-TEST-FAIL.*' \
        -r '^EMU-NET-GET |EMU-TEST-FAIL.*' \
        -T -r 'EMU-NET-PUT-START|EMU-TEST-FAIL.*' \
        -T -r 'EMU-NET-PUT-DONE|EMU-TEST-FAIL.*' \
        -r '^EMU-NET-PUT |EMU-TEST-FAIL.*' \
        -t 120 -r 'EMU-NET-DONE|EMU-TEST-FAIL.*' -t 60 -x 0 \
        -- "$@" -kernel "$NET_KERNEL" -initrd "$NET_INITRD" \
           -append "$NET_APPEND emutest=xfer $ipcfg emuget=http://$host:$(eval echo \$httpd_port_$mode)/f$mib.bin emuput=$host:$(eval echo \$recv_port_$mode) emuping=$host emucount=10 emuwait=3" \
           >"$work/times" 2>"$work/expect.err"
    tr -d '\r' <"$log" >"$work/serial"
    get=$(grep -a -m 1 '^EMU-NET-GET ' "$work/serial")
    put=$(grep -a -m 1 '^EMU-NET-PUT ' "$work/serial")
    ping=$(grep -a -m 1 '^EMU-NET-PING ' "$work/serial")
    # Host seconds between the TIME lines: 1-2 download, 3-4 upload.
    tget=$(awk '/^TIME / { t[++n] = $2 } END { if (n >= 2) printf "%.2f", t[2] - t[1] }' "$work/times")
    tput=$(awk '/^TIME / { t[++n] = $2 } END { if (n >= 4) printf "%.2f", t[4] - t[3] }' "$work/times")
    if [ -z "$get" ]; then
        why=$(grep -a -m 1 '^EMU-TEST-FAIL' "$work/serial")
        if [ -z "$why" ]; then
            last=$(grep -a -v '^[[:space:]]*$' "$work/serial" | tail -n 1 | cut -c1-150)
            why="$(head -n 1 "$work/expect.err" | sed 's/ (last output.*//;s/^expect: //'); last line: ${last:-none}"
        fi
        return 1
    fi
    set -- $get
    [ "$2" = "$want" ] && [ "$3" = "$bytes" ] || wrong="$wrong download($2 $3 != $want $bytes)"
    gget=$4
    dl=$(awk -v b="$bytes" -v t="$tget" 'BEGIN { if (t > 0) printf "%.2f", b / t / 1e6 }')
    ul= gput=
    if [ -n "$put" ] && [ -n "$tput" ]; then
        set -- $put
        gput=$4
        recv=$(sed -n "$((nbefore + 1))p" "$rlog")
        [ "$recv" = "$want $bytes" ] || wrong="$wrong upload(received '${recv:-nothing}' != $want $bytes)"
        ul=$(awk -v b="$bytes" -v t="$tput" 'BEGIN { if (t > 0) printf "%.2f", b / t / 1e6 }')
    else
        why=$(grep -a -m 1 '^EMU-TEST-FAIL' "$work/serial")
        why="upload did not finish: ${why:-$(head -n 1 "$work/expect.err" | sed 's/ (last output.*//;s/^expect: //')}"
    fi
    rtt=-
    if [ -n "$ping" ]; then
        set -- $ping
        [ "${4:-0}" -gt 0 ] 2>/dev/null && rtt=$5
    else
        pingwhy=$(grep -a -m 1 '^EMU-TEST-FAIL no ping' "$work/serial" | sed 's/^EMU-TEST-FAIL //')
        if [ -n "$pingwhy" ]; then
            why="${why:+$why; }ping: $pingwhy"
            eval "noping_${label}_$mode=yes"
        fi
    fi
    res="$mib MiB: download ${dl:--} MB/s (${tget:-?}s host, ${gget:-?}s guest), upload ${ul:--} MB/s (${tput:-?}s host, ${gput:-?}s guest), ping ${rtt} ms"
    eval "dl_${label}_$mode=\$dl ul_${label}_$mode=\$ul rtt_${label}_$mode=\$rtt"
    [ -z "$wrong" ]
}

echo "Network under TCG: $(basename "$NET_KERNEL"), ne2k-pci driver, -m 256;" \
     "emu transfers $BENCH_NET_MIB MiB, QEMU $BENCH_NET_QEMU_MIB MiB and is stopped after ${BENCH_NET_QEMU_TIMEOUT}s" \
     "(BENCH_NET_QEMU_MIB, BENCH_NET_QEMU_TIMEOUT: QEMU's ne2k_pci is slow)"
ok=yes wrong_any=no
modes=
for mode in $BENCH_NET_MODES; do
    case $mode in
        user)
            net_httpd "$work/www" || { echo "user: cannot start busybox httpd"; ok=no; continue; }
            httpd_port_user=$httpd_port
            net_receiver || { echo "user: cannot start the receiver"; ok=no; continue; }
            recv_port_user=$recv_port recv_log_user=$recv_log ;;
        tap)
            if ! tap_setup; then
                echo "tap: skipped: $tap_why"
                continue
            fi
            net_httpd "$work/www" 10.0.4.1 "$ns" || { echo "tap: cannot start busybox httpd"; ok=no; continue; }
            httpd_port_tap=$httpd_port
            net_receiver 10.0.4.1 "$ns" || { echo "tap: cannot start the receiver"; ok=no; continue; }
            recv_port_tap=$recv_port recv_log_tap=$recv_log ;;
        *) echo "bench-net: unknown mode $mode (user, tap)" >&2; exit 1 ;;
    esac
    modes="$modes $mode"
    for label in $labels; do
        res=
        if run "$label" "$mode"; then
            echo "$label $mode: $res${why:+ ($why)}"
        elif [ -n "$wrong" ]; then
            echo "$label $mode: $res; WRONG results:$wrong (serial log: $log)"
            wrong_any=yes
        else
            echo "$label $mode: failed: $why (serial log: $log)"
            ok=no
        fi
        [ -n "$res" ] && [ -n "$(eval echo \${ul_${label}_$mode:-})" ] || ok=no
    done
done
case " $labels " in *" qemu "*)
    echo "      (qemu: $("$QEMU" --version | head -n 1); extra options: $QEMU_EXTRA_ARGS)" ;;
esac
if [ "${noping_emu_user:-}" = yes ] && grep -q '^1[[:space:]]*0$' /proc/sys/net/ipv4/ping_group_range 2>/dev/null; then
    echo "      (emu user ping: no reply; this host's net.ipv4.ping_group_range is '1 0': no unprivileged ICMP sockets for slirp)"
fi

echo
printf '%-22s %10s %10s %10s\n' "" "emu" "qemu" "emu/qemu"
ratio() {
    awk -v e="$1" -v q="$2" 'BEGIN { if (e != "" && e != "-" && q != "" && q != "-" && q > 0) printf "%.1f", e / q; else print "-" }'
}
for mode in $modes; do
    for item in dl ul; do
        e=$(eval echo \${${item}_emu_$mode:-})
        q=$(eval echo \${${item}_qemu_$mode:-})
        [ $item = dl ] && t="download" || t="upload"
        printf '%-22s %10s %10s %10s\n' "$mode $t MB/s" "${e:--}" "${q:--}" "$(ratio "$e" "$q")"
    done
    e=$(eval echo \${rtt_emu_$mode:-})
    q=$(eval echo \${rtt_qemu_$mode:-})
    printf '%-22s %10s %10s\n' "$mode ping rtt ms" "${e:--}" "${q:--}"
done
[ "$ok" = yes ] && [ "$wrong_any" = no ]
