/*
 * pc-testdev (hw/misc/pc-testdev.c) through port and MMIO dispatch: the
 * scratch register at every width and offset, its byte-wise alias, the
 * IRQ lines, the MMIO scratch memory, the flush port on RAM and elsewhere,
 * and reset.
 */
#include "tests/unit/harness.h"

#define IOMEM 0xff000000ull

static void test_scratch_port(void)
{
    TestBus tb;
    test_bus_init(&tb);
    CHECK(test_device(&tb, "pc-testdev", NULL) != NULL);

    outl(&tb, 0xe0, 0x12345678);
    CHECK_EQ(inl(&tb, 0xe0), 0x12345678);
    CHECK_EQ(inw(&tb, 0xe2), 0x1234);
    CHECK_EQ(inb(&tb, 0xe1), 0x56);
    outb(&tb, 0xe3, 0xab);
    CHECK_EQ(inl(&tb, 0xe0), 0xab345678);
    outw(&tb, 0xe1, 0xcdef);
    CHECK_EQ(inl(&tb, 0xe0), 0xabcdef78);
    /* 0xe8: the same register, a dword access split into bytes. */
    CHECK_EQ(inl(&tb, 0xe8), 0xabcdef78);
    outl(&tb, 0xe8, 0x01020304);
    CHECK_EQ(inl(&tb, 0xe0), 0x01020304);
    CHECK_EQ(inb(&tb, 0xea), 0x02);
    test_bus_cleanup(&tb);
}

static void test_irq_lines(void)
{
    TestBus tb;
    test_bus_init(&tb);
    CHECK(test_device(&tb, "pc-testdev", NULL) != NULL);

    outb(&tb, 0x2000 + 14, 1);
    CHECK_EQ(tb.irq[14].level, 1);
    CHECK_EQ(tb.irq[14].raises, 1);
    outb(&tb, 0x2000 + 14, 0x80); /* any nonzero value: high */
    CHECK_EQ(tb.irq[14].level, 1);
    outb(&tb, 0x2000 + 14, 0);
    CHECK_EQ(tb.irq[14].level, 0);
    outb(&tb, 0x2000 + 3, 1);
    CHECK_EQ(tb.irq[3].level, 1);
    CHECK_EQ(tb.irq[4].changes, 0);
    /* Lines 16-23 are refused (logged), touching no ISA line. */
    outb(&tb, 0x2000 + 20, 1);
    for (int i = 0; i < 16; i++) {
        CHECK_EQ(tb.irq[i].level, i == 3);
    }
    test_bus_cleanup(&tb);
}

static void test_iomem_and_reset(void)
{
    TestBus tb;
    uint64_t v = 0;
    test_bus_init(&tb);
    DeviceState *d = test_device(&tb, "pc-testdev", NULL);
    CHECK(d != NULL);

    CHECK(address_space_write_val(&tb.mem_as, IOMEM + 0x10, 8,
                                  0x1122334455667788ull));
    CHECK(address_space_read_val(&tb.mem_as, IOMEM + 0x14, 4, &v));
    CHECK_EQ(v, 0x11223344);
    CHECK(address_space_read_val(&tb.mem_as, IOMEM + 0x11, 1, &v));
    CHECK_EQ(v, 0x77);
    CHECK(address_space_write_val(&tb.mem_as, IOMEM + 0xffff, 1, 0x5a));
    CHECK(address_space_read_val(&tb.mem_as, IOMEM + 0xffff, 1, &v));
    CHECK_EQ(v, 0x5a);
    /* Accesses across the end stay inside the buffer (ASan checks). */
    address_space_write_val(&tb.mem_as, IOMEM + 0xfffc, 8, ~0ull);
    address_space_read_val(&tb.mem_as, IOMEM + 0xfffd, 8, &v);

    /* Flush of a RAM page keeps its contents; of a non-RAM page: nothing. */
    uint8_t b = 0xc3;
    CHECK(address_space_write(&tb.mem_as, 0x2000, &b, 1));
    outl(&tb, 0xe4, 0x2000);
    b = 0;
    CHECK(address_space_read(&tb.mem_as, 0x2000, &b, 1));
    CHECK_EQ(b, 0xc3);
    b = 0x3c;
    CHECK(address_space_write(&tb.mem_as, 0x2000, &b, 1)); /* writable */
    outl(&tb, 0xe4, 0xfe000000);

    outl(&tb, 0xe0, 0xdeadbeef);
    device_reset(d);
    CHECK_EQ(inl(&tb, 0xe0), 0);
    CHECK(address_space_read_val(&tb.mem_as, IOMEM + 0x10, 8, &v));
    CHECK_EQ(v, 0);
    test_bus_cleanup(&tb);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_scratch_port);
    TEST_RUN(test_irq_lines);
    TEST_RUN(test_iomem_and_reset);
    return test_finish();
}
