/*
 * Character device core: option and spec parsing, the list of chardevs,
 * the frontend API of include/emu/chardev.h, output watches, and the file
 * descriptor helpers the stdio/file/pty/socket backends share.
 *
 * Threads: chr_write() and chr_add_watch() may be called from a vCPU thread
 * holding the BQL; glib sources are dispatched by the main loop, which also
 * holds the BQL while it prepares and dispatches (system/main-loop.c).
 */
#include "emu/common.h"
#include "emu/chardev.h"
#include "emu/main-loop.h"
#include "emu/option.h"
#include "system/chardev-internal.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

static Chardev *chardevs;

static const ChardevClass *const backends[] = {
    &chardev_null_class, &chardev_stdio_class,  &chardev_file_class,
    &chardev_pty_class,  &chardev_socket_class, &chardev_ringbuf_class,
};

/* ---- options ---- */

void chr_opts_free(ChrOpts *o)
{
    g_free(o->backend);
    for (int i = 0; i < o->n; i++) {
        g_free(o->key[i]);
        g_free(o->val[i]);
    }
    memset(o, 0, sizeof(*o));
}

static int chr_opts_add(ChrOpts *o, const char *key, const char *val,
                        Error **errp)
{
    if (o->n == (int)ARRAY_SIZE(o->key)) {
        error_setg(errp, "too many chardev options");
        return -1;
    }
    o->key[o->n] = g_strdup(key);
    o->val[o->n] = g_strdup(val);
    o->used[o->n] = false;
    o->n++;
    return 0;
}

/*
 * Parse "key[=val],key[=val]..." into o (",," is a literal comma, as in
 * QEMU).  A bare "nowait" is wait=off; any other bare key is key=on.
 * When o->backend is NULL the first bare item is the backend name.
 */
static int chr_opts_parse_list(ChrOpts *o, const char *str, Error **errp)
{
    const char *p = str;
    while (*p) {
        GString *item = g_string_new(NULL);
        while (*p) {
            if (*p == ',') {
                if (p[1] == ',') {
                    g_string_append_c(item, ',');
                    p += 2;
                    continue;
                }
                break;
            }
            g_string_append_c(item, *p++);
        }
        if (*p == ',') {
            p++;
        }
        char *s = g_string_free(item, FALSE);
        char *eq = strchr(s, '=');
        int r = 0;
        if (!*s) {
            /* empty item (",,," or trailing comma): ignore */
        } else if (!o->backend && !eq) {
            o->backend = g_strdup(s);
        } else if (eq) {
            *eq = 0;
            if (!*s) {
                error_setg(errp, "empty option name in '%s'", str);
                r = -1;
            } else {
                r = chr_opts_add(o, s, eq + 1, errp);
            }
        } else if (!strcmp(s, "nowait")) {
            r = chr_opts_add(o, "wait", "off", errp);
        } else {
            r = chr_opts_add(o, s, "on", errp);
        }
        g_free(s);
        if (r < 0) {
            return -1;
        }
    }
    return 0;
}

int chr_opts_parse(ChrOpts *o, const char *str, Error **errp)
{
    memset(o, 0, sizeof(*o));
    if (chr_opts_parse_list(o, str, errp) < 0) {
        chr_opts_free(o);
        return -1;
    }
    if (!o->backend) {
        error_setg(errp, "chardev '%s': no backend given", str);
        chr_opts_free(o);
        return -1;
    }
    return 0;
}

const char *chr_opt_get(ChrOpts *o, const char *key)
{
    const char *v = NULL;
    for (int i = 0; i < o->n; i++) {
        if (!strcmp(o->key[i], key)) {
            o->used[i] = true;
            v = o->val[i]; /* the last one wins */
        }
    }
    return v;
}

int chr_opt_bool(ChrOpts *o, const char *key, bool def, bool *out, Error **errp)
{
    const char *v = chr_opt_get(o, key);
    if (!v) {
        *out = def;
        return 0;
    }
    if (!parse_on_off(v, out)) {
        error_setg(errp, "option '%s=%s': expected on or off", key, v);
        return -1;
    }
    return 0;
}

/* ---- the list ---- */

Chardev *chardev_find(const char *id)
{
    for (Chardev *c = chardevs; c; c = c->next) {
        if (!c->hidden && c->id && !strcmp(c->id, id)) {
            return c;
        }
    }
    return NULL;
}

static void chardev_free(Chardev *chr)
{
    Chardev **pp;
    for (pp = &chardevs; *pp; pp = &(*pp)->next) {
        if (*pp == chr) {
            *pp = chr->next;
            break;
        }
    }
    if (chr->cls->close) {
        chr->cls->close(chr);
    }
    chr_fd_stop(chr);
    g_slist_free_full(chr->watches, g_free);
    g_free(chr->id);
    g_free(chr->label);
    g_free(chr);
}

void chardev_delete(Chardev *chr)
{
    if (chr) {
        chardev_free(chr);
    }
}

void chardev_cleanup_all(void)
{
    /* Muxes first (they close the backends they own). */
    bool again = true;
    while (again) {
        again = false;
        for (Chardev *c = chardevs; c; c = c->next) {
            if (chr_is_mux_internal(c)) {
                chardev_free(c);
                again = true;
                break;
            }
        }
    }
    while (chardevs) {
        chardev_free(chardevs);
    }
    chr_stdio_restore_term();
}

static const ChardevClass *backend_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
        if (!strcmp(backends[i]->name, name)) {
            return backends[i];
        }
    }
    /* QEMU's aliases */
    if (!strcmp(name, "tcp") || !strcmp(name, "unix")) {
        return &chardev_socket_class;
    }
    return NULL;
}

/* Create one backend from parsed options; not looked at for mux=on. */
static Chardev *chardev_create(const char *label, const char *id, ChrOpts *opts,
                               bool hidden, Error **errp)
{
    const ChardevClass *cls = backend_find(opts->backend);
    if (!cls) {
        error_setg(errp, "chardev '%s': unknown backend '%s'", label,
                   opts->backend);
        return NULL;
    }
    Chardev *chr = g_malloc0(cls->size);
    chr->cls = cls;
    chr->id = g_strdup(id);
    chr->label = g_strdup(label);
    chr->hidden = hidden;
    chr->in_fd = chr->out_fd = -1;
    Error *err = NULL;
    if (cls->open(chr, opts, &err) < 0) {
        error_setg(errp, "chardev '%s': %s", label, error_get_pretty(err));
        error_free(err);
        if (cls->close) {
            cls->close(chr);
        }
        chr_fd_stop(chr);
        g_free(chr->id);
        g_free(chr->label);
        g_free(chr);
        return NULL;
    }
    for (int i = 0; i < opts->n; i++) {
        if (!opts->used[i]) {
            warn_report("chardev '%s': option '%s' ignored", label,
                        opts->key[i]);
        }
    }
    chr->next = chardevs;
    chardevs = chr;
    return chr;
}

void chr_register_internal(Chardev *chr)
{
    chr->next = chardevs;
    chardevs = chr;
}

Chardev *chardev_new_internal(const char *label, ChrOpts *opts, Error **errp)
{
    return chardev_create(label, NULL, opts, true, errp);
}

/* Options already parsed; handles id= and mux=on. */
Chardev *chardev_new_parsed(const char *label, ChrOpts *opts, Error **errp)
{
    const char *id = chr_opt_get(opts, "id");
    bool mux;
    if (!id) {
        id = label;
    } else if (!*id) {
        error_setg(errp, "chardev '%s': empty id", label);
        return NULL;
    }
    if (chr_opt_bool(opts, "mux", false, &mux, errp) < 0) {
        return NULL;
    }
    if (chardev_find(id)) {
        error_setg(errp, "chardev '%s': id '%s' is already in use", label, id);
        return NULL;
    }
    if (!mux) {
        return chardev_create(label, id, opts, false, errp);
    }
    char *be_label = g_strdup_printf("%s-base", id);
    Chardev *be = chardev_create(be_label, NULL, opts, true, errp);
    g_free(be_label);
    if (!be) {
        return NULL;
    }
    Chardev *m = chr_mux_new(label, be);
    m->id = g_strdup(id);
    return m;
}

Chardev *chardev_new_opts(const char *str, Error **errp)
{
    ChrOpts o;
    Error *err = NULL;
    if (chr_opts_parse(&o, str, &err) < 0) {
        error_setg(errp, "-chardev '%s': %s", str, error_get_pretty(err));
        error_free(err);
        return NULL;
    }
    const char *id = chr_opt_get(&o, "id");
    if (!id || !*id) {
        error_setg(errp, "-chardev '%s': an id= is required", str);
        chr_opts_free(&o);
        return NULL;
    }
    char *label = g_strdup(id);
    Chardev *chr = chardev_new_parsed(label, &o, errp);
    g_free(label);
    chr_opts_free(&o);
    return chr;
}

/*
 * -serial style specs (see include/emu/chardev.h) turned into the options
 * -chardev takes.  "tcp:HOST:PORT" and "unix:PATH" keep their ",opts".
 */
static int spec_to_opts(const char *spec, ChrOpts *o, Error **errp)
{
    memset(o, 0, sizeof(*o));
    const char *arg;
    if (!strcmp(spec, "stdio") || !strcmp(spec, "null") ||
        !strcmp(spec, "pty") || !strcmp(spec, "ringbuf")) {
        o->backend = g_strdup(spec);
        return 0;
    }
    if (!strcmp(spec, "vc") || !strncmp(spec, "vc:", 3)) {
        /* No virtual consoles yet: output is discarded (see the report). */
        o->backend = g_strdup("null");
        return 0;
    }
    if (!strncmp(spec, "file:", 5)) {
        arg = spec + 5;
        if (!*arg) {
            error_setg(errp, "'%s': file: needs a path", spec);
            return -1;
        }
        o->backend = g_strdup("file");
        return chr_opts_add(o, "path", arg, errp);
    }
    if (!strncmp(spec, "tcp:", 4) || !strncmp(spec, "telnet:", 7)) {
        const char *addr = strchr(spec, ':') + 1;
        const char *comma = strchr(addr, ',');
        char *hp = comma ? g_strndup(addr, comma - addr) : g_strdup(addr);
        char *colon = strrchr(hp, ':');
        if (!colon || !colon[1]) {
            error_setg(errp, "'%s': expected tcp:HOST:PORT", spec);
            g_free(hp);
            return -1;
        }
        *colon = 0;
        char *host = hp;
        size_t hl = strlen(host);
        if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
            host[hl - 1] = 0;
            host++;
        }
        o->backend = g_strdup("socket");
        chr_opts_add(o, "host", host, NULL);
        chr_opts_add(o, "port", colon + 1, NULL);
        if (!strncmp(spec, "telnet:", 7)) {
            chr_opts_add(o, "telnet", "on", NULL);
        }
        g_free(hp);
        return comma ? chr_opts_parse_list(o, comma + 1, errp) : 0;
    }
    if (!strncmp(spec, "unix:", 5)) {
        const char *addr = spec + 5;
        const char *comma = strchr(addr, ',');
        char *path = comma ? g_strndup(addr, comma - addr) : g_strdup(addr);
        if (!*path) {
            error_setg(errp, "'%s': unix: needs a path", spec);
            g_free(path);
            return -1;
        }
        o->backend = g_strdup("socket");
        chr_opts_add(o, "path", path, NULL);
        g_free(path);
        return comma ? chr_opts_parse_list(o, comma + 1, errp) : 0;
    }
    error_setg(errp, "unknown chardev spec '%s'", spec);
    return -1;
}

Chardev *chardev_new_spec(const char *label, const char *spec, Error **errp)
{
    if (!spec || !*spec) {
        error_setg(errp, "%s: empty chardev spec", label);
        return NULL;
    }
    if (!strcmp(spec, "none")) {
        return NULL; /* no device; errp untouched */
    }
    if (!strncmp(spec, "chardev:", 8)) {
        Chardev *c = chardev_find(spec + 8);
        if (!c) {
            error_setg(errp, "%s: '%s': no chardev with id '%s'", label, spec,
                       spec + 8);
        }
        return c;
    }
    bool mon = !strncmp(spec, "mon:", 4);
    ChrOpts o;
    Error *err = NULL;
    if (spec_to_opts(mon ? spec + 4 : spec, &o, &err) < 0) {
        error_setg(errp, "%s: %s", label, error_get_pretty(err));
        error_free(err);
        chr_opts_free(&o);
        return NULL;
    }
    if (mon) {
        chr_opts_add(&o, "mux", "on", NULL);
    }
    /* An id= in the spec's options would be confusing: labels name these. */
    Chardev *chr = chardev_new_parsed(label, &o, &err);
    if (!chr) {
        error_setg(errp, "%s: '%s': %s", label, spec, error_get_pretty(err));
        error_free(err);
    }
    chr_opts_free(&o);
    return chr;
}

void chardev_info(FILE *f)
{
    for (Chardev *c = chardevs; c; c = c->next) {
        if (c->hidden) {
            continue;
        }
        const char *pty = chr_pty_name(c);
        fprintf(f, "%s: filename=%s%s%s\n", c->id ? c->id : c->label,
                c->cls->name, pty ? ":" : "", pty ? pty : "");
    }
}

void chardev_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque)
{
    /* The list is newest first: walk it backwards. */
    GPtrArray *all = g_ptr_array_new();
    for (Chardev *c = chardevs; c; c = c->next) {
        if (!c->hidden) {
            g_ptr_array_add(all, c);
        }
    }
    for (guint i = all->len; i-- > 0;) {
        fn(g_ptr_array_index(all, i), opaque);
    }
    g_ptr_array_free(all, true);
}

char *chr_filename(Chardev *chr)
{
    const char *desc = chardev_socket_desc(chr);
    const char *pty = chr_pty_name(chr);
    if (desc) {
        return g_strdup(desc);
    }
    if (pty) {
        return g_strdup_printf("pty:%s", pty);
    }
    return g_strdup(chr->cls->name);
}

bool chr_frontend_open(Chardev *chr)
{
    return chr->fe_receive || chr->fe_event || chr_is_mux_internal(chr);
}

/* ---- frontend API ---- */

const char *chr_label(const Chardev *chr)
{
    return chr->label;
}

const char *chr_id(const Chardev *chr)
{
    return chr->id;
}

bool chr_is_connected(Chardev *chr)
{
    if (chr_is_mux_internal(chr)) {
        return true;
    }
    return !chr->connection || chr->be_open;
}

bool chr_is_mux(const Chardev *chr)
{
    return chr && chr->cls == &chardev_mux_class;
}

void chr_set_frontend(Chardev *chr, ChrCanReceive *can_receive,
                      ChrReceive *receive, ChrEvent *event, void *opaque)
{
    if (chr->cls->set_frontend) {
        chr->cls->set_frontend(chr, can_receive, receive, event, opaque);
        return;
    }
    chr->fe_can_receive = can_receive;
    chr->fe_receive = receive;
    chr->fe_event = event;
    chr->fe_opaque = opaque;
    chr_fd_kick(chr);
}

int chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    if (len <= 0) {
        return 0;
    }
    int r = chr->cls->write(chr, buf, len);
    return r < 0 ? 0 : r;
}

int chr_write_all(Chardev *chr, const uint8_t *buf, int len)
{
    int done = 0;
    while (done < len) {
        int r = chr->cls->write(chr, buf + done, len - done);
        if (r < 0) {
            break;
        }
        if (r == 0) {
            if (!chr->cls->wait_writable) {
                break; /* cannot block (ringbuf): return what was taken */
            }
            chr->cls->wait_writable(chr);
            continue;
        }
        done += r;
    }
    return done;
}

void chr_add_watch(Chardev *chr, ChrWatchCb *cb, void *opaque)
{
    for (GSList *l = chr->watches; l; l = l->next) {
        ChrWatch *w = l->data;
        if (w->cb == cb && w->opaque == opaque) {
            return; /* already pending: "runs once" */
        }
    }
    ChrWatch *w = g_new(ChrWatch, 1);
    w->cb = cb;
    w->opaque = opaque;
    chr->watches = g_slist_append(chr->watches, w);
    if (chr->cls->watch_added) {
        chr->cls->watch_added(chr);
    }
}

void chr_accept_input(Chardev *chr)
{
    if (chr->cls->accept_input) {
        chr->cls->accept_input(chr);
    } else {
        chr_fd_kick(chr);
    }
}

/* ---- backend -> frontend ---- */

int chr_be_can_receive(Chardev *chr)
{
    if (!chr->fe_receive) {
        return 0;
    }
    if (!chr->fe_can_receive) {
        return 4096;
    }
    int n = chr->fe_can_receive(chr->fe_opaque);
    return n < 0 ? 0 : n;
}

void chr_be_receive(Chardev *chr, const uint8_t *buf, int len)
{
    if (chr->fe_receive && len > 0) {
        chr->fe_receive(chr->fe_opaque, buf, len);
    }
}

void chr_be_event(Chardev *chr, int event)
{
    if (event == CHR_EVENT_OPENED) {
        chr->be_open = true;
    } else if (event == CHR_EVENT_CLOSED) {
        chr->be_open = false;
    }
    if (chr->fe_event) {
        chr->fe_event(chr->fe_opaque, event);
    }
}

bool chr_has_watches(Chardev *chr)
{
    return chr->watches != NULL;
}

void chr_be_writable(Chardev *chr)
{
    /* Take the list first: a callback may queue a new watch. */
    GSList *list = chr->watches;
    chr->watches = NULL;
    for (GSList *l = list; l; l = l->next) {
        ChrWatch *w = l->data;
        w->cb(w->opaque);
    }
    g_slist_free_full(list, g_free);
}

/* ---- fd helpers ---- */

struct ChrFdSource {
    GSource base;
    GPollFD pfd;
    bool polling;
    Chardev *chr;
};

static gboolean fd_src_prepare(GSource *s, gint *timeout)
{
    ChrFdSource *fs = (ChrFdSource *)s;
    Chardev *chr = fs->chr;
    /* Poll only while the frontend has room: no spin on full or on EOF. */
    bool want = !chr->in_eof && chr->in_fd >= 0 && chr_be_can_receive(chr) > 0;
    if (want && !fs->polling) {
        fs->pfd.fd = chr->in_fd;
        fs->pfd.events = G_IO_IN | G_IO_HUP | G_IO_ERR;
        fs->pfd.revents = 0;
        g_source_add_poll(s, &fs->pfd);
        fs->polling = true;
    } else if (!want && fs->polling) {
        g_source_remove_poll(s, &fs->pfd);
        fs->polling = false;
    }
    *timeout = -1;
    return FALSE;
}

static gboolean fd_src_check(GSource *s)
{
    ChrFdSource *fs = (ChrFdSource *)s;
    return fs->polling && (fs->pfd.revents & fs->pfd.events);
}

static gboolean fd_src_dispatch(GSource *s, GSourceFunc cb, gpointer data)
{
    ChrFdSource *fs = (ChrFdSource *)s;
    Chardev *chr = fs->chr;
    fs->pfd.revents = 0;
    if (chr->fd_readable) {
        chr->fd_readable(chr);
    } else {
        chr_fd_default_readable(chr);
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs fd_src_funcs = {
    .prepare = fd_src_prepare,
    .check = fd_src_check,
    .dispatch = fd_src_dispatch,
};

void chr_fd_default_readable(Chardev *chr)
{
    uint8_t buf[4096];
    int n = chr_be_can_receive(chr);
    if (n <= 0) {
        return;
    }
    n = MIN(n, (int)sizeof(buf));
    ssize_t r = read(chr->in_fd, buf, n);
    if (r > 0) {
        chr_be_receive(chr, buf, r);
    } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        chr->in_eof = true; /* EOF or error: stop polling input for good */
    }
}

void chr_fd_init(Chardev *chr, int in_fd, int out_fd, bool out_nonblock)
{
    chr->in_fd = in_fd;
    chr->out_fd = out_fd;
    chr->out_nonblock = out_nonblock;
    chr->in_eof = false;
    if (in_fd >= 0 && !chr->in_src) {
        GSource *s = g_source_new(&fd_src_funcs, sizeof(ChrFdSource));
        ChrFdSource *fs = (ChrFdSource *)s;
        fs->chr = chr;
        fs->polling = false;
        /* No blocking around dispatch (it never runs the main loop): a
         * blocked source's polls are removed and re-added, and each
         * change costs the main loop a wake-up. */
        g_source_set_can_recurse(s, TRUE);
        g_source_attach(s, NULL);
        chr->in_src = fs;
    }
    chr_fd_kick(chr);
}

void chr_fd_stop(Chardev *chr)
{
    if (chr->in_src) {
        g_source_destroy(&chr->in_src->base);
        g_source_unref(&chr->in_src->base);
        chr->in_src = NULL;
    }
    if (chr->out_watch) {
        g_source_remove(chr->out_watch);
        chr->out_watch = 0;
    }
    chr->in_fd = chr->out_fd = -1;
}

void chr_fd_kick(Chardev *chr)
{
    if (chr->in_src) {
        g_main_context_wakeup(NULL);
    }
}

int chr_fd_write(Chardev *chr, const uint8_t *buf, int len)
{
    if (chr->out_fd < 0) {
        return len; /* nowhere to go: drop, as a disconnected line does */
    }
    if (!chr->out_nonblock) {
        /*
         * Shared descriptors (stdout) stay blocking so we do not change
         * them under other users; ask poll first and write at most one
         * pipe buffer so the write cannot stall.
         */
        struct pollfd p = {.fd = chr->out_fd, .events = POLLOUT};
        if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLOUT)) {
            return 0;
        }
        len = MIN(len, 4096);
    }
    for (;;) {
        ssize_t r = write(chr->out_fd, buf, len);
        if (r >= 0) {
            return r;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return 0;
        }
        return -1;
    }
}

void chr_fd_wait_writable(Chardev *chr)
{
    if (chr->out_fd < 0) {
        return;
    }
    struct pollfd p = {.fd = chr->out_fd, .events = POLLOUT};
    while (poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
}

static gboolean fd_out_ready(GIOChannel *ch, GIOCondition cond, gpointer op)
{
    Chardev *chr = op;
    chr->out_watch = 0;
    chr_be_writable(chr);
    return G_SOURCE_REMOVE;
}

static gboolean fd_out_idle(gpointer op)
{
    return fd_out_ready(NULL, G_IO_OUT, op);
}

void chr_fd_watch_added(Chardev *chr)
{
    if (chr->out_watch) {
        return;
    }
    if (chr->out_fd < 0) {
        /* Output is dropped: writable right away (next iteration). */
        chr->out_watch = g_idle_add(fd_out_idle, chr);
        return;
    }
    GIOChannel *ch = g_io_channel_unix_new(chr->out_fd);
    chr->out_watch =
        g_io_add_watch(ch, G_IO_OUT | G_IO_HUP | G_IO_ERR, fd_out_ready, chr);
    g_io_channel_unref(ch);
    g_main_context_wakeup(NULL);
}
