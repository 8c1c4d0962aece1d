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
#include "hw/intc/i8259.h"
#include "hw/isa/isa.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/pci/pci.h"
#include "hw/timer/mc146818.h"

#define PC_FW_CFG_IOBASE 0x510
#define PC_ISA_BIOS_SIZE (128 * KiB)
/* Direct kernel boot: where BAR4 of the IDE function goes (SeaBIOS puts
 * PCI I/O from 0xC000 too). */
#define PC_IDE_BMDMA_BASE 0xc000

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
    PIIX3IDEState *ide; /* 00:01.1, buses ide.0 and ide.1 */
    MC146818State *rtc;
    FWCfgState *fw_cfg;
    FDCtrlState *fdc;
    IRQ *intr;
    IRQ *a20;
} PCBoard;

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

/* ---- pc-options.c: the user's front-end options onto devices ---------- */

/* Refuse what cannot be mapped yet, before anything starts. */
int pc_check_user_options(const MachineOptions *opts, Error **errp);
/* -serial: COM1-COM4, devices serial0..serial3 (in the ISA order). */
int pc_map_serial_ports(Machine *m, PCBoard *b, Error **errp);
/* -debugcon: ports 0x402 and 0xe9. */
int pc_map_debugcon(Machine *m, PCBoard *b, Error **errp);
/* -hda.. -cdrom -drive -fda -fdb; -net/-nic; -vga (none built yet). */
int pc_map_disks(Machine *m, PCBoard *b, Error **errp);
int pc_map_nics(Machine *m, PCBoard *b, Error **errp);
int pc_map_display(Machine *m, PCBoard *b, Error **errp);

#endif
