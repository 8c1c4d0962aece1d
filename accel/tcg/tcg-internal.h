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
#include "target-i386/tcg-x86.h"

#include <setjmp.h>

typedef struct TB TB;

typedef struct TBEdge {
    TB *from;
    int slot;
    struct TBEdge *next;
} TBEdge;

struct TB {
    uint32_t cs_base, eip, flags;
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

typedef struct TCGCPU {
    CPUState *cpu;
    TCGContext *ctx;
    sigjmp_buf jmp;
    int excp, err;
    bool has_err;
    int excp_depth;               /* nested delivery: #DF, triple fault */
    int cur_excp;                 /* the exception being delivered */
    uint32_t pending_db;          /* data breakpoints hit (DR6 B0-B3) */
    uint64_t dr[8];               /* debug registers the TLB was built for */
    TB *cur_tb;
    uint32_t a20_mask;
    uint32_t cr3, cr0, cr4;
} TCGCPU;

static inline CPUState *env_cpu(CPUX86State *env)
{
    return container_of(env, CPUState, env);
}

static inline TCGCPU *env_tcg(CPUX86State *env)
{
    return env_cpu(env)->accel_state;
}

static inline TCGTLBEntry *env_tlb(CPUX86State *env, int mmu_idx)
{
    return (TCGTLBEntry *)env->tcg_tlb + mmu_idx * TCG_TLB_SIZE;
}

/* softmmu.c */
void tcg_softmmu_init(void);
void tlb_flush_all(CPUX86State *env);
void tlb_flush_phys_range(CPUX86State *env, uint64_t start, uint64_t len);
/* Linear -> physical for a code fetch (may raise #PF). */
uint32_t get_phys_code(CPUX86State *env, uint32_t linear);
/* linear's physical address from the fetch TLB (no walk, no fault); false
 * when the page is not there. */
bool tlb_probe_code(CPUX86State *env, uint32_t linear, uint32_t *phys);
/* Data breakpoint check for an access (records a hit in pending_db). */
void x86_check_watch(CPUX86State *env, uint32_t addr, int size, bool write);
/* Does DR7 arm a data breakpoint on the linear page? */
bool x86_page_watched(CPUX86State *env, uint32_t page);
/* Dirty tracking: the CODE bit of a physical page follows its blocks;
 * tcg_dirty_init installs the TLB's dirty-reset hook. */
void tcg_code_page_state(uint32_t pa_page, bool has_code);
void tcg_dirty_init(void);
uint64_t tcg_slow_ld(void *env, uint32_t addr, MemOp op, int mmu_idx,
                     uintptr_t retaddr);
void tcg_slow_st(void *env, uint32_t addr, uint64_t val, MemOp op,
                 int mmu_idx, uintptr_t retaddr);

/* tcg-accel.c: code tracking for self-modifying code. */
bool tb_page_has_code(uint32_t phys_page);
void tb_jc_flush(void);
/* Invalidate blocks overlapping [phys, phys + len). */
void tb_invalidate_phys_range(uint32_t phys, uint32_t len);
/* Counters for tests: how much of the code cache map changes cost. */
typedef struct TCGStats {
    uint64_t tb_translated;     /* blocks translated */
    uint64_t tb_invalidated;    /* blocks invalidated one by one */
    uint64_t full_flushes;      /* whole code cache dropped */
    uint64_t map_changes;       /* changed physical ranges applied */
} TCGStats;
const TCGStats *tcg_stats(void);
/* Restore eip from the host return address of a faulting access. */
void tcg_restore_state(CPUX86State *env, uintptr_t retaddr);

#endif
