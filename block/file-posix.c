/*
 * The file protocol: a host file or block device.
 *
 * Requests run synchronously (preadv/pwritev) on the block layer's worker
 * threads, or with aio=io_uring go to the node's ring (io-uring.c) when
 * they need no bounce buffer.  cache= maps to open flags (O_DIRECT for
 * none/directsync); O_DIRECT requests that are not aligned to what the
 * file system wants (probed at open) go through an aligned bounce buffer,
 * partial blocks by read-modify-write.  A flush is a real fdatasync.
 * Discard punches holes, zero writes use FALLOC_FL_ZERO_RANGE, and
 * block_status asks SEEK_DATA/SEEK_HOLE, so sparse images stay sparse
 * through emu-img convert.  Image locking is in file-lock.c.
 */
#include "emu/common.h"
#include <glib.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "block/file-posix.h"
#include "emu/error.h"

/* What we assume when the kernel does not say: a page is right for every
 * O_DIRECT file system we know (over-alignment is always allowed). */
#define FALLBACK_ALIGN 4096

static bool is_pow2(uint32_t x)
{
    return x && !(x & (x - 1));
}

/* The alignment O_DIRECT needs for offsets/lengths and for buffers:
 * statx(STATX_DIOALIGN) where the kernel knows (Linux 6.1), the logical
 * sector size of a block device, else the smallest read that works. */
static void file_probe_alignment(FileState *s)
{
    uint32_t req = 0, mem = 0;
#ifdef STATX_DIOALIGN
    struct statx sx;
    if (statx(s->fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &sx) == 0 &&
        (sx.stx_mask & STATX_DIOALIGN)) {
        req = sx.stx_dio_offset_align;
        mem = sx.stx_dio_mem_align;
    }
#endif
    int ss;
    if (!req && s->is_blockdev && ioctl(s->fd, BLKSSZGET, &ss) == 0) {
        req = ss;
    }
    if (!req) {
        /* A read that returns data proves the size (an empty file proves
         * nothing: keep the fallback). */
        void *buf = NULL;
        if (posix_memalign(&buf, FALLBACK_ALIGN, FALLBACK_ALIGN) == 0) {
            for (uint32_t a = 512; a <= FALLBACK_ALIGN; a *= 2) {
                if (pread(s->fd, buf, a, 0) > 0) {
                    req = a;
                    break;
                }
            }
            free(buf);
        }
    }
    s->req_align = is_pow2(req) ? req : FALLBACK_ALIGN;
    s->buf_align = is_pow2(mem) ? mem : FALLBACK_ALIGN;
}

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
        error_setg(errp, "Could not open '%s': %s", bs->filename, strerror(e));
        return -e;
    }
    struct stat st;
    if (fstat(s->fd, &st) < 0) {
        int e = errno;
        error_setg(errp, "Could not stat '%s': %s", bs->filename, strerror(e));
        close(s->fd);
        return -e;
    }
    if (S_ISDIR(st.st_mode)) {
        error_setg(errp, "'%s' is a directory, not an image", bs->filename);
        close(s->fd);
        return -EISDIR;
    }
    s->is_blockdev = S_ISBLK(st.st_mode);
    s->direct = flags & O_DIRECT;
    s->req_align = s->buf_align = 1;
    if (s->direct) {
        file_probe_alignment(s);
    }
    g_mutex_init(&s->rmw_lock);
    g_cond_init(&s->rmw_cond);
    s->locking = !bs->opts.no_lock;
    s->perm = 0;
    s->shared = BLK_PERM_ALL;
    if (bs->opts.aio == BLOCK_AIO_IO_URING) {
        s->ring = luring_new(bs->filename, errp);
        if (!s->ring) {
            close(s->fd);
            g_mutex_clear(&s->rmw_lock);
            g_cond_clear(&s->rmw_cond);
            return -ENOTSUP;
        }
    }
    return 0;
}

static void file_close(BlockDriverState *bs)
{
    FileState *s = bs->opaque;
    luring_free(s->ring);
    close(s->fd); /* also drops the image locks */
    g_mutex_clear(&s->rmw_lock);
    g_cond_clear(&s->rmw_cond);
}

/* ---- Writers and read-modify-write (see FileState) ------------------- */

bool file_writer_try_begin(FileState *s)
{
    g_mutex_lock(&s->rmw_lock);
    bool ok = !s->rmw_active && !s->rmw_waiting;
    s->writers += ok;
    g_mutex_unlock(&s->rmw_lock);
    return ok;
}

static void file_writer_begin(FileState *s)
{
    g_mutex_lock(&s->rmw_lock);
    while (s->rmw_active || s->rmw_waiting) {
        g_cond_wait(&s->rmw_cond, &s->rmw_lock);
    }
    s->writers++;
    g_mutex_unlock(&s->rmw_lock);
}

void file_writer_end(FileState *s)
{
    g_mutex_lock(&s->rmw_lock);
    s->writers--;
    g_cond_broadcast(&s->rmw_cond);
    g_mutex_unlock(&s->rmw_lock);
}

static void file_rmw_begin(FileState *s)
{
    g_mutex_lock(&s->rmw_lock);
    s->rmw_waiting++;
    while (s->rmw_active || s->writers) {
        g_cond_wait(&s->rmw_cond, &s->rmw_lock);
    }
    s->rmw_waiting--;
    s->rmw_active = true;
    g_mutex_unlock(&s->rmw_lock);
}

static void file_rmw_end(FileState *s)
{
    g_mutex_lock(&s->rmw_lock);
    s->rmw_active = false;
    g_cond_broadcast(&s->rmw_cond);
    g_mutex_unlock(&s->rmw_lock);
}

/* ---- Transfers ---------------------------------------------------------- */

/* Do the whole transfer of [qoff, qoff + bytes) of qiov at offset: short
 * reads/writes and EINTR are retried; reads past the end of the file give
 * zeros (a raw image shorter than its virtual size, as a growing file
 * is; with O_DIRECT the end of the file need not be aligned). */
static int file_rw_plain_flags(FileState *s, uint64_t offset, uint64_t bytes,
                               IOVector *qiov, size_t qoff, bool is_write,
                               int rwf)
{
    IOVector v;
    iovec_init(&v, qiov->niov);
    iovec_concat(&v, qiov, qoff, bytes);
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
        ssize_t n = is_write ? pwritev2(s->fd, iov, cnt, offset + done, rwf)
                             : preadv2(s->fd, iov, cnt, offset + done, rwf);
        iov->iov_base = (char *)iov->iov_base - skip;
        iov->iov_len += skip;
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            r = -errno;
            break;
        }
        if (n == 0 && is_write) {
            r = -EIO;
            break;
        }
        done += n;
        if (!is_write && (n == 0 || (s->direct && done % s->req_align))) {
            iov_memset(v.iov, v.niov, done, 0, bytes - done);
            break;
        }
    }
    iovec_destroy(&v);
    return r;
}

static int file_rw_plain(FileState *s, uint64_t offset, uint64_t bytes,
                         IOVector *qiov, size_t qoff, bool is_write)
{
    return file_rw_plain_flags(s, offset, bytes, qiov, qoff, is_write, 0);
}

/* Can the request go to the kernel as it is? */
static bool file_is_aligned(FileState *s, uint64_t offset, uint64_t bytes,
                            IOVector *qiov, size_t qoff)
{
    if (!s->direct) {
        return true;
    }
    if ((offset | bytes) & (s->req_align - 1)) {
        return false;
    }
    uint64_t left = bytes;
    for (int i = 0; i < qiov->niov && left; i++) {
        uintptr_t base = (uintptr_t)qiov->iov[i].iov_base;
        size_t len = qiov->iov[i].iov_len;
        if (qoff >= len) {
            qoff -= len;
            continue;
        }
        base += qoff;
        len = MIN(len - qoff, left);
        qoff = 0;
        if ((base & (s->buf_align - 1)) || (len & (s->req_align - 1))) {
            return false;
        }
        left -= len;
    }
    return true;
}

/* O_DIRECT with a request the kernel would refuse: through an aligned
 * buffer covering the aligned blocks around it. */
static int file_rw_bounce(FileState *s, uint64_t offset, uint64_t bytes,
                          IOVector *qiov, size_t qoff, bool is_write)
{
    uint64_t a = s->req_align;
    uint64_t start = offset & ~(a - 1);
    uint64_t end = (offset + bytes + a - 1) & ~(a - 1);
    size_t len = end - start;
    void *buf;
    if (posix_memalign(&buf, MAX(s->buf_align, sizeof(void *)), len)) {
        return -ENOMEM;
    }
    struct iovec one;
    IOVector v;
    int r = 0;
    if (!is_write) {
        iovec_init_buf(&v, &one, buf, len);
        r = file_rw_plain(s, start, len, &v, 0, false);
        if (r == 0) {
            iov_from_buf(qiov->iov, qiov->niov, qoff,
                         (char *)buf + (offset - start), bytes);
        }
        free(buf);
        return r;
    }
    bool head = start != offset, tail = end != offset + bytes;
    if (head || tail) {
        file_rmw_begin(s);
    } else {
        file_writer_begin(s);
    }
    if (head) {
        iovec_init_buf(&v, &one, buf, a);
        r = file_rw_plain(s, start, a, &v, 0, false);
    }
    if (r == 0 && tail && !(head && len == a)) {
        iovec_init_buf(&v, &one, (char *)buf + len - a, a);
        r = file_rw_plain(s, end - a, a, &v, 0, false);
    }
    struct stat st;
    if (r == 0 && (head || tail) && fstat(s->fd, &st) < 0) {
        r = -errno;
    }
    if (r == 0) {
        iov_to_buf(qiov->iov, qiov->niov, qoff, (char *)buf + (offset - start),
                   bytes);
        iovec_init_buf(&v, &one, buf, len);
        r = file_rw_plain(s, start, len, &v, 0, true);
    }
    /* The tail block of a file whose size is not aligned: the write grew
     * the file to the block's end; give it its size back. */
    if (r == 0 && (head || tail) && !s->is_blockdev &&
        (uint64_t)st.st_size < end && (uint64_t)st.st_size >= offset + bytes &&
        ftruncate(s->fd, st.st_size) < 0) {
        r = -errno;
    }
    if (head || tail) {
        file_rmw_end(s);
    } else {
        file_writer_end(s);
    }
    free(buf);
    return r;
}

int file_rw(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
            IOVector *qiov, size_t qoff, bool is_write)
{
    FileState *s = bs->opaque;
    if (!file_is_aligned(s, offset, bytes, qiov, qoff)) {
        return file_rw_bounce(s, offset, bytes, qiov, qoff, is_write);
    }
    if (!is_write || !s->direct) {
        return file_rw_plain(s, offset, bytes, qiov, qoff, is_write);
    }
    file_writer_begin(s);
    int r = file_rw_plain(s, offset, bytes, qiov, qoff, true);
    file_writer_end(s);
    return r;
}

static int file_preadv(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       IOVector *qiov)
{
    return file_rw(bs, offset, bytes, qiov, 0, false);
}

static int file_pwritev(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                        IOVector *qiov)
{
    /* Write-through (cache=writethrough, or the guest turned its write
     * cache off) is the BlockBackend's flush after each write. */
    return file_rw(bs, offset, bytes, qiov, 0, true);
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
        return ioctl(s->fd, BLKGETSIZE64, &size) < 0 ? -errno : (int64_t)size;
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

static int file_pdiscard_locked(FileState *s, uint64_t offset, uint64_t bytes)
{
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

/* Discards and zero writes change data too: an RMW must not overlap
 * them (O_DIRECT only, see FileState). */
static int file_pdiscard(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    FileState *s = bs->opaque;
    if (s->direct) {
        file_writer_begin(s);
    }
    int r = file_pdiscard_locked(s, offset, bytes);
    if (s->direct) {
        file_writer_end(s);
    }
    return r;
}

static int file_pwrite_zeroes(BlockDriverState *bs, uint64_t offset,
                              uint64_t bytes)
{
    FileState *s = bs->opaque;
    if (s->is_blockdev) {
        return -ENOTSUP;
    }
    if (s->direct) {
        file_writer_begin(s);
    }
    int r =
        fallocate(s->fd, FALLOC_FL_ZERO_RANGE, offset, bytes) < 0 ? -errno : 0;
    if (s->direct) {
        file_writer_end(s);
    }
    return r == -EOPNOTSUPP ? -ENOTSUP : r;
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

/* ---- aio=io_uring ------------------------------------------------------ */

typedef struct FileAioReq {
    BlockDriverState *bs;
    BdrvAioOp op;
    uint64_t offset, bytes;
    IOVector *qiov;
    bool writer; /* counted in FileState.writers */
    BdrvAioDoneFunc *done;
    void *opaque;
} FileAioReq;

/* In the reaper thread: the kernel's result for one request. */
static void file_aio_done(void *opaque, int64_t res)
{
    FileAioReq *a = opaque;
    FileState *s = a->bs->opaque;
    int ret = res < 0 ? (int)res : 0;
    if (res >= 0 && a->op != BDRV_AIO_FLUSH && (uint64_t)res < a->bytes) {
        /* A short transfer (the end of the file, a signal): finish it
         * here, as the synchronous path would. */
        if (a->op == BDRV_AIO_READ && (res == 0 || s->direct)) {
            iov_memset(a->qiov->iov, a->qiov->niov, res, 0, a->bytes - res);
        } else {
            ret = file_rw_plain(s, a->offset + res, a->bytes - res, a->qiov,
                                res, a->op == BDRV_AIO_WRITE);
        }
    }
    if (a->writer) {
        file_writer_end(s);
    }
    a->done(a->opaque, ret);
    g_free(a);
}

static int file_aio_submit(BlockDriverState *bs, BdrvAioOp op, uint64_t offset,
                           uint64_t bytes, IOVector *qiov,
                           BdrvAioDoneFunc *done, void *opaque)
{
    FileState *s = bs->opaque;
    if (!s->ring) {
        return -ENOTSUP;
    }
    if (op != BDRV_AIO_FLUSH &&
        (qiov->size != bytes || !file_is_aligned(s, offset, bytes, qiov, 0))) {
        return -ENOTSUP;
    }
    bool writer = op == BDRV_AIO_WRITE && s->direct;
    if (writer && !file_writer_try_begin(s)) {
        return -ENOTSUP;
    }
    FileAioReq *a = g_new(FileAioReq, 1);
    *a = (FileAioReq){bs, op, offset, bytes, qiov, writer, done, opaque};
    int r = luring_submit(s->ring, s->fd, op, offset, qiov ? qiov->iov : NULL,
                          qiov ? qiov->niov : 0, file_aio_done, a);
    if (r < 0) {
        if (writer) {
            file_writer_end(s);
        }
        g_free(a);
        return -ENOTSUP;
    }
    return 0;
}

/* Added by diskperf: the transfer now if the page cache holds what it
 * needs (RWF_NOWAIT: the kernel fails with EAGAIN rather than wait for
 * the disk).  Not with O_DIRECT, which always waits for the disk.  A
 * short transfer goes on from where it stopped; any failure is -EAGAIN
 * and the worker does the whole request again (a read, or the same
 * bytes written again), reporting real errors as always. */
static int file_rw_nowait(BlockDriverState *bs, BdrvAioOp op, uint64_t offset,
                          uint64_t bytes, IOVector *qiov)
{
    FileState *s = bs->opaque;
    bool is_write = op == BDRV_AIO_WRITE;
    if (s->direct || op == BDRV_AIO_FLUSH || qiov->size != bytes ||
        (is_write &&
         __atomic_load_n(&s->nowait_write_unsupported, __ATOMIC_RELAXED))) {
        return -EAGAIN;
    }
    int r = file_rw_plain_flags(s, offset, bytes, qiov, 0, is_write,
                                RWF_NOWAIT);
    if (r == -EOPNOTSUPP && is_write) {
        __atomic_store_n(&s->nowait_write_unsupported, 1, __ATOMIC_RELAXED);
    }
    return r < 0 ? -EAGAIN : 0;
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
    .set_perm = file_lock_set_perm,
    .aio_submit = file_aio_submit,
    .rw_nowait = file_rw_nowait,
};
BLOCK_DRIVER_REGISTER(bdrv_file)
