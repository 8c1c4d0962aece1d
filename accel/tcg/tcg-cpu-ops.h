/*
 * What the translator's exec loop and softmmu (accel/tcg) need from the
 * guest CPU: a table of hooks the target fills in and registers, as
 * QEMU's TCGCPUOps.  accel/tcg includes nothing of the target; the target
 * includes this header and accel/tcg/cpu-ldst.h (and disas.h for -d
 * in_asm), never accel/tcg's internals.  `make check-layers` checks it.
 *
 * The CPU's state is CPUArchState (include/emu/cpu.h).  accel/tcg owns a
 * few fields in it, addressed by generated code: exit_request and the
 * software TLB (tcg_tlb, tcg_tlb_log, tcg_tlb_nlog).  Everything else in it
 * is the target's business.
 *
 * A block is keyed by (physical PC, cs_base, pc, flags): cs_base + pc is
 * the linear address of its first instruction, flags whatever else the
 * translation depends on.  Linear addresses, cs_base and pc are 64 bits
 * (a 32-bit guest's have bits 63..32 zero); physical addresses of code
 * are 32 bits (the machine has nothing above 4 GiB).
 */
#ifndef ACCEL_TCG_TCG_CPU_OPS_H
#define ACCEL_TCG_TCG_CPU_OPS_H

#include "emu/common.h"
#include "emu/accel.h"
#include "emu/cpu.h"

typedef enum MMUAccessType {
    MMU_DATA_LOAD,
    MMU_DATA_STORE,
    MMU_INST_FETCH,
} MMUAccessType;

/*
 * TCGTLBFill.prot.  PAGE_WRITE means stores may go to the page with
 * nothing to record (permitted, and e.g. x86's D flag already set);
 * without it every store to the page fills the entry again.
 */
#define PAGE_READ 1u
#define PAGE_WRITE 2u
#define PAGE_EXEC 4u

/* What tlb_fill found for a linear address. */
typedef struct TCGTLBFill {
    uint64_t phys; /* physical address of the access */
    unsigned prot; /* PAGE_* for the whole page */
} TCGTLBFill;

/* Pseudo exception numbers for cpu_loop_exit_excp, above every vector. */
#define EXCP_HLT  0x100 /* the CPU halts: vcpu_exec returns HALTED */
#define EXCP_EXIT 0x101 /* back to the loop (state changed) */
/* The debugger's breakpoint or single step (emu/cpu-debug.h): the target
 * has reported the hit; the loop leaves for the machine to stop. */
#define EXCP_DEBUG 0x102

/*
 * A flags bit the target sets in get_tb_cpu_state to get blocks of one
 * instruction that are never chained (every instruction boundary then
 * passes through the loop, e.g. for instruction breakpoints).  Target
 * flags must leave it clear.
 */
#define TB_FLAG_SINGLE_INSN (1u << 31)

typedef struct TCGCPUOps {
    /* ---- the frontend ---- */
    /* Once per vCPU before it translates anything. */
    void (*translate_init)(void);
    /*
     * Translate the block at cs_base + pc under flags into tcg_ctx;
     * tb_id is what exit_tb reports (slot added).  The block starts by
     * testing env->exit_request.  Returns the guest bytes covered, with
     * the instruction count in *ninsns.  May fault (cpu_loop_exit_excp)
     * when the code cannot be fetched.
     */
    uint32_t (*translate_block)(CPUArchState *env, uintptr_t tb_id,
                                uint64_t cs_base, uint64_t pc, uint32_t flags,
                                int max_insns, int *ninsns);
    /* Back to the start of a faulting instruction: data are the words
     * its insn_start recorded. */
    void (*restore_state_to_opc)(CPUArchState *env, const uint64_t *data);
    /* -d in_asm: show a block's guest code (the target picks the decode
     * mode from flags: disas_log_guest's mode). */
    void (*disas_log)(uint64_t cs_base, uint64_t pc, const uint8_t *code,
                      size_t len, uint32_t flags);

    /* ---- blocks ---- */
    /*
     * The key of the block to run next.  False when the next instruction
     * cannot be fetched at all (e.g. beyond the code segment limit): the
     * loop then calls raise_fetch_fault.
     */
    bool (*get_tb_cpu_state)(CPUArchState *env, uint64_t *cs_base,
                             uint64_t *pc, uint32_t *flags);
    void (*raise_fetch_fault)(CPUArchState *env) EMU_NORETURN;
    /*
     * A flags bit meaning linear addresses go through page tables: a
     * block is then chained only to blocks on its own page (the mapping
     * may change), and a block whose second page cannot be fetched is cut
     * before the instruction that needs it.  0 if the CPU has no MMU.
     */
    uint32_t tb_flag_paging;
    /*
     * A flags bit meaning cs_base + pc is a 64-bit linear address (x86
     * 64-bit code); without it the sum wraps at 4 GiB.  0: always wraps.
     */
    uint32_t tb_flag_pc64;
    /* Where cs_base, pc (uint64_t) and flags (uint32_t) are in env, for
     * the jump-cache probe inlined in generated code: get_tb_cpu_state
     * must return exactly these fields' values, or the probe misses. */
    int env_cs_base_offset, env_pc_offset, env_flags_offset;

    /* ---- memory ---- */
    /* The MMU index of the current mode (code fetches). */
    int (*mmu_index)(CPUArchState *env);
    /*
     * Translate addr for access in mmu_idx into *out; on a fault, raise
     * the guest's exception (after cpu_restore_state(env, retaddr)) and do
     * not return.  Sets whatever the architecture records on a walk.
     */
    void (*tlb_fill)(CPUArchState *env, uint64_t addr, MMUAccessType access,
                     int mmu_idx, uintptr_t retaddr, TCGTLBFill *out);
    /* Data watchpoints: accesses to a watched page take the slow path,
     * which reports each one to check_watchpoint. */
    bool (*page_watched)(CPUArchState *env, uint64_t page);
    void (*check_watchpoint)(CPUArchState *env, uint64_t addr, int size,
                             bool write);

    /* ---- the exec loop ---- */
    /*
     * Before each block looked up by the loop: deliver pending interrupts
     * (cpu's lines), notice state that invalidates the TLB, check
     * breakpoints (may raise).  True if an event changed the flow of
     * control (the previous block is then not chained to the next).
     */
    bool (*cpu_exec_enter)(CPUState *cpu);
    /* After a block returned to the loop (may raise a trap). */
    void (*cpu_exec_after)(CPUState *cpu, uint32_t tb_flags, uint64_t tb_pc);
    /*
     * cpu_loop_exit_excp(excp, ...) unwound to the loop: deliver the
     * exception (it may fault again: the loop calls this once more) or
     * handle the pseudo exception.  ACCEL_EXIT_KICKED to go on running,
     * else what vcpu_exec returns.
     */
    AccelExit (*cpu_exec_exception)(CPUState *cpu, int excp, int error_code,
                                    bool has_err);
    /* -d exec / -d cpu: one line (or the registers) per block entered. */
    void (*log_exec)(CPUArchState *env, uint32_t tb_phys, uint32_t tb_flags);

    /* ---- state in and out of the accelerator (AccelOps put/get) ---- */
    void (*put_state)(CPUArchState *env);
    void (*get_state)(CPUArchState *env);
} TCGCPUOps;

/* The target's table, registered from a constructor. */
void tcg_cpu_ops_register(const TCGCPUOps *ops);
extern const TCGCPUOps *tcg_cpu_ops;

/* Leave generated code or a helper for the loop with excp pending
 * (cpu_exec_exception gets it). */
void cpu_loop_exit_excp(CPUArchState *env, int excp, int error_code,
                        bool has_err) EMU_NORETURN;
/* The guest spins (x86 PAUSE): if another vCPU waits for its turn, the
 * loop lets it run after this block. */
void tcg_cpu_yield_hint(CPUArchState *env);

/* Restore the guest state of the instruction whose slow-path access has
 * host return address retaddr (0: a helper, state already stored). */
void cpu_restore_state(CPUArchState *env, uintptr_t retaddr);

#endif
