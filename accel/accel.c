/* The accelerator registry (include/emu/accel.h). */
#include "emu/common.h"
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
