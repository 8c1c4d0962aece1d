/*
 * accel/tcg internals: the per-vCPU state of the translator accelerator and
 * the translation-block cache shared by the exec loop (tcg-accel.c) and
 * the softmmu (softmmu.c).
 */
#ifndef ACCEL_TCG_INTERNAL_H
#define ACCEL_TCG_INTERNAL_H

#include "emu/common.h"
#include "emu/cpu.h"
#include "tcg/tcg-backend.h"
#include "accel/tcg/tcg-cpu-ops.h"

#include <setjmp.h>

typedef struct TB TB;

typedef struct TBEdge {
    TB *from;
    int slot;
    struct TBEdge *next;
} TBEdge;

struct TB {
    uint64_t cs_base, eip;        /* the key: 64-bit (generated code too) */
    uint32_t flags;
    uint32_t phys_pc;             /* physical address of the first byte */
    uint32_t phys_page[2];        /* pages covered; [1] = ~0 if one page */
    uint32_t phys_end;            /* last byte (physical, may be page 2) */
    bool invalid;
    TB *hash_next;
    TB *page_next[2];
    TCIBlock *tci;
    TranslatedCodeInfo *info;     /* native code, or NULL */
    const void *code;             /* info->code (hot: lookup_tb_ptr), or NULL */
    TB *jmp_dest[2];              /* chained successors */
    TBEdge *incoming;             /* blocks chained to this one */
};

/* The per-vCPU jump cache: blocks by linear address (tcg-accel.c). */
#define TB_JC_BITS 12

typedef struct TCGCPU {
    CPUState *cpu;
    /* Written only by this vCPU's thread (and by an exclusive section);
     * generated code reads it through env->tcg_jc. */
    TB *jc[1 << TB_JC_BITS];
    bool running;                 /* in the exec loop (multi-threaded) */
    TCGContext *ctx;
    sigjmp_buf jmp;
    int excp, err;
    bool has_err;
    TB *cur_tb;
    bool smc_single;              /* next block: one instruction (SMC) */
    /* Physical page of each TLB entry (env->tcg_tlb order): beside the
     * TLB so that an entry of 64-bit tags stays 32 bytes. */
    uint64_t tlb_phys[TCG_NB_MMU_MODES * TCG_TLB_SIZE];
} TCGCPU;

static inline CPUState *env_cpu(CPUArchState *env)
{
    return container_of(env, CPUState, env);
}

static inline TCGCPU *env_tcg(CPUArchState *env)
{
    return env_cpu(env)->accel_state;
}

static inline TCGTLBEntry *env_tlb(CPUArchState *env, int mmu_idx)
{
    return (TCGTLBEntry *)env->tcg_tlb + mmu_idx * TCG_TLB_SIZE;
}

/* softmmu.c */
void tcg_softmmu_init(void);
void tlb_flush_all(CPUArchState *env);
void tlb_flush_phys_range(CPUArchState *env, uint64_t start, uint64_t len);
/* Linear -> physical for a code fetch (may raise the target's fault). */
uint32_t get_phys_code(CPUArchState *env, uint64_t linear);
/* linear's physical address from the fetch TLB (no walk, no fault); false
 * when the page is not there. */
bool tlb_probe_code(CPUArchState *env, uint64_t linear, uint32_t *phys);
/* After a page gets translated code: its write entries go slow. */
void tlb_protect_code_page(CPUArchState *env, uint32_t pa_page);
/* The same for a vCPU running on another thread (multi-threaded). */
void tlb_protect_code_page_remote(CPUArchState *env, uint32_t pa_page);
/* Dirty tracking: the CODE bit of a physical page follows its blocks;
 * tcg_dirty_init installs the TLB's dirty-reset hook. */
void tcg_code_page_state(uint32_t pa_page, bool has_code);
void tcg_dirty_init(void);
uint64_t tcg_slow_ld(void *env, uint64_t addr, MemOp op, int mmu_idx,
                     uintptr_t retaddr);
void tcg_slow_st(void *env, uint64_t addr, uint64_t val, MemOp op,
                 int mmu_idx, uintptr_t retaddr);
/* softmmu.c for atomic.c: addr's write entry filled as a store fills it,
 * watchpoints checked; the host address if a store may go straight to
 * RAM, else NULL and *phys.  tlb_drop_write: addr's write entry goes (its
 * page lost its last block: refilled fast next time). */
void *tlb_probe_store(CPUArchState *env, uint64_t addr, int size, int mmu_idx,
                      uintptr_t retaddr, uint32_t *phys);
void tlb_drop_write(CPUArchState *env, uint64_t addr, int mmu_idx);

/* tcg-accel.c: code tracking for self-modifying code. */
bool tb_page_has_code(uint32_t phys_page);
/* vCPUs run translated code in parallel (-accel tcg,thread=multi). */
bool tb_parallel(void);
/* A translation is reading code from phys_page (tcg-accel.c). */
bool tb_page_translating(uint32_t phys_page);
void tb_jc_flush(CPUArchState *env);
/* Invalidate blocks overlapping [phys, phys + len). */
void tb_invalidate_phys_range(uint32_t phys, uint32_t len);
/* Before a guest store to [phys, phys + len) on a page with code: if it
 * overlaps the block that is running, unwind to the loop, which runs the
 * storing instruction again alone (see tcg-accel.c). */
void tb_check_smc(CPUArchState *env, uint32_t phys, uint32_t len,
                  uintptr_t retaddr);
/* Counters for tests: how much of the code cache map changes cost. */
typedef struct TCGStats {
    uint64_t tb_translated;     /* blocks translated */
    uint64_t tb_invalidated;    /* blocks invalidated one by one */
    uint64_t full_flushes;      /* whole code cache dropped */
    uint64_t map_changes;       /* changed physical ranges applied */
    uint64_t smc_restarts;      /* stores into the running block */
    uint64_t exclusive;         /* exclusive sections (parallel vCPUs) */
} TCGStats;
const TCGStats *tcg_stats(void);

#endif
