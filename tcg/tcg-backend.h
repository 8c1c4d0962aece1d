/*
 * The contract between the translator's back ends (tcg/tci.c, the IR
 * interpreter, and tcg/tcg-target-x86_64.c, the x86-64 code generator) and
 * the exec loop (accel/tcg/).
 *
 *  - Guest memory: a software TLB per vCPU, reachable from env at a fixed
 *    offset, and two slow-path functions the exec loop implements.  Both back
 *    ends use the same TLB, so the exec loop implements one thing.
 *  - Code cache: an executable buffer with a prologue; a block's host code
 *    is entered through tcg_tb_exec().
 *  - Chaining: goto_tb slots are patchable 32-bit relative jumps.
 *  - Precise exceptions: per guest instruction, the host code offset where
 *    it starts and the words given to insn_start.
 */
#ifndef TCG_TCG_BACKEND_H
#define TCG_TCG_BACKEND_H

#include "tcg/tcg.h"

/* ---- Software TLB ---- */

#define TCG_PAGE_BITS 12
#define TCG_PAGE_SIZE (1u << TCG_PAGE_BITS)
#define TCG_PAGE_MASK (~(uint64_t)(TCG_PAGE_SIZE - 1))
#define TCG_TLB_BITS 12
#define TCG_TLB_SIZE (1 << TCG_TLB_BITS)
#define TCG_NB_MMU_MODES 4

/*
 * One entry.  A tag is the whole 64-bit page address (bits 63..12) with
 * bits 11..0 zero for a page the fast path may access directly; any low
 * bit set (e.g. an MMIO page, a page holding translated code in
 * addr_write, or TCG_TLB_INVALID) sends every access of that kind to the
 * slow path.  The fast path compares all 64 bits of the tag with
 * ((addr + size - 1) & TCG_PAGE_MASK), so an access crossing into the next
 * page misses, and so does an address that shares its low 32 bits with
 * the entry's page (an i32 address is a 64-bit one with bits 63..32 zero).
 * Host address = addr + addend.  32 bytes: the index is a shift.
 */
typedef struct TCGTLBEntry {
    uint64_t addr_read;
    uint64_t addr_write;
    uint64_t addr_code;      /* not used by generated code */
    uintptr_t addend;
} TCGTLBEntry;

#define TCG_TLB_INVALID (~(uint64_t)0)
/* Index of addr in a TLB of TCG_TLB_SIZE entries. */
#define TCG_TLB_INDEX(addr) (((addr) >> TCG_PAGE_BITS) & (TCG_TLB_SIZE - 1))

/*
 * The TLB of a vCPU: TCGTLBEntry tlb[TCG_NB_MMU_MODES][TCG_TLB_SIZE] at
 * (char *)env + TCGBackendConfig.tlb_offset (which may be beyond
 * CPUX86State, e.g. in a struct that embeds it; |offset| < 1 GiB).
 */

/*
 * Slow paths, implemented by the exec loop.  op is the access size, plus
 * MO_ADDR32 when the op's address was an i32: an access that crosses the
 * 4 GiB line then wraps to 0 (a 32-bit guest's linear address space);
 * with an i64 address it goes on above.  The load returns the value
 * zero-extended from its size (the caller applies MO_SIGN).  retaddr is the
 * host address inside the block's code for tcg_search_insn (0 when the
 * block runs in the interpreter: see tci_insn_data).  They may raise a guest
 * exception by unwinding (siglongjmp) to the exec loop: every global is in
 * memory when they are called.
 */
typedef uint64_t (*TCGSlowLd)(void *env, uint64_t addr, MemOp op, int mmu_idx,
                              uintptr_t retaddr);
typedef void (*TCGSlowSt)(void *env, uint64_t addr, uint64_t val, MemOp op,
                          int mmu_idx, uintptr_t retaddr);
/*
 * goto_ptr: the host code of the block for env's current state (eip, CS
 * base, flags), or NULL to return 0 to the exec loop.  Called by the code
 * tcg_gen_lookup_and_goto_ptr() emits, with globals written back.
 */
typedef const void *(*TCGLookupTbPtr)(void *env);

/*
 * Optional inline fast path for goto_ptr (native code only): the exec
 * loop's direct-mapped jump cache, one per vCPU, whose address is the
 * pointer at env[env_table].  With pc = env[env_cs_base] +
 * env[env_eip] (64-bit loads), the entry is table[(pc ^ (pc >> bits)) &
 * ((1 << bits) - 1)] (32-bit arithmetic on the low half of pc), a pointer
 * (or NULL) to a block descriptor with uint64_t cs_base, eip and uint32_t
 * flags at the tb_* offsets, a bool invalid and the host code pointer
 * (NULL: no native code).  It is a hit when cs_base, eip
 * and flags equal env's (flags: env[env_flags]) and the block is valid;
 * then the code is entered directly (the next block's exit_request test
 * stands for lookup_tb_ptr's), else lookup_tb_ptr is called.
 */
typedef struct TCGJumpCacheLayout {
    bool enabled;                   /* false: always call lookup_tb_ptr */
    int env_table;                  /* env offset of the table's address */
    int bits;
    int env_cs_base, env_eip, env_flags;
    int tb_cs_base, tb_eip, tb_flags, tb_invalid, tb_code;
} TCGJumpCacheLayout;

typedef struct TCGBackendConfig {
    int tlb_offset;
    TCGSlowLd slow_ld;
    TCGSlowSt slow_st;
    TCGLookupTbPtr lookup_tb_ptr;   /* may be NULL: goto_ptr then exits */
    TCGJumpCacheLayout jc;          /* optional (zero: not used) */
} TCGBackendConfig;

/* Once, before translating anything (process-wide, read-only afterwards). */
void tcg_backend_init(const TCGBackendConfig *cfg);
extern TCGBackendConfig tcg_backend_cfg;

/* ---- The interpreter (tcg/tci.c) ---- */

/*
 * Run the ops of s (after tcg_optimize or not) on env.  Returns the exit_tb
 * value, or 0 for goto_ptr (the exec loop then looks the next block up).
 * goto_tb is a no-op (no chaining).  Globals are read and written in env
 * directly.
 */
uintptr_t tcg_interpret(const TCGContext *s, void *env);

/* A block's ops kept for the interpreter (the exec loop's TCI mode). */
typedef struct TCIBlock TCIBlock;
TCIBlock *tci_block_new(const TCGContext *s);
uintptr_t tci_block_exec(const TCIBlock *b, void *env);
void tci_block_free(TCIBlock *b);

/*
 * The words of the last insn_start the interpreter executed on this
 * thread: what a helper or slow path called from interpreted code uses to
 * restore eip / cc_op (retaddr is 0 there).
 */
extern __thread uint64_t tci_insn_data[2];

/* ---- Code cache and native code (tcg/tcg-target-x86_64.c) ---- */

#define TCG_MAX_INSNS 128

typedef struct TCGCodeCache {
    uint8_t *base;           /* RWX mapping */
    size_t size;
    size_t used;             /* the prologue is at base */
    const void *prologue;    /* uintptr_t (*)(void *env, const void *code) */
    const void *epilogue;    /* returns the value in rax to the caller */
    const void *exit0;       /* returns 0 */
} TCGCodeCache;

/* mmap an executable buffer of size bytes and emit the prologue. */
int tcg_code_cache_init(TCGCodeCache *c, size_t size);
void tcg_code_cache_destroy(TCGCodeCache *c);
/* Forget every block (flush): keeps the prologue. */
void tcg_code_cache_reset(TCGCodeCache *c);

/* What tcg_gen_code() returns about one block. */
typedef struct TranslatedCodeInfo {
    const uint8_t *code;     /* host code start (entry) */
    uint32_t size;
    /* goto_tb slot n: offset of its 5-byte "jmp rel32" (UINT32_MAX if the
     * block has no slot n), and where the jump goes when not chained */
    uint32_t jmp_insn_offset[2];
    uint32_t jmp_reset_offset[2];
    int nb_insns;
    uint32_t insn_off[TCG_MAX_INSNS];   /* host offset of insn i's code */
    uint64_t insn_data[TCG_MAX_INSNS][2]; /* insn_start words: pc, data1 */
} TranslatedCodeInfo;

/*
 * Generate host code for s's ops into c at c->used (aligned to 16).
 * Returns 0 and fills info, or -ENOSPC when the cache is full (flush and
 * retry), -EINVAL for IR the back end rejects (more than TCG_MAX_INSNS
 * insn_starts, ...).
 */
int tcg_gen_code(TCGContext *s, TCGCodeCache *c, TranslatedCodeInfo *info);

/* Enter code with env; returns the exit_tb value (0 after goto_ptr miss). */
static inline uintptr_t tcg_tb_exec(const TCGCodeCache *c, void *env,
                                    const void *code)
{
    uintptr_t (*fn)(void *, const void *) =
        (uintptr_t (*)(void *, const void *))c->prologue;
    return fn(env, code);
}

/*
 * Point goto_tb slot n of a block at target (the code of another block), or
 * back at its reset offset (target = info->code + jmp_reset_offset[n]) to
 * unchain.  The displacement is one aligned 4-byte store: safe while
 * another thread runs the code.
 */
void tcg_tb_set_jmp_target(const TranslatedCodeInfo *info, int n,
                           const void *target);

/*
 * Map a host address inside the block (a helper's return address, or the
 * retaddr given to the slow paths) to the index of the guest instruction
 * it belongs to; -1 if it is not inside the block.
 */
int tcg_search_insn(const TranslatedCodeInfo *info, uintptr_t host_pc);

#endif
