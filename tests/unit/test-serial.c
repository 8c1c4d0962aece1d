/*
 * NS16550A UART device tests, with a "ringbuf" chardev as the host end:
 * output order, IIR/LSR per the datasheet, THRE/TEMT timing from the baud
 * rate, RX trigger levels and character timeout on IRQ4, a blocked backend
 * holding bytes without loss, loopback, input flow control, break.
 */
#include "tests/unit/harness.h"

#include <glib.h>
#include "emu/chardev.h"
#include "hw/char/serial.h"

#define COM1     0x3f8
#define IRQ4     4
#define RBR      (COM1 + 0)
#define THR      (COM1 + 0)
#define IER      (COM1 + 1)
#define IIR      (COM1 + 2)
#define FCR      (COM1 + 2)
#define LCR      (COM1 + 3)
#define MCR      (COM1 + 4)
#define LSR      (COM1 + 5)
#define MSR      (COM1 + 6)
#define SCR      (COM1 + 7)

/* 9600 8N1: 10 bits of 16 clocks of 1.8432 MHz / 12. */
#define CT       (20LL * 8 * 12 * 1000000000LL / 1843200)

static int chr_seq;

static Chardev *new_ringbuf(int size)
{
    char opts[64];
    Error *err = NULL;
    Chardev *chr;

    snprintf(opts, sizeof(opts), "ringbuf,id=sr%d,size=%d", chr_seq++, size);
    chr = chardev_new_opts(opts, &err);
    if (!chr) {
        test_fail(__FILE__, __LINE__, "ringbuf: %s", error_get_pretty(err));
        error_free(err);
    }
    return chr;
}

/*
 * COM1 at 9600 8N1 on a ringbuf; fifo_fcr 0 leaves the FIFOs off.  With
 * pacing (most tests here check the wire timing) THRE/TEMT follow the
 * baud rate; without, the default, a character takes no time.
 */
static DeviceState *uart_setup_paced(TestBus *tb, Chardev **chr, int size,
                                     uint8_t fcr, bool pacing)
{
    DeviceState *dev;

    test_bus_init(tb);
    *chr = new_ringbuf(size);
    dev = device_new(TYPE_ISA_SERIAL);
    device_prop_set_chardev(dev, "chardev", *chr);
    device_prop_set_bool(dev, "tx-pacing", pacing);
    if (device_realize(dev, &tb->isa.qbus, NULL) < 0) {
        test_fail(__FILE__, __LINE__, "realize failed");
        return NULL;
    }
    device_reset(dev);
    outb(tb, LCR, 0x83);
    outb(tb, COM1 + 0, 12);
    outb(tb, COM1 + 1, 0);
    outb(tb, LCR, 0x03);
    outb(tb, FCR, fcr);
    return dev;
}

static DeviceState *uart_setup(TestBus *tb, Chardev **chr, int size,
                               uint8_t fcr)
{
    return uart_setup_paced(tb, chr, size, fcr, true);
}

static void step_to(int64_t t)
{
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    if (t > now) {
        clock_step_ns(t - now);
    }
}

static void test_reset_values(void)
{
    TestBus tb;

    test_bus_init(&tb);
    test_device(&tb, TYPE_ISA_SERIAL, NULL);
    CHECK_EQ(inb(&tb, IER), 0x00);
    CHECK_EQ(inb(&tb, IIR), 0x01);
    CHECK_EQ(inb(&tb, LCR), 0x00);
    CHECK_EQ(inb(&tb, MCR), 0x00);
    CHECK_EQ(inb(&tb, LSR), 0x60);
    CHECK_EQ(inb(&tb, MSR), 0xb0);
    outb(&tb, SCR, 0xa5);
    CHECK_EQ(inb(&tb, SCR), 0xa5);
    /* Divisor latch behind DLAB. */
    outb(&tb, LCR, 0x80);
    outb(&tb, COM1 + 0, 0x34);
    outb(&tb, COM1 + 1, 0x12);
    CHECK_EQ(inb(&tb, COM1 + 0), 0x34);
    CHECK_EQ(inb(&tb, COM1 + 1), 0x12);
    outb(&tb, LCR, 0x03);
    CHECK_EQ(inb(&tb, IER), 0x00);
    outb(&tb, IER, 0xff);
    CHECK_EQ(inb(&tb, IER), 0x0f);
    CHECK_EQ(tb.irq[IRQ4].level, 1);                /* THRE, enabled */
    test_bus_cleanup(&tb);
    chardev_cleanup_all();
}

static void test_index_defaults(void)
{
    TestBus tb;

    test_bus_init(&tb);
    test_device(&tb, TYPE_ISA_SERIAL, "index=1");
    test_device(&tb, TYPE_ISA_SERIAL, "index=3,irq=5");
    test_device(&tb, TYPE_ISA_SERIAL, "index=2,iobase=0x238");
    outb(&tb, 0x2f8 + 7, 0x11);
    outb(&tb, 0x2e8 + 7, 0x22);
    outb(&tb, 0x238 + 7, 0x33);
    CHECK_EQ(inb(&tb, 0x2f8 + 7), 0x11);
    CHECK_EQ(inb(&tb, 0x2e8 + 7), 0x22);
    CHECK_EQ(inb(&tb, 0x238 + 7), 0x33);
    outb(&tb, 0x2f8 + 1, 0x02);
    CHECK_EQ(tb.irq[3].level, 1);
    outb(&tb, 0x2e8 + 1, 0x02);
    CHECK_EQ(tb.irq[5].level, 1);
    outb(&tb, 0x238 + 1, 0x02);
    CHECK_EQ(tb.irq[4].level, 1);                   /* COM3's default */
    test_bus_cleanup(&tb);
}

/* Without index, the first COM port not taken; a fifth UART is refused,
 * and so is one on ports another UART decodes. */
static void test_index_next_free(void)
{
    TestBus tb;
    Error *err = NULL;

    test_bus_init(&tb);
    test_device(&tb, TYPE_ISA_SERIAL, "index=1");
    DeviceState *a = test_device(&tb, TYPE_ISA_SERIAL, NULL);
    DeviceState *b = test_device(&tb, TYPE_ISA_SERIAL, NULL);
    test_device(&tb, TYPE_ISA_SERIAL, NULL);
    char *v = a ? device_prop_print(a, "index") : NULL;
    CHECK_STR(v, "0");
    g_free(v);
    v = b ? device_prop_print(b, "index") : NULL;
    CHECK_STR(v, "2");
    g_free(v);
    outb(&tb, 0x3f8 + 7, 0x44); /* COM1 scratch: a, not hidden */
    outb(&tb, 0x3e8 + 7, 0x55); /* COM3: b */
    CHECK_EQ(inb(&tb, 0x3f8 + 7), 0x44);
    CHECK_EQ(inb(&tb, 0x3e8 + 7), 0x55);

    DeviceState *e = device_new(TYPE_ISA_SERIAL);
    CHECK(device_realize(e, &tb.isa.qbus, &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "all 4 COM ports are in use"));
    error_free(err);
    err = NULL;
    device_free(e);

    e = device_new(TYPE_ISA_SERIAL);
    device_set_props(e, "index=0,iobase=0x2fc", NULL);
    CHECK(device_realize(e, &tb.isa.qbus, &err) < 0);
    CHECK(err && !strcmp(error_get_pretty(err), "I/O ports 0x2f8-0x2ff "
                                                "already used by isa-serial"));
    error_free(err);
    device_free(e);
    CHECK_EQ(inb(&tb, 0x2f8 + 7), 0); /* the first still answers */
    test_bus_cleanup(&tb);
}

static void test_tx_timing_no_fifo(void)
{
    TestBus tb;
    Chardev *chr;
    uint8_t buf[8];

    uart_setup(&tb, &chr, 64, 0x00);
    outb(&tb, THR, 'A');
    /* The byte moved to the TSR at once: THR empty, transmitter busy. */
    CHECK_EQ(inb(&tb, LSR), 0x20);
    CHECK_EQ(ringbuf_count(chr), 1);
    outb(&tb, THR, 'B');
    CHECK_EQ(inb(&tb, LSR), 0x00);
    step_to(CT - 1);
    CHECK_EQ(inb(&tb, LSR), 0x00);
    step_to(CT);
    CHECK_EQ(inb(&tb, LSR), 0x20);
    step_to(2 * CT - 1);
    CHECK_EQ(inb(&tb, LSR), 0x20);
    step_to(2 * CT);
    CHECK_EQ(inb(&tb, LSR), 0x60);
    CHECK_EQ(ringbuf_read(chr, buf, sizeof(buf)), 2);
    CHECK_EQ(buf[0], 'A');
    CHECK_EQ(buf[1], 'B');
    /* 7E2 at 19200: 1 + 7 + 1 + 2 = 11 bits of 6 * 16 clocks. */
    outb(&tb, LCR, 0x80 | 0x1e);
    outb(&tb, COM1, 6);
    outb(&tb, LCR, 0x1e);
    outb(&tb, THR, 0xff);
    int64_t t0 = clock_get_ns(CLOCK_VIRTUAL);
    int64_t ct = 22LL * 8 * 6 * 1000000000LL / 1843200;
    step_to(t0 + ct - 1);
    CHECK_EQ(inb(&tb, LSR) & 0x40, 0);
    step_to(t0 + ct);
    CHECK_EQ(inb(&tb, LSR) & 0x40, 0x40);
    CHECK_EQ(ringbuf_read(chr, buf, 1), 1);
    CHECK_EQ(buf[0], 0x7f);                         /* 7 data bits */
    test_bus_cleanup(&tb);
    chardev_cleanup_all();
}

static void test_tx_fifo_order_and_thre_irq(void)
{
    TestBus tb;
    Chardev *chr;
    uint8_t buf[32];

    uart_setup(&tb, &chr, 64, 0x07);                /* FIFOs on, cleared */
    CHECK_EQ(inb(&tb, IIR), 0xc1);
    outb(&tb, IER, 0x02);
    CHECK_EQ(tb.irq[IRQ4].level, 1);
    CHECK_EQ(inb(&tb, IIR), 0xc2);
    /* Reading IIR while THRE is the reported source clears it. */
    CHECK_EQ(tb.irq[IRQ4].level, 0);
    CHECK_EQ(inb(&tb, IIR), 0xc1);
    for (int i = 0; i < 17; i++) {
        outb(&tb, THR, 'a' + i);                    /* TSR + 16 in FIFO */
    }
    CHECK_EQ(tb.irq[IRQ4].level, 0);
    CHECK_EQ(inb(&tb, LSR), 0x00);
    /* Output reaches the host at once, in order. */
    CHECK_EQ(ringbuf_read(chr, buf, sizeof(buf)), 17);
    for (int i = 0; i < 17; i++) {
        CHECK_EQ(buf[i], 'a' + i);
    }
    /* The FIFO is empty when its last byte enters the TSR: 16 CT. */
    step_to(16 * CT - 1);
    CHECK_EQ(tb.irq[IRQ4].level, 0);
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x00);
    step_to(16 * CT);
    CHECK_EQ(tb.irq[IRQ4].level, 1);
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x20);
    step_to(17 * CT);
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x60);
    /* Writing THR clears THRE; the byte goes to the idle TSR and THRE
     * becomes pending again. */
    CHECK_EQ(tb.irq[IRQ4].level, 1);
    outb(&tb, THR, 'x');
    CHECK_EQ(tb.irq[IRQ4].level, 1);
    outb(&tb, THR, 'y');
    CHECK_EQ(tb.irq[IRQ4].level, 0);
    CHECK_EQ(inb(&tb, IIR), 0xc1);
    /* Disabling then enabling ETBEI with THR empty re-raises. */
    step_to(19 * CT + 1);
    outb(&tb, IER, 0x00);
    CHECK_EQ(tb.irq[IRQ4].level, 0);
    outb(&tb, IER, 0x02);
    CHECK_EQ(tb.irq[IRQ4].level, 1);
    CHECK_EQ(inb(&tb, IIR), 0xc2);
    CHECK_EQ(ringbuf_read(chr, buf, sizeof(buf)), 2);
    test_bus_cleanup(&tb);
    chardev_cleanup_all();
}

static void test_rx_trigger_levels(void)
{
    static const int levels[4] = { 1, 4, 8, 14 };

    for (int t = 0; t < 4; t++) {
        TestBus tb;
        Chardev *chr;
        uint8_t ch;

        uart_setup(&tb, &chr, 64, 0x07 | (t << 6));
        outb(&tb, IER, 0x01);
        for (int i = 0; i < 16; i++) {
            ch = 'A' + i;
            CHECK_EQ(ringbuf_inject(chr, &ch, 1), 1);
            if (i + 1 < levels[t]) {
                CHECK_EQ(tb.irq[IRQ4].level, 0);
                CHECK_EQ(inb(&tb, IIR), 0xc1);
            } else {
                CHECK_EQ(tb.irq[IRQ4].level, 1);
                CHECK_EQ(inb(&tb, IIR), 0xc4);
            }
        }
        CHECK_EQ(inb(&tb, LSR) & 0x01, 0x01);
        /* Reading below the trigger level drops the interrupt. */
        for (int i = 0; i < 16; i++) {
            CHECK_EQ(inb(&tb, RBR), 'A' + i);
            CHECK_EQ(tb.irq[IRQ4].level, 16 - i - 1 >= levels[t]);
        }
        CHECK_EQ(inb(&tb, LSR) & 0x01, 0x00);
        CHECK_EQ(inb(&tb, IIR), 0xc1);
        test_bus_cleanup(&tb);
        chardev_cleanup_all();
    }
}

static void test_rx_char_timeout(void)
{
    TestBus tb;
    Chardev *chr;

    uart_setup(&tb, &chr, 64, 0x81);                /* trigger 8 */
    outb(&tb, IER, 0x01);
    CHECK_EQ(ringbuf_inject(chr, (const uint8_t *)"xyz", 3), 3);
    CHECK_EQ(tb.irq[IRQ4].level, 0);
    step_to(4 * CT - 1);
    CHECK_EQ(tb.irq[IRQ4].level, 0);
    CHECK_EQ(inb(&tb, IIR), 0xc1);
    step_to(4 * CT);
    CHECK_EQ(tb.irq[IRQ4].level, 1);
    CHECK_EQ(inb(&tb, IIR), 0xcc);
    /* Reading a character clears the indication and restarts the timer. */
    CHECK_EQ(inb(&tb, RBR), 'x');
    CHECK_EQ(tb.irq[IRQ4].level, 0);
    step_to(8 * CT - 1);
    CHECK_EQ(tb.irq[IRQ4].level, 0);
    step_to(8 * CT);
    CHECK_EQ(tb.irq[IRQ4].level, 1);
    CHECK_EQ(inb(&tb, RBR), 'y');
    CHECK_EQ(inb(&tb, RBR), 'z');
    step_to(20 * CT);
    CHECK_EQ(tb.irq[IRQ4].level, 0);                /* empty: no timeout */
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), -1);
    test_bus_cleanup(&tb);
    chardev_cleanup_all();
}

/* Default (QEMU's behaviour): the transmitter is empty again at once, so
 * firmware polling THRE|TEMT never waits; back-pressure still holds. */
static void test_tx_unpaced_default(void)
{
    TestBus tb;
    Chardev *chr;
    uint8_t buf[64];

    uart_setup_paced(&tb, &chr, 64, 0x07, false);
    outb(&tb, IER, 0x02);
    for (int i = 0; i < 20; i++) {
        outb(&tb, THR, 'a' + i);
        CHECK_EQ(inb(&tb, LSR) & 0x60, 0x60);
    }
    CHECK_EQ(ringbuf_read(chr, buf, sizeof(buf)), 20);
    CHECK_EQ(buf[19], 'a' + 19);
    CHECK_EQ(tb.irq[4].level, 1);               /* THRE interrupt */
    CHECK_EQ(inb(&tb, IIR) & 0x0f, 0x02);
    /* A blocked host end: the byte stays in the TSR, TEMT stays 0. */
    ringbuf_set_blocked(chr, true);
    outb(&tb, THR, 'x');
    CHECK_EQ(inb(&tb, LSR) & 0x40, 0x00);
    for (int i = 0; i < 16; i++) {
        outb(&tb, THR, 'y');
    }
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x00);
    ringbuf_set_blocked(chr, false);
    CHECK_EQ(ringbuf_read(chr, buf, sizeof(buf)), 17);
    CHECK_EQ(buf[0], 'x');
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x60);
    test_bus_cleanup(&tb);
    chardev_cleanup_all();
}

static void test_blocked_backend(void)
{
    TestBus tb;
    Chardev *chr;
    uint8_t buf[64];

    uart_setup(&tb, &chr, 64, 0x07);
    ringbuf_set_blocked(chr, true);
    outb(&tb, THR, 0);
    /* The TSR holds an unsent byte: THR is free, the transmitter is not. */
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x20);
    step_to(10 * CT);
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x20);
    for (int i = 1; i <= 16; i++) {
        outb(&tb, THR, i);
    }
    step_to(1000 * CT);
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x00);           /* held, not empty */
    CHECK_EQ(ringbuf_count(chr), 0);
    /* Unblocking runs the watch: all 17 come out, in order. */
    ringbuf_set_blocked(chr, false);
    CHECK_EQ(ringbuf_read(chr, buf, sizeof(buf)), 17);
    for (int i = 0; i <= 16; i++) {
        CHECK_EQ(buf[i], i);
    }
    /* Then they go out at the line rate, from the unblocking on. */
    int64_t t0 = clock_get_ns(CLOCK_VIRTUAL);
    step_to(t0 + 16 * CT - 1);
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x00);
    step_to(t0 + 16 * CT);
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x20);
    step_to(t0 + 17 * CT - 1);
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x20);
    step_to(t0 + 17 * CT);
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x60);
    test_bus_cleanup(&tb);
    chardev_cleanup_all();
}

/* A guest that polls THRE and writes 16 at a time into a small, slowly
 * read host buffer: the chardev takes partial writes; nothing is lost. */
static void test_partial_writes_no_loss(void)
{
    TestBus tb;
    Chardev *chr;
    uint8_t out[300], buf[16];
    int sent = 0, got = 0;

    uart_setup(&tb, &chr, 16, 0x07);
    for (int round = 0; round < 2000 && got < 300; round++) {
        if ((inb(&tb, LSR) & 0x20) && sent < 300) {
            for (int i = 0; i < 16 && sent < 300; i++) {
                outb(&tb, THR, (uint8_t)(sent * 7));
                sent++;
            }
        }
        clock_step_ns(CT);
        if (round % 5 == 0) {
            int n = ringbuf_read(chr, buf, 5);
            memcpy(out + got, buf, n);
            got += n;
        }
    }
    while (got < 300) {
        int n = ringbuf_read(chr, buf, sizeof(buf));
        if (n == 0) {
            break;
        }
        memcpy(out + got, buf, n);
        got += n;
    }
    CHECK_EQ(sent, 300);
    CHECK_EQ(got, 300);
    for (int i = 0; i < got; i++) {
        if (out[i] != (uint8_t)(i * 7)) {
            test_fail(__FILE__, __LINE__, "byte %d: 0x%02x", i, out[i]);
            break;
        }
    }
    test_bus_cleanup(&tb);
    chardev_cleanup_all();
}

static void test_loopback(void)
{
    TestBus tb;
    Chardev *chr;

    uart_setup(&tb, &chr, 64, 0x07);
    outb(&tb, MCR, 0x10);
    CHECK_EQ(inb(&tb, MSR) & 0xf0, 0x00);
    outb(&tb, IER, 0x01);
    outb(&tb, THR, 0x5a);
    CHECK_EQ(inb(&tb, LSR) & 0x01, 0);
    step_to(CT - 1);
    CHECK_EQ(tb.irq[IRQ4].level, 0);
    step_to(CT);
    CHECK_EQ(tb.irq[IRQ4].level, 1);
    CHECK_EQ(inb(&tb, LSR), 0x61);
    CHECK_EQ(inb(&tb, RBR), 0x5a);
    CHECK_EQ(tb.irq[IRQ4].level, 0);
    CHECK_EQ(ringbuf_count(chr), 0);                /* nothing to the host */
    /* Host input waits while the input pin is disconnected. */
    CHECK_EQ(ringbuf_inject(chr, (const uint8_t *)"q", 1), 0);
    CHECK_EQ(inb(&tb, LSR) & 0x01, 0);
    /* Modem lines: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
    inb(&tb, MSR);
    outb(&tb, MCR, 0x1f);
    CHECK_EQ(inb(&tb, MSR), 0xfb);                  /* TERI only on fall */
    CHECK_EQ(inb(&tb, MSR), 0xf0);
    outb(&tb, IER, 0x08);
    outb(&tb, MCR, 0x1b);                           /* OUT1 falls */
    CHECK_EQ(tb.irq[IRQ4].level, 1);
    CHECK_EQ(inb(&tb, IIR), 0xc0);
    CHECK_EQ(inb(&tb, MSR), 0xb4);
    CHECK_EQ(tb.irq[IRQ4].level, 0);
    /* Leaving loopback lets the held input in. */
    outb(&tb, MCR, 0x03);
    CHECK_EQ(ringbuf_pending_input(chr), 0);
    CHECK_EQ(inb(&tb, RBR), 'q');
    test_bus_cleanup(&tb);
    chardev_cleanup_all();
}

static void test_input_flow_control(void)
{
    TestBus tb;
    Chardev *chr;
    uint8_t in[20];

    /* Without FIFOs: one byte at a time. */
    uart_setup(&tb, &chr, 64, 0x00);
    CHECK_EQ(ringbuf_inject(chr, (const uint8_t *)"abc", 3), 1);
    CHECK_EQ(ringbuf_pending_input(chr), 2);
    CHECK_EQ(inb(&tb, LSR) & 0x03, 0x01);           /* DR, no overrun */
    CHECK_EQ(inb(&tb, RBR), 'a');
    CHECK_EQ(ringbuf_pending_input(chr), 1);
    CHECK_EQ(inb(&tb, RBR), 'b');
    CHECK_EQ(inb(&tb, RBR), 'c');
    CHECK_EQ(inb(&tb, LSR) & 0x03, 0x00);
    test_bus_cleanup(&tb);
    chardev_cleanup_all();

    /* With FIFOs: 16 at once, the rest as room comes back. */
    uart_setup(&tb, &chr, 64, 0x01);
    for (int i = 0; i < 20; i++) {
        in[i] = 0x30 + i;
    }
    CHECK_EQ(ringbuf_inject(chr, in, 20), 16);
    CHECK_EQ(ringbuf_pending_input(chr), 4);
    for (int i = 0; i < 20; i++) {
        CHECK_EQ(inb(&tb, LSR) & 0x03, 0x01);
        CHECK_EQ(inb(&tb, RBR), 0x30 + i);
    }
    CHECK_EQ(ringbuf_pending_input(chr), 0);
    CHECK_EQ(inb(&tb, LSR) & 0x9f, 0x00);
    test_bus_cleanup(&tb);
    chardev_cleanup_all();
}

static void test_break_and_priorities(void)
{
    TestBus tb;
    Chardev *chr;

    uart_setup(&tb, &chr, 64, 0x01);
    outb(&tb, IER, 0x07);                           /* RX, THRE, LS */
    CHECK_EQ(inb(&tb, IIR), 0xc2);                  /* THRE; now cleared */
    ringbuf_send_event(chr, CHR_EVENT_BREAK);
    /* Line status beats received data. */
    CHECK_EQ(tb.irq[IRQ4].level, 1);
    CHECK_EQ(inb(&tb, IIR), 0xc6);
    CHECK_EQ(inb(&tb, LSR), 0xf9);                  /* FIFOE BI FE DR */
    CHECK_EQ(inb(&tb, IIR), 0xc4);
    CHECK_EQ(inb(&tb, RBR), 0x00);
    CHECK_EQ(inb(&tb, IIR), 0xc1);
    CHECK_EQ(inb(&tb, LSR), 0x60);
    CHECK_EQ(tb.irq[IRQ4].level, 0);
    /* Received data beats THRE. */
    outb(&tb, IER, 0x00);
    outb(&tb, IER, 0x03);
    CHECK_EQ(ringbuf_inject(chr, (const uint8_t *)"k", 1), 1);
    CHECK_EQ(inb(&tb, IIR), 0xc4);
    CHECK_EQ(inb(&tb, RBR), 'k');
    CHECK_EQ(inb(&tb, IIR), 0xc2);
    test_bus_cleanup(&tb);
    chardev_cleanup_all();
}

static void test_fifo_control(void)
{
    TestBus tb;
    Chardev *chr;

    uart_setup(&tb, &chr, 64, 0x01);
    CHECK_EQ(ringbuf_inject(chr, (const uint8_t *)"hello", 5), 5);
    outb(&tb, FCR, 0x03);                           /* RX FIFO reset */
    CHECK_EQ(inb(&tb, LSR) & 0x01, 0x00);
    CHECK_EQ(ringbuf_inject(chr, (const uint8_t *)"hi", 2), 2);
    outb(&tb, FCR, 0x00);                           /* FIFOs off: cleared */
    CHECK_EQ(inb(&tb, IIR), 0x01);
    CHECK_EQ(inb(&tb, LSR) & 0x01, 0x00);
    /* TX FIFO reset drops what waits in the FIFO, not the TSR. */
    outb(&tb, FCR, 0x01);
    ringbuf_set_blocked(chr, true);
    outb(&tb, THR, '1');
    outb(&tb, THR, '2');
    outb(&tb, THR, '3');
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x00);
    outb(&tb, FCR, 0x05);
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x20);
    ringbuf_set_blocked(chr, false);
    uint8_t buf[4];
    CHECK_EQ(ringbuf_read(chr, buf, 4), 1);
    CHECK_EQ(buf[0], '1');
    test_bus_cleanup(&tb);
    chardev_cleanup_all();
}

/* Save with bytes in both FIFOs and the character timeout and the
 * transmitter running; load into a fresh UART: it answers the registers
 * as the first, times out at the same instant, and sends the rest. */
static void test_state_save_load(void)
{
    TestBus ta, tb;
    Chardev *ca, *cb;
    uint8_t out[8];

    /* B first: test_bus_init() restarts the test clock and drops timers. */
    DeviceState *b = uart_setup(&tb, &cb, 64, 0x00);
    outb(&tb, LCR, 0x83);
    outb(&tb, COM1 + 0, 1);
    outb(&tb, LCR, 0x03);
    DeviceState *a = uart_setup(&ta, &ca, 64, 0x81); /* FIFO, trigger 8 */

    outb(&ta, IER, 0x01);
    outb(&ta, SCR, 0x5a);
    outb(&ta, MCR, 0x0b);
    step_to(CT); /* later than B's reset */
    int64_t t0 = clock_get_ns(CLOCK_VIRTUAL);
    CHECK_EQ(ringbuf_inject(ca, (const uint8_t *)"xyz", 3), 3);
    /* The backend holds the output back: it stays in the FIFO. */
    ringbuf_set_blocked(ca, true);
    for (const char *p = "abc"; *p; p++) {
        outb(&ta, THR, *p);
    }
    int sent = ringbuf_read(ca, out, sizeof(out));
    step_to(t0 + CT);
    const VMStateDescription *vmsd = a->cls->vmsd;
    size_t n = vmstate_save(vmsd, a, NULL, 0);
    uint8_t *buf = g_malloc(n);
    CHECK_EQ(vmstate_save(vmsd, a, buf, n), n);
    ringbuf_set_blocked(ca, false);

    CHECK_EQ(vmstate_load(vmsd, b, buf, n), 0);
    static const int regs[] = { IER, IIR, LCR, MCR, LSR, MSR, SCR };
    for (unsigned i = 0; i < G_N_ELEMENTS(regs); i++) {
        CHECK_EQ(inb(&tb, regs[i]), inb(&ta, regs[i]));
    }
    outb(&tb, LCR, 0x83); /* the divisor latch came along too */
    CHECK_EQ(inb(&tb, COM1 + 0), 12);
    outb(&tb, LCR, 0x03);
    CHECK_EQ(tb.irq[IRQ4].level, ta.irq[IRQ4].level);
    /* The transmitter empties at the same instants. */
    for (int64_t t = t0 + CT; t < t0 + 4 * CT; t += CT / 4) {
        step_to(t);
        CHECK_EQ(inb(&tb, LSR), inb(&ta, LSR));
    }
    /* The character timeout is due 4 characters after the input. */
    step_to(t0 + 4 * CT - 1);
    CHECK_EQ(inb(&tb, IIR), 0xc1);
    CHECK_EQ(tb.irq[IRQ4].level, 0);
    step_to(t0 + 4 * CT);
    CHECK_EQ(inb(&tb, IIR), 0xcc);
    CHECK_EQ(inb(&ta, IIR), 0xcc);
    CHECK_EQ(tb.irq[IRQ4].level, 1);
    /* The rest of the output leaves B as it leaves A. */
    uint8_t oa[8], ob[8];
    step_to(t0 + 8 * CT);
    int na = ringbuf_read(ca, oa, sizeof(oa));
    int nb = ringbuf_read(cb, ob, sizeof(ob));
    CHECK_EQ(sent, 0);
    CHECK_EQ(na, 3);
    CHECK_EQ(nb, 3);
    CHECK(!memcmp(oa, "abc", 3));
    CHECK(!memcmp(ob, "abc", 3));
    CHECK_EQ(inb(&tb, LSR) & 0x60, 0x60);
    for (const char *p = "xyz"; *p; p++) {
        CHECK_EQ(inb(&tb, RBR), *p);
    }
    CHECK_EQ(inb(&tb, LSR) & 0x01, 0);
    g_free(buf);
    test_bus_cleanup(&ta);
    test_bus_cleanup(&tb);
    chardev_cleanup_all();
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_reset_values);
    TEST_RUN(test_index_defaults);
    TEST_RUN(test_index_next_free);
    TEST_RUN(test_tx_timing_no_fifo);
    TEST_RUN(test_tx_unpaced_default);
    TEST_RUN(test_tx_fifo_order_and_thre_irq);
    TEST_RUN(test_rx_trigger_levels);
    TEST_RUN(test_rx_char_timeout);
    TEST_RUN(test_blocked_backend);
    TEST_RUN(test_partial_writes_no_loss);
    TEST_RUN(test_loopback);
    TEST_RUN(test_input_flow_control);
    TEST_RUN(test_break_and_priorities);
    TEST_RUN(test_fifo_control);
    TEST_RUN(test_state_save_load);
    return test_finish();
}
