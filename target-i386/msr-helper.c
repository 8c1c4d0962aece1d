/*
 * RDMSR and WRMSR (SDM vol. 4 lists the MSRs): the architectural ones
 * kept in CPUX86State, P6 ones with fixed values, and those of the local
 * APIC (IA32_APIC_BASE, the x2APIC range, IA32_TSC_DEADLINE), which go to
 * the APIC model through env->apic_ops when the machine has one.
 *
 * The SYSCALL and long-mode MSRs (STAR, LSTAR, CSTAR, FMASK, FS.base,
 * GS.base, KERNEL_GS_BASE) and TSC_AUX exist only when the CPU model
 * advertises SYSCALL / LM / RDTSCP (CPUID 0x80000001 EDX); otherwise they
 * #GP as on a part without them.  FS.base and GS.base are the segment
 * caches' bases; address-valued ones must be canonical (SDM vol. 4,
 * table 2-2: #GP on a non-canonical write).
 */
#include "emu/common.h"
#include "emu/main-loop.h"
#include "emu/timer.h"
#include "target-i386/cpuid.h"
#include "target-i386/helper.h"
#include "target-i386/seg-internal.h"

static bool is_apic_msr(uint32_t msr)
{
    return msr == MSR_IA32_APICBASE || msr == MSR_IA32_TSC_DEADLINE ||
           (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST);
}

/* The APIC's state belongs to the machine: the global lock covers it.
 * (A successful set_base mirrors the base into env->apic_base.) */
static bool apic_msr(CPUX86State *env, uint32_t msr, uint64_t *v, bool write)
{
    const X86APICOps *ops = env->apic_ops;
    bool ok = true;

    bql_lock();
    if (msr == MSR_IA32_APICBASE) {
        if (write) {
            ok = ops->set_base(env->apic, *v);
        } else {
            *v = ops->get_base(env->apic);
        }
    } else if (write) {
        ok = ops->msr_write(env->apic, msr, *v);
    } else {
        ok = ops->msr_read(env->apic, msr, v);
    }
    bql_unlock();
    return ok;
}

/* The long-mode / SYSCALL MSRs: *ok false for #GP; false if msr is none
 * of them. */
static bool lm_msr(CPUX86State *env, uint32_t msr, uint64_t *v, bool write,
                   bool *ok)
{
    uint32_t ext2 = env->cpuid_ext2_features;
    uint64_t *p;
    bool addr = false;              /* must be canonical */
    uint32_t need = CPUID_EXT2_LM;
    switch (msr) {
    case MSR_STAR:
        p = &env->star;
        need = CPUID_EXT2_SYSCALL | CPUID_EXT2_LM;
        break;
    case MSR_LSTAR: p = &env->lstar; addr = true; break;
    case MSR_CSTAR: p = &env->cstar; addr = true; break;
    case MSR_FMASK: p = &env->fmask; break;
    case MSR_FSBASE: p = &env->segs[R_FS].base; addr = true; break;
    case MSR_GSBASE: p = &env->segs[R_GS].base; addr = true; break;
    case MSR_KERNELGSBASE: p = &env->kernelgsbase; addr = true; break;
    case MSR_TSC_AUX:
        p = &env->tsc_aux;
        need = CPUID_EXT2_RDTSCP;
        break;
    default:
        return false;
    }
    *ok = (ext2 & need) != 0;
    if (!*ok) {
        return true;
    }
    if (!write) {
        *v = *p;
        return true;
    }
    if ((addr && !seg_canonical(*v)) ||
        (msr == MSR_TSC_AUX && (*v >> 32))) {
        *ok = false;
        return true;
    }
    /* FMASK: bits 63-32 reserved, read as zero (AMD APM 6.1.1). */
    *p = msr == MSR_FMASK ? (uint32_t)*v : *v;
    return true;
}

static uint64_t *msr_slot(CPUX86State *env, uint32_t msr)
{
    switch (msr) {
    case MSR_IA32_APICBASE: return &env->apic_base;
    case MSR_IA32_SYSENTER_ESP: return &env->sysenter_esp;
    case MSR_IA32_SYSENTER_EIP: return &env->sysenter_eip;
    case MSR_PAT: return &env->pat;
    case MSR_MTRRdefType: return &env->mtrr_deftype;
    case MSR_EFER: return &env->efer;
    case MSR_MTRRfix64K_00000: return &env->mtrr_fixed[0];
    case MSR_MTRRfix16K_80000: return &env->mtrr_fixed[1];
    case MSR_MTRRfix16K_A0000: return &env->mtrr_fixed[2];
    default:
        if (msr >= MSR_MTRRfix4K_C0000 && msr < MSR_MTRRfix4K_C0000 + 8) {
            return &env->mtrr_fixed[3 + msr - MSR_MTRRfix4K_C0000];
        }
        if (msr >= MSR_MTRRphysBase0 && msr < MSR_MTRRphysBase0 + 16) {
            uint32_t i = msr - MSR_MTRRphysBase0;
            return &env->mtrr_var[i / 2][i & 1];
        }
        return NULL;
    }
}

/*
 * MSRs a P6 has that we do not model: reads give a fixed value, writes are
 * accepted and dropped (SDM vol. 4, table 2-2 / "P6 family" MSRs).  Linux
 * touches IA32_PLATFORM_ID and IA32_BIOS_SIGN_ID with plain RDMSR/WRMSR
 * in its early microcode check, so they must not fault.
 */
#define MSR_IA32_PLATFORM_ID 0x17
#define MSR_EBL_CR_POWERON 0x2a
#define MSR_IA32_BIOS_SIGN_ID 0x8b
#define MSR_P6_PERFCTR0 0xc1
#define MSR_P6_PERFCTR1 0xc2
#define MSR_IA32_MCG_CAP 0x179
#define MSR_IA32_MCG_STATUS 0x17a
#define MSR_P6_EVNTSEL0 0x186
#define MSR_P6_EVNTSEL1 0x187
#define MSR_IA32_MISC_ENABLE 0x1a0

#define MSR_K7_EVNTSEL0 0xc0010000
#define MSR_K7_PERFCTR3 0xc0010007
#define MSR_K8_SYSCFG 0xc0010010
#define MSR_K8_INT_PENDING_MSG 0xc0010055

/*
 * AMD's SYSCFG (APM vol. 2, 3.2.1) and the K8 interrupt-pending message
 * register: Linux reads them on AMD CPUs of the qemu64 class (the
 * memory-encryption check; erratum 400's C1E check).  Both read 0 (no
 * SME, no C1E); writes are accepted and dropped, as the other fixed MSRs.
 * The four legacy performance counters (PerfEvtSel0-3, PerfCtr0-3, APM
 * vol. 2, 13.2.1) exist on every AMD64 part; like the P6 ones above they
 * read 0 and drop writes (no counting): kvm-unit-tests' start-up code
 * clears them on AMD models.  Intel models #GP as their hardware does.
 */
static bool amd_msr(const CPUX86State *env, uint32_t msr, uint64_t *val)
{
    bool amd = env->cpuid_vendor[0] == 0x68747541;   /* "Auth"enticAMD */
    if (amd && (msr == MSR_K8_SYSCFG || msr == MSR_K8_INT_PENDING_MSG ||
                (msr >= MSR_K7_EVNTSEL0 && msr <= MSR_K7_PERFCTR3))) {
        *val = 0;
        return true;
    }
    return false;
}

static bool fixed_msr(uint32_t msr, uint64_t *val, bool write)
{
    switch (msr) {
    case MSR_IA32_PLATFORM_ID:
    case MSR_IA32_MCG_CAP:
        *val = 0;
        return !write;              /* read-only */
    case MSR_IA32_BIOS_SIGN_ID:
        *val = 1ull << 32;          /* microcode revision 1 */
        return true;
    case MSR_IA32_MISC_ENABLE:
        *val = 1;                   /* fast strings */
        return true;
    case MSR_EBL_CR_POWERON:
    case MSR_P6_PERFCTR0:
    case MSR_P6_PERFCTR1:
    case MSR_IA32_MCG_STATUS:
    case MSR_P6_EVNTSEL0:
    case MSR_P6_EVNTSEL1:
        *val = 0;
        return true;
    }
    return false;
}

void helper_rdmsr(CPUX86State *env)
{
    uint32_t msr = env->regs[R_ECX];
    uint64_t v = 0;
    bool ok;
    if (env->hflags & HF_CPL_MASK) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
    if (msr == MSR_IA32_TSC) {
        v = env->tsc + (uint64_t)clock_get_ns(CLOCK_VIRTUAL);
    } else if (msr == MSR_IA32_SYSENTER_CS) {
        v = env->sysenter_cs;
    } else if (msr == MSR_MTRRcap) {
        v = 0x508;  /* 8 variable ranges, fixed ranges, WC */
    } else if (fixed_msr(msr, &v, false) || amd_msr(env, msr, &v)) {
        /* v set */
    } else if (lm_msr(env, msr, &v, false, &ok)) {
        if (!ok) {
            x86_raise_exception_err(env, EXCP0D_GPF, 0);
        }
    } else if (env->apic_ops && is_apic_msr(msr)) {
        if (!apic_msr(env, msr, &v, false)) {
            x86_raise_exception_err(env, EXCP0D_GPF, 0);
        }
    } else {
        uint64_t *p = msr_slot(env, msr);
        if (!p) {
            log_mask(LOG_UNIMP, "x86: rdmsr 0x%x\n", msr);
            x86_raise_exception_err(env, EXCP0D_GPF, 0);
        }
        v = *p;
    }
    env->regs[R_EAX] = (uint32_t)v;
    env->regs[R_EDX] = (uint32_t)(v >> 32);
}

void helper_wrmsr(CPUX86State *env)
{
    uint32_t msr = env->regs[R_ECX];
    uint64_t v = (uint32_t)env->regs[R_EAX] |
                 (uint64_t)(uint32_t)env->regs[R_EDX] << 32;
    bool ok;
    if (env->hflags & HF_CPL_MASK) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
    if (msr == MSR_IA32_TSC) {
        env->tsc = v - (uint64_t)clock_get_ns(CLOCK_VIRTUAL);
    } else if (msr == MSR_IA32_SYSENTER_CS) {
        env->sysenter_cs = v;
    } else if (msr == MSR_EFER) {
        if (!x86_write_efer(env, v)) {
            x86_raise_exception_err(env, EXCP0D_GPF, 0);
        }
    } else if (fixed_msr(msr, &(uint64_t){0}, true) ||
               amd_msr(env, msr, &(uint64_t){0})) {
        /* accepted, dropped */
    } else if (lm_msr(env, msr, &v, true, &ok)) {
        if (!ok) {
            x86_raise_exception_err(env, EXCP0D_GPF, 0);
        }
    } else if (env->apic_ops && is_apic_msr(msr)) {
        if (!apic_msr(env, msr, &v, true)) {
            x86_raise_exception_err(env, EXCP0D_GPF, 0);
        }
    } else {
        uint64_t *p = msr_slot(env, msr);
        if (!p) {
            log_mask(LOG_UNIMP, "x86: wrmsr 0x%x\n", msr);
            x86_raise_exception_err(env, EXCP0D_GPF, 0);
        }
        *p = v;
    }
}

