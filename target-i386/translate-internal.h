/*
 * What the x86 frontend's files share (target-i386/translate*.c): the
 * decoding state of one instruction (DisasContext), the IR globals for the
 * guest registers, and the emit helpers every generator uses.  translate.c
 * owns the block loop, the prefixes, the operand decoding and these
 * helpers; the generators (gen_<mnemonic>, declared in decode.h) live in
 * one file per instruction family.  Conventions are in translate.c's
 * opening comment.
 */
#ifndef TARGET_I386_TRANSLATE_INTERNAL_H
#define TARGET_I386_TRANSLATE_INTERNAL_H

#include "emu/common.h"
#include "tcg/tcg.h"
#include "target-i386/translate-tl.h"
#include "target-i386/decode.h"
#include "target-i386/helper.h"

extern TCGv cpu_regs[16], cpu_eip, cpu_cc_dst, cpu_cc_src, cpu_cc_src2;
extern TCGv cpu_seg_base[6];
extern TCGv_i32 cpu_cc_op, cpu_df;

#define MAX_STUBS 24
#define CC_DYNAMIC (-1)

typedef struct Operand {
    int am;
    int size;           /* bytes */
    int reg;            /* register number (A_G, A_Z, A_REG, A_SEG, A_S...) */
    bool mem;
    target_ulong imm;
    uint32_t imm2;      /* far pointer selector */
} Operand;

struct DisasContext {
    CPUX86State *env;
    uintptr_t tb_id;
    target_ulong cs_base, pc_start, pc, tb_start;
    uint32_t hflags;
    int cpl;
    bool pe, vm86, code32, ss32;
    bool code64;                /* 64-bit mode (HF_CS64; TL64 build only) */
    int dflag, aflag;           /* operand / address size in bytes */
    int ssize;                  /* stack pointer size: 2, 4 or 8 */
    /* REX (64-bit mode): present, W, and R/X/B as 8 or 0 to OR into the
     * ModRM reg, SIB index and r/m/base/opcode register numbers. */
    bool has_rex, rex_w;
    int rex_r, rex_x, rex_b;
    int rip_offset;             /* immediate bytes after the ModRM operand */
    /* 64-bit build: the instruction's insn_start op, whose second word
     * gets INSN_SS when the instruction accesses memory through SS. */
    int insn_start_idx;
    int insn_ss;                /* X86_INSN_SS_EA | X86_INSN_STACK */
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
    TCGv ea_off, ea_lin;
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
        target_ulong eip;
        int vec;
    } stubs[MAX_STUBS];
};

/* The ALU operations (M_ALU's extra, the ModRM.reg of group 1). */
enum { OP_ADD, OP_OR, OP_ADC, OP_SBB, OP_AND, OP_SUB, OP_XOR, OP_CMP };

/* ---- small IR helpers ---- */

static inline TCGv tmp(void)
{
    return tcg_temp_new_tl();
}

static inline TCGv cst(uint32_t v)
{
    return tcg_constant_tl((int32_t)v);
}

static inline void gen_extract(TCGv d, TCGv a, int pos, int len)
{
    tcg_gen_extract_tl(d, a, pos, len);
}

static inline void gen_mulu2(TCGv lo, TCGv hi, TCGv a,
                             TCGv b, bool sign)
{
    if (sign) {
        tcg_gen_muls2_tl(lo, hi, a, b);
    } else {
        tcg_gen_mulu2_tl(lo, hi, a, b);
    }
}

static inline void gen_movcond(TCGCond c, TCGv d, TCGv a,
                               TCGv b, TCGv v1, TCGv v2)
{
    tcg_gen_movcond_tl(c, d, a, b, v1, v2);
}

static inline void gen_andi(TCGv d, TCGv a, uint32_t m)
{
    tcg_gen_and_tl(d, a, cst(m));
}

/* A signed v: negative steps are negative in 64-bit mode too; 32-bit
 * contexts truncate the result anyway. */
static inline void gen_addi(TCGv d, TCGv a, target_long v)
{
    tcg_gen_add_tl(d, a, tcg_constant_tl(v));
}

static inline void gen_ext(TCGv d, TCGv a, int size, bool sign)
{
    if (size == 1) {
        sign ? tcg_gen_ext8s_tl(d, a) : tcg_gen_ext8u_tl(d, a);
    } else if (size == 2) {
        sign ? tcg_gen_ext16s_tl(d, a) : tcg_gen_ext16u_tl(d, a);
#if TL64
    } else if (size == 4) {
        sign ? tcg_gen_ext32s_i64(d, a) : tcg_gen_ext32u_i64(d, a);
#endif
    } else {
        tcg_gen_mov_tl(d, a);
    }
}

/* d = the high half of the i64 a. */
static inline void tcg_gen_extrh_i64_tl(TCGv d, TCGv_i64 a)
{
#if TL64
    tcg_gen_shri_i64(d, a, 32);
#else
    tcg_gen_extrh_i64_i32(d, a);
#endif
}

/* EFLAGS.DF as +1 / -1 at the frontend's width. */
static inline TCGv gen_df(void)
{
#if TL64
    TCGv t = tcg_temp_new_i64();
    tcg_gen_exts_i32_i64(t, cpu_df);
    return t;
#else
    return cpu_df;
#endif
}

/*
 * Helper call: env first, then up to 4 arguments at the frontend's width
 * (a helper's uint32_t parameter takes the low half of an i64, a uint64_t
 * one an i32 zero-extended).  The result, if ret, is the helper's uint32_t
 * return value zero-extended; with flags | CALL_RET_TL a target_ulong one.
 */
#define CALL_RET_TL 0x10000
TCGv gen_call(DisasContext *s, void *fn, int flags, bool ret, int n,
              TCGv a0, TCGv a1, TCGv a2, TCGv a3);
#define NOARG ((TCGv){-1})
#define CALL0(s, fn) gen_call(s, (void *)(fn), 0, false, 0, NOARG, NOARG, NOARG, NOARG)
#define CALL1(s, fn, a) gen_call(s, (void *)(fn), 0, false, 1, a, NOARG, NOARG, NOARG)
#define CALL2(s, fn, a, b) gen_call(s, (void *)(fn), 0, false, 2, a, b, NOARG, NOARG)
#define CALL3(s, fn, a, b, c) gen_call(s, (void *)(fn), 0, false, 3, a, b, c, NOARG)
#define CALL4(s, fn, a, b, c, d) gen_call(s, (void *)(fn), 0, false, 4, a, b, c, d)

static inline void gen_sync_eip(DisasContext *s)
{
    tcg_gen_movi_tl(cpu_eip, s->pc_start);
}

/* Next size bytes of the instruction (little-endian; size 8: see
 * insn_fetch64). */
uint32_t insn_fetch(DisasContext *s, int size);
uint64_t insn_fetch64(DisasContext *s);

/* The value an immediate of size bytes at the width: 64-bit operands take
 * a sign-extended imm32. */
static inline TCGv cst_tl(target_ulong v)
{
    return tcg_constant_tl((target_long)v);
}

/* ---- registers, memory, operands ---- */

/* SPL, BPL, SIL, DIL (REX): byte register numbers 20-23 (gen_ld_reg). */
#define REG_LOW8(r) ((r) + 16)
/* 64-bit mode, a constant false in the 32-bit build. */
#define CODE64(s) (TL64 && (s)->code64)
TCGv gen_ld_reg(int size, int r);
void gen_st_reg(int size, int r, TCGv v);
void gen_check_seg(DisasContext *s, TCGv off, int seg, int size,
                   int asize, bool write);
static inline void gen_check_limit(DisasContext *s, TCGv off, int seg,
                                   int size, int asize)
{
    gen_check_seg(s, off, seg, size, asize, false);
}
TCGv gen_linear(DisasContext *s, TCGv off, int seg);
/* An out-of-line exception at the end of the block for this instruction
 * (vec with error code 0): branch to it; NULL when the block has too many
 * (the block then ends before this instruction's next neighbour). */
TCGLabel *gen_stub(DisasContext *s, int vec);
TCGv gen_ld_mem(DisasContext *s, TCGv lin, int size);
void gen_st_mem(DisasContext *s, TCGv lin, int size, TCGv v);
/* Load/store at seg:off with the segment checks. */
TCGv gen_ld_seg(DisasContext *s, TCGv off, int seg, int size,
                    int asize);
void gen_st_seg(DisasContext *s, TCGv off, int seg, int size, int asize,
                TCGv v);
/* Fetches the ModRM displacement/SIB; sets ea_off, ea_seg, ea_lin. */
void gen_modrm_ea(DisasContext *s);
TCGv gen_ld_op(DisasContext *s, Operand *o);
void gen_st_op(DisasContext *s, Operand *o, TCGv v);
/* Far pointer at the memory operand: offset, then selector. */
void gen_ld_farptr(DisasContext *s, TCGv *off, TCGv *sel);

/* The segment of DS-relative implicit operands (string sources, XLAT). */
static inline int str_src_seg(DisasContext *s)
{
    return s->prefix_seg >= 0 ? s->prefix_seg : R_DS;
}

/* An address register (SI, DI, CX...) at the address size. */
static inline TCGv gen_areg(DisasContext *s, int r)
{
    return gen_ld_reg(s->aflag, r);
}

/*
 * Around a helper that accesses the instruction's memory operand itself
 * (x87, SSE): in 64-bit mode an SS-relative operand makes a non-canonical
 * address #SS (env->fault_ss, see X86_INSN_SS_EA); off after the call.
 */
static inline void gen_helper_ss(DisasContext *s, bool on)
{
    if (CODE64(s) && s->mod != 3 && s->ea_seg == R_SS) {
        tcg_gen_st8_i32(tcg_constant_i32(on ? X86_INSN_SS_EA : 0),
                        offsetof(CPUX86State, fault_ss));
    }
}

/* ---- locked read-modify-writes (translate-atomic.c) ---- */

/* A LOCK form with its memory operand: the atomic helpers' case. */
static inline bool gen_locked(DisasContext *s, const Operand *o)
{
    return s->lock && o->mem;
}
/* The old value of the size bytes at lin after an ATOMIC_* op with val
 * (the caller checked the segment); _ea: at the memory operand, with its
 * segment check as a write. */
TCGv gen_atomic_op(DisasContext *s, TCGv lin, int size, int op, TCGv val);
TCGv gen_atomic_op_ea(DisasContext *s, int size, int op, TCGv val);
/* CMPXCHG at the memory operand: the old value. */
TCGv gen_atomic_cmpxchg_ea(DisasContext *s, int size, TCGv cmp, TCGv val);
/* CMPXCHG8B (b16: CMPXCHG16B, alignment checked by the caller) at the
 * memory operand: ZF; EDX:EAX / RDX:RAX written when different. */
TCGv gen_atomic_cmpxchg_wide(DisasContext *s, bool b16);

/* ---- lazy flags ---- */

static inline void gen_set_cc_op(DisasContext *s, int op)
{
    if (s->cc_op != op) {
        tcg_gen_movi_i32(cpu_cc_op, op);
        s->cc_op = op;
    }
}

/* cc_dst = dst, cc_src = src (unless NOARG), cc_op = base + size. */
void gen_set_cc(DisasContext *s, int base, int size, TCGv dst,
                TCGv src);
/* The six arithmetic flags, computed now. */
TCGv gen_compute_eflags(DisasContext *s);
void gen_set_eflags_cc(DisasContext *s, TCGv flags);
TCGv gen_compute_cf(DisasContext *s);
/* Condition c (cc >> 1) as one comparison when the lazy state allows. */
bool gen_cc_test(DisasContext *s, int c, TCGCond *cond, TCGv *a,
                 TCGv *b);
/* d = condition cc (0..15, SDM appendix B.1) ? 1 : 0 */
void gen_setcc(DisasContext *s, int cc, TCGv d);

/* The opposite condition (the enum pairs them: EQ/NE, LT/GE, ...). */
static inline TCGCond cond_invert(TCGCond c)
{
    return (TCGCond)(c ^ 1);
}

/* ---- block exits ---- */

void gen_jmp_tb(DisasContext *s, target_ulong eip, int slot);
void gen_jmp_rel(DisasContext *s, target_ulong eip, int slot);
void gen_jmp_indirect(DisasContext *s);
/* 64-bit mode: #GP(0) at the branch if target is not canonical. */
void gen_check_branch_target(DisasContext *s, TCGv target);
void gen_exit_next(DisasContext *s);
void gen_exception(DisasContext *s, int vec);
void gen_unimp(DisasContext *s);

/* ---- stack, segment loads ---- */

TCGv gen_sp_off(DisasContext *s, int delta);
void gen_set_sp(DisasContext *s, TCGv sp);
void gen_push(DisasContext *s, TCGv v, int size);
/* Pop: returns the value; *newsp gets SP after the pop (not written). */
TCGv gen_pop(DisasContext *s, int size, TCGv *newsp);
void gen_load_seg(DisasContext *s, int seg, TCGv sel);

/* ---- 64-bit mode (translate-long.c) ---- */

/* The entry for e in 64-bit mode (dflag set as that mode wants), or NULL
 * for #UD. */
const X86OpEntry *x86_64_entry(DisasContext *s, const X86OpEntry *e);

/* ---- not in the one-byte/0F tables ---- */

/* An MMX/SSE instruction of the 0F map (translate-sse.c). */
void gen_sse(DisasContext *s, int pfx, int opc);
/* Its common data moves as inline IR (translate-sse-move.c); false: not
 * handled here, nothing emitted, call the helper.  ea_pc: where the ModRM
 * displacement/SIB bytes start. */
struct SSEDecoded;
bool gen_sse_inline(DisasContext *s, int pfx, int opc,
                    const struct SSEDecoded *d, target_ulong ea_pc);

#endif
