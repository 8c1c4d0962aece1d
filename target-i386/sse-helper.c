/*
 * MMX, SSE, SSE2 and SSE3 operations (decoded by sse-decode.c): the
 * CR0/CR4 checks, operand fetch and write-back, one function per
 * instruction or small group, and the SIMD floating-point exception rules
 * (Intel SDM vol. 1 ch. 9-12 and 11.5; vol. 2 instruction entries).  The
 * floating-point arithmetic itself runs on the host's SSE unit (sse-host.c);
 * see sse-helper.h.
 *
 * Register numbering: MMi is the x87 physical register Ri (vol. 1, 9.5),
 * kept in env->fpregs[i].mant (REX.R/B do not reach it: i & 7); XMMi is
 * env->xmm[i], i < 16; a general register operand is the low 32 bits of
 * env->regs[i], or all 64 with REX.W; a 32-bit result is zero-extended
 * into regs[i] (vol. 1, 3.4.1.1).
 */
#include "target-i386/sse-internal.h"
#include "target-i386/fpu-helper.h"
#include "target-i386/helper.h"
#include "target-i386/mmu.h"

static uint32_t hook_ld(CPUX86State *env, uint64_t linear, int size)
{
    return x86_ld(env, linear, size);
}

static void hook_st(CPUX86State *env, uint64_t linear, int size, uint32_t val)
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

/* ---- instruction context, exceptions, operands ---- */

typedef struct SSEInsn {
    CPUX86State *env;
    int pfx; /* prefix index */
    uint8_t opc;
    int reg, rm; /* ModRM fields, with REX.R / REX.B (0-15) */
    bool mem;    /* memory form */
    bool rexw;   /* REX.W: the 64-bit GPR / m64 forms */
    uint64_t ea;
    uint64_t amask; /* linear addresses wrap at 4 GiB outside 64-bit mode */
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
    return (uint32_t)env->regs[i & 15];
}

/* A 32-bit result: the upper half of the register becomes 0. */
static void gpr_set(CPUX86State *env, int i, uint32_t v)
{
    env->regs[i & 15] = v;
}

/* The linear address of byte off of the memory operand. */
static uint64_t mem_addr(const SSEInsn *x, unsigned off)
{
    return (x->ea + off) & x->amask;
}

/* r/m32 or, with REX.W, r/m64 (sign or zero extension is the caller's). */
static uint64_t src_gpr_or_mem(SSEInsn *x, int rm)
{
    CPUX86State *env = x->env;

    if (!x->mem) {
        return x->rexw ? env->regs[rm & 15] : gpr_get(env, rm);
    }
    uint64_t v = sse_hooks.ld(env, mem_addr(x, 0), 4);
    if (x->rexw) {
        v |= (uint64_t)sse_hooks.ld(env, mem_addr(x, 4), 4) << 32;
    }
    return v;
}

/* Write r/m32 (the low half of v) or, with REX.W, r/m64. */
static void dst_gpr_or_mem(SSEInsn *x, int rm, uint64_t v)
{
    CPUX86State *env = x->env;

    if (!x->mem) {
        env->regs[rm & 15] = x->rexw ? v : (uint32_t)v;
        return;
    }
    sse_hooks.st(env, mem_addr(x, 0), 4, (uint32_t)v);
    if (x->rexw) {
        sse_hooks.st(env, mem_addr(x, 4), 4, (uint32_t)(v >> 32));
    }
}

static void check_align(SSEInsn *x, int size)
{
    if (size == 16 && !(x->flags & SF_UNAL) && (x->ea & 15)) {
        sse_raise(x->env, EXCP0D_GPF, 0);
    }
}

/* Read size (2, 4, 8 or 16) bytes at the memory operand; upper bytes 0.
 * v (often the destination register) changes only once every piece is
 * read: a fault in a later piece leaves it as it was. */
static void mem_read(SSEInsn *x, XMMReg *v, int size)
{
    XMMReg r;

    memset(&r, 0, sizeof(r));
    check_align(x, size);
    if (size == 2) {
        r.w[0] = sse_hooks.ld(x->env, x->ea, 2);
    } else {
        for (int i = 0; i < size / 4; i++) {
            r.l[i] = sse_hooks.ld(x->env, mem_addr(x, 4 * i), 4);
        }
    }
    *v = r;
}

/* A store of several pieces that crosses a page checks the whole operand
 * (segment and both pages) before the first piece is written, so a fault
 * writes nothing. */
static void mem_write(SSEInsn *x, const XMMReg *v, int size)
{
    check_align(x, size);
    if (size > 4 && sse_hooks.probe_st &&
        (mem_addr(x, 0) & 0xfff) + size > 0x1000) {
        sse_hooks.probe_st(x->env, mem_addr(x, 0), mem_addr(x, size - 1),
                           size);
    }
    for (int i = 0; i < size / 4; i++) {
        sse_hooks.st(x->env, mem_addr(x, 4 * i), 4, v->l[i]);
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

/* 0F 71/72/73: shifts by immediate; x->sel is the operation (the
 * integer-map opcode of the same shift by a register, 1 PSRLDQ, 2 PSLLDQ,
 * 0 none). */
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

    int op = x->reg & 7; /* an opcode extension: REX.R plays no part */

    if (!x->mem) {
        if (op < 5) {
            raise_ud(x);
        }
        /* LFENCE MFENCE SFENCE: one vCPU thread orders its own accesses. */
        return;
    }
    switch (op) {
    case 0:
    case 1: {
        /* The x87 helper owns the FXSAVE image; it gets our hooks. */
        const X87MemOps ops = {
            .ld = sse_hooks.ld,
            .st = sse_hooks.st,
            .raise = sse_hooks.raise,
        };
        if (op == 0) {
            x87_fxsave(env, &ops, x->ea, x->rexw);
        } else {
            x87_fxrstor(env, &ops, x->ea, x->rexw);
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
        if (op == 2) {
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

/* 6E: movd mm, r/m32 (REX.W: movq mm, r/m64) */
static void op_0_6e(SSEInsn *x)
{
    mm_set(x, x->reg, src_gpr_or_mem(x, x->rm));
}

/* 66 6E: movd xmm, r/m32 (REX.W: movq xmm, r/m64) */
static void op_1_6e(SSEInsn *x)
{
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg s;
    memset(&s, 0, sizeof(s));
    s.q[0] = src_gpr_or_mem(x, x->rm);
    *xd = s;
}

/* 7E: movd r/m32, mm (REX.W: movq r/m64, mm) */
static void op_0_7e(SSEInsn *x)
{
    dst_gpr_or_mem(x, x->rm, mm_get(x->env, x->reg));
    x->mmx = true;
}

/* 66 7E: movd r/m32, xmm (REX.W: movq r/m64, xmm) */
static void op_1_7e(SSEInsn *x)
{
    dst_gpr_or_mem(x, x->rm, x->env->xmm[x->reg].q[0]);
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

/* C3: movnti m32, r32 (REX.W: m64, r64) */
static void op_0_c3(SSEInsn *x)
{
    dst_gpr_or_mem(x, 0, x->env->regs[x->reg & 15]);
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
            sse_hooks.st(env, mem_addr(x, i), 1, v.b[i]);
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

/* F3 2A F2 2A: cvtsi2ss cvtsi2sd (REX.W: from r/m64) */
static void op_2_2a(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg *xd = &x->env->xmm[x->reg];
    XMMReg r;
    int p = x->pfx;
    uint64_t iv;
    uint32_t host;
    iv = src_gpr_or_mem(x, x->rm);
    r = *xd;
    host = sse_host_cvtsi2(p == 3, x->rexw, &r, (int64_t)iv, host_csr(env));
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

/* F3 2C F3 2D F2 2C F2 2D (REX.W: to r64) */
static void op_2_2c(SSEInsn *x)
{
    CPUX86State *env = x->env;
    XMMReg s;
    int p = x->pfx;
    int64_t iv;
    uint32_t host;
    src_xmm(x, &s, p == 3 ? 8 : 4);
    host = sse_host_cvt2si(p == 3, x->opc == 0x2c, x->rexw, &s, host_csr(env),
                           &iv);
    fp_flags(env, host, &s, FMT_NONE);
    env->regs[x->reg & 15] = x->rexw ? (uint64_t)iv : (uint32_t)iv;
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

/* Encodings the table accepts but no operation takes (the SF_REG/SF_MEM
 * mismatches are refused when decoding). */
static void op_ud(SSEInsn *x)
{
    raise_ud(x);
}

/* ---- the table of operations (sse-internal.h, sse-decode.c) ---- */

static SSEOpFn *const sse_op_fns[] = {
#define SSE_OP_FN(name) [SSE_##name] = op_##name,
    SSE_OPS(SSE_OP_FN)
#undef SSE_OP_FN
#define SSE_INT_OP_FN(o) [SSE_i_##o] = op_i_##o,
    SSE_INT_OPS(SSE_INT_OP_FN)
#undef SSE_INT_OP_FN
};

/* The checks every form makes before its operation, the operation, and
 * the MMX state after it. */
static inline __attribute__((always_inline)) void
sse_run(CPUX86State *env, SSEOpFn *fn, uint32_t info, uint64_t ea, uint32_t arg)
{
    SSEInsn x = {
        .env = env,
        .pfx = (info >> SI_PFX_SHIFT) & 3,
        .opc = arg >> 8,
        .reg = SI_REG(info),
        .rm = SI_RM(info),
        .mem = info & SI_MEM,
        .rexw = info & SI_REXW,
        .ea = ea,
        .amask = (env->hflags & HF_CS64) ? ~(uint64_t)0 : 0xffffffffu,
        .imm = arg & 0xff,
        .sel = arg >> 16,
        .flags = (info >> SI_FLAGS_SHIFT) & 0x7f,
    };

    /* vol. 3, 2.5 and 13.1: order #UD before #NM. */
    if (x.flags & (SF_MMX | SF_SSE)) {
        if ((env->cr[0] & CR0_EM_MASK) ||
            ((x.flags & SF_SSE) && !(env->cr[4] & CR4_OSFXSR_MASK))) {
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
    if (x.mmx || (x.flags & SF_MMX)) {
        env->fpstt = 0;
        memset(env->fptags, 0, sizeof(env->fptags));
    }
}

void helper_sse(CPUX86State *env, uint8_t prefix, uint8_t opc, uint8_t modrm,
                uint8_t rex, uint64_t ea, uint8_t imm8)
{
    SSEDecoded d;

    if (!sse_decode(prefix, opc, modrm, rex, imm8, -1, &d)) {
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

static uint32_t sse_ld_checked(CPUX86State *env, uint64_t linear, int size)
{
    if (sse_check_seg >= 0) {
        check_seg_range(env, sse_check_seg,
                        linear - (uint32_t)env->segs[sse_check_seg].base,
                        size, false);
    }
    return x86_ld(env, linear, size);
}

static void sse_st_checked(CPUX86State *env, uint64_t linear, int size,
                           uint32_t val)
{
    if (sse_check_seg >= 0) {
        check_seg_range(env, sse_check_seg,
                        linear - (uint32_t)env->segs[sse_check_seg].base,
                        size, true);
    }
    x86_st(env, linear, size, val);
}

static void sse_probe_checked(CPUX86State *env, uint64_t first, uint64_t last,
                              int size)
{
    if (sse_check_seg >= 0) {
        check_seg_range(env, sse_check_seg,
                        first - (uint32_t)env->segs[sse_check_seg].base,
                        size, true);
    }
    /* x86_probe_write makes a non-canonical address #GP; an SS-relative
     * operand's is #SS (the access itself would say so). */
    for (int i = 0; i < 2; i++) {
        /* The second page from its first byte: CR2 names that byte. */
        uint64_t a = i ? last & ~(uint64_t)0xfff : first;
        if ((env->hflags & HF_CS64) && !x86_is_canonical(a)) {
            x86_raise_exception_err(
                env, x86_fault_ss(env, a) ? EXCP0C_STACK : EXCP0D_GPF, 0);
        }
        x86_probe_write(env, a);
    }
}

static inline __attribute__((always_inline)) void
sse_tcg(CPUX86State *env, SSEOpFn *fn, uint32_t info, uint64_t ea, uint32_t arg)
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
    sse_hooks.probe_st = sse_probe_checked;
    sse_run(env, fn, info, ea, arg);
}

#define SSE_HELPER(name)                                           \
    static void helper_sse_##name(CPUX86State *env, uint32_t info, \
                                  uint64_t ea, uint32_t arg)       \
    {                                                              \
        sse_tcg(env, op_##name, info, ea, arg);                    \
    }
SSE_OPS(SSE_HELPER)
#define SSE_INT_HELPER(o) SSE_HELPER(i_##o)
SSE_INT_OPS(SSE_INT_HELPER)
#undef SSE_INT_HELPER
#undef SSE_HELPER

SSEHelper *const sse_helpers[] = {
#define SSE_HELPER_PTR(name) [SSE_##name] = helper_sse_##name,
    SSE_OPS(SSE_HELPER_PTR)
#define SSE_INT_HELPER_PTR(o) SSE_HELPER_PTR(i_##o)
    SSE_INT_OPS(SSE_INT_HELPER_PTR)
#undef SSE_INT_HELPER_PTR
#undef SSE_HELPER_PTR
};
