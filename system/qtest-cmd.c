/*
 * The qtest requests (the table in include/emu/qtest.h), as QEMU's
 * system/qtest.c answers them.  Where QEMU asserts on a malformed request
 * (and dies), emu replies "FAIL <why>" and goes on: a client's mistake is
 * never a crash.
 */
#include "emu/common.h"
#include "emu/cpu.h"
#include "emu/timer.h"
#include "system/qtest-internal.h"

#include <limits.h>

typedef struct QTestCmd {
    const char *name;
    int min_args, max_args; /* words after the name */
    void (*run)(QTestServer *s, char **w);
} QTestCmd;

/* A whole word as a number (strtoull's syntax, base 0; "-1" wraps, as
 * QEMU's qemu_strtou64). */
static bool parse_u64(const char *w, uint64_t *v)
{
    char *end;
    if (!*w || g_ascii_isspace(*w)) {
        return false;
    }
    errno = 0;
    *v = strtoull(w, &end, 0);
    return !errno && !*end;
}

static bool parse_i64(const char *w, int64_t *v)
{
    char *end;
    if (!*w || g_ascii_isspace(*w)) {
        return false;
    }
    errno = 0;
    *v = strtoll(w, &end, 0);
    return !errno && !*end;
}

/* Parse words w[0..n-1] into v[]; on a bad one reply FAIL and say false. */
static bool parse_args(QTestServer *s, char **w, int n, uint64_t *v)
{
    for (int i = 0; i < n; i++) {
        if (!parse_u64(w[i], &v[i])) {
            qtest_sendf(s, "FAIL invalid number '%s'\n", w[i]);
            return false;
        }
    }
    return true;
}

static bool size_ok(QTestServer *s, uint64_t len, bool zero_ok)
{
    if (len > QTEST_MAX_SIZE || (!len && !zero_ok)) {
        qtest_sendf(s, "FAIL size %" PRIu64 " out of range (1 to %u)\n", len,
                    (unsigned)QTEST_MAX_SIZE);
        return false;
    }
    return true;
}

/* The access size a command's suffix names: outb, readq, ... */
static unsigned suffix_size(const char *cmd)
{
    switch (cmd[strlen(cmd) - 1]) {
    case 'b':
        return 1;
    case 'w':
        return 2;
    case 'l':
        return 4;
    default:
        return 8;
    }
}

/* ---- Port I/O ---- */

static void cmd_out(QTestServer *s, char **w)
{
    uint64_t v[2];
    if (!parse_args(s, w + 1, 2, v)) {
        return;
    }
    if (v[0] > 0xffff) {
        qtest_sendf(s, "FAIL port 0x%" PRIx64 " out of range\n", v[0]);
        return;
    }
    unsigned size = suffix_size(w[0]);
    uint64_t mask = (1ULL << (size * 8)) - 1;
    address_space_write_val(s->io, v[0], size, v[1] & mask);
    qtest_sendf(s, "OK\n");
}

static void cmd_in(QTestServer *s, char **w)
{
    uint64_t port, val = 0;
    if (!parse_args(s, w + 1, 1, &port)) {
        return;
    }
    if (port > 0xffff) {
        qtest_sendf(s, "FAIL port 0x%" PRIx64 " out of range\n", port);
        return;
    }
    unsigned size = suffix_size(w[0]);
    address_space_read_val(s->io, port, size, &val);
    /* An unassigned port reads as all ones of the access size. */
    qtest_sendf(s, "OK 0x%04" PRIx64 "\n",
                (uint64_t)(val & ((1ULL << (size * 8)) - 1)));
}

/* ---- Memory ---- */

static void cmd_write_sized(QTestServer *s, char **w)
{
    uint64_t v[2];
    if (!parse_args(s, w + 1, 2, v)) {
        return;
    }
    unsigned size = suffix_size(w[0]);
    uint64_t mask = size == 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
    address_space_write_val(s->mem, v[0], size, v[1] & mask);
    qtest_sendf(s, "OK\n");
}

static void cmd_read_sized(QTestServer *s, char **w)
{
    uint64_t addr, val = 0;
    if (!parse_args(s, w + 1, 1, &addr)) {
        return;
    }
    unsigned size = suffix_size(w[0]);
    address_space_read_val(s->mem, addr, size, &val);
    if (size < 8) {
        val &= (1ULL << (size * 8)) - 1;
    }
    qtest_sendf(s, "OK 0x%016" PRIx64 "\n", val);
}

static void cmd_read(QTestServer *s, char **w)
{
    uint64_t v[2];
    if (!parse_args(s, w + 1, 2, v) || !size_ok(s, v[1], false)) {
        return;
    }
    uint8_t *data = g_malloc(v[1]);
    address_space_read(s->mem, v[0], data, v[1]);
    GString *hex = g_string_sized_new(2 * v[1] + 8);
    g_string_append(hex, "OK 0x");
    for (uint64_t i = 0; i < v[1]; i++) {
        g_string_append_printf(hex, "%02x", data[i]);
    }
    g_string_append_c(hex, '\n');
    qtest_sendf(s, "%s", hex->str);
    g_string_free(hex, true);
    g_free(data);
}

static int hex_nibble(char c)
{
    return g_ascii_isxdigit(c) ? g_ascii_xdigit_value(c) : -1;
}

static void cmd_write(QTestServer *s, char **w)
{
    uint64_t v[2];
    const char *hex = w[3];
    size_t digits = strlen(hex);

    if (!parse_args(s, w + 1, 2, v) || !size_ok(s, v[1], false)) {
        return;
    }
    if (digits < 3) {
        qtest_sendf(s, "ERR invalid argument size\n");
        return;
    }
    if (hex[0] != '0' || (hex[1] != 'x' && hex[1] != 'X')) {
        qtest_sendf(s, "FAIL data must be hex digits after 0x\n");
        return;
    }
    hex += 2;
    digits -= 2;
    uint8_t *data = g_malloc0(v[1]);
    /* Fewer digits than SIZE bytes: the rest is zeros (QEMU's rule);
     * more: the extra ones are not written. */
    for (uint64_t i = 0; i < v[1] && 2 * i + 1 < digits; i++) {
        int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            qtest_sendf(s, "FAIL invalid hex digit in data\n");
            g_free(data);
            return;
        }
        data[i] = hi << 4 | lo;
    }
    address_space_write(s->mem, v[0], data, v[1]);
    g_free(data);
    qtest_sendf(s, "OK\n");
}

static void cmd_b64read(QTestServer *s, char **w)
{
    uint64_t v[2];
    if (!parse_args(s, w + 1, 2, v) || !size_ok(s, v[1], false)) {
        return;
    }
    uint8_t *data = g_malloc(v[1]);
    address_space_read(s->mem, v[0], data, v[1]);
    char *b64 = g_base64_encode(data, v[1]);
    qtest_sendf(s, "OK %s\n", b64);
    g_free(b64);
    g_free(data);
}

static void cmd_b64write(QTestServer *s, char **w)
{
    uint64_t v[2];
    gsize got = 0;

    if (!parse_args(s, w + 1, 2, v) || !size_ok(s, v[1], false)) {
        return;
    }
    if (strlen(w[3]) < 3) {
        qtest_sendf(s, "ERR invalid argument size\n");
        return;
    }
    /* glib decodes what it can and skips what is not base64. */
    guchar *dec = g_base64_decode(w[3], &got);
    uint8_t *data = g_malloc0(v[1]);
    if (got != v[1]) {
        qtest_log_note(
            s, "b64write: data length mismatch (told %" PRIu64 ", found %zu)\n",
            v[1], (size_t)got);
    }
    memcpy(data, dec, MIN((uint64_t)got, v[1]));
    address_space_write(s->mem, v[0], data, v[1]);
    g_free(dec);
    g_free(data);
    qtest_sendf(s, "OK\n");
}

static void cmd_memset(QTestServer *s, char **w)
{
    uint64_t v[3];
    if (!parse_args(s, w + 1, 3, v) || !size_ok(s, v[1], true)) {
        return;
    }
    if (v[1]) {
        uint8_t *data = g_malloc(v[1]);
        memset(data, (uint8_t)v[2], v[1]);
        address_space_write(s->mem, v[0], data, v[1]);
        g_free(data);
    }
    qtest_sendf(s, "OK\n");
}

/* ---- Clock ---- */

static bool clock_ok(QTestServer *s, const char *cmd)
{
    if (!s->clock_control) {
        qtest_sendf(s,
                    "FAIL %s: the clock runs by itself (only -accel "
                    "qtest gives it to the client)\n",
                    cmd);
        return false;
    }
    return true;
}

static void cmd_clock_step(QTestServer *s, char **w)
{
    int64_t old = clock_get_ns(CLOCK_VIRTUAL), ns;

    if (!clock_ok(s, w[0])) {
        return;
    }
    if (w[1]) {
        if (!parse_i64(w[1], &ns)) {
            qtest_sendf(s, "FAIL invalid number '%s'\n", w[1]);
            return;
        }
    } else {
        int64_t deadline = timers_deadline_ns(CLOCK_VIRTUAL);
        if (deadline < 0) {
            qtest_sendf(s, "FAIL cannot advance clock to the next deadline "
                           "because there is no pending deadline\n");
            return;
        }
        ns = MAX(deadline - old, 0);
    }
    if (ns > 0 && old > INT64_MAX - ns) {
        ns = INT64_MAX - old;
    }
    if (ns > 0) {
        clock_step_ns(ns);
    }
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    if (now > old) {
        qtest_sendf(s, "OK %" PRIi64 "\n", now);
    } else {
        qtest_sendf(s, "FAIL could not advance time\n");
    }
}

static void cmd_clock_set(QTestServer *s, char **w)
{
    int64_t ns, old = clock_get_ns(CLOCK_VIRTUAL);

    if (!clock_ok(s, w[0])) {
        return;
    }
    if (!parse_i64(w[1], &ns)) {
        qtest_sendf(s, "FAIL invalid number '%s'\n", w[1]);
        return;
    }
    /* The clock only goes forward: a time in the past leaves it. */
    if (ns > old) {
        clock_step_ns(ns - old);
    }
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    qtest_sendf(s, "%s %" PRIi64 "\n", now == ns ? "OK" : "FAIL", now);
}

/* ---- Interrupts ---- */

static void cmd_irq_intercept(QTestServer *s, char **w)
{
    qtest_irq_intercept(s, w[1], w[2], !strcmp(w[0], "irq_intercept_out"));
}

static void cmd_set_irq_in(QTestServer *s, char **w)
{
    const char *dev = qtest_resolve_dev(w[1]);
    const char *name = strcmp(w[2], "unnamed-gpio-in") ? w[2] : NULL;
    int64_t num, level;
    IRQ *const *lines;
    int count;

    if (!dev) {
        qtest_sendf(s, "FAIL Unknown device\n");
        return;
    }
    if (!parse_i64(w[3], &num) || !parse_i64(w[4], &level) || level < INT_MIN ||
        level > INT_MAX) {
        qtest_sendf(s, "FAIL invalid number\n");
        return;
    }
    lines = irq_group_find(dev, name, false, &count);
    if (!lines) {
        qtest_sendf(s, "FAIL no input lines '%s' on %s\n", w[2], dev);
        return;
    }
    if (num < 0 || num >= count) {
        qtest_sendf(s, "FAIL %s has %d input lines '%s'\n", dev, count, w[2]);
        return;
    }
    /* Devices take levels 0 and 1 (QEMU's take any int; its tests only
     * use those two). */
    irq_set(lines[num], level != 0);
    qtest_sendf(s, "OK\n");
}

/* ---- The rest ---- */

static void cmd_endianness(QTestServer *s, char **w)
{
    qtest_sendf(s, "OK little\n");
}

static void cmd_module_load(QTestServer *s, char **w)
{
    qtest_sendf(s, "FAIL module_load: emu has no loadable modules\n");
}

static const QTestCmd qtest_cmds[] = {
    {"outb", 2, 2, cmd_out},
    {"outw", 2, 2, cmd_out},
    {"outl", 2, 2, cmd_out},
    {"inb", 1, 1, cmd_in},
    {"inw", 1, 1, cmd_in},
    {"inl", 1, 1, cmd_in},
    {"writeb", 2, 2, cmd_write_sized},
    {"writew", 2, 2, cmd_write_sized},
    {"writel", 2, 2, cmd_write_sized},
    {"writeq", 2, 2, cmd_write_sized},
    {"readb", 1, 1, cmd_read_sized},
    {"readw", 1, 1, cmd_read_sized},
    {"readl", 1, 1, cmd_read_sized},
    {"readq", 1, 1, cmd_read_sized},
    {"read", 2, 2, cmd_read},
    {"write", 3, 3, cmd_write},
    {"b64read", 2, 2, cmd_b64read},
    {"b64write", 3, 3, cmd_b64write},
    {"memset", 3, 3, cmd_memset},
    {"clock_step", 0, 1, cmd_clock_step},
    {"clock_set", 1, 1, cmd_clock_set},
    {"irq_intercept_in", 1, 2, cmd_irq_intercept},
    {"irq_intercept_out", 1, 2, cmd_irq_intercept},
    {"set_irq_in", 4, 4, cmd_set_irq_in},
    {"endianness", 0, 0, cmd_endianness},
    {"module_load", 2, 2, cmd_module_load},
};

void qtest_process_line(QTestServer *s, char *line)
{
    size_t len = strlen(line);
    /* A client on a terminal (socat) ends lines with CR LF. */
    if (len && line[len - 1] == '\r') {
        line[len - 1] = '\0';
    }
    /* Single spaces separate words, as QEMU splits them. */
    char **w = g_strsplit(line, " ", 0);
    int nargs = (int)g_strv_length(w) - 1;
    const char *name = w[0] ? w[0] : "";

    if (s->log) {
        GString *l = g_string_new(NULL);
        for (int i = 0; w[i]; i++) {
            g_string_append_printf(l, " %.200s%s", w[i],
                                   strlen(w[i]) > 200 ? "..." : "");
        }
        fprintf(s->log, "[R +%.6f]%s\n", g_timer_elapsed(s->timer, NULL),
                l->str);
        g_string_free(l, true);
    }
    /* Accesses are the first CPU's, as QEMU's (whose local APIC the
     * APIC page reaches); no CPU runs meanwhile. */
    CPUState *saved_cpu = current_cpu;
    if (!current_cpu) {
        current_cpu = first_cpu;
    }
    const QTestCmd *cmd = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(qtest_cmds); i++) {
        if (!strcmp(qtest_cmds[i].name, name)) {
            cmd = &qtest_cmds[i];
            break;
        }
    }
    if (!cmd) {
        qtest_sendf(s, "FAIL Unknown command '%.64s'\n", name);
    } else if (nargs < cmd->min_args || nargs > cmd->max_args) {
        qtest_sendf(s, "FAIL %s takes %d%s%.0d argument%s, not %d\n", cmd->name,
                    cmd->min_args, cmd->max_args > cmd->min_args ? " to " : "",
                    cmd->max_args > cmd->min_args ? cmd->max_args : 0,
                    cmd->max_args == 1 ? "" : "s", nargs);
    } else {
        cmd->run(s, w);
    }
    current_cpu = saved_cpu;
    g_strfreev(w);
}
