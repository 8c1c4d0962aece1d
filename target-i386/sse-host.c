/*
 * Guest SSE floating point executed by the host's SSE unit.
 *
 * Host SSE is guest SSE (both are x86): running the very instruction the
 * guest asked for gives bit-exact results, flags, NaN propagation, MIN/MAX
 * operand-order rules and the host's RCPPS/RSQRTPS approximations.  Each
 * operation is one asm block that swaps the guest's control bits into the
 * host MXCSR and back, so the compiler can neither move host floating point
 * across the switch nor let the guest's mode leak into emu's own code (GCC
 * has no FENV_ACCESS; fesetround() around C arithmetic would not be safe).
 */
#include "target-i386/sse-internal.h"

/* d = d op s, with the guest MXCSR; returns the MXCSR after the op. */
#define HOST_OP(insn, d, s, csr)                                   \
    ({                                                             \
        uint32_t saved_, out_, in_ = (csr);                        \
        __asm__ volatile(                                          \
            "stmxcsr %[sv]\n\t"                                    \
            "ldmxcsr %[in]\n\t"                                    \
            "movdqu %[dd], %%xmm0\n\t"                             \
            "movdqu %[ss], %%xmm1\n\t" insn " %%xmm1, %%xmm0\n\t"  \
            "movdqu %%xmm0, %[dd]\n\t"                             \
            "stmxcsr %[out]\n\t"                                   \
            "ldmxcsr %[sv]"                                        \
            : [dd] "+m"(*(d)), [sv] "+m"(saved_), [out] "=m"(out_) \
            : [ss] "m"(*(s)), [in] "m"(in_)                        \
            : "xmm0", "xmm1", "memory");                           \
        out_;                                                      \
    })

uint32_t sse_host_op(int op, XMMReg *d, const XMMReg *s, uint32_t csr)
{
    switch (op) {
#define C(name, insn) \
    case SSE_##name:  \
        return HOST_OP(insn, d, s, csr);
        C(ADDPS, "addps")
        C(ADDPD, "addpd") C(ADDSS, "addss") C(ADDSD, "addsd") C(
            SUBPS, "subps") C(SUBPD, "subpd") C(SUBSS, "subss")
            C(SUBSD, "subsd") C(MULPS, "mulps") C(MULPD, "mulpd") C(
                MULSS, "mulss") C(MULSD, "mulsd") C(DIVPS, "divps") C(DIVPD,
                                                                      "divpd")
                C(DIVSS, "divss") C(DIVSD, "divsd") C(MINPS, "minps") C(
                    MINPD, "minpd") C(MINSS, "minss") C(MINSD, "minsd")
                    C(MAXPS, "maxps") C(MAXPD, "maxpd") C(MAXSS, "maxss") C(
                        MAXSD, "maxsd") C(SQRTPS, "sqrtps") C(SQRTPD, "sqrtpd")
                        C(SQRTSS, "sqrtss") C(SQRTSD, "sqrtsd") C(
                            RCPPS, "rcpps") C(RCPSS, "rcpss") C(RSQRTPS,
                                                                "rsqrtps")
                            C(RSQRTSS, "rsqrtss") C(CVTPS2PD, "cvtps2pd") C(
                                CVTPD2PS, "cvtpd2ps") C(CVTSS2SD, "cvtss2sd")
                                C(CVTSD2SS, "cvtsd2ss") C(CVTDQ2PS, "cvtdq2ps")
                                    C(CVTPS2DQ, "cvtps2dq") C(CVTTPS2DQ,
                                                              "cvttps2dq")
                                        C(CVTDQ2PD, "cvtdq2pd") C(CVTPD2DQ,
                                                                  "cvtpd2dq")
                                            C(CVTTPD2DQ, "cvttpd2dq")
                                                C(ADDSUBPS, "addsubps")
                                                    C(ADDSUBPD, "addsubpd") C(
                                                        HADDPS, "haddps")
                                                        C(HADDPD, "haddpd") C(
                                                            HSUBPS, "hsubps")
                                                            C(HSUBPD, "hsubpd")
#undef C
    }
    abort();
}

#define CMP_CASES(insn)                         \
    switch (pred & 7) {                         \
    case 0:                                     \
        return HOST_OP(insn " $0,", d, s, csr); \
    case 1:                                     \
        return HOST_OP(insn " $1,", d, s, csr); \
    case 2:                                     \
        return HOST_OP(insn " $2,", d, s, csr); \
    case 3:                                     \
        return HOST_OP(insn " $3,", d, s, csr); \
    case 4:                                     \
        return HOST_OP(insn " $4,", d, s, csr); \
    case 5:                                     \
        return HOST_OP(insn " $5,", d, s, csr); \
    case 6:                                     \
        return HOST_OP(insn " $6,", d, s, csr); \
    default:                                    \
        return HOST_OP(insn " $7,", d, s, csr); \
    }

uint32_t sse_host_cmp(int kind, int pred, XMMReg *d, const XMMReg *s,
                      uint32_t csr)
{
    switch (kind) {
    case 0:
        CMP_CASES("cmpps")
    case 1:
        CMP_CASES("cmppd")
    case 2:
        CMP_CASES("cmpss")
    default:
        CMP_CASES("cmpsd")
    }
}

#define HOST_COMI(insn)                                                    \
    __asm__ volatile("stmxcsr %[sv]\n\t"                                   \
                     "ldmxcsr %[in]\n\t"                                   \
                     "movdqu %[aa], %%xmm0\n\t"                            \
                     "movdqu %[bb], %%xmm1\n\t" insn " %%xmm1, %%xmm0\n\t" \
                     "pushf\n\t"                                           \
                     "pop %[fl]\n\t"                                       \
                     "stmxcsr %[out]\n\t"                                  \
                     "ldmxcsr %[sv]"                                       \
                     : [sv] "+m"(saved), [out] "=m"(out), [fl] "=r"(fl)    \
                     : [aa] "m"(*a), [bb] "m"(*b), [in] "m"(csr)           \
                     : "xmm0", "xmm1", "cc", "memory")

uint32_t sse_host_comi(bool dbl, bool ordered, const XMMReg *a, const XMMReg *b,
                       uint32_t csr, uint32_t *eflags)
{
    uint32_t saved, out;
    unsigned long fl;

    if (dbl) {
        if (ordered) {
            HOST_COMI("comisd");
        } else {
            HOST_COMI("ucomisd");
        }
    } else {
        if (ordered) {
            HOST_COMI("comiss");
        } else {
            HOST_COMI("ucomiss");
        }
    }
    *eflags = (uint32_t)fl;
    return out;
}

#define HOST_CVT2SI(insn, res)                                           \
    __asm__ volatile("stmxcsr %[sv]\n\t"                                 \
                     "ldmxcsr %[in]\n\t"                                 \
                     "movdqu %[ss], %%xmm0\n\t" insn " %%xmm0, %[r]\n\t" \
                     "stmxcsr %[out]\n\t"                                \
                     "ldmxcsr %[sv]"                                     \
                     : [sv] "+m"(saved), [out] "=m"(out), [r] "=r"(res)  \
                     : [ss] "m"(*s), [in] "m"(csr)                       \
                     : "xmm0", "memory")

/* The REX.W forms need a 64-bit host register; emu's long-mode guests
 * need an x86-64 host anyway. */
#if defined(__x86_64__)
#define HOST_CVT2SI_Q(insn, res) HOST_CVT2SI(insn, res)
#define HOST_CVTSI2_Q(insn, val) HOST_CVTSI2(insn, val)
#else
#define HOST_CVT2SI_Q(insn, res) host_q_unsupported()
#define HOST_CVTSI2_Q(insn, val) host_q_unsupported()
static EMU_NORETURN void host_q_unsupported(void)
{
    fprintf(stderr, "emu: 64-bit SSE conversions need an x86-64 host\n");
    abort();
}
#endif

uint32_t sse_host_cvt2si(bool dbl, bool trunc, bool q, const XMMReg *s,
                         uint32_t csr, int64_t *out_val)
{
    uint32_t saved, out;
    int32_t r;
    int64_t rq = 0;

    if (q) {
        if (dbl) {
            if (trunc) {
                HOST_CVT2SI_Q("cvttsd2si", rq);
            } else {
                HOST_CVT2SI_Q("cvtsd2si", rq);
            }
        } else {
            if (trunc) {
                HOST_CVT2SI_Q("cvttss2si", rq);
            } else {
                HOST_CVT2SI_Q("cvtss2si", rq);
            }
        }
        *out_val = rq;
        return out;
    }
    if (dbl) {
        if (trunc) {
            HOST_CVT2SI("cvttsd2si", r);
        } else {
            HOST_CVT2SI("cvtsd2si", r);
        }
    } else {
        if (trunc) {
            HOST_CVT2SI("cvttss2si", r);
        } else {
            HOST_CVT2SI("cvtss2si", r);
        }
    }
    *out_val = r;
    return out;
}

#define HOST_CVTSI2(insn, val)                                           \
    __asm__ volatile("stmxcsr %[sv]\n\t"                                 \
                     "ldmxcsr %[in]\n\t"                                 \
                     "movdqu %[dd], %%xmm0\n\t" insn " %[v], %%xmm0\n\t" \
                     "movdqu %%xmm0, %[dd]\n\t"                          \
                     "stmxcsr %[out]\n\t"                                \
                     "ldmxcsr %[sv]"                                     \
                     : [dd] "+m"(*d), [sv] "+m"(saved), [out] "=m"(out)  \
                     : [v] "r"(val), [in] "m"(csr)                       \
                     : "xmm0", "memory")

uint32_t sse_host_cvtsi2(bool dbl, bool q, XMMReg *d, int64_t v, uint32_t csr)
{
    uint32_t saved, out;
    int32_t v32 = (int32_t)v;

    if (q) {
        if (dbl) {
            HOST_CVTSI2_Q("cvtsi2sdq", v);
        } else {
            HOST_CVTSI2_Q("cvtsi2ssq", v);
        }
        return out;
    }
    if (dbl) {
        HOST_CVTSI2("cvtsi2sdl", v32);
    } else {
        HOST_CVTSI2("cvtsi2ssl", v32);
    }
    return out;
}
