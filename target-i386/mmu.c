/*
 * The x86 page walk (target-i386/mmu.h): SDM vol. 3, 4.3 (32-bit paging),
 * 4.4 (PAE paging), 4.6 (access rights), 4.7 (page-fault error code), 4.8
 * (accessed and dirty flags).
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

/* Bits of a PAE entry reserved whatever the level: MAXPHYADDR to 62, and
 * XD (63) unless EFER.NXE. */
static uint64_t pae_rsvd(const X86MMUParams *p, bool nxe)
{
    uint64_t r = ~((1ull << p->phys_bits) - 1) & ~(1ull << 63);
    return nxe ? r : r | (1ull << 63);
}

bool x86_walk(const X86MMUParams *p, AddressSpace *as, uint64_t linear,
              X86Access access, unsigned flags, X86WalkResult *r)
{
    uint32_t lin = (uint32_t)linear;
    uint64_t a20 = 0xffffffff00000000ull | p->a20_mask;
    bool is_user = flags & X86_WALK_USER;

    r->prot = X86_PROT_READ | X86_PROT_WRITE | X86_PROT_EXEC;
    r->dirty = true;
    r->page_size = 4096;
    r->error_code = 0;
    if (!(p->cr0 & CR0_PG_MASK)) {
        r->phys = lin & a20;
        return true;
    }
    bool pae = p->cr4 & CR4_PAE_MASK;
    bool nxe = pae && (p->efer & EFER_NXE);
    uint32_t err = (access == X86_ACCESS_WRITE ? PF_ERR_W : 0) |
                   (is_user ? PF_ERR_U : 0) |
                   (access == X86_ACCESS_FETCH && nxe ? PF_ERR_I : 0);
    bool wp = p->cr0 & CR0_WP_MASK;
    /* Non-leaf entries whose A flag a successful walk sets. */
    uint64_t a_addr[3] = {0};
    uint32_t a_val[3] = {0};
    int nlev = 0;
    uint64_t leaf, leaf_addr, pa;
    uint32_t rw = PG_RW, us = PG_US;
    bool nx = false;

    if (pae) {
        uint64_t amask = pae_addr_mask(p), rsvd = pae_rsvd(p, nxe);
        uint64_t pdpte_addr =
            ((p->cr3 & ~0x1full) + ((lin >> 27) & 0x18)) & 0xffffffffu & a20;
        uint64_t pdpte = phys_ld64(as, pdpte_addr, flags);
        if (!(pdpte & PG_P)) {
            goto fault;
        }
        if ((pdpte & PDPTE_RSVD) || (pdpte & rsvd) || (pdpte >> 63)) {
            err |= PF_ERR_RSVD | PF_ERR_P;
            goto fault;
        }
        uint64_t pde_addr = ((pdpte & amask) + ((lin >> 18) & 0xff8)) & a20;
        uint64_t pde = phys_ld64(as, pde_addr, flags);
        if (!(pde & PG_P)) {
            goto fault;
        }
        /* A 2 MiB page: bits 20-13 are reserved too (PAT is bit 12). */
        if ((pde & rsvd) || ((pde & PG_PS) && (pde & 0x1fe000u))) {
            err |= PF_ERR_RSVD | PF_ERR_P;
            goto fault;
        }
        rw &= pde;
        us &= pde;
        nx |= nxe && (pde >> 63);
        if (pde & PG_PS) {
            leaf = pde;
            leaf_addr = pde_addr;
            pa = (pde & amask & ~0x1fffffull) | (lin & 0x1fffff);
            r->page_size = 2 * MiB;
        } else {
            a_addr[nlev] = pde_addr;
            a_val[nlev++] = pde;
            uint64_t pte_addr = ((pde & amask) + ((lin >> 9) & 0xff8)) & a20;
            uint64_t pte = phys_ld64(as, pte_addr, flags);
            if (!(pte & PG_P)) {
                goto fault;
            }
            if (pte & rsvd) {
                err |= PF_ERR_RSVD | PF_ERR_P;
                goto fault;
            }
            rw &= pte;
            us &= pte;
            nx |= nxe && (pte >> 63);
            leaf = pte;
            leaf_addr = pte_addr;
            pa = (pte & amask) | (lin & 0xfff);
        }
    } else {
        uint64_t pde_addr =
            ((p->cr3 & 0xfffff000u) + ((lin >> 20) & 0xffc)) & a20;
        uint32_t pde = phys_ld32(as, pde_addr, flags);
        if (!(pde & PG_P)) {
            goto fault;
        }
        rw &= pde;
        us &= pde;
        if ((pde & PG_PS) && (p->cr4 & CR4_PSE_MASK)) {
            /* Bits 20-13 hold address bits 39-32 with PSE-36 (as many as
             * MAXPHYADDR allows); the rest up to bit 21 are reserved. */
            int hi_bits = p->pse36 ? MIN(p->phys_bits, 40) - 32 : 0;
            uint32_t rsvd = 0x3fe000u & ~(((1u << hi_bits) - 1) << 13);
            if (pde & rsvd) {
                err |= PF_ERR_RSVD | PF_ERR_P;
                goto fault;
            }
            leaf = pde;
            leaf_addr = pde_addr;
            pa = (pde & 0xffc00000u) | (lin & 0x3fffff) |
                 (uint64_t)((pde >> 13) & ((1u << hi_bits) - 1)) << 32;
            r->page_size = 4 * MiB;
        } else {
            a_addr[nlev] = pde_addr;
            a_val[nlev++] = pde;
            uint64_t pte_addr = ((pde & ~0xfffu) + ((lin >> 10) & 0xffc)) & a20;
            uint32_t pte = phys_ld32(as, pte_addr, flags);
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
    err |= PF_ERR_P;
    /* Supervisor writes ignore R/W unless CR0.WP (SDM 4.6.1). */
    bool w_ok = (is_user || wp) ? rw != 0 : true;
    if (is_user && !us) {
        goto fault;
    }
    if (access == X86_ACCESS_WRITE && !w_ok) {
        goto fault;
    }
    if (access == X86_ACCESS_FETCH && nx) {
        goto fault;
    }
    if (flags & X86_WALK_SET_AD) {
        for (int i = 0; i < nlev; i++) {
            pte_set(as, a_addr[i], a_val[i], PG_A);
        }
        uint32_t bits = PG_A | (access == X86_ACCESS_WRITE ? PG_D : 0);
        pte_set(as, leaf_addr, (uint32_t)leaf, bits);
        if (access == X86_ACCESS_WRITE) {
            leaf |= PG_D;
        }
    }
    r->prot =
        X86_PROT_READ | (w_ok ? X86_PROT_WRITE : 0) | (nx ? 0 : X86_PROT_EXEC);
    r->dirty = leaf & PG_D;
    r->phys = pa & a20;
    return true;
fault:
    r->error_code = err;
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
}
