/*
 * The frontend's value width.  The x86 frontend (translate*.c, decode.c)
 * is one source compiled twice (Makefile, "FE64"):
 *
 *  - TARGET_LONG_BITS 32, for CPU models without long mode: registers,
 *    addresses and operands are i32 values, as the frontend was written
 *    for, so 32-bit guests pay nothing for x86-64;
 *  - TARGET_LONG_BITS 64, for models with long mode (qemu64, max): every
 *    mode, from real mode to 64-bit mode, with i64 values; its symbols are
 *    made local to one object, except x86_translate_block64 and
 *    x86_translate_init64.
 *
 * TCGv and tcg_gen_<op>_tl name the value type and ops of the width, as
 * QEMU's target_ulong does.  Values narrower than the width are held
 * zero-extended (the frontend's convention).  TL64 is a constant, so
 * `if (TL64 && ...)` code vanishes from the 32-bit build.
 */
#ifndef TARGET_I386_TRANSLATE_TL_H
#define TARGET_I386_TRANSLATE_TL_H

#include "tcg/tcg.h"

#ifndef TARGET_LONG_BITS
#define TARGET_LONG_BITS 32
#endif

#if TARGET_LONG_BITS == 64
#define TL64 1
/* The two entry points of this build (tcg-x86.h declares both). */
#define x86_translate_init x86_translate_init64
#define x86_translate_block x86_translate_block64
#define FE_EXPORT __attribute__((visibility("default")))
typedef TCGv_i64 TCGv;
typedef uint64_t target_ulong;
typedef int64_t target_long;
#define TL_(op) tcg_gen_##op##_i64
#define tcg_temp_new_tl tcg_temp_new_i64
#define tcg_constant_tl tcg_constant_i64
#define tcg_global_mem_new_tl tcg_global_mem_new_i64
#define tcg_gen_qemu_ld_tl tcg_gen_qemu_ld_a64_i64
#define tcg_gen_qemu_st_tl tcg_gen_qemu_st_a64_i64
#define tcg_gen_qemu_ld_tl_i64 tcg_gen_qemu_ld_a64_i64
#define tcg_gen_qemu_st_tl_i64 tcg_gen_qemu_st_a64_i64
/* Between the width and i32/i64 values. */
#define tcg_gen_trunc_tl_i32 tcg_gen_extrl_i64_i32
#define tcg_gen_extu_i32_tl tcg_gen_extu_i32_i64
#define tcg_gen_exts_i32_tl tcg_gen_exts_i32_i64
#define tcg_gen_extu_tl_i64 tcg_gen_mov_i64
#define tcg_gen_trunc_i64_tl tcg_gen_mov_i64
#define tcg_gen_ld32u_tl tcg_gen_ld32u_i64
#define tcg_gen_st32_tl tcg_gen_st32_i64
#else
#define TL64 0
#define FE_EXPORT
typedef TCGv_i32 TCGv;
typedef uint32_t target_ulong;
typedef int32_t target_long;
#define TL_(op) tcg_gen_##op##_i32
#define tcg_temp_new_tl tcg_temp_new_i32
#define tcg_constant_tl tcg_constant_i32
#define tcg_global_mem_new_tl tcg_global_mem_new_i32
#define tcg_gen_qemu_ld_tl tcg_gen_qemu_ld_i32
#define tcg_gen_qemu_st_tl tcg_gen_qemu_st_i32
#define tcg_gen_qemu_ld_tl_i64 tcg_gen_qemu_ld_i64
#define tcg_gen_qemu_st_tl_i64 tcg_gen_qemu_st_i64
#define tcg_gen_trunc_tl_i32 tcg_gen_mov_i32
#define tcg_gen_extu_i32_tl tcg_gen_mov_i32
#define tcg_gen_exts_i32_tl tcg_gen_mov_i32
#define tcg_gen_extu_tl_i64 tcg_gen_extu_i32_i64
#define tcg_gen_trunc_i64_tl tcg_gen_extrl_i64_i32
#define tcg_gen_ld32u_tl tcg_gen_ld_i32
#define tcg_gen_st32_tl tcg_gen_st_i32
#endif

#define tcg_gen_mov_tl TL_(mov)
#define tcg_gen_movi_tl TL_(movi)
#define tcg_gen_add_tl TL_(add)
#define tcg_gen_sub_tl TL_(sub)
#define tcg_gen_and_tl TL_(and)
#define tcg_gen_or_tl TL_(or)
#define tcg_gen_xor_tl TL_(xor)
#define tcg_gen_shl_tl TL_(shl)
#define tcg_gen_shr_tl TL_(shr)
#define tcg_gen_sar_tl TL_(sar)
#define tcg_gen_rotl_tl TL_(rotl)
#define tcg_gen_rotr_tl TL_(rotr)
#define tcg_gen_neg_tl TL_(neg)
#define tcg_gen_not_tl TL_(not)
#define tcg_gen_mul_tl TL_(mul)
#define tcg_gen_mulu2_tl TL_(mulu2)
#define tcg_gen_muls2_tl TL_(muls2)
#define tcg_gen_divu2_tl TL_(divu2)
#define tcg_gen_setcond_tl TL_(setcond)
#define tcg_gen_movcond_tl TL_(movcond)
#define tcg_gen_brcond_tl TL_(brcond)
#define tcg_gen_brcondi_tl TL_(brcondi)
#define tcg_gen_ext8u_tl TL_(ext8u)
#define tcg_gen_ext8s_tl TL_(ext8s)
#define tcg_gen_ext16u_tl TL_(ext16u)
#define tcg_gen_ext16s_tl TL_(ext16s)
#define tcg_gen_deposit_tl TL_(deposit)
#define tcg_gen_extract_tl TL_(extract)
#define tcg_gen_sextract_tl TL_(sextract)
#define tcg_gen_addi_tl TL_(addi)
#define tcg_gen_shli_tl TL_(shli)
#define tcg_gen_shri_tl TL_(shri)
#define tcg_gen_sari_tl TL_(sari)
#define tcg_gen_rotli_tl TL_(rotli)
#define tcg_gen_rotri_tl TL_(rotri)
#define tcg_gen_ld_tl TL_(ld)
#define tcg_gen_st_tl TL_(st)
#define tcg_gen_discard_tl TL_(discard)

#endif
