/*
 * Device properties: typed fields of a device's state struct that the
 * command line (-device NAME,prop=value), board code and tests set.
 *
 * A property type is a PropertyInfo, a table of operations: parse a string
 * into the field, print the field, set the class default, release what
 * parse allocated.  The basic types (bool, integers, size, string) live in
 * hw/core/properties.c; a layer adds its own type beside its own code
 * without touching hw/core: the PCI address ("addr", hw/core/pci.c), the
 * chardev (system/chardev-prop.c), and later drive and netdev from the
 * block and net layers.
 *
 *     static int frob_parse(DeviceState *dev, const Property *p,
 *                           void *field, const char *str, Error **errp);
 *     static char *frob_print(const Property *p, const void *field);
 *     const PropertyInfo prop_info_frob = {
 *         .name = "frob", .parse = frob_parse, .print = frob_print,
 *     };
 *     #define DEFINE_PROP_FROB(n, S, f, desc) \
 *         DEFINE_PROP(n, S, f, Frob *, &prop_info_frob, 0, desc)
 */
#ifndef EMU_PROPERTY_H
#define EMU_PROPERTY_H

#include "emu/common.h"

typedef struct DeviceState DeviceState;
typedef struct Property Property;

typedef struct PropertyInfo {
    const char *name; /* the type as -device NAME,help shows it */
    /*
     * Store the value given as a string in field.  On a bad value, return
     * -errno and fill errp with what was expected ("expects a uint8, not
     * '256'"); the caller prefixes the device and property names.
     */
    int (*parse)(DeviceState *dev, const Property *p, void *field,
                 const char *str, Error **errp);
    /* The value as "info qtree" shows it (g_malloc'ed). */
    char *(*print)(const Property *p, const void *field);
    /* Class default at device_new(); NULL: set_uint(p->defval), or zero. */
    void (*set_default)(const Property *p, void *field);
    /* The default as -device NAME,help shows it (g_malloc'ed), or NULL. */
    char *(*print_default)(const Property *p);
    /* Free what parse/set_default allocated (device_free); optional. */
    void (*release)(const Property *p, void *field);
    /* Integer-like types only: store v (board code, defaults). */
    void (*set_uint)(void *field, uint64_t v);
} PropertyInfo;

struct Property {
    const char *name;
    const PropertyInfo *info;
    size_t offset;      /* of the field in the device's state struct */
    uint64_t defval;    /* default of integer-like types */
    const char *defstr; /* default of strings */
    const char *desc;
};

extern const PropertyInfo prop_info_bool;
extern const PropertyInfo prop_info_uint8;
extern const PropertyInfo prop_info_uint16;
extern const PropertyInfo prop_info_uint32;
extern const PropertyInfo prop_info_uint64;
extern const PropertyInfo prop_info_int32;
extern const PropertyInfo prop_info_size;   /* uint64_t, k/M/G/T suffixes */
extern const PropertyInfo prop_info_string; /* char *, owned by the device */

/* The field's C type T is checked against the state struct's member. */
#define DEFINE_PROP_(n, S, f, T, inf, d, ds, desc)                          \
    {                                                                       \
        n, inf, offsetof(S, f) + 0 * sizeof((T *)0 == &((S *)0)->f), d, ds, \
            desc                                                            \
    }
#define DEFINE_PROP(n, S, f, T, inf, d, desc) \
    DEFINE_PROP_(n, S, f, T, inf, d, NULL, desc)
#define DEFINE_PROP_BOOL(n, S, f, d, desc) \
    DEFINE_PROP(n, S, f, bool, &prop_info_bool, d, desc)
#define DEFINE_PROP_U8(n, S, f, d, desc) \
    DEFINE_PROP(n, S, f, uint8_t, &prop_info_uint8, d, desc)
#define DEFINE_PROP_U16(n, S, f, d, desc) \
    DEFINE_PROP(n, S, f, uint16_t, &prop_info_uint16, d, desc)
#define DEFINE_PROP_U32(n, S, f, d, desc) \
    DEFINE_PROP(n, S, f, uint32_t, &prop_info_uint32, d, desc)
#define DEFINE_PROP_U64(n, S, f, d, desc) \
    DEFINE_PROP(n, S, f, uint64_t, &prop_info_uint64, d, desc)
#define DEFINE_PROP_I32(n, S, f, d, desc) \
    DEFINE_PROP(n, S, f, int32_t, &prop_info_int32, d, desc)
#define DEFINE_PROP_SIZE(n, S, f, d, desc) \
    DEFINE_PROP(n, S, f, uint64_t, &prop_info_size, d, desc)
#define DEFINE_PROP_STRING(n, S, f, ds, desc) \
    DEFINE_PROP_(n, S, f, char *, &prop_info_string, 0, ds, desc)
#define DEFINE_PROP_END           \
    {                             \
        NULL, 0, 0, 0, NULL, NULL \
    }

/*
 * The field of property `name` of dev, checked to be of type info; aborts
 * (an internal error) otherwise.  For typed setters of a layer's own type.
 */
void *device_prop_field(DeviceState *dev, const char *name,
                        const PropertyInfo *info);
/* Print a property's value (g_malloc'ed), or NULL if dev has none so named. */
char *device_prop_print(DeviceState *dev, const char *name);

#endif
