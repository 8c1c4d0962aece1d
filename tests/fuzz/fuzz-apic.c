/*
 * Fuzz target: three local APICs on one APIC bus, each with a bare
 * CPUState.  Writes and reads go to the MMIO page at the default base for
 * the CPU the last event chose (current_cpu); events drive everything
 * else a CPU, the 8259 or the I/O APIC would: LINT0/LINT1, INTA cycles,
 * aligned register writes, bus messages, IA32_APIC_BASE (moves, disables,
 * x2APIC), x2APIC and TSC-deadline MSRs, CR8, INIT.
 *
 * Invariant after each operation, besides the rig's: the INTR line each
 * APIC drives is what its registers say it should be (a state change
 * that forgot to update the line shows here), and INTA returns -1 or a
 * vector.
 */
#include "tests/fuzz/fuzz.h"
#include "emu/cpu.h"
#include "hw/intc/apic-internal.h"
#include "target-i386/cpuid.h"

#define NCPU 3

typedef struct ApicFuzz {
    APICBus *bus;
    CPUState *cpu[NCPU];
    APICState *apic[NCPU];
    uint8_t ack_vector;
} ApicFuzz;

static ApicFuzz apic_fuzz;

static int fuzz_extint_ack(void *opaque)
{
    ApicFuzz *f = opaque;
    return f->ack_vector;
}

static void fuzz_eoi(void *opaque, uint8_t vector) {}

static void apic_setup(FuzzRig *r)
{
    ApicFuzz *f = &apic_fuzz;

    memset(f, 0, sizeof(*f));
    f->bus = apic_bus_new(&r->tb.mem_root);
    apic_bus_set_eoi_handler(f->bus, fuzz_eoi, f);
    for (int i = 0; i < NCPU; i++) {
        Error *err = NULL;
        f->cpu[i] = calloc(1, sizeof(CPUState));
        f->cpu[i]->index = i;
        x86_cpu_model_init(&f->cpu[i]->env, "max", NULL);
        f->cpu[i]->env.cpuid_ext_features |=
            CPUID_EXT_X2APIC | CPUID_EXT_TSC_DEADLINE;
        f->cpu[i]->env.cpuid_platform = X86_PLAT_APIC | X86_PLAT_X2APIC;
        f->apic[i] = fuzz_must(apic_new(f->bus, f->cpu[i], i, i == 0, &err),
                               err, "apic");
        apic_set_extint_ack(f->apic[i], fuzz_extint_ack, f);
        /* Start where an OS would be: software-enabled, virtual wire on
         * the BSP, so that random records reach delivery quickly. */
        current_cpu = f->cpu[i];
        address_space_write_val(&r->tb.mem_as, APIC_DEFAULT_BASE + 0xf0, 4,
                                0x1ff);
        address_space_write_val(&r->tb.mem_as, APIC_DEFAULT_BASE + 0x350, 4,
                                i == 0 ? 0x700 : 0x10700);
        address_space_write_val(&r->tb.mem_as, APIC_DEFAULT_BASE + 0x360, 4,
                                0x400);
    }
    current_cpu = f->cpu[0];
    r->s = f;
    /* The registers fill the first 1 KiB of the page; the rest of it is
     * reserved and answers alike (one window covers the whole page). */
    fuzz_add_window(r, FUZZ_MEM, APIC_DEFAULT_BASE, 0x400);
    fuzz_add_window(r, FUZZ_MEM, APIC_DEFAULT_BASE, APIC_SPACE_SIZE);
    /* Where IA32_APIC_BASE writes below may move a window. */
    fuzz_add_window(r, FUZZ_MEM, 0xfeb00000, 0x400);
}

static void apic_teardown(FuzzRig *r)
{
    ApicFuzz *f = r->s;

    current_cpu = NULL;
    for (int i = 0; i < NCPU; i++) {
        apic_free(f->apic[i]);
    }
    apic_bus_free(f->bus);
    for (int i = 0; i < NCPU; i++) {
        free(f->cpu[i]);
    }
}

static void apic_event(FuzzRig *r, const FuzzOp *op)
{
    ApicFuzz *f = r->s;
    int n = op->offset % NCPU;
    APICState *s = f->apic[n];
    const X86APICOps *ops = f->cpu[n]->env.apic_ops;
    uint32_t v = op->value;
    uint64_t val;

    current_cpu = f->cpu[n];
    switch ((op->offset >> 8) % 16) {
    case 0:
    case 1: {
        /* Mostly fixed messages: they are what fills the IRR. */
        uint8_t dm = (v & 0x80000) ? (v >> 8) & 7 : (v >> 8) & 1;
        APICMessage m = {
            /* IDs 0-2 and the broadcast, or any logical MDA. */
            .dest = (v & 0x10000)          ? 0xffffffff
                    : (v & 0x800)          ? (v >> 24) & 0xff
                    : ((v >> 24) & 3) == 3 ? 0xff
                                           : (v >> 24) & 3,
            .dest_logical = v & 0x800,
            .delivery_mode = dm,
            .vector = v & 0xff,
            .level = v & 0x8000,
            .assert = v & 0x4000,
        };
        apic_bus_deliver(f->bus, &m);
        break;
    }
    case 2:
        apic_set_lint(s, (v >> 8) & 1, v & 1);
        break;
    case 3:
    case 4: {
        /* INTA, and the handler's EOI half of the time. */
        f->ack_vector = v >> 8;
        int vec = apic_get_interrupt(s);
        FUZZ_ASSERT(r, vec >= -1 && vec <= 0xff);
        if (v & 1) {
            address_space_write_val(&r->tb.mem_as, APIC_DEFAULT_BASE + 0xb0, 4,
                                    0);
        }
        break;
    }
    case 5: {
        /* A few bases and every combination of EN/EXTD/reserved bits. */
        static const uint64_t bases[4] = {APIC_DEFAULT_BASE, 0xfeb00000, 0x1000,
                                          0xfffff000};
        val = bases[v & 3] | ((uint64_t)(v >> 2) & 0xfff);
        if (v & 0x4000) {
            val |= 1ull << 60; /* reserved: must be refused */
            FUZZ_ASSERT(r, !ops->set_base(s, val));
        } else {
            ops->set_base(s, val);
        }
        break;
    }
    case 6:
        ops->msr_write(s, MSR_X2APIC_FIRST + (v >> 24),
                       (uint64_t)(op->offset >> 16) << 32 | (v & 0xffffff));
        break;
    case 7:
        if (ops->msr_read(s, MSR_X2APIC_FIRST + (v >> 24), &val)) {
            /* Only the ICR is 64 bits wide. */
            FUZZ_ASSERT(r, (v >> 24) == 0x30 || val <= 0xffffffffu);
        }
        break;
    case 8:
        ops->msr_write(s, MSR_IA32_TSC_DEADLINE,
                       (uint64_t)clock_get_ns(CLOCK_VIRTUAL) + (v & 0xfffff));
        break;
    case 9:
        ops->set_cr8(s, v & 0xf);
        FUZZ_ASSERT(r, ops->get_cr8(s) == (v & 0xf));
        break;
    case 10:
        apic_init_reset(s);
        break;
    case 11:
    case 12:
    case 13: {
        /* A writable register: random offsets mostly miss them. */
        static const uint16_t regs[] = {
            0x020, 0x080, 0x0b0, 0x0d0, 0x0e0, 0x0f0, 0x280, 0x300, 0x310,
            0x320, 0x330, 0x340, 0x350, 0x360, 0x370, 0x380, 0x3e0,
        };
        unsigned reg = regs[(op->offset >> 16) % ARRAY_SIZE(regs)];
        if (reg == 0x300) {
            /* ICR: destinations that exist, or a shorthand. */
            address_space_write_val(&r->tb.mem_as, APIC_DEFAULT_BASE + 0x310, 4,
                                    v & 0x03000000);
        }
        address_space_write_val(&r->tb.mem_as, APIC_DEFAULT_BASE + reg, 4, v);
        break;
    }
    default:
        /* Only select the CPU that makes the next MMIO access. */
        break;
    }
}

static int highest(const uint32_t *bits)
{
    for (int i = 7; i >= 0; i--) {
        if (bits[i]) {
            return i * 32 + 31 - __builtin_clz(bits[i]);
        }
    }
    return -1;
}

/* What INTR should be, from the registers (SDM 11.8.3, 11.5.1). */
static int expected_intr(const APICState *s)
{
    if (!(s->apicbase & MSR_APICBASE_ENABLE)) {
        return s->lint_level[0];
    }
    uint32_t lint0 = s->lvt[APIC_LVT_LINT0];
    bool asserted = (lint0 & BIT(13)) ? !s->lint_level[0] : s->lint_level[0];
    if (s->extint_msg ||
        (!(lint0 & BIT(16)) && ((lint0 >> 8) & 7) == 7 && asserted)) {
        return 1;
    }
    if (!(s->svr & BIT(8))) {
        return 0;
    }
    int irrv = highest(s->irr), isrv = highest(s->isr);
    int ppr = MAX(s->tpr & 0xf0, isrv < 0 ? 0 : isrv & 0xf0);
    return irrv >= 0 && (irrv & 0xf0) > ppr;
}

static void apic_check(FuzzRig *r, const FuzzOp *op)
{
    ApicFuzz *f = r->s;

    for (int i = 0; i < NCPU; i++) {
        APICState *s = f->apic[i];
        int level = f->cpu[i]->intr_level;
        if (level != expected_intr(s)) {
            fuzz_fail(r, "cpu %d: INTR %d but the registers say %d", i, level,
                      expected_intr(s));
        }
        /* LVT entries of a software-disabled APIC stay masked. */
        if (!(s->svr & BIT(8))) {
            for (int j = 0; j < APIC_LVT_NB; j++) {
                FUZZ_ASSERT(r, s->lvt[j] & BIT(16));
            }
        }
        FUZZ_ASSERT(r, !(s->apicbase & MSR_APICBASE_EXTD) ||
                           (s->apicbase & MSR_APICBASE_ENABLE));
    }
}

const FuzzTarget fuzz_target = {
    .name = "apic",
    .covers = "hw/intc/apic.c hw/intc/apic-regs.c hw/intc/apic-state.c "
              "hw/intc/apic-bus.c hw/intc/apic-timer.c",
    .setup = apic_setup,
    .teardown = apic_teardown,
    .event = apic_event,
    .check = apic_check,
};
