/*
 * The translator accelerator ("tcg").  The dynamic binary translator is the
 * next milestone (see DESIGN.md, "TCG"); until it lands, "-accel tcg" is
 * listed but refuses to start, with a message that says so.
 */
#include "emu/common.h"
#include "emu/accel.h"

static bool tcg_available(const char **why)
{
    *why = "the translator is not implemented yet";
    return false;
}

static int tcg_init(Machine *m, Error **errp)
{
    (void)m;
    error_setg(errp, "-accel tcg: the translator is not implemented yet; "
               "use -accel kvm");
    return -ENOSYS;
}

static const AccelOps tcg_accel_ops = {
    .name = "tcg",
    .desc = "dynamic binary translator (x86 -> x86-64)",
    .available = tcg_available,
    .init = tcg_init,
};
ACCEL_REGISTER(tcg_accel_ops);
