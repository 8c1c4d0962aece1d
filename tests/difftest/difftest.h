/*
 * Differential tester, shared between the generator/comparator (linked
 * into build/tests/test-difftest) and the native runner (a 64-bit
 * program, build/difftest-native64): the wire format of a test case and of
 * its result, the guest memory layout and the deterministic page fill.
 *
 * Both sides map the same linear addresses, all below 4 GiB: the code page
 * at DT_CODE, a data page at DT_DATA and a stack page at DT_STACK.  Data
 * and stack pages are filled from case->seed (dt_fill) and then patched; a
 * result carries the final registers, EFLAGS, the end EIP and the bytes of
 * the two pages that differ from that initial image.
 *
 * A case carries its code twice: code[] is the 32-bit protected-mode
 * encoding the translator runs, code64[] the same instructions encoded for
 * 64-bit mode (tests/difftest/gen.c says what is re-encoded), and ins32[] /
 * ins64[] the offsets of the instruction boundaries in each (the last one
 * is the end), so that the native runner can report EIP in code[] terms.
 *
 * Only fixed-width fields, so the layout is fixed.
 */
#ifndef TESTS_DIFFTEST_DIFFTEST_H
#define TESTS_DIFFTEST_DIFFTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define DT_CODE 0x00110000u
#define DT_DATA 0x00120000u
#define DT_STACK 0x00130000u
#define DT_PAGE 4096u
#define DT_MAX_CODE 48
#define DT_MAX_CODE64 80
#define DT_MAX_INS 24
#define DT_MAX_PATCH 12
#define DT_MAX_DIFF (2 * DT_PAGE)
#define DT_MAGIC 0x44694654u     /* "TFiD" */
#define DT_HELLO 0x6f6c6548u     /* "Helo": the native runner is up */

/* Register order: the x86 encoding order. */
enum { DT_EAX, DT_ECX, DT_EDX, DT_EBX, DT_ESP, DT_EBP, DT_ESI, DT_EDI };

/* Flag bits the tester sets and compares. */
#define DT_CF 0x0001u
#define DT_PF 0x0004u
#define DT_AF 0x0010u
#define DT_ZF 0x0040u
#define DT_SF 0x0080u
#define DT_DF 0x0400u
#define DT_OF 0x0800u
#define DT_ARITH (DT_CF | DT_PF | DT_AF | DT_ZF | DT_SF | DT_OF)

/*
 * vector: -1 normal end, 0..31 exception, DT_TIMEOUT runaway.  The native
 * runner reports DT_WIDE when a register's upper 32 bits are not zero at
 * the end (every register starts zero-extended, and no instruction that
 * the generator emits may touch them: a non-zero upper half means a 64-bit
 * operation slipped into code64, an encoding artefact).
 */
#define DT_END (-1)
#define DT_TIMEOUT 0x100
#define DT_WIDE 0x101

typedef struct DTPatch {
    uint16_t off;            /* from DT_DATA; DT_PAGE.. is the stack page */
    uint8_t len;             /* 1, 2 or 4 */
    uint8_t pad;
    uint32_t val;
} DTPatch;

typedef struct DTCase {
    uint32_t magic;
    uint32_t regs[8];
    uint32_t eflags;         /* DT_ARITH | DT_DF bits only */
    uint32_t seed;           /* page fill; bits 28-31 pick the fill mode */
    uint8_t code_len;
    uint8_t npatch;
    uint8_t code64_len;
    uint8_t nins;            /* boundaries in ins32/ins64, the end included */
    DTPatch patch[DT_MAX_PATCH];
    uint8_t code[DT_MAX_CODE];
    uint8_t code64[DT_MAX_CODE64];
    uint8_t ins32[DT_MAX_INS];
    uint8_t ins64[DT_MAX_INS];
} DTCase;

typedef struct DTDiff {
    uint16_t off;            /* 0..2*DT_PAGE-1: data page then stack page */
    uint8_t val;
    uint8_t pad;
} DTDiff;

/*
 * x87, MMX and SSE state at the end, as FXSAVE has it: both sides start
 * from the FNINIT state with MXCSR 0x1F80 and XMM0-7 zero.  Not part of
 * it: FOP and the instruction and operand pointers (their offsets differ
 * between code[] and code64[]).
 */
typedef struct DTFpReg {
    uint64_t mant;
    uint16_t exp;            /* sign and exponent */
    uint16_t pad[3];
} DTFpReg;

typedef struct DTFpu {
    uint16_t fcw, fsw;       /* FSW with TOP */
    uint8_t ftw;             /* abridged: bit i = physical R(i) in use */
    uint8_t pad[3];
    uint32_t mxcsr;
    DTFpReg st[8];           /* ST(i), i.e. R((TOP + i) & 7) */
    uint32_t xmm[8][4];
} DTFpu;

typedef struct DTResult {
    uint32_t magic;
    uint32_t regs[8];
    uint32_t eflags;
    uint32_t eip;            /* offset from DT_CODE, in code[] terms */
    int32_t vector;
    uint32_t ndiff;          /* DTDiff entries that follow on the wire */
    DTFpu fpu;
} DTResult;

/*
 * Fill modes (seed >> 28): 0-7 random bytes, 8-11 a 64-byte period (string
 * compares find long equal runs), 12-13 bytes from {0, 0xff}, 14-15 zero.
 */
static inline void dt_fill(uint8_t *pages, uint32_t seed)
{
    uint32_t x = seed | 1, mode = seed >> 28;
    for (uint32_t i = 0; i < 2 * DT_PAGE; i++) {
        uint8_t b;
        if (mode >= 14) {
            b = 0;
        } else if (mode >= 8 && mode < 12 && i >= 64) {
            b = pages[i & 63];
        } else {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            b = mode >= 12 ? ((x >> 7) & 1 ? 0xff : 0) : (uint8_t)(x >> 11);
        }
        pages[i] = b;
    }
}

/* The initial image of the two pages: fill, then the patches. */
static inline void dt_initial_pages(const DTCase *c, uint8_t *pages)
{
    dt_fill(pages, c->seed);
    for (int i = 0; i < c->npatch && i < DT_MAX_PATCH; i++) {
        const DTPatch *p = &c->patch[i];
        for (int k = 0; k < p->len && p->off + k < (int)(2 * DT_PAGE); k++) {
            pages[p->off + k] = (uint8_t)(p->val >> (8 * k));
        }
    }
}

/* Diff list of final against initial; returns the count. */
static inline uint32_t dt_diff_pages(const uint8_t *init, const uint8_t *fin,
                                     DTDiff *out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < 2 * DT_PAGE; i++) {
        if (init[i] != fin[i]) {
            out[n].off = (uint16_t)i;
            out[n].val = fin[i];
            out[n].pad = 0;
            n++;
        }
    }
    return n;
}

/*
 * 64-bit mode (tests/difftest/gen64.c, emu-run64.c, test-difftest64.c):
 * cases that are 64-bit code as they are, run by the native runner
 * started with "-64" and by the translator in a flat long-mode guest
 * (-cpu qemu64).  Same pages and addresses; all sixteen GPRs at 64 bits,
 * RIP (an offset from DT_CODE: the code is at the same address on both
 * sides, so RIP-relative operands reach the same bytes), RFLAGS, the
 * pages, and the x87/SSE state with XMM0-15.  The native runner's hello
 * is the DTResult above in both modes.
 */
#define DT_MAGIC64 0x34365444u   /* "DT64" */
#define DT64_MAX_CODE 96
#define DT64_MAX_PATCH 24

typedef struct DTCase64 {
    uint32_t magic;              /* DT_MAGIC64 */
    uint32_t eflags;             /* DT_ARITH | DT_DF bits only */
    uint32_t seed;               /* page fill, as DTCase */
    uint8_t code_len;
    uint8_t npatch;
    uint8_t nins;                /* boundaries in ins[], the end included */
    uint8_t pad;
    uint64_t regs[16];           /* RAX RCX RDX RBX RSP RBP RSI RDI R8-R15 */
    DTPatch patch[DT64_MAX_PATCH];
    uint8_t code[DT64_MAX_CODE];
    uint8_t ins[DT_MAX_INS];
} DTCase64;

typedef struct DTFpu64 {
    uint16_t fcw, fsw;
    uint8_t ftw;
    uint8_t pad[3];
    uint32_t mxcsr;
    DTFpReg st[8];
    uint32_t xmm[16][4];
} DTFpu64;

typedef struct DTResult64 {
    uint32_t magic;              /* DT_MAGIC64 */
    int32_t vector;              /* as DTResult (no DT_WIDE) */
    uint64_t regs[16];
    uint64_t rip;                /* offset from DT_CODE */
    uint32_t eflags;
    uint32_t ndiff;              /* DTDiff entries that follow */
    DTFpu64 fpu;
} DTResult64;

/* The initial image of the two pages of a 64-bit case. */
static inline void dt_initial_pages64(const DTCase64 *c, uint8_t *pages)
{
    dt_fill(pages, c->seed);
    for (int i = 0; i < c->npatch && i < DT64_MAX_PATCH; i++) {
        const DTPatch *p = &c->patch[i];
        for (int k = 0; k < p->len && p->off + k < (int)(2 * DT_PAGE); k++) {
            pages[p->off + k] = (uint8_t)(p->val >> (8 * k));
        }
    }
}

#endif
