/*
 * pc-testdev: QEMU's x86 test device, which kvm-unit-tests and other
 * guest-side test programs drive (QEMU's hw/misc/pc-testdev.c defines the
 * behaviour; this is our own model of it):
 *
 *   I/O 0xe0-0xe3     a 32-bit scratch register, any access width
 *   I/O 0xe4 (dword)  "flush page": a write of a guest-physical address
 *                     drops what the host has cached of that page (under
 *                     KVM, the host mapping is protected and restored, so
 *                     the guest's next access faults in again; the
 *                     translator keeps nothing to drop)
 *   I/O 0xe8-0xeb     the same scratch register, through byte accesses
 *   I/O 0x2000+n      a byte write sets the level of ISA IRQ n (0-15) to
 *                     (value != 0); lines 16-23 (I/O APIC only) are not
 *                     supported and said so once
 *   MMIO 0xff000000   64 KiB of scratch memory behind an MMIO region (to
 *                     exercise the MMIO path with ordinary instructions)
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/log.h"
#include "emu/memory.h"
#include "emu/trace.h"
#include "hw/isa/isa.h"

#include <sys/mman.h>

#define TESTDEV_IOMEM_BASE 0xff000000ull
#define TESTDEV_IOMEM_LEN  0x10000
#define TESTDEV_IRQ_PORT   0x2000
#define TESTDEV_IRQ_LINES  24

typedef struct PCTestdevState {
    DeviceState parent;
    MemoryRegion ioport, flush, ioport_byte, irq, iomem;
    uint32_t ioport_data;
    uint8_t iomem_buf[TESTDEV_IOMEM_LEN];
} PCTestdevState;

/* The scratch register: an access of size bytes at byte addr & 3. */
static uint64_t testdev_ioport_read_do(void *opaque, uint64_t addr,
                                       unsigned size)
{
    PCTestdevState *s = opaque;
    unsigned shift = (addr & 3) * 8;
    uint64_t mask = size >= 4 ? 0xffffffffull : (1ull << (size * 8)) - 1;
    return (s->ioport_data >> shift) & mask;
}

static uint64_t testdev_ioport_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = testdev_ioport_read_do(opaque, addr, size);
    trace(testdev_ioport_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void testdev_ioport_write(void *opaque, uint64_t addr, uint64_t val,
                                 unsigned size)
{
    trace(testdev_ioport_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    PCTestdevState *s = opaque;
    unsigned shift = (addr & 3) * 8;
    uint64_t mask = size >= 4 ? 0xffffffffull : (1ull << (size * 8)) - 1;
    s->ioport_data = (s->ioport_data & ~(uint32_t)(mask << shift)) |
                     (uint32_t)((val & mask) << shift);
}

static const MemoryRegionOps testdev_ioport_ops = {
    .read = testdev_ioport_read,
    .write = testdev_ioport_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* Wider accesses at 0xe8 arrive as bytes, each at its own offset. */
static const MemoryRegionOps testdev_ioport_byte_ops = {
    .read = testdev_ioport_read,
    .write = testdev_ioport_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

static void testdev_flush_write(void *opaque, uint64_t addr, uint64_t val,
                                unsigned size)
{
    trace(testdev_flush_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    PCTestdevState *s = opaque;
    ISABus *bus = isa_bus(&s->parent);
    uint64_t page = (uint32_t)val & ~0xfffull;
    uint8_t *host = address_space_ram_ptr(bus->mem_as, page, 4096, true);
    (void)addr;
    (void)size;

    /* Not RAM: nothing cached to drop. */
    if (host) {
        mprotect(host, 4096, PROT_NONE);
        mprotect(host, 4096, PROT_READ | PROT_WRITE);
    }
}

static const MemoryRegionOps testdev_flush_ops = {
    .write = testdev_flush_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

static void testdev_irq_write(void *opaque, uint64_t addr, uint64_t val,
                              unsigned size)
{
    trace(testdev_irq_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    PCTestdevState *s = opaque;
    (void)size;

    if (addr >= 16) {
        log_unimp_once("pc-testdev: lines 16-23 (I/O APIC pins without an "
                       "ISA IRQ) not supported");
        return;
    }
    irq_set(isa_get_irq(isa_bus(&s->parent), (int)addr), val != 0);
}

static const MemoryRegionOps testdev_irq_ops = {
    .write = testdev_irq_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

static uint64_t testdev_iomem_read_do(void *opaque, uint64_t addr,
                                      unsigned size)
{
    PCTestdevState *s = opaque;
    uint64_t v = 0;
    /* An access that runs past the end keeps only its bytes inside. */
    size_t n =
        addr < TESTDEV_IOMEM_LEN ? MIN(size, TESTDEV_IOMEM_LEN - addr) : 0;
    memcpy(&v, s->iomem_buf + addr, n); /* little-endian host */
    return v;
}

static uint64_t testdev_iomem_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = testdev_iomem_read_do(opaque, addr, size);
    trace(testdev_iomem_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void testdev_iomem_write(void *opaque, uint64_t addr, uint64_t val,
                                unsigned size)
{
    trace(testdev_iomem_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    PCTestdevState *s = opaque;
    size_t n =
        addr < TESTDEV_IOMEM_LEN ? MIN(size, TESTDEV_IOMEM_LEN - addr) : 0;
    memcpy(s->iomem_buf + addr, &val, n);
}

static const MemoryRegionOps testdev_iomem_ops = {
    .read = testdev_iomem_read,
    .write = testdev_iomem_write,
    .valid = {.min_access_size = 1, .max_access_size = 8},
    .impl = {.min_access_size = 1, .max_access_size = 8},
};

static int testdev_realize(DeviceState *dev, Error **errp)
{
    PCTestdevState *s = container_of(dev, PCTestdevState, parent);
    ISABus *bus = isa_bus(dev);

    memory_region_init_io(&s->ioport, &testdev_ioport_ops, s,
                          "pc-testdev-ioport", 4);
    memory_region_init_io(&s->flush, &testdev_flush_ops, s,
                          "pc-testdev-flush-page", 4);
    memory_region_init_io(&s->ioport_byte, &testdev_ioport_byte_ops, s,
                          "pc-testdev-ioport-byte", 4);
    memory_region_init_io(&s->irq, &testdev_irq_ops, s, "pc-testdev-irq-line",
                          TESTDEV_IRQ_LINES);
    memory_region_init_io(&s->iomem, &testdev_iomem_ops, s, "pc-testdev-iomem",
                          TESTDEV_IOMEM_LEN);
    if (isa_register_ioport(bus, dev, &s->ioport, 0xe0, errp) < 0 ||
        isa_register_ioport(bus, dev, &s->flush, 0xe4, errp) < 0 ||
        isa_register_ioport(bus, dev, &s->ioport_byte, 0xe8, errp) < 0 ||
        isa_register_ioport(bus, dev, &s->irq, TESTDEV_IRQ_PORT, errp) < 0) {
        /* Unregistering a range that was not registered does nothing. */
        isa_unregister_ioport(bus, &s->ioport);
        isa_unregister_ioport(bus, &s->flush);
        isa_unregister_ioport(bus, &s->ioport_byte);
        isa_unregister_ioport(bus, &s->irq);
        return -EBUSY;
    }
    memory_region_add_subregion(bus->mem, TESTDEV_IOMEM_BASE, &s->iomem);
    return 0;
}

static void testdev_unrealize(DeviceState *dev)
{
    PCTestdevState *s = container_of(dev, PCTestdevState, parent);
    ISABus *bus = isa_bus(dev);

    memory_region_del_subregion(bus->mem, &s->iomem);
    isa_unregister_ioport(bus, &s->ioport);
    isa_unregister_ioport(bus, &s->flush);
    isa_unregister_ioport(bus, &s->ioport_byte);
    isa_unregister_ioport(bus, &s->irq);
}

static void testdev_reset(DeviceState *dev)
{
    PCTestdevState *s = container_of(dev, PCTestdevState, parent);
    s->ioport_data = 0;
    memset(s->iomem_buf, 0, sizeof(s->iomem_buf));
}

/* The scratch register and memory.  The IRQ lines it sets are the ISA
 * bus's (the board's interrupt controllers save what they latched). */
static const VMStateField vmstate_testdev_fields[] = {
    VMSTATE_U32(ioport_data, PCTestdevState),
    VMSTATE_U8_ARRAY(iomem_buf, PCTestdevState, TESTDEV_IOMEM_LEN),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_testdev = {
    .name = "pc-testdev",
    .version = 1,
    .fields = vmstate_testdev_fields,
};

static const Property testdev_props[] = {
    DEFINE_PROP_END,
};

static const DeviceClass testdev_class = {
    .name = "pc-testdev",
    .desc = "QEMU's x86 test device (kvm-unit-tests): scratch port, IRQ "
            "lines, MMIO scratch memory",
    .bus = "isa",
    .instance_size = sizeof(PCTestdevState),
    .props = testdev_props,
    .user_creatable = true,
    .realize = testdev_realize,
    .unrealize = testdev_unrealize,
    .reset = testdev_reset,
    .vmsd = &vmstate_testdev,
};
DEVICE_CLASS_REGISTER(testdev_class);
