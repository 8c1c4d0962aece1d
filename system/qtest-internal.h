/*
 * The qtest server's parts (include/emu/qtest.h): qtest.c has the
 * connection, the log and the interrupt interception; qtest-cmd.c parses
 * and runs the requests.
 */
#ifndef SYSTEM_QTEST_INTERNAL_H
#define SYSTEM_QTEST_INTERNAL_H

#include "emu/common.h"
#include "emu/irq.h"
#include "emu/qtest.h"

#include <glib.h>

/* One intercepted line: where it reports and how to forward. */
typedef struct QTestIRQ {
    QTestServer *s;
    IRQ *irq;  /* the line, intercepted in place */
    IRQ saved; /* the line as it was: forward to it */
    int n;     /* the number the client sees */
    int level; /* last level reported */
} QTestIRQ;

struct QTestServer {
    Chardev *chr;
    AddressSpace *mem, *io;
    bool clock_control;
    FILE *log;
    bool log_owned;  /* a file we opened (not stderr) */
    GTimer *timer;   /* log timestamps: host seconds since the start */
    GString *inbuf;  /* a request not yet ended by a newline */
    bool discarding; /* inside a line longer than QTEST_MAX_LINE */
    /* irq_intercept_in/out: one device's lines at a time, as QEMU. */
    char *icpt_dev;
    QTestIRQ *icpt;
    int icpt_count;
};

/* Longest request line: a write of QTEST_MAX_SIZE bytes in hex. */
#define QTEST_MAX_LINE (2 * QTEST_MAX_SIZE + 256)

/* Send a reply or an async line (fmt ends with "\n"); also logged. */
void qtest_sendf(QTestServer *s, const char *fmt, ...) EMU_PRINTF(2, 3);
/* Log a note (not sent). */
void qtest_log_note(QTestServer *s, const char *fmt, ...) EMU_PRINTF(2, 3);
/* Run one request line (without its newline; modified in place). */
void qtest_process_line(QTestServer *s, char *line);
/* irq_intercept_in/out DEV [NAME]: replies itself. */
void qtest_irq_intercept(QTestServer *s, const char *dev, const char *name,
                         bool out);
/* The device name a QEMU path stands for ("/machine/ioapic" -> "ioapic"),
 * NULL if no line group is published under it. */
const char *qtest_resolve_dev(const char *path);

#endif
