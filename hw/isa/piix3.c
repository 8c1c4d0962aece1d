/*
 * Intel 82371SB PIIX3, function 0: PCI-to-ISA bridge.
 *
 * Datasheet: 82371FB (PIIX) and 82371SB (PIIX3) PCI ISA IDE Xcelerator,
 * section 2.2 (function 0 configuration registers), 2.2.13 PIRQRC[A:D]
 * (0x60-0x63), 2.3.x for the Reset Control Register at port 0xCF9.
 *
 * What is modelled: the configuration header (8086:7000, class 0601, multi-
 * function), the PIRQ route control registers that steer PCI INTA-D to ISA
 * IRQs, and the reset control register.  The ISA bus itself, the DMA
 * controller, PIC, PIT and RTC are separate devices; the ELCR belongs to the
 * i8259 model.  Other function-0 registers (ISA clock, XBCS, ...) keep
 * what the guest writes and have no effect.
 *
 * PIRQ wiring on QEMU's pc (and here): slot s, pin p (0 = INTA) drives
 * PIRQ (s + p - 1) & 3.  Several PIRQs may share one ISA IRQ; the line is
 * the OR of them (they are level-triggered, active high at the PIC input).
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/main-loop.h"
#include "emu/trace.h"
#include "hw/isa/piix3.h"

#define PCI_VENDOR_ID_INTEL           0x8086
#define PCI_DEVICE_ID_INTEL_82371SB_0 0x7000
#define PIIX3_CLASS_REV               0x06010000 /* ISA bridge, rev 00 */

#define PIRQRC_DISABLE  0x80
#define PIRQRC_IRQ_MASK 0x0f
/* ISA IRQs a PIRQ may be steered to (the others are reserved values). */
#define PIRQRC_VALID_IRQS 0xdef8 /* 3-7, 9-12, 14, 15 */

#define RCR_SRST 0x02 /* system reset (hard) vs CPU only (soft) */
#define RCR_RCPU 0x04 /* reset CPU */

struct PIIX3State {
    PCIDevice pci;
    ISABus *isa; /* wiring from piix3_init */
    MemoryRegion rcr_io;
    uint8_t rcr;
    /* Derived state, rebuilt from the bus after load. */
    uint8_t pirq_level; /* PIRQs asserted on the PCI bus */
    uint16_t isa_level; /* ISA IRQs this bridge drives high */
};

static void piix3_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                               int len);

/* ---- PIRQ routing ----------------------------------------------------- */

static void piix3_update_isa_irqs(PIIX3State *s)
{
    uint16_t level = 0;

    for (int n = 0; n < PIIX3_NUM_PIRQS; n++) {
        uint8_t route = s->pci.config[PIIX3_PIRQRC + n];
        int irq = route & PIRQRC_IRQ_MASK;
        if (!(s->pirq_level & (1 << n)) || (route & PIRQRC_DISABLE)) {
            continue;
        }
        if (!(PIRQRC_VALID_IRQS & (1 << irq))) {
            log_mask(LOG_GUEST_ERROR,
                     "piix3: PIRQ%c routed to reserved "
                     "IRQ %d\n",
                     'A' + n, irq);
            continue;
        }
        level |= 1 << irq;
    }
    uint16_t changed = level ^ s->isa_level;
    s->isa_level = level;
    for (int irq = 0; irq < 16; irq++) {
        if (changed & (1 << irq)) {
            irq_set(isa_get_irq(s->isa, irq), (level >> irq) & 1);
        }
    }
}

static int piix3_map_irq(PCIDevice *d, int pin)
{
    return piix3_pirq(PCI_SLOT(d->devfn), pin);
}

static void piix3_set_irq(void *opaque, int pirq, int level)
{
    PIIX3State *s = opaque;
    if (pirq < 0 || pirq >= PIIX3_NUM_PIRQS) {
        return;
    }
    if (level) {
        s->pirq_level |= 1 << pirq;
    } else {
        s->pirq_level &= ~(1 << pirq);
    }
    piix3_update_isa_irqs(s);
}

void piix3_firmware_setup(PIIX3State *s, const uint8_t irq[PIIX3_NUM_PIRQS])
{
    PCIBus *bus = s->pci.bus;

    for (int n = 0; n < PIIX3_NUM_PIRQS; n++) {
        piix3_config_write(&s->pci, PIIX3_PIRQRC + n, irq[n], 1);
    }
    /* Through the configuration mechanism, as firmware does, so each
     * device's own config hook sees the write. */
    for (int devfn = 0; devfn < 256; devfn++) {
        PCIDevice *d = pci_find_device(bus, devfn);
        int pin = d ? d->config[PCI_INTERRUPT_PIN] : 0;
        if (pin >= 1 && pin <= 4) {
            uint32_t cf8 = 0x80000000u | devfn << 8 | PCI_INTERRUPT_LINE;
            pci_host_config_write(bus, cf8,
                                  irq[piix3_pirq(PCI_SLOT(devfn), pin - 1)], 1);
        }
    }
}

/* ---- Reset control register (0xCF9) ----------------------------------- */

static uint64_t rcr_read_do(void *opaque, uint64_t addr, unsigned size)
{
    PIIX3State *s = opaque;
    return s->rcr;
}

static uint64_t rcr_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = rcr_read_do(opaque, addr, size);
    trace(piix3_rcr_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void rcr_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    trace(piix3_rcr_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    PIIX3State *s = opaque;
    if (val & RCR_RCPU) {
        /*
         * Deviation: a soft reset (SRST clear) should reset only the CPU
         * (INIT); both kinds reset the whole machine here, as in QEMU.
         */
        system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        return;
    }
    s->rcr = val & RCR_SRST;
}

static const MemoryRegionOps rcr_ops = {
    .read = rcr_read,
    .write = rcr_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
};

/* ---- Config space ----------------------------------------------------- */

static void piix3_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                               int len)
{
    PIIX3State *s = container_of(d, PIIX3State, pci);
    pci_default_config_write(d, addr, val, len);
    if (addr < PIIX3_PIRQRC + PIIX3_NUM_PIRQS && addr + len > PIIX3_PIRQRC) {
        piix3_update_isa_irqs(s);
    }
}

/* ---- Reset, state, realize -------------------------------------------- */

static void piix3_reset(DeviceState *dev)
{
    PIIX3State *s = container_of(dev, PIIX3State, pci.parent);
    uint8_t *c = s->pci.config;

    pci_device_reset(&s->pci);
    /* Power-on values from the datasheet's register tables. */
    stw_le_p(c + PCI_COMMAND,
             PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    stw_le_p(c + PCI_STATUS, 0x0200); /* DEVSEL medium */
    memset(c + 0x40, 0, 256 - 0x40);
    c[0x4c] = 0x4d; /* IORT: ISA I/O recovery */
    c[0x4e] = 0x03; /* XBCS: BIOS and keyboard controller enabled */
    for (int n = 0; n < PIIX3_NUM_PIRQS; n++) {
        c[PIIX3_PIRQRC + n] = PIRQRC_DISABLE;
    }
    c[0x69] = 0x02; /* TOM: top of memory 1 MiB */
    c[0x70] = 0x80; /* MBIRQ0 disabled */
    c[0x76] = 0x0c; /* MBDMA0/1: channel 4 = none */
    c[0x77] = 0x0c;
    c[0x78] = 0x02; /* PCSC */
    c[0xa0] = 0x08; /* SMICNTL */
    c[0xa8] = 0x0f; /* SEE */
    s->rcr = 0;
    piix3_update_isa_irqs(s);
}

static int piix3_post_load(void *opaque)
{
    PIIX3State *s = opaque;
    PCIBus *bus = s->pci.bus;
    s->pirq_level = 0;
    for (int n = 0; n < PIIX3_NUM_PIRQS && bus->irq_count; n++) {
        if (bus->irq_count[n]) {
            s->pirq_level |= 1 << n;
        }
    }
    piix3_update_isa_irqs(s);
    return 0;
}

static const VMStateField piix3_fields[] = {
    VMSTATE_BUFFER(pci.config, PIIX3State),
    VMSTATE_U8(rcr, PIIX3State),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_piix3 = {
    .name = "PIIX3",
    .version = 1,
    .fields = piix3_fields,
    .post_load = piix3_post_load,
};

static int piix3_realize(DeviceState *dev, Error **errp)
{
    PIIX3State *s = container_of(dev, PIIX3State, pci.parent);
    PCIBus *bus = pci_bus(dev);
    int ret;

    if (!s->isa) {
        error_setg(errp, "PIIX3: created without piix3_init()");
        return -EINVAL;
    }
    ret = pci_device_attach(&s->pci, errp);
    if (ret < 0) {
        return ret;
    }
    pci_config_set_ids(&s->pci, PCI_VENDOR_ID_INTEL,
                       PCI_DEVICE_ID_INTEL_82371SB_0, PIIX3_CLASS_REV);
    s->pci.config[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_MULTI_FUNCTION;
    s->pci.config_write = piix3_config_write;
    for (int n = 0; n < PIIX3_NUM_PIRQS; n++) {
        s->pci.wmask[PIIX3_PIRQRC + n] = PIRQRC_DISABLE | PIRQRC_IRQ_MASK;
    }
    pci_bus_set_irq_routing(bus, piix3_map_irq, piix3_set_irq, s,
                            PIIX3_NUM_PIRQS);
    memory_region_init_io(&s->rcr_io, &rcr_ops, s, "piix3-reset-control", 1);
    if (bus->io) {
        memory_region_add_subregion_overlap(bus->io, PIIX3_RCR_PORT, &s->rcr_io,
                                            1);
    }
    return 0;
}

static void piix3_unrealize(DeviceState *dev)
{
    PIIX3State *s = container_of(dev, PIIX3State, pci.parent);
    PCIBus *bus = s->pci.bus;

    if (s->rcr_io.container) {
        memory_region_del_subregion(s->rcr_io.container, &s->rcr_io);
    }
    s->pirq_level = 0;
    piix3_update_isa_irqs(s);
    if (bus && bus->irq_opaque == s) {
        pci_bus_set_irq_routing(bus, NULL, NULL, NULL, 0);
    }
    pci_device_detach(&s->pci);
}

static const Property piix3_props[] = {
    DEFINE_PROP_PCI_DEVFN(PIIX3State),
    DEFINE_PROP_END,
};

static const DeviceClass piix3_class = {
    .name = "PIIX3",
    .desc = "Intel 82371SB PCI-to-ISA bridge",
    .bus = "pci",
    .instance_size = sizeof(PIIX3State),
    .props = piix3_props,
    .realize = piix3_realize,
    .unrealize = piix3_unrealize,
    .reset = piix3_reset,
    .vmsd = &vmstate_piix3,
};
DEVICE_CLASS_REGISTER(piix3_class);

/* ---- Board API ---------------------------------------------------------- */

PIIX3State *piix3_init(PCIBus *bus, ISABus *isa, Error **errp)
{
    DeviceState *dev = device_new_class(&piix3_class);
    PIIX3State *s = container_of(dev, PIIX3State, pci.parent);

    s->isa = isa;
    s->pci.devfn = PCI_DEVFN(1, 0);
    if (device_realize(dev, &bus->qbus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return s;
}

PCIDevice *piix3_pci_device(PIIX3State *s)
{
    return &s->pci;
}

void piix3_free(PIIX3State *s)
{
    device_free(&s->pci.parent);
}
