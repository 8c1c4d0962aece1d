/*
 * The block layer's monitor commands, as QEMU's HMP has them:
 *
 *   info block        every drive: medium, format, device, cache mode
 *   info blockstats   bytes and operations per drive
 *   commit DEV|all    write an overlay's data into its backing image
 *   change DEV FILE [FORMAT]   insert a new medium (CD-ROM, floppy)
 *   eject [-f] DEV    remove the medium
 *
 * A medium change reaches the device through its BlockDevOps: eject calls
 * change_media_cb(false), change (false then) true, and the device tells
 * the guest (ATAPI UNIT ATTENTION, the floppy's disk-change line).  A
 * medium the guest locked (PREVENT ALLOW MEDIUM REMOVAL) is not taken
 * without -f: the device is asked to tell the guest (eject_request_cb)
 * and the command fails, as in QEMU.
 */
#include "block/blockdev-int.h"
#include "emu/device.h"
#include "emu/monitor.h"

/* Trays the monitor opened (eject): "tray open" until change. */
static GHashTable *open_trays;
/* QEMU-style "#blockN" names of the top nodes, stable while open. */
static GHashTable *node_names;
static int next_node;

static const char *node_name(BlockBackend *blk)
{
    BlockDriverState *bs = blk_bs(blk);
    if (!node_names) {
        node_names = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    }
    char *n = g_hash_table_lookup(node_names, bs);
    if (!n) {
        n = g_strdup_printf("#block%d", ++next_node);
        g_hash_table_insert(node_names, bs, n);
    }
    return n;
}

static bool is_removable(BlockBackend *blk)
{
    const BlockDevOps *ops = blk_get_dev_ops(blk, NULL);
    return ops && ops->change_media_cb;
}

static bool is_locked(BlockBackend *blk)
{
    void *opaque;
    const BlockDevOps *ops = blk_get_dev_ops(blk, &opaque);
    return ops && ops->is_medium_locked && ops->is_medium_locked(opaque);
}

static bool tray_open(BlockBackend *blk)
{
    return open_trays && g_hash_table_contains(open_trays, blk);
}

static const char *cache_desc(BlockCacheMode m)
{
    switch (m) {
    case BLOCK_CACHE_NONE:
        return "writeback, direct";
    case BLOCK_CACHE_WRITETHROUGH:
        return "writethrough";
    case BLOCK_CACHE_DIRECTSYNC:
        return "writethrough, direct";
    case BLOCK_CACHE_UNSAFE:
        return "writeback, ignore flushes";
    default:
        return "writeback";
    }
}

static void info_block(FILE *out)
{
    bool first = true;
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        BlockDriverState *bs = blk_bs(blk);
        DeviceState *dev = blk_get_attached_dev(blk);
        if (!first) {
            fprintf(out, "\n");
        }
        first = false;
        if (bs) {
            fprintf(out, "%s (%s): %s (%s%s)\n", blk_name(blk), node_name(blk),
                    bs->filename, bs->drv->format_name,
                    bs->read_only ? ", read-only" : "");
        } else {
            fprintf(out, "%s: [not inserted]\n", blk_name(blk));
        }
        if (dev) {
            fprintf(out, "    Attached to:      %s", device_label(dev));
            if (dev->bus && dev->bus->name) {
                char *unit = device_prop_print(dev, "unit");
                fprintf(out, " (%s%s%s)", dev->bus->name, unit ? ", unit " : "",
                        unit ? unit : "");
                g_free(unit);
            }
            fprintf(out, "\n");
        }
        if (is_removable(blk)) {
            fprintf(out, "    Removable device: %slocked, tray %s\n",
                    is_locked(blk) ? "" : "not ",
                    tray_open(blk) ? "open" : "closed");
        }
        if (bs) {
            fprintf(out, "    Cache mode:       %s\n",
                    cache_desc(blockdev_cache_mode(blk)));
            int depth = 1;
            for (BlockDriverState *b = bs->backing; b; b = b->backing) {
                if (depth == 1) {
                    fprintf(out, "    Backing file:     %s (chain depth: ",
                            b->filename);
                }
                if (!b->backing) {
                    fprintf(out, "%d)\n", depth);
                }
                depth++;
            }
        }
    }
}

static void info_blockstats(FILE *out)
{
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        const BlockAcctStats *s = blk_get_stats(blk);
        /* emu does not merge requests: rd_merged and wr_merged are 0. */
        fprintf(out,
                "%s: rd_bytes=%" PRIu64 " wr_bytes=%" PRIu64
                " rd_operations=%" PRIu64 " wr_operations=%" PRIu64
                " flush_operations=%" PRIu64 " wr_total_time_ns=%" PRIu64
                " rd_total_time_ns=%" PRIu64 " flush_total_time_ns=%" PRIu64
                " rd_merged=0 wr_merged=0\n",
                blk_name(blk), s->nr_bytes[BLOCK_ACCT_READ],
                s->nr_bytes[BLOCK_ACCT_WRITE], s->nr_ops[BLOCK_ACCT_READ],
                s->nr_ops[BLOCK_ACCT_WRITE], s->nr_ops[BLOCK_ACCT_FLUSH],
                s->total_time_ns[BLOCK_ACCT_WRITE],
                s->total_time_ns[BLOCK_ACCT_READ],
                s->total_time_ns[BLOCK_ACCT_FLUSH]);
    }
}

static BlockBackend *find_drive(FILE *out, const char *name)
{
    BlockBackend *blk = blk_by_name(name);
    if (!blk) {
        fprintf(out, "Device '%s' not found\n", name);
    }
    return blk;
}

/*
 * Commit the top image of a drive into its backing.  The backing is open
 * read-only (shared lock, as QEMU's -snapshot has it), so it is opened a
 * second time read-write for the copy, without a lock of its own: emu's
 * read-only handle holds the image's lock and nobody else may write it.
 */
static int commit_one(FILE *out, BlockBackend *blk)
{
    BlockDriverState *bs = blk_bs(blk);
    Error *err = NULL;

    if (!bs) {
        fprintf(out, "Device '%s' has no medium\n", blk_name(blk));
        return -1;
    }
    if (!bs->backing) {
        return 0; /* nothing to commit, as QEMU's "commit all" */
    }
    blk_drain(blk);
    BlockDriverState *ro = bs->backing;
    BlockOpenOptions o = {
        .filename = ro->filename,
        .format = ro->drv->format_name,
        .cache = ro->opts.cache,
        .aio = ro->opts.aio,
        .no_lock = true,
    };
    BlockDriverState *rw = bdrv_open(&o, &err);
    int r = -1;
    if (rw) {
        bs->backing = rw;
        r = bdrv_commit(bs, &err);
        bs->backing = ro;
        bdrv_unref(rw);
    }
    if (r < 0) {
        fprintf(out, "'commit' error for '%s': %s\n", blk_name(blk),
                error_get_pretty(err));
        error_free(err);
        return -1;
    }
    return 0;
}

static int cmd_commit(FILE *out, const char *args)
{
    if (!*args || strchr(args, ' ')) {
        fprintf(out, "usage: commit DEVICE|all\n");
        return -1;
    }
    if (!strcmp(args, "all")) {
        int ret = 0;
        for (BlockBackend *b = blk_next(NULL); b; b = blk_next(b)) {
            if (blk_bs(b) && commit_one(out, b) < 0) {
                ret = -1;
            }
        }
        return ret;
    }
    BlockBackend *blk = find_drive(out, args);
    return blk ? commit_one(out, blk) : -1;
}

/* Tell the device, which tells the guest. */
static void media_changed(BlockBackend *blk, bool load)
{
    void *opaque;
    const BlockDevOps *ops = blk_get_dev_ops(blk, &opaque);
    if (ops && ops->change_media_cb) {
        ops->change_media_cb(opaque, load);
    }
}

/* The medium may go: removable and (unless force) not locked. */
static int may_remove(BlockBackend *blk, bool force, Error **errp)
{
    if (!is_removable(blk)) {
        error_setg(errp, "Device '%s' is not removable", blk_name(blk));
        return -1;
    }
    if (is_locked(blk)) {
        void *opaque;
        const BlockDevOps *ops = blk_get_dev_ops(blk, &opaque);
        if (ops->eject_request_cb) {
            ops->eject_request_cb(opaque, force);
        }
        if (!force) {
            error_setg(errp,
                       "Device '%s' is locked and force was not specified, "
                       "wait for tray to open and try again",
                       blk_name(blk));
            return -1;
        }
    }
    return 0;
}

int blockdev_eject(BlockBackend *blk, bool force, Error **errp)
{
    if (may_remove(blk, force, errp) < 0) {
        return -1;
    }
    if (blk_is_inserted(blk)) {
        blk_drain(blk);
        blk_set_bs(blk, NULL);
        media_changed(blk, false);
    }
    if (!open_trays) {
        open_trays = g_hash_table_new(NULL, NULL);
    }
    g_hash_table_add(open_trays, blk);
    return 0;
}

int blockdev_change_medium(BlockBackend *blk, const char *file,
                           const char *format, int read_only, Error **errp)
{
    Error *err = NULL;
    if (may_remove(blk, false, errp) < 0) {
        return -1;
    }
    BlockDriverState *bs =
        blockdev_open_medium(blk, file, format, read_only, &err);
    if (!bs) {
        error_setg(errp, "Could not change the medium of '%s': %s",
                   blk_name(blk), error_get_pretty(err));
        error_free(err);
        return -1;
    }
    if (blk_is_inserted(blk)) {
        blk_drain(blk);
        blk_set_bs(blk, NULL);
        media_changed(blk, false);
    }
    blk_set_bs(blk, bs);
    bdrv_unref(bs); /* the drive holds it now */
    if (open_trays) {
        g_hash_table_remove(open_trays, blk);
    }
    media_changed(blk, true);
    return 0;
}

void blockdev_query(BlockBackend *blk, BlockQueryInfo *q)
{
    BlockDriverState *bs = blk_bs(blk);
    DeviceState *dev = blk_get_attached_dev(blk);
    memset(q, 0, sizeof(*q));
    q->device = blk_name(blk);
    q->dev = dev;
    q->removable = is_removable(blk);
    q->locked = is_locked(blk);
    q->tray_open = tray_open(blk);
    if (!bs) {
        return;
    }
    q->inserted = true;
    q->node_name = node_name(blk);
    q->file = bs->filename;
    q->format = bs->drv->format_name;
    q->read_only = bs->read_only;
    BlockCacheMode m = blockdev_cache_mode(blk);
    q->cache_writeback =
        m != BLOCK_CACHE_WRITETHROUGH && m != BLOCK_CACHE_DIRECTSYNC;
    q->cache_direct = m == BLOCK_CACHE_NONE || m == BLOCK_CACHE_DIRECTSYNC;
    q->cache_no_flush = m == BLOCK_CACHE_UNSAFE;
    int64_t len = bdrv_getlength(bs);
    q->virtual_size = len > 0 ? (uint64_t)len : 0;
    for (BlockDriverState *b = bs->backing; b; b = b->backing) {
        if (!q->backing_file) {
            q->backing_file = b->filename;
        }
        q->backing_depth++;
    }
}

static void print_err(FILE *out, Error *err)
{
    fprintf(out, "%s\n", error_get_pretty(err));
    error_free(err);
}

static int cmd_eject(FILE *out, const char *args)
{
    bool force = false;
    Error *err = NULL;
    if (!strncmp(args, "-f ", 3)) {
        force = true;
        args += 3;
        while (*args == ' ') {
            args++;
        }
    }
    if (!*args || strchr(args, ' ')) {
        fprintf(out, "usage: eject [-f] DEVICE\n");
        return -1;
    }
    BlockBackend *blk = find_drive(out, args);
    if (!blk) {
        return -1;
    }
    if (blockdev_eject(blk, force, &err) < 0) {
        print_err(out, err);
        return -1;
    }
    return 0;
}

static int cmd_change(FILE *out, const char *args)
{
    char **a = g_strsplit_set(args, " \t", -1);
    char *w[4];
    int n = 0, ret = -1;
    Error *err = NULL;
    for (int i = 0; a[i]; i++) {
        if (*a[i]) {
            if (n == 3) {
                n = 4;
                break;
            }
            w[n++] = a[i];
        }
    }
    if (n < 2 || n > 3) {
        fprintf(out, "usage: change DEVICE FILE [FORMAT]\n");
        goto out;
    }
    BlockBackend *blk = find_drive(out, w[0]);
    if (!blk) {
        goto out;
    }
    if (blockdev_change_medium(blk, w[1], n == 3 ? w[2] : NULL, -1, &err) <
        0) {
        print_err(out, err);
        goto out;
    }
    ret = 0;
out:
    g_strfreev(a);
    return ret;
}

static void __attribute__((constructor)) block_monitor_register(void)
{
    monitor_register_info("block", "show the block devices", info_block);
    monitor_register_info("blockstats", "show block device statistics",
                          info_blockstats);
    monitor_register_command("commit", "DEVICE|all",
                             "commit changes to the disk images (if "
                             "-snapshot is used) or backing files",
                             cmd_commit);
    monitor_register_command("change", "DEVICE FILE [FORMAT]",
                             "change a removable medium", cmd_change);
    monitor_register_command("eject", "[-f] DEVICE",
                             "eject a removable medium (use -f to force it)",
                             cmd_eject);
}
