/*
 * The unit/device test harness.
 *
 * Each tests/unit/test-*.c is one program:
 *
 *     #include "tests/unit/harness.h"
 *
 *     static void test_reset_state(void)
 *     {
 *         TestBus tb;
 *         test_bus_init(&tb);                     // port space, 16 IRQ probes
 *         DeviceState *d = test_device(&tb, "isa-pit", "iobase=0x40");
 *         outb(&tb, 0x43, 0x34);
 *         CHECK_EQ(inb(&tb, 0x40), 0xff);
 *         clock_step_ns(1000000);                 // virtual time, fires timers
 *         CHECK(tb.irq[0].raises == 1);
 *         test_bus_cleanup(&tb);
 *     }
 *
 *     int main(int argc, char **argv)
 *     {
 *         test_init(argc, argv);
 *         TEST_RUN(test_reset_state);
 *         return test_finish();
 *     }
 *
 * Output: one "ok"/"FAIL" line per test, and a last line
 * "<prog>: N passed, N failed".  The exit status is 1 if anything failed.
 */
#ifndef TESTS_UNIT_HARNESS_H
#define TESTS_UNIT_HARNESS_H

#include "emu/common.h"
#include "emu/device.h"
#include "emu/irq.h"
#include "emu/memory.h"
#include "emu/timer.h"
#include "hw/isa/isa.h"

void test_init(int argc, char **argv);
int test_finish(void);
/*
 * Finish a program whose remaining nskipped tests cannot run on this host
 * or build: prints "SKIP: why" and "<prog>: N passed, N failed, M
 * skipped"; returns 1 if anything failed, else 77 (skipped).
 */
int test_finish_skip(int nskipped, const char *why);
void test_run_one(const char *name, void (*fn)(void));
#define TEST_RUN(fn) test_run_one(#fn, fn)

/* Record a failure (the test goes on). */
void test_fail(const char *file, int line, const char *fmt, ...)
    EMU_PRINTF(3, 4);
#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            test_fail(__FILE__, __LINE__, "%s", #cond);                      \
        }                                                                    \
    } while (0)
#define CHECK_EQ(a, b)                                                       \
    do {                                                                     \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                     \
        if (a_ != b_) {                                                      \
            test_fail(__FILE__, __LINE__, "%s == %s: 0x%" PRIx64             \
                      " != 0x%" PRIx64, #a, #b, a_, b_);                     \
        }                                                                    \
    } while (0)
#define CHECK_STR(a, b)                                                      \
    do {                                                                     \
        const char *a_ = (a), *b_ = (b);                                     \
        if (strcmp(a_ ? a_ : "(null)", b_ ? b_ : "(null)")) {                \
            test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a,  \
                      #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");           \
        }                                                                    \
    } while (0)

/*
 * A bare bus for device tests: 64 KiB port space, 4 GiB memory space with
 * 1 MiB of RAM at 0 (DMA), and the 16 ISA IRQ lines connected to probes.
 * Puts the virtual clock in test mode at 0.
 */
typedef struct TestBus {
    MemoryRegion io_root, mem_root, ram;
    AddressSpace io_as, mem_as;
    ISABus isa;
    IRQProbe irq[16];
} TestBus;

void test_bus_init(TestBus *tb);
void test_bus_cleanup(TestBus *tb);
/* Create + set props + realize on tb's ISA bus + reset; fails the test and
 * returns NULL on error. */
DeviceState *test_device(TestBus *tb, const char *name, const char *props);

static inline uint8_t inb(TestBus *tb, uint16_t port)
{
    return as_in(&tb->io_as, port, 1);
}
static inline uint16_t inw(TestBus *tb, uint16_t port)
{
    return as_in(&tb->io_as, port, 2);
}
static inline uint32_t inl(TestBus *tb, uint16_t port)
{
    return as_in(&tb->io_as, port, 4);
}
static inline void outb(TestBus *tb, uint16_t port, uint8_t v)
{
    as_out(&tb->io_as, port, 1, v);
}
static inline void outw(TestBus *tb, uint16_t port, uint16_t v)
{
    as_out(&tb->io_as, port, 2, v);
}
static inline void outl(TestBus *tb, uint16_t port, uint32_t v)
{
    as_out(&tb->io_as, port, 4, v);
}

/* Path to the shared test data (../shared/testdata or $EMU_TESTDATA). */
const char *test_data_dir(void);

#endif
