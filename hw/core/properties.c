/*
 * The basic property types (include/emu/property.h): bool, unsigned
 * integers, int32, size and string.  Integers accept C notation (0x, 0
 * prefixes), as QEMU's do; sizes also take k/M/G/T suffixes.
 */
#include "emu/common.h"

#include <glib.h>

#include "emu/property.h"

/* ---- Unsigned integers -------------------------------------------------- */

static int parse_uint(const char *s, uint64_t *v, bool size_suffix)
{
    char *end;
    if (!*s || *s == '-' || *s == ' ') {
        return -EINVAL;
    }
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || end == s) {
        return -EINVAL;
    }
    if (size_suffix && *end) {
        static const char suffixes[] = "kmgt";
        const char *k = strchr(suffixes, g_ascii_tolower(*end));
        if (!k || end[1]) {
            return -EINVAL;
        }
        int shift = 10 * (int)(k - suffixes + 1);
        if ((x << shift) >> shift != x) {
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

static uint64_t uint_max(const PropertyInfo *info)
{
    if (info == &prop_info_uint8) {
        return UINT8_MAX;
    } else if (info == &prop_info_uint16) {
        return UINT16_MAX;
    } else if (info == &prop_info_uint32) {
        return UINT32_MAX;
    }
    return UINT64_MAX;
}

static int uint_parse(DeviceState *dev, const Property *p, void *field,
                      const char *str, Error **errp)
{
    uint64_t v;
    if (parse_uint(str, &v, p->info == &prop_info_size) < 0 ||
        v > uint_max(p->info)) {
        error_setg(errp, "expects a %s, not '%s'", p->info->name, str);
        return -EINVAL;
    }
    p->info->set_uint(field, v);
    return 0;
}

static char *uint_print_default(const Property *p)
{
    return g_strdup_printf("0x%" PRIx64, p->defval);
}

static void u8_set(void *field, uint64_t v)
{
    *(uint8_t *)field = v;
}
static void u16_set(void *field, uint64_t v)
{
    *(uint16_t *)field = v;
}
static void u32_set(void *field, uint64_t v)
{
    *(uint32_t *)field = v;
}
static void u64_set(void *field, uint64_t v)
{
    *(uint64_t *)field = v;
}

static char *u8_print(const Property *p, const void *field)
{
    return g_strdup_printf("0x%x", *(const uint8_t *)field);
}
static char *u16_print(const Property *p, const void *field)
{
    return g_strdup_printf("0x%x", *(const uint16_t *)field);
}
static char *u32_print(const Property *p, const void *field)
{
    return g_strdup_printf("0x%x", *(const uint32_t *)field);
}
static char *u64_print(const Property *p, const void *field)
{
    return g_strdup_printf("0x%" PRIx64, *(const uint64_t *)field);
}

const PropertyInfo prop_info_uint8 = {
    .name = "uint8",
    .parse = uint_parse,
    .print = u8_print,
    .print_default = uint_print_default,
    .set_uint = u8_set,
};
const PropertyInfo prop_info_uint16 = {
    .name = "uint16",
    .parse = uint_parse,
    .print = u16_print,
    .print_default = uint_print_default,
    .set_uint = u16_set,
};
const PropertyInfo prop_info_uint32 = {
    .name = "uint32",
    .parse = uint_parse,
    .print = u32_print,
    .print_default = uint_print_default,
    .set_uint = u32_set,
};
const PropertyInfo prop_info_uint64 = {
    .name = "uint64",
    .parse = uint_parse,
    .print = u64_print,
    .print_default = uint_print_default,
    .set_uint = u64_set,
};
const PropertyInfo prop_info_size = {
    .name = "size",
    .parse = uint_parse,
    .print = u64_print,
    .print_default = uint_print_default,
    .set_uint = u64_set,
};

/* ---- int32 -------------------------------------------------------------- */

static int i32_parse(DeviceState *dev, const Property *p, void *field,
                     const char *str, Error **errp)
{
    char *end;
    errno = 0;
    long v = strtol(str, &end, 0);
    if (errno || !*str || *end || v < INT32_MIN || v > INT32_MAX) {
        error_setg(errp, "expects an integer, not '%s'", str);
        return -EINVAL;
    }
    *(int32_t *)field = (int32_t)v;
    return 0;
}

static char *i32_print(const Property *p, const void *field)
{
    return g_strdup_printf("%d", *(const int32_t *)field);
}

/* Negative defaults mean "chosen at realize" (from another property). */
static char *i32_print_default(const Property *p)
{
    int32_t d = (int32_t)p->defval;
    return d >= 0 ? g_strdup_printf("%d", d) : NULL;
}

static void i32_set(void *field, uint64_t v)
{
    *(int32_t *)field = (int32_t)v;
}

const PropertyInfo prop_info_int32 = {
    .name = "int32",
    .parse = i32_parse,
    .print = i32_print,
    .print_default = i32_print_default,
    .set_uint = i32_set,
};

/* ---- bool --------------------------------------------------------------- */

static int bool_parse(DeviceState *dev, const Property *p, void *field,
                      const char *str, Error **errp)
{
    static const char *const on[] = {"on", "true", "yes", "1"};
    static const char *const off[] = {"off", "false", "no", "0"};
    for (size_t i = 0; i < ARRAY_SIZE(on); i++) {
        if (!strcmp(str, on[i]) || !strcmp(str, off[i])) {
            *(bool *)field = !strcmp(str, on[i]);
            return 0;
        }
    }
    error_setg(errp, "expects on/off, not '%s'", str);
    return -EINVAL;
}

static char *bool_print(const Property *p, const void *field)
{
    return g_strdup(*(const bool *)field ? "true" : "false");
}

static char *bool_print_default(const Property *p)
{
    return g_strdup(p->defval ? "on" : "off");
}

static void bool_set(void *field, uint64_t v)
{
    *(bool *)field = v != 0;
}

const PropertyInfo prop_info_bool = {
    .name = "bool",
    .parse = bool_parse,
    .print = bool_print,
    .print_default = bool_print_default,
    .set_uint = bool_set,
};

/* ---- string ------------------------------------------------------------- */

static int str_parse(DeviceState *dev, const Property *p, void *field,
                     const char *str, Error **errp)
{
    char **s = field;
    g_free(*s);
    *s = g_strdup(str);
    return 0;
}

static char *str_print(const Property *p, const void *field)
{
    const char *s = *(char *const *)field;
    return g_strdup_printf("\"%s\"", s ? s : "");
}

static void str_set_default(const Property *p, void *field)
{
    *(char **)field = g_strdup(p->defstr);
}

static char *str_print_default(const Property *p)
{
    return p->defstr ? g_strdup_printf("\"%s\"", p->defstr) : NULL;
}

static void str_release(const Property *p, void *field)
{
    char **s = field;
    g_free(*s);
    *s = NULL;
}

const PropertyInfo prop_info_string = {
    .name = "str",
    .parse = str_parse,
    .print = str_print,
    .set_default = str_set_default,
    .print_default = str_print_default,
    .release = str_release,
};
