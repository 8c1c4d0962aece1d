/*
 * The "hubport" backend: -netdev hubport,id=X,hubid=N[,netdev=ND] makes a
 * port on hub N (the hub of -net vlan=N) that a NIC uses with netdev=X, so
 * that -device NICs join the same segment as the legacy -net ones.  With
 * netdev=ND the port is linked to that backend instead (QEMU's way to put
 * a -netdev backend on a hub).  The hub itself is net/hub.c.
 */
#include "net/net-int.h"

static int hubport_init(KeyValOpts *opts, const char *name,
                        NetClientState *peer, Error **errp)
{
    const char *hubid = keyval_get(opts, "hubid");
    const char *netdev = keyval_get(opts, "netdev");
    if (!hubid) {
        error_setg(errp, "parameter 'hubid' is missing");
        return -1;
    }
    char *end;
    errno = 0;
    long id = strtol(hubid, &end, 0);
    if (!*hubid || *end || errno || id < 0 || id > INT32_MAX) {
        error_setg(errp, "hubid=%s: expected a number from 0 to %d", hubid,
                   INT32_MAX);
        return -1;
    }
    NetClientState *nd = NULL;
    if (netdev) {
        nd = net_client_find(netdev);
        if (!nd) {
            error_setg(errp, "netdev=%s: no such netdev", netdev);
            return -1;
        }
        if (nd->info->is_nic || nd->hub_id >= 0) {
            error_setg(errp, "netdev=%s: not a backend", netdev);
            return -1;
        }
        if (nd->peer) {
            error_setg(errp, "netdev=%s is already in use by %s", netdev,
                       nd->peer->name);
            return -1;
        }
    }
    NetClientState *port = net_hub_add_port((int)id, name);
    if (nd) {
        net_client_set_peer(port, nd);
    } else if (peer) {
        net_client_set_peer(port, peer);
    }
    return 0;
}

static const NetBackend hubport_backend = {
    .type = "hubport",
    .help = "a port on hub N, the -net vlan=N (hubid=N[,netdev=ID])",
    .init = hubport_init,
    .netdev_ok = true,
};
NET_BACKEND_REGISTER(hubport_backend)
