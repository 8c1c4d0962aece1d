/*
 * The "socket" netdev (net/socket.c): pairs of socket backends in one
 * process, each peered with a fake NIC that records what it receives,
 * driven by the main loop until frames have crossed both ways.  Loopback
 * addresses only; ports are chosen free at run time.
 *
 * Covered: listen/connect (QEMU's length-prefixed stream: checked byte by
 * byte against a raw socket), 1514-byte and largest frames, a burst larger
 * than the host's socket buffers with a receiver that stops (no loss, order
 * kept, the socket pushes back), partial reads, a hostile stream, a new
 * peer after the old one leaves, udp= and mcast= pairs, fd=, the option
 * errors, and "info network"'s lines.
 */
#include "tests/unit/harness.h"
#include "emu/main-loop.h"
#include "net/net-int.h"
#include "net/netdev.h"

#include <arpa/inet.h>
#include <glib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run the main loop until cond holds (30 s of wall time at most: the
 * bound only stops a broken build from hanging, no result depends on it). */
#define RUN_UNTIL(cond)                                            \
    ({                                                             \
        gint64 dl_ = g_get_monotonic_time() + 30 * G_USEC_PER_SEC; \
        bool ok_;                                                  \
        while (!(ok_ = (cond)) && g_get_monotonic_time() < dl_) {  \
            main_loop_iterate(10);                                 \
        }                                                          \
        ok_;                                                       \
    })

/* ---- A NIC that records frames; "full" plays a ring with no room ------- */

typedef struct FakeNic {
    NetClientState nc;
    bool full;
    GPtrArray *frames; /* GByteArray * */
} FakeNic;

static bool fake_can_receive(NetClientState *nc)
{
    return !((FakeNic *)nc)->full;
}

static ssize_t fake_receive(NetClientState *nc, const uint8_t *buf, size_t len)
{
    FakeNic *n = (FakeNic *)nc;
    if (n->full) {
        return 0;
    }
    GByteArray *b = g_byte_array_sized_new(len);
    g_byte_array_append(b, buf, len);
    g_ptr_array_add(n->frames, b);
    return len;
}

static void fake_cleanup(NetClientState *nc)
{
    g_ptr_array_free(((FakeNic *)nc)->frames, true);
}

static const NetClientInfo fake_nic_info = {
    .type = "nic",
    .is_nic = true,
    .size = sizeof(FakeNic),
    .receive = fake_receive,
    .can_receive = fake_can_receive,
    .cleanup = fake_cleanup,
};

static FakeNic *fake_nic(const char *name, const char *netdev)
{
    NetClientState *peer = net_client_find(netdev);
    CHECK(peer != NULL);
    FakeNic *n =
        (FakeNic *)net_client_new(&fake_nic_info, peer, "fakenic", name);
    n->frames =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    return n;
}

/* ---- Frames with a sequence number and a pattern ------------------------ */

static void make_frame(uint8_t *buf, uint32_t seq, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(seq * 7 + i * 13);
    }
    if (len >= 4) {
        buf[0] = seq >> 24;
        buf[1] = seq >> 16;
        buf[2] = seq >> 8;
        buf[3] = seq;
    }
}

static void send_frame(FakeNic *from, uint32_t seq, size_t len)
{
    uint8_t *buf = g_malloc(len);
    make_frame(buf, seq, len);
    net_send(&from->nc, buf, len);
    g_free(buf);
}

/* Frame i of to's list is frame seq of length len. */
static bool frame_is(FakeNic *to, guint i, uint32_t seq, size_t len)
{
    if (i >= to->frames->len) {
        return false;
    }
    GByteArray *b = g_ptr_array_index(to->frames, i);
    uint8_t *want = g_malloc(len);
    make_frame(want, seq, len);
    bool ok = b->len == len && !memcmp(b->data, want, len);
    g_free(want);
    return ok;
}

/* ---- Set-up helpers --------------------------------------------------------
 */

static int free_port(int type)
{
    int fd = socket(AF_INET, type, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof(sa);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
        close(fd);
        return -1;
    }
    close(fd);
    return ntohs(sa.sin_port);
}

/* -netdev OPTS: 0, or -1 with the message in *msg (freed by the caller). */
static int netdev_add(char **msg, const char *fmt, ...) EMU_PRINTF(2, 3);
static int netdev_add(char **msg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *opts = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    Error *err = NULL;
    int rc = net_netdev_add(opts, &err);
    if (rc < 0) {
        if (msg) {
            *msg = g_strdup(error_get_pretty(err));
        } else {
            printf("  net_netdev_add(%s): %s\n", opts, error_get_pretty(err));
        }
        error_free(err);
    }
    g_free(opts);
    return rc;
}

static int raw_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool info_starts(const char *name, const char *prefix)
{
    NetClientState *nc = net_client_find(name);
    return nc && g_str_has_prefix(nc->info_str, prefix);
}

/* A listen/connect pair, s0 (listen) + nic0 and s1 (connect) + nic1. */
static bool stream_pair(FakeNic **a, FakeNic **b, int *portp)
{
    int port = free_port(SOCK_STREAM);
    if (netdev_add(NULL, "socket,id=s0,listen=127.0.0.1:%d", port) < 0 ||
        netdev_add(NULL, "socket,id=s1,connect=127.0.0.1:%d", port) < 0) {
        test_fail(__FILE__, __LINE__, "could not set up the pair");
        return false;
    }
    *a = fake_nic("nic0", "s0");
    *b = fake_nic("nic1", "s1");
    CHECK(RUN_UNTIL(info_starts("s0", "socket: connection from 127.0.0.1:")));
    char *want = g_strdup_printf("socket: connect to 127.0.0.1:%d", port);
    CHECK_STR(net_client_find("s1")->info_str, want);
    g_free(want);
    if (portp) {
        *portp = port;
    }
    return true;
}

/* ---- Tests -----------------------------------------------------------------
 */

static void test_stream_both_ways(void)
{
    FakeNic *a, *b;
    if (!stream_pair(&a, &b, NULL)) {
        return;
    }
    static const size_t sizes[] = {60, 1514, 1, NET_MAX_FRAME, 64};
    for (uint32_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        send_frame(a, i, sizes[i]);
        send_frame(b, 100 + i, sizes[i]);
    }
    CHECK(RUN_UNTIL(a->frames->len == ARRAY_SIZE(sizes) &&
                    b->frames->len == ARRAY_SIZE(sizes)));
    for (uint32_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        CHECK(frame_is(b, i, i, sizes[i]));
        CHECK(frame_is(a, i, 100 + i, sizes[i]));
    }
    /* The listening side goes away: the connecting side says so (and,
     * as QEMU, does not reconnect). */
    char *want =
        g_strdup_printf("%s (disconnected)", net_client_find("s1")->info_str);
    net_client_free(net_client_find("s0"));
    CHECK(RUN_UNTIL(
        g_str_has_suffix(net_client_find("s1")->info_str, "(disconnected)")));
    CHECK_STR(net_client_find("s1")->info_str, want);
    g_free(want);
    /* Frames for a dead link are dropped, not queued. */
    send_frame(b, 9, 60);
    CHECK_EQ(net_queue_length(net_client_find("s1")), 0);
    net_cleanup();
}

static long proc_max(const char *path)
{
    char *s = NULL;
    long v = 0;
    if (g_file_get_contents(path, &s, NULL, NULL)) {
        char **f = g_strsplit_set(g_strstrip(s), " \t", -1);
        for (int i = 0; f[i]; i++) {
            v = MAX(v, atol(f[i]));
        }
        g_strfreev(f);
    }
    g_free(s);
    return v;
}

static void test_stream_burst_backpressure(void)
{
    FakeNic *a, *b;
    if (!stream_pair(&a, &b, NULL)) {
        return;
    }
    NetClientState *s0 = net_client_find("s0");
    NetClientState *s1 = net_client_find("s1");
    /* nic1's ring is full: s1 must stop reading, the kernel's buffers
     * fill, and s0 must hold nic0's frames in its queue. */
    b->full = true;
    const size_t flen = 1514;
    long bufs = proc_max("/proc/sys/net/ipv4/tcp_rmem") +
                proc_max("/proc/sys/net/ipv4/tcp_wmem");
    uint32_t sent = 0, limit = NET_QUEUE_MAX_FRAMES - 200;
    bool pushed_back = false;
    while (sent < limit && !pushed_back) {
        for (int i = 0; i < 100; i++) {
            send_frame(a, sent++, flen);
        }
        for (int i = 0; i < 20; i++) {
            main_loop_iterate(0);
        }
        pushed_back = net_queue_length(s0) > 0;
    }
    if (!pushed_back) {
        test_fail(__FILE__, __LINE__,
                  "%u frames of %zu bytes never filled the socket "
                  "(tcp_rmem + tcp_wmem max = %ld bytes)",
                  sent, flen, bufs);
    }
    printf("  pushed back after %u frames\n", sent);
    /* And a few more behind the wall, while the other way still flows. */
    for (int i = 0; i < 50; i++) {
        send_frame(a, sent++, flen);
    }
    send_frame(b, 7777, 1514);
    CHECK(RUN_UNTIL(a->frames->len == 1));
    CHECK(frame_is(a, 0, 7777, 1514));
    /* Nothing reached nic1 while it was full; one frame waits at it. */
    CHECK_EQ(b->frames->len, 0);
    CHECK_EQ(net_queue_length(&b->nc), 1);
    /* Room again: everything arrives, in order, none lost. */
    b->full = false;
    net_flush_queued(&b->nc);
    CHECK(RUN_UNTIL(b->frames->len == sent));
    CHECK_EQ(b->frames->len, sent);
    guint bad = 0;
    for (guint i = 0; i < b->frames->len; i++) {
        bad += !frame_is(b, i, i, flen);
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(net_queue_length(s0), 0);
    CHECK_EQ(s0->dropped + s1->dropped + a->nc.dropped + b->nc.dropped, 0);
    net_cleanup();
}

/* Read exactly len bytes from a blocking fd (with the main loop turning
 * so the backend can write). */
static bool raw_read(int fd, uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = recv(fd, buf + got, len - got, MSG_DONTWAIT);
        if (n == 0) {
            return false;
        }
        if (n > 0) {
            got += n;
            continue;
        }
        if (!RUN_UNTIL(({
                uint8_t c_;
                recv(fd, &c_, 1, MSG_PEEK | MSG_DONTWAIT) >= 0;
            }))) {
            return false;
        }
    }
    return true;
}

static bool peer_closed(int fd)
{
    uint8_t c;
    ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN);
}

static void test_stream_wire_format(void)
{
    int port = free_port(SOCK_STREAM);
    if (netdev_add(NULL, "socket,id=s0,listen=127.0.0.1:%d", port) < 0) {
        test_fail(__FILE__, __LINE__, "listen");
        return;
    }
    FakeNic *a = fake_nic("nic0", "s0");
    char *want = g_strdup_printf("socket: listen=127.0.0.1:%d (waiting for a "
                                 "connection)",
                                 port);
    CHECK_STR(net_client_find("s0")->info_str, want);
    /* A frame with nobody connected goes nowhere and does not queue. */
    send_frame(a, 1, 100);
    CHECK_EQ(net_queue_length(net_client_find("s0")), 0);

    int fd = raw_connect(port);
    CHECK(fd >= 0);
    CHECK(RUN_UNTIL(info_starts("s0", "socket: connection from 127.0.0.1:")));
    /* Out: 4-byte big-endian length, then the frame. */
    send_frame(a, 42, 300);
    uint8_t hdr[4], buf[300], ref[300];
    CHECK(raw_read(fd, hdr, 4));
    CHECK_EQ((uint32_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3], 300);
    CHECK(raw_read(fd, buf, 300));
    make_frame(ref, 42, 300);
    CHECK(!memcmp(buf, ref, 300));
    /* In, in pieces: the backend must reassemble. */
    uint8_t msg[4 + 1514];
    msg[0] = 0, msg[1] = 0, msg[2] = 1514 >> 8, msg[3] = 1514 & 0xff;
    make_frame(msg + 4, 9, 1514);
    static const size_t cuts[] = {1, 3, 700, 1514 - 700};
    size_t off = 0;
    for (size_t i = 0; i < ARRAY_SIZE(cuts); i++) {
        CHECK_EQ(send(fd, msg + off, cuts[i], 0), (ssize_t)cuts[i]);
        off += cuts[i];
        for (int k = 0; k < 5; k++) {
            main_loop_iterate(1);
        }
        if (i + 1 < ARRAY_SIZE(cuts)) {
            CHECK_EQ(a->frames->len, 0); /* not a frame yet */
        }
    }
    CHECK(RUN_UNTIL(a->frames->len == 1));
    CHECK(frame_is(a, 0, 9, 1514));
    /* Two frames in one write come out as two. */
    uint8_t two[2 * (4 + 60)];
    for (int i = 0; i < 2; i++) {
        uint8_t *p = two + i * 64;
        p[0] = p[1] = p[2] = 0, p[3] = 60;
        make_frame(p + 4, 20 + i, 60);
    }
    CHECK_EQ(send(fd, two, sizeof(two), 0), (ssize_t)sizeof(two));
    CHECK(RUN_UNTIL(a->frames->len == 3));
    CHECK(frame_is(a, 1, 20, 60) && frame_is(a, 2, 21, 60));

    /* The peer leaves: the listener waits for the next one. */
    close(fd);
    CHECK(RUN_UNTIL(info_starts("s0", "socket: listen=")));
    CHECK_STR(net_client_find("s0")->info_str, want);
    fd = raw_connect(port);
    CHECK(RUN_UNTIL(info_starts("s0", "socket: connection from")));
    CHECK_EQ(send(fd, two, 64, 0), 64);
    CHECK(RUN_UNTIL(a->frames->len == 4));
    CHECK(frame_is(a, 3, 20, 60));
    close(fd);
    g_free(want);
    net_cleanup();
}

/* A peer that sends length 0x7fffffff (or 0) is cut off, with a message,
 * and the listener takes a well-behaved peer afterwards. */
static void test_stream_hostile(void)
{
    int port = free_port(SOCK_STREAM);
    if (netdev_add(NULL, "socket,id=s0,listen=127.0.0.1:%d", port) < 0) {
        test_fail(__FILE__, __LINE__, "listen");
        return;
    }
    FakeNic *a = fake_nic("nic0", "s0");
    static const uint8_t bad[][4] = {
        {0x7f, 0xff, 0xff, 0xff}, {0, 0, 0, 0}, {0, 1, 0, 1}}; /* 65537 */
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        int fd = raw_connect(port);
        CHECK(fd >= 0);
        CHECK(RUN_UNTIL(info_starts("s0", "socket: connection from")));
        CHECK_EQ(send(fd, bad[i], 4, 0), 4);
        /* Some bytes after it, that must not be taken as a frame. */
        uint8_t junk[64] = {0, 0, 0, 8};
        send(fd, junk, sizeof(junk), MSG_NOSIGNAL);
        CHECK(RUN_UNTIL(peer_closed(fd)));
        CHECK(RUN_UNTIL(info_starts("s0", "socket: listen=")));
        close(fd);
    }
    CHECK_EQ(a->frames->len, 0);
    int fd = raw_connect(port);
    CHECK(RUN_UNTIL(info_starts("s0", "socket: connection from")));
    uint8_t ok[4 + 60] = {0, 0, 0, 60};
    make_frame(ok + 4, 5, 60);
    CHECK_EQ(send(fd, ok, sizeof(ok), 0), (ssize_t)sizeof(ok));
    CHECK(RUN_UNTIL(a->frames->len == 1));
    CHECK(frame_is(a, 0, 5, 60));
    close(fd);
    net_cleanup();
}

/* Datagram pairs: frames both ways, and reading stops while the NIC is
 * full (what fits in the host's buffer arrives afterwards, in order). */
static void dgram_exchange(FakeNic *a, FakeNic *b)
{
    static const size_t sizes[] = {60, 1514, 1000};
    for (uint32_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        send_frame(a, i, sizes[i]);
        send_frame(b, 100 + i, sizes[i]);
    }
    CHECK(RUN_UNTIL(b->frames->len >= ARRAY_SIZE(sizes) &&
                    a->frames->len >= ARRAY_SIZE(sizes)));
}

static void dgram_backpressure(FakeNic *a, FakeNic *b, guint base)
{
    b->full = true;
    for (uint32_t i = 0; i < 40; i++) {
        send_frame(a, 1000 + i, 1514);
    }
    for (int k = 0; k < 50; k++) {
        main_loop_iterate(1);
    }
    CHECK_EQ(b->frames->len, base);
    CHECK_EQ(net_queue_length(&b->nc), 1);
    b->full = false;
    net_flush_queued(&b->nc);
    CHECK(RUN_UNTIL(b->frames->len == base + 40));
    guint bad = 0;
    for (uint32_t i = 0; i < 40; i++) {
        bad += !frame_is(b, base + i, 1000 + i, 1514);
    }
    CHECK_EQ(bad, 0);
}

static void test_udp_pair(void)
{
    int p0 = free_port(SOCK_DGRAM), p1 = free_port(SOCK_DGRAM);
    if (netdev_add(NULL, "socket,id=u0,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d",
                   p1, p0) < 0 ||
        netdev_add(NULL, "socket,id=u1,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d",
                   p0, p1) < 0) {
        test_fail(__FILE__, __LINE__, "udp set-up");
        return;
    }
    char *want = g_strdup_printf("socket: udp=127.0.0.1:%d", p1);
    CHECK_STR(net_client_find("u0")->info_str, want);
    g_free(want);
    FakeNic *a = fake_nic("nic0", "u0");
    FakeNic *b = fake_nic("nic1", "u1");
    dgram_exchange(a, b);
    CHECK_EQ(a->frames->len, 3);
    CHECK_EQ(b->frames->len, 3);
    CHECK(frame_is(b, 1, 1, 1514) && frame_is(a, 1, 101, 1514));
    dgram_backpressure(a, b, 3);
    net_cleanup();
}

static void test_mcast_pair(void)
{
    int port = free_port(SOCK_DGRAM);
    char *msg = NULL;
    if (netdev_add(&msg,
                   "socket,id=m0,mcast=239.255.77.1:%d,localaddr=127.0.0.1",
                   port) < 0) {
        /* A host without multicast on loopback (no route, no IGMP): say
         * so; this is the host's limit, not the backend's. */
        printf("  skip: mcast on this host: %s\n", msg);
        g_free(msg);
        return;
    }
    CHECK(netdev_add(NULL,
                     "socket,id=m1,mcast=239.255.77.1:%d,localaddr=127.0.0.1",
                     port) == 0);
    char *want = g_strdup_printf("socket: mcast=239.255.77.1:%d", port);
    CHECK_STR(net_client_find("m1")->info_str, want);
    g_free(want);
    FakeNic *a = fake_nic("nic0", "m0");
    FakeNic *b = fake_nic("nic1", "m1");
    send_frame(a, 1, 1514);
    /* Both members see it: the other one, and (loopback on, as QEMU) the
     * sender itself. */
    CHECK(RUN_UNTIL(b->frames->len == 1 && a->frames->len == 1));
    CHECK(frame_is(b, 0, 1, 1514));
    CHECK(frame_is(a, 0, 1, 1514));
    send_frame(b, 2, 60);
    CHECK(RUN_UNTIL(a->frames->len == 2 && b->frames->len == 2));
    CHECK(frame_is(a, 1, 2, 60));
    net_cleanup();
}

static void test_fd(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK(netdev_add(NULL, "socket,id=f0,fd=%d", sv[0]) == 0);
    char *want = g_strdup_printf("socket: fd=%d", sv[0]);
    CHECK_STR(net_client_find("f0")->info_str, want);
    g_free(want);
    FakeNic *a = fake_nic("nic0", "f0");
    send_frame(a, 3, 200);
    uint8_t hdr[4], buf[200], ref[200];
    CHECK(raw_read(sv[1], hdr, 4) && raw_read(sv[1], buf, 200));
    CHECK_EQ(hdr[2] << 8 | hdr[3], 200);
    make_frame(ref, 3, 200);
    CHECK(!memcmp(buf, ref, 200));
    close(sv[1]);
    CHECK(RUN_UNTIL(
        g_str_has_suffix(net_client_find("f0")->info_str, "(disconnected)")));
    want = g_strdup_printf("socket: fd=%d (disconnected)", sv[0]);
    CHECK_STR(net_client_find("f0")->info_str, want);
    g_free(want);
    net_cleanup(); /* closes sv[0] */

    /* A datagram socketpair: one frame per datagram. */
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    CHECK(netdev_add(NULL, "socket,id=f1,fd=%d", sv[0]) == 0);
    want = g_strdup_printf("socket: fd=%d unix", sv[0]);
    CHECK_STR(net_client_find("f1")->info_str, want);
    g_free(want);
    a = fake_nic("nic0", "f1");
    /* A datagram larger than any frame is dropped, not cut. */
    uint8_t *big = g_malloc0(NET_MAX_FRAME + 100);
    int sz = 4 * NET_MAX_FRAME;
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
    setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
    CHECK_EQ(send(sv[1], big, NET_MAX_FRAME + 100, 0), NET_MAX_FRAME + 100);
    g_free(big);
    make_frame(ref, 4, 120);
    CHECK_EQ(send(sv[1], ref, 120, 0), 120);
    CHECK(RUN_UNTIL(a->frames->len == 1));
    CHECK(frame_is(a, 0, 4, 120));
    send_frame(a, 5, 77);
    CHECK(RUN_UNTIL(({
        uint8_t c_;
        recv(sv[1], &c_, 1, MSG_PEEK | MSG_DONTWAIT) >= 0;
    })));
    CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 77);
    net_cleanup();
    close(sv[1]);
}

static void expect_error(const char *opts, const char *part)
{
    char *msg = NULL;
    if (netdev_add(&msg, "%s", opts) == 0) {
        test_fail(__FILE__, __LINE__, "-netdev %s was accepted", opts);
        net_cleanup();
        return;
    }
    if (!strstr(msg, part)) {
        test_fail(__FILE__, __LINE__, "-netdev %s: \"%s\" lacks \"%s\"", opts,
                  msg, part);
    }
    g_free(msg);
}

static void test_errors(void)
{
    int port = free_port(SOCK_STREAM);
    expect_error("socket,id=e0", "exactly one of");
    expect_error("socket,id=e0,listen=:1,connect=127.0.0.1:1",
                 "exactly one of");
    expect_error("socket,id=e0,listen=127.0.0.1:1,localaddr=127.0.0.1",
                 "localaddr= is only valid with mcast= or udp=");
    expect_error("socket,id=e0,udp=127.0.0.1:1", "localaddr= is mandatory");
    expect_error("socket,id=e0,mcast=127.0.0.1:5000",
                 "does not contain a multicast address");
    expect_error("socket,id=e0,listen=5000", "doesn't contain ':'");
    expect_error("socket,id=e0,listen=127.0.0.1:70000", "error parsing port");
    expect_error("socket,id=e0,listen=no-such-host.invalid:5000",
                 "can't resolve host address");
    expect_error("socket,id=e0,fd=-3", "not a file descriptor number");
    expect_error("socket,id=e0,fd=0x", "not a file descriptor number");
    char *s = g_strdup_printf("socket,id=e0,connect=127.0.0.1:%d", port);
    expect_error(s, "Connection refused");
    g_free(s);
    int pfd[2];
    CHECK(pipe(pfd) == 0);
    s = g_strdup_printf("socket,id=e0,fd=%d", pfd[0]);
    expect_error(s, "not a socket");
    g_free(s);
    close(pfd[0]);
    close(pfd[1]);
    /* A port in use. */
    s = g_strdup_printf("socket,id=e1,listen=127.0.0.1:%d", port);
    CHECK(netdev_add(NULL, "%s", s) == 0);
    char *s2 = g_strdup_printf("socket,id=e2,listen=127.0.0.1:%d", port);
    expect_error(s2, "Address already in use");
    g_free(s);
    g_free(s2);
    net_cleanup();
}

/* -netdev hubport puts a -device NIC on the hub of -net vlan=N. */
static void test_hubport(void)
{
    int port = free_port(SOCK_STREAM);
    CHECK(netdev_add(NULL, "hubport,id=h0,hubid=3") == 0);
    CHECK(netdev_add(NULL, "hubport,id=h1,hubid=3") == 0);
    NetClientState *h0 = net_client_find("h0");
    CHECK(h0 && h0->hub_id == 3);
    FakeNic *a = fake_nic("nic0", "h0");
    FakeNic *b = fake_nic("nic1", "h1");
    send_frame(a, 1, 60);
    CHECK(RUN_UNTIL(b->frames->len == 1));
    CHECK(frame_is(b, 0, 1, 60));
    /* netdev=: a backend joins the hub. */
    CHECK(netdev_add(NULL, "socket,id=s0,listen=127.0.0.1:%d", port) == 0);
    CHECK(netdev_add(NULL, "hubport,id=h2,hubid=3,netdev=s0") == 0);
    CHECK(net_client_find("s0")->peer == net_client_find("h2"));
    int fd = raw_connect(port);
    CHECK(RUN_UNTIL(info_starts("s0", "socket: connection from")));
    uint8_t ok[4 + 60] = {0, 0, 0, 60};
    make_frame(ok + 4, 8, 60);
    CHECK_EQ(send(fd, ok, sizeof(ok), 0), (ssize_t)sizeof(ok));
    CHECK(RUN_UNTIL(a->frames->len == 1 && b->frames->len == 2));
    CHECK(frame_is(a, 0, 8, 60) && frame_is(b, 1, 8, 60));
    close(fd);
    expect_error("hubport,id=h3", "hubid");
    expect_error("hubport,id=h3,hubid=-1", "hubid=-1");
    expect_error("hubport,id=h3,hubid=1,netdev=nope", "nope");
    expect_error("hubport,id=h3,hubid=1,netdev=s0", "already in use");
    net_cleanup();
}

/* Interoperation with qemu-system's -netdev socket, when it is installed:
 * a QEMU with no guest relays between two socket netdevs on one hub,
 *     nic0 - s0 =connect=> QEMU listen - hub - QEMU connect => s1 - nic1
 * so frames cross QEMU's reader and writer of the stream format. */
static void test_qemu_interop(void)
{
    gchar *qemu = g_find_program_in_path("qemu-system-i386");
    if (!qemu) {
        printf("  skip: qemu-system-i386 is not installed (make bench "
               "installs it)\n");
        return;
    }
    int pq = free_port(SOCK_STREAM), pe = free_port(SOCK_STREAM);
    CHECK(netdev_add(NULL, "socket,id=s1,listen=127.0.0.1:%d", pe) == 0);
    FakeNic *b = fake_nic("nic1", "s1");
    char *a1 = g_strdup_printf("socket,id=qa,listen=127.0.0.1:%d", pq);
    char *a2 = g_strdup_printf("socket,id=qb,connect=127.0.0.1:%d", pe);
    /* Not -S: a stopped QEMU holds frames in its queues. */
    gchar *argv[] = {qemu,       "-M",
                     "none",     "-nodefaults",
                     "-display", "none",
                     "-netdev",  a1,
                     "-netdev",  "hubport,id=h0,hubid=0,netdev=qa",
                     "-netdev",  a2,
                     "-netdev",  "hubport,id=h1,hubid=0,netdev=qb",
                     NULL};
    GPid pid;
    GError *gerr = NULL;
    if (!g_spawn_async(NULL, argv, NULL,
                       G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                           G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, &pid, &gerr)) {
        test_fail(__FILE__, __LINE__, "%s: %s", qemu, gerr->message);
        g_error_free(gerr);
        goto out;
    }
    /* QEMU connects to s1 as it starts; s0 connects once QEMU listens. */
    CHECK(RUN_UNTIL(info_starts("s1", "socket: connection from")));
    char *msg = NULL;
    bool up = RUN_UNTIL(({
        g_free(msg);
        msg = NULL;
        netdev_add(&msg, "socket,id=s0,connect=127.0.0.1:%d", pq) == 0;
    }));
    CHECK(up);
    if (up) {
        FakeNic *a = fake_nic("nic0", "s0");
        static const size_t sizes[] = {60, 1514, 1, 9000};
        /* s0's frames first: QEMU drops what reaches its listening
         * netdev before it has accepted s0, so b waits for proof. */
        for (uint32_t i = 0; i < ARRAY_SIZE(sizes); i++) {
            send_frame(a, i, sizes[i]);
        }
        CHECK(RUN_UNTIL(b->frames->len == ARRAY_SIZE(sizes)));
        for (uint32_t i = 0; i < ARRAY_SIZE(sizes); i++) {
            send_frame(b, 50 + i, sizes[i]);
        }
        CHECK(RUN_UNTIL(a->frames->len == ARRAY_SIZE(sizes)));
        for (uint32_t i = 0; i < ARRAY_SIZE(sizes); i++) {
            CHECK(frame_is(b, i, i, sizes[i]));
            CHECK(frame_is(a, i, 50 + i, sizes[i]));
        }
    } else {
        printf("  %s\n", msg);
    }
    g_free(msg);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    g_spawn_close_pid(pid);
out:
    net_cleanup();
    g_free(a1);
    g_free(a2);
    g_free(qemu);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    main_loop_init();
    bql_lock();
    TEST_RUN(test_stream_both_ways);
    TEST_RUN(test_stream_burst_backpressure);
    TEST_RUN(test_stream_wire_format);
    TEST_RUN(test_stream_hostile);
    TEST_RUN(test_udp_pair);
    TEST_RUN(test_mcast_pair);
    TEST_RUN(test_fd);
    TEST_RUN(test_errors);
    TEST_RUN(test_hubport);
    TEST_RUN(test_qemu_interop);
    return test_finish();
}
