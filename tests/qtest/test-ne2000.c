/*
 * The NE2000 (ne2k_isa at 0x300, IRQ 9) through the qtest protocol (the
 * in-process tests are tests/unit/test-ne2000.c): reset, the station
 * address PROM, a frame written to the card's RAM by remote DMA, sent in
 * internal loopback (TCR LB=01, DP8390D section 11) and found in the
 * receive ring with its header, PTX and PRX at IRQ 9 of the I/O APIC.
 */
#include "tests/qtest/qtest-check.h"

#define NE     0x300
#define CR     0x00
#define PSTART 0x01
#define PSTOP  0x02
#define BNRY   0x03
#define TPSR   0x04
#define TBCR0  0x05
#define TBCR1  0x06
#define ISR    0x07
#define RSAR0  0x08
#define RSAR1  0x09
#define RBCR0  0x0a
#define RBCR1  0x0b
#define RCR    0x0c
#define TCR    0x0d
#define DCR    0x0e
#define IMR    0x0f
#define CURR   0x07 /* page 1 */
#define DATA   0x10
#define RESET  0x1f

#define ISR_PRX 0x01
#define ISR_PTX 0x02
#define ISR_RDC 0x40
#define ISR_RST 0x80

#define MAC "52:54:00:12:34:56"

static void remote_dma(QTestState *s, uint16_t addr, uint16_t len, bool rd)
{
    qtest_outb(s, NE + RBCR0, len & 0xff);
    qtest_outb(s, NE + RBCR1, len >> 8);
    qtest_outb(s, NE + RSAR0, addr & 0xff);
    qtest_outb(s, NE + RSAR1, addr >> 8);
    qtest_outb(s, NE + CR, rd ? 0x0a : 0x12); /* remote read/write, start */
}

static QTestState *start(void)
{
    QTestState *s = qtest_init("-netdev hubport,id=n0,hubid=0 "
                               "-device ne2k_isa,iobase=0x300,irq=9,"
                               "netdev=n0,mac=" MAC);
    qtest_irq_intercept_in(s, "ioapic");
    qtest_outb(s, NE + RESET, qtest_inb(s, NE + RESET));
    return s;
}

static void test_reset_and_prom(void)
{
    QTestState *s = start();
    CHECK_EQ(qtest_inb(s, NE + ISR) & ISR_RST, ISR_RST);
    qtest_outb(s, NE + CR, 0x21);  /* page 0, stop, no DMA */
    qtest_outb(s, NE + DCR, 0x48); /* byte-wide */
    qtest_outb(s, NE + ISR, 0xff);
    /* The PROM: each address byte twice, in byte-wide mode. */
    remote_dma(s, 0x0000, 12, true);
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    for (int i = 0; i < 12; i++) {
        CHECK_EQ(qtest_inb(s, NE + DATA), mac[i / 2]);
    }
    CHECK_EQ(qtest_inb(s, NE + ISR) & ISR_RDC, ISR_RDC);
    QUIT(s);
}

static void test_loopback_frame(void)
{
    QTestState *s = start();
    uint8_t frame[64];
    for (int i = 0; i < 6; i++) {
        frame[i] = 0xff; /* broadcast */
    }
    for (int i = 6; i < 64; i++) {
        frame[i] = (uint8_t)(i * 5);
    }
    qtest_outb(s, NE + CR, 0x21);
    qtest_outb(s, NE + DCR, 0x49); /* word-wide */
    qtest_outb(s, NE + RBCR0, 0);
    qtest_outb(s, NE + RBCR1, 0);
    qtest_outb(s, NE + RCR, 0x04); /* broadcast */
    qtest_outb(s, NE + TCR, 0x02); /* internal loopback */
    qtest_outb(s, NE + TPSR, 0x40);
    qtest_outb(s, NE + PSTART, 0x46);
    qtest_outb(s, NE + PSTOP, 0x80);
    qtest_outb(s, NE + BNRY, 0x46);
    qtest_outb(s, NE + ISR, 0xff);
    qtest_outb(s, NE + IMR, ISR_PRX | ISR_PTX);
    qtest_outb(s, NE + CR, 0x61); /* page 1 */
    qtest_outb(s, NE + CURR, 0x47);
    qtest_outb(s, NE + CR, 0x22); /* page 0, start */

    remote_dma(s, 0x4000, sizeof(frame), false);
    for (size_t i = 0; i < sizeof(frame); i += 2) {
        qtest_outw(s, NE + DATA, frame[i] | frame[i + 1] << 8);
    }
    CHECK_EQ(qtest_inb(s, NE + ISR) & ISR_RDC, ISR_RDC);
    qtest_outb(s, NE + ISR, ISR_RDC);
    CHECK(!qtest_get_irq(s, 9));

    qtest_outb(s, NE + TBCR0, sizeof(frame));
    qtest_outb(s, NE + TBCR1, 0);
    qtest_outb(s, NE + CR, 0x26); /* transmit */
    uint8_t isr = qtest_inb(s, NE + ISR);
    CHECK_EQ(isr & (ISR_PRX | ISR_PTX), ISR_PRX | ISR_PTX);
    CHECK(qtest_get_irq(s, 9));

    /* The ring: the header at CURR's old page, then the frame. */
    qtest_outb(s, NE + CR, 0x62);
    CHECK(qtest_inb(s, NE + CURR) > 0x47);
    qtest_outb(s, NE + CR, 0x22);
    uint8_t buf[68];
    remote_dma(s, 0x4700, sizeof(buf), true);
    for (size_t i = 0; i < sizeof(buf); i += 2) {
        uint16_t w = qtest_inw(s, NE + DATA);
        buf[i] = w & 0xff;
        buf[i + 1] = w >> 8;
    }
    CHECK_EQ(buf[0] & 0x01, 0x01);              /* RSR: received intact */
    CHECK_EQ(buf[2] | buf[3] << 8, 4 + 64 + 4); /* header, frame, CRC */
    CHECK(!memcmp(buf + 4, frame, 64));
    /* The frame taken (BNRY one page behind the next, as Linux writes
     * it), acknowledging both lowers IRQ 9. */
    qtest_outb(s, NE + BNRY, buf[1] - 1);
    qtest_outb(s, NE + ISR, 0xff);
    CHECK(!qtest_get_irq(s, 9));
    QUIT(s);
}

int main(int argc, char **argv)
{
    qc_init(argc, argv);
    TEST_RUN(test_reset_and_prom);
    TEST_RUN(test_loopback_frame);
    return qc_finish();
}
