/*
 * The x86 page walk (SDM vol. 3, chapter 4) as a pure function of the
 * paging registers and a physical address space: no CPU, no TLB, no
 * accelerator.  The translator's TLB fill, the monitor (x on linear
 * addresses) and later the gdbstub all call it; whatever runs the guest
 * only has to say what CR0, CR3, CR4 and EFER hold.
 *
 * Covered: no paging (linear = physical, A20 applied), 32-bit paging
 * (4.3) with 4 MiB pages under CR4.PSE (PSE-36 address bits when the
 * model has them), PAE paging (4.4) with 2 MiB pages and the XD bit under
 * EFER.NXE, 4-level paging (4.5, EFER.LMA: PML4 -> PDPT -> PD -> PT, 2 MiB
 * pages, 1 GiB pages when the model has PDPE1GB, else PS in a PDPTE is a
 * reserved bit; a non-canonical linear address is refused, see
 * x86_is_canonical); access rights (4.6) with CR0.WP, R/W, U/S and XD
 * combined over every level; reserved bits (4.7: the RSVD error code
 * bit); accessed and dirty flags (4.8) when asked to.
 * Not covered: 5-level paging (no model offers LA57: CR4.LA57 is a
 * reserved bit), PCIDs, protection keys, SMEP and SMAP (no model
 * advertises them).
 */
#ifndef TARGET_I386_MMU_H
#define TARGET_I386_MMU_H

#include "emu/common.h"
#include "emu/memory.h"
#include "target-i386/cpu.h"

typedef enum X86Access {
    X86_ACCESS_READ,
    X86_ACCESS_WRITE,
    X86_ACCESS_FETCH,
} X86Access;

/* What the walk depends on, copied from the CPU (or made up by a test). */
typedef struct X86MMUParams {
    uint64_t cr0, cr3, cr4, efer;
    uint32_t a20_mask; /* 0xffefffff while the A20 gate masks bit 20 */
    int phys_bits;     /* MAXPHYADDR: PAE entry bits above it are
                          reserved (CPUID 0x80000008 EAX 7-0) */
    bool pse36;        /* 4 MiB pages carry address bits 35-32 */
    bool pdpe1gb;      /* 1 GiB pages (CPUID 0x80000001 EDX 26) */
} X86MMUParams;

/*
 * A linear address is canonical for 4-level paging when bits 63-47 are
 * all equal (SDM vol. 1, 3.3.7.1).  In long mode an access to any other
 * raises #GP(0), or #SS(0) for a stack reference (the caller's to tell).
 */
static inline bool x86_is_canonical(uint64_t linear)
{
    return (uint64_t)((int64_t)(linear << 16) >> 16) == linear;
}

/*
 * x86_walk flags: X86_WALK_USER for a user-mode access (CPL 3, not a
 * system access to a descriptor table or the TSS); X86_WALK_SET_AD to set
 * A on every level and D on the leaf for a write, as the CPU does (a
 * debugger leaves them alone); X86_WALK_BQL when the caller runs without
 * the global lock (taken for a page table outside RAM).
 */
#define X86_WALK_USER 1u
#define X86_WALK_SET_AD 2u
#define X86_WALK_BQL 4u

/* Page rights in X86WalkResult.prot */
#define X86_PROT_READ  1u
#define X86_PROT_WRITE 2u
#define X86_PROT_EXEC  4u

typedef struct X86WalkResult {
    uint64_t phys;       /* physical address of the linear address */
    /* 4 KiB, 2 MiB, 4 MiB or 1 GiB (no paging: 4 KiB).  On a fault, the
     * span the entry where the walk stopped maps (512 GiB for a PML4E,
     * ...): a debugger scanning the address space skips it whole. */
    uint64_t page_size;
    unsigned prot;       /* what this mode may do on the page */
    bool dirty;          /* the leaf's D flag (after the update) */
    /* On a fault: the linear address is not canonical (4-level paging):
     * the caller raises #GP(0) (or #SS(0)), not #PF; no table was read. */
    bool noncanonical;
    uint32_t error_code; /* on a fault: the #PF error code (SDM 4.7) */
} X86WalkResult;

/* #PF error code bits (SDM vol. 3, figure 4-12) */
#define PF_ERR_P    1u
#define PF_ERR_W    2u
#define PF_ERR_U    4u
#define PF_ERR_RSVD 8u
#define PF_ERR_I    16u

/*
 * Translate linear for access under p, reading paging structures from as.
 * Returns true with *r filled, or false for a page fault with
 * r->error_code set (the caller loads CR2 and raises #PF if it wants).
 */
bool x86_walk(const X86MMUParams *p, AddressSpace *as, uint64_t linear,
              X86Access access, unsigned flags, X86WalkResult *r);

/* The parameters for env's current state (CR0/3/4, EFER, A20, CPUID). */
void x86_mmu_params(X86MMUParams *p, const CPUX86State *env);

#endif
