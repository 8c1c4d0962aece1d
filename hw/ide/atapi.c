/*
 * ATAPI CD-ROM: the PACKET command protocol (ATA/ATAPI-6) and the MMC
 * commands firmware and drivers send (run against SeaBIOS's El Torito
 * boot, GRUB and Linux's sr/ata_piix).
 *
 * Commands are decoded from the 12-byte packet in a table with two flags:
 * whether they need a medium (else NOT READY / MEDIUM NOT PRESENT) and
 * whether they run despite a pending unit attention (INQUIRY, REQUEST
 * SENSE, GET CONFIGURATION, GET EVENT STATUS NOTIFICATION).  Data-in goes by
 * PIO in chunks no larger than the host's byte count limit, or by DMA when the
 * PACKET command's feature bit 0 asks. CD sectors are read asynchronously:
 * 2048-byte user data only (no raw or audio sectors, no READ CD).
 */
#include "emu/common.h"
#include "emu/trace.h"
#include "hw/ide/ide-internal.h"

#define ATAPI_NEED_MEDIUM 0x01
#define ATAPI_ALLOW_UA    0x02

/* MMC profile numbers (MMC-5, GET CONFIGURATION). */
#define MMC_PROFILE_NONE  0x0000
#define MMC_PROFILE_CDROM 0x0008

static inline uint16_t ld16be(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

static inline uint32_t ld32be(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static inline void st16be(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static inline void st32be(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static bool atapi_medium_present(IDEState *s)
{
    return s->blk && blk_is_inserted(s->blk) && !s->tray_open;
}

static uint32_t atapi_nb_sectors(IDEState *s)
{
    return atapi_medium_present(s) ? blk_getlength(s->blk) / CD_SECTOR : 0;
}

/* Logical block address to minutes/seconds/frames (2 s of pre-gap). */
static void lba_to_msf(uint8_t *p, uint32_t lba)
{
    lba += 150;
    p[0] = lba / (60 * 75);
    p[1] = (lba / 75) % 60;
    p[2] = lba % 75;
}

/* Address field of a TOC entry: 00 M S F or a big-endian LBA. */
static void toc_addr(uint8_t *p, uint32_t lba, bool msf)
{
    if (msf) {
        p[0] = 0;
        lba_to_msf(p + 1, lba);
    } else {
        st32be(p, lba);
    }
}

/* ---- Completion --------------------------------------------------------- */

static void atapi_cmd_ok(IDEState *s)
{
    ide_transfer_stop(s);
    s->error = 0;
    s->status = ST_DRDY | ST_DSC;
    s->nsector = IR_IO | IR_COD;
    s->sense_key = SENSE_NONE;
    s->asc = s->ascq = 0;
    ide_set_irq(s->bus);
}

/* CHECK CONDITION: the sense key in the error register, the details for
 * REQUEST SENSE (ATA-6 PACKET command, error outputs). */
static void atapi_cmd_error(IDEState *s, uint8_t key, uint8_t asc, uint8_t ascq)
{
    ide_transfer_stop(s);
    s->error = (key << 4) | ER_ABRT;
    s->status = ST_DRDY | ST_ERR;
    s->nsector = IR_IO | IR_COD;
    s->sense_key = key;
    s->asc = asc;
    s->ascq = ascq;
    s->io_remaining = 0;
    s->atapi_total = 0;
    ide_set_irq(s->bus);
}

static void atapi_not_ready(IDEState *s)
{
    /* ASCQ 1: tray closed, no disc; 2: tray open (MMC-5 sense codes). */
    atapi_cmd_error(s, SENSE_NOT_READY, ASC_NO_MEDIUM, s->tray_open ? 2 : 1);
}

static void atapi_invalid_field(IDEState *s)
{
    atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD_IN_CDB, 0);
}

static void atapi_io_error(IDEState *s, int ret)
{
    if (ret == -ENOMEDIUM) {
        atapi_not_ready(s);
    } else {
        /* MEDIUM ERROR, UNRECOVERED READ ERROR */
        atapi_cmd_error(s, 0x03, 0x11, 0);
    }
}

/* ---- Data-in ---------------------------------------------------------- */

static void atapi_read_cb(void *opaque, int ret)
{
    IDEState *s = opaque;
    uint32_t n = s->io_block;

    s->aio_busy = false;
    if (ret < 0) {
        atapi_io_error(s, ret);
        return;
    }
    s->io_sector += n;
    s->io_remaining -= n;
    s->atapi_buf_pos = 0;
    s->atapi_buf_len = n * CD_SECTOR;
    ide_atapi_pio_next(s);
}

/* Give the host the next chunk of the reply (the PACKET protocol's DRQ data
 * blocks of a PACKET command): refill from the medium when the buffer is
 * empty. */
void ide_atapi_pio_next(IDEState *s)
{
    if (!s->atapi_total) {
        atapi_cmd_ok(s);
        return;
    }
    if (s->atapi_buf_pos >= s->atapi_buf_len) {
        struct iovec iov;
        if (!s->io_remaining) {
            atapi_cmd_ok(s); /* reply shorter than promised: done */
            return;
        }
        s->io_block = MIN(s->io_remaining, IDE_BUF_SIZE / CD_SECTOR);
        s->status = ST_DRDY | ST_BSY;
        s->aio_busy = true;
        iov.iov_base = s->io_buffer;
        iov.iov_len = s->io_block * CD_SECTOR;
        blk_aio_preadv(s->blk, s->io_sector * CD_SECTOR, &iov, 1, atapi_read_cb,
                       s);
        return;
    }
    uint32_t limit = s->atapi_limit;
    if (limit == 0 || limit == 0xffff) {
        limit = 0xfffe; /* 0 is a host error; Linux and QEMU use 0xfffe */
    }
    uint32_t chunk = MIN(s->atapi_total, s->atapi_buf_len - s->atapi_buf_pos);
    if (chunk > limit) {
        /* Only the last chunk of a transfer may be odd (ATA-6 PACKET). */
        chunk = MAX(limit & ~1u, 2);
    }
    s->lcyl = chunk;
    s->hcyl = chunk >> 8;
    s->nsector = IR_IO;
    s->status = ST_DRDY | ST_DSC | ST_DRQ;
    s->data_pos = s->atapi_buf_pos;
    s->data_end = s->atapi_buf_pos + chunk;
    s->end_transfer = ETF_ATAPI_PIO;
    s->atapi_buf_pos += chunk;
    s->atapi_total -= chunk;
    ide_set_irq(s->bus);
}

/* A reply built in io_buffer: at most alloc bytes of len go to the host. */
static void atapi_reply(IDEState *s, uint32_t len, uint32_t alloc)
{
    s->atapi_total = MIN(len, alloc);
    s->io_remaining = 0;
    if (!s->atapi_total) {
        atapi_cmd_ok(s);
        return;
    }
    if (s->atapi_dma) {
        s->dma_buf_len = s->atapi_total;
        ide_dma_start(s, DMA_ATAPI_BUF);
        return;
    }
    s->atapi_buf_pos = 0;
    s->atapi_buf_len = s->atapi_total;
    ide_atapi_pio_next(s);
}

void ide_atapi_dma_done(IDEState *s, int ret)
{
    if (ret < 0) {
        atapi_io_error(s, ret);
    } else {
        atapi_cmd_ok(s);
    }
}

/* ---- Commands ----------------------------------------------------------- */

static void atapi_test_unit_ready(IDEState *s, uint8_t *buf)
{
    atapi_cmd_ok(s);
}

static void atapi_request_sense(IDEState *s, uint8_t *buf)
{
    if (s->unit_attention) {
        s->unit_attention = false;
        s->sense_key = SENSE_UNIT_ATTENTION;
        s->asc = ASC_MEDIUM_CHANGED;
        s->ascq = 0;
    }
    memset(buf, 0, 18);
    buf[0] = 0x70; /* current error, fixed format */
    buf[2] = s->sense_key;
    buf[7] = 10;
    buf[12] = s->asc;
    buf[13] = s->ascq;
    /* The condition is reported once (SPC-3 sense data). */
    s->sense_key = SENSE_NONE;
    s->asc = s->ascq = 0;
    atapi_reply(s, 18, s->packet[4]);
}

static void atapi_inquiry(IDEState *s, uint8_t *buf)
{
    if (s->packet[1] & 1) { /* EVPD pages: none */
        atapi_invalid_field(s);
        return;
    }
    memset(buf, 0, 36);
    buf[0] = 0x05; /* CD/DVD device */
    buf[1] = 0x80; /* removable */
    buf[2] = 0x00;
    buf[3] = 0x21; /* ATAPI transport version 2, response format 1 */
    buf[4] = 31;
    memcpy(buf + 8, "EMU     ", 8);
    memset(buf + 16, ' ', 16);
    memcpy(buf + 16, s->model, MIN(strlen(s->model), 16));
    memset(buf + 32, ' ', 4);
    memcpy(buf + 32, s->fw_rev, MIN(strlen(s->fw_rev), 4));
    atapi_reply(s, 36, ld16be(s->packet + 3));
}

static void atapi_read_capacity(IDEState *s, uint8_t *buf)
{
    st32be(buf, atapi_nb_sectors(s) - 1); /* last LBA */
    st32be(buf + 4, CD_SECTOR);
    atapi_reply(s, 8, 8);
}

static void atapi_read(IDEState *s, uint32_t lba, uint32_t count)
{
    uint32_t total = atapi_nb_sectors(s);

    if (lba > total || count > total - lba) {
        atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
        return;
    }
    if (!count) {
        atapi_cmd_ok(s);
        return;
    }
    s->io_sector = lba;
    s->io_remaining = count;
    if (s->atapi_dma) {
        ide_dma_start(s, DMA_ATAPI_READ);
        return;
    }
    s->atapi_total = count * CD_SECTOR;
    s->atapi_buf_pos = s->atapi_buf_len = 0;
    ide_atapi_pio_next(s);
}

static void atapi_read10(IDEState *s, uint8_t *buf)
{
    atapi_read(s, ld32be(s->packet + 2), ld16be(s->packet + 7));
}

static void atapi_read12(IDEState *s, uint8_t *buf)
{
    atapi_read(s, ld32be(s->packet + 2), ld32be(s->packet + 6));
}

/* READ TOC/PMA/ATIP (MMC-5): one data track starting at LBA 0. */
static void atapi_read_toc(IDEState *s, uint8_t *buf)
{
    uint8_t *p = s->packet;
    bool msf = p[1] & 2;
    uint8_t fmt = p[2] & 0x0f;
    uint8_t start = p[6];
    uint32_t leadout = atapi_nb_sectors(s);
    uint8_t *q = buf + 4;

    if (!fmt) {
        fmt = p[9] >> 6; /* the older place of the format (SFF-8020i) */
    }
    switch (fmt) {
    case 0: /* TOC */
        if (start > 1 && start != 0xaa) {
            atapi_invalid_field(s);
            return;
        }
        if (start <= 1) {
            q[0] = 0;
            q[1] = 0x14; /* ADR 1, data track */
            q[2] = 1;
            q[3] = 0;
            toc_addr(q + 4, 0, msf);
            q += 8;
        }
        q[0] = 0;
        q[1] = 0x14;
        q[2] = 0xaa; /* lead-out */
        q[3] = 0;
        toc_addr(q + 4, leadout, msf);
        q += 8;
        break;
    case 1: /* multi-session information: one session */
        q[0] = 0;
        q[1] = 0x14;
        q[2] = 1;
        q[3] = 0;
        toc_addr(q + 4, 0, msf);
        q += 8;
        break;
    case 2: { /* raw TOC: A0, A1, A2 and track 1, always in MSF */
        static const uint8_t points[] = {0xa0, 0xa1, 0xa2, 0x01};
        for (int i = 0; i < 4; i++) {
            memset(q, 0, 11);
            q[0] = 1;    /* session */
            q[1] = 0x14; /* ADR 1, data */
            q[3] = points[i];
            switch (points[i]) {
            case 0xa0:
                q[8] = 1; /* first track; PSEC 0: CD-ROM disc */
                break;
            case 0xa1:
                q[8] = 1; /* last track */
                break;
            case 0xa2:
                lba_to_msf(q + 8, leadout);
                break;
            default:
                lba_to_msf(q + 8, 0);
                break;
            }
            q += 11;
        }
        break;
    }
    default:
        atapi_invalid_field(s);
        return;
    }
    uint32_t len = q - buf;
    st16be(buf, len - 2);
    buf[2] = 1; /* first track or session */
    buf[3] = 1; /* last */
    atapi_reply(s, len, ld16be(p + 7));
}

/* One feature descriptor of GET CONFIGURATION (MMC-5). */
static uint8_t *gc_feature(uint8_t *q, uint16_t code, uint8_t flags,
                           uint8_t len)
{
    st16be(q, code);
    q[2] = flags; /* version << 2 | persistent << 1 | current */
    q[3] = len;
    memset(q + 4, 0, len);
    return q + 4;
}

static void atapi_get_configuration(IDEState *s, uint8_t *buf)
{
    uint8_t *p = s->packet;
    uint8_t rt = p[1] & 3;
    uint16_t first = ld16be(p + 2);
    bool media = atapi_medium_present(s);
    uint8_t *q = buf + 8;

    if (rt == 3) {
        atapi_invalid_field(s);
        return;
    }
    memset(buf, 0, 8);
    st16be(buf + 6, media ? MMC_PROFILE_CDROM : MMC_PROFILE_NONE);
    /* Features in ascending order: profile list, core, removable medium,
     * CD read; rt 1 keeps the current ones, rt 2 only `first`. */
    struct {
        uint16_t code;
        bool current;
    } feats[] = {
        {0x0000, true}, {0x0001, true}, {0x0003, true}, {0x001e, media}};
    for (unsigned i = 0; i < ARRAY_SIZE(feats); i++) {
        uint16_t c = feats[i].code;
        if (c < first || (rt == 1 && !feats[i].current) ||
            (rt == 2 && c != first)) {
            continue;
        }
        uint8_t *d;
        switch (c) {
        case 0x0000: /* profile list: CD-ROM */
            d = gc_feature(q, c, 0x03, 4);
            st16be(d, MMC_PROFILE_CDROM);
            d[2] = media;
            q = d + 4;
            break;
        case 0x0001: /* core: ATAPI, DBE */
            d = gc_feature(q, c, 0x0b, 8);
            st32be(d, 2);
            d[4] = 1;
            q = d + 8;
            break;
        case 0x0003: /* removable medium: tray, eject, lock */
            d = gc_feature(q, c, 0x03, 4);
            d[0] = 0x20 | 0x08 | 0x01 | (s->tray_locked ? 0x04 : 0);
            q = d + 4;
            break;
        default: /* CD read */
            d = gc_feature(q, c, 0x08 | (media ? 1 : 0), 4);
            q = d + 4;
            break;
        }
    }
    uint32_t len = q - buf;
    st32be(buf, len - 4);
    atapi_reply(s, len, ld16be(p + 7));
}

/* GET EVENT STATUS NOTIFICATION (MMC-5): the media class only. */
static void atapi_get_event_status(IDEState *s, uint8_t *buf)
{
    uint8_t *p = s->packet;

    if (!(p[1] & 1)) { /* asynchronous notification: not supported */
        atapi_invalid_field(s);
        return;
    }
    buf[3] = 1 << 4; /* supported classes: media */
    if (!(p[4] & (1 << 4))) {
        st16be(buf, 2);
        buf[2] = 0x80; /* no event available */
        atapi_reply(s, 4, ld16be(p + 7));
        return;
    }
    uint8_t code = 0;
    if (s->event_eject_request) {
        code = 1;
        s->event_eject_request = false;
    } else if (s->event_new_media) {
        code = 2;
        s->event_new_media = false;
    } else if (s->event_media_removal) {
        code = 3;
        s->event_media_removal = false;
    }
    st16be(buf, 6);
    buf[2] = 4; /* media class */
    buf[4] = code;
    buf[5] = (atapi_medium_present(s) ? 2 : 0) | (s->tray_open ? 1 : 0);
    buf[6] = buf[7] = 0;
    atapi_reply(s, 8, ld16be(p + 7));
}

/* MODE SENSE(10) (SPC-3, MMC-5 mode pages): pages 01h, 0Eh, 2Ah. */
static uint8_t *mode_page(IDEState *s, uint8_t *q, uint8_t page, bool mask)
{
    uint8_t len = page == 0x2a ? 20 : page == 0x0e ? 16 : 8;

    memset(q, 0, len);
    q[0] = page;
    q[1] = len - 2;
    if (mask) {
        return q + len; /* changeable values: nothing is */
    }
    switch (page) {
    case 0x01:    /* read error recovery */
        q[3] = 5; /* read retry count */
        break;
    case 0x0e:       /* CD audio control */
        q[2] = 0x04; /* immediate */
        q[8] = 1;    /* port 0 to channel 0 */
        q[9] = 0xff;
        q[10] = 2; /* port 1 to channel 1 */
        q[11] = 0xff;
        break;
    case 0x2a:       /* capabilities and mechanical status */
        q[2] = 0x00; /* reads CD-ROM only */
        q[4] = 0x71; /* audio play, composite, digital ports, multi-session */
        q[5] = 0x60; /* CD-DA commands, accurate stream */
        /* Tray loading, eject, lock, and whether it is locked. */
        q[6] = 0x20 | 0x08 | 0x01 | (s->tray_locked ? 0x02 : 0);
        q[7] = 0x03;         /* separate volume and mute */
        st16be(q + 8, 706);  /* maximum speed, kB/s (4x) */
        st16be(q + 10, 256); /* volume levels */
        st16be(q + 12, 512); /* buffer, KiB */
        st16be(q + 14, 706); /* current speed */
        break;
    }
    return q + len;
}

static void atapi_mode_sense10(IDEState *s, uint8_t *buf)
{
    uint8_t *p = s->packet;
    uint8_t pc = p[2] >> 6, page = p[2] & 0x3f;
    uint8_t *q = buf + 8;

    if (pc == 3) {
        atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPP, 0);
        return;
    }
    switch (page) {
    case 0x01:
    case 0x0e:
    case 0x2a:
        q = mode_page(s, q, page, pc == 1);
        break;
    case 0x3f:
        q = mode_page(s, q, 0x01, pc == 1);
        q = mode_page(s, q, 0x0e, pc == 1);
        q = mode_page(s, q, 0x2a, pc == 1);
        break;
    default:
        atapi_invalid_field(s);
        return;
    }
    uint32_t len = q - buf;
    memset(buf, 0, 8);
    st16be(buf, len - 2);
    /* Medium type: 120 mm data CD, or door open / no disc (SFF-8020i). */
    buf[2] = atapi_medium_present(s) ? 0x01 : 0x70;
    atapi_reply(s, len, ld16be(p + 7));
}

static void atapi_start_stop_unit(IDEState *s, uint8_t *buf)
{
    bool loej = s->packet[4] & 2, start = s->packet[4] & 1;

    if (loej && !start) { /* eject */
        if (s->tray_locked) {
            atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_REMOVAL_PREVENTED, 2);
            return;
        }
        if (!s->tray_open) {
            s->tray_open = true;
            if (s->blk && blk_is_inserted(s->blk)) {
                blk_eject(s->blk);
            }
            s->event_media_removal = true;
        }
    } else if (loej && start) { /* load: close the tray */
        if (s->tray_open) {
            s->tray_open = false;
            if (atapi_medium_present(s)) {
                s->event_new_media = true;
            }
        }
    }
    atapi_cmd_ok(s);
}

static void atapi_prevent_allow(IDEState *s, uint8_t *buf)
{
    s->tray_locked = s->packet[4] & 1;
    atapi_cmd_ok(s);
}

static void atapi_mechanism_status(IDEState *s, uint8_t *buf)
{
    memset(buf, 0, 8);
    buf[1] = s->tray_open ? 0x10 : 0; /* door open */
    atapi_reply(s, 8, ld16be(s->packet + 8));
}

static void atapi_read_disc_info(IDEState *s, uint8_t *buf)
{
    if (s->packet[1] & 7) { /* only standard disc information */
        atapi_invalid_field(s);
        return;
    }
    memset(buf, 0, 34);
    st16be(buf, 32);
    buf[2] = 0x0e; /* last session complete, disc complete */
    buf[3] = 1;    /* first track */
    buf[4] = 1;    /* sessions */
    buf[5] = 1;    /* first track of the last session */
    buf[6] = 1;    /* last track of the last session */
    buf[8] = 0x00; /* CD-DA or CD-ROM */
    atapi_reply(s, 34, ld16be(s->packet + 7));
}

static void atapi_nop_ok(IDEState *s, uint8_t *buf)
{
    atapi_cmd_ok(s); /* SET CD SPEED, SEEK: nothing to model */
}

typedef struct ATAPICmd {
    uint8_t opcode;
    uint8_t flags;
    void (*fn)(IDEState *s, uint8_t *buf);
} ATAPICmd;

static const ATAPICmd atapi_cmds[] = {
    {0x00, ATAPI_NEED_MEDIUM, atapi_test_unit_ready},
    {0x03, ATAPI_ALLOW_UA, atapi_request_sense},
    {0x12, ATAPI_ALLOW_UA, atapi_inquiry},
    {0x1b, 0, atapi_start_stop_unit},
    {0x1e, 0, atapi_prevent_allow},
    {0x25, ATAPI_NEED_MEDIUM, atapi_read_capacity},
    {0x28, ATAPI_NEED_MEDIUM, atapi_read10},
    {0x2b, ATAPI_NEED_MEDIUM, atapi_nop_ok},
    {0x43, ATAPI_NEED_MEDIUM, atapi_read_toc},
    {0x46, ATAPI_ALLOW_UA, atapi_get_configuration},
    {0x4a, ATAPI_ALLOW_UA, atapi_get_event_status},
    {0x51, ATAPI_NEED_MEDIUM, atapi_read_disc_info},
    {0x5a, 0, atapi_mode_sense10},
    {0xa8, ATAPI_NEED_MEDIUM, atapi_read12},
    {0xbb, 0, atapi_nop_ok},
    {0xbd, 0, atapi_mechanism_status},
};

/* The packet is in io_buffer[0..11]: decode and run it. */
void ide_atapi_packet_cmd(IDEState *s)
{
    uint8_t *buf = s->io_buffer;
    const ATAPICmd *c = NULL;

    memcpy(s->packet, buf, 12);
    trace(ide_atapi_cmd, "unit %d opcode 0x%02x", s->unit, s->packet[0]);
    memset(buf, 0, 64);
    s->atapi_total = 0;
    s->atapi_buf_pos = s->atapi_buf_len = 0;
    s->io_remaining = 0;
    s->status = ST_DRDY | ST_BSY;
    for (unsigned i = 0; i < ARRAY_SIZE(atapi_cmds); i++) {
        if (atapi_cmds[i].opcode == s->packet[0]) {
            c = &atapi_cmds[i];
            break;
        }
    }
    if (!c) {
        log_mask(LOG_UNIMP, "ide-cd: packet command %02x not supported\n",
                 s->packet[0]);
        atapi_cmd_error(s, SENSE_ILLEGAL_REQUEST, ASC_INV_OPCODE, 0);
        return;
    }
    if (s->unit_attention && !(c->flags & ATAPI_ALLOW_UA)) {
        s->unit_attention = false;
        atapi_cmd_error(s, SENSE_UNIT_ATTENTION, ASC_MEDIUM_CHANGED, 0);
        return;
    }
    if ((c->flags & ATAPI_NEED_MEDIUM) && !atapi_medium_present(s)) {
        atapi_not_ready(s);
        return;
    }
    c->fn(s, buf);
}

/* ---- Identify, media, reset ------------------------------------------- */

void ide_atapi_identify(IDEState *s)
{
    uint8_t *p = s->identify;

#define W(n, v) stw_le_p(p + 2 * (n), (v))
    memset(p, 0, 512);
    /* ATAPI, CD-ROM, removable, DRQ within 50 us, 12-byte packets. */
    W(0, (2 << 14) | (5 << 8) | (1 << 7) | (2 << 5));
    ide_padstr(p + 20, s->serial, 20);
    ide_padstr(p + 46, s->fw_rev, 8);
    ide_padstr(p + 54, s->model, 40);
    W(49, (1 << 9) | (1 << 8)); /* LBA, DMA */
    W(53, 7);
    W(63, 0x07 | (s->mwdma_mode < 3 ? 0x100 << s->mwdma_mode : 0));
    W(64, 0x03);
    W(65, 0xb4);
    W(66, 0xb4);
    W(67, 0x12c);
    W(68, 0xb4);
    W(71, 30);
    W(72, 30);
    W(80, 0x1e); /* ATA/ATAPI-1 to -4 */
    W(88, 0x3f | (s->udma_mode < 6 ? 0x100 << s->udma_mode : 0));
    W(93, (1 << 14) | (1 << 13) | (s->unit ? 0x0100 : 0x0001));
#undef W
    uint8_t sum = 0xa5;
    for (int i = 0; i < 510; i++) {
        sum += p[i];
    }
    p[510] = 0xa5;
    p[511] = -sum;
}

void ide_atapi_media_changed(IDEState *s, bool load)
{
    if (load) {
        s->tray_open = false;
        s->unit_attention = true;
        s->event_new_media = true;
    } else {
        s->tray_open = true;
        s->event_media_removal = true;
    }
    s->nb_sectors = s->blk && blk_is_inserted(s->blk)
                        ? blk_getlength(s->blk) / IDE_SECTOR
                        : 0;
}

void ide_atapi_reset(IDEState *s)
{
    s->sense_key = SENSE_NONE;
    s->asc = s->ascq = 0;
    s->atapi_total = 0;
    s->atapi_buf_pos = s->atapi_buf_len = 0;
    s->atapi_dma = false;
}
