/*
 * The IA-32e mode (EFER.LMA) forms of interrupt delivery, IRET, far JMP,
 * CALL and RET, and LLDT/LTR: Intel SDM vol. 3, 5.8.3.1 (64-bit call
 * gates), 5.8.8 (far transfers in IA-32e mode), 6.14 (64-bit interrupt
 * and exception handling), 7.7 (the 64-bit TSS); vol. 2, CALL, JMP, RET,
 * IRET, LLDT, LTR; AMD APM vol. 2, 4.8 and 8.9.  helper-seg.c and
 * helper-misc.c call in here when EFER.LMA is set, in 64-bit and in
 * compatibility mode alike.
 *
 * What changes in IA-32e mode:
 *  - system descriptors (LDT, TSS, call, interrupt and trap gates) are 16
 *    bytes; the upper half holds bits 63-32 of the base or offset and a
 *    type field that must be 0; IDT entries are all 16 bytes;
 *  - there are no task switches: a TSS or task gate as the target of a
 *    far JMP/CALL or an interrupt, or IRET with NT set, is #GP;
 *  - inner stacks come from the 64-bit TSS (RSP0-2 at 4, IST1-7 at 0x24);
 *    a privilege change loads SS with a null selector whose RPL is the new
 *    CPL (its cache keeps that DPL, which is where hflags read the CPL);
 *  - an interrupt frame is always SS, RSP, RFLAGS, CS, RIP (+ error code)
 *    in 8-byte slots on a stack aligned down to 16; a call gate pushes
 *    8-byte slots; RET and IRET pop slots of the operand size, and from
 *    64-bit mode IRET always pops SS:RSP;
 *  - code segments reached by gates must be 64-bit (L = 1, D = 0); any CS
 *    with L = 1 and D = 1 is #GP; 64-bit targets must be canonical;
 *  - the stack in 64-bit mode is RSP with no base and no limit, and a
 *    non-canonical stack address is #SS(0); in compatibility mode it is
 *    SS.base + ESP/SP as in protected mode (no limit checks, as
 *    helper-seg.c).
 */
#include "emu/common.h"
#include "emu/log.h"
#include "target-i386/helper.h"
#include "target-i386/seg-internal.h"

/* ---- stacks ---- */

typedef struct LMStack {
    uint64_t sp;      /* the stack pointer, within mask */
    uint64_t mask;    /* ~0 (64-bit), 0xffffffff or 0xffff */
    uint64_t base;    /* SS.base; 0 in 64-bit mode */
    bool sys;         /* supervisor accesses (an inner stack) */
} LMStack;

static void stack_flat(LMStack *st, uint64_t sp, bool sys)
{
    st->sp = sp;
    st->mask = ~0ull;
    st->base = 0;
    st->sys = sys;
}

/* The current stack: RSP in 64-bit mode, SS:ESP/SP in compatibility mode. */
static void stack_cur(CPUX86State *env, LMStack *st)
{
    if (env->hflags & HF_CS64) {
        stack_flat(st, env->regs[R_ESP], false);
        return;
    }
    st->mask = (env->hflags & HF_SS32) ? 0xffffffffull : 0xffff;
    st->sp = env->regs[R_ESP] & st->mask;
    st->base = env->segs[R_SS].base;
    st->sys = false;
}

static uint64_t stack_addr(CPUX86State *env, const LMStack *st, int size)
{
    uint64_t a = st->base + (st->sp & st->mask);
    if (st->mask != ~0ull) {
        return (uint32_t)a;    /* compatibility mode: 32-bit linear */
    }
    if (!seg_canonical(a) || !seg_canonical(a + size - 1)) {
        fault(env, EXCP0C_STACK, 0);
    }
    return a;
}

static void stack_push(CPUX86State *env, LMStack *st, int size, uint64_t v)
{
    st->sp = (st->sp - size) & st->mask;
    uint64_t a = stack_addr(env, st, size);
    if (size == 8 && st->sys) {
        x86_stq_sys(env, a, v);
    } else if (size == 8) {
        x86_st(env, a, 4, (uint32_t)v);
        x86_st(env, a + 4, 4, (uint32_t)(v >> 32));
    } else if (st->sys) {
        x86_st_sys(env, a, size, (uint32_t)v);
    } else {
        x86_st(env, a, size, (uint32_t)v);
    }
}

static uint64_t stack_pop(CPUX86State *env, LMStack *st, int size)
{
    uint64_t a = stack_addr(env, st, size), v;
    if (size == 8) {
        v = x86_ld(env, a, 4);
        v |= (uint64_t)x86_ld(env, a + 4, 4) << 32;
    } else {
        v = x86_ld(env, a, size);
    }
    st->sp = (st->sp + size) & st->mask;
    return v;
}

/* Write the stack pointer back (the bits outside mask keep their value). */
static void stack_commit(CPUX86State *env, const LMStack *st)
{
    env->regs[R_ESP] = (env->regs[R_ESP] & ~st->mask) | (st->sp & st->mask);
}

/* RSPn (off 4 + 8n) or ISTn (off 0x24 + 8(n-1)) from the 64-bit TSS. */
static uint64_t tss_rsp(CPUX86State *env, uint32_t off, int ext)
{
    if (!(env->tr.flags & DESC_P_MASK) && (env->tr.selector & ~3u) == 0) {
        fault(env, EXCP0A_TSS, ext);
    }
    if (off + 7 > env->tr.limit) {
        fault(env, EXCP0A_TSS, (env->tr.selector & 0xfffc) | ext);
    }
    return x86_ldq_sys(env, env->tr.base + off);
}

/* ---- code segments ---- */

/* L = 1 with D = 1 is reserved in IA-32e mode (SDM 5.2.1). */
static void check_lm_cs(CPUX86State *env, uint32_t sel, uint32_t e2,
                        int ext)
{
    if ((e2 & DESC_L_MASK) && (e2 & DESC_B_MASK)) {
        fault(env, EXCP0D_GPF, (sel & 0xfffc) | ext);
    }
}

/* A target RIP: canonical in 64-bit code, within the limit otherwise. */
static void check_rip(CPUX86State *env, uint64_t rip, uint32_t e1,
                      uint32_t e2)
{
    if ((e2 & DESC_L_MASK) ? !seg_canonical(rip)
                           : rip > seg_desc_limit(e1, e2)) {
        fault(env, EXCP0D_GPF, 0);
    }
}

/* SS of a privilege change into ring dpl: a null selector, RPL = dpl. */
static void null_ss(CPUX86State *env, uint32_t sel, int dpl)
{
    seg_null_seg(&env->segs[R_SS], sel);
    env->segs[R_SS].flags = (uint32_t)dpl << DESC_DPL_SHIFT;
}

/* ---- interrupts (SDM 6.14) ---- */

void lm_do_interrupt(CPUX86State *env, int vector, bool is_sw, bool has_err,
                     int error_code, uint64_t ret_rip)
{
    int ext = is_sw ? 0 : 1;
    uint32_t idt_err = vector * 8 + 2 + ext;
    uint32_t off = vector * 16;
    if (off + 15 > env->idt.limit) {
        fault(env, EXCP0D_GPF, idt_err);
    }
    uint64_t gate = env->idt.base + off;
    uint32_t e1 = x86_ld_sys(env, gate, 4);
    uint32_t e2 = x86_ld_sys(env, gate + 4, 4);
    uint32_t e3 = x86_ld_sys(env, gate + 8, 4);
    int type = type_of(e2);
    int cpl = cpl_of(env);
    /* Only 64-bit interrupt and trap gates: task gates are #GP. */
    if ((e2 & DESC_S_MASK) ||
        (type != T_INTGATE32 && type != T_TRAPGATE32)) {
        fault(env, EXCP0D_GPF, idt_err);
    }
    if (is_sw && dpl_of(e2) < cpl) {
        fault(env, EXCP0D_GPF, vector * 8 + 2);
    }
    if (!(e2 & DESC_P_MASK)) {
        fault(env, EXCP0B_NOSEG, idt_err);
    }
    uint32_t sel = e1 >> 16, ce1, ce2;
    uint64_t target = (e1 & 0xffff) | (e2 & 0xffff0000) |
                      ((uint64_t)e3 << 32);
    int ist = e2 & 7;
    if ((sel & ~3u) == 0) {
        fault(env, EXCP0D_GPF, ext);
    }
    if (seg_load_descriptor(env, sel, &ce1, &ce2) < 0 ||
        !(ce2 & DESC_S_MASK) || !(ce2 & DESC_CS_MASK) ||
        dpl_of(ce2) > cpl) {
        fault(env, EXCP0D_GPF, (sel & 0xfffc) | ext);
    }
    /* The handler runs in 64-bit mode. */
    if (!(ce2 & DESC_L_MASK) || (ce2 & DESC_B_MASK)) {
        fault(env, EXCP0D_GPF, (sel & 0xfffc) | ext);
    }
    if (!(ce2 & DESC_P_MASK)) {
        fault(env, EXCP0B_NOSEG, (sel & 0xfffc) | ext);
    }
    if (!seg_canonical(target)) {
        fault(env, EXCP0D_GPF, ext);
    }
    int dpl = dpl_of(ce2);
    bool inner = !(ce2 & DESC_C_MASK) && dpl < cpl;
    int ncpl = inner ? dpl : cpl;
    LMStack st;
    if (ist) {
        stack_flat(&st, tss_rsp(env, 0x24 + (ist - 1) * 8, ext), inner);
    } else if (inner) {
        stack_flat(&st, tss_rsp(env, 4 + dpl * 8, ext), true);
    } else {
        /* Same level: the current RSP, also from compatibility mode. */
        stack_flat(&st, env->regs[R_ESP], false);
    }
    st.sp &= ~0xfull;
    stack_push(env, &st, 8, env->segs[R_SS].selector);
    stack_push(env, &st, 8, env->regs[R_ESP]);
    stack_push(env, &st, 8, x86_get_eflags(env));
    stack_push(env, &st, 8, env->segs[R_CS].selector);
    stack_push(env, &st, 8, ret_rip);
    if (has_err) {
        stack_push(env, &st, 8, (uint32_t)error_code);
    }
    /* Commit. */
    if (inner) {
        null_ss(env, ncpl, ncpl);
    }
    env->regs[R_ESP] = st.sp;
    seg_set_cs(env, sel, ce1, ce2, ncpl);
    env->eip = target;
    if (!(type & 1)) {
        env->eflags &= ~IF_MASK;
    }
    env->eflags &= ~(TF_MASK | VM_MASK | RF_MASK | NT_MASK);
    x86_update_hflags(env);
}

/* ---- far returns ---- */

/*
 * The tail of RET and IRET once RIP and CS are popped (st just past them,
 * after imm for RET).  Pops SS:RSP for a return to an outer level, and
 * for IRET from 64-bit mode at the same level too (SDM vol. 2 IRET,
 * IA-32e-MODE-RETURN-TO-SAME-PRIVILEGE-LEVEL).  A null SS is allowed when
 * returning to 64-bit code below ring 3.
 */
static void lm_return(CPUX86State *env, LMStack *st, uint32_t size,
                      uint32_t imm, uint64_t rip, uint32_t sel, bool is_iret,
                      uint32_t fl, uint32_t fmask)
{
    uint32_t e1, e2;
    int cpl = cpl_of(env);
    sel &= 0xffff;
    seg_check_return_cs(env, sel, &e1, &e2);
    check_lm_cs(env, sel, e2, 0);
    int rpl = sel & 3;
    bool to64 = e2 & DESC_L_MASK;
    bool pop_ss = rpl != cpl || (is_iret && (env->hflags & HF_CS64));

    if (!pop_ss) {
        check_rip(env, rip, e1, e2);
        seg_set_cs(env, sel, e1, e2, rpl);
        st->sp = (st->sp + imm) & st->mask;
        stack_commit(env, st);
        env->eip = rip;
        if (is_iret) {
            x86_set_eflags(env, fl, fmask);
        }
        x86_update_hflags(env);
        return;
    }
    st->sp = (st->sp + imm) & st->mask;
    uint64_t rsp = stack_pop(env, st, size);
    uint32_t ss = stack_pop(env, st, size) & 0xffff;
    uint32_t se1 = 0, se2 = 0;
    bool ss_null = (ss & ~3u) == 0;
    if (ss_null) {
        if (!to64 || rpl == 3) {
            fault(env, EXCP0D_GPF, 0);
        }
    } else {
        seg_check_return_ss(env, ss, rpl, &se1, &se2);
    }
    check_rip(env, rip, e1, e2);
    log_mask(LOG_PCALL, "x86: lm return to ring %d %04x:%016" PRIx64
             " ss %04x:%016" PRIx64 "\n", rpl, sel, rip, ss, rsp);
    seg_set_cs(env, sel, e1, e2, rpl);
    if (ss_null) {
        null_ss(env, ss, rpl);
    } else {
        seg_set_accessed(env, ss, &se2);
        seg_load_cache(&env->segs[R_SS], ss, se1, se2);
    }
    rsp += imm;
    if (to64 || (se2 & DESC_B_MASK)) {
        env->regs[R_ESP] = to64 ? rsp : (uint32_t)rsp;
    } else {
        env->regs[R_ESP] = (env->regs[R_ESP] & ~0xffffull) | (rsp & 0xffff);
    }
    env->eip = rip;
    if (is_iret) {
        x86_set_eflags(env, fl, fmask);
    }
    x86_update_hflags(env);
    if (rpl > cpl) {
        seg_null_outer_segs(env, rpl);
    }
}

void lm_lret(CPUX86State *env, uint32_t size, uint32_t imm)
{
    LMStack st;
    stack_cur(env, &st);
    uint64_t rip = stack_pop(env, &st, size);
    uint32_t sel = stack_pop(env, &st, size);
    lm_return(env, &st, size, imm, rip, sel, false, 0, 0);
}

void lm_iret(CPUX86State *env, uint32_t size)
{
    /* No task switches in IA-32e mode. */
    if (env->eflags & NT_MASK) {
        fault(env, EXCP0D_GPF, 0);
    }
    int cpl = cpl_of(env);
    int iopl = (env->eflags & IOPL_MASK) >> 12;
    LMStack st;
    stack_cur(env, &st);
    uint64_t rip = stack_pop(env, &st, size);
    uint32_t sel = stack_pop(env, &st, size);
    uint32_t fl = stack_pop(env, &st, size);
    /* As in protected mode; VM cannot be set (IA-32e has no V86). */
    uint32_t fmask = TF_MASK | AC_MASK | ID_MASK | NT_MASK | DF_MASK |
                     CC_ARITH | RF_MASK;
    if (cpl == 0) {
        fmask |= IOPL_MASK | VIF_MASK | VIP_MASK;
    }
    if (cpl <= iopl) {
        fmask |= IF_MASK;
    }
    if (size == 2) {
        fmask &= 0xffff;
    }
    lm_return(env, &st, size, 0, rip, sel, true, fl, fmask);
}

/* ---- far JMP and CALL ---- */

/*
 * A 64-bit call gate (type 12, 16 bytes) reached by far JMP/CALL, and its
 * code segment, which must be 64-bit.  Anything else among the system
 * types (TSS, task gate, 16-bit call gate) is #GP(selector).
 */
static void lm_gate(CPUX86State *env, uint32_t sel, uint32_t e1, uint32_t e2,
                    uint32_t *csel, uint32_t *ce1, uint32_t *ce2,
                    uint64_t *off)
{
    if (type_of(e2) != T_CALLGATE32) {
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
    seg_check_gate_dpl(env, sel, e2);
    SegmentCache *dt = (sel & 4) ? &env->ldt : &env->gdt;
    uint32_t idx = sel & ~7u;
    if (idx + 15 > dt->limit) {
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
    uint32_t e3 = x86_ld_sys(env, dt->base + idx + 8, 4);
    uint32_t e4 = x86_ld_sys(env, dt->base + idx + 12, 4);
    if ((e4 >> 8) & 0x1f) {
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
    seg_gate_code(env, e1, csel, ce1, ce2);
    if (!(*ce2 & DESC_L_MASK) || (*ce2 & DESC_B_MASK)) {
        fault(env, EXCP0D_GPF, *csel & 0xfffc);
    }
    *off = (e1 & 0xffff) | (e2 & 0xffff0000) | ((uint64_t)e3 << 32);
    if (!seg_canonical(*off)) {
        fault(env, EXCP0D_GPF, 0);
    }
}

/* A code segment named directly by far JMP/CALL. */
static void lm_direct_code(CPUX86State *env, uint32_t sel, uint32_t e1,
                           uint32_t e2, uint64_t rip)
{
    if (!(e2 & DESC_CS_MASK)) {
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
    seg_check_direct_code(env, sel, e2);
    check_lm_cs(env, sel, e2, 0);
    check_rip(env, rip, e1, e2);
}

void lm_ljmp(CPUX86State *env, uint32_t sel, uint64_t rip)
{
    uint32_t e1, e2;
    int cpl = cpl_of(env);
    seg_load_far_target(env, sel, &e1, &e2);
    if (e2 & DESC_S_MASK) {
        lm_direct_code(env, sel, e1, e2, rip);
        seg_set_cs(env, sel, e1, e2, cpl);
        env->eip = rip;
        x86_update_hflags(env);
        return;
    }
    uint32_t csel, ce1, ce2;
    uint64_t off;
    lm_gate(env, sel, e1, e2, &csel, &ce1, &ce2, &off);
    if (!(ce2 & DESC_C_MASK) && dpl_of(ce2) != cpl) {
        fault(env, EXCP0D_GPF, csel & 0xfffc);
    }
    seg_set_cs(env, csel, ce1, ce2, cpl);
    env->eip = off;
    x86_update_hflags(env);
}

void lm_lcall(CPUX86State *env, uint32_t sel, uint64_t rip, uint32_t size,
              uint64_t next_rip)
{
    uint32_t e1, e2;
    int cpl = cpl_of(env);
    uint32_t old_cs = env->segs[R_CS].selector;
    LMStack st;
    seg_load_far_target(env, sel, &e1, &e2);
    log_mask(LOG_PCALL, "x86: lm lcall %04x:%016" PRIx64 " from %04x:%016"
             PRIx64 "\n", sel, rip, old_cs, env->eip);
    if (e2 & DESC_S_MASK) {
        lm_direct_code(env, sel, e1, e2, rip);
        stack_cur(env, &st);
        stack_push(env, &st, size, old_cs);
        stack_push(env, &st, size, next_rip);
        seg_set_cs(env, sel, e1, e2, cpl);
        stack_commit(env, &st);
        env->eip = rip;
        x86_update_hflags(env);
        return;
    }
    uint32_t csel, ce1, ce2;
    uint64_t off;
    lm_gate(env, sel, e1, e2, &csel, &ce1, &ce2, &off);
    int dpl = dpl_of(ce2);
    if (!(ce2 & DESC_C_MASK) && dpl < cpl) {
        /* More privilege: RSPn from the TSS, SS null; no parameters are
         * copied in IA-32e mode. */
        stack_flat(&st, tss_rsp(env, 4 + dpl * 8, 0), true);
        stack_push(env, &st, 8, env->segs[R_SS].selector);
        stack_push(env, &st, 8, env->regs[R_ESP]);
        stack_push(env, &st, 8, old_cs);
        stack_push(env, &st, 8, next_rip);
        null_ss(env, dpl, dpl);
        env->regs[R_ESP] = st.sp;
        seg_set_cs(env, csel, ce1, ce2, dpl);
    } else {
        /* Same level: 8-byte slots on RSP (the target is 64-bit). */
        stack_flat(&st, env->regs[R_ESP], false);
        stack_push(env, &st, 8, old_cs);
        stack_push(env, &st, 8, next_rip);
        env->regs[R_ESP] = st.sp;
        seg_set_cs(env, csel, ce1, ce2, cpl);
    }
    env->eip = off;
    x86_update_hflags(env);
}

/* ---- LLDT / LTR with 16-byte descriptors ---- */

void lm_lldt_ltr(CPUX86State *env, uint32_t sel, uint32_t which)
{
    uint32_t idx = sel & ~7u;
    if (idx + 15 > env->gdt.limit) {
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
    uint64_t a = env->gdt.base + idx;
    uint32_t e1 = x86_ld_sys(env, a, 4);
    uint32_t e2 = x86_ld_sys(env, a + 4, 4);
    uint32_t e3 = x86_ld_sys(env, a + 8, 4);
    uint32_t e4 = x86_ld_sys(env, a + 12, 4);
    int type = (e2 >> DESC_TYPE_SHIFT) & 0x1f;     /* S included */
    /* LTR: an available 64-bit TSS; LLDT: an LDT. */
    if (which ? type != T_TSS32_AVAIL : type != T_LDT) {
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
    if ((e4 >> 8) & 0x1f) {
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
    if (!(e2 & DESC_P_MASK)) {
        fault(env, EXCP0B_NOSEG, sel & 0xfffc);
    }
    uint64_t base = seg_desc_base(e1, e2) | ((uint64_t)e3 << 32);
    if (!seg_canonical(base)) {
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
    SegmentCache *sc = which ? &env->tr : &env->ldt;
    seg_load_cache(sc, sel, e1, e2);
    sc->base = base;
    if (which) {
        sc->flags |= 2u << DESC_TYPE_SHIFT;
        x86_st_sys(env, a + 4, 4, e2 | (2u << DESC_TYPE_SHIFT));
    }
}
