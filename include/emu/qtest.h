/*
 * The qtest server: QEMU's qtest line protocol on a chardev, so that a
 * test program outside emu drives the machine's buses with no CPU running
 * (-qtest unix:PATH -accel qtest; tests/qtest/libqtest.h is the client).
 *
 * Requests are lines of words separated by single spaces; each gets one
 * reply line, "OK[ VALUE]" or "FAIL reason" (QEMU's "ERR ..." for a
 * write/b64write whose data word is too short).  Numbers are C literals
 * (strtoull base 0: 0x10, 16, 020).  Interrupt changes of intercepted lines
 * arrive as extra lines, "IRQ raise N" / "IRQ lower N", at any time before
 * the reply of the request that caused them.
 *
 *   outb|outw|outl PORT VALUE         OK
 *   inb|inw|inl PORT                  OK 0xVALUE (at least 4 digits)
 *   writeb|writew|writel|writeq ADDR VALUE      OK
 *   readb|readw|readl|readq ADDR      OK 0xVALUE (16 digits)
 *   read ADDR SIZE                    OK 0xHEXBYTES
 *   write ADDR SIZE 0xHEXBYTES        OK (missing bytes are written as 0)
 *   b64read ADDR SIZE                 OK BASE64
 *   b64write ADDR SIZE BASE64         OK
 *   memset ADDR SIZE BYTE             OK
 *   clock_step [NS]                   OK NEW_NS (no NS: to the next
 *                                     CLOCK_VIRTUAL deadline)
 *   clock_set NS                      OK NS, or FAIL NOW if NS is past
 *   irq_intercept_in DEV [NAME]       OK (lines published with
 *   irq_intercept_out DEV [NAME]          irq_group_add, emu/irq.h)
 *   set_irq_in DEV NAME|unnamed-gpio-in N LEVEL   OK
 *   endianness                        OK little
 *   module_load TYPE NAME             FAIL (emu has no modules)
 *
 * Sized accesses (inX/outX, readX/writeX) are one access of that size, as
 * a CPU makes; buffers (read, write, b64*, memset) go through
 * address_space_rw.  SIZE is at most QTEST_MAX_SIZE.  DEV is a published
 * device name, also as a QEMU path ("/machine/ioapic", "ioapic").
 */
#ifndef EMU_QTEST_H
#define EMU_QTEST_H

#include "emu/common.h"
#include "emu/memory.h"

typedef struct Chardev Chardev;
typedef struct QTestServer QTestServer;

/* Largest SIZE of read/write/b64read/b64write/memset (bytes). */
#define QTEST_MAX_SIZE (16 * MiB)

typedef struct QTestOptions {
    AddressSpace *mem; /* guest physical memory */
    AddressSpace *io;  /* the port space */
    /* The client owns CLOCK_VIRTUAL (-accel qtest: the clock is in test
     * mode): clock_step and clock_set work.  Otherwise they fail. */
    bool clock_control;
    /* -qtest-log: NULL logs to stderr, "none" nowhere, else a file. */
    const char *log;
} QTestOptions;

/* Serve the protocol on chr (one server per process). */
QTestServer *qtest_server_new(Chardev *chr, const QTestOptions *o,
                              Error **errp);
/* Stop serving: intercepted lines are restored, the log closed. */
void qtest_server_free(QTestServer *s);

#endif
