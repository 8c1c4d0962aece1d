/*
 * Private interface between sse-helper.c and sse-host.c: the guest's SSE
 * floating-point operations executed by the host's SSE unit.
 */
#ifndef TARGET_I386_SSE_INTERNAL_H
#define TARGET_I386_SSE_INTERNAL_H

#include "target-i386/sse-helper.h"

#if !defined(__x86_64__) && !defined(__i386__)
#error "SSE emulation executes guest SSE arithmetic on the host: x86 host only"
#endif

/*
 * Two-operand operations "op xmm_s, xmm_d" in the SDM's meaning: d is the
 * destination (and first source), s the second source.  Scalar forms keep
 * the upper lanes of d, as the instruction does.
 */
enum {
    SSE_ADDPS,
    SSE_ADDPD,
    SSE_ADDSS,
    SSE_ADDSD,
    SSE_SUBPS,
    SSE_SUBPD,
    SSE_SUBSS,
    SSE_SUBSD,
    SSE_MULPS,
    SSE_MULPD,
    SSE_MULSS,
    SSE_MULSD,
    SSE_DIVPS,
    SSE_DIVPD,
    SSE_DIVSS,
    SSE_DIVSD,
    SSE_MINPS,
    SSE_MINPD,
    SSE_MINSS,
    SSE_MINSD,
    SSE_MAXPS,
    SSE_MAXPD,
    SSE_MAXSS,
    SSE_MAXSD,
    SSE_SQRTPS,
    SSE_SQRTPD,
    SSE_SQRTSS,
    SSE_SQRTSD,
    SSE_RCPPS,
    SSE_RCPSS,
    SSE_RSQRTPS,
    SSE_RSQRTSS,
    SSE_CVTPS2PD,
    SSE_CVTPD2PS,
    SSE_CVTSS2SD,
    SSE_CVTSD2SS,
    SSE_CVTDQ2PS,
    SSE_CVTPS2DQ,
    SSE_CVTTPS2DQ,
    SSE_CVTDQ2PD,
    SSE_CVTPD2DQ,
    SSE_CVTTPD2DQ,
    SSE_ADDSUBPS,
    SSE_ADDSUBPD,
    SSE_HADDPS,
    SSE_HADDPD,
    SSE_HSUBPS,
    SSE_HSUBPD,
    SSE_NB_HOST_OPS
};

/* Each returns the host MXCSR after the operation; csr is loaded before it
 * (the caller masks every exception and clears the flags). */
uint32_t sse_host_op(int op, XMMReg *d, const XMMReg *s, uint32_t csr);
/* CMPPS/CMPPD/CMPSS/CMPSD: kind 0..3 = ps, pd, ss, sd; pred is imm8 & 7. */
uint32_t sse_host_cmp(int kind, int pred, XMMReg *d, const XMMReg *s,
                      uint32_t csr);
/* COMISS/UCOMISS (dbl = 0) or COMISD/UCOMISD: *eflags gets the host
 * EFLAGS after the compare. */
uint32_t sse_host_comi(bool dbl, bool ordered, const XMMReg *a, const XMMReg *b,
                       uint32_t csr, uint32_t *eflags);
/* CVT(T)SS2SI / CVT(T)SD2SI to a 32-bit integer, or to a 64-bit one
 * (q: the REX.W forms, x86-64 hosts only). */
uint32_t sse_host_cvt2si(bool dbl, bool trunc, bool q, const XMMReg *s,
                         uint32_t csr, int64_t *out);
/* CVTSI2SS / CVTSI2SD from a 32-bit integer (or a 64-bit one, q) into d's
 * low lane. */
uint32_t sse_host_cvtsi2(bool dbl, bool q, XMMReg *d, int64_t v, uint32_t csr);

/*
 * Integer operation of the 0F 60-7F / D0-FF map (sse-int.c): d = d op s
 * on n = 8 (MMX) or 16 (XMM) bytes; the upper 8 bytes of d are zeroed for
 * n = 8.  Returns false for an opcode that is not an integer operation.
 */
bool sse_int_op(uint8_t opc, XMMReg *d, const XMMReg *s, int n);
/* The same, one function per operation: sse_int_<opc>. */
#define SSE_INT_OPS(X)                                                      \
    X(60) X(61) X(62) X(63) X(64) X(65) X(66) X(67) X(68) X(69) X(6a)       \
    X(6b) X(74) X(75) X(76) X(d1) X(d2) X(d3) X(d4) X(d5) X(d8) X(d9)       \
    X(da) X(db) X(dc) X(dd) X(de) X(df) X(e0) X(e1) X(e2) X(e3) X(e4)       \
    X(e5) X(e8) X(e9) X(ea) X(eb) X(ec) X(ed) X(ee) X(ef) X(f1) X(f2)       \
    X(f3) X(f4) X(f5) X(f6) X(f8) X(f9) X(fa) X(fb) X(fc) X(fd) X(fe)
typedef bool SSEIntFn(XMMReg *d, const XMMReg *s, int n);
#define SSE_INT_DECL(o) SSEIntFn sse_int_##o;
SSE_INT_OPS(SSE_INT_DECL)
#undef SSE_INT_DECL
/* PSLLDQ (left) / PSRLDQ by count bytes; counts above 15 clear d. */
void sse_shift_bytes(XMMReg *d, bool left, unsigned count);

/*
 * Between the decoder (sse-decode.c, run at translation time) and the
 * operations (sse-helper.c): the opcode table's class flags, the list of
 * operations, and what the decoder puts in SSEDecoded.info.
 */
enum {
    SF_OK = 1 << 0,
    SF_IMM = 1 << 1,
    SF_MMX = 1 << 2,  /* MMX class: CR0.EM -> #UD, CR0.TS -> #NM */
    SF_SSE = 1 << 3,  /* SSE class: also CR4.OSFXSR=0 -> #UD */
    SF_REG = 1 << 4,  /* register form only (memory form is #UD) */
    SF_MEM = 1 << 5,  /* memory form only */
    SF_UNAL = 1 << 6, /* 16-byte memory operand need not be aligned */
};

/* The operations, one op_<name> each in sse-helper.c (op_<prefix
 * index>_<opc> after the first form it serves); the integer map's are
 * op_i_<opc>. */
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

/* SSEDecoded.info.  reg and rm are 4 bits: REX.R / REX.B extend them to
 * XMM8-15 and R8-R15; an MMX register operand uses the low 3 bits only
 * (REX.R/B are ignored for MMi, SDM vol. 2, 2.2.1). */
#define SI_REG(i)      ((i)&15)
#define SI_RM(i)       (((i) >> 4) & 15)
#define SI_MEM         (1u << 8)
#define SI_PFX_SHIFT   9          /* prefix index, 2 bits */
#define SI_FLAGS_SHIFT 11         /* sse_table flags, 7 bits */
#define SI_MM_OPERAND  (1u << 18) /* an MMX register operand: #MF */
#define SI_SEG_SHIFT   19         /* the memory operand's segment */
#define SI_SEG_CHECK   (1u << 22) /* ... whose accesses are checked */
#define SI_WHOLE_512   (1u << 23) /* FXSAVE/FXRSTOR: check 512 bytes */
#define SI_WHOLE_4     (1u << 24) /* LDMXCSR/STMXCSR: 4 bytes */
#define SI_WHOLE_WRITE (1u << 25)
#define SI_REXW        (1u << 26) /* REX.W: 64-bit GPR/memory forms */

/* The translator's entry point of each operation, by SSE_<name>. */
extern SSEHelper *const sse_helpers[];

#endif
