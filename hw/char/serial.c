/*
 * National Semiconductor NS16550A UART with FIFOs (datasheet "PC16550D
 * Universal Asynchronous Receiver/Transmitter with FIFOs", section 8
 * "Registers"; table IV gives the interrupt priorities).
 *
 * Transmit: a byte written to THR enters the TX FIFO (one byte deep with
 * FIFOs off), moves to the transmit shift register (TSR) when that is free,
 * and leaves it one character time later (start + data + parity + stop bits
 * at the baud rate from the divisor latch and the 1.8432 MHz clock).  THRE
 * and TEMT follow that timing on the virtual clock when the property
 * tx-pacing is on; by default (as QEMU) a character takes no time.  The
 * host sees each
 * byte as early as possible: it is handed to the chardev as soon as it is
 * written.  When the chardev takes fewer bytes than offered, the rest stay
 * marked unsent; an unsent byte cannot leave the TSR, so the FIFO fills up
 * and THRE stays 0 until a chardev watch resumes the output: nothing is
 * dropped and the guest sees the flow control.
 *
 * Receive: the chardev may deliver as many bytes as the RX FIFO has room
 * for (can_receive); delivery is not paced at the baud rate.  The FIFO
 * raises the RX data interrupt at its trigger level (1/4/8/14) and the
 * character timeout indication when data sat four character times without
 * being read or added to.
 *
 * Deviations: the "THRE interrupt delayed by one character" rule of the
 * FIFO mode (datasheet 8.6.3) is not modelled; the PC's OUT2 gating of the
 * interrupt line is not modelled either (QEMU does not gate it, and some
 * guests rely on that); a transmitted break (LCR bit 6) is not sent to the
 * host.
 */
#include "emu/common.h"
#include "emu/chardev.h"
#include "emu/device.h"
#include "emu/irq.h"
#include "emu/memory.h"
#include "emu/timer.h"
#include "emu/vmstate.h"
#include "emu/trace.h"
#include "hw/char/serial.h"
#include "hw/isa/isa.h"

/* Register offsets (datasheet table II). */
#define UART_RBR 0 /* read, DLAB=0 */
#define UART_THR 0 /* write, DLAB=0 */
#define UART_DLL 0 /* DLAB=1 */
#define UART_IER 1 /* DLAB=0 */
#define UART_DLM 1 /* DLAB=1 */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_ERBFI 0x01 /* received data available */
#define UART_IER_ETBEI 0x02 /* THR empty */
#define UART_IER_ELSI  0x04 /* receiver line status */
#define UART_IER_EDSSI 0x08 /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI    0x00
#define UART_IIR_THRI   0x02
#define UART_IIR_RDI    0x04
#define UART_IIR_RLSI   0x06
#define UART_IIR_CTI    0x0c /* character timeout */
#define UART_IIR_FIFO   0xc0 /* FIFOs enabled */

#define UART_FCR_FE   0x01
#define UART_FCR_RFR  0x02 /* RX FIFO reset */
#define UART_FCR_TFR  0x04 /* TX FIFO reset */
#define UART_FCR_DMS  0x08
#define UART_FCR_TRIG 0xc0

#define UART_LCR_WLS  0x03
#define UART_LCR_STB  0x04
#define UART_LCR_PEN  0x08
#define UART_LCR_SBC  0x40 /* set break */
#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR     0x01
#define UART_LSR_OE     0x02
#define UART_LSR_PE     0x04
#define UART_LSR_FE     0x08
#define UART_LSR_BI     0x10
#define UART_LSR_THRE   0x20
#define UART_LSR_TEMT   0x40
#define UART_LSR_FIFOE  0x80
#define UART_LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS   0x01
#define UART_MSR_DDSR   0x02
#define UART_MSR_TERI   0x04
#define UART_MSR_DDCD   0x08
#define UART_MSR_CTS    0x10
#define UART_MSR_DSR    0x20
#define UART_MSR_RI     0x40
#define UART_MSR_DCD    0x80
#define UART_MSR_DELTAS 0x0f

#define UART_FIFO_SIZE 16
#define UART_CLOCK_HZ  1843200
#define UART_TX_LOOP   0x100 /* TX entry flag: looped back, not sent */
#define UART_NEVER     INT64_MAX

typedef struct SerialState {
    DeviceState parent;
    int32_t index;
    int32_t iobase_prop;
    int32_t irq_prop;
    Chardev *chr;
    bool tx_pacing; /* THRE/TEMT at the baud rate (default: at once) */

    uint32_t iobase;
    MemoryRegion io;
    IRQ *irq;
    Timer timer;
    bool watch_pending;

    uint16_t divisor;
    uint8_t ier;
    uint8_t lcr;
    uint8_t mcr;
    uint8_t fcr;
    uint8_t msr; /* status bits and latched deltas */
    uint8_t scr;
    uint8_t lsr_err; /* OE/PE/FE/BI latched until LSR is read */
    uint8_t rbr;     /* last byte read, returned when empty */
    bool thr_ipending;

    /* TX: FIFO entries (byte | UART_TX_LOOP), then the shift register. */
    uint16_t tx_fifo[UART_FIFO_SIZE];
    uint8_t tx_head;
    uint8_t tx_count;
    uint16_t tsr;
    bool tsr_full;
    int64_t tsr_done_ns; /* when the TSR byte has been shifted out */
    uint8_t tx_unsent;   /* trailing entries of TSR+FIFO not yet handed on */

    /* RX: FIFO entries (byte | error bits << 8). */
    uint16_t rx_fifo[UART_FIFO_SIZE];
    uint8_t rx_head;
    uint8_t rx_count;
    int64_t rx_activity_ns; /* last push or pop: character timeout base */
} SerialState;

static const struct {
    uint16_t iobase;
    uint8_t irq;
} serial_isa_defaults[SERIAL_MAX_ISA_PORTS] = {
    {0x3f8, 4},
    {0x2f8, 3},
    {0x3e8, 4},
    {0x2e8, 3},
};

/* ---- helpers ---- */

static int64_t serial_now(void)
{
    return clock_get_ns(CLOCK_VIRTUAL);
}

static bool serial_fifo_on(SerialState *s)
{
    return s->fcr & UART_FCR_FE;
}

static int serial_fifo_cap(SerialState *s)
{
    return serial_fifo_on(s) ? UART_FIFO_SIZE : 1;
}

/* One character on the line, start bit to stop bit(s), in nanoseconds. */
static int64_t serial_char_ns(SerialState *s)
{
    int data = 5 + (s->lcr & UART_LCR_WLS);
    int half_bits = 2 + 2 * data;
    int64_t div = s->divisor ? s->divisor : 65536;

    if (s->lcr & UART_LCR_PEN) {
        half_bits += 2;
    }
    if (s->lcr & UART_LCR_STB) {
        half_bits += data == 5 ? 3 : 4; /* 1.5 or 2 stop bits */
    } else {
        half_bits += 2;
    }
    /* 16 clocks per bit. */
    return half_bits * 8 * div * NANOSECONDS_PER_SECOND / UART_CLOCK_HZ;
}

/*
 * How long the transmitter holds a character.  By default no time at all,
 * as QEMU's UART: firmware written for QEMU (SeaBIOS's serial console waits
 * for THRE and TEMT with a short timeout, then redraws) expects it, and a
 * virtual line gains nothing from waiting.  tx-pacing=on keeps the wire
 * timing of the baud rate for guests that measure it.
 */
static int64_t serial_tx_char_ns(SerialState *s)
{
    return s->tx_pacing ? serial_char_ns(s) : 0;
}

static uint8_t serial_data_mask(SerialState *s)
{
    return 0xff >> (3 - (s->lcr & UART_LCR_WLS));
}

static int serial_rx_trigger(SerialState *s)
{
    static const uint8_t levels[4] = {1, 4, 8, 14};

    return serial_fifo_on(s) ? levels[s->fcr >> 6] : 1;
}

/* Modem input lines: looped from MCR, else a connected, ready host. */
static uint8_t serial_modem_inputs(SerialState *s)
{
    uint8_t m = s->mcr, v = 0;

    if (!(m & UART_MCR_LOOP)) {
        return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    }
    v |= (m & UART_MCR_RTS) ? UART_MSR_CTS : 0;
    v |= (m & UART_MCR_DTR) ? UART_MSR_DSR : 0;
    v |= (m & UART_MCR_OUT1) ? UART_MSR_RI : 0;
    v |= (m & UART_MCR_OUT2) ? UART_MSR_DCD : 0;
    return v;
}

static void serial_update_msr(SerialState *s)
{
    uint8_t old = s->msr & ~UART_MSR_DELTAS, now = serial_modem_inputs(s);
    uint8_t d = s->msr & UART_MSR_DELTAS;

    if ((old ^ now) & UART_MSR_CTS) {
        d |= UART_MSR_DCTS;
    }
    if ((old ^ now) & UART_MSR_DSR) {
        d |= UART_MSR_DDSR;
    }
    if ((old & UART_MSR_RI) && !(now & UART_MSR_RI)) {
        d |= UART_MSR_TERI; /* trailing edge only */
    }
    if ((old ^ now) & UART_MSR_DCD) {
        d |= UART_MSR_DDCD;
    }
    s->msr = now | d;
}

/* ---- receiver ---- */

static void serial_rx_clear(SerialState *s)
{
    s->rx_head = 0;
    s->rx_count = 0;
}

/* A character arrives at time t with error bits err (PE/FE/BI). */
static void serial_rx_push(SerialState *s, uint8_t ch, uint8_t err, int64_t t)
{
    if (s->rx_count >= serial_fifo_cap(s)) {
        /* The FIFO keeps its data; the character in the shift register
         * is overwritten (datasheet, LSR bit 1). */
        s->lsr_err |= UART_LSR_OE;
        return;
    }
    s->rx_fifo[(s->rx_head + s->rx_count) % UART_FIFO_SIZE] = ch | (err << 8);
    if (s->rx_count++ == 0) {
        s->lsr_err |= err; /* errors show when at the top of the FIFO */
    }
    s->rx_activity_ns = t;
}

static bool serial_rx_timeout(SerialState *s, int64_t now)
{
    return serial_fifo_on(s) && s->rx_count > 0 &&
           now >= s->rx_activity_ns + 4 * serial_char_ns(s);
}

static bool serial_rx_fifo_error(SerialState *s)
{
    for (int i = 0; i < s->rx_count; i++) {
        if (s->rx_fifo[(s->rx_head + i) % UART_FIFO_SIZE] >> 8) {
            return true;
        }
    }
    return false;
}

/* ---- transmitter ---- */

static int serial_tx_total(SerialState *s)
{
    return s->tsr_full + s->tx_count;
}

/* Entry i of the sequence TSR, FIFO[0], FIFO[1], ... */
static uint16_t *serial_tx_entry(SerialState *s, int i)
{
    if (s->tsr_full) {
        if (i == 0) {
            return &s->tsr;
        }
        i--;
    }
    return &s->tx_fifo[(s->tx_head + i) % UART_FIFO_SIZE];
}

static void serial_tx_watch(void *opaque);

/* Hand the unsent entries to the chardev, in order, as far as it takes. */
static void serial_tx_flush(SerialState *s, int64_t now)
{
    int total = serial_tx_total(s);
    bool tsr_was_unsent = s->tsr_full && s->tx_unsent == total;

    while (s->tx_unsent > 0) {
        uint8_t buf[UART_FIFO_SIZE + 1];
        int first = total - s->tx_unsent, n = 0, took;

        if (*serial_tx_entry(s, first) & UART_TX_LOOP) {
            s->tx_unsent--;
            continue;
        }
        while (first + n < total &&
               !(*serial_tx_entry(s, first + n) & UART_TX_LOOP)) {
            buf[n] = *serial_tx_entry(s, first + n);
            n++;
        }
        took = s->chr ? chr_write(s->chr, buf, n) : n;
        s->tx_unsent -= took;
        if (took < n) {
            if (!s->watch_pending) {
                s->watch_pending = true;
                chr_add_watch(s->chr, serial_tx_watch, s);
            }
            break;
        }
    }
    if (tsr_was_unsent && s->tx_unsent < total) {
        /* The line was held: the character goes out from now on. */
        s->tsr_done_ns = MAX(s->tsr_done_ns, now + serial_tx_char_ns(s));
    }
}

/* Run the transmitter up to now: shift out, refill the TSR, loop back. */
static void serial_tx_advance(SerialState *s, int64_t now)
{
    while (s->tsr_full && s->tx_unsent < serial_tx_total(s) &&
           s->tsr_done_ns <= now) {
        int64_t t = s->tsr_done_ns;

        if (s->tsr & UART_TX_LOOP) {
            serial_rx_push(s, s->tsr & serial_data_mask(s), 0, t);
        }
        if (s->tx_count == 0) {
            s->tsr_full = false;
            break;
        }
        s->tsr = s->tx_fifo[s->tx_head];
        s->tx_head = (s->tx_head + 1) % UART_FIFO_SIZE;
        s->tx_count--;
        s->tsr_done_ns = t + serial_tx_char_ns(s);
        if (s->tx_count == 0) {
            s->thr_ipending = true;
        }
    }
}

/* An idle TSR takes the next FIFO byte at once. */
static void serial_tx_start(SerialState *s, int64_t now)
{
    if (s->tsr_full || s->tx_count == 0) {
        return;
    }
    s->tsr = s->tx_fifo[s->tx_head];
    s->tx_head = (s->tx_head + 1) % UART_FIFO_SIZE;
    s->tx_count--;
    s->tsr_full = true;
    s->tsr_done_ns = now + serial_tx_char_ns(s);
    if (s->tx_count == 0) {
        s->thr_ipending = true;
    }
}

static void serial_tx_clear_fifo(SerialState *s)
{
    s->tx_head = 0;
    s->tx_count = 0;
    if (s->tx_unsent > s->tsr_full) {
        s->tx_unsent = s->tsr_full;
    }
}

/* ---- interrupts ---- */

/* IIR in priority order (datasheet table IV). */
static uint8_t serial_iir(SerialState *s, int64_t now)
{
    uint8_t fifo = serial_fifo_on(s) ? UART_IIR_FIFO : 0;

    if ((s->ier & UART_IER_ELSI) && (s->lsr_err & UART_LSR_ERRORS)) {
        return fifo | UART_IIR_RLSI;
    }
    if (s->ier & UART_IER_ERBFI) {
        if (s->rx_count >= serial_rx_trigger(s)) {
            return fifo | UART_IIR_RDI;
        }
        if (serial_rx_timeout(s, now)) {
            return fifo | UART_IIR_CTI;
        }
    }
    if ((s->ier & UART_IER_ETBEI) && s->thr_ipending) {
        return fifo | UART_IIR_THRI;
    }
    if ((s->ier & UART_IER_EDSSI) && (s->msr & UART_MSR_DELTAS)) {
        return fifo | UART_IIR_MSI;
    }
    return fifo | UART_IIR_NO_INT;
}

/* Arm the timer for the next change an enabled interrupt depends on. */
static void serial_rearm(SerialState *s, int64_t now)
{
    int64_t next = UART_NEVER;
    int64_t ct = serial_char_ns(s);

    if (s->tsr_full && s->tx_unsent < serial_tx_total(s)) {
        /* THR empty: when the last FIFO byte enters the TSR. */
        if ((s->ier & UART_IER_ETBEI) && s->tx_count > 0 && s->tx_unsent <= 1) {
            next = MIN(next, s->tsr_done_ns +
                                 (s->tx_count - 1) * serial_tx_char_ns(s));
        }
        /* Loopback: each character arriving in the receiver. */
        if ((s->ier & (UART_IER_ERBFI | UART_IER_ELSI)) &&
            (s->mcr & UART_MCR_LOOP)) {
            next = MIN(next, s->tsr_done_ns);
        }
    }
    if ((s->ier & UART_IER_ERBFI) && serial_fifo_on(s) && s->rx_count > 0 &&
        now < s->rx_activity_ns + 4 * ct) {
        next = MIN(next, s->rx_activity_ns + 4 * ct);
    }
    if (next == UART_NEVER) {
        timer_del(&s->timer);
    } else if (timer_expire_time_ns(&s->timer) != next) {
        timer_mod_ns(&s->timer, MAX(next, now));
    }
}

static void serial_update(SerialState *s, int64_t now)
{
    serial_tx_advance(s, now);
    irq_set(s->irq, !(serial_iir(s, now) & UART_IIR_NO_INT));
    serial_rearm(s, now);
}

static void serial_timer_cb(void *opaque)
{
    SerialState *s = opaque;

    serial_update(s, serial_now());
}

static void serial_tx_watch(void *opaque)
{
    SerialState *s = opaque;
    int64_t now = serial_now();

    s->watch_pending = false;
    serial_tx_advance(s, now);
    serial_tx_flush(s, now);
    serial_update(s, now);
}

/* ---- chardev frontend ---- */

static int serial_can_receive(void *opaque)
{
    SerialState *s = opaque;

    if (s->mcr & UART_MCR_LOOP) {
        return 0; /* the serial input pin is disconnected */
    }
    return serial_fifo_cap(s) - s->rx_count;
}

static void serial_receive(void *opaque, const uint8_t *buf, int size)
{
    SerialState *s = opaque;
    int64_t now = serial_now();

    serial_tx_advance(s, now);
    if (s->mcr & UART_MCR_LOOP) {
        return;
    }
    for (int i = 0; i < size; i++) {
        serial_rx_push(s, buf[i], 0, now);
    }
    serial_update(s, now);
}

static void serial_event(void *opaque, int event)
{
    SerialState *s = opaque;
    int64_t now = serial_now();

    if (event != CHR_EVENT_BREAK || (s->mcr & UART_MCR_LOOP)) {
        return;
    }
    serial_tx_advance(s, now);
    /* A break is received as a zero character with BI and FE. */
    serial_rx_push(s, 0, UART_LSR_BI | UART_LSR_FE, now);
    serial_update(s, now);
}

/* ---- register access ---- */

static uint64_t serial_ioport_read_do(void *opaque, uint64_t addr,
                                      unsigned size)
{
    SerialState *s = opaque;
    int64_t now = serial_now();
    bool room_back = false;
    uint8_t v = 0xff;

    serial_tx_advance(s, now);
    switch (addr) {
    case UART_RBR:
        if (s->lcr & UART_LCR_DLAB) {
            v = s->divisor & 0xff;
            break;
        }
        if (s->rx_count > 0) {
            uint16_t e = s->rx_fifo[s->rx_head];
            s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
            s->rx_count--;
            s->rbr = e & 0xff;
            if (s->rx_count > 0) {
                s->lsr_err |= s->rx_fifo[s->rx_head] >> 8;
            }
            room_back = true;
        }
        s->rx_activity_ns = now;
        v = s->rbr;
        break;
    case UART_IER:
        v = (s->lcr & UART_LCR_DLAB) ? s->divisor >> 8 : s->ier;
        break;
    case UART_IIR:
        v = serial_iir(s, now);
        if ((v & 0x0f) == UART_IIR_THRI) {
            s->thr_ipending = false;
        }
        break;
    case UART_LCR:
        v = s->lcr;
        break;
    case UART_MCR:
        v = s->mcr;
        break;
    case UART_LSR:
        v = s->lsr_err & UART_LSR_ERRORS;
        v |= s->rx_count ? UART_LSR_DR : 0;
        if (s->tx_count == 0) {
            v |= UART_LSR_THRE;
            v |= s->tsr_full ? 0 : UART_LSR_TEMT;
        }
        if (serial_fifo_on(s) && serial_rx_fifo_error(s)) {
            v |= UART_LSR_FIFOE;
        }
        s->lsr_err = 0;
        break;
    case UART_MSR:
        v = s->msr;
        s->msr &= ~UART_MSR_DELTAS;
        break;
    case UART_SCR:
        v = s->scr;
        break;
    }
    serial_update(s, now);
    if (room_back && s->chr && !(s->mcr & UART_MCR_LOOP)) {
        chr_accept_input(s->chr);
    }
    return v;
}

static uint64_t serial_ioport_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = serial_ioport_read_do(opaque, addr, size);
    trace(serial_ioport_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void serial_write_thr(SerialState *s, uint8_t v, int64_t now)
{
    uint16_t e = v & serial_data_mask(s);

    if (s->tx_count >= serial_fifo_cap(s)) {
        log_mask(LOG_GUEST_ERROR,
                 "serial: THR written while full, byte "
                 "0x%02x lost\n",
                 v);
        return;
    }
    if (s->mcr & UART_MCR_LOOP) {
        e |= UART_TX_LOOP;
    }
    s->tx_fifo[(s->tx_head + s->tx_count) % UART_FIFO_SIZE] = e;
    s->tx_count++;
    s->tx_unsent++;
    s->thr_ipending = false;
    serial_tx_start(s, now);
    serial_tx_flush(s, now);
}

static void serial_write_fcr(SerialState *s, uint8_t v)
{
    if ((v ^ s->fcr) & UART_FCR_FE) {
        /* Enabling or disabling the FIFOs empties them. */
        serial_rx_clear(s);
        serial_tx_clear_fifo(s);
    }
    if (!(v & UART_FCR_FE)) {
        s->fcr = 0; /* the other bits need FCR0 = 1 */
        return;
    }
    if (v & UART_FCR_RFR) {
        serial_rx_clear(s);
    }
    if ((v & UART_FCR_TFR) && s->tx_count) {
        serial_tx_clear_fifo(s);
        s->thr_ipending = true;
    }
    if (v & UART_FCR_DMS) {
        log_unimp_once("serial: FIFO DMA mode not supported");
    }
    s->fcr = v & (UART_FCR_FE | UART_FCR_DMS | UART_FCR_TRIG);
}

static void serial_ioport_write(void *opaque, uint64_t addr, uint64_t data,
                                unsigned size)
{
    trace(serial_ioport_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, data, size);
    SerialState *s = opaque;
    int64_t now = serial_now();
    uint8_t v = data;
    bool input_back = false;

    serial_tx_advance(s, now);
    switch (addr) {
    case UART_THR:
        if (s->lcr & UART_LCR_DLAB) {
            s->divisor = (s->divisor & 0xff00) | v;
        } else {
            serial_write_thr(s, v, now);
        }
        break;
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            s->divisor = (s->divisor & 0x00ff) | (v << 8);
            break;
        }
        if ((v & ~s->ier & UART_IER_ETBEI) && s->tx_count == 0) {
            s->thr_ipending = true; /* enabling with THR empty */
        }
        s->ier = v & 0x0f;
        break;
    case UART_FCR:
        serial_write_fcr(s, v);
        input_back = s->rx_count == 0;
        break;
    case UART_LCR:
        if ((v & UART_LCR_SBC) && !(s->lcr & UART_LCR_SBC)) {
            log_unimp_once("serial: sending a break not supported");
        }
        s->lcr = v;
        break;
    case UART_MCR:
        input_back = (s->mcr & UART_MCR_LOOP) && !(v & UART_MCR_LOOP);
        s->mcr = v & 0x1f;
        serial_update_msr(s);
        break;
    case UART_LSR:
    case UART_MSR:
        break; /* factory test registers: writes ignored */
    case UART_SCR:
        s->scr = v;
        break;
    }
    serial_update(s, now);
    if (input_back && s->chr) {
        chr_accept_input(s->chr);
    }
}

static const MemoryRegionOps serial_ops = {
    .read = serial_ioport_read,
    .write = serial_ioport_write,
    ISA_BYTE_OPS_SIZES,
};

/* ---- reset, state, realize ---- */

static void serial_reset(DeviceState *dev)
{
    SerialState *s = container_of(dev, SerialState, parent);

    s->divisor = 12; /* 9600 baud; the chip leaves the latch undefined */
    s->ier = 0;
    s->lcr = 0;
    s->mcr = 0;
    s->fcr = 0;
    s->lsr_err = 0;
    s->rbr = 0;
    s->thr_ipending = false;
    s->msr = serial_modem_inputs(s);
    serial_rx_clear(s);
    s->tx_head = 0;
    s->tx_count = 0;
    s->tsr_full = false;
    s->tx_unsent = 0;
    s->rx_activity_ns = serial_now();
    timer_del(&s->timer);
    irq_lower(s->irq);
}

static int serial_post_load(void *opaque)
{
    SerialState *s = opaque;

    if (s->tx_head >= UART_FIFO_SIZE || s->tx_count > UART_FIFO_SIZE ||
        s->rx_head >= UART_FIFO_SIZE || s->rx_count > UART_FIFO_SIZE ||
        s->tx_unsent > s->tx_count + s->tsr_full) {
        return -EINVAL;
    }
    serial_update(s, serial_now());
    if (s->tx_unsent) {
        serial_tx_flush(s, serial_now());
    }
    return 0;
}

static const VMStateField serial_fields[] = {
    VMSTATE_U16(divisor, SerialState),
    VMSTATE_U8(ier, SerialState),
    VMSTATE_U8(lcr, SerialState),
    VMSTATE_U8(mcr, SerialState),
    VMSTATE_U8(fcr, SerialState),
    VMSTATE_U8(msr, SerialState),
    VMSTATE_U8(scr, SerialState),
    VMSTATE_U8(lsr_err, SerialState),
    VMSTATE_U8(rbr, SerialState),
    VMSTATE_BOOL(thr_ipending, SerialState),
    VMSTATE_U16_ARRAY(tx_fifo, SerialState, UART_FIFO_SIZE),
    VMSTATE_U8(tx_head, SerialState),
    VMSTATE_U8(tx_count, SerialState),
    VMSTATE_U16(tsr, SerialState),
    VMSTATE_BOOL(tsr_full, SerialState),
    VMSTATE_I64(tsr_done_ns, SerialState),
    VMSTATE_U8(tx_unsent, SerialState),
    VMSTATE_U16_ARRAY(rx_fifo, SerialState, UART_FIFO_SIZE),
    VMSTATE_U8(rx_head, SerialState),
    VMSTATE_U8(rx_count, SerialState),
    VMSTATE_I64(rx_activity_ns, SerialState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_serial = {
    .name = "serial",
    .version = 1,
    .fields = serial_fields,
    .post_load = serial_post_load,
};

/*
 * No index given: the first COM port no other UART on the bus has, as QEMU
 * numbers its serial ports in order (so -device isa-serial after two
 * -serial options is COM3, not a second COM1 hiding the first).
 */
static int serial_pick_index(SerialState *s, ISABus *bus, Error **errp)
{
    bool used[SERIAL_MAX_ISA_PORTS] = {false};
    for (DeviceState *d = bus->qbus.children; d; d = d->sibling) {
        if (d->cls == s->parent.cls) {
            int32_t i = container_of(d, SerialState, parent)->index;
            if (i >= 0 && i < SERIAL_MAX_ISA_PORTS) {
                used[i] = true;
            }
        }
    }
    for (int i = 0; i < SERIAL_MAX_ISA_PORTS; i++) {
        if (!used[i]) {
            s->index = i;
            return 0;
        }
    }
    error_setg(errp, "isa-serial: all %d COM ports are in use (index 0-%d)",
               SERIAL_MAX_ISA_PORTS, SERIAL_MAX_ISA_PORTS - 1);
    return -EBUSY;
}

static int serial_realize(DeviceState *dev, Error **errp)
{
    SerialState *s = container_of(dev, SerialState, parent);
    ISABus *bus = isa_bus(dev);
    int irq;

    if (s->index < 0 && serial_pick_index(s, bus, errp) < 0) {
        return -EBUSY;
    }
    if (s->index >= SERIAL_MAX_ISA_PORTS) {
        error_setg(errp, "isa-serial: index %d out of range (0-3)", s->index);
        return -EINVAL;
    }
    s->iobase = s->iobase_prop >= 0 ? (uint32_t)s->iobase_prop
                                    : serial_isa_defaults[s->index].iobase;
    irq = s->irq_prop >= 0 ? s->irq_prop : serial_isa_defaults[s->index].irq;
    if (s->iobase > 0xfff8) {
        error_setg(errp, "isa-serial: iobase 0x%x out of range", s->iobase);
        return -EINVAL;
    }
    if (irq > 15) {
        error_setg(errp, "isa-serial: irq %d out of range (0-15)", irq);
        return -EINVAL;
    }
    s->irq = isa_get_irq(bus, irq);
    timer_init_ns(&s->timer, CLOCK_VIRTUAL, serial_timer_cb, s);
    memory_region_init_io(&s->io, &serial_ops, s, "serial", 8);
    if (isa_register_ioport(bus, dev, &s->io, s->iobase, errp) < 0) {
        memory_region_finalize(&s->io);
        return -EBUSY;
    }
    if (s->chr) {
        chr_set_frontend(s->chr, serial_can_receive, serial_receive,
                         serial_event, s);
    }
    return 0;
}

static void serial_unrealize(DeviceState *dev)
{
    SerialState *s = container_of(dev, SerialState, parent);
    ISABus *bus = isa_bus(dev);

    if (s->chr) {
        /* Same opaque: a mux replaces this frontend's handlers. */
        chr_set_frontend(s->chr, NULL, NULL, NULL, s);
    }
    timer_del(&s->timer);
    isa_unregister_ioport(bus, &s->io);
    memory_region_finalize(&s->io);
}

DeviceState *serial_isa_init(ISABus *bus, int index, Chardev *chr, Error **errp)
{
    DeviceState *dev = device_new(TYPE_ISA_SERIAL);

    device_prop_set_int(dev, "index", index);
    device_prop_set_chardev(dev, "chardev", chr);
    if (device_realize(dev, &bus->qbus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return dev;
}

static const Property serial_props[] = {
    DEFINE_PROP_I32("index", SerialState, index, -1,
                    "COM port number - 1 (0-3), picks iobase and irq "
                    "(-1: the first free one)"),
    DEFINE_PROP_I32("iobase", SerialState, iobase_prop, -1,
                    "I/O base (-1: from index)"),
    DEFINE_PROP_I32("irq", SerialState, irq_prop, -1,
                    "ISA IRQ (-1: from index)"),
    DEFINE_PROP_CHARDEV("chardev", SerialState, chr, "host end"),
    DEFINE_PROP_BOOL("tx-pacing", SerialState, tx_pacing, false,
                     "THRE/TEMT follow the baud rate (QEMU: off)"),
    DEFINE_PROP_END,
};

static const DeviceClass serial_class = {
    .name = TYPE_ISA_SERIAL,
    .desc = "NS16550A UART",
    .bus = "isa",
    .instance_size = sizeof(SerialState),
    .props = serial_props,
    .user_creatable = true,
    .realize = serial_realize,
    .unrealize = serial_unrealize,
    .reset = serial_reset,
    .vmsd = &vmstate_serial,
};
DEVICE_CLASS_REGISTER(serial_class);
