/*
 * A floppy drive ("floppy", on the bus of an isa-fdc) and the media it
 * takes.  The drive holds the head position and the disk change line;
 * the controller (fdc.c) does the rest.
 *
 * Formats are recognised by the image's size alone (there are no ID
 * fields in a raw image): every format is MFM, 512-byte sectors numbered
 * from 1, sector R of head H of cylinder C at byte ((C * heads + H) *
 * sectors + R - 1) * 512.  The data rates are those PC BIOSes and DOS
 * use for each medium (360K-class media at 250 or 300 kb/s: in a 360K
 * drive or a 1.2M one).
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/log.h"
#include "emu/vmstate.h"
#include "hw/block/fdc-internal.h"

static const FloppyFormat floppy_formats[] = {
    {"160K", 40, 1, 8, BIT(FDC_RATE_250K) | BIT(FDC_RATE_300K), 1},
    {"180K", 40, 1, 9, BIT(FDC_RATE_250K) | BIT(FDC_RATE_300K), 1},
    {"320K", 40, 2, 8, BIT(FDC_RATE_250K) | BIT(FDC_RATE_300K), 1},
    {"360K", 40, 2, 9, BIT(FDC_RATE_250K) | BIT(FDC_RATE_300K), 1},
    {"720K", 80, 2, 9, BIT(FDC_RATE_250K), 3},
    {"1.2M", 80, 2, 15, BIT(FDC_RATE_500K), 2},
    {"1.44M", 80, 2, 18, BIT(FDC_RATE_500K), 4},
    /* Microsoft's DMF (21 sectors) and the 82-cylinder 1.72M variant:
     * 1.44M media formatted tighter, read in a 1.44M drive. */
    {"1.68M", 80, 2, 21, BIT(FDC_RATE_500K), 4},
    {"1.72M", 82, 2, 21, BIT(FDC_RATE_500K), 4},
    {"2.88M", 80, 2, 36, BIT(FDC_RATE_1M), 5},
};

const FloppyFormat *floppy_format_for_size(uint64_t size)
{
    for (size_t i = 0; i < ARRAY_SIZE(floppy_formats); i++) {
        const FloppyFormat *f = &floppy_formats[i];
        if ((uint64_t)f->tracks * f->heads * f->sectors * 512 == size) {
            return f;
        }
    }
    return NULL;
}

const char *floppy_format_names(void)
{
    return "160K 180K 320K 360K 720K 1.2M 1.44M 1.68M 1.72M 2.88M";
}

/* ---- the medium ---------------------------------------------------------- */

/* Look at the medium; false (with a message in errp) for a size that is
 * no floppy's. */
static bool floppy_drive_probe(FloppyDrive *d, Error **errp)
{
    d->fmt = NULL;
    d->read_only = true; /* no disk: the write-protect sensor is dark */
    if (!d->blk || !blk_is_inserted(d->blk)) {
        return true;
    }
    uint64_t size = blk_getlength(d->blk);
    d->fmt = floppy_format_for_size(size);
    if (!d->fmt) {
        error_setg(errp,
                   "floppy: drive '%s' has %" PRIu64 " bytes, not the size "
                   "of a floppy image (%s)",
                   blk_name(d->blk), size, floppy_format_names());
        return false;
    }
    d->read_only = blk_is_read_only(d->blk);
    return true;
}

void floppy_drive_revalidate(FloppyDrive *d)
{
    Error *err = NULL;
    if (!floppy_drive_probe(d, &err)) {
        /* A new medium of the wrong size: the guest sees a disk it
         * cannot read (no address marks), the user the reason. */
        error_report_err(err);
    }
}

void floppy_drive_step_to(FloppyDrive *d, unsigned cyl)
{
    if (!d) {
        return;
    }
    /* The head stops at the last cylinder a drive can reach. */
    cyl = MIN(cyl, 83u);
    if (cyl != d->track && d->fmt) {
        d->changed = false;
    }
    d->track = cyl;
}

static void floppy_change_media_cb(void *opaque, bool load)
{
    FloppyDrive *d = opaque;
    d->changed = true;
    floppy_drive_revalidate(d);
}

static const BlockDevOps floppy_block_ops = {
    .change_media_cb = floppy_change_media_cb,
};

/* ---- the device ---------------------------------------------------------- */

static void floppy_drive_reset(DeviceState *dev)
{
    FloppyDrive *d = (FloppyDrive *)dev;

    /* At power-on the change line is active until the first step. */
    d->changed = true;
    d->track = 0;
    d->next_id = 0;
    floppy_drive_revalidate(d);
}

static int floppy_drive_realize(DeviceState *dev, Error **errp)
{
    FloppyDrive *d = (FloppyDrive *)dev;
    FloppyBus *bus = container_of(dev->bus, FloppyBus, qbus);

    if (!floppy_drive_probe(d, errp)) {
        return -EINVAL;
    }
    if (fdc_attach_drive(bus->fdc, d, errp) < 0) {
        return -EINVAL;
    }
    if (d->blk) {
        blk_set_dev_ops(d->blk, &floppy_block_ops, d);
    }
    return 0;
}

static void floppy_drive_unrealize(DeviceState *dev)
{
    FloppyDrive *d = (FloppyDrive *)dev;

    if (d->blk) {
        blk_drain(d->blk);
        blk_set_dev_ops(d->blk, NULL, NULL);
    }
    fdc_detach_drive(d->fdc, d);
}

static const VMStateField floppy_drive_fields[] = {
    VMSTATE_BOOL(changed, FloppyDrive),
    VMSTATE_U8(track, FloppyDrive),
    VMSTATE_U8(next_id, FloppyDrive),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_floppy_drive = {
    .name = "floppy",
    .version = 1,
    .fields = floppy_drive_fields,
};

static const Property floppy_drive_props[] = {
    DEFINE_PROP_DRIVE("drive", FloppyDrive, blk, "the medium (-drive id)"),
    DEFINE_PROP_I32("unit", FloppyDrive, unit, -1,
                    "drive number 0 (A:) or 1 (B:); -1: the first free"),
    DEFINE_PROP_END,
};

static const DeviceClass floppy_drive_class = {
    .name = TYPE_FLOPPY,
    .desc = "floppy disk drive (on an isa-fdc)",
    .bus = "floppy-bus",
    .instance_size = sizeof(FloppyDrive),
    .props = floppy_drive_props,
    .user_creatable = true,
    .realize = floppy_drive_realize,
    .unrealize = floppy_drive_unrealize,
    .reset = floppy_drive_reset,
    .vmsd = &vmstate_floppy_drive,
};
DEVICE_CLASS_REGISTER(floppy_drive_class);
