/*
 * The "pc" machine: QEMU's i440FX + PIIX3 PC, 1996.
 *
 * This file only creates and wires devices (STYLE.md point 1); the
 * firmware image, CMOS and fw_cfg are in pc-firmware.c, the mapping of the
 * user's front-end options (-serial, -debugcon, -hda, -net, -vga) onto
 * devices in pc-options.c, and the CPUs and accelerator are the machine
 * core's (hw/core/machine.c).
 *
 *   sysmem (4 GiB)
 *     ram-below-4g   alias of the RAM block at 0
 *     pci-memory     container at priority -1 over the whole space:
 *       bios         the firmware ROM at 4 GiB - size
 *       isa-bios     alias of its last 128 KiB at 0xE0000
 *     PAM segments   0xC0000-0xFFFFF at priority 1 (i440fx.c)
 *   sysio (64 KiB): the ISA devices, PCI config ports, PM block
 *
 *   PCI 00.0 i440FX host bridge, 01.0 PIIX3 ISA bridge, 01.3 PIIX4 PM
 *   ISA: 2x i8259 + ELCR, i8254 + port 0x61, MC146818 RTC, 16550A x4,
 *        i8042 + PS/2, port 0x92, 2x i8257 DMA, 82077AA floppy
 *        controller (floppy-bus.0), fw_cfg, debugcon, isa-debug-exit
 *        (-device)
 *
 * Boot: SeaBIOS (or -bios) from the reset vector, or -kernel straight into
 * the kernel's 32-bit entry (hw/pc/loader.c) with ACPI tables so that the
 * guest can power off.
 */
#include "emu/common.h"
#include "emu/cpu.h"
#include "emu/device.h"
#include "emu/irq.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "emu/monitor.h"
#include "emu/runstate.h"
#include "hw/acpi/piix4.h"
#include "hw/block/fdc.h"
#include "hw/input/i8042.h"
#include "hw/intc/i8259.h"
#include "hw/isa/i8257.h"
#include "hw/isa/isa.h"
#include "hw/isa/piix3.h"
#include "hw/misc/pcspk.h"
#include "hw/misc/port92.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/pc/acpi-build.h"
#include "hw/pc/loader.h"
#include "hw/pc/pc-internal.h"
#include "hw/pc/pc.h"
#include "hw/pci-host/i440fx.h"
#include "hw/pci/pci.h"
#include "hw/timer/i8254.h"
#include "hw/timer/mc146818.h"

/* ---- Interrupts and A20 ------------------------------------------------ */

static void pc_a20_set(void *opaque, int n, int level)
{
    Machine *m = opaque;
    cpu_set_a20(m->cpus[0], level != 0);
}

/* ---- ISA devices -------------------------------------------------------- */

static int pc_create_isa_devices(Machine *m, PCBoard *b, Error **errp)
{
    if (pc_irq_init(m, b, errp) < 0) {
        return -1;
    }

    PITState *pit = pit_init(&b->isa, 0x40, errp);
    if (!pit || !pcspk_init(&b->isa, pit, errp)) {
        return -1;
    }
    b->rtc = rtc_init(&b->isa, 2000, &m->opts.rtc, errp);
    if (!b->rtc) {
        return -1;
    }
    if (pc_map_serial_ports(m, b, errp) < 0) {
        return -1;
    }
    if (!i8042_init(&b->isa, b->a20, errp)) {
        return -1;
    }
    if (!port92_init(&b->isa, b->a20, errp)) {
        return -1;
    }
    /* ISA DMA before the devices that take a channel. */
    if (i8257_init_pc(&b->isa, errp) < 0) {
        return -1;
    }
    b->fdc = fdc_init_isa(&b->isa, errp);
    if (!b->fdc) {
        return -1;
    }
    b->fw_cfg = fw_cfg_init_io(&b->isa, PC_FW_CFG_IOBASE, &b->as_mem, errp);
    if (!b->fw_cfg) {
        return -1;
    }
    return pc_map_debugcon(m, b, errp);
}

/* ---- Machine ------------------------------------------------------------ */

static void pc_info_pci(FILE *f)
{
    PCBoard *b = current_machine->board;
    pci_bus_dump(f, b->pci);
}

static void pc_info_pic(FILE *f)
{
    PCBoard *b = current_machine->board;
    pic_dump(f, b->pic);
}

static void pc_machine_reset(Machine *m);

static void pc_reset_handler(ShutdownCause cause)
{
    Machine *m = current_machine;
    if (cause == SHUTDOWN_CAUSE_GUEST_PANIC) {
        log_mask(LOG_RESET, "system reset after a triple fault\n");
    }
    /* A stopped machine (monitor "stop", the gdbstub) stays stopped. */
    bool running = runstate_is_running();
    if (running) {
        cpus_pause();
    }
    pc_machine_reset(m);
    if (running) {
        cpus_resume();
    }
}

static void pc_power_button(void *opaque)
{
    piix4_pm_power_button(opaque);
}

static int pc_machine_init(Machine *m, Error **errp)
{
    PCBoard *b = calloc(1, sizeof(*b));
    uint64_t ram_size = m->opts.ram_size;

    m->board = b;
    b->ram_below_4g_size = ram_size;

    memory_region_init(&b->sysmem, "system", 4 * GiB);
    memory_region_init(&b->sysio, "io", 64 * KiB);
    memory_region_init(&b->pci_mem, "pci-memory", 4 * GiB);
    if (memory_region_init_ram(&b->ram, "pc.ram", ram_size, errp) < 0) {
        return -1;
    }
    memory_region_init_alias(&b->ram_below_4g, "ram-below-4g", &b->ram, 0,
                             b->ram_below_4g_size);
    memory_region_add_subregion(&b->sysmem, 0, &b->ram_below_4g);
    memory_region_add_subregion_overlap(&b->sysmem, 0, &b->pci_mem, -1);
    address_space_init(&b->as_mem, &b->sysmem, "memory");
    address_space_init(&b->as_io, &b->sysio, "I/O");
    m->sysmem = &b->sysmem;
    m->sysio = &b->sysio;
    m->as_mem = &b->as_mem;
    m->as_io = &b->as_io;
    m->ram = &b->ram;

    if (pc_load_bios(m, b, errp) < 0) {
        return -1;
    }

    b->a20 = irq_new(pc_a20_set, m, 0);

    /* ISA bus view, then the chipset and devices */
    isa_bus_init(&b->isa, NULL, &b->sysio, &b->as_io, &b->sysmem, &b->as_mem);
    memory_region_transaction_begin();
    b->pci = i440fx_init(&b->sysmem, &b->sysio, &b->pci_mem, &b->ram,
                         &b->as_mem, NULL, errp);
    if (!b->pci) {
        goto fail;
    }
    if (pc_create_isa_devices(m, b, errp) < 0) {
        goto fail;
    }
    PIIX3State *piix3 = b->piix3 = piix3_init(b->pci, &b->isa, errp);
    if (!piix3) {
        goto fail;
    }
    /* isa.0 hangs off the PCI-ISA bridge (info qtree). */
    bus_set_parent(&b->isa.qbus, &piix3_pci_device(piix3)->parent);
    b->ide = piix3_ide_init(b->pci, PCI_DEVFN(1, 1), &b->isa, errp);
    if (!b->ide) {
        goto fail;
    }
    b->pm = piix4_pm_init(b->pci, PCI_DEVFN(1, 3), &b->isa, errp);
    if (!b->pm) {
        goto fail;
    }
    /* What the user plugs in: disks, NICs, the display. */
    if (pc_map_disks(m, b, errp) < 0 || pc_map_nics(m, b, errp) < 0 ||
        pc_map_display(m, b, errp) < 0) {
        goto fail;
    }
    memory_region_transaction_commit();

    pc_cmos_init(m, b);
    pc_fw_cfg_init(m, b);

    main_loop_set_reset_handler(pc_reset_handler);
    system_powerdown_set_handler(pc_power_button, b->pm);
    monitor_register_info("pci", "show PCI devices", pc_info_pci);
    monitor_register_info("pic", "show the i8259 state", pc_info_pic);
    return 0;

fail:
    memory_region_transaction_commit();
    return -1;
}

static void pc_machine_reset(Machine *m)
{
    PCBoard *b = m->board;
    CPUState *cpu = m->cpus[0];
    Error *err = NULL;

    devices_reset_all();
    pc_cmos_set_floppies(b);
    if (pc_display_reset(m, b, &err) < 0) {
        error_report_err(err);
        exit(1);
    }
    pc_boot_reset(m, b); /* -boot once= holds for the first boot only */
    for (int i = 0; i < m->nr_cpus; i++) {
        cpu_reset(m->cpus[i]);
        if (i > 0) {
            /* Application processors wait for the BSP's STARTUP IPI. */
            m->cpus[i]->env.apic_base &= ~MSR_APICBASE_BSP;
            m->cpus[i]->env.wait_sipi = true;
        }
    }
    if (m->opts.kernel) {
        /* Direct boot: do what the firmware would have done, then enter
         * the kernel.  Reloaded at every reset: the guest may have
         * overwritten it. */
        static const AcpiPmConfig pm = ACPI_PM_CONFIG_PIIX4;
        AcpiPciConfig pci = {
            /* BARs go above RAM, below the IOAPIC / BIOS area at
             * 0xfec00000 (what the board leaves to pci-memory). */
            .mem_start = b->ram_below_4g_size,
            .mem_end = PC_PCI_HOLE_END,
            .pirq_irq = PC_PIRQ_IRQS,
            .pirq_swizzle = piix3_pirq(0, 0),
        };
        /* PIRQs first: the PM function's SCI line (IRQ 9) overrides the
         * generic INTA route, as in SeaBIOS. */
        piix3_firmware_setup(b->piix3, pci.pirq_irq);
        piix4_pm_set_base(b->pm, pm.pm_base);
        piix3_ide_firmware_setup(b->ide, PC_IDE_BMDMA_BASE);
        pc_direct_boot_legacy_state(b);
        AcpiApicConfig apic = {
            .nr_cpus = b->apic[0] ? m->nr_cpus : 0,
            .lapic_addr = APIC_DEFAULT_BASE,
            .ioapic_addr = IOAPIC_DEFAULT_BASE,
            .ioapic_id = 0,
            /* PIRQ routes and the SCI (pm.sci_irq): level, active high. */
            .level_irqs = (1u << pm.sci_irq) | (1u << pci.pirq_irq[0]) |
                          (1u << pci.pirq_irq[1]) | (1u << pci.pirq_irq[2]) |
                          (1u << pci.pirq_irq[3]),
            .hpet_addr = b->hpet ? HPET_DEFAULT_BASE : 0,
            .hpet_block_id = b->hpet ? hpet_block_id(b->hpet) : 0,
        };
        for (int i = 0; i < apic.nr_cpus; i++) {
            apic.apic_ids[i] = m->cpus[i]->env.cpuid_apic_id;
        }
        if (acpi_build_tables(&b->as_mem, PC_ACPI_TABLES_ADDR,
                              PC_ACPI_RSDP_ADDR, &pm, &pci, &apic, &err) < 0 ||
            pc_load_kernel(&b->as_mem, b->ram_below_4g_size, 0, m->opts.kernel,
                           m->opts.initrd, m->opts.append, &cpu->env, NULL,
                           &err) < 0) {
            error_report_err(err);
            exit(1);
        }
        cpu_set_a20(cpu, true);
        cpu->state_dirty = true;
    }
}

/*
 * Default CPU: QEMU's qemu-system-x86_64 default, qemu64 (long mode, so
 * Debian's amd64 kernels boot); where the accelerator cannot run long mode
 * (the translator, until 64-bit guests are translated), the P6-class
 * qemu32.
 */
static const MachineClass pc_machine_class = {
    .name = "pc",
    .desc = "Standard PC (i440FX + PIIX, 1996)",
    .default_cpu = "qemu64",
    .default_cpu_fallback = "qemu32",
    .max_cpus = APIC_MAX_CPUS,
    .check_options = pc_check_user_options,
    .init = pc_machine_init,
    .reset = pc_machine_reset,
};
MACHINE_CLASS_REGISTER(pc_machine_class);
