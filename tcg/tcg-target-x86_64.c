/*
 * The x86-64 host back end: register allocation over a block and machine
 * code emission into the code cache (Intel SDM vol. 2 for the encodings).
 *
 * Register allocation is local and linear, in op order (tcg/README.md
 * "Values"): each value lives in memory (globals in env, temps in a stack
 * slot), in a host register, or is a known constant.  Globals are loaded
 * on first use and stay cached in host registers until a sync point writes
 * the dirty ones back.  Temps die at their last use (tcg_liveness); at a
 * label every value is in memory, so a branch edge never carries register
 * state.  env is in rbp for the whole block; r11 is a scratch register
 * the allocator never hands out.
 *
 * qemu_ld/st inline the software-TLB hit path (tcg-backend.h); the miss
 * path is out of line at the end of the block: it writes back dirty
 * globals, saves live caller-saved registers, calls the exec loop's slow
 * path and jumps back, so the hit path does no write-backs at all.
 */
#include <sys/mman.h>

#include "tcg/tcg.h"
#include "tcg/tcg-backend.h"
#include "tcg/tcg-internal.h"

enum {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
    R8, R9, R10, R11, R12, R13, R14, R15,
};

#define TREG_ENV RBP
#define TREG_TMP R11
#define RMASK(r) (1u << (r))
#define ALLOC_REGS (0xffffu & ~(RMASK(RSP) | RMASK(RBP) | RMASK(R11)))
#define CALL_CLOBBER (RMASK(RAX) | RMASK(RCX) | RMASK(RDX) | RMASK(RSI) | \
                      RMASK(RDI) | RMASK(R8) | RMASK(R9) | RMASK(R10) |    \
                      RMASK(R11))
/* Callee-saved first: values there survive helper calls. */
static const int alloc_order[] = {
    RBX, R12, R13, R14, R15, RAX, RCX, RDX, RSI, RDI, R8, R9, R10,
};
static const int call_args[6] = { RDI, RSI, RDX, RCX, R8, R9 };

/* Stack frame: one 8-byte slot per temp, rsp 16-aligned in the body. */
#define FRAME_SIZE (8 * TCG_MAX_TEMPS + 8)

/* Opcode flags for emit_opc. */
#define P_EXT 0x100        /* 0x0f escape */
#define P_REXW 0x200       /* 64-bit operand */
#define P_DATA16 0x400     /* 0x66 */
#define P_REXB_R 0x800     /* byte register in reg field: spl..dil need REX */
#define P_REXB_RM 0x1000   /* byte register in r/m field */

enum {
    ARITH_ADD = 0, ARITH_OR = 1, ARITH_AND = 4, ARITH_SUB = 5, ARITH_XOR = 6,
    ARITH_CMP = 7,
};
enum { SHIFT_ROL = 0, SHIFT_ROR = 1, SHIFT_SHL = 4, SHIFT_SHR = 5,
       SHIFT_SAR = 7 };
enum {
    JCC_JB = 2, JCC_JAE = 3, JCC_JE = 4, JCC_JNE = 5, JCC_JBE = 6, JCC_JA = 7,
    JCC_JL = 0xc, JCC_JGE = 0xd, JCC_JLE = 0xe, JCC_JG = 0xf,
};

static const uint8_t cond_cc[] = {
    [TCG_COND_EQ] = JCC_JE,   [TCG_COND_NE] = JCC_JNE,
    [TCG_COND_LT] = JCC_JL,   [TCG_COND_GE] = JCC_JGE,
    [TCG_COND_LE] = JCC_JLE,  [TCG_COND_GT] = JCC_JG,
    [TCG_COND_LTU] = JCC_JB,  [TCG_COND_GEU] = JCC_JAE,
    [TCG_COND_LEU] = JCC_JBE, [TCG_COND_GTU] = JCC_JA,
};

typedef enum { VAL_DEAD, VAL_REG, VAL_MEM, VAL_CONST } ValKind;

typedef struct TempState {
    uint8_t val;
    int8_t reg;
    bool coherent;           /* memory holds the current value */
    int64_t cval;
} TempState;

#define MAX_DIRTY 48

typedef struct SlowPath {
    bool is_ld;
    bool is64;
    bool a64;                /* the address is an i64 */
    MemOp mop;
    int mmu_idx;
    int addr_reg, data_reg;  /* data_reg: value to store / result of load */
    bool data_imm;
    int64_t data_cval;
    uint32_t jne_off;        /* rel32 of the jne into the slow path */
    uint32_t done_off;       /* where the hit path continues */
    uint16_t save_regs;      /* live caller-saved registers */
    uint16_t nb_dirty;
    struct {                 /* dirty globals at the jne: write back */
        int16_t t;
        int8_t reg;          /* -1: constant */
        int64_t cval;
    } dirty[MAX_DIRTY];
} SlowPath;

typedef struct Reloc {
    uint32_t off;            /* the rel32 field */
    int label;
} Reloc;

#define MAX_SLOW 256
#define MAX_RELOCS 512

typedef struct Backend {
    TCGContext *s;
    TCGCodeCache *cache;
    uint8_t *start, *ptr, *end;
    TempState ts[TCG_MAX_TEMPS];
    int16_t reg_temp[16];
    uint16_t locked;         /* registers this op uses */
    int label_off[TCG_MAX_LABELS];
    Reloc relocs[MAX_RELOCS];
    int nb_relocs;
    SlowPath *slow;
    int nb_slow;
    TranslatedCodeInfo *info;
    bool fail;
} Backend;

/* ---- Emission ---- */

static void b1(Backend *b, uint8_t v)
{
    *b->ptr++ = v;
}

static void b4(Backend *b, uint32_t v)
{
    memcpy(b->ptr, &v, 4);
    b->ptr += 4;
}

static void b8(Backend *b, uint64_t v)
{
    memcpy(b->ptr, &v, 8);
    b->ptr += 8;
}

static uint32_t cur_off(Backend *b)
{
    return b->ptr - b->start;
}

static void emit_opc(Backend *b, int opc, int r, int rm, int index)
{
    int rex = 0;
    if (opc & P_DATA16) {
        b1(b, 0x66);
    }
    if (opc & P_REXW) {
        rex |= 8;
    }
    rex |= (r & 8) >> 1;
    rex |= (index & 8) >> 2;
    rex |= (rm & 8) >> 3;
    if (rex || ((opc & P_REXB_R) && r >= 4) ||
        ((opc & P_REXB_RM) && rm >= 4)) {
        b1(b, 0x40 | rex);
    }
    if (opc & P_EXT) {
        b1(b, 0x0f);
    }
    b1(b, opc & 0xff);
}

static void emit_modrm(Backend *b, int opc, int r, int rm)
{
    emit_opc(b, opc, r, rm, 0);
    b1(b, 0xc0 | ((r & 7) << 3) | (rm & 7));
}

/* [base + index << shift + disp]; index < 0 for none. */
static void emit_modrm_sib(Backend *b, int opc, int r, int base, int index,
                           int shift, int32_t disp)
{
    int mod;
    emit_opc(b, opc, r, base, index < 0 ? 0 : index);
    if (disp == 0 && (base & 7) != RBP) {
        mod = 0;
    } else if (disp == (int8_t)disp) {
        mod = 0x40;
    } else {
        mod = 0x80;
    }
    if (index < 0 && (base & 7) != RSP) {
        b1(b, mod | ((r & 7) << 3) | (base & 7));
    } else {
        int ix = index < 0 ? 4 : index;
        b1(b, mod | ((r & 7) << 3) | 4);
        b1(b, (shift << 6) | ((ix & 7) << 3) | (base & 7));
    }
    if (mod == 0x40) {
        b1(b, disp);
    } else if (mod == 0x80) {
        b4(b, disp);
    }
}

static void emit_modrm_off(Backend *b, int opc, int r, int base, int32_t disp)
{
    emit_modrm_sib(b, opc, r, base, -1, 0, disp);
}

static int rexw(bool is64)
{
    return is64 ? P_REXW : 0;
}

static void emit_mov_rr(Backend *b, bool is64, int d, int s)
{
    if (d != s) {
        emit_modrm(b, 0x8b | rexw(is64), d, s);
    }
}

static void emit_movi(Backend *b, bool is64, int r, int64_t v)
{
    if (!is64) {
        v = (uint32_t)v;
    }
    if (v == 0) {
        emit_modrm(b, 0x33, r, r);                 /* xor r32, r32 */
    } else if ((uint64_t)v <= 0xffffffffu) {
        emit_opc(b, 0xb8 + (r & 7), 0, r, 0);      /* mov r32, imm32 */
        b4(b, v);
    } else if (v == (int32_t)v) {
        emit_modrm(b, 0xc7 | P_REXW, 0, r);        /* mov r64, simm32 */
        b4(b, v);
    } else {
        emit_opc(b, (0xb8 + (r & 7)) | P_REXW, 0, r, 0);
        b8(b, v);
    }
}

static void emit_arith_ri(Backend *b, int op, bool is64, int r, int32_t imm)
{
    if (imm == (int8_t)imm) {
        emit_modrm(b, 0x83 | rexw(is64), op, r);
        b1(b, imm);
    } else {
        emit_modrm(b, 0x81 | rexw(is64), op, r);
        b4(b, imm);
    }
}

static void emit_arith_rr(Backend *b, int op, bool is64, int d, int s)
{
    emit_modrm(b, (0x03 + (op << 3)) | rexw(is64), d, s);
}

static void emit_shift_ri(Backend *b, int op, bool is64, int r, int n)
{
    if (n == 1) {
        emit_modrm(b, 0xd1 | rexw(is64), op, r);
    } else {
        emit_modrm(b, 0xc1 | rexw(is64), op, r);
        b1(b, n);
    }
}

static void emit_jmp_abs(Backend *b, int opc_rel, const void *target)
{
    /* call/jmp rel32 when in range, else through r11 */
    intptr_t rel = (intptr_t)target - (intptr_t)(b->ptr + 5);
    if (rel == (int32_t)rel) {
        b1(b, opc_rel);
        b4(b, rel);
    } else {
        emit_movi(b, true, TREG_TMP, (intptr_t)target);
        emit_modrm(b, 0xff, opc_rel == 0xe8 ? 2 : 4, TREG_TMP);
    }
}

static void emit_ld(Backend *b, MemOp mop, bool is64, int r, int base,
                    int index, int32_t disp)
{
    int opc;
    switch (mop & (MO_SIZE | MO_SIGN)) {
    case MO_UB:
        opc = 0xb6 | P_EXT;
        break;
    case MO_SB:
        opc = 0xbe | P_EXT | rexw(is64);
        break;
    case MO_UW:
        opc = 0xb7 | P_EXT;
        break;
    case MO_SW:
        opc = 0xbf | P_EXT | rexw(is64);
        break;
    case MO_SL:
        opc = is64 ? 0x63 | P_REXW : 0x8b;
        break;
    case MO_UL:
        opc = 0x8b;
        break;
    default:
        opc = 0x8b | P_REXW;
        break;
    }
    emit_modrm_sib(b, opc, r, base, index, 0, disp);
}

static void emit_st(Backend *b, MemOp mop, int r, int base, int index,
                    int32_t disp)
{
    switch (mop & MO_SIZE) {
    case MO_8:
        emit_modrm_sib(b, 0x88 | P_REXB_R, r, base, index, 0, disp);
        break;
    case MO_16:
        emit_modrm_sib(b, 0x89 | P_DATA16, r, base, index, 0, disp);
        break;
    case MO_32:
        emit_modrm_sib(b, 0x89, r, base, index, 0, disp);
        break;
    default:
        emit_modrm_sib(b, 0x89 | P_REXW, r, base, index, 0, disp);
        break;
    }
}

/* Store an immediate of the MemOp's size; false if it does not fit. */
static bool emit_st_imm(Backend *b, MemOp mop, int base, int32_t disp,
                        int64_t v)
{
    switch (mop & MO_SIZE) {
    case MO_8:
        emit_modrm_off(b, 0xc6, 0, base, disp);
        b1(b, v);
        return true;
    case MO_16:
        emit_modrm_off(b, 0xc7 | P_DATA16, 0, base, disp);
        b1(b, v);
        b1(b, v >> 8);
        return true;
    case MO_32:
        emit_modrm_off(b, 0xc7, 0, base, disp);
        b4(b, v);
        return true;
    default:
        if (v != (int32_t)v) {
            return false;
        }
        emit_modrm_off(b, 0xc7 | P_REXW, 0, base, disp);
        b4(b, v);
        return true;
    }
}

/* ---- Temps and registers ---- */

static bool t_is64(Backend *b, int t)
{
    return b->s->temps[t].type == TCG_TYPE_I64;
}

static void temp_mem(Backend *b, int t, int *base, int32_t *disp)
{
    TCGTemp *tp = &b->s->temps[t];
    if (tp->kind == TEMP_GLOBAL) {
        *base = TREG_ENV;
        *disp = tp->mem_offset;
    } else {
        *base = RSP;
        *disp = 8 * t;
    }
}

/* Write t's value to its memory home if memory is stale. */
static void temp_sync(Backend *b, int t)
{
    TempState *ts = &b->ts[t];
    TCGTemp *tp = &b->s->temps[t];
    bool is64 = tp->type == TCG_TYPE_I64;
    int base;
    int32_t disp;
    if (ts->coherent || tp->kind == TEMP_CONST || tp->kind == TEMP_FIXED) {
        return;
    }
    temp_mem(b, t, &base, &disp);
    if (ts->val == VAL_REG) {
        emit_st(b, is64 ? MO_64 : MO_32, ts->reg, base, -1, disp);
    } else if (ts->val == VAL_CONST) {
        if (!emit_st_imm(b, is64 ? MO_64 : MO_32, base, disp, ts->cval)) {
            emit_movi(b, true, TREG_TMP, ts->cval);
            emit_st(b, MO_64, TREG_TMP, base, -1, disp);
        }
    } else {
        return;
    }
    ts->coherent = true;
}

static void reg_unbind(Backend *b, int r)
{
    int t = b->reg_temp[r];
    if (t >= 0) {
        b->reg_temp[r] = -1;
        if (b->ts[t].val == VAL_REG && b->ts[t].reg == r) {
            b->ts[t].val = VAL_MEM;
        }
    }
}

/* Give t up entirely (its value is not needed any more). */
static void temp_dead(Backend *b, int t)
{
    TCGTemp *tp = &b->s->temps[t];
    if (tp->kind != TEMP_NORMAL) {
        return;
    }
    if (b->ts[t].val == VAL_REG) {
        b->reg_temp[b->ts[t].reg] = -1;
    }
    b->ts[t].val = VAL_DEAD;
}

static void bind(Backend *b, int t, int r)
{
    TempState *ts = &b->ts[t];
    if (ts->val == VAL_REG && ts->reg != r) {
        b->reg_temp[ts->reg] = -1;
    }
    if (b->reg_temp[r] >= 0 && b->reg_temp[r] != t) {
        reg_unbind(b, r);
    }
    b->reg_temp[r] = t;
    ts->val = VAL_REG;
    ts->reg = r;
}

/* Move whatever lives in r elsewhere (another free register or memory). */
static void reg_evict(Backend *b, int r, uint16_t avoid)
{
    int t = b->reg_temp[r];
    if (t < 0) {
        return;
    }
    uint16_t free_regs = 0;
    for (int i = 0; i < 16; i++) {
        if ((ALLOC_REGS & RMASK(i)) && b->reg_temp[i] < 0) {
            free_regs |= RMASK(i);
        }
    }
    free_regs &= ~(b->locked | avoid | RMASK(r));
    for (unsigned k = 0; k < ARRAY_SIZE(alloc_order); k++) {
        int r2 = alloc_order[k];
        if (free_regs & RMASK(r2)) {
            emit_mov_rr(b, true, r2, r);
            b->reg_temp[r] = -1;
            b->reg_temp[r2] = t;
            b->ts[t].reg = r2;
            return;
        }
    }
    temp_sync(b, t);
    reg_unbind(b, r);
}

/* A register in mask, free and not used by this op; it is locked. */
static int reg_alloc(Backend *b, uint16_t mask)
{
    uint16_t cand = mask & ALLOC_REGS & ~b->locked;
    int victim = -1;
    for (unsigned k = 0; k < ARRAY_SIZE(alloc_order); k++) {
        int r = alloc_order[k];
        if (!(cand & RMASK(r))) {
            continue;
        }
        if (b->reg_temp[r] < 0) {
            b->locked |= RMASK(r);
            return r;
        }
        if (victim < 0) {
            victim = r;
        }
    }
    if (victim < 0) {
        /* IR asks for more registers than exist in one op: cannot happen
         * with <= 6 inputs and 13 registers. */
        b->fail = true;
        return RAX;
    }
    reg_evict(b, victim, 0);
    b->locked |= RMASK(victim);
    return victim;
}

/* Emit a copy of t's current value into r, without binding. */
static void load_to(Backend *b, int r, int t)
{
    TempState *ts = &b->ts[t];
    bool is64 = t_is64(b, t);
    int base;
    int32_t disp;
    if (b->s->temps[t].kind == TEMP_FIXED) {
        emit_mov_rr(b, true, r, TREG_ENV);
        return;
    }
    switch (ts->val) {
    case VAL_REG:
        emit_mov_rr(b, is64, r, ts->reg);
        break;
    case VAL_CONST:
        emit_movi(b, is64, r, ts->cval);
        break;
    default:
        temp_mem(b, t, &base, &disp);
        emit_ld(b, is64 ? MO_64 : MO_32, is64, r, base, -1, disp);
        break;
    }
}

/* Make t available in a register in mask; returns it, locked. */
static int in_reg(Backend *b, int t, uint16_t mask)
{
    TempState *ts = &b->ts[t];
    TCGTemp *tp = &b->s->temps[t];
    if (tp->kind == TEMP_FIXED) {
        if (mask & RMASK(TREG_ENV)) {
            return TREG_ENV;
        }
        int r = reg_alloc(b, mask);
        emit_mov_rr(b, true, r, TREG_ENV);
        return r;
    }
    if (ts->val == VAL_REG && (mask & RMASK(ts->reg))) {
        b->locked |= RMASK(ts->reg);
        return ts->reg;
    }
    int r = reg_alloc(b, mask);
    load_to(b, r, t);
    if (tp->kind == TEMP_CONST) {
        return r;            /* a scratch copy for this op */
    }
    if (ts->val == VAL_MEM) {
        ts->coherent = true;
    } else if (ts->val == VAL_CONST) {
        /* coherent stays as it was */
    }
    bind(b, t, r);
    return r;
}

/* Known constant value of t. */
static bool t_const(Backend *b, int t, int64_t *v)
{
    if (b->ts[t].val == VAL_CONST) {
        *v = b->ts[t].cval;
        return true;
    }
    return false;
}

/* Constant usable as an imm32 operand of an op of t's type. */
static bool t_imm32(Backend *b, int t, int32_t *imm)
{
    int64_t v;
    if (!t_const(b, t, &v)) {
        return false;
    }
    if (!t_is64(b, t)) {
        *imm = (int32_t)v;
        return true;
    }
    if (v == (int32_t)v) {
        *imm = v;
        return true;
    }
    return false;
}

/* Args of op that die at it: release their registers (still locked). */
static void release_dead_inputs(Backend *b, TCGOp *op)
{
    int ni = tcg_op_nb_iargs(op), ip = tcg_op_iarg_pos(op);
    for (int k = 0; k < ni; k++) {
        if (op->life & (1u << (ip + k))) {
            temp_dead(b, op->args[ip + k]);
        }
    }
}

/* Is register r free for an output now (not holding a live value)? */
static bool reg_reusable(Backend *b, int r)
{
    return r >= 0 && (ALLOC_REGS & RMASK(r)) && b->reg_temp[r] < 0;
}

/*
 * Register for output d: prefer r1 / r2 if their values are dead after
 * this op (or belong to d), then d's own register, then a fresh one.
 */
static int out_reg(Backend *b, int d, int r1, int r2, uint16_t mask)
{
    int cur = b->ts[d].val == VAL_REG ? b->ts[d].reg : -1;
    int cand[2] = { r1, r2 };
    for (int k = 0; k < 2; k++) {
        int r = cand[k];
        if (r >= 0 && (mask & RMASK(r)) &&
            (reg_reusable(b, r) || (cur == r))) {
            return r;
        }
    }
    if (cur >= 0 && (mask & RMASK(cur)) && !(b->locked & RMASK(cur))) {
        b->locked |= RMASK(cur);
        return cur;
    }
    return reg_alloc(b, mask);
}

static void set_out(Backend *b, int d, int r)
{
    bind(b, d, r);
    b->ts[d].coherent = false;
    b->locked |= RMASK(r);
}

static void finish_outputs(Backend *b, TCGOp *op)
{
    int no = tcg_op_nb_oargs(op);
    for (int k = 0; k < no; k++) {
        if (op->life & (1u << k)) {
            temp_dead(b, op->args[k]);
        }
    }
}

/* Write back every dirty global; with forget, drop their registers. */
static void sync_globals(Backend *b, bool forget)
{
    for (int t = 1; t < b->s->nb_globals; t++) {
        temp_sync(b, t);
        if (forget) {
            if (b->ts[t].val == VAL_REG) {
                reg_unbind(b, b->ts[t].reg);
            }
            b->ts[t].val = VAL_MEM;
            b->ts[t].coherent = true;
        }
    }
}

/* At a branch or label: every live temp to its stack slot too. */
static void sync_all(Backend *b, bool forget)
{
    sync_globals(b, forget);
    for (int t = b->s->nb_globals; t < b->s->nb_temps; t++) {
        if (b->s->temps[t].kind != TEMP_NORMAL ||
            b->ts[t].val == VAL_DEAD) {
            continue;
        }
        temp_sync(b, t);
        if (forget) {
            if (b->ts[t].val == VAL_REG) {
                reg_unbind(b, b->ts[t].reg);
            }
            b->ts[t].val = VAL_MEM;
        }
    }
}

/* ---- Ops ---- */

static void emit_cmp(Backend *b, TCGOp *op, int ia, int ib, TCGCond *cond,
                     bool is64)
{
    int ta = op->args[ia], tb = op->args[ib];
    int32_t imm;
    int64_t dummy;
    if (t_const(b, ta, &dummy) && !t_const(b, tb, &dummy)) {
        int x = ta;
        ta = tb;
        tb = x;
        *cond = tcg_swap_cond(*cond);
    }
    int ra = in_reg(b, ta, ALLOC_REGS);
    if (t_imm32(b, tb, &imm)) {
        if (imm == 0) {
            emit_modrm(b, 0x85 | rexw(is64), ra, ra);
        } else {
            emit_arith_ri(b, ARITH_CMP, is64, ra, imm);
        }
    } else {
        int rb = in_reg(b, tb, ALLOC_REGS);
        emit_modrm(b, 0x3b | rexw(is64), ra, rb);
    }
}

static void label_ref(Backend *b, int label)
{
    if (b->nb_relocs >= MAX_RELOCS) {
        b->fail = true;
        return;
    }
    b->relocs[b->nb_relocs++] = (Reloc){ cur_off(b), label };
    b4(b, 0);
}

/*
 * "ld_i32 t, env, off; brcond_i32 t, 0, eq/ne, label" with t dying there
 * (the exit_request test at block entry): one compare with memory.
 */
static bool fuse_ld_brcond(Backend *b, TCGOp *ld, TCGOp *br)
{
    if (ld->opc != INDEX_op_ld_i32 || br->opc != INDEX_op_brcond_i32 ||
        br->args[0] != ld->args[0] || !(br->life & 1) ||
        b->s->temps[ld->args[0]].kind != TEMP_NORMAL) {
        return false;
    }
    int64_t v;
    TCGCond c = br->args[2];
    if (!t_const(b, br->args[1], &v) || v != 0 ||
        (c != TCG_COND_EQ && c != TCG_COND_NE)) {
        return false;
    }
    emit_modrm_off(b, 0x83, ARITH_CMP, TREG_ENV, ld->args[1]);
    b1(b, 0);
    release_dead_inputs(b, br);
    sync_all(b, false);      /* plain movs: the flags survive */
    b1(b, 0x0f);
    b1(b, 0x80 + cond_cc[c]);
    label_ref(b, br->args[3]);
    return true;
}

static void op_brcond(Backend *b, TCGOp *op, bool is64)
{
    TCGCond c = op->args[2];
    if (c == TCG_COND_NEVER) {
        release_dead_inputs(b, op);
        return;
    }
    if (c == TCG_COND_ALWAYS) {
        release_dead_inputs(b, op);
        sync_all(b, false);
        b1(b, 0xe9);
        label_ref(b, op->args[3]);
        return;
    }
    emit_cmp(b, op, 0, 1, &c, is64);
    release_dead_inputs(b, op);
    sync_all(b, false);      /* plain movs: the flags survive */
    b1(b, 0x0f);
    b1(b, 0x80 + cond_cc[c]);
    label_ref(b, op->args[3]);
}

static void op_setcond(Backend *b, TCGOp *op, bool is64)
{
    TCGCond c = op->args[3];
    int d = op->args[0];
    if (c == TCG_COND_NEVER || c == TCG_COND_ALWAYS) {
        release_dead_inputs(b, op);
        int rd = out_reg(b, d, -1, -1, ALLOC_REGS);
        emit_movi(b, is64, rd, c == TCG_COND_ALWAYS);
        set_out(b, d, rd);
        return;
    }
    emit_cmp(b, op, 1, 2, &c, is64);
    int ra = b->ts[op->args[1]].val == VAL_REG ? b->ts[op->args[1]].reg : -1;
    int rb = b->ts[op->args[2]].val == VAL_REG ? b->ts[op->args[2]].reg : -1;
    release_dead_inputs(b, op);
    int rd = out_reg(b, d, ra, rb, ALLOC_REGS);
    emit_modrm(b, (0x90 + cond_cc[c]) | P_EXT | P_REXB_RM, 0, rd);
    emit_modrm(b, 0xb6 | P_EXT | P_REXB_RM, rd, rd);
    set_out(b, d, rd);
}

static void op_movcond(Backend *b, TCGOp *op, bool is64)
{
    TCGCond c = op->args[5];
    int d = op->args[0];
    int r1 = in_reg(b, op->args[3], ALLOC_REGS);
    int r2 = in_reg(b, op->args[4], ALLOC_REGS);
    bool v2_scratch = b->s->temps[op->args[4]].kind == TEMP_CONST;
    if (c == TCG_COND_NEVER || c == TCG_COND_ALWAYS) {
        release_dead_inputs(b, op);
        int rs = c == TCG_COND_ALWAYS ? r1 : r2;
        int rd = out_reg(b, d, rs, -1, ALLOC_REGS);
        emit_mov_rr(b, is64, rd, rs);
        set_out(b, d, rd);
        return;
    }
    emit_cmp(b, op, 1, 2, &c, is64);
    release_dead_inputs(b, op);
    int rd;
    if (v2_scratch || reg_reusable(b, r2) ||
        (b->ts[d].val == VAL_REG && b->ts[d].reg == r2)) {
        rd = r2;
    } else {
        /* The mov must come before the compare's flags are consumed but
         * cannot clobber them: mov does not touch flags. */
        rd = reg_alloc(b, ALLOC_REGS);
        emit_mov_rr(b, is64, rd, r2);
    }
    /* cmov r32 zero-extends rd even when the condition is false. */
    emit_modrm(b, (0x40 + cond_cc[c]) | P_EXT | rexw(is64), rd, r1);
    set_out(b, d, rd);
}

static bool op_commutes(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_add_i32:
    case INDEX_op_and_i32:
    case INDEX_op_or_i32:
    case INDEX_op_xor_i32:
    case INDEX_op_mul_i32:
    case INDEX_op_add_i64:
    case INDEX_op_and_i64:
    case INDEX_op_or_i64:
    case INDEX_op_xor_i64:
    case INDEX_op_mul_i64:
        return true;
    default:
        return false;
    }
}

static int arith_of(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_add_i32:
    case INDEX_op_add_i64:
        return ARITH_ADD;
    case INDEX_op_sub_i32:
    case INDEX_op_sub_i64:
        return ARITH_SUB;
    case INDEX_op_and_i32:
    case INDEX_op_and_i64:
        return ARITH_AND;
    case INDEX_op_or_i32:
    case INDEX_op_or_i64:
        return ARITH_OR;
    case INDEX_op_xor_i32:
    case INDEX_op_xor_i64:
        return ARITH_XOR;
    default:
        return -1;           /* mul */
    }
}

/* add/sub/and/or/xor/mul, both widths. */
static void op_arith(Backend *b, TCGOp *op, bool is64)
{
    int d = op->args[0], a = op->args[1], c = op->args[2];
    int arith = arith_of(op->opc);
    int32_t imm;
    int64_t dummy;
    if (op_commutes(op->opc) && t_const(b, a, &dummy) &&
        !t_const(b, c, &dummy)) {
        int x = a;
        a = c;
        c = x;
    }
    if (t_imm32(b, c, &imm)) {
        int ra = in_reg(b, a, ALLOC_REGS);
        release_dead_inputs(b, op);
        if (arith < 0) {
            int rd = out_reg(b, d, ra, -1, ALLOC_REGS);
            emit_modrm(b, (imm == (int8_t)imm ? 0x6b : 0x69) | rexw(is64),
                       rd, ra);
            if (imm == (int8_t)imm) {
                b1(b, imm);
            } else {
                b4(b, imm);
            }
            set_out(b, d, rd);
            return;
        }
        int rd = out_reg(b, d, ra, -1, ALLOC_REGS);
        if (arith == ARITH_SUB && imm != INT32_MIN) {
            arith = ARITH_ADD;
            imm = -imm;
        }
        if (rd != ra && arith == ARITH_ADD) {
            emit_modrm_off(b, 0x8d | rexw(is64), rd, ra, imm);   /* lea */
        } else {
            emit_mov_rr(b, is64, rd, ra);
            emit_arith_ri(b, arith, is64, rd, imm);
        }
        set_out(b, d, rd);
        return;
    }
    int ra = in_reg(b, a, ALLOC_REGS);
    int rc = in_reg(b, c, ALLOC_REGS);
    release_dead_inputs(b, op);
    int rd = out_reg(b, d, ra, op_commutes(op->opc) ? rc : -1, ALLOC_REGS);
    if (rd == rc && rd != ra) {
        int x = ra;          /* commutative: d = c op a */
        ra = rc;
        rc = x;
    }
    if (rd != ra && arith == ARITH_ADD) {
        emit_modrm_sib(b, 0x8d | rexw(is64), rd, ra, rc, 0, 0);
    } else {
        emit_mov_rr(b, is64, rd, ra);
        if (arith < 0) {
            emit_modrm(b, 0xaf | P_EXT | rexw(is64), rd, rc);
        } else {
            emit_arith_rr(b, arith, is64, rd, rc);
        }
    }
    set_out(b, d, rd);
}

static int shift_of(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_shl_i32:
    case INDEX_op_shl_i64:
        return SHIFT_SHL;
    case INDEX_op_shr_i32:
    case INDEX_op_shr_i64:
        return SHIFT_SHR;
    case INDEX_op_sar_i32:
    case INDEX_op_sar_i64:
        return SHIFT_SAR;
    case INDEX_op_rotl_i32:
    case INDEX_op_rotl_i64:
        return SHIFT_ROL;
    default:
        return SHIFT_ROR;
    }
}

static void op_shift(Backend *b, TCGOp *op, bool is64)
{
    int d = op->args[0], a = op->args[1], c = op->args[2];
    int sh = shift_of(op->opc);
    int64_t n;
    if (t_const(b, c, &n)) {
        n &= is64 ? 63 : 31;
        int ra = in_reg(b, a, ALLOC_REGS);
        release_dead_inputs(b, op);
        int rd = out_reg(b, d, ra, -1, ALLOC_REGS);
        emit_mov_rr(b, is64, rd, ra);
        if (n) {
            emit_shift_ri(b, sh, is64, rd, n);
        }
        set_out(b, d, rd);
        return;
    }
    int rc = in_reg(b, c, RMASK(RCX));
    int ra = in_reg(b, a, ALLOC_REGS);
    release_dead_inputs(b, op);
    int rd = out_reg(b, d, ra, -1, ALLOC_REGS & ~RMASK(RCX));
    (void)rc;
    emit_mov_rr(b, is64, rd, ra);
    emit_modrm(b, 0xd3 | rexw(is64), sh, rd);
    set_out(b, d, rd);
}

static void op_unary(Backend *b, TCGOp *op)
{
    int d = op->args[0], a = op->args[1];
    bool is64 = t_is64(b, d);
    int ra = in_reg(b, a, ALLOC_REGS);
    release_dead_inputs(b, op);
    int rd = out_reg(b, d, ra, -1, ALLOC_REGS);
    switch (op->opc) {
    case INDEX_op_neg_i32:
    case INDEX_op_neg_i64:
        emit_mov_rr(b, is64, rd, ra);
        emit_modrm(b, 0xf7 | rexw(is64), 3, rd);
        break;
    case INDEX_op_not_i32:
    case INDEX_op_not_i64:
        emit_mov_rr(b, is64, rd, ra);
        emit_modrm(b, 0xf7 | rexw(is64), 2, rd);
        break;
    /* The zero extensions write a 32-bit register: bits 63..32 clear. */
    case INDEX_op_ext8s_i64:
        emit_modrm(b, 0xbe | P_EXT | P_REXB_RM | P_REXW, rd, ra);
        break;
    case INDEX_op_ext8u_i64:
        emit_modrm(b, 0xb6 | P_EXT | P_REXB_RM, rd, ra);
        break;
    case INDEX_op_ext16s_i64:
        emit_modrm(b, 0xbf | P_EXT | P_REXW, rd, ra);
        break;
    case INDEX_op_ext16u_i64:
        emit_modrm(b, 0xb7 | P_EXT, rd, ra);
        break;
    case INDEX_op_ext32s_i64:
        emit_modrm(b, 0x63 | P_REXW, rd, ra);
        break;
    case INDEX_op_ext32u_i64:
        emit_modrm(b, 0x8b, rd, ra);
        break;
    case INDEX_op_ext8s_i32:
        emit_modrm(b, 0xbe | P_EXT | P_REXB_RM, rd, ra);
        break;
    case INDEX_op_ext8u_i32:
        emit_modrm(b, 0xb6 | P_EXT | P_REXB_RM, rd, ra);
        break;
    case INDEX_op_ext16s_i32:
        emit_modrm(b, 0xbf | P_EXT, rd, ra);
        break;
    case INDEX_op_ext16u_i32:
        emit_modrm(b, 0xb7 | P_EXT, rd, ra);
        break;
    case INDEX_op_extu_i32_i64:
    case INDEX_op_extrl_i64_i32:
        if (rd != ra || op->opc == INDEX_op_extrl_i64_i32) {
            emit_modrm(b, 0x8b, rd, ra);
        }
        break;
    case INDEX_op_exts_i32_i64:
        emit_modrm(b, 0x63 | P_REXW, rd, ra);
        break;
    case INDEX_op_extrh_i64_i32:
        emit_mov_rr(b, true, rd, ra);
        emit_shift_ri(b, SHIFT_SHR, true, rd, 32);
        break;
    default:
        b->fail = true;
        break;
    }
    set_out(b, d, rd);
}

static void op_mov(Backend *b, TCGOp *op)
{
    int d = op->args[0], a = op->args[1];
    bool is64 = t_is64(b, d);
    TempState *ta = &b->ts[a];
    if (ta->val == VAL_CONST) {
        int64_t v = ta->cval;
        release_dead_inputs(b, op);
        if (b->ts[d].val == VAL_REG) {
            reg_unbind(b, b->ts[d].reg);
        }
        b->ts[d].val = VAL_CONST;
        b->ts[d].cval = is64 ? v : (uint32_t)v;
        b->ts[d].coherent = false;
        return;
    }
    if (ta->val == VAL_REG && (op->life & 2) &&
        b->s->temps[a].kind == TEMP_NORMAL) {
        int r = ta->reg;
        temp_dead(b, a);
        set_out(b, d, r);
        return;
    }
    int ra = in_reg(b, a, ALLOC_REGS);
    release_dead_inputs(b, op);
    int rd = out_reg(b, d, ra, -1, ALLOC_REGS);
    emit_mov_rr(b, is64, rd, ra);
    set_out(b, d, rd);
}

static void op_movi(Backend *b, TCGOp *op)
{
    int d = op->args[0];
    if (b->ts[d].val == VAL_REG) {
        reg_unbind(b, b->ts[d].reg);
    }
    b->ts[d].val = VAL_CONST;
    b->ts[d].cval = t_is64(b, d) ? op->args[1] : (uint32_t)op->args[1];
    b->ts[d].coherent = false;
}

static void op_mul2(Backend *b, TCGOp *op)
{
    int dl = op->args[0], dh = op->args[1], a = op->args[2], c = op->args[3];
    /* a's value goes to rax as a copy: rax is clobbered. */
    if (b->reg_temp[RAX] >= 0 &&
        !(b->reg_temp[RAX] == a && (op->life & (1u << 2)))) {
        reg_evict(b, RAX, RMASK(RDX));
    }
    b->locked |= RMASK(RAX) | RMASK(RDX);
    reg_evict(b, RDX, RMASK(RAX));
    load_to(b, RAX, a);
    int rc;
    if (c == a) {
        rc = RAX;            /* a * a */
    } else {
        if (b->reg_temp[RAX] == a) {
            temp_dead(b, a);
        }
        rc = in_reg(b, c, ALLOC_REGS & ~(RMASK(RAX) | RMASK(RDX)));
    }
    if (b->reg_temp[RAX] == a) {
        temp_dead(b, a);
    }
    release_dead_inputs(b, op);
    bool is64 = op->opc == INDEX_op_mulu2_i64 || op->opc == INDEX_op_muls2_i64;
    bool u = op->opc == INDEX_op_mulu2_i32 || op->opc == INDEX_op_mulu2_i64;
    emit_modrm(b, 0xf7 | rexw(is64), u ? 4 : 5, rc);
    set_out(b, dl, RAX);
    set_out(b, dh, RDX);
}

/* divu2/divs2: rdx:rax / rc (the frontend guarantees no #DE). */
static void op_div2(Backend *b, TCGOp *op)
{
    int dq = op->args[0], dr = op->args[1];
    int lo = op->args[2], hi = op->args[3], c = op->args[4];
    int rc = in_reg(b, c, ALLOC_REGS & ~(RMASK(RAX) | RMASK(RDX)));
    b->locked |= RMASK(RAX) | RMASK(RDX);
    reg_evict(b, RAX, RMASK(RDX));
    reg_evict(b, RDX, RMASK(RAX));
    load_to(b, RAX, lo);
    load_to(b, RDX, hi);
    release_dead_inputs(b, op);
    bool is64 = op->opc != INDEX_op_divu2_i32;
    emit_modrm(b, 0xf7 | rexw(is64), op->opc == INDEX_op_divs2_i64 ? 7 : 6,
               rc);
    set_out(b, dq, RAX);
    set_out(b, dr, RDX);
}

static void op_deposit(Backend *b, TCGOp *op)
{
    int d = op->args[0], a = op->args[1], c = op->args[2];
    int pos = op->args[3], len = op->args[4];
    uint32_t mask = len_mask32(len);
    load_to(b, TREG_TMP, c);
    int ra = in_reg(b, a, ALLOC_REGS);
    release_dead_inputs(b, op);
    int rd = out_reg(b, d, ra, -1, ALLOC_REGS);
    emit_mov_rr(b, false, rd, ra);
    if (pos == 0 && len == 8) {
        emit_modrm(b, 0x88 | P_REXB_R | P_REXB_RM, TREG_TMP, rd);
    } else if (pos == 0 && len == 16) {
        emit_modrm(b, 0x89 | P_DATA16, TREG_TMP, rd);
    } else if (len == 32) {
        emit_mov_rr(b, false, rd, TREG_TMP);
    } else {
        if (pos + len < 32) {
            emit_arith_ri(b, ARITH_AND, false, TREG_TMP, mask);
        }
        if (pos) {
            emit_shift_ri(b, SHIFT_SHL, false, TREG_TMP, pos);
        }
        emit_arith_ri(b, ARITH_AND, false, rd, ~(mask << pos));
        emit_arith_rr(b, ARITH_OR, false, rd, TREG_TMP);
    }
    set_out(b, d, rd);
}

static void op_extract(Backend *b, TCGOp *op, bool sign)
{
    int d = op->args[0], a = op->args[1];
    int pos = op->args[2], len = op->args[3];
    int ra = in_reg(b, a, ALLOC_REGS);
    release_dead_inputs(b, op);
    int rd = out_reg(b, d, ra, -1, ALLOC_REGS);
    if (pos == 0 && (len == 8 || len == 16)) {
        int opc = (len == 8 ? (sign ? 0xbe : 0xb6) : (sign ? 0xbf : 0xb7));
        emit_modrm(b, opc | P_EXT | P_REXB_RM, rd, ra);
    } else if (pos == 8 && len == 8 && ra < 4 && rd < 8) {
        /* ah/ch/dh/bh: r/m 4..7 without a REX prefix */
        emit_opc(b, (sign ? 0xbe : 0xb6) | P_EXT, rd, ra + 4, 0);
        b1(b, 0xc0 | ((rd & 7) << 3) | (ra + 4));
    } else if (sign) {
        emit_mov_rr(b, false, rd, ra);
        if (32 - pos - len) {
            emit_shift_ri(b, SHIFT_SHL, false, rd, 32 - pos - len);
        }
        if (32 - len) {
            emit_shift_ri(b, SHIFT_SAR, false, rd, 32 - len);
        }
    } else {
        emit_mov_rr(b, false, rd, ra);
        if (pos) {
            emit_shift_ri(b, SHIFT_SHR, false, rd, pos);
        }
        if (pos + len < 32) {
            if (len == 8 || len == 16) {
                emit_modrm(b, (len == 8 ? 0xb6 : 0xb7) | P_EXT | P_REXB_RM,
                           rd, rd);
            } else {
                emit_arith_ri(b, ARITH_AND, false, rd, len_mask32(len));
            }
        }
    }
    set_out(b, d, rd);
}

/*
 * deposit_i64: the masks do not fit an imm32, so shifts do the masking:
 * the field into r11 by shl + shr, its place in rd cleared by rotating it
 * to bit 0 and shifting it out and back.
 */
static void op_deposit64(Backend *b, TCGOp *op)
{
    int d = op->args[0], a = op->args[1], c = op->args[2];
    int pos = op->args[3], len = op->args[4];
    load_to(b, TREG_TMP, c);
    int ra = in_reg(b, a, ALLOC_REGS);
    release_dead_inputs(b, op);
    int rd = out_reg(b, d, ra, -1, ALLOC_REGS);
    if (len == 64) {
        emit_mov_rr(b, true, rd, TREG_TMP);
        set_out(b, d, rd);
        return;
    }
    emit_mov_rr(b, true, rd, ra);
    if (pos == 0 && len == 8) {
        emit_modrm(b, 0x88 | P_REXB_R | P_REXB_RM, TREG_TMP, rd);
    } else if (pos == 0 && len == 16) {
        emit_modrm(b, 0x89 | P_DATA16, TREG_TMP, rd);
    } else {
        emit_shift_ri(b, SHIFT_SHL, true, TREG_TMP, 64 - len);
        if (64 - len - pos) {
            emit_shift_ri(b, SHIFT_SHR, true, TREG_TMP, 64 - len - pos);
        }
        if (pos) {
            emit_shift_ri(b, SHIFT_ROR, true, rd, pos);
        }
        emit_shift_ri(b, SHIFT_SHR, true, rd, len);
        emit_shift_ri(b, SHIFT_SHL, true, rd, len);
        if (pos) {
            emit_shift_ri(b, SHIFT_ROL, true, rd, pos);
        }
        emit_arith_rr(b, ARITH_OR, true, rd, TREG_TMP);
    }
    set_out(b, d, rd);
}

static void op_extract64(Backend *b, TCGOp *op, bool sign)
{
    int d = op->args[0], a = op->args[1];
    int pos = op->args[2], len = op->args[3];
    int ra = in_reg(b, a, ALLOC_REGS);
    release_dead_inputs(b, op);
    int rd = out_reg(b, d, ra, -1, ALLOC_REGS);
    if (pos == 0 && (len == 8 || len == 16)) {
        int opc = (len == 8 ? (sign ? 0xbe : 0xb6) : (sign ? 0xbf : 0xb7));
        emit_modrm(b, opc | P_EXT | P_REXB_RM | (sign ? P_REXW : 0), rd, ra);
    } else if (pos == 0 && len == 32) {
        emit_modrm(b, sign ? 0x63 | P_REXW : 0x8b, rd, ra);
    } else if (!sign && pos + len == 64) {
        emit_mov_rr(b, true, rd, ra);
        emit_shift_ri(b, SHIFT_SHR, true, rd, pos);
    } else {
        emit_mov_rr(b, true, rd, ra);
        if (64 - pos - len) {
            emit_shift_ri(b, SHIFT_SHL, true, rd, 64 - pos - len);
        }
        if (64 - len) {
            emit_shift_ri(b, sign ? SHIFT_SAR : SHIFT_SHR, true, rd, 64 - len);
        }
    }
    set_out(b, d, rd);
}

static void op_ld_env(Backend *b, TCGOp *op, MemOp mop, bool is64)
{
    int d = op->args[0];
    int rd = out_reg(b, d, -1, -1, ALLOC_REGS);
    emit_ld(b, mop, is64, rd, TREG_ENV, -1, op->args[1]);
    set_out(b, d, rd);
}

static void op_st_env(Backend *b, TCGOp *op, MemOp mop)
{
    int v = op->args[0];
    int64_t cv;
    if (t_const(b, v, &cv) && emit_st_imm(b, mop, TREG_ENV, op->args[1], cv)) {
        release_dead_inputs(b, op);
        return;
    }
    int rv = in_reg(b, v, ALLOC_REGS);
    emit_st(b, mop, rv, TREG_ENV, -1, op->args[1]);
    release_dead_inputs(b, op);
}

static void op_qemu_ldst(Backend *b, TCGOp *op, bool is_ld, bool is64)
{
    int dv = op->args[0], addr = op->args[1];
    MemOp mop = op->args[2];
    int mmu_idx = op->args[3] & (TCG_NB_MMU_MODES - 1);
    unsigned size = 1u << (mop & MO_SIZE);
    int32_t tlb = tcg_backend_cfg.tlb_offset +
                  mmu_idx * TCG_TLB_SIZE * (int)sizeof(TCGTLBEntry);
    int32_t cmp_off = tlb + (is_ld ? offsetof(TCGTLBEntry, addr_read)
                                   : offsetof(TCGTLBEntry, addr_write));
    int32_t add_off = tlb + offsetof(TCGTLBEntry, addend);

    if (b->nb_slow >= MAX_SLOW) {
        b->fail = true;
        return;
    }
    SlowPath *sp = &b->slow[b->nb_slow++];
    memset(sp, 0, offsetof(SlowPath, dirty));
    sp->is_ld = is_ld;
    sp->is64 = is64;
    sp->a64 = t_is64(b, addr);
    sp->mop = mop;
    sp->mmu_idx = mmu_idx;

    int ra = in_reg(b, addr, ALLOC_REGS);
    int rv = -1;
    if (!is_ld) {
        int64_t cv;
        if (t_const(b, dv, &cv) && b->s->temps[dv].kind == TEMP_CONST) {
            sp->data_imm = true;
            sp->data_cval = cv;
        }
        rv = in_reg(b, dv, ALLOC_REGS);
        sp->data_reg = rv;
    }
    int rt = reg_alloc(b, ALLOC_REGS);      /* compare value */
    sp->addr_reg = ra;

    /*
     * Dirty globals as they are at the jne (the output's old value too: an
     * exception must see the state before this instruction).
     */
    for (int t = 1; t < b->s->nb_globals; t++) {
        TempState *ts = &b->ts[t];
        if (ts->coherent || (ts->val != VAL_REG && ts->val != VAL_CONST)) {
            continue;
        }
        if (sp->nb_dirty >= MAX_DIRTY) {
            temp_sync(b, t);     /* (not expected: few guest globals) */
            continue;
        }
        sp->dirty[sp->nb_dirty].t = t;
        sp->dirty[sp->nb_dirty].reg = ts->val == VAL_REG ? ts->reg : -1;
        sp->dirty[sp->nb_dirty].cval = ts->cval;
        sp->nb_dirty++;
    }

    /*
     * r11 = TLB index * sizeof(TCGTLBEntry) (from the low half: the index
     * bits are below bit 32).  rt = the last byte's page, in the address's
     * width: an i32 address is zero-extended and its lea wraps at 4 GiB
     * (a miss), an i64 one keeps bits 63..32, so the 64-bit compare with
     * the tag never matches a page that only shares the low 32 bits.
     */
    emit_modrm(b, 0x8b, TREG_TMP, ra);
    emit_shift_ri(b, SHIFT_SHR, false, TREG_TMP,
                  TCG_PAGE_BITS - 5);   /* sizeof(TCGTLBEntry) == 32 */
    emit_arith_ri(b, ARITH_AND, false, TREG_TMP, (TCG_TLB_SIZE - 1) << 5);
    if (size > 1) {
        /* lea rt, [ra + size - 1] */
        emit_modrm_off(b, 0x8d | rexw(sp->a64), rt, ra, size - 1);
    } else {
        emit_mov_rr(b, sp->a64, rt, ra);
    }
    /* and with the sign-extended imm32 ~0xfff: all of bits 63..12 */
    emit_arith_ri(b, ARITH_AND, sp->a64, rt, -(int32_t)TCG_PAGE_SIZE);
    emit_modrm_sib(b, 0x3b | P_REXW, rt, TREG_ENV, TREG_TMP, 0, cmp_off);
    b1(b, 0x0f);
    b1(b, 0x85);                                        /* jne slow */
    sp->jne_off = cur_off(b);
    b4(b, 0);
    emit_modrm_sib(b, 0x8b | P_REXW, TREG_TMP, TREG_ENV, TREG_TMP, 0,
                   add_off);

    release_dead_inputs(b, op);
    if (is_ld) {
        int rd = out_reg(b, dv, ra, rt, ALLOC_REGS);
        emit_ld(b, mop, is64, rd, TREG_TMP, ra, 0);
        set_out(b, dv, rd);
        sp->data_reg = rd;
    } else {
        emit_st(b, mop, rv, TREG_TMP, ra, 0);
    }
    sp->done_off = cur_off(b);

    /* Live values in call-clobbered registers after the op. */
    for (int r = 0; r < 16; r++) {
        if ((CALL_CLOBBER & RMASK(r)) && b->reg_temp[r] >= 0 &&
            !(is_ld && r == sp->data_reg)) {
            sp->save_regs |= RMASK(r);
        }
    }
}

static void emit_slow_path(Backend *b, SlowPath *sp)
{
    uint32_t here = cur_off(b);
    int32_t rel = here - (sp->jne_off + 4);
    memcpy(b->start + sp->jne_off, &rel, 4);

    for (int i = 0; i < sp->nb_dirty; i++) {
        int t = sp->dirty[i].t, base;
        int32_t disp;
        bool is64 = t_is64(b, t);
        temp_mem(b, t, &base, &disp);
        if (sp->dirty[i].reg >= 0) {
            emit_st(b, is64 ? MO_64 : MO_32, sp->dirty[i].reg, base, -1,
                    disp);
        } else if (!emit_st_imm(b, is64 ? MO_64 : MO_32, base, disp,
                                sp->dirty[i].cval)) {
            emit_movi(b, true, TREG_TMP, sp->dirty[i].cval);
            emit_st(b, MO_64, TREG_TMP, base, -1, disp);
        }
    }
    int nsave = 0;
    for (int r = 0; r < 16; r++) {
        if (sp->save_regs & RMASK(r)) {
            emit_opc(b, 0x50 + (r & 7), 0, r, 0);
            nsave++;
        }
    }
    if (nsave & 1) {
        emit_arith_ri(b, ARITH_SUB, true, RSP, 8);
    }
    int32_t ret_disp;
    /* An i32 address is zero-extended in its register: a 64-bit move
     * suits both widths; the slow path learns the width from MO_ADDR32. */
    MemOp slow_op = (sp->mop & MO_SIZE) | (sp->a64 ? 0 : MO_ADDR32);
    if (sp->is_ld) {
        emit_mov_rr(b, true, RSI, sp->addr_reg);
        emit_movi(b, false, RDX, slow_op);
        emit_movi(b, false, RCX, sp->mmu_idx);
        /* lea r8, [rip + done] */
        emit_opc(b, 0x8d | P_REXW, R8, 0, 0);
        b1(b, 0x05 | ((R8 & 7) << 3));
        ret_disp = sp->done_off - (cur_off(b) + 4);
        b4(b, ret_disp);
        emit_mov_rr(b, true, RDI, TREG_ENV);
        emit_jmp_abs(b, 0xe8, (const void *)tcg_backend_cfg.slow_ld);
        /* result: extend like the hit path did */
        switch (sp->mop & (MO_SIZE | MO_SIGN)) {
        case MO_SB:
            emit_modrm(b, 0xbe | P_EXT | rexw(sp->is64), sp->data_reg, RAX);
            break;
        case MO_SW:
            emit_modrm(b, 0xbf | P_EXT | rexw(sp->is64), sp->data_reg, RAX);
            break;
        case MO_SL:
            if (sp->is64) {
                emit_modrm(b, 0x63 | P_REXW, sp->data_reg, RAX);
            } else {
                emit_modrm(b, 0x8b, sp->data_reg, RAX);
            }
            break;
        case MO_UB:
            emit_modrm(b, 0xb6 | P_EXT, sp->data_reg, RAX);
            break;
        case MO_UW:
            emit_modrm(b, 0xb7 | P_EXT, sp->data_reg, RAX);
            break;
        case MO_UL:
            emit_modrm(b, 0x8b, sp->data_reg, RAX);
            break;
        default:
            emit_mov_rr(b, true, sp->data_reg, RAX);
            break;
        }
    } else {
        if (sp->data_imm) {
            emit_movi(b, true, TREG_TMP, sp->data_cval);
        } else {
            emit_mov_rr(b, true, TREG_TMP, sp->data_reg);
        }
        emit_mov_rr(b, true, RSI, sp->addr_reg);
        emit_mov_rr(b, true, RDX, TREG_TMP);
        emit_movi(b, false, RCX, slow_op);
        emit_movi(b, false, R8, sp->mmu_idx);
        emit_opc(b, 0x8d | P_REXW, R9, 0, 0);
        b1(b, 0x05 | ((R9 & 7) << 3));
        ret_disp = sp->done_off - (cur_off(b) + 4);
        b4(b, ret_disp);
        emit_mov_rr(b, true, RDI, TREG_ENV);
        emit_jmp_abs(b, 0xe8, (const void *)tcg_backend_cfg.slow_st);
    }
    if (nsave & 1) {
        emit_arith_ri(b, ARITH_ADD, true, RSP, 8);
    }
    for (int r = 15; r >= 0; r--) {
        if (sp->save_regs & RMASK(r)) {
            emit_opc(b, 0x58 + (r & 7), 0, r, 0);
        }
    }
    b1(b, 0xe9);
    b4(b, sp->done_off - (cur_off(b) + 4));
}

static void op_call(Backend *b, TCGOp *op)
{
    int ni = op->nargs - 3;
    int ret = op->args[0];
    const void *fn = (const void *)(uintptr_t)op->args[1 + ni];
    int flags = op->args[2 + ni];
    uint16_t dying_args = 0;

    if (!(flags & TCG_CALL_PURE)) {
        sync_globals(b, false);
    }
    for (int k = 0; k < ni; k++) {
        int t = op->args[1 + k];
        if ((op->life & (1u << (1 + k))) && b->ts[t].val == VAL_REG) {
            dying_args |= RMASK(b->ts[t].reg);
        }
    }
    /* Live values out of the call-clobbered registers. */
    b->locked = CALL_CLOBBER;
    for (int r = 0; r < 16; r++) {
        int t = b->reg_temp[r];
        if (!(CALL_CLOBBER & RMASK(r)) || t < 0 || (dying_args & RMASK(r))) {
            continue;
        }
        if (b->s->temps[t].kind == TEMP_GLOBAL && b->ts[t].coherent) {
            reg_unbind(b, r);
        } else {
            reg_evict(b, r, CALL_CLOBBER);
        }
    }
    /* Parallel move of register sources into the argument registers. */
    int src[6], n = 0;
    int dst[6];
    for (int k = 0; k < ni; k++) {
        int t = op->args[1 + k];
        int sr = -1;
        if (b->s->temps[t].kind == TEMP_FIXED) {
            sr = TREG_ENV;
        } else if (b->ts[t].val == VAL_REG) {
            sr = b->ts[t].reg;
        }
        if (sr >= 0 && sr != call_args[k]) {
            src[n] = sr;
            dst[n] = call_args[k];
            n++;
        }
    }
    while (n > 0) {
        bool progress = false;
        for (int i = 0; i < n; i++) {
            bool blocked = false;
            for (int j = 0; j < n; j++) {
                if (j != i && src[j] == dst[i]) {
                    blocked = true;
                }
            }
            if (!blocked) {
                emit_mov_rr(b, true, dst[i], src[i]);
                src[i] = src[n - 1];
                dst[i] = dst[n - 1];
                n--;
                progress = true;
                break;
            }
        }
        if (!progress) {
            emit_mov_rr(b, true, TREG_TMP, src[0]);
            int old = src[0];
            for (int j = 0; j < n; j++) {
                if (src[j] == old) {
                    src[j] = TREG_TMP;
                }
            }
        }
    }
    for (int k = 0; k < ni; k++) {
        int t = op->args[1 + k];
        if (b->s->temps[t].kind != TEMP_FIXED && b->ts[t].val != VAL_REG) {
            load_to(b, call_args[k], t);
        }
    }
    release_dead_inputs(b, op);
    for (int r = 0; r < 16; r++) {
        if (CALL_CLOBBER & RMASK(r)) {
            reg_unbind(b, r);
        }
    }
    emit_jmp_abs(b, 0xe8, fn);
    if (!(flags & (TCG_CALL_PURE | TCG_CALL_NO_WG))) {
        sync_globals(b, true);
    }
    b->locked = 0;
    if (ret >= 0) {
        /* The ABI leaves bits 63..32 of rax undefined for a 32-bit
         * result: re-establish "an i32 in a register is zero-extended". */
        if (!t_is64(b, ret)) {
            emit_modrm(b, 0x8b, RAX, RAX);
        }
        set_out(b, ret, RAX);
    }
}

static void op_goto_tb(Backend *b, TCGOp *op)
{
    int n = op->args[0] & 1;
    sync_globals(b, false);
    while ((cur_off(b) + 1) & 3) {
        b1(b, 0x90);
    }
    b->info->jmp_insn_offset[n] = cur_off(b);
    b1(b, 0xe9);
    b4(b, 0);
    b->info->jmp_reset_offset[n] = cur_off(b);
}

static void emit_jmp_to(Backend *b, const void *target)
{
    b1(b, 0xe9);
    b4(b, (intptr_t)target - (intptr_t)(b->ptr + 4));
}

static void op_exit_tb(Backend *b, TCGOp *op)
{
    sync_globals(b, false);
    if (op->args[0] == 0) {
        emit_jmp_to(b, b->cache->exit0);
    } else {
        emit_movi(b, true, RAX, op->args[0]);
        emit_jmp_to(b, b->cache->epilogue);
    }
}

/*
 * goto_ptr of the constant 0: the jump-cache lookup inline (tcg-backend.h,
 * TCGJumpCacheLayout), lookup_tb_ptr on a miss.  Everything is in memory
 * here, so rax, rcx, rdx and rdi are free.
 */
static void emit_goto_ptr_lookup(Backend *b)
{
    const TCGJumpCacheLayout *jc = &tcg_backend_cfg.jc;
    uint8_t *miss[6];
    int nm = 0;

    sync_globals(b, false);
    /* The hash takes the low half of cs_base + eip (32-bit adds give the
     * same low half); the compares below take all 64 bits. */
    emit_modrm_off(b, 0x8b, RAX, TREG_ENV, jc->env_cs_base);
    emit_modrm_off(b, 0x03, RAX, TREG_ENV, jc->env_eip);     /* add */
    emit_mov_rr(b, false, RCX, RAX);
    emit_shift_ri(b, SHIFT_SHR, false, RCX, jc->bits);
    emit_arith_rr(b, ARITH_XOR, false, RCX, RAX);
    emit_arith_ri(b, ARITH_AND, false, RCX, (1 << jc->bits) - 1);
    emit_modrm_off(b, 0x8b | P_REXW, RDX, TREG_ENV, jc->env_table);
    emit_modrm_sib(b, 0x8b | P_REXW, RDX, RDX, RCX, 3, 0);
    emit_modrm(b, 0x85 | P_REXW, RDX, RDX);                  /* test */
    b1(b, 0x0f);
    b1(b, 0x84);                                             /* je miss */
    miss[nm++] = b->ptr;
    b4(b, 0);
    const int env_off[3] = { jc->env_eip, jc->env_cs_base, jc->env_flags };
    const int tb_off[3] = { jc->tb_eip, jc->tb_cs_base, jc->tb_flags };
    for (int i = 0; i < 3; i++) {
        int w = i < 2 ? P_REXW : 0;          /* eip, cs_base: 64-bit */
        emit_modrm_off(b, 0x8b | w, RCX, TREG_ENV, env_off[i]);
        emit_modrm_off(b, 0x3b | w, RCX, RDX, tb_off[i]);    /* cmp */
        b1(b, 0x0f);
        b1(b, 0x85);                                         /* jne miss */
        miss[nm++] = b->ptr;
        b4(b, 0);
    }
    emit_modrm_off(b, 0x80, 7, RDX, jc->tb_invalid);         /* cmp b, 0 */
    b1(b, 0);
    b1(b, 0x0f);
    b1(b, 0x85);
    miss[nm++] = b->ptr;
    b4(b, 0);
    emit_modrm_off(b, 0x8b | P_REXW, RAX, RDX, jc->tb_code);
    emit_modrm(b, 0x85 | P_REXW, RAX, RAX);
    b1(b, 0x0f);
    b1(b, 0x84);
    miss[nm++] = b->ptr;
    b4(b, 0);
    emit_modrm(b, 0xff, 4, RAX);                             /* jmp *rax */
    for (int i = 0; i < nm; i++) {
        int32_t rel = b->ptr - (miss[i] + 4);
        memcpy(miss[i], &rel, 4);
    }
    emit_mov_rr(b, true, RDI, TREG_ENV);
    emit_jmp_abs(b, 0xe8, (const void *)tcg_backend_cfg.lookup_tb_ptr);
    emit_modrm(b, 0x85 | P_REXW, RAX, RAX);
    b1(b, 0x0f);
    b1(b, 0x84);                                             /* je exit0 */
    b4(b, (intptr_t)b->cache->exit0 - (intptr_t)(b->ptr + 4));
    emit_modrm(b, 0xff, 4, RAX);
}

static void op_goto_ptr(Backend *b, TCGOp *op)
{
    if (b->s->temps[op->args[0]].kind == TEMP_CONST &&
        tcg_backend_cfg.jc.enabled && tcg_backend_cfg.lookup_tb_ptr) {
        emit_goto_ptr_lookup(b);
        release_dead_inputs(b, op);
        return;
    }
    int r = in_reg(b, op->args[0], ALLOC_REGS);
    sync_globals(b, false);
    emit_modrm(b, 0x85 | P_REXW, r, r);
    b1(b, 0x0f);
    b1(b, 0x84);                             /* je exit0 */
    b4(b, (intptr_t)b->cache->exit0 - (intptr_t)(b->ptr + 4));
    emit_modrm(b, 0xff, 4, r);               /* jmp *r */
    release_dead_inputs(b, op);
}

static void op_insn_start(Backend *b, TCGOp *op)
{
    TranslatedCodeInfo *info = b->info;
    if (info->nb_insns >= TCG_MAX_INSNS) {
        b->fail = true;
        return;
    }
    info->insn_off[info->nb_insns] = cur_off(b);
    info->insn_data[info->nb_insns][0] = op->args[0];
    info->insn_data[info->nb_insns][1] = op->nargs > 1 ? op->args[1] : 0;
    info->nb_insns++;
}

static void gen_op(Backend *b, TCGOp *op)
{
    switch (op->opc) {
    case INDEX_op_discard:
        temp_dead(b, op->args[0]);
        break;
    case INDEX_op_set_label:
        sync_all(b, true);
        b->label_off[op->args[0]] = cur_off(b);
        break;
    case INDEX_op_br:
        sync_all(b, false);
        b1(b, 0xe9);
        label_ref(b, op->args[0]);
        break;
    case INDEX_op_insn_start:
        op_insn_start(b, op);
        break;
    case INDEX_op_goto_tb:
        op_goto_tb(b, op);
        break;
    case INDEX_op_exit_tb:
        op_exit_tb(b, op);
        break;
    case INDEX_op_goto_ptr:
        op_goto_ptr(b, op);
        break;
    case INDEX_op_call:
        op_call(b, op);
        break;
    case INDEX_op_mov_i32:
    case INDEX_op_mov_i64:
        op_mov(b, op);
        break;
    case INDEX_op_movi_i32:
    case INDEX_op_movi_i64:
        op_movi(b, op);
        break;
    case INDEX_op_setcond_i32:
        op_setcond(b, op, false);
        break;
    case INDEX_op_setcond_i64:
        op_setcond(b, op, true);
        break;
    case INDEX_op_movcond_i32:
        op_movcond(b, op, false);
        break;
    case INDEX_op_movcond_i64:
        op_movcond(b, op, true);
        break;
    case INDEX_op_brcond_i32:
        op_brcond(b, op, false);
        break;
    case INDEX_op_brcond_i64:
        op_brcond(b, op, true);
        break;
    case INDEX_op_ld8u_i32:
        op_ld_env(b, op, MO_UB, false);
        break;
    case INDEX_op_ld8s_i32:
        op_ld_env(b, op, MO_SB, false);
        break;
    case INDEX_op_ld16u_i32:
        op_ld_env(b, op, MO_UW, false);
        break;
    case INDEX_op_ld16s_i32:
        op_ld_env(b, op, MO_SW, false);
        break;
    case INDEX_op_ld_i32:
        op_ld_env(b, op, MO_UL, false);
        break;
    case INDEX_op_ld_i64:
        op_ld_env(b, op, MO_64, true);
        break;
    case INDEX_op_ld8u_i64:
        op_ld_env(b, op, MO_UB, true);
        break;
    case INDEX_op_ld8s_i64:
        op_ld_env(b, op, MO_SB, true);
        break;
    case INDEX_op_ld16u_i64:
        op_ld_env(b, op, MO_UW, true);
        break;
    case INDEX_op_ld16s_i64:
        op_ld_env(b, op, MO_SW, true);
        break;
    case INDEX_op_ld32u_i64:
        op_ld_env(b, op, MO_UL, true);
        break;
    case INDEX_op_ld32s_i64:
        op_ld_env(b, op, MO_SL, true);
        break;
    case INDEX_op_st8_i64:
        op_st_env(b, op, MO_8);
        break;
    case INDEX_op_st16_i64:
        op_st_env(b, op, MO_16);
        break;
    case INDEX_op_st32_i64:
        op_st_env(b, op, MO_32);
        break;
    case INDEX_op_st8_i32:
        op_st_env(b, op, MO_8);
        break;
    case INDEX_op_st16_i32:
        op_st_env(b, op, MO_16);
        break;
    case INDEX_op_st_i32:
        op_st_env(b, op, MO_32);
        break;
    case INDEX_op_st_i64:
        op_st_env(b, op, MO_64);
        break;
    case INDEX_op_add_i32:
    case INDEX_op_sub_i32:
    case INDEX_op_mul_i32:
    case INDEX_op_and_i32:
    case INDEX_op_or_i32:
    case INDEX_op_xor_i32:
        op_arith(b, op, false);
        break;
    case INDEX_op_add_i64:
    case INDEX_op_sub_i64:
    case INDEX_op_mul_i64:
    case INDEX_op_and_i64:
    case INDEX_op_or_i64:
    case INDEX_op_xor_i64:
        op_arith(b, op, true);
        break;
    case INDEX_op_shl_i32:
    case INDEX_op_shr_i32:
    case INDEX_op_sar_i32:
    case INDEX_op_rotl_i32:
    case INDEX_op_rotr_i32:
        op_shift(b, op, false);
        break;
    case INDEX_op_shl_i64:
    case INDEX_op_shr_i64:
    case INDEX_op_sar_i64:
    case INDEX_op_rotl_i64:
    case INDEX_op_rotr_i64:
        op_shift(b, op, true);
        break;
    case INDEX_op_mulu2_i32:
    case INDEX_op_muls2_i32:
    case INDEX_op_mulu2_i64:
    case INDEX_op_muls2_i64:
        op_mul2(b, op);
        break;
    case INDEX_op_divu2_i32:
    case INDEX_op_divu2_i64:
    case INDEX_op_divs2_i64:
        op_div2(b, op);
        break;
    case INDEX_op_neg_i32:
    case INDEX_op_not_i32:
    case INDEX_op_ext8s_i32:
    case INDEX_op_ext8u_i32:
    case INDEX_op_ext16s_i32:
    case INDEX_op_ext16u_i32:
    case INDEX_op_extu_i32_i64:
    case INDEX_op_exts_i32_i64:
    case INDEX_op_extrl_i64_i32:
    case INDEX_op_extrh_i64_i32:
    case INDEX_op_neg_i64:
    case INDEX_op_not_i64:
    case INDEX_op_ext8s_i64:
    case INDEX_op_ext8u_i64:
    case INDEX_op_ext16s_i64:
    case INDEX_op_ext16u_i64:
    case INDEX_op_ext32s_i64:
    case INDEX_op_ext32u_i64:
        op_unary(b, op);
        break;
    case INDEX_op_deposit_i32:
        op_deposit(b, op);
        break;
    case INDEX_op_deposit_i64:
        op_deposit64(b, op);
        break;
    case INDEX_op_extract_i64:
        op_extract64(b, op, false);
        break;
    case INDEX_op_sextract_i64:
        op_extract64(b, op, true);
        break;
    case INDEX_op_extract_i32:
        op_extract(b, op, false);
        break;
    case INDEX_op_sextract_i32:
        op_extract(b, op, true);
        break;
    case INDEX_op_qemu_ld_i32:
        op_qemu_ldst(b, op, true, false);
        break;
    case INDEX_op_qemu_ld_i64:
        op_qemu_ldst(b, op, true, true);
        break;
    case INDEX_op_qemu_st_i32:
        op_qemu_ldst(b, op, false, false);
        break;
    case INDEX_op_qemu_st_i64:
        op_qemu_ldst(b, op, false, true);
        break;
    default:
        b->fail = true;
        break;
    }
}

int tcg_gen_code(TCGContext *s, TCGCodeCache *c, TranslatedCodeInfo *info)
{
    static __thread Backend *bk;
    if (!bk) {
        bk = calloc(1, sizeof(*bk));
        bk->slow = calloc(MAX_SLOW, sizeof(SlowPath));
        if (!bk->slow) {
            return -ENOMEM;
        }
    }
    Backend *b = bk;
    size_t used = (c->used + 15) & ~(size_t)15;
    if (used + 4096 > c->size) {
        return -ENOSPC;
    }
    tcg_liveness(s);
    b->s = s;
    b->cache = c;
    b->start = b->ptr = c->base + used;
    b->end = c->base + c->size;
    b->nb_relocs = 0;
    b->nb_slow = 0;
    b->fail = false;
    b->info = info;
    info->nb_insns = 0;
    for (int n = 0; n < 2; n++) {
        info->jmp_insn_offset[n] = UINT32_MAX;
        info->jmp_reset_offset[n] = UINT32_MAX;
    }
    for (int r = 0; r < 16; r++) {
        b->reg_temp[r] = -1;
    }
    for (int l = 0; l < s->nb_labels; l++) {
        b->label_off[l] = -1;
    }
    for (int t = 0; t < s->nb_temps; t++) {
        TCGTemp *tp = &s->temps[t];
        TempState *ts = &b->ts[t];
        ts->reg = -1;
        ts->coherent = true;
        ts->cval = 0;
        switch (tp->kind) {
        case TEMP_GLOBAL:
            ts->val = VAL_MEM;
            break;
        case TEMP_CONST:
            ts->val = VAL_CONST;
            ts->cval = tp->type == TCG_TYPE_I32 ? (uint32_t)tp->val : tp->val;
            break;
        case TEMP_FIXED:
            ts->val = VAL_REG;
            ts->reg = TREG_ENV;
            break;
        default:
            ts->val = VAL_DEAD;
            break;
        }
    }

    size_t per_slow = 160 + 16 * (size_t)s->nb_globals;
    for (int i = 0; i < s->nb_ops && !b->fail; i++) {
        size_t margin = 1024 + 16 * (size_t)s->nb_globals +
                        (b->nb_slow + 1) * per_slow;
        if ((size_t)(b->end - b->ptr) < margin) {
            return -ENOSPC;
        }
        TCGOp *op = &s->ops[i];
        b->locked = 0;
        if (i + 1 < s->nb_ops && fuse_ld_brcond(b, op, &s->ops[i + 1])) {
            i++;
            continue;
        }
        gen_op(b, op);
        finish_outputs(b, op);
    }
    for (int i = 0; i < b->nb_slow && !b->fail; i++) {
        emit_slow_path(b, &b->slow[i]);
    }
    for (int i = 0; i < b->nb_relocs && !b->fail; i++) {
        int off = b->label_off[b->relocs[i].label];
        if (off < 0) {
            b->fail = true;
            break;
        }
        int32_t rel = off - (int32_t)(b->relocs[i].off + 4);
        memcpy(b->start + b->relocs[i].off, &rel, 4);
    }
    if (b->fail) {
        return -EINVAL;
    }
    info->code = b->start;
    info->size = b->ptr - b->start;
    c->used = b->ptr - c->base;
    return 0;
}

/* ---- Code cache, chaining, unwinding ---- */

static void emit_prologue(TCGCodeCache *c)
{
    Backend bb = { 0 };
    Backend *b = &bb;
    static const int saved[] = { RBP, RBX, R12, R13, R14, R15 };
    b->start = b->ptr = c->base;
    c->prologue = b->ptr;
    for (unsigned i = 0; i < ARRAY_SIZE(saved); i++) {
        emit_opc(b, 0x50 + (saved[i] & 7), 0, saved[i], 0);
    }
    emit_modrm(b, 0x81 | P_REXW, ARITH_SUB, RSP);
    b4(b, FRAME_SIZE);
    emit_mov_rr(b, true, TREG_ENV, RDI);
    emit_modrm(b, 0xff, 4, RSI);             /* jmp *rsi */
    c->exit0 = b->ptr;
    emit_modrm(b, 0x33, RAX, RAX);
    c->epilogue = b->ptr;
    emit_modrm(b, 0x81 | P_REXW, ARITH_ADD, RSP);
    b4(b, FRAME_SIZE);
    for (int i = ARRAY_SIZE(saved) - 1; i >= 0; i--) {
        emit_opc(b, 0x58 + (saved[i] & 7), 0, saved[i], 0);
    }
    b1(b, 0xc3);
    c->used = b->ptr - c->base;
}

int tcg_code_cache_init(TCGCodeCache *c, size_t size)
{
    memset(c, 0, sizeof(*c));
    if (size < 64 * KiB || size > 1 * GiB) {
        return -EINVAL;
    }
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        return -errno;
    }
    c->base = p;
    c->size = size;
    emit_prologue(c);
    return 0;
}

void tcg_code_cache_destroy(TCGCodeCache *c)
{
    if (c->base) {
        munmap(c->base, c->size);
    }
    memset(c, 0, sizeof(*c));
}

void tcg_code_cache_reset(TCGCodeCache *c)
{
    emit_prologue(c);
}

void tcg_tb_set_jmp_target(const TranslatedCodeInfo *info, int n,
                           const void *target)
{
    uint32_t off = info->jmp_insn_offset[n & 1];
    if (off == UINT32_MAX) {
        return;
    }
    uint8_t *jmp = (uint8_t *)info->code + off;
    int32_t rel = (intptr_t)target - (intptr_t)(jmp + 5);
    /* The rel32 is 4-byte aligned (op_goto_tb): one atomic store. */
    __atomic_store_n((int32_t *)(jmp + 1), rel, __ATOMIC_RELEASE);
}

int tcg_search_insn(const TranslatedCodeInfo *info, uintptr_t host_pc)
{
    uintptr_t start = (uintptr_t)info->code;
    if (host_pc <= start || host_pc > start + info->size) {
        return -1;
    }
    uint32_t off = host_pc - start;
    int found = -1;
    /* The return address is after the call, so strictly greater. */
    for (int i = 0; i < info->nb_insns; i++) {
        if (info->insn_off[i] < off) {
            found = i;
        } else {
            break;
        }
    }
    return found;
}
