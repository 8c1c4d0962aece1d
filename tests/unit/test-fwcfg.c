/*
 * Device tests for fw_cfg (I/O port interface with DMA).
 */
#include "tests/unit/harness.h"

#include "hw/nvram/fw_cfg.h"

#define SEL  0x510
#define DATA 0x511
#define DMA_HI 0x514
#define DMA_LO 0x518

#define DESC 0x1000     /* descriptor in the TestBus's 1 MiB of RAM */
#define BUF  0x2000

static FWCfgState *setup(TestBus *tb, bool dma)
{
    Error *err = NULL;
    FWCfgState *s;

    test_bus_init(tb);
    s = fw_cfg_init_io(&tb->isa, FW_CFG_IO_BASE, dma ? &tb->mem_as : NULL,
                       &err);
    if (!s) {
        test_fail(__FILE__, __LINE__, "fw_cfg_init_io: %s",
                  error_get_pretty(err));
        error_free(err);
        abort();
    }
    return s;
}

static void read_data(TestBus *tb, void *buf, size_t len)
{
    uint8_t *b = buf;
    for (size_t i = 0; i < len; i++) {
        b[i] = inb(tb, DATA);
    }
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/* Write a descriptor at DESC and start it the way SeaBIOS does. */
static uint32_t dma_run(TestBus *tb, uint32_t control, uint32_t length,
                        uint64_t address)
{
    uint8_t d[16];

    put_be32(d, control);
    put_be32(d + 4, length);
    put_be32(d + 8, address >> 32);
    put_be32(d + 12, address);
    CHECK(address_space_write(&tb->mem_as, DESC, d, sizeof(d)));
    /* outl of a big-endian value: the guest byte-swaps before writing. */
    outl(tb, DMA_HI, 0);
    outl(tb, DMA_LO, __builtin_bswap32(DESC));
    CHECK(address_space_read(&tb->mem_as, DESC, d, 4));
    return be32(d);
}

static void test_signature(void)
{
    TestBus tb;
    setup(&tb, true);
    char sig[6];

    /* Reset selects the signature. */
    read_data(&tb, sig, 4);
    sig[4] = 0;
    CHECK_STR(sig, "QEMU");
    CHECK_EQ(inb(&tb, DATA), 0);        /* past the end */
    outw(&tb, SEL, FW_CFG_SIGNATURE);
    read_data(&tb, sig, 5);
    sig[5] = 0;
    CHECK_STR(sig, "QEMU");
    /* A byte read at the selector port is a data read too. */
    outw(&tb, SEL, FW_CFG_SIGNATURE);
    CHECK_EQ(inb(&tb, SEL), 'Q');

    outw(&tb, SEL, FW_CFG_ID);
    uint8_t id[4];
    read_data(&tb, id, 4);
    CHECK_EQ(ldl_le_p(id), FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    test_bus_cleanup(&tb);
}

static void test_items(void)
{
    TestBus tb;
    FWCfgState *s = setup(&tb, true);
    uint8_t b[8];

    CHECK_EQ(fw_cfg_add_i64(s, FW_CFG_RAM_SIZE, 0x123456789ULL), 0);
    CHECK_EQ(fw_cfg_add_i16(s, FW_CFG_NB_CPUS, 2), 0);
    CHECK_EQ(fw_cfg_add_i32(s, FW_CFG_E820_TABLE, 0xAABBCCDD), 0);
    CHECK_EQ(fw_cfg_add_string(s, FW_CFG_CMDLINE_DATA, "console=ttyS0"), 0);
    outw(&tb, SEL, FW_CFG_RAM_SIZE);
    read_data(&tb, b, 8);
    CHECK_EQ(ldq_le_p(b), 0x123456789ULL);
    outw(&tb, SEL, FW_CFG_NB_CPUS);
    CHECK_EQ(inb(&tb, DATA), 2);
    CHECK_EQ(inb(&tb, DATA), 0);
    CHECK_EQ(inb(&tb, DATA), 0);        /* past the end */
    outw(&tb, SEL, FW_CFG_E820_TABLE);
    read_data(&tb, b, 4);
    CHECK_EQ(ldl_le_p(b), 0xAABBCCDD);
    outw(&tb, SEL, FW_CFG_CMDLINE_DATA);
    char cmd[16];
    read_data(&tb, cmd, 14);
    CHECK_STR(cmd, "console=ttyS0");
    /* Replacing an item; selecting rewinds. */
    CHECK_EQ(fw_cfg_add_i16(s, FW_CFG_NB_CPUS, 4), 0);
    outw(&tb, SEL, FW_CFG_NB_CPUS);
    CHECK_EQ(inb(&tb, DATA), 4);
    /* Unset and out-of-range keys read zeros. */
    outw(&tb, SEL, FW_CFG_KERNEL_SIZE);
    CHECK_EQ(inb(&tb, DATA), 0);
    outw(&tb, SEL, 0x3fff);
    CHECK_EQ(inb(&tb, DATA), 0);
    outw(&tb, SEL, 0xffff);
    CHECK_EQ(inb(&tb, DATA), 0);
    /* Data port writes are ignored. */
    outw(&tb, SEL, FW_CFG_SIGNATURE);
    outb(&tb, DATA, 'X');
    CHECK_EQ(inb(&tb, DATA), 'Q');
    /* Keys the board may not set directly. */
    CHECK_EQ(fw_cfg_add_i16(s, FW_CFG_FILE_DIR, 1), -EINVAL);
    CHECK_EQ(fw_cfg_add_i16(s, FW_CFG_FILE_FIRST, 1), -EINVAL);
    CHECK_EQ(fw_cfg_add_i16(s, FW_CFG_WRITE_CHANNEL | 3, 1), -EINVAL);
    CHECK_EQ(fw_cfg_add_i16(s, 0x1000, 1), -EINVAL);
    test_bus_cleanup(&tb);
}

static void test_file_dir(void)
{
    TestBus tb;
    FWCfgState *s = setup(&tb, true);
    uint8_t hdr[4], ent[64];

    CHECK_EQ(fw_cfg_add_file(s, "etc/zeta", "xyz", 3), 0);
    CHECK_EQ(fw_cfg_add_file(s, "bootorder", "/a\n/b", 5), 0);
    CHECK_EQ(fw_cfg_add_file(s, "etc/alpha", "hi", 2), 0);
    CHECK_EQ(fw_cfg_add_file(s, "etc/alpha", "no", 2), -EEXIST);
    CHECK_EQ(fw_cfg_add_file(s, "", "no", 2), -EINVAL);
    char longname[80];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    CHECK_EQ(fw_cfg_add_file(s, longname, "no", 2), -EINVAL);

    static const struct {
        const char *name;
        uint32_t size;
    } want[] = { { "bootorder", 5 }, { "etc/alpha", 2 }, { "etc/zeta", 3 } };

    outw(&tb, SEL, FW_CFG_FILE_DIR);
    read_data(&tb, hdr, 4);
    CHECK_EQ(be32(hdr), 3);
    for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
        read_data(&tb, ent, sizeof(ent));
        CHECK_EQ(be32(ent), want[i].size);
        CHECK_EQ((ent[4] << 8) | ent[5], FW_CFG_FILE_FIRST + i);
        CHECK_EQ(ent[6] | ent[7], 0);
        CHECK_STR((char *)ent + 8, want[i].name);
        CHECK_EQ(fw_cfg_file_key(s, want[i].name), FW_CFG_FILE_FIRST + i);
    }
    CHECK_EQ(inb(&tb, DATA), 0);
    CHECK_EQ(fw_cfg_file_key(s, "nope"), -1);

    /* Contents follow their files through the re-sorting. */
    char buf[8] = { 0 };
    outw(&tb, SEL, fw_cfg_file_key(s, "etc/zeta"));
    read_data(&tb, buf, 3);
    CHECK_STR(buf, "xyz");
    memset(buf, 0, sizeof(buf));
    outw(&tb, SEL, fw_cfg_file_key(s, "bootorder"));
    read_data(&tb, buf, 5);
    CHECK_STR(buf, "/a\n/b");

    /* Modify changes size and data; modify of a new name adds it. */
    CHECK_EQ(fw_cfg_modify_file(s, "etc/alpha", "longer", 6), 0);
    CHECK_EQ(fw_cfg_modify_file(s, "etc/beta", "b", 1), 0);
    outw(&tb, SEL, FW_CFG_FILE_DIR);
    read_data(&tb, hdr, 4);
    CHECK_EQ(be32(hdr), 4);
    read_data(&tb, ent, sizeof(ent));
    read_data(&tb, ent, sizeof(ent));
    CHECK_STR((char *)ent + 8, "etc/alpha");
    CHECK_EQ(be32(ent), 6);
    read_data(&tb, ent, sizeof(ent));
    CHECK_STR((char *)ent + 8, "etc/beta");
    CHECK_EQ((ent[4] << 8) | ent[5], FW_CFG_FILE_FIRST + 2);

    /* Slots run out cleanly. */
    int r = 0;
    for (int i = 0; i < FW_CFG_FILE_SLOTS && r == 0; i++) {
        char name[32];
        snprintf(name, sizeof(name), "fill/%03d", i);
        r = fw_cfg_add_file(s, name, "", 0);
    }
    CHECK_EQ(r, -ENOSPC);
    test_bus_cleanup(&tb);
}

static void test_dma_read(void)
{
    TestBus tb;
    FWCfgState *s = setup(&tb, true);
    uint8_t buf[16];

    /* The DMA register reads back "QEMU CFG". */
    CHECK_EQ(inl(&tb, DMA_HI), 0x554d4551);    /* 'Q','E','M','U' */
    CHECK_EQ(inl(&tb, DMA_LO), 0x47464320);    /* ' ','C','F','G' */

    CHECK_EQ(fw_cfg_add_i64(s, FW_CFG_RAM_SIZE, 0x1122334455667788ULL), 0);
    memset(buf, 0xAA, sizeof(buf));
    address_space_write(&tb.mem_as, BUF, buf, sizeof(buf));
    uint32_t ctl = dma_run(&tb, (FW_CFG_RAM_SIZE << 16) |
                           FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
                           12, BUF);
    CHECK_EQ(ctl, 0);
    address_space_read(&tb.mem_as, BUF, buf, sizeof(buf));
    CHECK_EQ(ldq_le_p(buf), 0x1122334455667788ULL);
    CHECK_EQ(ldl_le_p(buf + 8), 0);             /* past the end: zeros */
    CHECK_EQ(ldl_le_p(buf + 12), 0xAAAAAAAA);   /* not beyond length */

    /* The signature, the file directory: what SeaBIOS reads first. */
    CHECK_EQ(fw_cfg_add_file(s, "etc/e820", "\1\2\3\4", 4), 0);
    ctl = dma_run(&tb, (FW_CFG_FILE_DIR << 16) | FW_CFG_DMA_CTL_SELECT |
                  FW_CFG_DMA_CTL_READ, 4 + 64, BUF);
    CHECK_EQ(ctl, 0);
    uint8_t dir[68];
    address_space_read(&tb.mem_as, BUF, dir, sizeof(dir));
    CHECK_EQ(be32(dir), 1);
    CHECK_EQ(be32(dir + 4), 4);
    CHECK_STR((char *)dir + 12, "etc/e820");

    /* Neither read, write nor skip: nothing moves, status 0. */
    ctl = dma_run(&tb, 0, 100, BUF);
    CHECK_EQ(ctl, 0);

    /* The register clears after each transfer: a low-half-only write
     * (SeaBIOS's way) still addresses below 4 GiB. */
    CHECK_EQ(fw_cfg_add_i16(s, FW_CFG_NB_CPUS, 3), 0);
    uint8_t d[16] = { 0 };
    put_be32(d, (FW_CFG_NB_CPUS << 16) | FW_CFG_DMA_CTL_SELECT |
             FW_CFG_DMA_CTL_READ);
    put_be32(d + 4, 2);
    put_be32(d + 12, BUF + 0x100);
    address_space_write(&tb.mem_as, DESC + 0x40, d, sizeof(d));
    outl(&tb, DMA_LO, __builtin_bswap32(DESC + 0x40));
    address_space_read(&tb.mem_as, BUF + 0x100, buf, 2);
    CHECK_EQ(ldw_le_p(buf), 3);
    test_bus_cleanup(&tb);
}

static void test_dma_errors(void)
{
    TestBus tb;
    FWCfgState *s = setup(&tb, true);
    uint8_t buf[8];

    CHECK_EQ(fw_cfg_add_i64(s, FW_CFG_RAM_SIZE, 42), 0);
    /* Buffer beyond the 1 MiB of RAM. */
    uint32_t ctl = dma_run(&tb, (FW_CFG_RAM_SIZE << 16) |
                           FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
                           8, 0x200000);
    CHECK_EQ(ctl, FW_CFG_DMA_CTL_ERROR);
    /* Straddling the end of RAM: error, the RAM part may be written. */
    ctl = dma_run(&tb, (FW_CFG_RAM_SIZE << 16) | FW_CFG_DMA_CTL_SELECT |
                  FW_CFG_DMA_CTL_READ, 8, 1 * MiB - 4);
    CHECK_EQ(ctl, FW_CFG_DMA_CTL_ERROR);
    /* Far beyond the address space, and wrapping around 2^64. */
    ctl = dma_run(&tb, (FW_CFG_RAM_SIZE << 16) | FW_CFG_DMA_CTL_SELECT |
                  FW_CFG_DMA_CTL_READ, 8, 0xFFFFFFFFFFFFFFFCULL);
    CHECK_EQ(ctl, FW_CFG_DMA_CTL_ERROR);
    ctl = dma_run(&tb, (FW_CFG_RAM_SIZE << 16) | FW_CFG_DMA_CTL_SELECT |
                  FW_CFG_DMA_CTL_READ, 0xFFFFFFFF, 0x100000000ULL);
    CHECK_EQ(ctl, FW_CFG_DMA_CTL_ERROR);
    /* Zero-filling past the end of an item also needs RAM. */
    ctl = dma_run(&tb, (FW_CFG_KERNEL_SIZE << 16) | FW_CFG_DMA_CTL_SELECT |
                  FW_CFG_DMA_CTL_READ, 0x200000, 0);
    CHECK_EQ(ctl, FW_CFG_DMA_CTL_ERROR);
    /* Writes are refused: no item is writable. */
    ctl = dma_run(&tb, (FW_CFG_RAM_SIZE << 16) | FW_CFG_DMA_CTL_SELECT |
                  FW_CFG_DMA_CTL_WRITE, 8, BUF);
    CHECK_EQ(ctl, FW_CFG_DMA_CTL_ERROR);
    outw(&tb, SEL, FW_CFG_RAM_SIZE);
    read_data(&tb, buf, 8);
    CHECK_EQ(ldq_le_p(buf), 42);

    /* A descriptor outside RAM: nothing to report to, nothing breaks. */
    outl(&tb, DMA_HI, __builtin_bswap32(0x1));
    outl(&tb, DMA_LO, 0);
    outl(&tb, DMA_HI, 0);
    outl(&tb, DMA_LO, __builtin_bswap32(1 * MiB - 8));  /* straddles */
    CHECK_EQ(inb(&tb, SEL), 0);    /* still alive, selection untouched */
    test_bus_cleanup(&tb);
}

/*
 * A zero-fill past the end of an item stops at the first hole: RAM beyond
 * it is not touched (and a 4 GiB length does not walk 4 GiB of holes).
 */
static void test_dma_fill_stops_at_hole(void)
{
    TestBus tb;
    MemoryRegion far;
    Error *err = NULL;
    uint8_t b = 0;

    setup(&tb, true);
    if (memory_region_init_ram(&far, "far", 64 * KiB, &err) < 0) {
        test_fail(__FILE__, __LINE__, "%s", error_get_pretty(err));
        error_free(err);
        test_bus_cleanup(&tb);
        return;
    }
    memset(far.ram, 0xaa, 64 * KiB);
    memory_region_add_subregion(&tb.mem_root, 2 * MiB, &far);
    memset(tb.ram.ram + 0xf0000, 0x55, 0x10000);

    /* No KERNEL_SIZE item: the whole length is past its end. */
    uint32_t ctl = dma_run(&tb, (FW_CFG_KERNEL_SIZE << 16) |
                           FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
                           0xFFF00000, 0xf0000);
    CHECK_EQ(ctl, FW_CFG_DMA_CTL_ERROR);
    address_space_read(&tb.mem_as, 0xfffff, &b, 1);
    CHECK_EQ(b, 0);                 /* the RAM before the hole: zeroed */
    CHECK_EQ(far.ram[0], 0xaa);     /* the RAM after it: untouched */
    CHECK_EQ(far.ram[64 * KiB - 1], 0xaa);

    memory_region_del_subregion(&tb.mem_root, &far);
    memory_region_finalize(&far);
    test_bus_cleanup(&tb);
}

static void test_dma_skip(void)
{
    TestBus tb;
    FWCfgState *s = setup(&tb, true);
    uint8_t buf[8] = { 0 };

    CHECK_EQ(fw_cfg_add_file(s, "etc/data", "0123456789", 10), 0);
    int key = fw_cfg_file_key(s, "etc/data");
    CHECK_EQ(dma_run(&tb, (key << 16) | FW_CFG_DMA_CTL_SELECT |
                     FW_CFG_DMA_CTL_SKIP, 2, 0xFFFFFFFFFFULL), 0);
    CHECK_EQ(dma_run(&tb, FW_CFG_DMA_CTL_READ, 3, BUF), 0);
    address_space_read(&tb.mem_as, BUF, buf, 3);
    CHECK_STR((char *)buf, "234");
    /* DMA and the data port share the offset. */
    CHECK_EQ(inb(&tb, DATA), '5');
    CHECK_EQ(dma_run(&tb, FW_CFG_DMA_CTL_SKIP, 100, 0), 0);
    CHECK_EQ(inb(&tb, DATA), 0);
    /* Reselecting rewinds. */
    CHECK_EQ(dma_run(&tb, (key << 16) | FW_CFG_DMA_CTL_SELECT, 0, 0), 0);
    CHECK_EQ(inb(&tb, DATA), '0');
    test_bus_cleanup(&tb);
}

static void test_no_dma(void)
{
    TestBus tb;
    setup(&tb, false);
    uint8_t id[4];

    outw(&tb, SEL, FW_CFG_ID);
    read_data(&tb, id, 4);
    CHECK_EQ(ldl_le_p(id), FW_CFG_VERSION);
    CHECK_EQ(inl(&tb, DMA_HI), 0xFFFFFFFF);    /* no register there */
    test_bus_cleanup(&tb);

    /* Created by name (as -device would), DMA uses the bus memory. */
    test_bus_init(&tb);
    DeviceState *d = test_device(&tb, "fw_cfg_io", "iobase=0x600");
    CHECK(d != NULL);
    outw(&tb, 0x600, FW_CFG_ID);
    for (int i = 0; i < 4; i++) {
        id[i] = inb(&tb, 0x601);
    }
    CHECK_EQ(ldl_le_p(id), FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    test_bus_cleanup(&tb);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_signature);
    TEST_RUN(test_items);
    TEST_RUN(test_file_dir);
    TEST_RUN(test_dma_read);
    TEST_RUN(test_dma_errors);
    TEST_RUN(test_dma_fill_stops_at_hole);
    TEST_RUN(test_dma_skip);
    TEST_RUN(test_no_dma);
    return test_finish();
}
