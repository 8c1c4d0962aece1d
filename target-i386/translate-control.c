/*
 * Control transfers: Jcc, LOOP/JCXZ, near and far JMP/CALL/RET, INT,
 * INTO, INT1, IRET, BOUND, SYSENTER/SYSEXIT.  Far forms and interrupts go
 * through helper-seg.c and leave the block.
 */
#include "target-i386/translate-internal.h"

void gen_JCC(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    target_ulong next = s->pc;
    TCGv t;
    TCGLabel *l = gen_new_label();
    TCGCond cond;
    TCGv a, b;
    if (gen_cc_test(s, e->extra >> 1, &cond, &a, &b)) {
        tcg_gen_brcond_tl(e->extra & 1 ? cond_invert(cond) : cond, a, b,
                           l);
    } else {
        t = tmp();
        gen_setcc(s, e->extra, t);
        tcg_gen_brcond_tl(TCG_COND_NE, t, cst(0), l);
    }
    gen_jmp_tb(s, next, 0);
    gen_set_label(l);
    gen_jmp_rel(s, next + o0->imm, 1);
}

/* LOOPNE LOOPE LOOP (extra = 0, 1, 2) and JCXZ */
static void gen_loop(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    target_ulong next = s->pc;
    TCGv t;
    TCGLabel *l = gen_new_label();
    TCGv cx = gen_areg(s, R_ECX);
    if (e->mnem == M_JCXZ) {
        tcg_gen_brcond_tl(TCG_COND_EQ, cx, cst(0), l);
    } else {
        gen_addi(cx, cx, -1);
        gen_st_reg(s->aflag, R_ECX, cx);
        gen_ext(cx, cx, s->aflag, false);
        t = tmp();
        tcg_gen_setcond_tl(TCG_COND_NE, t, cx, cst(0));
        if (e->extra < 2) {
            TCGv z = tmp();
            gen_setcc(s, e->extra == 0 ? 5 : 4, z);   /* NZ / Z */
            tcg_gen_and_tl(t, t, z);
        }
        tcg_gen_brcond_tl(TCG_COND_NE, t, cst(0), l);
    }
    gen_jmp_tb(s, next, 0);
    gen_set_label(l);
    gen_jmp_rel(s, next + o0->imm, 1);
}

void gen_LOOP(DisasContext *s, const X86OpEntry *e)
{
    gen_loop(s, e);
}

void gen_JCXZ(DisasContext *s, const X86OpEntry *e)
{
    gen_loop(s, e);
}

void gen_JMP(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    target_ulong next = s->pc;
    gen_jmp_rel(s, next + o0->imm, 0);
}

void gen_CALL(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    target_ulong next = s->pc;
    target_ulong dest = next + o0->imm;
    if (CODE64(s) && (uint64_t)(((int64_t)dest >> 47) + 1) > 1) {
        gen_exception(s, EXCP0D_GPF);   /* before the push */
        return;
    }
    gen_push(s, cst_tl(next), s->dflag);
    gen_jmp_rel(s, dest, 0);
}

void gen_JMPI(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    TCGv t;
    t = gen_ld_op(s, o0);
    gen_check_branch_target(s, t);
    tcg_gen_mov_tl(cpu_eip, t);
    gen_jmp_indirect(s);
}

void gen_CALLI(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    target_ulong next = s->pc;
    TCGv t;
    t = gen_ld_op(s, o0);
    gen_check_branch_target(s, t);
    gen_push(s, cst_tl(next), s->dflag);
    tcg_gen_mov_tl(cpu_eip, t);
    gen_jmp_indirect(s);
}

void gen_RET(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    TCGv t, sp;
    t = gen_pop(s, s->dflag, &sp);
    gen_check_branch_target(s, t);
    if (o0->am == A_I) {
        gen_addi(sp, sp, o0->imm);
        gen_ext(sp, sp, s->ssize, false);
    }
    gen_set_sp(s, sp);
    tcg_gen_mov_tl(cpu_eip, t);
    gen_jmp_indirect(s);
}

void gen_JMPF(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    target_ulong next = s->pc;
    gen_sync_eip(s);
    CALL3(s, helper_ljmp, cst(o0->imm2), cst(o0->imm), cst_tl(next));
    tcg_gen_exit_tb(0);
    s->done = true;
}

void gen_CALLF(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    target_ulong next = s->pc;
    gen_sync_eip(s);
    CALL4(s, helper_lcall, cst(o0->imm2), cst(o0->imm), cst(s->dflag),
          cst_tl(next));
    tcg_gen_exit_tb(0);
    s->done = true;
}

/* JMP/CALL m16:16/32 */
static void gen_far_indirect(DisasContext *s, bool call)
{
    target_ulong next = s->pc;
    TCGv t, u;
    gen_ld_farptr(s, &t, &u);
    gen_sync_eip(s);
    if (!call) {
        CALL3(s, helper_ljmp, u, t, cst_tl(next));
    } else {
        CALL4(s, helper_lcall, u, t, cst(s->dflag), cst_tl(next));
    }
    tcg_gen_exit_tb(0);
    s->done = true;
}

void gen_JMPFI(DisasContext *s, const X86OpEntry *e)
{
    gen_far_indirect(s, false);
}

void gen_CALLFI(DisasContext *s, const X86OpEntry *e)
{
    gen_far_indirect(s, true);
}

void gen_RETF(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    gen_sync_eip(s);
    CALL2(s, helper_lret, cst(s->dflag), cst(o0->am == A_I ? o0->imm : 0));
    tcg_gen_exit_tb(0);
    s->done = true;
}

static void gen_int(DisasContext *s, int vec)
{
    gen_sync_eip(s);
    CALL2(s, helper_int, cst(vec), cst_tl(s->pc));
    tcg_gen_exit_tb(0);
    s->done = true;
}

void gen_INT3(DisasContext *s, const X86OpEntry *e)
{
    gen_int(s, 3);
}

void gen_INT(DisasContext *s, const X86OpEntry *e)
{
    gen_int(s, s->op[0].imm);
}

void gen_INTO(DisasContext *s, const X86OpEntry *e)
{
    target_ulong next = s->pc;
    TCGv t;
    TCGLabel *l = gen_new_label();
    t = tmp();
    gen_setcc(s, 1, t);                 /* NO */
    tcg_gen_brcond_tl(TCG_COND_NE, t, cst(0), l);
    gen_sync_eip(s);
    CALL2(s, helper_int, cst(EXCP04_INTO), cst_tl(next));
    gen_set_label(l);
    gen_jmp_tb(s, next, 0);
}

void gen_IRET(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL1(s, helper_iret, cst(s->dflag));
    s->cc_op = CC_OP_EFLAGS;
    tcg_gen_exit_tb(0);
    s->done = true;
}

void gen_ICEBP(DisasContext *s, const X86OpEntry *e)
{
    target_ulong next = s->pc;
    /* INT1: a #DB trap (no IDT DPL check): the return address is the
     * next instruction. */
    tcg_gen_movi_tl(cpu_eip, next);
    CALL1(s, helper_raise, cst(EXCP01_DB));
    tcg_gen_exit_tb(0);
    s->done = true;
}

void gen_BOUND(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    gen_check_limit(s, s->ea_off, s->ea_seg, 2 * o0->size, s->aflag);
    gen_sync_eip(s);
    CALL3(s, helper_bound, gen_ld_reg(o0->size, o0->reg), s->ea_lin,
          cst(o0->size));
}

void gen_SYSENTER(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL0(s, helper_sysenter);
    tcg_gen_exit_tb(0);
    s->done = true;
}

void gen_SYSEXIT(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL1(s, helper_sysexit, cst(4));
    tcg_gen_exit_tb(0);
    s->done = true;
}
