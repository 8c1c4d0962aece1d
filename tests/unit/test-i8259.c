/*
 * Device tests for the 8259A pair (hw/intc/i8259.c): programmed through
 * ports 0x20/0x21, 0xa0/0xa1 and the ELCR at 0x4d0/0x4d1, inputs driven on
 * the lines i8259_init() returns, INTR sampled on a probe, INTA cycles by
 * pic_read_irq() as the CPU would run them.
 */
#include "tests/unit/harness.h"
#include "hw/intc/i8259.h"

typedef struct PicRig {
    TestBus tb;
    IRQProbe intr;
    IRQ *intr_line;
    IRQ **irqs;
    PICState *pic;
} PicRig;

static bool rig_init(PicRig *r)
{
    Error *err = NULL;

    test_bus_init(&r->tb);
    r->intr_line = irq_new_probe(&r->intr);
    r->irqs = i8259_init(&r->tb.isa, r->intr_line, &r->pic, &err);
    if (!r->irqs) {
        test_fail(__FILE__, __LINE__, "i8259_init: %s",
                  error_get_pretty(err));
        error_free(err);
        test_bus_cleanup(&r->tb);
        irq_free(r->intr_line);
        return false;
    }
    return true;
}

static void rig_cleanup(PicRig *r)
{
    test_bus_cleanup(&r->tb);
    free(r->irqs);
    irq_free(r->intr_line);
}

/* The ICW sequence SeaBIOS and Linux use, with chosen vector bases/ICW4. */
static void pic_setup(PicRig *r, uint8_t mbase, uint8_t sbase, uint8_t icw4)
{
    outb(&r->tb, 0x20, 0x11);
    outb(&r->tb, 0x21, mbase);
    outb(&r->tb, 0x21, 0x04);
    outb(&r->tb, 0x21, icw4);
    outb(&r->tb, 0xa0, 0x11);
    outb(&r->tb, 0xa1, sbase);
    outb(&r->tb, 0xa1, 0x02);
    outb(&r->tb, 0xa1, icw4);
}

static uint8_t read_isr(PicRig *r, uint16_t port)
{
    outb(&r->tb, port, 0x0b);
    return inb(&r->tb, port);
}

static uint8_t read_irr(PicRig *r, uint16_t port)
{
    outb(&r->tb, port, 0x0a);
    return inb(&r->tb, port);
}

static void test_init_and_vectors(void)
{
    PicRig r;
    if (!rig_init(&r)) {
        return;
    }
    /* ICW2's low three bits are not part of the base. */
    pic_setup(&r, 0x0f, 0x70, 0x01);
    CHECK_EQ(inb(&r.tb, 0x21), 0x00);
    CHECK_EQ(inb(&r.tb, 0xa1), 0x00);
    CHECK_EQ(r.intr.level, 0);

    irq_set(r.irqs[0], 1);
    CHECK_EQ(r.intr.level, 1);
    CHECK_EQ(read_irr(&r, 0x20), 0x01);
    CHECK_EQ(pic_read_irq(r.pic), 0x08);
    CHECK_EQ(r.intr.level, 0);
    CHECK_EQ(read_isr(&r, 0x20), 0x01);
    CHECK_EQ(read_irr(&r, 0x20), 0x00); /* edge: taken by INTA */
    outb(&r.tb, 0x20, 0x20);
    CHECK_EQ(read_isr(&r, 0x20), 0x00);
    irq_set(r.irqs[0], 0);

    /* IRQ12 goes through the slave and master IR2. */
    irq_set(r.irqs[12], 1);
    CHECK_EQ(r.intr.level, 1);
    CHECK_EQ(read_irr(&r, 0x20), 0x04);
    CHECK_EQ(read_irr(&r, 0xa0), 0x10);
    CHECK_EQ(pic_read_irq(r.pic), 0x74);
    CHECK_EQ(read_isr(&r, 0x20), 0x04);
    CHECK_EQ(read_isr(&r, 0xa0), 0x10);
    CHECK_EQ(r.intr.level, 0);
    outb(&r.tb, 0xa0, 0x20);
    outb(&r.tb, 0x20, 0x20);
    CHECK_EQ(read_isr(&r, 0x20), 0x00);
    CHECK_EQ(read_isr(&r, 0xa0), 0x00);
    irq_set(r.irqs[12], 0);

    /* Linux's bases. */
    pic_setup(&r, 0x30, 0x38, 0x01);
    irq_set(r.irqs[15], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x3f);
    irq_set(r.irqs[1], 1);
    CHECK_EQ(r.intr.level, 1); /* IRQ1 is above the cascade on IR2 */
    CHECK_EQ(pic_read_irq(r.pic), 0x31);
    rig_cleanup(&r);
}

static void test_mask(void)
{
    PicRig r;
    if (!rig_init(&r)) {
        return;
    }
    pic_setup(&r, 0x08, 0x70, 0x01);
    outb(&r.tb, 0x21, 0x02);
    CHECK_EQ(inb(&r.tb, 0x21), 0x02);
    irq_set(r.irqs[1], 1);
    CHECK_EQ(r.intr.level, 0);
    CHECK_EQ(read_irr(&r, 0x20), 0x02); /* IRR latches while masked */
    outb(&r.tb, 0x21, 0x00);
    CHECK_EQ(r.intr.level, 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x09);

    /* Masking the cascade on the master hides every slave request. */
    outb(&r.tb, 0x21, 0x04);
    irq_set(r.irqs[9], 1);
    CHECK_EQ(r.intr.level, 0);
    outb(&r.tb, 0x20, 0x20); /* EOI for IRQ1 */
    CHECK_EQ(r.intr.level, 0);
    outb(&r.tb, 0x21, 0x00);
    CHECK_EQ(r.intr.level, 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x71);
    /* And a mask on the slave. */
    outb(&r.tb, 0xa0, 0x20);
    outb(&r.tb, 0x20, 0x20);
    outb(&r.tb, 0xa1, 0x08);
    irq_set(r.irqs[11], 1);
    CHECK_EQ(r.intr.level, 0);
    CHECK_EQ(inb(&r.tb, 0xa1), 0x08);
    rig_cleanup(&r);
}

static void test_priority_and_nesting(void)
{
    PicRig r;
    if (!rig_init(&r)) {
        return;
    }
    pic_setup(&r, 0x08, 0x70, 0x01);
    irq_set(r.irqs[3], 1);
    irq_set(r.irqs[1], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x09);
    /* IRQ3 waits for IRQ1's EOI... */
    CHECK_EQ(r.intr.level, 0);
    /* ...but IRQ0 nests above it. */
    irq_set(r.irqs[0], 1);
    CHECK_EQ(r.intr.level, 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x08);
    CHECK_EQ(read_isr(&r, 0x20), 0x03);
    /* Non-specific EOI ends the highest in service: IRQ0. */
    outb(&r.tb, 0x20, 0x20);
    CHECK_EQ(read_isr(&r, 0x20), 0x02);
    CHECK_EQ(r.intr.level, 0);
    outb(&r.tb, 0x20, 0x20);
    CHECK_EQ(read_isr(&r, 0x20), 0x00);
    CHECK_EQ(r.intr.level, 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x0b);

    /* Specific EOI picks its level regardless of priority. */
    irq_set(r.irqs[0], 0);
    irq_set(r.irqs[0], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x08);
    CHECK_EQ(read_isr(&r, 0x20), 0x09);
    outb(&r.tb, 0x20, 0x63);
    CHECK_EQ(read_isr(&r, 0x20), 0x01);
    outb(&r.tb, 0x20, 0x60);
    CHECK_EQ(read_isr(&r, 0x20), 0x00);

    /* Slave levels rank at the master's IR2: above IRQ3, below IRQ1. */
    irq_set(r.irqs[3], 0);
    irq_set(r.irqs[3], 1);
    irq_set(r.irqs[14], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x76);
    rig_cleanup(&r);
}

static void test_rotation(void)
{
    PicRig r;
    if (!rig_init(&r)) {
        return;
    }
    pic_setup(&r, 0x08, 0x70, 0x01);
    /* Rotate on non-specific EOI: the level just served goes last. */
    irq_set(r.irqs[1], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x09);
    outb(&r.tb, 0x20, 0xa0);
    CHECK_EQ(read_isr(&r, 0x20), 0x00);
    irq_set(r.irqs[1], 0);
    irq_set(r.irqs[1], 1);
    irq_set(r.irqs[5], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x0d); /* 2..7 now rank above 1 */
    outb(&r.tb, 0x20, 0x20);
    CHECK_EQ(pic_read_irq(r.pic), 0x09);
    outb(&r.tb, 0x20, 0x20);

    /* Set priority: IRQ4 lowest makes IRQ5 highest. */
    outb(&r.tb, 0x20, 0xc4);
    irq_set(r.irqs[5], 0);
    irq_set(r.irqs[5], 1);
    irq_set(r.irqs[4], 1);
    irq_set(r.irqs[0], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x0d);
    CHECK_EQ(r.intr.level, 0); /* 0 and 4 rank below 5 now */
    /* Rotate on specific EOI: end 5 and make 0 the lowest. */
    outb(&r.tb, 0x20, 0xe0 | 5);
    CHECK_EQ(read_isr(&r, 0x20), 0x00);
    outb(&r.tb, 0x20, 0xc0); /* set priority: 0 lowest, 1 highest */
    CHECK_EQ(pic_read_irq(r.pic), 0x0c);
    outb(&r.tb, 0x20, 0x20);
    CHECK_EQ(pic_read_irq(r.pic), 0x08);
    rig_cleanup(&r);
}

static void test_auto_eoi(void)
{
    PicRig r;
    if (!rig_init(&r)) {
        return;
    }
    pic_setup(&r, 0x08, 0x70, 0x03);
    irq_set(r.irqs[3], 1);
    irq_set(r.irqs[6], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x0b);
    CHECK_EQ(read_isr(&r, 0x20), 0x00);
    CHECK_EQ(r.intr.level, 1); /* nothing in service: IRQ6 right away */
    CHECK_EQ(pic_read_irq(r.pic), 0x0e);
    CHECK_EQ(r.intr.level, 0);

    /* Rotate in auto-EOI mode: after IRQ5, 6 ranks first, 5 last. */
    outb(&r.tb, 0x20, 0x80);
    irq_set(r.irqs[5], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x0d);
    irq_set(r.irqs[3], 0);
    irq_set(r.irqs[3], 1);
    irq_set(r.irqs[6], 0);
    irq_set(r.irqs[6], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x0e);
    /* Clear the rotation: IRQ6 served, 7 now first, 6 last; 3 next. */
    outb(&r.tb, 0x20, 0x00);
    CHECK_EQ(pic_read_irq(r.pic), 0x0b);
    /* No rotation by IRQ3 (it would put 4 first, so 5 before 1). */
    irq_set(r.irqs[5], 0);
    irq_set(r.irqs[5], 1);
    irq_set(r.irqs[1], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x09);
    CHECK_EQ(pic_read_irq(r.pic), 0x0d);

    /* Both chips in auto-EOI: two slave requests come one after another. */
    irq_set(r.irqs[8], 1);
    irq_set(r.irqs[12], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x70);
    CHECK_EQ(r.intr.level, 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x74);
    CHECK_EQ(r.intr.level, 0);
    CHECK_EQ(read_isr(&r, 0x20), 0x00);
    CHECK_EQ(read_isr(&r, 0xa0), 0x00);
    rig_cleanup(&r);
}

static void test_poll(void)
{
    PicRig r;
    if (!rig_init(&r)) {
        return;
    }
    pic_setup(&r, 0x08, 0x70, 0x01);
    outb(&r.tb, 0x20, 0x0c);
    CHECK_EQ(inb(&r.tb, 0x20), 0x00); /* nothing pending */
    CHECK_EQ(read_isr(&r, 0x20), 0x00);

    irq_set(r.irqs[4], 1);
    irq_set(r.irqs[6], 1);
    outb(&r.tb, 0x20, 0x0c);
    CHECK_EQ(inb(&r.tb, 0x21), 0x84); /* either address reads the poll */
    CHECK_EQ(read_isr(&r, 0x20), 0x10);
    CHECK_EQ(inb(&r.tb, 0x21), 0x00); /* poll is one read only: IMR */
    outb(&r.tb, 0x20, 0x20);
    outb(&r.tb, 0x20, 0x0c);
    CHECK_EQ(inb(&r.tb, 0x20), 0x86);
    outb(&r.tb, 0x20, 0x20);

    /* Cascade: the master reports IR2, then the slave is polled. */
    irq_set(r.irqs[13], 1);
    outb(&r.tb, 0x20, 0x0c);
    CHECK_EQ(inb(&r.tb, 0x20), 0x82);
    outb(&r.tb, 0xa0, 0x0c);
    CHECK_EQ(inb(&r.tb, 0xa0), 0x85);
    CHECK_EQ(read_isr(&r, 0xa0), 0x20);
    CHECK_EQ(read_isr(&r, 0x20), 0x04);
    rig_cleanup(&r);
}

static void test_special_mask(void)
{
    PicRig r;
    if (!rig_init(&r)) {
        return;
    }
    pic_setup(&r, 0x08, 0x70, 0x01);
    irq_set(r.irqs[1], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x09);
    irq_set(r.irqs[3], 1);
    CHECK_EQ(r.intr.level, 0);
    /* The handler masks itself and enters special mask mode. */
    outb(&r.tb, 0x21, 0x02);
    outb(&r.tb, 0x20, 0x68);
    CHECK_EQ(r.intr.level, 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x0b);
    CHECK_EQ(read_isr(&r, 0x20), 0x0a);
    /* A non-specific EOI skips the masked in-service level. */
    outb(&r.tb, 0x20, 0x20);
    CHECK_EQ(read_isr(&r, 0x20), 0x02);
    /* Leave special mask mode: IRQ3 is blocked by IRQ1 again. */
    outb(&r.tb, 0x20, 0x48);
    irq_set(r.irqs[3], 0);
    irq_set(r.irqs[3], 1);
    outb(&r.tb, 0x21, 0x00);
    CHECK_EQ(r.intr.level, 0);
    outb(&r.tb, 0x20, 0x20);
    CHECK_EQ(r.intr.level, 1);
    rig_cleanup(&r);
}

static void test_level_elcr(void)
{
    PicRig r;
    if (!rig_init(&r)) {
        return;
    }
    pic_setup(&r, 0x08, 0x70, 0x01);
    /* IRQ 0, 1, 2, 8 and 13 are always edge. */
    outb(&r.tb, 0x4d0, 0xff);
    outb(&r.tb, 0x4d1, 0xff);
    CHECK_EQ(inb(&r.tb, 0x4d0), 0xf8);
    CHECK_EQ(inb(&r.tb, 0x4d1), 0xde);
    outb(&r.tb, 0x4d0, 0x00);
    outb(&r.tb, 0x4d1, 0x0c); /* IRQ10 and IRQ11 level (PCI INTx) */

    irq_set(r.irqs[10], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x72);
    CHECK_EQ(read_irr(&r, 0xa0), 0x04); /* level: stays requested */
    outb(&r.tb, 0xa0, 0x20);
    outb(&r.tb, 0x20, 0x20);
    /* Still asserted: interrupts again. */
    CHECK_EQ(r.intr.level, 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x72);
    irq_set(r.irqs[10], 0);
    CHECK_EQ(read_irr(&r, 0xa0), 0x00);
    outb(&r.tb, 0xa0, 0x20);
    outb(&r.tb, 0x20, 0x20);
    CHECK_EQ(r.intr.level, 0);

    /* An edge line held high interrupts once. */
    irq_set(r.irqs[9], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x71);
    outb(&r.tb, 0xa0, 0x20);
    outb(&r.tb, 0x20, 0x20);
    CHECK_EQ(r.intr.level, 0);
    CHECK_EQ(read_irr(&r, 0xa0), 0x00);
    /* Making a held-high line level triggered requests at once. */
    outb(&r.tb, 0x4d1, 0x0e);
    CHECK_EQ(read_irr(&r, 0xa0), 0x02);
    CHECK_EQ(r.intr.level, 1);
    rig_cleanup(&r);
}

static void test_edge(void)
{
    PicRig r;
    if (!rig_init(&r)) {
        return;
    }
    pic_setup(&r, 0x08, 0x70, 0x01);
    /* A pulse latches IRR: devices that pulse their line are served. */
    irq_pulse(r.irqs[4]);
    CHECK_EQ(r.intr.level, 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x0c);
    outb(&r.tb, 0x20, 0x20);
    /* Two rising edges before service are one interrupt. */
    irq_pulse(r.irqs[4]);
    irq_pulse(r.irqs[4]);
    CHECK_EQ(pic_read_irq(r.pic), 0x0c);
    outb(&r.tb, 0x20, 0x20);
    CHECK_EQ(r.intr.level, 0);
    /* An edge while in service is kept and served after the EOI. */
    irq_pulse(r.irqs[4]);
    CHECK_EQ(pic_read_irq(r.pic), 0x0c);
    irq_pulse(r.irqs[4]);
    CHECK_EQ(r.intr.level, 0);
    outb(&r.tb, 0x20, 0x20);
    CHECK_EQ(r.intr.level, 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x0c);
    CHECK(r.intr.raises >= 4);
    rig_cleanup(&r);
}

static void test_spurious(void)
{
    PicRig r;
    if (!rig_init(&r)) {
        return;
    }
    pic_setup(&r, 0x08, 0x70, 0x01);
    /* A level request that went away before INTA: IRQ7's vector. */
    outb(&r.tb, 0x4d0, 0x20);
    irq_set(r.irqs[5], 1);
    CHECK_EQ(r.intr.level, 1);
    irq_set(r.irqs[5], 0);
    CHECK_EQ(r.intr.level, 0);
    CHECK_EQ(pic_read_irq(r.pic), 0x0f);
    CHECK_EQ(read_isr(&r, 0x20), 0x00); /* no ISR bit for a spurious 7 */

    /* Masked between INTR and INTA. */
    irq_set(r.irqs[4], 1);
    outb(&r.tb, 0x21, 0x10);
    CHECK_EQ(pic_read_irq(r.pic), 0x0f);
    outb(&r.tb, 0x21, 0x00);
    CHECK_EQ(pic_read_irq(r.pic), 0x0c);
    outb(&r.tb, 0x20, 0x20);

    /* On the slave: spurious 15, with the master's IR2 in service. */
    outb(&r.tb, 0x4d1, 0x08);
    irq_set(r.irqs[11], 1);
    irq_set(r.irqs[11], 0);
    CHECK_EQ(pic_read_irq(r.pic), 0x77);
    CHECK_EQ(read_isr(&r, 0xa0), 0x00);
    CHECK_EQ(read_isr(&r, 0x20), 0x04);
    outb(&r.tb, 0x20, 0x20);
    CHECK_EQ(read_isr(&r, 0x20), 0x00);
    rig_cleanup(&r);
}

static void test_icw1_reinit(void)
{
    PicRig r;
    if (!rig_init(&r)) {
        return;
    }
    pic_setup(&r, 0x08, 0x70, 0x01);
    outb(&r.tb, 0x21, 0xf0);
    irq_set(r.irqs[1], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x09);
    outb(&r.tb, 0x20, 0x0b); /* read ISR, to see ICW1 reset it to IRR */
    irq_set(r.irqs[3], 1);
    pic_setup(&r, 0x20, 0x28, 0x01);
    CHECK_EQ(inb(&r.tb, 0x21), 0x00);
    CHECK_EQ(inb(&r.tb, 0x20), 0x00); /* IRR (edge sense reset), not ISR */
    CHECK_EQ(read_isr(&r, 0x20), 0x00);
    CHECK_EQ(r.intr.level, 0); /* held lines need a new edge */
    irq_set(r.irqs[3], 0);
    irq_set(r.irqs[3], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x23);

    /* Single mode: ICW1 0x13 skips ICW3, so the third byte is ICW4... */
    outb(&r.tb, 0x20, 0x13);
    outb(&r.tb, 0x21, 0x40);
    outb(&r.tb, 0x21, 0x03); /* ICW4: 8086 + auto-EOI */
    outb(&r.tb, 0x21, 0x5a); /* ...and this one OCW1 */
    CHECK_EQ(inb(&r.tb, 0x21), 0x5a);
    outb(&r.tb, 0x21, 0x00);
    /* ...and IR2 is a plain input: no cascade cycle to the slave. */
    irq_set(r.irqs[2], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x42);
    CHECK_EQ(read_isr(&r, 0x20), 0x00); /* auto-EOI from ICW4 */
    rig_cleanup(&r);
}

static void test_special_fully_nested(void)
{
    PicRig r;
    if (!rig_init(&r)) {
        return;
    }
    /* Without SFNM, a higher slave request waits for the master's EOI. */
    pic_setup(&r, 0x08, 0x70, 0x01);
    irq_set(r.irqs[12], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x74);
    irq_set(r.irqs[8], 1);
    CHECK_EQ(r.intr.level, 0);
    irq_set(r.irqs[8], 0);
    irq_set(r.irqs[12], 0);

    /* With SFNM on the master it nests. */
    pic_setup(&r, 0x08, 0x70, 0x01);
    outb(&r.tb, 0x20, 0x11);
    outb(&r.tb, 0x21, 0x08);
    outb(&r.tb, 0x21, 0x04);
    outb(&r.tb, 0x21, 0x11);
    irq_set(r.irqs[12], 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x74);
    irq_set(r.irqs[8], 1);
    CHECK_EQ(r.intr.level, 1);
    CHECK_EQ(pic_read_irq(r.pic), 0x70);
    CHECK_EQ(read_isr(&r, 0xa0), 0x11);
    /* IRQ3 is still below the in-service IR2. */
    irq_set(r.irqs[3], 1);
    CHECK_EQ(r.intr.level, 0);
    rig_cleanup(&r);
}

static void test_intr_output_and_dump(void)
{
    PicRig r;
    if (!rig_init(&r)) {
        return;
    }
    /* Power-on: nothing requested, INTR low. */
    CHECK_EQ(r.intr.level, 0);
    CHECK_EQ(pic_get_output(r.pic), 0);
    pic_setup(&r, 0x08, 0x70, 0x01);
    int raises = r.intr.raises;
    irq_set(r.irqs[7], 1);
    CHECK_EQ(r.intr.raises, raises + 1);
    CHECK_EQ(pic_get_output(r.pic), 1);
    outb(&r.tb, 0x21, 0x80);
    CHECK_EQ(r.intr.level, 0);
    outb(&r.tb, 0x21, 0x00);
    CHECK_EQ(r.intr.raises, raises + 2);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pic_dump(f, r.pic);
    fclose(f);
    CHECK(strstr(buf, "pic0: irr=80 imr=00 isr=00") != NULL);
    CHECK(strstr(buf, "pic1: ") != NULL);
    free(buf);

    /* Device reset: back to the power-on state. */
    device_reset((DeviceState *)r.pic);
    CHECK_EQ(r.intr.level, 0);
    CHECK_EQ(inb(&r.tb, 0x4d0), 0x00);
    rig_cleanup(&r);
}

/*
 * Before ICW1 every input is masked (the datasheet leaves that state
 * undefined; Bochs masks): the PIT's IRQ0 does not reach a program that
 * runs STI before initialising the chip (test386).  ICW1 clears the IMR.
 */
static void test_power_on_masked(void)
{
    PicRig r;
    if (!rig_init(&r)) {
        return;
    }
    CHECK_EQ(inb(&r.tb, 0x21), 0xff);
    CHECK_EQ(inb(&r.tb, 0xa1), 0xff);
    irq_set(r.irqs[0], 1);
    CHECK_EQ(r.intr.level, 0);
    CHECK_EQ(pic_get_output(r.pic), 0);
    irq_set(r.irqs[0], 0);
    pic_setup(&r, 0x08, 0x70, 0x01);
    CHECK_EQ(inb(&r.tb, 0x21), 0x00);
    irq_set(r.irqs[0], 1);
    CHECK_EQ(r.intr.level, 1);
    /* A device reset masks again. */
    device_reset((DeviceState *)r.pic);
    CHECK_EQ(inb(&r.tb, 0x21), 0xff);
    CHECK_EQ(r.intr.level, 0);
    rig_cleanup(&r);
}

/* A lone chip, created by name as -device would, has its ports. */
static void test_lone_chip(void)
{
    TestBus tb;
    test_bus_init(&tb);
    DeviceState *d = test_device(&tb, "isa-i8259",
                                 "iobase=0x20,elcr_addr=0x4d0,master=on");
    CHECK(d != NULL);
    outb(&tb, 0x20, 0x11);
    outb(&tb, 0x21, 0x08);
    outb(&tb, 0x21, 0x04);
    outb(&tb, 0x21, 0x01);
    outb(&tb, 0x21, 0xa5);
    CHECK_EQ(inb(&tb, 0x21), 0xa5);
    outb(&tb, 0x4d0, 0xff);
    CHECK_EQ(inb(&tb, 0x4d0), 0xf8);
    CHECK_EQ(pic_read_irq((PICState *)d), 0x0f);
    test_bus_cleanup(&tb);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_init_and_vectors);
    TEST_RUN(test_mask);
    TEST_RUN(test_priority_and_nesting);
    TEST_RUN(test_rotation);
    TEST_RUN(test_auto_eoi);
    TEST_RUN(test_poll);
    TEST_RUN(test_special_mask);
    TEST_RUN(test_level_elcr);
    TEST_RUN(test_edge);
    TEST_RUN(test_spurious);
    TEST_RUN(test_icw1_reinit);
    TEST_RUN(test_special_fully_nested);
    TEST_RUN(test_intr_output_and_dump);
    TEST_RUN(test_lone_chip);
    TEST_RUN(test_power_on_masked);
    return test_finish();
}
