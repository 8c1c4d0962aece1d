/*
 * The Bochs VBE extensions ("DISPI"): a small register file through which
 * the VGA BIOS (SeaBIOS's vgabios-stdvga), Linux's bochs DRM driver and
 * vesafb set linear-framebuffer modes on the standard VGA.
 *
 * Access: an index register at port 0x1CE and a data register at 0x1CF
 * (16-bit; a byte access reaches the same register with the byte value, as
 * QEMU's port handlers do), and the same registers in the PCI card's MMIO
 * BAR at 0x500 + 2 * index (vga-pci.c, through vbe_reg_read/write).
 *
 * Registers (index):
 *   0 ID          writes of 0xB0C0..0xB0C5 select the interface version
 *                 and read back; anything else is ignored.  Reset: 0xB0C5.
 *   1-3 XRES, YRES, BPP
 *                 1..2560, 1..1600, and 8/15/16/24/32 bpp; other values are
 *                 refused (the register keeps its value) and logged with
 *                 -d guest_errors.
 *   4 ENABLE      ENABLED, GETCAPS (XRES/YRES/BPP then read the maxima),
 *                 8BIT_DAC (s->dac_8bit), LFB_ENABLED (recorded; the LFB
 *                 BAR is always decoded, as on QEMU), NOCLEARMEM.
 *   5 BANK        the 64 KiB bank the 0xA0000 window shows (memory map 1),
 *                 masked with vbe_bank_mask so it never leaves VRAM.
 *   6 VIRT_WIDTH  pixels per line in VRAM (at least XRES).
 *   7 VIRT_HEIGHT read-only here: the lines of VIRT_WIDTH that VRAM holds
 *                 (as QEMU; Bochs lets it be written, nothing needs it).
 *   8-9 X/Y_OFFSET the top-left visible pixel in the virtual screen.
 *   10 VIDEO_MEMORY_64K  VRAM size in 64 KiB units (read-only).
 *
 * Modes that do not fit: while enabled, a mode whose visible lines do not
 * fit in VRAM has YRES clipped to the lines that do (the register reads
 * back the clipped value, as on QEMU); offsets that would show memory past
 * VRAM are reset (Y first, then X).  vbe_get_mode bounds everything again
 * from the registers, so state loaded from a snapshot cannot make the
 * renderer read outside vram[] either.
 *
 * Enabling programs the VGA registers a linear 256-colour-style mode needs
 * (graphics, memory map 1 at 0xA0000 for the banked window, chain-4 with
 * all planes, the CRTC offset and display end), as Bochs and QEMU do, so
 * that the banked window addresses VRAM bytes directly and is tracked like
 * any chain-4 write.  Disabling leaves the VGA registers as they are: the
 * BIOS reprograms them for the next VGA mode.
 */
#include "emu/common.h"
#include "emu/log.h"
#include "emu/trace.h"
#include "hw/display/vga-internal.h"

#define VBE_DISPI_MAX_BPP 32

/* ---- Helpers -------------------------------------------------------------
 */

static bool vbe_bpp_valid(uint32_t bpp)
{
    return bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32;
}

static uint32_t vbe_bytes_pp(uint32_t bpp)
{
    return (bpp + 7) / 8; /* 15 bpp is 2 bytes (5:5:5 plus one unused) */
}

static uint32_t vbe_bank_mask_for(uint32_t vram_size)
{
    uint32_t banks = vram_size / VBE_DISPI_BANK_SIZE;
    return banks ? banks - 1 : 0;
}

/*
 * The mode the registers describe, bounded against VRAM: every byte of
 * every visible line lies inside [0, vram_size).  Pure: the write path
 * copies the clipped values back into the registers.  False if no line
 * fits at all (VRAM smaller than one line).
 */
static bool vbe_fit(const uint16_t *r, uint32_t vram_size, VBEMode *m,
                    uint32_t *x_off, uint32_t *y_off, uint32_t *virt_height)
{
    uint32_t bpp =
        vbe_bpp_valid(r[VBE_DISPI_INDEX_BPP]) ? r[VBE_DISPI_INDEX_BPP] : 8;
    uint32_t bytes = vbe_bytes_pp(bpp);
    uint32_t xres = r[VBE_DISPI_INDEX_XRES];
    uint32_t yres = r[VBE_DISPI_INDEX_YRES];
    uint32_t vw = r[VBE_DISPI_INDEX_VIRT_WIDTH];

    xres = MIN(MAX(xres, 1u), (uint32_t)VBE_DISPI_MAX_XRES);
    yres = MIN(MAX(yres, 1u), (uint32_t)VBE_DISPI_MAX_YRES);
    vw = MAX(vw, xres);
    /* 64-bit products: nothing below overflows whatever the registers. */
    uint64_t line = (uint64_t)vw * bytes;
    if (line > vram_size) {
        /* The virtual width cannot exceed what one line of VRAM holds. */
        vw = MAX(xres, vram_size / bytes);
        line = (uint64_t)vw * bytes;
        if (line > vram_size) {
            return false;
        }
    }
    uint32_t max_lines = vram_size / line;
    yres = MIN(yres, max_lines);

    uint64_t xo = r[VBE_DISPI_INDEX_X_OFFSET];
    uint64_t yo = r[VBE_DISPI_INDEX_Y_OFFSET];
    uint64_t visible = (uint64_t)(yres - 1) * line + (uint64_t)xres * bytes;
    uint64_t start = yo * line + xo * bytes;
    if (start + visible > vram_size) {
        yo = 0;
        start = xo * bytes;
        if (start + visible > vram_size) {
            xo = 0;
            start = 0;
        }
    }
    m->xres = xres;
    m->yres = yres;
    m->bpp = bpp;
    m->line_offset = line;
    m->start_addr = start;
    *x_off = xo;
    *y_off = yo;
    *virt_height = MIN(max_lines, 0xffffu);
    return true;
}

/* After a register change while enabled: clip the registers to a mode
 * that fits (see the top comment) and refresh the derived state. */
static void vbe_fixup(VGACommonState *s)
{
    uint16_t *r = s->vbe_regs;
    uint32_t xo, yo, vh;
    VBEMode m;

    s->vbe_bank_mask = vbe_bank_mask_for(s->vram_size);
    if (!vbe_enabled(s)) {
        return;
    }
    if (!vbe_fit(r, s->vram_size, &m, &xo, &yo, &vh)) {
        s->vbe_line_offset = 0;
        s->vbe_start_addr = 0;
        return;
    }
    if ((uint32_t)m.yres != r[VBE_DISPI_INDEX_YRES]) {
        log_mask(LOG_GUEST_ERROR,
                 "vbe: %ux%u at %u bpp (virtual width %u) does not fit in "
                 "%u KiB of VRAM: %d lines shown\n",
                 r[VBE_DISPI_INDEX_XRES], r[VBE_DISPI_INDEX_YRES], m.bpp,
                 r[VBE_DISPI_INDEX_VIRT_WIDTH], s->vram_size / 1024, m.yres);
    }
    r[VBE_DISPI_INDEX_XRES] = m.xres;
    r[VBE_DISPI_INDEX_YRES] = m.yres;
    r[VBE_DISPI_INDEX_BPP] = m.bpp;
    r[VBE_DISPI_INDEX_VIRT_WIDTH] = m.line_offset / vbe_bytes_pp(m.bpp);
    r[VBE_DISPI_INDEX_VIRT_HEIGHT] = vh;
    r[VBE_DISPI_INDEX_X_OFFSET] = xo;
    r[VBE_DISPI_INDEX_Y_OFFSET] = yo;
    s->vbe_line_offset = m.line_offset;
    s->vbe_start_addr = m.start_addr;
}

/*
 * The VGA side of a VBE mode (Bochs's and QEMU's choice of registers): a
 * graphics mode with memory map 1 (0xA0000, 64 KiB: the bank window),
 * chain-4 with all planes writable so the window addresses VRAM bytes, the
 * 256-colour shift mode, no CGA/HGC address wrapping, no double scan, the
 * CRTC display end and offset of the VBE mode and line compare out of the
 * way (1023).  The renderer takes the picture from vbe_get_mode; these
 * make the legacy window and whoever reads the VGA registers agree.
 */
static void vbe_program_vga(VGACommonState *s)
{
    uint32_t h = s->vbe_regs[VBE_DISPI_INDEX_YRES] - 1;
    uint32_t w = s->vbe_regs[VBE_DISPI_INDEX_XRES];

    s->gr[VGA_GR_MISC] = (s->gr[VGA_GR_MISC] & ~0x0c) | 0x04 | 0x01;
    s->gr[VGA_GR_MODE] = (s->gr[VGA_GR_MODE] & ~0x60) | 0x40;
    s->sr[VGA_SR_MEM_MODE] |= 0x08;
    s->sr[VGA_SR_PLANE_MASK] |= 0x0f;
    s->cr[VGA_CRTC_MODE] |= 0x03;
    s->cr[VGA_CRTC_OFFSET] = (s->vbe_line_offset >> 3) & 0xff;
    s->cr[VGA_CRTC_H_DISP] = ((w + 7) >> 3) - 1;
    s->cr[VGA_CRTC_V_DISP_END] = h & 0xff;
    s->cr[VGA_CRTC_OVERFLOW] = (s->cr[VGA_CRTC_OVERFLOW] & ~0x42) |
                               ((h >> 7) & 0x02) | ((h >> 3) & 0x40);
    s->cr[VGA_CRTC_LINE_COMPARE] = 0xff;
    s->cr[VGA_CRTC_OVERFLOW] |= 0x10;
    s->cr[VGA_CRTC_MAX_SCAN] = (s->cr[VGA_CRTC_MAX_SCAN] & ~0x9f) | 0x40;
    s->full_update = true;
}

static void vbe_write_enable(VGACommonState *s, uint32_t val)
{
    uint16_t *r = s->vbe_regs;
    bool was = vbe_enabled(s);

    r[VBE_DISPI_INDEX_ENABLE] = val;
    s->dac_8bit = val & VBE_DISPI_8BIT_DAC;
    if (!(val & VBE_DISPI_ENABLED)) {
        s->full_update = true;
        return;
    }
    if (!was) {
        /* A new mode starts at the top of an unpanned screen. */
        r[VBE_DISPI_INDEX_VIRT_WIDTH] = 0;
        r[VBE_DISPI_INDEX_X_OFFSET] = 0;
        r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
    }
    vbe_fixup(s);
    vbe_program_vga(s);
    if (!was && !(val & VBE_DISPI_NOCLEARMEM)) {
        uint64_t len = (uint64_t)r[VBE_DISPI_INDEX_YRES] * s->vbe_line_offset;
        len = MIN(len, (uint64_t)s->vram_size);
        memset(s->vram_ptr, 0, len);
        memory_region_set_dirty(&s->vram, 0, len);
    }
}

/* ---- Register access -----------------------------------------------------
 */

uint32_t vbe_reg_read(VGACommonState *s, uint32_t index)
{
    const uint16_t *r = s->vbe_regs;

    if (index >= VBE_DISPI_INDEX_NB) {
        log_mask(LOG_GUEST_ERROR, "vbe: read of register 0x%x\n", index);
        return 0;
    }
    if (r[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS) {
        switch (index) {
        case VBE_DISPI_INDEX_XRES:
            return VBE_DISPI_MAX_XRES;
        case VBE_DISPI_INDEX_YRES:
            return VBE_DISPI_MAX_YRES;
        case VBE_DISPI_INDEX_BPP:
            return VBE_DISPI_MAX_BPP;
        }
    }
    if (index == VBE_DISPI_INDEX_VIDEO_MEMORY_64K) {
        return s->vram_size / VBE_DISPI_BANK_SIZE;
    }
    if (index == VBE_DISPI_INDEX_VIRT_HEIGHT && !vbe_enabled(s)) {
        /* Nothing computed it yet: what VRAM holds at the current width. */
        uint32_t bpp =
            vbe_bpp_valid(r[VBE_DISPI_INDEX_BPP]) ? r[VBE_DISPI_INDEX_BPP] : 8;
        uint32_t w =
            MAX(r[VBE_DISPI_INDEX_VIRT_WIDTH], r[VBE_DISPI_INDEX_XRES]);
        uint32_t line = MAX(w, 1u) * vbe_bytes_pp(bpp);
        return MIN(s->vram_size / line, 0xffffu);
    }
    return r[index];
}

static bool vbe_check(bool ok, const char *what, uint32_t val)
{
    if (!ok) {
        log_mask(LOG_GUEST_ERROR, "vbe: %s %u refused\n", what, val);
    }
    return ok;
}

static void vbe_reg_write_one(VGACommonState *s, uint32_t index, uint32_t val)
{
    uint16_t *r = s->vbe_regs;

    val &= 0xffff;
    switch (index) {
    case VBE_DISPI_INDEX_ID:
        if (val >= VBE_DISPI_ID0 && val <= VBE_DISPI_ID5) {
            r[index] = val;
        } else {
            log_mask(LOG_GUEST_ERROR, "vbe: unknown interface id 0x%x\n", val);
        }
        break;
    case VBE_DISPI_INDEX_XRES:
        if (vbe_check(val >= 1 && val <= VBE_DISPI_MAX_XRES, "x resolution",
                      val)) {
            r[index] = val;
            vbe_fixup(s);
        }
        break;
    case VBE_DISPI_INDEX_YRES:
        if (vbe_check(val >= 1 && val <= VBE_DISPI_MAX_YRES, "y resolution",
                      val)) {
            r[index] = val;
            vbe_fixup(s);
        }
        break;
    case VBE_DISPI_INDEX_BPP:
        if (vbe_check(vbe_bpp_valid(val), "bits per pixel", val)) {
            r[index] = val;
            vbe_fixup(s);
        }
        break;
    case VBE_DISPI_INDEX_VIRT_WIDTH:
    case VBE_DISPI_INDEX_X_OFFSET:
    case VBE_DISPI_INDEX_Y_OFFSET:
        r[index] = val;
        vbe_fixup(s);
        break;
    case VBE_DISPI_INDEX_ENABLE:
        vbe_write_enable(s, val);
        return; /* programs the VGA itself */
    case VBE_DISPI_INDEX_BANK:
        s->vbe_bank_mask = vbe_bank_mask_for(s->vram_size);
        if (val & ~s->vbe_bank_mask) {
            log_mask(LOG_GUEST_ERROR, "vbe: bank %u past VRAM, using %u\n", val,
                     val & s->vbe_bank_mask);
        }
        r[index] = val & s->vbe_bank_mask;
        return;
    case VBE_DISPI_INDEX_VIRT_HEIGHT:
    case VBE_DISPI_INDEX_VIDEO_MEMORY_64K:
        return; /* read-only */
    default:
        log_mask(LOG_GUEST_ERROR, "vbe: write 0x%x to register 0x%x\n", val,
                 index);
        return;
    }
    if (vbe_enabled(s) && index != VBE_DISPI_INDEX_ID) {
        vbe_program_vga(s);
    }
}

bool vbe_enabled(const VGACommonState *s)
{
    return s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;
}

bool vbe_get_mode(const VGACommonState *s, VBEMode *m)
{
    uint32_t xo, yo, vh;

    if (!vbe_enabled(s) || !s->vram_ptr) {
        return false;
    }
    return vbe_fit(s->vbe_regs, s->vram_size, m, &xo, &yo, &vh);
}

uint32_t vbe_ioport_read_index(VGACommonState *s)
{
    return s->vbe_index;
}

/* A register write, then the window's mapping for the new state (the
 * bank, the enable bit and bpp decide whether 0xA0000 is plain VRAM). */
void vbe_reg_write(VGACommonState *s, uint32_t index, uint32_t val)
{
    vbe_reg_write_one(s, index, val);
    vga_update_direct_window(s);
}

void vbe_ioport_write_index(VGACommonState *s, uint32_t val)
{
    s->vbe_index = val;
}

uint32_t vbe_ioport_read_data(VGACommonState *s)
{
    return vbe_reg_read(s, s->vbe_index);
}

void vbe_ioport_write_data(VGACommonState *s, uint32_t val)
{
    vbe_reg_write(s, s->vbe_index, val);
}

void vbe_reset(VGACommonState *s)
{
    s->vbe_index = 0;
    memset(s->vbe_regs, 0, sizeof(s->vbe_regs));
    s->vbe_regs[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
    s->vbe_start_addr = 0;
    s->vbe_line_offset = 0;
    s->vbe_bank_mask = vbe_bank_mask_for(s->vram_size);
}

/* ---- Ports 0x1CE (index) and 0x1CF (data) --------------------------------
 */

static uint64_t vbe_port_read_do(void *opaque, uint64_t addr, unsigned size)
{
    VGACommonState *s = opaque;
    uint32_t v = addr == 0 ? vbe_ioport_read_index(s) : vbe_ioport_read_data(s);

    return size == 1 ? v & 0xff : v;
}

static uint64_t vbe_port_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = vbe_port_read_do(opaque, addr, size);
    trace(vbe_port_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void vbe_port_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
    trace(vbe_port_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    VGACommonState *s = opaque;

    if (addr == 0) {
        vbe_ioport_write_index(s, val);
    } else {
        vbe_ioport_write_data(s, val);
    }
}

/* 16-bit registers; a byte access is taken whole by the register it hits
 * (QEMU's behaviour: a byte write to 0x1CE sets the index to that byte). */
static const MemoryRegionOps vbe_port_ops = {
    .read = vbe_port_read,
    .write = vbe_port_write,
    .valid = {.min_access_size = 1, .max_access_size = 2},
    .impl = {.min_access_size = 1, .max_access_size = 2},
};

/* 0x1CE index, 0x1CF data (16-bit, so the region reaches 0x1D0; a byte
 * at 0x1D0 is data too, as QEMU's port list has it). */
void vbe_init_ioports(VGACommonState *s, MemoryRegion *io)
{
    memory_region_init_io(&s->vbe_io, &vbe_port_ops, s, "vbe", 3);
    memory_region_add_subregion(io, VBE_DISPI_IOPORT_INDEX, &s->vbe_io);
}
