/*
 * -vnc: a VNC (RFB, RFC 6143) server for console 0 on Debian's
 * libvncserver, which does the protocol, the authentication and the
 * encodings (raw, copyrect, hextile, zlib, tight, ZRLE...).
 *
 * Threads: none of libvncserver's.  Its own loops (rfbRunEventLoop) run a
 * listener thread and a thread per client that would call our keyboard
 * and pointer hooks without the global lock.  Instead the main loop owns
 * every socket: we listen ourselves (TCP on any address, a unix socket,
 * a second port for WebSocket clients), hand each accepted socket to
 * rfbNewClient(), and watch each client socket with a glib fd source
 * whose callback runs rfbProcessEvents(screen, 0).  So all of
 * libvncserver, and every callback into emu (input, framebuffer), runs
 * on the main-loop thread under the global lock, as ui/console.h wants.
 * The price: libvncserver's writes block (up to rfbMaxClientWait) when a
 * client's socket buffer is full, and a new connection waits up to
 * 100 ms for a WebSocket handshake; both stall the main loop, not the
 * vCPUs.
 *
 * Framebuffer: libvncserver serves 32-bit pixels in its own layout (red
 * in the lowest byte); the console's surface is whatever the device
 * renders.  The listener converts each updated rectangle with pixman and
 * marks it modified; updates go out on the refresh tick, which slows to
 * GUI_REFRESH_INTERVAL_IDLE while nobody is connected.
 */
#include "ui/display.h"
#include "ui/console.h"
#include "ui/input.h"
#include "ui/vnc-int.h"
#include "emu/log.h"
#include "emu/trace.h"
#include "emu/monitor.h"

#ifdef CONFIG_VNC
#include <fcntl.h>
#include <glib-unix.h>
#include <glib.h>
#include <linux/input-event-codes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <rfb/rfb.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#define VNC_MAX_LISTEN 8
/* A client that takes longer than this to drain its socket is dropped:
 * the main loop waits for it meanwhile (libvncserver's default is 20 s). */
#define VNC_CLIENT_WAIT_MS 5000
/* The framebuffer before the first switch and without a display device. */
#define VNC_BLANK_W 640
#define VNC_BLANK_H 480

typedef struct VncListener {
    int fd;
    guint watch;
} VncListener;

typedef struct VncServer {
    VncSpec spec;
    char *spec_str;
    rfbScreenInfoPtr screen;
    DisplayChangeListener dcl;
    bool dcl_registered;
    DisplaySurface *surface;     /* the console's (not ours) */
    DisplaySurface *own_surface; /* when there is no console */
    pixman_image_t *fb_image;    /* over fb, libvncserver's format */
    uint8_t *fb;
    VncListener listen[VNC_MAX_LISTEN];
    int nr_listen;
    int nr_clients;
    bool unlink_path; /* we created spec.path */
    /* VNC authentication: an empty password refuses everyone. */
    char password[VNC_PASSWORD_MAX + 1];
    char *passwd_list[2];
    /* Keys the clients hold down, released when the last one leaves. */
    uint8_t keys_down[(KEY_MAX + 1) / 8];
    int buttons;                 /* last RFB button mask */
    GHashTable *unknown_keysyms; /* logged once each */
} VncServer;

typedef struct VncClient {
    VncServer *vs;
    guint watch;
} VncClient;

/* One -vnc per machine, as one console 0; the monitor command finds it. */
static VncServer *vnc_server;

/* ---- libvncserver's log: the vnc_rfb_log trace point, never the terminal */

static void vnc_rfb_log(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n') {
        buf[n - 1] = 0;
    }
    trace(vnc_rfb_log, "%s", buf);
}

/* ---- Framebuffer -------------------------------------------------------- */

/* libvncserver's 32-bit format with 8 bits per sample puts red at shift 0,
 * green at 8 and blue at 16: a8b8g8r8 in pixman's words on this
 * (little-endian) host. */
#define VNC_FB_FORMAT PIXMAN_x8b8g8r8

static void vnc_copy_rect(VncServer *vs, int x, int y, int w, int h)
{
    pixman_image_composite32(PIXMAN_OP_SRC, vs->surface->image, NULL,
                             vs->fb_image, x, y, 0, 0, x, y, w, h);
    rfbMarkRectAsModified(vs->screen, x, y, x + w, y + h);
}

static void vnc_switch(VncServer *vs, DisplaySurface *surface)
{
    int w = surface_width(surface), h = surface_height(surface);
    uint8_t *fb = calloc((size_t)w * h, 4);
    pixman_image_t *img =
        pixman_image_create_bits(VNC_FB_FORMAT, w, h, (uint32_t *)fb, w * 4);

    vs->surface = surface;
    /* New clients' and old clients' sizes change here; clients that do
     * not understand DesktopSize keep the old one (and are sent the part
     * that fits). */
    rfbNewFramebuffer(vs->screen, (char *)fb, w, h, 8, 3, 4);
    if (vs->fb_image) {
        pixman_image_unref(vs->fb_image);
    }
    free(vs->fb);
    vs->fb = fb;
    vs->fb_image = img;
    vnc_copy_rect(vs, 0, 0, w, h);
}

static void vnc_dpy_gfx_switch(DisplayChangeListener *dcl,
                               DisplaySurface *surface)
{
    vnc_switch(container_of(dcl, VncServer, dcl), surface);
}

static void vnc_dpy_gfx_update(DisplayChangeListener *dcl, int x, int y, int w,
                               int h)
{
    VncServer *vs = container_of(dcl, VncServer, dcl);
    if (vs->surface && x >= 0 && y >= 0 && w > 0 && h > 0 &&
        x + w <= vs->screen->width && y + h <= vs->screen->height) {
        vnc_copy_rect(vs, x, y, w, h);
    }
}

static void vnc_dpy_refresh(DisplayChangeListener *dcl)
{
    VncServer *vs = container_of(dcl, VncServer, dcl);
    if (vs->nr_clients) {
        graphic_hw_update(dcl->con);
        rfbProcessEvents(vs->screen, 0); /* send what changed */
    }
}

static const DisplayChangeListenerOps vnc_dcl_ops = {
    .name = "vnc",
    .dpy_refresh = vnc_dpy_refresh,
    .dpy_gfx_update = vnc_dpy_gfx_update,
    .dpy_gfx_switch = vnc_dpy_gfx_switch,
};

/* ---- Input -------------------------------------------------------------- */

/* RFB's button mask: bit 0 left, 1 middle, 2 right, 3 wheel up, 4 wheel
 * down (a notch is a press and a release). */
static const InputButton vnc_buttons[5] = {
    INPUT_BUTTON_LEFT,     INPUT_BUTTON_MIDDLE,     INPUT_BUTTON_RIGHT,
    INPUT_BUTTON_WHEEL_UP, INPUT_BUTTON_WHEEL_DOWN,
};

static void vnc_key_event(rfbBool down, rfbKeySym keysym, rfbClientPtr cl)
{
    VncServer *vs = cl->screen->screenData;
    int key = vnc_keysym_to_key(keysym);

    if (key < 0 || key > KEY_MAX) {
        gpointer k = GUINT_TO_POINTER(keysym);
        if (!g_hash_table_contains(vs->unknown_keysyms, k)) {
            g_hash_table_add(vs->unknown_keysyms, k);
            warn_report("vnc: keysym 0x%x has no key on a PC keyboard; "
                        "ignored",
                        (unsigned)keysym);
        }
        return;
    }
    if (down) {
        vs->keys_down[key / 8] |= 1u << (key % 8);
    } else {
        vs->keys_down[key / 8] &= ~(1u << (key % 8));
    }
    input_event_key(key, down);
}

static void vnc_release_keys(VncServer *vs)
{
    for (int key = 0; key <= KEY_MAX; key++) {
        if (vs->keys_down[key / 8] & (1u << (key % 8))) {
            input_event_key(key, false);
        }
    }
    memset(vs->keys_down, 0, sizeof(vs->keys_down));
    for (int b = 0; b < 5; b++) {
        if (vs->buttons & (1 << b)) {
            input_event_btn(vnc_buttons[b], false);
        }
    }
    vs->buttons = 0;
    input_event_sync();
}

static void vnc_pointer_event(int mask, int x, int y, rfbClientPtr cl)
{
    VncServer *vs = cl->screen->screenData;
    int w = vs->screen->width, h = vs->screen->height;

    x = MAX(0, MIN(x, w - 1));
    y = MAX(0, MIN(y, h - 1));
    input_event_abs(INPUT_AXIS_X,
                    w > 1 ? (int)((int64_t)x * INPUT_ABS_MAX / (w - 1)) : 0, w);
    input_event_abs(INPUT_AXIS_Y,
                    h > 1 ? (int)((int64_t)y * INPUT_ABS_MAX / (h - 1)) : 0, h);
    for (int b = 0; b < 5; b++) {
        if ((mask ^ vs->buttons) & (1 << b)) {
            input_event_btn(vnc_buttons[b], mask & (1 << b));
        }
    }
    vs->buttons = mask & 0x1f;
    input_event_sync();
}

/* ---- Clients ------------------------------------------------------------ */

static gboolean vnc_client_io(gint fd, GIOCondition cond, gpointer opaque)
{
    VncServer *vs = opaque;
    /* Reads what is waiting on every client, sends due updates, and drops
     * clients whose socket closed (vnc_client_gone removes their watch,
     * maybe this one: glib allows a source to go in its own callback). */
    rfbProcessEvents(vs->screen, 0);
    return G_SOURCE_CONTINUE;
}

static void vnc_client_gone(rfbClientPtr cl)
{
    VncClient *c = cl->clientData;
    VncServer *vs = c->vs;

    g_source_remove(c->watch);
    free(c);
    cl->clientData = NULL;
    if (--vs->nr_clients == 0) {
        /* Nobody to press them any more. */
        vnc_release_keys(vs);
        if (vs->dcl_registered) {
            dpy_set_update_interval(&vs->dcl, GUI_REFRESH_INTERVAL_IDLE);
        }
    }
}

static enum rfbNewClientAction vnc_new_client(rfbClientPtr cl)
{
    VncServer *vs = cl->screen->screenData;
    VncClient *c = calloc(1, sizeof(*c));

    c->vs = vs;
    c->watch = g_unix_fd_add(cl->sock, G_IO_IN | G_IO_HUP | G_IO_ERR,
                             vnc_client_io, vs);
    cl->clientData = c;
    cl->clientGoneHook = vnc_client_gone;
    if (vs->nr_clients++ == 0 && vs->dcl_registered) {
        /* Bring the framebuffer up to date now rather than at the next
         * (idle, slow) tick. */
        dpy_set_update_interval(&vs->dcl, GUI_REFRESH_INTERVAL_DEFAULT);
        graphic_hw_update(vs->dcl.con);
    }
    return RFB_CLIENT_ACCEPT;
}

static rfbBool vnc_check_password(rfbClientPtr cl, const char *response,
                                  int len)
{
    VncServer *vs = cl->screen->screenData;
    if (!vs->password[0]) {
        vnc_rfb_log("refused %s: no password set (set_password vnc ...)",
                    cl->host);
        return FALSE;
    }
    return rfbCheckPasswordByList(cl, response, len);
}

/* ---- Listening sockets -------------------------------------------------- */

static gboolean vnc_accept(gint fd, GIOCondition cond, gpointer opaque)
{
    VncServer *vs = opaque;
    int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    if (cfd < 0) {
        return G_SOURCE_CONTINUE; /* EAGAIN, or a client that left */
    }
    /* Negotiates the version (and a WebSocket upgrade), then calls
     * vnc_new_client; on failure it has closed cfd. */
    rfbNewClient(vs->screen, cfd);
    return G_SOURCE_CONTINUE;
}

static int vnc_add_listener(VncServer *vs, int fd, Error **errp)
{
    if (vs->nr_listen == VNC_MAX_LISTEN) {
        close(fd);
        error_setg(errp, "-vnc %s: too many addresses to listen on",
                   vs->spec_str);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    VncListener *l = &vs->listen[vs->nr_listen++];
    l->fd = fd;
    l->watch = g_unix_fd_add(fd, G_IO_IN, vnc_accept, vs);
    return 0;
}

/* Every address of host (NULL: all of this host's) on port. */
static int vnc_listen_tcp(VncServer *vs, const char *host, int port,
                          Error **errp)
{
    struct addrinfo hints = {
        .ai_flags = AI_PASSIVE | AI_ADDRCONFIG,
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
    };
    struct addrinfo *res;
    char service[8];
    int n = 0;

    snprintf(service, sizeof(service), "%d", port);
    int r = getaddrinfo(host, service, &hints, &res);
    if (r) {
        error_setg(errp, "-vnc %s: cannot resolve '%s': %s", vs->spec_str,
                   host ? host : "", gai_strerror(r));
        return -1;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                        ai->ai_protocol);
        if (fd < 0) {
            continue; /* e.g. IPv6 disabled in this kernel */
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (ai->ai_family == AF_INET6) {
            /* The IPv4 address gets its own socket. */
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        }
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 8) < 0) {
            char addr[NI_MAXHOST] = "?";
            int err = errno;
            getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr), NULL,
                        0, NI_NUMERICHOST);
            close(fd);
            error_setg(errp, "-vnc %s: cannot listen on %s port %d: %s",
                       vs->spec_str, addr, port, strerror(err));
            freeaddrinfo(res);
            return -1;
        }
        if (vnc_add_listener(vs, fd, errp) < 0) {
            freeaddrinfo(res);
            return -1;
        }
        n++;
    }
    freeaddrinfo(res);
    if (!n) {
        error_setg(errp, "-vnc %s: no address to listen on", vs->spec_str);
        return -1;
    }
    return 0;
}

static int vnc_listen_unix(VncServer *vs, const char *path, Error **errp)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct stat st;

    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    /* A socket left by an earlier run is replaced; anything else at the
     * path is the user's and stays. */
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
        unlink(path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, 8) < 0) {
        error_setg(errp, "-vnc %s: cannot listen on '%s': %s", vs->spec_str,
                   path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    vs->unlink_path = true;
    return vnc_add_listener(vs, fd, errp);
}

static void vnc_cleanup(void)
{
    VncServer *vs = vnc_server;
    if (vs && vs->unlink_path) {
        unlink(vs->spec.path);
    }
}

/* ---- The monitor: set_password vnc PASSWORD ---------------------------- */

static int vnc_cmd_set_password(FILE *out, const char *args)
{
    char proto[16], pass[64], extra[2];
    int n = sscanf(args, "%15s %63s %1s", proto, pass, extra);

    if (n != 2) {
        fprintf(out, "set_password: usage: set_password vnc PASSWORD\n");
        return -1;
    }
    if (strcmp(proto, "vnc")) {
        fprintf(out, "set_password: protocol '%s' not supported (vnc)\n",
                proto);
        return -1;
    }
    VncServer *vs = vnc_server;
    if (!vs || !vs->spec.password) {
        fprintf(out, "set_password: VNC runs without password=on\n");
        return -1;
    }
    if (strlen(pass) > VNC_PASSWORD_MAX) {
        fprintf(out, "set_password: VNC passwords have at most %d characters\n",
                VNC_PASSWORD_MAX);
        return -1;
    }
    snprintf(vs->password, sizeof(vs->password), "%s", pass);
    return 0;
}

/* ---- Start -------------------------------------------------------------- */

bool vnc_available(void)
{
    return true;
}

int vnc_display_init(const char *spec, Error **errp)
{
    VncServer *vs = calloc(1, sizeof(*vs));
    int argc = 0;

    if (vnc_server) {
        error_setg(errp, "-vnc %s: only one VNC server", spec);
        free(vs);
        return -1;
    }
    if (vnc_spec_parse(spec, &vs->spec, errp) < 0) {
        free(vs);
        return -1;
    }
    vs->spec_str = strdup(spec);
    vs->unknown_keysyms = g_hash_table_new(g_direct_hash, g_direct_equal);
    rfbLog = vnc_rfb_log;
    rfbErr = vnc_rfb_log;
    rfbMaxClientWait = VNC_CLIENT_WAIT_MS;

    vs->screen = rfbGetScreen(&argc, NULL, VNC_BLANK_W, VNC_BLANK_H, 8, 3, 4);
    rfbScreenInfoPtr s = vs->screen;
    s->screenData = vs;
    s->desktopName = "emu";
    /* We listen ourselves (see the top of this file). */
    s->autoPort = FALSE;
    s->port = -1;
    s->ipv6port = -1;
    s->httpPort = -1;
    s->deferUpdateTime = 0; /* the refresh tick already batches updates */
    s->cursor = NULL;       /* the guest draws its own pointer */
    s->alwaysShared = TRUE; /* several viewers, as QEMU's share default */
    s->kbdAddEvent = vnc_key_event;
    s->ptrAddEvent = vnc_pointer_event;
    s->newClientHook = vnc_new_client;
    if (vs->spec.password) {
        vs->passwd_list[0] = vs->password;
        s->authPasswdData = vs->passwd_list;
        s->passwordCheck = vnc_check_password;
    }
    rfbInitServer(s);

    int r = vs->spec.kind == VNC_LISTEN_UNIX
                ? vnc_listen_unix(vs, vs->spec.path, errp)
                : vnc_listen_tcp(vs, vs->spec.host[0] ? vs->spec.host : NULL,
                                 vs->spec.port, errp);
    /* RFB and WebSocket clients are told apart by their first bytes, so
     * the WebSocket port is just another way in. */
    if (r == 0 && vs->spec.ws_port) {
        r = vnc_listen_tcp(vs, vs->spec.host[0] ? vs->spec.host : NULL,
                           vs->spec.ws_port, errp);
    }
    if (r < 0) {
        for (int i = 0; i < vs->nr_listen; i++) {
            g_source_remove(vs->listen[i].watch);
            close(vs->listen[i].fd);
        }
        if (vs->unlink_path) {
            unlink(vs->spec.path);
        }
        rfbScreenCleanup(s);
        g_hash_table_destroy(vs->unknown_keysyms);
        free(vs->spec_str);
        free(vs);
        return -1;
    }
    vnc_server = vs;
    atexit(vnc_cleanup);
    monitor_register_command("set_password", "vnc PASSWORD",
                             "set the VNC password (-vnc ...,password=on)",
                             vnc_cmd_set_password);

    vs->dcl.ops = &vnc_dcl_ops;
    vs->dcl.update_interval = GUI_REFRESH_INTERVAL_IDLE;
    if (console_get(0)) {
        register_displaychangelistener(&vs->dcl); /* calls vnc_switch */
        vs->dcl_registered = true;
    } else {
        /* No display device (-vga none): a blank screen that still takes
         * the keyboard and mouse. */
        vs->own_surface = surface_create_placeholder(VNC_BLANK_W, VNC_BLANK_H);
        vnc_switch(vs, vs->own_surface);
    }
    return 0;
}
#endif
