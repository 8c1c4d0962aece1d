/*
 * User networking: the "user" backend on libslirp (Debian's libslirp 4.7).
 * libslirp is a TCP/IP stack of its own: it answers the guest's ARP, DHCP,
 * DNS (forwarded to the host's resolver) and TFTP, and turns the guest's
 * TCP/UDP/ICMP flows into host sockets, so no privileges are needed.
 *
 * The glue, following libslirp.h's callback contract:
 * - frames from the guest (our receive()) go to slirp_input();
 * - frames slirp makes (send_packet) go to the peer with net_send().
 *   slirp cannot be paused, so they wait in the peer's queue (up to
 *   NET_QUEUE_MAX_FRAMES) while the NIC's ring is full; TCP windows keep
 *   that small and TCP retransmits the rare drop.
 * - slirp's sockets are polled by a GSource of ours on glib's default
 *   context, which the main loop runs: prepare() asks slirp which fds and
 *   events it wants (slirp_pollfds_fill), dispatch() hands it the results
 *   (slirp_pollfds_poll), once per main-loop iteration, as QEMU does.
 * - time: CLOCK_VIRTUAL, as QEMU (its virtual clock).  slirp's clock only
 *   drives its guest-side TCP timers (retransmit, delayed ACK, keepalive)
 *   and DHCP/ARP bookkeeping: while the VM is paused the guest cannot
 *   answer, so those timers must not run out and reset its connections.
 *   The host side keeps flowing while paused: the fds are polled whatever
 *   the clock, and the kernel's TCP windows hold back host peers once
 *   slirp's buffers are full.
 */
#include "net/slirp-int.h"

#ifdef CONFIG_SLIRP

#include "emu/log.h"
#include "emu/main-loop.h"
#include "emu/timer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static NetClientInfo net_slirp_info;

bool net_client_is_slirp(const NetClientState *nc)
{
    return nc->info == &net_slirp_info;
}

/* ---- libslirp's callbacks -------------------------------------------- */

static ssize_t slirp_cb_send_packet(const void *buf, size_t len, void *opaque)
{
    SlirpState *s = opaque;
    /* net_send never blocks: it delivers, queues or (queue full, link
     * down) drops, and slirp's TCP retransmits what was dropped. */
    net_send(&s->nc, buf, len);
    return len;
}

static void slirp_cb_guest_error(const char *msg, void *opaque)
{
    SlirpState *s = opaque;
    log_mask(LOG_GUEST_ERROR, "%s: %s\n", s->nc.name, msg);
}

static int64_t slirp_cb_clock_get_ns(void *opaque)
{
    return clock_get_ns(CLOCK_VIRTUAL);
}

typedef struct SlirpTimer {
    Timer timer;
    SlirpTimerCb cb;
    void *cb_opaque;
} SlirpTimer;

static void slirp_timer_fire(void *opaque)
{
    SlirpTimer *t = opaque;
    t->cb(t->cb_opaque);
}

static void *slirp_cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    SlirpTimer *t = g_new0(SlirpTimer, 1);
    t->cb = cb;
    t->cb_opaque = cb_opaque;
    timer_init_ns(&t->timer, CLOCK_VIRTUAL, slirp_timer_fire, t);
    return t;
}

static void slirp_cb_timer_free(void *timer, void *opaque)
{
    SlirpTimer *t = timer;
    timer_del(&t->timer);
    g_free(t);
}

/* expire is in milliseconds of the clock slirp_cb_clock_get_ns gives. */
static void slirp_cb_timer_mod(void *timer, int64_t expire, void *opaque)
{
    SlirpTimer *t = timer;
    timer_mod_ns(&t->timer, expire * 1000000);
}

/* The GSource asks slirp for its fds every iteration: nothing to keep. */
static void slirp_cb_register_poll_fd(int fd, void *opaque) {}

static void slirp_cb_unregister_poll_fd(int fd, void *opaque) {}

/* A guestfwd socket drained: slirp wants to be asked about its fds again
 * (the main loop may be asleep on the old set). */
static void slirp_cb_notify(void *opaque)
{
    slirp_guestfwd_accept_input(opaque);
    main_loop_wakeup();
}

static const SlirpCb slirp_callbacks = {
    .send_packet = slirp_cb_send_packet,
    .guest_error = slirp_cb_guest_error,
    .clock_get_ns = slirp_cb_clock_get_ns,
    .timer_new = slirp_cb_timer_new,
    .timer_free = slirp_cb_timer_free,
    .timer_mod = slirp_cb_timer_mod,
    .register_poll_fd = slirp_cb_register_poll_fd,
    .unregister_poll_fd = slirp_cb_unregister_poll_fd,
    .notify = slirp_cb_notify,
};

/* ---- The poll source ---------------------------------------------------- */

typedef struct SlirpSource {
    GSource source;
    SlirpState *s;
} SlirpSource;

static int slirp_add_poll(int fd, int events, void *opaque)
{
    SlirpState *s = opaque;
    GPollFD pfd = {.fd = fd};

    if (events & SLIRP_POLL_IN) {
        pfd.events |= G_IO_IN;
    }
    if (events & SLIRP_POLL_OUT) {
        pfd.events |= G_IO_OUT;
    }
    if (events & SLIRP_POLL_PRI) {
        pfd.events |= G_IO_PRI;
    }
    if (events & SLIRP_POLL_ERR) {
        pfd.events |= G_IO_ERR;
    }
    if (events & SLIRP_POLL_HUP) {
        pfd.events |= G_IO_HUP;
    }
    g_array_append_val(s->wanted, pfd);
    return s->wanted->len - 1;
}

static int slirp_get_revents(int idx, void *opaque)
{
    SlirpState *s = opaque;
    int ev = 0;

    if (idx < 0 || (guint)idx >= s->pollfds->len) {
        return 0;
    }
    gushort r = g_array_index(s->pollfds, GPollFD, idx).revents;
    if (r & G_IO_IN) {
        ev |= SLIRP_POLL_IN;
    }
    if (r & G_IO_OUT) {
        ev |= SLIRP_POLL_OUT;
    }
    if (r & G_IO_PRI) {
        ev |= SLIRP_POLL_PRI;
    }
    if (r & G_IO_ERR) {
        ev |= SLIRP_POLL_ERR;
    }
    if (r & G_IO_HUP) {
        ev |= SLIRP_POLL_HUP;
    }
    if (r & G_IO_NVAL) {
        ev |= SLIRP_POLL_ERR;
    }
    return ev;
}

static void slirp_source_drop_polls(SlirpState *s)
{
    for (guint i = 0; i < s->pollfds->len; i++) {
        g_source_remove_poll(s->source, &g_array_index(s->pollfds, GPollFD, i));
    }
    g_array_set_size(s->pollfds, 0);
}

/*
 * Runs before every poll of the main loop: slirp says which fds it wants
 * now (a UDP flow's socket appears, a TCP socket starts or stops wanting
 * POLLOUT).  glib wakes its context up whenever a source adds or removes
 * a poll, so changing them at every iteration would make the main loop
 * spin while any socket is open.  The polls change only when the set of
 * fds does; new events on the same fds are written in place, which glib
 * reads when it builds the poll array (g_main_context_query).
 */
static gboolean slirp_source_prepare(GSource *source, gint *timeout)
{
    SlirpState *s = ((SlirpSource *)source)->s;
    uint32_t t = UINT32_MAX;

    g_array_set_size(s->wanted, 0);
    slirp_pollfds_fill(s->slirp, &t, slirp_add_poll, s);
    bool same = s->wanted->len == s->pollfds->len;
    for (guint i = 0; same && i < s->wanted->len; i++) {
        same = g_array_index(s->wanted, GPollFD, i).fd ==
               g_array_index(s->pollfds, GPollFD, i).fd;
    }
    if (same) {
        for (guint i = 0; i < s->wanted->len; i++) {
            GPollFD *p = &g_array_index(s->pollfds, GPollFD, i);
            p->events = g_array_index(s->wanted, GPollFD, i).events;
            p->revents = 0;
        }
    } else {
        slirp_source_drop_polls(s);
        GArray *old = s->pollfds;
        s->pollfds = s->wanted;
        s->wanted = old;
        for (guint i = 0; i < s->pollfds->len; i++) {
            g_source_add_poll(source, &g_array_index(s->pollfds, GPollFD, i));
        }
    }
    /* slirp's timeout is for its TCP timers, on the virtual clock: while
     * the VM is paused they cannot expire, so do not wake up for them. */
    *timeout = (t == UINT32_MAX || !clock_vm_running()) ? -1 : (gint)t;
    return FALSE;
}

static gboolean slirp_source_check(GSource *source)
{
    /* slirp_pollfds_poll also runs the TCP timers: call it every
     * iteration, as QEMU's main loop does. */
    return TRUE;
}

static gboolean slirp_source_dispatch(GSource *source, GSourceFunc cb,
                                      gpointer data)
{
    SlirpState *s = ((SlirpSource *)source)->s;

    slirp_pollfds_poll(s->slirp, 0, slirp_get_revents, s);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs slirp_source_funcs = {
    .prepare = slirp_source_prepare,
    .check = slirp_source_check,
    .dispatch = slirp_source_dispatch,
};

/* ---- The client ---------------------------------------------------------- */

static void slirp_check_ping(void);

/*
 * An IPv4 echo request that libslirp will send out through a host socket
 * (not one to its own addresses, which it answers itself).
 */
static bool is_forwarded_ping(SlirpState *s, const uint8_t *buf, size_t len)
{
    const uint8_t *ip = buf + 14;
    struct in_addr dst;

    if (s->restricted || len < 14 + 20 + 8 || buf[12] != 0x08 ||
        buf[13] != 0x00 || (ip[0] >> 4) != 4 || ip[9] != IPPROTO_ICMP) {
        return false;
    }
    size_t ihl = (ip[0] & 0x0f) * 4;
    if (ihl < 20 || len < 14 + ihl + 1 || ip[ihl] != 8 /* echo */) {
        return false;
    }
    memcpy(&dst, ip + 16, 4);
    return dst.s_addr != s->vhost.s_addr && dst.s_addr != s->vnameserver.s_addr;
}

static ssize_t net_slirp_receive(NetClientState *nc, const uint8_t *buf,
                                 size_t len)
{
    SlirpState *s = (SlirpState *)nc;

    if (len > INT32_MAX) {
        return -1;
    }
    if (is_forwarded_ping(s, buf, len)) {
        slirp_check_ping();
    }
    slirp_input(s->slirp, buf, (int)len);
    /* The frame may have opened a host socket (a new UDP or ICMP flow)
     * that the main loop, asleep in poll, does not watch yet. */
    main_loop_wakeup();
    return len;
}

static void net_slirp_cleanup(NetClientState *nc)
{
    SlirpState *s = (SlirpState *)nc;

    slirp_guestfwd_cleanup(s);
    if (s->source) {
        slirp_source_drop_polls(s);
        g_source_destroy(s->source);
        g_source_unref(s->source);
        s->source = NULL;
    }
    if (s->slirp) {
        slirp_cleanup(s->slirp);
        s->slirp = NULL;
    }
    if (s->wanted) {
        g_array_free(s->wanted, true);
        s->wanted = NULL;
    }
    if (s->pollfds) {
        g_array_free(s->pollfds, true);
        s->pollfds = NULL;
    }
}

static NetClientInfo net_slirp_info = {
    .type = "user",
    .size = sizeof(SlirpState),
    .receive = net_slirp_receive,
    .cleanup = net_slirp_cleanup,
};

/*
 * libslirp forwards the guest's ping through an unprivileged ICMP socket
 * (SOCK_DGRAM, IPPROTO_ICMP), which Linux allows only to the groups in
 * net.ipv4.ping_group_range, or through a raw socket (CAP_NET_RAW).  At
 * the guest's first ping that needs one, try both as slirp will and say
 * once why ping cannot work if neither opens.  (Not at start-up: user
 * networking is the default, and a guest that never pings should not
 * bring a warning to every start.)
 */
static void slirp_check_ping(void)
{
    static bool checked;
    int fd;

    if (checked) {
        return;
    }
    checked = true;
    fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    if (fd < 0) {
        fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    }
    if (fd >= 0) {
        close(fd);
        return;
    }
    unsigned gid = (unsigned)getgid();
    warn_report("user networking: ping from the guest needs "
                "net.ipv4.ping_group_range to include gid %u (sysctl -w "
                "net.ipv4.ping_group_range='0 %u'); TCP and UDP work without",
                gid, gid);
}

static void format_info(SlirpState *s, const SlirpConfig *cfg)
{
    char net[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &cfg->vnetwork, net, sizeof(net));
    /* What QEMU's "info network" prints for a user stack. */
    snprintf(s->nc.info_str, sizeof(s->nc.info_str), "net=%s,restrict=%s", net,
             cfg->restricted ? "on" : "off");
}

static int net_slirp_init(KeyValOpts *opts, const char *name,
                          NetClientState *peer, Error **errp)
{
    SlirpOptions o;
    SlirpState *s;
    int ret = -1;

    if (slirp_parse_options(opts, &o, errp) < 0) {
        g_strfreev(o.dnssearch);
        return -1;
    }
    s = (SlirpState *)net_client_new(&net_slirp_info, peer, "user", name);
    s->pollfds = g_array_new(false, true, sizeof(GPollFD));
    s->wanted = g_array_new(false, true, sizeof(GPollFD));
    s->slirp = slirp_new(&o.cfg, &slirp_callbacks, s);
    if (!s->slirp) {
        error_setg(errp, "libslirp refused the configuration");
        goto fail;
    }
    format_info(s, &o.cfg);
    s->vhost = o.cfg.vhost;
    s->vnameserver = o.cfg.vnameserver;
    s->restricted = o.cfg.restricted;

    for (int i = 0; i < opts->n; i++) {
        KeyValPair *p = &opts->pairs[i];
        if (!strcmp(p->key, "hostfwd")) {
            p->used = true;
            if (slirp_hostfwd_add(s, p->value, errp) < 0) {
                goto fail;
            }
        } else if (!strcmp(p->key, "guestfwd")) {
            p->used = true;
            if (slirp_guestfwd_add(s, p->value, errp) < 0) {
                goto fail;
            }
        }
    }

    SlirpSource *src =
        (SlirpSource *)g_source_new(&slirp_source_funcs, sizeof(SlirpSource));
    src->s = s;
    s->source = &src->source;
    /* Below idle priority: the source is ready every iteration (check),
     * and glib never dispatches sources of lower priority than a ready
     * one.  At the default priority an idle chardev watch was starved, and
     * its readiness made every poll return at once: the main loop spun at
     * a million iterations a second under the default -net user. */
    g_source_set_priority(s->source, G_PRIORITY_DEFAULT_IDLE + 1);
    /* glib "blocks" a source that cannot recurse for the length of its
     * dispatch: it removes the source's polls and adds them back, and each
     * change wakes the context, so the next poll returned at once.  This
     * source is dispatched every iteration: the main loop spun while any
     * slirp socket was open (half a core during a transfer, fighting the
     * vCPU for the global lock).  dispatch() never runs the main loop, so
     * recursion is not a concern. */
    g_source_set_can_recurse(s->source, TRUE);
    g_source_attach(s->source, NULL);
    ret = 0;
    goto out;
fail:
    net_client_free(&s->nc);
out:
    g_strfreev(o.dnssearch);
    return ret;
}

static const NetBackend net_slirp_backend = {
    .type = "user",
    .help = "user mode network stack (libslirp): DHCP, DNS, NAT, hostfwd",
    .init = net_slirp_init,
    .netdev_ok = true,
    .legacy_ok = true,
};
NET_BACKEND_REGISTER(net_slirp_backend)

#else /* !CONFIG_SLIRP */

/* Built without libslirp: "user" is still a known type, so that the user
 * is told what is missing rather than "unknown type". */
static int net_slirp_init(KeyValOpts *opts, const char *name,
                          NetClientState *peer, Error **errp)
{
    error_setg(errp, "user networking needs libslirp, which this emu was "
                     "built without (apt-get install libslirp-dev, then "
                     "./configure and make)");
    return -1;
}

static const NetBackend net_slirp_backend = {
    .type = "user",
    .help = "user mode network stack (not built: needs libslirp-dev)",
    .init = net_slirp_init,
    .netdev_ok = true,
    .legacy_ok = true,
};
NET_BACKEND_REGISTER(net_slirp_backend)

#endif /* CONFIG_SLIRP */
