/*
 * The "drive" device property (block.h): -device ide-hd,drive=d0 looks the
 * drive up by id and attaches it to the device, so that a second device
 * naming the same drive is refused.
 *
 * Written by the IDE work so that ide-hd/ide-cd link before the front end
 * lands; the front end may replace it (same interface).
 */
#include <glib.h>
#include "emu/common.h"
#include "emu/device.h"
#include "block/block-int.h"

static int drive_parse(DeviceState *dev, const Property *p, void *field,
                       const char *str, Error **errp)
{
    BlockBackend **slot = field;
    BlockBackend *blk = blk_by_name(str);

    if (!blk) {
        error_setg(errp, "drive '%s' not found", str);
        return -ENOENT;
    }
    if (blk_attach_dev(blk, dev, errp) < 0) {
        return -EBUSY;
    }
    if (*slot && *slot != blk) {
        blk_detach_dev(*slot, dev);
    }
    *slot = blk;
    return 0;
}

static char *drive_print(const Property *p, const void *field)
{
    BlockBackend *blk = *(BlockBackend *const *)field;
    return g_strdup_printf("\"%s\"", blk ? blk_name(blk) : "");
}

static void drive_release(const Property *p, void *field)
{
    BlockBackend **slot = field;
    if (*slot) {
        blk_detach_dev(*slot, blk_get_attached_dev(*slot));
        *slot = NULL;
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
    BlockBackend **slot = device_prop_field(dev, name, &prop_info_drive);

    if (blk_attach_dev(blk, dev, errp) < 0) {
        return -1;
    }
    if (*slot && *slot != blk) {
        blk_detach_dev(*slot, dev);
    }
    *slot = blk;
    return 0;
}
