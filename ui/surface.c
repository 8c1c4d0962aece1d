/*
 * Display surfaces: pixman images in the guest's pixel format, owned by a
 * console (ui/console.h).
 */
#include "ui/console.h"

#define SURFACE_MAX_DIM 16384

static DisplaySurface *surface_wrap(pixman_image_t *image,
                                    pixman_format_code_t format, bool borrowed)
{
    if (!image) {
        return NULL;
    }
    DisplaySurface *s = calloc(1, sizeof(*s));
    s->image = image;
    s->format = format;
    s->borrowed = borrowed;
    return s;
}

DisplaySurface *surface_create(int w, int h)
{
    if (w < 1 || h < 1 || w > SURFACE_MAX_DIM || h > SURFACE_MAX_DIM) {
        return NULL;
    }
    /* pixman allocates (zeroed) and frees the bits itself. */
    return surface_wrap(
        pixman_image_create_bits(SURFACE_DEFAULT_FORMAT, w, h, NULL, w * 4),
        SURFACE_DEFAULT_FORMAT, false);
}

DisplaySurface *surface_create_from_data(int w, int h,
                                         pixman_format_code_t format,
                                         int stride, uint8_t *data)
{
    int bpp = PIXMAN_FORMAT_BPP(format);
    if (w < 1 || h < 1 || w > SURFACE_MAX_DIM || h > SURFACE_MAX_DIM || !data ||
        bpp == 0 || stride % 4 != 0 || (int64_t)stride * 8 < (int64_t)w * bpp ||
        !pixman_format_supported_source(format)) {
        return NULL;
    }
    return surface_wrap(
        pixman_image_create_bits(format, w, h, (uint32_t *)data, stride),
        format, true);
}

DisplaySurface *surface_create_placeholder(int w, int h)
{
    DisplaySurface *s = surface_create(w, h);
    if (s) {
        pixman_color_t grey = {0x3000, 0x3000, 0x3000, 0xffff};
        pixman_box32_t box = {0, 0, w, h};
        pixman_image_fill_boxes(PIXMAN_OP_SRC, s->image, &grey, 1, &box);
    }
    return s;
}

void surface_free(DisplaySurface *s)
{
    if (s) {
        pixman_image_unref(s->image);
        free(s);
    }
}
