/*
 * The block layer as devices see it: a BlockBackend is one drive (-drive
 * id=d0,... or -hda), handed to a device through its "drive" property.
 *
 * Devices do asynchronous I/O: blk_aio_* queue a request and return at
 * once; a worker thread (aio=threads) or io_uring (aio=io_uring) does the
 * work on the format stack beneath (raw or qcow2 over a file, overlays),
 * which the device never sees; the completion callback runs later in the
 * main loop, under the global lock, through a bottom half.  The guest
 * keeps running meanwhile.  The buffers an iovec names (guest RAM mapped
 * with address_space_map, or a device buffer) must stay valid until the
 * callback has run.  ret is 0 or -errno (-EIO, -ENOSPC, -EROFS, -ENOMEDIUM,
 * -EPERM for a refused write such as the raw probing protection).
 *
 * The synchronous calls (blk_pread...) run the request in the calling
 * thread; devices use them only where hardware is synchronous anyway
 * (small metadata at realize), tools and tests use them freely.
 *
 * Requests are not ordered against each other: a device that needs a
 * write to be stable before the next one waits for its callback (and
 * flushes).  blk_drain() waits until every request of the drive has
 * completed and its callback has run: devices call it on reset and before
 * they forget a request.
 *
 * Locking: every call under the global lock (the device's thread: a vCPU
 * in an I/O exit, or the main loop).
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include <sys/uio.h>
#include "emu/common.h"
#include "emu/property.h"

typedef struct BlockBackend BlockBackend;
typedef struct DeviceState DeviceState;

/* ret: bytes are not reported; 0 on success or -errno. */
typedef void BlockCompletionFunc(void *opaque, int ret);

void blk_aio_preadv(BlockBackend *blk, uint64_t offset,
                    const struct iovec *iov, int niov,
                    BlockCompletionFunc *cb, void *opaque);
void blk_aio_pwritev(BlockBackend *blk, uint64_t offset,
                     const struct iovec *iov, int niov,
                     BlockCompletionFunc *cb, void *opaque);
/* Everything completed before is on stable storage (fdatasync) when cb
 * runs; with cache=unsafe a no-op that succeeds. */
void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque);
/* A hint: the range may read back as zeros or as its old contents. */
void blk_aio_pdiscard(BlockBackend *blk, uint64_t offset, uint64_t bytes,
                      BlockCompletionFunc *cb, void *opaque);
/* Wait for every in-flight request of blk and run its callback. */
void blk_drain(BlockBackend *blk);
void blk_drain_all(void);

/* Synchronous forms: 0 or -errno (never short). */
int blk_pread(BlockBackend *blk, uint64_t offset, void *buf, size_t bytes);
int blk_pwrite(BlockBackend *blk, uint64_t offset, const void *buf,
               size_t bytes);
int blk_flush(BlockBackend *blk);

/* ---- What the device asks about the drive ----------------------------- */

/* The drive's id ("d0", "ide0-hd0"), for messages and the monitor. */
const char *blk_name(const BlockBackend *blk);
/* Size of the medium in bytes (0 with no medium). */
uint64_t blk_getlength(BlockBackend *blk);
bool blk_is_read_only(BlockBackend *blk);
/* A medium is present (a CD drive may be empty). */
bool blk_is_inserted(BlockBackend *blk);
/* The guest-visible write cache (ATA IDENTIFY word 85, SET FEATURES 02h/
 * 82h): off means every write is flushed before it completes
 * (cache=writethrough).  The device may switch it. */
bool blk_enable_write_cache(BlockBackend *blk);
void blk_set_enable_write_cache(BlockBackend *blk, bool wce);

/* ---- Devices and removable media --------------------------------------- */

typedef struct BlockDevOps {
    /* The medium was ejected (load = false) or a new one inserted (true)
     * by the monitor (eject, change): the device raises its media-change
     * condition (ATAPI UNIT ATTENTION, the floppy's disk-change line). */
    void (*change_media_cb)(void *opaque, bool load);
    /* The monitor asked to eject while the guest locked the tray (PREVENT
     * ALLOW MEDIUM REMOVAL): the device may tell the guest (ATAPI event
     * status "eject request"). */
    void (*eject_request_cb)(void *opaque, bool force);
    /* The guest locked the medium (monitor eject refuses without -f). */
    bool (*is_medium_locked)(void *opaque);
} BlockDevOps;

/* A drive belongs to at most one device: attaching a second fails
 * ("drive d0 is already used by ide-hd 'x'").  -1 with errp filled. */
int blk_attach_dev(BlockBackend *blk, DeviceState *dev, Error **errp);
void blk_detach_dev(BlockBackend *blk, DeviceState *dev);
void blk_set_dev_ops(BlockBackend *blk, const BlockDevOps *ops, void *opaque);
/* For removable drives (CD-ROM, floppy): the guest opened the tray or
 * ejected (ATAPI START STOP UNIT with LoEj): the medium goes away. */
void blk_eject(BlockBackend *blk);

/* ---- Accounting (info blockstats) -------------------------------------- */
typedef enum BlockAcctType {
    BLOCK_ACCT_READ,
    BLOCK_ACCT_WRITE,
    BLOCK_ACCT_FLUSH,
    BLOCK_ACCT_UNMAP, /* discards (added by blkcore: info blockstats) */
    BLOCK_ACCT_MAX
} BlockAcctType;
/* The block layer counts every request itself; nothing for devices to do. */

/* ---- The "drive" device property ---------------------------------------- */
/*
 * A field of type BlockBackend * set from -device ...,drive=ID: the drive
 * is looked up by id and attached to the device (a second device naming
 * the same drive is refused).  block/drive-prop.c.
 */
extern const PropertyInfo prop_info_drive;
#define DEFINE_PROP_DRIVE(n, S, f, desc) \
    DEFINE_PROP(n, S, f, BlockBackend *, &prop_info_drive, 0, desc)
/* Board code: set a drive property directly (attaches, -1 on refusal). */
int device_prop_set_drive(DeviceState *dev, const char *name,
                          BlockBackend *blk, Error **errp);

#endif
