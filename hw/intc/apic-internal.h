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

/* ---- Shared by apic.c, apic-regs.c and apic-state.c ---- */

/* Register numbers: MMIO offset >> 4, x2APIC MSR - 0x800. */
enum {
    APIC_REG_ID = 0x02,
    APIC_REG_VERSION = 0x03,
    APIC_REG_TPR = 0x08,
    APIC_REG_APR = 0x09,
    APIC_REG_PPR = 0x0a,
    APIC_REG_EOI = 0x0b,
    APIC_REG_RRD = 0x0c,
    APIC_REG_LDR = 0x0d,
    APIC_REG_DFR = 0x0e,
    APIC_REG_SVR = 0x0f,
    APIC_REG_ISR = 0x10, /* 8 registers */
    APIC_REG_TMR = 0x18,
    APIC_REG_IRR = 0x20,
    APIC_REG_ESR = 0x28,
    APIC_REG_ICR_LO = 0x30,
    APIC_REG_ICR_HI = 0x31,
    APIC_REG_LVT = 0x32, /* 6 registers, APIC_LVT_* order */
    APIC_REG_TMICT = 0x38,
    APIC_REG_TMCCT = 0x39,
    APIC_REG_TDCR = 0x3e,
    APIC_REG_SELF_IPI = 0x3f, /* x2APIC only */
};

/* Version register: integrated APIC 0x14, max LVT entry 5 (bits 23:16). */
#define APIC_VERSION ((uint32_t)(APIC_LVT_NB - 1) << 16 | 0x14)

/* SVR */
#define SVR_ENABLE        BIT(8)
#define SVR_FOCUS_DISABLE BIT(9)
#define SVR_WRITABLE      0x3ffu

/* LVT bits */
#define LVT_VECTOR       0xffu
#define LVT_DM_SHIFT     8
#define LVT_DELIV_STATUS BIT(12)
#define LVT_POLARITY     BIT(13) /* LINT: 1 = active low */
#define LVT_REMOTE_IRR   BIT(14)
#define LVT_LEVEL        BIT(15)
#define LVT_MASKED       BIT(16)

/* What software may write in each LVT entry (apic.c). */
extern const uint32_t lvt_writable[APIC_LVT_NB];

/* ESR bits (11.5.3) */
#define ESR_SEND_ILLEGAL_VECTOR BIT(5)
#define ESR_RECV_ILLEGAL_VECTOR BIT(6)
#define ESR_ILLEGAL_REGISTER    BIT(7)

/* ICR low: vector, delivery mode, destination mode, level, trigger,
 * shorthand; delivery status (bit 12) reads 0, the rest is reserved. */
#define ICR_WRITABLE        0x000ccfffu
#define ICR_DEST_LOGICAL    BIT(11)
#define ICR_ASSERT          BIT(14)
#define ICR_LEVEL           BIT(15)
#define ICR_SHORTHAND_SHIFT 18

/* apic.c: the APIC's own logic, for the register and state files. */
uint8_t apic_ppr(const APICState *s);
int lvt_mode(uint32_t lvt);
/* Drive the CPU's INTR from IRR/ISR/PPR and the pending ExtINT. */
void apic_update_irq(APICState *s);
void apic_set_irr(APICState *s, uint8_t vector, bool level);
void apic_error(APICState *s, uint32_t bits);
void apic_lint_event(APICState *s, int pin, bool edge);
void apic_eoi(APICState *s);
void apic_send_ipi(APICState *s, uint32_t lo, uint32_t dest);

/* apic-regs.c */
void apic_x2apic_ldr(APICState *s); /* LDR from the ID in x2APIC mode */
extern const X86APICOps apic_x86_ops;

#endif
