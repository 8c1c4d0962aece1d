/*
 * The IDE test rig for test-ide.c and test-atapi.c: the pc chipset of
 * pci-fixture.h plus the PIIX3 IDE function at 00:01.1, a raw disk image
 * in a temporary file on ide.0 master, and helpers that drive the task
 * file as a driver does (select, registers, command, wait for the
 * completion through blk_drain, PIO data words, a PRD table in RAM).
 *
 * Covers hw/ide/core.c, ata.c, atapi.c, piix.c and ide-dev.c.
 */
#ifndef TESTS_UNIT_IDE_RIG_H
#define TESTS_UNIT_IDE_RIG_H

/* First: it brings emu/common.h (_GNU_SOURCE) before any system header. */
#include "tests/unit/block-util.h"
#include <glib.h>
#include <unistd.h>
#include "tests/unit/pci-fixture.h"
#include "hw/ide/ide.h"

#define IDE0_CMD  0x1f0
#define IDE0_CTL  0x3f6
#define IDE1_CMD  0x170
#define IDE1_CTL  0x376
#define BM_BASE   0xc000
#define IDE_DEVFN PCI_DEVFN(1, 1)

#define REG_DATA    0
#define REG_ERROR   1
#define REG_FEATURE 1
#define REG_NSECT   2
#define REG_LBAL    3
#define REG_LBAM    4
#define REG_LBAH    5
#define REG_DEV     6
#define REG_STATUS  7
#define REG_CMD     7

typedef struct IDERig {
    PCFixture f;
    PIIX3IDEState *ide;
    char *path[4];
    BlockBackend *blk[4];
    DeviceState *dev[4]; /* ide0 master, ide0 slave, ide1 master, slave */
} IDERig;

/* The byte pattern tests write and expect: depends on the sector and the
 * offset, and on a tag so that a stale sector is told from a new one. */
static inline uint8_t pat(uint64_t sector, unsigned off, uint8_t tag)
{
    return (uint8_t)(sector * 13 + off * 7 + (off >> 8) + tag);
}

static inline char *rig_tmp_image(uint64_t size, uint8_t tag, uint32_t ss)
{
    char *path = g_strdup_printf("%s/emu-ide-XXXXXX", g_get_tmp_dir());
    int fd = g_mkstemp(path);
    if (fd < 0 || ftruncate(fd, size) != 0) {
        test_fail(__FILE__, __LINE__, "cannot create %s", path);
    }
    /* Fill the first 1 MiB with the pattern (the rest reads as zeros). */
    uint64_t fill = MIN(size, 1 * MiB);
    uint8_t *buf = g_malloc(fill);
    for (uint64_t i = 0; i < fill; i++) {
        buf[i] = pat(i / ss, i % ss, tag);
    }
    if (pwrite(fd, buf, fill, 0) != (ssize_t)fill) {
        test_fail(__FILE__, __LINE__, "cannot fill %s", path);
    }
    g_free(buf);
    close(fd);
    return path;
}

/* Put a drive at position n (bus n / 2, unit n % 2): a new image of size
 * bytes (0: no image, an empty CD drive). */
static inline DeviceState *rig_add(IDERig *r, int n, bool cd, uint64_t size,
                                   bool read_only)
{
    Error *err = NULL;
    char name[16];

    snprintf(name, sizeof(name), "d%d", n);
    if (size) {
        r->path[n] = rig_tmp_image(size, 0x10 * n, cd ? 2048 : 512);
        r->blk[n] = blkt_open_raw(name, r->path[n], read_only);
    } else if (cd) {
        r->blk[n] = blk_new(name, NULL, BLOCK_CACHE_WRITEBACK);
    }
    r->dev[n] = ide_create_drive(piix3_ide_bus(r->ide, n / 2), n % 2, r->blk[n],
                                 cd, &err);
    if (!r->dev[n]) {
        test_fail(__FILE__, __LINE__, "drive: %s", error_get_pretty(err));
        error_free(err);
    }
    return r->dev[n];
}

static inline void rig_init(IDERig *r)
{
    Error *err = NULL;

    memset(r, 0, sizeof(*r));
    fixture_init(&r->f);
    r->ide = piix3_ide_init(r->f.bus, IDE_DEVFN, &r->f.tb.isa, &err);
    if (!r->ide) {
        error_report_err(err);
        abort();
    }
    /* As SeaBIOS: decode on, BAR4, I/O and bus mastering. */
    cfg_write(&r->f, IDE_DEVFN, 0x40, 2, 0x8000);
    cfg_write(&r->f, IDE_DEVFN, 0x42, 2, 0x8000);
    cfg_write(&r->f, IDE_DEVFN, 0x20, 4, BM_BASE | 1);
    cfg_write(&r->f, IDE_DEVFN, 0x04, 2, 0x0005);
}

static inline void rig_cleanup(IDERig *r)
{
    for (int i = 0; i < 4; i++) {
        if (r->dev[i]) {
            device_free(r->dev[i]);
        }
    }
    piix3_ide_free(r->ide);
    for (int i = 0; i < 4; i++) {
        if (r->blk[i]) {
            blk_unref(r->blk[i]);
        }
        if (r->path[i]) {
            unlink(r->path[i]);
            g_free(r->path[i]);
        }
    }
    fixture_cleanup(&r->f);
}

static inline TestBus *rtb(IDERig *r)
{
    return &r->f.tb;
}

/* Let every request in flight complete and its callback run. */
static inline void rig_wait(IDERig *r)
{
    for (int i = 0; i < 4; i++) {
        if (r->blk[i]) {
            blk_drain(r->blk[i]);
        }
    }
    bh_poll();
}

static inline uint8_t reg_r(IDERig *r, uint16_t base, int reg)
{
    return inb(rtb(r), base + reg);
}

static inline void reg_w(IDERig *r, uint16_t base, int reg, uint8_t v)
{
    outb(rtb(r), base + reg, v);
}

static inline uint8_t altstatus(IDERig *r, uint16_t ctl)
{
    return inb(rtb(r), ctl);
}

/* Load an LBA28 or LBA48 address and count; dev is 0/1. */
static inline void set_lba(IDERig *r, uint16_t base, int dev, uint64_t lba,
                           uint32_t count, bool lba48)
{
    reg_w(r, base, REG_DEV,
          0xe0 | (dev << 4) | (lba48 ? 0 : ((lba >> 24) & 0x0f)));
    if (lba48) {
        reg_w(r, base, REG_NSECT, count >> 8);
        reg_w(r, base, REG_LBAL, lba >> 24);
        reg_w(r, base, REG_LBAM, lba >> 32);
        reg_w(r, base, REG_LBAH, lba >> 40);
    }
    reg_w(r, base, REG_NSECT, count);
    reg_w(r, base, REG_LBAL, lba);
    reg_w(r, base, REG_LBAM, lba >> 8);
    reg_w(r, base, REG_LBAH, lba >> 16);
}

static inline uint64_t get_lba28(IDERig *r, uint16_t base)
{
    return ((uint64_t)(reg_r(r, base, REG_DEV) & 0x0f) << 24) |
           (reg_r(r, base, REG_LBAH) << 16) | (reg_r(r, base, REG_LBAM) << 8) |
           reg_r(r, base, REG_LBAL);
}

/* Command, then wait for the device; returns the status (alt status, so
 * the pending interrupt stays for the test to see). */
static inline uint8_t ata_cmd(IDERig *r, uint16_t base, uint8_t cmd)
{
    reg_w(r, base, REG_CMD, cmd);
    rig_wait(r);
    return altstatus(r, base == IDE0_CMD ? IDE0_CTL : IDE1_CTL);
}

/* Read n bytes of PIO data (words). */
static inline void pio_in(IDERig *r, uint16_t base, uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i += 2) {
        stw_le_p(buf + i, inw(rtb(r), base));
    }
}

static inline void pio_out(IDERig *r, uint16_t base, const uint8_t *buf,
                           size_t n)
{
    for (size_t i = 0; i < n; i += 2) {
        outw(rtb(r), base, ldw_le_p(buf + i));
    }
}

/* Guest RAM as the bus master sees it. */
static inline uint8_t *ram(IDERig *r)
{
    return r->f.tb.ram.ram;
}

static inline void prd_put(IDERig *r, uint32_t table, int i, uint32_t addr,
                           uint32_t count, bool eot)
{
    stl_le_p(ram(r) + table + 8 * i, addr);
    stl_le_p(ram(r) + table + 8 * i + 4, count | (eot ? 0x80000000u : 0));
}

static inline void bm_setup(IDERig *r, int chan, uint32_t table)
{
    outl(rtb(r), BM_BASE + 8 * chan + 4, table);
    outb(rtb(r), BM_BASE + 8 * chan + 2, 0x06); /* clear error, interrupt */
}

static inline void bm_start(IDERig *r, int chan, bool to_ram)
{
    outb(rtb(r), BM_BASE + 8 * chan, 0x01 | (to_ram ? 0x08 : 0));
    rig_wait(r);
}

static inline uint8_t bm_status(IDERig *r, int chan)
{
    return inb(rtb(r), BM_BASE + 8 * chan + 2);
}

static inline void bm_stop(IDERig *r, int chan)
{
    outb(rtb(r), BM_BASE + 8 * chan, 0);
}

#endif
