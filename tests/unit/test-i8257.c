/*
 * The ISA DMA controllers (hw/isa/i8257.c) and their device interface
 * (hw/isa/isa-dma.h): address and count registers through the flip-flop,
 * page registers (all of 0x80-0x8F), status TC bits, masks, master clear,
 * transfers to and from RAM on 8- and 16-bit channels with page, wrap,
 * decrement and auto-initialize, verify and wrong-direction transfers,
 * grants to a device holding DREQ, software requests.
 */
#include "tests/unit/harness.h"
#include "hw/isa/isa-dma.h"

typedef struct Client {
    int grants;
    int last_chan;
    /* What grant does: move `want` bytes of `data` to memory. */
    size_t want;
    size_t moved;
    bool tc;
    ISABus *bus;
    uint8_t data[1024];
} Client;

static void client_grant(void *opaque, int chan)
{
    Client *c = opaque;
    c->grants++;
    c->last_chan = chan;
    if (c->want) {
        c->moved +=
            isa_dma_write_memory(c->bus, chan, c->data, c->want, &c->tc);
        isa_dma_set_dreq(c->bus, chan, false);
    }
}

static const IsaDmaClient client_ops = {.grant = client_grant};

typedef struct Rig {
    TestBus tb;
    DeviceState *dma8, *dma16;
    uint8_t *ram;
} Rig;

static void rig_init(Rig *r)
{
    test_bus_init(&r->tb);
    r->dma8 = test_device(&r->tb, "i8257", "iobase=0,page-base=0x80,dshift=0");
    r->dma16 =
        test_device(&r->tb, "i8257", "iobase=0xc0,page-base=0x88,dshift=1");
    r->ram = r->tb.ram.ram;
}

static void rig_cleanup(Rig *r)
{
    device_free(r->dma8);
    device_free(r->dma16);
    test_bus_cleanup(&r->tb);
}

/* Program an 8-bit channel as a BIOS does (mask, flip-flop, address,
 * count, mode, page, unmask). */
static void prog8(Rig *r, int ch, uint32_t phys, uint16_t count, uint8_t mode)
{
    static const uint8_t page_port[4] = {0x87, 0x83, 0x81, 0x82};
    outb(&r->tb, 0x0a, 4 | ch);
    outb(&r->tb, 0x0c, 0);
    outb(&r->tb, ch * 2, phys & 0xff);
    outb(&r->tb, ch * 2, (phys >> 8) & 0xff);
    outb(&r->tb, ch * 2 + 1, count & 0xff);
    outb(&r->tb, ch * 2 + 1, count >> 8);
    outb(&r->tb, 0x0b, mode | ch);
    outb(&r->tb, page_port[ch], phys >> 16);
    outb(&r->tb, 0x0a, ch);
}

static uint16_t read_reg16(Rig *r, uint16_t port)
{
    outb(&r->tb, port < 0xc0 ? 0x0c : 0xd8, 0);
    uint16_t lo = inb(&r->tb, port);
    return lo | (inb(&r->tb, port) << 8);
}

static void test_registers(void)
{
    Rig r;
    rig_init(&r);
    /* Address and count: low then high byte, read back the same way. */
    outb(&r.tb, 0x0c, 0);
    outb(&r.tb, 0x04, 0x34);
    outb(&r.tb, 0x04, 0x12);
    outb(&r.tb, 0x05, 0xff);
    outb(&r.tb, 0x05, 0x01);
    CHECK_EQ(read_reg16(&r, 0x04), 0x1234);
    CHECK_EQ(read_reg16(&r, 0x05), 0x01ff);
    /* Without clearing the flip-flop in between, the bytes alternate. */
    outb(&r.tb, 0x0c, 0);
    CHECK_EQ(inb(&r.tb, 0x04), 0x34);
    outb(&r.tb, 0x00, 0x77); /* high byte of channel 0 */
    CHECK_EQ(read_reg16(&r, 0x00) >> 8, 0x77);
    /* The 16-bit chip: register n at 0xC0 + 2n. */
    outb(&r.tb, 0xd8, 0);
    outb(&r.tb, 0xc4, 0xcd);
    outb(&r.tb, 0xc4, 0xab);
    CHECK_EQ(read_reg16(&r, 0xc4), 0xabcd);
    CHECK_EQ(read_reg16(&r, 0x04), 0x1234); /* not the other chip's */

    /* Every page port keeps its byte, the scratch ones too. */
    for (int p = 0x80; p <= 0x8f; p++) {
        outb(&r.tb, p, p ^ 0x5a);
    }
    for (int p = 0x80; p <= 0x8f; p++) {
        CHECK_EQ(inb(&r.tb, p), p ^ 0x5a);
    }

    /* Masks: reset sets them all; single, clear-all, write-all. */
    CHECK_EQ(inb(&r.tb, 0x0f), 0xff);
    outb(&r.tb, 0x0a, 0x02);
    CHECK_EQ(inb(&r.tb, 0x0f), 0xfb);
    outb(&r.tb, 0x0e, 0);
    CHECK_EQ(inb(&r.tb, 0x0f), 0xf0);
    outb(&r.tb, 0x0f, 0x05);
    CHECK_EQ(inb(&r.tb, 0x0f), 0xf5);
    /* Master clear: masks set, flip-flop cleared. */
    outb(&r.tb, 0x0e, 0);
    outb(&r.tb, 0x0c, 0);
    inb(&r.tb, 0x04); /* flip-flop now high */
    outb(&r.tb, 0x0d, 0);
    CHECK_EQ(inb(&r.tb, 0x0f), 0xff);
    CHECK_EQ(inb(&r.tb, 0x04), 0x34); /* low byte first again */
    rig_cleanup(&r);
}

static void test_transfer_8bit(void)
{
    Rig r;
    Client c = {0};
    rig_init(&r);
    CHECK_EQ(isa_dma_attach(&r.tb.isa, 2, r.dma8, &client_ops, &c, NULL), 0);
    for (int i = 0; i < 512; i++) {
        c.data[i] = i * 3 + 1;
    }
    /* 512 bytes to 0x51000: page 5, single mode, increment, write. */
    memset(r.ram + 0x51000, 0, 0x400);
    prog8(&r, 2, 0x51000, 511, 0x44);
    CHECK(isa_dma_ready(&r.tb.isa, 2));
    CHECK_EQ(isa_dma_residue(&r.tb.isa, 2), 512);
    bool tc = true;
    /* Part of it first: no terminal count. */
    CHECK_EQ(isa_dma_write_memory(&r.tb.isa, 2, c.data, 100, &tc), 100);
    CHECK(!tc);
    CHECK_EQ(isa_dma_residue(&r.tb.isa, 2), 412);
    CHECK_EQ(inb(&r.tb, 0x08) & 0x0f, 0);
    /* More than is left: stops at terminal count. */
    CHECK_EQ(isa_dma_write_memory(&r.tb.isa, 2, c.data + 100, 1000, &tc), 412);
    CHECK(tc);
    CHECK(!memcmp(r.ram + 0x51000, c.data, 512));
    CHECK_EQ(r.ram[0x51000 + 512], 0);
    /* Status: TC of channel 2, cleared by reading it. */
    CHECK_EQ(inb(&r.tb, 0x08) & 0x0f, 0x04);
    CHECK_EQ(inb(&r.tb, 0x08) & 0x0f, 0);
    /* Without auto-init the channel masked itself. */
    CHECK(inb(&r.tb, 0x0f) & 0x04);
    CHECK(!isa_dma_ready(&r.tb.isa, 2));
    CHECK_EQ(isa_dma_write_memory(&r.tb.isa, 2, c.data, 16, &tc), 0);
    /* Current address and count after the run: one past, 0xffff. */
    CHECK_EQ(read_reg16(&r, 0x04), 0x1200);
    CHECK_EQ(read_reg16(&r, 0x05), 0xffff);

    /* Read transfer (memory to device), from another page. */
    for (int i = 0; i < 64; i++) {
        r.ram[0x23450 + i] = 0xa0 ^ i;
    }
    prog8(&r, 2, 0x23450, 63, 0x48);
    uint8_t in[64];
    CHECK_EQ(isa_dma_read_memory(&r.tb.isa, 2, in, 64, &tc), 64);
    CHECK(tc);
    CHECK(!memcmp(in, r.ram + 0x23450, 64));
    isa_dma_detach(&r.tb.isa, 2);
    rig_cleanup(&r);
}

static void test_wrap_decrement_autoinit(void)
{
    Rig r;
    Client c = {0};
    bool tc;
    rig_init(&r);
    isa_dma_attach(&r.tb.isa, 1, r.dma8, &client_ops, &c, NULL);
    uint8_t d[4] = {1, 2, 3, 4};

    /* The address wraps inside its 64 KiB page (the page does not
     * carry): 0x3FFFE, 0x3FFFF, then 0x30000, 0x30001. */
    memset(r.ram + 0x30000, 0, 4);
    memset(r.ram + 0x40000, 0, 4);
    prog8(&r, 1, 0x3fffe, 3, 0x44);
    CHECK_EQ(isa_dma_write_memory(&r.tb.isa, 1, d, 4, &tc), 4);
    CHECK_EQ(r.ram[0x3fffe], 1);
    CHECK_EQ(r.ram[0x3ffff], 2);
    CHECK_EQ(r.ram[0x30000], 3);
    CHECK_EQ(r.ram[0x30001], 4);
    CHECK_EQ(r.ram[0x40000], 0);

    /* Decrement: byte 0 at the address, then downwards. */
    prog8(&r, 1, 0x20010, 3, 0x64);
    CHECK_EQ(isa_dma_write_memory(&r.tb.isa, 1, d, 4, &tc), 4);
    CHECK_EQ(r.ram[0x20010], 1);
    CHECK_EQ(r.ram[0x2000f], 2);
    CHECK_EQ(r.ram[0x2000d], 4);

    /* Auto-initialize: at terminal count the base values come back and
     * the channel stays unmasked; the next run goes to the same place. */
    prog8(&r, 1, 0x60000, 1, 0x54);
    uint8_t a[2] = {0x11, 0x22}, b[2] = {0x33, 0x44};
    CHECK_EQ(isa_dma_write_memory(&r.tb.isa, 1, a, 2, &tc), 2);
    CHECK(tc);
    CHECK(isa_dma_ready(&r.tb.isa, 1));
    CHECK_EQ(read_reg16(&r, 0x02), 0x0000);
    CHECK_EQ(read_reg16(&r, 0x03), 1);
    CHECK_EQ(isa_dma_write_memory(&r.tb.isa, 1, b, 2, &tc), 2);
    CHECK(tc);
    CHECK_EQ(r.ram[0x60000], 0x33);
    CHECK_EQ(r.ram[0x60001], 0x44);
    CHECK_EQ(inb(&r.tb, 0x08) & 0x0f, 0x02);
    rig_cleanup(&r);
}

static void test_16bit(void)
{
    Rig r;
    Client c = {0};
    bool tc;
    rig_init(&r);
    /* Channel 4 is the cascade: nobody can take it. */
    CHECK(isa_dma_attach(&r.tb.isa, 4, r.dma16, &client_ops, &c, NULL) < 0);
    CHECK_EQ(isa_dma_attach(&r.tb.isa, 5, r.dma16, &client_ops, &c, NULL), 0);
    /* A second device on the same channel is refused. */
    Client c2 = {0};
    Error *err = NULL;
    CHECK(isa_dma_attach(&r.tb.isa, 5, r.dma8, &client_ops, &c2, &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "already used"));
    error_free(err);

    /* Channel 5: page 0x8B = 0x03 (bit 0 ignored: A17-A23), word
     * address 0x0800 -> 0x20000 + 0x1000, 8 words. */
    outb(&r.tb, 0xd4, 4 | 1);
    outb(&r.tb, 0xd8, 0);
    outb(&r.tb, 0xc4, 0x00);
    outb(&r.tb, 0xc4, 0x08);
    outb(&r.tb, 0xc6, 7);
    outb(&r.tb, 0xc6, 0);
    outb(&r.tb, 0xd6, 0x44 | 1);
    outb(&r.tb, 0x8b, 0x03);
    outb(&r.tb, 0xd4, 1);
    CHECK_EQ(isa_dma_residue(&r.tb.isa, 5), 16);
    uint8_t d[17];
    for (int i = 0; i < 17; i++) {
        d[i] = 0x40 + i;
    }
    memset(r.ram + 0x21000, 0, 32);
    /* 17 bytes offered: 16 moved (whole words). */
    CHECK_EQ(isa_dma_write_memory(&r.tb.isa, 5, d, 17, &tc), 16);
    CHECK(tc);
    CHECK(!memcmp(r.ram + 0x21000, d, 16));
    CHECK_EQ(r.ram[0x21010], 0);
    /* The TC bit is on the 16-bit chip's status (bit 1 = channel 5). */
    CHECK_EQ(inb(&r.tb, 0xd0) & 0x0f, 0x02);
    CHECK_EQ(read_reg16(&r, 0xc4), 0x0808);
    rig_cleanup(&r);
}

static void test_verify_and_wrong_direction(void)
{
    Rig r;
    Client c = {0};
    bool tc;
    rig_init(&r);
    isa_dma_attach(&r.tb.isa, 3, r.dma8, &client_ops, &c, NULL);
    uint8_t d[8] = {9, 9, 9, 9, 9, 9, 9, 9};
    memset(r.ram + 0x7000, 0x5a, 8);
    /* Verify: counts, touches nothing. */
    prog8(&r, 3, 0x7000, 7, 0x40);
    CHECK_EQ(isa_dma_write_memory(&r.tb.isa, 3, d, 8, &tc), 8);
    CHECK(tc);
    CHECK_EQ(r.ram[0x7000], 0x5a);
    /* Programmed as a read transfer while the device writes: memory
     * stays, the count runs. */
    prog8(&r, 3, 0x7000, 7, 0x48);
    CHECK_EQ(isa_dma_write_memory(&r.tb.isa, 3, d, 8, &tc), 8);
    CHECK_EQ(r.ram[0x7003], 0x5a);
    /* And the other way round: the device reads all ones. */
    prog8(&r, 3, 0x7000, 7, 0x44);
    uint8_t in[8] = {0};
    CHECK_EQ(isa_dma_read_memory(&r.tb.isa, 3, in, 8, &tc), 8);
    CHECK_EQ(in[0], 0xff);
    CHECK_EQ(r.ram[0x7000], 0x5a);
    rig_cleanup(&r);
}

static void test_grant(void)
{
    Rig r;
    Client c = {0};
    rig_init(&r);
    c.bus = &r.tb.isa;
    c.want = 32;
    memset(c.data, 0xc3, 32);
    isa_dma_attach(&r.tb.isa, 2, r.dma8, &client_ops, &c, NULL);
    prog8(&r, 2, 0x9000, 31, 0x44);
    outb(&r.tb, 0x0a, 4 | 2); /* masked again */
    /* DREQ while masked: the device waits. */
    isa_dma_set_dreq(&r.tb.isa, 2, true);
    CHECK_EQ(c.grants, 0);
    CHECK_EQ(inb(&r.tb, 0x08) & 0x40, 0x40); /* request bit of ch 2 */
    /* The controller disabled: still nothing. */
    outb(&r.tb, 0x08, 0x04);
    outb(&r.tb, 0x0a, 2);
    CHECK_EQ(c.grants, 0);
    /* Enabled: the grant comes, the device moves its bytes. */
    outb(&r.tb, 0x08, 0x00);
    CHECK_EQ(c.grants, 1);
    CHECK_EQ(c.last_chan, 2);
    CHECK_EQ(c.moved, 32);
    CHECK(c.tc);
    CHECK_EQ(r.ram[0x901f], 0xc3);
    /* DREQ on a ready channel: granted at once. */
    c.want = 0;
    prog8(&r, 2, 0x9000, 31, 0x44);
    isa_dma_set_dreq(&r.tb.isa, 2, true);
    CHECK_EQ(c.grants, 2);
    isa_dma_set_dreq(&r.tb.isa, 2, false);
    rig_cleanup(&r);
}

static void test_software_request(void)
{
    Rig r;
    rig_init(&r);
    /* Channel 0 with nobody attached: a software request in block mode
     * runs the count to TC and touches no memory. */
    memset(r.ram + 0x1000, 0x11, 16);
    prog8(&r, 0, 0x1000, 15, 0x84);
    outb(&r.tb, 0x09, 4 | 0);
    CHECK_EQ(inb(&r.tb, 0x08) & 0x01, 0x01);
    CHECK_EQ(r.ram[0x1000], 0x11);
    CHECK_EQ(read_reg16(&r, 0x01), 0xffff);
    CHECK(inb(&r.tb, 0x0f) & 0x01);
    rig_cleanup(&r);
}

static void test_reset(void)
{
    Rig r;
    rig_init(&r);
    outb(&r.tb, 0x0e, 0);
    outb(&r.tb, 0x08, 0x04);
    device_reset(r.dma8);
    CHECK_EQ(inb(&r.tb, 0x0f), 0xff);
    /* Command cleared: enabled (a channel unmasked now is ready). */
    outb(&r.tb, 0x0b, 0x44 | 2);
    outb(&r.tb, 0x0a, 2);
    CHECK(isa_dma_ready(&r.tb.isa, 2));
    rig_cleanup(&r);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_registers);
    TEST_RUN(test_transfer_8bit);
    TEST_RUN(test_wrap_decrement_autoinit);
    TEST_RUN(test_16bit);
    TEST_RUN(test_verify_and_wrong_direction);
    TEST_RUN(test_grant);
    TEST_RUN(test_software_request);
    TEST_RUN(test_reset);
    return test_finish();
}
