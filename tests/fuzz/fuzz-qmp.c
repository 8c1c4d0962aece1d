/*
 * Fuzz target: the QMP input path (monitor/qmp-stream.c, monitor/qmp.c and
 * the command handlers behind it), fed through a ringbuf chardev exactly
 * as a client's bytes arrive.  Not a device: the rig's window is a dummy
 * port range and the records are read as what a hostile client does.
 *
 *   write records (op 0x00-0x5f)  the client sends 1, 2 or 4 bytes of the
 *                                 value
 *   read records (op 0x60-0xbf)   the client reads what emu wrote: every
 *                                 line must be one JSON object ending in
 *                                 "\r\n" (a greeting, reply or event)
 *   events (op 0xc0-0xdf)         op & 31 picks a fragment that gets
 *                                 inputs deep quickly: negotiation, a
 *                                 registered command with an argument
 *                                 name, quotes, escapes, up to 2000
 *                                 brackets, numbers, a control character
 *
 * Commands that reach the host (human-monitor-command, screendump,
 * blockdev-change-medium open or write files) are disabled: their
 * argument checks still run.  Invariants: no crash, hang or sanitizer
 * report; every output line is a JSON object; and at the end, after a
 * control character (the spec's resynchronisation), a command is
 * answered with its id: no input wedges the stream.
 */
#include "tests/fuzz/fuzz.h"
#include "emu/chardev.h"
#include "emu/main-loop.h"
#include "emu/qmp.h"
#include "emu/runstate.h"

#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct QmpFuzz {
    MemoryRegion io;
    Chardev *chr;
    GString *out; /* output not yet cut into lines */
    GPtrArray *names;
    bool seen_end; /* the reply to the teardown's command came */
    FuzzRig *rig;
} QmpFuzz;

static QmpFuzz qf;

static void collect_name(const char *name, void *opaque)
{
    g_ptr_array_add(opaque, (gpointer)name);
}

/* Read what emu wrote; check every complete line. */
static void drain(void)
{
    uint8_t buf[4096];
    int n;
    while ((n = ringbuf_read(qf.chr, buf, sizeof(buf))) > 0) {
        g_string_append_len(qf.out, (char *)buf, n);
    }
    char *nl;
    while ((nl = memchr(qf.out->str, '\n', qf.out->len))) {
        size_t len = nl - qf.out->str + 1;
        FUZZ_ASSERT(qf.rig, len >= 2 && nl[-1] == '\r');
        JsonParser *p = json_parser_new();
        GError *err = NULL;
        bool ok = json_parser_load_from_data(p, qf.out->str, len - 2, &err);
        if (!ok) {
            fuzz_fail(qf.rig, "output line is not JSON (%s): %.*s",
                      err->message, (int)MIN(len, 200), qf.out->str);
        }
        JsonNode *root = json_parser_get_root(p);
        FUZZ_ASSERT(qf.rig, JSON_NODE_HOLDS_OBJECT(root));
        JsonObject *o = json_node_get_object(root);
        if (json_object_has_member(o, "id") &&
            !g_strcmp0(json_object_get_string_member_with_default(o, "id", ""),
                       "fuzz-end")) {
            qf.seen_end = true;
        }
        g_object_unref(p);
        g_string_erase(qf.out, 0, len);
    }
}

static void send_bytes(const void *buf, size_t len)
{
    ringbuf_inject(qf.chr, buf, len);
    drain(); /* the reader keeps up: back-pressure releases the input */
    while (ringbuf_pending_input(qf.chr)) {
        chr_accept_input(qf.chr);
        drain();
    }
}

static void send_str(const char *s)
{
    send_bytes(s, strlen(s));
}

static uint64_t dummy_read(void *opaque, uint64_t addr, unsigned size)
{
    drain();
    return 0;
}

static void dummy_write(void *opaque, uint64_t addr, uint64_t v, unsigned size)
{
    uint8_t b[4] = {v, v >> 8, v >> 16, v >> 24};
    send_bytes(b, size);
}

static const MemoryRegionOps dummy_ops = {
    .read = dummy_read,
    .write = dummy_write,
};

static void qmp_fuzz_setup(FuzzRig *r)
{
    static bool loop_ready;
    if (!loop_ready) {
        main_loop_init();
        bql_lock();
        loop_ready = true;
        qmp_disable_command("human-monitor-command");
        qmp_disable_command("screendump");
        qmp_disable_command("blockdev-change-medium");
    }
    memset(&qf, 0, sizeof(qf));
    qf.rig = r;
    Error *err = NULL;
    qf.chr = chardev_new_opts("ringbuf,id=qmpfuzz,size=65536", &err);
    fuzz_must(qf.chr, err, "ringbuf chardev");
    if (qmp_monitor_init(qf.chr, &err) < 0) {
        fuzz_must(NULL, err, "qmp monitor");
    }
    qf.out = g_string_new(NULL);
    qf.names = g_ptr_array_new();
    qmp_for_each_command(collect_name, qf.names);
    memory_region_init_io(&qf.io, &dummy_ops, &qf, "qmp-fuzz", 16);
    memory_region_add_subregion(&r->tb.io_root, 0x1000, &qf.io);
    fuzz_add_window(r, FUZZ_IO, 0x1000, 16);
    r->s = &qf;
}

static void qmp_fuzz_event(FuzzRig *r, const FuzzOp *op)
{
    static const char *const keys[] = {
        "command-line", "filename",       "device",   "id",   "force",
        "format",       "read-only-mode", "enable",   "head", "cpu-index",
        "arguments",    "execute",        "exec-oob", "x"};
    unsigned what = op->op & 31;
    char buf[128];
    switch (what) {
    case 0:
        send_str("{\"execute\":\"qmp_capabilities\"}");
        break;
    case 1: {
        const char *name =
            qf.names->len
                ? g_ptr_array_index(qf.names, op->value % qf.names->len)
                : "stop";
        snprintf(buf, sizeof(buf), "{\"execute\":\"%s\",\"arguments\":{", name);
        send_str(buf);
        break;
    }
    case 2:
        snprintf(buf, sizeof(buf),
                 "\"%s\":", keys[op->value % ARRAY_SIZE(keys)]);
        send_str(buf);
        break;
    case 3:
        send_str("\"id\":");
        break;
    case 4:
        send_str(op->value & 1 ? "'" : "\"");
        break;
    case 5:
        snprintf(buf, sizeof(buf), "\\u%04x", op->value & 0xffff);
        send_str(buf);
        break;
    case 6: {
        unsigned n = op->value % 2000;
        char *s = g_strnfill(n, op->value & 0x10000 ? '{' : '[');
        send_bytes(s, n);
        g_free(s);
        break;
    }
    case 7:
        send_str("}}");
        break;
    case 8:
        send_str("]");
        break;
    case 9:
        send_str(",");
        break;
    case 10:
        snprintf(buf, sizeof(buf), "%d%s", (int)op->value,
                 op->offset & 1 ? "e308" : ".5");
        send_str(buf);
        break;
    case 11:
        send_str("\x01");
        break;
    case 12:
        send_str(op->value & 1 ? "true" : "null");
        break;
    default:
        drain();
        break;
    }
}

static void qmp_fuzz_teardown(FuzzRig *r)
{
    /* Whatever came before, a control character resynchronises and a
     * command is answered (negotiated or not: a reply with its id). */
    send_str("\x01{\"execute\":\"query-status\",\"id\":\"fuzz-end\"}");
    drain();
    FUZZ_ASSERT(r, qf.seen_end);
    FUZZ_ASSERT(r, qf.out->len == 0);
    memory_region_del_subregion(&r->tb.io_root, &qf.io);
    memory_region_finalize(&qf.io);
    chardev_cleanup_all();
    qmp_cleanup_all();
    g_string_free(qf.out, true);
    g_ptr_array_free(qf.names, true);
    system_requests_clear();
    vm_start(); /* after a "stop": the virtual clock runs again */
}

const FuzzTarget fuzz_target = {
    .name = "qmp",
    .covers = "monitor/qmp.c monitor/qmp-stream.c",
    .setup = qmp_fuzz_setup,
    .teardown = qmp_fuzz_teardown,
    .event = qmp_fuzz_event,
};
