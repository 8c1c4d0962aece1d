/*
 * The translator's block cache under pressure (issue 6): guest code run
 * through the x86 harness with a 1 MiB code cache (EMU_TCG_TB_SIZE=1), so
 * that a few hundred translations fill it and force a flush.
 *
 * - Self-modifying code in RAM: a routine patched before every run is
 *   retranslated each time; the cache is flushed many times while the
 *   block that jumps to the routine is the exec loop's chaining source.
 *   Chaining from that block after a flush freed it was a use-after-free
 *   (the sanitizer build reports it; the release build crashed now and
 *   then).  The guest's results must come out right throughout.
 * - Stores into ROM: dropped by the memory map, so they change no code and
 *   must not discard translations.  A loop storing into its own immediate
 *   in ROM must not be retranslated per iteration.
 */
#include "tests/unit/harness.h"
#include "tests/unit/x86-harness.h"
#include "accel/tcg/tcg-internal.h"
#include "emu/machine.h"

#define SUM 0x5000u         /* dword: sum of the patched immediates */
#define ACC 0x5004u         /* dword: sum of the routine's adds */
/* The self-modifying routine, in the page of the code that jumps to it:
 * direct jumps are chained only within a page. */
#define ROUTINE (X86H_CODE + 0x800u)
#define ROM_BASE 0x1000000u /* just above the harness's 16 MiB of RAM */
#define ROM_SIZE (64 * KiB)
#define BODY_ADDS 48        /* memory adds: a long block, big host code */

typedef struct Code {
    uint8_t b[4096];
    size_t n;
    uint32_t base;          /* guest address of b[0] */
} Code;

static void e8(Code *c, uint8_t v)
{
    c->b[c->n++] = v;
}

static void e32(Code *c, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        e8(c, v >> (8 * i));
    }
}

static uint32_t here(const Code *c)
{
    return c->base + c->n;
}

/* jmp rel32 to an absolute target. */
static void jmp_to(Code *c, uint32_t target)
{
    e8(c, 0xe9);
    e32(c, target - (here(c) + 4));
}

static uint32_t rd32(uint32_t pa)
{
    return ldl_le_p(x86h_ram() + pa);
}

static uint64_t gauss(uint64_t n)
{
    return n * (n + 1) / 2;
}

static void test_smc_flushes(void)
{
    const uint32_t n = 2000;
    Code main_code = { .base = X86H_CODE }, r = { .base = ROUTINE };
    Code *m = &main_code;
    TCGStats before, after;

    /* ROUTINE: mov eax, imm32; add [SUM], eax; BODY_ADDS x add [ACC], ecx;
     * jmp back */
    e8(&r, 0xb8);
    uint32_t imm = here(&r);
    e32(&r, 0);
    e8(&r, 0x01), e8(&r, 0x05), e32(&r, SUM);
    for (int i = 0; i < BODY_ADDS; i++) {
        e8(&r, 0x01), e8(&r, 0x0d), e32(&r, ACC);
    }
    /* main: mov ecx, n; loop: mov [imm], ecx; jmp ROUTINE;
     * back: dec ecx; jnz loop  (then the harness's HLT) */
    e8(m, 0xb9), e32(m, n);
    uint32_t loop = here(m);
    e8(m, 0x89), e8(m, 0x0d), e32(m, imm);
    jmp_to(m, ROUTINE);
    uint32_t back = here(m);
    e8(m, 0x49);
    e8(m, 0x0f), e8(m, 0x85), e32(m, loop - (here(m) + 4));
    jmp_to(&r, back);

    memcpy(x86h_ram() + ROUTINE, r.b, r.n);
    stl_le_p(x86h_ram() + SUM, 0);
    stl_le_p(x86h_ram() + ACC, 0);
    X86HState st;
    x86h_state_init(&st, X86H_PM32);
    before = *tcg_stats();
    CHECK(x86h_run(&st, X86H_CODE, m->b, m->n));
    after = *tcg_stats();
    CHECK_EQ(st.exception, -1);
    CHECK_EQ(rd32(SUM), (uint32_t)gauss(n));
    CHECK_EQ(rd32(ACC), (uint32_t)(BODY_ADDS * gauss(n)));
    /* The routine was retranslated per run and the cache flushed often:
     * otherwise this test does not test what it says. */
    CHECK(after.tb_translated - before.tb_translated >= n);
    CHECK(after.full_flushes - before.full_flushes >= 4);
    if (after.full_flushes - before.full_flushes < 4) {
        printf("  flushes: %" PRIu64 " (is EMU_TCG_TB_SIZE honoured?)\n",
               after.full_flushes - before.full_flushes);
    }
}

static void test_rom_store_keeps_code(void)
{
    static MemoryRegion rom;
    Error *err = NULL;
    const uint32_t n = 2000;
    Code c = { .base = ROM_BASE }, stub = { .base = X86H_CODE };
    TCGStats before, after;

    if (memory_region_init_rom(&rom, "test-rom", ROM_SIZE, &err) < 0) {
        test_fail(__FILE__, __LINE__, "rom: %s", error_get_pretty(err));
        return;
    }
    /* In ROM: mov ecx, n; loop: mov [imm], cl; mov eax, 0x5a (imm);
     * add [SUM], eax; dec ecx; jnz loop; hlt */
    e8(&c, 0xb9), e32(&c, n);
    uint32_t loop = here(&c);
    e8(&c, 0x88), e8(&c, 0x0d);
    uint32_t store_addr = here(&c);
    e32(&c, 0);
    e8(&c, 0xb8);
    uint32_t imm = here(&c);
    e32(&c, 0x5a);
    stl_le_p(c.b + (store_addr - c.base), imm);
    e8(&c, 0x01), e8(&c, 0x05), e32(&c, SUM);
    e8(&c, 0x49);
    e8(&c, 0x0f), e8(&c, 0x85), e32(&c, loop - (here(&c) + 4));
    e8(&c, 0xf4);
    memcpy(memory_region_get_ram_ptr(&rom), c.b, c.n);
    memory_region_add_subregion(current_machine->sysmem, ROM_BASE, &rom);

    /* RAM stub: jump to the ROM (the ROM code halts). */
    jmp_to(&stub, ROM_BASE);
    stl_le_p(x86h_ram() + SUM, 0);
    X86HState st;
    x86h_state_init(&st, X86H_PM32);
    before = *tcg_stats();
    CHECK(x86h_run(&st, X86H_CODE, stub.b, stub.n));
    after = *tcg_stats();
    CHECK_EQ(st.exception, -1);
    CHECK_EQ(rd32(SUM), 0x5a * n);
    CHECK_EQ(((uint8_t *)memory_region_get_ram_ptr(&rom))[imm - ROM_BASE],
             0x5a);
    /* A handful of blocks (stub, the ROM's entry, loop, exit), not one per
     * iteration. */
    uint64_t translated = after.tb_translated - before.tb_translated;
    CHECK(translated < 16);
    if (translated >= 16) {
        printf("  %" PRIu64 " blocks translated for %u iterations\n",
               translated, n);
    }
    memory_region_del_subregion(current_machine->sysmem, &rom);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    /* Before the accelerator starts: it sizes its code cache once. */
    setenv("EMU_TCG_TB_SIZE", "1", 1);
    x86h_init();
    /* Only a guard against a hang: the sanitizer build on a loaded host
     * takes seconds. */
    x86h_set_run_timeout(120 * 1000);
    TEST_RUN(test_smc_flushes);
    TEST_RUN(test_rom_store_keeps_code);
    return test_finish();
}
