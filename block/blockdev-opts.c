/*
 * QEMU's option strings for -drive and -blockdev: "key=value" pairs
 * separated by commas, ",," standing for a comma inside a value (so that
 * file names with commas can be given), and the value sets of cache= and
 * aio= (QEMU's docs/system/invocation, "-drive").
 */
#include "block/blockdev-int.h"
#include "emu/option.h"

int block_opts_split(const char *str, BlockOpts *o, Error **errp)
{
    GPtrArray *pairs = g_ptr_array_new();
    const char *p = str;

    memset(o, 0, sizeof(*o));
    while (*p) {
        GString *tok = g_string_new(NULL);
        /* A token ends at a single comma; ",," is one literal comma. */
        while (*p) {
            if (*p == ',') {
                if (p[1] == ',') {
                    g_string_append_c(tok, ',');
                    p += 2;
                    continue;
                }
                p++;
                break;
            }
            g_string_append_c(tok, *p++);
        }
        char *t = g_string_free(tok, false);
        if (!*t) {
            g_free(t);
            continue; /* "a=1,,"... at the end, or a stray comma */
        }
        char *eq = strchr(t, '=');
        if (!eq) {
            error_setg(errp, "parameter '%s' has no value (expected %s=...)", t,
                       t);
            g_free(t);
            for (guint i = 0; i < pairs->len; i++) {
                BlockOptPair *bp = g_ptr_array_index(pairs, i);
                g_free(bp->key);
                g_free(bp->value);
                g_free(bp);
            }
            g_ptr_array_free(pairs, true);
            return -1;
        }
        BlockOptPair *bp = g_new0(BlockOptPair, 1);
        bp->key = g_strndup(t, eq - t);
        bp->value = g_strdup(eq + 1);
        g_free(t);
        g_ptr_array_add(pairs, bp);
    }
    o->n = pairs->len;
    o->pairs = g_new0(BlockOptPair, o->n ? o->n : 1);
    for (int i = 0; i < o->n; i++) {
        BlockOptPair *bp = g_ptr_array_index(pairs, i);
        o->pairs[i] = *bp;
        g_free(bp);
    }
    g_ptr_array_free(pairs, true);
    return 0;
}

void block_opts_free(BlockOpts *o)
{
    for (int i = 0; i < o->n; i++) {
        g_free(o->pairs[i].key);
        g_free(o->pairs[i].value);
    }
    g_free(o->pairs);
    memset(o, 0, sizeof(*o));
}

const char *block_opts_get(BlockOpts *o, const char *key)
{
    const char *v = NULL;
    for (int i = 0; i < o->n; i++) {
        if (!strcmp(o->pairs[i].key, key)) {
            o->pairs[i].used = true;
            v = o->pairs[i].value;
        }
    }
    return v;
}

int block_opts_get_bool(BlockOpts *o, const char *key, bool *val, Error **errp)
{
    const char *v = block_opts_get(o, key);
    if (!v) {
        return 0;
    }
    if (!parse_on_off(v, val)) {
        error_setg(errp, "parameter '%s' expects 'on' or 'off', not '%s'", key,
                   v);
        return -1;
    }
    return 0;
}

const char *block_opts_unused(const BlockOpts *o)
{
    for (int i = 0; i < o->n; i++) {
        if (!o->pairs[i].used) {
            return o->pairs[i].key;
        }
    }
    return NULL;
}

static const char *const cache_names[] = {
    [BLOCK_CACHE_WRITEBACK] = "writeback",
    [BLOCK_CACHE_NONE] = "none",
    [BLOCK_CACHE_WRITETHROUGH] = "writethrough",
    [BLOCK_CACHE_DIRECTSYNC] = "directsync",
    [BLOCK_CACHE_UNSAFE] = "unsafe",
};

int block_parse_cache(const char *s, BlockCacheMode *mode, Error **errp)
{
    for (size_t i = 0; i < ARRAY_SIZE(cache_names); i++) {
        if (!strcmp(s, cache_names[i])) {
            *mode = i;
            return 0;
        }
    }
    error_setg(errp,
               "invalid cache mode '%s' (writeback, none, writethrough, "
               "directsync or unsafe)",
               s);
    return -1;
}

const char *block_cache_name(BlockCacheMode mode)
{
    return (size_t)mode < ARRAY_SIZE(cache_names) ? cache_names[mode] : "?";
}

int block_parse_aio(const char *s, BlockAioMode *mode, Error **errp)
{
    if (!strcmp(s, "threads")) {
        *mode = BLOCK_AIO_THREADS;
    } else if (!strcmp(s, "io_uring")) {
        *mode = BLOCK_AIO_IO_URING;
    } else if (!strcmp(s, "native")) {
        /* Linux AIO (libaio): emu has a thread pool and io_uring. */
        error_setg(errp, "aio=native (Linux AIO) is not supported; use "
                         "aio=threads or aio=io_uring");
        return -1;
    } else {
        error_setg(errp, "invalid aio mode '%s' (threads or io_uring)", s);
        return -1;
    }
    return 0;
}
