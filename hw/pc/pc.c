/*
 * The "pc" machine: QEMU's i440FX + PIIX3 PC, 1996.
 *
 * This file only creates and wires devices (STYLE.md point 1):
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
 *        i8042 + PS/2, port 0x92, fw_cfg, debugcon, isa-debug-exit (-device)
 *
 * Boot: SeaBIOS (or -bios) from the reset vector, or -kernel straight into
 * the kernel's 32-bit entry (hw/pc/loader.c) with ACPI tables so that the
 * guest can power off.
 */
#include "emu/common.h"
#include "emu/accel.h"
#include "emu/chardev.h"
#include "emu/cpu.h"
#include "emu/device.h"
#include "emu/irq.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "emu/monitor.h"
#include "hw/acpi/piix4.h"
#include "hw/input/i8042.h"
#include "hw/intc/i8259.h"
#include "hw/isa/isa.h"
#include "hw/isa/piix3.h"
#include "hw/misc/pcspk.h"
#include "hw/misc/port92.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/pc/acpi-build.h"
#include "hw/pc/loader.h"
#include "hw/pc/pc.h"
#include "hw/pci-host/i440fx.h"
#include "hw/pci/pci.h"
#include "hw/char/serial.h"
#include "hw/timer/i8254.h"
#include "hw/timer/mc146818.h"
#include "target-i386/cpuid.h"

#include <sys/stat.h>

/*
 * Default CPU model: under KVM QEMU's qemu-system-x86_64 default, qemu64
 * (long mode, so Debian's amd64 kernels boot); under the translator a
 * P6-class model without long mode, qemu32, until 64-bit guests are
 * translated.
 */
static const char *pc_default_cpu_model(const AccelOps *accel)
{
    return strcmp(accel->name, "kvm") ? "qemu32" : "qemu64";
}
#define PC_FW_CFG_IOBASE 0x510
#define PC_ISA_BIOS_SIZE (128 * KiB)

typedef struct PCBoard {
    MemoryRegion sysmem, sysio, pci_mem;
    AddressSpace as_mem, as_io;
    MemoryRegion ram, ram_below_4g;
    MemoryRegion bios, isa_bios;
    uint64_t ram_below_4g_size;
    ISABus isa;
    PCIBus *pci;
    PICState *pic;
    PIIX4PMState *pm;
    MC146818State *rtc;
    FWCfgState *fw_cfg;
    IRQ *intr;
    IRQ *a20;
} PCBoard;

static const char *firmware_dir;

void pc_set_firmware_dir(const char *dir)
{
    firmware_dir = dir;
}

/* Find a firmware file: as given, in -L DIR, then in Debian's places. */
static char *find_firmware(const char *name)
{
    const char *dirs[] = {firmware_dir, "/usr/share/seabios",
                          "/usr/share/qemu"};
    struct stat st;
    if (strchr(name, '/') || stat(name, &st) == 0) {
        return strdup(name);
    }
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
        char *path;
        if (!dirs[i]) {
            continue;
        }
        if (asprintf(&path, "%s/%s", dirs[i], name) < 0) {
            return NULL;
        }
        if (stat(path, &st) == 0) {
            return path;
        }
        free(path);
    }
    return NULL;
}

/* ---- Interrupts and A20 ------------------------------------------------ */

static void pc_intr_set(void *opaque, int n, int level)
{
    Machine *m = opaque;
    cpu_set_intr(m->cpus[0], level);
}

static int pc_irq_ack(void *opaque)
{
    PCBoard *b = opaque;
    return pic_read_irq(b->pic);
}

static void pc_a20_set(void *opaque, int n, int level)
{
    Machine *m = opaque;
    cpu_set_a20(m->cpus[0], level != 0);
}

/* ---- Firmware ---------------------------------------------------------- */

static int pc_load_bios(Machine *m, PCBoard *b, Error **errp)
{
    const char *name = m->opts.bios ? m->opts.bios : "bios-256k.bin";
    char *path = find_firmware(name);
    uint8_t *data = NULL;
    size_t size = 0;
    int ret = -1;

    if (!path) {
        if (m->opts.bios) {
            error_setg(errp, "-bios %s: no such file", name);
        } else {
            error_setg(errp, "could not find the firmware (bios-256k.bin); "
                             "install it with: apt-get install seabios");
        }
        return -1;
    }
    if (pc_load_file(path, "BIOS", &data, &size, errp) < 0) {
        goto out;
    }
    if (size == 0 || size % (64 * KiB) || size > 16 * MiB) {
        error_setg(errp,
                   "-bios %s: size %zu is not a multiple of 64 KiB "
                   "between 64 KiB and 16 MiB",
                   path, size);
        goto out;
    }
    if (memory_region_init_rom(&b->bios, "pc.bios", size, errp) < 0) {
        goto out;
    }
    memcpy(memory_region_get_ram_ptr(&b->bios), data, size);
    memory_region_add_subregion(&b->pci_mem, 4 * GiB - size, &b->bios);
    uint64_t isa_size = MIN(size, PC_ISA_BIOS_SIZE);
    memory_region_init_alias(&b->isa_bios, "isa-bios", &b->bios,
                             size - isa_size, isa_size);
    memory_region_add_subregion_overlap(&b->pci_mem, 1 * MiB - isa_size,
                                        &b->isa_bios, 1);
    ret = 0;
out:
    free(data);
    free(path);
    return ret;
}

/* ---- CMOS layout SeaBIOS and DOS read (QEMU's pc_cmos_init) ------------ */

static void pc_cmos_init(Machine *m, PCBoard *b)
{
    MC146818State *rtc = b->rtc;
    uint64_t ram = m->opts.ram_size;
    uint64_t below = b->ram_below_4g_size;

    /* Base memory 640 KiB */
    rtc_set_cmos(rtc, 0x15, 640 & 0xff);
    rtc_set_cmos(rtc, 0x16, 640 >> 8);
    /* Extended memory (1 MiB .. 64 MiB) in KiB */
    uint64_t ext = below > 1 * MiB ? (below - 1 * MiB) / KiB : 0;
    ext = MIN(ext, 65535);
    rtc_set_cmos(rtc, 0x17, ext & 0xff);
    rtc_set_cmos(rtc, 0x18, ext >> 8);
    rtc_set_cmos(rtc, 0x30, ext & 0xff);
    rtc_set_cmos(rtc, 0x31, ext >> 8);
    /* Memory above 16 MiB in 64 KiB units */
    uint64_t hi = below > 16 * MiB ? (below - 16 * MiB) / (64 * KiB) : 0;
    hi = MIN(hi, 65535);
    rtc_set_cmos(rtc, 0x34, hi & 0xff);
    rtc_set_cmos(rtc, 0x35, hi >> 8);
    /* Memory above 4 GiB in 64 KiB units (none yet) */
    uint64_t above = ram > below ? (ram - below) / (64 * KiB) : 0;
    rtc_set_cmos(rtc, 0x5b, above & 0xff);
    rtc_set_cmos(rtc, 0x5c, (above >> 8) & 0xff);
    rtc_set_cmos(rtc, 0x5d, (above >> 16) & 0xff);
    /* CPU count - 1 */
    rtc_set_cmos(rtc, 0x5f, m->nr_cpus - 1);
    /* Equipment byte: math coprocessor, no floppy, display "EGA/VGA" */
    rtc_set_cmos(rtc, 0x14, 0x02 | (m->opts.graphics ? 0 : 0x30));
    /* Boot order, SeaBIOS's legacy encoding: a=1 (floppy) c=2 (disk)
     * d=3 (cd) n=4 (net), first in 0x3d low nibble. */
    int order[3] = {0, 0, 0};
    const char *bo = m->opts.boot_order ? m->opts.boot_order : "cad";
    for (int i = 0; i < 3 && bo[i]; i++) {
        order[i] = bo[i] == 'a' ? 1 : bo[i] == 'c' ? 2 : bo[i] == 'd' ? 3 : 4;
    }
    rtc_set_cmos(rtc, 0x3d, order[0] | (order[1] << 4));
    rtc_set_cmos(rtc, 0x38, order[2] << 4);
}

/* ---- fw_cfg: what SeaBIOS reads ---------------------------------------- */

static void pc_fw_cfg_init(Machine *m, PCBoard *b)
{
    FWCfgState *fw = b->fw_cfg;
    PCE820Entry e820[PC_E820_MAX];
    uint8_t *table;
    int n;

    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, m->opts.ram_size);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, m->nr_cpus);
    fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, m->nr_cpus);
    fw_cfg_add_i16(fw, FW_CFG_NOGRAPHIC, !m->opts.graphics);
    fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, 0);

    /* etc/e820: RAM only, as QEMU gives it (SeaBIOS adds its own
     * reservations); packed {u64 addr, u64 len, u32 type}. */
    n = 0;
    e820[n++] = (PCE820Entry){0, b->ram_below_4g_size, E820_RAM};
    table = calloc(n, 20);
    for (int i = 0; i < n; i++) {
        stq_le_p(table + i * 20, e820[i].addr);
        stq_le_p(table + i * 20 + 8, e820[i].size);
        stl_le_p(table + i * 20 + 16, e820[i].type);
    }
    fw_cfg_add_file(fw, "etc/e820", table, n * 20);

    /*
     * Without a display, SeaBIOS's serial console: its screen output and
     * keyboard go through COM1 (QEMU does this with -machine graphics=off;
     * emu has no display yet, so always).
     */
    if (!m->opts.graphics && m->opts.nr_serial > 0 && m->opts.serial[0]) {
        uint8_t *port = malloc(2);
        stw_le_p(port, 0x3f8);
        fw_cfg_add_file(fw, "etc/sercon-port", port, 2);
    }
    /* QEMU's default reboot-timeout: -1, SeaBIOS says "No bootable
     * device" and stops instead of rebooting. */
    uint8_t *wait = malloc(4);
    stl_le_p(wait, 0xffffffff);
    fw_cfg_add_file(fw, "etc/boot-fail-wait", wait, 4);
}

/* ---- ISA devices -------------------------------------------------------- */

static DeviceState *pc_isa_device(PCBoard *b, const char *name,
                                  const char *props, Chardev *chr, Error **errp)
{
    DeviceState *dev = device_new(name);
    if (!dev) {
        error_setg(errp, "internal error: no device '%s'", name);
        return NULL;
    }
    if (chr) {
        device_prop_set_chardev(dev, "chardev", chr);
    }
    if ((props && device_set_props(dev, props, errp) < 0) ||
        device_realize(dev, &b->isa, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    return dev;
}

static int pc_create_isa_devices(Machine *m, PCBoard *b, Error **errp)
{
    IRQ **irqs = i8259_init(&b->isa, b->intr, &b->pic, errp);
    if (!irqs) {
        return -1;
    }
    for (int i = 0; i < 16; i++) {
        b->isa.irqs[i] = irqs[i];
    }
    free(irqs);

    PITState *pit = pit_init(&b->isa, 0x40, errp);
    if (!pit || !pcspk_init(&b->isa, pit, errp)) {
        return -1;
    }
    b->rtc = rtc_init(&b->isa, 2000, &m->opts.rtc, errp);
    if (!b->rtc) {
        return -1;
    }
    for (int i = 0; i < m->opts.nr_serial; i++) {
        if (m->opts.serial[i] &&
            !serial_isa_init(&b->isa, i, m->opts.serial[i], errp)) {
            return -1;
        }
    }
    if (!i8042_init(&b->isa, b->a20, errp)) {
        return -1;
    }
    if (!port92_init(&b->isa, b->a20, errp)) {
        return -1;
    }
    b->fw_cfg = fw_cfg_init_io(&b->isa, PC_FW_CFG_IOBASE, &b->as_mem, errp);
    if (!b->fw_cfg) {
        return -1;
    }
    if (m->opts.debugcon) {
        /* SeaBIOS logs to 0x402; QEMU's -debugcon default port is 0xe9. */
        static const char *const ports[] = {"iobase=0x402", "iobase=0xe9"};
        for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
            DeviceState *d = pc_isa_device(b, "isa-debugcon", ports[i],
                                           m->opts.debugcon, errp);
            if (!d) {
                return -1;
            }
        }
    }
    return 0;
}

int pc_add_user_device(Machine *m, const char *opts, Error **errp)
{
    PCBoard *b = m->board;
    char *name = strdup(opts);
    char *comma = strchr(name, ',');
    if (comma) {
        *comma++ = '\0';
    }
    const DeviceClass *dc = device_class_find(name);
    if (!dc || !dc->user_creatable) {
        error_setg(errp, "-device %s: '%s' is not a valid device model name",
                   opts, name);
        free(name);
        return -1;
    }
    DeviceState *dev = device_new_class(dc);
    void *bus = NULL;
    if (dc->bus && !strcmp(dc->bus, "isa")) {
        bus = &b->isa;
    } else if (dc->bus && !strcmp(dc->bus, "pci")) {
        bus = b->pci;
    }
    if ((comma && device_set_props(dev, comma, errp) < 0) ||
        device_realize(dev, bus, errp) < 0) {
        error_prepend(errp, "-device %s: ", opts);
        device_free(dev);
        free(name);
        return -1;
    }
    free(name);
    return 0;
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

static void pc_reset_handler(ShutdownCause cause)
{
    Machine *m = current_machine;
    if (cause == SHUTDOWN_CAUSE_GUEST_PANIC) {
        log_mask(LOG_RESET, "system reset after a triple fault\n");
    }
    cpus_pause();
    pc_machine_reset(m);
    cpus_resume();
}

int pc_machine_init(Machine *m, Error **errp)
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

    /* The CPU */
    CPUState *cpu = calloc(1, sizeof(*cpu));
    cpu->machine = m;
    cpu->accel = m->accel;
    cpu->irq_ack = pc_irq_ack;
    cpu->irq_ack_opaque = b;
    cpu->cpu_model_explicit = m->opts.cpu_model != NULL;
    if (x86_cpu_model_init(&cpu->env,
                           m->opts.cpu_model ? m->opts.cpu_model
                                             : pc_default_cpu_model(m->accel),
                           errp) < 0) {
        return -1;
    }
    m->cpus[0] = cpu;
    m->nr_cpus = 1;
    first_cpu = cpu;
    b->intr = irq_new(pc_intr_set, m, 0);
    b->a20 = irq_new(pc_a20_set, m, 0);

    /* Accelerator: after RAM exists (KVM slots), before the vCPU runs. */
    if (m->accel->init(m, errp) < 0) {
        return -1;
    }
    if (m->accel->vcpu_init(cpu, errp) < 0) {
        return -1;
    }

    /* ISA bus view, then the chipset and devices */
    b->isa.io = &b->sysio;
    b->isa.io_as = &b->as_io;
    b->isa.mem = &b->sysmem;
    b->isa.mem_as = &b->as_mem;
    memory_region_transaction_begin();
    b->pci = i440fx_init(&b->sysmem, &b->sysio, &b->pci_mem, &b->ram,
                         &b->as_mem, NULL, errp);
    if (!b->pci) {
        goto fail;
    }
    if (pc_create_isa_devices(m, b, errp) < 0) {
        goto fail;
    }
    if (!piix3_init(b->pci, &b->isa, errp)) {
        goto fail;
    }
    b->pm = piix4_pm_init(b->pci, PCI_DEVFN(1, 3), &b->isa, errp);
    if (!b->pm) {
        goto fail;
    }
    memory_region_transaction_commit();

    pc_cmos_init(m, b);
    pc_fw_cfg_init(m, b);

    main_loop_set_reset_handler(pc_reset_handler);
    monitor_register_info("pci", "show PCI devices", pc_info_pci);
    monitor_register_info("pic", "show the i8259 state", pc_info_pic);
    return 0;

fail:
    memory_region_transaction_commit();
    return -1;
}

void pc_machine_reset(Machine *m)
{
    PCBoard *b = m->board;
    CPUState *cpu = m->cpus[0];
    Error *err = NULL;

    devices_reset_all();
    cpu_reset(cpu);
    if (m->opts.kernel) {
        /* Direct boot: do what the firmware would have done, then enter
         * the kernel.  Reloaded at every reset: the guest may have
         * overwritten it. */
        static const AcpiPmConfig pm = ACPI_PM_CONFIG_PIIX4;
        piix4_pm_set_base(b->pm, pm.pm_base);
        if (acpi_build_tables(&b->as_mem, PC_ACPI_TABLES_ADDR,
                              PC_ACPI_RSDP_ADDR, &pm, &err) < 0 ||
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
