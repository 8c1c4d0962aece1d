/*
 * Intel 8254 programmable interval timer: three 16-bit counters clocked at
 * 1.193182 MHz.  Channel 0 drives an ISA IRQ (0), channel 2 is gated and
 * read back through port 0x61 (hw/misc/pcspk.c).
 */
#ifndef HW_TIMER_I8254_H
#define HW_TIMER_I8254_H

#include "emu/common.h"
#include "hw/isa/isa.h"

#define PIT_FREQ 1193182

typedef struct PITState PITState;

/*
 * Create, realize and reset an "isa-pit" on bus at iobase (0x40 on a PC);
 * channel 0 drives the bus's IRQ 0.  NULL on error.
 */
PITState *pit_init(ISABus *bus, uint32_t iobase, Error **errp);

/* The GATE input of a channel (0-2); channel 2's comes from port 0x61. */
void pit_set_gate(PITState *s, int channel, int level);
int pit_get_gate(PITState *s, int channel);
/* The OUT pin of a channel (0-2) at the current virtual time. */
int pit_get_out(PITState *s, int channel);

#endif
