/*
 * IA-PC HPET (High Precision Event Timers), Intel's specification 1.0a,
 * section 2.3 for the registers: one 64-bit main counter at 100 MHz and 3
 * timers (comparators), in a 1 KiB window:
 *
 *   0x000 GCAP_ID      capabilities and ID (read-only)
 *   0x010 GEN_CONF     ENABLE_CNF (bit 0), LEG_RT_CNF (bit 1)
 *   0x020 GINTR_STA    Tn_INT_STS of level-triggered timers, write 1 clears
 *   0x0f0 MAIN_CNT     the main counter
 *   0x100 + 0x20 n     Tn_CONF_CAP, +0x08 Tn_COMPARATOR, +0x10 Tn_FSB_ROUTE
 *
 * 32-bit and 64-bit accesses (naturally aligned) are accepted, as the spec
 * allows; an 8-byte access is one operation (a 64-bit counter read cannot
 * tear, a 64-bit comparator write is one write for Tn_VAL_SET_CNF).
 *
 * Nothing ticks: the counter is counter at base_ns of CLOCK_VIRTUAL plus the
 * 10 ns periods since, and each timer arms one virtual-clock timer for the
 * counter value of its next event.  A comparator matches when the counter
 * becomes equal to it (the low 32 bits in Tn_32MODE_CNF): a comparator
 * written at or below the counter fires only after the counter wraps, as
 * on hardware (Linux checks for that itself).  In periodic mode each match
 * adds the last value written to the comparator (a late callback adds as
 * many periods as it missed and raises one interrupt); Tn_VAL_SET_CNF lets
 * a write set the comparator itself as well, and clears after that write
 * (as QEMU and Bochs read the spec).  A 32-bit one-shot timer also fires
 * when the counter's low 32 bits wrap (spec, non-periodic mode).
 *
 * Choices: every timer is periodic-capable and 64-bit capable, as QEMU's
 * (Intel's ICH HPETs give only timer 0 periodic and 64-bit modes); FSB
 * (MSI) delivery is not offered (Tn_FSB_INT_DEL_CAP reads 0); a level
 * timer sets its status bit even with Tn_INT_ENB_CNF clear (spec), and its
 * line is asserted while the bit is set, interrupts are enabled and
 * ENABLE_CNF is set.  Writes to the main counter while it runs are
 * logged and obeyed (the spec says to halt it first).  Deviation: a
 * periodic timer fires at most every 10 us (HPET_MIN_PERIODIC_NS); a
 * faster period coalesces its events into one interrupt per callback (the
 * comparator still reads as if every event had happened), so that a guest
 * cannot keep the emulator busy at 100 MHz.
 *
 * Interrupts: HPETWiring.gsi[route] for Tn_INT_ROUTE_CNF; with LEG_RT_CNF,
 * timer 0 raises gsi[2] (the I/O APIC's pin 2; the board also carries it
 * to the 8259 as IRQ 0) and timer 1 gsi[8], and pit_enable / rtc_enable
 * are low so that the PIT's and the RTC's own interrupts do not reach the
 * controllers.  Edge timers pulse their line (not when a level timer holds
 * the same line high: there is no edge to see).
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/irq.h"
#include "emu/log.h"
#include "emu/memory.h"
#include "emu/timer.h"
#include "emu/vmstate.h"
#include "emu/trace.h"
#include "hw/timer/hpet.h"

#define HPET_WINDOW 0x400

/* Registers. */
#define HPET_GCAP_ID    0x000
#define HPET_GEN_CONF   0x010
#define HPET_GINTR_STA  0x020
#define HPET_MAIN_CNT   0x0f0
#define HPET_TIMER_BASE 0x100
#define HPET_TIMER_SIZE 0x20
#define HPET_TN_CONF    0x00
#define HPET_TN_CMP     0x08
#define HPET_TN_FSB     0x10

/* GCAP_ID. */
#define GCAP_REV_ID         0x01
#define GCAP_NUM_TIM_SHIFT  8
#define GCAP_COUNT_SIZE_CAP (1ull << 13)
#define GCAP_LEG_RT_CAP     (1ull << 15)
#define GCAP_VENDOR_SHIFT   16
#define GCAP_VENDOR_INTEL   0x8086ull
#define GCAP_PERIOD_SHIFT   32

/* GEN_CONF. */
#define CONF_ENABLE 0x1ull
#define CONF_LEG_RT 0x2ull

/* Tn_CONF_CAP. */
#define TN_INT_TYPE_LEVEL  (1ull << 1)
#define TN_INT_ENB         (1ull << 2)
#define TN_TYPE_PERIODIC   (1ull << 3)
#define TN_PER_INT_CAP     (1ull << 4)
#define TN_SIZE_CAP        (1ull << 5)
#define TN_VAL_SET         (1ull << 6)
#define TN_32MODE          (1ull << 8)
#define TN_INT_ROUTE_SHIFT 9
#define TN_INT_ROUTE_MASK  (0x1full << TN_INT_ROUTE_SHIFT)
#define TN_FSB_EN          (1ull << 14)
#define TN_FSB_INT_DEL_CAP (1ull << 15)
#define TN_ROUTE_CAP_SHIFT 32
#define TN_CONF_RW                                                    \
    (TN_INT_TYPE_LEVEL | TN_INT_ENB | TN_TYPE_PERIODIC | TN_VAL_SET | \
     TN_32MODE | TN_INT_ROUTE_MASK)

#define HPET_TICK_NS (HPET_PERIOD_FS / 1000000u) /* 10 */
#define HPET_NEVER   UINT64_MAX
/* A periodic timer fires at most every 10 us (100 kHz); faster periods
 * raise one interrupt per callback for the events since the last. */
#define HPET_MIN_PERIODIC_NS 10000
#define HPET_LINES           24

typedef struct HPETState HPETState;

typedef struct HPETTimer {
    HPETState *s;
    int n;
    Timer timer;
    uint64_t config; /* Tn_CONF_CAP as read */
    uint64_t cmp;    /* Tn_COMPARATOR */
    uint64_t period; /* the last value written to the comparator */
    uint64_t next;   /* counter value of the next event (derived) */
} HPETTimer;

struct HPETState {
    DeviceState parent;
    MemoryRegion *sysmem;
    uint64_t base;
    HPETWiring wiring;
    MemoryRegion mmio;

    uint64_t config;  /* GEN_CONF */
    uint64_t isr;     /* GINTR_STA */
    uint64_t counter; /* main counter: its value at base_ns (or halted) */
    int64_t base_ns;
    HPETTimer t[HPET_NUM_TIMERS];

    uint32_t lines; /* gsi[] lines we hold high (derived) */
};

/* ---- counter and events ---- */

static bool hpet_enabled(const HPETState *s)
{
    return s->config & CONF_ENABLE;
}

static uint64_t hpet_ticks(const HPETState *s)
{
    if (!hpet_enabled(s)) {
        return s->counter;
    }
    return s->counter +
           (uint64_t)(clock_get_ns(CLOCK_VIRTUAL) - s->base_ns) / HPET_TICK_NS;
}

static bool tn_32bit(const HPETTimer *t)
{
    return t->config & TN_32MODE;
}

static bool tn_periodic(const HPETTimer *t)
{
    return t->config & TN_TYPE_PERIODIC;
}

/* The first counter value >= from at which the timer has an event. */
static uint64_t hpet_next_event(const HPETTimer *t, uint64_t from)
{
    if (tn_32bit(t)) {
        uint64_t match = from + (uint32_t)((uint32_t)t->cmp - (uint32_t)from);
        uint64_t wrap = from + (uint32_t)(0u - (uint32_t)from);
        if (match < from) {
            match = HPET_NEVER; /* past the end of the 64-bit counter */
        }
        if (wrap < from) {
            wrap = HPET_NEVER;
        }
        return !tn_periodic(t) && wrap < match ? wrap : match;
    }
    return t->cmp >= from ? t->cmp : HPET_NEVER;
}

/* Arm the timer for its first event at or after counter value from; a
 * periodic timer just fired waits at least HPET_MIN_PERIODIC_NS. */
static void hpet_arm_at(HPETTimer *t, uint64_t from, bool refire)
{
    HPETState *s = t->s;
    uint64_t delta;
    int64_t when;

    timer_del(&t->timer);
    t->next = HPET_NEVER;
    if (!hpet_enabled(s)) {
        return;
    }
    t->next = hpet_next_event(t, from);
    if (t->next == HPET_NEVER || t->next < s->counter) {
        return;
    }
    /* The counter reaches next at base_ns + (next - counter) ticks. */
    delta = t->next - s->counter;
    if (delta > (uint64_t)(INT64_MAX - s->base_ns) / HPET_TICK_NS) {
        return; /* centuries away */
    }
    when = s->base_ns + (int64_t)(delta * HPET_TICK_NS);
    if (refire && tn_periodic(t)) {
        int64_t soonest = clock_get_ns(CLOCK_VIRTUAL) + HPET_MIN_PERIODIC_NS;
        when = when > soonest ? when : soonest;
    }
    timer_mod_ns(&t->timer, when);
}

static void hpet_arm(HPETTimer *t, uint64_t from)
{
    hpet_arm_at(t, from, false);
}

/* A periodic timer's comparator once the events up to cur are done: it
 * moves on by whole periods past the counter.  (Also what a read shows
 * while a coalesced callback is still due.) */
static uint64_t hpet_periodic_cmp(const HPETTimer *t, uint64_t cur)
{
    uint64_t period = tn_32bit(t) ? (uint32_t)t->period : t->period;
    uint64_t cmp = t->cmp;

    if (period && t->next != HPET_NEVER && cur >= t->next) {
        uint64_t k = (cur - t->next) / period + 1;
        cmp += k * period;
        if (tn_32bit(t)) {
            cmp = (uint32_t)cmp;
        }
    }
    return cmp;
}

static void hpet_arm_all(HPETState *s)
{
    uint64_t cur = hpet_ticks(s);

    for (int n = 0; n < HPET_NUM_TIMERS; n++) {
        hpet_arm(&s->t[n], cur + 1);
    }
}

/* ---- interrupt lines ---- */

static int hpet_route(const HPETState *s, int n)
{
    if ((s->config & CONF_LEG_RT) && n < 2) {
        return n == 0 ? 2 : 8; /* spec: IRQ2 / IRQ8 in the I/O APIC */
    }
    return (s->t[n].config & TN_INT_ROUTE_MASK) >> TN_INT_ROUTE_SHIFT;
}

static IRQ *hpet_line(HPETState *s, int route)
{
    return route < HPET_LINES ? s->wiring.gsi[route] : NULL;
}

/* Drive the lines that level timers hold to what the state says (all of
 * them if force: after a load, when what the lines carry is unknown). */
static void hpet_drive_lines(HPETState *s, bool force)
{
    uint32_t want = 0, change;

    if (hpet_enabled(s)) {
        for (int n = 0; n < HPET_NUM_TIMERS; n++) {
            const HPETTimer *t = &s->t[n];
            int route = hpet_route(s, n);
            if ((t->config & TN_INT_TYPE_LEVEL) && (t->config & TN_INT_ENB) &&
                (s->isr & (1u << n)) && route < HPET_LINES) {
                want |= 1u << route;
            }
        }
    }
    change = force ? (1u << HPET_LINES) - 1 : want ^ s->lines;
    s->lines = want;
    for (int r = 0; r < HPET_LINES; r++) {
        if (change & (1u << r)) {
            irq_set(s->wiring.gsi[r], (want >> r) & 1);
        }
    }
}

static void hpet_update_lines(HPETState *s)
{
    hpet_drive_lines(s, false);
}

static void hpet_update_enables(HPETState *s)
{
    int on = !(s->config & CONF_LEG_RT);

    irq_set(s->wiring.pit_enable, on);
    irq_set(s->wiring.rtc_enable, on);
}

static void hpet_event(HPETTimer *t)
{
    HPETState *s = t->s;

    if (t->config & TN_INT_TYPE_LEVEL) {
        s->isr |= 1u << t->n;
        hpet_update_lines(s);
    } else if (t->config & TN_INT_ENB) {
        int route = hpet_route(s, t->n);
        if (route < HPET_LINES && !(s->lines & (1u << route))) {
            irq_pulse(hpet_line(s, route));
        }
    }
}

static void hpet_timer_cb(void *opaque)
{
    HPETTimer *t = opaque;
    HPETState *s = t->s;
    uint64_t cur = hpet_ticks(s);

    if (!hpet_enabled(s) || t->next == HPET_NEVER) {
        return;
    }
    if (cur < t->next) {
        hpet_arm(t, cur + 1); /* not there yet: the same event again */
        return;
    }
    if (tn_periodic(t)) {
        t->cmp = hpet_periodic_cmp(t, cur);
    }
    hpet_event(t);
    hpet_arm_at(t, cur + 1, true);
}

/* ---- registers ---- */

static uint64_t hpet_capabilities(void)
{
    return GCAP_REV_ID |
           ((uint64_t)(HPET_NUM_TIMERS - 1) << GCAP_NUM_TIM_SHIFT) |
           GCAP_COUNT_SIZE_CAP | GCAP_LEG_RT_CAP |
           (GCAP_VENDOR_INTEL << GCAP_VENDOR_SHIFT) |
           ((uint64_t)HPET_PERIOD_FS << GCAP_PERIOD_SHIFT);
}

uint32_t hpet_block_id(HPETState *s)
{
    (void)s;
    return (uint32_t)hpet_capabilities();
}

/* The 64-bit register at an 8-aligned offset. */
static uint64_t hpet_reg_read(HPETState *s, uint64_t reg)
{
    if (reg >= HPET_TIMER_BASE &&
        reg < HPET_TIMER_BASE + HPET_NUM_TIMERS * HPET_TIMER_SIZE) {
        HPETTimer *t = &s->t[(reg - HPET_TIMER_BASE) / HPET_TIMER_SIZE];
        switch (reg % HPET_TIMER_SIZE) {
        case HPET_TN_CONF:
            return t->config;
        case HPET_TN_CMP:
            if (tn_periodic(t) && hpet_enabled(s)) {
                return hpet_periodic_cmp(t, hpet_ticks(s));
            }
            return t->cmp;
        case HPET_TN_FSB:
            return 0; /* no FSB delivery */
        }
        return 0;
    }
    switch (reg) {
    case HPET_GCAP_ID:
        return hpet_capabilities();
    case HPET_GEN_CONF:
        return s->config;
    case HPET_GINTR_STA:
        return s->isr;
    case HPET_MAIN_CNT:
        return hpet_ticks(s);
    }
    return 0; /* reserved */
}

static void hpet_write_gen_conf(HPETState *s, uint64_t val)
{
    uint64_t old = s->config;
    uint64_t now = clock_get_ns(CLOCK_VIRTUAL);

    val &= CONF_ENABLE | CONF_LEG_RT;
    if ((old ^ val) & CONF_ENABLE) {
        if (val & CONF_ENABLE) {
            s->base_ns = now; /* the counter runs from its halted value */
        } else {
            s->counter = hpet_ticks(s);
        }
    }
    s->config = val;
    if ((old ^ val) & CONF_LEG_RT) {
        hpet_update_enables(s);
    }
    hpet_update_lines(s);
    hpet_arm_all(s);
}

static void hpet_write_counter(HPETState *s, uint64_t val, uint64_t mask)
{
    uint64_t cur = hpet_ticks(s);

    if (hpet_enabled(s)) {
        log_mask(LOG_GUEST_ERROR, "hpet: main counter written while "
                                  "running (halt it first)\n");
        s->base_ns = clock_get_ns(CLOCK_VIRTUAL);
    }
    s->counter = (cur & ~mask) | (val & mask);
    hpet_arm_all(s);
}

static void hpet_write_tn_conf(HPETTimer *t, uint64_t val, uint64_t mask)
{
    HPETState *s = t->s;
    uint64_t old = t->config, cfg;
    uint64_t route = (val & TN_INT_ROUTE_MASK) >> TN_INT_ROUTE_SHIFT;

    mask &= TN_CONF_RW; /* capabilities and bits 63:32 are read-only */
    if ((mask & TN_INT_ROUTE_MASK) && !(s->wiring.route_cap & (1u << route))) {
        /* An unsupported route does not stick (spec: reads back
         * differently); the guest sees the old one.  Rewriting the
         * route it has (0 after reset) is not worth a message. */
        if (route != (old & TN_INT_ROUTE_MASK) >> TN_INT_ROUTE_SHIFT) {
            log_mask(LOG_GUEST_ERROR,
                     "hpet: timer %d: route %u not in Tn_INT_ROUTE_CAP 0x%x\n",
                     t->n, (unsigned)route, s->wiring.route_cap);
        }
        mask &= ~TN_INT_ROUTE_MASK;
    }
    cfg = (old & ~mask) | (val & mask);
    t->config = cfg;
    if ((cfg & TN_32MODE) && !(old & TN_32MODE)) {
        t->cmp = (uint32_t)t->cmp;
        t->period = (uint32_t)t->period;
    }
    if (!(cfg & TN_INT_TYPE_LEVEL)) {
        s->isr &= ~(1ull << t->n); /* edge timers have no status */
    }
    hpet_update_lines(s);
    hpet_arm(t, hpet_ticks(s) + 1);
}

static void hpet_write_tn_cmp(HPETTimer *t, uint64_t val, uint64_t mask)
{
    if (tn_32bit(t)) {
        mask &= 0xffffffffull; /* the upper half is not there */
    }
    if (!tn_periodic(t) || (t->config & TN_VAL_SET)) {
        t->cmp = (t->cmp & ~mask) | (val & mask);
    }
    if (tn_periodic(t)) {
        t->period = (t->period & ~mask) | (val & mask);
    }
    t->config &= ~TN_VAL_SET;
    hpet_arm(t, hpet_ticks(t->s) + 1);
}

static void hpet_reg_write(HPETState *s, uint64_t reg, uint64_t val,
                           uint64_t mask)
{
    if (reg >= HPET_TIMER_BASE &&
        reg < HPET_TIMER_BASE + HPET_NUM_TIMERS * HPET_TIMER_SIZE) {
        HPETTimer *t = &s->t[(reg - HPET_TIMER_BASE) / HPET_TIMER_SIZE];
        switch (reg % HPET_TIMER_SIZE) {
        case HPET_TN_CONF:
            hpet_write_tn_conf(t, val, mask);
            return;
        case HPET_TN_CMP:
            hpet_write_tn_cmp(t, val, mask);
            return;
        case HPET_TN_FSB:
            log_unimp_once("hpet: FSB interrupt delivery not supported");
            return;
        }
        return;
    }
    switch (reg) {
    case HPET_GCAP_ID:
        return;
    case HPET_GEN_CONF:
        hpet_write_gen_conf(s, (s->config & ~mask) | (val & mask));
        return;
    case HPET_GINTR_STA:
        s->isr &= ~(val & mask);
        hpet_update_lines(s);
        return;
    case HPET_MAIN_CNT:
        hpet_write_counter(s, val, mask);
        return;
    }
    log_mask(LOG_GUEST_ERROR,
             "hpet: write to reserved offset 0x%03" PRIx64 "\n", reg);
}

static uint64_t hpet_mmio_read_do(void *opaque, uint64_t addr, unsigned size)
{
    HPETState *s = opaque;

    if (addr & (size - 1)) {
        log_mask(LOG_GUEST_ERROR,
                 "hpet: misaligned %u-byte read at 0x%03" PRIx64 "\n", size,
                 addr);
        return 0;
    }
    uint64_t v = hpet_reg_read(s, addr & ~7ull);
    return size == 8 ? v : (uint32_t)(v >> ((addr & 4) * 8));
}

static uint64_t hpet_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = hpet_mmio_read_do(opaque, addr, size);
    trace(hpet_mmio_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void hpet_mmio_write(void *opaque, uint64_t addr, uint64_t val,
                            unsigned size)
{
    trace(hpet_mmio_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    HPETState *s = opaque;
    unsigned shift = (addr & 4) * 8;

    if (addr & (size - 1)) {
        log_mask(LOG_GUEST_ERROR,
                 "hpet: misaligned %u-byte write at 0x%03" PRIx64 "\n", size,
                 addr);
        return;
    }
    if (size == 8) {
        hpet_reg_write(s, addr, val, UINT64_MAX);
    } else {
        hpet_reg_write(s, addr & ~7ull, (val & 0xffffffffull) << shift,
                       0xffffffffull << shift);
    }
}

/* 32- and 64-bit accesses (spec 2.3.1); smaller ones are refused. */
static const MemoryRegionOps hpet_ops = {
    .read = hpet_mmio_read,
    .write = hpet_mmio_write,
    .valid = {.min_access_size = 4, .max_access_size = 8},
    .impl = {.min_access_size = 4, .max_access_size = 8},
};

/* ---- reset, state, realize ---- */

static void hpet_reset(DeviceState *dev)
{
    HPETState *s = container_of(dev, HPETState, parent);

    s->config = 0;
    s->isr = 0;
    s->counter = 0;
    s->base_ns = clock_get_ns(CLOCK_VIRTUAL);
    for (int n = 0; n < HPET_NUM_TIMERS; n++) {
        HPETTimer *t = &s->t[n];
        timer_del(&t->timer);
        t->config = TN_PER_INT_CAP | TN_SIZE_CAP |
                    ((uint64_t)s->wiring.route_cap << TN_ROUTE_CAP_SHIFT);
        t->cmp = UINT64_MAX;
        t->period = 0;
        t->next = HPET_NEVER;
    }
    hpet_update_lines(s);
    hpet_update_enables(s);
}

static int hpet_post_load(void *opaque)
{
    HPETState *s = opaque;

    for (int n = 0; n < HPET_NUM_TIMERS; n++) {
        s->t[n].s = s;
        s->t[n].n = n;
    }
    hpet_drive_lines(s, true);
    hpet_update_enables(s);
    hpet_arm_all(s);
    return 0;
}

static const VMStateField hpet_timer_fields[] = {
    VMSTATE_U64(config, HPETTimer),
    VMSTATE_U64(cmp, HPETTimer),
    VMSTATE_U64(period, HPETTimer),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_hpet_timer = {
    .name = "hpet-timer",
    .version = 1,
    .fields = hpet_timer_fields,
};

static const VMStateField hpet_fields[] = {
    VMSTATE_U64(config, HPETState),
    VMSTATE_U64(isr, HPETState),
    VMSTATE_U64(counter, HPETState),
    VMSTATE_I64(base_ns, HPETState),
    VMSTATE_STRUCT_ARRAY(t, HPETState, HPET_NUM_TIMERS, vmstate_hpet_timer,
                         HPETTimer),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_hpet = {
    .name = "hpet",
    .version = 1,
    .fields = hpet_fields,
    .post_load = hpet_post_load,
};

static int hpet_realize(DeviceState *dev, Error **errp)
{
    HPETState *s = container_of(dev, HPETState, parent);

    if (!s->sysmem) {
        error_setg(errp, "hpet: created without hpet_init()");
        return -EINVAL;
    }
    if (s->base & (HPET_WINDOW - 1)) {
        error_setg(errp, "hpet: base 0x%" PRIx64 " not 1 KiB aligned", s->base);
        return -EINVAL;
    }
    for (int n = 0; n < HPET_NUM_TIMERS; n++) {
        s->t[n].s = s;
        s->t[n].n = n;
        timer_init_ns(&s->t[n].timer, CLOCK_VIRTUAL, hpet_timer_cb, &s->t[n]);
    }
    memory_region_init_io(&s->mmio, &hpet_ops, s, "hpet", HPET_WINDOW);
    memory_region_add_subregion(s->sysmem, s->base, &s->mmio);
    return 0;
}

static void hpet_unrealize(DeviceState *dev)
{
    HPETState *s = container_of(dev, HPETState, parent);

    for (int n = 0; n < HPET_NUM_TIMERS; n++) {
        timer_del(&s->t[n].timer);
    }
    memory_region_del_subregion(s->sysmem, &s->mmio);
    memory_region_finalize(&s->mmio);
}

static const Property hpet_props[] = {
    DEFINE_PROP_END,
};

static const DeviceClass hpet_class = {
    .name = "hpet",
    .desc = "IA-PC HPET (3 timers)",
    .instance_size = sizeof(HPETState),
    .props = hpet_props,
    .realize = hpet_realize,
    .unrealize = hpet_unrealize,
    .reset = hpet_reset,
    .vmsd = &vmstate_hpet,
};
DEVICE_CLASS_REGISTER(hpet_class);

HPETState *hpet_init(MemoryRegion *sysmem, uint64_t base,
                     const HPETWiring *wiring, Error **errp)
{
    DeviceState *dev = device_new_class(&hpet_class);
    HPETState *s = container_of(dev, HPETState, parent);

    s->sysmem = sysmem;
    s->base = base;
    if (wiring) {
        s->wiring = *wiring;
    }
    s->wiring.route_cap &= (1u << HPET_LINES) - 1;
    if (device_realize(dev, NULL, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return s;
}

void hpet_free(HPETState *s)
{
    if (s) {
        device_unrealize(&s->parent);
        device_free(&s->parent);
    }
}
