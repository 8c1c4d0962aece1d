/*
 * create's -o options (also convert's): qemu-img's names, checked against
 * what the format takes, into a BlockCreateOptions.  Values the block
 * layer cannot honour (encryption, external data files, extended L2) are
 * refused by name rather than ignored.
 */
#include <glib.h>
#include "emu-img.h"
#include "emu/option.h"

typedef struct OptDesc {
    const char *name;
    const char *type;
    const char *help;
    bool qcow2_only;
} OptDesc;

static const OptDesc opt_descs[] = {
    {"backing_file", "str", "File name of a base image", true},
    {"backing_fmt", "str", "Image format of the base image", true},
    {"cluster_size", "size", "qcow2 cluster size", true},
    {"compat", "str", "Compatibility level (v2 [0.10] or v3 [1.1])", true},
    {"compression_type", "str",
     "Compression method used for image cluster compression (zlib)", true},
    {"extended_l2", "bool (on/off)", "Extended L2 tables (off only)", true},
    {"lazy_refcounts", "bool (on/off)", "Postpone refcount updates", true},
    {"preallocation", "str", "Preallocation mode (off only)", false},
    {"refcount_bits", "num", "Width of a reference count entry in bits", true},
    {"size", "size", "Virtual disk size", false},
};

/* qemu-img's options that emu-img knows but the block layer cannot do. */
static const char *const unsupported[] = {
    "data_file",           "data_file_raw",          "encryption",
    "encrypt.format",      "encrypt.key-secret",     "encrypt.cipher-alg",
    "encrypt.cipher-mode", "encrypt.hash-alg",       "encrypt.iter-time",
    "encrypt.ivgen-alg",   "encrypt.ivgen-hash-alg",
};

void img_print_create_help(const char *fmt)
{
    bool qcow2 = !strcmp(fmt, "qcow2");

    printf("Supported %s options:\n", fmt);
    for (size_t i = 0; i < ARRAY_SIZE(opt_descs); i++) {
        const OptDesc *d = &opt_descs[i];
        char *lhs;

        if (d->qcow2_only && !qcow2) {
            continue;
        }
        lhs = g_strdup_printf("%s=<%s>", d->name, d->type);
        printf("  %-22s - %s\n", lhs, d->help);
        g_free(lhs);
    }
}

static int bad(const char *fmt, const char *msg, const char *key,
               const char *value)
{
    error_report("%s: %s '%s'%s%s", fmt, msg, key, value ? ": " : "",
                 value ? value : "");
    return 1;
}

static bool parse_bool(const char *v, bool *out)
{
    /* A bare "-o lazy_refcounts" means on, as in qemu-img. */
    if (!v) {
        *out = true;
        return true;
    }
    return parse_on_off(v, out);
}

int img_create_options(const char *fmt, ImgOpt *opts, int n,
                       BlockCreateOptions *co, bool *size_given)
{
    bool qcow2 = !strcmp(fmt, "qcow2");

    for (int i = 0; i < n; i++) {
        const char *k = opts[i].key, *v = opts[i].value;
        const OptDesc *d = NULL;
        uint64_t num;
        bool b;

        if (!strcmp(k, "help") || !strcmp(k, "?")) {
            img_print_create_help(fmt);
            return 2;
        }
        for (size_t u = 0; u < ARRAY_SIZE(unsupported); u++) {
            if (!strcmp(k, unsupported[u])) {
                error_report("%s: option '%s' is not supported by emu-img "
                             "(the block layer has no encryption or "
                             "external data files)",
                             fmt, k);
                return 1;
            }
        }
        for (size_t j = 0; j < ARRAY_SIZE(opt_descs); j++) {
            if (!strcmp(k, opt_descs[j].name) &&
                (qcow2 || !opt_descs[j].qcow2_only)) {
                d = &opt_descs[j];
            }
        }
        if (!d) {
            return bad(fmt, "Invalid parameter", k, NULL);
        }
        if (!v && strcmp(d->type, "bool (on/off)")) {
            return bad(fmt, "Parameter needs a value:", k, NULL);
        }
        if (!strcmp(k, "size")) {
            if (!img_parse_size(v, &num)) {
                return bad(fmt, "Invalid size for", k, v);
            }
            co->size = num;
            *size_given = true;
        } else if (!strcmp(k, "backing_file")) {
            co->backing_file = v;
        } else if (!strcmp(k, "backing_fmt")) {
            co->backing_format = v;
        } else if (!strcmp(k, "cluster_size")) {
            if (!img_parse_size(v, &num) || num > UINT32_MAX) {
                return bad(fmt, "Invalid size for", k, v);
            }
            co->cluster_size = (uint32_t)num;
        } else if (!strcmp(k, "compat")) {
            if (strcmp(v, "0.10") && strcmp(v, "v2") && strcmp(v, "1.1") &&
                strcmp(v, "v3")) {
                return bad(fmt,
                           "Invalid compatibility level (0.10, v2, 1.1 "
                           "or v3) for",
                           k, v);
            }
            co->compat = v;
        } else if (!strcmp(k, "compression_type")) {
            if (strcmp(v, "zlib")) {
                return bad(fmt, "Only zlib compression is supported:", k, v);
            }
        } else if (!strcmp(k, "extended_l2")) {
            if (!parse_bool(v, &b)) {
                return bad(fmt, "Invalid value (on or off) for", k, v);
            }
            if (b) {
                error_report("%s: extended_l2=on is not supported by "
                             "emu-img",
                             fmt);
                return 1;
            }
        } else if (!strcmp(k, "lazy_refcounts")) {
            if (!parse_bool(v, &b)) {
                return bad(fmt, "Invalid value (on or off) for", k, v);
            }
            co->lazy_refcounts = b;
        } else if (!strcmp(k, "preallocation")) {
            co->preallocation = v;
        } else if (!strcmp(k, "refcount_bits")) {
            char *end;
            unsigned long r = strtoul(v, &end, 10);
            if (*end || !*v || r == 0 || r > 64 || (r & (r - 1))) {
                return bad(fmt,
                           "Refcount width must be a power of two and "
                           "may not exceed 64 bits:",
                           k, v);
            }
            co->refcount_bits = (int)r;
        }
    }
    return 0;
}
