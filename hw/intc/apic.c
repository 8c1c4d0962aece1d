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

/* What software may write in each LVT entry (the rest is reserved or,
 * delivery status and remote IRR, read-only). */
const uint32_t lvt_writable[APIC_LVT_NB] = {
    [APIC_LVT_TIMER] = LVT_TIMER_MODE_MASK | LVT_MASKED | LVT_VECTOR,
    [APIC_LVT_THERMAL] = LVT_MASKED | 0x7ffu,
    [APIC_LVT_PERF] = LVT_MASKED | 0x7ffu,
    [APIC_LVT_LINT0] = LVT_MASKED | LVT_LEVEL | LVT_POLARITY | 0x7ffu,
    [APIC_LVT_LINT1] = LVT_MASKED | LVT_LEVEL | LVT_POLARITY | 0x7ffu,
    [APIC_LVT_ERROR] = LVT_MASKED | LVT_VECTOR,
};

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
uint8_t apic_ppr(const APICState *s)
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

int lvt_mode(uint32_t lvt)
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
void apic_update_irq(APICState *s)
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
void apic_set_irr(APICState *s, uint8_t vector, bool level)
{
    apic_setbit(s->irr, vector, true);
    apic_setbit(s->tmr, vector, level);
    apic_update_irq(s);
}

/* An error (11.5.3): latched for the next ESR write, and the error LVT
 * interrupt, every time one is detected. */
void apic_error(APICState *s, uint32_t bits)
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
void apic_lint_event(APICState *s, int pin, bool edge)
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

void apic_eoi(APICState *s)
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
void apic_send_ipi(APICState *s, uint32_t lo, uint32_t dest)
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
