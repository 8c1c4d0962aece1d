/*
 * -netdev user options -> libslirp's SlirpConfig, with QEMU's names and
 * defaults: net=10.0.2.0/24, host=10.0.2.2, dns=10.0.2.3,
 * dhcpstart=10.0.2.15; IPv6 fec0::/64 with host fec0::2 and dns fec0::3.
 *
 * Every address the guest is told about is checked here against the
 * network, so that a typo gives one clear line rather than a stack that
 * answers nothing (libslirp itself does not check them).
 */
#include "net/slirp-int.h"

#ifdef CONFIG_SLIRP /* without libslirp, net/slirp.c refuses "user" */

#include <arpa/inet.h>

static bool parse_in4(const char *s, struct in_addr *a)
{
    return inet_pton(AF_INET, s, a) == 1;
}

/* "24" or "255.255.255.0" (contiguous) -> mask; false if neither. */
static bool parse_mask(const char *s, struct in_addr *mask)
{
    char *end;
    struct in_addr m;

    if (strchr(s, '.')) {
        if (!parse_in4(s, &m)) {
            return false;
        }
        uint32_t h = ntohl(m.s_addr);
        /* Contiguous: the complement plus one is a power of two. */
        if (((~h + 1) & ~h) != 0) {
            return false;
        }
        *mask = m;
        return true;
    }
    errno = 0;
    long n = strtol(s, &end, 10);
    if (!*s || *end || errno || n < 0 || n > 32) {
        return false;
    }
    mask->s_addr = htonl(n == 0 ? 0 : 0xffffffffu << (32 - n));
    return true;
}

static int prefix_len(struct in_addr mask)
{
    return __builtin_popcount(ntohl(mask.s_addr));
}

/*
 * net=addr without /mask: the mask of the address's class, as QEMU (and
 * SLiRP before it) chooses: 10.x is /8, 172.16/12, 192.168/16 ...
 */
static struct in_addr classful_mask(struct in_addr net)
{
    uint32_t a = ntohl(net.s_addr), m;

    if (!(a & 0x80000000u)) {
        m = 0xff000000u; /* class A */
    } else if ((a & 0xfff00000u) == 0xac100000u) {
        m = 0xfff00000u; /* private 172.16.0.0/12 */
    } else if ((a & 0xc0000000u) == 0x80000000u) {
        m = 0xffff0000u; /* class B */
    } else if ((a & 0xffff0000u) == 0xc0a80000u) {
        m = 0xffff0000u; /* private 192.168.0.0/16 */
    } else if ((a & 0xe0000000u) == 0xc0000000u) {
        m = 0xffffff00u; /* class C */
    } else {
        m = 0xfffffff0u; /* classes D and E: a small network */
    }
    return (struct in_addr){htonl(m)};
}

static int parse_net(const char *val, struct in_addr *net, struct in_addr *mask,
                     Error **errp)
{
    char *addr = g_strdup(val);
    char *slash = strchr(addr, '/');
    int ret = -1;

    if (slash) {
        *slash = '\0';
    }
    if (!parse_in4(addr, net)) {
        error_setg(errp, "net=: '%s' is not an IPv4 address", addr);
        goto out;
    }
    if (slash) {
        if (!parse_mask(slash + 1, mask)) {
            error_setg(errp,
                       "net=: bad netmask '%s' (a prefix length 0-32 or a "
                       "contiguous dotted mask such as 255.255.255.0)",
                       slash + 1);
            goto out;
        }
    } else {
        *mask = classful_mask(*net);
    }
    if (prefix_len(*mask) > 29) {
        /* The guest, the host, the DNS server and DHCP need room. */
        error_setg(errp, "net=: a /%d network is too small (at most /29)",
                   prefix_len(*mask));
        goto out;
    }
    if (net->s_addr & ~mask->s_addr) {
        struct in_addr base = {net->s_addr & mask->s_addr};
        char b[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &base, b, sizeof(b));
        error_setg(errp, "net=: %s has host bits set (the network is %s/%d)",
                   addr, b, prefix_len(*mask));
        goto out;
    }
    ret = 0;
out:
    g_free(addr);
    return ret;
}

/*
 * An address of the virtual network: given (key=addr) or the default,
 * the network with host part def (host .2, dns .3, dhcpstart .15, as
 * QEMU computes them).  It must be a host address of the network.
 */
static int net_addr(KeyValOpts *opts, const char *key, uint32_t def,
                    struct in_addr net, struct in_addr mask,
                    struct in_addr *out, Error **errp)
{
    const char *v = keyval_get(opts, key);
    char n[INET_ADDRSTRLEN];

    if (!v) {
        out->s_addr = net.s_addr | (htonl(def) & ~mask.s_addr);
    } else if (!parse_in4(v, out)) {
        error_setg(errp, "%s=%s: not an IPv4 address", key, v);
        return -1;
    }
    inet_ntop(AF_INET, &net, n, sizeof(n));
    if ((out->s_addr & mask.s_addr) != net.s_addr) {
        char a[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, out, a, sizeof(a));
        error_setg(errp, "%s=%s is outside the network %s/%d (net=)", key, a, n,
                   prefix_len(mask));
        return -1;
    }
    uint32_t hostpart = ntohl(out->s_addr & ~mask.s_addr);
    if (hostpart == 0 || hostpart == ntohl(~mask.s_addr)) {
        error_setg(errp,
                   "%s=%s is the network's %s address, not a host address", key,
                   v ? v : "(default)", hostpart == 0 ? "base" : "broadcast");
        return -1;
    }
    return 0;
}

static int parse_ipv6(KeyValOpts *opts, SlirpConfig *cfg, Error **errp)
{
    const char *net6 = keyval_get(opts, "ipv6-net");
    const char *host6 = keyval_get(opts, "ipv6-host");
    const char *dns6 = keyval_get(opts, "ipv6-dns");

    inet_pton(AF_INET6, "fec0::", &cfg->vprefix_addr6);
    cfg->vprefix_len = 64;
    if (net6) {
        char *a = g_strdup(net6);
        char *slash = strchr(a, '/');
        char *end = NULL;
        long len = 64;
        if (slash) {
            *slash = '\0';
            len = strtol(slash + 1, &end, 10);
        }
        if (inet_pton(AF_INET6, a, &cfg->vprefix_addr6) != 1 ||
            (slash && (!slash[1] || *end || len < 0 || len > 126))) {
            error_setg(errp,
                       "ipv6-net=%s: expected an IPv6 prefix such as "
                       "fec0::/64",
                       net6);
            g_free(a);
            return -1;
        }
        g_free(a);
        cfg->vprefix_len = len;
    }
    /* Host ::2 and DNS ::3 of the prefix unless given. */
    cfg->vhost6 = cfg->vprefix_addr6;
    cfg->vhost6.s6_addr[15] |= 2;
    cfg->vnameserver6 = cfg->vprefix_addr6;
    cfg->vnameserver6.s6_addr[15] |= 3;
    if (host6 && inet_pton(AF_INET6, host6, &cfg->vhost6) != 1) {
        error_setg(errp, "ipv6-host=%s: not an IPv6 address", host6);
        return -1;
    }
    if (dns6 && inet_pton(AF_INET6, dns6, &cfg->vnameserver6) != 1) {
        error_setg(errp, "ipv6-dns=%s: not an IPv6 address", dns6);
        return -1;
    }
    return 0;
}

int slirp_parse_options(KeyValOpts *opts, SlirpOptions *o, Error **errp)
{
    SlirpConfig *cfg = &o->cfg;
    struct in_addr net, mask;
    bool restricted = false, ipv4 = true, ipv6 = true;
    const char *v;

    memset(o, 0, sizeof(*o));
    cfg->version = 4;

    /* Samba needs smbd and a generated smb.conf: issue 8 leaves it out. */
    if (keyval_get(opts, "smb") || keyval_get(opts, "smbserver")) {
        error_setg(errp, "smb= is not supported by emu's user networking "
                         "(share files with hostfwd= or guestfwd= instead)");
        return -1;
    }
    if (keyval_get_bool(opts, "restrict", &restricted, errp) < 0 ||
        keyval_get_bool(opts, "ipv4", &ipv4, errp) < 0 ||
        keyval_get_bool(opts, "ipv6", &ipv6, errp) < 0) {
        return -1;
    }
    if (!ipv4 && !ipv6) {
        error_setg(errp, "ipv4=off and ipv6=off: nothing left to run");
        return -1;
    }
    cfg->restricted = restricted;
    cfg->in_enabled = ipv4;
    cfg->in6_enabled = ipv6;

    /* net= (QEMU also accepts its old name ip=) */
    v = keyval_get(opts, "net");
    if (!v) {
        v = keyval_get(opts, "ip");
    } else {
        keyval_get(opts, "ip");
    }
    if (parse_net(v ? v : "10.0.2.0/24", &net, &mask, errp) < 0) {
        return -1;
    }
    cfg->vnetwork = net;
    cfg->vnetmask = mask;
    if (net_addr(opts, "host", 0x0202, net, mask, &cfg->vhost, errp) < 0 ||
        net_addr(opts, "dns", 0x0203, net, mask, &cfg->vnameserver, errp) < 0 ||
        net_addr(opts, "dhcpstart", 0x020f, net, mask, &cfg->vdhcp_start,
                 errp) < 0) {
        return -1;
    }
    if (cfg->vdhcp_start.s_addr == cfg->vhost.s_addr ||
        cfg->vdhcp_start.s_addr == cfg->vnameserver.s_addr) {
        error_setg(errp, "dhcpstart= must differ from host= and dns= (the "
                         "guest would be given the gateway's address)");
        return -1;
    }
    if (cfg->vhost.s_addr == cfg->vnameserver.s_addr) {
        error_setg(errp, "host= and dns= must differ");
        return -1;
    }
    if (parse_ipv6(opts, cfg, errp) < 0) {
        return -1;
    }

    cfg->vhostname = keyval_get(opts, "hostname");
    cfg->vdomainname = keyval_get(opts, "domainname");
    cfg->tftp_path = keyval_get(opts, "tftp");
    cfg->tftp_server_name = keyval_get(opts, "tftp-server-name");
    cfg->bootfile = keyval_get(opts, "bootfile");
    if (cfg->bootfile && strlen(cfg->bootfile) >= 128) {
        /* The BOOTP reply's file field is 128 bytes (RFC 951). */
        error_setg(errp, "bootfile=: at most 127 characters");
        return -1;
    }
    if (cfg->vhostname && strlen(cfg->vhostname) > 32) {
        /* libslirp keeps 33 bytes of it and would cut the name short. */
        error_setg(errp, "hostname=%s: at most 32 characters", cfg->vhostname);
        return -1;
    }
    if (cfg->vdomainname && !*cfg->vdomainname) {
        cfg->vdomainname = NULL;
    }
    v = keyval_get(opts, "dnssearch");
    if (v) {
        /* One domain per dnssearch=, repeated for more (as QEMU). */
        GPtrArray *a = g_ptr_array_new();
        for (int i = 0; i < opts->n; i++) {
            if (!strcmp(opts->pairs[i].key, "dnssearch")) {
                opts->pairs[i].used = true;
                if (!*opts->pairs[i].value) {
                    error_setg(errp, "dnssearch=: empty domain");
                    g_ptr_array_free(a, true);
                    return -1;
                }
                g_ptr_array_add(a, g_strdup(opts->pairs[i].value));
            }
        }
        g_ptr_array_add(a, NULL);
        o->dnssearch = (char **)g_ptr_array_free(a, false);
        cfg->vdnssearch = (const char **)o->dnssearch;
    }
    return 0;
}

#endif /* CONFIG_SLIRP */
