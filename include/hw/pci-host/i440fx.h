/*
 * Intel 82441FX PMC (i440FX host bridge) at PCI 00:00.0, with PCI
 * configuration mechanism #1 (ports 0xCF8 / 0xCFC-0xCFF), PAM shadowing of
 * 0xC0000-0xFFFFF and the SMRAM control register.
 *
 * Board contract for i440fx_init():
 *   sysmem   system memory root.  The board has mapped RAM there already: an
 *            alias of `ram` from offset 0, at address 0, priority 0 (it may
 *            cover 0xA0000-0xFFFFF: the i440FX overlays that range).
 *   pci_mem  the PCI memory space: a container covering 4 GiB holding the
 *            BIOS ROM at the top of 4 GiB and its alias at 0xE0000-0xFFFFF
 *            (VGA's 0xA0000 window and BARs go here too).  The board maps
 *            it into sysmem at 0 with priority -1.  It becomes bus->mem.
 *   ram      the guest RAM region (MR_RAM, at least 1 MiB): PAM and SMRAM
 *            show parts of it at its own offsets 0xA0000-0xFFFFF.
 *   sysio    the port space root (where ISA devices map their ports).
 *   dma_as   what PCI bus masters reach (the system memory address space).
 *
 * What i440fx_init() adds:
 *   - the PCI I/O space: a 64 KiB container (bus->io) aliased into sysio at
 *     priority -1: I/O BARs, PIIX3 0xCF9 and the PIIX4 PM ports live there;
 *   - ports 0xCF8-0xCFB and 0xCFC-0xCFF in sysio (priority 0).  Only a
 *     32-bit access at 0xCF8 reaches the address register; byte and word
 *     accesses to 0xCF8-0xCFB are passed on to the PCI I/O space (as the
 *     chipset forwards them to PCI/ISA), which is how 0xCF9 reaches the
 *     PIIX3 reset control register;
 *   - in sysmem at priority 1: 0xA0000-0xBFFFF showing pci_mem (RAM while
 *     SMRAM is open: 0x72 G_SMRAME and D_OPEN), and 13 PAM segments over
 *     0xC0000-0xFFFFF, all showing pci_mem after reset; under those, a
 *     "pci-hole-low" I/O region over 0xA0000-0xFFFFF reading all ones, so
 *     that holes in pci_mem never show the RAM mapped below;
 *   - the host bridge device (class "i440FX", 8086:1237 rev 2) at 00:00.0.
 *
 * PAM modes (registers 0x59-0x5F, one nibble per segment; 0xF0000-0xFFFFF is
 * the high nibble of 0x59, the others are 16 KiB each, 0x5A low nibble =
 * 0xC0000):  0 = PCI; 1 (RE) = read RAM, writes dropped (deviation: real
 * hardware forwards them to PCI, where only ROM lives); 2 (WE) = read PCI,
 * write RAM (an MMIO window, so not executable under KVM); 3 = RAM.
 */
#ifndef HW_PCI_HOST_I440FX_H
#define HW_PCI_HOST_I440FX_H

#include "emu/common.h"
#include "emu/memory.h"
#include "hw/pci/pci.h"

#define I440FX_PAM          0x59
#define I440FX_PAM_SIZE     7
#define I440FX_SMRAM        0x72
#define I440FX_PAM_SEGMENTS 13

typedef struct I440FXState I440FXState;

/*
 * Create the PCI bus, the host bridge at 00:00.0 and the mappings listed
 * above.  The device is realized and reset; *out (if not NULL) gets it.
 * Returns the bus, or NULL with errp set.
 */
PCIBus *i440fx_init(MemoryRegion *sysmem, MemoryRegion *sysio,
                    MemoryRegion *pci_mem, MemoryRegion *ram,
                    AddressSpace *dma_as, I440FXState **out, Error **errp);

/* The PCI I/O space (bus->io) as an address space (tests, debugging). */
AddressSpace *i440fx_pci_io_as(I440FXState *s);

/*
 * Undo i440fx_init: unmap everything, free the device and the bus.  Every
 * other device on the bus must have been freed first.  For tests.
 */
void i440fx_free(I440FXState *s);

#endif
