/*
 * emu-img resize: a new virtual size, absolute or +/- relative.  Shrinking
 * needs --shrink (the data past the new end is lost), as with qemu-img.
 */
#include <glib.h>
#include "emu-img.h"

static int run_resize(const ImgCommand *cmd, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"shrink", no_argument, NULL, 'S'},
        {"preallocation", required_argument, NULL, 'P'},
        {NULL, 0, NULL, 0},
    };
    const char *fmt = NULL, *size_arg;
    bool quiet = false, shrink = false;
    int c, status = 1;
    uint64_t n, new_size;
    int64_t old_size;
    BlockDriverState *bs;
    Error *err = NULL;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            return img_print_help(cmd);
        }
    }
    if (argc < 3) {
        return img_usage_error(cmd, "Expecting image file name and size");
    }
    /* The size goes last and may start with '-': take it before getopt
     * sees it as an option (qemu-img's rule). */
    size_arg = argv[--argc];
    while ((c = img_getopt(cmd, argc, argv, "f:q", longopts, &status)) != -1) {
        switch (c) {
        case IMG_OPT_EXIT:
            return status;
        case 'f':
            fmt = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'S':
            shrink = true;
            break;
        case 'P':
            if (strcmp(optarg, "off")) {
                error_report("--preallocation=%s is not supported (only off)",
                             optarg);
                return 1;
            }
            break;
        }
    }
    if (optind != argc - 1) {
        return img_usage_error(cmd, "Expecting image file name and size");
    }
    if (!img_parse_size(size_arg + (*size_arg == '+' || *size_arg == '-'),
                        &n)) {
        error_report("Invalid size '%s': give bytes or a number with k, M, "
                     "G, T, P or E, optionally after + or -",
                     size_arg);
        return 1;
    }
    bs = img_open(argv[optind], fmt, true, true, false);
    if (!bs) {
        return 1;
    }
    old_size = bdrv_getlength(bs);
    if (old_size < 0) {
        error_report("Could not get the size of '%s': %s", argv[optind],
                     strerror((int)-old_size));
        goto out;
    }
    if (*size_arg == '+') {
        new_size = (uint64_t)old_size + n;
    } else if (*size_arg == '-') {
        new_size = n >= (uint64_t)old_size ? 0 : (uint64_t)old_size - n;
    } else {
        new_size = n;
    }
    if (new_size == 0) {
        error_report("New image size must be positive");
        goto out;
    }
    if (new_size < (uint64_t)old_size && !shrink) {
        error_report("Use the --shrink option to perform a shrink operation "
                     "(it deletes all data past the new end)");
        goto out;
    }
    if (bdrv_truncate(bs, new_size, &err) < 0) {
        error_report_err(err);
        goto out;
    }
    if (bdrv_flush(bs) < 0) {
        error_report("%s: could not flush the new size", argv[optind]);
        goto out;
    }
    if (!quiet) {
        printf("Image resized.\n");
    }
    status = 0;
out:
    bdrv_unref(bs);
    return status;
}

const ImgCommand img_resize_cmd = {
    .name = "resize",
    .run = run_resize,
    .synopsis = "resize [-q] [-f fmt] [--shrink] [--preallocation=off] "
                "filename [+|-]size",
    .help = "Change an image's virtual size.\n\n"
            "  -f fmt          the image's format (default: probe)\n"
            "  --shrink        allow a smaller size (data past it is lost)\n"
            "  -q              quiet\n"
            "  size            new size, or +n / -n relative to the current "
            "one\n"
            "                  (suffixes k, M, G, T, P, E)\n",
};
