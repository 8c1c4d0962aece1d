/*
 * isa-debug-exit: a test device, not a chip (QEMU's hw/misc/debugexit.c
 * defines the behaviour).  Any write of value V to one of its ports asks
 * the machine to shut down with exit status (V << 1) | 1; reads return 0.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/main-loop.h"
#include "emu/memory.h"
#include "emu/trace.h"
#include "hw/isa/isa.h"
#include "hw/misc/debugexit.h"

typedef struct DebugExitState {
    DeviceState parent;
    uint32_t iobase;
    uint32_t iosize;
    MemoryRegion io;
} DebugExitState;

static uint64_t debug_exit_read_do(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static uint64_t debug_exit_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = debug_exit_read_do(opaque, addr, size);
    trace(debugexit_debug_exit_read,
          "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr, val, size);
    return val;
}

static void debug_exit_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    trace(debugexit_debug_exit_write,
          "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr, val, size);
    system_shutdown_request(SHUTDOWN_CAUSE_DEBUG_EXIT,
                            (int)(((uint32_t)val << 1) | 1));
}

/* The whole value of a 1-4 byte access, not split into bytes. */
static const MemoryRegionOps debug_exit_ops = {
    .read = debug_exit_read,
    .write = debug_exit_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static int debug_exit_realize(DeviceState *dev, Error **errp)
{
    DebugExitState *s = container_of(dev, DebugExitState, parent);
    ISABus *bus = isa_bus(dev);

    if (s->iosize == 0 || s->iosize > 0x100 ||
        (uint64_t)s->iobase + s->iosize > 0x10000) {
        error_setg(errp,
                   "isa-debug-exit: iobase 0x%x/iosize 0x%x out of "
                   "range",
                   s->iobase, s->iosize);
        return -EINVAL;
    }
    memory_region_init_io(&s->io, &debug_exit_ops, s, "isa-debug-exit",
                          s->iosize);
    if (isa_register_ioport(bus, dev, &s->io, s->iobase, errp) < 0) {
        memory_region_finalize(&s->io);
        return -EBUSY;
    }
    return 0;
}

static void debug_exit_unrealize(DeviceState *dev)
{
    DebugExitState *s = container_of(dev, DebugExitState, parent);
    ISABus *bus = isa_bus(dev);

    isa_unregister_ioport(bus, &s->io);
    memory_region_finalize(&s->io);
}

static const Property debug_exit_props[] = {
    DEFINE_PROP_U32("iobase", DebugExitState, iobase, 0x501, "I/O base"),
    DEFINE_PROP_U32("iosize", DebugExitState, iosize, 0x02, "I/O size"),
    DEFINE_PROP_END,
};

/* No state: a write ends emu, a read returns all ones. */
static const VMStateField vmstate_debug_exit_fields[] = {
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_debug_exit = {
    .name = "isa-debug-exit",
    .version = 1,
    .fields = vmstate_debug_exit_fields,
};

static const DeviceClass debug_exit_class = {
    .name = TYPE_ISA_DEBUG_EXIT,
    .desc = "exit emu with status (V << 1) | 1 on a port write",
    .bus = "isa",
    .instance_size = sizeof(DebugExitState),
    .props = debug_exit_props,
    .user_creatable = true,
    .realize = debug_exit_realize,
    .unrealize = debug_exit_unrealize,
    .vmsd = &vmstate_debug_exit,
};
DEVICE_CLASS_REGISTER(debug_exit_class);
