/*
 * The 16550 UART at 0x3f8 (COM1, IRQ 4) of the pc machine through the
 * qtest protocol (the in-process tests are tests/unit/test-serial*.c):
 * loopback mode, the line and interrupt status registers, the receive
 * and transmitter-empty interrupts at the I/O APIC, the modem lines in
 * loopback.
 */
#include "tests/qtest/qtest-check.h"

#define COM1 0x3f8
#define RBR  0 /* THR on write */
#define IER  1
#define IIR  2 /* FCR on write */
#define LCR  3
#define MCR  4
#define LSR  5
#define MSR  6
#define SCR  7

/* One character at 115200 8N1: 10 bits, 86.8 us. */
#define CHAR_NS 87000

static void setup_uart(QTestState *s)
{
    qtest_outb(s, COM1 + LCR, 0x80); /* DLAB */
    qtest_outb(s, COM1 + 0, 1);      /* divisor 1: 115200 baud */
    qtest_outb(s, COM1 + 1, 0);
    qtest_outb(s, COM1 + LCR, 0x03); /* 8N1 */
    CHECK_EQ(qtest_inb(s, COM1 + LCR), 0x03);
}

static void test_scratch_and_divisor(void)
{
    QTestState *s = qtest_init(NULL);
    qtest_outb(s, COM1 + SCR, 0xa5);
    CHECK_EQ(qtest_inb(s, COM1 + SCR), 0xa5);
    qtest_outb(s, COM1 + LCR, 0x80);
    qtest_outb(s, COM1 + 0, 0x0c); /* 9600 baud */
    CHECK_EQ(qtest_inb(s, COM1 + 0), 0x0c);
    CHECK_EQ(qtest_inb(s, COM1 + 1), 0x00);
    qtest_outb(s, COM1 + LCR, 0x03);
    /* Reset state: transmitter empty, nothing received, no interrupt. */
    CHECK_EQ(qtest_inb(s, COM1 + LSR), 0x60);
    CHECK_EQ(qtest_inb(s, COM1 + IIR) & 0x0f, 0x01);
    QUIT(s);
}

/* A byte written in loopback mode comes back: data ready, receive
 * interrupt (IIR 0x04, IRQ 4), then reading it clears both. */
static void test_loopback_rx_interrupt(void)
{
    QTestState *s = qtest_init(NULL);
    qtest_irq_intercept_in(s, "ioapic");
    setup_uart(s);
    qtest_outb(s, COM1 + MCR, 0x18); /* loopback, OUT2 */
    qtest_outb(s, COM1 + IER, 0x01); /* received data available */
    CHECK(!qtest_get_irq(s, 4));
    qtest_outb(s, COM1 + RBR, 'Q');
    qtest_clock_step(s, 2 * CHAR_NS);
    CHECK_EQ(qtest_inb(s, COM1 + LSR) & 0x61, 0x61); /* DR, THRE, TEMT */
    CHECK_EQ(qtest_inb(s, COM1 + IIR) & 0x0f, 0x04);
    CHECK(qtest_get_irq(s, 4));
    CHECK_EQ(qtest_inb(s, COM1 + RBR), 'Q');
    CHECK_EQ(qtest_inb(s, COM1 + LSR) & 0x01, 0);
    CHECK_EQ(qtest_inb(s, COM1 + IIR) & 0x0f, 0x01);
    CHECK(!qtest_get_irq(s, 4));
    QUIT(s);
}

/* FIFO mode: sixteen bytes fit the receive FIFO; the seventeenth
 * overruns (LSR OE, read once) and is lost, the FIFO keeps its data
 * (16550 datasheet, LSR bit 1). */
static void test_fifo_overrun(void)
{
    QTestState *s = qtest_init(NULL);
    setup_uart(s);
    qtest_outb(s, COM1 + IIR, 0x07); /* FIFO on, both cleared */
    CHECK_EQ(qtest_inb(s, COM1 + IIR) & 0xc0, 0xc0);
    qtest_outb(s, COM1 + MCR, 0x10);
    for (int i = 0; i < 17; i++) {
        qtest_outb(s, COM1 + RBR, 'a' + i);
        qtest_clock_step(s, 2 * CHAR_NS);
    }
    CHECK_EQ(qtest_inb(s, COM1 + LSR) & 0x03, 0x03); /* DR | OE */
    CHECK_EQ(qtest_inb(s, COM1 + LSR) & 0x02, 0);    /* read once */
    for (int i = 0; i < 16; i++) {
        CHECK_EQ(qtest_inb(s, COM1 + RBR), 'a' + i);
    }
    CHECK_EQ(qtest_inb(s, COM1 + LSR) & 0x01, 0);
    QUIT(s);
}

/* Transmitter holding register empty: enabling ETBI with THR empty
 * interrupts at once (IIR 0x02); reading IIR clears it. */
static void test_thre_interrupt(void)
{
    QTestState *s = qtest_init(NULL);
    qtest_irq_intercept_in(s, "ioapic");
    setup_uart(s);
    qtest_outb(s, COM1 + MCR, 0x18);
    qtest_outb(s, COM1 + IER, 0x02);
    CHECK(qtest_get_irq(s, 4));
    CHECK_EQ(qtest_inb(s, COM1 + IIR) & 0x0f, 0x02);
    CHECK(!qtest_get_irq(s, 4));
    /* A write refills THR; once it has gone, THRE interrupts again. */
    qtest_outb(s, COM1 + RBR, 'x');
    qtest_clock_step(s, 2 * CHAR_NS);
    CHECK(qtest_get_irq(s, 4));
    qtest_outb(s, COM1 + IER, 0x00);
    CHECK(!qtest_get_irq(s, 4));
    QUIT(s);
}

/* In loopback the modem outputs come back as inputs: DTR -> DSR, RTS ->
 * CTS, OUT1 -> RI, OUT2 -> DCD, with the delta bits. */
static void test_loopback_modem_lines(void)
{
    QTestState *s = qtest_init(NULL);
    qtest_outb(s, COM1 + MCR, 0x10);
    qtest_inb(s, COM1 + MSR);        /* clear deltas */
    qtest_outb(s, COM1 + MCR, 0x13); /* loopback, RTS, DTR */
    uint8_t msr = qtest_inb(s, COM1 + MSR);
    CHECK_EQ(msr & 0xf0, 0x30);      /* CTS, DSR */
    CHECK_EQ(msr & 0x03, 0x03);      /* DCTS, DDSR */
    qtest_outb(s, COM1 + MCR, 0x1c); /* loopback, OUT1, OUT2 */
    msr = qtest_inb(s, COM1 + MSR);
    CHECK_EQ(msr & 0xf0, 0xc0); /* RI, DCD */
    QUIT(s);
}

int main(int argc, char **argv)
{
    qc_init(argc, argv);
    TEST_RUN(test_scratch_and_divisor);
    TEST_RUN(test_loopback_rx_interrupt);
    TEST_RUN(test_fifo_overrun);
    TEST_RUN(test_thre_interrupt);
    TEST_RUN(test_loopback_modem_lines);
    return qc_finish();
}
