/*
 * A client's incoming queue (net/queue.c): frames waiting until the client
 * can receive them, each with its sender and the sender's callback.  Only
 * net/net.c uses it.
 */
#ifndef NET_QUEUE_H
#define NET_QUEUE_H

#include "net/net.h"

typedef struct NetPacket {
    NetClientState *sender;
    NetPacketSent *sent_cb; /* NULL for net_send() */
    size_t len;
    uint8_t data[];
} NetPacket;

NetQueue *net_queue_new(void);
/* Frees the queue; the packets must have been purged. */
void net_queue_free(NetQueue *q);
/*
 * Append a copy of the frame.  Returns false (nothing queued) when the
 * frame has no callback and the queue already holds NET_QUEUE_MAX_FRAMES
 * frames: the caller counts it as dropped.
 */
bool net_queue_append(NetQueue *q, NetClientState *sender,
                      NetPacketSent *sent_cb, const struct iovec *iov,
                      int iovcnt, size_t len);
NetPacket *net_queue_peek(NetQueue *q);
/* Remove the head (the caller frees it with g_free). */
NetPacket *net_queue_pop(NetQueue *q);
int net_queue_len(NetQueue *q);
/* Remove every packet of sender (NULL: all), calling fn on each removed
 * one before it is freed (fn may be NULL). */
void net_queue_remove_sender(NetQueue *q, NetClientState *sender,
                             void (*fn)(NetPacket *p));

#endif
