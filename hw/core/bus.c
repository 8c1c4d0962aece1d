/*
 * Typed, named buses (include/emu/device.h): the registry, the "bus"
 * property every device has, and the "info qtree" dump.
 *
 * A bus is known by name to the command line (-device ...,bus=isa.0), so
 * every bus registers here when its owner creates it and leaves when it is
 * freed.  The root, "main-system-bus", exists from the first use: buses
 * without a parent device print under it.
 */
#include "emu/common.h"

#include <glib.h>

#include "emu/device.h"

static BusState *buses;
static BusState main_system_bus;

BusState *sysbus_get(void)
{
    if (!main_system_bus.name) {
        bus_init(&main_system_bus, "system", "main-system-bus", NULL);
    }
    return &main_system_bus;
}

void bus_init(BusState *bus, const char *type, const char *name,
              DeviceState *parent)
{
    BusState **tail = &buses;
    int n = 0;

    for (BusState *b = buses; b; b = b->next) {
        n += !strcmp(b->type, type);
    }
    memset(bus, 0, sizeof(*bus));
    bus->type = type;
    bus->name = name ? g_strdup(name) : g_strdup_printf("%s.%d", type, n);
    bus->parent = parent;
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = bus;
}

void bus_cleanup(BusState *bus)
{
    assert(!bus->children);
    for (BusState **p = &buses; *p; p = &(*p)->next) {
        if (*p == bus) {
            *p = bus->next;
            break;
        }
    }
    g_free(bus->name);
    bus->name = NULL;
}

void bus_set_parent(BusState *bus, DeviceState *parent)
{
    bus->parent = parent;
}

BusState *bus_find(const char *name)
{
    sysbus_get();
    for (BusState *b = buses; b; b = b->next) {
        if (!strcmp(b->name, name)) {
            return b;
        }
    }
    return NULL;
}

BusState *bus_find_type(const char *type)
{
    if (!type) {
        return sysbus_get();
    }
    for (BusState *b = buses; b; b = b->next) {
        if (!strcmp(b->type, type)) {
            return b;
        }
    }
    return NULL;
}

/* ---- The "bus" property ------------------------------------------------- */

static int bus_parse(DeviceState *dev, const Property *p, void *field,
                     const char *str, Error **errp)
{
    const char *want = dev->cls->bus ? dev->cls->bus : "system";
    BusState *bus = bus_find(str);

    if (dev->realized) {
        error_setg(errp, "%s is plugged in already; its bus is fixed",
                   device_label(dev));
        return -EBUSY;
    }
    if (!bus) {
        error_setg(errp, "no bus named '%s'", str);
        return -ENOENT;
    }
    if (strcmp(bus->type, want)) {
        error_setg(errp, "bus '%s' is of type %s, %s needs a bus of type %s",
                   str, bus->type, dev->cls->name, want);
        return -EINVAL;
    }
    *(BusState **)field = bus;
    return 0;
}

static char *bus_print(const Property *p, const void *field)
{
    const BusState *bus = *(BusState *const *)field;
    return g_strdup_printf("\"%s\"", bus ? bus->name : "");
}

const PropertyInfo prop_info_bus = {
    .name = "bus",
    .parse = bus_parse,
    .print = bus_print,
};

/* ---- info qtree --------------------------------------------------------- */

static void bus_dump(FILE *f, BusState *bus, int indent);

static const char *bus_type_title(const char *type)
{
    static const struct {
        const char *type, *title;
    } titles[] = {
        {"system", "System"}, {"isa", "ISA"}, {"pci", "PCI"}, {"ide", "IDE"}};
    for (size_t i = 0; i < ARRAY_SIZE(titles); i++) {
        if (!strcmp(type, titles[i].type)) {
            return titles[i].title;
        }
    }
    return type;
}

/* The buses whose parent is dev (NULL: the root's), in creation order. */
static void child_buses_dump(FILE *f, DeviceState *dev, int indent)
{
    for (BusState *b = buses; b; b = b->next) {
        if (b->parent == dev && b != &main_system_bus) {
            bus_dump(f, b, indent);
        }
    }
}

static void bus_dump(FILE *f, BusState *bus, int indent)
{
    fprintf(f, "%*sbus: %s\n", indent, "", bus->name);
    fprintf(f, "%*stype %s\n", indent + 2, "", bus_type_title(bus->type));
    for (DeviceState *d = bus->children; d; d = d->sibling) {
        device_dump_props(f, d, indent + 2);
        child_buses_dump(f, d, indent + 4);
    }
    if (bus == &main_system_bus) {
        child_buses_dump(f, NULL, indent + 2);
    }
}

void qtree_dump(FILE *f)
{
    bus_dump(f, sysbus_get(), 0);
}
