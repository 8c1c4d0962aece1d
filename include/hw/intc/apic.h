/*
 * The local APIC of each CPU (xAPIC, with x2APIC mode) and the APIC bus
 * that carries interrupt messages between the local APICs, the I/O APIC
 * and (later) PCI MSI.  Register layout and behaviour: Intel SDM vol. 3,
 * chapter 11 ("Advanced Programmable Interrupt Controller").
 *
 * Wiring on the pc machine:
 *
 *   8259 INT ----> LINT0 of every local APIC (ExtINT in virtual-wire mode);
 *                  with the APIC disabled in IA32_APIC_BASE, LINT0 is the
 *                  CPU's INTR pin itself
 *   I/O APIC -----> apic_bus_deliver() (redirection-table messages)
 *   local APIC ---> CPU: cpu_set_intr() (a fixed or ExtINT interrupt is
 *                  deliverable above the PPR), cpu_set_nmi(), cpu_set_init(),
 *                  cpu_set_sipi() (include/emu/cpu.h)
 *   CPU ----------> apic_get_interrupt() (the INTA cycle: cpu->irq_ack),
 *                  MMIO at the APIC base, MSRs and CR8 (X86APICOps in
 *                  target-i386/cpu.h)
 *   EOI of a level-triggered vector -> the bus's EOI handler (the I/O APIC
 *                  clears Remote IRR)
 *
 * Locking: everything here runs under the global lock.  The MMIO window
 * answers for the APIC of the CPU that makes the access (current_cpu).
 */
#ifndef HW_INTC_APIC_H
#define HW_INTC_APIC_H

#include "emu/common.h"
#include "emu/cpu.h"
#include "emu/memory.h"

#define APIC_DEFAULT_BASE 0xfee00000ull
#define APIC_SPACE_SIZE 0x1000
#define APIC_MAX_CPUS 16

/* IA32_APIC_BASE (MSR 0x1b) bits. */
#define MSR_APICBASE_BSP (1ull << 8)
#define MSR_APICBASE_EXTD (1ull << 10)   /* x2APIC mode */
#define MSR_APICBASE_ENABLE (1ull << 11) /* global enable */
#define MSR_APICBASE_BASE_MASK 0xfffff000ull

/* MSR_IA32_TSC_DEADLINE and MSR_X2APIC_FIRST/LAST: target-i386/cpu.h. */

/* Delivery modes: ICR and I/O APIC redirection entries, bits 10:8. */
enum {
    APIC_DM_FIXED = 0,
    APIC_DM_LOWPRI = 1,
    APIC_DM_SMI = 2,
    APIC_DM_NMI = 4,
    APIC_DM_INIT = 5,
    APIC_DM_STARTUP = 6,
    APIC_DM_EXTINT = 7,
};

/* An interrupt message on the APIC bus. */
typedef struct APICMessage {
    uint32_t dest;      /* physical APIC ID, or logical MDA; 0xff (xAPIC)
                           or 0xffffffff (x2APIC) is a broadcast */
    bool dest_logical;  /* destination mode: logical (LDR/DFR match) */
    uint8_t delivery_mode; /* APIC_DM_* */
    uint8_t vector;
    bool level;         /* trigger mode: level (sets TMR on acceptance) */
    bool assert;        /* false only for an INIT level de-assert */
} APICMessage;

typedef struct APICBus APICBus;
typedef struct APICState APICState;

/*
 * The bus maps the xAPIC MMIO window into sysmem at each base a local APIC
 * uses (APIC_DEFAULT_BASE after reset) above whatever is there (RAM), and
 * follows IA32_APIC_BASE writes that move or disable an APIC.  An access
 * to a window by a CPU whose own APIC is not there, or by no CPU (a DMA
 * write, the future MSI path), is logged as unimplemented and reads
 * as 0 / is dropped.
 */
APICBus *apic_bus_new(MemoryRegion *sysmem);
void apic_bus_free(APICBus *bus); /* after every APIC on it is freed */

/* A message from the I/O APIC or an MSI: accepted by every local APIC the
 * destination names (lowest priority: by one of them). */
void apic_bus_deliver(APICBus *bus, const APICMessage *msg);

/* Who hears the EOI broadcast of a level-triggered vector (the I/O APIC). */
typedef void APICEOIHandler(void *opaque, uint8_t vector);
void apic_bus_set_eoi_handler(APICBus *bus, APICEOIHandler *fn, void *opaque);

/* The APIC whose ID is apic_id (xAPIC: 8 bits), NULL if none. */
APICState *apic_bus_find(APICBus *bus, uint32_t apic_id);

/*
 * The local APIC of cpu: a device "apic" on the system bus (info qtree,
 * state description), put into the bus, and hooked into the CPU: sets
 * cpu->irq_ack/irq_ack_opaque to apic_get_interrupt and
 * cpu->env.apic_ops/env.apic (target-i386/cpu.h).  Resets with
 * IA32_APIC_BASE = APIC_DEFAULT_BASE | ENABLE (| BSP if bsp), the
 * version register of an integrated xAPIC (0x14, 6 LVT entries), every
 * LVT masked, SVR 0xff (software-disabled), as after power-on.
 */
APICState *apic_new(APICBus *bus, CPUState *cpu, uint32_t apic_id, bool bsp,
                    Error **errp);
void apic_free(APICState *s);

/* The INTA cycle: the highest-priority deliverable vector (IRR -> ISR;
 * ExtINT asks the 8259 through the board's ack, see apic_set_extint_ack),
 * or the spurious vector, or -1 if nothing is pending after all. */
int apic_get_interrupt(void *apic);

/* The 8259's INTA for ExtINT deliveries (the board's pic_read_irq). */
void apic_set_extint_ack(APICState *s, int (*ack)(void *opaque),
                         void *opaque);

/*
 * Added by the local APIC work (additive): the power-on/RESET state of
 * LINT0 on this APIC.  Off (the default): masked, as the SDM says, so the
 * 8259 reaches the CPU once firmware programs virtual-wire mode (SeaBIOS
 * writes SVR enable, LINT0 = 0x8700, LINT1 = 0x8400).  On: LINT0 comes out
 * of RESET as ExtINT, unmasked (0x700), as QEMU's pc does for the BSP, for
 * guests that run as the firmware (-bios) and use the 8259 without
 * touching the APIC.  Takes effect now and at every device reset (INIT
 * still masks it).
 */
void apic_set_reset_virtual_wire(APICState *s, bool on);

/* The LINT0/LINT1 pins (level of the wire; LINT0 carries the 8259's INT). */
void apic_set_lint(APICState *s, int pin, int level);

/* INIT (from an INIT IPI, handled by the CPU) or RESET: the APIC's
 * registers go to their INIT state (SDM 11.4.7.3); the ID and base stay. */
void apic_init_reset(APICState *s);

/* True if the APIC is hardware-enabled (IA32_APIC_BASE.EN). */
bool apic_enabled(APICState *s);

/* "info lapic": the registers of one local APIC. */
void apic_dump(FILE *f, APICState *s);

#endif
