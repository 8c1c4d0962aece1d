#!/bin/sh
# test-net-socket.sh - two emulators wired together without privileges:
#   A: -netdev socket,id=n0,listen=127.0.0.1:PORT
#      -device ne2k_pci,netdev=n0,mac=52:54:00:12:34:60
#   B: -netdev socket,id=n0,connect=127.0.0.1:PORT
#      -device ne2k_pci,netdev=n0,mac=52:54:00:12:34:61
# (PORT free, chosen at run time; B starts once A listens, as
# /proc/net/tcp shows).  The guests take 10.0.3.1/24 and 10.0.3.2/24
# and each pings the other (emutest=xfer emuping=: first until one reply
# comes, the other may still be booting, then 5 pings that must all be
# answered), and stay up until both are done.
# Environment: see net-lib.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
cd "$root" || exit 1
. "$here/net-lib.sh"
net_setup

name="test-net-socket ($NET_ACCEL)"
port=$(python3 "$net_helper" port)
t=$NET_TIMEOUT
count=5
guest() {   # guest NAME MYIP PEERIP NETDEV MAC
    net_bg "$1" -t "$t" -e EMU-GUEST-READY -r 'EMU-NET-DONE|EMU-TEST-FAIL.*' \
        -w "$work/stop" -k -- \
        -kernel "$NET_KERNEL" -initrd "$NET_INITRD" \
        -append "$NET_APPEND emutest=xfer emuip=$2/24 emuping=$3 emucount=$count emuwait=300 emuhold=1" \
        -netdev "$4" -device "ne2k_pci,netdev=n0,mac=$5"
}

guest net-socket-a 10.0.3.1 10.0.3.2 "socket,id=n0,listen=127.0.0.1:$port" 52:54:00:12:34:60
pida=$bgpid loga=$log
n=0
until python3 "$net_helper" listening "$port"; do
    n=$((n + 1))
    if [ $n -gt 300 ] || ! kill -0 "$pida" 2>/dev/null; then
        touch "$work/stop"
        net_wait_bg "$pida" net-socket-a
        net_fail "$name" "A never listened on 127.0.0.1:$port: ${why:-timeout}" "$loga"
        finish "nothing ran"
    fi
    sleep 0.2
done
guest net-socket-b 10.0.3.2 10.0.3.1 "socket,id=n0,connect=127.0.0.1:$port" 52:54:00:12:34:61
pidb=$bgpid logb=$log

net_wait_log "$loga" '^EMU-NET-DONE|^EMU-TEST-FAIL' $((3 * t)) "$pida"
net_wait_log "$logb" '^EMU-NET-DONE|^EMU-TEST-FAIL' $((3 * t)) "$pidb"
touch "$work/stop"
net_wait_bg "$pida" net-socket-a
sta=$? whya=$why
net_wait_bg "$pidb" net-socket-b
stb=$? whyb=$why

check() {   # check LABEL LOG PEER STATUS WHY
    ping=$(net_line "$2" EMU-NET-PING)
    set -- "$1" "$2" "$3" "$4" "$5" $ping
    # $6.. is "EMU-NET-PING ADDR SENT RECEIVED AVG".
    if [ "${8:-}" = "$count" ] && [ "${9:-}" = "$count" ]; then
        net_pass "$name $1" "pinged $3: $count/$count replies, avg ${10:-?} ms"
    elif [ "$4" -ne 0 ] && [ -z "$ping" ]; then
        net_fail "$name $1" "${5:-expect.py failed}" "$2"
    else
        net_fail "$name $1" "want $count/$count replies from $3, the guest said '${ping:-nothing}'" "$2"
    fi
}
check "A (listen)" "$loga" 10.0.3.2 $sta "$whya"
check "B (connect)" "$logb" 10.0.3.1 $stb "$whyb"
finish "nothing ran"
