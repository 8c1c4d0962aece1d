/*
 * The drive devices on an IDE bus: "ide-hd" (an ATA disk) and "ide-cd"
 * (an ATAPI CD-ROM), as QEMU's: -device ide-hd,drive=d0,bus=ide.0,unit=1.
 *
 * The device holds the user's configuration (drive, unit, geometry,
 * strings); the drive's register state lives in its bus (IDEBus.ifs[]),
 * because an absent position still answers on the channel, and is saved
 * with the controller (piix3-ide's state description).
 */
#include "emu/common.h"
#include "hw/ide/ide-internal.h"

static int ide_dev_realize(DeviceState *dev, IDEKind kind, Error **errp)
{
    IDEDevice *d = container_of(dev, IDEDevice, parent);
    IDEBus *bus = ide_bus_of(dev);
    const char *name = dev->cls->name;

    if (!bus) {
        error_setg(errp, "%s: not on an IDE bus", name);
        return -EINVAL;
    }
    if (kind == IDE_HD) {
        if (!d->blk) {
            error_setg(errp, "%s: drive property not set", name);
            return -EINVAL;
        }
        if (!blk_is_inserted(d->blk)) {
            error_setg(errp, "%s: drive '%s' has no medium", name,
                       blk_name(d->blk));
            return -EINVAL;
        }
    }
    if (d->unit == -1) {
        d->unit = bus->ifs[0].kind == IDE_ABSENT   ? 0
                  : bus->ifs[1].kind == IDE_ABSENT ? 1
                                                   : -1;
        if (d->unit == -1) {
            error_setg(errp, "%s: %s has no free unit", name, bus->qbus.name);
            return -EBUSY;
        }
    } else if (d->unit < 0 || d->unit > 1) {
        error_setg(errp, "%s: unit %d: an IDE bus has units 0 and 1", name,
                   d->unit);
        return -EINVAL;
    }
    int ret = ide_drive_attach(&bus->ifs[d->unit], d, kind, errp);
    if (ret < 0) {
        error_prepend(errp, "%s: ", name);
    }
    return ret;
}

static int ide_hd_realize(DeviceState *dev, Error **errp)
{
    return ide_dev_realize(dev, IDE_HD, errp);
}

static int ide_cd_realize(DeviceState *dev, Error **errp)
{
    return ide_dev_realize(dev, IDE_CD, errp);
}

static void ide_dev_unrealize(DeviceState *dev)
{
    IDEDevice *d = container_of(dev, IDEDevice, parent);
    IDEBus *bus = ide_bus_of(dev);

    if (bus && d->unit >= 0 && bus->ifs[d->unit].dev == d) {
        ide_drive_detach(&bus->ifs[d->unit]);
    }
}

static void ide_dev_reset(DeviceState *dev)
{
    IDEDevice *d = container_of(dev, IDEDevice, parent);
    IDEBus *bus = ide_bus_of(dev);

    if (bus && d->unit >= 0) {
        IDEState *s = &bus->ifs[d->unit];
        if (s->aio_busy && s->blk) {
            blk_drain(s->blk);
        }
        ide_drive_reset(s);
    }
}

/* The configuration; the registers are in vmstate_ide_bus. */
static const VMStateField ide_dev_fields[] = {
    VMSTATE_I32(unit, IDEDevice),  VMSTATE_U32(cyls, IDEDevice),
    VMSTATE_U32(heads, IDEDevice), VMSTATE_U32(secs, IDEDevice),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_ide_dev = {
    .name = "ide_drive_config",
    .version = 1,
    .fields = ide_dev_fields,
};

static const Property ide_hd_props[] = {
    DEFINE_PROP_DRIVE("drive", IDEDevice, blk, "the disk image (-drive id)"),
    DEFINE_PROP_I32("unit", IDEDevice, unit, -1,
                    "0 master, 1 slave (default: the first free)"),
    DEFINE_PROP_U32("cyls", IDEDevice, cyls, 0,
                    "cylinders (default from the size, at most 16383)"),
    DEFINE_PROP_U32("heads", IDEDevice, heads, 0, "heads (default 16)"),
    DEFINE_PROP_U32("secs", IDEDevice, secs, 0,
                    "sectors per track (default 63)"),
    DEFINE_PROP_STRING("serial", IDEDevice, serial, NULL,
                       "IDENTIFY serial number (20 characters)"),
    DEFINE_PROP_STRING("model", IDEDevice, model, NULL,
                       "IDENTIFY model (40 characters)"),
    DEFINE_PROP_END,
};

static const Property ide_cd_props[] = {
    DEFINE_PROP_DRIVE("drive", IDEDevice, blk,
                      "the CD image (-drive id); none: empty drive"),
    DEFINE_PROP_I32("unit", IDEDevice, unit, -1,
                    "0 master, 1 slave (default: the first free)"),
    DEFINE_PROP_STRING("serial", IDEDevice, serial, NULL,
                       "IDENTIFY serial number (20 characters)"),
    DEFINE_PROP_STRING("model", IDEDevice, model, NULL,
                       "IDENTIFY model and INQUIRY product"),
    DEFINE_PROP_END,
};

static const DeviceClass ide_hd_class = {
    .name = "ide-hd",
    .desc = "ATA hard disk",
    .bus = IDE_BUS_TYPE,
    .instance_size = sizeof(IDEDevice),
    .props = ide_hd_props,
    .user_creatable = true,
    .realize = ide_hd_realize,
    .unrealize = ide_dev_unrealize,
    .reset = ide_dev_reset,
    .vmsd = &vmstate_ide_dev,
};
DEVICE_CLASS_REGISTER(ide_hd_class);

static const DeviceClass ide_cd_class = {
    .name = "ide-cd",
    .desc = "ATAPI CD-ROM drive",
    .bus = IDE_BUS_TYPE,
    .instance_size = sizeof(IDEDevice),
    .props = ide_cd_props,
    .user_creatable = true,
    .realize = ide_cd_realize,
    .unrealize = ide_dev_unrealize,
    .reset = ide_dev_reset,
    .vmsd = &vmstate_ide_dev,
};
DEVICE_CLASS_REGISTER(ide_cd_class);

DeviceState *ide_create_drive(IDEBus *bus, int unit, BlockBackend *blk, bool cd,
                              Error **errp)
{
    DeviceState *dev = device_new_class(cd ? &ide_cd_class : &ide_hd_class);

    device_prop_set_int(dev, "unit", unit);
    if (blk && device_prop_set_drive(dev, "drive", blk, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    if (device_realize(dev, &bus->qbus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return dev;
}
