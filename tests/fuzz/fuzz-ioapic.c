/*
 * Fuzz target: the I/O APIC's 4 KiB window (and a second window on its
 * three registers, so that IOREGSEL/IOWIN pairs come often).  Events move
 * a pin, broadcast an EOI or write a register whole.  Checked: every message is
 * well formed (no reserved delivery mode, level only for fixed/lowest priority,
 * asserted), one operation sends at most one message per pin, and the entries
 * keep Delivery Status clear, reserved bits 0 and Remote IRR only on level
 * entries.
 */
#include "tests/fuzz/fuzz.h"
#include "hw/intc/ioapic.h"

typedef struct IOAPICFuzz {
    IOAPICState *io;
    unsigned sent; /* messages during the current operation */
} IOAPICFuzz;

static IOAPICFuzz ioapic_fuzz;

static void fuzz_deliver(void *opaque, const APICMessage *m)
{
    FuzzRig *r = opaque;
    IOAPICFuzz *f = r->priv;

    FUZZ_ASSERT(r, m->assert);
    FUZZ_ASSERT(r, m->delivery_mode != 3 && m->delivery_mode != 6);
    FUZZ_ASSERT(r, m->delivery_mode <= APIC_DM_EXTINT);
    FUZZ_ASSERT(r, !m->level || m->delivery_mode == APIC_DM_FIXED ||
                       m->delivery_mode == APIC_DM_LOWPRI);
    FUZZ_ASSERT(r, m->dest <= 0xff);
    f->sent++;
}

static void ioapic_fuzz_setup(FuzzRig *r)
{
    Error *err = NULL;
    IOAPICFuzz *f = &ioapic_fuzz;

    memset(f, 0, sizeof(*f));
    r->priv = f;
    f->io = fuzz_must(ioapic_init(&r->tb.mem_root, IOAPIC_DEFAULT_BASE, 0,
                                  fuzz_deliver, r, &err),
                      err, "ioapic");
    r->s = f->io;
    fuzz_add_window(r, FUZZ_MEM, IOAPIC_DEFAULT_BASE, 0x1000);
    fuzz_add_window(r, FUZZ_MEM, IOAPIC_DEFAULT_BASE, 0x44);
}

static void ioapic_fuzz_teardown(FuzzRig *r)
{
    IOAPICFuzz *f = r->priv;
    ioapic_free(f->io);
}

/* Events: a pin moves, an EOI broadcast, or a whole register write
 * (IOREGSEL then IOWIN), so that inputs program entries often. */
static void ioapic_fuzz_event(FuzzRig *r, const FuzzOp *op)
{
    IOAPICFuzz *f = r->priv;

    switch (op->op & 3) {
    case 0:
        irq_set(ioapic_get_pin(f->io, op->offset % IOAPIC_NUM_PINS),
                op->value & 1);
        break;
    case 1:
        ioapic_eoi(f->io, op->value & 0xff);
        break;
    default:
        as_out(&r->tb.mem_as, IOAPIC_DEFAULT_BASE, 4, op->offset & 0x3f);
        as_out(&r->tb.mem_as, IOAPIC_DEFAULT_BASE + 0x10, 4, op->value);
        break;
    }
}

/* The entries, read through the registers; IOREGSEL is put back. */
static void ioapic_fuzz_check(FuzzRig *r, const FuzzOp *op)
{
    IOAPICFuzz *f = r->priv;
    AddressSpace *as = &r->tb.mem_as;
    uint64_t base = IOAPIC_DEFAULT_BASE;

    FUZZ_ASSERT(r, f->sent <= IOAPIC_NUM_PINS);
    f->sent = 0;
    uint32_t sel = as_in(as, base, 4);
    FUZZ_ASSERT(r, sel <= 0xff);
    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        as_out(as, base, 4, 0x10 + 2 * pin);
        uint32_t lo = as_in(as, base + 0x10, 4);
        as_out(as, base, 4, 0x11 + 2 * pin);
        uint32_t hi = as_in(as, base + 0x10, 4);
        FUZZ_ASSERT(r, (lo & 0xfffe0000u) == 0);
        FUZZ_ASSERT(r, (hi & 0x00ffffffu) == 0);
        FUZZ_ASSERT(r, !(lo & (1u << 12)));
        FUZZ_ASSERT(r, !(lo & (1u << 14)) || (lo & (1u << 15)));
    }
    as_out(as, base, 4, sel);
    FUZZ_ASSERT(r, f->sent == 0); /* reads have no side effects */
}

const FuzzTarget fuzz_target = {
    .name = "ioapic",
    .covers = "hw/intc/ioapic.c",
    .setup = ioapic_fuzz_setup,
    .teardown = ioapic_fuzz_teardown,
    .event = ioapic_fuzz_event,
    .check = ioapic_fuzz_check,
};
