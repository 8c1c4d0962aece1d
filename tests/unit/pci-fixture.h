/*
 * A small `pc` chipset for device tests: the harness's TestBus (port space,
 * 4 GiB memory space with 1 MiB of RAM at 0, ISA IRQ probes) plus what the
 * board adds for the i440FX: a PCI memory container at priority -1 holding a
 * 128 KiB "BIOS" ROM at the top of 4 GiB with its alias at 0xE0000, a 64 KiB
 * "VGA" RAM window at 0xA0000, and then the i440FX, PIIX3 and PIIX4 PM.
 *
 * The ROM holds rom_byte(offset), the VGA window 0xA5, so a test can tell
 * which of RAM, ROM and VGA answered.
 */
#ifndef TESTS_UNIT_PCI_FIXTURE_H
#define TESTS_UNIT_PCI_FIXTURE_H

#include "tests/unit/harness.h"
#include "hw/acpi/piix4.h"
#include "hw/isa/piix3.h"
#include "hw/pci-host/i440fx.h"
#include "hw/pci/pci.h"

#define FIX_BIOS_SIZE (128 * KiB)
#define FIX_VGA_SIZE (64 * KiB)

typedef struct PCFixture {
    TestBus tb;
    MemoryRegion pci_mem;
    MemoryRegion bios, bios_low, vga;
    PCIBus *bus;
    I440FXState *i440fx;
    PIIX3State *piix3;
    PIIX4PMState *pm;
} PCFixture;

static inline uint8_t rom_byte(uint32_t off)
{
    return (uint8_t)(off * 7 + (off >> 8) + 0x3c);
}

static inline void fixture_init(PCFixture *f)
{
    Error *err = NULL;

    memset(f, 0, sizeof(*f));
    test_bus_init(&f->tb);
    memory_region_init(&f->pci_mem, "pci-mem", 4 * GiB);
    if (memory_region_init_rom(&f->bios, "bios", FIX_BIOS_SIZE, &err) < 0 ||
        memory_region_init_ram(&f->vga, "vga", FIX_VGA_SIZE, &err) < 0) {
        error_report_err(err);
        abort();
    }
    for (uint32_t i = 0; i < FIX_BIOS_SIZE; i++) {
        f->bios.ram[i] = rom_byte(i);
    }
    memset(f->vga.ram, 0xa5, FIX_VGA_SIZE);
    memory_region_init_alias(&f->bios_low, "bios-low", &f->bios, 0,
                             FIX_BIOS_SIZE);
    memory_region_add_subregion(&f->pci_mem, 4 * GiB - FIX_BIOS_SIZE,
                                &f->bios);
    memory_region_add_subregion(&f->pci_mem, 1 * MiB - FIX_BIOS_SIZE,
                                &f->bios_low);
    memory_region_add_subregion(&f->pci_mem, 0xa0000, &f->vga);
    memory_region_add_subregion_overlap(&f->tb.mem_root, 0, &f->pci_mem, -1);

    f->bus = i440fx_init(&f->tb.mem_root, &f->tb.io_root, &f->pci_mem,
                         &f->tb.ram, &f->tb.mem_as, &f->i440fx, &err);
    if (!f->bus) {
        error_report_err(err);
        abort();
    }
    f->piix3 = piix3_init(f->bus, &f->tb.isa, &err);
    if (!f->piix3) {
        error_report_err(err);
        abort();
    }
    f->pm = piix4_pm_init(f->bus, PCI_DEVFN(1, 3), &f->tb.isa, &err);
    if (!f->pm) {
        error_report_err(err);
        abort();
    }
}

static inline void fixture_cleanup(PCFixture *f)
{
    piix4_pm_free(f->pm);
    piix3_free(f->piix3);
    i440fx_free(f->i440fx);
    memory_region_del_subregion(&f->tb.mem_root, &f->pci_mem);
    memory_region_del_subregion(&f->pci_mem, &f->bios);
    memory_region_del_subregion(&f->pci_mem, &f->bios_low);
    memory_region_del_subregion(&f->pci_mem, &f->vga);
    memory_region_finalize(&f->bios);
    memory_region_finalize(&f->vga);
    memory_region_finalize(&f->pci_mem);
    test_bus_cleanup(&f->tb);
}

/* Configuration mechanism #1, as firmware does it. */
static inline uint32_t cfg_addr(int devfn, int reg)
{
    return 0x80000000u | (devfn << 8) | (reg & 0xfc);
}

static inline uint32_t cfg_read(PCFixture *f, int devfn, int reg, int len)
{
    outl(&f->tb, 0xcf8, cfg_addr(devfn, reg));
    return as_in(&f->tb.io_as, 0xcfc + (reg & 3), len);
}

static inline void cfg_write(PCFixture *f, int devfn, int reg, int len,
                             uint32_t v)
{
    outl(&f->tb, 0xcf8, cfg_addr(devfn, reg));
    as_out(&f->tb.io_as, 0xcfc + (reg & 3), len, v);
}

static inline uint32_t mem_read(PCFixture *f, uint64_t addr, unsigned size)
{
    return as_in(&f->tb.mem_as, addr, size);
}

static inline void mem_write(PCFixture *f, uint64_t addr, unsigned size,
                             uint32_t v)
{
    as_out(&f->tb.mem_as, addr, size, v);
}

#endif
