/*
 * What the net layer's own files share: the backend registry that the
 * option front end (net/net-opts.c) looks types up in, and the pcap writer
 * of filter-dump and -net dump.  Not for devices or the board.
 */
#ifndef NET_NET_INT_H
#define NET_NET_INT_H

#include "emu/common.h"
#include "emu/keyval.h"
#include "net/net.h"

/*
 * A backend type ("tap", "user", "socket", "hubport", "dump").  init
 * creates the client named name, linked to peer (the hub port for -net,
 * NULL for -netdev and -nic, where the NIC links later).  It must
 * keyval_get() every option it understands: the front end refuses the
 * left-overs ("-netdev user,foo=1: invalid parameter 'foo'").  The front
 * end has taken type, id, name and vlan.  0, or -1 with errp (the front
 * end prefixes the option).
 */
typedef struct NetBackend {
    const char *type;
    const char *help; /* one line for -netdev help */
    int (*init)(KeyValOpts *opts, const char *name, NetClientState *peer,
                Error **errp);
    bool netdev_ok; /* may be given with -netdev and -nic */
    bool legacy_ok; /* may be given with -net */
} NetBackend;

void net_backend_register(const NetBackend *b);
#define NET_BACKEND_REGISTER(b)                                        \
    static void __attribute__((constructor)) register_netdev_##b(void) \
    {                                                                  \
        net_backend_register(&(b));                                    \
    }
const NetBackend *net_backend_find(const char *type);
/* -netdev help: the registered types. */
void net_backend_list(FILE *f);

/* ---- Hubs (net/hub.c) ----------------------------------------------------- */
/* "info network"'s hub part: "hub N" then " \\ port: <peer>" lines. */
void net_hub_info(FILE *f, void (*print_client)(FILE *, NetClientState *));
/* Warn (as QEMU) about ports without peers, hubs without NIC or backend. */
void net_hub_check(void);

/* ---- pcap (libpcap's file format, LINKTYPE_ETHERNET) --------------------- */
typedef struct PcapWriter PcapWriter;
/* Create (truncate) path and write the header; snaplen caps each frame.
 * NULL with errp ("could not open 'x': ..."). */
PcapWriter *pcap_open(const char *path, uint32_t snaplen, Error **errp);
/* One frame, stamped with the host's wall clock. */
void pcap_write(PcapWriter *w, const struct iovec *iov, int iovcnt,
                size_t len);
void pcap_close(PcapWriter *w);

#endif
