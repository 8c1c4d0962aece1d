/*
 * The ISA bus's port bookkeeping (include/hw/isa/isa.h): which device
 * decodes which ports, so that a second device on the same ports is refused
 * by name instead of silently hiding the first.  Only ports claimed through
 * isa_register_ioport() are known here; chipset registers the board maps
 * into the port space directly (PCI configuration ports, PIIX4 PM) are not.
 */
#include "emu/common.h"
#include "hw/isa/isa.h"

int isa_register_ioport(ISABus *bus, DeviceState *dev, MemoryRegion *mr,
                        uint32_t port, Error **errp)
{
    uint64_t last = port + mr->size - 1;

    if (mr->size == 0 || last > 0xffff) {
        error_setg(errp,
                   "I/O ports 0x%x-0x%" PRIx64 " are outside the ISA "
                   "port space (0-0xffff)",
                   port, last);
        return -EINVAL;
    }
    for (int i = 0; i < bus->nr_ports; i++) {
        const ISAPortRange *r = &bus->ports[i];
        if (port <= r->last && last >= r->first) {
            if (r->owner->id) {
                error_setg(errp, "I/O ports 0x%x-0x%x already used by %s (%s)",
                           r->first, r->last, r->owner->id,
                           r->owner->cls->name);
            } else {
                error_setg(errp, "I/O ports 0x%x-0x%x already used by %s",
                           r->first, r->last, r->owner->cls->name);
            }
            return -EBUSY;
        }
    }
    if (bus->nr_ports == ISA_MAX_PORT_RANGES) {
        error_setg(errp, "too many I/O port ranges on %s (at most %d)",
                   bus->qbus.name, ISA_MAX_PORT_RANGES);
        return -ENOSPC;
    }
    bus->ports[bus->nr_ports++] = (ISAPortRange){
        .first = port,
        .last = (uint32_t)last,
        .owner = dev,
        .mr = mr,
    };
    memory_region_add_subregion(bus->io, port, mr);
    return 0;
}

void isa_unregister_ioport(ISABus *bus, MemoryRegion *mr)
{
    for (int i = 0; i < bus->nr_ports; i++) {
        if (bus->ports[i].mr == mr) {
            bus->ports[i] = bus->ports[--bus->nr_ports];
            memory_region_del_subregion(bus->io, mr);
            return;
        }
    }
}
