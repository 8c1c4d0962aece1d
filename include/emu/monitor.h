/*
 * The human monitor: "(emu) " prompt on a chardev, QEMU's command names.
 *
 *     monitor_init(chr, on_mux, &err);   // -monitor stdio, mon:stdio, ...
 *
 * Commands: help [cmd], info <status|registers|cpus|mtree [-f]|qtree|
 * chardev|version|...>, system_reset, quit/q, stop, cont/c, xp/x /fmt addr.
 * A line with more than its command takes is refused ("q x" does not quit).
 * Other layers add "info" subcommands and commands (the board registers
 * "info pci"; the UI "screendump"), before or after monitor_init.
 */
#ifndef EMU_MONITOR_H
#define EMU_MONITOR_H

#include "emu/common.h"
#include "emu/chardev.h"

typedef struct Monitor Monitor;

/*
 * Attach a monitor to chr.  on_mux: chr is a mux (mon:stdio, -nographic,
 * -chardev ...,mux=on) shared with a serial port; the monitor prints its
 * banner and prompt when C-a c gives it the focus.  Otherwise the banner
 * and prompt appear at once (or when a socket client connects).
 * Returns 0, or -1 with errp set (chr NULL).
 */
int monitor_init(Chardev *chr, bool on_mux, Error **errp);

/*
 * Run one command line as if typed; output goes to out.  mon may be NULL
 * (tests, scripts).  Returns 0, or -1 for an unknown command or bad
 * arguments (the message is printed to out).
 */
int monitor_execute_line(Monitor *mon, const char *line, FILE *out);

typedef void MonitorInfoFn(FILE *out);
/* "info NAME" runs fn; help is the one-line description.  A second
 * registration of the same name replaces the first. */
void monitor_register_info(const char *name, const char *help,
                           MonitorInfoFn *fn);

typedef int MonitorCmdFn(FILE *out, const char *args);

/* "info NAME ARGS": fn gets the rest of the line (trimmed, maybe "") and
 * checks it itself; args_help shows in "info"'s list. */
void monitor_register_info_args(const char *name, const char *args_help,
                                const char *help, MonitorCmdFn *fn);

/* The CPU "cpu N" selected (info registers, x): index into the machine's
 * CPUs, 0 by default. */
int monitor_cpu_index(void);
/* A top-level command; args is the rest of the line (trimmed, maybe "").
 * fn returns 0, or -1 after printing why to out.  args_help "" declares
 * that it takes no arguments: the monitor then refuses a line with any
 * before fn is called; otherwise fn checks args itself. */
void monitor_register_command(const char *name, const char *args_help,
                              const char *help, MonitorCmdFn *fn);

/* Free every monitor; call after chardev_cleanup_all() (which drops the
 * chardevs that point at them). */
void monitor_cleanup_all(void);

#endif
