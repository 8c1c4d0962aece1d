/*
 * The VGA picture: works out the display mode and geometry from the
 * registers (or the VBE mode), keeps the console's surface at the guest's
 * resolution, and hands the scanlines that need drawing to vga-text.c or
 * vga-gfx.c.  Only what changed is drawn: a register or palette change
 * redraws everything, otherwise a scanline is drawn when a VRAM page it
 * reads is dirty (DIRTY_MEMORY_VGA) or, in text mode, when one of its
 * cells, the cursor or the blink phase changed.  An idle screen takes one
 * dirty-bitmap snapshot, a register comparison and no pixel work.
 *
 * The register meanings follow the IBM VGA technical reference (the CRTC,
 * sequencer, graphics and attribute controller chapters).
 */
#include "hw/display/vga-render.h"

/* ---- Geometry -------------------------------------------------------------
 */

/* Plane-2 offset of character map n (SR3): maps 0-3 at 16 KiB steps,
 * 4-7 in the 8 KiB halves between them. */
static int char_map_offset(int n)
{
    return (n & 3) * 16 * KiB + (n >> 2) * 8 * KiB;
}

static void vga_geom_compute(VGACommonState *s, VGAGeom *g)
{
    memset(g, 0, sizeof(*g));
    if (vbe_enabled(s)) {
        VBEMode m;
        if (vbe_get_mode(s, &m) && m.xres > 0 && m.yres > 0 &&
            m.xres <= VBE_DISPI_MAX_XRES && m.yres <= VBE_DISPI_MAX_YRES) {
            g->mode = VGA_RMODE_VBE;
            g->vbe = m;
            g->width = m.xres;
            g->height = m.yres;
            return;
        }
    }
    const uint8_t *cr = s->cr;
    bool text = !(s->ar[VGA_AR_MODE] & 0x01);
    uint8_t gr5 = s->gr[VGA_GR_MODE];

    g->chars = cr[VGA_CRTC_H_DISP] + 1;
    g->dot_w = text && !(s->sr[VGA_SR_CLOCK] & 0x01) ? 9 : 8;
    g->pix_dup = s->sr[VGA_SR_CLOCK] & 0x08 ? 2 : 1;
    g->width = g->chars * g->dot_w * g->pix_dup;
    g->height =
        (cr[VGA_CRTC_V_DISP_END] | ((cr[VGA_CRTC_OVERFLOW] & 0x02) << 7) |
         ((cr[VGA_CRTC_OVERFLOW] & 0x40) << 3)) +
        1;
    /* Byte panning (CR8 bits 5-6) moves the start by whole characters. */
    g->start = ((cr[VGA_CRTC_START_HI] << 8) | cr[VGA_CRTC_START_LO]) +
               ((cr[VGA_CRTC_PRESET_ROW] >> 5) & 3);
    g->offset = cr[VGA_CRTC_OFFSET] * 2;
    g->line_compare = cr[VGA_CRTC_LINE_COMPARE] |
                      ((cr[VGA_CRTC_OVERFLOW] & 0x10) << 4) |
                      ((cr[VGA_CRTC_MAX_SCAN] & 0x40) << 3);
    g->max_scan = cr[VGA_CRTC_MAX_SCAN] & 0x1f;
    g->double_scan = cr[VGA_CRTC_MAX_SCAN] >> 7;
    g->preset_row = cr[VGA_CRTC_PRESET_ROW] & 0x1f;
    if (cr[VGA_CRTC_UNDERLINE] & 0x40) {
        g->addr_mode = VGA_ADDR_DWORD;
    } else if (cr[VGA_CRTC_MODE] & 0x40) {
        g->addr_mode = VGA_ADDR_BYTE;
    } else {
        g->addr_mode = VGA_ADDR_WORD;
    }
    g->word_bit15 = (cr[VGA_CRTC_MODE] >> 5) & 1;
    g->cga_bit13 = !(cr[VGA_CRTC_MODE] & 0x01);
    g->herc_bit14 = !(cr[VGA_CRTC_MODE] & 0x02);
    g->ar_mode = s->ar[VGA_AR_MODE];
    g->pan_split_reset = (s->ar[VGA_AR_MODE] >> 5) & 1;

    int pan = s->ar[VGA_AR_PEL_PAN] & 0x0f;
    if (text) {
        g->mode = VGA_RMODE_TEXT;
        /* 9-dot characters: 8 means no shift, 0-7 shift by 1-8 dots. */
        if (g->dot_w == 9) {
            pan = pan >= 8 ? 0 : pan + 1;
        } else {
            pan &= 7;
        }
        g->pan = pan * g->pix_dup;
        uint8_t sr3 = s->sr[VGA_SR_CHAR_MAP];
        g->map_a = char_map_offset(((sr3 >> 5) & 1) << 2 | ((sr3 >> 2) & 3));
        g->map_b = char_map_offset(((sr3 >> 4) & 1) << 2 | (sr3 & 3));
        g->cursor = (cr[VGA_CRTC_CURSOR_HI] << 8) | cr[VGA_CRTC_CURSOR_LO];
        g->cursor_start = cr[VGA_CRTC_CURSOR_START] & 0x1f;
        g->cursor_off = (cr[VGA_CRTC_CURSOR_START] >> 5) & 1;
        g->cursor_end = cr[VGA_CRTC_CURSOR_END] & 0x1f;
        g->underline = cr[VGA_CRTC_UNDERLINE] & 0x1f;
    } else if (gr5 & 0x40) {
        g->mode = VGA_RMODE_256;
        /* A 256-colour pixel is two dots; AR13 bit 0 is ignored. */
        g->pan = (pan & 6) * g->pix_dup;
    } else {
        g->mode = gr5 & 0x20 ? VGA_RMODE_CGA4 : VGA_RMODE_PLANAR;
        g->pan = (pan & 7) * g->pix_dup;
    }
    /* Screen off (SR1 bit 5) or the palette being programmed (PAS clear):
     * the monitor shows black at the same size. */
    if ((s->sr[VGA_SR_CLOCK] & 0x20) ||
        !(s->ar_index & VGA_AR_ENABLE_DISPLAY)) {
        g->mode = VGA_RMODE_BLANK;
    }
}

void vga_geom_line(const VGAGeom *g, int y, VGALine *l)
{
    int row_h = g->max_scan + 1;
    if (y <= g->line_compare) {
        int sl = (g->double_scan ? y >> 1 : y) + g->preset_row;
        l->vrow = sl / row_h;
        l->row_scan = sl % row_h;
        l->counter = g->start + (uint32_t)l->vrow * g->offset;
        l->lower = false;
    } else {
        /* The line after the match starts again at address 0, row scan 0. */
        int lc = g->line_compare;
        int top_rows =
            ((g->double_scan ? lc >> 1 : lc) + g->preset_row) / row_h + 1;
        int yy = y - lc - 1;
        int sl = g->double_scan ? yy >> 1 : yy;
        int r = sl / row_h;
        l->row_scan = sl % row_h;
        l->counter = (uint32_t)r * g->offset;
        l->vrow = top_rows + r;
        l->lower = true;
    }
}

/* ---- Palette --------------------------------------------------------------
 */

static uint32_t dac_rgb(const VGACommonState *s, int i)
{
    const uint8_t *p = &s->palette[(i & 0xff) * 3];
    uint32_t r = p[0], gr = p[1], b = p[2];
    if (!s->dac_8bit) {
        /*
         * 6-bit DAC values to 8 bits: shift up and fill the two new low bits
         * with the value's lowest bit, so 0 stays 0 and 63 becomes 255.  It
         * is the expansion qemu-system-i386 uses (0x2A -> 0xA8, 0x15 ->
         * 0x57), which tests/functional/test-vga-render.sh compares with
         * pixel by pixel.
         */
        r = ((r & 0x3f) << 2) | (r & 1) * 3;
        gr = ((gr & 0x3f) << 2) | (gr & 1) * 3;
        b = ((b & 0x3f) << 2) | (b & 1) * 3;
    }
    return r << 16 | gr << 8 | b;
}

/*
 * pal[] maps what the mode's pixels hold to x8r8g8b8: 8-bit pixels straight
 * through the PEL mask to the DAC; 4-bit pixels (text attributes, planar)
 * through the colour plane enable, the attribute palette and AR14 first.
 */
static void vga_palette_compute(const VGACommonState *s, const VGAGeom *g,
                                uint32_t pal[256])
{
    memset(pal, 0, 256 * sizeof(pal[0]));
    switch (g->mode) {
    case VGA_RMODE_BLANK:
        return;
    case VGA_RMODE_VBE:
        if (g->vbe.bpp != 8) {
            return; /* direct colour: the DAC is not used */
        }
        /* fall through */
    case VGA_RMODE_256:
        for (int i = 0; i < 256; i++) {
            pal[i] = dac_rgb(s, i & s->pel_mask);
        }
        return;
    default:
        break;
    }
    uint8_t ar10 = s->ar[VGA_AR_MODE], ar14 = s->ar[VGA_AR_COLOR_SELECT];
    uint8_t enable = s->ar[VGA_AR_PLANE_ENABLE] & 0x0f;
    for (int i = 0; i < 16; i++) {
        uint8_t v = s->ar[i & enable];
        if (ar10 & 0x80) {
            v = (v & 0x0f) | ((ar14 & 0x03) << 4); /* P5-P4 from AR14 */
        } else {
            v &= 0x3f;
        }
        v |= (ar14 & 0x0c) << 4; /* P7-P6 */
        pal[i] = dac_rgb(s, v & s->pel_mask);
    }
}

/* ---- Dirty bits and the surface -------------------------------------------
 */

bool vga_range_dirty(VGACommonState *s, const DirtyBitmapSnapshot *snap,
                     uint64_t addr, uint64_t len)
{
    if (addr >= s->vram_size || !len) {
        return false;
    }
    len = MIN(len, s->vram_size - addr);
    return memory_region_snapshot_get_dirty(&s->vram, snap, addr, len);
}

static VGARenderCache *cache_get(VGACommonState *s)
{
    if (!s->render_cache) {
        VGARenderCache *c = calloc(1, sizeof(*c));
        if (!c) {
            return NULL;
        }
        for (int b = 0; b < 256; b++) {
            for (int k = 0; k < 8; k++) {
                c->spread4[b] |= (uint32_t)((b >> (7 - k)) & 1) << (4 * k);
            }
        }
        s->render_cache = c;
    }
    return s->render_cache;
}

static bool cache_lines(VGARenderCache *c, int height)
{
    if (height > c->lines_alloc) {
        uint8_t *p = realloc(c->line_changed, height);
        if (!p) {
            return false;
        }
        c->line_changed = p;
        c->lines_alloc = height;
    }
    memset(c->line_changed, 0, height);
    return true;
}

/* Tell the listeners about each run of changed scanlines. */
static void flush_updates(VGACommonState *s, VGARenderCache *c, int w, int h)
{
    for (int y = 0; y < h;) {
        if (!c->line_changed[y]) {
            y++;
            continue;
        }
        int y0 = y;
        while (y < h && c->line_changed[y]) {
            y++;
        }
        dpy_gfx_update(s->con, 0, y0, w, y - y0);
    }
}

void vga_invalidate_display(void *opaque)
{
    VGACommonState *s = opaque;
    s->full_update = true;
}

void vga_update_display(void *opaque)
{
    VGACommonState *s = opaque;
    if (!s->con || !s->vram_ptr) {
        return;
    }
    VGARenderCache *c = cache_get(s);
    if (!c) {
        return;
    }
    VGAGeom g;
    uint32_t pal[256];
    vga_geom_compute(s, &g);
    if (g.mode != VGA_RMODE_VBE &&
        (g.chars < VGA_MIN_CHARS || g.height < VGA_MIN_LINES)) {
        /* The registers at power-on (CR01 = 0: 9x1 dots) or halfway
         * through a mode set: keep showing what was there. */
        return;
    }
    vga_palette_compute(s, &g, pal);

    bool full = !c->valid || s->full_update ||
                memcmp(&g, &c->geom, sizeof(g)) ||
                memcmp(pal, c->palette, sizeof(pal));
    DisplaySurface *surf = console_surface(s->con);
    if (surface_width(surf) != g.width || surface_height(surf) != g.height ||
        surf->format != SURFACE_DEFAULT_FORMAT) {
        surf = surface_create(g.width, g.height);
        if (!surf) {
            return; /* sizes are bounded above; cannot happen */
        }
        dpy_gfx_replace_surface(s->con, surf);
        full = true;
    }
    if (!cache_lines(c, g.height)) {
        return;
    }
    /* VGA modes see only the first 256 KiB (vga-render.h), VBE modes the
     * bytes from the first visible pixel to the last. */
    uint64_t first = 0, span = VGA_PLANAR_BYTES;
    if (g.mode == VGA_RMODE_VBE) {
        first = MIN(g.vbe.start_addr, s->vram_size);
        span = (uint64_t)(g.vbe.yres - 1) * g.vbe.line_offset +
               (uint64_t)g.vbe.xres * ((g.vbe.bpp + 7) / 8);
        span = MIN(span, s->vram_size - first);
    }
    DirtyBitmapSnapshot *snap = memory_region_snapshot_and_clear_dirty(
        &s->vram, first, span, DIRTY_MEMORY_VGA);
    /* Idle graphics: no page dirty, so no line to look at one by one. */
    bool any_dirty = vga_range_dirty(s, snap, first, span);
    if (!full && !any_dirty && g.mode != VGA_RMODE_TEXT) {
        dirty_bitmap_snapshot_free(snap);
        return;
    }

    switch (g.mode) {
    case VGA_RMODE_BLANK:
        if (full) {
            pixman_color_t black = {0, 0, 0, 0xffff};
            pixman_box32_t box = {0, 0, g.width, g.height};
            pixman_image_fill_boxes(PIXMAN_OP_SRC, surf->image, &black, 1,
                                    &box);
            memset(c->line_changed, 1, g.height);
        }
        break;
    case VGA_RMODE_TEXT:
        vga_text_draw(s, c, &g, pal, any_dirty, full);
        break;
    case VGA_RMODE_VBE:
        vga_vbe_draw(s, c, &g, pal, snap, full);
        break;
    default:
        vga_gfx_draw(s, c, &g, pal, snap, full);
        break;
    }
    dirty_bitmap_snapshot_free(snap);
    flush_updates(s, c, g.width, g.height);

    c->geom = g;
    memcpy(c->palette, pal, sizeof(pal));
    c->valid = true;
    s->full_update = false;
    s->last_width = g.width;
    s->last_height = g.height;
    s->last_mode = g.mode;
    s->last_start_addr = g.mode == VGA_RMODE_VBE ? g.vbe.start_addr : g.start;
    s->last_line_offset =
        g.mode == VGA_RMODE_VBE ? g.vbe.line_offset : g.offset;
    s->last_line_compare = g.line_compare;
}

void vga_update_text(void *opaque)
{
    VGACommonState *s = opaque;
    if (!s->con || !s->vram_ptr) {
        return;
    }
    VGAGeom g;
    vga_geom_compute(s, &g);
    if (g.mode == VGA_RMODE_TEXT) {
        vga_text_to_console(s, &g);
    }
}

void vga_render_cleanup(VGACommonState *s)
{
    VGARenderCache *c = s->render_cache;
    if (c) {
        free(c->cells);
        free(c->row_changed);
        free(c->line_changed);
        free(c);
        s->render_cache = NULL;
    }
}

const GraphicHwOps vga_graphic_ops = {
    .invalidate = vga_invalidate_display,
    .gfx_update = vga_update_display,
    .text_update = vga_update_text,
};
