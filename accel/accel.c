/* The accelerator registry (include/emu/accel.h). */
#include "emu/common.h"

#include <glib.h>

#include "emu/accel.h"

#define MAX_ACCELS 8

static const AccelOps *accels[MAX_ACCELS];
static int nr_accels;

void accel_register(const AccelOps *ops)
{
    assert(nr_accels < MAX_ACCELS);
    accels[nr_accels++] = ops;
}

const AccelOps *accel_find(const char *name)
{
    for (int i = 0; i < nr_accels; i++) {
        if (!strcmp(accels[i]->name, name)) {
            return accels[i];
        }
    }
    return NULL;
}

const AccelOps *accel_choose(const char *name, Error **errp)
{
    const char *why = NULL;
    if (!name) {
        const AccelOps *best = NULL;
        GString *whys = g_string_new(NULL);
        for (int i = 0; i < nr_accels; i++) {
            const char *w = NULL;
            if (accels[i]->available(&w)) {
                if (!best || accels[i]->priority > best->priority) {
                    best = accels[i];
                }
            } else {
                g_string_append_printf(whys, "%s%s: %s", whys->len ? "; " : "",
                                       accels[i]->name, w);
            }
        }
        if (!best) {
            error_setg(errp, "no accelerator is usable on this host: %s",
                       whys->len ? whys->str : "none is built");
        }
        g_string_free(whys, true);
        return best;
    }
    const AccelOps *ops = accel_find(name);
    if (!ops) {
        error_setg(errp, "-accel %s: invalid accelerator (try -accel help)",
                   name);
        return NULL;
    }
    if (!ops->available(&why)) {
        error_setg(errp, "-accel %s: not usable: %s", name, why);
        return NULL;
    }
    return ops;
}

void accel_list(FILE *f)
{
    fprintf(f, "Accelerators supported in emu binary:\n");
    for (int i = 0; i < nr_accels; i++) {
        const char *why = NULL;
        bool ok = accels[i]->available(&why);
        fprintf(f, "%-6s %s%s%s%s\n", accels[i]->name, accels[i]->desc,
                ok ? "" : " (not usable here: ", ok ? "" : why, ok ? "" : ")");
    }
}
