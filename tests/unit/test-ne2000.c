/*
 * NE2000 (ne2k_isa, ne2k_pci) device tests: the DP8390 registers, the
 * station PROM, remote DMA, transmit, the receive ring with wrap-around,
 * overflow and the recovery drivers use, the address filters, loopback,
 * back-pressure towards the backend, reset and hostile register values.
 *
 * The NIC's peer is a fake backend made here with net_client_new: what
 * the card sends lands in `captured`, what the test injects goes through
 * net_send / net_send_async as a real backend's frames would.  The card
 * sits on the pc fixture (i440FX + PIIX3): ISA at 0x300 on IRQ 9, or PCI
 * in slot 5 with BAR0 at 0xc100 and every PIRQ routed to IRQ 11.
 */
#include <glib.h>

#include "tests/unit/pci-fixture.h"

#include "hw/net/dp8390.h"
#include "hw/net/ne2000.h"
#include "net/net.h"

/* Registers, as a driver names them. */
enum {
    CR = 0x00,
    PSTART = 0x01,
    PSTOP = 0x02,
    BNRY = 0x03,
    TPSR = 0x04,
    TSR = 0x04,
    TBCR0 = 0x05,
    TBCR1 = 0x06,
    ISR = 0x07,
    RSAR0 = 0x08,
    RSAR1 = 0x09,
    RBCR0 = 0x0a,
    RBCR1 = 0x0b,
    RCR = 0x0c,
    RSR = 0x0c,
    TCR = 0x0d,
    CNTR0 = 0x0d,
    DCR = 0x0e,
    IMR = 0x0f,
    CURR = 0x07, /* page 1 */
    DATA = 0x10,
    RESET = 0x1f,
};
#define CR_STOP   0x21 /* STP, no DMA, page 0 */
#define CR_START  0x22 /* STA, no DMA, page 0 */
#define CR_STA    0x02
#define CR_NODMA  0x20
#define CR_RREAD  0x08
#define CR_RWRITE 0x10
#define CR_SEND   0x18
#define CR_TXP    0x04
#define CR_PAGE1  0x40
#define CR_PAGE2  0x80
#define CR_PAGE3  0xc0

#define ISR_PRX 0x01
#define ISR_PTX 0x02
#define ISR_RXE 0x04
#define ISR_OVW 0x10
#define ISR_CNT 0x20
#define ISR_RDC 0x40
#define ISR_RST 0x80

#define RCR_AR  0x02
#define RCR_AB  0x04
#define RCR_AM  0x08
#define RCR_PRO 0x10
#define RCR_MON 0x20

#define TX_PAGE  0x40
#define RX_START 0x46
#define RX_STOP  0x80

static const uint8_t test_mac[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};
static const char *test_mac_str = "52:54:00:aa:bb:cc";

/* ---- The fake backend ---------------------------------------------------- */

#define MAX_CAPTURE 8
static struct {
    uint8_t *buf[MAX_CAPTURE];
    size_t len[MAX_CAPTURE];
    int n;
    int sent_cb;
} cap;

static void cap_clear(void)
{
    /* n counts every frame; only the first MAX_CAPTURE are kept. */
    for (int i = 0; i < MIN(cap.n, MAX_CAPTURE); i++) {
        g_free(cap.buf[i]);
    }
    memset(&cap, 0, sizeof(cap));
}

static ssize_t fake_receive(NetClientState *nc, const uint8_t *buf, size_t len)
{
    if (cap.n < MAX_CAPTURE) {
        cap.buf[cap.n] = g_memdup2(buf, len);
        cap.len[cap.n] = len;
    }
    cap.n++;
    return len;
}

static void fake_sent(NetClientState *nc, ssize_t ret)
{
    cap.sent_cb++;
}

static const NetClientInfo fake_info = {
    .type = "test",
    .receive = fake_receive,
};

/* ---- The rig ------------------------------------------------------------- */

typedef struct Rig {
    PCFixture f;
    DeviceState *dev;
    NetClientState *be, *nic;
    uint16_t base;
    int irq;
    bool pci;
} Rig;

#define NE_DEVFN   PCI_DEVFN(5, 0)
#define PCI_IOBASE 0xc100

static bool rig_init(Rig *r, bool pci)
{
    Error *err = NULL;

    memset(r, 0, sizeof(*r));
    cap_clear();
    fixture_init(&r->f);
    r->pci = pci;
    r->be = net_client_new(&fake_info, NULL, "test", "fake0");
    r->dev = device_new(pci ? TYPE_NE2K_PCI : TYPE_NE2K_ISA);
    device_prop_set_netdev(r->dev, "netdev", r->be);
    if (device_set_prop(r->dev, "mac", test_mac_str, &err) < 0 ||
        (pci && device_set_prop(r->dev, "addr", "5", &err) < 0) ||
        device_realize(r->dev, pci ? &r->f.bus->qbus : &r->f.tb.isa.qbus,
                       &err) < 0) {
        test_fail(__FILE__, __LINE__, "%s", error_get_pretty(err));
        error_free(err);
        return false;
    }
    device_reset(r->dev);
    r->nic = r->be->peer;
    CHECK(r->nic != NULL);
    if (pci) {
        cfg_write(&r->f, NE_DEVFN, 0x10, 4, PCI_IOBASE);
        cfg_write(&r->f, NE_DEVFN, 0x04, 2, 0x0001);
        cfg_write(&r->f, PCI_DEVFN(1, 0), 0x60, 4, 0x0b0b0b0b);
        r->base = PCI_IOBASE;
        r->irq = 11;
    } else {
        r->base = 0x300;
        r->irq = 9;
    }
    return true;
}

static void rig_cleanup(Rig *r)
{
    device_unrealize(r->dev);
    device_free(r->dev);
    net_client_free(r->be);
    fixture_cleanup(&r->f);
    cap_clear();
}

static uint8_t rd(Rig *r, int reg)
{
    return inb(&r->f.tb, r->base + reg);
}

static void wr(Rig *r, int reg, uint8_t v)
{
    outb(&r->f.tb, r->base + reg, v);
}

static int irq_level(Rig *r)
{
    return r->f.tb.irq[r->irq].level;
}

/* What Linux's NS8390_init does, word mode, ring RX_START..RX_STOP. */
static void nic_init(Rig *r, uint8_t pstart, uint8_t pstop, uint8_t rcr)
{
    wr(r, CR, CR_STOP);
    wr(r, DCR, 0x49);
    wr(r, RBCR0, 0);
    wr(r, RBCR1, 0);
    wr(r, RCR, rcr);
    wr(r, TCR, 0);
    wr(r, TPSR, TX_PAGE);
    wr(r, PSTART, pstart);
    wr(r, BNRY, pstart);
    wr(r, PSTOP, pstop);
    wr(r, ISR, 0xff);
    wr(r, IMR, 0x7f);
    wr(r, CR, CR_STOP | CR_PAGE1);
    for (int i = 0; i < 6; i++) {
        wr(r, 1 + i, test_mac[i]);
    }
    wr(r, CURR, pstart + 1);
    wr(r, CR, CR_START);
}

static void dma_setup(Rig *r, uint16_t addr, uint16_t count, uint8_t cmd)
{
    wr(r, RBCR0, count & 0xff);
    wr(r, RBCR1, count >> 8);
    wr(r, RSAR0, addr & 0xff);
    wr(r, RSAR1, addr >> 8);
    wr(r, CR, cmd | CR_STA);
}

/* Remote-DMA copies in word mode (the mode nic_init sets). */
static void dma_write(Rig *r, uint16_t addr, const uint8_t *p, size_t len)
{
    dma_setup(r, addr, (len + 1) & ~1, CR_RWRITE);
    for (size_t i = 0; i < len; i += 2) {
        outw(&r->f.tb, r->base + DATA,
             p[i] | (i + 1 < len ? p[i + 1] : 0) << 8);
    }
}

static void dma_read(Rig *r, uint16_t addr, uint8_t *p, size_t len)
{
    dma_setup(r, addr, (len + 1) & ~1, CR_RREAD);
    for (size_t i = 0; i < len; i += 2) {
        uint16_t v = inw(&r->f.tb, r->base + DATA);
        p[i] = v;
        if (i + 1 < len) {
            p[i + 1] = v >> 8;
        }
    }
}

static size_t make_frame(uint8_t *f, const uint8_t *dst, size_t len, int seed)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
    for (size_t i = 12; i < len; i++) {
        f[i] = (uint8_t)(i * 7 + seed);
    }
    return len;
}

/* Inject one frame from the backend; returns net_send's result. */
static ssize_t inject(Rig *r, const uint8_t *dst, size_t len, int seed)
{
    uint8_t f[2048];
    make_frame(f, dst, len, seed);
    return net_send(r->be, f, len);
}

/* Read the frame at page `page` of the ring; returns its header. */
static void ring_frame(Rig *r, uint8_t page, uint8_t hdr[4], uint8_t *data,
                       size_t max)
{
    dma_read(r, page << 8, hdr, 4);
    size_t len = (hdr[2] | hdr[3] << 8) - 4;
    if (data) {
        dma_read(r, (page << 8) + 4, data, MIN(len, max));
    }
}

static uint8_t page1_read(Rig *r, int reg)
{
    wr(r, CR, CR_NODMA | CR_PAGE1);
    uint8_t v = rd(r, reg);
    wr(r, CR, CR_NODMA);
    return v;
}

/* ---- Reference CRCs, written differently from the device's --------------- */

static uint32_t ref_crc32_le(const uint8_t *p, size_t len)
{
    static uint32_t table[256];
    if (!table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) {
                c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
            }
            table[i] = c;
        }
    }
    uint32_t c = 0xffffffff;
    for (size_t i = 0; i < len; i++) {
        c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    }
    return c; /* not inverted */
}

/* The multicast hash bit: the big-endian CRC's top 6 bits are the
 * reflected CRC's low 6 bits, reversed. */
static unsigned ref_hash(const uint8_t *mac)
{
    uint32_t le = ref_crc32_le(mac, 6);
    unsigned idx = 0;
    for (int i = 0; i < 6; i++) {
        idx |= ((le >> i) & 1) << (5 - i);
    }
    return idx;
}

/* ---- Tests --------------------------------------------------------------- */

static void registers(bool pci)
{
    Rig r;
    if (!rig_init(&r, pci)) {
        return;
    }
    /* After reset: stopped, remote DMA aborted, RST, nothing masked in. */
    CHECK_EQ(rd(&r, CR), 0x21);
    CHECK_EQ(rd(&r, ISR), ISR_RST);
    CHECK_EQ(irq_level(&r), 0);

    /* Page 0 writes read back through page 2. */
    wr(&r, PSTART, 0x46);
    wr(&r, PSTOP, 0x80);
    wr(&r, TPSR, 0x40);
    wr(&r, RCR, 0xff);
    wr(&r, TCR, 0xff);
    wr(&r, DCR, 0xff);
    wr(&r, IMR, 0xff);
    wr(&r, CR, CR_NODMA | CR_PAGE2);
    CHECK_EQ(rd(&r, CR), 0xa1);
    CHECK_EQ(rd(&r, 0x01), 0x46);
    CHECK_EQ(rd(&r, 0x02), 0x80);
    CHECK_EQ(rd(&r, 0x04), 0x40);
    CHECK_EQ(rd(&r, 0x0c), 0x3f); /* RCR: 6 bits */
    CHECK_EQ(rd(&r, 0x0d), 0x1f); /* TCR: 5 bits */
    CHECK_EQ(rd(&r, 0x0e), 0x7f); /* DCR: 7 bits */
    CHECK_EQ(rd(&r, 0x0f), 0x7f); /* IMR: 7 bits */
    /* Page 2 is read-only: writes leave PSTART alone. */
    wr(&r, 0x01, 0x55);
    CHECK_EQ(rd(&r, 0x01), 0x46);

    /* Page 1: PAR, CURR, MAR. */
    wr(&r, CR, CR_NODMA | CR_PAGE1);
    for (int i = 1; i < 16; i++) {
        wr(&r, i, 0x10 + i);
    }
    for (int i = 1; i < 16; i++) {
        CHECK_EQ(rd(&r, i), 0x10 + i);
    }
    wr(&r, CR, CR_NODMA);
    CHECK_EQ(rd(&r, CR), 0x21);

    /* BNRY reads back on page 0; RSAR as CRDA. */
    wr(&r, BNRY, 0x5a);
    CHECK_EQ(rd(&r, BNRY), 0x5a);
    wr(&r, RSAR0, 0x34);
    wr(&r, RSAR1, 0x42);
    CHECK_EQ(rd(&r, 0x08), 0x34);
    CHECK_EQ(rd(&r, 0x09), 0x42);

    /* ISR: write 1 to clear; RST stays (it is the chip's state). */
    wr(&r, IMR, 0);
    wr(&r, ISR, 0xff);
    CHECK_EQ(rd(&r, ISR), ISR_RST);

    /* CR: writes without STA/STP leave the chip's state alone (the Linux
     * driver switches pages that way); STA starts, clearing RST. */
    wr(&r, CR, CR_START);
    CHECK_EQ(rd(&r, CR), 0x22);
    CHECK_EQ(rd(&r, ISR), 0);
    wr(&r, CR, CR_NODMA | CR_PAGE1);
    CHECK_EQ(rd(&r, CR), 0x62);
    wr(&r, CR, CR_NODMA);
    wr(&r, CR, CR_STOP);
    CHECK_EQ(rd(&r, CR), 0x21);
    CHECK_EQ(rd(&r, ISR), ISR_RST);

    /* The ID registers: the RTL8029's 'P' 'C'; reserved on the DP8390. */
    CHECK_EQ(rd(&r, 0x0a), pci ? 0x50 : 0x00);
    CHECK_EQ(rd(&r, 0x0b), pci ? 0x43 : 0x00);

    /* Linux's ne probe: MAR5 written on page 1, CNTR0 read twice on page
     * 0 (the counter clears when read). */
    wr(&r, CR, CR_NODMA | CR_PAGE1 | 0x01);
    wr(&r, 0x0d, 0xff);
    wr(&r, CR, CR_NODMA | 0x01);
    rd(&r, CNTR0);
    CHECK_EQ(rd(&r, CNTR0), 0);
    rig_cleanup(&r);
}

static void test_registers_isa(void)
{
    registers(false);
}

static void test_registers_pci(void)
{
    registers(true);
}

static void prom(bool pci)
{
    Rig r;
    if (!rig_init(&r, pci)) {
        return;
    }
    /* Byte mode, as ne.c probes: every PROM byte twice. */
    wr(&r, DCR, 0x48);
    dma_setup(&r, 0, 32, CR_RREAD);
    uint8_t p[32];
    for (int i = 0; i < 32; i++) {
        p[i] = rd(&r, DATA);
    }
    for (int i = 0; i < 6; i++) {
        CHECK_EQ(p[2 * i], test_mac[i]);
        CHECK_EQ(p[2 * i + 1], test_mac[i]);
    }
    CHECK_EQ(p[28], 0x57);
    CHECK_EQ(p[29], 0x57);
    CHECK_EQ(p[30], 0x57);
    CHECK_EQ(p[31], 0x57);
    CHECK(rd(&r, ISR) & ISR_RDC);

    /* Word mode, 16-bit reads: each word holds one byte on both lanes. */
    wr(&r, DCR, 0x49);
    wr(&r, ISR, ISR_RDC);
    dma_setup(&r, 0, 32, CR_RREAD);
    for (int i = 0; i < 6; i++) {
        CHECK_EQ(inw(&r.f.tb, r.base + DATA), test_mac[i] * 0x0101);
    }
    CHECK(!(rd(&r, ISR) & ISR_RDC));

    /* Word mode, byte reads, as ne2k-pci reads it: one byte per word. */
    dma_setup(&r, 0, 32, CR_RREAD);
    for (int i = 0; i < 6; i++) {
        CHECK_EQ(rd(&r, DATA), test_mac[i]);
    }
    /* The PROM cannot be written. */
    dma_setup(&r, 0, 2, CR_RWRITE);
    outw(&r.f.tb, r.base + DATA, 0x1111);
    dma_setup(&r, 0, 2, CR_RREAD);
    CHECK_EQ(inw(&r.f.tb, r.base + DATA), test_mac[0] * 0x0101);
    rig_cleanup(&r);
}

static void test_prom_isa(void)
{
    prom(false);
}

static void test_prom_pci(void)
{
    prom(true);
}

static void test_remote_dma(void)
{
    for (int pci = 0; pci < 2; pci++) {
        Rig r;
        if (!rig_init(&r, pci)) {
            return;
        }
        nic_init(&r, RX_START, RX_STOP, RCR_AB);
        uint8_t out[200], in[200];
        for (int i = 0; i < 200; i++) {
            out[i] = i * 13 + 1;
        }
        wr(&r, ISR, 0xff);
        dma_write(&r, 0x4100, out, 200);
        CHECK(rd(&r, ISR) & ISR_RDC); /* count reached 0 */
        CHECK_EQ(rd(&r, 0x08) | rd(&r, 0x09) << 8, 0x4100 + 200);
        wr(&r, ISR, ISR_RDC);
        memset(in, 0, sizeof(in));
        dma_read(&r, 0x4100, in, 200);
        CHECK(!memcmp(in, out, 200));
        CHECK(rd(&r, ISR) & ISR_RDC);
        CHECK_EQ(irq_level(&r), 1); /* RDC is unmasked */
        wr(&r, ISR, ISR_RDC);
        CHECK_EQ(irq_level(&r), 0);

        /* 32-bit reads: four bytes each (PCI natively, ISA as two 16-bit
         * cycles). */
        dma_setup(&r, 0x4100, 8, CR_RREAD);
        CHECK_EQ(inl(&r.f.tb, r.base + DATA), ldl_le_p(out));
        CHECK_EQ(inl(&r.f.tb, r.base + DATA), ldl_le_p(out + 4));

        /* Byte mode: one byte per access. */
        wr(&r, DCR, 0x48);
        dma_setup(&r, 0x4101, 3, CR_RREAD);
        CHECK_EQ(rd(&r, DATA), out[1]);
        CHECK_EQ(rd(&r, DATA), out[2]);
        CHECK_EQ(rd(&r, DATA), out[3]);
        wr(&r, DCR, 0x49);

        /* Reads wrap from PSTOP to PSTART. */
        uint8_t w[4] = {1, 2, 3, 4};
        dma_write(&r, 0x7ffe, w, 2);
        dma_write(&r, RX_START << 8, w + 2, 2);
        dma_read(&r, 0x7ffe, in, 4);
        CHECK(!memcmp(in, w, 4));

        /* Starting a transfer with a zero count completes at once. */
        wr(&r, ISR, 0xff);
        dma_setup(&r, 0x4000, 0, CR_RREAD);
        CHECK(rd(&r, ISR) & ISR_RDC);
        rig_cleanup(&r);
    }
}

static void test_transmit(void)
{
    for (int pci = 0; pci < 2; pci++) {
        Rig r;
        if (!rig_init(&r, pci)) {
            return;
        }
        nic_init(&r, RX_START, RX_STOP, RCR_AB);
        uint8_t f[300];
        static const uint8_t dst[6] = {0x02, 1, 2, 3, 4, 5};
        make_frame(f, dst, sizeof(f), 3);
        dma_write(&r, TX_PAGE << 8, f, sizeof(f));
        wr(&r, ISR, 0xff);
        wr(&r, TBCR0, sizeof(f) & 0xff);
        wr(&r, TBCR1, sizeof(f) >> 8);
        wr(&r, CR, CR_NODMA | CR_START | CR_TXP);
        CHECK_EQ(cap.n, 1);
        CHECK_EQ(cap.len[0], sizeof(f));
        CHECK(cap.n && !memcmp(cap.buf[0], f, sizeof(f)));
        CHECK_EQ(rd(&r, ISR) & ISR_PTX, ISR_PTX);
        CHECK_EQ(rd(&r, TSR) & 0x01, 0x01); /* PTX, no collisions */
        CHECK_EQ(rd(&r, 0x05), 0);          /* NCR */
        CHECK_EQ(rd(&r, CR) & CR_TXP, 0);   /* done */
        CHECK_EQ(irq_level(&r), 1);
        wr(&r, ISR, ISR_PTX);
        CHECK_EQ(irq_level(&r), 0);

        /* A stopped chip does not transmit. */
        wr(&r, CR, CR_STOP);
        wr(&r, CR, CR_NODMA | CR_TXP | 0x01);
        CHECK_EQ(cap.n, 1);
        rig_cleanup(&r);
    }
}

static void test_receive_ring(void)
{
    for (int pci = 0; pci < 2; pci++) {
        Rig r;
        if (!rig_init(&r, pci)) {
            return;
        }
        nic_init(&r, RX_START, RX_STOP, RCR_AB);
        wr(&r, ISR, 0xff);
        /* A 100-byte frame to our address at CURR = RX_START + 1. */
        CHECK_EQ(inject(&r, test_mac, 100, 1), 100);
        CHECK_EQ(page1_read(&r, CURR), RX_START + 2);
        CHECK(rd(&r, ISR) & ISR_PRX);
        CHECK_EQ(rd(&r, RSR), 0x01);
        CHECK_EQ(irq_level(&r), 1);
        uint8_t hdr[4], data[2048], f[2048];
        ring_frame(&r, RX_START + 1, hdr, data, sizeof(data));
        CHECK_EQ(hdr[0], 0x01);
        CHECK_EQ(hdr[1], RX_START + 2);
        CHECK_EQ(hdr[2] | hdr[3] << 8, 104);
        make_frame(f, test_mac, 100, 1);
        CHECK(!memcmp(data, f, 100));

        /* A 42-byte ARP-sized frame is padded to 60 as on a wire. */
        CHECK_EQ(inject(&r, test_mac, 42, 2), 42);
        ring_frame(&r, RX_START + 2, hdr, data, sizeof(data));
        CHECK_EQ(hdr[2] | hdr[3] << 8, 64);
        CHECK_EQ(data[42], 0);
        CHECK_EQ(data[59], 0);

        /* Wrap-around: a 600-byte frame at the last page (3 pages). */
        wr(&r, CR, CR_NODMA | CR_PAGE1);
        wr(&r, CURR, RX_STOP - 1);
        wr(&r, CR, CR_NODMA);
        wr(&r, BNRY, RX_STOP - 2);
        CHECK_EQ(inject(&r, test_mac, 600, 3), 600);
        CHECK_EQ(page1_read(&r, CURR), RX_START + 2);
        dma_read(&r, (RX_STOP - 1) << 8, hdr, 4);
        CHECK_EQ(hdr[1], RX_START + 2);
        CHECK_EQ(hdr[2] | hdr[3] << 8, 604);
        /* The remote DMA wraps too, as drivers other than Linux rely on. */
        dma_read(&r, ((RX_STOP - 1) << 8) + 4, data, 600);
        make_frame(f, test_mac, 600, 3);
        CHECK(!memcmp(data, f, 600));
        /* ... and the part past PSTOP is at PSTART. */
        dma_read(&r, RX_START << 8, data, 4);
        CHECK(!memcmp(data, f + 252, 4));
        rig_cleanup(&r);
    }
}

/*
 * The next-page pointer of every frame size satisfies the check Linux's
 * ei_receive makes (lib8390.c): next = this + 1 + (count >> 8), or one
 * more (room for the CRC), modulo the ring.  A frame of 256 * k bytes
 * that claimed only k pages made Linux discard the whole ring.
 */
static void test_next_page_rule(void)
{
    Rig r;
    if (!rig_init(&r, true)) {
        return;
    }
    nic_init(&r, RX_START, RX_STOP, RCR_AB);
    unsigned ring = RX_STOP - RX_START;
    int bad = 0;
    for (size_t len = 60; len <= 1514; len++) {
        uint8_t curr = page1_read(&r, CURR);
        CHECK_EQ(inject(&r, test_mac, len, (int)len), (ssize_t)len);
        uint8_t hdr[4];
        ring_frame(&r, curr, hdr, NULL, 0);
        unsigned count = hdr[2] | hdr[3] << 8;
        unsigned want = curr + 1 + (count >> 8);
        unsigned next = hdr[1];
        bool ok = next == want || next == want + 1 || next == want - ring ||
                  next == want + 1 - ring;
        bad += !ok;
        CHECK_EQ(page1_read(&r, CURR), next);
        /* The driver takes it: BNRY to the page before next. */
        wr(&r, BNRY, next == RX_START ? RX_STOP - 1 : next - 1);
        wr(&r, ISR, 0xff);
    }
    CHECK_EQ(bad, 0);
    rig_cleanup(&r);
}

/*
 * Linux's ne2k-pci driver, step by step (lib8390.c ei_receive and
 * ei_start_xmit, ne2k-pci.c get_8390_hdr/block_input/block_output with
 * 32-bit data-port I/O), against frames that arrive between any two of its
 * port accesses, as the main loop delivers them while a vCPU runs the
 * driver.  Every frame must reach the driver whole and in order, and the
 * driver's next-page check must never fail (when it does, Linux throws
 * the ring away: rx_errors, and TCP waits for a retransmission timeout).
 */
typedef struct LinuxDrv {
    Rig *r;
    uint32_t rng;
    uint8_t current_page;
    int rx_errors, received, injected, bad_data, tx_done;
    int expect_len[4096];  /* lengths of the frames sent, in order */
    int head, tail;        /* expect_len[head..tail) are due */
    bool quiet; /* no more arrivals */
} LinuxDrv;

static uint32_t drv_rand(LinuxDrv *d)
{
    d->rng = d->rng * 1103515245u + 12345u;
    return d->rng >> 8;
}

/* The main loop's turn: now and then, one or more frames arrive (up to
 * a backlog of 64 held frames, so that the ring is sometimes full and
 * sometimes not). */
static void drv_arrivals(LinuxDrv *d)
{
    if (d->quiet || drv_rand(d) % 24 || net_queue_length(d->r->nic) > 64) {
        return;
    }
    int n = 1 + drv_rand(d) % 3;
    for (int i = 0; i < n && d->tail < 4096; i++) {
        /* Sizes around every page boundary, and everything else. */
        int len = drv_rand(d) % 2 ? 60 + drv_rand(d) % (1514 - 59)
                                  : 256 * (1 + drv_rand(d) % 5) - 8 +
                                        (int)(drv_rand(d) % 16);
        len = MAX(60, MIN(len, 1514));
        d->expect_len[d->tail++] = len;
        inject(d->r, test_mac, len, d->injected++);
    }
}

static void d_out(LinuxDrv *d, int reg, uint8_t v)
{
    wr(d->r, reg, v);
    drv_arrivals(d);
}

static uint8_t d_in(LinuxDrv *d, int reg)
{
    uint8_t v = rd(d->r, reg);
    drv_arrivals(d);
    return v;
}

static uint32_t d_inl(LinuxDrv *d)
{
    uint32_t v = inl(&d->r->f.tb, d->r->base + DATA);
    drv_arrivals(d);
    return v;
}

static void drv_block_input(LinuxDrv *d, int count, int offset, uint8_t *buf)
{
    d_out(d, CR, CR_NODMA | CR_STA);
    d_out(d, RBCR0, count & 0xff);
    d_out(d, RBCR1, count >> 8);
    d_out(d, RSAR0, offset & 0xff);
    d_out(d, RSAR1, offset >> 8);
    d_out(d, CR, CR_RREAD | CR_STA);
    int i = 0;
    for (; i + 4 <= count; i += 4) {
        uint32_t v = d_inl(d);
        memcpy(buf + i, &v, 4);
    }
    if (count & 2) {
        uint16_t v = inw(&d->r->f.tb, d->r->base + DATA);
        drv_arrivals(d);
        memcpy(buf + i, &v, 2);
        i += 2;
    }
    if (count & 1) {
        buf[i] = d_in(d, DATA);
    }
    d_out(d, ISR, ISR_RDC);
}

static void drv_receive(LinuxDrv *d)
{
    unsigned start = RX_START, stop = RX_STOP, num = stop - start;
    for (int n = 0; ++n < 10;) {
        d_out(d, CR, CR_NODMA | CR_PAGE1 | CR_STA);
        uint8_t rxing = d_in(d, CURR);
        d_out(d, CR, CR_NODMA | CR_STA);
        unsigned this_frame = d_in(d, BNRY) + 1;
        if (this_frame >= stop) {
            this_frame = start;
        }
        if (this_frame == rxing) {
            break;
        }
        /* get_8390_hdr: four bytes, one dword. */
        d_out(d, CR, CR_NODMA | CR_STA);
        d_out(d, RBCR0, 4);
        d_out(d, RBCR1, 0);
        d_out(d, RSAR0, 0);
        d_out(d, RSAR1, this_frame);
        d_out(d, CR, CR_RREAD | CR_STA);
        uint32_t h = d_inl(d);
        d_out(d, ISR, ISR_RDC);
        uint8_t stat = h, next = h >> 8;
        int count = h >> 16;
        int pkt_len = count - 4;
        unsigned next_frame = this_frame + 1 + ((pkt_len + 4) >> 8);
        if (next != next_frame && next != next_frame + 1 &&
            next != next_frame - num && next != next_frame + 1 - num) {
            d->current_page = rxing;
            d_out(d, BNRY, d->current_page - 1);
            d->rx_errors++;
            continue;
        }
        if (pkt_len < 60 || pkt_len > 1518 || (stat & 0x0f) != 0x01) {
            d->rx_errors++;
        } else {
            uint8_t buf[2048], want[2048];
            drv_block_input(d, pkt_len, (this_frame << 8) + 4, buf);
            if (d->head < d->tail) {
                int len = d->expect_len[d->head];
                make_frame(want, test_mac, len, d->head);
                if (len != pkt_len || memcmp(buf, want, len)) {
                    d->bad_data++;
                }
                d->head++;
            } else {
                d->bad_data++;
            }
            d->received++;
        }
        next_frame = next;
        if (next_frame >= stop) {
            next_frame = start;
        }
        d->current_page = next_frame;
        d_out(d, BNRY, next_frame - 1);
    }
    d_out(d, ISR, ISR_PRX | ISR_RXE);
}

/* ei_start_xmit with ne2k-pci's block_output: 32-bit writes, RDC wait. */
static void drv_transmit(LinuxDrv *d)
{
    int len = 60 + drv_rand(d) % (1514 - 59);
    int count = (len + 3) & ~3;
    d_out(d, CR, CR_NODMA | CR_STA);
    d_out(d, ISR, ISR_RDC);
    d_out(d, RBCR0, count & 0xff);
    d_out(d, RBCR1, count >> 8);
    d_out(d, RSAR0, 0);
    d_out(d, RSAR1, TX_PAGE);
    d_out(d, CR, CR_RWRITE | CR_STA);
    for (int i = 0; i < count; i += 4) {
        outl(&d->r->f.tb, d->r->base + DATA, 0x01020304u * (uint32_t)i);
        drv_arrivals(d);
    }
    for (int guard = 0; !(d_in(d, ISR) & ISR_RDC); guard++) {
        if (guard > 100) {
            d->bad_data++;
            break;
        }
    }
    d_out(d, ISR, ISR_RDC);
    d_out(d, TBCR0, len & 0xff);
    d_out(d, TBCR1, len >> 8);
    d_out(d, TPSR, TX_PAGE);
    d_out(d, CR, CR_NODMA | CR_TXP | CR_STA);
    if (d_in(d, ISR) & ISR_PTX) {
        d_out(d, ISR, ISR_PTX);
        d->tx_done++;
    }
}

static void test_linux_driver_interleaved(void)
{
    Rig r;
    if (!rig_init(&r, true)) {
        return;
    }
    nic_init(&r, RX_START, RX_STOP, RCR_AB);
    static LinuxDrv d;
    memset(&d, 0, sizeof(d));
    d.r = &r;
    d.rng = 0x8390;
    d.current_page = RX_START + 1;
    for (int step = 0; step < 20000 && d.tail < 4000; step++) {
        drv_arrivals(&d);
        if (drv_rand(&d) % 4 == 0) {
            drv_transmit(&d);
        }
        if (rd(&r, ISR) & ISR_PRX) {
            drv_receive(&d);
        }
    }
    /* No more arrivals: the driver runs on receive interrupts only, and
     * must get one while frames remain (the end of a TCP stream: no
     * arrival will come to raise PRX for the frames ei_receive left). */
    d.quiet = true;
    for (int guard = 0; guard < 2000 && (rd(&r, ISR) & ISR_PRX); guard++) {
        drv_receive(&d);
    }
    CHECK_EQ(d.rx_errors, 0);
    CHECK_EQ(d.bad_data, 0);
    CHECK_EQ(d.received, d.tail);
    CHECK_EQ(d.head, d.tail);
    CHECK(d.tail > 1000);
    CHECK(d.tx_done > 100);
    rig_cleanup(&r);
}

static void test_filter(void)
{
    Rig r;
    if (!rig_init(&r, true)) {
        return;
    }
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t other[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x01};
    static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
    uint8_t curr;

    nic_init(&r, RX_START, RX_STOP, 0);
    curr = page1_read(&r, CURR);
    inject(&r, bcast, 60, 0); /* AB clear */
    inject(&r, other, 60, 0);
    inject(&r, mcast, 60, 0); /* AM clear */
    CHECK_EQ(page1_read(&r, CURR), curr);
    inject(&r, test_mac, 60, 0);
    CHECK_EQ(page1_read(&r, CURR), curr + 1);
    CHECK_EQ(rd(&r, RSR), 0x01); /* PHY clear: physical address */

    wr(&r, RCR, RCR_AB);
    inject(&r, bcast, 60, 0);
    CHECK_EQ(page1_read(&r, CURR), curr + 2);
    CHECK_EQ(rd(&r, RSR), 0x21); /* PHY: broadcast/multicast */

    /* Multicast: AM and the hash bit both needed. */
    unsigned idx = ref_hash(mcast);
    wr(&r, RCR, RCR_AM);
    wr(&r, CR, CR_NODMA | CR_PAGE1);
    for (int i = 0; i < 8; i++) {
        wr(&r, 8 + i, i == (int)(idx >> 3) ? 0xff & ~(1 << (idx & 7)) : 0xff);
    }
    wr(&r, CR, CR_NODMA);
    inject(&r, mcast, 60, 0);
    CHECK_EQ(page1_read(&r, CURR), curr + 2);
    wr(&r, CR, CR_NODMA | CR_PAGE1);
    wr(&r, 8 + (idx >> 3), 1 << (idx & 7));
    wr(&r, CR, CR_NODMA);
    inject(&r, mcast, 60, 0);
    CHECK_EQ(page1_read(&r, CURR), curr + 3);
    CHECK_EQ(dp8390_crc_be(mcast, 6) >> 26, idx);

    /* Promiscuous: every physical address, not multicast without AM. */
    wr(&r, RCR, RCR_PRO);
    inject(&r, other, 60, 0);
    CHECK_EQ(page1_read(&r, CURR), curr + 4);
    inject(&r, mcast, 60, 0);
    CHECK_EQ(page1_read(&r, CURR), curr + 4);

    /* Monitor mode: checked and counted, not stored. */
    wr(&r, RCR, RCR_MON);
    inject(&r, test_mac, 60, 0);
    CHECK_EQ(page1_read(&r, CURR), curr + 4);
    CHECK_EQ(rd(&r, 0x0f), 1); /* CNTR2: missed packets */
    CHECK_EQ(rd(&r, 0x0f), 0); /* cleared by the read */
    rig_cleanup(&r);
}

/* Frames the size of the ring's rest queue instead of overflowing. */
static void test_backpressure(void)
{
    Rig r;
    if (!rig_init(&r, false)) {
        return;
    }
    nic_init(&r, RX_START, RX_STOP, RCR_AB);
    /* The ring holds 57 pages; 1000-byte frames take 4. */
    int taken = 0;
    for (int i = 0; i < 20; i++) {
        inject(&r, test_mac, 1000, i);
    }
    uint8_t curr = page1_read(&r, CURR);
    taken = (curr - (RX_START + 1)) / 4;
    CHECK(taken >= 12 && taken < 14);
    CHECK_EQ(net_queue_length(r.nic), 20 - taken);
    CHECK_EQ(rd(&r, ISR) & ISR_OVW, 0); /* held, not lost */
    CHECK_EQ(rd(&r, 0x0f), 0);

    /* An async sender is told to stop, and resumes when the guest frees
     * space. */
    uint8_t f[1000];
    make_frame(f, test_mac, sizeof(f), 99);
    CHECK_EQ(net_send_async(r.be, f, sizeof(f), fake_sent), 0);
    CHECK_EQ(cap.sent_cb, 0);

    /* The guest reads every frame, moving BNRY after each: the queue
     * drains in order into the ring. */
    uint8_t bnry = RX_START;
    int seen = 0;
    for (int guard = 0; guard < 200 && seen < 21; guard++) {
        uint8_t next = bnry + 1 >= RX_STOP ? RX_START : bnry + 1;
        if (next == page1_read(&r, CURR)) {
            break;
        }
        uint8_t hdr[4], data[1000];
        ring_frame(&r, next, hdr, data, sizeof(data));
        CHECK_EQ(hdr[2] | hdr[3] << 8, 1004);
        uint8_t want[1000];
        make_frame(want, test_mac, 1000, seen < 20 ? seen : 99);
        CHECK(!memcmp(data, want, 1000));
        seen++;
        bnry = hdr[1] == RX_START ? RX_STOP - 1 : hdr[1] - 1;
        wr(&r, BNRY, bnry);
    }
    CHECK_EQ(seen, 21);
    CHECK_EQ(cap.sent_cb, 1);
    CHECK_EQ(net_queue_length(r.nic), 0);
    CHECK_EQ(rd(&r, ISR) & ISR_OVW, 0);

    /* A stopped chip holds frames too, and takes them when started. */
    wr(&r, CR, CR_STOP);
    inject(&r, test_mac, 100, 5);
    CHECK_EQ(net_queue_length(r.nic), 1);
    wr(&r, CR, CR_START);
    CHECK_EQ(net_queue_length(r.nic), 0);
    rig_cleanup(&r);
}

/*
 * Linux's ei_receive takes at most 10 frames per interrupt, acknowledges
 * PRX and waits for the next arrival's PRX to take the rest.  With the
 * ring too full for another frame, that arrival is held back: the card
 * must raise PRX again while unread frames remain, or both sides wait for
 * ever (the download stall the functional tests saw).
 */
static void test_rx_reminder(void)
{
    Rig r;
    if (!rig_init(&r, false)) {
        return;
    }
    nic_init(&r, RX_START, RX_STOP, RCR_AB);
    for (int i = 0; i < 40; i++) {
        inject(&r, test_mac, 1000, i);
    }
    CHECK(net_queue_length(r.nic) > 20);
    CHECK(rd(&r, ISR) & ISR_PRX);
    /* The driver reads 10 frames, moves BNRY past them, acknowledges. */
    uint8_t bnry = RX_START;
    for (int n = 0; n < 10; n++) {
        uint8_t next = bnry + 1 >= RX_STOP ? RX_START : bnry + 1;
        uint8_t hdr[4], data[1000];
        ring_frame(&r, next, hdr, data, sizeof(data));
        bnry = hdr[1] == RX_START ? RX_STOP - 1 : hdr[1] - 1;
    }
    wr(&r, BNRY, bnry);
    wr(&r, ISR, ISR_RDC); /* as Linux does after each remote DMA */
    int raises = r.f.tb.irq[r.irq].raises;
    wr(&r, ISR, ISR_PRX);
    /* Part of the queue flowed into the freed pages, the rest is still
     * held and unread frames remain: PRX is up again, as a new edge on
     * the ISA card's (edge-triggered) IRQ line. */
    CHECK(net_queue_length(r.nic) > 0);
    CHECK(rd(&r, ISR) & ISR_PRX);
    CHECK_EQ(irq_level(&r), 1);
    CHECK_EQ(r.f.tb.irq[r.irq].raises, raises + 1);
    /* Once the driver has taken everything, an acknowledge sticks. */
    for (int guard = 0; guard < 200; guard++) {
        uint8_t next = bnry + 1 >= RX_STOP ? RX_START : bnry + 1;
        if (next == page1_read(&r, CURR)) {
            break;
        }
        uint8_t hdr[4], data[1000];
        ring_frame(&r, next, hdr, data, sizeof(data));
        bnry = hdr[1] == RX_START ? RX_STOP - 1 : hdr[1] - 1;
        wr(&r, BNRY, bnry);
    }
    CHECK_EQ(net_queue_length(r.nic), 0);
    wr(&r, ISR, ISR_PRX);
    CHECK_EQ(rd(&r, ISR) & ISR_PRX, 0);
    rig_cleanup(&r);
}

static void test_overflow_recovery(void)
{
    Rig r;
    if (!rig_init(&r, false)) {
        return;
    }
    /* A 4-page ring: a 1000-byte frame (4 pages + header) cannot fit. */
    nic_init(&r, RX_START, RX_START + 4, RCR_AB);
    wr(&r, ISR, 0xff);
    uint8_t curr = page1_read(&r, CURR);
    CHECK_EQ(inject(&r, test_mac, 1000, 1), 1000);
    CHECK_EQ(net_queue_length(r.nic), 0); /* lost, as on the chip */
    CHECK_EQ(page1_read(&r, CURR), curr);
    CHECK(rd(&r, ISR) & ISR_OVW);
    CHECK(rd(&r, ISR) & ISR_RST);
    CHECK_EQ(irq_level(&r), 1);
    CHECK_EQ(rd(&r, RSR) & 0x10, 0x10); /* MPA */
    CHECK_EQ(rd(&r, 0x0f), 1);          /* CNTR2 */

    /* Linux's ei_rx_overrun: stop, clear the count, loopback, start,
     * empty the ring, ack OVW, back to normal. */
    wr(&r, CR, CR_STOP);
    wr(&r, RBCR0, 0);
    wr(&r, RBCR1, 0);
    wr(&r, TCR, 0x02);
    wr(&r, CR, CR_START);
    wr(&r, BNRY, RX_START);
    wr(&r, ISR, ISR_OVW);
    wr(&r, TCR, 0);
    CHECK_EQ(rd(&r, ISR) & (ISR_OVW | ISR_RST), 0);
    CHECK_EQ(irq_level(&r), 0);
    /* The ring works again. */
    CHECK_EQ(inject(&r, test_mac, 200, 2), 200);
    CHECK_EQ(page1_read(&r, CURR), curr + 1);
    CHECK(rd(&r, ISR) & ISR_PRX);
    rig_cleanup(&r);
}

static void test_loopback(void)
{
    Rig r;
    if (!rig_init(&r, true)) {
        return;
    }
    nic_init(&r, RX_START, RX_STOP, RCR_AB);
    wr(&r, TCR, 0x02); /* internal loopback, CRC appended */
    uint8_t f[100], hdr[4], data[200];
    make_frame(f, test_mac, sizeof(f), 7);
    dma_write(&r, TX_PAGE << 8, f, sizeof(f));
    wr(&r, TBCR0, sizeof(f));
    wr(&r, TBCR1, 0);
    wr(&r, ISR, 0xff);
    uint8_t curr = page1_read(&r, CURR);
    wr(&r, CR, CR_NODMA | CR_START | CR_TXP);
    CHECK_EQ(cap.n, 0); /* not on the wire */
    CHECK_EQ(rd(&r, ISR) & (ISR_PTX | ISR_PRX), ISR_PTX | ISR_PRX);
    ring_frame(&r, curr, hdr, data, sizeof(data));
    CHECK_EQ(hdr[2] | hdr[3] << 8, 4 + 100 + 4);
    CHECK(!memcmp(data, f, 100));
    CHECK_EQ(ldl_le_p(data + 100), ~ref_crc32_le(f, 100));

    /* CRC inhibited: the last 4 bytes are taken as the FCS; a wrong one
     * is a CRC error, tallied, the frame not stored. */
    wr(&r, TCR, 0x03);
    wr(&r, ISR, 0xff);
    curr = page1_read(&r, CURR);
    wr(&r, CR, CR_NODMA | CR_START | CR_TXP);
    CHECK_EQ(page1_read(&r, CURR), curr);
    CHECK(rd(&r, ISR) & ISR_RXE);
    CHECK_EQ(rd(&r, 0x0e), 1); /* CNTR1 */
    /* With a correct FCS in the buffer it is received. */
    uint8_t g[104];
    memcpy(g, f, 100);
    stl_le_p(g + 100, ~ref_crc32_le(f, 100));
    dma_write(&r, TX_PAGE << 8, g, sizeof(g));
    wr(&r, TBCR0, sizeof(g));
    wr(&r, CR, CR_NODMA | CR_START | CR_TXP);
    CHECK_EQ(page1_read(&r, CURR), curr + 1);

    /* A loopback runt (40 bytes + CRC) is rejected unless RCR.AR. */
    wr(&r, TCR, 0x02);
    wr(&r, TBCR0, 40);
    wr(&r, CR, CR_NODMA | CR_START | CR_TXP);
    CHECK_EQ(page1_read(&r, CURR), curr + 1);
    wr(&r, RCR, RCR_AR);
    wr(&r, CR, CR_NODMA | CR_START | CR_TXP);
    CHECK_EQ(page1_read(&r, CURR), curr + 2);
    rig_cleanup(&r);
}

static void test_send_packet(void)
{
    Rig r;
    if (!rig_init(&r, false)) {
        return;
    }
    nic_init(&r, RX_START, RX_STOP, RCR_AB);
    /* Send Packet reads the frame at BNRY: drivers using it keep BNRY on
     * the next frame, so start with BNRY = CURR. */
    wr(&r, BNRY, RX_START + 1);
    inject(&r, test_mac, 300, 4);
    wr(&r, ISR, 0xff);
    wr(&r, CR, CR_SEND | CR_STA);
    CHECK_EQ(rd(&r, 0x08) | rd(&r, 0x09) << 8, (RX_START + 1) << 8);
    uint8_t hdr[4], data[300], f[300];
    for (int i = 0; i < 4; i += 2) {
        stw_le_p(hdr + i, inw(&r.f.tb, r.base + DATA));
    }
    CHECK_EQ(hdr[2] | hdr[3] << 8, 304);
    for (int i = 0; i < 300; i += 2) {
        stw_le_p(data + i, inw(&r.f.tb, r.base + DATA));
    }
    make_frame(f, test_mac, 300, 4);
    CHECK(!memcmp(data, f, 300));
    CHECK(rd(&r, ISR) & ISR_RDC);
    CHECK_EQ(rd(&r, BNRY), hdr[1]);
    rig_cleanup(&r);
}

static void test_reset(void)
{
    for (int pci = 0; pci < 2; pci++) {
        Rig r;
        if (!rig_init(&r, pci)) {
            return;
        }
        nic_init(&r, RX_START, RX_STOP, RCR_AB);
        inject(&r, test_mac, 100, 0);
        CHECK_EQ(irq_level(&r), 1);
        /* The reset port: a read resets (Linux writes back what it read). */
        wr(&r, RESET, rd(&r, RESET));
        CHECK_EQ(irq_level(&r), 0);
        CHECK_EQ(rd(&r, CR), 0x21);
        CHECK_EQ(rd(&r, ISR), ISR_RST);
        wr(&r, CR, CR_NODMA | CR_PAGE2 | 0x01);
        CHECK_EQ(rd(&r, 0x0f), 0);
        wr(&r, CR, CR_STOP);
        /* Stopped after reset: frames wait. */
        inject(&r, test_mac, 100, 0);
        CHECK_EQ(net_queue_length(r.nic), 1);
        /* A system reset drops what waits. */
        device_reset(r.dev);
        CHECK_EQ(net_queue_length(r.nic), 0);
        rig_cleanup(&r);
    }
}

static void test_hostile(void)
{
    Rig r;
    if (!rig_init(&r, false)) {
        return;
    }
    uint8_t buf[8];

    /* PSTART > PSTOP: no ring; frames are counted as missed, not held. */
    nic_init(&r, 0x70, 0x50, RCR_AB);
    CHECK_EQ(inject(&r, test_mac, 100, 0), 100);
    CHECK_EQ(net_queue_length(r.nic), 0);
    CHECK_EQ(rd(&r, 0x0f), 1);

    /* CURR outside the ring. */
    nic_init(&r, RX_START, RX_STOP, RCR_AB);
    wr(&r, CR, CR_NODMA | CR_PAGE1);
    wr(&r, CURR, 0x10);
    wr(&r, CR, CR_NODMA);
    CHECK_EQ(inject(&r, test_mac, 100, 0), 100);
    CHECK_EQ(page1_read(&r, CURR), 0x10);
    CHECK_EQ(rd(&r, 0x0f), 1);

    /* A ring past the end of RAM (0x70-0xff): frames in pages 0x80+ go
     * nowhere, nothing outside the buffer is touched. */
    nic_init(&r, 0x70, 0xff, RCR_AB);
    wr(&r, CR, CR_NODMA | CR_PAGE1);
    wr(&r, CURR, 0xfc);
    wr(&r, CR, CR_NODMA);
    wr(&r, BNRY, 0xfb);
    CHECK_EQ(inject(&r, test_mac, 1500, 0), 1500);
    /* 6 pages: 0xfc-0xfe, then 0x70-0x72 after the wrap at PSTOP. */
    CHECK_EQ(page1_read(&r, CURR), 0x73);
    uint8_t f[1500];
    make_frame(f, test_mac, 1500, 0);
    dma_read(&r, 0x7000, buf, 8);
    CHECK(!memcmp(buf, f + (0xff - 0xfc) * 256 - 4, 8));

    /* A huge remote count from the end of RAM: reads past it give 0xff,
     * the address wraps at 64 KiB into the PROM. */
    wr(&r, PSTART, 0);
    wr(&r, PSTOP, 0);
    dma_setup(&r, 0x7ffe, 0xffff, CR_RREAD);
    inw(&r.f.tb, r.base + DATA);
    CHECK_EQ(inw(&r.f.tb, r.base + DATA), 0xffff);
    dma_setup(&r, 0xfffe, 0xffff, CR_RREAD);
    inw(&r.f.tb, r.base + DATA);
    CHECK_EQ(inw(&r.f.tb, r.base + DATA), test_mac[0] * 0x0101);
    /* Writes there do nothing (and nothing outside the buffer). */
    dma_setup(&r, 0xfffe, 0xffff, CR_RWRITE);
    for (int i = 0; i < 0x8000; i++) {
        outw(&r.f.tb, r.base + DATA, 0xdead);
    }
    dma_setup(&r, 0, 2, CR_RREAD);
    CHECK_EQ(inw(&r.f.tb, r.base + DATA), test_mac[0] * 0x0101);
    /* ... but RAM, which the 64 KiB lap went through, took them. */
    dma_setup(&r, 0x5000, 2, CR_RREAD);
    CHECK_EQ(inw(&r.f.tb, r.base + DATA), 0xdead);

    /* TBCR 0xffff from page 0xff: one 64 KiB frame read with the address
     * wrapping, no read outside the buffer. */
    cap_clear();
    wr(&r, TPSR, 0xff);
    wr(&r, TBCR0, 0xff);
    wr(&r, TBCR1, 0xff);
    wr(&r, CR, CR_NODMA | CR_START | CR_TXP);
    CHECK_EQ(cap.n, 1);
    CHECK_EQ(cap.len[0], 0xffff);
    if (cap.n) {
        CHECK_EQ(cap.buf[0][0], 0xff);            /* 0xff00: nothing there */
        CHECK_EQ(cap.buf[0][0x100], test_mac[0]); /* 0x0000: the PROM */
        CHECK_EQ(cap.buf[0][0x5100], 0xad);       /* 0x5000: RAM */
    }
    rig_cleanup(&r);
}

static void test_pci_config(void)
{
    Rig r;
    if (!rig_init(&r, true)) {
        return;
    }
    CHECK_EQ(cfg_read(&r.f, NE_DEVFN, 0x00, 4), 0x802910ec);
    CHECK_EQ(cfg_read(&r.f, NE_DEVFN, 0x08, 4) >> 8, 0x020000);
    CHECK_EQ(cfg_read(&r.f, NE_DEVFN, 0x3d, 1), 1); /* INTA */
    cfg_write(&r.f, NE_DEVFN, 0x10, 4, 0xffffffff);
    CHECK_EQ(cfg_read(&r.f, NE_DEVFN, 0x10, 4), 0xffffff01); /* 256 I/O */
    cfg_write(&r.f, NE_DEVFN, 0x10, 4, PCI_IOBASE);
    CHECK_EQ(rd(&r, CR), 0x21);
    /* Past the 32 ports: nothing. */
    CHECK_EQ(inb(&r.f.tb, PCI_IOBASE + 0x40), 0xff);

    /* INTx through PIRQ routing to IRQ 11. */
    nic_init(&r, RX_START, RX_STOP, RCR_AB);
    inject(&r, test_mac, 100, 0);
    CHECK_EQ(irq_level(&r), 1);
    CHECK(cfg_read(&r.f, NE_DEVFN, 0x06, 2) & 0x08); /* status: INTx */
    /* PRX stays up while the frame is unread (dp8390_remind)... */
    wr(&r, ISR, 0xff);
    CHECK_EQ(irq_level(&r), 1);
    /* ... and an acknowledge sticks once the driver has taken it. */
    wr(&r, BNRY, RX_START + 1);
    wr(&r, ISR, 0xff);
    CHECK_EQ(irq_level(&r), 0);
    CHECK_EQ(cfg_read(&r.f, NE_DEVFN, 0x06, 2) & 0x08, 0);

    /* Linux reads the 4-byte header with one inl. */
    dma_setup(&r, (RX_START + 1) << 8, 4, CR_RREAD);
    uint32_t h = inl(&r.f.tb, r.base + DATA);
    CHECK_EQ(h & 0xff, 0x01);
    CHECK_EQ(h >> 16, 104);

    /* Page 3: Linux's full-duplex sequence. */
    wr(&r, CR, CR_NODMA | CR_PAGE3);
    wr(&r, 0x06, 0x40); /* CONFIG3 locked */
    CHECK_EQ(rd(&r, 0x06), 0);
    wr(&r, 0x01, 0xc0);
    wr(&r, 0x06, 0x40);
    wr(&r, 0x01, 0x00);
    CHECK_EQ(rd(&r, 0x06), 0x40);
    CHECK_EQ(rd(&r, 0x01), 0x00);
    wr(&r, CR, CR_NODMA);
    rig_cleanup(&r);
}

static void test_vmstate(void)
{
    Rig r;
    if (!rig_init(&r, true)) {
        return;
    }
    nic_init(&r, RX_START, RX_STOP, RCR_AB);
    inject(&r, test_mac, 300, 9);
    const VMStateDescription *vmsd = r.dev->cls->vmsd;
    CHECK(vmsd != NULL);
    size_t cap_len = vmstate_save(vmsd, r.dev, NULL, 0);
    uint8_t *img = g_malloc(cap_len);
    CHECK_EQ(vmstate_save(vmsd, r.dev, img, cap_len), cap_len);
    /* Change what was saved (the frame taken: BNRY before CURR), then
     * load it back. */
    wr(&r, BNRY, RX_START + 2);
    uint8_t junk[4] = {9, 9, 9, 9};
    dma_write(&r, (RX_START + 1) << 8, junk, 4);
    wr(&r, ISR, 0xff);
    CHECK_EQ(irq_level(&r), 0);
    CHECK(vmstate_load(vmsd, r.dev, img, cap_len) == 0);
    CHECK_EQ(rd(&r, BNRY), RX_START);
    CHECK(rd(&r, ISR) & ISR_PRX);
    CHECK_EQ(irq_level(&r), 1); /* the line follows the loaded ISR */
    uint8_t hdr[4];
    ring_frame(&r, RX_START + 1, hdr, NULL, 0);
    CHECK_EQ(hdr[2] | hdr[3] << 8, 304);
    g_free(img);
    rig_cleanup(&r);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_registers_isa);
    TEST_RUN(test_registers_pci);
    TEST_RUN(test_prom_isa);
    TEST_RUN(test_prom_pci);
    TEST_RUN(test_remote_dma);
    TEST_RUN(test_transmit);
    TEST_RUN(test_receive_ring);
    TEST_RUN(test_next_page_rule);
    TEST_RUN(test_linux_driver_interleaved);
    TEST_RUN(test_filter);
    TEST_RUN(test_backpressure);
    TEST_RUN(test_rx_reminder);
    TEST_RUN(test_overflow_recovery);
    TEST_RUN(test_loopback);
    TEST_RUN(test_send_packet);
    TEST_RUN(test_reset);
    TEST_RUN(test_hostile);
    TEST_RUN(test_pci_config);
    TEST_RUN(test_vmstate);
    return test_finish();
}
