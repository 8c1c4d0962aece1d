/*
 * The IA-PC HPET (High Precision Event Timers, Intel's specification
 * 1.0a): a 64-bit main counter at 100 MHz (period 10 ns) on the virtual
 * clock, and 3 comparators with one-shot and periodic modes, 32-bit and
 * 64-bit modes, edge or level interrupts.  Legacy replacement routing
 * (GEN_CONF.LEG_RT_CNF) sends timer 0 to ISA IRQ 0 (the I/O APIC's pin 2)
 * and timer 1 to IRQ 8, and takes those lines from the PIT and the RTC.
 */
#ifndef HW_TIMER_HPET_H
#define HW_TIMER_HPET_H

#include "emu/common.h"
#include "emu/irq.h"
#include "emu/memory.h"

#define HPET_DEFAULT_BASE 0xfed00000ull
#define HPET_NUM_TIMERS 3
#define HPET_PERIOD_FS 10000000u /* 10 ns */

typedef struct HPETState HPETState;

/* What the board connects (the board keeps ownership of every line). */
typedef struct HPETWiring {
    /* gsi[n]: the interrupt lines a timer can route to (Tn_INT_ROUTE), as
     * the I/O APIC numbers them; NULL where a line does not exist.
     * gsi[2] and gsi[8] are also what legacy replacement raises for IRQ 0
     * and IRQ 8 (the board fans them out to the 8259 as IRQ 0 and 8). */
    IRQ *gsi[24];
    /* Driven high while legacy replacement is off: the PIT's output and
     * the RTC's IRQ 8 reach the interrupt controllers only while it is
     * high.  NULL: not connected. */
    IRQ *pit_enable;
    IRQ *rtc_enable;
    /* Tn_INT_ROUTE_CAP: the gsi[] lines timers may use (bit n = gsi[n]). */
    uint32_t route_cap;
} HPETWiring;

/*
 * Creates the HPET as a device "hpet" on the system bus, maps its 1 KiB
 * register window into sysmem at base, and resets it (counter stopped at
 * 0, legacy replacement off).
 */
HPETState *hpet_init(MemoryRegion *sysmem, uint64_t base,
                     const HPETWiring *wiring, Error **errp);
void hpet_free(HPETState *s);

/* The low 32 bits of the capabilities register (the ACPI HPET table's
 * Event Timer Block ID). */
uint32_t hpet_block_id(HPETState *s);

#endif
