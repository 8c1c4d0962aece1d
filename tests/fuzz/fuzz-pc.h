/*
 * The i440FX chipset on a fuzz rig, for the chipset targets (i440fx,
 * piix3, piix4-pm, pci).  It builds on the rig's own TestBus what
 * tests/unit/pci-fixture.h builds on its fixture's: a PCI memory container
 * under RAM holding a 128 KiB "BIOS" ROM at the top of 4 GiB and its alias
 * at 0xE0000, a 64 KiB "VGA" RAM window at 0xA0000, then the i440FX, the
 * PIIX3 and the PIIX4 PM (00:01.3, SCI on IRQ 9).  The ROM holds
 * pcfz_rom_byte(offset) so a check can tell ROM from RAM and VGA.
 *
 * The shared event (pcfz_event) is a configuration cycle through
 * pci_host_config_read/write with a CONFIG_ADDRESS built from the record
 * (any bus, device, function and register, enable bit or not), which
 * reaches configuration space without going through the guest's 0xCF8
 * latch.
 */
#ifndef TESTS_FUZZ_FUZZ_PC_H
#define TESTS_FUZZ_FUZZ_PC_H

#include "tests/fuzz/fuzz.h"
#include "hw/acpi/piix4.h"
#include "hw/isa/piix3.h"
#include "hw/pci-host/i440fx.h"
#include "hw/pci/pci.h"

#define PCFZ_BIOS_SIZE (128 * KiB)
#define PCFZ_VGA_SIZE  (64 * KiB)
#define PCFZ_PM_DEVFN  PCI_DEVFN(1, 3)
#define PCFZ_PM_BASE   0x600

typedef struct PCFuzz {
    MemoryRegion pci_mem, bios, bios_low, vga;
    PCIBus *bus;
    I440FXState *i440fx;
    PIIX3State *piix3;
    PIIX4PMState *pm;
    void *extra; /* a target's own PCI device */
} PCFuzz;

static PCFuzz pcfz;

static inline uint8_t pcfz_rom_byte(uint32_t off)
{
    return (uint8_t)(off * 7 + (off >> 8) + 0x3c);
}

static inline void pcfz_init(FuzzRig *r)
{
    Error *err = NULL;
    PCFuzz *f = &pcfz;
    TestBus *tb = &r->tb;

    memset(f, 0, sizeof(*f));
    memory_region_init(&f->pci_mem, "pci-mem", 4 * GiB);
    if (memory_region_init_rom(&f->bios, "bios", PCFZ_BIOS_SIZE, &err) < 0 ||
        memory_region_init_ram(&f->vga, "vga", PCFZ_VGA_SIZE, &err) < 0) {
        fuzz_must(NULL, err, "bios rom / vga ram");
    }
    for (uint32_t i = 0; i < PCFZ_BIOS_SIZE; i++) {
        f->bios.ram[i] = pcfz_rom_byte(i);
    }
    memset(f->vga.ram, 0xa5, PCFZ_VGA_SIZE);
    memory_region_init_alias(&f->bios_low, "bios-low", &f->bios, 0,
                             PCFZ_BIOS_SIZE);
    memory_region_add_subregion(&f->pci_mem, 4 * GiB - PCFZ_BIOS_SIZE,
                                &f->bios);
    memory_region_add_subregion(&f->pci_mem, 1 * MiB - PCFZ_BIOS_SIZE,
                                &f->bios_low);
    memory_region_add_subregion(&f->pci_mem, 0xa0000, &f->vga);
    memory_region_add_subregion_overlap(&tb->mem_root, 0, &f->pci_mem, -1);
    f->bus = fuzz_must(i440fx_init(&tb->mem_root, &tb->io_root, &f->pci_mem,
                                   &tb->ram, &tb->mem_as, &f->i440fx, &err),
                       err, "i440fx");
    f->piix3 = fuzz_must(piix3_init(f->bus, &tb->isa, &err), err, "piix3");
    f->pm = fuzz_must(piix4_pm_init(f->bus, PCFZ_PM_DEVFN, &tb->isa, &err), err,
                      "piix4 pm");
    piix4_pm_set_base(f->pm, PCFZ_PM_BASE);
    r->s = f;
}

/* Free everything but f->extra (the target frees its device first). */
static inline void pcfz_teardown(FuzzRig *r)
{
    PCFuzz *f = &pcfz;
    TestBus *tb = &r->tb;

    piix4_pm_free(f->pm);
    piix3_free(f->piix3);
    i440fx_free(f->i440fx);
    memory_region_del_subregion(&tb->mem_root, &f->pci_mem);
    memory_region_del_subregion(&f->pci_mem, &f->bios);
    memory_region_del_subregion(&f->pci_mem, &f->bios_low);
    memory_region_del_subregion(&f->pci_mem, &f->vga);
    memory_region_finalize(&f->bios);
    memory_region_finalize(&f->vga);
    memory_region_finalize(&f->pci_mem);
}

/* A configuration cycle for the devfns the chipset has, or any. */
static inline void pcfz_event(FuzzRig *r, const FuzzOp *op)
{
    static const uint8_t devfns[] = {0, PCI_DEVFN(1, 0), PCFZ_PM_DEVFN,
                                     PCI_DEVFN(1, 1), PCI_DEVFN(3, 0)};
    uint32_t cf8;
    if (op->offset & 0x80000000u) {
        cf8 = op->offset ^ (op->value & 0x7f000000u); /* anything at all */
    } else {
        cf8 = 0x80000000u | devfns[(op->offset >> 8) % 5] << 8 |
              (op->offset & 0xff);
    }
    if (op->value & 0x80000000u) {
        (void)pci_host_config_read(pcfz.bus, cf8, op->size);
    } else {
        pci_host_config_write(pcfz.bus, cf8, op->value, op->size);
    }
}

/* Identity registers the guest can never change. */
static inline void pcfz_check_ids(FuzzRig *r)
{
    FUZZ_ASSERT(r,
                pci_host_config_read(pcfz.bus, 0x80000000u, 4) == 0x12378086u);
    FUZZ_ASSERT(r,
                pci_host_config_read(pcfz.bus, 0x80000800u, 4) == 0x70008086u);
    FUZZ_ASSERT(r,
                pci_host_config_read(pcfz.bus, 0x80000b00u, 4) == 0x71138086u);
    /* Nothing at 00:02.0: all ones. */
    FUZZ_ASSERT(r,
                pci_host_config_read(pcfz.bus, 0x80001000u, 4) == 0xffffffffu);
}

#endif
