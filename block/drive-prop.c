/*
 * The "drive" device property type: -device ide-hd,drive=d0 names a drive
 * (a -drive id, a legacy id such as ide0-hd0, or a -blockdev node-name).
 * Setting it attaches the drive to the device, so that a drive belongs to
 * one device at most and drive_check_orphans() knows which are used.  It
 * lives with the block layer; hw/core knows property types only through
 * their table of operations (emu/property.h).
 */
#include "emu/common.h"

#include <glib.h>

#include "block/block.h"
#include "block/block-int.h"
#include "emu/device.h"

static int drive_attach(DeviceState *dev, BlockBackend **field,
                        BlockBackend *blk, Error **errp)
{
    if (*field == blk) {
        return 0;
    }
    if (blk_attach_dev(blk, dev, errp) < 0) {
        return -EBUSY;
    }
    if (*field) {
        blk_detach_dev(*field, dev);
    }
    *field = blk;
    return 0;
}

static int drive_parse(DeviceState *dev, const Property *p, void *field,
                       const char *str, Error **errp)
{
    BlockBackend *blk = blk_by_name(str);
    if (!blk) {
        error_setg(errp,
                   "drive '%s' not found (give it with -drive "
                   "id=%s,if=none,... or -blockdev ...,node-name=%s)",
                   str, str, str);
        return -ENOENT;
    }
    return drive_attach(dev, field, blk, errp);
}

static char *drive_print(const Property *p, const void *field)
{
    BlockBackend *blk = *(BlockBackend *const *)field;
    return g_strdup_printf("\"%s\"", blk ? blk_name(blk) : "");
}

static void drive_release(const Property *p, void *field)
{
    /* The device is being freed: the drive may serve another one. */
    BlockBackend **pblk = field;
    if (*pblk) {
        DeviceState *dev = blk_get_attached_dev(*pblk);
        if (dev) {
            blk_detach_dev(*pblk, dev);
        }
        *pblk = NULL;
    }
}

const PropertyInfo prop_info_drive = {
    .name = "drive",
    .parse = drive_parse,
    .print = drive_print,
    .release = drive_release,
};

int device_prop_set_drive(DeviceState *dev, const char *name, BlockBackend *blk,
                          Error **errp)
{
    BlockBackend **field = device_prop_field(dev, name, &prop_info_drive);
    return drive_attach(dev, field, blk, errp) < 0 ? -1 : 0;
}
