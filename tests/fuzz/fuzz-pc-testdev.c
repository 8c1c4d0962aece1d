/*
 * Fuzz target: pc-testdev (hw/misc/pc-testdev.c): its scratch ports, the
 * flush port (random guest-physical addresses, RAM or not), the IRQ line
 * ports (0-23) and the 64 KiB MMIO scratch memory with accesses of every
 * width, also across its end.  Invariant: the byte-wise alias at 0xe8
 * reads what the register at 0xe0 holds.
 */
#include "tests/fuzz/fuzz.h"

static void td_setup(FuzzRig *r)
{
    test_device(&r->tb, "pc-testdev", NULL);
    fuzz_add_window(r, FUZZ_IO, 0xe0, 12);
    fuzz_add_window(r, FUZZ_IO, 0x2000, 24);
    fuzz_add_window(r, FUZZ_MEM, 0xff000000, 0x10000);
}

static void td_check(FuzzRig *r, const FuzzOp *op)
{
    (void)op;
    FUZZ_ASSERT(r,
                as_in(&r->tb.io_as, 0xe8, 4) == as_in(&r->tb.io_as, 0xe0, 4));
}

const FuzzTarget fuzz_target = {
    .name = "pc-testdev",
    .covers = "hw/misc/pc-testdev.c",
    .setup = td_setup,
    .check = td_check,
};
