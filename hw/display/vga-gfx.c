/*
 * VGA graphics modes and the VBE linear modes.
 *
 * VGA modes are drawn one scanline at a time through the CRTC's address
 * mapping (vga_planar_addr: byte/word/dword mode, the CGA and Hercules
 * row-scan substitutions) and the serializer's shift modes (GR5 bits 5-6):
 *   - planar 16 colours: bit 7-k of planes 0-3 make pixel k's index
 *     (modes 0Dh-12h, and mode 6's 2 colours with only plane 0 enabled);
 *   - CGA 4 colours (shift register interleave): plane 0 then plane 1 give
 *     four 2-bit pixels each, planes 2 and 3 the upper two bits;
 *   - 256 colours: the four planes of an address are four 8-bit pixels of
 *     two dots each (mode 13h through chain-4, Mode X unchained).
 * A scanline is drawn when a VRAM page it reads is dirty, or on a full
 * redraw.  Pixels go through the palette table of vga-render.c.
 *
 * VBE modes read bytes straight from vram[] at start_addr + y *
 * line_offset; 8 bpp through the DAC, 15/16/24 bpp converted by pixman,
 * 32 bpp copied.  Lines running past the end of vram[] are clipped (black
 * beyond it).
 */
#include "hw/display/vga-render.h"

/* Is the planar memory a scanline reads (n character clocks from l)
 * dirty? */
static bool line_dirty(VGACommonState *s, const DirtyBitmapSnapshot *snap,
                       const VGAGeom *g, const VGALine *l, int n)
{
    uint32_t a0 = vga_planar_addr(g, l->counter, l->row_scan);
    uint32_t a1 = vga_planar_addr(g, l->counter + n - 1, l->row_scan);
    uint32_t span = g->addr_mode == VGA_ADDR_WORD ? 2 * n + 1 : n;
    if (a1 >= a0 && a1 - a0 <= span) {
        return vga_range_dirty(s, snap, (uint64_t)a0 * 4,
                               (uint64_t)(a1 - a0 + 1) * 4);
    }
    /* The counter wrapped within the line: look at all of it. */
    return vga_range_dirty(s, snap, 0, VGA_PLANAR_BYTES);
}

static void draw_planar(const VGACommonState *s, const VGAGeom *g,
                        const uint32_t *spread4, const uint32_t *pal,
                        const VGALine *l, int n, uint32_t *buf)
{
    int dup = g->pix_dup;
    for (int i = 0; i < n; i++) {
        const uint8_t *p =
            &s->vram_ptr[vga_planar_addr(g, l->counter + i, l->row_scan) * 4];
        /* Nibble k of v is pixel k's index: plane j gives its bit j. */
        uint32_t v = spread4[p[0]] | spread4[p[1]] << 1 | spread4[p[2]] << 2 |
                     spread4[p[3]] << 3;
        if (dup == 1) {
            for (int k = 0; k < 8; k++, v >>= 4) {
                *buf++ = pal[v & 15];
            }
        } else {
            for (int k = 0; k < 8; k++, v >>= 4) {
                buf[0] = buf[1] = pal[v & 15];
                buf += 2;
            }
        }
    }
}

static void draw_cga4(const VGACommonState *s, const VGAGeom *g,
                      const uint32_t *pal, const VGALine *l, int n,
                      uint32_t *buf)
{
    int dup = g->pix_dup;
    for (int i = 0; i < n; i++) {
        const uint8_t *p =
            &s->vram_ptr[vga_planar_addr(g, l->counter + i, l->row_scan) * 4];
        for (int half = 0; half < 2; half++) {
            unsigned lo = p[half], hi = p[half + 2];
            for (int sh = 6; sh >= 0; sh -= 2) {
                uint32_t px = pal[((lo >> sh) & 3) | (((hi >> sh) & 3) << 2)];
                for (int d = 0; d < dup; d++) {
                    *buf++ = px;
                }
            }
        }
    }
}

static void draw_256(const VGACommonState *s, const VGAGeom *g,
                     const uint32_t *pal, const VGALine *l, int n,
                     uint32_t *buf)
{
    int dots = 2 * g->pix_dup;
    for (int i = 0; i < n; i++) {
        const uint8_t *p =
            &s->vram_ptr[vga_planar_addr(g, l->counter + i, l->row_scan) * 4];
        for (int k = 0; k < 4; k++) {
            uint32_t px = pal[p[k]];
            for (int d = 0; d < dots; d++) {
                *buf++ = px;
            }
        }
    }
}

void vga_gfx_draw(VGACommonState *s, VGARenderCache *c, const VGAGeom *g,
                  const uint32_t *pal, const DirtyBitmapSnapshot *snap,
                  bool full)
{
    /* One more character clock than shown: panning pulls in the next. */
    int n = g->chars + 1;
    DisplaySurface *surf = console_surface(s->con);
    uint8_t *dst = surface_data(surf);
    int stride = surface_stride(surf);
    uint32_t buf[(VGA_MAX_CHARS + 1) * 8 * 2];
    VGALine l;
    for (int y = 0; y < g->height; y++) {
        vga_geom_line(g, y, &l);
        if (!full && !line_dirty(s, snap, g, &l, n)) {
            continue;
        }
        c->line_changed[y] = 1;
        switch (g->mode) {
        case VGA_RMODE_CGA4:
            draw_cga4(s, g, pal, &l, n, buf);
            break;
        case VGA_RMODE_256:
            draw_256(s, g, pal, &l, n, buf);
            break;
        default:
            draw_planar(s, g, c->spread4, pal, &l, n, buf);
            break;
        }
        int pan = l.lower && g->pan_split_reset ? 0 : g->pan;
        memcpy(dst + (size_t)y * stride, buf + pan,
               (size_t)g->width * sizeof(uint32_t));
    }
}

/* ---- VBE ------------------------------------------------------------------
 */

static pixman_format_code_t vbe_pixman_format(int bpp)
{
    switch (bpp) {
    case 15:
        return PIXMAN_x1r5g5b5;
    case 16:
        return PIXMAN_r5g6b5;
    case 24:
        return PIXMAN_r8g8b8; /* bytes B, G, R in memory, as VBE has */
    case 32:
        return PIXMAN_x8r8g8b8;
    default:
        return 0;
    }
}

/* One line by hand: 8 bpp, or a line pixman cannot take (unaligned, or
 * clipped at the end of VRAM). */
static void vbe_line_slow(const VGACommonState *s, const VBEMode *m,
                          const uint32_t *pal, uint64_t off, uint32_t *out)
{
    int bytespp = (m->bpp + 7) / 8;
    int x = 0;
    if (m->bpp == 8 && off + m->xres <= s->vram_size) {
        const uint8_t *p = &s->vram_ptr[off];
        for (; x < m->xres; x++) {
            out[x] = pal[p[x]];
        }
        return;
    }
    for (; x < m->xres && off + bytespp <= s->vram_size; x++, off += bytespp) {
        const uint8_t *p = &s->vram_ptr[off];
        uint32_t v;
        switch (m->bpp) {
        case 8:
            out[x] = pal[p[0]];
            continue;
        case 15:
            v = p[0] | p[1] << 8;
            out[x] = ((v >> 10) & 0x1f) << 19 | ((v >> 12) & 7) << 16 |
                     ((v >> 5) & 0x1f) << 11 | ((v >> 7) & 7) << 8 |
                     (v & 0x1f) << 3 | ((v >> 2) & 7);
            continue;
        case 16:
            v = p[0] | p[1] << 8;
            out[x] = ((v >> 11) & 0x1f) << 19 | ((v >> 13) & 7) << 16 |
                     ((v >> 5) & 0x3f) << 10 | ((v >> 9) & 3) << 8 |
                     (v & 0x1f) << 3 | ((v >> 2) & 7);
            continue;
        case 24:
            out[x] = p[2] << 16 | p[1] << 8 | p[0];
            continue;
        default:
            out[x] = (p[2] << 16 | p[1] << 8 | p[0]) & 0xffffff;
            continue;
        }
    }
    for (; x < m->xres; x++) {
        out[x] = 0; /* clipped: past the end of VRAM */
    }
}

void vga_vbe_draw(VGACommonState *s, VGARenderCache *c, const VGAGeom *g,
                  const uint32_t *pal, const DirtyBitmapSnapshot *snap,
                  bool full)
{
    const VBEMode *m = &g->vbe;
    int bytespp = (m->bpp + 7) / 8;
    uint64_t len = (uint64_t)m->xres * bytespp;
    for (int y = 0; y < m->yres; y++) {
        uint64_t off = m->start_addr + (uint64_t)y * m->line_offset;
        c->line_changed[y] = full || vga_range_dirty(s, snap, off, len);
    }

    DisplaySurface *surf = console_surface(s->con);
    pixman_format_code_t fmt = vbe_pixman_format(m->bpp);
    for (int y = 0; y < m->yres;) {
        if (!c->line_changed[y]) {
            y++;
            continue;
        }
        /* A run of changed lines wholly inside VRAM goes to pixman in one
         * composite when its addresses suit pixman (32-bit aligned). */
        int y0 = y;
        while (y < m->yres && c->line_changed[y]) {
            y++;
        }
        uint64_t first = m->start_addr + (uint64_t)y0 * m->line_offset;
        uint64_t end = m->start_addr + (uint64_t)(y - 1) * m->line_offset + len;
        if (fmt && end <= s->vram_size && !(first & 3) &&
            !(m->line_offset & 3) && m->line_offset >= len) {
            pixman_image_t *src = pixman_image_create_bits(
                fmt, m->xres, y - y0, (uint32_t *)(s->vram_ptr + first),
                m->line_offset);
            if (src) {
                pixman_image_composite32(PIXMAN_OP_SRC, src, NULL, surf->image,
                                         0, 0, 0, 0, 0, y0, m->xres, y - y0);
                pixman_image_unref(src);
                continue;
            }
        }
        for (int yy = y0; yy < y; yy++) {
            uint64_t off = m->start_addr + (uint64_t)yy * m->line_offset;
            uint32_t *out = (uint32_t *)(surface_data(surf) +
                                         (size_t)yy * surface_stride(surf));
            vbe_line_slow(s, m, pal, off, out);
        }
    }
}
