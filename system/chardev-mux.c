/*
 * The mux chardev: several frontends (serial ports, the monitor) share one
 * backend, as QEMU's "mon:stdio", -nographic and -chardev ...,mux=on do.
 * Output of every frontend goes to the backend; input goes to the frontend
 * with the focus, after the escape sequences are taken out:
 *
 *   C-a h  help          C-a x  quit         C-a s  sync (no-op)
 *   C-a b  break event   C-a c  next frontend (serial <-> monitor)
 *   C-a t  timestamps    C-a C-a  a literal C-a
 *
 * Each frontend has a small input buffer so that escapes still work while
 * the focused frontend cannot take input (a guest not reading its UART).
 */
#include "emu/common.h"
#include "emu/chardev.h"
#include "emu/main-loop.h"
#include "system/chardev-internal.h"

#define MUX_MAX_FE   4
#define MUX_BUF_SIZE 64
#define MUX_ESCAPE   0x01 /* C-a */

typedef struct MuxFe {
    ChrCanReceive *can_receive;
    ChrReceive *receive;
    ChrEvent *event;
    void *opaque;
    bool is_monitor;
    uint8_t buf[MUX_BUF_SIZE];
    int len;
} MuxFe;

typedef struct MuxChardev {
    Chardev parent;
    Chardev *be;
    MuxFe fe[MUX_MAX_FE];
    int nfe;
    int focus;     /* -1: nobody attached */
    int announced; /* frontend that got MUX_IN last, -1 none */
    guint focus_idle;
    bool got_escape;
    bool timestamps;
    bool linestart;
    gint64 ts_start;
} MuxChardev;

static const char mux_help[] =
    "\r\n"
    "C-a h    print this help\r\n"
    "C-a x    exit emulator\r\n"
    "C-a s    save disk data back to file (if -snapshot)\r\n"
    "C-a t    toggle console timestamps\r\n"
    "C-a b    send break (magic sysrq)\r\n"
    "C-a c    switch between console and monitor\r\n"
    "C-a C-a  sends C-a\r\n";

static void mux_fe_event(MuxChardev *d, int i, int event)
{
    if (i >= 0 && i < d->nfe && d->fe[i].event) {
        d->fe[i].event(d->fe[i].opaque, event);
    }
}

static void mux_flush(MuxChardev *d, int i)
{
    MuxFe *fe = &d->fe[i];
    while (fe->len > 0 && fe->receive) {
        int n = fe->can_receive ? fe->can_receive(fe->opaque) : fe->len;
        if (n <= 0) {
            break;
        }
        n = MIN(n, fe->len);
        uint8_t tmp[MUX_BUF_SIZE];
        memcpy(tmp, fe->buf, n);
        memmove(fe->buf, fe->buf + n, fe->len - n);
        fe->len -= n;
        fe->receive(fe->opaque, tmp, n);
    }
}

/* Tell the focused frontend it has the focus (once per change). */
static void mux_announce(MuxChardev *d)
{
    if (d->focus_idle) {
        g_source_remove(d->focus_idle);
        d->focus_idle = 0;
    }
    if (d->announced == d->focus) {
        return;
    }
    mux_fe_event(d, d->announced, CHR_EVENT_MUX_OUT);
    d->announced = d->focus;
    mux_fe_event(d, d->focus, CHR_EVENT_MUX_IN);
}

static gboolean mux_focus_idle(gpointer opaque)
{
    MuxChardev *d = opaque;
    d->focus_idle = 0;
    mux_announce(d);
    return G_SOURCE_REMOVE;
}

static void mux_set_focus(MuxChardev *d, int focus)
{
    d->focus = focus;
    mux_announce(d);
    if (focus >= 0) {
        mux_flush(d, focus);
    }
    chr_accept_input(d->be);
}

static void mux_write_be(MuxChardev *d, const char *s)
{
    chr_write_all(d->be, (const uint8_t *)s, strlen(s));
}

/* Returns true when ch is for the focused frontend. */
static bool mux_proc_byte(MuxChardev *d, uint8_t ch)
{
    if (!d->got_escape) {
        if (ch == MUX_ESCAPE) {
            d->got_escape = true;
            return false;
        }
        return true;
    }
    d->got_escape = false;
    switch (ch) {
    case MUX_ESCAPE:
        return true;
    case 'h':
    case '?':
        mux_write_be(d, mux_help);
        break;
    case 'x':
        mux_write_be(d, "emu: Terminated\r\n");
        system_shutdown_request(SHUTDOWN_CAUSE_HOST_QUIT, 0);
        break;
    case 's':
        /* -snapshot commit is not supported: nothing to sync. */
        break;
    case 'b':
        mux_fe_event(d, d->focus, CHR_EVENT_BREAK);
        break;
    case 'c':
        if (d->nfe > 0) {
            mux_set_focus(d, (d->focus + 1) % d->nfe);
        }
        break;
    case 't':
        d->timestamps = !d->timestamps;
        d->ts_start = g_get_monotonic_time();
        break;
    default:
        break; /* unknown escapes are ignored, as in QEMU */
    }
    return false;
}

static int mux_can_receive(void *opaque)
{
    MuxChardev *d = opaque;
    if (d->focus < 0) {
        return 1; /* still read escapes (C-a x) */
    }
    return MUX_BUF_SIZE - d->fe[d->focus].len;
}

static void mux_receive(void *opaque, const uint8_t *buf, int size)
{
    MuxChardev *d = opaque;
    for (int i = 0; i < size; i++) {
        if (mux_proc_byte(d, buf[i]) && d->focus >= 0) {
            MuxFe *fe = &d->fe[d->focus];
            if (fe->len < MUX_BUF_SIZE) {
                fe->buf[fe->len++] = buf[i];
            }
            /* Never more than can_receive said; flush as we go. */
            mux_flush(d, d->focus);
        }
    }
    if (d->focus >= 0) {
        mux_flush(d, d->focus);
    }
}

static void mux_be_event(void *opaque, int event)
{
    MuxChardev *d = opaque;
    if (event == CHR_EVENT_BREAK) {
        mux_fe_event(d, d->focus, event);
        return;
    }
    for (int i = 0; i < d->nfe; i++) {
        mux_fe_event(d, i, event);
    }
}

static int mux_write(Chardev *chr, const uint8_t *buf, int len)
{
    MuxChardev *d = (MuxChardev *)chr;
    if (!d->timestamps) {
        int r = chr_write(d->be, buf, len);
        if (r > 0) {
            d->linestart = buf[r - 1] == '\n';
        }
        return r;
    }
    int done = 0;
    while (done < len) {
        if (d->linestart) {
            char ts[32];
            gint64 ms = (g_get_monotonic_time() - d->ts_start) / 1000;
            snprintf(ts, sizeof(ts), "[%02d:%02d:%02d.%03d] ",
                     (int)(ms / 3600000), (int)(ms / 60000 % 60),
                     (int)(ms / 1000 % 60), (int)(ms % 1000));
            mux_write_be(d, ts);
            d->linestart = false;
        }
        const uint8_t *nl = memchr(buf + done, '\n', len - done);
        int chunk = nl ? (int)(nl - (buf + done)) + 1 : len - done;
        int r = chr_write(d->be, buf + done, chunk);
        done += r;
        if (r < chunk) {
            break;
        }
        if (nl) {
            d->linestart = true;
        }
    }
    return done;
}

static void mux_wait_writable(Chardev *chr)
{
    MuxChardev *d = (MuxChardev *)chr;
    if (d->be->cls->wait_writable) {
        d->be->cls->wait_writable(d->be);
    }
}

static void mux_be_writable(void *opaque)
{
    MuxChardev *d = opaque;
    chr_be_writable(&d->parent);
}

static void mux_watch_added(Chardev *chr)
{
    MuxChardev *d = (MuxChardev *)chr;
    chr_add_watch(d->be, mux_be_writable, d);
}

static void mux_accept_input(Chardev *chr)
{
    MuxChardev *d = (MuxChardev *)chr;
    if (d->focus >= 0) {
        mux_flush(d, d->focus);
    }
    chr_accept_input(d->be);
}

static void mux_attach(MuxChardev *d, ChrCanReceive *can_receive,
                       ChrReceive *receive, ChrEvent *event, void *opaque,
                       bool is_monitor)
{
    int i;
    for (i = 0; i < d->nfe; i++) {
        if (d->fe[i].opaque == opaque) {
            break; /* the same frontend again: replace its handlers */
        }
    }
    if (i == d->nfe) {
        if (d->nfe == MUX_MAX_FE) {
            log_unimp_once("chardev %s: more than %d frontends on a mux",
                           d->parent.label, MUX_MAX_FE);
            return;
        }
        d->nfe++;
        memset(&d->fe[i], 0, sizeof(d->fe[i]));
    }
    d->fe[i].can_receive = can_receive;
    d->fe[i].receive = receive;
    d->fe[i].event = event;
    d->fe[i].opaque = opaque;
    d->fe[i].is_monitor = is_monitor;
    /* The first serial-like frontend takes the focus from a monitor. */
    if (d->focus < 0 || (!is_monitor && d->fe[d->focus].is_monitor)) {
        d->focus = i;
    }
    /* Announce the focus once everything is attached (main loop start). */
    if (!d->focus_idle && d->announced != d->focus) {
        d->focus_idle = g_idle_add(mux_focus_idle, d);
    }
    chr_accept_input(d->be);
}

static void mux_set_frontend(Chardev *chr, ChrCanReceive *can_receive,
                             ChrReceive *receive, ChrEvent *event, void *opaque)
{
    mux_attach((MuxChardev *)chr, can_receive, receive, event, opaque, false);
}

static int mux_open(Chardev *chr, ChrOpts *opts, Error **errp)
{
    error_setg(errp, "a mux is made with mux=on");
    return -1;
}

static void mux_close(Chardev *chr)
{
    MuxChardev *d = (MuxChardev *)chr;
    if (d->focus_idle) {
        g_source_remove(d->focus_idle);
        d->focus_idle = 0;
    }
    /* The backend is in the chardev list and is freed after us. */
    chr_set_frontend(d->be, NULL, NULL, NULL, NULL);
}

const ChardevClass chardev_mux_class = {
    .name = "mux",
    .size = sizeof(MuxChardev),
    .open = mux_open,
    .write = mux_write,
    .wait_writable = mux_wait_writable,
    .watch_added = mux_watch_added,
    .accept_input = mux_accept_input,
    .set_frontend = mux_set_frontend,
    .close = mux_close,
};

Chardev *chr_mux_new(const char *label, Chardev *be)
{
    MuxChardev *d = g_malloc0(sizeof(*d));
    Chardev *chr = &d->parent;
    chr->cls = &chardev_mux_class;
    chr->label = g_strdup(label);
    chr->in_fd = chr->out_fd = -1;
    d->be = be;
    d->focus = -1;
    d->announced = -1;
    d->linestart = true;
    chr_register_internal(chr);
    chr_set_frontend(be, mux_can_receive, mux_receive, mux_be_event, d);
    return chr;
}

bool chr_is_mux_internal(Chardev *chr)
{
    return chr->cls == &chardev_mux_class;
}

void chr_mux_add_frontend(Chardev *mux, ChrCanReceive *can_receive,
                          ChrReceive *receive, ChrEvent *event, void *opaque,
                          bool is_monitor)
{
    if (!chr_is_mux_internal(mux)) {
        chr_set_frontend(mux, can_receive, receive, event, opaque);
        return;
    }
    mux_attach((MuxChardev *)mux, can_receive, receive, event, opaque,
               is_monitor);
}

void chr_mux_set_monitor(Chardev *mux, ChrCanReceive *can_receive,
                         ChrReceive *receive, void *opaque)
{
    chr_mux_add_frontend(mux, can_receive, receive, NULL, opaque, true);
}

int chr_mux_focus(Chardev *mux)
{
    if (!chr_is_mux_internal(mux)) {
        return -1;
    }
    return ((MuxChardev *)mux)->focus;
}

Chardev *chr_mux_backend(Chardev *mux)
{
    return chr_is_mux_internal(mux) ? ((MuxChardev *)mux)->be : NULL;
}
