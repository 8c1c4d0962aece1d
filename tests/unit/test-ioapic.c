/*
 * Device tests for the I/O APIC (hw/intc/ioapic.c), created alone on a
 * test memory space and driven through IOREGSEL/IOWIN: register layout and
 * reset values, edge and level delivery with the exact APIC bus messages
 * (a recording deliver callback), Remote IRR and EOI (broadcast and the
 * EOI register), masking, delivery modes and destinations, the state
 * description and "info ioapic".
 */
#include "tests/unit/harness.h"
#include "emu/vmstate.h"
#include "hw/intc/ioapic.h"

#define BASE     IOAPIC_DEFAULT_BASE
#define MAX_MSGS 64

/* RTE bits, written out here rather than shared with the model. */
#define MASKED    (1u << 16)
#define LEVEL     (1u << 15)
#define REMOTEIRR (1u << 14)
#define POL_LOW   (1u << 13)
#define LOGICAL   (1u << 11)
#define DM(m)     ((uint32_t)(m) << 8)

typedef struct Rig {
    TestBus tb;
    IOAPICState *io;
    APICMessage msg[MAX_MSGS];
    int n;
} Rig;

static void record(void *opaque, const APICMessage *m)
{
    Rig *r = opaque;
    if (r->n < MAX_MSGS) {
        r->msg[r->n] = *m;
    }
    r->n++;
}

static bool rig_init(Rig *r, uint8_t id)
{
    Error *err = NULL;

    memset(r, 0, sizeof(*r));
    test_bus_init(&r->tb);
    r->io = ioapic_init(&r->tb.mem_root, BASE, id, record, r, &err);
    if (!r->io) {
        test_fail(__FILE__, __LINE__, "ioapic_init: %s", error_get_pretty(err));
        error_free(err);
        test_bus_cleanup(&r->tb);
        return false;
    }
    return true;
}

static void rig_cleanup(Rig *r)
{
    ioapic_free(r->io);
    test_bus_cleanup(&r->tb);
}

static uint32_t mmio_rd(Rig *r, uint64_t off, unsigned size)
{
    return as_in(&r->tb.mem_as, BASE + off, size);
}

static void mmio_wr(Rig *r, uint64_t off, unsigned size, uint32_t v)
{
    as_out(&r->tb.mem_as, BASE + off, size, v);
}

static uint32_t reg_rd(Rig *r, uint8_t reg)
{
    mmio_wr(r, 0x00, 4, reg);
    return mmio_rd(r, 0x10, 4);
}

static void reg_wr(Rig *r, uint8_t reg, uint32_t v)
{
    mmio_wr(r, 0x00, 4, reg);
    mmio_wr(r, 0x10, 4, v);
}

/* High dword first, as Linux does, so the low write (mask) is last. */
static void set_rte(Rig *r, int pin, uint32_t lo, uint8_t dest)
{
    reg_wr(r, 0x11 + 2 * pin, (uint32_t)dest << 24);
    reg_wr(r, 0x10 + 2 * pin, lo);
}

static uint32_t rte_lo(Rig *r, int pin)
{
    return reg_rd(r, 0x10 + 2 * pin);
}

static void pin_set(Rig *r, int pin, int level)
{
    irq_set(ioapic_get_pin(r->io, pin), level);
}

/* The message number i is exactly this. */
static void check_msg(Rig *r, int i, uint32_t dest, bool logical, uint8_t dm,
                      uint8_t vector, bool level, const char *what)
{
    if (i >= r->n || i >= MAX_MSGS) {
        test_fail(__FILE__, __LINE__, "%s: message %d not sent (%d sent)", what,
                  i, r->n);
        return;
    }
    const APICMessage *m = &r->msg[i];
    if (m->dest != dest || m->dest_logical != logical ||
        m->delivery_mode != dm || m->vector != vector || m->level != level ||
        !m->assert) {
        test_fail(__FILE__, __LINE__,
                  "%s: message %d is dest 0x%x %s dm %u vec 0x%02x %s "
                  "assert %d, want dest 0x%x %s dm %u vec 0x%02x %s",
                  what, i, m->dest, m->dest_logical ? "log" : "phys",
                  m->delivery_mode, m->vector, m->level ? "level" : "edge",
                  m->assert, dest, logical ? "log" : "phys", dm, vector,
                  level ? "level" : "edge");
    }
}

static void test_registers(void)
{
    Rig r;
    if (!rig_init(&r, 3)) {
        return;
    }
    CHECK_EQ(reg_rd(&r, 0x00), 0x03000000);
    CHECK_EQ(reg_rd(&r, 0x01), 0x00170020); /* 24 entries, version 0x20 */
    CHECK_EQ(reg_rd(&r, 0x02), 0x03000000);
    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        CHECK_EQ(reg_rd(&r, 0x10 + 2 * pin), MASKED);
        CHECK_EQ(reg_rd(&r, 0x11 + 2 * pin), 0);
    }
    /* IOREGSEL reads back its 8 bits. */
    mmio_wr(&r, 0x00, 4, 0x12345611);
    CHECK_EQ(mmio_rd(&r, 0x00, 4), 0x11);

    /* The ID has 4 bits; version and arbitration are read-only. */
    reg_wr(&r, 0x00, 0xffffffff);
    CHECK_EQ(reg_rd(&r, 0x00), 0x0f000000);
    CHECK_EQ(reg_rd(&r, 0x02), 0x0f000000);
    reg_wr(&r, 0x01, 0);
    reg_wr(&r, 0x02, 0);
    CHECK_EQ(reg_rd(&r, 0x01), 0x00170020);
    CHECK_EQ(reg_rd(&r, 0x02), 0x0f000000);

    /* Reserved bits 55:17 read 0, delivery status and Remote IRR are RO. */
    reg_wr(&r, 0x10 + 2 * 5, 0xffffffff);
    reg_wr(&r, 0x11 + 2 * 5, 0xffffffff);
    CHECK_EQ(reg_rd(&r, 0x10 + 2 * 5), 0x0001afff);
    CHECK_EQ(reg_rd(&r, 0x11 + 2 * 5), 0xff000000);
    CHECK_EQ(r.n, 0);

    /* Undefined registers and offsets read 0; IOWIN wants dwords. */
    CHECK_EQ(reg_rd(&r, 0x03), 0);
    CHECK_EQ(reg_rd(&r, 0x40), 0);
    mmio_wr(&r, 0x00, 4, 0x01);
    CHECK_EQ(mmio_rd(&r, 0x10, 1), 0);
    CHECK_EQ(mmio_rd(&r, 0x20, 4), 0);
    CHECK_EQ(mmio_rd(&r, 0xffc, 4), 0);
    /* A byte write to IOREGSEL selects. */
    mmio_wr(&r, 0x00, 1, 0x01);
    CHECK_EQ(mmio_rd(&r, 0x10, 4), 0x00170020);

    /* Reset: every entry masked again, ID from the property. */
    device_reset((DeviceState *)r.io);
    CHECK_EQ(reg_rd(&r, 0x00), 0x03000000);
    CHECK_EQ(reg_rd(&r, 0x10 + 2 * 5), MASKED);
    CHECK_EQ(reg_rd(&r, 0x11 + 2 * 5), 0);
    rig_cleanup(&r);
}

static void test_edge(void)
{
    Rig r;
    if (!rig_init(&r, 0)) {
        return;
    }
    set_rte(&r, 4, 0x31, 1);
    CHECK_EQ(r.n, 0);
    pin_set(&r, 4, 1);
    CHECK_EQ(r.n, 1);
    check_msg(&r, 0, 1, false, 0, 0x31, false, "rising edge");
    /* High stays high: no new edge; edge entries never set Remote IRR. */
    pin_set(&r, 4, 1);
    CHECK_EQ(r.n, 1);
    CHECK_EQ(rte_lo(&r, 4), 0x31);
    pin_set(&r, 4, 0);
    CHECK_EQ(r.n, 1);
    pin_set(&r, 4, 1);
    CHECK_EQ(r.n, 2);
    check_msg(&r, 1, 1, false, 0, 0x31, false, "second edge");
    pin_set(&r, 4, 0);

    /* An edge on a masked pin is lost, also when it is unmasked later. */
    set_rte(&r, 4, MASKED | 0x31, 1);
    pin_set(&r, 4, 1);
    CHECK_EQ(r.n, 2);
    set_rte(&r, 4, 0x31, 1);
    CHECK_EQ(r.n, 2);
    pin_set(&r, 4, 0);
    pin_set(&r, 4, 1);
    CHECK_EQ(r.n, 3);

    /* Other pins are independent. */
    set_rte(&r, 0, 0x30, 0);
    pin_set(&r, 0, 1);
    CHECK_EQ(r.n, 4);
    check_msg(&r, 3, 0, false, 0, 0x30, false, "pin 0");
    rig_cleanup(&r);
}

static void test_level_remote_irr(void)
{
    Rig r;
    if (!rig_init(&r, 0)) {
        return;
    }
    set_rte(&r, 9, LEVEL | LOGICAL | DM(1) | 0x41, 0x03);
    pin_set(&r, 9, 1);
    CHECK_EQ(r.n, 1);
    check_msg(&r, 0, 0x03, true, 1, 0x41, true, "level");
    CHECK_EQ(rte_lo(&r, 9), REMOTEIRR | LEVEL | LOGICAL | DM(1) | 0x41);

    /* Held by Remote IRR: toggling the pin sends nothing. */
    pin_set(&r, 9, 0);
    pin_set(&r, 9, 1);
    CHECK_EQ(r.n, 1);
    /* EOI of another vector does nothing. */
    ioapic_eoi(r.io, 0x42);
    CHECK_EQ(r.n, 1);
    CHECK(rte_lo(&r, 9) & REMOTEIRR);
    /* EOI with the pin still high: sent again, Remote IRR set again. */
    ioapic_eoi(r.io, 0x41);
    CHECK_EQ(r.n, 2);
    check_msg(&r, 1, 0x03, true, 1, 0x41, true, "resend at EOI");
    CHECK(rte_lo(&r, 9) & REMOTEIRR);
    /* Pin low at the EOI: Remote IRR clears, nothing sent. */
    pin_set(&r, 9, 0);
    ioapic_eoi(r.io, 0x41);
    CHECK_EQ(r.n, 2);
    CHECK_EQ(rte_lo(&r, 9) & REMOTEIRR, 0);
    pin_set(&r, 9, 1);
    CHECK_EQ(r.n, 3);

    /* The EOI register at +0x40 does the same (version 0x20). */
    mmio_wr(&r, 0x40, 4, 0x41);
    CHECK_EQ(r.n, 4);
    pin_set(&r, 9, 0);
    mmio_wr(&r, 0x40, 4, 0x41);
    CHECK_EQ(r.n, 4);
    CHECK_EQ(rte_lo(&r, 9) & REMOTEIRR, 0);

    /* A write to the entry leaves Remote IRR alone while level... */
    pin_set(&r, 9, 1);
    CHECK_EQ(r.n, 5);
    set_rte(&r, 9, LEVEL | LOGICAL | DM(1) | 0x41, 0x05);
    CHECK_EQ(r.n, 5);
    CHECK(rte_lo(&r, 9) & REMOTEIRR);
    /* ...and an edge entry has none (Linux's EOI for 0x11 chips). */
    set_rte(&r, 9, MASKED | 0x41, 0x05);
    CHECK_EQ(rte_lo(&r, 9), MASKED | 0x41);
    set_rte(&r, 9, MASKED | LEVEL | 0x41, 0x05);
    CHECK_EQ(r.n, 5);
    /* Unmasked while the pin is high: sent at once, new destination. */
    set_rte(&r, 9, LEVEL | 0x41, 0x05);
    CHECK_EQ(r.n, 6);
    check_msg(&r, 5, 0x05, false, 0, 0x41, true, "unmask level");
    rig_cleanup(&r);
}

static void test_masked_level(void)
{
    Rig r;
    if (!rig_init(&r, 0)) {
        return;
    }
    set_rte(&r, 11, MASKED | LEVEL | 0x51, 0);
    pin_set(&r, 11, 1);
    CHECK_EQ(r.n, 0);
    CHECK_EQ(rte_lo(&r, 11) & REMOTEIRR, 0);
    /* Masking the high byte only (dest) changes nothing. */
    reg_wr(&r, 0x11 + 2 * 11, 0x02000000);
    CHECK_EQ(r.n, 0);
    /* Unmask: the level is still there. */
    reg_wr(&r, 0x10 + 2 * 11, LEVEL | 0x51);
    CHECK_EQ(r.n, 1);
    check_msg(&r, 0, 2, false, 0, 0x51, true, "unmask");
    /* Masked after delivery: the EOI clears Remote IRR but sends nothing
     * until the entry is unmasked again. */
    reg_wr(&r, 0x10 + 2 * 11, MASKED | LEVEL | 0x51);
    ioapic_eoi(r.io, 0x51);
    CHECK_EQ(r.n, 1);
    CHECK_EQ(rte_lo(&r, 11), MASKED | LEVEL | 0x51);
    pin_set(&r, 11, 0);
    reg_wr(&r, 0x10 + 2 * 11, LEVEL | 0x51);
    CHECK_EQ(r.n, 1);
    /* A level that came and went while masked leaves nothing behind. */
    reg_wr(&r, 0x10 + 2 * 11, MASKED | LEVEL | 0x51);
    pin_set(&r, 11, 1);
    pin_set(&r, 11, 0);
    reg_wr(&r, 0x10 + 2 * 11, LEVEL | 0x51);
    CHECK_EQ(r.n, 1);
    rig_cleanup(&r);
}

static void test_modes_and_destinations(void)
{
    Rig r;
    if (!rig_init(&r, 0)) {
        return;
    }
    /* Physical broadcast, lowest priority. */
    set_rte(&r, 1, DM(1) | 0x61, 0xff);
    pin_set(&r, 1, 1);
    check_msg(&r, 0, 0xff, false, 1, 0x61, false, "broadcast");
    /* NMI is edge whatever the trigger bit says: no Remote IRR. */
    set_rte(&r, 2, LEVEL | DM(4), 0x01);
    pin_set(&r, 2, 1);
    check_msg(&r, 1, 0x01, false, 4, 0x00, false, "NMI");
    CHECK_EQ(rte_lo(&r, 2), LEVEL | DM(4));
    pin_set(&r, 2, 0);
    pin_set(&r, 2, 1);
    CHECK_EQ(r.n, 3);
    /* SMI, INIT, ExtINT (the vector comes from the 8259 later). */
    set_rte(&r, 3, DM(2), 0x02);
    pin_set(&r, 3, 1);
    check_msg(&r, 3, 0x02, false, 2, 0, false, "SMI");
    set_rte(&r, 5, DM(5) | LOGICAL, 0x80);
    pin_set(&r, 5, 1);
    check_msg(&r, 4, 0x80, true, 5, 0, false, "INIT");
    set_rte(&r, 0, DM(7) | 0x08, 0x00);
    pin_set(&r, 0, 1);
    check_msg(&r, 5, 0x00, false, 7, 0x08, false, "ExtINT");
    /* Reserved delivery modes send nothing; the entry keeps them. */
    set_rte(&r, 6, DM(3) | 0x70, 0);
    set_rte(&r, 7, DM(6) | 0x71, 0);
    pin_set(&r, 6, 1);
    pin_set(&r, 7, 1);
    CHECK_EQ(r.n, 6);
    CHECK_EQ(rte_lo(&r, 6), DM(3) | 0x70);
    /* A reserved vector goes out as programmed (the local APIC refuses). */
    set_rte(&r, 8, 0x05, 0x01);
    pin_set(&r, 8, 1);
    check_msg(&r, 6, 0x01, false, 0, 0x05, false, "vector 5");
    /* Polarity is stored and not applied: an asserted pin still sends. */
    set_rte(&r, 12, POL_LOW | 0x72, 0x01);
    CHECK_EQ(r.n, 7);
    pin_set(&r, 12, 1);
    check_msg(&r, 7, 0x01, false, 0, 0x72, false, "active-low entry");
    CHECK_EQ(rte_lo(&r, 12), POL_LOW | 0x72);
    /* The last pin. */
    set_rte(&r, 23, LEVEL | 0xfe, 0x0e);
    pin_set(&r, 23, 1);
    check_msg(&r, 8, 0x0e, false, 0, 0xfe, true, "pin 23");
    CHECK_EQ(r.n, 9);
    rig_cleanup(&r);
}

static void test_state_and_dump(void)
{
    Rig r;
    if (!rig_init(&r, 2)) {
        return;
    }
    DeviceState *dev = (DeviceState *)r.io;
    const VMStateDescription *vmsd = dev->cls->vmsd;
    uint8_t buf[512];

    set_rte(&r, 9, LEVEL | 0x41, 0x01);
    pin_set(&r, 9, 1);
    CHECK_EQ(r.n, 1);
    size_t len = vmstate_save(vmsd, dev, buf, sizeof(buf));
    CHECK(len > 0 && len <= sizeof(buf));

    /* Reset, then load: Remote IRR and the pin level come back, so the EOI
     * resends from the loaded state. */
    pin_set(&r, 9, 0);
    device_reset(dev);
    CHECK_EQ(rte_lo(&r, 9), MASKED);
    CHECK_EQ(vmstate_load(vmsd, dev, buf, len), 0);
    CHECK_EQ(rte_lo(&r, 9), REMOTEIRR | LEVEL | 0x41);
    CHECK_EQ(reg_rd(&r, 0x00), 0x02000000);
    ioapic_eoi(r.io, 0x41);
    CHECK_EQ(r.n, 2);

    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    ioapic_dump(f, r.io);
    fclose(f);
    CHECK(strstr(text, "id 0x02 version 0x20") != NULL);
    CHECK(strstr(text, "pin  9 0x010000000000c041 vec 0x41 fixed ") != NULL);
    CHECK(strstr(text, "remote-irr asserted") != NULL);
    CHECK(strstr(text, "pin 23 0x0000000000010000") != NULL);
    free(text);
    rig_cleanup(&r);
}

static void test_bad_init(void)
{
    TestBus tb;
    Error *err = NULL;

    test_bus_init(&tb);
    IOAPICState *s =
        ioapic_init(&tb.mem_root, BASE + 0x10, 0, NULL, NULL, &err);
    CHECK(s == NULL);
    CHECK(err != NULL && strstr(error_get_pretty(err), "aligned"));
    error_free(err);
    err = NULL;
    s = ioapic_init(&tb.mem_root, BASE, 16, NULL, NULL, &err);
    CHECK(s == NULL);
    CHECK(err != NULL && strstr(error_get_pretty(err), "id 16"));
    error_free(err);
    ioapic_free(s);
    /* Without a deliver callback it still works (messages are dropped). */
    s = ioapic_init(&tb.mem_root, BASE, 0, NULL, NULL, &err);
    CHECK(s != NULL);
    if (s) {
        irq_raise(ioapic_get_pin(s, 3));
        ioapic_free(s);
    }
    test_bus_cleanup(&tb);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_registers);
    TEST_RUN(test_edge);
    TEST_RUN(test_level_remote_irr);
    TEST_RUN(test_masked_level);
    TEST_RUN(test_modes_and_destinations);
    TEST_RUN(test_state_and_dump);
    TEST_RUN(test_bad_init);
    return test_finish();
}
