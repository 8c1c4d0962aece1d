/*
 * The floppy controller and drives (hw/block/fdc.c, hw/block/floppy.c)
 * with the ISA DMA controllers (hw/isa/i8257.c) on a bare bus, over raw
 * images in the temporary folder: reset and its SENSE INTERRUPTs, SEEK,
 * RELATIVE SEEK, RECALIBRATE, SENSE DRIVE STATUS, READ/WRITE DATA by DMA
 * (multi-track, terminal count, end of track) and by PIO (an interrupt
 * per byte), READ TRACK, FORMAT TRACK, READ ID, VERIFY, CONFIGURE/LOCK/
 * DUMPREG/PERPENDICULAR MODE/VERSION, the errors (no disk, write
 * protect, sector not found, wrong data rate, invalid command), the disk
 * change line, formats by size and the CMOS drive types.
 */
#include "tests/unit/block-util.h"
#include "hw/block/fdc.h"
#include "hw/isa/isa-dma.h"

#include <glib.h>
#include <unistd.h>

#define FDC     0x3f0
#define DOR     (FDC + 2)
#define MSR     (FDC + 4)
#define DSR     (FDC + 4)
#define FIFO    (FDC + 5)
#define DIR     (FDC + 7)
#define CCR     (FDC + 7)
#define IMG_144 1474560
#define DMA_BUF 0x20000

typedef struct Rig {
    TestBus tb;
    DeviceState *dma8, *dma16, *fdc, *fd0;
    BlockBackend *blk;
    char *path;
    uint8_t *ram;
} Rig;

static uint8_t pattern(unsigned lba, unsigned i)
{
    return i == 0 ? lba & 0xff : i == 1 ? lba >> 8 : (lba * 7 + i) & 0xff;
}

static char *make_image(uint64_t size)
{
    char *path = g_strdup_printf("%s/emu-fdc-XXXXXX", g_get_tmp_dir());
    int fd = g_mkstemp(path);
    uint8_t sec[512];
    CHECK(fd >= 0);
    for (unsigned lba = 0; lba < size / 512; lba++) {
        for (unsigned i = 0; i < 512; i++) {
            sec[i] = pattern(lba, i);
        }
        CHECK(write(fd, sec, 512) == 512);
    }
    close(fd);
    return path;
}

static DeviceState *add_drive(Rig *r, const char *props, Error **errp)
{
    DeviceState *dev = device_new("floppy");
    FDCtrlState *s = fdc_from_device(r->fdc);
    if (device_set_props(dev, props, errp) < 0 ||
        device_realize(dev, fdc_get_bus(s), errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return dev;
}

/* The controller out of reset, DMA mode, 500 kb/s, drive 0 selected. */
static void rig_init_size(Rig *r, uint64_t size, bool read_only)
{
    Error *err = NULL;
    memset(r, 0, sizeof(*r));
    test_bus_init(&r->tb);
    r->ram = r->tb.ram.ram;
    r->dma8 = test_device(&r->tb, "i8257", "iobase=0,page-base=0x80,dshift=0");
    r->dma16 =
        test_device(&r->tb, "i8257", "iobase=0xc0,page-base=0x88,dshift=1");
    r->fdc = test_device(&r->tb, "isa-fdc", NULL);
    if (size) {
        r->path = make_image(size);
        /* A name of its own: two rigs can be alive at once. */
        static int seq;
        char name[16], props[40];
        snprintf(name, sizeof(name), "fd%d", seq++);
        snprintf(props, sizeof(props), "drive=%s,unit=0", name);
        r->blk = blkt_open_raw(name, r->path, read_only);
        r->fd0 = add_drive(r, props, &err);
    } else {
        r->fd0 = add_drive(r, "unit=0", &err);
    }
    if (!r->fd0) {
        test_fail(__FILE__, __LINE__, "floppy: %s", error_get_pretty(err));
        error_free(err);
    }
    outb(&r->tb, DOR, 0x1c);
    outb(&r->tb, CCR, 0);
}

static void rig_init(Rig *r)
{
    rig_init_size(r, IMG_144, false);
}

static void rig_cleanup(Rig *r)
{
    if (r->fd0) {
        device_unrealize(r->fd0);
        device_free(r->fd0);
    }
    device_unrealize(r->fdc);
    device_free(r->fdc);
    device_free(r->dma8);
    device_free(r->dma16);
    if (r->blk) {
        blk_unref(r->blk);
        unlink(r->path);
        g_free(r->path);
    }
    test_bus_cleanup(&r->tb);
}

/* Write a command, checking the MSR handshake before each byte. */
static void cmd(Rig *r, int n, const uint8_t *b)
{
    for (int i = 0; i < n; i++) {
        uint8_t msr = inb(&r->tb, MSR);
        if ((msr & 0xc0) != 0x80) {
            test_fail(__FILE__, __LINE__, "command byte %d: MSR 0x%02x", i,
                      msr);
            return;
        }
        outb(&r->tb, FIFO, b[i]);
    }
}
#define CMD(r, ...)                         \
    do {                                    \
        const uint8_t b_[] = {__VA_ARGS__}; \
        cmd(r, sizeof(b_), b_);             \
    } while (0)

/* Read the result phase; returns the number of bytes. */
static int results(Rig *r, uint8_t *res)
{
    int n = 0;
    while ((inb(&r->tb, MSR) & 0xc0) == 0xc0 && n < 16) {
        res[n++] = inb(&r->tb, FIFO);
    }
    return n;
}

/* Let image requests complete (their callbacks run here). */
static void wait_io(Rig *r)
{
    if (r->blk) {
        blk_drain(r->blk);
    }
}

static void sense_interrupt(Rig *r, uint8_t *st0, uint8_t *pcn)
{
    uint8_t res[16];
    CMD(r, 0x08);
    int n = results(r, res);
    CHECK_EQ(n, 2);
    *st0 = res[0];
    *pcn = res[1];
}

/* DMA channel 2: single mode, increment; mode 0x46 (write to memory) or
 * 0x4a (read from memory). */
static void dma_setup(Rig *r, uint32_t addr, uint32_t len, uint8_t mode)
{
    outb(&r->tb, 0x0a, 0x06);
    outb(&r->tb, 0x0c, 0);
    outb(&r->tb, 0x04, addr & 0xff);
    outb(&r->tb, 0x04, (addr >> 8) & 0xff);
    outb(&r->tb, 0x05, (len - 1) & 0xff);
    outb(&r->tb, 0x05, (len - 1) >> 8);
    outb(&r->tb, 0x0b, mode);
    outb(&r->tb, 0x81, addr >> 16);
    outb(&r->tb, 0x0a, 0x02);
}

static unsigned lba_of(unsigned c, unsigned h, unsigned s)
{
    return (c * 2 + h) * 18 + s - 1;
}

static bool sector_is(const uint8_t *p, unsigned lba)
{
    for (unsigned i = 0; i < 512; i++) {
        if (p[i] != pattern(lba, i)) {
            return false;
        }
    }
    return true;
}

/* ---- tests --------------------------------------------------------------- */

static void test_reset_sense_version(void)
{
    Rig r;
    uint8_t st0, pcn, res[16];
    rig_init(&r);
    /* Leaving reset raised IRQ 6; four drives polled. */
    CHECK_EQ(r.tb.irq[6].level, 1);
    CHECK_EQ(inb(&r.tb, MSR), 0x80);
    sense_interrupt(&r, &st0, &pcn);
    CHECK_EQ(st0, 0xc0);
    CHECK_EQ(r.tb.irq[6].level, 0);
    sense_interrupt(&r, &st0, &pcn);
    CHECK_EQ(st0, 0xc1);
    CMD(&r, 0x10);
    CHECK_EQ(results(&r, res), 1);
    CHECK_EQ(res[0], 0x90);
    /* Another command dropped the rest: nothing left to sense. */
    CMD(&r, 0x08);
    CHECK_EQ(results(&r, res), 1);
    CHECK_EQ(res[0], 0x80);
    /* In reset the MSR reads 0 and the FIFO takes nothing. */
    outb(&r.tb, DOR, 0x18);
    CHECK_EQ(inb(&r.tb, MSR), 0x00);
    outb(&r.tb, DOR, 0x1c);
    CHECK_EQ(r.tb.irq[6].level, 1);
    /* DSR software reset, self-clearing. */
    sense_interrupt(&r, &st0, &pcn);
    outb(&r.tb, DSR, 0x80);
    CHECK_EQ(r.tb.irq[6].level, 1);
    CHECK_EQ(inb(&r.tb, MSR), 0x80);
    /* An unknown opcode: ST0 0x80 alone. */
    CMD(&r, 0x1f);
    CHECK_EQ(results(&r, res), 1);
    CHECK_EQ(res[0], 0x80);
    CHECK_EQ(inb(&r.tb, DOR), 0x1c);
    rig_cleanup(&r);
}

static void test_seek_recalibrate(void)
{
    Rig r;
    uint8_t st0, pcn, res[16];
    rig_init(&r);
    outb(&r.tb, DSR, 0x80); /* fresh reset */
    sense_interrupt(&r, &st0, &pcn);

    CMD(&r, 0x0f, 0x00, 10);
    CHECK_EQ(r.tb.irq[6].level, 1);
    CHECK_EQ(inb(&r.tb, MSR), 0x80);
    sense_interrupt(&r, &st0, &pcn);
    CHECK_EQ(st0, 0x20);
    CHECK_EQ(pcn, 10);
    CHECK_EQ(r.tb.irq[6].level, 0);
    CMD(&r, 0x04, 0x00);
    CHECK_EQ(results(&r, res), 1);
    CHECK_EQ(res[0], 0x28); /* not track 0, not protected */

    /* Relative seek: DIR=1 inwards by 5, then outwards by 2. */
    CMD(&r, 0xcf, 0x04, 5);
    sense_interrupt(&r, &st0, &pcn);
    CHECK_EQ(st0, 0x24);
    CHECK_EQ(pcn, 15);
    CMD(&r, 0x8f, 0x00, 2);
    sense_interrupt(&r, &st0, &pcn);
    CHECK_EQ(pcn, 13);

    CMD(&r, 0x07, 0x00);
    CHECK_EQ(r.tb.irq[6].level, 1);
    sense_interrupt(&r, &st0, &pcn);
    CHECK_EQ(st0, 0x20);
    CHECK_EQ(pcn, 0);
    CMD(&r, 0x04, 0x00);
    results(&r, res);
    CHECK_EQ(res[0], 0x38); /* track 0 */

    /* No drive 1: track 0 never comes, equipment check. */
    CMD(&r, 0x07, 0x01);
    sense_interrupt(&r, &st0, &pcn);
    CHECK_EQ(st0, 0x71);

    /* DUMPREG has the cylinders. */
    CMD(&r, 0x0f, 0x00, 42);
    sense_interrupt(&r, &st0, &pcn);
    CMD(&r, 0x0e);
    CHECK_EQ(results(&r, res), 10);
    CHECK_EQ(res[0], 42);
    CHECK_EQ(res[1], 0);
    rig_cleanup(&r);
}

static void test_read_dma(void)
{
    Rig r;
    uint8_t res[16];
    rig_init(&r);
    CMD(&r, 0x03, 0xaf, 0x02); /* SPECIFY, DMA mode */
    /* 4 sectors from C1 H0 R17, multi-track: 17, 18, then head 1. */
    memset(r.ram + DMA_BUF, 0, 4096);
    dma_setup(&r, DMA_BUF, 2048, 0x46);
    CMD(&r, 0xe6, 0x00, 1, 0, 17, 2, 18, 0x1b, 0xff);
    CHECK_EQ(inb(&r.tb, MSR) & 0xd0, 0x10); /* busy, not for the host */
    wait_io(&r);
    CHECK_EQ(r.tb.irq[6].level, 1);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x04); /* normal termination, head 1 */
    CHECK_EQ(res[1], 0);
    CHECK_EQ(res[3], 1);
    CHECK_EQ(res[4], 1);
    CHECK_EQ(res[5], 3);
    CHECK_EQ(res[6], 2);
    CHECK_EQ(r.tb.irq[6].level, 0);
    CHECK(sector_is(r.ram + DMA_BUF, lba_of(1, 0, 17)));
    CHECK(sector_is(r.ram + DMA_BUF + 512, lba_of(1, 0, 18)));
    CHECK(sector_is(r.ram + DMA_BUF + 1024, lba_of(1, 1, 1)));
    CHECK(sector_is(r.ram + DMA_BUF + 1536, lba_of(1, 1, 2)));
    CHECK_EQ(r.ram[DMA_BUF + 2048], 0);
    CHECK_EQ(inb(&r.tb, 0x08) & 0x04, 0x04); /* TC on channel 2 */

    /* A larger DMA count than the track holds: end of track. */
    dma_setup(&r, DMA_BUF, 1536, 0x46);
    CMD(&r, 0x66, 0x04, 5, 1, 18, 2, 18, 0x1b, 0xff);
    wait_io(&r);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x44); /* abnormal, head 1 */
    CHECK_EQ(res[1], 0x80); /* EN */
    CHECK_EQ(res[3], 6);
    CHECK_EQ(res[5], 1);
    CHECK(sector_is(r.ram + DMA_BUF, lba_of(5, 1, 18)));

    /* DMA still masked when the data is there: the controller waits. */
    outb(&r.tb, 0x0a, 0x06);
    outb(&r.tb, 0x0c, 0);
    outb(&r.tb, 0x04, 0);
    outb(&r.tb, 0x04, 0);
    outb(&r.tb, 0x05, 0xff);
    outb(&r.tb, 0x05, 0x01);
    outb(&r.tb, 0x0b, 0x46);
    outb(&r.tb, 0x81, DMA_BUF >> 16);
    CMD(&r, 0x46, 0x00, 0, 0, 1, 2, 18, 0x1b, 0xff);
    wait_io(&r);
    CHECK_EQ(r.tb.irq[6].level, 0);
    CHECK_EQ(inb(&r.tb, MSR) & 0xd0, 0x10);
    outb(&r.tb, 0x0a, 0x02);
    CHECK_EQ(r.tb.irq[6].level, 1);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x00);
    CHECK(sector_is(r.ram + DMA_BUF, 0));
    rig_cleanup(&r);
}

static void test_write_dma(void)
{
    Rig r;
    uint8_t res[16], back[1024];
    rig_init(&r);
    for (int i = 0; i < 1024; i++) {
        r.ram[DMA_BUF + i] = i ^ 0x6c;
    }
    dma_setup(&r, DMA_BUF, 1024, 0x4a);
    CMD(&r, 0xc5, 0x00, 7, 0, 3, 2, 18, 0x1b, 0xff);
    wait_io(&r);
    CHECK_EQ(r.tb.irq[6].level, 1);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x00);
    CHECK_EQ(res[5], 5);
    CHECK_EQ(blk_pread(r.blk, lba_of(7, 0, 3) * 512, back, 1024), 0);
    CHECK(!memcmp(back, r.ram + DMA_BUF, 1024));
    /* The neighbours are untouched. */
    CHECK_EQ(blk_pread(r.blk, lba_of(7, 0, 5) * 512, back, 512), 0);
    CHECK(sector_is(back, lba_of(7, 0, 5)));
    rig_cleanup(&r);

    /* Write-protected medium: NW, nothing written. */
    rig_init_size(&r, IMG_144, true);
    dma_setup(&r, DMA_BUF, 512, 0x4a);
    CMD(&r, 0xc5, 0x00, 0, 0, 1, 2, 18, 0x1b, 0xff);
    wait_io(&r);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x40);
    CHECK_EQ(res[1], 0x02);
    CMD(&r, 0x04, 0x00);
    results(&r, res);
    CHECK_EQ(res[0] & 0x40, 0x40);
    rig_cleanup(&r);
}

static void test_pio(void)
{
    Rig r;
    uint8_t res[16], back[512];
    rig_init(&r);
    CMD(&r, 0x03, 0xaf, 0x03); /* SPECIFY, non-DMA */
    CMD(&r, 0xe6, 0x04, 2, 1, 18, 2, 18, 0x1b, 0xff);
    wait_io(&r);
    unsigned raises = r.tb.irq[6].raises;
    bool ok = true;
    for (int i = 0; i < 512; i++) {
        uint8_t msr = inb(&r.tb, MSR);
        if (msr != 0xf0 || !r.tb.irq[6].level) {
            test_fail(__FILE__, __LINE__, "byte %d: MSR 0x%02x irq %d", i, msr,
                      r.tb.irq[6].level);
            break;
        }
        ok &= inb(&r.tb, FIFO) == pattern(lba_of(2, 1, 18), i);
    }
    CHECK(ok);
    /* An interrupt for every byte. */
    CHECK(r.tb.irq[6].raises - raises >= 511);
    /* No terminal count in PIO mode: end of track. */
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x44);
    CHECK_EQ(res[1], 0x80);

    /* PIO write of one sector. */
    CMD(&r, 0x45, 0x00, 4, 0, 18, 2, 18, 0x1b, 0xff);
    for (int i = 0; i < 512; i++) {
        CHECK_EQ(inb(&r.tb, MSR), 0xb0);
        outb(&r.tb, FIFO, 255 - (i & 0xff));
    }
    wait_io(&r);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x40);
    CHECK_EQ(res[1], 0x80);
    CHECK_EQ(blk_pread(r.blk, lba_of(4, 0, 18) * 512, back, 512), 0);
    CHECK_EQ(back[0], 255);
    CHECK_EQ(back[257], 254);
    rig_cleanup(&r);
}

static void test_read_track_and_id(void)
{
    Rig r;
    uint8_t res[16], st0, pcn;
    rig_init(&r);
    /* READ TRACK starts at the first sector whatever R says. */
    dma_setup(&r, DMA_BUF, 1536, 0x46);
    CMD(&r, 0x42, 0x04, 9, 1, 7, 2, 3, 0x1b, 0xff);
    wait_io(&r);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0] & 0xc0, 0x00);
    CHECK(sector_is(r.ram + DMA_BUF, lba_of(9, 1, 1)));
    CHECK(sector_is(r.ram + DMA_BUF + 1024, lba_of(9, 1, 3)));

    /* READ ID: the cylinder under the head, the next IDs in turn. */
    CMD(&r, 0x0f, 0x00, 33);
    sense_interrupt(&r, &st0, &pcn);
    CMD(&r, 0x4a, 0x00);
    CHECK_EQ(r.tb.irq[6].level, 1);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x00);
    CHECK_EQ(res[3], 33);
    CHECK_EQ(res[6], 2);
    uint8_t first = res[5];
    CMD(&r, 0x4a, 0x00);
    results(&r, res);
    CHECK_EQ(res[5], first % 18 + 1);
    /* At 250 kb/s a 1.44M disk has no readable ID. */
    outb(&r.tb, CCR, 2);
    CMD(&r, 0x4a, 0x00);
    results(&r, res);
    CHECK_EQ(res[0], 0x40);
    CHECK_EQ(res[1], 0x01);
    rig_cleanup(&r);
}

static void test_format(void)
{
    Rig r;
    uint8_t res[16], st0, pcn, back[512];
    rig_init(&r);
    CMD(&r, 0x0f, 0x04, 3);
    sense_interrupt(&r, &st0, &pcn);
    for (int s = 0; s < 18; s++) {
        uint8_t *id = r.ram + DMA_BUF + s * 4;
        id[0] = 3;
        id[1] = 1;
        id[2] = s + 1;
        id[3] = 2;
    }
    dma_setup(&r, DMA_BUF, 72, 0x4a);
    CMD(&r, 0x4d, 0x04, 2, 18, 0x6c, 0xf6);
    wait_io(&r);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x04);
    for (int s = 1; s <= 18; s++) {
        CHECK_EQ(blk_pread(r.blk, lba_of(3, 1, s) * 512, back, 512), 0);
        CHECK(back[0] == 0xf6 && back[511] == 0xf6);
    }
    CHECK_EQ(blk_pread(r.blk, lba_of(3, 0, 18) * 512, back, 512), 0);
    CHECK(sector_is(back, lba_of(3, 0, 18)));
    CHECK_EQ(blk_pread(r.blk, lba_of(4, 0, 1) * 512, back, 512), 0);
    CHECK(sector_is(back, lba_of(4, 0, 1)));

    /* The same by PIO, two sectors of head 0, fill 0x00. */
    CMD(&r, 0x03, 0xaf, 0x03);
    CMD(&r, 0x4d, 0x00, 2, 2, 0x6c, 0x00);
    for (int s = 0; s < 2; s++) {
        const uint8_t id[4] = {3, 0, s + 1, 2};
        for (int i = 0; i < 4; i++) {
            CHECK_EQ(inb(&r.tb, MSR), 0xb0);
            outb(&r.tb, FIFO, id[i]);
        }
        wait_io(&r);
    }
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x00);
    CHECK_EQ(blk_pread(r.blk, lba_of(3, 0, 2) * 512, back, 512), 0);
    CHECK(back[0] == 0 && back[300] == 0);
    CHECK_EQ(blk_pread(r.blk, lba_of(3, 0, 3) * 512, back, 512), 0);
    CHECK(sector_is(back, lba_of(3, 0, 3)));
    rig_cleanup(&r);
}

static void test_errors(void)
{
    Rig r;
    uint8_t res[16];
    rig_init(&r);
    /* Sector 19 of an 18-sector track: not found. */
    dma_setup(&r, DMA_BUF, 512, 0x46);
    CMD(&r, 0xe6, 0x00, 0, 0, 19, 2, 19, 0x1b, 0xff);
    wait_io(&r);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x40);
    CHECK_EQ(res[1], 0x04);
    /* R past EOT: the chip only stops at R == EOT, so it reads on (here
     * until terminal count). */
    dma_setup(&r, DMA_BUF, 1536, 0x46);
    CMD(&r, 0x46, 0x00, 0, 0, 5, 2, 3, 0x1b, 0xff);
    wait_io(&r);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x00);
    CHECK_EQ(res[5], 8);
    CHECK(sector_is(r.ram + DMA_BUF + 1024, lba_of(0, 0, 7)));
    /* Head 1 with H=0 in the command: the IDs do not match. */
    CMD(&r, 0xe6, 0x04, 0, 0, 1, 2, 18, 0x1b, 0xff);
    wait_io(&r);
    results(&r, res);
    CHECK_EQ(res[1], 0x04);
    /* Cylinder 80 of an 80-cylinder disk: no IDs at all. */
    CMD(&r, 0xe6, 0x00, 80, 0, 1, 2, 18, 0x1b, 0xff);
    wait_io(&r);
    results(&r, res);
    CHECK_EQ(res[1], 0x01);
    /* FM mode (MFM bit clear): nothing readable. */
    CMD(&r, 0x06, 0x00, 0, 0, 1, 2, 18, 0x1b, 0xff);
    wait_io(&r);
    results(&r, res);
    CHECK_EQ(res[0], 0x40);
    CHECK_EQ(res[1], 0x01);
    /* Drive 1 is absent. */
    CMD(&r, 0xe6, 0x01, 0, 0, 1, 2, 18, 0x1b, 0xff);
    results(&r, res);
    CHECK_EQ(res[0], 0x41);
    CHECK_EQ(res[1], 0x01);
    rig_cleanup(&r);

    /* An empty drive. */
    rig_init_size(&r, 0, false);
    CMD(&r, 0xe6, 0x00, 0, 0, 1, 2, 18, 0x1b, 0xff);
    CHECK_EQ(r.tb.irq[6].level, 1);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x40);
    CHECK_EQ(res[1], 0x01);
    CHECK_EQ(fdc_drive_cmos_type(fdc_from_device(r.fdc), 0), 4);
    CHECK_EQ(fdc_drive_cmos_type(fdc_from_device(r.fdc), 1), 0);
    rig_cleanup(&r);
}

static void test_verify(void)
{
    Rig r;
    uint8_t res[16];
    rig_init(&r);
    /* No data moves: the DMA channel, programmed, stays untouched. */
    dma_setup(&r, DMA_BUF, 512, 0x46);
    memset(r.ram + DMA_BUF, 0x77, 512);
    inb(&r.tb, 0x08);
    /* EC=0: sectors 16-18, then the end of the track is a success. */
    CMD(&r, 0x56, 0x00, 4, 0, 16, 2, 18, 0x1b, 0xff);
    wait_io(&r);
    CHECK_EQ(r.tb.irq[6].level, 1);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x00);
    CHECK_EQ(res[1], 0x00);
    CHECK_EQ(res[3], 5);
    CHECK_EQ(res[5], 1);
    /* EC=1, SC=2: two sectors from R=3, multi-track not needed. */
    CMD(&r, 0x56, 0x80, 4, 0, 3, 2, 18, 0x1b, 2);
    wait_io(&r);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x00);
    CHECK_EQ(res[3], 4);
    CHECK_EQ(res[5], 5);
    /* EC=1 with more sectors than the track: EN. */
    CMD(&r, 0x56, 0x80, 4, 0, 17, 2, 18, 0x1b, 5);
    wait_io(&r);
    results(&r, res);
    CHECK_EQ(res[0], 0x40);
    CHECK_EQ(res[1], 0x80);
    /* A sector that is not there. */
    CMD(&r, 0x56, 0x00, 4, 0, 19, 2, 19, 0x1b, 0xff);
    wait_io(&r);
    results(&r, res);
    CHECK_EQ(res[1], 0x04);
    CHECK_EQ(r.ram[DMA_BUF], 0x77);
    CHECK_EQ(isa_dma_residue(&r.tb.isa, 2), 512);
    CHECK_EQ(inb(&r.tb, 0x08) & 0x04, 0);
    rig_cleanup(&r);
}

static void test_reset_mid_transfer(void)
{
    Rig r;
    uint8_t res[16], st0, pcn;
    rig_init(&r);
    /* A read in flight when the guest resets the controller: the late
     * completion must not end the next command or touch its buffer. */
    dma_setup(&r, DMA_BUF, 512, 0x46);
    memset(r.ram + DMA_BUF, 0, 512);
    CMD(&r, 0x46, 0x00, 0, 0, 5, 2, 18, 0x1b, 0xff);
    outb(&r.tb, DOR, 0x18);
    outb(&r.tb, DOR, 0x1c);
    wait_io(&r);
    CHECK_EQ(r.ram[DMA_BUF + 2], 0); /* nothing reached memory */
    sense_interrupt(&r, &st0, &pcn);
    CHECK_EQ(st0, 0xc0);
    CHECK_EQ(inb(&r.tb, MSR), 0x80);
    /* The PIO write that follows gets its own data onto the disk. */
    CMD(&r, 0x03, 0xaf, 0x03);
    CMD(&r, 0x45, 0x00, 0, 0, 5, 2, 5, 0x1b, 0xff);
    for (int i = 0; i < 512; i++) {
        outb(&r.tb, FIFO, 0x3c);
    }
    wait_io(&r);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[1], 0x80);
    uint8_t back[512];
    CHECK_EQ(blk_pread(r.blk, lba_of(0, 0, 5) * 512, back, 512), 0);
    CHECK(back[0] == 0x3c && back[511] == 0x3c);

    /* The DMA gate (DOR bit 3) holds DRQ back, not the interrupt. */
    CMD(&r, 0x03, 0xaf, 0x02);
    outb(&r.tb, DOR, 0x14);
    dma_setup(&r, DMA_BUF, 512, 0x46);
    CMD(&r, 0x46, 0x00, 0, 0, 7, 2, 18, 0x1b, 0xff);
    wait_io(&r);
    CHECK_EQ(inb(&r.tb, MSR) & 0xd0, 0x10);
    outb(&r.tb, DOR, 0x1c);
    CHECK_EQ(r.tb.irq[6].level, 1);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x00);
    CHECK(sector_is(r.ram + DMA_BUF, lba_of(0, 0, 7)));
    rig_cleanup(&r);
}

static void test_configure_lock(void)
{
    Rig r;
    uint8_t res[16];
    rig_init(&r);
    CMD(&r, 0x13, 0x00, 0x57, 0x10);
    CMD(&r, 0x12, 0x83 | (0x5 << 2));
    CMD(&r, 0x0e);
    CHECK_EQ(results(&r, res), 10);
    CHECK_EQ(res[7], 0x17);
    CHECK_EQ(res[8], 0x57);
    CHECK_EQ(res[9], 0x10);
    /* Unlocked: a software reset restores the defaults. */
    outb(&r.tb, DSR, 0x80);
    CMD(&r, 0x0e);
    results(&r, res);
    CHECK_EQ(res[8], 0x20);
    CHECK_EQ(res[9], 0x00);
    /* Locked: they stay. */
    CMD(&r, 0x13, 0x00, 0x57, 0x10);
    CMD(&r, 0x94);
    CHECK_EQ(results(&r, res), 1);
    CHECK_EQ(res[0], 0x10);
    outb(&r.tb, DOR, 0x18);
    outb(&r.tb, DOR, 0x1c);
    CMD(&r, 0x0e);
    results(&r, res);
    CHECK_EQ(res[7] & 0x80, 0x80);
    CHECK_EQ(res[8], 0x57);
    CMD(&r, 0x14);
    results(&r, res);
    CHECK_EQ(res[0], 0x00);
    /* A hardware reset clears LOCK too. */
    device_reset(r.fdc);
    outb(&r.tb, DOR, 0x1c);
    CMD(&r, 0x0e);
    results(&r, res);
    CHECK_EQ(res[8], 0x20);
    rig_cleanup(&r);
}

static void test_disk_change(void)
{
    Rig r;
    uint8_t st0, pcn;
    rig_init(&r);
    /* Active from power-on until a step with a disk in. */
    CHECK_EQ(inb(&r.tb, DIR) & 0x80, 0x80);
    CMD(&r, 0x07, 0x00); /* already on track 0: no step */
    sense_interrupt(&r, &st0, &pcn);
    CHECK_EQ(inb(&r.tb, DIR) & 0x80, 0x80);
    CMD(&r, 0x0f, 0x00, 1);
    sense_interrupt(&r, &st0, &pcn);
    CHECK_EQ(inb(&r.tb, DIR) & 0x80, 0x00);
    /* The monitor's change: the line comes back. */
    void *opaque;
    const BlockDevOps *ops = blk_get_dev_ops(r.blk, &opaque);
    CHECK(ops && ops->change_media_cb);
    if (ops && ops->change_media_cb) {
        ops->change_media_cb(opaque, true);
    }
    CHECK_EQ(inb(&r.tb, DIR) & 0x80, 0x80);
    /* Drive 1 selected (none there): no change line. */
    outb(&r.tb, DOR, 0x2d);
    CHECK_EQ(inb(&r.tb, DIR), 0x00);
    rig_cleanup(&r);
}

static void test_formats(void)
{
    static const struct {
        uint64_t size;
        const char *name;
        int cmos;
    } f[] = {
        {163840, "160K", 1},   {184320, "180K", 1},   {327680, "320K", 1},
        {368640, "360K", 1},   {737280, "720K", 3},   {1228800, "1.2M", 2},
        {1474560, "1.44M", 4}, {1720320, "1.68M", 4}, {1763328, "1.72M", 4},
        {2949120, "2.88M", 5},
    };
    for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
        const FloppyFormat *ff = floppy_format_for_size(f[i].size);
        CHECK(ff != NULL);
        if (ff) {
            CHECK_STR(ff->name, f[i].name);
            CHECK_EQ(ff->cmos_type, f[i].cmos);
        }
    }
    CHECK(floppy_format_for_size(1474560 + 512) == NULL);
    CHECK(floppy_format_for_size(0) == NULL);

    /* A 720K disk: CMOS type 3, read at 250 kb/s, 9 sectors. */
    Rig r;
    uint8_t res[16];
    rig_init_size(&r, 737280, false);
    CHECK_EQ(fdc_drive_cmos_type(fdc_from_device(r.fdc), 0), 3);
    outb(&r.tb, CCR, 2);
    dma_setup(&r, DMA_BUF, 512, 0x46);
    CMD(&r, 0xe6, 0x04, 79, 1, 9, 2, 9, 0x1b, 0xff);
    wait_io(&r);
    CHECK_EQ(results(&r, res), 7);
    CHECK_EQ(res[0], 0x04);
    CHECK(sector_is(r.ram + DMA_BUF, (79 * 2 + 1) * 9 + 8));
    rig_cleanup(&r);

    /* A size that is no floppy's is refused, naming the drive. */
    Error *err = NULL;
    memset(&r, 0, sizeof(r));
    test_bus_init(&r.tb);
    r.dma8 = test_device(&r.tb, "i8257", NULL);
    r.dma16 =
        test_device(&r.tb, "i8257", "iobase=0xc0,page-base=0x88,dshift=1");
    r.fdc = test_device(&r.tb, "isa-fdc", NULL);
    r.path = make_image(1000 * 512);
    r.blk = blkt_open_raw("odd", r.path, false);
    CHECK(add_drive(&r, "drive=odd", &err) == NULL);
    CHECK(err && strstr(error_get_pretty(err), "'odd'") &&
          strstr(error_get_pretty(err), "512000 bytes"));
    error_free(err);
    err = NULL;
    /* Two drives on one unit. */
    DeviceState *a = add_drive(&r, "unit=1", &err);
    CHECK(a != NULL);
    CHECK(add_drive(&r, "unit=1", &err) == NULL);
    CHECK(err && strstr(error_get_pretty(err), "already used"));
    error_free(err);
    err = NULL;
    CHECK(add_drive(&r, "unit=2", &err) == NULL);
    error_free(err);
    device_unrealize(a);
    device_free(a);
    rig_cleanup(&r);
}

/* Copy dev's state into fresh (vmstate_save, vmstate_load + post_load). */
static void copy_state(DeviceState *dev, DeviceState *fresh)
{
    const VMStateDescription *vmsd = dev->cls->vmsd;
    size_t n = vmstate_save(vmsd, dev, NULL, 0);
    uint8_t *buf = g_malloc(n);
    CHECK_EQ(vmstate_save(vmsd, dev, buf, n), n);
    CHECK_EQ(vmstate_load(vmsd, fresh, buf, n), 0);
    g_free(buf);
}

/* Save in the middle of a two-sector PIO read, load into a fresh
 * controller and drive: the rest of the data and the result phase come
 * out of the copy exactly as out of the original. */
static void test_state_mid_read(void)
{
    Rig a, b;
    uint8_t da[1024], db[1024], ra[16], rb[16];

    rig_init(&b);
    rig_init(&a);
    CMD(&a, 0x03, 0xaf, 0x03); /* SPECIFY, non-DMA */
    CMD(&a, 0x46, 0x04, 2, 1, 17, 2, 18, 0x1b, 0xff);
    wait_io(&a);
    for (int i = 0; i < 200; i++) {
        da[i] = db[i] = inb(&a.tb, FIFO);
    }
    copy_state(a.fdc, b.fdc);
    copy_state(a.fd0, b.fd0);
    CHECK_EQ(inb(&b.tb, MSR), inb(&a.tb, MSR));
    CHECK_EQ(inb(&b.tb, DIR), inb(&a.tb, DIR));
    CHECK_EQ(b.tb.irq[6].level, a.tb.irq[6].level);
    for (int i = 200; i < 1024; i++) {
        if (i == 512) {
            wait_io(&a);
            wait_io(&b);
        }
        uint8_t ma = inb(&a.tb, MSR), mb = inb(&b.tb, MSR);
        if (ma != 0xf0 || mb != ma) {
            test_fail(__FILE__, __LINE__, "byte %d: MSR 0x%02x / 0x%02x", i,
                      ma, mb);
            break;
        }
        da[i] = inb(&a.tb, FIFO);
        db[i] = inb(&b.tb, FIFO);
    }
    CHECK(sector_is(da, lba_of(2, 1, 17)) && sector_is(da + 512, lba_of(2, 1, 18)));
    CHECK(sector_is(db, lba_of(2, 1, 17)) && sector_is(db + 512, lba_of(2, 1, 18)));
    int na = results(&a, ra);
    CHECK_EQ(na, 7);
    CHECK_EQ(results(&b, rb), na);
    CHECK(!memcmp(ra, rb, na));
    CHECK_EQ(rb[3], 3); /* ended at the end of the track: C+1, R 1 */
    CHECK_EQ(rb[5], 1);
    rig_cleanup(&a);
    rig_cleanup(&b);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_reset_sense_version);
    TEST_RUN(test_seek_recalibrate);
    TEST_RUN(test_read_dma);
    TEST_RUN(test_write_dma);
    TEST_RUN(test_pio);
    TEST_RUN(test_read_track_and_id);
    TEST_RUN(test_format);
    TEST_RUN(test_errors);
    TEST_RUN(test_verify);
    TEST_RUN(test_reset_mid_transfer);
    TEST_RUN(test_configure_lock);
    TEST_RUN(test_disk_change);
    TEST_RUN(test_formats);
    TEST_RUN(test_state_mid_read);
    return test_finish();
}
