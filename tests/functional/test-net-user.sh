#!/bin/sh
# test-net-user.sh - user networking (libslirp) with the PCI NE2000:
# Debian's 686 kernel with its ne2k-pci driver, booted with
#   -nic user,model=ne2k_pci
# (the network initramfs of scripts/build-net-guests.sh, /init is
# scripts/net-guest-init.sh, emutest=xfer).  The guest must
#   dhcp      see an RTL8029 (driver ne2k-pci) and get 10.0.2.15 with
#             router 10.0.2.2 and DNS 10.0.2.3 from slirp's DHCP server;
#   dns       resolve NET_DNS_NAME (default deb.debian.org) through
#             10.0.2.3, which forwards to the host's resolver: the
#             answer must share an address with what the host's own
#             nameserver answers (skipped, with the reason, when the
#             host's nameserver cannot resolve the name);
#   download  wget a 32 MiB file of random bytes (new for every run)
#             from a busybox httpd this test runs on the host's loopback,
#             reached as 10.0.2.2:PORT: the guest's md5 of it must be
#             the host's;
#   upload    send the file back (busybox nc) to a receiver on the
#             host's loopback (net-helper.py receive): the md5 and size
#             the receiver computed must be the file's.
# Environment: see net-lib.sh; NET_XFER_MIB (default 32).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
cd "$root" || exit 1
. "$here/net-lib.sh"
net_setup

name="test-net-user ($NET_ACCEL)"
mib=${NET_XFER_MIB:-32}
dnsname=${NET_DNS_NAME:-deb.debian.org}
mkdir -p "$work/www"
head -c $((mib * 1048576)) /dev/urandom >"$work/www/file.bin"
want=$(md5sum <"$work/www/file.bin" | cut -d' ' -f1)
bytes=$((mib * 1048576))
net_httpd "$work/www" || { net_fail "$name" "cannot start the host's httpd"; finish "nothing ran"; }
net_receiver || { net_fail "$name" "cannot start the upload receiver"; finish "nothing ran"; }

t=$NET_TIMEOUT
net_bg net-user -t "$t" -e EMU-GUEST-READY -r 'EMU-NET-DONE|EMU-TEST-FAIL.*' -t 120 -x 0 -- \
    -kernel "$NET_KERNEL" -initrd "$NET_INITRD" \
    -append "$NET_APPEND emutest=xfer emudns=$dnsname emuget=http://10.0.2.2:$httpd_port/file.bin emuput=10.0.2.2:$recv_port" \
    -nic user,model=ne2k_pci
net_wait_bg "$bgpid" net-user
st=$?
# The host's own view of the name, at about the time the guest asked.
hostaddrs=$(python3 "$net_helper" dns "$dnsname" 2>"$work/dns.err")

link=$(net_line "$log" EMU-NET-LINK)
dhcp=$(net_line "$log" EMU-NET-DHCP)
if [ -z "$link" ]; then
    # Nothing else can have worked: one failure, not one per check.
    net_fail "$name" "the guest found no network card: ${why:-no EMU-NET-LINK line}"
    finish "nothing ran"
fi
wantdhcp="EMU-NET-DHCP ip=10.0.2.15 mask=255.255.255.0 router=10.0.2.2 dns=10.0.2.3"
case "$link" in
    *driver=ne2k-pci*)
        if [ "$dhcp" = "$wantdhcp" ]; then
            net_pass "$name dhcp" "$link; $dhcp"
        else
            net_fail "$name dhcp" "want '$wantdhcp', got '${dhcp:-none}'"
        fi ;;
    *) net_fail "$name dhcp" "the guest's eth0 is not driven by ne2k-pci: '${link:-no EMU-NET-LINK line}'" ;;
esac

dns=$(net_line "$log" EMU-NET-DNS)
if [ -z "$hostaddrs" ]; then
    echo "SKIP $name dns: the host's nameserver cannot resolve $dnsname ($(head -n 1 "$work/dns.err")); set NET_DNS_NAME"
    skipped=$((skipped + 1))
elif [ -z "$dns" ]; then
    net_fail "$name dns" "the guest did not resolve $dnsname through 10.0.2.3"
else
    common=no
    for a in ${dns#EMU-NET-DNS "$dnsname"}; do
        case " $hostaddrs " in *" $a "*) common=yes ;; esac
    done
    if [ $common = yes ]; then
        net_pass "$name dns" "$dns (the host's nameserver: $hostaddrs)"
    else
        net_fail "$name dns" "guest '$dns', the host's nameserver: $hostaddrs"
    fi
fi

get=$(net_line "$log" EMU-NET-GET)
set -- $get
if [ "${2:-}" = "$want" ] && [ "${3:-}" = "$bytes" ]; then
    net_pass "$name download" "$mib MiB from 10.0.2.2:$httpd_port, md5 $want, ${4}s by the guest clock"
else
    net_fail "$name download" "want md5 $want of $bytes bytes, the guest said '${get:-nothing}'"
fi

put=$(net_line "$log" EMU-NET-PUT)
recv=$(head -n 1 "$recv_log")
if [ "$recv" = "$want $bytes" ] && [ -n "$put" ]; then
    set -- $put
    net_pass "$name upload" "$mib MiB to 10.0.2.2:$recv_port, the host received md5 $want, ${4}s by the guest clock"
else
    net_fail "$name upload" "want '$want $bytes' at the host, it received '${recv:-nothing}' (guest: '${put:-nothing}')"
fi

[ $st -eq 0 ] || net_fail "$name" "${why:-expect.py failed}"
finish "nothing ran"
