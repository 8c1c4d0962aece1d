/*
 * Bochs VBE (DISPI) and the boards that carry it: the registers through
 * ports 0x1CE/0x1CF (ID, GETCAPS, refused values, enable programming the
 * VGA and clearing VRAM), the banked 0xA0000 window, virtual width and
 * offsets, hostile register values against the VRAM bounds, and the PCI
 * card "VGA": its config space, BAR sizing, the LFB (writes land in VRAM
 * and set dirty bits), the MMIO BAR's DISPI, VGA-port and extended
 * registers, the ROM BAR with the VGA BIOS; and "isa-vga" with its LFB at
 * 0xE0000000.
 */
#include "tests/unit/harness.h"
#include "tests/unit/pci-fixture.h"
#include "tests/unit/vga-rig.h"

static void dispi_write(TestBus *tb, uint16_t index, uint16_t val)
{
    outw(tb, VBE_DISPI_IOPORT_INDEX, index);
    outw(tb, VBE_DISPI_IOPORT_DATA, val);
}

static uint16_t dispi_read(TestBus *tb, uint16_t index)
{
    outw(tb, VBE_DISPI_IOPORT_INDEX, index);
    return inw(tb, VBE_DISPI_IOPORT_DATA);
}

static bool rig(VgaRig *r, uint32_t mb)
{
    if (!vga_rig_init(r, mb)) {
        return false;
    }
    vbe_init_ioports(r->s, &r->tb.io_root);
    return true;
}

static void rig_done(VgaRig *r)
{
    memory_region_del_subregion(&r->tb.io_root, &r->s->vbe_io);
    vga_rig_cleanup(r);
}

static void set_mode(TestBus *tb, int x, int y, int bpp, uint16_t flags)
{
    dispi_write(tb, VBE_DISPI_INDEX_ENABLE, 0);
    dispi_write(tb, VBE_DISPI_INDEX_XRES, x);
    dispi_write(tb, VBE_DISPI_INDEX_YRES, y);
    dispi_write(tb, VBE_DISPI_INDEX_BPP, bpp);
    dispi_write(tb, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | flags);
}

static void test_id_and_index(void)
{
    VgaRig r;
    if (!rig(&r, 16)) {
        return;
    }
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_ID), VBE_DISPI_ID5);
    dispi_write(&r.tb, VBE_DISPI_INDEX_ID, VBE_DISPI_ID0);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_ID), VBE_DISPI_ID0);
    dispi_write(&r.tb, VBE_DISPI_INDEX_ID, 0xb0c6); /* no such version */
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_ID), VBE_DISPI_ID0);
    dispi_write(&r.tb, VBE_DISPI_INDEX_ID, 0x1234);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_ID), VBE_DISPI_ID0);
    dispi_write(&r.tb, VBE_DISPI_INDEX_ID, 0xb0c4);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_ID), 0xb0c4);
    /* The index reads back; byte halves reach the same registers. */
    outw(&r.tb, VBE_DISPI_IOPORT_INDEX, VBE_DISPI_INDEX_BPP);
    CHECK_EQ(inw(&r.tb, VBE_DISPI_IOPORT_INDEX), VBE_DISPI_INDEX_BPP);
    outb(&r.tb, VBE_DISPI_IOPORT_INDEX, VBE_DISPI_INDEX_XRES);
    outw(&r.tb, VBE_DISPI_IOPORT_DATA, 800);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_XRES), 800);
    outb(&r.tb, VBE_DISPI_IOPORT_INDEX, VBE_DISPI_INDEX_YRES);
    outb(&r.tb, VBE_DISPI_IOPORT_DATA, 200);
    CHECK_EQ(inb(&r.tb, VBE_DISPI_IOPORT_DATA), 200);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_YRES), 200);
    /* Past the last register: reads 0, writes go nowhere. */
    dispi_write(&r.tb, 0x20, 0x5555);
    CHECK_EQ(dispi_read(&r.tb, 0x20), 0);
    /* Reset brings back ID5 and a disabled VBE. */
    set_mode(&r.tb, 640, 480, 8, 0);
    vga_common_reset(r.s);
    CHECK(!vbe_enabled(r.s));
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_ID), VBE_DISPI_ID5);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_XRES), 0);
    rig_done(&r);
}

static void test_getcaps_and_memory(void)
{
    VgaRig r;
    if (!rig(&r, 8)) {
        return;
    }
    dispi_write(&r.tb, VBE_DISPI_INDEX_XRES, 1024);
    dispi_write(&r.tb, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_GETCAPS);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_XRES), 2560);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_YRES), 1600);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_BPP), 32);
    CHECK(!vbe_enabled(r.s));
    dispi_write(&r.tb, VBE_DISPI_INDEX_ENABLE, 0);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_XRES), 1024);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_VIDEO_MEMORY_64K), 8 * 16);
    dispi_write(&r.tb, VBE_DISPI_INDEX_VIDEO_MEMORY_64K, 1);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_VIDEO_MEMORY_64K), 8 * 16);
    rig_done(&r);
}

static void test_refused_values(void)
{
    VgaRig r;
    if (!rig(&r, 16)) {
        return;
    }
    static const uint16_t good[] = {8, 15, 16, 24, 32};
    static const uint16_t bad[] = {0, 1, 4, 7, 12, 31, 33, 64, 0xffff};
    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        dispi_write(&r.tb, VBE_DISPI_INDEX_BPP, good[i]);
        CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_BPP), good[i]);
    }
    dispi_write(&r.tb, VBE_DISPI_INDEX_BPP, 16);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        dispi_write(&r.tb, VBE_DISPI_INDEX_BPP, bad[i]);
        CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_BPP), 16);
    }
    dispi_write(&r.tb, VBE_DISPI_INDEX_XRES, 640);
    dispi_write(&r.tb, VBE_DISPI_INDEX_XRES, 0);
    dispi_write(&r.tb, VBE_DISPI_INDEX_XRES, 2561);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_XRES), 640);
    dispi_write(&r.tb, VBE_DISPI_INDEX_XRES, 2560);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_XRES), 2560);
    dispi_write(&r.tb, VBE_DISPI_INDEX_YRES, 480);
    dispi_write(&r.tb, VBE_DISPI_INDEX_YRES, 1601);
    dispi_write(&r.tb, VBE_DISPI_INDEX_YRES, 0);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_YRES), 480);
    rig_done(&r);
}

static void test_enable_programs_vga(void)
{
    VgaRig r;
    VBEMode m;
    if (!rig(&r, 16)) {
        return;
    }
    memset(r.s->vram_ptr, 0xaa, r.s->vram_size);
    CHECK(!vbe_get_mode(r.s, &m));
    set_mode(&r.tb, 640, 480, 8, VBE_DISPI_8BIT_DAC);
    CHECK(vbe_enabled(r.s));
    CHECK(r.s->dac_8bit);
    CHECK(vbe_get_mode(r.s, &m));
    CHECK_EQ(m.xres, 640);
    CHECK_EQ(m.yres, 480);
    CHECK_EQ(m.bpp, 8);
    CHECK_EQ(m.line_offset, 640);
    CHECK_EQ(m.start_addr, 0);
    /* The visible area is cleared, what lies after it is not. */
    CHECK_EQ(r.s->vram_ptr[0], 0);
    CHECK_EQ(r.s->vram_ptr[640 * 480 - 1], 0);
    CHECK_EQ(r.s->vram_ptr[640 * 480], 0xaa);
    /* Graphics, memory map 1 (0xA0000 64 KiB), chain-4, all planes. */
    outb(&r.tb, 0x3ce, VGA_GR_MISC);
    CHECK_EQ(inb(&r.tb, 0x3cf) & 0x0d, 0x05);
    outb(&r.tb, 0x3c4, VGA_SR_MEM_MODE);
    CHECK(inb(&r.tb, 0x3c5) & 0x08);
    outb(&r.tb, 0x3c4, VGA_SR_PLANE_MASK);
    CHECK_EQ(inb(&r.tb, 0x3c5) & 0x0f, 0x0f);
    CHECK_EQ(r.s->cr[VGA_CRTC_OFFSET], 640 / 8);
    CHECK_EQ(r.s->cr[VGA_CRTC_H_DISP], 640 / 8 - 1);
    CHECK_EQ(r.s->cr[VGA_CRTC_V_DISP_END], (480 - 1) & 0xff);
    /* NOCLEARMEM keeps what is there; 8BIT_DAC off goes back to 6 bits. */
    memset(r.s->vram_ptr, 0x55, 4096);
    set_mode(&r.tb, 800, 600, 16, VBE_DISPI_NOCLEARMEM);
    CHECK_EQ(r.s->vram_ptr[100], 0x55);
    CHECK(!r.s->dac_8bit);
    CHECK(vbe_get_mode(r.s, &m));
    CHECK_EQ(m.line_offset, 1600);
    set_mode(&r.tb, 320, 200, 15, 0);
    CHECK(vbe_get_mode(r.s, &m));
    CHECK_EQ(m.bpp, 15);
    CHECK_EQ(m.line_offset, 640);
    /* Disabling leaves the VGA registers alone. */
    uint8_t gr6 = r.s->gr[VGA_GR_MISC];
    dispi_write(&r.tb, VBE_DISPI_INDEX_ENABLE, 0);
    CHECK(!vbe_get_mode(r.s, &m));
    CHECK_EQ(r.s->gr[VGA_GR_MISC], gr6);
    rig_done(&r);
}

static void test_bank_window(void)
{
    VgaRig r;
    if (!rig(&r, 16)) {
        return;
    }
    set_mode(&r.tb, 800, 600, 32, 0);
    for (int bank = 0; bank < 30; bank += 7) {
        dispi_write(&r.tb, VBE_DISPI_INDEX_BANK, bank);
        CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_BANK), bank);
        memory_region_reset_dirty(&r.s->vram, 0, r.s->vram_size,
                                  DIRTY_MEMORY_VGA);
        win_writeb(&r, 0x1234, 0x40 + bank);
        uint32_t off = bank * 65536 + 0x1234;
        CHECK_EQ(r.s->vram_ptr[off], 0x40 + bank);
        CHECK_EQ(win_readb(&r, 0x1234), 0x40 + bank);
        CHECK(memory_region_get_dirty(&r.s->vram, off, 1, DIRTY_MEMORY_VGA));
        CHECK(!memory_region_get_dirty(&r.s->vram, off ^ 0x8000, 1,
                                       DIRTY_MEMORY_VGA));
    }
    /* A bank past VRAM wraps inside it (16 MiB: 256 banks). */
    dispi_write(&r.tb, VBE_DISPI_INDEX_BANK, 0x1ff);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_BANK), 0xff);
    win_writeb(&r, 0xffff, 0x77);
    CHECK_EQ(r.s->vram_ptr[r.s->vram_size - 1], 0x77);
    dispi_write(&r.tb, VBE_DISPI_INDEX_BANK, 0xffff);
    CHECK(dispi_read(&r.tb, VBE_DISPI_INDEX_BANK) <= r.s->vbe_bank_mask);
    rig_done(&r);
}

static void test_virtual_screen(void)
{
    VgaRig r;
    VBEMode m;
    if (!rig(&r, 16)) {
        return;
    }
    set_mode(&r.tb, 640, 480, 32, 0);
    dispi_write(&r.tb, VBE_DISPI_INDEX_VIRT_WIDTH, 1024);
    dispi_write(&r.tb, VBE_DISPI_INDEX_X_OFFSET, 10);
    dispi_write(&r.tb, VBE_DISPI_INDEX_Y_OFFSET, 20);
    CHECK(vbe_get_mode(r.s, &m));
    CHECK_EQ(m.line_offset, 4096);
    CHECK_EQ(m.start_addr, 20 * 4096 + 10 * 4);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_VIRT_HEIGHT), 16 * MiB / 4096);
    CHECK_EQ(r.s->cr[VGA_CRTC_OFFSET], (4096 >> 3) & 0xff);
    /* A virtual width below XRES is raised to it. */
    dispi_write(&r.tb, VBE_DISPI_INDEX_VIRT_WIDTH, 100);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_VIRT_WIDTH), 640);
    /* A Y offset that would show memory past VRAM is dropped. */
    dispi_write(&r.tb, VBE_DISPI_INDEX_Y_OFFSET, 0xffff);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_Y_OFFSET), 0);
    CHECK(vbe_get_mode(r.s, &m));
    CHECK_EQ(m.start_addr, 10 * 4);
    /* Enabling again from disabled starts unpanned. */
    set_mode(&r.tb, 640, 480, 32, 0);
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_X_OFFSET), 0);
    rig_done(&r);
}

/* The renderer's contract: every visible byte is inside VRAM. */
static bool mode_inside(const VBEMode *m, uint32_t vram_size)
{
    uint64_t bytes = (m->bpp + 7) / 8;
    uint64_t end = m->start_addr + (uint64_t)(m->yres - 1) * m->line_offset +
                   (uint64_t)m->xres * bytes;
    return m->xres >= 1 && m->yres >= 1 && end <= vram_size &&
           m->line_offset >= m->xres * bytes;
}

static void test_hostile_values(void)
{
    VgaRig r;
    VBEMode m;
    if (!rig(&r, 1)) {
        return;
    }
    /* 2560x1600x32 needs 16 MiB: with 1 MiB, YRES is clipped. */
    set_mode(&r.tb, 2560, 1600, 32, 0);
    CHECK(vbe_get_mode(r.s, &m));
    CHECK_EQ(m.yres, 1 * MiB / (2560 * 4));
    CHECK_EQ(dispi_read(&r.tb, VBE_DISPI_INDEX_YRES), m.yres);
    CHECK(mode_inside(&m, r.s->vram_size));

    /* Random register values, written while enabled and then straight
     * into the state (as a snapshot could): always inside VRAM. */
    uint32_t seed = 12345;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245 + 12345;
        int idx = 1 + (seed >> 16) % 9;
        seed = seed * 1103515245 + 12345;
        uint16_t v = seed >> 16;
        if (idx == VBE_DISPI_INDEX_ENABLE) {
            v = (v & ~VBE_DISPI_GETCAPS) | VBE_DISPI_ENABLED |
                VBE_DISPI_NOCLEARMEM;
        }
        dispi_write(&r.tb, idx, v);
        if (vbe_get_mode(r.s, &m) && !mode_inside(&m, r.s->vram_size)) {
            test_fail(__FILE__, __LINE__, "reg %d = 0x%x: mode outside VRAM",
                      idx, v);
            break;
        }
        win_writeb(&r, v, v); /* the bank window stays inside too */
    }
    for (int i = 0; i < 20000; i++) {
        for (int j = 1; j < VBE_DISPI_INDEX_NB; j++) {
            seed = seed * 1103515245 + 12345;
            r.s->vbe_regs[j] = seed >> 16;
        }
        r.s->vbe_regs[VBE_DISPI_INDEX_ENABLE] |= VBE_DISPI_ENABLED;
        if (vbe_get_mode(r.s, &m) && !mode_inside(&m, r.s->vram_size)) {
            test_fail(__FILE__, __LINE__, "raw registers: mode outside VRAM");
            break;
        }
    }
    rig_done(&r);
}

/* ---- The PCI card ------------------------------------------------------- */

#define VGA_DEVFN PCI_DEVFN(2, 0)
#define LFB_ADDR  0xe0000000u
#define MMIO_ADDR 0xfebf0000u
#define ROM_ADDR  0xfebe0000u

static DeviceState *vga_pci_new(PCFixture *f, const char *props)
{
    Error *err = NULL;
    DeviceState *dev = device_new("VGA");

    if (!dev || device_set_prop(dev, "addr", "2", &err) < 0 ||
        (props && device_set_props(dev, props, &err) < 0) ||
        device_realize(dev, &f->bus->qbus, &err) < 0) {
        test_fail(__FILE__, __LINE__, "VGA: %s",
                  err ? error_get_pretty(err) : "no class");
        error_free(err);
        return NULL;
    }
    device_reset(dev);
    return dev;
}

static void test_pci_config(void)
{
    PCFixture f;
    fixture_init(&f);
    DeviceState *dev = vga_pci_new(&f, NULL);
    if (!dev) {
        fixture_cleanup(&f);
        return;
    }
    CHECK_EQ(cfg_read(&f, VGA_DEVFN, 0x00, 4), 0x11111234);
    CHECK_EQ(cfg_read(&f, VGA_DEVFN, 0x08, 4), 0x03000002);
    CHECK_EQ(cfg_read(&f, VGA_DEVFN, 0x2c, 4), 0x11001af4);
    CHECK_EQ(cfg_read(&f, VGA_DEVFN, 0x3d, 1), 0); /* no interrupt pin */
    /* BAR sizing: 16 MiB prefetchable, 4 KiB MMIO, no I/O BARs. */
    cfg_write(&f, VGA_DEVFN, 0x10, 4, 0xffffffff);
    CHECK_EQ(cfg_read(&f, VGA_DEVFN, 0x10, 4), 0xff000008);
    cfg_write(&f, VGA_DEVFN, 0x18, 4, 0xffffffff);
    CHECK_EQ(cfg_read(&f, VGA_DEVFN, 0x18, 4), 0xfffff000);
    cfg_write(&f, VGA_DEVFN, 0x14, 4, 0xffffffff);
    CHECK_EQ(cfg_read(&f, VGA_DEVFN, 0x14, 4), 0);
    /* The ROM BAR: 64 KiB for the ~39 KiB VGA BIOS, with its enable bit. */
    cfg_write(&f, VGA_DEVFN, 0x30, 4, 0xfffff800);
    CHECK_EQ(cfg_read(&f, VGA_DEVFN, 0x30, 4), 0xffff0000);
    cfg_write(&f, VGA_DEVFN, 0x30, 4, ROM_ADDR | 1);
    cfg_write(&f, VGA_DEVFN, 0x04, 2, PCI_COMMAND_MEMORY);
    CHECK_EQ(mem_read(&f, ROM_ADDR, 2), 0xaa55);
    uint8_t blocks = mem_read(&f, ROM_ADDR + 2, 1);
    CHECK(blocks * 512 >= 32 * KiB && blocks * 512 <= 64 * KiB);
    mem_write(&f, ROM_ADDR, 1, 0); /* ROM: ignored */
    CHECK_EQ(mem_read(&f, ROM_ADDR, 2), 0xaa55);
    cfg_write(&f, VGA_DEVFN, 0x30, 4, ROM_ADDR); /* enable off */
    CHECK_EQ(mem_read(&f, ROM_ADDR, 2), 0xffff);
    device_unrealize(dev);
    device_free(dev);

    /* vgamem_mb= sizes BAR 0; romfile= (empty) leaves no ROM BAR. */
    dev = vga_pci_new(&f, "vgamem_mb=8,romfile=");
    if (dev) {
        cfg_write(&f, VGA_DEVFN, 0x10, 4, 0xffffffff);
        CHECK_EQ(cfg_read(&f, VGA_DEVFN, 0x10, 4), 0xff800008);
        cfg_write(&f, VGA_DEVFN, 0x30, 4, 0xfffff800);
        CHECK_EQ(cfg_read(&f, VGA_DEVFN, 0x30, 4), 0);
        device_unrealize(dev);
        device_free(dev);
    }
    fixture_cleanup(&f);
}

static void test_pci_bars(void)
{
    PCFixture f;
    fixture_init(&f);
    DeviceState *dev = vga_pci_new(&f, NULL);
    if (!dev) {
        fixture_cleanup(&f);
        return;
    }
    PCIDevice *pd = container_of(dev, PCIDevice, parent);
    MemoryRegion *vram = pd->bars[0].mr; /* BAR 0 is the VRAM itself */
    CHECK_EQ(vram->size, 16 * MiB);

    cfg_write(&f, VGA_DEVFN, 0x10, 4, LFB_ADDR);
    cfg_write(&f, VGA_DEVFN, 0x18, 4, MMIO_ADDR);
    cfg_write(&f, VGA_DEVFN, 0x04, 2, PCI_COMMAND_MEMORY);

    /* The LFB: writes land in VRAM and set its dirty bits. */
    memory_region_reset_dirty(vram, 0, vram->size, DIRTY_MEMORY_VGA);
    mem_write(&f, LFB_ADDR + 0x123454, 4, 0xdeadbeef);
    CHECK_EQ(ldl_le_p(vram->ram + 0x123454), 0xdeadbeef);
    CHECK(memory_region_get_dirty(vram, 0x123000, 4096, DIRTY_MEMORY_VGA));
    CHECK(!memory_region_get_dirty(vram, 0x200000, 4096, DIRTY_MEMORY_VGA));
    vram->ram[16 * MiB - 1] = 0x99;
    CHECK_EQ(mem_read(&f, LFB_ADDR + 16 * MiB - 1, 1), 0x99);

    /* DISPI through the MMIO BAR, seen through the ports too. */
    CHECK_EQ(mem_read(&f, MMIO_ADDR + 0x500, 2), VBE_DISPI_ID5);
    mem_write(&f, MMIO_ADDR + 0x500 + 2 * VBE_DISPI_INDEX_XRES, 2, 1024);
    mem_write(&f, MMIO_ADDR + 0x500 + 2 * VBE_DISPI_INDEX_YRES, 2, 768);
    mem_write(&f, MMIO_ADDR + 0x500 + 2 * VBE_DISPI_INDEX_BPP, 2, 32);
    outw(&f.tb, VBE_DISPI_IOPORT_INDEX, VBE_DISPI_INDEX_BPP);
    mem_write(&f, MMIO_ADDR + 0x500 + 2 * VBE_DISPI_INDEX_ENABLE, 2,
              VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
    /* The MMIO access left the port's index alone. */
    CHECK_EQ(inw(&f.tb, VBE_DISPI_IOPORT_INDEX), VBE_DISPI_INDEX_BPP);
    CHECK_EQ(inw(&f.tb, VBE_DISPI_IOPORT_DATA), 32);
    CHECK_EQ(mem_read(&f, MMIO_ADDR + 0x500 + 2 * VBE_DISPI_INDEX_XRES, 2),
             1024);
    CHECK_EQ(mem_read(&f,
                      MMIO_ADDR + 0x500 + 2 * VBE_DISPI_INDEX_VIDEO_MEMORY_64K,
                      2),
             256);
    CHECK_EQ(
        mem_read(&f, MMIO_ADDR + 0x500 + 2 * VBE_DISPI_INDEX_VIRT_WIDTH, 2),
        1024);
    /* Enabling cleared the screen, which the LFB shows. */
    CHECK_EQ(mem_read(&f, LFB_ADDR + 0x123454, 4), 0);

    /* VGA ports at 0x400: a 16-bit write is index then data. */
    mem_write(&f, MMIO_ADDR + 0x400 + 4, 2, 0x0a02); /* SR2 = 0x0a */
    outb(&f.tb, 0x3c4, 2);
    CHECK_EQ(inb(&f.tb, 0x3c5), 0x0a);
    CHECK_EQ(mem_read(&f, MMIO_ADDR + 0x400 + 5, 1), 0x0a);

    /* QEMU's extended registers: size and (little-endian) byte order. */
    CHECK_EQ(mem_read(&f, MMIO_ADDR + 0x600, 4), 8);
    CHECK_EQ(mem_read(&f, MMIO_ADDR + 0x604, 4), 0x1e1e1e1e);
    mem_write(&f, MMIO_ADDR + 0x604, 4, 0xbebebebe);
    CHECK_EQ(mem_read(&f, MMIO_ADDR + 0x604, 4), 0x1e1e1e1e);
    /* No EDID: the first bytes are not an EDID header. */
    CHECK(mem_read(&f, MMIO_ADDR, 1) != 0x00);

    /* Memory decode off: the LFB goes. */
    cfg_write(&f, VGA_DEVFN, 0x04, 2, 0);
    CHECK_EQ(mem_read(&f, LFB_ADDR, 4), 0xffffffff);

    device_unrealize(dev);
    device_free(dev);
    fixture_cleanup(&f);
}

static void test_isa_vga(void)
{
    TestBus tb;
    test_bus_init(&tb);
    DeviceState *dev = test_device(&tb, "isa-vga", NULL);
    if (!dev) {
        test_bus_cleanup(&tb);
        return;
    }
    CHECK_EQ(dispi_read(&tb, VBE_DISPI_INDEX_VIDEO_MEMORY_64K), 8 * 16);
    set_mode(&tb, 640, 480, 32, 0);
    as_out(&tb.mem_as, 0xe0000000u + 0x10000, 4, 0x12345678);
    /* Seen through bank 1 of the window. */
    dispi_write(&tb, VBE_DISPI_INDEX_BANK, 1);
    CHECK_EQ(as_in(&tb.mem_as, 0xa0000, 4), 0x12345678);
    /* A second isa-vga cannot have the same ports. */
    Error *err = NULL;
    DeviceState *two = device_new("isa-vga");
    CHECK(device_realize(two, &tb.isa.qbus, &err) < 0);
    error_free(err);
    device_free(two);
    device_unrealize(dev);
    device_free(dev);
    test_bus_cleanup(&tb);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_id_and_index);
    TEST_RUN(test_getcaps_and_memory);
    TEST_RUN(test_refused_values);
    TEST_RUN(test_enable_programs_vga);
    TEST_RUN(test_bank_window);
    TEST_RUN(test_virtual_screen);
    TEST_RUN(test_hostile_values);
    TEST_RUN(test_pci_config);
    TEST_RUN(test_pci_bars);
    TEST_RUN(test_isa_vga);
    return test_finish();
}
