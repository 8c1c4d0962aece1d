/*
 * The ATA command set of a hard disk: addressing (LBA28, LBA48, CHS with
 * the current geometry), the PIO data-in and data-out protocols over
 * asynchronous block requests, IDENTIFY DEVICE, SET FEATURES, FLUSH CACHE
 * and the other non-data commands.
 *
 * Specification: ATA/ATAPI-6 (T13/1410D): the command descriptions
 * (IDENTIFY DEVICE among them) and the PIO protocols.  The task file, the
 * DMA path and the command dispatch are in core.c.
 */
#include "emu/common.h"
#include "hw/ide/ide-internal.h"

/* ---- Addressing --------------------------------------------------------- */

static uint64_t ide_get_sector(IDEState *s)
{
    if (s->select & SEL_LBA) {
        if (s->lba48) {
            return ((uint64_t)s->hob_hcyl << 40) |
                   ((uint64_t)s->hob_lcyl << 32) |
                   ((uint64_t)s->hob_sector << 24) | (s->hcyl << 16) |
                   (s->lcyl << 8) | s->sector;
        }
        return ((uint64_t)(s->select & 0x0f) << 24) | (s->hcyl << 16) |
               (s->lcyl << 8) | s->sector;
    }
    uint32_t cyl = (s->hcyl << 8) | s->lcyl;
    return ((uint64_t)cyl * s->cur_heads + (s->select & 0x0f)) * s->cur_secs +
           (s->sector - 1);
}

/* Is the CHS address in the task file inside the current geometry? */
static bool ide_chs_valid(IDEState *s)
{
    if (s->select & SEL_LBA) {
        return true;
    }
    return s->sector >= 1 && s->sector <= s->cur_secs &&
           (s->select & 0x0f) < s->cur_heads;
}

/* After a transfer (or at an error) the task file names the next (or
 * failing) sector, in the addressing mode the command used. */
void ide_set_sector(IDEState *s, uint64_t n)
{
    if (s->select & SEL_LBA) {
        s->sector = n;
        s->lcyl = n >> 8;
        s->hcyl = n >> 16;
        if (s->lba48) {
            s->hob_sector = n >> 24;
            s->hob_lcyl = n >> 32;
            s->hob_hcyl = n >> 40;
        } else {
            s->select = (s->select & 0xf0) | ((n >> 24) & 0x0f);
        }
        return;
    }
    uint32_t per_cyl = s->cur_heads * s->cur_secs;
    uint32_t cyl = n / per_cyl, r = n % per_cyl;
    s->hcyl = cyl >> 8;
    s->lcyl = cyl;
    s->select = (s->select & 0xf0) | ((r / s->cur_secs) & 0x0f);
    s->sector = r % s->cur_secs + 1;
}

static uint32_t ide_get_nsector(IDEState *s)
{
    if (s->lba48) {
        uint32_t n = (s->hob_nsector << 8) | s->nsector;
        return n ? n : 65536;
    }
    return s->nsector ? s->nsector : 256;
}

/*
 * Check the range of a read/write/verify command and load io_sector and
 * io_remaining; on failure the command ends with IDNF (ATA-6, the commands'
 * "Error outputs": the address is not in the device's range).
 */
static bool ide_load_range(IDEState *s)
{
    uint64_t lba = ide_get_sector(s);
    uint32_t n = ide_get_nsector(s);

    if (!ide_chs_valid(s) || lba > s->nb_sectors || n > s->nb_sectors - lba) {
        log_mask(LOG_GUEST_ERROR,
                 "ide: sector %" PRIu64 "+%u beyond the disk (%" PRIu64 ")\n",
                 lba, n, s->nb_sectors);
        ide_transfer_stop(s);
        s->status = ST_DRDY | ST_ERR;
        s->error = ER_IDNF;
        ide_set_irq(s->bus);
        return false;
    }
    s->io_sector = lba;
    s->io_remaining = n;
    return true;
}

/* A medium error: the task file names the sector, UNC for reads, ABRT for
 * a refused or failed write (ATA-6 has no write error bit). */
void ide_io_error(IDEState *s, int ret, bool is_read)
{
    ide_set_sector(s, s->io_sector);
    ide_transfer_stop(s);
    s->status = ST_DRDY | ST_ERR;
    s->error = is_read && ret != -ENOMEDIUM ? ER_UNC : ER_ABRT;
    s->dma_cmd = DMA_NONE;
    log_mask(LOG_GUEST_ERROR, "ide: %s error at sector %" PRIu64 ": %s\n",
             is_read ? "read" : "write", s->io_sector, strerror(-ret));
}

/* ---- PIO reads and writes ------------------------------------------------ */

static void ide_ata_read_cb(void *opaque, int ret)
{
    IDEState *s = opaque;

    s->aio_busy = false;
    if (ret < 0) {
        ide_io_error(s, ret, true);
        ide_set_irq(s->bus);
        return;
    }
    s->io_sector += s->io_block;
    s->io_remaining -= s->io_block;
    ide_set_sector(s, s->io_sector);
    s->status = ST_DRDY | ST_DSC;
    ide_transfer_start(s, s->io_block * IDE_SECTOR, ETF_ATA_READ);
    ide_set_irq(s->bus);
}

/* Fetch the next DRQ block (one sector, or the multiple count). */
void ide_ata_read_next(IDEState *s)
{
    struct iovec iov;

    if (!s->io_remaining) {
        ide_transfer_stop(s);
        s->status = ST_DRDY | ST_DSC;
        return;
    }
    uint32_t per_block = s->mult_sectors && (s->cmd == 0xc4 || s->cmd == 0x29)
                             ? s->mult_sectors
                             : 1;
    s->io_block = MIN(s->io_remaining, per_block);
    ide_transfer_stop(s);
    s->status = ST_DRDY | ST_BSY;
    s->aio_busy = true;
    iov.iov_base = s->io_buffer;
    iov.iov_len = s->io_block * IDE_SECTOR;
    blk_aio_preadv(s->blk, s->io_sector * IDE_SECTOR, &iov, 1, ide_ata_read_cb,
                   s);
}

static void ide_ata_write_prepare(IDEState *s)
{
    uint32_t per_block = s->mult_sectors && (s->cmd == 0xc5 || s->cmd == 0x39)
                             ? s->mult_sectors
                             : 1;
    s->io_block = MIN(s->io_remaining, per_block);
    s->status = ST_DRDY | ST_DSC;
    ide_transfer_start(s, s->io_block * IDE_SECTOR, ETF_ATA_WRITE);
}

static void ide_ata_write_cb(void *opaque, int ret)
{
    IDEState *s = opaque;

    s->aio_busy = false;
    if (ret < 0) {
        ide_io_error(s, ret, false);
        ide_set_irq(s->bus);
        return;
    }
    s->io_sector += s->io_block;
    s->io_remaining -= s->io_block;
    ide_set_sector(s, s->io_sector);
    if (s->io_remaining) {
        /* PIO data-out protocol: an interrupt before each further block. */
        ide_ata_write_prepare(s);
    } else {
        s->status = ST_DRDY | ST_DSC;
    }
    ide_set_irq(s->bus);
}

void ide_ata_write_block(IDEState *s)
{
    struct iovec iov;

    ide_transfer_stop(s);
    s->status = ST_DRDY | ST_BSY;
    s->aio_busy = true;
    iov.iov_base = s->io_buffer;
    iov.iov_len = s->io_block * IDE_SECTOR;
    blk_aio_pwritev(s->blk, s->io_sector * IDE_SECTOR, &iov, 1,
                    ide_ata_write_cb, s);
}

/* ---- IDENTIFY ------------------------------------------------------------ */

static void ide_identify(IDEState *s)
{
    uint8_t *p = s->identify;
    uint64_t lba28 = MIN(s->nb_sectors, 0x0fffffff);
    uint32_t cur_cap = (uint32_t)s->cyls * s->cur_heads * s->cur_secs;
    bool wce = blk_enable_write_cache(s->blk);

#define W(n, v) stw_le_p(p + 2 * (n), (v))
    memset(p, 0, 512);
    W(0, 0x0040); /* fixed device */
    W(1, s->cyls);
    W(3, s->heads);
    W(6, s->secs);
    ide_padstr(p + 20, s->serial, 20);
    ide_padstr(p + 46, s->fw_rev, 8);
    ide_padstr(p + 54, s->model, 40);
    W(47, 0x8000 | IDE_MAX_MULT);
    W(49, (1 << 11) | (1 << 9) | (1 << 8)); /* IORDY, LBA, DMA */
    W(50, 0x4000);
    W(51, 0x200);
    W(53, 7); /* words 54-58, 64-70 and 88 are valid */
    W(54, s->cyls);
    W(55, s->cur_heads);
    W(56, s->cur_secs);
    W(57, cur_cap);
    W(58, cur_cap >> 16);
    W(59, s->mult_sectors ? 0x100 | s->mult_sectors : 0);
    W(60, lba28);
    W(61, lba28 >> 16);
    W(63, 0x07 | (s->mwdma_mode < 3 ? 0x100 << s->mwdma_mode : 0));
    W(64, 0x03); /* PIO 3 and 4 */
    W(65, 120);
    W(66, 120);
    W(67, 120);
    W(68, 120);
    W(80, 0xf0); /* ATA-4 to ATA-7 */
    W(81, 0x16);
    /* Supported: write cache (82.5); FLUSH CACHE (EXT) and LBA48 (83). */
    W(82, (1 << 14) | (1 << 5));
    W(83, (1 << 14) | (1 << 13) | (1 << 12) | (1 << 10));
    W(84, 1 << 14);
    W(85, (1 << 14) | (wce ? 1 << 5 : 0));
    W(86, (1 << 13) | (1 << 12) | (1 << 10));
    W(87, 1 << 14);
    W(88, 0x3f | (s->udma_mode < 6 ? 0x100 << s->udma_mode : 0));
    /* Hardware reset result, device 0/1, and the 80-conductor cable
     * (bit 13) that drivers require before UDMA above mode 2. */
    W(93, (1 << 14) | (1 << 13) | (s->unit ? 0x0100 : 0x0001));
    W(100, s->nb_sectors);
    W(101, s->nb_sectors >> 16);
    W(102, s->nb_sectors >> 32);
    W(103, s->nb_sectors >> 48);
#undef W
    /* Word 255: integrity word (ATA-6 IDENTIFY DEVICE): signature A5h and a
     * checksum that makes the 512 bytes sum to zero. */
    uint8_t sum = 0xa5;
    for (int i = 0; i < 510; i++) {
        sum += p[i];
    }
    p[510] = 0xa5;
    p[511] = -sum;
}

/* ---- Commands -------------------------------------------------------------
 */

void ide_set_features(IDEState *s)
{
    switch (s->feature) {
    case 0x02: /* enable write cache */
    case 0x82: /* disable write cache */
        blk_set_enable_write_cache(s->blk, s->feature == 0x02);
        break;
    case 0x03: { /* set transfer mode from the sector count */
        uint8_t mode = s->nsector & 7;
        switch (s->nsector >> 3) {
        case 0: /* PIO default */
        case 1: /* PIO flow control mode n */
            s->udma_mode = s->mwdma_mode = 0xff;
            break;
        case 4: /* multiword DMA */
            if (mode > 2) {
                ide_cmd_abort_irq(s);
                return;
            }
            s->mwdma_mode = mode;
            s->udma_mode = 0xff;
            break;
        case 8: /* Ultra DMA */
            if (mode > 5) {
                ide_cmd_abort_irq(s);
                return;
            }
            s->udma_mode = mode;
            s->mwdma_mode = 0xff;
            break;
        default:
            ide_cmd_abort_irq(s);
            return;
        }
        break;
    }
    /* Features with nothing to model: look-ahead, reverting to power-on
     * defaults, the 4-byte ECC of READ/WRITE LONG. */
    case 0x55:
    case 0xaa:
    case 0x66:
    case 0xcc:
    case 0x44:
    case 0xbb:
        break;
    default:
        log_mask(LOG_UNIMP, "ide: SET FEATURES %02x not supported\n",
                 s->feature);
        ide_cmd_abort_irq(s);
        return;
    }
    ide_cmd_done(s);
}

static void ide_flush_cb(void *opaque, int ret)
{
    IDEState *s = opaque;

    s->aio_busy = false;
    if (ret < 0) {
        ide_transfer_stop(s);
        s->status = ST_DRDY | ST_ERR;
        s->error = ER_ABRT;
        log_mask(LOG_GUEST_ERROR, "ide: flush failed: %s\n", strerror(-ret));
    } else {
        s->status = ST_DRDY | ST_DSC;
    }
    ide_set_irq(s->bus);
}

bool ide_is_rw_cmd(uint8_t cmd)
{
    switch (cmd) {
    case 0x20:
    case 0x21:
    case 0x24:
    case 0x29:
    case 0xc4:
    case 0x30:
    case 0x31:
    case 0x34:
    case 0x39:
    case 0xc5:
    case 0xc8:
    case 0xc9:
    case 0x25:
    case 0xca:
    case 0xcb:
    case 0x35:
    case 0x40:
    case 0x41:
    case 0x42:
        return true;
    }
    return false;
}

bool ide_is_lba48_cmd(uint8_t cmd)
{
    switch (cmd) {
    case 0x24:
    case 0x29:
    case 0x34:
    case 0x39:
    case 0x25:
    case 0x35:
    case 0x42:
    case 0xea:
    case 0x27:
        return true;
    }
    return false;
}

/* The hard-disk command set; returns false for an unknown command. */
bool ide_ata_exec(IDEState *s, uint8_t cmd)
{
    switch (cmd) {
    case 0xec: /* IDENTIFY DEVICE */
        ide_identify(s);
        memcpy(s->io_buffer, s->identify, 512);
        s->status = ST_DRDY | ST_DSC;
        ide_transfer_start(s, 512, ETF_IDENTIFY);
        ide_set_irq(s->bus);
        return true;
    case 0x20:
    case 0x21:
    case 0x24: /* READ SECTORS (EXT) */
    case 0xc4:
    case 0x29: /* READ MULTIPLE (EXT) */
        if ((cmd == 0xc4 || cmd == 0x29) && !s->mult_sectors) {
            ide_cmd_abort_irq(s);
            return true;
        }
        if (ide_load_range(s)) {
            ide_ata_read_next(s);
        }
        return true;
    case 0x30:
    case 0x31:
    case 0x34: /* WRITE SECTORS (EXT) */
    case 0xc5:
    case 0x39: /* WRITE MULTIPLE (EXT) */
        if ((cmd == 0xc5 || cmd == 0x39) && !s->mult_sectors) {
            ide_cmd_abort_irq(s);
            return true;
        }
        if (ide_load_range(s)) {
            ide_ata_write_prepare(s); /* no interrupt before the first */
        }
        return true;
    case 0xc8:
    case 0xc9:
    case 0x25: /* READ DMA (EXT) */
    case 0xca:
    case 0xcb:
    case 0x35: /* WRITE DMA (EXT) */
        if (!s->bus->dma) {
            ide_cmd_abort_irq(s);
            return true;
        }
        if (ide_load_range(s)) {
            bool rd = cmd == 0xc8 || cmd == 0xc9 || cmd == 0x25;
            ide_dma_start(s, rd ? DMA_ATA_READ : DMA_ATA_WRITE);
        }
        return true;
    case 0x40:
    case 0x41:
    case 0x42: /* READ VERIFY SECTORS (EXT) */
        /* The medium is a host file: every sector in range verifies. */
        if (ide_load_range(s)) {
            ide_set_sector(s, s->io_sector + s->io_remaining - 1);
            ide_cmd_done(s);
        }
        return true;
    case 0xe7:
    case 0xea: /* FLUSH CACHE (EXT) */
        s->status = ST_DRDY | ST_BSY;
        s->aio_busy = true;
        blk_aio_flush(s->blk, ide_flush_cb, s);
        return true;
    case 0xc6: /* SET MULTIPLE MODE */
        if (s->nsector > IDE_MAX_MULT || (s->nsector & (s->nsector - 1))) {
            ide_cmd_abort_irq(s);
            return true;
        }
        s->mult_sectors = s->nsector;
        ide_cmd_done(s);
        return true;
    case 0x91: /* INITIALIZE DEVICE PARAMETERS */
        if (!s->nsector) {
            ide_cmd_abort_irq(s);
            return true;
        }
        s->cur_secs = s->nsector;
        s->cur_heads = (s->select & 0x0f) + 1;
        ide_cmd_done(s);
        return true;
    case 0xf8: /* READ NATIVE MAX ADDRESS */
    case 0x27: /* READ NATIVE MAX ADDRESS EXT */
        s->select |= SEL_LBA;
        ide_set_sector(s, s->nb_sectors - 1);
        ide_cmd_done(s);
        return true;
    case 0x70: /* SEEK */
        ide_cmd_done(s);
        return true;
    case 0xef: /* SET FEATURES */
        ide_set_features(s);
        return true;
    case 0xe0:
    case 0x94: /* STANDBY IMMEDIATE */
    case 0xe2:
    case 0x96: /* STANDBY */
        s->power = 0x00;
        ide_cmd_done(s);
        return true;
    case 0xe1:
    case 0x95: /* IDLE IMMEDIATE */
    case 0xe3:
    case 0x97: /* IDLE */
        s->power = 0xff;
        ide_cmd_done(s);
        return true;
    case 0xe5:
    case 0x98: /* CHECK POWER MODE */
        s->nsector = s->power;
        ide_cmd_done(s);
        return true;
    }
    if (cmd >= 0x10 && cmd <= 0x1f) { /* RECALIBRATE */
        ide_cmd_done(s);
        return true;
    }
    return false;
}
