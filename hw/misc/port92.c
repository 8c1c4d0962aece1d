/*
 * System Control Port A (I/O port 0x92), from the IBM PS/2 and kept by
 * every PC chipset since (Intel 82371SB PIIX3 data sheet, "Port 92h").
 *
 *   bit 0  ALT_RST: writing 1 after 0 pulses the CPU reset line
 *   bit 1  ALT_A20: 1 enables the A20 address line
 *   bit 3  security lock, bits 6-7 disk activity LEDs: stored, no effect
 *
 * Reads return the last value written.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/main-loop.h"
#include "emu/memory.h"
#include "emu/vmstate.h"
#include "emu/trace.h"
#include "hw/misc/port92.h"

#define PORT92_RESET 0x01
#define PORT92_A20   0x02

struct Port92State {
    DeviceState parent;
    MemoryRegion io;
    IRQ *a20_out;
    uint8_t outport;
};

static uint64_t port92_read_do(void *opaque, uint64_t addr, unsigned size)
{
    Port92State *s = opaque;
    return s->outport;
}

static uint64_t port92_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = port92_read_do(opaque, addr, size);
    trace(port92_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void port92_write(void *opaque, uint64_t addr, uint64_t data,
                         unsigned size)
{
    trace(port92_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          data, size);
    Port92State *s = opaque;
    uint8_t old = s->outport;

    s->outport = data;
    irq_set(s->a20_out, !!(data & PORT92_A20));
    if ((data & PORT92_RESET) && !(old & PORT92_RESET)) {
        system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static const MemoryRegionOps port92_ops = {
    .read = port92_read,
    .write = port92_write,
    ISA_BYTE_OPS_SIZES,
};

static void port92_reset(DeviceState *dev)
{
    Port92State *s = (Port92State *)dev;

    /* The reset pulse is over; A20 keeps its setting (see port92.h). */
    s->outport &= ~PORT92_RESET;
}

static const VMStateField port92_fields[] = {
    VMSTATE_U8(outport, Port92State),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_port92 = {
    .name = "port92",
    .version = 1,
    .fields = port92_fields,
};

static int port92_realize(DeviceState *dev, Error **errp)
{
    Port92State *s = (Port92State *)dev;
    ISABus *bus = isa_bus(dev);

    if (!bus) {
        error_setg(errp, "port92: needs an ISA bus");
        return -EINVAL;
    }
    memory_region_init_io(&s->io, &port92_ops, s, "port92", 1);
    if (isa_register_ioport(bus, dev, &s->io, PORT92_IOBASE, errp) < 0) {
        memory_region_finalize(&s->io);
        return -EBUSY;
    }
    return 0;
}

static void port92_unrealize(DeviceState *dev)
{
    Port92State *s = (Port92State *)dev;
    ISABus *bus = isa_bus(dev);

    isa_unregister_ioport(bus, &s->io);
    memory_region_finalize(&s->io);
}

static const Property port92_props[] = {
    DEFINE_PROP_END,
};

static const DeviceClass port92_class = {
    .name = "port92",
    .desc = "System Control Port A (fast A20 and reset)",
    .bus = "isa",
    .instance_size = sizeof(Port92State),
    .props = port92_props,
    .realize = port92_realize,
    .unrealize = port92_unrealize,
    .reset = port92_reset,
    .vmsd = &vmstate_port92,
};
DEVICE_CLASS_REGISTER(port92_class);

void port92_set_a20_line(Port92State *s, IRQ *a20_out)
{
    s->a20_out = a20_out;
}

Port92State *port92_init(ISABus *bus, IRQ *a20_out, Error **errp)
{
    DeviceState *dev = device_new_class(&port92_class);

    port92_set_a20_line((Port92State *)dev, a20_out);
    if (device_realize(dev, &bus->qbus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return (Port92State *)dev;
}
