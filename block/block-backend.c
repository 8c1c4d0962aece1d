/*
 * BlockBackend: a drive as a device sees it (include/block/block.h).
 *
 * A request first goes to the node's aio_submit (raw over a file with
 * aio=io_uring: the file's ring, block/io-uring.c); anything that cannot
 * go there (aio=threads, qcow2, a bounce, a full ring) runs on a pool of
 * worker threads that call the node's synchronous driver ops.  Either
 * way a finished request goes to its drive's done queue, and a bottom
 * half runs the device's callback in the main loop under the global
 * lock.  blk_drain() waits for the drive's requests in the caller's
 * thread (a vCPU in an I/O exit, holding the global lock) and runs their
 * callbacks there, so it never waits for the main loop.
 *
 * Write-through (cache=writethrough/directsync, or the guest turned its
 * write cache off) is a flush after each write, before the callback.
 * Statistics (info blockstats) are the only place host time is used.
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
    BLK_REQ_WRITE, /* also a flush alone: need_write false */
    BLK_REQ_DISCARD,
} BlkReqType;

typedef struct BlkRequest {
    BlockBackend *blk;
    BlockDriverState *bs; /* referenced: an eject meanwhile keeps it */
    BlkReqType type;
    BlockAcctType acct;
    bool need_write; /* BLK_REQ_WRITE: the write is still to do */
    bool need_flush; /* then (or only) a flush */
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
    /* The owner's reference, plus one while callbacks run: a callback may
     * blk_unref() its own drive. */
    int refcnt;
    GMutex lock; /* in_flight and done */
    GCond cond;
    int in_flight; /* submitted, callback not run yet */
    GQueue done;
    BH *bh;
    BlockBackend *next;
};

static BlockBackend *blk_list;
static GThreadPool *blk_pool;

static void blk_free(BlockBackend *blk);

/* ---- Completion (main loop or a draining thread, global lock) -------- */

static void blk_account(BlockBackend *blk, BlkRequest *req)
{
    BlockAcctStats *st = &blk->stats;
    BlockAcctType t = req->acct;
    /* As QEMU counts: a failed request is a failed op, not an op. */
    if (req->ret < 0) {
        st->failed_ops[t]++;
    } else {
        st->nr_ops[t]++;
        st->nr_bytes[t] += req->bytes;
    }
    st->total_time_ns[t] +=
        (uint64_t)(g_get_monotonic_time() - req->start_us) * 1000;
}

static void blk_complete(BlockBackend *blk, BlkRequest *req)
{
    blk_account(blk, req);
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
    blk->refcnt++;
    for (;;) {
        /* in_flight drops before the callback: a callback may drain its
         * own drive (it is not waiting for itself).  Callbacks run under
         * the global lock, so no other drain can see the gap. */
        g_mutex_lock(&blk->lock);
        BlkRequest *req = g_queue_pop_head(&blk->done);
        if (req) {
            blk->in_flight--;
        }
        g_cond_broadcast(&blk->cond);
        g_mutex_unlock(&blk->lock);
        if (!req) {
            break;
        }
        blk_complete(blk, req);
    }
    if (--blk->refcnt == 0) {
        blk_free(blk);
    }
}

/* Any thread.  The bottom half is scheduled under the lock: once a
 * drain has seen the request it may free blk, so nothing of blk may be
 * touched after the unlock. */
static void blk_req_finish(BlkRequest *req)
{
    BlockBackend *blk = req->blk;
    g_mutex_lock(&blk->lock);
    g_queue_push_tail(&blk->done, req);
    bh_schedule(blk->bh);
    g_cond_broadcast(&blk->cond);
    g_mutex_unlock(&blk->lock);
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
        req->ret = 0;
        if (req->need_write) {
            req->ret = bdrv_pwritev(bs, req->offset, req->bytes, &req->qiov);
        }
        if (req->ret == 0 && req->need_flush) {
            req->ret = bdrv_flush(bs);
        }
        break;
    case BLK_REQ_DISCARD:
        req->ret = bdrv_pdiscard(bs, req->offset, req->bytes);
        break;
    }
    blk_req_finish(req);
}

/* ---- Asynchronous path (io_uring) -------------------------------------- */

static bool blk_try_aio(BlkRequest *req);

/* From the reaper thread: one step of the request is done. */
static void blk_aio_cb(void *opaque, int ret)
{
    BlkRequest *req = opaque;
    if (ret == 0 && req->need_write) {
        req->need_write = false;
        if (req->need_flush) {
            if (!blk_try_aio(req)) {
                g_thread_pool_push(blk_pool, req, NULL);
            }
            return; /* req belongs to the flush now */
        }
    }
    req->ret = ret;
    blk_req_finish(req);
}

/* Start the next step of req on the node's own asynchronous path. */
static bool blk_try_aio(BlkRequest *req)
{
    int r = -ENOTSUP;
    if (req->type == BLK_REQ_READ) {
        r = bdrv_aio_submit(req->bs, BDRV_AIO_READ, req->offset, req->bytes,
                            &req->qiov, blk_aio_cb, req);
    } else if (req->type == BLK_REQ_WRITE && req->need_write) {
        r = bdrv_aio_submit(req->bs, BDRV_AIO_WRITE, req->offset, req->bytes,
                            &req->qiov, blk_aio_cb, req);
    } else if (req->type == BLK_REQ_WRITE) {
        /* The flush: need_write is false, so its completion ends req.
         * Nothing of req may change once it is submitted. */
        req->need_flush = false;
        r = bdrv_aio_submit(req->bs, BDRV_AIO_FLUSH, 0, 0, NULL, blk_aio_cb,
                            req);
        if (r < 0) {
            req->need_flush = true;
        }
    }
    return r == 0;
}

/*
 * A read, or a write that needs no flush, whose data the host's page
 * cache holds is done here in the submitting thread: a copy, cheaper
 * than handing it to a worker and the completion back.  The callback
 * still runs later, from the bottom half (which a vCPU runs as it leaves
 * its device access, bql_unlock_io), never from inside the submission.
 */
static bool blk_try_now(BlkRequest *req)
{
    int r = -EAGAIN;
    if (req->type == BLK_REQ_READ) {
        r = bdrv_rw_nowait(req->bs, BDRV_AIO_READ, req->offset, req->bytes,
                           &req->qiov);
    } else if (req->type == BLK_REQ_WRITE && req->need_write &&
               !req->need_flush) {
        r = bdrv_rw_nowait(req->bs, BDRV_AIO_WRITE, req->offset, req->bytes,
                           &req->qiov);
    }
    if (r < 0) {
        return false;
    }
    req->ret = 0;
    return true;
}

static void blk_submit(BlockBackend *blk, BlkReqType type, BlockAcctType acct,
                       uint64_t offset, uint64_t bytes, const struct iovec *iov,
                       int niov, BlockCompletionFunc *cb, void *opaque)
{
    BlkRequest *req = g_new0(BlkRequest, 1);
    req->blk = blk;
    req->type = type;
    req->acct = acct;
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
    if (type != BLK_REQ_DISCARD && req->qiov.size != bytes) {
        req->ret = -EINVAL;
        blk_req_finish(req);
        return;
    }
    req->bs = blk->bs;
    bdrv_ref(req->bs);
    if (type == BLK_REQ_WRITE) {
        req->need_write = acct == BLOCK_ACCT_WRITE;
        req->need_flush = acct == BLOCK_ACCT_FLUSH ||
                          (!blk->wce && blk->cache != BLOCK_CACHE_UNSAFE);
    }
    if (!blk_pool) {
        blk_pool =
            g_thread_pool_new(blk_worker, NULL, BLK_WORKERS, FALSE, NULL);
    }
    if (blk_try_now(req)) {
        blk_req_finish(req);
        return;
    }
    if (!blk_try_aio(req)) {
        g_thread_pool_push(blk_pool, req, NULL);
    }
}

void blk_aio_preadv(BlockBackend *blk, uint64_t offset, const struct iovec *iov,
                    int niov, BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_READ, BLOCK_ACCT_READ, offset, iov_size(iov, niov),
               iov, niov, cb, opaque);
}

void blk_aio_pwritev(BlockBackend *blk, uint64_t offset,
                     const struct iovec *iov, int niov, BlockCompletionFunc *cb,
                     void *opaque)
{
    blk_submit(blk, BLK_REQ_WRITE, BLOCK_ACCT_WRITE, offset,
               iov_size(iov, niov), iov, niov, cb, opaque);
}

void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_WRITE, BLOCK_ACCT_FLUSH, 0, 0, NULL, 0, cb, opaque);
}

void blk_aio_pdiscard(BlockBackend *blk, uint64_t offset, uint64_t bytes,
                      BlockCompletionFunc *cb, void *opaque)
{
    blk_submit(blk, BLK_REQ_DISCARD, BLOCK_ACCT_UNMAP, offset, bytes, NULL, 0,
               cb, opaque);
}

void blk_drain(BlockBackend *blk)
{
    /* A callback may drop the drive (blk_unref): it stays until here. */
    blk->refcnt++;
    g_mutex_lock(&blk->lock);
    while (blk->in_flight > 0) {
        if (g_queue_is_empty(&blk->done)) {
            g_cond_wait(&blk->cond, &blk->lock);
            continue;
        }
        g_mutex_unlock(&blk->lock);
        blk_run_done(blk);
        g_mutex_lock(&blk->lock);
    }
    g_mutex_unlock(&blk->lock);
    if (--blk->refcnt == 0) {
        blk_free(blk);
    }
}

void blk_drain_all(void)
{
    for (BlockBackend *b = blk_list; b;) {
        b->refcnt++;
        blk_drain(b);
        /* Still valid if a callback unlinked b meanwhile. */
        BlockBackend *next = b->next;
        if (--b->refcnt == 0) {
            blk_free(b);
        }
        b = next;
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
    /* Write-through as for blk_aio_pwritev (unsafe: bdrv_flush is a
     * no-op). */
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
    blk->wce =
        cache != BLOCK_CACHE_WRITETHROUGH && cache != BLOCK_CACHE_DIRECTSYNC;
    blk->refcnt = 1;
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

static void blk_free(BlockBackend *blk)
{
    bh_delete(blk->bh);
    bdrv_unref(blk->bs);
    g_mutex_clear(&blk->lock);
    g_cond_clear(&blk->cond);
    g_free(blk->name);
    g_free(blk);
}

/* Requests in flight finish first (their callbacks run here). */
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
    /* From inside one of its callbacks, blk_run_done frees it after. */
    if (--blk->refcnt == 0) {
        blk_free(blk);
    }
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
