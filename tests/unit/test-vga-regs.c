/*
 * Device tests for the VGA core's registers (hw/display/vga.c): DAC write
 * and read sequences with index auto-increment, 6- and 8-bit values; the
 * attribute controller's flip-flop and palette address source; CRTC
 * protection; start address and line compare stored; the mono/colour port
 * decode; register masks; the vertical retrace and display-enable bits of
 * input status 1 as stepped virtual time passes; reset values; the state
 * description and its post_load bounds.
 */
#include "tests/unit/vga-rig.h"
#include <math.h>

static void cr_set(VgaRig *r, uint8_t i, uint8_t v)
{
    outb(&r->tb, 0x3d4, i);
    outb(&r->tb, 0x3d5, v);
}

static uint8_t cr_get(VgaRig *r, uint8_t i)
{
    outb(&r->tb, 0x3d4, i);
    return inb(&r->tb, 0x3d5);
}

static void test_dac(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    /* Three entries from index 0xfe: the index wraps 0xff -> 0x00. */
    outb(&r.tb, 0x3c8, 0xfe);
    CHECK_EQ(inb(&r.tb, 0x3c7) & 3, 0); /* write mode */
    for (int i = 0; i < 9; i++) {
        outb(&r.tb, 0x3c9, 0x10 + i);
    }
    CHECK_EQ(inb(&r.tb, 0x3c8), 0x01);
    CHECK_EQ(r.s->palette[0xfe * 3 + 0], 0x10);
    CHECK_EQ(r.s->palette[0xff * 3 + 2], 0x15);
    CHECK_EQ(r.s->palette[0 * 3 + 1], 0x17);
    /* A partial triple takes effect only after its third byte. */
    outb(&r.tb, 0x3c8, 5);
    outb(&r.tb, 0x3c9, 0x01);
    outb(&r.tb, 0x3c9, 0x02);
    CHECK_EQ(r.s->palette[5 * 3], 0);
    outb(&r.tb, 0x3c9, 0x03);
    CHECK_EQ(r.s->palette[5 * 3], 0x01);
    CHECK_EQ(r.s->palette[5 * 3 + 2], 0x03);
    /* Read back from 0xfe through 0x00. */
    outb(&r.tb, 0x3c7, 0xfe);
    CHECK_EQ(inb(&r.tb, 0x3c7) & 3, 3); /* read mode */
    for (int i = 0; i < 9; i++) {
        CHECK_EQ(inb(&r.tb, 0x3c9), 0x10 + i);
    }
    /* 6-bit DAC: the top two bits are dropped. */
    outb(&r.tb, 0x3c8, 7);
    outb(&r.tb, 0x3c9, 0xff);
    outb(&r.tb, 0x3c9, 0x80);
    outb(&r.tb, 0x3c9, 0x41);
    outb(&r.tb, 0x3c7, 7);
    CHECK_EQ(inb(&r.tb, 0x3c9), 0x3f);
    CHECK_EQ(inb(&r.tb, 0x3c9), 0x00);
    CHECK_EQ(inb(&r.tb, 0x3c9), 0x01);
    /* 8-bit DAC (VBE_DISPI_8BIT_DAC): full bytes. */
    r.s->dac_8bit = true;
    outb(&r.tb, 0x3c8, 7);
    outb(&r.tb, 0x3c9, 0xff);
    outb(&r.tb, 0x3c9, 0x80);
    outb(&r.tb, 0x3c9, 0x41);
    outb(&r.tb, 0x3c7, 7);
    CHECK_EQ(inb(&r.tb, 0x3c9), 0xff);
    CHECK_EQ(inb(&r.tb, 0x3c9), 0x80);
    CHECK_EQ(inb(&r.tb, 0x3c9), 0x41);
    /* Pel mask. */
    CHECK_EQ(inb(&r.tb, 0x3c6), 0xff);
    outb(&r.tb, 0x3c6, 0x0f);
    CHECK_EQ(inb(&r.tb, 0x3c6), 0x0f);
    vga_rig_cleanup(&r);
}

static void test_attribute(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    outb(&r.tb, 0x3c2, 0x01);
    (void)inb(&r.tb, 0x3da);  /* flip-flop to "index" */
    outb(&r.tb, 0x3c0, 0x03); /* PAS clear: palette writable */
    outb(&r.tb, 0x3c0, 0x3a);
    CHECK_EQ(r.s->ar[3], 0x3a);
    CHECK_EQ(inb(&r.tb, 0x3c1), 0x3a);
    /* After data comes an index again. */
    outb(&r.tb, 0x3c0, 0x10);
    outb(&r.tb, 0x3c0, 0x41);
    CHECK_EQ(r.s->ar[0x10], 0x41);
    CHECK_EQ(inb(&r.tb, 0x3c0), 0x10);
    /* Reading 0x3DA in the middle resets the flip-flop to "index". */
    outb(&r.tb, 0x3c0, 0x11);
    (void)inb(&r.tb, 0x3da);
    outb(&r.tb, 0x3c0, 0x12);
    outb(&r.tb, 0x3c0, 0x05);
    CHECK_EQ(r.s->ar[0x11], 0);
    CHECK_EQ(r.s->ar[0x12], 0x05);
    /* With PAS set the palette registers are read-only, the others not;
     * the index port reads back PAS. */
    outb(&r.tb, 0x3c0, 0x23);
    CHECK_EQ(inb(&r.tb, 0x3c0), 0x23);
    outb(&r.tb, 0x3c0, 0x01);
    CHECK_EQ(r.s->ar[3], 0x3a);
    outb(&r.tb, 0x3c0, 0x33);
    outb(&r.tb, 0x3c0, 0x07);
    CHECK_EQ(r.s->ar[0x13], 0x07);
    /* The flip-flop is reset by 0x3BA in mono mode, not by 0x3DA. */
    outb(&r.tb, 0x3c2, 0x00);
    outb(&r.tb, 0x3c0, 0x14); /* index */
    (void)inb(&r.tb, 0x3da);  /* not decoded in mono mode */
    outb(&r.tb, 0x3c0, 0x0c); /* data */
    CHECK_EQ(r.s->ar[0x14], 0x0c);
    outb(&r.tb, 0x3c0, 0x14);
    (void)inb(&r.tb, 0x3ba);
    outb(&r.tb, 0x3c0, 0x13);
    outb(&r.tb, 0x3c0, 0x02);
    CHECK_EQ(r.s->ar[0x13], 0x02);
    CHECK_EQ(r.s->ar[0x14], 0x0c);
    vga_rig_cleanup(&r);
}

static void test_crtc(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    outb(&r.tb, 0x3c2, 0x01);
    /* Start address, cursor and line compare are stored as written. */
    cr_set(&r, VGA_CRTC_START_HI, 0x12);
    cr_set(&r, VGA_CRTC_START_LO, 0x34);
    cr_set(&r, VGA_CRTC_LINE_COMPARE, 0x9a);
    cr_set(&r, VGA_CRTC_CURSOR_HI, 0x07);
    cr_set(&r, VGA_CRTC_CURSOR_LO, 0xcf);
    CHECK_EQ(cr_get(&r, VGA_CRTC_START_HI), 0x12);
    CHECK_EQ(cr_get(&r, VGA_CRTC_START_LO), 0x34);
    CHECK_EQ(cr_get(&r, VGA_CRTC_LINE_COMPARE), 0x9a);
    CHECK_EQ(r.s->cr[VGA_CRTC_START_HI] << 8 | r.s->cr[VGA_CRTC_START_LO],
             0x1234);
    CHECK_EQ(r.s->cr[VGA_CRTC_CURSOR_LO], 0xcf);
    /* 16-bit "out dx, ax": index in AL, data in AH. */
    outw(&r.tb, 0x3d4, 0x550d);
    CHECK_EQ(r.s->cr[VGA_CRTC_START_LO], 0x55);
    /* CR11 bit 7 protects CR0-7 except CR7 bit 4. */
    cr_set(&r, 0x00, 0x5f);
    cr_set(&r, 0x07, 0x1f);
    cr_set(&r, VGA_CRTC_V_SYNC_END, 0x8e);
    cr_set(&r, 0x00, 0x11);
    cr_set(&r, 0x06, 0x22);
    cr_set(&r, 0x07, 0xe0);
    CHECK_EQ(cr_get(&r, 0x00), 0x5f);
    CHECK_EQ(cr_get(&r, 0x06), 0x00);
    CHECK_EQ(cr_get(&r, 0x07), 0x0f);
    cr_set(&r, 0x08, 0x05); /* CR8 is not protected */
    CHECK_EQ(cr_get(&r, 0x08), 0x05);
    cr_set(&r, VGA_CRTC_V_SYNC_END, 0x0e);
    cr_set(&r, 0x00, 0x11);
    CHECK_EQ(cr_get(&r, 0x00), 0x11);
    /* Registers past CR18 do not exist. */
    cr_set(&r, 0x40, 0x77);
    CHECK_EQ(cr_get(&r, 0x40), 0x00);
    vga_rig_cleanup(&r);
}

/* Misc output bit 0 moves the CRTC and status ports. */
static void test_port_decode(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    outb(&r.tb, 0x3c2, 0x00);
    CHECK_EQ(inb(&r.tb, 0x3cc), 0x00);
    outb(&r.tb, 0x3b4, 0x0c);
    outb(&r.tb, 0x3b5, 0xab);
    CHECK_EQ(r.s->cr[0x0c], 0xab);
    outb(&r.tb, 0x3d4, 0x0d); /* ignored in mono mode */
    outb(&r.tb, 0x3d5, 0xcd);
    CHECK_EQ(r.s->cr[0x0d], 0x00);
    CHECK_EQ(inb(&r.tb, 0x3d5), 0xff);
    outb(&r.tb, 0x3c2, 0x67);
    CHECK_EQ(inb(&r.tb, 0x3cc), 0x67);
    CHECK_EQ(inb(&r.tb, 0x3b5), 0xff);
    outb(&r.tb, 0x3d4, 0x0d);
    outb(&r.tb, 0x3d5, 0xcd);
    CHECK_EQ(r.s->cr[0x0d], 0xcd);
    /* Feature control: written at 0x3DA, read at 0x3CA. */
    outb(&r.tb, 0x3da, 0x03);
    CHECK_EQ(inb(&r.tb, 0x3ca), 0x03);
    vga_rig_cleanup(&r);
}

static void test_masks_and_reset(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    /* Power-on state the BIOS relies on. */
    CHECK_EQ(r.s->sr[VGA_SR_PLANE_MASK], 0x0f);
    CHECK_EQ(r.s->gr[VGA_GR_BIT_MASK], 0xff);
    CHECK_EQ(r.s->pel_mask, 0xff);
    CHECK_EQ(r.s->misc_output, 0x00);
    /* Unimplemented bits read as 0. */
    sr_set(&r, 2, 0xff);
    CHECK_EQ(inb(&r.tb, 0x3c5), 0x0f);
    sr_set(&r, 4, 0xff);
    CHECK_EQ(inb(&r.tb, 0x3c5), 0x0e);
    gr_set(&r, 5, 0xff);
    CHECK_EQ(inb(&r.tb, 0x3cf), 0x7b);
    gr_set(&r, 8, 0xff);
    CHECK_EQ(inb(&r.tb, 0x3cf), 0xff);
    outb(&r.tb, 0x3c4, 0xfa); /* index bits above 2 are not decoded */
    CHECK_EQ(inb(&r.tb, 0x3c4), 0x02);
    vga_common_reset(r.s);
    CHECK_EQ(r.s->gr[5], 0x00);
    CHECK_EQ(r.s->sr[4], 0x00);
    vga_rig_cleanup(&r);
}

/* Mode 3's CRTC timings (what a BIOS programs), 28.322 MHz, 9-dot. */
static void program_mode3_timing(VgaRig *r)
{
    static const uint8_t cr[0x19] = {
        0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00,
        0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x0e,
        0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
    };
    outb(&r->tb, 0x3c2, 0x67);
    sr_set(r, 1, 0x00);
    for (int i = 0; i < 0x19; i++) {
        cr_set(r, i, cr[i]);
    }
}

/* Step virtual time in 1 us steps over span_ns and count the edges of a
 * status bit, recording the times of the first 8 of each. */
static int edges(VgaRig *r, uint8_t bitmask, int64_t span_ns, int64_t *rise,
                 int *nrise, int64_t *fall, int *nfall)
{
    int prev = inb(&r->tb, 0x3da) & bitmask;
    *nrise = *nfall = 0;
    for (int64_t t = 0; t < span_ns; t += 1000) {
        clock_step_ns(1000);
        int cur = inb(&r->tb, 0x3da) & bitmask;
        if (cur && !prev) {
            if (*nrise < 8) {
                rise[*nrise] = clock_get_ns(CLOCK_VIRTUAL);
            }
            ++*nrise;
        }
        if (!cur && prev) {
            if (*nfall < 8) {
                fall[*nfall] = clock_get_ns(CLOCK_VIRTUAL);
            }
            ++*nfall;
        }
        prev = cur;
    }
    return *nrise;
}

static void test_retrace(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    program_mode3_timing(&r);
    /* Worked out from the register values: 100 character clocks of 9
     * dots a line, 449 lines a frame, retrace at lines 412-413. */
    const double line_ns = 100.0 * 9 * 1e9 / 28322000.0;
    const double frame_ns = line_ns * 449;
    int64_t rise[8], fall[8];
    int nr, nf;
    edges(&r, VGA_ST01_V_RETRACE, 3 * frame_ns, rise, &nr, fall, &nf);
    CHECK(nr >= 2 && nf >= 2);
    if (nr >= 2 && nf >= 2) {
        double period = rise[1] - rise[0];
        CHECK(fabs(period - frame_ns) < 2000);
        int k = fall[0] > rise[0] ? 0 : 1;
        double len = fall[k] - rise[0];
        CHECK(fabs(len - 2 * line_ns) < 2000);
        printf("  retrace every %.0f ns for %.0f ns (%.2f Hz)\n", period, len,
               1e9 / period);
    }
    /* Display enable toggles every line (horizontal blanking). */
    edges(&r, VGA_ST01_DISP_ENABLE, 20 * line_ns, rise, &nr, fall, &nf);
    CHECK(nr >= 19 && nr <= 21);

    /* Registers not programmed (power-on): still a 60 Hz retrace. */
    vga_common_reset(r.s);
    outb(&r.tb, 0x3c2, 0x01);
    edges(&r, VGA_ST01_V_RETRACE, 3 * 1e9 / 60, rise, &nr, fall, &nf);
    CHECK(nr >= 2);
    if (nr >= 2) {
        CHECK(fabs((rise[1] - rise[0]) - 1e9 / 60) < 2000);
    }
    vga_rig_cleanup(&r);
}

static void test_vmstate(void)
{
    VgaRig r;
    if (!vga_rig_init(&r, 1)) {
        return;
    }
    static uint8_t buf[4096];
    outb(&r.tb, 0x3c2, 0x67);
    sr_set(&r, 2, 0x05);
    gr_set(&r, 5, 0x10);
    outb(&r.tb, 0x3c8, 9);
    outb(&r.tb, 0x3c9, 0x21);
    outb(&r.tb, 0x3c9, 0x22);
    outb(&r.tb, 0x3c9, 0x23);
    size_t n = vmstate_save(&vmstate_vga_common, r.s, buf, sizeof(buf));
    CHECK(n > 0 && n < sizeof(buf));

    VGACommonState *t = calloc(1, sizeof(*t));
    CHECK_EQ(vmstate_load(&vmstate_vga_common, t, buf, n), 0);
    CHECK_EQ(t->misc_output, 0x67);
    CHECK_EQ(t->sr[2], 0x05);
    CHECK_EQ(t->gr[5], 0x10);
    CHECK_EQ(t->palette[9 * 3 + 2], 0x23);
    CHECK_EQ(t->dac_write_index, 10);

    /* Hostile indices are brought back inside their arrays. */
    r.s->sr_index = 0xff;
    r.s->gr_index = 0xff;
    r.s->dac_sub_index = 0xff;
    n = vmstate_save(&vmstate_vga_common, r.s, buf, sizeof(buf));
    CHECK_EQ(vmstate_load(&vmstate_vga_common, t, buf, n), 0);
    CHECK(t->sr_index < VGA_SR_COUNT);
    CHECK(t->gr_index < VGA_GR_COUNT);
    CHECK(t->dac_sub_index < 3);
    free(t);
    vga_rig_cleanup(&r);
}

/* vgamem_mb: rounded up to a power of two, 0 means the default, more
 * than 256 refused with a message. */
static void test_vram_size(void)
{
    static const struct {
        uint32_t mb, want;
    } cases[] = {{0, 16}, {1, 1}, {3, 4}, {9, 16}, {256, 256}};
    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        VgaRig r;
        if (!vga_rig_init(&r, cases[i].mb)) {
            continue;
        }
        CHECK_EQ(r.s->vram_size, cases[i].want * MiB);
        CHECK_EQ(r.s->vbe_bank_mask + 1, cases[i].want * 16);
        vga_rig_cleanup(&r);
    }
    VGACommonState *s = calloc(1, sizeof(*s));
    Error *err = NULL;
    s->vram_size_mb = 257;
    CHECK_EQ(vga_common_init(s, NULL, &err), -1);
    CHECK(err && strstr(error_get_pretty(err), "vgamem_mb"));
    error_free(err);
    free(s);
}

/* The ISA form claims 0x3B0-0x3DF: a second VGA is refused by name, and
 * cleanup gives the ports back. */
static void test_isa_ports(void)
{
    static const DeviceClass cls = {.name = "test-vga", .bus = "isa"};
    DeviceState dev1 = {.cls = &cls}, dev2 = {.cls = &cls};
    TestBus tb;
    Error *err = NULL;

    test_bus_init(&tb);
    VGACommonState *a = calloc(1, sizeof(*a));
    VGACommonState *b = calloc(1, sizeof(*b));
    a->vram_size_mb = b->vram_size_mb = 1;
    CHECK_EQ(vga_common_init(a, &dev1, &err), 0);
    CHECK_EQ(vga_common_init(b, &dev2, &err), 0);
    CHECK_EQ(vga_init_legacy_isa(a, &tb.isa, &dev1, &err), 0);
    outb(&tb, 0x3c4, 2);
    CHECK_EQ(inb(&tb, 0x3c4), 2);
    CHECK_EQ(vga_init_legacy_isa(b, &tb.isa, &dev2, &err), -1);
    CHECK(err && strstr(error_get_pretty(err), "test-vga"));
    error_free(err);
    err = NULL;
    /* The window answers at 0xA0000 (chain-4 byte). */
    outb(&tb, 0x3c5, 0x0f);
    outb(&tb, 0x3c4, 4);
    outb(&tb, 0x3c5, 0x08);
    address_space_write_val(&tb.mem_as, 0xa0010, 1, 0x5a);
    CHECK_EQ(a->vram_ptr[0x10], 0x5a);
    vga_common_cleanup(a);
    CHECK_EQ(inb(&tb, 0x3c4), 0xff);
    CHECK_EQ(vga_init_legacy_isa(b, &tb.isa, &dev2, &err), 0);
    vga_common_cleanup(b);
    free(a);
    free(b);
    test_bus_cleanup(&tb);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_dac);
    TEST_RUN(test_attribute);
    TEST_RUN(test_crtc);
    TEST_RUN(test_port_decode);
    TEST_RUN(test_masks_and_reset);
    TEST_RUN(test_retrace);
    TEST_RUN(test_vmstate);
    TEST_RUN(test_vram_size);
    TEST_RUN(test_isa_ports);
    return test_finish();
}
