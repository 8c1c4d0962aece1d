/*
 * A PCI device for tests ("test-pci-dev"): one BAR of each kind (32 bytes
 * of I/O that read back what was written, 4 KiB of MMIO that reads
 * 0xabcd0000 | offset, 1 MiB of 64-bit prefetchable RAM, a 64 KiB ROM of
 * 0x55 starting with 0xaa) and INTA#.  Used by the PCI unit tests and the
 * PCI fuzz target; include it in one file of a program only.
 */
#ifndef TESTS_UNIT_PCI_TESTDEV_H
#define TESTS_UNIT_PCI_TESTDEV_H

#include "hw/pci/pci.h"

typedef struct TestPCIDev {
    PCIDevice pci;
    MemoryRegion io, mmio, mem64, rom;
    uint8_t io_regs[32];
} TestPCIDev;

static uint64_t tdev_io_read(void *opaque, uint64_t addr, unsigned size)
{
    TestPCIDev *s = opaque;
    return s->io_regs[addr & 31];
}

static void tdev_io_write(void *opaque, uint64_t addr, uint64_t val,
                          unsigned size)
{
    TestPCIDev *s = opaque;
    s->io_regs[addr & 31] = val;
}

static const MemoryRegionOps tdev_io_ops = {
    .read = tdev_io_read,
    .write = tdev_io_write,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static uint64_t tdev_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0xabcd0000 | (addr & 0xffff);
}

static const MemoryRegionOps tdev_mmio_ops = {
    .read = tdev_mmio_read,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

static int tdev_realize(DeviceState *dev, Error **errp)
{
    TestPCIDev *s = container_of(dev, TestPCIDev, pci.parent);
    int ret = pci_device_attach(&s->pci, errp);
    if (ret < 0) {
        return ret;
    }
    pci_config_set_ids(&s->pci, 0x1234, 0x5678, 0x02000001);
    s->pci.config[PCI_INTERRUPT_PIN] = 1;
    memory_region_init_io(&s->io, &tdev_io_ops, s, "tdev-io", 32);
    memory_region_init_io(&s->mmio, &tdev_mmio_ops, s, "tdev-mmio", 4096);
    if (memory_region_init_ram(&s->mem64, "tdev-mem64", 1 * MiB, errp) < 0 ||
        memory_region_init_rom(&s->rom, "tdev-rom", 64 * KiB, errp) < 0) {
        return -ENOMEM;
    }
    memset(s->rom.ram, 0x55, 64 * KiB);
    s->rom.ram[0] = 0xaa;
    pci_register_bar(&s->pci, 0, PCI_BASE_ADDRESS_SPACE_IO, &s->io);
    pci_register_bar(&s->pci, 1, 0, &s->mmio);
    pci_register_bar(&s->pci, 2,
                     PCI_BASE_ADDRESS_MEM_TYPE_64 |
                         PCI_BASE_ADDRESS_MEM_PREFETCH,
                     &s->mem64);
    pci_register_bar(&s->pci, PCI_ROM_SLOT, 0, &s->rom);
    return 0;
}

static void tdev_unrealize(DeviceState *dev)
{
    TestPCIDev *s = container_of(dev, TestPCIDev, pci.parent);
    pci_device_detach(&s->pci);
    memory_region_finalize(&s->mem64);
    memory_region_finalize(&s->rom);
}

static void tdev_reset(DeviceState *dev)
{
    TestPCIDev *s = container_of(dev, TestPCIDev, pci.parent);
    pci_device_reset(&s->pci);
}

static const Property tdev_props[] = {
    DEFINE_PROP_PCI_DEVFN(TestPCIDev),
    DEFINE_PROP_END,
};

static const DeviceClass tdev_class = {
    .name = "test-pci-dev",
    .bus = "pci",
    .instance_size = sizeof(TestPCIDev),
    .props = tdev_props,
    .realize = tdev_realize,
    .unrealize = tdev_unrealize,
    .reset = tdev_reset,
};
DEVICE_CLASS_REGISTER(tdev_class);

#endif
