/*
 * VGA text mode: characters and attributes in planes 0 and 1, glyphs in
 * plane 2 (32 bytes per character in character maps A and B, SR3), the
 * attribute controller's palette for the 16 colours, the cursor (CR0A/0B
 * shape, CR0E/0F position) and attribute blink (AR10 bit 3).
 *
 * Drawing only what changed: a cache holds, per character cell on screen,
 * the (char, attr) drawn last plus whether it was drawn blinked-off and
 * with the cursor.  The cells are compared only when VRAM was written or a
 * blink phase moved on; a scanline is drawn when its character row holds a
 * changed cell.  A change of font (plane 2) redraws everything.
 *
 * Phases come from CLOCK_VIRTUAL in frames of 1/70 s: the cursor toggles
 * every 16 frames, blinking characters every 32, as the VGA's frame counter
 * does.
 */
#include "hw/display/vga-render.h"

#define CELL_HIDDEN (1u << 16) /* blink attribute in its off phase */
#define CELL_CURSOR (1u << 17) /* the cursor is on this cell and shown */

static uint32_t cell_planar(const VGAGeom *g, uint32_t counter)
{
    /* Cells are fetched at row scan 0: CR17's CGA/Hercules substitutions
     * are for graphics (a text mode that sets them would pick different
     * cells per scanline, which no program relies on). */
    return vga_planar_addr(g, counter, 0);
}

static uint32_t cell_key(const VGACommonState *s, const VGAGeom *g,
                         uint32_t counter, bool blink_off, bool cursor_on)
{
    const uint8_t *p = &s->vram_ptr[cell_planar(g, counter) * 4];
    uint32_t key = p[0] | p[1] << 8;
    if (blink_off && (p[1] & 0x80)) {
        key |= CELL_HIDDEN;
    }
    if (cursor_on && ((counter ^ g->cursor) & VGA_PLANAR_MASK) == 0) {
        key |= CELL_CURSOR;
    }
    return key;
}

/* Copy character maps A and B out of plane 2; true if they changed. */
static bool font_changed(VGACommonState *s, VGARenderCache *c, const VGAGeom *g)
{
    bool changed = false;
    int maps[2] = {g->map_a, g->map_b};
    for (int m = 0; m < 2; m++) {
        uint8_t *dst = c->font[m];
        for (uint32_t j = 0; j < VGA_TEXT_MAP_SIZE; j++) {
            uint8_t v = s->vram_ptr[((maps[m] + j) & VGA_PLANAR_MASK) * 4 + 2];
            if (dst[j] != v) {
                dst[j] = v;
                changed = true;
            }
        }
    }
    return changed;
}

static bool cells_alloc(VGARenderCache *c, int cols, int vrows)
{
    if (c->cells && cols == c->cell_cols && vrows == c->cell_rows) {
        return true;
    }
    free(c->cells);
    free(c->row_changed);
    c->cells = calloc((size_t)cols * vrows, sizeof(*c->cells));
    c->row_changed = calloc(vrows, 1);
    c->cell_cols = cols;
    c->cell_rows = vrows;
    if (!c->cells || !c->row_changed) {
        free(c->cells);
        free(c->row_changed);
        c->cells = NULL;
        c->row_changed = NULL;
        return false;
    }
    return true;
}

/* One scanline of cells into buf (cols cells of dot_w * pix_dup dots). */
static void draw_text_line(const VGACommonState *s, const VGAGeom *g,
                           const uint32_t *pal, const uint32_t *cell, int cols,
                           int rs, uint32_t *buf)
{
    const uint8_t *vram = s->vram_ptr;
    bool blink_attr = g->ar_mode & 0x08;
    bool mono = g->ar_mode & 0x02;
    bool line_gfx = g->ar_mode & 0x04;
    bool cursor_line = rs >= g->cursor_start && rs <= g->cursor_end;
    int dup = g->pix_dup;
    for (int i = 0; i < cols; i++) {
        uint32_t key = cell[i];
        unsigned ch = key & 0xff, attr = (key >> 8) & 0xff;
        unsigned fgi = attr & 0x0f, bgi = attr >> 4;
        if (blink_attr) {
            bgi &= 7; /* bit 7 blinks instead of brightening */
        }
        if (key & CELL_HIDDEN) {
            fgi = bgi;
        }
        int map = attr & 0x08 ? g->map_a : g->map_b;
        unsigned glyph = vram[((map + ch * 32 + rs) & VGA_PLANAR_MASK) * 4 + 2];
        bool solid = ((key & CELL_CURSOR) && cursor_line) ||
                     (mono && rs == g->underline && (attr & 0x77) == 0x01);
        if (solid) {
            glyph = 0xff;
        }
        uint32_t fg = pal[fgi], bg = pal[bgi];
        for (int k = 0; k < 8; k++) {
            uint32_t px = glyph & (0x80 >> k) ? fg : bg;
            for (int d = 0; d < dup; d++) {
                *buf++ = px;
            }
        }
        if (g->dot_w == 9) {
            /* The 9th dot is background, except for the line-drawing
             * characters C0h-DFh when AR10 bit 2 asks to extend them. */
            bool on =
                solid || (line_gfx && ch >= 0xc0 && ch <= 0xdf && (glyph & 1));
            for (int d = 0; d < dup; d++) {
                *buf++ = on ? fg : bg;
            }
        }
    }
}

void vga_text_draw(VGACommonState *s, VGARenderCache *c, const VGAGeom *g,
                   const uint32_t *pal, bool vram_dirty, bool full)
{
    /* One more cell than shown: panning pulls in part of the next. */
    int cols = g->chars + 1;
    VGALine l;
    vga_geom_line(g, g->height - 1, &l);
    int vrows = l.vrow + 1;
    if (!(c->cells && cols == c->cell_cols && vrows == c->cell_rows)) {
        if (!cells_alloc(c, cols, vrows)) {
            return;
        }
        full = true;
    }
    int64_t frame = clock_get_ns(CLOCK_VIRTUAL) / VGA_FRAME_NS;
    int64_t cphase = frame / VGA_CURSOR_BLINK_FRAMES;
    int64_t bphase = frame / VGA_ATTR_BLINK_FRAMES;
    bool phase_moved = cphase != c->cursor_phase || bphase != c->blink_phase;
    c->cursor_phase = cphase;
    c->blink_phase = bphase;
    bool cursor_on =
        !g->cursor_off && g->cursor_start <= g->cursor_end && !(cphase & 1);
    bool blink_off = (g->ar_mode & 0x08) && (bphase & 1);

    if ((vram_dirty || full) && font_changed(s, c, g)) {
        full = true;
    }
    if (!full && !vram_dirty && !phase_moved) {
        return; /* idle: nothing to compare, nothing to draw */
    }

    /* Compare the cells of each character row on screen. */
    memset(c->row_changed, full, vrows);
    int prev = -1;
    for (int y = 0; y < g->height; y++) {
        vga_geom_line(g, y, &l);
        if (l.vrow != prev) {
            prev = l.vrow;
            uint32_t *cell = &c->cells[(size_t)l.vrow * cols];
            for (int i = 0; i < cols; i++) {
                uint32_t key =
                    cell_key(s, g, l.counter + i, blink_off, cursor_on);
                if (cell[i] != key) {
                    cell[i] = key;
                    c->row_changed[l.vrow] = 1;
                }
            }
        }
        c->line_changed[y] = c->row_changed[l.vrow];
    }

    DisplaySurface *surf = console_surface(s->con);
    uint8_t *dst = surface_data(surf);
    int stride = surface_stride(surf);
    uint32_t buf[(VGA_MAX_CHARS + 1) * 9 * 2];
    for (int y = 0; y < g->height; y++) {
        if (!c->line_changed[y]) {
            continue;
        }
        vga_geom_line(g, y, &l);
        draw_text_line(s, g, pal, &c->cells[(size_t)l.vrow * cols], cols,
                       l.row_scan, buf);
        int pan = l.lower && g->pan_split_reset ? 0 : g->pan;
        memcpy(dst + (size_t)y * stride, buf + pan,
               (size_t)g->width * sizeof(uint32_t));
    }
}

void vga_text_to_console(VGACommonState *s, const VGAGeom *g)
{
    int row_h = (g->max_scan + 1) << g->double_scan;
    int cols = MIN(g->chars, 512);
    int rows = MIN(MAX(g->height / row_h, 1), 512);
    int ccols = 0, crows = 0;
    if (!console_text(s->con, &ccols, &crows) || ccols != cols ||
        crows != rows) {
        dpy_text_resize(s->con, cols, rows);
    }
    for (int r = 0; r < rows; r++) {
        uint32_t counter = g->start + (uint32_t)r * g->offset;
        for (int i = 0; i < cols; i++) {
            const uint8_t *p = &s->vram_ptr[cell_planar(g, counter + i) * 4];
            dpy_text_set(s->con, i, r, (ConsoleChar){p[0], p[1]});
        }
    }
    uint32_t rel = (g->cursor - g->start) & VGA_PLANAR_MASK;
    int crow = g->offset ? rel / g->offset : 0;
    int ccol = (int)(g->offset ? rel % g->offset : rel);
    bool visible = !g->cursor_off && g->cursor_start <= g->cursor_end &&
                   crow < rows && ccol < cols;
    dpy_text_cursor(s->con, visible ? ccol : 0, visible ? crow : 0, visible);
}
