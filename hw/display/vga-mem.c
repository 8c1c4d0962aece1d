/*
 * The VGA memory window (skeleton: the vgacore part of issue 9 fills it
 * in).
 */
#include "hw/display/vga-internal.h"

uint8_t vga_mem_readb(VGACommonState *s, uint32_t addr)
{
    return 0xff;
}

void vga_mem_writeb(VGACommonState *s, uint32_t addr, uint8_t val) {}

const MemoryRegionOps vga_mem_ops;
