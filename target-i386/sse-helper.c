/*
 * MMX, SSE, SSE2 and SSE3: decoding of the 0F-map forms, the CR0/CR4
 * checks, operand fetch and write-back, the integer operations, and the
 * SIMD floating-point exception rules (Intel SDM vol. 1 ch. 9-12 and
 * 11.5; vol. 2 instruction entries).  The floating-point arithmetic itself
 * runs on the host's SSE unit (sse-host.c); see sse-helper.h.
 *
 * Register numbering: MMi is the x87 physical register Ri (vol. 1, 9.5),
 * kept in env->fpregs[i].mant; XMMi is env->xmm[i]; a general register
 * operand is the low 32 bits of env->regs[i].
 */
#include "target-i386/sse-internal.h"
#include "target-i386/fpu-helper.h"

static uint32_t hook_ld(CPUX86State *env, uint32_t linear, int size)
{
    return x86_ld(env, linear, size);
}

static void hook_st(CPUX86State *env, uint32_t linear, int size, uint32_t val)
{
    x86_st(env, linear, size, val);
}

static EMU_NORETURN void hook_raise(CPUX86State *env, int vector, int err)
{
    x86_raise_exception_err(env, vector, err);
}

SSEHooks sse_hooks = {
    .ld = hook_ld,
    .st = hook_st,
    .raise = hook_raise,
};

/* ---- the opcode table ---- */

enum {
    F_OK = 1 << 0,
    F_IMM = 1 << 1,
    F_MMX = 1 << 2,  /* MMX class: CR0.EM -> #UD, CR0.TS -> #NM */
    F_SSE = 1 << 3,  /* SSE class: also CR4.OSFXSR=0 -> #UD */
    F_REG = 1 << 4,  /* register form only (memory form is #UD) */
    F_MEM = 1 << 5,  /* memory form only */
    F_UNAL = 1 << 6, /* 16-byte memory operand need not be aligned */
};

#define MX (F_OK | F_MMX)
#define SS (F_OK | F_SSE)
#define NC F_OK /* no CR0/CR4 checks */

/* [opc][prefix index: none, 66, F3, F2] */
static const uint8_t sse_table[256][4] = {
    [0x10] = {SS | F_UNAL, SS | F_UNAL, SS, SS},
    [0x11] = {SS | F_UNAL, SS | F_UNAL, SS, SS},
    [0x12] = {SS, SS | F_MEM, SS, SS},
    [0x13] = {SS | F_MEM, SS | F_MEM},
    [0x14] = {SS, SS},
    [0x15] = {SS, SS},
    [0x16] = {SS, SS | F_MEM, SS},
    [0x17] = {SS | F_MEM, SS | F_MEM},
    [0x18] = {NC, NC, NC, NC},
    [0x28] = {SS, SS},
    [0x29] = {SS, SS},
    [0x2a] = {SS, SS, SS, SS},
    [0x2b] = {SS | F_MEM, SS | F_MEM},
    [0x2c] = {SS, SS, SS, SS},
    [0x2d] = {SS, SS, SS, SS},
    [0x2e] = {SS, SS},
    [0x2f] = {SS, SS},
    [0x50] = {SS | F_REG, SS | F_REG},
    [0x51] = {SS, SS, SS, SS},
    [0x52] = {SS, 0, SS},
    [0x53] = {SS, 0, SS},
    [0x54] = {SS, SS},
    [0x55] = {SS, SS},
    [0x56] = {SS, SS},
    [0x57] = {SS, SS},
    [0x58] = {SS, SS, SS, SS},
    [0x59] = {SS, SS, SS, SS},
    [0x5a] = {SS, SS, SS, SS},
    [0x5b] = {SS, SS, SS},
    [0x5c] = {SS, SS, SS, SS},
    [0x5d] = {SS, SS, SS, SS},
    [0x5e] = {SS, SS, SS, SS},
    [0x5f] = {SS, SS, SS, SS},
    [0x60] = {MX, SS},
    [0x61] = {MX, SS},
    [0x62] = {MX, SS},
    [0x63] = {MX, SS},
    [0x64] = {MX, SS},
    [0x65] = {MX, SS},
    [0x66] = {MX, SS},
    [0x67] = {MX, SS},
    [0x68] = {MX, SS},
    [0x69] = {MX, SS},
    [0x6a] = {MX, SS},
    [0x6b] = {MX, SS},
    [0x6c] = {0, SS},
    [0x6d] = {0, SS},
    [0x6e] = {MX, SS},
    [0x6f] = {MX, SS, SS | F_UNAL},
    [0x70] = {MX | F_IMM, SS | F_IMM, SS | F_IMM, SS | F_IMM},
    [0x71] = {MX | F_IMM | F_REG, SS | F_IMM | F_REG},
    [0x72] = {MX | F_IMM | F_REG, SS | F_IMM | F_REG},
    [0x73] = {MX | F_IMM | F_REG, SS | F_IMM | F_REG},
    [0x74] = {MX, SS},
    [0x75] = {MX, SS},
    [0x76] = {MX, SS},
    [0x7c] = {0, SS, 0, SS},
    [0x7d] = {0, SS, 0, SS},
    [0x7e] = {MX, SS, SS},
    [0x7f] = {MX, SS, SS | F_UNAL},
    [0xae] = {NC},
    [0xc2] = {SS | F_IMM, SS | F_IMM, SS | F_IMM, SS | F_IMM},
    [0xc3] = {NC | F_MEM},
    [0xc4] = {MX | F_IMM, SS | F_IMM},
    [0xc5] = {MX | F_IMM | F_REG, SS | F_IMM | F_REG},
    [0xc6] = {SS | F_IMM, SS | F_IMM},
    [0xd0] = {0, SS, 0, SS},
    [0xd1] = {MX, SS},
    [0xd2] = {MX, SS},
    [0xd3] = {MX, SS},
    [0xd4] = {MX, SS},
    [0xd5] = {MX, SS},
    [0xd6] = {0, SS, SS | F_REG, SS | F_REG},
    [0xd7] = {MX | F_REG, SS | F_REG},
    [0xd8] = {MX, SS},
    [0xd9] = {MX, SS},
    [0xda] = {MX, SS},
    [0xdb] = {MX, SS},
    [0xdc] = {MX, SS},
    [0xdd] = {MX, SS},
    [0xde] = {MX, SS},
    [0xdf] = {MX, SS},
    [0xe0] = {MX, SS},
    [0xe1] = {MX, SS},
    [0xe2] = {MX, SS},
    [0xe3] = {MX, SS},
    [0xe4] = {MX, SS},
    [0xe5] = {MX, SS},
    [0xe6] = {0, SS, SS, SS},
    [0xe7] = {MX | F_MEM, SS | F_MEM},
    [0xe8] = {MX, SS},
    [0xe9] = {MX, SS},
    [0xea] = {MX, SS},
    [0xeb] = {MX, SS},
    [0xec] = {MX, SS},
    [0xed] = {MX, SS},
    [0xee] = {MX, SS},
    [0xef] = {MX, SS},
    [0xf0] = {0, 0, 0, SS | F_MEM | F_UNAL},
    [0xf1] = {MX, SS},
    [0xf2] = {MX, SS},
    [0xf3] = {MX, SS},
    [0xf4] = {MX, SS},
    [0xf5] = {MX, SS},
    [0xf6] = {MX, SS},
    [0xf7] = {MX | F_REG, SS | F_REG | F_UNAL},
    [0xf8] = {MX, SS},
    [0xf9] = {MX, SS},
    [0xfa] = {MX, SS},
    [0xfb] = {MX, SS},
    [0xfc] = {MX, SS},
    [0xfd] = {MX, SS},
    [0xfe] = {MX, SS},
};

static int prefix_index(uint8_t prefix)
{
    switch (prefix) {
    case 0x66:
        return 1;
    case 0xf3:
        return 2;
    case 0xf2:
        return 3;
    default:
        return 0;
    }
}

bool sse_opcode_known(uint8_t prefix, uint8_t opc)
{
    return sse_table[opc][prefix_index(prefix)] & F_OK;
}

bool sse_opcode_has_imm8(uint8_t prefix, uint8_t opc)
{
    return sse_table[opc][prefix_index(prefix)] & F_IMM;
}

/* ---- instruction context, exceptions, operands ---- */

typedef struct SSEInsn {
    CPUX86State *env;
    int pfx; /* prefix index */
    uint8_t opc;
    int reg, rm; /* ModRM fields */
    bool mem;    /* memory form */
    uint32_t ea;
    uint8_t imm;
    uint8_t flags;
    bool mmx; /* touches an MMX register: enter MMX state */
} SSEInsn;

static EMU_NORETURN void sse_raise(CPUX86State *env, int vector, int err)
{
    sse_hooks.raise(env, vector, err);
    abort(); /* a hook that returns is a bug */
}

static EMU_NORETURN void raise_ud(SSEInsn *x)
{
    sse_raise(x->env, EXCP06_ILLOP, 0);
}

static EMU_NORETURN void raise_simd(CPUX86State *env)
{
    /* vol. 3, 6.15 interrupt 19: #UD when the OS has not enabled #XM. */
    sse_raise(
        env, (env->cr[4] & CR4_OSXMMEXCPT_MASK) ? EXCP13_XMM : EXCP06_ILLOP, 0);
}

static uint64_t mm_get(CPUX86State *env, int i)
{
    return env->fpregs[i & 7].mant;
}

/* An MMX write sets the register's exponent and sign to all ones
 * (vol. 1, 9.5.1). */
static void mm_set(SSEInsn *x, int i, uint64_t v)
{
    x->env->fpregs[i & 7].mant = v;
    x->env->fpregs[i & 7].exp = 0xffff;
    x->mmx = true;
}

static uint32_t gpr_get(CPUX86State *env, int i)
{
    return (uint32_t)env->regs[i & 7];
}

static void gpr_set(CPUX86State *env, int i, uint32_t v)
{
    env->regs[i & 7] = v;
}

static void check_align(SSEInsn *x, int size)
{
    if (size == 16 && !(x->flags & F_UNAL) && (x->ea & 15)) {
        sse_raise(x->env, EXCP0D_GPF, 0);
    }
}

/* Read size (2, 4, 8 or 16) bytes at the memory operand; upper bytes 0. */
static void mem_read(SSEInsn *x, XMMReg *v, int size)
{
    memset(v, 0, sizeof(*v));
    check_align(x, size);
    if (size == 2) {
        v->w[0] = sse_hooks.ld(x->env, x->ea, 2);
        return;
    }
    for (int i = 0; i < size / 4; i++) {
        v->l[i] = sse_hooks.ld(x->env, x->ea + 4 * i, 4);
    }
}

/*
 * Known deviation: a misaligned store that crosses into a page that faults
 * has already written its first part.
 */
static void mem_write(SSEInsn *x, const XMMReg *v, int size)
{
    check_align(x, size);
    for (int i = 0; i < size / 4; i++) {
        sse_hooks.st(x->env, x->ea + 4 * i, 4, v->l[i]);
    }
}

/* Source operand r/m as an XMM register or size bytes of memory. */
static void src_xmm(SSEInsn *x, XMMReg *v, int size)
{
    if (x->mem) {
        mem_read(x, v, size);
    } else {
        *v = x->env->xmm[x->rm];
    }
}

/* Source operand r/m as an MMX register or 8 bytes of memory (or size). */
static void src_mm(SSEInsn *x, XMMReg *v, int size)
{
    if (x->mem) {
        mem_read(x, v, size);
    } else {
        memset(v, 0, sizeof(*v));
        v->q[0] = mm_get(x->env, x->rm);
        x->mmx = true;
    }
}

/* ---- floating point: host execution and the exception rules ---- */

/* Which lanes of a result hold floating-point values that may be tiny. */
enum { FMT_NONE, FMT_PS, FMT_SS, FMT_PD, FMT_SD, FMT_PS2 };

static bool result_tiny(const XMMReg *r, int fmt)
{
    int n32 = fmt == FMT_PS ? 4 : fmt == FMT_SS ? 1 : fmt == FMT_PS2 ? 2 : 0;
    int n64 = fmt == FMT_PD ? 2 : fmt == FMT_SD ? 1 : 0;

    for (int i = 0; i < n32; i++) {
        if (!(r->l[i] & 0x7f800000) && (r->l[i] & 0x007fffff)) {
            return true;
        }
    }
    for (int i = 0; i < n64; i++) {
        if (!(r->q[i] & 0x7ff0000000000000ull) &&
            (r->q[i] & 0x000fffffffffffffull)) {
            return true;
        }
    }
    return false;
}

/* The host MXCSR for a guest operation: guest RC, DAZ, FTZ, all masked.
 * FTZ only acts when underflow is masked (vol. 1, 10.2.3.3). */
static uint32_t host_csr(CPUX86State *env)
{
    uint32_t csr =
        (env->mxcsr & (MXCSR_RC | MXCSR_DAZ | MXCSR_FTZ)) | MXCSR_MASKS;

    if (!(env->mxcsr & (MXCSR_UE << MXCSR_MASK_SHIFT))) {
        csr &= ~MXCSR_FTZ;
    }
    return csr;
}

/*
 * Fold the flags of a masked host run into the guest MXCSR, or raise the
 * SIMD exception (vol. 1, 11.5.3): pre-computation conditions (IE, ZE,
 * DE) are reported alone when one of them is unmasked; otherwise all
 * conditions are, and any unmasked one raises.  An unmasked underflow is
 * reported for a tiny result even when it is exact.  Returns only when the
 * result may be written.
 */
static void fp_flags(CPUX86State *env, uint32_t host, const XMMReg *r, int fmt)
{
    uint32_t flags = host & MXCSR_FLAGS;
    uint32_t unmasked = ~(env->mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS;
    uint32_t pre = flags & (MXCSR_IE | MXCSR_ZE | MXCSR_DE);

    if (pre & unmasked) {
        env->mxcsr |= pre;
        raise_simd(env);
    }
    if ((unmasked & MXCSR_UE) && result_tiny(r, fmt)) {
        flags |= MXCSR_UE;
    }
    env->mxcsr |= flags;
    if (flags & unmasked) {
        raise_simd(env);
    }
}

/*
 * Unmasked overflow and underflow.  The masked run reports PE with every
 * overflow (the result became infinity or the largest finite value), but
 * when OE or UE is unmasked no rounded-to-range result is produced and
 * the processor reports PE only if the significand itself had to be
 * rounded, as if the exponent range were unbounded (the x87's "scaled
 * result", vol. 1, 4.9.1.4-5; observed on the host).  This slow path
 * recomputes the flags lane by lane and decides PE for the lanes that
 * trap from operands scaled into range.
 */
enum { LK_ADD, LK_SUB, LK_MUL, LK_DIV, LK_CVT };

typedef struct FPLane {
    int kind;
    bool dbl; /* operands are doubles */
    uint64_t a, b;
} FPLane;

static int fp_lanes(int op, const XMMReg *d, const XMMReg *s, FPLane *l)
{
    static const int kinds[4] = {LK_ADD, LK_SUB, LK_MUL, LK_DIV};
    static const int bases[4] = {SSE_ADDPS, SSE_SUBPS, SSE_MULPS, SSE_DIVPS};
    int n = 0;

    for (int k = 0; k < 4; k++) {
        int shape = op - bases[k];
        if (shape < 0 || shape > 3) {
            continue;
        }
        bool dbl = shape & 1;
        int lanes = shape == 0 ? 4 : shape == 1 ? 2 : 1;
        for (int i = 0; i < lanes; i++) {
            l[n++] = (FPLane){kinds[k], dbl, dbl ? d->q[i] : d->l[i],
                              dbl ? s->q[i] : s->l[i]};
        }
        return n;
    }
    switch (op) {
    case SSE_ADDSUBPS:
        for (int i = 0; i < 4; i++) {
            l[n++] = (FPLane){i & 1 ? LK_ADD : LK_SUB, false, d->l[i], s->l[i]};
        }
        break;
    case SSE_ADDSUBPD:
        l[n++] = (FPLane){LK_SUB, true, d->q[0], s->q[0]};
        l[n++] = (FPLane){LK_ADD, true, d->q[1], s->q[1]};
        break;
    case SSE_HADDPS:
    case SSE_HSUBPS:
        for (int i = 0; i < 4; i++) {
            const XMMReg *v = i < 2 ? d : s;
            l[n++] = (FPLane){op == SSE_HADDPS ? LK_ADD : LK_SUB, false,
                              v->l[(2 * i) & 3], v->l[(2 * i + 1) & 3]};
        }
        break;
    case SSE_HADDPD:
    case SSE_HSUBPD:
        for (int i = 0; i < 2; i++) {
            const XMMReg *v = i ? s : d;
            l[n++] = (FPLane){op == SSE_HADDPD ? LK_ADD : LK_SUB, true, v->q[0],
                              v->q[1]};
        }
        break;
    case SSE_CVTPD2PS:
        l[n++] = (FPLane){LK_CVT, true, s->q[0], 0};
        l[n++] = (FPLane){LK_CVT, true, s->q[1], 0};
        break;
    case SSE_CVTSD2SS:
        l[n++] = (FPLane){LK_CVT, true, s->q[0], 0};
        break;
    }
    return n;
}

/* |v| with its significand kept and the exponent set to 0 (in [1, 2)),
 * denormals normalized; sets *e to the unbiased exponent. */
static uint64_t fp_normalize(uint64_t v, bool dbl, int *e)
{
    int mbits = dbl ? 52 : 23, bias = dbl ? 1023 : 127;
    uint64_t mmask = ((uint64_t)1 << mbits) - 1;
    int ex = (int)((v >> mbits) & (dbl ? 0x7ff : 0xff));
    uint64_t m = v & mmask;

    if (ex == 0) {
        ex = 1;
        while (m && !(m >> mbits)) {
            m <<= 1;
            ex--;
        }
        m &= mmask;
    }
    *e = ex - bias;
    return ((uint64_t)bias << mbits) | m;
}

static bool fp_is_zero(uint64_t v, bool dbl, bool daz)
{
    uint64_t mag = dbl ? v & ~(1ull << 63) : v & 0x7fffffff;
    uint64_t expmask = dbl ? 0x7ff0000000000000ull : 0x7f800000;
    return mag == 0 || (daz && !(mag & expmask));
}

/* Would the lane's result need rounding with an unbounded exponent? */
static bool fp_significand_inexact(const FPLane *l, bool overflow, bool daz)
{
    XMMReg a, b;
    int ea, eb;
    uint32_t host;

    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    switch (l->kind) {
    case LK_CVT: {
        uint64_t m = l->a & 0x000fffffffffffffull;
        if (l->a & 0x7ff0000000000000ull) {
            m |= 1ull << 52;
        }
        if (!m) {
            return false;
        }
        m >>= __builtin_ctzll(m);
        return 64 - __builtin_clzll(m) > 24;
    }
    case LK_MUL:
    case LK_DIV:
        a.q[0] = fp_normalize(l->a, l->dbl, &ea);
        b.q[0] = fp_normalize(l->b, l->dbl, &eb);
        host = sse_host_op((l->kind == LK_MUL ? SSE_MULSS : SSE_DIVSS) + l->dbl,
                           &a, &b, MXCSR_MASKS);
        return host & MXCSR_PE;
    default: {
        /* A sum that underflows is exact (its operands' ulps divide it). */
        int p = l->dbl ? 53 : 24, mbits = l->dbl ? 52 : 23;
        uint64_t na, nb;
        if (!overflow) {
            return false;
        }
        if (fp_is_zero(l->a, l->dbl, daz) || fp_is_zero(l->b, l->dbl, daz)) {
            return false;
        }
        na = fp_normalize(l->a, l->dbl, &ea);
        nb = fp_normalize(l->b, l->dbl, &eb);
        if (ea - eb > p + 1 || eb - ea > p + 1) {
            return true;
        }
        /* Scale both by the same power of two: the larger to [1, 2). */
        int top = MAX(ea, eb);
        a.q[0] = na + ((uint64_t)(ea - top) << mbits);
        b.q[0] = nb + ((uint64_t)(eb - top) << mbits);
        if (l->dbl) {
            a.q[0] |= l->a & (1ull << 63);
            b.q[0] |= l->b & (1ull << 63);
        } else {
            a.q[0] |= l->a & 0x80000000u;
            b.q[0] |= l->b & 0x80000000u;
        }
        host = sse_host_op((l->kind == LK_ADD ? SSE_ADDSS : SSE_SUBSS) + l->dbl,
                           &a, &b, MXCSR_MASKS);
        return host & MXCSR_PE;
    }
    }
}

static uint32_t fp_trap_flags(CPUX86State *env, int op, const XMMReg *d,
                              const XMMReg *s)
{
    uint32_t unmasked = ~(env->mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS;
    bool daz = env->mxcsr & MXCSR_DAZ;
    uint32_t flags = 0;
    FPLane lanes[4];
    int n = fp_lanes(op, d, s, lanes);

    for (int i = 0; i < n; i++) {
        const FPLane *l = &lanes[i];
        XMMReg a, b;
        uint32_t f;
        int sop;

        memset(&a, 0, sizeof(a));
        memset(&b, 0, sizeof(b));
        if (l->kind == LK_CVT) {
            b.q[0] = l->a;
            sop = SSE_CVTSD2SS;
        } else {
            a.q[0] = l->a;
            b.q[0] = l->b;
            sop = (l->kind == LK_ADD   ? SSE_ADDSS
                   : l->kind == LK_SUB ? SSE_SUBSS
                   : l->kind == LK_MUL ? SSE_MULSS
                                       : SSE_DIVSS) +
                  (l->dbl ? 1 : 0);
        }
        f = sse_host_op(sop, &a, &b, host_csr(env)) & MXCSR_FLAGS;
        bool tiny =
            (unmasked & MXCSR_UE) &&
            result_tiny(&a, l->kind == LK_CVT || !l->dbl ? FMT_SS : FMT_SD);
        bool ovf = (f & MXCSR_OE) && (unmasked & MXCSR_OE);
        bool unf = (unmasked & MXCSR_UE) && ((f & MXCSR_UE) || tiny);
        if (ovf || unf) {
            f &= ~MXCSR_PE;
            if (fp_significand_inexact(l, ovf, daz)) {
                f |= MXCSR_PE;
            }
            if (unf) {
                f |= MXCSR_UE;
            }
        }
        flags |= f;
    }
    return flags;
}

/* d = d op s on the host; writes d only if no unmasked exception. */
static void fp_op(CPUX86State *env, int op, XMMReg *d, const XMMReg *s, int fmt)
{
    XMMReg r = *d;
    uint32_t host = sse_host_op(op, &r, s, host_csr(env));
    uint32_t unmasked = ~(env->mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS;

    if (fmt != FMT_NONE &&
        !(host & unmasked & (MXCSR_IE | MXCSR_ZE | MXCSR_DE)) &&
        ((host & unmasked & (MXCSR_OE | MXCSR_UE)) ||
         ((unmasked & MXCSR_UE) && result_tiny(&r, fmt)))) {
        host = fp_trap_flags(env, op, d, s);
    }
    fp_flags(env, host, &r, fmt);
    *d = r;
}

/* Arithmetic opcodes 51 58 59 5C-5F: op enums are in ps, pd, ss, sd order
 * from the base. */
static int arith_base(uint8_t opc)
{
    switch (opc) {
    case 0x51:
        return SSE_SQRTPS;
    case 0x58:
        return SSE_ADDPS;
    case 0x59:
        return SSE_MULPS;
    case 0x5c:
        return SSE_SUBPS;
    case 0x5d:
        return SSE_MINPS;
    case 0x5e:
        return SSE_DIVPS;
    default:
        return SSE_MAXPS;
    }
}

static bool arith_tiny_possible(uint8_t opc)
{
    return opc != 0x51 && opc != 0x5d && opc != 0x5f;
}

static void sse_int_op_or_ud(SSEInsn *x, uint8_t opc, XMMReg *d,
                             const XMMReg *s, int n)
{
    if (!sse_int_op(opc, d, s, n)) {
        raise_ud(x);
    }
}

/* Integer forms with a packed source operand: MMX (prefix none) or XMM
 * (66).  The MMX PUNPCKL* read only 32 bits of memory. */
static void do_int_op(SSEInsn *x)
{
    XMMReg d, s;

    if (x->pfx == 0) {
        bool low = x->opc >= 0x60 && x->opc <= 0x62;
        src_mm(x, &s, low ? 4 : 8);
        memset(&d, 0, sizeof(d));
        d.q[0] = mm_get(x->env, x->reg);
        sse_int_op_or_ud(x, x->opc, &d, &s, 8);
        mm_set(x, x->reg, d.q[0]);
    } else {
        src_xmm(x, &s, 16);
        d = x->env->xmm[x->reg];
        sse_int_op_or_ud(x, x->opc, &d, &s, 16);
        x->env->xmm[x->reg] = d;
    }
}

/* 0F 71/72/73: shifts by immediate, ModRM.reg selects the operation. */
static void do_shift_imm(SSEInsn *x)
{
    static const uint8_t ops[3][8] = {
        /* reg:  0  1  2     3  4     5  6     7 */
        [0] = {0, 0, 0xd1, 0, 0xe1, 0, 0xf1, 0},
        [1] = {0, 0, 0xd2, 0, 0xe2, 0, 0xf2, 0},
        [2] = {0, 0, 0xd3, 1, 0, 0, 0xf3, 2},
    };
    uint8_t op = ops[x->opc - 0x71][x->reg];
    XMMReg d, s;

    if (!op || (op < 3 && x->pfx == 0)) {
        raise_ud(x);
    }
    memset(&s, 0, sizeof(s));
    s.q[0] = x->imm;
    if (x->pfx == 0) {
        memset(&d, 0, sizeof(d));
        d.q[0] = mm_get(x->env, x->rm);
        sse_int_op_or_ud(x, op, &d, &s, 8);
        mm_set(x, x->rm, d.q[0]);
    } else {
        d = x->env->xmm[x->rm];
        if (op < 3) {
            sse_shift_bytes(&d, op == 2, x->imm);
        } else {
            sse_int_op_or_ud(x, op, &d, &s, 16);
        }
        x->env->xmm[x->rm] = d;
    }
}

/* ---- LDMXCSR / STMXCSR and the 0F AE group ---- */

void helper_ldmxcsr(CPUX86State *env, uint32_t val)
{
    if (val & ~MXCSR_WRITABLE) {
        sse_raise(env, EXCP0D_GPF, 0);
    }
    env->mxcsr = val;
}

/* 0F AE: ModRM.reg selects; register forms are the fences. */
static void do_group15(SSEInsn *x)
{
    CPUX86State *env = x->env;

    if (!x->mem) {
        if (x->reg < 5) {
            raise_ud(x);
        }
        /* LFENCE MFENCE SFENCE: one vCPU thread orders its own accesses. */
        return;
    }
    switch (x->reg) {
    case 0:
    case 1: {
        /* The x87 helper owns the FXSAVE image; it gets our hooks. */
        const X87MemOps ops = {
            .ld = sse_hooks.ld,
            .st = sse_hooks.st,
            .raise = sse_hooks.raise,
        };
        if (x->reg == 0) {
            x87_fxsave(env, &ops, x->ea);
        } else {
            x87_fxrstor(env, &ops, x->ea);
        }
        return;
    }
    case 2:
    case 3:
        if ((env->cr[0] & CR0_EM_MASK) || !(env->cr[4] & CR4_OSFXSR_MASK)) {
            raise_ud(x);
        }
        if (env->cr[0] & CR0_TS_MASK) {
            sse_raise(env, EXCP07_PREX, 0);
        }
        if (x->reg == 2) {
            helper_ldmxcsr(env, sse_hooks.ld(env, x->ea, 4));
        } else {
            sse_hooks.st(env, x->ea, 4, env->mxcsr);
        }
        return;
    case 7:
        /* CLFLUSH: no caches to flush.  Known deviation: no #PF/#GP for
         * an unmapped line (probing it with a read could disturb MMIO). */
        return;
    default:
        /* XSAVE family: not offered by our CPUID. */
        raise_ud(x);
    }
}

/* ---- the dispatcher ---- */

#define K(p, o) (((p) << 8) | (o))

static void sse_exec(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &env->xmm[x->reg];
    XMMReg s, r;
    int p = x->pfx;
    int32_t iv;
    uint32_t host, efl;

    switch (K(p, x->opc)) {
    /* -- moves -- */
    case K(0, 0x10):
    case K(1, 0x10):
    case K(0, 0x28):
    case K(1, 0x28):
    case K(2, 0x6f):
    case K(1, 0x6f):
    case K(3, 0xf0):
        src_xmm(x, &s, 16);
        *xd = s;
        break;
    case K(0, 0x11):
    case K(1, 0x11):
    case K(0, 0x29):
    case K(1, 0x29):
    case K(0, 0x2b):
    case K(1, 0x2b):
    case K(1, 0x7f):
    case K(2, 0x7f):
    case K(1, 0xe7):
        if (x->mem) {
            mem_write(x, xd, 16);
        } else {
            env->xmm[x->rm] = *xd;
        }
        break;
    case K(2, 0x10): /* movss */
        if (x->mem) {
            mem_read(x, xd, 4);
        } else {
            xd->l[0] = env->xmm[x->rm].l[0];
        }
        break;
    case K(3, 0x10): /* movsd */
        if (x->mem) {
            mem_read(x, xd, 8);
        } else {
            xd->q[0] = env->xmm[x->rm].q[0];
        }
        break;
    case K(2, 0x11):
        if (x->mem) {
            mem_write(x, xd, 4);
        } else {
            env->xmm[x->rm].l[0] = xd->l[0];
        }
        break;
    case K(3, 0x11):
        if (x->mem) {
            mem_write(x, xd, 8);
        } else {
            env->xmm[x->rm].q[0] = xd->q[0];
        }
        break;
    case K(0, 0x12): /* movlps / movhlps */
    case K(1, 0x12): /* movlpd */
        src_xmm(x, &s, 8);
        xd->q[0] = x->mem ? s.q[0] : s.q[1];
        break;
    case K(0, 0x16): /* movhps / movlhps */
    case K(1, 0x16): /* movhpd */
        src_xmm(x, &s, 8);
        xd->q[1] = s.q[0];
        break;
    case K(0, 0x13):
    case K(1, 0x13):
        mem_write(x, xd, 8);
        break;
    case K(0, 0x17):
    case K(1, 0x17):
        s.q[0] = xd->q[1];
        mem_write(x, &s, 8);
        break;
    case K(3, 0x12): /* movddup */
        src_xmm(x, &s, 8);
        xd->q[0] = xd->q[1] = s.q[0];
        break;
    case K(2, 0x12): /* movsldup */
        src_xmm(x, &s, 16);
        xd->l[0] = xd->l[1] = s.l[0];
        xd->l[2] = xd->l[3] = s.l[2];
        break;
    case K(2, 0x16): /* movshdup */
        src_xmm(x, &s, 16);
        xd->l[0] = xd->l[1] = s.l[1];
        xd->l[2] = xd->l[3] = s.l[3];
        break;
    case K(0, 0x14): /* unpcklps */
        src_xmm(x, &s, 16);
        r.l[0] = xd->l[0];
        r.l[1] = s.l[0];
        r.l[2] = xd->l[1];
        r.l[3] = s.l[1];
        *xd = r;
        break;
    case K(0, 0x15): /* unpckhps */
        src_xmm(x, &s, 16);
        r.l[0] = xd->l[2];
        r.l[1] = s.l[2];
        r.l[2] = xd->l[3];
        r.l[3] = s.l[3];
        *xd = r;
        break;
    case K(1, 0x14): /* unpcklpd */
    case K(1, 0x6c): /* punpcklqdq */
        src_xmm(x, &s, 16);
        xd->q[1] = s.q[0];
        break;
    case K(1, 0x15): /* unpckhpd */
    case K(1, 0x6d): /* punpckhqdq */
        src_xmm(x, &s, 16);
        xd->q[0] = xd->q[1];
        xd->q[1] = s.q[1];
        break;
    case K(0, 0x18):
    case K(1, 0x18):
    case K(2, 0x18):
    case K(3, 0x18):
        /* PREFETCHh and the reserved hint NOPs: no cache to warm. */
        break;
    case K(0, 0x6e): /* movd mm, r/m32 */
        mm_set(x, x->reg,
               x->mem ? sse_hooks.ld(env, x->ea, 4) : gpr_get(env, x->rm));
        break;
    case K(1, 0x6e): /* movd xmm, r/m32 */
        memset(&s, 0, sizeof(s));
        s.l[0] = x->mem ? sse_hooks.ld(env, x->ea, 4) : gpr_get(env, x->rm);
        *xd = s;
        break;
    case K(0, 0x7e): /* movd r/m32, mm */
        if (x->mem) {
            sse_hooks.st(env, x->ea, 4, (uint32_t)mm_get(env, x->reg));
        } else {
            gpr_set(env, x->rm, (uint32_t)mm_get(env, x->reg));
        }
        x->mmx = true;
        break;
    case K(1, 0x7e): /* movd r/m32, xmm */
        if (x->mem) {
            sse_hooks.st(env, x->ea, 4, xd->l[0]);
        } else {
            gpr_set(env, x->rm, xd->l[0]);
        }
        break;
    case K(2, 0x7e): /* movq xmm, xmm/m64 */
        src_xmm(x, &s, 8);
        xd->q[0] = s.q[0];
        xd->q[1] = 0;
        break;
    case K(1, 0xd6): /* movq xmm/m64, xmm */
        if (x->mem) {
            mem_write(x, xd, 8);
        } else {
            env->xmm[x->rm].q[0] = xd->q[0];
            env->xmm[x->rm].q[1] = 0;
        }
        break;
    case K(0, 0x6f): /* movq mm, mm/m64 */
        src_mm(x, &s, 8);
        mm_set(x, x->reg, s.q[0]);
        break;
    case K(0, 0x7f): /* movq mm/m64, mm */
    case K(0, 0xe7): /* movntq */
        if (x->mem) {
            s.q[0] = mm_get(env, x->reg);
            mem_write(x, &s, 8);
            x->mmx = true;
        } else {
            mm_set(x, x->rm, mm_get(env, x->reg));
        }
        break;
    case K(2, 0xd6): /* movq2dq xmm, mm */
        xd->q[0] = mm_get(env, x->rm);
        xd->q[1] = 0;
        x->mmx = true;
        break;
    case K(3, 0xd6): /* movdq2q mm, xmm */
        mm_set(x, x->reg, env->xmm[x->rm].q[0]);
        break;
    case K(0, 0xc3): /* movnti m32, r32 */
        sse_hooks.st(env, x->ea, 4, gpr_get(env, x->reg));
        break;
    case K(0, 0x50): /* movmskps */
        s = env->xmm[x->rm];
        gpr_set(env, x->reg,
                (s.l[0] >> 31) | (s.l[1] >> 31) << 1 | (s.l[2] >> 31) << 2 |
                    (s.l[3] >> 31) << 3);
        break;
    case K(1, 0x50): /* movmskpd */
        s = env->xmm[x->rm];
        gpr_set(env, x->reg, (uint32_t)(s.q[0] >> 63 | (s.q[1] >> 63) << 1));
        break;
    case K(0, 0xd7):   /* pmovmskb r32, mm */
    case K(1, 0xd7): { /* pmovmskb r32, xmm */
        uint32_t m = 0;
        int n = p ? 16 : 8;
        if (p) {
            s = env->xmm[x->rm];
        } else {
            s.q[0] = mm_get(env, x->rm);
            x->mmx = true;
        }
        for (int i = 0; i < n; i++) {
            m |= (uint32_t)(s.b[i] >> 7) << i;
        }
        gpr_set(env, x->reg, m);
        break;
    }
    case K(0, 0xf7):   /* maskmovq */
    case K(1, 0xf7): { /* maskmovdqu */
        XMMReg v, m;
        int n = p ? 16 : 8;
        if (p) {
            v = *xd;
            m = env->xmm[x->rm];
        } else {
            v.q[0] = mm_get(env, x->reg);
            m.q[0] = mm_get(env, x->rm);
            x->mmx = true;
        }
        for (int i = 0; i < n; i++) {
            if (m.b[i] & 0x80) {
                sse_hooks.st(env, x->ea + i, 1, v.b[i]);
            }
        }
        break;
    }

    /* -- shuffles and inserts -- */
    case K(0, 0x70): { /* pshufw */
        uint64_t v, res = 0;
        src_mm(x, &s, 8);
        v = s.q[0];
        for (int i = 0; i < 4; i++) {
            res |= ((v >> (16 * ((x->imm >> (2 * i)) & 3))) & 0xffff)
                   << (16 * i);
        }
        mm_set(x, x->reg, res);
        break;
    }
    case K(1, 0x70): /* pshufd */
        src_xmm(x, &s, 16);
        for (int i = 0; i < 4; i++) {
            r.l[i] = s.l[(x->imm >> (2 * i)) & 3];
        }
        *xd = r;
        break;
    case K(2, 0x70): /* pshufhw */
        src_xmm(x, &s, 16);
        r = s;
        for (int i = 0; i < 4; i++) {
            r.w[4 + i] = s.w[4 + ((x->imm >> (2 * i)) & 3)];
        }
        *xd = r;
        break;
    case K(3, 0x70): /* pshuflw */
        src_xmm(x, &s, 16);
        r = s;
        for (int i = 0; i < 4; i++) {
            r.w[i] = s.w[(x->imm >> (2 * i)) & 3];
        }
        *xd = r;
        break;
    case K(0, 0xc6): /* shufps */
        src_xmm(x, &s, 16);
        r.l[0] = xd->l[x->imm & 3];
        r.l[1] = xd->l[(x->imm >> 2) & 3];
        r.l[2] = s.l[(x->imm >> 4) & 3];
        r.l[3] = s.l[(x->imm >> 6) & 3];
        *xd = r;
        break;
    case K(1, 0xc6): /* shufpd */
        src_xmm(x, &s, 16);
        r.q[0] = xd->q[x->imm & 1];
        r.q[1] = s.q[(x->imm >> 1) & 1];
        *xd = r;
        break;
    case K(0, 0xc4): { /* pinsrw mm, r32/m16, imm8 */
        uint16_t w = x->mem ? sse_hooks.ld(env, x->ea, 2) : gpr_get(env, x->rm);
        int sh = 16 * (x->imm & 3);
        uint64_t v = mm_get(env, x->reg);
        mm_set(x, x->reg, (v & ~(0xffffull << sh)) | (uint64_t)w << sh);
        break;
    }
    case K(1, 0xc4): /* pinsrw xmm, r32/m16, imm8 */
        xd->w[x->imm & 7] =
            x->mem ? sse_hooks.ld(env, x->ea, 2) : gpr_get(env, x->rm);
        break;
    case K(0, 0xc5): /* pextrw r32, mm, imm8 */
        gpr_set(env, x->reg,
                (mm_get(env, x->rm) >> (16 * (x->imm & 3))) & 0xffff);
        x->mmx = true;
        break;
    case K(1, 0xc5):
        gpr_set(env, x->reg, env->xmm[x->rm].w[x->imm & 7]);
        break;

    /* -- logic on packed floats: bitwise, no exceptions -- */
    case K(0, 0x54):
    case K(1, 0x54):
        src_xmm(x, &s, 16);
        xd->q[0] &= s.q[0];
        xd->q[1] &= s.q[1];
        break;
    case K(0, 0x55):
    case K(1, 0x55):
        src_xmm(x, &s, 16);
        xd->q[0] = ~xd->q[0] & s.q[0];
        xd->q[1] = ~xd->q[1] & s.q[1];
        break;
    case K(0, 0x56):
    case K(1, 0x56):
        src_xmm(x, &s, 16);
        xd->q[0] |= s.q[0];
        xd->q[1] |= s.q[1];
        break;
    case K(0, 0x57):
    case K(1, 0x57):
        src_xmm(x, &s, 16);
        xd->q[0] ^= s.q[0];
        xd->q[1] ^= s.q[1];
        break;

    /* -- floating-point arithmetic -- */
    case K(0, 0x51):
    case K(1, 0x51):
    case K(2, 0x51):
    case K(3, 0x51):
    case K(0, 0x58):
    case K(1, 0x58):
    case K(2, 0x58):
    case K(3, 0x58):
    case K(0, 0x59):
    case K(1, 0x59):
    case K(2, 0x59):
    case K(3, 0x59):
    case K(0, 0x5c):
    case K(1, 0x5c):
    case K(2, 0x5c):
    case K(3, 0x5c):
    case K(0, 0x5d):
    case K(1, 0x5d):
    case K(2, 0x5d):
    case K(3, 0x5d):
    case K(0, 0x5e):
    case K(1, 0x5e):
    case K(2, 0x5e):
    case K(3, 0x5e):
    case K(0, 0x5f):
    case K(1, 0x5f):
    case K(2, 0x5f):
    case K(3, 0x5f): {
        /* enum order is ps pd ss sd; prefix order is none 66 F3 F2 */
        static const int fmt[4] = {FMT_PS, FMT_PD, FMT_SS, FMT_SD};
        static const int size[4] = {16, 16, 4, 8};
        src_xmm(x, &s, size[p]);
        fp_op(env, arith_base(x->opc) + p, xd, &s,
              arith_tiny_possible(x->opc) ? fmt[p] : FMT_NONE);
        break;
    }
    case K(0, 0x52):
        src_xmm(x, &s, 16);
        fp_op(env, SSE_RSQRTPS, xd, &s, FMT_NONE);
        break;
    case K(2, 0x52):
        src_xmm(x, &s, 4);
        fp_op(env, SSE_RSQRTSS, xd, &s, FMT_NONE);
        break;
    case K(0, 0x53):
        src_xmm(x, &s, 16);
        fp_op(env, SSE_RCPPS, xd, &s, FMT_NONE);
        break;
    case K(2, 0x53):
        src_xmm(x, &s, 4);
        fp_op(env, SSE_RCPSS, xd, &s, FMT_NONE);
        break;
    case K(1, 0xd0):
        src_xmm(x, &s, 16);
        fp_op(env, SSE_ADDSUBPD, xd, &s, FMT_PD);
        break;
    case K(3, 0xd0):
        src_xmm(x, &s, 16);
        fp_op(env, SSE_ADDSUBPS, xd, &s, FMT_PS);
        break;
    case K(1, 0x7c):
        src_xmm(x, &s, 16);
        fp_op(env, SSE_HADDPD, xd, &s, FMT_PD);
        break;
    case K(3, 0x7c):
        src_xmm(x, &s, 16);
        fp_op(env, SSE_HADDPS, xd, &s, FMT_PS);
        break;
    case K(1, 0x7d):
        src_xmm(x, &s, 16);
        fp_op(env, SSE_HSUBPD, xd, &s, FMT_PD);
        break;
    case K(3, 0x7d):
        src_xmm(x, &s, 16);
        fp_op(env, SSE_HSUBPS, xd, &s, FMT_PS);
        break;
    case K(0, 0xc2):
    case K(1, 0xc2):
    case K(2, 0xc2):
    case K(3, 0xc2): {
        static const int kind[4] = {0, 1, 2, 3};
        static const int size[4] = {16, 16, 4, 8};
        src_xmm(x, &s, size[p]);
        r = *xd;
        host = sse_host_cmp(kind[p], x->imm & 7, &r, &s, host_csr(env));
        fp_flags(env, host, &r, FMT_NONE);
        *xd = r;
        break;
    }
    case K(0, 0x2e):
    case K(0, 0x2f):
    case K(1, 0x2e):
    case K(1, 0x2f):
        src_xmm(x, &s, p ? 8 : 4);
        host = sse_host_comi(p, x->opc == 0x2f, xd, &s, host_csr(env), &efl);
        fp_flags(env, host, xd, FMT_NONE);
        env->cc_op = CC_OP_EFLAGS;
        env->cc_src = efl & (CC_Z | CC_P | CC_C);
        break;

    /* -- conversions -- */
    case K(0, 0x2a): /* cvtpi2ps xmm, mm/m64 */
        src_mm(x, &s, 8);
        memset(&r, 0, sizeof(r));
        s.q[1] = 0;
        host = sse_host_op(SSE_CVTDQ2PS, &r, &s, host_csr(env));
        fp_flags(env, host, &r, FMT_NONE);
        xd->q[0] = r.q[0];
        break;
    case K(1, 0x2a): /* cvtpi2pd xmm, mm/m64 */
        src_mm(x, &s, 8);
        s.q[1] = 0;
        r = *xd;
        host = sse_host_op(SSE_CVTDQ2PD, &r, &s, host_csr(env));
        fp_flags(env, host, &r, FMT_NONE);
        *xd = r;
        break;
    case K(2, 0x2a): /* cvtsi2ss */
    case K(3, 0x2a): /* cvtsi2sd */
        iv = x->mem ? (int32_t)sse_hooks.ld(env, x->ea, 4)
                    : (int32_t)gpr_get(env, x->rm);
        r = *xd;
        host = sse_host_cvtsi2(p == 3, &r, iv, host_csr(env));
        fp_flags(env, host, &r, FMT_NONE);
        *xd = r;
        break;
    case K(0, 0x2c): /* cvttps2pi mm, xmm/m64 */
    case K(0, 0x2d): /* cvtps2pi */
        src_xmm(x, &s, 8);
        s.q[1] = 0;
        memset(&r, 0, sizeof(r));
        host = sse_host_op(x->opc == 0x2c ? SSE_CVTTPS2DQ : SSE_CVTPS2DQ, &r,
                           &s, host_csr(env));
        fp_flags(env, host, &r, FMT_NONE);
        mm_set(x, x->reg, r.q[0]);
        break;
    case K(1, 0x2c): /* cvttpd2pi mm, xmm/m128 */
    case K(1, 0x2d): /* cvtpd2pi */
        src_xmm(x, &s, 16);
        memset(&r, 0, sizeof(r));
        host = sse_host_op(x->opc == 0x2c ? SSE_CVTTPD2DQ : SSE_CVTPD2DQ, &r,
                           &s, host_csr(env));
        fp_flags(env, host, &r, FMT_NONE);
        mm_set(x, x->reg, r.q[0]);
        break;
    case K(2, 0x2c):
    case K(2, 0x2d):
    case K(3, 0x2c):
    case K(3, 0x2d):
        src_xmm(x, &s, p == 3 ? 8 : 4);
        host = sse_host_cvt2si(p == 3, x->opc == 0x2c, &s, host_csr(env), &iv);
        fp_flags(env, host, &s, FMT_NONE);
        gpr_set(env, x->reg, (uint32_t)iv);
        break;
    case K(0, 0x5a): /* cvtps2pd xmm, xmm/m64 */
        src_xmm(x, &s, 8);
        fp_op(env, SSE_CVTPS2PD, xd, &s, FMT_NONE);
        break;
    case K(1, 0x5a): /* cvtpd2ps */
        src_xmm(x, &s, 16);
        fp_op(env, SSE_CVTPD2PS, xd, &s, FMT_PS2);
        break;
    case K(2, 0x5a): /* cvtss2sd */
        src_xmm(x, &s, 4);
        fp_op(env, SSE_CVTSS2SD, xd, &s, FMT_NONE);
        break;
    case K(3, 0x5a): /* cvtsd2ss */
        src_xmm(x, &s, 8);
        fp_op(env, SSE_CVTSD2SS, xd, &s, FMT_SS);
        break;
    case K(0, 0x5b):
        src_xmm(x, &s, 16);
        fp_op(env, SSE_CVTDQ2PS, xd, &s, FMT_NONE);
        break;
    case K(1, 0x5b):
        src_xmm(x, &s, 16);
        fp_op(env, SSE_CVTPS2DQ, xd, &s, FMT_NONE);
        break;
    case K(2, 0x5b):
        src_xmm(x, &s, 16);
        fp_op(env, SSE_CVTTPS2DQ, xd, &s, FMT_NONE);
        break;
    case K(1, 0xe6):
        src_xmm(x, &s, 16);
        fp_op(env, SSE_CVTTPD2DQ, xd, &s, FMT_NONE);
        break;
    case K(2, 0xe6): /* cvtdq2pd xmm, xmm/m64 */
        src_xmm(x, &s, 8);
        fp_op(env, SSE_CVTDQ2PD, xd, &s, FMT_NONE);
        break;
    case K(3, 0xe6):
        src_xmm(x, &s, 16);
        fp_op(env, SSE_CVTPD2DQ, xd, &s, FMT_NONE);
        break;

    /* -- groups -- */
    case K(0, 0x71):
    case K(0, 0x72):
    case K(0, 0x73):
    case K(1, 0x71):
    case K(1, 0x72):
    case K(1, 0x73):
        do_shift_imm(x);
        break;
    case K(0, 0xae):
        do_group15(x);
        break;

    default:
        if ((x->opc >= 0x60 && x->opc <= 0x76) ||
            (x->opc >= 0xd1 && x->opc <= 0xfe)) {
            do_int_op(x);
            break;
        }
        raise_ud(x);
    }
}

void helper_sse(CPUX86State *env, uint8_t prefix, uint8_t opc, uint8_t modrm,
                uint32_t ea, uint8_t imm8)
{
    SSEInsn x = {
        .env = env,
        .pfx = prefix_index(prefix),
        .opc = opc,
        .reg = (modrm >> 3) & 7,
        .rm = modrm & 7,
        .mem = (modrm >> 6) != 3,
        .ea = ea,
        .imm = imm8,
    };

    x.flags = sse_table[opc][x.pfx];
    if (!(x.flags & F_OK) || (x.mem && (x.flags & F_REG)) ||
        (!x.mem && (x.flags & F_MEM))) {
        raise_ud(&x);
    }
    /* vol. 3, 2.5 and 13.1: order #UD before #NM. */
    if (x.flags & (F_MMX | F_SSE)) {
        if ((env->cr[0] & CR0_EM_MASK) ||
            ((x.flags & F_SSE) && !(env->cr[4] & CR4_OSFXSR_MASK))) {
            raise_ud(&x);
        }
        if (env->cr[0] & CR0_TS_MASK) {
            sse_raise(env, EXCP07_PREX, 0);
        }
    }
    /* Instructions with an MMX register operand first deliver a pending
     * x87 exception (#MF), vol. 3, table 22-7 (x87 helper's check). */
    bool mm_operand = (x.flags & F_MMX) ||
                      (x.pfx < 2 && ((opc == 0x2a && !x.mem) || opc == 0x2c ||
                                     opc == 0x2d)) ||
                      (opc == 0xd6 && x.pfx >= 2);
    if (mm_operand) {
        const X87MemOps ops = {
            .ld = sse_hooks.ld,
            .st = sse_hooks.st,
            .raise = sse_hooks.raise,
        };
        x87_fwait(env, &ops);
    }
    sse_exec(&x);
    /* Any MMX instruction puts the x87 unit in MMX state (vol. 1, 9.5.1). */
    if (x.mmx || (x.flags & F_MMX)) {
        env->fpstt = 0;
        memset(env->fptags, 0, sizeof(env->fptags));
    }
}
