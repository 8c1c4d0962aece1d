/*
 * The "chardev" device property type: a device's host end, named by the id
 * of a -chardev.  It lives with the chardevs,
 * not in hw/core, which knows property types only through their table of
 * operations (emu/property.h).  The device does not own the chardev.
 */
#include "emu/common.h"

#include <glib.h>

#include "emu/chardev.h"
#include "emu/device.h"

static int chardev_parse(DeviceState *dev, const Property *p, void *field,
                         const char *str, Error **errp)
{
    Chardev *chr = chardev_find(str);
    if (!chr) {
        error_setg(errp, "chardev '%s' not found", str);
        return -ENOENT;
    }
    *(Chardev **)field = chr;
    return 0;
}

static char *chardev_print(const Property *p, const void *field)
{
    const Chardev *chr = *(Chardev *const *)field;
    return g_strdup_printf("\"%s\"", chr ? chr_label(chr) : "");
}

const PropertyInfo prop_info_chardev = {
    .name = "chardev",
    .parse = chardev_parse,
    .print = chardev_print,
};

void device_prop_set_chardev(DeviceState *dev, const char *name, Chardev *c)
{
    *(Chardev **)device_prop_field(dev, name, &prop_info_chardev) = c;
}
