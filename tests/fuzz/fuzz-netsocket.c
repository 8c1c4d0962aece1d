/*
 * Fuzz target: the socket netdev's stream (net/socket.c), the one place a
 * host peer's bytes are parsed.  Not a device: the rig's window is a dummy
 * port range and the records are read as what a hostile peer and the
 * guest's NIC do.  The netdev gets one end of a unix stream socketpair
 * (fd=); the target holds the other end.
 *
 *   write records (op 0x00-0x5f)  the peer sends 1, 2 or 4 bytes of the
 *                                 value (little-endian); at a frame
 *                                 boundary, unless offset % 8 == 0, a
 *                                 header of 1-40 or 1-1600 bytes instead
 *   read records (op 0x60-0xbf)   the main loop turns (the netdev reads,
 *                                 cuts, sends on, writes)
 *   events (op 0xc0-0xdf)         op & 31:
 *     0-7    the peer sends a frame header announcing value % 65538 bytes
 *            (0 and 65537 are hostile)
 *     8-11   the peer sends value % 4096 bytes of payload
 *     12     the NIC's ring fills / empties (then it flushes)
 *     13     the NIC transmits a frame of value % 1600 + 1 bytes
 *     14     the peer reads what the netdev wrote
 *     others the main loop turns
 *
 * Invariants: no crash or sanitizer report; the frames the NIC receives
 * are, in order and byte for byte, the frames a reference parser finds in
 * what the peer sent, and none follow a hostile length (the netdev must
 * have closed the connection); what the peer reads is exactly the NIC's
 * frames in the 4-byte length format; at the end, with the ring empty and
 * the loop run dry, every whole frame the peer sent before any hostile
 * length has arrived (back-pressure loses nothing).
 */
#include "tests/fuzz/fuzz.h"
#include "emu/main-loop.h"
#include "net/net-int.h"
#include "net/netdev.h"

#include <glib.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct Frame {
    uint32_t len;
    uint8_t *data;
} Frame;

/* A parser of the 4-byte length format, the reference for both ways. */
typedef struct Stream {
    GByteArray *pending; /* bytes not yet cut */
    GArray *frames;      /* Frame */
    bool hostile;        /* a length of 0 or above NET_MAX_FRAME was seen */
} Stream;

typedef struct NicState {
    NetClientState nc;
    bool full;
} NicState;

typedef struct SockFuzz {
    MemoryRegion io;
    int peer; /* our end of the socketpair */
    NicState *nic;
    Stream in;      /* what the peer sent */
    guint received; /* frames the NIC got */
    Stream out;     /* what the peer read back */
    GArray *sent;   /* Frame: what the NIC transmitted */
    FuzzRig *rig;
} SockFuzz;

static SockFuzz sf;

static void stream_init(Stream *s)
{
    s->pending = g_byte_array_new();
    s->frames = g_array_new(false, false, sizeof(Frame));
    s->hostile = false;
}

static void frames_free(GArray *a)
{
    for (guint i = 0; i < a->len; i++) {
        g_free(g_array_index(a, Frame, i).data);
    }
    g_array_free(a, true);
}

static void stream_free(Stream *s)
{
    g_byte_array_free(s->pending, true);
    frames_free(s->frames);
}

static void stream_feed(Stream *s, const uint8_t *buf, size_t len)
{
    if (s->hostile) {
        return; /* the connection is gone after a hostile length */
    }
    g_byte_array_append(s->pending, buf, len);
    for (;;) {
        const uint8_t *p = s->pending->data;
        if (s->pending->len < 4) {
            return;
        }
        uint32_t flen = (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
        if (flen == 0 || flen > NET_MAX_FRAME) {
            s->hostile = true;
            return;
        }
        if (s->pending->len < 4 + flen) {
            return;
        }
        Frame f = {flen, g_memdup2(p + 4, flen)};
        g_array_append_val(s->frames, f);
        g_byte_array_remove_range(s->pending, 0, 4 + flen);
    }
}

/* ---- The NIC --------------------------------------------------------------
 */

static bool nic_can_receive(NetClientState *nc)
{
    return !((NicState *)nc)->full;
}

static ssize_t nic_receive(NetClientState *nc, const uint8_t *buf, size_t len)
{
    FuzzRig *r = sf.rig;
    if (((NicState *)nc)->full) {
        return 0;
    }
    FUZZ_ASSERT(r, sf.received < sf.in.frames->len);
    Frame *f = &g_array_index(sf.in.frames, Frame, sf.received);
    FUZZ_ASSERT(r, f->len == len && !memcmp(f->data, buf, len));
    sf.received++;
    return len;
}

static const NetClientInfo nic_info = {
    .type = "nic",
    .is_nic = true,
    .size = sizeof(NicState),
    .receive = nic_receive,
    .can_receive = nic_can_receive,
};

/* ---- The peer -------------------------------------------------------------
 */

static void peer_send(const uint8_t *buf, size_t len)
{
    if (sf.peer < 0 || len == 0) {
        return;
    }
    /* Never block: what the socket does not take was not sent. */
    ssize_t n = send(sf.peer, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
        stream_feed(&sf.in, buf, n);
    }
}

static void peer_read(void)
{
    uint8_t buf[8192];
    ssize_t n;
    while (sf.peer >= 0 &&
           (n = recv(sf.peer, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
        stream_feed(&sf.out, buf, n);
    }
    FuzzRig *r = sf.rig;
    FUZZ_ASSERT(r, !sf.out.hostile);
    FUZZ_ASSERT(r, sf.out.frames->len <= sf.sent->len);
    for (guint i = 0; i < sf.out.frames->len; i++) {
        Frame *a = &g_array_index(sf.out.frames, Frame, i);
        Frame *b = &g_array_index(sf.sent, Frame, i);
        FUZZ_ASSERT(r, a->len == b->len && !memcmp(a->data, b->data, a->len));
    }
}

static void turn(int n)
{
    for (int i = 0; i < n; i++) {
        main_loop_iterate(0);
    }
}

/* ---- The rig's hooks --------------------------------------------------------
 */

static uint64_t dummy_read(void *opaque, uint64_t addr, unsigned size)
{
    turn(2);
    return 0;
}

static void dummy_write(void *opaque, uint64_t addr, uint64_t v, unsigned size)
{
    uint8_t b[4] = {v, v >> 8, v >> 16, v >> 24};
    if (sf.in.pending->len == 0 && (addr & 7)) {
        /* At a frame boundary, mostly a sane header, so that inputs get
         * past it; raw bytes the rest of the time. */
        uint32_t len = v % (v & 0x10000 ? 1600 : 40) + 1;
        uint8_t h[4] = {len >> 24, len >> 16, len >> 8, len};
        peer_send(h, 4);
    } else {
        peer_send(b, size);
    }
    turn(1);
}

static const MemoryRegionOps dummy_ops = {
    .read = dummy_read,
    .write = dummy_write,
};

static void sock_fuzz_setup(FuzzRig *r)
{
    static bool loop_ready;
    if (!loop_ready) {
        main_loop_init();
        bql_lock();
        loop_ready = true;
    }
    memset(&sf, 0, sizeof(sf));
    sf.rig = r;
    int sv[2];
    FUZZ_ASSERT(r, socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    sf.peer = sv[1];
    char *opts = g_strdup_printf("socket,id=fz,fd=%d", sv[0]);
    Error *err = NULL;
    if (net_netdev_add(opts, &err) < 0) {
        fuzz_must(NULL, err, opts);
    }
    g_free(opts);
    sf.nic = (NicState *)net_client_new(&nic_info, net_client_find("fz"),
                                        "fuzznic", "nic0");
    stream_init(&sf.in);
    stream_init(&sf.out);
    sf.sent = g_array_new(false, false, sizeof(Frame));
    memory_region_init_io(&sf.io, &dummy_ops, &sf, "netsocket-fuzz", 16);
    memory_region_add_subregion(&r->tb.io_root, 0x1000, &sf.io);
    fuzz_add_window(r, FUZZ_IO, 0x1000, 16);
    r->s = &sf;
}

static void sock_fuzz_event(FuzzRig *r, const FuzzOp *op)
{
    unsigned what = op->op & 31;
    if (what < 8) {
        uint32_t len = op->value % (NET_MAX_FRAME + 2);
        uint8_t h[4] = {len >> 24, len >> 16, len >> 8, len};
        peer_send(h, 4);
    } else if (what < 12) {
        size_t len = op->value % 4096;
        uint8_t *buf = g_malloc(len + 1);
        for (size_t i = 0; i < len; i++) {
            buf[i] = (uint8_t)(op->offset + i * 37);
        }
        peer_send(buf, len);
        g_free(buf);
    } else if (what == 12) {
        sf.nic->full = !sf.nic->full;
        if (!sf.nic->full) {
            net_flush_queued(&sf.nic->nc);
        }
    } else if (what == 13) {
        size_t len = op->value % 1600 + 1;
        uint8_t *buf = g_malloc(len);
        for (size_t i = 0; i < len; i++) {
            buf[i] = (uint8_t)(op->offset * 3 + i);
        }
        /* A frame for a link that is already dead is dropped: only the
         * others must come out. */
        bool dead =
            g_str_has_suffix(net_client_find("fz")->info_str, "(disconnected)");
        net_send(&sf.nic->nc, buf, len);
        if (dead) {
            g_free(buf);
        } else {
            Frame f = {len, buf};
            g_array_append_val(sf.sent, f);
        }
    } else if (what == 14) {
        peer_read();
    }
    turn(2);
}

static void sock_fuzz_teardown(FuzzRig *r)
{
    /* Room in the ring, and the loop run until nothing moves: every whole
     * frame sent before a hostile length has arrived. */
    sf.nic->full = false;
    net_flush_queued(&sf.nic->nc);
    guint last = ~0u;
    for (int idle = 0; idle < 20;) {
        turn(1);
        peer_read();
        idle = sf.received == last ? idle + 1 : 0;
        last = sf.received;
    }
    FUZZ_ASSERT(r, sf.received == sf.in.frames->len);
    /* And a hostile length made it hang up. */
    FUZZ_ASSERT(r, !sf.in.hostile ||
                       g_str_has_suffix(net_client_find("fz")->info_str,
                                        "(disconnected)"));
    net_cleanup();
    if (sf.peer >= 0) {
        close(sf.peer);
    }
    stream_free(&sf.in);
    stream_free(&sf.out);
    frames_free(sf.sent);
    memory_region_del_subregion(&r->tb.io_root, &sf.io);
    memory_region_finalize(&sf.io);
}

const FuzzTarget fuzz_target = {
    .name = "netsocket",
    .covers = "net/socket.c",
    .setup = sock_fuzz_setup,
    .teardown = sock_fuzz_teardown,
    .event = sock_fuzz_event,
};
