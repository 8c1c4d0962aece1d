/*
 * ne2k_isa: the Novell NE2000 ISA card, a DP8390 (hw/net/dp8390.c) with
 * 16 KiB of packet RAM behind a 16-bit data port.
 *
 * 32 ports at iobase (default 0x300, where Linux's ne driver and DOS
 * packet drivers probe first): the chip's registers at +0x00-0x0f, the
 * data port at +0x10 (16-bit; a 32-bit access is two 16-bit cycles, as
 * the ISA bus splits it), the reset port at +0x1f.  One ISA IRQ line
 * (default 9).
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/memory.h"
#include "emu/trace.h"
#include "hw/isa/isa.h"
#include "hw/net/dp8390.h"
#include "hw/net/ne2000.h"

typedef struct NE2000ISAState {
    DeviceState parent;
    uint32_t iobase;
    uint32_t irq;
    NICConf conf;
    DP8390State core;
    IRQ *irq_line;
    MemoryRegion io;
} NE2000ISAState;

static uint64_t ne2k_isa_read_do(void *opaque, uint64_t addr, unsigned size)
{
    NE2000ISAState *s = opaque;

    return dp8390_ioport_read(&s->core, addr, size);
}

static uint64_t ne2k_isa_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = ne2k_isa_read_do(opaque, addr, size);
    trace(ne2k_isa_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void ne2k_isa_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
    trace(ne2k_isa_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    NE2000ISAState *s = opaque;

    dp8390_ioport_write(&s->core, addr, val, size);
}

static const MemoryRegionOps ne2k_isa_ops = {
    .read = ne2k_isa_read,
    .write = ne2k_isa_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 2},
};

static void ne2k_isa_set_irq(void *opaque, int level)
{
    NE2000ISAState *s = opaque;

    irq_set(s->irq_line, level);
}

static bool ne2k_isa_can_receive(NetClientState *nc)
{
    NE2000ISAState *s = nc->opaque;

    return dp8390_can_receive(&s->core);
}

static ssize_t ne2k_isa_receive(NetClientState *nc, const uint8_t *buf,
                                size_t len)
{
    NE2000ISAState *s = nc->opaque;

    return dp8390_receive(&s->core, buf, len);
}

static const NetClientInfo ne2k_isa_net_info = {
    .type = "nic",
    .is_nic = true,
    .receive = ne2k_isa_receive,
    .can_receive = ne2k_isa_can_receive,
};

static void ne2k_isa_reset(DeviceState *dev)
{
    NE2000ISAState *s = container_of(dev, NE2000ISAState, parent);

    if (s->core.nc) {
        net_purge_queued(s->core.nc);
    }
    dp8390_reset(&s->core);
}

static int ne2k_isa_post_load(void *opaque)
{
    NE2000ISAState *s = opaque;

    dp8390_post_load(&s->core);
    return 0;
}

static const VMStateField ne2k_isa_fields[] = {
    VMSTATE_STRUCT(core, NE2000ISAState, vmstate_dp8390, DP8390State),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_ne2k_isa = {
    .name = TYPE_NE2K_ISA,
    .version = 1,
    .fields = ne2k_isa_fields,
    .post_load = ne2k_isa_post_load,
};

static int ne2k_isa_realize(DeviceState *dev, Error **errp)
{
    NE2000ISAState *s = container_of(dev, NE2000ISAState, parent);
    ISABus *bus = isa_bus(dev);

    if (s->iobase > 0x10000 - DP8390_IO_SIZE) {
        error_setg(errp, "ne2k_isa: iobase 0x%x out of range", s->iobase);
        return -EINVAL;
    }
    if (s->irq > 15) {
        error_setg(errp, "ne2k_isa: irq %u out of range (0-15)", s->irq);
        return -EINVAL;
    }
    memory_region_init_io(&s->io, &ne2k_isa_ops, s, TYPE_NE2K_ISA,
                          DP8390_IO_SIZE);
    if (isa_register_ioport(bus, dev, &s->io, s->iobase, errp) < 0) {
        memory_region_finalize(&s->io);
        return -EBUSY;
    }
    s->irq_line = isa_get_irq(bus, s->irq);
    s->core.name = TYPE_NE2K_ISA;
    s->core.set_irq = ne2k_isa_set_irq;
    s->core.irq_opaque = s;
    s->core.nc =
        net_nic_new(&ne2k_isa_net_info, &s->conf, TYPE_NE2K_ISA, dev->id, s);
    s->core.mac = s->conf.macaddr;
    return 0;
}

static void ne2k_isa_unrealize(DeviceState *dev)
{
    NE2000ISAState *s = container_of(dev, NE2000ISAState, parent);

    if (s->core.irq_level) {
        irq_lower(s->irq_line);
    }
    net_client_free(s->core.nc);
    s->core.nc = NULL;
    isa_unregister_ioport(isa_bus(dev), &s->io);
    memory_region_finalize(&s->io);
}

static const Property ne2k_isa_props[] = {
    DEFINE_PROP_U32("iobase", NE2000ISAState, iobase, 0x300, "I/O base"),
    DEFINE_PROP_U32("irq", NE2000ISAState, irq, 9, "ISA IRQ"),
    DEFINE_NIC_PROPERTIES(NE2000ISAState, conf),
    DEFINE_PROP_END,
};

static const DeviceClass ne2k_isa_class = {
    .name = TYPE_NE2K_ISA,
    .desc = "NE2000 ISA Ethernet card (DP8390, 16 KiB buffer)",
    .bus = "isa",
    .instance_size = sizeof(NE2000ISAState),
    .props = ne2k_isa_props,
    .user_creatable = true,
    .realize = ne2k_isa_realize,
    .unrealize = ne2k_isa_unrealize,
    .reset = ne2k_isa_reset,
    .vmsd = &vmstate_ne2k_isa,
};
DEVICE_CLASS_REGISTER(ne2k_isa_class);
