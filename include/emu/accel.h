/*
 * The accelerator interface: whatever runs guest instructions (the
 * translator, KVM) implements one AccelOps table.  The machine and devices
 * never know which one runs.
 *
 * Thread model: accel init, vcpu_init and the state calls run under the
 * global lock.  vcpu_exec runs in the vCPU thread without the lock, and
 * takes it (bql_lock) around every I/O or MMIO dispatch.  It returns when
 * the guest halts, when the vCPU was kicked (stop_request, reset_request or
 * a new event), or when the guest can't go on.
 */
#ifndef EMU_ACCEL_H
#define EMU_ACCEL_H

#include "emu/common.h"
#include "emu/cpu.h"

typedef enum AccelExit {
    ACCEL_EXIT_KICKED,   /* left guest mode on request; call again */
    ACCEL_EXIT_HALTED,   /* HLT: wait for INTR; env.eflags IF is current */
    ACCEL_EXIT_SHUTDOWN, /* triple fault or unrecoverable: reset requested */
    ACCEL_EXIT_ERROR,    /* internal error; the machine stops */
} AccelExit;

/*
 * What an accelerator can run (AccelOps.caps).  The machine checks the CPU
 * model against these; nothing tests an accelerator by its name.
 */
#define ACCEL_CAP_LONG_MODE (1u << 0) /* 64-bit guests (CPUID LM) */
#define ACCEL_CAP_HOST_CPU  (1u << 1) /* -cpu host: the host's own CPUID */
/* Runs no guest code: CLOCK_VIRTUAL is the test's (clock_enable_test_mode
 * before anything arms a timer), as under QEMU's -accel qtest.  (qtest) */
#define ACCEL_CAP_TEST_CLOCK (1u << 2)
/*
 * Runs 64-bit guests, but without -cpu the machine picks its 32-bit
 * fallback model: the translator, whose 32-bit frontend build is the
 * faster and better proven one for 32-bit guests (docs/devel/
 * translator.md, "One frontend, two widths").  -cpu qemu64 or max asks
 * for long mode.
 */
#define ACCEL_CAP_LONG_MODE_OPT (1u << 3)

struct AccelOps {
    const char *name;
    const char *desc;
    const char *noun; /* in messages: "the translator", "KVM" */
    uint32_t caps;    /* ACCEL_CAP_* */
    /* Without -accel, the usable accelerator of highest priority runs. */
    int priority;
    /* Usable on this host?  If not, *why says why (static string). */
    bool (*available)(const char **why);
    int (*init)(Machine *m, Error **errp);
    int (*vcpu_init)(CPUState *cpu, Error **errp);
    AccelExit (*vcpu_exec)(CPUState *cpu);
    /* From any thread: make vcpu_exec return soon. */
    void (*vcpu_kick)(CPUState *cpu);
    /* Copy registers accelerator -> cpu->env / cpu->env -> accelerator. */
    void (*get_state)(CPUState *cpu);
    void (*put_state)(CPUState *cpu);
    void (*vcpu_destroy)(CPUState *cpu);
    /* cpu->debug changed (emu/cpu-debug.h; machine stopped, BQL held):
     * arm it.  0, or -errno (-ENOSPC: more than the hardware has).  NULL:
     * the accelerator cannot debug (added for the gdbstub). */
    int (*update_guest_debug)(CPUState *cpu);
    void (*teardown)(Machine *m);
};

void accel_register(const AccelOps *ops);
#define ACCEL_REGISTER(ops)                                       \
    static void __attribute__((constructor)) register_##ops(void) \
    {                                                             \
        accel_register(&(ops));                                   \
    }
const AccelOps *accel_find(const char *name);
/*
 * -accel NAME, or without a name the usable one of highest priority; NULL
 * with *errp set if there is no such accelerator or it is not usable.
 */
const AccelOps *accel_choose(const char *name, Error **errp);
/* "-accel help": each accelerator, and whether it is usable here. */
void accel_list(FILE *f);

#endif
