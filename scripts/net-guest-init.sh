#!/bin/busybox sh
# /init of the network tests' initramfs (scripts/build-net-guests.sh puts
# it there, over the busybox initramfs's own /init).  Loads the NE2000
# drivers of Debian's 686 kernel (8390 and ne2k-pci always; the ISA `ne`
# driver, with its dependency 8390p, only for emunic=isa: without a card
# it fails to load), brings eth0 up, runs the test named by emutest= on
# the kernel command line and powers off.  Every result is one line on
# the console starting with "EMU-NET-"; a failure prints
# "EMU-TEST-FAIL <reason>" and powers off at once.
#
# Kernel command line parameters:
#   emutest=xfer    configure eth0 (DHCP, or emuip=), then do whatever of
#                   the following is asked, in this order, and print
#                   "EMU-NET-DONE":
#     emudns=NAME   nslookup NAME through the DHCP-given DNS server:
#                   "EMU-NET-DNS NAME ADDR..." (the IPv4 answers).
#     emuget=URL    wget URL to /tmp/get.bin: "EMU-NET-GET-START", then
#                   "EMU-NET-GET <md5> <bytes> <seconds>" (seconds by the
#                   guest's /proc/uptime).
#     emuput=HOST:PORT  send /tmp/get.bin (or, without emuget, emumib=
#                   MiB from /dev/urandom) with nc to HOST:PORT and print
#                   the server's one-line answer: "EMU-NET-PUT-START",
#                   then "EMU-NET-PUT <md5>
#                   <bytes> <seconds> <answer>".  (Not wget --post-file:
#                   busybox's stops at the first NUL byte.)
#     emuping=ADDR  ping ADDR until one reply comes (the peer may still be
#                   booting; emuwait= tries, default 120, one a second),
#                   then emucount= (default 5) pings: "EMU-NET-PING ADDR
#                   <sent> <received> <avg ms>".
#     emuhold=1     after EMU-NET-DONE, stay up (the peer may still be
#                   pinging us) until the host stops the emulator.
#   emutest=serve   configure eth0, serve /www (token.txt holds
#                   emutoken=) with busybox httpd on port emuport=
#                   (default 80), print "EMU-NET-SERVING <port>" and stay
#                   up until the host stops the emulator.
#   no emutest=     a shell on the console.
# Common:
#   emumsg=N        the NIC driver's msg_enable (its debug messages, on
#                   the console: 0x7fff for all), for diagnosing
#   emunic=pci|isa  which driver drives eth0 (default pci).  isa loads
#                   `ne io=0x300 irq=9` (emune=IO,IRQ to change): the ISA
#                   driver does not probe on its own when it is a module.
#   emuip=A.B.C.D/N a static address instead of DHCP.
#   emustall=SECS   a download or upload that moves no byte for SECS
#                   (guest clock, default 120) is a failure:
#                   "EMU-TEST-FAIL wget URL stalled: ... at N bytes".
# DHCP (busybox udhcpc, /etc/udhcpc.script) prints "EMU-NET-DHCP ip=...
# mask=... router=... dns=..."; link up prints "EMU-NET-LINK eth0
# driver=... mac=...".
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp /www /etc
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
# No modules.dep here: the kernel's own module requests have nothing to
# find, so keep them quiet.
echo /bin/true >/proc/sys/kernel/modprobe

test= nic=pci ip= dns= get= put= pingaddr= count=5 waitn=120 hold=0
token= port=80 mib=4 neopt=0x300,9 stall=120 msg=
for w in $(cat /proc/cmdline); do
    case $w in
        emutest=*) test=${w#emutest=} ;;
        emunic=*) nic=${w#emunic=} ;;
        emuip=*) ip=${w#emuip=} ;;
        emudns=*) dns=${w#emudns=} ;;
        emuget=*) get=${w#emuget=} ;;
        emuput=*) put=${w#emuput=} ;;
        emuping=*) pingaddr=${w#emuping=} ;;
        emucount=*) count=${w#emucount=} ;;
        emuwait=*) waitn=${w#emuwait=} ;;
        emuhold=*) hold=${w#emuhold=} ;;
        emutoken=*) token=${w#emutoken=} ;;
        emuport=*) port=${w#emuport=} ;;
        emumib=*) mib=${w#emumib=} ;;
        emune=*) neopt=${w#emune=} ;;
        emustall=*) stall=${w#emustall=} ;;
        emumsg=*) msg=${w#emumsg=} ;;
    esac
done

fail() {
    echo "EMU-TEST-FAIL $*"
    poweroff -f
}

for m in $(cat /lib/modules/load-order); do
    case $m in
        ne.ko|8390p.ko) continue ;;
    esac
    case $m in
        ne2k-pci.ko) arg=${msg:+msg_enable=$msg} ;;
        *) arg= ;;
    esac
    insmod "/lib/modules/$m" $arg || fail "insmod $m $arg"
done
if [ "$nic" = isa ]; then
    insmod /lib/modules/8390p.ko || fail "insmod 8390p.ko"
    insmod /lib/modules/ne.ko "io=${neopt%,*}" "irq=${neopt#*,}" ${msg:+msg_enable=$msg} ||
        fail "insmod ne.ko io=${neopt%,*} irq=${neopt#*,} (no NE2000 found there)"
fi
echo "EMU-GUEST-READY $(uname -m) $(uname -r)"

# now: seconds since boot, by the guest clock (1/100 s).
now() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

net_up() {
    n=0
    while [ ! -e /sys/class/net/eth0 ]; do
        n=$((n + 1))
        [ $n -gt 100 ] && fail "no eth0 (the $nic driver found no card)"
        sleep 0.1
    done
    ip link set lo up
    ip link set eth0 up || fail "ip link set eth0 up"
    drv=$(basename "$(readlink /sys/class/net/eth0/device/driver)" 2>/dev/null)
    echo "EMU-NET-LINK eth0 driver=${drv:-none} mac=$(cat /sys/class/net/eth0/address)"
    if [ -n "$ip" ]; then
        ip addr add "$ip" dev eth0 || fail "ip addr add $ip"
        echo "EMU-NET-STATIC $ip"
    else
        # -n: fail rather than go on without an address; 10 discovers,
        # 3 s apart, then 5 s before the next round, 3 rounds.
        r=0
        while ! udhcpc -i eth0 -n -q -f -t 10 -T 3 -A 5 -s /etc/udhcpc.script \
                >/tmp/udhcpc.log 2>&1; do
            r=$((r + 1))
            [ $r -ge 3 ] && fail "DHCP: no lease ($(tail -n 1 /tmp/udhcpc.log))"
        done
        [ -f /tmp/dhcp.env ] || fail "DHCP: the script did not run"
        . /tmp/dhcp.env
        echo "EMU-NET-DHCP ip=$dhcp_ip mask=$dhcp_mask router=$dhcp_router dns=$dhcp_dns"
    fi
}

do_dns() {
    out=$(nslookup "$dns" 2>&1) || fail "nslookup $dns: $(echo "$out" | tail -n 1)"
    # busybox prints the server first, then "Name:" and "Address: A"
    # lines for the answers: keep the IPv4 ones after "Name:".
    addrs=$(echo "$out" | awk '/^Name:/ { n = 1 } n && /^Address/ { a = $NF; sub(/.*: */, "", a); if (a ~ /^[0-9.]+$/) print a }' | tr '\n' ' ')
    [ -n "$addrs" ] || fail "nslookup $dns: no IPv4 address ($(echo "$out" | tr '\n' ' '))"
    echo "EMU-NET-DNS $dns $addrs"
}

# watch PID WHAT COUNT-CMD: waits for the transfer PID (a child of this
# shell) and returns its status.  Meanwhile a watcher looks every 5 s at
# COUNT-CMD (the bytes moved so far); if that has not grown for $stall
# seconds it kills PID, and the test fails with "WHAT stalled": a stall
# (not slowness: one byte resets the clock) fails rather than hangs.
# The end time, by the guest clock, is in $t1.
watch() {
    pid=$1
    rm -f /tmp/stalled
    (
        last=-1 still=0
        while kill -0 "$pid" 2>/dev/null; do
            sleep 5
            n=$(eval "$3" 2>/dev/null)
            n=${n:-0}
            if [ "$n" = "$last" ]; then
                still=$((still + 5))
                if [ $still -ge "$stall" ]; then
                    echo "$2 stalled: no progress for ${stall}s (guest clock) at $n bytes" >/tmp/stalled
                    kill "$pid" 2>/dev/null
                    exit
                fi
            else
                last=$n still=0
            fi
        done
    ) &
    watcher=$!
    wait "$pid"
    rc=$?
    t1=$(now)
    kill "$watcher" 2>/dev/null
    wait "$watcher" 2>/dev/null
    [ -s /tmp/stalled ] && fail "$(cat /tmp/stalled)"
    return $rc
}

do_get() {
    echo "EMU-NET-GET-START"
    t0=$(now)
    wget -q -O /tmp/get.bin "$get" &
    watch $! "wget $get" 'wc -c </tmp/get.bin' || fail "wget $get (exit $?)"
    # The transfer's end, before the md5 (which takes the guest a while):
    # the benchmark times START to DONE.
    echo "EMU-NET-GET-DONE"
    echo "EMU-NET-GET $(md5sum </tmp/get.bin | cut -d' ' -f1) $(wc -c </tmp/get.bin) $(elapsed "$t0" "$t1")"
}

do_put() {
    if [ ! -f /tmp/get.bin ]; then
        head -c $((mib * 1048576)) /dev/urandom >/tmp/get.bin || fail "make the upload file"
    fi
    echo "EMU-NET-PUT-START"
    t0=$(now)
    nc "${put%:*}" "${put##*:}" </tmp/get.bin >/tmp/put.reply &
    # How far nc has read its input file.
    watch $! "nc $put" "sed -n 's/^pos:[[:space:]]*//p' /proc/$!/fdinfo/0" || fail "nc $put (exit $?)"
    echo "EMU-NET-PUT-DONE"
    [ -s /tmp/put.reply ] || fail "nc $put: no answer from the receiver"
    echo "EMU-NET-PUT $(md5sum </tmp/get.bin | cut -d' ' -f1) $(wc -c </tmp/get.bin) $(elapsed "$t0" "$t1") $(head -n 1 /tmp/put.reply)"
}

do_ping() {
    n=0
    until ping -c 1 -W 2 "$pingaddr" >/dev/null 2>&1; do
        n=$((n + 1))
        [ $n -ge "$waitn" ] && fail "no ping reply from $pingaddr after $n tries"
        sleep 1
    done
    out=$(ping -c "$count" -W 5 "$pingaddr" 2>&1)
    sent=$(echo "$out" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
    recv=$(echo "$out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
    avg=$(echo "$out" | sed -n 's/^round-trip.* = [0-9.]*\/\([0-9.]*\)\/.*/\1/p')
    echo "EMU-NET-PING $pingaddr ${sent:-0} ${recv:-0} ${avg:--}"
}

hold() {
    # Stay up, quietly, until the host stops the emulator.
    while :; do sleep 3600; done
}

case $test in
    "")
        exec setsid cttyhack /bin/sh ;;
    xfer)
        net_up
        [ -n "$dns" ] && do_dns
        [ -n "$get" ] && do_get
        [ -n "$put" ] && do_put
        [ -n "$pingaddr" ] && do_ping
        # The interface's counters (receive errors, drops, FIFO/overruns),
        # for the logs: a lost frame shows here.
        echo "EMU-NET-STATS $(grep eth0: /proc/net/dev | tr -s ' ')"
        grep -E '^(Ip|Tcp|TcpExt):' /proc/net/snmp /proc/net/netstat 2>/dev/null |
            sed 's/^/EMU-NET-SNMP /'
        echo "EMU-NET-DONE"
        [ "$hold" = 1 ] && hold ;;
    serve)
        net_up
        printf '%s\n' "$token" >/www/token.txt
        httpd -p "$port" -h /www || fail "httpd -p $port"
        echo "EMU-NET-SERVING $port"
        hold ;;
    *)
        fail "unknown emutest=$test" ;;
esac
poweroff -f
