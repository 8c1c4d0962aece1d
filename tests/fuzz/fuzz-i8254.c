/*
 * Fuzz target: the 8254 PIT at 0x40-0x43.  Events move the channels' gate
 * inputs; clock steps let the counters run and the timer fire IRQ 0.
 */
#include "tests/fuzz/fuzz.h"
#include "hw/timer/i8254.h"

static void pit_setup(FuzzRig *r)
{
    Error *err = NULL;
    r->s = fuzz_must(pit_init(&r->tb.isa, 0x40, &err), err, "isa-pit");
    fuzz_add_window(r, FUZZ_IO, 0x40, 4);
}

static void pit_event(FuzzRig *r, const FuzzOp *op)
{
    pit_set_gate(r->s, op->offset % 3, op->value & 1);
}

static void pit_check(FuzzRig *r, const FuzzOp *op)
{
    for (int ch = 0; ch < 3; ch++) {
        int out = pit_get_out(r->s, ch);
        int gate = pit_get_gate(r->s, ch);
        FUZZ_ASSERT(r, out == 0 || out == 1);
        FUZZ_ASSERT(r, gate == 0 || gate == 1);
    }
}

const FuzzTarget fuzz_target = {
    .name = "i8254",
    .covers = "hw/timer/i8254.c",
    .setup = pit_setup,
    .event = pit_event,
    .check = pit_check,
};
