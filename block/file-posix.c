/*
 * The file protocol: a host file or block device, read and written with
 * preadv/pwritev from the block layer's worker threads.
 *
 * cache= maps to open flags (O_DIRECT for none/directsync); a flush is a
 * real fdatasync.  Discard punches holes, zero writes use
 * FALLOC_FL_ZERO_RANGE, and block_status asks SEEK_DATA/SEEK_HOLE, so
 * sparse images stay sparse through emu-img convert.
 */
#include "emu/common.h"
#include <glib.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "block/block-int.h"
#include "emu/error.h"

typedef struct FileState {
    int fd;
    bool is_blockdev;
} FileState;

static int file_open(BlockDriverState *bs, Error **errp)
{
    FileState *s = bs->opaque;
    int flags = O_CLOEXEC | (bs->read_only ? O_RDONLY : O_RDWR);
    if (bs->opts.cache == BLOCK_CACHE_NONE ||
        bs->opts.cache == BLOCK_CACHE_DIRECTSYNC) {
        flags |= O_DIRECT;
    }
    s->fd = open(bs->filename, flags);
    if (s->fd < 0 && errno == EINVAL && (flags & O_DIRECT)) {
        error_setg(errp,
                   "Could not open '%s': the file system does not support "
                   "O_DIRECT (cache=none); use cache=writeback",
                   bs->filename);
        return -EINVAL;
    }
    if (s->fd < 0) {
        int e = errno;
        error_setg(errp, "Could not open '%s': %s", bs->filename,
                   strerror(e));
        return -e;
    }
    struct stat st;
    if (fstat(s->fd, &st) < 0) {
        int e = errno;
        error_setg(errp, "Could not stat '%s': %s", bs->filename,
                   strerror(e));
        close(s->fd);
        return -e;
    }
    if (S_ISDIR(st.st_mode)) {
        error_setg(errp, "'%s' is a directory, not an image", bs->filename);
        close(s->fd);
        return -EISDIR;
    }
    s->is_blockdev = S_ISBLK(st.st_mode);
    return 0;
}

static void file_close(BlockDriverState *bs)
{
    FileState *s = bs->opaque;
    close(s->fd);
}

/* Do the whole transfer: short reads/writes and EINTR are retried; reads
 * past the end of the file give zeros (a raw image shorter than its
 * virtual size, as a growing file is). */
static int file_rw(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                   IOVector *qiov, bool is_write)
{
    FileState *s = bs->opaque;
    IOVector v;
    iovec_init(&v, qiov->niov);
    iovec_concat(&v, qiov, 0, bytes);
    int r = 0;
    uint64_t done = 0;
    while (done < bytes) {
        /* Skip the pieces already done. */
        struct iovec *iov = v.iov;
        int niov = v.niov;
        uint64_t skip = done;
        while (niov > 0 && skip >= iov->iov_len) {
            skip -= iov->iov_len;
            iov++;
            niov--;
        }
        iov->iov_base = (char *)iov->iov_base + skip;
        iov->iov_len -= skip;
        int cnt = MIN(niov, IOV_MAX);
        ssize_t n = is_write ? pwritev(s->fd, iov, cnt, offset + done)
                             : preadv(s->fd, iov, cnt, offset + done);
        iov->iov_base = (char *)iov->iov_base - skip;
        iov->iov_len += skip;
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            r = -errno;
            break;
        }
        if (n == 0) {
            if (is_write) {
                r = -EIO;
            } else {
                iov_memset(qiov->iov, qiov->niov, done, 0, bytes - done);
            }
            break;
        }
        done += n;
    }
    iovec_destroy(&v);
    return r;
}

static int file_preadv(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       IOVector *qiov)
{
    return file_rw(bs, offset, bytes, qiov, false);
}

static int file_pwritev(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                        IOVector *qiov)
{
    /* Write-through (cache=writethrough, or the guest turned its write
     * cache off) is the BlockBackend's flush after each write. */
    return file_rw(bs, offset, bytes, qiov, true);
}

static int file_flush(BlockDriverState *bs)
{
    FileState *s = bs->opaque;
    return fdatasync(s->fd) < 0 ? -errno : 0;
}

static int64_t file_getlength(BlockDriverState *bs)
{
    FileState *s = bs->opaque;
    if (s->is_blockdev) {
        uint64_t size;
        return ioctl(s->fd, BLKGETSIZE64, &size) < 0 ? -errno
                                                      : (int64_t)size;
    }
    struct stat st;
    return fstat(s->fd, &st) < 0 ? -errno : st.st_size;
}

static int64_t file_get_allocated_size(BlockDriverState *bs)
{
    FileState *s = bs->opaque;
    struct stat st;
    return fstat(s->fd, &st) < 0 ? -errno : (int64_t)st.st_blocks * 512;
}

static int file_truncate(BlockDriverState *bs, uint64_t size, Error **errp)
{
    FileState *s = bs->opaque;
    if (s->is_blockdev) {
        error_setg(errp, "'%s' is a block device: it cannot be resized",
                   bs->filename);
        return -ENOTSUP;
    }
    if (ftruncate(s->fd, size) < 0) {
        int e = errno;
        error_setg(errp, "Could not resize '%s': %s", bs->filename,
                   strerror(e));
        return -e;
    }
    return 0;
}

static int file_pdiscard(BlockDriverState *bs, uint64_t offset,
                         uint64_t bytes)
{
    FileState *s = bs->opaque;
    if (s->is_blockdev) {
        uint64_t range[2] = {offset, bytes};
        ioctl(s->fd, BLKDISCARD, range);
        return 0;
    }
    /* Discard is a hint: a file system without holes keeps the data. */
    if (fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset,
                  bytes) < 0 &&
        errno != EOPNOTSUPP) {
        return -errno;
    }
    return 0;
}

static int file_pwrite_zeroes(BlockDriverState *bs, uint64_t offset,
                              uint64_t bytes)
{
    FileState *s = bs->opaque;
    if (s->is_blockdev) {
        return -ENOTSUP;
    }
    if (fallocate(s->fd, FALLOC_FL_ZERO_RANGE, offset, bytes) == 0) {
        return 0;
    }
    return errno == EOPNOTSUPP ? -ENOTSUP : -errno;
}

static int file_block_status(BlockDriverState *bs, uint64_t offset,
                             uint64_t bytes, uint64_t *pnum)
{
    FileState *s = bs->opaque;
    *pnum = bytes;
    if (s->is_blockdev) {
        return BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED;
    }
    off_t data = lseek(s->fd, offset, SEEK_DATA);
    if (data < 0) {
        /* ENXIO: only a hole up to the end of the file. */
        return errno == ENXIO ? BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED
                              : BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED;
    }
    if ((uint64_t)data > offset) {
        *pnum = MIN(bytes, (uint64_t)data - offset);
        return BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED;
    }
    off_t hole = lseek(s->fd, offset, SEEK_HOLE);
    if (hole > (off_t)offset) {
        *pnum = MIN(bytes, (uint64_t)hole - offset);
    }
    return BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED;
}

static const BlockDriver bdrv_file = {
    .format_name = "file",
    .instance_size = sizeof(FileState),
    .is_protocol = true,
    .open = file_open,
    .close = file_close,
    .preadv = file_preadv,
    .pwritev = file_pwritev,
    .flush = file_flush,
    .getlength = file_getlength,
    .get_allocated_size = file_get_allocated_size,
    .truncate = file_truncate,
    .pdiscard = file_pdiscard,
    .pwrite_zeroes = file_pwrite_zeroes,
    .block_status = file_block_status,
};
BLOCK_DRIVER_REGISTER(bdrv_file)
