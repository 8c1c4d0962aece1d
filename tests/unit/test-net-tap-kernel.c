/*
 * The tap backend against the kernel: a real tap in a network namespace
 * of the test's own, frames exchanged with the host's IP stack through
 * the net layer.
 *
 * The process moves itself into a new network and mount namespace
 * (unshare), so every tap, bridge and address it makes dies with it, even
 * when it crashes: nothing to clean up on the host.  A fresh sysfs is
 * mounted (privately) so that /sys/class/net shows this namespace, as
 * `ip netns exec` arranges, and a tmpfs of its own holds the scripts.  A fake
 * NIC (net_client_new with is_nic) peered to the backend sends an ARP request
 * and ICMP echo requests and checks the kernel's answers arrive through
 * receive(); with the NIC full the backend must stop reading until
 * net_flush_queued(). Also: ifup and ifdown scripts (a failing one's message),
 * a busy tap, and the bridge helper protocol with a fake helper (this program
 * run as
 * "--fake-bridge-helper") and with QEMU's helper when installed.
 *
 * Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) and /dev/net/tun; says SKIP
 * and exits 77 otherwise.
 */
#include "tests/unit/harness.h"
#include "tests/unit/net-util.h"
#include "emu/main-loop.h"
#include "net/net-int.h"
#include "net/netdev.h"
#include "net/tap-int.h"

#include <glib.h>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_tun.h>

#define TAP_IP  "10.77.0.1"
#define NIC_IP  0x0a4d0002u /* 10.77.0.2 */
#define HOST_IP 0x0a4d0001u /* 10.77.0.1 */

static const uint8_t nic_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static char *tmpdir;
static char *self_exe;

/* ---- A fake NIC that speaks just enough ARP and ICMP ------------------- */

typedef struct Nic {
    NetClientState nc;
    bool full;
    int arp_replies;
    uint8_t host_mac[6]; /* from the ARP reply */
    int echo_replies;
    uint16_t echo_seq[16];
    bool echo_ok; /* every reply matched its request */
    int frames;
} Nic;

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

/* The Internet checksum (RFC 1071); 0 over data that carries a valid one. */
static uint16_t csum(const uint8_t *p, size_t len)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < len; i += 2) {
        s += get16(p + i);
    }
    if (len & 1) {
        s += p[len - 1] << 8;
    }
    while (s >> 16) {
        s = (s & 0xffff) + (s >> 16);
    }
    return (uint16_t)~s;
}

static size_t arp_frame(uint8_t *f, uint16_t op, const uint8_t *dst_mac,
                        uint32_t target_ip)
{
    memset(f, 0, 60);
    memcpy(f, dst_mac, 6);
    memcpy(f + 6, nic_mac, 6);
    put16(f + 12, 0x0806);
    put16(f + 14, 1);      /* Ethernet */
    put16(f + 16, 0x0800); /* IPv4 */
    f[18] = 6;
    f[19] = 4;
    put16(f + 20, op);
    memcpy(f + 22, nic_mac, 6);
    put32(f + 28, NIC_IP);
    if (op == 2) {
        memcpy(f + 32, dst_mac, 6);
    }
    put32(f + 38, target_ip);
    return 60;
}

#define PAYLOAD 56
static void payload(uint8_t *p, uint16_t seq)
{
    for (int i = 0; i < PAYLOAD; i++) {
        p[i] = (uint8_t)(i * 7 + seq);
    }
}

static size_t echo_frame(uint8_t *f, const uint8_t *dst_mac, uint16_t seq)
{
    uint8_t *ip = f + 14, *icmp = ip + 20;
    memcpy(f, dst_mac, 6);
    memcpy(f + 6, nic_mac, 6);
    put16(f + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, 20 + 8 + PAYLOAD);
    put16(ip + 4, seq);
    ip[8] = 64;
    ip[9] = 1; /* ICMP */
    put32(ip + 12, NIC_IP);
    put32(ip + 16, HOST_IP);
    put16(ip + 10, csum(ip, 20));
    icmp[0] = 8;
    icmp[1] = 0;
    put16(icmp + 2, 0);
    put16(icmp + 4, 0x1234);
    put16(icmp + 6, seq);
    payload(icmp + 8, seq);
    put16(icmp + 2, csum(icmp, 8 + PAYLOAD));
    return 14 + 20 + 8 + PAYLOAD;
}

static void nic_check_echo_reply(Nic *n, const uint8_t *f, size_t len)
{
    const uint8_t *ip = f + 14, *icmp = ip + 20;
    uint8_t want[PAYLOAD];
    if (len < 14 + 20 + 8 + PAYLOAD || ip[0] != 0x45 || ip[9] != 1 ||
        icmp[0] != 0) {
        return;
    }
    uint16_t seq = get16(icmp + 6);
    payload(want, seq);
    bool ok = !memcmp(f, nic_mac, 6) && !memcmp(f + 6, n->host_mac, 6) &&
              get32(ip + 12) == HOST_IP && get32(ip + 16) == NIC_IP &&
              csum(ip, 20) == 0 && csum(icmp, 8 + PAYLOAD) == 0 &&
              get16(icmp + 4) == 0x1234 && !memcmp(icmp + 8, want, PAYLOAD);
    n->echo_ok &= ok;
    if (n->echo_replies < (int)ARRAY_SIZE(n->echo_seq)) {
        n->echo_seq[n->echo_replies] = seq;
    }
    n->echo_replies++;
}

static ssize_t nic_receive(NetClientState *nc, const uint8_t *f, size_t len)
{
    Nic *n = (Nic *)nc;
    n->frames++;
    if (len >= 42 && get16(f + 12) == 0x0806 && get16(f + 20) == 2 &&
        get32(f + 28) == HOST_IP && !memcmp(f + 32, nic_mac, 6) &&
        get32(f + 38) == NIC_IP) {
        memcpy(n->host_mac, f + 22, 6);
        n->arp_replies++;
    } else if (len >= 42 && get16(f + 12) == 0x0806 && get16(f + 20) == 1 &&
               get32(f + 38) == NIC_IP) {
        /* The kernel asks (or re-checks) who we are: answer. */
        uint8_t r[60];
        arp_frame(r, 2, f + 22, get32(f + 28));
        net_send(nc, r, 60);
    } else if (len >= 14 && get16(f + 12) == 0x0800) {
        nic_check_echo_reply(n, f, len);
    }
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

/* ---- Helpers ---------------------------------------------------------- */

/* Run the main loop until cond holds; false after ~10 s (a failure
 * guard: normally it holds within a few iterations). */
#define LOOP_UNTIL(cond)                               \
    ({                                                 \
        for (int i_ = 0; i_ < 1000 && !(cond); i_++) { \
            main_loop_iterate(10);                     \
        }                                              \
        (cond);                                        \
    })

static int sh(const char *fmt, ...) EMU_PRINTF(1, 2);
static int sh(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    int st = system(cmd);
    if (st != 0) {
        printf("  (command failed, status %d: %s)\n", st, cmd);
    }
    g_free(cmd);
    return st;
}

static char *write_script(const char *name, const char *body)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    char *text = g_strdup_printf("#!/bin/sh\n%s\n", body);
    CHECK(g_file_set_contents(path, text, -1, NULL));
    chmod(path, 0755);
    g_free(text);
    return path;
}

/* The fd this process holds attached to ifname (the driver's fdinfo). */
static int fd_of_tap(const char *ifname)
{
    char want[64];
    snprintf(want, sizeof(want), "iff:\t%s\n", ifname);
    DIR *d = opendir("/proc/self/fdinfo");
    struct dirent *e;
    int found = -1;
    while (d && found < 0 && (e = readdir(d))) {
        char path[300], line[128];
        snprintf(path, sizeof(path), "/proc/self/fdinfo/%s", e->d_name);
        FILE *f = fopen(path, "r");
        while (f && fgets(line, sizeof(line), f)) {
            if (!strcmp(line, want)) {
                found = atoi(e->d_name);
            }
        }
        if (f) {
            fclose(f);
        }
    }
    if (d) {
        closedir(d);
    }
    return found;
}

static bool readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* The namespace's count of ICMP echo replies sent (/proc/net/snmp). */
static long out_echo_reps(void)
{
    char hdr[1024], val[1024];
    long r = -1;
    FILE *f = fopen("/proc/self/net/snmp", "r");
    while (f && fgets(hdr, sizeof(hdr), f) && fgets(val, sizeof(val), f)) {
        if (strncmp(hdr, "Icmp:", 5)) {
            continue;
        }
        char *hs, *vs;
        char *h = strtok_r(hdr, " \n", &hs), *v = strtok_r(val, " \n", &vs);
        while (h && v) {
            if (!strcmp(h, "OutEchoReps")) {
                r = atol(v);
            }
            h = strtok_r(NULL, " \n", &hs);
            v = strtok_r(NULL, " \n", &vs);
        }
    }
    if (f) {
        fclose(f);
    }
    return r;
}

/* ---- Tests -------------------------------------------------------------- */

/* ARP and ping with the kernel; the ifup script configured the tap, the
 * ifdown script runs when the backend goes; then back-pressure. */
static void test_arp_ping_backpressure(void)
{
    Error *err = NULL;
    uint8_t f[200];
    char *up = write_script("ifup", "ip addr add " TAP_IP
                                    "/24 dev \"$1\" && ip link set \"$1\" up");
    char *downlog = g_build_filename(tmpdir, "down.log", NULL);
    char *body = g_strdup_printf("echo \"down $1\" > %s", downlog);
    char *down = write_script("ifdown", body);
    char *opts = g_strdup_printf("tap,id=k0,ifname=emutap0,script=%s,"
                                 "downscript=%s",
                                 up, down);
    char *info =
        g_strdup_printf("ifname=emutap0,script=%s,downscript=%s", up, down);

    CHECK(net_netdev_add(opts, &err) == 0);
    if (err) {
        printf("  %s\n", error_get_pretty(err));
        error_free(err);
        goto out;
    }
    NetClientState *tap = net_client_find("k0");
    CHECK_STR(tap->info_str, info);
    CHECK_STR(tap->model, "tap");
    Nic *nic = (Nic *)net_client_new(&nic_info, tap, "nic", "knic");
    nic->echo_ok = true;

    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    arp_frame(f, 1, bcast, HOST_IP);
    CHECK_EQ(net_send(&nic->nc, f, 60), 60);
    CHECK(LOOP_UNTIL(nic->arp_replies >= 1));

    size_t len = echo_frame(f, nic->host_mac, 1);
    CHECK_EQ(net_send(&nic->nc, f, len), len);
    CHECK(LOOP_UNTIL(nic->echo_replies >= 1));
    CHECK_EQ(nic->echo_seq[0], 1);
    CHECK(nic->echo_ok);

    /* Back-pressure: the NIC is full while the kernel answers three. */
    int fd = fd_of_tap("emutap0");
    CHECK(fd >= 0);
    long reps = out_echo_reps();
    nic->full = true;
    for (uint16_t seq = 10; seq < 13; seq++) {
        len = echo_frame(f, nic->host_mac, seq);
        CHECK_EQ(net_send(&nic->nc, f, len), len);
    }
    CHECK(LOOP_UNTIL(out_echo_reps() >= reps + 3 &&
                     net_queue_length(&nic->nc) == 1));
    for (int i = 0; i < 20; i++) {
        main_loop_iterate(10);
    }
    /* One reply read and queued at the NIC, the rest still in the tap:
     * a backend that read on would have queued them all. */
    CHECK_EQ(net_queue_length(&nic->nc), 1);
    CHECK_EQ(nic->echo_replies, 1);
    CHECK(readable(fd));
    nic->full = false;
    net_flush_queued(&nic->nc);
    CHECK(LOOP_UNTIL(nic->echo_replies >= 4));
    CHECK_EQ(nic->echo_replies, 4);
    CHECK_EQ(nic->echo_seq[1], 10);
    CHECK_EQ(nic->echo_seq[2], 11);
    CHECK_EQ(nic->echo_seq[3], 12);
    CHECK(nic->echo_ok);
    CHECK_EQ(nic->nc.dropped + tap->dropped, 0);

    /* set_link off: the host sees no carrier. */
    net_set_link(tap, false);
    CHECK(sh("ip link show emutap0 | grep -q NO-CARRIER") == 0);
    net_set_link(tap, true);
    CHECK(system("ip link show emutap0 | grep -q NO-CARRIER") != 0);

    /* The downscript runs (with the tap still there), then it goes. */
    net_client_free(tap);
    char *log = NULL;
    CHECK(g_file_get_contents(downlog, &log, NULL, NULL));
    CHECK_STR(log, "down emutap0\n");
    g_free(log);
    CHECK_EQ(if_nametoindex("emutap0"), 0);
    net_client_free(&nic->nc);
out:
    g_free(up);
    g_free(down);
    g_free(body);
    g_free(downlog);
    g_free(opts);
    g_free(info);
}

static void test_script_failure(void)
{
    char *fail =
        write_script("ifup-fail", "echo \"ifup: no bridge br9 for $1\"\n"
                                  "echo 'second line' >&2\nexit 3");
    char *opts = g_strdup_printf("tap,id=s0,ifname=emutapf,script=%s,"
                                 "downscript=no",
                                 fail);
    char *want = g_strdup_printf("script '%s emutapf' exited with status 3: "
                                 "output: ifup: no bridge br9 for emutapf / "
                                 "second line",
                                 fail);
    net_expect_error(net_netdev_add, opts, want);
    /* The tap we made went away with the failure. */
    CHECK_EQ(if_nametoindex("emutapf"), 0);
    CHECK(net_client_find("s0") == NULL);

    char *killed = write_script("ifup-kill", "kill -9 $$");
    g_free(opts);
    g_free(want);
    opts = g_strdup_printf("tap,id=s0,ifname=emutapf,script=%s", killed);
    want =
        g_strdup_printf("script '%s emutapf' was killed by signal 9", killed);
    net_expect_error(net_netdev_add, opts, want);
    g_free(fail);
    g_free(killed);
    g_free(opts);
    g_free(want);
}

/* A persistent single-queue tap opened twice; a name that is not a tap. */
static void test_busy_and_not_tap(void)
{
    Error *err = NULL;
    CHECK(sh("ip tuntap add dev emutapb mode tap") == 0);
    CHECK(net_netdev_add("tap,id=b0,ifname=emutapb,script=no,downscript=no",
                         &err) == 0);
    if (err) {
        printf("  %s\n", error_get_pretty(err));
        error_free(err);
        return;
    }
    net_expect_error(net_netdev_add,
                     "tap,id=b1,ifname=emutapb,script=no,downscript=no",
                     "tap 'emutapb' is busy: this emu has it open already");
    /* The tap is down (script=no): frames to it are lost quietly, as on a
     * dead link, and the NIC is not held up. */
    NetClientState *b0 = net_client_find("b0");
    Nic *nic = (Nic *)net_client_new(&nic_info, b0, "nic", "bnic");
    uint8_t f[60];
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    arp_frame(f, 1, bcast, HOST_IP);
    char *errlog = g_build_filename(tmpdir, "stderr", NULL);
    int saved = dup(2), logfd = open(errlog, O_CREAT | O_TRUNC | O_RDWR, 0600);
    fflush(stderr);
    dup2(logfd, 2);
    CHECK_EQ(net_send(&nic->nc, f, 60), 60);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    CHECK_EQ(lseek(logfd, 0, SEEK_END), 0); /* no warning */
    close(logfd);
    g_free(errlog);
    CHECK_EQ(b0->dropped, 1);
    CHECK(!b0->receive_disabled);
    CHECK_EQ(net_queue_length(b0), 0);
    net_client_free(&nic->nc);
    /* Another process holding it: named in the message. */
    net_client_free(net_client_find("b0"));
    CHECK(if_nametoindex("emutapb") != 0); /* persistent */
    int sv[2];
    CHECK(pipe(sv) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        char name[IFNAMSIZ];
        close(sv[0]);
        int fd = tap_open("emutapb", name, NULL);
        (void)!write(sv[1], fd >= 0 ? "y" : "n", 1);
        pause();
        _exit(0);
    }
    close(sv[1]);
    char c = 0;
    CHECK(read(sv[0], &c, 1) == 1 && c == 'y');
    close(sv[0]);
    char *want =
        g_strdup_printf("tap 'emutapb' is busy: process %ld (", (long)pid);
    net_expect_error(net_netdev_add,
                     "tap,id=b1,ifname=emutapb,script=no,downscript=no", want);
    g_free(want);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    sh("ip tuntap del dev emutapb mode tap");

    CHECK(sh("ip link add emunotap type bridge") == 0);
    net_expect_error(net_netdev_add,
                     "tap,id=d0,ifname=emunotap,script=no,downscript=no",
                     "'emunotap' exists and is not a tap device");
    CHECK(sh("ip tuntap add dev emutun0 mode tun") == 0);
    net_expect_error(net_netdev_add,
                     "tap,id=d0,ifname=emutun0,script=no,downscript=no",
                     "'emutun0' is a tun (layer 3) device");
    sh("ip link del emunotap; ip tuntap del dev emutun0 mode tun");
}

/* The tap deleted on the host while emu uses it: one warning, and the
 * backend stops watching the dead fd (or the loop would spin on it). */
static void test_deleted_under_us(void)
{
    Error *err = NULL;
    CHECK(net_netdev_add("tap,id=x0,ifname=emutapx,script=no,downscript=no",
                         &err) == 0);
    if (err) {
        error_free(err);
        return;
    }
    char *errlog = g_build_filename(tmpdir, "stderr-x", NULL);
    int saved = dup(2), logfd = open(errlog, O_CREAT | O_TRUNC | O_RDWR, 0600);
    fflush(stderr);
    dup2(logfd, 2);
    CHECK(sh("ip link del emutapx") == 0);
    for (int i = 0; i < 20; i++) {
        main_loop_iterate(10);
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(logfd);
    char *log = NULL;
    CHECK(g_file_get_contents(errlog, &log, NULL, NULL));
    CHECK_STR(log, "emu: warning: tap emutapx was deleted on the host; no "
                   "more frames from it\n");
    g_free(log);
    g_free(errlog);
    net_client_free(net_client_find("x0"));
}

/* fd=: a tap the "parent" opened. */
static void test_fd_option(void)
{
    char name[IFNAMSIZ];
    Error *err = NULL;
    int fd = tap_open("emutapfd", name, &err);
    CHECK(fd >= 0);
    if (fd < 0) {
        error_free(err);
        return;
    }
    char *o = g_strdup_printf("tap,id=f0,fd=%d", fd);
    CHECK(net_netdev_add(o, &err) == 0);
    NetClientState *nc = net_client_find("f0");
    CHECK(nc != NULL);
    if (nc) {
        char *want = g_strdup_printf("fd=%d", fd);
        CHECK_STR(nc->info_str, want);
        g_free(want);
        net_client_free(nc);
    }
    g_free(o);

    /* A tun (layer 3) fd is refused. */
    int tfd = open(TAP_TUN_PATH, O_RDWR);
    struct ifreq ifr = {.ifr_flags = IFF_TUN | IFF_NO_PI};
    snprintf(ifr.ifr_name, IFNAMSIZ, "emutunfd");
    CHECK(ioctl(tfd, TUNSETIFF, &ifr) == 0);
    o = g_strdup_printf("tap,id=f1,fd=%d", tfd);
    net_expect_error(net_netdev_add, o, "is a tun (layer 3) device 'emutunfd'");
    g_free(o);
    close(tfd);
    /* An unattached /dev/net/tun fd is not a tap yet. */
    tfd = open(TAP_TUN_PATH, O_RDWR);
    o = g_strdup_printf("tap,id=f1,fd=%d", tfd);
    net_expect_error(net_netdev_add, o, "is not an attached tap (TUNGETIFF");
    g_free(o);
    close(tfd);
}

/* The fake bridge helper: QEMU's protocol, a tap named emuhlpN added to
 * the bridge.  --br=deny fails as qemu-bridge-helper's ACL does;
 * --br=nofd exits 0 without sending anything. */
static int fake_bridge_helper(int argc, char **argv)
{
    int sock = -1;
    const char *br = NULL;
    for (int i = 2; i < argc; i++) {
        if (g_str_has_prefix(argv[i], "--fd=")) {
            sock = atoi(argv[i] + 5);
        } else if (g_str_has_prefix(argv[i], "--br=")) {
            br = argv[i] + 5;
        } else {
            fprintf(stderr, "fake helper: unexpected argument %s\n", argv[i]);
            return 2;
        }
    }
    if (sock < 0 || !br) {
        fprintf(stderr, "fake helper: want --fd= and --br=\n");
        return 2;
    }
    if (!strcmp(br, "deny")) {
        fprintf(stderr, "access denied by acl file\n");
        return 1;
    }
    if (!strcmp(br, "nofd")) {
        return 0;
    }
    char name[IFNAMSIZ];
    int fd = tap_open("emuhlp%d", name, NULL);
    if (fd < 0) {
        return 3;
    }
    char *cmd = g_strdup_printf("ip link set %s master %s && ip link set %s "
                                "up",
                                name, br, name);
    int st = system(cmd);
    g_free(cmd);
    if (st != 0) {
        return 4;
    }
    char byte = 0;
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = ctl.buf,
                         .msg_controllen = sizeof(ctl.buf)};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    if (sendmsg(sock, &msg, 0) != 1) {
        return 5;
    }
    printf("fake helper: %s on %s\n", name, br);
    return 0;
}

static void test_bridge_helper(void)
{
    Error *err = NULL;
    CHECK(sh("ip link add emubr0 type bridge && ip link set emubr0 up") == 0);
    char *helper = g_strdup_printf("%s --fake-bridge-helper", self_exe);
    char *o = g_strdup_printf("tap,id=h0,br=emubr0,helper=%s", helper);
    CHECK(net_netdev_add(o, &err) == 0);
    if (err) {
        printf("  %s\n", error_get_pretty(err));
        error_free(err);
        err = NULL;
    }
    NetClientState *nc = net_client_find("h0");
    if (nc) {
        char *info = g_strdup_printf("helper=%s,br=emubr0", helper);
        CHECK_STR(nc->info_str, info);
        g_free(info);
        CHECK(sh("ip -o link show master emubr0 | grep -q emuhlp0") == 0);
        net_client_free(nc);
        CHECK_EQ(if_nametoindex("emuhlp0"), 0);
    }
    g_free(o);

    o = g_strdup_printf("tap,id=h1,br=deny,helper=%s", helper);
    char *want = g_strdup_printf(
        "bridge helper '%s' for bridge 'deny' exited with status 1: output: "
        "access denied by acl file (allow the bridge in "
        "/etc/qemu/bridge.conf: 'allow deny')",
        helper);
    net_expect_error(net_netdev_add, o, want);
    g_free(o);
    g_free(want);
    /* QEMU's other spelling: -netdev bridge. */
    o = g_strdup_printf("bridge,id=h3,br=emubr0,helper=%s", helper);
    CHECK(net_netdev_add(o, &err) == 0);
    if (err) {
        printf("  %s\n", error_get_pretty(err));
        error_free(err);
        err = NULL;
    }
    nc = net_client_find("h3");
    if (nc) {
        char *info = g_strdup_printf("helper=%s,br=emubr0", helper);
        CHECK_STR(nc->info_str, info);
        CHECK_STR(nc->model, "bridge");
        g_free(info);
        CHECK(sh("ip -o link show master emubr0 | grep -q emuhlp0") == 0);
        net_client_free(nc);
    }
    g_free(o);
    net_expect_error(net_netdev_add, "bridge,id=h4,br=emubr0,ifname=x",
                     "invalid parameter 'ifname' for bridge");

    o = g_strdup_printf("tap,id=h1,br=nofd,helper=%s", helper);
    net_expect_error(net_netdev_add, o, "for bridge 'nofd' sent no tap fd");
    g_free(o);

    /* QEMU's own helper, when installed: it either makes the tap (its ACL
     * allows emubr0) or says why not, and we pass that on. */
    if (access(TAP_DEFAULT_HELPER, X_OK) == 0) {
        int r = net_netdev_add("tap,id=h2,br=emubr0", &err);
        if (r == 0) {
            printf("  %s made a tap on emubr0\n", TAP_DEFAULT_HELPER);
            CHECK(sh("ip -o link show master emubr0 | grep -q tap") == 0);
            net_client_free(net_client_find("h2"));
        } else {
            printf("  %s refused: %s\n", TAP_DEFAULT_HELPER,
                   error_get_pretty(err));
            CHECK(strstr(error_get_pretty(err),
                         "bridge helper '" TAP_DEFAULT_HELPER
                         "' for bridge 'emubr0' exited with status ") != NULL);
            error_free(err);
        }
    } else {
        printf("  %s not installed: QEMU's helper not tried\n",
               TAP_DEFAULT_HELPER);
    }
    sh("ip link del emubr0");
    g_free(helper);
}

static void skip(const char *why)
{
    printf("SKIP: %s\n", why);
    exit(77);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--fake-bridge-helper")) {
        return fake_bridge_helper(argc, argv);
    }
    if (geteuid() != 0) {
        skip("test-net-tap-kernel needs root (CAP_NET_ADMIN) to make taps");
    }
    if (access(TAP_TUN_PATH, R_OK | W_OK) < 0) {
        skip("no usable " TAP_TUN_PATH " (modprobe tun)");
    }
    char *ip = g_find_program_in_path("ip");
    if (!ip) {
        skip("no 'ip' command (apt install iproute2)");
    }
    g_free(ip);
    if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0) {
        printf("SKIP: cannot make a network namespace: %s\n",
               g_strerror(errno));
        return 77;
    }
    /* Our mounts stay ours; sysfs shows this namespace's interfaces; the
     * scripts' folder is a tmpfs of ours, so its contents go with us even
     * on a crash.  It is mounted on a folder of its own, not over /tmp,
     * where this very binary may live (a checkout in /tmp). */
    static char base[] = "/tmp/emu-tapk-XXXXXX";
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("sysfs", "/sys", "sysfs", 0, NULL) < 0 || !mkdtemp(base) ||
        mount("tmpfs", base, "tmpfs", 0, "mode=1777") < 0) {
        printf("SKIP: cannot mount sysfs or /tmp in the namespace: %s\n",
               g_strerror(errno));
        return 77;
    }
    /* No IPv6 chatter (router solicitations, MLD) on the test's taps. */
    FILE *f = fopen("/proc/sys/net/ipv6/conf/default/disable_ipv6", "w");
    if (f) {
        fputs("1\n", f);
        fclose(f);
    }
    self_exe = g_file_read_link("/proc/self/exe", NULL);
    setenv("TMPDIR", base, 1);
    tmpdir = g_strdup(base);

    test_init(argc, argv);
    main_loop_init();
    bql_lock();
    TEST_RUN(test_arp_ping_backpressure);
    TEST_RUN(test_script_failure);
    TEST_RUN(test_busy_and_not_tap);
    TEST_RUN(test_deleted_under_us);
    TEST_RUN(test_fd_option);
    TEST_RUN(test_bridge_helper);
    bql_unlock();

    int st = test_finish(); /* the taps go with the process */
    umount2(base, MNT_DETACH);
    rmdir(base);
    return st;
}
