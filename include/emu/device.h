/*
 * Device model base.
 *
 * A device is a state struct whose first member is a DeviceState, plus a
 * DeviceClass (the ops table): properties, realize, reset, state description.
 *
 *     typedef struct PITState {
 *         DeviceState parent;
 *         uint32_t iobase;
 *         ...
 *     } PITState;
 *
 *     static const Property pit_props[] = {
 *         DEFINE_PROP_U32("iobase", PITState, iobase, 0x40, "I/O base"),
 *         DEFINE_PROP_END,
 *     };
 *     static const DeviceClass pit_class = {
 *         .name = "isa-pit", .bus = "isa", .desc = "Intel 8254 PIT",
 *         .instance_size = sizeof(PITState), .props = pit_props,
 *         .realize = pit_realize, .reset = pit_reset, .vmsd = &vmstate_pit,
 *     };
 *     DEVICE_CLASS_REGISTER(pit_class);
 *
 * Life cycle: device_new() allocates and applies property defaults; the
 * board or the command line sets properties; device_realize(dev, bus)
 * validates them, maps regions and connects IRQs through the bus;
 * device_reset() puts it in its power-on state.  Power-on = new + realize +
 * reset.  System reset resets every realized device in realize order.
 *
 * Buses are typed and named, as QEMU's: a BusState is the first member of
 * each bus struct (ISABus, PCIBus, later IDEBus); its type ("isa", "pci")
 * matches the DeviceClass's .bus, its name is "<type>.<n>" ("isa.0",
 * "pci.0") unless the bus is given one, and its parent is the device that
 * provides it (the PCI-ISA bridge for isa.0), or none for a bus hanging off
 * the machine's root ("main-system-bus").  A device's "bus" property
 * (-device isa-serial,bus=isa.0) names the bus it plugs into; it must exist
 * and be of the class's type.  Without it the board picks the bus.  "info
 * qtree" prints the tree: buses, their devices with their properties, and
 * the buses those devices provide.
 */
#ifndef EMU_DEVICE_H
#define EMU_DEVICE_H

#include "emu/common.h"
#include "emu/property.h"
#include "emu/vmstate.h"

typedef struct DeviceState DeviceState;
typedef struct BusState BusState;

struct BusState {
    const char *type;       /* "isa", "pci", "system" */
    char *name;             /* "isa.0" */
    DeviceState *parent;    /* the device providing the bus, or NULL */
    DeviceState *children;  /* realized devices on it, in realize order */
    BusState *next;         /* every bus, in creation order */
};

/*
 * Register a bus of `type`.  name NULL: "<type>.<n>", n counting the buses
 * of that type that exist.  parent: the device that provides it, or NULL.
 */
void bus_init(BusState *bus, const char *type, const char *name,
              DeviceState *parent);
/* Unregister a bus whose devices are all unrealized. */
void bus_cleanup(BusState *bus);
void bus_set_parent(BusState *bus, DeviceState *parent);
BusState *bus_find(const char *name);
/* The first bus of `type`: where a device goes when nothing says. */
BusState *bus_find_type(const char *type);
/* The "bus" property type (every device has a "bus" property). */
extern const PropertyInfo prop_info_bus;
/* The machine's root bus, type "system": the default for class .bus NULL. */
BusState *sysbus_get(void);
/* "info qtree": the root bus, the buses under it, their devices. */
void qtree_dump(FILE *f);

typedef struct DeviceClass {
    const char *name;
    const char *desc;
    const char *bus; /* type of bus it plugs into: "isa", "pci"; NULL: the
                        system bus */
    size_t instance_size;
    const Property *props;
    bool user_creatable; /* may be given with -device */
    int (*realize)(DeviceState *dev, Error **errp);
    void (*unrealize)(DeviceState *dev);
    void (*reset)(DeviceState *dev);
    const VMStateDescription *vmsd;
} DeviceClass;

struct DeviceState {
    const DeviceClass *cls;
    char *id;
    BusState *bus; /* what realize plugs into (container of ISABus, ...) */
    bool realized;
    DeviceState *next;    /* realized devices, in realize order */
    DeviceState *sibling; /* next realized device on the same bus */
};

void device_class_register(const DeviceClass *dc);
#define DEVICE_CLASS_REGISTER(dc)                                \
    static void __attribute__((constructor)) register_##dc(void) \
    {                                                            \
        device_class_register(&(dc));                            \
    }
const DeviceClass *device_class_find(const char *name);
/* "-device help": the user-creatable classes, grouped by bus. */
void device_class_list(FILE *f);
/* "-device NAME,help": the properties of one class. */
void device_class_print_props(FILE *f, const DeviceClass *dc);

/* Allocate with property defaults; NULL if no such class. */
DeviceState *device_new(const char *name);
DeviceState *device_new_class(const DeviceClass *dc);
/* Free an unrealized device (or unrealize first). */
void device_free(DeviceState *dev);

/* Set one property from a string, as the command line does. */
int device_set_prop(DeviceState *dev, const char *name, const char *value,
                    Error **errp);
/* Parse "name=value,name=value" ("id=" sets the device id). */
int device_set_props(DeviceState *dev, const char *opts, Error **errp);
/*
 * -device NAME,PROP=VALUE,...: create, set properties, realize on the
 * "bus" property's bus or the first bus of the class's type.  NULL with
 * *errp set ("-device OPTS: why") on error.
 */
DeviceState *device_add_opts(const char *opts, Error **errp);
/*
 * Check a -device option before the machine exists: the class must exist
 * and be user-creatable (-1, *errp set).  "NAME,help" prints the class's
 * properties to help and returns 1; otherwise 0.
 */
int device_opts_check(const char *opts, FILE *help, Error **errp);
/* Typed setters for board code and tests; they abort on a wrong name. */
void device_prop_set_uint(DeviceState *dev, const char *name, uint64_t v);
void device_prop_set_int(DeviceState *dev, const char *name, int64_t v);
void device_prop_set_bool(DeviceState *dev, const char *name, bool v);
void device_prop_set_str(DeviceState *dev, const char *name, const char *v);
/* Layers add setters for their own types (device_prop_set_chardev in
 * emu/chardev.h) with device_prop_field(). */

/*
 * Plug dev into its "bus" property's bus if set, else into `bus` (NULL: the
 * system bus), which must be of the class's bus type; then realize it.
 */
int device_realize(DeviceState *dev, BusState *bus, Error **errp);
void device_unrealize(DeviceState *dev);
void device_reset(DeviceState *dev);
/* Reset every realized device, in realize order. */
void devices_reset_all(void);
DeviceState *devices_first(void);
DeviceState *device_find_id(const char *id);

/* One device's properties and state (its state table). */
void device_dump(FILE *f, DeviceState *dev);
/* "dev: NAME, id "ID"" and its properties, as info qtree shows a device. */
void device_dump_props(FILE *f, DeviceState *dev, int indent);
/* "id" if it has one, else the class name (messages). */
const char *device_label(const DeviceState *dev);

#define DEVICE(obj) (&(obj)->parent)

#endif
