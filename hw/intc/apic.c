/*
 * The local APIC of one CPU: an integrated xAPIC (version 0x14, six LVT
 * entries) with x2APIC mode.
 *
 * Reference: Intel SDM vol. 3A, chapter 11 (10 in older editions),
 * "Advanced Programmable Interrupt Controller (APIC)":
 *  - 11.4.3-11.4.7  IA32_APIC_BASE, enabling, ID, version, power-up and INIT
 *                   states;
 *  - 11.5           LVT, ESR, the timer (one-shot, periodic, TSC-deadline);
 *  - 11.6           ICR, destinations (physical, logical flat/cluster),
 *                   shorthands, lowest priority;
 *  - 11.8           IRR/ISR/TMR, TPR/PPR/APR, EOI, spurious interrupts;
 *  - 11.12          x2APIC: MSR interface, register changes, mode
 *                   transitions (figure "Local x2APIC State Transitions").
 *
 * The bus side (routing, arbitration, MMIO windows) is apic-bus.c, the
 * timer apic-timer.c.
 *
 * Deviations from hardware, on purpose:
 *  - Messages are delivered at once: the ICR delivery status always reads
 *    idle, and the checksum/accept errors of the old 3-wire bus never set.
 *  - EOI-broadcast suppression is not offered (version bit 24 clear).
 *  - Thermal and performance-counter LVT entries are stored and never fire;
 *    there is no CMCI entry (six LVT entries, as QEMU's pc).
 *  - INIT level de-assert messages only synchronise arbitration IDs, which
 *    are not modelled: they are ignored.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/log.h"
#include "emu/timer.h"
#include "emu/vmstate.h"
#include "hw/intc/apic-internal.h"
#include "target-i386/cpuid.h"

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

/* What software may write in each LVT entry (the rest is reserved or,
 * delivery status and remote IRR, read-only). */
static const uint32_t lvt_writable[APIC_LVT_NB] = {
    [APIC_LVT_TIMER] = LVT_TIMER_MODE_MASK | LVT_MASKED | LVT_VECTOR,
    [APIC_LVT_THERMAL] = LVT_MASKED | 0x7ffu,
    [APIC_LVT_PERF] = LVT_MASKED | 0x7ffu,
    [APIC_LVT_LINT0] = LVT_MASKED | LVT_LEVEL | LVT_POLARITY | 0x7ffu,
    [APIC_LVT_LINT1] = LVT_MASKED | LVT_LEVEL | LVT_POLARITY | 0x7ffu,
    [APIC_LVT_ERROR] = LVT_MASKED | LVT_VECTOR,
};

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

static uint8_t prio_class(int vector)
{
    return vector & 0xf0;
}

/* Highest vector set in an 8x32 bitmap, or -1. */
static int apic_highest(const uint32_t *bits)
{
    for (int i = 7; i >= 0; i--) {
        if (bits[i]) {
            return i * 32 + 31 - __builtin_clz(bits[i]);
        }
    }
    return -1;
}

static bool apic_test(const uint32_t *bits, unsigned v)
{
    return bits[v >> 5] & BIT(v & 31);
}

static void apic_setbit(uint32_t *bits, unsigned v, bool on)
{
    if (on) {
        bits[v >> 5] |= BIT(v & 31);
    } else {
        bits[v >> 5] &= ~BIT(v & 31);
    }
}

bool apic_hw_enabled(const APICState *s)
{
    return s->apicbase & MSR_APICBASE_ENABLE;
}

bool apic_x2apic_mode(const APICState *s)
{
    return apic_hw_enabled(s) && (s->apicbase & MSR_APICBASE_EXTD);
}

bool apic_xapic_mode(const APICState *s)
{
    return apic_hw_enabled(s) && !(s->apicbase & MSR_APICBASE_EXTD);
}

static bool apic_sw_enabled(const APICState *s)
{
    return apic_hw_enabled(s) && (s->svr & SVR_ENABLE);
}

/* A CPUID.1:ECX feature as the guest sees it: x2APIC and the TSC-deadline
 * timer exist only where CPUID offers them (the model and the platform). */
bool apic_cpu_has(const APICState *s, uint32_t ecx_bit)
{
    uint32_t eax, ebx, ecx, edx;

    x86_cpuid(&s->cpu->env, 1, 0, &eax, &ebx, &ecx, &edx);
    return ecx & ecx_bit;
}

/* PPR (11.8.3.1): the TPR, or the in-service class if that is higher. */
static uint8_t apic_ppr(const APICState *s)
{
    int isrv = apic_highest(s->isr);
    uint8_t isr_class = isrv < 0 ? 0 : prio_class(isrv);

    return prio_class(s->tpr) >= isr_class ? s->tpr : isr_class;
}

/*
 * APR (11.6.2.4, figure "Arbitration Priority Register"), literally as the
 * SDM gives it, "TPR[7:4] AND ISRV[7:4]" included (Bochs reads it so too).
 */
uint8_t apic_arb_priority(const APICState *s)
{
    int isrv = apic_highest(s->isr), irrv = apic_highest(s->irr);
    uint8_t tpr = s->tpr >> 4;
    uint8_t isr_class = isrv < 0 ? 0 : isrv >> 4;
    uint8_t irr_class = irrv < 0 ? 0 : irrv >> 4;

    if (tpr >= irr_class && tpr > isr_class) {
        return s->tpr;
    }
    return MAX(tpr & isr_class, irr_class) << 4;
}

bool apic_lowpri_candidate(const APICState *s)
{
    return apic_sw_enabled(s);
}

/* The focus processor (11.6.2.4): the one already servicing or holding
 * the vector, unless focus checking is off in the SVR. */
bool apic_is_focus(const APICState *s, uint8_t vector)
{
    return !(s->svr & SVR_FOCUS_DISABLE) &&
           (apic_test(s->isr, vector) || apic_test(s->irr, vector));
}

static bool apic_lint_asserted(const APICState *s, int pin)
{
    bool level = s->lint_level[pin];
    return (s->lvt[APIC_LVT_LINT0 + pin] & LVT_POLARITY) ? !level : level;
}

static int lvt_mode(uint32_t lvt)
{
    return (lvt >> LVT_DM_SHIFT) & 7;
}

static bool apic_extint_pending(const APICState *s)
{
    uint32_t lvt = s->lvt[APIC_LVT_LINT0];

    if (s->extint_msg) {
        return true;
    }
    /* ExtINT is level sensitive whatever the trigger bit says (11.5.1). */
    return !(lvt & LVT_MASKED) && lvt_mode(lvt) == APIC_DM_EXTINT &&
           apic_lint_asserted(s, 0);
}

/* The IRR vector the CPU would take now, or -1. */
static int apic_deliverable(const APICState *s)
{
    int irrv;

    if (!apic_sw_enabled(s)) {
        return -1;
    }
    irrv = apic_highest(s->irr);
    if (irrv < 0 || prio_class(irrv) <= prio_class(apic_ppr(s))) {
        return -1;
    }
    return irrv;
}

/* Drive the CPU's INTR: with the APIC hardware-disabled it is LINT0. */
static void apic_update_irq(APICState *s)
{
    int level;

    if (!apic_hw_enabled(s)) {
        level = s->lint_level[0];
    } else {
        level = apic_extint_pending(s) || apic_deliverable(s) >= 0;
    }
    cpu_set_intr(s->cpu, level);
}

/* A fixed interrupt is accepted: IRR set, TMR says its trigger mode. */
static void apic_set_irr(APICState *s, uint8_t vector, bool level)
{
    apic_setbit(s->irr, vector, true);
    apic_setbit(s->tmr, vector, level);
    apic_update_irq(s);
}

/* An error (11.5.3): latched for the next ESR write, and the error LVT
 * interrupt, every time one is detected. */
static void apic_error(APICState *s, uint32_t bits)
{
    s->esr_pending |= bits;
    log_mask(LOG_GUEST_ERROR, "apic %u: error 0x%x\n", s->initial_id, bits);
    apic_local_deliver(s, APIC_LVT_ERROR);
}

/* Timer and error interrupts (always fixed, edge). */
void apic_local_deliver(APICState *s, int idx)
{
    uint32_t lvt = s->lvt[idx];
    uint8_t vector = lvt & LVT_VECTOR;

    if ((lvt & LVT_MASKED) || !apic_hw_enabled(s)) {
        return;
    }
    if (vector < 16) {
        /* An error LVT with an illegal vector cannot report itself. */
        if (idx != APIC_LVT_ERROR) {
            apic_error(s, ESR_RECV_ILLEGAL_VECTOR);
        }
        return;
    }
    apic_set_irr(s, vector, false);
}

/* ---- LINT0 / LINT1 ---- */

/* Deliver a LINT pin's event per its LVT entry; edge: it just rose. */
static void apic_lint_event(APICState *s, int pin, bool edge)
{
    uint32_t lvt = s->lvt[APIC_LVT_LINT0 + pin];
    bool asserted = apic_lint_asserted(s, pin);

    if (lvt & LVT_MASKED) {
        return;
    }
    switch (lvt_mode(lvt)) {
    case APIC_DM_FIXED: {
        uint8_t vector = lvt & LVT_VECTOR;
        /* LINT1 is always edge sensitive (11.5.1). */
        bool level = pin == 0 && (lvt & LVT_LEVEL);
        if (level) {
            if (!asserted || (lvt & LVT_REMOTE_IRR)) {
                return;
            }
        } else if (!edge) {
            return;
        }
        if (vector < 16) {
            apic_error(s, ESR_RECV_ILLEGAL_VECTOR);
            return;
        }
        if (level) {
            s->lvt[APIC_LVT_LINT0 + pin] |= LVT_REMOTE_IRR;
        }
        apic_set_irr(s, vector, level);
        break;
    }
    case APIC_DM_NMI:
        if (edge) {
            cpu_set_nmi(s->cpu);
        }
        break;
    case APIC_DM_INIT:
        if (edge) {
            cpu_set_init(s->cpu);
        }
        break;
    case APIC_DM_SMI:
        if (edge) {
            log_unimp_once("apic: SMI delivery not supported");
        }
        break;
    case APIC_DM_EXTINT:
        apic_update_irq(s);
        break;
    default:
        if (edge) {
            log_mask(LOG_GUEST_ERROR, "apic: LINT%d: reserved mode %d\n", pin,
                     lvt_mode(lvt));
        }
        break;
    }
}

void apic_set_lint(APICState *s, int pin, int level)
{
    bool was, was_high;

    pin &= 1;
    was = apic_lint_asserted(s, pin);
    was_high = s->lint_level[pin];
    s->lint_level[pin] = level != 0;
    if (!apic_hw_enabled(s)) {
        /* No APIC: LINT0 is INTR and LINT1 is NMI (11.4.3), whatever the
         * LVT says. */
        if (pin == 0) {
            apic_update_irq(s);
        } else if (level && !was_high) {
            cpu_set_nmi(s->cpu);
        }
        return;
    }
    apic_lint_event(s, pin, apic_lint_asserted(s, pin) && !was);
    if (pin == 0) {
        apic_update_irq(s);
    }
}

/* ---- Registers ---- */

void apic_accept(APICState *s, const APICMessage *msg)
{
    if (!apic_hw_enabled(s)) {
        return;
    }
    switch (msg->delivery_mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWPRI:
        /* Software-disabled: only NMI, SMI, INIT and STARTUP get through
         * (11.4.7.2). */
        if (!apic_sw_enabled(s)) {
            return;
        }
        if (msg->vector < 16) {
            apic_error(s, ESR_RECV_ILLEGAL_VECTOR);
            return;
        }
        apic_set_irr(s, msg->vector, msg->level);
        break;
    case APIC_DM_SMI:
        log_unimp_once("apic: SMI delivery not supported");
        break;
    case APIC_DM_NMI:
        cpu_set_nmi(s->cpu);
        break;
    case APIC_DM_INIT:
        if (msg->assert) {
            cpu_set_init(s->cpu);
        }
        break;
    case APIC_DM_STARTUP:
        cpu_set_sipi(s->cpu, msg->vector);
        break;
    case APIC_DM_EXTINT:
        if (!apic_sw_enabled(s)) {
            return;
        }
        s->extint_msg = true;
        apic_update_irq(s);
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "apic: reserved delivery mode %d\n",
                 msg->delivery_mode);
        break;
    }
}

bool apic_match_dest(const APICState *s, uint32_t dest, bool logical,
                     bool x2fmt)
{
    if (dest == 0xffffffff || (!x2fmt && dest == 0xff)) {
        return true;
    }
    if (apic_x2apic_mode(s)) {
        if (!logical) {
            return dest == s->id;
        }
        /* Cluster in bits 31:16, one bit per member in 15:0 (11.12.10.2). */
        return (dest >> 16) == (s->ldr >> 16) && (dest & s->ldr & 0xffff) != 0;
    }
    if (dest > 0xff) {
        return false;
    }
    if (!logical) {
        return dest == s->id;
    }
    uint8_t ldr = s->ldr >> 24;
    switch (s->dfr >> 28) {
    case 0xf: /* flat */
        return (dest & ldr) != 0;
    case 0x0: /* cluster: cluster ID in 7:4, members in 3:0 */
        return ((dest >> 4) == 0xf || (dest >> 4) == (ldr >> 4u)) &&
               (dest & ldr & 0xf) != 0;
    default:
        return false;
    }
}

static void apic_eoi(APICState *s)
{
    int v = apic_highest(s->isr);

    if (v < 0) {
        return;
    }
    apic_setbit(s->isr, v, false);
    apic_update_irq(s);
    if (!apic_test(s->tmr, v)) {
        return;
    }
    /* A level-triggered LINT0 interrupt: its remote IRR (11.5.1). */
    uint32_t *lint0 = &s->lvt[APIC_LVT_LINT0];
    if ((*lint0 & LVT_REMOTE_IRR) && (*lint0 & LVT_VECTOR) == (unsigned)v) {
        *lint0 &= ~LVT_REMOTE_IRR;
        apic_lint_event(s, 0, false);
    }
    apic_bus_eoi(s->bus, v);
}

/* Send the IPI the ICR describes (11.6.1). */
static void apic_send_ipi(APICState *s, uint32_t lo, uint32_t dest)
{
    APICMessage msg = {
        .dest = dest,
        .dest_logical = lo & ICR_DEST_LOGICAL,
        .delivery_mode = (lo >> 8) & 7,
        .vector = lo & 0xff,
        .level = lo & ICR_LEVEL,
        .assert = lo & ICR_ASSERT,
    };
    int shorthand = (lo >> ICR_SHORTHAND_SHIFT) & 3;

    switch (msg.delivery_mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWPRI:
        if (msg.vector < 16) {
            apic_error(s, ESR_SEND_ILLEGAL_VECTOR);
            return;
        }
        if (msg.delivery_mode == APIC_DM_LOWPRI && shorthand == 1) {
            log_mask(LOG_GUEST_ERROR, "apic: lowest priority to self\n");
            return;
        }
        break;
    case APIC_DM_INIT:
        if (!msg.assert && msg.level) {
            /* INIT level de-assert: arbitration IDs only (see top). */
            log_mask(LOG_INT, "apic: INIT level de-assert ignored\n");
            return;
        }
        /* fall through */
    case APIC_DM_STARTUP:
    case APIC_DM_NMI:
    case APIC_DM_SMI:
        if (shorthand == 1) {
            log_mask(LOG_GUEST_ERROR, "apic: delivery mode %d to self\n",
                     msg.delivery_mode);
            return;
        }
        /* INIT/NMI/SMI/STARTUP are edge messages. */
        msg.level = false;
        msg.assert = true;
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "apic: ICR delivery mode %d reserved\n",
                 msg.delivery_mode);
        return;
    }
    apic_bus_send(s->bus, s, &msg, shorthand, apic_x2apic_mode(s));
}

static void apic_write_svr(APICState *s, uint32_t val)
{
    s->svr = val & SVR_WRITABLE;
    if (!(s->svr & SVR_ENABLE)) {
        /* Software-disabled: every LVT entry masked (11.4.7.2). */
        for (int i = 0; i < APIC_LVT_NB; i++) {
            s->lvt[i] |= LVT_MASKED;
        }
    }
    apic_update_irq(s);
}

static void apic_write_lvt(APICState *s, int idx, uint32_t val)
{
    uint32_t ro = s->lvt[idx] & (LVT_DELIV_STATUS | LVT_REMOTE_IRR);

    val &= lvt_writable[idx];
    if (!(s->svr & SVR_ENABLE)) {
        val |= LVT_MASKED;
    }
    if (idx == APIC_LVT_TIMER) {
        apic_write_lvt_timer(s, val);
        return;
    }
    s->lvt[idx] = val | ro;
    if (idx == APIC_LVT_LINT0 || idx == APIC_LVT_LINT1) {
        if (!(val & LVT_LEVEL) || lvt_mode(val) != APIC_DM_FIXED) {
            s->lvt[idx] &= ~LVT_REMOTE_IRR;
        }
        /* A level request already on the pin is seen once unmasked. */
        apic_lint_event(s, idx - APIC_LVT_LINT0, false);
        apic_update_irq(s);
    }
}

/* Read register reg; false if it does not exist (reserved). */
static bool apic_reg_read(APICState *s, unsigned reg, uint32_t *val)
{
    bool x2 = apic_x2apic_mode(s);

    switch (reg) {
    case APIC_REG_ID:
        *val = x2 ? s->id : s->id << 24;
        return true;
    case APIC_REG_VERSION:
        *val = APIC_VERSION;
        return true;
    case APIC_REG_TPR:
        *val = s->tpr;
        return true;
    case APIC_REG_APR:
        *val = apic_arb_priority(s);
        return !x2;
    case APIC_REG_PPR:
        *val = apic_ppr(s);
        return true;
    case APIC_REG_EOI:
        *val = 0;
        return !x2; /* write-only: #GP in x2APIC mode */
    case APIC_REG_RRD:
        *val = 0; /* remote read: never valid on an xAPIC */
        return !x2;
    case APIC_REG_LDR:
        *val = s->ldr;
        return true;
    case APIC_REG_DFR:
        *val = s->dfr;
        return !x2;
    case APIC_REG_SVR:
        *val = s->svr;
        return true;
    case APIC_REG_ISR ... APIC_REG_ISR + 7:
        *val = s->isr[reg - APIC_REG_ISR];
        return true;
    case APIC_REG_TMR ... APIC_REG_TMR + 7:
        *val = s->tmr[reg - APIC_REG_TMR];
        return true;
    case APIC_REG_IRR ... APIC_REG_IRR + 7:
        *val = s->irr[reg - APIC_REG_IRR];
        return true;
    case APIC_REG_ESR:
        *val = s->esr;
        return true;
    case APIC_REG_ICR_LO:
        *val = s->icr_lo;
        return true;
    case APIC_REG_ICR_HI:
        *val = s->icr_hi;
        return !x2;
    case APIC_REG_LVT ... APIC_REG_LVT + APIC_LVT_NB - 1:
        *val = s->lvt[reg - APIC_REG_LVT];
        return true;
    case APIC_REG_TMICT:
        *val = s->initial_count;
        return true;
    case APIC_REG_TMCCT:
        *val = apic_current_count(s, clock_get_ns(CLOCK_VIRTUAL));
        return true;
    case APIC_REG_TDCR:
        *val = s->dcr;
        return true;
    default:
        *val = 0;
        return false;
    }
}

/*
 * Write register reg.  x2APIC mode: false for a #GP (read-only or
 * reserved register, reserved bits set: 11.12.1.2-3); xAPIC mode: false
 * for a reserved register (ESR "illegal register address").
 */
static bool apic_reg_write(APICState *s, unsigned reg, uint32_t val)
{
    bool x2 = apic_x2apic_mode(s);

    switch (reg) {
    case APIC_REG_ID:
        if (x2) {
            return false;
        }
        s->id = val >> 24;
        return true;
    case APIC_REG_VERSION:
    case APIC_REG_PPR:
    case APIC_REG_RRD:
    case APIC_REG_ISR ... APIC_REG_IRR + 7:
    case APIC_REG_TMCCT:
        return !x2; /* read-only: ignored by an xAPIC */
    case APIC_REG_APR:
        return !x2;
    case APIC_REG_TPR:
        if (x2 && (val & ~0xffu)) {
            return false;
        }
        s->tpr = val & 0xff;
        apic_update_irq(s);
        return true;
    case APIC_REG_EOI:
        if (x2 && val) {
            return false;
        }
        apic_eoi(s);
        return true;
    case APIC_REG_LDR:
        if (x2) {
            return false;
        }
        s->ldr = val & 0xff000000u;
        return true;
    case APIC_REG_DFR:
        if (x2) {
            return false;
        }
        s->dfr = val | 0x0fffffffu;
        return true;
    case APIC_REG_SVR:
        if (x2 && (val & ~SVR_WRITABLE)) {
            return false;
        }
        apic_write_svr(s, val);
        return true;
    case APIC_REG_ESR:
        if (x2 && val) {
            return false;
        }
        s->esr = s->esr_pending;
        s->esr_pending = 0;
        return true;
    case APIC_REG_ICR_LO:
        if (x2) {
            return false; /* one 64-bit MSR: apic_msr_write */
        }
        s->icr_lo = val & ICR_WRITABLE;
        apic_send_ipi(s, s->icr_lo, s->icr_hi >> 24);
        return true;
    case APIC_REG_ICR_HI:
        if (x2) {
            return false;
        }
        s->icr_hi = val & 0xff000000u;
        return true;
    case APIC_REG_LVT ... APIC_REG_LVT + APIC_LVT_NB - 1: {
        int idx = reg - APIC_REG_LVT;
        if (x2 &&
            (val & ~(lvt_writable[idx] | LVT_DELIV_STATUS | LVT_REMOTE_IRR))) {
            return false;
        }
        apic_write_lvt(s, idx, val);
        return true;
    }
    case APIC_REG_TMICT:
        /* Ignored in TSC-deadline mode (11.5.4.1). */
        if (apic_timer_mode(s) != TIMER_TSC_DEADLINE) {
            s->initial_count = val;
            s->timer_base_count = val;
            s->timer_base_ns = clock_get_ns(CLOCK_VIRTUAL);
            apic_timer_arm(s);
        }
        return true;
    case APIC_REG_TDCR:
        if (x2 && (val & ~0xbu)) {
            return false;
        }
        apic_timer_rebase(s);
        s->dcr = val & 0xb;
        apic_timer_arm(s);
        return true;
    case APIC_REG_SELF_IPI:
        if (!x2 || (val & ~0xffu)) {
            return false;
        }
        if (val < 16) {
            apic_error(s, ESR_RECV_ILLEGAL_VECTOR);
        } else {
            apic_set_irr(s, val, false);
        }
        return true;
    default:
        return false;
    }
}

uint32_t apic_mmio_read(APICState *s, unsigned offset)
{
    uint32_t val;

    if (offset & 0xf) {
        return 0; /* bytes 4-15 of each 16-byte slot */
    }
    if (!apic_reg_read(s, offset >> 4, &val)) {
        log_mask(LOG_GUEST_ERROR, "apic: read of reserved register 0x%x\n",
                 offset);
        apic_error(s, ESR_ILLEGAL_REGISTER);
    }
    return val;
}

void apic_mmio_write(APICState *s, unsigned offset, uint32_t val)
{
    if (offset & 0xf) {
        return;
    }
    if (!apic_reg_write(s, offset >> 4, val)) {
        log_mask(LOG_GUEST_ERROR, "apic: write of reserved register 0x%x\n",
                 offset);
        apic_error(s, ESR_ILLEGAL_REGISTER);
    }
}

/* ---- X86APICOps: IA32_APIC_BASE, x2APIC MSRs, CR8 ---- */

static uint64_t apic_get_base(void *opaque)
{
    APICState *s = opaque;
    return s->apicbase;
}

static void apic_x2apic_ldr(APICState *s)
{
    /* Derived from the x2APIC ID (11.12.10.2). */
    s->ldr = (s->id >> 4) << 16 | BIT(s->id & 0xf);
}

/* IA32_APIC_BASE write; false (#GP) for reserved bits and the invalid
 * transitions of the x2APIC state diagram (11.12.5). */
static bool apic_set_base(void *opaque, uint64_t val)
{
    APICState *s = opaque;
    uint64_t old = s->apicbase;
    bool en = val & MSR_APICBASE_ENABLE, extd = val & MSR_APICBASE_EXTD;
    /* Bits 0-7, 9 and those above MAXPHYADDR are reserved (11.4.4). */
    uint64_t reserved =
        0xff | BIT(9) | ~((1ull << x86_cpu_phys_bits(&s->cpu->env)) - 1);

    if (!apic_cpu_has(s, CPUID_EXT_X2APIC)) {
        reserved |= MSR_APICBASE_EXTD;
    }
    if (val & reserved) {
        return false;
    }
    if (extd && !en) {
        return false; /* the invalid state */
    }
    if (extd && !(old & MSR_APICBASE_ENABLE)) {
        return false; /* disabled -> x2APIC */
    }
    if ((old & MSR_APICBASE_EXTD) && en && !extd) {
        return false; /* x2APIC -> xAPIC without disabling first */
    }
    /* The BSP flag is the hardware's. */
    s->apicbase = (val & ~MSR_APICBASE_BSP) | (old & MSR_APICBASE_BSP);
    s->cpu->env.apic_base = s->apicbase;

    if ((old & MSR_APICBASE_ENABLE) && !en) {
        /* Hardware-disabled: the state is lost; re-enabling finds the
         * power-up state, software-disabled (11.4.3). */
        apic_init_reset(s);
        s->id = s->initial_id & 0xff;
    } else if (extd && !(old & MSR_APICBASE_EXTD)) {
        /* xAPIC -> x2APIC: the x2APIC ID and its derived LDR. */
        s->id = s->initial_id;
        apic_x2apic_ldr(s);
    }
    apic_bus_update_windows(s->bus);
    apic_timer_arm(s);
    apic_update_irq(s);
    return true;
}

static bool apic_msr_read(void *opaque, uint32_t msr, uint64_t *val)
{
    APICState *s = opaque;
    uint32_t v;

    if (msr == MSR_IA32_TSC_DEADLINE) {
        if (!apic_cpu_has(s, CPUID_EXT_TSC_DEADLINE)) {
            return false;
        }
        /* Reads 0 outside TSC-deadline mode (11.5.4.1). */
        *val = apic_timer_mode(s) == TIMER_TSC_DEADLINE ? s->tsc_deadline : 0;
        return true;
    }
    if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST ||
        !apic_x2apic_mode(s)) {
        return false;
    }
    if (msr - MSR_X2APIC_FIRST == APIC_REG_ICR_LO) {
        *val = (uint64_t)s->icr_hi << 32 | s->icr_lo;
        return true;
    }
    if (!apic_reg_read(s, msr - MSR_X2APIC_FIRST, &v)) {
        return false;
    }
    *val = v;
    return true;
}

static bool apic_msr_write(void *opaque, uint32_t msr, uint64_t val)
{
    APICState *s = opaque;

    if (msr == MSR_IA32_TSC_DEADLINE) {
        if (!apic_cpu_has(s, CPUID_EXT_TSC_DEADLINE)) {
            return false;
        }
        /* Ignored outside TSC-deadline mode; 0 disarms. */
        if (apic_timer_mode(s) == TIMER_TSC_DEADLINE && apic_hw_enabled(s)) {
            s->tsc_deadline = val;
            apic_timer_arm(s);
        }
        return true;
    }
    if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST ||
        !apic_x2apic_mode(s)) {
        return false;
    }
    if (msr - MSR_X2APIC_FIRST == APIC_REG_ICR_LO) {
        if (val & ~(0xffffffff00000000ull | ICR_WRITABLE)) {
            return false;
        }
        s->icr_lo = val & ICR_WRITABLE;
        s->icr_hi = val >> 32;
        apic_send_ipi(s, s->icr_lo, s->icr_hi);
        return true;
    }
    /* The upper halves of the other registers are reserved. */
    if (val >> 32) {
        return false;
    }
    return apic_reg_write(s, msr - MSR_X2APIC_FIRST, val);
}

static uint8_t apic_get_cr8(void *opaque)
{
    APICState *s = opaque;
    return s->tpr >> 4;
}

static void apic_set_cr8(void *opaque, uint8_t val)
{
    APICState *s = opaque;
    /* MOV CR8 sets TPR[7:4] and clears TPR[3:0] (10.8.6.1). */
    s->tpr = (val & 0xf) << 4;
    apic_update_irq(s);
}

static void apic_init_op(void *opaque)
{
    apic_init_reset(opaque);
}

static const X86APICOps apic_x86_ops = {
    .get_base = apic_get_base,
    .set_base = apic_set_base,
    .msr_read = apic_msr_read,
    .msr_write = apic_msr_write,
    .get_cr8 = apic_get_cr8,
    .set_cr8 = apic_set_cr8,
    .init = apic_init_op,
};

/* ---- The INTA cycle ---- */

int apic_get_interrupt(void *opaque)
{
    APICState *s = opaque;
    int v;

    if (!apic_hw_enabled(s) || apic_extint_pending(s)) {
        /* INTR is the 8259's (no APIC), or an ExtINT: the 8259's INTA
         * supplies the vector; IRR/ISR are bypassed. */
        s->extint_msg = false;
        v = s->extint_ack ? s->extint_ack(s->extint_ack_opaque) : -1;
        apic_update_irq(s);
        return v;
    }
    if (!apic_sw_enabled(s) || apic_highest(s->irr) < 0) {
        apic_update_irq(s);
        return -1;
    }
    v = apic_deliverable(s);
    if (v < 0) {
        /* Masked by a TPR raise between INTR and INTA (11.9). */
        apic_update_irq(s);
        return s->svr & 0xff;
    }
    apic_setbit(s->irr, v, false);
    apic_setbit(s->isr, v, true);
    apic_update_irq(s);
    return v;
}

void apic_set_extint_ack(APICState *s, int (*ack)(void *opaque), void *opaque)
{
    s->extint_ack = ack;
    s->extint_ack_opaque = opaque;
}

bool apic_enabled(APICState *s)
{
    return apic_hw_enabled(s);
}

/* ---- Reset, state, dump ---- */

void apic_init_reset(APICState *s)
{
    memset(s->irr, 0, sizeof(s->irr));
    memset(s->isr, 0, sizeof(s->isr));
    memset(s->tmr, 0, sizeof(s->tmr));
    s->tpr = 0;
    s->ldr = 0;
    s->dfr = 0xffffffff;
    s->svr = 0xff;
    s->esr = s->esr_pending = 0;
    s->icr_lo = s->icr_hi = 0;
    for (int i = 0; i < APIC_LVT_NB; i++) {
        s->lvt[i] = LVT_MASKED;
    }
    s->dcr = 0;
    s->extint_msg = false;
    apic_timer_disarm(s);
    if (apic_x2apic_mode(s)) {
        apic_x2apic_ldr(s);
    }
    apic_update_irq(s);
}

static void apic_reset(DeviceState *dev)
{
    APICState *s = (APICState *)dev;

    s->apicbase = APIC_DEFAULT_BASE | MSR_APICBASE_ENABLE |
                  (s->bsp ? MSR_APICBASE_BSP : 0);
    s->cpu->env.apic_base = s->apicbase;
    s->id = s->initial_id & 0xff;
    apic_init_reset(s);
    if (s->reset_virtual_wire) {
        s->lvt[APIC_LVT_LINT0] = APIC_DM_EXTINT << LVT_DM_SHIFT;
        apic_update_irq(s);
    }
    apic_bus_update_windows(s->bus);
}

void apic_set_reset_virtual_wire(APICState *s, bool on)
{
    s->reset_virtual_wire = on;
    if (on) {
        s->lvt[APIC_LVT_LINT0] = APIC_DM_EXTINT << LVT_DM_SHIFT;
        apic_update_irq(s);
    }
}

static int apic_post_load(void *opaque)
{
    APICState *s = opaque;

    /* A snapshot must not bring in a state the MSR could never reach. */
    if (!(s->apicbase & MSR_APICBASE_ENABLE)) {
        s->apicbase &= ~MSR_APICBASE_EXTD;
    }
    if (!apic_x2apic_mode(s)) {
        s->id &= 0xff;
    }
    s->dcr &= 0xb;
    s->lint_level[0] = !!s->lint_level[0];
    s->lint_level[1] = !!s->lint_level[1];
    s->cpu->env.apic_base = s->apicbase;
    apic_bus_update_windows(s->bus);
    apic_timer_arm(s);
    apic_update_irq(s);
    return 0;
}

static const VMStateField vmstate_apic_fields[] = {
    VMSTATE_U64(apicbase, APICState),
    VMSTATE_U32(id, APICState),
    VMSTATE_U8(tpr, APICState),
    VMSTATE_U32(ldr, APICState),
    VMSTATE_U32(dfr, APICState),
    VMSTATE_U32(svr, APICState),
    VMSTATE_U32_ARRAY(isr, APICState, 8),
    VMSTATE_U32_ARRAY(tmr, APICState, 8),
    VMSTATE_U32_ARRAY(irr, APICState, 8),
    VMSTATE_U32(esr, APICState),
    VMSTATE_U32(esr_pending, APICState),
    VMSTATE_U32(icr_lo, APICState),
    VMSTATE_U32(icr_hi, APICState),
    VMSTATE_U32_ARRAY(lvt, APICState, APIC_LVT_NB),
    VMSTATE_U32(initial_count, APICState),
    VMSTATE_U32(dcr, APICState),
    VMSTATE_I64(timer_base_ns, APICState),
    VMSTATE_U32(timer_base_count, APICState),
    VMSTATE_U64(tsc_deadline, APICState),
    VMSTATE_U8_ARRAY(lint_level, APICState, 2),
    VMSTATE_BOOL(extint_msg, APICState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_apic = {
    .name = "apic",
    .version = 1,
    .fields = vmstate_apic_fields,
    .post_load = apic_post_load,
};

static void apic_dump_bits(FILE *f, const char *name, const uint32_t *bits)
{
    fprintf(f, "%s ", name);
    for (int i = 7; i >= 0; i--) {
        fprintf(f, "%08x", bits[i]);
    }
    fprintf(f, "\n");
}

void apic_dump(FILE *f, APICState *s)
{
    static const char *const lvt_names[APIC_LVT_NB] = {
        "timer", "thermal", "perf", "LINT0", "LINT1", "error",
    };
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);

    fprintf(f, "apic %u (cpu %d): base 0x%016" PRIx64 " %s%s\n", s->initial_id,
            s->cpu->index, s->apicbase,
            !apic_hw_enabled(s)   ? "hardware-disabled"
            : apic_x2apic_mode(s) ? "x2APIC"
                                  : "xAPIC",
            apic_hw_enabled(s) && !(s->svr & SVR_ENABLE) ? ", software-disabled"
                                                         : "");
    fprintf(f,
            "ID 0x%08x  version 0x%08x  TPR 0x%02x  APR 0x%02x  "
            "PPR 0x%02x\n",
            apic_x2apic_mode(s) ? s->id : s->id << 24, APIC_VERSION, s->tpr,
            apic_arb_priority(s), apic_ppr(s));
    fprintf(f,
            "LDR 0x%08x  DFR 0x%08x  SVR 0x%08x  ESR 0x%08x "
            "(pending 0x%08x)\n",
            s->ldr, s->dfr, s->svr, s->esr, s->esr_pending);
    fprintf(f, "ICR 0x%08x %08x\n", s->icr_hi, s->icr_lo);
    for (int i = 0; i < APIC_LVT_NB; i++) {
        fprintf(f, "LVT %-7s 0x%08x%s\n", lvt_names[i], s->lvt[i],
                (s->lvt[i] & LVT_MASKED) ? " (masked)" : "");
    }
    fprintf(f,
            "timer: mode %d initial %u current %u divide %u "
            "tsc-deadline 0x%" PRIx64 "\n",
            apic_timer_mode(s), s->initial_count, apic_current_count(s, now),
            apic_timer_divisor(s), s->tsc_deadline);
    apic_dump_bits(f, "IRR", s->irr);
    apic_dump_bits(f, "ISR", s->isr);
    apic_dump_bits(f, "TMR", s->tmr);
    fprintf(f, "LINT0 %d LINT1 %d ExtINT message %d\n", s->lint_level[0],
            s->lint_level[1], s->extint_msg);
}

/* ---- The device ---- */

static int apic_realize(DeviceState *dev, Error **errp)
{
    APICState *s = (APICState *)dev;

    if (!s->bus || !s->cpu) {
        error_setg(errp, "apic: needs an APIC bus and a CPU (apic_new)");
        return -EINVAL;
    }
    if (s->initial_id == 0xffffffff) {
        error_setg(errp, "apic: ID 0xffffffff is the broadcast address");
        return -EINVAL;
    }
    if (apic_bus_attach(s->bus, s, errp) < 0) {
        return -EBUSY;
    }
    timer_init_ns(&s->timer, CLOCK_VIRTUAL, apic_timer_cb, s);
    s->cpu->irq_ack = apic_get_interrupt;
    s->cpu->irq_ack_opaque = s;
    s->cpu->env.apic_ops = &apic_x86_ops;
    s->cpu->env.apic = s;
    return 0;
}

static void apic_unrealize(DeviceState *dev)
{
    APICState *s = (APICState *)dev;

    timer_del(&s->timer);
    if (s->cpu->env.apic == s) {
        s->cpu->env.apic_ops = NULL;
        s->cpu->env.apic = NULL;
        s->cpu->irq_ack = NULL;
        s->cpu->irq_ack_opaque = NULL;
    }
    apic_bus_detach(s->bus, s);
}

static const Property apic_props[] = {
    DEFINE_PROP_U32("id", APICState, initial_id, 0, "initial APIC ID"),
    DEFINE_PROP_BOOL("bsp", APICState, bsp, false,
                     "bootstrap processor (IA32_APIC_BASE.BSP)"),
    DEFINE_PROP_BOOL("reset-virtual-wire", APICState, reset_virtual_wire, false,
                     "LINT0 is ExtINT, unmasked, after RESET"),
    DEFINE_PROP_END,
};

static const DeviceClass apic_class = {
    .name = "apic",
    .desc = "local APIC (xAPIC, x2APIC)",
    .instance_size = sizeof(APICState),
    .props = apic_props,
    .user_creatable = false,
    .realize = apic_realize,
    .unrealize = apic_unrealize,
    .reset = apic_reset,
    .vmsd = &vmstate_apic,
};
DEVICE_CLASS_REGISTER(apic_class);

APICState *apic_new(APICBus *bus, CPUState *cpu, uint32_t apic_id, bool bsp,
                    Error **errp)
{
    DeviceState *dev = device_new_class(&apic_class);
    APICState *s = (APICState *)dev;

    device_prop_set_uint(dev, "id", apic_id);
    device_prop_set_bool(dev, "bsp", bsp);
    s->bus = bus;
    s->cpu = cpu;
    if (device_realize(dev, NULL, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return s;
}

void apic_free(APICState *s)
{
    device_unrealize(DEVICE(s));
    device_free(DEVICE(s));
}
