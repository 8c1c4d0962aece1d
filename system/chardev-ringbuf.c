/*
 * "ringbuf" chardev: a memory buffer for tests (and later the monitor's
 * ringbuf_read).  Output the frontend writes is kept until ringbuf_read();
 * input is injected by the test and delivered honouring can_receive.
 * Unlike QEMU's ringbuf, a full buffer refuses bytes instead of
 * overwriting the oldest, so tests can exercise flow control; watches run
 * synchronously when space frees (see include/emu/chardev.h).
 */
#include "emu/common.h"
#include "emu/chardev.h"
#include "system/chardev-internal.h"

typedef struct RingbufChardev {
    Chardev parent;
    uint8_t *buf;
    uint32_t size;       /* power of two */
    uint32_t prod, cons; /* free-running indices */
    bool blocked;
    GByteArray *input; /* injected, not yet delivered */
    guint idle;
} RingbufChardev;

static RingbufChardev *RB(Chardev *chr)
{
    assert(chr->cls == &chardev_ringbuf_class);
    return (RingbufChardev *)chr;
}

static int ringbuf_open(Chardev *chr, ChrOpts *opts, Error **errp)
{
    RingbufChardev *d = (RingbufChardev *)chr;
    const char *s = chr_opt_get(opts, "size");
    uint64_t size = 65536;
    if (s) {
        char *end;
        size = g_ascii_strtoull(s, &end, 0);
        if (*end == 'k' || *end == 'K') {
            size *= 1024;
            end++;
        }
        if (*end || size == 0 || size > 64 * MiB || (size & (size - 1))) {
            error_setg(errp, "ringbuf size '%s' must be a power of two", s);
            return -1;
        }
    }
    d->size = size;
    d->buf = g_malloc0(size);
    d->input = g_byte_array_new();
    return 0;
}

static uint32_t ringbuf_free(RingbufChardev *d)
{
    return d->size - (d->prod - d->cons);
}

static int ringbuf_write(Chardev *chr, const uint8_t *buf, int len)
{
    RingbufChardev *d = (RingbufChardev *)chr;
    if (d->blocked) {
        return 0;
    }
    int n = MIN((uint32_t)len, ringbuf_free(d));
    for (int i = 0; i < n; i++) {
        d->buf[d->prod++ & (d->size - 1)] = buf[i];
    }
    return n;
}

static bool ringbuf_writable(RingbufChardev *d)
{
    return !d->blocked && ringbuf_free(d) > 0;
}

static void ringbuf_run_watches(RingbufChardev *d)
{
    if (d->idle) {
        g_source_remove(d->idle);
        d->idle = 0;
    }
    if (ringbuf_writable(d)) {
        chr_be_writable(&d->parent);
    }
}

static gboolean ringbuf_idle(gpointer opaque)
{
    RingbufChardev *d = opaque;
    d->idle = 0;
    ringbuf_run_watches(d);
    return G_SOURCE_REMOVE;
}

static void ringbuf_watch_added(Chardev *chr)
{
    RingbufChardev *d = (RingbufChardev *)chr;
    /* Never call back from inside chr_add_watch: the frontend may be in
     * the middle of its transmit routine. */
    if (ringbuf_writable(d) && !d->idle) {
        d->idle = g_idle_add(ringbuf_idle, d);
    }
}

static void ringbuf_deliver(RingbufChardev *d)
{
    while (d->input->len) {
        int n = chr_be_can_receive(&d->parent);
        if (n <= 0) {
            break;
        }
        n = MIN((guint)n, d->input->len);
        /* Copy first: the frontend may inject again from receive(). */
        uint8_t *tmp = g_memdup2(d->input->data, n);
        g_byte_array_remove_range(d->input, 0, n);
        chr_be_receive(&d->parent, tmp, n);
        g_free(tmp);
    }
}

static void ringbuf_accept_input(Chardev *chr)
{
    ringbuf_deliver((RingbufChardev *)chr);
}

static void ringbuf_close(Chardev *chr)
{
    RingbufChardev *d = (RingbufChardev *)chr;
    if (d->idle) {
        g_source_remove(d->idle);
        d->idle = 0;
    }
    g_free(d->buf);
    d->buf = NULL;
    if (d->input) {
        g_byte_array_free(d->input, TRUE);
        d->input = NULL;
    }
}

const ChardevClass chardev_ringbuf_class = {
    .name = "ringbuf",
    .size = sizeof(RingbufChardev),
    .open = ringbuf_open,
    .write = ringbuf_write,
    .watch_added = ringbuf_watch_added,
    .accept_input = ringbuf_accept_input,
    .close = ringbuf_close,
};

int ringbuf_read(Chardev *chr, uint8_t *buf, int len)
{
    RingbufChardev *d = RB(chr);
    int n = 0;
    while (n < len && d->cons != d->prod) {
        buf[n++] = d->buf[d->cons++ & (d->size - 1)];
    }
    if (n > 0) {
        ringbuf_run_watches(d);
    }
    return n;
}

int ringbuf_count(Chardev *chr)
{
    RingbufChardev *d = RB(chr);
    return d->prod - d->cons;
}

void ringbuf_set_blocked(Chardev *chr, bool blocked)
{
    RingbufChardev *d = RB(chr);
    d->blocked = blocked;
    if (!blocked) {
        ringbuf_run_watches(d);
    }
}

int ringbuf_inject(Chardev *chr, const uint8_t *buf, int len)
{
    RingbufChardev *d = RB(chr);
    guint before = d->input->len;
    g_byte_array_append(d->input, buf, len);
    ringbuf_deliver(d);
    /* Delivered now = what left the queue (never more than len). */
    int total = before + len;
    int delivered = total - (int)d->input->len;
    return MIN(delivered, len);
}

int ringbuf_pending_input(Chardev *chr)
{
    return RB(chr)->input->len;
}

void ringbuf_send_event(Chardev *chr, int event)
{
    chr_be_event(chr, event);
}
