/*
 * Fuzz target: the 8259A pair (master at 0x20, slave at 0xA0) and the PIIX
 * ELCR registers (0x4D0/0x4D1).  Events drive the 16 input pins and run
 * interrupt-acknowledge cycles as the CPU would.
 */
#include "tests/fuzz/fuzz.h"
#include "hw/intc/i8259.h"

typedef struct PicFuzz {
    PICState *master;
    IRQ **inputs;
    FuzzLine *intr;
} PicFuzz;

static PicFuzz pic_fuzz;

static void pic_setup(FuzzRig *r)
{
    Error *err = NULL;
    PicFuzz *p = &pic_fuzz;
    IRQ *intr = fuzz_line(r, "intr", &p->intr);

    p->inputs = fuzz_must(i8259_init(&r->tb.isa, intr, &p->master, &err), err,
                          "i8259 pair");
    r->s = p;
    fuzz_add_window(r, FUZZ_IO, 0x20, 2);
    fuzz_add_window(r, FUZZ_IO, 0xa0, 2);
    fuzz_add_window(r, FUZZ_IO, 0x4d0, 2);
}

static void pic_teardown(FuzzRig *r)
{
    free(pic_fuzz.inputs);
}

static void pic_event(FuzzRig *r, const FuzzOp *op)
{
    PicFuzz *p = r->s;
    if (op->value & 0x100) {
        /* INTA: only meaningful while INTR is high, but a CPU may also
         * acknowledge late (spurious IRQ 7/15). */
        int vec = pic_read_irq(p->master);
        FUZZ_ASSERT(r, vec >= 0 && vec <= 0xff);
    } else {
        irq_set(p->inputs[op->offset % 16], op->value & 1);
    }
}

static void pic_check(FuzzRig *r, const FuzzOp *op)
{
    PicFuzz *p = r->s;
    int out = pic_get_output(p->master);
    FUZZ_ASSERT(r, out == 0 || out == 1);
    /* The INTR line the CPU sees is the master's output. */
    if (out != p->intr->level) {
        fuzz_fail(r, "INTR line %d but pic_get_output %d", p->intr->level, out);
    }
}

const FuzzTarget fuzz_target = {
    .name = "i8259",
    .covers = "hw/intc/i8259.c",
    .setup = pic_setup,
    .teardown = pic_teardown,
    .event = pic_event,
    .check = pic_check,
};
