/*
 * Fuzz target: the debug devices, isa-debugcon (0xE9 on a ring-buffer
 * chardev, 0x402 with no chardev) and isa-debug-exit (0x501, two ports).
 * A debug-exit write only records a shutdown request here; the invariant
 * is that it never ends the process itself and that debugcon's readback is
 * constant.
 */
#include "tests/fuzz/fuzz.h"
#include "emu/chardev.h"
#include "emu/main-loop.h"
#include "hw/char/debugcon.h"
#include "hw/misc/debugexit.h"

static Chardev *dbg_chr;

static void dbg_setup(FuzzRig *r)
{
    Error *err = NULL;
    dbg_chr = fuzz_must(chardev_new_opts("ringbuf,id=dbg0,size=32", &err), err,
                        "ringbuf chardev");
    test_device(&r->tb, TYPE_ISA_DEBUGCON, "iobase=0xe9,chardev=dbg0");
    test_device(&r->tb, TYPE_ISA_DEBUGCON, "iobase=0x402,readback=0x5a");
    test_device(&r->tb, TYPE_ISA_DEBUG_EXIT, "iobase=0x501,iosize=2");
    fuzz_add_window(r, FUZZ_IO, 0xe8, 3);
    fuzz_add_window(r, FUZZ_IO, 0x401, 3);
    fuzz_add_window(r, FUZZ_IO, 0x500, 4);
}

static void dbg_event(FuzzRig *r, const FuzzOp *op)
{
    uint8_t buf[32];
    if (op->value & 1) {
        ringbuf_read(dbg_chr, buf, sizeof(buf));
    } else {
        ringbuf_set_blocked(dbg_chr, op->value & 2);
    }
}

static void dbg_check_read(FuzzRig *r, const FuzzOp *op, uint32_t val)
{
    if (op->size == 1 && op->addr == 0xe9) {
        FUZZ_ASSERT(r, val == 0xe9);
    } else if (op->size == 1 && op->addr == 0x402) {
        FUZZ_ASSERT(r, val == 0x5a);
    }
}

static void dbg_check(FuzzRig *r, const FuzzOp *op)
{
    system_requests_clear();
}

const FuzzTarget fuzz_target = {
    .name = "debugdev",
    .covers = "hw/char/debugcon.c hw/misc/debugexit.c",
    .setup = dbg_setup,
    .event = dbg_event,
    .check_read = dbg_check_read,
    .check = dbg_check,
};
