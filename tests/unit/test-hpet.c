/*
 * Device tests for the HPET (hw/timer/hpet.c), created alone on a test
 * memory space with probes on every line of its wiring, against stepped
 * virtual time (10 ns per counter tick): capabilities and reset values, the
 * main counter (halted, running, written; 32- and 64-bit accesses),
 * one-shot and periodic timers in 64-bit and 32-bit modes with comparator
 * wrap, edge and level interrupts and the status register, routing and
 * legacy replacement with the PIT/RTC enable lines, and the state
 * description.
 */
#include "tests/unit/harness.h"
#include "emu/vmstate.h"
#include "hw/timer/hpet.h"

#define BASE HPET_DEFAULT_BASE
/* Routes the rig offers: IRQ 2 and 8 (legacy targets too), 20-23. */
#define ROUTE_CAP 0x00f00104u

/* Register offsets and bits, written out here from the spec. */
#define GEN_CONF   0x010
#define GINTR_STA  0x020
#define MAIN_CNT   0x0f0
#define TN_CONF(n) (0x100 + 0x20 * (n))
#define TN_CMP(n)  (0x108 + 0x20 * (n))
#define ENABLE     0x1
#define LEG_RT     0x2
#define T_LEVEL    (1u << 1)
#define T_INT_ENB  (1u << 2)
#define T_PERIODIC (1u << 3)
#define T_VAL_SET  (1u << 6)
#define T_32MODE   (1u << 8)
#define T_ROUTE(r) ((uint32_t)(r) << 9)

typedef struct Rig {
    TestBus tb;
    HPETState *hpet;
    IRQProbe gsi[24];
    IRQProbe pit_en, rtc_en;
    HPETWiring w;
} Rig;

static bool rig_init(Rig *r)
{
    Error *err = NULL;

    memset(r, 0, sizeof(*r));
    test_bus_init(&r->tb);
    for (int i = 0; i < 24; i++) {
        r->w.gsi[i] = irq_new_probe(&r->gsi[i]);
    }
    r->w.pit_enable = irq_new_probe(&r->pit_en);
    r->w.rtc_enable = irq_new_probe(&r->rtc_en);
    r->w.route_cap = ROUTE_CAP;
    r->hpet = hpet_init(&r->tb.mem_root, BASE, &r->w, &err);
    if (!r->hpet) {
        test_fail(__FILE__, __LINE__, "hpet_init: %s", error_get_pretty(err));
        error_free(err);
        return false;
    }
    return true;
}

static void rig_cleanup(Rig *r)
{
    hpet_free(r->hpet);
    for (int i = 0; i < 24; i++) {
        irq_free(r->w.gsi[i]);
    }
    irq_free(r->w.pit_enable);
    irq_free(r->w.rtc_enable);
    test_bus_cleanup(&r->tb);
}

static uint64_t rd(Rig *r, uint64_t off, unsigned size)
{
    uint64_t v = 0;
    address_space_read_val(&r->tb.mem_as, BASE + off, size, &v);
    return v;
}

static void wr(Rig *r, uint64_t off, unsigned size, uint64_t v)
{
    address_space_write_val(&r->tb.mem_as, BASE + off, size, v);
}

static int64_t now_ns(void)
{
    return clock_get_ns(CLOCK_VIRTUAL);
}

/* Run virtual time until the counter (running since t0 from c0) is c. */
static void step_to_tick(int64_t t0, uint64_t c0, uint64_t c)
{
    int64_t t = t0 + (int64_t)(c - c0) * 10;
    if (t > now_ns()) {
        clock_step_ns(t - now_ns());
    }
}

static void test_capabilities(void)
{
    Rig r;
    if (!rig_init(&r)) {
        return;
    }
    /* Rev 1, NUM_TIM_CAP 2, 64-bit counter, LEG_RT_CAP, Intel, 10 ns. */
    CHECK_EQ(rd(&r, 0x000, 8), 0x009896808086a201ull);
    CHECK_EQ(rd(&r, 0x000, 4), 0x8086a201);
    CHECK_EQ(rd(&r, 0x004, 4), 10000000);
    wr(&r, 0x000, 8, 0);
    CHECK_EQ(rd(&r, 0x000, 8), 0x009896808086a201ull);
    CHECK_EQ(rd(&r, GEN_CONF, 8), 0);
    CHECK_EQ(rd(&r, GINTR_STA, 8), 0);
    CHECK_EQ(rd(&r, MAIN_CNT, 8), 0);
    for (int n = 0; n < 3; n++) {
        /* Periodic- and 64-bit-capable, no FSB, our routes. */
        CHECK_EQ(rd(&r, TN_CONF(n), 8), ((uint64_t)ROUTE_CAP << 32) | 0x30);
        CHECK_EQ(rd(&r, TN_CMP(n), 8), UINT64_MAX);
        CHECK_EQ(rd(&r, TN_CONF(n) + 0x10, 8), 0);
    }
    /* Read-only bits stay; reserved GEN_CONF bits do not stick. */
    wr(&r, TN_CONF(1), 8, UINT64_MAX & ~(uint64_t)(T_ROUTE(31)));
    CHECK_EQ(rd(&r, TN_CONF(1), 8), ((uint64_t)ROUTE_CAP << 32) | 0x17e);
    wr(&r, GEN_CONF, 4, 0xfffffffc);
    CHECK_EQ(rd(&r, GEN_CONF, 4), 0);
    /* The PIT and RTC own their lines while legacy replacement is off. */
    CHECK_EQ(r.pit_en.level, 1);
    CHECK_EQ(r.rtc_en.level, 1);
    /* Byte and word accesses are refused by the bus (all ones). */
    CHECK_EQ(rd(&r, 0x000, 1), 0xff);
    CHECK_EQ(rd(&r, 0x000, 2), 0xffff);
    rig_cleanup(&r);
}

static void test_counter(void)
{
    Rig r;
    if (!rig_init(&r)) {
        return;
    }
    /* Halted after reset. */
    clock_step_ns(1000);
    CHECK_EQ(rd(&r, MAIN_CNT, 8), 0);
    wr(&r, GEN_CONF, 4, ENABLE);
    clock_step_ns(1000);
    CHECK_EQ(rd(&r, MAIN_CNT, 8), 100);
    clock_step_ns(9);
    CHECK_EQ(rd(&r, MAIN_CNT, 4), 100);
    clock_step_ns(1);
    CHECK_EQ(rd(&r, MAIN_CNT, 4), 101);
    /* Halt: the value holds, then writes by halves and whole. */
    wr(&r, GEN_CONF, 4, 0);
    clock_step_ns(5000);
    CHECK_EQ(rd(&r, MAIN_CNT, 8), 101);
    wr(&r, MAIN_CNT + 4, 4, 0x12);
    CHECK_EQ(rd(&r, MAIN_CNT, 8), 0x1200000065ull);
    wr(&r, MAIN_CNT, 4, 0xfffffff0);
    CHECK_EQ(rd(&r, MAIN_CNT, 8), 0x12fffffff0ull);
    CHECK_EQ(rd(&r, MAIN_CNT + 4, 4), 0x12);
    wr(&r, MAIN_CNT, 8, 0xfffffffffffffff0ull);
    /* Running again it carries into the upper half and wraps at 2^64. */
    wr(&r, GEN_CONF, 4, ENABLE);
    clock_step_ns(15 * 10);
    CHECK_EQ(rd(&r, MAIN_CNT, 8), 0xffffffffffffffffull);
    clock_step_ns(10);
    CHECK_EQ(rd(&r, MAIN_CNT, 8), 0);
    wr(&r, MAIN_CNT, 8, 0xfffffffe);
    clock_step_ns(20);
    CHECK_EQ(rd(&r, MAIN_CNT, 4), 0);
    CHECK_EQ(rd(&r, MAIN_CNT + 4, 4), 1);
    rig_cleanup(&r);
}

static void test_oneshot_64(void)
{
    Rig r;
    if (!rig_init(&r)) {
        return;
    }
    wr(&r, TN_CONF(2), 4, T_INT_ENB | T_ROUTE(20));
    wr(&r, TN_CMP(2), 8, 1000);
    CHECK_EQ(rd(&r, TN_CMP(2), 8), 1000);
    /* Nothing while halted. */
    clock_step_ns(100000);
    CHECK_EQ(r.gsi[20].raises, 0);
    int64_t t0 = now_ns();
    wr(&r, GEN_CONF, 4, ENABLE);
    step_to_tick(t0, 0, 999);
    CHECK_EQ(r.gsi[20].raises, 0);
    step_to_tick(t0, 0, 1000);
    CHECK_EQ(r.gsi[20].raises, 1);
    CHECK_EQ(r.gsi[20].level, 0); /* edge: a pulse */
    CHECK_EQ(rd(&r, GINTR_STA, 8), 0);
    CHECK_EQ(rd(&r, TN_CMP(2), 8), 1000); /* one-shot: unchanged */
    step_to_tick(t0, 0, 100000);
    CHECK_EQ(r.gsi[20].raises, 1);
    /* A comparator already passed does not fire (no wrap in 64 bits). */
    wr(&r, TN_CMP(2), 8, 50000);
    step_to_tick(t0, 0, 200000);
    CHECK_EQ(r.gsi[20].raises, 1);
    /* A new comparator ahead fires once; written by halves too. */
    wr(&r, TN_CMP(2) + 4, 4, 0);
    wr(&r, TN_CMP(2), 4, 200500);
    step_to_tick(t0, 0, 200499);
    CHECK_EQ(r.gsi[20].raises, 1);
    step_to_tick(t0, 0, 200500);
    CHECK_EQ(r.gsi[20].raises, 2);
    /* Interrupts disabled: no pulse. */
    wr(&r, TN_CONF(2), 4, T_ROUTE(20));
    wr(&r, TN_CMP(2), 8, 201000);
    step_to_tick(t0, 0, 202000);
    CHECK_EQ(r.gsi[20].raises, 2);
    for (int i = 0; i < 24; i++) {
        if (i != 20) {
            CHECK_EQ(r.gsi[i].changes, 0);
        }
    }
    rig_cleanup(&r);
}

static void test_oneshot_32_wrap(void)
{
    Rig r;
    if (!rig_init(&r)) {
        return;
    }
    /* 32-bit mode: the comparator is 32 bits, the upper half reads 0. */
    wr(&r, TN_CONF(0), 4, T_INT_ENB | T_32MODE | T_ROUTE(21));
    CHECK_EQ(rd(&r, TN_CMP(0), 8), 0xffffffffull);
    wr(&r, TN_CMP(0), 8, 0x500000100ull);
    CHECK_EQ(rd(&r, TN_CMP(0), 8), 0x100);
    wr(&r, MAIN_CNT, 8, 0x7ffffff00ull);
    int64_t t0 = now_ns();
    wr(&r, GEN_CONF, 4, ENABLE);
    /* The low 32 bits wrap at 0x800000000: an interrupt (spec)... */
    step_to_tick(t0, 0x7ffffff00ull, 0x7ffffffffull);
    CHECK_EQ(r.gsi[21].raises, 0);
    step_to_tick(t0, 0x7ffffff00ull, 0x800000000ull);
    CHECK_EQ(r.gsi[21].raises, 1);
    /* ...and the match on the low 32 bits. */
    step_to_tick(t0, 0x7ffffff00ull, 0x8000000ffull);
    CHECK_EQ(r.gsi[21].raises, 1);
    step_to_tick(t0, 0x7ffffff00ull, 0x800000100ull);
    CHECK_EQ(r.gsi[21].raises, 2);
    /* Back to 64-bit mode: the comparator is 0x100, long passed. */
    wr(&r, TN_CONF(0), 4, T_INT_ENB | T_ROUTE(21));
    step_to_tick(t0, 0x7ffffff00ull, 0x800100000ull);
    CHECK_EQ(r.gsi[21].raises, 2);
    rig_cleanup(&r);
}

static void test_periodic_64_level(void)
{
    Rig r;
    if (!rig_init(&r)) {
        return;
    }
    /* As Linux sets up a periodic timer: VAL_SET, start, then period. */
    wr(&r, TN_CONF(2), 4,
       T_PERIODIC | T_VAL_SET | T_LEVEL | T_INT_ENB | T_ROUTE(22));
    wr(&r, TN_CMP(2), 8, 500);
    CHECK_EQ(rd(&r, TN_CONF(2), 4) & T_VAL_SET, 0); /* cleared by the write */
    wr(&r, TN_CMP(2), 8, 4000);
    CHECK_EQ(rd(&r, TN_CMP(2), 8), 500); /* only the period changed */
    int64_t t0 = now_ns();
    wr(&r, GEN_CONF, 4, ENABLE);
    step_to_tick(t0, 0, 499);
    CHECK_EQ(r.gsi[22].level, 0);
    step_to_tick(t0, 0, 500);
    CHECK_EQ(r.gsi[22].level, 1);
    CHECK_EQ(rd(&r, GINTR_STA, 8), 0x4);
    CHECK_EQ(rd(&r, TN_CMP(2), 8), 4500);
    /* Level: stays high until the status bit is written with 1. */
    step_to_tick(t0, 0, 4499);
    CHECK_EQ(r.gsi[22].raises, 1);
    wr(&r, GINTR_STA, 4, 0x3); /* other bits: no effect */
    CHECK_EQ(r.gsi[22].level, 1);
    wr(&r, GINTR_STA, 4, 0x4);
    CHECK_EQ(r.gsi[22].level, 0);
    CHECK_EQ(rd(&r, GINTR_STA, 8), 0);
    step_to_tick(t0, 0, 4500);
    CHECK_EQ(r.gsi[22].raises, 2);
    CHECK_EQ(rd(&r, TN_CMP(2), 8), 8500);
    wr(&r, GINTR_STA, 8, 0x4);
    /* A late timer (host stall): one interrupt, comparator moved past
     * the counter by whole periods. */
    clock_jump_ns(10 * 40000 + 50);
    CHECK_EQ(r.gsi[22].raises, 3);
    uint64_t cnt = rd(&r, MAIN_CNT, 8);
    uint64_t cmp = rd(&r, TN_CMP(2), 8);
    CHECK(cmp > cnt && cmp <= cnt + 4000);
    CHECK_EQ((cmp - 500) % 4000, 0);
    /* Halting drops the line, the status stays; enabling raises it. */
    CHECK_EQ(r.gsi[22].level, 1);
    wr(&r, GEN_CONF, 4, 0);
    CHECK_EQ(r.gsi[22].level, 0);
    CHECK_EQ(rd(&r, GINTR_STA, 8), 0x4);
    wr(&r, GEN_CONF, 4, ENABLE);
    CHECK_EQ(r.gsi[22].level, 1);
    /* With Tn_INT_ENB clear the status is still set, the line is not. */
    wr(&r, TN_CONF(2), 4, T_PERIODIC | T_LEVEL | T_ROUTE(22));
    CHECK_EQ(r.gsi[22].level, 0);
    wr(&r, GINTR_STA, 8, 0x4);
    clock_step_ns(40000);
    CHECK_EQ(rd(&r, GINTR_STA, 8), 0x4);
    CHECK_EQ(r.gsi[22].level, 0);
    wr(&r, TN_CONF(2), 4, T_PERIODIC | T_LEVEL | T_INT_ENB | T_ROUTE(22));
    CHECK_EQ(r.gsi[22].level, 1);
    /* Switching to edge drops the status and the line. */
    wr(&r, TN_CONF(2), 4, T_PERIODIC | T_INT_ENB | T_ROUTE(22));
    CHECK_EQ(rd(&r, GINTR_STA, 8), 0);
    CHECK_EQ(r.gsi[22].level, 0);
    rig_cleanup(&r);
}

static void test_periodic_32_wrap(void)
{
    Rig r;
    if (!rig_init(&r)) {
        return;
    }
    wr(&r, MAIN_CNT, 8, 0x3fffffe00ull);
    wr(&r, TN_CONF(1), 4,
       T_PERIODIC | T_VAL_SET | T_32MODE | T_INT_ENB | T_ROUTE(23));
    wr(&r, TN_CMP(1), 4, 0xffffff00);
    wr(&r, TN_CMP(1), 4, 0x1000);
    int64_t t0 = now_ns();
    wr(&r, GEN_CONF, 4, ENABLE);
    step_to_tick(t0, 0x3fffffe00ull, 0x3ffffff00ull);
    CHECK_EQ(r.gsi[23].raises, 1);
    /* The comparator wraps with the low half of the counter. */
    CHECK_EQ(rd(&r, TN_CMP(1), 8), 0xf00);
    step_to_tick(t0, 0x3fffffe00ull, 0x400000eff);
    CHECK_EQ(r.gsi[23].raises, 1);
    step_to_tick(t0, 0x3fffffe00ull, 0x400000f00ull);
    CHECK_EQ(r.gsi[23].raises, 2);
    CHECK_EQ(rd(&r, TN_CMP(1), 8), 0x1f00);
    /* A periodic 32-bit timer has no extra interrupt at the wrap. */
    step_to_tick(t0, 0x3fffffe00ull, 0x400001f00ull);
    CHECK_EQ(r.gsi[23].raises, 3);
    /* 100 periods later: 100 more interrupts. */
    step_to_tick(t0, 0x3fffffe00ull, 0x400001f00ull + 100 * 0x1000);
    CHECK_EQ(r.gsi[23].raises, 103);
    CHECK_EQ(rd(&r, TN_CMP(1), 8), 0x2f00 + 100 * 0x1000);
    rig_cleanup(&r);
}

/* A period under 10 us: one interrupt per 10 us, the comparator exact. */
static void test_periodic_fast(void)
{
    Rig r;
    if (!rig_init(&r)) {
        return;
    }
    wr(&r, TN_CONF(0), 4, T_PERIODIC | T_VAL_SET | T_INT_ENB | T_ROUTE(20));
    wr(&r, TN_CMP(0), 8, 1000);
    wr(&r, TN_CMP(0), 8, 100);
    int64_t t0 = now_ns();
    wr(&r, GEN_CONF, 4, ENABLE);
    step_to_tick(t0, 0, 1000);
    CHECK_EQ(r.gsi[20].raises, 1);
    CHECK_EQ(rd(&r, TN_CMP(0), 8), 1100);
    step_to_tick(t0, 0, 1099);
    CHECK_EQ(rd(&r, TN_CMP(0), 8), 1100);
    step_to_tick(t0, 0, 1100);
    CHECK_EQ(rd(&r, TN_CMP(0), 8), 1200);
    step_to_tick(t0, 0, 1999);
    CHECK_EQ(r.gsi[20].raises, 1);
    CHECK_EQ(rd(&r, TN_CMP(0), 8), 2000);
    step_to_tick(t0, 0, 2000);
    CHECK_EQ(r.gsi[20].raises, 2);
    CHECK_EQ(rd(&r, TN_CMP(0), 8), 2100);
    step_to_tick(t0, 0, 101000);
    CHECK_EQ(r.gsi[20].raises, 101);
    CHECK_EQ(rd(&r, TN_CMP(0), 8), 101100);
    rig_cleanup(&r);
}

static void test_legacy_replacement(void)
{
    Rig r;
    if (!rig_init(&r)) {
        return;
    }
    wr(&r, TN_CONF(0), 4, T_INT_ENB | T_ROUTE(20));
    wr(&r, TN_CONF(1), 4, T_INT_ENB | T_ROUTE(21));
    wr(&r, TN_CMP(0), 8, 100);
    wr(&r, TN_CMP(1), 8, 200);
    int64_t t0 = now_ns();
    wr(&r, GEN_CONF, 4, ENABLE | LEG_RT);
    CHECK_EQ(r.pit_en.level, 0);
    CHECK_EQ(r.rtc_en.level, 0);
    step_to_tick(t0, 0, 100);
    CHECK_EQ(r.gsi[2].raises, 1);
    CHECK_EQ(r.gsi[20].raises, 0);
    step_to_tick(t0, 0, 200);
    CHECK_EQ(r.gsi[8].raises, 1);
    CHECK_EQ(r.gsi[21].raises, 0);
    /* Level mode on the legacy lines: held, then released at clear. */
    wr(&r, TN_CONF(0), 4, T_LEVEL | T_INT_ENB | T_ROUTE(20));
    wr(&r, TN_CMP(0), 8, 300);
    step_to_tick(t0, 0, 300);
    CHECK_EQ(r.gsi[2].level, 1);
    /* Leaving legacy mode moves the held level to the timer's route. */
    wr(&r, GEN_CONF, 4, ENABLE);
    CHECK_EQ(r.pit_en.level, 1);
    CHECK_EQ(r.rtc_en.level, 1);
    CHECK_EQ(r.gsi[2].level, 0);
    CHECK_EQ(r.gsi[20].level, 1);
    wr(&r, GINTR_STA, 4, 1);
    CHECK_EQ(r.gsi[20].level, 0);
    wr(&r, TN_CONF(1), 4, T_INT_ENB | T_ROUTE(21));
    wr(&r, TN_CMP(1), 8, 400);
    step_to_tick(t0, 0, 400);
    CHECK_EQ(r.gsi[21].raises, 1);
    CHECK_EQ(r.gsi[8].raises, 1);
    /* A route outside Tn_INT_ROUTE_CAP does not stick. */
    wr(&r, TN_CONF(2), 4, T_INT_ENB | T_ROUTE(5));
    CHECK_EQ(rd(&r, TN_CONF(2), 4), 0x30 | T_INT_ENB);
    wr(&r, TN_CONF(2), 4, T_INT_ENB | T_ROUTE(8));
    CHECK_EQ(rd(&r, TN_CONF(2), 4), 0x30 | T_INT_ENB | T_ROUTE(8));
    /* Reset: legacy off, everything lowered, the counter at 0. */
    wr(&r, GEN_CONF, 4, ENABLE | LEG_RT);
    CHECK_EQ(r.pit_en.level, 0);
    device_reset((DeviceState *)r.hpet);
    CHECK_EQ(r.pit_en.level, 1);
    CHECK_EQ(r.rtc_en.level, 1);
    CHECK_EQ(rd(&r, GEN_CONF, 8), 0);
    CHECK_EQ(rd(&r, MAIN_CNT, 8), 0);
    CHECK_EQ(rd(&r, TN_CONF(0), 8), ((uint64_t)ROUTE_CAP << 32) | 0x30);
    for (int i = 0; i < 24; i++) {
        CHECK_EQ(r.gsi[i].level, 0);
    }
    rig_cleanup(&r);
}

static void test_state(void)
{
    Rig r;
    if (!rig_init(&r)) {
        return;
    }
    DeviceState *dev = (DeviceState *)r.hpet;
    const VMStateDescription *vmsd = dev->cls->vmsd;
    uint8_t buf[512];

    wr(&r, TN_CONF(2), 4,
       T_PERIODIC | T_VAL_SET | T_LEVEL | T_INT_ENB | T_ROUTE(22));
    wr(&r, TN_CMP(2), 8, 1000);
    int64_t t0 = now_ns();
    wr(&r, GEN_CONF, 4, ENABLE);
    step_to_tick(t0, 0, 1500);
    CHECK_EQ(r.gsi[22].level, 1);
    size_t len = vmstate_save(vmsd, dev, buf, sizeof(buf));
    CHECK(len > 0 && len <= sizeof(buf));
    device_reset(dev);
    CHECK_EQ(r.gsi[22].level, 0);
    clock_step_ns(10 * 100);
    /* Loaded: the counter is where virtual time puts it, the line is
     * driven again and the next period arrives on time. */
    CHECK_EQ(vmstate_load(vmsd, dev, buf, len), 0);
    CHECK_EQ(rd(&r, MAIN_CNT, 8), 1600);
    CHECK_EQ(r.gsi[22].level, 1);
    wr(&r, GINTR_STA, 4, 4);
    step_to_tick(t0, 0, 1999);
    CHECK_EQ(r.gsi[22].level, 0);
    step_to_tick(t0, 0, 2000);
    CHECK_EQ(r.gsi[22].level, 1);
    rig_cleanup(&r);
}

static void test_bad_init(void)
{
    TestBus tb;
    Error *err = NULL;

    test_bus_init(&tb);
    HPETState *s = hpet_init(&tb.mem_root, BASE + 0x100, NULL, &err);
    CHECK(s == NULL);
    CHECK(err != NULL && strstr(error_get_pretty(err), "aligned"));
    error_free(err);
    err = NULL;
    /* No wiring at all: it runs, raising nothing. */
    s = hpet_init(&tb.mem_root, BASE, NULL, &err);
    CHECK(s != NULL);
    if (s) {
        as_out(&tb.mem_as, BASE + TN_CONF(0), 4, T_INT_ENB);
        as_out(&tb.mem_as, BASE + TN_CMP(0), 4, 10);
        as_out(&tb.mem_as, BASE + GEN_CONF, 4, ENABLE | LEG_RT);
        clock_step_ns(1000);
        CHECK_EQ(as_in(&tb.mem_as, BASE + TN_CONF(0) + 4, 4), 0);
        hpet_free(s);
    }
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), -1);
    test_bus_cleanup(&tb);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_capabilities);
    TEST_RUN(test_counter);
    TEST_RUN(test_oneshot_64);
    TEST_RUN(test_oneshot_32_wrap);
    TEST_RUN(test_periodic_64_level);
    TEST_RUN(test_periodic_32_wrap);
    TEST_RUN(test_periodic_fast);
    TEST_RUN(test_legacy_replacement);
    TEST_RUN(test_state);
    TEST_RUN(test_bad_init);
    return test_finish();
}
