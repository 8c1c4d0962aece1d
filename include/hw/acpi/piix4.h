/*
 * Intel 82371AB PIIX4 function 3: power management (ACPI) at PCI 00:01.3,
 * as QEMU's pc machine has it next to a PIIX3.
 *
 * Board contract for piix4_pm_init():
 *   bus    the PCI bus; devfn is normally PCI_DEVFN(1, 3).
 *   isa    the ISA bus: the SCI is ISA IRQ 9 (level, active high).
 * Ports, all in the PCI I/O space (bus->io):
 *   PMBASE (config 0x40, 64 bytes, enabled by config 0x80 bit 0):
 *     +0 PM1_STS, +2 PM1_EN, +4 PM1_CNT, +8 PM_TMR (24-bit, 3.579545 MHz);
 *   GPE0 block at 0xAFE0 (QEMU's fixed address, 2 bytes status + 2 enable);
 *   APM control/status at 0xB2/0xB3 (SMI_CMD: 0xF1 / 0xF0 set / clear
 *     SCI_EN as an ACPI_ENABLE / ACPI_DISABLE handshake; no SMM);
 *   SMBus host (config 0x90, 16 bytes, enabled by config 0xD2 bit 0): no
 *     devices answer; a started transaction ends in DEV_ERR.
 * Config 0x58-0x5B (DEVACTB) resets with APMC_EN set, which tells SeaBIOS
 * that SMM is already initialised (there is none), as QEMU does with SMM off.
 * PM1_CNT.SLP_EN with SLP_TYP 0 (S5 in QEMU's DSDT) requests a guest
 * shutdown; other sleep types are not supported.
 * Property "acpi-only" (bool, default on, as QEMU without SMM): PM1_CNT.
 * SCI_EN is set at reset and SMI_CMD 0xF0/0xF1 do not change it, so a FADT
 * without SMI_CMD works and one with SMI_CMD (SeaBIOS's own) does too.  Off:
 * SCI_EN starts clear and the 0xF1/0xF0 handshake sets/clears it.
 */
#ifndef HW_ACPI_PIIX4_H
#define HW_ACPI_PIIX4_H

#include "emu/common.h"
#include "hw/isa/isa.h"
#include "hw/pci/pci.h"

#define PIIX4_PM_SCI_IRQ       9
#define PIIX4_PM_GPE0_BASE     0xafe0
#define PIIX4_PM_APM_PORT      0xb2
#define PIIX4_PM_FIRMWARE_BASE 0xb000 /* SeaBIOS's default acpi_pm_base */
#define PM_TIMER_FREQUENCY     3579545

/* PM1 status / enable bits (ACPI 4.7.3.1). */
#define ACPI_PM1_TMR    0x0001
#define ACPI_PM1_BM     0x0010
#define ACPI_PM1_GBL    0x0020
#define ACPI_PM1_PWRBTN 0x0100
#define ACPI_PM1_SLPBTN 0x0200
#define ACPI_PM1_RTC    0x0400
#define ACPI_PM1_WAK    0x8000
/* PM1 control bits (ACPI 4.7.3.2). */
#define ACPI_PM1_CNT_SCI_EN        0x0001
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_EN        0x2000

typedef struct PIIX4PMState PIIX4PMState;

/* Create, realize and reset the PM function.  NULL with errp set. */
PIIX4PMState *piix4_pm_init(PCIBus *bus, int devfn, ISABus *isa, Error **errp);

/*
 * Program PMBASE (and enable it), the SCI interrupt line (9) and the SMBus
 * base (base + 0x100) as SeaBIOS's piix4_pm_config_setup() does; for direct
 * kernel boot without firmware.  SeaBIOS uses PIIX4_PM_FIRMWARE_BASE.
 */
void piix4_pm_set_base(PIIX4PMState *s, uint16_t base);

/* ACPI power button press (monitor "system_powerdown"). */
void piix4_pm_power_button(PIIX4PMState *s);

PCIDevice *piix4_pm_pci_device(PIIX4PMState *s);
/* Unrealize and free (tests). */
void piix4_pm_free(PIIX4PMState *s);

#endif
