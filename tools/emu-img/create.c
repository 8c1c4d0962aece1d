/*
 * emu-img create: a new raw or qcow2 image, optionally over a backing
 * file (whose size it takes when no size is given).
 */
#include <glib.h>
#include "emu-img.h"

static void print_formatting(const char *filename, const char *fmt,
                             const BlockCreateOptions *co)
{
    printf("Formatting '%s', fmt=%s", filename, fmt);
    if (!strcmp(fmt, "qcow2")) {
        printf(" cluster_size=%" PRIu32
               " extended_l2=off compression_type=zlib",
               co->cluster_size ? co->cluster_size : 65536);
    }
    printf(" size=%" PRIu64, co->size);
    if (co->backing_file) {
        printf(" backing_file=%s", co->backing_file);
    }
    if (co->backing_format) {
        printf(" backing_fmt=%s", co->backing_format);
    }
    if (!strcmp(fmt, "qcow2")) {
        if (co->compat) {
            printf(" compat=%s", co->compat);
        }
        printf(" lazy_refcounts=%s refcount_bits=%d",
               co->lazy_refcounts ? "on" : "off",
               co->refcount_bits ? co->refcount_bits : 16);
    }
    printf("\n");
}

static int run_create(const ImgCommand *cmd, int argc, char **argv)
{
    const char *fmt = "raw", *backing = NULL, *backing_fmt = NULL;
    const char *filename;
    BlockCreateOptions co = {0};
    bool size_given = false, quiet = false, unsafe = false;
    ImgOpt *opts = NULL;
    int nopts = 0, c, status = 1;
    Error *err = NULL;

    while ((c = img_getopt(cmd, argc, argv, "f:b:F:o:qu", NULL, &status)) !=
           -1) {
        switch (c) {
        case IMG_OPT_EXIT:
            goto out;
        case 'f':
            fmt = optarg;
            break;
        case 'b':
            backing = optarg;
            break;
        case 'F':
            backing_fmt = optarg;
            break;
        case 'o':
            img_parse_opts(optarg, &opts, &nopts);
            break;
        case 'q':
            quiet = true;
            break;
        case 'u':
            unsafe = true;
            break;
        }
    }
    status = 1;
    if (!bdrv_find_format(fmt)) {
        error_report("Unknown file format '%s' (emu-img knows %s)", fmt,
                     bdrv_format_list());
        goto out;
    }
    switch (img_create_options(fmt, opts, nopts, &co, &size_given)) {
    case 1:
        goto out;
    case 2:
        status = 0;
        goto out;
    }
    if (optind >= argc) {
        status = img_usage_error(cmd, "Expecting image file name");
        goto out;
    }
    filename = argv[optind++];
    if (optind < argc) {
        if (!img_parse_size(argv[optind], &co.size)) {
            error_report("Invalid image size '%s': give bytes or a number "
                         "with k, M, G, T, P or E",
                         argv[optind]);
            goto out;
        }
        size_given = true;
        optind++;
    }
    if (optind < argc) {
        status = img_usage_error(cmd, "Unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if (backing) {
        co.backing_file = backing;
    }
    if (backing_fmt) {
        co.backing_format = backing_fmt;
    }
    if (co.backing_format && !co.backing_file) {
        error_report("%s: a backing format (-F) needs a backing file (-b)",
                     filename);
        goto out;
    }
    if (co.backing_file && !co.backing_format) {
        /* As qemu-img since 6.1: probing a backing file is unsafe. */
        error_report("%s: Backing file specified without backing format "
                     "(give it with -F)",
                     filename);
        goto out;
    }
    if (co.backing_file && !unsafe) {
        char *path = img_backing_path(filename, co.backing_file);
        BlockDriverState *bbs =
            img_open(path, co.backing_format, false, false, true);
        g_free(path);
        if (!bbs) {
            goto out;
        }
        if (!size_given) {
            co.size = (uint64_t)bdrv_getlength(bbs);
            size_given = true;
        }
        bdrv_unref(bbs);
    }
    if (!size_given) {
        error_report("%s: Image creation needs a size parameter", filename);
        goto out;
    }
    if (!quiet) {
        print_formatting(filename, fmt, &co);
        fflush(stdout);
    }
    if (bdrv_create(fmt, filename, &co, &err) < 0) {
        error_prepend(&err, "%s: ", filename);
        error_report_err(err);
        goto out;
    }
    status = 0;
out:
    img_free_opts(opts, nopts);
    return status;
}

const ImgCommand img_create_cmd = {
    .name = "create",
    .run = run_create,
    .synopsis = "create [-q] [-f fmt] [-b backing_file -F backing_fmt] [-u] "
                "[-o options] filename [size]",
    .help = "Create a new image of the given virtual size.\n\n"
            "  -f fmt          format: raw (default) or qcow2\n"
            "  -b file         backing file (qcow2): the new image reads "
            "through to it\n"
            "  -F fmt          the backing file's format (required with -b)\n"
            "  -u              do not open the backing file (size must be "
            "given)\n"
            "  -o options      cluster_size=, lazy_refcounts=on|off, "
            "compat=0.10|1.1,\n"
            "                  refcount_bits=, backing_file=, backing_fmt=, "
            "size=;\n"
            "                  '-o help' lists them for the format\n"
            "  -q              quiet: no 'Formatting' line\n"
            "  size            bytes, or with a suffix k, M, G, T, P, E "
            "(1024-based)\n",
};
