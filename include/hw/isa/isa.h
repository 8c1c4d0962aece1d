/*
 * The ISA bus as devices see it: a port space to map registers into, the
 * memory space (for ISA memory and DMA), and 16 IRQ lines (the PIC inputs,
 * wired by the board).  An ISA device's realize() takes its bus from
 * dev->bus and maps its own ports at its "iobase" property.
 */
#ifndef HW_ISA_H
#define HW_ISA_H

#include "emu/common.h"
#include "emu/irq.h"
#include "emu/memory.h"

typedef struct ISABus {
    MemoryRegion *io; /* port space root (64 KiB) */
    AddressSpace *io_as;
    MemoryRegion *mem; /* system memory root */
    AddressSpace *mem_as;
    IRQ *irqs[16];
} ISABus;

static inline void isa_register_ioport(ISABus *bus, MemoryRegion *mr,
                                       uint32_t port)
{
    memory_region_add_subregion(bus->io, port, mr);
}

static inline IRQ *isa_get_irq(ISABus *bus, int n)
{
    return (n >= 0 && n < 16) ? bus->irqs[n] : NULL;
}

/* Ops for byte-wide ISA registers: wider accesses are split into bytes. */
#define ISA_BYTE_OPS_SIZES                                 \
    .valid = {.min_access_size = 1, .max_access_size = 4}, \
    .impl = {.min_access_size = 1, .max_access_size = 1}

#endif
