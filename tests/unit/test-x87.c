/*
 * x87 FPU: a native differential test plus directed tests.
 *
 * Differential: every x87 encoding of the Pentium Pro (plus the SSE3
 * FISTTP) is run on random and edge-case states, once on the host's own
 * x87 and once through x87_exec().  The host side is a tiny generated
 * stub: POPFQ (the input flags), FRSTOR image, the instruction (memory
 * forms address [rsi]), FNSAVE image, PUSHFQ.  FNSAVE does not wait, so an
 * unmasked exception is captured rather than trapped.  The emulated side
 * does FRSTOR, the instruction, FSAVE through x87_exec on a flat fake
 * memory.  FCW, FSW, the full FTW, all eight registers, the memory
 * operand, EFLAGS' arithmetic bits and AX (FNSTSW AX) are compared bit for
 * bit; FIP/FDP/FOP are not (the host runs in 64-bit mode).
 *
 * x86_ld/x86_st/x86_raise_exception are defined by accel/tcg, which the
 * test links, so the FPU is driven through x87_exec() with this file's
 * X87MemOps (fake memory, sigsetjmp-based raise) instead.
 *
 * Long mode: 64-bit mode (HF_CS64) with a memory operand and an
 * instruction pointer above 4 GiB (the fake memory has a window there):
 * 64-bit FIP/FDP, FXSAVE64/FXRSTOR64, FXSAVE and FNSTENV storing their
 * low halves, x87_decode's seg -1; and the 4 GiB wrap outside it.
 */
#include "tests/unit/harness.h"
#include "target-i386/fpu-helper.h"
#include "target-i386/fpu-internal.h"
#include "target-i386/softfloat-x80.h"
#include "target-i386/tcg-x86.h"
#include <setjmp.h>
#include <sys/mman.h>

#define FMEM_SIZE 0x1000
#define IMG 0x100          /* FSAVE image in the fake memory */
#define OPND 0x400         /* the memory operand */
#define IMG_SIZE 108

static CPUX86State env;
static uint8_t fmem[FMEM_SIZE];
static sigjmp_buf raise_jmp;

/* Two more windows: above 4 GiB, and the last page below 4 GiB. */
#define HI_BASE  0x00007f0000000000ULL
#define TOP_BASE 0xfffff000ULL
static uint8_t fmem_hi[FMEM_SIZE], fmem_top[FMEM_SIZE];

/* The byte at a, or NULL (#GP) outside the fake memory. */
static uint8_t *t_byte(uint64_t a)
{
    if (a >= HI_BASE && a - HI_BASE < FMEM_SIZE) {
        return &fmem_hi[a - HI_BASE];
    }
    if (a >= TOP_BASE && a - TOP_BASE < FMEM_SIZE) {
        return &fmem_top[a - TOP_BASE];
    }
    return a < FMEM_SIZE ? &fmem[a] : NULL;
}

static uint32_t t_ld(CPUX86State *e, uint64_t a, int size)
{
    uint32_t v = 0;

    for (int i = 0; i < size; i++) {
        uint8_t *p = t_byte(a + i);
        if (!p) {
            siglongjmp(raise_jmp, 1 + EXCP0D_GPF);
        }
        v |= (uint32_t)*p << (8 * i);
    }
    return v;
}

static void t_st(CPUX86State *e, uint64_t a, int size, uint32_t v)
{
    for (int i = 0; i < size; i++) {
        if (!t_byte(a + i)) {
            siglongjmp(raise_jmp, 1 + EXCP0D_GPF);
        }
    }
    for (int i = 0; i < size; i++) {
        *t_byte(a + i) = (uint8_t)(v >> (8 * i));
    }
}

static EMU_NORETURN void t_raise(CPUX86State *e, int vector, int err)
{
    siglongjmp(raise_jmp, 1 + vector);
}

static const X87MemOps tops = { .ld = t_ld, .st = t_st, .raise = t_raise };

/* Run one instruction; returns the vector raised or -1. */
static int emu(uint8_t op, uint8_t modrm, uint32_t ea)
{
    int v = sigsetjmp(raise_jmp, 0);

    if (v) {
        return v - 1;
    }
    x87_exec(&env, &tops, op, modrm, ea, true, 0x1234, 0x8, 0x10);
    return -1;
}

static int emu_fwait(void)
{
    int v = sigsetjmp(raise_jmp, 0);

    if (v) {
        return v - 1;
    }
    x87_fwait(&env, &tops);
    return -1;
}

static void env_init(void)
{
    memset(&env, 0, sizeof(env));
    env.cr[0] = CR0_PE_MASK | CR0_ET_MASK | CR0_NE_MASK;
    env.eflags = 2;
    env.cc_op = CC_OP_EFLAGS;
    env.cpuid_ext_features = 1;     /* SSE3: FISTTP */
    x87_reset(&env);
}

/* ---- random numbers and operands ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned rn(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* A significand with the bits around the rounding points interesting. */
static uint64_t gen_mant(void)
{
    uint64_t m = rnd();

    switch (rn(6)) {
    case 0:     /* ...x 1000... or 0111... at the 24/53/64-bit points */
    case 1: {
        static const int pos[] = { 40, 11, 0, 39, 10 };
        int p = pos[rn(5)];
        uint64_t low = (1ULL << p) - 1;
        m &= ~low;
        if (p && rn(2)) {
            m |= (1ULL << (p - 1));
            if (rn(2)) {
                m |= rnd() & (low >> 1) & (rn(2) ? 1 : ~0ULL);
            }
        } else if (p) {
            m |= (low >> 1);
        }
        break;
    }
    case 2:
        m = rn(2) ? ~0ULL : 0;
        m ^= 1ULL << rn(64);
        break;
    case 3:
        m = rnd() & (rnd() | rnd() << 32);
        break;
    default:
        break;
    }
    return m;
}

static FPReg gen_x80(void)
{
    bool s = rn(2);
    uint64_t m = gen_mant();

    switch (rn(24)) {
    case 0:
        return x80_zero(s);
    case 1:
        return x80_inf(s);
    case 2:     /* QNaN */
        return x80_make(s, 0x7fff, m | X80_J | X80_QUIET);
    case 3:     /* SNaN */
        m = (m & ~X80_QUIET) | X80_J;
        if (!(m << 2)) {
            m |= 1;
        }
        return x80_make(s, 0x7fff, m);
    case 4:
    case 5:     /* denormal */
        return x80_make(s, 0, (m & ~X80_J) >> rn(64) ?: 1);
    case 6:     /* pseudo-denormal */
        return x80_make(s, 0, m | X80_J);
    case 7:     /* unnormal, pseudo-NaN, pseudo-infinity */
        return x80_make(s, rn(4) ? (uint16_t)rn(0x7fff) : 0x7fff,
                        (m & ~X80_J) >> rn(3));
    case 8:     /* largest / smallest normal */
        return rn(2) ? x80_make(s, 0x7ffe, ~0ULL) : x80_make(s, 1, X80_J);
    case 9:     /* near the overflow / underflow thresholds */
        return x80_make(s, rn(2) ? (uint16_t)(0x7ffe - rn(70))
                                 : (uint16_t)(1 + rn(70)), m | X80_J);
    case 10:
    case 11: {  /* small integers and halves */
        FPReg r = x80_from_int64((int64_t)rn(2000) - 1000);
        if (rn(2) && (r.exp & 0x7fff)) {
            r.exp--;
        }
        return r;
    }
    case 12:    /* single / double range edges */
        return x80_make(s, (uint16_t)(0x3fff + (rn(2) ? 1 : -1) *
                                      (int)(rn(2) ? 127 + rn(30) - 15
                                                  : 1023 + rn(80) - 40)),
                        m | X80_J);
    case 13:    /* anything */
        return x80_make(s, (uint16_t)(1 + rn(0x7ffe)), m | X80_J);
    case 14:    /* large integers near 2^15/2^31/2^63/10^18 */
        return x80_make(s, (uint16_t)(0x3fff + 14 + 16 * rn(4) + rn(3)),
                        m | X80_J);
    default:
        return x80_make(s, (uint16_t)(0x3fff + (int)rn(140) - 70),
                        m | X80_J);
    }
}

/* b near a: same or adjacent exponent, or 63..66 apart. */
static FPReg gen_near(FPReg a)
{
    FPReg b = a;

    switch (rn(4)) {
    case 0:
        b.mant += rn(5) - 2;
        break;
    case 1:
        b.exp = (uint16_t)(b.exp + rn(3) - 1);
        b.mant ^= rnd() & 0xffff;
        break;
    case 2:
        b.exp = (uint16_t)(b.exp + (rn(2) ? 1 : -1) * (int)(62 + rn(6)));
        break;
    default:
        b.exp ^= 0x8000;
        b.mant ^= rnd() & 7;
        break;
    }
    if ((b.exp & 0x7fff) && (b.exp & 0x7fff) != 0x7fff) {
        b.mant |= X80_J;
    }
    return b;
}

static uint32_t gen_f32(void)
{
    uint32_t s = (uint32_t)rn(2) << 31, f = (uint32_t)rnd() & 0x7fffff;

    switch (rn(8)) {
    case 0:
        return s | (rn(2) ? 0 : 0x7f800000);
    case 1:
        return s | 0x7f800000 | (f ?: 1);           /* NaN */
    case 2:
        return s | (f >> rn(23) ?: 1);              /* denormal */
    case 3:
        return s | ((uint32_t)(127 + rn(40) - 20) << 23) | f;
    default:
        return (uint32_t)rnd();
    }
}

static uint64_t gen_f64(void)
{
    uint64_t s = (uint64_t)rn(2) << 63, f = rnd() & ((1ULL << 52) - 1);

    switch (rn(8)) {
    case 0:
        return s | (rn(2) ? 0 : 0x7ff0000000000000ULL);
    case 1:
        return s | 0x7ff0000000000000ULL | (f ?: 1);
    case 2:
        return s | (f >> rn(52) ?: 1);
    case 3:
        return s | ((uint64_t)(1023 + rn(100) - 50) << 52) | f;
    default:
        return rnd();
    }
}

static uint64_t gen_int(int bits)
{
    uint64_t v;

    switch (rn(4)) {
    case 0:
        v = rn(2) ? 1ULL << (bits - 1) : (1ULL << (bits - 1)) - 1;
        v += rn(3) - 1;
        break;
    case 1:
        v = rn(2000) - 1000;
        break;
    default:
        v = rnd() >> rn(64);
        if (rn(2)) {
            v = -v;
        }
        break;
    }
    return v;
}

static void gen_bcd(uint8_t *b)
{
    for (int i = 0; i < 9; i++) {
        b[i] = (uint8_t)(rn(10) << 4 | rn(10));
        if (rn(3) == 0) {
            b[i] = 0;
        }
    }
    b[9] = rn(2) ? 0x80 : 0;
}

/* ---- the native side ---- */

typedef uint64_t (*StubFn)(void *img, void *mem, uint64_t flags,
                           uint64_t *flags_out);
static uint8_t *stub;

static bool native_init(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        return false;
    }
    stub = p;
    return true;
}

static uint16_t native(uint8_t op, uint8_t modrm, uint8_t *img, uint8_t *mem,
                       uint32_t fl_in, uint32_t *fl_out)
{
    uint8_t *p = stub;
    uint64_t flo;
    uint64_t ax;

    *p++ = 0x52;                /* push rdx */
    *p++ = 0x9d;                /* popfq */
    *p++ = 0xdd;                /* frstor [rdi] */
    *p++ = 0x27;
    *p++ = op;
    *p++ = modrm >= 0xc0 ? modrm : (uint8_t)((modrm & 0x38) | 0x06);
    *p++ = 0xdd;                /* fnsave [rdi] */
    *p++ = 0x37;
    *p++ = 0x9c;                /* pushfq */
    *p++ = 0x8f;                /* pop qword [rcx] */
    *p++ = 0x01;
    *p++ = 0xc3;                /* ret */
    __builtin___clear_cache((char *)stub, (char *)p);
    ax = ((StubFn)(void *)stub)(img, mem, 0x202 | fl_in, &flo);
    *fl_out = (uint32_t)flo;
    return (uint16_t)ax;
}

/* ---- one differential case ---- */

enum {
    M_NONE, M_F32, M_F64, M_F80, M_I16, M_I32, M_I64, M_BCD, M_OUT, M_CW,
    M_ENV,
};

typedef struct DiffStats {
    long run, failed;
} DiffStats;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static void put_x80(uint8_t *p, FPReg r)
{
    memcpy(p, &r.mant, 8);
    put16(p + 8, r.exp);
}

/* A random starting state as a 32-bit protected-mode FSAVE image. */
static void gen_state(uint8_t *img, uint8_t op, uint8_t modrm)
{
    static const uint16_t pcs[3] = { 0, 2, 3 };
    uint16_t masks = rn(4) ? 0x3f : (uint16_t)(rnd() & 0x3f);
    uint16_t fcw = 0x40 | masks | pcs[rn(3)] << 8 | (uint16_t)rn(4) << 10;
    unsigned top = rn(8);
    uint16_t fsw = (uint16_t)(top << 11) | (uint16_t)(rnd() & 0x4700);
    uint16_t ftw = 0;
    FPReg st[8];

    fsw |= (uint16_t)(rnd() & masks & 0x3f);        /* sticky, masked */
    memset(img, 0, IMG_SIZE);
    st[0] = gen_x80();
    st[1] = rn(3) ? gen_near(st[0]) : gen_x80();
    if (rn(2)) {
        FPReg t = st[0];
        st[0] = st[1];
        st[1] = t;
    }
    if (modrm >= 0xc0 && (modrm & 7) > 1 && rn(2)) {
        st[modrm & 7] = gen_near(st[0]);
    }
    for (int i = 2; i < 8; i++) {
        if (!(modrm >= 0xc0 && (modrm & 7) == i && st[i].mant)) {
            st[i] = gen_x80();
        }
    }
    for (int i = 0; i < 8; i++) {
        bool empty;
        unsigned ph = (top + i) & 7;
        if (i < 2) {
            empty = rn(20) == 0;
        } else if (i == 7) {
            empty = rn(10) != 0;
        } else {
            empty = rn(4) == 0;
        }
        ftw |= (empty ? 3 : 0) << (2 * ph);
        put_x80(img + 28 + 10 * i, st[i]);
    }
    put16(img, fcw);
    put16(img + 4, fsw);
    put16(img + 8, ftw);
}

static void gen_mem(uint8_t *mem, int kind)
{
    uint64_t v;

    for (int i = 0; i < 32; i++) {
        mem[i] = (uint8_t)rnd();
    }
    switch (kind) {
    case M_F32:
        v = gen_f32();
        memcpy(mem, &v, 4);
        break;
    case M_F64:
        v = gen_f64();
        memcpy(mem, &v, 8);
        break;
    case M_F80:
        put_x80(mem, gen_x80());
        break;
    case M_I16:
        v = gen_int(16);
        memcpy(mem, &v, 2);
        break;
    case M_I32:
        v = gen_int(32);
        memcpy(mem, &v, 4);
        break;
    case M_I64:
        v = gen_int(64);
        memcpy(mem, &v, 8);
        break;
    case M_BCD:
        gen_bcd(mem);
        break;
    case M_CW:
        v = rnd() & 0x1f7f;
        if (rn(4)) {
            v |= 0x3f;
        }
        memcpy(mem, &v, 2);
        break;
    default:
        break;
    }
}

static void dump_img(const char *what, const uint8_t *img)
{
    printf("    %s: FCW %04x FSW %04x FTW %04x\n", what, get16(img),
           get16(img + 4), get16(img + 8));
    for (int i = 0; i < 8; i++) {
        uint64_t m;
        memcpy(&m, img + 28 + 10 * i, 8);
        printf("      ST%d %04x %016" PRIx64 "\n", i,
               get16(img + 36 + 10 * i), m);
    }
}

static bool img_equal(const uint8_t *a, const uint8_t *b)
{
    return !memcmp(a, b, 2) && !memcmp(a + 4, b + 4, 2) &&
           !memcmp(a + 8, b + 8, 2) && !memcmp(a + 28, b + 28, 80);
}

static int mem_len(int kind)
{
    static const int len[] = { 0, 4, 8, 10, 2, 4, 8, 10, 10, 2, 28 };
    return len[kind];
}

static void diff_one(uint8_t op, uint8_t modrm, int kind, int store_len,
                     DiffStats *st, int *printed)
{
    uint8_t img[IMG_SIZE], nimg[IMG_SIZE], in[IMG_SIZE];
    uint8_t mem[32], nmem[32];
    uint32_t fl_in = (uint32_t)rnd() & CC_ARITH, nfl, efl;
    uint16_t nax;
    int vec;
    int len = store_len ? store_len : mem_len(kind);
    bool ok;

    gen_state(in, op, modrm);
    gen_mem(mem, kind);
    memcpy(nimg, in, IMG_SIZE);
    memcpy(nmem, mem, sizeof(mem));
    nax = native(op, modrm, nimg, nmem, fl_in, &nfl);

    env_init();
    env.eflags = 2 | fl_in;
    env.cc_src = fl_in;
    env.regs[R_EAX] = 0;
    memcpy(fmem + IMG, in, IMG_SIZE);
    memcpy(fmem + OPND, mem, sizeof(mem));
    vec = emu(0xdd, 0x20, IMG);                 /* FRSTOR */
    if (vec < 0) {
        vec = emu(op, modrm, OPND);
    }
    if (vec < 0) {
        vec = emu(0xdd, 0x30, IMG);             /* FNSAVE */
    }
    memcpy(img, fmem + IMG, IMG_SIZE);
    efl = x86_get_eflags(&env);

    ok = vec < 0 && img_equal(img, nimg) &&
         !memcmp(fmem + OPND, nmem, len) &&
         (efl & CC_ARITH) == (nfl & CC_ARITH);
    if (op == 0xdf && modrm == 0xe0) {
        ok = ok && (uint16_t)env.regs[R_EAX] == nax;
    }
    st->run++;
    if (!ok) {
        st->failed++;
        if ((*printed)++ < 3) {
            printf("  mismatch %02x %02x (exception %d) flags in %02x "
                   "host %02x emu %02x\n", op, modrm, vec, fl_in,
                   nfl & CC_ARITH, efl & CC_ARITH);
            dump_img("in", in);
            dump_img("host", nimg);
            dump_img("emu", img);
            if (len) {
                printf("    mem in/host/emu:");
                for (int i = 0; i < len; i++) {
                    printf(" %02x/%02x/%02x", mem[i], nmem[i],
                           fmem[OPND + i]);
                }
                printf("\n");
            }
        }
    }
}

static DiffStats total;

/* n random cases of one encoding. */
static void diff_insn(const char *name, uint8_t op, uint8_t modrm, int kind,
                      int n)
{
    DiffStats st = { 0, 0 };
    int printed = 0;

    for (int k = 0; k < n; k++) {
        diff_one(op, modrm, kind, 0, &st, &printed);
    }
    total.run += st.run;
    total.failed += st.failed;
    if (st.failed) {
        test_fail(__FILE__, __LINE__, "%s (%02x %02x): %ld of %ld differ",
                  name, op, modrm, st.failed, st.run);
    }
}

/* Memory forms that write: kind gives the stored size. */
static void diff_store(const char *name, uint8_t op, int reg, int size,
                       int n)
{
    DiffStats st = { 0, 0 };
    int printed = 0;

    for (int k = 0; k < n; k++) {
        diff_one(op, (uint8_t)(reg << 3), M_OUT, size, &st, &printed);
    }
    total.run += st.run;
    total.failed += st.failed;
    if (st.failed) {
        test_fail(__FILE__, __LINE__, "%s (%02x /%d): %ld of %ld differ",
                  name, op, reg, st.failed, st.run);
    }
}

#define N 3000

static void test_diff_arith_mem(void)
{
    static const int kinds[4] = { M_F32, M_I32, M_F64, M_I16 };

    for (int o = 0; o < 4; o++) {
        for (int reg = 0; reg < 8; reg++) {
            diff_insn("arith mem", (uint8_t)(0xd8 + 2 * o),
                      (uint8_t)(reg << 3), kinds[o], N);
        }
    }
}

static void test_diff_arith_reg(void)
{
    static const uint8_t ops[3] = { 0xd8, 0xdc, 0xde };

    for (int o = 0; o < 3; o++) {
        for (int m = 0xc0; m <= 0xff; m++) {
            if (ops[o] == 0xde && (m & 0xf8) == 0xd8 && m != 0xd9) {
                continue;       /* reserved */
            }
            diff_insn("arith reg", ops[o], (uint8_t)m, M_NONE,
                      (m & 7) < 2 ? N : N / 4);
        }
    }
}

static void test_diff_d9(void)
{
    for (int m = 0xc0; m <= 0xff; m++) {
        if ((m >= 0xd1 && m <= 0xd7) || m == 0xe2 || m == 0xe3 ||
            m == 0xe6 || m == 0xe7 || m == 0xef) {
            continue;           /* reserved */
        }
        if (m >= 0xd8 && m <= 0xdf) {
            /* Undocumented FSTP1: the AMD host neither faults nor stores
             * when ST0 is empty; we keep Intel's FSTP behaviour. */
            continue;
        }
        diff_insn("d9", 0xd9, (uint8_t)m, M_NONE, m >= 0xf0 ? 2 * N : N);
    }
}

static void test_diff_misc_reg(void)
{
    for (int m = 0xc0; m <= 0xdf; m++) {
        diff_insn("fcmov", 0xda, (uint8_t)m, M_NONE, N / 4);
        diff_insn("fcmovn", 0xdb, (uint8_t)m, M_NONE, N / 4);
    }
    diff_insn("fucompp", 0xda, 0xe9, M_NONE, N);
    diff_insn("fnclex", 0xdb, 0xe2, M_NONE, N / 4);
    diff_insn("fninit", 0xdb, 0xe3, M_NONE, N / 4);
    for (int m = 0xe8; m <= 0xf7; m++) {
        diff_insn("fcomi", 0xdb, (uint8_t)m, M_NONE, N / 2);
        diff_insn("fcomip", 0xdf, (uint8_t)m, M_NONE, N / 2);
    }
    for (int m = 0xc0; m <= 0xef; m++) {
        diff_insn("dd reg", 0xdd, (uint8_t)m, M_NONE, N / 4);
    }
    for (int m = 0xc0; m <= 0xdf; m++) {
        diff_insn("df reg", 0xdf, (uint8_t)m, M_NONE, N / 4);
    }
    diff_insn("fnstsw ax", 0xdf, 0xe0, M_NONE, N / 4);
}

static void test_diff_loads(void)
{
    diff_insn("fld m32", 0xd9, 0x00, M_F32, 2 * N);
    diff_insn("fld m64", 0xdd, 0x00, M_F64, 2 * N);
    diff_insn("fld m80", 0xdb, 0x28, M_F80, N);
    diff_insn("fild m16", 0xdf, 0x00, M_I16, N);
    diff_insn("fild m32", 0xdb, 0x00, M_I32, N);
    diff_insn("fild m64", 0xdf, 0x28, M_I64, N);
    diff_insn("fbld", 0xdf, 0x20, M_BCD, N);
    diff_insn("fldcw", 0xd9, 0x28, M_CW, N);
}

static void test_diff_stores(void)
{
    diff_store("fst m32", 0xd9, 2, 4, 2 * N);
    diff_store("fstp m32", 0xd9, 3, 4, N);
    diff_store("fst m64", 0xdd, 2, 8, 2 * N);
    diff_store("fstp m64", 0xdd, 3, 8, N);
    diff_store("fstp m80", 0xdb, 7, 10, N);
    diff_store("fist m16", 0xdf, 2, 2, N);
    diff_store("fistp m16", 0xdf, 3, 2, N);
    diff_store("fist m32", 0xdb, 2, 4, N);
    diff_store("fistp m32", 0xdb, 3, 4, N);
    diff_store("fistp m64", 0xdf, 7, 8, 2 * N);
    diff_store("fisttp m16", 0xdf, 1, 2, N);
    diff_store("fisttp m32", 0xdb, 1, 4, N);
    diff_store("fisttp m64", 0xdd, 1, 8, N);
    diff_store("fbstp", 0xdf, 6, 10, 2 * N);
    diff_store("fnstcw", 0xd9, 7, 2, N / 4);
    diff_store("fnstsw m16", 0xdd, 7, 2, N / 4);
}

/* FNSTENV: compare all but the pointer fields (offsets 12-27). */
static void test_diff_fnstenv(void)
{
    int bad = 0;

    for (int k = 0; k < N / 4; k++) {
        uint8_t in[IMG_SIZE], nimg[IMG_SIZE], nmem[32];
        uint32_t nfl;
        gen_state(in, 0xd9, 0x30);
        memcpy(nimg, in, IMG_SIZE);
        memset(nmem, 0x5a, sizeof(nmem));
        native(0xd9, 0x30, nimg, nmem, 0, &nfl);
        env_init();
        memcpy(fmem + IMG, in, IMG_SIZE);
        memset(fmem + OPND, 0x5a, 32);
        CHECK_EQ(emu(0xdd, 0x20, IMG), -1);
        CHECK_EQ(emu(0xd9, 0x30, OPND), -1);
        CHECK_EQ(emu(0xdd, 0x30, IMG), -1);
        if (memcmp(fmem + OPND, nmem, 12) || !img_equal(fmem + IMG, nimg)) {
            if (bad++ < 3) {
                printf("  fnstenv: host %08x %08x %08x emu %08x %08x %08x\n",
                       t_ld(&env, OPND, 4), t_ld(&env, OPND + 4, 4),
                       t_ld(&env, OPND + 8, 4), nmem[0] | nmem[1] << 8 |
                       nmem[2] << 16 | (uint32_t)nmem[3] << 24,
                       get16(nmem + 4) | (uint32_t)get16(nmem + 6) << 16,
                       get16(nmem + 8) | (uint32_t)get16(nmem + 10) << 16);
            }
        }
        total.run++;
    }
    total.failed += bad;
    CHECK_EQ(bad, 0);
}

/* ---- directed tests ---- */

static void set_st(int i, uint16_t exp, uint64_t mant)
{
    FPReg r = { .mant = mant, .exp = exp };
    env.fpregs[(env.fpstt + i) & 7] = r;
    env.fptags[(env.fpstt + i) & 7] = 0;
}

/* FSAVE/FRSTOR in the four layouts (SDM vol. 1, figures 8-9 to 8-12). */
static void test_fsave_layouts(void)
{
    for (volatile int mode = 0; mode < 4; mode++) {
        bool pm = mode & 1, d32 = mode & 2;
        int envsz = d32 ? 28 : 14;
        int vec;

        env_init();
        if (!pm) {
            env.cr[0] &= ~CR0_PE_MASK;
        }
        env.fpuc = 0x0b7f;
        env.fpstt = 5;
        set_st(0, 0x3fff, 0x8000000000000000ULL);     /* valid */
        set_st(1, 0x0000, 0);                         /* zero */
        set_st(2, 0x7fff, 0xc000000000000000ULL);     /* special */
        env.fpus = 0x4123 & ~0x3800;
        env.fpip = 0x2345;
        env.fpcs = 0x1000;
        env.fpop = 0x5d9;
        env.fpdp = 0x6789;
        env.fpds = 0x2000;
        memset(fmem, 0xee, sizeof(fmem));
        vec = sigsetjmp(raise_jmp, 0);
        if (!vec) {
            x87_exec(&env, &tops, 0xdd, 0x30, IMG, d32, 0x1000, 0x8, 0x10);
        }
        CHECK_EQ(vec, 0);
        CHECK_EQ(t_ld(&env, IMG, 2), 0x0b7f);
        CHECK_EQ(t_ld(&env, IMG + (d32 ? 4 : 2), 2), 0x4123 | (5 << 11));
        /* R5 valid, R6 zero, R7 special, the rest empty */
        CHECK_EQ(t_ld(&env, IMG + (d32 ? 8 : 4), 2), 0x93ff);
        if (d32 && pm) {
            CHECK_EQ(t_ld(&env, IMG + 12, 4), 0x2345);
            CHECK_EQ(t_ld(&env, IMG + 16, 4), 0x1000 | (0x5d9u << 16));
            CHECK_EQ(t_ld(&env, IMG + 20, 4), 0x6789);
            CHECK_EQ(t_ld(&env, IMG + 24, 2), 0x2000);
        } else if (d32) {
            /* real mode: 32-bit linear pointers split 16 / 16 */
            uint32_t ip = 0x10000 + 0x2345, dp = 0x20000 + 0x6789;
            CHECK_EQ(t_ld(&env, IMG + 12, 2), ip & 0xffff);
            CHECK_EQ(t_ld(&env, IMG + 16, 4), (ip >> 16) << 12 | 0x5d9);
            CHECK_EQ(t_ld(&env, IMG + 20, 2), dp & 0xffff);
            CHECK_EQ(t_ld(&env, IMG + 24, 4), (dp >> 16) << 12);
        } else if (pm) {
            CHECK_EQ(t_ld(&env, IMG + 6, 2), 0x2345);
            CHECK_EQ(t_ld(&env, IMG + 8, 2), 0x1000);
            CHECK_EQ(t_ld(&env, IMG + 10, 2), 0x6789);
            CHECK_EQ(t_ld(&env, IMG + 12, 2), 0x2000);
        } else {
            CHECK_EQ(t_ld(&env, IMG + 6, 2), 0x2345);
            CHECK_EQ(t_ld(&env, IMG + 8, 2), 0x1000 | 0x5d9);
            CHECK_EQ(t_ld(&env, IMG + 10, 2), 0x6789);
            CHECK_EQ(t_ld(&env, IMG + 12, 2), 0x2000);
        }
        CHECK_EQ(t_ld(&env, IMG + envsz, 4), 0);
        CHECK_EQ(t_ld(&env, IMG + envsz + 4, 4), 0x80000000u);
        CHECK_EQ(t_ld(&env, IMG + envsz + 8, 2), 0x3fff);
        CHECK_EQ(t_ld(&env, IMG + envsz + 28, 2), 0x7fff);
        CHECK_EQ(fmem[IMG + envsz + 80], 0xee);       /* nothing beyond */
        /* FSAVE re-initialised the FPU */
        CHECK_EQ(env.fpuc, 0x37f);
        CHECK_EQ(x87_get_fsw(&env), 0);
        CHECK_EQ(x87_get_ftw_full(&env), 0xffff);
        /* FRSTOR brings everything back */
        vec = sigsetjmp(raise_jmp, 0);
        if (!vec) {
            x87_exec(&env, &tops, 0xdd, 0x20, IMG, d32, 0x1000, 0x8, 0x10);
        }
        CHECK_EQ(vec, 0);
        CHECK_EQ(env.fpuc, 0x0b7f);
        CHECK_EQ(x87_get_fsw(&env), 0x4123 | (5 << 11));
        CHECK_EQ(x87_get_ftw_full(&env), 0x93ff);
        CHECK_EQ(env.fpregs[7].mant, 0xc000000000000000ULL);
        CHECK_EQ(env.fpregs[7].exp, 0x7fff);
        CHECK_EQ(env.fpop, pm && !d32 ? 0 : 0x5d9);
        if (pm) {
            CHECK_EQ(env.fpip, d32 ? 0x2345 : 0x2345);
            CHECK_EQ(env.fpds, 0x2000);
        }
    }
}

static void test_fxsave(void)
{
    int vec;

    env_init();
    env.fpstt = 3;
    set_st(0, 0xc000, 0x8000000000000000ULL);   /* -2 in R3 */
    set_st(2, 0x0000, 0x0000000000000001ULL);   /* denormal in R5 */
    env.fpus = 0x0021;
    env.fpuc = 0x027f;
    env.fpop = 0x1e8;
    env.fpip = 0x11223344;
    env.fpcs = 0x23;
    env.fpdp = 0x55667788;
    env.fpds = 0x2b;
    env.mxcsr = 0x1f80;
    env.xmm[3].l[2] = 0xdeadbeef;
    memset(fmem, 0xcc, sizeof(fmem));
    vec = sigsetjmp(raise_jmp, 0);
    if (!vec) {
        x87_fxsave(&env, &tops, 0x200, false);
    }
    CHECK_EQ(vec, 0);
    CHECK_EQ(t_ld(&env, 0x200, 2), 0x027f);
    CHECK_EQ(t_ld(&env, 0x202, 2), 0x0021 | (3 << 11));
    CHECK_EQ(fmem[0x204], 0x28);                /* R3, R5 in use */
    CHECK_EQ(t_ld(&env, 0x206, 2), 0x1e8);
    CHECK_EQ(t_ld(&env, 0x208, 4), 0x11223344);
    CHECK_EQ(t_ld(&env, 0x20c, 2), 0x23);
    CHECK_EQ(t_ld(&env, 0x210, 4), 0x55667788);
    CHECK_EQ(t_ld(&env, 0x214, 2), 0x2b);
    CHECK_EQ(t_ld(&env, 0x218, 4), 0x1f80);
    CHECK_EQ(t_ld(&env, 0x21c, 4), 0xffff);      /* MXCSR_MASK: DAZ supported */
    CHECK_EQ(t_ld(&env, 0x220 + 4, 4), 0x80000000u);      /* ST0 */
    CHECK_EQ(t_ld(&env, 0x220 + 8, 2), 0xc000);
    CHECK_EQ(t_ld(&env, 0x220 + 32, 4), 1);               /* ST2 */
    CHECK_EQ(t_ld(&env, 0x2a0 + 3 * 16 + 8, 4), 0xdeadbeef);
    CHECK_EQ(fmem[0x200 + 288], 0xcc);          /* reserved untouched */

    /* Round trip through a clean state. */
    x87_reset(&env);
    env.mxcsr = 0;
    env.xmm[3].l[2] = 0;
    vec = sigsetjmp(raise_jmp, 0);
    if (!vec) {
        x87_fxrstor(&env, &tops, 0x200, false);
    }
    CHECK_EQ(vec, 0);
    CHECK_EQ(env.fpstt, 3);
    CHECK_EQ(x87_get_fsw(&env), 0x0021 | (3 << 11));
    CHECK_EQ(x87_get_ftw_full(&env), 0xfb3f);   /* R3 valid, R5 special */
    CHECK_EQ(env.fpregs[3].exp, 0xc000);
    CHECK_EQ(env.mxcsr, 0x1f80);
    CHECK_EQ(env.xmm[3].l[2], 0xdeadbeef);
    CHECK_EQ(env.fpip, 0x11223344);

    /* Misaligned: #GP(0); reserved MXCSR bits: #GP(0). */
    vec = sigsetjmp(raise_jmp, 0);
    if (!vec) {
        x87_fxsave(&env, &tops, 0x208, false);
    }
    CHECK_EQ(vec, 1 + EXCP0D_GPF);
    t_st(&env, 0x218, 4, 0x10000);
    vec = sigsetjmp(raise_jmp, 0);
    if (!vec) {
        x87_fxrstor(&env, &tops, 0x200, false);
    }
    CHECK_EQ(vec, 1 + EXCP0D_GPF);
}

static void load_st0(uint16_t exp, uint64_t mant)
{
    env.fpstt = (env.fpstt - 1) & 7;
    set_st(0, exp, mant);
}

static void test_fbstp(void)
{
    static const struct {
        int64_t v;
        uint8_t b[10];
    } cases[] = {
        { 1234567890123456789LL / 10,
          { 0x78, 0x56, 0x34, 0x12, 0x90, 0x78, 0x56, 0x34, 0x12, 0 } },
        { -99, { 0x99, 0, 0, 0, 0, 0, 0, 0, 0, 0x80 } },
        { 0, { 0 } },
    };

    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        FPReg r = x80_from_int64(cases[k].v);
        env_init();
        load_st0(r.exp, r.mant);
        CHECK_EQ(emu(0xdf, 0x30, OPND), -1);
        CHECK(!memcmp(fmem + OPND, cases[k].b, 10));
        CHECK_EQ(env.fptags[env.fpstt & 7] == 0, false);   /* popped */
        /* FBLD reads it back */
        CHECK_EQ(emu(0xdf, 0x20, OPND), -1);
        CHECK_EQ(env.fpregs[env.fpstt].mant, r.mant);
        CHECK_EQ(env.fpregs[env.fpstt].exp & 0x7fff, r.exp & 0x7fff);
    }
    /* -2.5 rounds to -2 (nearest even): sign byte set, PE, C1 clear. */
    env_init();
    load_st0(0xc000, 0xa000000000000000ULL);
    CHECK_EQ(emu(0xdf, 0x30, OPND), -1);
    CHECK_EQ(fmem[OPND], 0x02);
    CHECK_EQ(fmem[OPND + 9], 0x80);
    CHECK_EQ(x87_get_fsw(&env) & 0x0221, 0x20);
    /* 10^18 is out of range: IE and the BCD indefinite. */
    env_init();
    {
        FPReg r = x80_from_int64(1000000000000000000LL);
        load_st0(r.exp, r.mant);
    }
    CHECK_EQ(emu(0xdf, 0x30, OPND), -1);
    CHECK_EQ(fmem[OPND + 9], 0xff);
    CHECK_EQ(fmem[OPND + 8], 0xff);
    CHECK_EQ(fmem[OPND + 7], 0xc0);
    CHECK_EQ(fmem[OPND], 0);
    CHECK_EQ(x87_get_fsw(&env) & 1, 1);
}

/*
 * FPREM loops: 2^1000 mod 3 by repeated partial remainders, emulated and
 * on the host, step by step; and a simple full remainder with its quotient
 * bits (13 mod 2 ... 7 mod 2 = 1, q = 6 = 110b: C0=1 C3=1 C1=0).
 */
static void test_fprem_sequences(void)
{
    uint8_t nimg[IMG_SIZE];
    uint8_t nmem[32];
    uint32_t nfl;
    int steps = 0;

    env_init();
    load_st0(0x4000, 0xc000000000000000ULL);           /* ST1 = 3 */
    load_st0(0x3fff + 1000, 0x8000000000000000ULL);    /* ST0 = 2^1000 */
    do {
        CHECK_EQ(emu(0xdd, 0x30, IMG), -1);             /* snapshot */
        memcpy(nimg, fmem + IMG, IMG_SIZE);
        CHECK_EQ(emu(0xdd, 0x20, IMG), -1);
        CHECK_EQ(emu(0xd9, 0xf8, 0), -1);               /* FPREM */
        native(0xd9, 0xf8, nimg, nmem, 0, &nfl);
        CHECK_EQ(emu(0xdd, 0x30, IMG), -1);
        CHECK(img_equal(fmem + IMG, nimg));
        CHECK_EQ(emu(0xdd, 0x20, IMG), -1);
        steps++;
    } while ((x87_get_fsw(&env) & 0x400) && steps < 100);
    CHECK(steps > 10);
    CHECK_EQ(x87_get_fsw(&env) & 0x400, 0);
    /* 2^1000 = 1 mod 3 */
    CHECK_EQ(env.fpregs[env.fpstt].exp, 0x3fff);
    CHECK_EQ(env.fpregs[env.fpstt].mant, 0x8000000000000000ULL);

    env_init();
    load_st0(0x4000, 0x8000000000000000ULL);           /* 2 */
    load_st0(0x4002, 0xd000000000000000ULL);           /* 13 */
    CHECK_EQ(emu(0xd9, 0xf8, 0), -1);
    CHECK_EQ(env.fpregs[env.fpstt].exp, 0x3fff);       /* 1 */
    CHECK_EQ(x87_get_fsw(&env) & 0x4700, 0x4100);      /* C3 C0 */
    /* FPREM1 of 7 by 2: q = 4 (rounds to even), r = -1 */
    env_init();
    load_st0(0x4000, 0x8000000000000000ULL);
    load_st0(0x4001, 0xe000000000000000ULL);
    CHECK_EQ(emu(0xd9, 0xf5, 0), -1);
    CHECK_EQ(env.fpregs[env.fpstt].exp, 0xbfff);
    CHECK_EQ(x87_get_fsw(&env) & 0x4700, 0x0100);      /* q=4: C0 */
}

/* #NM, #MF, FWAIT, FNINIT-style non-waiting forms, stack faults. */
static void test_exceptions(void)
{
    env_init();
    env.cr[0] |= CR0_TS_MASK;
    CHECK_EQ(emu(0xd9, 0xe8, 0), EXCP07_PREX);
    CHECK_EQ(emu_fwait(), -1);                  /* TS without MP */
    env.cr[0] |= CR0_MP_MASK;
    CHECK_EQ(emu_fwait(), EXCP07_PREX);
    env.cr[0] &= ~(CR0_TS_MASK | CR0_MP_MASK);
    env.cr[0] |= CR0_EM_MASK;
    CHECK_EQ(emu(0xd9, 0xe8, 0), EXCP07_PREX);
    env.cr[0] &= ~CR0_EM_MASK;

    /* Unmask ZE, divide by zero: ZE+ES, ST untouched; next FLD1 #MF. */
    env_init();
    t_st(&env, OPND, 2, 0x037b);
    CHECK_EQ(emu(0xd9, 0x28, OPND), -1);                /* FLDCW */
    CHECK_EQ(emu(0xd9, 0xe8, 0), -1);                   /* FLD1 */
    CHECK_EQ(emu(0xd9, 0xee, 0), -1);                   /* FLDZ */
    CHECK_EQ(emu(0xdc, 0xf9, 0), -1);                   /* FDIV st1,st0 */
    CHECK_EQ(x87_get_fsw(&env) & 0x80ff, 0x8084);
    CHECK_EQ(env.fpregs[(env.fpstt + 1) & 7].exp, 0x3fff);
    CHECK_EQ(emu(0xd9, 0xe8, 0), EXCP10_COPR);
    CHECK_EQ(emu_fwait(), EXCP10_COPR);
    CHECK_EQ(emu(0xdf, 0xe0, 0), -1);                   /* FNSTSW AX */
    CHECK_EQ(env.regs[R_EAX] & 0xffff, x87_get_fsw(&env));
    CHECK_EQ(emu(0xdb, 0xe2, 0), -1);                   /* FNCLEX */
    CHECK_EQ(x87_get_fsw(&env) & 0x80ff, 0);
    CHECK_EQ(emu(0xd9, 0xe8, 0), -1);
    /* CR0.NE clear: the pending exception is ignored (IGNNE#) */
    env.cr[0] &= ~CR0_NE_MASK;
    env.fpus |= 0x84;
    CHECK_EQ(emu(0xd9, 0xe8, 0), -1);

    /* Masked stack overflow: IE SF C1, indefinite pushed. */
    env_init();
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(emu(0xd9, 0xe8, 0), -1);
    }
    CHECK_EQ(x87_get_fsw(&env) & 0x0241, 0);
    CHECK_EQ(emu(0xd9, 0xe8, 0), -1);
    CHECK_EQ(x87_get_fsw(&env) & 0x0241, 0x0241);
    CHECK_EQ(env.fpregs[env.fpstt].mant, 0xc000000000000000ULL);
    CHECK_EQ(env.fpregs[env.fpstt].exp, 0xffff);
    /* Reserved encoding */
    CHECK_EQ(emu(0xd9, 0xd1, 0), EXCP06_ILLOP);
    /* FISTTP without SSE3 is #UD */
    env.cpuid_ext_features = 0;
    CHECK_EQ(emu(0xdb, 0x08, OPND), EXCP06_ILLOP);
}

static void test_mmx(void)
{
    env_init();
    env.fpstt = 5;
    x87_mmx_set(&env, 2, 0x0123456789abcdefULL);
    CHECK_EQ(env.fpstt, 0);
    CHECK_EQ(x87_get_ftw_abridged(&env), 0xff);
    CHECK_EQ(env.fpregs[2].exp, 0xffff);
    CHECK_EQ(x87_mmx_get(&env, 2), 0x0123456789abcdefULL);
    helper_emms(&env);
    CHECK_EQ(x87_get_ftw_abridged(&env), 0);
}

/* The translation-time decoder: operation, operand and prologue info. */
static void check_decode(uint8_t op, uint8_t modrm, bool d32, int id,
                         uint32_t arg, int size, uint32_t flags)
{
    X87Insn d;
    uint32_t want = flags | ((op & 7) << 8 | modrm) | 3u << X87_INFO_SEG_SHIFT;

    if (size) {
        want |= X87_INFO_MEM | (uint32_t)(size < 0 ? -size : size)
                                   << X87_INFO_SIZE_SHIFT;
        if (size < 0) {
            want |= X87_INFO_WRITE;
        }
    } else if (modrm < 0xc0) {
        want |= X87_INFO_MEM;
    }
    x87_decode(op, modrm, d32, 3, &d);
    CHECK_EQ(d.id, id);
    CHECK_EQ(d.arg, arg);
    CHECK_EQ(d.info, want);
    CHECK(d.helper == x87_helpers[id]);
}

static void test_decode(void)
{
    const uint32_t nw = X87_INFO_NOWAIT, ctl = X87_INFO_CONTROL;

    check_decode(0xd8, 0x00, true, X87_farith_m32fp, 0, 4, 0);
    check_decode(0xdc, 0x38, true, X87_farith_m64fp, 7, 8, 0);   /* fdivr */
    check_decode(0xde, 0x08, true, X87_fiarith_m16, 1, 2, 0);    /* fimul */
    check_decode(0xdb, 0x38, true, X87_fst_m, 2 | 8, -10, 0);    /* fstp m80 */
    check_decode(0xdd, 0x10, true, X87_fst_m, 1, -8, 0);         /* fst m64 */
    check_decode(0xdf, 0x08, true, X87_fisttp_m, 3, -2, 0);
    check_decode(0xd9, 0x28, true, X87_fldcw, 5, 2, ctl);
    check_decode(0xdd, 0x30, true, X87_fnsave, 1, -108, nw | ctl);
    check_decode(0xdd, 0x30, false, X87_fnsave, 0, -94, nw | ctl);
    check_decode(0xd9, 0x20, false, X87_fldenv, 0, 14, ctl);
    check_decode(0xd9, 0x08, true, X87_ud, 1, 0, 0);             /* reserved */
    check_decode(0xdd, 0x28, true, X87_ud, 5, 0, ctl);
    check_decode(0xde, 0xd9, true, X87_fcompp, 1 | 3 << 3, 0, 0);
    check_decode(0xde, 0xda, true, X87_ud, 2 | 3 << 3, 0, 0);
    check_decode(0xdc, 0xf9, true, X87_farith_sti, 1 | 7 << 3, 0, 0);
    check_decode(0xdb, 0xe3, true, X87_fninit, 4 << 3 | 3, 0, nw | ctl);
    check_decode(0xdb, 0xf2, true, X87_fcomi, 2, 0, 0);
    check_decode(0xdf, 0xea, true, X87_fcomi, 2 | 8 | 16, 0, 0); /* fucomip */
    check_decode(0xdf, 0xe0, true, X87_fnstsw_ax, 4 << 3, 0, nw | ctl);
    check_decode(0xd9, 0xf0, true, X87_f2xm1, 0, 0, 0);
    check_decode(0xd9, 0xd1, true, X87_ud, 1, 0, 0);
    check_decode(0xd9, 0xdb, true, X87_fst_sti, 3 | 8, 0, 0);    /* fstp1 */
    check_decode(0xd9, 0xec, true, X87_fldconst, 4, 0, 0);       /* fldlg2 */
    /* Every encoding has an operation with an entry point. */
    for (int op = 0xd8; op <= 0xdf; op++) {
        for (int m = 0; m < 256; m++) {
            X87Insn d;
            x87_decode(op, m, true, 0, &d);
            CHECK(d.helper != NULL);
        }
    }
}

static void test_summary(void)
{
    printf("  differential: %ld cases, %ld passed, %ld failed\n", total.run,
           total.run - total.failed, total.failed);
    CHECK(total.run > 100000);
}

static uint64_t t_ld64(uint64_t a)
{
    return t_ld(&env, a, 4) | (uint64_t)t_ld(&env, a + 4, 4) << 32;
}

/* One x87_exec in 64-bit mode; returns the vector raised or -1. */
static int emu64(uint8_t op, uint8_t modrm, uint64_t ea, uint64_t fip)
{
    int v = sigsetjmp(raise_jmp, 0);

    if (v) {
        return v - 1;
    }
    x87_exec(&env, &tops, op, modrm, ea, true, fip, 0x33, 0x2b);
    return -1;
}

static void test_long_mode(void)
{
    const uint64_t opnd = HI_BASE + 0x400, fip = 0x00007fff00001234ULL;
    volatile int vec;

    env_init();
    env.hflags |= HF_LMA | HF_CS64;
    /* fld qword [opnd] (DD /0): 1.5 */
    t_st(&env, opnd, 4, 0);
    t_st(&env, opnd + 4, 4, 0x3ff80000);
    CHECK_EQ(emu64(0xdd, 0x06, opnd, fip), -1);
    CHECK_EQ(env.fpregs[7].mant, 0xc000000000000000ULL);
    CHECK_EQ(env.fpregs[7].exp, 0x3fff);
    CHECK_EQ(env.fpip, fip);
    CHECK_EQ(env.fpdp, opnd);
    CHECK_EQ(env.fpcs, 0x33);
    CHECK_EQ(env.fpds, 0x2b);
    CHECK_EQ(env.fpop, 0x506);
    /* fstp tword [opnd + 0x10] (DB /7) */
    CHECK_EQ(emu64(0xdb, 0x3e, opnd + 0x10, fip + 2), -1);
    CHECK_EQ(t_ld64(opnd + 0x10), 0xc000000000000000ULL);
    CHECK_EQ(t_ld(&env, opnd + 0x18, 2), 0x3fff);
    CHECK_EQ(env.fpdp, opnd + 0x10);

    /* FXSAVE64: bytes 8-15 FIP, 16-23 FDP */
    memset(fmem_hi, 0xcc, sizeof(fmem_hi));
    env.xmm[12].q[1] = 0x1212121212121212ULL;
    vec = sigsetjmp(raise_jmp, 0);
    if (!vec) {
        x87_fxsave(&env, &tops, HI_BASE + 0x200, true);
    }
    CHECK_EQ(vec, 0);
    CHECK_EQ(t_ld64(HI_BASE + 0x208), fip + 2);
    CHECK_EQ(t_ld64(HI_BASE + 0x210), opnd + 0x10);
    CHECK_EQ(t_ld64(HI_BASE + 0x200 + 160 + 12 * 16 + 8),
             0x1212121212121212ULL);
    /* FXSAVE: the low halves and the selectors */
    vec = sigsetjmp(raise_jmp, 0);
    if (!vec) {
        x87_fxsave(&env, &tops, HI_BASE + 0x600, false);
    }
    CHECK_EQ(vec, 0);
    CHECK_EQ(t_ld(&env, HI_BASE + 0x608, 4), 0x00001236);
    CHECK_EQ(t_ld(&env, HI_BASE + 0x60c, 2), 0x33);
    CHECK_EQ(t_ld(&env, HI_BASE + 0x610, 4), 0x00000410);
    CHECK_EQ(t_ld(&env, HI_BASE + 0x614, 2), 0x2b);
    /* FNSTENV (D9 /6, 32-bit operand size): the low 32 bits too */
    CHECK_EQ(emu64(0xd9, 0x36, HI_BASE + 0x800, fip + 4), -1);
    CHECK_EQ(t_ld(&env, HI_BASE + 0x80c, 4), 0x00001236);
    CHECK_EQ(t_ld(&env, HI_BASE + 0x810, 4), 0x33 | 0x33eu << 16);
    CHECK_EQ(t_ld(&env, HI_BASE + 0x814, 4), 0x00000410);
    /* FXRSTOR64 into a clean state */
    env_init();
    env.hflags |= HF_LMA | HF_CS64;
    vec = sigsetjmp(raise_jmp, 0);
    if (!vec) {
        x87_fxrstor(&env, &tops, HI_BASE + 0x200, true);
    }
    CHECK_EQ(vec, 0);
    CHECK_EQ(env.fpip, fip + 2);
    CHECK_EQ(env.fpdp, opnd + 0x10);
    CHECK_EQ(env.fpcs, 0);
    CHECK_EQ(env.xmm[12].q[1], 0x1212121212121212ULL);
    /* misaligned above 4 GiB: #GP(0) */
    vec = sigsetjmp(raise_jmp, 0);
    if (!vec) {
        x87_fxsave(&env, &tops, HI_BASE + 0x208, true);
    }
    CHECK_EQ(vec, 1 + EXCP0D_GPF);

    /* Outside 64-bit mode a qword at 0xfffffffc wraps to 0 */
    env_init();
    t_st(&env, 0xfffffffcULL, 4, 0);
    t_st(&env, 0, 4, 0x40000000); /* 2.0 */
    CHECK_EQ(emu(0xdd, 0x06, 0xfffffffcU), -1);
    CHECK_EQ(env.fpregs[7].mant, 0x8000000000000000ULL);
    CHECK_EQ(env.fpregs[7].exp, 0x4000);

    /* x87_decode: seg -1 (64-bit mode) checks nothing */
    {
        X87Insn a, b;
        x87_decode(0xdd, 0x06, true, -1, &a);
        x87_decode(0xdd, 0x06, true, R_DS, &b);
        CHECK(a.helper == b.helper);
        CHECK_EQ(a.info & X87_INFO_NOSEG, X87_INFO_NOSEG);
        CHECK_EQ(b.info & X87_INFO_NOSEG, 0);
        CHECK_EQ((a.info >> X87_INFO_SEG_SHIFT) & 7, 0);
        CHECK_EQ(a.info & ~X87_INFO_NOSEG,
                 b.info & ~(7u << X87_INFO_SEG_SHIFT));
    }
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    if (getenv("X87_SEED")) {
        /* Another random sequence (the default one is fixed). */
        rng_state ^= strtoull(getenv("X87_SEED"), NULL, 0) | 1;
    }
    if (!native_init()) {
        printf("  no executable memory: differential tests skipped\n");
    } else {
        TEST_RUN(test_diff_arith_mem);
        TEST_RUN(test_diff_arith_reg);
        TEST_RUN(test_diff_d9);
        TEST_RUN(test_diff_misc_reg);
        TEST_RUN(test_diff_loads);
        TEST_RUN(test_diff_stores);
        TEST_RUN(test_diff_fnstenv);
        TEST_RUN(test_fprem_sequences);
        TEST_RUN(test_summary);
    }
    TEST_RUN(test_decode);
    TEST_RUN(test_fsave_layouts);
    TEST_RUN(test_fxsave);
    TEST_RUN(test_fbstp);
    TEST_RUN(test_exceptions);
    TEST_RUN(test_mmx);
    TEST_RUN(test_long_mode);
    return test_finish();
}
