/*
 * aio=io_uring for the file protocol: one ring per file node.
 *
 * Submitters (the BlockBackend, under the global lock, or a worker) fill
 * a submission entry and io_uring_submit() under the ring's mutex; one
 * reaper thread per ring waits for completions and calls each request's
 * done function, which hands the result to the BlockBackend's done queue
 * and its bottom half (block/block-backend.c): the device's callback
 * still runs in the main loop.  The reaper only reaps and never blocks on
 * anything else, so completions keep flowing while the main loop is busy.
 *
 * Built without liburing (configure: CONFIG_IO_URING), luring_new()
 * refuses aio=io_uring with a message.
 */
#include "emu/common.h"
#include <glib.h>
#include "block/file-posix.h"
#include "emu/error.h"

#ifdef CONFIG_IO_URING
#include <liburing.h>

/* Requests in flight per node: plenty for IDE's one request per drive
 * and readahead; beyond it requests take the worker threads. */
#define LURING_ENTRIES 128

typedef struct LuringReq {
    LuringDoneFunc *done;
    void *opaque;
} LuringReq;

struct LuringState {
    struct io_uring ring;
    GMutex lock;   /* the submission side */
    int in_flight; /* under lock */
    GThread *reaper;
};

static gpointer luring_reaper(gpointer opaque)
{
    LuringState *r = opaque;
    for (;;) {
        struct io_uring_cqe *cqe;
        int e = io_uring_wait_cqe(&r->ring, &cqe);
        if (e == -EINTR || e == -EAGAIN) {
            continue;
        }
        if (e < 0) {
            /* Cannot happen with a valid ring; do not spin. */
            g_error("io_uring_wait_cqe: %s", strerror(-e));
        }
        LuringReq *req = io_uring_cqe_get_data(cqe);
        int64_t res = cqe->res;
        io_uring_cqe_seen(&r->ring, cqe);
        if (!req) {
            return NULL; /* luring_free's stop marker */
        }
        g_mutex_lock(&r->lock);
        r->in_flight--;
        g_mutex_unlock(&r->lock);
        req->done(req->opaque, res);
        g_free(req);
    }
}

LuringState *luring_new(const char *filename, Error **errp)
{
    LuringState *r = g_new0(LuringState, 1);
    int e = io_uring_queue_init(LURING_ENTRIES, &r->ring, 0);
    if (e < 0) {
        error_setg(errp,
                   "'%s': aio=io_uring: the kernel refused an io_uring "
                   "(%s); use aio=threads",
                   filename, strerror(-e));
        g_free(r);
        return NULL;
    }
    g_mutex_init(&r->lock);
    r->reaper = g_thread_new("io_uring", luring_reaper, r);
    return r;
}

void luring_free(LuringState *r)
{
    if (!r) {
        return;
    }
    /* Every request holds a reference on its node, so none is in flight
     * when the node closes; the NOP with no data stops the reaper. */
    g_mutex_lock(&r->lock);
    g_assert(r->in_flight == 0);
    struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);
    g_assert(sqe);
    io_uring_prep_nop(sqe);
    io_uring_sqe_set_data(sqe, NULL);
    int e;
    do {
        e = io_uring_submit(&r->ring);
    } while (e == -EINTR || e == -EAGAIN);
    g_mutex_unlock(&r->lock);
    g_thread_join(r->reaper);
    io_uring_queue_exit(&r->ring);
    g_mutex_clear(&r->lock);
    g_free(r);
}

int luring_submit(LuringState *r, int fd, BdrvAioOp op, uint64_t offset,
                  const struct iovec *iov, int niov, LuringDoneFunc *done,
                  void *opaque)
{
    if (niov > IOV_MAX) {
        return -EAGAIN;
    }
    g_mutex_lock(&r->lock);
    struct io_uring_sqe *sqe = NULL;
    if (r->in_flight < LURING_ENTRIES) {
        sqe = io_uring_get_sqe(&r->ring);
    }
    if (!sqe) {
        g_mutex_unlock(&r->lock);
        return -EAGAIN;
    }
    switch (op) {
    case BDRV_AIO_READ:
        io_uring_prep_readv(sqe, fd, iov, niov, offset);
        break;
    case BDRV_AIO_WRITE:
        io_uring_prep_writev(sqe, fd, iov, niov, offset);
        break;
    case BDRV_AIO_FLUSH:
        io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
        break;
    }
    LuringReq *req = g_new(LuringReq, 1);
    req->done = done;
    req->opaque = opaque;
    io_uring_sqe_set_data(sqe, req);
    /* The entry is in the ring now and cannot be taken back: retry while
     * the kernel is short of memory (EAGAIN) or completions (EBUSY; not
     * expected with in_flight below the completion ring's size). */
    int e, tries = 0;
    while ((e = io_uring_submit(&r->ring)) < 0 &&
           (e == -EINTR || e == -EAGAIN || e == -EBUSY) && ++tries < 10000) {
        if (e != -EINTR) {
            g_usleep(100);
        }
    }
    if (e < 0) {
        /* It goes with the next submit that works. */
        g_warning("io_uring_submit: %s", strerror(-e));
    }
    r->in_flight++;
    g_mutex_unlock(&r->lock);
    return 0;
}

#else /* !CONFIG_IO_URING */

LuringState *luring_new(const char *filename, Error **errp)
{
    error_setg(errp,
               "'%s': aio=io_uring is not available: emu was built "
               "without liburing (install liburing-dev and run configure "
               "again), use aio=threads",
               filename);
    return NULL;
}

void luring_free(LuringState *r) {}

int luring_submit(LuringState *r, int fd, BdrvAioOp op, uint64_t offset,
                  const struct iovec *iov, int niov, LuringDoneFunc *done,
                  void *opaque)
{
    return -EAGAIN;
}

#endif
