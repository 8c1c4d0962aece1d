/*
 * The pc board's interrupt platform: the 8259 pair, a local APIC per CPU,
 * the I/O APIC, the HPET, and the lines between them, wired as QEMU's pc
 * machine (and as SeaBIOS's MADT and MP table describe it):
 *
 *   GSI n (n = 0..23) -> I/O APIC pin n, and for n < 16 the 8259's input
 *                        n, except GSI 2 -> 8259 IRQ 0 (IRQ 2 is the
 *                        cascade) and GSI 0 -> nothing (nothing uses it)
 *   ISA IRQ 0 (PIT)   -> GSI 2 while the HPET is not in legacy mode
 *   ISA IRQ 8 (RTC)   -> GSI 8, the same
 *   ISA IRQ 2         -> the 8259's IR2 input only (the cascade)
 *   other ISA IRQ n   -> GSI n (PCI INTx reach them through PIIX3's PIRQ
 *                        routing, level-triggered, active high)
 *   8259 INT          -> LINT0 of every local APIC (the BSP's LINT0 is
 *                        ExtINT from reset on, as QEMU's: virtual-wire
 *                        mode), or the CPU's INTR when
 *                        the CPU model has no APIC
 *
 * CPU models without an APIC in CPUID (486) get neither local APICs nor
 * the MADT entries for them; the I/O APIC and the HPET are there always,
 * as on QEMU's pc.
 */
#include "emu/cpu.h"
#include "emu/monitor.h"
#include "emu/trace.h"
#include "hw/intc/apic.h"
#include "hw/intc/ioapic.h"
#include "hw/pc/pc-internal.h"
#include "hw/timer/hpet.h"
#include "target-i386/cpuid.h"

static void pc_gsi_set(void *opaque, int n, int level)
{
    PCBoard *b = opaque;

    trace(pc_gsi_set, "gsi %d level %d", n, level);
    if (n < 16 && n != 0) {
        irq_set(b->pic_in[n == 2 ? 0 : n], level);
    }
    irq_set(ioapic_get_pin(b->ioapic, n), level);
}

/* The PIT's and the RTC's lines, which the HPET takes over in legacy
 * replacement mode (HPETWiring.pit_enable / rtc_enable). */
static void pc_legacy_set(void *opaque, int n, int level)
{
    PCBoard *b = opaque;
    bool rtc = n == 8;

    b->legacy_level[rtc] = level;
    if (b->legacy_enabled[rtc]) {
        irq_set(b->gsi[rtc ? 8 : 2], level);
    }
}

static void pc_legacy_enable(void *opaque, int n, int level)
{
    PCBoard *b = opaque;
    bool rtc = n == 8;

    if (b->legacy_enabled[rtc] == (level != 0)) {
        return;
    }
    b->legacy_enabled[rtc] = level != 0;
    /* The line goes back to what the device drives, or low. */
    irq_set(b->gsi[rtc ? 8 : 2], level ? b->legacy_level[rtc] : 0);
}

/* The 8259's INT output. */
static void pc_intr_set(void *opaque, int n, int level)
{
    Machine *m = opaque;
    PCBoard *b = m->board;
    (void)n;

    if (!b->apic[0]) {
        cpu_set_intr(m->cpus[0], level);
        return;
    }
    for (int i = 0; i < m->nr_cpus; i++) {
        apic_set_lint(b->apic[i], 0, level);
    }
}

static int pc_pic_ack(void *opaque)
{
    PCBoard *b = opaque;
    return pic_read_irq(b->pic);
}

static void pc_apic_eoi(void *opaque, uint8_t vector)
{
    ioapic_eoi(opaque, vector);
}

static void pc_ioapic_deliver(void *opaque, const APICMessage *msg)
{
    apic_bus_deliver(opaque, msg);
}

static void pc_info_lapic(FILE *f)
{
    Machine *m = current_machine;
    PCBoard *b = m->board;
    if (!b->apic[0]) {
        fprintf(f, "no local APIC (the CPU model has none)\n");
        return;
    }
    for (int i = 0; i < m->nr_cpus; i++) {
        fprintf(f, "CPU %d:\n", i);
        apic_dump(f, b->apic[i]);
    }
}

static void pc_info_ioapic(FILE *f)
{
    PCBoard *b = current_machine->board;
    ioapic_dump(f, b->ioapic);
}

static int pc_create_apics(Machine *m, PCBoard *b, Error **errp)
{
    b->apic_bus = apic_bus_new(&b->sysmem);
    for (int i = 0; i < m->nr_cpus; i++) {
        CPUState *cpu = m->cpus[i];
        uint32_t id = x86_topo_apic_id(i, cpu->env.cpuid_cores,
                                       cpu->env.cpuid_threads);
        b->apic[i] = apic_new(b->apic_bus, cpu, id, i == 0, errp);
        if (!b->apic[i]) {
            return -1;
        }
        apic_set_extint_ack(b->apic[i], pc_pic_ack, b);
        /* As QEMU's pc: the BSP's LINT0 is ExtINT from reset on, so a
         * guest without firmware (or firmware that ignores the APIC)
         * gets the 8259's interrupts. */
        apic_set_reset_virtual_wire(b->apic[i], i == 0);
        cpu->env.cpuid_apic_id = id;
        cpu->env.cpuid_platform |= X86_PLAT_APIC | X86_PLAT_X2APIC;
    }
    return 0;
}

/*
 * The lines qtest may intercept or drive by name (irq_intercept_in ioapic,
 * as QEMU's tests do).  QEMU's I/O APIC takes ISA IRQ 0 on its input 0 and
 * moves it to pin 2 itself, so its tests see the PIT as "IRQ raise 0":
 * input 0 here is pin 2, where the board routes ISA IRQ 0, and pin 0
 * (which nothing drives) is input 2.
 */
static void pc_publish_irqs(PCBoard *b)
{
    IRQ *pins[IOAPIC_NUM_PINS];

    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        pins[i] = ioapic_get_pin(b->ioapic, i == 0 ? 2 : i == 2 ? 0 : i);
    }
    irq_group_add("ioapic", NULL, false, pins, IOAPIC_NUM_PINS);
    irq_group_add("i8259", NULL, false, b->pic_in, 16);
    /* INT: the CPU's INTR (LINT0 of the local APICs). */
    irq_group_add("i8259", NULL, true, &b->intr, 1);
}

int pc_irq_init(Machine *m, PCBoard *b, Error **errp)
{
    bool has_apic = m->cpus[0]->env.cpuid_features & CPUID_APIC;
    IRQ *intr = irq_new(pc_intr_set, m, 0);
    IRQ **pic_in;

    /* Without a local APIC the CPU acknowledges at the 8259 itself. */
    for (int i = 0; i < m->nr_cpus; i++) {
        m->cpus[i]->irq_ack = pc_pic_ack;
        m->cpus[i]->irq_ack_opaque = b;
    }
    b->intr = intr;
    if (!has_apic && m->nr_cpus > 1) {
        error_setg(errp, "-smp %d: the CPUs start each other through their "
                   "local APICs, and this CPU model has none", m->nr_cpus);
        return -1;
    }
    if (has_apic && pc_create_apics(m, b, errp) < 0) {
        return -1;
    }

    pic_in = i8259_init(&b->isa, intr, &b->pic, errp);
    if (!pic_in) {
        return -1;
    }
    memcpy(b->pic_in, pic_in, sizeof(b->pic_in));
    free(pic_in);

    b->ioapic = ioapic_init(&b->sysmem, IOAPIC_DEFAULT_BASE, 0,
                            pc_ioapic_deliver, b->apic_bus, errp);
    if (!b->ioapic) {
        return -1;
    }
    if (b->apic_bus) {
        apic_bus_set_eoi_handler(b->apic_bus, pc_apic_eoi, b->ioapic);
    }
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        b->gsi[i] = irq_new(pc_gsi_set, b, i);
    }
    for (int i = 0; i < 16; i++) {
        b->isa.irqs[i] = b->gsi[i];
    }
    b->isa.irqs[0] = irq_new(pc_legacy_set, b, 0);
    b->isa.irqs[8] = irq_new(pc_legacy_set, b, 8);
    b->isa.irqs[2] = b->pic_in[2];
    b->legacy_enabled[0] = b->legacy_enabled[1] = true;

    if (!m->opts.no_hpet) {
        HPETWiring w = {
            .pit_enable = irq_new(pc_legacy_enable, b, 0),
            .rtc_enable = irq_new(pc_legacy_enable, b, 8),
            /* As QEMU's pc: GSI 2 and 8 (legacy), and 16-23. */
            .route_cap = 0xff0104,
        };
        memcpy(w.gsi, b->gsi, sizeof(w.gsi));
        b->hpet = hpet_init(&b->sysmem, HPET_DEFAULT_BASE, &w, errp);
        if (!b->hpet) {
            return -1;
        }
    }
    pc_publish_irqs(b);
    monitor_register_info("lapic", "show the local APICs' registers",
                          pc_info_lapic);
    monitor_register_info("ioapic", "show the I/O APIC's redirection table",
                          pc_info_ioapic);
    return 0;
}
