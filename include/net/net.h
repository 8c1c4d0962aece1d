/*
 * The net layer: network clients, their peers, and the queues between them
 * (net/net.c, net/queue.c, net/hub.c).  What NIC models and backends see.
 *
 * A NetClientState is one end of a point-to-point link: a NIC front end
 * (ne2k_pci) or a backend (tap, user, socket, a hub port).  Every client has
 * at most one peer; a frame a client sends goes to its peer's receive().
 *
 *     -netdev tap,id=n0 -device ne2k_pci,netdev=n0
 *         ne2k_pci.0 <-> n0 (tap)
 *     -net nic -net user         (the legacy form: both join hub 0)
 *         ne2k_pci.0 <-> hub0port0 =hub 0= hub0port1 <-> user.0
 *
 * Back-pressure, both ways.  A receiver that cannot take a frame now (a
 * NIC whose ring is full, a tap whose write would block) says so through
 * can_receive() or by returning 0 from receive(); the frame then waits in
 * the receiver's incoming queue.  A sender using net_send_async() is told
 * (return 0) to stop producing until its sent callback runs; a backend that
 * reads a host fd stops reading.  When the receiver has room again (the
 * guest moved the ring's boundary, the fd became writable) it calls
 * net_flush_queued(itself): the queued frames are delivered in order and
 * each async sender's callback runs, so the backend resumes.  Flushing a
 * NIC whose peer is a hub port also flushes the hub, so the backend behind
 * the hub resumes too.  Nothing that hardware would not drop is dropped:
 * only frames of plain net_send() senders beyond NET_QUEUE_MAX_FRAMES are,
 * and the queue counts them.
 *
 * A client whose link is down (set_link NAME off) sends nothing and
 * receives nothing: frames to or from it are discarded, as on a cable
 * pulled out.
 *
 * Everything runs under the global lock: NIC code from vCPU I/O exits,
 * backends from main-loop fd watches (glib's default context) and timers.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include "emu/common.h"
#include "emu/property.h"

#include <sys/uio.h>

typedef struct NetClientState NetClientState;
typedef struct NetQueue NetQueue;
typedef struct NetFilter NetFilter;

/* The largest frame the layer carries (jumbo frames are not a thing of
 * the NICs we model; 64 KiB leaves room for a tap's GSO-less reads). */
#define NET_MAX_FRAME 65536
/* Frames a plain net_send() may leave queued for one receiver. */
#define NET_QUEUE_MAX_FRAMES 10000

/* Called when a frame queued by net_send_async() has been delivered (or
 * purged): the sender may produce again.  ret is receive()'s result. */
typedef void NetPacketSent(NetClientState *sender, ssize_t ret);

typedef struct NetClientInfo {
    /* "nic", "tap", "user", "socket", "hubport", "dump": the type as
     * "info network" prints it. */
    const char *type;
    bool is_nic;
    /* sizeof the client's state struct, whose first member is the
     * NetClientState (0: just a NetClientState). */
    size_t size;
    /*
     * A frame for this client.  Return len when taken (also when the
     * client chose to drop it: a NIC's filter rejecting the address), 0
     * when it cannot take it now (the frame is queued; the client calls
     * net_flush_queued() when it can), or -1 on an error (dropped).  One
     * of receive and receive_iov is given; the layer gathers iovecs for a
     * client that has only receive.
     */
    ssize_t (*receive)(NetClientState *nc, const uint8_t *buf, size_t len);
    ssize_t (*receive_iov)(NetClientState *nc, const struct iovec *iov,
                           int iovcnt);
    /* false: hold frames in the queue (NULL: always true). */
    bool (*can_receive)(NetClientState *nc);
    /* The link of this client changed (nc->link_down). */
    void (*link_status_changed)(NetClientState *nc);
    /* Release what the client holds (fds, watches); the layer frees nc. */
    void (*cleanup)(NetClientState *nc);
} NetClientInfo;

struct NetClientState {
    const NetClientInfo *info;
    NetClientState *peer;
    char *model; /* "ne2k_pci", "tap", "user", "hubport" */
    char *name;  /* the id, or model.N ("ne2k_pci.0", "user.0") */
    /* What "info network" prints after "type=": "ifname=tap0,script=no". */
    char info_str[256];
    bool link_down;
    /* receive() returned 0: queue until net_flush_queued(). */
    bool receive_disabled;
    NetQueue *incoming;
    NetFilter *filters;
    /* NICs: the device (net_nic_new's opaque). */
    void *opaque;
    /* Hub ports: the hub's id (the -net vlan=), -1 for other clients. */
    int hub_id;
    /* Counters for "info network" and tests. */
    uint64_t tx_frames, rx_frames, dropped;
    NetClientState *next; /* every client, in creation order */
};

/*
 * Create a client of info's type (info->size bytes, zeroed) and link it to
 * peer (which must have none; NULL: no peer yet).  name NULL: model.N.
 * The caller fills info_str.
 */
NetClientState *net_client_new(const NetClientInfo *info, NetClientState *peer,
                               const char *model, const char *name);
/* Unlink from the peer, purge queues, run cleanup, free. */
void net_client_free(NetClientState *nc);
/* Link two clients without peers (the netdev property does). */
void net_client_set_peer(NetClientState *a, NetClientState *b);
NetClientState *net_client_find(const char *name);
/* Every client, in creation order: net_client_next(NULL) is the first. */
NetClientState *net_client_next(NetClientState *nc);
/* Free every client (at exit). */
void net_cleanup(void);

/*
 * Send a frame from nc to its peer.  net_send() returns len whether the
 * frame was delivered, queued or (link down, no peer, queue over
 * NET_QUEUE_MAX_FRAMES) dropped: the sender has nothing more to do.
 * net_send_async() returns 0 when the frame was queued; the sender must
 * stop producing until sent_cb(nc, ret) runs.  The buffer is copied when
 * queued; the caller keeps it.
 */
ssize_t net_send(NetClientState *nc, const uint8_t *buf, size_t len);
ssize_t net_send_async(NetClientState *nc, const uint8_t *buf, size_t len,
                       NetPacketSent *sent_cb);
ssize_t net_send_iov(NetClientState *nc, const struct iovec *iov, int iovcnt);
ssize_t net_send_iov_async(NetClientState *nc, const struct iovec *iov,
                           int iovcnt, NetPacketSent *sent_cb);
/* Would a frame sent by nc now be delivered at once (peer present, link
 * up, peer's queue empty and can_receive)?  Backends poll with it. */
bool net_peer_can_receive(NetClientState *nc);
/*
 * nc can receive again: deliver its queued frames in order (stopping if
 * receive() returns 0 again) and run the senders' callbacks; then, if
 * nc's peer is a hub port, flush the hub's other ports so that backends
 * behind it resume.  A NIC calls it whenever room appears in its ring.
 */
void net_flush_queued(NetClientState *nc);
/* Drop what is queued for nc (device reset), running the callbacks. */
void net_purge_queued(NetClientState *nc);
/* Frames waiting in nc's incoming queue. */
int net_queue_length(NetClientState *nc);

/* set_link: the client and, for a NIC or a backend linked directly to
 * one, its peer go up or down (link_status_changed runs for both). */
void net_set_link(NetClientState *nc, bool up);

/* ---- Filters: see every frame a client sends and receives ------------- */
typedef enum NetFilterDirection {
    NET_FILTER_TX, /* nc sent it (to its peer) */
    NET_FILTER_RX, /* nc received it (from its peer) */
} NetFilterDirection;

typedef void NetFilterFn(NetFilter *f, NetClientState *nc,
                         NetFilterDirection dir, const struct iovec *iov,
                         int iovcnt, size_t len);
struct NetFilter {
    NetFilterFn *fn;
    void *opaque;
    NetFilter *next;
};
/* Attach (the filter stays owned by the caller) / detach. */
void net_filter_attach(NetClientState *nc, NetFilter *f);
void net_filter_detach(NetClientState *nc, NetFilter *f);

/* ---- Hubs: the legacy -net vlan=N wiring -------------------------------- */
/* A new port on hub id (created on first use), named hub<id>port<n>
 * unless name is given.  The port forwards what it receives to every
 * other port of the hub; it can receive while all of them can. */
NetClientState *net_hub_add_port(int hub_id, const char *name);
/* Flush the incoming queues of every port of port's hub but port. */
void net_hub_flush(NetClientState *port);

/* ---- MAC addresses and the NIC properties -------------------------------- */
typedef struct MACAddr {
    uint8_t a[6];
} MACAddr;

/* "52:54:00:12:34:56" -> mac; false if malformed. */
bool net_parse_macaddr(const char *s, MACAddr *mac);
/* The next default address: 52:54:00:12:34:56, then :57, ... as QEMU. */
void net_macaddr_default(MACAddr *mac);
void net_format_macaddr(const MACAddr *mac, char out[18]);

/*
 * The configuration every NIC model has: "mac" (default: the next of
 * net_macaddr_default, set at realize when not given) and "netdev" (the
 * backend or hub port; a backend already linked to another NIC is
 * refused).  In the device's state struct:
 *
 *     NICConf conf;
 *     ...
 *     DEFINE_NIC_PROPERTIES(NE2000PCIState, conf),
 */
typedef struct NICConf {
    MACAddr macaddr;
    bool mac_set;
    NetClientState *peer;
} NICConf;

extern const PropertyInfo prop_info_macaddr;
extern const PropertyInfo prop_info_netdev;
#define DEFINE_NIC_PROPERTIES(S, f)                                          \
    DEFINE_PROP("mac", S, f, NICConf, &prop_info_macaddr, 0,                 \
                "MAC address (default 52:54:00:12:34:56 + n)"),              \
        DEFINE_PROP("netdev", S, f.peer, NetClientState *, &prop_info_netdev, \
                    0, "network backend (-netdev id)")

/*
 * At realize: give conf a default MAC if none was set, and create the
 * NIC's client (model "ne2k_pci", name = the device id or model.N) linked
 * to conf->peer, with info_str filled.  info must have is_nic; opaque is
 * the device (nc->opaque).
 */
NetClientState *net_nic_new(const NetClientInfo *info, NICConf *conf,
                            const char *model, const char *id, void *opaque);
/* info_str of a NIC: "model=ne2k_pci,macaddr=52:54:00:12:34:56". */
void net_nic_format_info(NetClientState *nc, const MACAddr *mac);

/* Board code and tests: set a NIC device's netdev/mac properties. */
void device_prop_set_netdev(DeviceState *dev, const char *name,
                            NetClientState *nc);

#endif
