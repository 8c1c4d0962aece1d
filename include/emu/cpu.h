/*
 * A vCPU: the generic part (thread, run state, interrupt lines) around the
 * x86 architectural state.  The accelerator owns how the guest runs; this
 * struct is what the rest of emu may look at.
 */
#ifndef EMU_CPU_H
#define EMU_CPU_H

#include "emu/common.h"
#include "emu/cpu-debug.h"
#include "target-i386/cpu.h"

#include <pthread.h>

typedef struct AccelOps AccelOps;
typedef struct Machine Machine;
/* The guest CPU's architectural state, as accelerators name it. */
typedef CPUX86State CPUArchState;

typedef struct CPUState {
    int index;
    Machine *machine;
    const AccelOps *accel;
    void *accel_state; /* the accelerator's own per-vCPU data */
    pthread_t thread;
    int thread_id; /* the host's id (gettid) once the thread runs, under
                      the BQL; 0 before (QMP query-cpus-fast) */
    pthread_cond_t halt_cond; /* halted vCPU waits here (with the BQL) */

    /* Lines into the CPU, set under the BQL, read by the vCPU thread. */
    volatile int intr_level; /* INTR from the PIC */
    volatile bool nmi_request;
    volatile bool init_request;  /* INIT from the local APIC (an IPI) */
    volatile bool sipi_request;  /* a STARTUP IPI came, with sipi_vector */
    volatile uint8_t sipi_vector;
    volatile bool reset_request;
    volatile bool stop_request; /* leave the run loop (pause, quit) */
    volatile bool exit_thread;
    bool stopped;
    /* Inside vcpu_exec (atomic, seq_cst): only then does a kick need the
     * accelerator's own (costly) kick; outside it, the run loop sees the
     * request before it enters vcpu_exec again. */
    bool in_exec;
    bool state_dirty; /* env changed by emu: put_state before run */

    /* Interrupt acknowledge: returns the vector of the pending interrupt
     * (the PIC's INTA cycle), called under the BQL.  Set by the board. */
    int (*irq_ack)(void *opaque);
    void *irq_ack_opaque;

    /* The CPU model came from -cpu (not the default). */
    bool cpu_model_explicit;

    /* A20 gate: set by the board (port 0x92, i8042 output port). */
    bool a20_enabled;

    /* The debugger's breakpoints and single step (emu/cpu-debug.h;
     * added for the gdbstub). */
    CPUDebugState debug;

    CPUX86State env;
} CPUState;

/* Board side: raise or lower INTR, NMI; kick the vCPU so it notices. */
void cpu_set_intr(CPUState *cpu, int level);
void cpu_set_nmi(CPUState *cpu);
/* INIT and STARTUP messages from the local APIC (SMP start-up). */
void cpu_set_init(CPUState *cpu);
void cpu_set_sipi(CPUState *cpu, uint8_t vector);
void cpu_set_a20(CPUState *cpu, bool enabled);
/* Wake a halted vCPU or make a running one leave guest mode. */
void cpu_kick(CPUState *cpu);

/* Fetch the current registers from the accelerator into cpu->env. */
void cpu_synchronize_state(CPUState *cpu);
/* Reset the CPU to its power-on state (reset vector), mark env dirty. */
void cpu_reset(CPUState *cpu);

/* Start the vCPU thread; returns once it is created. */
int cpu_start(CPUState *cpu, Error **errp);
/* Start every vCPU thread of m; paused (-S): stopped, virtual clock too. */
int cpus_start_all(Machine *m, bool paused, Error **errp);
/* Pause all vCPUs (returns once they are out of guest mode) / resume. */
void cpus_pause(void);
void cpus_resume(void);
/* Stop and join every vCPU thread. */
void cpus_stop_all(void);

extern CPUState *first_cpu;
/* The vCPU this thread runs (NULL on the main loop and in tests unless a
 * test sets it): whose local APIC an MMIO access at the APIC base reaches. */
extern __thread CPUState *current_cpu;

#endif
