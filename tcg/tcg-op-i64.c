/*
 * The emitters of the i64 op set that a 64-bit guest needs beyond what the
 * 32-bit frontend used (tcg/README.md "Ops"), the byte swaps, and guest
 * memory at 64-bit addresses.  They mirror the i32 emitters of tcg.c; the
 * ops and their semantics are the same with 64 for 32.
 */
#include "tcg/tcg.h"

#define OP2(opc, a, b) tcg_gen_op(opc, 2, (int64_t[]){ a, b })
#define OP3(opc, a, b, c) tcg_gen_op(opc, 3, (int64_t[]){ a, b, c })
#define OP4(opc, a, b, c, d) tcg_gen_op(opc, 4, (int64_t[]){ a, b, c, d })

#define GEN_BIN64(name)                                                      \
    void tcg_gen_##name##_i64(TCGv_i64 d, TCGv_i64 a, TCGv_i64 b)            \
    {                                                                        \
        OP3(INDEX_op_##name##_i64, d.idx, a.idx, b.idx);                     \
    }
GEN_BIN64(rotl)
GEN_BIN64(rotr)

#define GEN_UN64(name)                                                       \
    void tcg_gen_##name##_i64(TCGv_i64 d, TCGv_i64 a)                        \
    {                                                                        \
        OP2(INDEX_op_##name##_i64, d.idx, a.idx);                            \
    }
GEN_UN64(neg)
GEN_UN64(not)
GEN_UN64(ext8s)
GEN_UN64(ext8u)
GEN_UN64(ext16s)
GEN_UN64(ext16u)
GEN_UN64(ext32s)
GEN_UN64(ext32u)

void tcg_gen_mulu2_i64(TCGv_i64 dl, TCGv_i64 dh, TCGv_i64 a, TCGv_i64 b)
{
    OP4(INDEX_op_mulu2_i64, dl.idx, dh.idx, a.idx, b.idx);
}

void tcg_gen_muls2_i64(TCGv_i64 dl, TCGv_i64 dh, TCGv_i64 a, TCGv_i64 b)
{
    OP4(INDEX_op_muls2_i64, dl.idx, dh.idx, a.idx, b.idx);
}

void tcg_gen_divu2_i64(TCGv_i64 q, TCGv_i64 r, TCGv_i64 al, TCGv_i64 ah,
                       TCGv_i64 b)
{
    tcg_gen_op(INDEX_op_divu2_i64, 5,
               (int64_t[]){ q.idx, r.idx, al.idx, ah.idx, b.idx });
}

void tcg_gen_divs2_i64(TCGv_i64 q, TCGv_i64 r, TCGv_i64 al, TCGv_i64 ah,
                       TCGv_i64 b)
{
    tcg_gen_op(INDEX_op_divs2_i64, 5,
               (int64_t[]){ q.idx, r.idx, al.idx, ah.idx, b.idx });
}

void tcg_gen_movcond_i64(TCGCond c, TCGv_i64 d, TCGv_i64 a, TCGv_i64 b,
                         TCGv_i64 v1, TCGv_i64 v2)
{
    tcg_gen_op(INDEX_op_movcond_i64, 6,
               (int64_t[]){ d.idx, a.idx, b.idx, v1.idx, v2.idx, c });
}

void tcg_gen_deposit_i64(TCGv_i64 d, TCGv_i64 a, TCGv_i64 b, int pos,
                         int len)
{
    assert(pos >= 0 && len > 0 && pos + len <= 64);
    tcg_gen_op(INDEX_op_deposit_i64, 5,
               (int64_t[]){ d.idx, a.idx, b.idx, pos, len });
}

void tcg_gen_extract_i64(TCGv_i64 d, TCGv_i64 a, int pos, int len)
{
    assert(pos >= 0 && len > 0 && pos + len <= 64);
    OP4(INDEX_op_extract_i64, d.idx, a.idx, pos, len);
}

void tcg_gen_sextract_i64(TCGv_i64 d, TCGv_i64 a, int pos, int len)
{
    assert(pos >= 0 && len > 0 && pos + len <= 64);
    OP4(INDEX_op_sextract_i64, d.idx, a.idx, pos, len);
}

#define GEN_LDST64(name)                                                     \
    void tcg_gen_##name##_i64(TCGv_i64 t, int env_offset)                    \
    {                                                                        \
        OP2(INDEX_op_##name##_i64, t.idx, env_offset);                       \
    }
GEN_LDST64(ld8u)
GEN_LDST64(ld8s)
GEN_LDST64(ld16u)
GEN_LDST64(ld16s)
GEN_LDST64(ld32u)
GEN_LDST64(ld32s)
GEN_LDST64(st8)
GEN_LDST64(st16)
GEN_LDST64(st32)

#define GEN_BINI64(name, T)                                                  \
    void tcg_gen_##name##i_i64(TCGv_i64 d, TCGv_i64 a, T imm)                \
    {                                                                        \
        tcg_gen_##name##_i64(d, a, tcg_constant_i64(imm));                   \
    }
GEN_BINI64(add, int64_t)
GEN_BINI64(sub, int64_t)
GEN_BINI64(and, int64_t)
GEN_BINI64(or, int64_t)
GEN_BINI64(xor, int64_t)
GEN_BINI64(mul, int64_t)
GEN_BINI64(shl, int)
GEN_BINI64(shr, int)
GEN_BINI64(sar, int)
GEN_BINI64(rotl, int)
GEN_BINI64(rotr, int)

void tcg_gen_setcondi_i64(TCGCond c, TCGv_i64 d, TCGv_i64 a, int64_t imm)
{
    tcg_gen_setcond_i64(c, d, a, tcg_constant_i64(imm));
}

void tcg_gen_brcondi_i64(TCGCond c, TCGv_i64 a, int64_t imm, TCGLabel *l)
{
    tcg_gen_brcond_i64(c, a, tcg_constant_i64(imm), l);
}

/* Byte 3 2 1 0 -> 0 1 2 3: rotate the halves, then swap bytes in each. */
void tcg_gen_bswap32_i32(TCGv_i32 d, TCGv_i32 a)
{
    TCGv_i32 t = tcg_temp_new_i32(), u = tcg_temp_new_i32();
    tcg_gen_rotli_i32(t, a, 16);              /* 1 0 3 2 */
    tcg_gen_andi_i32(u, t, 0x00ff00ff);
    tcg_gen_shli_i32(u, u, 8);                /* 0 . 2 . */
    tcg_gen_shri_i32(t, t, 8);
    tcg_gen_andi_i32(t, t, 0x00ff00ff);       /* . 1 . 3 */
    tcg_gen_or_i32(d, t, u);
    tcg_temp_free_i32(t);
    tcg_temp_free_i32(u);
}

void tcg_gen_bswap64_i64(TCGv_i64 d, TCGv_i64 a)
{
    TCGv_i32 lo = tcg_temp_new_i32(), hi = tcg_temp_new_i32();
    TCGv_i64 t = tcg_temp_new_i64();
    tcg_gen_extrl_i64_i32(lo, a);
    tcg_gen_extrh_i64_i32(hi, a);
    tcg_gen_bswap32_i32(lo, lo);
    tcg_gen_bswap32_i32(hi, hi);
    tcg_gen_extu_i32_i64(t, lo);
    tcg_gen_shli_i64(t, t, 32);
    tcg_gen_extu_i32_i64(d, hi);
    tcg_gen_or_i64(d, d, t);
    tcg_temp_free_i32(lo);
    tcg_temp_free_i32(hi);
    tcg_temp_free_i64(t);
}

/* ---- Guest memory at 64-bit addresses (same ops, i64 address) ---- */

void tcg_gen_qemu_ld_a64_i32(TCGv_i32 d, TCGv_i64 addr, int mmu_idx,
                             MemOp mop)
{
    if ((mop & MO_SIZE) == MO_32) {
        mop &= ~MO_SIGN;
    }
    OP4(INDEX_op_qemu_ld_i32, d.idx, addr.idx, mop & (MO_SIZE | MO_SIGN),
        mmu_idx);
}

void tcg_gen_qemu_st_a64_i32(TCGv_i32 v, TCGv_i64 addr, int mmu_idx,
                             MemOp mop)
{
    OP4(INDEX_op_qemu_st_i32, v.idx, addr.idx, mop & MO_SIZE, mmu_idx);
}

void tcg_gen_qemu_ld_a64_i64(TCGv_i64 d, TCGv_i64 addr, int mmu_idx,
                             MemOp mop)
{
    if ((mop & MO_SIZE) == MO_64) {
        mop &= ~MO_SIGN;
    }
    OP4(INDEX_op_qemu_ld_i64, d.idx, addr.idx, mop & (MO_SIZE | MO_SIGN),
        mmu_idx);
}

void tcg_gen_qemu_st_a64_i64(TCGv_i64 v, TCGv_i64 addr, int mmu_idx,
                             MemOp mop)
{
    OP4(INDEX_op_qemu_st_i64, v.idx, addr.idx, mop & MO_SIZE, mmu_idx);
}
