/*
 * The monitor's network commands: "info network" (QEMU's layout: the
 * hubs with their ports first, then each NIC with its backend beneath it,
 * then clients without a peer) and "set_link NAME on|off".
 */
#include "emu/monitor.h"
#include "net/net-int.h"

#include <glib.h>

static void print_client(FILE *f, NetClientState *nc)
{
    fprintf(f, "%s: index=0,type=%s,%s\n", nc->name,
            nc->info->is_nic ? "nic" : nc->info->type, nc->info_str);
    if (nc->link_down) {
        fprintf(f, "link=down\n");
    }
}

static bool on_hub(const NetClientState *nc)
{
    return nc->hub_id >= 0 || (nc->peer && nc->peer->hub_id >= 0);
}

static void info_network(FILE *f)
{
    net_hub_info(f, print_client);
    for (NetClientState *nc = net_client_next(NULL); nc;
         nc = net_client_next(nc)) {
        if (on_hub(nc)) {
            continue;
        }
        if (!nc->peer || nc->info->is_nic) {
            print_client(f, nc);
        }
        if (nc->peer && nc->info->is_nic) {
            fprintf(f, " \\ ");
            print_client(f, nc->peer);
        }
    }
}

static int cmd_set_link(FILE *out, const char *args)
{
    g_auto(GStrv) argv = g_strsplit_set(args, " \t", -1);
    const char *name = NULL, *state = NULL;
    int n = 0;
    for (int i = 0; argv[i]; i++) {
        if (!*argv[i]) {
            continue;
        }
        if (n == 0) {
            name = argv[i];
        } else if (n == 1) {
            state = argv[i];
        }
        n++;
    }
    bool up;
    if (n != 2 || (strcmp(state, "on") && strcmp(state, "off"))) {
        fprintf(out, "usage: set_link name on|off\n");
        return -1;
    }
    up = !strcmp(state, "on");
    NetClientState *nc = net_client_find(name);
    if (!nc) {
        fprintf(out, "Device '%s' not found\n", name);
        return -1;
    }
    net_set_link(nc, up);
    return 0;
}

static void __attribute__((constructor)) net_monitor_register(void)
{
    monitor_register_info("network", "show the network state", info_network);
    monitor_register_command("set_link", "name on|off",
                             "change the link status of a network adapter",
                             cmd_set_link);
}
