/*
 * Fuzz target: the PC speaker / port 0x61 (NMI status and control port B)
 * together with the PIT whose channel 2 it gates, since the two only make
 * sense as a pair.
 */
#include "tests/fuzz/fuzz.h"
#include "hw/misc/pcspk.h"
#include "hw/timer/i8254.h"

static void spk_setup(FuzzRig *r)
{
    Error *err = NULL;
    PITState *pit = fuzz_must(pit_init(&r->tb.isa, 0x40, &err), err, "isa-pit");
    fuzz_must(pcspk_init(&r->tb.isa, pit, &err), err, "isa-pcspk");
    r->s = pit;
    fuzz_add_window(r, FUZZ_IO, 0x61, 1);
    fuzz_add_window(r, FUZZ_IO, 0x42, 2); /* channel 2 and the mode port */
}

static void spk_check_read(FuzzRig *r, const FuzzOp *op, uint32_t val)
{
    if (op->addr == 0x61 && op->size == 1) {
        /* Bit 5 mirrors channel 2's OUT, bit 0 is channel 2's gate. */
        FUZZ_ASSERT(r, (int)((val >> 5) & 1) == pit_get_out(r->s, 2));
        FUZZ_ASSERT(r, (int)(val & 1) == pit_get_gate(r->s, 2));
    }
}

static void spk_check(FuzzRig *r, const FuzzOp *op)
{
    int gate = pit_get_gate(r->s, 2);
    FUZZ_ASSERT(r, gate == 0 || gate == 1);
}

const FuzzTarget fuzz_target = {
    .name = "pcspk",
    .covers = "hw/misc/pcspk.c",
    .setup = spk_setup,
    .check_read = spk_check_read,
    .check = spk_check,
};
