/*
 * Dirty tracking (include/emu/memory.h, hw/core/memory-dirty.c): the per-client bitmaps and their
 * range operations, display snapshots, the listener hooks (log_change,
 * log_sync, code_written), the memory API's own writes, the translator's
 * stores (slow path and the not-dirty TLB flag, re-armed after a clear)
 * and KVM's dirty log when /dev/kvm is usable.
 */
#include "tests/unit/harness.h"
#include "tests/unit/x86-harness.h"
#include "emu/accel.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "tcg/tcg-backend.h"
#include "target-i386/cpuid.h"

#define P 4096u

static void ram_init(MemoryRegion *mr, uint64_t size)
{
    Error *err = NULL;
    if (memory_region_init_ram(mr, "ram", size, &err) < 0) {
        test_fail(__FILE__, __LINE__, "ram: %s", error_get_pretty(err));
        exit(1);
    }
}

static void test_bitmap_ranges(void)
{
    MemoryRegion ram;
    ram_init(&ram, 200 * P);

    /* A new region is all dirty: nothing is known about it. */
    CHECK(memory_region_get_dirty(&ram, 0, 200 * P, DIRTY_MEMORY_VGA));
    CHECK(
        memory_region_test_and_clear_dirty(&ram, 0, 200 * P, DIRTY_MEMORY_VGA));
    CHECK(!memory_region_get_dirty(&ram, 0, 200 * P, DIRTY_MEMORY_VGA));
    /* Other clients keep their own bits. */
    CHECK(memory_region_get_dirty(&ram, 0, 200 * P, DIRTY_MEMORY_MIGRATION));

    /* A 2-byte write across pages 63/64 (a bitmap word boundary). */
    memory_region_set_dirty(&ram, 64 * P - 1, 2);
    CHECK(!memory_region_get_dirty(&ram, 0, 63 * P, DIRTY_MEMORY_VGA));
    CHECK(memory_region_get_dirty(&ram, 63 * P, 1, DIRTY_MEMORY_VGA));
    CHECK(memory_region_get_dirty(&ram, 64 * P + 100, 1, DIRTY_MEMORY_VGA));
    CHECK(!memory_region_get_dirty(&ram, 65 * P, 135 * P, DIRTY_MEMORY_VGA));
    /* set_dirty leaves CODE alone (the translator's to set). */
    memory_region_reset_dirty(&ram, 0, 200 * P, DIRTY_MEMORY_CODE);
    memory_region_set_dirty(&ram, 10 * P, 1);
    CHECK(!memory_region_get_dirty(&ram, 0, 200 * P, DIRTY_MEMORY_CODE));
    memory_region_set_dirty_mask(&ram, 10 * P, 1, 1u << DIRTY_MEMORY_CODE);
    CHECK(memory_region_get_dirty(&ram, 10 * P, 1, DIRTY_MEMORY_CODE));
    CHECK(!memory_region_get_dirty(&ram, 11 * P, 1, DIRTY_MEMORY_CODE));

    /* test_and_clear on part of the range. */
    CHECK(
        memory_region_test_and_clear_dirty(&ram, 63 * P, P, DIRTY_MEMORY_VGA));
    CHECK(!memory_region_get_dirty(&ram, 63 * P, P, DIRTY_MEMORY_VGA));
    CHECK(memory_region_get_dirty(&ram, 64 * P, P, DIRTY_MEMORY_VGA));
    CHECK(memory_region_test_and_clear_dirty(&ram, 0, 63 * P,
                                             DIRTY_MEMORY_VGA)); /* page 10 */
    CHECK(
        !memory_region_test_and_clear_dirty(&ram, 0, 63 * P, DIRTY_MEMORY_VGA));
    /* Beyond the region: nothing, no crash. */
    memory_region_set_dirty(&ram, 300 * P, P);
    CHECK(!memory_region_get_dirty(&ram, 300 * P, P, DIRTY_MEMORY_VGA));
    /* The last page, clipped. */
    memory_region_set_dirty(&ram, 199 * P + 10, 10 * P);
    CHECK(memory_region_get_dirty(&ram, 199 * P, P, DIRTY_MEMORY_VGA));
    memory_region_finalize(&ram);
}

static void test_snapshot(void)
{
    MemoryRegion ram;
    ram_init(&ram, 100 * P);
    memory_region_reset_dirty(&ram, 0, 100 * P, DIRTY_MEMORY_VGA);
    memory_region_set_dirty(&ram, 3 * P, 1);
    memory_region_set_dirty(&ram, 70 * P, 2 * P);

    DirtyBitmapSnapshot *s = memory_region_snapshot_and_clear_dirty(
        &ram, 2 * P, 80 * P, DIRTY_MEMORY_VGA);
    /* The bits moved into the snapshot. */
    CHECK(!memory_region_get_dirty(&ram, 0, 100 * P, DIRTY_MEMORY_VGA));
    CHECK(memory_region_snapshot_get_dirty(&ram, s, 3 * P, 1));
    CHECK(!memory_region_snapshot_get_dirty(&ram, s, 4 * P, 60 * P));
    CHECK(memory_region_snapshot_get_dirty(&ram, s, 71 * P, 1));
    CHECK(!memory_region_snapshot_get_dirty(&ram, s, 72 * P, P));
    /* Outside the snapshot's range: not in it. */
    CHECK(!memory_region_snapshot_get_dirty(&ram, s, 90 * P, P));
    /* A write after the snapshot goes to the next one. */
    memory_region_set_dirty(&ram, 4 * P, 1);
    CHECK(!memory_region_snapshot_get_dirty(&ram, s, 4 * P, 1));
    CHECK(memory_region_get_dirty(&ram, 4 * P, 1, DIRTY_MEMORY_VGA));
    dirty_bitmap_snapshot_free(s);
    memory_region_finalize(&ram);
}

typedef struct Watcher {
    MemoryListener l;
    int log_changes, syncs;
    uint8_t last_mask;
    uint64_t code_addr, code_len;
    int code_calls;
    MemoryRegion *mark; /* log_sync marks page 5 of it dirty */
} Watcher;

static void w_log_change(MemoryListener *l, const FlatRange *fr)
{
    Watcher *w = container_of(l, Watcher, l);
    w->log_changes++;
    w->last_mask = fr->mr->dirty_log_mask;
}

static void w_log_sync(MemoryListener *l, const FlatRange *fr)
{
    Watcher *w = container_of(l, Watcher, l);
    w->syncs++;
    if (w->mark == fr->mr) {
        memory_region_set_dirty(fr->mr, 5 * P, 1);
    }
}

static void w_code_written(MemoryListener *l, uint64_t addr, uint64_t len)
{
    Watcher *w = container_of(l, Watcher, l);
    w->code_calls++;
    w->code_addr = addr;
    w->code_len = len;
}

static void test_listener_hooks(void)
{
    MemoryRegion root, ram, rom;
    AddressSpace as;
    Watcher w = {0};
    Error *err = NULL;

    memory_region_init(&root, "system", 1 * MiB);
    ram_init(&ram, 16 * P);
    CHECK_EQ(memory_region_init_rom(&rom, "rom", 4 * P, &err), 0);
    memory_region_add_subregion(&root, 0x10000, &ram);
    memory_region_add_subregion(&root, 0x40000, &rom);
    address_space_init(&as, &root, "dirty-test");
    w.l.log_change = w_log_change;
    w.l.log_sync = w_log_sync;
    w.l.code_written = w_code_written;
    memory_listener_register(&w.l, &as);

    /* Logging on: the listener hears it for the range of that region. */
    memory_region_set_log(&ram, true, DIRTY_MEMORY_VGA);
    CHECK_EQ(w.log_changes, 1);
    CHECK(w.last_mask & (1u << DIRTY_MEMORY_VGA));
    memory_region_set_log(&ram, true, DIRTY_MEMORY_VGA);
    CHECK_EQ(w.log_changes, 1); /* no change, no call */
    memory_region_set_log(&rom, true, DIRTY_MEMORY_VGA);
    CHECK_EQ(w.log_changes, 1); /* ROM keeps no log */

    /* Reading bits syncs the accelerators' logs first. */
    memory_region_reset_dirty(&ram, 0, 16 * P, DIRTY_MEMORY_VGA);
    w.mark = &ram;
    CHECK(memory_region_get_dirty(&ram, 5 * P, 1, DIRTY_MEMORY_VGA));
    CHECK(w.syncs >= 1);
    w.mark = NULL;

    /* The memory API's own writes mark VGA and MIGRATION, not CODE. */
    memory_region_reset_dirty(&ram, 0, 16 * P, DIRTY_MEMORY_VGA);
    uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK(address_space_write(&as, 0x10000 + 3 * P - 4, buf, 8));
    CHECK(memory_region_get_dirty(&ram, 2 * P, 1, DIRTY_MEMORY_VGA));
    CHECK(memory_region_get_dirty(&ram, 3 * P, 1, DIRTY_MEMORY_VGA));
    CHECK(!memory_region_get_dirty(&ram, 4 * P, 1, DIRTY_MEMORY_VGA));
    /* All CODE bits set (no code): nobody told. */
    CHECK_EQ(w.code_calls, 0);
    /* Code on page 7: a write there is reported with its address. */
    memory_region_reset_dirty(&ram, 7 * P, P, DIRTY_MEMORY_CODE);
    address_space_write_val(&as, 0x10000 + 7 * P + 0x10, 4, 0x12345678);
    CHECK_EQ(w.code_calls, 1);
    CHECK_EQ(w.code_addr, 0x10000 + 7 * P + 0x10);
    CHECK_EQ(w.code_len, 4);
    /* ...and a write elsewhere is not. */
    address_space_write_val(&as, 0x10000 + 8 * P, 4, 0);
    CHECK_EQ(w.code_calls, 1);
    /* ROM stores are dropped: nothing dirty, nobody told. */
    address_space_write_val(&as, 0x40000, 1, 0xaa);
    CHECK_EQ(w.code_calls, 1);

    /* Logging off: one last sync, then the listener hears the change. */
    int syncs = w.syncs;
    memory_region_set_log(&ram, false, DIRTY_MEMORY_VGA);
    CHECK_EQ(w.log_changes, 2);
    CHECK(!(w.last_mask & (1u << DIRTY_MEMORY_VGA)));
    CHECK(w.syncs > syncs);

    memory_listener_unregister(&w.l);
    memory_region_del_subregion(&root, &ram);
    memory_region_del_subregion(&root, &rom);
    address_space_destroy(&as);
    memory_region_finalize(&ram);
    memory_region_finalize(&rom);
}

/* ---- the translator's stores ---- */

static TCGTLBEntry *tlb_entry(uint32_t lin)
{
    CPUX86State *env = x86h_env();
    return (TCGTLBEntry *)env->tcg_tlb + TCG_TLB_INDEX(lin);
}

#define DATA_PAGE 0x200000u

/*
 * mov byte [DATA_PAGE], 1; mov byte [DATA_PAGE+0x10], 2; hlt;
 * mov byte [DATA_PAGE+0x20], 3; hlt (32-bit flat).
 */
static const uint8_t store_prog[] = {
    0xc6, 0x05, 0x00, 0x00, 0x20, 0x00, 0x01, 0xc6, 0x05, 0x10, 0x00,
    0x20, 0x00, 0x02, 0xf4, 0xc6, 0x05, 0x20, 0x00, 0x20, 0x00, 0x03,
};

static void test_tcg_stores(void)
{
    CPUState *cpu = x86h_init();
    MemoryRegion *ram = current_machine->ram;
    X86HState st;

    memory_region_set_log(ram, true, DIRTY_MEMORY_VGA);
    memory_region_reset_dirty(ram, 0, X86H_RAM_SIZE, DIRTY_MEMORY_VGA);

    /* The first store takes the slow path (page clean for VGA) and marks
     * it; the second refills the entry without the not-dirty flag. */
    x86h_state_init(&st, X86H_PM32);
    CHECK(x86h_run(&st, X86H_CODE, store_prog, sizeof(store_prog)));
    CHECK_EQ(st.eip, X86H_CODE + 15);
    CHECK_EQ(x86h_ram()[DATA_PAGE], 1);
    CHECK_EQ(x86h_ram()[DATA_PAGE + 0x10], 2);
    CHECK(memory_region_get_dirty(ram, DATA_PAGE, 1, DIRTY_MEMORY_VGA));
    CHECK(!memory_region_get_dirty(ram, DATA_PAGE + P, 1, DIRTY_MEMORY_VGA));
    CHECK(!memory_region_get_dirty(ram, 0, X86H_CODE, DIRTY_MEMORY_VGA));
    CHECK_EQ(tlb_entry(DATA_PAGE)->addr_write, DATA_PAGE);

    /* A display takes its frame: the fast entry must go slow again, or
     * the next store would be lost. */
    DirtyBitmapSnapshot *s = memory_region_snapshot_and_clear_dirty(
        ram, 0, X86H_RAM_SIZE, DIRTY_MEMORY_VGA);
    CHECK(memory_region_snapshot_get_dirty(ram, s, DATA_PAGE, 1));
    dirty_bitmap_snapshot_free(s);
    CHECK(tlb_entry(DATA_PAGE)->addr_write != DATA_PAGE);
    CHECK(!memory_region_get_dirty(ram, DATA_PAGE, 1, DIRTY_MEMORY_VGA));

    /* Go on after the HLT without flushing anything. */
    cpu->env.halted = false;
    cpu->stop_request = false;
    x86h_exec(4, 2000);
    CHECK_EQ(x86h_ram()[DATA_PAGE + 0x20], 3);
    CHECK(memory_region_get_dirty(ram, DATA_PAGE, 1, DIRTY_MEMORY_VGA));

    /* Each way of clearing re-arms the fast entry of a page it found
     * dirty (the clears look only at the pages whose bits were set). */
    for (int how = 0; how < 3; how++) {
        x86h_state_init(&st, X86H_PM32);
        CHECK(x86h_run(&st, X86H_CODE, store_prog, sizeof(store_prog)));
        CHECK_EQ(tlb_entry(DATA_PAGE)->addr_write, DATA_PAGE);
        /* A clear of clean pages elsewhere: nothing to re-arm. */
        memory_region_reset_dirty(ram, DATA_PAGE + 16 * P, 16 * P,
                                  DIRTY_MEMORY_VGA);
        CHECK_EQ(tlb_entry(DATA_PAGE)->addr_write, DATA_PAGE);
        if (how == 0) {
            s = memory_region_snapshot_and_clear_dirty(ram, 0, X86H_RAM_SIZE,
                                                       DIRTY_MEMORY_VGA);
            CHECK(memory_region_snapshot_get_dirty(ram, s, DATA_PAGE, 1));
            dirty_bitmap_snapshot_free(s);
        } else if (how == 1) {
            memory_region_reset_dirty(ram, 0, X86H_RAM_SIZE, DIRTY_MEMORY_VGA);
        } else {
            CHECK(memory_region_test_and_clear_dirty(ram, 0, X86H_RAM_SIZE,
                                                     DIRTY_MEMORY_VGA));
        }
        if (tlb_entry(DATA_PAGE)->addr_write == DATA_PAGE) {
            test_fail(__FILE__, __LINE__, "clear %d left the entry fast", how);
        }
        x86h_ram()[DATA_PAGE + 0x20] = 0;
        cpu->env.halted = false;
        cpu->stop_request = false;
        x86h_exec(4, 2000);
        CHECK_EQ(x86h_ram()[DATA_PAGE + 0x20], 3);
        CHECK(memory_region_get_dirty(ram, DATA_PAGE, 1, DIRTY_MEMORY_VGA));
    }

    /* Logging off: every page may be written directly again. */
    memory_region_set_log(ram, false, DIRTY_MEMORY_VGA);
    x86h_state_init(&st, X86H_PM32);
    CHECK(x86h_run(&st, X86H_CODE, store_prog, sizeof(store_prog)));
    CHECK_EQ(tlb_entry(DATA_PAGE)->addr_write, DATA_PAGE);
}

/* A store onto a page with translated code: slow, and marks the page. */
static void test_tcg_code_page(void)
{
    x86h_init();
    MemoryRegion *ram = current_machine->ram;
    X86HState st;
    /* mov byte [X86H_CODE + 0x100], 0x90; hlt */
    static const uint8_t prog[] = {0xc6, 0x05, 0x00, 0x01, 0x01, 0x00, 0x90};

    x86h_state_init(&st, X86H_PM32);
    CHECK(x86h_run(&st, X86H_CODE, prog, sizeof(prog)));
    CHECK_EQ(x86h_ram()[X86H_CODE + 0x100], 0x90);
    /* The code page stays clean for CODE (its block is still there) and
     * its write entry slow. */
    CHECK(!memory_region_get_dirty(ram, X86H_CODE, 1, DIRTY_MEMORY_CODE));
    CHECK(tlb_entry(X86H_CODE)->addr_write != X86H_CODE);
    CHECK(memory_region_get_dirty(ram, X86H_CODE, 1, DIRTY_MEMORY_MIGRATION));
}

/* ---- KVM's dirty log ---- */

static void test_kvm_dirty_log(void)
{
    static Machine m;
    static CPUState cpu;
    MemoryRegion sysmem, sysio, ram, rom;
    AddressSpace as_mem, as_io;
    Error *err = NULL;
    const AccelOps *ops = accel_find("kvm");
    const char *why = NULL;

    if (!ops || !ops->available(&why)) {
        printf("SKIP test_kvm_dirty_log: kvm not usable (%s)\n",
               why ? why : "not built");
        return;
    }
    memory_region_init(&sysmem, "system", 4 * GiB);
    memory_region_init(&sysio, "io", 0x10000);
    ram_init(&ram, 64 * KiB);
    CHECK_EQ(memory_region_init_rom(&rom, "bios", 64 * KiB, &err), 0);
    memory_region_add_subregion(&sysmem, 0, &ram);
    memory_region_add_subregion(&sysmem, 0xffff0000, &rom);
    address_space_init(&as_mem, &sysmem, "memory");
    address_space_init(&as_io, &sysio, "io");
    /* At 0x1000: mov byte [0x5000], 1; hlt; mov byte [0x7000], 2; hlt. */
    static const uint8_t prog[] = {0xc6, 0x06, 0x00, 0x50, 0x01, 0xf4,
                                   0xc6, 0x06, 0x00, 0x70, 0x02, 0xf4};
    memcpy(memory_region_get_ram_ptr(&ram) + 0x1000, prog, sizeof(prog));
    static const uint8_t jmp[] = {0xea, 0x00, 0x10, 0x00, 0x00};
    memcpy(memory_region_get_ram_ptr(&rom) + 0xfff0, jmp, sizeof(jmp));
    m.sysmem = &sysmem;
    m.as_mem = &as_mem;
    m.sysio = &sysio;
    m.as_io = &as_io;
    m.ram = &ram;
    m.nr_cpus = 1;
    m.cpus[0] = &cpu;
    m.accel = ops;

    bql_lock();
    int r = ops->init(&m, &err);
    CHECK_EQ(r, 0);
    if (r == 0) {
        cpu.machine = &m;
        cpu.accel = ops;
        cpu.thread = pthread_self();
        pthread_cond_init(&cpu.halt_cond, NULL);
        CHECK_EQ(x86_cpu_model_init(&cpu.env, NULL, NULL), 0);
        r = ops->vcpu_init(&cpu, &err);
        CHECK_EQ(r, 0);
    }
    bql_unlock();
    if (r < 0) {
        error_report_err(err);
        return;
    }
    /* Logging on, everything clean; the guest's store never exits. */
    memory_region_set_log(&ram, true, DIRTY_MEMORY_MIGRATION);
    memory_region_reset_dirty(&ram, 0, 64 * KiB, DIRTY_MEMORY_MIGRATION);
    CHECK_EQ(ops->vcpu_exec(&cpu), ACCEL_EXIT_HALTED);
    CHECK_EQ(memory_region_get_ram_ptr(&ram)[0x5000], 1);
    CHECK(memory_region_test_and_clear_dirty(&ram, 0x5000, P,
                                             DIRTY_MEMORY_MIGRATION));
    CHECK(
        !memory_region_get_dirty(&ram, 0x6000, 0xa000, DIRTY_MEMORY_MIGRATION));
    /* The kernel's log was consumed: the next store is the only one. */
    cpu.env.halted = false;
    CHECK_EQ(ops->vcpu_exec(&cpu), ACCEL_EXIT_HALTED);
    CHECK(memory_region_get_dirty(&ram, 0x7000, P, DIRTY_MEMORY_MIGRATION));
    CHECK(!memory_region_get_dirty(&ram, 0x5000, P, DIRTY_MEMORY_MIGRATION));
    memory_region_set_log(&ram, false, DIRTY_MEMORY_MIGRATION);

    ops->vcpu_destroy(&cpu);
    ops->teardown(&m);
    address_space_destroy(&as_mem);
    address_space_destroy(&as_io);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_bitmap_ranges);
    TEST_RUN(test_snapshot);
    TEST_RUN(test_listener_hooks);
    TEST_RUN(test_tcg_stores);
    TEST_RUN(test_tcg_code_page);
    TEST_RUN(test_kvm_dirty_log);
    return test_finish();
}
