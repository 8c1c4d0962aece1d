/*
 * Shifts and rotates: SHL SHR SAR inline with lazy flags, ROL/ROR r/m32
 * by an immediate inline, the rest through helper_rotate; SHLD/SHRD.
 */
#include "target-i386/translate-internal.h"

/*
 * A count of 0 changes nothing, but a 32-bit register operand in the 64-bit
 * build is still written: its upper half is cleared, as on hardware (the
 * instruction writes the 32-bit register).
 */
static void gen_count0_write(Operand *d)
{
    if (TL64 && d->size == 4 && !d->mem) {
        gen_st_reg(4, d->reg, gen_ld_reg(4, d->reg));
    }
}

/* SHL/SHR/SAR (ROL..RCR go to helper_rotate). */
static void gen_shift(DisasContext *s, int op, Operand *d, Operand *cnt)
{
    int size = d->size;
    if (op == 6) {
        op = 4;                     /* SAL (undocumented /6) = SHL */
    }
    TCGv count = tmp();
    TCGLabel *skip = NULL;
    int cmask = size == 8 ? 0x3f : 0x1f;    /* REX.W: 6-bit counts */
    if (cnt->am == A_REG) {
        gen_andi(count, gen_ld_reg(1, R_ECX), cmask);
    } else {
        if ((cnt->imm & cmask) == 0) {
            if (d->mem) {
                /* Count 0: no change, but the access still happens. */
                gen_ld_op(s, d);
            }
            gen_count0_write(d);
            return;
        }
        tcg_gen_movi_tl(count, cnt->imm & cmask);
    }
    if (op < 2 && (size == 4 || size == (int)sizeof(target_ulong)) &&
        cnt->am != A_REG) {
        /* ROL/ROR r/m32, imm (count != 0): inline; CF/OF as an overlay on
         * the previous lazy flags when it is known and not ADC/SBB
         * (tcg-x86.h, CC_OP_ROL_OVL), else EFLAGS computed now. */
        TCGv v = gen_ld_op(s, d), r = tmp();
        int n = cnt->imm & cmask, top = size * 8 - 1;
        int prev = s->cc_op & ~(CC_OP_ROL_OVL | CC_OP_ROR_OVL);
        if (size == (int)sizeof(target_ulong)) {
            if (op == 0) {
                tcg_gen_rotli_tl(r, v, n);
            } else {
                tcg_gen_rotri_tl(r, v, n);
            }
        } else {
            /* A 32-bit rotate of the zero-extended value (64-bit build). */
            TCGv t = tmp();
            tcg_gen_shli_tl(r, v, op == 0 ? n : 32 - n);
            tcg_gen_shri_tl(t, v, op == 0 ? 32 - n : n);
            tcg_gen_or_tl(r, r, t);
            gen_ext(r, r, 4, false);
        }
        gen_st_op(s, d, r);
        /* The overlay knows 32-bit rotates only. */
        if (size == 4 && s->cc_op != CC_DYNAMIC &&
            !cc_op_is(prev, CC_OP_ADCB) && !cc_op_is(prev, CC_OP_SBBB)) {
            tcg_gen_mov_tl(cpu_cc_src2, r);
            gen_set_cc_op(s, prev | (op == 0 ? CC_OP_ROL_OVL
                                             : CC_OP_ROR_OVL));
            return;
        }
        TCGv f = tmp(), c = tmp(), o = tmp();
        gen_andi(f, gen_compute_eflags(s), ~(uint32_t)(CC_C | CC_O));
        if (op == 0) {
            gen_andi(c, r, 1);
            tcg_gen_shri_tl(o, r, top);
        } else {
            tcg_gen_shri_tl(c, r, top);
            tcg_gen_shri_tl(o, r, top - 1);
        }
        tcg_gen_xor_tl(o, o, c);
        gen_andi(o, o, 1);
        tcg_gen_shli_tl(o, o, 11);             /* OF */
        tcg_gen_or_tl(f, f, c);
        tcg_gen_or_tl(f, f, o);
        gen_set_eflags_cc(s, f);
        return;
    }
    if (op < 4) {
        TCGv v = gen_ld_op(s, d);
        if (d->mem) {
            /* The store may fault and restart RCL/RCR, which read CF:
             * the result first, the flags after the store. */
            TCGv r = gen_call(s, (void *)helper_rotate, CALL_RET_TL, true, 3,
                              v, count,
                              cst((size << 8) | op | ROTATE_NO_FLAGS), NOARG);
            gen_st_op(s, d, r);
            CALL3(s, helper_rotate, v, count, cst((size << 8) | op));
        } else {
            TCGv r = gen_call(s, (void *)helper_rotate, CALL_RET_TL, true, 3,
                              v, count, cst((size << 8) | op), NOARG);
            gen_st_op(s, d, r);
        }
        s->cc_op = CC_DYNAMIC;
        return;
    }
    if (cnt->am == A_REG) {
        /* Make sure the memory operand faults even when the count is 0. */
        skip = gen_new_label();
    }
    TCGv v = gen_ld_op(s, d);
    if (skip) {
        gen_count0_write(d);    /* for count 0; others rewrite it */
        tcg_gen_brcond_tl(TCG_COND_EQ, count, cst(0), skip);
    }
    TCGv c1 = tmp(), src = tmp(), r = tmp();
    gen_addi(c1, count, -1);
    /* With an immediate count the result is one shift, independent of
     * the flags' source (dead code when the flags are overwritten). */
    bool imm = cnt->am != A_REG;
    if (op == 4) {
        tcg_gen_shl_tl(src, v, c1);
        tcg_gen_shl_tl(r, imm ? v : src, imm ? count : cst(1));
        gen_ext(r, r, size, false);
        gen_st_op(s, d, r);
        gen_set_cc(s, CC_OP_SHLB, size, r, src);
    } else {
        TCGv x = tmp();
        gen_ext(x, v, size, op == 7);
        if (op == 5) {
            tcg_gen_shr_tl(src, x, c1);
            tcg_gen_shr_tl(r, imm ? x : src, imm ? count : cst(1));
        } else {
            tcg_gen_sar_tl(src, x, c1);
            tcg_gen_sar_tl(r, imm ? x : src, imm ? count : cst(1));
        }
        gen_ext(r, r, size, false);
        gen_st_op(s, d, r);
        gen_set_cc(s, CC_OP_SARB, size, r, src);
    }
    if (skip) {
        gen_set_label(skip);
        s->cc_op = CC_DYNAMIC;
    }
}

/*
 * SHLD/SHRD (SDM vol. 2): the destination shifted with the source's bits
 * filling in; count mod 32, no change (and no flags) for count 0.  The
 * operands are concatenated into 64 bits and shifted once, so the last bit
 * out (CF) and the result come from the same value; the flags are those of
 * SHL/SHR on that value.  16-bit forms with a count above 16 are undefined:
 * like the x86 hosts we compare against, the source fills in again
 * (dest:src:src for SHLD, src:src:dest for SHRD).
 */
#if TL64
/*
 * The 64-bit forms, count c in 1..63: SHLD r = v << c | b >> (64 - c),
 * SHRD r = v >> c | b << (64 - c).  src (the lazy flags' operand shifted
 * by c - 1) is built with shifts that stay below 64 for c = 1.
 */
static void gen_shiftd64(DisasContext *s, bool right, Operand *d, TCGv v,
                         TCGv b, TCGv count)
{
    TCGv c1 = tmp(), inv = tmp(), t = tmp(), src = tmp(), r = tmp();
    tcg_gen_addi_i64(c1, count, -1);
    tcg_gen_sub_i64(inv, tcg_constant_i64(64), count);   /* 64 - c */
    if (!right) {
        tcg_gen_shl_i64(src, v, c1);
        tcg_gen_shri_i64(t, b, 1);
        tcg_gen_shr_i64(t, t, inv);   /* b >> (64 - c1) */
        tcg_gen_or_i64(src, src, t);
        tcg_gen_shl_i64(r, v, count);
        tcg_gen_shr_i64(t, b, inv);
        tcg_gen_or_i64(r, r, t);
        gen_st_op(s, d, r);
        gen_set_cc(s, CC_OP_SHLB, 8, r, src);
    } else {
        tcg_gen_shr_i64(src, v, c1);
        tcg_gen_shli_i64(t, b, 1);
        tcg_gen_shl_i64(t, t, inv);   /* b << (64 - c1) */
        tcg_gen_or_i64(src, src, t);
        tcg_gen_shr_i64(r, v, count);
        tcg_gen_shl_i64(t, b, inv);
        tcg_gen_or_i64(r, r, t);
        gen_st_op(s, d, r);
        gen_set_cc(s, CC_OP_SARB, 8, r, src);
    }
}
#endif

static void gen_shiftd(DisasContext *s, bool right, Operand *d, Operand *so,
                       Operand *cnt)
{
    int size = d->size;
    int cmask = size == 8 ? 0x3f : 0x1f;
    TCGv count = tmp();
    TCGLabel *skip = NULL;
    if (cnt->am == A_REG) {
        gen_andi(count, gen_ld_reg(1, R_ECX), cmask);
        skip = gen_new_label();
    } else if ((cnt->imm & cmask) == 0) {
        if (d->mem) {
            gen_ld_op(s, d);        /* the access still happens */
        }
        gen_count0_write(d);
        return;
    } else {
        tcg_gen_movi_tl(count, cnt->imm & cmask);
    }
    TCGv v = gen_ld_op(s, d);
    TCGv b = gen_ld_reg(size, so->reg);
    if (skip) {
        /* For a count of 0 (the branch below): a nonzero count rewrites
         * the register anyway. */
        gen_count0_write(d);
        tcg_gen_brcond_tl(TCG_COND_EQ, count, cst(0), skip);
    }
#if TL64
    if (size == 8) {
        gen_shiftd64(s, right, d, v, b, count);
        if (skip) {
            gen_set_label(skip);
            s->cc_op = CC_DYNAMIC;
        }
        return;
    }
#endif
    TCGv_i64 x = tcg_temp_new_i64(), y = tcg_temp_new_i64();
    TCGv_i64 c64 = tcg_temp_new_i64();
    TCGv c1 = tmp(), hi = tmp(), lo = tmp(), src = tmp(), r = tmp();
    if (size == 4) {
        tcg_gen_mov_tl(hi, right ? b : v);
        tcg_gen_mov_tl(lo, right ? v : b);
    } else {
        /* hi:lo = d:s:s (SHLD) or s:s:d (SHRD), 48 bits */
        TCGv t = tmp();
        tcg_gen_shli_tl(t, b, 16);
        tcg_gen_or_tl(lo, t, right ? v : b);
        tcg_gen_mov_tl(hi, right ? b : v);
    }
    tcg_gen_extu_tl_i64(x, hi);
    tcg_gen_shl_i64(x, x, tcg_constant_i64(32));
    tcg_gen_extu_tl_i64(y, lo);
    tcg_gen_or_i64(x, x, y);
    gen_addi(c1, count, -1);
    tcg_gen_extu_tl_i64(c64, c1);
    if (!right) {
        /* the result is bits [32, 32 + size*8) after the shift */
        tcg_gen_shl_i64(x, x, c64);
        tcg_gen_extrh_i64_tl(src, x);
        gen_ext(src, src, size, false);
        tcg_gen_shl_i64(x, x, tcg_constant_i64(1));
        tcg_gen_extrh_i64_tl(r, x);
        gen_ext(r, r, size, false);
        gen_st_op(s, d, r);
        gen_set_cc(s, CC_OP_SHLB, size, r, src);
    } else {
        tcg_gen_shr_i64(x, x, c64);
        tcg_gen_trunc_i64_tl(src, x);
        gen_ext(src, src, size, false);
        tcg_gen_shr_i64(x, x, tcg_constant_i64(1));
        tcg_gen_trunc_i64_tl(r, x);
        gen_ext(r, r, size, false);
        gen_st_op(s, d, r);
        gen_set_cc(s, CC_OP_SARB, size, r, src);
    }
    if (skip) {
        gen_set_label(skip);
        s->cc_op = CC_DYNAMIC;
    }
}

/* ROL ROR RCL RCR SHL SHR SAL SAR (extra = ModRM.reg) */
void gen_SHIFT(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    gen_shift(s, e->extra, o0, o1);
}

void gen_SHLD(DisasContext *s, const X86OpEntry *e)
{
    gen_shiftd(s, false, &s->op[0], &s->op[1], &s->op[2]);
}

void gen_SHRD(DisasContext *s, const X86OpEntry *e)
{
    gen_shiftd(s, true, &s->op[0], &s->op[1], &s->op[2]);
}
