/*
 * The tap backend: frames between a host tap interface and the peer (a NIC
 * or a hub port), as QEMU's -netdev tap.
 *
 *   -netdev tap,id=n0[,ifname=NAME][,script=PATH|no][,downscript=PATH|no]
 *   -netdev tap,id=n0,fd=N          a tap fd the parent process opened
 *   -netdev tap,id=n0,br=BRIDGE[,helper=PATH]
 *                                   a tap on BRIDGE made by the setuid helper
 *
 * The data path.  The fd is non-blocking and watched on glib's default
 * context (the main loop's).  Readable: read frames and net_send_async()
 * them; when that returns 0 the peer is full (a NIC's ring), so we stop
 * watching the fd until the sent callback says the frame went through: the
 * kernel holds the rest (and drops beyond its txqueuelen, as a switch
 * would).  Receive: writev() to the fd; on EAGAIN return 0 (the layer queues
 * the frame and stops calling us), watch for writable, then
 * net_flush_queued() ourselves.
 */
#include "emu/common.h"
#include "net/net-int.h"
#include "net/tap-int.h"

#include <glib.h>
#include <glib-unix.h>

#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/if_tun.h>

/* Frames read per wake-up before the main loop serves others. */
#define TAP_READ_BURST 64

typedef struct TapState {
    NetClientState nc;
    int fd;
    char ifname[IFNAMSIZ];
    char *downscript; /* NULL: none */
    guint in_watch, out_watch;
    bool read_error_reported, write_error_reported;
    uint8_t buf[NET_MAX_FRAME];
} TapState;

static gboolean tap_readable(gint fd, GIOCondition cond, gpointer opaque);

static void tap_watch_in(TapState *s)
{
    if (!s->in_watch && s->fd >= 0) {
        s->in_watch = g_unix_fd_add(s->fd, G_IO_IN | G_IO_ERR | G_IO_HUP,
                                    tap_readable, s);
    }
}

/* The peer took the frame we were told to wait on: read again. */
static void tap_send_done(NetClientState *nc, ssize_t ret)
{
    tap_watch_in((TapState *)nc);
}

static gboolean tap_readable(gint fd, GIOCondition cond, gpointer opaque)
{
    TapState *s = opaque;

    for (int i = 0; i < TAP_READ_BURST; i++) {
        ssize_t n = read(s->fd, s->buf, sizeof(s->buf));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return G_SOURCE_CONTINUE;
        }
        if (n <= 0) {
            /* EBADFD/EIO: the interface was deleted under us.  Stop
             * watching rather than spin on a dead fd. */
            if (!s->read_error_reported && n < 0 && errno == EBADFD) {
                warn_report("tap %s was deleted on the host; no more frames "
                            "from it",
                            s->ifname);
            } else if (!s->read_error_reported) {
                warn_report("tap %s: %s; no more frames from the host",
                            s->ifname,
                            n < 0 ? g_strerror(errno) : "end of file");
                s->read_error_reported = true;
            }
            s->in_watch = 0;
            return G_SOURCE_REMOVE;
        }
        if (net_send_async(&s->nc, s->buf, n, tap_send_done) == 0) {
            /* Queued at a full peer: wait for tap_send_done. */
            s->in_watch = 0;
            return G_SOURCE_REMOVE;
        }
    }
    return G_SOURCE_CONTINUE;
}

static gboolean tap_writable(gint fd, GIOCondition cond, gpointer opaque)
{
    TapState *s = opaque;
    s->out_watch = 0;
    net_flush_queued(&s->nc);
    return G_SOURCE_REMOVE;
}

static ssize_t tap_receive_iov(NetClientState *nc, const struct iovec *iov,
                               int iovcnt)
{
    TapState *s = (TapState *)nc;
    ssize_t n;

    if (s->out_watch) {
        return 0; /* still waiting for room: keep the order */
    }
    do {
        n = writev(s->fd, iov, iovcnt);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN) {
        s->out_watch = g_unix_fd_add(s->fd, G_IO_OUT, tap_writable, s);
        return 0;
    }
    if (n < 0 && (errno == EIO || errno == EBADFD)) {
        /* The host side is down (ip link set ... down, or never brought
         * up with script=no) or deleted (the reader says so): a frame on
         * a dead link is lost, as on hardware, and that is not worth a
         * warning (the layer counts it in dropped). */
        return -1;
    }
    if (n < 0) {
        if (!s->write_error_reported) {
            warn_report("tap %s: write: %s; frames to the host are dropped",
                        s->ifname, g_strerror(errno));
            s->write_error_reported = true;
        }
        return -1;
    }
    s->write_error_reported = false;
    return n;
}

/* set_link: the host sees the carrier go (ip link: NO-CARRIER), as with a
 * cable pulled out.  Only a real tap has one. */
static void tap_link_status_changed(NetClientState *nc)
{
    TapState *s = (TapState *)nc;
    int carrier = !nc->link_down;
    ioctl(s->fd, TUNSETCARRIER, &carrier);
}

static void tap_cleanup(NetClientState *nc)
{
    TapState *s = (TapState *)nc;
    Error *err = NULL;

    if (s->in_watch) {
        g_source_remove(s->in_watch);
        s->in_watch = 0;
    }
    if (s->out_watch) {
        g_source_remove(s->out_watch);
        s->out_watch = 0;
    }
    /* Before close: a non-persistent tap vanishes with its last fd, and
     * the script may want to take it off a bridge first. */
    if (s->downscript &&
        tap_run_script("downscript", s->downscript, s->ifname, &err) < 0) {
        warn_report("%s", error_get_pretty(err));
        error_free(err);
    }
    g_free(s->downscript);
    s->downscript = NULL;
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

static const NetClientInfo tap_info = {
    .type = "tap",
    .size = sizeof(TapState),
    .receive_iov = tap_receive_iov,
    .link_status_changed = tap_link_status_changed,
    .cleanup = tap_cleanup,
};

NetClientState *tap_client_new(int fd, NetClientState *peer, const char *model,
                               const char *name, const char *ifname,
                               const char *downscript)
{
    NetClientState *nc = net_client_new(&tap_info, peer, model, name);
    TapState *s = (TapState *)nc;
    s->fd = fd;
    snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
    s->downscript = g_strdup(downscript);
    snprintf(nc->info_str, sizeof(nc->info_str), "fd=%d", fd);
    tap_watch_in(s);
    return nc;
}

/* ---- Options ------------------------------------------------------------ */

/* QEMU options emu knows but cannot honour: refused, not ignored. */
static int tap_refuse_unsupported(KeyValOpts *opts, Error **errp)
{
    static const char *const never[] = {"fds", "vhostfd", "vhostfds",
                                        "poll-us"};
    for (size_t i = 0; i < ARRAY_SIZE(never); i++) {
        if (keyval_get(opts, never[i])) {
            error_setg(errp,
                       "%s= is not supported (emu's tap has one queue "
                       "and no vhost-net)",
                       never[i]);
            return -1;
        }
    }
    static const char *const off_only[] = {"vhost", "vhostforce", "vnet_hdr"};
    for (size_t i = 0; i < ARRAY_SIZE(off_only); i++) {
        bool on = false;
        if (keyval_get_bool(opts, off_only[i], &on, errp) < 0) {
            return -1;
        }
        if (on) {
            error_setg(errp, "%s=on is not supported (%s)", off_only[i],
                       i == 2 ? "emu's NICs take plain Ethernet frames"
                              : "emu has no vhost-net; leave it off");
            return -1;
        }
    }
    const char *q = keyval_get(opts, "queues");
    if (q && strcmp(q, "1")) {
        error_setg(errp,
                   "queues=%s is not supported (emu's tap has one "
                   "queue)",
                   q);
        return -1;
    }
    return 0;
}

/* script=/downscript=: NULL for none ("no", "", or the default file
 * absent), else the path, checked now so that a bad downscript is known
 * at start and not at exit. */
static int tap_script_opt(const char *what, const char *val, const char *def,
                          char **out, Error **errp)
{
    *out = NULL;
    if (!val) {
        if (access(def, F_OK) < 0) {
            return 0;
        }
        val = def;
    }
    if (!val[0] || !strcmp(val, "no")) {
        return 0;
    }
    if (tap_check_script(what, val, errp) < 0) {
        return -1;
    }
    *out = g_strdup(val);
    return 0;
}

static int tap_fd_opt(const char *str, Error **errp)
{
    char *end;
    errno = 0;
    long v = strtol(str, &end, 10);
    if (!*str || *end || errno || v < 0 || v > INT32_MAX) {
        error_setg(errp, "fd=%s: want the number of an open tap fd", str);
        return -1;
    }
    return (int)v;
}

static int tap_sndbuf(int fd, const char *str, Error **errp)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(str, &end, 0);
    if (!*str || *end || errno || v == 0) {
        error_setg(errp, "sndbuf=%s: want a size in bytes", str);
        return -1;
    }
    int sz = v > INT32_MAX ? INT32_MAX : (int)v;
    if (ioctl(fd, TUNSETSNDBUF, &sz) < 0) {
        error_setg(errp, "sndbuf=%s: TUNSETSNDBUF: %s", str, g_strerror(errno));
        return -1;
    }
    return 0;
}

static int tap_init(KeyValOpts *opts, const char *name, NetClientState *peer,
                    Error **errp)
{
    const char *ifname = keyval_get(opts, "ifname");
    const char *script_opt = keyval_get(opts, "script");
    const char *downscript_opt = keyval_get(opts, "downscript");
    const char *fd_opt = keyval_get(opts, "fd");
    const char *br = keyval_get(opts, "br");
    const char *helper = keyval_get(opts, "helper");
    const char *sndbuf = keyval_get(opts, "sndbuf");
    char *script = NULL, *downscript = NULL;
    char got[IFNAMSIZ];
    int fd = -1;

    if (tap_refuse_unsupported(opts, errp) < 0) {
        return -1;
    }
    /* The front end would refuse a stray key after init; say it first, so
     * that a mistyped option runs no ifup script and makes no tap. */
    const char *extra = keyval_unused(opts);
    if (extra) {
        error_setg(errp, "invalid parameter '%s' for tap", extra);
        return -1;
    }
    if (fd_opt && (ifname || script_opt || downscript_opt || br || helper)) {
        error_setg(errp, "fd= cannot be combined with ifname=, script=, "
                         "downscript=, br= or helper= (the fd is the tap)");
        return -1;
    }
    if ((br || helper) && (ifname || script_opt || downscript_opt)) {
        error_setg(errp, "br=/helper= cannot be combined with ifname=, "
                         "script= or downscript= (the helper makes the tap)");
        return -1;
    }

    if (fd_opt) {
        fd = tap_fd_opt(fd_opt, errp);
        if (fd < 0 || tap_check_fd(fd, "fd=", got, errp) < 0) {
            return -1;
        }
    } else if (br || helper) {
        const char *h = helper ? helper : TAP_DEFAULT_HELPER;
        const char *b = br ? br : TAP_DEFAULT_BRIDGE;
        fd = tap_run_bridge_helper(h, b, errp);
        if (fd < 0) {
            return -1;
        }
        if (tap_check_fd(fd, "bridge helper", got, errp) < 0) {
            close(fd);
            return -1;
        }
    } else {
        if (tap_script_opt("script", script_opt, TAP_DEFAULT_SCRIPT, &script,
                           errp) < 0 ||
            tap_script_opt("downscript", downscript_opt, TAP_DEFAULT_DOWNSCRIPT,
                           &downscript, errp) < 0) {
            goto fail;
        }
        fd = tap_open(ifname ? ifname : "", got, errp);
        if (fd < 0) {
            goto fail;
        }
        if (script && tap_run_script("script", script, got, errp) < 0) {
            goto fail;
        }
    }
    if (sndbuf && tap_sndbuf(fd, sndbuf, errp) < 0) {
        goto fail;
    }

    NetClientState *nc = tap_client_new(fd, peer, "tap", name, got, downscript);
    if (fd_opt) {
        snprintf(nc->info_str, sizeof(nc->info_str), "fd=%d", fd);
    } else if (br || helper) {
        snprintf(nc->info_str, sizeof(nc->info_str), "helper=%s,br=%s",
                 helper ? helper : TAP_DEFAULT_HELPER,
                 br ? br : TAP_DEFAULT_BRIDGE);
    } else {
        snprintf(nc->info_str, sizeof(nc->info_str),
                 "ifname=%s,script=%s,downscript=%s", got,
                 script ? script : "no", downscript ? downscript : "no");
    }
    g_free(script);
    g_free(downscript);
    return 0;

fail:
    /* A tap we created goes away with its fd (it is not persistent). */
    if (fd >= 0 && !fd_opt) {
        close(fd);
    }
    g_free(script);
    g_free(downscript);
    return -1;
}

/* -netdev bridge,br=BRIDGE[,helper=PATH]: QEMU's name for a tap made by
 * the bridge helper. */
static int bridge_init(KeyValOpts *opts, const char *name, NetClientState *peer,
                       Error **errp)
{
    const char *br = keyval_get(opts, "br");
    const char *helper = keyval_get(opts, "helper");
    const char *extra = keyval_unused(opts);
    char got[IFNAMSIZ];

    if (extra) {
        error_setg(errp, "invalid parameter '%s' for bridge", extra);
        return -1;
    }
    br = br ? br : TAP_DEFAULT_BRIDGE;
    helper = helper ? helper : TAP_DEFAULT_HELPER;
    int fd = tap_run_bridge_helper(helper, br, errp);
    if (fd < 0) {
        return -1;
    }
    if (tap_check_fd(fd, "bridge helper", got, errp) < 0) {
        close(fd);
        return -1;
    }
    NetClientState *nc = tap_client_new(fd, peer, "bridge", name, got, NULL);
    snprintf(nc->info_str, sizeof(nc->info_str), "helper=%s,br=%s", helper, br);
    return 0;
}

static const NetBackend bridge_backend = {
    .type = "bridge",
    .help = "a tap on a host bridge, made by QEMU's bridge helper (br=, "
            "helper=)",
    .init = bridge_init,
    .netdev_ok = true,
    .legacy_ok = true,
};
NET_BACKEND_REGISTER(bridge_backend)

static const NetBackend tap_backend = {
    .type = "tap",
    .help = "a host tap interface (ifname=, script=, downscript=, fd=, br=, "
            "helper=)",
    .init = tap_init,
    .netdev_ok = true,
    .legacy_ok = true,
};
NET_BACKEND_REGISTER(tap_backend)
