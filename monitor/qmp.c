/*
 * The QMP server (QEMU's docs/interop/qmp-spec): one QmpMonitor per
 * chardev, the greeting, capabilities negotiation, the command table and
 * its argument checks, replies and events.
 *
 * A client that connects is greeted and is in negotiation mode: only
 * qmp_capabilities runs (anything else is CommandNotFound, "Expecting
 * capabilities negotiation with 'qmp_capabilities'") and no event reaches
 * it.  Commands then run one after the other, synchronously, in the main
 * loop; the "id" of a request is echoed in its reply.  emu offers no
 * capability: it runs nothing out of band, so "oob" is not in the
 * greeting and "exec-oob" is an unexpected member, as on a QEMU monitor
 * without OOB.
 *
 * Replies and events are single lines ending in "\r\n", printed as QEMU
 * prints them (qmp-json-writer.c), with members in the order of QEMU's
 * schema (its documentation's order): "return"/"error" before "id";
 * events as "timestamp", "event", "data".  Output waits in a buffer until
 * the chardev takes it; while more than QMP_OUT_BACKLOG bytes wait, input
 * is not read (a client that sends commands and never reads replies
 * stalls itself, not emu), and events beyond QMP_OUT_MAX are dropped.
 */
#include "monitor/qmp-int.h"
#include "emu/main-loop.h"

#include <stdarg.h>

#define QMP_OUT_BACKLOG (1 * MiB)
#define QMP_OUT_MAX     (16 * MiB)
/* qmp_flush_all waits at most this long for slow readers. */
#define QMP_FLUSH_TIMEOUT_US (5 * G_USEC_PER_SEC)

struct QmpMonitor {
    Chardev *chr;
    QmpStream stream;
    bool negotiated;
    GString *out;
    bool watch_pending;
    bool input_held; /* can_receive said 0: accept input when drained */
    bool in_receive; /* inside qmp_receive: no re-entrant input */
    QmpMonitor *next;
};

typedef struct QmpCommand {
    char *name;
    const QmpArg *args;
    QmpCommandFn *fn;
    bool disabled;
} QmpCommand;

static QmpMonitor *monitors;
static GPtrArray *commands; /* QmpCommand *, in registration order */

/* ---- the command table ---- */

static QmpCommand *command_find(const char *name)
{
    for (guint i = 0; commands && i < commands->len; i++) {
        QmpCommand *c = g_ptr_array_index(commands, i);
        if (!strcmp(c->name, name)) {
            return c;
        }
    }
    return NULL;
}

void qmp_register_command(const char *name, const QmpArg *args,
                          QmpCommandFn *fn)
{
    if (!commands) {
        commands = g_ptr_array_new();
    }
    QmpCommand *c = command_find(name);
    if (!c) {
        c = g_new0(QmpCommand, 1);
        c->name = g_strdup(name);
        g_ptr_array_add(commands, c);
    }
    c->args = args;
    c->fn = fn;
}

void qmp_disable_command(const char *name)
{
    QmpCommand *c = command_find(name);
    if (c) {
        c->disabled = true;
    }
}

void qmp_for_each_command(void (*fn)(const char *name, void *opaque),
                          void *opaque)
{
    for (guint i = 0; commands && i < commands->len; i++) {
        QmpCommand *c = g_ptr_array_index(commands, i);
        if (!c->disabled) {
            fn(c->name, opaque);
        }
    }
}

void qmp_error(QmpRequest *req, const char *cls, const char *fmt, ...)
{
    if (req->err_class) {
        return; /* the first error stands */
    }
    va_list ap;
    va_start(ap, fmt);
    req->err_class = cls;
    req->err_desc = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

const char *qmp_arg_str(JsonObject *args, const char *name)
{
    JsonNode *n = json_object_get_member(args, name);
    return n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_string(n) : NULL;
}

bool qmp_arg_bool(JsonObject *args, const char *name, bool def)
{
    JsonNode *n = json_object_get_member(args, name);
    return n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_boolean(n) : def;
}

int64_t qmp_arg_int(JsonObject *args, const char *name, int64_t def)
{
    JsonNode *n = json_object_get_member(args, name);
    return n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_int(n) : def;
}

/* ---- output ---- */

static void qmp_flush(void *opaque)
{
    QmpMonitor *mon = opaque;
    mon->watch_pending = false;
    while (mon->out->len) {
        int n =
            chr_write(mon->chr, (const uint8_t *)mon->out->str, mon->out->len);
        if (n <= 0) {
            mon->watch_pending = true;
            chr_add_watch(mon->chr, qmp_flush, mon);
            return;
        }
        g_string_erase(mon->out, 0, n);
    }
    /* Room again: read the input that back-pressure held (never from
     * inside qmp_receive: the chardev would deliver re-entrantly). */
    if (mon->input_held && !mon->in_receive) {
        mon->input_held = false;
        chr_accept_input(mon->chr);
    }
}

/* Queue one object as a line; droppable: an event (bounded backlog). */
static void qmp_send(QmpMonitor *mon, JsonNode *node, bool droppable)
{
    if (droppable && mon->out->len > QMP_OUT_MAX) {
        return;
    }
    qmp_json_append(mon->out, node);
    g_string_append(mon->out, "\r\n");
    if (!mon->watch_pending) {
        qmp_flush(mon);
    }
}

static void send_error(QmpMonitor *mon, JsonNode *id, const char *cls,
                       const char *desc)
{
    JsonObject *err = json_object_new();
    json_object_set_string_member(err, "class", cls);
    json_object_set_string_member(err, "desc", desc);
    JsonObject *rsp = json_object_new();
    json_object_set_object_member(rsp, "error", err);
    if (id) {
        json_object_set_member(rsp, "id", json_node_copy(id));
    }
    JsonNode *n = json_node_init_object(json_node_alloc(), rsp);
    qmp_send(mon, n, false);
    json_node_unref(n);
    json_object_unref(rsp);
}

static void send_return(QmpMonitor *mon, JsonNode *id, JsonNode *ret)
{
    JsonObject *rsp = json_object_new();
    if (!ret) {
        ret = json_node_init_object(json_node_alloc(), json_object_new());
        json_object_unref(json_node_get_object(ret));
    }
    json_object_set_member(rsp, "return", ret);
    if (id) {
        json_object_set_member(rsp, "id", json_node_copy(id));
    }
    JsonNode *n = json_node_init_object(json_node_alloc(), rsp);
    qmp_send(mon, n, false);
    json_node_unref(n);
    json_object_unref(rsp);
}

void qmp_event_send(const char *name, JsonObject *data)
{
    gint64 now = g_get_real_time();
    JsonObject *ts = json_object_new();
    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    JsonObject *ev = json_object_new();
    json_object_set_object_member(ev, "timestamp", ts);
    json_object_set_string_member(ev, "event", name);
    if (data) {
        json_object_set_object_member(ev, "data", data);
    }
    JsonNode *n = json_node_init_object(json_node_alloc(), ev);
    for (QmpMonitor *mon = monitors; mon; mon = mon->next) {
        if (mon->negotiated && chr_is_connected(mon->chr)) {
            qmp_send(mon, n, true);
        }
    }
    json_node_unref(n);
    json_object_unref(ev);
}

void qmp_flush_all(void)
{
    gint64 deadline = g_get_monotonic_time() + QMP_FLUSH_TIMEOUT_US;
    for (QmpMonitor *mon = monitors; mon; mon = mon->next) {
        while (mon->out->len && g_get_monotonic_time() < deadline) {
            int n = chr_write(mon->chr, (const uint8_t *)mon->out->str,
                              mon->out->len);
            if (n > 0) {
                g_string_erase(mon->out, 0, n);
            } else {
                g_usleep(1000); /* the reader is slow: bounded wait */
            }
        }
    }
}

/* ---- requests ---- */

static const char *type_name(QmpArgType t)
{
    switch (t) {
    case QMP_ARG_INT:
        return "integer";
    case QMP_ARG_BOOL:
        return "boolean";
    case QMP_ARG_STR_LIST:
        return "array";
    default:
        return "string";
    }
}

static bool value_is(JsonNode *n, GType t)
{
    return JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == t;
}

/* QEMU's input visitor: members in schema order (missing, type, enum
 * value), then whatever is left is unexpected. */
static bool check_args(QmpRequest *req, const QmpCommand *c, JsonObject *args)
{
    for (const QmpArg *a = c->args; a && a->name; a++) {
        JsonNode *n = json_object_get_member(args, a->name);
        if (!n) {
            if (!a->optional) {
                qmp_error(req, "GenericError", "Parameter '%s' is missing",
                          a->name);
                return false;
            }
            continue;
        }
        bool ok;
        switch (a->type) {
        case QMP_ARG_INT:
            ok = value_is(n, G_TYPE_INT64);
            break;
        case QMP_ARG_BOOL:
            ok = value_is(n, G_TYPE_BOOLEAN);
            break;
        case QMP_ARG_STR_LIST:
            ok = JSON_NODE_HOLDS_ARRAY(n);
            for (guint i = 0;
                 ok && i < json_array_get_length(json_node_get_array(n)); i++) {
                JsonNode *e = json_array_get_element(json_node_get_array(n), i);
                if (!value_is(e, G_TYPE_STRING)) {
                    qmp_error(req, "GenericError",
                              "Invalid parameter type for '%s[%u]', "
                              "expected: string",
                              a->name, i);
                    return false;
                }
            }
            break;
        default:
            ok = value_is(n, G_TYPE_STRING);
            break;
        }
        if (!ok) {
            qmp_error(req, "GenericError",
                      "Invalid parameter type for '%s', expected: %s", a->name,
                      type_name(a->type));
            return false;
        }
        if (a->type == QMP_ARG_ENUM) {
            const char *v = json_node_get_string(n);
            bool found = false;
            for (const char *const *e = a->values; e && *e; e++) {
                found |= !strcmp(*e, v);
            }
            if (!found) {
                qmp_error(req, "GenericError",
                          "Parameter '%s' does not accept value '%s'", a->name,
                          v);
                return false;
            }
        }
    }
    GList *names = json_object_get_members(args);
    for (GList *l = names; l; l = l->next) {
        bool known = false;
        for (const QmpArg *a = c->args; a && a->name; a++) {
            known |= !strcmp(a->name, l->data);
        }
        if (!known) {
            qmp_error(req, "GenericError", "Parameter '%s' is unexpected",
                      (const char *)l->data);
            break;
        }
    }
    g_list_free(names);
    return !req->err_class;
}

static void dispatch(QmpMonitor *mon, JsonObject *obj, JsonNode *id)
{
    const char *name = NULL;
    JsonObject *args = NULL;

    /* The envelope, as QEMU's qmp_dispatch_check_obj sees it. */
    GList *members = json_object_get_members(obj);
    for (GList *l = members; l; l = l->next) {
        const char *key = l->data;
        JsonNode *v = json_object_get_member(obj, key);
        if (!strcmp(key, "execute")) {
            if (!value_is(v, G_TYPE_STRING)) {
                send_error(mon, id, "GenericError",
                           "QMP input member 'execute' must be a string");
                goto out;
            }
            name = json_node_get_string(v);
        } else if (!strcmp(key, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(v)) {
                send_error(mon, id, "GenericError",
                           "QMP input member 'arguments' must be an object");
                goto out;
            }
            args = json_node_get_object(v);
        } else if (strcmp(key, "id")) {
            char *desc =
                g_strdup_printf("QMP input member '%s' is unexpected", key);
            send_error(mon, id, "GenericError", desc);
            g_free(desc);
            goto out;
        }
    }
    if (!name) {
        send_error(mon, id, "GenericError", "QMP input lacks member 'execute'");
        goto out;
    }

    QmpCommand *c = command_find(name);
    if (!mon->negotiated && strcmp(name, "qmp_capabilities")) {
        send_error(mon, id, "CommandNotFound",
                   "Expecting capabilities negotiation with "
                   "'qmp_capabilities'");
        goto out;
    }
    if (!c) {
        char *desc = g_strdup_printf("The command %s has not been found", name);
        send_error(mon, id, "CommandNotFound", desc);
        g_free(desc);
        goto out;
    }
    if (c->disabled) {
        char *desc = g_strdup_printf(
            "The command %s has been disabled for this instance", name);
        send_error(mon, id, "GenericError", desc);
        g_free(desc);
        goto out;
    }

    JsonObject *empty = NULL;
    if (!args) {
        args = empty = json_object_new();
    }
    QmpRequest req = {.mon = mon};
    JsonNode *ret = NULL;
    if (check_args(&req, c, args)) {
        ret = c->fn(&req, args);
    }
    if (req.err_class) {
        if (ret) {
            json_node_unref(ret);
        }
        send_error(mon, id, req.err_class, req.err_desc);
        g_free(req.err_desc);
    } else {
        send_return(mon, id, ret);
    }
    if (empty) {
        json_object_unref(empty);
    }
out:
    g_list_free(members);
}

static void handle_message(void *opaque, JsonNode *root, const char *err)
{
    QmpMonitor *mon = opaque;
    if (err) {
        send_error(mon, NULL, "GenericError", err);
        return;
    }
    if (!JSON_NODE_HOLDS_OBJECT(root)) {
        send_error(mon, NULL, "GenericError",
                   "QMP input must be a JSON object");
        return;
    }
    JsonObject *obj = json_node_get_object(root);
    dispatch(mon, obj, json_object_get_member(obj, "id"));
}

bool qmp_monitor_negotiated(QmpMonitor *mon)
{
    return mon->negotiated;
}

void qmp_monitor_set_negotiated(QmpMonitor *mon)
{
    mon->negotiated = true;
}

/* ---- the chardev frontend ---- */

static void send_greeting(QmpMonitor *mon)
{
    JsonObject *qmp = json_object_new();
    json_object_set_member(qmp, "version", qmp_version_info());
    json_object_set_array_member(qmp, "capabilities", json_array_new());
    JsonObject *g = json_object_new();
    json_object_set_object_member(g, "QMP", qmp);
    JsonNode *n = json_node_init_object(json_node_alloc(), g);
    qmp_send(mon, n, false);
    json_node_unref(n);
    json_object_unref(g);
}

static void session_start(QmpMonitor *mon)
{
    qmp_stream_reset(&mon->stream);
    mon->negotiated = false;
    g_string_truncate(mon->out, 0);
    send_greeting(mon);
}

static int qmp_can_receive(void *opaque)
{
    QmpMonitor *mon = opaque;
    if (mon->out->len > QMP_OUT_BACKLOG) {
        mon->input_held = true;
        return 0;
    }
    return 4096;
}

static void qmp_receive(void *opaque, const uint8_t *buf, int size)
{
    QmpMonitor *mon = opaque;
    mon->in_receive = true;
    qmp_stream_feed(&mon->stream, buf, size);
    mon->in_receive = false;
}

static void qmp_chr_event(void *opaque, int event)
{
    QmpMonitor *mon = opaque;
    switch (event) {
    case CHR_EVENT_OPENED:
        session_start(mon);
        break;
    case CHR_EVENT_CLOSED:
        qmp_stream_reset(&mon->stream);
        mon->negotiated = false;
        break;
    default:
        break;
    }
}

int qmp_monitor_init(Chardev *chr, Error **errp)
{
    if (!chr) {
        error_setg(errp, "QMP: no character device");
        return -1;
    }
    if (chr_is_mux(chr)) {
        error_setg(errp,
                   "QMP: a monitor in control mode cannot share '%s' "
                   "(mux=on) with other front ends",
                   chr_label(chr));
        return -1;
    }
    qmp_events_init();
    QmpMonitor *mon = g_new0(QmpMonitor, 1);
    mon->chr = chr;
    mon->out = g_string_new(NULL);
    qmp_stream_init(&mon->stream, handle_message, mon);
    mon->next = monitors;
    monitors = mon;
    chr_set_frontend(chr, qmp_can_receive, qmp_receive, qmp_chr_event, mon);
    if (chr_is_connected(chr)) {
        session_start(mon);
    }
    return 0;
}

void qmp_cleanup_all(void)
{
    while (monitors) {
        QmpMonitor *mon = monitors;
        monitors = mon->next;
        qmp_stream_destroy(&mon->stream);
        g_string_free(mon->out, true);
        g_free(mon);
    }
}
