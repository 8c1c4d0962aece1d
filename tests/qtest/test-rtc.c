/*
 * The MC146818 RTC of the pc machine through the qtest protocol (the
 * in-process tests are tests/unit/test-mc146818.c): the date -rtc gives,
 * its update with the virtual clock (clock=vm: only the test moves it),
 * the update-ended and periodic interrupts on IRQ 8 at the I/O APIC, and
 * register C clearing them.
 */
#include "tests/qtest/qtest-check.h"

#define RTC_ARGS "-rtc base=2020-02-29T23:59:50,clock=vm"
#define SEC      1000000000LL

static uint8_t cmos_read(QTestState *s, uint8_t reg)
{
    qtest_outb(s, 0x70, reg);
    return qtest_inb(s, 0x71);
}

static void cmos_write(QTestState *s, uint8_t reg, uint8_t v)
{
    qtest_outb(s, 0x70, reg);
    qtest_outb(s, 0x71, v);
}

/* Registers 0-9 and the century (0x32), BCD, as the firmware reads them;
 * y is BCD century and year (0x2020). */
static void check_date(QTestState *s, int y, int mo, int d, int h, int mi,
                       int sec)
{
    /* Wait out an update in progress (register A bit 7). */
    for (int i = 0; i < 100 && (cmos_read(s, 0x0a) & 0x80); i++) {
        qtest_clock_step(s, 250000);
    }
    CHECK_EQ(cmos_read(s, 0x00), sec);
    CHECK_EQ(cmos_read(s, 0x02), mi);
    CHECK_EQ(cmos_read(s, 0x04), h);
    CHECK_EQ(cmos_read(s, 0x07), d);
    CHECK_EQ(cmos_read(s, 0x08), mo);
    CHECK_EQ(cmos_read(s, 0x09), y & 0xff);
    CHECK_EQ(cmos_read(s, 0x32), y >> 8);
}

static int bcd(int v)
{
    return (v / 10) << 4 | (v % 10);
}

/* The date from -rtc base=, and the leap day rolling over with the
 * virtual clock; no time passes unless the test steps it. */
static void test_date_and_update(void)
{
    QTestState *s = qtest_init(RTC_ARGS);
    cmos_write(s, 0x0b, 0x02); /* 24-hour, BCD, no interrupts */
    check_date(s, bcd(20) << 8 | bcd(20), 0x02, bcd(29), 0x23, 0x59, 0x50);
    qtest_clock_step(s, 5 * SEC);
    check_date(s, 0x2020, 0x02, 0x29, 0x23, 0x59, 0x55);
    qtest_clock_step(s, 5 * SEC + SEC / 2);
    check_date(s, 0x2020, 0x03, 0x01, 0x00, 0x00, 0x00);
    /* Binary mode (register B bit 2). */
    cmos_write(s, 0x0b, 0x06);
    CHECK_EQ(cmos_read(s, 0x07), 1);
    CHECK_EQ(cmos_read(s, 0x08), 3);
    CHECK_EQ(cmos_read(s, 0x09), 20);
    QUIT(s);
}

/* Setting the time with SET (register B bit 7) held, then letting it
 * run. */
static void test_set_time(void)
{
    QTestState *s = qtest_init(RTC_ARGS);
    cmos_write(s, 0x0b, 0x82); /* SET, 24-hour, BCD */
    cmos_write(s, 0x00, 0x30);
    cmos_write(s, 0x02, 0x15);
    cmos_write(s, 0x04, 0x08);
    cmos_write(s, 0x07, 0x31);
    cmos_write(s, 0x08, 0x12);
    cmos_write(s, 0x09, 0x99);
    cmos_write(s, 0x32, 0x19);
    qtest_clock_step(s, 3 * SEC); /* held: no update while SET */
    CHECK_EQ(cmos_read(s, 0x00), 0x30);
    cmos_write(s, 0x0b, 0x02);
    qtest_clock_step(s, 2 * SEC + SEC / 2);
    CHECK_EQ(cmos_read(s, 0x00), 0x32);
    CHECK_EQ(cmos_read(s, 0x02), 0x15);
    QUIT(s);
}

/* Update-ended interrupt: once a second, IRQ 8 until register C is
 * read. */
static void test_update_interrupt(void)
{
    QTestState *s = qtest_init(RTC_ARGS);
    qtest_irq_intercept_in(s, "ioapic");
    cmos_write(s, 0x0b, 0x12); /* UIE, 24-hour, BCD */
    cmos_read(s, 0x0c);
    CHECK(!qtest_get_irq(s, 8));
    int64_t start = qtest_clock_step(s, 1);
    while (!qtest_get_irq(s, 8)) {
        int64_t t = qtest_clock_step_next(s);
        if (t - start > 2 * SEC) {
            break;
        }
    }
    CHECK(qtest_get_irq(s, 8));
    /* IRQF | UF (PF too: register A's reset rate sets it, as on the
     * chip, though PIE is off). */
    CHECK_EQ(cmos_read(s, 0x0c) & 0xb0, 0x90);
    CHECK(!qtest_get_irq(s, 8));
    CHECK_EQ(cmos_read(s, 0x0c) & 0xb0, 0x00);
    /* The next one a second later, not before. */
    qtest_clock_step(s, SEC / 2);
    CHECK(!qtest_get_irq(s, 8));
    qtest_clock_step(s, SEC * 6 / 10);
    CHECK(qtest_get_irq(s, 8));
    QUIT(s);
}

/* Periodic interrupt at 1024 Hz (register A rate 6). */
static void test_periodic_interrupt(void)
{
    QTestState *s = qtest_init(RTC_ARGS);
    qtest_irq_intercept_in(s, "ioapic");
    cmos_write(s, 0x0a, 0x26);
    cmos_write(s, 0x0b, 0x42); /* PIE, 24-hour, BCD */
    cmos_read(s, 0x0c);
    qtest_clock_step(s, 1000000); /* 1 ms > 976.5 us */
    CHECK(qtest_get_irq(s, 8));
    uint8_t c = cmos_read(s, 0x0c);
    CHECK_EQ(c & 0xc0, 0xc0); /* IRQF | PF */
    CHECK(!qtest_get_irq(s, 8));
    /* Rate 0 stops it. */
    cmos_write(s, 0x0a, 0x20);
    cmos_read(s, 0x0c);
    qtest_clock_step(s, 10000000);
    CHECK(!qtest_get_irq(s, 8));
    QUIT(s);
}

int main(int argc, char **argv)
{
    qc_init(argc, argv);
    TEST_RUN(test_date_and_update);
    TEST_RUN(test_set_time);
    TEST_RUN(test_update_interrupt);
    TEST_RUN(test_periodic_interrupt);
    return qc_finish();
}
