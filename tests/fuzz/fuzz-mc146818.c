/*
 * Fuzz target: the MC146818 RTC and CMOS RAM at 0x70/0x71 (IRQ 8), started
 * at a fixed date and counting on the virtual clock, so that every run is
 * the same.
 * Events are the board's own CMOS accesses (rtc_set_cmos/rtc_get_cmos).
 */
#include "tests/fuzz/fuzz.h"
#include "hw/timer/mc146818.h"

typedef struct RtcFuzz {
    MC146818State *rtc;
    int index; /* last index written to 0x70, -1 if unknown */
} RtcFuzz;

static RtcFuzz rtc_fuzz;

static void rtc_fz_setup(FuzzRig *r)
{
    Error *err = NULL;
    /* A fixed afternoon, counted on the virtual clock (-rtc base=DATE,
     * clock=vm), so that the clock steps drive the update cycle. */
    static const RTCOptions opts = { "2026-07-01T15:30:00", "vm" };
    rtc_fuzz.rtc = fuzz_must(rtc_init(&r->tb.isa, 0, &opts, &err), err,
                             "isa-mc146818rtc");
    rtc_fuzz.index = -1;
    r->s = &rtc_fuzz;
    fuzz_add_window(r, FUZZ_IO, 0x70, 2);
}

static void rtc_fz_event(FuzzRig *r, const FuzzOp *op)
{
    RtcFuzz *f = r->s;
    int addr = op->offset % RTC_CMOS_SIZE;
    if (op->value & 0x100) {
        (void)rtc_get_cmos(f->rtc, addr);
    } else {
        rtc_set_cmos(f->rtc, addr, op->value);
    }
}

static void rtc_fz_reset(FuzzRig *r)
{
    devices_reset_all();
    rtc_fuzz.index = -1;
}

static void rtc_fz_check_read(FuzzRig *r, const FuzzOp *op, uint32_t val)
{
    RtcFuzz *f = r->s;
    if (op->addr == 0x71 && op->size == 1 && f->index == RTC_REG_C) {
        /* Reading C acknowledges everything: the line must be low. */
        FUZZ_ASSERT(r, r->line[8].level == 0);
    }
}

static void rtc_fz_check(FuzzRig *r, const FuzzOp *op)
{
    RtcFuzz *f = r->s;
    if (op->op < 0x60 && op->addr <= 0x70 && op->addr + op->size > 0x70) {
        f->index =
            op->addr == 0x70 && op->size == 1 ? (int)(op->value & 0x7f) : -1;
    }
}

const FuzzTarget fuzz_target = {
    .name = "mc146818",
    .covers = "hw/timer/mc146818.c",
    .setup = rtc_fz_setup,
    .event = rtc_fz_event,
    .reset = rtc_fz_reset,
    .check_read = rtc_fz_check_read,
    .check = rtc_fz_check,
};
