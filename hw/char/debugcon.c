/*
 * isa-debugcon: the Bochs "port 0xe9 hack" console (QEMU's
 * hw/char/debugcon.c defines the behaviour).  A byte written to the port
 * goes to the chardev; a read returns the readback value so that firmware
 * can detect the port (SeaBIOS probes 0x402 for 0xe9).
 */
#include "emu/common.h"
#include "emu/chardev.h"
#include "emu/device.h"
#include "emu/memory.h"
#include "emu/trace.h"
#include "hw/char/debugcon.h"
#include "hw/isa/isa.h"

typedef struct DebugconState {
    DeviceState parent;
    uint32_t iobase;
    uint32_t readback;
    Chardev *chr;
    MemoryRegion io;
} DebugconState;

static uint64_t debugcon_read_do(void *opaque, uint64_t addr, unsigned size)
{
    DebugconState *s = opaque;

    return s->readback & 0xff;
}

static uint64_t debugcon_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = debugcon_read_do(opaque, addr, size);
    trace(debugcon_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void debugcon_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
    trace(debugcon_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    DebugconState *s = opaque;
    uint8_t ch = val;

    if (s->chr) {
        /* A log port has no flow control: the guest waits for the host. */
        chr_write_all(s->chr, &ch, 1);
    }
}

static const MemoryRegionOps debugcon_ops = {
    .read = debugcon_read,
    .write = debugcon_write,
    ISA_BYTE_OPS_SIZES,
};

static int debugcon_realize(DeviceState *dev, Error **errp)
{
    DebugconState *s = container_of(dev, DebugconState, parent);
    ISABus *bus = isa_bus(dev);

    if (s->iobase > 0xffff) {
        error_setg(errp, "isa-debugcon: iobase 0x%x out of range", s->iobase);
        return -EINVAL;
    }
    memory_region_init_io(&s->io, &debugcon_ops, s, "isa-debugcon", 1);
    if (isa_register_ioport(bus, dev, &s->io, s->iobase, errp) < 0) {
        memory_region_finalize(&s->io);
        return -EBUSY;
    }
    return 0;
}

static void debugcon_unrealize(DeviceState *dev)
{
    DebugconState *s = container_of(dev, DebugconState, parent);
    ISABus *bus = isa_bus(dev);

    isa_unregister_ioport(bus, &s->io);
    memory_region_finalize(&s->io);
}

static const Property debugcon_props[] = {
    DEFINE_PROP_U32("iobase", DebugconState, iobase, 0xe9, "I/O base"),
    DEFINE_PROP_CHARDEV("chardev", DebugconState, chr, "output chardev"),
    DEFINE_PROP_U32("readback", DebugconState, readback, 0xe9,
                    "value a read returns"),
    DEFINE_PROP_END,
};

/* No guest-visible state: each byte goes straight to the chardev, and a
 * read returns the readback property.  An empty table still says so, and
 * lets savevm save a machine that has the port. */
static const VMStateField vmstate_debugcon_fields[] = {
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_debugcon = {
    .name = "isa-debugcon",
    .version = 1,
    .fields = vmstate_debugcon_fields,
};

static const DeviceClass debugcon_class = {
    .name = TYPE_ISA_DEBUGCON,
    .desc = "Bochs/QEMU debug console port",
    .bus = "isa",
    .instance_size = sizeof(DebugconState),
    .props = debugcon_props,
    .user_creatable = true,
    .realize = debugcon_realize,
    .unrealize = debugcon_unrealize,
    .vmsd = &vmstate_debugcon,
};
DEVICE_CLASS_REGISTER(debugcon_class);
