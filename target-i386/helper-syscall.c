/*
 * The fast system calls: SYSENTER/SYSEXIT (Intel SDM vol. 2; MSRs
 * IA32_SYSENTER_CS/ESP/EIP) and SYSCALL/SYSRET (SDM vol. 2, AMD APM vol.
 * 2, 6.1.1; MSRs STAR, LSTAR, CSTAR, FMASK), and SWAPGS.  None of them
 * reads a descriptor: CS and SS get fixed flat caches derived from the
 * MSR's selector, as both manuals describe.
 *
 * SYSCALL/SYSRET have two forms: in IA-32e mode (EFER.LMA) SYSCALL
 * enters 64-bit mode at LSTAR (from 64-bit code) or CSTAR (from
 * compatibility mode) with RCX = return RIP, R11 = RFLAGS and RFLAGS &=
 * ~FMASK; SYSRET returns to 64-bit mode (REX.W, CS = STAR[63:48] + 16) or
 * compatibility mode (CS = STAR[63:48]) with RFLAGS from R11.  The legacy
 * form (EFER.SCE outside long mode, as AMD parts have it): EIP =
 * STAR[31:0], ECX = return EIP, IF/VM/RF cleared; SYSRET sets IF.
 * SYSENTER in IA-32e mode enters 64-bit mode with the full 64-bit
 * SYSENTER_ESP/EIP; SYSEXIT with REX.W (size 8) returns to 64-bit mode
 * with CS = SYSENTER_CS + 32.
 */
#include "emu/common.h"
#include "target-i386/helper.h"
#include "target-i386/seg-internal.h"

#define FLAT_CODE 0xb   /* execute/read, accessed */
#define FLAT_DATA 0x3   /* read/write, accessed */

/* A flat cache: base 0, limit 4 GiB, type, DPL, plus L or B in size. */
static void flat_seg(SegmentCache *sc, uint32_t sel, uint32_t type, int dpl,
                     uint32_t size)
{
    sc->selector = sel;
    sc->base = 0;
    sc->limit = 0xffffffff;
    sc->flags = (type << DESC_TYPE_SHIFT) | DESC_S_MASK | DESC_P_MASK |
                ((uint32_t)dpl << DESC_DPL_SHIFT) | DESC_G_MASK | size;
}

void helper_sysenter(CPUX86State *env)
{
    uint32_t cs = env->sysenter_cs & 0xfffc;
    if (!(env->cr[0] & CR0_PE_MASK) || cs == 0) {
        fault(env, EXCP0D_GPF, 0);
    }
    env->eflags &= ~(VM_MASK | IF_MASK | RF_MASK);
    if (env->efer & EFER_LMA) {
        flat_seg(&env->segs[R_CS], cs, FLAT_CODE, 0, DESC_L_MASK);
        flat_seg(&env->segs[R_SS], cs + 8, FLAT_DATA, 0, DESC_B_MASK);
        env->regs[R_ESP] = env->sysenter_esp;
        env->eip = env->sysenter_eip;
    } else {
        flat_seg(&env->segs[R_CS], cs, FLAT_CODE, 0, DESC_B_MASK);
        flat_seg(&env->segs[R_SS], cs + 8, FLAT_DATA, 0, DESC_B_MASK);
        env->regs[R_ESP] = (uint32_t)env->sysenter_esp;
        env->eip = (uint32_t)env->sysenter_eip;
    }
    x86_update_hflags(env);
}

void helper_sysexit(CPUX86State *env, uint32_t size)
{
    uint32_t cs = env->sysenter_cs & 0xfffc;
    if (!(env->cr[0] & CR0_PE_MASK) || cs == 0 ||
        (env->hflags & HF_CPL_MASK) || (env->hflags & HF_VM)) {
        fault(env, EXCP0D_GPF, 0);
    }
    if (size == 8) {
        if (!seg_canonical(env->regs[R_ECX]) ||
            !seg_canonical(env->regs[R_EDX])) {
            fault(env, EXCP0D_GPF, 0);
        }
        flat_seg(&env->segs[R_CS], (cs + 32) | 3, FLAT_CODE, 3, DESC_L_MASK);
        flat_seg(&env->segs[R_SS], (cs + 40) | 3, FLAT_DATA, 3, DESC_B_MASK);
        env->regs[R_ESP] = env->regs[R_ECX];
        env->eip = env->regs[R_EDX];
    } else {
        flat_seg(&env->segs[R_CS], (cs + 16) | 3, FLAT_CODE, 3, DESC_B_MASK);
        flat_seg(&env->segs[R_SS], (cs + 24) | 3, FLAT_DATA, 3, DESC_B_MASK);
        env->regs[R_ESP] = (uint32_t)env->regs[R_ECX];
        env->eip = (uint32_t)env->regs[R_EDX];
    }
    x86_update_hflags(env);
}

void helper_syscall(CPUX86State *env, uint64_t next_eip)
{
    if (!(env->efer & EFER_SCE)) {
        x86_raise_exception(env, EXCP06_ILLOP);
    }
    uint32_t cs = (env->star >> 32) & 0xfffc;
    if (env->efer & EFER_LMA) {
        bool from64 = env->hflags & HF_CS64;
        env->regs[R_ECX] = next_eip;
        env->regs[11] = x86_get_eflags(env) & ~RF_MASK;
        flat_seg(&env->segs[R_CS], cs, FLAT_CODE, 0, DESC_L_MASK);
        flat_seg(&env->segs[R_SS], cs + 8, FLAT_DATA, 0, DESC_B_MASK);
        /* RFLAGS &= ~FMASK, and RF always (bit 1 stays set). */
        x86_set_eflags(env, 0, ((uint32_t)env->fmask | RF_MASK) & ~2u);
        env->eip = from64 ? env->lstar : env->cstar;
    } else {
        env->regs[R_ECX] = (uint32_t)next_eip;
        flat_seg(&env->segs[R_CS], cs, FLAT_CODE, 0, DESC_B_MASK);
        flat_seg(&env->segs[R_SS], cs + 8, FLAT_DATA, 0, DESC_B_MASK);
        env->eflags &= ~(VM_MASK | IF_MASK | RF_MASK);
        env->eip = (uint32_t)env->star;
    }
    x86_update_hflags(env);
}

void helper_sysret(CPUX86State *env, uint32_t size)
{
    if (!(env->efer & EFER_SCE)) {
        x86_raise_exception(env, EXCP06_ILLOP);
    }
    if (!(env->cr[0] & CR0_PE_MASK) || (env->hflags & HF_CPL_MASK)) {
        fault(env, EXCP0D_GPF, 0);
    }
    uint32_t cs = (env->star >> 48) & 0xfffc;
    if (env->efer & EFER_LMA) {
        if (size == 8) {
            if (!seg_canonical(env->regs[R_ECX])) {
                fault(env, EXCP0D_GPF, 0);
            }
            flat_seg(&env->segs[R_CS], (cs + 16) | 3, FLAT_CODE, 3,
                     DESC_L_MASK);
            env->eip = env->regs[R_ECX];
        } else {
            flat_seg(&env->segs[R_CS], cs | 3, FLAT_CODE, 3, DESC_B_MASK);
            env->eip = (uint32_t)env->regs[R_ECX];
        }
        flat_seg(&env->segs[R_SS], (cs + 8) | 3, FLAT_DATA, 3, DESC_B_MASK);
        /* RFLAGS = (R11 & 3C7FD7H) | 2: RF and VM clear. */
        x86_set_eflags(env, (uint32_t)env->regs[11] & 0x3c7fd7, 0x3f7fd5);
    } else {
        flat_seg(&env->segs[R_CS], cs | 3, FLAT_CODE, 3, DESC_B_MASK);
        flat_seg(&env->segs[R_SS], (cs + 8) | 3, FLAT_DATA, 3, DESC_B_MASK);
        env->eflags |= IF_MASK;
        env->eip = (uint32_t)env->regs[R_ECX];
    }
    x86_update_hflags(env);
}

void helper_swapgs(CPUX86State *env)
{
    if (!(env->hflags & HF_CS64)) {
        x86_raise_exception(env, EXCP06_ILLOP);
    }
    if (env->hflags & HF_CPL_MASK) {
        fault(env, EXCP0D_GPF, 0);
    }
    uint64_t t = env->segs[R_GS].base;
    env->segs[R_GS].base = env->kernelgsbase;
    env->kernelgsbase = t;
}
