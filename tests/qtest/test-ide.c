/*
 * The PIIX3 IDE primary channel (0x1f0, IRQ 14) of the pc machine with a
 * raw disk image, through the qtest protocol (the in-process tests are
 * tests/unit/test-ide.c): IDENTIFY DEVICE and READ/WRITE SECTORS by PIO,
 * the interrupt at the I/O APIC, and the written sector in the image file
 * once emu has exited.
 */
#include "tests/qtest/qtest-check.h"

#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define DATA   0x1f0
#define NSECT  0x1f2
#define LBA0   0x1f3
#define LBA1   0x1f4
#define LBA2   0x1f5
#define DEVSEL 0x1f6
#define CMD    0x1f7 /* status on read */
#define CTL    0x3f6 /* alternate status on read */
#define BSY    0x80
#define DRDY   0x40
#define DRQ    0x08
#define ERR    0x01

#define IMG_SECTORS 2048 /* 1 MiB */

static uint8_t pattern(unsigned sector, unsigned i)
{
    return (uint8_t)(sector * 31 + i * 7 + 1);
}

static char *make_image(char *path, size_t len)
{
    snprintf(path, len, "%s/emu-qtest-ide.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        return NULL;
    }
    uint8_t sec[512];
    for (unsigned s = 0; s < IMG_SECTORS; s++) {
        for (unsigned i = 0; i < 512; i++) {
            sec[i] = pattern(s, i);
        }
        if (write(fd, sec, 512) != 512) {
            close(fd);
            return NULL;
        }
    }
    close(fd);
    return path;
}

/* Poll the alternate status (no interrupt acknowledge) until BSY is
 * clear; a generous bound on the host's time, not a sleep. */
static uint8_t wait_not_busy(QTestState *s)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        uint8_t st = qtest_inb(s, CTL);
        if (!(st & BSY)) {
            return st;
        }
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec > 30) {
            return st;
        }
        qtest_clock_step(s, 100000);
    }
}

static QTestState *start(const char *img)
{
    QTestState *s = qtest_initf("-drive file=%s,format=raw,if=ide,index=0 "
                                "-snapshot",
                                img);
    qtest_irq_intercept_in(s, "ioapic");
    qtest_outb(s, DEVSEL, 0xa0); /* master */
    qtest_outb(s, CTL, 0x00);    /* nIEN clear: interrupts on */
    return s;
}

static void read_words(QTestState *s, uint16_t *w, int n)
{
    for (int i = 0; i < n; i++) {
        w[i] = qtest_inw(s, DATA);
    }
}

static void test_identify(void)
{
    char path[256];
    if (!make_image(path, sizeof(path))) {
        CHECK(!"cannot make the disk image");
        return;
    }
    QTestState *s = start(path);
    uint16_t id[256];
    CHECK(!qtest_get_irq(s, 14));
    qtest_outb(s, CMD, 0xec);
    uint8_t st = wait_not_busy(s);
    CHECK_EQ(st & (BSY | DRDY | DRQ | ERR), DRDY | DRQ);
    CHECK(qtest_get_irq(s, 14));
    CHECK_EQ(qtest_inb(s, CMD) & (BSY | DRQ), DRQ); /* acknowledges */
    CHECK(!qtest_get_irq(s, 14));
    read_words(s, id, 256);
    CHECK_EQ(id[0] & 0x8000, 0); /* ATA device */
    CHECK_EQ(id[60] | (uint32_t)id[61] << 16, IMG_SECTORS);
    CHECK_EQ(id[49] & 0x0200, 0x0200); /* LBA */
    /* The model string, byte-swapped words, space padded. */
    char model[41];
    for (int i = 0; i < 20; i++) {
        model[2 * i] = id[27 + i] >> 8;
        model[2 * i + 1] = id[27 + i] & 0xff;
    }
    model[40] = '\0';
    CHECK(strstr(model, "HARDDISK") != NULL);
    CHECK_EQ(qtest_inb(s, CTL) & DRQ, 0); /* all 256 words taken */
    QUIT(s);
    unlink(path);
}

static void test_read_write_sectors(void)
{
    char path[256];
    if (!make_image(path, sizeof(path))) {
        CHECK(!"cannot make the disk image");
        return;
    }
    /* Without -snapshot this time: the write must reach the file. */
    QTestState *s =
        qtest_initf("-drive file=%s,format=raw,if=ide,index=0", path);
    qtest_irq_intercept_in(s, "ioapic");
    qtest_outb(s, CTL, 0x00);

    /* READ SECTORS, LBA 1000, two sectors. */
    qtest_outb(s, NSECT, 2);
    qtest_outb(s, LBA0, 1000 & 0xff);
    qtest_outb(s, LBA1, 1000 >> 8);
    qtest_outb(s, LBA2, 0);
    qtest_outb(s, DEVSEL, 0xe0); /* LBA, master */
    qtest_outb(s, CMD, 0x20);
    bool same = true;
    for (unsigned sec = 1000; sec < 1002; sec++) {
        uint8_t st = wait_not_busy(s);
        CHECK_EQ(st & (DRQ | ERR), DRQ);
        CHECK(qtest_get_irq(s, 14));
        qtest_inb(s, CMD);
        uint16_t w[256];
        read_words(s, w, 256);
        for (unsigned i = 0; i < 256; i++) {
            same &= (w[i] & 0xff) == pattern(sec, 2 * i) &&
                    (w[i] >> 8) == pattern(sec, 2 * i + 1);
        }
    }
    CHECK(same);

    /* WRITE SECTORS, LBA 7, one sector of 0x5a5a... */
    qtest_outb(s, NSECT, 1);
    qtest_outb(s, LBA0, 7);
    qtest_outb(s, LBA1, 0);
    qtest_outb(s, LBA2, 0);
    qtest_outb(s, DEVSEL, 0xe0);
    qtest_outb(s, CMD, 0x30);
    CHECK_EQ(wait_not_busy(s) & (DRQ | ERR), DRQ);
    for (int i = 0; i < 256; i++) {
        qtest_outw(s, DATA, 0x5a00 | (i & 0xff));
    }
    uint8_t st = wait_not_busy(s);
    CHECK_EQ(st & (DRQ | ERR), 0);
    CHECK(qtest_get_irq(s, 14));
    /* FLUSH CACHE, then emu exits and the file has the sector. */
    qtest_outb(s, CMD, 0xe7);
    CHECK_EQ(wait_not_busy(s) & ERR, 0);
    QUIT(s);

    int fd = open(path, O_RDONLY);
    uint8_t sec[512];
    CHECK(fd >= 0 && pread(fd, sec, 512, 7 * 512) == 512);
    if (fd >= 0) {
        close(fd);
    }
    CHECK_EQ(sec[0], 0x00);
    CHECK_EQ(sec[1], 0x5a);
    CHECK_EQ(sec[510], 0xff);
    CHECK_EQ(sec[511], 0x5a);
    unlink(path);
}

int main(int argc, char **argv)
{
    qc_init(argc, argv);
    TEST_RUN(test_identify);
    TEST_RUN(test_read_write_sectors);
    return qc_finish();
}
