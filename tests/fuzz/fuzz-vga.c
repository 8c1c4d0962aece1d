/*
 * Fuzz target: the VGA core (hw/display/vga.c, vga-mem.c) bare on the
 * test bus: its ports 0x3B0-0x3DF, the 128 KiB window at 0xA0000, and, as
 * events, redraws through the console (graphic_hw_update and friends, so
 * the renderer of hw/display/vga-render.c sees every register state the
 * inputs reach) and raw writes of the VBE registers (hostile enables,
 * depths, banks, resolutions and offsets, without vbe.c's checks on the
 * way in: the window and the renderer must bound them themselves).
 * 1 MiB of VRAM keeps each input's set-up cheap and makes out-of-range
 * offsets easy to reach.
 */
#include "tests/fuzz/fuzz.h"
#include "hw/display/vga-internal.h"

static void vga_fz_setup(FuzzRig *r)
{
    Error *err = NULL;
    VGACommonState *s = calloc(1, sizeof(*s));

    s->vram_size_mb = 1;
    if (vga_common_init(s, NULL, &err) < 0) {
        fuzz_must(NULL, err, "vga");
    }
    vga_init_legacy(s, &r->tb.io_root, &r->tb.mem_root);
    r->s = s;
    fuzz_add_window(r, FUZZ_IO, 0x3b0, 0x30);
    fuzz_add_window(r, FUZZ_MEM, 0xa0000, 0x20000);
}

static void vga_fz_teardown(FuzzRig *r)
{
    vga_common_cleanup(r->s);
    free(r->s);
}

static void vga_fz_event(FuzzRig *r, const FuzzOp *op)
{
    VGACommonState *s = r->s;
    uint32_t v = op->value;

    switch (op->offset % 5) {
    case 0:
        graphic_hw_update(s->con);
        break;
    case 1:
        s->vbe_regs[(v & 0xffff) % VBE_DISPI_INDEX_NB] = v >> 16;
        break;
    case 2:
        s->dac_8bit = v & 1;
        break;
    case 3:
        graphic_hw_invalidate(s->con);
        graphic_hw_update(s->con);
        break;
    default:
        graphic_hw_text_update(s->con);
        break;
    }
}

static void vga_fz_reset(FuzzRig *r)
{
    vga_common_reset(r->s);
}

static void vga_fz_check(FuzzRig *r, const FuzzOp *op)
{
    const VGACommonState *s = r->s;

    FUZZ_ASSERT(r, s->sr_index < VGA_SR_COUNT);
    FUZZ_ASSERT(r, s->gr_index < VGA_GR_COUNT);
    FUZZ_ASSERT(r, s->dac_sub_index < 3);
    FUZZ_ASSERT(r, s->vram_size == 1 * MiB);
}

const FuzzTarget fuzz_target = {
    .name = "vga",
    .covers = "hw/display/vga.c hw/display/vga-mem.c hw/display/vga-render.c",
    .setup = vga_fz_setup,
    .teardown = vga_fz_teardown,
    .event = vga_fz_event,
    .reset = vga_fz_reset,
    .check = vga_fz_check,
};
