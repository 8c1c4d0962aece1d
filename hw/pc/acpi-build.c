/*
 * ACPI tables for direct kernel boot: RSDP, RSDT, FADT, FACS and a DSDT
 * with \_S5 (ACPI 1.0b: 5.2.4 RSDP, 5.2.7 RSDT, 5.2.8 FADT, 5.2.9 FACS,
 * 5.2.10 DSDT; AML encoding of Name/Package in 16.2).  See
 * include/hw/pc/acpi-build.h for what is built where and why so little.
 */
#include "hw/pc/acpi-build.h"

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

/* DSDT body: Name(_S5, Package(4){Zero, Zero, Zero, Zero}) in AML:
 * NameOp '_S5_' PackageOp PkgLength(6) NumElements(4) ZeroOp x4. */
static const uint8_t dsdt_aml[] = {
    0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
};

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

int acpi_build_tables(AddressSpace *as, uint64_t tables_addr,
                      uint64_t rsdp_addr, const AcpiPmConfig *pm, Error **errp)
{
    uint8_t buf[ACPI_TABLES_SIZE] = {0};
    uint8_t rsdp[RSDP_SIZE] = {0};
    uint8_t *facs = buf + ACPI_FACS_OFFSET, *dsdt = buf + ACPI_DSDT_OFFSET;
    uint8_t *fadt = buf + ACPI_FADT_OFFSET, *rsdt = buf + ACPI_RSDT_OFFSET;
    uint32_t dsdt_len = ACPI_HEADER_SIZE + sizeof(dsdt_aml);

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

    acpi_header(dsdt, "DSDT", dsdt_len, 1);
    memcpy(dsdt + ACPI_HEADER_SIZE, dsdt_aml, sizeof(dsdt_aml));
    acpi_finish(dsdt);

    acpi_header(fadt, "FACP", FADT_V1_SIZE, 1);
    stl_le_p(fadt + FADT_FIRMWARE_CTRL, tables_addr + ACPI_FACS_OFFSET);
    stl_le_p(fadt + FADT_DSDT, tables_addr + ACPI_DSDT_OFFSET);
    fadt[FADT_INT_MODEL] = 0; /* dual 8259 PIC */
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

    acpi_header(rsdt, "RSDT", ACPI_HEADER_SIZE + 4, 1);
    stl_le_p(rsdt + ACPI_HEADER_SIZE, tables_addr + ACPI_FADT_OFFSET);
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
