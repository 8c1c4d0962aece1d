/*
 * Bochs VBE (DISPI) registers (skeleton: the vgaboard part of issue 9
 * fills it in).
 */
#include "hw/display/vga-internal.h"

bool vbe_enabled(const VGACommonState *s)
{
    return s->vbe_regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;
}

bool vbe_get_mode(const VGACommonState *s, VBEMode *m)
{
    return false;
}

uint32_t vbe_ioport_read_index(VGACommonState *s)
{
    return s->vbe_index;
}

void vbe_ioport_write_index(VGACommonState *s, uint32_t val) {}

uint32_t vbe_ioport_read_data(VGACommonState *s)
{
    return 0;
}

void vbe_ioport_write_data(VGACommonState *s, uint32_t val) {}

void vbe_reset(VGACommonState *s) {}

void vbe_init_ioports(VGACommonState *s, MemoryRegion *io) {}
