/*
 * The VNC server's pieces that do not need libvncserver, shared by
 * ui/vnc.c and the unit tests: the -vnc spec (ui/vnc-spec.c) and the
 * keysym -> Linux KEY_* table (ui/vnc-keysym.c).
 */
#ifndef UI_VNC_INT_H
#define UI_VNC_INT_H

#include "emu/common.h"

#define VNC_BASE_PORT    5900 /* RFB: display N listens on 5900 + N */
#define VNC_WS_BASE_PORT 5700 /* websocket=on: 5700 + N, as QEMU */
#define VNC_PASSWORD_MAX 8    /* VNC authentication keys DES with 8 bytes */

typedef enum { VNC_LISTEN_TCP, VNC_LISTEN_UNIX } VncListenKind;

/* A parsed -vnc argument. */
typedef struct VncSpec {
    VncListenKind kind;
    char host[256]; /* TCP: "" = every address of the host */
    int display;    /* TCP: N of :N */
    int port;       /* TCP: VNC_BASE_PORT + display */
    char path[108]; /* unix: the socket (sizeof sun_path) */
    bool password;  /* password=on: VNC authentication */
    int ws_port;    /* websocket=: 0 none, else the TCP port */
} VncSpec;

/* Parse -vnc's SPEC (":N", "HOST:N", "[V6ADDR]:N", "unix:PATH", then
 * ",password=on|off", ",websocket=on|PORT").  "none" is the caller's.
 * 0, or -1 with a one-line message in errp. */
int vnc_spec_parse(const char *spec, VncSpec *out, Error **errp);

/* The Linux KEY_* code of an X11 keysym as a VNC client sends it, or -1.
 * Shifted symbols give the key they are on (a US layout): '!' -> KEY_1;
 * the client sends the Shift itself. */
int vnc_keysym_to_key(uint32_t keysym);

/* The table, for tests. */
typedef struct VncKeysymMap {
    uint32_t keysym;
    uint16_t key;
} VncKeysymMap;
const VncKeysymMap *vnc_keysym_table(size_t *n);

#endif
