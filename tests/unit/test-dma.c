/*
 * The DMA API (include/emu/dma.h, hw/core/dma.c): map of RAM (direct,
 * clamped to the contiguous range), a map spanning RAM and MMIO, the
 * bounce buffer (reads, writes copied out at unmap with the accessed
 * length, one at a time, the map-client retry), out-of-range and wrapping
 * addresses, holes, dirty marking and code reports at unmap, PCI bus
 * mastering, and the translator dropping code a DMA write replaced.
 */
#include "tests/unit/harness.h"
#include "tests/unit/x86-harness.h"
#include "emu/dma.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "hw/pci/pci.h"

#define RAM_SIZE  (64 * KiB)
#define MMIO_BASE 0x10000 /* right after RAM */
#define MMIO_SIZE 0x100
#define AS_SIZE   (1 * MiB)

typedef struct Mmio {
    int reads, writes;
    uint8_t regs[MMIO_SIZE];
} Mmio;

static uint64_t mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    Mmio *m = opaque;
    m->reads++;
    return m->regs[addr];
}

static void mmio_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    Mmio *m = opaque;
    m->writes++;
    m->regs[addr] = val;
}

static const MemoryRegionOps mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .valid = {1, 4},
    .impl = {1, 1},
};

typedef struct Bus {
    MemoryRegion root, ram, mmio;
    AddressSpace as;
    Mmio m;
    MemoryListener l;
    int code_calls;
    uint64_t code_addr, code_len;
} Bus;

static void bus_code_written(MemoryListener *l, uint64_t addr, uint64_t len)
{
    Bus *b = container_of(l, Bus, l);
    b->code_calls++;
    b->code_addr = addr;
    b->code_len = len;
}

static void bus_init(Bus *b)
{
    Error *err = NULL;
    memset(b, 0, sizeof(*b));
    memory_region_init(&b->root, "system", AS_SIZE);
    if (memory_region_init_ram(&b->ram, "ram", RAM_SIZE, &err) < 0) {
        error_report_err(err);
        exit(1);
    }
    memory_region_init_io(&b->mmio, &mmio_ops, &b->m, "mmio", MMIO_SIZE);
    memory_region_add_subregion(&b->root, 0, &b->ram);
    memory_region_add_subregion(&b->root, MMIO_BASE, &b->mmio);
    address_space_init(&b->as, &b->root, "dma-test");
    for (int i = 0; i < MMIO_SIZE; i++) {
        b->m.regs[i] = 0x80 + i;
    }
    b->l.code_written = bus_code_written;
    memory_listener_register(&b->l, &b->as);
}

static void bus_cleanup(Bus *b)
{
    memory_listener_unregister(&b->l);
    memory_region_del_subregion(&b->root, &b->ram);
    memory_region_del_subregion(&b->root, &b->mmio);
    address_space_destroy(&b->as);
    memory_region_finalize(&b->ram);
}

static void test_map_ram(void)
{
    Bus b;
    bus_init(&b);
    uint64_t len = 0x100;
    uint8_t *p = address_space_map(&b.as, 0x1000, &len, true);
    CHECK(p == b.ram.ram + 0x1000);
    CHECK_EQ(len, 0x100);
    /* Unmap with what was written: only those pages become dirty. */
    memory_region_reset_dirty(&b.ram, 0, RAM_SIZE, DIRTY_MEMORY_VGA);
    memset(p, 0x11, 0x10);
    address_space_unmap(&b.as, p, len, true, 0x10);
    CHECK(memory_region_get_dirty(&b.ram, 0x1000, 1, DIRTY_MEMORY_VGA));
    CHECK(!memory_region_get_dirty(&b.ram, 0x2000, 1, DIRTY_MEMORY_VGA));
    /* A read mapping marks nothing. */
    memory_region_reset_dirty(&b.ram, 0, RAM_SIZE, DIRTY_MEMORY_VGA);
    len = 0x3000;
    p = address_space_map(&b.as, 0x3000, &len, false);
    CHECK(p == b.ram.ram + 0x3000);
    address_space_unmap(&b.as, p, len, false, len);
    CHECK(!memory_region_get_dirty(&b.ram, 0, RAM_SIZE, DIRTY_MEMORY_VGA));

    /* Over code (CODE bit clear): the write is reported, with its
     * physical address and length. */
    memory_region_reset_dirty(&b.ram, 0x5000, 0x1000, DIRTY_MEMORY_CODE);
    len = 0x2000;
    p = address_space_map(&b.as, 0x4800, &len, true);
    address_space_unmap(&b.as, p, len, true, 0x900);
    CHECK_EQ(b.code_calls, 1);
    CHECK_EQ(b.code_addr, 0x4800);
    CHECK_EQ(b.code_len, 0x900);
    /* Written bytes short of the code page: not reported. */
    p = address_space_map(&b.as, 0x4800, &len, true);
    address_space_unmap(&b.as, p, len, true, 0x800);
    CHECK_EQ(b.code_calls, 1);
    bus_cleanup(&b);
}

static void test_map_spanning_mmio(void)
{
    Bus b;
    bus_init(&b);
    /* 0x20 bytes across the RAM/MMIO boundary: the RAM part directly,
     * clamped where RAM ends. */
    uint64_t len = 0x20;
    uint8_t *p = address_space_map(&b.as, MMIO_BASE - 0x10, &len, false);
    CHECK(p == b.ram.ram + RAM_SIZE - 0x10);
    CHECK_EQ(len, 0x10);
    address_space_unmap(&b.as, p, len, false, len);

    /* The MMIO part: a bounce buffer filled by MMIO reads. */
    len = 0x10;
    int reads = b.m.reads;
    p = address_space_map(&b.as, MMIO_BASE, &len, false);
    CHECK(p != NULL);
    CHECK(p < b.ram.ram || p >= b.ram.ram + RAM_SIZE);
    CHECK_EQ(len, 0x10);
    CHECK_EQ(b.m.reads - reads, 0x10);
    CHECK_EQ(p[0], 0x80);
    CHECK_EQ(p[15], 0x8f);
    address_space_unmap(&b.as, p, len, false, len);

    /* A bounce mapping is clamped to the MMIO region. */
    len = 0x1000;
    p = address_space_map(&b.as, MMIO_BASE + 0x80, &len, true);
    CHECK_EQ(len, MMIO_SIZE - 0x80);
    int writes = b.m.writes;
    memset(p, 0x5a, len);
    /* Only the accessed length is written back. */
    address_space_unmap(&b.as, p, len, true, 4);
    CHECK_EQ(b.m.writes - writes, 4);
    CHECK_EQ(b.m.regs[0x80], 0x5a);
    CHECK_EQ(b.m.regs[0x83], 0x5a);
    CHECK_EQ(b.m.regs[0x84], (uint8_t)(0x80 + 0x84));
    bus_cleanup(&b);
}

static int retries;
static void retry_cb(void *opaque)
{
    retries++;
}

static void test_bounce_busy(void)
{
    Bus b;
    bus_init(&b);
    uint64_t len1 = 8, len2 = 8, len3 = 8;
    uint8_t *p1 = address_space_map(&b.as, MMIO_BASE, &len1, false);
    CHECK(p1 != NULL);
    /* A hole (beyond MMIO) needs the bounce buffer too: busy. */
    uint8_t *p2 = address_space_map(&b.as, 0x20000, &len2, false);
    CHECK(p2 == NULL);
    CHECK_EQ(len2, 0);
    /* RAM still maps directly meanwhile. */
    CHECK(address_space_map(&b.as, 0x100, &len3, false) == b.ram.ram + 0x100);
    /* The retry path: a BH runs once the buffer is free. */
    BH *bh = bh_new(retry_cb, NULL);
    retries = 0;
    address_space_register_map_client(&b.as, bh);
    CHECK_EQ(bh_poll(), 0);
    address_space_unmap(&b.as, p1, len1, false, len1);
    CHECK_EQ(bh_poll(), 1);
    CHECK_EQ(retries, 1);
    len2 = 8;
    p2 = address_space_map(&b.as, 0x20000, &len2, false);
    CHECK(p2 != NULL);
    CHECK_EQ(len2, 8);
    CHECK_EQ(p2[0], 0xff); /* unassigned reads all ones */
    address_space_unmap(&b.as, p2, len2, false, len2);
    bh_delete(bh);
    bus_cleanup(&b);
}

static void test_out_of_range(void)
{
    Bus b;
    bus_init(&b);
    uint8_t buf[16];

    /* Beyond the end of the address space: all ones, nothing else. */
    memset(buf, 0, sizeof(buf));
    CHECK_EQ(dma_memory_read(&b.as, AS_SIZE, buf, 4), DMA_OUT_OF_RANGE);
    CHECK_EQ(buf[0], 0xff);
    CHECK_EQ(buf[3], 0xff);
    CHECK_EQ(dma_memory_read(&b.as, UINT64_MAX - 1, buf, 4), DMA_OUT_OF_RANGE);
    /* Wrapping past the end would reach RAM at 0: refused, not done. */
    b.ram.ram[0] = 0x42;
    memset(buf, 0x99, sizeof(buf));
    CHECK_EQ(dma_memory_write(&b.as, AS_SIZE - 4, buf, 8), DMA_OUT_OF_RANGE);
    CHECK_EQ(b.ram.ram[0], 0x42);
    CHECK_EQ(dma_memory_set(&b.as, AS_SIZE - 4, 0, 8), DMA_OUT_OF_RANGE);
    CHECK_EQ(b.ram.ram[0], 0x42);
    uint64_t len = 8;
    CHECK(address_space_map(&b.as, AS_SIZE, &len, true) == NULL);
    CHECK_EQ(len, 0);
    /* A map near the end is clamped, not wrapped. */
    len = 64;
    uint8_t *p = address_space_map(&b.as, AS_SIZE - 8, &len, true);
    CHECK(p != NULL);
    CHECK_EQ(len, 8);
    address_space_unmap(&b.as, p, len, true, len);
    CHECK_EQ(b.ram.ram[0], 0x42);

    /* A hole: all ones, writes dropped, DMA_UNASSIGNED; the RAM part of a
     * straddling write is done. */
    CHECK_EQ(dma_memory_read(&b.as, 0x30000, buf, 4), DMA_UNASSIGNED);
    CHECK_EQ(buf[0], 0xff);
    memset(buf, 0x77, sizeof(buf));
    CHECK_EQ(dma_memory_write(&b.as, MMIO_BASE + MMIO_SIZE - 4, buf, 8),
             DMA_UNASSIGNED);
    CHECK_EQ(b.m.regs[MMIO_SIZE - 1], 0x77);
    /* All in RAM: OK, and the bytes arrive. */
    CHECK_EQ(dma_memory_write(&b.as, 0x200, buf, 8), DMA_OK);
    CHECK_EQ(b.ram.ram[0x207], 0x77);
    CHECK_EQ(dma_memory_set(&b.as, 0x200, 0, 4), DMA_OK);
    CHECK_EQ(b.ram.ram[0x203], 0);
    CHECK_EQ(b.ram.ram[0x204], 0x77);
    bus_cleanup(&b);
}

static void test_pci_bus_master(void)
{
    Bus b;
    MemoryRegion io;
    PCIDevice d;
    Error *err = NULL;
    uint8_t buf[4] = {1, 2, 3, 4};

    bus_init(&b);
    memory_region_init(&io, "io", 0x10000);
    PCIBus *bus = pci_bus_new(&b.root, &io, &b.as);
    memset(&d, 0, sizeof(d));
    d.parent.bus = bus;
    d.devfn = -1;
    CHECK_EQ(pci_device_attach(&d, &err), 0);

    /* Bus master enable clear (the reset value): nothing is accessed. */
    b.ram.ram[0x100] = 0x42;
    CHECK(!pci_bus_master_enabled(&d));
    CHECK_EQ(pci_dma_write(&d, 0x100, buf, 4), DMA_DENIED);
    CHECK_EQ(b.ram.ram[0x100], 0x42);
    CHECK_EQ(pci_dma_read(&d, 0x100, buf, 4), DMA_DENIED);
    CHECK_EQ(buf[0], 0xff);
    uint64_t len = 4;
    CHECK(pci_dma_map(&d, 0x100, &len, true) == NULL);
    CHECK_EQ(len, 0);

    /* The guest sets it: DMA works. */
    pci_default_config_write(&d, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    CHECK(pci_bus_master_enabled(&d));
    buf[0] = 9;
    CHECK_EQ(pci_dma_write(&d, 0x100, buf, 1), DMA_OK);
    CHECK_EQ(b.ram.ram[0x100], 9);
    CHECK_EQ(pci_dma_read(&d, 0x100, buf, 2), DMA_OK);
    CHECK_EQ(buf[0], 9);
    len = 4;
    uint8_t *p = pci_dma_map(&d, 0x100, &len, true);
    CHECK(p == b.ram.ram + 0x100);
    pci_dma_unmap(&d, p, len, true, len);
    /* And cleared again. */
    pci_default_config_write(&d, PCI_COMMAND, 0, 2);
    CHECK_EQ(pci_dma_write(&d, 0x100, buf, 1), DMA_DENIED);

    pci_device_detach(&d);
    pci_bus_free(bus);
    bus_cleanup(&b);
}

/*
 * The translator: code at X86H_CODE runs, a device then writes a new
 * immediate over it; running the same code again gives the new value.
 *   mov eax, 0x11111111; hlt
 */
static void test_tcg_dma_over_code(void)
{
    CPUState *cpu = x86h_init();
    X86HState st;
    static const uint8_t prog[] = {0xb8, 0x11, 0x11, 0x11, 0x11};

    x86h_state_init(&st, X86H_PM32);
    CHECK(x86h_run(&st, X86H_CODE, prog, sizeof(prog)));
    CHECK_EQ(st.regs[R_EAX], 0x11111111);

    static const uint8_t imm[] = {0x22, 0x22, 0x22, 0x22};
    CHECK_EQ(dma_memory_write(current_machine->as_mem, X86H_CODE + 1, imm, 4),
             DMA_OK);
    /* Again from the start, with nothing flushed by the harness. */
    cpu->env.eip = X86H_CODE;
    cpu->env.halted = false;
    cpu->stop_request = false;
    x86h_exec(4, 2000);
    CHECK_EQ(cpu->env.regs[R_EAX], 0x22222222);

    /* Through a mapping, unmapped with the written length. */
    uint64_t len = 4;
    uint8_t *p =
        address_space_map(current_machine->as_mem, X86H_CODE + 1, &len, true);
    CHECK(p != NULL);
    stl_le_p(p, 0x33333333);
    address_space_unmap(current_machine->as_mem, p, len, true, 4);
    cpu->env.eip = X86H_CODE;
    cpu->env.halted = false;
    x86h_exec(4, 2000);
    CHECK_EQ(cpu->env.regs[R_EAX], 0x33333333);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_map_ram);
    TEST_RUN(test_map_spanning_mmio);
    TEST_RUN(test_bounce_busy);
    TEST_RUN(test_out_of_range);
    TEST_RUN(test_pci_bus_master);
    TEST_RUN(test_tcg_dma_over_code);
    return test_finish();
}
