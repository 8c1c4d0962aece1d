/*
 * Internals shared by tcg.c, optimize.c, tci.c and the x86-64 back end:
 * op layout queries and the reference semantics of the ALU ops (used by
 * the interpreter and by constant folding).
 */
#ifndef TCG_TCG_INTERNAL_H
#define TCG_TCG_INTERNAL_H

#include "tcg/tcg.h"

int tcg_op_nb_oargs(const TCGOp *op);
int tcg_op_nb_iargs(const TCGOp *op);
int tcg_op_iarg_pos(const TCGOp *op);
bool tcg_op_is_sync(const TCGOp *op);
int tcg_const_idx(TCGContext *s, TCGType type, int64_t val);

static inline bool tcg_eval_cond(TCGCond c, uint64_t a, uint64_t b,
                                 bool is64)
{
    int64_t sa, sb;
    if (!is64) {
        a = (uint32_t)a;
        b = (uint32_t)b;
        sa = (int32_t)a;
        sb = (int32_t)b;
    } else {
        sa = (int64_t)a;
        sb = (int64_t)b;
    }
    switch (c) {
    case TCG_COND_NEVER:
        return false;
    case TCG_COND_ALWAYS:
        return true;
    case TCG_COND_EQ:
        return a == b;
    case TCG_COND_NE:
        return a != b;
    case TCG_COND_LT:
        return sa < sb;
    case TCG_COND_GE:
        return sa >= sb;
    case TCG_COND_LE:
        return sa <= sb;
    case TCG_COND_GT:
        return sa > sb;
    case TCG_COND_LTU:
        return a < b;
    case TCG_COND_GEU:
        return a >= b;
    case TCG_COND_LEU:
        return a <= b;
    case TCG_COND_GTU:
        return a > b;
    }
    return false;
}

static inline TCGCond tcg_swap_cond(TCGCond c)
{
    switch (c) {
    case TCG_COND_LT:
        return TCG_COND_GT;
    case TCG_COND_GT:
        return TCG_COND_LT;
    case TCG_COND_LE:
        return TCG_COND_GE;
    case TCG_COND_GE:
        return TCG_COND_LE;
    case TCG_COND_LTU:
        return TCG_COND_GTU;
    case TCG_COND_GTU:
        return TCG_COND_LTU;
    case TCG_COND_LEU:
        return TCG_COND_GEU;
    case TCG_COND_GEU:
        return TCG_COND_LEU;
    default:
        return c;
    }
}

static inline uint32_t len_mask32(int64_t len)
{
    return len >= 32 ? ~0u : (1u << len) - 1;
}

static inline uint64_t len_mask64(int64_t len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

/* The ops with (pos, len) constants: deposit d, a, b, pos, len and
 * extract/sextract d, a, pos, len. */
static inline bool tcg_op_is_deposit(TCGOpcode opc)
{
    return opc == INDEX_op_deposit_i32 || opc == INDEX_op_deposit_i64;
}

static inline bool tcg_op_is_extract(TCGOpcode opc)
{
    return opc == INDEX_op_extract_i32 || opc == INDEX_op_sextract_i32 ||
           opc == INDEX_op_extract_i64 || opc == INDEX_op_sextract_i64;
}

/*
 * Result of a one- or two-input ALU op with no side effects on constant
 * inputs; false if opc is not such an op.  c1/c2 are the constant args
 * (deposit/extract pos and len).  The result is zero-extended for i32.
 */
static inline bool tcg_eval_alu(TCGOpcode opc, uint64_t a, uint64_t b,
                                int64_t c1, int64_t c2, uint64_t *res)
{
    uint32_t a32 = a, b32 = b;
    uint64_t r;
    switch (opc) {
    case INDEX_op_mov_i32:
        r = a32;
        break;
    case INDEX_op_add_i32:
        r = (uint32_t)(a32 + b32);
        break;
    case INDEX_op_sub_i32:
        r = (uint32_t)(a32 - b32);
        break;
    case INDEX_op_mul_i32:
        r = (uint32_t)(a32 * b32);
        break;
    case INDEX_op_and_i32:
        r = a32 & b32;
        break;
    case INDEX_op_or_i32:
        r = a32 | b32;
        break;
    case INDEX_op_xor_i32:
        r = a32 ^ b32;
        break;
    case INDEX_op_shl_i32:
        r = (uint32_t)(a32 << (b32 & 31));
        break;
    case INDEX_op_shr_i32:
        r = a32 >> (b32 & 31);
        break;
    case INDEX_op_sar_i32:
        r = (uint32_t)((int32_t)a32 >> (b32 & 31));
        break;
    case INDEX_op_rotl_i32:
        b32 &= 31;
        r = b32 ? (uint32_t)((a32 << b32) | (a32 >> (32 - b32))) : a32;
        break;
    case INDEX_op_rotr_i32:
        b32 &= 31;
        r = b32 ? (uint32_t)((a32 >> b32) | (a32 << (32 - b32))) : a32;
        break;
    case INDEX_op_neg_i32:
        r = (uint32_t)-a32;
        break;
    case INDEX_op_not_i32:
        r = (uint32_t)~a32;
        break;
    case INDEX_op_ext8s_i32:
        r = (uint32_t)(int32_t)(int8_t)a32;
        break;
    case INDEX_op_ext8u_i32:
        r = (uint8_t)a32;
        break;
    case INDEX_op_ext16s_i32:
        r = (uint32_t)(int32_t)(int16_t)a32;
        break;
    case INDEX_op_ext16u_i32:
        r = (uint16_t)a32;
        break;
    case INDEX_op_deposit_i32: {
        uint32_t m = (len_mask32(c2)) << c1;
        r = (a32 & ~m) | ((b32 << c1) & m);
        break;
    }
    case INDEX_op_extract_i32:
        r = (a32 >> c1) & len_mask32(c2);
        break;
    case INDEX_op_sextract_i32:
        r = (uint32_t)((int32_t)(a32 << (32 - c1 - c2)) >> (32 - c2));
        break;
    case INDEX_op_mov_i64:
        r = a;
        break;
    case INDEX_op_add_i64:
        r = a + b;
        break;
    case INDEX_op_sub_i64:
        r = a - b;
        break;
    case INDEX_op_mul_i64:
        r = a * b;
        break;
    case INDEX_op_and_i64:
        r = a & b;
        break;
    case INDEX_op_or_i64:
        r = a | b;
        break;
    case INDEX_op_xor_i64:
        r = a ^ b;
        break;
    case INDEX_op_shl_i64:
        r = a << (b & 63);
        break;
    case INDEX_op_shr_i64:
        r = a >> (b & 63);
        break;
    case INDEX_op_sar_i64:
        r = (uint64_t)((int64_t)a >> (b & 63));
        break;
    case INDEX_op_rotl_i64:
        b &= 63;
        r = b ? (a << b) | (a >> (64 - b)) : a;
        break;
    case INDEX_op_rotr_i64:
        b &= 63;
        r = b ? (a >> b) | (a << (64 - b)) : a;
        break;
    case INDEX_op_neg_i64:
        r = -a;
        break;
    case INDEX_op_not_i64:
        r = ~a;
        break;
    case INDEX_op_ext8s_i64:
        r = (uint64_t)(int64_t)(int8_t)a;
        break;
    case INDEX_op_ext8u_i64:
        r = (uint8_t)a;
        break;
    case INDEX_op_ext16s_i64:
        r = (uint64_t)(int64_t)(int16_t)a;
        break;
    case INDEX_op_ext16u_i64:
        r = (uint16_t)a;
        break;
    case INDEX_op_ext32s_i64:
        r = (uint64_t)(int64_t)(int32_t)a;
        break;
    case INDEX_op_ext32u_i64:
        r = (uint32_t)a;
        break;
    case INDEX_op_deposit_i64: {
        uint64_t m = len_mask64(c2) << c1;
        r = (a & ~m) | ((b << c1) & m);
        break;
    }
    case INDEX_op_extract_i64:
        r = (a >> c1) & len_mask64(c2);
        break;
    case INDEX_op_sextract_i64:
        r = (uint64_t)((int64_t)(a << (64 - c1 - c2)) >> (64 - c2));
        break;
    case INDEX_op_extu_i32_i64:
        r = a32;
        break;
    case INDEX_op_exts_i32_i64:
        r = (uint64_t)(int64_t)(int32_t)a32;
        break;
    case INDEX_op_extrl_i64_i32:
        r = (uint32_t)a;
        break;
    case INDEX_op_extrh_i64_i32:
        r = (uint32_t)(a >> 32);
        break;
    default:
        return false;
    }
    *res = r;
    return true;
}

#endif
