/*
 * The human monitor (QEMU's HMP, reduced): a line editor on a chardev and
 * a table of commands.  Commands print to a FILE *, so the same code
 * serves the terminal (through a memstream, '\n' turned into "\r\n" as
 * QEMU's monitor does) and tests (monitor_execute_line with any FILE).
 *
 * Line editing: printable characters, Backspace/DEL, C-u (kill line),
 * Enter (CR or LF; CR LF counts once), Up/Down through a small history.
 * Other escape sequences (arrows left/right, function keys) are swallowed.
 *
 * Runs in the main loop with the BQL held, like every chardev frontend.
 */
#include "emu/common.h"
#include "emu/chardev.h"
#include "emu/cpu.h"
#include "emu/device.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "emu/memory.h"
#include "emu/monitor.h"
#include "emu/runstate.h"
#include "emu/timer.h"
#include "monitor/hmp-trace.h"
#include "monitor/info-mem.h"
#include "target-i386/mmu.h"

#include <ctype.h>
#include <glib.h>

#define MON_LINE_MAX 1024
#define MON_HISTORY  32
#define MON_OUT_MAX                                    \
    (4 * MiB) /* beyond this a client that never reads \
                 loses output instead of growing memory */
#define MON_PROMPT "(emu) "

enum { ESC_NONE, ESC_ESC, ESC_CSI };

struct Monitor {
    Chardev *chr;
    bool on_mux;
    bool banner_done;
    char line[MON_LINE_MAX];
    int len;
    bool last_cr;
    int esc;
    char csi_arg;
    char *history[MON_HISTORY];
    int hist_n;   /* entries used */
    int hist_pos; /* while browsing: index into history, hist_n = new */
    GString *out; /* pending output for chr */
    bool watch_pending;
    Monitor *next;
};

typedef struct MonInfo {
    char *name;
    char *args_help;
    char *help;
    MonitorInfoFn *fn;
    MonitorCmdFn *fn_args; /* instead of fn: takes arguments */
} MonInfo;

/* "cpu N": the CPU info registers and x look at. */
static int mon_cpu_index;

typedef struct MonCmd {
    char *name;
    char *args_help;
    char *help;
    MonitorCmdFn *fn;
} MonCmd;

static Monitor *monitors;
static GPtrArray *info_table; /* MonInfo * */
static GPtrArray *cmd_table;  /* MonCmd * */

/* ---- output ---- */

static void monitor_flush(void *opaque);

static void monitor_flush(void *opaque)
{
    Monitor *mon = opaque;
    mon->watch_pending = false;
    while (mon->out->len) {
        int n =
            chr_write(mon->chr, (const uint8_t *)mon->out->str, mon->out->len);
        if (n <= 0) {
            mon->watch_pending = true;
            chr_add_watch(mon->chr, monitor_flush, mon);
            return;
        }
        g_string_erase(mon->out, 0, n);
    }
}

/* Queue text for the terminal, '\n' -> "\r\n". */
static void monitor_puts(Monitor *mon, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (mon->out->len >= MON_OUT_MAX) {
            break;
        }
        if (s[i] == '\n') {
            g_string_append_c(mon->out, '\r');
        }
        g_string_append_c(mon->out, s[i]);
    }
    if (!mon->watch_pending) {
        monitor_flush(mon);
    }
}

static void monitor_print(Monitor *mon, const char *s)
{
    monitor_puts(mon, s, strlen(s));
}

static void monitor_banner(Monitor *mon)
{
    if (!mon->banner_done) {
        mon->banner_done = true;
        monitor_print(mon, "emu monitor - type 'help' for more "
                           "information\n");
    }
}

static void monitor_prompt(Monitor *mon)
{
    monitor_print(mon, MON_PROMPT);
    monitor_puts(mon, mon->line, mon->len);
}

/* ---- command tables ---- */

static MonInfo *info_find(const char *name)
{
    if (!info_table) {
        return NULL;
    }
    for (guint i = 0; i < info_table->len; i++) {
        MonInfo *e = g_ptr_array_index(info_table, i);
        if (!strcmp(e->name, name)) {
            return e;
        }
    }
    return NULL;
}

static MonInfo *info_entry(const char *name, const char *args_help,
                           const char *help)
{
    if (!info_table) {
        info_table = g_ptr_array_new();
    }
    MonInfo *e = info_find(name);
    if (!e) {
        e = g_new0(MonInfo, 1);
        e->name = g_strdup(name);
        g_ptr_array_add(info_table, e);
    }
    g_free(e->help);
    g_free(e->args_help);
    e->help = g_strdup(help ? help : "");
    e->args_help = g_strdup(args_help ? args_help : "");
    e->fn = NULL;
    e->fn_args = NULL;
    return e;
}

void monitor_register_info(const char *name, const char *help,
                           MonitorInfoFn *fn)
{
    info_entry(name, NULL, help)->fn = fn;
}

void monitor_register_info_args(const char *name, const char *args_help,
                                const char *help, MonitorCmdFn *fn)
{
    info_entry(name, args_help, help)->fn_args = fn;
}

int monitor_cpu_index(void)
{
    Machine *m = current_machine;
    return m && mon_cpu_index < m->nr_cpus ? mon_cpu_index : 0;
}

static MonCmd *cmd_find(const char *name)
{
    if (!cmd_table) {
        return NULL;
    }
    for (guint i = 0; i < cmd_table->len; i++) {
        MonCmd *e = g_ptr_array_index(cmd_table, i);
        if (!strcmp(e->name, name)) {
            return e;
        }
    }
    return NULL;
}

void monitor_register_command(const char *name, const char *args_help,
                              const char *help, MonitorCmdFn *fn)
{
    if (!cmd_table) {
        cmd_table = g_ptr_array_new();
    }
    MonCmd *e = cmd_find(name);
    if (!e) {
        e = g_new0(MonCmd, 1);
        e->name = g_strdup(name);
        g_ptr_array_add(cmd_table, e);
    }
    g_free(e->args_help);
    g_free(e->help);
    e->args_help = g_strdup(args_help ? args_help : "");
    e->help = g_strdup(help ? help : "");
    e->fn = fn;
}

/* ---- built-in info subcommands ---- */

static void info_status(FILE *out)
{
    RunState st = runstate_get();
    if (st == RUN_STATE_RUNNING || st == RUN_STATE_PAUSED) {
        fprintf(out, "VM status: %s\n", runstate_name(st));
    } else {
        fprintf(out, "VM status: paused (%s)\n", runstate_name(st));
    }
}

/* info registers [-a]: the selected CPU ("cpu N"), or all of them. */
static int info_registers(FILE *out, const char *args)
{
    Machine *m = current_machine;
    bool all = !strcmp(args, "-a");
    if (*args && !all) {
        fprintf(out, "info registers: unexpected argument '%s'\n", args);
        return -1;
    }
    if (!m || !m->nr_cpus) {
        fprintf(out, "No CPU\n");
        return 0;
    }
    for (int i = 0; i < m->nr_cpus; i++) {
        CPUState *cpu = m->cpus[i];
        if (!all && i != monitor_cpu_index()) {
            continue;
        }
        cpu_synchronize_state(cpu);
        if (m->nr_cpus > 1) {
            fprintf(out, "CPU#%d\n", cpu->index);
        }
        x86_cpu_dump_state(out, &cpu->env);
    }
    return 0;
}

static int cmd_cpu(FILE *out, const char *args)
{
    Machine *m = current_machine;
    char *end;
    long n = strtol(args, &end, 10);
    if (!*args || *end || n < 0 || !m || n >= m->nr_cpus) {
        fprintf(out, "invalid CPU index '%s' (0..%d)\n", args,
                m ? m->nr_cpus - 1 : 0);
        return -1;
    }
    mon_cpu_index = (int)n;
    return 0;
}

static void info_cpus(FILE *out)
{
    Machine *m = current_machine;
    if (!m) {
        return;
    }
    for (int i = 0; i < m->nr_cpus; i++) {
        CPUState *cpu = m->cpus[i];
        cpu_synchronize_state(cpu);
        fprintf(out, "%c CPU #%d: pc=0x%016" PRIx64 "%s\n",
                i == monitor_cpu_index() ? '*' : ' ',
                cpu->index, cpu->env.segs[1].base + cpu->env.eip,
                cpu->env.halted ? " (halted)" : "");
    }
}

static int info_mtree(FILE *out, const char *args)
{
    Machine *m = current_machine;
    if (*args && strcmp(args, "-f")) {
        fprintf(out, "info mtree: unexpected argument '%s'\n", args);
        return -1;
    }
    if (!m) {
        fprintf(out, "No machine\n");
        return 0;
    }
    if (!strcmp(args, "-f")) {
        fprintf(out, "FlatView (memory)\n");
        address_space_dump_flat(out, m->as_mem);
        fprintf(out, "\nFlatView (I/O)\n");
        address_space_dump_flat(out, m->as_io);
        return 0;
    }
    fprintf(out, "address-space: memory\n");
    memory_region_dump(out, m->sysmem);
    fprintf(out, "\naddress-space: I/O\n");
    memory_region_dump(out, m->sysio);
    return 0;
}

static void info_qtree(FILE *out)
{
    qtree_dump(out);
}

static void info_chardev(FILE *out)
{
    chardev_info(out);
}

static void info_version(FILE *out)
{
    fprintf(out, "emu %s\n", EMU_VERSION);
}

/* ---- built-in commands ---- */

static bool print_help(FILE *out, const char *only);

static int cmd_help(FILE *out, const char *args)
{
    if (*args && (strchr(args, ' ') || strchr(args, '\t'))) {
        fprintf(out, "help: too many arguments (help [command])\n");
        return -1;
    }
    return print_help(out, *args ? args : NULL) ? 0 : -1;
}

static void print_info_help(FILE *out)
{
    if (!info_table) {
        return;
    }
    for (guint i = 0; i < info_table->len; i++) {
        MonInfo *e = g_ptr_array_index(info_table, i);
        char *name = *e->args_help
                         ? g_strdup_printf("%s %s", e->name, e->args_help)
                         : g_strdup(e->name);
        fprintf(out, "info %-16s -- %s\n", name, e->help);
        g_free(name);
    }
}

static int cmd_info(FILE *out, const char *args)
{
    char name[64] = "";
    const char *rest = args;
    int n = 0;
    sscanf(args, "%63s%n", name, &n);
    rest = args + n;
    while (isspace((unsigned char)*rest)) {
        rest++;
    }
    if (!*name) {
        print_info_help(out);
        return 0;
    }
    MonInfo *e = info_find(name);
    if (!e) {
        fprintf(out, "info: unknown subcommand '%s' (try 'info')\n", name);
        return -1;
    }
    if (e->fn_args) {
        char *trimmed = g_strstrip(g_strdup(rest));
        int ret = e->fn_args(out, trimmed);
        g_free(trimmed);
        return ret;
    }
    if (*rest) {
        fprintf(out, "info %s: unexpected argument '%s'\n", name, rest);
        return -1;
    }
    e->fn(out);
    return 0;
}

static int cmd_quit(FILE *out, const char *args)
{
    system_shutdown_request(SHUTDOWN_CAUSE_HOST_QUIT, 0);
    return 0;
}

static int cmd_system_reset(FILE *out, const char *args)
{
    system_reset_request(SHUTDOWN_CAUSE_HOST_RESET);
    return 0;
}

static int cmd_stop(FILE *out, const char *args)
{
    vm_stop(RUN_STATE_PAUSED);
    return 0;
}

static int cmd_cont(FILE *out, const char *args)
{
    vm_start();
    return 0;
}

static int cmd_system_powerdown(FILE *out, const char *args)
{
    Error *err = NULL;
    if (system_powerdown_request(&err) < 0) {
        fprintf(out, "%s\n", error_get_pretty(err));
        error_free(err);
        return -1;
    }
    return 0;
}

/* Items x/xp print at most: 256 KiB of 'g' units, a few MB of text. */
#define MON_X_MAX_COUNT 65536

/*
 * The arguments of x/xp, "[/fmt] addr" (QEMU syntax): fmt =
 * [count][x|d|u|o|c][b|h|w|g], addr a number (C syntax: 0x hex, 0 octal).
 * Counts and addresses that do not fit are refused, never truncated.
 */
static int parse_x_args(FILE *out, const char *cmd, const char *args,
                        int *pcount, int *psize, char *pfmt, uint64_t *paddr)
{
    int count = 1, size = 4;
    char fmt = 'x';
    const char *p = args;
    char *end;
    uint64_t addr;

    if (*p == '/') {
        p++;
        if (isdigit((unsigned char)*p)) {
            uint64_t n = 0;
            for (; isdigit((unsigned char)*p); p++) {
                n = n * 10 + (*p - '0');
                if (n > MON_X_MAX_COUNT) {
                    fprintf(out, "%s: count too large (at most %d)\n", cmd,
                            MON_X_MAX_COUNT);
                    return -1;
                }
            }
            if (n == 0) {
                fprintf(out, "%s: count must be at least 1\n", cmd);
                return -1;
            }
            count = n;
        }
        while (*p && !isspace((unsigned char)*p)) {
            switch (*p) {
            case 'x':
            case 'd':
            case 'u':
            case 'o':
            case 'c':
                fmt = *p;
                break;
            case 'b':
                size = 1;
                break;
            case 'h':
                size = 2;
                break;
            case 'w':
                size = 4;
                break;
            case 'g':
                size = 8;
                break;
            default:
                fprintf(out, "%s: invalid format character '%c'\n", cmd, *p);
                return -1;
            }
            p++;
        }
        if (fmt == 'c') {
            size = 1;
        }
    }
    while (isspace((unsigned char)*p)) {
        p++;
    }
    if (!isdigit((unsigned char)*p)) {
        fprintf(out, "usage: %s /fmt addr\n", cmd);
        return -1;
    }
    errno = 0;
    addr = g_ascii_strtoull(p, &end, 0);
    if (errno == ERANGE) {
        fprintf(out, "%s: address '%s' does not fit in 64 bits\n", cmd, p);
        return -1;
    }
    if (*end) {
        fprintf(out, "%s: unexpected '%s' after the address\n", cmd, end);
        return -1;
    }
    *pcount = count;
    *psize = size;
    *pfmt = fmt;
    *paddr = addr;
    return 0;
}

/*
 * One value at addr: physical when mmu is NULL, else linear through the
 * page tables (target-i386/mmu.c, as a debugger: no A/D updates, rights
 * ignored), byte by byte since an element may straddle two pages.
 */
static bool mon_read(AddressSpace *as, const X86MMUParams *mmu, uint64_t addr,
                     int size, uint64_t *v)
{
    if (!mmu) {
        address_space_read_val(as, addr, size, v);
        return true;
    }
    *v = 0;
    for (int i = 0; i < size; i++) {
        X86WalkResult r;
        uint64_t b = 0;
        if (!x86_walk(mmu, as, addr + i, X86_ACCESS_READ, 0, &r)) {
            return false;
        }
        address_space_read_val(as, r.phys, 1, &b);
        *v |= (b & 0xff) << (8 * i);
    }
    return true;
}

/*
 * x/xp /fmt addr.  xp reads guest physical memory; x a linear address,
 * translated through the first CPU's page tables when paging is on (under
 * KVM, synchronized from the vCPU first).  Unassigned addresses read as
 * the memory API gives them (all ones), unmapped linear pages print
 * "Cannot access memory"; a dump that would go past the end of the
 * address space (physical, the 4 GiB linear one, or the 64-bit one of long
 * mode, where a non-canonical address cannot be accessed) is refused
 * instead of wrapping around to 0.
 */
static int cmd_x_common(FILE *out, const char *args, bool phys)
{
    const char *cmd = phys ? "xp" : "x";
    int count, size;
    char fmt;
    uint64_t addr, space;

    if (parse_x_args(out, cmd, args, &count, &size, &fmt, &addr) < 0) {
        return -1;
    }
    Machine *m = current_machine;
    if (!m) {
        fprintf(out, "No machine\n");
        return -1;
    }
    /* x: the selected CPU's paging registers; without a CPU, linear =
     * physical. */
    X86MMUParams mmu = { .a20_mask = 0xffffffff };
    if (!phys && m->nr_cpus && m->cpus[monitor_cpu_index()]) {
        cpu_synchronize_state(m->cpus[monitor_cpu_index()]);
        x86_mmu_params(&mmu, &m->cpus[monitor_cpu_index()]->env);
    }
    bool linear = !phys && (mmu.cr0 & CR0_PG_MASK);
    /* Long mode: 64-bit linear addresses, no end to check (0); a
     * non-canonical one cannot be accessed. */
    bool lm = linear && (mmu.efer & EFER_LMA);
    space = lm ? 0 : linear ? 4 * GiB : m->sysmem->size;
    uint64_t len = (uint64_t)count * size;
    if ((space && (addr >= space || len > space - addr)) ||
        (lm && len && len - 1 > ~addr)) {
        fprintf(out,
                "%s: 0x%" PRIx64 " + %" PRIu64 " bytes reaches past the end "
                "of the %s address space (0-0x%" PRIx64 ")\n",
                cmd, addr, len, linear ? "linear" : "physical", space - 1);
        return -1;
    }
    int per_line = fmt == 'c' ? 16 : 16 / size;
    for (int i = 0; i < count; i++) {
        uint64_t a = addr + (uint64_t)i * size;
        if (i % per_line == 0) {
            fprintf(out, "%s%016" PRIx64 ":", i ? "\n" : "", a);
        }
        uint64_t v = 0;
        if (!mon_read(m->as_mem, linear ? &mmu : NULL, a, size, &v)) {
            fprintf(out, " Cannot access memory\n");
            return -1;
        }
        switch (fmt) {
        case 'x':
            fprintf(out, " 0x%0*" PRIx64, size * 2, v);
            break;
        case 'o':
            fprintf(out, " %#" PRIo64, v);
            break;
        case 'u':
            fprintf(out, " %" PRIu64, v);
            break;
        case 'd': {
            int64_t s =
                size == 8 ? (int64_t)v
                          : (int64_t)(v << (64 - 8 * size)) >> (64 - 8 * size);
            fprintf(out, " %" PRId64, s);
            break;
        }
        case 'c':
            fprintf(out, isprint((int)v) ? " '%c'" : " \\x%02x", (int)v);
            break;
        }
    }
    fprintf(out, "\n");
    return 0;
}

static int cmd_xp(FILE *out, const char *args)
{
    return cmd_x_common(out, args, true);
}

static int cmd_x(FILE *out, const char *args)
{
    return cmd_x_common(out, args, false);
}

static void monitor_register_builtins(void)
{
    static bool done;
    if (done) {
        return;
    }
    done = true;
    /* Registered first so boards and UIs can override or extend. */
    monitor_register_command("help", "[cmd]", "show the help", cmd_help);
    monitor_register_command("info", "[subcommand]",
                             "show various information about the system "
                             "state",
                             NULL);
    monitor_register_command("stop", "", "stop emulation", cmd_stop);
    monitor_register_command("cont", "", "resume emulation", cmd_cont);
    monitor_register_command("system_reset", "", "reset the system",
                             cmd_system_reset);
    monitor_register_command("system_powerdown", "",
                             "send system power down event",
                             cmd_system_powerdown);
    monitor_register_command("quit", "", "quit the emulator", cmd_quit);
    monitor_register_command("xp", "/fmt addr",
                             "physical memory dump starting at 'addr'", cmd_xp);
    monitor_register_command("x", "/fmt addr",
                             "virtual memory dump starting at 'addr'",
                             cmd_x);
    monitor_register_info("status", "show the current VM status", info_status);
    monitor_register_info_args("registers", "[-a]",
                               "show the cpu registers (-a: all CPUs)",
                               info_registers);
    monitor_register_command("cpu", "index", "set the default CPU",
                             cmd_cpu);
    monitor_register_info("cpus", "show infos for each CPU", info_cpus);
    monitor_register_info_args("mtree", "[-f]",
                               "show memory tree (-f: flat views)",
                               info_mtree);
    monitor_register_info("qtree", "show device tree", info_qtree);
    monitor_register_info("chardev", "show the character devices",
                          info_chardev);
    monitor_register_info("version", "show the version", info_version);
    monitor_register_info("mem", "show the active virtual memory mappings",
                          monitor_info_mem);
    hmp_trace_register();
}

/* Aliases as in QEMU. */
static const char *const cmd_aliases[][2] = {
    {"q", "quit"},
    {"c", "cont"},
    {"?", "help"},
    {"h", "help"},
};

static const char *resolve_alias(const char *name)
{
    for (size_t j = 0; j < ARRAY_SIZE(cmd_aliases); j++) {
        if (!strcmp(name, cmd_aliases[j][0])) {
            return cmd_aliases[j][1];
        }
    }
    return name;
}

/* Every command's line, or that of the command (or alias) only; false if
 * there is no such command. */
static bool print_help(FILE *out, const char *only)
{
    const char *want = only ? resolve_alias(only) : NULL;
    bool found = false;

    for (guint i = 0; i < cmd_table->len; i++) {
        MonCmd *e = g_ptr_array_index(cmd_table, i);
        const char *alias = NULL;
        if (want && strcmp(want, e->name)) {
            continue;
        }
        found = true;
        for (size_t j = 0; j < ARRAY_SIZE(cmd_aliases); j++) {
            if (!strcmp(cmd_aliases[j][1], e->name)) {
                alias = cmd_aliases[j][0];
                break;
            }
        }
        char head[64];
        snprintf(head, sizeof(head), "%s%s%s %s", e->name, alias ? "|" : "",
                 alias ? alias : "", e->args_help);
        fprintf(out, "%-24s -- %s\n", head, e->help);
    }
    if (want && !found) {
        fprintf(out, "help: unknown command '%s'\n", only);
        return false;
    }
    return true;
}

int monitor_execute_line(Monitor *mon, const char *line, FILE *out)
{
    monitor_register_builtins();
    while (isspace((unsigned char)*line)) {
        line++;
    }
    if (!*line) {
        return 0;
    }
    size_t n = strcspn(line, " \t");
    char *name = g_strndup(line, n);
    const char *args = line + n;
    while (isspace((unsigned char)*args)) {
        args++;
    }
    /* Trim trailing blanks of args. */
    char *a = g_strdup(args);
    g_strchomp(a);
    if (strcmp(resolve_alias(name), name)) {
        char *full = g_strdup(resolve_alias(name));
        g_free(name);
        name = full;
    }
    /* "x/4x 0x100": the format may follow the name without a blank. */
    char *slash = strchr(name, '/');
    if (slash && (slash == name + 1 || slash == name + 2)) {
        char *fmt_args = g_strdup_printf("%s %s", slash, a);
        g_free(a);
        a = fmt_args;
        *slash = 0;
    }
    int r = 0;
    MonCmd *c = cmd_find(name);
    if (!strcmp(name, "info")) {
        r = cmd_info(out, a);
    } else if (c && c->fn && !*c->args_help && *a) {
        /* A command that takes nothing refuses anything: "q x" is not
         * quit (QEMU also refuses a line with more than its command). */
        fprintf(out, "%s: unexpected argument '%s' (%s takes none)\n", name, a,
                name);
        r = -1;
    } else if (c && c->fn) {
        r = c->fn(out, a) < 0 ? -1 : 0;
    } else {
        fprintf(out, "unknown command: '%s'\n", name);
        r = -1;
    }
    fflush(out);
    g_free(name);
    g_free(a);
    (void)mon;
    return r;
}

/* ---- the line editor ---- */

static void monitor_run_line(Monitor *mon)
{
    mon->line[mon->len] = 0;
    monitor_print(mon, "\n");
    if (mon->len) {
        if (mon->hist_n == MON_HISTORY) {
            g_free(mon->history[0]);
            memmove(mon->history, mon->history + 1,
                    (MON_HISTORY - 1) * sizeof(char *));
            mon->hist_n--;
        }
        if (!mon->hist_n || strcmp(mon->history[mon->hist_n - 1], mon->line)) {
            mon->history[mon->hist_n++] = g_strdup(mon->line);
        }
    }
    mon->hist_pos = mon->hist_n;
    char *line = g_strdup(mon->line);
    mon->len = 0;
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (f) {
        monitor_execute_line(mon, line, f);
        fclose(f);
        monitor_puts(mon, buf, size);
        free(buf);
    }
    g_free(line);
    if (!system_shutdown_requested()) {
        monitor_prompt(mon);
    }
}

static void monitor_redraw(Monitor *mon)
{
    monitor_print(mon, "\r" MON_PROMPT);
    monitor_puts(mon, mon->line, mon->len);
    monitor_print(mon, "\033[K");
}

static void monitor_history(Monitor *mon, int dir)
{
    int pos = mon->hist_pos + dir;
    if (pos < 0 || pos > mon->hist_n) {
        return;
    }
    mon->hist_pos = pos;
    const char *s = pos < mon->hist_n ? mon->history[pos] : "";
    mon->len = MIN(strlen(s), (size_t)MON_LINE_MAX - 1);
    memcpy(mon->line, s, mon->len);
    monitor_redraw(mon);
}

static void monitor_key(Monitor *mon, uint8_t ch)
{
    if (mon->esc == ESC_ESC) {
        mon->esc = ch == '[' || ch == 'O' ? ESC_CSI : ESC_NONE;
        return;
    }
    if (mon->esc == ESC_CSI) {
        if (ch >= 0x40 && ch <= 0x7e) {
            mon->esc = ESC_NONE;
            if (ch == 'A') {
                monitor_history(mon, -1);
            } else if (ch == 'B') {
                monitor_history(mon, 1);
            }
        }
        return;
    }
    bool was_cr = mon->last_cr;
    mon->last_cr = ch == '\r';
    switch (ch) {
    case '\r':
        monitor_run_line(mon);
        break;
    case '\n':
        if (!was_cr) {
            monitor_run_line(mon);
        }
        break;
    case 0x7f:
    case '\b':
        if (mon->len > 0) {
            mon->len--;
            monitor_print(mon, "\b \b");
        }
        break;
    case 0x15: /* C-u */
        mon->len = 0;
        monitor_redraw(mon);
        break;
    case 0x1b:
        mon->esc = ESC_ESC;
        break;
    default:
        if (ch >= 0x20 && mon->len < MON_LINE_MAX - 1) {
            mon->line[mon->len++] = ch;
            char c = ch;
            monitor_puts(mon, &c, 1);
        }
        break;
    }
}

static int monitor_can_receive(void *opaque)
{
    return MON_LINE_MAX;
}

static void monitor_receive(void *opaque, const uint8_t *buf, int size)
{
    Monitor *mon = opaque;
    for (int i = 0; i < size; i++) {
        monitor_key(mon, buf[i]);
    }
}

static void monitor_event(void *opaque, int event)
{
    Monitor *mon = opaque;
    switch (event) {
    case CHR_EVENT_OPENED:
        /* A new client: start afresh (sockets, pty). */
        mon->banner_done = false;
        mon->len = 0;
        g_string_truncate(mon->out, 0);
        monitor_banner(mon);
        monitor_prompt(mon);
        break;
    case CHR_EVENT_MUX_IN:
        monitor_banner(mon);
        monitor_prompt(mon);
        break;
    default:
        break;
    }
}

int monitor_init(Chardev *chr, bool on_mux, Error **errp)
{
    if (!chr) {
        error_setg(errp, "monitor: no character device");
        return -1;
    }
    if (on_mux && !chr_is_mux(chr)) {
        /* -monitor X without mux=on: a monitor of its own is fine. */
        on_mux = false;
    }
    monitor_register_builtins();
    Monitor *mon = g_new0(Monitor, 1);
    mon->chr = chr;
    mon->on_mux = on_mux;
    mon->out = g_string_new(NULL);
    mon->next = monitors;
    monitors = mon;
    if (on_mux) {
        chr_mux_add_frontend(chr, monitor_can_receive, monitor_receive,
                             monitor_event, mon, true);
    } else {
        chr_set_frontend(chr, monitor_can_receive, monitor_receive,
                         monitor_event, mon);
        if (chr_is_connected(chr)) {
            monitor_banner(mon);
            monitor_prompt(mon);
        }
    }
    return 0;
}

void monitor_cleanup_all(void)
{
    while (monitors) {
        Monitor *mon = monitors;
        monitors = mon->next;
        for (int i = 0; i < mon->hist_n; i++) {
            g_free(mon->history[i]);
        }
        g_string_free(mon->out, TRUE);
        g_free(mon);
    }
}
