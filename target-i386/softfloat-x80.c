/*
 * Exact 80-bit extended-precision arithmetic (x87 double extended format).
 * See softfloat-x80.h for the rules implemented; SDM vol. 1, chapters 4
 * and 8 are the reference.
 *
 * Internal convention: a finite nonzero value is an exponent E and a
 * 128-bit significand S with the integer bit at bit 127, meaning
 * S * 2^(E - 16383 - 127).  round_pack() rounds such a pair once, to the
 * requested precision, handling tininess, overflow and the C1 flag.
 */
#include "target-i386/softfloat-x80.h"

typedef unsigned __int128 u128;

enum { RC_NEAREST, RC_DOWN, RC_UP, RC_ZERO };

void x80_status_init(X80Status *s, uint16_t fcw)
{
    static const uint8_t prec[4] = { 24, 64, 53, 64 };   /* PC 01 reserved */

    s->rc = (fcw >> 10) & 3;
    s->prec = prec[(fcw >> 8) & 3];
    s->masks = fcw & 0x3f;
    s->flags = 0;
    s->c1 = false;
}

X80Class x80_classify(FPReg a)
{
    unsigned e = a.exp & 0x7fff;
    bool j = a.mant >> 63;

    if (e == 0) {
        return a.mant ? X80_CLASS_DENORMAL : X80_CLASS_ZERO;
    }
    if (!j) {
        return X80_CLASS_UNSUPPORTED;
    }
    if (e == 0x7fff) {
        if ((a.mant << 1) == 0) {
            return X80_CLASS_INF;
        }
        return (a.mant & X80_QUIET) ? X80_CLASS_QNAN : X80_CLASS_SNAN;
    }
    return X80_CLASS_NORMAL;
}

static int clz128(u128 v)
{
    uint64_t hi = (uint64_t)(v >> 64);
    if (hi) {
        return __builtin_clzll(hi);
    }
    return 64 + __builtin_clzll((uint64_t)v);
}

/* Shift right keeping a sticky bit of everything shifted out. */
static u128 shr_jam(u128 v, int n)
{
    if (n <= 0) {
        return v;
    }
    if (n >= 128) {
        return v != 0;
    }
    return (v >> n) | ((v & (((u128)1 << n) - 1)) != 0);
}

/*
 * Finite nonzero operand -> biased exponent of its normalised significand
 * (may be <= 0 for denormals).  Denormals and pseudo-denormals have the
 * scale of exponent 1.
 */
static int32_t unpack(FPReg a, uint64_t *sig)
{
    int32_t e = a.exp & 0x7fff;
    uint64_t m = a.mant;
    int sh;

    if (e == 0) {
        e = 1;
    }
    sh = __builtin_clzll(m);
    *sig = m << sh;
    return e - sh;
}

/*
 * Round *sig at its low rbits bits (1..127) by rc.  Returns whether the
 * discarded bits were nonzero; *up says the kept part was incremented.
 * An increment can carry out of bit 127: *sig then wraps to 0 and the
 * caller renormalises.
 */
static bool round_bits(u128 *sig, int rbits, bool sign, int rc, bool *up)
{
    u128 unit = (u128)1 << rbits;
    u128 rem = *sig & (unit - 1);
    u128 half = unit >> 1;

    *sig -= rem;
    *up = false;
    if (!rem) {
        return false;
    }
    switch (rc) {
    case RC_NEAREST:
        *up = rem > half || (rem == half && (*sig & unit));
        break;
    case RC_DOWN:
        *up = sign;
        break;
    case RC_UP:
        *up = !sign;
        break;
    default:
        break;
    }
    if (*up) {
        *sig += unit;
    }
    return true;
}

/* Round (sign, exp, sig) to prec bits and encode it (see file comment). */
static FPReg round_pack(bool sign, int32_t exp, u128 sig, int prec,
                        X80Status *s)
{
    bool denorm = false, tiny_after = true, up, inexact;
    int lz;

    if (!sig) {
        return x80_zero(sign);
    }
    lz = clz128(sig);
    sig <<= lz;
    exp -= lz;

    /*
     * Tininess is detected after rounding: a value just below the
     * smallest normal that rounds up to it (at prec bits, exponent
     * unbounded) is not tiny.
     */
    if (exp == 0) {
        u128 t = sig;
        bool tup;
        round_bits(&t, 128 - prec, sign, s->rc, &tup);
        if (tup && !t) {
            tiny_after = false;
        }
    }
    if (exp <= 0 && tiny_after) {
        if (!(s->masks & X80_UE) && exp + 0x6000 <= 0) {
            /* Beyond even the biased range (FSCALE): zero. */
            s->flags |= X80_UE | X80_PE;
            s->c1 = false;
            return x80_zero(sign);
        } else if (!(s->masks & X80_UE)) {
            /* Unmasked underflow: deliver the result scaled by 2^24576. */
            s->flags |= X80_UE;
            exp += 0x6000;
        } else {
            sig = shr_jam(sig, 1 - exp);
            exp = 0;
            denorm = true;
        }
    }
    inexact = round_bits(&sig, 128 - prec, sign, s->rc, &up);
    if (up && !sig) {
        sig = (u128)1 << 127;
        exp++;
    }
    if (denorm) {
        if (sig >> 127) {
            exp = 1;          /* rounded up to the smallest normal */
        }
        if (inexact) {
            s->flags |= X80_UE;   /* tiny and inexact */
        }
    }
    if (inexact) {
        s->flags |= X80_PE;
    }
    s->c1 = up;

    if (exp >= 0x7fff) {
        s->flags |= X80_OE;
        if (!(s->masks & X80_OE) && exp - 0x6000 < 0x7fff) {
            exp -= 0x6000;
        } else if (!(s->masks & X80_OE)) {
            /* Beyond even the biased range (FSCALE): infinity. */
            s->flags |= X80_PE;
            s->c1 = true;
            return x80_inf(sign);
        } else {
            bool to_inf;
            s->flags |= X80_PE;
            switch (s->rc) {
            case RC_NEAREST:
                to_inf = true;
                break;
            case RC_DOWN:
                to_inf = sign;
                break;
            case RC_UP:
                to_inf = !sign;
                break;
            default:
                to_inf = false;
                break;
            }
            s->c1 = to_inf;
            if (to_inf) {
                return x80_inf(sign);
            }
            return x80_make(sign, 0x7ffe, ~0ULL << (64 - prec));
        }
    }
    return x80_make(sign, (uint16_t)exp, (uint64_t)(sig >> 64));
}

static FPReg quieten(FPReg a)
{
    a.mant |= X80_QUIET;
    return a;
}

/* SDM vol. 1, table 4-7, x87 column. */
static FPReg propagate_nan(FPReg a, FPReg b, X80Status *s)
{
    X80Class ca = x80_classify(a), cb = x80_classify(b);
    bool an = ca == X80_CLASS_QNAN || ca == X80_CLASS_SNAN;
    bool bn = cb == X80_CLASS_QNAN || cb == X80_CLASS_SNAN;

    if (ca == X80_CLASS_SNAN || cb == X80_CLASS_SNAN) {
        s->flags |= X80_IE;
    }
    if (an && bn) {
        uint64_t ma = a.mant, mb = b.mant;
        if (ca != cb) {
            return ca == X80_CLASS_QNAN ? a : b;    /* SNaN + QNaN */
        }
        if (ma != mb) {
            return quieten(ma > mb ? a : b);
        }
        return quieten(x80_sign(a) ? b : a);
    }
    return quieten(an ? a : b);
}

static FPReg propagate_nan1(FPReg a, X80Status *s)
{
    if (x80_classify(a) == X80_CLASS_SNAN) {
        s->flags |= X80_IE;
    }
    return quieten(a);
}

/*
 * Operand screening common to the two-operand operations: unsupported
 * formats and NaNs produce the result at once, denormals raise DE.
 */
static bool screen2(FPReg a, FPReg b, X80Status *s, FPReg *r)
{
    X80Class ca = x80_classify(a), cb = x80_classify(b);

    if (ca == X80_CLASS_UNSUPPORTED || cb == X80_CLASS_UNSUPPORTED) {
        s->flags |= X80_IE;
        *r = x80_indefinite();
        return true;
    }
    if (ca == X80_CLASS_QNAN || ca == X80_CLASS_SNAN ||
        cb == X80_CLASS_QNAN || cb == X80_CLASS_SNAN) {
        *r = propagate_nan(a, b, s);
        return true;
    }
    if (ca == X80_CLASS_DENORMAL || cb == X80_CLASS_DENORMAL) {
        s->flags |= X80_DE;
    }
    return false;
}

static bool screen1(FPReg a, X80Status *s, FPReg *r)
{
    X80Class c = x80_classify(a);

    if (c == X80_CLASS_UNSUPPORTED) {
        s->flags |= X80_IE;
        *r = x80_indefinite();
        return true;
    }
    if (c == X80_CLASS_QNAN || c == X80_CLASS_SNAN) {
        *r = propagate_nan1(a, s);
        return true;
    }
    if (c == X80_CLASS_DENORMAL) {
        s->flags |= X80_DE;
    }
    return false;
}

static FPReg invalid(X80Status *s)
{
    s->flags |= X80_IE;
    return x80_indefinite();
}

static FPReg addsub(FPReg a, FPReg b, bool negb, X80Status *s)
{
    FPReg r;
    X80Class ca, cb;
    bool sa, sb;
    uint64_t ma, mb;
    int32_t ea, eb;
    u128 A, B, S;

    if (screen2(a, b, s, &r)) {
        return r;
    }
    ca = x80_classify(a);
    cb = x80_classify(b);
    sa = x80_sign(a);
    sb = x80_sign(b) ^ negb;
    if (ca == X80_CLASS_INF) {
        if (cb == X80_CLASS_INF && sa != sb) {
            return invalid(s);
        }
        return x80_inf(sa);
    }
    if (cb == X80_CLASS_INF) {
        return x80_inf(sb);
    }
    if (ca == X80_CLASS_ZERO && cb == X80_CLASS_ZERO) {
        return x80_zero(sa == sb ? sa : s->rc == RC_DOWN);
    }
    if (ca == X80_CLASS_ZERO) {
        eb = unpack(b, &mb);
        return round_pack(sb, eb, (u128)mb << 64, s->prec, s);
    }
    if (cb == X80_CLASS_ZERO) {
        ea = unpack(a, &ma);
        return round_pack(sa, ea, (u128)ma << 64, s->prec, s);
    }
    ea = unpack(a, &ma);
    eb = unpack(b, &mb);
    if (ea < eb || (ea == eb && ma < mb)) {
        int32_t te = ea;
        uint64_t tm = ma;
        bool ts = sa;
        ea = eb, ma = mb, sa = sb;
        eb = te, mb = tm, sb = ts;
    }
    /* 62 guard bits below the significand, one bit of headroom above. */
    A = (u128)ma << 62;
    B = shr_jam((u128)mb << 62, ea - eb);
    S = sa == sb ? A + B : A - B;
    if (!S) {
        return x80_zero(s->rc == RC_DOWN);
    }
    return round_pack(sa, ea + 2, S, s->prec, s);
}

FPReg x80_add(FPReg a, FPReg b, X80Status *s)
{
    return addsub(a, b, false, s);
}

FPReg x80_sub(FPReg a, FPReg b, X80Status *s)
{
    return addsub(a, b, true, s);
}

FPReg x80_mul(FPReg a, FPReg b, X80Status *s)
{
    FPReg r;
    X80Class ca, cb;
    bool sign = x80_sign(a) ^ x80_sign(b);
    uint64_t ma, mb;
    int32_t ea, eb;

    if (screen2(a, b, s, &r)) {
        return r;
    }
    ca = x80_classify(a);
    cb = x80_classify(b);
    if (ca == X80_CLASS_INF || cb == X80_CLASS_INF) {
        if (ca == X80_CLASS_ZERO || cb == X80_CLASS_ZERO) {
            return invalid(s);
        }
        return x80_inf(sign);
    }
    if (ca == X80_CLASS_ZERO || cb == X80_CLASS_ZERO) {
        return x80_zero(sign);
    }
    ea = unpack(a, &ma);
    eb = unpack(b, &mb);
    return round_pack(sign, ea + eb - X80_BIAS + 1, (u128)ma * mb, s->prec, s);
}

FPReg x80_div(FPReg a, FPReg b, X80Status *s)
{
    FPReg r;
    X80Class ca, cb;
    bool sign = x80_sign(a) ^ x80_sign(b);
    uint64_t ma, mb;
    int32_t ea, eb;
    u128 n, q1, r1, q2, r2;

    if (screen2(a, b, s, &r)) {
        return r;
    }
    ca = x80_classify(a);
    cb = x80_classify(b);
    if (ca == X80_CLASS_INF) {
        if (cb == X80_CLASS_INF) {
            return invalid(s);
        }
        return x80_inf(sign);
    }
    if (cb == X80_CLASS_INF) {
        return x80_zero(sign);
    }
    if (cb == X80_CLASS_ZERO) {
        /* Division by zero is detected before denormal operands. */
        s->flags &= ~X80_DE;
        if (ca == X80_CLASS_ZERO) {
            return invalid(s);
        }
        s->flags |= X80_ZE;
        return x80_inf(sign);
    }
    if (ca == X80_CLASS_ZERO) {
        return x80_zero(sign);
    }
    ea = unpack(a, &ma);
    eb = unpack(b, &mb);
    /* Two-step long division: Q = floor(ma * 2^127 / mb) plus sticky. */
    n = (u128)ma << 63;
    q1 = n / mb;
    r1 = n % mb;
    n = r1 << 64;
    q2 = n / mb;
    r2 = n % mb;
    return round_pack(sign, ea - eb + X80_BIAS,
                      (q1 << 64) | q2 | (r2 != 0), s->prec, s);
}

FPReg x80_sqrt(FPReg a, X80Status *s)
{
    FPReg r;
    X80Class c;
    uint64_t m;
    int32_t e;
    u128 x, rem = 0, root = 0;

    if (screen1(a, s, &r)) {
        return r;
    }
    c = x80_classify(a);
    if (c == X80_CLASS_ZERO) {
        return a;
    }
    if (x80_sign(a)) {
        s->flags &= ~X80_DE;    /* invalid takes precedence */
        return invalid(s);
    }
    if (c == X80_CLASS_INF) {
        return a;
    }
    e = unpack(a, &m) - X80_BIAS;
    if (e & 1) {
        x = (u128)m << 64;
        e -= 1;
    } else {
        x = (u128)m << 63;
    }
    /* Digit-by-digit square root: 64 bit pairs of x, then 4 zero pairs. */
    for (int i = 0; i < 68; i++) {
        unsigned pair = i < 64 ? (unsigned)(x >> (126 - 2 * i)) & 3 : 0;
        u128 t;
        rem = (rem << 2) | pair;
        t = (root << 2) | 1;
        root <<= 1;
        if (rem >= t) {
            rem -= t;
            root |= 1;
        }
    }
    return round_pack(false, e / 2 + X80_BIAS, (root << 60) | (rem != 0),
                      s->prec, s);
}

/*
 * |a| rounded to an integer by rc.  Returns false when it does not fit in
 * 64 bits.  a must be finite.
 */
static bool int_mag(FPReg a, int rc, uint64_t *mag, bool *inexact, bool *up)
{
    bool sign = x80_sign(a);
    uint64_t m;
    int32_t e;
    int frac;
    u128 v;

    *inexact = *up = false;
    *mag = 0;
    if (x80_classify(a) == X80_CLASS_ZERO) {
        return true;
    }
    e = unpack(a, &m);
    if (e >= X80_BIAS + 64) {
        return false;
    }
    if (e < X80_BIAS) {
        /* 0 < |a| < 1 */
        *inexact = true;
        switch (rc) {
        case RC_NEAREST:
            *up = e == X80_BIAS - 1 && m > X80_J;
            break;
        case RC_DOWN:
            *up = sign;
            break;
        case RC_UP:
            *up = !sign;
            break;
        default:
            break;
        }
        *mag = *up;
        return true;
    }
    frac = X80_BIAS + 63 - e;     /* 0..63 fraction bits */
    v = (u128)m << 64;
    *inexact = round_bits(&v, 64 + frac, sign, rc, up);
    if (*up && !v) {
        if (frac == 0) {
            return false;
        }
        *mag = 1ULL << (64 - frac);
        return true;
    }
    *mag = (uint64_t)(v >> (64 + frac));
    return true;
}

FPReg x80_round_int(FPReg a, X80Status *s)
{
    FPReg r;
    X80Class c;
    uint64_t mag, m;
    bool inexact, up;
    int32_t e;

    if (screen1(a, s, &r)) {
        return r;
    }
    c = x80_classify(a);
    if (c == X80_CLASS_ZERO || c == X80_CLASS_INF) {
        return a;
    }
    e = unpack(a, &m);
    if (e >= X80_BIAS + 63) {
        return a;
    }
    int_mag(a, s->rc, &mag, &inexact, &up);
    if (inexact) {
        s->flags |= X80_PE;
    }
    s->c1 = up;
    if (!mag) {
        return x80_zero(x80_sign(a));
    }
    r = x80_from_int64((int64_t)mag);
    r.exp |= x80_sign(a) ? 0x8000 : 0;
    return r;
}

FPReg x80_scale(FPReg a, FPReg b, X80Status *s)
{
    FPReg r;
    X80Class ca, cb;
    uint64_t m, mb;
    int32_t e, eb, n;

    if (screen2(a, b, s, &r)) {
        return r;
    }
    ca = x80_classify(a);
    cb = x80_classify(b);
    if (cb == X80_CLASS_INF) {
        if (!x80_sign(b)) {
            if (ca == X80_CLASS_ZERO) {
                return invalid(s);
            }
            return x80_inf(x80_sign(a));
        }
        if (ca == X80_CLASS_INF) {
            return invalid(s);
        }
        return x80_zero(x80_sign(a));
    }
    if (ca == X80_CLASS_INF || ca == X80_CLASS_ZERO) {
        return a;
    }
    /* n = trunc(b), clamped far outside the representable range. */
    n = 0;
    if (cb != X80_CLASS_ZERO) {
        eb = unpack(b, &mb);
        if (eb >= X80_BIAS + 17) {
            n = 1 << 17;
        } else if (eb >= X80_BIAS) {
            n = (int32_t)(mb >> (63 - (eb - X80_BIAS)));
        }
        if (x80_sign(b)) {
            n = -n;
        }
    }
    e = unpack(a, &m);
    return round_pack(x80_sign(a), e + n, (u128)m << 64, 64, s);
}

FPReg x80_rem(FPReg a, FPReg b, bool nearest, X80Status *s, uint16_t *cc)
{
    FPReg r;
    X80Class ca, cb;
    uint64_t ma, mb;
    int32_t ea, eb, d, unit;
    bool sign = x80_sign(a);
    u128 A, Bv, q, rm;

    *cc = X80_REM_NOQ;
    if (screen2(a, b, s, &r)) {
        return r;
    }
    ca = x80_classify(a);
    cb = x80_classify(b);
    if (ca == X80_CLASS_INF || cb == X80_CLASS_ZERO) {
        s->flags &= ~X80_DE;    /* invalid takes precedence */
        return invalid(s);
    }
    *cc = 0;
    if (ca == X80_CLASS_ZERO) {
        return a;
    }
    ea = unpack(a, &ma);
    if (cb == X80_CLASS_INF) {
        return round_pack(sign, ea, (u128)ma << 64, 64, s);
    }
    eb = unpack(b, &mb);
    d = ea - eb;
    if (d >= 64) {
        /*
         * Partial remainder: reduce the exponent difference by a number
         * between 32 and 63, truncating, and report C2 = incomplete (the
         * choice AMD documents and Intel parts follow).
         */
        int nbits = 32 + d % 32;
        A = (u128)ma << nbits;
        rm = A % mb;
        *cc = 0x400;
        return round_pack(sign, ea - nbits, rm << 64, 64, s);
    }
    if (d < 0) {
        if (!nearest || d < -1) {
            /* Quotient 0, a itself (renormalised, so an unmasked UE
             * scales a denormal as the host x87 does). */
            return round_pack(sign, ea, (u128)ma << 64, 64, s);
        }
        A = ma;
        Bv = (u128)mb << 1;
        unit = ea;
    } else {
        A = (u128)ma << d;
        Bv = mb;
        unit = eb;
    }
    q = A / Bv;
    rm = A % Bv;
    if (nearest && (2 * rm > Bv || (2 * rm == Bv && (q & 1)))) {
        q++;
        rm = Bv - rm;
        sign = !sign;
    }
    *cc = ((q & 4) ? 0x100 : 0) | ((q & 2) ? 0x4000 : 0) | ((q & 1) ? 0x200 : 0);
    if (!rm) {
        return x80_zero(x80_sign(a));
    }
    return round_pack(sign, unit, rm << 64, 64, s);
}

void x80_xtract(FPReg a, FPReg *sig, FPReg *exp, X80Status *s)
{
    X80Class c = x80_classify(a);
    uint64_t m;
    int32_t e;

    if (c == X80_CLASS_UNSUPPORTED) {
        *sig = *exp = invalid(s);
        return;
    }
    if (c == X80_CLASS_QNAN || c == X80_CLASS_SNAN) {
        *sig = *exp = propagate_nan1(a, s);
        return;
    }
    if (c == X80_CLASS_ZERO) {
        s->flags |= X80_ZE;
        *exp = x80_inf(true);
        *sig = a;
        return;
    }
    if (c == X80_CLASS_INF) {
        *exp = x80_inf(false);
        *sig = a;
        return;
    }
    if (c == X80_CLASS_DENORMAL) {
        s->flags |= X80_DE;
    }
    e = unpack(a, &m);
    *sig = x80_make(x80_sign(a), X80_BIAS, m);
    *exp = x80_from_int64(e - X80_BIAS);
}

int x80_compare(FPReg a, FPReg b, bool quiet, X80Status *s)
{
    X80Class ca = x80_classify(a), cb = x80_classify(b);
    bool sa = x80_sign(a), sb = x80_sign(b);
    uint64_t ma = 0, mb = 0;
    int32_t ea = 0, eb = 0;
    int mag;

    if (ca == X80_CLASS_UNSUPPORTED || cb == X80_CLASS_UNSUPPORTED) {
        s->flags |= X80_IE;
        return X80_UNORD;
    }
    if (ca == X80_CLASS_QNAN || ca == X80_CLASS_SNAN ||
        cb == X80_CLASS_QNAN || cb == X80_CLASS_SNAN) {
        if (!quiet || ca == X80_CLASS_SNAN || cb == X80_CLASS_SNAN) {
            s->flags |= X80_IE;
        }
        return X80_UNORD;
    }
    if (ca == X80_CLASS_DENORMAL || cb == X80_CLASS_DENORMAL) {
        s->flags |= X80_DE;
    }
    if (ca == X80_CLASS_ZERO && cb == X80_CLASS_ZERO) {
        return X80_EQ;
    }
    if (ca == X80_CLASS_ZERO) {
        return sb ? X80_GT : X80_LT;
    }
    if (cb == X80_CLASS_ZERO) {
        return sa ? X80_LT : X80_GT;
    }
    if (sa != sb) {
        return sa ? X80_LT : X80_GT;
    }
    if (ca == X80_CLASS_INF) {
        ea = 0x10000;
    } else {
        ea = unpack(a, &ma);
    }
    if (cb == X80_CLASS_INF) {
        eb = 0x10000;
    } else {
        eb = unpack(b, &mb);
    }
    if (ea != eb) {
        mag = ea > eb ? 1 : -1;
    } else if (ma != mb) {
        mag = ma > mb ? 1 : -1;
    } else {
        return X80_EQ;
    }
    return sa ? -mag : mag;
}

FPReg x80_from_int64(int64_t v)
{
    uint64_t m;
    int sh;

    if (!v) {
        return x80_zero(false);
    }
    m = v < 0 ? -(uint64_t)v : (uint64_t)v;
    sh = __builtin_clzll(m);
    return x80_make(v < 0, (uint16_t)(X80_BIAS + 63 - sh), m << sh);
}

/* Widen an IEEE single/double (ebits/fbits) exactly. */
static FPReg from_ieee(uint64_t v, int ebits, int fbits, X80Status *s)
{
    bool sign = (v >> (ebits + fbits)) & 1;
    uint32_t emax = (1u << ebits) - 1, bias = emax >> 1;
    uint32_t e = (v >> fbits) & emax;
    uint64_t f = v & ((1ULL << fbits) - 1);
    int sh;

    if (e == emax) {
        if (!f) {
            return x80_inf(sign);
        }
        /* An SNaN stays signalling: the instruction decides (FLD
         * quietens it, arithmetic propagates it). */
        return x80_make(sign, 0x7fff, X80_J | (f << (63 - fbits)));
    }
    if (e == 0) {
        if (!f) {
            return x80_zero(sign);
        }
        s->flags |= X80_DE;
        sh = __builtin_clzll(f);
        /* value f * 2^(1 - bias - fbits) */
        return x80_make(sign,
                        (uint16_t)(X80_BIAS + 63 + 1 - (int)bias - fbits - sh),
                        f << sh);
    }
    return x80_make(sign, (uint16_t)(e - bias + X80_BIAS),
                    X80_J | (f << (63 - fbits)));
}

FPReg x80_from_f32(uint32_t v, X80Status *s)
{
    return from_ieee(v, 8, 23, s);
}

FPReg x80_from_f64(uint64_t v, X80Status *s)
{
    return from_ieee(v, 11, 52, s);
}

/* Narrow to an IEEE single/double, rounding by s->rc. */
static uint64_t to_ieee(FPReg a, int ebits, int fbits, X80Status *s)
{
    X80Class c = x80_classify(a);
    bool sign = x80_sign(a);
    int32_t emax = (1 << ebits) - 1, bias = emax >> 1, e;
    uint64_t sbit = (uint64_t)sign << (ebits + fbits);
    uint64_t expall = (uint64_t)emax << fbits;
    uint64_t m;
    bool up, inexact, tiny = false;
    u128 v;

    switch (c) {
    case X80_CLASS_UNSUPPORTED:
        s->flags |= X80_IE;
        return (1ULL << (ebits + fbits)) | expall | (1ULL << (fbits - 1));
    case X80_CLASS_QNAN:
    case X80_CLASS_SNAN:
        if (c == X80_CLASS_SNAN) {
            s->flags |= X80_IE;
        }
        return sbit | expall | (1ULL << (fbits - 1)) |
               ((a.mant << 1) >> (64 - fbits));
    case X80_CLASS_INF:
        return sbit | expall;
    case X80_CLASS_ZERO:
        return sbit;
    default:
        break;
    }
    e = unpack(a, &m) - X80_BIAS + bias;
    v = (u128)m << 64;
    if (e == 0) {
        /* Tiny after rounding only (see round_pack). */
        u128 t = v;
        round_bits(&t, 128 - (fbits + 1), sign, s->rc, &up);
        tiny = !(up && !t);
    } else {
        tiny = e < 0;
    }
    if (tiny) {
        if (!(s->masks & X80_UE)) {
            s->flags |= X80_UE;
            return 0;     /* not stored */
        }
        v = shr_jam(v, 1 - e);
        e = 0;
    }
    inexact = round_bits(&v, 128 - (fbits + 1), sign, s->rc, &up);
    if (up && !v) {
        v = (u128)1 << 127;
        e++;
    }
    if (tiny && (v >> 127)) {
        e = 1;
    }
    s->c1 = up;
    if (inexact) {
        s->flags |= X80_PE;
        if (tiny) {
            s->flags |= X80_UE;
        }
    }
    if (e >= emax) {
        bool to_inf;
        s->flags |= X80_OE;
        if (!(s->masks & X80_OE)) {
            return 0;     /* not stored */
        }
        s->flags |= X80_PE;
        to_inf = s->rc == RC_NEAREST || (s->rc == RC_DOWN && sign) ||
                 (s->rc == RC_UP && !sign);
        s->c1 = to_inf;
        return to_inf ? sbit | expall : sbit | (expall - 1) |
                                            ((1ULL << fbits) - 1);
    }
    return sbit | ((uint64_t)e << fbits) |
           ((uint64_t)(v >> (128 - (fbits + 1))) & ((1ULL << fbits) - 1));
}

uint32_t x80_to_f32(FPReg a, X80Status *s)
{
    return (uint32_t)to_ieee(a, 8, 23, s);
}

uint64_t x80_to_f64(FPReg a, X80Status *s)
{
    return to_ieee(a, 11, 52, s);
}

int64_t x80_to_int(FPReg a, int bits, bool truncate, X80Status *s)
{
    X80Class c = x80_classify(a);
    int64_t indef = (int64_t)(~0ULL << (bits - 1));
    uint64_t mag, limit;
    bool inexact, up;

    if (c == X80_CLASS_UNSUPPORTED || c == X80_CLASS_QNAN ||
        c == X80_CLASS_SNAN || c == X80_CLASS_INF) {
        s->flags |= X80_IE;
        return indef;
    }
    limit = (1ULL << (bits - 1)) - !x80_sign(a);
    if (!int_mag(a, truncate ? RC_ZERO : s->rc, &mag, &inexact, &up) ||
        mag > limit) {
        s->flags |= X80_IE;
        return indef;
    }
    if (inexact) {
        s->flags |= X80_PE;
    }
    s->c1 = up;
    return x80_sign(a) ? (int64_t)(0 - mag) : (int64_t)mag;
}

FPReg x80_from_bcd(const uint8_t bcd[10])
{
    int64_t v = 0;
    FPReg r;

    for (int i = 8; i >= 0; i--) {
        v = v * 100 + (bcd[i] >> 4) * 10 + (bcd[i] & 15);
    }
    r = x80_from_int64(v);
    if (bcd[9] & 0x80) {
        r.exp |= 0x8000;
    }
    return r;
}

void x80_to_bcd(FPReg a, uint8_t bcd[10], X80Status *s)
{
    X80Class c = x80_classify(a);
    uint64_t mag;
    bool inexact, up;

    memset(bcd, 0, 10);
    if (c == X80_CLASS_UNSUPPORTED || c == X80_CLASS_QNAN ||
        c == X80_CLASS_SNAN || c == X80_CLASS_INF ||
        !int_mag(a, s->rc, &mag, &inexact, &up) ||
        mag >= 1000000000000000000ULL) {
        /* The packed BCD indefinite (SDM vol. 1, table 4-4). */
        s->flags |= X80_IE;
        bcd[9] = 0xff;
        bcd[8] = 0xff;
        bcd[7] = 0xc0;
        return;
    }
    if (inexact) {
        s->flags |= X80_PE;
    }
    s->c1 = up;
    for (int i = 0; i < 9; i++) {
        unsigned two = (unsigned)(mag % 100);
        mag /= 100;
        bcd[i] = (uint8_t)(((two / 10) << 4) | (two % 10));
    }
    bcd[9] = x80_sign(a) ? 0x80 : 0;
}

FPReg x80_const(int idx, int rc)
{
    /*
     * The constants truncated to 64 bits, and whether the bits beyond
     * round the nearest-even value up.  All but 1 and 0 are irrational,
     * so rounding up adds one unit and down/zero truncate (SDM vol. 1,
     * 8.3.8: the 387 and later round the constants by RC).
     */
    static const struct {
        uint64_t mant;
        uint16_t exp;
        bool exact, nearest_up;
    } k[7] = {
        { 0x8000000000000000ULL, 0x3fff, true, false },   /* 1 */
        { 0xd49a784bcd1b8afeULL, 0x4000, false, false },  /* log2(10) */
        { 0xb8aa3b295c17f0bbULL, 0x3fff, false, true },   /* log2(e) */
        { 0xc90fdaa22168c234ULL, 0x4000, false, true },   /* pi */
        { 0x9a209a84fbcff798ULL, 0x3ffd, false, true },   /* log10(2) */
        { 0xb17217f7d1cf79abULL, 0x3ffe, false, true },   /* ln(2) */
        { 0, 0, true, false },                            /* 0 */
    };
    uint64_t m = k[idx].mant;

    if (!k[idx].exact) {
        if ((rc == RC_NEAREST && k[idx].nearest_up) || rc == RC_UP) {
            m++;
        }
    }
    return x80_make(false, k[idx].exp, m);
}
