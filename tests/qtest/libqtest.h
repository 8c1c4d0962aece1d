/*
 * libqtest: the client side of the qtest protocol (include/emu/qtest.h),
 * in the manner of QEMU's tests/qtest/libqtest.h.  A test program starts
 * emu with no CPU running and drives its devices from outside:
 *
 *     QTestState *qts = qtest_init("-rtc clock=vm");
 *     qtest_outb(qts, 0x70, 0x00);
 *     uint8_t sec = qtest_inb(qts, 0x71);
 *     qtest_irq_intercept_in(qts, "ioapic");
 *     qtest_clock_step(qts, 1000000000);
 *     CHECK(qtest_get_irq(qts, 8));
 *     qtest_quit(qts);
 *
 * qtest_init listens on a unix socket in a fresh temporary folder and runs
 * "$EMU -qtest unix:SOCKET -qtest-log LOG -display none -machine
 * accel=qtest ARGS" through /bin/sh (EMU: $QTEST_EMU_BINARY, else $EMU,
 * else ./emu; LOG: /dev/null, or stderr when $QTEST_LOG is set).  The
 * child dies with the test (PR_SET_PDEATHSIG).
 *
 * A request that gets a FAIL reply, a lost connection or no reply within
 * $QTEST_TIMEOUT seconds (default 60) ends the test program with a
 * message ("libqtest: ...") and abort(), as QEMU's g_assert does.
 * "IRQ raise/lower N" lines are taken wherever they come and kept for
 * qtest_get_irq.
 */
#ifndef TESTS_QTEST_LIBQTEST_H
#define TESTS_QTEST_LIBQTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct QTestState QTestState;

QTestState *qtest_init(const char *extra_args);
QTestState *qtest_initf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* SIGTERM, then wait for emu; returns its wait status (0: exited 0 or
 * ended by that SIGTERM, else the raw status, e.g. a sanitizer's exit). */
int qtest_quit(QTestState *s);

void qtest_outb(QTestState *s, uint16_t port, uint8_t v);
void qtest_outw(QTestState *s, uint16_t port, uint16_t v);
void qtest_outl(QTestState *s, uint16_t port, uint32_t v);
uint8_t qtest_inb(QTestState *s, uint16_t port);
uint16_t qtest_inw(QTestState *s, uint16_t port);
uint32_t qtest_inl(QTestState *s, uint16_t port);

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t v);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t v);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t v);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t v);
uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);

/* Buffers: hex ("read"/"write") and base64 ("b64read"/"b64write"). */
void qtest_memread(QTestState *s, uint64_t addr, void *buf, size_t size);
void qtest_memwrite(QTestState *s, uint64_t addr, const void *buf, size_t size);
void qtest_bufread(QTestState *s, uint64_t addr, void *buf, size_t size);
void qtest_bufwrite(QTestState *s, uint64_t addr, const void *buf, size_t size);
void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t size);

/* CLOCK_VIRTUAL: each returns the clock after the request (ns). */
int64_t qtest_clock_step(QTestState *s, int64_t ns);
int64_t qtest_clock_step_next(QTestState *s); /* to the next deadline */
int64_t qtest_clock_set(QTestState *s, int64_t ns);

void qtest_irq_intercept_in(QTestState *s, const char *dev);
void qtest_irq_intercept_out(QTestState *s, const char *dev);
void qtest_set_irq_in(QTestState *s, const char *dev, const char *name, int num,
                      int level);
/* Level of intercepted line num as the last "IRQ" line said. */
bool qtest_get_irq(QTestState *s, int num);

/*
 * Send one request line (without "\n") and return its reply line (no
 * newline; valid until the next request), whatever it is: for tests of
 * the protocol itself.
 */
const char *qtest_raw(QTestState *s, const char *line);
/* Path of a scratch file in the test's temporary folder (freed with s). */
const char *qtest_tmp_path(QTestState *s, const char *name);

#endif
