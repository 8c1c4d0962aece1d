/*
 * Image nodes: the driver registry, opening an image stack (probing the
 * format, the protocol below it, the backing chain), and the synchronous
 * I/O entry points that check a request before a driver sees it.
 * include/block/block-int.h describes the model.
 */
#include "emu/common.h"
#include <glib.h>
#include <libgen.h>
#include "block/block-int.h"
#include "emu/error.h"

#define MAX_DRIVERS 16
/* Deeper chains are almost certainly a loop (a.qcow2 backed by itself). */
#define MAX_BACKING_DEPTH 64

static const BlockDriver *drivers[MAX_DRIVERS];
static int nr_drivers;

void bdrv_register(const BlockDriver *drv)
{
    g_assert(nr_drivers < MAX_DRIVERS);
    drivers[nr_drivers++] = drv;
}

const BlockDriver *bdrv_find_format(const char *name)
{
    for (int i = 0; i < nr_drivers; i++) {
        if (!strcmp(drivers[i]->format_name, name)) {
            return drivers[i];
        }
    }
    return NULL;
}

const char *bdrv_format_list(void)
{
    static char list[256];
    if (!list[0]) {
        /* Sorted, formats only: what format= accepts. */
        const char *names[MAX_DRIVERS];
        int n = 0;
        for (int i = 0; i < nr_drivers; i++) {
            if (!drivers[i]->is_protocol) {
                names[n++] = drivers[i]->format_name;
            }
        }
        for (int i = 1; i < n; i++) {
            for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
                const char *t = names[j];
                names[j] = names[j - 1];
                names[j - 1] = t;
            }
        }
        for (int i = 0; i < n; i++) {
            g_strlcat(list, i ? ", " : "", sizeof(list));
            g_strlcat(list, names[i], sizeof(list));
        }
    }
    return list;
}

static BlockDriverState *bdrv_new(const BlockDriver *drv, const char *filename,
                                  const BlockOpenOptions *o)
{
    BlockDriverState *bs = g_new0(BlockDriverState, 1);
    bs->drv = drv;
    bs->opaque = drv->instance_size ? g_malloc0(drv->instance_size) : NULL;
    bs->filename = g_strdup(filename);
    bs->opts = *o;
    bs->opts.filename = bs->filename;
    bs->opts.format = g_strdup(o->format);
    bs->opts.backing = g_strdup(o->backing);
    bs->read_only = o->read_only;
    bs->refcnt = 1;
    return bs;
}

static void bdrv_free(BlockDriverState *bs)
{
    g_free(bs->opaque);
    g_free(bs->filename);
    g_free((char *)bs->opts.format);
    g_free((char *)bs->opts.backing);
    g_free(bs->backing_file);
    g_free(bs->backing_format);
    g_free(bs);
}

void bdrv_ref(BlockDriverState *bs)
{
    bs->refcnt++;
}

void bdrv_unref(BlockDriverState *bs)
{
    if (!bs || --bs->refcnt > 0) {
        return;
    }
    if (bs->drv->close) {
        bs->drv->close(bs);
    }
    bdrv_unref(bs->backing);
    bdrv_unref(bs->file);
    bdrv_free(bs);
}

/* The protocol node: the host file itself. */
static BlockDriverState *bdrv_open_file(const BlockOpenOptions *o, Error **errp)
{
    const BlockDriver *drv = bdrv_find_format("file");
    g_assert(drv);
    BlockDriverState *bs = bdrv_new(drv, o->filename, o);
    if (drv->open(bs, errp) < 0) {
        bdrv_free(bs);
        return NULL;
    }
    return bs;
}

static const BlockDriver *probe_format(BlockDriverState *file, Error **errp)
{
    uint8_t buf[512] = {0};
    int64_t len = bdrv_getlength(file);
    if (len < 0) {
        error_setg(errp, "Could not read '%s': %s", file->filename,
                   strerror((int)-len));
        return NULL;
    }
    int n = (int)MIN((int64_t)sizeof(buf), len);
    int r = n ? bdrv_pread(file, 0, buf, n) : 0;
    if (r < 0) {
        error_setg(errp, "Could not read '%s': %s", file->filename,
                   strerror(-r));
        return NULL;
    }
    return bdrv_find_format(bdrv_probe_buf(buf, n));
}

/*
 * The locks a node takes on its host file (QEMU's permissions, so that
 * QEMU and qemu-img agree on who may open what; file-lock.c):
 *   writable              read + write (+ resize for a format with
 *                         metadata, qcow2); shares neither write nor,
 *                         with metadata, resize
 *   read-only, top raw    read; shares everything (a reader of a raw
 *                         image does not mind a writer, as QEMU's -drive
 *                         if=none and qemu-img info)
 *   read-only, metadata   read; shares neither write nor resize (its
 *   or backing            tables or the data under an overlay would
 *                         change under it)
 *   force_share (-U)      read; shares everything
 */
static int bdrv_lock_file(BlockDriverState *file, const BlockDriver *fmt,
                          int depth, const BlockOpenOptions *o, Error **errp)
{
    if (!file->drv->set_perm || o->no_lock) {
        return 0;
    }
    bool metadata = fmt && !fmt->is_protocol && strcmp(fmt->format_name, "raw");
    uint64_t perm = BLK_PERM_CONSISTENT_READ, shared = BLK_PERM_ALL;
    if (o->force_share) {
        /* nothing more */
    } else if (!o->read_only) {
        perm |= BLK_PERM_WRITE | (metadata ? BLK_PERM_RESIZE : 0);
        shared &= ~(BLK_PERM_WRITE | (metadata ? BLK_PERM_RESIZE : 0));
    } else if (metadata || depth > 0) {
        shared &= ~(BLK_PERM_WRITE | BLK_PERM_RESIZE);
    }
    return file->drv->set_perm(file, perm, shared, errp);
}

/* "opened as raw" once per image file, not at every open of it (change,
 * a backing chain naming it twice). */
static bool bdrv_first_probe_note(const char *filename)
{
    static GHashTable *seen;
    static GMutex lock;
    char *real = realpath(filename, NULL);
    char *key = g_strdup(real ? real : filename);
    free(real);
    g_mutex_lock(&lock);
    if (!seen) {
        seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    bool first = g_hash_table_add(seen, key);
    g_mutex_unlock(&lock);
    return first;
}

static BlockDriverState *bdrv_open_depth(const BlockOpenOptions *o, int depth,
                                         Error **errp)
{
    if (depth > MAX_BACKING_DEPTH) {
        error_setg(errp, "'%s': backing chain deeper than %d images (a loop?)",
                   o->filename, MAX_BACKING_DEPTH);
        return NULL;
    }
    const BlockDriver *drv = NULL;
    if (o->force_share && !o->read_only) {
        error_setg(errp, "'%s': force-share (-U) needs a read-only open",
                   o->filename);
        return NULL;
    }
    if (o->format) {
        drv = bdrv_find_format(o->format);
        if (!drv) {
            error_setg(errp, "'%s' is not a known format (known: %s)",
                       o->format, bdrv_format_list());
            return NULL;
        }
        if (drv->is_protocol) {
            BlockDriverState *bs = bdrv_open_file(o, errp);
            if (bs && bdrv_lock_file(bs, drv, depth, o, errp) < 0) {
                bdrv_unref(bs);
                return NULL;
            }
            return bs;
        }
    }
    BlockDriverState *file = bdrv_open_file(o, errp);
    if (!file) {
        return NULL;
    }
    bool probed = false;
    if (!drv) {
        drv = probe_format(file, errp);
        if (!drv) {
            bdrv_unref(file);
            return NULL;
        }
        probed = true;
    }
    if (bdrv_lock_file(file, drv, depth, o, errp) < 0) {
        bdrv_unref(file);
        return NULL;
    }
    BlockDriverState *bs = bdrv_new(drv, o->filename, o);
    bs->file = file;
    bs->probed = probed;
    bs->chain_depth = depth;
    if (drv->open && drv->open(bs, errp) < 0) {
        bs->file = NULL;
        bdrv_unref(file);
        bdrv_unref(bs->backing);
        bdrv_free(bs);
        return NULL;
    }
    /* One calm line; not for read-only opens (emu-img info, a CD image,
     * a backing file): nothing writes there, nothing to protect. */
    if (probed && !bs->read_only && !strcmp(drv->format_name, "raw") &&
        bdrv_first_probe_note(bs->filename)) {
        error_report("%s: no format given, opened as raw (format=raw says "
                     "so and allows any write to sector 0)",
                     bs->filename);
    }
    return bs;
}

BlockDriverState *bdrv_open(const BlockOpenOptions *o, Error **errp)
{
    if (!o->filename || !*o->filename) {
        error_setg(errp, "no image file name given");
        return NULL;
    }
    return bdrv_open_depth(o, 0, errp);
}

int bdrv_open_backing(BlockDriverState *bs, Error **errp)
{
    const char *name = bs->opts.backing ? bs->opts.backing : bs->backing_file;
    if (!name || !*name || bs->opts.no_backing_open) {
        return 0;
    }
    /* A relative backing name is relative to the image that names it
     * (qemu-img create -b base.img overlay.qcow2 in another folder). */
    char *path;
    if (name[0] == '/' || bs->opts.backing) {
        path = g_strdup(name);
    } else {
        char *dir = g_path_get_dirname(bs->filename);
        path = g_build_filename(dir, name, NULL);
        g_free(dir);
    }
    BlockOpenOptions o = {
        .filename = path,
        .format = bs->opts.backing ? NULL : bs->backing_format,
        .read_only = !bs->opts.backing_rw,
        .cache = bs->opts.cache,
        .aio = bs->opts.aio,
        .no_lock = bs->opts.no_lock,
        .force_share = bs->opts.force_share,
    };
    Error *err = NULL;
    bs->backing = bdrv_open_depth(&o, bs->chain_depth + 1, &err);
    g_free(path);
    if (!bs->backing) {
        error_setg(errp, "'%s': could not open its backing file: %s",
                   bs->filename, error_get_pretty(err));
        error_free(err);
        return -ENOENT;
    }
    return 0;
}

/* ---- Synchronous I/O ------------------------------------------------- */

/* A request must lie within the node (formats: the virtual size). */
static int check_request(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    int64_t len = bdrv_getlength(bs);
    if (len < 0) {
        return (int)len;
    }
    if (offset > (uint64_t)len || bytes > (uint64_t)len - offset) {
        return -EIO;
    }
    return 0;
}

/*
 * Reads and writes: a format keeps to its virtual size; a protocol node
 * only refuses a range that wraps.  Past its end it reads zeros (a format
 * reading whole sectors with O_DIRECT may run past an unaligned end of
 * file) and a write grows it (qcow2 allocates clusters there).
 */
static int check_rw(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    if (bs->drv->is_protocol) {
        return offset + bytes < offset ? -EIO : 0;
    }
    return check_request(bs, offset, bytes);
}

int bdrv_preadv(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                IOVector *qiov)
{
    int r = check_rw(bs, offset, bytes);
    if (r < 0) {
        return r;
    }
    return bytes ? bs->drv->preadv(bs, offset, bytes, qiov) : 0;
}

int bdrv_pwritev(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                 IOVector *qiov)
{
    if (bs->read_only) {
        return -EROFS;
    }
    int r = check_rw(bs, offset, bytes);
    if (r < 0) {
        return r;
    }
    return bytes ? bs->drv->pwritev(bs, offset, bytes, qiov) : 0;
}

int bdrv_pread(BlockDriverState *bs, uint64_t offset, void *buf, uint64_t bytes)
{
    struct iovec one;
    IOVector v;
    iovec_init_buf(&v, &one, buf, bytes);
    return bdrv_preadv(bs, offset, bytes, &v);
}

int bdrv_pwrite(BlockDriverState *bs, uint64_t offset, const void *buf,
                uint64_t bytes)
{
    struct iovec one;
    IOVector v;
    iovec_init_buf(&v, &one, (void *)buf, bytes);
    return bdrv_pwritev(bs, offset, bytes, &v);
}

int bdrv_pwrite_zeroes(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    if (bs->read_only) {
        return -EROFS;
    }
    int r = check_request(bs, offset, bytes);
    if (r < 0 || !bytes) {
        return r;
    }
    if (bs->drv->pwrite_zeroes) {
        r = bs->drv->pwrite_zeroes(bs, offset, bytes);
        if (r != -ENOTSUP) {
            return r;
        }
    }
    /* Fall back to writing zeros, a megabyte at a time. */
    size_t chunk = MIN(bytes, 1u << 20);
    void *zero = g_malloc0(chunk);
    for (uint64_t done = 0; done < bytes && r >= 0; done += chunk) {
        uint64_t n = MIN(chunk, bytes - done);
        r = bdrv_pwrite(bs, offset + done, zero, n);
    }
    g_free(zero);
    return r < 0 ? r : 0;
}

int bdrv_pdiscard(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    if (bs->read_only) {
        return -EROFS;
    }
    int r = check_request(bs, offset, bytes);
    if (r < 0 || !bytes || !bs->drv->pdiscard) {
        return r;
    }
    return bs->drv->pdiscard(bs, offset, bytes);
}

int bdrv_flush(BlockDriverState *bs)
{
    if (bs->opts.cache == BLOCK_CACHE_UNSAFE) {
        return 0;
    }
    if (bs->drv->flush) {
        return bs->drv->flush(bs);
    }
    return bs->file ? bdrv_flush(bs->file) : 0;
}

int64_t bdrv_getlength(BlockDriverState *bs)
{
    return bs->drv->getlength(bs);
}

int bdrv_truncate(BlockDriverState *bs, uint64_t size, Error **errp)
{
    if (bs->read_only) {
        error_setg(errp, "'%s' is read-only", bs->filename);
        return -EROFS;
    }
    if (!bs->drv->truncate) {
        error_setg(errp, "format '%s' cannot be resized", bs->drv->format_name);
        return -ENOTSUP;
    }
    return bs->drv->truncate(bs, size, errp);
}

int bdrv_block_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      uint64_t *pnum)
{
    int r = check_request(bs, offset, bytes);
    if (r < 0) {
        return r;
    }
    if (!bs->drv->block_status) {
        *pnum = bytes;
        return BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED;
    }
    return bs->drv->block_status(bs, offset, bytes, pnum);
}

int bdrv_aio_submit(BlockDriverState *bs, BdrvAioOp op, uint64_t offset,
                    uint64_t bytes, IOVector *qiov, BdrvAioDoneFunc *done,
                    void *opaque)
{
    if (!bs->drv->aio_submit) {
        return -ENOTSUP;
    }
    if (op == BDRV_AIO_FLUSH) {
        /* cache=unsafe: the synchronous path knows to do nothing. */
        if (bs->opts.cache == BLOCK_CACHE_UNSAFE) {
            return -ENOTSUP;
        }
    } else if ((op == BDRV_AIO_WRITE && bs->read_only) || !bytes ||
               check_request(bs, offset, bytes) < 0) {
        return -ENOTSUP;
    }
    return bs->drv->aio_submit(bs, op, offset, bytes, qiov, done, opaque);
}

int bdrv_rw_nowait(BlockDriverState *bs, BdrvAioOp op, uint64_t offset,
                   uint64_t bytes, IOVector *qiov)
{
    if (!bs->drv->rw_nowait || op == BDRV_AIO_FLUSH ||
        (op == BDRV_AIO_WRITE && bs->read_only) || !bytes ||
        check_rw(bs, offset, bytes) < 0) {
        return -EAGAIN;
    }
    return bs->drv->rw_nowait(bs, op, offset, bytes, qiov);
}

int bdrv_create(const char *format, const char *filename,
                const BlockCreateOptions *o, Error **errp)
{
    const BlockDriver *drv = bdrv_find_format(format);
    if (!drv || drv->is_protocol) {
        error_setg(errp, "'%s' is not a known format (known: %s)", format,
                   bdrv_format_list());
        return -EINVAL;
    }
    if (!drv->create) {
        error_setg(errp, "format '%s' does not support creating images",
                   format);
        return -ENOTSUP;
    }
    return drv->create(filename, o, errp);
}

/* Copy what bs itself holds into its backing, a megabyte at a time. */
int bdrv_commit(BlockDriverState *bs, Error **errp)
{
    BlockDriverState *base = bs->backing;
    if (!base) {
        error_setg(errp, "'%s' has no backing file to commit to", bs->filename);
        return -ENOTSUP;
    }
    int64_t len = bdrv_getlength(bs);
    int64_t blen = bdrv_getlength(base);
    if (len < 0 || blen < 0) {
        error_setg(errp, "could not get the size of '%s'", bs->filename);
        return -EIO;
    }
    if (base->read_only) {
        error_setg(errp,
                   "'%s' is open read-only: commit needs the image "
                   "opened with backing_rw",
                   base->filename);
        return -EROFS;
    }
    int r = 0;
    if (len > blen) {
        r = bdrv_truncate(base, len, errp);
    }
    size_t chunk = 1u << 20;
    void *buf = g_malloc(chunk);
    for (int64_t off = 0; r >= 0 && off < len;) {
        uint64_t pnum;
        uint64_t want = MIN((uint64_t)chunk, (uint64_t)(len - off));
        int st = bdrv_block_status(bs, off, want, &pnum);
        if (st < 0) {
            r = st;
            break;
        }
        if (st & BDRV_BLOCK_ALLOCATED) {
            if (st & BDRV_BLOCK_ZERO) {
                r = bdrv_pwrite_zeroes(base, off, pnum);
            } else {
                r = bdrv_pread(bs, off, buf, pnum);
                if (r >= 0) {
                    r = bdrv_pwrite(base, off, buf, pnum);
                }
            }
        }
        off += pnum;
    }
    g_free(buf);
    if (r >= 0) {
        r = bdrv_flush(base);
    }
    if (r < 0 && errp && !*errp) {
        error_setg(errp, "commit of '%s' into '%s' failed: %s", bs->filename,
                   base->filename, strerror(-r));
    }
    return r;
}

const char *bdrv_probe_buf(const uint8_t *buf, int buf_size)
{
    const BlockDriver *best = NULL;
    int best_score = 0;
    for (int i = 0; i < nr_drivers; i++) {
        if (drivers[i]->probe) {
            int s = drivers[i]->probe(buf, buf_size);
            if (s > best_score) {
                best_score = s;
                best = drivers[i];
            }
        }
    }
    return best ? best->format_name : "raw";
}
