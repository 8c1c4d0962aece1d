/*
 * The SSE data moves, and the few bitwise and compare operations glibc's
 * amd64 string functions run in their loops, as inline IR instead of a
 * helper call: a 16-byte operand is two 8-byte qemu_ld/st on the TLB fast
 * path, an XMM register two i64 fields of env->xmm[] (SDM vol. 2, the
 * MOVUPS ... PMOVMSKB entries).  Everything else, and these forms whenever
 * an exception check below is not decided here, keeps the helper of
 * translate-sse.c, which is the reference.
 *
 * Exceptions (vol. 3, 13.1 and the entries' SIMD exception tables):
 *  - #UD (CR0.EM, !CR4.OSFXSR) and #NM (CR0.TS) are decided at translation
 *    time: the block's flags carry HF_SSE_ON, which x86_update_hflags sets
 *    only when none of them applies, so a block translated with it is never
 *    reused after CR0/CR4 change.  Without it the helper raises them.
 *  - #GP(0) for a misaligned operand of the aligned forms (MOVAPS, MOVDQA,
 *    MOVNT*, and the 16-byte operands of the arithmetic forms): a run-time
 *    test branching to the block's exception stub.
 *  - Page faults: a load reads both halves into temps before writing the
 *    register, so a fault in either leaves it unchanged.  An 8-byte store
 *    that crosses a page is checked on both pages by the slow path before
 *    either is written (accel/tcg/softmmu.c); a 16-byte store is two 8-byte
 *    stores, so one that crosses a page (offset in the page above 0xff0)
 *    takes the helper, which probes the second page first.
 *  - Segment checks: inline only where the segment needs none (64-bit mode,
 *    or a flat protected-mode segment, HF_SEG mode 0); else the helper.
 */
#include "target-i386/translate-internal.h"
#include "target-i386/sse-helper.h"

#define XMM_Q(r, h) ((int)offsetof(CPUX86State, xmm[r].q[h]))

static TCGv_i64 xmm_ld(int r, int h)
{
    TCGv_i64 t = tcg_temp_new_i64();
    tcg_gen_ld_i64(t, XMM_Q(r, h));
    return t;
}

static void xmm_st(int r, int h, TCGv_i64 v)
{
    tcg_gen_st_i64(v, XMM_Q(r, h));
}

static void xmm_zero_hi(int r)
{
    xmm_st(r, 1, tcg_constant_i64(0));
}

static TCGv_i64 mem_ld(DisasContext *s, TCGv lin, MemOp op)
{
    TCGv_i64 v = tcg_temp_new_i64();
    tcg_gen_qemu_ld_tl_i64(v, lin, s->mmu_idx, op);
    return v;
}

static void mem_st(DisasContext *s, TCGv lin, MemOp op, TCGv_i64 v)
{
    tcg_gen_qemu_st_tl_i64(v, lin, s->mmu_idx, op);
}

/* The address of the operand's upper 8 bytes: it wraps at 4 GiB outside
 * 64-bit mode, as every linear address there. */
static TCGv addr_hi(DisasContext *s, TCGv lin)
{
    TCGv a = tmp();
    gen_addi(a, lin, 8);
    if (TL64 && !CODE64(s)) {
        gen_ext(a, a, 4, false);
    }
    return a;
}

/* #GP(0) unless lin is 16-byte aligned; false when the block has no stub
 * left (the helper then does the whole instruction). */
static bool gen_align16(DisasContext *s, TCGv lin)
{
    TCGLabel *l = gen_stub(s, EXCP0D_GPF);
    if (!l) {
        return false;
    }
    TCGv t = tmp();
    gen_andi(t, lin, 15);
    tcg_gen_brcondi_tl(TCG_COND_NE, t, 0, l);
    return true;
}

/* Source operand r/m of 16 bytes into lo/hi (aligned: the #GP check). */
static bool gen_src16(DisasContext *s, TCGv lin, bool aligned, TCGv_i64 *lo,
                      TCGv_i64 *hi)
{
    if (s->mod == 3) {
        *lo = xmm_ld(s->rm, 0);
        *hi = xmm_ld(s->rm, 1);
        return true;
    }
    if (aligned && !gen_align16(s, lin)) {
        return false;
    }
    *lo = mem_ld(s, lin, MO_UQ);
    *hi = mem_ld(s, addr_hi(s, lin), MO_UQ);
    return true;
}

/*
 * A 16-byte store of xmm[reg] to the memory operand.  The unaligned forms
 * go to the helper when the operand crosses a page: the helper, on a
 * separate path, needs the address again, so it is computed anew from the
 * ModRM bytes at ea_pc (the registers it reads are unchanged there).
 */
static void gen_store16(DisasContext *s, const SSEDecoded *d, TCGv lin,
                        bool aligned, target_ulong ea_pc)
{
    TCGv_i64 lo = xmm_ld(s->reg, 0), hi = xmm_ld(s->reg, 1);
    if (aligned) {
        mem_st(s, lin, MO_UQ, lo);
        mem_st(s, addr_hi(s, lin), MO_UQ, hi);
        return;
    }
    TCGLabel *slow = gen_new_label(), *done = gen_new_label();
    TCGv t = tmp();
    gen_andi(t, lin, 0xfff);
    tcg_gen_brcondi_tl(TCG_COND_GTU, t, 0xff0, slow);
    mem_st(s, lin, MO_UQ, lo);
    mem_st(s, addr_hi(s, lin), MO_UQ, hi);
    tcg_gen_br(done);

    gen_set_label(slow);
    target_ulong pc = s->pc;
    s->pc = ea_pc;
    gen_modrm_ea(s);
    s->pc = pc;
    gen_sync_eip(s);
    gen_helper_ss(s, true);
    CALL3(s, d->helper, cst(d->info), s->ea_lin, cst(d->arg));
    gen_helper_ss(s, false);
    gen_set_label(done);
}

/* A general register operand of MOVD/MOVQ as an i64 (zero-extended). */
static TCGv_i64 gpr_ld(DisasContext *s, int r)
{
    TCGv_i64 v = tcg_temp_new_i64();
    if (s->rex_w) {
        tcg_gen_extu_tl_i64(v, cpu_regs[r]);
    } else {
        tcg_gen_extu_tl_i64(v, gen_ld_reg(4, r));
    }
    return v;
}

/* Per byte of a ^ b: 0xff where the bytes are equal, else 0 (a byte's
 * low seven bits plus 0x7f carry into its bit 7 iff they are not all 0,
 * and no carry crosses into the next byte). */
static TCGv_i64 gen_pcmpeqb64(TCGv_i64 a, TCGv_i64 b)
{
    TCGv_i64 x = tcg_temp_new_i64(), t = tcg_temp_new_i64();
    tcg_gen_xor_i64(x, a, b);
    tcg_gen_andi_i64(t, x, 0x7f7f7f7f7f7f7f7fll);
    tcg_gen_addi_i64(t, t, 0x7f7f7f7f7f7f7f7fll);
    tcg_gen_or_i64(t, t, x);
    tcg_gen_not_i64(t, t);
    tcg_gen_andi_i64(t, t, (int64_t)0x8080808080808080ull);
    tcg_gen_shri_i64(t, t, 7);
    tcg_gen_muli_i64(t, t, 0xff);
    return t;
}

/* Bit 7 of each byte of v gathered into bits 0-7 (byte i to bit i): the
 * multiplier moves bit 8i+7 to bit 56+i, and no two partial products
 * land on the same bit. */
static TCGv_i64 gen_movmskb64(TCGv_i64 v)
{
    TCGv_i64 t = tcg_temp_new_i64();
    tcg_gen_andi_i64(t, v, (int64_t)0x8080808080808080ull);
    tcg_gen_muli_i64(t, t, 0x0002040810204081ll);
    tcg_gen_shri_i64(t, t, 56);
    return t;
}

enum { LOGIC_AND, LOGIC_ANDN, LOGIC_OR, LOGIC_XOR, CMPEQB };

static void gen_binop64(int op, TCGv_i64 d, TCGv_i64 a, TCGv_i64 b)
{
    switch (op) {
    case LOGIC_AND:
        tcg_gen_and_i64(d, a, b);
        break;
    case LOGIC_ANDN: {
        TCGv_i64 n = tcg_temp_new_i64();
        tcg_gen_not_i64(n, a);
        tcg_gen_and_i64(d, n, b);
        break;
    }
    case LOGIC_OR:
        tcg_gen_or_i64(d, a, b);
        break;
    case LOGIC_XOR:
        tcg_gen_xor_i64(d, a, b);
        break;
    default:
        tcg_gen_mov_i64(d, gen_pcmpeqb64(a, b));
        break;
    }
}

/* xmm[reg] = xmm[reg] op xmm/m128 (aligned). */
static bool gen_binop(DisasContext *s, TCGv lin, int op)
{
    TCGv_i64 lo, hi;
    if (s->mod == 3 && s->reg == s->rm && op == LOGIC_XOR) {
        /* The zeroing idiom: no need to read the register. */
        xmm_st(s->reg, 0, tcg_constant_i64(0));
        xmm_zero_hi(s->reg);
        return true;
    }
    if (!gen_src16(s, lin, true, &lo, &hi)) {
        return false;
    }
    TCGv_i64 dlo = xmm_ld(s->reg, 0), dhi = xmm_ld(s->reg, 1);
    gen_binop64(op, dlo, dlo, lo);
    gen_binop64(op, dhi, dhi, hi);
    xmm_st(s->reg, 0, dlo);
    xmm_st(s->reg, 1, dhi);
    return true;
}

/* The operation's binop, or -1: 0F 54-57 (no prefix or 66: the PS and PD
 * forms are the same bits), 66 0F DB DF EB EF 74. */
static int binop_of(int pfx, int opc)
{
    if (pfx == 0 || pfx == 0x66) {
        switch (opc) {
        case 0x54:
            return LOGIC_AND;
        case 0x55:
            return LOGIC_ANDN;
        case 0x56:
            return LOGIC_OR;
        case 0x57:
            return LOGIC_XOR;
        }
    }
    if (pfx == 0x66) {
        switch (opc) {
        case 0xdb:
            return LOGIC_AND;
        case 0xdf:
            return LOGIC_ANDN;
        case 0xeb:
            return LOGIC_OR;
        case 0xef:
            return LOGIC_XOR;
        case 0x74:
            return CMPEQB;
        }
    }
    return -1;
}

/* Whether the memory operand's segment needs no check here. */
static bool seg_flat(DisasContext *s)
{
    if (s->mod == 3 || CODE64(s)) {
        return true;
    }
    return s->pe && !s->vm86 &&
           !((s->hflags >> (HF_SEG_SHIFT + 2 * s->ea_seg)) & 3);
}

bool gen_sse_inline(DisasContext *s, int pfx, int opc, const SSEDecoded *d,
                    target_ulong ea_pc)
{
    if (opc == 0x18) {
        /* PREFETCHh and the hint NOPs: no exception, no cache to warm
         * (glibc's memcpy runs one per 64 bytes). */
        return true;
    }
    if (!(s->hflags & HF_SSE_ON) || !seg_flat(s)) {
        return false;
    }
    bool mem = s->mod != 3;
    TCGv lin = s->ea_lin;
    int reg = s->reg, rm = s->rm;
    int op = binop_of(pfx, opc);
    TCGv_i64 lo, hi;

    if (op >= 0) {
        return gen_binop(s, lin, op);
    }
    switch (pfx << 8 | opc) {
    /* MOVUPS MOVUPD MOVDQU LDDQU, MOVAPS MOVAPD MOVDQA xmm, xmm/m128 */
    case 0x0010:
    case 0x6610:
    case 0xf36f:
    case 0xf2f0:
    case 0x0028:
    case 0x6628:
    case 0x666f: {
        bool aligned = opc != 0x10 && pfx != 0xf3 && pfx != 0xf2;
        if (!gen_src16(s, lin, aligned, &lo, &hi)) {
            return false;
        }
        xmm_st(reg, 0, lo);
        xmm_st(reg, 1, hi);
        return true;
    }
    /* MOVUPS MOVUPD MOVDQU, MOVAPS MOVAPD MOVDQA xmm/m128, xmm; MOVNTPS
     * MOVNTPD MOVNTDQ m128, xmm */
    case 0x0011:
    case 0x6611:
    case 0xf37f:
    case 0x0029:
    case 0x6629:
    case 0x667f:
    case 0x002b:
    case 0x662b:
    case 0x66e7:
        if (!mem) {
            xmm_st(rm, 0, xmm_ld(reg, 0));
            xmm_st(rm, 1, xmm_ld(reg, 1));
            return true;
        }
        if (opc == 0x11 || pfx == 0xf3) {
            gen_store16(s, d, lin, false, ea_pc);
            return true;
        }
        if (!gen_align16(s, lin)) {
            return false;
        }
        gen_store16(s, d, lin, true, ea_pc);
        return true;
    case 0xf310: /* MOVSS xmm, xmm/m32 */
        if (mem) {
            xmm_st(reg, 0, mem_ld(s, lin, MO_UL));
            xmm_zero_hi(reg);
        } else {
            tcg_gen_st32_i64(xmm_ld(rm, 0), XMM_Q(reg, 0));
        }
        return true;
    case 0xf210: /* MOVSD xmm, xmm/m64 */
        xmm_st(reg, 0, mem ? mem_ld(s, lin, MO_UQ) : xmm_ld(rm, 0));
        if (mem) {
            xmm_zero_hi(reg);
        }
        return true;
    case 0xf311: /* MOVSS xmm/m32, xmm */
        if (mem) {
            mem_st(s, lin, MO_UL, xmm_ld(reg, 0));
        } else {
            tcg_gen_st32_i64(xmm_ld(reg, 0), XMM_Q(rm, 0));
        }
        return true;
    case 0xf211: /* MOVSD xmm/m64, xmm */
        if (mem) {
            mem_st(s, lin, MO_UQ, xmm_ld(reg, 0));
        } else {
            xmm_st(rm, 0, xmm_ld(reg, 0));
        }
        return true;
    case 0xf37e: /* MOVQ xmm, xmm/m64 */
        xmm_st(reg, 0, mem ? mem_ld(s, lin, MO_UQ) : xmm_ld(rm, 0));
        xmm_zero_hi(reg);
        return true;
    case 0x66d6: /* MOVQ xmm/m64, xmm */
        if (mem) {
            mem_st(s, lin, MO_UQ, xmm_ld(reg, 0));
        } else {
            xmm_st(rm, 0, xmm_ld(reg, 0));
            xmm_zero_hi(rm);
        }
        return true;
    case 0x666e: /* MOVD/MOVQ xmm, r/m32/64 */
        xmm_st(reg, 0,
               mem ? mem_ld(s, lin, s->rex_w ? MO_UQ : MO_UL) : gpr_ld(s, rm));
        xmm_zero_hi(reg);
        return true;
    case 0x667e: { /* MOVD/MOVQ r/m32/64, xmm */
        TCGv_i64 v = xmm_ld(reg, 0);
        if (mem) {
            mem_st(s, lin, s->rex_w ? MO_UQ : MO_UL, v);
        } else {
            TCGv t = tmp();
            tcg_gen_trunc_i64_tl(t, v);
            gen_st_reg(s->rex_w ? 8 : 4, rm, t);
        }
        return true;
    }
    case 0x0012:
    case 0x6612: /* MOVLPS MOVLPD / MOVHLPS */
        xmm_st(reg, 0, mem ? mem_ld(s, lin, MO_UQ) : xmm_ld(rm, 1));
        return true;
    case 0x0016:
    case 0x6616: /* MOVHPS MOVHPD / MOVLHPS */
        xmm_st(reg, 1, mem ? mem_ld(s, lin, MO_UQ) : xmm_ld(rm, 0));
        return true;
    case 0x0013:
    case 0x6613: /* MOVLPS MOVLPD m64, xmm */
        mem_st(s, lin, MO_UQ, xmm_ld(reg, 0));
        return true;
    case 0x0017:
    case 0x6617: /* MOVHPS MOVHPD m64, xmm */
        mem_st(s, lin, MO_UQ, xmm_ld(reg, 1));
        return true;
    case 0x66d7: { /* PMOVMSKB r32, xmm */
        TCGv_i64 m = gen_movmskb64(xmm_ld(rm, 1));
        tcg_gen_shli_i64(m, m, 8);
        tcg_gen_or_i64(m, m, gen_movmskb64(xmm_ld(rm, 0)));
        TCGv t = tmp();
        tcg_gen_trunc_i64_tl(t, m);
        gen_st_reg(4, reg, t);
        return true;
    }
    }
    return false;
}
