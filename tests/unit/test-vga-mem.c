/*
 * Device tests for the VGA memory window (hw/display/vga-mem.c): every
 * write mode and both read modes against a reference model written here
 * from the register descriptions, bit by bit and plane by plane (so it
 * shares no code or shortcut with the device), in fixed cases and in
 * seeded random sweeps over mode, rotate, function, set/reset, enable,
 * bit mask, map mask and latches; chain-4 and odd/even addressing; the
 * four memory maps; the VBE bank window; dirty pages after writes; the
 * direct window (an alias of VRAM while the data path is the identity)
 * against a twin device whose every access takes the byte path.
 */
#include "tests/unit/vga-rig.h"

/* ---- Reference model ------------------------------------------------------
 */

typedef struct RefRegs {
    uint8_t set_reset, enable_sr, color_compare, rotate, function, read_map;
    uint8_t write_mode, read_mode, dont_care, bit_mask, map_mask;
} RefRegs;

static int bit(unsigned v, int b)
{
    return (v >> b) & 1;
}

/* Bit b of v rotated right by n. */
static int rotated_bit(uint8_t v, int n, int b)
{
    return bit(v, (b + n) % 8);
}

static int alu(int function, int data, int latch)
{
    switch (function) {
    case 0:
        return data;
    case 1:
        return data & latch;
    case 2:
        return data | latch;
    default:
        return data ^ latch;
    }
}

/* The four plane bytes after a CPU write of val with latches lat[] over
 * the old plane bytes old[]; planes allowed by addressing: allow. */
static void ref_write(const RefRegs *g, const uint8_t lat[4],
                      const uint8_t old[4], uint8_t val, uint8_t allow,
                      uint8_t out[4])
{
    for (int p = 0; p < 4; p++) {
        if (!bit(g->map_mask & allow, p)) {
            out[p] = old[p];
            continue;
        }
        uint8_t byte = 0;
        for (int b = 0; b < 8; b++) {
            int l = bit(lat[p], b);
            int r;
            switch (g->write_mode) {
            case 0: {
                int d = bit(g->enable_sr, p) ? bit(g->set_reset, p)
                                             : rotated_bit(val, g->rotate, b);
                r = bit(g->bit_mask, b) ? alu(g->function, d, l) : l;
                break;
            }
            case 1:
                r = l;
                break;
            case 2: {
                int d = bit(val, p);
                r = bit(g->bit_mask, b) ? alu(g->function, d, l) : l;
                break;
            }
            default: {
                int d = bit(g->set_reset, p);
                int m = bit(g->bit_mask, b) & rotated_bit(val, g->rotate, b);
                r = m ? alu(g->function, d, l) : l;
                break;
            }
            }
            byte |= r << b;
        }
        out[p] = byte;
    }
}

/* Read mode 1: a 1 where every cared-for plane matches the compare bit. */
static uint8_t ref_compare(const RefRegs *g, const uint8_t lat[4])
{
    uint8_t v = 0;
    for (int b = 0; b < 8; b++) {
        int match = 1;
        for (int p = 0; p < 4; p++) {
            if (bit(g->dont_care, p) &&
                bit(lat[p], b) != bit(g->color_compare, p)) {
                match = 0;
            }
        }
        v |= match << b;
    }
    return v;
}

static void load_regs(VgaRig *r, const RefRegs *g)
{
    gr_set(r, 0, g->set_reset);
    gr_set(r, 1, g->enable_sr);
    gr_set(r, 2, g->color_compare);
    gr_set(r, 3, g->rotate | g->function << 3);
    gr_set(r, 4, g->read_map);
    gr_set(r, 5, g->write_mode | g->read_mode << 3);
    gr_set(r, 7, g->dont_care);
    gr_set(r, 8, g->bit_mask);
    sr_set(r, 2, g->map_mask);
}

/* 16-colour planar mode with the window at A0000 (64 KiB). */
static void planar_mode(VgaRig *r)
{
    sr_set(r, 4, 0x06); /* extended memory, odd/even off, chain-4 off */
    gr_set(r, 6, 0x05); /* graphics, A0000 64K */
}

static uint32_t rng_state;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static uint8_t *plane_ptr(VgaRig *r, uint32_t planar)
{
    return r->s->vram_ptr + planar * 4;
}

/* ---- Tests ----------------------------------------------------------------
 */

/* Fixed cases, each worked out by hand from the register descriptions. */
static void test_write_modes_fixed(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    planar_mode(&r);
    uint8_t *p = plane_ptr(&r, 0x100);

    /* Write mode 0, plain: all planes take the byte. */
    RefRegs g = {.bit_mask = 0xff, .map_mask = 0x0f};
    load_regs(&r, &g);
    win_writeb(&r, 0x100, 0x5a);
    CHECK_EQ(p[0], 0x5a);
    CHECK_EQ(p[1], 0x5a);
    CHECK_EQ(p[2], 0x5a);
    CHECK_EQ(p[3], 0x5a);

    /* Set/reset 0b0101 enabled on planes 0 and 1 only. */
    g.set_reset = 0x05;
    g.enable_sr = 0x03;
    load_regs(&r, &g);
    win_writeb(&r, 0x100, 0x33);
    CHECK_EQ(p[0], 0xff);
    CHECK_EQ(p[1], 0x00);
    CHECK_EQ(p[2], 0x33);
    CHECK_EQ(p[3], 0x33);

    /* Rotate by 4 with a bit mask of 0xf0: latches (loaded by a read)
     * supply the low nibble. */
    memset(p, 0x0f, 4);
    g = (RefRegs){.rotate = 4, .bit_mask = 0xf0, .map_mask = 0x0f};
    load_regs(&r, &g);
    (void)win_readb(&r, 0x100);
    win_writeb(&r, 0x100, 0x12);
    CHECK_EQ(p[0], 0x2f);
    CHECK_EQ(p[3], 0x2f);

    /* XOR with the latches. */
    memset(p, 0xaa, 4);
    g = (RefRegs){.function = 3, .bit_mask = 0xff, .map_mask = 0x0f};
    load_regs(&r, &g);
    (void)win_readb(&r, 0x100);
    win_writeb(&r, 0x100, 0xff);
    CHECK_EQ(p[1], 0x55);

    /* Write mode 1 copies the latches of another address. */
    p[4] = 1, p[5] = 2, p[6] = 3, p[7] = 4; /* planar 0x101 */
    g = (RefRegs){.write_mode = 1, .map_mask = 0x0f};
    load_regs(&r, &g);
    (void)win_readb(&r, 0x101);
    win_writeb(&r, 0x100, 0x00);
    CHECK_EQ(p[0], 1);
    CHECK_EQ(p[1], 2);
    CHECK_EQ(p[2], 3);
    CHECK_EQ(p[3], 4);

    /* Write mode 2: colour 0b1001 in the pixels the bit mask picks. */
    memset(p, 0x00, 4);
    g = (RefRegs){.write_mode = 2, .bit_mask = 0x81, .map_mask = 0x0f};
    load_regs(&r, &g);
    (void)win_readb(&r, 0x100);
    win_writeb(&r, 0x100, 0x09);
    CHECK_EQ(p[0], 0x81);
    CHECK_EQ(p[1], 0x00);
    CHECK_EQ(p[2], 0x00);
    CHECK_EQ(p[3], 0x81);

    /* Write mode 3: set/reset colour where rotated byte & bit mask. */
    memset(p, 0xff, 4);
    g = (RefRegs){.write_mode = 3,
                  .set_reset = 0x02,
                  .rotate = 1,
                  .bit_mask = 0x0f,
                  .map_mask = 0x0f};
    load_regs(&r, &g);
    (void)win_readb(&r, 0x100);
    win_writeb(&r, 0x100, 0x06); /* rotated: 0x03 */
    CHECK_EQ(p[0], 0xfc);
    CHECK_EQ(p[1], 0xff);
    CHECK_EQ(p[2], 0xfc);

    /* The map mask keeps planes 1 and 3 untouched. */
    memset(p, 0x11, 4);
    g = (RefRegs){.bit_mask = 0xff, .map_mask = 0x05};
    load_regs(&r, &g);
    win_writeb(&r, 0x100, 0xee);
    CHECK_EQ(p[0], 0xee);
    CHECK_EQ(p[1], 0x11);
    CHECK_EQ(p[2], 0xee);
    CHECK_EQ(p[3], 0x11);
    vga_rig_cleanup(&r);
}

/* Random sweep: every write-side register and the latches at random,
 * compared with the reference for all four planes. */
static void test_write_modes_random(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    planar_mode(&r);
    rng_state = 0x1234567;
    int mismatches = 0;
    for (int i = 0; i < 20000 && mismatches < 5; i++) {
        RefRegs g = {
            .set_reset = rnd() & 15,
            .enable_sr = rnd() & 15,
            .rotate = rnd() & 7,
            .function = rnd() & 3,
            .write_mode = rnd() & 3,
            .bit_mask = rnd(),
            .map_mask = rnd() & 15,
        };
        uint32_t src = rnd() & 0xffff, dst = rnd() & 0xffff;
        uint8_t lat[4], old[4], want[4];
        for (int p = 0; p < 4; p++) {
            lat[p] = plane_ptr(&r, src)[p] = rnd();
        }
        if (dst == src) {
            memcpy(old, lat, 4);
        } else {
            for (int p = 0; p < 4; p++) {
                old[p] = plane_ptr(&r, dst)[p] = rnd();
            }
        }
        uint8_t val = rnd();
        load_regs(&r, &g);
        (void)win_readb(&r, src); /* loads the latches */
        win_writeb(&r, dst, val);
        ref_write(&g, lat, old, val, 0x0f, want);
        if (memcmp(plane_ptr(&r, dst), want, 4)) {
            const uint8_t *got = plane_ptr(&r, dst);
            test_fail(__FILE__, __LINE__,
                      "case %d: mode %d rot %d fn %d sr %x en %x mask %02x "
                      "map %x val %02x: got %02x%02x%02x%02x want "
                      "%02x%02x%02x%02x",
                      i, g.write_mode, g.rotate, g.function, g.set_reset,
                      g.enable_sr, g.bit_mask, g.map_mask, val, got[3], got[2],
                      got[1], got[0], want[3], want[2], want[1], want[0]);
            mismatches++;
        }
    }
    vga_rig_cleanup(&r);
}

static void test_read_modes(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    planar_mode(&r);
    uint8_t *p = plane_ptr(&r, 0x2000);
    p[0] = 0x11, p[1] = 0x22, p[2] = 0x44, p[3] = 0x88;
    for (int m = 0; m < 4; m++) {
        gr_set(&r, 4, m);
        CHECK_EQ(win_readb(&r, 0x2000), p[m]);
    }
    /* Read mode 1, fixed: pixels of colour 0b1111 in planes 0xf0/0x0f. */
    p[0] = 0xf0, p[1] = 0xf0, p[2] = 0xff, p[3] = 0xf3;
    gr_set(&r, 5, 0x08);
    gr_set(&r, 2, 0x0f);
    gr_set(&r, 7, 0x0f);
    CHECK_EQ(win_readb(&r, 0x2000), 0xf0);
    gr_set(&r, 7, 0x00); /* nothing cared for: every pixel matches */
    CHECK_EQ(win_readb(&r, 0x2000), 0xff);
    gr_set(&r, 2, 0x00);
    gr_set(&r, 7, 0x08); /* plane 3 only, compare 0 */
    CHECK_EQ(win_readb(&r, 0x2000), 0x0c);

    rng_state = 0xbeef;
    for (int i = 0; i < 5000; i++) {
        RefRegs g = {.color_compare = rnd() & 15, .dont_care = rnd() & 15};
        uint32_t a = rnd() & 0xffff;
        uint8_t lat[4];
        for (int k = 0; k < 4; k++) {
            lat[k] = plane_ptr(&r, a)[k] = rnd();
        }
        gr_set(&r, 2, g.color_compare);
        gr_set(&r, 7, g.dont_care);
        uint8_t got = win_readb(&r, a);
        if (got != ref_compare(&g, lat)) {
            CHECK_EQ(got, ref_compare(&g, lat));
            break;
        }
    }
    vga_rig_cleanup(&r);
}

/* Every read loads all four latches, whatever the read mode or plane. */
static void test_latches(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    planar_mode(&r);
    memcpy(plane_ptr(&r, 10), "\x01\x02\x03\x04", 4);
    memcpy(plane_ptr(&r, 20), "\x05\x06\x07\x08", 4);
    gr_set(&r, 4, 2);
    gr_set(&r, 5, 0x09); /* read mode 1, write mode 1 */
    sr_set(&r, 2, 0x0f);
    (void)win_readb(&r, 10);
    (void)win_readb(&r, 20); /* the later read wins */
    win_writeb(&r, 30, 0);
    CHECK(!memcmp(plane_ptr(&r, 30), "\x05\x06\x07\x08", 4));
    CHECK_EQ(r.s->latch, 0x08070605);
    vga_rig_cleanup(&r);
}

static void test_chain4(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    sr_set(&r, 4, 0x0e); /* chain-4 (mode 13h) */
    sr_set(&r, 2, 0x0f);
    gr_set(&r, 5, 0x40);
    gr_set(&r, 6, 0x05);
    for (uint32_t a = 0; a < 0x10000; a += 0x1111) {
        win_writeb(&r, a, a * 7);
        CHECK_EQ(r.s->vram_ptr[a], (uint8_t)(a * 7));
        CHECK_EQ(win_readb(&r, a), (uint8_t)(a * 7));
    }
    /* Pixel a is plane a & 3 of planar address a >> 2. */
    win_writeb(&r, 0x1235, 0x77);
    CHECK_EQ(plane_ptr(&r, 0x1235 >> 2)[1], 0x77);
    /* The map mask still gates planes. */
    sr_set(&r, 2, 0x0d);
    win_writeb(&r, 0x1235, 0x99);
    CHECK_EQ(r.s->vram_ptr[0x1235], 0x77);
    win_writeb(&r, 0x1236, 0x99);
    CHECK_EQ(r.s->vram_ptr[0x1236], 0x99);
    /* A 16-bit store writes two pixels, low byte first. */
    sr_set(&r, 2, 0x0f);
    address_space_write_val(&r.tb.mem_as, 0xa0000 + 0x4000, 2, 0xbbaa);
    CHECK_EQ(r.s->vram_ptr[0x4000], 0xaa);
    CHECK_EQ(r.s->vram_ptr[0x4001], 0xbb);
    /* Unchained (Mode X): the same memory as planes. */
    sr_set(&r, 4, 0x06);
    sr_set(&r, 2, 0x04);
    win_writeb(&r, 0x10, 0x5c);
    CHECK_EQ(r.s->vram_ptr[0x10 * 4 + 2], 0x5c);
    sr_set(&r, 4, 0x0e);
    CHECK_EQ(win_readb(&r, 0x10 * 4 + 2), 0x5c);
    vga_rig_cleanup(&r);
}

/* Text mode: characters in plane 0, attributes in plane 1, cell i at
 * planar address 2i (vga-internal.h); the font plane 2 behind them. */
static void test_odd_even(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    outb(&r.tb, 0x3c2, 0x67);
    sr_set(&r, 2, 0x03);
    sr_set(&r, 4, 0x02);
    gr_set(&r, 4, 0x00);
    gr_set(&r, 5, 0x10);
    gr_set(&r, 6, 0x0e); /* B8000 32K, chain odd/even */
    for (int i = 0; i < 2000; i += 37) {
        win_writeb(&r, 0x18000 + 2 * i, 'A' + i % 26);
        win_writeb(&r, 0x18000 + 2 * i + 1, 0x1e);
        CHECK_EQ(plane_ptr(&r, 2 * i)[0], 'A' + i % 26);
        CHECK_EQ(plane_ptr(&r, 2 * i)[1], 0x1e);
        CHECK_EQ(win_readb(&r, 0x18000 + 2 * i), 'A' + i % 26);
        CHECK_EQ(win_readb(&r, 0x18000 + 2 * i + 1), 0x1e);
    }
    /* Odd planar addresses are not reached from a 32K map. */
    CHECK_EQ(plane_ptr(&r, 1)[0], 0);
    CHECK_EQ(plane_ptr(&r, 1)[1], 0);
    /* Planes 2 and 3 untouched by text writes (map mask 3). */
    CHECK_EQ(plane_ptr(&r, 0)[2], 0);
    /* With the map mask open, even bytes go to planes 0 and 2. */
    sr_set(&r, 2, 0x0f);
    win_writeb(&r, 0x18000 + 8, 0x42);
    win_writeb(&r, 0x18000 + 9, 0x43);
    CHECK_EQ(plane_ptr(&r, 8)[0], 0x42);
    CHECK_EQ(plane_ptr(&r, 8)[2], 0x42);
    CHECK_EQ(plane_ptr(&r, 8)[1], 0x43);
    CHECK_EQ(plane_ptr(&r, 8)[3], 0x43);
    /* GR4 bit 1 reads the 2/3 pair. */
    plane_ptr(&r, 10)[2] = 0xa2;
    plane_ptr(&r, 10)[3] = 0xa3;
    gr_set(&r, 4, 0x02);
    CHECK_EQ(win_readb(&r, 0x18000 + 10), 0xa2);
    CHECK_EQ(win_readb(&r, 0x18000 + 11), 0xa3);
    /* The 128K map: A16 takes A0's place. */
    gr_set(&r, 4, 0x00);
    gr_set(&r, 6, 0x02);
    win_writeb(&r, 0x10000 + 6, 0x61);
    win_writeb(&r, 0x10000 + 7, 0x62);
    CHECK_EQ(plane_ptr(&r, 7)[0], 0x61);
    CHECK_EQ(plane_ptr(&r, 7)[1], 0x62);
    CHECK_EQ(win_readb(&r, 0x10000 + 7), 0x62);
    CHECK_EQ(plane_ptr(&r, 6)[0], 0x00);
    /* What the BIOS does to load a font: plane 2, sequential. */
    sr_set(&r, 2, 0x04);
    sr_set(&r, 4, 0x06);
    gr_set(&r, 4, 0x02);
    gr_set(&r, 5, 0x00);
    gr_set(&r, 6, 0x04);
    win_writeb(&r, 'A' * 32 + 3, 0x7e);
    CHECK_EQ(plane_ptr(&r, 'A' * 32 + 3)[2], 0x7e);
    CHECK_EQ(win_readb(&r, 'A' * 32 + 3), 0x7e);
    /* Planar addresses wrap at 64 KiB in the 128K map. */
    gr_set(&r, 6, 0x00);
    win_writeb(&r, 0x10000 + 'A' * 32 + 3, 0x3c);
    CHECK_EQ(plane_ptr(&r, 'A' * 32 + 3)[2], 0x3c);
    vga_rig_cleanup(&r);
}

static void test_memory_maps(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    sr_set(&r, 4, 0x0e);
    sr_set(&r, 2, 0x0f);
    /* map: window offsets decoded and the VRAM byte each reaches. */
    static const struct {
        uint32_t start, len;
    } maps[4] = {
        {0x00000, 0x20000},
        {0x00000, 0x10000},
        {0x10000, 0x08000},
        {0x18000, 0x08000},
    };
    static const uint32_t probes[] = {0x0000,  0x7fff,  0x8000,  0xffff,
                                      0x10000, 0x17fff, 0x18000, 0x1ffff};
    for (int m = 0; m < 4; m++) {
        gr_set(&r, 6, 0x01 | m << 2);
        memset(r.s->vram_ptr, 0, 0x20000);
        for (unsigned i = 0; i < ARRAY_SIZE(probes); i++) {
            uint32_t a = probes[i];
            bool in = a >= maps[m].start && a < maps[m].start + maps[m].len;
            win_writeb(&r, a, 0x40 + i);
            if (in) {
                CHECK_EQ(r.s->vram_ptr[a - maps[m].start], 0x40 + i);
                CHECK_EQ(win_readb(&r, a), 0x40 + i);
            } else {
                CHECK_EQ(win_readb(&r, a), 0xff);
            }
        }
        /* Writes outside the map went nowhere. */
        int nonzero = 0;
        for (uint32_t b = 0; b < 0x20000; b++) {
            nonzero += r.s->vram_ptr[b] != 0;
        }
        int inside = 0;
        for (unsigned i = 0; i < ARRAY_SIZE(probes); i++) {
            inside += probes[i] >= maps[m].start &&
                      probes[i] < maps[m].start + maps[m].len;
        }
        CHECK_EQ(nonzero, inside);
    }
    vga_rig_cleanup(&r);
}

static void test_vbe_bank(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 4)) {
        return;
    }
    VGACommonState *s = r.s;
    s->vbe_regs[VBE_DISPI_INDEX_ENABLE] = VBE_DISPI_ENABLED;
    s->vbe_regs[VBE_DISPI_INDEX_BPP] = 8;
    s->vbe_regs[VBE_DISPI_INDEX_BANK] = 3;
    win_writeb(&r, 5, 0xab);
    CHECK_EQ(s->vram_ptr[3 * 65536 + 5], 0xab);
    CHECK_EQ(win_readb(&r, 5), 0xab);
    CHECK_EQ(win_readb(&r, 0x10005), 0xff); /* only 64 KiB decoded */
    /* A bank past the end of VRAM wraps inside it (4 MiB: 64 banks). */
    s->vbe_regs[VBE_DISPI_INDEX_BANK] = 0xffff;
    win_writeb(&r, 0xffff, 0xcd);
    CHECK_EQ(s->vram_ptr[s->vram_size - 1], 0xcd);
    s->vbe_regs[VBE_DISPI_INDEX_BANK] = 64 + 1;
    CHECK_EQ(win_readb(&r, 0), s->vram_ptr[65536]);
    vga_rig_cleanup(&r);
}

static bool dirty(VgaRig *r, uint64_t off)
{
    return memory_region_get_dirty(&r->s->vram, off, 1, DIRTY_MEMORY_VGA);
}

static void clear_dirty(VgaRig *r)
{
    memory_region_reset_dirty(&r->s->vram, 0, r->s->vram_size,
                              DIRTY_MEMORY_VGA);
}

static void test_dirty(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    clear_dirty(&r);
    CHECK(!dirty(&r, 0));
    /* Chain-4: byte a of the window is VRAM byte a. */
    sr_set(&r, 4, 0x0e);
    sr_set(&r, 2, 0x0f);
    gr_set(&r, 6, 0x05);
    win_writeb(&r, 0x5123, 1);
    CHECK(dirty(&r, 0x5000));
    CHECK(!dirty(&r, 0x4000));
    CHECK(!dirty(&r, 0x6000));
    /* Planar: planar address a is VRAM bytes 4a..4a+3. */
    clear_dirty(&r);
    sr_set(&r, 4, 0x06);
    win_writeb(&r, 0x1000, 1);
    CHECK(dirty(&r, 0x4000));
    CHECK(!dirty(&r, 0x1000));
    /* Reads and writes with every plane masked off dirty nothing. */
    clear_dirty(&r);
    (void)win_readb(&r, 0x2000);
    sr_set(&r, 2, 0);
    win_writeb(&r, 0x2000, 1);
    CHECK(!dirty(&r, 0x8000));
    /* VBE bank. */
    r.s->vbe_regs[VBE_DISPI_INDEX_ENABLE] = VBE_DISPI_ENABLED;
    r.s->vbe_regs[VBE_DISPI_INDEX_BPP] = 32;
    r.s->vbe_regs[VBE_DISPI_INDEX_BANK] = 2;
    win_writeb(&r, 0x3000, 1);
    CHECK(dirty(&r, 2 * 65536 + 0x3000));
    CHECK(!dirty(&r, 0x3000));
    vga_rig_cleanup(&r);
}

/* ---- The direct window ------------------------------------------------ */

/* Whether 0xA0000 + off is mapped straight to VRAM byte vram_off. */
static bool direct_at(VgaRig *r, uint32_t off, uint64_t vram_off)
{
    const FlatRange *fr = address_space_lookup(&r->tb.mem_as, 0xa0000 + off);
    return fr && fr->mr == &r->s->vram &&
           fr->offset + (0xa0000 + off - fr->start) == vram_off;
}

static bool device_at(VgaRig *r, uint32_t off)
{
    const FlatRange *fr = address_space_lookup(&r->tb.mem_as, 0xa0000 + off);
    return fr && fr->mr == &r->s->lowmem;
}

static void vbe_set(VgaRig *r, uint16_t index, uint16_t val)
{
    vbe_reg_write(r->s, index, val);
}

static void test_direct_window(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 4)) {
        return;
    }
    VGACommonState *s = r.s;
    /* Power-on: planar, the device decodes every byte. */
    CHECK(device_at(&r, 0));
    /* Mode 13h: chain-4, all planes, map 1: 64 KiB of VRAM from 0. */
    sr_set(&r, 4, 0x0e);
    sr_set(&r, 2, 0x0f);
    gr_set(&r, 6, 0x05);
    CHECK(direct_at(&r, 0, 0));
    CHECK(direct_at(&r, 0xffff, 0xffff));
    CHECK(device_at(&r, 0x10000)); /* B0000: not decoded by map 1 */
    clear_dirty(&r);
    win_writeb(&r, 0x4321, 0x5a);
    CHECK_EQ(s->vram_ptr[0x4321], 0x5a);
    CHECK(dirty(&r, 0x4000));
    CHECK_EQ(win_readb(&r, 0x4321), 0x5a);
    /* Map 0: 128 KiB. */
    gr_set(&r, 6, 0x01);
    CHECK(direct_at(&r, 0x1ffff, 0x1ffff));
    gr_set(&r, 6, 0x0d); /* map 3, B8000: left to the device */
    CHECK(device_at(&r, 0x18000));
    gr_set(&r, 6, 0x05);
    /* Each register that puts logic in the data path ends it. */
    static const struct {
        bool sr;
        uint8_t index, val;
    } breakers[] = {
        {true, 2, 0x07},  {true, 4, 0x06},  {false, 5, 0x01},
        {false, 5, 0x08}, {false, 3, 0x08}, {false, 3, 0x01},
        {false, 1, 0x01}, {false, 8, 0x7f},
    };
    for (size_t i = 0; i < ARRAY_SIZE(breakers); i++) {
        uint8_t idx = breakers[i].index;
        uint8_t old = breakers[i].sr ? s->sr[idx] : s->gr[idx];
        if (breakers[i].sr) {
            sr_set(&r, idx, breakers[i].val);
        } else {
            gr_set(&r, idx, breakers[i].val);
        }
        if (!device_at(&r, 0)) {
            test_fail(__FILE__, __LINE__, "%s%u=0x%02x left the alias on",
                      breakers[i].sr ? "SR" : "GR", idx, breakers[i].val);
        }
        if (breakers[i].sr) {
            sr_set(&r, idx, old);
        } else {
            gr_set(&r, idx, old);
        }
        CHECK(direct_at(&r, 0, 0));
    }
    /* Write mode 1 copies through the latches on the device path. */
    s->vram_ptr[0x100] = 0x11;
    gr_set(&r, 5, 0x01);
    (void)win_readb(&r, 0x100);
    win_writeb(&r, 0x104, 0xee);
    CHECK_EQ(s->vram_ptr[0x104], 0x11);
    gr_set(&r, 5, 0x00);
    /* VBE 8 bpp: the bank, moved by each bank write. */
    vbe_set(&r, VBE_DISPI_INDEX_XRES, 640);
    vbe_set(&r, VBE_DISPI_INDEX_YRES, 480);
    vbe_set(&r, VBE_DISPI_INDEX_BPP, 8);
    vbe_set(&r, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED);
    vbe_set(&r, VBE_DISPI_INDEX_BANK, 3);
    CHECK(direct_at(&r, 5, 3 * 65536 + 5));
    CHECK(device_at(&r, 0x10000));
    CHECK_EQ(win_readb(&r, 0x10000), 0xff);
    win_writeb(&r, 5, 0xab);
    CHECK_EQ(s->vram_ptr[3 * 65536 + 5], 0xab);
    vbe_set(&r, VBE_DISPI_INDEX_BANK, 63);
    CHECK(direct_at(&r, 0, 63 * 65536));
    /* VBE off: the VGA registers decide again (VBE left them chain-4);
     * a planar VBE bank (set behind the registers' back) is the device's. */
    vbe_set(&r, VBE_DISPI_INDEX_ENABLE, 0);
    CHECK(direct_at(&r, 0, 0));
    sr_set(&r, 4, 0x06);
    CHECK(device_at(&r, 0));
    s->vbe_regs[VBE_DISPI_INDEX_ENABLE] = VBE_DISPI_ENABLED;
    s->vbe_regs[VBE_DISPI_INDEX_BPP] = 4;
    vga_update_direct_window(s);
    CHECK(device_at(&r, 0));
    /* Reset: back to the device. */
    vga_common_reset(s);
    CHECK(device_at(&r, 0));
    vga_rig_cleanup(&r);
}

/*
 * Random sequences of register writes (the ones that decide the direct
 * window, and others) and window accesses, run on a device with the
 * direct window and on a twin without it: every read returns the same
 * byte and VRAM ends the same.  Each write is preceded by a read of the
 * same address, so the latches are loaded the same way on both.
 */
static void test_direct_window_twin(void)
{
    VgaRig a, b;
    if (!vga_rig_init(&a, 1)) {
        return;
    }
    if (!vga_rig_init(&b, 1)) {
        vga_rig_cleanup(&a);
        return;
    }
    vga_unmap_direct_window(b.s);
    rng_state = 0xd1ec7;
    int direct_ops = 0, mismatches = 0;
    for (int i = 0; i < 200000 && mismatches < 5; i++) {
        unsigned op = rnd() % 16;
        if (op == 0) {
            static const uint8_t srs[] = {2, 4};
            uint8_t idx = srs[rnd() % 2];
            uint8_t v = rnd() % 4 ? (idx == 2 ? 0x0f : 0x0e) : rnd();
            sr_set(&a, idx, v);
            sr_set(&b, idx, v);
        } else if (op == 1) {
            static const uint8_t grs[] = {0, 1, 3, 5, 6, 8};
            uint8_t idx = grs[rnd() % 6];
            static const uint8_t plain[] = {0, 0, 0, 0x40, 0x05, 0xff};
            uint8_t v = rnd() % 4 ? plain[idx == 0   ? 0
                                           : idx == 1 ? 1
                                           : idx == 3 ? 2
                                           : idx == 5 ? 3
                                           : idx == 6 ? 4
                                                      : 5]
                                  : rnd();
            gr_set(&a, idx, v);
            gr_set(&b, idx, v);
        } else if (op == 2) {
            static const uint16_t idxs[] = {VBE_DISPI_INDEX_ENABLE,
                                            VBE_DISPI_INDEX_BPP,
                                            VBE_DISPI_INDEX_BANK};
            uint16_t idx = idxs[rnd() % 3];
            static const uint16_t bpps[] = {4, 8, 16, 32};
            uint16_t v = idx == VBE_DISPI_INDEX_BPP      ? bpps[rnd() % 4]
                         : idx == VBE_DISPI_INDEX_ENABLE ? (rnd() % 3 == 0
                                                                ? 0
                                                                : 0x81)
                                                         : rnd() & 0x1f;
            vbe_set(&a, idx, v);
            vbe_set(&b, idx, v);
        } else {
            uint32_t off = rnd() & 0x1ffff;
            if (!device_at(&a, 0)) {
                direct_ops++;
            }
            uint8_t ra = win_readb(&a, off), rb = win_readb(&b, off);
            if (ra != rb) {
                test_fail(__FILE__, __LINE__, "op %d: read 0x%05x: %02x vs %02x",
                          i, off, ra, rb);
                mismatches++;
            }
            if (op & 1) {
                uint8_t v = rnd();
                win_writeb(&a, off, v);
                win_writeb(&b, off, v);
            }
        }
    }
    if (memcmp(a.s->vram_ptr, b.s->vram_ptr, a.s->vram_size)) {
        test_fail(__FILE__, __LINE__, "VRAM differs after the sequence");
    }
    /* The sequence must have spent time in the direct window. */
    CHECK(direct_ops > 10000);
    vga_rig_cleanup(&a);
    vga_rig_cleanup(&b);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_write_modes_fixed);
    TEST_RUN(test_write_modes_random);
    TEST_RUN(test_read_modes);
    TEST_RUN(test_latches);
    TEST_RUN(test_chain4);
    TEST_RUN(test_odd_even);
    TEST_RUN(test_memory_maps);
    TEST_RUN(test_vbe_bank);
    TEST_RUN(test_dirty);
    TEST_RUN(test_direct_window);
    TEST_RUN(test_direct_window_twin);
    return test_finish();
}
