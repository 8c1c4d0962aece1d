/*
 * screendump (ui/screendump.c) and the monitor's screendump command: a
 * console whose device draws a known pattern into surfaces of several
 * pixman formats; the PNG is decoded back with libpng and the PPM parsed
 * here, and each pixel is compared with the colour the test computed
 * itself from what it wrote (not with another conversion by pixman).
 */
#include "tests/unit/harness.h"
#include "emu/monitor.h"
#include "ui/console.h"

#include <dirent.h>
#include <glib.h>
#include <png.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

/* The colour of pixel (x, y) in 8 bits per channel. */
static void pattern(int x, int y, uint8_t rgb[3])
{
    rgb[0] = (uint8_t)(x * 7 + y);
    rgb[1] = (uint8_t)(y * 13 + 5);
    rgb[2] = (uint8_t)((x ^ y) * 3);
}

typedef struct TestDev {
    Console *con;
    pixman_format_code_t format;
    int w, h;
    uint8_t *vram; /* the surface's data for the non-default formats */
    int updates;
} TestDev;

/* Expand n bits to 8 as a display does: the high bits repeated below. */
static uint8_t expand(unsigned v, int bits)
{
    unsigned x = v << (8 - bits);
    return (uint8_t)(x | (x >> bits));
}

/* The device draws the pattern in its own format; what the dump must show
 * is pattern() reduced to that format's precision (expected()). */
static void dev_draw(TestDev *d)
{
    DisplaySurface *s = console_surface(d->con);
    uint8_t *data = surface_data(s);
    int stride = surface_stride(s);
    for (int y = 0; y < d->h; y++) {
        for (int x = 0; x < d->w; x++) {
            uint8_t c[3];
            pattern(x, y, c);
            uint8_t *p = data + (size_t)y * stride;
            switch (d->format) {
            case PIXMAN_x8r8g8b8:
                ((uint32_t *)p)[x] =
                    0xff000000u | c[0] << 16 | c[1] << 8 | c[2];
                break;
            case PIXMAN_x8b8g8r8:
                ((uint32_t *)p)[x] = c[2] << 16 | c[1] << 8 | c[0];
                break;
            case PIXMAN_r5g6b5:
                ((uint16_t *)p)[x] = (uint16_t)((c[0] >> 3) << 11 |
                                                (c[1] >> 2) << 5 | c[2] >> 3);
                break;
            case PIXMAN_x1r5g5b5:
                ((uint16_t *)p)[x] = (uint16_t)((c[0] >> 3) << 10 |
                                                (c[1] >> 3) << 5 | c[2] >> 3);
                break;
            case PIXMAN_r8g8b8: /* 24 bpp as VBE has it: bytes B, G, R */
                p[x * 3] = c[2];
                p[x * 3 + 1] = c[1];
                p[x * 3 + 2] = c[0];
                break;
            default:
                abort();
            }
        }
    }
}

static void expected(const TestDev *d, int x, int y, uint8_t rgb[3])
{
    pattern(x, y, rgb);
    switch (d->format) {
    case PIXMAN_r5g6b5:
        rgb[0] = expand(rgb[0] >> 3, 5);
        rgb[1] = expand(rgb[1] >> 2, 6);
        rgb[2] = expand(rgb[2] >> 3, 5);
        break;
    case PIXMAN_x1r5g5b5:
        for (int i = 0; i < 3; i++) {
            rgb[i] = expand(rgb[i] >> 3, 5);
        }
        break;
    default:
        break;
    }
}

static void dev_gfx_update(void *opaque)
{
    TestDev *d = opaque;
    d->updates++;
    dev_draw(d);
}

static const GraphicHwOps dev_ops = {.gfx_update = dev_gfx_update};

static void dev_init(TestDev *d, pixman_format_code_t format, int w, int h)
{
    memset(d, 0, sizeof(*d));
    d->format = format;
    d->w = w;
    d->h = h;
    d->con = graphic_console_init("test-vga", &dev_ops, d);
    CHECK(d->con != NULL);
    DisplaySurface *s;
    if (format == SURFACE_DEFAULT_FORMAT) {
        s = surface_create(w, h);
    } else {
        int stride = ((w * PIXMAN_FORMAT_BPP(format) / 8) + 3) & ~3;
        d->vram = calloc(1, (size_t)stride * h);
        s = surface_create_from_data(w, h, format, stride, d->vram);
    }
    CHECK(s != NULL);
    dpy_gfx_replace_surface(d->con, s);
}

static void dev_close(TestDev *d)
{
    graphic_console_close(d->con);
    free(d->vram);
}

/* Decoded image: w*h*3 bytes R, G, B. */
typedef struct Image {
    int w, h;
    uint8_t *rgb;
} Image;

static bool read_ppm(const char *path, Image *img)
{
    FILE *f = fopen(path, "rb");
    int maxval;
    if (!f) {
        return false;
    }
    bool ok = fscanf(f, "P6 %d %d %d", &img->w, &img->h, &maxval) == 3 &&
              maxval == 255 && fgetc(f) == '\n' && img->w > 0 && img->h > 0;
    if (ok) {
        size_t n = (size_t)img->w * img->h * 3;
        img->rgb = malloc(n);
        ok = fread(img->rgb, 1, n, f) == n && fgetc(f) == EOF;
    }
    fclose(f);
    return ok;
}

static bool read_png(const char *path, Image *img)
{
    /* The header first: 8-bit RGB, as promised (IHDR at byte 16). */
    uint8_t hdr[26];
    FILE *f = fopen(path, "rb");
    if (!f) {
        return false;
    }
    bool ok = fread(hdr, 1, sizeof(hdr), f) == sizeof(hdr);
    fclose(f);
    if (!ok || png_sig_cmp(hdr, 0, 8) || hdr[24] != 8 || hdr[25] != 2) {
        return false;
    }
    png_image pi;
    memset(&pi, 0, sizeof(pi));
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&pi, path)) {
        return false;
    }
    pi.format = PNG_FORMAT_RGB;
    img->w = pi.width;
    img->h = pi.height;
    img->rgb = malloc(PNG_IMAGE_SIZE(pi));
    return png_image_finish_read(&pi, NULL, img->rgb, 0, NULL) != 0;
}

static int compare(const TestDev *d, const Image *img)
{
    int bad = 0;
    if (img->w != d->w || img->h != d->h) {
        test_fail(__FILE__, __LINE__, "size %dx%d, drew %dx%d", img->w, img->h,
                  d->w, d->h);
        return 1;
    }
    for (int y = 0; y < d->h; y++) {
        for (int x = 0; x < d->w; x++) {
            uint8_t want[3];
            const uint8_t *got = img->rgb + ((size_t)y * d->w + x) * 3;
            expected(d, x, y, want);
            if (memcmp(want, got, 3) && bad++ < 3) {
                test_fail(__FILE__, __LINE__,
                          "pixel (%d,%d): %02x%02x%02x, want %02x%02x%02x", x,
                          y, got[0], got[1], got[2], want[0], want[1], want[2]);
            }
        }
    }
    return bad;
}

static char *path_in_tmp(const char *name)
{
    return g_strdup_printf("%s/%s", tmpdir, name);
}

/* No file but the ones the test made: no temporary left behind. */
static int files_in_tmp(void)
{
    int n = 0;
    DIR *dir = opendir(tmpdir);
    for (struct dirent *e; dir && (e = readdir(dir));) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            n++;
        }
    }
    if (dir) {
        closedir(dir);
    }
    return n;
}

static void clean_tmp(void)
{
    DIR *dir = opendir(tmpdir);
    for (struct dirent *e; dir && (e = readdir(dir));) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            char *p = path_in_tmp(e->d_name);
            unlink(p);
            g_free(p);
        }
    }
    if (dir) {
        closedir(dir);
    }
}

static void dump_and_check(pixman_format_code_t format, int w, int h,
                           ScreendumpFormat fmt, const char *name, bool png)
{
    TestDev d;
    Image img = {0};
    Error *err = NULL;
    char *path = path_in_tmp(name);

    dev_init(&d, format, w, h);
    CHECK_EQ(screendump(NULL, path, fmt, &err), 0);
    if (err) {
        test_fail(__FILE__, __LINE__, "%s", error_get_pretty(err));
        error_free(err);
    }
    CHECK(d.updates == 1); /* the device was asked to redraw first */
    CHECK(png ? read_png(path, &img) : read_ppm(path, &img));
    CHECK_EQ(compare(&d, &img), 0);
    CHECK_EQ(files_in_tmp(), 1);
    free(img.rgb);
    dev_close(&d);
    clean_tmp();
    g_free(path);
}

static void test_png_x8r8g8b8(void)
{
    dump_and_check(PIXMAN_x8r8g8b8, 300, 200, SCREENDUMP_AUTO, "a.png", true);
}

static void test_ppm_x8r8g8b8(void)
{
    /* an odd width: rows of 3*37 bytes, not a multiple of 4 */
    dump_and_check(PIXMAN_x8r8g8b8, 37, 23, SCREENDUMP_AUTO, "a.ppm", false);
}

static void test_formats_converted(void)
{
    static const pixman_format_code_t formats[] = {
        PIXMAN_x8b8g8r8, PIXMAN_r5g6b5, PIXMAN_x1r5g5b5, PIXMAN_r8g8b8};
    for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
        dump_and_check(formats[i], 321, 131, SCREENDUMP_PNG, "b.img", true);
        dump_and_check(formats[i], 77, 9, SCREENDUMP_PPM, "b.png", false);
    }
}

static void test_format_by_name(void)
{
    /* .PNG in capitals is PNG; a name without .png is PPM */
    dump_and_check(PIXMAN_x8r8g8b8, 16, 16, SCREENDUMP_AUTO, "C.PNG", true);
    dump_and_check(PIXMAN_x8r8g8b8, 16, 16, SCREENDUMP_AUTO, "c.png.old",
                   false);
}

static void expect_error(int r, Error **errp, const char *part)
{
    Error *err = *errp;
    *errp = NULL;
    CHECK_EQ(r, -1);
    CHECK(err != NULL);
    if (err) {
        const char *msg = error_get_pretty(err);
        if (!strstr(msg, part) || strchr(msg, '\n')) {
            test_fail(__FILE__, __LINE__, "message \"%s\" (want \"%s\")", msg,
                      part);
        }
        error_free(err);
    }
}

static void test_errors(void)
{
    Error *err = NULL;
    char *path = path_in_tmp("x.png");

    /* no console at all */
    CHECK_EQ(console_count(), 0);
    expect_error(screendump(NULL, path, SCREENDUMP_AUTO, &err), &err,
                 "no display device (-vga none)");

    TestDev d;
    dev_init(&d, PIXMAN_x8r8g8b8, 8, 8);
    char *bad = path_in_tmp("no/such/dir/x.png");
    expect_error(screendump(NULL, bad, SCREENDUMP_AUTO, &err), &err, bad);
    CHECK_EQ(files_in_tmp(), 0);

    /* an old file survives a failed dump into a folder it cannot write */
    FILE *f = fopen(path, "w");
    fputs("old", f);
    fclose(f);
    if (geteuid() != 0) {
        chmod(tmpdir, 0500);
        expect_error(screendump(NULL, path, SCREENDUMP_AUTO, &err), &err,
                     "cannot create");
        chmod(tmpdir, 0700);
        CHECK_EQ(files_in_tmp(), 1);
    }
    dev_close(&d);
    clean_tmp();
    g_free(bad);
    g_free(path);
}

/* Run a monitor line; its output in *out (g_free it). */
static int mon(const char *line, char **out)
{
    size_t size = 0;
    FILE *f = open_memstream(out, &size);
    int r = monitor_execute_line(NULL, line, f);
    fclose(f);
    return r;
}

static void test_monitor_screendump(void)
{
    TestDev d0, d1;
    Image img = {0};
    char *out, *line;
    char *p = path_in_tmp("m.img");

    dev_init(&d0, PIXMAN_x8r8g8b8, 40, 30);
    dev_init(&d1, PIXMAN_r5g6b5, 24, 16);

    /* QEMU's order: -f before the name; a name with no .png is PPM */
    line = g_strdup_printf("screendump -f png %s", p);
    CHECK_EQ(mon(line, &out), 0);
    CHECK_STR(out, "");
    CHECK(read_png(p, &img));
    CHECK_EQ(compare(&d0, &img), 0);
    free(img.rgb);
    g_free(out);
    g_free(line);

    line = g_strdup_printf("screendump %s", p);
    CHECK_EQ(mon(line, &out), 0);
    CHECK(read_ppm(p, &img));
    CHECK_EQ(compare(&d0, &img), 0);
    free(img.rgb);
    g_free(out);
    g_free(line);

    /* the second console by number, then by name with head 0, -f last */
    line = g_strdup_printf("screendump %s 1", p);
    CHECK_EQ(mon(line, &out), 0);
    CHECK(read_ppm(p, &img));
    CHECK_EQ(compare(&d1, &img), 0);
    free(img.rgb);
    g_free(out);
    g_free(line);
    CHECK(d1.updates == 1);

    line = g_strdup_printf("screendump %s test-vga 0 -f png", p);
    CHECK_EQ(mon(line, &out), 0);
    CHECK(read_png(p, &img));
    CHECK_EQ(compare(&d0, &img), 0); /* the first console of that name */
    free(img.rgb);
    g_free(out);
    g_free(line);

    static const struct {
        const char *args, *msg;
    } bad[] = {
        {"", "usage: screendump"},
        {"-f gif x.gif", "format 'gif' is not ppm or png"},
        {"x.ppm vga9", "no display device 'vga9'"},
        {"x.ppm 0 1", "has only head 0"},
        {"a b c d", "usage: screendump"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        line = g_strdup_printf("screendump %s", bad[i].args);
        CHECK_EQ(mon(line, &out), -1);
        if (!strstr(out, bad[i].msg)) {
            test_fail(__FILE__, __LINE__, "%s: \"%s\"", line, out);
        }
        g_free(out);
        g_free(line);
    }
    dev_close(&d1);
    dev_close(&d0);

    line = g_strdup_printf("screendump %s", p);
    CHECK_EQ(mon(line, &out), -1);
    CHECK_STR(out, "screendump: no display device (-vga none)\n");
    g_free(out);
    g_free(line);
    clean_tmp();
    g_free(p);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/emu-screendump-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    TEST_RUN(test_errors);
    TEST_RUN(test_png_x8r8g8b8);
    TEST_RUN(test_ppm_x8r8g8b8);
    TEST_RUN(test_formats_converted);
    TEST_RUN(test_format_by_name);
    TEST_RUN(test_monitor_screendump);
    clean_tmp();
    rmdir(tmpdir);
    return test_finish();
}
