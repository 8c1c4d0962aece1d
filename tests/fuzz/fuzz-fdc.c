/*
 * Fuzz target: the floppy controller (0x3F0-0x3F7) with a 360K image on
 * drive 0 and an empty drive 1, behind the ISA DMA controllers (their
 * ports and the first 128 KiB of RAM are windows too, so the input can
 * program transfers and lay out FORMAT IDs).  Events finish the image
 * I/O in flight (the main loop's part) or signal a media change.  The
 * image is rewritten at every setup, so an input replays alike.
 * Invariants: the MSR never says "to the host" without "ready", the DIR
 * drives bit 7 only, and DMA never reaches RAM outside the page the
 * guest programmed for channel 2.
 */
#include "tests/fuzz/fuzz.h"
#include "block/block-int.h"
#include "hw/block/fdc.h"

#include <glib.h>
#include <unistd.h>

#define IMG_SIZE 368640
#define RAM_WIN  0x20000

typedef struct FdcFuzz {
    DeviceState *dma8, *dma16, *fdc, *fd0, *fd1;
} FdcFuzz;

static FdcFuzz fdc_fuzz;
static BlockBackend *fuzz_blk;
static char *fuzz_path;
static uint8_t *fuzz_image;

static void fdc_fuzz_unlink(void)
{
    if (fuzz_path) {
        unlink(fuzz_path);
    }
}

/* The image and its backend live for the whole run; the content is put
 * back at every setup. */
static BlockBackend *fdc_fuzz_blk(void)
{
    if (!fuzz_blk) {
        Error *err = NULL;
        fuzz_path = g_strdup_printf("%s/emu-fuzz-fdc-XXXXXX", g_get_tmp_dir());
        int fd = g_mkstemp(fuzz_path);
        if (fd < 0 || ftruncate(fd, IMG_SIZE) < 0) {
            fprintf(stderr, "fuzz-fdc: cannot create %s\n", fuzz_path);
            exit(1);
        }
        close(fd);
        atexit(fdc_fuzz_unlink);
        BlockOpenOptions o = {.filename = fuzz_path, .format = "raw"};
        BlockDriverState *bs = fuzz_must(bdrv_open(&o, &err), err, "image");
        fuzz_blk = blk_new("fz0", bs, BLOCK_CACHE_UNSAFE);
        bdrv_unref(bs);
        fuzz_image = malloc(IMG_SIZE);
        for (unsigned i = 0; i < IMG_SIZE; i++) {
            fuzz_image[i] = (i >> 9) * 7 + i;
        }
    }
    blk_pwrite(fuzz_blk, 0, fuzz_image, IMG_SIZE);
    return fuzz_blk;
}

static DeviceState *fdc_fuzz_drive(FdcFuzz *f, const char *props)
{
    Error *err = NULL;
    DeviceState *dev = device_new("floppy");
    if (device_set_props(dev, props, &err) < 0 ||
        device_realize(dev, fdc_get_bus(fdc_from_device(f->fdc)), &err) < 0) {
        fuzz_must(NULL, err, "floppy");
    }
    device_reset(dev);
    return dev;
}

static void fdc_fuzz_setup(FuzzRig *r)
{
    FdcFuzz *f = &fdc_fuzz;

    fdc_fuzz_blk();
    f->dma8 = test_device(&r->tb, "i8257", NULL);
    f->dma16 =
        test_device(&r->tb, "i8257", "iobase=0xc0,page-base=0x88,dshift=1");
    f->fdc = test_device(&r->tb, "isa-fdc", NULL);
    if (!f->dma8 || !f->dma16 || !f->fdc) {
        fuzz_must(NULL, NULL, "isa-fdc");
    }
    f->fd0 = fdc_fuzz_drive(f, "drive=fz0,unit=0");
    f->fd1 = fdc_fuzz_drive(f, "unit=1");
    r->s = f;
    fuzz_add_window(r, FUZZ_IO, 0x3f0, 8);
    fuzz_add_window(r, FUZZ_IO, 0x00, 16);
    fuzz_add_window(r, FUZZ_IO, 0x80, 16);
    fuzz_add_window(r, FUZZ_IO, 0xc0, 32);
    fuzz_add_window(r, FUZZ_MEM, 0, RAM_WIN);
}

static void fdc_fuzz_teardown(FuzzRig *r)
{
    FdcFuzz *f = r->s;
    DeviceState *devs[] = {f->fd0, f->fd1, f->fdc, f->dma8, f->dma16};
    for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
        device_unrealize(devs[i]);
        device_free(devs[i]);
    }
}

static void fdc_fuzz_event(FuzzRig *r, const FuzzOp *op)
{
    if (op->value % 4 == 3) {
        void *opaque;
        const BlockDevOps *ops = blk_get_dev_ops(fuzz_blk, &opaque);
        if (ops && ops->change_media_cb) {
            ops->change_media_cb(opaque, true);
        }
        return;
    }
    /* The main loop's turn: image requests complete. */
    uint8_t page = inb(&r->tb, 0x81);
    uint8_t *before = r->priv;
    if (!before) {
        before = r->priv = malloc(MiB);
    }
    memcpy(before, r->tb.ram.ram, MiB);
    blk_drain(fuzz_blk);
    /* Channel 2 writes only inside its 64 KiB page. */
    for (uint32_t a = 0; a < MiB; a += 4096) {
        if ((a >> 16) != page && memcmp(before + a, r->tb.ram.ram + a, 4096)) {
            fuzz_fail(r, "DMA wrote 0x%x outside page 0x%02x", a, page);
        }
    }
}

static void fdc_fuzz_check_read(FuzzRig *r, const FuzzOp *op, uint32_t val)
{
    if (op->space != FUZZ_IO || op->size != 1) {
        return;
    }
    if (op->addr == 0x3f4 && (val & 0x40)) {
        FUZZ_ASSERT(r, val & 0x80);
    }
    if (op->addr == 0x3f7) {
        FUZZ_ASSERT(r, (val & 0x7f) == 0);
    }
}

static void fdc_fuzz_teardown_all(FuzzRig *r)
{
    fdc_fuzz_teardown(r);
    free(r->priv);
    r->priv = NULL;
}

const FuzzTarget fuzz_target = {
    .name = "fdc",
    .covers = "hw/block/fdc.c hw/block/floppy.c",
    .setup = fdc_fuzz_setup,
    .teardown = fdc_fuzz_teardown_all,
    .event = fdc_fuzz_event,
    .check_read = fdc_fuzz_check_read,
};
