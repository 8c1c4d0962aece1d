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
 * validates them, maps regions and connects IRQs through the bus (ISABus,
 * PCIBus, or a board-specific struct given as "bus"); device_reset() puts it
 * in its power-on state.  Power-on = new + realize + reset.  System reset
 * resets every realized device in realize order.
 */
#ifndef EMU_DEVICE_H
#define EMU_DEVICE_H

#include "emu/common.h"
#include "emu/property.h"
#include "emu/vmstate.h"

typedef struct DeviceState DeviceState;

typedef struct DeviceClass {
    const char *name;
    const char *desc;
    const char *bus; /* "isa", "pci", "system" */
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
    void *bus; /* what realize plugs into (ISABus *, ...) */
    bool realized;
    DeviceState *next; /* realized devices, in realize order */
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
/* Typed setters for board code and tests; they abort on a wrong name. */
void device_prop_set_uint(DeviceState *dev, const char *name, uint64_t v);
void device_prop_set_int(DeviceState *dev, const char *name, int64_t v);
void device_prop_set_bool(DeviceState *dev, const char *name, bool v);
void device_prop_set_str(DeviceState *dev, const char *name, const char *v);
/* Layers add setters for their own types (device_prop_set_chardev in
 * emu/chardev.h) with device_prop_field(). */

int device_realize(DeviceState *dev, void *bus, Error **errp);
void device_unrealize(DeviceState *dev);
void device_reset(DeviceState *dev);
/* Reset every realized device, in realize order. */
void devices_reset_all(void);
DeviceState *devices_first(void);
DeviceState *device_find_id(const char *id);

/* "info qtree"-style dump of one device's properties and state. */
void device_dump(FILE *f, DeviceState *dev);

#define DEVICE(obj) (&(obj)->parent)

#endif
