/*
 * Rendering tests for the VGA picture (hw/display/vga-render.c, vga-text.c,
 * vga-gfx.c): registers and VRAM are set directly in a VGA core made by
 * vga_common_init, vga_update_display draws, and every pixel of the
 * surface is compared with what the test computes on its own from the
 * register descriptions: glyph bits of a font written into plane 2 and
 * attribute colours; 4 plane bits -> attribute palette -> DAC; CGA bytes
 * at B8000h/BA000h; mode 13h and Mode X bytes; VBE pixels.  Also: start
 * address and line compare, double scan, panning, 9-dot line graphics,
 * cursor shape and blink phases stepped on the virtual clock, that an
 * unchanged screen produces no dpy_gfx_update and draws nothing, and
 * seeded hostile register values (run under ASan by make check-sanitize).
 */
#include "tests/unit/vga-rig.h"

/* ---- Listener: counts what the renderer reports ---------------------------
 */

typedef struct Counter {
    DisplayChangeListener dcl;
    int updates, switches;
    int y0, y1; /* union of the updated rows */
} Counter;

static Counter counter;

static void count_update(DisplayChangeListener *dcl, int x, int y, int w, int h)
{
    Counter *c = &counter;
    if (!c->updates) {
        c->y0 = y;
        c->y1 = y + h;
    }
    c->y0 = MIN(c->y0, y);
    c->y1 = MAX(c->y1, y + h);
    c->updates++;
}

static void count_switch(DisplayChangeListener *dcl, DisplaySurface *s)
{
    counter.switches++;
}

static const DisplayChangeListenerOps count_ops = {
    .name = "test",
    .dpy_gfx_update = count_update,
    .dpy_gfx_switch = count_switch,
};

static void counter_reset(void)
{
    counter.updates = counter.switches = 0;
    counter.y0 = counter.y1 = 0;
}

/* ---- Rig ------------------------------------------------------------------
 */

static VgaRig rig;

static VGACommonState *setup_mb(uint32_t mb)
{
    if (!vga_rig_init(&rig, mb)) {
        return NULL;
    }
    VGACommonState *s = rig.s;
    memset(&counter, 0, sizeof(counter));
    counter.dcl.ops = &count_ops;
    counter.dcl.con = s->con;
    register_displaychangelistener(&counter.dcl);
    /* A DAC palette with distinct entries, 6-bit values. */
    for (int i = 0; i < 256; i++) {
        s->palette[i * 3 + 0] = (i * 7 + 3) & 63;
        s->palette[i * 3 + 1] = (i * 13 + 5) & 63;
        s->palette[i * 3 + 2] = (i * 29 + 11) & 63;
    }
    s->pel_mask = 0xff;
    s->ar_index = 0x20; /* palette address source: display on */
    return s;
}

static VGACommonState *setup(void)
{
    return setup_mb(16);
}

static void teardown(void)
{
    unregister_displaychangelistener(&counter.dcl);
    vga_rig_cleanup(&rig);
}

/* One frame of the 70 Hz modes on the virtual clock. */
#define VGA_FRAME_NS_TEST (1000000000 / 70)

/* DAC entry i as x8r8g8b8: 6-bit values times 4, plus 3 when odd (qemu's
 * widening: 0 -> 0, 63 -> 255). */
static uint32_t dac(const VGACommonState *s, int i)
{
    uint32_t v = 0;
    for (int k = 0; k < 3; k++) {
        uint32_t c = s->palette[i * 3 + k] & 63;
        v = v << 8 | (c * 4 + (c % 2 ? 3 : 0));
    }
    return v;
}

/* n-bit colour fields widened to 8 bits by repeating their top bits, as
 * pixman converts 5:5:5 and 5:6:5. */
static uint32_t widen(uint32_t v, int bits)
{
    uint32_t out = 0;
    for (int b = 7; b >= 0; b--) {
        int src = bits - 1 - (7 - b) % bits;
        out |= ((v >> src) & 1) << b;
    }
    return out;
}

/* A 4-bit colour through the attribute controller (AR10 bit 7 off,
 * AR14 = 0) and the DAC. */
static uint32_t ar_colour(const VGACommonState *s, int idx)
{
    return dac(s, s->ar[idx & s->ar[0x12] & 15] & 0x3f);
}

static uint32_t pixel(VGACommonState *s, int x, int y)
{
    DisplaySurface *d = console_surface(s->con);
    return ((uint32_t *)(surface_data(d) + y * surface_stride(d)))[x] &
           0xffffff;
}

static int width(VGACommonState *s)
{
    return surface_width(console_surface(s->con));
}
static int height(VGACommonState *s)
{
    return surface_height(console_surface(s->con));
}

/* Compare the whole surface with expect(); report the first mismatch. */
typedef uint32_t ExpectFn(VGACommonState *s, int x, int y);
static int surface_mismatches(VGACommonState *s, ExpectFn *expect, int w, int h)
{
    int bad = 0;
    CHECK_EQ(width(s), w);
    CHECK_EQ(height(s), h);
    if (width(s) != w || height(s) != h) {
        return -1;
    }
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            uint32_t want = expect(s, x, y), got = pixel(s, x, y);
            if (want != got && !bad++) {
                test_fail(__FILE__, __LINE__,
                          "pixel (%d,%d): got %06x, want %06x", x, y, got,
                          want);
            }
        }
    }
    return bad;
}

static uint32_t seed = 12345;
static uint32_t rnd(void)
{
    seed = seed * 1103515245 + 12345;
    return seed >> 8;
}

/* VRAM bytes written by the test: plane p of planar address a. */
static void plane_put(VGACommonState *s, uint32_t a, int p, uint8_t v)
{
    s->vram_ptr[a * 4 + p] = v;
    memory_region_set_dirty(&s->vram, a * 4 + p, 1);
}

/* CRTC vertical display end (lines - 1) and line compare, with their
 * overflow bits in CR07 and CR09. */
static void set_vde_lc(VGACommonState *s, int lines, int lc)
{
    int vde = lines - 1;
    s->cr[0x12] = vde & 0xff;
    s->cr[0x07] = (s->cr[0x07] & ~0x52) | ((vde >> 8) & 1) << 1 |
                  ((vde >> 9) & 1) << 6 | ((lc >> 8) & 1) << 4;
    s->cr[0x18] = lc & 0xff;
    s->cr[0x09] = (s->cr[0x09] & ~0x40) | ((lc >> 9) & 1) << 6;
}

static void set_start(VGACommonState *s, uint32_t a)
{
    s->cr[0x0c] = a >> 8;
    s->cr[0x0d] = a;
}

/* ---- Text mode ------------------------------------------------------------
 */

static uint8_t glyph(int map, int ch, int rs)
{
    return (uint8_t)((ch * 37 + rs * 11 + map * 101) ^ (rs << 4) ^ ch);
}

/* 80x25, 16 scanlines per row, 9-dot characters unless dots8. */
static void text_mode(VGACommonState *s, bool dots8)
{
    s->sr[1] = dots8 ? 0x01 : 0x00;
    s->sr[3] = 0x00;
    s->sr[4] = 0x02;
    s->gr[5] = 0x10;
    s->gr[6] = 0x0e;
    s->cr[0x01] = 79;
    s->cr[0x09] = 0x0f;
    set_vde_lc(s, 400, 0x3ff);
    s->cr[0x0a] = 0x20; /* cursor off */
    s->cr[0x0b] = 0x0f;
    s->cr[0x13] = 40;
    s->cr[0x14] = 0x1f;
    s->cr[0x17] = 0xa3;
    for (int i = 0; i < 16; i++) {
        s->ar[i] = (i * 5 + 2) & 0x3f; /* not the identity: it must apply */
    }
    s->ar[0x10] = 0x0c; /* line graphics, blink */
    s->ar[0x12] = 0x0f;
    s->ar[0x13] = 0x08;
    s->ar[0x14] = 0x00;
    for (int map = 0; map < 2; map++) {
        for (int ch = 0; ch < 256; ch++) {
            for (int rs = 0; rs < 32; rs++) {
                /* map 0 at plane-2 offset 0, map 1 at 16 KiB */
                plane_put(s, map * 16384 + ch * 32 + rs, 2, glyph(map, ch, rs));
            }
        }
    }
    /* Cells: every character, attributes without blink (bit 7 clear);
     * cell i at planar address 2i (odd/even: B8000h + 2i and + 2i + 1). */
    for (int i = 0; i < 80 * 60; i++) {
        plane_put(s, 2 * i, 0, rnd());
        plane_put(s, 2 * i, 1, rnd() & 0x7f);
    }
}

static int text_map_a_b[2]; /* font map (0/1) for attr bit 3 set/clear */
static int text_cw = 9;
static int text_cols = 80, text_dup = 1; /* 40 columns: 40, 2 */
static uint32_t text_start;
static int text_preset, text_lc = 0x3ff; /* CR8 row scan, line compare */

static uint32_t expect_text(VGACommonState *s, int x, int y)
{
    int col = x / (text_cw * text_dup),
        dx = x % (text_cw * text_dup) / text_dup;
    uint32_t base = text_start;
    int line = y + text_preset;
    if (y > text_lc) {
        base = 0;
        line = y - text_lc - 1;
    }
    int row = line / 16, rs = line % 16;
    uint32_t a = 2 * (base + row * text_cols + col);
    int ch = s->vram_ptr[a * 4], attr = s->vram_ptr[a * 4 + 1];
    int fg = attr & 15, bg = (attr >> 4) & 7;
    uint8_t g = glyph(attr & 8 ? text_map_a_b[0] : text_map_a_b[1], ch, rs);
    int on = dx < 8 ? (int)((g >> (7 - dx)) & 1)
                    : (ch >= 0xc0 && ch <= 0xdf && (g & 1));
    return ar_colour(s, on ? fg : bg);
}

static void test_text_80x25(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    text_mode(s, false);
    text_map_a_b[0] = text_map_a_b[1] = 0;
    text_cw = 9;
    text_start = 0;
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_text, 720, 400), 0);
    CHECK(counter.switches >= 1);

    /* Start address 80 * 3 + 7: the picture moves by whole cells. */
    text_start = 80 * 3 + 7;
    set_start(s, text_start);
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_text, 720, 400), 0);

    /* Smooth scrolling (preset row scan 5) over a split screen (line
     * compare 99: from line 100 on, the screen shows VRAM from 0). */
    text_preset = 5;
    text_lc = 99;
    s->cr[0x08] = 5;
    set_vde_lc(s, 400, text_lc);
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_text, 720, 400), 0);
    text_preset = 0;
    text_lc = 0x3ff;
    teardown();
}

static void test_text_40x25(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    text_mode(s, false);
    s->sr[1] = 0x08; /* 9 dots, dot clock / 2 */
    s->cr[0x01] = 39;
    s->cr[0x13] = 20;
    text_map_a_b[0] = text_map_a_b[1] = 0;
    text_cw = 9;
    text_cols = 40;
    text_dup = 2;
    text_start = 0;
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_text, 720, 400), 0);
    text_cols = 80;
    text_dup = 1;
    teardown();
}

static void test_text_8dot_maps(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    text_mode(s, true);
    /* SR3: map A = 1 (16 KiB, attribute bit 3 set), map B = 0. */
    s->sr[3] = 0x04;
    text_map_a_b[0] = 1;
    text_map_a_b[1] = 0;
    text_cw = 8;
    text_start = 0;
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_text, 640, 400), 0);
    teardown();
}

/* A cell's colours at scanline rs, column dx of 9. */
static uint32_t cell_px(VGACommonState *s, int col, int row, int dx, int rs)
{
    return pixel(s, col * 9 + dx, row * 16 + rs);
}

static void test_text_cursor_blink(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    text_mode(s, false);
    /* Cell (5, 2): a blank glyph (char 0 of a zeroed map 1 is not used:
     * write a blank char) with attribute fg 14 on bg 1. */
    for (int rs = 0; rs < 32; rs++) {
        plane_put(s, 0x20 * 32 + rs, 2, 0);
    }
    uint32_t cell = 2 * 80 + 5;
    plane_put(s, 2 * cell, 0, 0x20);
    plane_put(s, 2 * cell, 1, 0x1e);
    /* Cursor on that cell, scanlines 13-14. */
    s->cr[0x0a] = 13;
    s->cr[0x0b] = 14;
    s->cr[0x0e] = cell >> 8;
    s->cr[0x0f] = cell & 0xff;
    vga_update_display(s);
    uint32_t fg = ar_colour(s, 14), bg = ar_colour(s, 1);
    CHECK_EQ(cell_px(s, 5, 2, 0, 12), bg);
    CHECK_EQ(cell_px(s, 5, 2, 0, 13), fg);
    CHECK_EQ(cell_px(s, 5, 2, 8, 14), fg);
    CHECK_EQ(cell_px(s, 5, 2, 3, 15), bg);

    /* 16 frames later the cursor is off: only its row is redrawn. */
    counter_reset();
    clock_step_ns(16 * VGA_FRAME_NS_TEST);
    vga_update_display(s);
    CHECK_EQ(cell_px(s, 5, 2, 0, 13), bg);
    CHECK_EQ(counter.updates, 1);
    CHECK_EQ(counter.y0, 32);
    CHECK_EQ(counter.y1, 48);
    /* And back on after 16 more. */
    clock_step_ns(16 * VGA_FRAME_NS_TEST);
    vga_update_display(s);
    CHECK_EQ(cell_px(s, 5, 2, 0, 13), fg);

    /* Blink: attribute 0x9e with AR10 bit 3: bg 1, fg 14, blinking. */
    s->cr[0x0a] = 0x20;
    for (int rs = 0; rs < 16; rs++) {
        plane_put(s, 0x20 * 32 + rs, 2, 0xff);
    }
    plane_put(s, 2 * cell, 1, 0x9e);
    vga_update_display(s);
    int64_t frame = clock_get_ns(CLOCK_VIRTUAL) / VGA_FRAME_NS_TEST;
    bool off = (frame / 32) & 1;
    CHECK_EQ(cell_px(s, 5, 2, 2, 3), off ? bg : fg);
    clock_step_ns(32 * VGA_FRAME_NS_TEST);
    vga_update_display(s);
    CHECK_EQ(cell_px(s, 5, 2, 2, 3), off ? fg : bg);
    /* Without AR10 bit 3, bit 7 is a bright background and nothing
     * blinks: solid glyph shows fg, the 9th column the bright bg 9. */
    s->ar[0x10] = 0x00;
    vga_update_display(s);
    CHECK_EQ(cell_px(s, 5, 2, 2, 3), fg);
    CHECK_EQ(cell_px(s, 5, 2, 8, 3), ar_colour(s, 9));
    clock_step_ns(32 * VGA_FRAME_NS_TEST);
    vga_update_display(s);
    CHECK_EQ(cell_px(s, 5, 2, 2, 3), fg);
    teardown();
}

static void test_text_line_graphics(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    text_mode(s, false);
    /* 0xC4 (a line-drawing character) and 'A' (0x41), both glyph bit 0
     * set on every scanline. */
    for (int rs = 0; rs < 32; rs++) {
        plane_put(s, 0xc4 * 32 + rs, 2, 0x81);
        plane_put(s, 0x41 * 32 + rs, 2, 0x81);
    }
    plane_put(s, 0, 0, 0xc4);
    plane_put(s, 0, 1, 0x07);
    plane_put(s, 2, 0, 0x41);
    plane_put(s, 2, 1, 0x07);
    vga_update_display(s);
    uint32_t fg = ar_colour(s, 7), bg = ar_colour(s, 0);
    CHECK_EQ(cell_px(s, 0, 0, 7, 4), fg);
    CHECK_EQ(cell_px(s, 0, 0, 8, 4), fg); /* extended */
    CHECK_EQ(cell_px(s, 1, 0, 7, 4), fg);
    CHECK_EQ(cell_px(s, 1, 0, 8, 4), bg); /* not a line character */
    s->ar[0x10] &= ~0x04;
    vga_update_display(s);
    CHECK_EQ(cell_px(s, 0, 0, 8, 4), bg);

    /* Monochrome emulation (AR10 bit 1): attribute 01h is underlined on
     * the CR14 scanline, all 9 dots; 07h is not. */
    for (int rs = 0; rs < 32; rs++) {
        plane_put(s, 0x41 * 32 + rs, 2, 0x00);
    }
    s->ar[0x10] = 0x02;
    s->cr[0x14] = 13;
    plane_put(s, 2, 1, 0x01);
    plane_put(s, 4, 0, 0x41);
    plane_put(s, 4, 1, 0x07);
    vga_update_display(s);
    for (int dx = 0; dx < 9; dx++) {
        CHECK_EQ(cell_px(s, 1, 0, dx, 13), ar_colour(s, 1));
        CHECK_EQ(cell_px(s, 1, 0, dx, 12), ar_colour(s, 0));
        CHECK_EQ(cell_px(s, 2, 0, dx, 13), ar_colour(s, 0));
    }
    /* Without it, no underline. */
    s->ar[0x10] = 0x00;
    vga_update_display(s);
    CHECK_EQ(cell_px(s, 1, 0, 3, 13), ar_colour(s, 0));
    teardown();
}

static void test_text_idle_and_dirty(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    text_mode(s, false);
    vga_update_display(s);
    counter_reset();
    /* Nothing changed: no update, and no pixel written (scribble on the
     * surface; an idle update must leave it alone). */
    DisplaySurface *d = console_surface(s->con);
    uint32_t *p0 = (uint32_t *)surface_data(d);
    p0[0] = 0x123456;
    vga_update_display(s);
    vga_update_display(s);
    CHECK_EQ(counter.updates, 0);
    CHECK_EQ(p0[0] & 0xffffff, 0x123456);
    /* A write elsewhere in VRAM that changes no cell: still nothing. */
    plane_put(s, 0x7000, 3, 0x55);
    vga_update_display(s);
    CHECK_EQ(counter.updates, 0);
    /* One cell in row 10: only that character row is redrawn. */
    plane_put(s, 2 * (10 * 80 + 3), 0, s->vram_ptr[2 * (10 * 80 + 3) * 4] ^ 1);
    vga_update_display(s);
    CHECK_EQ(counter.updates, 1);
    CHECK_EQ(counter.y0, 160);
    CHECK_EQ(counter.y1, 176);
    text_start = 0;
    text_cw = 9;
    text_map_a_b[0] = text_map_a_b[1] = 0;
    /* The scribble outside row 10 stays: proof nothing else was drawn. */
    CHECK_EQ(p0[0] & 0xffffff, 0x123456);
    p0[0] = expect_text(s, 0, 0);
    CHECK_EQ(surface_mismatches(s, expect_text, 720, 400), 0);
    /* A font change redraws everything. */
    counter_reset();
    plane_put(s, 0x41 * 32 + 3, 2, 0x5a);
    vga_update_display(s);
    CHECK_EQ(counter.y0, 0);
    CHECK_EQ(counter.y1, 400);
    /* A palette change too. */
    counter_reset();
    s->palette[3 * 3] ^= 1;
    vga_update_display(s);
    CHECK_EQ(counter.y1 - counter.y0, 400);
    teardown();
}

static void test_text_grid(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    text_mode(s, false);
    s->cr[0x0a] = 14;
    s->cr[0x0b] = 15;
    set_start(s, 80);
    uint32_t cur = 80 + 4 * 80 + 9; /* screen row 4, column 9 */
    s->cr[0x0e] = cur >> 8;
    s->cr[0x0f] = cur & 0xff;
    vga_update_text(s);
    int cols = 0, rows = 0;
    const ConsoleChar *t = console_text(s->con, &cols, &rows);
    CHECK(t != NULL);
    CHECK_EQ(cols, 80);
    CHECK_EQ(rows, 25);
    if (t && cols == 80 && rows == 25) {
        int bad = 0;
        for (int i = 0; i < 80 * 25; i++) {
            uint32_t a = 2 * (80 + i);
            bad += t[i].ch != s->vram_ptr[a * 4] ||
                   t[i].attr != s->vram_ptr[a * 4 + 1];
        }
        CHECK_EQ(bad, 0);
    }
    teardown();
}

/* ---- Graphics -------------------------------------------------------------
 */

/* Mode 12h: 640x480, 16 colours, planar. */
static void mode_12h(VGACommonState *s)
{
    s->sr[1] = 0x01;
    s->sr[4] = 0x06;
    s->gr[5] = 0x00;
    s->gr[6] = 0x05;
    s->cr[0x01] = 79;
    s->cr[0x09] = 0x00;
    set_vde_lc(s, 480, 0x3ff);
    s->cr[0x13] = 40;
    s->cr[0x14] = 0x00;
    s->cr[0x17] = 0xe3;
    for (int i = 0; i < 16; i++) {
        s->ar[i] = (i * 3 + 20) & 0x3f;
    }
    s->ar[0x10] = 0x01;
    s->ar[0x12] = 0x0f;
    s->ar[0x13] = 0x00;
    s->ar[0x14] = 0x00;
    for (uint32_t a = 0; a < 65536; a++) {
        for (int p = 0; p < 4; p++) {
            plane_put(s, a, p, rnd());
        }
    }
}

static uint32_t g_start;
static int g_lc = 0x3ff, g_pan;

static int planar_index(VGACommonState *s, uint32_t a, int bit)
{
    int idx = 0;
    for (int p = 0; p < 4; p++) {
        idx |= ((s->vram_ptr[(a & 0xffff) * 4 + p] >> bit) & 1) << p;
    }
    return idx;
}

static uint32_t expect_12h(VGACommonState *s, int x, int y)
{
    uint32_t line =
        y <= g_lc ? g_start + y * 80 : (uint32_t)(y - g_lc - 1) * 80;
    int px = x + g_pan;
    return ar_colour(s, planar_index(s, line + px / 8, 7 - px % 8));
}

static void test_planar_12h(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    mode_12h(s);
    g_start = 0;
    g_lc = 0x3ff;
    g_pan = 0;
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_12h, 640, 480), 0);

    /* Split screen: start 10 lines down, line compare 199: the bottom
     * shows VRAM from address 0. */
    g_start = 800;
    g_lc = 199;
    set_start(s, g_start);
    set_vde_lc(s, 480, g_lc);
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_12h, 640, 480), 0);

    /* Pel panning by 3 (both parts: AR10 bit 5 clear). */
    g_pan = 3;
    s->ar[0x13] = 3;
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_12h, 640, 480), 0);

    /* Colour plane enable 0x05: planes 1 and 3 ignored. */
    s->ar[0x12] = 0x05;
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_12h, 640, 480), 0);
    teardown();
}

static uint32_t expect_0dh(VGACommonState *s, int x, int y)
{
    /* 320x200 shown as 640x400: dot clock / 2 and double scan. */
    int px = x / 2;
    return ar_colour(s, planar_index(s, (y / 2) * 40 + px / 8, 7 - px % 8));
}

static void test_planar_0dh_double(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    mode_12h(s);
    s->sr[1] = 0x09;
    s->cr[0x01] = 39;
    s->cr[0x09] = 0x80;
    set_vde_lc(s, 400, 0x3ff);
    s->cr[0x13] = 20;
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_0dh, 640, 400), 0);
    teardown();
}

static uint32_t expect_ar14(VGACommonState *s, int x, int y)
{
    /* AR10 bit 7: P5-4 from AR14 bits 1-0; P7-6 from AR14 bits 3-2. */
    int idx = planar_index(s, y * 80 + x / 8, 7 - x % 8);
    int v = (s->ar[idx] & 0x0f) | (s->ar[0x14] & 3) << 4 |
            (s->ar[0x14] & 0x0c) << 4;
    return dac(s, v & s->pel_mask);
}

static void test_planar_ar14_pelmask(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    mode_12h(s);
    s->ar[0x10] = 0x81;
    s->ar[0x14] = 0x0e;
    s->pel_mask = 0xbf;
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_ar14, 640, 480), 0);
    teardown();
}

/* CGA 320x200 4 colours (mode 4): bytes at B8000h for even lines and
 * BA000h for odd ones, 80 per line, four 2-bit pixels a byte.  The test
 * writes them where odd/even puts CPU byte o: plane (o & 1) of planar
 * address o & ~1. */
static uint8_t cga_mem[16384];

static uint32_t expect_cga4(VGACommonState *s, int x, int y)
{
    int px = x / 2, line = y / 2;
    uint8_t b = cga_mem[(line & 1) * 8192 + (line >> 1) * 80 + px / 4];
    return ar_colour(s, (b >> (6 - 2 * (px % 4))) & 3);
}

static void test_cga4(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    s->sr[1] = 0x09;
    s->sr[4] = 0x02;
    s->gr[5] = 0x30;
    s->gr[6] = 0x0f;
    s->cr[0x01] = 39;
    s->cr[0x09] = 0xc1;
    set_vde_lc(s, 400, 0x3ff);
    s->cr[0x13] = 20;
    s->cr[0x14] = 0x00;
    s->cr[0x17] = 0xa2;
    for (int i = 0; i < 16; i++) {
        s->ar[i] = (i * 9 + 1) & 0x3f;
    }
    s->ar[0x10] = 0x01;
    s->ar[0x12] = 0x03;
    for (int o = 0; o < 16384; o++) {
        cga_mem[o] = rnd();
        plane_put(s, o & ~1, o & 1, cga_mem[o]);
        plane_put(s, o & ~1, 2 + (o & 1), rnd()); /* masked by AR12 */
    }
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_cga4, 640, 400), 0);
    teardown();
}

/* Mode 6: 640x200 2 colours, byte mode, plane 0 only, CGA interleave. */
static uint32_t expect_cga2(VGACommonState *s, int x, int y)
{
    int line = y / 2;
    uint8_t b = cga_mem[(line & 1) * 8192 + (line >> 1) * 80 + x / 8];
    return ar_colour(s, (b >> (7 - x % 8)) & 1);
}

static void test_cga2(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    s->sr[1] = 0x01;
    s->sr[4] = 0x06;
    s->gr[5] = 0x00;
    s->gr[6] = 0x0d;
    s->cr[0x01] = 79;
    s->cr[0x09] = 0xc1;
    set_vde_lc(s, 400, 0x3ff);
    s->cr[0x13] = 40;
    s->cr[0x17] = 0xc2;
    for (int i = 0; i < 16; i++) {
        s->ar[i] = (i * 9 + 1) & 0x3f;
    }
    s->ar[0x10] = 0x01;
    s->ar[0x12] = 0x01;
    for (int o = 0; o < 16384; o++) {
        cga_mem[o] = rnd();
        plane_put(s, o, 0, cga_mem[o]);
        plane_put(s, o, 1, rnd());
    }
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_cga2, 640, 400), 0);
    teardown();
}

/* Mode 13h: 320x200 shown 640x400; pixel (px, line) is byte
 * line * 320 + px of the chain-4 window, i.e. plane px & 3 of planar
 * address (line * 320 + px) >> 2. */
static uint8_t lin[320 * 480];

static void mode_13h(VGACommonState *s)
{
    s->sr[1] = 0x01;
    s->sr[4] = 0x0e;
    s->gr[5] = 0x40;
    s->gr[6] = 0x05;
    s->cr[0x01] = 79;
    s->cr[0x09] = 0x41;
    set_vde_lc(s, 400, 0x3ff);
    s->cr[0x13] = 40;
    s->cr[0x14] = 0x40;
    s->cr[0x17] = 0xa3;
    s->ar[0x10] = 0x41;
    s->ar[0x12] = 0x0f;
    s->ar[0x13] = 0x00;
    for (int o = 0; o < 320 * 480; o++) {
        lin[o] = rnd();
        plane_put(s, o >> 2, o & 3, lin[o]);
    }
}

static uint32_t expect_13h(VGACommonState *s, int x, int y)
{
    int px = x / 2 + g_pan, line = y / 2;
    return dac(s, lin[g_start * 4 + line * 320 + px] & s->pel_mask);
}

static void test_mode_13h(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    mode_13h(s);
    g_start = 0;
    g_pan = 0;
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_13h, 640, 400), 0);
    /* Start address 80 (one line of 320 pixels) and panning by 2 pixels
     * (AR13 = 4), the PEL mask at 0x7f. */
    g_start = 80;
    g_pan = 2;
    set_start(s, g_start);
    s->ar[0x13] = 4;
    s->pel_mask = 0x7f;
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_13h, 640, 400), 0);

    /* Dirty tracking: one pixel on line 150 changes, only nearby lines
     * are redrawn, an unchanged frame is not reported at all. */
    counter_reset();
    vga_update_display(s);
    CHECK_EQ(counter.updates, 0);
    int o = 80 * 4 + 150 * 320 + 10;
    lin[o] ^= 0xff;
    plane_put(s, o >> 2, o & 3, lin[o]);
    vga_update_display(s);
    CHECK(counter.updates >= 1);
    CHECK(counter.y0 <= 300 && counter.y1 >= 302);
    CHECK(counter.y1 - counter.y0 <= 2 * 4096 / 320 * 2 + 4);
    CHECK_EQ(surface_mismatches(s, expect_13h, 640, 400), 0);
    teardown();
}

static uint32_t expect_modex(VGACommonState *s, int x, int y)
{
    /* 320x240 unchained: pixel px of line is plane px & 3 at planar
     * address line * 80 + px / 4, shown 640x480 (each line twice). */
    int px = x / 2, line = y / 2;
    return dac(s, s->vram_ptr[(g_start + line * 80 + px / 4) * 4 + px % 4]);
}

static void test_mode_x(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    mode_13h(s);
    s->sr[4] = 0x06;
    s->cr[0x14] = 0x00;
    s->cr[0x17] = 0xe3;
    set_vde_lc(s, 480, 0x3ff);
    g_start = 0;
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_modex, 640, 480), 0);
    /* Page flip: the second page at planar address 19200. */
    g_start = 19200;
    set_start(s, g_start);
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_modex, 640, 480), 0);
    teardown();
}

/* The power-on registers (CR01 = 0, one scanline) are no picture: the
 * console keeps its placeholder until a mode is set. */
static void test_power_on(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    int w = width(s), h = height(s), sw = counter.switches;
    vga_update_display(s);
    CHECK_EQ(counter.switches, sw);
    CHECK_EQ(width(s), w);
    CHECK_EQ(height(s), h);
    CHECK(w >= 320);
    mode_13h(s);
    vga_update_display(s);
    CHECK_EQ(counter.switches, sw + 1);
    CHECK_EQ(width(s), 640);
    teardown();
}

static void test_blank(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    mode_13h(s);
    s->sr[1] |= 0x20; /* screen off */
    vga_update_display(s);
    CHECK_EQ(width(s), 640);
    CHECK_EQ(pixel(s, 100, 100), 0);
    CHECK_EQ(pixel(s, 639, 399), 0);
    teardown();
}

/* ---- VBE ------------------------------------------------------------------
 */

static bool vbe_set(VGACommonState *s, int w, int h, int bpp, int vw, int xo,
                    int yo)
{
    uint16_t *r = s->vbe_regs;
    r[VBE_DISPI_INDEX_XRES] = w;
    r[VBE_DISPI_INDEX_YRES] = h;
    r[VBE_DISPI_INDEX_BPP] = bpp;
    r[VBE_DISPI_INDEX_VIRT_WIDTH] = vw;
    r[VBE_DISPI_INDEX_X_OFFSET] = xo;
    r[VBE_DISPI_INDEX_Y_OFFSET] = yo;
    r[VBE_DISPI_INDEX_ENABLE] = VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED;
    VBEMode m;
    return vbe_get_mode(s, &m);
}

static int vbe_bpp, vbe_vw, vbe_xo, vbe_yo;

static uint32_t expect_vbe(VGACommonState *s, int x, int y)
{
    int bytes = (vbe_bpp + 7) / 8;
    const uint8_t *p =
        &s->vram_ptr[((y + vbe_yo) * vbe_vw + x + vbe_xo) * bytes];
    uint32_t v = p[0] | p[1] << 8, r, g, b;
    switch (vbe_bpp) {
    case 8:
        return dac(s, p[0]);
    case 15:
        r = (v >> 10) & 31, g = (v >> 5) & 31, b = v & 31;
        return widen(r, 5) << 16 | widen(g, 5) << 8 | widen(b, 5);
    case 16:
        r = v >> 11, g = (v >> 5) & 63, b = v & 31;
        return widen(r, 5) << 16 | widen(g, 6) << 8 | widen(b, 5);
    default: /* 24 and 32: B, G, R in memory */
        return p[2] << 16 | p[1] << 8 | p[0];
    }
}

static void test_vbe(void)
{
    VGACommonState *s = setup();
    if (!s) {
        return;
    }
    for (uint32_t o = 0; o < 4 * MiB; o++) {
        s->vram_ptr[o] = rnd();
    }
    memory_region_set_dirty(&s->vram, 0, 4 * MiB);
    static const int bpps[] = {32, 24, 16, 15, 8};
    for (unsigned i = 0; i < ARRAY_SIZE(bpps); i++) {
        vbe_bpp = bpps[i];
        vbe_vw = 1100;
        vbe_xo = 3;
        vbe_yo = 5;
        if (!vbe_set(s, 1024, 768, vbe_bpp, vbe_vw, vbe_xo, vbe_yo)) {
            test_fail(__FILE__, __LINE__, "vbe_get_mode refused %d bpp",
                      vbe_bpp);
            continue;
        }
        vga_update_display(s);
        CHECK_EQ(surface_mismatches(s, expect_vbe, 1024, 768), 0);
    }
    /* 32 bpp: one changed pixel redraws its line only; idle: nothing. */
    vbe_bpp = 32;
    vbe_vw = 1024;
    vbe_xo = vbe_yo = 0;
    vbe_set(s, 1024, 768, 32, 1024, 0, 0);
    vga_update_display(s);
    counter_reset();
    vga_update_display(s);
    CHECK_EQ(counter.updates, 0);
    s->vram_ptr[(400 * 1024 + 7) * 4] ^= 0xff;
    memory_region_set_dirty(&s->vram, (400 * 1024 + 7) * 4, 1);
    vga_update_display(s);
    CHECK_EQ(counter.updates, 1);
    CHECK_EQ(counter.y0, 400);
    CHECK_EQ(counter.y1, 401);
    CHECK_EQ(surface_mismatches(s, expect_vbe, 1024, 768), 0);
    /* Back to VGA: the surface follows. */
    s->vbe_regs[VBE_DISPI_INDEX_ENABLE] = 0;
    mode_13h(s);
    g_start = 0;
    g_pan = 0;
    vga_update_display(s);
    CHECK_EQ(surface_mismatches(s, expect_13h, 640, 400), 0);
    teardown();
}

/* ---- Hostile values -------------------------------------------------------
 */

static void hostile(uint32_t mb)
{
    VGACommonState *s = setup_mb(mb);
    if (!s) {
        return;
    }
    /* Seeded random registers, including the extremes: every mode, start
     * addresses and offsets near the top of the counter, line compares
     * beyond the screen, 256 characters of 9 dots doubled, 32 scanlines
     * doubled.  Reads stay inside vram[] (ASan in make check-sanitize). */
    for (int iter = 0; iter < 300; iter++) {
        for (int i = 0; i < VGA_SR_COUNT; i++) {
            s->sr[i] = rnd();
        }
        for (int i = 0; i < VGA_GR_COUNT; i++) {
            s->gr[i] = rnd();
        }
        for (int i = 0; i < VGA_AR_COUNT; i++) {
            s->ar[i] = rnd();
        }
        for (int i = 0; i < 0x19; i++) {
            s->cr[i] = rnd();
        }
        s->sr[1] &= ~0x20;
        s->ar_index = 0x20;
        s->pel_mask = rnd();
        if (iter % 4 == 0) {
            s->cr[0x01] = 0xff;
            s->cr[0x0c] = s->cr[0x0d] = 0xff;
            s->cr[0x13] = 0xff;
            s->cr[0x12] = 0xff;
            s->cr[0x07] = 0xff;
            s->cr[0x09] = 0xff;
        }
        if (iter % 3 == 0) {
            uint16_t *r = s->vbe_regs;
            r[VBE_DISPI_INDEX_XRES] = rnd();
            r[VBE_DISPI_INDEX_YRES] = rnd() % 2000;
            r[VBE_DISPI_INDEX_BPP] = rnd() % 40;
            r[VBE_DISPI_INDEX_VIRT_WIDTH] = rnd();
            r[VBE_DISPI_INDEX_X_OFFSET] = rnd();
            r[VBE_DISPI_INDEX_Y_OFFSET] = rnd();
            r[VBE_DISPI_INDEX_ENABLE] = VBE_DISPI_ENABLED;
        } else {
            s->vbe_regs[VBE_DISPI_INDEX_ENABLE] = 0;
        }
        vga_update_display(s);
        vga_update_text(s);
        CHECK(width(s) >= 1 && height(s) >= 1);
    }
    teardown();
}

/* The smallest VRAM (1 MiB) and the default. */
static void test_hostile(void)
{
    hostile(1);
    hostile(16);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_text_80x25);
    TEST_RUN(test_text_40x25);
    TEST_RUN(test_text_8dot_maps);
    TEST_RUN(test_text_cursor_blink);
    TEST_RUN(test_text_line_graphics);
    TEST_RUN(test_text_idle_and_dirty);
    TEST_RUN(test_text_grid);
    TEST_RUN(test_planar_12h);
    TEST_RUN(test_planar_0dh_double);
    TEST_RUN(test_planar_ar14_pelmask);
    TEST_RUN(test_cga4);
    TEST_RUN(test_cga2);
    TEST_RUN(test_mode_13h);
    TEST_RUN(test_mode_x);
    TEST_RUN(test_power_on);
    TEST_RUN(test_blank);
    TEST_RUN(test_vbe);
    TEST_RUN(test_hostile);
    return test_finish();
}
