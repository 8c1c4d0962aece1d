/*
 * A bare VGA core on the test bus for the VGA device tests: the common
 * state (vga.c, vga-mem.c) with its ports at 0x3B0-0x3DF and its window
 * at 0xA0000, no board around it.
 */
#ifndef TESTS_UNIT_VGA_RIG_H
#define TESTS_UNIT_VGA_RIG_H

#include "tests/unit/harness.h"
#include "hw/display/vga-internal.h"

typedef struct VgaRig {
    TestBus tb;
    VGACommonState *s;
} VgaRig;

static inline bool vga_rig_init(VgaRig *r, uint32_t vgamem_mb)
{
    Error *err = NULL;

    test_bus_init(&r->tb);
    r->s = calloc(1, sizeof(*r->s));
    r->s->vram_size_mb = vgamem_mb;
    if (vga_common_init(r->s, NULL, &err) < 0) {
        test_fail(__FILE__, __LINE__, "vga_common_init: %s",
                  error_get_pretty(err));
        error_free(err);
        free(r->s);
        test_bus_cleanup(&r->tb);
        return false;
    }
    vga_init_legacy(r->s, &r->tb.io_root, &r->tb.mem_root);
    return true;
}

static inline void vga_rig_cleanup(VgaRig *r)
{
    vga_common_cleanup(r->s);
    free(r->s);
    test_bus_cleanup(&r->tb);
}

/* Window byte/word access at 0xA0000 + off, through the memory space. */
static inline uint8_t win_readb(VgaRig *r, uint32_t off)
{
    uint64_t v = 0;
    address_space_read_val(&r->tb.mem_as, 0xa0000 + off, 1, &v);
    return v;
}
static inline void win_writeb(VgaRig *r, uint32_t off, uint8_t v)
{
    address_space_write_val(&r->tb.mem_as, 0xa0000 + off, 1, v);
}

static inline void sr_set(VgaRig *r, uint8_t i, uint8_t v)
{
    outb(&r->tb, 0x3c4, i);
    outb(&r->tb, 0x3c5, v);
}
static inline void gr_set(VgaRig *r, uint8_t i, uint8_t v)
{
    outb(&r->tb, 0x3ce, i);
    outb(&r->tb, 0x3cf, v);
}

#endif
