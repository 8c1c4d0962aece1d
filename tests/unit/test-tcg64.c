/*
 * The IR's i64 op set (tcg/README.md "Ops"): every op through the
 * interpreter and the x86-64 back end, before and after the optimizer,
 * against values computed in C, with edge values (0, -1, INT64_MIN,
 * shifts by 0 and 63) and operands in registers, in memory and constant.
 * Also the back end's guarantee that an i32 value reaches a helper's
 * uint64_t parameter zero-extended, whatever op produced it.
 */
#include "tests/unit/harness.h"
#include "tcg/tcg.h"
#include "tcg/tcg-backend.h"

#define NQ 8

typedef struct Env {
    uint64_t q[NQ];
    uint32_t r[4];
    uint64_t mem[4];              /* ld/st at env + offset */
    TCGTLBEntry tlb[TCG_NB_MMU_MODES][TCG_TLB_SIZE];
} Env;

static TCGContext ctx;
static TCGCodeCache cache;
static TCGv_i64 Q[NQ];
static TCGv_i32 R[4];
static TranslatedCodeInfo info;
static uint8_t ram[4096];         /* guest page 0x1000, for qemu_ld */

static uint64_t slow_ld(void *env, uint64_t addr, MemOp op, int mmu_idx,
                        uintptr_t ra)
{
    return 0;
}

static void slow_st(void *env, uint64_t addr, uint64_t val, MemOp op,
                    int mmu_idx, uintptr_t ra)
{
}

static const uint64_t V[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x8000, 0xffffffffull, 0x80000000ull,
    0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull,
    ~1ull, 63, 64, 0x123456789abcdef0ull, 0xdeadbeefcafebabeull,
};
#define NV ARRAY_SIZE(V)

static Env env_new(void)
{
    Env e;
    memset(&e, 0, sizeof(e));
    for (int m = 0; m < TCG_NB_MMU_MODES; m++) {
        for (int i = 0; i < TCG_TLB_SIZE; i++) {
            e.tlb[m][i].addr_read = e.tlb[m][i].addr_write = TCG_TLB_INVALID;
            e.tlb[m][i].addr_code = TCG_TLB_INVALID;
        }
    }
    TCGTLBEntry *te = &e.tlb[0][TCG_TLB_INDEX(0x1000)];
    te->addr_read = te->addr_write = 0x1000;
    te->addend = (uintptr_t)ram - 0x1000;
    return e;
}

static bool translate(void)
{
    int ret = tcg_gen_code(&ctx, &cache, &info);
    if (ret == -ENOSPC) {
        tcg_code_cache_reset(&cache);
        ret = tcg_gen_code(&ctx, &cache, &info);
    }
    if (ret < 0) {
        test_fail(__FILE__, __LINE__, "tcg_gen_code: %d", ret);
        return false;
    }
    return true;
}

/* The block through TCI and native code; both must agree.  *out: native. */
static void run_both(const Env *in, Env *out)
{
    Env a = *in, b = *in;
    tcg_interpret(&ctx, &a);
    if (!translate()) {
        *out = a;
        return;
    }
    tcg_tb_exec(&cache, &b, info.code);
    for (int i = 0; i < NQ; i++) {
        if (a.q[i] != b.q[i]) {
            test_fail(__FILE__, __LINE__, "q%d: tci 0x%" PRIx64
                      " native 0x%" PRIx64, i, a.q[i], b.q[i]);
        }
    }
    CHECK(memcmp(a.r, b.r, sizeof(a.r)) == 0);
    CHECK(memcmp(a.mem, b.mem, sizeof(a.mem)) == 0);
    *out = b;
}

/* Unoptimized, then optimized (the folding must not change results). */
static void run_twice(const Env *in, Env *raw, Env *opt)
{
    run_both(in, raw);
    tcg_optimize(&ctx);
    run_both(in, opt);
}

/* After tcg_optimize: was the op writing global t folded to a movi? */
static bool folded_to_movi(TCGv_i64 t)
{
    for (int i = 0; i < ctx.nb_ops; i++) {
        if (ctx.ops[i].opc == INDEX_op_movi_i64 &&
            ctx.ops[i].args[0] == t.idx) {
            return true;
        }
    }
    return false;
}

/* ---- two-input ALU ops ---- */

typedef void (*Gen2)(TCGv_i64, TCGv_i64, TCGv_i64);
typedef uint64_t (*Ref2)(uint64_t, uint64_t);

static uint64_t r_add(uint64_t a, uint64_t b) { return a + b; }
static uint64_t r_sub(uint64_t a, uint64_t b) { return a - b; }
static uint64_t r_mul(uint64_t a, uint64_t b) { return a * b; }
static uint64_t r_and(uint64_t a, uint64_t b) { return a & b; }
static uint64_t r_or(uint64_t a, uint64_t b) { return a | b; }
static uint64_t r_xor(uint64_t a, uint64_t b) { return a ^ b; }
static uint64_t r_shl(uint64_t a, uint64_t b) { return a << (b & 63); }
static uint64_t r_shr(uint64_t a, uint64_t b) { return a >> (b & 63); }
static uint64_t r_sar(uint64_t a, uint64_t b)
{
    return (uint64_t)((int64_t)a >> (b & 63));
}
static uint64_t r_rotl(uint64_t a, uint64_t b)
{
    b &= 63;
    return b ? a << b | a >> (64 - b) : a;
}
static uint64_t r_rotr(uint64_t a, uint64_t b)
{
    b &= 63;
    return b ? a >> b | a << (64 - b) : a;
}

static const struct {
    const char *name;
    Gen2 gen;
    Ref2 ref;
} bin_ops[] = {
    { "add", tcg_gen_add_i64, r_add },   { "sub", tcg_gen_sub_i64, r_sub },
    { "mul", tcg_gen_mul_i64, r_mul },   { "and", tcg_gen_and_i64, r_and },
    { "or", tcg_gen_or_i64, r_or },      { "xor", tcg_gen_xor_i64, r_xor },
    { "shl", tcg_gen_shl_i64, r_shl },   { "shr", tcg_gen_shr_i64, r_shr },
    { "sar", tcg_gen_sar_i64, r_sar },   { "rotl", tcg_gen_rotl_i64, r_rotl },
    { "rotr", tcg_gen_rotr_i64, r_rotr },
};

static void test_binary(void)
{
    for (unsigned k = 0; k < ARRAY_SIZE(bin_ops); k++) {
        for (unsigned i = 0; i < NV; i++) {
            for (unsigned j = 0; j < NV; j++) {
                uint64_t a = V[i], b = V[j], want = bin_ops[k].ref(a, b);
                tcg_func_start(&ctx);
                TCGv_i64 t = tcg_temp_new_i64();
                bin_ops[k].gen(Q[0], Q[1], Q[2]);
                bin_ops[k].gen(Q[3], Q[1], tcg_constant_i64(b));
                bin_ops[k].gen(Q[4], tcg_constant_i64(a), Q[2]);
                tcg_gen_movi_i64(t, a);
                bin_ops[k].gen(Q[5], t, tcg_constant_i64(b));
                bin_ops[k].gen(Q[6], Q[1], Q[1]);
                tcg_gen_exit_tb(0);
                Env in = env_new(), raw, opt;
                in.q[1] = a;
                in.q[2] = b;
                run_twice(&in, &raw, &opt);
                Env *outs[2] = { &raw, &opt };
                for (int o = 0; o < 2; o++) {
                    Env *e = outs[o];
                    if (e->q[0] != want || e->q[3] != want ||
                        e->q[4] != want || e->q[5] != want ||
                        e->q[6] != bin_ops[k].ref(a, a)) {
                        test_fail(__FILE__, __LINE__,
                                  "%s 0x%" PRIx64 ", 0x%" PRIx64 " (%s)",
                                  bin_ops[k].name, a, b, o ? "opt" : "raw");
                    }
                }
                CHECK(folded_to_movi(Q[5]));
            }
        }
    }
}

/* ---- one-input ops ---- */

typedef void (*Gen1)(TCGv_i64, TCGv_i64);

static const struct {
    const char *name;
    Gen1 gen;
    int kind;
} un_ops[] = {
    { "neg", tcg_gen_neg_i64, 0 },       { "not", tcg_gen_not_i64, 1 },
    { "ext8s", tcg_gen_ext8s_i64, 2 },   { "ext8u", tcg_gen_ext8u_i64, 3 },
    { "ext16s", tcg_gen_ext16s_i64, 4 }, { "ext16u", tcg_gen_ext16u_i64, 5 },
    { "ext32s", tcg_gen_ext32s_i64, 6 }, { "ext32u", tcg_gen_ext32u_i64, 7 },
    { "bswap64", tcg_gen_bswap64_i64, 8 },
};

static uint64_t un_ref(int kind, uint64_t a)
{
    switch (kind) {
    case 0: return -a;
    case 1: return ~a;
    case 2: return (uint64_t)(int64_t)(int8_t)a;
    case 3: return (uint8_t)a;
    case 4: return (uint64_t)(int64_t)(int16_t)a;
    case 5: return (uint16_t)a;
    case 6: return (uint64_t)(int64_t)(int32_t)a;
    case 7: return (uint32_t)a;
    default: return __builtin_bswap64(a);
    }
}

static void test_unary(void)
{
    for (unsigned k = 0; k < ARRAY_SIZE(un_ops); k++) {
        for (unsigned i = 0; i < NV; i++) {
            uint64_t a = V[i], want = un_ref(un_ops[k].kind, a);
            tcg_func_start(&ctx);
            un_ops[k].gen(Q[0], Q[1]);
            un_ops[k].gen(Q[3], tcg_constant_i64(a));
            tcg_gen_mov_i64(Q[4], Q[1]);
            un_ops[k].gen(Q[4], Q[4]);
            tcg_gen_exit_tb(0);
            Env in = env_new(), raw, opt;
            in.q[1] = a;
            run_twice(&in, &raw, &opt);
            if (raw.q[0] != want || raw.q[3] != want || raw.q[4] != want ||
                opt.q[0] != want || opt.q[3] != want || opt.q[4] != want) {
                test_fail(__FILE__, __LINE__, "%s 0x%" PRIx64 ": 0x%" PRIx64
                          " want 0x%" PRIx64, un_ops[k].name, a, raw.q[0],
                          want);
            }
        }
    }
}

/* ---- bit fields ---- */

static const int fields[][2] = {
    { 0, 8 }, { 8, 8 }, { 0, 16 }, { 0, 32 }, { 32, 32 }, { 0, 64 },
    { 1, 62 }, { 63, 1 }, { 12, 36 }, { 0, 1 }, { 5, 59 }, { 16, 16 },
    { 40, 24 }, { 31, 2 },
};

static void test_fields(void)
{
    for (unsigned f = 0; f < ARRAY_SIZE(fields); f++) {
        int pos = fields[f][0], len = fields[f][1];
        uint64_t m = len == 64 ? ~0ull : ((1ull << len) - 1);
        for (unsigned i = 0; i < NV; i++) {
            uint64_t a = V[i], b = V[NV - 1 - i];
            uint64_t ext = (a >> pos) & m;
            uint64_t sext = len == 64 ? a
                : (uint64_t)((int64_t)(ext << (64 - len)) >> (64 - len));
            uint64_t dep = (a & ~(m << pos)) | ((b & m) << pos);
            tcg_func_start(&ctx);
            tcg_gen_extract_i64(Q[0], Q[1], pos, len);
            tcg_gen_sextract_i64(Q[3], Q[1], pos, len);
            tcg_gen_deposit_i64(Q[4], Q[1], Q[2], pos, len);
            tcg_gen_deposit_i64(Q[5], tcg_constant_i64(a),
                                tcg_constant_i64(b), pos, len);
            tcg_gen_extract_i64(Q[6], tcg_constant_i64(a), pos, len);
            tcg_gen_exit_tb(0);
            Env in = env_new(), raw, opt;
            in.q[1] = a;
            in.q[2] = b;
            run_twice(&in, &raw, &opt);
            Env *outs[2] = { &raw, &opt };
            for (int o = 0; o < 2; o++) {
                Env *e = outs[o];
                if (e->q[0] != ext || e->q[3] != sext || e->q[4] != dep ||
                    e->q[5] != dep || e->q[6] != ext) {
                    test_fail(__FILE__, __LINE__, "field %d,%d of 0x%" PRIx64
                              " (%s)", pos, len, a, o ? "opt" : "raw");
                }
            }
            CHECK(folded_to_movi(Q[5]));
        }
    }
}

/* ---- double-width multiply and divide ---- */

static void test_mul2_div2(void)
{
    for (unsigned i = 0; i < NV; i++) {
        for (unsigned j = 0; j < NV; j++) {
            uint64_t a = V[i], b = V[j];
            unsigned __int128 pu = (unsigned __int128)a * b;
            __int128 ps = (__int128)(int64_t)a * (int64_t)b;
            tcg_func_start(&ctx);
            tcg_gen_mulu2_i64(Q[0], Q[3], Q[1], Q[2]);
            tcg_gen_muls2_i64(Q[4], Q[5], Q[1], Q[2]);
            tcg_gen_mulu2_i64(Q[6], Q[7], Q[1], tcg_constant_i64(b));
            tcg_gen_exit_tb(0);
            Env in = env_new(), raw, opt;
            in.q[1] = a;
            in.q[2] = b;
            run_twice(&in, &raw, &opt);
            CHECK_EQ(raw.q[0], (uint64_t)pu);
            CHECK_EQ(raw.q[3], (uint64_t)(pu >> 64));
            CHECK_EQ(raw.q[4], (uint64_t)ps);
            CHECK_EQ(raw.q[5], (uint64_t)((unsigned __int128)ps >> 64));
            CHECK_EQ(raw.q[6], (uint64_t)pu);
            CHECK_EQ(raw.q[7], (uint64_t)(pu >> 64));
            CHECK(memcmp(raw.q, opt.q, sizeof(raw.q)) == 0);
        }
    }
    /* Divides: (ah:al) / b with the quotient in range. */
    static const struct {
        uint64_t al, ah, b;
    } dv[] = {
        { 0, 0, 1 }, { 100, 0, 7 }, { ~0ull, 0, 1 }, { ~0ull, 0, ~0ull },
        { 0, 1, 2 }, { 0x123456789abcdef0ull, 0x0fedcba987654321ull,
                       0x1000000000000000ull },
        { ~0ull, 0x7ffffffffffffffeull, 0x7fffffffffffffffull },
        { 0x8000000000000000ull, 0, 3 }, { 5, 0x3, 0x10 },
    };
    for (unsigned i = 0; i < ARRAY_SIZE(dv); i++) {
        unsigned __int128 n = (unsigned __int128)dv[i].ah << 64 | dv[i].al;
        tcg_func_start(&ctx);
        tcg_gen_divu2_i64(Q[0], Q[3], Q[1], Q[2], Q[4]);
        tcg_gen_exit_tb(0);
        Env in = env_new(), raw, opt;
        in.q[1] = dv[i].al;
        in.q[2] = dv[i].ah;
        in.q[4] = dv[i].b;
        run_twice(&in, &raw, &opt);
        CHECK_EQ(raw.q[0], (uint64_t)(n / dv[i].b));
        CHECK_EQ(raw.q[3], (uint64_t)(n % dv[i].b));
        CHECK(memcmp(raw.q, opt.q, sizeof(raw.q)) == 0);
    }
    /* Signed: 64-bit dividends sign-extended, and 128-bit ones. */
    static const struct {
        __int128 n;
        int64_t b;
    } sv[] = {
        { 7, 2 }, { -7, 2 }, { 7, -2 }, { -7, -2 }, { INT64_MIN, 1 },
        { INT64_MIN, 2 }, { INT64_MAX, -1 }, { (__int128)INT64_MAX * 3 + 2, 3 },
        { -((__int128)INT64_MAX * 5 + 4), 5 }, { (__int128)INT64_MIN * 7, 7 }, { (__int128)INT64_MAX * 7, -7 },
        { 0, -1 }, { -1, INT64_MIN },
    };
    for (unsigned i = 0; i < ARRAY_SIZE(sv); i++) {
        unsigned __int128 un = (unsigned __int128)sv[i].n;
        tcg_func_start(&ctx);
        tcg_gen_divs2_i64(Q[0], Q[3], Q[1], Q[2], Q[4]);
        tcg_gen_exit_tb(0);
        Env in = env_new(), raw, opt;
        in.q[1] = (uint64_t)un;
        in.q[2] = (uint64_t)(un >> 64);
        in.q[4] = (uint64_t)sv[i].b;
        run_twice(&in, &raw, &opt);
        CHECK_EQ(raw.q[0], (uint64_t)(int64_t)(sv[i].n / sv[i].b));
        CHECK_EQ(raw.q[3], (uint64_t)(int64_t)(sv[i].n % sv[i].b));
        CHECK(memcmp(raw.q, opt.q, sizeof(raw.q)) == 0);
    }
}

/* ---- conditions ---- */

static bool cond_ref(TCGCond c, uint64_t a, uint64_t b)
{
    int64_t sa = a, sb = b;
    switch (c) {
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT: return sa < sb;
    case TCG_COND_GE: return sa >= sb;
    case TCG_COND_LE: return sa <= sb;
    case TCG_COND_GT: return sa > sb;
    case TCG_COND_LTU: return a < b;
    case TCG_COND_GEU: return a >= b;
    case TCG_COND_LEU: return a <= b;
    case TCG_COND_GTU: return a > b;
    case TCG_COND_ALWAYS: return true;
    default: return false;
    }
}

static void test_conditions(void)
{
    for (TCGCond c = TCG_COND_NEVER; c <= TCG_COND_GTU; c++) {
        for (unsigned i = 0; i < NV; i++) {
            for (unsigned j = 0; j < NV; j += 2) {
                uint64_t a = V[i], b = V[(i + j) % NV];
                bool want = cond_ref(c, a, b);
                tcg_func_start(&ctx);
                TCGLabel *l1 = gen_new_label(), *l2 = gen_new_label();
                tcg_gen_setcond_i64(c, Q[0], Q[1], Q[2]);
                tcg_gen_setcondi_i64(c, Q[3], Q[1], b);
                tcg_gen_movcond_i64(c, Q[4], Q[1], Q[2], Q[6], Q[7]);
                tcg_gen_movi_i64(Q[5], 1);
                tcg_gen_brcond_i64(c, Q[1], Q[2], l1);
                tcg_gen_movi_i64(Q[5], 0);
                gen_set_label(l1);
                tcg_gen_brcondi_i64(c, Q[1], b, l2);
                tcg_gen_addi_i64(Q[5], Q[5], 2);
                gen_set_label(l2);
                tcg_gen_exit_tb(0);
                Env in = env_new(), raw, opt;
                in.q[1] = a;
                in.q[2] = b;
                in.q[6] = 0x1111111111111111ull;
                in.q[7] = 0x8000000000000002ull;
                run_twice(&in, &raw, &opt);
                Env *outs[2] = { &raw, &opt };
                for (int o = 0; o < 2; o++) {
                    Env *e = outs[o];
                    if (e->q[0] != want || e->q[3] != want ||
                        e->q[4] != (want ? in.q[6] : in.q[7]) ||
                        e->q[5] != (want ? 1 : 2)) {
                        test_fail(__FILE__, __LINE__, "cond %d 0x%" PRIx64
                                  ", 0x%" PRIx64 " (%s)", c, a, b,
                                  o ? "opt" : "raw");
                    }
                }
            }
        }
    }
}

/* ---- CPU state at env + offset ---- */

static void test_env_ldst(void)
{
    const int m0 = offsetof(Env, mem[0]), m1 = offsetof(Env, mem[1]);
    tcg_func_start(&ctx);
    tcg_gen_ld8u_i64(Q[0], m0);
    tcg_gen_ld8s_i64(Q[1], m0);
    tcg_gen_ld16u_i64(Q[2], m0);
    tcg_gen_ld16s_i64(Q[3], m0);
    tcg_gen_ld32u_i64(Q[4], m0);
    tcg_gen_ld32s_i64(Q[5], m0);
    tcg_gen_ld_i64(Q[6], m0);
    tcg_gen_st8_i64(Q[7], m1);
    tcg_gen_st16_i64(Q[7], m1 + 2);
    tcg_gen_st32_i64(Q[7], m1 + 4);
    tcg_gen_st_i64(Q[7], offsetof(Env, mem[2]));
    tcg_gen_st32_i64(tcg_constant_i64(-2), offsetof(Env, mem[3]));
    tcg_gen_exit_tb(0);
    static const uint64_t pat[] = { 0x8182838485868788ull,
                                    0x0102030405060708ull, ~0ull, 0 };
    for (unsigned i = 0; i < ARRAY_SIZE(pat); i++) {
        Env in = env_new(), raw, opt;
        in.mem[0] = pat[i];
        in.mem[1] = 0x5555555555555555ull;
        in.q[7] = 0xf1e2d3c4b5a69788ull;
        run_both(&in, &raw);
        opt = raw;
        uint64_t p = pat[i];
        CHECK_EQ(opt.q[0], (uint8_t)p);
        CHECK_EQ(opt.q[1], (uint64_t)(int64_t)(int8_t)p);
        CHECK_EQ(opt.q[2], (uint16_t)p);
        CHECK_EQ(opt.q[3], (uint64_t)(int64_t)(int16_t)p);
        CHECK_EQ(opt.q[4], (uint32_t)p);
        CHECK_EQ(opt.q[5], (uint64_t)(int64_t)(int32_t)p);
        CHECK_EQ(opt.q[6], p);
        CHECK_EQ(opt.mem[1], 0xb5a6978897885588ull);
        CHECK_EQ(opt.mem[2], 0xf1e2d3c4b5a69788ull);
        CHECK_EQ(opt.mem[3], 0xfffffffeull);
    }
}

/* ---- register pressure: 20 live values around mul2/div2/shifts ---- */

static void test_pressure(void)
{
    enum { N = 20 };
    for (unsigned v = 0; v < NV; v++) {
        tcg_func_start(&ctx);
        TCGv_i64 t[N], lo = tcg_temp_new_i64(), hi = tcg_temp_new_i64();
        for (int i = 0; i < N; i++) {
            t[i] = tcg_temp_new_i64();
            tcg_gen_muli_i64(t[i], Q[1], 0x100000001ll * (i + 1));
            tcg_gen_rotli_i64(t[i], t[i], i * 3);
        }
        tcg_gen_mulu2_i64(lo, hi, t[3], t[7]);
        tcg_gen_divu2_i64(lo, hi, lo, tcg_constant_i64(0), Q[2]);
        tcg_gen_shl_i64(t[1], t[1], Q[3]);
        tcg_gen_sar_i64(t[2], t[2], Q[3]);
        tcg_gen_mov_i64(Q[0], lo);
        tcg_gen_xor_i64(Q[0], Q[0], hi);
        for (int i = 0; i < N; i++) {
            tcg_gen_add_i64(Q[0], Q[0], t[i]);
        }
        tcg_gen_exit_tb(0);
        uint64_t a = V[v], tv[N];
        for (int i = 0; i < N; i++) {
            tv[i] = r_rotl(a * (0x100000001ull * (i + 1)), i * 3);
        }
        unsigned __int128 p = (unsigned __int128)tv[3] * tv[7];
        uint64_t d = 0x1234567, sh = 63 - v % 64;
        uint64_t want = ((uint64_t)p / d) ^ ((uint64_t)p % d);
        tv[1] = r_shl(tv[1], sh);
        tv[2] = r_sar(tv[2], sh);
        for (int i = 0; i < N; i++) {
            want += tv[i];
        }
        Env in = env_new(), raw, opt;
        in.q[1] = a;
        in.q[2] = d;
        in.q[3] = sh;
        run_twice(&in, &raw, &opt);
        CHECK_EQ(raw.q[0], want);
        CHECK_EQ(opt.q[0], want);
    }
}

/* ---- i32 values arrive zero-extended in a helper's uint64_t ---- */

static uint64_t seen[64];

static void helper_see(uint64_t slot, uint64_t v)
{
    seen[slot & 63] = v;
}

/* Six at once: every argument register. */
static void helper_see6(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                        uint64_t e, uint64_t f)
{
    uint64_t v[6] = { a, b, c, d, e, f };
    memcpy(&seen[40], v, sizeof(v));
}

/* Declared i32 by the IR: the back end must drop these upper bits. */
static uint64_t helper_dirty_ret(void)
{
    return 0xdeadbeef00000000ull | 0xfffffff0u;
}

static void see(int slot, TCGv_i32 v)
{
    int a[2] = { tcg_constant_i64(slot).idx, v.idx };
    tcg_gen_call((void *)helper_see, TCG_CALL_NO_WG, -1, 2, a);
}

static void test_zero_extension(void)
{
    tcg_func_start(&ctx);
    TCGv_i32 v[24];
    uint32_t want[24];
    int n = 0;
    for (int i = 0; i < 24; i++) {
        v[i] = tcg_temp_new_i32();
    }
    /* A helper's i32 result straight into a call and an extension. */
    TCGv_i32 d = tcg_temp_new_i32();
    TCGv_i64 dq = tcg_temp_new_i64();
    tcg_gen_call((void *)helper_dirty_ret, TCG_CALL_PURE, d.idx, 0, NULL);
    tcg_gen_extu_i32_i64(dq, d);
    see(30, d);
    tcg_gen_mov_i64(Q[3], dq);
    /* R[0] = 0xffffffff, R[1] = 0x80000000, R[2] = 0x80, mem[0] = ~0 */
#define ZX(expr, w) do { expr; want[n++] = (w); } while (0)
    ZX(tcg_gen_movi_i32(v[n], -1), 0xffffffff);
    ZX(tcg_gen_addi_i32(v[n], R[0], 0), 0xffffffff);
    ZX(tcg_gen_add_i32(v[n], R[0], R[0]), 0xfffffffe);
    ZX(tcg_gen_subi_i32(v[n], R[3], 1), 0xffffffff);
    ZX(tcg_gen_neg_i32(v[n], R[3 - 2]), 0x80000000);
    ZX(tcg_gen_not_i32(v[n], R[3]), 0xffffffff);
    ZX(tcg_gen_ext8s_i32(v[n], R[2]), 0xffffff80);
    ZX(tcg_gen_ext16s_i32(v[n], R[1]), 0);
    ZX(tcg_gen_sari_i32(v[n], R[1], 31), 0xffffffff);
    ZX(tcg_gen_muli_i32(v[n], R[0], 3), 0xfffffffd);
    ZX(tcg_gen_setcondi_i32(TCG_COND_NE, v[n], R[0], 0), 1);
    ZX(tcg_gen_movcond_i32(TCG_COND_EQ, v[n], R[3], R[3], R[0], R[1]),
       0xffffffff);
    ZX(tcg_gen_extrl_i64_i32(v[n], tcg_constant_i64(-1)), 0xffffffff);
    ZX(tcg_gen_extrh_i64_i32(v[n], Q[1]), 0xffffffff);
    ZX(tcg_gen_ld_i32(v[n], offsetof(Env, mem[0])), 0xffffffff);
    ZX(tcg_gen_ld16s_i32(v[n], offsetof(Env, mem[0])), 0xffffffff);
    ZX(tcg_gen_ld8s_i32(v[n], offsetof(Env, mem[0])), 0xffffffff);
    ZX(tcg_gen_sextract_i32(v[n], R[1], 16, 16), 0xffff8000);
    ZX(tcg_gen_deposit_i32(v[n], R[0], R[3], 8, 8), 0xffff00ff);
    ZX(tcg_gen_rotli_i32(v[n], R[1], 1), 1);
    ZX(tcg_gen_qemu_ld_i32(v[n], tcg_constant_i32(0x1010), 0, MO_SB),
       0xffffff80);
    {
        TCGv_i32 dummy = tcg_temp_new_i32();
        ZX(tcg_gen_muls2_i32(dummy, v[n], R[0], tcg_constant_i32(1)),
           0xffffffff);
    }
    ZX(tcg_gen_call((void *)helper_dirty_ret, TCG_CALL_PURE, v[n].idx, 0,
                    NULL), 0xfffffff0);
    ZX(tcg_gen_bswap32_i32(v[n], R[2]), 0x80000000);
#undef ZX
    /* Every value is live here (pressure: some spill to the stack). */
    for (int i = 0; i < n; i++) {
        see(i, v[i]);
    }
    int six[6] = { v[0].idx, v[2].idx, tcg_constant_i32(-1).idx, R[0].idx,
                   v[6].idx, v[n - 2].idx };
    tcg_gen_call((void *)helper_see6, TCG_CALL_NO_WG, -1, 6, six);
    TCGv_i64 w = tcg_temp_new_i64();
    tcg_gen_extu_i32_i64(w, v[n - 2]);       /* the helper's dirty result */
    tcg_gen_mov_i64(Q[2], w);
    tcg_gen_exit_tb(0);

    for (int pass = 0; pass < 3; pass++) {
        Env e = env_new();
        e.r[0] = 0xffffffff;
        e.r[1] = 0x80000000;
        e.r[2] = 0x80;
        e.q[1] = ~0ull;
        e.mem[0] = ~0ull;
        ram[0x10] = 0x80;
        memset(seen, 0x5a, sizeof(seen));
        if (pass == 0) {
            tcg_interpret(&ctx, &e);
        } else {
            if (pass == 2) {
                tcg_optimize(&ctx);
            }
            if (!translate()) {
                return;
            }
            tcg_tb_exec(&cache, &e, info.code);
        }
        for (int i = 0; i < n; i++) {
            if (seen[i] != want[i]) {
                test_fail(__FILE__, __LINE__, "pass %d value %d: 0x%" PRIx64
                          " want 0x%" PRIx32, pass, i, seen[i], want[i]);
            }
        }
        CHECK_EQ(seen[40], 0xffffffffull);
        CHECK_EQ(seen[41], 0xfffffffeull);
        CHECK_EQ(seen[42], 0xffffffffull);
        CHECK_EQ(seen[43], 0xffffffffull);
        CHECK_EQ(seen[44], 0xffffff80ull);
        CHECK_EQ(seen[45], 0xfffffff0ull);
        CHECK_EQ(e.q[2], 0xfffffff0ull);
        CHECK_EQ(seen[30], 0xfffffff0ull);
        CHECK_EQ(e.q[3], 0xfffffff0ull);
    }
}

/*
 * The optimizer's knowledge of i64 values with bits 63..32 clear: ext32u
 * of such a value becomes a copy, ext32u of any other value stays (a
 * carry out of bit 31, an OR with a wide value, a right shift of a wide
 * value, a label between).  Values against C; the ext32u ops left after
 * optimizing are counted, so both a missed and a wrong fold fail.
 */
static int count_ext32u(void)
{
    int n = 0;
    for (int i = 0; i < ctx.nb_ops; i++) {
        n += ctx.ops[i].opc == INDEX_op_ext32u_i64;
    }
    return n;
}

static void test_z32_fold(void)
{
    for (unsigned i = 0; i < NV; i++) {
        for (unsigned j = 0; j < NV; j += 3) {
            uint64_t x = V[i], y = V[j];
            uint32_t xl = (uint32_t)x, yl = (uint32_t)y;
            tcg_func_start(&ctx);
            TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();
            TCGv_i64 t = tcg_temp_new_i64(), u = tcg_temp_new_i64();
            tcg_gen_ext32u_i64(a, Q[0]);            /* kept: Q0 is wide */
            tcg_gen_ext32u_i64(b, Q[1]);            /* kept */
            tcg_gen_ext32u_i64(a, a);               /* folded */
            tcg_gen_mov_i64(Q[2], a);
            tcg_gen_add_i64(t, a, b);
            tcg_gen_ext32u_i64(Q[3], t);            /* kept: carry */
            tcg_gen_xor_i64(t, a, b);
            tcg_gen_shri_i64(t, t, 3);
            tcg_gen_ext32u_i64(Q[4], t);            /* folded */
            tcg_gen_or_i64(t, a, Q[1]);
            tcg_gen_ext32u_i64(Q[5], t);            /* kept: Q1 is wide */
            tcg_gen_shri_i64(u, Q[1], 4);
            tcg_gen_ext32u_i64(u, u);               /* kept */
            tcg_gen_andi_i64(t, Q[1], 0xffff);
            tcg_gen_or_i64(t, t, u);
            tcg_gen_ext32u_i64(Q[6], t);            /* folded */
            TCGLabel *l = gen_new_label();
            tcg_gen_br(l);
            gen_set_label(l);
            tcg_gen_ext32u_i64(Q[7], Q[2]);         /* kept: after a label */
            tcg_gen_exit_tb(0);
            Env in = env_new(), raw, opt;
            in.q[0] = x;
            in.q[1] = y;
            run_twice(&in, &raw, &opt);
            uint64_t want[8] = {
                0, 0, xl, (uint32_t)((uint64_t)xl + yl), (xl ^ yl) >> 3,
                xl | yl, (y & 0xffff) | (uint32_t)(y >> 4), xl,
            };
            for (int k = 2; k < 8; k++) {
                if (raw.q[k] != want[k] || opt.q[k] != want[k]) {
                    test_fail(__FILE__, __LINE__, "q%d for 0x%" PRIx64
                              ", 0x%" PRIx64 ": raw 0x%" PRIx64 " opt 0x%"
                              PRIx64 " want 0x%" PRIx64, k, x, y, raw.q[k],
                              opt.q[k], want[k]);
                }
            }
            CHECK_EQ(count_ext32u(), 6);
        }
    }
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TCGBackendConfig cfg = {
        .tlb_offset = offsetof(Env, tlb),
        .slow_ld = slow_ld,
        .slow_st = slow_st,
    };
    tcg_backend_init(&cfg);
    if (tcg_code_cache_init(&cache, 16 * MiB) < 0) {
        printf("SKIP: cannot map an executable code buffer\n");
        return 77;
    }
    tcg_context_init(&ctx);
    for (int i = 0; i < NQ; i++) {
        Q[i] = tcg_global_mem_new_i64(offsetof(Env, q[i]), "q");
    }
    for (int i = 0; i < 4; i++) {
        R[i] = tcg_global_mem_new_i32(offsetof(Env, r[i]), "r");
    }
    TEST_RUN(test_binary);
    TEST_RUN(test_unary);
    TEST_RUN(test_fields);
    TEST_RUN(test_mul2_div2);
    TEST_RUN(test_conditions);
    TEST_RUN(test_env_ldst);
    TEST_RUN(test_pressure);
    TEST_RUN(test_zero_extension);
    TEST_RUN(test_z32_fold);
    tcg_code_cache_destroy(&cache);
    return test_finish();
}
