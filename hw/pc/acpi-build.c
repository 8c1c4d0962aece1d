/*
 * ACPI tables for direct kernel boot: RSDP, RSDT, FADT, FACS and a DSDT
 * with \_S5 and the PCI root bridge (ACPI 1.0b: 5.2.4 RSDP, 5.2.7 RSDT,
 * 5.2.8 FADT, 5.2.9 FACS, 5.2.10 DSDT; PCI root bridge objects _HID,
 * _BBN, _CRS, _PRT in ACPI 6.x 6.1/6.2/6.5).  See
 * include/hw/pc/acpi-build.h for what is built where and why so little.
 */
#include "hw/pc/acpi-build.h"
#include "hw/acpi/aml.h"

#define ACPI_HEADER_SIZE  36
#define ACPI_OEM_ID       "EMU   "   /* 6 bytes */
#define ACPI_OEM_TABLE_ID "EMUPC   " /* 8 bytes */
#define ACPI_CREATOR_ID   "EMU "     /* 4 bytes */

#define RSDP_SIZE    20
#define FACS_SIZE    64
#define FADT_V1_SIZE 116

/* FADT field offsets (ACPI 1.0b, table 5-7). */
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT          40
#define FADT_INT_MODEL     44
#define FADT_SCI_INT       46
#define FADT_SMI_CMD       48
#define FADT_ACPI_ENABLE   52
#define FADT_ACPI_DISABLE  53
#define FADT_PM1A_EVT_BLK  56
#define FADT_PM1A_CNT_BLK  64
#define FADT_PM_TMR_BLK    76
#define FADT_GPE0_BLK      80
#define FADT_PM1_EVT_LEN   88
#define FADT_PM1_CNT_LEN   89
#define FADT_PM_TM_LEN     91
#define FADT_GPE0_BLK_LEN  92
#define FADT_P_LVL2_LAT    96
#define FADT_P_LVL3_LAT    98
#define FADT_CENTURY       108
#define FADT_FLAGS         112

/* FADT flags */
#define FADT_F_WBINVD     (1u << 0)
#define FADT_F_PROC_C1    (1u << 2)
#define FADT_F_SLP_BUTTON (1u << 5) /* no fixed-feature sleep button */
#define FADT_F_RTC_S4     (1u << 7)

/* Offsets of the PIIX4 PM registers from the PM base (PIIX4 datasheet
 * 7.2, "Power management I/O space registers"). */
#define PM1_EVT_OFFSET 0x00
#define PM1_CNT_OFFSET 0x04
#define PM_TMR_OFFSET  0x08

/* CMOS index of the century byte (what SeaBIOS and QEMU use). */
#define RTC_CENTURY 0x32

/* P_LVL latencies above 100 / 1000 us mean C2 / C3 are not supported. */
#define NO_C2_LATENCY 101
#define NO_C3_LATENCY 1001

#define PCI_SLOTS 32

/* The i440FX host bridge's resources: all buses below it, the
 * configuration ports, every I/O port but those, the legacy VGA window and
 * the memory hole for BARs. */
static void pci0_crs(GByteArray *out, const AcpiPciConfig *pci)
{
    GByteArray *res = g_byte_array_new(), *buf = g_byte_array_new();

    aml_res_word_space(res, AML_RES_BUS, 0, 0x00, 0xff);
    aml_res_io(res, 0xcf8, 0xcf8, 1, 8);
    aml_res_word_space(res, AML_RES_IO, AML_IO_ENTIRE_RANGE, 0x0000, 0x0cf7);
    aml_res_word_space(res, AML_RES_IO, AML_IO_ENTIRE_RANGE, 0x0d00, 0xffff);
    aml_res_dword_space(res, AML_RES_MEMORY, AML_MEM_RW | AML_MEM_CACHEABLE,
                        0xa0000, 0xbffff);
    if (pci->mem_start <= pci->mem_end) {
        aml_res_dword_space(res, AML_RES_MEMORY, AML_MEM_RW, pci->mem_start,
                            pci->mem_end);
    }
    aml_res_end(res);
    aml_buffer(buf, res);
    aml_name_decl(out, "_CRS", buf);
    g_byte_array_unref(res);
    g_byte_array_unref(buf);
}

/* Static _PRT: Package{address (slot << 16 | 0xffff: any function), pin,
 * 0 (no link device), GSI}.  The routes are fixed because the board
 * programs the PIRQ route registers before the OS starts; in PIC mode
 * the GSI is the ISA IRQ, and the OS makes it level-triggered. */
static void pci0_prt(GByteArray *out, const AcpiPciConfig *pci)
{
    GByteArray *all = g_byte_array_new(), *pkg = g_byte_array_new();
    GByteArray *entry = g_byte_array_new();
    unsigned n = 0;

    /* Slot 0 is the host bridge, which raises no interrupt. */
    for (int slot = 1; slot < PCI_SLOTS; slot++) {
        for (int pin = 0; pin < 4; pin++) {
            int pirq = (slot + pin + pci->pirq_swizzle) & 3;
            g_byte_array_set_size(entry, 0);
            aml_integer(entry, ((uint32_t)slot << 16) | 0xffff);
            aml_integer(entry, pin);
            aml_integer(entry, 0);
            aml_integer(entry, pci->pirq_irq[pirq]);
            aml_package(all, 4, entry);
            n++;
        }
    }
    aml_package(pkg, n, all);
    aml_name_decl(out, "_PRT", pkg);
    g_byte_array_unref(all);
    g_byte_array_unref(pkg);
    g_byte_array_unref(entry);
}

/* The DSDT's AML: \_S5 and \_SB.PCI0. */
static GByteArray *dsdt_body(const AcpiPciConfig *pci)
{
    GByteArray *aml = g_byte_array_new(), *s5 = g_byte_array_new();
    GByteArray *dev = g_byte_array_new(), *sb = g_byte_array_new();
    GByteArray *v = g_byte_array_new();

    /* Name(_S5, Package(4){0, 0, 0, 0}) */
    for (int i = 0; i < 4; i++) {
        aml_integer(s5, 0);
    }
    aml_package(v, 4, s5);
    aml_name_decl(aml, "_S5_", v);

    g_byte_array_set_size(v, 0);
    aml_eisa_id(v, "PNP0A03");
    aml_name_decl(dev, "_HID", v);
    aml_name_integer(dev, "_UID", 0);
    aml_name_integer(dev, "_BBN", 0);
    aml_name_integer(dev, "_ADR", 0);
    pci0_crs(dev, pci);
    pci0_prt(dev, pci);
    aml_device(sb, "PCI0", dev);
    aml_scope(aml, "\\_SB_", sb);

    g_byte_array_unref(s5);
    g_byte_array_unref(dev);
    g_byte_array_unref(sb);
    g_byte_array_unref(v);
    return aml;
}

uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++) {
        sum += p[i];
    }
    return sum;
}

static void acpi_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    stl_le_p(t + 4, len);
    t[8] = rev;
    t[9] = 0;
    memcpy(t + 10, ACPI_OEM_ID, 6);
    memcpy(t + 16, ACPI_OEM_TABLE_ID, 8);
    stl_le_p(t + 24, 1); /* OEM revision */
    memcpy(t + 28, ACPI_CREATOR_ID, 4);
    stl_le_p(t + 32, 1); /* creator revision */
}

static void acpi_finish(uint8_t *t)
{
    t[9] = -acpi_checksum(t, ldl_le_p(t + 4));
}

/* MADT entry types and sizes (ACPI 6.4, 5.2.12). */
#define MADT_LOCAL_APIC 0 /* 8 bytes */
#define MADT_IO_APIC 1    /* 12 bytes */
#define MADT_OVERRIDE 2   /* 10 bytes */
#define MADT_LAPIC_NMI 4  /* 6 bytes */
#define MADT_PCAT_COMPAT 1u /* flags: 8259s present too */
#define MADT_FLAGS_LEVEL_HIGH 0xd /* trigger level (3 << 2), polarity high */

/* The MADT at t (at most ACPI_HPET_OFFSET - ACPI_MADT_OFFSET bytes). */
static uint32_t build_madt(uint8_t *t, const AcpiApicConfig *c)
{
    uint8_t *p = t + ACPI_HEADER_SIZE;

    stl_le_p(p, c->lapic_addr);
    stl_le_p(p + 4, MADT_PCAT_COMPAT);
    p += 8;
    for (int i = 0; i < c->nr_cpus; i++) {
        p[0] = MADT_LOCAL_APIC;
        p[1] = 8;
        p[2] = i;                /* ACPI processor ID */
        p[3] = c->apic_ids[i];   /* APIC ID */
        stl_le_p(p + 4, 1);      /* enabled */
        p += 8;
    }
    p[0] = MADT_IO_APIC;
    p[1] = 12;
    p[2] = c->ioapic_id;
    p[3] = 0;
    stl_le_p(p + 4, c->ioapic_addr);
    stl_le_p(p + 8, 0);          /* GSI base */
    p += 12;
    /* ISA IRQ 0 is GSI 2; bus conformant polarity and trigger. */
    p[0] = MADT_OVERRIDE;
    p[1] = 10;
    p[2] = 0;                    /* ISA */
    p[3] = 0;
    stl_le_p(p + 4, 2);
    stw_le_p(p + 8, 0);
    p += 10;
    for (int irq = 1; irq < 16; irq++) {
        if (!(c->level_irqs & (1u << irq))) {
            continue;
        }
        p[0] = MADT_OVERRIDE;
        p[1] = 10;
        p[2] = 0;
        p[3] = irq;
        stl_le_p(p + 4, irq);
        stw_le_p(p + 8, MADT_FLAGS_LEVEL_HIGH);
        p += 10;
    }
    /* LINT1 of every processor is NMI. */
    p[0] = MADT_LAPIC_NMI;
    p[1] = 6;
    p[2] = 0xff;
    stw_le_p(p + 3, 0);
    p[5] = 1;
    p += 6;

    uint32_t len = p - t;
    acpi_header(t, "APIC", len, 1);
    acpi_finish(t);
    return len;
}

/* The HPET description table (IA-PC HPET specification 1.0a, 3.2.4). */
#define HPET_TABLE_SIZE 56
static void build_hpet(uint8_t *t, const AcpiApicConfig *c)
{
    acpi_header(t, "HPET", HPET_TABLE_SIZE, 1);
    stl_le_p(t + 36, c->hpet_block_id);
    /* Base address: a Generic Address Structure in system memory. */
    t[40] = 0;                  /* address space: memory */
    t[41] = 64;                 /* register bit width */
    t[42] = 0;                  /* bit offset */
    t[43] = 0;                  /* access size: undefined (legacy) */
    stq_le_p(t + 44, c->hpet_addr);
    t[52] = 0;                  /* HPET sequence number */
    stw_le_p(t + 53, 0);        /* minimum clock tick in periodic mode */
    t[55] = 0;                  /* no page protection */
    acpi_finish(t);
}

int acpi_build_tables(AddressSpace *as, uint64_t tables_addr,
                      uint64_t rsdp_addr, const AcpiPmConfig *pm,
                      const AcpiPciConfig *pci, const AcpiApicConfig *apic,
                      Error **errp)
{
    uint8_t buf[ACPI_TABLES_SIZE] = {0};
    uint8_t rsdp[RSDP_SIZE] = {0};
    uint8_t *facs = buf + ACPI_FACS_OFFSET, *dsdt = buf + ACPI_DSDT_OFFSET;
    uint8_t *fadt = buf + ACPI_FADT_OFFSET, *rsdt = buf + ACPI_RSDT_OFFSET;
    uint32_t rsdt_entries[3];
    int nr_entries = 0;
    GByteArray *aml;
    uint32_t dsdt_len;

    if ((tables_addr & 63) || tables_addr + ACPI_TABLES_SIZE > 4 * GiB) {
        error_setg(errp,
                   "ACPI tables address 0x%" PRIx64 " must be 64-byte "
                   "aligned and below 4 GiB",
                   tables_addr);
        return -1;
    }
    if ((rsdp_addr & 15) || rsdp_addr < 0xe0000 ||
        rsdp_addr + RSDP_SIZE > 0x100000) {
        error_setg(errp,
                   "ACPI RSDP address 0x%" PRIx64 " must be 16-byte "
                   "aligned in 0xe0000-0xfffff",
                   rsdp_addr);
        return -1;
    }

    /* FACS: no checksum; global lock and waking vector zero. */
    memcpy(facs, "FACS", 4);
    stl_le_p(facs + 4, FACS_SIZE);

    aml = dsdt_body(pci);
    dsdt_len = ACPI_HEADER_SIZE + aml->len;
    /* The DSDT's size depends only on the slot count and whether there is
     * a memory hole: a fixed layout, so an overflow is a bug here. */
    assert(ACPI_DSDT_OFFSET + dsdt_len <= ACPI_TABLES_SIZE);
    acpi_header(dsdt, "DSDT", dsdt_len, 1);
    memcpy(dsdt + ACPI_HEADER_SIZE, aml->data, aml->len);
    g_byte_array_unref(aml);
    acpi_finish(dsdt);

    acpi_header(fadt, "FACP", FADT_V1_SIZE, 1);
    stl_le_p(fadt + FADT_FIRMWARE_CTRL, tables_addr + ACPI_FACS_OFFSET);
    stl_le_p(fadt + FADT_DSDT, tables_addr + ACPI_DSDT_OFFSET);
    /* ACPI 1.0's INT_MODEL: 1 = multiple APIC (a MADT describes them). */
    fadt[FADT_INT_MODEL] = apic && apic->nr_cpus ? 1 : 0;
    stw_le_p(fadt + FADT_SCI_INT, pm->sci_irq);
    stl_le_p(fadt + FADT_SMI_CMD, pm->smi_cmd);
    fadt[FADT_ACPI_ENABLE] = pm->smi_cmd ? pm->acpi_enable : 0;
    fadt[FADT_ACPI_DISABLE] = pm->smi_cmd ? pm->acpi_disable : 0;
    stl_le_p(fadt + FADT_PM1A_EVT_BLK, pm->pm_base + PM1_EVT_OFFSET);
    stl_le_p(fadt + FADT_PM1A_CNT_BLK, pm->pm_base + PM1_CNT_OFFSET);
    stl_le_p(fadt + FADT_PM_TMR_BLK, pm->pm_base + PM_TMR_OFFSET);
    stl_le_p(fadt + FADT_GPE0_BLK, pm->gpe0_len ? pm->gpe0_base : 0);
    fadt[FADT_PM1_EVT_LEN] = 4;
    fadt[FADT_PM1_CNT_LEN] = 2;
    fadt[FADT_PM_TM_LEN] = 4;
    fadt[FADT_GPE0_BLK_LEN] = pm->gpe0_len;
    stw_le_p(fadt + FADT_P_LVL2_LAT, NO_C2_LATENCY);
    stw_le_p(fadt + FADT_P_LVL3_LAT, NO_C3_LATENCY);
    fadt[FADT_CENTURY] = RTC_CENTURY;
    stl_le_p(fadt + FADT_FLAGS, FADT_F_WBINVD | FADT_F_PROC_C1 |
                                    FADT_F_SLP_BUTTON | FADT_F_RTC_S4);
    acpi_finish(fadt);

    rsdt_entries[nr_entries++] = tables_addr + ACPI_FADT_OFFSET;
    if (apic && apic->nr_cpus) {
        assert(apic->nr_cpus <= ACPI_MADT_MAX_CPUS);
        uint32_t len = build_madt(buf + ACPI_MADT_OFFSET, apic);
        assert(ACPI_MADT_OFFSET + len <= ACPI_HPET_OFFSET);
        rsdt_entries[nr_entries++] = tables_addr + ACPI_MADT_OFFSET;
    }
    if (apic && apic->hpet_addr) {
        build_hpet(buf + ACPI_HPET_OFFSET, apic);
        rsdt_entries[nr_entries++] = tables_addr + ACPI_HPET_OFFSET;
    }
    acpi_header(rsdt, "RSDT", ACPI_HEADER_SIZE + 4 * nr_entries, 1);
    for (int i = 0; i < nr_entries; i++) {
        stl_le_p(rsdt + ACPI_HEADER_SIZE + 4 * i, rsdt_entries[i]);
    }
    acpi_finish(rsdt);

    /* RSDP (revision 0 = ACPI 1.0): checksum over its 20 bytes. */
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, ACPI_OEM_ID, 6);
    rsdp[15] = 0;
    stl_le_p(rsdp + 16, tables_addr + ACPI_RSDT_OFFSET);
    rsdp[8] = -acpi_checksum(rsdp, RSDP_SIZE);

    if (!address_space_write_rom(as, tables_addr, buf, sizeof(buf))) {
        error_setg(
            errp, "cannot write ACPI tables at 0x%" PRIx64 " (no memory there)",
            tables_addr);
        return -1;
    }
    if (!address_space_write_rom(as, rsdp_addr, rsdp, sizeof(rsdp))) {
        error_setg(errp,
                   "cannot write the ACPI RSDP at 0x%" PRIx64
                   " (no memory there)",
                   rsdp_addr);
        return -1;
    }
    return 0;
}
