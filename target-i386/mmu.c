/*
 * The x86 page walk (target-i386/mmu.h): SDM vol. 3, 4.3 (32-bit paging),
 * 4.4 (PAE paging), 4.5 (4-level paging), 4.6 (access rights), 4.7
 * (page-fault error code), 4.8 (accessed and dirty flags).  PAE and
 * 4-level paging share the entry format and walk_levels().
 */
#include "emu/common.h"
#include "emu/main-loop.h"
#include "target-i386/cpuid.h"
#include "target-i386/mmu.h"

#define PG_P  1u
#define PG_RW 2u
#define PG_US 4u
#define PG_A  0x20u
#define PG_D  0x40u
#define PG_PS 0x80u

/* PDPTE bits that must be zero besides the address bits (SDM table 4-8). */
#define PDPTE_RSVD 0x1e6u

/* A 32-bit read of a paging-structure entry. */
static uint32_t phys_ld32(AddressSpace *as, uint64_t pa, unsigned flags)
{
    uint64_t v = 0;
    uint8_t *p = address_space_ram_ptr(as, pa, 4, false);
    if (p) {
        return ldl_le_p(p);
    }
    if (flags & X86_WALK_BQL) {
        bql_lock();
    }
    address_space_read_val(as, pa, 4, &v);
    if (flags & X86_WALK_BQL) {
        bql_unlock();
    }
    return v;
}

static uint64_t phys_ld64(AddressSpace *as, uint64_t pa, unsigned flags)
{
    return phys_ld32(as, pa, flags) | (uint64_t)phys_ld32(as, pa + 4, flags)
                                          << 32;
}

/* Set bits in an entry (A, D): a 32-bit store of the low half, RAM only
 * (the CPU's locked update of a table in ROM or MMIO is not modelled).
 * Like the CPU's other stores to page tables before it, this one is not
 * reported to dirty tracking (address_space_ram_ptr). */
static void pte_set(AddressSpace *as, uint64_t pa, uint32_t old, uint32_t bits)
{
    if ((old & bits) != bits) {
        uint8_t *p = address_space_ram_ptr(as, pa, 4, true);
        if (p) {
            stl_le_p(p, old | bits);
        }
    }
}

/* Address bits of a PAE entry: 51-12 clipped to MAXPHYADDR. */
static uint64_t pae_addr_mask(const X86MMUParams *p)
{
    return ((1ull << p->phys_bits) - 1) & ~0xfffull;
}

/*
 * Bits of a PAE-format entry reserved whatever the level: from MAXPHYADDR
 * up to 62 for PAE paging (tables 4-8 to 4-11), up to 51 only for 4-level
 * paging, where 62-52 are free for software (tables 4-14 to 4-20); XD
 * (63) unless EFER.NXE.
 */
static uint64_t pae_rsvd(const X86MMUParams *p, bool nxe, bool lvl4)
{
    uint64_t top = lvl4 ? (1ull << 52) - 1 : ~(1ull << 63);
    uint64_t r = top & ~((1ull << p->phys_bits) - 1);
    return nxe ? r : r | (1ull << 63);
}

/* A walk in progress: what the levels seen so far say. */
typedef struct Walk {
    const X86MMUParams *p;
    AddressSpace *as;
    unsigned flags;
    uint64_t a20; /* applied to every physical address */
    bool nxe, lvl4;
    uint32_t err;    /* #PF error code so far */
    uint32_t rw, us; /* R/W and U/S ANDed over the levels */
    bool nx;         /* XD on some level */
    /* Non-leaf entries whose A flag a successful walk sets. */
    uint64_t a_addr[3];
    uint32_t a_val[3];
    int nlev;
    uint64_t leaf, leaf_addr, pa;
} Walk;

static void walk_nonleaf(Walk *w, uint64_t addr, uint64_t e)
{
    w->a_addr[w->nlev] = addr;
    w->a_val[w->nlev++] = e;
}

/* 32-bit paging (4.3): PD -> PT, or a 4 MiB page under CR4.PSE. */
static bool walk32(Walk *w, uint32_t lin, X86WalkResult *r)
{
    const X86MMUParams *p = w->p;
    uint64_t pde_addr =
        ((p->cr3 & 0xfffff000u) + ((lin >> 20) & 0xffc)) & w->a20;
    uint32_t pde = phys_ld32(w->as, pde_addr, w->flags);
    r->page_size = 4 * MiB;
    if (!(pde & PG_P)) {
        return false;
    }
    w->rw &= pde;
    w->us &= pde;
    if ((pde & PG_PS) && (p->cr4 & CR4_PSE_MASK)) {
        /* Bits 20-13 hold address bits 39-32 with PSE-36 (as many as
         * MAXPHYADDR allows); the rest up to bit 21 are reserved. */
        int hi_bits = p->pse36 ? MIN(p->phys_bits, 40) - 32 : 0;
        uint32_t rsvd = 0x3fe000u & ~(((1u << hi_bits) - 1) << 13);
        if (pde & rsvd) {
            w->err |= PF_ERR_RSVD | PF_ERR_P;
            return false;
        }
        w->leaf = pde;
        w->leaf_addr = pde_addr;
        w->pa = (pde & 0xffc00000u) | (lin & 0x3fffff) |
                (uint64_t)((pde >> 13) & ((1u << hi_bits) - 1)) << 32;
        return true;
    }
    walk_nonleaf(w, pde_addr, pde);
    uint64_t pte_addr = ((pde & ~0xfffu) + ((lin >> 10) & 0xffc)) & w->a20;
    uint32_t pte = phys_ld32(w->as, pte_addr, w->flags);
    r->page_size = 4096;
    if (!(pte & PG_P)) {
        return false;
    }
    w->rw &= pte;
    w->us &= pte;
    w->leaf = pte;
    w->leaf_addr = pte_addr;
    w->pa = (pte & ~0xfffu) | (lin & 0xfff);
    return true;
}

/*
 * The PAE-format levels from the table at table down to the leaf: level 3
 * is the PML4 (4-level paging only), 2 the PDPT (4-level paging; PAE
 * paging has its own, see walk_pae), 1 the PD, 0 the PT.  A PS bit ends
 * the walk at level 2 (1 GiB, only with PDPE1GB) or 1 (2 MiB); in a PML4E
 * it is reserved.
 */
static bool walk_levels(Walk *w, uint64_t table, int level, uint64_t lin,
                        X86WalkResult *r)
{
    const X86MMUParams *p = w->p;
    uint64_t amask = pae_addr_mask(p), rsvd = pae_rsvd(p, w->nxe, w->lvl4);
    for (;; level--) {
        int shift = 12 + 9 * level;
        uint64_t span = 1ull << shift;
        uint64_t addr = (table + ((lin >> (shift - 3)) & 0xff8)) & w->a20;
        uint64_t e = phys_ld64(w->as, addr, w->flags);
        r->page_size = span;
        if (!(e & PG_P)) {
            return false;
        }
        bool leaf = level == 0 || (e & PG_PS);
        uint64_t bad = e & rsvd;
        if (level > 0 && (e & PG_PS)) {
            if (level == 3 || (level == 2 && !p->pdpe1gb)) {
                bad |= PG_PS;
            }
            /* A large page's address is aligned: bits 13 up to the page
             * size are reserved (bit 12 is PAT). */
            bad |= e & (span - 1) & ~0x1fffull;
        }
        if (bad) {
            w->err |= PF_ERR_RSVD | PF_ERR_P;
            return false;
        }
        w->rw &= e;
        w->us &= e;
        w->nx |= w->nxe && (e >> 63);
        if (leaf) {
            w->leaf = e;
            w->leaf_addr = addr;
            w->pa = (e & amask & ~(span - 1)) | (lin & (span - 1));
            return true;
        }
        walk_nonleaf(w, addr, e);
        table = e & amask;
    }
}

/* PAE paging (4.4): one of four PDPTEs (from CR3, no A flag, no rights),
 * then the PD and PT as in 4-level paging. */
static bool walk_pae(Walk *w, uint32_t lin, X86WalkResult *r)
{
    const X86MMUParams *p = w->p;
    uint64_t pdpte_addr =
        ((p->cr3 & ~0x1full) + ((lin >> 27) & 0x18)) & 0xffffffffu & w->a20;
    uint64_t pdpte = phys_ld64(w->as, pdpte_addr, w->flags);
    r->page_size = 1 * GiB;
    if (!(pdpte & PG_P)) {
        return false;
    }
    if ((pdpte & PDPTE_RSVD) || (pdpte & pae_rsvd(p, w->nxe, false)) ||
        (pdpte >> 63)) {
        w->err |= PF_ERR_RSVD | PF_ERR_P;
        return false;
    }
    return walk_levels(w, pdpte & pae_addr_mask(p), 1, lin, r);
}

bool x86_walk(const X86MMUParams *p, AddressSpace *as, uint64_t linear,
              X86Access access, unsigned flags, X86WalkResult *r)
{
    bool is_user = flags & X86_WALK_USER;
    Walk w = {
        .p = p,
        .as = as,
        .flags = flags,
        .a20 = 0xffffffff00000000ull | p->a20_mask,
        .rw = PG_RW,
        .us = PG_US,
    };

    r->prot = X86_PROT_READ | X86_PROT_WRITE | X86_PROT_EXEC;
    r->dirty = true;
    r->page_size = 4096;
    r->noncanonical = false;
    r->error_code = 0;
    if (!(p->cr0 & CR0_PG_MASK)) {
        r->phys = (uint32_t)linear & w.a20;
        return true;
    }
    bool pae = p->cr4 & CR4_PAE_MASK;
    w.lvl4 = pae && (p->efer & EFER_LMA);
    w.nxe = pae && (p->efer & EFER_NXE);
    w.err = (access == X86_ACCESS_WRITE ? PF_ERR_W : 0) |
            (is_user ? PF_ERR_U : 0) |
            (access == X86_ACCESS_FETCH && w.nxe ? PF_ERR_I : 0);
    bool ok;
    if (w.lvl4) {
        if (!x86_is_canonical(linear)) {
            r->noncanonical = true;
            return false;
        }
        ok = walk_levels(&w, p->cr3 & pae_addr_mask(p), 3, linear, r);
    } else if (pae) {
        ok = walk_pae(&w, (uint32_t)linear, r);
    } else {
        ok = walk32(&w, (uint32_t)linear, r);
    }
    if (!ok) {
        goto fault;
    }
    w.err |= PF_ERR_P;
    /* Supervisor writes ignore R/W unless CR0.WP (SDM 4.6.1). */
    bool w_ok = (is_user || (p->cr0 & CR0_WP_MASK)) ? w.rw != 0 : true;
    if (is_user && !w.us) {
        goto fault;
    }
    if (access == X86_ACCESS_WRITE && !w_ok) {
        goto fault;
    }
    if (access == X86_ACCESS_FETCH && w.nx) {
        goto fault;
    }
    if (flags & X86_WALK_SET_AD) {
        for (int i = 0; i < w.nlev; i++) {
            pte_set(as, w.a_addr[i], w.a_val[i], PG_A);
        }
        uint32_t bits = PG_A | (access == X86_ACCESS_WRITE ? PG_D : 0);
        pte_set(as, w.leaf_addr, (uint32_t)w.leaf, bits);
        if (access == X86_ACCESS_WRITE) {
            w.leaf |= PG_D;
        }
    }
    r->prot = X86_PROT_READ | (w_ok ? X86_PROT_WRITE : 0) |
              (w.nx ? 0 : X86_PROT_EXEC);
    r->dirty = w.leaf & PG_D;
    r->phys = w.pa & w.a20;
    return true;
fault:
    r->error_code = w.err;
    return false;
}

void x86_mmu_params(X86MMUParams *p, const CPUX86State *env)
{
    p->cr0 = env->cr[0];
    p->cr3 = env->cr[3];
    p->cr4 = env->cr[4];
    p->efer = env->efer;
    p->a20_mask = env->a20_mask;
    p->phys_bits = x86_cpu_phys_bits(env);
    p->pse36 = env->cpuid_features & CPUID_PSE36;
    p->pdpe1gb = env->cpuid_ext2_features & CPUID_EXT2_PDPE1GB;
}
