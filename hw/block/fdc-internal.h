/*
 * What the floppy controller (fdc.c) and the drive device (floppy.c)
 * share: the drive's state and the bus between them.
 */
#ifndef HW_BLOCK_FDC_INTERNAL_H
#define HW_BLOCK_FDC_INTERNAL_H

#include "block/block.h"
#include "hw/block/fdc.h"

typedef struct FloppyBus {
    BusState qbus; /* type "floppy-bus", named floppy-bus.<n> */
    FDCtrlState *fdc;
} FloppyBus;

/* A drive ("floppy"): the mechanism and the medium in it. */
typedef struct FloppyDrive {
    DeviceState parent;
    BlockBackend *blk; /* NULL: an empty drive without a backend */
    int32_t unit;      /* 0 or 1; -1 at creation: the first free one */
    FDCtrlState *fdc;
    /* The medium: NULL when there is none or its size is no floppy's. */
    const FloppyFormat *fmt;
    bool read_only;
    /* The disk change line (DSKCHG, DIR bit 7): set when the medium may
     * have changed (power-on, change, eject), cleared by a head step
     * with a medium in the drive. */
    bool changed;
    uint8_t track;   /* where the head is */
    uint8_t next_id; /* the sector ID READ ID sees next (rotation) */
} FloppyDrive;

/* floppy.c: the drive's medium, looked at again after a change. */
void floppy_drive_revalidate(FloppyDrive *d);
/* A medium the controller can read at this data rate. */
static inline bool floppy_drive_readable(const FloppyDrive *d, int rate)
{
    return d && d->fmt && (d->fmt->rates & BIT(rate));
}
/* Head movement to cylinder cyl: steps clear the change line. */
void floppy_drive_step_to(FloppyDrive *d, unsigned cyl);

/* fdc.c: a drive plugged into / unplugged from the controller. */
int fdc_attach_drive(FDCtrlState *s, FloppyDrive *d, Error **errp);
void fdc_detach_drive(FDCtrlState *s, FloppyDrive *d);

#endif
