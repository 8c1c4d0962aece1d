/*
 * Between the x87 decoder (fpu-decode.c, run at translation time) and the
 * operations (fpu-helper.c): the list of operations, and what the decoder
 * puts in X87Insn.info for the operations' common prologue.
 */
#ifndef TARGET_I386_FPU_INTERNAL_H
#define TARGET_I386_FPU_INTERNAL_H

#include "target-i386/fpu-helper.h"

/* The operations, one X87OpFn op_<name> each in fpu-helper.c. */
#define X87_OPS(X)                                                           \
    X(farith_m32fp) X(farith_m64fp) X(fiarith_m32) X(fiarith_m16)            \
    X(fld_m32fp) X(fld_m64fp) X(fild_m16) X(fild_m32) X(fild_m64)            \
    X(fld_m80) X(fbld) X(fst_m) X(fisttp_m) X(fldenv) X(fldcw) X(fnstenv)    \
    X(fnstcw) X(frstor) X(fnsave) X(fnstsw_m)                                \
    X(farith_st0) X(farith_sti) X(farithp_sti) X(fcompp) X(fucompp)          \
    X(fcmov) X(fcmovn) X(fnclex) X(fninit) X(fcomi) X(ffree) X(ffreep)       \
    X(fst_sti) X(fucom) X(fnstsw_ax)                                         \
    X(fld_sti) X(fxch) X(fnop) X(fsign) X(ftst) X(fxam) X(fldconst)          \
    X(f2xm1) X(fyl2x) X(fptan) X(fpatan) X(fyl2xp1) X(fsincos) X(fsin)       \
    X(fcos) X(fxtract) X(fprem) X(fdecstp) X(fincstp) X(fsqrt) X(fscale)     \
    X(ud)

enum {
#define X87_OP_ENUM(name) X87_##name,
    X87_OPS(X87_OP_ENUM)
#undef X87_OP_ENUM
};

/* X87Insn.info */
#define X87_INFO_NOWAIT (1u << 11)      /* FN* forms: no #MF check */
#define X87_INFO_CONTROL (1u << 12)     /* keeps FIP/FDP/FOP (8.1.8) */
#define X87_INFO_MEM (1u << 13)         /* memory operand: FDP/FDS */
#define X87_INFO_SEG_SHIFT 14
#define X87_INFO_WRITE (1u << 17)
#define X87_INFO_SIZE_SHIFT 18          /* bytes, for the segment check */
#define X87_INFO_NOSEG      (1u << 25)  /* seg -1: no check, FDS 0 */

/* The translator's entry point of each operation, by X87_<name>. */
extern X87Helper *const x87_helpers[];

#endif
