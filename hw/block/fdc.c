/*
 * Intel 82077AA CHMOS single-chip floppy disk controller (Intel data
 * sheet 290166), in PC-AT mode, as "isa-fdc".
 *
 * Registers (offset from iobase 0x3F0):
 *   0, 1  SRA/SRB: PS/2 modes only; read 0xff (not driven) in AT mode
 *   2     DOR: bits 0-1 drive select, 2 /RESET, 3 DMA gate (DRQ enable;
 *         see fdc_update_irq for IRQ), 4-7 motor enables
 *   3     TDR: tape drive select (stored)
 *   4     read MSR: 7 RQM, 6 DIO (1 = to the host), 5 NON-DMA (execution
 *         phase in PIO mode), 4 CB (command busy);
 *         write DSR: 7 software reset, 6 power down, 2-4 precompensation,
 *         0-1 data rate
 *   5     FIFO: command bytes in, execution data (PIO), result bytes out
 *   7     read DIR: bit 7 disk change of the selected drive;
 *         write CCR: data rate
 * (offset 6 is the primary IDE channel's, not ours.)
 *
 * A command is written byte by byte; the last byte starts the execution
 * phase; results are read back.  Commands (datasheet section 8):
 * READ DATA, WRITE DATA, READ TRACK, READ ID, FORMAT TRACK, RECALIBRATE,
 * SEEK (and RELATIVE SEEK), SENSE INTERRUPT STATUS, SENSE DRIVE STATUS,
 * SPECIFY, CONFIGURE, VERSION, DUMPREG, LOCK, PERPENDICULAR MODE, VERIFY.
 * Anything else gets the invalid-command result (ST0 = 0x80); the ones
 * the chip has but we do not (READ/WRITE DELETED DATA: a raw image has no
 * deleted-data marks; the SCAN commands) also say so once on stderr.
 *
 * Data moves a sector at a time: the sector is read from the image with
 * blk_aio_preadv and, when that completes, handed to the DMA channel (or
 * offered byte by byte through the FIFO, with an interrupt per byte, in
 * the non-DMA mode SPECIFY selects); writes collect a sector and then
 * blk_aio_pwritev it.  A transfer ends at terminal count from the DMA
 * controller (normal termination) or at the end of the track (EOT, with
 * multi-track on to head 1 first: abnormal termination with ST1 EN, as
 * the chip reports it in PIO mode).
 *
 * Deviations, on purpose:
 *  - time: seeks, head loads and rotation take no time; the interrupt of
 *    a seek comes at once, that of a transfer when the image I/O is done;
 *    the DMA controller is always in time (no overrun).
 *  - implied seek is always on (READ/WRITE go to the cylinder of the
 *    command): SeaBIOS depends on it, as it does on QEMU's controller.
 *  - an empty drive, a medium read at the wrong data rate or in FM mode
 *    ends the command at once with ST1 MA (a real one would spin on,
 *    finding no address mark, until two index pulses or forever).
 *  - the 16-byte FIFO's threshold, the drive timings of SPECIFY,
 *    precompensation, perpendicular mode and power down are stored and
 *    reported (DUMPREG) but change nothing.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/log.h"
#include "emu/memory.h"
#include "emu/vmstate.h"
#include "emu/trace.h"
#include "hw/block/fdc-internal.h"
#include "hw/isa/isa-dma.h"

#define FDC_SECTOR 512

/* DOR */
#define DOR_SEL_MASK 0x03
#define DOR_NRESET   0x04
#define DOR_DMAEN    0x08
/* MSR */
#define MSR_RQM    0x80
#define MSR_DIO    0x40
#define MSR_NONDMA 0x20
#define MSR_CB     0x10
/* DSR */
#define DSR_RESET     0x80
#define DSR_RATE_MASK 0x03
/* DIR */
#define DIR_DSKCHG 0x80

/* ST0 */
#define ST0_IC_ABNORMAL 0x40
#define ST0_IC_INVALID  0x80
#define ST0_IC_POLL     0xc0 /* ready changed (after reset) */
#define ST0_SE          0x20
#define ST0_EC          0x10
/* ST1 */
#define ST1_EN 0x80
#define ST1_DE 0x20
#define ST1_ND 0x04
#define ST1_NW 0x02
#define ST1_MA 0x01
/* ST2 */
#define ST2_DD 0x20
/* ST3 */
#define ST3_WP  0x40
#define ST3_ONE 0x28 /* bits 5 and 3 read 1 on the 82077AA */
#define ST3_T0  0x10

/* Command byte flags */
#define CMD_MT  0x80
#define CMD_MFM 0x40

#define CONFIG_DEFAULT 0x20 /* EIS 0, EFIFO 1 (FIFO off), POLL 0, THR 0 */
#define FDC_VERSION    0x90 /* 82077AA */

typedef enum FDCPhase {
    PHASE_COMMAND,
    PHASE_EXEC,
    PHASE_RESULT,
} FDCPhase;

/* What the execution phase is doing. */
typedef enum FDCXfer {
    XFER_NONE,
    XFER_READ,   /* READ DATA, READ TRACK */
    XFER_WRITE,  /* WRITE DATA */
    XFER_FORMAT, /* FORMAT TRACK */
    XFER_VERIFY, /* VERIFY: READ DATA without the data */
} FDCXfer;

struct FDCtrlState {
    DeviceState parent;
    uint32_t iobase, irq_num;
    int32_t dma_chan; /* -1: no DMA line */
    MemoryRegion io, io_dir;
    ISABus *isa;
    IRQ *irq;
    FloppyBus bus;
    FloppyDrive *drives[FDC_MAX_DRIVES];

    /* registers */
    uint8_t dor, tdr, dsr;
    uint8_t srt_hut, hlt_nd; /* SPECIFY */
    uint8_t config, pretrk;  /* CONFIGURE */
    uint8_t perp;            /* PERPENDICULAR MODE */
    bool lock;
    uint8_t pcn[4]; /* present cylinder, per drive select */

    /* command / result */
    uint8_t phase;
    uint8_t cmd[9];
    uint8_t cmd_len, cmd_pos;
    uint8_t res[10];
    uint8_t res_len, res_pos;

    /* interrupt sources */
    uint8_t reset_sensei; /* SENSE INTERRUPTs owed after a reset */
    bool reset_int;       /* the reset's interrupt, until the first */
    uint8_t seek_pending; /* drives whose seek ended, bit per drive */
    uint8_t seek_st0[4];
    bool result_int; /* results of a transfer wait */
    bool pio_int;    /* a PIO byte is wanted */

    /* execution phase */
    uint8_t xfer;
    uint8_t drive, head; /* physical head */
    uint8_t c, h, r, n, eot;
    bool mt, pio, track_read;
    uint8_t st1, st2;
    uint8_t fmt_sc, fmt_fill, fmt_done;
    uint16_t verify_left; /* VERIFY with EC: sectors still to check */
    uint8_t buf[FDC_SECTOR];
    uint32_t buf_pos, buf_len;
    bool dma_wait; /* DREQ held, waiting for the DMA controller */
    bool pio_wait; /* waiting for the host at the FIFO */
    bool tc;       /* terminal count seen in this sector */
    bool aio_busy; /* an image request is in flight */
    uint32_t gen;  /* bumped by resets: stale completions are dropped */
    struct iovec iov;
};

static void fdc_sector_start(FDCtrlState *s);

/* ---- helpers ------------------------------------------------------------- */

static FloppyDrive *fdc_drive(FDCtrlState *s, int unit)
{
    return unit < FDC_MAX_DRIVES ? s->drives[unit] : NULL;
}

static bool fdc_dma_mode(FDCtrlState *s)
{
    return !(s->hlt_nd & 1);
}

static void fdc_update_irq(FDCtrlState *s)
{
    /* Not gated by the DOR's DMA gate: a tri-stated ISA IRQ line floats
     * high, and SeaBIOS waits for the reset interrupt with the gate shut
     * (QEMU does not gate it either). */
    irq_set(s->irq,
            s->reset_int || s->seek_pending || s->result_int || s->pio_int);
}

static void fdc_set_dreq(FDCtrlState *s, bool held)
{
    if (s->dma_chan >= 0) {
        isa_dma_set_dreq(s->isa, s->dma_chan, held && (s->dor & DOR_DMAEN));
    }
}

static void fdc_to_command_phase(FDCtrlState *s)
{
    s->phase = PHASE_COMMAND;
    s->cmd_pos = 0;
    s->cmd_len = 0;
    s->res_pos = s->res_len = 0;
    s->xfer = XFER_NONE;
    s->pio_wait = s->pio_int = false;
    if (s->dma_wait) {
        s->dma_wait = false;
        fdc_set_dreq(s, false);
    }
}

/* Enter the result phase with n bytes; irq: a transfer's interrupt. */
static void fdc_result(FDCtrlState *s, int n, bool irq)
{
    s->phase = PHASE_RESULT;
    s->res_len = n;
    s->res_pos = 0;
    s->pio_wait = s->pio_int = false;
    if (s->dma_wait) {
        s->dma_wait = false;
        fdc_set_dreq(s, false);
    }
    s->result_int = irq;
    fdc_update_irq(s);
}

static uint8_t fdc_st0(FDCtrlState *s, uint8_t ic)
{
    return ic | (s->head << 2) | s->drive;
}

/* End a read/write/format/READ ID with its seven result bytes. */
static void fdc_end_transfer(FDCtrlState *s, uint8_t ic)
{
    s->xfer = XFER_NONE;
    s->res[0] = fdc_st0(s, ic);
    s->res[1] = s->st1;
    s->res[2] = s->st2;
    s->res[3] = s->c;
    s->res[4] = s->h;
    s->res[5] = s->r;
    s->res[6] = s->n;
    fdc_result(s, 7, true);
}

static void fdc_abort(FDCtrlState *s, uint8_t st1, uint8_t st2)
{
    s->st1 |= st1;
    s->st2 |= st2;
    fdc_end_transfer(s, ST0_IC_ABNORMAL);
}

/* The selected drive can be read at the current data rate in MFM. */
static FloppyDrive *fdc_medium(FDCtrlState *s, bool mfm)
{
    FloppyDrive *d = fdc_drive(s, s->drive);
    if (!mfm || !floppy_drive_readable(d, s->dsr & DSR_RATE_MASK)) {
        return NULL;
    }
    return d;
}

/*
 * The next sector of a multi-sector transfer (datasheet table "ID
 * information after a command"): R + 1, or past EOT the next head (MT)
 * or cylinder.  Returns false past the end of the track.
 */
static bool fdc_advance(FDCtrlState *s)
{
    if (s->r != s->eot) {
        s->r++;
        return true;
    }
    s->r = 1;
    if (s->mt && !(s->head & 1)) {
        s->head |= 1;
        s->h ^= 1;
        return true;
    }
    if (s->mt) {
        s->head &= ~1;
        s->h ^= 1;
    }
    s->c++;
    return false;
}

/* ---- the image I/O ------------------------------------------------------- */

static void fdc_aio_done(void *opaque, int ret);

typedef struct FDCAio {
    FDCtrlState *s;
    uint32_t gen;
} FDCAio;

static void fdc_aio(FDCtrlState *s, FloppyDrive *d, uint64_t offset, bool write)
{
    FDCAio *a = calloc(1, sizeof(*a));
    a->s = s;
    a->gen = s->gen;
    s->aio_busy = true;
    s->iov.iov_base = s->buf;
    s->iov.iov_len = FDC_SECTOR;
    if (write) {
        blk_aio_pwritev(d->blk, offset, &s->iov, 1, fdc_aio_done, a);
    } else {
        blk_aio_preadv(d->blk, offset, &s->iov, 1, fdc_aio_done, a);
    }
}

/* A sector's data moved to or from the host: on to the next one. */
static void fdc_sector_done(FDCtrlState *s)
{
    /* ST0 reports the head of the last sector; C H R the next one. */
    uint8_t head = s->head;
    bool more;

    if (s->xfer == XFER_FORMAT) {
        more = ++s->fmt_done < s->fmt_sc;
    } else {
        more = fdc_advance(s);
    }
    if (s->xfer == XFER_VERIFY && s->verify_left && !--s->verify_left) {
        /* EC=1: the sector count running out is an implied TC. */
        s->tc = true;
    }
    if (s->tc) {
        /* The host said "enough": normal termination. */
        s->head = head;
        fdc_end_transfer(s, 0);
    } else if (!more) {
        s->head = head;
        if (s->xfer == XFER_FORMAT ||
            (s->xfer == XFER_VERIFY && !(s->cmd[1] & 0x80))) {
            /* VERIFY with EC=0 ends at EOT: a successful termination
             * (it has no TC to wait for). */
            fdc_end_transfer(s, 0);
        } else {
            s->st1 |= ST1_EN;
            fdc_end_transfer(s, ST0_IC_ABNORMAL);
        }
    } else {
        fdc_sector_start(s);
    }
}

/* Offer the data of a read sector, or ask for that of a written one. */
static void fdc_exchange(FDCtrlState *s)
{
    s->buf_pos = 0;
    s->buf_len = s->xfer == XFER_FORMAT ? 4 : FDC_SECTOR;
    if (s->pio) {
        s->pio_wait = s->pio_int = true;
        fdc_update_irq(s);
    } else {
        s->dma_wait = true;
        if (s->dma_chan < 0) {
            log_mask(LOG_GUEST_ERROR,
                     "isa-fdc: DMA transfer without a DMA channel\n");
        }
        fdc_set_dreq(s, true);
    }
}

static void fdc_aio_done(void *opaque, int ret)
{
    FDCAio *a = opaque;
    FDCtrlState *s = a->s;
    bool stale = a->gen != s->gen;

    free(a);
    if (stale) {
        return;
    }
    s->aio_busy = false;
    if (ret < 0) {
        log_mask(LOG_GUEST_ERROR, "isa-fdc: image I/O error: %s\n",
                 strerror(-ret));
        /* -EPERM: a write the block layer refused; otherwise the medium
         * gave no good data: a CRC error to the guest. */
        fdc_abort(s, ret == -EPERM || ret == -EROFS ? ST1_NW : ST1_DE,
                  s->xfer == XFER_WRITE ? 0 : ST2_DD);
        return;
    }
    if (s->xfer == XFER_READ) {
        fdc_exchange(s);
    } else {
        /* Written, formatted, or verified (read, nothing to hand on). */
        fdc_sector_done(s);
    }
}

/* ---- the execution phase of READ/WRITE/FORMAT ---------------------------- */

/* Start moving the sector at (c, head, r) of the selected drive. */
static void fdc_sector_start(FDCtrlState *s)
{
    FloppyDrive *d = fdc_drive(s, s->drive);
    const FloppyFormat *f = d ? d->fmt : NULL;

    s->tc = false;
    if (!f || !d->blk || !blk_is_inserted(d->blk)) {
        fdc_abort(s, ST1_MA, 0);
        return;
    }
    if (s->xfer == XFER_FORMAT) {
        /* The ID field comes first from the host. */
        fdc_exchange(s);
        return;
    }
    /* The ID fields of this track name cylinder c, head `head` and
     * sectors 1..sectors; READ TRACK reads them in order whatever R is. */
    if (d->track >= f->tracks || s->head >= f->heads) {
        fdc_abort(s, ST1_MA, 0);
        return;
    }
    if (s->r < 1 || s->r > f->sectors || s->n != 2 ||
        (!s->track_read && s->h != s->head)) {
        fdc_abort(s, ST1_ND, 0);
        return;
    }
    uint64_t lba =
        ((uint64_t)d->track * f->heads + s->head) * f->sectors + s->r - 1;
    if (s->xfer == XFER_READ || s->xfer == XFER_VERIFY) {
        fdc_aio(s, d, lba * FDC_SECTOR, false);
    } else {
        fdc_exchange(s);
    }
}

/* A sector's data (or a format ID) is complete from the host. */
static void fdc_host_data_done(FDCtrlState *s)
{
    FloppyDrive *d = fdc_drive(s, s->drive);
    const FloppyFormat *f = d ? d->fmt : NULL;

    if (s->xfer == XFER_READ) {
        fdc_sector_done(s);
        return;
    }
    if (!f) {
        /* The medium went away under the transfer. */
        fdc_abort(s, ST1_MA, 0);
        return;
    }
    if (s->xfer == XFER_FORMAT) {
        /* ID field C H R N: our images hold only the standard layout. */
        s->c = s->buf[0];
        s->h = s->buf[1];
        s->r = s->buf[2];
        s->n = s->buf[3];
        if (s->r < 1 || s->r > f->sectors || s->n != 2 ||
            d->track >= f->tracks || s->head >= f->heads) {
            log_unimp_once("isa-fdc: FORMAT TRACK with a layout the image "
                           "cannot hold (only %s, 512-byte sectors 1-%d)",
                           f->name, f->sectors);
            fdc_abort(s, ST1_ND, 0);
            return;
        }
        memset(s->buf, s->fmt_fill, FDC_SECTOR);
    } else if (s->buf_pos < FDC_SECTOR) {
        /* Terminal count inside the sector: the chip pads with zeros. */
        memset(s->buf + s->buf_pos, 0, FDC_SECTOR - s->buf_pos);
    }
    uint64_t lba =
        ((uint64_t)d->track * f->heads + s->head) * f->sectors + s->r - 1;
    fdc_aio(s, d, lba * FDC_SECTOR, true);
}

/* The DMA controller lets us move data (hw/isa/isa-dma.h). */
static void fdc_dma_grant(void *opaque, int chan)
{
    FDCtrlState *s = opaque;
    bool tc = false;
    size_t n;

    if (!s->dma_wait || !(s->dor & DOR_DMAEN)) {
        return;
    }
    if (s->xfer == XFER_READ) {
        n = isa_dma_write_memory(s->isa, chan, s->buf + s->buf_pos,
                                 s->buf_len - s->buf_pos, &tc);
    } else {
        n = isa_dma_read_memory(s->isa, chan, s->buf + s->buf_pos,
                                s->buf_len - s->buf_pos, &tc);
    }
    s->buf_pos += n;
    if (tc) {
        s->tc = true;
    }
    if (tc || s->buf_pos == s->buf_len) {
        s->dma_wait = false;
        fdc_set_dreq(s, false);
        fdc_host_data_done(s);
    }
}

static const IsaDmaClient fdc_dma_client = {
    .grant = fdc_dma_grant,
};

/* ---- commands ------------------------------------------------------------ */

static void fdc_select(FDCtrlState *s, uint8_t b)
{
    s->drive = b & 3;
    s->head = (b >> 2) & 1;
    /* The drive select lines follow the command (the DOR bits too). */
    s->dor = (s->dor & ~DOR_SEL_MASK) | s->drive;
}

static void fdc_cmd_rw(FDCtrlState *s, FDCXfer xfer, bool track_read)
{
    FloppyDrive *d;

    fdc_select(s, s->cmd[1]);
    s->xfer = xfer;
    s->track_read = track_read;
    s->mt = !track_read && (s->cmd[0] & CMD_MT);
    s->c = s->cmd[2];
    s->h = s->cmd[3];
    s->r = track_read ? 1 : s->cmd[4];
    s->n = s->cmd[5];
    s->eot = s->cmd[6];
    s->st1 = s->st2 = 0;
    s->pio = !fdc_dma_mode(s);
    s->phase = PHASE_EXEC;
    d = fdc_medium(s, s->cmd[0] & CMD_MFM);
    if (!d) {
        fdc_abort(s, ST1_MA, 0);
        return;
    }
    if (xfer == XFER_WRITE && d->read_only) {
        fdc_abort(s, ST1_NW, 0);
        return;
    }
    /* VERIFY's last byte is SC when EC (byte 1 bit 7) is set, 0 = 256. */
    s->verify_left = 0;
    if (xfer == XFER_VERIFY && (s->cmd[1] & 0x80)) {
        s->verify_left = s->cmd[8] ? s->cmd[8] : 256;
    }
    /* Implied seek (see the top of the file). */
    s->pcn[s->drive] = s->c;
    floppy_drive_step_to(d, s->c);
    fdc_sector_start(s);
}

static void fdc_cmd_format(FDCtrlState *s)
{
    FloppyDrive *d;

    fdc_select(s, s->cmd[1]);
    s->xfer = XFER_FORMAT;
    s->n = s->cmd[2];
    s->fmt_sc = s->cmd[3];
    s->fmt_fill = s->cmd[5];
    s->fmt_done = 0;
    s->c = s->pcn[s->drive];
    s->h = s->head;
    s->r = 1;
    s->st1 = s->st2 = 0;
    s->mt = s->track_read = false;
    s->pio = !fdc_dma_mode(s);
    s->phase = PHASE_EXEC;
    d = fdc_medium(s, s->cmd[0] & CMD_MFM);
    if (!d) {
        fdc_abort(s, ST1_MA, 0);
    } else if (d->read_only) {
        fdc_abort(s, ST1_NW, 0);
    } else if (s->fmt_sc == 0) {
        fdc_end_transfer(s, 0);
    } else {
        fdc_sector_start(s);
    }
}

static void fdc_cmd_read_id(FDCtrlState *s)
{
    FloppyDrive *d;

    fdc_select(s, s->cmd[1]);
    s->st1 = s->st2 = 0;
    d = fdc_medium(s, s->cmd[0] & CMD_MFM);
    if (!d || d->track >= d->fmt->tracks || s->head >= d->fmt->heads) {
        s->c = s->pcn[s->drive];
        s->h = s->head;
        s->r = 1;
        s->n = 2;
        fdc_abort(s, ST1_MA, 0);
        return;
    }
    /* The first ID field that passes under the head: the disk turns on
     * between two READ IDs. */
    s->c = d->track;
    s->h = s->head;
    s->r = d->next_id % d->fmt->sectors + 1;
    s->n = 2;
    d->next_id = s->r;
    fdc_end_transfer(s, 0);
}

/* SEEK and RECALIBRATE end with an interrupt and SENSE INTERRUPT's ST0. */
static void fdc_seek_done(FDCtrlState *s, uint8_t st0)
{
    s->seek_st0[s->drive] = st0 | s->drive | (s->head << 2);
    s->seek_pending |= BIT(s->drive);
    fdc_to_command_phase(s);
    fdc_update_irq(s);
}

static void fdc_cmd_recalibrate(FDCtrlState *s)
{
    FloppyDrive *d;

    fdc_select(s, s->cmd[1] & 3);
    d = fdc_drive(s, s->drive);
    s->pcn[s->drive] = 0;
    if (!d) {
        /* No TRK0 signal after the 79 steps: equipment check. */
        fdc_seek_done(s, ST0_IC_ABNORMAL | ST0_SE | ST0_EC);
        return;
    }
    floppy_drive_step_to(d, 0);
    fdc_seek_done(s, ST0_SE);
}

static void fdc_cmd_seek(FDCtrlState *s)
{
    unsigned ncn = s->cmd[2];

    fdc_select(s, s->cmd[1]);
    if (s->cmd[0] & 0x80) {
        /* RELATIVE SEEK: DIR (bit 6) 1 = towards the spindle. */
        int pcn = s->pcn[s->drive];
        ncn = (s->cmd[0] & 0x40) ? MIN(pcn + s->cmd[2], 255)
                                 : MAX(pcn - s->cmd[2], 0);
    }
    s->pcn[s->drive] = ncn;
    floppy_drive_step_to(fdc_drive(s, s->drive), ncn);
    fdc_seek_done(s, ST0_SE);
}

static void fdc_cmd_sense_interrupt(FDCtrlState *s)
{
    if (s->reset_sensei) {
        int drive = 4 - s->reset_sensei;
        s->reset_sensei--;
        s->reset_int = false;
        s->res[0] = ST0_IC_POLL | drive;
        s->res[1] = s->pcn[drive];
        fdc_result(s, 2, false);
        return;
    }
    for (int drive = 0; drive < 4; drive++) {
        if (s->seek_pending & BIT(drive)) {
            s->seek_pending &= ~BIT(drive);
            s->res[0] = s->seek_st0[drive];
            s->res[1] = s->pcn[drive];
            fdc_result(s, 2, false);
            return;
        }
    }
    /* Nothing to report: the invalid-command answer. */
    s->res[0] = ST0_IC_INVALID;
    fdc_result(s, 1, false);
}

static void fdc_cmd_sense_drive(FDCtrlState *s)
{
    FloppyDrive *d;

    fdc_select(s, s->cmd[1]);
    d = fdc_drive(s, s->drive);
    s->res[0] = ST3_ONE | (s->head << 2) | s->drive |
                ((!d || d->read_only) ? ST3_WP : 0) |
                ((d && d->track == 0) ? ST3_T0 : 0);
    fdc_result(s, 1, false);
}

static void fdc_cmd_dumpreg(FDCtrlState *s)
{
    memcpy(s->res, s->pcn, 4);
    s->res[4] = s->srt_hut;
    s->res[5] = s->hlt_nd;
    s->res[6] = s->eot;
    s->res[7] = (s->lock << 7) | (s->perp & 0x7f);
    s->res[8] = s->config;
    s->res[9] = s->pretrk;
    fdc_result(s, 10, false);
}

static void fdc_cmd_perpendicular(FDCtrlState *s)
{
    uint8_t v = s->cmd[1];
    /* OW (bit 7) lets the drive bits 2-5 change; GAP and WGATE always. */
    if (v & 0x80) {
        s->perp = v & 0x3f;
    } else {
        s->perp = (s->perp & 0x3c) | (v & 0x03);
    }
    fdc_to_command_phase(s);
}

typedef struct FDCCommand {
    uint8_t value, mask;
    uint8_t len;
    const char *name;
    void (*run)(FDCtrlState *s);
} FDCCommand;

static void fdc_cmd_read(FDCtrlState *s)
{
    fdc_cmd_rw(s, XFER_READ, false);
}
static void fdc_cmd_write(FDCtrlState *s)
{
    fdc_cmd_rw(s, XFER_WRITE, false);
}
static void fdc_cmd_verify(FDCtrlState *s)
{
    fdc_cmd_rw(s, XFER_VERIFY, false);
}
static void fdc_cmd_read_track(FDCtrlState *s)
{
    fdc_cmd_rw(s, XFER_READ, true);
}
static void fdc_cmd_specify(FDCtrlState *s)
{
    s->srt_hut = s->cmd[1];
    s->hlt_nd = s->cmd[2];
    fdc_to_command_phase(s);
}
static void fdc_cmd_version(FDCtrlState *s)
{
    s->res[0] = FDC_VERSION;
    fdc_result(s, 1, false);
}
static void fdc_cmd_configure(FDCtrlState *s)
{
    s->config = s->cmd[2] & 0x7f;
    s->pretrk = s->cmd[3];
    fdc_to_command_phase(s);
}
static void fdc_cmd_lock(FDCtrlState *s)
{
    s->lock = s->cmd[0] >> 7;
    s->res[0] = s->lock << 4;
    fdc_result(s, 1, false);
}
static void fdc_cmd_unimplemented(FDCtrlState *s)
{
    log_unimp_once("isa-fdc: command 0x%02x not supported", s->cmd[0]);
    s->res[0] = ST0_IC_INVALID;
    fdc_result(s, 1, false);
}

/* The 82077AA's command set; the first match wins. */
static const FDCCommand fdc_commands[] = {
    {0x06, 0x1f, 9, "READ DATA", fdc_cmd_read},
    {0x05, 0x3f, 9, "WRITE DATA", fdc_cmd_write},
    {0x02, 0xbf, 9, "READ TRACK", fdc_cmd_read_track},
    {0x0d, 0xbf, 6, "FORMAT TRACK", fdc_cmd_format},
    {0x0a, 0xbf, 2, "READ ID", fdc_cmd_read_id},
    {0x07, 0xff, 2, "RECALIBRATE", fdc_cmd_recalibrate},
    {0x08, 0xff, 1, "SENSE INTERRUPT STATUS", fdc_cmd_sense_interrupt},
    {0x03, 0xff, 3, "SPECIFY", fdc_cmd_specify},
    {0x04, 0xff, 2, "SENSE DRIVE STATUS", fdc_cmd_sense_drive},
    {0x0f, 0x3f, 3, "SEEK", fdc_cmd_seek}, /* 0x8f/0xcf: relative */
    {0x13, 0xff, 4, "CONFIGURE", fdc_cmd_configure},
    {0x0e, 0xff, 1, "DUMPREG", fdc_cmd_dumpreg},
    {0x10, 0xff, 1, "VERSION", fdc_cmd_version},
    {0x14, 0x7f, 1, "LOCK", fdc_cmd_lock},
    {0x12, 0xff, 2, "PERPENDICULAR MODE", fdc_cmd_perpendicular},
    /* On the chip, not here: READ/WRITE DELETED DATA, the SCANs. */
    {0x0c, 0x1f, 9, "READ DELETED DATA", fdc_cmd_unimplemented},
    {0x09, 0x3f, 9, "WRITE DELETED DATA", fdc_cmd_unimplemented},
    {0x16, 0x1f, 9, "VERIFY", fdc_cmd_verify},
    {0x11, 0x1f, 9, "SCAN EQUAL", fdc_cmd_unimplemented},
    {0x19, 0x1f, 9, "SCAN LOW OR EQUAL", fdc_cmd_unimplemented},
    {0x1d, 0x1f, 9, "SCAN HIGH OR EQUAL", fdc_cmd_unimplemented},
};

static const FDCCommand *fdc_find_command(uint8_t b)
{
    for (size_t i = 0; i < ARRAY_SIZE(fdc_commands); i++) {
        if ((b & fdc_commands[i].mask) == fdc_commands[i].value) {
            return &fdc_commands[i];
        }
    }
    return NULL;
}

/* ---- registers ----------------------------------------------------------- */

static void fdc_drain(FDCtrlState *s);

static void fdc_soft_reset(FDCtrlState *s)
{
    /* Drop what runs.  A request in flight still owns s->buf: wait for
     * it (its completion, now stale, is ignored) before a new command
     * may use the buffer. */
    s->gen++;
    if (s->aio_busy) {
        fdc_drain(s);
    }
    fdc_to_command_phase(s);
    s->seek_pending = 0;
    s->result_int = false;
    s->dsr &= DSR_RATE_MASK;
    if (!s->lock) {
        /* LOCK keeps the FIFO settings and PRETRK over software resets. */
        s->config = CONFIG_DEFAULT;
        s->pretrk = 0;
    }
    s->reset_sensei = 0;
    s->reset_int = false;
    fdc_update_irq(s);
}

/* Leaving reset: the chip polls the drives and reports a ready change of
 * each of the four with an interrupt (datasheet 5.2, "Polling"). */
static void fdc_reset_done(FDCtrlState *s)
{
    s->reset_sensei = 4;
    s->reset_int = true;
    fdc_update_irq(s);
}

static uint8_t fdc_msr(FDCtrlState *s)
{
    if (!(s->dor & DOR_NRESET)) {
        return 0;
    }
    switch (s->phase) {
    case PHASE_COMMAND:
        return MSR_RQM | (s->cmd_pos ? MSR_CB : 0);
    case PHASE_RESULT:
        return MSR_RQM | MSR_DIO | MSR_CB;
    default:
        if (s->pio) {
            return MSR_CB | MSR_NONDMA | (s->pio_wait ? MSR_RQM : 0) |
                   (s->pio_wait && s->xfer == XFER_READ ? MSR_DIO : 0);
        }
        return MSR_CB;
    }
}

static uint8_t fdc_fifo_read(FDCtrlState *s)
{
    uint8_t v;

    if (s->phase == PHASE_RESULT) {
        v = s->res[s->res_pos++];
        if (s->result_int) {
            /* Reading the results clears a transfer's interrupt. */
            s->result_int = false;
            fdc_update_irq(s);
        }
        if (s->res_pos >= s->res_len) {
            fdc_to_command_phase(s);
        }
        return v;
    }
    if (s->phase == PHASE_EXEC && s->pio_wait && s->xfer == XFER_READ) {
        v = s->buf[s->buf_pos++];
        s->pio_int = false;
        fdc_update_irq(s);
        if (s->buf_pos == s->buf_len) {
            s->pio_wait = false;
            fdc_host_data_done(s);
        } else {
            s->pio_int = true; /* the next byte is there */
            fdc_update_irq(s);
        }
        return v;
    }
    log_mask(LOG_GUEST_ERROR, "isa-fdc: FIFO read with nothing to read\n");
    return 0;
}

static void fdc_fifo_write(FDCtrlState *s, uint8_t v)
{
    if (s->phase == PHASE_EXEC && s->pio_wait && s->xfer != XFER_READ) {
        s->buf[s->buf_pos++] = v;
        s->pio_int = false;
        fdc_update_irq(s);
        if (s->buf_pos == s->buf_len) {
            s->pio_wait = false;
            fdc_host_data_done(s);
        } else {
            s->pio_int = true;
            fdc_update_irq(s);
        }
        return;
    }
    if (s->phase != PHASE_COMMAND) {
        log_mask(LOG_GUEST_ERROR, "isa-fdc: FIFO write 0x%02x while busy\n", v);
        return;
    }
    if (s->cmd_pos == 0) {
        const FDCCommand *c = fdc_find_command(v);
        /* A new command takes the place of a transfer's interrupt; any
         * but SENSE INTERRUPT STATUS drops the polling results a reset
         * left (SeaBIOS senses one and goes on to RECALIBRATE). */
        s->result_int = false;
        if (v != 0x08) {
            s->reset_sensei = 0;
            s->reset_int = false;
        }
        fdc_update_irq(s);
        if (!c) {
            log_mask(LOG_GUEST_ERROR, "isa-fdc: invalid command 0x%02x\n", v);
            s->res[0] = ST0_IC_INVALID;
            fdc_result(s, 1, false);
            return;
        }
        s->cmd_len = c->len;
    }
    s->cmd[s->cmd_pos++] = v;
    if (s->cmd_pos == s->cmd_len) {
        trace(fdc_command, "%s (0x%02x)", fdc_find_command(s->cmd[0])->name,
              s->cmd[0]);
        fdc_find_command(s->cmd[0])->run(s);
    }
}

static uint64_t fdc_read_do(void *opaque, uint64_t addr, unsigned size)
{
    FDCtrlState *s = opaque;

    switch (addr) {
    case 2:
        return s->dor;
    case 3:
        return s->tdr;
    case 4:
        return fdc_msr(s);
    case 5:
        if (!(s->dor & DOR_NRESET)) {
            return 0;
        }
        return fdc_fifo_read(s);
    default: /* SRA, SRB: PS/2 modes only */
        return 0xff;
    }
}

static uint64_t fdc_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = fdc_read_do(opaque, addr, size);
    trace(fdc_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr, val,
          size);
    return val;
}

static void fdc_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    trace(fdc_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr, val,
          size);
    FDCtrlState *s = opaque;

    switch (addr) {
    case 2: {
        uint8_t old = s->dor;
        s->dor = val;
        if (!(val & DOR_NRESET) && (old & DOR_NRESET)) {
            fdc_soft_reset(s);
        } else if ((val & DOR_NRESET) && !(old & DOR_NRESET)) {
            fdc_reset_done(s);
        }
        /* The DMA gate opens or closes IRQ and DRQ. */
        fdc_update_irq(s);
        if ((val ^ old) & DOR_DMAEN) {
            fdc_set_dreq(s, s->dma_wait);
        }
        break;
    }
    case 3:
        s->tdr = val & 3;
        break;
    case 4:
        s->dsr = val & 0x7f;
        if (val & DSR_RESET) {
            /* Self-clearing software reset. */
            fdc_soft_reset(s);
            fdc_reset_done(s);
        }
        break;
    case 5:
        if (s->dor & DOR_NRESET) {
            fdc_fifo_write(s, val);
        }
        break;
    default:
        break;
    }
}

static uint64_t fdc_dir_read_do(void *opaque, uint64_t addr, unsigned size)
{
    FDCtrlState *s = opaque;
    FloppyDrive *d = fdc_drive(s, s->dor & DOR_SEL_MASK);
    /* Bits 0-6 belong to the hard disk controller in AT mode. */
    return d && d->changed ? DIR_DSKCHG : 0;
}

static uint64_t fdc_dir_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = fdc_dir_read_do(opaque, addr, size);
    trace(fdc_dir_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void fdc_ccr_write(void *opaque, uint64_t addr, uint64_t val,
                          unsigned size)
{
    trace(fdc_ccr_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    FDCtrlState *s = opaque;
    s->dsr = (s->dsr & ~DSR_RATE_MASK) | (val & DSR_RATE_MASK);
}

static const MemoryRegionOps fdc_ops = {
    .read = fdc_read,
    .write = fdc_write,
    ISA_BYTE_OPS_SIZES,
};

static const MemoryRegionOps fdc_dir_ops = {
    .read = fdc_dir_read,
    .write = fdc_ccr_write,
    ISA_BYTE_OPS_SIZES,
};

/* ---- drives -------------------------------------------------------------- */

int fdc_attach_drive(FDCtrlState *s, FloppyDrive *d, Error **errp)
{
    if (d->unit < 0) {
        for (int u = 0; u < FDC_MAX_DRIVES && d->unit < 0; u++) {
            if (!s->drives[u]) {
                d->unit = u;
            }
        }
        if (d->unit < 0) {
            error_setg(errp, "floppy: %s has no free unit (0 and 1 taken)",
                       s->bus.qbus.name);
            return -EBUSY;
        }
    }
    if (d->unit >= FDC_MAX_DRIVES) {
        error_setg(errp, "floppy: unit %d does not exist (0 or 1)", d->unit);
        return -EINVAL;
    }
    if (s->drives[d->unit]) {
        error_setg(errp, "floppy: unit %d of %s is already used by %s", d->unit,
                   s->bus.qbus.name, device_label(&s->drives[d->unit]->parent));
        return -EBUSY;
    }
    s->drives[d->unit] = d;
    d->fdc = s;
    return 0;
}

void fdc_detach_drive(FDCtrlState *s, FloppyDrive *d)
{
    if (s && d->unit >= 0 && d->unit < FDC_MAX_DRIVES &&
        s->drives[d->unit] == d) {
        s->drives[d->unit] = NULL;
    }
    d->fdc = NULL;
}

int fdc_drive_cmos_type(FDCtrlState *s, int unit)
{
    FloppyDrive *d = fdc_drive(s, unit);
    if (!d) {
        return 0;
    }
    return d->fmt ? d->fmt->cmos_type : 4;
}

BusState *fdc_get_bus(FDCtrlState *s)
{
    return &s->bus.qbus;
}

/* ---- reset, state, realize ----------------------------------------------- */

static void fdc_drain(FDCtrlState *s)
{
    for (int u = 0; u < FDC_MAX_DRIVES; u++) {
        if (s->drives[u] && s->drives[u]->blk) {
            blk_drain(s->drives[u]->blk);
        }
    }
    s->aio_busy = false;
}

static void fdc_reset(DeviceState *dev)
{
    FDCtrlState *s = (FDCtrlState *)dev;

    /* Hardware reset: the DOR reset bit is low until the BIOS lifts it,
     * LOCK is cleared, SPECIFY's values are undefined (ours: DMA mode). */
    s->gen++;
    fdc_drain(s);
    s->lock = false;
    fdc_soft_reset(s);
    s->dor = 0;
    s->tdr = 0;
    s->dsr = FDC_RATE_250K;
    s->srt_hut = s->hlt_nd = 0;
    s->perp = 0;
    memset(s->pcn, 0, sizeof(s->pcn));
    fdc_update_irq(s);
}

static int fdc_post_load(void *opaque)
{
    FDCtrlState *s = opaque;
    /* A sector in flight is not saved: the snapshot is taken drained. */
    s->aio_busy = false;
    fdc_update_irq(s);
    return 0;
}

static const VMStateField fdc_fields[] = {
    VMSTATE_U8(dor, FDCtrlState),
    VMSTATE_U8(tdr, FDCtrlState),
    VMSTATE_U8(dsr, FDCtrlState),
    VMSTATE_U8(srt_hut, FDCtrlState),
    VMSTATE_U8(hlt_nd, FDCtrlState),
    VMSTATE_U8(config, FDCtrlState),
    VMSTATE_U8(pretrk, FDCtrlState),
    VMSTATE_U8(perp, FDCtrlState),
    VMSTATE_BOOL(lock, FDCtrlState),
    VMSTATE_U8_ARRAY(pcn, FDCtrlState, 4),
    VMSTATE_U8(phase, FDCtrlState),
    VMSTATE_U8_ARRAY(cmd, FDCtrlState, 9),
    VMSTATE_U8(cmd_len, FDCtrlState),
    VMSTATE_U8(cmd_pos, FDCtrlState),
    VMSTATE_U8_ARRAY(res, FDCtrlState, 10),
    VMSTATE_U8(res_len, FDCtrlState),
    VMSTATE_U8(res_pos, FDCtrlState),
    VMSTATE_U8(reset_sensei, FDCtrlState),
    VMSTATE_BOOL(reset_int, FDCtrlState),
    VMSTATE_U8(seek_pending, FDCtrlState),
    VMSTATE_U8_ARRAY(seek_st0, FDCtrlState, 4),
    VMSTATE_BOOL(result_int, FDCtrlState),
    VMSTATE_BOOL(pio_int, FDCtrlState),
    VMSTATE_U8(xfer, FDCtrlState),
    VMSTATE_U8(drive, FDCtrlState),
    VMSTATE_U8(head, FDCtrlState),
    VMSTATE_U8(c, FDCtrlState),
    VMSTATE_U8(h, FDCtrlState),
    VMSTATE_U8(r, FDCtrlState),
    VMSTATE_U8(n, FDCtrlState),
    VMSTATE_U8(eot, FDCtrlState),
    VMSTATE_BOOL(mt, FDCtrlState),
    VMSTATE_BOOL(pio, FDCtrlState),
    VMSTATE_BOOL(track_read, FDCtrlState),
    VMSTATE_U8(st1, FDCtrlState),
    VMSTATE_U8(st2, FDCtrlState),
    VMSTATE_U8(fmt_sc, FDCtrlState),
    VMSTATE_U8(fmt_fill, FDCtrlState),
    VMSTATE_U8(fmt_done, FDCtrlState),
    VMSTATE_U16(verify_left, FDCtrlState),
    VMSTATE_BUFFER(buf, FDCtrlState),
    VMSTATE_U32(buf_pos, FDCtrlState),
    VMSTATE_U32(buf_len, FDCtrlState),
    VMSTATE_BOOL(dma_wait, FDCtrlState),
    VMSTATE_BOOL(pio_wait, FDCtrlState),
    VMSTATE_BOOL(tc, FDCtrlState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_fdc = {
    .name = "isa-fdc",
    .version = 1,
    .fields = fdc_fields,
    .post_load = fdc_post_load,
};

static int fdc_realize(DeviceState *dev, Error **errp)
{
    FDCtrlState *s = (FDCtrlState *)dev;
    ISABus *bus = isa_bus(dev);

    if (!bus) {
        error_setg(errp, "isa-fdc: needs an ISA bus");
        return -EINVAL;
    }
    if (s->iobase > 0xfff8 || s->irq_num > 15 || s->dma_chan > 7 ||
        s->dma_chan < -1 || s->dma_chan == 4) {
        error_setg(errp,
                   "isa-fdc: iobase 0x%x, irq %u, dma %d: out of "
                   "range (dma 0-3, 5-7 or -1)",
                   s->iobase, s->irq_num, s->dma_chan);
        return -EINVAL;
    }
    s->isa = bus;
    memory_region_init_io(&s->io, &fdc_ops, s, "isa-fdc", 6);
    memory_region_init_io(&s->io_dir, &fdc_dir_ops, s, "isa-fdc-dir", 1);
    if (isa_register_ioport(bus, dev, &s->io, s->iobase, errp) < 0) {
        goto fail;
    }
    if (isa_register_ioport(bus, dev, &s->io_dir, s->iobase + 7, errp) < 0) {
        goto fail_io;
    }
    if (s->dma_chan >= 0 &&
        isa_dma_attach(bus, s->dma_chan, dev, &fdc_dma_client, s, errp) < 0) {
        goto fail_dir;
    }
    s->irq = isa_get_irq(bus, s->irq_num);
    s->bus.fdc = s;
    bus_init(&s->bus.qbus, "floppy-bus", NULL, dev);
    return 0;

fail_dir:
    isa_unregister_ioport(bus, &s->io_dir);
fail_io:
    isa_unregister_ioport(bus, &s->io);
fail:
    memory_region_finalize(&s->io);
    memory_region_finalize(&s->io_dir);
    return -EBUSY;
}

static void fdc_unrealize(DeviceState *dev)
{
    FDCtrlState *s = (FDCtrlState *)dev;

    fdc_drain(s);
    bus_cleanup(&s->bus.qbus);
    if (s->dma_chan >= 0) {
        isa_dma_detach(s->isa, s->dma_chan);
    }
    isa_unregister_ioport(s->isa, &s->io);
    isa_unregister_ioport(s->isa, &s->io_dir);
    memory_region_finalize(&s->io);
    memory_region_finalize(&s->io_dir);
}

static const Property fdc_props[] = {
    DEFINE_PROP_U32("iobase", FDCtrlState, iobase, 0x3f0, "I/O base"),
    DEFINE_PROP_U32("irq", FDCtrlState, irq_num, 6, "ISA IRQ"),
    DEFINE_PROP_I32("dma", FDCtrlState, dma_chan, 2,
                    "ISA DMA channel (-1: none)"),
    DEFINE_PROP_END,
};

static const DeviceClass fdc_class = {
    .name = TYPE_ISA_FDC,
    .desc = "Intel 82077AA floppy disk controller",
    .bus = "isa",
    .instance_size = sizeof(FDCtrlState),
    .props = fdc_props,
    .user_creatable = true,
    .realize = fdc_realize,
    .unrealize = fdc_unrealize,
    .reset = fdc_reset,
    .vmsd = &vmstate_fdc,
};
DEVICE_CLASS_REGISTER(fdc_class);

FDCtrlState *fdc_from_device(DeviceState *dev)
{
    return dev && dev->cls == &fdc_class ? (FDCtrlState *)dev : NULL;
}

FDCtrlState *fdc_init_isa(ISABus *bus, Error **errp)
{
    DeviceState *dev = device_new_class(&fdc_class);

    if (device_realize(dev, &bus->qbus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return (FDCtrlState *)dev;
}
