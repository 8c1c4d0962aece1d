/*
 * screendump (ui/console.h): a console's surface, at the guest's
 * resolution, to a PNG (libpng, 8-bit RGB) or binary PPM (P6) file.
 *
 * The surface is in the guest's pixel format (x8r8g8b8, r5g6b5, a view
 * onto VRAM...); pixman converts a band of rows at a time into 24-bit
 * R,G,B bytes, which both file formats store as they are.
 *
 * The file is written under a temporary name in the same folder and
 * renamed at the end, so that a program waiting for it (a test polling
 * for the file, a viewer) never reads half an image, and a failure leaves
 * any older file of that name alone.
 */
#include "ui/console.h"

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Rows converted per pixman call: large enough to amortise the call,
 * small enough that a 2560-pixel row band stays in cache (~1 MiB). */
#define BAND_ROWS 128

/* pixman names formats by the bits of a host-order pixel: the format whose
 * bytes in memory are R, G, B depends on the host's byte order. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define RGB_BYTES_FORMAT PIXMAN_b8g8r8
#else
#define RGB_BYTES_FORMAT PIXMAN_r8g8b8
#endif

typedef struct DumpWriter {
    FILE *f;
    int w, h;
    png_structp png;
    png_infop info;
} DumpWriter;

static bool name_is_png(const char *file)
{
    size_t n = strlen(file);
    return n >= 4 && !strcasecmp(file + n - 4, ".png");
}

static void png_error_fn(png_structp png, png_const_charp msg)
{
    char *buf = png_get_error_ptr(png);
    snprintf(buf, 256, "%s", msg);
    png_longjmp(png, 1);
}

static void png_warning_fn(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg; /* nothing a user could act on */
}

/* Convert the surface band by band and hand each row to put_row.  Returns
 * false if put_row failed. */
typedef bool PutRowFn(DumpWriter *d, const uint8_t *row);

static bool convert_rows(DisplaySurface *s, DumpWriter *d, PutRowFn *put_row)
{
    int w = d->w, h = d->h;
    int stride = (w * 3 + 3) & ~3; /* pixman wants 4-byte aligned rows */
    int band = MIN(h, BAND_ROWS);
    uint8_t *buf = malloc((size_t)stride * band);
    /* (pixman would allocate bits of its own for a NULL buf) */
    pixman_image_t *dst =
        buf ? pixman_image_create_bits(RGB_BYTES_FORMAT, w, band,
                                       (uint32_t *)buf, stride)
            : NULL;
    bool ok = dst != NULL;

    for (int y = 0; ok && y < h; y += band) {
        int rows = MIN(band, h - y);
        pixman_image_composite32(PIXMAN_OP_SRC, s->image, NULL, dst, 0, y, 0, 0,
                                 0, 0, w, rows);
        for (int r = 0; ok && r < rows; r++) {
            ok = put_row(d, buf + (size_t)r * stride);
        }
    }
    if (dst) {
        pixman_image_unref(dst);
    }
    free(buf);
    return ok;
}

static bool ppm_put_row(DumpWriter *d, const uint8_t *row)
{
    return fwrite(row, 3, d->w, d->f) == (size_t)d->w;
}

static bool png_put_row(DumpWriter *d, const uint8_t *row)
{
    png_write_row(d->png, row); /* longjmps to write_png on error */
    return true;
}

static int write_ppm(DisplaySurface *s, DumpWriter *d, Error **errp)
{
    if (fprintf(d->f, "P6\n%d %d\n255\n", d->w, d->h) < 0 ||
        !convert_rows(s, d, ppm_put_row)) {
        error_setg(errp, "%s", strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}

static int write_png(DisplaySurface *s, DumpWriter *d, Error **errp)
{
    char msg[256] = "";

    d->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, msg, png_error_fn,
                                     png_warning_fn);
    d->info = d->png ? png_create_info_struct(d->png) : NULL;
    if (!d->info) {
        png_destroy_write_struct(&d->png, NULL);
        error_setg(errp, "out of memory");
        return -1;
    }
    if (setjmp(png_jmpbuf(d->png))) {
        png_destroy_write_struct(&d->png, &d->info);
        error_setg(errp, "PNG: %s", msg);
        return -1;
    }
    png_init_io(d->png, d->f);
    png_set_IHDR(d->png, d->info, d->w, d->h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(d->png, d->info);
    if (!convert_rows(s, d, png_put_row)) {
        png_destroy_write_struct(&d->png, &d->info);
        error_setg(errp, "cannot convert the surface");
        return -1;
    }
    png_write_end(d->png, NULL);
    png_destroy_write_struct(&d->png, &d->info);
    return 0;
}

/* A new file next to file, with the permissions a plain creat() would
 * give (mkstemp's 0600 would surprise whoever reads the dump). */
static FILE *open_temp(const char *file, char **tmp_name)
{
    size_t n = strlen(file) + sizeof(".tmp-XXXXXX");
    char *tmp = malloc(n);
    if (!tmp) {
        errno = ENOMEM;
        return NULL;
    }
    snprintf(tmp, n, "%s.tmp-XXXXXX", file);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return NULL;
    }
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) < 0) {
        /* not fatal: the file is still ours to write */
    }
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        errno = e;
        return NULL;
    }
    *tmp_name = tmp;
    return f;
}

int screendump(Console *con, const char *file, ScreendumpFormat fmt,
               Error **errp)
{
    if (!con) {
        con = console_get(0);
    }
    if (!con) {
        error_setg(errp, "screendump: no display device (-vga none)");
        return -1;
    }
    if (!file || !*file) {
        error_setg(errp, "screendump: no file name given");
        return -1;
    }
    if (fmt == SCREENDUMP_AUTO) {
        fmt = name_is_png(file) ? SCREENDUMP_PNG : SCREENDUMP_PPM;
    }

    graphic_hw_update(con);
    DisplaySurface *s = console_surface(con);
    DumpWriter d = {.w = surface_width(s), .h = surface_height(s)};

    char *tmp = NULL;
    d.f = open_temp(file, &tmp);
    if (!d.f) {
        error_setg(errp, "screendump: cannot create %s: %s", file,
                   strerror(errno));
        return -1;
    }

    Error *err = NULL;
    errno = 0;
    int r =
        fmt == SCREENDUMP_PNG ? write_png(s, &d, &err) : write_ppm(s, &d, &err);
    if (fflush(d.f) != 0 && r == 0) {
        error_setg(&err, "%s", strerror(errno));
        r = -1;
    }
    if (fclose(d.f) != 0 && r == 0) {
        error_setg(&err, "%s", strerror(errno));
        r = -1;
    }
    if (r == 0 && rename(tmp, file) < 0) {
        error_setg(&err, "%s", strerror(errno));
        r = -1;
    }
    if (r < 0) {
        unlink(tmp);
        error_setg(errp, "screendump: cannot write %s: %s", file,
                   error_get_pretty(err));
        error_free(err);
    }
    free(tmp);
    return r;
}
