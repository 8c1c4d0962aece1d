/*
 * Intel 8237A DMA controller ("i8257", QEMU's name for it), two of which
 * the PC/AT cascades (hw/isa/i8257.c):
 *
 *   master  channels 0-3, bytes   ports 0x00-0x0F,  pages 0x80-0x87
 *   slave   channels 4-7, words   ports 0xC0-0xDF (register n at 0xC0 +
 *           2n),  pages 0x88-0x8F; channel 4 is the cascade input
 *
 * One device per chip, with the properties iobase, page-base and dshift
 * (0 for the 8-bit chip, 1 for the 16-bit one).  Realize registers the
 * chip with its ISA bus (bus->dma[dshift]) so that devices find their
 * channel through hw/isa/isa-dma.h.
 */
#ifndef HW_ISA_I8257_H
#define HW_ISA_I8257_H

#include "emu/common.h"
#include "hw/isa/isa.h"

#define TYPE_I8257 "i8257"

typedef struct I8257State I8257State;

/* Create, realize and reset both controllers of the PC on bus. */
int i8257_init_pc(ISABus *bus, Error **errp);

#endif
