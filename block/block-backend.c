/*
 * BlockBackend: a drive as a device sees it (include/block/block.h).
 *
 * Asynchronous requests run on a pool of worker threads that call the
 * node's synchronous driver ops (aio=threads).  A finished request goes to
 * its drive's done queue, and a bottom half runs the device's callback in
 * the main loop under the global lock.  blk_drain() waits for the
 * drive's requests in the caller's thread and runs their callbacks there.
 */
#include "emu/common.h"
#include <glib.h>
#include "block/block-int.h"
#include "emu/device.h"
#include "emu/error.h"
#include "emu/main-loop.h"

/* Enough for one request per IDE channel and floppy, plus readahead of
 * a few drives; the threads are idle otherwise. */
#define BLK_WORKERS 8

typedef enum BlkReqType {
    BLK_REQ_READ,
    BLK_REQ_WRITE,
    BLK_REQ_FLUSH,
    BLK_REQ_DISCARD,
} BlkReqType;

typedef struct BlkRequest {
    BlockBackend *blk;
    BlockDriverState *bs; /* referenced: an eject meanwhile keeps it */
    BlkReqType type;
    bool flush_after;     /* write-through */
    uint64_t offset, bytes;
    IOVector qiov;
    BlockCompletionFunc *cb;
    void *opaque;
    int ret;
    int64_t start_us;
} BlkRequest;

struct BlockBackend {
    char *name;
    BlockDriverState *bs; /* NULL: no medium */
    BlockCacheMode cache;
    bool wce;
    DeviceState *dev;
    const BlockDevOps *dev_ops;
    void *dev_opaque;
    BlockAcctStats stats;
    GMutex lock; /* in_flight and done */
    GCond cond;
    int in_flight; /* submitted, callback not run yet */
    GQueue done;
    BH *bh;
    BlockBackend *next;
};

static BlockBackend *blk_list;
static GThreadPool *blk_pool;

static const BlockAcctType acct_of[] = {
    [BLK_REQ_READ] = BLOCK_ACCT_READ,
    [BLK_REQ_WRITE] = BLOCK_ACCT_WRITE,
    [BLK_REQ_FLUSH] = BLOCK_ACCT_FLUSH,
    [BLK_REQ_DISCARD] = BLOCK_ACCT_MAX,
};

/* ---- Completion (main loop, global lock) ---------------------------- */

static void blk_complete(BlockBackend *blk, BlkRequest *req)
{
    BlockAcctType t = acct_of[req->type];
    if (t != BLOCK_ACCT_MAX) {
        blk->stats.nr_ops[t]++;
        blk->stats.nr_bytes[t] += req->ret < 0 ? 0 : req->bytes;
        blk->stats.failed_ops[t] += req->ret < 0;
        blk->stats.total_time_ns[t] +=
            (uint64_t)(g_get_monotonic_time() - req->start_us) * 1000;
    }
    bdrv_unref(req->bs);
    iovec_destroy(&req->qiov);
    BlockCompletionFunc *cb = req->cb;
    void *opaque = req->opaque;
    int ret = req->ret;
    g_free(req);
    cb(opaque, ret);
}

/* Run the callbacks of every finished request of blk. */
static void blk_run_done(void *opaque)
{
    BlockBackend *blk = opaque;
    for (;;) {
        g_mutex_lock(&blk->lock);
        BlkRequest *req = g_queue_pop_head(&blk->done);
        if (req) {
            blk->in_flight--;
        }
        g_cond_broadcast(&blk->cond);
        g_mutex_unlock(&blk->lock);
        if (!req) {
            return;
        }
        blk_complete(blk, req);
    }
}

static void blk_req_finish(BlkRequest *req)
{
    BlockBackend *blk = req->blk;
    g_mutex_lock(&blk->lock);
    g_queue_push_tail(&blk->done, req);
    g_cond_broadcast(&blk->cond);
    g_mutex_unlock(&blk->lock);
    bh_schedule(blk->bh);
}

/* ---- Worker threads -------------------------------------------------- */

static void blk_worker(gpointer data, gpointer user_data)
{
    BlkRequest *req = data;
    BlockDriverState *bs = req->bs;
    switch (req->type) {
    case BLK_REQ_READ:
        req->ret = bdrv_preadv(bs, req->offset, req->bytes, &req->qiov);
        break;
    case BLK_REQ_WRITE:
        req->ret = bdrv_pwritev(bs, req->offset, req->bytes, &req->qiov);
        if (req->ret == 0 && req->flush_after) {
            req->ret = bdrv_flush(bs);
        }
        break;
    case BLK_REQ_FLUSH:
        req->ret = bdrv_flush(bs);
        break;
    case BLK_REQ_DISCARD:
        req->ret = bdrv_pdiscard(bs, req->offset, req->bytes);
        break;
    }
    blk_req_finish(req);
}

static void blk_submit(BlockBackend *blk, BlkReqType type, uint64_t offset,
                       uint64_t bytes, const struct iovec *iov, int niov,
                       BlockCompletionFunc *cb, void *opaque)
{
    BlkRequest *req = g_new0(BlkRequest, 1);
    req->blk = blk;
    req->type = type;
    req->offset = offset;
    req->bytes = bytes;
    req->cb = cb;
    req->opaque = opaque;
    req->start_us = g_get_monotonic_time();
    iovec_init(&req->qiov, niov);
    for (int i = 0; i < niov; i++) {
        iovec_add(&req->qiov, iov[i].iov_base, iov[i].iov_len);
    }
    g_mutex_lock(&blk->lock);
    blk->in_flight++;
    g_mutex_unlock(&blk->lock);

    if (!blk->bs) {
        req->ret = -ENOMEDIUM;
        blk_req_finish(req);
        return;
    }
    if ((type == BLK_REQ_READ || type == BLK_REQ_WRITE) &&
        req->qiov.size != bytes) {
        req->ret = -EINVAL;
        blk_req_finish(req);
        return;
    }
    req->bs = blk->bs;
    bdrv_ref(req->bs);
    req->flush_after = type == BLK_REQ_WRITE && !blk->wce &&
                       blk->cache != BLOCK_CACHE_UNSAFE;
    if (!blk_pool) {
        blk_pool = g_thread_pool_new(blk_worker, NULL, BLK_WORKERS, FALSE,
                                     NULL);
    }
    g_thread_pool_push(blk_pool, req, NULL);
}

void blk_aio_preadv(BlockBackend *blk, uint64_t offset,
                    const struct iovec *iov, int niov,
                    BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_READ, offset, iov_size(iov, niov), iov, niov, cb,
               opaque);
}

void blk_aio_pwritev(BlockBackend *blk, uint64_t offset,
                     const struct iovec *iov, int niov,
                     BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_WRITE, offset, iov_size(iov, niov), iov, niov,
               cb, opaque);
}

void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_FLUSH, 0, 0, NULL, 0, cb, opaque);
}

void blk_aio_pdiscard(BlockBackend *blk, uint64_t offset, uint64_t bytes,
                      BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_DISCARD, offset, bytes, NULL, 0, cb, opaque);
}

void blk_drain(BlockBackend *blk)
{
    g_mutex_lock(&blk->lock);
    while (blk->in_flight > 0) {
        while (g_queue_is_empty(&blk->done)) {
            g_cond_wait(&blk->cond, &blk->lock);
        }
        g_mutex_unlock(&blk->lock);
        blk_run_done(blk);
        g_mutex_lock(&blk->lock);
    }
    g_mutex_unlock(&blk->lock);
}

void blk_drain_all(void)
{
    for (BlockBackend *b = blk_list; b; b = b->next) {
        blk_drain(b);
    }
}

/* ---- Synchronous forms ------------------------------------------------ */

int blk_pread(BlockBackend *blk, uint64_t offset, void *buf, size_t bytes)
{
    return blk->bs ? bdrv_pread(blk->bs, offset, buf, bytes) : -ENOMEDIUM;
}

int blk_pwrite(BlockBackend *blk, uint64_t offset, const void *buf,
               size_t bytes)
{
    if (!blk->bs) {
        return -ENOMEDIUM;
    }
    int r = bdrv_pwrite(blk->bs, offset, buf, bytes);
    if (r == 0 && !blk->wce) {
        r = bdrv_flush(blk->bs);
    }
    return r;
}

int blk_flush(BlockBackend *blk)
{
    return blk->bs ? bdrv_flush(blk->bs) : 0;
}

/* ---- Life cycle and queries ------------------------------------------ */

BlockBackend *blk_new(const char *name, BlockDriverState *bs,
                      BlockCacheMode cache)
{
    BlockBackend *blk = g_new0(BlockBackend, 1);
    blk->name = g_strdup(name);
    blk->bs = bs;
    if (bs) {
        bdrv_ref(bs);
    }
    blk->cache = cache;
    blk->wce = cache != BLOCK_CACHE_WRITETHROUGH &&
               cache != BLOCK_CACHE_DIRECTSYNC;
    g_mutex_init(&blk->lock);
    g_cond_init(&blk->cond);
    g_queue_init(&blk->done);
    blk->bh = bh_new(blk_run_done, blk);
    BlockBackend **p = &blk_list;
    while (*p) {
        p = &(*p)->next;
    }
    *p = blk;
    return blk;
}

void blk_unref(BlockBackend *blk)
{
    if (!blk) {
        return;
    }
    blk_drain(blk);
    for (BlockBackend **p = &blk_list; *p; p = &(*p)->next) {
        if (*p == blk) {
            *p = blk->next;
            break;
        }
    }
    bh_delete(blk->bh);
    bdrv_unref(blk->bs);
    g_mutex_clear(&blk->lock);
    g_cond_clear(&blk->cond);
    g_free(blk->name);
    g_free(blk);
}

BlockBackend *blk_by_name(const char *name)
{
    for (BlockBackend *b = blk_list; b; b = b->next) {
        if (!strcmp(b->name, name)) {
            return b;
        }
    }
    return NULL;
}

BlockBackend *blk_next(BlockBackend *blk)
{
    return blk ? blk->next : blk_list;
}

BlockDriverState *blk_bs(BlockBackend *blk)
{
    return blk->bs;
}

void blk_set_bs(BlockBackend *blk, BlockDriverState *bs)
{
    blk_drain(blk);
    if (bs) {
        bdrv_ref(bs);
    }
    bdrv_unref(blk->bs);
    blk->bs = bs;
}

const char *blk_name(const BlockBackend *blk)
{
    return blk->name;
}

uint64_t blk_getlength(BlockBackend *blk)
{
    int64_t len = blk->bs ? bdrv_getlength(blk->bs) : 0;
    return len < 0 ? 0 : (uint64_t)len;
}

bool blk_is_read_only(BlockBackend *blk)
{
    return blk->bs && blk->bs->read_only;
}

bool blk_is_inserted(BlockBackend *blk)
{
    return blk->bs != NULL;
}

bool blk_enable_write_cache(BlockBackend *blk)
{
    return blk->wce;
}

void blk_set_enable_write_cache(BlockBackend *blk, bool wce)
{
    blk->wce = wce;
}

int blk_attach_dev(BlockBackend *blk, DeviceState *dev, Error **errp)
{
    if (blk->dev && blk->dev != dev) {
        error_setg(errp, "drive %s is already used by %s", blk->name,
                   device_label(blk->dev));
        return -1;
    }
    blk->dev = dev;
    return 0;
}

void blk_detach_dev(BlockBackend *blk, DeviceState *dev)
{
    if (blk->dev == dev) {
        blk_drain(blk);
        blk->dev = NULL;
        blk->dev_ops = NULL;
        blk->dev_opaque = NULL;
    }
}

void blk_set_dev_ops(BlockBackend *blk, const BlockDevOps *ops, void *opaque)
{
    blk->dev_ops = ops;
    blk->dev_opaque = opaque;
}

DeviceState *blk_get_attached_dev(BlockBackend *blk)
{
    return blk->dev;
}

const BlockDevOps *blk_get_dev_ops(BlockBackend *blk, void **opaque)
{
    if (opaque) {
        *opaque = blk->dev_opaque;
    }
    return blk->dev_ops;
}

void blk_eject(BlockBackend *blk)
{
    blk_set_bs(blk, NULL);
}

const BlockAcctStats *blk_get_stats(BlockBackend *blk)
{
    return &blk->stats;
}
