/*
 * System instructions: segment register loads (MOV Sreg, LDS..LGS),
 * descriptor tables and LAR/LSL/VERR/VERW/ARPL, control and debug
 * registers, privileged and serializing instructions, port I/O.
 */
#include "target-i386/translate-internal.h"

void gen_MOVSEG(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    if (o0->am == A_S) {
        if (o0->reg == R_CS) {
            gen_exception(s, EXCP06_ILLOP);
            return;
        }
        gen_load_seg(s, o0->reg, gen_ld_op(s, o1));
    } else {
        /* MOV r/m, Sreg: a register destination takes the operand
         * size (zero-extended), memory is always 16 bits. */
        if (o0->mem) {
            o0->size = 2;
        }
        gen_st_op(s, o0, gen_ld_op(s, o1));
    }
}

void gen_LXS(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    TCGv off, sel;
    gen_ld_farptr(s, &off, &sel);
    gen_load_seg(s, e->extra, sel);
    gen_st_reg(o0->size, o0->reg, off);
}

void gen_GRP6(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    TCGv t;
    if (!s->pe || s->vm86) {
        gen_exception(s, EXCP06_ILLOP);
        return;
    }
    switch (e->extra) {
    case 0: /* SLDT */
    case 1: /* STR */
        t = tmp();
        tcg_gen_ld32u_tl(t, e->extra ? offsetof(CPUX86State, tr.selector)
                                   : offsetof(CPUX86State, ldt.selector));
        if (o0->mem) {
            o0->size = 2;
        }
        gen_st_op(s, o0, t);
        break;
    case 2: /* LLDT */
    case 3: /* LTR */
        t = gen_ld_op(s, o0);
        gen_sync_eip(s);
        CALL2(s, helper_lldt_ltr, t, cst(e->extra - 2));
        break;
    case 4: /* VERR */
    case 5: /* VERW */
        if (o0->mem) {
            o0->size = 2;
        }
        t = gen_ld_op(s, o0);
        gen_sync_eip(s);
        CALL3(s, helper_lar_lsl, t, cst(e->extra - 2), cst(0));
        s->cc_op = CC_OP_EFLAGS;
        break;
    default:
        gen_unimp(s);
    }
}

void gen_GRP7(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    TCGv t;
    switch (e->extra) {
    case 0: /* SGDT */
    case 1: /* SIDT */
        gen_check_seg(s, s->ea_off, s->ea_seg, 6, s->aflag, true);
        gen_sync_eip(s);
        CALL3(s, helper_sgdt_sidt, s->ea_lin, cst(e->extra), cst(s->dflag));
        break;
    case 2: /* LGDT */
    case 3: /* LIDT */
        gen_check_limit(s, s->ea_off, s->ea_seg, 6, s->aflag);
        gen_sync_eip(s);
        CALL3(s, helper_lgdt_lidt, s->ea_lin, cst(e->extra - 2),
              cst(s->dflag));
        break;
    case 4: /* SMSW */
        t = tmp();
        tcg_gen_ld_tl(t, offsetof(CPUX86State, cr[0]));
        if (o0->mem) {
            o0->size = 2;
        }
        gen_st_op(s, o0, t);
        break;
    case 6: /* LMSW */
        t = gen_ld_op(s, o0);
        gen_sync_eip(s);
        CALL1(s, helper_lmsw, t);
        gen_exit_next(s);
        break;
    case 7: /* INVLPG */
        gen_sync_eip(s);
        CALL1(s, helper_invlpg, s->ea_lin);
        gen_exit_next(s);
        break;
    }
}

static void gen_lar_lsl(DisasContext *s, bool lsl)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    TCGv t;
    if (!s->pe || s->vm86) {
        gen_exception(s, EXCP06_ILLOP);
        return;
    }
    t = gen_ld_op(s, o1);
    gen_sync_eip(s);
    CALL3(s, helper_lar_lsl, t, cst(lsl), cst(o0->size << 8 | o0->reg));
    s->cc_op = CC_OP_EFLAGS;
}

void gen_LAR(DisasContext *s, const X86OpEntry *e)
{
    gen_lar_lsl(s, false);
}

void gen_LSL(DisasContext *s, const X86OpEntry *e)
{
    gen_lar_lsl(s, true);
}

void gen_ARPL(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    /* ARPL r/m16, r16: raise the RPL of r/m to that of r (ZF). */
    if (!s->pe || s->vm86) {
        gen_exception(s, EXCP06_ILLOP);
        return;
    }
    TCGv d = gen_ld_op(s, o0), rs = tmp(), rd = tmp(), lt = tmp();
    TCGv nd = tmp(), f = gen_compute_eflags(s);
    gen_andi(rs, gen_ld_reg(2, o1->reg), 3);
    gen_andi(rd, d, 3);
    tcg_gen_setcond_tl(TCG_COND_LTU, lt, rd, rs);
    gen_andi(nd, d, ~3u);
    tcg_gen_or_tl(nd, nd, rs);
    if (!o0->mem) {
        gen_movcond(TCG_COND_NE, nd, lt, cst(0), nd, d);
        gen_st_op(s, o0, nd);
        gen_andi(f, f, ~CC_Z);
        tcg_gen_shli_tl(lt, lt, 6);
        tcg_gen_or_tl(f, f, lt);
        gen_set_eflags_cc(s, f);
        return;
    }
    /* A memory operand is written only when its RPL is raised (SDM
     * ARPL: DEST[RPL] <- SRC[RPL] under the IF): an unchanged selector
     * in a read-only segment is no #GP (test386 POST 0x17).  The flags
     * change after the store, so a faulting store leaves them as they
     * were: the old flags are settled first, the new ones wait in
     * cc_src2 (free under CC_OP_EFLAGS), which outlives the branch. */
    TCGLabel *skip = gen_new_label();
    gen_set_eflags_cc(s, f);
    TCGv nf = tmp();
    gen_andi(nf, f, ~CC_Z);
    tcg_gen_shli_tl(lt, lt, 6);
    tcg_gen_or_tl(cpu_cc_src2, nf, lt);
    tcg_gen_brcondi_tl(TCG_COND_EQ, lt, 0, skip);
    gen_st_op(s, o0, nd);
    gen_set_label(skip);
    gen_set_eflags_cc(s, cpu_cc_src2);
}

void gen_CLTS(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL0(s, helper_clts);
    gen_exit_next(s);
}

void gen_MOVCR(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    TCGv t;
    gen_sync_eip(s);
    /* 64-bit mode: 64-bit operands whatever the prefixes. */
    int size = CODE64(s) ? 8 : 4;
    if (e->extra) {
        CALL2(s, helper_mov_cr, cst(o0->reg), gen_ld_reg(size, o1->reg));
        gen_exit_next(s);
    } else {
        t = gen_call(s, (void *)helper_read_cr, CALL_RET_TL, true, 1,
                     cst(o1->reg), NOARG, NOARG, NOARG);
        gen_st_reg(size, o0->reg, t);
    }
}

void gen_MOVDR(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    TCGv t;
    gen_sync_eip(s);
    int size = CODE64(s) ? 8 : 4;
    if (e->extra) {
        CALL2(s, helper_mov_dr, cst(o0->reg), gen_ld_reg(size, o1->reg));
        gen_exit_next(s);   /* the loop re-checks breakpoints */
    } else {
        t = gen_call(s, (void *)helper_read_dr, CALL_RET_TL, true, 1,
                     cst(o1->reg), NOARG, NOARG, NOARG);
        gen_st_reg(size, o0->reg, t);
    }
}

void gen_INVD(DisasContext *s, const X86OpEntry *e)
{
    /* INVD / WBINVD: no caches; privileged (#GP(0) outside ring 0). */
    if (s->pe && s->cpl > 0) {
        gen_exception(s, EXCP0D_GPF);
    }
}

void gen_HLT(DisasContext *s, const X86OpEntry *e)
{
    target_ulong next = s->pc;
    gen_sync_eip(s);
    CALL1(s, helper_hlt, cst_tl(next));
    tcg_gen_exit_tb(0);
    s->done = true;
}

void gen_IN(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    TCGv t;
    gen_sync_eip(s);
    t = gen_call(s, (void *)helper_in, 0, true, 2,
                 o1->am == A_I ? cst(o1->imm) : gen_ld_reg(2, R_EDX),
                 cst(o0->size), NOARG, NOARG);
    gen_st_reg(o0->size, R_EAX, t);
}

void gen_OUT(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    gen_sync_eip(s);
    CALL3(s, helper_out,
          o0->am == A_I ? cst(o0->imm) : gen_ld_reg(2, R_EDX),
          gen_ld_reg(o1->size, R_EAX), cst(o1->size));
    /* A port write may remap memory (PAM, PCI BARs): back to the loop. */
    gen_exit_next(s);
}

void gen_CPUID(DisasContext *s, const X86OpEntry *e)
{
    CALL0(s, helper_cpuid);
}

void gen_RDTSC(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL0(s, helper_rdtsc);
}

void gen_RDMSR(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL0(s, helper_rdmsr);
}

void gen_WRMSR(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL0(s, helper_wrmsr);
    gen_exit_next(s);
}

void gen_RDPMC(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL0(s, helper_rdpmc);
}
