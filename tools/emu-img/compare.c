/*
 * emu-img compare: do two images read the same?  Exit 0 identical, 1
 * different, 2 error, as qemu-img.  Images of different sizes compare
 * equal if the larger one reads zeros past the smaller's end; -s (strict)
 * also wants the same size and the same allocation.  A mismatch is
 * reported at the first differing 512-byte sector.
 */
#include <glib.h>
#include "emu-img.h"

#define CHUNK (1 * MiB)

/* Does [off, off+len) of bs hold only zeros?  *where is the first
 * non-zero sector's offset. */
static int all_zero(BlockDriverState *bs, uint64_t off, uint64_t len,
                    uint8_t *buf, uint64_t *where)
{
    while (len) {
        uint64_t n = MIN(len, CHUNK), pnum;
        int st = img_chain_status(bs, off, n, &pnum);
        if (st < 0) {
            return st;
        }
        if (!(st & BDRV_BLOCK_ZERO)) {
            int r = bdrv_pread(bs, off, buf, pnum);
            if (r < 0) {
                return r;
            }
            for (uint64_t i = 0; i < pnum; i++) {
                if (buf[i]) {
                    *where = (off + i) & ~(uint64_t)511;
                    return 0;
                }
            }
        }
        off += pnum;
        len -= pnum;
    }
    return 1;
}

static int run_compare(const ImgCommand *cmd, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"force-share", no_argument, NULL, 'U'},
        {NULL, 0, NULL, 0},
    };
    const char *fmt1 = NULL, *fmt2 = NULL;
    bool quiet = false, strict = false, share = false, progress = false;
    int c, status = 1, r;
    BlockDriverState *a = NULL, *b = NULL;
    uint8_t *ba = NULL, *bb = NULL;
    int64_t la, lb;
    uint64_t common, where;
    ImgProgress prog;

    while ((c = img_getopt(cmd, argc, argv, "f:F:pqsU", longopts, &status)) !=
           -1) {
        switch (c) {
        case IMG_OPT_EXIT:
            return status;
        case 'f':
            fmt1 = optarg;
            break;
        case 'F':
            fmt2 = optarg;
            break;
        case 'p':
            progress = true;
            break;
        case 'q':
            quiet = true;
            break;
        case 's':
            strict = true;
            break;
        case 'U':
            share = true;
            break;
        }
    }
    /* Bad usage exits 1, as qemu-img's (1 also means "different"). */
    if (optind != argc - 2) {
        return img_usage_error(cmd, "Expecting two image file names");
    }
    status = 2;
    a = img_open(argv[optind], fmt1, false, true, share);
    b = a ? img_open(argv[optind + 1], fmt2 ? fmt2 : fmt1, false, true, share)
          : NULL;
    if (!a || !b) {
        goto out;
    }
    la = bdrv_getlength(a);
    lb = bdrv_getlength(b);
    if (la < 0 || lb < 0) {
        error_report("Could not get the image sizes");
        goto out;
    }
    if (la != lb) {
        if (strict) {
            if (!quiet) {
                printf("Strict mode: Image size mismatch!\n");
            }
            status = 1;
            goto out;
        }
        if (!quiet) {
            printf("Warning: Image size mismatch!\n");
        }
    }
    ba = g_malloc(CHUNK);
    bb = g_malloc(CHUNK);
    common = (uint64_t)MIN(la, lb);
    img_progress_start(&prog, progress && !quiet);
    for (uint64_t off = 0; off < common;) {
        uint64_t n = MIN(CHUNK, common - off), pa, pb;
        int sa = img_chain_status(a, off, n, &pa);
        int sb = img_chain_status(b, off, n, &pb);
        if (sa < 0 || sb < 0) {
            error_report("error while reading the block status at offset "
                         "%" PRIu64 ": %s",
                         off, strerror(-(sa < 0 ? sa : sb)));
            goto out_progress;
        }
        n = MIN(pa, pb);
        if (strict && ((sa ^ sb) & BDRV_BLOCK_ALLOCATED)) {
            img_progress_end(&prog);
            if (!quiet) {
                printf("Strict mode: Offset %" PRIu64
                       " block status mismatch!\n",
                       off);
            }
            status = 1;
            goto out;
        }
        if (!((sa & sb) & BDRV_BLOCK_ZERO)) {
            if ((r = bdrv_pread(a, off, ba, n)) < 0 ||
                (r = bdrv_pread(b, off, bb, n)) < 0) {
                error_report("error while reading offset %" PRIu64 ": %s", off,
                             strerror(-r));
                goto out_progress;
            }
            if (memcmp(ba, bb, n)) {
                uint64_t i = 0;
                while (ba[i] == bb[i]) {
                    i++;
                }
                img_progress_end(&prog);
                if (!quiet) {
                    printf("Content mismatch at offset %" PRIu64 "!\n",
                           (off + i) & ~(uint64_t)511);
                }
                status = 1;
                goto out;
            }
        }
        off += n;
        img_progress_update(&prog, off, (uint64_t)MAX(la, lb));
    }
    if (la != lb) {
        BlockDriverState *big = la > lb ? a : b;
        r = all_zero(big, common, (uint64_t)(MAX(la, lb)) - common, ba, &where);
        if (r < 0) {
            error_report("error while reading '%s': %s", big->filename,
                         strerror(-r));
            goto out_progress;
        }
        if (r == 0) {
            img_progress_end(&prog);
            if (!quiet) {
                printf("Content mismatch at offset %" PRIu64 "!\n", where);
            }
            status = 1;
            goto out;
        }
    }
    img_progress_end(&prog);
    if (!quiet) {
        printf("Images are identical.\n");
    }
    status = 0;
    goto out;
out_progress:
    img_progress_end(&prog);
out:
    g_free(ba);
    g_free(bb);
    if (a) {
        bdrv_unref(a);
    }
    if (b) {
        bdrv_unref(b);
    }
    return status;
}

const ImgCommand img_compare_cmd = {
    .name = "compare",
    .run = run_compare,
    .synopsis = "compare [-f fmt] [-F fmt] [-p] [-q] [-s] [-U] filename1 "
                "filename2",
    .help = "Check that two images read the same.\n\n"
            "  -f fmt          the first image's format (default: probe)\n"
            "  -F fmt          the second image's format (default: -f, or "
            "probe)\n"
            "  -s              strict: sizes and allocation must match too\n"
            "  -p              progress bar\n"
            "  -q              quiet: only the exit status\n"
            "  -U              do not lock the images\n\n"
            "Exit status: 0 identical, 1 different (or bad usage), 2 error.\n",
};
