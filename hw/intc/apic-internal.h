/*
 * Between the local APIC core (apic.c: registers, acceptance, priorities,
 * LVT, timer, MSRs) and the APIC bus (apic-bus.c: message routing,
 * lowest-priority arbitration, the MMIO windows, the EOI broadcast).
 * Nothing outside hw/intc/apic*.c includes this.
 */
#ifndef HW_INTC_APIC_INTERNAL_H
#define HW_INTC_APIC_INTERNAL_H

#include "emu/device.h"
#include "emu/timer.h"
#include "hw/intc/apic.h"

/* LVT entries, in register order (timer at 0x320 ... error at 0x370). */
enum {
    APIC_LVT_TIMER,
    APIC_LVT_THERMAL,
    APIC_LVT_PERF,
    APIC_LVT_LINT0,
    APIC_LVT_LINT1,
    APIC_LVT_ERROR,
    APIC_LVT_NB,
};

/* LVT timer mode (bits 18:17). */
#define LVT_TIMER_MODE_SHIFT 17
#define LVT_TIMER_MODE_MASK  (3u << LVT_TIMER_MODE_SHIFT)
enum { TIMER_ONESHOT, TIMER_PERIODIC, TIMER_TSC_DEADLINE };
/* The shortest time between two periodic timer events (apic-timer.c). */
#define APIC_TIMER_MIN_PERIOD_NS 10000

struct APICState {
    DeviceState parent;
    /* Properties. */
    uint32_t initial_id; /* the (x2)APIC ID the hardware assigns */
    bool bsp;
    bool reset_virtual_wire; /* LINT0 ExtINT after RESET (see apic.h) */

    /* Wiring (set before realize). */
    APICBus *bus;
    CPUState *cpu;

    /* Architectural state. */
    uint64_t apicbase; /* IA32_APIC_BASE */
    uint32_t id;       /* xAPIC: 8 bits (register bits 31:24); x2APIC: 32 */
    uint8_t tpr;
    uint32_t ldr;
    uint32_t dfr;
    uint32_t svr;
    uint32_t isr[8];
    uint32_t tmr[8];
    uint32_t irr[8];
    uint32_t esr;         /* what software reads (latched by a write) */
    uint32_t esr_pending; /* errors seen since the last ESR write */
    uint32_t icr_lo;
    uint32_t icr_hi;
    uint32_t lvt[APIC_LVT_NB];
    uint32_t initial_count;
    uint32_t dcr;
    /* The count was timer_base_count at timer_base_ns (one-shot and
     * periodic); it is computed from the clock, never ticked. */
    int64_t timer_base_ns;
    uint32_t timer_base_count;
    uint64_t tsc_deadline;
    uint8_t lint_level[2]; /* wire levels of LINT0/LINT1 */
    bool extint_msg;       /* an ExtINT message from the bus awaits INTA */

    /* Derived / wiring, not saved. */
    Timer timer;
    int (*extint_ack)(void *opaque);
    void *extint_ack_opaque;
    bool on_bus;
};

/* apic.c */
bool apic_xapic_mode(const APICState *s); /* EN and not EXTD */
bool apic_x2apic_mode(const APICState *s);
uint32_t apic_mmio_read(APICState *s, unsigned offset);
void apic_mmio_write(APICState *s, unsigned offset, uint32_t val);
/* Would s take a message for dest (logical or physical)?  x2fmt: the
 * sender used x2APIC's 32-bit destinations (0xff is no broadcast). */
bool apic_match_dest(const APICState *s, uint32_t dest, bool logical,
                     bool x2fmt);
/* Accept one message (the bus chose s). */
void apic_accept(APICState *s, const APICMessage *msg);
/* Can s take part in lowest-priority arbitration, and with what? */
bool apic_lowpri_candidate(const APICState *s);
uint8_t apic_arb_priority(const APICState *s);
bool apic_is_focus(const APICState *s, uint8_t vector);

bool apic_hw_enabled(const APICState *s); /* IA32_APIC_BASE.EN */
/* A CPUID.1:ECX feature as the guest sees it. */
bool apic_cpu_has(const APICState *s, uint32_t ecx_bit);
/* Deliver a timer or error LVT interrupt (fixed, edge). */
void apic_local_deliver(APICState *s, int idx);

/* apic-timer.c */
int apic_timer_mode(const APICState *s); /* TIMER_* (3: reserved) */
unsigned apic_timer_divisor(const APICState *s);
uint32_t apic_current_count(const APICState *s, int64_t now);
void apic_timer_cb(void *opaque);
/* Arm (or stop) the Timer for the state as it now is. */
void apic_timer_arm(APICState *s);
/* Restart the count from its current value. */
void apic_timer_rebase(APICState *s);
/* Stop: counts and the TSC deadline to 0. */
void apic_timer_disarm(APICState *s);
void apic_write_lvt_timer(APICState *s, uint32_t val);

/* apic-bus.c */
int apic_bus_attach(APICBus *bus, APICState *s, Error **errp);
void apic_bus_detach(APICBus *bus, APICState *s);
/* Re-map the MMIO windows after a base, enable or mode change. */
void apic_bus_update_windows(APICBus *bus);
/* Route msg from src (NULL: the I/O APIC or an MSI).  shorthand: the
 * ICR's destination shorthand (0 = none, 1 = self, 2 = all, 3 = all but
 * self). */
void apic_bus_send(APICBus *bus, APICState *src, const APICMessage *msg,
                   int shorthand, bool x2fmt);
void apic_bus_eoi(APICBus *bus, uint8_t vector);

#endif
