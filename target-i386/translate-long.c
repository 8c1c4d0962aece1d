/*
 * 64-bit mode (SDM vol. 1, 3.2.1 and vol. 2, appendix A.2.5): how the
 * opcode map differs there, and the instructions only 64-bit mode (or
 * long mode) has: MOVSXD, SWAPGS; SYSCALL and SYSRET (in the 0F table:
 * legacy mode has them too, with EFER.SCE).  The 64-bit build of
 * the frontend (translate-tl.h) calls x86_64_entry for every instruction
 * in 64-bit mode; the 32-bit build never does.
 */
#include "target-i386/translate-internal.h"

#define E(m, ...) {M_##m, 0, 0, {__VA_ARGS__}, gen_##m}

/* 63 /r: MOVSXD Gv, Ed (ARPL outside 64-bit mode). */
static const X86OpEntry movsxd_entry =
    E(MOVSXD, {A_G, S_V, 0}, {A_E, S_D, 0});
/* B8+r with REX.W: MOV r64, imm64. */
static const X86OpEntry mov_imm64_entry =
    E(MOV, {A_Z, S_V, 0}, {A_I, S_V, 0});
static const X86OpEntry xchg_r8_entry =
    E(XCHG, {A_Z, S_V, 0}, {A_REG, S_V, 0});
static const X86OpEntry swapgs_entry = E(SWAPGS, {0});

/*
 * The entry for the instruction in 64-bit mode, with s->dflag set to the
 * operand size 64-bit mode gives it; NULL for #UD.
 */
const X86OpEntry *x86_64_entry(DisasContext *s, const X86OpEntry *e)
{
    switch (s->opcode) {
    /* Gone in 64-bit mode (SDM vol. 2, table A-2 "i64"). */
    case 0x06: case 0x07: case 0x0e: case 0x16: case 0x17: case 0x1e:
    case 0x1f: case 0x27: case 0x2f: case 0x37: case 0x3f: case 0x60:
    case 0x61: case 0x62: case 0x82: case 0x9a: case 0xc4: case 0xc5:
    case 0xce: case 0xd4: case 0xd5: case 0xd6: case 0xea:
        return NULL;
    case 0x63:
        return &movsxd_entry;
    case 0x90:
        /* With REX.B, 90 is XCHG r8, rAX (not NOP/PAUSE). */
        return s->rex_b ? &xchg_r8_entry : e;
    case 0xb8: case 0xb9: case 0xba: case 0xbb:
    case 0xbc: case 0xbd: case 0xbe: case 0xbf:
        return s->rex_w ? &mov_imm64_entry : e;
    case 0x101:
        if (s->mod == 3 && (s->reg & 7) == 7 && (s->rm & 7) == 0) {
            return &swapgs_entry;
        }
        if ((s->reg & 7) <= 3 && s->mod != 3) {
            s->dflag = 8;   /* SGDT/SIDT/LGDT/LIDT: 10-byte operand */
        }
        return e;
    }
    switch (e->mnem) {
    /* "d64": 64-bit by default, 16 with 0x66, no 32-bit form. */
    case M_PUSH: case M_POP: case M_PUSHF: case M_POPF: case M_ENTER:
    case M_LEAVE:
        s->dflag = s->has66 ? 2 : 8;
        break;
    /* "f64": always 64-bit (Intel ignores 0x66 on near branches). */
    case M_CALL: case M_JMP: case M_JCC: case M_RET: case M_LOOP:
    case M_JCXZ: case M_CALLI: case M_JMPI: case M_MOVCR: case M_MOVDR:
        s->dflag = 8;
        break;
    }
    return e;
}

/* MOVSXD r, r/m32: sign-extends with REX.W, a plain 32-bit move without. */
void gen_MOVSXD(DisasContext *s, const X86OpEntry *e)
{
    Operand *o0 = &s->op[0];
    TCGv v = gen_ld_op(s, &s->op[1]);
    gen_ext(v, v, o0->size < 4 ? o0->size : 4, o0->size == 8);
    gen_st_reg(o0->size, o0->reg, v);
}

/* Mode, CPL and flags change: the block ends (as for SYSENTER). */
static void gen_exit_after_helper(DisasContext *s)
{
    s->cc_op = CC_OP_EFLAGS;
    tcg_gen_exit_tb(0);
    s->done = true;
}

void gen_SYSCALL(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL1(s, helper_syscall, cst_tl(s->pc));
    gen_exit_after_helper(s);
}

void gen_SYSRET(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL1(s, helper_sysret, cst(s->dflag == 8 ? 8 : 4));
    gen_exit_after_helper(s);
}

/* The helper writes env's GS base, which the global cpu_seg_base[R_GS]
 * reads again after the call (helpers may write any global). */
void gen_SWAPGS(DisasContext *s, const X86OpEntry *e)
{
    gen_sync_eip(s);
    CALL0(s, helper_swapgs);
}
