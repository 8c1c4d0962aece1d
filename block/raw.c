/*
 * The raw format: the image is the disk, byte for byte.
 *
 * Probing protection (docs/user-guide.md, "Disks and images"): when raw
 * was chosen because nothing else matched (no format= given), a guest
 * write that would make sector 0 probe as another format (a qcow2 header,
 * say) is refused with -EPERM and logged once: otherwise the next start
 * would open the disk as that format and let the guest read host files
 * through a backing file name of its choosing.  format=raw lifts it.
 */
#include "emu/common.h"
#include <glib.h>
#include <fcntl.h>
#include <unistd.h>
#include "block/block-int.h"
#include "emu/error.h"

static int raw_preadv(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      IOVector *qiov)
{
    return bdrv_preadv(bs->file, offset, bytes, qiov);
}

/* A write to sector 0 of a probed image: would it probe as a format? */
static bool raw_write_changes_format(BlockDriverState *bs, uint64_t offset,
                                     uint64_t bytes, IOVector *qiov)
{
    if (!bs->probed || offset >= 512) {
        return false;
    }
    uint8_t buf[512];
    /* Formats' requests are 512-aligned: offset 0 covers all of sector 0. */
    size_t n =
        iov_to_buf(qiov->iov, qiov->niov, 0, buf, MIN(bytes, sizeof(buf)));
    if (n < sizeof(buf) &&
        bdrv_pread(bs->file, n, buf + n, sizeof(buf) - n) < 0) {
        memset(buf + n, 0, sizeof(buf) - n);
    }
    return strcmp(bdrv_probe_buf(buf, sizeof(buf)), "raw") != 0;
}

static int raw_pwritev(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       IOVector *qiov)
{
    if (raw_write_changes_format(bs, offset, bytes, qiov)) {
        if (!bs->warned_probe) {
            bs->warned_probe = true;
            error_report("%s: refused a write that would make sector 0 "
                         "look like another image format (the format was "
                         "probed; give format=raw to allow it)",
                         bs->filename);
        }
        return -EPERM;
    }
    return bdrv_pwritev(bs->file, offset, bytes, qiov);
}

/* Straight to the file's io_uring, except writes to sector 0 of a probed
 * image, which the synchronous path checks. */
static int raw_aio_submit(BlockDriverState *bs, BdrvAioOp op, uint64_t offset,
                          uint64_t bytes, IOVector *qiov, BdrvAioDoneFunc *done,
                          void *opaque)
{
    if (op == BDRV_AIO_WRITE && bs->probed && offset < 512) {
        return -ENOTSUP;
    }
    return bdrv_aio_submit(bs->file, op, offset, bytes, qiov, done, opaque);
}

static int raw_rw_nowait(BlockDriverState *bs, BdrvAioOp op, uint64_t offset,
                         uint64_t bytes, IOVector *qiov)
{
    if (op == BDRV_AIO_WRITE && bs->probed && offset < 512) {
        return -EAGAIN;
    }
    return bdrv_rw_nowait(bs->file, op, offset, bytes, qiov);
}

static int raw_pwrite_zeroes(BlockDriverState *bs, uint64_t offset,
                             uint64_t bytes)
{
    return bdrv_pwrite_zeroes(bs->file, offset, bytes);
}

static int raw_pdiscard(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    return bdrv_pdiscard(bs->file, offset, bytes);
}

/* The disk is whole 512-byte sectors, as QEMU's raw driver sees it: a
 * file whose size is not a multiple of 512 has its last sector completed
 * with zeros (the file protocol reads zeros past the end of the file), and
 * a write there extends the file to the sector's end. */
static int64_t raw_getlength(BlockDriverState *bs)
{
    int64_t len = bdrv_getlength(bs->file);
    return len < 0 ? len : (len + 511) & ~(int64_t)511;
}

static int64_t raw_get_allocated_size(BlockDriverState *bs)
{
    const BlockDriver *d = bs->file->drv;
    return d->get_allocated_size ? d->get_allocated_size(bs->file) : -ENOTSUP;
}

static int raw_truncate(BlockDriverState *bs, uint64_t size, Error **errp)
{
    return bdrv_truncate(bs->file, size, errp);
}

/* The file may end inside the last sector (raw_getlength): the rest of
 * that sector belongs to the data before it, or is zeros if the file ends
 * at or before the start of the range. */
static int raw_block_status(BlockDriverState *bs, uint64_t offset,
                            uint64_t bytes, uint64_t *pnum)
{
    int64_t flen = bdrv_getlength(bs->file);
    if (flen < 0) {
        return (int)flen;
    }
    if (offset >= (uint64_t)flen) {
        *pnum = bytes;
        return BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED;
    }
    int r = bdrv_block_status(bs->file, offset,
                              MIN(bytes, (uint64_t)flen - offset), pnum);
    if (r >= 0 && offset + *pnum == (uint64_t)flen) {
        *pnum = bytes; /* the range ends at most at the sector's end */
    }
    return r;
}

static int raw_create(const char *filename, const BlockCreateOptions *o,
                      Error **errp)
{
    if (o->backing_file) {
        error_setg(errp, "raw images cannot have a backing file");
        return -EINVAL;
    }
    if (o->preallocation && strcmp(o->preallocation, "off")) {
        error_setg(errp, "preallocation=%s is not supported (only off)",
                   o->preallocation);
        return -ENOTSUP;
    }
    int fd = open(filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        error_setg(errp, "Could not create '%s': %s", filename, strerror(e));
        return -e;
    }
    int r = ftruncate(fd, o->size) < 0 ? -errno : 0;
    close(fd);
    if (r < 0) {
        error_setg(errp, "Could not resize '%s': %s", filename, strerror(-r));
    }
    return r;
}

static const BlockDriver bdrv_raw = {
    .format_name = "raw",
    .preadv = raw_preadv,
    .pwritev = raw_pwritev,
    .pwrite_zeroes = raw_pwrite_zeroes,
    .pdiscard = raw_pdiscard,
    .getlength = raw_getlength,
    .get_allocated_size = raw_get_allocated_size,
    .truncate = raw_truncate,
    .block_status = raw_block_status,
    .create = raw_create,
    .aio_submit = raw_aio_submit,
    .rw_nowait = raw_rw_nowait,
};
BLOCK_DRIVER_REGISTER(bdrv_raw)
