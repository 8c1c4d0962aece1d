/*
 * The translator's softmmu: linear -> physical translation (SDM vol. 3,
 * 4.3 32-bit paging with 4 MiB pages under CR4.PSE; 4.4 PAE paging with
 * 2 MiB pages and NX under EFER.NXE; 4.6 access rights with CR0.WP; 4.8
 * accessed/dirty flags), the software TLB that generated code indexes
 * (tcg/tcg-backend.h), and the slow paths that fill it and dispatch MMIO
 * to the machine's memory API under the global lock.
 *
 * A TLB entry maps a linear page of one MMU mode (0 supervisor, 1 user) to
 * host memory when the page is RAM (ROM: reads only).  A write tag with
 * the slow flag sends stores through tcg_slow_st: pages holding translated
 * code (the blocks they overlap are invalidated first), pages a dirty-
 * tracking client has clean (the not-dirty marker: the slow path records
 * the store in the region's bitmaps, see emu/memory.h), pages not writable
 * in this mode or whose D flag is still clear (walked again: #PF or D
 * set), pages a data breakpoint watches.  Fetch entries (addr_code) exist
 * only for executable pages.  Every TLB flush (CR0/CR3/CR4 writes, INVLPG,
 * task switches) also empties the exec loop's jump cache, which is keyed
 * by linear address.  Global pages are flushed like the others (allowed:
 * flushing more than needed).  A20 masking is applied to physical
 * addresses.
 */
#include "emu/common.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "accel/tcg/tcg-internal.h"

#define TLB_FLAG_SLOW 1u           /* low bit in a tag: always slow path */
#define PG_P 1u
#define PG_RW 2u
#define PG_US 4u
#define PG_A 0x20u
#define PG_D 0x40u
#define PG_PS 0x80u

#define TLB_LOG_MAX ((uint32_t)ARRAY_SIZE(((CPUX86State *)0)->tcg_tlb_log))

static void tlb_entry_clear(TCGTLBEntry *e)
{
    e->addr_read = TCG_TLB_INVALID;
    e->addr_write = TCG_TLB_INVALID;
    e->addr_code = TCG_TLB_INVALID;
    e->addend = 0;
}

/* Clears the entries filled since the last flush (all if too many). */
void tlb_flush_all(CPUX86State *env)
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
void tlb_flush_phys_range(CPUX86State *env, uint64_t start, uint64_t len)
{
    TCGTLBEntry *t = (TCGTLBEntry *)env->tcg_tlb;
    uint64_t end = start + len;
    if (env->tcg_tlb_nlog <= TLB_LOG_MAX) {
        for (uint32_t i = 0; i < env->tcg_tlb_nlog; i++) {
            TCGTLBEntry *e = &t[env->tcg_tlb_log[i]];
            if (e->pad < end && (uint64_t)e->pad + TCG_PAGE_SIZE > start) {
                tlb_entry_clear(e);
            }
        }
        return;
    }
    for (int i = 0; i < TCG_NB_MMU_MODES * TCG_TLB_SIZE; i++) {
        if (t[i].pad < end && (uint64_t)t[i].pad + TCG_PAGE_SIZE > start) {
            tlb_entry_clear(&t[i]);
        }
    }
}

void x86_tlb_flush(CPUX86State *env)
{
    tlb_flush_all(env);
    tb_jc_flush();
}

static AddressSpace *mem_as(void)
{
    return current_machine->as_mem;
}

static uint32_t phys_ld32(uint32_t pa)
{
    uint64_t v = 0;
    uint8_t *p = address_space_ram_ptr(mem_as(), pa, 4, false);
    if (p) {
        return ldl_le_p(p);
    }
    bql_lock();
    address_space_read_val(mem_as(), pa, 4, &v);
    bql_unlock();
    return v;
}

static void phys_st32(uint32_t pa, uint32_t v)
{
    uint8_t *p = address_space_ram_ptr(mem_as(), pa, 4, true);
    if (p) {
        stl_le_p(p, v);
    }
}

static void raise_from(CPUX86State *env, uintptr_t retaddr, int vec,
                       int err) EMU_NORETURN;
static void raise_from(CPUX86State *env, uintptr_t retaddr, int vec, int err)
{
    tcg_restore_state(env, retaddr);
    x86_raise_exception_err(env, vec, err);
}

static uint64_t phys_ld64(uint32_t pa)
{
    return phys_ld32(pa) | (uint64_t)phys_ld32(pa + 4) << 32;
}

/* Set bits in a paging-structure entry (A, D): 32-bit store of the low half. */
static void pte_set(uint32_t pa, uint32_t old, uint32_t bits)
{
    if ((old & bits) != bits) {
        phys_st32(pa, old | bits);
    }
}

/*
 * Translate for an access: type 0 read, 1 write, 2 code.  is_user from the
 * MMU mode.  32-bit paging (SDM 4.3) with 4 MiB pages under CR4.PSE, or
 * PAE paging (4.4) with 2 MiB pages and the NX bit under EFER.NXE.
 * Permissions combine every level (4.6): user accesses need U/S and, for
 * writes, R/W everywhere; supervisor writes need R/W when CR0.WP is set.
 * Accessed flags are set on every level of a successful walk, dirty on the
 * leaf for a write.  *writable tells whether the TLB may take later writes
 * directly (permitted and dirty already set); *exec whether fetches may.
 * Raises #PF with CR2 and the error code (P, W/R, U/S, RSVD, I/D).
 */
static uint32_t translate_x(CPUX86State *env, uint32_t lin, int type,
                            bool is_user, uintptr_t retaddr, bool *writable,
                            bool *exec)
{
    *writable = true;
    *exec = true;
    if (!(env->cr[0] & CR0_PG_MASK)) {
        return lin & env->a20_mask;
    }
    bool pae = env->cr[4] & CR4_PAE_MASK;
    bool nxe = pae && (env->efer & EFER_NXE);
    uint32_t err = (type == 1 ? 2 : 0) | (is_user ? 4 : 0) |
                   (type == 2 && nxe ? 16 : 0);
    bool wp = env->cr[0] & CR0_WP_MASK;
    uint32_t a_addr[3] = {0};
    uint32_t a_val[3] = {0};
    int nlev = 0;
    uint64_t leaf;
    uint32_t leaf_addr, pa;
    uint32_t rw = PG_RW, us = PG_US;
    bool nx = false;

    if (pae) {
        uint32_t pdpte_addr = ((env->cr[3] & ~0x1fu) + ((lin >> 27) & 0x18)) &
                              env->a20_mask;
        uint64_t pdpte = phys_ld64(pdpte_addr);
        if (!(pdpte & PG_P)) {
            goto fault;
        }
        if (pdpte & 0x1e6) {
            err |= 8 | 1;
            goto fault_rsvd;
        }
        uint32_t pde_addr = (((uint32_t)pdpte & ~0xfffu) +
                             ((lin >> 18) & 0xff8)) & env->a20_mask;
        uint64_t pde = phys_ld64(pde_addr);
        if (!(pde & PG_P)) {
            goto fault;
        }
        if (!nxe && (pde >> 63)) {
            err |= 8 | 1;
            goto fault_rsvd;
        }
        rw &= pde;
        us &= pde;
        nx |= nxe && (pde >> 63);
        if (pde & PG_PS) {
            leaf = pde;
            leaf_addr = pde_addr;
            pa = ((uint32_t)pde & 0xffe00000u) | (lin & 0x1fffff);
        } else {
            a_addr[nlev] = pde_addr;
            a_val[nlev++] = pde;
            uint32_t pte_addr = (((uint32_t)pde & ~0xfffu) +
                                 ((lin >> 9) & 0xff8)) & env->a20_mask;
            uint64_t pte = phys_ld64(pte_addr);
            if (!(pte & PG_P)) {
                goto fault;
            }
            if (!nxe && (pte >> 63)) {
                err |= 8 | 1;
                goto fault_rsvd;
            }
            rw &= pte;
            us &= pte;
            nx |= nxe && (pte >> 63);
            leaf = pte;
            leaf_addr = pte_addr;
            pa = ((uint32_t)pte & ~0xfffu) | (lin & 0xfff);
        }
    } else {
        uint32_t pde_addr = ((env->cr[3] & ~0xfffu) + ((lin >> 20) & 0xffc)) &
                            env->a20_mask;
        uint32_t pde = phys_ld32(pde_addr);
        if (!(pde & PG_P)) {
            goto fault;
        }
        rw &= pde;
        us &= pde;
        if ((pde & PG_PS) && (env->cr[4] & CR4_PSE_MASK)) {
            leaf = pde;
            leaf_addr = pde_addr;
            pa = (pde & 0xffc00000u) | (lin & 0x3fffff);
        } else {
            a_addr[nlev] = pde_addr;
            a_val[nlev++] = pde;
            uint32_t pte_addr = ((pde & ~0xfffu) + ((lin >> 10) & 0xffc)) &
                                env->a20_mask;
            uint32_t pte = phys_ld32(pte_addr);
            if (!(pte & PG_P)) {
                goto fault;
            }
            rw &= pte;
            us &= pte;
            leaf = pte;
            leaf_addr = pte_addr;
            pa = (pte & ~0xfffu) | (lin & 0xfff);
        }
    }
    err |= 1;
    bool w_ok = (is_user || wp) ? rw != 0 : true;
    if (is_user && !us) {
        goto fault;
    }
    if (type == 1 && !w_ok) {
        goto fault;
    }
    if (type == 2 && nx) {
        goto fault;
    }
    for (int i = 0; i < nlev; i++) {
        pte_set(a_addr[i], a_val[i], PG_A);
    }
    pte_set(leaf_addr, (uint32_t)leaf, PG_A | (type == 1 ? PG_D : 0));
    /* The TLB entry stays read-only until a write sets D. */
    *writable = w_ok && ((leaf & PG_D) || type == 1);
    *exec = !nx;
    return pa & env->a20_mask;
fault_rsvd:
fault:
    env->cr[2] = lin;
    raise_from(env, retaddr, EXCP0E_PAGE, err);
}

static uint32_t translate(CPUX86State *env, uint32_t lin, int type,
                          bool is_user, uintptr_t retaddr, bool *writable)
{
    bool x;
    return translate_x(env, lin, type, is_user, retaddr, writable, &x);
}

uint32_t get_phys_code(CPUX86State *env, uint32_t linear)
{
    bool w;
    return translate(env, linear, 2, (env->hflags & HF_CPL_MASK) == 3, 0, &w);
}

/* ---- data breakpoints (DR0-DR3 with R/W 01 or 11) ---- */

static uint32_t bp_len(uint32_t dr7, int i)
{
    static const uint32_t len[4] = { 1, 2, 8, 4 };
    return len[(dr7 >> (18 + i * 4)) & 3];
}

bool x86_page_watched(CPUX86State *env, uint32_t page)
{
    uint32_t dr7 = env->dr[7];
    for (int i = 0; i < 4; i++) {
        if (((dr7 >> (i * 2)) & 3) && ((dr7 >> (16 + i * 4)) & 1) &&
            ((uint32_t)env->dr[i] & TCG_PAGE_MASK) == page) {
            return true;
        }
    }
    return false;
}

void x86_check_watch(CPUX86State *env, uint32_t addr, int size, bool write)
{
    uint32_t dr7 = env->dr[7];
    if (!(dr7 & 0xff)) {
        return;
    }
    for (int i = 0; i < 4; i++) {
        int rw = (dr7 >> (16 + i * 4)) & 3;
        if (!((dr7 >> (i * 2)) & 3) || !(rw & 1) || (rw == 1 && !write)) {
            continue;
        }
        uint32_t len = bp_len(dr7, i);
        uint32_t start = (uint32_t)env->dr[i] & ~(len - 1);
        if (addr < start + len && addr + size > start) {
            env_tcg(env)->pending_db |= 1u << i;
        }
    }
}

/* Fill the entry for lin's page; returns it. */
static TCGTLBEntry *tlb_fill(CPUX86State *env, uint32_t lin, int type,
                             int mmu_idx, uintptr_t retaddr)
{
    bool writable, exec;
    uint32_t page = lin & TCG_PAGE_MASK;
    uint32_t pa = translate_x(env, lin, type, mmu_idx == 1, retaddr,
                              &writable, &exec) & TCG_PAGE_MASK;
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
    e->addr_code = !exec ? TCG_TLB_INVALID : rd ? page : page | TLB_FLAG_SLOW;
    e->addr_write = (wr && writable && !tb_page_has_code(pa))
                        ? page : page | TLB_FLAG_SLOW;
    if (unlikely(env->dr[7] & 0xff) && x86_page_watched(env, page)) {
        e->addr_read |= TLB_FLAG_SLOW;
        e->addr_write |= TLB_FLAG_SLOW;
    }
    e->pad = pa;
    e->addend = rd ? (uintptr_t)rd - page : 0;
    return e;
}

/* After a page gets translated code: its write entries go slow. */
void tlb_protect_code_page(CPUX86State *env, uint32_t pa_page);
void tlb_protect_code_page(CPUX86State *env, uint32_t pa_page)
{
    TCGTLBEntry *t = (TCGTLBEntry *)env->tcg_tlb;
    if (env->tcg_tlb_nlog <= TLB_LOG_MAX) {
        for (uint32_t i = 0; i < env->tcg_tlb_nlog; i++) {
            TCGTLBEntry *e = &t[env->tcg_tlb_log[i]];
            if (e->addr_write != TCG_TLB_INVALID && e->pad == pa_page) {
                e->addr_write |= TLB_FLAG_SLOW;
            }
        }
        return;
    }
    for (int i = 0; i < TCG_NB_MMU_MODES * TCG_TLB_SIZE; i++) {
        if (t[i].addr_write != TCG_TLB_INVALID && t[i].pad == pa_page) {
            t[i].addr_write |= TLB_FLAG_SLOW;
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
            uint32_t tag = __atomic_load_n(&t[i].addr_write, __ATOMIC_RELAXED);
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

static uint64_t ld_page(CPUX86State *env, uint32_t addr, int size,
                        int mmu_idx, uintptr_t retaddr)
{
    TCGTLBEntry *e = &env_tlb(env, mmu_idx)[TCG_TLB_INDEX(addr)];
    if ((e->addr_read & ~TLB_FLAG_SLOW) != (addr & TCG_PAGE_MASK) ||
        e->addr_read == TCG_TLB_INVALID) {
        e = tlb_fill(env, addr, 0, mmu_idx, retaddr);
    }
    if (unlikely(env->dr[7] & 0xff)) {
        x86_check_watch(env, addr, size, false);
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
    uint32_t pa = e->pad | (addr & 0xfff);
    bql_lock();
    address_space_read_val(mem_as(), pa, size, &v);
    bql_unlock();
    return v;
}

static void st_page(CPUX86State *env, uint32_t addr, int size, uint64_t val,
                    int mmu_idx, uintptr_t retaddr)
{
    TCGTLBEntry *e = &env_tlb(env, mmu_idx)[TCG_TLB_INDEX(addr)];
    /* Under paging a slow write tag may also mean "not writable here" or
     * "D not set yet": walk again (permission check, D) before writing. */
    if ((e->addr_write & ~TLB_FLAG_SLOW) != (addr & TCG_PAGE_MASK) ||
        e->addr_write == TCG_TLB_INVALID ||
        ((e->addr_write & TLB_FLAG_SLOW) && (env->cr[0] & CR0_PG_MASK))) {
        e = tlb_fill(env, addr, 1, mmu_idx, retaddr);
    }
    uint32_t pa = e->pad | (addr & 0xfff);
    if (unlikely(env->dr[7] & 0xff)) {
        x86_check_watch(env, addr, size, true);
    }
    if (e->addr_write & TLB_FLAG_SLOW) {
        if (tb_page_has_code(pa & TCG_PAGE_MASK)) {
            tb_invalidate_phys_range(pa, size);
        }
        const FlatRange *fr = address_space_lookup(mem_as(), pa);
        if (fr && fr->mr->ram && !fr->readonly && fr->size >= (uint64_t)size &&
            pa - fr->start <= fr->size - size) {
            uint64_t off = fr->offset + (pa - fr->start);
            uint8_t *p = fr->mr->ram + off;
            switch (size) {
            case 1: *p = val; break;
            case 2: stw_le_p(p, val); break;
            case 4: stl_le_p(p, val); break;
            default: stq_le_p(p, val); break;
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
        bql_lock();
        address_space_write_val(mem_as(), pa, size, val);
        bql_unlock();
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

uint64_t tcg_slow_ld(void *opaque, uint32_t addr, MemOp op, int mmu_idx,
                     uintptr_t retaddr)
{
    CPUX86State *env = opaque;
    int size = 1 << (op & MO_SIZE);
    if (((addr & 0xfff) + size) > TCG_PAGE_SIZE) {
        uint64_t v = 0;
        for (int i = 0; i < size; i++) {
            v |= ld_page(env, addr + i, 1, mmu_idx, retaddr) << (8 * i);
        }
        return v;
    }
    return ld_page(env, addr, size, mmu_idx, retaddr);
}

void tcg_slow_st(void *opaque, uint32_t addr, uint64_t val, MemOp op,
                 int mmu_idx, uintptr_t retaddr)
{
    CPUX86State *env = opaque;
    int size = 1 << (op & MO_SIZE);
    if (((addr & 0xfff) + size) > TCG_PAGE_SIZE) {
        /* Check both pages before writing either (precise faults). */
        tcg_slow_ld(env, addr, MO_8, mmu_idx, retaddr);
        bool w;
        translate(env, addr + size - 1, 1, mmu_idx == 1, retaddr, &w);
        translate(env, addr, 1, mmu_idx == 1, retaddr, &w);
        for (int i = 0; i < size; i++) {
            st_page(env, addr + i, 1, val >> (8 * i), mmu_idx, retaddr);
        }
        return;
    }
    st_page(env, addr, size, val, mmu_idx, retaddr);
}

/* Host address of lin if its TLB entry is present with a fast tag. */
static inline uint8_t *tlb_hit_host(CPUX86State *env, uint32_t lin,
                                    bool write, int mmu_idx)
{
    TCGTLBEntry *e = &env_tlb(env, mmu_idx)[TCG_TLB_INDEX(lin)];
    uint32_t tag = write ? e->addr_write : e->addr_read;
    return tag == (lin & TCG_PAGE_MASK) ? (uint8_t *)(e->addend + lin) : NULL;
}

void helper_rep_fast(CPUX86State *env, uint32_t op)
{
    uint32_t size = op & 7, sseg = (op >> 4) & 7;
    bool movs = op & 0x100;
    int mmu_idx = (op >> 12) & (TCG_NB_MMU_MODES - 1);
    uint32_t budget = 64 * 1024;        /* bytes per call: IRQ latency */

    if (env->df != 1) {
        return;
    }
    while (env->regs[R_ECX] != 0 && budget != 0) {
        uint32_t di = env->regs[R_EDI], dlin = env->segs[R_ES].base + di;
        uint32_t n = MIN(env->regs[R_ECX], budget / size);
        n = MIN(n, (TCG_PAGE_SIZE - (dlin & ~TCG_PAGE_MASK)) / size);
        if (n == 0) {
            return;                     /* an element crosses the page */
        }
        uint32_t bytes = n * size;
        if (di + bytes < di) {
            return;                     /* the offset wraps */
        }
        uint8_t *d = tlb_hit_host(env, dlin, true, mmu_idx);
        if (!d) {
            return;
        }
        if (movs) {
            uint32_t si = env->regs[R_ESI], slin = env->segs[sseg].base + si;
            uint32_t sn = (TCG_PAGE_SIZE - (slin & ~TCG_PAGE_MASK)) / size;
            if (sn == 0) {
                return;
            }
            if (sn < n) {
                n = sn;
                bytes = n * size;
            }
            if (si + bytes < si) {
                return;
            }
            const uint8_t *src = tlb_hit_host(env, slin, false, mmu_idx);
            if (!src || (d > src && d < src + bytes)) {
                return;                 /* overlap: element by element */
            }
            memmove(d, src, bytes);
            env->regs[R_ESI] = si + bytes;
        } else if (size == 1) {
            memset(d, env->regs[R_EAX] & 0xff, bytes);
        } else {
            uint32_t v = env->regs[R_EAX];
            for (uint32_t i = 0; i < bytes; i += size) {
                if (size == 2) {
                    stw_le_p(d + i, v);
                } else {
                    stl_le_p(d + i, v);
                }
            }
        }
        env->regs[R_EDI] = di + bytes;
        env->regs[R_ECX] -= n;
        budget -= bytes;
    }
}

/* Helpers' accesses: the current privilege's MMU mode. */
static int cur_mmu(CPUX86State *env)
{
    return (env->hflags & HF_CPL_MASK) == 3 ? 1 : 0;
}

uint32_t x86_ld(CPUX86State *env, uint32_t linear, int size)
{
    return tcg_slow_ld(env, linear, size == 1 ? MO_8 : size == 2 ? MO_16
                                                                 : MO_32,
                       cur_mmu(env), 0);
}

void x86_st(CPUX86State *env, uint32_t linear, int size, uint32_t val)
{
    tcg_slow_st(env, linear, val, size == 1 ? MO_8 : size == 2 ? MO_16
                                                               : MO_32,
                cur_mmu(env), 0);
}

uint32_t x86_ld_sys(CPUX86State *env, uint32_t linear, int size)
{
    return tcg_slow_ld(env, linear, size == 1 ? MO_8 : size == 2 ? MO_16
                                                                 : MO_32,
                       0, 0);
}

void x86_st_sys(CPUX86State *env, uint32_t linear, int size, uint32_t val)
{
    tcg_slow_st(env, linear, val, size == 1 ? MO_8 : size == 2 ? MO_16
                                                               : MO_32,
                0, 0);
}

bool tlb_probe_code(CPUX86State *env, uint32_t linear, uint32_t *phys)
{
    TCGTLBEntry *e = &env_tlb(env, cur_mmu(env))[TCG_TLB_INDEX(linear)];
    if ((e->addr_code & ~TLB_FLAG_SLOW) != (linear & TCG_PAGE_MASK) ||
        e->addr_code == TCG_TLB_INVALID) {
        return false;
    }
    *phys = e->pad | (linear & 0xfff);
    return true;
}

uint8_t x86_code_ldub(CPUX86State *env, uint32_t linear)
{
    int mmu = cur_mmu(env);
    TCGTLBEntry *e = &env_tlb(env, mmu)[TCG_TLB_INDEX(linear)];
    if ((e->addr_code & ~TLB_FLAG_SLOW) != (linear & TCG_PAGE_MASK) ||
        e->addr_code == TCG_TLB_INVALID) {
        e = tlb_fill(env, linear, 2, mmu, 0);
    }
    if (!(e->addr_code & TLB_FLAG_SLOW)) {
        return *(const uint8_t *)(e->addend + linear);
    }
    uint64_t v = 0xff;
    bql_lock();
    address_space_read_val(mem_as(), e->pad | (linear & 0xfff), 1, &v);
    bql_unlock();
    return v;
}

uint32_t x86_port_in(CPUX86State *env, uint32_t port, int size)
{
    uint64_t v = 0;
    bql_lock();
    address_space_read_val(current_machine->as_io, port, size, &v);
    bql_unlock();
    return v;
}

void x86_port_out(CPUX86State *env, uint32_t port, int size, uint32_t val)
{
    bql_lock();
    address_space_write_val(current_machine->as_io, port, size, val);
    bql_unlock();
}
