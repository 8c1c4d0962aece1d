/*
 * Running guest x86 code under the translator inside a unit test.
 *
 * One machine per test program: 16 MiB of RAM at 0, an empty 64 KiB port
 * space and the "tcg" accelerator with one vCPU.  Two ways to use it:
 *
 *  - low level (test-moo): x86h_init(), fill x86h_ram() and x86h_env(),
 *    x86h_mark_dirty(), x86h_exec(), x86h_get_state();
 *  - x86h_run(): a snippet of code at an address, in flat 32-bit protected
 *    mode (or real mode), from given registers and flags, followed by a
 *    HLT the harness appends; returns the final registers and flags, or
 *    the exception the snippet raised (vector, error code, faulting EIP).
 *
 * Memory map used by x86h_run (physical = linear, no paging):
 *
 *   0x00000  real-mode IVT (real mode runs)
 *   0x01000  GDT, X86H_GDT_ENTRIES entries (see X86H_SEL_*); entries from
 *            X86H_GDT_FREE on are the test's (x86h_set_desc)
 *   0x02000  IDT, 32 interrupt gates, 32-bit, DPL 0
 *   0x03000  exception handlers, 16 bytes each: record the vector, HLT
 *   0x04000  the vector record (~0 = no exception)
 *   0x04100  the TSS (TR, busy; ESP0 = X86H_STACK0), for ring 3 code
 *   0x05000-0x0ffff  free for data
 *   0x10000  X86H_CODE default code address; stack top X86H_STACK
 * Everything from 0x100000 up to the end of RAM is free as well.
 */
#ifndef TESTS_UNIT_X86_HARNESS_H
#define TESTS_UNIT_X86_HARNESS_H

#include "emu/common.h"
#include "emu/accel.h"
#include "emu/cpu.h"
#include "target-i386/cpu.h"

#define X86H_RAM_SIZE (16 * MiB)
#define X86H_GDT 0x1000u
#define X86H_GDT_ENTRIES 32
#define X86H_GDT_FREE 8
#define X86H_IDT 0x2000u
#define X86H_HANDLERS 0x3000u
#define X86H_EXC_RECORD 0x4000u
#define X86H_TSS 0x4100u
#define X86H_STACK0 0x70000u
#define X86H_DATA 0x5000u
#define X86H_CODE 0x10000u
#define X86H_STACK 0x80000u

/* Selectors of the fixed GDT entries (all base 0, limit 4 GiB, DPL 0). */
#define X86H_SEL_CODE32 0x08
#define X86H_SEL_DATA32 0x10
#define X86H_SEL_CODE16 0x18
#define X86H_SEL_DATA16 0x20
#define X86H_SEL_TSS 0x28

typedef enum X86HMode {
    X86H_PM32,      /* CR0.PE, CS/SS 32-bit flat, CPL 0 */
    X86H_REAL,      /* real mode, all segments 0 */
} X86HMode;

typedef struct X86HState {
    /* in and out */
    uint32_t regs[8];       /* EAX ECX EDX EBX ESP EBP ESI EDI */
    uint32_t eip;           /* out: after the run (the HLT + 1) */
    uint32_t eflags;        /* in: bit 1 is forced; out: full EFLAGS */
    X86HMode mode;
    /* out */
    bool halted;            /* reached a HLT (the snippet's or a handler's) */
    int exception;          /* vector taken, or -1 */
    uint32_t error_code;    /* for vectors that push one (PM32) */
    uint32_t fault_eip;     /* EIP the exception pushed */
    uint32_t fault_cs;      /* CS the exception pushed */
} X86HState;

/* Create the machine (idempotent); the vCPU is reset, with the default
 * CPU model's CPUID. */
CPUState *x86h_init(void);
uint8_t *x86h_ram(void);
CPUX86State *x86h_env(void);
const AccelOps *x86h_ops(void);

/* The state in env was changed from outside: the accelerator reloads it. */
void x86h_mark_dirty(void);
/* Call vcpu_exec until HLT, at most max_calls times and timeout_ms of real
 * time (then the vCPU is stopped).  Returns the last exit. */
AccelExit x86h_exec(int max_calls, int timeout_ms);
/* Fold the lazy flags into env->eflags (accel get_state). */
void x86h_get_state(void);

/* Descriptor i of the GDT (low dword e1, high dword e2). */
void x86h_set_desc(int i, uint32_t e1, uint32_t e2);
/* Build e1/e2 from base, byte-granular limit (G set when > 1 MiB) and the
 * attribute bits of the high dword (type, S, DPL, P, D/B). */
void x86h_make_desc(uint32_t base, uint32_t limit, uint32_t attrs,
                    uint32_t *e1, uint32_t *e2);

/* A state with every register 0 except ESP = X86H_STACK, EFLAGS 2. */
void x86h_state_init(X86HState *st, X86HMode mode);
/*
 * Copy len bytes of code to addr, append HLT, set up the mode's tables,
 * load st and run until HLT.  Returns false if the CPU did not halt
 * (timeout, shutdown).  On an exception the registers are those at entry
 * to the handler with ESP and EFLAGS as before the exception (ESP from
 * the frame when the fault came from ring 3).
 */
bool x86h_run(X86HState *st, uint32_t addr, const void *code, size_t len);
/* x86h_run's limit in real time (default 2000 ms), for long snippets. */
void x86h_set_run_timeout(int ms);

#endif
