/*
 * The control registers and IA32_EFER under the translator (SDM vol. 3,
 * 2.5 and 2.2.1; vol. 2, MOV to/from control registers; entering and
 * leaving IA-32e mode: vol. 3, 9.8.5 and 4.1.2).
 *
 * The rules enforced (each a #GP(0)): CR0 bits 63-32 set, PG without PE,
 * NW without CD; setting CR0.PG with EFER.LME unless CR4.PAE and CS.L=0
 * (the switch sets EFER.LMA); clearing CR0.PG in 64-bit mode (from
 * compatibility mode it clears LMA); CR4 bits the CPU model lacks (by its
 * CPUID: LA57, PCIDE, SMEP... are reserved on every model we have);
 * clearing CR4.PAE in IA-32e mode; CR3 bits above MAXPHYADDR in IA-32e
 * mode; CR8 bits 63-4; EFER bits the model lacks (SCE without SYSCALL,
 * LME without LM, NXE without NX) and a change of LME while paging is on.
 * EFER.LMA is read-only.  Reserved bits of CR0's low half are dropped,
 * as on hardware.  Not modelled: the PDPTE load (and its #GP) of PAE
 * paging at a MOV to CR0/CR3/CR4: reserved PDPTE bits fault at the walk
 * (#PF with RSVD) instead.
 */
#include "emu/common.h"
#include "emu/main-loop.h"
#include "target-i386/cpuid.h"
#include "target-i386/helper.h"

/* The CR0 bits a P6 or later part has (SDM vol. 3, figure 2-7). */
#define CR0_DEFINED                                                        \
    (CR0_PE_MASK | CR0_MP_MASK | CR0_EM_MASK | CR0_TS_MASK | CR0_ET_MASK | \
     CR0_NE_MASK | CR0_WP_MASK | CR0_AM_MASK | CR0_NW_MASK | CR0_CD_MASK | \
     CR0_PG_MASK)

static void gp0(CPUX86State *env)
{
    x86_raise_exception_err(env, EXCP0D_GPF, 0);
}

/* 64-bit mode: IA-32e mode with a 64-bit code segment (CS.L). */
static bool in_64bit_mode(const CPUX86State *env)
{
    return (env->efer & EFER_LMA) && (env->segs[R_CS].flags & DESC_L_MASK);
}

/* CR8 is the APIC's TPR bits 7-4 (SDM vol. 3, 10.8.6.1).  Without an
 * APIC it reads 0 and ignores writes. */
static uint64_t read_cr8(CPUX86State *env)
{
    uint64_t v = 0;
    if (env->apic_ops) {
        bql_lock();
        v = env->apic_ops->get_cr8(env->apic);
        bql_unlock();
    }
    return v;
}

static void write_cr8(CPUX86State *env, uint64_t val)
{
    if (val >> 4) {
        gp0(env);
    }
    if (env->apic_ops) {
        bql_lock();
        env->apic_ops->set_cr8(env->apic, val);
        bql_unlock();
    }
}

uint64_t helper_read_cr(CPUX86State *env, uint32_t reg)
{
    if (env->hflags & HF_CPL_MASK) {
        gp0(env);
    }
    if (reg == 8) {
        return read_cr8(env);
    }
    if (reg == 1 || reg > 4) {
        x86_raise_exception(env, EXCP06_ILLOP);
    }
    return env->cr[reg];
}

/*
 * The CR4 bits this CPU model has (SDM vol. 3, 2.5 and table 2-2 with the
 * CPUID feature each bit needs); the others are reserved: MOV to CR4 with
 * one set is #GP(0).  No model offers CPUID leaf 7 (UMIP, LA57,
 * FSGSBASE, SMEP...), PCID or VMX/SMX, so those bits are reserved here,
 * as are bits 63-32.
 */
static uint32_t cr4_valid_mask(const CPUX86State *env)
{
    uint32_t d = env->cpuid_features, c = env->cpuid_ext_features;
    int family = (env->cpuid_version >> 8) & 0xf;
    uint32_t m = 0;
    if (d & CPUID_VME) {
        m |= CR4_VME_MASK | CR4_PVI_MASK;
    }
    if (d & CPUID_TSC) {
        m |= CR4_TSD_MASK;
    }
    if (d & CPUID_DE) {
        m |= CR4_DE_MASK;
    }
    if (d & CPUID_PSE) {
        m |= CR4_PSE_MASK;
    }
    if (d & CPUID_PAE) {
        m |= CR4_PAE_MASK;
    }
    if (d & CPUID_MCE) {
        m |= CR4_MCE_MASK;
    }
    if (d & CPUID_PGE) {
        m |= CR4_PGE_MASK;
    }
    /* RDPMC at CPL > 0: the P6 family and the Pentium with MMX. */
    if (family >= 6 || (d & CPUID_MMX)) {
        m |= CR4_PCE_MASK;
    }
    if (d & CPUID_FXSR) {
        m |= CR4_OSFXSR_MASK;
    }
    if (d & CPUID_SSE) {
        m |= CR4_OSXMMEXCPT_MASK;
    }
    if (c & CPUID_EXT_XSAVE) {
        m |= 1u << 18; /* OSXSAVE */
    }
    return m;
}

static void write_cr0(CPUX86State *env, uint64_t val)
{
    if (val >> 32) {
        gp0(env);
    }
    val = (val & CR0_DEFINED) | CR0_ET_MASK;
    if ((val & CR0_PG_MASK) && !(val & CR0_PE_MASK)) {
        gp0(env);
    }
    if ((val & CR0_NW_MASK) && !(val & CR0_CD_MASK)) {
        gp0(env);
    }
    bool was_pg = env->cr[0] & CR0_PG_MASK, pg = val & CR0_PG_MASK;
    if (!was_pg && pg && (env->efer & EFER_LME)) {
        /* Activating IA-32e mode (9.8.5): PAE first, and from a code
         * segment that is not a 64-bit one. */
        if (!(env->cr[4] & CR4_PAE_MASK) ||
            (env->segs[R_CS].flags & DESC_L_MASK)) {
            gp0(env);
        }
        env->efer |= EFER_LMA;
    } else if (was_pg && !pg && (env->efer & EFER_LMA)) {
        /* Leaving it: only from compatibility mode. */
        if (in_64bit_mode(env)) {
            gp0(env);
        }
        env->efer &= ~(uint64_t)EFER_LMA;
    }
    env->cr[0] = val;
}

void helper_mov_cr(CPUX86State *env, uint32_t reg, uint64_t val)
{
    if (env->hflags & HF_CPL_MASK) {
        gp0(env);
    }
    switch (reg) {
    case 0:
        write_cr0(env, val);
        break;
    case 2:
        env->cr[2] = val;
        return;
    case 3:
        /* IA-32e mode: bits MAXPHYADDR-63 are reserved (no PCIDs). */
        if ((env->efer & EFER_LMA) && (val >> x86_cpu_phys_bits(env))) {
            gp0(env);
        }
        env->cr[3] = val;
        break;
    case 4:
        if ((val & ~(uint64_t)cr4_valid_mask(env)) ||
            ((env->efer & EFER_LMA) && !(val & CR4_PAE_MASK))) {
            gp0(env);
        }
        env->cr[4] = val;
        break;
    case 8:
        write_cr8(env, val);
        return;
    default:
        x86_raise_exception(env, EXCP06_ILLOP);
    }
    x86_update_hflags(env);
    x86_tlb_flush(env);
}

void helper_lmsw(CPUX86State *env, uint32_t val)
{
    /* LMSW sets PE but cannot clear it; touches MP, EM, TS only. */
    uint32_t cr0 = (env->cr[0] & ~0xeu) | (val & 0xf);
    helper_mov_cr(env, 0, cr0);
}

void helper_clts(CPUX86State *env)
{
    if (env->hflags & HF_CPL_MASK) {
        gp0(env);
    }
    env->cr[0] &= ~CR0_TS_MASK;
    x86_update_hflags(env);     /* HF_SSE_ON */
}

bool x86_write_efer(CPUX86State *env, uint64_t val)
{
    uint32_t ext2 = env->cpuid_ext2_features;
    uint64_t valid = 0;
    if (ext2 & CPUID_EXT2_SYSCALL) {
        valid |= EFER_SCE;
    }
    if (ext2 & CPUID_EXT2_LM) {
        valid |= EFER_LME | EFER_LMA;
    }
    if (ext2 & CPUID_EXT2_NX) {
        valid |= EFER_NXE;
    }
    if (val & ~valid) {
        return false;
    }
    /* LME changes only with paging off (4.1.2); LMA follows CR0.PG. */
    if ((env->cr[0] & CR0_PG_MASK) && ((val ^ env->efer) & EFER_LME)) {
        return false;
    }
    env->efer = (val & ~(uint64_t)EFER_LMA) | (env->efer & EFER_LMA);
    /* NXE changes the pages' rights. */
    x86_update_hflags(env);
    x86_tlb_flush(env);
    return true;
}
