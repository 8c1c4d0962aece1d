/*
 * Device tests for the 8254 PIT (hw/timer/i8254.c) and port 0x61
 * (hw/misc/pcspk.c): OUT waveforms and IRQ0 edges against stepped virtual
 * time, counter reads (live, latched, read-back), BCD, GATE effects, the
 * TSC calibration loops of SeaBIOS and Linux, and a timer that runs late
 * (a host stall) coalescing the edges it missed.
 */
#include "tests/unit/harness.h"
#include "hw/intc/i8259.h"
#include "hw/misc/pcspk.h"
#include "hw/timer/i8254.h"

/* When the PIT clock has made k ticks since t: the first such ns. */
static int64_t tick_ns(int64_t k)
{
    return (k * NANOSECONDS_PER_SECOND + PIT_FREQ - 1) / PIT_FREQ;
}

static int64_t now_ns(void)
{
    return clock_get_ns(CLOCK_VIRTUAL);
}

static void step_to(int64_t t)
{
    int64_t n = now_ns();
    if (t > n) {
        clock_step_ns(t - n);
    }
}

typedef struct PitRig {
    TestBus tb;
    PITState *pit;
    PCSpkState *spk;
} PitRig;

static bool rig_init(PitRig *r)
{
    Error *err = NULL;

    test_bus_init(&r->tb);
    DeviceState *d = test_device(&r->tb, "isa-pit", "iobase=0x40");
    if (!d) {
        test_bus_cleanup(&r->tb);
        return false;
    }
    r->pit = (PITState *)d;
    r->spk = pcspk_init(&r->tb.isa, r->pit, &err);
    if (!r->spk) {
        test_fail(__FILE__, __LINE__, "pcspk_init: %s",
                  error_get_pretty(err));
        error_free(err);
        test_bus_cleanup(&r->tb);
        return false;
    }
    return true;
}

static void write_count(PitRig *r, int ch, uint16_t v)
{
    outb(&r->tb, 0x40 + ch, v & 0xff);
    outb(&r->tb, 0x40 + ch, v >> 8);
}

/* The counter latch command and two reads, as Linux's pit_read() does. */
static uint16_t latch_read(PitRig *r, int ch)
{
    outb(&r->tb, 0x43, ch << 6);
    uint16_t lo = inb(&r->tb, 0x40 + ch);
    return lo | (inb(&r->tb, 0x40 + ch) << 8);
}

/* LSB then MSB from a counter port (in that order: two statements). */
static uint16_t read16(PitRig *r, uint16_t port)
{
    uint16_t lo = inb(&r->tb, port);
    return lo | (inb(&r->tb, port) << 8);
}

static IRQProbe *irq0(PitRig *r)
{
    return &r->tb.irq[0];
}

/* Mode 2 on counter 0, as Linux's periodic PIT clockevent sets it up. */
static void test_mode2_rate_generator(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    const int n = 11932; /* LATCH for HZ=100 */
    outb(&r.tb, 0x43, 0x34);
    write_count(&r, 0, n);
    int64_t t0 = now_ns();
    int raises = irq0(&r)->raises;
    CHECK_EQ(irq0(&r)->level, 1);

    /* The CE counts n, n-1, ..., 1 and reloads. */
    step_to(t0 + tick_ns(100));
    CHECK_EQ(latch_read(&r, 0), n - 100);
    step_to(t0 + tick_ns(n - 1) - 1);
    CHECK_EQ(irq0(&r)->level, 1);
    CHECK_EQ(latch_read(&r, 0), 2);
    /* OUT is low for the one clock the CE holds 1... */
    step_to(t0 + tick_ns(n - 1));
    CHECK_EQ(irq0(&r)->level, 0);
    CHECK_EQ(latch_read(&r, 0), 1);
    step_to(t0 + tick_ns(n) - 1);
    CHECK_EQ(irq0(&r)->level, 0);
    /* ...and rises at the reload: that edge is IRQ0. */
    step_to(t0 + tick_ns(n));
    CHECK_EQ(irq0(&r)->level, 1);
    CHECK_EQ(irq0(&r)->raises, raises + 1);
    CHECK_EQ(latch_read(&r, 0), n);

    /* 100 Hz over one second of virtual time, edges exactly on ticks. */
    step_to(t0 + tick_ns((int64_t)n * 100) - 1);
    CHECK_EQ(irq0(&r)->raises, raises + 99);
    step_to(t0 + tick_ns((int64_t)n * 100));
    CHECK_EQ(irq0(&r)->raises, raises + 100);
    test_bus_cleanup(&r.tb);
}

static void test_mode3_square_wave(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    /* Even count: high n/2, low n/2, the CE steps by two. */
    outb(&r.tb, 0x43, 0x36);
    write_count(&r, 0, 1000);
    int64_t t0 = now_ns();
    int raises = irq0(&r)->raises;
    CHECK_EQ(irq0(&r)->level, 1);
    step_to(t0 + tick_ns(10));
    CHECK_EQ(latch_read(&r, 0), 980);
    step_to(t0 + tick_ns(500) - 1);
    CHECK_EQ(irq0(&r)->level, 1);
    step_to(t0 + tick_ns(500));
    CHECK_EQ(irq0(&r)->level, 0);
    CHECK_EQ(latch_read(&r, 0), 1000);
    step_to(t0 + tick_ns(510));
    CHECK_EQ(latch_read(&r, 0), 980);
    step_to(t0 + tick_ns(1000) - 1);
    CHECK_EQ(irq0(&r)->level, 0);
    step_to(t0 + tick_ns(1000));
    CHECK_EQ(irq0(&r)->level, 1);
    CHECK_EQ(irq0(&r)->raises, raises + 1);
    step_to(t0 + tick_ns(10000));
    CHECK_EQ(irq0(&r)->raises, raises + 10);

    /* Odd count 5: high 3 clocks, low 2; CE 5 4 2 | 5 2. */
    static const uint16_t seq[] = { 5, 4, 2, 5, 2, 5, 4 };
    static const int outs[] = { 1, 1, 1, 0, 0, 1, 1 };
    outb(&r.tb, 0x43, 0x36);
    write_count(&r, 0, 5);
    t0 = now_ns();
    for (int k = 0; k < 7; k++) {
        step_to(t0 + tick_ns(k));
        CHECK_EQ(latch_read(&r, 0), seq[k]);
        CHECK_EQ(irq0(&r)->level, outs[k]);
        CHECK_EQ(pit_get_out(r.pit, 0), outs[k]);
    }
    test_bus_cleanup(&r.tb);
}

static void test_mode0_interrupt_on_terminal_count(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    /* Linux's one-shot clockevent: control word 0x30, then the count. */
    outb(&r.tb, 0x43, 0x30);
    CHECK_EQ(irq0(&r)->level, 0); /* the control word sets OUT low */
    int raises = irq0(&r)->raises;
    write_count(&r, 0, 100);
    int64_t t0 = now_ns();
    step_to(t0 + tick_ns(100) - 1);
    CHECK_EQ(irq0(&r)->level, 0);
    CHECK_EQ(latch_read(&r, 0), 1);
    step_to(t0 + tick_ns(100));
    CHECK_EQ(irq0(&r)->level, 1);
    CHECK_EQ(irq0(&r)->raises, raises + 1);
    /* The CE wraps and keeps counting; OUT stays high. */
    step_to(t0 + tick_ns(150));
    CHECK_EQ(latch_read(&r, 0), 0xffce);
    step_to(t0 + tick_ns(100 + 65536 + 10));
    CHECK_EQ(irq0(&r)->level, 1);
    CHECK_EQ(irq0(&r)->raises, raises + 1);

    /* A new count re-arms; its first byte already drops OUT and stops. */
    outb(&r.tb, 0x40, 50);
    CHECK_EQ(irq0(&r)->level, 0);
    uint16_t held = latch_read(&r, 0);
    step_to(now_ns() + tick_ns(1000));
    CHECK_EQ(latch_read(&r, 0), held);
    outb(&r.tb, 0x40, 0);
    t0 = now_ns();
    step_to(t0 + tick_ns(50) - 1);
    CHECK_EQ(irq0(&r)->level, 0);
    step_to(t0 + tick_ns(50));
    CHECK_EQ(irq0(&r)->level, 1);
    CHECK_EQ(irq0(&r)->raises, raises + 2);

    /* Count 0 is 65536. */
    outb(&r.tb, 0x43, 0x30);
    write_count(&r, 0, 0);
    t0 = now_ns();
    step_to(t0 + tick_ns(65535));
    CHECK_EQ(irq0(&r)->level, 0);
    step_to(t0 + tick_ns(65536));
    CHECK_EQ(irq0(&r)->level, 1);
    test_bus_cleanup(&r.tb);
}

static void test_mode4_software_strobe(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    outb(&r.tb, 0x43, 0x38);
    CHECK_EQ(irq0(&r)->level, 1);
    int raises = irq0(&r)->raises;
    write_count(&r, 0, 20);
    int64_t t0 = now_ns();
    step_to(t0 + tick_ns(20) - 1);
    CHECK_EQ(irq0(&r)->level, 1);
    step_to(t0 + tick_ns(20));
    CHECK_EQ(irq0(&r)->level, 0);
    CHECK_EQ(latch_read(&r, 0), 0);
    step_to(t0 + tick_ns(21));
    CHECK_EQ(irq0(&r)->level, 1);
    CHECK_EQ(irq0(&r)->raises, raises + 1);
    /* One strobe only, though the CE wraps. */
    step_to(t0 + tick_ns(20 + 65536 + 5));
    CHECK_EQ(irq0(&r)->raises, raises + 1);
    test_bus_cleanup(&r.tb);
}

/* Mode 1 on counter 2, triggered through port 0x61 bit 0. */
static void test_mode1_gate_one_shot(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    outb(&r.tb, 0x61, 0x00);
    outb(&r.tb, 0x43, 0xb2);
    write_count(&r, 2, 50);
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    /* Nothing happens without a trigger. */
    step_to(now_ns() + tick_ns(200));
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    outb(&r.tb, 0x61, 0x01);
    int64_t t0 = now_ns();
    CHECK_EQ(pit_get_out(r.pit, 2), 0);
    CHECK_EQ(inb(&r.tb, 0x61) & 0x21, 0x01);
    step_to(t0 + tick_ns(20));
    CHECK_EQ(latch_read(&r, 2), 30);
    /* Retrigger: starts over with the count register. */
    outb(&r.tb, 0x61, 0x00);
    outb(&r.tb, 0x61, 0x01);
    t0 = now_ns();
    step_to(t0 + tick_ns(49));
    CHECK_EQ(pit_get_out(r.pit, 2), 0);
    step_to(t0 + tick_ns(50));
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    CHECK_EQ(inb(&r.tb, 0x61) & 0x20, 0x20);
    /* GATE low does not stop a mode 1 count. */
    outb(&r.tb, 0x61, 0x00);
    outb(&r.tb, 0x61, 0x01);
    t0 = now_ns();
    outb(&r.tb, 0x61, 0x00);
    step_to(t0 + tick_ns(25));
    CHECK_EQ(pit_get_out(r.pit, 2), 0);
    CHECK_EQ(latch_read(&r, 2), 25);
    step_to(t0 + tick_ns(50));
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    /* A new count waits for the next trigger. */
    write_count(&r, 2, 10);
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    outb(&r.tb, 0x61, 0x01);
    t0 = now_ns();
    CHECK_EQ(pit_get_out(r.pit, 2), 0);
    step_to(t0 + tick_ns(9));
    CHECK_EQ(pit_get_out(r.pit, 2), 0);
    step_to(t0 + tick_ns(10));
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    test_bus_cleanup(&r.tb);
}

static void test_mode5_gate_strobe(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    outb(&r.tb, 0x43, 0xba);
    write_count(&r, 2, 30);
    step_to(now_ns() + tick_ns(100));
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    pit_set_gate(r.pit, 2, 1);
    CHECK_EQ(pit_get_gate(r.pit, 2), 1);
    int64_t t0 = now_ns();
    step_to(t0 + tick_ns(29));
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    step_to(t0 + tick_ns(30));
    CHECK_EQ(pit_get_out(r.pit, 2), 0);
    step_to(t0 + tick_ns(31));
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    test_bus_cleanup(&r.tb);
}

static void test_gate_suspends_and_reloads(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    /* Mode 0: GATE low holds the CE, high resumes from there. */
    outb(&r.tb, 0x61, 0x01);
    outb(&r.tb, 0x43, 0xb0);
    write_count(&r, 2, 100);
    int64_t t0 = now_ns();
    step_to(t0 + tick_ns(40));
    outb(&r.tb, 0x61, 0x00);
    step_to(now_ns() + tick_ns(1000));
    CHECK_EQ(latch_read(&r, 2), 60);
    CHECK_EQ(pit_get_out(r.pit, 2), 0);
    outb(&r.tb, 0x61, 0x01);
    t0 = now_ns();
    step_to(t0 + tick_ns(59));
    CHECK_EQ(pit_get_out(r.pit, 2), 0);
    step_to(t0 + tick_ns(60));
    CHECK_EQ(pit_get_out(r.pit, 2), 1);

    /* Mode 0 count written while GATE is low waits for GATE. */
    outb(&r.tb, 0x61, 0x00);
    outb(&r.tb, 0x43, 0xb0);
    write_count(&r, 2, 10);
    step_to(now_ns() + tick_ns(100));
    CHECK_EQ(latch_read(&r, 2), 10);
    CHECK_EQ(pit_get_out(r.pit, 2), 0);

    /* Mode 2: GATE low forces OUT high; rising reloads the count. */
    outb(&r.tb, 0x61, 0x01);
    outb(&r.tb, 0x43, 0xb4);
    write_count(&r, 2, 10);
    t0 = now_ns();
    step_to(t0 + tick_ns(9));
    CHECK_EQ(pit_get_out(r.pit, 2), 0);
    outb(&r.tb, 0x61, 0x00);
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    step_to(now_ns() + tick_ns(3));
    CHECK_EQ(latch_read(&r, 2), 1);
    outb(&r.tb, 0x61, 0x01);
    t0 = now_ns();
    CHECK_EQ(latch_read(&r, 2), 10);
    step_to(t0 + tick_ns(4));
    CHECK_EQ(latch_read(&r, 2), 6);

    /* Mode 3: the same. */
    outb(&r.tb, 0x43, 0xb6);
    write_count(&r, 2, 10);
    t0 = now_ns();
    step_to(t0 + tick_ns(6));
    CHECK_EQ(pit_get_out(r.pit, 2), 0);
    outb(&r.tb, 0x61, 0x00);
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    outb(&r.tb, 0x61, 0x01);
    t0 = now_ns();
    step_to(t0 + tick_ns(4));
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    CHECK_EQ(latch_read(&r, 2), 2);
    step_to(t0 + tick_ns(5));
    CHECK_EQ(pit_get_out(r.pit, 2), 0);

    /* Mode 4: GATE low holds the count, like mode 0. */
    outb(&r.tb, 0x43, 0xb8);
    write_count(&r, 2, 10);
    t0 = now_ns();
    step_to(t0 + tick_ns(3));
    outb(&r.tb, 0x61, 0x00);
    step_to(now_ns() + tick_ns(100));
    CHECK_EQ(latch_read(&r, 2), 7);
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    outb(&r.tb, 0x61, 0x01);
    t0 = now_ns();
    step_to(t0 + tick_ns(7));
    CHECK_EQ(pit_get_out(r.pit, 2), 0);
    step_to(t0 + tick_ns(8));
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    test_bus_cleanup(&r.tb);
}

static void test_latch_and_readback(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    outb(&r.tb, 0x43, 0x34);
    write_count(&r, 0, 1000);
    int64_t t0 = now_ns();
    step_to(t0 + tick_ns(10));
    /* The latch holds while time goes on; a second latch is ignored. */
    outb(&r.tb, 0x43, 0x00);
    step_to(t0 + tick_ns(20));
    outb(&r.tb, 0x43, 0x00);
    CHECK_EQ(inb(&r.tb, 0x40), 990 & 0xff);
    step_to(t0 + tick_ns(30));
    CHECK_EQ(inb(&r.tb, 0x40), 990 >> 8);
    /* Released: a new latch takes the current count. */
    CHECK_EQ(latch_read(&r, 0), 970);

    /* Read-back of status and count of counter 0: status first. */
    outb(&r.tb, 0x43, 0xc2);
    CHECK_EQ(inb(&r.tb, 0x40), 0x80 | 0x34);
    CHECK_EQ(inb(&r.tb, 0x40), 970 & 0xff);
    CHECK_EQ(inb(&r.tb, 0x40), 970 >> 8);

    /* NULL COUNT between a control word and its count. */
    outb(&r.tb, 0x43, 0x30);
    outb(&r.tb, 0x43, 0xe2);
    CHECK_EQ(inb(&r.tb, 0x40), 0x40 | 0x30);
    write_count(&r, 0, 500);
    outb(&r.tb, 0x43, 0xe2);
    CHECK_EQ(inb(&r.tb, 0x40), 0x30);

    /* Several counters at once: count only (0xd0 | CNT2..0). */
    outb(&r.tb, 0x43, 0x74); /* counter 1, mode 2 */
    write_count(&r, 1, 300);
    outb(&r.tb, 0x43, 0xb4);
    write_count(&r, 2, 400);
    outb(&r.tb, 0x61, 0x01);
    t0 = now_ns();
    step_to(t0 + tick_ns(7));
    outb(&r.tb, 0x43, 0xd0 | 0x0e);
    step_to(t0 + tick_ns(50));
    CHECK_EQ(read16(&r, 0x41), 293);
    CHECK_EQ(read16(&r, 0x42), 400 - 7);
    CHECK_EQ(read16(&r, 0x40), 500 - 7);
    /* SeaBIOS's timer read: read-back, count only, counter 0 (0xd2). */
    outb(&r.tb, 0x43, 0xd2);
    step_to(t0 + tick_ns(60));
    CHECK_EQ(read16(&r, 0x40), 500 - 50);
    /* Status only of counter 2 (0xe0 | CNT2): OUT high, mode 2. */
    outb(&r.tb, 0x43, 0xe8);
    CHECK_EQ(inb(&r.tb, 0x42), 0x80 | 0x34);
    /* The control register reads as nothing. */
    CHECK_EQ(inb(&r.tb, 0x43), 0xff);
    test_bus_cleanup(&r.tb);
}

static void test_access_modes(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    /* LSB only. */
    outb(&r.tb, 0x43, 0x50); /* counter 1, LSB, mode 0 */
    outb(&r.tb, 0x41, 0x80);
    int64_t t0 = now_ns();
    step_to(t0 + tick_ns(0x10));
    CHECK_EQ(inb(&r.tb, 0x41), 0x70);
    CHECK_EQ(inb(&r.tb, 0x41), 0x70);
    /* MSB only. */
    outb(&r.tb, 0x43, 0x60); /* counter 1, MSB, mode 0 */
    outb(&r.tb, 0x41, 0x02);
    t0 = now_ns();
    step_to(t0 + tick_ns(0xff));
    outb(&r.tb, 0x43, 0x40);
    step_to(t0 + tick_ns(0x101));
    CHECK_EQ(inb(&r.tb, 0x41), 0x01); /* latched MSB of 0x0101 */
    CHECK_EQ(inb(&r.tb, 0x41), 0x00); /* live again: 0x00ff */
    /* Live LSB/MSB reads alternate (Linux's quick_pit_calibrate). */
    outb(&r.tb, 0x43, 0x70);
    write_count(&r, 1, 0xffff);
    t0 = now_ns();
    step_to(t0 + tick_ns(0x0123));
    CHECK_EQ(inb(&r.tb, 0x41), 0xdc);
    CHECK_EQ(inb(&r.tb, 0x41), 0xfe);
    step_to(t0 + tick_ns(0x1000));
    CHECK_EQ(inb(&r.tb, 0x41), 0xff);
    CHECK_EQ(inb(&r.tb, 0x41), 0xef);
    /* Reads and writes keep separate byte flip-flops. */
    CHECK_EQ(inb(&r.tb, 0x41), 0xff);
    outb(&r.tb, 0x41, 0x34);
    CHECK_EQ(inb(&r.tb, 0x41), 0xef);
    outb(&r.tb, 0x41, 0x12);
    t0 = now_ns();
    step_to(t0 + tick_ns(4));
    CHECK_EQ(latch_read(&r, 1), 0x1230);
    test_bus_cleanup(&r.tb);
}

static void test_bcd(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    outb(&r.tb, 0x43, 0x75); /* counter 1, LSB/MSB, mode 2, BCD */
    write_count(&r, 1, 0x1000);
    int64_t t0 = now_ns();
    step_to(t0 + tick_ns(1));
    CHECK_EQ(latch_read(&r, 1), 0x0999);
    step_to(t0 + tick_ns(999));
    CHECK_EQ(latch_read(&r, 1), 0x0001);
    step_to(t0 + tick_ns(1000));
    CHECK_EQ(latch_read(&r, 1), 0x1000);
    /* Count 0 is 10000 in BCD; mode 0 wraps through 9999. */
    outb(&r.tb, 0x43, 0x71); /* mode 0, BCD */
    write_count(&r, 1, 0x0000);
    t0 = now_ns();
    step_to(t0 + tick_ns(1));
    CHECK_EQ(latch_read(&r, 1), 0x9999);
    step_to(t0 + tick_ns(10000 + 3));
    CHECK_EQ(latch_read(&r, 1), 0x9997);
    outb(&r.tb, 0x43, 0xe4);
    CHECK_EQ(inb(&r.tb, 0x41), 0x80 | 0x31);
    /* Mode 3 in BCD: 25 decimal, odd. */
    outb(&r.tb, 0x43, 0x77);
    write_count(&r, 1, 0x0025);
    t0 = now_ns();
    step_to(t0 + tick_ns(2));
    CHECK_EQ(latch_read(&r, 1), 0x0022);
    test_bus_cleanup(&r.tb);
}

/* A count written in mode 2/3 while counting starts at the period end. */
static void test_new_count_at_period_end(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    outb(&r.tb, 0x43, 0x34);
    write_count(&r, 0, 100);
    int64_t t0 = now_ns();
    int raises = irq0(&r)->raises;
    step_to(t0 + tick_ns(30));
    write_count(&r, 0, 50);
    outb(&r.tb, 0x43, 0xc2);
    CHECK_EQ(inb(&r.tb, 0x40) & 0x40, 0x40); /* NULL COUNT until loaded */
    CHECK_EQ(read16(&r, 0x40), 70);
    step_to(t0 + tick_ns(100) - 1);
    CHECK_EQ(irq0(&r)->raises, raises);
    step_to(t0 + tick_ns(100));
    CHECK_EQ(irq0(&r)->raises, raises + 1);
    CHECK_EQ(latch_read(&r, 0), 50);
    outb(&r.tb, 0x43, 0xe2);
    CHECK_EQ(inb(&r.tb, 0x40) & 0x40, 0x00);
    /* (mid-tick checks: the new period starts on a rounded ns) */
    step_to(t0 + tick_ns(148) + 419);
    CHECK_EQ(irq0(&r)->level, 1);
    step_to(t0 + tick_ns(149) + 419);
    CHECK_EQ(irq0(&r)->level, 0);
    step_to(t0 + tick_ns(150) + 419);
    CHECK_EQ(irq0(&r)->raises, raises + 2);

    /* Mode 3: at the end of the current half period. */
    outb(&r.tb, 0x43, 0x36);
    write_count(&r, 0, 100);
    t0 = now_ns();
    step_to(t0 + tick_ns(10));
    write_count(&r, 0, 20);
    step_to(t0 + tick_ns(50) - 1);
    CHECK_EQ(irq0(&r)->level, 1);
    step_to(t0 + tick_ns(50));
    CHECK_EQ(irq0(&r)->level, 0); /* old half ends, new low half (10) */
    CHECK_EQ(latch_read(&r, 0), 20);
    step_to(t0 + tick_ns(59) + 419);
    CHECK_EQ(irq0(&r)->level, 0);
    step_to(t0 + tick_ns(60) + 419);
    CHECK_EQ(irq0(&r)->level, 1);
    step_to(t0 + tick_ns(69) + 419);
    CHECK_EQ(irq0(&r)->level, 1);
    step_to(t0 + tick_ns(70) + 419);
    CHECK_EQ(irq0(&r)->level, 0);
    test_bus_cleanup(&r.tb);
}

/* After reset, counter 0 runs mode 3 with 65536: IRQ0 at 18.2 Hz. */
static void test_reset_state(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    int64_t t0 = now_ns();
    int raises = irq0(&r)->raises;
    step_to(t0 + NANOSECONDS_PER_SECOND);
    CHECK_EQ(irq0(&r)->raises - raises, 18);
    outb(&r.tb, 0x43, 0xe2);
    CHECK_EQ(inb(&r.tb, 0x40) & 0x3f, 0x36);
    CHECK_EQ(pit_get_gate(r.pit, 0), 1);
    CHECK_EQ(pit_get_gate(r.pit, 1), 1);
    CHECK_EQ(pit_get_gate(r.pit, 2), 0);
    CHECK_EQ(inb(&r.tb, 0x61) & 0x0f, 0x00);
    /* A device reset reprograms it. */
    outb(&r.tb, 0x43, 0x30);
    device_reset((DeviceState *)r.pit);
    CHECK_EQ(irq0(&r)->level, 1);
    outb(&r.tb, 0x43, 0xe2);
    CHECK_EQ(inb(&r.tb, 0x40) & 0x3f, 0x36);
    test_bus_cleanup(&r.tb);
}

/*
 * SeaBIOS's TSC calibration: gate on, speaker off, counter 2 mode 0, then
 * spin on port 0x61 bit 5 until OUT2 rises.
 */
static void test_seabios_tsc_calibration(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    const int count = 0x800;
    uint8_t orig = inb(&r.tb, 0x61);
    outb(&r.tb, 0x61, (orig & ~0x02) | 0x01);
    outb(&r.tb, 0x43, 0xb0);
    outb(&r.tb, 0x42, count & 0xff);
    outb(&r.tb, 0x42, count >> 8);
    int64_t t0 = now_ns();
    int64_t seen = -1;
    for (int i = 0; i < 4000; i++) {
        if (inb(&r.tb, 0x61) & 0x20) {
            seen = now_ns() - t0;
            break;
        }
        clock_step_ns(1);
        if (i == 100) {
            step_to(t0 + tick_ns(count) - 1000);
        }
    }
    CHECK_EQ(seen, tick_ns(count));
    /* Linux's pit_calibrate_tsc polls the same bit with a 30 ms latch. */
    const int latch = PIT_FREQ / (1000 / 30);
    outb(&r.tb, 0x61, 0x01);
    outb(&r.tb, 0x43, 0xb0);
    write_count(&r, 2, latch);
    t0 = now_ns();
    CHECK_EQ(inb(&r.tb, 0x61) & 0x20, 0);
    step_to(t0 + tick_ns(latch) - 1);
    CHECK_EQ(inb(&r.tb, 0x61) & 0x20, 0);
    CHECK(now_ns() - t0 > 30 * 1000 * 1000);
    step_to(t0 + tick_ns(latch));
    CHECK_EQ(inb(&r.tb, 0x61) & 0x20, 0x20);
    test_bus_cleanup(&r.tb);
}

static void test_port61(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    /* Bits 0-3 read back, 6 and 7 read 0, writes to 4-7 are ignored. */
    outb(&r.tb, 0x61, 0xfe);
    CHECK_EQ(inb(&r.tb, 0x61) & 0xcf, 0x0e);
    CHECK_EQ(pit_get_gate(r.pit, 2), 0);
    outb(&r.tb, 0x61, 0x01);
    CHECK_EQ(pit_get_gate(r.pit, 2), 1);
    CHECK_EQ(inb(&r.tb, 0x61) & 0x0f, 0x01);

    /* The refresh bit flips every 15.085 us. */
    int64_t base = (now_ns() / 15085 + 1) * 15085;
    step_to(base);
    uint8_t a = inb(&r.tb, 0x61) & 0x10;
    step_to(base + 15084);
    CHECK_EQ(inb(&r.tb, 0x61) & 0x10, a);
    step_to(base + 15085);
    CHECK_EQ(inb(&r.tb, 0x61) & 0x10, a ^ 0x10);
    int flips = 0;
    uint8_t last = inb(&r.tb, 0x61) & 0x10;
    for (int i = 0; i < 100; i++) {
        clock_step_ns(1000);
        uint8_t b = inb(&r.tb, 0x61) & 0x10;
        flips += b != last;
        last = b;
    }
    CHECK(flips == 6 || flips == 7); /* 100 us / 15.085 us */

    /* Bit 5 follows OUT2: a mode 3 square wave on counter 2. */
    outb(&r.tb, 0x43, 0xb6);
    write_count(&r, 2, 100);
    int64_t t0 = now_ns();
    CHECK_EQ(inb(&r.tb, 0x61) & 0x20, 0x20);
    step_to(t0 + tick_ns(50));
    CHECK_EQ(inb(&r.tb, 0x61) & 0x20, 0x00);
    step_to(t0 + tick_ns(100));
    CHECK_EQ(inb(&r.tb, 0x61) & 0x20, 0x20);
    /* Counter 2 alone never touches IRQ0. */
    CHECK_EQ(pit_get_out(r.pit, 2), 1);
    test_bus_cleanup(&r.tb);
}

/* The speaker port found by name finds the PIT on its bus. */
static void test_pcspk_by_name(void)
{
    TestBus tb;
    test_bus_init(&tb);
    DeviceState *pit = test_device(&tb, "isa-pit", NULL);
    DeviceState *spk = test_device(&tb, "isa-pcspk", NULL);
    CHECK(pit && spk);
    if (pit && spk) {
        outb(&tb, 0x61, 0x01);
        CHECK_EQ(pit_get_gate((PITState *)pit, 2), 1);
    }
    test_bus_cleanup(&tb);
}

/*
 * The PIT behind a master 8259 as Linux programs it (vectors 0x30+, only
 * IRQ0 unmasked); intr samples the PIC's INTR output.
 */
typedef struct PitPicRig {
    TestBus tb;
    IRQProbe intr;
    IRQ *intr_line, *probe0;
    IRQ **pic_irqs;
    PICState *pic;
    PITState *pit;
} PitPicRig;

static bool pit_pic_init(PitPicRig *r)
{
    Error *err = NULL;

    test_bus_init(&r->tb);
    r->intr_line = irq_new_probe(&r->intr);
    r->pic_irqs = i8259_init(&r->tb.isa, r->intr_line, &r->pic, &err);
    CHECK(r->pic_irqs != NULL);
    if (!r->pic_irqs) {
        error_free(err);
        test_bus_cleanup(&r->tb);
        irq_free(r->intr_line);
        return false;
    }
    r->probe0 = r->tb.isa.irqs[0];
    r->tb.isa.irqs[0] = r->pic_irqs[0];
    r->pit = pit_init(&r->tb.isa, 0x40, &err);
    CHECK(r->pit != NULL);
    outb(&r->tb, 0x20, 0x11);
    outb(&r->tb, 0x21, 0x30);
    outb(&r->tb, 0x21, 0x04);
    outb(&r->tb, 0x21, 0x01);
    outb(&r->tb, 0x21, 0xfe);
    return true;
}

static void pit_pic_cleanup(PitPicRig *r)
{
    r->tb.isa.irqs[0] = r->probe0;
    test_bus_cleanup(&r->tb);
    free(r->pic_irqs);
    irq_free(r->intr_line);
}

/*
 * The PIT behind the PIC, as Linux runs them: vectors 0x30+, HZ=1000 in
 * mode 2, and a "CPU" that takes INTR, runs INTA and sends the EOI.
 */
static void test_irq0_through_pic(void)
{
    PitPicRig r;
    if (!pit_pic_init(&r)) {
        return;
    }
    TestBus *tb = &r.tb;
    PICState *pic = r.pic;
    const int latch = (PIT_FREQ + 500) / 1000;
    outb(tb, 0x43, 0x34);
    outb(tb, 0x40, latch & 0xff);
    outb(tb, 0x40, latch >> 8);
    int64_t t0 = now_ns();
    int taken = 0, wrong = 0;
    while (now_ns() < t0 + 100 * 1000 * 1000) {
        clock_step_ns(50 * 1000);
        if (r.intr.level) {
            wrong += pic_read_irq(pic) != 0x30;
            outb(tb, 0x20, 0x20);
            taken++;
        }
    }
    CHECK_EQ(taken, 100);
    CHECK_EQ(wrong, 0);
    /* Masked: IRQ0 edges stay pending in IRR, one interrupt later. */
    outb(tb, 0x21, 0xff);
    step_to(now_ns() + 10 * 1000 * 1000);
    CHECK_EQ(r.intr.level, 0);
    outb(tb, 0x21, 0xfe);
    CHECK_EQ(r.intr.level, 1);
    CHECK_EQ(pic_read_irq(pic), 0x30);

    pit_pic_cleanup(&r);
}

/* Ticks of the PIT clock from t0 to t (what the counter is a function of). */
static int64_t ticks_between(int64_t t0, int64_t t)
{
    return (int64_t)(((__int128)(t - t0) * PIT_FREQ) / NANOSECONDS_PER_SECOND);
}

/*
 * The host stalls (or the main loop falls behind) while counter 0 runs
 * with a tiny count: when its timer finally runs, late, it does not
 * replay every missed edge (thousands of callbacks under the global lock
 * while the vCPU starves) but shows the PIC one rising edge for all of
 * them, computes OUT from the clock and arms its next deadline in the
 * future.
 */
static void test_late_timer_coalesces(void)
{
    static const struct {
        uint8_t cw;
        uint16_t count;
    } cases[] = {
        { 0x34, 2 },  /* mode 2, count 2: an edge every 838 ns */
        { 0x36, 12 }, /* mode 3, count 12 */
        { 0x36, 2 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        PitRig r;
        if (!rig_init(&r)) {
            return;
        }
        outb(&r.tb, 0x43, cases[i].cw);
        write_count(&r, 0, cases[i].count);
        int64_t t0 = now_ns();
        int raises = irq0(&r)->raises, changes = irq0(&r)->changes;

        clock_jump_ns(10 * 1000 * 1000); /* thousands of periods */
        CHECK_EQ(irq0(&r)->raises - raises, 1);
        CHECK(irq0(&r)->changes - changes <= 3);
        CHECK_EQ(irq0(&r)->level, pit_get_out(r.pit, 0));
        /* The count still follows the clock. */
        int64_t d = ticks_between(t0, now_ns());
        uint16_t want = cases[i].count - d % cases[i].count;
        if (cases[i].cw == 0x36) {
            /* Mode 3, even count: CE steps by two, reloads each half. */
            int64_t half = cases[i].count / 2;
            want = cases[i].count - 2 * (d % cases[i].count % half);
        }
        CHECK_EQ(latch_read(&r, 0), want);
        /* The next deadline is in the future: another pass of the main
         * loop at the same time runs nothing. */
        CHECK(!timers_run_expired(CLOCK_VIRTUAL));
        CHECK_EQ(irq0(&r)->raises - raises, 1);
        test_bus_cleanup(&r.tb);
    }
}

/* Late, but with nothing or exactly one period missed. */
static void test_late_timer_edges(void)
{
    PitRig r;
    if (!rig_init(&r)) {
        return;
    }
    const int n = 11932; /* mode 2, 10 ms */
    outb(&r.tb, 0x43, 0x34);
    write_count(&r, 0, n);
    int64_t t0 = now_ns();
    int raises = irq0(&r)->raises, changes = irq0(&r)->changes;
    /* No edge in the window: nothing happens. */
    clock_jump_ns(tick_ns(n / 2));
    CHECK_EQ(irq0(&r)->changes, changes);
    /* The one-clock low pulse falls inside the window: the PIC still gets
     * its rising edge, and the line ends high as OUT is. */
    step_to(t0 + tick_ns(n - 2));
    CHECK_EQ(irq0(&r)->raises, raises);
    clock_jump_ns(tick_ns(n + 10) - tick_ns(n - 2));
    CHECK_EQ(irq0(&r)->raises, raises + 1);
    CHECK_EQ(irq0(&r)->level, 1);
    /* Back on time, the next period is exact again. */
    step_to(t0 + tick_ns(2 * n - 1) - 1);
    CHECK_EQ(irq0(&r)->level, 1);
    CHECK_EQ(irq0(&r)->raises, raises + 1);
    step_to(t0 + tick_ns(2 * n - 1));
    CHECK_EQ(irq0(&r)->level, 0);
    step_to(t0 + tick_ns(2 * n));
    CHECK_EQ(irq0(&r)->level, 1);
    CHECK_EQ(irq0(&r)->raises, raises + 2);

    /* Mode 0: terminal count passed while late: one rising edge, OUT high
     * from then on. */
    outb(&r.tb, 0x43, 0x30);
    write_count(&r, 0, 100);
    CHECK_EQ(irq0(&r)->level, 0);
    raises = irq0(&r)->raises;
    clock_jump_ns(tick_ns(1000));
    CHECK_EQ(irq0(&r)->raises, raises + 1);
    CHECK_EQ(irq0(&r)->level, 1);
    test_bus_cleanup(&r.tb);
}

/* Behind the PIC: after the stall one interrupt is pending, not more. */
static void test_late_timer_through_pic(void)
{
    PitPicRig r;
    if (!pit_pic_init(&r)) {
        return;
    }
    TestBus *tb = &r.tb;
    PICState *pic = r.pic;
    outb(tb, 0x43, 0x34);
    outb(tb, 0x40, 2);
    outb(tb, 0x40, 0);
    /* Whatever the programming sequence latched: take it. */
    if (r.intr.level) {
        CHECK_EQ(pic_read_irq(pic), 0x30);
        outb(tb, 0x20, 0x20);
    }
    int rises = r.intr.raises;
    clock_jump_ns(20 * 1000 * 1000);
    CHECK_EQ(r.intr.raises, rises + 1);
    CHECK_EQ(r.intr.level, 1);
    CHECK_EQ(pic_read_irq(pic), 0x30);
    outb(tb, 0x20, 0x20);
    /* Nothing more until the clock moves on. */
    CHECK_EQ(r.intr.level, 0);
    CHECK(!timers_run_expired(CLOCK_VIRTUAL));
    CHECK_EQ(r.intr.level, 0);

    pit_pic_cleanup(&r);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_mode2_rate_generator);
    TEST_RUN(test_mode3_square_wave);
    TEST_RUN(test_mode0_interrupt_on_terminal_count);
    TEST_RUN(test_mode4_software_strobe);
    TEST_RUN(test_mode1_gate_one_shot);
    TEST_RUN(test_mode5_gate_strobe);
    TEST_RUN(test_gate_suspends_and_reloads);
    TEST_RUN(test_latch_and_readback);
    TEST_RUN(test_access_modes);
    TEST_RUN(test_bcd);
    TEST_RUN(test_new_count_at_period_end);
    TEST_RUN(test_reset_state);
    TEST_RUN(test_seabios_tsc_calibration);
    TEST_RUN(test_port61);
    TEST_RUN(test_pcspk_by_name);
    TEST_RUN(test_irq0_through_pic);
    TEST_RUN(test_late_timer_coalesces);
    TEST_RUN(test_late_timer_edges);
    TEST_RUN(test_late_timer_through_pic);
    return test_finish();
}
