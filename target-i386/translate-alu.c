/*
 * Arithmetic, logic, multiply/divide, bit and BCD instructions, and the
 * flag instructions (CLC..STD, CMC, SAHF, LAHF, SETcc, SALC): the
 * generators of the ALU family (translate-internal.h for the helpers).
 */
#include "target-i386/translate-internal.h"

/*
 * The result is stored before the lazy flags change: a store that faults
 * (a copy-on-write page) restarts the instruction, and ADC/SBB must find
 * the carry it had (the exception frame's EFLAGS are those before it).
 */
static void gen_alu(DisasContext *s, int op, Operand *d, TCGv a,
                    TCGv b)
{
    int size = d->size;
    TCGv r = tmp(), c = NOARG;
    int cc_base;
    switch (op) {
    case OP_ADD:
        tcg_gen_add_tl(r, a, b);
        gen_ext(r, r, size, false);
        cc_base = CC_OP_ADDB;
        break;
    case OP_SUB:
    case OP_CMP:
        tcg_gen_sub_tl(r, a, b);
        gen_ext(r, r, size, false);
        cc_base = CC_OP_SUBB;
        break;
    case OP_ADC:
    case OP_SBB:
        c = gen_compute_cf(s);
        if (op == OP_ADC) {
            tcg_gen_add_tl(r, a, b);
            tcg_gen_add_tl(r, r, c);
        } else {
            tcg_gen_sub_tl(r, a, b);
            tcg_gen_sub_tl(r, r, c);
        }
        gen_ext(r, r, size, false);
        cc_base = op == OP_ADC ? CC_OP_ADCB : CC_OP_SBBB;
        break;
    case OP_AND:
        tcg_gen_and_tl(r, a, b);
        cc_base = CC_OP_LOGICB;
        break;
    case OP_OR:
        tcg_gen_or_tl(r, a, b);
        cc_base = CC_OP_LOGICB;
        break;
    default:
        tcg_gen_xor_tl(r, a, b);
        gen_ext(r, r, size, false);
        cc_base = CC_OP_LOGICB;
        break;
    }
    if (op != OP_CMP) {
        gen_st_op(s, d, r);
    }
    if (c.idx >= 0) {
        tcg_gen_mov_tl(cpu_cc_src2, c);
    }
    gen_set_cc(s, cc_base, size, r, cc_base == CC_OP_LOGICB ? NOARG : b);
}

/*
 * LOCK ADD/ADC/SUB/SBB/AND/OR/XOR with a memory destination: one atomic
 * op (SUB adds the negated operand, ADC/SBB fold the carry into it), the
 * result and flags from the old value as gen_alu has them.
 */
static void gen_alu_locked(DisasContext *s, int op, Operand *d, TCGv b)
{
    int size = d->size;
    TCGv c = NOARG, v = b, old, r = tmp();
    int cc_base;
    if (op == OP_ADC || op == OP_SBB) {
        c = gen_compute_cf(s);
        v = tmp();
        tcg_gen_add_tl(v, b, c);
    }
    switch (op) {
    case OP_ADD:
    case OP_ADC:
        old = gen_atomic_op_ea(s, size, ATOMIC_ADD, v);
        tcg_gen_add_tl(r, old, v);
        gen_ext(r, r, size, false);
        cc_base = op == OP_ADC ? CC_OP_ADCB : CC_OP_ADDB;
        break;
    case OP_SUB:
    case OP_SBB: {
        TCGv n = tmp();
        tcg_gen_neg_tl(n, v);
        old = gen_atomic_op_ea(s, size, ATOMIC_ADD, n);
        tcg_gen_sub_tl(r, old, v);
        gen_ext(r, r, size, false);
        cc_base = op == OP_SBB ? CC_OP_SBBB : CC_OP_SUBB;
        break;
    }
    case OP_AND:
        old = gen_atomic_op_ea(s, size, ATOMIC_AND, b);
        tcg_gen_and_tl(r, old, b);
        cc_base = CC_OP_LOGICB;
        break;
    case OP_OR:
        old = gen_atomic_op_ea(s, size, ATOMIC_OR, b);
        tcg_gen_or_tl(r, old, b);
        cc_base = CC_OP_LOGICB;
        break;
    default:
        old = gen_atomic_op_ea(s, size, ATOMIC_XOR, b);
        tcg_gen_xor_tl(r, old, b);
        gen_ext(r, r, size, false);
        cc_base = CC_OP_LOGICB;
        break;
    }
    if (c.idx >= 0) {
        tcg_gen_mov_tl(cpu_cc_src2, c);
    }
    gen_set_cc(s, cc_base, size, r, cc_base == CC_OP_LOGICB ? NOARG : b);
}

static void gen_incdec(DisasContext *s, Operand *d, bool inc)
{
    if (gen_locked(s, d)) {
        TCGv c = gen_compute_cf(s), r = tmp();
        TCGv old = gen_atomic_op_ea(s, d->size, ATOMIC_ADD,
                                    cst(inc ? 1 : -1));
        gen_addi(r, old, inc ? 1 : -1);
        gen_ext(r, r, d->size, false);
        gen_set_cc(s, inc ? CC_OP_INCB : CC_OP_DECB, d->size, r, c);
        return;
    }
    TCGv v = gen_ld_op(s, d);
    TCGv c = gen_compute_cf(s);
    TCGv r = tmp();
    gen_addi(r, v, inc ? 1 : -1);
    gen_ext(r, r, d->size, false);
    gen_st_op(s, d, r);
    gen_set_cc(s, inc ? CC_OP_INCB : CC_OP_DECB, d->size, r, c);
}

/* The operand size whose products need the double-width multiply. */
#define FULL_SIZE ((int)sizeof(target_ulong))

/* MUL/IMUL with one operand: AX/DX:AX/EDX:EAX/RDX:RAX = acc * src. */
static void gen_mul1(DisasContext *s, Operand *o, bool sign)
{
    int size = o->size;
    TCGv b = gen_ld_op(s, o);
    TCGv a = gen_ld_reg(size, R_EAX);
    TCGv lo = tmp(), hi = tmp(), ovf = tmp();
    if (size == FULL_SIZE) {
        gen_mulu2(lo, hi, a, b, sign);
        if (sign) {
            TCGv t = tmp();
            tcg_gen_sar_tl(t, lo, cst(size * 8 - 1));
            tcg_gen_setcond_tl(TCG_COND_NE, ovf, hi, t);
        } else {
            tcg_gen_setcond_tl(TCG_COND_NE, ovf, hi, cst(0));
        }
        gen_st_reg(size, R_EAX, lo);
        gen_st_reg(size, R_EDX, hi);
        gen_set_cc(s, CC_OP_MULB, size, lo, ovf);   /* base + size */
        return;
    }
    if (sign) {
        gen_ext(a, a, size, true);
        gen_ext(b, b, size, true);
    }
    tcg_gen_mul_tl(lo, a, b);
    TCGv t = tmp();
    gen_ext(t, lo, size, sign);
    if (!sign) {
        tcg_gen_shr_tl(t, lo, cst(size * 8));
        tcg_gen_setcond_tl(TCG_COND_NE, ovf, t, cst(0));
    } else {
        tcg_gen_setcond_tl(TCG_COND_NE, ovf, t, lo);
    }
    if (size == 1) {
        gen_st_reg(2, R_EAX, lo);
    } else {
        tcg_gen_shr_tl(hi, lo, cst(size * 8));
        gen_st_reg(size, R_EAX, lo);
        gen_st_reg(size, R_EDX, hi);
    }
    gen_set_cc(s, CC_OP_MULB, size, lo, ovf);
}

/* IMUL r, r/m[, imm]: truncated signed product. */
static void gen_imul2(DisasContext *s, Operand *d, TCGv a, TCGv b)
{
    int size = d->size;
    TCGv lo = tmp(), hi = tmp(), ovf = tmp(), t = tmp();
    if (size == FULL_SIZE) {
        gen_mulu2(lo, hi, a, b, true);
        tcg_gen_sar_tl(t, lo, cst(size * 8 - 1));
        tcg_gen_setcond_tl(TCG_COND_NE, ovf, hi, t);
    } else {
        TCGv x = tmp(), y = tmp();
        gen_ext(x, a, size, true);
        gen_ext(y, b, size, true);
        tcg_gen_mul_tl(lo, x, y);
        gen_ext(t, lo, size, true);
        tcg_gen_setcond_tl(TCG_COND_NE, ovf, t, lo);
        gen_ext(lo, lo, size, false);
    }
    gen_st_op(s, d, lo);
    gen_set_cc(s, CC_OP_MULB, size, lo, ovf);
}

/* CMPXCHG r/m, r: compare with the accumulator (flags as CMP acc, r/m). */
static void gen_cmpxchg(DisasContext *s, Operand *d, Operand *so)
{
    int size = d->size;
    bool locked = gen_locked(s, d);
    TCGv src = gen_ld_reg(size, so->reg);
    TCGv acc = gen_ld_reg(size, R_EAX);
    /* Locked: the helper did the compare and the store. */
    TCGv dv = locked ? gen_atomic_cmpxchg_ea(s, size, acc, src)
                     : gen_ld_op(s, d);
    TCGv nd = tmp(), r = tmp();
    gen_movcond(TCG_COND_EQ, nd, acc, dv, src, dv);
    tcg_gen_sub_tl(r, acc, dv);
    gen_ext(r, r, size, false);
#if TL64
    if (size == 4) {
        /* 64-bit registers: only the register the outcome names is
         * written (zero-extended); the other keeps all 64 bits.  Equal:
         * the destination gets src, the accumulator is untouched;
         * different: the accumulator gets the destination's value and a
         * register destination is untouched. */
        TCGv na = tmp();
        gen_movcond(TCG_COND_EQ, na, acc, dv, cpu_regs[R_EAX], dv);
        if (d->mem) {
            if (!locked) {
                gen_st_op(s, d, nd);
            }
            tcg_gen_mov_tl(cpu_regs[R_EAX], na);
        } else {
            /* The accumulator first: it may be the destination. */
            TCGv nr = tmp();
            gen_movcond(TCG_COND_EQ, nr, acc, dv, src, cpu_regs[d->reg]);
            tcg_gen_mov_tl(cpu_regs[R_EAX], na);
            tcg_gen_mov_tl(cpu_regs[d->reg], nr);
        }
        gen_set_cc(s, CC_OP_SUBB, size, r, dv);
        return;
    }
#endif
    if (d->mem) {
        /* The destination is written either way (a locked cycle); the
         * store may fault, so it comes before any register write. */
        if (!locked) {
            gen_st_op(s, d, nd);
        }
        gen_st_reg(size, R_EAX, dv);
    } else {
        /* acc = dv changes nothing when equal; then the destination, which
         * may be the accumulator itself. */
        gen_st_reg(size, R_EAX, dv);
        gen_st_reg(size, d->reg, nd);
    }
    gen_set_cc(s, CC_OP_SUBB, size, r, dv);
}

/* XADD r/m, r: r/m = r/m + r, r = old r/m (flags of the add). */
static void gen_xadd(DisasContext *s, Operand *d, Operand *so)
{
    int size = d->size;
    TCGv r = tmp();
    if (gen_locked(s, d)) {
        TCGv sv = gen_ld_reg(size, so->reg);
        TCGv old = gen_atomic_op_ea(s, size, ATOMIC_ADD, sv);
        tcg_gen_add_tl(r, old, sv);
        gen_ext(r, r, size, false);
        gen_st_reg(size, so->reg, old);
        gen_set_cc(s, CC_OP_ADDB, size, r, sv);
        return;
    }
    TCGv dv = gen_ld_op(s, d);
    TCGv sv = gen_ld_reg(size, so->reg);
    tcg_gen_add_tl(r, dv, sv);
    gen_ext(r, r, size, false);
    if (d->mem) {
        gen_st_op(s, d, r);
        gen_st_reg(size, so->reg, dv);
    } else {
        gen_st_reg(size, so->reg, dv);
        gen_st_reg(size, d->reg, r);
    }
    gen_set_cc(s, CC_OP_ADDB, size, r, sv);
}

/* LOCK CMPXCHG8B/16B: the helper compares, stores and writes the
 * registers; ZF from its result. */
static void gen_cmpxchg_wide_locked(DisasContext *s, bool b16)
{
    TCGv z = gen_atomic_cmpxchg_wide(s, b16);
    TCGv f = gen_compute_eflags(s);
    gen_andi(f, f, ~CC_Z);
    tcg_gen_shli_tl(z, z, 6);
    tcg_gen_or_tl(f, f, z);
    gen_set_eflags_cc(s, f);
}

/* CMPXCHG8B m64: EDX:EAX against m64; ZF only. */
static void gen_cmpxchg8b(DisasContext *s)
{
    if (s->lock) {
        gen_cmpxchg_wide_locked(s, false);
        return;
    }
    TCGv_i64 m = tcg_temp_new_i64(), n = tcg_temp_new_i64();
    TCGv_i64 h = tcg_temp_new_i64();
    TCGv lo = tmp(), hi = tmp(), t = tmp(), u = tmp(), eq = tmp();
    TCGv nlo = tmp(), nhi = tmp();
    /* The destination is written whether or not the compare succeeds
     * (SDM CMPXCHG8B): check it as a write. */
    gen_check_seg(s, s->ea_off, s->ea_seg, 8, s->aflag, true);
    tcg_gen_qemu_ld_tl_i64(m, s->ea_lin, s->mmu_idx, MO_UQ);
    tcg_gen_trunc_i64_tl(lo, m);
    gen_ext(lo, lo, 4, false);
    tcg_gen_extrh_i64_tl(hi, m);
    /* The 32-bit halves of the registers (the 64-bit build holds more). */
    tcg_gen_xor_tl(t, lo, gen_ld_reg(4, R_EAX));
    tcg_gen_xor_tl(u, hi, gen_ld_reg(4, R_EDX));
    tcg_gen_or_tl(t, t, u);
    tcg_gen_setcond_tl(TCG_COND_EQ, eq, t, cst(0));
    gen_movcond(TCG_COND_NE, nlo, eq, cst(0), gen_ld_reg(4, R_EBX), lo);
    gen_movcond(TCG_COND_NE, nhi, eq, cst(0), gen_ld_reg(4, R_ECX), hi);
    tcg_gen_extu_tl_i64(n, nlo);
    tcg_gen_extu_tl_i64(h, nhi);
    tcg_gen_shl_i64(h, h, tcg_constant_i64(32));
    tcg_gen_or_i64(n, n, h);
    TCGv f = gen_compute_eflags(s);
    tcg_gen_qemu_st_tl_i64(n, s->ea_lin, s->mmu_idx, MO_UQ);
#if TL64
    /* EDX:EAX are written (zero-extended) only when they differed. */
    gen_movcond(TCG_COND_NE, lo, eq, cst(0), cpu_regs[R_EAX], lo);
    gen_movcond(TCG_COND_NE, hi, eq, cst(0), cpu_regs[R_EDX], hi);
#endif
    tcg_gen_mov_tl(cpu_regs[R_EAX], lo);
    tcg_gen_mov_tl(cpu_regs[R_EDX], hi);
    gen_andi(f, f, ~CC_Z);
    tcg_gen_shli_tl(eq, eq, 6);
    tcg_gen_or_tl(f, f, eq);
    gen_set_eflags_cc(s, f);
}

/* ADD OR ADC SBB AND SUB XOR CMP (extra = OP_*) */
void gen_ALU(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    if (gen_locked(s, o0) && e->extra != OP_CMP) {
        gen_alu_locked(s, e->extra, o0, gen_ld_op(s, o1));
        return;
    }
    gen_alu(s, e->extra, o0, gen_ld_op(s, o0), gen_ld_op(s, o1));
}

void gen_TEST(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    TCGv r = tmp();
    tcg_gen_and_tl(r, gen_ld_op(s, o0), gen_ld_op(s, o1));
    gen_set_cc(s, CC_OP_LOGICB, o0->size, r, NOARG);
}

void gen_INC(DisasContext *s, const X86OpEntry *e)
{
    gen_incdec(s, &s->op[0], true);
}

void gen_DEC(DisasContext *s, const X86OpEntry *e)
{
    gen_incdec(s, &s->op[0], false);
}

void gen_NOT(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    TCGv t;
    if (gen_locked(s, o0)) {
        gen_atomic_op_ea(s, o0->size, ATOMIC_XOR, cst(0xffffffff));
        return;
    }
    t = tmp();
    tcg_gen_not_tl(t, gen_ld_op(s, o0));
    gen_ext(t, t, o0->size, false);
    gen_st_op(s, o0, t);
}

void gen_NEG(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    TCGv t = tmp(), v;
    if (gen_locked(s, o0)) {
        v = gen_atomic_op_ea(s, o0->size, ATOMIC_NEG, cst(0));
        tcg_gen_neg_tl(t, v);
        gen_ext(t, t, o0->size, false);
    } else {
        v = gen_ld_op(s, o0);
        tcg_gen_neg_tl(t, v);
        gen_ext(t, t, o0->size, false);
        gen_st_op(s, o0, t);
    }
    gen_set_cc(s, CC_OP_SUBB, o0->size, t, v);
}

void gen_MUL(DisasContext *s, const X86OpEntry *e)
{
    gen_mul1(s, &s->op[0], false);
}

/* IMUL r/m (one operand) */
void gen_IMUL1(DisasContext *s, const X86OpEntry *e)
{
    gen_mul1(s, &s->op[0], true);
}

void gen_IMUL2(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    gen_imul2(s, o0, gen_ld_op(s, o0), gen_ld_op(s, o1));
}

void gen_IMUL3(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    Operand *o2 = &s->op[2];
    gen_imul2(s, o0, gen_ld_op(s, o1), gen_ld_op(s, o2));
}

void gen_DIV(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    TCGv t;
    if (o0->size == FULL_SIZE && !o0->mem) {
        /* Inline unless it would raise #DE (then helper_div). */
        TCGLabel *slow = gen_new_label(), *done = gen_new_label();
        TCGv q = tmp(), r = tmp();
        t = gen_ld_op(s, o0);
        /* EDX >= divisor also catches a zero divisor. */
        tcg_gen_brcond_tl(TCG_COND_GEU, cpu_regs[R_EDX], t, slow);
        tcg_gen_divu2_tl(q, r, cpu_regs[R_EAX], cpu_regs[R_EDX], t);
        tcg_gen_mov_tl(cpu_regs[R_EAX], q);
        tcg_gen_mov_tl(cpu_regs[R_EDX], r);
        tcg_gen_br(done);
        gen_set_label(slow);
        gen_sync_eip(s);
        CALL2(s, helper_div, gen_ld_op(s, o0), cst(FULL_SIZE));
        gen_set_label(done);
        return;
    }
#if TL64
    if (o0->size == 4 && !o0->mem) {
        /* The 64-bit build's 32-bit DIV r32 (common in 32-bit code such
         * as the workload's int loop): EDX:EAX as one 64-bit value,
         * whose quotient fits in 32 bits when EDX < divisor. */
        TCGLabel *slow = gen_new_label(), *done = gen_new_label();
        TCGv d = tmp(), hi = tmp(), lo = tmp(), zero = tmp();
        TCGv q = tmp(), r = tmp();
        tcg_gen_ext32u_i64(d, gen_ld_op(s, o0));
        tcg_gen_ext32u_i64(hi, cpu_regs[R_EDX]);
        tcg_gen_brcond_tl(TCG_COND_GEU, hi, d, slow);
        tcg_gen_ext32u_i64(lo, cpu_regs[R_EAX]);
        tcg_gen_deposit_tl(lo, lo, hi, 32, 32);
        tcg_gen_movi_tl(zero, 0);
        tcg_gen_divu2_tl(q, r, lo, zero, d);
        tcg_gen_mov_tl(cpu_regs[R_EAX], q);
        tcg_gen_mov_tl(cpu_regs[R_EDX], r);
        tcg_gen_br(done);
        gen_set_label(slow);
        gen_sync_eip(s);
        CALL2(s, helper_div, gen_ld_op(s, o0), cst(4));
        gen_set_label(done);
        return;
    }
#endif
    t = gen_ld_op(s, o0);
    gen_sync_eip(s);
    CALL2(s, helper_div, t, cst(o0->size));
}

void gen_IDIV(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    TCGv t = gen_ld_op(s, o0);
    gen_sync_eip(s);
    CALL2(s, helper_idiv, t, cst(o0->size));
}

void gen_CMPXCHG(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    gen_cmpxchg(s, o0, o1);
}

void gen_XADD(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    gen_xadd(s, o0, o1);
}

#if TL64
/* CMPXCHG16B m128 (REX.W): RDX:RAX against m128, RCX:RBX stored on a
 * match; ZF only.  The operand must be 16-byte aligned (#GP). */
static void gen_cmpxchg16b(DisasContext *s)
{
    TCGLabel *bad = gen_stub(s, EXCP0D_GPF);
    TCGv t = tmp(), u = tmp(), eq = tmp(), a8 = tmp();
    TCGv nlo = tmp(), nhi = tmp();
    if (bad) {
        tcg_gen_andi_i64(t, s->ea_lin, 15);
        tcg_gen_brcondi_i64(TCG_COND_NE, t, 0, bad);
    }
    if (s->lock) {
        gen_cmpxchg_wide_locked(s, true);
        return;
    }
    TCGv lo = gen_ld_mem(s, s->ea_lin, 8);
    tcg_gen_addi_i64(a8, s->ea_lin, 8);
    TCGv hi = gen_ld_mem(s, a8, 8);
    tcg_gen_xor_tl(t, lo, cpu_regs[R_EAX]);
    tcg_gen_xor_tl(u, hi, cpu_regs[R_EDX]);
    tcg_gen_or_tl(t, t, u);
    tcg_gen_setcond_tl(TCG_COND_EQ, eq, t, cst(0));
    gen_movcond(TCG_COND_NE, nlo, eq, cst(0), cpu_regs[R_EBX], lo);
    gen_movcond(TCG_COND_NE, nhi, eq, cst(0), cpu_regs[R_ECX], hi);
    TCGv f = gen_compute_eflags(s);
    /* Written either way (a locked cycle), high half first so that a
     * fault on the second page comes before any change. */
    gen_st_mem(s, a8, 8, nhi);
    gen_st_mem(s, s->ea_lin, 8, nlo);
    tcg_gen_mov_tl(cpu_regs[R_EAX], lo);
    tcg_gen_mov_tl(cpu_regs[R_EDX], hi);
    gen_andi(f, f, ~CC_Z);
    tcg_gen_shli_tl(eq, eq, 6);
    tcg_gen_or_tl(f, f, eq);
    gen_set_eflags_cc(s, f);
}
#endif

void gen_CMPXCHG8B(DisasContext *s, const X86OpEntry *e)
{
#if TL64
    if (CODE64(s) && s->rex_w) {
        gen_cmpxchg16b(s);
        return;
    }
#endif
    gen_cmpxchg8b(s);
}

void gen_BT(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    /* BT BTS BTR BTC; memory forms with a register offset address the
     * bit string beyond the operand (SDM BT). */
    int size = o0->size;
    bool locked = gen_locked(s, o0) && e->extra;
    TCGv bit = gen_ld_op(s, o1), v = NOARG, a = NOARG;
    if (o0->mem && o1->am != A_I) {
        TCGv disp = tmp();
        gen_ext(disp, bit, size, true);
        int lg = size == 2 ? 1 : size == 4 ? 2 : 3;   /* log2(size) */
        tcg_gen_sar_tl(disp, disp, cst(lg + 3));
        tcg_gen_shl_tl(disp, disp, cst(lg));
        /* The segment checks apply to the operand actually touched:
         * EA + disp, wrapped to the address size. */
        TCGv off = tmp();
        tcg_gen_add_tl(off, s->ea_off, disp);
        gen_ext(off, off, s->aflag, false);
        gen_check_seg(s, off, s->ea_seg, size, s->aflag, e->extra != 0);
        a = gen_linear(s, off, s->ea_seg);
        if (!locked) {
            v = gen_ld_mem(s, a, size);
        }
    } else if (locked) {
        gen_check_seg(s, s->ea_off, s->ea_seg, size, s->aflag, true);
        a = s->ea_lin;
    } else {
        v = gen_ld_op(s, o0);
    }
    TCGv n = tmp(), cf = tmp(), m = tmp(), r = tmp();
    gen_andi(n, bit, size * 8 - 1);
    if (locked) {
        /* BTS: OR the mask in, BTR: AND its complement, BTC: XOR it. */
        static const int ops[4] = {0, ATOMIC_OR, ATOMIC_AND, ATOMIC_XOR};
        tcg_gen_shl_tl(m, cst(1), n);
        if (e->extra == 2) {
            tcg_gen_not_tl(m, m);
        }
        v = gen_atomic_op(s, a, size, ops[e->extra], m);
    }
    tcg_gen_shr_tl(cf, v, n);
    gen_andi(cf, cf, 1);
    if (e->extra && !locked) {
        tcg_gen_shl_tl(m, cst(1), n);
        if (e->extra == 1) {
            tcg_gen_or_tl(r, v, m);
        } else if (e->extra == 2) {
            tcg_gen_not_tl(m, m);
            tcg_gen_and_tl(r, v, m);
        } else {
            tcg_gen_xor_tl(r, v, m);
        }
        if (a.idx >= 0) {
            gen_st_mem(s, a, size, r);
        } else {
            gen_st_op(s, o0, r);
        }
    }
    TCGv f = gen_compute_eflags(s);
    gen_andi(f, f, ~CC_C);
    tcg_gen_or_tl(f, f, cf);
    gen_set_eflags_cc(s, f);
}

/* BSF (bsr false) / BSR: the flags come from helper_bitscan. */
static void gen_bitscan(DisasContext *s, bool bsr)
{
    Operand *o0 = &s->op[0];
    Operand *o1 = &s->op[1];
    TCGv t;
    /* A zero source leaves the destination alone, all 64 bits of it in
     * 64-bit mode (as the x86-64 hosts we compare against do). */
    bool whole = TL64 && o0->size == 4;
    t = gen_call(s, (void *)helper_bitscan, CALL_RET_TL, true, 3,
                 gen_ld_op(s, o1),
                 whole ? cpu_regs[o0->reg] : gen_ld_reg(o0->size, o0->reg),
                 cst(bsr), NOARG);
    s->cc_op = CC_OP_EFLAGS;
    gen_st_reg(whole ? 8 : o0->size, o0->reg, t);
}

void gen_BSF(DisasContext *s, const X86OpEntry *e)
{
    gen_bitscan(s, false);
}

void gen_BSR(DisasContext *s, const X86OpEntry *e)
{
    gen_bitscan(s, true);
}

void gen_SETCC(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    TCGv t;
    t = tmp();
    gen_setcc(s, e->extra, t);
    gen_st_op(s, o0, t);
}

void gen_CMC(DisasContext *s, const X86OpEntry *e)
{
    TCGv t;
    t = gen_compute_eflags(s);
    tcg_gen_xor_tl(t, t, cst(CC_C));
    gen_set_eflags_cc(s, t);
}

void gen_SAHF(DisasContext *s, const X86OpEntry *e)
{
    TCGv t, u;
    t = gen_compute_eflags(s);
    gen_andi(t, t, CC_O);
    u = gen_ld_reg(1, 4);
    gen_andi(u, u, CC_S | CC_Z | CC_A | CC_P | CC_C);
    tcg_gen_or_tl(t, t, u);
    gen_set_eflags_cc(s, t);
}

void gen_LAHF(DisasContext *s, const X86OpEntry *e)
{
    TCGv t;
    t = gen_compute_eflags(s);
    gen_andi(t, t, CC_S | CC_Z | CC_A | CC_P | CC_C);
    tcg_gen_or_tl(t, t, cst(2));
    gen_st_reg(1, 4, t);
}

/* CLC STC CLI STI CLD STD (extra = 0..5) */
void gen_FLAG(DisasContext *s, const X86OpEntry *e)
{
    TCGv t;
    switch (e->extra) {
    case 0: /* CLC */
    case 1: /* STC */
        t = gen_compute_eflags(s);
        if (e->extra) {
            tcg_gen_or_tl(t, t, cst(CC_C));
        } else {
            gen_andi(t, t, ~CC_C);
        }
        gen_set_eflags_cc(s, t);
        break;
    case 2: /* CLI */
    case 3: /* STI */
        if (s->pe && s->cpl > (int)((s->env->eflags & IOPL_MASK) >> 12)) {
            gen_exception(s, EXCP0D_GPF);
            break;
        }
        t = tmp();
        tcg_gen_ld32u_tl(t, offsetof(CPUX86State, eflags));
        if (e->extra == 3) {
            tcg_gen_or_tl(t, t, cst(IF_MASK));
            s->end_after_next = true;
        } else {
            gen_andi(t, t, ~IF_MASK);
        }
        tcg_gen_st32_tl(t, offsetof(CPUX86State, eflags));
        break;
    case 4: /* CLD */
    case 5: /* STD */
        t = tmp();
        tcg_gen_ld32u_tl(t, offsetof(CPUX86State, eflags));
        if (e->extra == 5) {
            tcg_gen_or_tl(t, t, cst(DF_MASK));
            tcg_gen_movi_i32(cpu_df, -1);
        } else {
            gen_andi(t, t, ~DF_MASK);
            tcg_gen_movi_i32(cpu_df, 1);
        }
        tcg_gen_st32_tl(t, offsetof(CPUX86State, eflags));
        break;
    }
}

void gen_SALC(DisasContext *s, const X86OpEntry *e)
{
    TCGv t;
    t = gen_compute_cf(s);
    tcg_gen_neg_tl(t, t);
    gen_st_reg(1, R_EAX, t);
}

/* AAA AAS DAA DAS: in C (helper-misc.c), flags as EFLAGS. */
static void gen_bcd(DisasContext *s, void (*helper)(CPUX86State *))
{
    gen_sync_eip(s);
    CALL0(s, helper);
    s->cc_op = CC_OP_EFLAGS;
}

void gen_AAA(DisasContext *s, const X86OpEntry *e)
{
    gen_bcd(s, helper_aaa);
}

void gen_AAS(DisasContext *s, const X86OpEntry *e)
{
    gen_bcd(s, helper_aas);
}

void gen_DAA(DisasContext *s, const X86OpEntry *e)
{
    gen_bcd(s, helper_daa);
}

void gen_DAS(DisasContext *s, const X86OpEntry *e)
{
    gen_bcd(s, helper_das);
}

void gen_AAM(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    gen_sync_eip(s);
    CALL1(s, helper_aam, cst(o0->imm));
    s->cc_op = CC_OP_EFLAGS;
}

void gen_AAD(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    gen_sync_eip(s);
    CALL1(s, helper_aad, cst(o0->imm));
    s->cc_op = CC_OP_EFLAGS;
}
