/*
 * The local APIC's registers as software reaches them: the xAPIC MMIO
 * window (apic_mmio_read/write, through apic-bus.c), and for the CPU core
 * the X86APICOps (target-i386/cpu.h): IA32_APIC_BASE with its mode
 * transitions (SDM vol. 3A, 11.4.4 and 11.12.5), the x2APIC MSRs
 * (11.12.1), IA32_TSC_DEADLINE and CR8.  What the registers do is apic.c's.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/log.h"
#include "emu/timer.h"
#include "emu/vmstate.h"
#include "hw/intc/apic-internal.h"
#include "target-i386/cpuid.h"

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

void apic_x2apic_ldr(APICState *s)
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

const X86APICOps apic_x86_ops = {
    .get_base = apic_get_base,
    .set_base = apic_set_base,
    .msr_read = apic_msr_read,
    .msr_write = apic_msr_write,
    .get_cr8 = apic_get_cr8,
    .set_cr8 = apic_set_cr8,
    .init = apic_init_op,
};
