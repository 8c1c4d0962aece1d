/*
 * Hubs: the legacy "-net ... ,vlan=N" wiring.  Every -net option on vlan N
 * gets a port on hub N; a frame a port receives from its peer goes out of
 * every other port.  A port can receive only while every other port's peer
 * can, so that a full NIC ring holds the backend back instead of frames
 * being lost in the hub; net_flush_queued() on the NIC flushes the hub.
 */
#include "net/net.h"
#include "emu/iov.h"

#include <glib.h>

typedef struct NetHub NetHub;

typedef struct NetHubPort {
    NetClientState nc;
    NetHub *hub;
} NetHubPort;

struct NetHub {
    int id;
    GPtrArray *ports; /* NetHubPort *, in creation order */
    int next_index;
    NetHub *next;
};

static NetHub *hubs;

static NetHub *hub_get(int id)
{
    NetHub **pp = &hubs;
    for (; *pp; pp = &(*pp)->next) {
        if ((*pp)->id == id) {
            return *pp;
        }
    }
    NetHub *h = g_new0(NetHub, 1);
    h->id = id;
    h->ports = g_ptr_array_new();
    *pp = h;
    return h;
}

static ssize_t hubport_receive_iov(NetClientState *nc, const struct iovec *iov,
                                   int iovcnt)
{
    NetHubPort *port = (NetHubPort *)nc;
    GPtrArray *ports = port->hub->ports;
    for (guint i = 0; i < ports->len; i++) {
        NetHubPort *p = g_ptr_array_index(ports, i);
        if (p != port) {
            net_send_iov(&p->nc, iov, iovcnt);
        }
    }
    return iov_size(iov, iovcnt);
}

static bool hubport_can_receive(NetClientState *nc)
{
    NetHubPort *port = (NetHubPort *)nc;
    GPtrArray *ports = port->hub->ports;
    for (guint i = 0; i < ports->len; i++) {
        NetHubPort *p = g_ptr_array_index(ports, i);
        /* A port without a peer or with its link down takes (and loses)
         * everything: it must not stall the others. */
        if (p != port && p->nc.peer && !p->nc.link_down &&
            !p->nc.peer->link_down && !net_peer_can_receive(&p->nc)) {
            return false;
        }
    }
    return true;
}

static void hubport_cleanup(NetClientState *nc)
{
    NetHubPort *port = (NetHubPort *)nc;
    g_ptr_array_remove(port->hub->ports, port);
    if (port->hub->ports->len == 0) {
        NetHub **pp = &hubs;
        while (*pp != port->hub) {
            pp = &(*pp)->next;
        }
        *pp = port->hub->next;
        g_ptr_array_free(port->hub->ports, true);
        g_free(port->hub);
    }
}

static const NetClientInfo hubport_info = {
    .type = "hubport",
    .size = sizeof(NetHubPort),
    .receive_iov = hubport_receive_iov,
    .can_receive = hubport_can_receive,
    .cleanup = hubport_cleanup,
};

NetClientState *net_hub_add_port(int hub_id, const char *name)
{
    NetHub *hub = hub_get(hub_id);
    char *def = NULL;
    if (!name) {
        def = g_strdup_printf("hub%dport%d", hub_id, hub->next_index);
        name = def;
    }
    hub->next_index++;
    NetHubPort *port =
        (NetHubPort *)net_client_new(&hubport_info, NULL, "hubport", name);
    g_free(def);
    port->hub = hub;
    port->nc.hub_id = hub_id;
    snprintf(port->nc.info_str, sizeof(port->nc.info_str), "hubid=%d", hub_id);
    g_ptr_array_add(hub->ports, port);
    return &port->nc;
}

void net_hub_flush(NetClientState *nc)
{
    NetHubPort *port = (NetHubPort *)nc;
    assert(nc->hub_id >= 0);
    GPtrArray *ports = port->hub->ports;
    for (guint i = 0; i < ports->len; i++) {
        NetHubPort *p = g_ptr_array_index(ports, i);
        if (p != port && net_queue_length(&p->nc)) {
            net_flush_queued(&p->nc);
        }
    }
}

/* For "info network": hubs in id order, each with its ports. */
void net_hub_info(FILE *f, void (*print_client)(FILE *, NetClientState *))
{
    GPtrArray *sorted = g_ptr_array_new();
    for (NetHub *h = hubs; h; h = h->next) {
        g_ptr_array_add(sorted, h);
    }
    for (guint i = 0; i < sorted->len; i++) {
        for (guint j = i + 1; j < sorted->len; j++) {
            NetHub *a = g_ptr_array_index(sorted, i);
            NetHub *b = g_ptr_array_index(sorted, j);
            if (b->id < a->id) {
                sorted->pdata[i] = b;
                sorted->pdata[j] = a;
            }
        }
    }
    for (guint i = 0; i < sorted->len; i++) {
        NetHub *h = g_ptr_array_index(sorted, i);
        fprintf(f, "hub %d\n", h->id);
        /* Newest port first, as QEMU lists them. */
        for (guint k = h->ports->len; k-- > 0;) {
            NetHubPort *p = g_ptr_array_index(h->ports, k);
            fprintf(f, " \\ %s", p->nc.name);
            if (p->nc.peer) {
                fprintf(f, ": ");
                print_client(f, p->nc.peer);
            } else {
                fprintf(f, "\n");
            }
        }
    }
    g_ptr_array_free(sorted, true);
}

/* Warnings as QEMU gives them for a hub that cannot work. */
void net_hub_check(void)
{
    for (NetHub *h = hubs; h; h = h->next) {
        bool nic = false, host = false;
        for (guint k = 0; k < h->ports->len; k++) {
            NetHubPort *p = g_ptr_array_index(h->ports, k);
            NetClientState *peer = p->nc.peer;
            if (!peer) {
                warn_report("hub port %s has no peer", p->nc.name);
            } else if (peer->info->is_nic) {
                nic = true;
            } else {
                host = true;
            }
        }
        if (!nic) {
            warn_report("hub %d with no nics", h->id);
        }
        if (!host) {
            warn_report("hub %d is not connected to host network", h->id);
        }
    }
}
