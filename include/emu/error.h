/*
 * Errors: functions that can fail return 0 / -errno and, where a human needs
 * to know why, fill an Error out-parameter (QEMU's convention, reduced).
 *
 *     Error *err = NULL;
 *     if (dev_realize(dev, &err) < 0) {
 *         error_report_err(err);        // prints "emu: <message>", frees
 *     }
 *
 * Passing errp == NULL discards the message.  Device code never exits; only
 * system/ turns an error into an exit status.
 */
#ifndef EMU_ERROR_H
#define EMU_ERROR_H

typedef struct Error {
    char *msg;
} Error;

/* The name messages start with: the basename of argv[0] (default "emu"). */
void error_set_progname(const char *argv0);
void error_setg(Error **errp, const char *fmt, ...) EMU_PRINTF(2, 3);
void error_prepend(Error **errp, const char *fmt, ...) EMU_PRINTF(2, 3);
const char *error_get_pretty(const Error *err);
void error_free(Error *err);
/* Print "emu: <msg>" to stderr and free. */
void error_report_err(Error *err);
/* Print "emu: <fmt>" to stderr (one line, newline added). */
void error_report(const char *fmt, ...) EMU_PRINTF(1, 2);
void warn_report(const char *fmt, ...) EMU_PRINTF(1, 2);
/* Print "emu: <fmt>" and exit(1).  For system/ and tools only. */
EMU_NORETURN void fatal(const char *fmt, ...) EMU_PRINTF(1, 2);

#endif
