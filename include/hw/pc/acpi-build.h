/*
 * Minimal ACPI tables for direct kernel boot (no BIOS to provide them), so
 * that an ACPI OS finds the PIIX4 power-management block and can power off
 * through it, and finds the PCI bus: RSDP -> RSDT -> FADT -> {FACS, DSDT}.
 * The DSDT holds Name(_S5, Package(4){0,0,0,0}) (S5 is SLP_TYP 0, the
 * value the PIIX4 PM model treats as soft-off) and \_SB.PCI0, the i440FX
 * host bridge: PNP0A03, bus 0, the windows it forwards (_CRS) and a static
 * _PRT giving each slot's INTA-D as the ISA IRQ its PIIX3 PIRQ is routed
 * to.  An ACPI OS scans PCI only below such a root bridge.
 *
 * A MADT (local APICs, the I/O APIC, ISA interrupt overrides, LINT1 as
 * NMI) when the CPU has a local APIC, and an HPET table when there is
 * one: the same description SeaBIOS's MADT and HPET table give when the
 * firmware runs.  No SMI_CMD by default: ACPI
 * (ACPICA's acpi_hw_get_mode()) then considers the machine always in ACPI
 * mode and never attempts the enable handshake.
 *
 * Layout inside [tables_addr, tables_addr + ACPI_TABLES_SIZE):
 *   +0x000 FACS (64 bytes, 64-byte aligned as required)
 *   +0x040 FADT (revision 1, ACPI 1.0 layout, 116 bytes)
 *   +0x0c0 RSDT
 *   +0x100 MADT (up to 0x300)
 *   +0x300 HPET (56 bytes)
 *   +0x400 DSDT (up to ACPI_TABLES_SIZE)
 * The RSDP (ACPI 1.0, 20 bytes) goes to rsdp_addr, which must be 16-byte
 * aligned in 0xe0000-0xfffff for the OS's scan to find it; it is written
 * with address_space_write_rom() since that area is normally ROM.
 */
#ifndef HW_PC_ACPI_BUILD_H
#define HW_PC_ACPI_BUILD_H

#include "emu/common.h"
#include "emu/memory.h"

#define ACPI_TABLES_SIZE 0x1c00

#define ACPI_FACS_OFFSET 0x000
#define ACPI_FADT_OFFSET 0x040
#define ACPI_RSDT_OFFSET 0x0c0
#define ACPI_MADT_OFFSET 0x100
#define ACPI_HPET_OFFSET 0x300
#define ACPI_DSDT_OFFSET 0x400
#define ACPI_MADT_MAX_CPUS 16

typedef struct AcpiPmConfig {
    uint16_t pm_base; /* PM1a_EVT +0 (4), PM1a_CNT +4 (2), TMR +8 (4) */
    uint16_t gpe0_base;
    uint8_t gpe0_len; /* bytes: status half, then enable half */
    uint8_t sci_irq;
    uint16_t smi_cmd;                  /* 0: none (fixed ACPI mode) */
    uint8_t acpi_enable, acpi_disable; /* values for SMI_CMD */
} AcpiPmConfig;

/* What the PIIX4 PM device of the pc machine decodes. */
#define ACPI_PM_CONFIG_PIIX4                                                 \
    {                                                                        \
        .pm_base = 0xb000, .gpe0_base = 0xafe0, .gpe0_len = 4, .sci_irq = 9, \
    }

/* What the DSDT says about the PCI root bridge. */
typedef struct AcpiPciConfig {
    /* The 32-bit memory window for BARs: [mem_start, mem_end]; none if
     * mem_start > mem_end (RAM reaches the top). */
    uint32_t mem_start, mem_end;
    /* ISA IRQ of PIRQA-D (the board routes them so before the OS runs). */
    uint8_t pirq_irq[4];
    /* Slot s, pin p (0 = INTA) raises PIRQ (s + p + pirq_swizzle) & 3. */
    int pirq_swizzle;
} AcpiPciConfig;

/* What the MADT and the HPET table describe (hw/pc/pc-irq.c wires it). */
typedef struct AcpiApicConfig {
    int nr_cpus;           /* local APICs; 0: no MADT */
    uint8_t apic_ids[ACPI_MADT_MAX_CPUS]; /* CPU i's APIC ID */
    uint32_t lapic_addr;
    uint32_t ioapic_addr;
    uint8_t ioapic_id;
    /* ISA IRQs PCI devices use (PIRQ routes, the SCI): level-triggered,
     * active high, as the PIIX3 drives them after its inverter. */
    uint16_t level_irqs;
    uint32_t hpet_addr;    /* 0: no HPET table */
    uint32_t hpet_block_id; /* the HPET's capabilities, bits 31-0 */
} AcpiApicConfig;

/*
 * Build the tables at tables_addr (RAM the e820 map marks ACPI or reserved)
 * and the RSDP at rsdp_addr.  Returns 0, or -1 with *errp set if the memory
 * is not there or rsdp_addr is not a valid RSDP location.
 */
int acpi_build_tables(AddressSpace *as, uint64_t tables_addr,
                      uint64_t rsdp_addr, const AcpiPmConfig *pm,
                      const AcpiPciConfig *pci, const AcpiApicConfig *apic,
                      Error **errp);

/* Sum of the bytes, mod 256 (0 for a table with a correct checksum). */
uint8_t acpi_checksum(const uint8_t *p, size_t len);

#endif
