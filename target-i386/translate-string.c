/*
 * String instructions (MOVS CMPS STOS LODS SCAS INS OUTS): one iteration
 * per execution; with REP the block jumps back to the instruction, so it
 * stays interruptible and faults precisely.
 */
#include "target-i386/translate-internal.h"

static void gen_str_advance(DisasContext *s, int r, int size)
{
    TCGv t = tmp();
    tcg_gen_shl_tl(t, gen_df(), cst(size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3));
    tcg_gen_add_tl(t, cpu_regs[r], t);
    gen_st_reg(s->aflag, r, t);
}

static void gen_string(DisasContext *s, int mnem, int size)
{
    TCGLabel *done = NULL;
    int sseg = str_src_seg(s);
    bool a64 = CODE64(s) && s->aflag == 8;
    if (s->rep && (mnem == M_MOVS || mnem == M_STOS) &&
        (s->aflag == 4 || a64) && s->pe && !s->vm86 &&
        !((s->hflags >> (HF_SEG_SHIFT + 2 * R_ES)) & 3) &&
        (mnem == M_STOS || !((s->hflags >> (HF_SEG_SHIFT + 2 * sseg)) & 3))) {
        /* Flat segments: the bulk in C (helper_rep_fast), the rest below. */
        CALL1(s, helper_rep_fast,
              cst(size | sseg << 4 | (mnem == M_MOVS ? 0x100 : 0) |
                  (a64 ? REP_FAST_A64 : 0) | s->mmu_idx << 12));
    }
    if (s->rep && (mnem == M_INS || mnem == M_OUTS) && s->aflag == 4 &&
        s->pe && !s->vm86 &&
        !((s->hflags >> (HF_SEG_SHIFT + 2 * (mnem == M_INS ? R_ES : sseg))) &
          3)) {
        /* Flat segment: the bulk in C (helper_rep_io_fast). */
        CALL1(s, helper_rep_io_fast,
              cst(size | (mnem == M_INS ? R_ES : sseg) << 4 |
                  (mnem == M_OUTS ? 0x100 : 0) | s->mmu_idx << 12));
    }
    if (s->rep) {
        done = gen_new_label();
        tcg_gen_brcond_tl(TCG_COND_EQ, gen_areg(s, R_ECX), cst(0), done);
    }
    switch (mnem) {
    case M_MOVS: {
        TCGv v = gen_ld_seg(s, gen_areg(s, R_ESI), str_src_seg(s), size,
                                s->aflag);
        gen_st_seg(s, gen_areg(s, R_EDI), R_ES, size, s->aflag, v);
        gen_str_advance(s, R_ESI, size);
        gen_str_advance(s, R_EDI, size);
        break;
    }
    case M_STOS:
        gen_st_seg(s, gen_areg(s, R_EDI), R_ES, size, s->aflag,
                   gen_ld_reg(size, R_EAX));
        gen_str_advance(s, R_EDI, size);
        break;
    case M_LODS: {
        TCGv v = gen_ld_seg(s, gen_areg(s, R_ESI), str_src_seg(s), size,
                                s->aflag);
        gen_st_reg(size, R_EAX, v);
        gen_str_advance(s, R_ESI, size);
        break;
    }
    case M_CMPS:
    case M_SCAS: {
        TCGv a, b;
        if (mnem == M_CMPS) {
            a = gen_ld_seg(s, gen_areg(s, R_ESI), str_src_seg(s), size,
                           s->aflag);
        } else {
            a = gen_ld_reg(size, R_EAX);
        }
        b = gen_ld_seg(s, gen_areg(s, R_EDI), R_ES, size, s->aflag);
        TCGv r = tmp();
        tcg_gen_sub_tl(r, a, b);
        gen_ext(r, r, size, false);
        gen_set_cc(s, CC_OP_SUBB, size, r, b);
        if (mnem == M_CMPS) {
            gen_str_advance(s, R_ESI, size);
        }
        gen_str_advance(s, R_EDI, size);
        break;
    }
    case M_INS: {
        gen_sync_eip(s);
        /* The destination is written (with 0) before the port is read:
         * a fault there (segment, page) must not consume the port's
         * data, since the instruction restarts. */
        TCGv di = gen_areg(s, R_EDI);
        gen_st_seg(s, di, R_ES, size, s->aflag, cst(0));
        TCGv v = gen_call(s, (void *)helper_in, 0, true, 2,
                              gen_ld_reg(2, R_EDX), cst(size), NOARG, NOARG);
        gen_st_seg(s, gen_areg(s, R_EDI), R_ES, size, s->aflag, v);
        gen_str_advance(s, R_EDI, size);
        break;
    }
    case M_OUTS: {
        TCGv v = gen_ld_seg(s, gen_areg(s, R_ESI), str_src_seg(s), size,
                                s->aflag);
        gen_sync_eip(s);
        CALL3(s, helper_out, gen_ld_reg(2, R_EDX), v, cst(size));
        gen_str_advance(s, R_ESI, size);
        break;
    }
    }
    if (!s->rep) {
        if (mnem == M_OUTS) {
            gen_exit_next(s);
        }
        return;
    }
    TCGv cx = tmp();
    gen_addi(cx, cpu_regs[R_ECX], -1);
    gen_st_reg(s->aflag, R_ECX, cx);
    if (mnem == M_CMPS || mnem == M_SCAS) {
        /* REPE stops when ZF = 0, REPNE when ZF = 1. */
        TCGv z = tmp();
        gen_setcc(s, 4 | (s->rep == 3), z);     /* Z (repne) / NZ (repe) */
        tcg_gen_brcond_tl(TCG_COND_NE, z, cst(0), done);
    }
    tcg_gen_brcond_tl(TCG_COND_EQ, gen_areg(s, R_ECX), cst(0), done);
    gen_jmp_tb(s, s->pc_start, 1);
    gen_set_label(done);
    gen_jmp_tb(s, s->pc, 0);
}

/* The element size is that of the memory operand (OUTS: the second). */
void gen_MOVS(DisasContext *s, const X86OpEntry *e)
{
    gen_string(s, M_MOVS, s->op[0].size);
}

void gen_CMPS(DisasContext *s, const X86OpEntry *e)
{
    gen_string(s, M_CMPS, s->op[0].size);
}

void gen_STOS(DisasContext *s, const X86OpEntry *e)
{
    gen_string(s, M_STOS, s->op[0].size);
}

void gen_LODS(DisasContext *s, const X86OpEntry *e)
{
    gen_string(s, M_LODS, s->op[0].size);
}

void gen_SCAS(DisasContext *s, const X86OpEntry *e)
{
    gen_string(s, M_SCAS, s->op[0].size);
}

void gen_INS(DisasContext *s, const X86OpEntry *e)
{
    gen_string(s, M_INS, s->op[0].size);
}

void gen_OUTS(DisasContext *s, const X86OpEntry *e)
{
    gen_string(s, M_OUTS, s->op[1].size);
}
