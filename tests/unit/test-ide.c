/*
 * The PIIX3 IDE function and the ATA disk (hw/ide/piix.c, core.c, ata.c,
 * ide-dev.c): PCI header and BAR4, signatures and device presence,
 * IDENTIFY, PIO reads and writes (single, multiple, LBA28, LBA48, CHS,
 * INITIALIZE DEVICE PARAMETERS), SET FEATURES, FLUSH, READ VERIFY, power
 * commands, diagnostics, SRST, nIEN, error bits (ABRT, IDNF, UNC from a
 * failed read by PIO and DMA, a write to a read-only drive), and
 * bus-master DMA (PRDs spanning pages, larger and
 * shorter than the transfer, a zero-length PRD meaning 64 KiB, a PRD
 * table running off the end of RAM, bus mastering disabled, LBA48, reset
 * and engine stop with a request in flight), two
 * devices on one unit.
 */
#include "tests/unit/ide-rig.h"

#define HD_SIZE (16 * MiB) /* 32768 sectors: 32 cylinders of 16 x 63 */

static void hd_rig(IDERig *r)
{
    rig_init(r);
    rig_add(r, 0, false, HD_SIZE, false);
}

/* The image's bytes at a sector, for comparing. */
static void image_read(IDERig *r, int n, uint64_t sector, uint8_t *buf,
                       size_t len)
{
    CHECK_EQ(blk_pread(r->blk[n], sector * 512, buf, len), 0);
}

static bool check_pattern(const uint8_t *buf, uint64_t sector, unsigned n,
                          uint8_t tag)
{
    for (unsigned i = 0; i < n * 512; i++) {
        if (buf[i] != pat(sector + i / 512, i % 512, tag)) {
            test_fail(__FILE__, __LINE__,
                      "byte %u of sector %" PRIu64 ": %02x != %02x", i % 512,
                      sector + i / 512, buf[i],
                      pat(sector + i / 512, i % 512, tag));
            return false;
        }
    }
    return true;
}

static void test_pci_header(void)
{
    IDERig r;
    rig_init(&r);
    CHECK_EQ(cfg_read(&r.f, IDE_DEVFN, 0x00, 4), 0x70108086);
    CHECK_EQ(cfg_read(&r.f, IDE_DEVFN, 0x08, 4) >> 8, 0x010180);
    CHECK_EQ(cfg_read(&r.f, IDE_DEVFN, 0x40, 2), 0x8000);
    /* BAR4: 16 I/O ports; the registers answer where it points. */
    CHECK_EQ(cfg_read(&r.f, IDE_DEVFN, 0x20, 4), BM_BASE | 1);
    outl(rtb(&r), BM_BASE + 4, 0x12345677);
    CHECK_EQ(inl(rtb(&r), BM_BASE + 4), 0x12345674); /* dword aligned */
    outl(rtb(&r), BM_BASE + 12, 0x1000);
    CHECK_EQ(inl(rtb(&r), BM_BASE + 12), 0x1000);
    CHECK_EQ(inl(rtb(&r), BM_BASE + 4), 0x12345674);
    /* Drive-capable bits are the BIOS's to keep; W1C bits stay clear. */
    outb(rtb(&r), BM_BASE + 2, 0x66);
    CHECK_EQ(inb(rtb(&r), BM_BASE + 2), 0x60);
    /* Moved BAR: the old ports are gone. */
    cfg_write(&r.f, IDE_DEVFN, 0x20, 4, 0xd001);
    CHECK_EQ(inl(rtb(&r), 0xd004), 0x12345674);
    rig_cleanup(&r);
}

static void test_signatures(void)
{
    IDERig r;
    rig_init(&r);
    rig_add(&r, 0, false, HD_SIZE, false);
    rig_add(&r, 2, true, 4 * MiB, false);
    /* Disk: 1/1/00/00 and ready. */
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_NSECT), 1);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_LBAL), 1);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_LBAM), 0);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_LBAH), 0);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_STATUS), 0x50);
    /* The absent slave reads 0 (device 0 answers for it). */
    reg_w(&r, IDE0_CMD, REG_DEV, 0xb0);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_STATUS), 0);
    CHECK_EQ(altstatus(&r, IDE0_CTL), 0);
    /* A command to it goes nowhere. */
    reg_w(&r, IDE0_CMD, REG_CMD, 0xec);
    CHECK_EQ(rtb(&r)->irq[14].raises, 0);
    /* CD-ROM: the ATAPI signature 14h/EBh, DRDY clear. */
    CHECK_EQ(reg_r(&r, IDE1_CMD, REG_LBAM), 0x14);
    CHECK_EQ(reg_r(&r, IDE1_CMD, REG_LBAH), 0xeb);
    CHECK_EQ(reg_r(&r, IDE1_CMD, REG_STATUS), 0x00);
    rig_cleanup(&r);

    /* No drives at all on a channel: everything reads 0. */
    rig_init(&r);
    CHECK_EQ(reg_r(&r, IDE1_CMD, REG_STATUS), 0);
    CHECK_EQ(reg_r(&r, IDE1_CMD, REG_LBAM), 0);
    rig_cleanup(&r);
}

static void identify(IDERig *r, uint16_t base, uint16_t *w)
{
    uint8_t buf[512];
    CHECK_EQ(ata_cmd(r, base, 0xec) & 0xc9, 0x48); /* DRDY, DRQ */
    pio_in(r, base, buf, 512);
    for (int i = 0; i < 256; i++) {
        w[i] = ldw_le_p(buf + 2 * i);
    }
    uint8_t sum = 0;
    for (int i = 0; i < 512; i++) {
        sum += buf[i];
    }
    CHECK_EQ(sum, 0); /* integrity word */
    CHECK_EQ(w[255] & 0xff, 0xa5);
}

static void idstr(const uint16_t *w, int first, int n, char *out)
{
    for (int i = 0; i < n; i++) {
        out[2 * i] = w[first + i] >> 8;
        out[2 * i + 1] = w[first + i] & 0xff;
    }
    out[2 * n] = 0;
    g_strchomp(out);
}

static void test_identify(void)
{
    IDERig r;
    uint16_t w[256];
    char s[64];

    hd_rig(&r);
    reg_w(&r, IDE0_CMD, REG_DEV, 0xa0);
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(rtb(&r)->irq[14].level, 1);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_STATUS), 0x50); /* DRQ gone, acked */
    CHECK_EQ(rtb(&r)->irq[14].level, 0);
    CHECK_EQ(w[0], 0x0040);
    CHECK_EQ(w[1], 32);
    CHECK_EQ(w[3], 16);
    CHECK_EQ(w[6], 63);
    CHECK_EQ(w[60] | (w[61] << 16), HD_SIZE / 512);
    CHECK_EQ(w[100] | ((uint64_t)w[101] << 16), HD_SIZE / 512);
    CHECK_EQ(w[83] & (1 << 10), 1 << 10); /* LBA48 */
    CHECK_EQ(w[49] & 0x300, 0x300);       /* LBA, DMA */
    CHECK_EQ(w[88], 0x203f);              /* UDMA0-5, UDMA5 selected */
    CHECK_EQ(w[47] & 0xff, 16);
    idstr(w, 27, 20, s);
    CHECK_STR(s, "EMU HARDDISK");
    idstr(w, 10, 10, s);
    CHECK_STR(s, "EM00001");
    rig_cleanup(&r);

    /* Properties: geometry, serial, model; a big disk's CHS capped. */
    rig_init(&r);
    Error *err = NULL;
    r.path[1] = rig_tmp_image(HD_SIZE, 0, 512);
    r.blk[1] = blkt_open_raw("d1", r.path[1], false);
    DeviceState *d = device_new("ide-hd");
    CHECK(device_set_props(d,
                           "unit=1,cyls=100,heads=4,secs=17,"
                           "serial=XYZ42,model=Test Disk",
                           &err) == 0);
    CHECK(device_prop_set_drive(d, "drive", r.blk[1], &err) == 0);
    CHECK(device_realize(d, ide_bus_qbus(piix3_ide_bus(r.ide, 0)), &err) == 0);
    device_reset(d);
    r.dev[1] = d;
    reg_w(&r, IDE0_CMD, REG_DEV, 0xb0);
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[1], 100);
    CHECK_EQ(w[3], 4);
    CHECK_EQ(w[6], 17);
    idstr(w, 27, 20, s);
    CHECK_STR(s, "Test Disk");
    idstr(w, 10, 10, s);
    CHECK_STR(s, "XYZ42");
    rig_cleanup(&r);

    rig_init(&r);
    rig_add(&r, 0, false, 200 * GiB, false); /* sparse */
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[1], 16383);
    CHECK_EQ(w[60] | (w[61] << 16), 0x0fffffff);
    CHECK_EQ(w[100] | ((uint64_t)w[101] << 16) | ((uint64_t)w[102] << 32),
             200 * GiB / 512);
    rig_cleanup(&r);
}

/* PIO write of n sectors at lba with tag, one DRQ block per sector (or
 * mult), counting interrupts. */
static void pio_write(IDERig *r, uint8_t cmd, uint64_t lba, unsigned n,
                      bool lba48, unsigned block, uint8_t tag)
{
    uint8_t buf[512 * 16];
    int irq0 = rtb(r)->irq[14].raises;

    set_lba(r, IDE0_CMD, 0, lba, n, lba48);
    reg_w(r, IDE0_CMD, REG_CMD, cmd);
    for (unsigned done = 0; done < n;) {
        unsigned b = MIN(block, n - done);
        CHECK_EQ(altstatus(r, IDE0_CTL) & 0x89, 0x08);
        for (unsigned i = 0; i < b * 512; i++) {
            buf[i] = pat(lba + done + i / 512, i % 512, tag);
        }
        pio_out(r, IDE0_CMD, buf, b * 512);
        CHECK(altstatus(r, IDE0_CTL) & 0x80); /* BSY while writing */
        rig_wait(r);
        reg_r(r, IDE0_CMD, REG_STATUS);
        done += b;
    }
    CHECK_EQ(altstatus(r, IDE0_CTL), 0x50);
    /* One interrupt per block, none before the first. */
    CHECK_EQ(rtb(r)->irq[14].raises - irq0, (n + block - 1) / block);
}

static void pio_read(IDERig *r, uint8_t cmd, uint64_t lba, unsigned n,
                     bool lba48, unsigned block, uint8_t tag)
{
    uint8_t buf[512 * 16];
    int irq0 = rtb(r)->irq[14].raises;

    set_lba(r, IDE0_CMD, 0, lba, n, lba48);
    reg_w(r, IDE0_CMD, REG_CMD, cmd);
    for (unsigned done = 0; done < n;) {
        unsigned b = MIN(block, n - done);
        CHECK(altstatus(r, IDE0_CTL) & 0x80); /* BSY: the read is queued */
        rig_wait(r);
        CHECK_EQ(reg_r(r, IDE0_CMD, REG_STATUS) & 0x89, 0x08);
        pio_in(r, IDE0_CMD, buf, b * 512);
        check_pattern(buf, lba + done, b, tag);
        done += b;
    }
    CHECK_EQ(altstatus(r, IDE0_CTL), 0x50);
    CHECK_EQ(rtb(r)->irq[14].raises - irq0, (n + block - 1) / block);
}

static void test_pio_lba28(void)
{
    IDERig r;
    uint8_t buf[512 * 3];

    hd_rig(&r);
    pio_read(&r, 0x20, 7, 2, false, 1, 0x00); /* the image's pattern */
    CHECK_EQ(get_lba28(&r, IDE0_CMD), 9);     /* the next sector */
    pio_write(&r, 0x30, 5, 3, false, 1, 0x55);
    CHECK_EQ(get_lba28(&r, IDE0_CMD), 8);
    image_read(&r, 0, 5, buf, sizeof(buf));
    check_pattern(buf, 5, 3, 0x55);
    pio_read(&r, 0x21, 4, 1, false, 1, 0x00); /* sector 4 untouched... */
    pio_read(&r, 0x20, 5, 3, false, 1, 0x55); /* ...5-7 rewritten */
    /* 32-bit data accesses work too. */
    set_lba(&r, IDE0_CMD, 0, 5, 1, false);
    ata_cmd(&r, IDE0_CMD, 0x20);
    for (int i = 0; i < 128; i++) {
        stl_le_p(buf + 4 * i, inl(rtb(&r), IDE0_CMD));
    }
    check_pattern(buf, 5, 1, 0x55);
    CHECK_EQ(altstatus(&r, IDE0_CTL), 0x50);
    rig_cleanup(&r);
}

static void test_pio_multiple(void)
{
    IDERig r;
    uint16_t w[256];

    hd_rig(&r);
    /* Power-on default: multiple mode on at the maximum, 16 sectors (word
     * 47 the maximum, word 59 bit 8 "setting valid"), as QEMU's disk. */
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[47], 0x8010);
    CHECK_EQ(w[59], 0x110);
    pio_read(&r, 0xc4, 3, 37, false, 16, 0x00); /* blocks of 16, 16, 5 */
    /* A count of 0 disables: word 59 invalid, READ MULTIPLE aborted. */
    reg_w(&r, IDE0_CMD, REG_NSECT, 0);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xc6), 0x50);
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[59], 0);
    set_lba(&r, IDE0_CMD, 0, 0, 4, false);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xc4), 0x41);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x04);
    set_lba(&r, IDE0_CMD, 0, 0, 4, false);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xc5), 0x41);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x04);
    /* Every power of two up to the maximum is accepted and shows in word
     * 59; other counts and counts above the maximum abort and leave the
     * setting as it was. */
    for (unsigned n = 1; n <= 16; n <<= 1) {
        reg_w(&r, IDE0_CMD, REG_NSECT, n);
        CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xc6), 0x50);
        identify(&r, IDE0_CMD, w);
        CHECK_EQ(w[59], 0x100 | n);
    }
    static const uint8_t bad[] = {3, 6, 12, 15, 17, 24, 32, 64, 128, 255};
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        reg_w(&r, IDE0_CMD, REG_NSECT, bad[i]);
        CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xc6), 0x41);
        CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x04);
    }
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[59], 0x110);
    reg_w(&r, IDE0_CMD, REG_NSECT, 4);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xc6), 0x50);
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[59], 0x104);
    pio_read(&r, 0xc4, 10, 10, false, 4, 0x00); /* blocks of 4, 4, 2 */
    pio_write(&r, 0xc5, 20, 9, false, 4, 0x21);
    pio_read(&r, 0x29, 20, 9, true, 4, 0x21);  /* READ MULTIPLE EXT */
    pio_write(&r, 0x39, 40, 5, true, 4, 0x22); /* WRITE MULTIPLE EXT */
    pio_read(&r, 0x20, 40, 5, false, 1, 0x22);
    rig_cleanup(&r);
}

static void test_lba48(void)
{
    IDERig r;
    uint8_t buf[1024];
    uint64_t lba = 0x12345678; /* beyond 28 bits, within 200 GiB */

    rig_init(&r);
    rig_add(&r, 0, false, 200 * GiB, false);
    pio_write(&r, 0x34, lba, 2, true, 1, 0x77);
    /* The task file holds the next sector, high bytes behind HOB. */
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_LBAL), (lba + 2) & 0xff);
    outb(rtb(&r), IDE0_CTL, 0x80);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_LBAL), ((lba + 2) >> 24) & 0xff);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_LBAM), 0);
    outb(rtb(&r), IDE0_CTL, 0x00);
    image_read(&r, 0, lba, buf, sizeof(buf));
    check_pattern(buf, lba, 2, 0x77);
    pio_read(&r, 0x24, lba, 2, true, 1, 0x77);
    /* READ NATIVE MAX ADDRESS EXT: the last sector. */
    reg_w(&r, IDE0_CMD, REG_DEV, 0xe0);
    ata_cmd(&r, IDE0_CMD, 0x27);
    uint64_t last = reg_r(&r, IDE0_CMD, REG_LBAL) |
                    (reg_r(&r, IDE0_CMD, REG_LBAM) << 8) |
                    (reg_r(&r, IDE0_CMD, REG_LBAH) << 16);
    outb(rtb(&r), IDE0_CTL, 0x80);
    last |= ((uint64_t)reg_r(&r, IDE0_CMD, REG_LBAL) << 24) |
            ((uint64_t)reg_r(&r, IDE0_CMD, REG_LBAM) << 32);
    outb(rtb(&r), IDE0_CTL, 0x00);
    CHECK_EQ(last, 200 * GiB / 512 - 1);
    /* A count of 0 means 65536 sectors: past the end from here. */
    set_lba(&r, IDE0_CMD, 0, 200 * GiB / 512 - 100, 0, true);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x24), 0x41);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x10); /* IDNF */
    rig_cleanup(&r);
}

static void chs_cmd(IDERig *r, uint16_t cyl, uint8_t head, uint8_t sec,
                    uint8_t n, uint8_t cmd)
{
    reg_w(r, IDE0_CMD, REG_DEV, 0xa0 | head);
    reg_w(r, IDE0_CMD, REG_NSECT, n);
    reg_w(r, IDE0_CMD, REG_LBAL, sec);
    reg_w(r, IDE0_CMD, REG_LBAM, cyl);
    reg_w(r, IDE0_CMD, REG_LBAH, cyl >> 8);
    ata_cmd(r, IDE0_CMD, cmd);
}

static void test_chs(void)
{
    IDERig r;
    uint8_t buf[512];
    uint16_t w[256];

    hd_rig(&r);
    /* Default 16 heads x 63 sectors: C/H/S 1/2/3 is LBA (16+2)*63+2. */
    chs_cmd(&r, 1, 2, 3, 1, 0x20);
    pio_in(&r, IDE0_CMD, buf, 512);
    check_pattern(buf, 18 * 63 + 2, 1, 0);
    /* The next sector in CHS terms: 1/2/4. */
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_LBAL), 4);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_DEV) & 0x0f, 2);
    /* Sector 0 and sector 64 do not exist. */
    chs_cmd(&r, 0, 0, 0, 1, 0x20);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_STATUS), 0x41);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x10);
    chs_cmd(&r, 0, 0, 64, 1, 0x20);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x10);
    /* INITIALIZE DEVICE PARAMETERS: 4 heads, 17 sectors. */
    reg_w(&r, IDE0_CMD, REG_DEV, 0xa3);
    reg_w(&r, IDE0_CMD, REG_NSECT, 17);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x91), 0x50);
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[55], 4);
    CHECK_EQ(w[56], 17);
    CHECK_EQ(w[57] | (w[58] << 16), 32 * 4 * 17);
    chs_cmd(&r, 1, 2, 3, 1, 0x20);
    pio_in(&r, IDE0_CMD, buf, 512);
    check_pattern(buf, (4 + 2) * 17 + 2, 1, 0);
    /* Head 4 is now out of range. */
    chs_cmd(&r, 0, 4, 1, 1, 0x20);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x10);
    /* 0 sectors per track is refused. */
    reg_w(&r, IDE0_CMD, REG_NSECT, 0);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x91), 0x41);
    rig_cleanup(&r);
}

static void test_errors(void)
{
    IDERig r;

    hd_rig(&r);
    /* Unknown command: ABRT with an interrupt. */
    int irq0 = rtb(&r)->irq[14].raises;
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x5c), 0x41);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x04);
    CHECK_EQ(rtb(&r)->irq[14].raises, irq0 + 1);
    /* NOP always aborts. */
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x00), 0x41);
    /* IDENTIFY PACKET DEVICE and PACKET are not for a disk. */
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xa1), 0x41);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xa0), 0x41);
    /* Out of range, LBA28: IDNF. */
    set_lba(&r, IDE0_CMD, 0, HD_SIZE / 512 - 1, 2, false);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x20), 0x41);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x10);
    set_lba(&r, IDE0_CMD, 0, HD_SIZE / 512, 1, false);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x30), 0x41);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x10);
    set_lba(&r, IDE0_CMD, 0, HD_SIZE / 512, 1, false);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x40), 0x41);
    /* The last sector is fine; the error is gone with the next command. */
    set_lba(&r, IDE0_CMD, 0, HD_SIZE / 512 - 1, 1, false);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x40), 0x50);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x00);
    rig_cleanup(&r);

    /* A write to a read-only drive fails as a write (ABRT), after the
     * data phase; the image is unchanged. */
    rig_init(&r);
    rig_add(&r, 0, false, HD_SIZE, true);
    uint8_t buf[512] = {0};
    set_lba(&r, IDE0_CMD, 0, 3, 1, false);
    reg_w(&r, IDE0_CMD, REG_CMD, 0x30);
    pio_out(&r, IDE0_CMD, buf, 512);
    rig_wait(&r);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_STATUS), 0x41);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x04);
    CHECK_EQ(get_lba28(&r, IDE0_CMD), 3); /* the failing sector */
    image_read(&r, 0, 3, buf, 512);
    check_pattern(buf, 3, 1, 0);
    rig_cleanup(&r);

    /* The image shrinks under the disk (the host truncates it): the block
     * layer fails the read with -EIO, the disk reports UNC at the sector,
     * by PIO and by DMA. */
    hd_rig(&r);
    CHECK_EQ(truncate(r.path[0], HD_SIZE / 2), 0);
    set_lba(&r, IDE0_CMD, 0, HD_SIZE / 512 - 10, 2, false);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x20), 0x41);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x40);
    CHECK_EQ(get_lba28(&r, IDE0_CMD), HD_SIZE / 512 - 10);
    prd_put(&r, 0x1000, 0, 0x20000, 0x400, true);
    bm_setup(&r, 0, 0x1000);
    set_lba(&r, IDE0_CMD, 0, HD_SIZE / 512 - 10, 2, false);
    reg_w(&r, IDE0_CMD, REG_CMD, 0xc8);
    bm_start(&r, 0, true);
    CHECK_EQ(altstatus(&r, IDE0_CTL), 0x41);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x40);
    CHECK_EQ(bm_status(&r, 0) & 7, 4); /* interrupt, engine stopped */
    bm_stop(&r, 0);
    /* Sectors still inside the file read fine. */
    set_lba(&r, IDE0_CMD, 0, 10, 1, false);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x20) & 0x89, 0x08);
    rig_cleanup(&r);

    rig_init(&r);
    rig_add(&r, 0, false, HD_SIZE, true);
    /* The medium taken away under the disk: a read fails, not hangs. */
    blk_set_bs(r.blk[0], NULL);
    set_lba(&r, IDE0_CMD, 0, 3, 1, false);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x20), 0x41);
    rig_cleanup(&r);
}

static void test_features_flush_power(void)
{
    IDERig r;
    uint16_t w[256];

    hd_rig(&r);
    /* Write cache off and on: the backend follows, IDENTIFY shows it. */
    reg_w(&r, IDE0_CMD, REG_FEATURE, 0x82);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xef), 0x50);
    CHECK(!blk_enable_write_cache(r.blk[0]));
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[85] & 0x20, 0);
    reg_w(&r, IDE0_CMD, REG_FEATURE, 0x02);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xef), 0x50);
    CHECK(blk_enable_write_cache(r.blk[0]));
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[85] & 0x20, 0x20);
    /* Transfer modes: MWDMA2, then UDMA3; UDMA7 does not exist. */
    reg_w(&r, IDE0_CMD, REG_FEATURE, 0x03);
    reg_w(&r, IDE0_CMD, REG_NSECT, 0x22);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xef), 0x50);
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[63], 0x0407);
    CHECK_EQ(w[88], 0x003f);
    reg_w(&r, IDE0_CMD, REG_FEATURE, 0x03);
    reg_w(&r, IDE0_CMD, REG_NSECT, 0x43);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xef), 0x50);
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[88], 0x083f);
    CHECK_EQ(w[63], 0x0007);
    reg_w(&r, IDE0_CMD, REG_FEATURE, 0x03);
    reg_w(&r, IDE0_CMD, REG_NSECT, 0x47);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xef), 0x41);
    reg_w(&r, IDE0_CMD, REG_FEATURE, 0x99); /* unknown feature */
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xef), 0x41);
    /* FLUSH CACHE (EXT): BSY until the flush completes. */
    reg_w(&r, IDE0_CMD, REG_CMD, 0xe7);
    CHECK(altstatus(&r, IDE0_CTL) & 0x80);
    rig_wait(&r);
    CHECK_EQ(altstatus(&r, IDE0_CTL), 0x50);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xea), 0x50);
    /* Power: STANDBY, CHECK POWER MODE says 00h; IDLE says FFh; a read
     * wakes the disk. */
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xe0), 0x50);
    ata_cmd(&r, IDE0_CMD, 0xe5);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_NSECT), 0x00);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xe3), 0x50);
    ata_cmd(&r, IDE0_CMD, 0x98);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_NSECT), 0xff);
    ata_cmd(&r, IDE0_CMD, 0x96);
    set_lba(&r, IDE0_CMD, 0, 1, 1, false);
    ata_cmd(&r, IDE0_CMD, 0x40);
    ata_cmd(&r, IDE0_CMD, 0xe5);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_NSECT), 0xff);
    /* READ VERIFY (EXT): no data phase, an interrupt, range checked. */
    int irqv = rtb(&r)->irq[14].raises;
    set_lba(&r, IDE0_CMD, 0, 100, 8, true);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x42), 0x50);
    CHECK_EQ(rtb(&r)->irq[14].raises, irqv + 1);
    set_lba(&r, IDE0_CMD, 0, HD_SIZE / 512 - 4, 8, true);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x42), 0x41);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x10);
    /* RECALIBRATE and SEEK complete at once. */
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x10), 0x50);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x70), 0x50);
    rig_cleanup(&r);
}

static void test_diag_reset_nien(void)
{
    IDERig r;

    hd_rig(&r);
    /* Leave junk in the task file, then diagnose: signature, error 01h. */
    set_lba(&r, IDE0_CMD, 0, 0x55aa, 7, false);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x90), 0x50);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x01);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_NSECT), 1);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_LBAM), 0);
    /* EXECUTE DEVICE DIAGNOSTIC keeps the multiple setting. */
    reg_w(&r, IDE0_CMD, REG_NSECT, 8);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xc6), 0x50);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x90), 0x50);
    reg_r(&r, IDE0_CMD, REG_STATUS);
    uint16_t w[256];
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[59], 0x108);
    /* SRST: busy while set; signature and DRDY after; the multiple count
     * back to its power-on default (16). */
    set_lba(&r, IDE0_CMD, 0, 0x55aa, 7, false);
    reg_w(&r, IDE0_CMD, REG_CMD, 0x20); /* a read in flight */
    outb(rtb(&r), IDE0_CTL, 0x04);
    CHECK(altstatus(&r, IDE0_CTL) & 0x80);
    outb(rtb(&r), IDE0_CTL, 0x00);
    CHECK_EQ(altstatus(&r, IDE0_CTL), 0x50);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_LBAL), 1);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_LBAM), 0);
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[59], 0x110);
    pio_read(&r, 0xc4, 0, 20, false, 16, 0x00);
    reg_r(&r, IDE0_CMD, REG_STATUS);
    /* A system (hardware) reset also restores the default. */
    reg_w(&r, IDE0_CMD, REG_NSECT, 2);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0xc6), 0x50);
    devices_reset_all();
    cfg_write(&r.f, IDE_DEVFN, 0x40, 2, 0x8000); /* decode off after reset */
    cfg_write(&r.f, IDE_DEVFN, 0x42, 2, 0x8000);
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[59], 0x110);
    /* nIEN: no interrupt line while set; the pending one shows when the
     * bit is cleared. */
    outb(rtb(&r), IDE0_CTL, 0x02);
    int irq0 = rtb(&r)->irq[14].raises;
    ata_cmd(&r, IDE0_CMD, 0xe5);
    CHECK_EQ(rtb(&r)->irq[14].raises, irq0);
    CHECK_EQ(rtb(&r)->irq[14].level, 0);
    outb(rtb(&r), IDE0_CTL, 0x00);
    CHECK_EQ(rtb(&r)->irq[14].level, 1);
    reg_r(&r, IDE0_CMD, REG_STATUS);
    CHECK_EQ(rtb(&r)->irq[14].level, 0);
    rig_cleanup(&r);
}

/* ---- DMA ------------------------------------------------------------- */

#define PRD_TABLE 0x1000
#define DMA_BUF   0x20000

static void dma_cmd(IDERig *r, uint8_t cmd, uint64_t lba, uint32_t n,
                    bool lba48)
{
    set_lba(r, IDE0_CMD, 0, lba, n, lba48);
    reg_w(r, IDE0_CMD, REG_CMD, cmd);
    rig_wait(r);
}

static void test_dma_read_write(void)
{
    IDERig r;
    hd_rig(&r);
    uint8_t *m = ram(&r);

    /* Read 16 sectors into three pieces: one across a page boundary, a
     * small one, the rest; the engine started before the command. */
    memset(m + DMA_BUF, 0xee, 0x4000);
    prd_put(&r, PRD_TABLE, 0, DMA_BUF + 0xe00, 0x1000, false); /* 3 pages */
    prd_put(&r, PRD_TABLE, 1, DMA_BUF + 0x2000, 0x200, false);
    prd_put(&r, PRD_TABLE, 2, DMA_BUF + 0x3000, 0xe00, true);
    bm_setup(&r, 0, PRD_TABLE);
    bm_start(&r, 0, true);
    CHECK_EQ(bm_status(&r, 0) & 7, 1); /* active, waiting for the disk */
    dma_cmd(&r, 0xc8, 100, 16, false);
    CHECK_EQ(bm_status(&r, 0) & 7, 4); /* done, table ended exactly */
    CHECK_EQ(rtb(&r)->irq[14].level, 1);
    CHECK_EQ(altstatus(&r, IDE0_CTL), 0x50);
    bm_stop(&r, 0);
    check_pattern(m + DMA_BUF + 0xe00, 100, 8, 0);
    check_pattern(m + DMA_BUF + 0x2000, 108, 1, 0);
    check_pattern(m + DMA_BUF + 0x3000, 109, 7, 0);
    CHECK_EQ(m[DMA_BUF + 0xdff], 0xee);
    CHECK_EQ(m[DMA_BUF + 0x2200], 0xee);
    CHECK_EQ(m[DMA_BUF + 0x3e00], 0xee);
    CHECK_EQ(get_lba28(&r, IDE0_CMD), 116);
    reg_r(&r, IDE0_CMD, REG_STATUS);

    /* Write DMA, the command before the engine (Linux's order); the
     * table is larger than the transfer: Active stays with Interrupt. */
    for (int i = 0; i < 4 * 512; i++) {
        m[DMA_BUF + 0x10000 + i] = pat(500 + i / 512, i % 512, 0x42);
    }
    prd_put(&r, PRD_TABLE, 0, DMA_BUF + 0x10000, 0x8000, true);
    bm_setup(&r, 0, PRD_TABLE);
    dma_cmd(&r, 0xca, 500, 4, false);
    CHECK_EQ(altstatus(&r, IDE0_CTL) & 0x08, 0x08); /* waiting */
    bm_start(&r, 0, false);
    CHECK_EQ(bm_status(&r, 0) & 7, 5);
    CHECK_EQ(altstatus(&r, IDE0_CTL), 0x50);
    bm_stop(&r, 0);
    CHECK_EQ(bm_status(&r, 0) & 7, 4);
    outb(rtb(&r), BM_BASE + 2, 0x04); /* write 1 to clear */
    CHECK_EQ(bm_status(&r, 0) & 7, 0);
    uint8_t buf[4 * 512];
    image_read(&r, 0, 500, buf, sizeof(buf));
    check_pattern(buf, 500, 4, 0x42);

    /* READ DMA EXT and WRITE DMA EXT. */
    prd_put(&r, PRD_TABLE, 0, DMA_BUF, 0x400, true);
    bm_setup(&r, 0, PRD_TABLE);
    dma_cmd(&r, 0x25, 500, 2, true);
    bm_start(&r, 0, true);
    bm_stop(&r, 0);
    check_pattern(m + DMA_BUF, 500, 2, 0x42);
    CHECK_EQ(altstatus(&r, IDE0_CTL), 0x50);
    bm_setup(&r, 0, PRD_TABLE);
    dma_cmd(&r, 0x35, 600, 2, true);
    bm_start(&r, 0, false);
    bm_stop(&r, 0);
    image_read(&r, 0, 600, buf, 1024);
    check_pattern(buf, 500, 2, 0x42);
    rig_cleanup(&r);
}

static void test_dma_zero_length_prd(void)
{
    IDERig r;
    hd_rig(&r);
    uint8_t *m = ram(&r);

    /* Byte count 0 is 64 KiB: one descriptor for 128 sectors. */
    memset(m + DMA_BUF, 0, 0x10000);
    prd_put(&r, PRD_TABLE, 0, DMA_BUF, 0, true);
    bm_setup(&r, 0, PRD_TABLE);
    dma_cmd(&r, 0xc8, 1000, 128, false);
    bm_start(&r, 0, true);
    CHECK_EQ(bm_status(&r, 0) & 7, 4);
    CHECK_EQ(altstatus(&r, IDE0_CTL), 0x50);
    check_pattern(m + DMA_BUF, 1000, 128, 0);
    bm_stop(&r, 0);
    rig_cleanup(&r);
}

static void test_dma_short_prd(void)
{
    IDERig r;
    hd_rig(&r);
    uint8_t *m = ram(&r);

    /* 4 sectors of descriptors for an 8-sector read: the engine moves 4,
     * drops Active without an interrupt; the disk still waits. */
    memset(m + DMA_BUF, 0, 0x2000);
    prd_put(&r, PRD_TABLE, 0, DMA_BUF, 0x800, true);
    bm_setup(&r, 0, PRD_TABLE);
    int irq0 = rtb(&r)->irq[14].raises;
    dma_cmd(&r, 0xc8, 50, 8, false);
    bm_start(&r, 0, true);
    CHECK_EQ(bm_status(&r, 0) & 7, 0);
    CHECK_EQ(rtb(&r)->irq[14].raises, irq0);
    CHECK_EQ(altstatus(&r, IDE0_CTL) & 0x08, 0x08);
    check_pattern(m + DMA_BUF, 50, 4, 0);
    CHECK_EQ(m[DMA_BUF + 0x800], 0);
    /* The driver restarts the engine with the rest. */
    bm_stop(&r, 0);
    prd_put(&r, PRD_TABLE, 0, DMA_BUF + 0x800, 0x800, true);
    bm_start(&r, 0, true);
    CHECK_EQ(bm_status(&r, 0) & 7, 4);
    CHECK_EQ(altstatus(&r, IDE0_CTL), 0x50);
    check_pattern(m + DMA_BUF + 0x800, 54, 4, 0);
    bm_stop(&r, 0);

    /* Odd-sized descriptors that split sectors still move every byte. */
    memset(m + DMA_BUF, 0, 0x2000);
    prd_put(&r, PRD_TABLE, 0, DMA_BUF, 0x102, false);
    prd_put(&r, PRD_TABLE, 1, DMA_BUF + 0x102, 0x2fe, false);
    prd_put(&r, PRD_TABLE, 2, DMA_BUF + 0x400, 0x400, true);
    bm_setup(&r, 0, PRD_TABLE);
    dma_cmd(&r, 0xc8, 70, 4, false);
    bm_start(&r, 0, true);
    CHECK_EQ(bm_status(&r, 0) & 7, 4);
    check_pattern(m + DMA_BUF, 70, 4, 0);
    bm_stop(&r, 0);
    rig_cleanup(&r);
}

static void test_dma_prd_off_ram(void)
{
    IDERig r;
    hd_rig(&r);

    /* The last descriptor in RAM has no end bit: the next one would be
     * fetched from beyond RAM.  Error bit, the command aborts.  (PAM
     * first: RAM, not the BIOS, at 0xF0000-0xFFFFF.) */
    cfg_write(&r.f, PCI_DEVFN(0, 0), 0x59, 1, 0x30);
    uint32_t table = 1 * MiB - 8;
    prd_put(&r, table, 0, DMA_BUF, 0x200, false);
    bm_setup(&r, 0, table);
    dma_cmd(&r, 0xc8, 10, 4, false);
    bm_start(&r, 0, true);
    CHECK_EQ(bm_status(&r, 0) & 7, 6); /* error, interrupt, not active */
    CHECK_EQ(altstatus(&r, IDE0_CTL), 0x41);
    CHECK_EQ(reg_r(&r, IDE0_CMD, REG_ERROR), 0x04);
    bm_stop(&r, 0);
    /* A data buffer outside RAM: the bytes go nowhere, no crash. */
    prd_put(&r, PRD_TABLE, 0, 0x40000000, 0x800, true);
    bm_setup(&r, 0, PRD_TABLE);
    dma_cmd(&r, 0xc8, 10, 4, false);
    bm_start(&r, 0, true);
    CHECK_EQ(altstatus(&r, IDE0_CTL), 0x50);
    bm_stop(&r, 0);
    /* Bus mastering disabled in the command register: error. */
    cfg_write(&r.f, IDE_DEVFN, 0x04, 2, 0x0001);
    prd_put(&r, PRD_TABLE, 0, DMA_BUF, 0x800, true);
    bm_setup(&r, 0, PRD_TABLE);
    dma_cmd(&r, 0xc8, 10, 4, false);
    bm_start(&r, 0, true);
    CHECK_EQ(bm_status(&r, 0) & 2, 2);
    CHECK_EQ(altstatus(&r, IDE0_CTL) & 1, 1);
    rig_cleanup(&r);
}

/* A system reset and a bus-master stop while a DMA request is in flight:
 * nothing is left busy or half-done, and the next command works. */
static void test_dma_reset_in_flight(void)
{
    IDERig r;
    hd_rig(&r);
    prd_put(&r, PRD_TABLE, 0, DMA_BUF, 0, true);
    bm_setup(&r, 0, PRD_TABLE);
    set_lba(&r, IDE0_CMD, 0, 0, 128, false);
    reg_w(&r, IDE0_CMD, REG_CMD, 0xc8);
    outb(rtb(&r), BM_BASE, 0x09); /* start, no wait */
    devices_reset_all();
    rig_wait(&r);
    CHECK_EQ(altstatus(&r, IDE0_CTL), 0x50);
    CHECK_EQ(inb(rtb(&r), BM_BASE + 2), 0xff); /* BAR4 unmapped by reset */
    cfg_write(&r.f, IDE_DEVFN, 0x20, 4, BM_BASE | 1);
    cfg_write(&r.f, IDE_DEVFN, 0x04, 2, 0x0005);
    CHECK_EQ(bm_status(&r, 0), 0);

    /* Stop while the request is with the block layer: the engine halts,
     * the drive waits for more (no interrupt); SRST recovers. */
    bm_setup(&r, 0, PRD_TABLE);
    set_lba(&r, IDE0_CMD, 0, 0, 128, false);
    reg_w(&r, IDE0_CMD, REG_CMD, 0xc8);
    int irq0 = rtb(&r)->irq[14].raises;
    outb(rtb(&r), BM_BASE, 0x09);
    outb(rtb(&r), BM_BASE, 0x00);
    rig_wait(&r);
    CHECK_EQ(bm_status(&r, 0) & 1, 0);
    outb(rtb(&r), IDE0_CTL, 0x04);
    outb(rtb(&r), IDE0_CTL, 0x00);
    CHECK_EQ(altstatus(&r, IDE0_CTL), 0x50);
    CHECK(rtb(&r)->irq[14].raises <= irq0 + 1);
    /* And a whole DMA read works afterwards. */
    memset(ram(&r) + DMA_BUF, 0, 0x10000);
    bm_setup(&r, 0, PRD_TABLE);
    dma_cmd(&r, 0xc8, 1500, 128, false);
    bm_start(&r, 0, true);
    CHECK_EQ(bm_status(&r, 0) & 7, 4);
    check_pattern(ram(&r) + DMA_BUF, 1500, 128, 0);
    rig_cleanup(&r);
}

static void test_two_on_one_unit(void)
{
    IDERig r;
    Error *err = NULL;

    hd_rig(&r);
    r.path[1] = rig_tmp_image(HD_SIZE, 0, 512);
    r.blk[1] = blkt_open_raw("d1", r.path[1], false);
    DeviceState *d =
        ide_create_drive(piix3_ide_bus(r.ide, 0), 0, r.blk[1], false, &err);
    CHECK(!d);
    CHECK(err && strstr(error_get_pretty(err), "already used"));
    error_free(err);
    err = NULL;
    /* The same drive on a second device is refused by the property. */
    d = ide_create_drive(piix3_ide_bus(r.ide, 0), 1, r.blk[0], false, &err);
    CHECK(!d);
    CHECK(err != NULL);
    error_free(err);
    err = NULL;
    /* Unit 2 does not exist; an ide-hd needs a drive. */
    DeviceState *x = device_new("ide-hd");
    device_prop_set_int(x, "unit", 2);
    CHECK(device_realize(x, ide_bus_qbus(piix3_ide_bus(r.ide, 1)), &err) < 0);
    device_free(x);
    error_free(err);
    err = NULL;
    x = device_new("ide-hd");
    CHECK(device_realize(x, ide_bus_qbus(piix3_ide_bus(r.ide, 1)), &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "drive"));
    device_free(x);
    error_free(err);
    rig_cleanup(&r);
}

static void test_state_table(void)
{
    IDERig r;
    hd_rig(&r);
    DeviceState *ide = &piix3_ide_pci_device(r.ide)->parent;
    const VMStateDescription *vmsd = ide->cls->vmsd;

    reg_w(&r, IDE0_CMD, REG_NSECT, 4);
    ata_cmd(&r, IDE0_CMD, 0xc6);
    outl(rtb(&r), BM_BASE + 4, 0x2340);
    size_t n = vmstate_save(vmsd, ide, NULL, 0);
    uint8_t *buf = g_malloc(n);
    CHECK_EQ(vmstate_save(vmsd, ide, buf, n), n);
    device_reset(ide); /* BAR4 unmapped, registers cleared */
    CHECK_EQ(inl(rtb(&r), BM_BASE + 4), 0xffffffff);
    CHECK_EQ(vmstate_load(vmsd, ide, buf, n), 0);
    CHECK_EQ(inl(rtb(&r), BM_BASE + 4), 0x2340);
    uint16_t w[256];
    identify(&r, IDE0_CMD, w);
    CHECK_EQ(w[59], 0x104);
    g_free(buf);
    rig_cleanup(&r);
}

/* Save in the middle of a PIO read (first sector half read, three more to
 * come), load into a fresh controller: it answers the registers as the
 * first one and hands out the rest of the data. */
static void test_state_mid_pio(void)
{
    IDERig a, b;
    uint8_t got[4 * 512], want[4 * 512];

    hd_rig(&a);
    hd_rig(&b);
    DeviceState *da = &piix3_ide_pci_device(a.ide)->parent;
    DeviceState *db = &piix3_ide_pci_device(b.ide)->parent;
    const VMStateDescription *vmsd = da->cls->vmsd;

    set_lba(&a, IDE0_CMD, 0, 10, 4, false);
    CHECK_EQ(ata_cmd(&a, IDE0_CMD, 0x20), 0x58);
    pio_in(&a, IDE0_CMD, got, 300);
    size_t n = vmstate_save(vmsd, da, NULL, 0);
    uint8_t *buf = g_malloc(n);
    CHECK_EQ(vmstate_save(vmsd, da, buf, n), n);
    CHECK_EQ(vmstate_load(vmsd, db, buf, n), 0);
    for (int reg = REG_ERROR; reg <= REG_DEV; reg++) {
        CHECK_EQ(reg_r(&b, IDE0_CMD, reg), reg_r(&a, IDE0_CMD, reg));
    }
    CHECK_EQ(altstatus(&b, IDE0_CTL), 0x58);
    /* Both continue the same transfer, sector by sector. */
    memcpy(want, got, 300);
    pio_in(&a, IDE0_CMD, want + 300, 212);
    pio_in(&b, IDE0_CMD, got + 300, 212);
    for (int sec = 1; sec < 4; sec++) {
        rig_wait(&a);
        rig_wait(&b);
        CHECK_EQ(altstatus(&b, IDE0_CTL), altstatus(&a, IDE0_CTL));
        pio_in(&a, IDE0_CMD, want + sec * 512, 512);
        pio_in(&b, IDE0_CMD, got + sec * 512, 512);
    }
    rig_wait(&b);
    CHECK(check_pattern(want, 10, 4, 0x00));
    CHECK(check_pattern(got, 10, 4, 0x00));
    CHECK_EQ(altstatus(&b, IDE0_CTL), 0x50);
    CHECK_EQ(get_lba28(&b, IDE0_CMD), 14); /* the next sector */
    g_free(buf);
    rig_cleanup(&a);
    rig_cleanup(&b);
}

/* The one byte where two saved states differ (the test changes one
 * field through the registers between the saves), or -1. */
static long state_diff(const uint8_t *x, const uint8_t *y, size_t n)
{
    long at = -1;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            if (at >= 0) {
                test_fail(__FILE__, __LINE__, "bytes %ld and %zu differ", at,
                          i);
                return -1;
            }
            at = (long)i;
        }
    }
    return at;
}

/* A state whose PIO position or selected unit lies outside the device is
 * refused, not followed past io_buffer or ifs[]. */
static void test_state_refuses_bad_positions(void)
{
    IDERig r;
    uint8_t w[2];

    hd_rig(&r);
    DeviceState *ide = &piix3_ide_pci_device(r.ide)->parent;
    const VMStateDescription *vmsd = ide->cls->vmsd;
    size_t n = vmstate_save(vmsd, ide, NULL, 0);
    uint8_t *s0 = g_malloc(n), *s1 = g_malloc(n);

    set_lba(&r, IDE0_CMD, 0, 3, 1, false);
    CHECK_EQ(ata_cmd(&r, IDE0_CMD, 0x20), 0x58);
    pio_in(&r, IDE0_CMD, w, 2);
    vmstate_save(vmsd, ide, s0, n);
    pio_in(&r, IDE0_CMD, w, 2); /* data_pos 2 -> 4 */
    vmstate_save(vmsd, ide, s1, n);
    long at = state_diff(s0, s1, n);
    CHECK(at >= 0);
    if (at >= 0) {
        s1[at + 2] = 0x10; /* data_pos past data_end (and the buffer) */
        CHECK_EQ(vmstate_load(vmsd, ide, s1, n), -EINVAL);
        s1[at + 2] = 0;
        CHECK_EQ(vmstate_load(vmsd, ide, s1, n), 0);
        CHECK_EQ(inw(rtb(&r), IDE0_CMD), ldw_le_p((uint8_t[]){
                                              pat(3, 4, 0), pat(3, 5, 0)}));
    }

    /* The selected unit: the only byte of the bus before its drives. */
    pio_in(&r, IDE0_CMD, w, 2);
    reg_w(&r, IDE1_CMD, REG_DEV, 0xa0);
    vmstate_save(vmsd, ide, s0, n);
    reg_w(&r, IDE1_CMD, REG_DEV, 0xb0);
    vmstate_save(vmsd, ide, s1, n);
    /* select changes in both drives too: find the first difference. */
    at = -1;
    for (size_t i = 0; i < n && at < 0; i++) {
        if (s0[i] != s1[i]) {
            at = (long)i;
        }
    }
    CHECK(at >= 0);
    if (at >= 0) {
        CHECK_EQ(s1[at], 1);
        s1[at] = 2;
        CHECK_EQ(vmstate_load(vmsd, ide, s1, n), -EINVAL);
    }
    g_free(s0);
    g_free(s1);
    rig_cleanup(&r);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_pci_header);
    TEST_RUN(test_signatures);
    TEST_RUN(test_identify);
    TEST_RUN(test_pio_lba28);
    TEST_RUN(test_pio_multiple);
    TEST_RUN(test_lba48);
    TEST_RUN(test_chs);
    TEST_RUN(test_errors);
    TEST_RUN(test_features_flush_power);
    TEST_RUN(test_diag_reset_nien);
    TEST_RUN(test_dma_read_write);
    TEST_RUN(test_dma_zero_length_prd);
    TEST_RUN(test_dma_short_prd);
    TEST_RUN(test_dma_prd_off_ram);
    TEST_RUN(test_dma_reset_in_flight);
    TEST_RUN(test_two_on_one_unit);
    TEST_RUN(test_state_table);
    TEST_RUN(test_state_mid_pio);
    TEST_RUN(test_state_refuses_bad_positions);
    return test_finish();
}
