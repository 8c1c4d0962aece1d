/*
 * QEMU's "key=value,key=value" option strings, as -drive, -blockdev,
 * -netdev, -net, -nic and -object take them: pairs separated by commas,
 * ",," standing for a comma inside a value (file=a,,b.img).  Each caller
 * words its own messages about the values; this file only splits.
 */
#ifndef EMU_KEYVAL_H
#define EMU_KEYVAL_H

#include "emu/common.h"

typedef struct KeyValPair {
    char *key;
    char *value;
    bool used; /* asked for by the parser: left-overs are unknown keys */
} KeyValPair;

typedef struct KeyValOpts {
    KeyValPair *pairs;
    int n;
} KeyValOpts;

/* 0, or -1 with errp filled ("parameter 'x' has no value"). */
int keyval_split(const char *str, KeyValOpts *o, Error **errp);
/* The same, but a first token without '=' is the value of implied_key
 * ("user,id=n0" with implied_key "type" gives type=user, id=n0). */
int keyval_split_implied(const char *str, const char *implied_key,
                         KeyValOpts *o, Error **errp);
void keyval_free(KeyValOpts *o);
/* The value of key (marking it used), or NULL.  A key given twice: the
 * last one counts, as in QEMU. */
const char *keyval_get(KeyValOpts *o, const char *key);
/* on/off (also yes/no, true/false).  0 when absent (*val untouched) or
 * parsed; -1 with errp for another value. */
int keyval_get_bool(KeyValOpts *o, const char *key, bool *val, Error **errp);
/* The first key nobody asked for, or NULL. */
const char *keyval_unused(const KeyValOpts *o);
/* QEMU's rule for ids (id=, -netdev, -drive): a letter, then letters,
 * digits, '-', '.', '_'. */
bool id_wellformed(const char *id);

#endif
