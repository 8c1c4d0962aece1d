/*
 * emu-img snapshot: list an image's internal snapshots (-l) in
 * qemu-img's table.  Creating, applying and deleting them (-c, -a, -d)
 * is not implemented and says so.
 */
#include <glib.h>
#include "emu-img.h"
#include "snapshot-table.h"

static int run_snapshot(const ImgCommand *cmd, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"force-share", no_argument, NULL, 'U'},
        {NULL, 0, NULL, 0},
    };
    const char *fmt = NULL;
    bool share = false;
    int c, status = 1, action = 0, n;
    BlockDriverState *bs;
    BlockSnapshotInfo *list;

    while ((c = img_getopt(cmd, argc, argv, "f:a:c:d:lqU", longopts,
                           &status)) != -1) {
        switch (c) {
        case IMG_OPT_EXIT:
            return status;
        case 'f':
            fmt = optarg;
            break;
        case 'a':
        case 'c':
        case 'd':
        case 'l':
            if (action) {
                return img_usage_error(cmd, "Cannot mix -l, -a, -c and -d");
            }
            action = c;
            break;
        case 'q':
            break;
        case 'U':
            share = true;
            break;
        }
    }
    if (!action) {
        return img_usage_error(cmd, "one of -l, -a, -c or -d is needed");
    }
    if (optind != argc - 1) {
        return img_usage_error(cmd, "Expecting one image file name");
    }
    if (action != 'l') {
        error_report("snapshot -%c is not implemented: emu-img lists "
                     "internal snapshots (-l) but does not create, apply or "
                     "delete them",
                     action);
        return 1;
    }
    bs = img_open(argv[optind], fmt, false, false, share);
    if (!bs) {
        return 1;
    }
    n = img_snapshot_list(bs, &list);
    if (n < 0) {
        error_report("%s: cannot read the snapshot table: %s", bs->filename,
                     strerror(-n));
    } else {
        if (n > 0) {
            img_snapshot_table(stdout, list, n);
        }
        status = 0;
        g_free(list);
    }
    bdrv_unref(bs);
    return status;
}

const ImgCommand img_snapshot_cmd = {
    .name = "snapshot",
    .run = run_snapshot,
    .synopsis = "snapshot -l [-f fmt] [-U] filename",
    .help = "List an image's internal snapshots (made by qemu-img snapshot "
            "-c or savevm).\n\n"
            "  -l              list them (the only action emu-img has)\n"
            "  -f fmt          the image's format (default: probe)\n"
            "  -U              do not lock the image\n"
            "  -a, -c, -d      apply, create, delete: not implemented\n",
};
