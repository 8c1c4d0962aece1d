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
#include "target-i386/helper.h"

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
    uint8_t sel;  /* decoded selector of a group: see sse_decode */
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
 * from the base (sse_decode, for op_0_51's selector). */
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
 * (66).  The MMX PUNPCKL* read only 32 bits of memory.  Inlined into one
 * function per operation (op_i_<opc>), with opc and fn constant. */
static inline __attribute__((always_inline)) void
do_int_op(SSEInsn *x, uint8_t opc, SSEIntFn *fn)
{
    XMMReg d, s;

    if (x->pfx == 0) {
        bool low = opc >= 0x60 && opc <= 0x62;
        src_mm(x, &s, low ? 4 : 8);
        memset(&d, 0, sizeof(d));
        d.q[0] = mm_get(x->env, x->reg);
        fn(&d, &s, 8);
        mm_set(x, x->reg, d.q[0]);
    } else {
        src_xmm(x, &s, 16);
        d = x->env->xmm[x->reg];
        fn(&d, &s, 16);
        x->env->xmm[x->reg] = d;
    }
}

/* 0F 71/72/73: shifts by immediate, ModRM.reg selects the operation:
 * the integer-map opcode of the same shift by a register, 1 PSRLDQ,
 * 2 PSLLDQ, 0 none (sse_decode puts it in x->sel). */
static const uint8_t shift_imm_ops[3][8] = {
    /* reg:  0  1  2     3  4     5  6     7 */
    [0] = {0, 0, 0xd1, 0, 0xe1, 0, 0xf1, 0},
    [1] = {0, 0, 0xd2, 0, 0xe2, 0, 0xf2, 0},
    [2] = {0, 0, 0xd3, 1, 0, 0, 0xf3, 2},
};

static void do_shift_imm(SSEInsn *x)
{
    uint8_t op = x->sel;
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

/*
 * ---- the operations ----
 *
 * One function per instruction or per small group, named after the first
 * (prefix, opcode) it serves (op_<prefix index>_<opc>); sse_decode() picks
 * one at translation time.  The groups that share a function tell their
 * members apart by x->pfx or x->opc (the lane format, the integer
 * operation), which come decoded with the operands.
 */
typedef void SSEOpFn(SSEInsn *x);

/* 10 66 10 28 66 28 F3 6F 66 6F F2 F0 */
static void op_0_10(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    *xd = s;
}

/* 11 66 11 29 66 29 2B 66 2B 66 7F F3 7F 66 E7 */
static void op_0_11(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    if (x->mem) {
        mem_write(x, xd, 16);
    } else {
        env->xmm[x->rm] = *xd;
    }
}

/* F3 10: movss */
static void op_2_10(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    if (x->mem) {
        mem_read(x, xd, 4);
    } else {
        xd->l[0] = env->xmm[x->rm].l[0];
    }
}

/* F2 10: movsd */
static void op_3_10(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    if (x->mem) {
        mem_read(x, xd, 8);
    } else {
        xd->q[0] = env->xmm[x->rm].q[0];
    }
}

/* F3 11 */
static void op_2_11(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    if (x->mem) {
        mem_write(x, xd, 4);
    } else {
        env->xmm[x->rm].l[0] = xd->l[0];
    }
}

/* F2 11 */
static void op_3_11(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    if (x->mem) {
        mem_write(x, xd, 8);
    } else {
        env->xmm[x->rm].q[0] = xd->q[0];
    }
}

/* 12 66 12: movlps / movhlps movlpd */
static void op_0_12(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 8);
    xd->q[0] = x->mem ? s.q[0] : s.q[1];
}

/* 16 66 16: movhps / movlhps movhpd */
static void op_0_16(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 8);
    xd->q[1] = s.q[0];
}

/* 13 66 13 */
static void op_0_13(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    mem_write(x, xd, 8);
}

/* 17 66 17 */
static void op_0_17(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    s.q[0] = xd->q[1];
    mem_write(x, &s, 8);
}

/* F2 12: movddup */
static void op_3_12(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 8);
    xd->q[0] = xd->q[1] = s.q[0];
}

/* F3 12: movsldup */
static void op_2_12(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    xd->l[0] = xd->l[1] = s.l[0];
    xd->l[2] = xd->l[3] = s.l[2];
}

/* F3 16: movshdup */
static void op_2_16(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    xd->l[0] = xd->l[1] = s.l[1];
    xd->l[2] = xd->l[3] = s.l[3];
}

/* 14: unpcklps */
static void op_0_14(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s, r;
    src_xmm(x, &s, 16);
    r.l[0] = xd->l[0];
    r.l[1] = s.l[0];
    r.l[2] = xd->l[1];
    r.l[3] = s.l[1];
    *xd = r;
}

/* 15: unpckhps */
static void op_0_15(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s, r;
    src_xmm(x, &s, 16);
    r.l[0] = xd->l[2];
    r.l[1] = s.l[2];
    r.l[2] = xd->l[3];
    r.l[3] = s.l[3];
    *xd = r;
}

/* 66 14 66 6C: unpcklpd punpcklqdq */
static void op_1_14(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    xd->q[1] = s.q[0];
}

/* 66 15 66 6D: unpckhpd punpckhqdq */
static void op_1_15(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    xd->q[0] = xd->q[1];
    xd->q[1] = s.q[1];
}

/* 18 66 18 F3 18 F2 18 */
static void op_0_18(SSEInsn *x)
{
    /* PREFETCHh and the reserved hint NOPs: no cache to warm. */
}

/* 6E: movd mm, r/m32 */
static void op_0_6e(SSEInsn *x)
{
    CPUX86State *env = x->env;
    mm_set(x, x->reg,
           x->mem ? sse_hooks.ld(env, x->ea, 4) : gpr_get(env, x->rm));
}

/* 66 6E: movd xmm, r/m32 */
static void op_1_6e(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    memset(&s, 0, sizeof(s));
    s.l[0] = x->mem ? sse_hooks.ld(env, x->ea, 4) : gpr_get(env, x->rm);
    *xd = s;
}

/* 7E: movd r/m32, mm */
static void op_0_7e(SSEInsn *x)
{
    CPUX86State *env = x->env;
    if (x->mem) {
        sse_hooks.st(env, x->ea, 4, (uint32_t)mm_get(env, x->reg));
    } else {
        gpr_set(env, x->rm, (uint32_t)mm_get(env, x->reg));
    }
    x->mmx = true;
}

/* 66 7E: movd r/m32, xmm */
static void op_1_7e(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    if (x->mem) {
        sse_hooks.st(env, x->ea, 4, xd->l[0]);
    } else {
        gpr_set(env, x->rm, xd->l[0]);
    }
}

/* F3 7E: movq xmm, xmm/m64 */
static void op_2_7e(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 8);
    xd->q[0] = s.q[0];
    xd->q[1] = 0;
}

/* 66 D6: movq xmm/m64, xmm */
static void op_1_d6(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    if (x->mem) {
        mem_write(x, xd, 8);
    } else {
        env->xmm[x->rm].q[0] = xd->q[0];
        env->xmm[x->rm].q[1] = 0;
    }
}

/* 6F: movq mm, mm/m64 */
static void op_0_6f(SSEInsn *x)
{
    XMMReg s;
    src_mm(x, &s, 8);
    mm_set(x, x->reg, s.q[0]);
}

/* 7F E7: movq mm/m64, mm movntq */
static void op_0_7f(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg s;
    if (x->mem) {
        s.q[0] = mm_get(env, x->reg);
        mem_write(x, &s, 8);
        x->mmx = true;
    } else {
        mm_set(x, x->rm, mm_get(env, x->reg));
    }
}

/* F3 D6: movq2dq xmm, mm */
static void op_2_d6(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    xd->q[0] = mm_get(env, x->rm);
    xd->q[1] = 0;
    x->mmx = true;
}

/* F2 D6: movdq2q mm, xmm */
static void op_3_d6(SSEInsn *x)
{
    CPUX86State *env = x->env;
    mm_set(x, x->reg, env->xmm[x->rm].q[0]);
}

/* C3: movnti m32, r32 */
static void op_0_c3(SSEInsn *x)
{
    CPUX86State *env = x->env;
    sse_hooks.st(env, x->ea, 4, gpr_get(env, x->reg));
}

/* 50: movmskps */
static void op_0_50(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg s;
    s = env->xmm[x->rm];
    gpr_set(env, x->reg,
            (s.l[0] >> 31) | (s.l[1] >> 31) << 1 | (s.l[2] >> 31) << 2 |
                (s.l[3] >> 31) << 3);
}

/* 66 50: movmskpd */
static void op_1_50(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg s;
    s = env->xmm[x->rm];
    gpr_set(env, x->reg, (uint32_t)(s.q[0] >> 63 | (s.q[1] >> 63) << 1));
}

/* D7 66 D7: pmovmskb r32, mm pmovmskb r32, xmm */
static void op_0_d7(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg s;
    int p = x->pfx;
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
}

/* F7 66 F7: maskmovq maskmovdqu */
static void op_0_f7(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    int p = x->pfx;
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
}

/* 70: pshufw */
static void op_0_70(SSEInsn *x)
{
    XMMReg s;
    uint64_t v, res = 0;
    src_mm(x, &s, 8);
    v = s.q[0];
    for (int i = 0; i < 4; i++) {
        res |= ((v >> (16 * ((x->imm >> (2 * i)) & 3))) & 0xffff)
               << (16 * i);
    }
    mm_set(x, x->reg, res);
}

/* 66 70: pshufd */
static void op_1_70(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s, r;
    src_xmm(x, &s, 16);
    for (int i = 0; i < 4; i++) {
        r.l[i] = s.l[(x->imm >> (2 * i)) & 3];
    }
    *xd = r;
}

/* F3 70: pshufhw */
static void op_2_70(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s, r;
    src_xmm(x, &s, 16);
    r = s;
    for (int i = 0; i < 4; i++) {
        r.w[4 + i] = s.w[4 + ((x->imm >> (2 * i)) & 3)];
    }
    *xd = r;
}

/* F2 70: pshuflw */
static void op_3_70(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s, r;
    src_xmm(x, &s, 16);
    r = s;
    for (int i = 0; i < 4; i++) {
        r.w[i] = s.w[(x->imm >> (2 * i)) & 3];
    }
    *xd = r;
}

/* C6: shufps */
static void op_0_c6(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s, r;
    src_xmm(x, &s, 16);
    r.l[0] = xd->l[x->imm & 3];
    r.l[1] = xd->l[(x->imm >> 2) & 3];
    r.l[2] = s.l[(x->imm >> 4) & 3];
    r.l[3] = s.l[(x->imm >> 6) & 3];
    *xd = r;
}

/* 66 C6: shufpd */
static void op_1_c6(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s, r;
    src_xmm(x, &s, 16);
    r.q[0] = xd->q[x->imm & 1];
    r.q[1] = s.q[(x->imm >> 1) & 1];
    *xd = r;
}

/* C4: pinsrw mm, r32/m16, imm8 */
static void op_0_c4(SSEInsn *x)
{
    CPUX86State *env = x->env;
    uint16_t w = x->mem ? sse_hooks.ld(env, x->ea, 2) : gpr_get(env, x->rm);
    int sh = 16 * (x->imm & 3);
    uint64_t v = mm_get(env, x->reg);
    mm_set(x, x->reg, (v & ~(0xffffull << sh)) | (uint64_t)w << sh);
}

/* 66 C4: pinsrw xmm, r32/m16, imm8 */
static void op_1_c4(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    xd->w[x->imm & 7] =
        x->mem ? sse_hooks.ld(env, x->ea, 2) : gpr_get(env, x->rm);
}

/* C5: pextrw r32, mm, imm8 */
static void op_0_c5(SSEInsn *x)
{
    CPUX86State *env = x->env;
    gpr_set(env, x->reg,
            (mm_get(env, x->rm) >> (16 * (x->imm & 3))) & 0xffff);
    x->mmx = true;
}

/* 66 C5 */
static void op_1_c5(SSEInsn *x)
{
    CPUX86State *env = x->env;
    gpr_set(env, x->reg, env->xmm[x->rm].w[x->imm & 7]);
}

/* 54 66 54 */
static void op_0_54(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    xd->q[0] &= s.q[0];
    xd->q[1] &= s.q[1];
}

/* 55 66 55 */
static void op_0_55(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    xd->q[0] = ~xd->q[0] & s.q[0];
    xd->q[1] = ~xd->q[1] & s.q[1];
}

/* 56 66 56 */
static void op_0_56(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    xd->q[0] |= s.q[0];
    xd->q[1] |= s.q[1];
}

/* 57 66 57 */
static void op_0_57(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    xd->q[0] ^= s.q[0];
    xd->q[1] ^= s.q[1];
}

/* 51 58 59 5C 5D 5E 5F with any prefix: SQRT ADD MUL SUB MIN DIV MAX
 * (ps pd ss sd), sel = the operation */
static void op_0_51(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    int p = x->pfx;
    /* enum order is ps pd ss sd; prefix order is none 66 F3 F2 */
    static const int fmt[4] = {FMT_PS, FMT_PD, FMT_SS, FMT_SD};
    static const int size[4] = {16, 16, 4, 8};
    src_xmm(x, &s, size[p]);
    /* sel: the operation, 0x80 if a result may be tiny */
    fp_op(env, (x->sel & 0x7f) + p, xd, &s,
          (x->sel & 0x80) ? fmt[p] : FMT_NONE);
}

/* 52 */
static void op_0_52(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    fp_op(env, SSE_RSQRTPS, xd, &s, FMT_NONE);
}

/* F3 52 */
static void op_2_52(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 4);
    fp_op(env, SSE_RSQRTSS, xd, &s, FMT_NONE);
}

/* 53 */
static void op_0_53(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    fp_op(env, SSE_RCPPS, xd, &s, FMT_NONE);
}

/* F3 53 */
static void op_2_53(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 4);
    fp_op(env, SSE_RCPSS, xd, &s, FMT_NONE);
}

/* 66 D0 */
static void op_1_d0(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    fp_op(env, SSE_ADDSUBPD, xd, &s, FMT_PD);
}

/* F2 D0 */
static void op_3_d0(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    fp_op(env, SSE_ADDSUBPS, xd, &s, FMT_PS);
}

/* 66 7C */
static void op_1_7c(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    fp_op(env, SSE_HADDPD, xd, &s, FMT_PD);
}

/* F2 7C */
static void op_3_7c(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    fp_op(env, SSE_HADDPS, xd, &s, FMT_PS);
}

/* 66 7D */
static void op_1_7d(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    fp_op(env, SSE_HSUBPD, xd, &s, FMT_PD);
}

/* F2 7D */
static void op_3_7d(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    fp_op(env, SSE_HSUBPS, xd, &s, FMT_PS);
}

/* C2 66 C2 F3 C2 F2 C2 */
static void op_0_c2(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s, r;
    int p = x->pfx;
    uint32_t host;
    static const int kind[4] = {0, 1, 2, 3};
    static const int size[4] = {16, 16, 4, 8};
    src_xmm(x, &s, size[p]);
    r = *xd;
    host = sse_host_cmp(kind[p], x->imm & 7, &r, &s, host_csr(env));
    fp_flags(env, host, &r, FMT_NONE);
    *xd = r;
}

/* 2E 2F 66 2E 66 2F */
static void op_0_2e(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    int p = x->pfx;
    uint32_t host, efl;
    src_xmm(x, &s, p ? 8 : 4);
    host = sse_host_comi(p, x->opc == 0x2f, xd, &s, host_csr(env), &efl);
    fp_flags(env, host, xd, FMT_NONE);
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = efl & (CC_Z | CC_P | CC_C);
}

/* 2A: cvtpi2ps xmm, mm/m64 */
static void op_0_2a(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s, r;
    uint32_t host;
    src_mm(x, &s, 8);
    memset(&r, 0, sizeof(r));
    s.q[1] = 0;
    host = sse_host_op(SSE_CVTDQ2PS, &r, &s, host_csr(env));
    fp_flags(env, host, &r, FMT_NONE);
    xd->q[0] = r.q[0];
}

/* 66 2A: cvtpi2pd xmm, mm/m64 */
static void op_1_2a(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s, r;
    uint32_t host;
    src_mm(x, &s, 8);
    s.q[1] = 0;
    r = *xd;
    host = sse_host_op(SSE_CVTDQ2PD, &r, &s, host_csr(env));
    fp_flags(env, host, &r, FMT_NONE);
    *xd = r;
}

/* F3 2A F2 2A: cvtsi2ss cvtsi2sd */
static void op_2_2a(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg r;
    int p = x->pfx;
    int32_t iv;
    uint32_t host;
    iv = x->mem ? (int32_t)sse_hooks.ld(env, x->ea, 4)
                : (int32_t)gpr_get(env, x->rm);
    r = *xd;
    host = sse_host_cvtsi2(p == 3, &r, iv, host_csr(env));
    fp_flags(env, host, &r, FMT_NONE);
    *xd = r;
}

/* 2C 2D: cvttps2pi mm, xmm/m64 cvtps2pi */
static void op_0_2c(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg s, r;
    uint32_t host;
    src_xmm(x, &s, 8);
    s.q[1] = 0;
    memset(&r, 0, sizeof(r));
    host = sse_host_op(x->opc == 0x2c ? SSE_CVTTPS2DQ : SSE_CVTPS2DQ, &r,
                       &s, host_csr(env));
    fp_flags(env, host, &r, FMT_NONE);
    mm_set(x, x->reg, r.q[0]);
}

/* 66 2C 66 2D: cvttpd2pi mm, xmm/m128 cvtpd2pi */
static void op_1_2c(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg s, r;
    uint32_t host;
    src_xmm(x, &s, 16);
    memset(&r, 0, sizeof(r));
    host = sse_host_op(x->opc == 0x2c ? SSE_CVTTPD2DQ : SSE_CVTPD2DQ, &r,
                       &s, host_csr(env));
    fp_flags(env, host, &r, FMT_NONE);
    mm_set(x, x->reg, r.q[0]);
}

/* F3 2C F3 2D F2 2C F2 2D */
static void op_2_2c(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg s;
    int p = x->pfx;
    int32_t iv;
    uint32_t host;
    src_xmm(x, &s, p == 3 ? 8 : 4);
    host = sse_host_cvt2si(p == 3, x->opc == 0x2c, &s, host_csr(env), &iv);
    fp_flags(env, host, &s, FMT_NONE);
    gpr_set(env, x->reg, (uint32_t)iv);
}

/* 5A: cvtps2pd xmm, xmm/m64 */
static void op_0_5a(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 8);
    fp_op(env, SSE_CVTPS2PD, xd, &s, FMT_NONE);
}

/* 66 5A: cvtpd2ps */
static void op_1_5a(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    fp_op(env, SSE_CVTPD2PS, xd, &s, FMT_PS2);
}

/* F3 5A: cvtss2sd */
static void op_2_5a(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 4);
    fp_op(env, SSE_CVTSS2SD, xd, &s, FMT_NONE);
}

/* F2 5A: cvtsd2ss */
static void op_3_5a(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 8);
    fp_op(env, SSE_CVTSD2SS, xd, &s, FMT_SS);
}

/* 5B */
static void op_0_5b(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    fp_op(env, SSE_CVTDQ2PS, xd, &s, FMT_NONE);
}

/* 66 5B */
static void op_1_5b(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    fp_op(env, SSE_CVTPS2DQ, xd, &s, FMT_NONE);
}

/* F3 5B */
static void op_2_5b(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    fp_op(env, SSE_CVTTPS2DQ, xd, &s, FMT_NONE);
}

/* 66 E6 */
static void op_1_e6(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    fp_op(env, SSE_CVTTPD2DQ, xd, &s, FMT_NONE);
}

/* F3 E6: cvtdq2pd xmm, xmm/m64 */
static void op_2_e6(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 8);
    fp_op(env, SSE_CVTDQ2PD, xd, &s, FMT_NONE);
}

/* F2 E6 */
static void op_3_e6(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    src_xmm(x, &s, 16);
    fp_op(env, SSE_CVTPD2DQ, xd, &s, FMT_NONE);
}

/* 71 72 73 66 71 66 72 66 73 */
static void op_0_71(SSEInsn *x)
{
    do_shift_imm(x);
}

/* AE */
static void op_0_ae(SSEInsn *x)
{
    do_group15(x);
}
/* The integer map (0F 60-76, D1-FE): MMX or, with 66, XMM forms. */
#define SSE_INT_OP(o)                                                        \
    static void op_i_##o(SSEInsn *x)                                         \
    {                                                                        \
        do_int_op(x, 0x##o, sse_int_##o);                                    \
    }
SSE_INT_OPS(SSE_INT_OP)
#undef SSE_INT_OP

/* Encodings the table accepts but no operation takes (the F_REG/F_MEM
 * mismatches are refused when decoding). */
static void op_ud(SSEInsn *x)
{
    raise_ud(x);
}

/* ---- decoding, once ---- */

#define SSE_OPS(X)                                                          \
    X(0_10) X(0_11) X(2_10) X(3_10) X(2_11) X(3_11) X(0_12) X(0_16)         \
    X(0_13) X(0_17) X(3_12) X(2_12) X(2_16) X(0_14) X(0_15) X(1_14)         \
    X(1_15) X(0_18) X(0_6e) X(1_6e) X(0_7e) X(1_7e) X(2_7e) X(1_d6)         \
    X(0_6f) X(0_7f) X(2_d6) X(3_d6) X(0_c3) X(0_50) X(1_50) X(0_d7)         \
    X(0_f7) X(0_70) X(1_70) X(2_70) X(3_70) X(0_c6) X(1_c6) X(0_c4)         \
    X(1_c4) X(0_c5) X(1_c5) X(0_54) X(0_55) X(0_56) X(0_57) X(0_51)         \
    X(0_52) X(2_52) X(0_53) X(2_53) X(1_d0) X(3_d0) X(1_7c) X(3_7c)         \
    X(1_7d) X(3_7d) X(0_c2) X(0_2e) X(0_2a) X(1_2a) X(2_2a) X(0_2c)         \
    X(1_2c) X(2_2c) X(0_5a) X(1_5a) X(2_5a) X(3_5a) X(0_5b) X(1_5b)         \
    X(2_5b) X(1_e6) X(2_e6) X(3_e6) X(0_71) X(0_ae) X(ud)


enum {
    SSE_NONE,
#define SSE_OP_ENUM(name) SSE_##name,
    SSE_OPS(SSE_OP_ENUM)
#undef SSE_OP_ENUM
#define SSE_INT_ENUM(o) SSE_i_##o,
    SSE_INT_OPS(SSE_INT_ENUM)
#undef SSE_INT_ENUM
};

/* Operation of (0F opc, prefix index); 0: the integer map or #UD. */
static const uint8_t sse_op_id[256][4] = {
    [0x10][0] = SSE_0_10,
    [0x10][1] = SSE_0_10,
    [0x10][2] = SSE_2_10,
    [0x10][3] = SSE_3_10,
    [0x11][0] = SSE_0_11,
    [0x11][1] = SSE_0_11,
    [0x11][2] = SSE_2_11,
    [0x11][3] = SSE_3_11,
    [0x12][0] = SSE_0_12,
    [0x12][1] = SSE_0_12,
    [0x12][2] = SSE_2_12,
    [0x12][3] = SSE_3_12,
    [0x13][0] = SSE_0_13,
    [0x13][1] = SSE_0_13,
    [0x14][0] = SSE_0_14,
    [0x14][1] = SSE_1_14,
    [0x15][0] = SSE_0_15,
    [0x15][1] = SSE_1_15,
    [0x16][0] = SSE_0_16,
    [0x16][1] = SSE_0_16,
    [0x16][2] = SSE_2_16,
    [0x17][0] = SSE_0_17,
    [0x17][1] = SSE_0_17,
    [0x18][0] = SSE_0_18,
    [0x18][1] = SSE_0_18,
    [0x18][2] = SSE_0_18,
    [0x18][3] = SSE_0_18,
    [0x28][0] = SSE_0_10,
    [0x28][1] = SSE_0_10,
    [0x29][0] = SSE_0_11,
    [0x29][1] = SSE_0_11,
    [0x2a][0] = SSE_0_2a,
    [0x2a][1] = SSE_1_2a,
    [0x2a][2] = SSE_2_2a,
    [0x2a][3] = SSE_2_2a,
    [0x2b][0] = SSE_0_11,
    [0x2b][1] = SSE_0_11,
    [0x2c][0] = SSE_0_2c,
    [0x2c][1] = SSE_1_2c,
    [0x2c][2] = SSE_2_2c,
    [0x2c][3] = SSE_2_2c,
    [0x2d][0] = SSE_0_2c,
    [0x2d][1] = SSE_1_2c,
    [0x2d][2] = SSE_2_2c,
    [0x2d][3] = SSE_2_2c,
    [0x2e][0] = SSE_0_2e,
    [0x2e][1] = SSE_0_2e,
    [0x2f][0] = SSE_0_2e,
    [0x2f][1] = SSE_0_2e,
    [0x50][0] = SSE_0_50,
    [0x50][1] = SSE_1_50,
    [0x51][0] = SSE_0_51,
    [0x51][1] = SSE_0_51,
    [0x51][2] = SSE_0_51,
    [0x51][3] = SSE_0_51,
    [0x52][0] = SSE_0_52,
    [0x52][2] = SSE_2_52,
    [0x53][0] = SSE_0_53,
    [0x53][2] = SSE_2_53,
    [0x54][0] = SSE_0_54,
    [0x54][1] = SSE_0_54,
    [0x55][0] = SSE_0_55,
    [0x55][1] = SSE_0_55,
    [0x56][0] = SSE_0_56,
    [0x56][1] = SSE_0_56,
    [0x57][0] = SSE_0_57,
    [0x57][1] = SSE_0_57,
    [0x58][0] = SSE_0_51,
    [0x58][1] = SSE_0_51,
    [0x58][2] = SSE_0_51,
    [0x58][3] = SSE_0_51,
    [0x59][0] = SSE_0_51,
    [0x59][1] = SSE_0_51,
    [0x59][2] = SSE_0_51,
    [0x59][3] = SSE_0_51,
    [0x5a][0] = SSE_0_5a,
    [0x5a][1] = SSE_1_5a,
    [0x5a][2] = SSE_2_5a,
    [0x5a][3] = SSE_3_5a,
    [0x5b][0] = SSE_0_5b,
    [0x5b][1] = SSE_1_5b,
    [0x5b][2] = SSE_2_5b,
    [0x5c][0] = SSE_0_51,
    [0x5c][1] = SSE_0_51,
    [0x5c][2] = SSE_0_51,
    [0x5c][3] = SSE_0_51,
    [0x5d][0] = SSE_0_51,
    [0x5d][1] = SSE_0_51,
    [0x5d][2] = SSE_0_51,
    [0x5d][3] = SSE_0_51,
    [0x5e][0] = SSE_0_51,
    [0x5e][1] = SSE_0_51,
    [0x5e][2] = SSE_0_51,
    [0x5e][3] = SSE_0_51,
    [0x5f][0] = SSE_0_51,
    [0x5f][1] = SSE_0_51,
    [0x5f][2] = SSE_0_51,
    [0x5f][3] = SSE_0_51,
    [0x6c][1] = SSE_1_14,
    [0x6d][1] = SSE_1_15,
    [0x6e][0] = SSE_0_6e,
    [0x6e][1] = SSE_1_6e,
    [0x6f][0] = SSE_0_6f,
    [0x6f][1] = SSE_0_10,
    [0x6f][2] = SSE_0_10,
    [0x70][0] = SSE_0_70,
    [0x70][1] = SSE_1_70,
    [0x70][2] = SSE_2_70,
    [0x70][3] = SSE_3_70,
    [0x71][0] = SSE_0_71,
    [0x71][1] = SSE_0_71,
    [0x72][0] = SSE_0_71,
    [0x72][1] = SSE_0_71,
    [0x73][0] = SSE_0_71,
    [0x73][1] = SSE_0_71,
    [0x7c][1] = SSE_1_7c,
    [0x7c][3] = SSE_3_7c,
    [0x7d][1] = SSE_1_7d,
    [0x7d][3] = SSE_3_7d,
    [0x7e][0] = SSE_0_7e,
    [0x7e][1] = SSE_1_7e,
    [0x7e][2] = SSE_2_7e,
    [0x7f][0] = SSE_0_7f,
    [0x7f][1] = SSE_0_11,
    [0x7f][2] = SSE_0_11,
    [0xae][0] = SSE_0_ae,
    [0xc2][0] = SSE_0_c2,
    [0xc2][1] = SSE_0_c2,
    [0xc2][2] = SSE_0_c2,
    [0xc2][3] = SSE_0_c2,
    [0xc3][0] = SSE_0_c3,
    [0xc4][0] = SSE_0_c4,
    [0xc4][1] = SSE_1_c4,
    [0xc5][0] = SSE_0_c5,
    [0xc5][1] = SSE_1_c5,
    [0xc6][0] = SSE_0_c6,
    [0xc6][1] = SSE_1_c6,
    [0xd0][1] = SSE_1_d0,
    [0xd0][3] = SSE_3_d0,
    [0xd6][1] = SSE_1_d6,
    [0xd6][2] = SSE_2_d6,
    [0xd6][3] = SSE_3_d6,
    [0xd7][0] = SSE_0_d7,
    [0xd7][1] = SSE_0_d7,
    [0xe6][1] = SSE_1_e6,
    [0xe6][2] = SSE_2_e6,
    [0xe6][3] = SSE_3_e6,
    [0xe7][0] = SSE_0_7f,
    [0xe7][1] = SSE_0_11,
    [0xf0][3] = SSE_0_10,
    [0xf7][0] = SSE_0_f7,
    [0xf7][1] = SSE_0_f7,
};

static SSEOpFn *const sse_op_fns[] = {
#define SSE_OP_FN(name) [SSE_##name] = op_##name,
    SSE_OPS(SSE_OP_FN)
#undef SSE_OP_FN
#define SSE_INT_OP_FN(o) [SSE_i_##o] = op_i_##o,
    SSE_INT_OPS(SSE_INT_OP_FN)
#undef SSE_INT_OP_FN
};

/* SSEDecoded.info */
#define SI_REG(i) ((i) & 7)
#define SI_RM(i) (((i) >> 3) & 7)
#define SI_MEM (1u << 6)
#define SI_PFX_SHIFT 7                  /* prefix index, 2 bits */
#define SI_FLAGS_SHIFT 9                /* sse_table flags, 7 bits */
#define SI_MM_OPERAND (1u << 16)        /* an MMX register operand: #MF */
#define SI_SEG_SHIFT 17                 /* the memory operand's segment */
#define SI_SEG_CHECK (1u << 20)         /* ... whose accesses are checked */
#define SI_WHOLE_512 (1u << 21)         /* FXSAVE/FXRSTOR: check 512 bytes */
#define SI_WHOLE_4 (1u << 22)           /* LDMXCSR/STMXCSR: 4 bytes */
#define SI_WHOLE_WRITE (1u << 23)

/* The integer map's operations by opcode (MMX and 66 forms). */
static const uint8_t sse_int_id[256] = {
#define SSE_INT_ID(o) [0x##o] = SSE_i_##o,
    SSE_INT_OPS(SSE_INT_ID)
#undef SSE_INT_ID
};

static int decode_id(int pfx, uint8_t opc)
{
    int id = sse_op_id[opc][pfx];

    if (id) {
        return id;
    }
    if (pfx < 2 && sse_int_id[opc]) {
        return sse_int_id[opc];
    }
    return SSE_ud;
}

/* The selector of the groups that share an operation (SSEInsn.sel). */
static uint8_t decode_sel(uint8_t opc, int reg)
{
    switch (opc) {
    case 0x51: case 0x58: case 0x59: case 0x5c: case 0x5d: case 0x5e:
    case 0x5f:
        return arith_base(opc) | (arith_tiny_possible(opc) ? 0x80 : 0);
    case 0x71: case 0x72: case 0x73:
        return shift_imm_ops[opc - 0x71][reg];
    default:
        return 0;
    }
}

static SSEHelper *sse_helper_of(int id);

bool sse_decode(uint8_t prefix, uint8_t opc, uint8_t modrm, uint8_t imm8,
                int seg, SSEDecoded *d)
{
    int pfx = prefix_index(prefix);
    uint8_t flags = sse_table[opc][pfx];
    int reg = (modrm >> 3) & 7;
    bool mem = (modrm >> 6) != 3;
    uint32_t info;

    if (!(flags & F_OK) || (mem && (flags & F_REG)) ||
        (!mem && (flags & F_MEM))) {
        return false;
    }
    info = reg | (modrm & 7) << 3 | (mem ? SI_MEM : 0) |
           (uint32_t)pfx << SI_PFX_SHIFT |
           (uint32_t)(flags & 0x7f) << SI_FLAGS_SHIFT;
    /* Instructions with an MMX register operand first deliver a pending
     * x87 exception (#MF), vol. 3, table 22-7 (x87 helper's check). */
    if ((flags & F_MMX) ||
        (pfx < 2 && ((opc == 0x2a && !mem) || opc == 0x2c || opc == 0x2d)) ||
        (opc == 0xd6 && pfx >= 2)) {
        info |= SI_MM_OPERAND;
    }
    if (seg >= 0) {
        info |= SI_SEG_CHECK | (uint32_t)seg << SI_SEG_SHIFT;
        /* FXSAVE/FXRSTOR check their whole 512-byte image (they do not
         * touch all of it), LDMXCSR/STMXCSR their 4 bytes. */
        if (opc == 0xae && mem && reg <= 3) {
            info |= reg <= 1 ? SI_WHOLE_512 : SI_WHOLE_4;
            if (reg == 0 || reg == 3) {
                info |= SI_WHOLE_WRITE;
            }
        }
    }
    d->id = decode_id(pfx, opc);
    d->info = info;
    d->arg = imm8 | (uint32_t)opc << 8 | (uint32_t)decode_sel(opc, reg) << 16;
    d->helper = sse_helper_of(d->id);
    return true;
}

/* The checks every form makes before its operation, the operation, and
 * the MMX state after it. */
static inline __attribute__((always_inline)) void
sse_run(CPUX86State *env, SSEOpFn *fn, uint32_t info, uint32_t ea,
        uint32_t arg)
{
    SSEInsn x = {
        .env = env,
        .pfx = (info >> SI_PFX_SHIFT) & 3,
        .opc = arg >> 8,
        .reg = SI_REG(info),
        .rm = SI_RM(info),
        .mem = info & SI_MEM,
        .ea = ea,
        .imm = arg & 0xff,
        .sel = arg >> 16,
        .flags = (info >> SI_FLAGS_SHIFT) & 0x7f,
    };

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
    if (info & SI_MM_OPERAND) {
        const X87MemOps ops = {
            .ld = sse_hooks.ld,
            .st = sse_hooks.st,
            .raise = sse_hooks.raise,
        };
        x87_fwait(env, &ops);
    }
    fn(&x);
    /* Any MMX instruction puts the x87 unit in MMX state (vol. 1, 9.5.1). */
    if (x.mmx || (x.flags & F_MMX)) {
        env->fpstt = 0;
        memset(env->fptags, 0, sizeof(env->fptags));
    }
}

void helper_sse(CPUX86State *env, uint8_t prefix, uint8_t opc, uint8_t modrm,
                uint32_t ea, uint8_t imm8)
{
    SSEDecoded d;

    if (!sse_decode(prefix, opc, modrm, imm8, -1, &d)) {
        sse_raise(env, EXCP06_ILLOP, 0);
    }
    sse_run(env, sse_op_fns[d.id], d.info, ea, d.arg);
}

/* ---- the translator's entry points: one per operation ---- */

/*
 * Memory operands: the operations read and write guest memory through
 * sse_hooks, one piece (1, 2 or 4 bytes) at a time.  These hooks check
 * each piece against the operand's segment when that segment needs checks
 * (sse_check_seg >= 0).  A failed check leaves by longjmp, so the segment
 * is set anew by every instruction rather than restored.  The #UD/#NM/
 * alignment checks come first, as the SDM orders them, because the
 * operations make them before any access.
 */
static __thread int sse_check_seg = -1;

static uint32_t sse_ld_checked(CPUX86State *env, uint32_t linear, int size)
{
    if (sse_check_seg >= 0) {
        check_seg_range(env, sse_check_seg,
                        linear - (uint32_t)env->segs[sse_check_seg].base,
                        size, false);
    }
    return x86_ld(env, linear, size);
}

static void sse_st_checked(CPUX86State *env, uint32_t linear, int size,
                           uint32_t val)
{
    if (sse_check_seg >= 0) {
        check_seg_range(env, sse_check_seg,
                        linear - (uint32_t)env->segs[sse_check_seg].base,
                        size, true);
    }
    x86_st(env, linear, size, val);
}

static inline __attribute__((always_inline)) void
sse_tcg(CPUX86State *env, SSEOpFn *fn, uint32_t info, uint32_t ea,
        uint32_t arg)
{
    int seg = (info >> SI_SEG_SHIFT) & 7;
    bool pm = (env->hflags & HF_PE) && !(env->hflags & HF_VM);

    /* Flat segments in protected mode need no check at all. */
    sse_check_seg = -1;
    if ((info & SI_SEG_CHECK) &&
        (!pm || ((env->hflags >> (HF_SEG_SHIFT + 2 * seg)) & 3))) {
        sse_check_seg = seg;
    }
    /* The whole-image checks come after #UD/#NM. */
    if ((info & (SI_WHOLE_512 | SI_WHOLE_4)) &&
        !(env->cr[0] & (CR0_EM_MASK | CR0_TS_MASK)) &&
        ((info & SI_WHOLE_512) || (env->cr[4] & CR4_OSFXSR_MASK))) {
        check_seg_range(env, seg, ea - (uint32_t)env->segs[seg].base,
                        (info & SI_WHOLE_512) ? 512 : 4,
                        info & SI_WHOLE_WRITE);
    }
    sse_hooks.ld = sse_ld_checked;
    sse_hooks.st = sse_st_checked;
    sse_run(env, fn, info, ea, arg);
}

#define SSE_HELPER(name)                                                     \
    static void helper_sse_##name(CPUX86State *env, uint32_t info,           \
                                  uint32_t ea, uint32_t arg)                 \
    {                                                                        \
        sse_tcg(env, op_##name, info, ea, arg);                              \
    }
SSE_OPS(SSE_HELPER)
#define SSE_INT_HELPER(o) SSE_HELPER(i_##o)
SSE_INT_OPS(SSE_INT_HELPER)
#undef SSE_INT_HELPER
#undef SSE_HELPER

static SSEHelper *const sse_helpers[] = {
#define SSE_HELPER_PTR(name) [SSE_##name] = helper_sse_##name,
    SSE_OPS(SSE_HELPER_PTR)
#define SSE_INT_HELPER_PTR(o) SSE_HELPER_PTR(i_##o)
    SSE_INT_OPS(SSE_INT_HELPER_PTR)
#undef SSE_INT_HELPER_PTR
#undef SSE_HELPER_PTR
};

static SSEHelper *sse_helper_of(int id)
{
    return sse_helpers[id];
}
