/*
 * "pty" chardev: a pseudo-terminal whose slave side (/dev/pts/N) a user
 * opens with screen/minicom.  Announced as QEMU does:
 *     char device redirected to /dev/pts/N (label serial0)
 * While no one has the slave open the master reports HUP: output is
 * dropped and a 1 s timer looks for a connection (QEMU does the same).
 */
#include "emu/common.h"
#include "emu/chardev.h"
#include "system/chardev-internal.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

typedef struct PtyChardev {
    Chardev parent;
    int master;
    bool connected;
    guint timer;
    char *name;
} PtyChardev;

static void pty_update(PtyChardev *p);

static gboolean pty_timer(gpointer opaque)
{
    PtyChardev *p = opaque;
    p->timer = 0;
    pty_update(p);
    return G_SOURCE_REMOVE;
}

static void pty_set_connected(PtyChardev *p, bool connected)
{
    Chardev *chr = &p->parent;
    if (connected == p->connected) {
        return;
    }
    p->connected = connected;
    if (connected) {
        chr_fd_init(chr, p->master, p->master, true);
        chr_be_event(chr, CHR_EVENT_OPENED);
    } else {
        chr_fd_stop(chr);
        chr_be_event(chr, CHR_EVENT_CLOSED);
    }
    if (chr_has_watches(chr)) {
        chr_fd_watch_added(chr);
    }
}

/* Poll the master for HUP (no slave open) and schedule the next check. */
static void pty_update(PtyChardev *p)
{
    struct pollfd pf = {.fd = p->master, .events = POLLOUT};
    poll(&pf, 1, 0);
    bool connected = !(pf.revents & POLLHUP);
    pty_set_connected(p, connected);
    if (!connected && !p->timer) {
        p->timer = g_timeout_add(1000, pty_timer, p);
    }
}

static void pty_readable(Chardev *chr)
{
    PtyChardev *p = (PtyChardev *)chr;
    uint8_t buf[4096];
    int n = chr_be_can_receive(chr);
    if (n <= 0) {
        return;
    }
    ssize_t r = read(p->master, buf, MIN(n, (int)sizeof(buf)));
    if (r > 0) {
        chr_be_receive(chr, buf, r);
    } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        pty_update(p); /* EIO: the slave was closed */
    }
}

static int pty_open(Chardev *chr, ChrOpts *opts, Error **errp)
{
    PtyChardev *p = (PtyChardev *)chr;
    chr->connection = true;
    p->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (p->master < 0 || grantpt(p->master) < 0 || unlockpt(p->master) < 0) {
        error_setg(errp, "cannot create a pty: %s", strerror(errno));
        return -1;
    }
    fcntl(p->master, F_SETFD, FD_CLOEXEC);
    fcntl(p->master, F_SETFL, fcntl(p->master, F_GETFL) | O_NONBLOCK);
    p->name = g_strdup(ptsname(p->master));
    /* Raw mode on the line, so the guest sees bytes as typed. */
    int slave = open(p->name, O_RDWR | O_NOCTTY);
    if (slave >= 0) {
        struct termios tty;
        if (tcgetattr(slave, &tty) == 0) {
            cfmakeraw(&tty);
            tcsetattr(slave, TCSAFLUSH, &tty);
        }
        close(slave);
    }
    fprintf(stderr, "char device redirected to %s (label %s)\n", p->name,
            chr->label);
    chr->fd_readable = pty_readable;
    pty_update(p);
    return 0;
}

static int pty_write(Chardev *chr, const uint8_t *buf, int len)
{
    PtyChardev *p = (PtyChardev *)chr;
    if (!p->connected) {
        pty_update(p);
        if (!p->connected) {
            return len; /* nobody is there: dropped */
        }
    }
    int r = chr_fd_write(chr, buf, len);
    if (r < 0) {
        pty_update(p);
        return len;
    }
    return r;
}

static void pty_close(Chardev *chr)
{
    PtyChardev *p = (PtyChardev *)chr;
    chr_fd_stop(chr);
    if (p->timer) {
        g_source_remove(p->timer);
        p->timer = 0;
    }
    if (p->master >= 0) {
        close(p->master);
        p->master = -1;
    }
    g_free(p->name);
    p->name = NULL;
}

const ChardevClass chardev_pty_class = {
    .name = "pty",
    .size = sizeof(PtyChardev),
    .open = pty_open,
    .write = pty_write,
    .wait_writable = chr_fd_wait_writable,
    .watch_added = chr_fd_watch_added,
    .close = pty_close,
};

const char *chr_pty_name(Chardev *chr)
{
    if (!chr || chr->cls != &chardev_pty_class) {
        return NULL;
    }
    return ((PtyChardev *)chr)->name;
}
