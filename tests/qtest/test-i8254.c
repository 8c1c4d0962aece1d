/*
 * The i8254 PIT of the pc machine through the qtest protocol (the
 * in-process tests are tests/unit/test-i8254.c): counters read back from
 * the virtual clock the test moves, the read-back status, counter 0's
 * interrupt at the I/O APIC, counter 2's gate and output at port 0x61.
 */
#include "tests/qtest/qtest-check.h"

#define PIT_HZ   1193182
#define PIT_CH0  0x40
#define PIT_CH2  0x42
#define PIT_MODE 0x43

/* PIT input clocks in ns nanoseconds, rounded down. */
static uint64_t ticks(uint64_t ns)
{
    return ns * PIT_HZ / 1000000000ULL;
}

/* Nanoseconds until n PIT clocks have passed (rounded up). */
static uint64_t ns_for(uint64_t n)
{
    return (n * 1000000000ULL + PIT_HZ - 1) / PIT_HZ;
}

static uint16_t latch_count(QTestState *s, int ch)
{
    qtest_outb(s, PIT_MODE, (uint8_t)(ch << 6)); /* counter latch */
    uint8_t lo = qtest_inb(s, PIT_CH0 + ch);
    return lo | qtest_inb(s, PIT_CH0 + ch) << 8;
}

static void program(QTestState *s, int ch, int mode, uint16_t count)
{
    qtest_outb(s, PIT_MODE, (uint8_t)(ch << 6 | 0x30 | mode << 1));
    qtest_outb(s, PIT_CH0 + ch, count & 0xff);
    qtest_outb(s, PIT_CH0 + ch, count >> 8);
}

/* The count goes down with the virtual clock, and only with it. */
static void test_count_follows_clock(void)
{
    QTestState *s = qtest_init(NULL);
    int64_t t0 = qtest_clock_step(s, 1000); /* any start */
    program(s, 0, 2, 0xffff);
    uint16_t c0 = latch_count(s, 0);
    /* Loading takes one clock in mode 2: the count starts at 0xffff. */
    CHECK(c0 == 0xffff || c0 == 0xfffe);
    uint16_t again = latch_count(s, 0);
    CHECK_EQ(again, c0); /* no time passed, however long the host took */

    int64_t t1 = qtest_clock_step(s, 10000000); /* 10 ms */
    CHECK_EQ(t1, t0 + 10000000);
    uint16_t c1 = latch_count(s, 0);
    uint64_t want = 0xffff - ticks(10000000); /* 11931 clocks */
    CHECK((uint64_t)c1 + 2 >= want && c1 <= want + 2);
    QUIT(s);
}

/* Read-back (SC=11): the status byte of counter 0 in mode 2, binary,
 * low then high byte; its output is high between terminal counts. */
static void test_readback_status(void)
{
    QTestState *s = qtest_init(NULL);
    program(s, 0, 2, 0x1234);
    qtest_clock_step(s, 1000);
    qtest_outb(s, PIT_MODE, 0xe2); /* read-back, status only, counter 0 */
    CHECK_EQ(qtest_inb(s, PIT_CH0), 0x80 | 0x34);
    /* Count latch through read-back too. */
    qtest_outb(s, PIT_MODE, 0xd2); /* read-back, count only, counter 0 */
    uint16_t c = qtest_inb(s, PIT_CH0);
    c |= qtest_inb(s, PIT_CH0) << 8;
    CHECK(c <= 0x1234 && c + 3 >= 0x1234);
    QUIT(s);
}

/* Mode 0: the output (IRQ 0; "IRQ raise 0" at the I/O APIC as QEMU's
 * tests see it) rises when the count reaches zero and stays high. */
static void test_irq0_terminal_count(void)
{
    QTestState *s = qtest_init(NULL);
    qtest_irq_intercept_in(s, "ioapic");
    program(s, 0, 0, 1000);
    CHECK(!qtest_get_irq(s, 0));
    qtest_clock_step(s, ns_for(990));
    CHECK(!qtest_get_irq(s, 0));
    qtest_clock_step(s, ns_for(20));
    CHECK(qtest_get_irq(s, 0));
    qtest_clock_step(s, ns_for(5000));
    CHECK(qtest_get_irq(s, 0)); /* mode 0 does not repeat */
    /* Writing a new count takes the output low again. */
    program(s, 0, 0, 100);
    CHECK(!qtest_get_irq(s, 0));
    QUIT(s);
}

/* Mode 2 repeats: one pulse per period, seen as a raise each period. */
static void test_irq0_rate(void)
{
    QTestState *s = qtest_init(NULL);
    qtest_irq_intercept_in(s, "ioapic");
    program(s, 0, 2, 1193); /* ~1 kHz */
    int64_t start = qtest_clock_step(s, 1);
    int periods = 0;
    for (int i = 0; i < 20; i++) {
        int64_t t = qtest_clock_step_next(s);
        if (t - start > 10 * 1000000) {
            break;
        }
        periods++;
    }
    /* 10 ms at 1 kHz: about ten timer deadlines (one per period or two
     * per period for the pulse's two edges). */
    CHECK(periods >= 9);
    QUIT(s);
}

/* Counter 2: its gate is port 0x61 bit 0, its output bit 5. */
static void test_counter2_gate(void)
{
    QTestState *s = qtest_init(NULL);
    qtest_outb(s, 0x61, 0x00); /* gate low: counter 2 holds */
    program(s, 2, 0, 500);
    qtest_clock_step(s, ns_for(2000));
    CHECK_EQ(qtest_inb(s, 0x61) & 0x20, 0);
    qtest_outb(s, 0x61, 0x01); /* gate high: counting */
    qtest_clock_step(s, ns_for(400));
    CHECK_EQ(qtest_inb(s, 0x61) & 0x20, 0);
    qtest_clock_step(s, ns_for(200));
    CHECK_EQ(qtest_inb(s, 0x61) & 0x20, 0x20);
    QUIT(s);
}

int main(int argc, char **argv)
{
    qc_init(argc, argv);
    TEST_RUN(test_count_follows_clock);
    TEST_RUN(test_readback_status);
    TEST_RUN(test_irq0_terminal_count);
    TEST_RUN(test_irq0_rate);
    TEST_RUN(test_counter2_gate);
    return qc_finish();
}
