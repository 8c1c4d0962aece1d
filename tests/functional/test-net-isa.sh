#!/bin/sh
# test-net-isa.sh - the ISA NE2000 with the legacy hub form:
#   -net nic,model=ne2k_isa -net user
# The guest loads Debian's ISA `ne` driver with io=0x300 irq=9 (the
# card's defaults; as a module the driver does not probe on its own) and
# must see the card (driver ne), get 10.0.2.15 by DHCP through the hub,
# and download a file of random bytes (NET_ISA_KIB, default 1024 KiB)
# from a busybox httpd on the host's loopback with the host's md5.
# The kernel boots with acpi=off: the pc machine's ACPI SCI is IRQ 9 too
# (PIIX4 power management), and Linux's ne driver will not share it
# ("genirq: Flags mismatch irq 9"), as on a real board whose BIOS
# routed the SCI to the NE2000's jumpered IRQ.  Without ACPI the guest
# cannot power the machine off, so the test stops the emulator after
# "EMU-NET-DONE".
# Environment: see net-lib.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
cd "$root" || exit 1
. "$here/net-lib.sh"
net_setup

name="test-net-isa ($NET_ACCEL)"
kib=${NET_ISA_KIB:-1024}
mkdir -p "$work/www"
head -c $((kib * 1024)) /dev/urandom >"$work/www/file.bin"
want=$(md5sum <"$work/www/file.bin" | cut -d' ' -f1)
net_httpd "$work/www" || { net_fail "$name" "cannot start the host's httpd"; finish "nothing ran"; }

t=$NET_TIMEOUT
net_bg net-isa -t "$t" -e EMU-GUEST-READY -r 'EMU-NET-DONE|EMU-TEST-FAIL.*' -k -- \
    -kernel "$NET_KERNEL" -initrd "$NET_INITRD" \
    -append "$NET_APPEND acpi=off emutest=xfer emunic=isa emuget=http://10.0.2.2:$httpd_port/file.bin" \
    -net nic,model=ne2k_isa -net user
net_wait_bg "$bgpid" net-isa
st=$?

link=$(net_line "$log" EMU-NET-LINK)
dhcp=$(net_line "$log" EMU-NET-DHCP)
get=$(net_line "$log" EMU-NET-GET)
wantdhcp="EMU-NET-DHCP ip=10.0.2.15 mask=255.255.255.0 router=10.0.2.2 dns=10.0.2.3"
case "$link" in
    *driver=ne\ *) ;;
    *) net_fail "$name" "the guest's eth0 is not driven by ne: '${link:-no EMU-NET-LINK line}'"
       finish "nothing ran" ;;
esac
if [ "$dhcp" != "$wantdhcp" ]; then
    net_fail "$name dhcp" "want '$wantdhcp', got '${dhcp:-none}'"
else
    net_pass "$name dhcp" "ne at io 0x300 irq 9; $dhcp"
fi
set -- $get
if [ "${2:-}" = "$want" ] && [ "${3:-}" = $((kib * 1024)) ]; then
    net_pass "$name download" "$kib KiB, md5 $want"
else
    net_fail "$name download" "want md5 $want of $((kib * 1024)) bytes, the guest said '${get:-nothing}'"
fi
[ $st -eq 0 ] || net_fail "$name" "${why:-expect.py failed}"
finish "nothing ran"
