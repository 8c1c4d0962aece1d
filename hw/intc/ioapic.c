/*
 * Intel 82093AA I/O APIC (datasheet "82093AA I/O Advanced Programmable
 * Interrupt Controller (IOAPIC)", 290566; section 3 for the registers).
 *
 * Two registers in memory: IOREGSEL (+0x00) selects one of the internal
 * 32-bit registers, IOWIN (+0x10) reads and writes it.  Internal registers:
 * 0x00 ID (bits 27:24), 0x01 version (bits 7:0, maximum redirection entry
 * in bits 23:16), 0x02 arbitration ID, 0x10-0x3f the 24 64-bit redirection
 * entries (low dword at 0x10 + 2n, high at 0x11 + 2n).  Version 0x20 chips
 * (the later PCH I/O (x)APICs, and QEMU's default) add the EOI register at
 * +0x40: writing a vector there clears Remote IRR as the EOI broadcast does.
 * We report 0x20, as QEMU's pc machine does (QEMU 7.2 "info pic"): Linux
 * then EOIs level interrupts through that register.
 *
 * What the model decides where the datasheet leaves freedom:
 * - Delivery is synchronous: the message is on the bus (the deliver
 *   callback) before the pin change or register write returns, so Delivery
 *   Status always reads 0 (idle).
 * - Polarity: the pins are the logical "asserted" level the board drives
 *   (include/hw/intc/ioapic.h), so the polarity bit is stored and shown but
 *   not applied: inverting an active-low pin here would turn every idle
 *   line into a pending interrupt.  QEMU ignores the bit the same way.
 * - NMI, SMI and INIT are always edge triggered (datasheet, delivery mode
 *   field); ExtINT requires edge mode, so a level ExtINT entry is treated as
 *   edge.  Only fixed and lowest-priority entries use the trigger bit, and
 *   only they set Remote IRR.
 * - An entry switched to edge mode loses its Remote IRR: Linux relies on it
 *   to EOI a level interrupt on version 0x11 chips (mask, edge, level,
 *   unmask) and QEMU does the same.
 * - Vectors 0x00-0x0f are sent as programmed (the local APIC refuses them
 *   with an illegal-vector error, as on hardware); the reserved delivery
 *   modes 3 and 6 send nothing.  Both are logged once per pin
 *   (-d guest_errors).
 * - Destination: all 8 bits 63:56 are sent, as on xAPIC systems where the
 *   I/O APIC's messages go over the system bus (the 82093AA's serial APIC
 *   bus used only bits 59:56 in physical mode).
 * - Reset masks every entry and clears the rest of it; the pin levels are
 *   inputs and stay as the lines carry them.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/irq.h"
#include "emu/log.h"
#include "emu/memory.h"
#include "emu/vmstate.h"
#include "emu/trace.h"
#include "hw/intc/ioapic.h"

/* Memory-mapped registers (offsets in the 4 KiB window). */
#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN    0x10
#define IOAPIC_EOI      0x40
#define IOAPIC_WINDOW   0x1000

/* Internal registers (IOREGSEL values). */
#define IOAPIC_REG_ID     0x00
#define IOAPIC_REG_VER    0x01
#define IOAPIC_REG_ARB    0x02
#define IOAPIC_REG_REDTBL 0x10

#define IOAPIC_ID_SHIFT      24
#define IOAPIC_ID_MASK       0x0f
#define IOAPIC_VERSION       0x20
#define IOAPIC_VER_MRE_SHIFT 16 /* maximum redirection entry */

/* Redirection table entry bits. */
#define RTE_VECTOR        0xffull
#define RTE_DM_SHIFT      8
#define RTE_DM_MASK       (7ull << RTE_DM_SHIFT)
#define RTE_DEST_LOGICAL  (1ull << 11)
#define RTE_DELIVS        (1ull << 12) /* read-only: always idle here */
#define RTE_POLARITY_LOW  (1ull << 13)
#define RTE_REMOTE_IRR    (1ull << 14) /* read-only */
#define RTE_TRIGGER_LEVEL (1ull << 15)
#define RTE_MASKED        (1ull << 16)
#define RTE_DEST_SHIFT    56
/* What a write may change: 55:17 are reserved (read 0), 12 and 14 are RO. */
#define RTE_RW_BITS                                                   \
    (RTE_VECTOR | RTE_DM_MASK | RTE_DEST_LOGICAL | RTE_POLARITY_LOW | \
     RTE_TRIGGER_LEVEL | RTE_MASKED | (0xffull << RTE_DEST_SHIFT))

struct IOAPICState {
    DeviceState parent;
    uint32_t id_prop; /* property "id" */

    /* Set by ioapic_init before realize. */
    MemoryRegion *sysmem;
    uint64_t base;
    IOAPICDeliverFn *deliver;
    void *opaque;

    MemoryRegion mmio;
    IRQ **pins;

    /* Guest-visible and pin state (the state description). */
    uint8_t id;
    uint8_t regsel;
    uint32_t level; /* bit n: pin n is asserted */
    uint64_t redtbl[IOAPIC_NUM_PINS];

    uint32_t warned; /* pins already logged for a bad vector or mode */
};

/* ---- helpers ---- */

static unsigned rte_mode(uint64_t e)
{
    return (e & RTE_DM_MASK) >> RTE_DM_SHIFT;
}

/* Level semantics (Remote IRR, resend at EOI) apply only to fixed and
 * lowest-priority entries: the other modes are edge whatever bit 15 says. */
static bool rte_is_level(uint64_t e)
{
    unsigned dm = rte_mode(e);
    return (e & RTE_TRIGGER_LEVEL) &&
           (dm == APIC_DM_FIXED || dm == APIC_DM_LOWPRI);
}

static void ioapic_check_entry(IOAPICState *s, int pin, uint64_t e)
{
    unsigned dm = rte_mode(e);
    uint8_t vec = e & RTE_VECTOR;

    if (s->warned & (1u << pin)) {
        return;
    }
    if (dm == 3 || dm == 6) {
        log_mask(LOG_GUEST_ERROR,
                 "ioapic: pin %d: reserved delivery mode %u, not sent\n", pin,
                 dm);
        s->warned |= 1u << pin;
    } else if ((dm == APIC_DM_FIXED || dm == APIC_DM_LOWPRI) && vec < 0x10) {
        log_mask(LOG_GUEST_ERROR,
                 "ioapic: pin %d: vector 0x%02x is reserved (0x10-0xfe)\n", pin,
                 vec);
        s->warned |= 1u << pin;
    } else if ((e & RTE_TRIGGER_LEVEL) && !rte_is_level(e)) {
        log_mask(LOG_GUEST_ERROR,
                 "ioapic: pin %d: delivery mode %u is edge only, level "
                 "trigger ignored\n",
                 pin, dm);
        s->warned |= 1u << pin;
    }
}

/* Put pin's interrupt message on the bus; a level entry sets Remote IRR. */
static void ioapic_send(IOAPICState *s, int pin)
{
    uint64_t e = s->redtbl[pin];
    unsigned dm = rte_mode(e);
    APICMessage msg = {
        .dest = (uint32_t)(e >> RTE_DEST_SHIFT),
        .dest_logical = (e & RTE_DEST_LOGICAL) != 0,
        .delivery_mode = dm,
        .vector = e & RTE_VECTOR,
        .level = rte_is_level(e),
        .assert = true,
    };

    ioapic_check_entry(s, pin, e);
    if (dm == 3 || dm == 6) {
        return;
    }
    if (msg.level) {
        s->redtbl[pin] |= RTE_REMOTE_IRR;
    }
    trace(ioapic_deliver, "pin %d vector 0x%02x dest 0x%x", pin, msg.vector,
          msg.dest);
    if (s->deliver) {
        s->deliver(s->opaque, &msg);
    }
}

/* A level entry whose pin is asserted, unmasked and not waiting for its
 * EOI sends now: after a rise, an unmask, a switch to level, an EOI. */
static void ioapic_service_level(IOAPICState *s, int pin)
{
    uint64_t e = s->redtbl[pin];

    if (rte_is_level(e) && !(e & RTE_MASKED) && !(e & RTE_REMOTE_IRR) &&
        (s->level & (1u << pin))) {
        ioapic_send(s, pin);
    }
}

static void ioapic_set_pin(void *opaque, int n, int level)
{
    IOAPICState *s = opaque;
    uint32_t bit;
    bool was;

    if (n < 0 || n >= IOAPIC_NUM_PINS) {
        return;
    }
    bit = 1u << n;
    was = (s->level & bit) != 0;
    if (level) {
        s->level |= bit;
    } else {
        s->level &= ~bit;
    }
    if (!level) {
        return;
    }
    if (rte_is_level(s->redtbl[n])) {
        ioapic_service_level(s, n);
    } else if (!was && !(s->redtbl[n] & RTE_MASKED)) {
        /* An edge on a masked pin is lost (datasheet, mask bit). */
        ioapic_send(s, n);
    }
}

/* Remote IRR of the level entries with this vector goes; a pin still
 * asserted sends again (shared by the EOI broadcast and register). */
static void ioapic_do_eoi(IOAPICState *s, uint8_t vector)
{
    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        uint64_t e = s->redtbl[pin];
        if ((e & RTE_VECTOR) != vector || !(e & RTE_REMOTE_IRR)) {
            continue;
        }
        s->redtbl[pin] = e & ~RTE_REMOTE_IRR;
        ioapic_service_level(s, pin);
    }
}

/* ---- registers ---- */

static uint32_t ioapic_reg_read(IOAPICState *s)
{
    unsigned r = s->regsel;

    switch (r) {
    case IOAPIC_REG_ID:
        return (uint32_t)s->id << IOAPIC_ID_SHIFT;
    case IOAPIC_REG_VER:
        return IOAPIC_VERSION | ((IOAPIC_NUM_PINS - 1) << IOAPIC_VER_MRE_SHIFT);
    case IOAPIC_REG_ARB:
        /* Loaded from the ID; no APIC bus arbitration to rotate it. */
        return (uint32_t)s->id << IOAPIC_ID_SHIFT;
    }
    if (r >= IOAPIC_REG_REDTBL && r < IOAPIC_REG_REDTBL + 2 * IOAPIC_NUM_PINS) {
        uint64_t e = s->redtbl[(r - IOAPIC_REG_REDTBL) / 2];
        return (r & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
    }
    log_mask(LOG_GUEST_ERROR, "ioapic: read of undefined register 0x%02x\n", r);
    return 0;
}

static void ioapic_reg_write(IOAPICState *s, uint32_t val)
{
    unsigned r = s->regsel;

    switch (r) {
    case IOAPIC_REG_ID:
        s->id = (val >> IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK;
        return;
    case IOAPIC_REG_VER:
    case IOAPIC_REG_ARB:
        return; /* read-only */
    }
    if (r >= IOAPIC_REG_REDTBL && r < IOAPIC_REG_REDTBL + 2 * IOAPIC_NUM_PINS) {
        int pin = (r - IOAPIC_REG_REDTBL) / 2;
        uint64_t old = s->redtbl[pin], e;

        e = (r & 1) ? (old & 0xffffffffull) | ((uint64_t)val << 32)
                    : (old & ~0xffffffffull) | val;
        e = (e & RTE_RW_BITS) | (old & RTE_REMOTE_IRR);
        if (!(e & RTE_TRIGGER_LEVEL)) {
            e &= ~RTE_REMOTE_IRR;
        }
        if ((e ^ old) & (RTE_VECTOR | RTE_DM_MASK | RTE_TRIGGER_LEVEL)) {
            s->warned &= ~(1u << pin); /* a new setting: log it again */
        }
        s->redtbl[pin] = e;
        ioapic_service_level(s, pin);
        return;
    }
    log_mask(LOG_GUEST_ERROR,
             "ioapic: write 0x%08x to undefined register 0x%02x\n", val, r);
}

static uint64_t ioapic_mmio_read_do(void *opaque, uint64_t addr, unsigned size)
{
    IOAPICState *s = opaque;

    if (addr == IOAPIC_IOREGSEL) {
        return s->regsel;
    }
    if (addr == IOAPIC_IOWIN && size == 4) {
        return ioapic_reg_read(s);
    }
    log_mask(LOG_GUEST_ERROR,
             "ioapic: %u-byte read at offset 0x%" PRIx64 " ignored\n", size,
             addr);
    return 0;
}

static uint64_t ioapic_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = ioapic_mmio_read_do(opaque, addr, size);
    trace(ioapic_mmio_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void ioapic_mmio_write(void *opaque, uint64_t addr, uint64_t val,
                              unsigned size)
{
    trace(ioapic_mmio_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    IOAPICState *s = opaque;

    if (addr == IOAPIC_IOREGSEL) {
        s->regsel = val & 0xff; /* bits 31:8 are reserved */
        return;
    }
    if (addr == IOAPIC_IOWIN && size == 4) {
        ioapic_reg_write(s, val);
        return;
    }
    if (addr == IOAPIC_EOI && size == 4) {
        ioapic_do_eoi(s, val & 0xff);
        return;
    }
    log_mask(LOG_GUEST_ERROR,
             "ioapic: %u-byte write 0x%" PRIx64 " at offset 0x%" PRIx64
             " ignored\n",
             size, val, addr);
}

/* The datasheet asks for dword accesses; a byte write to IOREGSEL (which
 * some drivers do) still selects.  Each access reaches us whole. */
static const MemoryRegionOps ioapic_ops = {
    .read = ioapic_mmio_read,
    .write = ioapic_mmio_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* ---- board interface ---- */

void ioapic_eoi(IOAPICState *s, uint8_t vector)
{
    ioapic_do_eoi(s, vector);
}

IRQ *ioapic_get_pin(IOAPICState *s, int n)
{
    assert(n >= 0 && n < IOAPIC_NUM_PINS);
    return s->pins[n];
}

static const char *const dm_names[8] = {
    "fixed", "lowpri", "smi", "res3", "nmi", "init", "res6", "extint",
};

void ioapic_dump(FILE *f, IOAPICState *s)
{
    fprintf(f, "ioapic: id 0x%02x version 0x%02x regsel 0x%02x pins 0x%06x\n",
            s->id, IOAPIC_VERSION, s->regsel, s->level);
    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        uint64_t e = s->redtbl[pin];
        fprintf(f,
                "  pin %2d 0x%016" PRIx64 " vec 0x%02x %-6s %s dest 0x%02x "
                "%s %s%s%s%s\n",
                pin, e, (unsigned)(e & RTE_VECTOR), dm_names[rte_mode(e)],
                (e & RTE_DEST_LOGICAL) ? "logical " : "physical",
                (unsigned)(e >> RTE_DEST_SHIFT),
                (e & RTE_TRIGGER_LEVEL) ? "level" : "edge ",
                (e & RTE_POLARITY_LOW) ? "active-lo" : "active-hi",
                (e & RTE_MASKED) ? " masked" : "",
                (e & RTE_REMOTE_IRR) ? " remote-irr" : "",
                (s->level & (1u << pin)) ? " asserted" : "");
    }
}

/* ---- reset, state, realize ---- */

static void ioapic_reset(DeviceState *dev)
{
    IOAPICState *s = container_of(dev, IOAPICState, parent);

    s->id = s->id_prop & IOAPIC_ID_MASK;
    s->regsel = 0;
    s->warned = 0;
    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        s->redtbl[pin] = RTE_MASKED;
    }
}

static const VMStateField ioapic_fields[] = {
    VMSTATE_U8(id, IOAPICState),
    VMSTATE_U8(regsel, IOAPICState),
    VMSTATE_U32(level, IOAPICState),
    VMSTATE_U64_ARRAY(redtbl, IOAPICState, IOAPIC_NUM_PINS),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_ioapic = {
    .name = "ioapic",
    .version = 1,
    .fields = ioapic_fields,
};

static int ioapic_realize(DeviceState *dev, Error **errp)
{
    IOAPICState *s = container_of(dev, IOAPICState, parent);

    if (!s->sysmem) {
        error_setg(errp, "ioapic: created without ioapic_init()");
        return -EINVAL;
    }
    if (s->id_prop > IOAPIC_ID_MASK) {
        error_setg(errp, "ioapic: id %u out of range (0-15)", s->id_prop);
        return -EINVAL;
    }
    if (s->base & (IOAPIC_WINDOW - 1)) {
        error_setg(errp, "ioapic: base 0x%" PRIx64 " not 4 KiB aligned",
                   s->base);
        return -EINVAL;
    }
    s->pins = irq_new_array(ioapic_set_pin, s, IOAPIC_NUM_PINS);
    memory_region_init_io(&s->mmio, &ioapic_ops, s, "ioapic", IOAPIC_WINDOW);
    memory_region_add_subregion(s->sysmem, s->base, &s->mmio);
    return 0;
}

static void ioapic_unrealize(DeviceState *dev)
{
    IOAPICState *s = container_of(dev, IOAPICState, parent);

    memory_region_del_subregion(s->sysmem, &s->mmio);
    memory_region_finalize(&s->mmio);
    irq_free_array(s->pins, IOAPIC_NUM_PINS);
    s->pins = NULL;
}

static const Property ioapic_props[] = {
    DEFINE_PROP_U32("id", IOAPICState, id_prop, 0, "I/O APIC ID (0-15)"),
    DEFINE_PROP_END,
};

static const DeviceClass ioapic_class = {
    .name = "ioapic",
    .desc = "Intel 82093AA I/O APIC",
    .instance_size = sizeof(IOAPICState),
    .props = ioapic_props,
    .realize = ioapic_realize,
    .unrealize = ioapic_unrealize,
    .reset = ioapic_reset,
    .vmsd = &vmstate_ioapic,
};
DEVICE_CLASS_REGISTER(ioapic_class);

IOAPICState *ioapic_init(MemoryRegion *sysmem, uint64_t base, uint8_t id,
                         IOAPICDeliverFn *deliver, void *opaque, Error **errp)
{
    DeviceState *dev = device_new_class(&ioapic_class);
    IOAPICState *s = container_of(dev, IOAPICState, parent);

    device_prop_set_uint(dev, "id", id);
    s->sysmem = sysmem;
    s->base = base;
    s->deliver = deliver;
    s->opaque = opaque;
    if (device_realize(dev, NULL, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return s;
}

void ioapic_free(IOAPICState *s)
{
    if (s) {
        device_unrealize(&s->parent);
        device_free(&s->parent);
    }
}
