/*
 * The VGA core's state, shared by the files of hw/display/ only:
 *
 *   vga.c         registers (sequencer, CRTC, GC, AC, DAC, misc, status),
 *                 the ports 0x3B0-0x3DF, retrace timing, init/reset/state
 *   vga-mem.c     the 0xA0000-0xBFFFF window: memory maps, read modes 0-1,
 *                 write modes 0-3, latches, chain-4, odd/even, plane masks
 *   vga-render.c  the picture: text, 2/4/16-colour planar, 256-colour
 *                 (chain-4 and unchained), VBE linear modes; only what is
 *                 dirty; line compare, start address, panning, double scan
 *   vbe.c         the Bochs VBE (DISPI) registers, 0x1CE/0x1CF and MMIO
 *   vga-pci.c     "VGA": PCI 1234:1111, LFB BAR 0, MMIO BAR 2, ROM BAR
 *   vga-isa.c     "isa-vga": the ISA form (LFB at a fixed address)
 *
 * VRAM layout (the contract between the files): vram[] is one RAM region
 * of vram_size bytes.  Planar accesses see it as 32-bit words: plane p of
 * planar address a is vram[a * 4 + p].  Chain-4 (mode 13h) and the VBE
 * linear framebuffer address bytes directly (byte a is vram[a]), which is
 * the same memory: mode 13h pixel a lives in plane (a & 3) at planar
 * address (a >> 2), exactly as on a real VGA.
 *
 * Odd/even (the text modes, added by vgacore) is the card's own: window
 * byte a goes to the even (0, 2) or odd (1, 3) planes as a & 1 says, at
 * planar address (a & ~1) | ((a >> 16) & 1), so text cell i has its
 * character in plane 0 and its attribute in plane 1 of planar address 2i,
 * where the CRTC's word mode (address counter << 1) finds it.  Planar
 * (non-chain-4) addresses are 16 bits in VGA modes; VBE 4 bpp modes
 * bank them over all of VRAM.
 *
 * Every index taken from guest registers (start address, offsets, line
 * widths, bank numbers, VBE virtual width/offsets) is bounded against
 * vram_size before VRAM is touched: a hostile guest draws garbage, never
 * outside vram[].
 */
#ifndef HW_DISPLAY_VGA_INTERNAL_H
#define HW_DISPLAY_VGA_INTERNAL_H

#include "emu/common.h"
#include "emu/device.h"
#include "emu/memory.h"
#include "emu/timer.h"
#include "emu/vmstate.h"
#include "ui/console.h"

/* ---- Register counts and well-known bits ----------------------------------
 */
#define VGA_SR_COUNT 8   /* sequencer 0x3C4/0x3C5 */
#define VGA_GR_COUNT 16  /* graphics controller 0x3CE/0x3CF (9 used) */
#define VGA_AR_COUNT 21  /* attribute controller 0x3C0/0x3C1 */
#define VGA_CR_COUNT 256 /* CRTC 0x3B4/0x3D4 (0x19 used, rest read 0) */

/* Sequencer */
#define VGA_SR_RESET      0x00
#define VGA_SR_CLOCK      0x01 /* bit 3: dot clock /2, bit 0: 8-dot chars */
#define VGA_SR_PLANE_MASK 0x02
#define VGA_SR_CHAR_MAP   0x03
#define VGA_SR_MEM_MODE   0x04 /* bit 3: chain-4, bit 2: odd/even off */
/* Graphics controller */
#define VGA_GR_SET_RESET        0x00
#define VGA_GR_ENABLE_SET_RESET 0x01
#define VGA_GR_COLOR_COMPARE    0x02
#define VGA_GR_DATA_ROTATE      0x03 /* bits 0-2 rotate, 3-4 function */
#define VGA_GR_READ_MAP         0x04
#define VGA_GR_MODE                           \
    0x05 /* bits 0-1 write mode, 3 read mode, \
            4 odd/even, 5-6 shift/256 */
#define VGA_GR_MISC                           \
    0x06 /* bit 0 graphics, 1 chain odd/even, \
            2-3 memory map */
#define VGA_GR_COLOR_DONT_CARE 0x07
#define VGA_GR_BIT_MASK        0x08
/* Attribute controller */
#define VGA_AR_PALETTE_END    0x0f
#define VGA_AR_MODE           0x10 /* bit 0 graphics, 3 blink, 6 8-bit pixel */
#define VGA_AR_OVERSCAN       0x11
#define VGA_AR_PLANE_ENABLE   0x12
#define VGA_AR_PEL_PAN        0x13
#define VGA_AR_COLOR_SELECT   0x14
#define VGA_AR_ENABLE_DISPLAY 0x20 /* in the index byte: PAS */
/* CRTC */
#define VGA_CRTC_H_TOTAL       0x00
#define VGA_CRTC_H_DISP        0x01
#define VGA_CRTC_OVERFLOW      0x07
#define VGA_CRTC_PRESET_ROW    0x08
#define VGA_CRTC_MAX_SCAN      0x09
#define VGA_CRTC_CURSOR_START  0x0a
#define VGA_CRTC_CURSOR_END    0x0b
#define VGA_CRTC_START_HI      0x0c
#define VGA_CRTC_START_LO      0x0d
#define VGA_CRTC_CURSOR_HI     0x0e
#define VGA_CRTC_CURSOR_LO     0x0f
#define VGA_CRTC_V_SYNC_START  0x10
#define VGA_CRTC_V_SYNC_END    0x11 /* bit 7: protect CR0-7 */
#define VGA_CRTC_V_DISP_END    0x12
#define VGA_CRTC_OFFSET        0x13
#define VGA_CRTC_UNDERLINE     0x14 /* bit 6: dword mode */
#define VGA_CRTC_V_BLANK_START 0x15
#define VGA_CRTC_V_BLANK_END   0x16
#define VGA_CRTC_MODE          0x17 /* bit 6: byte mode, 0/1: CGA/HGC compat */
#define VGA_CRTC_LINE_COMPARE  0x18
/* Misc output 0x3C2 (write) / 0x3CC (read): bit 0 colour (0x3Dx ports) */
#define VGA_MIS_COLOR 0x01
/* Input status 1, 0x3DA/0x3BA */
#define VGA_ST01_DISP_ENABLE 0x01 /* display disabled (blanking) */
#define VGA_ST01_V_RETRACE   0x08

/* ---- Bochs VBE (DISPI) ----------------------------------------------------
 */
#define VBE_DISPI_IOPORT_INDEX           0x01ce
#define VBE_DISPI_IOPORT_DATA            0x01cf
#define VBE_DISPI_INDEX_ID               0x0
#define VBE_DISPI_INDEX_XRES             0x1
#define VBE_DISPI_INDEX_YRES             0x2
#define VBE_DISPI_INDEX_BPP              0x3
#define VBE_DISPI_INDEX_ENABLE           0x4
#define VBE_DISPI_INDEX_BANK             0x5
#define VBE_DISPI_INDEX_VIRT_WIDTH       0x6
#define VBE_DISPI_INDEX_VIRT_HEIGHT      0x7
#define VBE_DISPI_INDEX_X_OFFSET         0x8
#define VBE_DISPI_INDEX_Y_OFFSET         0x9
#define VBE_DISPI_INDEX_VIDEO_MEMORY_64K 0xa
#define VBE_DISPI_INDEX_NB               0xb
#define VBE_DISPI_ID0                    0xb0c0
#define VBE_DISPI_ID5                    0xb0c5
#define VBE_DISPI_MAX_XRES               2560
#define VBE_DISPI_MAX_YRES               1600
#define VBE_DISPI_DISABLED               0x00
#define VBE_DISPI_ENABLED                0x01
#define VBE_DISPI_GETCAPS                0x02
#define VBE_DISPI_8BIT_DAC               0x20
#define VBE_DISPI_LFB_ENABLED            0x40
#define VBE_DISPI_NOCLEARMEM             0x80
#define VBE_DISPI_BANK_SIZE              (64 * KiB)

#define VGA_VRAM_DEFAULT_MB 16

/* What the renderer needs of the VBE registers (filled by vbe.c). */
typedef struct VBEMode {
    int xres, yres, bpp;  /* bpp 8, 15, 16, 24, 32 */
    uint32_t line_offset; /* bytes per (virtual) line */
    uint32_t start_addr;  /* byte offset of the top-left visible pixel */
} VBEMode;

typedef struct VGACommonState {
    DeviceState *owner;

    /* VRAM: a RAM region with VGA dirty logging on (the LFB maps it). */
    MemoryRegion vram;
    uint8_t *vram_ptr;     /* == vram.ram */
    uint32_t vram_size;    /* bytes, a power of two, >= 256 KiB */
    uint32_t vram_size_mb; /* property "vgamem_mb" */

    /* The legacy window 0xA0000-0xBFFFF (I/O region over vga-mem.c). */
    MemoryRegion lowmem;
    /* The direct window (vga-mem.c): aliases of VRAM over lowmem while
     * the window is plain memory (chain-4 with an identity data path, or
     * a VBE bank), so stores skip the device; disabled otherwise. */
    MemoryRegion direct128, direct64;
    bool direct_mapped; /* both added to legacy_mem */

    /* General registers */
    uint8_t misc_output;
    uint8_t feature_ctrl;
    uint8_t st00, st01;

    uint8_t sr_index, sr[VGA_SR_COUNT];
    uint8_t gr_index, gr[VGA_GR_COUNT];
    uint8_t ar_index, ar[VGA_AR_COUNT];
    bool ar_flip_flop; /* 0x3C0: false = next write is an index */
    uint8_t cr_index, cr[VGA_CR_COUNT];

    /* DAC: palette[] holds 6-bit (or 8-bit with dac_8bit) R,G,B triples. */
    uint8_t dac_state;     /* 0x3C7 read: 0 = write mode, 3 = read mode */
    uint8_t dac_sub_index; /* 0..2: R, G, B of the current entry */
    uint8_t dac_read_index, dac_write_index;
    uint8_t dac_cache[3]; /* a write takes effect after the B byte */
    uint8_t palette[768];
    uint8_t pel_mask; /* 0x3C6 */
    bool dac_8bit;    /* VBE_DISPI_8BIT_DAC */

    uint32_t latch; /* the four plane latches, plane p in bits 8p..8p+7 */

    /* VBE */
    uint16_t vbe_index;
    uint16_t vbe_regs[VBE_DISPI_INDEX_NB];
    uint32_t vbe_start_addr;  /* derived: bytes, bounded */
    uint32_t vbe_line_offset; /* derived: bytes, bounded */
    uint32_t vbe_bank_mask;   /* banks that fit in VRAM - 1 */
    MemoryRegion vbe_io;      /* 0x1CE-0x1D0 (vbe_init_ioports) */

    /* The picture (vga-render.c) */
    Console *con;
    bool full_update;            /* redraw everything next time */
    int last_width, last_height; /* pixels of the current surface */
    int last_mode;               /* renderer's mode id, to notice switches */
    uint32_t last_line_offset, last_start_addr;
    int last_line_compare;
    uint32_t last_palette[256]; /* x8r8g8b8 as last drawn */
    /* Text mode cache: last drawn (char, attr) per cell; cursor. */
    uint16_t *last_text; /* cols * rows, or NULL */
    int last_cols, last_rows, last_cw, last_ch;
    int last_cursor_offset, last_cursor_start, last_cursor_end;
    bool cursor_visible_phase; /* blink phase drawn last */
    int64_t blink_base_ns;     /* CLOCK_VIRTUAL origin of blink phases */
    /* Added by the vgarender part: the renderer's private caches (the
     * geometry and palette drawn last, the text cell cache, the font copy),
     * allocated on the first update, freed by vga_render_cleanup(). */
    struct VGARenderCache *render_cache;

    /* Retrace: the frame period and when it started (CLOCK_VIRTUAL). */
    int64_t retrace_epoch_ns;

    /* Added by vgacore (additive): the port block 0x3B0-0x3DF and where
     * vga_init_legacy*() mapped it and the window, so cleanup unmaps. */
    MemoryRegion ioports;
    MemoryRegion *legacy_io, *legacy_mem;
    struct ISABus *legacy_isa;
} VGACommonState;

/* ---- vga.c ----------------------------------------------------------------
 */
/* Allocate VRAM (vram_size_mb, rounded/bounded), the legacy window region
 * and the console; -1 with errp. */
int vga_common_init(VGACommonState *s, DeviceState *owner, Error **errp);
void vga_common_reset(VGACommonState *s);
void vga_common_cleanup(VGACommonState *s);
/* Register the VGA ports (0x3B0-0x3DF) in the I/O space io at their
 * standard addresses and the legacy window at 0xA0000 in mem (priority 1
 * over whatever RAM is there). */
void vga_init_legacy(VGACommonState *s, MemoryRegion *io, MemoryRegion *mem);
/* The same on an ISA bus (added by vgacore): the ports are claimed with
 * isa_register_ioport() for dev, so another device on 0x3B0-0x3DF is
 * refused with a message; the window goes into bus->mem.  -1 with errp. */
int vga_init_legacy_isa(VGACommonState *s, struct ISABus *bus, DeviceState *dev,
                        Error **errp);
/* Port access by absolute port number 0x3B0..0x3DF (8-bit). */
uint32_t vga_ioport_read(VGACommonState *s, uint32_t port);
void vga_ioport_write(VGACommonState *s, uint32_t port, uint32_t val);
extern const VMStateDescription vmstate_vga_common;

/* ---- vga-mem.c ------------------------------------------------------------
 */
/* addr: offset in the 128 KiB window at 0xA0000. */
uint8_t vga_mem_readb(VGACommonState *s, uint32_t addr);
void vga_mem_writeb(VGACommonState *s, uint32_t addr, uint8_t val);
extern const MemoryRegionOps vga_mem_ops; /* opaque: VGACommonState */
/* The direct window: map its (disabled) aliases beside lowmem in
 * legacy_mem, unmap them, and enable the one the registers allow.  Every
 * write to a register that decides it (SR2, SR4, GR1, GR3, GR5, GR6, GR8,
 * the VBE enable, bpp and bank) ends with vga_update_direct_window(). */
void vga_map_direct_window(VGACommonState *s);
void vga_unmap_direct_window(VGACommonState *s);
void vga_update_direct_window(VGACommonState *s);

/* ---- vga-render.c ---------------------------------------------------------
 */
extern const GraphicHwOps vga_graphic_ops; /* opaque: VGACommonState */
void vga_invalidate_display(void *opaque);
void vga_update_display(void *opaque);
void vga_update_text(void *opaque);
/* Free the renderer's caches (vga_common_cleanup calls it; added by the
 * vgarender part). */
void vga_render_cleanup(VGACommonState *s);

/* ---- vbe.c ----------------------------------------------------------------
 */
bool vbe_enabled(const VGACommonState *s);
/* The current VBE mode, bounded so that every visible line lies inside
 * VRAM (false when VBE is off). */
bool vbe_get_mode(const VGACommonState *s, VBEMode *m);
uint32_t vbe_ioport_read_index(VGACommonState *s);
void vbe_ioport_write_index(VGACommonState *s, uint32_t val);
uint32_t vbe_ioport_read_data(VGACommonState *s);
void vbe_ioport_write_data(VGACommonState *s, uint32_t val);
void vbe_reset(VGACommonState *s);
/* Register 0x1CE/0x1CF (16-bit) in io. */
void vbe_init_ioports(VGACommonState *s, MemoryRegion *io);
/* A DISPI register by index, leaving the port's index alone (the PCI
 * card's MMIO BAR; added by the vgaboard part). */
uint32_t vbe_reg_read(VGACommonState *s, uint32_t index);
void vbe_reg_write(VGACommonState *s, uint32_t index, uint32_t val);

#endif
