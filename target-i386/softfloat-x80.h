/*
 * Exact 80-bit extended-precision arithmetic for the x87 FPU emulation.
 *
 * The format is the x87 double extended format (SDM vol. 1, 4.2.2 and
 * 8.2): a sign, a 15-bit exponent biased by 16383 and a 64-bit significand
 * with an explicit integer bit (J, bit 63).  Values are carried in FPReg
 * (target-i386/cpu.h): exp holds the sign in bit 15.
 *
 * Everything here is integer arithmetic (128-bit intermediates), so results
 * are bit-exact and identical on every host.  The design follows the ideas
 * of Berkeley SoftFloat's extF80 code (unpack to an exponent and a
 * normalised significand, compute exactly with a sticky bit, round once),
 * written afresh for the x87's rules:
 *
 *  - precision control (FCW.PC) rounds the significand of FADD/FSUB/FMUL/
 *    FDIV/FSQRT results to 24, 53 or 64 bits; the exponent range stays the
 *    extended one (SDM vol. 1, 8.1.5.2);
 *  - tininess is detected after rounding (a result that rounds up to the
 *    smallest normal is not tiny: measured on the host x87); a masked
 *    underflow is reported only when the denormalised result is inexact,
 *    an unmasked one always, with the result's exponent biased by +24576
 *    (SDM vol. 1, 4.9.1.5);
 *  - an unmasked overflow biases the exponent by -24576 (4.9.1.4);
 *  - unnormals, pseudo-NaNs and pseudo-infinities are invalid operands
 *    (8.2.2), pseudo-denormals are accepted as denormals;
 *  - NaN results follow SDM vol. 1 table 4-7 (an SNaN is quietened, of two
 *    NaNs the one with the larger significand wins).
 *
 * Operations return the masked response; the caller (fpu-helper.c) decides
 * not to store when an unmasked IE, DE or ZE was raised.
 */
#ifndef TARGET_I386_SOFTFLOAT_X80_H
#define TARGET_I386_SOFTFLOAT_X80_H

#include "emu/common.h"
#include "target-i386/cpu.h"

/* Exception flags, at their FSW/FCW bit positions (SDM vol. 1, 8.1.3). */
#define X80_IE 0x01
#define X80_DE 0x02
#define X80_ZE 0x04
#define X80_OE 0x08
#define X80_UE 0x10
#define X80_PE 0x20

#define X80_BIAS 16383
#define X80_J (1ULL << 63)
#define X80_QUIET (1ULL << 62)

typedef struct X80Status {
    uint8_t rc;     /* FCW.RC: 0 nearest even, 1 down, 2 up, 3 toward 0 */
    uint8_t prec;   /* significand bits for PC-controlled ops: 24, 53, 64 */
    uint8_t masks;  /* FCW exception masks (bits 0-5) */
    uint8_t flags;  /* exceptions raised (X80_*) */
    bool c1;        /* the last rounding incremented the magnitude */
} X80Status;

/* X80Status from a control word. */
void x80_status_init(X80Status *s, uint16_t fcw);

typedef enum X80Class {
    X80_CLASS_ZERO,
    X80_CLASS_DENORMAL,     /* includes pseudo-denormals (exp 0, J set) */
    X80_CLASS_NORMAL,
    X80_CLASS_INF,
    X80_CLASS_QNAN,
    X80_CLASS_SNAN,
    X80_CLASS_UNSUPPORTED,  /* unnormal, pseudo-NaN, pseudo-infinity */
} X80Class;

X80Class x80_classify(FPReg a);
static inline bool x80_sign(FPReg a)
{
    return a.exp >> 15;
}
static inline bool x80_is_nan(FPReg a)
{
    X80Class c = x80_classify(a);
    return c == X80_CLASS_QNAN || c == X80_CLASS_SNAN;
}
static inline FPReg x80_make(bool sign, uint16_t exp, uint64_t mant)
{
    FPReg r = { .mant = mant, .exp = (uint16_t)((sign ? 0x8000 : 0) | exp) };
    return r;
}
/* The real indefinite: -QNaN 0xFFFF C000000000000000. */
static inline FPReg x80_indefinite(void)
{
    return x80_make(true, 0x7fff, 0xc000000000000000ULL);
}
static inline FPReg x80_zero(bool sign)
{
    return x80_make(sign, 0, 0);
}
static inline FPReg x80_inf(bool sign)
{
    return x80_make(sign, 0x7fff, X80_J);
}

/* Arithmetic (rounded to s->prec bits). */
FPReg x80_add(FPReg a, FPReg b, X80Status *s);
FPReg x80_sub(FPReg a, FPReg b, X80Status *s);
FPReg x80_mul(FPReg a, FPReg b, X80Status *s);
FPReg x80_div(FPReg a, FPReg b, X80Status *s);
FPReg x80_sqrt(FPReg a, X80Status *s);

/* FRNDINT: round to an integer by s->rc (64-bit precision). */
FPReg x80_round_int(FPReg a, X80Status *s);
/* FSCALE: a * 2^trunc(b). */
FPReg x80_scale(FPReg a, FPReg b, X80Status *s);
/*
 * FPREM (nearest false) / FPREM1 (nearest true).  *cc gets C0-C3 in their
 * FSW positions: C2 set for a partial remainder, otherwise C0 C3 C1 = the
 * three low quotient bits.
 */
FPReg x80_rem(FPReg a, FPReg b, bool nearest, X80Status *s, uint16_t *cc);
/* *cc for NaN and invalid operands: no quotient was computed. */
#define X80_REM_NOQ 0xffff
/* FXTRACT: *sig gets the significand (exponent 0), *exp the exponent. */
void x80_xtract(FPReg a, FPReg *sig, FPReg *exp, X80Status *s);

/* Comparison: quiet compares raise IE only for SNaNs and unsupported. */
enum { X80_LT = -1, X80_EQ = 0, X80_GT = 1, X80_UNORD = 2 };
int x80_compare(FPReg a, FPReg b, bool quiet, X80Status *s);

/* Conversions.  The integer ones are exact. */
FPReg x80_from_int64(int64_t v);
FPReg x80_from_f32(uint32_t v, X80Status *s);
FPReg x80_from_f64(uint64_t v, X80Status *s);
/* Rounded by s->rc to the memory format; overflow/underflow as there. */
uint32_t x80_to_f32(FPReg a, X80Status *s);
uint64_t x80_to_f64(FPReg a, X80Status *s);
/*
 * To a signed integer of bits (16, 32, 64), by s->rc or truncating;
 * invalid or out of range: IE and the integer indefinite (0x80..0).
 */
int64_t x80_to_int(FPReg a, int bits, bool truncate, X80Status *s);
/* Packed BCD (18 digits, sign in bit 7 of byte 9). */
FPReg x80_from_bcd(const uint8_t bcd[10]);
void x80_to_bcd(FPReg a, uint8_t bcd[10], X80Status *s);

/* FLD1 .. FLDZ constants: idx 0 = 1, 1 = L2T, 2 = L2E, 3 = PI, 4 = LG2,
 * 5 = LN2, 6 = Z (the D9 E8+idx encodings), rounded by rc. */
FPReg x80_const(int idx, int rc);

#endif
