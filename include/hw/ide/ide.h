/*
 * IDE: the PIIX3 IDE function and the drives on its two channels.
 *
 * Board contract for piix3_ide_init():
 *   bus    the PCI bus; devfn is normally PCI_DEVFN(1, 1).
 *   isa    the ISA bus: the legacy channels are claimed there, channel 0 at
 *          0x1F0-0x1F7 and 0x3F6 on IRQ 14, channel 1 at 0x170-0x177 and
 *          0x376 on IRQ 15 (0x3F7/0x377 belong to the floppy controller).
 * The function provides the buses "ide.0" and "ide.1" (type "ide"), where
 * the drive devices "ide-hd" and "ide-cd" plug in (properties drive, unit,
 * and for ide-hd cyls/heads/secs; both serial, model).  Bus-master DMA
 * registers are in BAR4 (16 I/O ports).
 */
#ifndef HW_IDE_H
#define HW_IDE_H

#include "emu/common.h"
#include "block/block.h"
#include "hw/isa/isa.h"
#include "hw/pci/pci.h"

#define IDE_BUS_TYPE "ide"

typedef struct IDEBus IDEBus;
typedef struct PIIX3IDEState PIIX3IDEState;

/* Create, realize and reset the IDE function.  NULL with errp set. */
PIIX3IDEState *piix3_ide_init(PCIBus *bus, int devfn, ISABus *isa,
                              Error **errp);
PCIDevice *piix3_ide_pci_device(PIIX3IDEState *s);
/* Channel n (0 or 1). */
IDEBus *piix3_ide_bus(PIIX3IDEState *s, int n);
/*
 * What firmware does before an OS sees the controller (direct kernel
 * boot): enable the decode of both legacy channels (IDETIM bit 15), I/O
 * and bus mastering, and put BAR4 at bmdma_base.
 */
void piix3_ide_firmware_setup(PIIX3IDEState *s, uint16_t bmdma_base);
/* Unrealize and free (tests); the drives on its buses go first. */
void piix3_ide_free(PIIX3IDEState *s);

/* The bus as a BusState (device_realize of a drive onto it). */
BusState *ide_bus_qbus(IDEBus *bus);

/*
 * Board: create an ide-hd (cd false) or ide-cd on bus at unit with blk
 * (NULL only for an empty ide-cd), realize and reset it.  NULL with errp
 * set (a unit already taken, a drive already used).
 */
DeviceState *ide_create_drive(IDEBus *bus, int unit, BlockBackend *blk, bool cd,
                              Error **errp);

#endif
