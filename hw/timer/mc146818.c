/*
 * Motorola MC146818A real-time clock plus RAM (datasheet "MC146818A
 * Real-Time Clock Plus RAM", Motorola; the PC's DS12887 behaves the same).
 *
 * Index port (base + 0) selects one of 128 bytes; bit 7 of the index write
 * is the PC's NMI mask, which we keep but do not act on.  Data port
 * (base + 1) reads and writes the selected byte.  Bytes 0x00-0x09 are the
 * clock and alarm, 0x0a-0x0d the control registers A-D, the rest is RAM
 * (0x32 holds the century by PC convention, and we keep it counting).
 *
 * Time is not ticked: the chip's time is base_sec at time base_ns of its
 * clock (a second boundary of the divider chain) and is computed on demand.
 * The clock is CLOCK_VIRTUAL ("clock=vm") or, as QEMU's default, the host's
 * wall clock ("clock=host"): a deliberate exception to devices reading
 * only virtual time, so that the guest's date keeps up with the host's
 * while the VM is paused.  The "base" property sets the date at realize:
 * the host's UTC or local time, or a fixed date (include/emu/rtc.h).  The
 * update cycle is modelled as instantaneous at each second boundary; UIP
 * reads 1 during the 244 us before it (datasheet "Update Cycle": tBUC).
 * Deviation: on the chip the time bytes are unavailable for up to 1984 us
 * after that point; here they already hold the new second.
 *
 * Interrupt flags (register C: PF, AF, UF) are accumulated lazily: before
 * any change of the registers that define when they occur, the flags are
 * brought up to date for the interval since the last such point.  A timer
 * is armed only for the next event whose flag is clear and whose interrupt
 * is enabled, so an idle guest costs nothing.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/irq.h"
#include "emu/memory.h"
#include "emu/rtc.h"
#include "emu/timer.h"
#include "emu/vmstate.h"
#include "emu/trace.h"
#include "hw/isa/isa.h"
#include "hw/timer/mc146818.h"

/* Register A */
#define REG_A_UIP     0x80
#define REG_A_DV_MASK 0x70
#define REG_A_DV_32K  0x20 /* 010: 32.768 kHz time base, running */
#define REG_A_RS_MASK 0x0f
/* Register B */
#define REG_B_SET  0x80
#define REG_B_PIE  0x40
#define REG_B_AIE  0x20
#define REG_B_UIE  0x10
#define REG_B_SQWE 0x08
#define REG_B_DM   0x04 /* 1 = binary, 0 = BCD */
#define REG_B_24H  0x02
#define REG_B_DSE  0x01
/* Register C */
#define REG_C_IRQF 0x80
#define REG_C_PF   0x40
#define REG_C_AF   0x20
#define REG_C_UF   0x10
#define REG_C_MASK 0x70
/* Register D */
#define REG_D_VRT 0x80

#define RTC_HOURS_PM        0x80
#define RTC_ALARM_DONT_CARE 0xc0 /* "11xxxxxx" in an alarm byte */

#define RTC_FREQ 32768
#define RTC_NS   NANOSECONDS_PER_SECOND
/* tBUC: UIP rises 8 cycles of 32.768 kHz (244.14 us) before the update. */
#define RTC_UIP_NS   ((8 * RTC_NS + RTC_FREQ - 1) / RTC_FREQ)
#define RTC_NEVER    INT64_MAX
#define SECS_PER_DAY 86400

struct MC146818State {
    DeviceState parent;
    uint32_t iobase;
    uint32_t irq_num;
    int32_t base_year;
    char *base;       /* property: utc, localtime or a date */
    char *clock_name; /* property: host or vm */
    EmuClockType clock;

    MemoryRegion io;
    IRQ *irq;
    Timer timer;

    uint8_t cmos[RTC_CMOS_SIZE];
    uint8_t index;
    uint8_t nmi_mask; /* bit 7 of the last index write */
    uint8_t wday_adj; /* guest's day-of-week minus the computed one */
    int64_t div_ns;   /* a second boundary of the divider chain */
    int64_t base_sec; /* seconds since 1970-01-01 at base_ns */
    int64_t base_ns;
    int64_t flags_ns; /* register C is up to date until here */
};

/* ---- time arithmetic ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b) != 0 && ((a < 0) != (b < 0))) {
        q--;
    }
    return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1-12, d 1-31). */
static int64_t days_from_date(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = floor_div(y, 400);
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void date_from_days(int64_t z, int64_t *py, int *pm, int *pd)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = floor_div(z, 146097);
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *pd = doy - (153 * mp + 2) / 5 + 1;
    *pm = mp < 10 ? mp + 3 : mp - 9;
    *py = yoe + era * 400 + (*pm <= 2);
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const uint8_t dim[12] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* ---- register helpers ---- */

static bool rtc_divider_on(MC146818State *s)
{
    return (s->cmos[RTC_REG_A] & REG_A_DV_MASK) == REG_A_DV_32K;
}

/* The time counts: the divider runs and SET does not hold the updates. */
static bool rtc_running(MC146818State *s)
{
    return rtc_divider_on(s) && !(s->cmos[RTC_REG_B] & REG_B_SET);
}

static int64_t rtc_now(MC146818State *s)
{
    return clock_get_ns(s->clock);
}

static int64_t rtc_seconds_at(MC146818State *s, int64_t now)
{
    return s->base_sec + floor_div(now - s->base_ns, RTC_NS);
}

static int rtc_base_year(MC146818State *s)
{
    /* QEMU's boards pass 2000 meaning "the century byte is valid". */
    return s->base_year == 2000 ? 0 : s->base_year;
}

static uint8_t rtc_to_reg(MC146818State *s, int v)
{
    return (s->cmos[RTC_REG_B] & REG_B_DM) ? v : to_bcd(v % 100);
}

/* A register's value in the current data mode, -1 if not a valid number. */
static int rtc_from_reg(MC146818State *s, uint8_t r)
{
    if (s->cmos[RTC_REG_B] & REG_B_DM) {
        return r;
    }
    if ((r & 0x0f) > 9 || (r >> 4) > 9) {
        return -1;
    }
    return from_bcd(r);
}

/* Hours register to 0-23, -1 if invalid; handles 12-hour mode and PM. */
static int rtc_hour_from_reg(MC146818State *s, uint8_t r)
{
    int h;

    if (s->cmos[RTC_REG_B] & REG_B_24H) {
        h = rtc_from_reg(s, r);
        return h >= 0 && h < 24 ? h : -1;
    }
    h = rtc_from_reg(s, r & ~RTC_HOURS_PM);
    if (h < 1 || h > 12) {
        return -1;
    }
    return (h % 12) + ((r & RTC_HOURS_PM) ? 12 : 0);
}

static uint8_t rtc_hour_to_reg(MC146818State *s, int h)
{
    int h12;

    if (s->cmos[RTC_REG_B] & REG_B_24H) {
        return rtc_to_reg(s, h);
    }
    h12 = h % 12 ? h % 12 : 12;
    return rtc_to_reg(s, h12) | (h >= 12 ? RTC_HOURS_PM : 0);
}

/* Write the time at 'now' into the clock bytes, in the current format. */
static void rtc_latch_time(MC146818State *s, int64_t now)
{
    int64_t secs = rtc_seconds_at(s, now);
    int64_t days = floor_div(secs, SECS_PER_DAY);
    int sod = floor_mod(secs, SECS_PER_DAY);
    int64_t y, yr;
    int m, d, wday;

    date_from_days(days, &y, &m, &d);
    wday = (floor_mod(days + 4, 7) + s->wday_adj) % 7; /* 0 = Sunday */
    yr = y - rtc_base_year(s);
    if (yr < 0) {
        yr = 0;
    }
    s->cmos[RTC_SECONDS] = rtc_to_reg(s, sod % 60);
    s->cmos[RTC_MINUTES] = rtc_to_reg(s, sod / 60 % 60);
    s->cmos[RTC_HOURS] = rtc_hour_to_reg(s, sod / 3600);
    s->cmos[RTC_DAY_OF_WEEK] = rtc_to_reg(s, wday + 1);
    s->cmos[RTC_DAY_OF_MONTH] = rtc_to_reg(s, d);
    s->cmos[RTC_MONTH] = rtc_to_reg(s, m);
    s->cmos[RTC_YEAR] = rtc_to_reg(s, yr % 100);
    s->cmos[RTC_CENTURY] = rtc_to_reg(s, (yr / 100) % 100);
}

static int rtc_field(MC146818State *s, int idx, int lo, int hi)
{
    int v = idx == RTC_HOURS ? rtc_hour_from_reg(s, s->cmos[idx])
                             : rtc_from_reg(s, s->cmos[idx]);
    if (v < lo || v > hi) {
        log_mask(LOG_GUEST_ERROR, "mc146818: invalid value 0x%02x at 0x%02x\n",
                 s->cmos[idx], idx);
        return lo;
    }
    return v;
}

/* The time the clock bytes hold, as seconds since 1970-01-01. */
static int64_t rtc_parse_time(MC146818State *s)
{
    int sec = rtc_field(s, RTC_SECONDS, 0, 59);
    int min = rtc_field(s, RTC_MINUTES, 0, 59);
    int hour = rtc_field(s, RTC_HOURS, 0, 23);
    int mday = rtc_field(s, RTC_DAY_OF_MONTH, 1, 31);
    int mon = rtc_field(s, RTC_MONTH, 1, 12);
    int yy = rtc_field(s, RTC_YEAR, 0, 99);
    int cc = rtc_field(s, RTC_CENTURY, 0, 99);
    int dow = rtc_from_reg(s, s->cmos[RTC_DAY_OF_WEEK]);
    int64_t year = rtc_base_year(s) + cc * 100 + yy;
    int64_t days;

    if (mday > days_in_month(year, mon)) {
        mday = days_in_month(year, mon);
    }
    days = days_from_date(year, mon, mday);
    /* The chip counts the weekday on its own: keep what the guest wrote. */
    s->wday_adj = dow >= 1 && dow <= 7 ? floor_mod(dow - 1 - (days + 4), 7) : 0;
    return days * SECS_PER_DAY + hour * 3600 + min * 60 + sec;
}

/* Restart counting from the clock bytes at the last divider boundary. */
static void rtc_set_time_from_regs(MC146818State *s, int64_t now)
{
    s->base_sec = rtc_parse_time(s);
    s->base_ns = s->div_ns + floor_div(now - s->div_ns, RTC_NS) * RTC_NS;
}

/* ---- interrupt events ---- */

/* Periodic interval in 32.768 kHz cycles (register A RS3-0), 0 = off. */
static int64_t rtc_period_cycles(MC146818State *s)
{
    int rs = s->cmos[RTC_REG_A] & REG_A_RS_MASK;

    if (rs == 0) {
        return 0;
    }
    if (rs <= 2) {
        rs += 7; /* 256 Hz and 128 Hz, as RS 8 and 9 */
    }
    return 1 << (rs - 1);
}

/* First periodic edge strictly after t (edges follow the divider chain). */
static int64_t rtc_next_periodic(MC146818State *s, int64_t t)
{
    int64_t p = rtc_period_cycles(s);
    int64_t secs, rem, cyc, next;

    if (!p || !rtc_divider_on(s)) {
        return RTC_NEVER;
    }
    secs = floor_div(t - s->div_ns, RTC_NS);
    rem = t - s->div_ns - secs * RTC_NS;
    cyc = rem * RTC_FREQ / RTC_NS;
    next = (cyc / p + 1) * p;
    return s->div_ns + secs * RTC_NS +
           (next * RTC_NS + RTC_FREQ - 1) / RTC_FREQ;
}

/* First update cycle (second boundary) strictly after t. */
static int64_t rtc_next_update(MC146818State *s, int64_t t)
{
    if (!rtc_running(s)) {
        return RTC_NEVER;
    }
    return s->base_ns + (floor_div(t - s->base_ns, RTC_NS) + 1) * RTC_NS;
}

/* An alarm byte: -1 = don't care, -2 = can never match, else the value. */
static int rtc_alarm_value(MC146818State *s, int idx, int max)
{
    uint8_t r = s->cmos[idx];
    int v;

    if ((r & RTC_ALARM_DONT_CARE) == RTC_ALARM_DONT_CARE) {
        return -1;
    }
    v = idx == RTC_HOURS_ALARM ? rtc_hour_from_reg(s, r) : rtc_from_reg(s, r);
    return v >= 0 && v <= max ? v : -2;
}

/* Smallest second of the day >= start matching h:m:s (-1 = any), or -1. */
static int rtc_alarm_first(int start, int ah, int am, int as)
{
    int sh = start / 3600, sm = start / 60 % 60;

    for (int h = sh; h < 24; h++) {
        if (ah >= 0 && h != ah) {
            continue;
        }
        for (int m = h == sh ? sm : 0; m < 60; m++) {
            int lo = (h == sh && m == sm) ? start % 60 : 0;
            if (am >= 0 && m != am) {
                continue;
            }
            if (as < 0) {
                return h * 3600 + m * 60 + lo;
            }
            if (as >= lo) {
                return h * 3600 + m * 60 + as;
            }
        }
    }
    return -1;
}

/* First update cycle strictly after t at which the alarm matches. */
static int64_t rtc_next_alarm(MC146818State *s, int64_t t)
{
    int as, am, ah, sod, first;
    int64_t delta;

    if (!rtc_running(s)) {
        return RTC_NEVER;
    }
    as = rtc_alarm_value(s, RTC_SECONDS_ALARM, 59);
    am = rtc_alarm_value(s, RTC_MINUTES_ALARM, 59);
    ah = rtc_alarm_value(s, RTC_HOURS_ALARM, 23);
    if (as == -2 || am == -2 || ah == -2) {
        return RTC_NEVER;
    }
    sod = floor_mod(rtc_seconds_at(s, t), SECS_PER_DAY);
    first = rtc_alarm_first(sod + 1, ah, am, as);
    if (first >= 0) {
        delta = first - sod;
    } else {
        delta = SECS_PER_DAY - sod + rtc_alarm_first(0, ah, am, as);
    }
    return rtc_next_update(s, t) + (delta - 1) * RTC_NS;
}

/* Set the flags of the events in (flags_ns, now]. */
static void rtc_sync_flags(MC146818State *s, int64_t now)
{
    uint8_t f = 0;

    if (rtc_next_periodic(s, s->flags_ns) <= now) {
        f |= REG_C_PF;
    }
    if (rtc_next_update(s, s->flags_ns) <= now) {
        f |= REG_C_UF;
        if (rtc_next_alarm(s, s->flags_ns) <= now) {
            f |= REG_C_AF;
        }
    }
    s->cmos[RTC_REG_C] |= f;
    s->flags_ns = now;
}

/* IRQF = PF.PIE + AF.AIE + UF.UIE; the IRQ pin follows it. */
static void rtc_update_irq(MC146818State *s)
{
    if (s->cmos[RTC_REG_C] & s->cmos[RTC_REG_B] & REG_C_MASK) {
        s->cmos[RTC_REG_C] |= REG_C_IRQF;
        irq_raise(s->irq);
    } else {
        s->cmos[RTC_REG_C] &= ~REG_C_IRQF;
        irq_lower(s->irq);
    }
}

/* Arm the timer for the next event that would raise the IRQ. */
static void rtc_rearm(MC146818State *s, int64_t now)
{
    uint8_t b = s->cmos[RTC_REG_B], c = s->cmos[RTC_REG_C];
    int64_t next = RTC_NEVER;

    if (!(c & REG_C_IRQF)) {
        if ((b & REG_B_PIE) && !(c & REG_C_PF)) {
            next = MIN(next, rtc_next_periodic(s, now));
        }
        if ((b & REG_B_UIE) && !(c & REG_C_UF)) {
            next = MIN(next, rtc_next_update(s, now));
        }
        if ((b & REG_B_AIE) && !(c & REG_C_AF)) {
            next = MIN(next, rtc_next_alarm(s, now));
        }
    }
    if (next == RTC_NEVER) {
        timer_del(&s->timer);
    } else if (timer_expire_time_ns(&s->timer) != next) {
        timer_mod_ns(&s->timer, next);
    }
}

static void rtc_timer_cb(void *opaque)
{
    MC146818State *s = opaque;
    int64_t now = rtc_now(s);

    rtc_sync_flags(s, now);
    rtc_update_irq(s);
    rtc_rearm(s, now);
}

static bool rtc_update_in_progress(MC146818State *s, int64_t now)
{
    return rtc_running(s) &&
           floor_mod(now - s->base_ns, RTC_NS) >= RTC_NS - RTC_UIP_NS;
}

static bool rtc_is_time_reg(int idx)
{
    switch (idx) {
    case RTC_SECONDS:
    case RTC_MINUTES:
    case RTC_HOURS:
    case RTC_DAY_OF_WEEK:
    case RTC_DAY_OF_MONTH:
    case RTC_MONTH:
    case RTC_YEAR:
    case RTC_CENTURY:
        return true;
    default:
        return false;
    }
}

/* ---- register writes that change timing ---- */

static void rtc_write_reg_a(MC146818State *s, uint8_t val, int64_t now)
{
    bool was_on = rtc_divider_on(s);

    if (rtc_running(s)) {
        rtc_latch_time(s, now);
    }
    s->cmos[RTC_REG_A] = val & ~REG_A_UIP;
    if (!was_on && rtc_divider_on(s)) {
        /* Leaving divider reset: the first update is 500 ms later. */
        s->div_ns = now - RTC_NS / 2;
        if (rtc_running(s)) {
            rtc_set_time_from_regs(s, now);
        }
    }
    if ((val & REG_A_DV_MASK) != REG_A_DV_32K && (val & 0x60) != 0x60) {
        log_unimp_once("mc146818: time base other than 32.768 kHz "
                       "not supported (clock stopped)");
    }
}

static void rtc_write_reg_b(MC146818State *s, uint8_t val, int64_t now)
{
    bool was_running = rtc_running(s);

    if (val & REG_B_SET) {
        val &= ~REG_B_UIE; /* "UIE is cleared when SET goes to 1" */
    }
    if (val & REG_B_DSE) {
        log_unimp_once("mc146818: daylight saving enable not supported");
    }
    if (was_running) {
        rtc_latch_time(s, now);
    }
    s->cmos[RTC_REG_B] = val;
    if (!was_running && rtc_running(s)) {
        rtc_set_time_from_regs(s, now);
    }
}

/* ---- port handlers ---- */

static uint64_t rtc_ioport_read_do(void *opaque, uint64_t addr, unsigned size)
{
    MC146818State *s = opaque;
    int64_t now = rtc_now(s);
    uint8_t v;

    if (addr == 0) {
        return 0xff; /* the index register is write-only */
    }
    switch (s->index) {
    case RTC_REG_A:
        v = s->cmos[RTC_REG_A] & ~REG_A_UIP;
        if (rtc_update_in_progress(s, now)) {
            v |= REG_A_UIP;
        }
        return v;
    case RTC_REG_C:
        rtc_sync_flags(s, now);
        rtc_update_irq(s);
        v = s->cmos[RTC_REG_C];
        s->cmos[RTC_REG_C] = 0;
        rtc_update_irq(s);
        rtc_rearm(s, now);
        return v;
    case RTC_REG_D:
        return REG_D_VRT;
    default:
        if (rtc_is_time_reg(s->index) && rtc_running(s)) {
            rtc_latch_time(s, now);
        }
        return s->cmos[s->index];
    }
}

static uint64_t rtc_ioport_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = rtc_ioport_read_do(opaque, addr, size);
    trace(rtc_ioport_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void rtc_ioport_write(void *opaque, uint64_t addr, uint64_t data,
                             unsigned size)
{
    trace(rtc_ioport_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, data, size);
    MC146818State *s = opaque;
    int64_t now = rtc_now(s);
    uint8_t val = data;

    if (addr == 0) {
        s->index = val & 0x7f;
        s->nmi_mask = val & 0x80;
        return;
    }
    switch (s->index) {
    case RTC_REG_C:
    case RTC_REG_D:
        return; /* read-only */
    case RTC_REG_A:
        rtc_sync_flags(s, now);
        rtc_write_reg_a(s, val, now);
        break;
    case RTC_REG_B:
        rtc_sync_flags(s, now);
        rtc_write_reg_b(s, val, now);
        break;
    case RTC_SECONDS_ALARM:
    case RTC_MINUTES_ALARM:
    case RTC_HOURS_ALARM:
        rtc_sync_flags(s, now);
        s->cmos[s->index] = val;
        break;
    default:
        if (!rtc_is_time_reg(s->index)) {
            s->cmos[s->index] = val;
            return;
        }
        rtc_sync_flags(s, now);
        if (rtc_running(s)) {
            /* Changing one byte while counting: keep the others current. */
            rtc_latch_time(s, now);
            s->cmos[s->index] = val;
            rtc_set_time_from_regs(s, now);
        } else {
            s->cmos[s->index] = val;
        }
        break;
    }
    rtc_update_irq(s);
    rtc_rearm(s, now);
}

static const MemoryRegionOps rtc_ops = {
    .read = rtc_ioport_read,
    .write = rtc_ioport_write,
    ISA_BYTE_OPS_SIZES,
};

/* ---- reset, state, realize ---- */

/* The RESET pin: interrupt enables and flags go, time and RAM stay. */
static void rtc_reset(DeviceState *dev)
{
    MC146818State *s = container_of(dev, MC146818State, parent);
    int64_t now = rtc_now(s);

    s->cmos[RTC_REG_B] &= ~(REG_B_PIE | REG_B_AIE | REG_B_UIE | REG_B_SQWE);
    s->cmos[RTC_REG_C] = 0;
    s->flags_ns = now;
    rtc_update_irq(s);
    rtc_rearm(s, now);
}

static int rtc_post_load(void *opaque)
{
    MC146818State *s = opaque;

    rtc_update_irq(s);
    rtc_rearm(s, rtc_now(s));
    return 0;
}

static const VMStateField rtc_fields[] = {
    VMSTATE_BUFFER(cmos, MC146818State),
    VMSTATE_U8(index, MC146818State),
    VMSTATE_U8(nmi_mask, MC146818State),
    VMSTATE_U8(wday_adj, MC146818State),
    VMSTATE_I64(div_ns, MC146818State),
    VMSTATE_I64(base_sec, MC146818State),
    VMSTATE_I64(base_ns, MC146818State),
    VMSTATE_I64(flags_ns, MC146818State),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_mc146818 = {
    .name = "mc146818rtc",
    .version = 1,
    .fields = rtc_fields,
    .post_load = rtc_post_load,
};

static int rtc_realize(DeviceState *dev, Error **errp)
{
    MC146818State *s = container_of(dev, MC146818State, parent);
    ISABus *bus = isa_bus(dev);
    int64_t now, host, phase;
    RTCBase base;
    int64_t date;

    if (s->iobase > 0xfffe) {
        error_setg(errp, "isa-mc146818rtc: iobase 0x%x out of range",
                   s->iobase);
        return -EINVAL;
    }
    if (s->irq_num > 15) {
        error_setg(errp, "isa-mc146818rtc: irq %u out of range (0-15)",
                   s->irq_num);
        return -EINVAL;
    }
    if (rtc_parse_base(s->base ? s->base : "utc", &base, &date, errp) < 0) {
        error_prepend(errp, "isa-mc146818rtc: base: ");
        return -EINVAL;
    }
    if (rtc_parse_clock(s->clock_name ? s->clock_name : "host", &s->clock,
                        errp) < 0) {
        error_prepend(errp, "isa-mc146818rtc: clock: ");
        return -EINVAL;
    }
    s->irq = isa_get_irq(bus, s->irq_num);
    now = rtc_now(s);
    host = clock_get_ns(CLOCK_HOST);

    /* Power-on: 32.768 kHz, 1024 Hz rate, 24-hour BCD, battery good. */
    s->cmos[RTC_REG_A] = REG_A_DV_32K | 0x06;
    s->cmos[RTC_REG_B] = REG_B_24H;
    s->cmos[RTC_REG_C] = 0;
    s->cmos[RTC_REG_D] = REG_D_VRT;
    if (base == RTC_BASE_DATE) {
        /* The given second starts now. */
        s->base_sec = date;
        phase = 0;
    } else {
        /* Seconds tick with the host's. */
        s->base_sec = floor_div(host, RTC_NS);
        phase = floor_mod(host, RTC_NS);
        if (base == RTC_BASE_LOCALTIME) {
            s->base_sec += rtc_host_utc_offset(s->base_sec);
        }
    }
    s->base_ns = now - phase;
    s->div_ns = s->base_ns;
    s->flags_ns = now;
    s->wday_adj = 0;
    rtc_latch_time(s, now);

    timer_init_ns(&s->timer, s->clock, rtc_timer_cb, s);
    memory_region_init_io(&s->io, &rtc_ops, s, "rtc", 2);
    if (isa_register_ioport(bus, dev, &s->io, s->iobase, errp) < 0) {
        memory_region_finalize(&s->io);
        return -EBUSY;
    }
    return 0;
}

static void rtc_unrealize(DeviceState *dev)
{
    MC146818State *s = container_of(dev, MC146818State, parent);
    ISABus *bus = isa_bus(dev);

    timer_del(&s->timer);
    isa_unregister_ioport(bus, &s->io);
    memory_region_finalize(&s->io);
}

/* ---- board interface ---- */

MC146818State *rtc_from_device(DeviceState *dev)
{
    return container_of(dev, MC146818State, parent);
}

void rtc_set_cmos(MC146818State *s, int addr, uint8_t val)
{
    if (addr >= 0 && addr < RTC_CMOS_SIZE) {
        s->cmos[addr] = val;
    }
}

uint8_t rtc_get_cmos(MC146818State *s, int addr)
{
    return addr >= 0 && addr < RTC_CMOS_SIZE ? s->cmos[addr] : 0xff;
}

MC146818State *rtc_init(ISABus *bus, int base_year, const RTCOptions *opts,
                        Error **errp)
{
    DeviceState *dev = device_new("isa-mc146818rtc");

    device_prop_set_int(dev, "base_year", base_year);
    if (opts && opts->base) {
        device_prop_set_str(dev, "base", opts->base);
    }
    if (opts && opts->clock) {
        device_prop_set_str(dev, "clock", opts->clock);
    }
    if (device_realize(dev, &bus->qbus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return rtc_from_device(dev);
}

static const Property rtc_props[] = {
    DEFINE_PROP_U32("iobase", MC146818State, iobase, 0x70, "I/O base"),
    DEFINE_PROP_U32("irq", MC146818State, irq_num, 8, "ISA IRQ"),
    DEFINE_PROP_I32("base_year", MC146818State, base_year, 0,
                    "year added to the registers' (0: century byte)"),
    DEFINE_PROP_STRING("base", MC146818State, base, "utc",
                       "start date: utc, localtime or 2006-06-17[T16:01:21]"),
    DEFINE_PROP_STRING("clock", MC146818State, clock_name, "host",
                       "clock followed: host (runs while paused) or vm"),
    DEFINE_PROP_END,
};

static const DeviceClass mc146818_class = {
    .name = "isa-mc146818rtc",
    .desc = "Motorola MC146818A RTC and CMOS RAM",
    .bus = "isa",
    .instance_size = sizeof(MC146818State),
    .props = rtc_props,
    .realize = rtc_realize,
    .unrealize = rtc_unrealize,
    .reset = rtc_reset,
    .vmsd = &vmstate_mc146818,
};
DEVICE_CLASS_REGISTER(mc146818_class);
