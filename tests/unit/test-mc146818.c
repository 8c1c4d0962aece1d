/*
 * MC146818A RTC device tests: date from the host clock, BCD/binary and
 * 12/24-hour formats, the UIP window, periodic rates against stepped
 * virtual time, alarm with don't-care bytes, update-ended interrupt,
 * register C, the SET bit and the divider reset; the "base" (utc,
 * localtime, a fixed date) and "clock" (host, vm) properties behind -rtc.
 *
 * Most tests run the RTC on the virtual clock (clock=vm) so that its timers
 * follow clock_step_ns(); the host clock is fixed with clock_set_host_ns().
 */
#include "tests/unit/harness.h"
#include "hw/timer/mc146818.h"

#include <glib.h>
#include <time.h>

#define NS_PER_S  1000000000LL
#define RTC_IRQ   8
/* 2024-02-29 23:59:58 UTC, a Thursday. */
#define HOST_SECS 1709251198LL

static uint8_t cmos_read(TestBus *tb, uint8_t idx)
{
    outb(tb, 0x70, idx);
    return inb(tb, 0x71);
}

static void cmos_write(TestBus *tb, uint8_t idx, uint8_t v)
{
    outb(tb, 0x70, idx);
    outb(tb, 0x71, v);
}

/* A fresh bus with an RTC whose date is host_ns (an exact second here). */
static DeviceState *rtc_setup(TestBus *tb, int64_t host_ns)
{
    test_bus_init(tb);
    clock_set_host_ns(host_ns);
    return test_device(tb, "isa-mc146818rtc", "clock=vm");
}

/* Stop the clock, write h:m:s and the date, restart it. */
static void rtc_set(TestBus *tb, uint8_t regb, uint8_t h, uint8_t m,
                    uint8_t sec)
{
    cmos_write(tb, 0x0b, regb | 0x80);
    cmos_write(tb, 0x00, sec);
    cmos_write(tb, 0x02, m);
    cmos_write(tb, 0x04, h);
    cmos_write(tb, 0x0b, regb);
}

static void test_initial_date_bcd(void)
{
    TestBus tb;

    rtc_setup(&tb, HOST_SECS * NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x0a), 0x26);
    CHECK_EQ(cmos_read(&tb, 0x0b), 0x02);
    CHECK_EQ(cmos_read(&tb, 0x0d), 0x80);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x58);
    CHECK_EQ(cmos_read(&tb, 0x02), 0x59);
    CHECK_EQ(cmos_read(&tb, 0x04), 0x23);
    CHECK_EQ(cmos_read(&tb, 0x06), 5);
    CHECK_EQ(cmos_read(&tb, 0x07), 0x29);
    CHECK_EQ(cmos_read(&tb, 0x08), 0x02);
    CHECK_EQ(cmos_read(&tb, 0x09), 0x24);
    CHECK_EQ(cmos_read(&tb, 0x32), 0x20);
    /* Two seconds later it is Friday, 1 March (leap year). */
    clock_step_ns(2 * NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x00);
    CHECK_EQ(cmos_read(&tb, 0x02), 0x00);
    CHECK_EQ(cmos_read(&tb, 0x04), 0x00);
    CHECK_EQ(cmos_read(&tb, 0x06), 6);
    CHECK_EQ(cmos_read(&tb, 0x07), 0x01);
    CHECK_EQ(cmos_read(&tb, 0x08), 0x03);
    CHECK_EQ(cmos_read(&tb, 0x09), 0x24);
    /* No interrupt enabled: nothing may be ticking. */
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), -1);
    CHECK_EQ(tb.irq[RTC_IRQ].raises, 0);
    test_bus_cleanup(&tb);
}

static void test_binary_mode_and_year_rollover(void)
{
    TestBus tb;

    rtc_setup(&tb, HOST_SECS * NS_PER_S);
    cmos_write(&tb, 0x0b, 0x80 | 0x04 | 0x02);      /* SET, binary, 24h */
    cmos_write(&tb, 0x00, 59);
    cmos_write(&tb, 0x02, 59);
    cmos_write(&tb, 0x04, 23);
    cmos_write(&tb, 0x07, 31);
    cmos_write(&tb, 0x08, 12);
    cmos_write(&tb, 0x09, 99);
    cmos_write(&tb, 0x32, 20);
    cmos_write(&tb, 0x06, 6);                       /* 2099-12-31 */
    clock_step_ns(5 * NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x00), 59);             /* held by SET */
    cmos_write(&tb, 0x0b, 0x04 | 0x02);
    clock_step_ns(NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x00), 0);
    CHECK_EQ(cmos_read(&tb, 0x04), 0);
    CHECK_EQ(cmos_read(&tb, 0x07), 1);
    CHECK_EQ(cmos_read(&tb, 0x08), 1);
    CHECK_EQ(cmos_read(&tb, 0x09), 0);
    CHECK_EQ(cmos_read(&tb, 0x32), 21);
    CHECK_EQ(cmos_read(&tb, 0x06), 7);      /* counts on from the guest's */
    test_bus_cleanup(&tb);
}

static void test_bcd_write_while_running(void)
{
    TestBus tb;

    rtc_setup(&tb, HOST_SECS * NS_PER_S);
    clock_step_ns(NS_PER_S / 4);
    cmos_write(&tb, 0x02, 0x30);                    /* minutes, no SET */
    CHECK_EQ(cmos_read(&tb, 0x02), 0x30);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x58);
    /* The divider phase is kept: the next update is 0.75 s later. */
    clock_step_ns(NS_PER_S * 3 / 4 - 1);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x58);
    clock_step_ns(1);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x59);
    CHECK_EQ(cmos_read(&tb, 0x02), 0x30);
    CHECK_EQ(cmos_read(&tb, 0x04), 0x23);
    test_bus_cleanup(&tb);
}

static void test_12h_mode(void)
{
    TestBus tb;

    rtc_setup(&tb, HOST_SECS * NS_PER_S);
    /* 11:59:59 PM in 12-hour BCD: the next second is 12:00:00 AM. */
    rtc_set(&tb, 0x00, 0x80 | 0x11, 0x59, 0x59);
    CHECK_EQ(cmos_read(&tb, 0x04), 0x91);
    clock_step_ns(NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x04), 0x12);
    CHECK_EQ(cmos_read(&tb, 0x02), 0x00);
    CHECK_EQ(cmos_read(&tb, 0x07), 0x01);           /* next day */
    /* 11:59:59 AM: the next second is 12:00:00 PM (PM bit set). */
    rtc_set(&tb, 0x00, 0x11, 0x59, 0x59);
    clock_step_ns(NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x04), 0x92);
    /* 12-hour binary: 1 PM reads 0x81. */
    rtc_set(&tb, 0x04, 0x80 | 12, 59, 59);
    clock_step_ns(NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x04), 0x81);
    /* Back to 24-hour BCD while running: 13 h. */
    cmos_write(&tb, 0x0b, 0x02);
    CHECK_EQ(cmos_read(&tb, 0x04), 0x13);
    test_bus_cleanup(&tb);
}

static void test_uip_window(void)
{
    TestBus tb;
    const int64_t uip = 244141;     /* 8 cycles of 32.768 kHz, rounded up */

    rtc_setup(&tb, HOST_SECS * NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x0a) & 0x80, 0);
    clock_step_ns(NS_PER_S - uip - 1);
    CHECK_EQ(cmos_read(&tb, 0x0a) & 0x80, 0);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x58);
    clock_step_ns(1);
    CHECK_EQ(cmos_read(&tb, 0x0a), 0xa6);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x58);
    clock_step_ns(uip - 1);
    CHECK_EQ(cmos_read(&tb, 0x0a) & 0x80, 0x80);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x58);
    clock_step_ns(1);
    CHECK_EQ(cmos_read(&tb, 0x0a) & 0x80, 0);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x59);
    /* UIP is read-only; SET stops the update cycles and with them UIP. */
    cmos_write(&tb, 0x0a, 0xa6);
    CHECK_EQ(cmos_read(&tb, 0x0a), 0x26);
    cmos_write(&tb, 0x0b, 0x82);
    clock_step_ns(NS_PER_S - uip / 2);
    CHECK_EQ(cmos_read(&tb, 0x0a) & 0x80, 0);
    test_bus_cleanup(&tb);
}

/* Periodic interval of RS in ns, as an exact fraction of 32.768 kHz. */
static int64_t edge_ns(int rs, int64_t k)
{
    int64_t cycles = rs <= 2 ? (1 << (rs + 6)) : (1 << (rs - 1));
    return (k * cycles * NS_PER_S + 32767) / 32768;
}

static void test_periodic_rates(void)
{
    TestBus tb;

    for (int rs = 1; rs <= 15; rs++) {
        int64_t cycles = rs <= 2 ? (1 << (rs + 6)) : (1 << (rs - 1));
        int64_t expect = rs <= 5 ? 1024 : 32768 / cycles * 2;
        int64_t window = edge_ns(rs, expect);
        int count = 0;

        rtc_setup(&tb, HOST_SECS * NS_PER_S);
        cmos_write(&tb, 0x0a, 0x20 | rs);
        cmos_write(&tb, 0x0b, 0x02 | 0x40);         /* PIE */
        /* The first edges come exactly on time. */
        for (int k = 1; k <= 3; k++) {
            clock_step_ns(edge_ns(rs, k) - 1 - clock_get_ns(CLOCK_VIRTUAL));
            CHECK_EQ(tb.irq[RTC_IRQ].level, 0);
            clock_step_ns(1);
            CHECK_EQ(tb.irq[RTC_IRQ].level, 1);
            CHECK_EQ(cmos_read(&tb, 0x0c) & 0xe0, 0xc0);   /* UF may be set */
            CHECK_EQ(tb.irq[RTC_IRQ].level, 0);
            count++;
        }
        /* Then count them over the window, acknowledging each. */
        while (clock_get_ns(CLOCK_VIRTUAL) < window) {
            int64_t d = timers_deadline_ns(CLOCK_VIRTUAL);
            CHECK(d > clock_get_ns(CLOCK_VIRTUAL));
            if (d <= 0) {
                break;
            }
            clock_step_ns(d - clock_get_ns(CLOCK_VIRTUAL));
            CHECK_EQ(tb.irq[RTC_IRQ].level, 1);
            CHECK_EQ(cmos_read(&tb, 0x0c) & 0xc0, 0xc0);
            count++;
        }
        if (count != expect) {
            test_fail(__FILE__, __LINE__, "rs %d: %d interrupts, expected %"
                      PRId64, rs, count, expect);
        }
        test_bus_cleanup(&tb);
    }
}

/*
 * The fastest periodic rate (8192 Hz) while the host stalls for a second:
 * PF is one flag, so the late timer sets it and raises IRQ8 once, and
 * nothing is armed again until the guest reads register C.
 */
static void test_periodic_late(void)
{
    TestBus tb;

    rtc_setup(&tb, HOST_SECS * NS_PER_S);
    cmos_write(&tb, 0x0a, 0x20 | 3);                /* RS 3: 8192 Hz */
    cmos_write(&tb, 0x0b, 0x02 | 0x40);             /* PIE */
    int raises = tb.irq[RTC_IRQ].raises;
    clock_jump_ns(NS_PER_S);
    CHECK_EQ(tb.irq[RTC_IRQ].raises, raises + 1);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 1);
    CHECK(!timers_run_expired(CLOCK_VIRTUAL));
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), -1);
    /* Reading C acknowledges; the next edge is in the future. */
    CHECK_EQ(cmos_read(&tb, 0x0c) & 0xc0, 0xc0);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 0);
    CHECK(timers_deadline_ns(CLOCK_VIRTUAL) > clock_get_ns(CLOCK_VIRTUAL));
    test_bus_cleanup(&tb);
}

static void test_periodic_flag_without_pie(void)
{
    TestBus tb;

    rtc_setup(&tb, HOST_SECS * NS_PER_S);
    cmos_write(&tb, 0x0a, 0x26);                    /* 1024 Hz */
    CHECK_EQ(cmos_read(&tb, 0x0c), 0x00);
    clock_step_ns(976562);
    CHECK_EQ(cmos_read(&tb, 0x0c), 0x00);
    clock_step_ns(1);
    /* PF is set even with PIE off, but IRQF and the line are not. */
    CHECK_EQ(cmos_read(&tb, 0x0c), 0x40);
    CHECK_EQ(cmos_read(&tb, 0x0c), 0x00);
    CHECK_EQ(tb.irq[RTC_IRQ].raises, 0);
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), -1);
    /* Enabling PIE while PF is set raises IRQF at once. */
    clock_step_ns(NS_PER_S / 100);
    cmos_write(&tb, 0x0b, 0x42);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 1);
    CHECK_EQ(cmos_read(&tb, 0x0c), 0xc0);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 0);
    /* RS = 0 stops the periodic flag. */
    cmos_write(&tb, 0x0a, 0x20);
    clock_step_ns(NS_PER_S / 10);
    CHECK_EQ(cmos_read(&tb, 0x0c), 0x00);
    test_bus_cleanup(&tb);
}

static void test_update_ended(void)
{
    TestBus tb;

    rtc_setup(&tb, HOST_SECS * NS_PER_S + NS_PER_S / 2);
    cmos_write(&tb, 0x0b, 0x12);                    /* UIE */
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), NS_PER_S / 2);
    clock_step_ns(NS_PER_S / 2 - 1);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 0);
    clock_step_ns(1);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 1);
    /* While UF is pending nothing more needs a timer. */
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), -1);
    clock_step_ns(3 * NS_PER_S);
    CHECK_EQ(tb.irq[RTC_IRQ].raises, 1);
    /* PF is set too (the power-on rate runs, only PIE is off), and AF:
     * the alarm bytes are 00:00:00, passed at 1.5 s. */
    CHECK_EQ(cmos_read(&tb, 0x0c), 0xf0);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 0);
    CHECK_EQ(cmos_read(&tb, 0x0c), 0x00);
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), 4 * NS_PER_S + NS_PER_S / 2);
    clock_step_ns(NS_PER_S);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 1);
    CHECK_EQ(tb.irq[RTC_IRQ].raises, 2);
    CHECK_EQ(cmos_read(&tb, 0x0c) & 0xb0, 0x90);
    /* Clearing UIE with UF set lowers IRQF and the line. */
    clock_step_ns(NS_PER_S);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 1);
    cmos_write(&tb, 0x0b, 0x02);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 0);
    CHECK_EQ(cmos_read(&tb, 0x0c), 0x50);
    test_bus_cleanup(&tb);
}

static void test_alarm(void)
{
    TestBus tb;

    rtc_setup(&tb, HOST_SECS * NS_PER_S);
    cmos_write(&tb, 0x0a, 0x20);                    /* no periodic flag */
    rtc_set(&tb, 0x02, 0x12, 0x00, 0x00);
    cmos_write(&tb, 0x01, 0x05);
    cmos_write(&tb, 0x03, 0x00);
    cmos_write(&tb, 0x05, 0x12);
    cmos_write(&tb, 0x0b, 0x22);                    /* AIE */
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), 5 * NS_PER_S);
    clock_step_ns(5 * NS_PER_S - 1);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 0);
    clock_step_ns(1);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 1);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x05);
    CHECK_EQ(cmos_read(&tb, 0x0c), 0xb0);           /* IRQF AF UF */
    CHECK_EQ(tb.irq[RTC_IRQ].level, 0);
    /* The same alarm comes back a day later, not before. */
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), (5 + 86400) * NS_PER_S);

    /* Don't care hours and minutes: every minute at :30. */
    cmos_write(&tb, 0x05, 0xc0);
    cmos_write(&tb, 0x03, 0xff);
    cmos_write(&tb, 0x01, 0x30);
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), 30 * NS_PER_S);
    clock_step_ns(25 * NS_PER_S);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 1);
    CHECK_EQ(cmos_read(&tb, 0x0c) & 0x20, 0x20);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x30);
    clock_step_ns(60 * NS_PER_S - 1);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 0);
    clock_step_ns(1);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 1);
    CHECK_EQ(cmos_read(&tb, 0x02), 0x01);
    CHECK_EQ(cmos_read(&tb, 0x0c), 0xb0);

    /* All three don't care: once a second. */
    cmos_write(&tb, 0x01, 0xc0);
    clock_step_ns(NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x0c), 0xb0);
    clock_step_ns(NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x0c), 0xb0);

    /* An alarm that cannot match (seconds 0x75) never fires. */
    cmos_write(&tb, 0x01, 0x75);
    cmos_write(&tb, 0x03, 0x01);
    cmos_write(&tb, 0x05, 0x12);
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), -1);
    test_bus_cleanup(&tb);
}

static void test_alarm_12h(void)
{
    TestBus tb;

    rtc_setup(&tb, HOST_SECS * NS_PER_S);
    rtc_set(&tb, 0x00, 0x80 | 0x01, 0x59, 0x58);    /* 1:59:58 PM */
    cmos_write(&tb, 0x01, 0x00);
    cmos_write(&tb, 0x03, 0x00);
    cmos_write(&tb, 0x05, 0x82);                    /* 2 PM */
    cmos_write(&tb, 0x0b, 0x20);
    clock_step_ns(2 * NS_PER_S);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 1);
    CHECK_EQ(cmos_read(&tb, 0x04), 0x82);
    CHECK_EQ(cmos_read(&tb, 0x0c) & 0xa0, 0xa0);
    test_bus_cleanup(&tb);
}

static void test_reg_c_and_d(void)
{
    TestBus tb;

    rtc_setup(&tb, HOST_SECS * NS_PER_S);
    cmos_write(&tb, 0x0a, 0x2f);                    /* 2 Hz */
    cmos_write(&tb, 0x0b, 0x72);                    /* PIE AIE UIE */
    cmos_write(&tb, 0x01, 0xc0);
    cmos_write(&tb, 0x03, 0xc0);
    cmos_write(&tb, 0x05, 0xc0);
    clock_step_ns(NS_PER_S / 2);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 1);
    clock_step_ns(NS_PER_S / 2);
    /* All three events happened; one read returns and clears them. */
    CHECK_EQ(cmos_read(&tb, 0x0c), 0xf0);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 0);
    CHECK_EQ(cmos_read(&tb, 0x0c), 0x00);
    cmos_write(&tb, 0x0c, 0xff);                    /* read-only */
    CHECK_EQ(cmos_read(&tb, 0x0c), 0x00);
    cmos_write(&tb, 0x0d, 0x00);
    CHECK_EQ(cmos_read(&tb, 0x0d), 0x80);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 0);
    test_bus_cleanup(&tb);
}

static void test_set_bit(void)
{
    TestBus tb;

    rtc_setup(&tb, HOST_SECS * NS_PER_S);
    cmos_write(&tb, 0x0b, 0x12);                    /* UIE */
    cmos_write(&tb, 0x0b, 0x92);                    /* SET clears UIE */
    CHECK_EQ(cmos_read(&tb, 0x0b), 0x82);
    clock_step_ns(3 * NS_PER_S + NS_PER_S / 2);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x58);
    CHECK_EQ(cmos_read(&tb, 0x0c) & 0x10, 0);       /* no update cycles */
    CHECK_EQ(tb.irq[RTC_IRQ].raises, 0);
    cmos_write(&tb, 0x00, 0x10);
    cmos_write(&tb, 0x02, 0x20);
    cmos_write(&tb, 0x04, 0x08);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x10);
    cmos_write(&tb, 0x0b, 0x02);
    /* The divider kept its phase: the next update is at 4 s. */
    clock_step_ns(NS_PER_S / 2 - 1);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x10);
    clock_step_ns(1);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x11);
    CHECK_EQ(cmos_read(&tb, 0x02), 0x20);
    CHECK_EQ(cmos_read(&tb, 0x04), 0x08);
    CHECK_EQ(cmos_read(&tb, 0x07), 0x29);
    test_bus_cleanup(&tb);
}

static void test_divider_reset(void)
{
    TestBus tb;

    rtc_setup(&tb, HOST_SECS * NS_PER_S);
    clock_step_ns(NS_PER_S / 4);
    cmos_write(&tb, 0x0a, 0x76);                    /* divider in reset */
    CHECK_EQ(cmos_read(&tb, 0x0c), 0x40);           /* PF from 0-0.25 s */
    cmos_write(&tb, 0x0b, 0x42);                    /* PIE */
    clock_step_ns(5 * NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x58);
    CHECK_EQ(cmos_read(&tb, 0x0c), 0x00);           /* no periodic either */
    CHECK_EQ(cmos_read(&tb, 0x0a) & 0x80, 0);
    cmos_write(&tb, 0x0b, 0x02);
    cmos_write(&tb, 0x0a, 0x26);
    /* The first update comes 500 ms after the reset is released. */
    clock_step_ns(NS_PER_S / 2 - 1);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x58);
    clock_step_ns(1);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x59);
    test_bus_cleanup(&tb);
}

static void test_cmos_ram_and_reset(void)
{
    TestBus tb;
    DeviceState *dev = rtc_setup(&tb, HOST_SECS * NS_PER_S);
    MC146818State *s = rtc_from_device(dev);

    cmos_write(&tb, 0x40, 0x5a);
    CHECK_EQ(cmos_read(&tb, 0x40), 0x5a);
    CHECK_EQ(rtc_get_cmos(s, 0x40), 0x5a);
    rtc_set_cmos(s, 0x7f, 0xa5);
    CHECK_EQ(cmos_read(&tb, 0x7f), 0xa5);
    /* Bit 7 of the index is the NMI mask, not part of the address. */
    outb(&tb, 0x70, 0x80 | 0x40);
    CHECK_EQ(inb(&tb, 0x71), 0x5a);
    rtc_set_cmos(s, 200, 1);                        /* ignored */
    CHECK_EQ(rtc_get_cmos(s, 200), 0xff);
    /* Reset clears the interrupt enables and flags, keeps time and RAM. */
    cmos_write(&tb, 0x0b, 0x72);
    cmos_write(&tb, 0x0a, 0x23);
    clock_step_ns(NS_PER_S);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 1);
    device_reset(dev);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 0);
    CHECK_EQ(cmos_read(&tb, 0x0b), 0x02);
    CHECK_EQ(cmos_read(&tb, 0x0c) & 0x80, 0);
    CHECK_EQ(cmos_read(&tb, 0x40), 0x5a);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x59);
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), -1);
    test_bus_cleanup(&tb);
}

static void test_rtc_init_helper(void)
{
    TestBus tb;
    Error *err = NULL;
    MC146818State *s;

    test_bus_init(&tb);
    clock_set_host_ns(HOST_SECS * NS_PER_S);
    s = rtc_init(&tb.isa, 2000, NULL, &err);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ(rtc_get_cmos(s, 0x32), 0x20);
        CHECK_EQ(cmos_read(&tb, 0x09), 0x24);
    }
    test_bus_cleanup(&tb);

    /* -rtc options reach the device. */
    RTCOptions o = {.base = "2006-06-17T16:01:21", .clock = "vm"};
    test_bus_init(&tb);
    s = rtc_init(&tb.isa, 2000, &o, &err);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ(cmos_read(&tb, 0x09), 0x06);
        CHECK_EQ(cmos_read(&tb, 0x04), 0x16);
        CHECK_EQ(cmos_read(&tb, 0x02), 0x01);
        CHECK_EQ(cmos_read(&tb, 0x00), 0x21);
    }
    test_bus_cleanup(&tb);
}

/* A fixed date does not depend on the host's clock, to the nanosecond. */
static void test_base_date(void)
{
    TestBus tb;

    test_bus_init(&tb);
    clock_set_host_ns(HOST_SECS * NS_PER_S + 123456789);
    test_device(&tb, "isa-mc146818rtc", "base=2024-06-15T15:30:00,clock=vm");
    CHECK_EQ(cmos_read(&tb, 0x04), 0x15);
    CHECK_EQ(cmos_read(&tb, 0x02), 0x30);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x00);
    CHECK_EQ(cmos_read(&tb, 0x07), 0x15);
    CHECK_EQ(cmos_read(&tb, 0x08), 0x06);
    CHECK_EQ(cmos_read(&tb, 0x09), 0x24);
    CHECK_EQ(cmos_read(&tb, 0x32), 0x20);
    CHECK_EQ(cmos_read(&tb, 0x06), 7);              /* a Saturday */
    /* The given second starts at realize: the first update is 1 s on. */
    clock_step_ns(NS_PER_S - 1);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x00);
    clock_step_ns(1);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x01);
    /* 3 PM in 12-hour mode (register B bit 1 clear): PM flag and 3. */
    cmos_write(&tb, 0x0b, 0x00);
    CHECK_EQ(cmos_read(&tb, 0x04), 0x83);
    test_bus_cleanup(&tb);

    /* A date alone is midnight; morning hours carry no PM flag. */
    test_bus_init(&tb);
    test_device(&tb, "isa-mc146818rtc", "base=2006-06-17,clock=vm");
    CHECK_EQ(cmos_read(&tb, 0x04), 0x00);
    CHECK_EQ(cmos_read(&tb, 0x09), 0x06);
    cmos_write(&tb, 0x0b, 0x00);
    CHECK_EQ(cmos_read(&tb, 0x04), 0x12);           /* 12 AM */
    clock_step_ns(9 * 3600 * NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x04), 0x09);
    test_bus_cleanup(&tb);
}

static void test_base_localtime(void)
{
    TestBus tb;
    char *old_tz = g_strdup(getenv("TZ"));

    /* A zone five hours behind UTC without daylight saving. */
    setenv("TZ", "EST5", 1);
    tzset();
    test_bus_init(&tb);
    clock_set_host_ns(HOST_SECS * NS_PER_S);
    test_device(&tb, "isa-mc146818rtc", "base=localtime,clock=vm");
    CHECK_EQ(cmos_read(&tb, 0x04), 0x18);           /* 23:59:58 UTC */
    CHECK_EQ(cmos_read(&tb, 0x02), 0x59);
    CHECK_EQ(cmos_read(&tb, 0x07), 0x29);
    test_bus_cleanup(&tb);
    /* base=utc ignores the zone. */
    test_bus_init(&tb);
    test_device(&tb, "isa-mc146818rtc", "base=utc,clock=vm");
    CHECK_EQ(cmos_read(&tb, 0x04), 0x23);
    test_bus_cleanup(&tb);
    if (old_tz) {
        setenv("TZ", old_tz, 1);
    } else {
        unsetenv("TZ");
    }
    tzset();
    g_free(old_tz);
}

/*
 * clock=vm stops with the VM; clock=host keeps counting, and its timers
 * run on the host clock.  A host clock jump without a virtual step is time
 * passing while the VM is paused.
 */
static void test_clock_host_and_vm(void)
{
    TestBus tb;

    test_bus_init(&tb);
    clock_set_host_ns(HOST_SECS * NS_PER_S);
    test_device(&tb, "isa-mc146818rtc", "base=2024-06-15T15:30:00,clock=vm");
    clock_set_host_ns((HOST_SECS + 10) * NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x00);
    clock_step_ns(NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x01);
    test_bus_cleanup(&tb);

    test_bus_init(&tb);
    clock_set_host_ns(HOST_SECS * NS_PER_S);
    test_device(&tb, "isa-mc146818rtc", "base=2024-06-15T15:30:00,clock=host");
    cmos_write(&tb, 0x0b, 0x12);                    /* UIE */
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), -1);
    CHECK_EQ(timers_deadline_ns(CLOCK_HOST), (HOST_SECS + 1) * NS_PER_S);
    clock_set_host_ns((HOST_SECS + 10) * NS_PER_S + NS_PER_S / 2);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x10);
    CHECK_EQ(tb.irq[RTC_IRQ].level, 1);             /* fired while paused */
    CHECK_EQ(cmos_read(&tb, 0x0c) & 0x90, 0x90);
    /* Stepping (VM running) moves it on as well, timers included. */
    clock_step_ns(NS_PER_S / 2);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x11);
    CHECK_EQ(tb.irq[RTC_IRQ].raises, 2);
    CHECK_EQ(cmos_read(&tb, 0x0c) & 0x90, 0x90);
    CHECK_EQ(timers_deadline_ns(CLOCK_HOST), (HOST_SECS + 12) * NS_PER_S);
    /* The host's time set back an hour: the RTC follows it, and its next
     * update interrupt is a second away, not an hour. */
    clock_set_host_ns((HOST_SECS - 3600) * NS_PER_S + NS_PER_S / 2);
    CHECK_EQ(timers_deadline_ns(CLOCK_HOST), (HOST_SECS - 3599) * NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x04), 0x14);
    CHECK_EQ(cmos_read(&tb, 0x02), 0x30);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x00);
    CHECK_EQ(tb.irq[RTC_IRQ].raises, 2);
    clock_step_ns(NS_PER_S / 2);
    CHECK_EQ(tb.irq[RTC_IRQ].raises, 3);
    test_bus_cleanup(&tb);

    /* The default is clock=host, as QEMU's. */
    test_bus_init(&tb);
    clock_set_host_ns(HOST_SECS * NS_PER_S);
    test_device(&tb, "isa-mc146818rtc", NULL);
    clock_set_host_ns((HOST_SECS + 3) * NS_PER_S);
    CHECK_EQ(cmos_read(&tb, 0x00), 0x01);           /* 23:59:58 + 3 s */
    test_bus_cleanup(&tb);
}

static void test_bad_base_and_clock(void)
{
    static const char *const bad[] = {
        "base=yesterday", "base=2024-13-01", "base=2024-06-15T15:30",
        "clock=rt", "clock=guest",
    };
    TestBus tb;

    test_bus_init(&tb);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        Error *err = NULL;
        DeviceState *dev = device_new("isa-mc146818rtc");
        CHECK_EQ(device_set_props(dev, bad[i], &err), 0);
        CHECK(device_realize(dev, &tb.isa.qbus, &err) < 0);
        CHECK(err && g_str_has_prefix(error_get_pretty(err),
                                      "isa-mc146818rtc: "));
        error_free(err);
        device_free(dev);
    }
    test_bus_cleanup(&tb);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_initial_date_bcd);
    TEST_RUN(test_binary_mode_and_year_rollover);
    TEST_RUN(test_bcd_write_while_running);
    TEST_RUN(test_12h_mode);
    TEST_RUN(test_uip_window);
    TEST_RUN(test_periodic_rates);
    TEST_RUN(test_periodic_flag_without_pie);
    TEST_RUN(test_update_ended);
    TEST_RUN(test_alarm);
    TEST_RUN(test_alarm_12h);
    TEST_RUN(test_reg_c_and_d);
    TEST_RUN(test_set_bit);
    TEST_RUN(test_divider_reset);
    TEST_RUN(test_periodic_late);
    TEST_RUN(test_cmos_ram_and_reset);
    TEST_RUN(test_rtc_init_helper);
    TEST_RUN(test_base_date);
    TEST_RUN(test_base_localtime);
    TEST_RUN(test_clock_host_and_vm);
    TEST_RUN(test_bad_base_and_clock);
    return test_finish();
}
