#!/bin/sh
# test-net-tap.sh - TAP, inside a network namespace the test creates (so
# nothing touches the host's real network):
#   ip netns add emu-nt-PID
#   ip netns exec emu-nt-PID ip tuntap add dev emutap0 mode tap
#   ... ip addr add 10.0.4.1/24 dev emutap0; ip link set emutap0 up
#   ip netns exec emu-nt-PID emu ... -nic tap,ifname=emutap0,script=no,downscript=no,model=ne2k_pci
# The guest takes 10.0.4.2/24, downloads a file of random bytes
# (NET_XFER_MIB, default 32 MiB) from a busybox httpd in the namespace
# and sends it back to a receiver there (both md5-checked), pings
# 10.0.4.1 (5/5 replies), and stays up while the namespace pings it
# (5/5 replies).  The namespace, the tap and every process are removed
# at exit.  Needs root (CAP_NET_ADMIN), /dev/net/tun and ip(8): skips
# with the reason otherwise.
# Environment: see net-lib.sh; NET_XFER_MIB.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
cd "$root" || exit 1
. "$here/net-lib.sh"

PATH=$PATH:/sbin:/usr/sbin
command -v ip >/dev/null 2>&1 ||
    { skipped=1; finish "ip(8) not found (install iproute2)"; }
[ "$(id -u)" -eq 0 ] ||
    { skipped=1; finish "needs root (CAP_NET_ADMIN) to create a network namespace and a tap"; }
[ -c /dev/net/tun ] ||
    { skipped=1; finish "no /dev/net/tun (modprobe tun)"; }
net_setup

name="test-net-tap ($NET_ACCEL)"
ns=emu-nt-$$
tap=emutap0
if ! ip netns add "$ns" 2>"$work/ns.err"; then
    skipped=1
    finish "cannot create a network namespace: $(head -n 1 "$work/ns.err")"
fi
# The processes in it are stopped first (net_cleanup), then the tap and
# the namespace go.
net_atexit "ip netns exec $ns ip link del $tap 2>/dev/null; ip netns del $ns 2>/dev/null"
ip netns exec "$ns" ip link set lo up
if ! ip netns exec "$ns" ip tuntap add dev $tap mode tap 2>"$work/tap.err"; then
    skipped=1
    finish "cannot create a tap in a namespace: $(head -n 1 "$work/tap.err")"
fi
ip netns exec "$ns" ip addr add 10.0.4.1/24 dev $tap
ip netns exec "$ns" ip link set $tap up

mib=${NET_XFER_MIB:-32}
bytes=$((mib * 1048576))
mkdir -p "$work/www"
head -c $bytes /dev/urandom >"$work/www/file.bin"
want=$(md5sum <"$work/www/file.bin" | cut -d' ' -f1)
net_httpd "$work/www" 10.0.4.1 "$ns" ||
    { net_fail "$name" "cannot start busybox httpd in the namespace"; finish "nothing ran"; }
net_receiver 10.0.4.1 "$ns" ||
    { net_fail "$name" "cannot start the upload receiver in the namespace"; finish "nothing ran"; }

t=$NET_TIMEOUT
# Run the emulator inside the namespace: wrap expect.py's command.
emu_real=$EMU
EMU="ip"
NET_ARGS_SAVED=$NET_ARGS
NET_ARGS="netns exec $ns $emu_real $NET_ARGS"
net_bg net-tap -t "$t" -e EMU-GUEST-READY -r 'EMU-NET-DONE|EMU-TEST-FAIL.*' \
    -w "$work/stop" -k -- \
    -kernel "$NET_KERNEL" -initrd "$NET_INITRD" \
    -append "$NET_APPEND emutest=xfer emuip=10.0.4.2/24 emuget=http://10.0.4.1:$httpd_port/file.bin emuput=10.0.4.1:$recv_port emuping=10.0.4.1 emuwait=30 emuhold=1" \
    -nic "tap,ifname=$tap,script=no,downscript=no,model=ne2k_pci"
pid=$bgpid
EMU=$emu_real NET_ARGS=$NET_ARGS_SAVED

net_wait_log "$log" '^EMU-NET-DONE|^EMU-TEST-FAIL' $((3 * t)) "$pid"
nsping=
if [ -n "$(net_line "$log" EMU-NET-DONE)" ]; then
    nsping=$(ip netns exec "$ns" busybox ping -c 5 -W 5 10.0.4.2 2>&1)
fi
touch "$work/stop"
net_wait_bg "$pid" net-tap
st=$?

if [ -z "$(net_line "$log" EMU-NET-STATIC)" ]; then
    net_fail "$name" "the guest did not bring eth0 up: ${why:-see the log}"
    finish "nothing ran"
fi
get=$(net_line "$log" EMU-NET-GET)
set -- $get
if [ "${2:-}" = "$want" ] && [ "${3:-}" = "$bytes" ]; then
    net_pass "$name download" "$mib MiB from 10.0.4.1:$httpd_port in the namespace, md5 $want, ${4}s by the guest clock"
else
    net_fail "$name download" "want md5 $want of $bytes bytes, the guest said '${get:-nothing}'"
fi
put=$(net_line "$log" EMU-NET-PUT)
recv=$(head -n 1 "$recv_log")
if [ "$recv" = "$want $bytes" ]; then
    set -- $put
    net_pass "$name upload" "$mib MiB to 10.0.4.1:$recv_port, md5 $want, ${4:-?}s by the guest clock"
else
    net_fail "$name upload" "want '$want $bytes' in the namespace, it received '${recv:-nothing}' (guest: '${put:-nothing}')"
fi
ping=$(net_line "$log" EMU-NET-PING)
set -- $ping
if [ "${3:-}" = 5 ] && [ "${4:-}" = 5 ]; then
    net_pass "$name guest ping" "10.0.4.1 answered 5/5, avg ${5:-?} ms"
else
    net_fail "$name guest ping" "want 5/5 replies from 10.0.4.1, the guest said '${ping:-nothing}'"
fi
got=$(echo "$nsping" | sed -n 's/.*, \([0-9]*\) \(packets \)\{0,1\}received.*/\1/p')
if [ "$got" = 5 ]; then
    net_pass "$name namespace ping" "10.0.4.2 answered 5/5 ($(echo "$nsping" | tail -n 1))"
else
    [ -n "$nsping" ] || nsping="(not run: the guest did not finish)"
    net_fail "$name namespace ping" "want 5/5 replies from the guest, ping said: $(echo "$nsping" | tail -n 2 | tr '\n' ' ')"
fi
[ $st -eq 0 ] || net_fail "$name" "${why:-expect.py failed}"
finish "nothing ran"
