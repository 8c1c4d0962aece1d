/*
 * The VGA core's registers: the ports 0x3B0-0x3DF (miscellaneous output,
 * feature control, input status, sequencer, CRTC, graphics controller,
 * attribute controller, DAC), the vertical retrace a program polling
 * input status 1 sees, and the life cycle of the state shared by the ISA
 * and PCI boards (VRAM, the legacy window, the console).
 *
 * Register values are stored masked to the bits a VGA implements, so the
 * renderer and the memory window (vga-mem.c) can use them as they are.
 */
#include "hw/display/vga-internal.h"
#include "emu/log.h"
#include "emu/trace.h"
#include "hw/isa/isa.h"

#define VGA_PORT_BASE 0x3b0
#define VGA_PORT_LEN  0x30

/* Bits each register implements (the others read 0). */
static const uint8_t sr_mask[VGA_SR_COUNT] = {
    0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0x00,
};
static const uint8_t gr_mask[VGA_GR_COUNT] = {
    0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff,
};
static const uint8_t ar_mask[VGA_AR_COUNT] = {
    0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
    0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0xff, 0xff, 0x3f, 0x0f, 0x0f,
};
#define VGA_CR_USED 0x19

/* ---- Vertical retrace ---------------------------------------------------
 *
 * The CRT position is a function of CLOCK_VIRTUAL: frames of vtotal lines
 * of htotal character clocks start at retrace_epoch_ns.  Input status 1
 * reports vertical retrace while the line counter is inside the CRTC's
 * retrace interval, and "display disabled" outside the active area.
 */
typedef struct VGATiming {
    int64_t line_ns_x1000; /* one scan line, picoseconds */
    int vtotal, vdisp, vrs, vrlen;
    int htotal, hdisp; /* character clocks */
} VGATiming;

static void vga_timing(const VGACommonState *s, VGATiming *t)
{
    const uint8_t *cr = s->cr;
    /* 25.175 MHz and 28.322 MHz are the VGA's two crystals. */
    int64_t dot_hz = (s->misc_output & 0x0c) == 0x04 ? 28322000 : 25175000;
    int cw = s->sr[VGA_SR_CLOCK] & 0x01 ? 8 : 9;

    if (s->sr[VGA_SR_CLOCK] & 0x08) {
        dot_hz /= 2;
    }
    t->htotal = cr[VGA_CRTC_H_TOTAL] + 5;
    t->hdisp = cr[VGA_CRTC_H_DISP] + 1;
    t->vtotal = (cr[6] | (cr[7] & 0x01) << 8 | (cr[7] & 0x20) << 4) + 2;
    t->vdisp =
        (cr[VGA_CRTC_V_DISP_END] | (cr[7] & 0x02) << 7 | (cr[7] & 0x40) << 3) +
        1;
    t->vrs =
        cr[VGA_CRTC_V_SYNC_START] | (cr[7] & 0x04) << 6 | (cr[7] & 0x80) << 2;
    /* The retrace ends when the line counter's low 4 bits match CR11. */
    t->vrlen = ((cr[VGA_CRTC_V_SYNC_END] & 0x0f) - t->vrs) & 0x0f;
    if (!t->vrlen) {
        t->vrlen = 16;
    }
    t->line_ns_x1000 = (int64_t)t->htotal * cw * 1000000000000LL / dot_hz;

    /* Frames outside 50-90 Hz or a retrace outside the frame mean the
     * CRTC is not programmed for a VGA monitor (before the BIOS ran, or a
     * VBE mode): keep a 60 Hz, 525-line frame so polling still works. */
    int64_t frame_ps = t->line_ns_x1000 * t->vtotal;
    bool sane = frame_ps >= 1000000000000LL / 90 &&
                frame_ps <= 1000000000000LL / 50 && t->vdisp < t->vtotal &&
                t->vrs >= t->vdisp && t->vrs + t->vrlen <= t->vtotal &&
                t->hdisp < t->htotal;
    if (!sane) {
        t->vtotal = 525;
        t->vdisp = 480;
        t->vrs = 490;
        t->vrlen = 2;
        t->htotal = 100;
        t->hdisp = 80;
        t->line_ns_x1000 = 1000000000000LL / 60 / 525;
    }
}

static uint8_t vga_input_status1(VGACommonState *s)
{
    VGATiming t;
    vga_timing(s, &t);

    int64_t now = clock_get_ns(CLOCK_VIRTUAL) - s->retrace_epoch_ns;
    int64_t frame_ps = t.line_ns_x1000 * t.vtotal;
    int64_t pos_ps = (now < 0 ? 0 : now) % (frame_ps / 1000) * 1000;
    int line = pos_ps / t.line_ns_x1000;
    int hchar = (pos_ps % t.line_ns_x1000) * t.htotal / t.line_ns_x1000;
    uint8_t v = s->st01 & ~(VGA_ST01_V_RETRACE | VGA_ST01_DISP_ENABLE);

    if (line >= t.vrs && line < t.vrs + t.vrlen) {
        v |= VGA_ST01_V_RETRACE;
    }
    if (line >= t.vdisp || hchar >= t.hdisp) {
        v |= VGA_ST01_DISP_ENABLE;
    }
    return v;
}

/* ---- Ports --------------------------------------------------------------
 */

/* The CRTC and status ports answer at 0x3Dx in colour mode (misc bit 0)
 * and at 0x3Bx in mono mode; the other block is not decoded. */
static bool port_decoded(const VGACommonState *s, uint32_t port)
{
    if (port >= 0x3b0 && port <= 0x3bf) {
        return !(s->misc_output & VGA_MIS_COLOR);
    }
    if (port >= 0x3d0 && port <= 0x3df) {
        return s->misc_output & VGA_MIS_COLOR;
    }
    return port >= 0x3c0 && port <= 0x3cf;
}

static uint8_t dac_mask(const VGACommonState *s)
{
    return s->dac_8bit ? 0xff : 0x3f;
}

uint32_t vga_ioport_read(VGACommonState *s, uint32_t port)
{
    uint32_t val = 0xff;

    if (!port_decoded(s, port)) {
        return 0xff;
    }
    switch (port) {
    case 0x3c0:
        val = s->ar_index;
        break;
    case 0x3c1:
        val =
            (s->ar_index & 0x1f) < VGA_AR_COUNT ? s->ar[s->ar_index & 0x1f] : 0;
        break;
    case 0x3c2:
        val = s->st00;
        break;
    case 0x3c3: /* video subsystem enable: always on */
        val = 0x01;
        break;
    case 0x3c4:
        val = s->sr_index;
        break;
    case 0x3c5:
        val = s->sr[s->sr_index];
        break;
    case 0x3c6:
        val = s->pel_mask;
        break;
    case 0x3c7:
        val = s->dac_state;
        break;
    case 0x3c8:
        val = s->dac_write_index;
        break;
    case 0x3c9:
        val = s->palette[s->dac_read_index * 3 + s->dac_sub_index];
        if (++s->dac_sub_index == 3) {
            s->dac_sub_index = 0;
            s->dac_read_index++;
        }
        break;
    case 0x3ca:
        val = s->feature_ctrl;
        break;
    case 0x3cc:
        val = s->misc_output;
        break;
    case 0x3ce:
        val = s->gr_index;
        break;
    case 0x3cf:
        val = s->gr[s->gr_index];
        break;
    case 0x3b4:
    case 0x3d4:
        val = s->cr_index;
        break;
    case 0x3b5:
    case 0x3d5:
        val = s->cr[s->cr_index];
        break;
    case 0x3ba:
    case 0x3da:
        /* Reading input status 1 also resets the attribute flip-flop. */
        s->ar_flip_flop = false;
        val = vga_input_status1(s);
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "vga: read of unused port 0x%x\n", port);
        break;
    }
    trace(vga_ioport_read, "port 0x%x val 0x%02x", port, val);
    return val;
}

static void ar_write(VGACommonState *s, uint8_t val)
{
    if (!s->ar_flip_flop) {
        s->ar_index = val & 0x3f;
        s->ar_flip_flop = true;
        return;
    }
    s->ar_flip_flop = false;
    unsigned i = s->ar_index & 0x1f;
    if (i >= VGA_AR_COUNT) {
        log_mask(LOG_GUEST_ERROR, "vga: write to AR%02x ignored\n", i);
        return;
    }
    /* The palette registers are only writable while the palette address
     * source bit is clear (the display reads them otherwise). */
    if (i <= VGA_AR_PALETTE_END && (s->ar_index & VGA_AR_ENABLE_DISPLAY)) {
        log_mask(LOG_GUEST_ERROR,
                 "vga: AR%02x write with palette address source set\n", i);
        return;
    }
    s->ar[i] = val & ar_mask[i];
}

static void cr_write(VGACommonState *s, uint8_t val)
{
    uint8_t i = s->cr_index;

    if (i >= VGA_CR_USED) {
        log_mask(LOG_GUEST_ERROR, "vga: write to CR%02x ignored\n", i);
        return;
    }
    /* CR11 bit 7 protects CR0-7, except the line compare bit 8 in CR7. */
    if (i <= VGA_CRTC_OVERFLOW && (s->cr[VGA_CRTC_V_SYNC_END] & 0x80)) {
        if (i == VGA_CRTC_OVERFLOW) {
            s->cr[i] = (s->cr[i] & ~0x10) | (val & 0x10);
        }
        return;
    }
    s->cr[i] = val;
}

static void dac_write(VGACommonState *s, uint8_t val)
{
    s->dac_cache[s->dac_sub_index] = val & dac_mask(s);
    if (++s->dac_sub_index == 3) {
        memcpy(&s->palette[s->dac_write_index * 3], s->dac_cache, 3);
        s->dac_sub_index = 0;
        s->dac_write_index++;
    }
}

void vga_ioport_write(VGACommonState *s, uint32_t port, uint32_t val)
{
    val &= 0xff;
    trace(vga_ioport_write, "port 0x%x val 0x%02x", port, val);
    if (!port_decoded(s, port)) {
        return;
    }
    switch (port) {
    case 0x3c0:
        ar_write(s, val);
        break;
    case 0x3c2:
        s->misc_output = val;
        break;
    case 0x3c3: /* video subsystem enable: always on */
        break;
    case 0x3c4:
        s->sr_index = val & (VGA_SR_COUNT - 1);
        break;
    case 0x3c5:
        s->sr[s->sr_index] = val & sr_mask[s->sr_index];
        vga_update_direct_window(s);
        break;
    case 0x3c6:
        s->pel_mask = val;
        break;
    case 0x3c7:
        s->dac_read_index = val;
        s->dac_sub_index = 0;
        s->dac_state = 3;
        break;
    case 0x3c8:
        s->dac_write_index = val;
        s->dac_sub_index = 0;
        s->dac_state = 0;
        break;
    case 0x3c9:
        dac_write(s, val);
        break;
    case 0x3ce:
        s->gr_index = val & (VGA_GR_COUNT - 1);
        break;
    case 0x3cf:
        s->gr[s->gr_index] = val & gr_mask[s->gr_index];
        vga_update_direct_window(s);
        break;
    case 0x3b4:
    case 0x3d4:
        s->cr_index = val;
        break;
    case 0x3b5:
    case 0x3d5:
        cr_write(s, val);
        break;
    case 0x3ba:
    case 0x3da:
        s->feature_ctrl = val & 0x03;
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "vga: write 0x%02x to unused port 0x%x\n",
                 val, port);
        break;
    }
}

static uint64_t vga_port_read(void *opaque, uint64_t addr, unsigned size)
{
    return vga_ioport_read(opaque, VGA_PORT_BASE + addr);
}

static void vga_port_write(void *opaque, uint64_t addr, uint64_t data,
                           unsigned size)
{
    vga_ioport_write(opaque, VGA_PORT_BASE + addr, data);
}

/* Byte registers: "out dx, ax" to an index port writes index then data. */
static const MemoryRegionOps vga_port_ops = {
    .read = vga_port_read,
    .write = vga_port_write,
    ISA_BYTE_OPS_SIZES,
};

/* ---- Life cycle ---------------------------------------------------------
 */

int vga_common_init(VGACommonState *s, DeviceState *owner, Error **errp)
{
    uint32_t mb = s->vram_size_mb ? s->vram_size_mb : VGA_VRAM_DEFAULT_MB;

    if (mb > 256) {
        error_setg(errp, "VGA: vgamem_mb=%u: must be 1..256", mb);
        return -1;
    }
    /* A power of two, so that VRAM offsets can be masked. */
    while (mb & (mb - 1)) {
        mb += mb & -mb;
    }
    s->owner = owner;
    s->vram_size_mb = mb;
    s->vram_size = mb * MiB;
    if (memory_region_init_ram(&s->vram, "vga.vram", s->vram_size, errp) < 0) {
        return -1;
    }
    s->vram_ptr = memory_region_get_ram_ptr(&s->vram);
    memory_region_set_log(&s->vram, true, DIRTY_MEMORY_VGA);
    s->vbe_bank_mask = s->vram_size / VBE_DISPI_BANK_SIZE - 1;

    memory_region_init_io(&s->lowmem, &vga_mem_ops, s, "vga-lowmem", 128 * KiB);
    memory_region_init_io(&s->ioports, &vga_port_ops, s, "vga-ioports",
                          VGA_PORT_LEN);
    s->con = graphic_console_init("VGA", &vga_graphic_ops, s);
    vga_common_reset(s);
    return 0;
}

/*
 * Power-on state: what a VGA BIOS finds before its mode set.  Everything
 * is 0 (mono port addresses, sequencer odd/even, write mode 0) except
 * what makes the hardware usable at all: the sequencer out of reset, all
 * planes writable, a full bit mask, all planes enabled for display and
 * the full DAC mask.
 */
void vga_common_reset(VGACommonState *s)
{
    s->misc_output = 0;
    s->feature_ctrl = 0;
    s->st00 = 0;
    s->st01 = 0;
    s->sr_index = s->gr_index = s->ar_index = s->cr_index = 0;
    memset(s->sr, 0, sizeof(s->sr));
    memset(s->gr, 0, sizeof(s->gr));
    memset(s->ar, 0, sizeof(s->ar));
    memset(s->cr, 0, sizeof(s->cr));
    s->sr[VGA_SR_RESET] = 0x03;
    s->sr[VGA_SR_PLANE_MASK] = 0x0f;
    s->gr[VGA_GR_BIT_MASK] = 0xff;
    s->ar[VGA_AR_PLANE_ENABLE] = 0x0f;
    s->ar_flip_flop = false;

    s->dac_state = 0;
    s->dac_sub_index = 0;
    s->dac_read_index = s->dac_write_index = 0;
    memset(s->dac_cache, 0, sizeof(s->dac_cache));
    memset(s->palette, 0, sizeof(s->palette));
    s->pel_mask = 0xff;
    s->dac_8bit = false;
    s->latch = 0;

    vbe_reset(s);
    s->retrace_epoch_ns = clock_get_ns(CLOCK_VIRTUAL);
    s->full_update = true;
    vga_update_direct_window(s);
}

void vga_common_cleanup(VGACommonState *s)
{
    if (s->legacy_isa) {
        isa_unregister_ioport(s->legacy_isa, &s->ioports);
    } else if (s->legacy_io) {
        memory_region_del_subregion(s->legacy_io, &s->ioports);
    }
    if (s->legacy_mem) {
        vga_unmap_direct_window(s);
        memory_region_del_subregion(s->legacy_mem, &s->lowmem);
    }
    s->legacy_isa = NULL;
    s->legacy_io = s->legacy_mem = NULL;
    graphic_console_close(s->con);
    s->con = NULL;
    vga_render_cleanup(s); /* added by vgarender: the renderer's caches */
    memory_region_finalize(&s->ioports);
    memory_region_finalize(&s->lowmem);
    memory_region_finalize(&s->vram);
    s->vram_ptr = NULL;
}

void vga_init_legacy(VGACommonState *s, MemoryRegion *io, MemoryRegion *mem)
{
    memory_region_add_subregion(io, VGA_PORT_BASE, &s->ioports);
    memory_region_add_subregion_overlap(mem, 0xa0000, &s->lowmem, 1);
    s->legacy_io = io;
    s->legacy_mem = mem;
    vga_map_direct_window(s);
}

int vga_init_legacy_isa(VGACommonState *s, struct ISABus *bus, DeviceState *dev,
                        Error **errp)
{
    if (isa_register_ioport(bus, dev, &s->ioports, VGA_PORT_BASE, errp) < 0) {
        return -1;
    }
    memory_region_add_subregion_overlap(bus->mem, 0xa0000, &s->lowmem, 1);
    s->legacy_isa = bus;
    s->legacy_mem = bus->mem;
    vga_map_direct_window(s);
    return 0;
}

/* ---- State --------------------------------------------------------------
 */

static int vga_post_load(void *opaque)
{
    VGACommonState *s = opaque;

    /* Indices come from outside: keep them inside their arrays. */
    s->sr_index &= VGA_SR_COUNT - 1;
    s->gr_index &= VGA_GR_COUNT - 1;
    s->ar_index &= 0x3f;
    if (s->dac_sub_index > 2) {
        s->dac_sub_index = 0;
    }
    if (s->dac_state != 0 && s->dac_state != 3) {
        s->dac_state = 0;
    }
    for (int i = 0; i < VGA_SR_COUNT; i++) {
        s->sr[i] &= sr_mask[i];
    }
    for (int i = 0; i < VGA_GR_COUNT; i++) {
        s->gr[i] &= gr_mask[i];
    }
    for (int i = 0; i < VGA_AR_COUNT; i++) {
        s->ar[i] &= ar_mask[i];
    }
    memset(s->cr + VGA_CR_USED, 0, VGA_CR_COUNT - VGA_CR_USED);
    s->full_update = true;
    vga_update_direct_window(s);
    return 0;
}

static const VMStateField vga_fields[] = {
    VMSTATE_U8(misc_output, VGACommonState),
    VMSTATE_U8(feature_ctrl, VGACommonState),
    VMSTATE_U8(st00, VGACommonState),
    VMSTATE_U8(sr_index, VGACommonState),
    VMSTATE_U8_ARRAY(sr, VGACommonState, VGA_SR_COUNT),
    VMSTATE_U8(gr_index, VGACommonState),
    VMSTATE_U8_ARRAY(gr, VGACommonState, VGA_GR_COUNT),
    VMSTATE_U8(ar_index, VGACommonState),
    VMSTATE_U8_ARRAY(ar, VGACommonState, VGA_AR_COUNT),
    VMSTATE_BOOL(ar_flip_flop, VGACommonState),
    VMSTATE_U8(cr_index, VGACommonState),
    VMSTATE_U8_ARRAY(cr, VGACommonState, VGA_CR_COUNT),
    VMSTATE_U8(dac_state, VGACommonState),
    VMSTATE_U8(dac_sub_index, VGACommonState),
    VMSTATE_U8(dac_read_index, VGACommonState),
    VMSTATE_U8(dac_write_index, VGACommonState),
    VMSTATE_U8_ARRAY(dac_cache, VGACommonState, 3),
    VMSTATE_U8_ARRAY(palette, VGACommonState, 768),
    VMSTATE_U8(pel_mask, VGACommonState),
    VMSTATE_BOOL(dac_8bit, VGACommonState),
    VMSTATE_U32(latch, VGACommonState),
    VMSTATE_U16(vbe_index, VGACommonState),
    VMSTATE_U16_ARRAY(vbe_regs, VGACommonState, VBE_DISPI_INDEX_NB),
    VMSTATE_END_OF_LIST(),
};

const VMStateDescription vmstate_vga_common = {
    .name = "vga",
    .version = 1,
    .fields = vga_fields,
    .post_load = vga_post_load,
};
