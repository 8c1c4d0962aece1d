/*
 * The incoming queue of a network client (net-queue.h): a FIFO of copied
 * frames.  Frames from net_send_async() senders are always kept (the
 * sender stops producing until its callback), so the queue cannot grow
 * without bound from them; plain net_send() frames are capped.
 */
#include "net/net-queue.h"
#include "emu/iov.h"

#include <glib.h>

struct NetQueue {
    GQueue packets;
    int plain; /* queued frames without a callback */
};

NetQueue *net_queue_new(void)
{
    NetQueue *q = g_new0(NetQueue, 1);
    g_queue_init(&q->packets);
    return q;
}

void net_queue_free(NetQueue *q)
{
    if (!q) {
        return;
    }
    g_queue_clear_full(&q->packets, g_free);
    g_free(q);
}

bool net_queue_append(NetQueue *q, NetClientState *sender,
                      NetPacketSent *sent_cb, const struct iovec *iov,
                      int iovcnt, size_t len)
{
    if (!sent_cb && q->plain >= NET_QUEUE_MAX_FRAMES) {
        return false;
    }
    NetPacket *p = g_malloc(sizeof(*p) + len);
    p->sender = sender;
    p->sent_cb = sent_cb;
    p->len = len;
    iov_to_buf(iov, iovcnt, 0, p->data, len);
    g_queue_push_tail(&q->packets, p);
    q->plain += !sent_cb;
    return true;
}

NetPacket *net_queue_peek(NetQueue *q)
{
    return g_queue_peek_head(&q->packets);
}

NetPacket *net_queue_pop(NetQueue *q)
{
    NetPacket *p = g_queue_pop_head(&q->packets);
    if (p) {
        q->plain -= !p->sent_cb;
    }
    return p;
}

int net_queue_len(NetQueue *q)
{
    return q ? (int)g_queue_get_length(&q->packets) : 0;
}

void net_queue_remove_sender(NetQueue *q, NetClientState *sender,
                             void (*fn)(NetPacket *p))
{
    GList *l = q->packets.head;
    while (l) {
        GList *next = l->next;
        NetPacket *p = l->data;
        if (!sender || p->sender == sender) {
            g_queue_delete_link(&q->packets, l);
            q->plain -= !p->sent_cb;
            if (fn) {
                fn(p);
            }
            g_free(p);
        }
        l = next;
    }
}
