/*
 * The translator's softmmu: the software TLB that generated code indexes
 * (tcg/tcg-backend.h), the slow paths that fill it (through the target's
 * tlb_fill: tcg-cpu-ops.h) and dispatch MMIO to the machine's memory API
 * under the global lock, and the public loads and stores target helpers
 * use (cpu-ldst.h).
 *
 * A TLB entry maps a linear page of one MMU mode to host memory when the
 * page is RAM (ROM: reads only).  A write tag with the slow flag sends
 * stores through tcg_slow_st: pages holding translated code (the blocks
 * they overlap are invalidated first), pages a dirty-tracking client has
 * clean (the not-dirty marker: the slow path records the store in the
 * region's bitmaps, see emu/memory.h), pages tlb_fill did not give
 * PAGE_WRITE (the refill flag: walked again, so the target raises its
 * fault or records the write, e.g. x86's D flag), pages a watchpoint
 * covers (the watch flag, in the read tag too), ROM and MMIO.  A store
 * that ROM or unassigned space drops invalidates no translated code.
 * Fetch entries (addr_code) exist only for executable pages.  Every TLB
 * flush also empties the exec loop's jump cache, which is keyed by linear
 * address.
 *
 * Linear addresses and tags are 64 bits (tcg-backend.h): a 32-bit guest's
 * are the same with bits 63..32 zero.  The physical page of each entry is
 * kept beside the TLB (TCGCPU.tlb_phys), so that an entry stays 32 bytes.
 */
#include "emu/common.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "accel/tcg/cpu-ldst.h"
#include "accel/tcg/tcg-internal.h"

/* Low bits in a tag: any of them sends the access to the slow path. */
#define TLB_FLAG_SLOW UINT64_C(1)          /* MMIO, ROM writes, code pages */
#define TLB_FLAG_REFILL UINT64_C(2)        /* addr_write: fill again on a store */
#define TLB_FLAG_WATCH UINT64_C(4)         /* a watchpoint covers the page */

#define TLB_LOG_MAX ((uint32_t)ARRAY_SIZE(((CPUArchState *)0)->tcg_tlb_log))

/* The physical page of an entry, by its place in the TLB. */
static inline uint64_t *tlb_phys(CPUArchState *env, const TCGTLBEntry *e)
{
    return &env_tcg(env)->tlb_phys[e - (const TCGTLBEntry *)env->tcg_tlb];
}

static void tlb_entry_clear(TCGTLBEntry *e)
{
    e->addr_read = TCG_TLB_INVALID;
    e->addr_write = TCG_TLB_INVALID;
    e->addr_code = TCG_TLB_INVALID;
    e->addend = 0;
}

/* Clears the entries filled since the last flush (all if too many). */
void tlb_flush_all(CPUArchState *env)
{
    TCGTLBEntry *t = (TCGTLBEntry *)env->tcg_tlb;
    if (env->tcg_tlb_nlog <= TLB_LOG_MAX) {
        for (uint32_t i = 0; i < env->tcg_tlb_nlog; i++) {
            tlb_entry_clear(&t[env->tcg_tlb_log[i]]);
        }
    } else {
        for (int i = 0; i < TCG_NB_MMU_MODES * TCG_TLB_SIZE; i++) {
            tlb_entry_clear(&t[i]);
        }
    }
    env->tcg_tlb_nlog = 0;
}

/* Entries whose physical page overlaps [start, start + len) (a memory map
 * change there); the others stay. */
void tlb_flush_phys_range(CPUArchState *env, uint64_t start, uint64_t len)
{
    TCGTLBEntry *t = (TCGTLBEntry *)env->tcg_tlb;
    const uint64_t *phys = env_tcg(env)->tlb_phys;
    uint64_t end = start + len;
    if (env->tcg_tlb_nlog <= TLB_LOG_MAX) {
        for (uint32_t i = 0; i < env->tcg_tlb_nlog; i++) {
            uint32_t k = env->tcg_tlb_log[i];
            if (phys[k] < end && phys[k] + TCG_PAGE_SIZE > start) {
                tlb_entry_clear(&t[k]);
            }
        }
        return;
    }
    for (int i = 0; i < TCG_NB_MMU_MODES * TCG_TLB_SIZE; i++) {
        if (phys[i] < end && phys[i] + TCG_PAGE_SIZE > start) {
            tlb_entry_clear(&t[i]);
        }
    }
}

void tlb_flush(CPUArchState *env)
{
    tlb_flush_all(env);
    tb_jc_flush(env);
}

/* A tag's page, whatever its flags; TCG_TLB_INVALID matches no page. */
static inline bool tag_is_page(uint64_t tag, uint64_t page)
{
    return tag != TCG_TLB_INVALID && (tag & TCG_PAGE_MASK) == page;
}

void tlb_flush_page(CPUArchState *env, uint64_t addr)
{
    uint64_t page = addr & TCG_PAGE_MASK;
    for (int m = 0; m < TCG_NB_MMU_MODES; m++) {
        TCGTLBEntry *e = &env_tlb(env, m)[TCG_TLB_INDEX(addr)];
        if (tag_is_page(e->addr_read, page) ||
            tag_is_page(e->addr_write, page) ||
            tag_is_page(e->addr_code, page)) {
            tlb_entry_clear(e);
        }
    }
    tb_jc_flush(env);
}

static AddressSpace *mem_as(void)
{
    return current_machine->as_mem;
}

static TCGTLBEntry *tlb_fill(CPUArchState *env, uint64_t lin,
                             MMUAccessType type, int mmu_idx,
                             uintptr_t retaddr);

/* The TLB's code entry when it has one; else a walk that fills it, as a
 * code fetch would: blocks found through the hash table after a TLB
 * flush (every guest CR3 write empties the jump cache) then cost one
 * walk per page, not one per lookup. */
uint32_t get_phys_code(CPUArchState *env, uint64_t linear)
{
    uint32_t phys;
    if (tlb_probe_code(env, linear, &phys)) {
        return phys;
    }
    TCGTLBEntry *e = tlb_fill(env, linear, MMU_INST_FETCH,
                              tcg_cpu_ops->mmu_index(env), 0);
    return *tlb_phys(env, e) | (linear & 0xfff);
}

/* Fill the entry for lin's page; returns it. */
static TCGTLBEntry *tlb_fill(CPUArchState *env, uint64_t lin,
                             MMUAccessType type, int mmu_idx,
                             uintptr_t retaddr)
{
    TCGTLBFill f;
    uint64_t page = lin & TCG_PAGE_MASK;
    tcg_cpu_ops->tlb_fill(env, lin, type, mmu_idx, retaddr, &f);
    /* The code tracking (blocks, pages with code) keys on 32-bit physical
     * addresses: the machine has nothing above 4 GiB. */
    uint32_t pa = (uint32_t)f.phys & TCG_PAGE_MASK;
    TCGTLBEntry *e = &env_tlb(env, mmu_idx)[TCG_TLB_INDEX(lin)];
    if (env->tcg_tlb_nlog < TLB_LOG_MAX) {
        env->tcg_tlb_log[env->tcg_tlb_nlog] =
            e - (TCGTLBEntry *)env->tcg_tlb;
    }
    if (env->tcg_tlb_nlog <= TLB_LOG_MAX) {
        env->tcg_tlb_nlog++;
    }
    /* One lookup: RAM (ROM reads only) that covers the whole page. */
    const FlatRange *fr = address_space_lookup(mem_as(), pa);
    uint8_t *rd = NULL;
    bool wr = false;
    if (fr && fr->mr->ram && fr->size >= TCG_PAGE_SIZE &&
        pa - fr->start <= fr->size - TCG_PAGE_SIZE) {
        uint64_t off = fr->offset + (pa - fr->start);
        rd = fr->mr->ram + off;
        /* Not dirty for some client (code on it, a display or a snapshot
         * watching): stores take the slow path, which records them. */
        wr = !fr->readonly && memory_region_page_all_dirty(fr->mr, off);
    }
    e->addr_read = rd ? page : page | TLB_FLAG_SLOW;
    e->addr_code = !(f.prot & PAGE_EXEC) ? TCG_TLB_INVALID
                   : rd ? page : page | TLB_FLAG_SLOW;
    e->addr_write = !(f.prot & PAGE_WRITE) ? page | TLB_FLAG_SLOW |
                                                 TLB_FLAG_REFILL
                    : (wr && !tb_page_has_code(pa)) ? page
                    : page | TLB_FLAG_SLOW;
    if (unlikely(tcg_cpu_ops->page_watched(env, page))) {
        e->addr_read |= TLB_FLAG_SLOW | TLB_FLAG_WATCH;
        e->addr_write |= TLB_FLAG_SLOW | TLB_FLAG_WATCH;
    }
    *tlb_phys(env, e) = pa;
    e->addend = rd ? (uintptr_t)rd - page : 0;
    if (e->addr_write == page) {
        /* Another vCPU may have translated code on the page since the
         * test above: it published the page's block, then scanned our
         * TLB (tlb_protect_code_page_remote).  Either it saw this entry
         * or we see its block here. */
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (tb_page_has_code(pa) || tb_page_translating(pa)) {
            __atomic_fetch_or(&e->addr_write, TLB_FLAG_SLOW, __ATOMIC_SEQ_CST);
        }
    }
    return e;
}

void tlb_protect_code_page(CPUArchState *env, uint32_t pa_page)
{
    TCGTLBEntry *t = (TCGTLBEntry *)env->tcg_tlb;
    const uint64_t *phys = env_tcg(env)->tlb_phys;
    if (env->tcg_tlb_nlog <= TLB_LOG_MAX) {
        for (uint32_t i = 0; i < env->tcg_tlb_nlog; i++) {
            uint32_t k = env->tcg_tlb_log[i];
            if (t[k].addr_write != TCG_TLB_INVALID && phys[k] == pa_page) {
                t[k].addr_write |= TLB_FLAG_SLOW;
            }
        }
        return;
    }
    for (int i = 0; i < TCG_NB_MMU_MODES * TCG_TLB_SIZE; i++) {
        if (t[i].addr_write != TCG_TLB_INVALID && phys[i] == pa_page) {
            t[i].addr_write |= TLB_FLAG_SLOW;
        }
    }
}

/*
 * The same for a vCPU that may be running on another thread: its fill log
 * is its own, so the whole TLB is scanned, and the flag is set with an
 * atomic OR (its thread may be filling entries; see tlb_fill's re-test).
 */
void tlb_protect_code_page_remote(CPUArchState *env, uint32_t pa_page)
{
    TCGTLBEntry *t = (TCGTLBEntry *)env->tcg_tlb;
    const uint64_t *phys = env_tcg(env)->tlb_phys;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (int i = 0; i < TCG_NB_MMU_MODES * TCG_TLB_SIZE; i++) {
        uint64_t tag = __atomic_load_n(&t[i].addr_write, __ATOMIC_RELAXED);
        if (tag != TCG_TLB_INVALID && !(tag & TLB_FLAG_SLOW) &&
            __atomic_load_n(&phys[i], __ATOMIC_RELAXED) == pa_page) {
            __atomic_fetch_or(&t[i].addr_write, TLB_FLAG_SLOW,
                              __ATOMIC_SEQ_CST);
        }
    }
}

/*
 * The CODE dirty client follows the block lists (tcg-accel.c): a page
 * that gets its first block is marked clean ("code here") so that writes
 * from devices are reported (code_written); a page left without blocks is
 * marked dirty again.
 */
void tcg_code_page_state(uint32_t pa_page, bool has_code)
{
    const FlatRange *fr = address_space_lookup(mem_as(), pa_page);
    if (!fr || !fr->mr->ram) {
        return;
    }
    uint64_t off = fr->offset + (pa_page - fr->start);
    if (has_code) {
        memory_region_reset_dirty(fr->mr, off, TCG_PAGE_SIZE,
                                  DIRTY_MEMORY_CODE);
    } else {
        memory_region_set_dirty_mask(fr->mr, off, TCG_PAGE_SIZE,
                                     1u << DIRTY_MEMORY_CODE);
    }
}

/*
 * A dirty client cleared [host, host+len): every CPU's write entries onto
 * it go slow again (memory_set_dirty_reset_hook).  May run in the main
 * loop while a vCPU uses its TLB, hence the atomic OR; a whole scan since
 * the fill log belongs to the vCPU thread.
 */
static void tlb_reset_dirty_range(uint8_t *host, uint64_t len)
{
    uintptr_t lo = (uintptr_t)host, hi = lo + len;
    for (int c = 0; current_machine && c < current_machine->nr_cpus; c++) {
        CPUState *cpu = current_machine->cpus[c];
        if (!cpu || !cpu->accel_state) {
            continue;
        }
        TCGTLBEntry *t = (TCGTLBEntry *)cpu->env.tcg_tlb;
        for (int i = 0; i < TCG_NB_MMU_MODES * TCG_TLB_SIZE; i++) {
            uint64_t tag = __atomic_load_n(&t[i].addr_write, __ATOMIC_RELAXED);
            if (tag & ~TCG_PAGE_MASK) {
                continue;       /* already slow or invalid */
            }
            uintptr_t h = t[i].addend + tag;
            if (h + TCG_PAGE_SIZE > lo && h < hi) {
                __atomic_fetch_or(&t[i].addr_write, TLB_FLAG_SLOW,
                                  __ATOMIC_SEQ_CST);
            }
        }
    }
}

void tcg_dirty_init(void)
{
    memory_set_dirty_reset_hook(tlb_reset_dirty_range);
}

static uint64_t ld_page(CPUArchState *env, uint64_t addr, int size,
                        int mmu_idx, uintptr_t retaddr)
{
    TCGTLBEntry *e = &env_tlb(env, mmu_idx)[TCG_TLB_INDEX(addr)];
    if ((e->addr_read & ~(TLB_FLAG_SLOW | TLB_FLAG_WATCH)) !=
            (addr & TCG_PAGE_MASK) ||
        e->addr_read == TCG_TLB_INVALID) {
        e = tlb_fill(env, addr, MMU_DATA_LOAD, mmu_idx, retaddr);
    }
    if (unlikely(e->addr_read & TLB_FLAG_WATCH)) {
        tcg_cpu_ops->check_watchpoint(env, addr, size, false);
    }
    if (!(e->addr_read & TLB_FLAG_SLOW)) {
        const uint8_t *p = (const uint8_t *)(e->addend + addr);
        switch (size) {
        case 1: return *p;
        case 2: return ldw_le_p(p);
        case 4: return ldl_le_p(p);
        default: return ldq_le_p(p);
        }
    }
    uint64_t v = 0;
    uint32_t pa = *tlb_phys(env, e) | (addr & 0xfff);
    bql_lock_io();
    address_space_read_val(mem_as(), pa, size, &v);
    bql_unlock_io();
    return v;
}

static void st_page(CPUArchState *env, uint64_t addr, int size, uint64_t val,
                    int mmu_idx, uintptr_t retaddr)
{
    TCGTLBEntry *e = &env_tlb(env, mmu_idx)[TCG_TLB_INDEX(addr)];
    /* The refill flag (not writable here, or the target has a write to
     * record first) is not masked: the entry is filled again. */
    if ((e->addr_write & ~(TLB_FLAG_SLOW | TLB_FLAG_WATCH)) !=
            (addr & TCG_PAGE_MASK) ||
        e->addr_write == TCG_TLB_INVALID) {
        e = tlb_fill(env, addr, MMU_DATA_STORE, mmu_idx, retaddr);
    }
    uint32_t pa = *tlb_phys(env, e) | (addr & 0xfff);
    if (unlikely(e->addr_write & TLB_FLAG_WATCH)) {
        tcg_cpu_ops->check_watchpoint(env, addr, size, true);
    }
    if (e->addr_write & TLB_FLAG_SLOW) {
        const FlatRange *fr = address_space_lookup(mem_as(), pa);
        if (fr && fr->mr->ram && !fr->readonly && fr->size >= (uint64_t)size &&
            pa - fr->start <= fr->size - size) {
            uint64_t off = fr->offset + (pa - fr->start);
            uint8_t *p = fr->mr->ram + off;
            if (tb_page_has_code(pa & TCG_PAGE_MASK)) {
                tb_check_smc(env, pa, size, retaddr);
                tb_invalidate_phys_range(pa, size);
            }
            switch (size) {
            case 1: *p = val; break;
            case 2: stw_le_p(p, val); break;
            case 4: stl_le_p(p, val); break;
            default: stq_le_p(p, val); break;
            }
            if (tb_parallel()) {
                /* Another vCPU may have translated the old bytes between
                 * the invalidation above and the store: once more, now
                 * that a translation (under the TB lock) sees the new.
                 * The fence: the store is visible before we look for
                 * its blocks (else both sides may miss each other). */
                __atomic_thread_fence(__ATOMIC_SEQ_CST);
                if (tb_page_has_code(pa & TCG_PAGE_MASK) ||
                    tb_page_translating(pa & TCG_PAGE_MASK)) {
                    tb_invalidate_phys_range(pa, size);
                }
            }
            memory_region_set_dirty(fr->mr, off, size);
            /* Refill (fast, if every client now has it dirty): the page
             * may have lost its last block. */
            if (!tb_page_has_code(pa & TCG_PAGE_MASK)) {
                memory_region_set_dirty_mask(fr->mr, off, size,
                                             1u << DIRTY_MEMORY_CODE);
                e->addr_write = TCG_TLB_INVALID;
            }
            return;
        }
        /* Code fetched from MMIO (VGA memory, say) may read differently
         * after the store; ROM and unassigned space drop it, and a store
         * that changes nothing must not discard code (a guest storing
         * into its ROM page would have the cache refilled forever). */
        bool mmio_code = fr && fr->mr->type == MR_IO &&
                         tb_page_has_code(pa & TCG_PAGE_MASK);
        if (mmio_code) {
            /* Before the global lock: a translation holds the TB lock
             * and may take the global lock to fetch from MMIO. */
            tb_check_smc(env, pa, size, retaddr);
            tb_invalidate_phys_range(pa, size);
        }
        bql_lock_io();
        address_space_write_val(mem_as(), pa, size, val);
        bql_unlock_io();
        return;
    }
    uint8_t *p = (uint8_t *)(e->addend + addr);
    switch (size) {
    case 1: *p = val; break;
    case 2: stw_le_p(p, val); break;
    case 4: stl_le_p(p, val); break;
    default: stq_le_p(p, val); break;
    }
}

/* Byte i of an access at addr: an i32 address wraps at 4 GiB. */
static inline uint64_t byte_addr(uint64_t addr, int i, MemOp op)
{
    uint64_t a = addr + i;
    return (op & MO_ADDR32) ? (uint32_t)a : a;
}

uint64_t tcg_slow_ld(void *opaque, uint64_t addr, MemOp op, int mmu_idx,
                     uintptr_t retaddr)
{
    CPUArchState *env = opaque;
    int size = 1 << (op & MO_SIZE);
    if (((addr & 0xfff) + size) > TCG_PAGE_SIZE) {
        uint64_t v = 0;
        for (int i = 0; i < size; i++) {
            v |= ld_page(env, byte_addr(addr, i, op), 1, mmu_idx, retaddr)
                 << (8 * i);
        }
        return v;
    }
    return ld_page(env, addr, size, mmu_idx, retaddr);
}

void tcg_slow_st(void *opaque, uint64_t addr, uint64_t val, MemOp op,
                 int mmu_idx, uintptr_t retaddr)
{
    CPUArchState *env = opaque;
    int size = 1 << (op & MO_SIZE);
    if (((addr & 0xfff) + size) > TCG_PAGE_SIZE) {
        /* Check both pages before writing either (precise faults). */
        tcg_slow_ld(env, addr, MO_8, mmu_idx, retaddr);
        TCGTLBFill f;
        tcg_cpu_ops->tlb_fill(env, byte_addr(addr, size - 1, op),
                              MMU_DATA_STORE, mmu_idx, retaddr, &f);
        /* A store into the running block restarts its instruction before
         * either page is written (an RMW must not see half its store). */
        uint32_t hi = (uint32_t)f.phys & TCG_PAGE_MASK;
        uint32_t nhi = (addr + size) & ~TCG_PAGE_MASK;
        if (tb_page_has_code(hi)) {
            tb_check_smc(env, hi, nhi, retaddr);
        }
        tcg_cpu_ops->tlb_fill(env, addr, MMU_DATA_STORE, mmu_idx, retaddr,
                              &f);
        if (tb_page_has_code(f.phys & TCG_PAGE_MASK)) {
            tb_check_smc(env, f.phys, size - nhi, retaddr);
        }
        for (int i = 0; i < size; i++) {
            st_page(env, byte_addr(addr, i, op), 1, val >> (8 * i), mmu_idx,
                    retaddr);
        }
        return;
    }
    st_page(env, addr, size, val, mmu_idx, retaddr);
}

/* ---- the public loads and stores (cpu-ldst.h) ---- */

void *tlb_vaddr_to_host(CPUArchState *env, uint64_t addr,
                        MMUAccessType access, int mmu_idx)
{
    TCGTLBEntry *e = &env_tlb(env, mmu_idx)[TCG_TLB_INDEX(addr)];
    uint64_t tag = access == MMU_DATA_STORE ? e->addr_write
                   : access == MMU_DATA_LOAD ? e->addr_read : e->addr_code;
    return tag == (addr & TCG_PAGE_MASK) ? (void *)(e->addend + addr) : NULL;
}

uint32_t cpu_ldub_mmuidx_ra(CPUArchState *env, uint64_t addr, int mmu_idx,
                            uintptr_t ra)
{
    return tcg_slow_ld(env, addr, MO_8, mmu_idx, ra);
}

uint32_t cpu_lduw_mmuidx_ra(CPUArchState *env, uint64_t addr, int mmu_idx,
                            uintptr_t ra)
{
    return tcg_slow_ld(env, addr, MO_16, mmu_idx, ra);
}

uint32_t cpu_ldl_mmuidx_ra(CPUArchState *env, uint64_t addr, int mmu_idx,
                           uintptr_t ra)
{
    return tcg_slow_ld(env, addr, MO_32, mmu_idx, ra);
}

uint64_t cpu_ldq_mmuidx_ra(CPUArchState *env, uint64_t addr, int mmu_idx,
                           uintptr_t ra)
{
    return tcg_slow_ld(env, addr, MO_64, mmu_idx, ra);
}

void cpu_stb_mmuidx_ra(CPUArchState *env, uint64_t addr, uint32_t val,
                       int mmu_idx, uintptr_t ra)
{
    tcg_slow_st(env, addr, val, MO_8, mmu_idx, ra);
}

void cpu_stw_mmuidx_ra(CPUArchState *env, uint64_t addr, uint32_t val,
                       int mmu_idx, uintptr_t ra)
{
    tcg_slow_st(env, addr, val, MO_16, mmu_idx, ra);
}

void cpu_stl_mmuidx_ra(CPUArchState *env, uint64_t addr, uint32_t val,
                       int mmu_idx, uintptr_t ra)
{
    tcg_slow_st(env, addr, val, MO_32, mmu_idx, ra);
}

void cpu_stq_mmuidx_ra(CPUArchState *env, uint64_t addr, uint64_t val,
                       int mmu_idx, uintptr_t ra)
{
    tcg_slow_st(env, addr, val, MO_64, mmu_idx, ra);
}

bool tlb_probe_code(CPUArchState *env, uint64_t linear, uint32_t *phys)
{
    int mmu = tcg_cpu_ops->mmu_index(env);
    TCGTLBEntry *e = &env_tlb(env, mmu)[TCG_TLB_INDEX(linear)];
    if ((e->addr_code & ~TLB_FLAG_SLOW) != (linear & TCG_PAGE_MASK) ||
        e->addr_code == TCG_TLB_INVALID) {
        return false;
    }
    *phys = *tlb_phys(env, e) | (linear & 0xfff);
    return true;
}

uint8_t cpu_ldub_code(CPUArchState *env, uint64_t linear)
{
    int mmu = tcg_cpu_ops->mmu_index(env);
    TCGTLBEntry *e = &env_tlb(env, mmu)[TCG_TLB_INDEX(linear)];
    if ((e->addr_code & ~TLB_FLAG_SLOW) != (linear & TCG_PAGE_MASK) ||
        e->addr_code == TCG_TLB_INVALID) {
        e = tlb_fill(env, linear, MMU_INST_FETCH, mmu, 0);
    }
    if (!(e->addr_code & TLB_FLAG_SLOW)) {
        return *(const uint8_t *)(e->addend + linear);
    }
    uint64_t v = 0xff;
    bql_lock();
    address_space_read_val(mem_as(), *tlb_phys(env, e) | (linear & 0xfff), 1,
                           &v);
    bql_unlock();
    return v;
}

/* ---- for atomic.c ---- */

/*
 * addr's write entry, filled as a store fills it (faults raised with
 * retaddr, the target's A/D bits), and watchpoints checked as a write of
 * size bytes.  Returns the host address when the entry lets a store go
 * straight to RAM; else NULL with *phys the physical address (code on the
 * page, a dirty client, ROM, MMIO: atomic.c decides).
 */
void *tlb_probe_store(CPUArchState *env, uint64_t addr, int size, int mmu_idx,
                      uintptr_t retaddr, uint32_t *phys)
{
    TCGTLBEntry *e = &env_tlb(env, mmu_idx)[TCG_TLB_INDEX(addr)];
    if ((e->addr_write & ~(TLB_FLAG_SLOW | TLB_FLAG_WATCH)) !=
            (addr & TCG_PAGE_MASK) ||
        e->addr_write == TCG_TLB_INVALID) {
        e = tlb_fill(env, addr, MMU_DATA_STORE, mmu_idx, retaddr);
    }
    if (unlikely(e->addr_write & TLB_FLAG_WATCH)) {
        tcg_cpu_ops->check_watchpoint(env, addr, size, true);
    }
    *phys = *tlb_phys(env, e) | (addr & 0xfff);
    if (!(e->addr_write & TLB_FLAG_SLOW)) {
        return (void *)(e->addend + addr);
    }
    return NULL;
}

/* Drop addr's write entry in mmu_idx when it is slow only for code the
 * page no longer has: the next store refills it (fast, if every dirty
 * client has the page dirty). */
void tlb_drop_write(CPUArchState *env, uint64_t addr, int mmu_idx)
{
    TCGTLBEntry *e = &env_tlb(env, mmu_idx)[TCG_TLB_INDEX(addr)];
    if (tag_is_page(e->addr_write, addr & TCG_PAGE_MASK)) {
        e->addr_write = TCG_TLB_INVALID;
    }
}
