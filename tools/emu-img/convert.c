/*
 * emu-img convert: copy one or more images (concatenated) into a new one
 * of any format, reading through backing chains.  Ranges that read as
 * zeros are not written (the new image stays sparse): the source says so
 * by block status, and data that turns out to be zeros is checked in
 * -S sized pieces.  -c writes whole clusters compressed; -B makes the
 * new image an overlay and copies only what the source's top layer
 * holds (the caller promises the backing files have the same content).
 */
#include <glib.h>
#include "emu-img.h"

typedef struct Convert {
    BlockDriverState **src;
    int64_t *src_len;
    int nsrc;
    uint64_t total;
    BlockDriverState *dst;
    bool compress;
    bool skip_unallocated; /* -B: leave the source's backing to ours */
    bool explicit_zeroes;  /* -n or -B: zeros must be written */
    uint64_t sparse;       /* -S: 0 = write every data byte */
    uint32_t cluster;      /* the target's, or 0 */
    uint64_t dst_len;      /* the target's size: total, or rounded up */
    uint8_t *buf;
} Convert;

enum { EXT_DATA, EXT_ZERO, EXT_SKIP };

/* Which source holds destination offset d, and where in it. */
static int locate(const Convert *cv, uint64_t d, uint64_t *off)
{
    int i = 0;

    /* d < total, so some source holds it. */
    while (i < cv->nsrc - 1 && d >= (uint64_t)cv->src_len[i]) {
        d -= cv->src_len[i++];
    }
    *off = d;
    return i;
}

/* The kind of the range at destination offset d, for up to len bytes;
 * *n is how many bytes share it. */
static int extent(const Convert *cv, uint64_t d, uint64_t len, uint64_t *n)
{
    uint64_t off, pnum;
    int i = locate(cv, d, &off);
    BlockDriverState *bs = cv->src[i];
    int st;

    len = MIN(len, (uint64_t)cv->src_len[i] - off);
    if (cv->skip_unallocated && bs->backing) {
        st = bdrv_block_status(bs, off, len, &pnum);
        if (st >= 0 && !(st & BDRV_BLOCK_ALLOCATED)) {
            *n = pnum;
            return EXT_SKIP;
        }
    }
    st = img_chain_status(bs, off, len, &pnum);
    if (st < 0) {
        return st;
    }
    *n = pnum;
    return (st & BDRV_BLOCK_ZERO) ? EXT_ZERO : EXT_DATA;
}

static bool is_zero(uint8_t *buf, uint64_t n)
{
    struct iovec one = {.iov_base = buf, .iov_len = n};
    return iov_is_zero(&one, 1, 0, n);
}

/* Read destination range [d, d+len) from the sources into buf. */
static int read_sources(const Convert *cv, uint64_t d, uint64_t len,
                        uint8_t *buf)
{
    while (len) {
        uint64_t off;
        int i = locate(cv, d, &off);
        uint64_t n = MIN(len, (uint64_t)cv->src_len[i] - off);
        int r = bdrv_pread(cv->src[i], off, buf, n);
        if (r < 0) {
            error_report("error while reading '%s' at offset %" PRIu64 ": %s",
                         cv->src[i]->filename, off, strerror(-r));
            return r;
        }
        d += n;
        len -= n;
        buf += n;
    }
    return 0;
}

static int write_error(const Convert *cv, uint64_t d, int r)
{
    error_report("error while writing '%s' at offset %" PRIu64 ": %s",
                 cv->dst->filename, d, strerror(-r));
    return r;
}

/* Write data, leaving out pieces of -S bytes that are all zeros (or
 * writing them as zeros where the target must read zeros there). */
static int write_sparse(const Convert *cv, uint64_t d, uint64_t len,
                        uint8_t *buf)
{
    uint64_t piece = cv->sparse ? cv->sparse : len;
    uint64_t pos = 0;

    while (pos < len) {
        uint64_t n = MIN(piece - (d + pos) % piece, len - pos);
        bool zero = cv->sparse && is_zero(buf + pos, n);
        uint64_t run = n;
        int r;

        /* Grow the run while the next pieces are of the same kind. */
        while (pos + run < len) {
            uint64_t m = MIN(piece, len - pos - run);
            bool z = cv->sparse && is_zero(buf + pos + run, m);
            if (z != zero) {
                break;
            }
            run += m;
        }
        if (!zero) {
            r = bdrv_pwrite(cv->dst, d + pos, buf + pos, run);
        } else if (cv->explicit_zeroes) {
            r = bdrv_pwrite_zeroes(cv->dst, d + pos, run);
        } else {
            r = 0;
        }
        if (r < 0) {
            return write_error(cv, d + pos, r);
        }
        pos += run;
    }
    return 0;
}

/* One step of the copy: [d, d+len), a cluster when compressing. */
static int copy_step(const Convert *cv, uint64_t d, uint64_t len)
{
    bool any_data = false;
    uint64_t pos = 0, n;
    int kind, r;

    if (cv->compress) {
        /* A cluster is written whole, compressed, if any of it is data. */
        for (pos = 0; pos < len && !any_data; pos += n) {
            kind = extent(cv, d + pos, len - pos, &n);
            if (kind < 0) {
                goto status_error;
            }
            any_data = kind == EXT_DATA;
        }
        if (any_data) {
            r = read_sources(cv, d, len, cv->buf);
            if (r < 0) {
                return r;
            }
            if (!is_zero(cv->buf, len)) {
                IOVector v;
                struct iovec one;
                uint64_t wlen = len;
                /* The target may be longer than the sources (qcow2 rounds
                 * up to whole sectors): the last cluster goes whole, its
                 * tail zeros, as the driver takes no partial sector. */
                if (d + len == cv->total && cv->dst_len > cv->total) {
                    wlen = MIN(cv->dst_len - d, (uint64_t)cv->cluster);
                    memset(cv->buf + len, 0, wlen - len);
                }
                iovec_init_buf(&v, &one, cv->buf, wlen);
                r = cv->dst->drv->pwritev_compressed(cv->dst, d, wlen, &v);
                return r < 0 ? write_error(cv, d, r) : 0;
            }
        }
        pos = 0;
    }
    for (; pos < len; pos += n) {
        kind = extent(cv, d + pos, len - pos, &n);
        if (kind < 0) {
            goto status_error;
        }
        if (kind == EXT_DATA && !cv->compress) {
            r = read_sources(cv, d + pos, n, cv->buf);
            if (r >= 0) {
                r = write_sparse(cv, d + pos, n, cv->buf);
            }
        } else if (kind != EXT_SKIP && cv->explicit_zeroes) {
            /* Zeros (or, compressing, a cluster of data that was all
             * zeros) over content the target would otherwise show. */
            r = bdrv_pwrite_zeroes(cv->dst, d + pos, n);
            if (r < 0) {
                return write_error(cv, d + pos, r);
            }
        } else {
            r = 0;
        }
        if (r < 0) {
            return r;
        }
    }
    return 0;

status_error:
    error_report("error while reading the block status at offset %" PRIu64
                 ": %s",
                 d + pos, strerror(-kind));
    return kind;
}

static int run_convert(const ImgCommand *cmd, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"force-share", no_argument, NULL, 'U'},
        {NULL, 0, NULL, 0},
    };
    const char *fmt = NULL, *out_fmt = "raw", *backing = NULL;
    const char *backing_fmt = NULL, *out;
    bool progress = false, quiet = false, no_create = false, share = false;
    bool size_given = false, compress = false;
    ImgOpt *opts = NULL;
    int nopts = 0, c, status = 1;
    uint64_t sparse = 4096;
    BlockCreateOptions co = {0};
    const BlockDriver *odrv;
    Convert cv = {0};
    ImgProgress prog;
    Error *err = NULL;
    char *backing_fmt_probed = NULL;

    while ((c = img_getopt(cmd, argc, argv, "f:O:o:B:F:S:cpqnU", longopts,
                           &status)) != -1) {
        switch (c) {
        case IMG_OPT_EXIT:
            goto out;
        case 'f':
            fmt = optarg;
            break;
        case 'O':
            out_fmt = optarg;
            break;
        case 'o':
            img_parse_opts(optarg, &opts, &nopts);
            break;
        case 'B':
            backing = optarg;
            break;
        case 'F':
            backing_fmt = optarg;
            break;
        case 'S':
            if (!img_parse_size(optarg, &sparse) || sparse % 512 ||
                sparse > 1 * GiB) {
                status = img_usage_error(cmd,
                                         "Invalid buffer size for "
                                         "sparse output (-S): '%s' "
                                         "(a multiple of 512)",
                                         optarg);
                goto out;
            }
            break;
        case 'c':
            compress = true;
            break;
        case 'p':
            progress = true;
            break;
        case 'q':
            quiet = true;
            break;
        case 'n':
            no_create = true;
            break;
        case 'U':
            share = true;
            break;
        }
    }
    status = 1;
    odrv = bdrv_find_format(out_fmt);
    if (!odrv || odrv->is_protocol) {
        error_report("Unknown file format '%s' (emu-img knows %s)", out_fmt,
                     bdrv_format_list());
        goto out;
    }
    switch (img_create_options(out_fmt, opts, nopts, &co, &size_given)) {
    case 1:
        goto out;
    case 2:
        status = 0;
        goto out;
    }
    if (argc - optind < 2) {
        status = img_usage_error(cmd, "Expecting a source and a target "
                                      "file name");
        goto out;
    }
    if (compress && !odrv->pwritev_compressed) {
        error_report("Compression not supported for format '%s'", out_fmt);
        goto out;
    }
    if (backing && no_create) {
        status = img_usage_error(cmd, "-B makes no sense with -n (the "
                                      "target is not created)");
        goto out;
    }
    if (size_given) {
        error_report("convert takes the size from the source: -o size= is "
                     "not allowed");
        goto out;
    }
    out = argv[argc - 1];
    cv.nsrc = argc - 1 - optind;
    cv.src = g_new0(BlockDriverState *, cv.nsrc);
    cv.src_len = g_new0(int64_t, cv.nsrc);
    for (int i = 0; i < cv.nsrc; i++) {
        cv.src[i] = img_open(argv[optind + i], fmt, false, true, share);
        if (!cv.src[i]) {
            goto out;
        }
        cv.src_len[i] = bdrv_getlength(cv.src[i]);
        if (cv.src_len[i] < 0) {
            error_report("Could not get the size of '%s': %s", argv[optind + i],
                         strerror((int)-cv.src_len[i]));
            goto out;
        }
        cv.total += (uint64_t)cv.src_len[i];
    }

    if (backing) {
        co.backing_file = backing;
    }
    if (backing_fmt) {
        co.backing_format = backing_fmt;
    }
    if (co.backing_file && !co.backing_format) {
        /* Record the backing file's format rather than leave it to be
         * probed each time the image is opened. */
        char *path = img_backing_path(out, co.backing_file);
        BlockDriverState *b = img_open(path, NULL, false, false, true);
        g_free(path);
        if (!b) {
            goto out;
        }
        backing_fmt_probed = g_strdup(b->drv->format_name);
        co.backing_format = backing_fmt_probed;
        bdrv_unref(b);
    }
    if (!no_create) {
        co.size = cv.total;
        if (bdrv_create(out_fmt, out, &co, &err) < 0) {
            error_prepend(&err, "%s: ", out);
            error_report_err(err);
            goto out;
        }
    }
    cv.dst = img_open(out, out_fmt, true, co.backing_file != NULL, false);
    if (!cv.dst) {
        goto out;
    }
    cv.dst_len = (uint64_t)MAX(bdrv_getlength(cv.dst), 0);
    if (no_create && cv.dst_len < cv.total) {
        error_report("The target '%s' is smaller than the source (%" PRIu64
                     " bytes needed)",
                     out, cv.total);
        goto out;
    }
    cv.compress = compress;
    cv.skip_unallocated = co.backing_file != NULL;
    cv.explicit_zeroes = no_create || co.backing_file != NULL;
    cv.sparse = sparse;
    if (cv.dst->drv->get_info) {
        BlockDriverInfo bdi = {0};
        if (cv.dst->drv->get_info(cv.dst, &bdi) == 0) {
            cv.cluster = bdi.cluster_size;
        }
    }
    if (compress && !cv.cluster) {
        error_report("Compression needs a format with clusters");
        goto out;
    }
    /* Steps of whole target clusters: a megabyte, or one cluster when
     * compressing (each is compressed on its own). */
    uint64_t step = compress ? cv.cluster : MAX(1 * MiB, cv.cluster);
    cv.buf = g_malloc(step);

    img_progress_start(&prog, progress && !quiet);
    for (uint64_t d = 0; d < cv.total;) {
        uint64_t len = MIN(step - d % step, cv.total - d);
        if (copy_step(&cv, d, len) < 0) {
            img_progress_end(&prog);
            goto out;
        }
        d += len;
        img_progress_update(&prog, d, cv.total);
    }
    img_progress_end(&prog);
    if (bdrv_flush(cv.dst) < 0) {
        error_report("could not flush '%s'", out);
        goto out;
    }
    status = 0;
out:
    for (int i = 0; i < cv.nsrc; i++) {
        bdrv_unref(cv.src[i]);
    }
    if (cv.dst) {
        bdrv_unref(cv.dst);
    }
    g_free(cv.src);
    g_free(cv.src_len);
    g_free(cv.buf);
    g_free(backing_fmt_probed);
    img_free_opts(opts, nopts);
    return status;
}

const ImgCommand img_convert_cmd = {
    .name = "convert",
    .run = run_convert,
    .synopsis = "convert [-c] [-p] [-q] [-n] [-f fmt] [-O output_fmt] "
                "[-o options] [-B backing_file [-F backing_fmt]] "
                "[-S sparse_size] [-U] filename [filename2 [...]] "
                "output_filename",
    .help = "Copy images (one after the other) into a new image.\n\n"
            "  -f fmt          the sources' format (default: probe)\n"
            "  -O fmt          the new image's format: raw (default) or "
            "qcow2\n"
            "  -o options      create options of the new image (see "
            "'emu-img create -o help')\n"
            "  -c              compress the new image's clusters (qcow2, "
            "zlib)\n"
            "  -B file         make the new image an overlay of file; only "
            "what the source's\n"
            "                  top layer holds is copied\n"
            "  -F fmt          the format of the -B file (default: probe "
            "once, recorded)\n"
            "  -S size         sparse detection granularity, default 4k; 0 "
            "writes every byte\n"
            "  -n              the target exists: do not create it\n"
            "  -p              progress bar\n"
            "  -q              quiet\n"
            "  -U              do not lock the sources\n",
};
