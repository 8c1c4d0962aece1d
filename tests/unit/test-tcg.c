/*
 * Golden and differential tests of the translator IR (tcg/): every block is
 * run through the interpreter (tcg/tci.c) and the x86-64 back end, and both
 * results are compared with values computed in C.  A random differential
 * test compares interpreter, native code and optimized native code on
 * thousands of random op sequences.
 */
#include "tests/unit/harness.h"
#include "tcg/tcg.h"
#include "tcg/tcg-backend.h"

#define NG 8    /* i32 globals r0..r7 */

typedef struct TestEnv {
    uint32_t r[NG];
    uint64_t q[4];
    uint32_t scratch[4];
    TCGTLBEntry tlb[TCG_NB_MMU_MODES][TCG_TLB_SIZE];
} TestEnv;

static TCGContext ctx;
static TCGCodeCache cache;
static TCGv_i32 R[NG];
static TCGv_i64 Q[4];

/* ---- Fake memory behind the TLB, and the slow paths ---- */

static uint8_t guest_ram[2 * 4096];   /* guest pages 0x1000 and 0x2000 */
static int slow_ld_calls, slow_st_calls;
static uint32_t last_slow_addr, seen_r0_in_slow;
static uint64_t last_slow_val;
static uintptr_t last_retaddr;

static uint64_t test_slow_ld(void *env, uint64_t addr, MemOp op, int mmu_idx,
                             uintptr_t retaddr)
{
    TestEnv *e = env;
    slow_ld_calls++;
    last_slow_addr = addr;
    last_retaddr = retaddr;
    seen_r0_in_slow = e->r[0];
    uint64_t v = 0;
    unsigned size = 1u << (op & MO_SIZE);
    for (unsigned i = 0; i < size; i++) {
        uint32_t a = addr + i;
        uint8_t byte = (a >= 0x1000 && a < 0x3000) ? guest_ram[a - 0x1000]
                                                   : (uint8_t)(a * 7 + 1);
        v |= (uint64_t)byte << (8 * i);
    }
    return v;
}

static void test_slow_st(void *env, uint64_t addr, uint64_t val, MemOp op,
                         int mmu_idx, uintptr_t retaddr)
{
    TestEnv *e = env;
    slow_st_calls++;
    last_slow_addr = addr;
    last_slow_val = val;
    last_retaddr = retaddr;
    seen_r0_in_slow = e->r[0];
    unsigned size = 1u << (op & MO_SIZE);
    for (unsigned i = 0; i < size; i++) {
        uint32_t a = addr + i;
        if (a >= 0x1000 && a < 0x3000) {
            guest_ram[a - 0x1000] = val >> (8 * i);
        }
    }
}

static const void *lookup_result;
static const void *test_lookup(void *env)
{
    return lookup_result;
}

static void tlb_init(TestEnv *e)
{
    for (int m = 0; m < TCG_NB_MMU_MODES; m++) {
        for (int i = 0; i < TCG_TLB_SIZE; i++) {
            e->tlb[m][i].addr_read = TCG_TLB_INVALID;
            e->tlb[m][i].addr_write = TCG_TLB_INVALID;
        }
    }
    /* Pages 0x1000 and 0x2000 are RAM for mmu_idx 0; 0x2000 is read-only. */
    for (int p = 1; p <= 2; p++) {
        TCGTLBEntry *te = &e->tlb[0][TCG_TLB_INDEX(p * 4096u)];
        te->addr_read = p * 4096;
        te->addr_write = p == 1 ? p * 4096 : (p * 4096) | 1;
        te->addend = (uintptr_t)guest_ram - 0x1000;
    }
}

/* ---- Running a block both ways ---- */

static void start(void)
{
    tcg_func_start(&ctx);
}

static TranslatedCodeInfo tb_info;

/* Translate ctx's ops; false (and a failure) if the back end refused. */
static bool translate(TranslatedCodeInfo *info)
{
    int ret = tcg_gen_code(&ctx, &cache, info);
    if (ret == -ENOSPC) {
        tcg_code_cache_reset(&cache);
        ret = tcg_gen_code(&ctx, &cache, info);
    }
    if (ret < 0) {
        test_fail(__FILE__, __LINE__, "tcg_gen_code: %d", ret);
        return false;
    }
    return true;
}

/*
 * Run the current block on a copy of *in through the interpreter and the
 * native back end; both results must be identical (returned in *out).
 */
static uintptr_t run_both(const TestEnv *in, TestEnv *out)
{
    static TestEnv e1, e2;
    e1 = *in;
    uintptr_t r1 = tcg_interpret(&ctx, &e1);
    if (!translate(&tb_info)) {
        *out = e1;
        return r1;
    }
    e2 = *in;
    uintptr_t r2 = tcg_tb_exec(&cache, &e2, tb_info.code);
    CHECK_EQ(r1, r2);
    for (int i = 0; i < NG; i++) {
        if (e1.r[i] != e2.r[i]) {
            test_fail(__FILE__, __LINE__, "r%d: tci 0x%x native 0x%x", i,
                      e1.r[i], e2.r[i]);
        }
    }
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(e1.q[i], e2.q[i]);
    }
    *out = e2;
    return r2;
}

/* Run the already-translated tb_info natively and the IR in TCI. */
static void run_again(const TestEnv *in, TestEnv *out_tci, TestEnv *out_nat)
{
    *out_tci = *in;
    tcg_interpret(&ctx, out_tci);
    *out_nat = *in;
    tcg_tb_exec(&cache, out_nat, tb_info.code);
}

static TestEnv env0(void)
{
    TestEnv e;
    memset(&e, 0, sizeof(e));
    tlb_init(&e);
    return e;
}

static const uint32_t vals[] = {
    0, 1, 2, 3, 5, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
    0x12345678, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff,
    0xdeadbeef, 31, 32, 33,
};

/* ---- Golden tests ---- */

static void test_arith(void)
{
    start();
    tcg_gen_insn_start(0x1000);
    TCGv_i32 t = tcg_temp_new_i32();
    tcg_gen_add_i32(R[2], R[0], R[1]);
    tcg_gen_sub_i32(R[3], R[0], R[1]);
    tcg_gen_mul_i32(t, R[0], R[1]);
    tcg_gen_xor_i32(R[4], t, R[0]);
    tcg_gen_and_i32(t, R[0], R[1]);
    tcg_gen_or_i32(R[5], t, R[1]);
    tcg_gen_addi_i32(R[6], R[0], 0x1234);       /* lea */
    tcg_gen_subi_i32(R[7], R[1], -5);
    tcg_gen_neg_i32(t, R[0]);
    tcg_gen_not_i32(R[0], t);                   /* r0 = ~-r0 = r0 - 1 */
    tcg_gen_sub_i32(R[1], tcg_constant_i32(100), R[1]);
    tcg_gen_exit_tb(0x42);

    TestEnv in = env0(), out;
    bool first = true;
    for (unsigned i = 0; i < ARRAY_SIZE(vals); i++) {
        for (unsigned j = 0; j < ARRAY_SIZE(vals); j++) {
            uint32_t a = vals[i], b = vals[j];
            in.r[0] = a;
            in.r[1] = b;
            if (first) {
                CHECK_EQ(run_both(&in, &out), 0x42);
                first = false;
            } else {
                TestEnv o1;
                run_again(&in, &o1, &out);
                CHECK(memcmp(o1.r, out.r, sizeof(o1.r)) == 0);
            }
            CHECK_EQ(out.r[2], a + b);
            CHECK_EQ(out.r[3], a - b);
            CHECK_EQ(out.r[4], (a * b) ^ a);
            CHECK_EQ(out.r[5], (a & b) | b);
            CHECK_EQ(out.r[6], a + 0x1234);
            CHECK_EQ(out.r[7], b + 5);
            CHECK_EQ(out.r[0], a - 1);
            CHECK_EQ(out.r[1], 100 - b);
        }
    }
}

static uint32_t rol32(uint32_t v, int n)
{
    n &= 31;
    return n ? (v << n) | (v >> (32 - n)) : v;
}

static void test_shifts(void)
{
    /* Register counts. */
    start();
    tcg_gen_shl_i32(R[2], R[0], R[1]);
    tcg_gen_shr_i32(R[3], R[0], R[1]);
    tcg_gen_sar_i32(R[4], R[0], R[1]);
    tcg_gen_rotl_i32(R[5], R[0], R[1]);
    tcg_gen_rotr_i32(R[6], R[0], R[1]);
    tcg_gen_shl_i32(R[7], R[1], R[1]);          /* count == value */
    tcg_gen_exit_tb(0);
    static const int counts[] = { 0, 1, 4, 8, 16, 31 };
    TestEnv in = env0(), out, o1;
    in.r[0] = 0x81234567;
    in.r[1] = 0;
    run_both(&in, &out);
    for (unsigned i = 0; i < ARRAY_SIZE(counts); i++) {
        for (unsigned j = 0; j < ARRAY_SIZE(vals); j++) {
            uint32_t a = vals[j];
            int n = counts[i];
            in.r[0] = a;
            in.r[1] = n;
            run_again(&in, &o1, &out);
            CHECK(memcmp(o1.r, out.r, sizeof(o1.r)) == 0);
            CHECK_EQ(out.r[2], a << n);
            CHECK_EQ(out.r[3], a >> n);
            CHECK_EQ(out.r[4], (uint32_t)((int32_t)a >> n));
            CHECK_EQ(out.r[5], rol32(a, n));
            CHECK_EQ(out.r[6], rol32(a, 32 - n));
            CHECK_EQ(out.r[7], (uint32_t)n << n);
        }
    }
    /* Immediate counts, including 0 and 31. */
    for (unsigned i = 0; i < ARRAY_SIZE(counts); i++) {
        int n = counts[i];
        start();
        tcg_gen_shli_i32(R[2], R[0], n);
        tcg_gen_shri_i32(R[3], R[0], n);
        tcg_gen_sari_i32(R[4], R[0], n);
        tcg_gen_rotli_i32(R[5], R[0], n);
        tcg_gen_rotri_i32(R[6], R[0], n);
        tcg_gen_exit_tb(0);
        in.r[0] = 0x89abcdef;
        run_both(&in, &out);
        uint32_t a = in.r[0];
        CHECK_EQ(out.r[2], a << n);
        CHECK_EQ(out.r[3], a >> n);
        CHECK_EQ(out.r[4], (uint32_t)((int32_t)a >> n));
        CHECK_EQ(out.r[5], rol32(a, n));
        CHECK_EQ(out.r[6], rol32(a, 32 - n));
    }
}

static bool c_cond(TCGCond c, uint32_t a, uint32_t b)
{
    switch (c) {
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT: return (int32_t)a < (int32_t)b;
    case TCG_COND_GE: return (int32_t)a >= (int32_t)b;
    case TCG_COND_LE: return (int32_t)a <= (int32_t)b;
    case TCG_COND_GT: return (int32_t)a > (int32_t)b;
    case TCG_COND_LTU: return a < b;
    case TCG_COND_GEU: return a >= b;
    case TCG_COND_LEU: return a <= b;
    case TCG_COND_GTU: return a > b;
    default: return c == TCG_COND_ALWAYS;
    }
}

static void test_conditions(void)
{
    static const uint32_t cv[] = { 0, 1, 2, 0x7fffffff, 0x80000000,
                                   0xffffffff, 0xfffffffe };
    for (TCGCond c = TCG_COND_NEVER; c <= TCG_COND_GTU; c++) {
        start();
        TCGLabel *l = gen_new_label();
        tcg_gen_setcond_i32(c, R[2], R[0], R[1]);
        tcg_gen_setcondi_i32(c, R[3], R[0], 2);
        tcg_gen_movcond_i32(c, R[4], R[0], R[1], R[5], R[6]);
        tcg_gen_movi_i32(R[7], 0);
        tcg_gen_brcond_i32(c, R[0], R[1], l);
        tcg_gen_movi_i32(R[7], 1);
        gen_set_label(l);
        tcg_gen_exit_tb(0);
        TestEnv in = env0(), out, o1;
        in.r[5] = 0x55;
        in.r[6] = 0x66;
        bool first = true;
        for (unsigned i = 0; i < ARRAY_SIZE(cv); i++) {
            for (unsigned j = 0; j < ARRAY_SIZE(cv); j++) {
                uint32_t a = cv[i], b = cv[j];
                in.r[0] = a;
                in.r[1] = b;
                if (first) {
                    run_both(&in, &out);
                    first = false;
                } else {
                    run_again(&in, &o1, &out);
                    CHECK(memcmp(o1.r, out.r, sizeof(o1.r)) == 0);
                }
                bool r = c_cond(c, a, b);
                if (out.r[2] != r || out.r[3] != c_cond(c, a, 2) ||
                    out.r[4] != (r ? 0x55u : 0x66u) || out.r[7] != !r) {
                    test_fail(__FILE__, __LINE__,
                              "cond %d a=0x%x b=0x%x: %u %u 0x%x %u", c, a,
                              b, out.r[2], out.r[3], out.r[4], out.r[7]);
                }
            }
        }
    }
}

static void test_mul2(void)
{
    start();
    tcg_gen_mulu2_i32(R[2], R[3], R[0], R[1]);
    tcg_gen_muls2_i32(R[4], R[5], R[0], R[1]);
    tcg_gen_mulu2_i32(R[6], R[7], R[0], R[0]);
    tcg_gen_exit_tb(0);
    TestEnv in = env0(), out, o1;
    run_both(&in, &out);
    for (unsigned i = 0; i < ARRAY_SIZE(vals); i++) {
        for (unsigned j = 0; j < ARRAY_SIZE(vals); j++) {
            uint32_t a = vals[i], b = vals[j];
            in.r[0] = a;
            in.r[1] = b;
            run_again(&in, &o1, &out);
            CHECK(memcmp(o1.r, out.r, sizeof(o1.r)) == 0);
            uint64_t u = (uint64_t)a * b;
            int64_t sg = (int64_t)(int32_t)a * (int32_t)b;
            uint64_t sq = (uint64_t)a * a;
            CHECK_EQ(out.r[2], (uint32_t)u);
            CHECK_EQ(out.r[3], (uint32_t)(u >> 32));
            CHECK_EQ(out.r[4], (uint32_t)sg);
            CHECK_EQ(out.r[5], (uint32_t)((uint64_t)sg >> 32));
            CHECK_EQ(out.r[6], (uint32_t)sq);
            CHECK_EQ(out.r[7], (uint32_t)(sq >> 32));
        }
    }
}

static void test_deposit_extract(void)
{
    static const int pl[][2] = { { 0, 8 }, { 8, 8 }, { 0, 16 }, { 16, 16 },
                                 { 4, 5 }, { 0, 32 }, { 31, 1 }, { 3, 20 } };
    for (unsigned k = 0; k < ARRAY_SIZE(pl); k++) {
        int pos = pl[k][0], len = pl[k][1];
        start();
        tcg_gen_deposit_i32(R[2], R[0], R[1], pos, len);
        tcg_gen_extract_i32(R[3], R[0], pos, len);
        tcg_gen_sextract_i32(R[4], R[0], pos, len);
        tcg_gen_deposit_i32(R[5], R[5], tcg_constant_i32(0x1ff), pos, len);
        tcg_gen_exit_tb(0);
        TestEnv in = env0(), out, o1;
        run_both(&in, &out);
        for (unsigned i = 0; i < ARRAY_SIZE(vals); i++) {
            uint32_t a = vals[i], b = vals[ARRAY_SIZE(vals) - 1 - i];
            in.r[0] = a;
            in.r[1] = b;
            in.r[5] = ~a;
            run_again(&in, &o1, &out);
            CHECK(memcmp(o1.r, out.r, sizeof(o1.r)) == 0);
            CHECK_EQ(out.r[2], deposit32(a, pos, len, b));
            CHECK_EQ(out.r[3], extract32(a, pos, len));
            uint32_t sx = (uint32_t)((int32_t)(a << (32 - pos - len)) >>
                                     (32 - len));
            CHECK_EQ(out.r[4], sx);
            CHECK_EQ(out.r[5], deposit32(~a, pos, len, 0x1ff));
        }
    }
    /* extensions */
    start();
    tcg_gen_ext8s_i32(R[2], R[0]);
    tcg_gen_ext8u_i32(R[3], R[0]);
    tcg_gen_ext16s_i32(R[4], R[0]);
    tcg_gen_ext16u_i32(R[5], R[0]);
    tcg_gen_exit_tb(0);
    TestEnv in = env0(), out;
    in.r[0] = 0x1234f6a5;
    run_both(&in, &out);
    CHECK_EQ(out.r[2], 0xffffffa5);
    CHECK_EQ(out.r[3], 0xa5);
    CHECK_EQ(out.r[4], 0xfffff6a5);
    CHECK_EQ(out.r[5], 0xf6a5);
}

static void test_i64(void)
{
    start();
    TCGv_i64 t = tcg_temp_new_i64(), u = tcg_temp_new_i64();
    tcg_gen_extu_i32_i64(t, R[0]);
    tcg_gen_exts_i32_i64(u, R[0]);
    tcg_gen_add_i64(Q[0], t, u);
    tcg_gen_shl_i64(Q[1], Q[1], tcg_constant_i64(36));
    tcg_gen_movi_i64(t, 0x123456789abcdefll);
    tcg_gen_mul_i64(Q[2], Q[2], t);
    tcg_gen_extrh_i64_i32(R[1], Q[3]);
    tcg_gen_extrl_i64_i32(R[2], Q[3]);
    tcg_gen_setcond_i64(TCG_COND_LT, u, Q[3], tcg_constant_i64(0));
    tcg_gen_extrl_i64_i32(R[3], u);
    tcg_gen_ld_i64(u, offsetof(TestEnv, q[3]));
    tcg_gen_st_i64(u, offsetof(TestEnv, scratch));
    tcg_gen_exit_tb(0);
    TestEnv in = env0(), out;
    in.r[0] = 0x80000003;
    in.q[1] = 0x5;
    in.q[2] = 3;
    in.q[3] = 0xfedcba9876543210ull;
    run_both(&in, &out);
    CHECK_EQ(out.q[0], 0x80000003ull + 0xffffffff80000003ull);
    CHECK_EQ(out.q[1], 0x5ull << 36);
    CHECK_EQ(out.q[2], 3 * 0x123456789abcdefull);
    CHECK_EQ(out.r[1], 0xfedcba98);
    CHECK_EQ(out.r[2], 0x76543210);
    CHECK_EQ(out.r[3], 1);
    CHECK_EQ(((uint64_t)out.scratch[1] << 32) | out.scratch[0],
             0xfedcba9876543210ull);
}

/* Helpers called from generated code. */
static uint32_t helper_seen_r0;
static uint32_t helper_read_r0(void *env)
{
    helper_seen_r0 = ((TestEnv *)env)->r[0];
    return helper_seen_r0 * 3;
}

static void helper_set_r1(void *env, uint32_t v)
{
    ((TestEnv *)env)->r[1] = v;
}

static uint64_t helper_sum6(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                            uint64_t e, uint64_t f)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f;
}

static void test_globals_and_calls(void)
{
    start();
    TCGv_i32 t = tcg_temp_new_i32(), keep = tcg_temp_new_i32();
    tcg_gen_addi_i32(R[0], R[0], 1);        /* dirty, must be in memory */
    tcg_gen_addi_i32(keep, R[0], 10);       /* temp live across calls */
    int a1[] = { TCG_ENV_IDX };
    tcg_gen_call((void *)helper_read_r0, TCG_CALL_DEFAULT, t.idx, 1, a1);
    tcg_gen_mov_i32(R[2], t);
    int a2[] = { TCG_ENV_IDX, keep.idx };
    tcg_gen_call((void *)helper_set_r1, TCG_CALL_DEFAULT, -1, 2, a2);
    tcg_gen_addi_i32(R[3], R[1], 1);        /* must reload r1 */
    TCGv_i64 s = tcg_temp_new_i64();
    int a3[] = { tcg_constant_i64(1).idx, Q[0].idx, tcg_constant_i64(3).idx,
                 Q[1].idx, Q[0].idx, tcg_constant_i64(-1).idx };
    tcg_gen_call((void *)helper_sum6, TCG_CALL_PURE, s.idx, 6, a3);
    tcg_gen_mov_i64(Q[2], s);
    tcg_gen_add_i32(R[4], keep, R[0]);
    tcg_gen_exit_tb(7);
    TestEnv in = env0(), out;
    in.r[0] = 41;
    in.r[1] = 5;
    in.q[0] = 100;
    in.q[1] = 1000;
    helper_seen_r0 = 0;
    CHECK_EQ(run_both(&in, &out), 7);
    CHECK_EQ(helper_seen_r0, 42);
    CHECK_EQ(out.r[0], 42);
    CHECK_EQ(out.r[2], 126);
    CHECK_EQ(out.r[1], 52);
    CHECK_EQ(out.r[3], 53);
    CHECK_EQ(out.q[2], 1 + 200 + 9 + 4000 + 500 - 6);
    CHECK_EQ(out.r[4], 52 + 42);
}

static void test_branches(void)
{
    /* r1 = sum of 1..r0 with a backward branch (all state in globals). */
    start();
    TCGLabel *loop = gen_new_label(), *done = gen_new_label();
    tcg_gen_movi_i32(R[1], 0);
    gen_set_label(loop);
    tcg_gen_brcondi_i32(TCG_COND_EQ, R[0], 0, done);
    tcg_gen_add_i32(R[1], R[1], R[0]);
    tcg_gen_subi_i32(R[0], R[0], 1);
    tcg_gen_br(loop);
    gen_set_label(done);
    tcg_gen_exit_tb(1);
    TestEnv in = env0(), out;
    in.r[0] = 100;
    CHECK_EQ(run_both(&in, &out), 1);
    CHECK_EQ(out.r[1], 5050);
    CHECK_EQ(out.r[0], 0);
}

static char *dump_ops(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    tcg_dump_ops(&ctx, f);
    fclose(f);
    return buf;
}

static void test_optimizer(void)
{
    start();
    tcg_gen_insn_start(0x7c00);
    TCGv_i32 a = tcg_temp_new_i32(), b = tcg_temp_new_i32();
    TCGv_i32 dead = tcg_temp_new_i32(), c = tcg_temp_new_i32();
    tcg_gen_movi_i32(a, 5);
    tcg_gen_addi_i32(b, a, 3);               /* 8 */
    tcg_gen_shli_i32(R[0], b, 4);            /* 0x80 */
    tcg_gen_xor_i32(dead, R[1], R[2]);       /* never read */
    tcg_gen_mov_i32(c, R[1]);
    tcg_gen_addi_i32(R[2], c, 0);            /* x + 0 -> copy of r1 */
    tcg_gen_andi_i32(R[3], R[3], -1);        /* x & -1 -> nothing */
    tcg_gen_xor_i32(R[4], R[5], R[5]);       /* 0 */
    tcg_gen_movi_i32(R[6], 1);               /* overwritten: dead */
    tcg_gen_movi_i32(R[6], 2);
    tcg_gen_exit_tb(0);
    tcg_optimize(&ctx);
    char *txt = dump_ops();
    CHECK(strstr(txt, " ---- 0x7c00") != NULL);
    CHECK(strstr(txt, "movi_i32 r0,$0x80") != NULL);
    CHECK(strstr(txt, "mov_i32 r2,r1") != NULL);
    CHECK(strstr(txt, "movi_i32 r4,$0x0") != NULL);
    CHECK(strstr(txt, "movi_i32 r6,$0x2") != NULL);
    CHECK(strstr(txt, "movi_i32 r6,$0x1") == NULL);
    CHECK(strstr(txt, "xor") == NULL);
    CHECK(strstr(txt, "add") == NULL);
    CHECK(strstr(txt, "shl") == NULL);
    CHECK(strstr(txt, "and") == NULL);
    CHECK(strstr(txt, "exit_tb $0x0") != NULL);
    CHECK_EQ(ctx.nb_ops, 6);
    if (getenv("TCG_TEST_VERBOSE")) {
        fputs(txt, stdout);
    }
    free(txt);
    TestEnv in = env0(), out;
    in.r[1] = 0x1111;
    in.r[3] = 0x3333;
    in.r[5] = 0x5555;
    run_both(&in, &out);
    CHECK_EQ(out.r[0], 0x80);
    CHECK_EQ(out.r[2], 0x1111);
    CHECK_EQ(out.r[3], 0x3333);
    CHECK_EQ(out.r[4], 0);
    CHECK_EQ(out.r[6], 2);

    /* A constant branch folds to br; the dead side stays correct. */
    start();
    TCGLabel *l = gen_new_label();
    a = tcg_temp_new_i32();                  /* handles die with the block */
    tcg_gen_movi_i32(a, 3);
    tcg_gen_brcondi_i32(TCG_COND_LTU, a, 4, l);
    tcg_gen_movi_i32(R[0], 1);
    gen_set_label(l);
    tcg_gen_exit_tb(0);
    tcg_optimize(&ctx);
    txt = dump_ops();
    CHECK(strstr(txt, "brcond") == NULL);
    CHECK(strstr(txt, " br $L0") != NULL);
    if (getenv("TCG_TEST_VERBOSE")) {
        fputs(txt, stdout);
    }
    free(txt);
    in.r[0] = 9;
    run_both(&in, &out);
    CHECK_EQ(out.r[0], 9);
}

static void test_qemu_ldst(void)
{
    start();
    TCGv_i32 live[6];
    for (int i = 0; i < 6; i++) {
        /* values in registers across the loads (caller-saved ones too) */
        live[i] = tcg_temp_new_i32();
        tcg_gen_addi_i32(live[i], R[7], i * 0x100);
    }
    tcg_gen_addi_i32(R[0], R[0], 1);                  /* dirty global */
    tcg_gen_qemu_ld_i32(R[1], R[2], 0, MO_UL);        /* addr in r2 */
    tcg_gen_qemu_ld_i32(R[3], R[2], 0, MO_SB);
    tcg_gen_qemu_ld_i32(R[4], R[2], 0, MO_SW);
    tcg_gen_qemu_st_i32(R[5], R[6], 0, MO_UW);        /* addr in r6 */
    TCGv_i32 sum = tcg_temp_new_i32();
    tcg_gen_movi_i32(sum, 0);
    for (int i = 0; i < 6; i++) {
        tcg_gen_add_i32(sum, sum, live[i]);
    }
    tcg_gen_mov_i32(R[7], sum);
    tcg_gen_qemu_ld_i64(Q[0], R[2], 0, MO_UQ);
    tcg_gen_exit_tb(0);

    TestEnv in = env0(), out;
    static const uint32_t addrs[] = { 0x1010, 0x1ffe, 0x2ff0, 0x5000,
                                      0x1ffc, 0x0ffe };
    for (unsigned i = 0; i < ARRAY_SIZE(addrs); i++) {
        for (int k = 0; k < 2 * 4096; k++) {
            guest_ram[k] = k * 13 + 0x81;
        }
        uint32_t addr = addrs[i];
        TestEnv e1 = in, e2;
        in.r[0] = 10;
        in.r[2] = addr;
        in.r[5] = 0xbeef;
        in.r[6] = addr + 4;
        in.r[7] = 1000;
        /* reference: the C side via the slow-path model */
        uint32_t exp32 = test_slow_ld(&e1, addr, MO_32, 0, 0);
        uint64_t exp64 = test_slow_ld(&e1, addr, MO_64, 0, 0);
        int8_t exp8 = test_slow_ld(&e1, addr, MO_8, 0, 0);
        int16_t exp16 = test_slow_ld(&e1, addr, MO_16, 0, 0);

        e1 = in;
        tcg_interpret(&ctx, &e1);
        uint8_t ram_tci[2 * 4096];
        memcpy(ram_tci, guest_ram, sizeof(ram_tci));
        for (int k = 0; k < 2 * 4096; k++) {
            guest_ram[k] = k * 13 + 0x81;
        }
        if (i == 0 && !translate(&tb_info)) {
            return;
        }
        slow_ld_calls = slow_st_calls = 0;
        seen_r0_in_slow = 0;
        e2 = in;
        tcg_tb_exec(&cache, &e2, tb_info.code);
        out = e2;
        CHECK(memcmp(ram_tci, guest_ram, sizeof(ram_tci)) == 0);
        CHECK(memcmp(e1.r, e2.r, sizeof(e1.r)) == 0);
        CHECK_EQ(e1.q[0], e2.q[0]);
        CHECK_EQ(out.r[0], 11);
        CHECK_EQ(out.r[1], exp32);
        CHECK_EQ(out.r[3], (uint32_t)(int32_t)exp8);
        CHECK_EQ(out.r[4], (uint32_t)(int32_t)exp16);
        CHECK_EQ(out.r[7], 6 * 1000 + 0x100 * 15);
        uintptr_t retaddr = last_retaddr;
        int nld = slow_ld_calls;
        /* the 8-byte load sees the 2-byte store (model reads final RAM) */
        exp64 = test_slow_ld(&e1, addr, MO_64, 0, 0);
        CHECK_EQ(out.q[0], exp64);
        bool ld_hit = addr >= 0x1000 && addr + 7 < 0x3000 &&
                      (addr & 0xfff) <= 0xff8;
        bool st_hit = addr + 4 >= 0x1000 && addr + 5 < 0x2000 &&
                      ((addr + 4) & 0xfff) <= 0xffe;
        if (ld_hit) {
            CHECK_EQ(nld, 0);
        } else {
            CHECK(nld >= 1);
            /* the dirty r0 was written back before the slow path */
            CHECK_EQ(seen_r0_in_slow, 11);
            CHECK(retaddr > (uintptr_t)tb_info.code &&
                  retaddr < (uintptr_t)tb_info.code + tb_info.size);
        }
        CHECK_EQ(slow_st_calls, st_hit ? 0 : 1);
        if (addr + 5 < 0x3000 && addr + 4 >= 0x1000) {
            CHECK_EQ(guest_ram[addr + 4 - 0x1000] |
                     (guest_ram[addr + 5 - 0x1000] << 8), 0xbeef);
        }
    }
}

static int insn_seen = -1;
static void helper_where(void *env)
{
    insn_seen = tcg_search_insn(&tb_info,
                                (uintptr_t)__builtin_return_address(0));
}

static void test_insn_search(void)
{
    start();
    int a[] = { TCG_ENV_IDX };
    tcg_gen_insn_start(0x100);
    tcg_gen_addi_i32(R[0], R[0], 1);
    tcg_gen_insn_start2(0x103, 7);
    tcg_gen_addi_i32(R[0], R[0], 1);
    tcg_gen_call((void *)helper_where, TCG_CALL_DEFAULT, -1, 1, a);
    tcg_gen_insn_start(0x105);
    tcg_gen_qemu_ld_i32(R[1], R[2], 0, MO_UL);
    tcg_gen_exit_tb(0);
    if (!translate(&tb_info)) {
        return;
    }
    CHECK_EQ(tb_info.nb_insns, 3);
    CHECK_EQ(tb_info.insn_data[1][0], 0x103);
    CHECK_EQ(tb_info.insn_data[1][1], 7);
    TestEnv in = env0();
    in.r[2] = 0x9000;                        /* miss: slow path */
    slow_ld_calls = 0;
    tcg_tb_exec(&cache, &in, tb_info.code);
    CHECK_EQ(insn_seen, 1);
    CHECK_EQ(slow_ld_calls, 1);
    CHECK_EQ(tcg_search_insn(&tb_info, last_retaddr), 2);
    CHECK_EQ(tcg_search_insn(&tb_info, (uintptr_t)tb_info.code - 1), -1);
    /* the interpreter reports the instruction through tci_insn_data */
    in.r[2] = 0x9000;
    tcg_interpret(&ctx, &in);
    CHECK_EQ(tci_insn_data[0], 0x105);
}

static void test_goto_tb(void)
{
    TranslatedCodeInfo ia, ib;
    /* Block B: r0 *= 2, exit 0x200. */
    start();
    tcg_gen_add_i32(R[0], R[0], R[0]);
    tcg_gen_exit_tb(0x200);
    if (!translate(&ib)) {
        return;
    }
    /* Block A: r0 += 1; goto_tb 0; exit 0x100. */
    start();
    tcg_gen_addi_i32(R[0], R[0], 1);
    tcg_gen_goto_tb(0);
    tcg_gen_exit_tb(0x100);
    if (!translate(&ia)) {
        return;
    }
    CHECK((ia.jmp_insn_offset[0] + 1) % 4 == 0);
    CHECK_EQ(ia.jmp_insn_offset[1], UINT32_MAX);
    TestEnv e = env0();
    e.r[0] = 5;
    CHECK_EQ(tcg_tb_exec(&cache, &e, ia.code), 0x100);
    CHECK_EQ(e.r[0], 6);
    tcg_tb_set_jmp_target(&ia, 0, ib.code);
    e.r[0] = 5;
    CHECK_EQ(tcg_tb_exec(&cache, &e, ia.code), 0x200);
    CHECK_EQ(e.r[0], 12);
    tcg_tb_set_jmp_target(&ia, 0, ia.code + ia.jmp_reset_offset[0]);
    e.r[0] = 5;
    CHECK_EQ(tcg_tb_exec(&cache, &e, ia.code), 0x100);
    CHECK_EQ(e.r[0], 6);

    /* goto_ptr through the lookup callback. */
    start();
    tcg_gen_addi_i32(R[0], R[0], 3);
    tcg_gen_lookup_and_goto_ptr();
    TranslatedCodeInfo ic;
    if (!translate(&ic)) {
        return;
    }
    lookup_result = ib.code;
    e.r[0] = 1;
    CHECK_EQ(tcg_tb_exec(&cache, &e, ic.code), 0x200);
    CHECK_EQ(e.r[0], 8);
    lookup_result = NULL;
    e.r[0] = 1;
    CHECK_EQ(tcg_tb_exec(&cache, &e, ic.code), 0);
    CHECK_EQ(e.r[0], 4);
    e.r[0] = 1;
    CHECK_EQ(tcg_interpret(&ctx, &e), 0);
    CHECK_EQ(e.r[0], 4);
}

/* ---- Random differential test ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)rng_state;
}

static const uint32_t interesting[] = { 0, 1, 2, 3, 4, 31, 32, 0x80, 0xff,
                                        0x7fffffff,
                                        0x80000000, 0xffffffff, 0xfffffffe };

static uint32_t rnd_val(void)
{
    return rnd() % 3 ? rnd() : interesting[rnd() % ARRAY_SIZE(interesting)];
}

/* Random IR: globals r0..r7 and a pool of temps (written before read). */
static void gen_random_block(int nops)
{
    TCGv_i32 pool[8];
    int npool = 0;
    TCGLabel *pending = NULL;
    int label_at = -1;
    start();
    for (int i = 0; i < nops; i++) {
        if (pending && i == label_at) {
            gen_set_label(pending);
            pending = NULL;
            npool = 0;                   /* temps do not survive a label */
        }
        if (!pending && rnd() % 16 == 0) {
            /* a forward branch over a few ops */
            pending = gen_new_label();
            label_at = i + 1 + rnd() % 4;
            tcg_gen_brcond_i32(TCG_COND_EQ + rnd() % 10, R[rnd() % NG],
                               rnd() & 1 ? R[rnd() % NG]
                                         : tcg_constant_i32(rnd_val()),
                               pending);
        }
        if (rnd() % 12 == 0) {
            /* guest memory: an address in the two RAM pages or a miss */
            TCGv_i32 ad = tcg_temp_new_i32();
            tcg_gen_andi_i32(ad, R[rnd() % NG], rnd() % 4 ? 0x1fff : 0x3fff);
            tcg_gen_addi_i32(ad, ad, 0x1000);
            MemOp mop = (MemOp)(rnd() % 3) | (rnd() & 1 ? MO_SIGN : 0);
            if (rnd() & 1) {
                tcg_gen_qemu_ld_i32(R[rnd() % NG], ad, 0, mop);
            } else {
                tcg_gen_qemu_st_i32(R[rnd() % NG], ad, 0, mop);
            }
            continue;
        }
        TCGv_i32 src[3];
        for (int k = 0; k < 3; k++) {
            int pick = rnd() % 10;
            if (pick < 2) {
                src[k] = tcg_constant_i32(rnd_val());
            } else if (pick < 5 && npool) {
                src[k] = pool[rnd() % npool];
            } else {
                src[k] = R[rnd() % NG];
            }
        }
        TCGv_i32 d;
        if (rnd() % 2 && npool < 8) {
            d = tcg_temp_new_i32();
            pool[npool++] = d;
        } else if (rnd() % 3 == 0 && npool) {
            d = pool[rnd() % npool];
        } else {
            d = R[rnd() % NG];
        }
        TCGCond c = TCG_COND_EQ + rnd() % 10;
        int pos = rnd() % 32, len = 1 + rnd() % (32 - pos);
        switch (rnd() % 24) {
        case 0: tcg_gen_add_i32(d, src[0], src[1]); break;
        case 1: tcg_gen_sub_i32(d, src[0], src[1]); break;
        case 2: tcg_gen_and_i32(d, src[0], src[1]); break;
        case 3: tcg_gen_or_i32(d, src[0], src[1]); break;
        case 4: tcg_gen_xor_i32(d, src[0], src[1]); break;
        case 5: tcg_gen_mul_i32(d, src[0], src[1]); break;
        case 6: tcg_gen_shl_i32(d, src[0], src[1]); break;
        case 7: tcg_gen_shr_i32(d, src[0], src[1]); break;
        case 8: tcg_gen_sar_i32(d, src[0], src[1]); break;
        case 9: tcg_gen_rotl_i32(d, src[0], src[1]); break;
        case 10: tcg_gen_rotr_i32(d, src[0], src[1]); break;
        case 11: tcg_gen_neg_i32(d, src[0]); break;
        case 12: tcg_gen_not_i32(d, src[0]); break;
        case 13:
            switch (rnd() % 4) {
            case 0: tcg_gen_ext8s_i32(d, src[0]); break;
            case 1: tcg_gen_ext8u_i32(d, src[0]); break;
            case 2: tcg_gen_ext16s_i32(d, src[0]); break;
            default: tcg_gen_ext16u_i32(d, src[0]); break;
            }
            break;
        case 14: tcg_gen_setcond_i32(c, d, src[0], src[1]); break;
        case 15:
            tcg_gen_movcond_i32(c, d, src[0], src[1], src[2],
                                R[rnd() % NG]);
            break;
        case 16: tcg_gen_deposit_i32(d, src[0], src[1], pos, len); break;
        case 17: tcg_gen_extract_i32(d, src[0], pos, len); break;
        case 18: tcg_gen_sextract_i32(d, src[0], pos, len); break;
        case 19: {
            TCGv_i32 h = R[rnd() % NG];
            if (h.idx == d.idx) {
                h = tcg_temp_new_i32();
            }
            if (rnd() & 1) {
                tcg_gen_mulu2_i32(d, h, src[0], src[1]);
            } else {
                tcg_gen_muls2_i32(d, h, src[0], src[1]);
            }
            break;
        }
        case 20: tcg_gen_movi_i32(d, rnd_val()); break;
        case 21: tcg_gen_mov_i32(d, src[0]); break;
        case 22: tcg_gen_addi_i32(d, src[0], rnd_val()); break;
        default: tcg_gen_shli_i32(d, src[0], rnd() % 32); break;
        }
    }
    if (pending) {
        gen_set_label(pending);
    }
    tcg_gen_exit_tb(0);
}

static uint8_t ram_ref[2 * 4096];
static void ram_reset(void)
{
    for (int k = 0; k < 2 * 4096; k++) {
        guest_ram[k] = k * 29 + 7;
    }
}

static void test_random_diff(void)
{
    int fails = 0;
    static TCGOp saved[TCG_MAX_OPS];
    for (int iter = 0; iter < 5000 && fails < 5; iter++) {
        gen_random_block(4 + rnd() % 40);
        TestEnv in = env0(), e_tci, e_nat, e_opt;
        for (int i = 0; i < NG; i++) {
            in.r[i] = rnd_val();
        }
        bool ram_ok = true;
        e_tci = in;
        ram_reset();
        tcg_interpret(&ctx, &e_tci);
        memcpy(ram_ref, guest_ram, sizeof(ram_ref));
        if (!translate(&tb_info)) {
            fails++;
            continue;
        }
        e_nat = in;
        ram_reset();
        tcg_tb_exec(&cache, &e_nat, tb_info.code);
        ram_ok &= !memcmp(ram_ref, guest_ram, sizeof(ram_ref));
        int nb_saved = ctx.nb_ops;
        memcpy(saved, ctx.ops, sizeof(TCGOp) * nb_saved);
        tcg_optimize(&ctx);
        e_opt = in;
        if (!translate(&tb_info)) {
            fails++;
            continue;
        }
        ram_reset();
        tcg_tb_exec(&cache, &e_opt, tb_info.code);
        ram_ok &= !memcmp(ram_ref, guest_ram, sizeof(ram_ref));
        if (!ram_ok || memcmp(e_tci.r, e_nat.r, sizeof(in.r)) ||
            memcmp(e_tci.r, e_opt.r, sizeof(in.r))) {
            fails++;
            test_fail(__FILE__, __LINE__, "random block %d differs", iter);
            for (int i = 0; i < NG; i++) {
                printf("    r%d: in 0x%08x tci 0x%08x native 0x%08x "
                       "opt 0x%08x\n", i, in.r[i], e_tci.r[i], e_nat.r[i],
                       e_opt.r[i]);
            }
            ctx.nb_ops = nb_saved;
            memcpy(ctx.ops, saved, sizeof(TCGOp) * nb_saved);
            tcg_dump_ops(&ctx, stdout);
        }
    }
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TCGBackendConfig cfg = {
        .tlb_offset = offsetof(TestEnv, tlb),
        .slow_ld = test_slow_ld,
        .slow_st = test_slow_st,
        .lookup_tb_ptr = test_lookup,
    };
    tcg_backend_init(&cfg);
    if (tcg_code_cache_init(&cache, 16 * MiB) < 0) {
        printf("cannot map an executable code buffer\n");
        return 1;
    }
    tcg_context_init(&ctx);
    static const char *const names[NG] = { "r0", "r1", "r2", "r3",
                                           "r4", "r5", "r6", "r7" };
    for (int i = 0; i < NG; i++) {
        R[i] = tcg_global_mem_new_i32(offsetof(TestEnv, r[i]), names[i]);
    }
    for (int i = 0; i < 4; i++) {
        Q[i] = tcg_global_mem_new_i64(offsetof(TestEnv, q[i]), "q");
    }
    TEST_RUN(test_arith);
    TEST_RUN(test_shifts);
    TEST_RUN(test_conditions);
    TEST_RUN(test_mul2);
    TEST_RUN(test_deposit_extract);
    TEST_RUN(test_i64);
    TEST_RUN(test_globals_and_calls);
    TEST_RUN(test_branches);
    TEST_RUN(test_optimizer);
    TEST_RUN(test_qemu_ldst);
    TEST_RUN(test_insn_search);
    TEST_RUN(test_goto_tb);
    TEST_RUN(test_random_diff);
    tcg_code_cache_destroy(&cache);
    return test_finish();
}
