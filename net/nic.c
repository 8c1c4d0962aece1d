/*
 * What every NIC model shares: MAC addresses (QEMU's default sequence),
 * the "mac" and "netdev" device property types, and creating the NIC's
 * client at realize.  The property types live in the net layer, not in
 * hw/core, as emu/property.h asks.
 */
#include "net/net.h"
#include "emu/device.h"

#include <glib.h>

bool net_parse_macaddr(const char *s, MACAddr *mac)
{
    for (int i = 0; i < 6; i++) {
        if (!g_ascii_isxdigit(s[0]) || !g_ascii_isxdigit(s[1])) {
            return false;
        }
        mac->a[i] = g_ascii_xdigit_value(s[0]) << 4 | g_ascii_xdigit_value(s[1]);
        s += 2;
        if (i < 5) {
            if (*s != ':' && *s != '-') {
                return false;
            }
            s++;
        }
    }
    return *s == '\0';
}

void net_format_macaddr(const MACAddr *mac, char out[18])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac->a[0], mac->a[1],
             mac->a[2], mac->a[3], mac->a[4], mac->a[5]);
}

/* QEMU hands out 52:54:00:12:34:56 and counts up in the last byte for
 * each NIC without an address, so guests see the addresses they would
 * under QEMU. */
void net_macaddr_default(MACAddr *mac)
{
    static unsigned next;
    const uint8_t base[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    memcpy(mac->a, base, 6);
    mac->a[5] = (uint8_t)(0x56 + next++);
}

/* ---- "mac": a NICConf field, so that realize knows whether it was set ---- */

static int mac_parse(DeviceState *dev, const Property *p, void *field,
                     const char *str, Error **errp)
{
    NICConf *conf = field;
    if (!net_parse_macaddr(str, &conf->macaddr)) {
        error_setg(errp, "expects a MAC address like 52:54:00:12:34:56, not "
                         "'%s'", str);
        return -EINVAL;
    }
    if (conf->macaddr.a[0] & 1) {
        error_setg(errp, "'%s' is a multicast address, not a station's", str);
        return -EINVAL;
    }
    conf->mac_set = true;
    return 0;
}

static char *mac_print(const Property *p, const void *field)
{
    char s[18];
    net_format_macaddr(&((const NICConf *)field)->macaddr, s);
    return g_strdup(s);
}

const PropertyInfo prop_info_macaddr = {
    .name = "str",
    .parse = mac_parse,
    .print = mac_print,
};

/* ---- "netdev": the backend (or hub port) a NIC is linked to -------------- */

static int netdev_parse(DeviceState *dev, const Property *p, void *field,
                        const char *str, Error **errp)
{
    NetClientState *nc = net_client_find(str);
    if (!nc || nc->info->is_nic) {
        error_setg(errp, "netdev '%s' not found", str);
        return -ENOENT;
    }
    if (nc->peer) {
        error_setg(errp, "netdev '%s' is already in use by %s", str,
                   nc->peer->name);
        return -EBUSY;
    }
    *(NetClientState **)field = nc;
    return 0;
}

static char *netdev_print(const Property *p, const void *field)
{
    const NetClientState *nc = *(NetClientState *const *)field;
    return g_strdup_printf("\"%s\"", nc ? nc->name : "");
}

const PropertyInfo prop_info_netdev = {
    .name = "netdev",
    .parse = netdev_parse,
    .print = netdev_print,
};

void device_prop_set_netdev(DeviceState *dev, const char *name,
                            NetClientState *nc)
{
    *(NetClientState **)device_prop_field(dev, name, &prop_info_netdev) = nc;
}

/* ---- The NIC's client ------------------------------------------------------ */

void net_nic_format_info(NetClientState *nc, const MACAddr *mac)
{
    char s[18];
    net_format_macaddr(mac, s);
    snprintf(nc->info_str, sizeof(nc->info_str), "model=%s,macaddr=%s",
             nc->model, s);
}

NetClientState *net_nic_new(const NetClientInfo *info, NICConf *conf,
                            const char *model, const char *id, void *opaque)
{
    assert(info->is_nic);
    if (!conf->mac_set) {
        net_macaddr_default(&conf->macaddr);
        conf->mac_set = true;
    }
    /* The peer may have been taken since the property was parsed (two
     * devices naming one netdev): the second runs without a link. */
    NetClientState *peer = conf->peer;
    if (peer && peer->peer) {
        warn_report("%s: netdev '%s' is already in use by %s; this NIC has "
                    "no link", model, peer->name, peer->peer->name);
        peer = NULL;
    }
    NetClientState *nc = net_client_new(info, peer, model, id);
    nc->opaque = opaque;
    net_nic_format_info(nc, &conf->macaddr);
    return nc;
}
