/*
 * Intel 82077AA floppy disk controller ("isa-fdc", hw/block/fdc.c) and its
 * drives ("floppy", hw/block/floppy.c).
 *
 *   isa-fdc   ports iobase+0..5 and iobase+7 (0x3F0-0x3F5, 0x3F7: 0x3F6
 *             belongs to the primary IDE channel), IRQ 6, ISA DMA 2
 *             (properties iobase, irq, dma; dma=-1: no DMA line)
 *   floppy    a drive on the controller's bus "floppy-bus.0" (properties
 *             drive=ID, unit=0|1); without drive= it is an empty drive
 *
 * The medium's format comes from the image size (FloppyFormat below);
 * another size is refused when the drive is created and treated as an
 * unreadable disk when it is inserted later with the monitor's change.
 */
#ifndef HW_BLOCK_FDC_H
#define HW_BLOCK_FDC_H

#include "emu/common.h"
#include "emu/device.h"
#include "hw/isa/isa.h"

#define TYPE_ISA_FDC   "isa-fdc"
#define TYPE_FLOPPY    "floppy"
#define FDC_MAX_DRIVES 2

typedef struct FDCtrlState FDCtrlState;

/* Create, realize and reset the controller at 0x3F0, IRQ 6, DMA 2. */
FDCtrlState *fdc_init_isa(ISABus *bus, Error **errp);
FDCtrlState *fdc_from_device(DeviceState *dev);
/* The controller's floppy bus, where "floppy" devices plug in. */
BusState *fdc_get_bus(FDCtrlState *s);
/*
 * The CMOS drive type (register 0x10 nibble) of the drive on unit, for
 * the board: 0 none, 1 360K, 2 1.2M, 3 720K, 4 1.44M, 5 2.88M; an empty
 * drive is a 1.44M one.
 */
int fdc_drive_cmos_type(FDCtrlState *s, int unit);

/* ---- shared by fdc.c and floppy.c ---------------------------------------- */

/* Data rate codes of the DSR/CCR bits 0-1. */
#define FDC_RATE_500K 0
#define FDC_RATE_300K 1
#define FDC_RATE_250K 2
#define FDC_RATE_1M   3

typedef struct FloppyFormat {
    const char *name; /* "1.44M" */
    uint8_t tracks, heads, sectors;
    uint8_t rates;     /* BIT(FDC_RATE_x) the medium reads at */
    uint8_t cmos_type; /* the drive it goes in */
} FloppyFormat;

/* The format of an image of size bytes, or NULL. */
const FloppyFormat *floppy_format_for_size(uint64_t size);
/* "160K 180K ..." for messages. */
const char *floppy_format_names(void);

#endif
