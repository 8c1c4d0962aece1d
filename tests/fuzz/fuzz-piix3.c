/*
 * Fuzz target: the PIIX3 function 0 (PCI-to-ISA bridge): its configuration
 * space (PIRQ routing 0x60-0x63 among the rest) through 0xCF8/0xCFC, and
 * the reset control register at 0xCF9.  Events raise and lower the INTx
 * pins of the chipset's functions so PIRQ routing has traffic to steer.
 *
 * Invariant: an ISA IRQ line is high only if some PIRQ register routes an
 * asserted pin to it, or the SCI (IRQ 9) is raised by the PM function.
 */
#include "tests/fuzz/fuzz-pc.h"
#include "emu/main-loop.h"

static void piix3_fz_setup(FuzzRig *r)
{
    pcfz_init(r);
    fuzz_add_window(r, FUZZ_IO, 0xcf8, 8);
    fuzz_add_window(r, FUZZ_IO, 0xcfc, 4);
}

static void piix3_fz_teardown(FuzzRig *r)
{
    PCFuzz *f = &pcfz;
    /* Release the INTx pins the events asserted before freeing. */
    pci_set_irq(piix3_pci_device(f->piix3), 0);
    pcfz_teardown(r);
}

static void piix3_fz_event(FuzzRig *r, const FuzzOp *op)
{
    PCFuzz *f = r->s;
    if (op->offset & 0x40000000u) {
        /* The PIIX3 itself has no INTx pin in use; its function 0 is the
         * one device whose pin we can wiggle without a BAR. */
        pci_set_irq(piix3_pci_device(f->piix3), op->value & 1);
    } else if (op->offset & 0x20000000u) {
        piix4_pm_power_button(f->pm);
    } else {
        pcfz_event(r, op);
    }
}

static void piix3_fz_check(FuzzRig *r, const FuzzOp *op)
{
    PCFuzz *f = r->s;
    const uint8_t *c = piix3_pci_device(f->piix3)->config;
    uint16_t routed = 0;

    for (int i = 0; i < 4; i++) {
        if (!(c[0x60 + i] & 0x80)) {
            routed |= 1u << (c[0x60 + i] & 0x0f);
        }
    }
    for (int irq = 0; irq < 16; irq++) {
        if (r->line[irq].level && !(routed & (1u << irq)) && irq != 9) {
            fuzz_fail(r, "ISA IRQ %d high but no PIRQ routes to it", irq);
        }
    }
    pcfz_check_ids(r);
    system_requests_clear();
}

const FuzzTarget fuzz_target = {
    .name = "piix3",
    .covers = "hw/isa/piix3.c",
    .setup = piix3_fz_setup,
    .teardown = piix3_fz_teardown,
    .event = piix3_fz_event,
    .check = piix3_fz_check,
};
