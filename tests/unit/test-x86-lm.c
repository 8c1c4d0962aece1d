/*
 * Long-mode (IA-32e) system helpers, called directly on a translator vCPU
 * (target-i386/helper-lm.c, helper-seg.c, helper-syscall.c, msr-helper.c,
 * x86_update_hflags): 64-bit interrupt frames (inner and same privilege,
 * IST, from compatibility mode), IRETQ, SYSCALL/SYSRET, SWAPGS, far CALL
 * through a 64-bit call gate and RETF back, LTR of a 16-byte descriptor,
 * the long-mode MSRs, the register dump, and the #GP/#UD cases.
 *
 * The env is put in IA-32e mode by hand (EFER.LME|LMA, CR4.PAE, CR0.PE)
 * with a GDT, IDT and 64-bit TSS the test builds in guest RAM (the x86
 * harness's machine).  Paging stays off: the helpers only see linear
 * addresses, which then equal physical ones, so no page tables are
 * needed.  A helper's exception longjmps to the accelerator's jump buffer,
 * which TRY() sets.
 */
#include "tests/unit/harness.h"
#include "tests/unit/x86-harness.h"
#include "accel/tcg/tcg-internal.h"
#include "target-i386/cpuid.h"
#include "target-i386/helper.h"
#include "target-i386/seg-internal.h"

#include <setjmp.h>

/* Guest memory map (physical = linear) */
#define GDT 0x1000u
#define IDT 0x2000u
#define TSS 0x3000u
#define RSP0 0x80000u
#define IST1 0x90000u
#define USTACK 0x60008u          /* not 16-byte aligned on purpose */
#define HANDLER 0xffff800000401000ull
#define GATE_TARGET 0xffff800000402000ull

/* Selectors */
#define K_CS 0x08                /* 64-bit code, DPL 0 */
#define K_DS 0x10                /* data, DPL 0 */
#define U_CS32 0x18              /* compatibility-mode code, DPL 3 */
#define U_DS 0x20                /* data, DPL 3 */
#define U_CS64 0x28              /* 64-bit code, DPL 3 */
#define TSS_SEL 0x30             /* 16-byte 64-bit TSS (busy) */
#define GATE_SEL 0x40            /* 16-byte 64-bit call gate, DPL 3 */
#define LDT_SEL 0x50             /* 16-byte LDT */
#define K_CS_LD 0x60             /* L = 1 and D = 1: reserved */
#define K_CS32 0x68              /* 32-bit code, DPL 0 */
#define TSS2_SEL 0x70            /* 16-byte TSS, base above 4 GiB */
#define BADTSS_SEL 0x80          /* 16-byte TSS, upper type field not 0 */
#define GATE32_SEL 0x90          /* 64-bit call gate to K_CS32 */

#define CODE (DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK)
#define DATA (DESC_P_MASK | DESC_S_MASK | DESC_W_MASK)
#define DPL(n) ((uint32_t)(n) << DESC_DPL_SHIFT)

enum { K64, U64, U32 };

static CPUX86State *env;
static uint32_t excp_err;

/* Run stmt; -1 if it returned, else the exception vector (excp_err).
 * helper_int leaves with EXCP_EXIT after a delivery: INT() says -1. */
#define INT(vec, next)                                                       \
    ({                                                                       \
        int v_ = TRY(helper_int(env, vec, next));                            \
        v_ == EXCP_EXIT ? -1 : v_;                                           \
    })
#define TRY(stmt)                                                            \
    ({                                                                       \
        TCGCPU *t_ = env_tcg(env);                                           \
        volatile int r_ = -1;                                                \
        if (sigsetjmp(t_->jmp, 0) == 0) {                                    \
            stmt;                                                            \
        } else {                                                             \
            r_ = t_->excp;                                                   \
            excp_err = t_->err;                                              \
        }                                                                    \
        r_;                                                                  \
    })

static uint8_t *ram(void)
{
    return x86h_ram();
}

static uint64_t rdq(uint64_t a)
{
    return ldq_le_p(ram() + a);
}

static void set_desc(uint32_t sel, uint32_t base, uint32_t limit,
                     uint32_t attrs)
{
    uint32_t e1, e2;
    x86h_make_desc(base, limit, attrs, &e1, &e2);
    stl_le_p(ram() + GDT + sel, e1);
    stl_le_p(ram() + GDT + sel + 4, e2);
}

/* A 16-byte system descriptor (TSS, LDT); hi_type goes in the upper
 * half's type field (must be 0). */
static void set_sys16(uint32_t sel, uint64_t base, uint32_t limit,
                      uint32_t type, uint32_t hi_type)
{
    set_desc(sel, (uint32_t)base, limit,
             DESC_P_MASK | (type << DESC_TYPE_SHIFT));
    stl_le_p(ram() + GDT + sel + 8, base >> 32);
    stl_le_p(ram() + GDT + sel + 12, hi_type << 8);
}

/* A 16-byte gate at addr: interrupt/trap/call gate, 64-bit offset. */
static void set_gate16(uint64_t addr, uint32_t sel, uint64_t off,
                       uint32_t type, int dpl, int ist)
{
    stl_le_p(ram() + addr, (sel << 16) | (off & 0xffff));
    stl_le_p(ram() + addr + 4, (off & 0xffff0000) | DESC_P_MASK | DPL(dpl) |
             (type << DESC_TYPE_SHIFT) | ist);
    stl_le_p(ram() + addr + 8, off >> 32);
    stl_le_p(ram() + addr + 12, 0);
}

static void load(int seg, uint32_t sel)
{
    uint32_t e1 = ldl_le_p(ram() + GDT + (sel & ~7u));
    uint32_t e2 = ldl_le_p(ram() + GDT + (sel & ~7u) + 4);
    seg_load_cache(&env->segs[seg], sel, e1, e2 | DESC_A_MASK);
}

static void setup(int mode)
{
    x86h_init();
    env = x86h_env();
    memset(ram() + GDT, 0, 0x100);
    memset(ram() + IDT, 0, 0x1000);
    memset(ram() + TSS, 0, 0x68);

    set_desc(K_CS, 0, 0xffffffff, CODE | DESC_L_MASK);
    set_desc(K_DS, 0, 0xffffffff, DATA | DESC_B_MASK);
    set_desc(U_CS32, 0, 0xffffffff, CODE | DESC_B_MASK | DPL(3));
    set_desc(U_DS, 0, 0xffffffff, DATA | DESC_B_MASK | DPL(3));
    set_desc(U_CS64, 0, 0xffffffff, CODE | DESC_L_MASK | DPL(3));
    set_sys16(TSS_SEL, TSS, 0x67, T_TSS32_BUSY, 0);
    set_sys16(LDT_SEL, 0x7000, 0xff, T_LDT, 0);
    set_desc(K_CS_LD, 0, 0xfffff, CODE | DESC_L_MASK | DESC_B_MASK);
    set_desc(K_CS32, 0, 0xffffffff, CODE | DESC_B_MASK);
    set_sys16(TSS2_SEL, 0x0000123456789000ull, 0x67, T_TSS32_AVAIL, 0);
    set_sys16(BADTSS_SEL, 0x5000, 0x67, T_TSS32_AVAIL, T_TSS32_AVAIL);
    set_gate16(GDT + GATE_SEL, K_CS, GATE_TARGET, T_CALLGATE32, 3, 0);
    set_gate16(GDT + GATE32_SEL, K_CS32, 0x1000, T_CALLGATE32, 3, 0);

    stq_le_p(ram() + TSS + 4, RSP0);
    stq_le_p(ram() + TSS + 0x24, IST1);
    /* IDT: 0x80 user-callable interrupt gate, 0x0d trap gate, 2 (NMI)
     * on IST1, 0x81 a task gate, 0x82 non-canonical, 0x83 -> 32-bit CS. */
    set_gate16(IDT + 0x80 * 16, K_CS, HANDLER, T_INTGATE32, 3, 0);
    set_gate16(IDT + 0x0d * 16, K_CS, HANDLER, T_TRAPGATE32, 0, 0);
    set_gate16(IDT + 0x02 * 16, K_CS, HANDLER, T_INTGATE32, 0, 1);
    set_gate16(IDT + 0x81 * 16, TSS_SEL, 0, T_TASKGATE, 3, 0);
    set_gate16(IDT + 0x82 * 16, K_CS, 0x0000800000000000ull, T_INTGATE32, 3,
               0);
    set_gate16(IDT + 0x83 * 16, K_CS32, 0x1000, T_INTGATE32, 3, 0);

    x86_cpu_reset_state(env);
    env->cpuid_ext2_features |= CPUID_EXT2_LM | CPUID_EXT2_SYSCALL |
                                CPUID_EXT2_RDTSCP;
    env->cr[0] = CR0_PE_MASK | CR0_ET_MASK | CR0_NE_MASK;
    env->cr[4] = CR4_PAE_MASK;
    env->efer = EFER_SCE | EFER_LME | EFER_LMA;
    env->gdt.base = GDT;
    env->gdt.limit = 0xff;
    env->idt.base = IDT;
    env->idt.limit = 0xfff;
    uint32_t e1 = ldl_le_p(ram() + GDT + TSS_SEL);
    uint32_t e2 = ldl_le_p(ram() + GDT + TSS_SEL + 4);
    seg_load_cache(&env->tr, TSS_SEL, e1, e2);
    seg_null_seg(&env->ldt, 0);
    if (mode == K64) {
        load(R_CS, K_CS);
        load(R_SS, K_DS);
    } else {
        load(R_CS, mode == U64 ? U_CS64 | 3 : U_CS32 | 3);
        load(R_SS, U_DS | 3);
    }
    load(R_DS, mode == K64 ? K_DS : U_DS | 3);
    load(R_ES, mode == K64 ? K_DS : U_DS | 3);
    seg_null_seg(&env->segs[R_FS], 0);
    seg_null_seg(&env->segs[R_GS], 0);
    env->regs[R_ESP] = USTACK;
    env->eip = 0x400000;
    env->eflags = 0x202;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = 0;
    env->df = 1;
    env->star = ((uint64_t)U_CS32 << 48) | ((uint64_t)K_CS << 32);
    env->lstar = 0xffff800000500000ull;
    env->cstar = 0xffff800000600000ull;
    env->fmask = IF_MASK | TF_MASK | DF_MASK;
    x86_update_hflags(env);
    x86_tlb_flush(env);
}

/* ---- hflags ---- */

static void test_hflags(void)
{
    setup(K64);
    CHECK_EQ(env->hflags & (HF_LMA | HF_CS64 | HF_CS32 | HF_SS32 | 3),
             HF_LMA | HF_CS64 | HF_CS32 | HF_SS32);
    CHECK_EQ(env->hflags & HF_SEG_MASK, 0);
    setup(U32);
    CHECK_EQ(env->hflags & (HF_LMA | HF_CS64 | HF_CS32 | 3),
             HF_LMA | HF_CS32 | 3);
    /* A 64-bit CS with a 16-bit SS: still SS32 in 64-bit mode. */
    setup(U64);
    env->segs[R_SS].flags &= ~DESC_B_MASK;
    env->segs[R_DS].limit = 0xffff;
    x86_update_hflags(env);
    CHECK_EQ(env->hflags & (HF_CS64 | HF_SS32 | 3), HF_CS64 | HF_SS32 | 3);
    CHECK_EQ(env->hflags & HF_SEG_MASK, 0);
    /* L ignored outside long mode. */
    env->efer = 0;
    x86_update_hflags(env);
    CHECK_EQ(env->hflags & (HF_LMA | HF_CS64), 0);
}

/* ---- interrupts ---- */

/* INT 80h from 64-bit ring 3: RSP0, null SS, 8-byte frame. */
static void test_int_inner(void)
{
    setup(U64);
    env->eflags |= CC_C;
    env->cc_src = CC_C;
    CHECK_EQ(INT(0x80, 0x400002), -1);
    uint64_t sp = RSP0 - 40;
    CHECK_EQ(env->regs[R_ESP], sp);
    CHECK_EQ(rdq(sp), 0x400002);                /* RIP */
    CHECK_EQ(rdq(sp + 8), U_CS64 | 3);          /* CS */
    CHECK_EQ(rdq(sp + 16), 0x203);              /* RFLAGS */
    CHECK_EQ(rdq(sp + 24), USTACK);             /* RSP */
    CHECK_EQ(rdq(sp + 32), U_DS | 3);           /* SS */
    CHECK_EQ(env->eip, HANDLER);
    CHECK_EQ(env->segs[R_CS].selector, K_CS);
    CHECK_EQ(env->segs[R_SS].selector, 0);
    CHECK_EQ(env->hflags & (HF_CS64 | 3), HF_CS64);
    CHECK_EQ(env->eflags & IF_MASK, 0);
}

/* #GP with an error code at ring 0: RSP aligned down to 16, SS kept. */
static void test_exception_same_level(void)
{
    setup(K64);
    env->eflags |= TF_MASK;
    CHECK_EQ(TRY(x86_do_interrupt(env, EXCP0D_GPF, false, true, 0x1234,
                                  0x400000)), -1);
    uint64_t sp = (USTACK & ~0xfull) - 48;
    CHECK_EQ(env->regs[R_ESP], sp);
    CHECK_EQ(rdq(sp), 0x1234);                  /* error code */
    CHECK_EQ(rdq(sp + 8), 0x400000);
    CHECK_EQ(rdq(sp + 16), K_CS);
    CHECK_EQ(rdq(sp + 24), 0x302);
    CHECK_EQ(rdq(sp + 32), USTACK);
    CHECK_EQ(rdq(sp + 40), K_DS);
    CHECK_EQ(env->segs[R_SS].selector, K_DS);
    /* Trap gate: IF stays, TF cleared. */
    CHECK_EQ(env->eflags & (IF_MASK | TF_MASK), IF_MASK);
}

/* NMI through an IST1 gate at ring 0: IST stack although same level. */
static void test_ist(void)
{
    setup(K64);
    CHECK_EQ(TRY(x86_do_interrupt(env, EXCP02_NMI, false, false, 0,
                                  0x400000)), -1);
    CHECK_EQ(env->regs[R_ESP], IST1 - 40);
    CHECK_EQ(rdq(IST1 - 8), K_DS);
    CHECK_EQ(rdq(IST1 - 16), USTACK);
    CHECK_EQ(env->segs[R_SS].selector, K_DS);
}

/* From compatibility mode: same 8-byte frame, handler in 64-bit mode. */
static void test_int_from_compat(void)
{
    setup(U32);
    CHECK_EQ(INT(0x80, 0x400002), -1);
    uint64_t sp = RSP0 - 40;
    CHECK_EQ(env->regs[R_ESP], sp);
    CHECK_EQ(rdq(sp), 0x400002);
    CHECK_EQ(rdq(sp + 8), U_CS32 | 3);
    CHECK_EQ(rdq(sp + 32), U_DS | 3);
    CHECK(env->hflags & HF_CS64);
    /* and IRET (operand size 4 is not what a 64-bit handler uses, but
     * IRETQ is): back to compatibility mode at ring 3 */
    CHECK_EQ(TRY(helper_iret(env, 8)), -1);
    CHECK_EQ(env->hflags & (HF_CS64 | HF_CS32 | 3), HF_CS32 | 3);
    CHECK_EQ(env->regs[R_ESP], USTACK);
    CHECK_EQ(env->eip, 0x400002);
}

static void test_iretq(void)
{
    setup(U64);
    CHECK_EQ(INT(0x80, 0x400002), -1);
    env->regs[R_EAX] = 1;
    CHECK_EQ(TRY(helper_iret(env, 8)), -1);
    CHECK_EQ(env->eip, 0x400002);
    CHECK_EQ(env->segs[R_CS].selector, U_CS64 | 3);
    CHECK_EQ(env->segs[R_SS].selector, U_DS | 3);
    CHECK_EQ(env->regs[R_ESP], USTACK);
    CHECK_EQ(env->hflags & (HF_CS64 | 3), HF_CS64 | 3);
    CHECK(env->eflags & IF_MASK);

    /* Same level from 64-bit mode: SS:RSP popped too (the unaligned
     * RSP comes back). */
    setup(K64);
    CHECK_EQ(TRY(x86_do_interrupt(env, EXCP0D_GPF, false, true, 7,
                                  0x400000)), -1);
    env->regs[R_ESP] += 8;                      /* the error code */
    CHECK_EQ(TRY(helper_iret(env, 8)), -1);
    CHECK_EQ(env->regs[R_ESP], USTACK);
    CHECK_EQ(env->eip, 0x400000);
    CHECK_EQ(env->segs[R_SS].selector, K_DS);
}

static void push_frame(uint64_t rip, uint32_t cs, uint32_t fl, uint64_t rsp,
                       uint32_t ss)
{
    uint64_t sp = env->regs[R_ESP] - 40;
    stq_le_p(ram() + sp, rip);
    stq_le_p(ram() + sp + 8, cs);
    stq_le_p(ram() + sp + 16, fl);
    stq_le_p(ram() + sp + 24, rsp);
    stq_le_p(ram() + sp + 32, ss);
    env->regs[R_ESP] = sp;
}

/* IRETQ to ring 3 nulls a DPL-0 GS, but only its selector: the base
 * stays (64-bit mode uses it; kvm-unit-tests' emulator checks this). */
static void test_iretq_nulls_outer_gs(void)
{
    setup(K64);
    env->segs[R_GS].selector = K_DS;
    env->segs[R_GS].flags = env->segs[R_DS].flags;
    env->segs[R_GS].base = 0x400000;
    push_frame(0x400002, U_CS64 | 3, 0x202, USTACK, U_DS | 3);
    CHECK_EQ(TRY(helper_iret(env, 8)), -1);
    CHECK_EQ(env->hflags & 3, 3);
    CHECK_EQ(env->segs[R_GS].selector, 0);
    CHECK_EQ(env->segs[R_GS].base, 0x400000);
    CHECK_EQ(env->segs[R_GS].flags & DESC_P_MASK, 0);
}

static void test_iret_faults(void)
{
    /* NT set: no task switch in long mode. */
    setup(K64);
    env->eflags |= NT_MASK;
    push_frame(0x1000, K_CS, 0x2, 0x5000, K_DS);
    CHECK_EQ(TRY(helper_iret(env, 8)), EXCP0D_GPF);
    CHECK_EQ(excp_err, 0);
    CHECK_EQ(env->eip, 0x400000);

    /* Null SS returning to ring 0 64-bit code: allowed. */
    setup(K64);
    push_frame(0x1000, K_CS, 0x2, 0x5000, 0);
    CHECK_EQ(TRY(helper_iret(env, 8)), -1);
    CHECK_EQ(env->regs[R_ESP], 0x5000);
    CHECK_EQ(env->segs[R_SS].selector, 0);
    CHECK_EQ(env->hflags & 3, 0);

    /* ... but not to ring 3. */
    setup(K64);
    push_frame(0x1000, U_CS64 | 3, 0x2, 0x5000, 0);
    CHECK_EQ(TRY(helper_iret(env, 8)), EXCP0D_GPF);

    /* Non-canonical RIP into 64-bit code. */
    setup(K64);
    push_frame(0x0000800000000000ull, K_CS, 0x2, 0x5000, K_DS);
    CHECK_EQ(TRY(helper_iret(env, 8)), EXCP0D_GPF);
    CHECK_EQ(excp_err, 0);

    /* CS with L = 1 and D = 1. */
    setup(K64);
    push_frame(0x1000, K_CS_LD, 0x2, 0x5000, K_DS);
    CHECK_EQ(TRY(helper_iret(env, 8)), EXCP0D_GPF);
    CHECK_EQ(excp_err, K_CS_LD);
}

static void test_int_faults(void)
{
    setup(U64);
    /* Task gate: #GP(vector * 8 + 2), + EXT for an external event. */
    CHECK_EQ(INT(0x81, 0x400002), EXCP0D_GPF);
    CHECK_EQ(excp_err, 0x81 * 8 + 2);
    CHECK_EQ(TRY(x86_do_interrupt(env, 0x81, false, false, 0, 0)),
             EXCP0D_GPF);
    CHECK_EQ(excp_err, 0x81 * 8 + 3);
    /* Non-canonical handler. */
    CHECK_EQ(INT(0x82, 0x400002), EXCP0D_GPF);
    CHECK_EQ(excp_err, 0);
    /* Handler's CS not 64-bit. */
    CHECK_EQ(INT(0x83, 0x400002), EXCP0D_GPF);
    CHECK_EQ(excp_err, K_CS32);
    /* DPL 0 gate from ring 3 by INT n. */
    CHECK_EQ(INT(0x0d, 0x400002), EXCP0D_GPF);
    CHECK_EQ(excp_err, 0x0d * 8 + 2);
    /* An IDT of 8-byte entries is too short for vector 0x80's 16. */
    env->idt.limit = 0x80 * 16 + 7;
    CHECK_EQ(INT(0x80, 0x400002), EXCP0D_GPF);
    CHECK_EQ(excp_err, 0x80 * 8 + 2);
    /* Nothing was committed. */
    CHECK_EQ(env->segs[R_CS].selector, U_CS64 | 3);
    CHECK_EQ(env->regs[R_ESP], USTACK);
}

/* ---- SYSCALL / SYSRET / SWAPGS / SYSENTER ---- */

static void test_syscall_sysret(void)
{
    setup(U64);
    env->eflags |= DF_MASK | CC_Z;
    env->cc_src = CC_Z;
    env->df = -1;
    CHECK_EQ(TRY(helper_syscall(env, 0x400002)), -1);
    CHECK_EQ(env->regs[R_ECX], 0x400002);
    CHECK_EQ(env->regs[11], 0x642);
    CHECK_EQ(env->eip, 0xffff800000500000ull);
    CHECK_EQ(env->segs[R_CS].selector, K_CS);
    CHECK_EQ(env->segs[R_SS].selector, K_DS);
    CHECK(env->segs[R_CS].flags & DESC_L_MASK);
    CHECK_EQ(env->hflags & (HF_CS64 | 3), HF_CS64);
    CHECK_EQ(x86_get_eflags(env) & (IF_MASK | DF_MASK | CC_Z), CC_Z);
    CHECK_EQ(env->regs[R_ESP], USTACK);         /* SYSCALL keeps RSP */

    env->regs[11] |= RF_MASK;                   /* RF never comes back */
    CHECK_EQ(TRY(helper_sysret(env, 8)), -1);
    CHECK_EQ(env->eip, 0x400002);
    CHECK_EQ(env->segs[R_CS].selector, U_CS64 | 3);
    CHECK_EQ(env->segs[R_SS].selector, U_DS | 3);
    CHECK_EQ(env->hflags & (HF_CS64 | 3), HF_CS64 | 3);
    CHECK_EQ(x86_get_eflags(env), 0x642);

    /* From compatibility mode: CSTAR; SYSRET size 4 back to it. */
    setup(U32);
    CHECK_EQ(TRY(helper_syscall(env, 0x400002)), -1);
    CHECK_EQ(env->eip, 0xffff800000600000ull);
    CHECK(env->hflags & HF_CS64);
    env->regs[R_ECX] |= 0xabcd00000000ull;
    CHECK_EQ(TRY(helper_sysret(env, 4)), -1);
    CHECK_EQ(env->eip, 0x400002);
    CHECK_EQ(env->segs[R_CS].selector, U_CS32 | 3);
    CHECK_EQ(env->hflags & (HF_CS64 | HF_CS32 | 3), HF_CS32 | 3);
}

static void test_syscall_faults(void)
{
    setup(K64);
    env->regs[R_ECX] = 0x0000800000000000ull;
    CHECK_EQ(TRY(helper_sysret(env, 8)), EXCP0D_GPF);
    CHECK_EQ(env->segs[R_CS].selector, K_CS);
    setup(U64);
    CHECK_EQ(TRY(helper_sysret(env, 8)), EXCP0D_GPF);
    env->efer &= ~EFER_SCE;
    CHECK_EQ(TRY(helper_syscall(env, 0)), EXCP06_ILLOP);
    CHECK_EQ(TRY(helper_sysret(env, 8)), EXCP06_ILLOP);
}

/* The legacy form (EFER.SCE without long mode, as AMD has it). */
static void test_syscall_legacy(void)
{
    setup(U32);
    env->efer = EFER_SCE;
    env->star |= 0x12345678;
    x86_update_hflags(env);
    CHECK_EQ(TRY(helper_syscall(env, 0x400002)), -1);
    CHECK_EQ(env->eip, 0x12345678);
    CHECK_EQ(env->regs[R_ECX], 0x400002);
    CHECK_EQ(env->eflags & IF_MASK, 0);
    CHECK_EQ(env->hflags & (HF_CS64 | HF_CS32 | 3), HF_CS32);
    CHECK_EQ(TRY(helper_sysret(env, 4)), -1);
    CHECK_EQ(env->eip, 0x400002);
    CHECK_EQ(env->hflags & 3, 3);
    CHECK(env->eflags & IF_MASK);
}

static void test_swapgs(void)
{
    setup(K64);
    env->segs[R_GS].base = 0x1111;
    env->kernelgsbase = 0xffff800000002222ull;
    CHECK_EQ(TRY(helper_swapgs(env)), -1);
    CHECK_EQ(env->segs[R_GS].base, 0xffff800000002222ull);
    CHECK_EQ(env->kernelgsbase, 0x1111);
    setup(U64);
    CHECK_EQ(TRY(helper_swapgs(env)), EXCP0D_GPF);
    setup(U32);
    CHECK_EQ(TRY(helper_swapgs(env)), EXCP06_ILLOP);
}

static void test_sysenter_sysexit(void)
{
    setup(U64);
    env->sysenter_cs = K_CS;
    env->sysenter_esp = 0xffff800000700000ull;
    env->sysenter_eip = 0xffff800000800000ull;
    CHECK_EQ(TRY(helper_sysenter(env)), -1);
    CHECK_EQ(env->regs[R_ESP], 0xffff800000700000ull);
    CHECK_EQ(env->eip, 0xffff800000800000ull);
    CHECK_EQ(env->hflags & (HF_CS64 | 3), HF_CS64);
    env->regs[R_ECX] = 0x7fff00001000ull;
    env->regs[R_EDX] = 0x7fff00002000ull;
    CHECK_EQ(TRY(helper_sysexit(env, 8)), -1);
    CHECK_EQ(env->segs[R_CS].selector, (K_CS + 32) | 3);
    CHECK_EQ(env->segs[R_SS].selector, (K_CS + 40) | 3);
    CHECK_EQ(env->regs[R_ESP], 0x7fff00001000ull);
    CHECK_EQ(env->eip, 0x7fff00002000ull);
    CHECK_EQ(env->hflags & (HF_CS64 | 3), HF_CS64 | 3);
    /* SYSEXIT (size 4) to compatibility mode. */
    setup(K64);
    env->sysenter_cs = K_CS;
    env->regs[R_ECX] = 0x7fff00001000ull;
    env->regs[R_EDX] = 0x7fff00002000ull;
    CHECK_EQ(TRY(helper_sysexit(env, 4)), -1);
    CHECK_EQ(env->segs[R_CS].selector, (K_CS + 16) | 3);
    CHECK_EQ(env->eip, 0x2000);
    CHECK_EQ(env->hflags & (HF_CS64 | HF_CS32 | 3), HF_CS32 | 3);
    /* non-canonical RDX */
    setup(K64);
    env->sysenter_cs = K_CS;
    env->regs[R_EDX] = 0x0000800000000000ull;
    CHECK_EQ(TRY(helper_sysexit(env, 8)), EXCP0D_GPF);
}

/* ---- far transfers ---- */

static void test_call_gate_retf(void)
{
    setup(U64);
    CHECK_EQ(TRY(helper_lcall(env, GATE_SEL | 3, 0, 8, 0x400007)), -1);
    uint64_t sp = RSP0 - 32;
    CHECK_EQ(env->regs[R_ESP], sp);
    CHECK_EQ(rdq(sp), 0x400007);
    CHECK_EQ(rdq(sp + 8), U_CS64 | 3);
    CHECK_EQ(rdq(sp + 16), USTACK);
    CHECK_EQ(rdq(sp + 24), U_DS | 3);
    CHECK_EQ(env->eip, GATE_TARGET);
    CHECK_EQ(env->segs[R_CS].selector, K_CS);
    CHECK_EQ(env->segs[R_SS].selector, 0);
    CHECK_EQ(env->hflags & (HF_CS64 | 3), HF_CS64);

    CHECK_EQ(TRY(helper_lret(env, 8, 0)), -1);
    CHECK_EQ(env->eip, 0x400007);
    CHECK_EQ(env->segs[R_CS].selector, U_CS64 | 3);
    CHECK_EQ(env->segs[R_SS].selector, U_DS | 3);
    CHECK_EQ(env->regs[R_ESP], USTACK);
    CHECK_EQ(env->hflags & (HF_CS64 | 3), HF_CS64 | 3);

    /* Same level (ring 0 through the DPL 3 gate): 8-byte CS:RIP. */
    setup(K64);
    CHECK_EQ(TRY(helper_lcall(env, GATE_SEL, 0, 4, 0x400007)), -1);
    CHECK_EQ(env->regs[R_ESP], USTACK - 16);
    CHECK_EQ(rdq(USTACK - 16), 0x400007);
    CHECK_EQ(rdq(USTACK - 8), K_CS);
    CHECK_EQ(env->segs[R_SS].selector, K_DS);
    CHECK_EQ(TRY(helper_lret(env, 8, 0)), -1);
    CHECK_EQ(env->regs[R_ESP], USTACK);
}

static void test_far_faults(void)
{
    setup(K64);
    /* JMP/CALL to a TSS: no task switches in long mode. */
    CHECK_EQ(TRY(helper_ljmp(env, TSS2_SEL, 0, 0)), EXCP0D_GPF);
    CHECK_EQ(excp_err, TSS2_SEL);
    CHECK_EQ(TRY(helper_lcall(env, TSS2_SEL, 0, 8, 0)), EXCP0D_GPF);
    /* A 64-bit gate whose code segment is 32-bit. */
    CHECK_EQ(TRY(helper_lcall(env, GATE32_SEL, 0, 8, 0)), EXCP0D_GPF);
    CHECK_EQ(excp_err, K_CS32);
    /* L = 1, D = 1 code segment. */
    CHECK_EQ(TRY(helper_ljmp(env, K_CS_LD, 0x1000, 0)), EXCP0D_GPF);
    CHECK_EQ(excp_err, K_CS_LD);
    /* Non-canonical target into 64-bit code. */
    CHECK_EQ(TRY(helper_ljmp(env, K_CS, 0x0000800000000000ull, 0)),
             EXCP0D_GPF);
    CHECK_EQ(env->segs[R_CS].selector, K_CS);
    /* Direct far JMP to compatibility-mode code and back. */
    CHECK_EQ(TRY(helper_ljmp(env, K_CS32, 0x1234, 0)), -1);
    CHECK_EQ(env->hflags & (HF_LMA | HF_CS64 | HF_CS32),
             HF_LMA | HF_CS32);
    CHECK_EQ(TRY(helper_ljmp(env, K_CS, 0x400000, 0)), -1);
    CHECK(env->hflags & HF_CS64);
}

/* ---- segment loads, LTR, LAR ---- */

static void test_seg_loads(void)
{
    setup(K64);
    /* Null SS at ring 0 in 64-bit mode, but only with RPL = CPL. */
    CHECK_EQ(TRY(helper_load_seg(env, R_SS, 1)), EXCP0D_GPF);
    CHECK_EQ(TRY(helper_load_seg(env, R_SS, 0)), -1);
    CHECK_EQ(env->segs[R_SS].selector, 0);
    CHECK_EQ(env->hflags & 3, 0);
    /* FS from a descriptor: base bits 63-32 cleared. */
    set_desc(0xa0, 0x12345000, 0xfffff, DATA);
    env->segs[R_FS].base = 0xffff800000000000ull;
    CHECK_EQ(TRY(helper_load_seg(env, R_FS, 0xa0)), -1);
    CHECK_EQ(env->segs[R_FS].base, 0x12345000);
    setup(U64);
    CHECK_EQ(TRY(helper_load_seg(env, R_SS, 3)), EXCP0D_GPF);
    setup(K64);
    CHECK_EQ(TRY(helper_ljmp(env, K_CS32, 0x1234, 0)), -1);
    CHECK_EQ(TRY(helper_load_seg(env, R_SS, 0)), EXCP0D_GPF);
}

static void test_ltr_lldt(void)
{
    setup(K64);
    CHECK_EQ(TRY(helper_lldt_ltr(env, TSS2_SEL, 1)), -1);
    CHECK_EQ(env->tr.selector, TSS2_SEL);
    CHECK_EQ(env->tr.base, 0x0000123456789000ull);
    CHECK_EQ(env->tr.limit, 0x67);
    CHECK_EQ(type_of(env->tr.flags), T_TSS32_BUSY);
    CHECK_EQ(type_of(ldl_le_p(ram() + GDT + TSS2_SEL + 4)), T_TSS32_BUSY);
    /* busy now: a second LTR fails */
    CHECK_EQ(TRY(helper_lldt_ltr(env, TSS2_SEL, 1)), EXCP0D_GPF);
    CHECK_EQ(excp_err, TSS2_SEL);
    CHECK_EQ(TRY(helper_lldt_ltr(env, BADTSS_SEL, 1)), EXCP0D_GPF);
    CHECK_EQ(excp_err, BADTSS_SEL);
    CHECK_EQ(TRY(helper_lldt_ltr(env, LDT_SEL, 0)), -1);
    CHECK_EQ(env->ldt.base, 0x7000);
    /* a descriptor whose upper half lies beyond the GDT limit */
    env->gdt.limit = LDT_SEL + 7;
    CHECK_EQ(TRY(helper_lldt_ltr(env, LDT_SEL, 0)), EXCP0D_GPF);
}

static void test_lar(void)
{
    setup(K64);
    /* LAR accepts the 64-bit call gate, LSL the 64-bit TSS ... */
    CHECK_EQ(TRY(helper_lar_lsl(env, GATE_SEL, 0, (4 << 8) | R_EAX)), -1);
    CHECK(x86_get_eflags(env) & CC_Z);
    CHECK_EQ(TRY(helper_lar_lsl(env, TSS2_SEL, 1, (4 << 8) | R_EAX)), -1);
    CHECK(x86_get_eflags(env) & CC_Z);
    CHECK_EQ(env->regs[R_EAX] & 0xffffffff, 0x67);
    /* ... not a 16-bit TSS, valid only outside long mode. */
    set_desc(0xa0, 0x5000, 0x2b, DESC_P_MASK | (T_TSS16_AVAIL << 8));
    CHECK_EQ(TRY(helper_lar_lsl(env, 0xa0, 0, (4 << 8) | R_EAX)), -1);
    CHECK_EQ(x86_get_eflags(env) & CC_Z, 0);
}

/* ---- MSRs ---- */

static int wrmsr(uint32_t msr, uint64_t v)
{
    env->regs[R_ECX] = msr;
    env->regs[R_EAX] = (uint32_t)v;
    env->regs[R_EDX] = v >> 32;
    return TRY(helper_wrmsr(env));
}

static uint64_t rdmsr(uint32_t msr)
{
    env->regs[R_ECX] = msr;
    if (TRY(helper_rdmsr(env)) >= 0) {
        return ~0ull;
    }
    return (uint32_t)env->regs[R_EAX] | env->regs[R_EDX] << 32;
}

static void test_msrs(void)
{
    setup(K64);
    CHECK_EQ(wrmsr(MSR_FSBASE, 0xffff800012345678ull), -1);
    CHECK_EQ(env->segs[R_FS].base, 0xffff800012345678ull);
    env->segs[R_GS].base = 0x4242;
    CHECK_EQ(rdmsr(MSR_GSBASE), 0x4242);
    CHECK_EQ(wrmsr(MSR_GSBASE, 0x0000800000000000ull), EXCP0D_GPF);
    CHECK_EQ(env->segs[R_GS].base, 0x4242);
    CHECK_EQ(wrmsr(MSR_LSTAR, 0x8000000000000000ull), EXCP0D_GPF);
    CHECK_EQ(wrmsr(MSR_CSTAR, 0x0001000000000000ull), EXCP0D_GPF);
    CHECK_EQ(wrmsr(MSR_KERNELGSBASE, 0xffffffff81000000ull), -1);
    CHECK_EQ(rdmsr(MSR_KERNELGSBASE), 0xffffffff81000000ull);
    CHECK_EQ(wrmsr(MSR_STAR, 0x0023001000000000ull), -1);
    CHECK_EQ(env->star, 0x0023001000000000ull);
    CHECK_EQ(wrmsr(MSR_FMASK, 0x47700), -1);
    CHECK_EQ(rdmsr(MSR_FMASK), 0x47700);
    CHECK_EQ(wrmsr(MSR_TSC_AUX, 5), -1);
    CHECK_EQ(rdmsr(MSR_TSC_AUX), 5);
    CHECK_EQ(wrmsr(MSR_TSC_AUX, 1ull << 32), EXCP0D_GPF);
    /* A model without long mode has none of them. */
    env->cpuid_ext2_features &= ~(CPUID_EXT2_LM | CPUID_EXT2_SYSCALL);
    CHECK_EQ(wrmsr(MSR_FSBASE, 0), EXCP0D_GPF);
    CHECK_EQ(rdmsr(MSR_STAR), ~0ull);
}

/* AMD's SYSCFG, K8 interrupt-pending and legacy performance-counter MSRs
 * read 0 on an AMD model (Linux / kvm-unit-tests touch them on qemu64) and
 * #GP on an Intel one. */
static void test_amd_msrs(void)
{
    setup(K64);
    uint32_t vendor = env->cpuid_vendor[0];
    env->cpuid_vendor[0] = 0x68747541;          /* "Auth" */
    CHECK_EQ(rdmsr(0xc0010010), 0);
    CHECK_EQ(rdmsr(0xc0010055), 0);
    CHECK_EQ(wrmsr(0xc0010010, 0x40000), -1);
    /* The legacy PerfEvtSel0-3 / PerfCtr0-3 (kvm-unit-tests clears them):
     * read 0, writes dropped; 0xc0010008 is not one of them. */
    CHECK_EQ(wrmsr(0xc0010000, 0x430076), -1);
    CHECK_EQ(rdmsr(0xc0010000), 0);
    CHECK_EQ(wrmsr(0xc0010007, 5), -1);
    CHECK_EQ(rdmsr(0xc0010007), 0);
    CHECK_EQ(rdmsr(0xc0010008), ~0ull);
    env->cpuid_vendor[0] = 0x756e6547;          /* "Genu" */
    CHECK_EQ(rdmsr(0xc0010010), ~0ull);
    CHECK_EQ(rdmsr(0xc0010000), ~0ull);
    CHECK_EQ(wrmsr(0xc0010055, 0), EXCP0D_GPF);
    env->cpuid_vendor[0] = vendor;
}

static uint8_t fake_cr8(void *apic)
{
    return 0xa;
}

/* "info registers" in long mode: 64-bit registers, R8-R15, 64-bit
 * system descriptor names, CR8 from the APIC. */
static void test_dump_state(void)
{
    static const X86APICOps apic = {.get_cr8 = fake_cr8};
    setup(K64);
    env->apic_ops = &apic;
    env->regs[13] = 0x1122334455667788ull;
    env->eip = HANDLER;
    env->segs[R_FS].base = 0xffff800000001234ull;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    x86_cpu_dump_state(f, env);
    fclose(f);
    CHECK(strstr(buf, "R13=1122334455667788") != NULL);
    CHECK(strstr(buf, "RIP=ffff800000401000") != NULL);
    CHECK(strstr(buf, "FS =0000 ffff800000001234") != NULL);
    CHECK(strstr(buf, "TSS64-busy") != NULL);
    CHECK(strstr(buf, "EFER=0000000000000501 CR8=000000000000000a\n"));
    free(buf);
    /* Outside long mode there is no CR8. */
    env->efer = 0;
    f = open_memstream(&buf, &len);
    x86_cpu_dump_state(f, env);
    fclose(f);
    CHECK(strstr(buf, "EFER=0000000000000000\n") != NULL);
    CHECK(strstr(buf, "CR8") == NULL);
    free(buf);
    env->apic_ops = NULL;
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_hflags);
    TEST_RUN(test_int_inner);
    TEST_RUN(test_exception_same_level);
    TEST_RUN(test_ist);
    TEST_RUN(test_int_from_compat);
    TEST_RUN(test_iretq);
    TEST_RUN(test_iret_faults);
    TEST_RUN(test_iretq_nulls_outer_gs);
    TEST_RUN(test_int_faults);
    TEST_RUN(test_syscall_sysret);
    TEST_RUN(test_syscall_faults);
    TEST_RUN(test_syscall_legacy);
    TEST_RUN(test_swapgs);
    TEST_RUN(test_sysenter_sysexit);
    TEST_RUN(test_call_gate_retf);
    TEST_RUN(test_far_faults);
    TEST_RUN(test_seg_loads);
    TEST_RUN(test_ltr_lldt);
    TEST_RUN(test_lar);
    TEST_RUN(test_amd_msrs);
    TEST_RUN(test_msrs);
    TEST_RUN(test_dump_state);
    return test_finish();
}
