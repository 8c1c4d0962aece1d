/*
 * The qtest server (include/emu/qtest.h): the chardev connection, request
 * lines, the log QEMU's -qtest-log writes, and the interception of
 * published IRQ lines.  The requests themselves are in qtest-cmd.c.
 *
 * Everything runs in the main loop under the global lock: requests arrive
 * through the chardev's receive callback, and an intercepted line changes
 * under the lock too (a device's register access, a timer), so replies and
 * "IRQ" lines never interleave mid-line.
 */
#include "emu/common.h"
#include "emu/chardev.h"
#include "system/qtest-internal.h"

static QTestServer *qtest_server;

static void log_stamp(QTestServer *s, char kind)
{
    fprintf(s->log, "[%c +%.6f] ", kind, g_timer_elapsed(s->timer, NULL));
}

void qtest_log_note(QTestServer *s, const char *fmt, ...)
{
    va_list ap;
    if (!s->log) {
        return;
    }
    log_stamp(s, 'I');
    va_start(ap, fmt);
    vfprintf(s->log, fmt, ap);
    va_end(ap);
    fflush(s->log);
}

void qtest_sendf(QTestServer *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    size_t len = strlen(text);
    if (s->log) {
        log_stamp(s, 'S');
        fputs(text, s->log);
        fflush(s->log);
    }
    /* Blocks until the client took it (as QEMU's): a reply is never cut. */
    chr_write_all(s->chr, (const uint8_t *)text, (int)len);
    g_free(text);
}

/* ---- Requests ---- */

static int qtest_can_receive(void *opaque)
{
    return 65536;
}

/* Run each complete line in buf; keep the rest for the next call. */
static void qtest_receive(void *opaque, const uint8_t *buf, int size)
{
    QTestServer *s = opaque;
    const uint8_t *end = buf + size;

    while (buf < end) {
        const uint8_t *nl = memchr(buf, '\n', end - buf);
        const uint8_t *stop = nl ? nl : end;
        if (!s->discarding) {
            g_string_append_len(s->inbuf, (const char *)buf, stop - buf);
            if (s->inbuf->len > QTEST_MAX_LINE) {
                g_string_truncate(s->inbuf, 0);
                s->discarding = true;
            }
        }
        buf = stop;
        if (!nl) {
            break;
        }
        buf++; /* the newline */
        if (s->discarding) {
            s->discarding = false;
            qtest_log_note(s, "request longer than %u bytes dropped\n",
                           (unsigned)QTEST_MAX_LINE);
            qtest_sendf(s, "FAIL request too long\n");
            continue;
        }
        /* The request may grow the buffer again (an IRQ line does not,
         * but keep the text ours while it runs). */
        char *line = g_strndup(s->inbuf->str, s->inbuf->len);
        g_string_truncate(s->inbuf, 0);
        qtest_process_line(s, line);
        g_free(line);
    }
}

static void qtest_event(void *opaque, int event)
{
    QTestServer *s = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        /* A new client: what the last one saw of the lines is not its. */
        for (int i = 0; i < s->icpt_count; i++) {
            s->icpt[i].level = 0;
        }
        g_string_truncate(s->inbuf, 0);
        s->discarding = false;
        g_timer_start(s->timer);
        qtest_log_note(s, "OPENED\n");
        break;
    case CHR_EVENT_CLOSED:
        qtest_log_note(s, "CLOSED\n");
        break;
    default:
        break;
    }
}

/* ---- Interrupt interception ---- */

static void qtest_irq_handler(void *opaque, int n, int level)
{
    QTestIRQ *q = opaque;
    (void)n;

    /* The device on the other end still gets the change. */
    irq_set(&q->saved, level);
    if (q->level != level) {
        q->level = level;
        qtest_sendf(q->s, "IRQ %s %d\n", level ? "raise" : "lower", q->n);
    }
}

const char *qtest_resolve_dev(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    /* QEMU paths: "/machine/ioapic", "/machine/unattached/...", or the
     * unique last part alone. */
    return *name && irq_group_dev_exists(name) ? name : NULL;
}

void qtest_irq_intercept(QTestServer *s, const char *path, const char *name,
                         bool out)
{
    const char *dev = qtest_resolve_dev(path);
    IRQ *const *lines;
    int count;

    if (!dev) {
        qtest_sendf(s, "FAIL Unknown device\n");
        return;
    }
    if (s->icpt_dev) {
        /* As QEMU: one device's lines per run; again is fine. */
        if (strcmp(s->icpt_dev, dev)) {
            qtest_sendf(s, "FAIL IRQ intercept already enabled\n");
        } else {
            qtest_sendf(s, "OK\n");
        }
        return;
    }
    lines = irq_group_find(dev, name, out, &count);
    if (!lines || count == 0) {
        qtest_sendf(s, "FAIL No intercepts installed\n");
        return;
    }
    s->icpt = g_new0(QTestIRQ, count);
    s->icpt_count = count;
    s->icpt_dev = g_strdup(dev);
    for (int i = 0; i < count; i++) {
        QTestIRQ *q = &s->icpt[i];
        q->s = s;
        q->n = i;
        q->irq = lines[i];
        /* A line may be NULL (nothing connected): nothing to see. */
        if (q->irq) {
            irq_intercept(q->irq, qtest_irq_handler, q, &q->saved);
        }
    }
    qtest_sendf(s, "OK\n");
}

static void qtest_irq_release(QTestServer *s)
{
    for (int i = 0; i < s->icpt_count; i++) {
        if (s->icpt[i].irq) {
            irq_restore(s->icpt[i].irq, &s->icpt[i].saved);
        }
    }
    g_free(s->icpt);
    g_free(s->icpt_dev);
    s->icpt = NULL;
    s->icpt_dev = NULL;
    s->icpt_count = 0;
}

/* ---- Life cycle ---- */

QTestServer *qtest_server_new(Chardev *chr, const QTestOptions *o, Error **errp)
{
    FILE *log = stderr;

    if (qtest_server) {
        error_setg(errp, "-qtest: only one qtest server can run");
        return NULL;
    }
    if (o->log && !strcmp(o->log, "none")) {
        log = NULL;
    } else if (o->log) {
        log = fopen(o->log, "w");
        if (!log) {
            error_setg(errp, "-qtest-log %s: %s", o->log, strerror(errno));
            return NULL;
        }
    }
    QTestServer *s = g_new0(QTestServer, 1);
    s->chr = chr;
    s->mem = o->mem;
    s->io = o->io;
    s->clock_control = o->clock_control;
    s->log = log;
    s->log_owned = log && log != stderr;
    s->timer = g_timer_new();
    s->inbuf = g_string_new(NULL);
    qtest_server = s;
    chr_set_frontend(chr, qtest_can_receive, qtest_receive, qtest_event, s);
    /* A client socket is connected before it has a frontend: its OPENED
     * went nowhere. */
    if (chr_is_connected(chr)) {
        qtest_log_note(s, "OPENED\n");
    }
    return s;
}

void qtest_server_free(QTestServer *s)
{
    if (!s) {
        return;
    }
    chr_set_frontend(s->chr, NULL, NULL, NULL, NULL);
    qtest_irq_release(s);
    if (s->log_owned) {
        fclose(s->log);
    } else if (s->log) {
        fflush(s->log);
    }
    g_timer_destroy(s->timer);
    g_string_free(s->inbuf, true);
    if (qtest_server == s) {
        qtest_server = NULL;
    }
    g_free(s);
}
