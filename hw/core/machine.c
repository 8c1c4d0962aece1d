/*
 * The machine core (include/emu/machine.h): what every board needs done
 * around it.  The CPU model is checked against the accelerator's declared
 * capabilities here, so a model the accelerator cannot run is refused with
 * a reason instead of starting a guest that triple-faults.
 */
#include "emu/common.h"

#include <glib.h>

#include "emu/accel.h"
#include "emu/cpu.h"
#include "emu/device.h"
#include "emu/machine.h"
#include "target-i386/cpuid.h"

#define MAX_MACHINE_CLASSES 8

Machine *current_machine;
static const MachineClass *machine_classes[MAX_MACHINE_CLASSES];
static int nr_machine_classes;

void machine_class_register(const MachineClass *mc)
{
    assert(nr_machine_classes < MAX_MACHINE_CLASSES);
    machine_classes[nr_machine_classes++] = mc;
}

const MachineClass *machine_class_find(const char *name)
{
    for (int i = 0; i < nr_machine_classes; i++) {
        if (!strcmp(machine_classes[i]->name, name)) {
            return machine_classes[i];
        }
    }
    return NULL;
}

/* What a CPU model needs, as a message says it is missing. */
static const struct {
    uint32_t cap;
    const char *missing; /* "%s" the accelerator's noun */
    const char *hint;
} cap_messages[] = {
    {ACCEL_CAP_HOST_CPU,
     "the host CPU's own CPUID needs hardware "
     "virtualization; %s cannot run it",
     ""},
    {ACCEL_CAP_LONG_MODE, "long mode (64-bit) is not yet supported by %s",
     " or another 32-bit model"},
};

/* The capability a model needs that accel lacks, or 0. */
static uint32_t cpu_model_missing_cap(const char *model, const CPUX86State *env,
                                      const AccelOps *accel)
{
    if (x86_cpu_model_is_host(model) && !(accel->caps & ACCEL_CAP_HOST_CPU)) {
        return ACCEL_CAP_HOST_CPU;
    }
    if ((env->cpuid_ext2_features & CPUID_EXT2_LM) &&
        !(accel->caps & (ACCEL_CAP_LONG_MODE | ACCEL_CAP_LONG_MODE_OPT))) {
        return ACCEL_CAP_LONG_MODE;
    }
    return 0;
}

const char *machine_cpu_model(Machine *m, Error **errp)
{
    const MachineClass *mc = m->mc;
    const char *model = m->opts.cpu_model;
    CPUX86State env;

    if (!model) {
        /* The class default, or its fallback if the accelerator cannot
         * run the default (no message: the user asked for nothing). */
        model = mc->default_cpu;
        memset(&env, 0, sizeof(env));
        if (x86_cpu_model_init(&env, model, errp) < 0) {
            return NULL;
        }
        if (cpu_model_missing_cap(model, &env, m->accel) ||
            ((env.cpuid_ext2_features & CPUID_EXT2_LM) &&
             !(m->accel->caps & ACCEL_CAP_LONG_MODE))) {
            model = mc->default_cpu_fallback;
        }
        return model;
    }
    memset(&env, 0, sizeof(env));
    if (x86_cpu_model_init(&env, model, errp) < 0) {
        return NULL;
    }
    uint32_t cap = cpu_model_missing_cap(model, &env, m->accel);
    for (size_t i = 0; cap && i < ARRAY_SIZE(cap_messages); i++) {
        if (cap_messages[i].cap == cap) {
            char *why =
                g_strdup_printf(cap_messages[i].missing, m->accel->noun);
            error_setg(errp, "-cpu %s: %s (-accel %s); use -cpu %s%s", model,
                       why, m->accel->name, mc->default_cpu_fallback,
                       cap_messages[i].hint);
            g_free(why);
            return NULL;
        }
    }
    assert(!cap);
    return model;
}

static int machine_create_cpus(Machine *m, Error **errp)
{
    const char *model = machine_cpu_model(m, errp);
    int n = m->opts.smp > 0 ? m->opts.smp : 1;

    if (!model) {
        return -1;
    }
    if (n > m->mc->max_cpus || n > (int)ARRAY_SIZE(m->cpus)) {
        error_setg(errp, "-smp %d: the %s machine supports at most %d CPUs", n,
                   m->mc->name, m->mc->max_cpus);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        CPUState *cpu = calloc(1, sizeof(*cpu));
        if (!cpu) {
            fatal("out of memory");
        }
        cpu->index = i;
        cpu->machine = m;
        cpu->accel = m->accel;
        cpu->cpu_model_explicit = m->opts.cpu_model != NULL;
        if (x86_cpu_model_init(&cpu->env, model, errp) < 0) {
            free(cpu);
            return -1;
        }
        if (m->opts.smp_cores > 0) {
            cpu->env.cpuid_cores = m->opts.smp_cores;
        }
        if (m->opts.smp_threads > 0) {
            cpu->env.cpuid_threads = m->opts.smp_threads;
        }
        m->cpus[i] = cpu;
        m->nr_cpus = i + 1;
    }
    first_cpu = m->cpus[0];
    return 0;
}

int machine_check_options(const MachineClass *mc, const MachineOptions *opts,
                          Error **errp)
{
    return mc->check_options ? mc->check_options(opts, errp) : 0;
}

int machine_init(Machine *m, Error **errp)
{
    if (machine_create_cpus(m, errp) < 0) {
        return -1;
    }
    if (m->mc->init(m, errp) < 0) {
        return -1;
    }
    /* After the board: KVM's memory listener sees the whole map at once. */
    if (m->accel->init(m, errp) < 0) {
        return -1;
    }
    for (int i = 0; i < m->nr_cpus; i++) {
        if (m->accel->vcpu_init(m->cpus[i], errp) < 0) {
            return -1;
        }
    }
    return 0;
}

int machine_add_devices(Machine *m, const char *const *opts, int n,
                        Error **errp)
{
    (void)m;
    for (int i = 0; i < n; i++) {
        if (!device_add_opts(opts[i], errp)) {
            return -1;
        }
    }
    return 0;
}

void machine_reset(Machine *m)
{
    m->mc->reset(m);
}

Machine *machine_create(const MachineClass *mc, const MachineOptions *opts,
                        const AccelOps *accel, const char *const *devices,
                        int nr_devices, Error **errp)
{
    Machine *m = calloc(1, sizeof(*m));
    if (!m) {
        fatal("out of memory");
    }
    m->mc = mc;
    m->opts = *opts;
    m->accel = accel;
    current_machine = m;
    if (machine_init(m, errp) < 0 ||
        machine_add_devices(m, devices, nr_devices, errp) < 0) {
        return NULL;
    }
    machine_reset(m);
    return m;
}
