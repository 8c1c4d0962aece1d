/*
 * The net layer's core (net/net.c, queue.c, hub.c, nic.c, net-opts.c,
 * net-monitor.c): delivery between peers, queueing and back-pressure,
 * flushing (also through a hub), link state, filters, hubs, MAC
 * addresses, the option front end's errors, "info network".
 */
#include "tests/unit/harness.h"
#include "tests/unit/net-util.h"
#include "emu/monitor.h"
#include "net/net-int.h"
#include "net/netdev.h"

#include <glib.h>

/* A test client: records frames; can be made "full". */
typedef struct Probe {
    NetClientState nc;
    bool full;         /* can_receive false */
    bool refuse;       /* receive returns 0 */
    int frames;
    uint8_t last[64];
    size_t last_len;
    int sent_cbs;      /* async frames of ours that were delivered */
    int links_changed;
} Probe;

static ssize_t probe_receive(NetClientState *nc, const uint8_t *buf,
                             size_t len)
{
    Probe *p = (Probe *)nc;
    if (p->refuse) {
        return 0;
    }
    p->frames++;
    p->last_len = len;
    memcpy(p->last, buf, MIN(len, sizeof(p->last)));
    return len;
}

static bool probe_can_receive(NetClientState *nc)
{
    return !((Probe *)nc)->full;
}

static void probe_link(NetClientState *nc)
{
    ((Probe *)nc)->links_changed++;
}

static const NetClientInfo nic_info = {
    .type = "nic", .is_nic = true, .size = sizeof(Probe),
    .receive = probe_receive, .can_receive = probe_can_receive,
    .link_status_changed = probe_link,
};
static const NetClientInfo be_info = {
    .type = "testbe", .size = sizeof(Probe),
    .receive = probe_receive, .can_receive = probe_can_receive,
    .link_status_changed = probe_link,
};

static void sent_cb(NetClientState *nc, ssize_t ret)
{
    ((Probe *)nc)->sent_cbs++;
}

static const uint8_t frame[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2};

static void test_direct_delivery(void)
{
    Probe *be = (Probe *)net_client_new(&be_info, NULL, "testbe", "b0");
    Probe *nic = (Probe *)net_client_new(&nic_info, &be->nc, "nic", NULL);
    CHECK_STR(nic->nc.name, "nic.0");
    CHECK(be->nc.peer == &nic->nc && nic->nc.peer == &be->nc);
    CHECK_EQ(net_send(&be->nc, frame, sizeof(frame)), sizeof(frame));
    CHECK_EQ(nic->frames, 1);
    CHECK_EQ(nic->last_len, 60);
    CHECK_EQ(net_send(&nic->nc, frame, 20), 20);
    CHECK_EQ(be->frames, 1);
    CHECK_EQ(be->last_len, 20);
    /* An empty frame goes nowhere. */
    CHECK_EQ(net_send(&be->nc, frame, 0), 0);
    CHECK_EQ(nic->frames, 1);
    net_client_free(&nic->nc);
    CHECK(be->nc.peer == NULL);
    /* Without a peer a frame is lost, and the sender is not held up. */
    CHECK_EQ(net_send(&be->nc, frame, 10), 10);
    net_client_free(&be->nc);
    CHECK(net_client_next(NULL) == NULL);
}

static void test_backpressure(void)
{
    Probe *be = (Probe *)net_client_new(&be_info, NULL, "testbe", "b0");
    Probe *nic = (Probe *)net_client_new(&nic_info, &be->nc, "nic", NULL);
    nic->full = true;
    CHECK(!net_peer_can_receive(&be->nc));
    /* Async: queued, the sender is told to stop. */
    CHECK_EQ(net_send_async(&be->nc, frame, 60, sent_cb), 0);
    CHECK_EQ(net_send_async(&be->nc, frame, 50, sent_cb), 0);
    CHECK_EQ(net_queue_length(&nic->nc), 2);
    CHECK_EQ(nic->frames, 0);
    /* Flushing while still full delivers nothing. */
    net_flush_queued(&nic->nc);
    CHECK_EQ(nic->frames, 0);
    CHECK_EQ(be->sent_cbs, 0);
    nic->full = false;
    /* Not flushed yet: a new frame must queue behind the others (order). */
    CHECK(!net_peer_can_receive(&be->nc));
    CHECK_EQ(net_send(&be->nc, frame, 40), 40);
    CHECK_EQ(net_queue_length(&nic->nc), 3);
    net_flush_queued(&nic->nc);
    CHECK_EQ(nic->frames, 3);
    CHECK_EQ(nic->last_len, 40);
    CHECK_EQ(be->sent_cbs, 2);
    CHECK_EQ(net_queue_length(&nic->nc), 0);
    CHECK(net_peer_can_receive(&be->nc));

    /* receive() returning 0: the frame queues and waits for a flush. */
    nic->refuse = true;
    CHECK_EQ(net_send_async(&be->nc, frame, 30, sent_cb), 0);
    CHECK_EQ(net_queue_length(&nic->nc), 1);
    CHECK(nic->nc.receive_disabled);
    nic->refuse = false;
    CHECK_EQ(net_send(&be->nc, frame, 31), 31); /* queues behind */
    CHECK_EQ(nic->frames, 3);
    net_flush_queued(&nic->nc);
    CHECK_EQ(nic->frames, 5);
    CHECK_EQ(nic->last_len, 31);
    CHECK_EQ(be->sent_cbs, 3);

    /* Plain senders are capped; async ones never dropped. */
    nic->full = true;
    for (int i = 0; i < NET_QUEUE_MAX_FRAMES + 5; i++) {
        net_send(&be->nc, frame, 60);
    }
    CHECK_EQ(net_queue_length(&nic->nc), NET_QUEUE_MAX_FRAMES);
    CHECK_EQ(nic->nc.dropped, 5);
    CHECK_EQ(net_send_async(&be->nc, frame, 60, sent_cb), 0);
    CHECK_EQ(net_queue_length(&nic->nc), NET_QUEUE_MAX_FRAMES + 1);
    /* Purge (reset) runs the async sender's callback. */
    net_purge_queued(&nic->nc);
    CHECK_EQ(net_queue_length(&nic->nc), 0);
    CHECK_EQ(be->sent_cbs, 4);
    net_client_free(&nic->nc);
    net_client_free(&be->nc);
}

static void test_link(void)
{
    Probe *be = (Probe *)net_client_new(&be_info, NULL, "testbe", "b0");
    Probe *nic = (Probe *)net_client_new(&nic_info, &be->nc, "nic", NULL);
    nic->full = true;
    net_send(&be->nc, frame, 60);
    CHECK_EQ(net_queue_length(&nic->nc), 1);
    net_set_link(&nic->nc, false);
    CHECK(nic->nc.link_down && be->nc.link_down);
    CHECK_EQ(nic->links_changed, 1);
    CHECK_EQ(be->links_changed, 1);
    /* A pulled cable: nothing goes either way. */
    nic->full = false;
    CHECK_EQ(net_send(&be->nc, frame, 60), 60);
    CHECK_EQ(net_send(&nic->nc, frame, 60), 60);
    CHECK_EQ(nic->frames + be->frames, 0);
    /* Setting the same state again changes nothing. */
    net_set_link(&nic->nc, false);
    CHECK_EQ(nic->links_changed, 1);
    /* Link up flushes: the frame queued before the cable was pulled was
     * sent by a client whose link is up again, so it is delivered. */
    net_set_link(&be->nc, true);
    CHECK(!nic->nc.link_down && !be->nc.link_down);
    CHECK_EQ(nic->links_changed, 2);
    CHECK_EQ(net_queue_length(&nic->nc), 0);
    CHECK_EQ(nic->frames, 1);
    CHECK_EQ(net_send(&be->nc, frame, 60), 60);
    CHECK_EQ(nic->frames, 2);
    net_client_free(&nic->nc);
    net_client_free(&be->nc);
}

typedef struct Tap {
    NetFilter f;
    int tx, rx;
    size_t bytes;
} Tap;

static void tap_fn(NetFilter *f, NetClientState *nc, NetFilterDirection dir,
                   const struct iovec *iov, int iovcnt, size_t len)
{
    Tap *t = (Tap *)f;
    if (dir == NET_FILTER_TX) {
        t->tx++;
    } else {
        t->rx++;
    }
    t->bytes += len;
}

static void test_filters(void)
{
    Probe *be = (Probe *)net_client_new(&be_info, NULL, "testbe", "b0");
    Probe *nic = (Probe *)net_client_new(&nic_info, &be->nc, "nic", NULL);
    Tap t = {{tap_fn, NULL, NULL}, 0, 0, 0};
    net_filter_attach(&be->nc, &t.f);
    net_send(&be->nc, frame, 60); /* backend -> NIC: TX of be */
    net_send(&nic->nc, frame, 42); /* NIC -> backend: RX of be */
    CHECK_EQ(t.tx, 1);
    CHECK_EQ(t.rx, 1);
    CHECK_EQ(t.bytes, 102);
    /* A queued frame is seen as received when it is delivered. */
    be->full = true;
    net_send(&nic->nc, frame, 42);
    CHECK_EQ(t.rx, 1);
    be->full = false;
    net_flush_queued(&be->nc);
    CHECK_EQ(t.rx, 2);
    net_filter_detach(&be->nc, &t.f);
    net_send(&be->nc, frame, 60);
    CHECK_EQ(t.tx, 1);
    net_client_free(&nic->nc);
    net_client_free(&be->nc);
}

static void test_hub(void)
{
    /* Two NICs and a backend on hub 3. */
    Probe *n1 = (Probe *)net_client_new(&nic_info, net_hub_add_port(3, NULL),
                                        "nic", NULL);
    Probe *n2 = (Probe *)net_client_new(&nic_info, net_hub_add_port(3, NULL),
                                        "nic", NULL);
    NetClientState *bport = net_hub_add_port(3, NULL);
    CHECK_STR(bport->name, "hub3port2");
    CHECK_EQ(bport->hub_id, 3);
    Probe *be = (Probe *)net_client_new(&be_info, bport, "testbe", "b0");

    /* Fan-out: the backend's frame reaches both NICs, a NIC's frame
     * reaches the backend and the other NIC, never itself. */
    net_send(&be->nc, frame, 60);
    CHECK_EQ(n1->frames, 1);
    CHECK_EQ(n2->frames, 1);
    net_send(&n1->nc, frame, 50);
    CHECK_EQ(be->frames, 1);
    CHECK_EQ(n2->frames, 2);
    CHECK_EQ(n1->frames, 1);

    /* Back-pressure through the hub: one full NIC holds the backend. */
    n2->full = true;
    CHECK(!net_peer_can_receive(&be->nc));
    CHECK_EQ(net_send_async(&be->nc, frame, 60, sent_cb), 0);
    CHECK_EQ(be->sent_cbs, 0);
    CHECK_EQ(n1->frames, 1);
    n2->full = false;
    /* The NIC flushing itself flushes the hub: the backend resumes. */
    net_flush_queued(&n2->nc);
    CHECK_EQ(be->sent_cbs, 1);
    CHECK_EQ(n1->frames, 2);
    CHECK_EQ(n2->frames, 3);

    /* A port whose NIC's link is down does not hold the hub. */
    n2->full = true;
    net_set_link(&n2->nc, false);
    CHECK(net_peer_can_receive(&be->nc));
    net_send(&be->nc, frame, 60);
    CHECK_EQ(n1->frames, 3);
    CHECK_EQ(n2->frames, 3);

    NetClientState *p1 = n1->nc.peer, *p2 = n2->nc.peer;
    net_client_free(&n1->nc);
    net_client_free(&n2->nc);
    net_client_free(&be->nc);
    net_client_free(p1);
    net_client_free(p2);
    net_client_free(bport);
    CHECK(net_client_next(NULL) == NULL);
}

static void test_macaddr(void)
{
    MACAddr m;
    char s[18];
    CHECK(net_parse_macaddr("52:54:00:AB:cd:0f", &m));
    net_format_macaddr(&m, s);
    CHECK_STR(s, "52:54:00:ab:cd:0f");
    CHECK(net_parse_macaddr("02-00-00-00-00-01", &m));
    CHECK(!net_parse_macaddr("52:54:00:ab:cd", &m));
    CHECK(!net_parse_macaddr("52:54:00:ab:cd:0f:", &m));
    CHECK(!net_parse_macaddr("52:54:00:ab:cd:0g", &m));
    CHECK(!net_parse_macaddr("5:54:00:ab:cd:0f", &m));
    net_macaddr_default(&m);
    net_format_macaddr(&m, s);
    CHECK_STR(s, "52:54:00:12:34:56");
    net_macaddr_default(&m);
    CHECK_EQ(m.a[5], 0x57);
}

/* A backend type for the front-end tests: takes "size=". */
static int testbe_init(KeyValOpts *o, const char *name, NetClientState *peer,
                       Error **errp)
{
    const char *size = keyval_get(o, "size");
    if (size && strcmp(size, "1")) {
        error_setg(errp, "size must be 1");
        return -1;
    }
    NetClientState *nc = net_client_new(&be_info, peer, "testbe", name);
    snprintf(nc->info_str, sizeof(nc->info_str), "size=%s", size ? size : "0");
    return 0;
}
static const NetBackend testbe = {
    .type = "testbe", .init = testbe_init, .netdev_ok = true,
    .legacy_ok = true,
};
NET_BACKEND_REGISTER(testbe);

static char *info_network(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    monitor_execute_line(NULL, "info network", f);
    fclose(f);
    return buf;
}

static void test_front_end(void)
{
    Error *err = NULL;
    net_expect_error(net_netdev_add, "testbe", "parameter 'id' is missing");
    net_expect_error(net_netdev_add, "testbe,id=9x", "not a valid id");
    net_expect_error(net_netdev_add, "nosuch,id=a", "'nosuch' is not a valid");
    net_expect_error(net_netdev_add, "testbe,id=a,size=2", "size must be 1");
    net_expect_error(net_netdev_add, "testbe,id=a,bogus=1",
                 "invalid parameter 'bogus'");
    CHECK(net_client_find("a") == NULL); /* taken down again */
    CHECK_EQ(net_netdev_add("testbe,id=n0,size=1", &err), 0);
    net_expect_error(net_netdev_add, "testbe,id=n0", "duplicate ID 'n0'");
    net_expect_error(net_legacy_add, "nic,vlan=x", "vlan 'x'");
    net_expect_error(net_legacy_add, "nic,macaddr=01:00:00:00:00:01",
                 "invalid macaddr");
    net_expect_error(net_legacy_add, "nic,foo=1", "invalid parameter 'foo'");
    net_expect_error(net_nic_add, "testbe,mac=zz", "invalid mac");

    int before = net_nic_count();
    CHECK_EQ(net_legacy_add("nic,model=ne2k_isa,macaddr=52:54:00:00:00:09",
                            &err), 0);
    CHECK_EQ(net_legacy_add("testbe,vlan=0", &err), 0);
    CHECK_EQ(net_nic_add("testbe,model=ne2k_pci,id=x1", &err), 0);
    CHECK_EQ(net_nic_count(), before + 2);
    NICInfo *ni = net_nic_info(before);
    CHECK_STR(ni->model, "ne2k_isa");
    CHECK(ni->mac_set && ni->mac.a[5] == 9);
    CHECK_EQ(ni->netdev->hub_id, 0);
    ni = net_nic_info(before + 1);
    CHECK_STR(ni->netdev->name, "x1");
    CHECK(ni->netdev->peer == NULL);
    CHECK(net_user_configured());

    /* info network, QEMU's layout (names count every client of the
     * model, as QEMU's: the legacy testbe is testbe.1 beside n0). */
    MACAddr mac = {{0x52, 0x54, 0, 0, 0, 9}};
    Probe *nic = (Probe *)net_client_new(&nic_info, net_nic_info(before)->netdev,
                                         "ne2k_isa", NULL);
    net_nic_format_info(&nic->nc, &mac);
    Probe *nic2 = (Probe *)net_client_new(&nic_info, net_client_find("n0"),
                                          "ne2k_pci", NULL);
    net_nic_format_info(&nic2->nc, &mac);
    net_set_link(&nic2->nc, false);
    char *out = info_network();
    const char *want =
        "hub 0\n"
        " \\ hub0port1: testbe.1: index=0,type=testbe,size=0\n"
        " \\ hub0port0: ne2k_isa.0: index=0,type=nic,"
        "model=ne2k_isa,macaddr=52:54:00:00:00:09\n"
        "x1: index=0,type=testbe,size=0\n"
        "ne2k_pci.0: index=0,type=nic,model=ne2k_pci,"
        "macaddr=52:54:00:00:00:09\n"
        "link=down\n"
        " \\ n0: index=0,type=testbe,size=1\n"
        "link=down\n";
    CHECK_STR(out, want);
    free(out);
    net_cleanup();
    CHECK(net_client_next(NULL) == NULL);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_direct_delivery);
    TEST_RUN(test_backpressure);
    TEST_RUN(test_link);
    TEST_RUN(test_filters);
    TEST_RUN(test_hub);
    TEST_RUN(test_macaddr);
    TEST_RUN(test_front_end);
    return test_finish();
}
