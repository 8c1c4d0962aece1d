/*
 * emu-img commit: write what an overlay holds into its backing file,
 * then empty the overlay (unless -d), so that both read as before.
 * bdrv_commit() does the copy; the overlay's driver empties it.
 */
#include "emu-img.h"

static int run_commit(const ImgCommand *cmd, int argc, char **argv)
{
    const char *fmt = NULL, *base = NULL;
    bool quiet = false, drop = false, progress = false;
    int c, status = 1;
    BlockDriverState *bs;
    Error *err = NULL;
    ImgProgress prog;

    while ((c = img_getopt(cmd, argc, argv, "f:b:t:r:dpq", NULL, &status)) !=
           -1) {
        switch (c) {
        case IMG_OPT_EXIT:
            return status;
        case 'f':
            fmt = optarg;
            break;
        case 'b':
            base = optarg;
            break;
        case 't':
            break; /* cache mode: emu-img always writes back, then flushes */
        case 'r':
            error_report("commit -r (rate limit) is not supported");
            return 1;
        case 'd':
            drop = true;
            break;
        case 'p':
            progress = true;
            break;
        case 'q':
            quiet = true;
            break;
        }
    }
    if (optind != argc - 1) {
        return img_usage_error(cmd, "Expecting one image file name");
    }
    BlockOpenOptions o = {
        .filename = argv[optind],
        .format = fmt,
        .cache = BLOCK_CACHE_WRITEBACK,
        .aio = BLOCK_AIO_THREADS,
        .backing_rw = true,
    };
    bs = bdrv_open(&o, &err);
    if (!bs) {
        error_report_err(err);
        return 1;
    }
    if (!bs->backing) {
        error_report("Image does not have a backing file");
        goto out;
    }
    if (base) {
        /* Only the first backing level: deeper bases are not supported. */
        char *path = realpath(base, NULL);
        char *mine = realpath(bs->backing->filename, NULL);
        bool same = path && mine && !strcmp(path, mine);
        free(path);
        free(mine);
        if (!same) {
            error_report("-b '%s': emu-img commits into the immediate "
                         "backing file only ('%s')",
                         base, bs->backing->filename);
            goto out;
        }
    }
    img_progress_start(&prog, progress && !quiet);
    if (bdrv_commit(bs, &err) < 0) {
        img_progress_end(&prog);
        error_report_err(err);
        goto out;
    }
    if (!drop) {
        int r = bs->drv->make_empty ? bs->drv->make_empty(bs) : -ENOTSUP;
        if (r >= 0) {
            r = bdrv_flush(bs);
        }
        if (r < 0) {
            img_progress_end(&prog);
            error_report("'%s' was committed but could not be emptied: %s",
                         bs->filename, strerror(-r));
            goto out;
        }
    }
    img_progress_end(&prog);
    if (!quiet) {
        printf("Image committed.\n");
    }
    status = 0;
out:
    bdrv_unref(bs);
    return status;
}

const ImgCommand img_commit_cmd = {
    .name = "commit",
    .run = run_commit,
    .synopsis = "commit [-q] [-f fmt] [-d] [-p] [-b base] filename",
    .help = "Write an overlay's data into its backing file.\n\n"
            "  -f fmt          the overlay's format (default: probe)\n"
            "  -d              keep the overlay's data (do not empty it)\n"
            "  -b base         the backing file to commit into (only the "
            "immediate one)\n"
            "  -p              progress bar\n"
            "  -q              quiet\n",
};
