/*
 * Fuzz target: the PIIX3 IDE function (00:01.1) with an ATA disk on ide.0
 * master, an ATAPI CD-ROM on ide.1 master and an empty CD drive on ide.1
 * slave: both legacy channels (1F0h-1F7h/3F6h, 170h-177h/376h), the
 * bus-master registers in BAR4 (at C000h) and configuration cycles.
 *
 * Events: let the block requests in flight complete (their callbacks run
 * as the main loop would run them), write a PRD descriptor somewhere in
 * RAM (also at its very end, pointing anywhere), change or eject the CD
 * as the monitor does, or a configuration cycle.
 *
 * Invariants: once every request has completed, no drive is left busy
 * (BSY without a request in flight is a hang for the guest), except
 * while the guest holds SRST; the identity registers stay.  (The check
 * reads the channel state through hw/ide/ide-internal.h.)
 */
#include <glib.h>
#include <unistd.h>
#include "tests/fuzz/fuzz-pc.h"
#include "block/block-int.h"
#include "emu/main-loop.h"
#include "hw/ide/ide-internal.h"

#define IDE_FZ_DEVFN PCI_DEVFN(1, 1)
#define IDE_FZ_BM    0xc000
#define IDE_FZ_SIZE  (1 * MiB)

typedef struct IDEFuzz {
    PIIX3IDEState *ide;
    BlockBackend *blk[3];
    DeviceState *dev[3];
    BlockDriverState *cd_bs; /* kept while ejected */
} IDEFuzz;

static IDEFuzz idefz;
static char *img_path[2];

static void ide_fz_unlink(void)
{
    for (int i = 0; i < 2; i++) {
        if (img_path[i]) {
            unlink(img_path[i]);
        }
    }
}

/* Sparse images, made once per process and removed at exit. */
static const char *ide_fz_image(int n)
{
    if (!img_path[n]) {
        img_path[n] =
            g_strdup_printf("%s/emu-fuzz-ide-XXXXXX", g_get_tmp_dir());
        int fd = g_mkstemp(img_path[n]);
        if (fd < 0 || ftruncate(fd, IDE_FZ_SIZE) != 0) {
            fuzz_must(NULL, NULL, "temporary image");
        }
        close(fd);
        if (n == 0) {
            atexit(ide_fz_unlink);
        }
    }
    return img_path[n];
}

static BlockBackend *ide_fz_open(const char *name, int n)
{
    Error *err = NULL;
    BlockOpenOptions o = {
        .filename = ide_fz_image(n), .format = "raw", .no_lock = true};
    BlockDriverState *bs = fuzz_must(bdrv_open(&o, &err), err, "image");
    BlockBackend *blk = blk_new(name, bs, BLOCK_CACHE_UNSAFE);
    bdrv_unref(bs);
    return blk;
}

static void ide_fz_setup(FuzzRig *r)
{
    IDEFuzz *s = &idefz;
    Error *err = NULL;

    memset(s, 0, sizeof(*s));
    pcfz_init(r);
    s->ide = fuzz_must(piix3_ide_init(pcfz.bus, IDE_FZ_DEVFN, &r->tb.isa, &err),
                       err, "piix3-ide");
    piix3_ide_firmware_setup(s->ide, IDE_FZ_BM);
    s->blk[0] = ide_fz_open("fz-hd", 0);
    s->blk[1] = ide_fz_open("fz-cd", 1);
    s->blk[2] = blk_new("fz-cd2", NULL, BLOCK_CACHE_UNSAFE);
    for (int i = 0; i < 3; i++) {
        s->dev[i] = fuzz_must(ide_create_drive(piix3_ide_bus(s->ide, i > 0),
                                               i == 2, s->blk[i], i > 0, &err),
                              err, "drive");
    }
    pcfz.extra = s;
    r->s = &pcfz;
    fuzz_add_window(r, FUZZ_IO, 0x1f0, 8);
    fuzz_add_window(r, FUZZ_IO, 0x3f6, 1);
    fuzz_add_window(r, FUZZ_IO, 0x170, 8);
    fuzz_add_window(r, FUZZ_IO, 0x376, 1);
    fuzz_add_window(r, FUZZ_IO, IDE_FZ_BM, 16);
    fuzz_add_window(r, FUZZ_IO, 0xcf8, 8);
}

static void ide_fz_drain(IDEFuzz *s)
{
    for (int i = 0; i < 3; i++) {
        blk_drain(s->blk[i]);
    }
    bh_poll();
}

static void ide_fz_teardown(FuzzRig *r)
{
    IDEFuzz *s = &idefz;

    ide_fz_drain(s);
    piix3_ide_free(s->ide); /* and the drives on its buses */
    for (int i = 0; i < 3; i++) {
        blk_unref(s->blk[i]);
    }
    if (s->cd_bs) {
        bdrv_unref(s->cd_bs);
    }
    pcfz_teardown(r);
}

static void ide_fz_media(IDEFuzz *s, bool load)
{
    void *opaque;
    const BlockDevOps *ops = blk_get_dev_ops(s->blk[1], &opaque);

    if (load && s->cd_bs) {
        blk_set_bs(s->blk[1], s->cd_bs);
        bdrv_unref(s->cd_bs);
        s->cd_bs = NULL;
    } else if (!load && !s->cd_bs && blk_bs(s->blk[1])) {
        s->cd_bs = blk_bs(s->blk[1]);
        bdrv_ref(s->cd_bs);
        blk_set_bs(s->blk[1], NULL);
    }
    if (ops && ops->change_media_cb) {
        ops->change_media_cb(opaque, load);
    }
}

static void ide_fz_event(FuzzRig *r, const FuzzOp *op)
{
    IDEFuzz *s = &idefz;
    uint8_t *ram = r->tb.ram.ram;
    uint64_t ram_size = r->tb.ram.size;

    switch (op->offset & 3) {
    case 0:
        ide_fz_drain(s);
        break;
    case 1: {
        /* A descriptor: in the first tables or at the end of RAM. */
        uint32_t at = (op->offset & 4)
                          ? ram_size - 8
                          : ((op->offset >> 3) & 0x3f) * 8 + 0x1000;
        uint32_t addr =
            (op->offset & 8) ? op->value : (op->value % ram_size) & ~1u;
        stl_le_p(ram + at, addr);
        stl_le_p(ram + at + 4,
                 (op->offset >> 16) | ((op->offset & 0x10) ? 0x80000000u : 0));
        break;
    }
    case 2:
        ide_fz_media(s, op->offset & 4);
        break;
    default:
        pcfz_event(r, op);
        break;
    }
}

static void ide_fz_check(FuzzRig *r, const FuzzOp *op)
{
    pcfz_check_ids(r);
    FUZZ_ASSERT(r,
                pci_host_config_read(pcfz.bus, 0x80000000u | IDE_FZ_DEVFN << 8,
                                     4) == 0x70108086u);
    if (op->op < 0xc0 || op->op >= 0xe0 || (op->offset & 3) != 0) {
        return;
    }
    /* After a drain nothing is in flight: a drive still busy would hang
     * the guest's driver (unless the guest holds SRST). */
    for (int i = 0; i < 2; i++) {
        IDEBus *bus = piix3_ide_bus(idefz.ide, i);
        for (int u = 0; u < 2; u++) {
            IDEState *d = &bus->ifs[u];
            FUZZ_ASSERT(r, !d->aio_busy);
            if (d->kind != IDE_ABSENT && !(bus->devctl & CTL_SRST) &&
                (d->status & ST_BSY)) {
                fuzz_fail(r,
                          "ide.%d unit %d busy (status %02x, command "
                          "%02x) with nothing in flight",
                          i, u, d->status, d->cmd);
            }
        }
    }
}

const FuzzTarget fuzz_target = {
    .name = "ide",
    /* One line: the coverage check greps for it (tests/fuzz/smoke.sh). */
    // clang-format off
    .covers = "hw/ide/piix.c hw/ide/ide-dev.c hw/ide/core.c hw/ide/ata.c hw/ide/atapi.c",
    // clang-format on
    .setup = ide_fz_setup,
    .teardown = ide_fz_teardown,
    .event = ide_fz_event,
    .check = ide_fz_check,
};
