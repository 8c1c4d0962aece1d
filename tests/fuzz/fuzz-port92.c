/*
 * Fuzz target: System Control Port A (0x92): fast A20 and the fast reset
 * bit.  A reset request only sets a flag in the rig.
 */
#include "tests/fuzz/fuzz.h"
#include "emu/main-loop.h"
#include "hw/misc/port92.h"

typedef struct Port92Fuzz {
    Port92State *s;
    FuzzLine *a20;
} Port92Fuzz;

static Port92Fuzz port92_fuzz;

static void p92_setup(FuzzRig *r)
{
    Error *err = NULL;
    IRQ *a20 = fuzz_line(r, "a20", &port92_fuzz.a20);
    port92_fuzz.s =
        fuzz_must(port92_init(&r->tb.isa, a20, &err), err, "port92");
    r->s = &port92_fuzz;
    fuzz_add_window(r, FUZZ_IO, 0x92, 1);
}

static void p92_check_read(FuzzRig *r, const FuzzOp *op, uint32_t val)
{
    Port92Fuzz *f = r->s;
    if (op->size == 1) {
        /* Bit 1 reads back the A20 gate the device drives. */
        FUZZ_ASSERT(r, ((val >> 1) & 1) == (uint32_t)f->a20->level);
    }
}

static void p92_check(FuzzRig *r, const FuzzOp *op)
{
    system_requests_clear();
}

const FuzzTarget fuzz_target = {
    .name = "port92",
    .covers = "hw/misc/port92.c",
    .setup = p92_setup,
    .check_read = p92_check_read,
    .check = p92_check,
};
