/*
 * Fuzz target: the i8042 keyboard controller (0x60, 0x64; IRQ 1 and 12;
 * the A20 output) with the PS/2 keyboard and mouse behind it.  Events are
 * what the UI feeds the devices: key presses and releases, mouse motion
 * and buttons, so that queues fill while the guest is sending commands.
 */
#include "tests/fuzz/fuzz.h"
#include "emu/main-loop.h"
#include "hw/input/i8042.h"
#include "hw/input/ps2.h"

static void kbc_setup(FuzzRig *r)
{
    Error *err = NULL;
    IRQ *a20 = fuzz_line(r, "a20", NULL);
    r->s = fuzz_must(i8042_init(&r->tb.isa, a20, &err), err, "i8042");
    fuzz_add_window(r, FUZZ_IO, 0x60, 1);
    fuzz_add_window(r, FUZZ_IO, 0x64, 1);
}

static void kbc_event(FuzzRig *r, const FuzzOp *op)
{
    I8042State *s = r->s;
    uint32_t v = op->value;

    if (op->offset & 1) {
        ps2_mouse_event(i8042_get_mouse(s), (int8_t)v, (int8_t)(v >> 8),
                        (int8_t)(v >> 16) % 4, (v >> 24) & 7);
    } else {
        /* Linux input key codes: 0-255 covers the keyboard. */
        ps2_keyboard_event(i8042_get_kbd(s), v & 0xff, v & 0x100);
    }
}

static void kbc_check(FuzzRig *r, const FuzzOp *op)
{
    /* A reset or shutdown request (command 0xFE, output port) is only a
     * flag here; clear it so every input starts the same way. */
    system_requests_clear();
}

const FuzzTarget fuzz_target = {
    .name = "i8042",
    .covers = "hw/input/i8042.c hw/input/ps2.c",
    .setup = kbc_setup,
    .event = kbc_event,
    .check = kbc_check,
};
