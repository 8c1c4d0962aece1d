/*
 * Fuzz target: the qtest protocol server (system/qtest.c, qtest-cmd.c)
 * on a ring-buffer chardev, over the rig's bus with a UART (COM1, IRQ 4),
 * and the 16 ISA lines published as "isa" so that irq_intercept_in and
 * set_irq_in reach them.  (No PIT: at a MHz rate its IRQ 0 edges would
 * fill the ring buffer between two drains, where a socket would block.)
 *
 * Events are request text: a line from the protocol's grammar with
 * numbers from the record (well-formed or with a word mangled), a raw
 * 8-byte chunk that may hold newlines, NULs or half a request, or a bare
 * newline.  After each event the server's output is drained and checked:
 * every line is "OK...", "FAIL...", "ERR ..." or "IRQ raise|lower N", and
 * each newline sent got exactly one reply.
 */
#include "tests/fuzz/fuzz.h"
#include "emu/chardev.h"
#include "emu/qtest.h"
#include "hw/char/serial.h"

#include <glib.h>

typedef struct QTestFuzz {
    Chardev *chr;
    QTestServer *server;
    unsigned newlines; /* request lines sent */
    unsigned replies;  /* reply lines seen */
    GString *out;      /* server output not yet a whole line */
} QTestFuzz;

static QTestFuzz qtest_fuzz;

static const char *const cmd_names[] = {
    "outb",
    "outw",
    "outl",
    "inb",
    "inw",
    "inl",
    "writeb",
    "writew",
    "writel",
    "writeq",
    "readb",
    "readw",
    "readl",
    "readq",
    "read",
    "write",
    "b64read",
    "b64write",
    "memset",
    "clock_step",
    "clock_set",
    "irq_intercept_in",
    "irq_intercept_out",
    "set_irq_in",
    "endianness",
    "module_load",
    "bogus",
    "",
};

static void qtfz_setup(FuzzRig *r)
{
    Error *err = NULL;
    QTestFuzz *f = &qtest_fuzz;

    f->chr = fuzz_must(chardev_new_opts("ringbuf,id=qtfz,size=65536", &err),
                       err, "ringbuf chardev");
    test_device(&r->tb, TYPE_ISA_SERIAL, "index=0");
    irq_group_add("isa", NULL, false, r->tb.isa.irqs, 16);
    QTestOptions o = {
        .mem = &r->tb.mem_as,
        .io = &r->tb.io_as,
        .clock_control = true,
        .log = "none",
    };
    f->server =
        fuzz_must(qtest_server_new(f->chr, &o, &err), err, "qtest server");
    f->newlines = f->replies = 0;
    f->out = g_string_new(NULL);
    r->s = f;
    fuzz_add_window(r, FUZZ_IO, 0x3f8, 8);
}

static void qtfz_teardown(FuzzRig *r)
{
    QTestFuzz *f = r->s;
    /* Before the bus frees the lines it intercepted. */
    qtest_server_free(f->server);
    irq_group_remove_all();
    g_string_free(f->out, true);
}

/* A number word: mostly small (a RAM or port address, a short size), at
 * times huge or signed, to reach the range checks. */
static void append_number(GString *g, uint32_t v, uint32_t sel)
{
    switch (sel % 6) {
    case 0:
        g_string_append_printf(g, "0x%x", v % 0x2000);
        break;
    case 1:
        g_string_append_printf(g, "%u", v % 64);
        break;
    case 2:
        g_string_append_printf(g, "0x%x", v);
        break;
    case 3:
        g_string_append_printf(g, "-%u", v % 100);
        break;
    case 4:
        g_string_append_printf(g, "0x3f%x", v % 16); /* COM1 */
        break;
    default:
        g_string_append_printf(g, "0%o", v % 0x100);
        break;
    }
}

/* A size word: 1..4095 bytes, or one the server must refuse. */
static void append_size(GString *g, uint32_t v)
{
    if (v & 0x80000000u) {
        g_string_append_printf(g, "%u", v);
    } else {
        g_string_append_printf(g, "%u", v % 4096);
    }
}

static void build_line(GString *g, const FuzzOp *op)
{
    const char *name = cmd_names[op->window % ARRAY_SIZE(cmd_names)];
    uint32_t v = op->value, o = op->offset;

    g_string_append(g, name);
    if (!strcmp(name, "clock_step") || !strcmp(name, "clock_set")) {
        /* Bounded: the rig's budget of virtual time. */
        if (o & 1) {
            g_string_append_printf(g, " %u", v % 4000000);
        }
    } else if (!strncmp(name, "irq_intercept", 13)) {
        static const char *const devs[] = {"isa", "/machine/isa", "nodev", "/",
                                           "isa/x"};
        g_string_append_printf(g, " %s", devs[o % ARRAY_SIZE(devs)]);
        if (o & 0x100) {
            g_string_append(g, " name");
        }
    } else if (!strcmp(name, "set_irq_in")) {
        g_string_append_printf(g, " %s %s %d %d", o & 1 ? "isa" : "nodev",
                               o & 2 ? "unnamed-gpio-in" : "x",
                               (int)(v % 20) - 2, (int)(v >> 8) % 3 - 1);
    } else if (!strcmp(name, "write") || !strcmp(name, "b64write")) {
        g_string_append_c(g, ' ');
        append_number(g, v, o);
        g_string_append_c(g, ' ');
        append_size(g, v >> 4);
        g_string_append(g, name[0] == 'w' ? " 0x" : " ");
        for (unsigned i = 0; i < (o >> 8) % 40; i++) {
            g_string_append_c(g, name[0] == 'w'
                                     ? "0123456789abcdefg"[(v + i * 7) % 17]
                                     : "ABCDabcd0189+/="[(v + i) % 15]);
        }
    } else if (!strcmp(name, "read") || !strcmp(name, "b64read") ||
               !strcmp(name, "memset")) {
        g_string_append_c(g, ' ');
        append_number(g, v, o);
        g_string_append_c(g, ' ');
        append_size(g, v >> 4);
        if (name[0] == 'm') {
            g_string_append_printf(g, " %u", o >> 24);
        }
    } else {
        /* outX/writeX take two numbers, inX/readX one; extra or missing
         * words come from the record too. */
        int words = 1 + (name[0] == 'o' || name[0] == 'w');
        if ((o >> 12) % 8 == 0) {
            words += (o >> 15) % 3 - 1;
        }
        for (int i = 0; i < words; i++) {
            g_string_append_c(g, ' ');
            append_number(g, v >> (8 * i), o >> (3 * i));
        }
    }
    /* Mangle a byte now and then. */
    if ((o >> 20) % 16 == 0 && g->len) {
        g->str[(o >> 24) % g->len] = (char)(v >> 24);
    }
}

/* Drain the server's output and check each whole line. */
static void drain(FuzzRig *r, QTestFuzz *f)
{
    uint8_t buf[4096];
    int n;
    while ((n = ringbuf_read(f->chr, buf, sizeof(buf))) > 0) {
        g_string_append_len(f->out, (const char *)buf, n);
    }
    char *nl;
    while ((nl = memchr(f->out->str, '\n', f->out->len))) {
        size_t len = nl - f->out->str;
        char *l = f->out->str;
        bool irq = len > 10 && (!strncmp(l, "IRQ raise ", 10) ||
                                !strncmp(l, "IRQ lower ", 10));
        bool reply = !strncmp(l, "OK", 2) || !strncmp(l, "FAIL", 4) ||
                     !strncmp(l, "ERR ", 4);
        if (!irq && !reply) {
            fuzz_fail(r, "qtest sent '%.*s'", (int)MIN(len, 60), l);
        }
        f->replies += reply;
        g_string_erase(f->out, 0, len + 1);
    }
}

static void qtfz_event(FuzzRig *r, const FuzzOp *op)
{
    QTestFuzz *f = r->s;
    GString *g = g_string_new(NULL);

    switch (op->size) {
    case 1: { /* raw bytes: anything, half lines included */
        uint8_t raw[8];
        memcpy(raw, &op->offset, 4);
        memcpy(raw + 4, &op->value, 4);
        g_string_append_len(g, (const char *)raw, sizeof(raw));
        break;
    }
    case 2: /* a bare end of line */
        g_string_append_c(g, '\n');
        break;
    default:
        build_line(g, op);
        g_string_append_c(g, '\n');
        break;
    }
    for (gsize i = 0; i < g->len; i++) {
        f->newlines += g->str[i] == '\n';
    }
    ringbuf_inject(f->chr, (const uint8_t *)g->str, (int)g->len);
    g_string_free(g, true);
    drain(r, f);
    if (f->replies != f->newlines) {
        fuzz_fail(r, "%u request lines, %u replies", f->newlines, f->replies);
    }
}

static void qtfz_check(FuzzRig *r, const FuzzOp *op)
{
    /* Register accesses from plain records may raise IRQ 4 or 0: drain
     * those lines too. */
    drain(r, r->s);
}

const FuzzTarget fuzz_target = {
    .name = "qtest",
    .covers = "",
    .setup = qtfz_setup,
    .teardown = qtfz_teardown,
    .event = qtfz_event,
    .check = qtfz_check,
};
