/* -d / -D logging (include/emu/log.h). */
#include "emu/common.h"
#include "emu/trace.h"

int emu_loglevel;
FILE *emu_logfile;

static const struct {
    int mask;
    const char *name;
    const char *help;
} log_items[] = {
    {LOG_GUEST_ERROR, "guest_errors", "log when the guest misuses a device"},
    {LOG_UNIMP, "unimp", "log unimplemented functionality"},
    {LOG_INT, "int", "show interrupts and exceptions"},
    {LOG_CPU, "cpu", "show CPU registers before entering a block"},
    {LOG_IN_ASM, "in_asm", "show guest code of each translated block"},
    {LOG_OP, "op", "show the IR of each translated block"},
    {LOG_OUT_ASM, "out_asm", "show the host code of each translated block"},
    {LOG_EXEC, "exec", "show each executed block"},
    {LOG_IOPORT, "ioport", "show accesses to unassigned ports and memory"},
    {LOG_RESET, "cpu_reset", "show CPU state at reset"},
    {LOG_PCALL, "pcall", "show protected-mode far calls/returns/exceptions"},
};

void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(emu_logfile ? emu_logfile : stderr, fmt, ap);
    va_end(ap);
}

void log_print_items(FILE *f)
{
    fprintf(f, "Log items (comma separated):\n");
    fprintf(f, "%-15s %s\n", "trace:PATTERN",
            "turn on trace points (see -trace help)");
    for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
        fprintf(f, "%-15s %s\n", log_items[i].name, log_items[i].help);
    }
}

int log_parse_items(const char *str, Error **errp)
{
    int mask = 0;
    char *copy = strdup(str), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        size_t i;
        if (!strncmp(tok, "trace:", 6)) {
            /* QEMU's spelling for trace points: -d trace:PATTERN */
            if (trace_enable_pattern(tok + 6, true) == 0) {
                error_setg(errp,
                           "-d: no trace point matches '%s' (try -trace help)",
                           tok + 6);
                free(copy);
                return -1;
            }
            continue;
        }
        if (!strcmp(tok, "all")) {
            for (i = 0; i < ARRAY_SIZE(log_items); i++) {
                mask |= log_items[i].mask;
            }
            continue;
        }
        for (i = 0; i < ARRAY_SIZE(log_items); i++) {
            if (!strcmp(tok, log_items[i].name)) {
                mask |= log_items[i].mask;
                break;
            }
        }
        if (i == ARRAY_SIZE(log_items)) {
            error_setg(errp, "-d: unknown log item '%s' (try -d help)", tok);
            free(copy);
            return -1;
        }
    }
    free(copy);
    emu_loglevel |= mask;
    return 0;
}

int log_set_file(const char *path, Error **errp)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        error_setg(errp, "-D %s: %s", path, strerror(errno));
        return -errno;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    emu_logfile = f;
    return 0;
}
