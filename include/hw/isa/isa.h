/*
 * The ISA bus as devices see it: a port space to map registers into, the
 * memory space (for ISA memory and DMA), and 16 IRQ lines (the PIC inputs,
 * wired by the board).  An ISA device's realize() takes its bus with
 * isa_bus(dev) and maps its own ports at its "iobase" property.  The bus is
 * registered as "isa.<n>" (isa_bus_init) so that -device ...,bus=isa.0 and
 * info qtree find it.
 */
#ifndef HW_ISA_H
#define HW_ISA_H

#include "emu/common.h"
#include "emu/device.h"
#include "emu/irq.h"
#include "emu/memory.h"

#define ISA_MAX_PORT_RANGES 64

/* Ports a device claimed with isa_register_ioport(). */
typedef struct ISAPortRange {
    uint32_t first, last;
    DeviceState *owner;
    MemoryRegion *mr;
} ISAPortRange;

typedef struct ISABus {
    BusState qbus; /* type "isa" */
    MemoryRegion *io; /* port space root (64 KiB) */
    AddressSpace *io_as;
    MemoryRegion *mem; /* system memory root */
    AddressSpace *mem_as;
    IRQ *irqs[16];
    ISAPortRange ports[ISA_MAX_PORT_RANGES];
    int nr_ports;
    /* The ISA DMA controllers, set by their realize (hw/isa/i8257.c):
     * [0] channels 0-3 (8-bit), [1] channels 4-7 (16-bit).  Devices use
     * them through hw/isa/isa-dma.h. */
    struct I8257State *dma[2];
} ISABus;

/* Register the bus (name NULL: "isa.<n>") over these spaces; irqs stay
 * unconnected until the board sets them. */
static inline void isa_bus_init(ISABus *bus, const char *name,
                                MemoryRegion *io, AddressSpace *io_as,
                                MemoryRegion *mem, AddressSpace *mem_as)
{
    bus_init(&bus->qbus, "isa", name, NULL);
    bus->io = io;
    bus->io_as = io_as;
    bus->mem = mem;
    bus->mem_as = mem_as;
}

/* The ISA bus dev is plugged into, or NULL. */
static inline ISABus *isa_bus(DeviceState *dev)
{
    return dev->bus && !strcmp(dev->bus->type, "isa")
               ? container_of(dev->bus, ISABus, qbus)
               : NULL;
}

/*
 * Map dev's register block mr at port.  Two ISA devices cannot decode the
 * same port: a range that overlaps one another device holds is refused
 * with a message naming that device (-EBUSY), and nothing is mapped.
 * (On a real ISA bus both would drive the data lines: garbage.)
 */
int isa_register_ioport(ISABus *bus, DeviceState *dev, MemoryRegion *mr,
                        uint32_t port, Error **errp);
/* Unmap a block mapped with isa_register_ioport (unrealize). */
void isa_unregister_ioport(ISABus *bus, MemoryRegion *mr);

static inline IRQ *isa_get_irq(ISABus *bus, int n)
{
    return (n >= 0 && n < 16) ? bus->irqs[n] : NULL;
}

/* Ops for byte-wide ISA registers: wider accesses are split into bytes. */
#define ISA_BYTE_OPS_SIZES                                 \
    .valid = {.min_access_size = 1, .max_access_size = 4}, \
    .impl = {.min_access_size = 1, .max_access_size = 1}

#endif
