/*
 * The pc board's firmware side: the firmware image (-bios, SeaBIOS by
 * default, found in -L DIR or Debian's places), and what the firmware reads
 * from the board: the CMOS layout (as QEMU's pc_cmos_init) and the fw_cfg
 * items.
 */
#include "emu/common.h"
#include "emu/chardev.h"
#include "hw/firmware.h"
#include "hw/pc/loader.h"
#include "hw/pc/pc-internal.h"
#include "hw/pc/pc.h"

void pc_set_firmware_dir(const char *dir)
{
    firmware_set_dir(dir);
}

/* ---- Firmware ---------------------------------------------------------- */

int pc_load_bios(Machine *m, PCBoard *b, Error **errp)
{
    const char *name = m->opts.bios ? m->opts.bios : "bios-256k.bin";
    char *path = firmware_find(name);
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

void pc_cmos_init(Machine *m, PCBoard *b)
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
    /* Equipment byte: math coprocessor; display bits 4-5 00 "EGA/VGA
     * (with its own BIOS)" when there is a VGA card, as QEMU says, else
     * 11 (monochrome), which DOS reads as no colour adapter; the floppy
     * bits are pc_cmos_set_floppies'. */
    rtc_set_cmos(rtc, 0x14, 0x02 | (b->has_vga ? 0 : 0x30));
    /* The boot order bytes 0x3D/0x38: pc_boot_reset (pc-boot.c). */
}

void pc_cmos_set_floppies(PCBoard *b)
{
    int t0 = fdc_drive_cmos_type(b->fdc, 0);
    int t1 = fdc_drive_cmos_type(b->fdc, 1);
    int n = (t0 != 0) + (t1 != 0);
    /* Equipment byte: bit 0 "diskette drives present", bits 6-7 their
     * number - 1 (IBM AT Technical Reference, CMOS 14h). */
    uint8_t equip = rtc_get_cmos(b->rtc, 0x14) & ~0xc1;

    if (n) {
        equip |= 0x01 | ((n - 1) << 6);
    }
    rtc_set_cmos(b->rtc, 0x10, (t0 << 4) | t1);
    rtc_set_cmos(b->rtc, 0x14, equip);
}

/* ---- fw_cfg: what SeaBIOS reads ---------------------------------------- */

void pc_fw_cfg_init(Machine *m, PCBoard *b)
{
    FWCfgState *fw = b->fw_cfg;
    PCE820Entry e820[PC_E820_MAX];
    uint8_t *table;
    int n;

    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, m->opts.ram_size);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, m->nr_cpus);
    /* SeaBIOS scans APIC IDs below this (QEMU's apic_id_limit): with a
     * topology whose counts are not powers of two the IDs are sparse. */
    fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS,
                   m->cpus[m->nr_cpus - 1]->env.cpuid_apic_id + 1);
    fw_cfg_add_i16(fw, FW_CFG_NOGRAPHIC, !m->opts.graphics);
    /* The PIT reaches the I/O APIC on pin 2: SeaBIOS's MADT and MP table
     * then carry the ISA IRQ 0 -> GSI 2 override (pc-irq.c). */
    fw_cfg_add_i32(fw, FW_CFG_IRQ0_OVERRIDE, 1);

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
     * Without a display (-nographic), SeaBIOS's serial console: its screen
     * output and keyboard go through COM1 too, beside the VGA card's
     * screen (SeaBIOS's "split mode").  SeaBIOS would add the same port
     * itself from FW_CFG_NOGRAPHIC.
     */
    if (!m->opts.graphics && m->opts.nr_serial > 0 && m->opts.serial[0]) {
        uint8_t *port = malloc(2);
        stw_le_p(port, 0x3f8);
        fw_cfg_add_file(fw, "etc/sercon-port", port, 2);
    }
    /* -boot: menu, splash-time, reboot-timeout; bootorder at reset. */
    pc_boot_init(m, b);
}
