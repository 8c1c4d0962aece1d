/*
 * What the renderer's files (vga-render.c, vga-text.c, vga-gfx.c) share:
 * the display geometry worked out from the registers, the scanline ->
 * memory mapping of the CRTC, and the private cache.
 *
 * Output size: the picture is what a monitor shows, one surface pixel per
 * dot clock and one surface line per scanline (mode 13h is 640x400, mode
 * 0Dh 640x400, 80x25 text with 9-dot characters 720x400), as qemu's
 * screendump is, so screendumps of both compare pixel by pixel.
 *
 * Memory bounds: VGA (non-VBE) modes address planar memory through the
 * CRTC's 16-bit address counter; every planar address is masked to 16 bits
 * (VGA_PLANAR_MASK), so a VGA mode only ever reads the first 256 KiB of
 * vram[] (vram_size is at least that): out-of-range start addresses,
 * offsets and line compares WRAP, as the counter of a real VGA does.  VBE
 * lines are CLIPPED at the end of vram[] (the part past it draws black).
 */
#ifndef HW_DISPLAY_VGA_RENDER_H
#define HW_DISPLAY_VGA_RENDER_H

#include "hw/display/vga-internal.h"

#define VGA_PLANAR_MASK   0xffffu /* the CRTC's 16-bit address counter */
#define VGA_PLANAR_BYTES  (256 * KiB)
#define VGA_MAX_CHARS     256       /* CR01 + 1 */
#define VGA_TEXT_MAP_SIZE (8 * KiB) /* a character map in plane 2 */
/* Smaller VGA pictures are transient register states, not drawn. */
#define VGA_MIN_CHARS 8
#define VGA_MIN_LINES 8

/* Frame period of the 400/480-line modes (70 Hz) on CLOCK_VIRTUAL. */
#define VGA_FRAME_NS            14285714
#define VGA_CURSOR_BLINK_FRAMES 16 /* cursor toggles every 16 frames */
#define VGA_ATTR_BLINK_FRAMES   32 /* blinking characters every 32 */

typedef enum {
    VGA_RMODE_BLANK, /* display off (AR index PAS bit clear, SR1 screen off) */
    VGA_RMODE_TEXT,
    VGA_RMODE_CGA4,   /* GR5 shift mode 1: CGA 320x200 4-colour */
    VGA_RMODE_PLANAR, /* GR5 shift mode 0: 16-colour (and 2-colour) */
    VGA_RMODE_256,    /* GR5 bit 6: 8 bits per pixel, chain-4 or Mode X */
    VGA_RMODE_VBE,
} VGARenderMode;

typedef enum {
    VGA_ADDR_BYTE,  /* CR17 bit 6 set */
    VGA_ADDR_WORD,  /* CR17 bit 6 clear: counter << 1, bit 13/15 to bit 0 */
    VGA_ADDR_DWORD, /* CR14 bit 6 set */
} VGAAddrMode;

/*
 * Everything the picture depends on besides VRAM and the palette.  Filled
 * with memset 0 first, so two frames compare with memcmp: any difference
 * redraws the whole screen.
 */
typedef struct VGAGeom {
    int32_t mode;          /* VGARenderMode */
    int32_t width, height; /* surface size */
    /* CRTC (VGA modes) */
    int32_t chars;        /* displayed character clocks per line (CR01 + 1) */
    int32_t dot_w;        /* dots per character clock: 8 or 9 (text) */
    int32_t pix_dup;      /* 2 with dot clock / 2 (SR1 bit 3), else 1 */
    uint32_t start;       /* address counter at the top (CR0C/0D + CR8) */
    uint32_t offset;      /* counter units per character row (CR13 * 2) */
    int32_t line_compare; /* scanline after which the counter restarts */
    int32_t max_scan;     /* scanlines per character row - 1 (CR9) */
    int32_t double_scan;  /* CR9 bit 7 */
    int32_t preset_row;   /* CR8 bits 0-4 */
    int32_t addr_mode;    /* VGAAddrMode */
    int32_t word_bit15;   /* CR17 bit 5: bit 15 (not 13) goes to bit 0 */
    int32_t cga_bit13;    /* CR17 bit 0 clear: row scan bit 0 -> bit 13 */
    int32_t herc_bit14;   /* CR17 bit 1 clear: row scan bit 1 -> bit 14 */
    int32_t pan;          /* dots to skip at the left (AR13) */
    int32_t pan_split_reset; /* AR10 bit 5: no panning below line compare */
    /* Text */
    int32_t ar_mode;      /* AR10 */
    int32_t map_a, map_b; /* plane-2 byte offsets of character maps A, B */
    uint32_t cursor;      /* CR0E/0F, address counter units */
    int32_t cursor_start, cursor_end; /* scanlines; start > end: none */
    int32_t cursor_off;               /* CR0A bit 5 */
    int32_t underline;                /* CR14 bits 0-4 */
    /* VBE */
    VBEMode vbe;
} VGAGeom;

/* Where a scanline's data comes from. */
typedef struct VGALine {
    uint32_t counter; /* address counter at the left edge */
    int row_scan;     /* scanline within the character row */
    int vrow;         /* character row on screen, top part then bottom */
    bool lower;       /* below the line compare */
} VGALine;

/* The renderer's private state (VGACommonState.render_cache). */
typedef struct VGARenderCache {
    bool valid; /* geom and palette below were drawn */
    VGAGeom geom;
    uint32_t palette[256];
    /* Text: (char | attr << 8 | hidden << 16 | cursor << 17) per cell of
     * (cols + 1) x vrows, the font maps A and B as last drawn, phases. */
    uint32_t *cells;
    int cell_cols, cell_rows;
    uint8_t font[2][VGA_TEXT_MAP_SIZE];
    int64_t cursor_phase, blink_phase;
    uint8_t *row_changed;  /* per vrow */
    uint8_t *line_changed; /* per scanline */
    int lines_alloc, rows_alloc;
    /* Planar decoding: bit 7 - k of a byte moved to bit 4k of a word, so
     * four planes OR together into eight 4-bit pixels at once. */
    uint32_t spread4[256];
} VGARenderCache;

/* vga-render.c */
void vga_geom_line(const VGAGeom *g, int y, VGALine *l);
/*
 * The planar address of address-counter value c on row scan rs.  Word
 * mode is the card's (vga-internal.h: text cell i is at planar 2i, where
 * counter << 1 finds it); dword mode is not shifted, because the contract
 * packs chain-4 bytes (byte a at planar a >> 2), which undoes the card's
 * spreading.  Then the CGA/Hercules substitution of address bit 13/14 by
 * row scan bit 0/1 (CR17 bits 0/1 clear), and the 16-bit wrap.
 */
static inline uint32_t vga_planar_addr(const VGAGeom *g, uint32_t c, int rs)
{
    uint32_t a;
    if (g->addr_mode == VGA_ADDR_WORD) {
        a = (c << 1) | ((c >> (g->word_bit15 ? 15 : 13)) & 1);
    } else {
        a = c;
    }
    if (g->cga_bit13) {
        a = (a & ~(1u << 13)) | ((uint32_t)(rs & 1) << 13);
    }
    if (g->herc_bit14) {
        a = (a & ~(1u << 14)) | ((uint32_t)((rs >> 1) & 1) << 14);
    }
    return a & VGA_PLANAR_MASK;
}
bool vga_range_dirty(VGACommonState *s, const DirtyBitmapSnapshot *snap,
                     uint64_t addr, uint64_t len);

/* vga-text.c: mark cache->line_changed for the scanlines to redraw (all of
 * them when full) and draw them into the surface. */
void vga_text_draw(VGACommonState *s, VGARenderCache *c, const VGAGeom *g,
                   const uint32_t *pal, bool vram_dirty, bool full);
/* The console's text grid (vga_update_text). */
void vga_text_to_console(VGACommonState *s, const VGAGeom *g);

/* vga-gfx.c: the graphics modes, same contract as vga_text_draw. */
void vga_gfx_draw(VGACommonState *s, VGARenderCache *c, const VGAGeom *g,
                  const uint32_t *pal, const DirtyBitmapSnapshot *snap,
                  bool full);
void vga_vbe_draw(VGACommonState *s, VGARenderCache *c, const VGAGeom *g,
                  const uint32_t *pal, const DirtyBitmapSnapshot *snap,
                  bool full);

#endif
