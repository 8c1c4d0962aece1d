/*
 * VGA core registers (skeleton: the vgacore part of issue 9 fills it in;
 * nothing creates a VGA device until then).
 */
#include "hw/display/vga-internal.h"

int vga_common_init(VGACommonState *s, DeviceState *owner, Error **errp)
{
    error_setg(errp, "VGA: not built yet");
    return -1;
}

void vga_common_reset(VGACommonState *s) {}

void vga_common_cleanup(VGACommonState *s) {}

void vga_init_legacy(VGACommonState *s, MemoryRegion *io, MemoryRegion *mem) {}

uint32_t vga_ioport_read(VGACommonState *s, uint32_t port)
{
    return 0xff;
}

void vga_ioport_write(VGACommonState *s, uint32_t port, uint32_t val) {}

const VMStateDescription vmstate_vga_common = {
    .name = "vga",
};
