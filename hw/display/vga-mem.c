/*
 * The VGA memory window, 0xA0000-0xBFFFF, as the CPU sees it.
 *
 * An access goes through three steps:
 *   1. the memory map (GR6 bits 2-3) decides whether the window offset is
 *      decoded at all and where inside the selected map it falls; with the
 *      VBE extensions on in a byte-per-pixel mode the 64 KiB at 0xA0000
 *      is instead a bank of the linear VRAM;
 *   2. the addressing mode turns the map offset into a planar address and
 *      the planes concerned: chain-4 (SR4 bit 3: the low two address bits
 *      pick the plane), odd/even (writes: SR4 bit 2 clear, reads: GR5 bit
 *      4 set: address bit 0 picks the even or odd plane and is replaced
 *      by bit 16) or planar (planar address = offset, 16 bits);
 *   3. the graphics controller's data path: reads load the four latches
 *      and return one plane (read mode 0) or a colour-compare result (read
 *      mode 1); writes combine the CPU byte, set/reset, rotation, the ALU
 *      function and the bit mask with the latches (write modes 0-3), and
 *      the sequencer's map mask (SR2) picks which planes take the result.
 * The packing of each addressing mode in vram[] is the contract of
 * vga-internal.h; every VRAM index is masked to vram_size.
 *
 * The direct window: when those three steps reduce to "window byte a is
 * VRAM byte base + a" (a VBE bank, or chain-4 with all planes writable,
 * write mode 0 without rotation, ALU function or set/reset, a full bit
 * mask and read mode 0), an alias of VRAM is enabled over the window so
 * that guest accesses go straight to memory: the translator's fast path,
 * a KVM memory slot, with the dirty log still filled for the renderer.
 * This is what makes mode 13h and banked VBE fast.  The one difference
 * from the byte path: reads through the alias do not load the latches,
 * which only write mode 1 and the ALU functions use, and switching to
 * those ends the alias; a program that reads in mode 13h and then selects
 * write mode 1 without reading again sees the latches of its last read
 * through the device (QEMU's chain-4 alias behaves the same).
 */
#include "hw/display/vga-internal.h"
#include "emu/log.h"
#include "emu/trace.h"

#define VGA_WINDOW_SIZE (128 * KiB)

/* Expand bit p of v into a byte of all ones or all zeros. */
static inline uint8_t bit_to_byte(unsigned v, int p)
{
    return (v >> p) & 1 ? 0xff : 0x00;
}

/* The four planes as one 32-bit word, plane p in bits 8p..8p+7. */
static inline uint32_t expand_planes(unsigned bits4)
{
    uint32_t w = 0;
    for (int p = 0; p < 4; p++) {
        w |= (uint32_t)bit_to_byte(bits4, p) << (8 * p);
    }
    return w;
}

static inline uint32_t planar_size(const VGACommonState *s)
{
    return s->vram_size / 4;
}

static inline uint32_t load_planes(const VGACommonState *s, uint32_t pa)
{
    const uint8_t *p = s->vram_ptr + (size_t)pa * 4;
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * Step 1: the window offset inside the selected memory map, or -1 if the
 * map does not decode addr (reads float high, writes go nowhere).
 */
static int64_t map_offset(const VGACommonState *s, uint32_t addr)
{
    switch ((s->gr[VGA_GR_MISC] >> 2) & 3) {
    case 0: /* A0000-BFFFF */
        return addr;
    case 1: /* A0000-AFFFF */
        return addr < 0x10000 ? (int64_t)addr : -1;
    case 2: /* B0000-B7FFF */
        return addr >= 0x10000 && addr < 0x18000 ? (int64_t)addr - 0x10000 : -1;
    default: /* B8000-BFFFF */
        return addr >= 0x18000 ? (int64_t)addr - 0x18000 : -1;
    }
}

/* VBE on with a byte-addressed format: the window is a bank of VRAM. */
static bool vbe_bank_mode(const VGACommonState *s)
{
    return (s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED) &&
           s->vbe_regs[VBE_DISPI_INDEX_BPP] >= 8;
}

/* Byte offset in VRAM of window address addr in bank mode, or -1. */
static int64_t vbe_bank_offset(const VGACommonState *s, uint32_t addr)
{
    if (addr >= VBE_DISPI_BANK_SIZE) {
        return -1;
    }
    uint64_t bank = s->vbe_regs[VBE_DISPI_INDEX_BANK] & s->vbe_bank_mask;
    uint64_t off = bank * VBE_DISPI_BANK_SIZE + addr;
    return off < s->vram_size ? (int64_t)off : -1;
}

/* Step 2: planar address and the planes an access touches. */
typedef struct VGAAccess {
    uint32_t pa;        /* planar address (masked to VRAM) */
    uint8_t planes;     /* write: planes the addressing mode allows */
    uint8_t read_plane; /* read mode 0 */
} VGAAccess;

/* A VGA plane is 64 KiB: the window's 128 KiB map wraps on it, as the
 * renderer's 16-bit CRTC addresses do. */
#define VGA_PLANE_MASK 0xffffu

static void decode(const VGACommonState *s, uint32_t off, bool write,
                   VGAAccess *a)
{
    uint32_t mask = VGA_PLANE_MASK;
    uint32_t base = 0;

    /* VBE 4-bit planar modes bank the planar address space, which then
     * spans all of VRAM. */
    if ((s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED) &&
        s->vbe_regs[VBE_DISPI_INDEX_BPP] == 4) {
        base =
            (uint32_t)(s->vbe_regs[VBE_DISPI_INDEX_BANK] & s->vbe_bank_mask) *
            VBE_DISPI_BANK_SIZE;
        mask = planar_size(s) - 1;
    }
    if (s->sr[VGA_SR_MEM_MODE] & 0x08) {
        /* Chain-4: A0-A1 pick the plane. */
        a->pa = ((base + off) >> 2) & mask;
        a->planes = 1 << (off & 3);
        a->read_plane = off & 3;
        return;
    }
    a->planes = 0x0f;
    a->read_plane = s->gr[VGA_GR_READ_MAP] & 3;
    bool odd_even =
        write ? !(s->sr[VGA_SR_MEM_MODE] & 0x04) : (s->gr[VGA_GR_MODE] & 0x10);
    if (!odd_even) {
        a->pa = (base + off) & mask;
        return;
    }
    /* Odd/even: A0 picks the even (0, 2) or odd (1, 3) planes and is
     * replaced by A16, so a 128 KiB map fills the planes' odd bytes. */
    if (write) {
        a->planes = off & 1 ? 0x0a : 0x05;
    } else {
        a->read_plane = (s->gr[VGA_GR_READ_MAP] & 2) | (off & 1);
    }
    a->pa = (((base + off) & ~1u) | ((off >> 16) & 1)) & mask;
}

/* Step 3, reads. */
static uint8_t planar_read(VGACommonState *s, const VGAAccess *a)
{
    s->latch = load_planes(s, a->pa);
    if (!(s->gr[VGA_GR_MODE] & 0x08)) {
        return s->latch >> (8 * a->read_plane);
    }
    /* Read mode 1: a pixel reads 1 where every plane selected by the
     * colour don't care register equals its colour compare bit. */
    uint32_t care = expand_planes(s->gr[VGA_GR_COLOR_DONT_CARE]);
    uint32_t diff =
        (s->latch ^ expand_planes(s->gr[VGA_GR_COLOR_COMPARE])) & care;
    diff |= diff >> 16;
    diff |= diff >> 8;
    return ~diff & 0xff;
}

static inline uint8_t ror8(uint8_t v, int n)
{
    return n ? (uint8_t)(v >> n | v << (8 - n)) : v;
}

/* Step 3, writes: the four plane bytes the graphics controller outputs. */
static uint32_t planar_write_data(const VGACommonState *s, uint8_t val)
{
    uint8_t mode = s->gr[VGA_GR_MODE] & 3;
    uint8_t rot = s->gr[VGA_GR_DATA_ROTATE] & 7;
    uint8_t func = (s->gr[VGA_GR_DATA_ROTATE] >> 3) & 3;
    uint8_t bit_mask = s->gr[VGA_GR_BIT_MASK];
    uint32_t set_reset = expand_planes(s->gr[VGA_GR_SET_RESET]);
    uint32_t data;

    switch (mode) {
    case 0: {
        uint32_t enable = expand_planes(s->gr[VGA_GR_ENABLE_SET_RESET]);
        data = (ror8(val, rot) * 0x01010101u & ~enable) | (set_reset & enable);
        break;
    }
    case 1:
        return s->latch;
    case 2:
        data = expand_planes(val);
        break;
    default:
        /* Write mode 3: the rotated byte ANDed with the bit mask is the
         * mask; the data is the set/reset colour. */
        bit_mask &= ror8(val, rot);
        data = set_reset;
        break;
    }
    switch (func) {
    case 1:
        data &= s->latch;
        break;
    case 2:
        data |= s->latch;
        break;
    case 3:
        data ^= s->latch;
        break;
    }
    uint32_t m = bit_mask * 0x01010101u;
    return (data & m) | (s->latch & ~m);
}

static void mark_dirty(VGACommonState *s, uint64_t off, uint64_t len)
{
    memory_region_set_dirty(&s->vram, off, len);
}

uint8_t vga_mem_readb(VGACommonState *s, uint32_t addr)
{
    VGAAccess a;
    int64_t off;

    addr &= VGA_WINDOW_SIZE - 1;
    if (vbe_bank_mode(s)) {
        off = vbe_bank_offset(s, addr);
        return off < 0 ? 0xff : s->vram_ptr[off];
    }
    off = map_offset(s, addr);
    if (off < 0) {
        return 0xff;
    }
    decode(s, off, false, &a);
    return planar_read(s, &a);
}

void vga_mem_writeb(VGACommonState *s, uint32_t addr, uint8_t val)
{
    VGAAccess a;
    int64_t off;

    addr &= VGA_WINDOW_SIZE - 1;
    if (vbe_bank_mode(s)) {
        off = vbe_bank_offset(s, addr);
        if (off >= 0) {
            s->vram_ptr[off] = val;
            mark_dirty(s, off, 1);
        }
        return;
    }
    off = map_offset(s, addr);
    if (off < 0) {
        return;
    }
    decode(s, off, true, &a);
    uint8_t planes = a.planes & s->sr[VGA_SR_PLANE_MASK];
    if (!planes) {
        return;
    }
    uint32_t data = planar_write_data(s, val);
    uint8_t *p = s->vram_ptr + (size_t)a.pa * 4;
    for (int i = 0; i < 4; i++) {
        if (planes & (1 << i)) {
            p[i] = data >> (8 * i);
        }
    }
    mark_dirty(s, (uint64_t)a.pa * 4, 4);
}

/* ---- The direct window ------------------------------------------------
 */

/* Whether the window is plain VRAM now, and which alias (size) from which
 * VRAM offset. */
static bool direct_window(const VGACommonState *s, uint32_t *size,
                          uint64_t *offset)
{
    if (vbe_enabled(s)) {
        if (s->vbe_regs[VBE_DISPI_INDEX_BPP] < 8) {
            return false; /* banked planar: the data path applies */
        }
        *size = VBE_DISPI_BANK_SIZE;
        *offset = (uint64_t)(s->vbe_regs[VBE_DISPI_INDEX_BANK] &
                             s->vbe_bank_mask) *
                  VBE_DISPI_BANK_SIZE;
        return *offset + *size <= s->vram_size;
    }
    if (!(s->sr[VGA_SR_MEM_MODE] & 0x08) ||
        (s->sr[VGA_SR_PLANE_MASK] & 0x0f) != 0x0f ||
        (s->gr[VGA_GR_MODE] & 0x0b) != 0 ||
        s->gr[VGA_GR_DATA_ROTATE] != 0 ||
        (s->gr[VGA_GR_ENABLE_SET_RESET] & 0x0f) != 0 ||
        s->gr[VGA_GR_BIT_MASK] != 0xff) {
        return false;
    }
    switch ((s->gr[VGA_GR_MISC] >> 2) & 3) {
    case 0:
        *size = VGA_WINDOW_SIZE;
        break;
    case 1:
        *size = 64 * KiB;
        break;
    default:
        return false; /* B0000/B8000 maps: text mode territory */
    }
    *offset = 0;
    return true;
}

void vga_map_direct_window(VGACommonState *s)
{
    memory_region_init_alias(&s->direct128, "vga.direct", &s->vram, 0,
                             VGA_WINDOW_SIZE);
    memory_region_init_alias(&s->direct64, "vga.direct-bank", &s->vram, 0,
                             64 * KiB);
    s->direct128.enabled = false;
    s->direct64.enabled = false;
    memory_region_add_subregion_overlap(s->legacy_mem, 0xa0000, &s->direct128,
                                        2);
    memory_region_add_subregion_overlap(s->legacy_mem, 0xa0000, &s->direct64,
                                        2);
    s->direct_mapped = true;
    vga_update_direct_window(s);
}

void vga_unmap_direct_window(VGACommonState *s)
{
    if (!s->direct_mapped) {
        return;
    }
    memory_region_del_subregion(s->legacy_mem, &s->direct128);
    memory_region_del_subregion(s->legacy_mem, &s->direct64);
    memory_region_finalize(&s->direct128);
    memory_region_finalize(&s->direct64);
    s->direct_mapped = false;
}

void vga_update_direct_window(VGACommonState *s)
{
    uint32_t size = 0;
    uint64_t offset = 0;

    if (!s->direct_mapped) {
        return;
    }
    bool on = direct_window(s, &size, &offset);
    bool on128 = on && size == VGA_WINDOW_SIZE;
    bool on64 = on && size != VGA_WINDOW_SIZE;

    /* Nothing changes (the common case, a register write in a mode that
     * stays as it was): no memory transaction. */
    if (on128 == s->direct128.enabled && on64 == s->direct64.enabled &&
        (!on64 || s->direct64.alias_offset == offset)) {
        return;
    }
    memory_region_transaction_begin();
    memory_region_set_enabled(&s->direct128, on128);
    if (on64) {
        memory_region_set_alias_offset(&s->direct64, offset);
    }
    memory_region_set_enabled(&s->direct64, on64);
    memory_region_transaction_commit();
}

static uint64_t vga_mem_read_do(void *opaque, uint64_t addr, unsigned size)
{
    return vga_mem_readb(opaque, addr);
}

static uint64_t vga_mem_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = vga_mem_read_do(opaque, addr, size);
    trace(vga_mem_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void vga_mem_write(void *opaque, uint64_t addr, uint64_t data,
                          unsigned size)
{
    trace(vga_mem_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          data, size);
    vga_mem_writeb(opaque, addr, data);
}

/* Byte callbacks: wider CPU accesses are split into bytes, lowest address
 * first, each one a full trip through the latches as on the card. */
const MemoryRegionOps vga_mem_ops = {
    .read = vga_mem_read,
    .write = vga_mem_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};
