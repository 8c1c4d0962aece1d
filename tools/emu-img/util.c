/*
 * What emu-img's subcommands share: usage errors, option parsing, sizes,
 * opening images and walking backing chains, the progress line.
 */
#include <glib.h>
#include <math.h>
#include "emu-img.h"

int img_usage_error(const ImgCommand *cmd, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_report("%s: %s (try 'emu-img %s --help')", cmd->name, msg, cmd->name);
    g_free(msg);
    return 1;
}

int img_print_help(const ImgCommand *cmd)
{
    printf("usage: emu-img %s\n\n%s", cmd->synopsis, cmd->help);
    return 0;
}

int img_parse_output(const ImgCommand *cmd, const char *arg, bool *json)
{
    if (!strcmp(arg, "json")) {
        *json = true;
    } else if (!strcmp(arg, "human")) {
        *json = false;
    } else {
        return img_usage_error(cmd, "--output must be human or json, not '%s'",
                               arg);
    }
    return 0;
}

int img_getopt(const ImgCommand *cmd, int argc, char **argv,
               const char *shortopts, const struct option *longopts,
               int *status)
{
    static const struct option help_only[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char opts[64];
    int c;

    /* ':' first: a missing argument is reported as ':', not '?'; "h" is
     * every command's help. */
    snprintf(opts, sizeof(opts), ":h%s", shortopts);
    opterr = 0;
    c = getopt_long(argc, argv, opts, longopts ? longopts : help_only, NULL);
    switch (c) {
    case 'h':
        *status = img_print_help(cmd);
        return IMG_OPT_EXIT;
    case '?':
        if (optopt) {
            *status = img_usage_error(cmd, "invalid option -- '%c'", optopt);
        } else {
            *status = img_usage_error(cmd, "unrecognized option '%s'",
                                      argv[optind - 1]);
        }
        return IMG_OPT_EXIT;
    case ':':
        if (optopt) {
            *status =
                img_usage_error(cmd, "option -%c needs an argument", optopt);
        } else {
            *status = img_usage_error(cmd, "option '%s' needs an argument",
                                      argv[optind - 1]);
        }
        return IMG_OPT_EXIT;
    }
    return c;
}

bool img_parse_size(const char *s, uint64_t *out)
{
    static const char units[] = "BKMGTPE";
    size_t len = strspn(s, "0123456789.");
    const char *dot = memchr(s, '.', len);
    const char *unit = s + len;
    double v;

    /* Digits with at most one '.', then at most one unit letter: strtod
     * alone would also take "inf", hex and exponents. */
    if (len == 0 || (dot && memchr(dot + 1, '.', len - (dot + 1 - s))) ||
        (dot && len == 1)) {
        return false;
    }
    v = g_ascii_strtod(s, NULL);
    if (*unit) {
        const char *u = strchr(units, g_ascii_toupper(*unit));
        if (!u || unit[1]) {
            return false;
        }
        v = ldexp(v, 10 * (int)(u - units));
    } else if (dot) {
        return false; /* a fraction of a byte */
    }
    if (!(v >= 0) || v >= ldexp(1, 63)) {
        return false;
    }
    *out = (uint64_t)v;
    return true;
}

char *img_size_to_str(uint64_t v)
{
    static const char *const prefix[] = {"",   "Ki", "Mi", "Gi",
                                         "Ti", "Pi", "Ei"};
    int i = 0;

    /* Step up a unit once the number would need four digits, so that
     * 1000 KiB reads "0.977 MiB" (qemu's rule). */
    while (i < 6 && (double)v >= 1000.0 * ldexp(1, 10 * i)) {
        i++;
    }
    return g_strdup_printf("%0.3g %sB", (double)v / ldexp(1, 10 * i),
                           prefix[i]);
}

BlockDriverState *img_open(const char *filename, const char *fmt, bool writable,
                           bool open_backing, bool force_share)
{
    return img_open_check(filename, fmt, writable, open_backing, force_share,
                          false);
}

BlockDriverState *img_open_check(const char *filename, const char *fmt,
                                 bool writable, bool open_backing,
                                 bool force_share, bool check)
{
    BlockOpenOptions o = {
        .check = check,
        .filename = filename,
        .format = fmt,
        .read_only = !writable,
        .cache = BLOCK_CACHE_WRITEBACK,
        .aio = BLOCK_AIO_THREADS,
        .force_share = force_share,
        .no_backing_open = !open_backing,
    };
    Error *err = NULL;
    BlockDriverState *bs;

    bs = bdrv_open(&o, &err);
    if (!bs) {
        /* Name the image when the driver's message does not. */
        if (!strstr(error_get_pretty(err), filename)) {
            error_prepend(&err, "Could not open '%s': ", filename);
        }
        error_report_err(err);
    }
    return bs;
}

char *img_backing_path(const char *image, const char *backing)
{
    char *dir;
    char *path;

    if (g_path_is_absolute(backing) || !strchr(image, '/')) {
        return g_strdup(backing);
    }
    dir = g_path_get_dirname(image);
    path = g_build_filename(dir, backing, NULL);
    g_free(dir);
    return path;
}

int img_chain_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                     uint64_t *pnum)
{
    uint64_t n = bytes;
    int ret;

    for (;;) {
        int64_t len = bdrv_getlength(bs);
        if (len < 0) {
            return (int)len;
        }
        if (offset >= (uint64_t)len) {
            /* Past the end of a shorter backing file: zeros. */
            *pnum = n;
            return BDRV_BLOCK_ZERO;
        }
        n = MIN(n, (uint64_t)len - offset);
        ret = bdrv_block_status(bs, offset, n, pnum);
        if (ret < 0) {
            return ret;
        }
        if ((ret & BDRV_BLOCK_ALLOCATED) || !bs->backing) {
            if (!(ret & BDRV_BLOCK_ALLOCATED)) {
                ret |= BDRV_BLOCK_ZERO;
            }
            return ret;
        }
        /* This layer leaves *pnum bytes to its backing: ask there. */
        n = *pnum;
        bs = bs->backing;
    }
}

bool img_parse_opts(const char *s, ImgOpt **opts, int *n)
{
    while (*s) {
        GString *item = g_string_new(NULL);
        char *eq;

        /* ",," stands for a comma inside a value (qemu's rule). */
        while (*s && !(*s == ',' && s[1] != ',')) {
            if (*s == ',') {
                s++;
            }
            g_string_append_c(item, *s++);
        }
        if (*s == ',') {
            s++;
        }
        if (item->len == 0) {
            g_string_free(item, TRUE);
            continue;
        }
        *opts = g_renew(ImgOpt, *opts, *n + 1);
        eq = strchr(item->str, '=');
        if (eq) {
            (*opts)[*n].key = g_strndup(item->str, eq - item->str);
            (*opts)[*n].value = g_strdup(eq + 1);
        } else {
            /* "help" alone, or "lazy_refcounts" meaning on. */
            (*opts)[*n].key = g_strdup(item->str);
            (*opts)[*n].value = NULL;
        }
        (*n)++;
        g_string_free(item, TRUE);
    }
    return true;
}

void img_free_opts(ImgOpt *opts, int n)
{
    for (int i = 0; i < n; i++) {
        g_free(opts[i].key);
        g_free(opts[i].value);
    }
    g_free(opts);
}

void img_progress_start(ImgProgress *p, bool enabled)
{
    p->enabled = enabled;
    p->last = -1;
    img_progress_update(p, 0, 1);
}

void img_progress_update(ImgProgress *p, uint64_t done, uint64_t total)
{
    double pct = total ? 100.0 * (double)done / (double)total : 100.0;

    /* A new line of output per whole percent at most. */
    if (!p->enabled || (pct < 100.0 && pct - p->last < 1.0 && p->last >= 0)) {
        return;
    }
    if (pct == p->last) {
        return;
    }
    p->last = pct;
    printf("    (%3.2f/100%%)\r", pct);
    fflush(stdout);
}

void img_progress_end(ImgProgress *p)
{
    if (p->enabled) {
        img_progress_update(p, 1, 1);
        printf("\n");
        fflush(stdout);
    }
}
