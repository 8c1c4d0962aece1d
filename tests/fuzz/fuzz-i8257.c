/*
 * Fuzz target: the two ISA DMA controllers (0x00-0x0F, 0xC0-0xDF, page
 * registers 0x80-0x8F) with a device on channels 1, 2, 5 and 7.  Events
 * are that device: DREQ up or down, or a transfer of up to 4 KiB in
 * either direction on one of its channels.  Invariants: a transfer moves
 * no more than offered nor more than the residue, never touches RAM
 * outside the channel's page (64 KiB, or 128 KiB for a 16-bit channel),
 * and a grant only comes to a device whose channel is ready.
 */
#include "tests/fuzz/fuzz.h"
#include "hw/isa/isa-dma.h"

static const int fuzz_chans[4] = {1, 2, 5, 7};

typedef struct DmaFuzz {
    DeviceState *dma8, *dma16;
    ISABus *bus;
    FuzzRig *r;
    uint8_t *before;
    uint8_t buf[4096];
} DmaFuzz;

static DmaFuzz dma_fuzz;

static void dma_fuzz_grant(void *opaque, int chan)
{
    DmaFuzz *f = opaque;
    FUZZ_ASSERT(f->r, isa_dma_ready(f->bus, chan));
}

static const IsaDmaClient dma_fuzz_client = {.grant = dma_fuzz_grant};

static void dma_fuzz_setup(FuzzRig *r)
{
    DmaFuzz *f = &dma_fuzz;
    Error *err = NULL;

    f->r = r;
    f->bus = &r->tb.isa;
    f->dma8 = test_device(&r->tb, "i8257", NULL);
    f->dma16 =
        test_device(&r->tb, "i8257", "iobase=0xc0,page-base=0x88,dshift=1");
    if (!f->dma8 || !f->dma16) {
        fuzz_must(NULL, NULL, "i8257");
    }
    for (int i = 0; i < 4; i++) {
        if (isa_dma_attach(f->bus, fuzz_chans[i], f->dma8, &dma_fuzz_client, f,
                           &err) < 0) {
            fuzz_must(NULL, err, "isa_dma_attach");
        }
    }
    if (!f->before) {
        f->before = malloc(MiB);
    }
    r->s = f;
    fuzz_add_window(r, FUZZ_IO, 0x00, 16);
    fuzz_add_window(r, FUZZ_IO, 0xc0, 32);
    fuzz_add_window(r, FUZZ_IO, 0x80, 16);
}

static void dma_fuzz_teardown(FuzzRig *r)
{
    DmaFuzz *f = r->s;
    for (int i = 0; i < 4; i++) {
        isa_dma_detach(f->bus, fuzz_chans[i]);
    }
    device_unrealize(f->dma8);
    device_free(f->dma8);
    device_unrealize(f->dma16);
    device_free(f->dma16);
}

static void dma_fuzz_event(FuzzRig *r, const FuzzOp *op)
{
    DmaFuzz *f = r->s;
    int chan = fuzz_chans[op->offset & 3];
    unsigned what = (op->offset >> 2) & 3;
    size_t len = op->value % (sizeof(f->buf) + 1);

    if (what == 0) {
        isa_dma_set_dreq(f->bus, chan, op->value & 1);
        return;
    }
    /* The channel's page, as the guest programmed it. */
    static const uint8_t page_port[8] = {0x87, 0x83, 0x81, 0x82,
                                         0x8f, 0x8b, 0x89, 0x8a};
    uint8_t page = inb(&r->tb, page_port[chan]);
    uint32_t lo =
        chan >= 4 ? (uint32_t)(page & 0xfe) << 16 : (uint32_t)page << 16;
    uint32_t hi = lo + (chan >= 4 ? 0x20000 : 0x10000);
    uint32_t residue = isa_dma_residue(f->bus, chan);
    bool ready = isa_dma_ready(f->bus, chan);
    bool tc;
    size_t n;

    memcpy(f->before, r->tb.ram.ram, MiB);
    for (size_t i = 0; i < len; i++) {
        f->buf[i] = op->value + i;
    }
    if (what == 1) {
        n = isa_dma_write_memory(f->bus, chan, f->buf, len, &tc);
    } else {
        n = isa_dma_read_memory(f->bus, chan, f->buf, len, &tc);
    }
    FUZZ_ASSERT(r, n <= len && n <= residue);
    FUZZ_ASSERT(r, ready || n == 0);
    FUZZ_ASSERT(r, !tc || n == residue);
    for (uint32_t a = 0; a < MiB; a += 4096) {
        if ((a < lo || a >= hi) &&
            memcmp(f->before + a, r->tb.ram.ram + a, 4096)) {
            fuzz_fail(r, "channel %d wrote 0x%x outside 0x%x-0x%x", chan, a, lo,
                      hi - 1);
        }
    }
}

const FuzzTarget fuzz_target = {
    .name = "i8257",
    .covers = "hw/isa/i8257.c",
    .setup = dma_fuzz_setup,
    .teardown = dma_fuzz_teardown,
    .event = dma_fuzz_event,
};
