/*
 * KVM exit dispatch (accel/kvm/kvm-exit.c) driven with synthetic kvm_run
 * records: no /dev/kvm needed.  Port I/O of each size, string I/O with a
 * count, MMIO reads and writes, unassigned ports, bad records.
 */
#include "tests/unit/harness.h"

#ifdef CONFIG_KVM
#include "accel/kvm/kvm-internal.h"

#define RUN_SIZE 8192
#define DATA_OFF 4096
#define PORT_BASE 0x100
#define MMIO_BASE 0xfed00000ULL

typedef struct Recorder {
    int nr;
    uint64_t addr[64];
    uint64_t data[64];
    unsigned size[64];
    bool write[64];
    uint32_t next_read;       /* reads return next_read++ */
} Recorder;

static uint64_t rec_read(void *opaque, uint64_t addr, unsigned size)
{
    Recorder *r = opaque;
    if (r->nr < 64) {
        r->addr[r->nr] = addr;
        r->size[r->nr] = size;
        r->write[r->nr] = false;
        r->data[r->nr] = r->next_read;
        r->nr++;
    }
    return r->next_read++;
}

static void rec_write(void *opaque, uint64_t addr, uint64_t data,
                      unsigned size)
{
    Recorder *r = opaque;
    if (r->nr < 64) {
        r->addr[r->nr] = addr;
        r->size[r->nr] = size;
        r->write[r->nr] = true;
        r->data[r->nr] = data;
        r->nr++;
    }
}

static const MemoryRegionOps port_ops = {
    .read = rec_read,
    .write = rec_write,
    .valid = { 1, 4 },
};
static const MemoryRegionOps mmio_ops = {
    .read = rec_read,
    .write = rec_write,
    .valid = { 1, 8 },
    .impl = { 1, 8 },
};

typedef struct Fixture {
    MemoryRegion io_root, mem_root, ports, mmio, ram;
    AddressSpace io, mem;
    Recorder prec, mrec;
    union {
        struct kvm_run run;
        uint8_t bytes[RUN_SIZE];
    } u;
} Fixture;

static Fixture *fx;

static void fixture_init(void)
{
    Error *err = NULL;

    fx = calloc(1, sizeof(*fx));
    memory_region_init(&fx->io_root, "io", 0x10000);
    memory_region_init(&fx->mem_root, "mem", 4 * GiB);
    memory_region_init_io(&fx->ports, &port_ops, &fx->prec, "test-ports", 8);
    memory_region_init_io(&fx->mmio, &mmio_ops, &fx->mrec, "test-mmio",
                          0x1000);
    if (memory_region_init_ram(&fx->ram, "ram", 64 * KiB, &err) < 0) {
        error_report_err(err);
        abort();
    }
    memory_region_add_subregion(&fx->io_root, PORT_BASE, &fx->ports);
    memory_region_add_subregion(&fx->mem_root, MMIO_BASE, &fx->mmio);
    memory_region_add_subregion(&fx->mem_root, 0, &fx->ram);
    address_space_init(&fx->io, &fx->io_root, "test-io");
    address_space_init(&fx->mem, &fx->mem_root, "test-mem");
}

static void fixture_cleanup(void)
{
    address_space_destroy(&fx->io);
    address_space_destroy(&fx->mem);
    memory_region_del_subregion(&fx->io_root, &fx->ports);
    memory_region_del_subregion(&fx->mem_root, &fx->mmio);
    memory_region_del_subregion(&fx->mem_root, &fx->ram);
    memory_region_finalize(&fx->ram);
    free(fx);
    fx = NULL;
}

static KVMExitAction io_exit(uint8_t dir, unsigned size, uint16_t port,
                             uint32_t count)
{
    struct kvm_run *run = &fx->u.run;
    run->exit_reason = KVM_EXIT_IO;
    run->io.direction = dir;
    run->io.size = size;
    run->io.port = port;
    run->io.count = count;
    run->io.data_offset = DATA_OFF;
    return kvm_dispatch_exit(&fx->mem, &fx->io, run, RUN_SIZE);
}

static uint8_t *io_data(void)
{
    return fx->u.bytes + DATA_OFF;
}

static void test_io_single(void)
{
    fixture_init();
    /* OUT of each size. */
    io_data()[0] = 0x5a;
    CHECK_EQ(io_exit(KVM_EXIT_IO_OUT, 1, PORT_BASE + 1, 1),
             KVM_EXIT_ACT_CONTINUE);
    stw_le_p(io_data(), 0xbeef);
    CHECK_EQ(io_exit(KVM_EXIT_IO_OUT, 2, PORT_BASE + 2, 1),
             KVM_EXIT_ACT_CONTINUE);
    stl_le_p(io_data(), 0xdeadbeef);
    CHECK_EQ(io_exit(KVM_EXIT_IO_OUT, 4, PORT_BASE + 4, 1),
             KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(fx->prec.nr, 3);
    CHECK(fx->prec.write[0]);
    CHECK_EQ(fx->prec.addr[0], 1);     /* offset within the region */
    CHECK_EQ(fx->prec.size[0], 1);
    CHECK_EQ(fx->prec.data[0], 0x5a);
    CHECK_EQ(fx->prec.addr[1], 2);
    CHECK_EQ(fx->prec.size[1], 2);
    CHECK_EQ(fx->prec.data[1], 0xbeef);
    CHECK_EQ(fx->prec.addr[2], 4);
    CHECK_EQ(fx->prec.size[2], 4);
    CHECK_EQ(fx->prec.data[2], 0xdeadbeef);

    /* IN of each size: the value lands in the data area. */
    fx->prec.next_read = 0x11223344;
    memset(io_data(), 0, 8);
    CHECK_EQ(io_exit(KVM_EXIT_IO_IN, 4, PORT_BASE, 1), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(ldl_le_p(io_data()), 0x11223344);
    fx->prec.next_read = 0xa1b2;
    memset(io_data(), 0, 8);
    CHECK_EQ(io_exit(KVM_EXIT_IO_IN, 2, PORT_BASE, 1), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(ldl_le_p(io_data()), 0xa1b2);   /* upper bytes untouched */
    fx->prec.next_read = 0x7e;
    memset(io_data(), 0, 8);
    CHECK_EQ(io_exit(KVM_EXIT_IO_IN, 1, PORT_BASE, 1), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(ldl_le_p(io_data()), 0x7e);
    fixture_cleanup();
}

static void test_io_string(void)
{
    fixture_init();
    /* REP OUTSW, 3 elements: 3 writes of 2 bytes in order. */
    stw_le_p(io_data(), 0x1111);
    stw_le_p(io_data() + 2, 0x2222);
    stw_le_p(io_data() + 4, 0x3333);
    CHECK_EQ(io_exit(KVM_EXIT_IO_OUT, 2, PORT_BASE, 3), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(fx->prec.nr, 3);
    CHECK_EQ(fx->prec.data[0], 0x1111);
    CHECK_EQ(fx->prec.data[1], 0x2222);
    CHECK_EQ(fx->prec.data[2], 0x3333);
    CHECK_EQ(fx->prec.addr[2], 0);

    /* REP INSB, 5 elements. */
    fx->prec.nr = 0;
    fx->prec.next_read = 0x40;
    memset(io_data(), 0, 16);
    CHECK_EQ(io_exit(KVM_EXIT_IO_IN, 1, PORT_BASE + 3, 5),
             KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(fx->prec.nr, 5);
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(io_data()[i], 0x40 + i);
    }
    CHECK_EQ(io_data()[5], 0);

    /* REP INSD, 2 elements. */
    fx->prec.next_read = 0xcafe0000;
    CHECK_EQ(io_exit(KVM_EXIT_IO_IN, 4, PORT_BASE, 2), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(ldl_le_p(io_data()), 0xcafe0000);
    CHECK_EQ(ldl_le_p(io_data() + 4), 0xcafe0001);
    fixture_cleanup();
}

static void test_io_unassigned(void)
{
    fixture_init();
    memset(io_data(), 0, 8);
    CHECK_EQ(io_exit(KVM_EXIT_IO_IN, 1, 0x300, 1), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(io_data()[0], 0xff);
    memset(io_data(), 0, 8);
    CHECK_EQ(io_exit(KVM_EXIT_IO_IN, 2, 0x300, 1), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(ldw_le_p(io_data()), 0xffff);
    memset(io_data(), 0, 8);
    CHECK_EQ(io_exit(KVM_EXIT_IO_IN, 4, 0x300, 2), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(ldl_le_p(io_data()), 0xffffffff);
    CHECK_EQ(ldl_le_p(io_data() + 4), 0xffffffff);
    /* Writes to nothing are dropped. */
    CHECK_EQ(io_exit(KVM_EXIT_IO_OUT, 1, 0x300, 1), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(fx->prec.nr, 0);
    fixture_cleanup();
}

static void test_io_bad_record(void)
{
    fixture_init();
    /* Data area running past the mapping: refused, nothing dispatched. */
    struct kvm_run *run = &fx->u.run;
    run->exit_reason = KVM_EXIT_IO;
    run->io.direction = KVM_EXIT_IO_OUT;
    run->io.size = 4;
    run->io.port = PORT_BASE;
    run->io.count = 2000;
    run->io.data_offset = DATA_OFF;
    CHECK_EQ(kvm_dispatch_exit(&fx->mem, &fx->io, run, RUN_SIZE),
             KVM_EXIT_ACT_ERROR);
    run->io.count = 1;
    run->io.data_offset = RUN_SIZE + 4;
    CHECK_EQ(kvm_dispatch_exit(&fx->mem, &fx->io, run, RUN_SIZE),
             KVM_EXIT_ACT_ERROR);
    run->io.data_offset = DATA_OFF;
    run->io.size = 3;
    CHECK_EQ(kvm_dispatch_exit(&fx->mem, &fx->io, run, RUN_SIZE),
             KVM_EXIT_ACT_ERROR);
    CHECK_EQ(fx->prec.nr, 0);
    fixture_cleanup();
}

static KVMExitAction mmio_exit(uint64_t addr, unsigned len, bool write)
{
    struct kvm_run *run = &fx->u.run;
    run->exit_reason = KVM_EXIT_MMIO;
    run->mmio.phys_addr = addr;
    run->mmio.len = len;
    run->mmio.is_write = write;
    return kvm_dispatch_exit(&fx->mem, &fx->io, run, RUN_SIZE);
}

static void test_mmio(void)
{
    struct kvm_run *run;

    fixture_init();
    run = &fx->u.run;
    /* 4-byte write. */
    memset(run->mmio.data, 0, 8);
    stl_le_p(run->mmio.data, 0x89abcdef);
    CHECK_EQ(mmio_exit(MMIO_BASE + 0x10, 4, true), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(fx->mrec.nr, 1);
    CHECK(fx->mrec.write[0]);
    CHECK_EQ(fx->mrec.addr[0], 0x10);
    CHECK_EQ(fx->mrec.size[0], 4);
    CHECK_EQ(fx->mrec.data[0], 0x89abcdef);
    /* 8-byte write. */
    stq_le_p(run->mmio.data, 0x0102030405060708ULL);
    CHECK_EQ(mmio_exit(MMIO_BASE + 0x18, 8, true), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(fx->mrec.data[1], 0x0102030405060708ULL);
    CHECK_EQ(fx->mrec.size[1], 8);
    /* 1- and 2-byte reads. */
    fx->mrec.next_read = 0x99;
    memset(run->mmio.data, 0, 8);
    CHECK_EQ(mmio_exit(MMIO_BASE + 0x3, 1, false), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(run->mmio.data[0], 0x99);
    CHECK_EQ(run->mmio.data[1], 0);
    fx->mrec.next_read = 0x1234;
    CHECK_EQ(mmio_exit(MMIO_BASE + 0x4, 2, false), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(ldw_le_p(run->mmio.data), 0x1234);
    CHECK_EQ(fx->mrec.addr[3], 4);
    /* An MMIO exit that lands in RAM (unaligned range with no slot) still
     * reads and writes the RAM. */
    stw_le_p(run->mmio.data, 0x4242);
    CHECK_EQ(mmio_exit(0x2000, 2, true), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(ldw_le_p(memory_region_get_ram_ptr(&fx->ram) + 0x2000),
             0x4242);
    /* Odd length (an access split at a page end). */
    memset(run->mmio.data, 0, 8);
    memory_region_get_ram_ptr(&fx->ram)[0x3000] = 1;
    memory_region_get_ram_ptr(&fx->ram)[0x3001] = 2;
    memory_region_get_ram_ptr(&fx->ram)[0x3002] = 3;
    CHECK_EQ(mmio_exit(0x3000, 3, false), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(run->mmio.data[0], 1);
    CHECK_EQ(run->mmio.data[2], 3);
    /* Unassigned memory reads as all ones. */
    memset(run->mmio.data, 0, 8);
    CHECK_EQ(mmio_exit(0x80000000ULL, 4, false), KVM_EXIT_ACT_CONTINUE);
    CHECK_EQ(ldl_le_p(run->mmio.data), 0xffffffff);
    /* Bad length. */
    CHECK_EQ(mmio_exit(MMIO_BASE, 0, false), KVM_EXIT_ACT_ERROR);
    CHECK_EQ(mmio_exit(MMIO_BASE, 9, false), KVM_EXIT_ACT_ERROR);
    fixture_cleanup();
}

static void test_other_exits(void)
{
    struct kvm_run *run;

    fixture_init();
    run = &fx->u.run;
    run->exit_reason = KVM_EXIT_HLT;
    CHECK_EQ(kvm_dispatch_exit(&fx->mem, &fx->io, run, RUN_SIZE),
             KVM_EXIT_ACT_HALT);
    CHECK(!kvm_exit_needs_bql(run));
    run->exit_reason = KVM_EXIT_SHUTDOWN;
    CHECK_EQ(kvm_dispatch_exit(&fx->mem, &fx->io, run, RUN_SIZE),
             KVM_EXIT_ACT_SHUTDOWN);
    run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
    CHECK_EQ(kvm_dispatch_exit(&fx->mem, &fx->io, run, RUN_SIZE),
             KVM_EXIT_ACT_CONTINUE);
    run->exit_reason = KVM_EXIT_INTR;
    CHECK_EQ(kvm_dispatch_exit(&fx->mem, &fx->io, run, RUN_SIZE),
             KVM_EXIT_ACT_INTR);
    run->exit_reason = KVM_EXIT_FAIL_ENTRY;
    CHECK_EQ(kvm_dispatch_exit(&fx->mem, &fx->io, run, RUN_SIZE),
             KVM_EXIT_ACT_ERROR);
    run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
    run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
    run->internal.ndata = 0;
    CHECK_EQ(kvm_dispatch_exit(&fx->mem, &fx->io, run, RUN_SIZE),
             KVM_EXIT_ACT_ERROR);
    /* The diagnostic names the reason. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    kvm_exit_describe(f, run);
    fclose(f);
    CHECK(strstr(buf, "INTERNAL_ERROR") != NULL);
    CHECK(strstr(buf, "emulation") != NULL);
    free(buf);
    run->exit_reason = KVM_EXIT_IO;
    CHECK(kvm_exit_needs_bql(run));
    CHECK_STR(kvm_exit_reason_name(KVM_EXIT_MMIO), "MMIO");
    CHECK_STR(kvm_exit_reason_name(12345), "?");
    fixture_cleanup();
}

static void test_segments(void)
{
    struct kvm_segment ks;
    SegmentCache sc = {
        .selector = 0x10, .base = 0x12345000, .limit = 0xffffffff,
        .flags = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK |
                 DESC_A_MASK | DESC_B_MASK | DESC_G_MASK |
                 (3u << DESC_DPL_SHIFT),
    };
    SegmentCache back;

    kvm_seg_from_cache(&ks, &sc, false);
    CHECK_EQ(ks.selector, 0x10);
    CHECK_EQ(ks.base, 0x12345000);
    CHECK_EQ(ks.limit, 0xffffffff);
    CHECK_EQ(ks.type, 0xb);
    CHECK_EQ(ks.s, 1);
    CHECK_EQ(ks.dpl, 3);
    CHECK_EQ(ks.present, 1);
    CHECK_EQ(ks.db, 1);
    CHECK_EQ(ks.g, 1);
    CHECK_EQ(ks.l, 0);
    CHECK_EQ(ks.unusable, 0);
    kvm_seg_to_cache(&back, &ks);
    CHECK_EQ(back.flags, sc.flags);
    CHECK_EQ(back.base, sc.base);
    CHECK_EQ(back.limit, sc.limit);

    /* A null (not present) segment is unusable, and reads back as not
     * present. */
    SegmentCache null = { 0 };
    kvm_seg_from_cache(&ks, &null, false);
    CHECK_EQ(ks.unusable, 1);
    ks.present = 1;           /* unusable wins */
    kvm_seg_to_cache(&back, &ks);
    CHECK_EQ(back.flags & DESC_P_MASK, 0);

    /* Virtual-8086 mode gets the fixed rights VT-x wants. */
    kvm_seg_from_cache(&ks, &sc, true);
    CHECK_EQ(ks.type, 3);
    CHECK_EQ(ks.dpl, 3);
    CHECK_EQ(ks.present, 1);
    CHECK_EQ(ks.db, 0);
}
#endif

int main(int argc, char **argv)
{
    test_init(argc, argv);
#ifdef CONFIG_KVM
    TEST_RUN(test_io_single);
    TEST_RUN(test_io_string);
    TEST_RUN(test_io_unassigned);
    TEST_RUN(test_io_bad_record);
    TEST_RUN(test_mmio);
    TEST_RUN(test_other_exits);
    TEST_RUN(test_segments);
#else
    printf("SKIP: built without KVM support\n");
#endif
    return test_finish();
}
