/*
 * Memory map changes and the translator: the memory API reports exactly
 * the physical ranges whose mapping changed (range_changed), however the
 * flat ranges around them split or merge, and the translator drops the
 * blocks and TLB entries of those ranges only: code elsewhere keeps its
 * translations, and code run from a remapped range runs the new contents.
 */
#include "tests/unit/harness.h"
#include "tests/unit/x86-harness.h"
#include "emu/machine.h"
#include "accel/tcg/tcg-internal.h"

typedef struct Changes {
    MemoryListener l;
    int n;
    uint64_t start[8], len[8];
} Changes;

static void record(MemoryListener *l, uint64_t start, uint64_t len)
{
    Changes *c = container_of(l, Changes, l);
    if (c->n < 8) {
        c->start[c->n] = start;
        c->len[c->n] = len;
    }
    c->n++;
}

static uint64_t mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static const MemoryRegionOps mmio_ops = {.read = mmio_read};

static void test_changed_ranges(void)
{
    MemoryRegion root, ram, bar, alias;
    AddressSpace as;
    Changes c = {.l = {.range_changed = record}};
    Error *err = NULL;

    memory_region_init(&root, "system", 4 * GiB);
    CHECK_EQ(memory_region_init_ram(&ram, "ram", 1 * MiB, &err), 0);
    memory_region_init_io(&bar, &mmio_ops, NULL, "bar", 0x1000);
    memory_region_add_subregion(&root, 0, &ram);
    memory_region_add_subregion(&root, 0xfd000000, &bar);
    address_space_init(&as, &root, "remap-test");
    memory_listener_register(&c.l, &as);
    CHECK_EQ(c.n, 0); /* nothing at registration */

    /* A BAR moves: the old and the new place, nothing else. */
    memory_region_set_address(&bar, 0xfe000000);
    CHECK_EQ(c.n, 2);
    CHECK_EQ(c.start[0], 0xfd000000);
    CHECK_EQ(c.len[0], 0x1000);
    CHECK_EQ(c.start[1], 0xfe000000);
    CHECK_EQ(c.len[1], 0x1000);

    /* RAM punched by a window, then not: the window's range only. */
    c.n = 0;
    memory_region_del_subregion(&root, &bar);
    memory_region_add_subregion_overlap(&root, 0xa0000, &bar, 1);
    CHECK_EQ(c.n, 2);
    CHECK_EQ(c.start[0], 0xfe000000);
    CHECK_EQ(c.start[1], 0xa0000);
    CHECK_EQ(c.len[1], 0x1000);
    c.n = 0;
    memory_region_set_enabled(&bar, false);
    /* The two RAM pieces merge back into one flat range, yet only the
     * window changed. */
    CHECK_EQ(c.n, 1);
    CHECK_EQ(c.start[0], 0xa0000);
    CHECK_EQ(c.len[0], 0x1000);

    /* An alias of the same RAM at the same offset (PAM: RAM shadowing a
     * ROM) changes nothing; at another offset it changes its range. */
    c.n = 0;
    memory_region_init_alias(&alias, "alias", &ram, 0xc0000, 0x4000);
    memory_region_add_subregion_overlap(&root, 0xc0000, &alias, 1);
    CHECK_EQ(c.n, 0);
    memory_region_set_alias_offset(&alias, 0x0);
    CHECK_EQ(c.n, 1);
    CHECK_EQ(c.start[0], 0xc0000);
    CHECK_EQ(c.len[0], 0x4000);
    /* Read-only is a different mapping too. */
    c.n = 0;
    memory_region_set_alias_offset(&alias, 0xc0000);
    memory_region_set_readonly(&alias, true);
    CHECK_EQ(c.n, 2);
    CHECK_EQ(c.start[1], 0xc0000);
    CHECK_EQ(c.len[1], 0x4000);

    memory_listener_unregister(&c.l);
    memory_region_del_subregion(&root, &alias);
    memory_region_del_subregion(&root, &bar);
    memory_region_del_subregion(&root, &ram);
    address_space_destroy(&as);
    memory_region_finalize(&ram);
}

#define CODE_A 0x10000u /* stays */
#define CODE_B 0x20000u /* gets an overlay */

/* mov eax, imm32; hlt */
static void put_mov_eax(uint8_t *p, uint32_t imm)
{
    p[0] = 0xb8;
    stl_le_p(p + 1, imm);
    p[5] = 0xf4;
}

static uint32_t run_at(CPUState *cpu, uint32_t eip)
{
    cpu->env.eip = eip;
    cpu->env.halted = false;
    cpu->stop_request = false;
    x86h_exec(4, 2000);
    return cpu->env.regs[R_EAX];
}

static void test_tcg_remap_keeps_others(void)
{
    CPUState *cpu = x86h_init();
    X86HState st;
    MemoryRegion overlay;
    Error *err = NULL;
    uint8_t code[6];

    /* Both blocks translated (x86h_run starts from a flushed cache). */
    put_mov_eax(code, 0xaaaa);
    x86h_state_init(&st, X86H_PM32);
    CHECK(x86h_run(&st, CODE_A, code, 5));
    CHECK_EQ(st.regs[R_EAX], 0xaaaa);
    put_mov_eax(x86h_ram() + CODE_B, 0xbbbb);
    CHECK_EQ(run_at(cpu, CODE_B), 0xbbbb);

    /* RAM with other code over CODE_B's page (as a BAR or a VGA window
     * mapped over it). */
    CHECK_EQ(memory_region_init_ram(&overlay, "overlay", 0x1000, &err), 0);
    put_mov_eax(overlay.ram, 0xcccc);
    TCGStats before = *tcg_stats();
    memory_region_add_subregion_overlap(current_machine->sysmem, CODE_B,
                                        &overlay, 1);
    /* Code elsewhere keeps its block: no translation, no flush. */
    CHECK_EQ(run_at(cpu, CODE_A), 0xaaaa);
    CHECK_EQ(tcg_stats()->tb_translated, before.tb_translated);
    CHECK_EQ(tcg_stats()->full_flushes, before.full_flushes);
    CHECK_EQ(tcg_stats()->map_changes, before.map_changes + 1);
    /* The remapped range's block went, and its new contents run. */
    CHECK_EQ(tcg_stats()->tb_invalidated, before.tb_invalidated + 1);
    CHECK_EQ(run_at(cpu, CODE_B), 0xcccc);
    CHECK_EQ(tcg_stats()->tb_translated, before.tb_translated + 1);

    /* Unmapped again: the RAM's own code runs. */
    memory_region_del_subregion(current_machine->sysmem, &overlay);
    CHECK_EQ(run_at(cpu, CODE_B), 0xbbbb);
    CHECK_EQ(run_at(cpu, CODE_A), 0xaaaa);
    CHECK_EQ(tcg_stats()->full_flushes, before.full_flushes);
    memory_region_finalize(&overlay);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_changed_ranges);
    TEST_RUN(test_tcg_remap_keeps_others);
    return test_finish();
}
