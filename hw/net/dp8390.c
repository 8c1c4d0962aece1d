/*
 * National Semiconductor DP8390D NIC core, as the NE2000 boards use it.
 *
 * Datasheet: DP8390D/NS32490D "Network Interface Controller" (1995):
 * section 7 (the receive ring: PSTART/PSTOP/BNRY/CURR, the 4-byte buffer
 * header, the overflow warning), section 8 (the register map, three
 * pages), section 10 (remote DMA, Send Packet), section 11 (loopback).
 *
 * Receive: an accepted frame is written at CURR, one 256-byte buffer page
 * after the other, wrapping from PSTOP to PSTART; the first four bytes of
 * its first page are the header (receive status, next packet page, byte
 * count = header + frame).  The local DMA never enters the page BNRY
 * points to: a frame that would is lost, ISR.OVW is set and the missed
 * packet tally counts it (section 7.4).  Drivers recover by stopping the
 * chip, emptying the ring and moving BNRY (Linux's ei_rx_overrun).
 *
 * Back-pressure instead of loss: can_receive() is false while the ring
 * has no room for a maximum-size frame (or the chip is stopped), so the
 * net layer holds frames and the backend stops producing; whenever room
 * appears (BNRY written, the chip started, the ring reprogrammed) we call
 * net_flush_queued() and they flow again.  Overflow therefore only
 * happens when the guest made the ring smaller than a frame, or in
 * loopback.
 *
 * Deviations (none visible to the drivers we know):
 *  - Frames from the host have no FCS and may be shorter than the 60
 *    bytes a wire carries; they are padded to 60 (the sending MAC would
 *    have) and stored without CRC, with a count of header + frame, as
 *    QEMU's NE2000 does; the next-page pointer still leaves room for
 *    the CRC, as drivers check it against the count.  Loopback frames
 *    keep the CRC the chip appends.
 *  - Transmission completes at once: no collisions, no deferral, NCR 0.
 *  - DCR.LS is not consulted: TCR LB selects loopback by itself; all
 *    three loopback modes return the frame to the ring only.
 *  - PRX is raised again whenever it is acknowledged with unread frames
 *    left in the ring (dp8390_remind): Linux takes 9 frames per
 *    interrupt and waits for the next arrival's PRX for the rest.
 *  - BNRY = PSTART - 1, which Linux writes after a frame that wrapped,
 *    guards the ring's last page (dp8390_boundary); on the chip it
 *    guards nothing until the driver moves BNRY again.
 *  - The FIFO register reads 0; page-2 writes (diagnostics) are ignored.
 *  - Local addresses other than the PROM (0x0000-0x001f) and the RAM
 *    (0x4000-0x7fff) read 0xff and drop writes.
 */
#include <glib.h>
#include "emu/common.h"
#include "emu/log.h"
#include "emu/trace.h"
#include "hw/net/dp8390.h"

/* CR (all pages, offset 0) */
#define CR_STP      0x01
#define CR_STA      0x02
#define CR_TXP      0x04
#define CR_RD_MASK  0x38
#define CR_RD_READ  0x08
#define CR_RD_WRITE 0x10
#define CR_RD_SEND  0x18
#define CR_RD_ABORT 0x20
#define CR_PS_SHIFT 6

/* Page 0, read */
#define P0_CLDA0 0x01
#define P0_CLDA1 0x02
#define P0_BNRY  0x03
#define P0_TSR   0x04
#define P0_NCR   0x05
#define P0_FIFO  0x06
#define P0_ISR   0x07
#define P0_CRDA0 0x08
#define P0_CRDA1 0x09
#define P0_ID0   0x0a /* reserved on the DP8390; RTL8029 ID */
#define P0_ID1   0x0b
#define P0_RSR   0x0c
#define P0_CNTR0 0x0d
#define P0_CNTR1 0x0e
#define P0_CNTR2 0x0f
/* Page 0, write */
#define P0_PSTART 0x01
#define P0_PSTOP  0x02
#define P0_TPSR   0x04
#define P0_TBCR0  0x05
#define P0_TBCR1  0x06
#define P0_RSAR0  0x08
#define P0_RSAR1  0x09
#define P0_RBCR0  0x0a
#define P0_RBCR1  0x0b
#define P0_RCR    0x0c
#define P0_TCR    0x0d
#define P0_DCR    0x0e
#define P0_IMR    0x0f
/* Page 1 */
#define P1_PAR0 0x01
#define P1_CURR 0x07
#define P1_MAR0 0x08
/* Page 2, read */
#define P2_RNPP 0x03
#define P2_LNPP 0x05
#define P2_ACU  0x06
#define P2_ACL  0x07

/* ISR / IMR */
#define ISR_PRX 0x01
#define ISR_PTX 0x02
#define ISR_RXE 0x04
#define ISR_TXE 0x08
#define ISR_OVW 0x10
#define ISR_CNT 0x20
#define ISR_RDC 0x40
#define ISR_RST 0x80
/* RCR */
#define RCR_SEP 0x01
#define RCR_AR  0x02
#define RCR_AB  0x04
#define RCR_AM  0x08
#define RCR_PRO 0x10
#define RCR_MON 0x20
/* RSR */
#define RSR_PRX 0x01
#define RSR_CRC 0x02
#define RSR_MPA 0x10
#define RSR_PHY 0x20
#define RSR_DIS 0x40
/* TCR */
#define TCR_CRC     0x01 /* inhibit CRC */
#define TCR_LB_MASK 0x06
/* TSR */
#define TSR_PTX 0x01
/* DCR */
#define DCR_WTS 0x01

#define PAGE_SIZE_8390 256
#define MIN_FRAME      60   /* without FCS */
#define MAX_FRAME      1518 /* without FCS */
#define FCS_LEN        4
#define HDR_LEN        4
/* Pages a maximum-size frame and its header need. */
#define MAX_FRAME_PAGES ((HDR_LEN + MAX_FRAME + PAGE_SIZE_8390 - 1) / 256)
/* The tallies stop at 192; bit 7 set raises ISR.CNT (section 8.6). */
#define CNTR_MAX 0xc0

static void dp8390_room(DP8390State *s);

/* ---- Interrupts ---------------------------------------------------------- */

static void dp8390_update_irq(DP8390State *s)
{
    int level = (s->isr & s->imr & 0x7f) != 0;

    if (level != s->irq_level) {
        s->irq_level = level;
        if (s->set_irq) {
            s->set_irq(s->irq_opaque, level);
        }
    }
}

static void dp8390_tally(DP8390State *s, int n)
{
    if (s->cntr[n] < CNTR_MAX) {
        s->cntr[n]++;
    }
    if (s->cntr[n] & 0x80) {
        s->isr |= ISR_CNT;
    }
}

/* ---- The local buffer ---------------------------------------------------- */

static inline uint8_t dp8390_mem_readb(DP8390State *s, uint16_t addr)
{
    if (addr < DP8390_PROM_SIZE) {
        return s->prom[addr];
    }
    if ((unsigned)addr - DP8390_RAM_START < DP8390_RAM_SIZE) {
        return s->ram[addr - DP8390_RAM_START];
    }
    return 0xff;
}

static inline void dp8390_mem_writeb(DP8390State *s, uint16_t addr, uint8_t v)
{
    if ((unsigned)addr - DP8390_RAM_START < DP8390_RAM_SIZE) {
        s->ram[addr - DP8390_RAM_START] = v;
    }
}

/* Copy into local memory [addr, addr+len) (no wrap inside): the part that
 * falls in RAM is written, the rest is lost as on the board. */
static void dp8390_mem_write(DP8390State *s, uint32_t addr, const uint8_t *p,
                             size_t len)
{
    uint32_t lo = MAX(addr, DP8390_RAM_START);
    uint32_t hi = MIN(addr + len, DP8390_RAM_START + DP8390_RAM_SIZE);

    if (lo < hi) {
        memcpy(s->ram + (lo - DP8390_RAM_START), p + (lo - addr), hi - lo);
    }
}

static void dp8390_mem_read(DP8390State *s, uint16_t addr, uint8_t *p,
                            size_t len)
{
    if (addr >= DP8390_RAM_START &&
        addr + len <= DP8390_RAM_START + DP8390_RAM_SIZE) {
        memcpy(p, s->ram + (addr - DP8390_RAM_START), len);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        p[i] = dp8390_mem_readb(s, (uint16_t)(addr + i));
    }
}

static bool dp8390_ring_valid(DP8390State *s)
{
    return s->pstart < s->pstop;
}

static bool dp8390_in_ring(DP8390State *s, uint8_t page)
{
    return page >= s->pstart && page < s->pstop;
}

/* ---- Remote DMA: the data port ------------------------------------------- */

/* The address after addr: remote DMA wraps from PSTOP to PSTART, so that a
 * driver can read a frame that wraps in one go (section 10), and the
 * 16-bit counter wraps at 64 KiB. */
static inline uint16_t dp8390_dma_next(DP8390State *s, uint16_t addr)
{
    addr++;
    if (addr == (uint16_t)(s->pstop << 8) && dp8390_ring_valid(s)) {
        addr = s->pstart << 8;
    }
    return addr;
}

static void dp8390_dma_done(DP8390State *s, unsigned n)
{
    if (!s->rbcr) {
        return; /* already complete: the board goes on, the chip is idle */
    }
    if (s->rbcr > n) {
        s->rbcr -= n;
        return;
    }
    s->rbcr = 0;
    if (s->send_packet) {
        /* Send Packet frees the frame it read (section 10.2). */
        s->send_packet = false;
        s->bnry = s->send_next;
        if (!s->stopped) {
            s->isr &= ~ISR_RST;
        }
    }
    s->isr |= ISR_RDC;
    dp8390_update_irq(s);
    if (!s->stopped) {
        dp8390_room(s);
    }
}

/* Bytes one data-port access moves: words in word mode (an 8-bit access
 * then reads the low byte of a word, as ne2k-pci reads the doubled PROM),
 * single bytes otherwise. */
static inline unsigned dp8390_xfer_len(DP8390State *s, unsigned size)
{
    return (s->dcr & DCR_WTS) ? MAX(size, 2u) : 1;
}

static uint32_t dp8390_data_read(DP8390State *s, unsigned size)
{
    unsigned n = dp8390_xfer_len(s, size);
    uint32_t addr = s->rsar, v = 0;
    uint32_t wrap = (uint32_t)s->pstop << 8;

    if (addr >= DP8390_RAM_START &&
        addr + n <= DP8390_RAM_START + DP8390_RAM_SIZE &&
        !(addr < wrap && addr + n >= wrap)) {
        /* The common case: inside RAM, not reaching PSTOP. */
        const uint8_t *p = s->ram + (addr - DP8390_RAM_START);
        v = n == 1 ? p[0] : n == 2 ? ldw_le_p(p) : ldl_le_p(p);
        s->rsar = addr + n;
    } else {
        for (unsigned i = 0; i < n; i++) {
            v |= (uint32_t)dp8390_mem_readb(s, s->rsar) << (8 * i);
            s->rsar = dp8390_dma_next(s, s->rsar);
        }
    }
    dp8390_dma_done(s, n);
    return v;
}

static void dp8390_data_write(DP8390State *s, uint32_t v, unsigned size)
{
    unsigned n = dp8390_xfer_len(s, size);
    uint32_t addr = s->rsar;
    uint32_t wrap = (uint32_t)s->pstop << 8;

    if (addr >= DP8390_RAM_START &&
        addr + n <= DP8390_RAM_START + DP8390_RAM_SIZE &&
        !(addr < wrap && addr + n >= wrap)) {
        uint8_t *p = s->ram + (addr - DP8390_RAM_START);
        if (n == 1) {
            p[0] = v;
        } else if (n == 2) {
            stw_le_p(p, v);
        } else {
            stl_le_p(p, v);
        }
        s->rsar = addr + n;
    } else {
        for (unsigned i = 0; i < n; i++) {
            dp8390_mem_writeb(s, s->rsar, v >> (8 * i));
            s->rsar = dp8390_dma_next(s, s->rsar);
        }
    }
    dp8390_dma_done(s, n);
}

/* ---- Receive ------------------------------------------------------------- */

/*
 * BNRY as a ring page.  Linux's ei_receive writes BNRY = next - 1 after
 * each frame, so after a frame that wrapped to PSTART it writes PSTART - 1,
 * outside the ring, until it takes the next frame.  The chip compares
 * pages for equality, so that BNRY guards nothing: at 10 Mbit/s the gap
 * is too short to matter, but held frames arrive here all at once and
 * overwrote unread ones (Linux saw garbage headers, threw the ring away,
 * and TCP waited for retransmission timeouts).  PSTART - 1 is taken as
 * the ring's last page, the page before PSTART, which is what the driver
 * means; other values outside the ring still guard nothing.
 */
static unsigned dp8390_boundary(DP8390State *s)
{
    return s->bnry + 1 == s->pstart ? s->pstop - 1u : s->bnry;
}

/* Free pages from CURR up to (not into) BNRY's page. */
static unsigned dp8390_free_pages(DP8390State *s)
{
    unsigned ring = s->pstop - s->pstart;
    unsigned bnry = dp8390_boundary(s);

    if (!dp8390_in_ring(s, bnry) || bnry == s->curr) {
        /* No boundary inside the ring, or BNRY = CURR, which is how some
         * drivers start an empty ring. */
        return ring;
    }
    return (bnry + ring - s->curr) % ring;
}

static void dp8390_remind(DP8390State *s);

/* Would a frame be taken now (or dropped by the chip's own rules)? */
bool dp8390_can_receive(DP8390State *s)
{
    bool ok;

    if (s->stopped) {
        ok = false;
    } else if ((s->rcr & RCR_MON) || !dp8390_ring_valid(s) ||
               !dp8390_in_ring(s, s->curr)) {
        ok = true; /* the frame will be tallied and dropped, not held */
    } else {
        /* Room for a maximum-size frame, or an empty ring (smaller than
         * that: the frame may still fit, or overflow as on the chip). */
        unsigned ring = s->pstop - s->pstart;
        unsigned free = dp8390_free_pages(s);
        ok = free > MAX_FRAME_PAGES || free + 1 >= ring;
    }
    if (!ok) {
        s->rx_blocked = true;
        dp8390_remind(s);
    }
    return ok;
}

/* Frames in the ring the driver has not taken: BNRY + 1 .. CURR - 1. */
static bool dp8390_ring_unread(DP8390State *s)
{
    unsigned ring = s->pstop - s->pstart;
    return dp8390_ring_valid(s) && dp8390_in_ring(s, s->curr) &&
           dp8390_free_pages(s) + 1 < ring;
}

/*
 * The ring still holds frames the driver has not read and no receive
 * interrupt is pending: raise PRX again.  Called when the driver
 * acknowledges PRX and when a frame has to be held back.  Linux's
 * ei_receive takes at most 9 frames per call, acknowledges PRX and relies
 * on the next arrival's PRX for the rest.  On the wire another frame soon
 * comes; here it may be the frame we hold back (no room), or there may be
 * none at all: the end of a TCP stream whose last segments sit unread
 * until the sender's retransmission timeout (1.4 s).  So PRX stays up, as
 * a level, while unread frames remain: it costs a driver one more pass of
 * its receive loop, and one that acknowledges before reading sees one
 * interrupt with an empty ring.
 */
static void dp8390_remind(DP8390State *s)
{
    if (!s->stopped && !(s->isr & ISR_PRX) && dp8390_ring_unread(s)) {
        s->isr |= ISR_PRX;
        dp8390_update_irq(s);
    }
}

/* Room may have appeared: let the frames the net layer holds come. */
static void dp8390_room(DP8390State *s)
{
    if (s->rx_blocked && s->nc && dp8390_can_receive(s)) {
        s->rx_blocked = false;
        net_flush_queued(s->nc);
    }
}

uint32_t dp8390_crc_be(const uint8_t *p, size_t len)
{
    uint32_t crc = 0xffffffff;

    for (size_t i = 0; i < len; i++) {
        uint8_t b = p[i];
        for (int bit = 0; bit < 8; bit++, b >>= 1) {
            uint32_t fb = (crc >> 31) ^ (b & 1);
            crc <<= 1;
            if (fb) {
                crc ^= 0x04c11db7;
            }
        }
    }
    return crc;
}

/* The FCS as it goes on the wire: reflected CRC-32, inverted. */
static uint32_t dp8390_fcs(const uint8_t *p, size_t len)
{
    uint32_t crc = 0xffffffff;

    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
        }
    }
    return ~crc;
}

/* Address filter (section 7.1): 0 reject, else the RSR PHY bit to set. */
static int dp8390_accept(DP8390State *s, const uint8_t *da)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

    if (!memcmp(da, bcast, 6)) {
        return (s->rcr & RCR_AB) ? RSR_PHY : 0;
    }
    if (da[0] & 1) {
        if (!(s->rcr & RCR_AM)) {
            return 0;
        }
        unsigned idx = dp8390_crc_be(da, 6) >> 26;
        return (s->mar[idx >> 3] & (1 << (idx & 7))) ? RSR_PHY : 0;
    }
    if ((s->rcr & RCR_PRO) || !memcmp(da, s->par, 6)) {
        return RSR_PRX; /* any non-zero "accept", PHY clear */
    }
    return 0;
}

/*
 * Put one frame in the ring.  with_fcs: the last 4 bytes are the frame
 * check sequence (loopback); it is checked and stored.  Returns len when
 * the frame was taken or dropped by the chip's rules.
 */
static void dp8390_rx_frame(DP8390State *s, const uint8_t *buf, size_t len,
                            bool with_fcs)
{
    size_t body = with_fcs ? (len >= FCS_LEN ? len - FCS_LEN : 0) : len;
    uint8_t rsr = RSR_PRX;

    if (body < 6) {
        return; /* not even a destination address */
    }
    int acc = dp8390_accept(s, buf);
    if (!acc) {
        return;
    }
    if (acc == RSR_PHY) {
        rsr |= RSR_PHY;
    }
    if (with_fcs) {
        if (len < MIN_FRAME + FCS_LEN && !(s->rcr & RCR_AR)) {
            return; /* a runt, rejected unless RCR.AR */
        }
        if (dp8390_fcs(buf, body) != ldl_le_p(buf + body)) {
            dp8390_tally(s, 1);
            s->isr |= ISR_RXE;
            s->rsr = RSR_CRC;
            dp8390_update_irq(s);
            if (!(s->rcr & RCR_SEP)) {
                return;
            }
            rsr = (rsr & ~RSR_PRX) | RSR_CRC;
        }
    }
    if (s->rcr & RCR_MON) {
        /* Monitor mode: checked and tallied, not buffered. */
        s->rsr = rsr | RSR_DIS | RSR_MPA;
        dp8390_tally(s, 2);
        dp8390_update_irq(s);
        return;
    }
    if (!dp8390_ring_valid(s) || !dp8390_in_ring(s, s->curr)) {
        log_mask(LOG_GUEST_ERROR,
                 "%s: receive with CURR %02x outside the ring %02x-%02x\n",
                 s->name, s->curr, s->pstart, s->pstop);
        s->rsr = RSR_MPA;
        dp8390_tally(s, 2);
        dp8390_update_irq(s);
        return;
    }

    uint8_t pad[MIN_FRAME];
    if (!with_fcs && len < MIN_FRAME) {
        memcpy(pad, buf, len);
        memset(pad + len, 0, MIN_FRAME - len);
        buf = pad;
        len = MIN_FRAME;
    }
    size_t total = HDR_LEN + len;
    /* The pages the chip fills: a wire frame brings its 4-byte FCS into
     * the ring, so a host frame (which has none) still claims the room.
     * Drivers depend on it: Linux's ei_receive expects next = this + 1 +
     * (count >> 8), or one more, and throws the whole ring away ("bogus
     * packet header", rx_errors) when a frame of 256 * k bytes claims only
     * k pages. */
    size_t room = with_fcs ? total : total + 4;
    unsigned pages = (room + PAGE_SIZE_8390 - 1) / PAGE_SIZE_8390;
    if (pages >= dp8390_free_pages(s)) {
        /* The local DMA would reach BNRY's page: overflow (7.4).  One page
         * always stays between CURR and BNRY, so that CURR = BNRY keeps
         * meaning "empty" and no unread frame is ever overwritten. */
        s->rsr = RSR_MPA;
        s->isr |= ISR_OVW | ISR_RST;
        dp8390_tally(s, 2);
        dp8390_update_irq(s);
        return;
    }

    uint8_t start = s->curr;
    unsigned next = start + pages; /* may pass 0xff before the wrap */
    if (next >= s->pstop) {
        next = s->pstart + (next - s->pstop);
    }
    uint8_t hdr[HDR_LEN] = {rsr, next, total & 0xff, total >> 8};
    uint32_t addr = (uint32_t)start << 8;
    uint32_t end = (uint32_t)s->pstop << 8;
    const uint8_t *src = hdr;
    size_t left = HDR_LEN;
    for (int part = 0; part < 2; part++) {
        while (left) {
            size_t n = MIN(left, end - addr);
            dp8390_mem_write(s, addr, src, n);
            src += n;
            left -= n;
            addr += n;
            if (addr == end) {
                addr = (uint32_t)s->pstart << 8;
            }
        }
        src = buf;
        left = len;
    }
    s->curr = next;
    s->rsr = rsr;
    s->isr |= ISR_PRX;
    dp8390_update_irq(s);
}

ssize_t dp8390_receive(DP8390State *s, const uint8_t *buf, size_t len)
{
    if (!dp8390_can_receive(s)) {
        trace(dp8390_receive_held, "len %zu", len);
        return 0; /* held by the net layer until dp8390_room() */
    }
    trace(dp8390_receive, "len %zu", len);
    dp8390_rx_frame(s, buf, len, false);
    return len;
}

/* ---- Transmit ------------------------------------------------------------ */

static void dp8390_transmit(DP8390State *s)
{
    size_t len = s->tbcr;
    uint8_t small[MAX_FRAME + 2 * FCS_LEN];

    trace(dp8390_transmit, "page 0x%02x len %zu%s", s->tpsr, len,
          (s->tcr & TCR_LB_MASK) ? " loopback" : "");
    uint8_t *frame =
        len <= MAX_FRAME + FCS_LEN ? small : g_malloc(len + FCS_LEN);

    /* The local DMA reads TBCR bytes from TPSR's page on; the address
     * wraps at 64 KiB like its counter. */
    dp8390_mem_read(s, s->tpsr << 8, frame, len);
    if (s->tcr & TCR_LB_MASK) {
        /* Loopback: the frame comes back through the receiver with the
         * CRC the transmitter appends, unless inhibited (section 11). */
        if (!(s->tcr & TCR_CRC)) {
            stl_le_p(frame + len, dp8390_fcs(frame, len));
            len += FCS_LEN;
        }
        dp8390_rx_frame(s, frame, len, true);
    } else if (s->nc && len) {
        net_send(s->nc, frame, len);
    }
    if (frame != small) {
        g_free(frame);
    }
    s->tsr = TSR_PTX;
    s->ncr = 0;
    s->cr &= ~CR_TXP;
    s->isr |= ISR_PTX;
    dp8390_update_irq(s);
}

/* ---- Registers ----------------------------------------------------------- */

static void dp8390_cr_write(DP8390State *s, uint8_t val)
{
    s->cr = val & ~(CR_STP | CR_STA | CR_TXP);
    if (val & CR_STP) {
        s->stopped = true;
        s->isr |= ISR_RST;
    } else if (val & CR_STA) {
        s->stopped = false;
        s->isr &= ~ISR_RST;
    }
    switch (val & CR_RD_MASK) {
    case CR_RD_READ:
    case CR_RD_WRITE:
        s->send_packet = false;
        if (!s->rbcr) {
            /* Nothing to move: complete at once. */
            s->isr |= ISR_RDC;
        }
        break;
    case CR_RD_SEND: {
        /* Read the frame at BNRY: its header gives count and next page. */
        uint16_t a = s->bnry << 8;
        s->rsar = a;
        s->send_next = dp8390_mem_readb(s, a + 1);
        s->rbcr = dp8390_mem_readb(s, a + 2) | dp8390_mem_readb(s, a + 3) << 8;
        s->send_packet = s->rbcr != 0;
        if (!s->rbcr) {
            s->isr |= ISR_RDC;
        }
        break;
    }
    default: /* 000 (nothing) or 1xx abort/complete */
        s->send_packet = false;
        break;
    }
    if ((val & CR_TXP) && !s->stopped) {
        s->cr |= CR_TXP;
        dp8390_transmit(s);
    }
    dp8390_update_irq(s);
    if (!s->stopped) {
        dp8390_room(s);
    }
}

static uint8_t dp8390_cr_read(DP8390State *s)
{
    return s->cr | (s->stopped ? CR_STP : CR_STA);
}

static void dp8390_unimp(DP8390State *s, const char *what, unsigned reg)
{
    if (!s->unimp_logged) {
        s->unimp_logged = true;
        log_unimp_once("%s: %s register 0x%02x not modelled\n", s->name, what,
                       reg);
    }
}

static uint8_t dp8390_read_counter(DP8390State *s, int n)
{
    uint8_t v = s->cntr[n];
    s->cntr[n] = 0; /* cleared when read */
    return v;
}

static uint8_t dp8390_reg_read(DP8390State *s, unsigned reg)
{
    unsigned page = s->cr >> CR_PS_SHIFT;

    if (reg == 0) {
        return dp8390_cr_read(s);
    }
    switch (page) {
    case 0:
        switch (reg) {
        case P0_CLDA0:
            return 0;
        case P0_CLDA1:
            return s->curr;
        case P0_BNRY:
            return s->bnry;
        case P0_TSR:
            return s->tsr;
        case P0_NCR:
            return s->ncr;
        case P0_FIFO:
            return 0;
        case P0_ISR:
            return s->isr;
        case P0_CRDA0:
            return s->rsar & 0xff;
        case P0_CRDA1:
            return s->rsar >> 8;
        case P0_ID0:
            return s->id[0];
        case P0_ID1:
            return s->id[1];
        case P0_RSR:
            return s->rsr;
        default: /* CNTR0-2 */
            return dp8390_read_counter(s, reg - P0_CNTR0);
        }
    case 1:
        if (reg < P1_CURR) {
            return s->par[reg - P1_PAR0];
        }
        if (reg == P1_CURR) {
            return s->curr;
        }
        return s->mar[reg - P1_MAR0];
    case 2:
        switch (reg) {
        case P0_PSTART:
            return s->pstart;
        case P0_PSTOP:
            return s->pstop;
        case P2_RNPP:
            return s->send_next;
        case P0_TPSR:
            return s->tpsr;
        case P2_LNPP:
            return s->curr;
        case P2_ACU:
            return s->rsar >> 8;
        case P2_ACL:
            return s->rsar & 0xff;
        case P0_RCR:
            return s->rcr;
        case P0_TCR:
            return s->tcr;
        case P0_DCR:
            return s->dcr;
        case P0_IMR:
            return s->imr;
        default:
            return 0xff; /* reserved */
        }
    default:
        if (s->page3_read) {
            return s->page3_read(s->page3_opaque, reg);
        }
        dp8390_unimp(s, "page 3", reg);
        return 0;
    }
}

static void dp8390_reg_write(DP8390State *s, unsigned reg, uint8_t val)
{
    unsigned page = s->cr >> CR_PS_SHIFT;

    if (reg == 0) {
        dp8390_cr_write(s, val);
        return;
    }
    switch (page) {
    case 0:
        switch (reg) {
        case P0_PSTART:
            s->pstart = val;
            break;
        case P0_PSTOP:
            s->pstop = val;
            break;
        case P0_BNRY:
            s->bnry = val;
            /* Packets removed: an overflow's RST ends (section 8.5). */
            if (!s->stopped) {
                s->isr &= ~ISR_RST;
            }
            break;
        case P0_TPSR:
            s->tpsr = val;
            break;
        case P0_TBCR0:
            s->tbcr = (s->tbcr & 0xff00) | val;
            break;
        case P0_TBCR1:
            s->tbcr = (s->tbcr & 0x00ff) | val << 8;
            break;
        case P0_ISR:
            s->isr &= ~(val & 0x7f); /* RST is the chip's state */
            /* The line falls first, so that a PRX raised again is a new
             * edge for an edge-triggered (ISA) interrupt controller. */
            dp8390_update_irq(s);
            dp8390_remind(s);
            break;
        case P0_RSAR0:
            s->rsar = (s->rsar & 0xff00) | val;
            break;
        case P0_RSAR1:
            s->rsar = (s->rsar & 0x00ff) | val << 8;
            break;
        case P0_RBCR0:
            s->rbcr = (s->rbcr & 0xff00) | val;
            break;
        case P0_RBCR1:
            s->rbcr = (s->rbcr & 0x00ff) | val << 8;
            break;
        case P0_RCR:
            s->rcr = val & 0x3f;
            break;
        case P0_TCR:
            s->tcr = val & 0x1f;
            break;
        case P0_DCR:
            s->dcr = val & 0x7f;
            break;
        case P0_IMR:
            s->imr = val & 0x7f;
            break;
        }
        break;
    case 1:
        if (reg < P1_CURR) {
            s->par[reg - P1_PAR0] = val;
        } else if (reg == P1_CURR) {
            s->curr = val;
        } else {
            s->mar[reg - P1_MAR0] = val;
        }
        break;
    case 2:
        /* CLDA, RNPP, LNPP and the address counter: for the chip's own
         * diagnostics (section 8.3); no driver writes them. */
        dp8390_unimp(s, "page 2", reg);
        break;
    default:
        if (s->page3_write) {
            s->page3_write(s->page3_opaque, reg, val);
        } else {
            dp8390_unimp(s, "page 3", reg);
        }
        break;
    }
    dp8390_update_irq(s);
    if (!s->stopped) {
        dp8390_room(s);
    }
}

static uint8_t dp8390_byte_read(DP8390State *s, unsigned addr)
{
    if (addr < DP8390_DATA_PORT) {
        return dp8390_reg_read(s, addr);
    }
    if (addr >= DP8390_DATA_PORT + 8 && addr < DP8390_IO_SIZE) {
        /* The reset port: reading it pulses the board's reset line. */
        dp8390_reset(s);
        return 0;
    }
    return 0xff;
}

uint32_t dp8390_ioport_read(DP8390State *s, unsigned addr, unsigned size)
{
    if (addr - DP8390_DATA_PORT < 8) {
        uint32_t v = dp8390_data_read(s, size);
        return size < 4 ? v & ((1u << (8 * size)) - 1) : v;
    }
    /* Registers are bytes: a wider access is a run of byte cycles. */
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)dp8390_byte_read(s, addr + i) << (8 * i);
    }
    return v;
}

void dp8390_ioport_write(DP8390State *s, unsigned addr, uint32_t val,
                         unsigned size)
{
    if (addr - DP8390_DATA_PORT < 8) {
        dp8390_data_write(s, val, size);
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        if (addr + i < DP8390_DATA_PORT) {
            dp8390_reg_write(s, addr + i, val >> (8 * i));
        }
        /* Writes to the reset port end the pulse: nothing to do. */
    }
}

/* ---- Reset, state -------------------------------------------------------- */

void dp8390_reset(DP8390State *s)
{
    /* Section 8.1: after reset the chip is stopped with remote DMA
     * aborted, ISR.RST set and every interrupt masked. */
    s->cr = CR_RD_ABORT;
    s->stopped = true;
    s->isr = ISR_RST;
    s->imr = 0;
    s->dcr = 0;
    s->tcr = 0;
    s->rcr = 0;
    s->tsr = s->rsr = s->ncr = 0;
    s->pstart = s->pstop = s->bnry = s->curr = s->tpsr = 0;
    s->tbcr = s->rsar = s->rbcr = 0;
    s->send_packet = false;
    s->send_next = 0;
    memset(s->cntr, 0, sizeof(s->cntr));
    memset(s->par, 0, sizeof(s->par));
    memset(s->mar, 0, sizeof(s->mar));
    /* The station PROM: the MAC, then 'W' 'W' (an NE2000, word-capable) at
     * bytes 14-15, each byte on both lanes of the 16-bit PROM data path,
     * which is why a byte-wide read sees every byte twice. */
    uint8_t p[16] = {0};
    memcpy(p, s->mac.a, 6);
    p[14] = p[15] = 0x57;
    for (int i = 0; i < 16; i++) {
        s->prom[2 * i] = s->prom[2 * i + 1] = p[i];
    }
    dp8390_update_irq(s);
}

void dp8390_post_load(DP8390State *s)
{
    s->irq_level = -1; /* force */
    dp8390_update_irq(s);
    s->rx_blocked = true;
    if (!s->stopped) {
        dp8390_room(s);
    }
}

static const VMStateField dp8390_fields[] = {
    VMSTATE_U8(cr, DP8390State),
    VMSTATE_BOOL(stopped, DP8390State),
    VMSTATE_U8(isr, DP8390State),
    VMSTATE_U8(imr, DP8390State),
    VMSTATE_U8(dcr, DP8390State),
    VMSTATE_U8(tcr, DP8390State),
    VMSTATE_U8(rcr, DP8390State),
    VMSTATE_U8(tsr, DP8390State),
    VMSTATE_U8(rsr, DP8390State),
    VMSTATE_U8(ncr, DP8390State),
    VMSTATE_U8(pstart, DP8390State),
    VMSTATE_U8(pstop, DP8390State),
    VMSTATE_U8(bnry, DP8390State),
    VMSTATE_U8(curr, DP8390State),
    VMSTATE_U8(tpsr, DP8390State),
    VMSTATE_U16(tbcr, DP8390State),
    VMSTATE_U16(rsar, DP8390State),
    VMSTATE_U16(rbcr, DP8390State),
    VMSTATE_BOOL(send_packet, DP8390State),
    VMSTATE_U8(send_next, DP8390State),
    VMSTATE_U8_ARRAY(par, DP8390State, 6),
    VMSTATE_U8_ARRAY(mar, DP8390State, 8),
    VMSTATE_U8_ARRAY(cntr, DP8390State, 3),
    VMSTATE_BUFFER(prom, DP8390State),
    VMSTATE_BUFFER(ram, DP8390State),
    VMSTATE_END_OF_LIST(),
};

const VMStateDescription vmstate_dp8390 = {
    .name = "dp8390",
    .version = 1,
    .fields = dp8390_fields,
};
