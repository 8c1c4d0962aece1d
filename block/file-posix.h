/*
 * Inside the file protocol: its node state and the pieces split into
 * their own files (image locking in file-lock.c, the io_uring ring in
 * io-uring.c).  Only block/file*.c and block/io-uring.c include this.
 */
#ifndef BLOCK_FILE_POSIX_H
#define BLOCK_FILE_POSIX_H

#include <glib.h>
#include "block/block-int.h"

typedef struct LuringState LuringState;

typedef struct FileState {
    int fd;
    bool is_blockdev;
    /* O_DIRECT (cache=none, directsync): offsets and lengths must be
     * multiples of req_align and buffers of buf_align; anything else goes
     * through an aligned bounce buffer.  Both are 1 without O_DIRECT. */
    bool direct;
    uint32_t req_align;
    uint32_t buf_align;
    /*
     * A write of part of an aligned block reads the block, patches it and
     * writes it back (read-modify-write): no other write may touch the
     * file meanwhile, or the write-back would undo it.  Plain writes
     * (including those in io_uring) count themselves in `writers`; an RMW
     * waits until there are none and keeps new ones out.
     */
    GMutex rmw_lock;
    GCond rmw_cond;
    int writers;
    int rmw_waiting;
    bool rmw_active;
    /* Image locking (file-lock.c): what this node holds. */
    bool locking;
    uint64_t perm, shared;
    /* The kernel refused a write with RWF_NOWAIT (ext4 has no buffered
     * non-blocking writes): no more tries (atomic). */
    int nowait_write_unsupported;
    /* aio=io_uring: the ring (io-uring.c), NULL with aio=threads. */
    LuringState *ring;
} FileState;

/* file-lock.c: take the OFD locks for perm/shared, or fail with a
 * message naming the image when another user holds conflicting ones. */
int file_lock_set_perm(BlockDriverState *bs, uint64_t perm, uint64_t shared,
                       Error **errp);

/* file-posix.c: the synchronous transfer, with bounce and RMW as needed
 * (io-uring.c finishes short transfers with it). */
int file_rw(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
            IOVector *qiov, size_t qiov_offset, bool is_write);
/* The plain-writer count an RMW waits for (see FileState); try_ fails
 * instead of waiting while an RMW runs or waits. */
bool file_writer_try_begin(FileState *s);
void file_writer_end(FileState *s);

/* io-uring.c.  luring_new fails with a message when io_uring is not
 * available (emu built without liburing, or the kernel refuses it). */
LuringState *luring_new(const char *filename, Error **errp);
void luring_free(LuringState *r);
/* Submit op on fd; done(opaque, res) runs from the reaper thread with
 * the kernel's result (bytes or -errno).  -EAGAIN: the ring is full or
 * the request does not fit (the caller takes the synchronous path). */
typedef void LuringDoneFunc(void *opaque, int64_t res);
int luring_submit(LuringState *r, int fd, BdrvAioOp op, uint64_t offset,
                  const struct iovec *iov, int niov, LuringDoneFunc *done,
                  void *opaque);

#endif
