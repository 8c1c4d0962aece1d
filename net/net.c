/*
 * Network clients and the path of a frame from a client to its peer
 * (include/net/net.h): delivery, queueing when the receiver cannot take
 * the frame, flushing when it can again, filters, link state.
 */
#include "net/net.h"
#include "emu/iov.h"
#include "net/net-queue.h"

#include <glib.h>

static NetClientState *clients;

static int model_count(const char *model)
{
    int n = 0;
    for (NetClientState *c = clients; c; c = c->next) {
        n += !strcmp(c->model, model);
    }
    return n;
}

NetClientState *net_client_new(const NetClientInfo *info, NetClientState *peer,
                               const char *model, const char *name)
{
    size_t size = info->size ? info->size : sizeof(NetClientState);
    assert(size >= sizeof(NetClientState));
    assert(info->receive || info->receive_iov);
    NetClientState *nc = g_malloc0(size);
    nc->info = info;
    nc->model = g_strdup(model);
    nc->name = name ? g_strdup(name)
                    : g_strdup_printf("%s.%d", model, model_count(model));
    nc->incoming = net_queue_new();
    nc->hub_id = -1;
    if (peer) {
        net_client_set_peer(nc, peer);
    }
    NetClientState **pp = &clients;
    while (*pp) {
        pp = &(*pp)->next;
    }
    *pp = nc;
    return nc;
}

void net_client_set_peer(NetClientState *a, NetClientState *b)
{
    assert(!a->peer && !b->peer && a != b);
    a->peer = b;
    b->peer = a;
}

static void sent_purged(NetPacket *p)
{
    if (p->sent_cb) {
        p->sent_cb(p->sender, 0);
    }
}

void net_client_free(NetClientState *nc)
{
    if (!nc) {
        return;
    }
    NetClientState **pp = &clients;
    while (*pp && *pp != nc) {
        pp = &(*pp)->next;
    }
    if (*pp) {
        *pp = nc->next;
    }
    /* Frames nc sent that still wait at the peer go (no callback: nc is
     * going away); frames waiting for nc are dropped with callbacks. */
    if (nc->peer) {
        net_queue_remove_sender(nc->peer->incoming, nc, NULL);
        nc->peer->peer = NULL;
        nc->peer = NULL;
    }
    net_queue_remove_sender(nc->incoming, NULL, sent_purged);
    if (nc->info->cleanup) {
        nc->info->cleanup(nc);
    }
    net_queue_free(nc->incoming);
    g_free(nc->model);
    g_free(nc->name);
    g_free(nc);
}

NetClientState *net_client_find(const char *name)
{
    for (NetClientState *c = clients; c; c = c->next) {
        if (!strcmp(c->name, name)) {
            return c;
        }
    }
    return NULL;
}

NetClientState *net_client_next(NetClientState *nc)
{
    return nc ? nc->next : clients;
}

void net_cleanup(void)
{
    /* NICs last: a backend's cleanup may still flush towards them. */
    for (int pass = 0; pass < 2; pass++) {
        NetClientState *c = clients;
        while (c) {
            NetClientState *next = c->next;
            if (c->info->is_nic == (pass == 1)) {
                net_client_free(c);
            }
            c = next;
        }
    }
}

/* ---- Filters --------------------------------------------------------------- */

void net_filter_attach(NetClientState *nc, NetFilter *f)
{
    NetFilter **pp = &nc->filters;
    while (*pp) {
        pp = &(*pp)->next;
    }
    f->next = NULL;
    *pp = f;
}

void net_filter_detach(NetClientState *nc, NetFilter *f)
{
    for (NetFilter **pp = &nc->filters; *pp; pp = &(*pp)->next) {
        if (*pp == f) {
            *pp = f->next;
            return;
        }
    }
}

static void run_filters(NetClientState *nc, NetFilterDirection dir,
                        const struct iovec *iov, int iovcnt, size_t len)
{
    for (NetFilter *f = nc->filters; f; f = f->next) {
        f->fn(f, nc, dir, iov, iovcnt, len);
    }
}

/* ---- Delivery ------------------------------------------------------------- */

/* Hand one frame to dst.  Returns receive()'s result; 0 leaves dst with
 * receive_disabled until it flushes. */
static ssize_t deliver(NetClientState *dst, const struct iovec *iov, int iovcnt,
                       size_t len)
{
    ssize_t r;
    if (dst->info->receive_iov) {
        r = dst->info->receive_iov(dst, iov, iovcnt);
    } else if (iovcnt == 1) {
        r = dst->info->receive(dst, iov[0].iov_base, len);
    } else {
        uint8_t *buf = g_malloc(len);
        iov_to_buf(iov, iovcnt, 0, buf, len);
        r = dst->info->receive(dst, buf, len);
        g_free(buf);
    }
    if (r == 0) {
        dst->receive_disabled = true;
    } else if (r > 0) {
        dst->rx_frames++;
        run_filters(dst, NET_FILTER_RX, iov, iovcnt, len);
    } else {
        dst->dropped++;
    }
    return r;
}

static bool can_take_now(NetClientState *dst)
{
    return !dst->receive_disabled && net_queue_len(dst->incoming) == 0 &&
           (!dst->info->can_receive || dst->info->can_receive(dst));
}

bool net_peer_can_receive(NetClientState *nc)
{
    NetClientState *peer = nc->peer;
    return peer && !nc->link_down && !peer->link_down && can_take_now(peer);
}

static ssize_t send_iov(NetClientState *nc, const struct iovec *iov,
                        int iovcnt, NetPacketSent *sent_cb)
{
    size_t len = iov_size(iov, iovcnt);
    NetClientState *peer = nc->peer;

    if (len == 0) {
        return 0;
    }
    if (!peer || nc->link_down || peer->link_down) {
        /* A pulled cable: the frame is lost, the sender goes on. */
        nc->dropped++;
        return len;
    }
    nc->tx_frames++;
    run_filters(nc, NET_FILTER_TX, iov, iovcnt, len);
    if (can_take_now(peer)) {
        ssize_t r = deliver(peer, iov, iovcnt, len);
        if (r != 0) {
            return r < 0 ? (ssize_t)len : r;
        }
    }
    if (!net_queue_append(peer->incoming, nc, sent_cb, iov, iovcnt, len)) {
        peer->dropped++;
        return len;
    }
    return sent_cb ? 0 : (ssize_t)len;
}

ssize_t net_send_iov(NetClientState *nc, const struct iovec *iov, int iovcnt)
{
    return send_iov(nc, iov, iovcnt, NULL);
}

ssize_t net_send_iov_async(NetClientState *nc, const struct iovec *iov,
                           int iovcnt, NetPacketSent *sent_cb)
{
    return send_iov(nc, iov, iovcnt, sent_cb);
}

ssize_t net_send(NetClientState *nc, const uint8_t *buf, size_t len)
{
    struct iovec iov = {(void *)buf, len};
    return send_iov(nc, &iov, 1, NULL);
}

ssize_t net_send_async(NetClientState *nc, const uint8_t *buf, size_t len,
                       NetPacketSent *sent_cb)
{
    struct iovec iov = {(void *)buf, len};
    return send_iov(nc, &iov, 1, sent_cb);
}

/* A queued frame's turn: delivered, or discarded if a link went down
 * while it waited. */
static ssize_t len_or_drop(NetClientState *dst, NetPacket *p)
{
    if (dst->link_down || (p->sender && p->sender->link_down)) {
        dst->dropped++;
        return p->len;
    }
    struct iovec iov = {p->data, p->len};
    ssize_t r = deliver(dst, &iov, 1, p->len);
    return r < 0 ? (ssize_t)p->len : r;
}

static bool is_hubport(const NetClientState *nc)
{
    return nc && nc->hub_id >= 0;
}

void net_flush_queued(NetClientState *nc)
{
    nc->receive_disabled = false;
    for (;;) {
        NetPacket *p = net_queue_peek(nc->incoming);
        if (!p || (nc->info->can_receive && !nc->info->can_receive(nc))) {
            break;
        }
        ssize_t r = len_or_drop(nc, p);
        if (r == 0) {
            break; /* still full: it flushes again */
        }
        net_queue_pop(nc->incoming);
        if (p->sent_cb) {
            /* The sender may send again from here: with the frame popped,
             * its next one queues behind the rest or goes straight in. */
            p->sent_cb(p->sender, r);
        }
        g_free(p);
    }
    if (is_hubport(nc->peer)) {
        net_hub_flush(nc->peer);
    }
}

void net_purge_queued(NetClientState *nc)
{
    net_queue_remove_sender(nc->incoming, NULL, sent_purged);
    nc->receive_disabled = false;
}

int net_queue_length(NetClientState *nc)
{
    return net_queue_len(nc->incoming);
}

static void set_one_link(NetClientState *nc, bool up)
{
    if (nc->link_down == !up) {
        return;
    }
    nc->link_down = !up;
    if (nc->info->link_status_changed) {
        nc->info->link_status_changed(nc);
    }
}

void net_set_link(NetClientState *nc, bool up)
{
    set_one_link(nc, up);
    /* A NIC and a backend linked directly share the cable; a hub port
     * stays up for the other ports. */
    NetClientState *peer = nc->peer;
    if (peer && !is_hubport(peer) && !is_hubport(nc)) {
        set_one_link(peer, up);
    }
    if (up) {
        /* Frames that queued while it was down went nowhere; what is
         * waiting now may flow. */
        net_flush_queued(nc);
        if (peer) {
            net_flush_queued(peer);
        }
    }
}
