/*
 * The x86 frontend: decodes guest instructions with the tables of
 * decode.c (SDM vol. 2, appendix A) and emits IR (tcg/README.md) through
 * tcg/tcg.h.  This file has the block loop, the prefixes, the operand
 * decoding and the emit helpers the generators share
 * (translate-internal.h); each table entry points to its mnemonic's
 * generator, in one file per family: translate-alu.c, translate-shift.c,
 * translate-mov.c, translate-string.c, translate-control.c,
 * translate-system.c, translate-x87.c, translate-sse.c.
 *
 * Conventions:
 *  - every value is an i32 temp holding the operand zero-extended;
 *  - eip in env is an offset in CS; the translator writes it before every
 *    helper that may raise (so exceptions are precise) and at block exits;
 *  - cc_op is written to env whenever it changes, so helpers and the exec
 *    loop always see a consistent lazy-flags state;
 *  - memory operands with a 16-bit address get the segment-limit check
 *    (a word at offset FFFF faults with #GP, #SS for SS), as on the 286 and
 *    later; the fault path is out of line at the end of the block;
 *  - REP string instructions do one iteration per execution and jump back
 *    to themselves, so they are interruptible and fault precisely.
 */
#include "target-i386/translate-internal.h"
#include "target-i386/sse-helper.h"

TCGv cpu_regs[16], cpu_eip, cpu_cc_dst, cpu_cc_src, cpu_cc_src2;
TCGv cpu_seg_base[6];
TCGv_i32 cpu_cc_op, cpu_df;

TCGv gen_call(DisasContext *s, void *fn, int flags, bool ret, int n,
              TCGv a0, TCGv a1, TCGv a2, TCGv a3)
{
    int args[6] = {s->env_ptr.idx, a0.idx, a1.idx, a2.idx, a3.idx};
    TCGv r = {-1};
    if (!ret) {
        tcg_gen_call(fn, flags & ~CALL_RET_TL, -1, n + 1, args);
        return r;
    }
    r = tmp();
    if (TL64 && !(flags & CALL_RET_TL)) {
        /* A uint32_t result: the upper half of RAX is not defined. */
        TCGv_i32 r32 = tcg_temp_new_i32();
        tcg_gen_call(fn, flags, r32.idx, n + 1, args);
        tcg_gen_extu_i32_tl(r, r32);
    } else {
        tcg_gen_call(fn, flags & ~CALL_RET_TL, r.idx, n + 1, args);
    }
    return r;
}

/* ---- code fetch ---- */

uint32_t insn_fetch(DisasContext *s, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size; i++) {
        v |= (uint32_t)x86_code_ldub(s->env, s->cs_base + s->pc) << (8 * i);
        s->pc++;
    }
    return v;
}

uint64_t insn_fetch64(DisasContext *s)
{
    uint64_t lo = insn_fetch(s, 4);
    return lo | (uint64_t)insn_fetch(s, 4) << 32;
}

/* ---- registers ---- */

/*
 * Register numbers: 0-15 (8-15 with REX).  Byte registers: 0-3 are AL..BL,
 * 4-7 AH..BH (no REX) and REG_LOW8(4..7) = 20-23 SPL..DIL (with REX).
 */
TCGv gen_ld_reg(int size, int r)
{
    TCGv t = tmp();
    if (size == 1 && r >= 4 && r < 8) {
        gen_extract(t, cpu_regs[r - 4], 8, 8);
    } else {
        gen_ext(t, cpu_regs[r & 15], size, false);
    }
    return t;
}

void gen_st_reg(int size, int r, TCGv v)
{
    if (size == 8) {
        tcg_gen_mov_tl(cpu_regs[r], v);
    } else if (size == 4) {
        /* A 32-bit write zero-extends into the 64-bit register. */
        gen_ext(cpu_regs[r], v, 4, false);
    } else if (size == 2) {
        tcg_gen_deposit_tl(cpu_regs[r], cpu_regs[r], v, 0, 16);
    } else if (r < 4 || r >= 8) {
        tcg_gen_deposit_tl(cpu_regs[r & 15], cpu_regs[r & 15], v, 0, 8);
    } else {
        tcg_gen_deposit_tl(cpu_regs[r - 4], cpu_regs[r - 4], v, 8, 8);
    }
}

/* ---- memory ---- */

TCGLabel *gen_stub(DisasContext *s, int vec)
{
    if (s->nb_stubs == MAX_STUBS) {
        return NULL;
    }
    TCGLabel *l = gen_new_label();
    s->stubs[s->nb_stubs].l = l;
    s->stubs[s->nb_stubs].eip = s->pc_start;
    s->stubs[s->nb_stubs].vec = vec;
    s->nb_stubs++;
    return l;
}

/*
 * Segment checks for an access of size bytes at offset off.  Protected
 * mode: what the segment's HF_SEG_SHIFT mode asks for (none for a flat
 * segment); real and V86 mode: the limit.
 */
void gen_check_seg(DisasContext *s, TCGv off, int seg, int size,
                   int asize, bool write)
{
    if (s->code64) {
        return;     /* no limits; canonical checks are the TLB fill's */
    }
    if (s->pe && !s->vm86) {
        int mode = (s->hflags >> (HF_SEG_SHIFT + 2 * seg)) & 3;
        if (mode == HF_SEGCHK_FULL) {
            gen_sync_eip(s);
            CALL2(s, helper_check_seg, off,
                  cst(seg | (write ? 0x100 : 0) |
                      (size < 16 ? size << 4 : size << 16)));
            return;
        }
        if (mode == 0) {
            return;
        }
        /* HF_SEGCHK_LIMIT (limit >= 3): the inline check below. */
    } else {
        /* 32-bit addressing (0x67) in real mode is checked too: offsets
         * above the limit (FFFF unless "unreal") fault. */
        bool real32 = asize == 4;
        if (!real32 && (asize != 2 || size == 1)) {
            return;
        }
    }
    TCGLabel *l = gen_stub(s, seg == R_SS ? EXCP0C_STACK : EXCP0D_GPF);
    if (!l) {
        return;
    }
    TCGv lim = tmp();
    tcg_gen_ld32u_tl(lim, offsetof(CPUX86State, segs[seg].limit));
    if (size > 4) {
        /* The limit may be below size - 1: compare the last byte, and
         * catch its wrap past 4 GiB. */
        TCGv last = tmp();
        gen_addi(last, off, size - 1);
        tcg_gen_brcond_tl(TCG_COND_GTU, last, lim, l);
        tcg_gen_brcond_tl(TCG_COND_LTU, last, off, l);
        return;
    }
    gen_addi(lim, lim, -(size - 1));
    tcg_gen_brcond_tl(TCG_COND_GTU, off, lim, l);
}

TCGv gen_linear(DisasContext *s, TCGv off, int seg)
{
    TCGv lin = tmp();
    if (seg == R_SS) {
        s->insn_ss |= X86_INSN_STACK;   /* gen_modrm_ea corrects it */
    }
    if (s->code64 && seg != R_FS && seg != R_GS) {
        tcg_gen_mov_tl(lin, off);       /* CS/DS/ES/SS bases are 0 */
        return lin;
    }
    tcg_gen_add_tl(lin, off, cpu_seg_base[seg]);
    if (TL64 && !s->code64) {
        gen_ext(lin, lin, 4, false);    /* 32-bit linear addresses */
    }
    return lin;
}

static MemOp size_memop(int size)
{
    return size == 1 ? MO_UB : size == 2 ? MO_UW : size == 4 ? MO_UL : MO_UQ;
}

TCGv gen_ld_mem(DisasContext *s, TCGv lin, int size)
{
    TCGv v = tmp();
    tcg_gen_qemu_ld_tl(v, lin, s->mmu_idx, size_memop(size));
    return v;
}

void gen_st_mem(DisasContext *s, TCGv lin, int size, TCGv v)
{
    tcg_gen_qemu_st_tl(v, lin, s->mmu_idx, size_memop(size));
}

/* Load/store at seg:off with the limit check (16-bit addressing). */
TCGv gen_ld_seg(DisasContext *s, TCGv off, int seg, int size,
                    int asize)
{
    gen_check_limit(s, off, seg, size, asize);
    return gen_ld_mem(s, gen_linear(s, off, seg), size);
}

void gen_st_seg(DisasContext *s, TCGv off, int seg, int size,
                int asize, TCGv v)
{
    gen_check_seg(s, off, seg, size, asize, true);
    gen_st_mem(s, gen_linear(s, off, seg), size, v);
}

/* ModRM effective address (SDM vol. 2, tables 2-1 and 2-2). */
void gen_modrm_ea(DisasContext *s)
{
    TCGv off = tmp();
    int seg = R_DS;
    s->ea_esp_base = false;
    if (s->aflag == 2) {
        static const int8_t base16[8] = {R_EBX, R_EBX, R_EBP, R_EBP, -1, -1,
                                         R_EBP, R_EBX};
        static const int8_t idx16[8] = {R_ESI, R_EDI, R_ESI, R_EDI, R_ESI,
                                        R_EDI, -1, -1};
        uint32_t disp = 0;
        if (s->mod == 0 && s->rm == 6) {
            disp = insn_fetch(s, 2);
            tcg_gen_movi_tl(off, disp);
        } else {
            if (s->mod == 1) {
                disp = (int8_t)insn_fetch(s, 1);
            } else if (s->mod == 2) {
                disp = insn_fetch(s, 2);
            }
            int b = base16[s->rm], i = idx16[s->rm];
            if (b >= 0 && i >= 0) {
                tcg_gen_add_tl(off, cpu_regs[b], cpu_regs[i]);
            } else {
                tcg_gen_mov_tl(off, cpu_regs[b >= 0 ? b : i]);
            }
            if (disp) {
                gen_addi(off, off, disp);
            }
            if (b == R_EBP) {
                seg = R_SS;
            }
        }
        tcg_gen_ext16u_tl(off, off);
    } else {
        /* 32- and 64-bit addressing; s->rm already has REX.B. */
        int base = s->rm, index = -1, scale = 0;
        target_ulong disp = 0;
        bool riprel = false;
        if ((base & 7) == 4) {
            int sib = insn_fetch(s, 1);
            scale = sib >> 6;
            index = ((sib >> 3) & 7) | s->rex_x;
            base = (sib & 7) | s->rex_b;
            if (index == 4) {
                index = -1;
            }
            if ((base & 7) == 5 && s->mod == 0) {
                base = -1;
                disp = (int32_t)insn_fetch(s, 4);
            }
        } else if ((base & 7) == 5 && s->mod == 0) {
            base = -1;
            disp = (int32_t)insn_fetch(s, 4);
            /* 64-bit mode: relative to the next instruction (SDM 2.2.1.6). */
            riprel = s->code64;
        }
        if (s->mod == 1) {
            disp = (int8_t)insn_fetch(s, 1);
        } else if (s->mod == 2) {
            disp = (int32_t)insn_fetch(s, 4);
        }
        if (riprel) {
            disp += s->pc + s->rip_offset;
        }
        tcg_gen_movi_tl(off, disp);
        if (base >= 0) {
            tcg_gen_add_tl(off, off, cpu_regs[base]);
            if (base == R_ESP || base == R_EBP) {
                seg = R_SS;
            }
            s->ea_esp_base = base == R_ESP;
        }
        if (index >= 0) {
            TCGv t = tmp();
            tcg_gen_shl_tl(t, cpu_regs[index], cst(scale));
            tcg_gen_add_tl(off, off, t);
        }
        if (TL64 && s->aflag == 4) {
            gen_ext(off, off, 4, false);    /* 32-bit address wraps */
        }
    }
    if (s->prefix_seg >= 0) {
        seg = s->prefix_seg;
    }
    s->ea_off = off;
    s->ea_seg = seg;
    int ss_before = s->insn_ss;
    s->ea_lin = gen_linear(s, off, seg);
    if (seg == R_SS) {
        s->insn_ss = ss_before | X86_INSN_SS_EA;
    }
}

/* ---- operands ---- */

TCGv gen_ld_op(DisasContext *s, Operand *o)
{
    switch (o->am) {
    case A_E:
    case A_M:
    case A_O:
        if (o->mem) {
            gen_check_limit(s, s->ea_off, s->ea_seg, o->size, s->aflag);
            return gen_ld_mem(s, s->ea_lin, o->size);
        }
        return gen_ld_reg(o->size, o->reg);
    case A_G:
    case A_Z:
    case A_REG:
    case A_R:
        return gen_ld_reg(o->size, o->reg);
    case A_I:
    case A_IS:
    case A_J:
    case A_ONE:
        return cst_tl(o->imm);
    case A_S:
    case A_SEG: {
        TCGv t = tmp();
        tcg_gen_ld32u_tl(t, offsetof(CPUX86State, segs[o->reg].selector));
        return t;
    }
    default:
        return cst(0);
    }
}

void gen_st_op(DisasContext *s, Operand *o, TCGv v)
{
    if (o->mem) {
        gen_check_seg(s, s->ea_off, s->ea_seg, o->size, s->aflag, true);
        gen_st_mem(s, s->ea_lin, o->size, v);
    } else {
        gen_st_reg(o->size, o->reg, v);
    }
}

/* ---- lazy flags ---- */

static inline int size_idx(int size)
{
    return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

void gen_set_cc(DisasContext *s, int base, int size, TCGv dst,
                TCGv src)
{
    tcg_gen_mov_tl(cpu_cc_dst, dst);
    if (src.idx >= 0) {
        tcg_gen_mov_tl(cpu_cc_src, src);
    }
    gen_set_cc_op(s, base + size_idx(size));
}

/* The six arithmetic flags, computed now. */
TCGv gen_compute_eflags(DisasContext *s)
{
    if (s->cc_op == CC_OP_EFLAGS) {
        TCGv t = tmp();
        tcg_gen_mov_tl(t, cpu_cc_src);
        return t;
    }
    TCGv r = tmp();
    int args[4] = {cpu_cc_op.idx, cpu_cc_dst.idx, cpu_cc_src.idx,
                   cpu_cc_src2.idx};
    tcg_gen_call((void *)helper_cc_all, TCG_CALL_PURE, r.idx, 4, args);
    return r;
}

void gen_set_eflags_cc(DisasContext *s, TCGv flags)
{
    tcg_gen_mov_tl(cpu_cc_src, flags);
    gen_set_cc_op(s, CC_OP_EFLAGS);
}

TCGv gen_compute_cf(DisasContext *s)
{
    TCGv t = tmp();
    if (cc_op_is(s->cc_op, CC_OP_SUBB)) {
        int size = cc_op_size(s->cc_op);
        TCGv a = tmp(), b = tmp();
        tcg_gen_add_tl(a, cpu_cc_dst, cpu_cc_src);
        gen_ext(a, a, size, false);
        gen_ext(b, cpu_cc_src, size, false);
        tcg_gen_setcond_tl(TCG_COND_LTU, t, a, b);
        return t;
    }
    if (cc_op_is(s->cc_op, CC_OP_LOGICB)) {
        tcg_gen_movi_tl(t, 0);
        return t;
    }
    if (cc_op_is(s->cc_op, CC_OP_ADDB)) {
        /* Carry out of dst = a + src: dst < src. */
        int size = cc_op_size(s->cc_op);
        TCGv a = tmp(), b = tmp();
        gen_ext(a, cpu_cc_dst, size, false);
        gen_ext(b, cpu_cc_src, size, false);
        tcg_gen_setcond_tl(TCG_COND_LTU, t, a, b);
        return t;
    }
    if ((cc_op_is(s->cc_op, CC_OP_INCB) || cc_op_is(s->cc_op, CC_OP_DECB))) {
        gen_andi(t, cpu_cc_src, CC_C);          /* CF before INC/DEC */
        return t;
    }
    gen_andi(t, gen_compute_eflags(s), CC_C);
    return t;
}

/*
 * Condition c (cc >> 1, not inverted) as "a cond b" when the lazy state
 * allows it without EFLAGS (for Jcc: one brcond); false (nothing emitted)
 * otherwise.
 */
bool gen_cc_test(DisasContext *s, int c, TCGCond *cond, TCGv *a,
                 TCGv *b)
{
    static const TCGCond sub_conds[8] = {
        TCG_COND_NEVER, TCG_COND_LTU, TCG_COND_EQ, TCG_COND_LEU,
        TCG_COND_LT, TCG_COND_NEVER, TCG_COND_LT, TCG_COND_LE,
    };
    int op = s->cc_op, size;
    if (cc_op_is(op, CC_OP_SUBB) && c != 0 && c != 5 &&
        c != 2 && c != 4) {
        bool sign = c == 6 || c == 7;
        size = cc_op_size(op);
        *a = tmp();
        *b = tmp();
        tcg_gen_add_tl(*a, cpu_cc_dst, cpu_cc_src);
        gen_ext(*a, *a, size, sign);
        gen_ext(*b, cpu_cc_src, size, sign);
        *cond = sub_conds[c];
        return true;
    }
    if (cc_op_is(op, CC_OP_LOGICB) && c >= 2 && c != 5) {
        size = cc_op_size(op);
        *cond = c == 2 || c == 3 ? TCG_COND_EQ
                : c == 7 ? TCG_COND_LE : TCG_COND_LT;
    } else if (op >= CC_OP_ADDB && op < CC_OP_NB && (c == 2 || c == 4)) {
        size = cc_op_size(op);
        *cond = c == 2 ? TCG_COND_EQ : TCG_COND_LT;
    } else if (cc_op_is(op, CC_OP_ADDB) && c == 1) {
        size = cc_op_size(op);
        *a = tmp();
        *b = tmp();
        gen_ext(*a, cpu_cc_dst, size, false);
        gen_ext(*b, cpu_cc_src, size, false);
        *cond = TCG_COND_LTU;
        return true;
    } else {
        return false;
    }
    *a = tmp();
    gen_ext(*a, cpu_cc_dst, size, true);
    *b = cst(0);
    return true;
}

/* d = condition cc (0..15, SDM appendix B.1) ? 1 : 0 */
void gen_setcc(DisasContext *s, int cc, TCGv d)
{
    int inv = cc & 1, c = cc >> 1;
    int op = s->cc_op;
    if (cc_op_is(op, CC_OP_SUBB) && c != 0 && c != 5) {
        int size = cc_op_size(op);
        TCGv a = tmp(), b = tmp(), r = tmp();
        tcg_gen_add_tl(a, cpu_cc_dst, cpu_cc_src);
        bool sign = c == 6 || c == 7;
        gen_ext(a, a, size, sign);
        gen_ext(b, cpu_cc_src, size, sign);
        gen_ext(r, cpu_cc_dst, size, true);
        static const TCGCond conds[8] = {
            TCG_COND_NEVER, TCG_COND_LTU, TCG_COND_EQ, TCG_COND_LEU,
            TCG_COND_LT, TCG_COND_NEVER, TCG_COND_LT, TCG_COND_LE,
        };
        if (c == 2) {
            tcg_gen_setcond_tl(TCG_COND_EQ, d, r, cst(0));
        } else if (c == 4) {
            tcg_gen_setcond_tl(TCG_COND_LT, d, r, cst(0));
        } else {
            tcg_gen_setcond_tl(conds[c], d, a, b);
        }
    } else if (cc_op_is(op, CC_OP_LOGICB)) {
        int size = cc_op_size(op);
        TCGv r = tmp();
        gen_ext(r, cpu_cc_dst, size, true);
        switch (c) {
        case 0: case 1: tcg_gen_movi_tl(d, 0); break;          /* O, B */
        case 2: case 3:                                          /* Z, BE */
            tcg_gen_setcond_tl(TCG_COND_EQ, d, r, cst(0));
            break;
        case 4: case 6:                                          /* S, L */
            tcg_gen_setcond_tl(TCG_COND_LT, d, r, cst(0));
            break;
        case 7:                                                  /* LE */
            tcg_gen_setcond_tl(TCG_COND_LE, d, r, cst(0));
            break;
        default: {                                               /* P */
            TCGv f = gen_compute_eflags(s);
            gen_extract(d, f, 2, 1);
        }
        }
    } else if (c == 1 && ((cc_op_is(op, CC_OP_ADDB)) ||
                          (cc_op_is(op, CC_OP_INCB) || cc_op_is(op, CC_OP_DECB)))) {
        tcg_gen_mov_tl(d, gen_compute_cf(s));
    } else if (op >= CC_OP_ADDB && op < CC_OP_NB && (c == 2 || c == 4)) {
        /* ZF and SF come from the result for every lazy op. */
        int size = cc_op_size(op);
        TCGv r = tmp();
        gen_ext(r, cpu_cc_dst, size, true);
        tcg_gen_setcond_tl(c == 2 ? TCG_COND_EQ : TCG_COND_LT, d, r, cst(0));
    } else {
        TCGv f = gen_compute_eflags(s);
        TCGv t = tmp();
        switch (c) {
        case 0: gen_extract(d, f, 11, 1); break;
        case 1: gen_andi(d, f, 1); break;
        case 2: gen_extract(d, f, 6, 1); break;
        case 3:
            gen_andi(t, f, CC_C | CC_Z);
            tcg_gen_setcond_tl(TCG_COND_NE, d, t, cst(0));
            break;
        case 4: gen_extract(d, f, 7, 1); break;
        case 5: gen_extract(d, f, 2, 1); break;
        case 6:
        case 7:
            tcg_gen_shr_tl(t, f, cst(4));      /* OF (bit 11) to bit 7 */
            tcg_gen_xor_tl(t, t, f);
            gen_extract(d, t, 7, 1);
            if (c == 7) {
                gen_extract(t, f, 6, 1);
                tcg_gen_or_tl(d, d, t);
            }
            break;
        }
    }
    if (inv) {
        tcg_gen_xor_tl(d, d, cst(1));
    }
}

/* ---- block exits ---- */

/* Go to eip (the next instruction, a REP loop): wraps with the code size. */
void gen_jmp_tb(DisasContext *s, target_ulong eip, int slot)
{
    if (!s->code32) {
        eip &= 0xffff;
    } else if (TL64 && !CODE64(s)) {
        eip = (uint32_t)eip;
    }
    target_ulong target = s->cs_base + eip;
    if (!s->end_after_next && !(s->hflags & HF_TF) &&
        (target & ~(target_ulong)0xfff) == (s->tb_start & ~(target_ulong)0xfff)) {
        tcg_gen_goto_tb(slot);
        tcg_gen_movi_tl(cpu_eip, eip);
        tcg_gen_exit_tb(s->tb_id | slot);
    } else if (!s->end_after_next && !(s->hflags & HF_TF)) {
        /* Another page: through the jump cache, not the exec loop. */
        tcg_gen_movi_tl(cpu_eip, eip);
        tcg_gen_lookup_and_goto_ptr();
    } else {
        tcg_gen_movi_tl(cpu_eip, eip);
        tcg_gen_exit_tb(0);
    }
    s->done = true;
}

/*
 * A taken near JMP/CALL/Jcc/LOOP: with a 16-bit operand size the upper
 * half of EIP is cleared (SDM vol. 2, JMP and Jcc, "Operation").
 */
void gen_jmp_rel(DisasContext *s, target_ulong eip, int slot)
{
    if (CODE64(s) && (uint64_t)(((int64_t)eip >> 47) + 1) > 1) {
        gen_exception(s, EXCP0D_GPF);  /* a non-canonical target */
        return;
    }
    gen_jmp_tb(s, s->dflag == 2 ? eip & 0xffff : eip, slot);
}

/*
 * 64-bit mode: a near branch to a non-canonical target is #GP(0) at the
 * branch, with nothing changed (SDM vol. 2, JMP/CALL/RET "64-bit mode
 * exceptions"), not a fetch fault at the target.  target is the new RIP.
 */
void gen_check_branch_target(DisasContext *s, TCGv target)
{
    if (!CODE64(s)) {
        return;
    }
    TCGLabel *bad = gen_stub(s, EXCP0D_GPF);
    if (bad) {
        TCGv t = tmp();
        tcg_gen_sari_tl(t, target, 47);
        tcg_gen_addi_tl(t, t, 1);
        tcg_gen_brcondi_tl(TCG_COND_GTU, t, 1, bad);
    }
}

/* eip already in env (indirect branch). */
void gen_jmp_indirect(DisasContext *s)
{
    if (s->end_after_next || (s->hflags & HF_TF)) {
        tcg_gen_exit_tb(0);
    } else {
        tcg_gen_lookup_and_goto_ptr();
    }
    s->done = true;
}

/* Leave to the exec loop with eip = next instruction. */
void gen_exit_next(DisasContext *s)
{
    tcg_gen_movi_tl(cpu_eip, s->pc);
    tcg_gen_exit_tb(0);
    s->done = true;
}

void gen_exception(DisasContext *s, int vec)
{
    gen_sync_eip(s);
    CALL1(s, helper_raise, cst(vec));
    tcg_gen_exit_tb(0);
    s->done = true;
}

void gen_unimp(DisasContext *s)
{
    log_unimp_once("x86: opcode %s%02x%s not supported (raising #UD)",
                   s->opcode >= 0x100 ? "0f " : "", s->opcode & 0xff,
                   (s->e && (s->e->flags & DF_GROUP)) ? " (group)" : "");
    gen_exception(s, EXCP06_ILLOP);
}

/* ---- stack ---- */

TCGv gen_sp_off(DisasContext *s, int delta)
{
    TCGv sp = tmp();
    gen_addi(sp, cpu_regs[R_ESP], delta);
    gen_ext(sp, sp, s->ssize, false);
    return sp;
}

void gen_set_sp(DisasContext *s, TCGv sp)
{
    gen_st_reg(s->ssize, R_ESP, sp);
}

void gen_push(DisasContext *s, TCGv v, int size)
{
    TCGv sp = gen_sp_off(s, -size);
    gen_st_seg(s, sp, R_SS, size, s->ssize, v);
    gen_set_sp(s, sp);
}

/* Pop: returns the value; *newsp gets SP after the pop (not written). */
TCGv gen_pop(DisasContext *s, int size, TCGv *newsp)
{
    TCGv sp = gen_sp_off(s, 0);
    TCGv v = gen_ld_seg(s, sp, R_SS, size, s->ssize);
    *newsp = gen_sp_off(s, size);
    return v;
}

/* ---- segment loads ---- */

void gen_load_seg(DisasContext *s, int seg, TCGv sel)
{
    if (s->pe && !s->vm86) {
        gen_sync_eip(s);
        CALL2(s, helper_load_seg, cst(seg), sel);
        if (seg == R_SS) {
            s->exit_after = true;    /* SS32 may have changed */
        } else {
            s->seg_loaded = true;
        }
    } else {
        TCGv t = tmp();
        tcg_gen_ext16u_tl(t, sel);
        tcg_gen_st32_tl(t, offsetof(CPUX86State, segs[seg].selector));
        tcg_gen_shl_tl(cpu_seg_base[seg], t, cst(4));
    }
    if (seg == R_SS) {
        s->end_after_next = true;
    }
}

/* ---- the instruction ---- */

static bool needs_modrm(const X86OpEntry *e)
{
    if (e->flags & DF_MODRM) {
        return true;
    }
    for (int i = 0; i < 3; i++) {
        switch (e->op[i].am) {
        case A_E: case A_G: case A_M: case A_R: case A_S: case A_C: case A_D:
            return true;
        }
    }
    return false;
}

static int op_size(DisasContext *s, int sz)
{
    switch (sz) {
    case S_B: return 1;
    case S_W: return 2;
    case S_D: return 4;
    case S_V: case S_Z: case S_A: return s->dflag;
    case S_Q: return 8;
    case S_P: return s->dflag + 2;
    default: return 0;
    }
}

/* Decode the operands an entry names; false: #UD. */
/* Bytes of the immediate an operand fetches (0: none). */
static int imm_bytes(DisasContext *s, const X86Operand *d)
{
    switch (d->am) {
    case A_I: {
        int size = op_size(s, d->size);
        /* Only MOV r64, imm64 (Iv) has an 8-byte immediate; Iz is 4. */
        return size == 8 && d->size != S_V ? 4 : size;
    }
    case A_IS:
        return 1;
    default:
        return 0;
    }
}

static bool decode_operands(DisasContext *s, const X86OpEntry *e)
{
    bool ea_done = false;
    s->rip_offset = 0;
    if (CODE64(s)) {
        for (int i = 0; i < 3; i++) {
            s->rip_offset += imm_bytes(s, &e->op[i]);
        }
    }
    for (int i = 0; i < 3; i++) {
        const X86Operand *d = &e->op[i];
        Operand *o = &s->op[i];
        memset(o, 0, sizeof(*o));
        o->am = d->am;
        o->size = op_size(s, d->size);
        o->reg = d->reg;
        switch (d->am) {
        case A_NONE:
            break;
        case A_E:
        case A_M:
        case A_R:
            if (s->mod == 3) {
                if (d->am == A_M) {
                    return false;
                }
                o->reg = s->rm;
            } else {
                if (d->am == A_R) {
                    o->reg = s->rm;      /* MOV CR: mod is ignored */
                    break;
                }
                o->mem = true;
                if (!ea_done) {
                    gen_modrm_ea(s);
                    ea_done = true;
                }
            }
            break;
        case A_G:
            o->reg = s->reg;
            break;
        case A_S:
            o->reg = s->reg & 7;        /* REX.R is ignored */
            if (o->reg > R_GS) {
                return false;
            }
            break;
        case A_C:
        case A_D:
            o->reg = s->reg;
            break;
        case A_Z:
            o->reg = (s->opcode & 7) | s->rex_b;
            break;
        case A_I: {
            int n = imm_bytes(s, d);
            if (n == 8) {
                o->imm = insn_fetch64(s);
            } else if (o->size == 8) {
                o->imm = (target_long)(int32_t)insn_fetch(s, 4);
            } else {
                o->imm = insn_fetch(s, n);
            }
            break;
        }
        case A_IS:
            o->imm = (target_long)(int8_t)insn_fetch(s, 1);
            if (o->size == 2) {
                o->imm &= 0xffff;
            } else if (o->size == 4) {
                o->imm = (uint32_t)o->imm;
            }
            break;
        case A_J:
            if (o->size == 1) {
                o->imm = (target_long)(int8_t)insn_fetch(s, 1);
            } else if (o->size == 2) {
                o->imm = (target_long)(int16_t)insn_fetch(s, 2);
            } else {
                /* rel32: sign-extended in 64-bit mode */
                o->imm = (target_long)(int32_t)insn_fetch(s, 4);
            }
            break;
        case A_ONE:
            o->imm = 1;
            break;
        case A_O: {
            target_ulong off = s->aflag == 8 ? insn_fetch64(s)
                                             : insn_fetch(s, s->aflag);
            o->mem = true;
            s->ea_off = tmp();
            tcg_gen_movi_tl(s->ea_off, off);
            s->ea_seg = s->prefix_seg >= 0 ? s->prefix_seg : R_DS;
            s->ea_lin = gen_linear(s, s->ea_off, s->ea_seg);
            break;
        }
        case A_AP:
            o->imm = insn_fetch(s, s->dflag == 8 ? 4 : s->dflag);
            o->imm2 = insn_fetch(s, 2);
            break;
        }
        /* With REX, byte registers 4-7 are SPL..DIL, not AH..BH. */
        if (TL64 && s->has_rex && o->size == 1 && !o->mem &&
            (d->am == A_E || d->am == A_G || d->am == A_Z) &&
            o->reg >= 4 && o->reg < 8) {
            o->reg = REG_LOW8(o->reg);
        }
    }
    return true;
}

/*
 * LOCK is legal only on these, with a memory destination (SDM LOCK).
 * Before the 386 any instruction took it: a CPU model of family < 3 (the
 * 286 test-vector runner, which sets no model) keeps that.
 */
static bool lock_ok(DisasContext *s, const X86OpEntry *e)
{
    if (((s->env->cpuid_version >> 8) & 0xf) < 3) {
        return true;
    }
    if (!s->op[0].mem) {
        return false;
    }
    switch (e->mnem) {
    case M_ALU:
        return e->extra != OP_CMP;
    case M_BT:
        return e->extra != 0;
    case M_INC: case M_DEC: case M_NOT: case M_NEG: case M_XCHG:
    case M_CMPXCHG: case M_XADD: case M_CMPXCHG8B:
        return true;
    default:
        return false;
    }
}

/* Far pointer at the memory operand: offset, then selector. */
void gen_ld_farptr(DisasContext *s, TCGv *off, TCGv *sel)
{
    gen_check_limit(s, s->ea_off, s->ea_seg, s->dflag + 2, s->aflag);
    *off = gen_ld_mem(s, s->ea_lin, s->dflag);
    TCGv a = tmp();
    gen_addi(a, s->ea_lin, s->dflag);
    *sel = gen_ld_mem(s, a, 2);
}

/* Opcodes the tables leave empty: #UD, logged once. */
void gen_INVALID(DisasContext *s, const X86OpEntry *e)
{
    gen_unimp(s);
}

/* UD2, UD1: #UD by definition. */
void gen_UD(DisasContext *s, const X86OpEntry *e)
{
    gen_exception(s, EXCP06_ILLOP);
}

static void disas_insn_body(DisasContext *s);

/*
 * Decode and translate one instruction at s->pc.  The 64-bit build records
 * in the insn_start op whether it touched memory through SS: a
 * non-canonical stack address is #SS there, not #GP (the TLB fill finds
 * the flag through restore_state_to_opc).
 */
static void disas_insn(DisasContext *s)
{
    s->insn_ss = 0;
    if (TL64) {
        s->insn_start_idx = tcg_ctx->nb_ops;
        tcg_gen_insn_start2(s->pc, 0);
    } else {
        tcg_gen_insn_start(s->pc);
    }
    disas_insn_body(s);
    if (TL64 && s->insn_ss && s->insn_start_idx < tcg_ctx->nb_ops) {
        tcg_ctx->ops[s->insn_start_idx].args[1] = s->insn_ss;
    }
}

static void disas_insn_body(DisasContext *s)
{
    s->pc_start = s->pc;
    s->prefix_seg = -1;
    s->rep = 0;
    s->lock = false;
    s->sse_prefix = 0;
    s->has66 = false;
    s->has_rex = s->rex_w = false;
    s->rex_r = s->rex_x = s->rex_b = 0;
    s->rip_offset = 0;
    s->dflag = s->code32 ? 4 : 2;
    s->aflag = CODE64(s) ? 8 : s->code32 ? 4 : 2;
    s->e = NULL;

    int b;
    bool a32 = false;
    for (;;) {
        if (s->pc - s->pc_start >= 15) {
            /* Too long (SDM 2.3.11): #GP.  The 286 raised #GP beyond 10
             * bytes (docs/devel/translator.md, 80286 vectors). */
            gen_exception(s, EXCP0D_GPF);
            return;
        }
        b = insn_fetch(s, 1);
        if (CODE64(s) && (b & 0xf0) == 0x40) {
            /* REX: counts only right before the opcode (a prefix after
             * it cancels it, SDM 2.2.1). */
            s->has_rex = true;
            s->rex_w = b & 8;
            s->rex_r = (b & 4) << 1;
            s->rex_x = (b & 2) << 2;
            s->rex_b = (b & 1) << 3;
            continue;
        }
        if (s->has_rex && (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e ||
                           b == 0x64 || b == 0x65 || b == 0x66 || b == 0x67 ||
                           b == 0xf0 || b == 0xf2 || b == 0xf3)) {
            s->has_rex = s->rex_w = false;
            s->rex_r = s->rex_x = s->rex_b = 0;
        }
        switch (b) {
        case 0x26: case 0x2e: case 0x36: case 0x3e:
            /* 64-bit mode: ES, CS, SS and DS overrides are no-ops. */
            if (!CODE64(s)) {
                s->prefix_seg = b == 0x26 ? R_ES : b == 0x2e ? R_CS
                                : b == 0x36 ? R_SS : R_DS;
            }
            continue;
        case 0x64: s->prefix_seg = R_FS; continue;
        case 0x65: s->prefix_seg = R_GS; continue;
        case 0x66: s->dflag = s->code32 ? 2 : 4; s->has66 = true; continue;
        case 0x67: a32 = true; continue;
        case 0xf0: s->lock = true; continue;
        case 0xf2: s->rep = 2; s->sse_prefix = 0xf2; continue;
        case 0xf3: s->rep = 3; s->sse_prefix = 0xf3; continue;
        }
        break;
    }
    if (a32) {
        s->aflag = CODE64(s) ? 4 : s->code32 ? 2 : 4;
    }
    if (s->rex_w) {
        s->dflag = 8;                   /* REX.W wins over 0x66 */
    }
    const X86OpEntry *e;
    if (b == 0x0f) {
        b = insn_fetch(s, 1);
        s->opcode = 0x100 | b;
        e = &x86_opcodes_0f[b];
        /* The mandatory prefix: F2/F3 (the last one) over 66. */
        int pfx = s->sse_prefix ? s->sse_prefix : s->has66 ? 0x66 : 0;
        if (sse_opcode_known(pfx, b)) {
            s->e = NULL;
            gen_sse(s, pfx, b);
            return;
        }
    } else {
        s->opcode = b;
        e = &x86_opcodes[b];
    }
    s->e = e;
    if (needs_modrm(e)) {
        s->modrm = insn_fetch(s, 1);
        s->mod = s->modrm >> 6;
        s->reg = ((s->modrm >> 3) & 7) | s->rex_r;
        s->rm = (s->modrm & 7) | s->rex_b;
        if (e->flags & DF_GROUP) {
            e = &x86_groups[e->extra][s->reg & 7];
            s->e = e;
        }
    }
    if (CODE64(s)) {
        e = x86_64_entry(s, e);
        s->e = e;
        if (!e) {
            gen_exception(s, EXCP06_ILLOP);
            return;
        }
    }
    if (e->mnem == M_INVALID) {
        gen_INVALID(s, e);
        return;
    }
    if (e->mnem == M_FPU) {
        if (s->mod != 3) {
            gen_modrm_ea(s);
        }
        if (s->lock && !lock_ok(s, e)) {
            gen_exception(s, EXCP06_ILLOP);
            return;
        }
        e->gen(s, e);
        return;
    }
    if (!decode_operands(s, e)) {
        gen_exception(s, EXCP06_ILLOP);
        return;
    }
    if (s->lock && !lock_ok(s, e)) {
        gen_exception(s, EXCP06_ILLOP);
        return;
    }
    /* REP applies to the string instructions only; others ignore it. */
    if (!((e->mnem >= M_MOVS && e->mnem <= M_SCAS) || e->mnem == M_INS ||
          e->mnem == M_OUTS)) {
        s->rep = 0;
    }
    e->gen(s, e);
}

static bool translate_inited;

FE_EXPORT void x86_translate_init(void)
{
    static const char *const names[16] = {
        "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    static const char *const seg_names[6] = {"es_base", "cs_base", "ss_base",
                                             "ds_base", "fs_base", "gs_base"};
    for (int i = 0; i < (TL64 ? 16 : 8); i++) {
        cpu_regs[i] = tcg_global_mem_new_tl(
            offsetof(CPUX86State, regs[i]), names[i]);
    }
    cpu_eip = tcg_global_mem_new_tl(offsetof(CPUX86State, eip), "eip");
    cpu_cc_op = tcg_global_mem_new_i32(offsetof(CPUX86State, cc_op), "cc_op");
    cpu_cc_dst = tcg_global_mem_new_tl(offsetof(CPUX86State, cc_dst),
                                        "cc_dst");
    cpu_cc_src = tcg_global_mem_new_tl(offsetof(CPUX86State, cc_src),
                                        "cc_src");
    cpu_cc_src2 = tcg_global_mem_new_tl(offsetof(CPUX86State, cc_src2),
                                         "cc_src2");
    cpu_df = tcg_global_mem_new_i32(offsetof(CPUX86State, df), "df");
    for (int i = 0; i < 6; i++) {
        cpu_seg_base[i] = tcg_global_mem_new_tl(
            offsetof(CPUX86State, segs[i].base), seg_names[i]);
    }
    translate_inited = true;
}

FE_EXPORT uint32_t x86_translate_block(CPUX86State *env, uintptr_t tb_id,
                                       uint64_t cs_base, uint64_t eip,
                                       uint32_t hflags, int max_insns,
                                       int *ninsns)
{
    DisasContext ds, *s = &ds;
    memset(s, 0, sizeof(*s));
    assert(translate_inited);
    s->env = env;
    s->tb_id = tb_id;
    s->cs_base = cs_base;
    s->pc = eip;
    s->tb_start = cs_base + eip;
    s->hflags = hflags;
    s->cpl = hflags & HF_CPL_MASK;
    s->pe = hflags & HF_PE;
    s->vm86 = hflags & HF_VM;
    s->code32 = hflags & HF_CS32;
    s->ss32 = hflags & HF_SS32;
    s->code64 = TL64 && (hflags & HF_CS64);
    s->ssize = s->code64 ? 8 : s->ss32 ? 4 : 2;
    s->mmu_idx = s->cpl == 3 ? 1 : 0;
    s->cc_op = CC_DYNAMIC;

    tcg_func_start(tcg_ctx);
    s->env_ptr = tcg_env;

    /* A kick, a pending interrupt or a flush makes the block leave at
     * once (chained blocks never pass through the exec loop). */
    TCGLabel *exit_req = gen_new_label();
    TCGv_i32 t = tcg_temp_new_i32();
    tcg_gen_ld_i32(t, offsetof(CPUX86State, exit_request));
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, exit_req);

    int n = 0;
    if (hflags & HF_TF) {
        max_insns = 1;
    }
    /* The debugger's breakpoints (emu/cpu-debug.h): the block stops before
     * an instruction that has one; a block that starts on one only calls
     * the helper that stops the machine (one byte long, so that the code
     * cache still sees a block there).  Changing them flushes the cache. */
    const CPUState *cpu = container_of(env, CPUState, env);
    bool debug_bps = unlikely(cpu->debug.nbp > 0);
    for (;;) {
        bool last = s->end_after_next;
        /* Linear addresses wrap at 4 GiB outside 64-bit code. */
        if (debug_bps &&
            cpu_debug_bp_at(cpu, s->code64 ? cs_base + s->pc
                                           : (uint32_t)(cs_base + s->pc))) {
            if (n > 0) {
                gen_jmp_tb(s, s->pc, 0);
                break;
            }
            tcg_gen_movi_tl(cpu_eip, s->pc);
            CALL0(s, helper_debug_bp);
            tcg_gen_exit_tb(0);
            s->done = true;
            s->pc++;
            n++;
            break;
        }
        disas_insn(s);
        n++;
        if (s->exit_after && !s->done) {
            /* The loop sees the inhibit and skips one interrupt check. */
            t = tcg_temp_new_i32();
            tcg_gen_ld_i32(t, offsetof(CPUX86State, hflags));
            tcg_gen_ori_i32(t, t, HF_INHIBIT_IRQ);
            tcg_gen_st_i32(t, offsetof(CPUX86State, hflags));
            gen_exit_next(s);
        }
        if (s->seg_loaded && !s->done) {
            /* The block's checks are those of the old segment's mode:
             * leave if the load changed it. */
            TCGLabel *same = gen_new_label();
            t = tcg_temp_new_i32();
            tcg_gen_ld_i32(t, offsetof(CPUX86State, hflags));
            tcg_gen_xori_i32(t, t, hflags);
            tcg_gen_andi_i32(t, t, HF_SEG_MASK);
            tcg_gen_brcondi_i32(TCG_COND_EQ, t, 0, same);
            tcg_gen_movi_tl(cpu_eip, s->pc);
            tcg_gen_exit_tb(0);
            gen_set_label(same);
        }
        s->seg_loaded = false;
        if (s->done) {
            break;
        }
        if (last || n >= max_insns || tcg_ctx->overflow ||
            tcg_ctx->nb_ops > TCG_MAX_OPS - 160 ||
            s->nb_stubs > MAX_STUBS - 6 ||
            tcg_ctx->nb_labels > TCG_MAX_LABELS - 12 ||
            ((cs_base + s->pc) & ~(target_ulong)0xfff) !=
                (s->tb_start & ~(target_ulong)0xfff)) {
            if (last) {
                s->end_after_next = true;   /* no chaining */
            }
            gen_jmp_tb(s, s->pc, 0);
            break;
        }
    }
    gen_set_label(exit_req);
    tcg_gen_movi_tl(cpu_eip, eip);
    tcg_gen_exit_tb(0);
    for (int i = 0; i < s->nb_stubs; i++) {
        gen_set_label(s->stubs[i].l);
        tcg_gen_movi_tl(cpu_eip, s->stubs[i].eip);
        TCGv vec = cst(s->stubs[i].vec);
        int args[2] = {s->env_ptr.idx, vec.idx};
        tcg_gen_call((void *)helper_raise, 0, -1, 2, args);
        tcg_gen_exit_tb(0);
    }
    *ninsns = n;
    return s->pc - eip;
}
