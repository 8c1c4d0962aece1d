/* Memory API: flattening, priorities, aliases, enable, listeners, access
 * sizes (split / refuse / widen), unassigned reads. */
#include "tests/unit/harness.h"

typedef struct Dev {
    uint8_t regs[16];
    int reads, writes;
    unsigned last_size;
} Dev;

static uint64_t dev_read(void *opaque, uint64_t addr, unsigned size)
{
    Dev *d = opaque;
    d->reads++;
    d->last_size = size;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)d->regs[(addr + i) & 15] << (8 * i);
    }
    return v;
}

static void dev_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    Dev *d = opaque;
    d->writes++;
    d->last_size = size;
    for (unsigned i = 0; i < size; i++) {
        d->regs[(addr + i) & 15] = val >> (8 * i);
    }
}

static const MemoryRegionOps byte_ops = {
    .read = dev_read, .write = dev_write,
    .valid = { 1, 4 }, .impl = { 1, 1 },
};
static const MemoryRegionOps strict_byte_ops = {
    .read = dev_read, .write = dev_write,
    .valid = { 1, 1 },
};
static const MemoryRegionOps dword_ops = {
    .read = dev_read, .write = dev_write,
    .valid = { 1, 4 }, .impl = { 4, 4 },
};

static void test_split_and_refuse(void)
{
    MemoryRegion root, a, b, c;
    AddressSpace as;
    Dev da = { 0 }, db = { 0 }, dc = { 0 };
    memory_region_init(&root, "io", 0x10000);
    memory_region_init_io(&a, &byte_ops, &da, "a", 16);
    memory_region_init_io(&b, &strict_byte_ops, &db, "b", 16);
    memory_region_init_io(&c, &dword_ops, &dc, "c", 16);
    memory_region_add_subregion(&root, 0x60, &a);
    memory_region_add_subregion(&root, 0x70, &b);
    memory_region_add_subregion(&root, 0x80, &c);
    address_space_init(&as, &root, "io");

    /* A 16-bit write to a byte device is two byte cycles. */
    as_out(&as, 0x60, 2, 0xbbaa);
    CHECK_EQ(da.writes, 2);
    CHECK_EQ(da.last_size, 1);
    CHECK_EQ(da.regs[0], 0xaa);
    CHECK_EQ(da.regs[1], 0xbb);
    CHECK_EQ(as_in(&as, 0x60, 2), 0xbbaa);
    CHECK_EQ(da.reads, 2);

    /* A device that accepts only bytes refuses the 16-bit access. */
    as_out(&as, 0x70, 2, 0x1234);
    CHECK_EQ(db.writes, 0);
    CHECK_EQ(as_in(&as, 0x70, 2), 0xffff);
    CHECK_EQ(db.reads, 0);
    as_out(&as, 0x70, 1, 0x12);
    CHECK_EQ(as_in(&as, 0x70, 1), 0x12);

    /* A byte read of a dword-implemented device extracts the byte. */
    dc.regs[0] = 0x11; dc.regs[1] = 0x22; dc.regs[2] = 0x33; dc.regs[3] = 0x44;
    CHECK_EQ(as_in(&as, 0x82, 1), 0x33);
    CHECK_EQ(dc.last_size, 4);

    /* Unassigned ports read as all ones. */
    CHECK_EQ(as_in(&as, 0x1234, 1), 0xff);
    CHECK_EQ(as_in(&as, 0x1234, 4), 0xffffffff);
    uint64_t v;
    CHECK(!address_space_read_val(&as, 0x1234, 2, &v));
    CHECK_EQ(v, 0xffff);
    address_space_destroy(&as);
}

static void test_priority_alias_enable(void)
{
    Error *err = NULL;
    MemoryRegion root, ram, rom, alias;
    AddressSpace as;
    memory_region_init(&root, "mem", 4 * GiB);
    CHECK(memory_region_init_ram(&ram, "ram", 1 * MiB, &err) == 0);
    CHECK(memory_region_init_rom(&rom, "rom", 64 * KiB, &err) == 0);
    memset(rom.ram, 0xc3, 64 * KiB);
    rom.ram[0xfff0] = 0xea;
    memory_region_add_subregion(&root, 0, &ram);
    memory_region_add_subregion(&root, 4 * GiB - 64 * KiB, &rom);
    memory_region_init_alias(&alias, "isa-bios", &rom, 0, 64 * KiB);
    memory_region_add_subregion_overlap(&root, 0xf0000, &alias, 1);
    address_space_init(&as, &root, "mem");

    uint8_t b;
    address_space_read(&as, 0xffff0, &b, 1);
    CHECK_EQ(b, 0xea);
    address_space_read(&as, 0xfffffff0, &b, 1);
    CHECK_EQ(b, 0xea);
    /* Writes to the ROM alias are dropped. */
    b = 0x90;
    address_space_write(&as, 0xffff0, &b, 1);
    address_space_read(&as, 0xffff0, &b, 1);
    CHECK_EQ(b, 0xea);
    /* ... but the loader can write ROM. */
    CHECK(address_space_write_rom(&as, 0xffff1, "\x5b", 1));
    CHECK_EQ(rom.ram[0xfff1], 0x5b);

    /* Disabling the alias uncovers RAM. */
    memory_region_set_enabled(&alias, false);
    b = 0x42;
    address_space_write(&as, 0xffff0, &b, 1);
    b = 0;
    address_space_read(&as, 0xffff0, &b, 1);
    CHECK_EQ(b, 0x42);
    CHECK_EQ(ram.ram[0xffff0], 0x42);
    memory_region_set_enabled(&alias, true);
    address_space_read(&as, 0xffff0, &b, 1);
    CHECK_EQ(b, 0xea);

    /* Flat view: RAM split around the alias, ROM at the top. */
    const FlatRange *fr = address_space_lookup(&as, 0xf8000);
    CHECK(fr && fr->mr == &rom && fr->readonly);
    CHECK_EQ(fr->offset + (0xf8000 - fr->start), 0x8000);
    fr = address_space_lookup(&as, 0x100000 - 0x10001);
    CHECK(fr && fr->mr == &ram);
    CHECK(address_space_lookup(&as, 0x200000) == NULL);
    CHECK(address_space_ram_ptr(&as, 0x1000, 16, true) == ram.ram + 0x1000);
    CHECK(address_space_ram_ptr(&as, 0xf0000, 16, true) == NULL);
    CHECK(address_space_ram_ptr(&as, 0xeffff, 2, false) == NULL);

    address_space_destroy(&as);
    memory_region_del_subregion(&root, &alias);
    memory_region_del_subregion(&root, &ram);
    memory_region_del_subregion(&root, &rom);
    memory_region_finalize(&ram);
    memory_region_finalize(&rom);
}

typedef struct Rec {
    MemoryListener l;
    int adds, dels, commits;
    uint64_t last_add_start, last_add_size;
} Rec;

static void rec_add(MemoryListener *l, const FlatRange *fr)
{
    Rec *r = container_of(l, Rec, l);
    r->adds++;
    r->last_add_start = fr->start;
    r->last_add_size = fr->size;
}
static void rec_del(MemoryListener *l, const FlatRange *fr)
{
    container_of(l, Rec, l)->dels++;
}
static void rec_commit(MemoryListener *l)
{
    container_of(l, Rec, l)->commits++;
}

static void test_listener_and_transaction(void)
{
    Error *err = NULL;
    MemoryRegion root, ram, hole;
    AddressSpace as;
    Rec rec = { .l = { .region_add = rec_add, .region_del = rec_del,
                       .commit = rec_commit } };
    Dev d = { 0 };
    memory_region_init(&root, "mem", 4 * GiB);
    memory_region_init_ram(&ram, "ram", 2 * MiB, &err);
    memory_region_init_io(&hole, &byte_ops, &d, "mmio", 4 * KiB);
    memory_region_add_subregion(&root, 0, &ram);
    address_space_init(&as, &root, "mem");
    memory_listener_register(&rec.l, &as);
    CHECK_EQ(rec.adds, 1);
    CHECK_EQ(rec.commits, 1);

    /* An MMIO hole at higher priority splits RAM in three pieces. */
    memory_region_transaction_begin();
    memory_region_add_subregion_overlap(&root, 0x100000, &hole, 1);
    CHECK_EQ(rec.commits, 1);   /* nothing until commit */
    memory_region_transaction_commit();
    CHECK_EQ(rec.commits, 2);
    CHECK_EQ(rec.dels, 1);
    CHECK_EQ(rec.adds, 1 + 3);
    CHECK_EQ(as.view->nr, 3);

    /* Moving the hole: only what changed is reported. */
    memory_region_set_address(&hole, 0x180000);
    CHECK_EQ(as.view->nr, 3);
    as_out(&as, 0x180001, 1, 0x77);
    CHECK_EQ(d.regs[1], 0x77);
    CHECK_EQ(ram.ram[0x100001], 0);

    memory_listener_unregister(&rec.l);
    int commits = rec.commits;
    memory_region_set_enabled(&hole, false);
    CHECK_EQ(rec.commits, commits);
    CHECK_EQ(as.view->nr, 1);
    address_space_destroy(&as);
}

static void test_rw_straddle(void)
{
    Error *err = NULL;
    MemoryRegion root, ram;
    AddressSpace as;
    Dev d = { 0 };
    MemoryRegion io;
    memory_region_init(&root, "mem", 4 * GiB);
    memory_region_init_ram(&ram, "ram", 64 * KiB, &err);
    memory_region_init_io(&io, &byte_ops, &d, "mmio", 16);
    memory_region_add_subregion(&root, 0, &ram);
    memory_region_add_subregion(&root, 0x10000, &io);
    address_space_init(&as, &root, "mem");
    /* A 4-byte access straddling RAM and MMIO goes byte by byte. */
    uint64_t v = 0;
    ram.ram[0xfffe] = 0x11;
    ram.ram[0xffff] = 0x22;
    d.regs[0] = 0x33;
    d.regs[1] = 0x44;
    address_space_read_val(&as, 0xfffe, 4, &v);
    CHECK_EQ(v, 0x44332211);
    uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    address_space_write(&as, 0xfffc, buf, 8);
    CHECK_EQ(ram.ram[0xfffc], 1);
    CHECK_EQ(d.regs[3], 8);
    address_space_destroy(&as);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_split_and_refuse);
    TEST_RUN(test_priority_alias_enable);
    TEST_RUN(test_listener_and_transaction);
    TEST_RUN(test_rw_straddle);
    return test_finish();
}
