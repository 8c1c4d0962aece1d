/*
 * The translator accelerator ("tcg"): the exec loop around a guest CPU's
 * frontend (reached through its TCGCPUOps, tcg-cpu-ops.h: target-i386
 * registers x86's) and a back end (tcg/): translation blocks looked up by
 * (physical PC, CS base, flags, pc) in a hash table, translated on a
 * miss, chained through goto_tb patching when the native back end runs
 * them, a jump cache for indirect branches, interrupts and kicks checked
 * at block boundaries (and by every block's exit_request test), exceptions
 * delivered by the target with the state of the faulting instruction.
 *
 * Back end choice: the x86-64 code generator when it is linked in (weak
 * symbols below) unless EMU_TCG_INTERP=1, else the IR interpreter.  The
 * code cache is CODE_CACHE_SIZE, or EMU_TCG_TB_SIZE MiB (QEMU's tb-size;
 * tests make it small so that flushes come quickly).
 *
 * A fault in a slow-path memory access is restored to its guest
 * instruction through the block that holds the host return address (found
 * in the code-cache-ordered table of native blocks: a chained block runs
 * without the loop knowing which one it is).
 *
 * Under paging, a block that straddles into a page whose fetch faults is
 * cut before the straddling instruction, so the fault reports it with the
 * earlier instructions done.  A target that asks for single-instruction
 * blocks (TB_FLAG_SINGLE_INSN: x86 while debug registers are armed) gets
 * them unchained.  -d exec / -d cpu log each block entered (and turn
 * chaining off).
 *
 * A guest store into the running block restarts the storing instruction
 * in a block of its own (tb_check_smc), so the instructions after it are
 * translated from the stored bytes.
 *
 * Writes by devices (DMA) over translated code arrive through the memory
 * listener's code_written hook (pages whose CODE dirty bit is clear): in
 * the vCPU thread that runs the loop (an OUT that starts a synchronous
 * DMA) the blocks go at once; from another thread the range is queued and
 * the vCPUs kicked, and the loop drops the blocks before its next block.
 *
 * One TB cache for the process.  With several vCPUs they run translated
 * code in parallel (thread=multi, see mttcg below) or take turns
 * (thread=single: tb_turn_take).  Limits: blocks are tracked by physical
 * page, so a write to RAM that is also mapped at a second physical
 * address does not see code translated from the other one.
 */
#include "emu/common.h"
#include "emu/accel.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "emu/trace.h"
#include "accel/tcg/cpu-ldst.h"
#include "accel/tcg/disas.h"
#include "accel/tcg/tcg-internal.h"

#pragma weak tcg_code_cache_init
#pragma weak tcg_code_cache_reset
#pragma weak tcg_gen_code
#pragma weak tcg_tb_set_jmp_target
#pragma weak tcg_search_insn

#define TB_HASH_BITS 18
#define TB_MAX_INSNS 64
#define CODE_CACHE_SIZE (64 * MiB)
#define TBF_SINGLE TB_FLAG_SINGLE_INSN

static TB *tb_hash[1 << TB_HASH_BITS];
/* Per physical page (4 GiB / 4 KiB): list of blocks on it. */
static TB **tb_pages;
static bool use_native;
static TCGCodeCache code_cache;
static pthread_mutex_t tb_lock = PTHREAD_MUTEX_INITIALIZER;
static bool tcg_inited;
/* All TB structs, freed at a flush. */
static TB **tb_all;
static size_t tb_all_nr, tb_all_cap;
/* Native blocks in code-cache order (ascending host address until a
 * flush): which block a host return address belongs to, since chained
 * blocks run without passing through the loop. */
static TB **tb_native;
static size_t tb_native_nr, tb_native_cap;

const TCGCPUOps *tcg_cpu_ops;

void tcg_cpu_ops_register(const TCGCPUOps *ops)
{
    tcg_cpu_ops = ops;
}

/* Physical ranges whose blocks must go, queued by other threads for the
 * exec loop (which holds the tb_lock); too many: drop everything. */
#define TB_PENDING_MAX 32
static pthread_mutex_t tb_pending_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    uint64_t start, len;
    bool map;                               /* a map change, not a write */
} tb_pending[TB_PENDING_MAX];
static int tb_pending_nr;
static bool tb_pending_all;
static int tb_pending_flag;                 /* atomic: something queued */
static __thread bool tb_lock_held;          /* this thread holds tb_lock */
/* -accel tcg,thread=multi (the default): every vCPU runs translated code
 * on its own thread at once; thread=single: they take turns (below). */
static bool mttcg;
static TCGStats stats;

/*
 * Multi-threaded translation.  The exec loops run at once; tb_lock is
 * taken only to change the block cache (translate, chain, invalidate),
 * and lookups read the hash chains and the page lists without it: a
 * block is filled in before it is published (release stores), an
 * invalidated one stays readable (flagged invalid) until the next full
 * flush.  What frees blocks or touches other vCPUs' TLBs (a full flush,
 * memory map changes, device writes over code) runs in an exclusive
 * section: every other vCPU out of its exec loop, as QEMU's
 * start_exclusive.  A vCPU in its loop is "running"; it may block on the
 * global lock (I/O) or on tb_lock, so exclusive sections start only where
 * neither is held, and nobody holding either waits for one.
 */
static pthread_mutex_t excl_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t excl_cond = PTHREAD_COND_INITIALIZER;
static int excl_pending;                    /* atomic: a section wants in */
static int excl_running;                    /* vCPUs running (excl_mutex) */

static void tb_lock_take(void)
{
    pthread_mutex_lock(&tb_lock);
    tb_lock_held = true;
}

static void tb_lock_drop(void)
{
    tb_lock_held = false;
    pthread_mutex_unlock(&tb_lock);
}

/* Take tb_lock unless this thread has it; true if taken (give it back
 * with tb_lock_leave). */
static bool tb_lock_enter(void)
{
    if (tb_lock_held) {
        return false;
    }
    tb_lock_take();
    return true;
}

static void tb_lock_leave(bool taken)
{
    if (taken) {
        tb_lock_drop();
    }
}

static void exec_start(TCGCPU *t)
{
    pthread_mutex_lock(&excl_mutex);
    while (excl_pending) {
        pthread_cond_wait(&excl_cond, &excl_mutex);
    }
    excl_running++;
    t->running = true;
    pthread_mutex_unlock(&excl_mutex);
}

static void exec_end(TCGCPU *t)
{
    pthread_mutex_lock(&excl_mutex);
    t->running = false;
    excl_running--;
    if (excl_pending) {
        pthread_cond_broadcast(&excl_cond);
    }
    pthread_mutex_unlock(&excl_mutex);
}

/* Every vCPU leaves its block at the next block boundary. */
static void tb_kick_all(void)
{
    for (int i = 0; current_machine && i < current_machine->nr_cpus; i++) {
        if (current_machine->cpus[i]) {
            current_machine->cpus[i]->env.exit_request = 1;
        }
    }
}

/* The caller is not running (exec_end first) and holds neither lock. */
static void exclusive_start(void)
{
    pthread_mutex_lock(&excl_mutex);
    while (excl_pending) {
        pthread_cond_wait(&excl_cond, &excl_mutex);
    }
    __atomic_store_n(&excl_pending, 1, __ATOMIC_SEQ_CST);
    stats.exclusive++;
    tb_kick_all();
    while (excl_running > 0) {
        pthread_cond_wait(&excl_cond, &excl_mutex);
    }
    pthread_mutex_unlock(&excl_mutex);
}

static void exclusive_end(void)
{
    pthread_mutex_lock(&excl_mutex);
    __atomic_store_n(&excl_pending, 0, __ATOMIC_SEQ_CST);
    pthread_cond_broadcast(&excl_cond);
    pthread_mutex_unlock(&excl_mutex);
}

static void tb_flush_all(void);
static void tb_apply_pending(void);
static void tb_request_flush(void);

/*
 * From a running vCPU (multi-threaded), with or without tb_lock: step out
 * of the loop, run fn with every vCPU out and tb_lock held, come back.
 * Block pointers the caller held may be stale afterwards.
 */
static void tb_exclusive_run(TCGCPU *t, void (*fn)(void))
{
    bool had = tb_lock_held;
    if (had) {
        tb_lock_drop();
    }
    exec_end(t);
    exclusive_start();
    tb_lock_take();
    fn();
    tb_lock_drop();
    exclusive_end();
    exec_start(t);
    if (had) {
        tb_lock_take();
    }
}

/* A full flush unless another vCPU just did one. */
static uint64_t tb_flush_seen;
static void tb_flush_once(void);

static void tb_flush_exclusive(TCGCPU *t)
{
    __atomic_store_n(&tb_flush_seen, stats.full_flushes, __ATOMIC_RELAXED);
    tb_exclusive_run(t, tb_flush_once);
}

/*
 * With several vCPUs, who runs translated code: one at a time (the TB
 * cache is not safe for concurrent translation yet), in turns.  The turns
 * are a FIFO ticket lock around tb_lock, so a vCPU that leaves the loop
 * cannot take it again ahead of one waiting.  A vCPU that waits asks the
 * running one to yield: at once when the guest spins (PAUSE, see
 * tcg_cpu_yield_hint), else once it has waited a time slice.  A halted
 * vCPU does not hold a turn.
 */
#define TB_TURN_SLICE_NS (2 * 1000 * 1000)
static pthread_mutex_t tb_turn_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tb_turn_cond = PTHREAD_COND_INITIALIZER;
static unsigned tb_turn_next, tb_turn_serving;
static CPUState *tb_turn_holder;
static int tb_turn_yield;                   /* atomic: the holder should go */
static unsigned tb_turn_pauses;             /* PAUSEs in this turn (holder) */
static MemoryListener tcg_listener;

const TCGStats *tcg_stats(void)
{
    return &stats;
}

static inline unsigned tb_hash_fn(uint32_t phys, uint64_t cs_base,
                                  uint32_t flags, uint64_t eip)
{
    uint64_t h64 = cs_base * 0x85ebca6bu ^ eip ^ ((eip >> 32) * 0x9e3779b1u);
    uint32_t h = phys * 0x9e3779b1u ^ (uint32_t)(h64 ^ (h64 >> 32)) ^ flags;
    return (h ^ (h >> 15)) & ((1 << TB_HASH_BITS) - 1);
}

/* From the low half of the linear address: the generated code's probe
 * (tcg-backend.h, TCGJumpCacheLayout) hashes the same 32 bits. */
static inline unsigned tb_jc_fn(uint64_t lin64)
{
    uint32_t lin = lin64;
    return (lin ^ (lin >> TB_JC_BITS)) & ((1 << TB_JC_BITS) - 1);
}

/* The linear address of a block's first byte: cs_base + pc, wrapping at
 * 4 GiB unless the target's flags say 64-bit code (tb_flag_pc64). */
static inline uint64_t tb_linear(uint64_t cs_base, uint64_t pc,
                                 uint32_t flags)
{
    uint64_t lin = cs_base + pc;
    return (flags & tcg_cpu_ops->tb_flag_pc64) ? lin : (uint32_t)lin;
}

/* The jump cache is keyed by linear address: a TLB flush empties it. */
void tb_jc_flush(CPUArchState *env)
{
    TCGCPU *t = env_tcg(env);
    if (t) {
        memset(t->jc, 0, sizeof(t->jc));
    }
}

/* The first block in a hash chain, and the next: chains change under
 * tb_lock while other vCPUs walk them. */
static inline TB *tb_chain_first(unsigned h)
{
    return __atomic_load_n(&tb_hash[h], __ATOMIC_ACQUIRE);
}

static inline TB *tb_chain_next(TB *tb)
{
    return __atomic_load_n(&tb->hash_next, __ATOMIC_ACQUIRE);
}

/* The block for (phys, cs_base, eip, flags) in the hash table, valid or
 * not (invalid ones are unlinked as they are flagged), or NULL. */
static TB *tb_hash_lookup(uint32_t phys, uint64_t cs_base, uint64_t eip,
                          uint32_t flags)
{
    for (TB *tb = tb_chain_first(tb_hash_fn(phys, cs_base, flags, eip)); tb;
         tb = tb_chain_next(tb)) {
        if (tb->phys_pc == phys && tb->cs_base == cs_base &&
            tb->eip == eip && tb->flags == flags) {
            return tb;
        }
    }
    return NULL;
}

bool tb_parallel(void)
{
    return mttcg;
}

/*
 * The physical page a translation is reading code from (multi-threaded:
 * one translation at a time, under tb_lock), ~0 when none.  A store by
 * another vCPU must not slip between the translation's reads and the
 * block's publication unseen: before reading, the translation sets this
 * and makes the other vCPUs' write entries for the page slow; their TLB
 * fills meanwhile test it (tlb_fill), and a slow store tests it after
 * storing (st_page) and then invalidates under tb_lock, which waits for
 * the block.  Left: a store whose fast TLB test ran just before the scan
 * and whose write lands after the bytes were read (a vCPU thread
 * preempted between the two host instructions), as in QEMU.
 */
static uint32_t tb_translating = ~0u;

bool tb_page_translating(uint32_t phys_page)
{
    return __atomic_load_n(&tb_translating, __ATOMIC_SEQ_CST) == phys_page;
}

/* Every vCPU's write entries for pa_page go slow (code there now): the
 * translating vCPU's own (local) and, multi-threaded, the others'. */
static void tb_protect_page(CPUArchState *self, uint32_t pa_page,
                            bool local, bool remote)
{
    for (int i = 0; current_machine && i < current_machine->nr_cpus; i++) {
        CPUState *c = current_machine->cpus[i];
        if (!c || !c->accel_state) {
            continue;
        }
        if (mttcg && &c->env != self) {
            if (remote) {
                tlb_protect_code_page_remote(&c->env, pa_page);
            }
        } else if (local) {
            tlb_protect_code_page(&c->env, pa_page);
        }
    }
}

bool tb_page_has_code(uint32_t phys_page)
{
    return tb_pages && tb_pages[phys_page >> TCG_PAGE_BITS] != NULL;
}

/*
 * Free every block.  Whoever holds a TB pointer across a call that can
 * get here (tb_find translating into a full cache) must check
 * stats.full_flushes before using it again: the exec loop's chaining source
 * (last_tb) is the one such pointer; cur_tb is NULL whenever a flush can
 * run, and the tables below are emptied here.
 */
static void tb_flush_all(void)
{
    trace(tcg_tb_flush, "code cache flushed");
    /* Clear only what the blocks used: the hash and page tables are
     * large.  No vCPU runs (the turn, or an exclusive section). */
    for (int i = 0; current_machine && i < current_machine->nr_cpus; i++) {
        if (current_machine->cpus[i]) {
            tb_jc_flush(&current_machine->cpus[i]->env);
        }
    }
    for (size_t i = 0; i < tb_all_nr; i++) {
        TB *tb = tb_all[i];
        tb_hash[tb_hash_fn(tb->phys_pc, tb->cs_base, tb->flags, tb->eip)] =
            NULL;
        for (int k = 0; k < 2; k++) {
            if (tb->phys_page[k] != ~0u && tb_pages) {
                tb_pages[tb->phys_page[k] >> TCG_PAGE_BITS] = NULL;
            }
        }
    }
    for (size_t i = 0; i < tb_all_nr; i++) {
        TB *tb = tb_all[i];
        if (tb->tci) {
            tci_block_free(tb->tci);
        }
        free(tb->info);
        while (tb->incoming) {
            TBEdge *e = tb->incoming;
            tb->incoming = e->next;
            free(e);
        }
        free(tb);
    }
    tb_all_nr = 0;
    tb_native_nr = 0;
    stats.full_flushes++;
    if (use_native) {
        tcg_code_cache_reset(&code_cache);
    }
    for (int i = 0; current_machine && i < current_machine->nr_cpus; i++) {
        tlb_flush_all(&current_machine->cpus[i]->env);
    }
}

static void tb_unlink_incoming(TB *tb)
{
    for (TBEdge *e = tb->incoming; e; e = e->next) {
        TB *from = e->from;
        if (from->jmp_dest[e->slot] == tb && from->info) {
            tcg_tb_set_jmp_target(from->info, e->slot,
                                  from->info->code +
                                      from->info->jmp_reset_offset[e->slot]);
            from->jmp_dest[e->slot] = NULL;
        }
    }
}

static void tb_remove_from_page(TB *tb, int n)
{
    TB **pp = &tb_pages[tb->phys_page[n] >> TCG_PAGE_BITS];
    while (*pp) {
        TB *t = *pp;
        int k = t->phys_page[0] == tb->phys_page[n] ? 0 : 1;
        if (t == tb) {
            *pp = t->page_next[k];
            return;
        }
        pp = &t->page_next[k];
    }
}

static void tb_invalidate(TB *tb)
{
    if (tb->invalid) {
        return;
    }
    /* Flagged first: jump caches keep it until they are flushed, and
     * every hit tests the flag (the generated probe too). */
    __atomic_store_n(&tb->invalid, true, __ATOMIC_RELEASE);
    stats.tb_invalidated++;
    unsigned h = tb_hash_fn(tb->phys_pc, tb->cs_base, tb->flags, tb->eip);
    for (TB **pp = &tb_hash[h]; *pp; pp = &(*pp)->hash_next) {
        if (*pp == tb) {
            __atomic_store_n(pp, tb->hash_next, __ATOMIC_RELEASE);
            break;
        }
    }
    tb_remove_from_page(tb, 0);
    if (tb->phys_page[1] != ~0u) {
        tb_remove_from_page(tb, 1);
    }
    tb_unlink_incoming(tb);
}

void tb_invalidate_phys_range(uint32_t phys, uint32_t len)
{
    trace(tcg_invalidate, "phys 0x%x len %u", phys, len);
    bool taken = tb_lock_enter();
    uint32_t page = phys & TCG_PAGE_MASK;
    TB *tb = tb_pages[page >> TCG_PAGE_BITS];
    while (tb) {
        int k = tb->phys_page[0] == page ? 0 : 1;
        TB *next = tb->page_next[k];
        /* Block bytes on this page: [start, end] clipped to the page. */
        uint32_t start = k == 0 ? tb->phys_pc : page;
        uint32_t end = (k == 0 && tb->phys_page[1] != ~0u)
                           ? page + TCG_PAGE_SIZE - 1 : tb->phys_end;
        if (phys <= end && phys + len > start) {
            tb_invalidate(tb);
        }
        tb = next;
    }
    tb_lock_leave(taken);
}

/* Bytes of tb on its page k: [*start, *end]. */
static void tb_page_bytes(TB *tb, int k, uint32_t *start, uint32_t *end)
{
    uint32_t page = tb->phys_page[k];
    *start = k == 0 ? tb->phys_pc : page;
    *end = (k == 0 && tb->phys_page[1] != ~0u) ? page + TCG_PAGE_SIZE - 1
                                                : tb->phys_end;
}

/*
 * Invalidate the blocks overlapping [start, start + len) of any size:
 * page by page, or by walking every block when that is shorter.
 */
static void tb_invalidate_phys_span(uint64_t start, uint64_t len)
{
    uint64_t end = MIN(start + len, (uint64_t)1 << 32);
    if (len == 0 || start >= end || !tb_pages) {
        return;
    }
    uint64_t npages = ((end - 1) >> TCG_PAGE_BITS) - (start >> TCG_PAGE_BITS) +
                      1;
    if (npages > tb_all_nr) {
        for (size_t i = 0; i < tb_all_nr; i++) {
            TB *tb = tb_all[i];
            for (int k = 0; k < 2 && !tb->invalid; k++) {
                uint32_t s0, e0;
                if (tb->phys_page[k] == ~0u) {
                    continue;
                }
                tb_page_bytes(tb, k, &s0, &e0);
                if (s0 < end && e0 >= start) {
                    tb_invalidate(tb);
                }
            }
        }
        return;
    }
    for (uint64_t a = start; a < end;) {
        uint64_t next = MIN((a & ~(uint64_t)(TCG_PAGE_SIZE - 1)) +
                                TCG_PAGE_SIZE, end);
        if (tb_pages[a >> TCG_PAGE_BITS]) {
            tb_invalidate_phys_range(a, next - a);
        }
        a = next;
    }
}

/* A device wrote [start, start + len): drop its code; pages left without
 * blocks no longer need their writes reported. */
static void tb_code_written(uint64_t start, uint64_t len)
{
    uint64_t end = MIN(start + len, (uint64_t)1 << 32);
    if (start >= end) {
        return;                 /* above 4 GiB: no code there */
    }
    tb_invalidate_phys_span(start, len);
    for (uint64_t a = start & ~(uint64_t)(TCG_PAGE_SIZE - 1); a < end;
         a += TCG_PAGE_SIZE) {
        if (!tb_pages[a >> TCG_PAGE_BITS]) {
            tcg_code_page_state(a, false);
        }
    }
}

/*
 * The memory map changed in [start, start + len) (a BAR moved, PAM, a VGA
 * window): blocks translated from there and every CPU's TLB entries onto
 * it go; the rest of the code cache stays.
 */
static void tb_map_changed(uint64_t start, uint64_t len)
{
    stats.map_changes++;
    tb_invalidate_phys_span(start, len);
    for (int i = 0; current_machine && i < current_machine->nr_cpus; i++) {
        if (current_machine->cpus[i]) {
            tlb_flush_phys_range(&current_machine->cpus[i]->env, start, len);
        }
    }
}

static void tb_pending_add(uint64_t start, uint64_t len, bool map)
{
    pthread_mutex_lock(&tb_pending_lock);
    if (tb_pending_nr == TB_PENDING_MAX) {
        tb_pending_all = true;
    } else {
        tb_pending[tb_pending_nr].start = start;
        tb_pending[tb_pending_nr].map = map;
        tb_pending[tb_pending_nr++].len = len;
    }
    pthread_mutex_unlock(&tb_pending_lock);
    __atomic_store_n(&tb_pending_flag, 1, __ATOMIC_SEQ_CST);
    tb_kick_all();
}

static void tb_flush_once(void)
{
    /* tb_flush_seen was the count when some vCPU found the cache full:
     * a flush since then made the room. */
    if (stats.full_flushes == tb_flush_seen) {
        tb_flush_all();
    }
}

/* The exec loop (tb_lock held): what other threads queued. */
static void tb_apply_pending(void)
{
    typeof(tb_pending) ranges;
    pthread_mutex_lock(&tb_pending_lock);
    __atomic_store_n(&tb_pending_flag, 0, __ATOMIC_SEQ_CST);
    int n = tb_pending_nr;
    bool all = tb_pending_all;
    memcpy(ranges, tb_pending, n * sizeof(ranges[0]));
    tb_pending_nr = 0;
    tb_pending_all = false;
    pthread_mutex_unlock(&tb_pending_lock);
    if (all) {
        tb_flush_all();
        return;
    }
    for (int i = 0; i < n; i++) {
        if (ranges[i].map) {
            tb_map_changed(ranges[i].start, ranges[i].len);
        } else {
            tb_code_written(ranges[i].start, ranges[i].len);
        }
    }
}

/* With parallel vCPUs, always queued: applying touches every vCPU's TLB,
 * and the caller may hold the global lock. */
static void tcg_code_written(MemoryListener *l, uint64_t addr, uint64_t len)
{
    if (tb_lock_held && !mttcg) {
        tb_code_written(addr, len);
    } else {
        tb_pending_add(addr, len, false);
    }
}

static void tcg_range_changed(MemoryListener *l, uint64_t start,
                              uint64_t len)
{
    if (tb_lock_held && !mttcg) {
        tb_map_changed(start, len);
    } else {
        tb_pending_add(start, len, true);
    }
}

/* The native block whose code contains host address pc, or NULL. */
static TB *tb_find_by_host(uintptr_t pc)
{
    size_t lo = 0, hi = tb_native_nr;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((uintptr_t)tb_native[mid]->info->code < pc) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    /* lo: first block starting at or after pc; the one before holds it. */
    if (lo == 0) {
        return NULL;
    }
    TB *tb = tb_native[lo - 1];
    uintptr_t start = (uintptr_t)tb->info->code;
    return pc > start && pc <= start + tb->info->size ? tb : NULL;
}

void cpu_restore_state(CPUArchState *env, uintptr_t retaddr)
{
    TCGCPU *t = env_tcg(env);
    if (!t->cur_tb) {
        return;                 /* a helper: eip already stored */
    }
    if (retaddr == 0) {
        /* Interpreted blocks are never chained: cur_tb is the one. */
        if (t->cur_tb->tci) {
            tcg_cpu_ops->restore_state_to_opc(env, tci_insn_data);
        }
        return;
    }
    /* tb_native grows under tb_lock as other vCPUs translate. */
    bool taken = tb_lock_enter();
    TB *tb = tb_find_by_host(retaddr);
    if (tb && tcg_search_insn) {
        int i = tcg_search_insn(tb->info, retaddr);
        if (i >= 0) {
            tcg_cpu_ops->restore_state_to_opc(env, tb->info->insn_data[i]);
        }
    }
    tb_lock_leave(taken);
}

/*
 * A store into the running block (x86: later instructions see it).  The
 * block would go on with the code translated before the store, so before
 * the store is done the guest state goes back to the start of the
 * storing instruction and the loop runs that instruction again in a
 * block of its own (smc_single); the block after it is translated from
 * the new bytes.  An instruction alone in its block may overwrite itself:
 * it finishes as fetched, as on hardware.  A helper's store (retaddr 0)
 * under the native back end cannot name its block: helpers that store end
 * their block or store no code in practice, so it is not checked.
 */
void tb_check_smc(CPUArchState *env, uint32_t phys, uint32_t len,
                  uintptr_t retaddr)
{
    TCGCPU *t = env_tcg(env);
    if (!t || !t->cur_tb) {
        return;
    }
    bool taken = tb_lock_enter();
    TB *tb = t->cur_tb->tci ? t->cur_tb
             : retaddr ? tb_find_by_host(retaddr) : NULL;
    tb_lock_leave(taken);
    if (!tb || (tb->flags & TBF_SINGLE)) {
        return;
    }
    bool hit = false;
    for (int k = 0; k < 2 && !hit; k++) {
        uint32_t s0, e0;
        if (tb->phys_page[k] == ~0u) {
            continue;
        }
        tb_page_bytes(tb, k, &s0, &e0);
        hit = phys <= e0 && phys + len > s0;
    }
    if (!hit) {
        return;
    }
    __atomic_fetch_add(&stats.smc_restarts, 1, __ATOMIC_RELAXED);
    cpu_restore_state(env, retaddr);
    t->smc_single = true;
    cpu_loop_exit_excp(env, EXCP_EXIT, 0, false);
}

/* ---- exceptions ---- */

void cpu_loop_exit_excp(CPUArchState *env, int excp, int error_code,
                        bool has_err)
{
    TCGCPU *t = env_tcg(env);
    t->excp = excp;
    t->err = error_code;
    t->has_err = has_err;
    siglongjmp(t->jmp, 1);
}

/* ---- translation ---- */

/*
 * Translate at most max instructions; false if fetching the code faulted
 * (a #PF on the block's second page: the first is known to be mapped).
 * The fault is swallowed and the target's fault state (x86: CR2) left as
 * it was.
 */
static bool translate_try(CPUArchState *env, TB *tb, uint64_t cs_base,
                          uint64_t eip, uint32_t flags, int max, int *n,
                          uint32_t *size)
{
    TCGCPU *t = env_tcg(env);
    sigjmp_buf saved;
    /* The target's state before accel/tcg's fields (exit_request on):
     * what raising the fault may have changed. */
    uint8_t arch[offsetof(CPUArchState, exit_request)];
    volatile bool ok = true;
    memcpy(saved, t->jmp, sizeof(saved));
    memcpy(arch, env, sizeof(arch));
    if (sigsetjmp(t->jmp, 0) == 0) {
        *size = tcg_cpu_ops->translate_block(env, (uintptr_t)tb, cs_base,
                                             eip, flags, max, n);
    } else {
        ok = false;
        memcpy(env, arch, sizeof(arch));
    }
    memcpy(t->jmp, saved, sizeof(saved));
    return ok;
}

/*
 * The block's instructions up to (not including) one that straddles into
 * a page that faults, so that the fault is taken at that instruction with
 * the ones before it executed (SDM: a fetch fault belongs to the
 * instruction being fetched).  Returns the count, 0 if the first one
 * straddles.
 */
static int insns_before_fetch_fault(CPUArchState *env, TB *tb,
                                    uint64_t cs_base, uint64_t eip,
                                    uint32_t flags, int max)
{
    int n;
    uint32_t size;
    for (int k = 1; k < max; k++) {
        if (!translate_try(env, tb, cs_base, eip, flags, k, &n, &size)) {
            return k - 1;
        }
    }
    return max - 1;
}

static TB *tb_gen(CPUArchState *env, uint32_t phys, uint64_t cs_base,
                  uint64_t eip, uint32_t flags)
{
    TCGCPU *t = env_tcg(env);
    TB *tb = calloc(1, sizeof(*tb));
    stats.tb_translated++;
    tb->cs_base = cs_base;
    tb->eip = eip;
    tb->flags = flags;
    tb->phys_pc = phys;
    tb->phys_page[0] = tb->phys_page[1] = ~0u;
    if (tb_all_nr == tb_all_cap) {
        tb_all_cap = tb_all_cap ? tb_all_cap * 2 : 4096;
        tb_all = realloc(tb_all, tb_all_cap * sizeof(*tb_all));
    }
    tb_all[tb_all_nr++] = tb;
    bool pre_protected = false;
    if (mttcg) {
        uint32_t page = phys & TCG_PAGE_MASK;
        __atomic_store_n(&tb_translating, page, __ATOMIC_SEQ_CST);
        if (!tb_page_has_code(page)) {
            tb_protect_page(env, page, false, true);
            pre_protected = true;
        }
    }

    int max = (flags & TBF_SINGLE) ? 1 : TB_MAX_INSNS, n;
    uint32_t size;
    if ((flags & tcg_cpu_ops->tb_flag_paging) &&
        !translate_try(env, tb, cs_base, eip, flags & ~TBF_SINGLE, max, &n,
                       &size)) {
        /* Stop before the instruction whose fetch faults; if it is the
         * first, the translation below raises the #PF for it. */
        int k = insns_before_fetch_fault(env, tb, cs_base, eip,
                                         flags & ~TBF_SINGLE, max);
        max = k > 0 ? k : 1;
    }
    for (;;) {
        size = tcg_cpu_ops->translate_block(env, (uintptr_t)tb, cs_base, eip,
                                            flags & ~TBF_SINGLE, max, &n);
        if (!t->ctx->overflow || max == 1) {
            break;
        }
        max = n > 1 ? n - 1 : 1;
    }
    uint64_t lin = tb_linear(cs_base, eip, flags);
    if (log_enabled(LOG_IN_ASM) && size) {
        uint8_t *bytes = malloc(size);
        for (uint32_t i = 0; i < size; i++) {
            bytes[i] = cpu_ldub_code(env, tb_linear(lin, i, flags));
        }
        tcg_cpu_ops->disas_log(cs_base, eip, bytes, size, flags);
        free(bytes);
    }
    if (log_enabled(LOG_OP)) {
        log_printf("TB %04" PRIx64 ":%08" PRIx64 " (%d insns)\n", cs_base,
                   eip, n);
        tcg_dump_ops(t->ctx, emu_logfile ? emu_logfile : stderr);
    }
    tcg_optimize(t->ctx);
    if (use_native) {
        tb->info = calloc(1, sizeof(*tb->info));
        int r = tcg_gen_code(t->ctx, &code_cache, tb->info);
        if (r == 0 && log_enabled(LOG_OUT_ASM)) {
            disas_log_host(tb->info->code, tb->info->size);
        }
        if (r == 0) {
            tb->code = tb->info->code;
            if (tb_native_nr == tb_native_cap) {
                tb_native_cap = tb_native_cap ? tb_native_cap * 2 : 4096;
                tb_native = realloc(tb_native,
                                    tb_native_cap * sizeof(*tb_native));
            }
            tb_native[tb_native_nr++] = tb;
        }
        if (r == -ENOSPC && tb_native_nr > 0) {
            /* Flush and start over: the caller looks the block up again. */
            if (mttcg) {
                __atomic_store_n(&tb_translating, ~0u, __ATOMIC_SEQ_CST);
                tb_flush_exclusive(t);
            } else {
                tb_flush_all();
            }
            return NULL;
        }
        if (r < 0) {
            error_report("tcg: back end rejected the block at %04" PRIx64
                         ":%08" PRIx64, cs_base, eip);
            free(tb->info);
            tb->info = NULL;
            tb->tci = tci_block_new(t->ctx);
        }
    } else {
        tb->tci = tci_block_new(t->ctx);
    }
    uint64_t last = tb_linear(lin, size ? size - 1 : 0, flags);
    tb->phys_page[0] = phys & TCG_PAGE_MASK;
    tb->phys_page[1] = ~0u;
    tb->phys_end = phys + (size ? size - 1 : 0);
    if ((last & TCG_PAGE_MASK) != (lin & TCG_PAGE_MASK)) {
        uint32_t p2 = get_phys_code(env, last);
        tb->phys_page[1] = p2 & TCG_PAGE_MASK;
        tb->phys_end = p2;
    }
    for (int k = 0; k < 2; k++) {
        if (tb->phys_page[k] == ~0u) {
            continue;
        }
        TB **head = &tb_pages[tb->phys_page[k] >> TCG_PAGE_BITS];
        bool first = *head == NULL;
        tb->page_next[k] = *head;
        __atomic_store_n(head, tb, __ATOMIC_SEQ_CST);
        if (first) {
            tcg_code_page_state(tb->phys_page[k], true);
            /* The first page's other vCPUs were done before reading. */
            tb_protect_page(env, tb->phys_page[k], true,
                            !(k == 0 && pre_protected));
        }
    }
    /* Last: other vCPUs find it from here on, complete. */
    unsigned h = tb_hash_fn(phys, cs_base, flags, eip);
    tb->hash_next = tb_hash[h];
    __atomic_store_n(&tb_hash[h], tb, __ATOMIC_RELEASE);
    if (mttcg) {
        __atomic_store_n(&tb_translating, ~0u, __ATOMIC_SEQ_CST);
    }
    return tb;
}

static TB *tb_find(CPUArchState *env)
{
    TCGCPU *t = env_tcg(env);
    uint64_t cs_base, eip;
    uint32_t flags;
    if (unlikely(!tcg_cpu_ops->get_tb_cpu_state(env, &cs_base, &eip,
                                                &flags))) {
        tcg_cpu_ops->raise_fetch_fault(env);
    }
    if (unlikely(t->smc_single)) {
        /* The instruction that stored into its block, alone (the same
         * block single-instruction flags would give: kept in the cache). */
        t->smc_single = false;
        flags |= TBF_SINGLE;
    }
    uint64_t lin = tb_linear(cs_base, eip, flags);
    unsigned j = tb_jc_fn(lin);
    TB *tb = t->jc[j];
    if (tb && tb->cs_base == cs_base && tb->eip == eip && tb->flags == flags &&
        !__atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
        return tb;
    }
    uint32_t phys = get_phys_code(env, lin);
    for (;;) {
        tb = tb_hash_lookup(phys, cs_base, eip, flags);
        if (!tb) {
            /* Looked up again under the lock: another vCPU may have
             * translated it meanwhile.  A fault in the translation
             * unwinds to the loop, which drops the lock. */
            bool taken = tb_lock_enter();
            tb = tb_hash_lookup(phys, cs_base, eip, flags);
            if (!tb) {
                tb = tb_gen(env, phys, cs_base, eip, flags);
            }
            tb_lock_leave(taken);
        }
        if (tb) {
            break;
        }
    }
    t->jc[j] = tb;
    return tb;
}

/* goto_ptr: the next block's host code, or NULL to go back to the loop. */
static const void *lookup_tb_ptr(void *opaque)
{
    CPUArchState *env = opaque;
    if (env->exit_request) {
        return NULL;
    }
    uint64_t cs_base, eip;
    uint32_t flags, phys;
    /* The loop handles what cannot be fetched and single-instruction
     * blocks (breakpoints). */
    if (!tcg_cpu_ops->get_tb_cpu_state(env, &cs_base, &eip, &flags) ||
        (flags & TBF_SINGLE)) {
        return NULL;
    }
    uint64_t lin = tb_linear(cs_base, eip, flags);
    unsigned j = tb_jc_fn(lin);
    TCGCPU *t = env_tcg(env);
    TB *tb = t->jc[j];
    if (tb && tb->code && tb->cs_base == cs_base && tb->eip == eip &&
        tb->flags == flags && !__atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
        t->cur_tb = tb;
        return tb->code;
    }
    /* A jump-cache miss (e.g. after a TLB flush): find an existing block
     * by the fetch TLB's physical address rather than leave to the loop,
     * which translates. */
    if (!tlb_probe_code(env, lin, &phys)) {
        return NULL;
    }
    tb = tb_hash_lookup(phys, cs_base, eip, flags);
    if (!tb || !tb->code || __atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
        return NULL;
    }
    t->jc[j] = tb;
    t->cur_tb = tb;
    return tb->code;
}

/* Whether from's exit slot may be chained to to (the fields tested do
 * not change once the blocks are published, but the invalid flags). */
static bool tb_can_chain(TB *from, int slot, TB *to)
{
    if (!from->info || !to->info ||
        __atomic_load_n(&from->invalid, __ATOMIC_ACQUIRE) ||
        __atomic_load_n(&to->invalid, __ATOMIC_ACQUIRE) ||
        ((from->flags | to->flags) & TBF_SINGLE) ||
        from->jmp_dest[slot] ||
        from->info->jmp_insn_offset[slot] == UINT32_MAX) {
        return false;
    }
    /* Under paging, only chain within a page (the mapping may change). */
    return !(from->flags & tcg_cpu_ops->tb_flag_paging) ||
           from->phys_page[0] == to->phys_page[0];
}

/* Chain from's exit slot to to: tested without the lock first, since
 * most transitions are chained already or cannot be. */
static void tb_add_jump(TB *from, int slot, TB *to)
{
    if (!tb_can_chain(from, slot, to)) {
        return;
    }
    bool taken = tb_lock_enter();
    if (tb_can_chain(from, slot, to)) {
        tcg_tb_set_jmp_target(from->info, slot, to->info->code);
        from->jmp_dest[slot] = to;
        TBEdge *e = malloc(sizeof(*e));
        e->from = from;
        e->slot = slot;
        e->next = to->incoming;
        to->incoming = e;
    }
    tb_lock_leave(taken);
}

/* ---- the loop ---- */

static void tb_turn_ask_yield(void)
{
    __atomic_store_n(&tb_turn_yield, 1, __ATOMIC_RELEASE);
    if (tb_turn_holder) {
        tb_turn_holder->env.exit_request = 1;
    }
}

static void tb_turn_take(CPUState *cpu)
{
    pthread_mutex_lock(&tb_turn_mutex);
    unsigned me = tb_turn_next++;
    while (me != tb_turn_serving) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += TB_TURN_SLICE_NS;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        if (pthread_cond_timedwait(&tb_turn_cond, &tb_turn_mutex, &ts) ==
                ETIMEDOUT &&
            me != tb_turn_serving) {
            tb_turn_ask_yield();
        }
    }
    tb_turn_holder = cpu;
    tb_turn_pauses = 0;
    __atomic_store_n(&tb_turn_yield, 0, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&tb_turn_mutex);
    pthread_mutex_lock(&tb_lock);
    tb_lock_held = true;
}

static void tb_turn_give(void)
{
    tb_lock_held = false;
    pthread_mutex_unlock(&tb_lock);
    pthread_mutex_lock(&tb_turn_mutex);
    tb_turn_holder = NULL;
    tb_turn_serving++;
    pthread_cond_broadcast(&tb_turn_cond);
    pthread_mutex_unlock(&tb_turn_mutex);
}

/*
 * Not at the turn's first PAUSE: a spin loop that starts with PAUSE (try
 * after the pause) must get one try at the lock per turn, or two such
 * loops hand the turn back and forth without either ever trying.
 */
void tcg_cpu_yield_hint(CPUArchState *env)
{
    if (mttcg) {
        return;     /* the other vCPUs run already */
    }
    if (++tb_turn_pauses < 2) {
        return;
    }
    unsigned next = __atomic_load_n(&tb_turn_next, __ATOMIC_RELAXED);
    unsigned serving = __atomic_load_n(&tb_turn_serving, __ATOMIC_RELAXED);
    if (next - serving > 1) {
        tb_turn_ask_yield(); /* env is the holder's */
    }
}

/* With tb_lock held. */
static void tcg_put_state_locked(CPUState *cpu)
{
    CPUArchState *env = &cpu->env;
    tcg_cpu_ops->put_state(env);
    tlb_flush_all(env);
    /* Loaders write memory behind our back: start from scratch. */
    tb_flush_all();
}

static void tcg_put_state(CPUState *cpu)
{
    pthread_mutex_lock(&tb_lock);
    tb_lock_held = true;
    tcg_put_state_locked(cpu);
    tb_lock_held = false;
    pthread_mutex_unlock(&tb_lock);
}

static void tcg_get_state(CPUState *cpu)
{
    tcg_cpu_ops->get_state(&cpu->env);
}

static AccelExit tcg_vcpu_exec(CPUState *cpu)
{
    CPUArchState *env = &cpu->env;
    TCGCPU *t = cpu->accel_state;
    volatile AccelExit ret = ACCEL_EXIT_KICKED;
    TB *volatile last_tb = NULL;
    volatile int last_slot = 0;
    volatile uint64_t last_flushes = 0;     /* full_flushes at last_tb */

    tcg_ctx = t->ctx;
    if (mttcg) {
        exec_start(t);
        if (cpu->state_dirty) {
            /* Loaders wrote memory: the whole cache goes, in an
             * exclusive section before the next block (tb_apply_pending). */
            tcg_cpu_ops->put_state(env);
            tlb_flush_all(env);
            tb_jc_flush(env);
            tb_request_flush();
            cpu->state_dirty = false;
        }
    } else {
        /* The turn first: the put flushes the shared block cache. */
        tb_turn_take(cpu);
        if (cpu->state_dirty) {
            tcg_put_state_locked(cpu);
            cpu->state_dirty = false;
        }
    }
    if (sigsetjmp(t->jmp, 0) != 0) {
        /* An exception or an exit from a helper / slow path (a fault in
         * a translation included: it held tb_lock). */
        if (mttcg && tb_lock_held) {
            __atomic_store_n(&tb_translating, ~0u, __ATOMIC_SEQ_CST);
            tb_lock_drop();
        }
        t->cur_tb = NULL;
        last_tb = NULL;
        AccelExit r = tcg_cpu_ops->cpu_exec_exception(cpu, t->excp, t->err,
                                                      t->has_err);
        if (r != ACCEL_EXIT_KICKED) {
            ret = r;
            goto out;
        }
    }
    for (;;) {
        /* Clear first, then look at the requests: a kick that lands in
         * between is seen here or by the next block's exit_request test.
         * Nothing to clear (the common case): no store, so no fence; a
         * kick after this load is seen by the next block's test. */
        if (env->exit_request) {
            env->exit_request = 0;
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            if (!mttcg && __atomic_load_n(&tb_turn_yield, __ATOMIC_ACQUIRE)) {
                break; /* another vCPU's turn */
            }
            if (mttcg && __atomic_load_n(&excl_pending, __ATOMIC_ACQUIRE)) {
                /* Let an exclusive section run (it may free blocks). */
                exec_end(t);
                exec_start(t);
                last_tb = NULL;
            }
        } else {
            __atomic_thread_fence(__ATOMIC_ACQUIRE);
        }
        if (cpu->stop_request || cpu->reset_request || cpu->exit_thread ||
            cpu->init_request || cpu->sipi_request) {
            break;
        }
        if (unlikely(__atomic_load_n(&tb_pending_flag, __ATOMIC_ACQUIRE))) {
            /* Device writes over code, memory map changes: they touch
             * every vCPU's TLB, so with parallel vCPUs all step out. */
            if (mttcg) {
                tb_exclusive_run(t, tb_apply_pending);
            } else {
                tb_apply_pending();
            }
            last_tb = NULL;
        }
        if (tcg_cpu_ops->cpu_exec_enter(cpu)) {
            last_tb = NULL;
        }
        TB *tb = tb_find(env);
        if (unlikely(log_enabled(LOG_EXEC | LOG_CPU))) {
            tcg_cpu_ops->log_exec(env, tb->phys_pc, tb->flags);
            last_tb = NULL;     /* no chaining: log every block */
        }
        /* The block we came from is gone if tb_find flushed the cache to
         * make room for tb. */
        if (last_tb && use_native && last_flushes == stats.full_flushes) {
            tb_add_jump(last_tb, last_slot, tb);
        }
        /* What the checks after the block need: no TB pointer is used
         * once the block has run. */
        uint32_t tb_flags = tb->flags;
        uint64_t tb_eip = tb->eip;
        t->cur_tb = tb;
        uintptr_t r;
        if (tb->info) {
            r = tcg_tb_exec(&code_cache, env, tb->info->code);
        } else {
            r = tci_block_exec(tb->tci, env);
        }
        t->cur_tb = NULL;
        last_tb = (TB *)(r & ~(uintptr_t)3);
        last_slot = r & 3;
        last_flushes = stats.full_flushes;
        tcg_cpu_ops->cpu_exec_after(cpu, tb_flags, tb_eip);
    }
out:
    t->cur_tb = NULL;
    if (mttcg) {
        exec_end(t);
    } else {
        tb_turn_give();
    }
    if (ret == ACCEL_EXIT_HALTED) {
        /* The halt loop reads env (EFLAGS.IF): make it complete. */
        tcg_cpu_ops->get_state(env);
    }
    return ret;
}

/* ---- AccelOps ---- */

static bool tcg_available(const char **why)
{
    (void)why;
    return true;
}

/* EMU_TCG_TB_SIZE: the code cache in MiB (1-1024), as QEMU's tb-size. */
static int code_cache_size(size_t *size, Error **errp)
{
    const char *v = getenv("EMU_TCG_TB_SIZE");
    *size = CODE_CACHE_SIZE;
    if (!v) {
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long mib = strtoul(v, &end, 10);
    if (errno || end == v || *end || mib < 1 || mib > 1024) {
        error_setg(errp, "EMU_TCG_TB_SIZE=%s: want the code cache size in "
                         "MiB, 1 to 1024", v);
        return -1;
    }
    *size = mib * MiB;
    return 0;
}

static int tcg_global_init(Error **errp)
{
    size_t cache_size;
    if (tcg_inited) {
        return 0;
    }
    if (code_cache_size(&cache_size, errp) < 0) {
        return -1;
    }
    tcg_inited = true;
    const char *interp = getenv("EMU_TCG_INTERP");
    use_native = tcg_gen_code && tcg_code_cache_init &&
                 !(interp && interp[0] == '1');
    if (use_native && tcg_code_cache_init(&code_cache, cache_size) < 0) {
        use_native = false;
    }
    TCGBackendConfig cfg = {
        .tlb_offset = offsetof(CPUArchState, tcg_tlb),
        .slow_ld = tcg_slow_ld,
        .slow_st = tcg_slow_st,
        .lookup_tb_ptr = lookup_tb_ptr,
        .jc = {
            .enabled = true,
            .env_table = offsetof(CPUArchState, tcg_jc),
            .bits = TB_JC_BITS,
            .env_cs_base = tcg_cpu_ops->env_cs_base_offset,
            .env_eip = tcg_cpu_ops->env_pc_offset,
            .env_flags = tcg_cpu_ops->env_flags_offset,
            .tb_cs_base = offsetof(TB, cs_base),
            .tb_eip = offsetof(TB, eip),
            .tb_flags = offsetof(TB, flags),
            .tb_invalid = offsetof(TB, invalid),
            .tb_code = offsetof(TB, code),
        },
    };
    tcg_backend_init(&cfg);
    tb_pages = calloc(1u << 20, sizeof(TB *));
    tcg_dirty_init();
    return 0;
}

static int tcg_init(Machine *m, Error **errp)
{
    if (tcg_global_init(errp) < 0) {
        return -1;
    }
    /* One vCPU runs the same either way: the turn path, as before. */
    mttcg = !m->opts.tcg_single_thread && m->opts.smp > 1;
    memory_listener_unregister(&tcg_listener);
    tcg_listener.code_written = tcg_code_written;
    tcg_listener.range_changed = tcg_range_changed;
    memory_listener_register(&tcg_listener, m->as_mem);
    return 0;
}

static int tcg_vcpu_init(CPUState *cpu, Error **errp)
{
    if (tcg_global_init(errp) < 0) {
        return -1;
    }
    TCGCPU *t = calloc(1, sizeof(*t));
    t->cpu = cpu;
    t->ctx = calloc(1, sizeof(TCGContext));
    tcg_context_init(t->ctx);
    tcg_cpu_ops->translate_init();
    cpu->accel_state = t;
    cpu->env.tcg_jc = (void *const *)t->jc;
    cpu->env.tcg_tlb_nlog = UINT32_MAX;     /* first flush: every entry */
    tlb_flush_all(&cpu->env);
    cpu->state_dirty = true;
    return 0;
}

static void tcg_vcpu_kick(CPUState *cpu)
{
    cpu->env.exit_request = 1;
}

/* Every block goes before any vCPU runs its next one. */
static void tb_request_flush(void)
{
    pthread_mutex_lock(&tb_pending_lock);
    tb_pending_all = true;
    pthread_mutex_unlock(&tb_pending_lock);
    __atomic_store_n(&tb_pending_flag, 1, __ATOMIC_SEQ_CST);
    tb_kick_all();
}

/*
 * The debugger's breakpoints are compiled into the blocks and its
 * watchpoints into the TLB (target-i386/tcg-cpu.c): after a change, drop
 * every block and TLB entry before the vCPUs run again.  Linear
 * breakpoint addresses have no physical page to invalidate by while their
 * page is unmapped; gdb changes them only when the machine stops, so a
 * full flush costs one retranslation per resume.
 */
static int tcg_update_guest_debug(CPUState *cpu)
{
    (void)cpu;
    tb_request_flush();
    return 0;
}

static void tcg_vcpu_destroy(CPUState *cpu)
{
    TCGCPU *t = cpu->accel_state;
    if (t) {
        free(t->ctx);
        free(t);
        cpu->accel_state = NULL;
    }
}

static const AccelOps tcg_accel_ops = {
    .name = "tcg",
    .desc = "dynamic binary translator (x86 -> x86-64)",
    .noun = "the translator",
    /* 64-bit guests on request (-cpu qemu64/max): the default model stays
     * the 32-bit one (accel.h, ACCEL_CAP_LONG_MODE_OPT). */
    .caps = ACCEL_CAP_LONG_MODE_OPT,
    .priority = 0,
    .available = tcg_available,
    .init = tcg_init,
    .vcpu_init = tcg_vcpu_init,
    .vcpu_exec = tcg_vcpu_exec,
    .vcpu_kick = tcg_vcpu_kick,
    .get_state = tcg_get_state,
    .put_state = tcg_put_state,
    .vcpu_destroy = tcg_vcpu_destroy,
    .update_guest_debug = tcg_update_guest_debug,
};
ACCEL_REGISTER(tcg_accel_ops);
