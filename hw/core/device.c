/*
 * Device model base (include/emu/device.h): the class registry, setting
 * properties through their types' operations (emu/property.h; the types are
 * in properties.c and in the layers that own them), realize/reset, and the
 * state dump.
 */
#include "emu/common.h"

#include <glib.h>

#include "emu/device.h"

#define MAX_DEVICE_CLASSES 128

static const DeviceClass *classes[MAX_DEVICE_CLASSES];
static int nr_classes;
static DeviceState *realized_head, *realized_tail;

void device_class_register(const DeviceClass *dc)
{
    if (nr_classes == MAX_DEVICE_CLASSES) {
        fatal("too many device classes");
    }
    classes[nr_classes++] = dc;
}

const DeviceClass *device_class_find(const char *name)
{
    for (int i = 0; i < nr_classes; i++) {
        if (!strcmp(classes[i]->name, name)) {
            return classes[i];
        }
    }
    return NULL;
}

static int class_cmp(const void *a, const void *b)
{
    const DeviceClass *x = *(const DeviceClass *const *)a;
    const DeviceClass *y = *(const DeviceClass *const *)b;
    int c = strcmp(x->bus ? x->bus : "", y->bus ? y->bus : "");
    return c ? c : strcmp(x->name, y->name);
}

void device_class_list(FILE *f)
{
    const DeviceClass *sorted[MAX_DEVICE_CLASSES];
    const char *bus = NULL;
    memcpy(sorted, classes, nr_classes * sizeof(sorted[0]));
    qsort(sorted, nr_classes, sizeof(sorted[0]), class_cmp);
    for (int i = 0; i < nr_classes; i++) {
        const DeviceClass *dc = sorted[i];
        if (!dc->user_creatable) {
            continue;
        }
        if (!bus || strcmp(bus, dc->bus ? dc->bus : "")) {
            bus = dc->bus ? dc->bus : "";
            fprintf(f, "%s%s devices:\n", bus == sorted[0]->bus ? "" : "\n",
                    bus[0] ? bus : "system");
        }
        fprintf(f, "name \"%s\", bus %s, desc \"%s\"\n", dc->name,
                dc->bus ? dc->bus : "system", dc->desc ? dc->desc : "");
    }
}

void device_class_print_props(FILE *f, const DeviceClass *dc)
{
    fprintf(f, "%s options:\n", dc->name);
    if (!dc->props || !dc->props[0].name) {
        fprintf(f, "  (no properties)\n");
        return;
    }
    for (const Property *p = dc->props; p->name; p++) {
        char *def = p->info->print_default ? p->info->print_default(p) : NULL;
        fprintf(f, "  %s=<%s>%s%s%s%s%s\n", p->name, p->info->name,
                p->desc ? " - " : "", p->desc ? p->desc : "",
                def ? " (default " : "", def ? def : "", def ? ")" : "");
        g_free(def);
    }
}

/* Properties every device has, after its class's own. */
static const Property device_base_props[] = {
    DEFINE_PROP("bus", DeviceState, bus, BusState *, &prop_info_bus, 0,
                "the bus to plug into (isa.0, pci.0, ...)"),
    DEFINE_PROP_END,
};

static const Property *prop_find(const DeviceClass *dc, const char *name)
{
    for (const Property *p = dc->props; p && p->name; p++) {
        if (!strcmp(p->name, name)) {
            return p;
        }
    }
    for (const Property *p = device_base_props; p->name; p++) {
        if (!strcmp(p->name, name)) {
            return p;
        }
    }
    return NULL;
}

static void *prop_field(DeviceState *dev, const Property *p)
{
    return (char *)dev + p->offset;
}

DeviceState *device_new_class(const DeviceClass *dc)
{
    assert(dc->instance_size >= sizeof(DeviceState));
    DeviceState *dev = calloc(1, dc->instance_size);
    if (!dev) {
        fatal("out of memory");
    }
    dev->cls = dc;
    if (dc->props) {
        for (const Property *p = dc->props; p->name; p++) {
            if (p->info->set_default) {
                p->info->set_default(p, prop_field(dev, p));
            } else if (p->info->set_uint) {
                p->info->set_uint(prop_field(dev, p), p->defval);
            }
        }
    }
    return dev;
}

DeviceState *device_new(const char *name)
{
    const DeviceClass *dc = device_class_find(name);
    return dc ? device_new_class(dc) : NULL;
}

void device_free(DeviceState *dev)
{
    if (!dev) {
        return;
    }
    if (dev->realized) {
        device_unrealize(dev);
    }
    if (dev->cls->props) {
        for (const Property *p = dev->cls->props; p->name; p++) {
            if (p->info->release) {
                p->info->release(p, prop_field(dev, p));
            }
        }
    }
    free(dev->id);
    free(dev);
}

int device_set_prop(DeviceState *dev, const char *name, const char *value,
                    Error **errp)
{
    const DeviceClass *dc = dev->cls;
    const Property *p = prop_find(dc, name);

    if (!strcmp(name, "id")) {
        if (device_find_id(value)) {
            error_setg(errp, "Duplicate device ID '%s'", value);
            return -EEXIST;
        }
        free(dev->id);
        dev->id = strdup(value);
        return 0;
    }
    if (!p) {
        error_setg(errp, "%s: property '%s' not found (try -device %s,help)",
                   dc->name, name, dc->name);
        return -ENOENT;
    }
    if (p->info->parse(dev, p, prop_field(dev, p), value, errp) < 0) {
        error_prepend(errp, "%s: property '%s': ", dc->name, name);
        return -EINVAL;
    }
    return 0;
}

int device_set_props(DeviceState *dev, const char *opts, Error **errp)
{
    char *copy = strdup(opts), *save = NULL;
    int ret = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) {
            error_setg(errp, "%s: expected property=value, got '%s'",
                       dev->cls->name, tok);
            ret = -EINVAL;
            break;
        }
        *eq = '\0';
        ret = device_set_prop(dev, tok, eq + 1, errp);
        if (ret < 0) {
            break;
        }
    }
    free(copy);
    return ret;
}

int device_opts_check(const char *opts, FILE *help, Error **errp)
{
    char *name = g_strdup(opts);
    char *comma = strchr(name, ',');
    int ret = 0;

    if (comma) {
        *comma++ = '\0';
    }
    const DeviceClass *dc = device_class_find(name);
    if (!dc || !dc->user_creatable) {
        error_setg(errp, "-device %s: '%s' is not a valid device model name "
                   "(try -device help)", opts, name);
        ret = -1;
    } else if (comma && !strcmp(comma, "help")) {
        device_class_print_props(help, dc);
        ret = 1;
    }
    g_free(name);
    return ret;
}

DeviceState *device_add_opts(const char *opts, Error **errp)
{
    char *name = g_strdup(opts);
    char *comma = strchr(name, ',');
    DeviceState *dev = NULL;

    if (comma) {
        *comma++ = '\0';
    }
    const DeviceClass *dc = device_class_find(name);
    if (!dc || !dc->user_creatable) {
        error_setg(errp, "-device %s: '%s' is not a valid device model name",
                   opts, name);
        goto out;
    }
    dev = device_new_class(dc);
    /* bus= among the properties wins over the first bus of the type. */
    if ((comma && device_set_props(dev, comma, errp) < 0) ||
        device_realize(dev, bus_find_type(dc->bus), errp) < 0) {
        error_prepend(errp, "-device %s: ", opts);
        device_free(dev);
        dev = NULL;
    }
out:
    g_free(name);
    return dev;
}

static const Property *prop_must_find(DeviceState *dev, const char *name)
{
    const Property *p = prop_find(dev->cls, name);
    if (!p) {
        fatal("internal error: %s has no property '%s'", dev->cls->name, name);
    }
    return p;
}

void *device_prop_field(DeviceState *dev, const char *name,
                        const PropertyInfo *info)
{
    const Property *p = prop_must_find(dev, name);
    if (p->info != info) {
        fatal("internal error: %s property '%s' is a %s, not a %s",
              dev->cls->name, name, p->info->name, info->name);
    }
    return prop_field(dev, p);
}

char *device_prop_print(DeviceState *dev, const char *name)
{
    const Property *p = prop_find(dev->cls, name);
    return p ? p->info->print(p, prop_field(dev, p)) : NULL;
}

void device_prop_set_uint(DeviceState *dev, const char *name, uint64_t v)
{
    const Property *p = prop_must_find(dev, name);
    if (!p->info->set_uint) {
        fatal("internal error: %s property '%s' (%s) is not an integer",
              dev->cls->name, name, p->info->name);
    }
    p->info->set_uint(prop_field(dev, p), v);
}

void device_prop_set_int(DeviceState *dev, const char *name, int64_t v)
{
    device_prop_set_uint(dev, name, (uint64_t)v);
}

void device_prop_set_bool(DeviceState *dev, const char *name, bool v)
{
    device_prop_set_uint(dev, name, v);
}

void device_prop_set_str(DeviceState *dev, const char *name, const char *v)
{
    char **field = device_prop_field(dev, name, &prop_info_string);
    g_free(*field);
    *field = g_strdup(v);
}

int device_realize(DeviceState *dev, BusState *bus, Error **errp)
{
    const DeviceClass *dc = dev->cls;
    const char *want = dc->bus ? dc->bus : "system";
    BusState *given = dev->bus; /* the "bus" property, if set */

    assert(!dev->realized);
    if (!dev->bus) {
        dev->bus = bus ? bus : dc->bus ? NULL : sysbus_get();
    }
    if (!dev->bus) {
        error_setg(errp, "%s: no %s bus to plug into", dc->name, want);
        return -ENODEV;
    }
    if (strcmp(dev->bus->type, want)) {
        error_setg(errp, "%s: bus '%s' is of type %s, %s needs a bus of "
                   "type %s", dc->name, dev->bus->name, dev->bus->type,
                   dc->name, want);
        dev->bus = given;
        return -EINVAL;
    }
    if (dc->realize) {
        int ret = dc->realize(dev, errp);
        if (ret < 0) {
            dev->bus = given;
            return ret;
        }
    }
    dev->realized = true;
    dev->next = NULL;
    if (realized_tail) {
        realized_tail->next = dev;
    } else {
        realized_head = dev;
    }
    realized_tail = dev;
    dev->sibling = NULL;
    DeviceState **tail = &dev->bus->children;
    while (*tail) {
        tail = &(*tail)->sibling;
    }
    *tail = dev;
    return 0;
}

void device_unrealize(DeviceState *dev)
{
    if (!dev->realized) {
        return;
    }
    DeviceState *prev = NULL;
    for (DeviceState *d = realized_head; d; prev = d, d = d->next) {
        if (d == dev) {
            if (prev) {
                prev->next = d->next;
            } else {
                realized_head = d->next;
            }
            if (realized_tail == d) {
                realized_tail = prev;
            }
            break;
        }
    }
    for (DeviceState **p = &dev->bus->children; *p; p = &(*p)->sibling) {
        if (*p == dev) {
            *p = dev->sibling;
            break;
        }
    }
    if (dev->cls->unrealize) {
        dev->cls->unrealize(dev);
    }
    dev->realized = false;
}

void device_reset(DeviceState *dev)
{
    if (dev->cls->reset) {
        dev->cls->reset(dev);
    }
}

void devices_reset_all(void)
{
    for (DeviceState *d = realized_head; d; d = d->next) {
        device_reset(d);
    }
}

DeviceState *devices_first(void)
{
    return realized_head;
}

DeviceState *device_find_id(const char *id)
{
    for (DeviceState *d = realized_head; d; d = d->next) {
        if (d->id && !strcmp(d->id, id)) {
            return d;
        }
    }
    return NULL;
}

const char *device_label(const DeviceState *dev)
{
    return dev->id ? dev->id : dev->cls->name;
}

void device_dump_props(FILE *f, DeviceState *dev, int indent)
{
    const DeviceClass *dc = dev->cls;
    fprintf(f, "%*sdev: %s, id \"%s\"\n", indent, "", dc->name,
            dev->id ? dev->id : "");
    for (const Property *p = dc->props; p && p->name; p++) {
        char *v = p->info->print(p, prop_field(dev, p));
        fprintf(f, "%*s%s = %s\n", indent + 2, "", p->name, v);
        g_free(v);
    }
}

void device_dump(FILE *f, DeviceState *dev)
{
    device_dump_props(f, dev, 0);
    if (dev->cls->vmsd) {
        vmstate_dump(f, dev->cls->vmsd, dev, 2);
    }
}
