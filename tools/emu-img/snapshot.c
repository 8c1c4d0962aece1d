/*
 * emu-img snapshot: an image's internal snapshots, as qemu-img snapshot
 * does it: -l lists them, -c NAME takes one of the disk
 * (no VM state), -a NAME applies one, -d NAME deletes one.  Messages and
 * exit statuses are qemu-img's.  Two differences, both safer: -c refuses
 * a name that is already taken (qemu-img makes a second snapshot of that
 * name), and -d accepts an id as well as a name, as -a does.
 */
#include <glib.h>
#include <sys/time.h>
#include "block/snapshot.h"
#include "emu-img.h"
#include "snapshot-table.h"

static int do_list(BlockDriverState *bs)
{
    BlockSnapshotInfo *list;
    int n = img_snapshot_list(bs, &list);
    if (n < 0) {
        error_report("%s: cannot read the snapshot table: %s", bs->filename,
                     strerror(-n));
        return 1;
    }
    if (n > 0) {
        img_snapshot_table(stdout, list, n);
    }
    g_free(list);
    return 0;
}

static int do_create(BlockDriverState *bs, const char *name)
{
    BlockSnapshotInfo sn;
    Error *err = NULL;
    struct timeval tv;

    memset(&sn, 0, sizeof(sn));
    if (strlen(name) >= sizeof(sn.name)) {
        error_report("Could not create snapshot '%s': the name is longer "
                     "than %zu bytes",
                     name, sizeof(sn.name) - 1);
        return 1;
    }
    g_strlcpy(sn.name, name, sizeof(sn.name));
    gettimeofday(&tv, NULL);
    sn.date_sec = (uint32_t)tv.tv_sec;
    sn.date_nsec = (uint32_t)tv.tv_usec * 1000;
    int ret = bdrv_snapshot_create(bs, &sn, NULL, &err);
    if (ret == -ENOTSUP) {
        /* qemu-img's words for a format without snapshots. */
        error_report("Could not create snapshot '%s': %d (%s)", name, ret,
                     strerror(-ret));
        error_free(err);
        return 1;
    }
    if (ret < 0) {
        error_report("Could not create snapshot '%s': %s", name,
                     error_get_pretty(err));
        error_free(err);
        return 1;
    }
    return 0;
}

static int do_apply(BlockDriverState *bs, const char *name)
{
    Error *err = NULL;
    if (bdrv_snapshot_goto(bs, name, &err) < 0) {
        error_report("Could not apply snapshot '%s': %s", name,
                     error_get_pretty(err));
        error_free(err);
        return 1;
    }
    return 0;
}

static int do_delete(BlockDriverState *bs, const char *name)
{
    Error *err = NULL;
    if (bdrv_snapshot_find(bs, name, NULL) < 0) {
        error_report("Could not delete snapshot '%s': snapshot not found",
                     name);
        return 1;
    }
    if (bdrv_snapshot_delete(bs, name, &err) < 0) {
        error_report("Could not delete snapshot '%s': %s", name,
                     error_get_pretty(err));
        error_free(err);
        return 1;
    }
    return 0;
}

static int run_snapshot(const ImgCommand *cmd, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"force-share", no_argument, NULL, 'U'},
        {NULL, 0, NULL, 0},
    };
    const char *fmt = NULL, *name = NULL;
    bool share = false;
    int c, status = 1, action = 0;
    BlockDriverState *bs;

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
                return img_usage_error(cmd, "Cannot mix '-l', '-a', '-c', "
                                            "'-d'");
            }
            action = c;
            name = c == 'l' ? NULL : optarg;
            break;
        case 'q':
            break;
        case 'U':
            share = true;
            break;
        }
    }
    if (optind != argc - 1) {
        return img_usage_error(cmd, "Expecting one image file name");
    }
    if (share && action && action != 'l') {
        error_report("Could not open '%s': force-share=on can only be used "
                     "with read-only images",
                     argv[optind]);
        return 1;
    }
    /* Without an action qemu-img opens the image and does nothing. */
    bs = img_open(argv[optind], fmt, action && action != 'l', false, share);
    if (!bs) {
        return 1;
    }
    switch (action) {
    case 'c':
        status = do_create(bs, name);
        break;
    case 'a':
        status = do_apply(bs, name);
        break;
    case 'd':
        status = do_delete(bs, name);
        break;
    case 'l':
        status = do_list(bs);
        break;
    default:
        status = 0;
        break;
    }
    bdrv_unref(bs);
    return status;
}

const ImgCommand img_snapshot_cmd = {
    .name = "snapshot",
    .run = run_snapshot,
    .synopsis = "snapshot [-l | -a snapshot | -c snapshot | -d snapshot] "
                "[-f fmt] [-q] [-U] filename",
    .help = "List, create, apply or delete an image's internal snapshots "
            "(qcow2).\n\n"
            "  -l              list them\n"
            "  -c snapshot     take a snapshot of the disk named snapshot\n"
            "  -a snapshot     apply it: the disk becomes what it was then\n"
            "  -d snapshot     delete it and free the clusters only it used\n"
            "                  (-a and -d take an id or a name, the id "
            "first)\n"
            "  -f fmt          the image's format (default: probe)\n"
            "  -q              quiet\n"
            "  -U              do not lock the image (-l only)\n",
};
