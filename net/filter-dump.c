/*
 * Dumping frames to a pcap file (net/pcap.c writes it), the two ways
 * QEMU users know:
 *
 *   -object filter-dump,id=f0,netdev=n0,file=out.pcap[,maxlen=N][,queue=Q]
 *       a filter on netdev n0: every frame it sends (towards the NIC) and
 *       receives (from the NIC), queue=all|rx|tx as QEMU (rx: what the
 *       netdev receives, i.e. the guest's transmissions).
 *   -net dump[,vlan=N][,file=PATH][,len=N]
 *       the older form: a client on hub N that receives every frame that
 *       crosses the hub.  QEMU removed it in 2.12 (its default file was
 *       qemu-vlanN.pcap); emu keeps it, writing emu-vlanN.pcap by default.
 *
 * maxlen/len (default 65536) caps the bytes saved of each frame; the
 * record keeps the frame's real length.  Frames are written as they pass
 * (pcap_write), so the file is whole at any time; -net dump's file is
 * closed by net_cleanup(), a filter's when emu exits.
 */
#include "net/net-int.h"
#include "net/netdev.h"
#include "emu/iov.h"

#include <glib.h>

#define DUMP_DEFAULT_LEN 65536

/* len=/maxlen=: a byte count, 1 to INT32_MAX. */
static int parse_len(const char *key, const char *val, uint32_t *out,
                     Error **errp)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(val, &end, 0);
    if (!*val || *end || errno || v == 0 || v > INT32_MAX || *val == '-') {
        error_setg(errp, "%s=%s: expected a byte count from 1 to %d", key, val,
                   INT32_MAX);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* ---- -object filter-dump ------------------------------------------------- */

typedef struct DumpFilter {
    NetFilter filter;
    PcapWriter *pcap;
    bool rx, tx;
} DumpFilter;

static void dump_filter_fn(NetFilter *f, NetClientState *nc,
                           NetFilterDirection dir, const struct iovec *iov,
                           int iovcnt, size_t len)
{
    DumpFilter *d = f->opaque;
    if (dir == NET_FILTER_RX ? d->rx : d->tx) {
        pcap_write(d->pcap, iov, iovcnt, len);
    }
}

static int filter_dump_add(const char *optstr, Error **errp)
{
    KeyValOpts opts = {0};
    int rc = -1;
    if (keyval_split_implied(optstr, "qom-type", &opts, errp) < 0) {
        return -1;
    }
    const char *type = keyval_get(&opts, "qom-type");
    const char *id = keyval_get(&opts, "id");
    const char *netdev = keyval_get(&opts, "netdev");
    const char *file = keyval_get(&opts, "file");
    const char *maxlen = keyval_get(&opts, "maxlen");
    const char *queue = keyval_get(&opts, "queue");
    const char *position = keyval_get(&opts, "position");
    const char *insert = keyval_get(&opts, "insert");
    bool status = true;
    uint32_t snaplen = DUMP_DEFAULT_LEN;
    bool rx = true, tx = true;
    NetClientState *nc;
    const char *unused;

    if (type && strcmp(type, "filter-dump")) {
        error_setg(errp, "object type '%s' is not filter-dump", type);
        goto out;
    }
    if (keyval_get_bool(&opts, "status", &status, errp) < 0) {
        goto out;
    }
    if ((unused = keyval_unused(&opts))) {
        error_setg(errp, "Invalid parameter '%s'", unused);
        goto out;
    }
    if (!id || !netdev || !file) {
        error_setg(errp, "Parameter '%s' is missing",
                   !id       ? "id"
                   : !netdev ? "netdev"
                             : "file");
        goto out;
    }
    if (maxlen && parse_len("maxlen", maxlen, &snaplen, errp) < 0) {
        goto out;
    }
    if (queue) {
        rx = !strcmp(queue, "all") || !strcmp(queue, "rx");
        tx = !strcmp(queue, "all") || !strcmp(queue, "tx");
        if (!rx && !tx) {
            error_setg(errp,
                       "Parameter 'queue' does not accept value '%s' "
                       "(all, rx or tx)",
                       queue);
            goto out;
        }
    }
    /* Where among other filters it sits: a dump changes no frame, so the
     * place is accepted and makes no difference. */
    if ((position && strcmp(position, "head") && strcmp(position, "tail")) ||
        (insert && strcmp(insert, "behind") && strcmp(insert, "before"))) {
        error_setg(errp,
                   "position=%s,insert=%s: only head/tail and "
                   "behind/before are supported",
                   position ? position : "tail", insert ? insert : "behind");
        goto out;
    }
    nc = net_client_find(netdev);
    if (!nc || nc->info->is_nic) {
        error_setg(errp,
                   "Parameter 'netdev' expects a network backend id "
                   "('%s' is none)",
                   netdev);
        goto out;
    }
    if (!status) {
        /* status=off: QEMU creates the filter disabled; nothing here can
         * enable it later, so there is nothing to create. */
        rc = 0;
        goto out;
    }
    PcapWriter *w = pcap_open(file, snaplen, errp);
    if (!w) {
        goto out;
    }
    DumpFilter *d = g_new0(DumpFilter, 1);
    d->filter.fn = dump_filter_fn;
    d->filter.opaque = d;
    d->pcap = w;
    d->rx = rx;
    d->tx = tx;
    /* The filter lives as long as emu: the writer needs no flush (each
     * frame is written whole as it passes), and the OS closes the file. */
    net_filter_attach(nc, &d->filter);
    rc = 0;
out:
    keyval_free(&opts);
    return rc;
}

int net_filter_dump_add(const char *optstr, Error **errp)
{
    Error *err = NULL;
    int rc = filter_dump_add(optstr, &err);
    if (rc < 0) {
        error_setg(errp, "-object %s: %s", optstr, error_get_pretty(err));
        error_free(err);
    }
    return rc;
}

/* ---- -net dump ------------------------------------------------------------
 */

typedef struct DumpClient {
    NetClientState nc;
    PcapWriter *pcap;
} DumpClient;

static ssize_t dump_receive_iov(NetClientState *nc, const struct iovec *iov,
                                int iovcnt)
{
    DumpClient *d = (DumpClient *)nc;
    size_t len = iov_size(iov, iovcnt);
    pcap_write(d->pcap, iov, iovcnt, len);
    return len;
}

static void dump_cleanup(NetClientState *nc)
{
    DumpClient *d = (DumpClient *)nc;
    pcap_close(d->pcap);
    d->pcap = NULL;
}

static const NetClientInfo dump_client_info = {
    .type = "dump",
    .size = sizeof(DumpClient),
    .receive_iov = dump_receive_iov,
    .cleanup = dump_cleanup,
};

static int dump_init(KeyValOpts *opts, const char *name, NetClientState *peer,
                     Error **errp)
{
    const char *file = keyval_get(opts, "file");
    const char *lenstr = keyval_get(opts, "len");
    uint32_t snaplen = DUMP_DEFAULT_LEN;
    if (!peer || peer->hub_id < 0) {
        error_setg(errp, "dump is a -net option (it listens on a hub)");
        return -1;
    }
    if (lenstr && parse_len("len", lenstr, &snaplen, errp) < 0) {
        return -1;
    }
    char *def = file ? NULL : g_strdup_printf("emu-vlan%d.pcap", peer->hub_id);
    const char *path = file ? file : def;
    PcapWriter *w = pcap_open(path, snaplen, errp);
    if (!w) {
        g_free(def);
        return -1;
    }
    DumpClient *d =
        (DumpClient *)net_client_new(&dump_client_info, peer, "dump", name);
    d->pcap = w;
    snprintf(d->nc.info_str, sizeof(d->nc.info_str), "dump to %s (len=%u)",
             path, snaplen);
    g_free(def);
    return 0;
}

static const NetBackend dump_backend = {
    .type = "dump",
    .help = "a pcap file of every frame on the hub (-net only)",
    .init = dump_init,
    .legacy_ok = true,
};
NET_BACKEND_REGISTER(dump_backend)
