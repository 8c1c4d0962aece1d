/*
 * Guest locked read-modify-writes (accel/tcg/atomic.c, target-i386/
 * atomic-helper.c): the x86 atomic helpers called from two host threads,
 * each with its own vCPU, on shared counters in one RAM page must lose no
 * update (fetch-add, XADD-style, a CMPXCHG loop, an XCHG spinlock around
 * a plain increment); the fallback (an access crossing a page, MMIO) must
 * too, against itself.  Each op's result and old value for every size, on
 * RAM, across a page and on MMIO; an op on a page with translated code
 * invalidates it; one on a page a dirty client has clean marks it dirty.
 *
 * Real mode without paging (linear = physical, MMU index 0): nothing here
 * faults, since the helpers' faults unwind to the exec loop.
 */
#include "tests/unit/harness.h"
#include "tests/unit/x86-harness.h"
#include "emu/machine.h"
#include "emu/memory.h"
#include "accel/tcg/atomic.h"
#include "accel/tcg/cpu-ldst.h"
#include "accel/tcg/tcg-internal.h"
#include "target-i386/helper.h"
#include "target-i386/cpuid.h"

#include <pthread.h>

#define PAGE 0x200000u          /* the counters' page */
#define CNT_ADD (PAGE + 0x00)   /* u32, fetch-add */
#define CNT_Q (PAGE + 0x08)     /* u64, fetch-add of 2^32 + 1 */
#define CNT_CAS (PAGE + 0x10)   /* u32, CMPXCHG loop */
#define CNT_W (PAGE + 0x14)     /* u16, fetch-add */
#define SPIN (PAGE + 0x18)      /* u8 lock, XCHG */
#define CNT_PLAIN (PAGE + 0x20) /* u32 under SPIN, plain load/store */
#define CNT_SPLIT (PAGE + 0xffe) /* u32 across the page: the fallback */
#define MMIO_BASE 0x800000u

#define N_ITER 200000
#define N_SLOW 20000

static CPUState cpu2;
static CPUX86State *envs[2];

/* A device register: read, write (under the global lock). */
static uint32_t mmio_reg;

static uint64_t mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    return addr == 0 ? mmio_reg : 0;
}

static void mmio_write(void *opaque, uint64_t addr, uint64_t v, unsigned size)
{
    if (addr == 0) {
        mmio_reg = v;
    }
}

static const MemoryRegionOps mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .valid = {1, 4},
};
static MemoryRegion mmio_mr;

/* The harness's machine, a second vCPU and an MMIO page. */
static void setup(void)
{
    static bool done;
    Error *err = NULL;
    if (done) {
        return;
    }
    CPUState *cpu = x86h_init();
    envs[0] = &cpu->env;
    cpu2.machine = current_machine;
    cpu2.accel = cpu->accel;
    x86_cpu_model_init(&cpu2.env, NULL, NULL);
    x86_cpu_reset_state(&cpu2.env);
    if (cpu->accel->vcpu_init(&cpu2, &err) < 0) {
        test_fail(__FILE__, __LINE__, "second vCPU");
        exit(1);
    }
    current_machine->cpus[1] = &cpu2;
    current_machine->nr_cpus = 2;
    envs[1] = &cpu2.env;
    memory_region_init_io(&mmio_mr, &mmio_ops, NULL, "atomic-mmio", 0x1000);
    memory_region_add_subregion(current_machine->sysmem, MMIO_BASE, &mmio_mr);
    done = true;
}

static uint64_t op(int i, uint64_t addr, int size, int o, uint64_t val)
{
    return helper_atomic_op(envs[i], addr, val, ATOMIC_INFO(size, o, 0));
}

static uint64_t cmpxchg(int i, uint64_t addr, int size, uint64_t cmp,
                        uint64_t val)
{
    return helper_atomic_cmpxchg(envs[i], addr, cmp, val,
                                 ATOMIC_INFO(size, 0, 0));
}

static pthread_barrier_t start;

static void *hammer(void *arg)
{
    int i = (int)(intptr_t)arg;
    pthread_barrier_wait(&start);
    for (int n = 0; n < N_ITER; n++) {
        op(i, CNT_ADD, 4, ATOMIC_ADD, 1);
        op(i, CNT_Q, 8, ATOMIC_ADD, (1ull << 32) + 1);
        op(i, CNT_W, 2, ATOMIC_ADD, 1);
        uint64_t old = op(i, CNT_CAS, 4, ATOMIC_ADD, 0);
        while (cmpxchg(i, CNT_CAS, 4, old, old + 1) != old) {
            old = op(i, CNT_CAS, 4, ATOMIC_ADD, 0);
        }
        /* A spinlock around a non-atomic increment (helper loads and
         * stores, as a guest's plain MOVs would be). */
        while (op(i, SPIN, 1, ATOMIC_XCHG, 1) != 0) {
        }
        uint32_t v = cpu_ldl_mmuidx_ra(envs[i], CNT_PLAIN, 0, 0);
        cpu_stl_mmuidx_ra(envs[i], CNT_PLAIN, v + 1, 0, 0);
        op(i, SPIN, 1, ATOMIC_XCHG, 0);
    }
    for (int n = 0; n < N_SLOW; n++) {
        op(i, CNT_SPLIT, 4, ATOMIC_ADD, 1);
        op(i, MMIO_BASE, 4, ATOMIC_ADD, 1);
    }
    return NULL;
}

static void test_threads(void)
{
    setup();
    uint8_t *ram = x86h_ram();
    memset(ram + PAGE, 0, 0x1000 + 16);
    mmio_reg = 0;
    uint64_t slow0 = tlb_atomic_slow_count();
    pthread_t t[2];
    pthread_barrier_init(&start, NULL, 2);
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(pthread_create(&t[i], NULL, hammer, (void *)(intptr_t)i), 0);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
    }
    pthread_barrier_destroy(&start);
    CHECK_EQ(ldl_le_p(ram + CNT_ADD), 2 * N_ITER);
    CHECK_EQ(ldq_le_p(ram + CNT_Q), 2ull * N_ITER * ((1ull << 32) + 1));
    CHECK_EQ(ldw_le_p(ram + CNT_W), (2 * N_ITER) & 0xffff);
    CHECK_EQ(ldl_le_p(ram + CNT_CAS), 2 * N_ITER);
    CHECK_EQ(ldl_le_p(ram + CNT_PLAIN), 2 * N_ITER);
    CHECK_EQ(ram[SPIN], 0);
    CHECK_EQ(ldl_le_p(ram + CNT_SPLIT), 2 * N_SLOW);
    CHECK_EQ(mmio_reg, 2 * N_SLOW);
    /* Exactly the split and MMIO ones went the slow way. */
    CHECK_EQ(tlb_atomic_slow_count() - slow0, 4 * N_SLOW);
}

/* Every op and size at addr: the old value returned, the new one stored. */
static void check_ops(uint64_t addr, uint8_t *host, const char *where)
{
    static const uint64_t vals[] = {0, 1, 0x80, 0xffff, 0x7fffffff,
                                    0x8000000000000001ull, ~0ull,
                                    0x0123456789abcdefull};
    for (int size = 1; size <= 8; size *= 2) {
        if (!host && size == 8) {
            continue;       /* the test device takes 4 bytes at most */
        }
        uint64_t m = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
        for (int o = ATOMIC_ADD; o <= ATOMIC_NEG; o++) {
            for (size_t a = 0; a < ARRAY_SIZE(vals); a++) {
                uint64_t b = vals[(a * 3 + o + 1) % ARRAY_SIZE(vals)];
                uint64_t old = vals[a] & m;
                uint64_t want = o == ATOMIC_ADD ? old + b
                                : o == ATOMIC_AND ? old & b
                                : o == ATOMIC_OR ? old | b
                                : o == ATOMIC_XOR ? old ^ b
                                : o == ATOMIC_XCHG ? b : -old;
                want &= m;
                if (host) {
                    memset(host, 0x5a, 9);
                    memcpy(host, &old, size);
                } else {
                    mmio_reg = old;
                }
                uint64_t got = op(0, addr, size, o, b);
                uint64_t now = 0;
                if (host) {
                    memcpy(&now, host, size);
                    /* the bytes after the operand are untouched */
                    CHECK_EQ(host[size], 0x5a);
                } else {
                    now = mmio_reg & m;
                }
                if (got != old || now != want) {
                    test_fail(__FILE__, __LINE__,
                              "%s size %d op %d: old %#llx got %#llx, "
                              "new %#llx want %#llx", where, size, o,
                              (unsigned long long)old,
                              (unsigned long long)got,
                              (unsigned long long)now,
                              (unsigned long long)want);
                    return;
                }
            }
            /* CMPXCHG: equal stores, different leaves the value. */
            uint64_t v = 0x1122334455667788ull & m;
            if (host) {
                memcpy(host, &v, size);
            } else {
                mmio_reg = v;
            }
            CHECK_EQ(cmpxchg(0, addr, size, v ^ 1, 7), v);
            CHECK_EQ(cmpxchg(0, addr, size, v, 9), v);
            uint64_t now = 0;
            if (host) {
                memcpy(&now, host, size);
            } else {
                now = mmio_reg & m;
            }
            CHECK_EQ(now, 9);
        }
    }
}

static void test_ops(void)
{
    setup();
    uint8_t *ram = x86h_ram();
    uint64_t slow0 = tlb_atomic_slow_count();
    check_ops(PAGE + 0x100, ram + PAGE + 0x100, "ram");
    CHECK_EQ(tlb_atomic_slow_count(), slow0);
    /* Across the page (fallback) and misaligned within it (fallback). */
    check_ops(PAGE + 0xfff, ram + PAGE + 0xfff, "split");
    check_ops(PAGE + 0x101, ram + PAGE + 0x101, "misaligned");
    CHECK(tlb_atomic_slow_count() > slow0);
    check_ops(MMIO_BASE, NULL, "mmio");

    /* A 32-bit address across 4 GiB wraps to page 0 (outside long
     * mode); the RAM ends at 16 MiB, so the top bytes are unassigned:
     * the write drops there, the low ones land at 0. */
    stl_le_p(ram, 0x44332211);
    op(0, 0xfffffffeu, 4, ATOMIC_XCHG, 0xddccbbaa);
    CHECK_EQ(ram[0], 0xcc);
    CHECK_EQ(ram[1], 0xdd);
    CHECK_EQ(ram[2], 0x33);

    /* CMPXCHG8B/16B on env's registers. */
    CPUX86State *env = envs[0];
    stq_le_p(ram + PAGE + 0x200, 0x1111111122222222ull);
    env->regs[R_EAX] = 0x22222222;
    env->regs[R_EDX] = 0x11111111;
    env->regs[R_EBX] = 0x44444444;
    env->regs[R_ECX] = 0x33333333;
    CHECK_EQ(helper_atomic_cmpxchg8b(env, PAGE + 0x200,
                                     ATOMIC_INFO(8, 0, 0)), 1);
    CHECK_EQ(ldq_le_p(ram + PAGE + 0x200), 0x3333333344444444ull);
    CHECK_EQ(helper_atomic_cmpxchg8b(env, PAGE + 0x200,
                                     ATOMIC_INFO(8, 0, 0)), 0);
    CHECK_EQ(env->regs[R_EAX], 0x44444444);
    CHECK_EQ(env->regs[R_EDX], 0x33333333);
    for (int split = 0; split < 2; split++) {
        uint64_t a = split ? PAGE + 0xff8 : PAGE + 0x300;
        stq_le_p(ram + a, 1);
        stq_le_p(ram + a + 8, 2);
        env->regs[R_EAX] = 1;
        env->regs[R_EDX] = 2;
        env->regs[R_EBX] = 0xaaaaaaaaaaaaaaaaull;
        env->regs[R_ECX] = 0xbbbbbbbbbbbbbbbbull;
        CHECK_EQ(helper_atomic_cmpxchg16b(env, a, ATOMIC_INFO(0, 0, 0)), 1);
        CHECK_EQ(ldq_le_p(ram + a), 0xaaaaaaaaaaaaaaaaull);
        CHECK_EQ(ldq_le_p(ram + a + 8), 0xbbbbbbbbbbbbbbbbull);
        CHECK_EQ(helper_atomic_cmpxchg16b(env, a, ATOMIC_INFO(0, 0, 0)), 0);
        CHECK_EQ(env->regs[R_EAX], 0xaaaaaaaaaaaaaaaaull);
        CHECK_EQ(env->regs[R_EDX], 0xbbbbbbbbbbbbbbbbull);
    }
}

/* Translated code on the page: the op invalidates it; a page a dirty
 * client has clean: the op marks it dirty. */
static void test_code_dirty(void)
{
    setup();
    uint8_t *ram = x86h_ram();
    static const uint8_t nop[] = {0x90};
    X86HState st;
    x86h_state_init(&st, X86H_REAL);
    CHECK(x86h_run(&st, 0x6000, nop, sizeof(nop)));
    CHECK(tb_page_has_code(0x6000));
    uint64_t inv = tcg_stats()->tb_invalidated;
    op(0, 0x6000, 1, ATOMIC_OR, 0);
    CHECK(tcg_stats()->tb_invalidated > inv);
    CHECK_EQ(ram[0x6000], 0x90);

    MemoryRegion *mr = current_machine->ram;
    memory_region_set_log(mr, true, DIRTY_MEMORY_VGA);
    memory_region_test_and_clear_dirty(mr, PAGE, 0x1000, DIRTY_MEMORY_VGA);
    CHECK(!memory_region_get_dirty(mr, PAGE, 0x1000, DIRTY_MEMORY_VGA));
    op(0, PAGE + 0x40, 4, ATOMIC_ADD, 1);
    CHECK(memory_region_get_dirty(mr, PAGE, 0x1000, DIRTY_MEMORY_VGA));
    memory_region_set_log(mr, false, DIRTY_MEMORY_VGA);
}

/*
 * A locked store into the running block, to the next instruction's
 * immediate: that instruction must run with the new byte (the helper's
 * return address names the block: tb_check_smc restarts the store alone).
 * Once through the host atomic (aligned byte), once through the fallback
 * (a misaligned word).
 */
static void test_smc(void)
{
    setup();
    static const uint8_t prog_b[] = {
        0xf0, 0xfe, 0x05, 0x08, 0x00, 0x01, 0x00,   /* lock inc byte [X] */
        0xb0, 0x10,                                 /* mov al, 0x10 */
    };
    static const uint8_t prog_w[] = {
        0xf0, 0x66, 0x83, 0x05, 0x0b, 0x00, 0x01, 0x00, 0x02,
                                            /* lock add word [X], 2 */
        0x66, 0xb8, 0x10, 0x10,             /* mov ax, 0x1010 */
    };
    X86HState st;
    x86h_state_init(&st, X86H_PM32);
    CHECK(x86h_run(&st, X86H_CODE, prog_b, sizeof(prog_b)));
    CHECK_EQ(st.exception, -1);
    CHECK_EQ(st.regs[0] & 0xff, 0x11);
    x86h_state_init(&st, X86H_PM32);
    uint64_t slow0 = tlb_atomic_slow_count();
    CHECK(x86h_run(&st, X86H_CODE, prog_w, sizeof(prog_w)));
    CHECK_EQ(st.exception, -1);
    CHECK_EQ(st.regs[0] & 0xffff, 0x1012);
    CHECK(tlb_atomic_slow_count() > slow0);
}

/*
 * Faults are precise: with paging on, a locked op on a page that is not
 * present, or read-only under CR0.WP, raises #PF at the instruction, as
 * a write (error code W), with CR2, CF (from the STC before) and the
 * memory unchanged.
 */
static void test_fault(void)
{
    setup();
    uint8_t *ram = x86h_ram();
    const uint32_t pd = 0x100000, pt = 0x101000;
    const uint32_t np = 0x3fe000, ro = 0x3ff000;
    memset(ram + pd, 0, 0x2000);
    stl_le_p(ram + pd, pt | 3);
    for (uint32_t i = 0; i < 1024; i++) {
        stl_le_p(ram + pt + 4 * i, (i << 12) | 3);
    }
    stl_le_p(ram + pt + 4 * (np >> 12), 0);
    stl_le_p(ram + pt + 4 * (ro >> 12), ro | 1);
    stl_le_p(ram + ro + 0x10, 0x1234);
    for (int k = 0; k < 2; k++) {
        uint32_t a = (k ? ro : np) + 0x10;
        const uint8_t prog[] = {
            0xb8, 0x00, 0x00, 0x10, 0x00,               /* mov eax, pd */
            0x0f, 0x22, 0xd8,                           /* mov cr3, eax */
            0x0f, 0x20, 0xc0,                           /* mov eax, cr0 */
            0x0d, 0x00, 0x00, 0x01, 0x80,               /* or eax, PG|WP */
            0x0f, 0x22, 0xc0,                           /* mov cr0, eax */
            0xf9,                                       /* stc */
            0xf0, 0x83, 0x15, a, a >> 8, a >> 16, a >> 24, 0x01,
                                            /* lock adc dword [a], 1 */
        };
        X86HState st;
        x86h_state_init(&st, X86H_PM32);
        CHECK(x86h_run(&st, X86H_CODE, prog, sizeof(prog)));
        CHECK_EQ(st.exception, 14);
        CHECK_EQ(st.fault_eip, X86H_CODE + 20);
        CHECK_EQ(st.error_code, k ? 3u : 2u);
        CHECK_EQ((uint32_t)envs[0]->cr[2], a);
        CHECK_EQ(st.eflags & 1, 1);
        CHECK_EQ(ldl_le_p(ram + ro + 0x10), 0x1234);
    }
    /* Paging off again for the tests after this one. */
    envs[0]->cr[0] &= ~0x80010000u;
    envs[0]->hflags &= ~HF_PG;
    tlb_flush(envs[0]);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_ops);
    TEST_RUN(test_code_dirty);
    TEST_RUN(test_smc);
    TEST_RUN(test_fault);
    TEST_RUN(test_threads);
    return test_finish();
}
