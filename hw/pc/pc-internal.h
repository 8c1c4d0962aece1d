/*
 * What the pc board's files share (hw/pc/pc.c, pc-firmware.c,
 * pc-options.c): the board state and the steps pc.c runs.
 */
#ifndef HW_PC_INTERNAL_H
#define HW_PC_INTERNAL_H

#include "emu/common.h"
#include "emu/irq.h"
#include "emu/machine.h"
#include "emu/memory.h"
#include "hw/acpi/piix4.h"
#include "hw/block/fdc.h"
#include "hw/ide/ide.h"
#include "hw/intc/apic.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic.h"
#include "hw/isa/isa.h"
#include "hw/isa/piix3.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/pci/pci.h"
#include "hw/timer/hpet.h"
#include "hw/timer/mc146818.h"

#define PC_FW_CFG_IOBASE 0x510
#define PC_ISA_BIOS_SIZE (128 * KiB)
/* Direct kernel boot: where BAR4 of the IDE function goes (SeaBIOS puts
 * PCI I/O from 0xC000 too). */
#define PC_IDE_BMDMA_BASE 0xc000
/* Direct kernel boot: PIRQA-D go to ISA IRQs 10, 10, 11, 11 (SeaBIOS's
 * choice, so both boot paths give the guest the same IRQs), and the PCI
 * memory window for the OS ends below the IOAPIC area. */
#define PC_PIRQ_IRQS {10, 10, 11, 11}
#define PC_PCI_HOLE_END 0xfebfffffu

/* -boot (pc-boot.c). */
typedef struct PCBootOptions {
    char order[4]; /* "cad": a floppy, c disk, d CD-ROM, n network */
    char once[4];  /* first boot only; "" if not given */
    bool menu;
    bool strict;
    bool splash_ignored;
    int splash_time;    /* ms, -1 if not given */
    int reboot_timeout; /* ms, -1: never */
} PCBootOptions;

typedef struct PCBoard {
    MemoryRegion sysmem, sysio, pci_mem;
    AddressSpace as_mem, as_io;
    MemoryRegion ram, ram_below_4g;
    MemoryRegion bios, isa_bios;
    uint64_t ram_below_4g_size;
    ISABus isa;
    PCIBus *pci;
    PICState *pic;
    /* The interrupt platform (pc-irq.c). */
    IRQ *pic_in[16];            /* the 8259 pair's inputs */
    IRQ *gsi[IOAPIC_NUM_PINS];  /* I/O APIC pins, fanned out to the 8259 */
    APICBus *apic_bus;          /* NULL: the CPU model has no APIC */
    APICState *apic[APIC_MAX_CPUS];
    IOAPICState *ioapic;
    HPETState *hpet;            /* NULL with -machine hpet=off */
    int legacy_level[2];        /* PIT (IRQ 0) and RTC (IRQ 8) outputs */
    bool legacy_enabled[2];     /* not taken over by the HPET */
    PIIX3State *piix3; /* 00:01.0 */
    PIIX4PMState *pm;
    PIIX3IDEState *ide; /* 00:01.1, buses ide.0 and ide.1 */
    MC146818State *rtc;
    FWCfgState *fw_cfg;
    FDCtrlState *fdc;
    IRQ *intr;
    IRQ *a20;
    PCBootOptions boot;
    int boots; /* resets so far: -boot once= is for the first */
    bool has_vga; /* a VGA card (default, -vga std, -device VGA/isa-vga) */
} PCBoard;

/* ---- pc-irq.c: interrupt controllers and lines ------------------------- */

/* The 8259s, the local APICs (if the CPU model has one), the I/O APIC,
 * the HPET, and the ISA bus's IRQ lines into them.  Before the ISA
 * devices, which take their lines at realize. */
int pc_irq_init(Machine *m, PCBoard *b, Error **errp);

/* ---- pc-firmware.c: the firmware image and what it reads --------------- */

/* -bios or SeaBIOS: mapped below 4 GiB and its last 128 KiB at 0xE0000. */
int pc_load_bios(Machine *m, PCBoard *b, Error **errp);
/* The CMOS bytes SeaBIOS and DOS read (memory sizes, boot order...). */
void pc_cmos_init(Machine *m, PCBoard *b);
/* CMOS 0x10 (floppy drive types) and the floppy bits of the equipment
 * byte 0x14, from the drives on the controller: at every reset, since
 * -device floppy comes after the board. */
void pc_cmos_set_floppies(PCBoard *b);
/* The fw_cfg items SeaBIOS reads (RAM size, CPUs, e820, console...). */
void pc_fw_cfg_init(Machine *m, PCBoard *b);

/* ---- pc-legacy-state.c: direct boot ----------------------------------- */

/* The 8259s, PIT channel 0 and real-mode IVT as SeaBIOS leaves them
 * before it enters a -kernel (called at every direct-boot reset). */
void pc_direct_boot_legacy_state(PCBoard *b);

/* ---- pc-boot.c: -boot -------------------------------------------------- */

/* Parse -boot (NULL: the defaults).  -1 with errp for bad input. */
int pc_boot_parse(const char *arg, PCBootOptions *bo, Error **errp);
/* The order letters in force after `boots` resets (0: power-on). */
const char *pc_boot_order_at(const PCBootOptions *bo, int boots);
/* SeaBIOS's CMOS encoding of an order. */
void pc_boot_cmos_bytes(const char *order, uint8_t *b3d, uint8_t *b38);
typedef enum { PC_BOOT_NONE, PC_BOOT_IDE_HD, PC_BOOT_IDE_CD } PCBootIDEKind;
typedef struct PCBootDrives {
    bool floppy[2];
    PCBootIDEKind ide[2][2]; /* [channel][unit] */
} PCBootDrives;
/* The fw_cfg "bootorder" text for an order and the drives present
 * (g_free it). */
char *pc_bootorder_text(const char *order, bool strict,
                        const PCBootDrives *d);
/* fw_cfg boot menu, menu wait, reboot timeout (at init). */
void pc_boot_init(Machine *m, PCBoard *b);
/* At every reset: CMOS 0x3D/0x38 and "bootorder" for this boot. */
void pc_boot_reset(Machine *m, PCBoard *b);

/* ---- pc-options.c: the user's front-end options onto devices ---------- */

/* Refuse what cannot be mapped yet, before anything starts. */
int pc_check_user_options(const MachineOptions *opts, Error **errp);
/* -serial: COM1-COM4, devices serial0..serial3 (in the ISA order). */
int pc_map_serial_ports(Machine *m, PCBoard *b, Error **errp);
/* -debugcon: ports 0x402 and 0xe9. */
int pc_map_debugcon(Machine *m, PCBoard *b, Error **errp);
/* -hda.. -cdrom -drive -fda -fdb; -net/-nic; -vga std|none. */
int pc_map_disks(Machine *m, PCBoard *b, Error **errp);
int pc_map_nics(Machine *m, PCBoard *b, Error **errp);
int pc_map_display(Machine *m, PCBoard *b, Error **errp);
/* At reset: the ISA VGA's BIOS for SeaBIOS (fw_cfg vgaroms/). */
int pc_display_reset(Machine *m, PCBoard *b, Error **errp);

#endif
