/*
 * The "socket" backend: frames carried over a host socket, so that emu
 * instances (and qemu-system ones) are wired together without privileges.
 *
 *   -netdev socket,id=n0,listen=[HOST]:PORT    TCP server, one peer at a time
 *   -netdev socket,id=n0,connect=HOST:PORT     TCP client
 *   -netdev socket,id=n0,mcast=MADDR:PORT[,localaddr=ADDR]
 *                                              UDP multicast: a shared segment
 *   -netdev socket,id=n0,udp=HOST:PORT,localaddr=HOST:PORT
 *                                              a UDP point-to-point pair
 *   -netdev socket,id=n0,fd=N                  a socket emu inherited
 *
 * On a stream each frame is a 4-byte big-endian length and then the frame,
 * QEMU's format, so emu interoperates with qemu-system's -netdev socket.  A
 * datagram carries one frame.  Addresses are IPv4, as QEMU's.
 *
 * Back-pressure both ways.  Frames read from the socket go out with
 * net_send_async(); when the receiver cannot take one, reading stops (the
 * host's socket buffers fill and the sender on the other end blocks) until
 * the sent callback runs.  Frames for the socket that it cannot take now
 * (EAGAIN) stay queued in the net layer (receive() returns 0) until the fd
 * becomes writable; a frame the socket took only part of is finished from
 * our own buffer before anything else is written.
 *
 * A stream is untrusted input: a length of 0 or above NET_MAX_FRAME ends
 * the connection with a message; partial reads are reassembled.
 *
 * Departures from QEMU 7.2, each because QEMU's behaviour fails silently:
 * connect= connects at start-up and fails with a message when nobody
 * listens (QEMU's non-blocking connect leaves a dead netdev and says
 * nothing); "info network" tells a listening socket that waits for its peer
 * and a connection that ended (QEMU shows nothing).
 */
#include "net/net-int.h"
#include "emu/iov.h"
#include "emu/main-loop.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

/* Stream input: room for a whole largest frame plus what the next read
 * brings, so one recv() may carry many small frames. */
#define STREAM_HDR     4
#define STREAM_RX_SIZE (2 * (STREAM_HDR + NET_MAX_FRAME))

typedef struct SocketNet {
    NetClientState nc;
    bool dgram;
    int fd;        /* the connection or datagram socket, -1 if none */
    int listen_fd; /* listen=: the server socket, -1 otherwise */
    /* Datagrams: where frames go (unless the socket is connected). */
    struct sockaddr_in dst;
    bool dgram_connected;
    guint in_watch, out_watch, listen_watch;
    /* A frame read from the socket waits at the receiver: stop reading. */
    bool paused;
    /* The socket refused a frame (EAGAIN): wait for G_IO_OUT. */
    bool blocked;
    BH *resume_bh;
    /* Input not yet made into frames (stream) / one datagram. */
    uint8_t *rx;
    size_t rx_start, rx_end;
    /* Stream output: a frame the socket took only part of. */
    uint8_t *tx;
    size_t tx_off, tx_len;
    char *addr; /* listen= address as "127.0.0.1:1234" */
} SocketNet;

static void socket_update_watches(SocketNet *s);
static void socket_listen_start(SocketNet *s);

/* ---- Addresses -------------------------------------------------------------
 */

/* "HOST:PORT" (HOST empty: any address) -> sa, as QEMU words the errors. */
static int parse_host_port(struct sockaddr_in *sa, const char *str,
                           Error **errp)
{
    const char *colon = strrchr(str, ':');
    if (!colon) {
        error_setg(errp,
                   "host address '%s' doesn't contain ':' separating host "
                   "from port",
                   str);
        return -1;
    }
    char *end;
    errno = 0;
    long port = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end || errno || port < 0 || port > 65535) {
        error_setg(errp, "error parsing port in address '%s'", str);
        return -1;
    }
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons(port);
    char *host = g_strndup(str, colon - str);
    int rc = 0;
    if (!*host) {
        sa->sin_addr.s_addr = htonl(INADDR_ANY);
    } else if (!inet_aton(host, &sa->sin_addr)) {
        struct addrinfo hints = {.ai_family = AF_INET}, *res;
        if (getaddrinfo(host, NULL, &hints, &res)) {
            error_setg(errp, "can't resolve host address '%s'", host);
            rc = -1;
        } else {
            sa->sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
            freeaddrinfo(res);
        }
    }
    g_free(host);
    return rc;
}

static char *format_addr(const struct sockaddr_in *sa)
{
    return g_strdup_printf("%s:%d", inet_ntoa(sa->sin_addr),
                           ntohs(sa->sin_port));
}

static void set_nonblock_cloexec(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

/* ---- Watches ---------------------------------------------------------------
 */

static void set_watch(guint *id, bool want, int fd, GIOCondition cond,
                      GUnixFDSourceFunc fn, void *opaque)
{
    if (want && !*id) {
        *id = g_unix_fd_add(fd, cond, fn, opaque);
    } else if (!want && *id) {
        g_source_remove(*id);
        *id = 0;
    }
}

/* ---- The connection ends ---------------------------------------------------
 */

static void socket_close_conn(SocketNet *s)
{
    if (s->fd < 0) {
        return;
    }
    close(s->fd);
    s->fd = -1;
    s->rx_start = s->rx_end = 0;
    s->tx_off = s->tx_len = 0;
    s->blocked = false;
    s->paused = false;
    socket_update_watches(s);
    /* What waited for this connection has nowhere to go. */
    net_purge_queued(&s->nc);
    if (s->listen_fd >= 0) {
        snprintf(s->nc.info_str, sizeof(s->nc.info_str),
                 "socket: listen=%s (waiting for a connection)", s->addr);
        socket_listen_start(s);
    } else {
        /* "socket: connect to 10.0.0.1:1234" or "socket: fd=3": no
         * reconnect, as QEMU; the line says the link is dead. */
        g_strlcat(s->nc.info_str, " (disconnected)", sizeof(s->nc.info_str));
    }
}

/* ---- From the socket to the net layer ------------------------------------ */

static void socket_sent(NetClientState *nc, ssize_t ret)
{
    SocketNet *s = (SocketNet *)nc;
    /* Resume from the main loop, not from inside the receiver's flush:
     * the stream may hold whole frames that no fd event will announce. */
    s->paused = false;
    bh_schedule(s->resume_bh);
}

/* Cut the stream's buffered bytes into frames and send them on, until
 * one has to wait or the bytes run out. */
static void socket_parse_stream(SocketNet *s)
{
    while (s->fd >= 0 && !s->paused) {
        size_t avail = s->rx_end - s->rx_start;
        if (avail < STREAM_HDR) {
            break;
        }
        const uint8_t *p = s->rx + s->rx_start;
        uint32_t len = (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
        if (len == 0 || len > NET_MAX_FRAME) {
            error_report("-netdev socket %s: frame length %" PRIu32
                         " from the peer is out of range (1-%d): closing "
                         "the connection",
                         s->nc.name, len, NET_MAX_FRAME);
            socket_close_conn(s);
            return;
        }
        if (avail < STREAM_HDR + len) {
            break;
        }
        s->rx_start += STREAM_HDR + len;
        if (net_send_async(&s->nc, p + STREAM_HDR, len, socket_sent) == 0) {
            s->paused = true;
        }
    }
    if (s->rx_start == s->rx_end) {
        s->rx_start = s->rx_end = 0;
    }
    socket_update_watches(s);
}

static gboolean socket_stream_readable(gint fd, GIOCondition cond,
                                       gpointer opaque)
{
    SocketNet *s = opaque;
    if (s->rx_start > 0) {
        memmove(s->rx, s->rx + s->rx_start, s->rx_end - s->rx_start);
        s->rx_end -= s->rx_start;
        s->rx_start = 0;
    }
    ssize_t n = recv(s->fd, s->rx + s->rx_end, STREAM_RX_SIZE - s->rx_end, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return G_SOURCE_CONTINUE;
    }
    if (n <= 0) {
        socket_close_conn(s); /* the peer went away (or reset) */
        return G_SOURCE_CONTINUE;
    }
    s->rx_end += n;
    socket_parse_stream(s);
    return G_SOURCE_CONTINUE;
}

static gboolean socket_dgram_readable(gint fd, GIOCondition cond,
                                      gpointer opaque)
{
    SocketNet *s = opaque;
    /* A few datagrams per wake-up, not the whole backlog: other fds and
     * the vCPUs get their turn. */
    for (int i = 0; i < 64 && !s->paused; i++) {
        /* MSG_TRUNC: the datagram's real length, so that one larger
         * than a frame (a unix socket can carry one) is not cut. */
        ssize_t n = recv(s->fd, s->rx, NET_MAX_FRAME, MSG_TRUNC);
        if (n < 0) {
            /* EAGAIN, or an ICMP error reported on a connected socket:
             * neither ends a datagram link. */
            break;
        }
        if (n == 0 || n > NET_MAX_FRAME) {
            continue; /* no frame: empty, or larger than any frame */
        }
        if (net_send_async(&s->nc, s->rx, n, socket_sent) == 0) {
            s->paused = true;
        }
    }
    socket_update_watches(s);
    return G_SOURCE_CONTINUE;
}

static void socket_resume(void *opaque)
{
    SocketNet *s = opaque;
    if (s->dgram) {
        socket_update_watches(s);
    } else {
        socket_parse_stream(s);
    }
}

/* ---- From the net layer to the socket ------------------------------------ */

static bool socket_can_receive(NetClientState *nc)
{
    SocketNet *s = (SocketNet *)nc;
    /* Without a connection frames are dropped (a cable to nowhere), so
     * they must not pile up in the queue. */
    return s->fd < 0 || (!s->blocked && s->tx_len == 0);
}

static ssize_t socket_receive_stream(NetClientState *nc, const uint8_t *buf,
                                     size_t len)
{
    SocketNet *s = (SocketNet *)nc;
    if (s->fd < 0) {
        return len;
    }
    if (s->blocked || s->tx_len) {
        return 0;
    }
    if (len > NET_MAX_FRAME) {
        return -1;
    }
    uint8_t *t = s->tx;
    t[0] = len >> 24;
    t[1] = len >> 16;
    t[2] = len >> 8;
    t[3] = len;
    memcpy(t + STREAM_HDR, buf, len);
    size_t total = STREAM_HDR + len;
    ssize_t n;
    do {
        n = send(s->fd, t, total, MSG_DONTWAIT | MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        /* Full: the layer keeps the frame until we flush on G_IO_OUT. */
        s->blocked = true;
        socket_update_watches(s);
        return 0;
    }
    if (n < 0) {
        socket_close_conn(s); /* EPIPE, ECONNRESET: the peer is gone */
        return len;
    }
    if ((size_t)n < total) {
        /* Part of it is on the wire: the rest must follow before any
         * other frame, or the stream loses its framing. */
        s->tx_off = n;
        s->tx_len = total;
        socket_update_watches(s);
    }
    return len;
}

static ssize_t socket_receive_dgram(NetClientState *nc, const uint8_t *buf,
                                    size_t len)
{
    SocketNet *s = (SocketNet *)nc;
    if (s->blocked) {
        return 0;
    }
    ssize_t n;
    do {
        n = s->dgram_connected
                ? send(s->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL)
                : sendto(s->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL,
                         (struct sockaddr *)&s->dst, sizeof(s->dst));
    } while (n < 0 && errno == EINTR);
    if (n < 0 &&
        (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
        s->blocked = true;
        socket_update_watches(s);
        return 0;
    }
    /* Other errors (no route, a refused port): lost, as on a wire. */
    return n < 0 ? -1 : (ssize_t)len;
}

static gboolean socket_writable(gint fd, GIOCondition cond, gpointer opaque)
{
    SocketNet *s = opaque;
    if (s->tx_len) {
        ssize_t n = send(s->fd, s->tx + s->tx_off, s->tx_len - s->tx_off,
                         MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            return G_SOURCE_CONTINUE;
        }
        if (n < 0) {
            socket_close_conn(s);
            return G_SOURCE_CONTINUE;
        }
        s->tx_off += n;
        if (s->tx_off < s->tx_len) {
            return G_SOURCE_CONTINUE;
        }
        s->tx_off = s->tx_len = 0;
    }
    s->blocked = false;
    socket_update_watches(s);
    net_flush_queued(&s->nc);
    return G_SOURCE_CONTINUE;
}

static void socket_update_watches(SocketNet *s)
{
    bool on = s->fd >= 0;
    set_watch(&s->in_watch, on && !s->paused, s->fd,
              G_IO_IN | G_IO_HUP | G_IO_ERR,
              s->dgram ? socket_dgram_readable : socket_stream_readable, s);
    set_watch(&s->out_watch, on && (s->blocked || s->tx_len), s->fd,
              G_IO_OUT | G_IO_ERR, socket_writable, s);
}

/* ---- Set-up ----------------------------------------------------------------
 */

static void socket_cleanup(NetClientState *nc)
{
    SocketNet *s = (SocketNet *)nc;
    set_watch(&s->in_watch, false, -1, 0, NULL, NULL);
    set_watch(&s->out_watch, false, -1, 0, NULL, NULL);
    set_watch(&s->listen_watch, false, -1, 0, NULL, NULL);
    if (s->fd >= 0) {
        close(s->fd);
    }
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
    }
    bh_delete(s->resume_bh);
    g_free(s->rx);
    g_free(s->tx);
    g_free(s->addr);
}

static const NetClientInfo socket_stream_info = {
    .type = "socket",
    .size = sizeof(SocketNet),
    .receive = socket_receive_stream,
    .can_receive = socket_can_receive,
    .cleanup = socket_cleanup,
};

static const NetClientInfo socket_dgram_info = {
    .type = "socket",
    .size = sizeof(SocketNet),
    .receive = socket_receive_dgram,
    .can_receive = socket_can_receive,
    .cleanup = socket_cleanup,
};

static SocketNet *socket_new(bool dgram, const char *name, NetClientState *peer)
{
    SocketNet *s = (SocketNet *)net_client_new(
        dgram ? &socket_dgram_info : &socket_stream_info, peer, "socket", name);
    s->dgram = dgram;
    s->fd = s->listen_fd = -1;
    s->resume_bh = bh_new(socket_resume, s);
    s->rx = g_malloc(dgram ? NET_MAX_FRAME : STREAM_RX_SIZE);
    if (!dgram) {
        s->tx = g_malloc(STREAM_HDR + NET_MAX_FRAME);
    }
    return s;
}

static void socket_attach(SocketNet *s, int fd)
{
    set_nonblock_cloexec(fd);
    if (!s->dgram) {
        /* Frames are latency-bound (ping, TCP acks in the guest): no
         * Nagle delay, as QEMU. */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    s->fd = fd;
    socket_update_watches(s);
}

static gboolean socket_accept_cb(gint fd, GIOCondition cond, gpointer opaque)
{
    SocketNet *s = opaque;
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    int c = accept(s->listen_fd, (struct sockaddr *)&sa, &sl);
    if (c < 0) {
        return G_SOURCE_CONTINUE; /* EAGAIN, ECONNABORTED: keep waiting */
    }
    /* One peer at a time: the next waits in the backlog until this one
     * leaves. */
    s->listen_watch = 0;
    snprintf(s->nc.info_str, sizeof(s->nc.info_str),
             "socket: connection from %s:%d", inet_ntoa(sa.sin_addr),
             ntohs(sa.sin_port));
    socket_attach(s, c);
    return G_SOURCE_REMOVE;
}

static void socket_listen_start(SocketNet *s)
{
    set_watch(&s->listen_watch, true, s->listen_fd, G_IO_IN, socket_accept_cb,
              s);
}

/* A socket of type (SOCK_STREAM, SOCK_DGRAM) bound to sa, with
 * SO_REUSEADDR so that a restarted emu gets its port back at once.
 * The fd, or -1 with errp. */
static int bound_socket(int type, const struct sockaddr_in *sa, Error **errp)
{
    int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg(errp, "can't create %s socket: %s",
                   type == SOCK_STREAM ? "stream" : "datagram",
                   strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
        error_setg(errp, "can't bind ip=%s to socket: %s",
                   inet_ntoa(sa->sin_addr), strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int socket_listen_init(const char *str, const char *name,
                              NetClientState *peer, Error **errp)
{
    struct sockaddr_in sa;
    if (parse_host_port(&sa, str, errp) < 0) {
        return -1;
    }
    int fd = bound_socket(SOCK_STREAM, &sa, errp);
    if (fd < 0) {
        return -1;
    }
    if (listen(fd, 1) < 0) {
        error_setg(errp, "can't listen on socket: %s", strerror(errno));
        close(fd);
        return -1;
    }
    set_nonblock_cloexec(fd);
    socklen_t sl = sizeof(sa);
    getsockname(fd, (struct sockaddr *)&sa, &sl); /* the port, if 0 */
    SocketNet *s = socket_new(false, name, peer);
    s->listen_fd = fd;
    s->addr = format_addr(&sa);
    snprintf(s->nc.info_str, sizeof(s->nc.info_str),
             "socket: listen=%s (waiting for a connection)", s->addr);
    socket_listen_start(s);
    return 0;
}

static int socket_connect_init(const char *str, const char *name,
                               NetClientState *peer, Error **errp)
{
    struct sockaddr_in sa;
    if (parse_host_port(&sa, str, errp) < 0) {
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg(errp, "can't create stream socket: %s", strerror(errno));
        return -1;
    }
    int rc;
    do {
        rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        char *a = format_addr(&sa);
        error_setg(errp,
                   "can't connect to %s: %s (start the side with listen= "
                   "first)",
                   a, strerror(errno));
        g_free(a);
        close(fd);
        return -1;
    }
    SocketNet *s = socket_new(false, name, peer);
    char *a = format_addr(&sa);
    snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: connect to %s",
             a);
    g_free(a);
    socket_attach(s, fd);
    return 0;
}

static int socket_mcast_init(const char *str, const char *local,
                             const char *name, NetClientState *peer,
                             Error **errp)
{
    struct sockaddr_in sa;
    struct in_addr la = {.s_addr = htonl(INADDR_ANY)};
    if (parse_host_port(&sa, str, errp) < 0) {
        return -1;
    }
    if (!IN_MULTICAST(ntohl(sa.sin_addr.s_addr))) {
        error_setg(errp,
                   "specified mcastaddr %s (0x%08x) does not contain a "
                   "multicast address",
                   inet_ntoa(sa.sin_addr), ntohl(sa.sin_addr.s_addr));
        return -1;
    }
    if (local && !inet_aton(local, &la)) {
        error_setg(errp, "localaddr '%s' is not a valid IPv4 address", local);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg(errp, "can't create datagram socket: %s", strerror(errno));
        return -1;
    }
    /* Every member of the segment binds the same group and port. */
    int one = 1;
    struct ip_mreq mr = {.imr_multiaddr = sa.sin_addr, .imr_interface = la};
    const char *what = NULL;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
        what = "can't set socket option SO_REUSEADDR";
    } else if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        what = "can't bind the multicast address";
    } else if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) <
               0) {
        what = "can't add socket to the multicast group";
    } else if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &one,
                          sizeof(one)) < 0) {
        /* Loopback on: instances on this host see each other. */
        what = "can't force multicast messages to loopback";
    } else if (local && setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &la,
                                   sizeof(la)) < 0) {
        what = "can't set the multicast send interface";
    }
    if (what) {
        error_setg(errp, "%s %s: %s", what, str, strerror(errno));
        close(fd);
        return -1;
    }
    SocketNet *s = socket_new(true, name, peer);
    s->dst = sa;
    char *a = format_addr(&sa);
    snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: mcast=%s", a);
    g_free(a);
    socket_attach(s, fd);
    return 0;
}

static int socket_udp_init(const char *remote, const char *local,
                           const char *name, NetClientState *peer, Error **errp)
{
    struct sockaddr_in ra, la;
    if (parse_host_port(&la, local, errp) < 0 ||
        parse_host_port(&ra, remote, errp) < 0) {
        return -1;
    }
    int fd = bound_socket(SOCK_DGRAM, &la, errp);
    if (fd < 0) {
        return -1;
    }
    SocketNet *s = socket_new(true, name, peer);
    s->dst = ra;
    char *a = format_addr(&ra);
    snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: udp=%s", a);
    g_free(a);
    socket_attach(s, fd);
    return 0;
}

static int socket_fd_init(const char *str, const char *name,
                          NetClientState *peer, Error **errp)
{
    char *end;
    errno = 0;
    long fd = strtol(str, &end, 10);
    if (!*str || *end || errno || fd < 0 || fd > INT32_MAX) {
        error_setg(errp, "fd=%s: not a file descriptor number", str);
        return -1;
    }
    int type;
    socklen_t tl = sizeof(type);
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0) {
        error_setg(errp, "fd=%ld: %s", fd,
                   errno == ENOTSOCK ? "not a socket" : strerror(errno));
        return -1;
    }
    if (type != SOCK_STREAM && type != SOCK_DGRAM) {
        error_setg(errp,
                   "socket type=%d for fd=%ld must be either SOCK_DGRAM or "
                   "SOCK_STREAM",
                   type, fd);
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    bool connected = getpeername(fd, (struct sockaddr *)&ss, &sl) == 0;
    if (!connected) {
        /* A stream must already carry its peer; a datagram socket has no
         * other way to know where frames go. */
        error_setg(errp, "fd=%ld: the socket must be connected", fd);
        return -1;
    }
    SocketNet *s = socket_new(type == SOCK_DGRAM, name, peer);
    s->dgram_connected = true;
    /* QEMU's words: a datagram socket's family follows the number. */
    snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: fd=%ld%s", fd,
             type == SOCK_STREAM       ? ""
             : ss.ss_family == AF_UNIX ? " unix"
                                       : " inet");
    socket_attach(s, fd);
    return 0;
}

static int socket_init(KeyValOpts *opts, const char *name, NetClientState *peer,
                       Error **errp)
{
    const char *fd = keyval_get(opts, "fd");
    const char *listen = keyval_get(opts, "listen");
    const char *connect = keyval_get(opts, "connect");
    const char *mcast = keyval_get(opts, "mcast");
    const char *udp = keyval_get(opts, "udp");
    const char *local = keyval_get(opts, "localaddr");
    if (!!fd + !!listen + !!connect + !!mcast + !!udp != 1) {
        error_setg(errp, "exactly one of fd=, listen=, connect=, mcast= or "
                         "udp= is required");
        return -1;
    }
    if (local && !mcast && !udp) {
        error_setg(errp, "localaddr= is only valid with mcast= or udp=");
        return -1;
    }
    if (fd) {
        return socket_fd_init(fd, name, peer, errp);
    }
    if (listen) {
        return socket_listen_init(listen, name, peer, errp);
    }
    if (connect) {
        return socket_connect_init(connect, name, peer, errp);
    }
    if (mcast) {
        return socket_mcast_init(mcast, local, name, peer, errp);
    }
    if (!local) {
        error_setg(errp, "localaddr= is mandatory with udp=");
        return -1;
    }
    return socket_udp_init(udp, local, name, peer, errp);
}

static const NetBackend socket_backend = {
    .type = "socket",
    .help = "frames over TCP (listen=/connect=), UDP (mcast=/udp=) or fd=",
    .init = socket_init,
    .netdev_ok = true,
    .legacy_ok = true,
};
NET_BACKEND_REGISTER(socket_backend)
