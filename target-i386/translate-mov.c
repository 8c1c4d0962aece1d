/*
 * Data movement: MOV, XCHG, LEA, MOVZX/MOVSX, CMOVcc, BSWAP, CBW/CWD,
 * XLAT, and the stack (PUSH POP PUSHA POPA PUSHF POPF ENTER LEAVE).
 */
#include "target-i386/translate-internal.h"

void gen_MOV(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    gen_st_op(s, o0, gen_ld_op(s, o1));
}

void gen_LEA(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    TCGv t;
    t = tmp();
    gen_ext(t, s->ea_off, o0->size, false);
    gen_st_reg(o0->size, o0->reg, t);
}

void gen_XCHG(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    if (o0->mem) {
        /* Locked with or without the prefix (SDM XCHG). */
        TCGv old = gen_atomic_op_ea(s, o0->size, ATOMIC_XCHG,
                                    gen_ld_op(s, o1));
        gen_st_op(s, o1, old);
        return;
    }
    TCGv a = gen_ld_op(s, o0), b = gen_ld_op(s, o1);
    gen_st_op(s, o0, b);
    gen_st_op(s, o1, a);
}

void gen_NOP(DisasContext *s, const X86OpEntry *e)
{
    (void)e;
    if (s->opcode == 0x90 && s->sse_prefix == 0xf3) {
        /* PAUSE: a spin-wait loop; let a waiting vCPU run.  The block
         * ends here, so the turn passes before the loop's next try at
         * the lock (the next block's entry sees exit_request): in the
         * same block the spinner would take the lock it just freed. */
        CALL0(s, tcg_cpu_yield_hint);
        gen_jmp_tb(s, s->pc, 0);
        s->done = true;
    }
}

static void gen_movx(DisasContext *s, bool sign)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    TCGv t;
    t = tmp();
    gen_ext(t, gen_ld_op(s, o1), o1->size, sign);
    gen_st_reg(o0->size, o0->reg, t);
}

void gen_MOVZX(DisasContext *s, const X86OpEntry *e)
{
    gen_movx(s, false);
}

void gen_MOVSX(DisasContext *s, const X86OpEntry *e)
{
    gen_movx(s, true);
}

void gen_CMOV(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    TCGv t;
    TCGv v = gen_ld_op(s, &s->op[1]);
    t = tmp();
    gen_setcc(s, e->extra, t);
    TCGv r = tmp();
    gen_movcond(TCG_COND_NE, r, t, cst(0), v, gen_ld_reg(o0->size, o0->reg));
    gen_st_reg(o0->size, o0->reg, r);
}

void gen_BSWAP(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    int size = s->dflag == 8 ? 8 : 4;
    TCGv v = cpu_regs[o0->reg], r = tmp(), t = tmp();
    if (s->dflag == 2) {
        /* Undefined; x86 hosts clear the low word. */
        gen_st_reg(2, o0->reg, cst(0));
        return;
    }
    /* Byte i goes to byte size - 1 - i. */
    tcg_gen_shl_tl(r, v, cst(8 * (size - 1)));
    for (int i = 1; i < size; i++) {
        gen_extract(t, v, 8 * i, 8);
        if (size - 1 - i) {
            tcg_gen_shl_tl(t, t, cst(8 * (size - 1 - i)));
        }
        tcg_gen_or_tl(r, r, t);
    }
    gen_st_reg(size, o0->reg, r);
}

void gen_CBW(DisasContext *s, const X86OpEntry *e)
{
    TCGv t;
    t = tmp();
    /* CBW CWDE CDQE: the lower half sign-extended. */
    gen_ext(t, cpu_regs[R_EAX], s->dflag / 2, true);
    gen_st_reg(s->dflag, R_EAX, t);
}

void gen_CWD(DisasContext *s, const X86OpEntry *e)
{
    TCGv t;
    t = tmp();
    /* CWD CDQ CQO: rDX = the sign of rAX. */
    gen_ext(t, cpu_regs[R_EAX], s->dflag, true);
    tcg_gen_sar_tl(t, t, cst(s->dflag * 8 - 1));
    gen_st_reg(s->dflag, R_EDX, t);
}

void gen_PUSH(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    if (o0->am == A_Z && o0->reg == R_ESP) {
        /* 286 and later push the value SP had before the push. */
    }
    gen_push(s, gen_ld_op(s, o0), o0->am == A_SEG ? s->dflag : o0->size);
}

void gen_POP(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    TCGv t, sp;
    if (o0->am == A_SEG) {
        t = gen_pop(s, s->dflag, &sp);
        gen_load_seg(s, o0->reg, t);
        gen_set_sp(s, sp);
    } else if (o0->mem) {
        /* ESP changes after the store, so that a fault there (a
         * copy-on-write page) restarts; the 286 (a CPU model of
         * family < 3, the MOO runner) updates SP first. */
        bool sp_first = ((s->env->cpuid_version >> 8) & 0xf) < 3;
        t = gen_pop(s, o0->size, &sp);
        if (sp_first) {
            gen_set_sp(s, sp);
        }
        if (s->ea_esp_base) {
            /* SDM, POP: an ESP base is taken after the increment. */
            TCGv off = tmp();
            tcg_gen_addi_tl(off, s->ea_off, o0->size);
            s->ea_off = off;
            s->ea_lin = gen_linear(s, off, s->ea_seg);
        }
        gen_st_op(s, o0, t);
        if (!sp_first) {
            gen_set_sp(s, sp);
        }
    } else {
        t = gen_pop(s, o0->size, &sp);
        gen_set_sp(s, sp);
        gen_st_reg(o0->size, o0->reg, t);
    }
}

void gen_PUSHA(DisasContext *s, const X86OpEntry *e)
{
    int sz = s->dflag;
    /* SDM PUSHA/PUSHAD: Temp <- (SP) or (ESP) by operand size, whatever
     * the stack's address size (PUSHAD on a 16-bit stack stores all of
     * ESP). */
    TCGv old = gen_ld_reg(sz, R_ESP);
    /* Both ends of the range before any store (SDM PUSHA: #SS(0) if
     * the starting or ending address is outside the limit); the loop
     * checks the top one first. */
    gen_check_seg(s, gen_sp_off(s, -sz * 8), R_SS, sz, s->ssize,
                  true);
    for (int i = 0; i < 8; i++) {
        TCGv a = gen_sp_off(s, -sz * (i + 1));
        gen_st_seg(s, a, R_SS, sz, s->ssize,
                   i == R_ESP ? old : gen_ld_reg(sz, i));
    }
    gen_set_sp(s, gen_sp_off(s, -sz * 8));
}

void gen_POPA(DisasContext *s, const X86OpEntry *e)
{
    TCGv sp;
    int sz = s->dflag;
    TCGv v[8];
    for (int i = 0; i < 8; i++) {
        v[i] = gen_ld_seg(s, gen_sp_off(s, sz * (7 - i)), R_SS, sz,
                          s->ssize);
    }
    sp = gen_sp_off(s, sz * 8);
    for (int i = 0; i < 8; i++) {
        if (i != R_ESP) {
            gen_st_reg(sz, i, v[i]);
        }
    }
    gen_set_sp(s, sp);
}

void gen_ENTER(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    gen_sync_eip(s);
    CALL3(s, helper_enter, cst(o0->imm), cst(o1->imm), cst(s->dflag));
}

void gen_LEAVE(DisasContext *s, const X86OpEntry *e)
{
    TCGv bp = gen_ld_reg(s->ssize, R_EBP);
    TCGv v = gen_ld_seg(s, bp, R_SS, s->dflag, s->ssize);
    TCGv nsp = tmp();
    gen_addi(nsp, bp, s->dflag);
    gen_set_sp(s, nsp);
    gen_st_reg(s->dflag, R_EBP, v);
}

void gen_PUSHF(DisasContext *s, const X86OpEntry *e)
{
    TCGv t;
    if (s->vm86 && ((s->env->eflags & IOPL_MASK) >> 12) < 3) {
        gen_exception(s, EXCP0D_GPF);
        return;
    }
    t = gen_call(s, (void *)helper_read_eflags, TCG_CALL_NO_WG, true, 0,
                 NOARG, NOARG, NOARG, NOARG);
    gen_andi(t, t, ~(VM_MASK | RF_MASK));
    gen_push(s, t, s->dflag);
}

void gen_POPF(DisasContext *s, const X86OpEntry *e)
{
    TCGv t, sp;
    uint32_t mask = TF_MASK | AC_MASK | ID_MASK | NT_MASK | IF_MASK |
                    IOPL_MASK | DF_MASK | CC_ARITH;
    if (s->vm86 && ((s->env->eflags & IOPL_MASK) >> 12) < 3) {
        gen_exception(s, EXCP0D_GPF);       /* no VME */
        return;
    }
    if (s->pe && s->cpl > 0) {
        mask &= ~IOPL_MASK;
        if (s->cpl > (int)((s->env->eflags & IOPL_MASK) >> 12)) {
            mask &= ~IF_MASK;
        }
    }
    if (s->dflag == 2) {
        mask &= 0xffff;
    }
    t = gen_pop(s, s->dflag, &sp);
    gen_set_sp(s, sp);
    CALL2(s, helper_write_eflags, t, cst(mask));
    s->cc_op = CC_OP_EFLAGS;
    gen_exit_next(s);
}

void gen_XLAT(DisasContext *s, const X86OpEntry *e)
{
    TCGv a = tmp();
    tcg_gen_add_tl(a, cpu_regs[R_EBX], gen_ld_reg(1, R_EAX));
    gen_ext(a, a, s->aflag, false);
    gen_check_limit(s, a, str_src_seg(s), 1, s->aflag);
    gen_st_reg(1, R_EAX, gen_ld_mem(s, gen_linear(s, a, str_src_seg(s)), 1));
}
