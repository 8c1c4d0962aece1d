/*
 * The I/O APIC (Intel 82093AA): 24 input pins, each with a redirection
 * table entry that turns an edge or a level on the pin into a message on
 * the APIC bus (include/hw/intc/apic.h; this file uses only its types).  Registers through IOREGSEL
 * (+0x00) and IOWIN (+0x10), and the EOI register (+0x40) of version 0x20
 * chips; register layout from the 82093AA datasheet.
 *
 * Pins are active high as seen here (the board inverts nothing: a pin's
 * polarity bit is stored and reported, and the board raises lines the
 * way the MADT describes them).  Level-triggered pins set Remote IRR when
 * their message is sent and clear it at the EOI broadcast of that
 * vector; a level still high at the EOI is sent again.
 *
 * On the pc machine (as QEMU's): ISA IRQ n is pin n, except IRQ 0 (the
 * PIT, or the HPET in legacy replacement mode) which is pin 2; PCI INTx
 * arrive through the PIIX3 PIRQ routing as ISA IRQs.
 */
#ifndef HW_INTC_IOAPIC_H
#define HW_INTC_IOAPIC_H

#include "emu/common.h"
#include "emu/irq.h"
#include "emu/memory.h"
#include "hw/intc/apic.h"

#define IOAPIC_DEFAULT_BASE 0xfec00000ull
#define IOAPIC_NUM_PINS 24

typedef struct IOAPICState IOAPICState;

/* Where the I/O APIC's messages go: the board passes apic_bus_deliver(). */
typedef void IOAPICDeliverFn(void *opaque, const APICMessage *msg);

/*
 * Creates the I/O APIC as a device "ioapic" on the system bus (property
 * "id", the I/O APIC ID), maps its 4 KiB window into sysmem at base, and
 * resets it (every redirection entry masked).  Messages go to deliver.
 */
IOAPICState *ioapic_init(MemoryRegion *sysmem, uint64_t base, uint8_t id,
                         IOAPICDeliverFn *deliver, void *opaque,
                         Error **errp);
/* The EOI broadcast of a vector (the board connects it to
 * apic_bus_set_eoi_handler): clears Remote IRR of the level-triggered
 * entries with that vector, and sends again those whose pin is still high. */
void ioapic_eoi(IOAPICState *s, uint8_t vector);
void ioapic_free(IOAPICState *s);

/* Input line of pin n (0..IOAPIC_NUM_PINS-1); it belongs to the device. */
IRQ *ioapic_get_pin(IOAPICState *s, int n);

/* "info ioapic": the ID, version and every redirection entry. */
void ioapic_dump(FILE *f, IOAPICState *s);

#endif
