/*
 * Splitting QEMU's option strings into key=value pairs (see emu/keyval.h).
 */
#include "emu/keyval.h"
#include "emu/option.h"

#include <glib.h>

static void pairs_free(GPtrArray *pairs)
{
    for (guint i = 0; i < pairs->len; i++) {
        KeyValPair *kv = g_ptr_array_index(pairs, i);
        g_free(kv->key);
        g_free(kv->value);
        g_free(kv);
    }
    g_ptr_array_free(pairs, true);
}

int keyval_split_implied(const char *str, const char *implied_key,
                         KeyValOpts *o, Error **errp)
{
    GPtrArray *pairs = g_ptr_array_new();
    const char *p = str;
    bool first = true;

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
        bool was_first = first;
        first = false;
        if (!*t) {
            g_free(t);
            continue; /* "a=1,,"... at the end, or a stray comma */
        }
        KeyValPair *kv = g_new0(KeyValPair, 1);
        char *eq = strchr(t, '=');
        if (!eq && was_first && implied_key) {
            kv->key = g_strdup(implied_key);
            kv->value = t;
        } else if (!eq) {
            error_setg(errp, "parameter '%s' has no value (expected %s=...)", t,
                       t);
            g_free(t);
            g_free(kv);
            pairs_free(pairs);
            return -1;
        } else {
            kv->key = g_strndup(t, eq - t);
            kv->value = g_strdup(eq + 1);
            g_free(t);
        }
        g_ptr_array_add(pairs, kv);
    }
    o->n = pairs->len;
    o->pairs = g_new0(KeyValPair, o->n ? o->n : 1);
    for (int i = 0; i < o->n; i++) {
        KeyValPair *kv = g_ptr_array_index(pairs, i);
        o->pairs[i] = *kv;
        g_free(kv);
    }
    g_ptr_array_free(pairs, true);
    return 0;
}

int keyval_split(const char *str, KeyValOpts *o, Error **errp)
{
    return keyval_split_implied(str, NULL, o, errp);
}

void keyval_free(KeyValOpts *o)
{
    for (int i = 0; i < o->n; i++) {
        g_free(o->pairs[i].key);
        g_free(o->pairs[i].value);
    }
    g_free(o->pairs);
    memset(o, 0, sizeof(*o));
}

const char *keyval_get(KeyValOpts *o, const char *key)
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

int keyval_get_bool(KeyValOpts *o, const char *key, bool *val, Error **errp)
{
    const char *v = keyval_get(o, key);
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

const char *keyval_unused(const KeyValOpts *o)
{
    for (int i = 0; i < o->n; i++) {
        if (!o->pairs[i].used) {
            return o->pairs[i].key;
        }
    }
    return NULL;
}

bool id_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}
