/*
 * Intel 82371SB PIIX3 function 0: the PCI-to-ISA bridge at PCI 00:01.0.
 *
 * Board contract for piix3_init():
 *   bus   the PCI bus (from i440fx_init).  The PIIX3 takes over the bus's
 *         INTx routing: pin p of slot s goes to PIRQ (s + p - 1) & 3 (p is
 *         0-based, INTA = 0), and PIRQ n goes to the ISA IRQ in config
 *         register 0x60 + n (bit 7 set = not routed; reset value 0x80).
 *   isa   the ISA bus: PIRQs drive isa->irqs[] (the PIC inputs; the guest
 *         must make them level-triggered in the ELCR, which the i8259 model
 *         owns at 0x4D0/0x4D1).
 * The reset control register (port 0xCF9) is mapped into the PCI I/O space
 * (bus->io) at priority 1; writing bit 2 requests a system reset
 * (SHUTDOWN_CAUSE_GUEST_RESET).
 * The function is created at 00:01.0 with the multi-function header bit
 * (the IDE function 01.1 and PM function 01.3 are separate devices).
 */
#ifndef HW_ISA_PIIX3_H
#define HW_ISA_PIIX3_H

#include "emu/common.h"
#include "hw/isa/isa.h"
#include "hw/pci/pci.h"

#define PIIX3_NUM_PIRQS 4
#define PIIX3_PIRQRC    0x60 /* PIRQ route control A-D, 0x60-0x63 */
#define PIIX3_RCR_PORT  0xcf9

typedef struct PIIX3State PIIX3State;

/* The PIRQ (0 = PIRQA) that pin (0 = INTA) of slot raises. */
static inline int piix3_pirq(int slot, int pin)
{
    return (slot + pin - 1) & 3;
}

/* Create, realize and reset the PIIX3 at 00:01.0.  NULL with errp set. */
PIIX3State *piix3_init(PCIBus *bus, ISABus *isa, Error **errp);

/* The PCI device (for "info pci", tests). */
PCIDevice *piix3_pci_device(PIIX3State *s);

/*
 * What firmware does before the OS when there is none (direct kernel boot):
 * route PIRQA-D to ISA IRQs irq[0..3] and write each PCI device's
 * interrupt line register (0x3c) with the IRQ its INTx pin reaches.  The
 * OS's ACPI _PRT must describe the same routes.
 */
void piix3_firmware_setup(PIIX3State *s, const uint8_t irq[PIIX3_NUM_PIRQS]);

/* Unrealize and free (tests). */
void piix3_free(PIIX3State *s);

#endif
