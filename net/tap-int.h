/*
 * The tap backend's own files: opening a tap (net/tap-open.c), running the
 * ifup/ifdown scripts and the bridge helper (net/tap-run.c), and the client
 * that moves frames between a tap fd and its peer (net/tap.c).
 *
 * Every function that can fail fills errp with one line that says what to
 * do about it: the front end prefixes the option ("-netdev tap,...: ").
 */
#ifndef NET_TAP_INT_H
#define NET_TAP_INT_H

#include "emu/common.h"
#include "net/net.h"

#include <net/if.h>

/* The clone device of the Linux tun/tap driver (drivers/net/tun.c). */
#define TAP_TUN_PATH "/dev/net/tun"
/* Run for a new tap when script=/downscript= are not given and the file
 * exists, as QEMU runs /etc/qemu-ifup. */
#define TAP_DEFAULT_SCRIPT     "/etc/emu-ifup"
#define TAP_DEFAULT_DOWNSCRIPT "/etc/emu-ifdown"
/* QEMU's setuid helper that creates a tap and adds it to a bridge (Debian:
 * qemu-system-common).  br= without helper= uses it when present. */
#define TAP_DEFAULT_HELPER "/usr/lib/qemu/qemu-bridge-helper"
#define TAP_DEFAULT_BRIDGE "br0"

/*
 * Create or attach to the tap named ifname ("" or a template with %d: the
 * kernel picks the name), single queue, no packet information header.  The
 * name it got goes to out_name.  Returns the fd (non-blocking, close on
 * exec), or -1 with errp saying why and what to do.
 */
int tap_open(const char *ifname, char out_name[IFNAMSIZ], Error **errp);

/* fd= and the helper's fd: is it an open tap fd of the kind emu can use
 * (a tap, not tun; no packet information; no vnet headers)?  Its interface
 * name goes to out_name; the fd is made non-blocking and close on exec. */
int tap_check_fd(int fd, const char *what, char out_name[IFNAMSIZ],
                 Error **errp);

/*
 * Run script with the interface name as $1 and wait for it.  Its output
 * (stdout and stderr) goes to emu's stderr when it succeeds and into the
 * message when it fails.  what: "script" or "downscript".
 */
int tap_run_script(const char *what, const char *script, const char *ifname,
                   Error **errp);

/* Whether path names a file the script= option can run; errp otherwise
 * ("not found", "not executable: chmod +x ..."). */
int tap_check_script(const char *what, const char *path, Error **errp);

/* Run the bridge helper (QEMU's protocol: "--fd=N --br=BRIDGE", the tap fd
 * comes back over a unix socketpair as SCM_RIGHTS).  Returns the tap fd or
 * -1 with errp (the helper's status and output). */
int tap_run_bridge_helper(const char *helper, const char *bridge, Error **errp);

/*
 * The client over an open tap fd (takes it; closed by cleanup).  For
 * net/tap.c's init and for tests, which may hand it any fd that keeps
 * frame boundaries (a SOCK_DGRAM socketpair).  downscript NULL: none.
 */
NetClientState *tap_client_new(int fd, NetClientState *peer, const char *model,
                               const char *name, const char *ifname,
                               const char *downscript);

#endif
