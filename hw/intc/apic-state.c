/*
 * The local APIC as a device: reset and INIT states (SDM vol. 3A, 11.4.7),
 * the state description for snapshots, "info lapic", and the "apic"
 * device on the system bus that apic_new() creates.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/log.h"
#include "emu/timer.h"
#include "emu/vmstate.h"
#include "hw/intc/apic-internal.h"
#include "target-i386/cpuid.h"

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
