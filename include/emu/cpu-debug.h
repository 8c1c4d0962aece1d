/*
 * A debugger's breakpoints, watchpoints and single step on a vCPU (the
 * gdbstub sets them; the accelerator takes them).  These are the host
 * debugger's, not the guest's: the guest's own DR0-DR7 are untouched and
 * the guest never sees a #DB for them.
 *
 *     cpu_debug_insert(cpu, CPU_BP_SW, 0xc1234567, 1);   // gdb's Z0
 *     cpu_debug_set_singlestep(cpu, true);                // s, vCont;s
 *     vm_start();  ... the listener sees RUN_STATE_DEBUG, then
 *     cpu_debug_take_hit(cpu, &hit)                       // what stopped it
 *
 * Changes are made with the machine stopped (the gdbstub only changes
 * them then), under the global lock; the accelerator is told through
 * AccelOps.update_guest_debug.  Addresses are linear (CS base + EIP for
 * breakpoints), 64 bits wide: a long-mode guest's kernel lives at
 * 0xffffffff8xxxxxxx.  When the accelerator sees a hit, on the vCPU thread, it
 * calls cpu_debug_report_hit(), which records it and asks the main loop to
 * stop the machine in state RUN_STATE_DEBUG.
 */
#ifndef EMU_CPU_DEBUG_H
#define EMU_CPU_DEBUG_H

#include "emu/common.h"

typedef struct CPUState CPUState;

/* The numbering of gdb's Z/z packets. */
typedef enum CPUBreakType {
    CPU_BP_SW = 0,     /* Z0: taken without writing guest memory */
    CPU_BP_HW = 1,     /* Z1 */
    CPU_WP_WRITE = 2,  /* Z2 */
    CPU_WP_READ = 3,   /* Z3 */
    CPU_WP_ACCESS = 4, /* Z4 */
} CPUBreakType;

#define CPU_DEBUG_MAX 64 /* breakpoints + watchpoints per vCPU */

typedef struct CPUBreakpoint {
    CPUBreakType type;
    uint64_t addr; /* linear: 64-bit under long mode */
    uint32_t len;
} CPUBreakpoint;

/* Why a vCPU stopped (cpu_debug_take_hit). */
typedef struct CPUDebugHit {
    bool valid;
    CPUBreakType type; /* of the breakpoint; CPU_BP_SW also for a step */
    bool step;         /* the end of a single step */
    uint64_t addr;     /* watchpoints: the watched address */
} CPUDebugHit;

typedef struct CPUDebugState {
    /* Read by the vCPU thread at translation / TLB fill: nothing
     * armed when active is false (the fast path tests only that). */
    bool active;
    bool singlestep;
    int nbp, nwp; /* breakpoints (Z0/Z1), watchpoints (Z2-Z4) */
    CPUBreakpoint bp[CPU_DEBUG_MAX];
    CPUDebugHit hit;
} CPUDebugState;

/*
 * Z/z: 0, or -EINVAL (bad type or length: watchpoints take 1, 2, 4 or 8
 * bytes), -ENOSPC (too many; under KVM the four debug registers),
 * -ENOENT (remove: no such breakpoint), -ENOSYS (the accelerator cannot).
 */
int cpu_debug_insert(CPUState *cpu, CPUBreakType type, uint64_t addr,
                     uint32_t len);
int cpu_debug_remove(CPUState *cpu, CPUBreakType type, uint64_t addr,
                     uint32_t len);
/* Every breakpoint, watchpoint and the single step go (detach). */
void cpu_debug_remove_all(CPUState *cpu);
int cpu_debug_set_singlestep(CPUState *cpu, bool on);

/* The hit that stopped cpu, consumed; false if it did not stop for one. */
bool cpu_debug_take_hit(CPUState *cpu, CPUDebugHit *hit);
void cpu_debug_clear_hit(CPUState *cpu);

/* ---- accelerator side (vCPU thread) ---- */

/* An instruction breakpoint (Z0/Z1) at linear address lin? */
bool cpu_debug_bp_at(const CPUState *cpu, uint64_t lin);
/* Does a watchpoint cover some byte of [page, page + 4 KiB)? */
bool cpu_debug_page_watched(const CPUState *cpu, uint64_t page);
/* An access of size bytes at addr: the watchpoint it hits, or NULL. */
const CPUBreakpoint *cpu_debug_watch_hit(const CPUState *cpu, uint64_t addr,
                                         int size, bool write);
/* Record why the vCPU stops and ask for vm_stop(RUN_STATE_DEBUG). */
void cpu_debug_report_hit(CPUState *cpu, CPUBreakType type, bool step,
                          uint64_t addr);

#endif
