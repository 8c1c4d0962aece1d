/*
 * User networking's port forwarding, in QEMU's syntax and words:
 *
 *   hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport
 *       a host socket (hostaddr default: any, port 0: any free one)
 *       whose connections or datagrams go to the guest (guestaddr
 *       default: the first DHCP address, 10.0.2.15);
 *   guestfwd=[tcp]:[server]:port-cmd:COMMAND
 *       a guest connection to server:port (default server 10.0.2.4) runs
 *       COMMAND (through libslirp: one per connection) on its stdin/stdout;
 *   guestfwd=[tcp]:[server]:port-CHARDEV
 *       ... or goes to a chardev of -serial's syntax (tcp:host:port,
 *       unix:path, file:...), opened once at start-up.
 *
 * and the monitor's hostfwd_add / hostfwd_remove.
 */
#include "net/slirp-int.h"

#ifdef CONFIG_SLIRP /* without libslirp, net/slirp.c refuses "user" */

#include "emu/chardev.h"
#include "emu/monitor.h"

#include <arpa/inet.h>

struct SlirpGuestFwd {
    SlirpState *s;
    Chardev *chr;
    struct in_addr server;
    int port;
    SlirpGuestFwd *next;
};

/*
 * Cut *p at the first sep: the part before it (a new string) goes to
 * *out and *p moves past sep.  false (nothing changed) without sep.
 */
static bool take_until(const char **p, char sep, char **out)
{
    const char *e = strchr(*p, sep);
    if (!e) {
        return false;
    }
    *out = g_strndup(*p, e - *p);
    *p = e + 1;
    return true;
}

static bool parse_port(const char *s, int min, int *port)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < min || v > 65535) {
        return false;
    }
    *port = (int)v;
    return true;
}

/* "" (any/default) or a dotted IPv4 address. */
static bool parse_addr(const char *s, struct in_addr *a)
{
    if (!*s) {
        a->s_addr = INADDR_ANY;
        return true;
    }
    return inet_pton(AF_INET, s, a) == 1;
}

/* "tcp", "udp" or "" (tcp); udp refused where only tcp is allowed. */
static bool parse_proto(const char *s, bool udp_ok, bool *is_udp)
{
    *is_udp = false;
    if (!*s || !strcmp(s, "tcp")) {
        return true;
    }
    if (udp_ok && !strcmp(s, "udp")) {
        *is_udp = true;
        return true;
    }
    return false;
}

/* The "[tcp|udp]:[hostaddr]:hostport" head that both hostfwd commands
 * take; rest points after it.  NULL, or the reason it is wrong. */
static const char *parse_host_side(const char *rule, bool *is_udp,
                                   struct in_addr *haddr, int *hport,
                                   const char **rest, char hport_sep)
{
    const char *p = rule, *why = NULL;
    char *proto = NULL, *addr = NULL, *port = NULL;

    if (!take_until(&p, ':', &proto)) {
        why = "missing ':' after the protocol";
    } else if (!parse_proto(proto, true, is_udp)) {
        why = "bad protocol name (tcp or udp)";
    } else if (!take_until(&p, ':', &addr)) {
        why = "missing ':' after the host address";
    } else if (!parse_addr(addr, haddr)) {
        why = "bad host address";
    } else if (hport_sep && !take_until(&p, hport_sep, &port)) {
        why = "missing '-' between the host and the guest side";
    } else if (!parse_port(hport_sep ? port : p, 0, hport)) {
        why = "bad host port";
    }
    *rest = p;
    g_free(proto);
    g_free(addr);
    g_free(port);
    return why;
}

int slirp_hostfwd_add(SlirpState *s, const char *rule, Error **errp)
{
    struct in_addr haddr, gaddr = {INADDR_ANY};
    int hport, gport = 0;
    bool is_udp;
    const char *p, *why;
    char *addr = NULL;

    why = parse_host_side(rule, &is_udp, &haddr, &hport, &p, '-');
    if (!why) {
        if (!take_until(&p, ':', &addr)) {
            why = "missing ':' before the guest port";
        } else if (!parse_addr(addr, &gaddr)) {
            why = "bad guest address";
        } else if (!parse_port(p, 1, &gport)) {
            why = "bad guest port";
        }
        g_free(addr);
    }
    if (why) {
        error_setg(errp, "Invalid host forwarding rule '%s' (%s)", rule, why);
        return -1;
    }
    /* libslirp sends a forward without a guest address to dhcpstart. */
    errno = 0;
    if (slirp_add_hostfwd(s->slirp, is_udp, haddr, hport, gaddr, gport) < 0) {
        int e = errno;
        error_setg(errp, "Could not set up host forwarding rule '%s'%s%s", rule,
                   e ? ": " : "", e ? strerror(e) : "");
        return -1;
    }
    return 0;
}

/* ---- guestfwd to a chardev ------------------------------------------------
 */

static ssize_t guestfwd_write(const void *buf, size_t len, void *opaque)
{
    SlirpGuestFwd *f = opaque;
    return chr_write_all(f->chr, buf, (int)len);
}

static int guestfwd_can_receive(void *opaque)
{
    SlirpGuestFwd *f = opaque;
    return (int)slirp_socket_can_recv(f->s->slirp, f->server, f->port);
}

static void guestfwd_receive(void *opaque, const uint8_t *buf, int size)
{
    SlirpGuestFwd *f = opaque;
    slirp_socket_recv(f->s->slirp, f->server, f->port, buf, size);
}

void slirp_guestfwd_accept_input(SlirpState *s)
{
    for (SlirpGuestFwd *f = s->guestfwds; f; f = f->next) {
        chr_accept_input(f->chr);
    }
}

void slirp_guestfwd_cleanup(SlirpState *s)
{
    while (s->guestfwds) {
        SlirpGuestFwd *f = s->guestfwds;
        s->guestfwds = f->next;
        /* The chardev stays (chardev_cleanup_all frees it) but no longer
         * calls into a stack that is going away. */
        chr_set_frontend(f->chr, NULL, NULL, NULL, NULL);
        g_free(f);
    }
}

int slirp_guestfwd_add(SlirpState *s, const char *rule, Error **errp)
{
    const char *p = rule, *why = NULL;
    char *proto = NULL, *addr = NULL, *port = NULL;
    struct in_addr server = {INADDR_ANY};
    bool is_udp;
    int gport = 0;

    if (!take_until(&p, ':', &proto)) {
        why = "missing ':' after the protocol";
    } else if (!parse_proto(proto, false, &is_udp)) {
        why = "only tcp is supported";
    } else if (!take_until(&p, ':', &addr)) {
        why = "missing ':' after the server address";
    } else if (!parse_addr(addr, &server)) {
        why = "bad server address";
    } else if (!take_until(&p, '-', &port)) {
        why = "missing '-' before the command or chardev";
    } else if (!parse_port(port, 1, &gport)) {
        why = "bad server port";
    } else if (!*p || !strcmp(p, "cmd:")) {
        why = "nothing to forward to (cmd:COMMAND or a chardev)";
    }
    g_free(proto);
    g_free(addr);
    g_free(port);
    if (why) {
        error_setg(errp, "Invalid guest forwarding rule '%s' (%s)", rule, why);
        return -1;
    }

    /* libslirp refuses (without saying why) an address outside the
     * network, the host's or the DNS server's, or a pair already taken. */
    if (g_str_has_prefix(p, "cmd:")) {
        if (slirp_add_exec(s->slirp, p + 4, &server, gport) < 0) {
            goto conflict;
        }
        return 0;
    }

    /* The rule first, so that a refused address opens no chardev. */
    SlirpGuestFwd *f = g_new0(SlirpGuestFwd, 1);
    f->s = s;
    f->port = gport;
    if (slirp_add_guestfwd(s->slirp, guestfwd_write, f, &server, gport) < 0) {
        g_free(f);
        goto conflict;
    }
    f->server = server; /* slirp filled in the default */
    char label[32];
    snprintf(label, sizeof(label), "guestfwd.tcp.%d", gport);
    f->chr = chardev_new_spec(label, p, errp);
    if (!f->chr) {
        slirp_remove_guestfwd(s->slirp, server, gport);
        g_free(f);
        return -1;
    }
    f->next = s->guestfwds;
    s->guestfwds = f;
    chr_set_frontend(f->chr, guestfwd_can_receive, guestfwd_receive, NULL, f);
    return 0;

conflict:
    error_setg(errp,
               "Conflicting/invalid host:port in guest forwarding rule '%s' "
               "(the server address must be in net=, not host= or dns=, "
               "and not already forwarded)",
               rule);
    return -1;
}

/* ---- Monitor ------------------------------------------------------------ */

/*
 * [netdev_id] RULE: the stack named, or the first user stack.  NULL after
 * printing why.
 */
static SlirpState *slirp_lookup(FILE *out, const char *args, char **rule)
{
    gchar **a = g_strsplit_set(args, " \t", -1);
    gchar *w[3] = {NULL, NULL, NULL};
    int n = 0;
    SlirpState *s = NULL;

    for (int i = 0; a[i]; i++) {
        if (*a[i]) {
            if (n == 2) {
                fprintf(out, "too many arguments\n");
                goto out;
            }
            w[n++] = a[i];
        }
    }
    if (n == 0) {
        fprintf(out, "missing forwarding rule\n");
        goto out;
    }
    if (n == 2) {
        NetClientState *nc = net_client_find(w[0]);
        if (!nc) {
            fprintf(out, "unrecognized netdev id '%s'\n", w[0]);
            goto out;
        }
        if (!net_client_is_slirp(nc)) {
            fprintf(out, "invalid device specified\n");
            goto out;
        }
        s = (SlirpState *)nc;
    } else {
        for (NetClientState *nc = net_client_next(NULL); nc;
             nc = net_client_next(nc)) {
            if (net_client_is_slirp(nc)) {
                s = (SlirpState *)nc;
                break;
            }
        }
        if (!s) {
            fprintf(out, "user mode network stack not in use\n");
            goto out;
        }
    }
    *rule = g_strdup(w[n - 1]);
out:
    g_strfreev(a);
    return s;
}

static int cmd_hostfwd_add(FILE *out, const char *args)
{
    char *rule = NULL;
    SlirpState *s = slirp_lookup(out, args, &rule);
    Error *err = NULL;
    int ret = -1;

    if (!s) {
        return -1;
    }
    if (slirp_hostfwd_add(s, rule, &err) < 0) {
        fprintf(out, "%s\n", error_get_pretty(err));
        error_free(err);
    } else {
        ret = 0;
    }
    g_free(rule);
    return ret;
}

static int cmd_hostfwd_remove(FILE *out, const char *args)
{
    char *rule = NULL;
    const char *rest;
    SlirpState *s = slirp_lookup(out, args, &rule);
    struct in_addr haddr;
    bool is_udp;
    int hport, err = -1;

    if (!s) {
        return -1;
    }
    if (parse_host_side(rule, &is_udp, &haddr, &hport, &rest, '\0')) {
        fprintf(out, "invalid format\n");
    } else {
        err = slirp_remove_hostfwd(s->slirp, is_udp, haddr, hport);
        fprintf(out, "host forwarding rule for %s %s\n", rule,
                err ? "not found" : "removed");
    }
    g_free(rule);
    return err ? -1 : 0;
}

static void __attribute__((constructor)) slirp_monitor_register(void)
{
    monitor_register_command(
        "hostfwd_add",
        "[netdev_id] [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport",
        "redirect TCP or UDP connections from host to guest (requires -net "
        "user)",
        cmd_hostfwd_add);
    monitor_register_command(
        "hostfwd_remove", "[netdev_id] [tcp|udp]:[hostaddr]:hostport",
        "remove host-to-guest TCP or UDP redirection", cmd_hostfwd_remove);
}

#endif /* CONFIG_SLIRP */
