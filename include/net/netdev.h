/*
 * The net front end: -netdev, -net, -nic and -object filter-dump as QEMU
 * spells them (net/net-opts.c, net/filter-dump.c).  For system/ and the
 * board; devices see only net/net.h.
 *
 *   -netdev TYPE,id=ID[,...]        a backend, for -device MODEL,netdev=ID
 *   -nic TYPE[,id=ID][,model=M][,mac=MAC][,...]
 *                                   a backend and a NIC of model M on it
 *   -nic none / -net none           no NIC at all (not even the default)
 *   -net nic[,model=M][,macaddr=MAC][,vlan=N][,name=NAME]
 *   -net TYPE[,vlan=N][,name=NAME][,...]
 *                                   NICs and backends joined by hub N (0)
 *   -object filter-dump,id=ID,netdev=ID,file=PATH[,maxlen=N]
 *   -net dump[,vlan=N][,file=PATH][,len=N]
 *
 * With none of -net/-nic/-device MODEL given, the machine gets QEMU's
 * default: -net nic -net user.
 */
#ifndef NET_NETDEV_H
#define NET_NETDEV_H

#include "emu/common.h"
#include "net/net.h"

/* One option each; 0 or -1 with errp ("-netdev tap,...: why"). */
int net_netdev_add(const char *opts, Error **errp);
int net_nic_add(const char *opts, Error **errp);
int net_legacy_add(const char *opts, Error **errp);
int net_filter_dump_add(const char *opts, Error **errp);

/* A NIC the board must create: from -net nic or -nic. */
typedef struct NICInfo {
    char *model; /* NULL: the board's default; "help": list models */
    MACAddr mac;
    bool mac_set;
    char *id;               /* the device id (-net nic,name= / -nic id=) */
    NetClientState *netdev; /* its backend or hub port */
} NICInfo;

int net_nic_count(void);
NICInfo *net_nic_info(int i);

/* Whether the user said anything about NICs (-net, -nic, -device of a
 * NIC model is the board's to tell): the default NIC is added only when
 * not.  -net none / -nic none count as saying. */
bool net_user_configured(void);
/* The default: -net nic -net user (when libslirp is built in; otherwise
 * nothing).  The board calls it when it has no NIC to create. */
int net_add_defaults(Error **errp);

/* After the board created its NICs: warn, as QEMU does, about a -netdev
 * or NIC without a peer and a hub with no NIC or no backend.  (QEMU only
 * warns: a guest may well run with a NIC and no cable.) */
int net_check_clients(Error **errp);

#endif
