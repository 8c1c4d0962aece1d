/*
 * Intel 8259A programmable interrupt controller, as the cascaded
 * master/slave pair of a PC with the PIIX edge/level control registers.
 */
#ifndef HW_INTC_I8259_H
#define HW_INTC_I8259_H

#include "emu/common.h"
#include "emu/irq.h"
#include "hw/isa/isa.h"

typedef struct PICState PICState;

/*
 * Creates both chips as devices on the ISA bus (master 0x20 + ELCR 0x4d0,
 * slave 0xa0 + ELCR 0x4d1, slave INT -> master IR2) and resets them; intr is
 * the line to the CPU's INTR input.  Returns the 16 input lines (IRQ 0-15):
 * the array is the caller's to free(), the lines belong to the chips.  The
 * board puts them into ISABus.irqs (or fans them out with an IOAPIC).
 */
IRQ **i8259_init(ISABus *bus, IRQ *intr, PICState **master_out, Error **errp);

/*
 * The INTA cycle: returns the vector to deliver (handles the cascade,
 * auto-EOI, spurious 7/15).  Called under the global lock.
 */
int pic_read_irq(PICState *master);

/* Level of the master's INT output (what the CPU's INTR pin sees). */
int pic_get_output(PICState *master);

/* For "info pic": both chips of the pair. */
void pic_dump(FILE *f, PICState *master);

#endif
