/*
 * The tap backend (net/tap.c) without a tap: its data path over a
 * SOCK_DGRAM socketpair (which keeps frame boundaries as a tap fd does),
 * back-pressure both ways through the main loop, and the option errors
 * that need no privilege.  The kernel side (a real tap in a network
 * namespace, ARP and ping, the scripts, the bridge helper) is
 * tests/unit/test-net-tap-kernel.c; the failure messages as emu prints
 * them are tests/cli/tap-diag.sh.
 */
#include "tests/unit/harness.h"
#include "tests/unit/net-util.h"
#include "emu/main-loop.h"
#include "net/net-int.h"
#include "net/netdev.h"
#include "net/tap-int.h"

#include <glib.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct Nic {
    NetClientState nc;
    bool full;
    int frames;
    uint32_t seq[64]; /* the first 4 bytes of each frame, in order */
} Nic;

static ssize_t nic_receive(NetClientState *nc, const uint8_t *buf, size_t len)
{
    Nic *n = (Nic *)nc;
    uint32_t seq = 0;
    memcpy(&seq, buf, MIN(len, sizeof(seq)));
    if (n->frames < (int)ARRAY_SIZE(n->seq)) {
        n->seq[n->frames] = seq;
    }
    n->frames++;
    return len;
}

static bool nic_can_receive(NetClientState *nc)
{
    return !((Nic *)nc)->full;
}

static const NetClientInfo nic_info = {
    .type = "nic",
    .is_nic = true,
    .size = sizeof(Nic),
    .receive = nic_receive,
    .can_receive = nic_can_receive,
};

/* A 60-byte frame that starts with seq. */
static void frame(uint8_t *buf, uint32_t seq)
{
    memset(buf, 0xa5, 60);
    memcpy(buf, &seq, sizeof(seq));
}

/* Run the main loop until cond holds; false after ~5 s (a failure, not a
 * measurement: the condition normally holds after one iteration). */
#define LOOP_UNTIL(cond)                          \
    ({                                            \
        int i_;                                   \
        for (i_ = 0; i_ < 500 && !(cond); i_++) { \
            main_loop_iterate(10);                \
        }                                         \
        (cond);                                   \
    })

static bool readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* sv[0] is the "tap", sv[1] the host side the test plays. */
static NetClientState *pair_new(int sv[2], Nic **nic)
{
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
                     sv) == 0);
    NetClientState *tap = tap_client_new(sv[0], NULL, "tap", "t0", "sp0", NULL);
    *nic = (Nic *)net_client_new(&nic_info, tap, "nic", "nic0");
    return tap;
}

static void test_frames_both_ways(void)
{
    int sv[2];
    Nic *nic;
    uint8_t buf[60], got[100];
    NetClientState *tap = pair_new(sv, &nic);

    CHECK(g_str_has_prefix(tap->info_str, "fd="));
    frame(buf, 7);
    CHECK_EQ(write(sv[1], buf, 60), 60);
    CHECK(LOOP_UNTIL(nic->frames == 1));
    CHECK_EQ(nic->seq[0], 7);
    CHECK_EQ(tap->tx_frames, 1);

    frame(buf, 8);
    CHECK_EQ(net_send(&nic->nc, buf, 60), 60);
    CHECK_EQ(read(sv[1], got, sizeof(got)), 60);
    CHECK(!memcmp(got, buf, 60));

    net_client_free(&nic->nc);
    net_client_free(tap);
    /* cleanup closed the fd: the other end sees it gone. */
    CHECK(write(sv[1], buf, 60) < 0 && errno == ECONNREFUSED);
    close(sv[1]);
}

/* A NIC that cannot receive stops the backend reading; the frames wait in
 * the host's queue, not in ours; a flush resumes, in order. */
static void test_rx_backpressure(void)
{
    int sv[2];
    Nic *nic;
    uint8_t buf[60];
    NetClientState *tap = pair_new(sv, &nic);

    nic->full = true;
    for (uint32_t i = 1; i <= 5; i++) {
        frame(buf, i);
        CHECK_EQ(write(sv[1], buf, 60), 60);
    }
    CHECK(LOOP_UNTIL(net_queue_length(&nic->nc) == 1));
    for (int i = 0; i < 20; i++) {
        main_loop_iterate(0);
    }
    /* One frame read and queued, the backend stopped: had it read on,
     * every frame would queue (async senders are never dropped). */
    CHECK_EQ(net_queue_length(&nic->nc), 1);
    CHECK_EQ(nic->frames, 0);
    CHECK(readable(sv[0]));

    nic->full = false;
    net_flush_queued(&nic->nc);
    CHECK_EQ(nic->frames, 1);
    CHECK(LOOP_UNTIL(nic->frames == 5));
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(nic->seq[i], i + 1);
    }
    CHECK(!readable(sv[0]));

    /* Again, with the NIC full for a while: nothing lost. */
    nic->full = true;
    for (uint32_t i = 6; i <= 8; i++) {
        frame(buf, i);
        CHECK_EQ(write(sv[1], buf, 60), 60);
    }
    CHECK(LOOP_UNTIL(net_queue_length(&nic->nc) == 1));
    nic->full = false;
    net_flush_queued(&nic->nc);
    CHECK(LOOP_UNTIL(nic->frames == 8));
    CHECK_EQ(nic->seq[7], 8);
    CHECK_EQ(nic->nc.dropped + tap->dropped, 0);

    net_client_free(tap);
    net_client_free(&nic->nc);
    close(sv[1]);
}

/* The host side not reading: writes hit EAGAIN, receive returns 0, the
 * layer queues; when the fd is writable the backend flushes, in order. */
static void test_tx_backpressure(void)
{
    int sv[2];
    Nic *nic;
    uint8_t buf[60], got[100];
    NetClientState *tap = pair_new(sv, &nic);
    uint32_t sent = 0;

    while (net_queue_length(tap) == 0 && sent < 100000) {
        frame(buf, ++sent);
        net_send(&nic->nc, buf, 60);
    }
    CHECK(net_queue_length(tap) == 1);
    CHECK(tap->receive_disabled);
    for (int i = 0; i < 10; i++) {
        frame(buf, ++sent);
        net_send(&nic->nc, buf, 60);
    }
    CHECK_EQ(net_queue_length(tap), 11);

    uint32_t next = 1;
    bool in_order = true;
    for (int i = 0; i < 1000 && next <= sent; i++) {
        ssize_t n;
        while ((n = read(sv[1], got, sizeof(got))) == 60) {
            uint32_t seq;
            memcpy(&seq, got, 4);
            in_order &= seq == next;
            next++;
        }
        main_loop_iterate(10);
    }
    CHECK_EQ(next - 1, sent);
    CHECK(in_order);
    CHECK_EQ(net_queue_length(tap), 0);
    CHECK(!tap->receive_disabled);
    CHECK_EQ(tap->dropped, 0);

    net_client_free(tap);
    net_client_free(&nic->nc);
    close(sv[1]);
}

static void test_option_errors(void)
{
    net_expect_error(net_netdev_add, "tap,id=a,vhost=on",
                     "vhost=on is not supported");
    net_expect_error(net_netdev_add, "tap,id=a,vnet_hdr=on",
                     "vnet_hdr=on is not supported");
    net_expect_error(net_netdev_add, "tap,id=a,queues=4",
                     "queues=4 is not supported");
    net_expect_error(net_netdev_add, "tap,id=a,fds=3:4",
                     "fds= is not supported");
    net_expect_error(net_netdev_add, "tap,id=a,vhost=maybe", "vhost");
    net_expect_error(net_netdev_add, "tap,id=a,bogus=1",
                     "invalid parameter 'bogus' for tap");
    net_expect_error(net_netdev_add, "tap,id=a,fd=x",
                     "fd=x: want the number of an open tap fd");
    net_expect_error(net_netdev_add, "tap,id=a,fd=9999",
                     "fd=: 9999 is not an open file");
    net_expect_error(net_netdev_add, "tap,id=a,fd=0,ifname=t",
                     "fd= cannot be combined");
    net_expect_error(net_netdev_add, "tap,id=a,br=br0,script=no",
                     "cannot be combined");
    net_expect_error(
        net_netdev_add,
        "tap,id=a,ifname=abcdefghijklmnopq,script=no,downscript=no",
        "'abcdefghijklmnopq' is too long (at most 15");
    net_expect_error(net_netdev_add,
                     "tap,id=a,ifname=a/b,script=no,downscript=no",
                     "not a valid interface name");
    net_expect_error(net_netdev_add, "tap,id=a,script=/nonexistent/ifup",
                     "script '/nonexistent/ifup' not found (give script=no");
    net_expect_error(net_netdev_add,
                     "tap,id=a,script=no,downscript=/nonexistent/down",
                     "downscript '/nonexistent/down' not found");
    net_expect_error(net_netdev_add, "tap,id=a,helper=/nonexistent/helper",
                     "bridge helper '/nonexistent/helper' not found");

    /* The legacy -net form reaches the same checks. */
    Error *err = NULL;
    CHECK(net_legacy_add("tap,vlan=3,script=/nonexistent/ifup", &err) < 0);
    CHECK(err && strstr(error_get_pretty(err),
                        "-net tap,vlan=3,script="
                        "/nonexistent/ifup: script '/nonexistent/ifup' not "
                        "found"));
    error_free(err);

    /* fd= of something that is not a tap. */
    int p[2];
    CHECK(pipe(p) == 0);
    char *o = g_strdup_printf("tap,id=a,fd=%d", p[0]);
    net_expect_error(net_netdev_add, o, "is not an attached tap (TUNGETIFF");
    g_free(o);
    close(p[0]);
    close(p[1]);

    /* A script that is there but cannot run. */
    char *dir = g_dir_make_tmp("emu-tap-XXXXXX", NULL);
    char *script = g_build_filename(dir, "ifup", NULL);
    CHECK(g_file_set_contents(script, "#!/bin/sh\n", -1, NULL));
    chmod(script, 0644);
    o = g_strdup_printf("tap,id=a,script=%s", script);
    char *want = g_strdup_printf("script '%s' is not executable: chmod +x %s",
                                 script, script);
    net_expect_error(net_netdev_add, o, want);
    g_free(o);
    g_free(want);
    unlink(script);
    rmdir(dir);
    g_free(script);
    g_free(dir);
    CHECK(net_client_find("a") == NULL);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    main_loop_init();
    bql_lock();
    TEST_RUN(test_frames_both_ways);
    TEST_RUN(test_rx_backpressure);
    TEST_RUN(test_tx_backpressure);
    TEST_RUN(test_option_errors);
    bql_unlock();
    return test_finish();
}
