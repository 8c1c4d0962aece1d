/*
 * The device fuzzing rig (tests/fuzz/fuzz.h): decodes an input into
 * register accesses, clock steps and target events on a fresh device, and
 * checks the invariants that hold for every device.
 */
#include "tests/fuzz/fuzz.h"
#include "emu/chardev.h"

static FuzzRig *cur_rig;

void fuzz_fail(FuzzRig *r, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr,
            "fuzz: %s: invariant broken at record %u: ", fuzz_target.name,
            r ? r->record : 0);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}

void *fuzz_must(void *p, Error *err, const char *what)
{
    if (!p) {
        fprintf(stderr, "fuzz: %s: cannot create %s: %s\n", fuzz_target.name,
                what, err ? error_get_pretty(err) : "?");
        abort();
    }
    return p;
}

void fuzz_add_window(FuzzRig *r, FuzzSpace space, uint64_t base, uint64_t len)
{
    if (r->nwin == FUZZ_MAX_WINDOWS || !len) {
        fuzz_fail(r, "bad window table");
    }
    r->win[r->nwin++] = (FuzzWindow){space, base, len};
}

static void line_handler(void *opaque, int n, int level)
{
    FuzzLine *l = opaque;
    if (level != 0 && level != 1) {
        fuzz_fail(cur_rig, "line %s set to level %d", l->name, level);
    }
    if (level && !l->level) {
        l->raises++;
    }
    l->level = level;
}

IRQ *fuzz_line(FuzzRig *r, const char *name, FuzzLine **out)
{
    if (r->nlines == FUZZ_MAX_LINES) {
        fuzz_fail(r, "too many lines");
    }
    FuzzLine *l = &r->line[r->nlines++];
    l->name = name;
    l->irq = irq_new(line_handler, l, 0);
    if (out) {
        *out = l;
    }
    return l->irq;
}

static const char *const isa_line_names[16] = {
    "isa-irq0",  "isa-irq1",  "isa-irq2",  "isa-irq3",
    "isa-irq4",  "isa-irq5",  "isa-irq6",  "isa-irq7",
    "isa-irq8",  "isa-irq9",  "isa-irq10", "isa-irq11",
    "isa-irq12", "isa-irq13", "isa-irq14", "isa-irq15",
};

static void rig_init(FuzzRig *r)
{
    memset(r, 0, sizeof(*r));
    cur_rig = r;
    test_bus_init(&r->tb);
    /* The ISA lines become checked lines; test_bus_cleanup frees them. */
    for (int i = 0; i < 16; i++) {
        irq_free(r->tb.isa.irqs[i]);
        FuzzLine *l = &r->line[r->nlines++];
        l->name = isa_line_names[i];
        l->irq = irq_new(line_handler, l, i);
        r->tb.isa.irqs[i] = l->irq;
    }
}

static void rig_cleanup(FuzzRig *r)
{
    if (fuzz_target.teardown) {
        fuzz_target.teardown(r);
    }
    test_bus_cleanup(&r->tb);
    /* A timer still armed now belongs to a freed device: it would fire
     * into freed memory. */
    for (int c = 0; c < CLOCK_MAX; c++) {
        if (timers_deadline_ns(c) >= 0) {
            fuzz_fail(r, "a timer of clock %d is still armed after every "
                      "device was freed", c);
        }
    }
    /* The ISA lines were freed with the bus; free the target's own. */
    for (int i = 16; i < r->nlines; i++) {
        irq_free(r->line[i].irq);
    }
    chardev_cleanup_all();
    cur_rig = NULL;
}

static void decode(FuzzRig *r, const uint8_t *p, FuzzOp *op)
{
    static const unsigned sizes[4] = {1, 2, 4, 4};
    op->op = p[0];
    op->window = p[1];
    op->size = sizes[p[2] & 3];
    op->direct = p[2] & 0x80;
    op->step = p[3];
    op->offset = p[4] | p[5] << 8 | p[6] << 16 | (uint32_t)p[7] << 24;
    op->value = p[8] | p[9] << 8 | p[10] << 16 | (uint32_t)p[11] << 24;
    const FuzzWindow *w = &r->win[op->window % r->nwin];
    op->space = w->space;
    op->addr = w->base + op->offset % w->len;
}

static AddressSpace *space_as(FuzzRig *r, FuzzSpace space)
{
    return space == FUZZ_IO ? &r->tb.io_as : &r->tb.mem_as;
}

static unsigned or_default(unsigned v, unsigned def)
{
    return v ? v : def;
}

/*
 * A read straight through the region's callback when the access is one
 * the callback implements, so that the width check sees what the device
 * returned before the bus masks it.  Returns false if not applicable.
 */
static bool direct_read(FuzzRig *r, const FuzzOp *op, uint64_t *val)
{
    AddressSpace *as = space_as(r, op->space);
    const FlatRange *fr = address_space_lookup(as, op->addr);
    if (!fr || fr->mr->type != MR_IO || !fr->mr->ops->read ||
        op->addr - fr->start + op->size > fr->size ||
        (op->addr & (op->size - 1))) {
        return false;
    }
    const MemoryRegionOps *o = fr->mr->ops;
    unsigned vmin = or_default(o->valid.min_access_size, 1);
    unsigned vmax = or_default(o->valid.max_access_size, 4);
    unsigned imin = or_default(o->impl.min_access_size, vmin);
    unsigned imax = or_default(o->impl.max_access_size, vmax);
    if (op->size < imin || op->size > imax || op->size < vmin ||
        op->size > vmax) {
        return false;
    }
    *val =
        o->read(fr->mr->opaque, fr->offset + (op->addr - fr->start), op->size);
    return true;
}

static void run_op(FuzzRig *r, const FuzzOp *op)
{
    AddressSpace *as = space_as(r, op->space);
    uint64_t val;

    if (op->op < 0x60) {
        address_space_write_val(as, op->addr, op->size, op->value);
    } else if (op->op < 0xc0) {
        if (op->direct && direct_read(r, op, &val)) {
            uint64_t mask = (1ULL << (op->size * 8)) - 1;
            /* All ones is the master-abort idiom (~0ULL); the bus masks
             * it.  Anything else above the size is a device bug. */
            if ((val & ~mask) && val != UINT64_MAX) {
                fuzz_fail(r,
                          "%u-byte read at 0x%" PRIx64 " returned 0x%" PRIx64,
                          op->size, op->addr, val);
            }
        } else {
            address_space_read_val(as, op->addr, op->size, &val);
        }
        if (fuzz_target.check_read) {
            fuzz_target.check_read(r, op, (uint32_t)val);
        }
    } else if (op->op < 0xe0) {
        if (fuzz_target.event) {
            fuzz_target.event(r, op);
        }
    } else if (op->op >= 0xfc) {
        if (fuzz_target.reset) {
            fuzz_target.reset(r);
        } else {
            devices_reset_all(); /* system reset: every realized device */
        }
    }
    if (op->step) {
        int64_t ns = (int64_t)1 << (op->step % 29);
        if (r->virtual_ns + ns <= FUZZ_MAX_VIRTUAL_NS) {
            r->virtual_ns += ns;
            clock_step_ns(ns);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FuzzRig rig; /* big: keep it off the stack */
    FuzzRig *r = &rig;
    FuzzOp op;

    rig_init(r);
    fuzz_target.setup(r);
    if (!r->nwin) {
        fuzz_fail(r, "target has no windows");
    }
    for (size_t i = 0; i + FUZZ_RECORD_SIZE <= size; i += FUZZ_RECORD_SIZE) {
        r->record = i / FUZZ_RECORD_SIZE;
        decode(r, data + i, &op);
        run_op(r, &op);
        if (fuzz_target.check) {
            fuzz_target.check(r, &op);
        }
    }
    rig_cleanup(r);
    return 0;
}
