/*
 * PCI core: BAR sizing and mapping (I/O, 32- and 64-bit memory, expansion
 * ROM), the command register enables, INTx with its disable bit and status
 * bit, devfn allocation, reset and "info pci", on the i440FX/PIIX3 fixture.
 */
#include "tests/unit/pci-fixture.h"

#include "tests/unit/pci-testdev.h"

static TestPCIDev *tdev_new(PCFixture *f, const char *addr)
{
    Error *err = NULL;
    DeviceState *dev = device_new("test-pci-dev");
    if (addr && device_set_prop(dev, "addr", addr, &err) < 0) {
        test_fail(__FILE__, __LINE__, "%s", error_get_pretty(err));
        error_free(err);
        device_free(dev);
        return NULL;
    }
    if (device_realize(dev, &f->bus->qbus, &err) < 0) {
        test_fail(__FILE__, __LINE__, "%s", error_get_pretty(err));
        error_free(err);
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return container_of(dev, TestPCIDev, pci.parent);
}

#define TDEV PCI_DEVFN(3, 0)

static void test_bar_sizing(void)
{
    PCFixture f;
    fixture_init(&f);
    TestPCIDev *d = tdev_new(&f, "3");
    CHECK(d != NULL);
    if (!d) {
        fixture_cleanup(&f);
        return;
    }
    CHECK_EQ(d->pci.devfn, TDEV);
    CHECK_EQ(cfg_read(&f, TDEV, 0x00, 4), 0x56781234);

    /* Type bits before sizing. */
    CHECK_EQ(cfg_read(&f, TDEV, 0x10, 4), 0x00000001);
    CHECK_EQ(cfg_read(&f, TDEV, 0x14, 4), 0x00000000);
    CHECK_EQ(cfg_read(&f, TDEV, 0x18, 4), 0x0000000c);

    /* Write all ones, read back the size mask with the type bits. */
    for (int bar = 0x10; bar <= 0x24; bar += 4) {
        cfg_write(&f, TDEV, bar, 4, 0xffffffff);
    }
    CHECK_EQ(cfg_read(&f, TDEV, 0x10, 4), 0xffffffe1); /* 32 bytes I/O */
    CHECK_EQ(cfg_read(&f, TDEV, 0x14, 4), 0xfffff000); /* 4 KiB memory */
    CHECK_EQ(cfg_read(&f, TDEV, 0x18, 4), 0xfff0000c); /* 1 MiB, 64, pref */
    CHECK_EQ(cfg_read(&f, TDEV, 0x1c, 4), 0xffffffff); /* upper half */
    CHECK_EQ(cfg_read(&f, TDEV, 0x20, 4), 0x00000000); /* unimplemented */
    CHECK_EQ(cfg_read(&f, TDEV, 0x24, 4), 0x00000000);
    cfg_write(&f, TDEV, 0x30, 4, 0xfffff800);
    CHECK_EQ(cfg_read(&f, TDEV, 0x30, 4), 0xffff0000); /* 64 KiB ROM */
    cfg_write(&f, TDEV, 0x30, 4, 0xffffffff);
    CHECK_EQ(cfg_read(&f, TDEV, 0x30, 4), 0xffff0001);

    /* Sizing while decoding is off maps nothing. */
    CHECK_EQ(d->pci.bars[0].addr, PCI_BAR_UNMAPPED);
    CHECK_EQ(d->pci.bars[1].addr, PCI_BAR_UNMAPPED);
    CHECK_EQ(d->pci.bars[PCI_ROM_SLOT].addr, PCI_BAR_UNMAPPED);

    /* Byte and word writes into a BAR. */
    cfg_write(&f, TDEV, 0x14, 4, 0);
    cfg_write(&f, TDEV, 0x16, 2, 0xfebf);
    cfg_write(&f, TDEV, 0x15, 1, 0x12); /* bits 11:8 are size bits */
    CHECK_EQ(cfg_read(&f, TDEV, 0x14, 4), 0xfebf1000);

    device_free(&d->pci.parent);
    fixture_cleanup(&f);
}

static void test_bar_mapping(void)
{
    PCFixture f;
    fixture_init(&f);
    TestPCIDev *d = tdev_new(&f, "03.0");
    if (!d) {
        fixture_cleanup(&f);
        return;
    }

    /* I/O BAR: programmed but decoding off. */
    cfg_write(&f, TDEV, 0x10, 4, 0xc000);
    d->io_regs[5] = 0x42;
    CHECK_EQ(inb(&f.tb, 0xc005), 0xff);
    cfg_write(&f, TDEV, PCI_COMMAND, 2, PCI_COMMAND_IO);
    CHECK_EQ(d->pci.bars[0].addr, 0xc000);
    CHECK_EQ(inb(&f.tb, 0xc005), 0x42);
    outb(&f.tb, 0xc01f, 0x99);
    CHECK_EQ(d->io_regs[31], 0x99);
    CHECK_EQ(inb(&f.tb, 0xc020), 0xff);
    /* Move it. */
    cfg_write(&f, TDEV, 0x10, 4, 0xc11d);
    CHECK_EQ(cfg_read(&f, TDEV, 0x10, 4), 0xc101);
    CHECK_EQ(inb(&f.tb, 0xc005), 0xff);
    CHECK_EQ(inb(&f.tb, 0xc105), 0x42);
    /* The memory BAR does not follow the I/O enable. */
    cfg_write(&f, TDEV, 0x14, 4, 0xfebf0000);
    CHECK_EQ(mem_read(&f, 0xfebf0010, 4), 0xffffffff);
    CHECK_EQ(d->pci.bars[1].addr, PCI_BAR_UNMAPPED);

    /* Memory enable: 32-bit BAR, 64-bit BAR below 4 GiB, ROM off. */
    cfg_write(&f, TDEV, 0x18, 4, 0xe0000000);
    cfg_write(&f, TDEV, 0x1c, 4, 0);
    d->mem64.ram[0x1234] = 0x6b;
    cfg_write(&f, TDEV, 0x30, 4, 0xfeb00000);
    cfg_write(&f, TDEV, PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
    CHECK_EQ(mem_read(&f, 0xfebf0010, 4), 0xabcd0010);
    CHECK_EQ(mem_read(&f, 0xe0001234, 1), 0x6b);
    mem_write(&f, 0xe0000010, 4, 0xdeadbeef);
    CHECK_EQ(ldl_le_p(d->mem64.ram + 0x10), 0xdeadbeef);
    CHECK_EQ(mem_read(&f, 0xfeb00000, 1), 0xff); /* ROM not enabled */
    CHECK_EQ(d->pci.bars[PCI_ROM_SLOT].addr, PCI_BAR_UNMAPPED);

    /* ROM enable bit. */
    cfg_write(&f, TDEV, 0x30, 4, 0xfeb00001);
    CHECK_EQ(d->pci.bars[PCI_ROM_SLOT].addr, 0xfeb00000);
    CHECK_EQ(mem_read(&f, 0xfeb00000, 1), 0xaa);
    CHECK_EQ(mem_read(&f, 0xfeb0ffff, 1), 0x55);
    mem_write(&f, 0xfeb00000, 1, 0x00); /* ROM: write ignored */
    CHECK_EQ(mem_read(&f, 0xfeb00000, 1), 0xaa);

    /* 64-bit BAR moved above 4 GiB: gone from the 4 GiB space. */
    cfg_write(&f, TDEV, 0x1c, 4, 0x1);
    CHECK_EQ(d->pci.bars[2].addr, 0x1e0000000ULL);
    CHECK_EQ(mem_read(&f, 0xe0001234, 1), 0xff);
    cfg_write(&f, TDEV, 0x1c, 4, 0x0);
    CHECK_EQ(mem_read(&f, 0xe0001234, 1), 0x6b);

    /* Address 0 counts as unassigned. */
    cfg_write(&f, TDEV, 0x14, 4, 0);
    CHECK_EQ(d->pci.bars[1].addr, PCI_BAR_UNMAPPED);
    cfg_write(&f, TDEV, 0x14, 4, 0xfebf0000);

    /* Memory decode off: memory BARs and ROM go, the I/O BAR stays. */
    cfg_write(&f, TDEV, PCI_COMMAND, 2, PCI_COMMAND_IO);
    CHECK_EQ(mem_read(&f, 0xfebf0010, 4), 0xffffffff);
    CHECK_EQ(mem_read(&f, 0xe0001234, 1), 0xff);
    CHECK_EQ(mem_read(&f, 0xfeb00000, 1), 0xff);
    CHECK_EQ(inb(&f.tb, 0xc105), 0x42);

    /* Reset: command cleared, BARs back to their type bits, unmapped. */
    device_reset(&d->pci.parent);
    CHECK_EQ(cfg_read(&f, TDEV, PCI_COMMAND, 2), 0);
    CHECK_EQ(cfg_read(&f, TDEV, 0x10, 4), 1);
    CHECK_EQ(inb(&f.tb, 0xc105), 0xff);
    CHECK_EQ(d->pci.bars[0].addr, PCI_BAR_UNMAPPED);

    /* Detach removes any mapping. */
    cfg_write(&f, TDEV, 0x10, 4, 0xc000);
    cfg_write(&f, TDEV, PCI_COMMAND, 2, PCI_COMMAND_IO);
    CHECK_EQ(inb(&f.tb, 0xc005), 0x42);
    device_free(&d->pci.parent);
    CHECK_EQ(inb(&f.tb, 0xc005), 0xff);
    CHECK(pci_find_device(f.bus, TDEV) == NULL);
    fixture_cleanup(&f);
}

/* Direct boot's stand-in for the BIOS: PIRQs routed, interrupt lines
 * written with the IRQ each device's pin reaches. */
static void test_pirq_firmware_setup(void)
{
    static const uint8_t irqs[4] = {10, 10, 11, 11};
    PCFixture f;
    fixture_init(&f);
    TestPCIDev *a = tdev_new(&f, "3"); /* INTA -> PIRQC */
    TestPCIDev *b = tdev_new(&f, "5"); /* INTB -> PIRQA (below) */
    if (!a || !b) {
        fixture_cleanup(&f);
        return;
    }
    b->pci.config[PCI_INTERRUPT_PIN] = 2;
    CHECK_EQ(cfg_read(&f, PCI_DEVFN(1, 0), 0x60, 4), 0x80808080);

    piix3_firmware_setup(f.piix3, irqs);
    CHECK_EQ(cfg_read(&f, PCI_DEVFN(1, 0), 0x60, 4), 0x0b0b0a0a);
    CHECK_EQ(cfg_read(&f, PCI_DEVFN(3, 0), PCI_INTERRUPT_LINE, 1), 11);
    CHECK_EQ(cfg_read(&f, PCI_DEVFN(5, 0), PCI_INTERRUPT_LINE, 1), 10);
    /* The PM function's INTA (slot 1) -> PIRQA. */
    CHECK_EQ(cfg_read(&f, PCI_DEVFN(1, 3), PCI_INTERRUPT_LINE, 1), 10);
    /* No pin, no line written. */
    CHECK_EQ(cfg_read(&f, PCI_DEVFN(1, 0), PCI_INTERRUPT_LINE, 1), 0);

    /* And the routes are live: slot 3's INTA raises IRQ 11. */
    pci_set_irq(&a->pci, 1);
    CHECK_EQ(f.tb.irq[11].level, 1);
    pci_set_irq(&a->pci, 0);
    CHECK_EQ(f.tb.irq[11].level, 0);
    device_free(&b->pci.parent);
    device_free(&a->pci.parent);
    fixture_cleanup(&f);
}

static void test_intx(void)
{
    PCFixture f;
    fixture_init(&f);
    TestPCIDev *a = tdev_new(&f, "3");   /* INTA -> PIRQ (3+0-1)&3 = C */
    TestPCIDev *b = tdev_new(&f, "4");   /* INTA -> PIRQ D */
    if (!a || !b) {
        fixture_cleanup(&f);
        return;
    }
    IRQProbe *irq = f.tb.irq;

    /* Swizzle as on QEMU's pc. */
    CHECK_EQ(f.bus->map_irq(&a->pci, 0), 2);
    CHECK_EQ(f.bus->map_irq(&a->pci, 3), 1);
    CHECK_EQ(f.bus->map_irq(&b->pci, 0), 3);
    CHECK_EQ(f.bus->map_irq(&b->pci, 1), 0);

    /* Not routed (reset value 0x80): nothing reaches the PIC. */
    pci_set_irq(&a->pci, 1);
    CHECK_EQ(f.bus->irq_count[2], 1);
    for (int i = 0; i < 16; i++) {
        CHECK_EQ(irq[i].level, 0);
    }
    CHECK(cfg_read(&f, TDEV, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);

    /* PIRQC -> IRQ 11, as SeaBIOS programs it. */
    cfg_write(&f, PCI_DEVFN(1, 0), 0x62, 1, 11);
    CHECK_EQ(irq[11].level, 1);
    pci_set_irq(&a->pci, 0);
    CHECK_EQ(irq[11].level, 0);
    CHECK(!(cfg_read(&f, TDEV, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT));

    /* INTx disable masks delivery but not the status bit. */
    pci_set_irq(&a->pci, 1);
    CHECK_EQ(irq[11].level, 1);
    cfg_write(&f, TDEV, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
    CHECK_EQ(irq[11].level, 0);
    CHECK(cfg_read(&f, TDEV, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    pci_set_irq(&a->pci, 0);
    pci_set_irq(&a->pci, 1);
    CHECK_EQ(irq[11].level, 0);
    cfg_write(&f, TDEV, PCI_COMMAND, 2, 0);
    CHECK_EQ(irq[11].level, 1);

    /* Two PIRQs on one ISA IRQ: the line is their OR. */
    cfg_write(&f, PCI_DEVFN(1, 0), 0x63, 1, 11);
    pci_set_irq(&b->pci, 1);
    CHECK_EQ(irq[11].level, 1);
    pci_set_irq(&a->pci, 0);
    CHECK_EQ(irq[11].level, 1);
    pci_set_irq(&b->pci, 0);
    CHECK_EQ(irq[11].level, 0);

    /* Two devices on one PIRQ: counted. */
    b->pci.config[PCI_INTERRUPT_PIN] = 4; /* INTD of slot 4 -> PIRQ C */
    pci_set_irq(&a->pci, 1);
    pci_set_irq(&b->pci, 1);
    CHECK_EQ(f.bus->irq_count[2], 2);
    pci_set_irq(&a->pci, 0);
    CHECK_EQ(irq[11].level, 1);
    pci_set_irq(&b->pci, 0);
    CHECK_EQ(irq[11].level, 0);
    CHECK_EQ(f.bus->irq_count[2], 0);

    /* Rerouting moves an asserted line; disabling drops it. */
    pci_set_irq(&a->pci, 1);
    cfg_write(&f, PCI_DEVFN(1, 0), 0x62, 1, 10);
    CHECK_EQ(irq[11].level, 0);
    CHECK_EQ(irq[10].level, 1);
    cfg_write(&f, PCI_DEVFN(1, 0), 0x62, 1, 0x8a);
    CHECK_EQ(irq[10].level, 0);
    /* Reserved targets (IRQ 2, 13) are not driven. */
    cfg_write(&f, PCI_DEVFN(1, 0), 0x62, 1, 2);
    CHECK_EQ(irq[2].level, 0);
    cfg_write(&f, PCI_DEVFN(1, 0), 0x62, 1, 5);
    CHECK_EQ(irq[5].level, 1);

    /* Device reset deasserts. */
    device_reset(&a->pci.parent);
    CHECK_EQ(irq[5].level, 0);
    CHECK_EQ(f.bus->irq_count[2], 0);

    device_free(&b->pci.parent);
    device_free(&a->pci.parent);
    fixture_cleanup(&f);
}

static void test_devfn(void)
{
    PCFixture f;
    fixture_init(&f);
    Error *err = NULL;

    /* First free slot: 0 and 1 are the chipset. */
    TestPCIDev *a = tdev_new(&f, NULL);
    CHECK(a && a->pci.devfn == PCI_DEVFN(2, 0));
    TestPCIDev *b = tdev_new(&f, "05.2");
    CHECK(b && b->pci.devfn == PCI_DEVFN(5, 2));
    CHECK(pci_find_device(f.bus, PCI_DEVFN(5, 2)) == &b->pci);

    /* An address in use is refused. */
    DeviceState *c = device_new("test-pci-dev");
    device_set_prop(c, "addr", "1.0", NULL);
    CHECK(device_realize(c, &f.bus->qbus, &err) < 0);
    CHECK(err != NULL && strstr(error_get_pretty(err), "in use"));
    error_free(err);
    device_free(c);
    CHECK(pci_find_device(f.bus, PCI_DEVFN(1, 0)) ==
          piix3_pci_device(f.piix3));

    /* info pci */
    char *buf = NULL;
    size_t len = 0;
    FILE *mf = open_memstream(&buf, &len);
    cfg_write(&f, PCI_DEVFN(5, 2), 0x10, 4, 0xc040);
    cfg_write(&f, PCI_DEVFN(5, 2), PCI_COMMAND, 2, PCI_COMMAND_IO);
    pci_bus_dump(mf, f.bus);
    fclose(mf);
    CHECK(strstr(buf, "Host bridge: PCI device 8086:1237") != NULL);
    CHECK(strstr(buf, "ISA bridge: PCI device 8086:7000") != NULL);
    CHECK(strstr(buf, "device   5, function 2") != NULL);
    CHECK(strstr(buf, "BAR0: I/O at 0xc040 [0xc05f].") != NULL);
    free(buf);

    device_free(&b->pci.parent);
    device_free(&a->pci.parent);
    fixture_cleanup(&f);
}

/* A config space loaded from a saved state: the bus's INTx counts follow
 * its status and INTx-disable bits, not what the device drove before. */
static void test_intx_post_load(void)
{
    PCFixture f;
    fixture_init(&f);
    TestPCIDev *a = tdev_new(&f, "3"); /* INTA -> PIRQ C */
    if (!a) {
        fixture_cleanup(&f);
        return;
    }
    IRQProbe *irq = f.tb.irq;
    cfg_write(&f, PCI_DEVFN(1, 0), 0x62, 1, 11);

    /* Saved: asserting, but INTx disabled.  Running: asserting, enabled. */
    pci_set_irq(&a->pci, 1);
    cfg_write(&f, TDEV, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
    uint8_t saved[256];
    memcpy(saved, a->pci.config, 256);
    cfg_write(&f, TDEV, PCI_COMMAND, 2, 0);
    CHECK_EQ(irq[11].level, 1);
    memcpy(a->pci.config, saved, 256);
    pci_device_post_load(&a->pci);
    CHECK_EQ(f.bus->irq_count[2], 0);
    CHECK_EQ(irq[11].level, 0);
    /* The guest enables INTx again: the saved assertion shows. */
    cfg_write(&f, TDEV, PCI_COMMAND, 2, 0);
    CHECK_EQ(irq[11].level, 1);
    CHECK_EQ(f.bus->irq_count[2], 1);

    /* Saved: idle.  Running: asserting.  The line drops with the load. */
    pci_set_irq(&a->pci, 0);
    memcpy(saved, a->pci.config, 256);
    pci_set_irq(&a->pci, 1);
    memcpy(a->pci.config, saved, 256);
    pci_device_post_load(&a->pci);
    CHECK_EQ(irq[11].level, 0);
    CHECK_EQ(f.bus->irq_count[2], 0);
    pci_set_irq(&a->pci, 1); /* and the device can raise it again */
    CHECK_EQ(irq[11].level, 1);
    pci_set_irq(&a->pci, 0);
    CHECK_EQ(irq[11].level, 0);
    device_free(&a->pci.parent);
    fixture_cleanup(&f);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_bar_sizing);
    TEST_RUN(test_bar_mapping);
    TEST_RUN(test_intx);
    TEST_RUN(test_intx_post_load);
    TEST_RUN(test_pirq_firmware_setup);
    TEST_RUN(test_devfn);
    return test_finish();
}
