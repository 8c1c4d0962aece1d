/*
 * User networking (net/slirp*.c) seen from a fake NIC: the test builds the
 * guest's frames itself (ARP, DHCP, ICMP, UDP, TCP) and drives the main
 * loop until libslirp's answers come back.
 *
 * Nothing reaches the host's real network: when it can (root), the test
 * moves itself into new network and mount namespaces, with only a
 * loopback, and an /etc/resolv.conf that names 127.0.0.1, where it runs
 * a tiny DNS responder of its own.  Without those privileges the DNS test
 * skips; the others use only 127.0.0.1.
 */
#include "tests/unit/harness.h"

#include "emu/main-loop.h"
#include "emu/monitor.h"
#include "net/net-int.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <glib.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* ---- The fake NIC: keeps every frame it receives ------------------------ */

typedef struct FakeNic {
    NetClientState nc;
    GPtrArray *frames; /* GByteArray */
} FakeNic;

static ssize_t fake_receive(NetClientState *nc, const uint8_t *buf, size_t len)
{
    FakeNic *n = (FakeNic *)nc;
    GByteArray *f = g_byte_array_sized_new(len);
    g_byte_array_append(f, buf, len);
    g_ptr_array_add(n->frames, f);
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
    .cleanup = fake_cleanup,
};

typedef struct Rig {
    NetClientState *user;
    FakeNic *nic;
    uint32_t guest_ip; /* host order */
    uint32_t gw_ip;
} Rig;

/* -netdev user,<opts> as the front end would: init, then no left-overs. */
static int user_new(const char *opts, NetClientState **out, Error **errp)
{
    const NetBackend *b = net_backend_find("user");
    KeyValOpts o;
    int ret;

    if (!b) {
        error_setg(errp, "no user backend registered");
        return -1;
    }
    if (keyval_split(opts, &o, errp) < 0) {
        return -1;
    }
    ret = b->init(&o, "u0", NULL, errp);
    if (ret == 0 && keyval_unused(&o)) {
        error_setg(errp, "invalid parameter '%s'", keyval_unused(&o));
        net_client_free(net_client_find("u0"));
        ret = -1;
    }
    keyval_free(&o);
    if (ret == 0 && out) {
        *out = net_client_find("u0");
    }
    return ret;
}

static bool rig_init(Rig *r, const char *opts)
{
    Error *err = NULL;
    memset(r, 0, sizeof(*r));
    if (user_new(opts, &r->user, &err) < 0) {
        test_fail(__FILE__, __LINE__, "user,%s: %s", opts,
                  error_get_pretty(err));
        error_free(err);
        return false;
    }
    r->nic = (FakeNic *)net_client_new(&fake_nic_info, r->user, "fake", "nic0");
    r->nic->frames =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    r->guest_ip = 0x0a00020f; /* 10.0.2.15 */
    r->gw_ip = 0x0a000202;
    return true;
}

static void rig_cleanup(Rig *r)
{
    if (r->nic) {
        net_client_free(&r->nic->nc);
    }
    if (r->user) {
        net_client_free(r->user);
    }
}

/* ---- Frames ------------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

static uint16_t get16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += get16(p + i);
    }
    if (len & 1) {
        sum += p[len - 1] << 8;
    }
    return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum;
}

/* Ethernet + IPv4 header for len bytes of payload; returns the offset of
 * the payload. */
static size_t ip_frame(uint8_t *f, const uint8_t *dmac, uint8_t proto,
                       uint32_t src, uint32_t dst, size_t len)
{
    memcpy(f, dmac, 6);
    memcpy(f + 6, guest_mac, 6);
    put16(f + 12, 0x0800);
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, 20 + len);
    put16(ip + 4, 0x1234);
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
    return 34;
}

/* A UDP datagram from the guest (checksum 0: none, as IPv4 allows). */
static size_t udp_frame(uint8_t *f, const uint8_t *dmac, uint32_t src,
                        uint16_t sport, uint32_t dst, uint16_t dport,
                        const void *data, size_t len)
{
    size_t off = ip_frame(f, dmac, 17, src, dst, 8 + len);
    put16(f + off, sport);
    put16(f + off + 2, dport);
    put16(f + off + 4, 8 + len);
    put16(f + off + 6, 0);
    memcpy(f + off + 8, data, len);
    return off + 8 + len;
}

static void guest_send(Rig *r, const uint8_t *f, size_t len)
{
    net_send(&r->nic->nc, f, len);
}

static void iterate(void)
{
    main_loop_iterate(10);
}

/* What a received frame holds, or NULL where it is not that. */
static const uint8_t *as_ipv4(GByteArray *f, uint8_t proto)
{
    if (f->len < 34 || get16(f->data + 12) != 0x0800 ||
        f->data[14 + 9] != proto) {
        return NULL;
    }
    return f->data + 14;
}

static const uint8_t *as_udp(GByteArray *f, uint16_t dport, size_t *len)
{
    const uint8_t *ip = as_ipv4(f, 17);
    if (!ip) {
        return NULL;
    }
    size_t ihl = (ip[0] & 15) * 4;
    const uint8_t *udp = ip + ihl;
    if (14 + ihl + 8 > f->len || get16(udp + 2) != dport) {
        return NULL;
    }
    *len = get16(udp + 4) - 8;
    if (14 + ihl + 8 + *len > f->len) {
        return NULL;
    }
    return udp;
}

typedef bool FramePred(GByteArray *f, void *opaque);

/* Run the main loop until a received frame satisfies pred (removed and
 * returned) or ms pass; service() runs each time round (a host-side
 * server of the test). */
static GByteArray *wait_frame(Rig *r, FramePred *pred, void *opaque, int ms,
                              void (*service)(void *), void *sopaque)
{
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    do {
        for (guint i = 0; i < r->nic->frames->len; i++) {
            GByteArray *f = g_ptr_array_index(r->nic->frames, i);
            if (pred(f, opaque)) {
                g_byte_array_ref(f);
                g_ptr_array_remove_index(r->nic->frames, i);
                return f;
            }
        }
        if (service) {
            service(sopaque);
        }
        iterate();
    } while (g_get_monotonic_time() < end);
    return NULL;
}

static bool is_udp_to(GByteArray *f, void *opaque)
{
    size_t len;
    return as_udp(f, (uint16_t)(uintptr_t)opaque, &len) != NULL;
}

/* ---- ARP ------------------------------------------------------------------
 */

static void send_arp_request(Rig *r, uint32_t target)
{
    uint8_t f[42];
    memcpy(f, bcast_mac, 6);
    memcpy(f + 6, guest_mac, 6);
    put16(f + 12, 0x0806);
    put16(f + 14, 1);      /* Ethernet */
    put16(f + 16, 0x0800); /* IPv4 */
    f[18] = 6;
    f[19] = 4;
    put16(f + 20, 1); /* request */
    memcpy(f + 22, guest_mac, 6);
    put32(f + 28, r->guest_ip);
    memset(f + 32, 0, 6);
    put32(f + 38, target);
    guest_send(r, f, sizeof(f));
}

static bool is_arp_reply(GByteArray *f, void *opaque)
{
    return f->len >= 42 && get16(f->data + 12) == 0x0806 &&
           get16(f->data + 20) == 2 &&
           get32(f->data + 28) == (uint32_t)(uintptr_t)opaque;
}

/* ARP for the gateway: answered, and slirp learns the guest's MAC. */
static bool arp_gateway(Rig *r)
{
    send_arp_request(r, r->gw_ip);
    GByteArray *f = wait_frame(r, is_arp_reply, (void *)(uintptr_t)r->gw_ip,
                               2000, NULL, NULL);
    if (!f) {
        return false;
    }
    bool ok = !memcmp(f->data, guest_mac, 6) &&
              !memcmp(f->data + 32, guest_mac, 6) &&
              get32(f->data + 38) == r->guest_ip;
    g_byte_array_unref(f);
    return ok;
}

static void test_arp(void)
{
    Rig r;
    if (!rig_init(&r, "")) {
        return;
    }
    CHECK(arp_gateway(&r));
    /* Nobody is at 10.0.2.77: no reply. */
    send_arp_request(&r, 0x0a00024d);
    CHECK(!wait_frame(&r, is_arp_reply, (void *)(uintptr_t)0x0a00024d, 200,
                      NULL, NULL));
    rig_cleanup(&r);
}

/* ---- DHCP ------------------------------------------------------------------
 */

typedef struct DhcpReply {
    int type;
    uint32_t yiaddr, router, dns, server, mask;
    bool has_router, has_dns;
    char domain[64];
    char file[129]; /* BOOTP's boot file name */
} DhcpReply;

static void send_dhcp(Rig *r, int type, uint32_t req_ip, uint32_t server)
{
    uint8_t bootp[300] = {0};
    uint8_t f[400];
    bootp[0] = 1; /* BOOTREQUEST */
    bootp[1] = 1;
    bootp[2] = 6;
    put32(bootp + 4, 0xdeadbeef); /* xid */
    memcpy(bootp + 28, guest_mac, 6);
    put32(bootp + 236, 0x63825363); /* magic cookie */
    uint8_t *o = bootp + 240;
    *o++ = 53;
    *o++ = 1;
    *o++ = type;
    if (req_ip) {
        *o++ = 50;
        *o++ = 4;
        put32(o, req_ip);
        o += 4;
    }
    if (server) {
        *o++ = 54;
        *o++ = 4;
        put32(o, server);
        o += 4;
    }
    *o++ = 255;
    size_t len =
        udp_frame(f, bcast_mac, 0, 68, 0xffffffff, 67, bootp, sizeof(bootp));
    guest_send(r, f, len);
}

static bool wait_dhcp(Rig *r, DhcpReply *d)
{
    GByteArray *f =
        wait_frame(r, is_udp_to, (void *)(uintptr_t)68, 2000, NULL, NULL);
    size_t len;
    memset(d, 0, sizeof(*d));
    if (!f) {
        return false;
    }
    const uint8_t *b = as_udp(f, 68, &len) + 8;
    bool ok = len >= 240 && b[0] == 2 && get32(b + 4) == 0xdeadbeef &&
              get32(b + 236) == 0x63825363;
    if (ok) {
        d->yiaddr = get32(b + 16);
        snprintf(d->file, sizeof(d->file), "%.128s", (const char *)b + 108);
        for (size_t i = 240; i + 1 < len && b[i] != 255;) {
            uint8_t opt = b[i], ol = b[i + 1];
            const uint8_t *v = b + i + 2;
            if (opt == 0) {
                i++;
                continue;
            }
            if (i + 2 + ol > len) {
                ok = false;
                break;
            }
            switch (opt) {
            case 53:
                d->type = v[0];
                break;
            case 1:
                d->mask = get32(v);
                break;
            case 3:
                d->router = get32(v);
                d->has_router = true;
                break;
            case 6:
                d->dns = get32(v);
                d->has_dns = true;
                break;
            case 54:
                d->server = get32(v);
                break;
            case 15:
                snprintf(d->domain, sizeof(d->domain), "%.*s", ol, v);
                break;
            }
            i += 2 + ol;
        }
    }
    g_byte_array_unref(f);
    return ok;
}

/* DISCOVER -> OFFER, REQUEST -> ACK; the lease as expected. */
static void dhcp_check(const char *opts, uint32_t yiaddr, uint32_t router,
                       uint32_t dns, uint32_t mask, bool restricted)
{
    Rig r;
    DhcpReply d;
    if (!rig_init(&r, opts)) {
        return;
    }
    send_dhcp(&r, 1, 0, 0);
    CHECK(wait_dhcp(&r, &d));
    CHECK_EQ(d.type, 2); /* OFFER */
    CHECK_EQ(d.yiaddr, yiaddr);
    CHECK_EQ(d.server, router);
    CHECK_EQ(d.mask, mask);
    CHECK_EQ(d.has_router, !restricted);
    CHECK_EQ(d.has_dns, !restricted);
    if (!restricted) {
        CHECK_EQ(d.router, router);
        CHECK_EQ(d.dns, dns);
    }
    send_dhcp(&r, 3, yiaddr, d.server);
    CHECK(wait_dhcp(&r, &d));
    CHECK_EQ(d.type, 5); /* ACK */
    CHECK_EQ(d.yiaddr, yiaddr);
    rig_cleanup(&r);
}

static void test_dhcp_default(void)
{
    dhcp_check("", 0x0a00020f, 0x0a000202, 0x0a000203, 0xffffff00, false);
}

static void test_dhcp_custom(void)
{
    dhcp_check("net=192.168.76.0/255.255.255.0,host=192.168.76.1,"
               "dns=192.168.76.53,dhcpstart=192.168.76.100",
               0xc0a84c64, 0xc0a84c01, 0xc0a84c35, 0xffffff00, false);
    /* Without a mask: the class's (10/8), host parts .2.2 and .2.15 */
    dhcp_check("net=10.0.0.0", 0x0a00020f, 0x0a000202, 0x0a000203, 0xff000000,
               false);
    dhcp_check("net=172.20.0.0/16", 0xac14020f, 0xac140202, 0xac140203,
               0xffff0000, false);
}

static void test_dhcp_restrict(void)
{
    /* restrict=on: a lease, but no gateway and no DNS server. */
    dhcp_check("restrict=on", 0x0a00020f, 0x0a000202, 0, 0xffffff00, true);
}

static void test_dhcp_domain(void)
{
    Rig r;
    DhcpReply d;
    if (!rig_init(&r, "domainname=emu.test")) {
        return;
    }
    send_dhcp(&r, 1, 0, 0);
    CHECK(wait_dhcp(&r, &d));
    CHECK_STR(d.domain, "emu.test");
    rig_cleanup(&r);
}

/* tftp=DIR serves DIR read-only at the host's address; bootfile= is the
 * name DHCP hands out. */
static void test_tftp(void)
{
    Rig r;
    DhcpReply d;
    char *dir = g_dir_make_tmp("emu-tftp.XXXXXX", NULL);
    char *path = g_build_filename(dir, "pxe.0", NULL);
    char *opts = g_strdup_printf("tftp=%s,bootfile=pxe.0", dir);
    uint8_t rrq[64], f[200];
    size_t n = 0;

    g_file_set_contents(path, "boot me", 7, NULL);
    if (rig_init(&r, opts)) {
        send_dhcp(&r, 1, 0, 0);
        CHECK(wait_dhcp(&r, &d));
        CHECK_STR(d.file, "pxe.0");
        put16(rrq, 1); /* RRQ */
        n = 2;
        memcpy(rrq + n, "pxe.0", 6);
        n += 6;
        memcpy(rrq + n, "octet", 6);
        n += 6;
        size_t len =
            udp_frame(f, bcast_mac, r.guest_ip, 42000, r.gw_ip, 69, rrq, n);
        guest_send(&r, f, len);
        GByteArray *rep = wait_frame(&r, is_udp_to, (void *)(uintptr_t)42000,
                                     2000, NULL, NULL);
        CHECK(rep);
        if (rep) {
            const uint8_t *udp = as_udp(rep, 42000, &n);
            CHECK_EQ(get16(udp + 8), 3); /* DATA */
            CHECK_EQ(get16(udp + 10), 1);
            CHECK(n == 4 + 7 && !memcmp(udp + 12, "boot me", 7));
            g_byte_array_unref(rep);
        }
        rig_cleanup(&r);
    }
    unlink(path);
    rmdir(dir);
    g_free(opts);
    g_free(path);
    g_free(dir);
}

/* ---- ICMP -----------------------------------------------------------------
 */

static bool is_echo_reply(GByteArray *f, void *opaque)
{
    const uint8_t *ip = as_ipv4(f, 1);
    return ip && ip[20] == 0 && get16(ip + 24) == 0x4242;
}

/* An echo request (id 0x4242, seq 7, 32 bytes of data) to dst. */
static void send_echo(Rig *r, uint32_t dst, uint8_t icmp[40])
{
    uint8_t f[100];
    memset(icmp, 0, 40);
    icmp[0] = 8; /* echo request */
    put16(icmp + 4, 0x4242);
    put16(icmp + 6, 7);
    for (int i = 8; i < 40; i++) {
        icmp[i] = i;
    }
    put16(icmp + 2, csum_fold(csum_add(0, icmp, 40)));
    size_t off = ip_frame(f, bcast_mac, 1, r->guest_ip, dst, 40);
    memcpy(f + off, icmp, 40);
    guest_send(r, f, off + 40);
}

static void test_icmp_gateway(void)
{
    Rig r;
    uint8_t icmp[40];
    if (!rig_init(&r, "")) {
        return;
    }
    CHECK(arp_gateway(&r));
    send_echo(&r, r.gw_ip, icmp);
    GByteArray *rep = wait_frame(&r, is_echo_reply, NULL, 2000, NULL, NULL);
    CHECK(rep);
    if (rep) {
        const uint8_t *ip = rep->data + 14;
        CHECK_EQ(get32(ip + 12), r.gw_ip);
        CHECK_EQ(get32(ip + 16), r.guest_ip);
        CHECK_EQ(get16(ip + 26), 7);
        CHECK(!memcmp(ip + 28, icmp + 8, sizeof(icmp) - 8));
        g_byte_array_unref(rep);
    }
    rig_cleanup(&r);
}

/* ---- UDP to and from the host ------------------------------------------- */

static int udp_server(uint16_t *port)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t al = sizeof(a);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) < 0) {
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* A port nobody uses now (for hostfwd's host side). */
static uint16_t free_udp_port(void)
{
    uint16_t port = 0;
    int fd = udp_server(&port);
    close(fd);
    return port;
}

typedef struct UdpWait {
    int fd;
    char buf[256];
    ssize_t len;
    struct sockaddr_in from;
} UdpWait;

static void udp_poll(void *opaque)
{
    UdpWait *w = opaque;
    if (w->len <= 0) {
        socklen_t fl = sizeof(w->from);
        w->len = recvfrom(w->fd, w->buf, sizeof(w->buf) - 1, 0,
                          (struct sockaddr *)&w->from, &fl);
    }
}

static bool never(GByteArray *f, void *opaque)
{
    return false;
}

static bool wait_host_datagram(Rig *r, UdpWait *w, int ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    w->len = -1;
    while (w->len <= 0 && g_get_monotonic_time() < end) {
        wait_frame(r, never, NULL, 10, udp_poll, w);
    }
    return w->len > 0;
}

static void guest_udp_to_host(Rig *r, uint16_t port, const char *msg)
{
    uint8_t f[200];
    size_t len = udp_frame(f, bcast_mac, r->guest_ip, 40000, r->gw_ip, port,
                           msg, strlen(msg));
    guest_send(r, f, len);
}

static void test_udp_to_host(void)
{
    Rig r;
    UdpWait w = {0};
    uint16_t port;
    if (!rig_init(&r, "")) {
        return;
    }
    CHECK(arp_gateway(&r));
    w.fd = udp_server(&port);
    CHECK(w.fd >= 0);
    /* 10.0.2.2 is the host's loopback. */
    guest_udp_to_host(&r, port, "hello host");
    CHECK(wait_host_datagram(&r, &w, 2000));
    if (w.len > 0) {
        w.buf[w.len] = '\0';
        CHECK_STR(w.buf, "hello host");
        /* ... and the answer comes back from 10.0.2.2:port. */
        sendto(w.fd, "hello guest", 11, 0, (struct sockaddr *)&w.from,
               sizeof(w.from));
        GByteArray *f = wait_frame(&r, is_udp_to, (void *)(uintptr_t)40000,
                                   2000, NULL, NULL);
        CHECK(f);
        if (f) {
            size_t len;
            const uint8_t *udp = as_udp(f, 40000, &len);
            CHECK_EQ(get32(f->data + 14 + 12), r.gw_ip);
            CHECK_EQ(get16(udp), port);
            CHECK(len == 11 && !memcmp(udp + 8, "hello guest", 11));
            g_byte_array_unref(f);
        }
    }
    close(w.fd);
    rig_cleanup(&r);
}

static void test_restrict_blocks(void)
{
    Rig r;
    UdpWait w = {0};
    uint16_t port;
    if (!rig_init(&r, "restrict=on")) {
        return;
    }
    CHECK(arp_gateway(&r));
    w.fd = udp_server(&port);
    guest_udp_to_host(&r, port, "let me out");
    CHECK(!wait_host_datagram(&r, &w, 300));
    close(w.fd);
    CHECK_STR(r.user->info_str, "net=10.0.2.0,restrict=on");
    rig_cleanup(&r);
}

/* The host sends to the forwarded port; the guest sees it at guestport. */
static bool hostfwd_udp_delivers(Rig *r, uint16_t hport, uint16_t gport)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(hport)};
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    bool ok = false;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sendto(fd, "forwarded", 9, 0, (struct sockaddr *)&a, sizeof(a));
    GByteArray *f =
        wait_frame(r, is_udp_to, (void *)(uintptr_t)gport, 1000, NULL, NULL);
    if (f) {
        size_t len;
        const uint8_t *udp = as_udp(f, gport, &len);
        ok = get32(f->data + 14 + 16) == r->guest_ip && len == 9 &&
             !memcmp(udp + 8, "forwarded", 9) && !memcmp(f->data, guest_mac, 6);
        g_byte_array_unref(f);
    }
    close(fd);
    return ok;
}

/* A rig with hostfwd=udp from a free host port (*hport) to guest port
 * 5555, past the ARP exchange; false if it could not be made. */
static bool rig_init_udp_fwd(Rig *r, uint16_t *hport)
{
    char opts[64];
    *hport = free_udp_port();
    snprintf(opts, sizeof(opts), "hostfwd=udp:127.0.0.1:%u-:5555", *hport);
    if (!rig_init(r, opts)) {
        return false;
    }
    CHECK(arp_gateway(r));
    return true;
}

static void test_hostfwd_udp(void)
{
    Rig r;
    uint16_t hport;
    if (!rig_init_udp_fwd(&r, &hport)) {
        return;
    }
    CHECK(hostfwd_udp_delivers(&r, hport, 5555));
    rig_cleanup(&r);
}

/*
 * With a socket open (a hostfwd's), an idle main loop sleeps in poll: each
 * iteration waits for its timeout.  glib used to be woken by our own
 * source (its polls changed at every prepare, and blocking it around
 * dispatch removed and re-added them), so the loop spun at tens of
 * thousands of iterations a second.  300 ms of 50 ms iterations are 6
 * iterations; allow a few slirp timers more.
 */
static void test_idle_loop_sleeps(void)
{
    Rig r;
    uint16_t hport;
    if (!rig_init_udp_fwd(&r, &hport)) {
        return;
    }
    for (int i = 0; i < 5; i++) {
        main_loop_iterate(0); /* settle: first polls, the ARP exchange */
    }
    int n = 0;
    gint64 end = g_get_monotonic_time() + 300 * 1000;
    while (g_get_monotonic_time() < end) {
        main_loop_iterate(50);
        n++;
    }
    if (n > 40) {
        test_fail(__FILE__, __LINE__,
                  "%d main-loop iterations in 300 ms: the loop spins", n);
    }
    /* The socket is still served. */
    CHECK(hostfwd_udp_delivers(&r, hport, 5555));
    rig_cleanup(&r);
}

static void test_monitor_hostfwd(void)
{
    Rig r;
    uint16_t hport = free_udp_port();
    char line[128], *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    if (!rig_init(&r, "")) {
        fclose(f);
        free(out);
        return;
    }
    CHECK(arp_gateway(&r));
    CHECK(!hostfwd_udp_delivers(&r, hport, 6000));
    snprintf(line, sizeof(line), "hostfwd_add u0 udp::%u-:6000", hport);
    CHECK_EQ(monitor_execute_line(NULL, line, f), 0);
    CHECK(hostfwd_udp_delivers(&r, hport, 6000));
    /* The same host port again: refused. */
    snprintf(line, sizeof(line), "hostfwd_add udp::%u-:6001", hport);
    CHECK_EQ(monitor_execute_line(NULL, line, f), -1);
    snprintf(line, sizeof(line), "hostfwd_remove udp::%u", hport);
    CHECK_EQ(monitor_execute_line(NULL, line, f), 0);
    CHECK(!hostfwd_udp_delivers(&r, hport, 6000));
    CHECK_EQ(monitor_execute_line(NULL, line, f), -1);
    CHECK_EQ(monitor_execute_line(NULL, "hostfwd_add nic0 udp::1-:2", f), -1);
    CHECK_EQ(monitor_execute_line(NULL, "hostfwd_add nope udp::1-:2", f), -1);
    CHECK_EQ(monitor_execute_line(NULL, "hostfwd_remove sctp::1", f), -1);
    CHECK_EQ(monitor_execute_line(NULL, "hostfwd_add udp::1-:0", f), -1);
    fclose(f);
    char *expect = g_strdup_printf(
        "Could not set up host forwarding rule 'udp::%u-:6001': Address "
        "already in use\n"
        "host forwarding rule for udp::%u removed\n"
        "host forwarding rule for udp::%u not found\n"
        "invalid device specified\n"
        "unrecognized netdev id 'nope'\n"
        "invalid format\n"
        "Invalid host forwarding rule 'udp::1-:0' (bad guest port)\n",
        hport, hport, hport);
    CHECK_STR(out, expect);
    g_free(expect);
    free(out);
    CHECK_STR(r.user->info_str, "net=10.0.2.0,restrict=off");
    rig_cleanup(&r);

    /* No user stack at all. */
    f = open_memstream(&out, &outlen);
    CHECK_EQ(monitor_execute_line(NULL, "hostfwd_add tcp::1-:2", f), -1);
    fclose(f);
    CHECK_STR(out, "user mode network stack not in use\n");
    free(out);
}

/* ---- DNS through the host's resolver ------------------------------------ */

static bool isolated; /* our own netns, resolv.conf -> 127.0.0.1 */

typedef struct FakeDns {
    int fd;
    int queries;
} FakeDns;

/* Answer every A query with 192.0.2.7. */
static void dns_serve(void *opaque)
{
    FakeDns *d = opaque;
    uint8_t q[512];
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    ssize_t n =
        recvfrom(d->fd, q, sizeof(q) - 16, 0, (struct sockaddr *)&from, &fl);
    if (n < 12) {
        return;
    }
    d->queries++;
    put16(q + 2, 0x8180);
    put16(q + 6, 1);
    static const uint8_t ans[] = {0xc0, 0x0c, 0, 1, 0,   1, 0, 0,
                                  0,    60,   0, 4, 192, 0, 2, 7};
    memcpy(q + n, ans, sizeof(ans));
    sendto(d->fd, q, n + sizeof(ans), 0, (struct sockaddr *)&from, fl);
}

static void test_dns(void)
{
    Rig r;
    FakeDns d = {-1, 0};
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(53)};
    uint8_t q[64], f[200];
    size_t ql = 12;

    if (!isolated) {
        printf("SKIP dns: needs root (its own netns and resolv.conf), "
               "so that no query leaves this host\n");
        return;
    }
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    d.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    CHECK(bind(d.fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    if (!rig_init(&r, "")) {
        close(d.fd);
        return;
    }
    CHECK(arp_gateway(&r));
    memset(q, 0, sizeof(q));
    put16(q, 0x1234);
    put16(q + 2, 0x0100);
    put16(q + 4, 1);
    static const char name[] = "\x08"
                               "emu-test\x07"
                               "example";
    memcpy(q + ql, name, sizeof(name)); /* with the root's 0 */
    ql += sizeof(name);
    put16(q + ql, 1); /* A */
    put16(q + ql + 2, 1);
    ql += 4;
    size_t len =
        udp_frame(f, bcast_mac, r.guest_ip, 41000, 0x0a000203, 53, q, ql);
    guest_send(&r, f, len);
    GByteArray *rep = wait_frame(&r, is_udp_to, (void *)(uintptr_t)41000, 3000,
                                 dns_serve, &d);
    CHECK_EQ(d.queries, 1);
    CHECK(rep);
    if (rep) {
        size_t n;
        const uint8_t *udp = as_udp(rep, 41000, &n);
        CHECK_EQ(get32(rep->data + 14 + 12), 0x0a000203); /* from dns= */
        CHECK_EQ(get16(udp), 53);
        CHECK(n == ql + 16);
        CHECK_EQ(get16(udp + 8), 0x1234);
        CHECK_EQ(get16(udp + 8 + 6), 1); /* one answer */
        CHECK_EQ(get32(udp + 8 + n - 4), 0xc0000207);
        g_byte_array_unref(rep);
    }
    rig_cleanup(&r);
    close(d.fd);
}

/* ---- TCP: guestfwd --------------------------------------------------------
 */

static size_t tcp_frame(uint8_t *f, uint32_t src, uint16_t sport, uint32_t dst,
                        uint16_t dport, uint32_t seq, uint32_t ack,
                        uint8_t flags, const void *data, size_t len)
{
    size_t off = ip_frame(f, bcast_mac, 6, src, dst, 20 + len);
    uint8_t *t = f + off, pseudo[12];
    memset(t, 0, 20);
    put16(t, sport);
    put16(t + 2, dport);
    put32(t + 4, seq);
    put32(t + 8, ack);
    t[12] = 5 << 4;
    t[13] = flags;
    put16(t + 14, 65535);
    if (len) {
        memcpy(t + 20, data, len);
    }
    put32(pseudo, src);
    put32(pseudo + 4, dst);
    put16(pseudo + 8, 6);
    put16(pseudo + 10, 20 + len);
    put16(t + 16, csum_fold(csum_add(csum_add(0, pseudo, 12), t, 20 + len)));
    return off + 20 + len;
}

enum { TH_FIN = 1, TH_SYN = 2, TH_PSH = 8, TH_ACK = 16 };

static bool is_tcp_to_40001(GByteArray *f, void *opaque)
{
    const uint8_t *ip = as_ipv4(f, 6);
    return ip && get16(ip + 20 + 2) == 40001;
}

/* Connect from the guest to server:port, send msg and FIN, collect what
 * comes back until the peer's FIN (or ms pass). */
static char *guest_tcp_exchange(Rig *r, uint32_t server, uint16_t port,
                                const char *msg, int ms)
{
    uint8_t f[400];
    uint32_t seq = 1000, rseq;
    GString *got = g_string_new(NULL);
    bool fin = false;
    size_t len =
        tcp_frame(f, r->guest_ip, 40001, server, port, seq, 0, TH_SYN, NULL, 0);
    guest_send(r, f, len);
    GByteArray *synack = wait_frame(r, is_tcp_to_40001, NULL, 2000, NULL, NULL);
    if (!synack) {
        return g_string_free(got, true);
    }
    const uint8_t *t = synack->data + 14 + 20;
    if ((t[13] & (TH_SYN | TH_ACK)) != (TH_SYN | TH_ACK)) {
        g_byte_array_unref(synack);
        return g_string_free(got, true);
    }
    rseq = get32(t + 4) + 1;
    g_byte_array_unref(synack);
    seq++;
    len = tcp_frame(f, r->guest_ip, 40001, server, port, seq, rseq,
                    TH_ACK | TH_PSH, msg, strlen(msg));
    guest_send(r, f, len);
    seq += strlen(msg);
    len = tcp_frame(f, r->guest_ip, 40001, server, port, seq, rseq,
                    TH_ACK | TH_FIN, NULL, 0);
    guest_send(r, f, len);
    seq++;
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    while (!fin && g_get_monotonic_time() < end) {
        GByteArray *seg = wait_frame(r, is_tcp_to_40001, NULL, 50, NULL, NULL);
        if (!seg) {
            continue;
        }
        const uint8_t *ip = seg->data + 14;
        t = ip + 20;
        size_t hl = (t[12] >> 4) * 4;
        size_t dl = get16(ip + 2) - 20 - hl;
        if (get32(t + 4) == rseq && dl) {
            g_string_append_len(got, (const char *)t + hl, dl);
            rseq += dl;
        }
        if ((t[13] & TH_FIN) && get32(t + 4) + dl == rseq) {
            fin = true;
            rseq++;
        }
        g_byte_array_unref(seg);
        len = tcp_frame(f, r->guest_ip, 40001, server, port, seq, rseq, TH_ACK,
                        NULL, 0);
        guest_send(r, f, len);
    }
    return g_string_free(got, false);
}

static void test_guestfwd_cmd(void)
{
    Rig r;
    if (!rig_init(&r, "guestfwd=tcp:10.0.2.100:1234-cmd:sh -c 'read l; "
                      "echo got-$l'")) {
        return;
    }
    CHECK(arp_gateway(&r));
    char *got = guest_tcp_exchange(&r, 0x0a000264, 1234, "hello\n", 3000);
    CHECK_STR(got, "got-hello\n");
    g_free(got);
    rig_cleanup(&r);
}

static void test_guestfwd_chardev(void)
{
    Rig r;
    char path[] = "/tmp/emu-guestfwd.XXXXXX";
    int fd = mkstemp(path);
    char *opts = g_strdup_printf("guestfwd=tcp::4321-file:%s", path);
    close(fd);
    if (rig_init(&r, opts)) {
        CHECK(arp_gateway(&r));
        /* The default server address is 10.0.2.4. */
        g_free(guest_tcp_exchange(&r, 0x0a000204, 4321, "to the file\n", 500));
        char *data = NULL;
        g_file_get_contents(path, &data, NULL, NULL);
        CHECK_STR(data, "to the file\n");
        g_free(data);
        rig_cleanup(&r);
    }
    g_free(opts);
    unlink(path);
}

/* ---- Bad options ------------------------------------------------------------
 */

static void bad(const char *opts, const char *msg)
{
    Error *err = NULL;
    CHECK_EQ(user_new(opts, NULL, &err), -1);
    CHECK_STR(err ? error_get_pretty(err) : NULL, msg);
    error_free(err);
    CHECK(net_client_find("u0") == NULL);
}

static void test_bad_options(void)
{
    bad("net=10.0.2.0/33", "net=: bad netmask '33' (a prefix length 0-32 "
                           "or a contiguous dotted mask such as "
                           "255.255.255.0)");
    bad("net=10.0.2.0/255.0.255.0",
        "net=: bad netmask '255.0.255.0' (a prefix length 0-32 or a "
        "contiguous dotted mask such as 255.255.255.0)");
    bad("net=10.0.2.1/24",
        "net=: 10.0.2.1 has host bits set (the network is 10.0.2.0/24)");
    bad("net=10.0.2.0/30", "net=: a /30 network is too small (at most /29)");
    bad("net=10.0.2", "net=: '10.0.2' is not an IPv4 address");
    bad("host=192.168.0.2",
        "host=192.168.0.2 is outside the network 10.0.2.0/24 (net=)");
    bad("dns=10.0.2.255",
        "dns=10.0.2.255 is the network's broadcast address, not a host "
        "address");
    bad("dhcpstart=10.0.2.2", "dhcpstart= must differ from host= and dns= "
                              "(the guest would be given the gateway's "
                              "address)");
    bad("restrict=maybe",
        "parameter 'restrict' expects 'on' or 'off', not 'maybe'");
    bad("smb=/tmp", "smb= is not supported by emu's user networking (share "
                    "files with hostfwd= or guestfwd= instead)");
    bad("hostfwd=sctp::1-:2",
        "Invalid host forwarding rule 'sctp::1-:2' (bad protocol name (tcp or "
        "udp))");
    bad("hostfwd=tcp::2222:22",
        "Invalid host forwarding rule 'tcp::2222:22' (missing '-' between "
        "the host and the guest side)");
    bad("hostfwd=tcp:1.2.3:2222-:22",
        "Invalid host forwarding rule 'tcp:1.2.3:2222-:22' (bad host "
        "address)");
    bad("hostfwd=tcp::70000-:22",
        "Invalid host forwarding rule 'tcp::70000-:22' (bad host port)");
    bad("guestfwd=udp:10.0.2.100:53-cmd:true",
        "Invalid guest forwarding rule 'udp:10.0.2.100:53-cmd:true' (only tcp "
        "is supported)");
    bad("guestfwd=tcp:10.0.2.2:80-cmd:true",
        "Conflicting/invalid host:port in guest forwarding rule "
        "'tcp:10.0.2.2:80-cmd:true' (the server address must be in net=, "
        "not host= or dns=, and not already forwarded)");
    bad("guestfwd=tcp::4321-bogus:x",
        "guestfwd.tcp.4321: unknown chardev spec 'bogus:x'");
    bad("guestfwd=tcp::4321-cmd:", "Invalid guest forwarding rule "
                                   "'tcp::4321-cmd:' (nothing to forward to "
                                   "(cmd:COMMAND or a chardev))");
    bad("hostname=x,frobnicate=1", "invalid parameter 'frobnicate'");
}

/*
 * Without ping sockets (ping_group_range excludes our group, as the
 * default "1 0" of a new network namespace does) and without CAP_NET_RAW,
 * the user is told once why the guest's ping cannot work: at its first
 * ping that needs a host socket, not before, not for the gateway, not
 * again.  Run as nobody in a child, first (the check is once per process).
 */
static void test_ping_warning(void)
{
    int p[2];
    pid_t pid;
    char buf[1024];
    size_t n = 0;
    ssize_t k;

    if (!isolated) {
        printf("SKIP ping warning: needs root (to become nobody in a fresh "
               "netns)\n");
        return;
    }
    CHECK(pipe(p) == 0);
    pid = fork();
    if (pid == 0) {
        dup2(p[1], 2);
        if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0) {
            _exit(2);
        }
        Rig r;
        uint8_t icmp[40];
        if (!rig_init(&r, "")) {
            _exit(3);
        }
        fputs("started\n", stderr);
        send_echo(&r, r.gw_ip, icmp);
        fputs("gateway\n", stderr);
        send_echo(&r, 0xc0000201, icmp); /* 192.0.2.1 */
        send_echo(&r, 0xc0000201, icmp);
        rig_cleanup(&r);
        _exit(0);
    }
    close(p[1]);
    while (n < sizeof(buf) - 1 &&
           (k = read(p[0], buf + n, sizeof(buf) - 1 - n)) > 0) {
        n += k;
    }
    buf[n] = '\0';
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_STR(buf, "started\ngateway\n"
                   "emu: warning: user networking: ping from the guest needs "
                   "net.ipv4.ping_group_range to include gid 65534 (sysctl -w "
                   "net.ipv4.ping_group_range='0 65534'); TCP and UDP work "
                   "without\n");
}

/* ---- Isolation ---------------------------------------------------------- */

static void isolate(void)
{
    char path[] = "/tmp/emu-resolv.XXXXXX";
    struct ifreq ifr;
    int fd;

    if (unshare(CLONE_NEWNS | CLONE_NEWNET) < 0) {
        return;
    }
    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP;
        ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    close(fd);
    fd = mkstemp(path);
    if (fd < 0) {
        return;
    }
    if (write(fd, "nameserver 127.0.0.1\n", 21) == 21 &&
        mount(path, "/etc/resolv.conf", NULL, MS_BIND, NULL) == 0) {
        isolated = true;
    }
    close(fd);
    unlink(path);
}

int main(int argc, char **argv)
{
    isolate();
    test_init(argc, argv);
    main_loop_init();
    bql_lock();
    TEST_RUN(test_ping_warning);
    TEST_RUN(test_idle_loop_sleeps);
    TEST_RUN(test_bad_options);
    TEST_RUN(test_arp);
    TEST_RUN(test_dhcp_default);
    TEST_RUN(test_dhcp_custom);
    TEST_RUN(test_dhcp_restrict);
    TEST_RUN(test_dhcp_domain);
    TEST_RUN(test_tftp);
    TEST_RUN(test_icmp_gateway);
    TEST_RUN(test_udp_to_host);
    TEST_RUN(test_restrict_blocks);
    TEST_RUN(test_hostfwd_udp);
    TEST_RUN(test_monitor_hostfwd);
    TEST_RUN(test_dns);
    TEST_RUN(test_guestfwd_cmd);
    TEST_RUN(test_guestfwd_chardev);
    return test_finish();
}
