/*
 * MMX/SSE/SSE2/SSE3 helper tests (target-i386/sse-helper.c).
 *
 * The main test is differential: every (prefix, opcode) that
 * sse_opcode_known() accepts is assembled into a tiny code buffer
 * ("prefix 0F opc modrm [imm8] ret"), run natively on the host with random
 * and edge-case operands under random MXCSR settings, and run through
 * helper_sse() on a CPUX86State whose memory is a flat fake buffer (via
 * sse_hooks).  XMM0/1, MM0/1, EAX/ECX, the memory buffer, MXCSR, the
 * COMISS flags and the exception taken (SIGILL = #UD, SIGSEGV = #GP,
 * SIGFPE = #XM) must agree bit for bit.  Register forms use xmm0/xmm1,
 * mm0/mm1, eax/ecx (ModRM reg 0 or 1, rm 1 or 0, and reg = rm); memory
 * forms use [rsi] natively (ModRM mod 00 rm 110) and the same offset in the
 * fake memory.  Directed tests cover what the host cannot show: CR0/CR4
 * checks, MMX state transitions, FXSAVE, the decoder tables, and a few
 * known answers computed by hand.
 *
 * Long mode: the same differential loop runs every form again with REX
 * prefixes (sse_decode's rex) in 64-bit mode (HF_CS64): REX.R/REX.B
 * select xmm8/xmm9 and r8/r9 (MMX registers ignore them, natively too),
 * REX.W the 64-bit general-register and m64 forms, with 64-bit integer
 * and large double operands.  Directed tests cover the decoder's REX
 * fields, memory operands above 4 GiB and the 4 GiB wrap outside 64-bit
 * mode (through the fake memory's extra windows), and the FXSAVE64 /
 * FXRSTOR64 layouts.
 *
 * Needs an x86-64 host (the helper itself needs an x86 host).
 */
#include "tests/unit/harness.h"
#include "target-i386/sse-helper.h"

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#define GMEM_SIZE 4096

/* ---- fake guest memory and exception hook ---- */

static uint8_t gmem[GMEM_SIZE];
static sigjmp_buf helper_jb;
static int helper_vector;

/* Two more windows of fake memory: one above 4 GiB (64-bit addresses)
 * and the last page below 4 GiB (the 32-bit wrap). */
#define HI_BASE  0x0000123400000000ull
#define TOP_BASE 0xfffff000ull
static uint8_t gmem_hi[GMEM_SIZE], gmem_top[GMEM_SIZE];

static uint8_t *fake_addr(uint64_t a, int size)
{
    if (a >= HI_BASE && a - HI_BASE + size <= GMEM_SIZE) {
        return gmem_hi + (a - HI_BASE);
    }
    if (a >= TOP_BASE && a - TOP_BASE + size <= GMEM_SIZE) {
        return gmem_top + (a - TOP_BASE);
    }
    assert(a + size <= GMEM_SIZE);
    return gmem + a;
}

static uint32_t fake_ld(CPUX86State *env, uint64_t a, int size)
{
    uint32_t v = 0;
    memcpy(&v, fake_addr(a, size), size);
    return v;
}

static void fake_st(CPUX86State *env, uint64_t a, int size, uint32_t v)
{
    memcpy(fake_addr(a, size), &v, size);
}

static EMU_NORETURN void fake_raise(CPUX86State *env, int vector, int err)
{
    helper_vector = vector;
    siglongjmp(helper_jb, 1);
}

static void hooks_install(void)
{
    sse_hooks.ld = fake_ld;
    sse_hooks.st = fake_st;
    sse_hooks.raise = fake_raise;
}

/* Run helper_sse; returns -1 or the exception vector raised. */
static int run_helper_rex(CPUX86State *env, uint8_t pfx, uint8_t rex,
                          uint8_t opc, uint8_t modrm, uint64_t ea, uint8_t imm)
{
    helper_vector = -1;
    if (sigsetjmp(helper_jb, 0) == 0) {
        helper_sse(env, pfx, opc, modrm, rex, ea, imm);
    }
    return helper_vector;
}

static int run_helper(CPUX86State *env, uint8_t pfx, uint8_t opc, uint8_t modrm,
                      uint32_t ea, uint8_t imm)
{
    return run_helper_rex(env, pfx, 0, opc, modrm, ea, imm);
}

static void env_init(CPUX86State *env)
{
    /* everything but the translator's TLB, which is large */
    memset(env, 0, offsetof(CPUX86State, exit_request));
    env->cr[0] = CR0_PE_MASK | CR0_MP_MASK | CR0_NE_MASK | CR0_ET_MASK;
    env->cr[4] = CR4_OSFXSR_MASK | CR4_OSXMMEXCPT_MASK;
    env->mxcsr = 0x1f80;
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = 1;
    }
    env->fpstt = 3;
}

/* ---- native execution ---- */

typedef struct NativeState {
    XMMReg xmm[2];   /* 0, 16 */
    uint64_t mm[2];  /* 32, 40 */
    uint64_t gpr[2]; /* 48 rax, 56 rcx */
    uint32_t mxcsr;  /* 64 */
    uint32_t pad;
    uint64_t eflags;    /* 72 */
    uint64_t mem;       /* 80: [rsi] and [rdi] */
    uint64_t gpr_hi[2]; /* 88 r8, 96 r9 */
    XMMReg xmm_hi[2];   /* 104 xmm8, 120 xmm9 */
} NativeState;
_Static_assert(offsetof(NativeState, gpr_hi) == 88, "asm offsets");
_Static_assert(offsetof(NativeState, xmm_hi) == 104, "asm offsets");

static uint8_t *code_buf;
static sigjmp_buf native_jb;
static volatile int native_sig;
static volatile uint32_t native_fault_mxcsr;

static void native_handler(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    native_sig = sig;
    native_fault_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    siglongjmp(native_jb, 1);
}

/* Returns 0 or the signal the instruction raised. */
static int run_native(NativeState *st)
{
    static const uint32_t def_csr = 0x1f80;
    uint32_t host_csr = 0;

    native_sig = 0;
    if (sigsetjmp(native_jb, 1) == 0) {
        __asm__ volatile("stmxcsr %[hc]\n\t"
                         "ldmxcsr 64(%[st])\n\t"
                         "movdqu 0(%[st]), %%xmm0\n\t"
                         "movdqu 16(%[st]), %%xmm1\n\t"
                         "movq 32(%[st]), %%mm0\n\t"
                         "movq 40(%[st]), %%mm1\n\t"
                         "mov 48(%[st]), %%rax\n\t"
                         "mov 56(%[st]), %%rcx\n\t"
                         "mov 88(%[st]), %%r8\n\t"
                         "mov 96(%[st]), %%r9\n\t"
                         "movdqu 104(%[st]), %%xmm8\n\t"
                         "movdqu 120(%[st]), %%xmm9\n\t"
                         "mov 80(%[st]), %%rsi\n\t"
                         "mov %%rsi, %%rdi\n\t"
                         "sub $128, %%rsp\n\t"
                         "call *%[code]\n\t"
                         "lea 128(%%rsp), %%rsp\n\t"
                         "pushfq\n\t"
                         "pop %%rdx\n\t"
                         "mov %%rdx, 72(%[st])\n\t"
                         "stmxcsr 64(%[st])\n\t"
                         "movdqu %%xmm0, 0(%[st])\n\t"
                         "movdqu %%xmm1, 16(%[st])\n\t"
                         "movq %%mm0, 32(%[st])\n\t"
                         "movq %%mm1, 40(%[st])\n\t"
                         "emms\n\t"
                         "mov %%rax, 48(%[st])\n\t"
                         "mov %%rcx, 56(%[st])\n\t"
                         "mov %%r8, 88(%[st])\n\t"
                         "mov %%r9, 96(%[st])\n\t"
                         "movdqu %%xmm8, 104(%[st])\n\t"
                         "movdqu %%xmm9, 120(%[st])\n\t"
                         "ldmxcsr %[hc]"
                         : [hc] "+m"(host_csr)
                         : [st] "b"(st), [code] "r"(code_buf)
                         : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9",
                           "xmm0", "xmm1", "xmm8", "xmm9", "mm0", "mm1", "st",
                           "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)",
                           "st(7)", "memory", "cc");
        return 0;
    }
    /* The fault left the host's x87/MMX state and MXCSR as the
     * instruction had them. */
    __asm__ volatile("emms\n\tldmxcsr %0" : : "m"(def_csr));
    return native_sig;
}

static int sig_to_vector(int sig)
{
    switch (sig) {
    case 0:
        return -1;
    case SIGILL:
        return EXCP06_ILLOP;
    case SIGSEGV:
    case SIGBUS:
        return EXCP0D_GPF;
    case SIGFPE:
        return EXCP13_XMM;
    default:
        return 1000 + sig;
    }
}

/* ---- operand generation ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    /* xorshift64*: deterministic across runs */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static const uint32_t f32_edge[] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, /* zeros, infinities */
    0x7fc00000, 0xffc00000, 0x7fc12345, 0x7f812345, /* QNaN, SNaN */
    0xff800001, 0x00000001, 0x80000001, 0x007fffff, /* denormals */
    0x807fffff, 0x00800000, 0x80800000, 0x7f7fffff, /* min/max normal */
    0xff7fffff, 0x3f800000, 0xbf800000, 0x3f000000, /* 1 -1 0.5 */
    0x4f000000, 0xcf000000, 0x4effffff, 0xceffffff, /* +-2^31, near */
    0x3fc00000, 0x40400000, 0x3eaaaaab, 0x00400000, /* 1.5 3 1/3 */
    0x47000000, 0xc7000000, 0x46fffe00, 0xc7000100, /* +-2^15 region */
    0x3f7fffff, 0x33800000, 0x0c000000, 0x72800000,
};

static const uint64_t f64_edge[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull,
    0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull,
    0x7ff0000000000001ull, 0x7ff4000000000123ull, 0x0000000000000001ull,
    0x800fffffffffffffull, 0x0010000000000000ull, 0x7fefffffffffffffull,
    0x3ff0000000000000ull, 0xbff0000000000000ull, 0x41dfffffffc00000ull,
    0xc1e0000000000000ull, 0x41e0000000000000ull, 0xc1e0000000200000ull,
    0x41dfffffffffffffull, 0x3fe0000000000000ull, 0x3fd5555555555555ull,
    0x47efffffe0000000ull, 0x47f0000000000000ull, 0x36a0000000000000ull,
    0x3690000000000000ull, 0x380fffffffffffffull, 0xc7efffffffffffffull,
    0x4330000000000001ull,
};

static const uint32_t int_edge[] = {
    0,          1,          0xffffffff, 0x80000000, 0x7fffffff,
    0x00008000, 0x00007fff, 0xffff8000, 0x00ff00ff, 0x80808080,
    0x7f7f7f7f, 0x01000100, 0x7fff8000, 0x0000ffff, 0x000000ff,
    16,         31,         64,         8,
};

/* 64-bit integers, and floats around the 64-bit integer range (the REX.W
 * conversions). */
static const uint64_t int64_edge[] = {
    0,
    1,
    0xffffffffffffffffull,
    0x8000000000000000ull,
    0x7fffffffffffffffull,
    0x0020000000000001ull, /* 2^53 + 1: inexact as a double */
    0xffdfffffffffffffull, /* -(2^53 + 1) */
    0x0000000001000001ull, /* 2^24 + 1: inexact as a single */
    0x7ffffffffffffc00ull,
    0x00000000ffffffffull,
    0xffffffff80000000ull,
    0x8000000000000001ull,
    0x0000000080000000ull,
};

static const uint64_t f64_big_edge[] = {
    0x43e0000000000000ull, /* 2^63: out of range */
    0xc3e0000000000000ull, /* -2^63: the most negative */
    0x43dfffffffffffffull, /* the largest double below 2^63 */
    0xc3e0000000000001ull, /* just below -2^63 */
    0x43e0000000000001ull, 0x41e0000000000000ull, /* 2^31 */
    0xc1e0000000200000ull,                        /* -2^31 - 1 */
    0x3ff8000000000000ull,                        /* 1.5 */
    0xbfe0000000000000ull,                        /* -0.5 */
    0x7ff8000000000000ull,                        /* QNaN */
    0xfff0000000000000ull,                        /* -inf */
    0x4330000000000001ull,                        /* 2^52 + 1 */
};

static const uint32_t f32_big_edge[] = {
    0x5f000000, /* 2^63 */
    0xdf000000, /* -2^63 */
    0x5effffff, /* the largest single below 2^63 */
    0xdf000001, /* just below -2^63 */
    0x4f000000, /* 2^31 */
    0x3fc00000, /* 1.5 */
    0xbf000000, /* -0.5 */
    0x7fc00000, /* QNaN */
    0x7f800000, /* inf */
};

static uint64_t gen_int64(void)
{
    uint64_t r = rnd();
    switch (r & 3) {
    case 0:
        return int64_edge[(r >> 8) % ARRAY_SIZE(int64_edge)];
    case 1:
        return (uint64_t)(int64_t)(int32_t)rnd(); /* sign-extended 32 */
    default:
        return rnd();
    }
}

/* An XMM register operand for the REX runs: mostly gen_xmm's, sometimes
 * a low lane around the 64-bit integer range. */
static void gen_xmm_rex(XMMReg *x);

static uint32_t gen_f32(void)
{
    uint64_t r = rnd();
    switch (r & 7) {
    case 0:
    case 1:
        return f32_edge[(r >> 8) % ARRAY_SIZE(f32_edge)];
    case 2:
        return int_edge[(r >> 8) % ARRAY_SIZE(int_edge)];
    case 3:
        return (uint32_t)(r >> 32);
    case 4: /* tiny: exponent near the bottom */
        return (uint32_t)((r >> 32) & 0x81ffffff);
    default: /* moderate: exponent 2^-20..2^31 */
        return (uint32_t)(((r >> 32) & 0x807fffff) |
                          ((uint32_t)(107 + (r >> 16) % 52) << 23));
    }
}

static uint64_t gen_f64(void)
{
    uint64_t r = rnd(), m = rnd();
    switch (r & 7) {
    case 0:
    case 1:
        return f64_edge[(r >> 8) % ARRAY_SIZE(f64_edge)];
    case 2:
        return (uint64_t)gen_f32() << 32 | gen_f32();
    case 3:
        return m;
    case 4: /* near the single-precision limits (cvtpd2ps) */
        return (m & 0x800fffffffffffffull) |
               ((uint64_t)(0x380 - 30 + (r >> 16) % 60) << 52) |
               (((r >> 24) & 1) ? (uint64_t)(0x47f - 0x380) << 52 : 0);
    case 5: /* tiny */
        return m & 0x803fffffffffffffull;
    default:
        return (m & 0x800fffffffffffffull) |
               ((uint64_t)(1023 - 20 + (r >> 16) % 54) << 52);
    }
}

static void gen_xmm(XMMReg *x)
{
    for (int h = 0; h < 2; h++) {
        if (rnd() & 1) {
            x->q[h] = gen_f64();
        } else {
            x->l[2 * h] = gen_f32();
            x->l[2 * h + 1] = gen_f32();
        }
    }
}

static void gen_xmm_rex(XMMReg *x)
{
    uint64_t r = rnd();

    gen_xmm(x);
    switch (r & 3) {
    case 0:
        x->q[0] = f64_big_edge[(r >> 8) % ARRAY_SIZE(f64_big_edge)];
        break;
    case 1:
        x->l[0] = f32_big_edge[(r >> 8) % ARRAY_SIZE(f32_big_edge)];
        break;
    case 2:
        x->q[0] = gen_int64();
        break;
    }
}

static uint32_t gen_mxcsr(void)
{
    uint64_t r = rnd();
    uint32_t csr = (uint32_t)(r & 3) << MXCSR_RC_SHIFT;
    if (r & 4) {
        csr |= MXCSR_DAZ;
    }
    if (r & 8) {
        csr |= MXCSR_FTZ;
    }
    if (((r >> 4) & 7) == 0) {
        csr |= (uint32_t)((r >> 8) & 0x3f) << MXCSR_MASK_SHIFT;
    } else {
        csr |= MXCSR_MASKS;
    }
    if (((r >> 14) & 3) == 0) {
        csr |= (r >> 16) & MXCSR_FLAGS; /* sticky flags must survive */
    }
    return csr;
}

/* ---- the differential loop ---- */

typedef struct DiffStats {
    unsigned long runs, faults, mismatches, combos;
    unsigned long ud, gp, xm;
} DiffStats;

static uint8_t native_mem[GMEM_SIZE] __attribute__((aligned(4096)));

static void report_mismatch(const char *what, uint8_t pfx, uint8_t rex,
                            uint8_t opc, uint8_t modrm, uint8_t imm,
                            const NativeState *in, uint64_t a, uint64_t b)
{
    test_fail(__FILE__, __LINE__,
              "%02x rex %02x 0f %02x %02x imm %02x: %s native 0x%" PRIx64
              " helper 0x%" PRIx64 " (xmm0 %016" PRIx64 ":%016" PRIx64
              " xmm1 %016" PRIx64 ":%016" PRIx64 " xmm8 %016" PRIx64
              ":%016" PRIx64 " xmm9 %016" PRIx64 ":%016" PRIx64 " rax %" PRIx64
              " rcx %" PRIx64 " r8 %" PRIx64 " r9 %" PRIx64 " mxcsr %08x)",
              pfx, rex, opc, modrm, imm, what, a, b, in->xmm[0].q[1],
              in->xmm[0].q[0], in->xmm[1].q[1], in->xmm[1].q[0],
              in->xmm_hi[0].q[1], in->xmm_hi[0].q[0], in->xmm_hi[1].q[1],
              in->xmm_hi[1].q[0], in->gpr[0], in->gpr[1], in->gpr_hi[0],
              in->gpr_hi[1], in->mxcsr);
}

/* One instruction, one random state; returns false on mismatch.  rex 0:
 * outside 64-bit mode, as a 32-bit guest runs it (xmm8/9, r8/r9 must
 * stay as they are); else in 64-bit mode with that REX prefix. */
static bool diff_one(uint8_t pfx, uint8_t rex, uint8_t opc, uint8_t modrm,
                     uint8_t imm, DiffStats *ds)
{
    NativeState in, nat;
    static CPUX86State env_store;
    CPUX86State *env = &env_store;
    uint32_t ea;
    int nsig, vec, nvec;
    bool ok = true;

    gen_xmm(&in.xmm[0]);
    gen_xmm(&in.xmm[1]);
    in.mm[0] = rnd() & 1 ? rnd() : ((uint64_t)gen_f32() << 32 | gen_f32());
    in.mm[1] = rnd() & 1 ? rnd() : ((uint64_t)gen_f32() << 32 | gen_f32());
    in.gpr[0] =
        rnd() & 1 ? int_edge[rnd() % ARRAY_SIZE(int_edge)] : (uint32_t)rnd();
    in.gpr[1] =
        rnd() & 1 ? int_edge[rnd() % ARRAY_SIZE(int_edge)] : (uint32_t)rnd();
    in.mxcsr = gen_mxcsr();
    in.eflags = 0;
    if (rex) {
        /* 64-bit operands and the registers REX reaches */
        in.gpr[0] = gen_int64();
        in.gpr[1] = gen_int64();
        in.gpr_hi[0] = gen_int64();
        in.gpr_hi[1] = gen_int64();
        gen_xmm_rex(&in.xmm[0]);
        gen_xmm_rex(&in.xmm[1]);
        gen_xmm_rex(&in.xmm_hi[0]);
        gen_xmm_rex(&in.xmm_hi[1]);
    } else {
        in.gpr_hi[0] = 0x0808080808080808ull;
        in.gpr_hi[1] = 0x0909090909090909ull;
        in.xmm_hi[0] = (XMMReg){.q = {0x8888888888888888ull, 8}};
        in.xmm_hi[1] = (XMMReg){.q = {0x9999999999999999ull, 9}};
    }
    ea = 1024 + (rnd() % 128) * 16;
    if ((rnd() & 7) == 0) {
        ea += rnd() % 16;
    }
    for (int i = 0; i < 64; i += 16) {
        XMMReg v;
        gen_xmm(&v);
        memcpy(gmem + ea - 16 + i, &v, 16);
    }
    memcpy(native_mem, gmem, GMEM_SIZE);
    in.mem = (uintptr_t)(native_mem + ea);

    /* helper side */
    env_init(env);
    env->xmm[0] = in.xmm[0];
    env->xmm[1] = in.xmm[1];
    env->fpregs[0].mant = in.mm[0];
    env->fpregs[1].mant = in.mm[1];
    env->regs[R_EAX] = in.gpr[0];
    env->regs[R_ECX] = in.gpr[1];
    env->regs[8] = in.gpr_hi[0];
    env->regs[9] = in.gpr_hi[1];
    env->xmm[8] = in.xmm_hi[0];
    env->xmm[9] = in.xmm_hi[1];
    if (rex) {
        env->hflags |= HF_LMA | HF_CS64;
    }
    env->mxcsr = in.mxcsr;
    env->cc_op = 99;
    vec = run_helper_rex(env, pfx, rex, opc, modrm, ea, imm);

    /* native side */
    nat = in;
    nsig = run_native(&nat);
    nvec = sig_to_vector(nsig);
    ds->runs++;

#define DIFF(what, a, b)                                                     \
    do {                                                                     \
        if ((uint64_t)(a) != (uint64_t)(b)) {                                \
            report_mismatch(what, pfx, rex, opc, modrm, imm, &in, (a), (b)); \
            ok = false;                                                      \
            goto out;                                                        \
        }                                                                    \
    } while (0)

    DIFF("exception", nvec, vec);
    if (nsig) {
        ds->faults++;
        ds->ud += nvec == EXCP06_ILLOP;
        ds->gp += nvec == EXCP0D_GPF;
        ds->xm += nvec == EXCP13_XMM;
        /* No register or memory may change; MXCSR has the flags. */
        if (nsig == SIGFPE) {
            DIFF("mxcsr at #XM", native_fault_mxcsr, env->mxcsr);
        } else {
            DIFF("mxcsr at fault", in.mxcsr, env->mxcsr);
        }
        nat = in;
    } else {
        DIFF("mxcsr", nat.mxcsr, env->mxcsr);
    }
    DIFF("xmm0.lo", nat.xmm[0].q[0], env->xmm[0].q[0]);
    DIFF("xmm0.hi", nat.xmm[0].q[1], env->xmm[0].q[1]);
    DIFF("xmm1.lo", nat.xmm[1].q[0], env->xmm[1].q[0]);
    DIFF("xmm1.hi", nat.xmm[1].q[1], env->xmm[1].q[1]);
    DIFF("mm0", nat.mm[0], env->fpregs[0].mant);
    DIFF("mm1", nat.mm[1], env->fpregs[1].mant);
    DIFF("eax", nat.gpr[0], env->regs[R_EAX]);
    DIFF("ecx", nat.gpr[1], env->regs[R_ECX]);
    DIFF("r8", nat.gpr_hi[0], env->regs[8]);
    DIFF("r9", nat.gpr_hi[1], env->regs[9]);
    DIFF("xmm8.lo", nat.xmm_hi[0].q[0], env->xmm[8].q[0]);
    DIFF("xmm8.hi", nat.xmm_hi[0].q[1], env->xmm[8].q[1]);
    DIFF("xmm9.lo", nat.xmm_hi[1].q[0], env->xmm[9].q[0]);
    DIFF("xmm9.hi", nat.xmm_hi[1].q[1], env->xmm[9].q[1]);
    for (int i = 0; i < 80; i += 8) {
        uint64_t a, b;
        memcpy(&a, native_mem + ea - 16 + i, 8);
        memcpy(&b, gmem + ea - 16 + i, 8);
        DIFF("memory", a, b);
    }
    if (!nsig && (opc == 0x2e || opc == 0x2f)) {
        DIFF("cc_op", CC_OP_EFLAGS, env->cc_op);
        DIFF("eflags", nat.eflags & CC_ARITH, env->cc_src);
    }
out:
    if (!ok) {
        ds->mismatches++;
    }
    return ok;
}

static unsigned long iters_per_combo(void)
{
    const char *s = getenv("SSE_TEST_ITERS");
    return s ? strtoul(s, NULL, 0) : 1500;
}

static void diff_combo_rex(uint8_t pfx, uint8_t rex, uint8_t opc, uint8_t modrm,
                           unsigned long n, DiffStats *ds)
{
    bool imm = sse_opcode_has_imm8(pfx, opc);
    uint8_t *p = code_buf;
    unsigned long bad = 0;

    if (pfx) {
        *p++ = pfx;
    }
    if (rex) {
        *p++ = rex; /* REX comes last, right before 0F */
    }
    *p++ = 0x0f;
    *p++ = opc;
    *p++ = modrm;
    uint8_t *imm_at = p;
    if (imm) {
        p++;
    }
    *p++ = 0xc3;
    ds->combos++;
    for (unsigned long i = 0; i < n; i++) {
        uint8_t v = 0;
        if (imm) {
            v = (opc >= 0x71 && opc <= 0x73) ? rnd() % 80 : (uint8_t)rnd();
            *imm_at = v;
        }
        if (!diff_one(pfx, rex, opc, modrm, v, ds) && ++bad >= 3) {
            return; /* three reports per form are enough */
        }
    }
}

static void diff_combo(uint8_t pfx, uint8_t opc, uint8_t modrm, DiffStats *ds)
{
    diff_combo_rex(pfx, 0, opc, modrm, iters_per_combo(), ds);
}

static void setup_native(void)
{
    struct sigaction sa;

    code_buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert(code_buf != MAP_FAILED);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = native_handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

static void test_differential(void)
{
    static const uint8_t pfxs[4] = {0, 0x66, 0xf3, 0xf2};
    DiffStats ds = {0};

    for (int opc = 0; opc < 256; opc++) {
        for (int pi = 0; pi < 4; pi++) {
            uint8_t pfx = pfxs[pi];
            if (!sse_opcode_known(pfx, opc)) {
                continue;
            }
            if (opc == 0xae || opc == 0x18) {
                continue; /* directed tests below */
            }
            if (opc >= 0x71 && opc <= 0x73) {
                for (int reg = 0; reg < 8; reg++) {
                    diff_combo(pfx, opc, 0xc0 | reg << 3, &ds);
                    diff_combo(pfx, opc, 0xc1 | reg << 3, &ds);
                }
                diff_combo(pfx, opc, 0x16, &ds);
                continue;
            }
            diff_combo(pfx, opc, 0xc1, &ds); /* reg 0, rm 1 */
            diff_combo(pfx, opc, 0xc8, &ds); /* reg 1, rm 0 */
            diff_combo(pfx, opc, 0xc0, &ds); /* reg = rm */
            diff_combo(pfx, opc, 0x06, &ds); /* reg 0, [rsi] */
            diff_combo(pfx, opc, 0x0e, &ds); /* reg 1, [rsi] */
        }
    }
    printf("# differential: %lu forms, %lu runs, %lu faults (#UD %lu, "
           "#GP %lu, #XM %lu), %lu mismatches\n",
           ds.combos, ds.runs, ds.faults, ds.ud, ds.gp, ds.xm, ds.mismatches);
    CHECK(ds.combos > 500);
    CHECK(ds.ud > 1000 && ds.gp > 1000 && ds.xm > 1000);
    CHECK_EQ(ds.mismatches, 0);
}

/*
 * The same in 64-bit mode with REX prefixes.  Memory forms keep REX.B
 * clear ([rsi] would become [r14]); the frontend owns the address anyway.
 */
static void test_differential_rex(void)
{
    static const uint8_t pfxs[4] = {0, 0x66, 0xf3, 0xf2};
    static const struct {
        uint8_t rex, modrm;
    } reg_forms[] =
        {
            {0x45, 0xc1}, /* R B: reg 8, rm 9 */
            {0x4d, 0xc8}, /* W R B: reg 9, rm 8 */
            {0x48, 0xc1}, /* W: rax/rcx, xmm0/xmm1 */
            {0x44, 0xc1}, /* R: reg 8, rm 1 */
            {0x49, 0xc8}, /* W B: reg 1, rm 8 */
            {0x41, 0xc0}, /* B: reg 0, rm 8 */
        },
      mem_forms[] = {
          {0x4c, 0x06}, /* W R: reg 8, [rsi] */
          {0x48, 0x0e}, /* W: reg 1, [rsi] */
          {0x44, 0x0e}, /* R: reg 9, [rsi] */
      };
    unsigned long n = iters_per_combo() / 5 + 1;
    DiffStats ds = {0};

    for (int opc = 0; opc < 256; opc++) {
        for (int pi = 0; pi < 4; pi++) {
            uint8_t pfx = pfxs[pi];
            if (!sse_opcode_known(pfx, opc) || opc == 0xae || opc == 0x18) {
                continue;
            }
            if (opc >= 0x71 && opc <= 0x73) {
                for (int reg = 0; reg < 8; reg++) {
                    diff_combo_rex(pfx, 0x41, opc, 0xc0 | reg << 3, n, &ds);
                    diff_combo_rex(pfx, 0x4d, opc, 0xc1 | reg << 3, n, &ds);
                }
                continue;
            }
            for (size_t i = 0; i < ARRAY_SIZE(reg_forms); i++) {
                diff_combo_rex(pfx, reg_forms[i].rex, opc, reg_forms[i].modrm,
                               n, &ds);
            }
            for (size_t i = 0; i < ARRAY_SIZE(mem_forms); i++) {
                diff_combo_rex(pfx, mem_forms[i].rex, opc, mem_forms[i].modrm,
                               n, &ds);
            }
        }
    }
    printf("# differential with REX: %lu forms, %lu runs, %lu faults (#UD "
           "%lu, #GP %lu, #XM %lu), %lu mismatches\n",
           ds.combos, ds.runs, ds.faults, ds.ud, ds.gp, ds.xm, ds.mismatches);
    CHECK(ds.combos > 1500);
    CHECK(ds.ud > 100 && ds.gp > 100 && ds.xm > 100);
    CHECK_EQ(ds.mismatches, 0);
}

/* ---- directed tests ---- */

static void test_tables(void)
{
    CHECK(sse_opcode_known(0, 0x58));
    CHECK(sse_opcode_known(0xf2, 0x7c));
    CHECK(!sse_opcode_known(0xf3, 0x7c));
    CHECK(!sse_opcode_known(0, 0x77)); /* emms is the x87 helper's */
    CHECK(!sse_opcode_known(0, 0x6c)); /* punpcklqdq needs 66 */
    CHECK(!sse_opcode_known(0, 0x38));
    CHECK(sse_opcode_has_imm8(0, 0xc2));
    CHECK(sse_opcode_has_imm8(0x66, 0x73));
    CHECK(sse_opcode_has_imm8(0xf2, 0x70));
    CHECK(!sse_opcode_has_imm8(0x66, 0x6f));
    CHECK(!sse_opcode_has_imm8(0, 0xae));
}

/* sse_decode: the form check and one operation per (prefix, opcode). */
static void test_decode(void)
{
    SSEDecoded a, b;

    /* movmskps is register-only, movntps memory-only */
    CHECK(sse_decode(0, 0x50, 0xc1, 0, 0, -1, &a));
    CHECK(!sse_decode(0, 0x50, 0x01, 0, 0, 3, &a));
    CHECK(sse_decode(0, 0x2b, 0x01, 0, 0, 3, &a));
    CHECK(!sse_decode(0, 0x2b, 0xc1, 0, 0, -1, &a));
    /* paddb (MMX and 66 share the operation), psubb another one */
    CHECK(sse_decode(0, 0xfc, 0xc1, 0, 0, -1, &a));
    CHECK(sse_decode(0x66, 0xfc, 0xc1, 0, 0, -1, &b));
    CHECK(a.helper == b.helper);
    CHECK(sse_decode(0, 0xf8, 0xc1, 0, 0, -1, &b));
    CHECK(a.helper != b.helper);
    /* addps and addsd: one operation for the group, the lane format from
     * the prefix; imm8 in arg */
    CHECK(sse_decode(0, 0x58, 0xc1, 0, 0, -1, &a));
    CHECK(sse_decode(0xf2, 0x58, 0xc1, 0, 0, -1, &b));
    CHECK(a.helper == b.helper && a.info != b.info);
    CHECK(sse_decode(0x66, 0x70, 0xc1, 0, 0x1b, -1, &a));
    CHECK_EQ(a.arg & 0xff, 0x1b);
    /* every known form decodes to an operation with an entry point */
    for (int p = 0; p < 4; p++) {
        static const uint8_t pfx[4] = {0, 0x66, 0xf3, 0xf2};
        for (int opc = 0; opc < 256; opc++) {
            if (!sse_opcode_known(pfx[p], opc)) {
                continue;
            }
            for (int modrm = 0x01; modrm <= 0xc1; modrm += 0xc0) {
                if (sse_decode(pfx[p], opc, modrm, 0, 0, -1, &a)) {
                    CHECK(a.helper != NULL);
                }
            }
        }
    }
}

static void test_cr_checks(void)
{
    CPUX86State env;

    env_init(&env);
    env.cr[0] |= CR0_EM_MASK;
    CHECK_EQ(run_helper(&env, 0, 0x58, 0xc1, 0, 0), EXCP06_ILLOP);
    CHECK_EQ(run_helper(&env, 0, 0xfc, 0xc1, 0, 0), EXCP06_ILLOP);
    env_init(&env);
    env.cr[0] |= CR0_TS_MASK;
    CHECK_EQ(run_helper(&env, 0, 0x58, 0xc1, 0, 0), EXCP07_PREX);
    CHECK_EQ(run_helper(&env, 0, 0xfc, 0xc1, 0, 0), EXCP07_PREX);
    CHECK_EQ(run_helper(&env, 0, 0xae, 0x16, 0x100, 0), EXCP07_PREX);
    env_init(&env);
    env.cr[4] = 0;
    /* SSE needs CR4.OSFXSR; MMX does not. */
    CHECK_EQ(run_helper(&env, 0, 0x58, 0xc1, 0, 0), EXCP06_ILLOP);
    CHECK_EQ(run_helper(&env, 0x66, 0xfc, 0xc1, 0, 0), EXCP06_ILLOP);
    CHECK_EQ(run_helper(&env, 0, 0xfc, 0xc1, 0, 0), -1);
    CHECK_EQ(run_helper(&env, 0, 0xae, 0x16, 0x100, 0), EXCP06_ILLOP);
    /* the fences and prefetch need nothing */
    CHECK_EQ(run_helper(&env, 0, 0xae, 0xf8, 0, 0), -1);
    CHECK_EQ(run_helper(&env, 0, 0x18, 0x0e, 0x100, 0), -1);
    /* undefined forms */
    env_init(&env);
    CHECK_EQ(run_helper(&env, 0, 0x77, 0xc1, 0, 0), EXCP06_ILLOP);
    CHECK_EQ(run_helper(&env, 0, 0x2b, 0xc1, 0, 0), EXCP06_ILLOP);
    CHECK_EQ(run_helper(&env, 0, 0x50, 0x06, 0x100, 0), EXCP06_ILLOP);
    CHECK_EQ(run_helper(&env, 0, 0x73, 0xd9, 0, 4), EXCP06_ILLOP);
}

static void test_alignment(void)
{
    CPUX86State env;

    env_init(&env);
    CHECK_EQ(run_helper(&env, 0, 0x28, 0x06, 0x108, 0), EXCP0D_GPF);
    CHECK_EQ(run_helper(&env, 0x66, 0x58, 0x06, 0x104, 0), EXCP0D_GPF);
    CHECK_EQ(run_helper(&env, 0x66, 0x7f, 0x06, 0x101, 0), EXCP0D_GPF);
    CHECK_EQ(run_helper(&env, 0, 0x10, 0x06, 0x101, 0), -1);
    CHECK_EQ(run_helper(&env, 0xf3, 0x6f, 0x06, 0x103, 0), -1);
    CHECK_EQ(run_helper(&env, 0xf2, 0xf0, 0x06, 0x10f, 0), -1);
    CHECK_EQ(run_helper(&env, 0xf3, 0x58, 0x06, 0x103, 0), -1);
    /* MMX memory operands are never checked */
    CHECK_EQ(run_helper(&env, 0, 0xfc, 0x06, 0x103, 0), -1);
}

static void test_mmx_state(void)
{
    CPUX86State env;

    env_init(&env);
    env.fpregs[2].mant = 0x0102030405060708ull;
    env.fpregs[3].mant = 0x1010101010101010ull;
    /* paddb mm2, mm3 */
    CHECK_EQ(run_helper(&env, 0, 0xfc, 0xd3, 0, 0), -1);
    CHECK_EQ(env.fpregs[2].mant, 0x1112131415161718ull);
    CHECK_EQ(env.fpregs[2].exp, 0xffff);
    CHECK_EQ(env.fpstt, 0);
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(env.fptags[i], 0);
    }
    /* addps does not touch the x87 state; cvtpi2ps from memory neither */
    env_init(&env);
    CHECK_EQ(run_helper(&env, 0, 0x58, 0xc1, 0, 0), -1);
    CHECK_EQ(run_helper(&env, 0, 0x2a, 0x06, 0x100, 0), -1);
    CHECK_EQ(env.fpstt, 3);
    CHECK_EQ(env.fptags[0], 1);
    /* a pending x87 exception: #MF before any MMX-register instruction */
    env_init(&env);
    env.fpus = 0x8081; /* ES B IE */
    CHECK_EQ(run_helper(&env, 0, 0xfc, 0xd3, 0, 0), EXCP10_COPR);
    CHECK_EQ(run_helper(&env, 0, 0x2a, 0xc1, 0, 0), EXCP10_COPR);
    CHECK_EQ(run_helper(&env, 0xf3, 0xd6, 0xc1, 0, 0), EXCP10_COPR);
    CHECK_EQ(run_helper(&env, 0, 0x2a, 0x06, 0x100, 0), -1);
    CHECK_EQ(run_helper(&env, 0, 0x58, 0xc1, 0, 0), -1);
    CHECK_EQ(env.fpstt, 3);
    env_init(&env);
    /* cvtpi2ps xmm0, mm1 does */
    CHECK_EQ(run_helper(&env, 0, 0x2a, 0xc1, 0, 0), -1);
    CHECK_EQ(env.fpstt, 0);
    CHECK_EQ(env.fptags[5], 0);
}

static void test_known_answers(void)
{
    CPUX86State env;

    env_init(&env);
    /* addps: 1+2, 0.5+0.25, inf+(-inf) = default NaN with IE */
    env.xmm[0] = (XMMReg){.l = {0x3f800000, 0x3f000000, 0x7f800000, 0}};
    env.xmm[1] = (XMMReg){.l = {0x40000000, 0x3e800000, 0xff800000, 0}};
    CHECK_EQ(run_helper(&env, 0, 0x58, 0xc1, 0, 0), -1);
    CHECK_EQ(env.xmm[0].l[0], 0x40400000);
    CHECK_EQ(env.xmm[0].l[1], 0x3f400000);
    CHECK_EQ(env.xmm[0].l[2], 0xffc00000);
    CHECK_EQ(env.mxcsr, 0x1f80 | MXCSR_IE);
    /* maxps: a NaN or equal zeros give the second (source) operand */
    env_init(&env);
    env.xmm[0] = (XMMReg){.l = {0x7fc00001, 0x3f800000, 0x00000000, 1}};
    env.xmm[1] = (XMMReg){.l = {0x3f800000, 0x7fc00002, 0x80000000, 2}};
    CHECK_EQ(run_helper(&env, 0, 0x5f, 0xc1, 0, 0), -1);
    CHECK_EQ(env.xmm[0].l[0], 0x3f800000);
    CHECK_EQ(env.xmm[0].l[1], 0x7fc00002);
    CHECK_EQ(env.xmm[0].l[2], 0x80000000);
    /* cvttss2si eax, xmm1: out of range gives the integer indefinite */
    env_init(&env);
    env.xmm[1].l[0] = 0x501502f9; /* 1e10 */
    CHECK_EQ(run_helper(&env, 0xf3, 0x2c, 0xc1, 0, 0), -1);
    CHECK_EQ((uint32_t)env.regs[R_EAX], 0x80000000);
    CHECK_EQ(env.mxcsr & MXCSR_FLAGS, MXCSR_IE);
    /* cvtsd2si with round-down: -1.5 -> -2 */
    env_init(&env);
    env.mxcsr = 0x1f80 | (1u << MXCSR_RC_SHIFT);
    env.xmm[1].q[0] = 0xbff8000000000000ull;
    CHECK_EQ(run_helper(&env, 0xf2, 0x2d, 0xc1, 0, 0), -1);
    CHECK_EQ((uint32_t)env.regs[R_EAX], 0xfffffffe);
    CHECK_EQ(env.mxcsr & MXCSR_FLAGS, MXCSR_PE);
    /* divss by zero with ZM clear: #XM, flags set, destination kept */
    env_init(&env);
    env.mxcsr = 0x1f80 & ~(MXCSR_ZE << MXCSR_MASK_SHIFT);
    env.xmm[0].l[0] = 0x3f800000;
    env.xmm[1].l[0] = 0;
    CHECK_EQ(run_helper(&env, 0xf3, 0x5e, 0xc1, 0, 0), EXCP13_XMM);
    CHECK_EQ(env.xmm[0].l[0], 0x3f800000);
    CHECK_EQ(env.mxcsr & MXCSR_FLAGS, MXCSR_ZE);
    /* ... and #UD without CR4.OSXMMEXCPT */
    env.cr[4] &= ~CR4_OSXMMEXCPT_MASK;
    CHECK_EQ(run_helper(&env, 0xf3, 0x5e, 0xc1, 0, 0), EXCP06_ILLOP);
    /* comiss 1.0, NaN: unordered ZF PF CF, IE (comiss signals on QNaN) */
    env_init(&env);
    env.xmm[0].l[0] = 0x3f800000;
    env.xmm[1].l[0] = 0x7fc00000;
    CHECK_EQ(run_helper(&env, 0, 0x2f, 0xc1, 0, 0), -1);
    CHECK_EQ(env.cc_op, CC_OP_EFLAGS);
    CHECK_EQ(env.cc_src, CC_Z | CC_P | CC_C);
    CHECK_EQ(env.mxcsr & MXCSR_FLAGS, MXCSR_IE);
    /* ucomiss 2.0, 1.0: greater, no flags */
    env.mxcsr = 0x1f80;
    env.xmm[0].l[0] = 0x40000000;
    env.xmm[1].l[0] = 0x3f800000;
    CHECK_EQ(run_helper(&env, 0, 0x2e, 0xc1, 0, 0), -1);
    CHECK_EQ(env.cc_src, 0);
    CHECK_EQ(env.mxcsr, 0x1f80);
    /* integer: paddusb, pmaddwd, psadbw, psraw by 99 */
    env_init(&env);
    env.xmm[0] = (XMMReg){.q = {0xf0f0f0f0f0f0f0f0ull, 0x0102030405060708ull}};
    env.xmm[1] = (XMMReg){.q = {0x2020202020202020ull, 0x0101010101010101ull}};
    CHECK_EQ(run_helper(&env, 0x66, 0xdc, 0xc1, 0, 0), -1);
    CHECK_EQ(env.xmm[0].q[0], 0xffffffffffffffffull);
    CHECK_EQ(env.xmm[0].q[1], 0x0203040506070809ull);
    env.xmm[0] = (XMMReg){.w = {0x8000, 0x8000, 2, 3}};
    env.xmm[1] = (XMMReg){.w = {0x8000, 0x8000, 0xffff, 10}};
    CHECK_EQ(run_helper(&env, 0x66, 0xf5, 0xc1, 0, 0), -1);
    CHECK_EQ(env.xmm[0].l[0], 0x80000000);
    CHECK_EQ(env.xmm[0].l[1], 28);
    env.xmm[0] = (XMMReg){.b = {10, 0, 255, 0, 0, 0, 0, 0, 1}};
    env.xmm[1] = (XMMReg){.b = {0, 10, 0, 0, 0, 0, 0, 0, 3}};
    CHECK_EQ(run_helper(&env, 0x66, 0xf6, 0xc1, 0, 0), -1);
    CHECK_EQ(env.xmm[0].q[0], 275);
    CHECK_EQ(env.xmm[0].q[1], 2);
    env.xmm[0] = (XMMReg){.w = {0x8000, 0x7fff, 0xfffe, 1}};
    env.xmm[1] = (XMMReg){.q = {99, 0}};
    CHECK_EQ(run_helper(&env, 0x66, 0xe1, 0xc1, 0, 0), -1);
    CHECK_EQ(env.xmm[0].q[0], 0x0000ffff0000ffffull);
    /* pslldq $3 */
    env.xmm[2] = (XMMReg){.q = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull}};
    CHECK_EQ(run_helper(&env, 0x66, 0x73, 0xfa, 0, 3), -1);
    CHECK_EQ(env.xmm[2].q[0], 0x0403020100000000ull);
    CHECK_EQ(env.xmm[2].q[1], 0x0c0b0a0908070605ull);
    CHECK_EQ(env.xmm[2].b[3], 0x00);
}

static void test_mxcsr_fxsave(void)
{
    CPUX86State env;

    env_init(&env);
    /* ldmxcsr [0x200] with a reserved bit: #GP, MXCSR unchanged */
    fake_st(&env, 0x200, 4, 0x00011f80);
    CHECK_EQ(run_helper(&env, 0, 0xae, 0x16, 0x200, 0), EXCP0D_GPF);
    CHECK_EQ(env.mxcsr, 0x1f80);
    fake_st(&env, 0x200, 4, 0x0000ffc0);
    CHECK_EQ(run_helper(&env, 0, 0xae, 0x16, 0x200, 0), -1);
    CHECK_EQ(env.mxcsr, 0xffc0);
    CHECK_EQ(run_helper(&env, 0, 0xae, 0x1e, 0x204, 0), -1); /* stmxcsr */
    CHECK_EQ(fake_ld(&env, 0x204, 4), 0xffc0);

    /* fxsave / fxrstor round trip */
    env_init(&env);
    env.fpuc = 0x37f;
    env.fpus = 0x0041;
    env.fpstt = 5;
    env.fptags[5] = 0;
    env.fpregs[5].mant = 0x8000000000000000ull;
    env.fpregs[5].exp = 0x3fff;
    env.xmm[7].q[1] = 0x1122334455667788ull;
    env.mxcsr = 0x1f85;
    CHECK_EQ(run_helper(&env, 0, 0xae, 0x06, 0x410, 0), -1);
    CHECK_EQ(fake_ld(&env, 0x410, 2), 0x37f);
    CHECK_EQ(fake_ld(&env, 0x412, 2), 0x2841);
    CHECK_EQ(fake_ld(&env, 0x414, 1), 0x20);
    CHECK_EQ(fake_ld(&env, 0x410 + 24, 4), 0x1f85);
    CHECK_EQ(fake_ld(&env, 0x410 + 32 + 4, 4), 0x80000000); /* ST(0) */
    CHECK_EQ(fake_ld(&env, 0x410 + 32 + 8, 2), 0x3fff);
    CHECK_EQ(fake_ld(&env, 0x410 + 160 + 7 * 16 + 12, 4), 0x11223344);
    CHECK_EQ(run_helper(&env, 0, 0xae, 0x06, 0x418, 0), EXCP0D_GPF);
    {
        CPUX86State e2;
        env_init(&e2);
        CHECK_EQ(run_helper(&e2, 0, 0xae, 0x0e, 0x410, 0), -1);
        CHECK_EQ(e2.fpstt, 5);
        CHECK_EQ(e2.fptags[5], 0);
        CHECK_EQ(e2.fptags[4], 1);
        CHECK_EQ(e2.fpregs[5].exp, 0x3fff);
        CHECK_EQ(e2.xmm[7].q[1], 0x1122334455667788ull);
        CHECK_EQ(e2.mxcsr, 0x1f85);
        CHECK_EQ(e2.fpus, 0x0041);
    }
}

/* ---- long mode: directed tests ---- */

static void env_init64(CPUX86State *env)
{
    env_init(env);
    env->hflags |= HF_LMA | HF_CS64;
}

static uint64_t fake_ld64(uint64_t a)
{
    return fake_ld(NULL, a, 4) | (uint64_t)fake_ld(NULL, a + 4, 4) << 32;
}

static void fake_st64(uint64_t a, uint64_t v)
{
    fake_st(NULL, a, 4, (uint32_t)v);
    fake_st(NULL, a + 4, 4, (uint32_t)(v >> 32));
}

/* sse_decode's REX fields: what changes the decoded instruction. */
static void test_decode_rex(void)
{
    SSEDecoded a, b;

    /* addpd: REX.R and REX.B give other registers, the same operation;
     * an empty REX (40) is no REX */
    CHECK(sse_decode(0x66, 0x58, 0xc1, 0, 0, -1, &a));
    CHECK(sse_decode(0x66, 0x58, 0xc1, 0x44, 0, -1, &b));
    CHECK(a.helper == b.helper && a.info != b.info);
    CHECK(sse_decode(0x66, 0x58, 0xc1, 0x41, 0, -1, &b));
    CHECK(a.helper == b.helper && a.info != b.info);
    CHECK(sse_decode(0x66, 0x58, 0xc1, 0x40, 0, -1, &b));
    CHECK_EQ(a.info, b.info);
    /* movd / movq r/m64: REX.W is part of the decoded form */
    CHECK(sse_decode(0x66, 0x6e, 0xc1, 0, 0, -1, &a));
    CHECK(sse_decode(0x66, 0x6e, 0xc1, 0x48, 0, -1, &b));
    CHECK(a.helper == b.helper && a.info != b.info);
    /* the form checks do not change */
    CHECK(!sse_decode(0, 0x50, 0x01, 0x4c, 0, -1, &a));
    CHECK(!sse_decode(0, 0x2b, 0xc1, 0x45, 0, -1, &a));
}

static void test_registers_rex(void)
{
    CPUX86State env;

    /* xmm15 = xmm15 + xmm12 (66 REX.RB 0F FE /r: paddd) */
    env_init64(&env);
    env.xmm[15] = (XMMReg){.l = {1, 2, 3, 4}};
    env.xmm[12] = (XMMReg){.l = {10, 20, 30, 40}};
    env.xmm[7] = (XMMReg){.l = {100, 200, 300, 400}};
    env.xmm[4] = (XMMReg){.l = {1000, 2000, 3000, 4000}};
    CHECK_EQ(run_helper_rex(&env, 0x66, 0x45, 0xfe, 0xfc, 0, 0), -1);
    CHECK_EQ(env.xmm[15].l[3], 44);
    CHECK_EQ(env.xmm[7].l[3], 400); /* not xmm7 = xmm7 + xmm4 */
    /* MMX registers ignore REX: paddb with REX.RB is paddb mm7, mm4 */
    env.fpregs[7].mant = 0x0101010101010101ull;
    env.fpregs[4].mant = 0x0202020202020202ull;
    CHECK_EQ(run_helper_rex(&env, 0, 0x45, 0xfc, 0xfc, 0, 0), -1);
    CHECK_EQ(env.fpregs[7].mant, 0x0303030303030303ull);
    /* cvtpi2ps xmm13, mm6: REX.R reaches the XMM operand only */
    env.fpregs[6].mant = (uint64_t)2 << 32 | 1;
    CHECK_EQ(run_helper_rex(&env, 0, 0x45, 0x2a, 0xee, 0, 0), -1);
    CHECK_EQ(env.xmm[13].l[0], 0x3f800000);
    CHECK_EQ(env.xmm[13].l[1], 0x40000000);
    /* pextrw r10d, xmm11, 5: the upper half of r10 is cleared */
    env.regs[10] = 0xffffffffffffffffull;
    env.xmm[11].w[5] = 0xbeef;
    CHECK_EQ(run_helper_rex(&env, 0x66, 0x45, 0xc5, 0xd3, 0, 5), -1);
    CHECK_EQ(env.regs[10], 0xbeef);
    /* pmovmskb r12, xmm14 */
    env.regs[12] = 0xffffffffffffffffull;
    env.xmm[14] = (XMMReg){.q = {0x80, 0x8000000000000000ull}};
    CHECK_EQ(run_helper_rex(&env, 0x66, 0x45, 0xd7, 0xe6, 0, 0), -1);
    CHECK_EQ(env.regs[12], 0x8001);
}

static void test_gpr64(void)
{
    CPUX86State env;

    env_init64(&env);
    /* movq rcx, xmm0 (66 REX.W 0F 7E /r) and back into xmm9 (66 REX.WR
     * 0F 6E /r) */
    env.xmm[0].q[0] = 0x8877665544332211ull;
    CHECK_EQ(run_helper_rex(&env, 0x66, 0x48, 0x7e, 0xc1, 0, 0), -1);
    CHECK_EQ(env.regs[R_ECX], 0x8877665544332211ull);
    env.xmm[9] = (XMMReg){.q = {1, 2}};
    CHECK_EQ(run_helper_rex(&env, 0x66, 0x4c, 0x6e, 0xc9, 0, 0), -1);
    CHECK_EQ(env.xmm[9].q[0], 0x8877665544332211ull);
    CHECK_EQ(env.xmm[9].q[1], 0);
    /* movd ecx, xmm0 without REX.W: 32 bits, zero-extended */
    env.regs[R_ECX] = 0xffffffffffffffffull;
    CHECK_EQ(run_helper_rex(&env, 0x66, 0x40, 0x7e, 0xc1, 0, 0), -1);
    CHECK_EQ(env.regs[R_ECX], 0x44332211);
    /* movq mm3, r11 (REX.WB 0F 6E /r) */
    env.regs[11] = 0x0123456789abcdefull;
    CHECK_EQ(run_helper_rex(&env, 0, 0x49, 0x6e, 0xdb, 0, 0), -1);
    CHECK_EQ(env.fpregs[3].mant, 0x0123456789abcdefull);

    /* cvtsi2sd xmm8, rcx: 2^53 + 1 rounds (to even) with PE */
    env.mxcsr = 0x1f80;
    env.regs[R_ECX] = 0x0020000000000001ull;
    CHECK_EQ(run_helper_rex(&env, 0xf2, 0x4c, 0x2a, 0xc1, 0, 0), -1);
    CHECK_EQ(env.xmm[8].q[0], 0x4340000000000000ull);
    CHECK_EQ(env.mxcsr & MXCSR_FLAGS, MXCSR_PE);
    /* cvtsi2ss xmm8, rcx: -2^63 exactly */
    env.mxcsr = 0x1f80;
    env.regs[R_ECX] = 0x8000000000000000ull;
    CHECK_EQ(run_helper_rex(&env, 0xf3, 0x4c, 0x2a, 0xc1, 0, 0), -1);
    CHECK_EQ(env.xmm[8].l[0], 0xdf000000);
    CHECK_EQ(env.mxcsr & MXCSR_FLAGS, 0);

    /* cvttsd2si r9, xmm1: large, negative, NaN */
    static const struct {
        uint64_t in, out;
        uint32_t flags;
    } cvt[] = {
        {0x43dfffffffffffffull, 0x7ffffffffffffc00ull, 0},
        {0x43e0000000000000ull, 0x8000000000000000ull, MXCSR_IE},
        {0xc3e0000000000000ull, 0x8000000000000000ull, 0},
        {0xc3e0000000000001ull, 0x8000000000000000ull, MXCSR_IE},
        {0xbff8000000000000ull, 0xffffffffffffffffull, MXCSR_PE},
        {0x41e0000000000000ull, 0x0000000080000000ull, 0},
        {0x7ff8000000000000ull, 0x8000000000000000ull, MXCSR_IE},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cvt); i++) {
        env.mxcsr = 0x1f80;
        env.xmm[1].q[0] = cvt[i].in;
        env.regs[9] = 0x5555555555555555ull;
        CHECK_EQ(run_helper_rex(&env, 0xf2, 0x4c, 0x2c, 0xc9, 0, 0), -1);
        CHECK_EQ(env.regs[9], cvt[i].out);
        CHECK_EQ(env.mxcsr & MXCSR_FLAGS, cvt[i].flags);
    }
    /* cvtss2si rax, xmm1 (REX.W): 2^40 fits in 64 bits, not in 32 */
    env.mxcsr = 0x1f80;
    env.xmm[1].l[0] = 0x53800000;
    CHECK_EQ(run_helper_rex(&env, 0xf3, 0x48, 0x2d, 0xc1, 0, 0), -1);
    CHECK_EQ(env.regs[R_EAX], 0x10000000000ull);
    CHECK_EQ(env.mxcsr & MXCSR_FLAGS, 0);
    /* ... and without REX.W: the 32-bit indefinite, zero-extended */
    CHECK_EQ(run_helper_rex(&env, 0xf3, 0x40, 0x2d, 0xc1, 0, 0), -1);
    CHECK_EQ(env.regs[R_EAX], 0x80000000u);
    /* an unmasked invalid: #XM and r9 unchanged */
    env.mxcsr = 0x1f80 & ~(MXCSR_IE << MXCSR_MASK_SHIFT);
    env.xmm[1].q[0] = 0x7ff8000000000000ull;
    env.regs[9] = 7;
    CHECK_EQ(run_helper_rex(&env, 0xf2, 0x4c, 0x2c, 0xc9, 0, 0), EXCP13_XMM);
    CHECK_EQ(env.regs[9], 7);
}

/* Memory operands above 4 GiB, and the 4 GiB wrap outside 64-bit mode. */
static void test_memory_64(void)
{
    CPUX86State env;
    const uint64_t hi = HI_BASE;

    env_init64(&env);
    for (int i = 0; i < 16; i++) {
        gmem_hi[0x100 + i] = (uint8_t)(0xa0 + i);
    }
    /* movdqa xmm10, [hi + 0x100] (66 REX.R 0F 6F /r) */
    CHECK_EQ(run_helper_rex(&env, 0x66, 0x44, 0x6f, 0x16, hi + 0x100, 0), -1);
    CHECK_EQ(env.xmm[10].q[0], 0xa7a6a5a4a3a2a1a0ull);
    CHECK_EQ(env.xmm[10].q[1], 0xafaeadacabaaa9a8ull);
    /* misaligned: #GP(0) */
    CHECK_EQ(run_helper_rex(&env, 0x66, 0x44, 0x6f, 0x16, hi + 0x108, 0),
             EXCP0D_GPF);
    /* movups [hi + 0x203], xmm10 */
    CHECK_EQ(run_helper_rex(&env, 0, 0x44, 0x11, 0x16, hi + 0x203, 0), -1);
    CHECK_EQ(fake_ld64(hi + 0x203), 0xa7a6a5a4a3a2a1a0ull);
    CHECK_EQ(fake_ld64(hi + 0x20b), 0xafaeadacabaaa9a8ull);
    /* movnti [hi + 0x300], r9 (REX.WR 0F C3 /r) */
    env.regs[9] = 0x1122334455667788ull;
    CHECK_EQ(run_helper_rex(&env, 0, 0x4c, 0xc3, 0x0e, hi + 0x300, 0), -1);
    CHECK_EQ(fake_ld64(hi + 0x300), 0x1122334455667788ull);
    /* movq xmm11, [hi + 0x300] (66 REX.WR 0F 6E) and movq [hi + 0x310],
     * xmm11 (66 REX.WR 0F 7E) */
    CHECK_EQ(run_helper_rex(&env, 0x66, 0x4c, 0x6e, 0x1e, hi + 0x300, 0), -1);
    CHECK_EQ(env.xmm[11].q[0], 0x1122334455667788ull);
    CHECK_EQ(run_helper_rex(&env, 0x66, 0x4c, 0x7e, 0x1e, hi + 0x310, 0), -1);
    CHECK_EQ(fake_ld64(hi + 0x310), 0x1122334455667788ull);
    /* cvtsi2sd xmm12, qword [hi + 0x320] */
    fake_st64(hi + 0x320, (uint64_t)-3);
    CHECK_EQ(run_helper_rex(&env, 0xf2, 0x4c, 0x2a, 0x26, hi + 0x320, 0), -1);
    CHECK_EQ(env.xmm[12].q[0], 0xc008000000000000ull);
    /* maskmovdqu xmm8, xmm9 to [hi + 0x400] (its ea is RDI's) */
    memset(gmem_hi + 0x400, 0x11, 16);
    env.xmm[8] = (XMMReg){.q = {0x0807060504030201ull, 0x100f0e0d0c0b0a09ull}};
    env.xmm[9] = (XMMReg){.q = {0x80, 0x8000000000000000ull}};
    CHECK_EQ(run_helper_rex(&env, 0x66, 0x45, 0xf7, 0xc1, hi + 0x400, 0), -1);
    CHECK_EQ(fake_ld64(hi + 0x400), 0x1111111111111101ull);
    CHECK_EQ(fake_ld64(hi + 0x408), 0x1011111111111111ull);
    /* ldmxcsr / stmxcsr */
    fake_st(&env, hi + 0x500, 4, 0x1f81);
    CHECK_EQ(run_helper_rex(&env, 0, 0x48, 0xae, 0x16, hi + 0x500, 0), -1);
    CHECK_EQ(env.mxcsr, 0x1f81);

    /* Outside 64-bit mode the pieces of an operand wrap at 4 GiB. */
    env_init(&env);
    for (int i = 0; i < 8; i++) {
        gmem_top[0xff8 + i] = (uint8_t)(0x10 + i);
        gmem[i] = (uint8_t)(0x20 + i);
    }
    CHECK_EQ(run_helper(&env, 0, 0x10, 0x06, 0xfffffff8u, 0), -1);
    CHECK_EQ(env.xmm[0].q[0], 0x1716151413121110ull);
    CHECK_EQ(env.xmm[0].q[1], 0x2726252423222120ull);
}

/* FXSAVE64 / FXRSTOR64 (REX.W) and FXSAVE in and out of 64-bit mode:
 * SDM vol. 2, FXSAVE, the three layouts. */
static void test_fxsave64(void)
{
    CPUX86State env, e2;
    const uint64_t img = HI_BASE + 0x200;

    env_init64(&env);
    env.fpuc = 0x37f;
    env.fpop = 0x123;
    env.fpip = 0x00007fff12345678ull;
    env.fpcs = 0x33;
    env.fpdp = 0x0000123456789abcull;
    env.fpds = 0x2b;
    for (int i = 0; i < 16; i++) {
        env.xmm[i].q[0] = 0x0101010101010101ull * i;
        env.xmm[i].q[1] = ~env.xmm[i].q[0];
    }
    memset(gmem_hi + 0x200, 0xcc, 512);
    /* FXSAVE64 [img] (REX.W 0F AE /0) */
    CHECK_EQ(run_helper_rex(&env, 0, 0x48, 0xae, 0x06, img, 0), -1);
    CHECK_EQ(fake_ld(&env, img + 6, 2), 0x123);
    CHECK_EQ(fake_ld64(img + 8), 0x00007fff12345678ull);
    CHECK_EQ(fake_ld64(img + 16), 0x0000123456789abcull);
    CHECK_EQ(fake_ld(&env, img + 24, 4), 0x1f80);
    CHECK_EQ(fake_ld64(img + 160 + 16 * 7), 0x0707070707070707ull);
    CHECK_EQ(fake_ld64(img + 160 + 16 * 8), 0x0808080808080808ull);
    CHECK_EQ(fake_ld64(img + 160 + 16 * 15 + 8), ~0x0f0f0f0f0f0f0f0full);
    CHECK_EQ(fake_ld(&env, img + 416, 4), 0xcccccccc); /* reserved */
    CHECK_EQ(fake_ld(&env, img + 464, 4), 0xcccccccc); /* software's */
    /* REX.R is no part of an opcode extension: still FXSAVE64 */
    memset(gmem_hi + 0x200, 0xcc, 512);
    CHECK_EQ(run_helper_rex(&env, 0, 0x4c, 0xae, 0x06, img, 0), -1);
    CHECK_EQ(fake_ld64(img + 8), 0x00007fff12345678ull);

    /* FXRSTOR64 into a clean state: 64-bit pointers, XMM8-15, no
     * selectors */
    env_init64(&e2);
    e2.fpcs = e2.fpds = 0x99;
    CHECK_EQ(run_helper_rex(&e2, 0, 0x48, 0xae, 0x0e, img, 0), -1);
    CHECK_EQ(e2.fpip, 0x00007fff12345678ull);
    CHECK_EQ(e2.fpdp, 0x0000123456789abcull);
    CHECK_EQ(e2.fpcs, 0);
    CHECK_EQ(e2.fpds, 0);
    CHECK_EQ(e2.fpop, 0x123);
    for (int i = 0; i < 16; i++) {
        CHECK_EQ(e2.xmm[i].q[0], env.xmm[i].q[0]);
        CHECK_EQ(e2.xmm[i].q[1], env.xmm[i].q[1]);
    }

    /* FXSAVE without REX.W in 64-bit mode: 32-bit offsets with their
     * selectors, XMM8-15 still saved */
    memset(gmem_hi + 0x200, 0xcc, 512);
    CHECK_EQ(run_helper_rex(&env, 0, 0, 0xae, 0x06, img, 0), -1);
    CHECK_EQ(fake_ld(&env, img + 8, 4), 0x12345678);
    CHECK_EQ(fake_ld(&env, img + 12, 2), 0x33);
    CHECK_EQ(fake_ld(&env, img + 16, 4), 0x56789abc);
    CHECK_EQ(fake_ld(&env, img + 20, 2), 0x2b);
    CHECK_EQ(fake_ld64(img + 160 + 16 * 15), 0x0f0f0f0f0f0f0f0full);
    /* ... and FXRSTOR: FIP/FDP zero-extended, selectors back */
    env_init64(&e2);
    CHECK_EQ(run_helper_rex(&e2, 0, 0, 0xae, 0x0e, img, 0), -1);
    CHECK_EQ(e2.fpip, 0x12345678);
    CHECK_EQ(e2.fpcs, 0x33);
    CHECK_EQ(e2.fpdp, 0x56789abc);
    CHECK_EQ(e2.fpds, 0x2b);
    CHECK_EQ(e2.xmm[15].q[0], 0x0f0f0f0f0f0f0f0full);

    /* Outside 64-bit mode: XMM0-7 only, the rest reserved */
    env.hflags &= ~(HF_LMA | HF_CS64);
    memset(gmem + 0x400, 0xcc, 512);
    CHECK_EQ(run_helper(&env, 0, 0xae, 0x06, 0x400, 0), -1);
    CHECK_EQ(fake_ld64(0x400 + 160 + 16 * 7), 0x0707070707070707ull);
    CHECK_EQ(fake_ld(&env, 0x400 + 288, 4), 0xcccccccc);
    env_init(&e2);
    e2.xmm[8].q[0] = 42;
    CHECK_EQ(run_helper(&e2, 0, 0xae, 0x0e, 0x400, 0), -1);
    CHECK_EQ(e2.xmm[7].q[0], 0x0707070707070707ull);
    CHECK_EQ(e2.xmm[8].q[0], 42);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    hooks_install();
    setup_native();
    if (getenv("SSE_TEST_SEED")) {
        rng_state = strtoull(getenv("SSE_TEST_SEED"), NULL, 0) | 1;
    }
    TEST_RUN(test_tables);
    TEST_RUN(test_decode);
    TEST_RUN(test_cr_checks);
    TEST_RUN(test_alignment);
    TEST_RUN(test_mmx_state);
    TEST_RUN(test_known_answers);
    TEST_RUN(test_mxcsr_fxsave);
    TEST_RUN(test_decode_rex);
    TEST_RUN(test_registers_rex);
    TEST_RUN(test_gpr64);
    TEST_RUN(test_memory_64);
    TEST_RUN(test_fxsave64);
    TEST_RUN(test_differential);
    TEST_RUN(test_differential_rex);
    return test_finish();
}
