#!/bin/sh
# The network test guest's udhcpc script (scripts/build-net-guests.sh
# installs it as /etc/udhcpc.script; scripts/net-guest-init.sh runs
# udhcpc with -s).  busybox udhcpc calls it with the event as $1 and
# the lease in the environment: configure eth0's address, the default
# route and /etc/resolv.conf, and keep the lease in /tmp/dhcp.env for
# the init script to print.
case $1 in
    deconfig)
        ip addr flush dev "$interface"
        ip link set "$interface" up ;;
    bound|renew)
        ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
        while route del default gw 0.0.0.0 dev "$interface" 2>/dev/null; do :; done
        for r in $router; do
            route add default gw "$r" dev "$interface"
            break
        done
        : >/etc/resolv.conf
        for d in $dns; do
            echo "nameserver $d" >>/etc/resolv.conf
        done
        cat >/tmp/dhcp.env <<EOT
dhcp_ip='$ip'
dhcp_mask='$subnet'
dhcp_router='$(echo $router)'
dhcp_dns='$(echo $dns)'
EOT
        ;;
esac
exit 0
