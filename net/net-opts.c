/*
 * The net front end (include/net/netdev.h): -netdev, -nic and -net as
 * QEMU spells them, turned into backends, hub ports and the list of NICs
 * the board creates.  Backend types come from the registry (NetBackend),
 * so a new backend needs no change here.
 */
#include "net/netdev.h"
#include "config.h"
#include "emu/keyval.h"
#include "net/net-int.h"

#include <glib.h>

static GPtrArray *backends; /* const NetBackend * */
static GPtrArray *nics;     /* NICInfo * */
static bool configured;
static int nic_netdev_count;

void net_backend_register(const NetBackend *b)
{
    if (!backends) {
        backends = g_ptr_array_new();
    }
    g_ptr_array_add(backends, (gpointer)b);
}

const NetBackend *net_backend_find(const char *type)
{
    for (guint i = 0; backends && i < backends->len; i++) {
        const NetBackend *b = g_ptr_array_index(backends, i);
        if (!strcmp(b->type, type)) {
            return b;
        }
    }
    return NULL;
}

static gint by_type(gconstpointer a, gconstpointer b)
{
    const NetBackend *x = *(const NetBackend *const *)a;
    const NetBackend *y = *(const NetBackend *const *)b;
    return strcmp(x->type, y->type);
}

void net_backend_list(FILE *f)
{
    fprintf(f, "Available netdev backend types:\n");
    if (!backends) {
        return;
    }
    g_ptr_array_sort(backends, by_type);
    for (guint i = 0; i < backends->len; i++) {
        const NetBackend *b = g_ptr_array_index(backends, i);
        if (b->netdev_ok) {
            fprintf(f, "%-10s %s\n", b->type, b->help ? b->help : "");
        }
    }
}

/* Create a backend of opts' type; name may be NULL (model.N). */
static int backend_init(const char *opt, KeyValOpts *o, const char *type,
                        const char *name, NetClientState *peer, bool legacy,
                        Error **errp)
{
    const NetBackend *b = net_backend_find(type);
    if (!b || !(legacy ? b->legacy_ok : b->netdev_ok)) {
        error_setg(errp, "%s: '%s' is not a valid %s type (-netdev help "
                         "lists the backends)", opt, type,
                   legacy ? "net" : "netdev");
        return -1;
    }
    if (name && net_client_find(name)) {
        error_setg(errp, "%s: duplicate ID '%s'", opt, name);
        return -1;
    }
    Error *err = NULL;
    if (b->init(o, name, peer, &err) < 0) {
        error_setg(errp, "%s: %s", opt, error_get_pretty(err));
        error_free(err);
        return -1;
    }
    const char *extra = keyval_unused(o);
    if (extra) {
        error_setg(errp, "%s: invalid parameter '%s' for %s", opt, extra,
                   type);
        /* The backend exists: take it down again. */
        NetClientState *nc = name ? net_client_find(name) : NULL;
        if (!nc && peer) {
            nc = peer->peer;
        }
        net_client_free(nc);
        return -1;
    }
    return 0;
}

static char *opt_string(const char *opt, const char *arg)
{
    return g_strdup_printf("-%s %s", opt, arg);
}

int net_netdev_add(const char *opts, Error **errp)
{
    KeyValOpts o;
    g_autofree char *opt = opt_string("netdev", opts);
    if (keyval_split_implied(opts, "type", &o, errp) < 0) {
        return -1;
    }
    int r = -1;
    const char *type = keyval_get(&o, "type");
    const char *id = keyval_get(&o, "id");
    configured = true;
    if (!type) {
        error_setg(errp, "%s: a backend type is needed (user, tap, socket, "
                         "hubport)", opt);
    } else if (!strcmp(type, "help")) {
        net_backend_list(stdout);
        exit(0);
    } else if (!id) {
        error_setg(errp, "%s: parameter 'id' is missing", opt);
    } else if (!id_wellformed(id)) {
        error_setg(errp, "%s: '%s' is not a valid id (a letter, then "
                         "letters, digits, '-', '.', '_')", opt, id);
    } else {
        r = backend_init(opt, &o, type, id, NULL, false, errp);
    }
    keyval_free(&o);
    return r;
}

static int take_mac(const char *opt, KeyValOpts *o, const char *key,
                    NICInfo *ni, Error **errp)
{
    const char *mac = keyval_get(o, key);
    if (!mac) {
        return 0;
    }
    if (!net_parse_macaddr(mac, &ni->mac) || (ni->mac.a[0] & 1)) {
        error_setg(errp, "%s: invalid %s '%s' (a unicast address like "
                         "52:54:00:12:34:56)", opt, key, mac);
        return -1;
    }
    ni->mac_set = true;
    return 0;
}

static NICInfo *nic_info_new(void)
{
    if (!nics) {
        nics = g_ptr_array_new();
    }
    NICInfo *ni = g_new0(NICInfo, 1);
    g_ptr_array_add(nics, ni);
    return ni;
}

int net_nic_add(const char *opts, Error **errp)
{
    KeyValOpts o;
    g_autofree char *opt = opt_string("nic", opts);
    NICInfo ni = {0};
    char *name = NULL;
    int r = -1;

    configured = true;
    if (keyval_split_implied(opts, "type", &o, errp) < 0) {
        return -1;
    }
    const char *type = keyval_get(&o, "type");
    const char *id = keyval_get(&o, "id");
    const char *model = keyval_get(&o, "model");
    if (take_mac(opt, &o, "mac", &ni, errp) < 0) {
        goto out;
    }
    if (type && !strcmp(type, "none")) {
        r = 0;
        goto out;
    }
    if (type && !strcmp(type, "help")) {
        net_backend_list(stdout);
        exit(0);
    }
    if (id && !id_wellformed(id)) {
        error_setg(errp, "%s: '%s' is not a valid id", opt, id);
        goto out;
    }
    name = id ? g_strdup(id) : g_strdup_printf("#nic%d", nic_netdev_count);
    nic_netdev_count++;
    if (backend_init(opt, &o, type ? type : "user", name, NULL, false, errp) <
        0) {
        goto out;
    }
    NICInfo *n = nic_info_new();
    *n = ni;
    n->model = g_strdup(model);
    n->netdev = net_client_find(name);
    r = 0;
out:
    g_free(name);
    keyval_free(&o);
    return r;
}

static int take_vlan(const char *opt, KeyValOpts *o, int *vlan, Error **errp)
{
    const char *v = keyval_get(o, "vlan");
    char *end;
    *vlan = 0;
    if (!v) {
        return 0;
    }
    long n = strtol(v, &end, 0);
    if (!*v || *end || n < 0 || n > 65535) {
        error_setg(errp, "%s: vlan '%s' is not a number from 0 to 65535", opt,
                   v);
        return -1;
    }
    *vlan = (int)n;
    return 0;
}

int net_legacy_add(const char *opts, Error **errp)
{
    KeyValOpts o;
    g_autofree char *opt = opt_string("net", opts);
    int vlan, r = -1;

    configured = true;
    if (keyval_split_implied(opts, "type", &o, errp) < 0) {
        return -1;
    }
    const char *type = keyval_get(&o, "type");
    const char *name = keyval_get(&o, "name");
    if (!type) {
        error_setg(errp, "%s: a type is needed (nic, user, tap, socket, "
                         "dump, none)",
                   opt);
        goto out;
    }
    if (!strcmp(type, "none")) {
        r = 0;
        goto out;
    }
    if (take_vlan(opt, &o, &vlan, errp) < 0) {
        goto out;
    }
    if (name && net_client_find(name)) {
        error_setg(errp, "%s: duplicate ID '%s'", opt, name);
        goto out;
    }
    if (!strcmp(type, "nic")) {
        NICInfo ni = {0};
        const char *model = keyval_get(&o, "model");
        if (take_mac(opt, &o, "macaddr", &ni, errp) < 0) {
            goto out;
        }
        const char *extra = keyval_unused(&o);
        if (extra) {
            error_setg(errp, "%s: invalid parameter '%s' for nic", opt, extra);
            goto out;
        }
        NICInfo *n = nic_info_new();
        *n = ni;
        n->model = g_strdup(model);
        n->id = g_strdup(name);
        n->netdev = net_hub_add_port(vlan, NULL);
        r = 0;
        goto out;
    }
    NetClientState *port = net_hub_add_port(vlan, NULL);
    r = backend_init(opt, &o, type, name, port, true, errp);
    if (r < 0) {
        net_client_free(port);
    }
out:
    keyval_free(&o);
    return r;
}

int net_nic_count(void)
{
    return nics ? (int)nics->len : 0;
}

NICInfo *net_nic_info(int i)
{
    return g_ptr_array_index(nics, i);
}

bool net_user_configured(void)
{
    return configured;
}

int net_add_defaults(Error **errp)
{
#ifdef CONFIG_SLIRP
    if (!net_backend_find("user")) {
        return 0; /* a build without the user backend: no default NIC */
    }
    if (net_legacy_add("nic", errp) < 0 || net_legacy_add("user", errp) < 0) {
        return -1;
    }
#endif
    return 0;
}

int net_check_clients(Error **errp)
{
    net_hub_check();
    for (NetClientState *nc = net_client_next(NULL); nc;
         nc = net_client_next(nc)) {
        if (nc->peer || nc->hub_id >= 0) {
            continue;
        }
        if (nc->info->is_nic) {
            warn_report("%s %s has no peer", nc->model, nc->name);
        } else {
            warn_report("netdev %s has no peer", nc->name);
        }
    }
    return 0;
}
