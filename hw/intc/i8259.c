/*
 * Intel 8259A programmable interrupt controller (PIC), as a PC wires it:
 * a master at 0x20 and a slave at 0xa0 whose INT output drives the master's
 * IR2, plus the PIIX edge/level control registers (ELCR) at 0x4d0/0x4d1.
 *
 * References: Intel 8259A datasheet (231468), "Detailed description of
 * operation" (interrupt sequence, ICW1-4, OCW1-3, priority modes, special
 * mask mode, poll command, cascade, edge and level triggered modes); PIIX3
 * datasheet 2.2.8 (ELCR1/ELCR2: IRQ 0, 1, 2, 8 and 13 are always edge).
 *
 * Deviations from the chip, on purpose:
 *  - An edge-triggered request stays latched in IRR after its input goes low
 *    again (the datasheet wants the input held until the first INTA).  Device
 *    models pulse their lines (irq_pulse), so a faithful latch would turn
 *    each pulse into a spurious IRQ7.  Level-triggered requests (ELCR) follow
 *    the input, so a level request that went away before INTA is spurious.
 *  - ICW1 LTIM is ignored, as on the PIIX: the ELCR selects level mode.
 *  - MCS-80/85 mode (ICW4 uPM = 0, or no ICW4) is treated as 8086 mode.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/irq.h"
#include "emu/memory.h"
#include "emu/vmstate.h"
#include "emu/trace.h"
#include "hw/intc/i8259.h"
#include "hw/isa/isa.h"

/* ICW1 (A0 = 0, D4 = 1). */
#define ICW1_IC4  0x01 /* ICW4 needed */
#define ICW1_SNGL 0x02 /* single: no ICW3 */
#define ICW1_LTIM 0x08 /* level triggered mode (ignored, see above) */
#define ICW1_SEL  0x10
/* ICW4. */
#define ICW4_UPM  0x01 /* 8086/8088 mode */
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10 /* special fully nested mode */
/* OCW2 (A0 = 0, D4:D3 = 00): R SL EOI in D7:D5, level in D2:D0. */
#define OCW2_CMD_SHIFT 5
enum {
    OCW2_ROTATE_AEOI_CLEAR = 0,
    OCW2_NS_EOI = 1,
    OCW2_NOP = 2,
    OCW2_SPECIFIC_EOI = 3,
    OCW2_ROTATE_AEOI_SET = 4,
    OCW2_ROTATE_NS_EOI = 5,
    OCW2_SET_PRIORITY = 6,
    OCW2_ROTATE_SPECIFIC_EOI = 7,
};
/* OCW3 (A0 = 0, D4:D3 = 01). */
#define OCW3_SEL  0x08
#define OCW3_RIS  0x01 /* read ISR (else IRR) */
#define OCW3_RR   0x02 /* RIS is valid */
#define OCW3_P    0x04 /* poll */
#define OCW3_SMM  0x20 /* special mask mode */
#define OCW3_ESMM 0x40 /* SMM is valid */

#define POLL_INT 0x80 /* poll word: an interrupt was pending */

struct PICState {
    DeviceState parent;
    /* Properties. */
    uint32_t iobase;
    uint32_t elcr_addr; /* 0: no ELCR (an ISA-only PC) */
    uint8_t elcr_mask;  /* ELCR bits that may be set */
    bool master;

    /* The chip. */
    uint8_t irr;          /* interrupt request register */
    uint8_t isr;          /* in-service register */
    uint8_t imr;          /* interrupt mask register (OCW1) */
    uint8_t pins;         /* IR input levels, for edge detection */
    uint8_t elcr;         /* 1 = level triggered */
    uint8_t priority_add; /* the IR level with the highest priority */
    uint8_t irq_base;     /* ICW2 T7-T3 */
    uint8_t icw3;
    uint8_t init_state; /* 0: OCWs; 1, 2, 3: ICW2, ICW3, ICW4 next */
    bool init4;
    bool single_mode;
    bool auto_eoi;
    bool rotate_on_auto_eoi;
    bool special_fully_nested;
    bool special_mask;
    bool poll;     /* next read is a poll (OCW3 P) */
    bool read_isr; /* A0 = 0 reads ISR, else IRR (OCW3 RR/RIS) */

    /* Derived and wiring. */
    int int_level; /* what INT currently drives */
    MemoryRegion io;
    MemoryRegion elcr_io;
    bool elcr_mapped;
    IRQ **inputs;    /* IR0-7 */
    IRQ *int_out;    /* CPU INTR (master) or master IR2 (slave) */
    PICState *slave; /* master only: the chip on IR2 */
};

/*
 * Priority position (0 = highest) of the highest-priority bit set in mask,
 * or 8 when mask is empty.  priority_add is the IR level that currently has
 * priority 0 (the rotation of the datasheet's priority cells).
 */
static int pic_priority(const PICState *s, uint8_t mask)
{
    if (!mask) {
        return 8;
    }
    int p = 0;
    while (!(mask & BIT((p + s->priority_add) & 7))) {
        p++;
    }
    return p;
}

/* The IR level the chip would deliver now, or -1: what drives INT. */
static int pic_get_irq(const PICState *s)
{
    int req = pic_priority(s, s->irr & ~s->imr);
    if (req == 8) {
        return -1;
    }
    /*
     * In special mask mode a masked level does not block anything (the
     * handler masked itself to let lower levels in).
     */
    uint8_t in_service = s->isr;
    if (s->special_mask) {
        in_service &= ~s->imr;
    }
    int cur = pic_priority(s, in_service);
    int irq = (req + s->priority_add) & 7;
    if (req < cur) {
        return irq;
    }
    /*
     * Special fully nested mode: while the slave is in service, the master
     * still passes new (higher priority) requests from that slave; the slave
     * itself decides whether they are higher than what it has in service.
     */
    if (s->special_fully_nested && s->master && req == cur && irq == 2) {
        return irq;
    }
    return -1;
}

static void pic_update_irq(PICState *s)
{
    s->int_level = pic_get_irq(s) >= 0;
    irq_set(s->int_out, s->int_level);
}

/* IR input n changed level (the IRQ handler of our input lines). */
static void pic_set_irq(void *opaque, int n, int level)
{
    PICState *s = opaque;
    uint8_t m = BIT(n & 7);
    bool was_high = s->pins & m;

    if (level) {
        s->pins |= m;
    } else {
        s->pins &= ~m;
    }
    if (s->elcr & m) {
        s->irr = level ? (s->irr | m) : (s->irr & ~m);
    } else if (level && !was_high) {
        s->irr |= m;
    }
    pic_update_irq(s);
}

/* The INTA pulses (or a poll read) for level irq. */
static void pic_intack(PICState *s, int irq)
{
    uint8_t m = BIT(irq);

    if (s->auto_eoi) {
        if (s->rotate_on_auto_eoi) {
            s->priority_add = (irq + 1) & 7;
        }
    } else {
        s->isr |= m;
    }
    /* A level request stays in IRR for as long as its input is high. */
    if (!(s->elcr & m)) {
        s->irr &= ~m;
    }
    pic_update_irq(s);
}

/*
 * ICW1 initialisation (datasheet "Initialization command words"): edge
 * sense reset (a line already high needs a new rising edge), IMR cleared,
 * IR7 lowest priority, special mask mode off, status read set to IRR, and
 * everything ICW4 selects cleared.
 */
static void pic_init_reset(PICState *s)
{
    s->irr = s->pins & s->elcr;
    s->isr = 0;
    s->imr = 0;
    s->priority_add = 0;
    s->special_mask = false;
    s->read_isr = false;
    s->poll = false;
    s->auto_eoi = false;
    s->rotate_on_auto_eoi = false;
    s->special_fully_nested = false;
}

int pic_read_irq(PICState *s)
{
    int irq = pic_get_irq(s);
    int vector;

    if (irq < 0) {
        /* The request went away between INTR and INTA: default IR7. */
        log_mask(LOG_INT, "pic: spurious IRQ7\n");
        return s->irq_base + 7;
    }
    PICState *sl = s->slave;
    if (irq == 2 && sl && !s->single_mode) {
        int irq2 = pic_get_irq(sl);
        pic_intack(s, 2);
        if (irq2 >= 0) {
            pic_intack(sl, irq2);
            vector = sl->irq_base + irq2;
        } else {
            /*
             * Spurious on the slave: it answers IR7, and the master has
             * IR2 in service (an OS must EOI the master for a spurious 15).
             */
            log_mask(LOG_INT, "pic: spurious IRQ15\n");
            vector = sl->irq_base + 7;
        }
        /*
         * If the slave's INT is still high (auto-EOI or special mask mode
         * with another request ready), the master must see a new request;
         * its edge latch would miss it because the line never dropped.
         */
        if (sl->int_level && !(s->irr & BIT(2))) {
            s->irr |= BIT(2);
            pic_update_irq(s);
        }
    } else {
        pic_intack(s, irq);
        vector = s->irq_base + irq;
    }
    return vector;
}

int pic_get_output(PICState *s)
{
    return s->int_level;
}

static void pic_dump_one(FILE *f, const char *name, const PICState *s)
{
    fprintf(f,
            "%s: irr=%02x imr=%02x isr=%02x hprio=%d irq_base=%02x "
            "rr_sel=%d elcr=%02x fnm=%d aeoi=%d smm=%d init=%d int=%d\n",
            name, s->irr, s->imr, s->isr, s->priority_add, s->irq_base,
            s->read_isr, s->elcr, s->special_fully_nested, s->auto_eoi,
            s->special_mask, s->init_state, s->int_level);
}

void pic_dump(FILE *f, PICState *master)
{
    pic_dump_one(f, "pic0", master);
    if (master->slave) {
        pic_dump_one(f, "pic1", master->slave);
    }
}

static void pic_write_ocw2(PICState *s, uint8_t val)
{
    int level = val & 7;
    int cmd = val >> OCW2_CMD_SHIFT;

    switch (cmd) {
    case OCW2_ROTATE_AEOI_CLEAR:
    case OCW2_ROTATE_AEOI_SET:
        s->rotate_on_auto_eoi = cmd == OCW2_ROTATE_AEOI_SET;
        break;
    case OCW2_NS_EOI:
    case OCW2_ROTATE_NS_EOI: {
        /* In special mask mode a masked ISR bit is not cleared by it. */
        uint8_t in_service = s->isr;
        if (s->special_mask) {
            in_service &= ~s->imr;
        }
        int p = pic_priority(s, in_service);
        if (p == 8) {
            break;
        }
        int irq = (p + s->priority_add) & 7;
        s->isr &= ~BIT(irq);
        if (cmd == OCW2_ROTATE_NS_EOI) {
            s->priority_add = (irq + 1) & 7;
        }
        break;
    }
    case OCW2_SPECIFIC_EOI:
        s->isr &= ~BIT(level);
        break;
    case OCW2_ROTATE_SPECIFIC_EOI:
        s->isr &= ~BIT(level);
        s->priority_add = (level + 1) & 7;
        break;
    case OCW2_SET_PRIORITY:
        /* level becomes the lowest priority. */
        s->priority_add = (level + 1) & 7;
        break;
    case OCW2_NOP:
    default:
        break;
    }
    pic_update_irq(s);
}

static void pic_write_cmd(PICState *s, uint8_t val)
{
    if (val & ICW1_SEL) {
        pic_init_reset(s);
        s->init_state = 1;
        s->init4 = val & ICW1_IC4;
        s->single_mode = val & ICW1_SNGL;
        if (!s->init4) {
            log_unimp_once("i8259: MCS-80/85 mode (ICW1 without ICW4) "
                           "not supported, using 8086 mode");
        }
        if (val & ICW1_LTIM) {
            log_mask(LOG_UNIMP, "i8259: ICW1 LTIM ignored, the ELCR selects "
                                "level triggering\n");
        }
        pic_update_irq(s);
    } else if (val & OCW3_SEL) {
        if (val & OCW3_P) {
            s->poll = true;
        }
        if (val & OCW3_RR) {
            s->read_isr = val & OCW3_RIS;
        }
        if (val & OCW3_ESMM) {
            s->special_mask = val & OCW3_SMM;
        }
        pic_update_irq(s);
    } else {
        pic_write_ocw2(s, val);
    }
}

static void pic_write_data(PICState *s, uint8_t val)
{
    switch (s->init_state) {
    case 0: /* OCW1 */
        s->imr = val;
        pic_update_irq(s);
        break;
    case 1: /* ICW2 */
        s->irq_base = val & 0xf8;
        if (!s->single_mode) {
            s->init_state = 2;
        } else {
            s->init_state = s->init4 ? 3 : 0;
        }
        break;
    case 2: /* ICW3: which IRs have slaves (master) or the slave's ID */
        s->icw3 = val;
        s->init_state = s->init4 ? 3 : 0;
        break;
    case 3: /* ICW4 */
        if (!(val & ICW4_UPM)) {
            log_unimp_once("i8259: MCS-80/85 mode not supported, "
                           "using 8086 mode");
        }
        s->auto_eoi = val & ICW4_AEOI;
        s->special_fully_nested = val & ICW4_SFNM;
        s->init_state = 0;
        pic_update_irq(s);
        break;
    default:
        s->init_state = 0;
        break;
    }
}

static void pic_ioport_write(void *opaque, uint64_t addr, uint64_t data,
                             unsigned size)
{
    trace(pic_ioport_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, data, size);
    PICState *s = opaque;

    if (addr == 0) {
        pic_write_cmd(s, data);
    } else {
        pic_write_data(s, data);
    }
}

static uint64_t pic_ioport_read_do(void *opaque, uint64_t addr, unsigned size)
{
    PICState *s = opaque;

    if (s->poll) {
        /* The read is the INTA of a poll: either address works. */
        s->poll = false;
        int irq = pic_get_irq(s);
        if (irq < 0) {
            return 0;
        }
        pic_intack(s, irq);
        return POLL_INT | irq;
    }
    if (addr == 0) {
        return s->read_isr ? s->isr : s->irr;
    }
    return s->imr;
}

static uint64_t pic_ioport_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = pic_ioport_read_do(opaque, addr, size);
    trace(pic_ioport_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void elcr_ioport_write(void *opaque, uint64_t addr, uint64_t data,
                              unsigned size)
{
    trace(pic_elcr_ioport_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, data, size);
    PICState *s = opaque;

    s->elcr = data & s->elcr_mask;
    /* Lines now level triggered show their input level in IRR. */
    s->irr = (s->irr & ~s->elcr) | (s->pins & s->elcr);
    pic_update_irq(s);
}

static uint64_t elcr_ioport_read_do(void *opaque, uint64_t addr, unsigned size)
{
    PICState *s = opaque;
    return s->elcr;
}

static uint64_t elcr_ioport_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = elcr_ioport_read_do(opaque, addr, size);
    trace(pic_elcr_ioport_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static const MemoryRegionOps pic_ops = {
    .read = pic_ioport_read,
    .write = pic_ioport_write,
    ISA_BYTE_OPS_SIZES,
};

static const MemoryRegionOps elcr_ops = {
    .read = elcr_ioport_read,
    .write = elcr_ioport_write,
    ISA_BYTE_OPS_SIZES,
};

static void pic_reset(DeviceState *dev)
{
    PICState *s = (PICState *)dev;

    s->elcr = 0;
    pic_init_reset(s);
    /* The datasheet leaves the state before ICW1 undefined; all masked
     * (as Bochs) until firmware initialises the chip, whose ICW1 clears
     * the IMR.  Unmasked, the PIT's IRQ0 would reach a firmware-less
     * program that runs STI before touching the 8259 (test386, POST
     * 0x09) as vector 0, whenever the first tick happened to come. */
    s->imr = 0xff;
    s->irq_base = 0;
    s->icw3 = 0;
    s->init_state = 0;
    s->init4 = false;
    s->single_mode = false;
    pic_update_irq(s);
}

static int pic_post_load(void *opaque)
{
    PICState *s = opaque;
    s->elcr &= s->elcr_mask;
    s->init_state = MIN(s->init_state, 3);
    s->priority_add &= 7;
    pic_update_irq(s);
    return 0;
}

static const VMStateField vmstate_pic_fields[] = {
    VMSTATE_U8(irr, PICState),
    VMSTATE_U8(isr, PICState),
    VMSTATE_U8(imr, PICState),
    VMSTATE_U8(pins, PICState),
    VMSTATE_U8(elcr, PICState),
    VMSTATE_U8(priority_add, PICState),
    VMSTATE_U8(irq_base, PICState),
    VMSTATE_U8(icw3, PICState),
    VMSTATE_U8(init_state, PICState),
    VMSTATE_BOOL(init4, PICState),
    VMSTATE_BOOL(single_mode, PICState),
    VMSTATE_BOOL(auto_eoi, PICState),
    VMSTATE_BOOL(rotate_on_auto_eoi, PICState),
    VMSTATE_BOOL(special_fully_nested, PICState),
    VMSTATE_BOOL(special_mask, PICState),
    VMSTATE_BOOL(poll, PICState),
    VMSTATE_BOOL(read_isr, PICState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_pic = {
    .name = "i8259",
    .version = 1,
    .fields = vmstate_pic_fields,
    .post_load = pic_post_load,
};

static int pic_realize(DeviceState *dev, Error **errp)
{
    PICState *s = (PICState *)dev;
    ISABus *bus = isa_bus(dev);

    if (!bus) {
        error_setg(errp, "isa-i8259: needs an ISA bus");
        return -EINVAL;
    }
    if (s->iobase > 0xfffe || s->elcr_addr > 0xffff) {
        error_setg(errp,
                   "isa-i8259: iobase 0x%x / elcr_addr 0x%x out of "
                   "range",
                   s->iobase, s->elcr_addr);
        return -EINVAL;
    }
    memory_region_init_io(&s->io, &pic_ops, s,
                          s->master ? "pic-master" : "pic-slave", 2);
    if (isa_register_ioport(bus, dev, &s->io, s->iobase, errp) < 0) {
        memory_region_finalize(&s->io);
        return -EBUSY;
    }
    if (s->elcr_addr) {
        memory_region_init_io(&s->elcr_io, &elcr_ops, s, "elcr", 1);
        if (isa_register_ioport(bus, dev, &s->elcr_io, s->elcr_addr, errp) <
            0) {
            memory_region_finalize(&s->elcr_io);
            isa_unregister_ioport(bus, &s->io);
            memory_region_finalize(&s->io);
            return -EBUSY;
        }
        s->elcr_mapped = true;
    }
    s->inputs = irq_new_array(pic_set_irq, s, 8);
    return 0;
}

static void pic_unrealize(DeviceState *dev)
{
    PICState *s = (PICState *)dev;
    ISABus *bus = isa_bus(dev);

    isa_unregister_ioport(bus, &s->io);
    memory_region_finalize(&s->io);
    if (s->elcr_mapped) {
        isa_unregister_ioport(bus, &s->elcr_io);
        memory_region_finalize(&s->elcr_io);
        s->elcr_mapped = false;
    }
    irq_free_array(s->inputs, 8);
    s->inputs = NULL;
}

static const Property pic_props[] = {
    DEFINE_PROP_U32("iobase", PICState, iobase, 0x20, "I/O base (2 ports)"),
    DEFINE_PROP_U32("elcr_addr", PICState, elcr_addr, 0x4d0,
                    "ELCR port (0: none)"),
    DEFINE_PROP_U8("elcr_mask", PICState, elcr_mask, 0xf8,
                   "ELCR bits that may be level triggered"),
    DEFINE_PROP_BOOL("master", PICState, master, true,
                     "master (IR2 cascade) or slave"),
    DEFINE_PROP_END,
};

static const DeviceClass i8259_class = {
    .name = "isa-i8259",
    .desc = "Intel 8259A PIC",
    .bus = "isa",
    .instance_size = sizeof(PICState),
    .props = pic_props,
    .user_creatable = false,
    .realize = pic_realize,
    .unrealize = pic_unrealize,
    .reset = pic_reset,
    .vmsd = &vmstate_pic,
};
DEVICE_CLASS_REGISTER(i8259_class);

static PICState *pic_create(ISABus *bus, uint32_t iobase, uint32_t elcr_addr,
                            uint8_t elcr_mask, bool master, Error **errp)
{
    DeviceState *dev = device_new_class(&i8259_class);

    device_prop_set_uint(dev, "iobase", iobase);
    device_prop_set_uint(dev, "elcr_addr", elcr_addr);
    device_prop_set_uint(dev, "elcr_mask", elcr_mask);
    device_prop_set_bool(dev, "master", master);
    if (device_realize(dev, &bus->qbus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    return (PICState *)dev;
}

IRQ **i8259_init(ISABus *bus, IRQ *intr, PICState **master_out, Error **errp)
{
    /* PIIX3 ELCR1/ELCR2: IRQ 0, 1, 2 and 8, 13 cannot be level triggered. */
    PICState *m = pic_create(bus, 0x20, 0x4d0, 0xf8, true, errp);
    if (!m) {
        return NULL;
    }
    PICState *sl = pic_create(bus, 0xa0, 0x4d1, 0xde, false, errp);
    if (!sl) {
        device_free(DEVICE(m));
        return NULL;
    }
    m->slave = sl;
    m->int_out = intr;
    sl->int_out = m->inputs[2];
    device_reset(DEVICE(sl));
    device_reset(DEVICE(m));

    IRQ **irqs = calloc(16, sizeof(*irqs));
    if (!irqs) {
        fatal("out of memory");
    }
    for (int i = 0; i < 8; i++) {
        irqs[i] = m->inputs[i];
        irqs[8 + i] = sl->inputs[i];
    }
    if (master_out) {
        *master_out = m;
    }
    return irqs;
}
