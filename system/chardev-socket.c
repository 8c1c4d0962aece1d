/*
 * "socket" chardev: TCP or unix-domain stream sockets, client or server
 * (-serial tcp:HOST:PORT[,server=on][,wait=off], unix:PATH[,server][,nowait],
 * -chardev socket,id=ID,host=,port=,path=,server=,wait=).
 *
 * A server takes one client at a time; while none is connected output is
 * dropped (as QEMU does), and when the client goes away the next one is
 * accepted.  server with wait=on (the default) blocks at creation until a
 * client connects.  A client connects at creation and fails if nobody
 * listens; after a disconnect its output is dropped (no reconnect yet).
 */
#include "emu/common.h"
#include "emu/chardev.h"
#include "system/chardev-internal.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

typedef struct SocketChardev {
    Chardev parent;
    bool is_unix;
    bool server;
    bool nodelay;
    int listen_fd;
    guint listen_watch;
    int fd;     /* the connection, -1 if none */
    char *path; /* unix: unlinked on close when we are the server */
    int port;   /* bound or connected port (tcp) */
    char *desc; /* for messages: "tcp:127.0.0.1:4444,server=on" */
} SocketChardev;

static void socket_listen_start(SocketChardev *s);

static void set_nonblock(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void socket_disconnect(SocketChardev *s)
{
    Chardev *chr = &s->parent;
    if (s->fd < 0) {
        return;
    }
    chr_fd_stop(chr);
    close(s->fd);
    s->fd = -1;
    chr_be_event(chr, CHR_EVENT_CLOSED);
    if (chr_has_watches(chr)) {
        chr_fd_watch_added(chr); /* output is dropped now: writable */
    }
    if (s->server) {
        socket_listen_start(s);
    }
}

static void socket_readable(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;
    uint8_t buf[4096];
    int n = chr_be_can_receive(chr);
    if (n <= 0) {
        return;
    }
    ssize_t r = recv(s->fd, buf, MIN(n, (int)sizeof(buf)), MSG_DONTWAIT);
    if (r > 0) {
        chr_be_receive(chr, buf, r);
    } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        socket_disconnect(s);
    }
}

static void socket_connected(SocketChardev *s, int fd)
{
    Chardev *chr = &s->parent;
    set_nonblock(fd);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (!s->is_unix && s->nodelay) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    s->fd = fd;
    chr->fd_readable = socket_readable;
    chr_fd_init(chr, fd, fd, true);
    chr_be_event(chr, CHR_EVENT_OPENED);
    if (chr_has_watches(chr)) {
        chr_fd_watch_added(chr);
    }
}

static gboolean socket_accept_cb(GIOChannel *ch, GIOCondition cond,
                                 gpointer opaque)
{
    SocketChardev *s = opaque;
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0) {
        return G_SOURCE_CONTINUE; /* EAGAIN, ECONNABORTED: keep listening */
    }
    s->listen_watch = 0;
    socket_connected(s, fd);
    return G_SOURCE_REMOVE; /* one client at a time */
}

static void socket_listen_start(SocketChardev *s)
{
    if (s->listen_watch || s->listen_fd < 0) {
        return;
    }
    GIOChannel *ch = g_io_channel_unix_new(s->listen_fd);
    s->listen_watch = g_io_add_watch(ch, G_IO_IN, socket_accept_cb, s);
    g_io_channel_unref(ch);
    g_main_context_wakeup(NULL);
}

static int socket_open_unix(SocketChardev *s, const char *path, Error **errp)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        error_setg(errp, "unix socket path '%s' is too long", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg(errp, "socket: %s", strerror(errno));
        return -1;
    }
    if (s->server) {
        unlink(path);
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            listen(fd, 1) < 0) {
            error_setg(errp, "cannot listen on '%s': %s", path,
                       strerror(errno));
            close(fd);
            return -1;
        }
        s->listen_fd = fd;
        s->path = g_strdup(path);
        return 0;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        error_setg(errp, "cannot connect to '%s': %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    socket_connected(s, fd);
    return 0;
}

static int socket_open_tcp(SocketChardev *s, const char *host, const char *port,
                           Error **errp)
{
    struct addrinfo hints = {0}, *res, *ai;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = AF_UNSPEC;
    if (s->server) {
        hints.ai_flags = AI_PASSIVE;
    }
    const char *h = host && *host ? host : (s->server ? NULL : "localhost");
    int rc = getaddrinfo(h, port, &hints, &res);
    if (rc) {
        error_setg(errp, "address '%s:%s': %s", host ? host : "", port,
                   gai_strerror(rc));
        return -1;
    }
    int err = 0;
    for (ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                        ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (s->server) {
            int one = 1;
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
                listen(fd, 1) < 0) {
                err = errno;
                close(fd);
                continue;
            }
            struct sockaddr_storage ss;
            socklen_t sl = sizeof(ss);
            getsockname(fd, (struct sockaddr *)&ss, &sl);
            s->port = ntohs(ss.ss_family == AF_INET6
                                ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                : ((struct sockaddr_in *)&ss)->sin_port);
            s->listen_fd = fd;
            freeaddrinfo(res);
            return 0;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            err = errno;
            close(fd);
            continue;
        }
        s->port = atoi(port);
        freeaddrinfo(res);
        socket_connected(s, fd);
        return 0;
    }
    freeaddrinfo(res);
    error_setg(errp, "cannot %s '%s:%s': %s",
               s->server ? "listen on" : "connect to", host ? host : "", port,
               strerror(err ? err : EADDRNOTAVAIL));
    return -1;
}

static int socket_open(Chardev *chr, ChrOpts *opts, Error **errp)
{
    SocketChardev *s = (SocketChardev *)chr;
    const char *host = chr_opt_get(opts, "host");
    const char *port = chr_opt_get(opts, "port");
    const char *path = chr_opt_get(opts, "path");
    bool wait, telnet;
    s->fd = s->listen_fd = -1;
    chr->connection = true;
    if (chr_opt_bool(opts, "server", false, &s->server, errp) < 0 ||
        chr_opt_bool(opts, "wait", true, &wait, errp) < 0 ||
        chr_opt_bool(opts, "nodelay", false, &s->nodelay, errp) < 0 ||
        chr_opt_bool(opts, "telnet", false, &telnet, errp) < 0) {
        return -1;
    }
    if (telnet) {
        log_unimp_once("chardev %s: telnet negotiation not supported",
                       chr->label);
    }
    if (chr_opt_get(opts, "reconnect")) {
        log_unimp_once("chardev %s: reconnect not supported", chr->label);
    }
    if (path && (host || port)) {
        error_setg(errp, "socket: give either path= or host=/port=");
        return -1;
    }
    if (path) {
        s->is_unix = true;
        s->desc =
            g_strdup_printf("unix:%s%s", path, s->server ? ",server=on" : "");
    } else {
        if (!port || !*port) {
            error_setg(errp, "socket: a port= (or path=) is required");
            return -1;
        }
        char *end;
        long p = strtol(port, &end, 10);
        if (*end || p < 0 || p > 65535) {
            error_setg(errp, "socket: bad port '%s'", port);
            return -1;
        }
    }
    int r = s->is_unix ? socket_open_unix(s, path, errp)
                       : socket_open_tcp(s, host, port, errp);
    if (r < 0) {
        return -1;
    }
    if (!s->is_unix) {
        s->desc =
            g_strdup_printf("tcp:%s:%d%s", host && *host ? host : "0.0.0.0",
                            s->port, s->server ? ",server=on" : "");
    }
    if (s->server) {
        if (wait) {
            fprintf(stderr,
                    "emu: info: waiting for connection on: "
                    "disconnected:%s\n",
                    s->desc);
            int fd;
            do {
                fd = accept(s->listen_fd, NULL, NULL);
            } while (fd < 0 && errno == EINTR);
            if (fd < 0) {
                error_setg(errp, "accept on %s: %s", s->desc, strerror(errno));
                return -1;
            }
            socket_connected(s, fd);
        } else {
            socket_listen_start(s);
        }
    }
    set_nonblock(s->listen_fd >= 0 ? s->listen_fd : s->fd);
    return 0;
}

static int socket_write(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChardev *s = (SocketChardev *)chr;
    if (s->fd < 0) {
        return len; /* nobody connected: dropped */
    }
    for (;;) {
        ssize_t r = send(s->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (r >= 0) {
            return r;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return 0;
        }
        socket_disconnect(s); /* EPIPE, ECONNRESET */
        return len;
    }
}

static void socket_wait_writable(Chardev *chr)
{
    chr_fd_wait_writable(chr);
}

static void socket_close(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;
    chr_fd_stop(chr);
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    if (s->listen_watch) {
        g_source_remove(s->listen_watch);
        s->listen_watch = 0;
    }
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        s->listen_fd = -1;
    }
    if (s->path && s->server) {
        unlink(s->path);
    }
    g_free(s->path);
    s->path = NULL;
    g_free(s->desc);
    s->desc = NULL;
}

const ChardevClass chardev_socket_class = {
    .name = "socket",
    .size = sizeof(SocketChardev),
    .open = socket_open,
    .write = socket_write,
    .wait_writable = socket_wait_writable,
    .watch_added = chr_fd_watch_added,
    .close = socket_close,
};

int chardev_socket_port(Chardev *chr)
{
    if (!chr || chr->cls != &chardev_socket_class) {
        return -1;
    }
    SocketChardev *s = (SocketChardev *)chr;
    return s->is_unix ? -1 : s->port;
}

const char *chardev_socket_desc(Chardev *chr)
{
    if (!chr || chr->cls != &chardev_socket_class) {
        return NULL;
    }
    return ((SocketChardev *)chr)->desc;
}
