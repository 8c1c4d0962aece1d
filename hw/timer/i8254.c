/*
 * Intel 8254 programmable interval timer (PIT).
 *
 * Reference: Intel 8254 datasheet (231164), "Operational description":
 * control word format, read operations (counter latch command, read-back
 * command, status byte), and "Mode definitions" 0-5 with the GATE pin
 * summary table.  Three counters clocked at 1.193182 MHz; on a PC counter 0
 * drives IRQ0, counter 1 was DRAM refresh, counter 2 is gated and read back
 * through port 0x61 (hw/misc/pcspk.c).
 *
 * Nothing ticks: a running counter remembers when it started (start_time)
 * and from what value, and its count and OUT pin are computed from
 * CLOCK_VIRTUAL when read.  Only counter 0 arms a timer, for the next change
 * of its OUT pin, so IRQ0 sees both edges of every period.  When that timer
 * runs late (a count of 2 changes OUT every 838 ns, faster than any host
 * services timers; or the host stalled), the edges it missed are history:
 * IRQ0 is brought to OUT's level at the current time, with one rising edge
 * first if OUT rose in between (the 8259 latches one edge until it is
 * acknowledged, so more could not be seen), and the next deadline is at
 * least PIT_LATE_REARM_NS ahead.  On time (the stepped test clock, slow
 * rates) every edge is exact.
 *
 * Known simplification: a count is loaded into the counting element at the
 * write instead of on the next CLK edge (one CLK, 838 ns, earlier than the
 * chip), so mode 0 OUT rises N clocks after the write, not N + 1.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/irq.h"
#include "emu/memory.h"
#include "emu/timer.h"
#include "emu/vmstate.h"
#include "emu/trace.h"
#include "hw/isa/isa.h"
#include "hw/timer/i8254.h"

/* Port offsets. */
#define PIT_CONTROL 3

/* Control word: SC1-0 (7:6), RW1-0 (5:4), M2-0 (3:1), BCD (0). */
#define CW_SC_SHIFT    6
#define CW_SC_READBACK 3
#define CW_RW_SHIFT    4
#define CW_RW_LATCH    0
#define CW_M_SHIFT     1
#define CW_BCD         0x01
/* Read-back command: /COUNT (5), /STATUS (4), CNT2-0 (3:1). */
#define RB_NCOUNT  0x20
#define RB_NSTATUS 0x10
/* Status byte: OUTPUT (7), NULL COUNT (6), then RW, mode, BCD as written. */
#define ST_OUTPUT     0x80
#define ST_NULL_COUNT 0x40

/* RW field: how the count is read and written. */
enum {
    RW_LSB = 1,
    RW_MSB = 2,
    RW_WORD = 3, /* LSB then MSB */
};

/* Where a counter's counting element is. */
enum {
    PIT_IDLE,         /* control word written, waiting for a count */
    PIT_WAIT_TRIGGER, /* modes 1/5: count loaded, waiting for GATE rising */
    PIT_FROZEN,       /* count loaded, GATE low stops counting (0/2/3/4) */
    PIT_RUNNING,
};

/* After a late callback, the next one is at least this far ahead: the
 * edges in between coalesce (see the top of the file). */
#define PIT_LATE_REARM_NS (100 * 1000LL)

typedef struct PITChannel {
    /* Programming (control word). */
    uint8_t mode; /* M2-M0 as written (6, 7 act as 2, 3) */
    uint8_t rw_mode;
    uint8_t bcd;
    uint8_t gate;
    /* Byte sequencing and the output latches. */
    uint8_t write_state; /* RW_WORD: 1 when the LSB has been written */
    uint8_t write_lsb;
    uint8_t read_state;    /* RW_WORD live reads: 1 when the MSB is next */
    uint8_t count_latched; /* RW_* bytes still to read from the latch, 0 */
    uint16_t latched_count;
    uint8_t status_latched;
    uint8_t status;
    uint8_t null_count;
    /* The counting element, computed from the clock. */
    uint8_t state;      /* PIT_IDLE ... */
    uint8_t done;       /* modes 0/1/4/5: terminal count already passed */
    uint8_t out_frozen; /* OUT when not running */
    uint32_t count;     /* count register, 1..modulus (0 written = max) */
    uint32_t ce_start;  /* modes 0/1/4/5: CE at start_time; else CE */
    uint32_t phase;     /* modes 2/3: ticks into the period at start */
    int64_t start_time;
    /* Modes 2/3: a count written while counting starts at switch_time. */
    uint32_t next_count;
    uint32_t next_phase;
    int64_t switch_time; /* -1: none */
} PITChannel;

struct PITState {
    DeviceState parent;
    uint32_t iobase;
    uint32_t irq_num;
    PITChannel ch[3];
    MemoryRegion io;
    IRQ *irq;
    Timer timer;
    int64_t next_edge; /* when timer fires (an OUT0 change, or later) */
    /* Derived, rebuilt by pit_update_irq: IRQ0 as last driven, and when. */
    int irq_level;
    int64_t irq_time;
};

static int64_t pit_ticks(int64_t ns)
{
    if (ns <= 0) {
        return 0;
    }
    return (int64_t)(((__int128)ns * PIT_FREQ) / NANOSECONDS_PER_SECOND);
}

/* The first nanosecond at which pit_ticks() reaches ticks. */
static int64_t pit_tick_ns(int64_t ticks)
{
    return (int64_t)(((__int128)ticks * NANOSECONDS_PER_SECOND + PIT_FREQ - 1) /
                     PIT_FREQ);
}

static int pit_mode(const PITChannel *c)
{
    return c->mode >= 6 ? c->mode - 4 : c->mode;
}

static uint32_t pit_modulus(const PITChannel *c)
{
    return c->bcd ? 10000 : 0x10000;
}

static uint16_t pit_to_bus(const PITChannel *c, uint32_t v)
{
    v %= pit_modulus(c);
    if (c->bcd) {
        return (to_bcd(v / 100) << 8) | to_bcd(v % 100);
    }
    return v;
}

static uint32_t pit_from_bus(const PITChannel *c, uint16_t v)
{
    uint32_t n = v;
    if (c->bcd) {
        /* Non-decimal digits are the guest's problem; keep them in range. */
        n = (from_bcd(v >> 8) * 100 + from_bcd(v & 0xff)) % 10000;
    }
    return n ? n : pit_modulus(c);
}

/* Apply a count that was waiting for the end of a period (modes 2/3). */
static void pit_sync(PITChannel *c, int64_t now)
{
    if (c->switch_time >= 0 && now >= c->switch_time) {
        c->start_time = c->switch_time;
        c->count = c->next_count;
        c->phase = c->next_phase;
        c->switch_time = -1;
        c->null_count = 0;
    }
}

/* Ticks since start_time (plus the period phase in modes 2/3). */
static int64_t pit_elapsed(const PITChannel *c, int64_t now)
{
    int64_t d = pit_ticks(now - c->start_time);
    int mode = pit_mode(c);
    return (mode == 2 || mode == 3) ? d + c->phase : d;
}

/*
 * Mode 3 counts down by two.  An odd count N holds OUT high for (N+1)/2
 * clocks and low for (N-1)/2: the CE loads N, loses 1 (high half) or 3
 * (low half) on the first clock, then 2 per clock.
 */
static uint32_t pit_mode3_value(uint32_t n, int64_t p)
{
    int64_t h = (n + 1) / 2;
    bool odd = n & 1;

    if (p < h) {
        return p == 0 ? n : (odd ? n + 1 - 2 * p : n - 2 * p);
    }
    p -= h;
    return p == 0 ? n : (odd ? n - 1 - 2 * p : n - 2 * p);
}

/* The counting element (binary, 0..modulus-1) at now; sync first. */
static uint32_t pit_value(const PITChannel *c, int64_t now)
{
    uint32_t mod = pit_modulus(c);

    if (c->state != PIT_RUNNING) {
        return c->ce_start % mod;
    }
    int64_t d = pit_elapsed(c, now);
    switch (pit_mode(c)) {
    case 2:
        return (c->count - d % c->count) % mod;
    case 3:
        return pit_mode3_value(c->count, d % c->count) % mod;
    default:
        return (c->ce_start + mod - d % mod) % mod;
    }
}

/* The OUT pin at now; sync first. */
static int pit_out(const PITChannel *c, int64_t now)
{
    if (c->state != PIT_RUNNING) {
        return c->out_frozen;
    }
    int64_t d = pit_elapsed(c, now);
    switch (pit_mode(c)) {
    case 0:
    case 1:
        /* Low while counting, high from terminal count on. */
        return c->done || d >= c->ce_start;
    case 2:
        /* Low for the one clock the CE holds 1. */
        return d % c->count != c->count - 1;
    case 3:
        return d % c->count < (c->count + 1) / 2;
    default: /* 4, 5: a one-clock low strobe at terminal count */
        return c->done || d != c->ce_start;
    }
}

/* When OUT next changes after now (sync first), or -1 if it never will. */
static int64_t pit_next_edge(const PITChannel *c, int64_t now)
{
    int64_t k = -1;

    if (c->state == PIT_RUNNING) {
        int64_t d = pit_ticks(now - c->start_time);
        int64_t n = c->count;
        int mode = pit_mode(c);

        if (mode == 2 || mode == 3) {
            int64_t de = d + c->phase;
            int64_t p = de % n;
            int64_t base = de - p;
            int64_t fall = mode == 2 ? n - 1 : (n + 1) / 2;
            if (n >= 2) {
                k = (p < fall ? base + fall : base + n) - c->phase;
            }
        } else if (!c->done) {
            if (d < c->ce_start) {
                k = c->ce_start;
            } else if (d == c->ce_start && (mode == 4 || mode == 5)) {
                k = c->ce_start + 1;
            }
        }
    }
    int64_t t = k >= 0 ? c->start_time + pit_tick_ns(k) : -1;
    if (c->switch_time >= 0 && (t < 0 || c->switch_time < t)) {
        t = c->switch_time;
    }
    return t;
}

/* Stop counting where the CE is (GATE low in modes 0/4, or a new count). */
static void pit_freeze(PITChannel *c, int64_t now, int new_state)
{
    if (c->state == PIT_RUNNING) {
        int64_t d = pit_elapsed(c, now);
        uint32_t v = pit_value(c, now);
        c->out_frozen = pit_out(c, now);
        if (pit_mode(c) == 2 || pit_mode(c) == 3) {
            c->ce_start = v;
        } else if (c->done || d >= c->ce_start) {
            c->done = 1;
            c->ce_start = v;
        } else {
            c->ce_start -= d;
        }
        if (c->switch_time >= 0) {
            c->count = c->next_count;
            c->switch_time = -1;
        }
    }
    c->state = new_state;
}

static void pit_start(PITChannel *c, int64_t now)
{
    c->state = PIT_RUNNING;
    c->start_time = now;
}

static void pit_set_irq(PITState *s, int level, int64_t now)
{
    irq_set(s->irq, level);
    s->irq_level = level;
    s->irq_time = now;
}

/*
 * Did OUT0 rise in (from, to], starting from level?  OUT alternates at
 * the edges pit_next_edge finds (a count switch may add one that changes
 * nothing), so after four edges it has certainly risen.
 */
static bool pit_rose(PITChannel *c, int64_t from, int64_t to, int level)
{
    int64_t t = from;

    for (int i = 0; i < 4; i++) {
        t = pit_next_edge(c, t);
        if (t < 0 || t > to) {
            return false;
        }
        pit_sync(c, t);
        int out = pit_out(c, t);
        if (out && !level) {
            return true;
        }
        level = out;
    }
    return true;
}

/*
 * Bring IRQ0 to OUT0's level at now.  If OUT0 rose since IRQ0 was last
 * driven (a timer that ran late), the PIC gets one rising edge for all the
 * rises it missed, as it latches only one until the acknowledge.
 */
static void pit_irq_catch_up(PITState *s, int64_t now)
{
    PITChannel *c = &s->ch[0];
    bool rose = now > s->irq_time &&
                pit_rose(c, s->irq_time, now, s->irq_level);

    pit_sync(c, now);
    int out = pit_out(c, now);
    if (rose) {
        if (s->irq_level) {
            pit_set_irq(s, 0, now);
        }
        pit_set_irq(s, 1, now);
    }
    if (out != s->irq_level) {
        pit_set_irq(s, out, now);
    }
    s->irq_time = now;
}

/* Arm the timer for OUT0's next change after now, at least min_ns ahead. */
static void pit_arm(PITState *s, int64_t now, int64_t min_ns)
{
    int64_t next = pit_next_edge(&s->ch[0], now);

    s->next_edge = next;
    if (next < 0) {
        timer_del(&s->timer);
        return;
    }
    s->next_edge = MAX(next, now + min_ns);
    timer_mod_ns(&s->timer, s->next_edge);
}

/* Drive IRQ0 from counter 0 (just reprogrammed, or loaded: no history). */
static void pit_update_irq(PITState *s, int64_t now)
{
    PITChannel *c = &s->ch[0];

    pit_sync(c, now);
    pit_set_irq(s, pit_out(c, now), now);
    pit_arm(s, now, 0);
}

static void pit_irq_timer(void *opaque)
{
    PITState *s = opaque;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    bool late = s->next_edge >= 0 && now > s->next_edge;

    pit_irq_catch_up(s, now);
    pit_arm(s, now, late ? PIT_LATE_REARM_NS : 0);
}

/* A complete count arrived in the count register. */
static void pit_load_count(PITChannel *c, uint16_t raw, int64_t now)
{
    uint32_t n = pit_from_bus(c, raw);

    switch (pit_mode(c)) {
    case 0:
    case 4:
        pit_freeze(c, now, PIT_IDLE);
        c->count = n;
        c->ce_start = n;
        c->done = 0;
        c->null_count = 0;
        c->out_frozen = pit_mode(c) == 4;
        if (c->gate) {
            pit_start(c, now);
        } else {
            c->state = PIT_FROZEN;
        }
        break;
    case 1:
    case 5:
        /* Used by the next trigger; a running one-shot is not affected. */
        c->count = n;
        c->null_count = 1;
        if (c->state == PIT_IDLE) {
            c->state = PIT_WAIT_TRIGGER;
            c->out_frozen = 1;
        }
        break;
    default: /* 2, 3 */
        if (c->state == PIT_RUNNING) {
            /*
             * Counting goes on with the old count until the end of the
             * period (mode 2) or of the half period (mode 3).
             */
            int64_t d = pit_elapsed(c, now);
            int64_t old = c->count;
            int64_t p = d % old;
            int64_t base = d - p;
            int64_t boundary;
            c->next_phase = 0;
            if (pit_mode(c) == 3 && p < (old + 1) / 2) {
                boundary = base + (old + 1) / 2;
                c->next_phase = (n + 1) / 2;
            } else {
                boundary = base + old;
            }
            c->next_count = n;
            c->switch_time = c->start_time + pit_tick_ns(boundary - c->phase);
            c->null_count = 1;
            break;
        }
        c->count = n;
        c->ce_start = n;
        c->phase = 0;
        c->null_count = 0;
        c->out_frozen = 1;
        if (c->gate) {
            pit_start(c, now);
        } else {
            c->state = PIT_FROZEN;
        }
        break;
    }
}

static void pit_write_control(PITChannel *c, uint8_t val, int64_t now)
{
    pit_freeze(c, now, PIT_IDLE);
    c->ce_start = pit_value(c, now);
    c->rw_mode = (val >> CW_RW_SHIFT) & 3;
    c->mode = (val >> CW_M_SHIFT) & 7;
    c->bcd = val & CW_BCD;
    c->out_frozen = pit_mode(c) != 0;
    c->done = 0;
    c->null_count = 1;
    c->write_state = 0;
    c->read_state = 0;
    /* Latches hold "until read or the counter is reprogrammed". */
    c->count_latched = 0;
    c->status_latched = 0;
}

static void pit_latch_count(PITChannel *c, int64_t now)
{
    /* A second latch before the first is read is ignored. */
    if (!c->count_latched) {
        c->latched_count = pit_to_bus(c, pit_value(c, now));
        c->count_latched = c->rw_mode;
    }
}

static void pit_latch_status(PITChannel *c, int64_t now)
{
    if (!c->status_latched) {
        c->status = (pit_out(c, now) ? ST_OUTPUT : 0) |
                    (c->null_count ? ST_NULL_COUNT : 0) |
                    (c->rw_mode << CW_RW_SHIFT) | (c->mode << CW_M_SHIFT) |
                    c->bcd;
        c->status_latched = 1;
    }
}

static void pit_ioport_write(void *opaque, uint64_t addr, uint64_t data,
                             unsigned size)
{
    trace(pit_ioport_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, data, size);
    PITState *s = opaque;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    uint8_t val = data;

    /* Edges of the old programming that a late timer has not shown yet. */
    pit_irq_catch_up(s, now);
    for (int i = 0; i < 3; i++) {
        pit_sync(&s->ch[i], now);
    }
    if (addr == PIT_CONTROL) {
        int sc = val >> CW_SC_SHIFT;
        if (sc == CW_SC_READBACK) {
            for (int i = 0; i < 3; i++) {
                if (!(val & (2 << i))) {
                    continue;
                }
                if (!(val & RB_NCOUNT)) {
                    pit_latch_count(&s->ch[i], now);
                }
                if (!(val & RB_NSTATUS)) {
                    pit_latch_status(&s->ch[i], now);
                }
            }
            return;
        }
        if (((val >> CW_RW_SHIFT) & 3) == CW_RW_LATCH) {
            pit_latch_count(&s->ch[sc], now);
            return;
        }
        pit_write_control(&s->ch[sc], val, now);
        if (sc == 0) {
            pit_update_irq(s, now);
        }
        return;
    }

    PITChannel *c = &s->ch[addr];
    switch (c->rw_mode) {
    case RW_LSB:
        pit_load_count(c, val, now);
        break;
    case RW_MSB:
        pit_load_count(c, val << 8, now);
        break;
    default:
        if (!c->write_state) {
            c->write_state = 1;
            c->write_lsb = val;
            if (pit_mode(c) == 0) {
                /* Mode 0: the first byte stops counting, OUT goes low. */
                pit_freeze(c, now, PIT_IDLE);
                c->out_frozen = 0;
            }
        } else {
            c->write_state = 0;
            pit_load_count(c, c->write_lsb | (val << 8), now);
        }
        break;
    }
    if (addr == 0) {
        pit_update_irq(s, now);
    }
}

static uint64_t pit_ioport_read_do(void *opaque, uint64_t addr, unsigned size)
{
    PITState *s = opaque;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);

    if (addr == PIT_CONTROL) {
        /* The control word register cannot be read. */
        return 0xff;
    }
    PITChannel *c = &s->ch[addr];
    pit_sync(c, now);
    if (c->status_latched) {
        c->status_latched = 0;
        return c->status;
    }
    if (c->count_latched) {
        switch (c->count_latched) {
        case RW_MSB:
            c->count_latched = 0;
            return c->latched_count >> 8;
        case RW_WORD:
            c->count_latched = RW_MSB;
            return c->latched_count & 0xff;
        default:
            c->count_latched = 0;
            return c->latched_count & 0xff;
        }
    }
    uint16_t v = pit_to_bus(c, pit_value(c, now));
    switch (c->rw_mode) {
    case RW_MSB:
        return v >> 8;
    case RW_WORD:
        c->read_state ^= 1;
        return c->read_state ? (v & 0xff) : (v >> 8);
    default:
        return v & 0xff;
    }
}

static uint64_t pit_ioport_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = pit_ioport_read_do(opaque, addr, size);
    trace(pit_ioport_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static const MemoryRegionOps pit_ops = {
    .read = pit_ioport_read,
    .write = pit_ioport_write,
    ISA_BYTE_OPS_SIZES,
};

void pit_set_gate(PITState *s, int channel, int level)
{
    if (channel < 0 || channel > 2) {
        return;
    }
    PITChannel *c = &s->ch[channel];
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    level = level != 0;

    if (channel == 0) {
        pit_irq_catch_up(s, now);
    }
    pit_sync(c, now);
    if (level == c->gate) {
        return;
    }
    c->gate = level;
    switch (pit_mode(c)) {
    case 0:
    case 4:
        /* GATE enables counting; OUT is not affected. */
        if (!level) {
            if (c->state == PIT_RUNNING) {
                pit_freeze(c, now, PIT_FROZEN);
            }
        } else if (c->state == PIT_FROZEN) {
            pit_start(c, now);
        }
        break;
    case 1:
    case 5:
        /* A rising edge (re)triggers with the count register. */
        if (level && c->state != PIT_IDLE) {
            pit_start(c, now);
            c->ce_start = c->count;
            c->done = 0;
            c->null_count = 0;
        }
        break;
    default: /* 2, 3 */
        /* Low: OUT high at once, counting stops; rising: reload. */
        if (!level) {
            if (c->state == PIT_RUNNING) {
                pit_freeze(c, now, PIT_FROZEN);
                c->out_frozen = 1;
            }
        } else if (c->state == PIT_FROZEN) {
            pit_start(c, now);
            c->ce_start = c->count;
            c->phase = 0;
            c->null_count = 0;
        }
        break;
    }
    if (channel == 0) {
        pit_update_irq(s, now);
    }
}

int pit_get_gate(PITState *s, int channel)
{
    return (channel >= 0 && channel <= 2) ? s->ch[channel].gate : 0;
}

int pit_get_out(PITState *s, int channel)
{
    if (channel < 0 || channel > 2) {
        return 0;
    }
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    pit_sync(&s->ch[channel], now);
    return pit_out(&s->ch[channel], now);
}

/*
 * The power-on state is undefined; like other PC models, start every
 * counter in mode 3 with count 0 (65536), LSB then MSB, as a BIOS leaves
 * it: IRQ0 runs at 18.2 Hz until the guest reprograms it.
 */
static void pit_reset(DeviceState *dev)
{
    PITState *s = (PITState *)dev;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);

    for (int i = 0; i < 3; i++) {
        PITChannel *c = &s->ch[i];
        memset(c, 0, sizeof(*c));
        c->switch_time = -1;
        c->gate = i != 2;
        c->count = pit_modulus(c);
        pit_write_control(c, (RW_WORD << CW_RW_SHIFT) | (3 << CW_M_SHIFT), now);
        pit_load_count(c, 0, now);
    }
    pit_update_irq(s, now);
}

/* A state table from elsewhere must not make us divide by zero. */
static int pit_post_load(void *opaque)
{
    PITState *s = opaque;

    for (int i = 0; i < 3; i++) {
        PITChannel *c = &s->ch[i];
        uint32_t mod;
        c->mode &= 7;
        c->bcd &= 1;
        c->gate &= 1;
        /* Flags that become the OUT line's level (fuzz-vmstream). */
        c->out_frozen = !!c->out_frozen;
        c->done = !!c->done;
        c->null_count = !!c->null_count;
        c->status_latched = !!c->status_latched;
        if (c->rw_mode < RW_LSB || c->rw_mode > RW_WORD) {
            c->rw_mode = RW_WORD;
        }
        if (c->count_latched > RW_WORD) {
            c->count_latched = 0;
        }
        if (c->state > PIT_RUNNING) {
            c->state = PIT_IDLE;
        }
        mod = pit_modulus(c);
        if (c->count == 0 || c->count > mod) {
            c->count = mod;
        }
        if (c->next_count == 0 || c->next_count > mod) {
            c->next_count = mod;
        }
        if (c->ce_start > mod) {
            c->ce_start = mod;
        }
        c->phase %= c->count;
        c->next_phase %= c->next_count;
    }
    pit_update_irq(s, clock_get_ns(CLOCK_VIRTUAL));
    return 0;
}

static const VMStateField vmstate_pit_channel_fields[] = {
    VMSTATE_U8(mode, PITChannel),
    VMSTATE_U8(rw_mode, PITChannel),
    VMSTATE_U8(bcd, PITChannel),
    VMSTATE_U8(gate, PITChannel),
    VMSTATE_U8(write_state, PITChannel),
    VMSTATE_U8(write_lsb, PITChannel),
    VMSTATE_U8(read_state, PITChannel),
    VMSTATE_U8(count_latched, PITChannel),
    VMSTATE_U16(latched_count, PITChannel),
    VMSTATE_U8(status_latched, PITChannel),
    VMSTATE_U8(status, PITChannel),
    VMSTATE_U8(null_count, PITChannel),
    VMSTATE_U8(state, PITChannel),
    VMSTATE_U8(done, PITChannel),
    VMSTATE_U8(out_frozen, PITChannel),
    VMSTATE_U32(count, PITChannel),
    VMSTATE_U32(ce_start, PITChannel),
    VMSTATE_U32(phase, PITChannel),
    VMSTATE_I64(start_time, PITChannel),
    VMSTATE_U32(next_count, PITChannel),
    VMSTATE_U32(next_phase, PITChannel),
    VMSTATE_I64(switch_time, PITChannel),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_pit_channel = {
    .name = "i8254-channel",
    .version = 1,
    .fields = vmstate_pit_channel_fields,
};

static const VMStateField vmstate_pit_fields[] = {
    VMSTATE_STRUCT_ARRAY(ch, PITState, 3, vmstate_pit_channel, PITChannel),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_pit = {
    .name = "i8254",
    .version = 1,
    .fields = vmstate_pit_fields,
    .post_load = pit_post_load,
};

static int pit_realize(DeviceState *dev, Error **errp)
{
    PITState *s = (PITState *)dev;
    ISABus *bus = isa_bus(dev);

    if (!bus) {
        error_setg(errp, "isa-pit: needs an ISA bus");
        return -EINVAL;
    }
    if (s->iobase > 0xfffc || s->irq_num > 15) {
        error_setg(errp, "isa-pit: iobase 0x%x or irq %u out of range",
                   s->iobase, s->irq_num);
        return -EINVAL;
    }
    memory_region_init_io(&s->io, &pit_ops, s, "pit", 4);
    if (isa_register_ioport(bus, dev, &s->io, s->iobase, errp) < 0) {
        memory_region_finalize(&s->io);
        return -EBUSY;
    }
    s->irq = isa_get_irq(bus, s->irq_num);
    timer_init_ns(&s->timer, CLOCK_VIRTUAL, pit_irq_timer, s);
    s->next_edge = -1;
    return 0;
}

static void pit_unrealize(DeviceState *dev)
{
    PITState *s = (PITState *)dev;
    ISABus *bus = isa_bus(dev);

    timer_del(&s->timer);
    isa_unregister_ioport(bus, &s->io);
    memory_region_finalize(&s->io);
}

static const Property pit_props[] = {
    DEFINE_PROP_U32("iobase", PITState, iobase, 0x40, "I/O base (4 ports)"),
    DEFINE_PROP_U32("irq", PITState, irq_num, 0, "ISA IRQ of counter 0"),
    DEFINE_PROP_END,
};

static const DeviceClass pit_class = {
    .name = "isa-pit",
    .desc = "Intel 8254 PIT",
    .bus = "isa",
    .instance_size = sizeof(PITState),
    .props = pit_props,
    .user_creatable = false,
    .realize = pit_realize,
    .unrealize = pit_unrealize,
    .reset = pit_reset,
    .vmsd = &vmstate_pit,
};
DEVICE_CLASS_REGISTER(pit_class);

PITState *pit_init(ISABus *bus, uint32_t iobase, Error **errp)
{
    DeviceState *dev = device_new_class(&pit_class);

    device_prop_set_uint(dev, "iobase", iobase);
    if (device_realize(dev, &bus->qbus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return (PITState *)dev;
}
