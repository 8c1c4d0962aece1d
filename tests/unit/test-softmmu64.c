/*
 * The softmmu's 64-bit virtual addresses (accel/tcg/softmmu.c) on a real
 * x86 vCPU under the translator: entries filled by guest code carry whole
 * 64-bit page tags, so an address sharing only the low 32 bits finds
 * nothing (tlb_vaddr_to_host), tlb_flush_page drops only its own page,
 * an access crossing a page reads both, and a slow-path access with an
 * i32 address (MO_ADDR32) that crosses 4 GiB wraps to page 0 and fills
 * page 0's entry, not one at 4 GiB.
 */
#include "tests/unit/harness.h"
#include "tests/unit/x86-harness.h"
#include "accel/tcg/cpu-ldst.h"
#include "accel/tcg/tcg-internal.h"

#define DATA_PAGE 0x200000u
#define HI32 (1ull << 32)

/* mov eax, [DATA_PAGE]; mov byte [DATA_PAGE + 0x10], 2 (32-bit flat) */
static const uint8_t prog[] = {
    0x8b, 0x05, 0x00, 0x00, 0x20, 0x00,
    0xc6, 0x05, 0x10, 0x00, 0x20, 0x00, 0x02,
};

static void test_tags(void)
{
    x86h_init();
    CPUX86State *env = x86h_env();
    uint8_t *ram = x86h_ram();
    X86HState st;
    for (int i = 0; i < 8192; i++) {
        ram[DATA_PAGE + i] = i * 7 + 3;
    }
    x86h_state_init(&st, X86H_PM32);
    CHECK(x86h_run(&st, X86H_CODE, prog, sizeof(prog)));
    CHECK_EQ(ram[DATA_PAGE + 0x10], 2);

    TCGTLBEntry *e = (TCGTLBEntry *)env->tcg_tlb + TCG_TLB_INDEX(DATA_PAGE);
    CHECK_EQ(e->addr_read, DATA_PAGE);
    CHECK(tlb_vaddr_to_host(env, DATA_PAGE + 8, MMU_DATA_LOAD, 0) ==
          ram + DATA_PAGE + 8);
    /* Same low 32 bits, or the same TLB index in the upper half. */
    CHECK(!tlb_vaddr_to_host(env, DATA_PAGE + HI32, MMU_DATA_LOAD, 0));
    CHECK(!tlb_vaddr_to_host(env, DATA_PAGE | 0xffff800000000000ull,
                             MMU_DATA_LOAD, 0));

    /* INVLPG of the alias leaves the entry; of the page, drops it. */
    tlb_flush_page(env, DATA_PAGE + HI32);
    CHECK(tlb_vaddr_to_host(env, DATA_PAGE, MMU_DATA_LOAD, 0) != NULL);
    tlb_flush_page(env, DATA_PAGE + 0x123);
    CHECK(!tlb_vaddr_to_host(env, DATA_PAGE, MMU_DATA_LOAD, 0));
    CHECK_EQ(e->addr_read, TCG_TLB_INVALID);
    CHECK_EQ(e->addr_write, TCG_TLB_INVALID);

    /* A helper's load across a page: both pages, refilled. */
    CHECK_EQ(cpu_ldl_mmuidx_ra(env, DATA_PAGE + 0xffe, 0, 0),
             ldl_le_p(ram + DATA_PAGE + 0xffe));
    CHECK_EQ(cpu_ldq_mmuidx_ra(env, DATA_PAGE + 0x10, 0, 0),
             ldq_le_p(ram + DATA_PAGE + 0x10));
    CHECK(tlb_vaddr_to_host(env, DATA_PAGE + 0x1000, MMU_DATA_LOAD, 0) ==
          ram + DATA_PAGE + 0x1000);

    /* An i32 address across 4 GiB: bytes 2 and 3 come from page 0. */
    ram[0] = 0x5a;
    ram[1] = 0xa5;
    tlb_flush(env);
    uint64_t v = tcg_slow_ld(env, 0xfffffffeu, MO_32 | MO_ADDR32, 0, 0);
    CHECK_EQ(v >> 16, 0xa55a);
    CHECK(tlb_vaddr_to_host(env, 0, MMU_DATA_LOAD, 0) == ram);
    CHECK(!tlb_vaddr_to_host(env, HI32, MMU_DATA_LOAD, 0));
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_tags);
    return test_finish();
}
