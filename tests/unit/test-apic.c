/*
 * Device tests for the local APIC and the APIC bus (hw/intc/apic.c,
 * apic-bus.c): three APICs on one bus over a test memory space, each with
 * a bare CPUState (no thread).  Registers are reached through the MMIO
 * window with current_cpu set, as a vCPU would; MSRs and CR8 through the
 * X86APICOps the APIC installs in env; the INTR line, NMI, INIT and
 * STARTUP are read back from the CPUState fields cpu_set_* write.  The
 * virtual clock is in test mode: timers fire only in clock_step_ns().
 */
#include "tests/unit/harness.h"
#include "emu/cpu.h"
#include "emu/vmstate.h"
#include "hw/intc/apic.h"
#include "target-i386/cpuid.h"

#define NCPU 3
#define BASE APIC_DEFAULT_BASE

/* Register offsets (SDM table "Local APIC Register Address Map"). */
enum {
    ID = 0x20,
    VER = 0x30,
    TPR = 0x80,
    APR = 0x90,
    PPR = 0xa0,
    EOI = 0xb0,
    LDR = 0xd0,
    DFR = 0xe0,
    SVR = 0xf0,
    ISR = 0x100,
    TMR = 0x180,
    IRR = 0x200,
    ESR = 0x280,
    ICR_LO = 0x300,
    ICR_HI = 0x310,
    LVT_TIMER = 0x320,
    LVT_THERMAL = 0x330,
    LVT_PERF = 0x340,
    LVT_LINT0 = 0x350,
    LVT_LINT1 = 0x360,
    LVT_ERROR = 0x370,
    TMICT = 0x380,
    TMCCT = 0x390,
    TDCR = 0x3e0,
};

typedef struct Rig {
    TestBus tb;
    CPUState *cpu[NCPU];
    APICState *apic[NCPU];
    APICBus *bus;
    int eoi_count;
    int eoi_vector;
    int ack_count;
    int ack_vector;
} Rig;

static void rig_eoi(void *opaque, uint8_t vector)
{
    Rig *r = opaque;
    r->eoi_count++;
    r->eoi_vector = vector;
}

static int rig_ack(void *opaque)
{
    Rig *r = opaque;
    r->ack_count++;
    return r->ack_vector;
}

/* CPUID as the board will set it: "max" with x2APIC and the TSC-deadline
 * timer, on a platform that has both. */
static void cpu_model(CPUState *cpu)
{
    x86_cpu_model_init(&cpu->env, "max", NULL);
    cpu->env.cpuid_ext_features |= CPUID_EXT_X2APIC | CPUID_EXT_TSC_DEADLINE;
    cpu->env.cpuid_platform = X86_PLAT_APIC | X86_PLAT_X2APIC;
}

/* APIC i has ID i + 1 (0 is a valid ID too, but a distinct one catches an
 * ID/index mix-up); CPU 0 is the BSP. */
static bool rig_init(Rig *r)
{
    memset(r, 0, sizeof(*r));
    test_bus_init(&r->tb);
    r->bus = apic_bus_new(&r->tb.mem_root);
    apic_bus_set_eoi_handler(r->bus, rig_eoi, r);
    for (int i = 0; i < NCPU; i++) {
        Error *err = NULL;
        r->cpu[i] = calloc(1, sizeof(CPUState));
        r->cpu[i]->index = i;
        cpu_model(r->cpu[i]);
        r->apic[i] = apic_new(r->bus, r->cpu[i], i + 1, i == 0, &err);
        if (!r->apic[i]) {
            test_fail(__FILE__, __LINE__, "apic_new: %s",
                      error_get_pretty(err));
            error_free(err);
            return false;
        }
        apic_set_extint_ack(r->apic[i], rig_ack, r);
    }
    current_cpu = r->cpu[0];
    return true;
}

static void rig_cleanup(Rig *r)
{
    current_cpu = NULL;
    for (int i = 0; i < NCPU; i++) {
        if (r->apic[i]) {
            apic_free(r->apic[i]);
        }
    }
    apic_bus_free(r->bus);
    for (int i = 0; i < NCPU; i++) {
        free(r->cpu[i]);
    }
    test_bus_cleanup(&r->tb);
}

static uint32_t rd_at(Rig *r, int cpu, uint64_t addr)
{
    uint64_t v = 0;
    current_cpu = cpu < 0 ? NULL : r->cpu[cpu];
    address_space_read_val(&r->tb.mem_as, addr, 4, &v);
    return v;
}

static uint32_t rd(Rig *r, int cpu, unsigned off)
{
    return rd_at(r, cpu, BASE + off);
}

static void wr(Rig *r, int cpu, unsigned off, uint32_t v)
{
    current_cpu = r->cpu[cpu];
    address_space_write_val(&r->tb.mem_as, BASE + off, 4, v);
}

static const X86APICOps *ops(Rig *r, int cpu)
{
    return r->cpu[cpu]->env.apic_ops;
}

static bool set_base(Rig *r, int cpu, uint64_t v)
{
    return ops(r, cpu)->set_base(r->apic[cpu], v);
}

static bool msr_rd(Rig *r, int cpu, uint32_t msr, uint64_t *v)
{
    return ops(r, cpu)->msr_read(r->apic[cpu], msr, v);
}

static bool msr_wr(Rig *r, int cpu, uint32_t msr, uint64_t v)
{
    return ops(r, cpu)->msr_write(r->apic[cpu], msr, v);
}

static bool irr_has(Rig *r, int cpu, unsigned v)
{
    return rd(r, cpu, IRR + (v / 32) * 0x10) & BIT(v % 32);
}

static bool isr_has(Rig *r, int cpu, unsigned v)
{
    return rd(r, cpu, ISR + (v / 32) * 0x10) & BIT(v % 32);
}

static bool tmr_has(Rig *r, int cpu, unsigned v)
{
    return rd(r, cpu, TMR + (v / 32) * 0x10) & BIT(v % 32);
}

static void sw_enable_all(Rig *r)
{
    for (int i = 0; i < NCPU; i++) {
        wr(r, i, SVR, 0x1ff);
    }
}

static void send(Rig *r, uint32_t dest, uint8_t dm, uint8_t vector,
                 bool logical, bool level)
{
    APICMessage m = {
        .dest = dest,
        .dest_logical = logical,
        .delivery_mode = dm,
        .vector = vector,
        .level = level,
        .assert = true,
    };
    apic_bus_deliver(r->bus, &m);
}

/* An APIC is a device: its DeviceState comes first (emu/device.h). */
static DeviceState *apic_dev(APICState *s)
{
    return (DeviceState *)s;
}

static int intr(Rig *r, int cpu)
{
    return r->cpu[cpu]->intr_level;
}

static int ack(Rig *r, int cpu)
{
    return apic_get_interrupt(r->apic[cpu]);
}

/* ---- tests ---- */

static void test_power_on_state(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    for (int i = 0; i < NCPU; i++) {
        CHECK_EQ(rd(&r, i, ID), (uint32_t)(i + 1) << 24);
        CHECK_EQ(rd(&r, i, VER), 0x50014);
        CHECK_EQ(rd(&r, i, TPR), 0);
        CHECK_EQ(rd(&r, i, PPR), 0);
        CHECK_EQ(rd(&r, i, LDR), 0);
        CHECK_EQ(rd(&r, i, DFR), 0xffffffff);
        CHECK_EQ(rd(&r, i, SVR), 0xff);
        for (unsigned lvt = LVT_TIMER; lvt <= LVT_ERROR; lvt += 0x10) {
            CHECK_EQ(rd(&r, i, lvt), 0x10000);
        }
        CHECK_EQ(rd(&r, i, TDCR), 0);
        CHECK_EQ(rd(&r, i, TMICT), 0);
        CHECK(apic_enabled(r.apic[i]));
        CHECK(r.cpu[i]->irq_ack == apic_get_interrupt);
        CHECK(r.cpu[i]->env.apic == r.apic[i]);
        CHECK_EQ(ops(&r, i)->get_base(r.apic[i]),
                 BASE | MSR_APICBASE_ENABLE | (i == 0 ? MSR_APICBASE_BSP : 0));
        CHECK_EQ(r.cpu[i]->env.apic_base, ops(&r, i)->get_base(r.apic[i]));
        CHECK(apic_bus_find(r.bus, i + 1) == r.apic[i]);
    }
    CHECK(apic_bus_find(r.bus, 0) == NULL);
    /* A second APIC with a used ID, or on a CPU that has one, is refused. */
    Error *err = NULL;
    CPUState *extra = calloc(1, sizeof(CPUState));
    CHECK(apic_new(r.bus, extra, 2, false, &err) == NULL);
    CHECK(err != NULL);
    error_free(err);
    err = NULL;
    CHECK(apic_new(r.bus, r.cpu[0], 9, false, &err) == NULL);
    error_free(err);
    free(extra);
    rig_cleanup(&r);
}

static void test_register_masks(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    wr(&r, 0, TPR, 0xffffffff);
    CHECK_EQ(rd(&r, 0, TPR), 0xff);
    wr(&r, 0, TPR, 0);
    wr(&r, 0, LDR, 0x12345678);
    CHECK_EQ(rd(&r, 0, LDR), 0x12000000);
    wr(&r, 0, DFR, 0);
    CHECK_EQ(rd(&r, 0, DFR), 0x0fffffff);
    wr(&r, 0, SVR, 0xffffffff);
    CHECK_EQ(rd(&r, 0, SVR), 0x3ff);
    wr(&r, 0, VER, 0);
    CHECK_EQ(rd(&r, 0, VER), 0x50014);
    wr(&r, 0, ICR_HI, 0xffffffff);
    CHECK_EQ(rd(&r, 0, ICR_HI), 0xff000000);
    /* Only the LVT bits each entry has (delivery status, remote IRR are
     * read-only; the timer has no delivery mode). */
    wr(&r, 0, LVT_TIMER, 0xffffffff);
    CHECK_EQ(rd(&r, 0, LVT_TIMER), 0x700ff);
    wr(&r, 0, LVT_LINT0, 0xffffffff);
    CHECK_EQ(rd(&r, 0, LVT_LINT0), 0x1a7ff);
    wr(&r, 0, LVT_LINT1, 0xffffffff);
    CHECK_EQ(rd(&r, 0, LVT_LINT1), 0x1a7ff);
    wr(&r, 0, LVT_ERROR, 0xffffffff);
    CHECK_EQ(rd(&r, 0, LVT_ERROR), 0x100ff);
    wr(&r, 0, LVT_THERMAL, 0xffffffff);
    CHECK_EQ(rd(&r, 0, LVT_THERMAL), 0x107ff);
    wr(&r, 0, LVT_PERF, 0xffffffff);
    CHECK_EQ(rd(&r, 0, LVT_PERF), 0x107ff);
    wr(&r, 0, TDCR, 0xffffffff);
    CHECK_EQ(rd(&r, 0, TDCR), 0xb);
    /* The xAPIC ID is writable and names the APIC on the bus. */
    wr(&r, 0, ID, 0x07000000);
    CHECK_EQ(rd(&r, 0, ID), 0x07000000);
    CHECK(apic_bus_find(r.bus, 7) == r.apic[0]);
    CHECK(apic_bus_find(r.bus, 1) == NULL);
    /* Byte reads see part of a register; bytes 4-15 of a slot are 0. */
    uint64_t v;
    current_cpu = r.cpu[0];
    address_space_read_val(&r.tb.mem_as, BASE + VER + 2, 1, &v);
    CHECK_EQ(v, 0x05);
    address_space_read_val(&r.tb.mem_as, BASE + VER + 4, 4, &v);
    CHECK_EQ(v, 0);
    /* Another CPU sees its own APIC at the same address. */
    CHECK_EQ(rd(&r, 1, ID), 0x02000000);
    rig_cleanup(&r);
}

static void test_esr_and_error_lvt(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    sw_enable_all(&r);
    wr(&r, 0, LVT_ERROR, 0xfe);
    /* A reserved register: ESR bit 7, visible only after an ESR write. */
    CHECK_EQ(rd(&r, 0, 0x3f0), 0);
    CHECK_EQ(rd(&r, 0, ESR), 0);
    CHECK(irr_has(&r, 0, 0xfe));
    wr(&r, 0, ESR, 0);
    CHECK_EQ(rd(&r, 0, ESR), 0x80);
    wr(&r, 0, ESR, 0);
    CHECK_EQ(rd(&r, 0, ESR), 0);
    /* Sending an illegal vector: bit 5, nothing sent. */
    wr(&r, 0, ICR_HI, 2 << 24);
    wr(&r, 0, ICR_LO, 0x0000000f);
    CHECK(!irr_has(&r, 1, 0x0f));
    wr(&r, 0, ESR, 0);
    CHECK_EQ(rd(&r, 0, ESR), 0x20);
    /* Receiving one from the bus: bit 6 at the receiver. */
    send(&r, 2, APIC_DM_FIXED, 3, false, false);
    CHECK(!irr_has(&r, 1, 3));
    wr(&r, 1, ESR, 0);
    CHECK_EQ(rd(&r, 1, ESR), 0x40);
    /* An LVT with an illegal vector reports it when it fires. */
    wr(&r, 2, LVT_TIMER, 0x05);
    wr(&r, 2, TMICT, 1);
    clock_step_ns(10);
    wr(&r, 2, ESR, 0);
    CHECK_EQ(rd(&r, 2, ESR), 0x40);
    rig_cleanup(&r);
}

static void test_priorities_and_inta(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    /* Software-disabled: fixed messages are not accepted. */
    send(&r, 1, APIC_DM_FIXED, 0x40, false, false);
    CHECK(!irr_has(&r, 0, 0x40));
    CHECK_EQ(intr(&r, 0), 0);
    sw_enable_all(&r);

    send(&r, 1, APIC_DM_FIXED, 0x41, false, false);
    send(&r, 1, APIC_DM_FIXED, 0x62, false, false);
    CHECK(irr_has(&r, 0, 0x41) && irr_has(&r, 0, 0x62));
    CHECK_EQ(intr(&r, 0), 1);
    CHECK_EQ(intr(&r, 1), 0);
    /* TPR at the class of the highest request blocks it. */
    wr(&r, 0, TPR, 0x60);
    CHECK_EQ(intr(&r, 0), 0);
    CHECK_EQ(rd(&r, 0, PPR), 0x60);
    wr(&r, 0, TPR, 0x5f);
    CHECK_EQ(intr(&r, 0), 1);
    CHECK_EQ(ack(&r, 0), 0x62);
    CHECK(isr_has(&r, 0, 0x62) && !irr_has(&r, 0, 0x62));
    /* PPR is the in-service class now; 0x41 is below it. */
    CHECK_EQ(rd(&r, 0, PPR), 0x60);
    CHECK_EQ(intr(&r, 0), 0);
    /* A higher class nests. */
    send(&r, 1, APIC_DM_FIXED, 0x75, false, false);
    CHECK_EQ(intr(&r, 0), 1);
    /* TPR raised between INTR and INTA: the spurious vector. */
    wr(&r, 0, TPR, 0x70);
    CHECK_EQ(ack(&r, 0), 0xff);
    CHECK(irr_has(&r, 0, 0x75));
    wr(&r, 0, TPR, 0);
    CHECK_EQ(ack(&r, 0), 0x75);
    CHECK_EQ(rd(&r, 0, PPR), 0x70);
    /* APR (SDM: TPR if its class is >= IRRV's and > ISRV's, else
     * max(TPR & ISRV, IRRV) classes): IRR 0x41, ISR 0x75, TPR 0 -> 0x40. */
    CHECK_EQ(rd(&r, 0, APR), 0x40);
    wr(&r, 0, TPR, 0x3f);
    CHECK_EQ(rd(&r, 0, APR), 0x40); /* 3 & 7 = 3 < 4 */
    wr(&r, 0, TPR, 0x8f);
    CHECK_EQ(rd(&r, 0, APR), 0x8f);
    wr(&r, 0, TPR, 0x7f);
    CHECK_EQ(rd(&r, 0, APR), 0x70); /* 7 & 7 */
    wr(&r, 0, TPR, 0);
    /* EOI ends the highest in service. */
    wr(&r, 0, EOI, 0);
    CHECK(!isr_has(&r, 0, 0x75) && isr_has(&r, 0, 0x62));
    CHECK_EQ(rd(&r, 0, PPR), 0x60);
    wr(&r, 0, EOI, 0);
    CHECK_EQ(rd(&r, 0, PPR), 0);
    CHECK_EQ(intr(&r, 0), 1);
    CHECK_EQ(ack(&r, 0), 0x41);
    wr(&r, 0, EOI, 0);
    CHECK_EQ(intr(&r, 0), 0);
    CHECK_EQ(ack(&r, 0), -1);
    CHECK_EQ(r.eoi_count, 0); /* all edge-triggered */
    /* Spurious vector follows the SVR. */
    wr(&r, 0, SVR, 0x1e7);
    send(&r, 1, APIC_DM_FIXED, 0x30, false, false);
    wr(&r, 0, TPR, 0xf0);
    CHECK_EQ(ack(&r, 0), 0xe7);
    /* CR8 is TPR[7:4]. */
    ops(&r, 0)->set_cr8(r.apic[0], 0x2);
    CHECK_EQ(rd(&r, 0, TPR), 0x20);
    CHECK_EQ(ops(&r, 0)->get_cr8(r.apic[0]), 2);
    CHECK_EQ(intr(&r, 0), 1);
    rig_cleanup(&r);
}

static void test_level_eoi_broadcast(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    sw_enable_all(&r);
    send(&r, 2, APIC_DM_FIXED, 0x51, false, true);
    send(&r, 2, APIC_DM_FIXED, 0x52, false, false);
    CHECK(tmr_has(&r, 1, 0x51));
    CHECK(!tmr_has(&r, 1, 0x52));
    CHECK_EQ(ack(&r, 1), 0x52);
    wr(&r, 1, EOI, 0);
    CHECK_EQ(r.eoi_count, 0);
    CHECK_EQ(ack(&r, 1), 0x51);
    wr(&r, 1, EOI, 0);
    CHECK_EQ(r.eoi_count, 1);
    CHECK_EQ(r.eoi_vector, 0x51);
    /* EOI with nothing in service does nothing. */
    wr(&r, 1, EOI, 0);
    CHECK_EQ(r.eoi_count, 1);
    rig_cleanup(&r);
}

static void icr(Rig *r, int cpu, uint8_t dest, uint32_t lo)
{
    wr(r, cpu, ICR_HI, (uint32_t)dest << 24);
    wr(r, cpu, ICR_LO, lo);
}

static int holders(Rig *r, unsigned vector)
{
    int mask = 0;
    for (int i = 0; i < NCPU; i++) {
        if (irr_has(r, i, vector)) {
            mask |= 1 << i;
        }
    }
    return mask;
}

static void clear_all(Rig *r)
{
    for (int i = 0; i < NCPU; i++) {
        apic_init_reset(r->apic[i]);
        wr(r, i, SVR, 0x1ff);
    }
}

static void test_icr_destinations(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    sw_enable_all(&r);
    /* Physical: APIC ID 3 is CPU 2. */
    icr(&r, 0, 3, 0x40);
    CHECK_EQ(holders(&r, 0x40), 4);
    CHECK_EQ(rd(&r, 0, ICR_LO) & BIT(12), 0); /* delivered: idle */
    /* Physical broadcast. */
    icr(&r, 0, 0xff, 0x41);
    CHECK_EQ(holders(&r, 0x41), 7);
    /* Logical flat: LDR bits 1, 2, 4. */
    for (int i = 0; i < NCPU; i++) {
        wr(&r, i, LDR, (1u << i) << 24);
    }
    icr(&r, 1, 0x05, 0x800 | 0x42);
    CHECK_EQ(holders(&r, 0x42), 5);
    /* Logical cluster: cluster 1 members 1, 2; cluster 2 member 1. */
    for (int i = 0; i < NCPU; i++) {
        wr(&r, i, DFR, 0x0fffffff);
    }
    wr(&r, 0, LDR, 0x11000000);
    wr(&r, 1, LDR, 0x12000000);
    wr(&r, 2, LDR, 0x21000000);
    icr(&r, 0, 0x13, 0x800 | 0x43);
    CHECK_EQ(holders(&r, 0x43), 3);
    icr(&r, 0, 0x21, 0x800 | 0x44);
    CHECK_EQ(holders(&r, 0x44), 4);
    icr(&r, 0, 0x31, 0x800 | 0x45); /* no such cluster */
    CHECK_EQ(holders(&r, 0x45), 0);
    /* Shorthands: self, all including self, all excluding self. */
    icr(&r, 1, 0, (1 << 18) | 0x46);
    CHECK_EQ(holders(&r, 0x46), 2);
    icr(&r, 1, 0, (2 << 18) | 0x47);
    CHECK_EQ(holders(&r, 0x47), 7);
    icr(&r, 1, 0, (3 << 18) | 0x48);
    CHECK_EQ(holders(&r, 0x48), 5);
    /* A level-triggered IPI sets TMR. */
    icr(&r, 0, 2, 0xc000 | 0x49);
    CHECK(tmr_has(&r, 1, 0x49));
    rig_cleanup(&r);
}

static void test_icr_lowest_priority(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    sw_enable_all(&r);
    /* All three equal: the lowest APIC ID. */
    icr(&r, 2, 0, (2 << 18) | 0x100 | 0x50);
    CHECK_EQ(holders(&r, 0x50), 1);
    clear_all(&r);
    /* The lowest arbitration priority wins. */
    wr(&r, 0, TPR, 0x40);
    wr(&r, 1, TPR, 0x20);
    wr(&r, 2, TPR, 0x30);
    icr(&r, 0, 0xff, 0x100 | 0x51);
    CHECK_EQ(holders(&r, 0x51), 2);
    /* Through the bus, logical destination naming two of them. */
    for (int i = 0; i < NCPU; i++) {
        wr(&r, i, LDR, (1u << i) << 24);
    }
    send(&r, 0x05, APIC_DM_LOWPRI, 0x52, true, false);
    CHECK_EQ(holders(&r, 0x52), 4);
    /* Focus: one already holding the vector takes it again. */
    wr(&r, 2, TPR, 0xa0);
    clear_all(&r);
    wr(&r, 2, TPR, 0xa0);
    send(&r, 3, APIC_DM_FIXED, 0x53, false, false);
    send(&r, 0xff, APIC_DM_LOWPRI, 0x53, false, false);
    CHECK_EQ(holders(&r, 0x53), 4);
    CHECK_EQ(ack(&r, 0), -1);
    /* Focus checking off (SVR bit 9): back to arbitration. */
    wr(&r, 2, SVR, 0x3ff);
    send(&r, 0xff, APIC_DM_LOWPRI, 0x53, false, false);
    CHECK_EQ(holders(&r, 0x53), 5);
    /* Software-disabled APICs do not take part. */
    clear_all(&r);
    wr(&r, 0, SVR, 0xff);
    send(&r, 0xff, APIC_DM_LOWPRI, 0x54, false, false);
    CHECK_EQ(holders(&r, 0x54), 2);
    /* Lowest priority to self is invalid. */
    icr(&r, 1, 0, (1 << 18) | 0x100 | 0x55);
    CHECK_EQ(holders(&r, 0x55), 0);
    rig_cleanup(&r);
}

static void test_icr_nmi_init_sipi(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    /* These reach software-disabled APICs too (11.4.7.2). */
    icr(&r, 0, 2, 0x400);
    CHECK(r.cpu[1]->nmi_request);
    CHECK(!r.cpu[0]->nmi_request && !r.cpu[2]->nmi_request);
    /* INIT assert to all but self, as an OS starts its APs. */
    icr(&r, 0, 0, (3 << 18) | 0x4500);
    CHECK(!r.cpu[0]->init_request);
    CHECK(r.cpu[1]->init_request && r.cpu[2]->init_request);
    r.cpu[1]->init_request = r.cpu[2]->init_request = false;
    /* INIT level de-assert: nothing happens. */
    icr(&r, 0, 0, (3 << 18) | 0x8500);
    CHECK(!r.cpu[1]->init_request && !r.cpu[2]->init_request);
    /* STARTUP with its vector. */
    icr(&r, 0, 3, 0x4600 | 0x9a);
    CHECK(r.cpu[2]->sipi_request);
    CHECK_EQ(r.cpu[2]->sipi_vector, 0x9a);
    CHECK(!r.cpu[1]->sipi_request);
    /* INIT to self is invalid. */
    icr(&r, 0, 0, (1 << 18) | 0x4500);
    CHECK(!r.cpu[0]->init_request);
    /* From the bus: NMI, INIT, ExtINT. */
    send(&r, 1, APIC_DM_NMI, 0, false, false);
    CHECK(r.cpu[0]->nmi_request);
    send(&r, 3, APIC_DM_INIT, 0, false, false);
    CHECK(r.cpu[2]->init_request);
    /* A hardware-disabled APIC hears nothing. */
    r.cpu[2]->nmi_request = false;
    CHECK(set_base(&r, 2, BASE));
    send(&r, 3, APIC_DM_NMI, 0, false, false);
    CHECK(!r.cpu[2]->nmi_request);
    rig_cleanup(&r);
}

static void test_extint(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    sw_enable_all(&r);
    r.ack_vector = 0x08;
    /* LINT0 masked: the 8259's INT goes nowhere. */
    apic_set_lint(r.apic[0], 0, 1);
    CHECK_EQ(intr(&r, 0), 0);
    /* Virtual-wire mode: LINT0 ExtINT. */
    wr(&r, 0, LVT_LINT0, 0x700);
    CHECK_EQ(intr(&r, 0), 1);
    wr(&r, 0, TPR, 0xff); /* ExtINT ignores priorities */
    CHECK_EQ(intr(&r, 0), 1);
    CHECK_EQ(ack(&r, 0), 0x08);
    CHECK_EQ(r.ack_count, 1);
    CHECK_EQ(rd(&r, 0, ISR), 0); /* bypasses IRR/ISR */
    CHECK_EQ(rd(&r, 0, IRR), 0);
    apic_set_lint(r.apic[0], 0, 0);
    CHECK_EQ(intr(&r, 0), 0);
    wr(&r, 0, TPR, 0);
    /* An ExtINT message from the bus (an I/O APIC pin in ExtINT mode). */
    send(&r, 2, APIC_DM_EXTINT, 0, false, false);
    CHECK_EQ(intr(&r, 1), 1);
    r.ack_vector = 0x21;
    CHECK_EQ(ack(&r, 1), 0x21);
    CHECK_EQ(intr(&r, 1), 0);
    /* Software disable masks LINT0 again and it cannot be unmasked. */
    wr(&r, 0, SVR, 0xff);
    CHECK_EQ(rd(&r, 0, LVT_LINT0), 0x10700);
    wr(&r, 0, LVT_LINT0, 0x700);
    CHECK_EQ(rd(&r, 0, LVT_LINT0), 0x10700);
    apic_set_lint(r.apic[0], 0, 1);
    CHECK_EQ(intr(&r, 0), 0);
    /* Hardware-disabled: LINT0 is INTR itself, LINT1 is NMI. */
    CHECK(set_base(&r, 0, BASE));
    CHECK(!apic_enabled(r.apic[0]));
    CHECK_EQ(intr(&r, 0), 1);
    r.ack_vector = 0x0c;
    CHECK_EQ(ack(&r, 0), 0x0c);
    apic_set_lint(r.apic[0], 0, 0);
    CHECK_EQ(intr(&r, 0), 0);
    apic_set_lint(r.apic[0], 1, 1);
    CHECK(r.cpu[0]->nmi_request);
    rig_cleanup(&r);
}

/* apic_set_reset_virtual_wire: the 8259 reaches a CPU whose firmware
 * never programs the APIC. */
static void test_reset_virtual_wire(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    r.ack_vector = 0x08;
    apic_set_reset_virtual_wire(r.apic[0], true);
    CHECK_EQ(rd(&r, 0, LVT_LINT0), 0x700);
    CHECK_EQ(rd(&r, 0, SVR), 0xff);
    apic_set_lint(r.apic[0], 0, 1);
    CHECK_EQ(intr(&r, 0), 1);
    CHECK_EQ(ack(&r, 0), 0x08);
    apic_set_lint(r.apic[0], 0, 0);
    CHECK_EQ(intr(&r, 0), 0);
    /* Every RESET brings it back; INIT masks it as the SDM says. */
    wr(&r, 0, LVT_LINT0, 0x10000);
    device_reset(apic_dev(r.apic[0]));
    CHECK_EQ(rd(&r, 0, LVT_LINT0), 0x700);
    apic_init_reset(r.apic[0]);
    CHECK_EQ(rd(&r, 0, LVT_LINT0), 0x10000);
    /* The others keep the SDM's power-on state. */
    device_reset(apic_dev(r.apic[1]));
    CHECK_EQ(rd(&r, 1, LVT_LINT0), 0x10000);
    rig_cleanup(&r);
}

static void test_lint_fixed_nmi(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    sw_enable_all(&r);
    /* LINT1 NMI (edge). */
    wr(&r, 0, LVT_LINT1, 0x400);
    apic_set_lint(r.apic[0], 1, 1);
    CHECK(r.cpu[0]->nmi_request);
    r.cpu[0]->nmi_request = false;
    apic_set_lint(r.apic[0], 1, 1);
    CHECK(!r.cpu[0]->nmi_request);
    /* LINT0 fixed, level: remote IRR until EOI, again while still high. */
    wr(&r, 0, LVT_LINT0, 0x8000 | 0x66);
    apic_set_lint(r.apic[0], 0, 1);
    CHECK(irr_has(&r, 0, 0x66));
    CHECK(tmr_has(&r, 0, 0x66));
    CHECK(rd(&r, 0, LVT_LINT0) & BIT(14));
    CHECK_EQ(ack(&r, 0), 0x66);
    wr(&r, 0, EOI, 0);
    CHECK_EQ(r.eoi_count, 1);
    CHECK(irr_has(&r, 0, 0x66)); /* pin still high */
    apic_set_lint(r.apic[0], 0, 0);
    CHECK_EQ(ack(&r, 0), 0x66);
    wr(&r, 0, EOI, 0);
    CHECK(!(rd(&r, 0, LVT_LINT0) & BIT(14)));
    CHECK(!irr_has(&r, 0, 0x66));
    /* LINT0 fixed, edge, active low (polarity bit). */
    wr(&r, 0, LVT_LINT0, 0x2000 | 0x67);
    apic_set_lint(r.apic[0], 0, 1);
    CHECK(!irr_has(&r, 0, 0x67));
    apic_set_lint(r.apic[0], 0, 0);
    CHECK(irr_has(&r, 0, 0x67));
    rig_cleanup(&r);
}

static void test_timer_oneshot(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    sw_enable_all(&r);
    wr(&r, 0, TDCR, 0x1); /* divide by 4 */
    wr(&r, 0, LVT_TIMER, 0x31);
    wr(&r, 0, TMICT, 1000);
    CHECK_EQ(rd(&r, 0, TMCCT), 1000);
    clock_step_ns(400);
    CHECK_EQ(rd(&r, 0, TMCCT), 900);
    clock_step_ns(3599);
    CHECK_EQ(rd(&r, 0, TMCCT), 1);
    CHECK(!irr_has(&r, 0, 0x31));
    clock_step_ns(1);
    CHECK(irr_has(&r, 0, 0x31));
    CHECK_EQ(rd(&r, 0, TMCCT), 0);
    CHECK_EQ(ack(&r, 0), 0x31);
    wr(&r, 0, EOI, 0);
    clock_step_ns(100000);
    CHECK(!irr_has(&r, 0, 0x31));
    /* Masked: the count still runs out, silently. */
    wr(&r, 0, LVT_TIMER, 0x10031);
    wr(&r, 0, TMICT, 10);
    clock_step_ns(100);
    CHECK_EQ(rd(&r, 0, TMCCT), 0);
    CHECK(!irr_has(&r, 0, 0x31));
    /* A divide change keeps the count and changes its rate. */
    wr(&r, 0, LVT_TIMER, 0x31);
    wr(&r, 0, TDCR, 0xb); /* by 1 */
    wr(&r, 0, TMICT, 100);
    clock_step_ns(50);
    wr(&r, 0, TDCR, 0xa); /* by 128 */
    CHECK_EQ(rd(&r, 0, TMCCT), 50);
    clock_step_ns(128 * 49);
    CHECK_EQ(rd(&r, 0, TMCCT), 1);
    CHECK(!irr_has(&r, 0, 0x31));
    clock_step_ns(128);
    CHECK(irr_has(&r, 0, 0x31));
    /* Initial count 0 stops it. */
    wr(&r, 1, LVT_TIMER, 0x32);
    wr(&r, 1, TMICT, 10);
    wr(&r, 1, TMICT, 0);
    clock_step_ns(1000);
    CHECK(!irr_has(&r, 1, 0x32));
    rig_cleanup(&r);
}

/*
 * A one-shot whose count ran out before its interrupt was delivered (a
 * state saved between the expiry and the timer's callback, then loaded
 * when the clock is past the expiry): the interrupt comes at once.  It
 * was lost, and a tickless Linux waiting for it stopped (savevm).
 */
static void test_timer_oneshot_expired_state(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    sw_enable_all(&r);
    wr(&r, 0, TDCR, 0xb); /* divide by 1 */
    wr(&r, 0, LVT_TIMER, 0x33);
    wr(&r, 0, TMICT, 100);
    DeviceState *dev = apic_dev(r.apic[0]);
    const VMStateDescription *vmsd = dev->cls->vmsd;
    uint8_t buf[1024];
    size_t len = vmstate_save(vmsd, r.apic[0], buf, sizeof(buf));
    CHECK(len > 0 && len < sizeof(buf));
    clock_step_ns(200);
    CHECK(irr_has(&r, 0, 0x33));
    CHECK_EQ(ack(&r, 0), 0x33);
    wr(&r, 0, EOI, 0);
    CHECK(!irr_has(&r, 0, 0x33));
    /* The saved count has run out by now: loading it delivers. */
    CHECK_EQ(vmstate_load(vmsd, r.apic[0], buf, len), 0);
    clock_step_ns(0);
    CHECK(irr_has(&r, 0, 0x33));
    CHECK_EQ(rd(&r, 0, TMCCT), 0);
    CHECK_EQ(ack(&r, 0), 0x33);
    wr(&r, 0, EOI, 0);
    clock_step_ns(1000);
    CHECK(!irr_has(&r, 0, 0x33)); /* once */
    rig_cleanup(&r);
}

static void test_timer_periodic(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    sw_enable_all(&r);
    wr(&r, 1, TDCR, 0x0); /* divide by 2 */
    wr(&r, 1, LVT_TIMER, 0x20000 | 0x33);
    wr(&r, 1, TMICT, 10000); /* 20 us period */
    int fired = 0;
    for (int i = 0; i < 20; i++) {
        clock_step_ns(10000);
        if (ack(&r, 1) == 0x33) {
            fired++;
            wr(&r, 1, EOI, 0);
        }
    }
    CHECK_EQ(fired, 10);
    clock_step_ns(6000);
    CHECK_EQ(rd(&r, 1, TMCCT), 7000);
    /* Switching to one-shot keeps the count, then stops at zero. */
    wr(&r, 1, LVT_TIMER, 0x33);
    clock_step_ns(13998);
    CHECK_EQ(ack(&r, 1), -1);
    clock_step_ns(2);
    CHECK_EQ(ack(&r, 1), 0x33);
    wr(&r, 1, EOI, 0);
    clock_step_ns(100000);
    CHECK_EQ(ack(&r, 1), -1);
    CHECK_EQ(rd(&r, 1, TMCCT), 0);
    /* A period under the 10 us minimum: one interrupt per 10 us. */
    wr(&r, 1, LVT_TIMER, 0x20000 | 0x33);
    wr(&r, 1, TMICT, 5); /* 10 ns */
    fired = 0;
    for (int i = 0; i < 10; i++) {
        clock_step_ns(10000);
        if (ack(&r, 1) == 0x33) {
            fired++;
            wr(&r, 1, EOI, 0);
        }
    }
    CHECK_EQ(fired, 10);
    CHECK_EQ(rd(&r, 1, TMCCT), 5);
    rig_cleanup(&r);
}

static void test_timer_tsc_deadline(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    sw_enable_all(&r);
    uint64_t v = 1;
    r.cpu[0]->env.tsc = 1000000;
    /* Outside deadline mode the MSR reads 0 and ignores writes. */
    CHECK(msr_wr(&r, 0, MSR_IA32_TSC_DEADLINE, 5));
    CHECK(msr_rd(&r, 0, MSR_IA32_TSC_DEADLINE, &v));
    CHECK_EQ(v, 0);
    wr(&r, 0, LVT_TIMER, 0x40000 | 0x34);
    wr(&r, 0, TMICT, 10); /* ignored in deadline mode */
    CHECK_EQ(rd(&r, 0, TMICT), 0);
    uint64_t now = r.cpu[0]->env.tsc + clock_get_ns(CLOCK_VIRTUAL);
    CHECK(msr_wr(&r, 0, MSR_IA32_TSC_DEADLINE, now + 300));
    CHECK(msr_rd(&r, 0, MSR_IA32_TSC_DEADLINE, &v));
    CHECK_EQ(v, now + 300);
    clock_step_ns(299);
    CHECK(!irr_has(&r, 0, 0x34));
    clock_step_ns(1);
    CHECK(irr_has(&r, 0, 0x34));
    CHECK(msr_rd(&r, 0, MSR_IA32_TSC_DEADLINE, &v));
    CHECK_EQ(v, 0);
    CHECK_EQ(ack(&r, 0), 0x34);
    wr(&r, 0, EOI, 0);
    /* A deadline in the past fires at once; 0 disarms. */
    CHECK(msr_wr(&r, 0, MSR_IA32_TSC_DEADLINE, 1));
    clock_step_ns(1);
    CHECK(irr_has(&r, 0, 0x34));
    CHECK_EQ(ack(&r, 0), 0x34);
    wr(&r, 0, EOI, 0);
    now = r.cpu[0]->env.tsc + clock_get_ns(CLOCK_VIRTUAL);
    CHECK(msr_wr(&r, 0, MSR_IA32_TSC_DEADLINE, now + 10));
    CHECK(msr_wr(&r, 0, MSR_IA32_TSC_DEADLINE, 0));
    clock_step_ns(100);
    CHECK(!irr_has(&r, 0, 0x34));
    /* Leaving deadline mode disarms. */
    CHECK(msr_wr(&r, 0, MSR_IA32_TSC_DEADLINE, now + 1000));
    wr(&r, 0, LVT_TIMER, 0x34);
    wr(&r, 0, LVT_TIMER, 0x40000 | 0x34);
    clock_step_ns(2000);
    CHECK(!irr_has(&r, 0, 0x34));
    /* Without CPUID's TSC-deadline bit: no MSR, no mode. */
    r.cpu[1]->env.cpuid_ext_features = 0;
    CHECK(!msr_rd(&r, 1, MSR_IA32_TSC_DEADLINE, &v));
    CHECK(!msr_wr(&r, 1, MSR_IA32_TSC_DEADLINE, 1));
    wr(&r, 1, LVT_TIMER, 0x40000 | 0x34);
    CHECK_EQ(rd(&r, 1, LVT_TIMER), 0x34);
    rig_cleanup(&r);
}

static void test_x2apic(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    uint64_t v = 0;
    uint64_t en = BASE | MSR_APICBASE_ENABLE;
    /* No x2APIC MSRs in xAPIC mode. */
    CHECK(!msr_rd(&r, 0, 0x802, &v));
    /* EXTD without EN: #GP. */
    CHECK(!set_base(&r, 1, BASE | MSR_APICBASE_EXTD));
    CHECK(set_base(&r, 1, en | MSR_APICBASE_EXTD));
    CHECK(set_base(&r, 2, en | MSR_APICBASE_EXTD));
    CHECK_EQ(ops(&r, 1)->get_base(r.apic[1]), en | MSR_APICBASE_EXTD);
    /* MMIO no longer answers for it (CPU 0's xAPIC still does). */
    CHECK_EQ(rd(&r, 1, ID), 0);
    CHECK_EQ(rd(&r, 0, ID), 0x01000000);
    CHECK(msr_rd(&r, 1, 0x802, &v));
    CHECK_EQ(v, 2);
    CHECK(msr_rd(&r, 1, 0x803, &v));
    CHECK_EQ(v, 0x50014);
    CHECK(msr_rd(&r, 1, 0x80d, &v));
    CHECK_EQ(v, BIT(2));                 /* cluster 0, bit ID & 15 */
    CHECK(!msr_rd(&r, 1, 0x80e, &v));    /* no DFR */
    CHECK(!msr_rd(&r, 1, 0x809, &v));    /* no APR */
    CHECK(!msr_rd(&r, 1, 0x831, &v));    /* no ICR high */
    CHECK(!msr_rd(&r, 1, 0x80b, &v));    /* EOI is write-only */
    CHECK(!msr_rd(&r, 1, 0x83f, &v));    /* SELF IPI too */
    CHECK(!msr_wr(&r, 1, 0x802, 5));     /* ID is read-only */
    CHECK(!msr_wr(&r, 1, 0x80d, 5));     /* LDR too */
    CHECK(!msr_wr(&r, 1, 0x808, 0x100)); /* reserved TPR bits */
    CHECK(!msr_wr(&r, 1, 0x808, 1ull << 32));
    CHECK(msr_wr(&r, 1, 0x808, 0x20));
    CHECK(msr_rd(&r, 1, 0x808, &v));
    CHECK_EQ(v, 0x20);
    CHECK(msr_wr(&r, 1, 0x80f, 0x1ff));
    CHECK(msr_wr(&r, 2, 0x80f, 0x1ff));
    /* SELF IPI. */
    CHECK(!msr_wr(&r, 1, 0x83f, 0x100));
    CHECK(msr_wr(&r, 1, 0x83f, 0x61));
    CHECK(msr_rd(&r, 1, 0x823, &v));
    CHECK(v & BIT(1));
    CHECK_EQ(apic_get_interrupt(r.apic[1]), 0x61);
    CHECK(!msr_wr(&r, 1, 0x80b, 1)); /* EOI of a non-zero value */
    CHECK(msr_wr(&r, 1, 0x80b, 0));
    CHECK(msr_rd(&r, 1, 0x813, &v));
    CHECK_EQ(v, 0);
    /* ESR: only 0 may be written. */
    CHECK(!msr_wr(&r, 1, 0x828, 1));
    CHECK(msr_wr(&r, 1, 0x828, 0));
    /* ICR: one 64-bit MSR, 32-bit destination. */
    CHECK(!msr_wr(&r, 1, 0x830, 0x1000 | 0x62)); /* bit 12 reserved */
    CHECK(msr_wr(&r, 1, 0x830, 3ull << 32 | 0x62));
    CHECK(msr_rd(&r, 1, 0x830, &v));
    CHECK_EQ(v, 3ull << 32 | 0x62);
    CHECK(msr_rd(&r, 2, 0x823, &v));
    CHECK(v & BIT(2));
    /* Logical x2APIC: cluster 0, member bit 3 (ID 3). */
    CHECK(msr_wr(&r, 1, 0x830, (uint64_t)BIT(3) << 32 | 0x800 | 0x63));
    CHECK(msr_rd(&r, 2, 0x823, &v));
    CHECK(v & BIT(3));
    /* 0xff is an ordinary ID for an x2APIC sender. */
    CHECK(msr_wr(&r, 1, 0x830, 0xffull << 32 | 0x64));
    CHECK(msr_rd(&r, 2, 0x823, &v));
    CHECK(!(v & BIT(4)));
    CHECK(msr_wr(&r, 1, 0x830, 0xffffffffull << 32 | 0x65));
    CHECK(msr_rd(&r, 2, 0x823, &v));
    CHECK(v & BIT(5));
    /* x2APIC -> xAPIC directly: #GP; via disabled: fine, state reset. */
    CHECK(!set_base(&r, 1, en));
    CHECK(set_base(&r, 1, BASE));
    CHECK(!set_base(&r, 1, en | MSR_APICBASE_EXTD)); /* disabled -> x2 */
    CHECK(set_base(&r, 1, en));
    CHECK_EQ(rd(&r, 1, ID), 0x02000000);
    CHECK_EQ(rd(&r, 1, SVR), 0xff);
    CHECK_EQ(rd(&r, 1, TPR), 0);
    /* Reserved bits of the base MSR. */
    CHECK(!set_base(&r, 0, en | 1));
    CHECK(!set_base(&r, 0, en | BIT(9)));
    /* Bits above MAXPHYADDR (40 on "max") are reserved. */
    CHECK(!set_base(&r, 0, en | 1ull << 40));
    CHECK(set_base(&r, 0, en | 1ull << 39 | MSR_APICBASE_BSP));
    CHECK(set_base(&r, 0, en | MSR_APICBASE_BSP));
    /* Without x2APIC in CPUID (the platform's or the model's) EXTD is
     * reserved. */
    r.cpu[0]->env.cpuid_platform = X86_PLAT_APIC;
    CHECK(!set_base(&r, 0, en | MSR_APICBASE_EXTD));
    r.cpu[0]->env.cpuid_platform = X86_PLAT_APIC | X86_PLAT_X2APIC;
    CHECK(set_base(&r, 0, en | MSR_APICBASE_EXTD));
    CHECK(set_base(&r, 0, BASE));
    CHECK(set_base(&r, 0, en));
    r.cpu[0]->env.cpuid_ext_features &= ~CPUID_EXT_X2APIC;
    CHECK(!set_base(&r, 0, en | MSR_APICBASE_EXTD));
    rig_cleanup(&r);
}

static void test_window_move_and_disable(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    const uint64_t nb = 0xfeb00000;
    CHECK(set_base(&r, 0, nb | MSR_APICBASE_ENABLE | MSR_APICBASE_BSP));
    CHECK_EQ(ops(&r, 0)->get_base(r.apic[0]),
             nb | MSR_APICBASE_ENABLE | MSR_APICBASE_BSP);
    CHECK_EQ(r.cpu[0]->env.apic_base, ops(&r, 0)->get_base(r.apic[0]));
    CHECK_EQ(rd_at(&r, 0, nb + ID), 0x01000000);
    wr(&r, 0, TPR, 0x30); /* at the old base: not CPU 0's APIC now */
    CHECK_EQ(rd_at(&r, 0, nb + TPR), 0);
    CHECK_EQ(rd(&r, 0, ID), 0);
    /* The others still answer at the default base, not at the new one. */
    CHECK_EQ(rd(&r, 1, ID), 0x02000000);
    CHECK_EQ(rd_at(&r, 1, nb + ID), 0);
    /* No CPU (a DMA): reads 0. */
    CHECK_EQ(rd_at(&r, -1, nb + ID), 0);
    /* Disabled everywhere: the page is unassigned again. */
    for (int i = 0; i < NCPU; i++) {
        CHECK(set_base(&r, i, BASE));
    }
    uint64_t v = 0;
    current_cpu = r.cpu[1];
    CHECK(!address_space_read_val(&r.tb.mem_as, BASE + ID, 4, &v));
    CHECK(!address_space_read_val(&r.tb.mem_as, nb + ID, 4, &v));
    /* Re-enabled: software-disabled, as after power-up. */
    CHECK(set_base(&r, 1, BASE | MSR_APICBASE_ENABLE));
    CHECK_EQ(rd(&r, 1, SVR), 0xff);
    CHECK_EQ(rd(&r, 1, LVT_LINT0), 0x10000);
    /* Device reset: back to the default base. */
    device_reset(apic_dev(r.apic[0]));
    CHECK_EQ(rd(&r, 0, ID), 0x01000000);
    rig_cleanup(&r);
}

static void test_init_reset_and_state(void)
{
    Rig r;
    if (!rig_init(&r)) {
        rig_cleanup(&r);
        return;
    }
    sw_enable_all(&r);
    wr(&r, 0, ID, 0x09000000);
    wr(&r, 0, TPR, 0x10);
    wr(&r, 0, LVT_TIMER, 0x20000 | 0x40);
    wr(&r, 0, TMICT, 1000);
    send(&r, 9, APIC_DM_FIXED, 0x99, false, true);
    clock_step_ns(500);

    /* Save, scribble, load: the same registers and the timer runs on. */
    DeviceState *dev = apic_dev(r.apic[0]);
    const VMStateDescription *vmsd = dev->cls->vmsd;
    uint8_t buf[1024];
    size_t len = vmstate_save(vmsd, r.apic[0], buf, sizeof(buf));
    CHECK(len > 0 && len < sizeof(buf));
    uint32_t tmcct = rd(&r, 0, TMCCT);
    apic_init_reset(r.apic[0]);
    CHECK_EQ(rd(&r, 0, TPR), 0);
    CHECK_EQ(rd(&r, 0, ID), 0x09000000); /* INIT keeps the ID */
    CHECK_EQ(rd(&r, 0, SVR), 0xff);
    CHECK_EQ(rd(&r, 0, LVT_TIMER), 0x10000);
    CHECK(!irr_has(&r, 0, 0x99));
    CHECK_EQ(intr(&r, 0), 0);
    CHECK_EQ(vmstate_load(vmsd, r.apic[0], buf, len), 0);
    CHECK_EQ(rd(&r, 0, TPR), 0x10);
    CHECK(irr_has(&r, 0, 0x99) && tmr_has(&r, 0, 0x99));
    CHECK_EQ(intr(&r, 0), 1);
    CHECK_EQ(rd(&r, 0, TMCCT), tmcct);
    CHECK_EQ(ack(&r, 0), 0x99);
    wr(&r, 0, EOI, 0);
    clock_step_ns(2000);
    CHECK(irr_has(&r, 0, 0x40));

    /* The dump names the registers. */
    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    apic_dump(f, r.apic[0]);
    fclose(f);
    CHECK(strstr(text, "ID 0x09000000") != NULL);
    CHECK(strstr(text, "TPR 0x10") != NULL);
    CHECK(strstr(text, "xAPIC") != NULL);
    free(text);
    rig_cleanup(&r);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_power_on_state);
    TEST_RUN(test_register_masks);
    TEST_RUN(test_esr_and_error_lvt);
    TEST_RUN(test_priorities_and_inta);
    TEST_RUN(test_level_eoi_broadcast);
    TEST_RUN(test_icr_destinations);
    TEST_RUN(test_icr_lowest_priority);
    TEST_RUN(test_icr_nmi_init_sipi);
    TEST_RUN(test_extint);
    TEST_RUN(test_reset_virtual_wire);
    TEST_RUN(test_lint_fixed_nmi);
    TEST_RUN(test_timer_oneshot);
    TEST_RUN(test_timer_oneshot_expired_state);
    TEST_RUN(test_timer_periodic);
    TEST_RUN(test_timer_tsc_deadline);
    TEST_RUN(test_x2apic);
    TEST_RUN(test_window_move_and_disable);
    TEST_RUN(test_init_reset_and_state);
    return test_finish();
}
