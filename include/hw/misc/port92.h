/*
 * System Control Port A at I/O port 0x92 ("port92"): the PS/2 "fast A20"
 * and fast reset port.
 *
 * Board wiring:
 *
 *     Port92State *p92 = port92_init(isa_bus, a20_line, &err);
 *
 * a20_line receives bit 1 on every write (level 1 = A20 enabled).  A 0->1
 * transition of bit 0 calls system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET).
 * Reset clears bit 0 only and does not drive the line (as QEMU does), so
 * the i8042's A20 output and this one may share a last-writer-wins line;
 * on a PIIX3 the real A20 gate is the OR of the two.
 */
#ifndef HW_MISC_PORT92_H
#define HW_MISC_PORT92_H

#include "emu/common.h"
#include "emu/irq.h"
#include "hw/isa/isa.h"

#define PORT92_IOBASE 0x92

typedef struct Port92State Port92State;

/* new("port92") + set the A20 line + realize on bus + reset; NULL on error. */
Port92State *port92_init(ISABus *bus, IRQ *a20_out, Error **errp);
void port92_set_a20_line(Port92State *s, IRQ *a20_out);

#endif
