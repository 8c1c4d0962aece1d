#!/bin/sh
# test-net-hostfwd.sh - user networking's hostfwd reaches a server in the
# guest:
#   -netdev user,id=n0,hostfwd=tcp:127.0.0.1:PORT-:80 -device ne2k_pci,netdev=n0
# (PORT free, chosen at run time).  The guest (emutest=serve) gets its
# address by DHCP, serves a token that is new for every run with busybox
# httpd on port 80 and prints "EMU-NET-SERVING 80"; the test then fetches
# http://127.0.0.1:PORT/token.txt on the host and must read the token
# back, and stops the emulator.
# Environment: see net-lib.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
cd "$root" || exit 1
. "$here/net-lib.sh"
net_setup

name="test-net-hostfwd ($NET_ACCEL)"
tok=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
port=$(python3 "$net_helper" port)
t=$NET_TIMEOUT
net_bg net-hostfwd -t "$t" -e EMU-GUEST-READY -r 'EMU-NET-SERVING|EMU-TEST-FAIL.*' \
    -w "$work/stop" -k -- \
    -kernel "$NET_KERNEL" -initrd "$NET_INITRD" \
    -append "$NET_APPEND emutest=serve emutoken=$tok emuport=80" \
    -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:80" -device ne2k_pci,netdev=n0
pid=$bgpid
if ! net_wait_log "$log" '^EMU-NET-SERVING|^EMU-TEST-FAIL' $((2 * t)) "$pid" ||
   [ -n "$(net_line "$log" EMU-TEST-FAIL)" ]; then
    touch "$work/stop"
    net_wait_bg "$pid" net-hostfwd
    net_fail "$name" "the guest's server did not start: ${why:-see the log}"
    finish "nothing ran"
fi
got=$(python3 "$net_helper" get "http://127.0.0.1:$port/token.txt" 120 2>"$work/get.err")
touch "$work/stop"
net_wait_bg "$pid" net-hostfwd
if [ "$got" = "$tok" ]; then
    net_pass "$name" "127.0.0.1:$port reached the guest's httpd on port 80, token $tok"
else
    net_fail "$name" "http://127.0.0.1:$port/token.txt gave '${got}' $(head -n 1 "$work/get.err"), want '$tok'"
fi
finish "nothing ran"
