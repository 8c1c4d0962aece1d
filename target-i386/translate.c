/*
 * The x86 frontend: decodes guest instructions with the tables of
 * decode.c (SDM vol. 2, appendix A) and emits IR (tcg/README.md) through
 * tcg/tcg.h, one emitter per mnemonic.
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
#include "emu/common.h"
#include "tcg/tcg.h"
#include "target-i386/decode.h"
#include "target-i386/helper.h"
#include "target-i386/sse-helper.h"

static TCGv_i32 cpu_regs[8], cpu_eip, cpu_cc_op, cpu_cc_dst, cpu_cc_src;
static TCGv_i32 cpu_cc_src2, cpu_df, cpu_seg_base[6];

#define MAX_STUBS 24
#define CC_DYNAMIC (-1)

typedef struct Operand {
    int am;
    int size;           /* bytes */
    int reg;            /* register number (A_G, A_Z, A_REG, A_SEG, A_S...) */
    bool mem;
    uint32_t imm;
    uint32_t imm2;      /* far pointer selector */
} Operand;

typedef struct DisasContext {
    CPUX86State *env;
    uintptr_t tb_id;
    uint32_t cs_base, pc_start, pc, tb_start;
    uint32_t hflags;
    int cpl;
    bool pe, vm86, code32, ss32;
    int dflag, aflag;           /* operand / address size in bytes */
    int prefix_seg;             /* -1: default */
    int rep;                    /* 0, 2 = REPNE, 3 = REP/REPE */
    bool lock;
    int mmu_idx;
    int cc_op;                  /* known at translation time or CC_DYNAMIC */
    bool done;                  /* the block ends after this instruction */
    bool end_after_next;        /* STI / MOV SS: one more instruction */
    bool exit_after;            /* PM SS load: leave after this insn */
    bool seg_loaded;            /* PM data segment load: check HF_SEG */
    int modrm, mod, reg, rm;
    /* memory operand */
    TCGv_i32 ea_off, ea_lin;
    int ea_seg;
    bool ea_esp_base;           /* 32-bit addressing with ESP as base */
    Operand op[3];
    const X86OpEntry *e;
    int opcode;
    int sse_prefix;             /* mandatory prefix: 0, 0x66, 0xf3, 0xf2 */
    bool has66;
    TCGv_i64 env_ptr;
    int nb_stubs;
    struct {
        TCGLabel *l;
        uint32_t eip;
        int vec;
    } stubs[MAX_STUBS];
} DisasContext;

/* ---- small IR helpers ---- */

static inline TCGv_i32 tmp(void)
{
    return tcg_temp_new_i32();
}

static inline TCGv_i32 cst(uint32_t v)
{
    return tcg_constant_i32((int32_t)v);
}

static void gen_extract(TCGv_i32 d, TCGv_i32 a, int pos, int len)
{
    tcg_gen_extract_i32(d, a, pos, len);
}

static void gen_mulu2(TCGv_i32 lo, TCGv_i32 hi, TCGv_i32 a, TCGv_i32 b,
                      bool sign)
{
    if (sign) {
        tcg_gen_muls2_i32(lo, hi, a, b);
    } else {
        tcg_gen_mulu2_i32(lo, hi, a, b);
    }
}

static void gen_movcond(TCGCond c, TCGv_i32 d, TCGv_i32 a, TCGv_i32 b,
                        TCGv_i32 v1, TCGv_i32 v2)
{
    tcg_gen_movcond_i32(c, d, a, b, v1, v2);
}

static void gen_andi(TCGv_i32 d, TCGv_i32 a, uint32_t m)
{
    tcg_gen_and_i32(d, a, cst(m));
}

static void gen_addi(TCGv_i32 d, TCGv_i32 a, uint32_t v)
{
    tcg_gen_add_i32(d, a, cst(v));
}

static void gen_ext(TCGv_i32 d, TCGv_i32 a, int size, bool sign)
{
    if (size == 1) {
        sign ? tcg_gen_ext8s_i32(d, a) : tcg_gen_ext8u_i32(d, a);
    } else if (size == 2) {
        sign ? tcg_gen_ext16s_i32(d, a) : tcg_gen_ext16u_i32(d, a);
    } else {
        tcg_gen_mov_i32(d, a);
    }
}

/* Helper call: env first, then up to 5 i32 arguments. */
static TCGv_i32 gen_call(DisasContext *s, void *fn, int flags, bool ret,
                         int n, TCGv_i32 a0, TCGv_i32 a1, TCGv_i32 a2,
                         TCGv_i32 a3)
{
    int args[6] = {s->env_ptr.idx, a0.idx, a1.idx, a2.idx, a3.idx};
    TCGv_i32 r = {-1};
    if (ret) {
        r = tmp();
    }
    tcg_gen_call(fn, flags, ret ? r.idx : -1, n + 1, args);
    return r;
}
#define NOARG ((TCGv_i32){-1})
#define CALL0(s, fn) gen_call(s, (void *)(fn), 0, false, 0, NOARG, NOARG, NOARG, NOARG)
#define CALL1(s, fn, a) gen_call(s, (void *)(fn), 0, false, 1, a, NOARG, NOARG, NOARG)
#define CALL2(s, fn, a, b) gen_call(s, (void *)(fn), 0, false, 2, a, b, NOARG, NOARG)
#define CALL3(s, fn, a, b, c) gen_call(s, (void *)(fn), 0, false, 3, a, b, c, NOARG)
#define CALL4(s, fn, a, b, c, d) gen_call(s, (void *)(fn), 0, false, 4, a, b, c, d)

static void gen_sync_eip(DisasContext *s)
{
    tcg_gen_movi_i32(cpu_eip, s->pc_start);
}

/* ---- code fetch ---- */

static uint32_t fetch(DisasContext *s, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size; i++) {
        v |= (uint32_t)x86_code_ldub(s->env, s->cs_base + s->pc) << (8 * i);
        s->pc++;
    }
    return v;
}

/* ---- registers ---- */

static TCGv_i32 gen_ld_reg(int size, int r)
{
    TCGv_i32 t = tmp();
    if (size == 1 && r >= 4) {
        gen_extract(t, cpu_regs[r - 4], 8, 8);
    } else {
        gen_ext(t, cpu_regs[r], size, false);
    }
    return t;
}

static void gen_st_reg(int size, int r, TCGv_i32 v)
{
    if (size == 4) {
        tcg_gen_mov_i32(cpu_regs[r], v);
    } else if (size == 2) {
        tcg_gen_deposit_i32(cpu_regs[r], cpu_regs[r], v, 0, 16);
    } else if (r < 4) {
        tcg_gen_deposit_i32(cpu_regs[r], cpu_regs[r], v, 0, 8);
    } else {
        tcg_gen_deposit_i32(cpu_regs[r - 4], cpu_regs[r - 4], v, 8, 8);
    }
}

/* ---- memory ---- */

static TCGLabel *gen_stub(DisasContext *s, int vec)
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
static void gen_check_seg(DisasContext *s, TCGv_i32 off, int seg, int size,
                          int asize, bool write)
{
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
    TCGv_i32 lim = tmp();
    tcg_gen_ld_i32(lim, offsetof(CPUX86State, segs[seg].limit));
    if (size > 4) {
        /* The limit may be below size - 1: compare the last byte, and
         * catch its wrap past 4 GiB. */
        TCGv_i32 last = tmp();
        gen_addi(last, off, size - 1);
        tcg_gen_brcond_i32(TCG_COND_GTU, last, lim, l);
        tcg_gen_brcond_i32(TCG_COND_LTU, last, off, l);
        return;
    }
    gen_addi(lim, lim, -(size - 1));
    tcg_gen_brcond_i32(TCG_COND_GTU, off, lim, l);
}

static void gen_check_limit(DisasContext *s, TCGv_i32 off, int seg, int size,
                            int asize)
{
    gen_check_seg(s, off, seg, size, asize, false);
}

static TCGv_i32 gen_linear(DisasContext *s, TCGv_i32 off, int seg)
{
    TCGv_i32 lin = tmp();
    tcg_gen_add_i32(lin, off, cpu_seg_base[seg]);
    return lin;
}

static TCGv_i32 gen_ld_mem(DisasContext *s, TCGv_i32 lin, int size)
{
    TCGv_i32 v = tmp();
    tcg_gen_qemu_ld_i32(v, lin, s->mmu_idx, size == 1 ? MO_UB
                                            : size == 2 ? MO_UW : MO_UL);
    return v;
}

static void gen_st_mem(DisasContext *s, TCGv_i32 lin, int size, TCGv_i32 v)
{
    tcg_gen_qemu_st_i32(v, lin, s->mmu_idx, size == 1 ? MO_UB
                                            : size == 2 ? MO_UW : MO_UL);
}

/* Load/store at seg:off with the limit check (16-bit addressing). */
static TCGv_i32 gen_ld_seg(DisasContext *s, TCGv_i32 off, int seg, int size,
                           int asize)
{
    gen_check_limit(s, off, seg, size, asize);
    return gen_ld_mem(s, gen_linear(s, off, seg), size);
}

static void gen_st_seg(DisasContext *s, TCGv_i32 off, int seg, int size,
                       int asize, TCGv_i32 v)
{
    gen_check_seg(s, off, seg, size, asize, true);
    gen_st_mem(s, gen_linear(s, off, seg), size, v);
}

/* ModRM effective address (SDM vol. 2, tables 2-1 and 2-2). */
static void gen_modrm_ea(DisasContext *s)
{
    TCGv_i32 off = tmp();
    int seg = R_DS;
    s->ea_esp_base = false;
    if (s->aflag == 2) {
        static const int8_t base16[8] = {R_EBX, R_EBX, R_EBP, R_EBP, -1, -1,
                                         R_EBP, R_EBX};
        static const int8_t idx16[8] = {R_ESI, R_EDI, R_ESI, R_EDI, R_ESI,
                                        R_EDI, -1, -1};
        uint32_t disp = 0;
        if (s->mod == 0 && s->rm == 6) {
            disp = fetch(s, 2);
            tcg_gen_movi_i32(off, disp);
        } else {
            if (s->mod == 1) {
                disp = (int8_t)fetch(s, 1);
            } else if (s->mod == 2) {
                disp = fetch(s, 2);
            }
            int b = base16[s->rm], i = idx16[s->rm];
            if (b >= 0 && i >= 0) {
                tcg_gen_add_i32(off, cpu_regs[b], cpu_regs[i]);
            } else {
                tcg_gen_mov_i32(off, cpu_regs[b >= 0 ? b : i]);
            }
            if (disp) {
                gen_addi(off, off, disp);
            }
            if (b == R_EBP) {
                seg = R_SS;
            }
        }
        tcg_gen_ext16u_i32(off, off);
    } else {
        int base = s->rm, index = -1, scale = 0;
        uint32_t disp = 0;
        if (base == 4) {
            int sib = fetch(s, 1);
            scale = sib >> 6;
            index = (sib >> 3) & 7;
            base = sib & 7;
            if (index == 4) {
                index = -1;
            }
            if (base == 5 && s->mod == 0) {
                base = -1;
                disp = fetch(s, 4);
            }
        } else if (base == 5 && s->mod == 0) {
            base = -1;
            disp = fetch(s, 4);
        }
        if (s->mod == 1) {
            disp = (int8_t)fetch(s, 1);
        } else if (s->mod == 2) {
            disp = fetch(s, 4);
        }
        tcg_gen_movi_i32(off, disp);
        if (base >= 0) {
            tcg_gen_add_i32(off, off, cpu_regs[base]);
            if (base == R_ESP || base == R_EBP) {
                seg = R_SS;
            }
            s->ea_esp_base = base == R_ESP;
        }
        if (index >= 0) {
            TCGv_i32 t = tmp();
            tcg_gen_shl_i32(t, cpu_regs[index], cst(scale));
            tcg_gen_add_i32(off, off, t);
        }
    }
    if (s->prefix_seg >= 0) {
        seg = s->prefix_seg;
    }
    s->ea_off = off;
    s->ea_seg = seg;
    s->ea_lin = gen_linear(s, off, seg);
}

/* ---- operands ---- */

static TCGv_i32 gen_ld_op(DisasContext *s, Operand *o)
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
        return cst(o->imm);
    case A_S:
    case A_SEG: {
        TCGv_i32 t = tmp();
        tcg_gen_ld_i32(t, offsetof(CPUX86State, segs[o->reg].selector));
        return t;
    }
    default:
        return cst(0);
    }
}

static void gen_st_op(DisasContext *s, Operand *o, TCGv_i32 v)
{
    if (o->mem) {
        gen_check_seg(s, s->ea_off, s->ea_seg, o->size, s->aflag, true);
        gen_st_mem(s, s->ea_lin, o->size, v);
    } else {
        gen_st_reg(o->size, o->reg, v);
    }
}

/* ---- lazy flags ---- */

static void gen_set_cc_op(DisasContext *s, int op)
{
    if (s->cc_op != op) {
        tcg_gen_movi_i32(cpu_cc_op, op);
        s->cc_op = op;
    }
}

static inline int size_idx(int size)
{
    return size == 1 ? 0 : size == 2 ? 1 : 2;
}

static void gen_set_cc(DisasContext *s, int base, int size, TCGv_i32 dst,
                       TCGv_i32 src)
{
    tcg_gen_mov_i32(cpu_cc_dst, dst);
    if (src.idx >= 0) {
        tcg_gen_mov_i32(cpu_cc_src, src);
    }
    gen_set_cc_op(s, base + size_idx(size));
}

/* The six arithmetic flags, computed now. */
static TCGv_i32 gen_compute_eflags(DisasContext *s)
{
    if (s->cc_op == CC_OP_EFLAGS) {
        TCGv_i32 t = tmp();
        tcg_gen_mov_i32(t, cpu_cc_src);
        return t;
    }
    TCGv_i32 r = tmp();
    int args[4] = {cpu_cc_op.idx, cpu_cc_dst.idx, cpu_cc_src.idx,
                   cpu_cc_src2.idx};
    tcg_gen_call((void *)helper_cc_all, TCG_CALL_PURE, r.idx, 4, args);
    return r;
}

static void gen_set_eflags_cc(DisasContext *s, TCGv_i32 flags)
{
    tcg_gen_mov_i32(cpu_cc_src, flags);
    gen_set_cc_op(s, CC_OP_EFLAGS);
}

static TCGv_i32 gen_compute_cf(DisasContext *s)
{
    TCGv_i32 t = tmp();
    if (s->cc_op >= CC_OP_SUBB && s->cc_op <= CC_OP_SUBL) {
        int size = 1 << (s->cc_op - CC_OP_SUBB);
        TCGv_i32 a = tmp(), b = tmp();
        tcg_gen_add_i32(a, cpu_cc_dst, cpu_cc_src);
        gen_ext(a, a, size, false);
        gen_ext(b, cpu_cc_src, size, false);
        tcg_gen_setcond_i32(TCG_COND_LTU, t, a, b);
        return t;
    }
    if (s->cc_op >= CC_OP_LOGICB && s->cc_op <= CC_OP_LOGICL) {
        tcg_gen_movi_i32(t, 0);
        return t;
    }
    if (s->cc_op >= CC_OP_ADDB && s->cc_op <= CC_OP_ADDL) {
        /* Carry out of dst = a + src: dst < src. */
        int size = 1 << (s->cc_op - CC_OP_ADDB);
        TCGv_i32 a = tmp(), b = tmp();
        gen_ext(a, cpu_cc_dst, size, false);
        gen_ext(b, cpu_cc_src, size, false);
        tcg_gen_setcond_i32(TCG_COND_LTU, t, a, b);
        return t;
    }
    if (s->cc_op >= CC_OP_INCB && s->cc_op <= CC_OP_DECL) {
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
static bool gen_cc_test(DisasContext *s, int c, TCGCond *cond, TCGv_i32 *a,
                        TCGv_i32 *b)
{
    static const TCGCond sub_conds[8] = {
        TCG_COND_NEVER, TCG_COND_LTU, TCG_COND_EQ, TCG_COND_LEU,
        TCG_COND_LT, TCG_COND_NEVER, TCG_COND_LT, TCG_COND_LE,
    };
    int op = s->cc_op, size;
    if (op >= CC_OP_SUBB && op <= CC_OP_SUBL && c != 0 && c != 5 &&
        c != 2 && c != 4) {
        bool sign = c == 6 || c == 7;
        size = 1 << (op - CC_OP_SUBB);
        *a = tmp();
        *b = tmp();
        tcg_gen_add_i32(*a, cpu_cc_dst, cpu_cc_src);
        gen_ext(*a, *a, size, sign);
        gen_ext(*b, cpu_cc_src, size, sign);
        *cond = sub_conds[c];
        return true;
    }
    if (op >= CC_OP_LOGICB && op <= CC_OP_LOGICL && c >= 2 && c != 5) {
        size = 1 << (op - CC_OP_LOGICB);
        *cond = c == 2 || c == 3 ? TCG_COND_EQ
                : c == 7 ? TCG_COND_LE : TCG_COND_LT;
    } else if (op >= CC_OP_ADDB && op < CC_OP_NB && (c == 2 || c == 4)) {
        size = 1 << ((op - CC_OP_ADDB) % 3);
        *cond = c == 2 ? TCG_COND_EQ : TCG_COND_LT;
    } else if (op >= CC_OP_ADDB && op <= CC_OP_ADDL && c == 1) {
        size = 1 << (op - CC_OP_ADDB);
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

/* The opposite condition (the enum pairs them: EQ/NE, LT/GE, ...). */
static TCGCond cond_invert(TCGCond c)
{
    return (TCGCond)(c ^ 1);
}

/* d = condition cc (0..15, SDM appendix B.1) ? 1 : 0 */
static void gen_setcc(DisasContext *s, int cc, TCGv_i32 d)
{
    int inv = cc & 1, c = cc >> 1;
    int op = s->cc_op;
    if (op >= CC_OP_SUBB && op <= CC_OP_SUBL && c != 0 && c != 5) {
        int size = 1 << (op - CC_OP_SUBB);
        TCGv_i32 a = tmp(), b = tmp(), r = tmp();
        tcg_gen_add_i32(a, cpu_cc_dst, cpu_cc_src);
        bool sign = c == 6 || c == 7;
        gen_ext(a, a, size, sign);
        gen_ext(b, cpu_cc_src, size, sign);
        gen_ext(r, cpu_cc_dst, size, true);
        static const TCGCond conds[8] = {
            TCG_COND_NEVER, TCG_COND_LTU, TCG_COND_EQ, TCG_COND_LEU,
            TCG_COND_LT, TCG_COND_NEVER, TCG_COND_LT, TCG_COND_LE,
        };
        if (c == 2) {
            tcg_gen_setcond_i32(TCG_COND_EQ, d, r, cst(0));
        } else if (c == 4) {
            tcg_gen_setcond_i32(TCG_COND_LT, d, r, cst(0));
        } else {
            tcg_gen_setcond_i32(conds[c], d, a, b);
        }
    } else if (op >= CC_OP_LOGICB && op <= CC_OP_LOGICL) {
        int size = 1 << (op - CC_OP_LOGICB);
        TCGv_i32 r = tmp();
        gen_ext(r, cpu_cc_dst, size, true);
        switch (c) {
        case 0: case 1: tcg_gen_movi_i32(d, 0); break;          /* O, B */
        case 2: case 3:                                          /* Z, BE */
            tcg_gen_setcond_i32(TCG_COND_EQ, d, r, cst(0));
            break;
        case 4: case 6:                                          /* S, L */
            tcg_gen_setcond_i32(TCG_COND_LT, d, r, cst(0));
            break;
        case 7:                                                  /* LE */
            tcg_gen_setcond_i32(TCG_COND_LE, d, r, cst(0));
            break;
        default: {                                               /* P */
            TCGv_i32 f = gen_compute_eflags(s);
            gen_extract(d, f, 2, 1);
        }
        }
    } else if (c == 1 && ((op >= CC_OP_ADDB && op <= CC_OP_ADDL) ||
                          (op >= CC_OP_INCB && op <= CC_OP_DECL))) {
        tcg_gen_mov_i32(d, gen_compute_cf(s));
    } else if (op >= CC_OP_ADDB && op < CC_OP_NB && (c == 2 || c == 4)) {
        /* ZF and SF come from the result for every lazy op. */
        int size = 1 << ((op - CC_OP_ADDB) % 3);
        TCGv_i32 r = tmp();
        gen_ext(r, cpu_cc_dst, size, true);
        tcg_gen_setcond_i32(c == 2 ? TCG_COND_EQ : TCG_COND_LT, d, r, cst(0));
    } else {
        TCGv_i32 f = gen_compute_eflags(s);
        TCGv_i32 t = tmp();
        switch (c) {
        case 0: gen_extract(d, f, 11, 1); break;
        case 1: gen_andi(d, f, 1); break;
        case 2: gen_extract(d, f, 6, 1); break;
        case 3:
            gen_andi(t, f, CC_C | CC_Z);
            tcg_gen_setcond_i32(TCG_COND_NE, d, t, cst(0));
            break;
        case 4: gen_extract(d, f, 7, 1); break;
        case 5: gen_extract(d, f, 2, 1); break;
        case 6:
        case 7:
            tcg_gen_shr_i32(t, f, cst(4));      /* OF (bit 11) to bit 7 */
            tcg_gen_xor_i32(t, t, f);
            gen_extract(d, t, 7, 1);
            if (c == 7) {
                gen_extract(t, f, 6, 1);
                tcg_gen_or_i32(d, d, t);
            }
            break;
        }
    }
    if (inv) {
        tcg_gen_xor_i32(d, d, cst(1));
    }
}

/* ---- block exits ---- */

/* Go to eip (the next instruction, a REP loop): wraps with the code size. */
static void gen_jmp_tb(DisasContext *s, uint32_t eip, int slot)
{
    if (!s->code32) {
        eip &= 0xffff;
    }
    uint32_t target = s->cs_base + eip;
    if (!s->end_after_next && !(s->hflags & HF_TF) &&
        (target & ~0xfffu) == (s->tb_start & ~0xfffu)) {
        tcg_gen_goto_tb(slot);
        tcg_gen_movi_i32(cpu_eip, eip);
        tcg_gen_exit_tb(s->tb_id | slot);
    } else if (!s->end_after_next && !(s->hflags & HF_TF)) {
        /* Another page: through the jump cache, not the exec loop. */
        tcg_gen_movi_i32(cpu_eip, eip);
        tcg_gen_lookup_and_goto_ptr();
    } else {
        tcg_gen_movi_i32(cpu_eip, eip);
        tcg_gen_exit_tb(0);
    }
    s->done = true;
}

/*
 * A taken near JMP/CALL/Jcc/LOOP: with a 16-bit operand size the upper
 * half of EIP is cleared (SDM vol. 2, JMP and Jcc, "Operation").
 */
static void gen_jmp_rel(DisasContext *s, uint32_t eip, int slot)
{
    gen_jmp_tb(s, s->dflag == 2 ? eip & 0xffff : eip, slot);
}

/* eip already in env (indirect branch). */
static void gen_jmp_indirect(DisasContext *s)
{
    if (s->end_after_next || (s->hflags & HF_TF)) {
        tcg_gen_exit_tb(0);
    } else {
        tcg_gen_lookup_and_goto_ptr();
    }
    s->done = true;
}

/* Leave to the exec loop with eip = next instruction. */
static void gen_exit_next(DisasContext *s)
{
    tcg_gen_movi_i32(cpu_eip, s->pc);
    tcg_gen_exit_tb(0);
    s->done = true;
}

static void gen_exception(DisasContext *s, int vec)
{
    gen_sync_eip(s);
    CALL1(s, helper_raise, cst(vec));
    tcg_gen_exit_tb(0);
    s->done = true;
}

static void gen_unimp(DisasContext *s)
{
    log_unimp_once("x86: opcode %s%02x%s not supported (raising #UD)",
                   s->opcode >= 0x100 ? "0f " : "", s->opcode & 0xff,
                   (s->e && (s->e->flags & DF_GROUP)) ? " (group)" : "");
    gen_exception(s, EXCP06_ILLOP);
}

/* ---- stack ---- */

static TCGv_i32 gen_sp_off(DisasContext *s, int delta)
{
    TCGv_i32 sp = tmp();
    gen_addi(sp, cpu_regs[R_ESP], delta);
    if (!s->ss32) {
        tcg_gen_ext16u_i32(sp, sp);
    }
    return sp;
}

static void gen_set_sp(DisasContext *s, TCGv_i32 sp)
{
    gen_st_reg(s->ss32 ? 4 : 2, R_ESP, sp);
}

static void gen_push(DisasContext *s, TCGv_i32 v, int size)
{
    TCGv_i32 sp = gen_sp_off(s, -size);
    gen_st_seg(s, sp, R_SS, size, s->ss32 ? 4 : 2, v);
    gen_set_sp(s, sp);
}

/* Pop: returns the value; *newsp gets SP after the pop (not written). */
static TCGv_i32 gen_pop(DisasContext *s, int size, TCGv_i32 *newsp)
{
    TCGv_i32 sp = gen_sp_off(s, 0);
    TCGv_i32 v = gen_ld_seg(s, sp, R_SS, size, s->ss32 ? 4 : 2);
    *newsp = gen_sp_off(s, size);
    return v;
}

/* ---- segment loads ---- */

static void gen_load_seg(DisasContext *s, int seg, TCGv_i32 sel)
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
        TCGv_i32 t = tmp();
        tcg_gen_ext16u_i32(t, sel);
        tcg_gen_st_i32(t, offsetof(CPUX86State, segs[seg].selector));
        tcg_gen_shl_i32(cpu_seg_base[seg], t, cst(4));
    }
    if (seg == R_SS) {
        s->end_after_next = true;
    }
}

/* ---- emitters ---- */

enum { OP_ADD, OP_OR, OP_ADC, OP_SBB, OP_AND, OP_SUB, OP_XOR, OP_CMP };

/*
 * The result is stored before the lazy flags change: a store that faults
 * (a copy-on-write page) restarts the instruction, and ADC/SBB must find
 * the carry it had (the exception frame's EFLAGS are those before it).
 */
static void gen_alu(DisasContext *s, int op, Operand *d, TCGv_i32 a,
                    TCGv_i32 b)
{
    int size = d->size;
    TCGv_i32 r = tmp(), c = NOARG;
    int cc_base;
    switch (op) {
    case OP_ADD:
        tcg_gen_add_i32(r, a, b);
        gen_ext(r, r, size, false);
        cc_base = CC_OP_ADDB;
        break;
    case OP_SUB:
    case OP_CMP:
        tcg_gen_sub_i32(r, a, b);
        gen_ext(r, r, size, false);
        cc_base = CC_OP_SUBB;
        break;
    case OP_ADC:
    case OP_SBB:
        c = gen_compute_cf(s);
        if (op == OP_ADC) {
            tcg_gen_add_i32(r, a, b);
            tcg_gen_add_i32(r, r, c);
        } else {
            tcg_gen_sub_i32(r, a, b);
            tcg_gen_sub_i32(r, r, c);
        }
        gen_ext(r, r, size, false);
        cc_base = op == OP_ADC ? CC_OP_ADCB : CC_OP_SBBB;
        break;
    case OP_AND:
        tcg_gen_and_i32(r, a, b);
        cc_base = CC_OP_LOGICB;
        break;
    case OP_OR:
        tcg_gen_or_i32(r, a, b);
        cc_base = CC_OP_LOGICB;
        break;
    default:
        tcg_gen_xor_i32(r, a, b);
        gen_ext(r, r, size, false);
        cc_base = CC_OP_LOGICB;
        break;
    }
    if (op != OP_CMP) {
        gen_st_op(s, d, r);
    }
    if (c.idx >= 0) {
        tcg_gen_mov_i32(cpu_cc_src2, c);
    }
    gen_set_cc(s, cc_base, size, r, cc_base == CC_OP_LOGICB ? NOARG : b);
}

static void gen_incdec(DisasContext *s, Operand *d, bool inc)
{
    TCGv_i32 v = gen_ld_op(s, d);
    TCGv_i32 c = gen_compute_cf(s);
    TCGv_i32 r = tmp();
    gen_addi(r, v, inc ? 1 : -1);
    gen_ext(r, r, d->size, false);
    gen_st_op(s, d, r);
    gen_set_cc(s, inc ? CC_OP_INCB : CC_OP_DECB, d->size, r, c);
}

/* SHL/SHR/SAR (ROL..RCR go to helper_rotate). */
static void gen_shift(DisasContext *s, int op, Operand *d, Operand *cnt)
{
    int size = d->size;
    if (op == 6) {
        op = 4;                     /* SAL (undocumented /6) = SHL */
    }
    TCGv_i32 count = tmp();
    TCGLabel *skip = NULL;
    if (cnt->am == A_REG) {
        gen_andi(count, gen_ld_reg(1, R_ECX), 0x1f);
    } else {
        if ((cnt->imm & 0x1f) == 0) {
            if (d->mem) {
                /* Count 0: no change, but the access still happens. */
                gen_ld_op(s, d);
            }
            return;
        }
        tcg_gen_movi_i32(count, cnt->imm & 0x1f);
    }
    if (op < 2 && size == 4 && cnt->am != A_REG) {
        /* ROL/ROR r/m32, imm (count != 0): inline; CF/OF as an overlay on
         * the previous lazy flags when it is known and not ADC/SBB
         * (tcg-x86.h, CC_OP_ROL_OVL), else EFLAGS computed now. */
        TCGv_i32 v = gen_ld_op(s, d), r = tmp();
        int n = cnt->imm & 0x1f;
        int prev = s->cc_op & ~(CC_OP_ROL_OVL | CC_OP_ROR_OVL);
        if (op == 0) {
            tcg_gen_rotli_i32(r, v, n);
        } else {
            tcg_gen_rotri_i32(r, v, n);
        }
        gen_st_op(s, d, r);
        if (s->cc_op != CC_DYNAMIC &&
            !(prev >= CC_OP_ADCB && prev <= CC_OP_ADCL) &&
            !(prev >= CC_OP_SBBB && prev <= CC_OP_SBBL)) {
            tcg_gen_mov_i32(cpu_cc_src2, r);
            gen_set_cc_op(s, prev | (op == 0 ? CC_OP_ROL_OVL
                                             : CC_OP_ROR_OVL));
            return;
        }
        TCGv_i32 f = tmp(), c = tmp(), o = tmp();
        gen_andi(f, gen_compute_eflags(s), ~(uint32_t)(CC_C | CC_O));
        if (op == 0) {
            gen_andi(c, r, 1);
            tcg_gen_shri_i32(o, r, 31);
        } else {
            tcg_gen_shri_i32(c, r, 31);
            tcg_gen_shri_i32(o, r, 30);
        }
        tcg_gen_xor_i32(o, o, c);
        gen_andi(o, o, 1);
        tcg_gen_shli_i32(o, o, 11);             /* OF */
        tcg_gen_or_i32(f, f, c);
        tcg_gen_or_i32(f, f, o);
        gen_set_eflags_cc(s, f);
        return;
    }
    if (op < 4) {
        TCGv_i32 v = gen_ld_op(s, d);
        if (d->mem) {
            /* The store may fault and restart RCL/RCR, which read CF:
             * the result first, the flags after the store. */
            TCGv_i32 r = gen_call(s, (void *)helper_rotate, 0, true, 3, v,
                                  count, cst((size << 8) | op |
                                             ROTATE_NO_FLAGS), NOARG);
            gen_st_op(s, d, r);
            CALL3(s, helper_rotate, v, count, cst((size << 8) | op));
        } else {
            TCGv_i32 r = gen_call(s, (void *)helper_rotate, 0, true, 3, v,
                                  count, cst((size << 8) | op), NOARG);
            gen_st_op(s, d, r);
        }
        s->cc_op = CC_DYNAMIC;
        return;
    }
    if (cnt->am == A_REG) {
        /* Make sure the memory operand faults even when the count is 0. */
        skip = gen_new_label();
    }
    TCGv_i32 v = gen_ld_op(s, d);
    if (skip) {
        tcg_gen_brcond_i32(TCG_COND_EQ, count, cst(0), skip);
    }
    TCGv_i32 c1 = tmp(), src = tmp(), r = tmp();
    gen_addi(c1, count, -1);
    /* With an immediate count the result is one shift, independent of
     * the flags' source (dead code when the flags are overwritten). */
    bool imm = cnt->am != A_REG;
    if (op == 4) {
        tcg_gen_shl_i32(src, v, c1);
        tcg_gen_shl_i32(r, imm ? v : src, imm ? count : cst(1));
        gen_ext(r, r, size, false);
        gen_st_op(s, d, r);
        gen_set_cc(s, CC_OP_SHLB, size, r, src);
    } else {
        TCGv_i32 x = tmp();
        gen_ext(x, v, size, op == 7);
        if (op == 5) {
            tcg_gen_shr_i32(src, x, c1);
            tcg_gen_shr_i32(r, imm ? x : src, imm ? count : cst(1));
        } else {
            tcg_gen_sar_i32(src, x, c1);
            tcg_gen_sar_i32(r, imm ? x : src, imm ? count : cst(1));
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

/* MUL/IMUL with one operand: AX/DX:AX/EDX:EAX = accumulator * src. */
static void gen_mul1(DisasContext *s, Operand *o, bool sign)
{
    int size = o->size;
    TCGv_i32 b = gen_ld_op(s, o);
    TCGv_i32 a = gen_ld_reg(size, R_EAX);
    TCGv_i32 lo = tmp(), hi = tmp(), ovf = tmp();
    if (size == 4) {
        gen_mulu2(lo, hi, a, b, sign);
        if (sign) {
            TCGv_i32 t = tmp();
            tcg_gen_sar_i32(t, lo, cst(31));
            tcg_gen_setcond_i32(TCG_COND_NE, ovf, hi, t);
        } else {
            tcg_gen_setcond_i32(TCG_COND_NE, ovf, hi, cst(0));
        }
        gen_st_reg(4, R_EAX, lo);
        gen_st_reg(4, R_EDX, hi);
        gen_set_cc(s, CC_OP_MULB, 4, lo, ovf);      /* MULL: base + size */
        return;
    }
    if (sign) {
        gen_ext(a, a, size, true);
        gen_ext(b, b, size, true);
    }
    tcg_gen_mul_i32(lo, a, b);
    TCGv_i32 t = tmp();
    gen_ext(t, lo, size, sign);
    if (!sign) {
        tcg_gen_shr_i32(t, lo, cst(size * 8));
        tcg_gen_setcond_i32(TCG_COND_NE, ovf, t, cst(0));
    } else {
        tcg_gen_setcond_i32(TCG_COND_NE, ovf, t, lo);
    }
    if (size == 1) {
        gen_st_reg(2, R_EAX, lo);
    } else {
        tcg_gen_shr_i32(hi, lo, cst(16));
        gen_st_reg(2, R_EAX, lo);
        gen_st_reg(2, R_EDX, hi);
    }
    gen_set_cc(s, CC_OP_MULB, size, lo, ovf);
}

/* IMUL r, r/m[, imm]: truncated signed product. */
static void gen_imul2(DisasContext *s, Operand *d, TCGv_i32 a, TCGv_i32 b)
{
    int size = d->size;
    TCGv_i32 lo = tmp(), hi = tmp(), ovf = tmp(), t = tmp();
    if (size == 4) {
        gen_mulu2(lo, hi, a, b, true);
        tcg_gen_sar_i32(t, lo, cst(31));
        tcg_gen_setcond_i32(TCG_COND_NE, ovf, hi, t);
    } else {
        TCGv_i32 x = tmp(), y = tmp();
        gen_ext(x, a, size, true);
        gen_ext(y, b, size, true);
        tcg_gen_mul_i32(lo, x, y);
        gen_ext(t, lo, size, true);
        tcg_gen_setcond_i32(TCG_COND_NE, ovf, t, lo);
        gen_ext(lo, lo, size, false);
    }
    gen_st_op(s, d, lo);
    gen_set_cc(s, CC_OP_MULB, size, lo, ovf);
}

/* ---- string instructions ---- */

static int str_src_seg(DisasContext *s)
{
    return s->prefix_seg >= 0 ? s->prefix_seg : R_DS;
}

static TCGv_i32 gen_areg(DisasContext *s, int r)
{
    return gen_ld_reg(s->aflag, r);
}

static void gen_str_advance(DisasContext *s, int r, int size)
{
    TCGv_i32 t = tmp();
    tcg_gen_shl_i32(t, cpu_df, cst(size == 1 ? 0 : size == 2 ? 1 : 2));
    tcg_gen_add_i32(t, cpu_regs[r], t);
    gen_st_reg(s->aflag, r, t);
}

static void gen_string(DisasContext *s, int mnem, int size)
{
    TCGLabel *done = NULL;
    int sseg = str_src_seg(s);
    if (s->rep && (mnem == M_MOVS || mnem == M_STOS) && s->aflag == 4 &&
        s->pe && !s->vm86 &&
        !((s->hflags >> (HF_SEG_SHIFT + 2 * R_ES)) & 3) &&
        (mnem == M_STOS || !((s->hflags >> (HF_SEG_SHIFT + 2 * sseg)) & 3))) {
        /* Flat segments: the bulk in C (helper_rep_fast), the rest below. */
        CALL1(s, helper_rep_fast,
              cst(size | sseg << 4 | (mnem == M_MOVS ? 0x100 : 0) |
                  s->mmu_idx << 12));
    }
    if (s->rep) {
        done = gen_new_label();
        tcg_gen_brcond_i32(TCG_COND_EQ, gen_areg(s, R_ECX), cst(0), done);
    }
    switch (mnem) {
    case M_MOVS: {
        TCGv_i32 v = gen_ld_seg(s, gen_areg(s, R_ESI), str_src_seg(s), size,
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
        TCGv_i32 v = gen_ld_seg(s, gen_areg(s, R_ESI), str_src_seg(s), size,
                                s->aflag);
        gen_st_reg(size, R_EAX, v);
        gen_str_advance(s, R_ESI, size);
        break;
    }
    case M_CMPS:
    case M_SCAS: {
        TCGv_i32 a, b;
        if (mnem == M_CMPS) {
            a = gen_ld_seg(s, gen_areg(s, R_ESI), str_src_seg(s), size,
                           s->aflag);
        } else {
            a = gen_ld_reg(size, R_EAX);
        }
        b = gen_ld_seg(s, gen_areg(s, R_EDI), R_ES, size, s->aflag);
        TCGv_i32 r = tmp();
        tcg_gen_sub_i32(r, a, b);
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
        TCGv_i32 di = gen_areg(s, R_EDI);
        gen_st_seg(s, di, R_ES, size, s->aflag, cst(0));
        TCGv_i32 v = gen_call(s, (void *)helper_in, 0, true, 2,
                              gen_ld_reg(2, R_EDX), cst(size), NOARG, NOARG);
        gen_st_seg(s, gen_areg(s, R_EDI), R_ES, size, s->aflag, v);
        gen_str_advance(s, R_EDI, size);
        break;
    }
    case M_OUTS: {
        TCGv_i32 v = gen_ld_seg(s, gen_areg(s, R_ESI), str_src_seg(s), size,
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
    TCGv_i32 cx = tmp();
    gen_addi(cx, cpu_regs[R_ECX], -1);
    gen_st_reg(s->aflag, R_ECX, cx);
    if (mnem == M_CMPS || mnem == M_SCAS) {
        /* REPE stops when ZF = 0, REPNE when ZF = 1. */
        TCGv_i32 z = tmp();
        gen_setcc(s, 4 | (s->rep == 3), z);     /* Z (repne) / NZ (repe) */
        tcg_gen_brcond_i32(TCG_COND_NE, z, cst(0), done);
    }
    tcg_gen_brcond_i32(TCG_COND_EQ, gen_areg(s, R_ECX), cst(0), done);
    gen_jmp_tb(s, s->pc_start, 1);
    gen_set_label(done);
    gen_jmp_tb(s, s->pc, 0);
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
    case S_P: return s->dflag + 2;
    default: return 0;
    }
}

/* Decode the operands an entry names; false: #UD. */
static bool decode_operands(DisasContext *s, const X86OpEntry *e)
{
    bool ea_done = false;
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
            o->reg = s->reg;
            if (s->reg > R_GS) {
                return false;
            }
            break;
        case A_C:
        case A_D:
            o->reg = s->reg;
            break;
        case A_Z:
            o->reg = s->opcode & 7;
            break;
        case A_I:
            o->imm = fetch(s, o->size == 1 ? 1 : o->size);
            break;
        case A_IS:
            o->imm = (int8_t)fetch(s, 1);
            if (o->size == 2) {
                o->imm &= 0xffff;
            }
            break;
        case A_J:
            if (o->size == 1) {
                o->imm = (int8_t)fetch(s, 1);
            } else {
                o->imm = fetch(s, o->size);
                if (o->size == 2) {
                    o->imm = (int16_t)o->imm;
                }
            }
            break;
        case A_ONE:
            o->imm = 1;
            break;
        case A_O: {
            uint32_t off = fetch(s, s->aflag);
            o->mem = true;
            s->ea_off = tmp();
            tcg_gen_movi_i32(s->ea_off, off);
            s->ea_seg = s->prefix_seg >= 0 ? s->prefix_seg : R_DS;
            s->ea_lin = gen_linear(s, s->ea_off, s->ea_seg);
            break;
        }
        case A_AP:
            o->imm = fetch(s, s->dflag);
            o->imm2 = fetch(s, 2);
            break;
        }
    }
    return true;
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
static void gen_shiftd(DisasContext *s, bool right, Operand *d, Operand *so,
                       Operand *cnt)
{
    int size = d->size;
    TCGv_i32 count = tmp();
    TCGLabel *skip = NULL;
    if (cnt->am == A_REG) {
        gen_andi(count, gen_ld_reg(1, R_ECX), 0x1f);
        skip = gen_new_label();
    } else if ((cnt->imm & 0x1f) == 0) {
        if (d->mem) {
            gen_ld_op(s, d);        /* the access still happens */
        }
        return;
    } else {
        tcg_gen_movi_i32(count, cnt->imm & 0x1f);
    }
    TCGv_i32 v = gen_ld_op(s, d);
    TCGv_i32 b = gen_ld_reg(size, so->reg);
    if (skip) {
        tcg_gen_brcond_i32(TCG_COND_EQ, count, cst(0), skip);
    }
    TCGv_i64 x = tcg_temp_new_i64(), y = tcg_temp_new_i64();
    TCGv_i64 c64 = tcg_temp_new_i64();
    TCGv_i32 c1 = tmp(), hi = tmp(), lo = tmp(), src = tmp(), r = tmp();
    if (size == 4) {
        tcg_gen_mov_i32(hi, right ? b : v);
        tcg_gen_mov_i32(lo, right ? v : b);
    } else {
        /* hi:lo = d:s:s (SHLD) or s:s:d (SHRD), 48 bits */
        TCGv_i32 t = tmp();
        tcg_gen_shli_i32(t, b, 16);
        tcg_gen_or_i32(lo, t, right ? v : b);
        tcg_gen_mov_i32(hi, right ? b : v);
    }
    tcg_gen_extu_i32_i64(x, hi);
    tcg_gen_shl_i64(x, x, tcg_constant_i64(32));
    tcg_gen_extu_i32_i64(y, lo);
    tcg_gen_or_i64(x, x, y);
    gen_addi(c1, count, -1);
    tcg_gen_extu_i32_i64(c64, c1);
    if (!right) {
        /* the result is bits [32, 32 + size*8) after the shift */
        tcg_gen_shl_i64(x, x, c64);
        tcg_gen_extrh_i64_i32(src, x);
        gen_ext(src, src, size, false);
        tcg_gen_shl_i64(x, x, tcg_constant_i64(1));
        tcg_gen_extrh_i64_i32(r, x);
        gen_ext(r, r, size, false);
        gen_st_op(s, d, r);
        gen_set_cc(s, CC_OP_SHLB, size, r, src);
    } else {
        tcg_gen_shr_i64(x, x, c64);
        tcg_gen_extrl_i64_i32(src, x);
        gen_ext(src, src, size, false);
        tcg_gen_shr_i64(x, x, tcg_constant_i64(1));
        tcg_gen_extrl_i64_i32(r, x);
        gen_ext(r, r, size, false);
        gen_st_op(s, d, r);
        gen_set_cc(s, CC_OP_SARB, size, r, src);
    }
    if (skip) {
        gen_set_label(skip);
        s->cc_op = CC_DYNAMIC;
    }
}

/* CMPXCHG r/m, r: compare with the accumulator (flags as CMP acc, r/m). */
static void gen_cmpxchg(DisasContext *s, Operand *d, Operand *so)
{
    int size = d->size;
    TCGv_i32 dv = gen_ld_op(s, d);
    TCGv_i32 src = gen_ld_reg(size, so->reg);
    TCGv_i32 acc = gen_ld_reg(size, R_EAX);
    TCGv_i32 nd = tmp(), r = tmp();
    gen_movcond(TCG_COND_EQ, nd, acc, dv, src, dv);
    tcg_gen_sub_i32(r, acc, dv);
    gen_ext(r, r, size, false);
    if (d->mem) {
        /* The destination is written either way (a locked cycle); the
         * store may fault, so it comes before any register write. */
        gen_st_op(s, d, nd);
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
    TCGv_i32 dv = gen_ld_op(s, d);
    TCGv_i32 sv = gen_ld_reg(size, so->reg);
    TCGv_i32 r = tmp();
    tcg_gen_add_i32(r, dv, sv);
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

/* CMPXCHG8B m64: EDX:EAX against m64; ZF only. */
static void gen_cmpxchg8b(DisasContext *s)
{
    TCGv_i64 m = tcg_temp_new_i64(), n = tcg_temp_new_i64();
    TCGv_i64 h = tcg_temp_new_i64();
    TCGv_i32 lo = tmp(), hi = tmp(), t = tmp(), u = tmp(), eq = tmp();
    TCGv_i32 nlo = tmp(), nhi = tmp();
    /* The destination is written whether or not the compare succeeds
     * (SDM CMPXCHG8B): check it as a write. */
    gen_check_seg(s, s->ea_off, s->ea_seg, 8, s->aflag, true);
    tcg_gen_qemu_ld_i64(m, s->ea_lin, s->mmu_idx, MO_UQ);
    tcg_gen_extrl_i64_i32(lo, m);
    tcg_gen_extrh_i64_i32(hi, m);
    tcg_gen_xor_i32(t, lo, cpu_regs[R_EAX]);
    tcg_gen_xor_i32(u, hi, cpu_regs[R_EDX]);
    tcg_gen_or_i32(t, t, u);
    tcg_gen_setcond_i32(TCG_COND_EQ, eq, t, cst(0));
    gen_movcond(TCG_COND_NE, nlo, eq, cst(0), cpu_regs[R_EBX], lo);
    gen_movcond(TCG_COND_NE, nhi, eq, cst(0), cpu_regs[R_ECX], hi);
    tcg_gen_extu_i32_i64(n, nlo);
    tcg_gen_extu_i32_i64(h, nhi);
    tcg_gen_shl_i64(h, h, tcg_constant_i64(32));
    tcg_gen_or_i64(n, n, h);
    TCGv_i32 f = gen_compute_eflags(s);
    tcg_gen_qemu_st_i64(n, s->ea_lin, s->mmu_idx, MO_UQ);
    tcg_gen_mov_i32(cpu_regs[R_EAX], lo);
    tcg_gen_mov_i32(cpu_regs[R_EDX], hi);
    gen_andi(f, f, ~CC_Z);
    tcg_gen_shli_i32(eq, eq, 6);
    tcg_gen_or_i32(f, f, eq);
    gen_set_eflags_cc(s, f);
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
static void gen_ld_farptr(DisasContext *s, TCGv_i32 *off, TCGv_i32 *sel)
{
    gen_check_limit(s, s->ea_off, s->ea_seg, s->dflag + 2, s->aflag);
    *off = gen_ld_mem(s, s->ea_lin, s->dflag);
    TCGv_i32 a = tmp();
    gen_addi(a, s->ea_lin, s->dflag);
    *sel = gen_ld_mem(s, a, 2);
}

static void gen_insn(DisasContext *s)
{
    const X86OpEntry *e = s->e;
    Operand *o0 = &s->op[0], *o1 = &s->op[1], *o2 = &s->op[2];
    uint32_t next = s->pc;
    TCGv_i32 t, u, sp;

    switch (e->mnem) {
    case M_ALU:
        gen_alu(s, e->extra, o0, gen_ld_op(s, o0), gen_ld_op(s, o1));
        break;
    case M_TEST: {
        TCGv_i32 r = tmp();
        tcg_gen_and_i32(r, gen_ld_op(s, o0), gen_ld_op(s, o1));
        gen_set_cc(s, CC_OP_LOGICB, o0->size, r, NOARG);
        break;
    }
    case M_INC:
    case M_DEC:
        gen_incdec(s, o0, e->mnem == M_INC);
        break;
    case M_NOT:
        t = tmp();
        tcg_gen_not_i32(t, gen_ld_op(s, o0));
        gen_ext(t, t, o0->size, false);
        gen_st_op(s, o0, t);
        break;
    case M_NEG: {
        TCGv_i32 v = gen_ld_op(s, o0);
        t = tmp();
        tcg_gen_neg_i32(t, v);
        gen_ext(t, t, o0->size, false);
        gen_st_op(s, o0, t);
        gen_set_cc(s, CC_OP_SUBB, o0->size, t, v);
        break;
    }
    case M_MOV:
        gen_st_op(s, o0, gen_ld_op(s, o1));
        break;
    case M_MOVSEG:
        if (o0->am == A_S) {
            if (o0->reg == R_CS) {
                gen_exception(s, EXCP06_ILLOP);
                break;
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
        break;
    case M_LEA:
        t = tmp();
        gen_ext(t, s->ea_off, o0->size, false);
        gen_st_reg(o0->size, o0->reg, t);
        break;
    case M_XCHG: {
        TCGv_i32 a = gen_ld_op(s, o0), b = gen_ld_op(s, o1);
        gen_st_op(s, o0, b);
        gen_st_op(s, o1, a);
        break;
    }
    case M_NOP:
        break;
    case M_WAIT:
        gen_sync_eip(s);
        CALL0(s, helper_fwait_insn);
        break;
    case M_PUSH:
        if (o0->am == A_Z && o0->reg == R_ESP) {
            /* 286 and later push the value SP had before the push. */
        }
        gen_push(s, gen_ld_op(s, o0), o0->am == A_SEG ? s->dflag : o0->size);
        break;
    case M_POP:
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
                TCGv_i32 off = tmp();
                tcg_gen_addi_i32(off, s->ea_off, o0->size);
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
        break;
    case M_PUSHA: {
        int sz = s->dflag;
        TCGv_i32 old = gen_ld_reg(s->ss32 ? 4 : 2, R_ESP);
        /* Both ends of the range before any store (SDM PUSHA: #SS(0) if
         * the starting or ending address is outside the limit); the loop
         * checks the top one first. */
        gen_check_seg(s, gen_sp_off(s, -sz * 8), R_SS, sz, s->ss32 ? 4 : 2,
                      true);
        for (int i = 0; i < 8; i++) {
            TCGv_i32 a = gen_sp_off(s, -sz * (i + 1));
            gen_st_seg(s, a, R_SS, sz, s->ss32 ? 4 : 2,
                       i == R_ESP ? old : gen_ld_reg(sz, i));
        }
        gen_set_sp(s, gen_sp_off(s, -sz * 8));
        break;
    }
    case M_POPA: {
        int sz = s->dflag;
        TCGv_i32 v[8];
        for (int i = 0; i < 8; i++) {
            v[i] = gen_ld_seg(s, gen_sp_off(s, sz * (7 - i)), R_SS, sz,
                              s->ss32 ? 4 : 2);
        }
        sp = gen_sp_off(s, sz * 8);
        for (int i = 0; i < 8; i++) {
            if (i != R_ESP) {
                gen_st_reg(sz, i, v[i]);
            }
        }
        gen_set_sp(s, sp);
        break;
    }
    case M_BOUND:
        gen_check_limit(s, s->ea_off, s->ea_seg, 2 * o0->size, s->aflag);
        gen_sync_eip(s);
        CALL3(s, helper_bound, gen_ld_reg(o0->size, o0->reg), s->ea_lin,
              cst(o0->size));
        break;
    case M_IMUL3:
        gen_imul2(s, o0, gen_ld_op(s, o1), gen_ld_op(s, o2));
        break;
    case M_IMUL2:
        gen_imul2(s, o0, gen_ld_op(s, o0), gen_ld_op(s, o1));
        break;
    case M_MUL:
    case M_IMUL1:
        gen_mul1(s, o0, e->mnem == M_IMUL1);
        break;
    case M_DIV:
    case M_IDIV:
        if (e->mnem == M_DIV && o0->size == 4 && !o0->mem) {
            /* Inline unless it would raise #DE (then helper_div). */
            TCGLabel *slow = gen_new_label(), *done = gen_new_label();
            TCGv_i32 q = tmp(), r = tmp();
            t = gen_ld_op(s, o0);
            /* EDX >= divisor also catches a zero divisor. */
            tcg_gen_brcond_i32(TCG_COND_GEU, cpu_regs[R_EDX], t, slow);
            tcg_gen_divu2_i32(q, r, cpu_regs[R_EAX], cpu_regs[R_EDX], t);
            tcg_gen_mov_i32(cpu_regs[R_EAX], q);
            tcg_gen_mov_i32(cpu_regs[R_EDX], r);
            tcg_gen_br(done);
            gen_set_label(slow);
            gen_sync_eip(s);
            CALL2(s, helper_div, gen_ld_op(s, o0), cst(4));
            gen_set_label(done);
            break;
        }
        t = gen_ld_op(s, o0);
        gen_sync_eip(s);
        CALL2(s, e->mnem == M_DIV ? (void *)helper_div : (void *)helper_idiv,
              t, cst(o0->size));
        break;
    case M_SHIFT:
        gen_shift(s, e->extra, o0, o1);
        break;
    case M_CBW:
        t = tmp();
        if (s->dflag == 2) {
            tcg_gen_ext8s_i32(t, cpu_regs[R_EAX]);
            gen_st_reg(2, R_EAX, t);
        } else {
            tcg_gen_ext16s_i32(t, cpu_regs[R_EAX]);
            gen_st_reg(4, R_EAX, t);
        }
        break;
    case M_CWD:
        t = tmp();
        if (s->dflag == 2) {
            tcg_gen_ext16s_i32(t, cpu_regs[R_EAX]);
            tcg_gen_sar_i32(t, t, cst(15));
            gen_st_reg(2, R_EDX, t);
        } else {
            tcg_gen_sar_i32(t, cpu_regs[R_EAX], cst(31));
            gen_st_reg(4, R_EDX, t);
        }
        break;
    case M_JCC: {
        TCGLabel *l = gen_new_label();
        TCGCond cond;
        TCGv_i32 a, b;
        if (gen_cc_test(s, e->extra >> 1, &cond, &a, &b)) {
            tcg_gen_brcond_i32(e->extra & 1 ? cond_invert(cond) : cond, a, b,
                               l);
        } else {
            t = tmp();
            gen_setcc(s, e->extra, t);
            tcg_gen_brcond_i32(TCG_COND_NE, t, cst(0), l);
        }
        gen_jmp_tb(s, next, 0);
        gen_set_label(l);
        gen_jmp_rel(s, next + o0->imm, 1);
        break;
    }
    case M_SETCC:
        t = tmp();
        gen_setcc(s, e->extra, t);
        gen_st_op(s, o0, t);
        break;
    case M_CMOV: {
        TCGv_i32 v = gen_ld_op(s, &s->op[1]);
        t = tmp();
        gen_setcc(s, e->extra, t);
        TCGv_i32 r = tmp();
        gen_movcond(TCG_COND_NE, r, t, cst(0), v, gen_ld_reg(o0->size, o0->reg));
        gen_st_reg(o0->size, o0->reg, r);
        break;
    }
    case M_LOOP:
    case M_JCXZ: {
        TCGLabel *l = gen_new_label();
        TCGv_i32 cx = gen_areg(s, R_ECX);
        if (e->mnem == M_JCXZ) {
            tcg_gen_brcond_i32(TCG_COND_EQ, cx, cst(0), l);
        } else {
            gen_addi(cx, cx, -1);
            gen_st_reg(s->aflag, R_ECX, cx);
            gen_ext(cx, cx, s->aflag, false);
            t = tmp();
            tcg_gen_setcond_i32(TCG_COND_NE, t, cx, cst(0));
            if (e->extra < 2) {
                TCGv_i32 z = tmp();
                gen_setcc(s, e->extra == 0 ? 5 : 4, z);   /* NZ / Z */
                tcg_gen_and_i32(t, t, z);
            }
            tcg_gen_brcond_i32(TCG_COND_NE, t, cst(0), l);
        }
        gen_jmp_tb(s, next, 0);
        gen_set_label(l);
        gen_jmp_rel(s, next + o0->imm, 1);
        break;
    }
    case M_JMP:
        gen_jmp_rel(s, next + o0->imm, 0);
        break;
    case M_CALL:
        gen_push(s, cst(next), s->dflag);
        gen_jmp_rel(s, next + o0->imm, 0);
        break;
    case M_JMPI:
        t = gen_ld_op(s, o0);
        tcg_gen_mov_i32(cpu_eip, t);
        gen_jmp_indirect(s);
        break;
    case M_CALLI:
        t = gen_ld_op(s, o0);
        gen_push(s, cst(next), s->dflag);
        tcg_gen_mov_i32(cpu_eip, t);
        gen_jmp_indirect(s);
        break;
    case M_RET:
        t = gen_pop(s, s->dflag, &sp);
        if (o0->am == A_I) {
            gen_addi(sp, sp, o0->imm);
            if (!s->ss32) {
                tcg_gen_ext16u_i32(sp, sp);
            }
        }
        gen_set_sp(s, sp);
        tcg_gen_mov_i32(cpu_eip, t);
        gen_jmp_indirect(s);
        break;
    case M_JMPF:
        gen_sync_eip(s);
        CALL3(s, helper_ljmp, cst(o0->imm2), cst(o0->imm), cst(next));
        tcg_gen_exit_tb(0);
        s->done = true;
        break;
    case M_CALLF:
        gen_sync_eip(s);
        CALL4(s, helper_lcall, cst(o0->imm2), cst(o0->imm), cst(s->dflag),
              cst(next));
        tcg_gen_exit_tb(0);
        s->done = true;
        break;
    case M_JMPFI:
    case M_CALLFI:
        gen_ld_farptr(s, &t, &u);
        gen_sync_eip(s);
        if (e->mnem == M_JMPFI) {
            CALL3(s, helper_ljmp, u, t, cst(next));
        } else {
            CALL4(s, helper_lcall, u, t, cst(s->dflag), cst(next));
        }
        tcg_gen_exit_tb(0);
        s->done = true;
        break;
    case M_RETF:
        gen_sync_eip(s);
        CALL2(s, helper_lret, cst(s->dflag), cst(o0->am == A_I ? o0->imm : 0));
        tcg_gen_exit_tb(0);
        s->done = true;
        break;
    case M_INT3:
    case M_INT:
        gen_sync_eip(s);
        CALL2(s, helper_int, cst(e->mnem == M_INT3 ? 3 : o0->imm), cst(next));
        tcg_gen_exit_tb(0);
        s->done = true;
        break;
    case M_INTO: {
        TCGLabel *l = gen_new_label();
        t = tmp();
        gen_setcc(s, 1, t);                 /* NO */
        tcg_gen_brcond_i32(TCG_COND_NE, t, cst(0), l);
        gen_sync_eip(s);
        CALL2(s, helper_int, cst(EXCP04_INTO), cst(next));
        gen_set_label(l);
        gen_jmp_tb(s, next, 0);
        break;
    }
    case M_IRET:
        gen_sync_eip(s);
        CALL1(s, helper_iret, cst(s->dflag));
        s->cc_op = CC_OP_EFLAGS;
        tcg_gen_exit_tb(0);
        s->done = true;
        break;
    case M_LXS: {
        TCGv_i32 off, sel;
        gen_ld_farptr(s, &off, &sel);
        gen_load_seg(s, e->extra, sel);
        gen_st_reg(o0->size, o0->reg, off);
        break;
    }
    case M_ENTER:
        gen_sync_eip(s);
        CALL3(s, helper_enter, cst(o0->imm), cst(o1->imm), cst(s->dflag));
        break;
    case M_LEAVE: {
        TCGv_i32 bp = gen_ld_reg(s->ss32 ? 4 : 2, R_EBP);
        TCGv_i32 v = gen_ld_seg(s, bp, R_SS, s->dflag, s->ss32 ? 4 : 2);
        TCGv_i32 nsp = tmp();
        gen_addi(nsp, bp, s->dflag);
        gen_set_sp(s, nsp);
        gen_st_reg(s->dflag, R_EBP, v);
        break;
    }
    case M_PUSHF:
        if (s->vm86 && ((s->env->eflags & IOPL_MASK) >> 12) < 3) {
            gen_exception(s, EXCP0D_GPF);
            break;
        }
        t = gen_call(s, (void *)helper_read_eflags, TCG_CALL_NO_WG, true, 0,
                     NOARG, NOARG, NOARG, NOARG);
        gen_andi(t, t, ~(VM_MASK | RF_MASK));
        gen_push(s, t, s->dflag);
        break;
    case M_POPF: {
        uint32_t mask = TF_MASK | AC_MASK | ID_MASK | NT_MASK | IF_MASK |
                        IOPL_MASK | DF_MASK | CC_ARITH;
        if (s->vm86 && ((s->env->eflags & IOPL_MASK) >> 12) < 3) {
            gen_exception(s, EXCP0D_GPF);       /* no VME */
            break;
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
        break;
    }
    case M_SAHF:
        t = gen_compute_eflags(s);
        gen_andi(t, t, CC_O);
        u = gen_ld_reg(1, 4);
        gen_andi(u, u, CC_S | CC_Z | CC_A | CC_P | CC_C);
        tcg_gen_or_i32(t, t, u);
        gen_set_eflags_cc(s, t);
        break;
    case M_LAHF:
        t = gen_compute_eflags(s);
        gen_andi(t, t, CC_S | CC_Z | CC_A | CC_P | CC_C);
        tcg_gen_or_i32(t, t, cst(2));
        gen_st_reg(1, 4, t);
        break;
    case M_CMC:
        t = gen_compute_eflags(s);
        tcg_gen_xor_i32(t, t, cst(CC_C));
        gen_set_eflags_cc(s, t);
        break;
    case M_FLAG:
        switch (e->extra) {
        case 0: /* CLC */
        case 1: /* STC */
            t = gen_compute_eflags(s);
            if (e->extra) {
                tcg_gen_or_i32(t, t, cst(CC_C));
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
            tcg_gen_ld_i32(t, offsetof(CPUX86State, eflags));
            if (e->extra == 3) {
                tcg_gen_or_i32(t, t, cst(IF_MASK));
                s->end_after_next = true;
            } else {
                gen_andi(t, t, ~IF_MASK);
            }
            tcg_gen_st_i32(t, offsetof(CPUX86State, eflags));
            break;
        case 4: /* CLD */
        case 5: /* STD */
            t = tmp();
            tcg_gen_ld_i32(t, offsetof(CPUX86State, eflags));
            if (e->extra == 5) {
                tcg_gen_or_i32(t, t, cst(DF_MASK));
                tcg_gen_movi_i32(cpu_df, -1);
            } else {
                gen_andi(t, t, ~DF_MASK);
                tcg_gen_movi_i32(cpu_df, 1);
            }
            tcg_gen_st_i32(t, offsetof(CPUX86State, eflags));
            break;
        }
        break;
    case M_HLT:
        gen_sync_eip(s);
        CALL1(s, helper_hlt, cst(next));
        tcg_gen_exit_tb(0);
        s->done = true;
        break;
    case M_AAA: gen_sync_eip(s); CALL0(s, helper_aaa); s->cc_op = CC_OP_EFLAGS; break;
    case M_AAS: gen_sync_eip(s); CALL0(s, helper_aas); s->cc_op = CC_OP_EFLAGS; break;
    case M_DAA: gen_sync_eip(s); CALL0(s, helper_daa); s->cc_op = CC_OP_EFLAGS; break;
    case M_DAS: gen_sync_eip(s); CALL0(s, helper_das); s->cc_op = CC_OP_EFLAGS; break;
    case M_AAM:
        gen_sync_eip(s);
        CALL1(s, helper_aam, cst(o0->imm));
        s->cc_op = CC_OP_EFLAGS;
        break;
    case M_AAD:
        gen_sync_eip(s);
        CALL1(s, helper_aad, cst(o0->imm));
        s->cc_op = CC_OP_EFLAGS;
        break;
    case M_SALC:
        t = gen_compute_cf(s);
        tcg_gen_neg_i32(t, t);
        gen_st_reg(1, R_EAX, t);
        break;
    case M_XLAT: {
        TCGv_i32 a = tmp();
        tcg_gen_add_i32(a, cpu_regs[R_EBX], gen_ld_reg(1, R_EAX));
        gen_ext(a, a, s->aflag, false);
        gen_check_limit(s, a, str_src_seg(s), 1, s->aflag);
        gen_st_reg(1, R_EAX, gen_ld_mem(s, gen_linear(s, a, str_src_seg(s)), 1));
        break;
    }
    case M_IN:
        gen_sync_eip(s);
        t = gen_call(s, (void *)helper_in, 0, true, 2,
                     o1->am == A_I ? cst(o1->imm) : gen_ld_reg(2, R_EDX),
                     cst(o0->size), NOARG, NOARG);
        gen_st_reg(o0->size, R_EAX, t);
        break;
    case M_OUT:
        gen_sync_eip(s);
        CALL3(s, helper_out,
              o0->am == A_I ? cst(o0->imm) : gen_ld_reg(2, R_EDX),
              gen_ld_reg(o1->size, R_EAX), cst(o1->size));
        /* A port write may remap memory (PAM, PCI BARs): back to the loop. */
        gen_exit_next(s);
        break;
    case M_MOVS: case M_CMPS: case M_STOS: case M_LODS: case M_SCAS:
    case M_INS: case M_OUTS:
        gen_string(s, e->mnem, e->mnem == M_OUTS ? o1->size : o0->size);
        break;
    case M_FPU: {
        /* ESC D8-DF: the x87 helper does the whole instruction (#NM,
         * #MF, the memory operand, FCOMI's EFLAGS, FNSTSW AX). */
        int seg = s->mod != 3 ? s->ea_seg : R_DS;
        uint32_t info = (s->opcode & 0xff) | (uint32_t)s->modrm << 8 |
                        (uint32_t)(s->dflag == 4) << 16 |
                        (uint32_t)seg << 20;
        gen_sync_eip(s);
        CALL3(s, helper_x87_insn, cst(info),
              s->mod != 3 ? s->ea_lin : cst(0), cst(s->cs_base + s->pc_start));
        s->cc_op = CC_DYNAMIC;
        break;
    }
    case M_EMMS:
        gen_sync_eip(s);
        CALL0(s, helper_emms_insn);
        break;
    case M_SHLD:
    case M_SHRD:
        gen_shiftd(s, e->mnem == M_SHRD, o0, o1, o2);
        break;
    case M_BSF:
    case M_BSR:
        t = gen_call(s, (void *)helper_bitscan, 0, true, 3, gen_ld_op(s, o1),
                     gen_ld_reg(o0->size, o0->reg), cst(e->mnem == M_BSR),
                     NOARG);
        s->cc_op = CC_OP_EFLAGS;
        gen_st_reg(o0->size, o0->reg, t);
        break;
    case M_CMPXCHG:
        gen_cmpxchg(s, o0, o1);
        break;
    case M_XADD:
        gen_xadd(s, o0, o1);
        break;
    case M_CMPXCHG8B:
        gen_cmpxchg8b(s);
        break;
    case M_LAR:
    case M_LSL:
        if (!s->pe || s->vm86) {
            gen_exception(s, EXCP06_ILLOP);
            break;
        }
        t = gen_ld_op(s, o1);
        gen_sync_eip(s);
        CALL3(s, helper_lar_lsl, t, cst(e->mnem == M_LSL),
              cst(o0->size << 8 | o0->reg));
        s->cc_op = CC_OP_EFLAGS;
        break;
    case M_ARPL: {
        /* ARPL r/m16, r16: raise the RPL of r/m to that of r (ZF). */
        if (!s->pe || s->vm86) {
            gen_exception(s, EXCP06_ILLOP);
            break;
        }
        TCGv_i32 d = gen_ld_op(s, o0), rs = tmp(), rd = tmp(), lt = tmp();
        TCGv_i32 nd = tmp(), f = gen_compute_eflags(s);
        gen_andi(rs, gen_ld_reg(2, o1->reg), 3);
        gen_andi(rd, d, 3);
        tcg_gen_setcond_i32(TCG_COND_LTU, lt, rd, rs);
        gen_andi(nd, d, ~3u);
        tcg_gen_or_i32(nd, nd, rs);
        gen_movcond(TCG_COND_NE, nd, lt, cst(0), nd, d);
        gen_st_op(s, o0, nd);
        gen_andi(f, f, ~CC_Z);
        tcg_gen_shli_i32(lt, lt, 6);
        tcg_gen_or_i32(f, f, lt);
        gen_set_eflags_cc(s, f);
        break;
    }
    case M_MOVDR:
        gen_sync_eip(s);
        if (e->extra) {
            CALL2(s, helper_mov_dr, cst(o0->reg), gen_ld_reg(4, o1->reg));
            gen_exit_next(s);   /* the loop re-checks breakpoints */
        } else {
            t = gen_call(s, (void *)helper_read_dr, 0, true, 1, cst(o1->reg),
                         NOARG, NOARG, NOARG);
            gen_st_reg(4, o0->reg, t);
        }
        break;
    case M_RDPMC:
        gen_sync_eip(s);
        CALL0(s, helper_rdpmc);
        break;
    case M_ICEBP:
        /* INT1: a #DB trap (no IDT DPL check): the return address is the
         * next instruction. */
        tcg_gen_movi_i32(cpu_eip, next);
        CALL1(s, helper_raise, cst(EXCP01_DB));
        tcg_gen_exit_tb(0);
        s->done = true;
        break;
    case M_SYSENTER:
    case M_SYSEXIT:
        gen_sync_eip(s);
        CALL0(s, e->mnem == M_SYSENTER ? (void *)helper_sysenter
                                       : (void *)helper_sysexit);
        tcg_gen_exit_tb(0);
        s->done = true;
        break;
    case M_MOVZX:
    case M_MOVSX:
        t = tmp();
        gen_ext(t, gen_ld_op(s, o1), o1->size, e->mnem == M_MOVSX);
        gen_st_reg(o0->size, o0->reg, t);
        break;
    case M_BSWAP: {
        TCGv_i32 v = cpu_regs[o0->reg], r = tmp();
        t = tmp();
        if (s->dflag == 2) {
            /* Undefined; x86 hosts clear the low word. */
            gen_st_reg(2, o0->reg, cst(0));
            break;
        }
        tcg_gen_shl_i32(r, v, cst(24));
        gen_extract(t, v, 8, 8);
        tcg_gen_shl_i32(t, t, cst(16));
        tcg_gen_or_i32(r, r, t);
        gen_extract(t, v, 16, 8);
        tcg_gen_shl_i32(t, t, cst(8));
        tcg_gen_or_i32(r, r, t);
        gen_extract(t, v, 24, 8);
        tcg_gen_or_i32(r, r, t);
        tcg_gen_mov_i32(cpu_regs[o0->reg], r);
        break;
    }
    case M_BT: {
        /* BT BTS BTR BTC; memory forms with a register offset address the
         * bit string beyond the operand (SDM BT). */
        int size = o0->size;
        TCGv_i32 bit = gen_ld_op(s, o1), v, a = NOARG;
        if (o0->mem && o1->am != A_I) {
            TCGv_i32 disp = tmp();
            gen_ext(disp, bit, size, true);
            tcg_gen_sar_i32(disp, disp, cst(size == 2 ? 4 : 5));
            tcg_gen_shl_i32(disp, disp, cst(size == 2 ? 1 : 2));
            /* The segment checks apply to the operand actually touched:
             * EA + disp, wrapped to the address size. */
            TCGv_i32 off = tmp();
            tcg_gen_add_i32(off, s->ea_off, disp);
            if (s->aflag == 2) {
                tcg_gen_ext16u_i32(off, off);
            }
            gen_check_seg(s, off, s->ea_seg, size, s->aflag, e->extra != 0);
            a = gen_linear(s, off, s->ea_seg);
            v = gen_ld_mem(s, a, size);
        } else {
            v = gen_ld_op(s, o0);
        }
        TCGv_i32 n = tmp(), cf = tmp(), m = tmp(), r = tmp();
        gen_andi(n, bit, size * 8 - 1);
        tcg_gen_shr_i32(cf, v, n);
        gen_andi(cf, cf, 1);
        if (e->extra) {
            tcg_gen_shl_i32(m, cst(1), n);
            if (e->extra == 1) {
                tcg_gen_or_i32(r, v, m);
            } else if (e->extra == 2) {
                tcg_gen_not_i32(m, m);
                tcg_gen_and_i32(r, v, m);
            } else {
                tcg_gen_xor_i32(r, v, m);
            }
            if (a.idx >= 0) {
                gen_st_mem(s, a, size, r);
            } else {
                gen_st_op(s, o0, r);
            }
        }
        TCGv_i32 f = gen_compute_eflags(s);
        gen_andi(f, f, ~CC_C);
        tcg_gen_or_i32(f, f, cf);
        gen_set_eflags_cc(s, f);
        break;
    }
    case M_CPUID:
        CALL0(s, helper_cpuid);
        break;
    case M_RDTSC:
        gen_sync_eip(s);
        CALL0(s, helper_rdtsc);
        break;
    case M_RDMSR:
        gen_sync_eip(s);
        CALL0(s, helper_rdmsr);
        break;
    case M_WRMSR:
        gen_sync_eip(s);
        CALL0(s, helper_wrmsr);
        gen_exit_next(s);
        break;
    case M_INVD:
        /* INVD / WBINVD: no caches; privileged (#GP(0) outside ring 0). */
        if (s->pe && s->cpl > 0) {
            gen_exception(s, EXCP0D_GPF);
        }
        break;
    case M_CLTS:
        gen_sync_eip(s);
        CALL0(s, helper_clts);
        gen_exit_next(s);
        break;
    case M_MOVCR:
        gen_sync_eip(s);
        if (e->extra) {
            CALL2(s, helper_mov_cr, cst(o0->reg), gen_ld_reg(4, o1->reg));
            gen_exit_next(s);
        } else {
            t = gen_call(s, (void *)helper_read_cr, 0, true, 1, cst(o1->reg),
                         NOARG, NOARG, NOARG);
            gen_st_reg(4, o0->reg, t);
        }
        break;
    case M_GRP6:
        if (!s->pe || s->vm86) {
            gen_exception(s, EXCP06_ILLOP);
            break;
        }
        switch (e->extra) {
        case 0: /* SLDT */
        case 1: /* STR */
            t = tmp();
            tcg_gen_ld_i32(t, e->extra ? offsetof(CPUX86State, tr.selector)
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
        break;
    case M_GRP7:
        switch (e->extra) {
        case 0: /* SGDT */
        case 1: /* SIDT */
            gen_check_seg(s, s->ea_off, s->ea_seg, 6, s->aflag, true);
            gen_sync_eip(s);
            CALL2(s, helper_sgdt_sidt, s->ea_lin, cst(e->extra));
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
            tcg_gen_ld_i32(t, offsetof(CPUX86State, cr[0]));
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
        break;
    case M_UD:
        gen_exception(s, EXCP06_ILLOP);
        break;
    default:
        gen_unimp(s);
        break;
    }
}

/*
 * An MMX/SSE instruction of the 0F map: ModRM, effective address and imm8
 * here, everything else in helper_sse.
 */
static void gen_sse(DisasContext *s, int pfx, int opc)
{
    TCGv_i32 ea = cst(0);
    uint32_t seg = 0;               /* 8 | segment of a memory operand */
    s->modrm = fetch(s, 1);
    s->mod = s->modrm >> 6;
    s->reg = (s->modrm >> 3) & 7;
    s->rm = s->modrm & 7;
    if (opc == 0xf7) {
        /* MASKMOVQ / MASKMOVDQU store to DS:(E)DI */
        ea = gen_linear(s, gen_areg(s, R_EDI), str_src_seg(s));
    } else if (s->mod != 3) {
        gen_modrm_ea(s);
        ea = s->ea_lin;
        seg = 8 | s->ea_seg;
    }
    uint32_t imm = sse_opcode_has_imm8(pfx, opc) ? fetch(s, 1) : 0;
    if (s->lock) {
        gen_exception(s, EXCP06_ILLOP);
        return;
    }
    gen_sync_eip(s);
    CALL3(s, helper_sse_insn, cst(pfx),
          cst(opc | s->modrm << 8 | imm << 16 | seg << 24), ea);
    s->cc_op = CC_DYNAMIC;          /* (U)COMISS/SD write EFLAGS */
}

/* Decode and translate one instruction at s->pc. */
static void disas_insn(DisasContext *s)
{
    s->pc_start = s->pc;
    s->prefix_seg = -1;
    s->rep = 0;
    s->lock = false;
    s->sse_prefix = 0;
    s->has66 = false;
    s->dflag = s->code32 ? 4 : 2;
    s->aflag = s->code32 ? 4 : 2;
    s->e = NULL;
    tcg_gen_insn_start(s->pc);

    int b;
    for (;;) {
        if (s->pc - s->pc_start >= 15) {
            /* Too long (SDM 2.3.11): #GP.  The 286 raised #UD at 10. */
            gen_exception(s, EXCP0D_GPF);
            return;
        }
        b = fetch(s, 1);
        switch (b) {
        case 0x26: s->prefix_seg = R_ES; continue;
        case 0x2e: s->prefix_seg = R_CS; continue;
        case 0x36: s->prefix_seg = R_SS; continue;
        case 0x3e: s->prefix_seg = R_DS; continue;
        case 0x64: s->prefix_seg = R_FS; continue;
        case 0x65: s->prefix_seg = R_GS; continue;
        case 0x66: s->dflag = s->code32 ? 2 : 4; s->has66 = true; continue;
        case 0x67: s->aflag = s->code32 ? 2 : 4; continue;
        case 0xf0: s->lock = true; continue;
        case 0xf2: s->rep = 2; s->sse_prefix = 0xf2; continue;
        case 0xf3: s->rep = 3; s->sse_prefix = 0xf3; continue;
        }
        break;
    }
    const X86OpEntry *e;
    if (b == 0x0f) {
        b = fetch(s, 1);
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
        s->modrm = fetch(s, 1);
        s->mod = s->modrm >> 6;
        s->reg = (s->modrm >> 3) & 7;
        s->rm = s->modrm & 7;
        if (e->flags & DF_GROUP) {
            e = &x86_groups[e->extra][s->reg];
            s->e = e;
        }
    }
    if (e->mnem == M_INVALID) {
        gen_unimp(s);
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
        gen_insn(s);
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
    /* String instructions without REP ignore it; others ignore REP too. */
    if (!((e->mnem >= M_MOVS && e->mnem <= M_SCAS && e->mnem != M_SHIFT &&
           e->mnem != M_RET && e->mnem != M_LXS) ||
          e->mnem == M_INS || e->mnem == M_OUTS)) {
        s->rep = 0;
    }
    gen_insn(s);
}

static bool translate_inited;

void x86_translate_init(void)
{
    static const char *const names[8] = {"eax", "ecx", "edx", "ebx",
                                         "esp", "ebp", "esi", "edi"};
    static const char *const seg_names[6] = {"es_base", "cs_base", "ss_base",
                                             "ds_base", "fs_base", "gs_base"};
    for (int i = 0; i < 8; i++) {
        cpu_regs[i] = tcg_global_mem_new_i32(
            offsetof(CPUX86State, regs[i]), names[i]);
    }
    cpu_eip = tcg_global_mem_new_i32(offsetof(CPUX86State, eip), "eip");
    cpu_cc_op = tcg_global_mem_new_i32(offsetof(CPUX86State, cc_op), "cc_op");
    cpu_cc_dst = tcg_global_mem_new_i32(offsetof(CPUX86State, cc_dst),
                                        "cc_dst");
    cpu_cc_src = tcg_global_mem_new_i32(offsetof(CPUX86State, cc_src),
                                        "cc_src");
    cpu_cc_src2 = tcg_global_mem_new_i32(offsetof(CPUX86State, cc_src2),
                                         "cc_src2");
    cpu_df = tcg_global_mem_new_i32(offsetof(CPUX86State, df), "df");
    for (int i = 0; i < 6; i++) {
        cpu_seg_base[i] = tcg_global_mem_new_i32(
            offsetof(CPUX86State, segs[i].base), seg_names[i]);
    }
    translate_inited = true;
}

uint32_t x86_translate_block(CPUX86State *env, uintptr_t tb_id,
                             uint32_t cs_base, uint32_t eip, uint32_t hflags,
                             int max_insns, int *ninsns)
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
    s->mmu_idx = s->cpl == 3 ? 1 : 0;
    s->cc_op = CC_DYNAMIC;

    tcg_func_start(tcg_ctx);
    s->env_ptr = tcg_env;

    /* A kick, a pending interrupt or a flush makes the block leave at
     * once (chained blocks never pass through the exec loop). */
    TCGLabel *exit_req = gen_new_label();
    TCGv_i32 t = tmp();
    tcg_gen_ld_i32(t, offsetof(CPUX86State, exit_request));
    tcg_gen_brcond_i32(TCG_COND_NE, t, cst(0), exit_req);

    int n = 0;
    if (hflags & HF_TF) {
        max_insns = 1;
    }
    for (;;) {
        bool last = s->end_after_next;
        disas_insn(s);
        n++;
        if (s->exit_after && !s->done) {
            /* The loop sees the inhibit and skips one interrupt check. */
            t = tmp();
            tcg_gen_ld_i32(t, offsetof(CPUX86State, hflags));
            tcg_gen_or_i32(t, t, cst(HF_INHIBIT_IRQ));
            tcg_gen_st_i32(t, offsetof(CPUX86State, hflags));
            gen_exit_next(s);
        }
        if (s->seg_loaded && !s->done) {
            /* The block's checks are those of the old segment's mode:
             * leave if the load changed it. */
            TCGLabel *same = gen_new_label();
            t = tmp();
            tcg_gen_ld_i32(t, offsetof(CPUX86State, hflags));
            tcg_gen_xor_i32(t, t, cst(hflags));
            gen_andi(t, t, HF_SEG_MASK);
            tcg_gen_brcond_i32(TCG_COND_EQ, t, cst(0), same);
            tcg_gen_movi_i32(cpu_eip, s->pc);
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
            ((cs_base + s->pc) & ~0xfffu) != (s->tb_start & ~0xfffu)) {
            if (last) {
                s->end_after_next = true;   /* no chaining */
            }
            gen_jmp_tb(s, s->pc, 0);
            break;
        }
    }
    gen_set_label(exit_req);
    tcg_gen_movi_i32(cpu_eip, eip);
    tcg_gen_exit_tb(0);
    for (int i = 0; i < s->nb_stubs; i++) {
        gen_set_label(s->stubs[i].l);
        tcg_gen_movi_i32(cpu_eip, s->stubs[i].eip);
        TCGv_i32 vec = cst(s->stubs[i].vec);
        int args[2] = {s->env_ptr.idx, vec.idx};
        tcg_gen_call((void *)helper_raise, 0, -1, 2, args);
        tcg_gen_exit_tb(0);
    }
    *ninsns = n;
    return s->pc - eip;
}
