/*
 * Device fuzz targets: one program per device, built on the unit-test
 * harness (tests/unit/harness.h), so a device is created alone on a bare
 * bus and driven only through its registers.
 *
 * A target fills a FuzzTarget:
 *
 *     static void pit_setup(FuzzRig *r)
 *     {
 *         r->s = pit_init(&r->tb.isa, 0x40, NULL);
 *         fuzz_add_window(r, FUZZ_IO, 0x40, 4);
 *     }
 *     const FuzzTarget fuzz_target = {
 *         .name = "i8254", .covers = "hw/timer/i8254.c",
 *         .setup = pit_setup, .check = pit_check,
 *     };
 *
 * and rig.c turns each input into a fresh rig (setup), a sequence of
 * operations, and a teardown.  The input is a sequence of 12-byte records
 * (a shorter tail is ignored):
 *
 *     byte 0      op: 0x00-0x5f write, 0x60-0xbf read, 0xc0-0xdf the
 *                 target's own event (key press, received byte, DMA...),
 *                 0xe0-0xfb clock step only, 0xfc-0xff device reset
 *     byte 1      window: which of the target's port/MMIO windows
 *     byte 2      size: bits 0-1 pick 1, 2 or 4 bytes (3 = 4); bit 7 on a
 *                 read calls the region's read callback directly, so the
 *                 width check below sees the device's own value
 *     byte 3      clock step after the operation: 0 none, else
 *                 2^(n % 29) ns of virtual time (timers fire on the way)
 *     bytes 4-7   offset inside the window (little-endian, modulo its size)
 *     bytes 8-11  value
 *
 * Invariants checked for every target after every operation: no crash and
 * no sanitizer report (the build has ASan+UBSan), every IRQ line the rig
 * hands out is only ever set to 0 or 1, a device read callback returns no
 * bits above the access size (except ~0, "all ones", which the bus masks),
 * the target's own check(), and at the end no timer left armed once every
 * device is freed.  A violated
 * invariant aborts with a message naming the record; the driver (or
 * libFuzzer) saves the input and prints how to replay it.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include "tests/unit/harness.h"

#define FUZZ_RECORD_SIZE 12
#define FUZZ_MAX_WINDOWS 16
#define FUZZ_MAX_LINES   24
/* Virtual time one input may consume: keeps a run bounded when a device is
 * programmed to tick at MHz rates. */
#define FUZZ_MAX_VIRTUAL_NS (2 * NANOSECONDS_PER_SECOND)

typedef enum FuzzSpace {
    FUZZ_IO,
    FUZZ_MEM,
} FuzzSpace;

typedef struct FuzzWindow {
    FuzzSpace space;
    uint64_t base;
    uint64_t len;
} FuzzWindow;

/* An output line the rig checks: levels other than 0 and 1 abort. */
typedef struct FuzzLine {
    const char *name;
    int level;
    unsigned raises;
    IRQ *irq;
} FuzzLine;

/* One decoded record. */
typedef struct FuzzOp {
    uint8_t op;
    uint8_t window;
    unsigned size;
    bool direct;
    uint8_t step;
    uint32_t offset;
    uint32_t value;
    uint64_t addr; /* window base + offset modulo its length */
    FuzzSpace space;
} FuzzOp;

typedef struct FuzzRig {
    TestBus tb;
    FuzzWindow win[FUZZ_MAX_WINDOWS];
    int nwin;
    FuzzLine line[FUZZ_MAX_LINES];
    int nlines;
    void *s;         /* the target's state */
    void *priv;      /* the target's scratch (freed by its teardown) */
    unsigned record; /* index of the record being run, for messages */
    int64_t virtual_ns;
} FuzzRig;

typedef struct FuzzTarget {
    const char *name;
    /* The hw/ source files whose device classes this target exercises (a
     * space-separated list; tests/fuzz/smoke.sh checks every file that
     * registers a device class is covered by some target). */
    const char *covers;
    void (*setup)(FuzzRig *r);
    void (*teardown)(FuzzRig *r); /* may be NULL: test_bus_cleanup only */
    void (*event)(FuzzRig *r, const FuzzOp *op);
    void (*reset)(FuzzRig *r); /* NULL: devices_reset_all() */
    /* Invariants after each operation (fuzz_fail on violation). */
    void (*check)(FuzzRig *r, const FuzzOp *op);
    /* Called after each read with the value it returned. */
    void (*check_read)(FuzzRig *r, const FuzzOp *op, uint32_t val);
} FuzzTarget;

/* Defined by each fuzz-<device>.c. */
extern const FuzzTarget fuzz_target;

void fuzz_add_window(FuzzRig *r, FuzzSpace space, uint64_t base, uint64_t len);
/* A checked output line (the rig frees it). */
IRQ *fuzz_line(FuzzRig *r, const char *name, FuzzLine **out);
/* Report a broken invariant and abort. */
void fuzz_fail(FuzzRig *r, const char *fmt, ...) EMU_PRINTF(2, 3)
    __attribute__((noreturn));
#define FUZZ_ASSERT(r, cond)                                        \
    do {                                                            \
        if (!(cond)) {                                              \
            fuzz_fail((r), "%s:%d: %s", __FILE__, __LINE__, #cond); \
        }                                                           \
    } while (0)

/* Setup helpers: abort with a message when the device cannot be created
 * (a broken target, not a finding). */
void *fuzz_must(void *p, Error *err, const char *what);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
