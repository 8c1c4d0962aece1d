/*
 * The IDE core: one channel's task file and its two drives, PIO windows,
 * the DMA data path, command dispatch, SRST, reset and the state tables.
 * The hard disk's command set is in ata.c, ATAPI in atapi.c.
 *
 * Specification: ATA/ATAPI-6 (T13/1410D): the register descriptions, the
 * protocols (PIO data-in and data-out, DMA, PACKET) and the commands.
 * Checked against real software by running it: SeaBIOS (disk and El
 * Torito boot), GRUB, Linux's ata_piix.
 *
 * Every medium access is asynchronous (blk_aio_*): BSY is set while the
 * request is in flight and the completion (a bottom half in the main loop)
 * sets DRQ or DRDY and raises the interrupt.  The vCPU never waits.
 * ATAPI (the PACKET command set) is in atapi.c; the bus master in piix.c.
 */
#include "emu/common.h"
#include "emu/trace.h"
#include "hw/ide/ide-internal.h"

#define IDE_FW_REV "1.0"

static void ide_dma_step(IDEState *s);

/* ---- Interrupt, transfers, signature ------------------------------------ */

static void ide_update_irq(IDEBus *bus)
{
    if (bus->irq) {
        irq_set(bus->irq, bus->irq_pending && !(bus->devctl & CTL_NIEN));
    }
}

void ide_set_irq(IDEBus *bus)
{
    bus->irq_pending = true;
    if (!(bus->devctl & CTL_NIEN) && bus->dma) {
        bus->dma->irq(bus->dma_opaque);
    }
    ide_update_irq(bus);
}

static void ide_clear_irq(IDEBus *bus)
{
    bus->irq_pending = false;
    ide_update_irq(bus);
}

/* Open a PIO window of len bytes at the start of io_buffer. */
void ide_transfer_start(IDEState *s, uint32_t len, IDEEndTransfer etf)
{
    s->data_pos = 0;
    s->data_end = len;
    s->end_transfer = etf;
    if (!(s->status & ST_ERR)) {
        s->status |= ST_DRQ;
    }
}

void ide_transfer_stop(IDEState *s)
{
    s->data_pos = s->data_end = 0;
    s->end_transfer = ETF_NONE;
    s->status &= ~ST_DRQ;
}

/* ATA-6 "signature and persistence": the register contents after reset and
 * diagnostics tell the host what is there. */
void ide_set_signature(IDEState *s)
{
    s->select &= 0xf0;
    s->nsector = 1;
    s->sector = 1;
    if (s->kind == IDE_CD) {
        s->lcyl = 0x14;
        s->hcyl = 0xeb;
    } else if (s->kind == IDE_HD) {
        s->lcyl = 0;
        s->hcyl = 0;
    } else {
        s->lcyl = 0xff;
        s->hcyl = 0xff;
    }
}

void ide_abort(IDEState *s)
{
    ide_transfer_stop(s);
    s->status = ST_DRDY | ST_ERR;
    s->error = ER_ABRT;
}

void ide_cmd_done(IDEState *s)
{
    ide_transfer_stop(s);
    s->status = ST_DRDY | ST_DSC;
    ide_set_irq(s->bus);
}

void ide_cmd_abort_irq(IDEState *s)
{
    ide_abort(s);
    ide_set_irq(s->bus);
}

/* Strings in IDENTIFY are byte-swapped pairs padded with spaces. */
void ide_padstr(uint8_t *dst, const char *src, int len)
{
    for (int i = 0; i < len; i++) {
        dst[i ^ 1] = *src ? *src++ : ' ';
    }
}

static void ide_end_transfer(IDEState *s)
{
    IDEEndTransfer etf = s->end_transfer;

    ide_transfer_stop(s);
    switch (etf) {
    case ETF_ATA_READ:
        ide_ata_read_next(s);
        break;
    case ETF_ATA_WRITE:
        ide_ata_write_block(s);
        break;
    case ETF_PACKET:
        ide_atapi_packet_cmd(s);
        break;
    case ETF_ATAPI_PIO:
        ide_atapi_pio_next(s);
        break;
    case ETF_IDENTIFY:
    case ETF_NONE:
        break;
    }
}

/* ---- DMA ------------------------------------------------------------------
 */

void ide_dma_start(IDEState *s, IDEDMACmd cmd)
{
    trace(ide_dma_start, "unit %d dma cmd %d", s->unit, (int)cmd);
    s->dma_cmd = cmd;
    /* DMA protocol: BSY or DRQ until the transfer is done; DRQ as QEMU, so
     * that drivers that poll for it before starting the engine see it. */
    s->status = ST_DRDY | ST_DSC | ST_DRQ;
    if (s->bus->dma) {
        s->bus->dma->start(s->bus->dma_opaque);
    }
}

bool ide_bus_dma_pending(IDEBus *bus)
{
    IDEState *s = ide_cur(bus);
    return s->dma_cmd != DMA_NONE && !s->aio_busy;
}

static void ide_dma_finish(IDEState *s, bool ok)
{
    s->dma_cmd = DMA_NONE;
    s->bus->dma->end(s->bus->dma_opaque, ok);
    ide_set_irq(s->bus);
}

static void ide_dma_cb(void *opaque, int ret)
{
    IDEState *s = opaque;
    const IDEDMAOps *ops = s->bus->dma;
    bool to_ram = s->dma_cmd != DMA_ATA_WRITE;
    unsigned ss = s->dma_cmd == DMA_ATAPI_READ ? CD_SECTOR : IDE_SECTOR;

    s->aio_busy = false;
    ops->unmap(s->bus->dma_opaque, &s->sg, to_ram, ret < 0 ? 0 : s->dma_bytes);
    if (ret < 0) {
        if (s->dma_cmd == DMA_ATAPI_READ) {
            s->dma_cmd = DMA_NONE;
            s->bus->dma->end(s->bus->dma_opaque, false);
            ide_atapi_dma_done(s, ret);
            return;
        }
        ide_io_error(s, ret, to_ram);
        s->bus->dma->end(s->bus->dma_opaque, false);
        ide_set_irq(s->bus);
        return;
    }
    s->io_sector += s->dma_bytes / ss;
    s->io_remaining -= s->dma_bytes / ss;
    if (s->dma_cmd != DMA_ATAPI_READ) {
        ide_set_sector(s, s->io_sector);
    }
    ide_dma_step(s);
}

/* Move the next piece of the command: map as much of the PRD list as the
 * command still needs and hand it to the block layer in one request. */
static void ide_dma_step(IDEState *s)
{
    const IDEDMAOps *ops = s->bus->dma;
    void *opaque = s->bus->dma_opaque;
    IDEDMACmd cmd = s->dma_cmd;

    if (cmd == DMA_ATAPI_BUF) {
        int64_t n = ops->map(opaque, &s->sg, s->dma_buf_len, 1, true);
        if (n == -EAGAIN) {
            return;
        }
        if (n > 0) {
            iov_from_buf(s->sg.iov, s->sg.niov, 0, s->io_buffer, n);
        }
        ops->unmap(opaque, &s->sg, true, n > 0 ? n : 0);
        s->dma_cmd = DMA_NONE;
        ops->end(opaque, n >= 0);
        ide_atapi_dma_done(s, n < 0 ? -EIO : 0);
        return;
    }

    bool to_ram = cmd != DMA_ATA_WRITE;
    unsigned ss = cmd == DMA_ATAPI_READ ? CD_SECTOR : IDE_SECTOR;
    if (!s->io_remaining) {
        if (cmd == DMA_ATAPI_READ) {
            s->dma_cmd = DMA_NONE;
            ops->end(opaque, true);
            ide_atapi_dma_done(s, 0);
            return;
        }
        s->status = ST_DRDY | ST_DSC;
        ide_dma_finish(s, true);
        return;
    }
    int64_t n =
        ops->map(opaque, &s->sg, (uint64_t)s->io_remaining * ss, ss, to_ram);
    if (n == -EAGAIN) {
        return; /* start() runs us again when the bounce buffer is free */
    }
    if (n < 0) {
        ops->unmap(opaque, &s->sg, to_ram, 0);
        s->dma_cmd = DMA_NONE;
        ops->end(opaque, false);
        if (cmd == DMA_ATAPI_READ) {
            ide_atapi_dma_done(s, -EIO);
            return;
        }
        ide_set_sector(s, s->io_sector);
        ide_abort(s);
        ide_set_irq(s->bus);
        return;
    }
    n -= n % ss;
    if (n == 0) {
        /* Descriptors exhausted (or engine stopped) before the command
         * is done: the device keeps waiting for more. */
        ops->unmap(opaque, &s->sg, to_ram, 0);
        ops->short_prd(opaque);
        return;
    }
    s->dma_bytes = n;
    s->aio_busy = true;
    if (to_ram) {
        blk_aio_preadv(s->blk, s->io_sector * ss, s->sg.iov, s->sg.niov,
                       ide_dma_cb, s);
    } else {
        blk_aio_pwritev(s->blk, s->io_sector * ss, s->sg.iov, s->sg.niov,
                        ide_dma_cb, s);
    }
}

void ide_dma_run(IDEBus *bus)
{
    IDEState *s = ide_cur(bus);
    if (s->dma_cmd != DMA_NONE && !s->aio_busy && s->kind != IDE_ABSENT) {
        ide_dma_step(s);
    }
}

void ide_bus_drain(IDEBus *bus)
{
    for (int i = 0; i < 2; i++) {
        IDEState *s = &bus->ifs[i];
        if (s->aio_busy && s->blk) {
            blk_drain(s->blk);
        }
    }
}

static void ide_exec_cmd(IDEBus *bus, uint8_t cmd)
{
    IDEState *s = ide_cur(bus);

    trace(ide_exec_cmd, "unit %d cmd 0x%02x", s->unit, cmd);
    /* A command to an absent device 1 goes nowhere (device 0 ignores
     * it); one to an absent device 0 with device 1 present
     * is refused as device 0 would. */
    if (s->kind == IDE_ABSENT) {
        if (s->unit == 0 && bus->ifs[1].kind != IDE_ABSENT) {
            ide_cmd_abort_irq(s);
        }
        return;
    }
    /* Writing the command register while BSY is undefined; only DEVICE
     * RESET reaches a busy ATAPI device. */
    if ((s->status & ST_BSY) && !(s->kind == IDE_CD && cmd == 0x08)) {
        log_mask(LOG_GUEST_ERROR, "ide: command %02x while busy\n", cmd);
        return;
    }
    s->cmd = cmd;
    s->lba48 = ide_is_lba48_cmd(cmd);
    s->error = 0;
    ide_clear_irq(bus);
    if (s->power == 0 && ide_is_rw_cmd(cmd)) {
        s->power = 0xff; /* media access spins the disk up */
    }

    switch (cmd) {
    case 0x90: /* EXECUTE DEVICE DIAGNOSTIC: both devices report */
        for (int i = 0; i < 2; i++) {
            IDEState *d = &bus->ifs[i];
            ide_set_signature(d);
            d->error = 0x01; /* device 0 passed, device 1 passed/absent */
            d->status = d->kind == IDE_HD ? ST_DRDY | ST_DSC : 0;
        }
        ide_set_irq(bus);
        return;
    case 0x00: /* NOP: always aborts (ATA-6 NOP) */
        ide_cmd_abort_irq(s);
        return;
    }

    if (s->kind == IDE_HD) {
        if (!ide_ata_exec(s, cmd)) {
            log_mask(LOG_UNIMP, "ide: unknown command %02x\n", cmd);
            ide_cmd_abort_irq(s);
        }
        return;
    }

    /* ATAPI device (the PACKET command feature set). */
    switch (cmd) {
    case 0xec: /* IDENTIFY DEVICE: abort, with the signature that tells the
                  host to use IDENTIFY PACKET DEVICE */
        ide_set_signature(s);
        ide_cmd_abort_irq(s);
        return;
    case 0xa1: /* IDENTIFY PACKET DEVICE */
        ide_atapi_identify(s);
        memcpy(s->io_buffer, s->identify, 512);
        s->status = ST_DRDY;
        ide_transfer_start(s, 512, ETF_IDENTIFY);
        ide_set_irq(bus);
        return;
    case 0xa0: /* PACKET */
        s->atapi_dma = s->feature & 1;
        if (s->atapi_dma && !bus->dma) {
            ide_cmd_abort_irq(s);
            return;
        }
        s->atapi_limit = s->lcyl | (s->hcyl << 8);
        s->nsector = IR_COD; /* the device wants the command packet */
        s->status = ST_DRDY;
        ide_transfer_start(s, 12, ETF_PACKET);
        return; /* no interrupt before the packet (DRQ polled) */
    case 0x08:  /* DEVICE RESET */
        ide_bus_drain(bus);
        ide_atapi_reset(s);
        ide_set_signature(s);
        s->status = 0;
        s->error = 0x01;
        ide_transfer_stop(s);
        s->dma_cmd = DMA_NONE;
        return;
    case 0xef: /* SET FEATURES: transfer modes only */
        ide_set_features(s);
        return;
    case 0xe0:
    case 0xe1:
    case 0xe2:
    case 0xe3: /* power management */
    case 0x94:
    case 0x95:
    case 0x96:
    case 0x97:
        ide_cmd_done(s);
        return;
    case 0xe5:
    case 0x98:
        s->nsector = 0xff;
        ide_cmd_done(s);
        return;
    }
    log_mask(LOG_UNIMP, "ide-cd: ATA command %02x not supported\n", cmd);
    ide_cmd_abort_irq(s);
}

/* ---- Register access ------------------------------------------------------
 */

/* Registers 1-7 of the command block (0 is data, handled apart). */
static uint8_t ide_reg_read(IDEBus *bus, unsigned reg)
{
    IDEState *s = ide_cur(bus);
    bool hob = bus->devctl & CTL_HOB;
    bool none =
        bus->ifs[0].kind == IDE_ABSENT && bus->ifs[1].kind == IDE_ABSENT;

    /* An absent device 1 leaves the bus to device 0, which answers 0 for
     * it, as QEMU does; no device at all reads 0 too. */
    if (none || (s->unit == 1 && s->kind == IDE_ABSENT)) {
        return reg == 6 ? s->select : 0;
    }
    switch (reg) {
    case 1:
        return hob ? s->hob_feature : s->error;
    case 2:
        return hob ? s->hob_nsector : s->nsector;
    case 3:
        return hob ? s->hob_sector : s->sector;
    case 4:
        return hob ? s->hob_lcyl : s->lcyl;
    case 5:
        return hob ? s->hob_hcyl : s->hcyl;
    case 6:
        return s->select;
    default:
        ide_clear_irq(bus); /* reading Status acknowledges */
        return s->status;
    }
}

uint8_t ide_status_read(IDEBus *bus, bool alt)
{
    IDEState *s = ide_cur(bus);

    if ((bus->ifs[0].kind == IDE_ABSENT && bus->ifs[1].kind == IDE_ABSENT) ||
        (s->unit == 1 && s->kind == IDE_ABSENT)) {
        return 0;
    }
    if (!alt) {
        ide_clear_irq(bus);
    }
    return s->status;
}

static void ide_reg_write(IDEBus *bus, unsigned reg, uint8_t val)
{
    /* Task-file writes reach both devices; the previous value moves to
     * the "high order byte" copy for 48-bit commands (ATA-6 48-bit address
     * feature set). */
    bus->devctl &= ~CTL_HOB;
    for (int i = 0; i < 2; i++) {
        IDEState *s = &bus->ifs[i];
        switch (reg) {
        case 1:
            s->hob_feature = s->feature;
            s->feature = val;
            break;
        case 2:
            s->hob_nsector = s->nsector;
            s->nsector = val;
            break;
        case 3:
            s->hob_sector = s->sector;
            s->sector = val;
            break;
        case 4:
            s->hob_lcyl = s->lcyl;
            s->lcyl = val;
            break;
        case 5:
            s->hob_hcyl = s->hcyl;
            s->hcyl = val;
            break;
        case 6:
            s->select = val | 0xa0; /* bits 7 and 5 are obsolete ones */
            break;
        }
    }
    if (reg == 6) {
        bus->unit = (val & SEL_DEV) ? 1 : 0;
        ide_update_irq(bus);
    } else if (reg == 7) {
        ide_exec_cmd(bus, val);
    }
}

static uint32_t ide_data_read(IDEBus *bus, unsigned size)
{
    IDEState *s = ide_cur(bus);
    uint32_t v;

    if (!(s->status & ST_DRQ) || s->end_transfer == ETF_PACKET ||
        s->end_transfer == ETF_ATA_WRITE || s->data_pos >= s->data_end) {
        return size == 4 ? 0xffffffff : (1u << (8 * size)) - 1;
    }
    size = MIN(size, s->data_end - s->data_pos);
    v = size == 4   ? ldl_le_p(s->io_buffer + s->data_pos)
        : size == 2 ? ldw_le_p(s->io_buffer + s->data_pos)
                    : s->io_buffer[s->data_pos];
    s->data_pos += size;
    if (s->data_pos >= s->data_end) {
        ide_end_transfer(s);
    }
    return v;
}

static void ide_data_write(IDEBus *bus, uint32_t val, unsigned size)
{
    IDEState *s = ide_cur(bus);

    if (!(s->status & ST_DRQ) ||
        (s->end_transfer != ETF_ATA_WRITE && s->end_transfer != ETF_PACKET) ||
        s->data_pos >= s->data_end) {
        return;
    }
    size = MIN(size, s->data_end - s->data_pos);
    if (size == 4) {
        stl_le_p(s->io_buffer + s->data_pos, val);
    } else if (size == 2) {
        stw_le_p(s->io_buffer + s->data_pos, val);
    } else {
        s->io_buffer[s->data_pos] = val;
    }
    s->data_pos += size;
    if (s->data_pos >= s->data_end) {
        ide_end_transfer(s);
    }
}

uint32_t ide_cmd_read(IDEBus *bus, unsigned reg, unsigned size)
{
    if (reg == 0) {
        return ide_data_read(bus, size);
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size && reg + i < 8; i++) {
        v |= (uint32_t)ide_reg_read(bus, reg + i) << (8 * i);
    }
    return v;
}

void ide_cmd_write(IDEBus *bus, unsigned reg, uint32_t val, unsigned size)
{
    if (reg == 0) {
        ide_data_write(bus, val, size);
        return;
    }
    for (unsigned i = 0; i < size && reg + i < 8; i++) {
        ide_reg_write(bus, reg + i, val >> (8 * i));
    }
}

/*
 * The multiple count a disk has after power-on, hardware or software reset.
 * ATA leaves it vendor specific; like QEMU's disk, emu's starts with READ/
 * WRITE MULTIPLE enabled at the maximum block size, so IDENTIFY word 59
 * shows a valid setting and Linux uses 16-sector blocks without first
 * sending SET MULTIPLE MODE ("multi 16").  An ATAPI device has no multiple
 * mode.
 */
static uint8_t ide_default_mult(IDEState *s)
{
    return s->kind == IDE_HD ? IDE_MAX_MULT : 0;
}

/* Device control: SRST resets both devices (ATA-6 software reset protocol); the
 * reset takes effect while the bit is set and the devices come back when it
 * clears. */
void ide_ctl_write(IDEBus *bus, uint8_t val)
{
    uint8_t old = bus->devctl;

    bus->devctl = val;
    if ((val & CTL_SRST) && !(old & CTL_SRST)) {
        ide_bus_drain(bus);
        bus->irq_pending = false; /* reset negates INTRQ */
        for (int i = 0; i < 2; i++) {
            IDEState *s = &bus->ifs[i];
            ide_transfer_stop(s);
            s->dma_cmd = DMA_NONE;
            s->status = ST_BSY | ST_DSC;
            s->error = 0x01;
            /* SRST reverts the multiple count to its power-on default. */
            s->mult_sectors = ide_default_mult(s);
            s->lba48 = false;
            if (s->kind == IDE_CD) {
                ide_atapi_reset(s);
            }
        }
    } else if (!(val & CTL_SRST) && (old & CTL_SRST)) {
        for (int i = 0; i < 2; i++) {
            IDEState *s = &bus->ifs[i];
            ide_set_signature(s);
            /* An ATAPI device leaves DRDY clear after reset. */
            s->status = s->kind == IDE_HD ? ST_DRDY | ST_DSC : 0;
        }
        bus->unit = 0;
    }
    ide_update_irq(bus);
}

/* ---- Drives, buses, reset ----------------------------------------------- */

void ide_drive_reset(IDEState *s)
{
    ide_transfer_stop(s);
    s->feature = s->error = s->nsector = s->sector = 0;
    s->lcyl = s->hcyl = 0;
    s->hob_feature = s->hob_nsector = s->hob_sector = 0;
    s->hob_lcyl = s->hob_hcyl = 0;
    s->select = 0xa0 | (s->unit ? SEL_DEV : 0);
    s->cmd = 0;
    s->lba48 = false;
    s->mult_sectors = ide_default_mult(s);
    s->udma_mode = 5;
    s->mwdma_mode = 0xff;
    s->power = 0xff;
    s->cur_heads = s->heads;
    s->cur_secs = s->secs;
    s->io_sector = s->io_remaining = s->io_block = 0;
    s->dma_cmd = DMA_NONE;
    s->dma_bytes = 0;
    s->error = 0x01;
    ide_set_signature(s);
    s->status = s->kind == IDE_HD ? ST_DRDY | ST_DSC : 0;
    if (s->kind == IDE_CD) {
        ide_atapi_reset(s);
        s->tray_locked = false; /* PREVENT state ends at power-on reset */
    }
}

void ide_bus_reset(IDEBus *bus)
{
    ide_bus_drain(bus);
    bus->unit = 0;
    bus->devctl = 0;
    bus->irq_pending = false;
    for (int i = 0; i < 2; i++) {
        ide_drive_reset(&bus->ifs[i]);
    }
    ide_update_irq(bus);
}

static void ide_cd_change_media(void *opaque, bool load)
{
    ide_atapi_media_changed(opaque, load);
}

static void ide_cd_eject_request(void *opaque, bool force)
{
    IDEState *s = opaque;
    s->event_eject_request = true;
    if (force) {
        s->tray_locked = false;
    }
}

static bool ide_cd_is_locked(void *opaque)
{
    IDEState *s = opaque;
    return s->tray_locked;
}

static const BlockDevOps ide_cd_block_ops = {
    .change_media_cb = ide_cd_change_media,
    .eject_request_cb = ide_cd_eject_request,
    .is_medium_locked = ide_cd_is_locked,
};

/*
 * Default CHS geometry as BIOSes expect it for an LBA disk (and QEMU
 * picks for one without a partition table): 16 heads, 63 sectors, the
 * cylinders from the size, at most 16383 (as IDENTIFY word 1 allows).
 */
static void ide_guess_geometry(IDEState *s)
{
    uint64_t cyls = s->nb_sectors / (16 * 63);
    s->heads = 16;
    s->secs = 63;
    s->cyls = MAX(1, MIN(cyls, 16383));
}

int ide_drive_attach(IDEState *s, IDEDevice *dev, IDEKind kind, Error **errp)
{
    IDEBus *bus = s->bus;

    if (s->kind != IDE_ABSENT) {
        error_setg(errp, "%s unit %d is already used by %s", bus->qbus.name,
                   s->unit, device_label(&s->dev->parent));
        return -EBUSY;
    }
    s->dev = dev;
    s->blk = dev->blk;
    s->kind = kind;
    s->nb_sectors = s->blk ? blk_getlength(s->blk) / IDE_SECTOR : 0;
    if (kind == IDE_HD) {
        if (dev->cyls || dev->heads || dev->secs) {
            if (!dev->cyls || dev->cyls > 65535 || !dev->heads ||
                dev->heads > 16 || !dev->secs || dev->secs > 255) {
                error_setg(errp,
                           "invalid geometry %u/%u/%u (cyls 1-65535, "
                           "heads 1-16, secs 1-255)",
                           dev->cyls, dev->heads, dev->secs);
                s->kind = IDE_ABSENT;
                s->dev = NULL;
                s->blk = NULL;
                return -EINVAL;
            }
            s->cyls = dev->cyls;
            s->heads = dev->heads;
            s->secs = dev->secs;
        } else {
            ide_guess_geometry(s);
        }
    } else if (s->blk) {
        blk_set_dev_ops(s->blk, &ide_cd_block_ops, s);
    }
    /* QEMU numbers its serials QM00001..; ours count the positions. */
    int busno = 0;
    sscanf(bus->qbus.name, IDE_BUS_TYPE ".%d", &busno);
    if (dev->serial) {
        snprintf(s->serial, sizeof(s->serial), "%s", dev->serial);
    } else {
        snprintf(s->serial, sizeof(s->serial), "EM%05d",
                 busno * 2 + s->unit + 1);
    }
    snprintf(s->model, sizeof(s->model), "%s",
             dev->model       ? dev->model
             : kind == IDE_CD ? "EMU DVD-ROM"
                              : "EMU HARDDISK");
    snprintf(s->fw_rev, sizeof(s->fw_rev), "%s", IDE_FW_REV);
    ide_drive_reset(s);
    return 0;
}

void ide_drive_detach(IDEState *s)
{
    if (s->aio_busy && s->blk) {
        blk_drain(s->blk);
    }
    if (s->blk && s->kind == IDE_CD) {
        blk_set_dev_ops(s->blk, NULL, NULL);
    }
    s->kind = IDE_ABSENT;
    s->dev = NULL;
    s->blk = NULL;
    s->nb_sectors = 0;
    ide_drive_reset(s);
}

void ide_bus_init(IDEBus *bus, DeviceState *parent, IRQ *irq,
                  const IDEDMAOps *dma, void *dma_opaque)
{
    bus_init(&bus->qbus, IDE_BUS_TYPE, NULL, parent);
    bus->irq = irq;
    bus->dma = dma;
    bus->dma_opaque = dma_opaque;
    for (int i = 0; i < 2; i++) {
        IDEState *s = &bus->ifs[i];
        s->bus = bus;
        s->unit = i;
        s->kind = IDE_ABSENT;
        s->io_buffer = g_malloc0(IDE_BUF_SIZE);
        iovec_init(&s->sg, 16);
        ide_drive_reset(s);
    }
}

void ide_bus_cleanup(IDEBus *bus)
{
    ide_bus_drain(bus);
    for (int i = 0; i < 2; i++) {
        g_free(bus->ifs[i].io_buffer);
        bus->ifs[i].io_buffer = NULL;
        iovec_destroy(&bus->ifs[i].sg);
    }
    bus_cleanup(&bus->qbus);
}

BusState *ide_bus_qbus(IDEBus *bus)
{
    return &bus->qbus;
}

/* ---- State description ------------------------------------------------- */
/* A snapshot is taken with the drives drained (no blk_aio in flight, so
 * aio_busy, dma_bytes and sg are empty), but a PIO block can be half read
 * or half written by the guest: the io_buffer is guest-visible state and
 * is saved whole so the next data-port access continues the transfer.
 * identify[] is scratch rebuilt by every IDENTIFY; geometry, kind and the
 * medium come from the device's properties. */

static const VMStateField ide_drive_fields[] = {
    VMSTATE_U16(cur_heads, IDEState),
    VMSTATE_U16(cur_secs, IDEState),
    VMSTATE_U8(feature, IDEState),
    VMSTATE_U8(error, IDEState),
    VMSTATE_U8(nsector, IDEState),
    VMSTATE_U8(sector, IDEState),
    VMSTATE_U8(lcyl, IDEState),
    VMSTATE_U8(hcyl, IDEState),
    VMSTATE_U8(select, IDEState),
    VMSTATE_U8(status, IDEState),
    VMSTATE_U8(hob_feature, IDEState),
    VMSTATE_U8(hob_nsector, IDEState),
    VMSTATE_U8(hob_sector, IDEState),
    VMSTATE_U8(hob_lcyl, IDEState),
    VMSTATE_U8(hob_hcyl, IDEState),
    VMSTATE_U8(cmd, IDEState),
    VMSTATE_BOOL(lba48, IDEState),
    VMSTATE_U8(mult_sectors, IDEState),
    VMSTATE_U8(udma_mode, IDEState),
    VMSTATE_U8(mwdma_mode, IDEState),
    VMSTATE_U8(power, IDEState),
    VMSTATE_U64(io_sector, IDEState),
    VMSTATE_U32(io_remaining, IDEState),
    VMSTATE_U32(io_block, IDEState),
    VMSTATE_U32(data_pos, IDEState),
    VMSTATE_U32(data_end, IDEState),
    VMSTATE_U8(end_transfer, IDEState),
    VMSTATE_U8(dma_cmd, IDEState),
    VMSTATE_U32(dma_buf_len, IDEState),
    VMSTATE_U8(sense_key, IDEState),
    VMSTATE_U8(asc, IDEState),
    VMSTATE_U8(ascq, IDEState),
    VMSTATE_BOOL(tray_open, IDEState),
    VMSTATE_BOOL(tray_locked, IDEState),
    VMSTATE_BOOL(unit_attention, IDEState),
    VMSTATE_BOOL(event_new_media, IDEState),
    VMSTATE_BOOL(event_eject_request, IDEState),
    VMSTATE_BOOL(event_media_removal, IDEState),
    VMSTATE_BOOL(atapi_dma, IDEState),
    VMSTATE_U32(atapi_total, IDEState),
    VMSTATE_U32(atapi_limit, IDEState),
    VMSTATE_U32(atapi_buf_pos, IDEState),
    VMSTATE_U32(atapi_buf_len, IDEState),
    VMSTATE_U8_ARRAY(packet, IDEState, 12),
    VMSTATE_BUFFER_PTR(io_buffer, IDEState, IDE_BUF_SIZE),
    VMSTATE_END_OF_LIST(),
};

/* Positions index io_buffer: a state that points outside it is refused
 * (a damaged or hostile stream must not make the next data-port access
 * read or write past the buffer). */
static int ide_drive_post_load(void *opaque)
{
    IDEState *s = opaque;
    uint32_t unit = s->kind == IDE_CD ? CD_SECTOR : IDE_SECTOR;

    if (s->data_end > IDE_BUF_SIZE || s->data_pos > s->data_end ||
        s->atapi_buf_len > IDE_BUF_SIZE ||
        s->atapi_buf_pos > s->atapi_buf_len ||
        s->dma_buf_len > IDE_BUF_SIZE ||
        s->io_block > IDE_BUF_SIZE / unit || s->end_transfer > ETF_ATAPI_PIO ||
        s->dma_cmd > DMA_ATAPI_BUF) {
        return -EINVAL;
    }
    return 0;
}

const VMStateDescription vmstate_ide_drive = {
    .name = "ide_drive",
    .version = 2, /* 2: io_buffer */
    .fields = ide_drive_fields,
    .post_load = ide_drive_post_load,
};

static int ide_bus_post_load(void *opaque)
{
    IDEBus *bus = opaque;

    if (bus->unit > 1) {
        return -EINVAL;
    }
    ide_update_irq(bus);
    return 0;
}

static const VMStateField ide_bus_fields[] = {
    VMSTATE_U8(unit, IDEBus),
    VMSTATE_U8(devctl, IDEBus),
    VMSTATE_BOOL(irq_pending, IDEBus),
    VMSTATE_STRUCT_ARRAY(ifs, IDEBus, 2, vmstate_ide_drive, IDEState),
    VMSTATE_END_OF_LIST(),
};

const VMStateDescription vmstate_ide_bus = {
    .name = "ide_bus",
    .version = 1,
    .fields = ide_bus_fields,
    .post_load = ide_bus_post_load,
};
