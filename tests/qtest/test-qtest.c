/*
 * The qtest protocol itself (include/emu/qtest.h) against a pc machine
 * under -accel qtest: memory through every access form, the clock that
 * only the client moves, the CPU that runs nothing, interrupt lines, and
 * malformed requests that must get FAIL replies and leave emu serving.
 */
#include "tests/qtest/qtest-check.h"

#include <stdlib.h>

/* RAM well above what anything uses before a guest runs. */
#define SCRATCH 0x100000

static void test_sized_access(void)
{
    QTestState *s = qtest_init(NULL);
    qtest_writeq(s, SCRATCH, 0x1122334455667788ULL);
    CHECK_EQ(qtest_readq(s, SCRATCH), 0x1122334455667788ULL);
    CHECK_EQ(qtest_readl(s, SCRATCH), 0x55667788);
    CHECK_EQ(qtest_readl(s, SCRATCH + 4), 0x11223344);
    CHECK_EQ(qtest_readw(s, SCRATCH + 2), 0x5566);
    CHECK_EQ(qtest_readb(s, SCRATCH + 7), 0x11);
    qtest_writeb(s, SCRATCH + 1, 0xab);
    qtest_writew(s, SCRATCH + 2, 0xcdef);
    CHECK_EQ(qtest_readl(s, SCRATCH), 0xcdefab88);
    /* The reply formats, as QEMU's: in is 4 digits, read 16. */
    CHECK_STR(qtest_raw(s, "readb 0x100000"), "OK 0x0000000000000088");
    qtest_outl(s, 0xcf8, 0x80000000);
    CHECK_STR(qtest_raw(s, "inl 0xcf8"), "OK 0x80000000");
    CHECK_STR(qtest_raw(s, "inb 0xcfc"), "OK 0x0086"); /* Intel's 8086 */
    /* Nothing at this port or address: all ones of the access size. */
    CHECK_STR(qtest_raw(s, "inb 0x2e8"), "OK 0x00ff");
    CHECK_STR(qtest_raw(s, "inw 0x2e8"), "OK 0xffff");
    CHECK_STR(qtest_raw(s, "readw 0xd0000000"), "OK 0x000000000000ffff");
    CHECK_STR(qtest_raw(s, "endianness"), "OK little");
    QUIT(s);
}

static void test_buffers(void)
{
    QTestState *s = qtest_init(NULL);
    uint8_t in[300], out[300];
    for (unsigned i = 0; i < sizeof(in); i++) {
        in[i] = (uint8_t)(i * 7 + 3);
    }
    qtest_memwrite(s, SCRATCH + 1, in, sizeof(in));
    qtest_bufread(s, SCRATCH + 1, out, sizeof(out));
    CHECK(!memcmp(in, out, sizeof(in)));
    memset(out, 0, sizeof(out));
    qtest_bufwrite(s, SCRATCH + 0x1000, in, sizeof(in));
    qtest_memread(s, SCRATCH + 0x1000, out, sizeof(out));
    CHECK(!memcmp(in, out, sizeof(in)));
    qtest_memset(s, SCRATCH + 0x1000 + 10, 0x5a, 20);
    qtest_memread(s, SCRATCH + 0x1000, out, sizeof(out));
    CHECK_EQ(out[9], in[9]);
    CHECK_EQ(out[10], 0x5a);
    CHECK_EQ(out[29], 0x5a);
    CHECK_EQ(out[30], in[30]);
    /* write with fewer digits than SIZE: the rest is zeros. */
    CHECK_STR(qtest_raw(s, "write 0x100000 4 0xaabb"), "OK");
    CHECK_STR(qtest_raw(s, "read 0x100000 4"), "OK 0xaabb0000");
    CHECK_STR(qtest_raw(s, "memset 0x100000 0 0x11"), "OK");
    CHECK_STR(qtest_raw(s, "b64read 0x100000 3"), "OK qrsA");
    QUIT(s);
}

/* Memory-mapped registers answer: the I/O APIC's window (IOREGSEL at
 * 0xfec00000, IOWIN at +0x10; register 1 is the version). */
static void test_mmio(void)
{
    QTestState *s = qtest_init(NULL);
    qtest_writel(s, 0xfec00000, 1);
    uint32_t ver = qtest_readl(s, 0xfec00010);
    CHECK_EQ(ver & 0xff, 0x20);       /* version, as QEMU's */
    CHECK_EQ((ver >> 16) & 0xff, 23); /* 24 redirection entries */
    /* The BIOS is mapped at the top of 4 GiB: its last bytes are the
     * reset vector's far jump (EA). */
    CHECK_EQ(qtest_readb(s, 0xfffffff0), 0xea);
    QUIT(s);
}

/* No CPU runs: the firmware never fills its data area, and the clock
 * stays where the client put it however long the host takes. */
static void test_no_cpu(void)
{
    QTestState *s = qtest_init(NULL);
    uint8_t bda[256], zero[256] = {0};
    qtest_memread(s, 0x400, bda, sizeof(bda));
    CHECK(!memcmp(bda, zero, sizeof(bda)));
    CHECK_STR(qtest_raw(s, "clock_set 0"), "OK 0");
    CHECK_EQ(qtest_clock_step(s, 1000), 1000);
    CHECK_EQ(qtest_clock_set(s, 5000), 5000);
    CHECK_STR(qtest_raw(s, "clock_set 100"), "FAIL 5000");
    CHECK_STR(qtest_raw(s, "clock_step 0"), "FAIL could not advance time");
    CHECK_STR(qtest_raw(s, "clock_step -5"), "FAIL could not advance time");
    QUIT(s);
}

/* clock_step without a count goes to the next timer: the PIT's, armed
 * by programming counter 0 (mode 2, count 1000: 1000 / 1.193182 MHz). */
static void test_clock_step_next(void)
{
    QTestState *s = qtest_init(NULL);
    qtest_outb(s, 0x43, 0x34);
    qtest_outb(s, 0x40, 1000 & 0xff);
    qtest_outb(s, 0x40, 1000 >> 8);
    int64_t t = qtest_clock_step_next(s);
    CHECK(t > 0 && t <= 838096 + 1000); /* 1000 ticks = 838.1 us */
    int64_t t2 = qtest_clock_step_next(s);
    CHECK(t2 > t && t2 - t <= 838096 + 1000);
    QUIT(s);
}

static void test_irq_lines(void)
{
    QTestState *s = qtest_init(NULL);
    CHECK_STR(qtest_raw(s, "irq_intercept_in nosuchdev"),
              "FAIL Unknown device");
    CHECK_STR(qtest_raw(s, "set_irq_in nosuchdev unnamed-gpio-in 0 1"),
              "FAIL Unknown device");
    qtest_irq_intercept_in(s, "/machine/ioapic");
    /* Again, by its short name: the same device, fine. */
    CHECK_STR(qtest_raw(s, "irq_intercept_in ioapic"), "OK");
    CHECK_STR(qtest_raw(s, "irq_intercept_in i8259"),
              "FAIL IRQ intercept already enabled");
    CHECK(!qtest_get_irq(s, 9));
    qtest_set_irq_in(s, "ioapic", NULL, 9, 1);
    CHECK(qtest_get_irq(s, 9));
    qtest_set_irq_in(s, "ioapic", NULL, 9, 0);
    CHECK(!qtest_get_irq(s, 9));
    CHECK(qtest_raw(s, "set_irq_in ioapic unnamed-gpio-in 24 1")[0] == 'F');
    CHECK(qtest_raw(s, "set_irq_in ioapic bogus 1 1")[0] == 'F');
    QUIT(s);
}

/* The 8259's INT output (the CPU's INTR): unmask IRQ 3 at the master,
 * raise the line into it, see INT rise; acknowledge through OCW3 poll. */
static void test_intercept_out(void)
{
    QTestState *s = qtest_init(NULL);
    qtest_irq_intercept_out(s, "i8259");
    /* ICW1-4: edge, cascade, vector 0x08, slave on 2, 8086 mode. */
    qtest_outb(s, 0x20, 0x11);
    qtest_outb(s, 0x21, 0x08);
    qtest_outb(s, 0x21, 0x04);
    qtest_outb(s, 0x21, 0x01);
    qtest_outb(s, 0x21, 0xf7); /* only IRQ 3 */
    CHECK(!qtest_get_irq(s, 0));
    qtest_set_irq_in(s, "i8259", NULL, 3, 1);
    CHECK(qtest_get_irq(s, 0));
    qtest_outb(s, 0x20, 0x0c); /* OCW3 poll: acknowledges IRQ 3 */
    CHECK_EQ(qtest_inb(s, 0x20), 0x83);
    CHECK(!qtest_get_irq(s, 0));
    QUIT(s);
}

/* Bad requests: a FAIL line each, and emu keeps serving. */
static void test_bad_requests(void)
{
    static const char *const bad[] = {
        "",
        "nosuchcommand 1 2",
        "outb",
        "outb 0x80",
        "outb 0x10000 1",
        "outb zz 1",
        "outb 0x80 1 2",
        "inb 0x1x",
        "readl",
        "writel 0x1000",
        "read 0x1000 0",
        "read 0x1000 0x40000000",
        "write 0x1000 2 0xzzzz",
        "write 0x1000 2 12345",
        "b64read 0 99999999999",
        "memset 0 0x2000000 1",
        "clock_step abc",
        "clock_set",
        "irq_intercept_in",
        "set_irq_in ioapic unnamed-gpio-in x 1",
        "module_load block curl",
        "readq 18446744073709551616",
    };
    QTestState *s = qtest_init(NULL);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *r = qtest_raw(s, bad[i]);
        if (strncmp(r, "FAIL", 4)) {
            char m[256];
            snprintf(m, sizeof(m), "'%s' got '%s'", bad[i], r);
            qc_fail(__FILE__, __LINE__, m);
        }
    }
    /* QEMU's reply to a data word too short to hold anything. */
    CHECK_STR(qtest_raw(s, "write 0x1000 1 0x"), "ERR invalid argument size");
    CHECK_STR(qtest_raw(s, "b64write 0x1000 1 QQ"),
              "ERR invalid argument size");
    /* A line with a CR (a terminal client) works. */
    CHECK_STR(qtest_raw(s, "endianness\r"), "OK little");
    /* Still serving. */
    qtest_writel(s, SCRATCH, 0xfeedface);
    CHECK_EQ(qtest_readl(s, SCRATCH), 0xfeedface);
    QUIT(s);
}

/* A request longer than the server takes is refused as a whole; the next
 * one is served. */
static void test_long_line(void)
{
    QTestState *s = qtest_init(NULL);
    size_t n = 40u << 20; /* over 2 * 16 MiB of hex */
    char *line = malloc(n + 32);
    CHECK(line != NULL);
    if (line) {
        strcpy(line, "write 0x100000 1 0x");
        memset(line + 19, 'a', n);
        line[19 + n] = '\0';
        CHECK_STR(qtest_raw(s, line), "FAIL request too long");
        free(line);
    }
    CHECK_STR(qtest_raw(s, "endianness"), "OK little");
    QUIT(s);
}

int main(int argc, char **argv)
{
    qc_init(argc, argv);
    TEST_RUN(test_sized_access);
    TEST_RUN(test_buffers);
    TEST_RUN(test_mmio);
    TEST_RUN(test_no_cpu);
    TEST_RUN(test_clock_step_next);
    TEST_RUN(test_irq_lines);
    TEST_RUN(test_intercept_out);
    TEST_RUN(test_bad_requests);
    TEST_RUN(test_long_line);
    return qc_finish();
}
