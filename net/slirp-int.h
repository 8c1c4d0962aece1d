/*
 * User networking (libslirp): what the backend's three files share.
 *
 *   net/slirp.c       the client, libslirp's callbacks, the poll source
 *   net/slirp-opts.c  -netdev user options -> SlirpConfig (addresses)
 *   net/slirp-fwd.c   hostfwd= / guestfwd= rules and the monitor commands
 */
#ifndef NET_SLIRP_INT_H
#define NET_SLIRP_INT_H

#include "emu/common.h"
#include "emu/keyval.h"
#include "net/net-int.h"

#ifdef CONFIG_SLIRP
#include <glib.h>
#include <slirp/libslirp.h>

typedef struct SlirpGuestFwd SlirpGuestFwd;

typedef struct SlirpState {
    NetClientState nc;
    Slirp *slirp;
    /* Our GSource on glib's default context (net/slirp.c). */
    GSource *source;
    /* The fds slirp asked to poll in this iteration (GPollFD), handed to
     * glib; and the set asked for now, before it replaces them. */
    GArray *pollfds;
    GArray *wanted;
    /* The stack's own addresses, which answer ping themselves. */
    struct in_addr vhost, vnameserver;
    bool restricted;
    /* guestfwd rules that go to a chardev (net/slirp-fwd.c). */
    SlirpGuestFwd *guestfwds;
} SlirpState;

/* The parsed options; strings point into the KeyValOpts (valid while it
 * lives), except dnssearch, which the caller frees with g_strfreev. */
typedef struct SlirpOptions {
    SlirpConfig cfg;
    char **dnssearch;
} SlirpOptions;

/* -netdev user options other than hostfwd/guestfwd into o.  0, or -1 with
 * errp ("net=10.0.3.0/33: ..."). */
int slirp_parse_options(KeyValOpts *opts, SlirpOptions *o, Error **errp);

/* One hostfwd= rule, QEMU's syntax: [tcp|udp]:[hostaddr]:hostport-
 * [guestaddr]:guestport.  0, or -1 with errp. */
int slirp_hostfwd_add(SlirpState *s, const char *rule, Error **errp);
/* One guestfwd= rule: [tcp]:[server]:port-cmd:COMMAND or
 * [tcp]:[server]:port-CHARDEV_SPEC (tcp:host:port, unix:path, ...). */
int slirp_guestfwd_add(SlirpState *s, const char *rule, Error **errp);
/* slirp can take data again (its notify): let the chardevs send. */
void slirp_guestfwd_accept_input(SlirpState *s);
/* Release the chardev rules (at cleanup). */
void slirp_guestfwd_cleanup(SlirpState *s);

/* Is nc a user-networking client? */
bool net_client_is_slirp(const NetClientState *nc);

#endif /* CONFIG_SLIRP */
#endif
