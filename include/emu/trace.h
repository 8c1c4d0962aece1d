/*
 * Trace points: named events in device models and accelerators that a
 * user turns on by name or pattern (-trace, -d trace:, the monitor's
 * trace-event) and that print one line each to the log (-D) or stderr:
 *
 *     trace(pit_write, "ch %d mode %d val 0x%x", ch, mode, val);
 *
 * The name is an identifier, by convention "<device>_<what>"; the format
 * is printf's, checked by the compiler.  The output line is the name, a
 * space, then the formatted arguments.  One name may be used at several
 * call sites (a read and a write path): they are enabled together.
 *
 * Cost when off: one load of a flag and a branch predicted not taken; the
 * arguments are not evaluated.  Each call site has a static descriptor in
 * the "emu_trace" section, so that every trace point built into the binary
 * is known without a list to keep in step.
 */
#ifndef EMU_TRACE_H
#define EMU_TRACE_H

#include "emu/common.h"

typedef struct TraceEvent {
    const char *name;
    const char *file; /* where it is, for "info trace-events" and docs */
    bool enabled;
} TraceEvent;

void trace_emit(const TraceEvent *ev, const char *fmt, ...) EMU_PRINTF(2, 3);

#define trace(name_, fmt_, ...)                                                \
    do {                                                                       \
        static TraceEvent trace_ev_ = {#name_, __FILE__, false};               \
        static TraceEvent *const trace_ptr_                                    \
            __attribute__((section("emu_trace"), used)) = &trace_ev_;          \
        (void)trace_ptr_;                                                      \
        if (unlikely(__atomic_load_n(&trace_ev_.enabled, __ATOMIC_RELAXED))) { \
            trace_emit(&trace_ev_, fmt_, ##__VA_ARGS__);                       \
        }                                                                      \
    } while (0)

/*
 * Turn on (or with a leading '-', off) every trace point whose name
 * matches pattern ('*' and '?' wildcards, as QEMU).  Returns how many
 * call sites changed state or matched; 0 means nothing matched.
 */
int trace_enable_pattern(const char *pattern, bool on);
/* -trace's argument: "[enable=]PATTERN", "events=FILE", "file=FILE",
 * comma-separated; "help" lists the trace points.  -1 with errp set. */
int trace_opt_parse(const char *arg, Error **errp);
/* One pattern per line ('#' comments, '-' to disable), as QEMU's
 * events= file. */
int trace_load_events_file(const char *path, Error **errp);
/* "name : state N" per trace point (names once), matching pattern or all
 * (NULL); the monitor's "info trace-events". */
void trace_list(FILE *f, const char *pattern);
/* Number of distinct trace point names built in. */
int trace_count(void);
/* Is any call site of name on? (tests) */
bool trace_is_enabled(const char *name);

#endif
