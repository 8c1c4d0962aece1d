/*
 * Logging behind -d ITEMS and -D FILE (QEMU's names where they exist).
 *
 * Device models log guest misbehaviour with LOG_GUEST_ERROR and features
 * they do not model with LOG_UNIMP; those are off unless -d enables them,
 * except that log_unimp_once() always prints the first occurrence, so a
 * user sees "emu: ne2k_isa: promiscuous mode not supported" once.
 */
#ifndef EMU_LOG_H
#define EMU_LOG_H

enum {
    LOG_GUEST_ERROR = 1 << 0, /* "guest_errors" */
    LOG_UNIMP = 1 << 1,       /* "unimp" */
    LOG_INT = 1 << 2,         /* "int": interrupts and exceptions */
    LOG_CPU = 1 << 3,         /* "cpu": registers at each block */
    LOG_IN_ASM = 1 << 4,      /* "in_asm" */
    LOG_OP = 1 << 5,          /* "op" */
    LOG_OUT_ASM = 1 << 6,     /* "out_asm" */
    LOG_EXEC = 1 << 7,        /* "exec" */
    LOG_IOPORT = 1 << 8,      /* "ioport": unassigned port accesses */
    LOG_RESET = 1 << 9,       /* "cpu_reset" */
    LOG_PCALL = 1 << 10,      /* "pcall": protected-mode far calls */
};

extern int emu_loglevel;
extern FILE *emu_logfile;

static inline bool log_enabled(int mask)
{
    return (emu_loglevel & mask) != 0;
}

void log_printf(const char *fmt, ...) EMU_PRINTF(1, 2);
#define log_mask(mask, ...)                \
    do {                                   \
        if (unlikely(log_enabled(mask))) { \
            log_printf(__VA_ARGS__);       \
        }                                  \
    } while (0)

/* Parse "-d a,b,c"; "help" lists the items.  Returns -1 on an unknown item. */
int log_parse_items(const char *str, Error **errp);
void log_print_items(FILE *f);
int log_set_file(const char *path, Error **errp);

/*
 * Print "emu: <msg>" once per call site (the flag is the caller's static),
 * and to the log file when -d unimp is on.
 */
#define log_unimp_once(...)               \
    do {                                  \
        static bool done_;                \
        if (!done_) {                     \
            done_ = true;                 \
            error_report(__VA_ARGS__);    \
        }                                 \
        log_mask(LOG_UNIMP, __VA_ARGS__); \
    } while (0)

#endif
