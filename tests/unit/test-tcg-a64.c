/*
 * Guest memory at 64-bit virtual addresses (tcg/README.md "Memory access
 * fast path"): qemu_ld/st with i64 and i32 addresses through the
 * interpreter and the x86-64 back end, over a fake target whose slow path
 * fills the TLB as tlb_fill would.  Pages above 4 GiB and at the ends of
 * the 48-bit space hit after a fill, miss before, accesses that cross a
 * page go to the slow path, and an address never hits an entry of a page
 * that only shares its low 32 bits (or its TLB index).  An i32 address
 * that crosses 4 GiB wraps to 0 (MO_ADDR32); an i64 one does not.
 */
#include "tests/unit/harness.h"
#include "tcg/tcg.h"
#include "tcg/tcg-backend.h"

typedef struct Env {
    uint64_t q[8];
    uint32_t r[4];
    TCGTLBEntry tlb[TCG_NB_MMU_MODES][TCG_TLB_SIZE];
} Env;

static TCGContext ctx;
static TCGCodeCache cache;
static TCGv_i64 Q[8];
static TCGv_i32 R[4];
static TranslatedCodeInfo info;

/* The fake guest: these virtual pages exist, each backed by a buffer. */
static const uint64_t page_va[] = {
    0x0000000000001000ull,      /* 0: shares its low 32 bits with 1 */
    0x0000000100001000ull,      /* 1: above 4 GiB */
    0x00007ffffffff000ull,      /* 2: the top page of the lower half */
    0x0000800000000000ull,      /* 3: the one after it (crossing) */
    0xffff800000000000ull,      /* 4: the bottom of the upper half */
    0x0000000000000000ull,      /* 5: same TLB index as 4 */
    0x00000000fffff000ull,      /* 6: below 4 GiB */
    0x0000000100000000ull,      /* 7: above it */
    0xfffffffffffff000ull,      /* 8: the last page */
};
#define NPAGES ARRAY_SIZE(page_va)
static uint8_t mem[NPAGES][4096];
static int slow_calls, slow_a32;

static int page_of(uint64_t a)
{
    for (unsigned i = 0; i < NPAGES; i++) {
        if (page_va[i] == (a & TCG_PAGE_MASK)) {
            return i;
        }
    }
    return -1;
}

/* Byte at a, as the guest sees it (0xee where nothing is mapped). */
static uint8_t *byte_at(uint64_t a)
{
    static uint8_t none;
    int p = page_of(a);
    none = 0xee;
    return p < 0 ? &none : &mem[p][a & 0xfff];
}

/* The model's tlb_fill: the entry for addr's page, if it is mapped. */
static void fill(Env *e, uint64_t addr, int mmu_idx)
{
    int p = page_of(addr);
    if (p < 0) {
        return;
    }
    TCGTLBEntry *te = &e->tlb[mmu_idx][TCG_TLB_INDEX(addr)];
    te->addr_read = te->addr_write = page_va[p];
    te->addend = (uintptr_t)mem[p] - page_va[p];
}

static uint64_t byte_addr(uint64_t addr, unsigned i, MemOp op)
{
    uint64_t a = addr + i;
    return (op & MO_ADDR32) ? (uint32_t)a : a;
}

static uint64_t slow_ld(void *env, uint64_t addr, MemOp op, int mmu_idx,
                        uintptr_t ra)
{
    slow_calls++;
    slow_a32 += (op & MO_ADDR32) != 0;
    fill(env, addr, mmu_idx);
    uint64_t v = 0;
    for (unsigned i = 0; i < 1u << (op & MO_SIZE); i++) {
        v |= (uint64_t)*byte_at(byte_addr(addr, i, op)) << (8 * i);
    }
    return v;
}

static void slow_st(void *env, uint64_t addr, uint64_t val, MemOp op,
                    int mmu_idx, uintptr_t ra)
{
    slow_calls++;
    slow_a32 += (op & MO_ADDR32) != 0;
    fill(env, addr, mmu_idx);
    for (unsigned i = 0; i < 1u << (op & MO_SIZE); i++) {
        *byte_at(byte_addr(addr, i, op)) = val >> (8 * i);
    }
}

static void mem_reset(void)
{
    for (unsigned p = 0; p < NPAGES; p++) {
        for (int i = 0; i < 4096; i++) {
            mem[p][i] = (uint8_t)(p * 37 + i * 11 + 1);
        }
    }
}

/* What an access reads in the model (no TLB, no counting). */
static uint64_t ref_ld(uint64_t addr, unsigned size, bool a32)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)*byte_at(byte_addr(addr, i, a32 ? MO_ADDR32 : 0))
             << (8 * i);
    }
    return v;
}

static Env env_new(void)
{
    static Env e;
    memset(&e, 0, sizeof(e));
    for (int m = 0; m < TCG_NB_MMU_MODES; m++) {
        for (int i = 0; i < TCG_TLB_SIZE; i++) {
            e.tlb[m][i].addr_read = e.tlb[m][i].addr_write = TCG_TLB_INVALID;
            e.tlb[m][i].addr_code = TCG_TLB_INVALID;
        }
    }
    return e;
}

static bool translate(void)
{
    int ret = tcg_gen_code(&ctx, &cache, &info);
    if (ret < 0) {
        test_fail(__FILE__, __LINE__, "tcg_gen_code: %d", ret);
        return false;
    }
    return true;
}

/* Run the block on e (fresh TLB) natively (native) or in TCI. */
static void run(Env *e, bool native)
{
    if (native) {
        tcg_tb_exec(&cache, e, info.code);
    } else {
        tcg_interpret(&ctx, e);
    }
}

/*
 * One block: loads at q1 (i64) as 8, 4 (sign), 2 and 1 bytes, then the
 * same address again (a hit once filled).  Per address: a cold run (every
 * access of a mapped page that does not cross misses once, then hits), a
 * warm run with the TLB kept (no slow path unless crossing).
 */
static void test_hit_miss(void)
{
    tcg_func_start(&ctx);
    tcg_gen_qemu_ld_a64_i64(Q[0], Q[1], 0, MO_UQ);
    tcg_gen_qemu_ld_a64_i32(R[0], Q[1], 0, MO_SL);
    tcg_gen_qemu_ld_a64_i64(Q[2], Q[1], 0, MO_SW);
    tcg_gen_qemu_ld_a64_i64(Q[3], Q[1], 0, MO_UB);
    tcg_gen_qemu_ld_a64_i64(Q[4], Q[1], 0, MO_UQ);
    tcg_gen_exit_tb(0);
    if (!translate()) {
        return;
    }
    static const uint64_t addrs[] = {
        0x0000000100001000ull, 0x0000000100001ff8ull, 0x00007ffffffff000ull,
        0x00007ffffffff7f0ull, 0xffff800000000000ull, 0xffff800000000ab8ull,
        0xfffffffffffff000ull, 0xfffffffffffffff0ull, 0x0000000000001010ull,
    };
    for (int native = 0; native < 2; native++) {
        for (unsigned i = 0; i < ARRAY_SIZE(addrs); i++) {
            uint64_t a = addrs[i];
            mem_reset();
            Env e = env_new();
            e.q[1] = a;
            slow_calls = 0;
            run(&e, native);
            CHECK_EQ(slow_calls, 1);          /* the first access fills */
            CHECK_EQ(e.q[0], ref_ld(a, 8, false));
            CHECK_EQ(e.r[0], (uint32_t)ref_ld(a, 4, false));
            CHECK_EQ(e.q[2], (uint64_t)(int64_t)(int16_t)ref_ld(a, 2, false));
            CHECK_EQ(e.q[3], ref_ld(a, 1, false));
            CHECK_EQ(e.q[4], e.q[0]);
            slow_calls = 0;
            run(&e, native);                  /* warm TLB */
            CHECK_EQ(slow_calls, 0);
            CHECK_EQ(e.q[0], ref_ld(a, 8, false));
        }
    }
}

/*
 * Aliases: pages that share the low 32 bits (1 and 0) or the TLB index
 * (4 and 5) never hit each other's entry, with i64 or i32 addresses.
 */
static void test_no_alias(void)
{
    tcg_func_start(&ctx);
    tcg_gen_qemu_ld_a64_i64(Q[0], Q[1], 0, MO_UQ);   /* page 1: fill */
    tcg_gen_qemu_ld_a64_i64(Q[2], Q[1], 0, MO_UQ);   /* hit */
    tcg_gen_qemu_ld_a64_i64(Q[3], Q[4], 0, MO_UQ);   /* page 0, i64: miss */
    tcg_gen_qemu_ld_i64(Q[5], R[1], 0, MO_UQ);       /* page 0, i32: hit */
    tcg_gen_qemu_st_a64_i64(Q[7], Q[1], 0, MO_UQ);   /* page 1: miss */
    tcg_gen_qemu_ld_i32(R[0], R[2], 0, MO_UL);       /* page 5: fill */
    tcg_gen_qemu_ld_a64_i64(Q[6], Q[6], 0, MO_UQ);   /* page 4: miss */
    tcg_gen_exit_tb(0);
    if (!translate()) {
        return;
    }
    for (int native = 0; native < 2; native++) {
        mem_reset();
        Env e = env_new();
        e.q[1] = 0x0000000100001008ull;
        e.q[4] = 0x0000000000001008ull;
        e.r[1] = 0x00001008;
        e.r[2] = 0x00000040;
        e.q[6] = 0xffff800000000040ull;
        e.q[7] = 0x0123456789abcdefull;
        uint64_t p1 = ref_ld(0x100001008ull, 8, false);
        uint64_t p0 = ref_ld(0x1008, 8, false);
        uint64_t p4 = ref_ld(0xffff800000000040ull, 8, false);
        CHECK(p0 != p1);
        slow_calls = 0;
        run(&e, native);
        CHECK_EQ(e.q[0], p1);
        CHECK_EQ(e.q[2], p1);
        CHECK_EQ(e.q[3], p0);
        CHECK_EQ(e.q[5], p0);
        CHECK_EQ(ref_ld(0x100001008ull, 8, false), 0x0123456789abcdefull);
        CHECK_EQ(ref_ld(0x1008, 8, false), p0);     /* not stored there */
        CHECK_EQ(e.r[0], (uint32_t)ref_ld(0x40, 4, true));
        CHECK_EQ(e.q[6], p4);
        CHECK_EQ(slow_calls, 5);
    }
}

/*
 * Crossing: the top of the lower half into the next page, 8-byte loads
 * and stores; an i32 address across 4 GiB wraps to 0, an i64 one reaches
 * the page at 4 GiB; the slow path is told which (MO_ADDR32).
 */
static void test_cross(void)
{
    tcg_func_start(&ctx);
    tcg_gen_qemu_ld_a64_i64(Q[0], Q[1], 0, MO_UQ);
    tcg_gen_qemu_st_a64_i32(R[3], Q[2], 0, MO_UL);
    tcg_gen_qemu_ld_i32(R[0], R[1], 0, MO_UL);
    tcg_gen_qemu_ld_a64_i32(R[2], Q[3], 0, MO_UL);
    tcg_gen_exit_tb(0);
    if (!translate()) {
        return;
    }
    for (int native = 0; native < 2; native++) {
        mem_reset();
        Env e = env_new();
        e.q[1] = 0x00007ffffffffffcull;
        e.q[2] = 0x00007ffffffffffeull;
        e.r[3] = 0xa1b2c3d4;
        e.r[1] = 0xfffffffe;
        e.q[3] = 0x00000000fffffffeull;
        uint64_t want0 = ref_ld(0x00007ffffffffffcull, 8, false);
        uint32_t wrap = ref_ld(0xfffffffe, 4, true);
        uint32_t above = ref_ld(0xfffffffe, 4, false);
        CHECK(wrap != above);
        slow_calls = slow_a32 = 0;
        run(&e, native);
        CHECK_EQ(e.q[0], want0);
        CHECK_EQ(ref_ld(0x00007ffffffffffeull, 4, false), 0xa1b2c3d4);
        CHECK_EQ(mem[3][0], 0xb2);
        CHECK_EQ(mem[3][1], 0xa1);
        CHECK_EQ(e.r[0], wrap);
        CHECK_EQ(e.r[2], above);
        CHECK_EQ(slow_calls, 4);
        CHECK_EQ(slow_a32, 1);
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
    if (tcg_code_cache_init(&cache, 4 * MiB) < 0) {
        printf("SKIP: cannot map an executable code buffer\n");
        return 77;
    }
    tcg_context_init(&ctx);
    for (int i = 0; i < 8; i++) {
        Q[i] = tcg_global_mem_new_i64(offsetof(Env, q[i]), "q");
    }
    for (int i = 0; i < 4; i++) {
        R[i] = tcg_global_mem_new_i32(offsetof(Env, r[i]), "r");
    }
    TEST_RUN(test_hit_miss);
    TEST_RUN(test_no_alias);
    TEST_RUN(test_cross);
    tcg_code_cache_destroy(&cache);
    return test_finish();
}
