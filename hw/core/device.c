/*
 * Device model base (include/emu/device.h): the class registry, typed
 * properties parsed from strings, realize/reset, and the state dump.
 */
#include "emu/common.h"
#include "emu/chardev.h"
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

static const char *prop_type_name(PropertyType t)
{
    static const char *const names[] = {
        [PROP_BOOL] = "bool",       [PROP_U8] = "uint8",
        [PROP_U16] = "uint16",      [PROP_U32] = "uint32",
        [PROP_U64] = "uint64",      [PROP_I32] = "int32",
        [PROP_SIZE] = "size",       [PROP_STRING] = "str",
        [PROP_CHARDEV] = "chardev", [PROP_PCI_DEVFN] = "pci-devfn",
    };
    return names[t];
}

void device_class_print_props(FILE *f, const DeviceClass *dc)
{
    fprintf(f, "%s options:\n", dc->name);
    if (!dc->props || !dc->props[0].name) {
        fprintf(f, "  (no properties)\n");
        return;
    }
    for (const Property *p = dc->props; p->name; p++) {
        char def[64] = "";
        switch (p->type) {
        case PROP_STRING:
            if (p->defstr) {
                snprintf(def, sizeof(def), " (default \"%s\")", p->defstr);
            }
            break;
        case PROP_CHARDEV:
            break;
        case PROP_BOOL:
            snprintf(def, sizeof(def), " (default %s)",
                     p->defval ? "on" : "off");
            break;
        case PROP_I32:
        case PROP_PCI_DEVFN:
            if ((int32_t)p->defval >= 0) {
                snprintf(def, sizeof(def), " (default %d)", (int32_t)p->defval);
            }
            break;
        default:
            snprintf(def, sizeof(def), " (default 0x%" PRIx64 ")", p->defval);
            break;
        }
        fprintf(f, "  %s=<%s>%s%s%s\n", p->name, prop_type_name(p->type),
                p->desc ? " - " : "", p->desc ? p->desc : "", def);
    }
}

static const Property *prop_find(const DeviceClass *dc, const char *name)
{
    if (!dc->props) {
        return NULL;
    }
    for (const Property *p = dc->props; p->name; p++) {
        if (!strcmp(p->name, name)) {
            return p;
        }
    }
    return NULL;
}

static void prop_store_uint(DeviceState *dev, const Property *p, uint64_t v)
{
    void *field = (char *)dev + p->offset;
    switch (p->type) {
    case PROP_BOOL:
        *(bool *)field = v != 0;
        break;
    case PROP_U8:
        *(uint8_t *)field = v;
        break;
    case PROP_U16:
        *(uint16_t *)field = v;
        break;
    case PROP_U32:
        *(uint32_t *)field = v;
        break;
    case PROP_I32:
    case PROP_PCI_DEVFN:
        *(int32_t *)field = (int32_t)v;
        break;
    case PROP_U64:
    case PROP_SIZE:
        *(uint64_t *)field = v;
        break;
    default:
        abort();
    }
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
            if (p->type == PROP_STRING) {
                *(char **)((char *)dev + p->offset) =
                    p->defstr ? strdup(p->defstr) : NULL;
            } else if (p->type != PROP_CHARDEV) {
                prop_store_uint(dev, p, p->defval);
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
            if (p->type == PROP_STRING) {
                free(*(char **)((char *)dev + p->offset));
            }
        }
    }
    free(dev->id);
    free(dev);
}

static int parse_uint(const char *s, uint64_t *v, bool size_suffix)
{
    char *end;
    if (!*s || *s == '-') {
        return -EINVAL;
    }
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno) {
        return -EINVAL;
    }
    if (size_suffix && *end) {
        int shift = 0;
        switch (*end) {
        case 'k':
        case 'K':
            shift = 10;
            break;
        case 'm':
        case 'M':
            shift = 20;
            break;
        case 'g':
        case 'G':
            shift = 30;
            break;
        case 't':
        case 'T':
            shift = 40;
            break;
        default:
            return -EINVAL;
        }
        if (end[1] || (x << shift) >> shift != x) {
            return -EINVAL;
        }
        x <<= shift;
        end++;
    }
    if (*end) {
        return -EINVAL;
    }
    *v = x;
    return 0;
}

static int parse_bool(const char *s, bool *b)
{
    if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "yes") ||
        !strcmp(s, "1")) {
        *b = true;
    } else if (!strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "no") ||
               !strcmp(s, "0")) {
        *b = false;
    } else {
        return -EINVAL;
    }
    return 0;
}

static int parse_devfn(const char *s, int32_t *devfn)
{
    char *end;
    errno = 0;
    unsigned long slot = strtoul(s, &end, 16), fn = 0;
    if (errno || end == s || slot > 31) {
        return -EINVAL;
    }
    if (*end == '.') {
        const char *f = end + 1;
        fn = strtoul(f, &end, 16);
        if (end == f || fn > 7) {
            return -EINVAL;
        }
    }
    if (*end) {
        return -EINVAL;
    }
    *devfn = (int32_t)((slot << 3) | fn);
    return 0;
}

int device_set_prop(DeviceState *dev, const char *name, const char *value,
                    Error **errp)
{
    const DeviceClass *dc = dev->cls;
    const Property *p = prop_find(dc, name);
    void *field;

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
    field = (char *)dev + p->offset;
    switch (p->type) {
    case PROP_BOOL: {
        bool b;
        if (parse_bool(value, &b) < 0) {
            error_setg(errp, "%s: property '%s' expects on/off, not '%s'",
                       dc->name, name, value);
            return -EINVAL;
        }
        *(bool *)field = b;
        return 0;
    }
    case PROP_U8:
    case PROP_U16:
    case PROP_U32:
    case PROP_U64:
    case PROP_SIZE: {
        static const uint64_t max[] = {
            [PROP_U8] = 0xff,         [PROP_U16] = 0xffff,
            [PROP_U32] = 0xffffffff,  [PROP_U64] = UINT64_MAX,
            [PROP_SIZE] = UINT64_MAX,
        };
        uint64_t v;
        if (parse_uint(value, &v, p->type == PROP_SIZE) < 0 ||
            v > max[p->type]) {
            error_setg(errp, "%s: property '%s' expects a %s, not '%s'",
                       dc->name, name, prop_type_name(p->type), value);
            return -EINVAL;
        }
        prop_store_uint(dev, p, v);
        return 0;
    }
    case PROP_I32: {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 0);
        if (errno || !*value || *end || v < INT32_MIN || v > INT32_MAX) {
            error_setg(errp, "%s: property '%s' expects an integer, not '%s'",
                       dc->name, name, value);
            return -EINVAL;
        }
        *(int32_t *)field = (int32_t)v;
        return 0;
    }
    case PROP_PCI_DEVFN:
        if (parse_devfn(value, (int32_t *)field) < 0) {
            error_setg(errp,
                       "%s: property '%s' expects slot[.function] in "
                       "hex (e.g. 03.0), not '%s'",
                       dc->name, name, value);
            return -EINVAL;
        }
        return 0;
    case PROP_STRING:
        free(*(char **)field);
        *(char **)field = strdup(value);
        return 0;
    case PROP_CHARDEV: {
        Chardev *chr = chardev_find(value);
        if (!chr) {
            error_setg(errp, "%s: property '%s': chardev '%s' not found",
                       dc->name, name, value);
            return -ENOENT;
        }
        *(Chardev **)field = chr;
        return 0;
    }
    }
    abort();
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

static const Property *prop_must_find(DeviceState *dev, const char *name)
{
    const Property *p = prop_find(dev->cls, name);
    if (!p) {
        fatal("internal error: %s has no property '%s'", dev->cls->name, name);
    }
    return p;
}

void device_prop_set_uint(DeviceState *dev, const char *name, uint64_t v)
{
    const Property *p = prop_must_find(dev, name);
    assert(p->type != PROP_STRING && p->type != PROP_CHARDEV);
    prop_store_uint(dev, p, v);
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
    const Property *p = prop_must_find(dev, name);
    assert(p->type == PROP_STRING);
    char **field = (char **)((char *)dev + p->offset);
    free(*field);
    *field = v ? strdup(v) : NULL;
}

void device_prop_set_chardev(DeviceState *dev, const char *name, Chardev *c)
{
    const Property *p = prop_must_find(dev, name);
    assert(p->type == PROP_CHARDEV);
    *(Chardev **)((char *)dev + p->offset) = c;
}

int device_realize(DeviceState *dev, void *bus, Error **errp)
{
    assert(!dev->realized);
    dev->bus = bus;
    if (dev->cls->realize) {
        int ret = dev->cls->realize(dev, errp);
        if (ret < 0) {
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

void device_dump(FILE *f, DeviceState *dev)
{
    const DeviceClass *dc = dev->cls;
    fprintf(f, "dev: %s, id \"%s\"\n", dc->name, dev->id ? dev->id : "");
    if (dc->props) {
        for (const Property *p = dc->props; p->name; p++) {
            const void *field = (const char *)dev + p->offset;
            fprintf(f, "  %s = ", p->name);
            switch (p->type) {
            case PROP_BOOL:
                fprintf(f, "%s\n", *(const bool *)field ? "true" : "false");
                break;
            case PROP_U8:
                fprintf(f, "0x%x\n", *(const uint8_t *)field);
                break;
            case PROP_U16:
                fprintf(f, "0x%x\n", *(const uint16_t *)field);
                break;
            case PROP_U32:
                fprintf(f, "0x%x\n", *(const uint32_t *)field);
                break;
            case PROP_I32:
            case PROP_PCI_DEVFN:
                fprintf(f, "%d\n", *(const int32_t *)field);
                break;
            case PROP_U64:
            case PROP_SIZE:
                fprintf(f, "0x%" PRIx64 "\n", *(const uint64_t *)field);
                break;
            case PROP_STRING: {
                const char *s = *(char *const *)field;
                fprintf(f, "\"%s\"\n", s ? s : "");
                break;
            }
            case PROP_CHARDEV: {
                const Chardev *c = *(Chardev *const *)field;
                fprintf(f, "\"%s\"\n", c ? chr_label(c) : "");
                break;
            }
            }
        }
    }
    if (dc->vmsd) {
        vmstate_dump(f, dc->vmsd, dev, 2);
    }
}
