/*
 * The ATAPI CD-ROM (hw/ide/atapi.c, with core.c and piix.c): the
 * signature and IDENTIFY PACKET DEVICE, the PACKET protocol (interrupt
 * reason, byte count limit, PIO chunks, DMA), each packet command
 * (TEST UNIT READY, REQUEST SENSE, INQUIRY, READ CAPACITY, READ(10/12),
 * READ TOC formats 0/1/2, GET CONFIGURATION, GET EVENT STATUS
 * NOTIFICATION, MODE SENSE(10), START STOP UNIT, PREVENT ALLOW MEDIUM
 * REMOVAL, MECHANISM STATUS, READ DISC INFORMATION, SET CD SPEED), sense
 * data for an empty drive, an LBA out of range, an unknown opcode, and
 * UNIT ATTENTION after a media change through BlockDevOps.
 */
#include "tests/unit/ide-rig.h"

#define CD_SIZE (1 * MiB) /* 512 sectors, all patterned by the rig */
#define CMD     IDE1_CMD
#define CTL     IDE1_CTL

typedef struct Reply {
    uint8_t data[65536];
    uint32_t len;
    int chunks;
    uint8_t status, error, ireason;
} Reply;

static void cd_rig(IDERig *r, uint64_t size)
{
    rig_init(r);
    rig_add(r, 2, true, size, false);
}

static uint8_t cd_pat(uint32_t lba, unsigned off)
{
    return pat(lba, off, 0x20); /* rig_add's tag for position 2 */
}

/*
 * Send a packet by PIO and collect the reply: every DRQ block's byte
 * count from the cylinder registers, checked against the limit.
 */
static void packet(IDERig *r, const uint8_t *cdb, uint16_t limit, Reply *rep)
{
    memset(rep, 0, sizeof(*rep));
    reg_w(r, CMD, REG_DEV, 0xa0);
    reg_w(r, CMD, REG_FEATURE, 0);
    reg_w(r, CMD, REG_LBAM, limit);
    reg_w(r, CMD, REG_LBAH, limit >> 8);
    int irq0 = rtb(r)->irq[15].raises;
    reg_w(r, CMD, REG_CMD, 0xa0);
    /* Ready for the packet: DRQ, CoD set, IO clear, no interrupt. */
    CHECK_EQ(altstatus(r, CTL) & 0x89, 0x08);
    CHECK_EQ(reg_r(r, CMD, REG_NSECT) & 3, 1);
    CHECK_EQ(rtb(r)->irq[15].raises, irq0);
    pio_out(r, CMD, cdb, 12);
    for (;;) {
        rig_wait(r);
        uint8_t st = reg_r(r, CMD, REG_STATUS);
        if (!(st & 0x08)) {
            rep->status = st;
            break;
        }
        CHECK_EQ(reg_r(r, CMD, REG_NSECT) & 3, 2); /* data to the host */
        uint32_t n = reg_r(r, CMD, REG_LBAM) | (reg_r(r, CMD, REG_LBAH) << 8);
        CHECK(n > 0 && n <= limit);
        CHECK(rep->len + n <= sizeof(rep->data));
        if (!n || rep->len + n > sizeof(rep->data)) {
            break;
        }
        pio_in(r, CMD, rep->data + rep->len, n + (n & 1));
        rep->len += n;
        rep->chunks++;
    }
    rep->error = reg_r(r, CMD, REG_ERROR);
    rep->ireason = reg_r(r, CMD, REG_NSECT) & 3;
    CHECK_EQ(rep->ireason, 3); /* command complete */
}

static void cdb_set(uint8_t *cdb, uint8_t op)
{
    memset(cdb, 0, 12);
    cdb[0] = op;
}

/* Status and the sense REQUEST SENSE reports next. */
static void expect_sense(IDERig *r, const Reply *rep, uint8_t key, uint8_t asc)
{
    uint8_t cdb[12];
    Reply s;

    CHECK_EQ(rep->status & 0x01, 1);
    CHECK_EQ(rep->error >> 4, key);
    cdb_set(cdb, 0x03);
    cdb[4] = 18;
    packet(r, cdb, 0xfffe, &s);
    CHECK_EQ(s.status, 0x50);
    CHECK_EQ(s.len, 18);
    CHECK_EQ(s.data[0], 0x70);
    CHECK_EQ(s.data[2], key);
    CHECK_EQ(s.data[12], asc);
}

static void expect_ok(const Reply *rep)
{
    CHECK_EQ(rep->status, 0x50);
    CHECK_EQ(rep->error, 0);
}

static uint16_t be16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static void test_identify_packet(void)
{
    IDERig r;
    uint8_t buf[512];

    cd_rig(&r, CD_SIZE);
    CHECK_EQ(reg_r(&r, CMD, REG_LBAM), 0x14);
    CHECK_EQ(reg_r(&r, CMD, REG_LBAH), 0xeb);
    /* IDENTIFY DEVICE is aborted and leaves the signature. */
    reg_w(&r, CMD, REG_LBAM, 0);
    CHECK_EQ(ata_cmd(&r, CMD, 0xec) & 0x01, 1);
    CHECK_EQ(reg_r(&r, CMD, REG_ERROR), 0x04);
    CHECK_EQ(reg_r(&r, CMD, REG_LBAM), 0x14);
    CHECK_EQ(reg_r(&r, CMD, REG_LBAH), 0xeb);
    CHECK_EQ(ata_cmd(&r, CMD, 0xa1) & 0x08, 0x08);
    pio_in(&r, CMD, buf, 512);
    CHECK_EQ(ldw_le_p(buf), 0x85c0);
    CHECK_EQ(ldw_le_p(buf + 98) & 0x300, 0x300); /* LBA, DMA */
    char model[12];
    for (int i = 0; i < 11; i += 2) {
        model[i] = buf[54 + i + 1];
        model[i + 1] = buf[54 + i];
    }
    model[11] = 0;
    CHECK_STR(model, "EMU DVD-ROM");
    uint8_t sum = 0;
    for (int i = 0; i < 512; i++) {
        sum += buf[i];
    }
    CHECK_EQ(sum, 0);
    /* DEVICE RESET: signature again. */
    reg_w(&r, CMD, REG_LBAM, 0);
    reg_w(&r, CMD, REG_CMD, 0x08);
    CHECK_EQ(reg_r(&r, CMD, REG_LBAM), 0x14);
    rig_cleanup(&r);
}

static void test_basic_commands(void)
{
    IDERig r;
    uint8_t cdb[12];
    Reply rep;

    cd_rig(&r, CD_SIZE);
    cdb_set(cdb, 0x00); /* TEST UNIT READY */
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK_EQ(rep.len, 0);

    cdb_set(cdb, 0x12); /* INQUIRY */
    cdb[4] = 36;
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK_EQ(rep.len, 36);
    CHECK_EQ(rep.data[0], 0x05);
    CHECK_EQ(rep.data[1], 0x80);
    CHECK(!memcmp(rep.data + 8, "EMU     ", 8));
    CHECK(!memcmp(rep.data + 16, "EMU DVD-ROM", 11));
    cdb[4] = 5; /* allocation length cuts the reply */
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(rep.len, 5);
    cdb[1] = 1; /* vital product data: not supported */
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 5, 0x24);

    cdb_set(cdb, 0x25); /* READ CAPACITY */
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK_EQ(rep.len, 8);
    CHECK_EQ(be32(rep.data), CD_SIZE / 2048 - 1);
    CHECK_EQ(be32(rep.data + 4), 2048);

    cdb_set(cdb, 0xbb); /* SET CD SPEED */
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);

    cdb_set(cdb, 0xbd); /* MECHANISM STATUS */
    cdb[9] = 8;
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK_EQ(rep.len, 8);
    CHECK_EQ(rep.data[1] & 0x10, 0); /* door closed */

    cdb_set(cdb, 0x51); /* READ DISC INFORMATION */
    cdb[8] = 34;
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK_EQ(rep.len, 34);
    CHECK_EQ(be16(rep.data), 32);
    CHECK_EQ(rep.data[2] & 3, 2); /* complete disc */
    CHECK_EQ(rep.data[6], 1);

    cdb_set(cdb, 0xff); /* unknown opcode */
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 5, 0x20);
    /* Sense is reported once. */
    cdb_set(cdb, 0x03);
    cdb[4] = 18;
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(rep.data[2], 0);
    rig_cleanup(&r);
}

static void check_sectors(const uint8_t *buf, uint32_t lba, uint32_t n)
{
    for (uint32_t i = 0; i < n * 2048; i++) {
        if (buf[i] != cd_pat(lba + i / 2048, i % 2048)) {
            test_fail(__FILE__, __LINE__, "sector %u byte %u: %02x",
                      lba + i / 2048, i % 2048, buf[i]);
            return;
        }
    }
}

static void test_read(void)
{
    IDERig r;
    uint8_t cdb[12];
    Reply rep;

    cd_rig(&r, CD_SIZE);
    /* READ(10), 4 sectors, one chunk per sector with a 2048 limit. */
    cdb_set(cdb, 0x28);
    cdb[5] = 10;
    cdb[8] = 4;
    packet(&r, cdb, 2048, &rep);
    expect_ok(&rep);
    CHECK_EQ(rep.len, 4 * 2048);
    CHECK_EQ(rep.chunks, 4);
    check_sectors(rep.data, 10, 4);
    /* A big limit: one chunk.  An odd limit: even chunks. */
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(rep.chunks, 1);
    check_sectors(rep.data, 10, 4);
    packet(&r, cdb, 3001, &rep);
    CHECK_EQ(rep.len, 4 * 2048);
    CHECK_EQ(rep.chunks, 3);
    check_sectors(rep.data, 10, 4);
    /* READ(12), beyond what one buffer refill holds (64 sectors). */
    cdb_set(cdb, 0xa8);
    cdb[5] = 100;
    cdb[9] = 30;
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK_EQ(rep.len, 30 * 2048);
    check_sectors(rep.data, 100, 30);
    /* Zero sectors: nothing, fine. */
    cdb[9] = 0;
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK_EQ(rep.len, 0);
    /* Out of range: ILLEGAL REQUEST, LBA OUT OF RANGE. */
    cdb_set(cdb, 0x28);
    cdb[4] = 0x01; /* LBA 511 + 2 sectors */
    cdb[5] = 0xff;
    cdb[8] = 2;
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 5, 0x21);
    cdb[8] = 1; /* the last sector is fine */
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    check_sectors(rep.data, 511, 1);
    rig_cleanup(&r);
}

static void test_read_toc(void)
{
    IDERig r;
    uint8_t cdb[12];
    Reply rep;
    uint32_t leadout = CD_SIZE / 2048;

    cd_rig(&r, CD_SIZE);
    cdb_set(cdb, 0x43); /* format 0, LBA */
    cdb[8] = 0xff;
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK_EQ(rep.len, 20);
    CHECK_EQ(be16(rep.data), 18);
    CHECK_EQ(rep.data[2], 1);
    CHECK_EQ(rep.data[3], 1);
    CHECK_EQ(rep.data[5], 0x14);
    CHECK_EQ(rep.data[6], 1);
    CHECK_EQ(be32(rep.data + 8), 0);
    CHECK_EQ(rep.data[14], 0xaa);
    CHECK_EQ(be32(rep.data + 16), leadout);
    cdb[1] = 2; /* MSF: track 1 at 00:02:00, lead-out 2 s later */
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(rep.data[9], 0);
    CHECK_EQ(rep.data[10], 2);
    CHECK_EQ(rep.data[11], 0);
    uint32_t f = leadout + 150;
    CHECK_EQ(rep.data[17], f / 4500);
    CHECK_EQ(rep.data[18], (f / 75) % 60);
    CHECK_EQ(rep.data[19], f % 75);
    cdb[6] = 0xaa; /* starting at the lead-out */
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(rep.len, 12);
    cdb[6] = 2; /* no track 2 */
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 5, 0x24);

    cdb_set(cdb, 0x43); /* format 1: sessions */
    cdb[2] = 1;
    cdb[8] = 0xff;
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK_EQ(rep.len, 12);
    CHECK_EQ(be16(rep.data), 10);
    CHECK_EQ(rep.data[6], 1);

    cdb[2] = 2; /* format 2: raw TOC */
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK_EQ(rep.len, 4 + 4 * 11);
    CHECK_EQ(rep.data[4 + 3], 0xa0);
    CHECK_EQ(rep.data[4 + 8], 1);
    CHECK_EQ(rep.data[4 + 11 + 3], 0xa1);
    CHECK_EQ(rep.data[4 + 22 + 3], 0xa2);
    CHECK_EQ(rep.data[4 + 22 + 8], f / 4500);
    CHECK_EQ(rep.data[4 + 33 + 3], 0x01);
    CHECK_EQ(rep.data[4 + 33 + 9], 2);
    /* The old place of the format (byte 9, bits 7:6). */
    cdb[2] = 0;
    cdb[9] = 0x40;
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(rep.len, 12);
    cdb[2] = 5; /* ATIP: not for a CD-ROM */
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 5, 0x24);
    /* Allocation length cuts. */
    cdb_set(cdb, 0x43);
    cdb[8] = 4;
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(rep.len, 4);
    rig_cleanup(&r);
}

static void test_config_and_mode_sense(void)
{
    IDERig r;
    uint8_t cdb[12];
    Reply rep;

    cd_rig(&r, CD_SIZE);
    cdb_set(cdb, 0x46); /* GET CONFIGURATION, all features */
    cdb[8] = 0xff;
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK_EQ(be32(rep.data) + 4, rep.len);
    CHECK_EQ(be16(rep.data + 6), 0x0008); /* CD-ROM profile current */
    CHECK_EQ(be16(rep.data + 8), 0x0000); /* profile list first */
    CHECK_EQ(be16(rep.data + 12), 0x0008);
    cdb[1] = 2; /* just one */
    cdb[3] = 0x03;
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(rep.len, 8 + 8);
    CHECK_EQ(be16(rep.data + 8), 0x0003);

    cdb_set(cdb, 0x5a); /* MODE SENSE(10), capabilities */
    cdb[2] = 0x2a;
    cdb[8] = 0xff;
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK_EQ(rep.len, 8 + 20);
    CHECK_EQ(be16(rep.data), rep.len - 2);
    CHECK_EQ(rep.data[8], 0x2a);
    CHECK_EQ(rep.data[9], 18);
    CHECK_EQ(rep.data[8 + 6] & 0x0b, 0x09); /* lock, eject; not locked */
    cdb[2] = 0x01;
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(rep.len, 16);
    CHECK_EQ(rep.data[8], 0x01);
    cdb[2] = 0x0e;
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(rep.len, 24);
    cdb[2] = 0x3f;
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(rep.len, 8 + 8 + 16 + 20);
    cdb[2] = 0x05; /* no such page */
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 5, 0x24);
    cdb[2] = 0xea; /* saved values */
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 5, 0x39);
    rig_cleanup(&r);
}

/* The monitor's change/eject as the block layer delivers it. */
static void change_media(IDERig *r, int n, bool load)
{
    void *opaque;
    const BlockDevOps *ops = blk_get_dev_ops(r->blk[n], &opaque);
    CHECK(ops && ops->change_media_cb);
    if (ops && ops->change_media_cb) {
        ops->change_media_cb(opaque, load);
    }
}

static uint8_t gesn(IDERig *r, uint8_t *media_status)
{
    uint8_t cdb[12];
    Reply rep;

    cdb_set(cdb, 0x4a);
    cdb[1] = 1;
    cdb[4] = 0x10;
    cdb[8] = 8;
    packet(r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK_EQ(rep.len, 8);
    CHECK_EQ(rep.data[2], 4);
    *media_status = rep.data[5];
    return rep.data[4] & 0x0f;
}

static void test_media_change(void)
{
    IDERig r;
    uint8_t cdb[12], ms;
    Reply rep;

    cd_rig(&r, CD_SIZE);
    CHECK_EQ(gesn(&r, &ms), 0);
    CHECK_EQ(ms, 2); /* medium present, tray closed */
    /* The monitor ejects: not ready, tray open. */
    BlockDriverState *bs = blk_bs(r.blk[2]);
    bdrv_ref(bs);
    blk_set_bs(r.blk[2], NULL);
    change_media(&r, 2, false);
    CHECK_EQ(gesn(&r, &ms), 3); /* media removal */
    CHECK_EQ(ms, 1);
    cdb_set(cdb, 0x00);
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 2, 0x3a);
    /* A new medium: UNIT ATTENTION once, then ready. */
    blk_set_bs(r.blk[2], bs);
    bdrv_unref(bs);
    change_media(&r, 2, true);
    cdb_set(cdb, 0x12); /* INQUIRY passes a unit attention */
    cdb[4] = 36;
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK_EQ(gesn(&r, &ms), 2); /* new media */
    CHECK_EQ(ms, 2);
    CHECK_EQ(gesn(&r, &ms), 0);
    cdb_set(cdb, 0x00);
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 6, 0x28);
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    /* REQUEST SENSE reports a pending unit attention itself. */
    change_media(&r, 2, true);
    cdb_set(cdb, 0x03);
    cdb[4] = 18;
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(rep.data[2], 6);
    CHECK_EQ(rep.data[12], 0x28);
    cdb_set(cdb, 0x25);
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    rig_cleanup(&r);
}

static void test_eject_and_lock(void)
{
    IDERig r;
    uint8_t cdb[12], ms;
    Reply rep;

    cd_rig(&r, CD_SIZE);
    cdb_set(cdb, 0x1e); /* PREVENT */
    cdb[4] = 1;
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    void *opaque;
    const BlockDevOps *ops = blk_get_dev_ops(r.blk[2], &opaque);
    CHECK(ops->is_medium_locked(opaque));
    cdb_set(cdb, 0x5a);
    cdb[2] = 0x2a;
    cdb[8] = 0xff;
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(rep.data[8 + 6] & 0x02, 0x02);
    cdb_set(cdb, 0x1b); /* eject while locked: refused */
    cdb[4] = 2;
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 5, 0x53);
    CHECK(blk_is_inserted(r.blk[2]));
    cdb_set(cdb, 0x1e); /* ALLOW */
    packet(&r, cdb, 0xfffe, &rep);
    CHECK(!ops->is_medium_locked(opaque));
    cdb_set(cdb, 0x1b);
    cdb[4] = 2;
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    CHECK(!blk_is_inserted(r.blk[2]));
    CHECK_EQ(gesn(&r, &ms), 3);
    CHECK_EQ(ms, 1); /* tray open, no medium */
    cdb_set(cdb, 0xbd);
    cdb[9] = 8;
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(rep.data[1] & 0x10, 0x10);
    cdb_set(cdb, 0x25);
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 2, 0x3a);
    cdb_set(cdb, 0x1b); /* close the tray: still no medium */
    cdb[4] = 3;
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    cdb_set(cdb, 0x00);
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 2, 0x3a);
    /* GET CONFIGURATION: no current profile. */
    cdb_set(cdb, 0x46);
    cdb[8] = 0xff;
    packet(&r, cdb, 0xfffe, &rep);
    CHECK_EQ(be16(rep.data + 6), 0);
    rig_cleanup(&r);
}

static void test_empty_drive(void)
{
    IDERig r;
    uint8_t cdb[12];
    Reply rep;

    rig_init(&r);
    rig_add(&r, 2, true, 0, false); /* a drive without a medium */
    rig_add(&r, 3, true, 0, false);
    DeviceState *nodrive = device_new("ide-cd"); /* no drive at all */
    Error *err = NULL;
    reg_w(&r, CMD, REG_DEV, 0xb0);
    cdb_set(cdb, 0x00);
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 2, 0x3a);
    cdb_set(cdb, 0x12);
    cdb[4] = 36;
    packet(&r, cdb, 0xfffe, &rep);
    expect_ok(&rep);
    cdb_set(cdb, 0x28);
    cdb[8] = 1;
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 2, 0x3a);
    /* The bus is full: a third drive is refused. */
    CHECK(device_realize(nodrive, ide_bus_qbus(piix3_ide_bus(r.ide, 1)), &err) <
          0);
    error_free(err);
    device_free(nodrive);
    rig_cleanup(&r);

    /* An ide-cd with no drive property at all. */
    rig_init(&r);
    r.dev[2] = ide_create_drive(piix3_ide_bus(r.ide, 1), 0, NULL, true, &err);
    CHECK(r.dev[2] != NULL);
    cdb_set(cdb, 0x00);
    packet(&r, cdb, 0xfffe, &rep);
    expect_sense(&r, &rep, 2, 0x3a);
    rig_cleanup(&r);
}

static void test_dma(void)
{
    IDERig r;
    uint8_t cdb[12];
    uint8_t *m;

    cd_rig(&r, CD_SIZE);
    m = ram(&r);
    /* READ(10) by DMA: 3 sectors over two descriptors. */
    memset(m + 0x20000, 0, 0x2000);
    prd_put(&r, 0x1000, 0, 0x20000, 0x1000, false);
    prd_put(&r, 0x1000, 1, 0x21000, 0x800, true);
    bm_setup(&r, 1, 0x1000);
    cdb_set(cdb, 0x28);
    cdb[5] = 7;
    cdb[8] = 3;
    reg_w(&r, CMD, REG_DEV, 0xa0);
    reg_w(&r, CMD, REG_FEATURE, 1); /* DMA */
    reg_w(&r, CMD, REG_CMD, 0xa0);
    pio_out(&r, CMD, cdb, 12);
    bm_start(&r, 1, true);
    CHECK_EQ(bm_status(&r, 1) & 7, 4);
    CHECK_EQ(altstatus(&r, CTL), 0x50);
    CHECK_EQ(reg_r(&r, CMD, REG_NSECT) & 3, 3);
    CHECK_EQ(rtb(&r)->irq[15].level, 1);
    check_sectors(m + 0x20000, 7, 3);
    bm_stop(&r, 1);
    reg_r(&r, CMD, REG_STATUS);
    /* INQUIRY by DMA. */
    prd_put(&r, 0x1000, 0, 0x30000, 0x100, true);
    bm_setup(&r, 1, 0x1000);
    cdb_set(cdb, 0x12);
    cdb[4] = 36;
    reg_w(&r, CMD, REG_FEATURE, 1);
    reg_w(&r, CMD, REG_CMD, 0xa0);
    pio_out(&r, CMD, cdb, 12);
    bm_start(&r, 1, true);
    CHECK_EQ(altstatus(&r, CTL), 0x50);
    CHECK_EQ(bm_status(&r, 1) & 7, 5); /* table larger than the reply */
    CHECK_EQ(m[0x30000], 0x05);
    CHECK(!memcmp(m + 0x30008, "EMU", 3));
    bm_stop(&r, 1);
    rig_cleanup(&r);
}

/* Save in the middle of a READ(10) by PIO (first 2048-byte chunk half
 * read; more sectors than one buffer refill holds, so the copy must also
 * read on from the medium), load into a fresh controller with its own CD:
 * the copy answers the registers as the original and hands out the rest
 * of the data, chunk by chunk, to the same completion. */
#define NSEC 70
static void test_state_mid_read(void)
{
    IDERig a, b;
    uint8_t cdb[12];
    static uint8_t da[NSEC * 2048], db[NSEC * 2048];

    cd_rig(&a, CD_SIZE);
    cd_rig(&b, CD_SIZE);
    DeviceState *ia = &piix3_ide_pci_device(a.ide)->parent;
    DeviceState *ib = &piix3_ide_pci_device(b.ide)->parent;
    const VMStateDescription *vmsd = ia->cls->vmsd;

    cdb_set(cdb, 0x28);
    cdb[5] = 10;
    cdb[8] = NSEC;
    reg_w(&a, CMD, REG_DEV, 0xa0);
    reg_w(&a, CMD, REG_FEATURE, 0);
    reg_w(&a, CMD, REG_LBAM, 2048 & 0xff);
    reg_w(&a, CMD, REG_LBAH, 2048 >> 8);
    reg_w(&a, CMD, REG_CMD, 0xa0);
    pio_out(&a, CMD, cdb, 12);
    rig_wait(&a);
    CHECK_EQ(altstatus(&a, CTL), 0x58);
    pio_in(&a, CMD, da, 1000);
    memcpy(db, da, 1000);

    size_t n = vmstate_save(vmsd, ia, NULL, 0);
    uint8_t *buf = g_malloc(n);
    CHECK_EQ(vmstate_save(vmsd, ia, buf, n), n);
    CHECK_EQ(vmstate_load(vmsd, ib, buf, n), 0);
    for (int reg = REG_ERROR; reg <= REG_DEV; reg++) {
        CHECK_EQ(reg_r(&b, CMD, reg), reg_r(&a, CMD, reg));
    }
    CHECK_EQ(altstatus(&b, CTL), altstatus(&a, CTL));
    pio_in(&a, CMD, da + 1000, 1048);
    pio_in(&b, CMD, db + 1000, 1048);
    for (int chunk = 1; chunk < NSEC; chunk++) {
        rig_wait(&a);
        rig_wait(&b);
        CHECK_EQ(reg_r(&b, CMD, REG_STATUS), reg_r(&a, CMD, REG_STATUS));
        CHECK_EQ(reg_r(&b, CMD, REG_NSECT) & 3, 2);
        CHECK_EQ(reg_r(&b, CMD, REG_LBAM) | (reg_r(&b, CMD, REG_LBAH) << 8),
                 2048);
        pio_in(&a, CMD, da + chunk * 2048, 2048);
        pio_in(&b, CMD, db + chunk * 2048, 2048);
    }
    rig_wait(&a);
    rig_wait(&b);
    check_sectors(da, 10, NSEC);
    check_sectors(db, 10, NSEC);
    CHECK_EQ(reg_r(&b, CMD, REG_STATUS), 0x50);
    CHECK_EQ(reg_r(&b, CMD, REG_NSECT) & 3, 3);
    g_free(buf);
    rig_cleanup(&a);
    rig_cleanup(&b);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_identify_packet);
    TEST_RUN(test_basic_commands);
    TEST_RUN(test_read);
    TEST_RUN(test_read_toc);
    TEST_RUN(test_config_and_mode_sense);
    TEST_RUN(test_media_change);
    TEST_RUN(test_eject_and_lock);
    TEST_RUN(test_empty_drive);
    TEST_RUN(test_dma);
    TEST_RUN(test_state_mid_read);
    return test_finish();
}
