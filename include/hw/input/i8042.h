/*
 * Intel 8042 keyboard controller ("i8042"): ports 0x60 (data) and 0x64
 * (status / command), IRQ 1 (keyboard) and IRQ 12 (mouse) from the ISA bus,
 * with a PS/2 keyboard and a PS/2 mouse behind it.
 *
 * Board wiring:
 *
 *     I8042State *kbc = i8042_init(isa_bus, a20_line, &err);
 *
 * a20_line receives the output port's A20 bit (level 1 = A20 enabled); it
 * is driven to 1 at every reset of the controller.  Pulse command 0xFE and
 * output-port writes with bit 0 clear call
 * system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET).
 *
 * The UI reaches the devices with i8042_get_kbd()/i8042_get_mouse() and
 * ps2_keyboard_event()/ps2_mouse_event() (hw/input/ps2.h), under the
 * global lock.
 */
#ifndef HW_INPUT_I8042_H
#define HW_INPUT_I8042_H

#include "emu/common.h"
#include "emu/irq.h"
#include "hw/input/ps2.h"
#include "hw/isa/isa.h"

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT  0x64
#define I8042_KBD_IRQ   1
#define I8042_AUX_IRQ   12

typedef struct I8042State I8042State;

/* new("i8042") + set the A20 line + realize on bus + reset; NULL on error. */
I8042State *i8042_init(ISABus *bus, IRQ *a20_out, Error **errp);

/* The A20 output line; may be set before or after realize (NULL: none). */
void i8042_set_a20_line(I8042State *s, IRQ *a20_out);

PS2KbdState *i8042_get_kbd(I8042State *s);
PS2MouseState *i8042_get_mouse(I8042State *s);

#endif
