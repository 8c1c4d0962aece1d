/*
 * The VGA picture (skeleton: the vgarender part of issue 9 fills it in).
 */
#include "hw/display/vga-internal.h"

void vga_invalidate_display(void *opaque) {}

void vga_update_display(void *opaque) {}

void vga_update_text(void *opaque) {}

const GraphicHwOps vga_graphic_ops = {
    .invalidate = vga_invalidate_display,
    .gfx_update = vga_update_display,
    .text_update = vga_update_text,
};
