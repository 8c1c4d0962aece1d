/*
 * Inside the block layer: image nodes and the drivers that implement
 * them.  For block/, the front end (block/blockdev.c), emu-img and tests;
 * devices never include this (they see include/block/block.h only;
 * make check-layers enforces it).
 *
 * A BlockDriverState (BDS, a "node") is one open layer of an image stack:
 *
 *     BlockBackend "d0"  ->  qcow2 node  --file-->    file node (host fd)
 *                                       --backing-> raw node --file--> file
 *
 * A protocol driver (file) opens a host path; a format driver (raw,
 * qcow2) interprets the bytes of its `file` child and may have a
 * `backing` node.  Every driver op is synchronous and returns 0 / -errno;
 * the BlockBackend runs them on worker threads, so ops of one node may be
 * called from several threads at once: a driver protects its own
 * metadata (the file driver needs nothing; qcow2 holds its lock around
 * metadata; qcow2 holds one lock per image for a whole request).
 * Offsets and lengths are in bytes; requests reaching a format driver are
 * within the node's length and aligned to 512.  A protocol node (file) is
 * different: a write past its end extends it (qcow2 allocates clusters
 * there) and a read past its end gives zeros (qemu-img ends files in the
 * middle of a sector).  A driver may also offer aio_submit, which the
 * BlockBackend tries first (the file protocol with aio=io_uring);
 * docs/devel/block.md describes the threads and a request's path.
 */
#ifndef BLOCK_BLOCK_INT_H
#define BLOCK_BLOCK_INT_H

#include "emu/common.h"
#include "emu/iov.h"
#include "block/block.h"

typedef struct BlockDriver BlockDriver;
typedef struct BlockDriverState BlockDriverState;

/* cache= (QEMU's): which host caches are bypassed and whether flush is real.
 *   writeback     page cache, guest-visible write cache, flush = fdatasync
 *   none          O_DIRECT, write cache, flush = fdatasync
 *   writethrough  page cache, every write flushed before it completes
 *   directsync    O_DIRECT + writethrough
 *   unsafe        page cache, flushes ignored */
typedef enum BlockCacheMode {
    BLOCK_CACHE_WRITEBACK,
    BLOCK_CACHE_NONE,
    BLOCK_CACHE_WRITETHROUGH,
    BLOCK_CACHE_DIRECTSYNC,
    BLOCK_CACHE_UNSAFE,
} BlockCacheMode;

typedef enum BlockAioMode {
    BLOCK_AIO_THREADS,
    BLOCK_AIO_IO_URING,
} BlockAioMode;

/* How to open an image (from -drive, -blockdev, emu-img, tests). */
typedef struct BlockOpenOptions {
    const char *filename;
    const char *format;  /* NULL: probe (qcow2 by its magic, else raw) */
    bool read_only;
    BlockCacheMode cache;
    BlockAioMode aio;
    bool no_lock;        /* file.locking=off */
    /* Backing of a format node: NULL = what the image header says;
     * "" = none (-blockdev backing=null). */
    const char *backing;
    bool no_backing_open; /* open only this layer (emu-img info) */
    /* Open the first backing level read-write (commit); the rest of the
     * chain stays read-only. */
    bool backing_rw;
    /* Added by blkcore: -U / force-share (emu-img): read-only, takes no
     * write-blocking lock and is not refused by other users' locks. */
    bool force_share;
    /* Added by idefix: opened by emu-img check (QEMU's BDRV_O_CHECK): a
     * qcow2 image left dirty is not repaired on open, so that the check
     * reports (and with -r repairs) what the crash left behind. */
    bool check;
} BlockOpenOptions;

struct BlockDriverState {
    const BlockDriver *drv;
    void *opaque;              /* the driver's state, instance_size bytes */
    char *filename;            /* as given, for messages */
    BlockDriverState *file;    /* a format's protocol child */
    BlockDriverState *backing; /* a format's backing node, or NULL */
    BlockOpenOptions opts;     /* strings owned by the node */
    bool read_only;
    /* raw chosen by probing: writes that would make sector 0 probe as
     * another format are refused (-EPERM), logged once (block/raw.c). */
    bool probed;
    bool warned_probe;
    /* What a format's header records (NULL if none), for info. */
    char *backing_file;
    char *backing_format;
    int refcnt;
    int chain_depth; /* 0 for the top image, +1 per backing level */
};

/* Result of check (emu-img check, qemu-img's numbers). */
typedef struct BdrvCheckResult {
    int corruptions;        /* errors that lose or mix up data */
    int leaks;              /* clusters allocated but unused */
    int check_errors;       /* could not check (I/O error) */
    int corruptions_fixed;
    int leaks_fixed;
    int64_t image_end_offset;
    uint64_t allocated_clusters, total_clusters;
    uint64_t fragmented_clusters, compressed_clusters;
} BdrvCheckResult;

typedef enum BdrvCheckMode {
    BDRV_FIX_NONE = 0,
    BDRV_FIX_LEAKS = 1,
    BDRV_FIX_ERRORS = 2, /* -r all = leaks | errors */
} BdrvCheckMode;

/* emu-img info / info block: what a format knows about itself. */
typedef struct BlockDriverInfo {
    uint32_t cluster_size;   /* 0 if none */
    bool is_dirty;           /* qcow2 dirty bit set (lazy refcounts) */
    /* qcow2 "Format specific information" */
    const char *compat;      /* "0.10" or "1.1" */
    bool lazy_refcounts;
    bool corrupt;
    int refcount_bits;
    bool extended_l2;
    const char *compression_type; /* "zlib" */
} BlockDriverInfo;

/* One internal snapshot of an image (emu-img snapshot -l, info). */
typedef struct BlockSnapshotInfo {
    char id[32];
    char name[256];
    uint64_t vm_state_size;
    uint32_t date_sec, date_nsec;
    uint64_t vm_clock_nsec;
    uint32_t icount; /* qemu-img prints it; UINT32_MAX (added by qsnap):
                      * none, QEMU's -1 of a savevm, printed empty */
} BlockSnapshotInfo;

/* Options of create (emu-img create -o, overlays). */
typedef struct BlockCreateOptions {
    uint64_t size;
    const char *backing_file;   /* -b */
    const char *backing_format; /* -F */
    uint32_t cluster_size;      /* 0: the format's default */
    bool lazy_refcounts;
    const char *compat;         /* "0.10" | "v2" | "1.1" | "v3"; NULL: 1.1 */
    int refcount_bits;          /* 0: 16 */
    const char *preallocation;  /* NULL/"off"; others refused clearly */
} BlockCreateOptions;

/*
 * Image locking (added by blkcore; QEMU's scheme, block/file-lock.c).
 * Permissions a user of a node takes (perm) and those it lets others take
 * (shared); the file protocol turns them into OFD locks on the bytes
 * 100 + bit (perm held) and 200 + bit (perm not shared), the offsets QEMU
 * uses, so emu, QEMU and qemu-img see each other's locks.
 */
#define BLK_PERM_CONSISTENT_READ 0x01
#define BLK_PERM_WRITE 0x02
#define BLK_PERM_WRITE_UNCHANGED 0x04
#define BLK_PERM_RESIZE 0x08
#define BLK_PERM_ALL 0x0f

/* Added by blkcore: asynchronous requests a driver may start itself
 * (the file protocol with aio=io_uring; raw passes them down). */
typedef enum BdrvAioOp {
    BDRV_AIO_READ,
    BDRV_AIO_WRITE,
    BDRV_AIO_FLUSH,
} BdrvAioOp;
/* Called once, from any thread (the io_uring reaper), never from inside
 * the submitting call. */
typedef void BdrvAioDoneFunc(void *opaque, int ret);

/* block_status flags: what a range of a node is (convert, compare, map). */
#define BDRV_BLOCK_DATA 0x1  /* reads from this layer (or its file) */
#define BDRV_BLOCK_ZERO 0x2  /* reads as zeros */
#define BDRV_BLOCK_ALLOCATED 0x4 /* this layer decides (not the backing) */

struct BlockDriver {
    const char *format_name;
    size_t instance_size;
    bool is_protocol; /* opens a host path itself (file) */
    /* Score 0-100 for the first bytes of an image (probing). */
    int (*probe)(const uint8_t *buf, int buf_size);
    /* Protocols: bs->filename is a host path.  Formats: bs->file is open;
     * the driver reads its header, sets bs->backing_file/format and (unless
     * opts.no_backing_open) opens bs->backing with bdrv_open_backing(). */
    int (*open)(BlockDriverState *bs, Error **errp);
    void (*close)(BlockDriverState *bs);
    int (*preadv)(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                  IOVector *qiov);
    int (*pwritev)(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                   IOVector *qiov);
    /* Optional: write whole clusters compressed (emu-img convert -c). */
    int (*pwritev_compressed)(BlockDriverState *bs, uint64_t offset,
                              uint64_t bytes, IOVector *qiov);
    /* Optional: zeros without data (qcow2 zero clusters). */
    int (*pwrite_zeroes)(BlockDriverState *bs, uint64_t offset,
                         uint64_t bytes);
    int (*pdiscard)(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
    /* Metadata caches to the file, then the file to stable storage. */
    int (*flush)(BlockDriverState *bs);
    int64_t (*getlength)(BlockDriverState *bs);
    /* Bytes the image takes on the host (info "disk size"); optional. */
    int64_t (*get_allocated_size)(BlockDriverState *bs);
    int (*truncate)(BlockDriverState *bs, uint64_t size, Error **errp);
    /* What [offset, offset+bytes) is: BDRV_BLOCK_* flags for the first
     * *pnum bytes (pnum <= bytes, > 0).  NULL: all DATA|ALLOCATED. */
    int (*block_status)(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                        uint64_t *pnum);
    int (*create)(const char *filename, const BlockCreateOptions *o,
                  Error **errp);
    int (*check)(BlockDriverState *bs, BdrvCheckResult *res,
                 BdrvCheckMode fix);
    int (*get_info)(BlockDriverState *bs, BlockDriverInfo *bdi);
    /* g_malloc'ed array, count returned (0 if none), or -errno. */
    int (*snapshot_list)(BlockDriverState *bs, BlockSnapshotInfo **list);
    /* Added by qsnap, optional: internal snapshots (include/block/
     * snapshot.h says what each does; block/snapshot.c calls them).  id is
     * the id of an existing snapshot (block/snapshot.c resolves names);
     * create chooses sn->id itself. */
    int (*snapshot_create)(BlockDriverState *bs, BlockSnapshotInfo *sn,
                           const void *vmstate, Error **errp);
    int (*snapshot_goto)(BlockDriverState *bs, const char *id, Error **errp);
    int (*snapshot_delete)(BlockDriverState *bs, const char *id, Error **errp);
    int (*snapshot_load_vmstate)(BlockDriverState *bs, const char *id,
                                 uint8_t **buf, size_t *len, Error **errp);
    /* Record a new backing file name in the header (commit, rebase). */
    int (*change_backing_file)(BlockDriverState *bs, const char *file,
                               const char *fmt);
    /* Empty the layer (emu-img commit without -d? qemu-img's make_empty). */
    int (*make_empty)(BlockDriverState *bs);
    /* Added by blkcore, optional.  Protocols: lock the image for perm/
     * shared (BLK_PERM_*), failing with a message naming the image when
     * another process holds a conflicting lock. */
    int (*set_perm)(BlockDriverState *bs, uint64_t perm, uint64_t shared,
                    Error **errp);
    /* Added by blkcore, optional: start the request without blocking and
     * return 0 (done runs later, from another thread), or -ENOTSUP (and
     * nothing else) when it must run synchronously on a worker: the
     * caller then calls preadv/pwritev/flush as usual.  qiov stays valid
     * until done has run. */
    int (*aio_submit)(BlockDriverState *bs, BdrvAioOp op, uint64_t offset,
                      uint64_t bytes, IOVector *qiov, BdrvAioDoneFunc *done,
                      void *opaque);
    /* Added by diskperf, optional: a read or write (not a flush) done in
     * the calling thread if the host can without waiting for a disk (the
     * data is in its page cache): 0 when done, -EAGAIN otherwise (also
     * for errors: the usual path then does the whole request again and
     * reports them).  Part of it may have been transferred meanwhile. */
    int (*rw_nowait)(BlockDriverState *bs, BdrvAioOp op, uint64_t offset,
                     uint64_t bytes, IOVector *qiov);
};

void bdrv_register(const BlockDriver *drv);
#define BLOCK_DRIVER_REGISTER(drv)                                 \
    static void __attribute__((constructor)) register_##drv(void) \
    {                                                              \
        bdrv_register(&(drv));                                     \
    }
const BlockDriver *bdrv_find_format(const char *name);
/* The format the first bytes of an image probe as ("raw" if none). */
const char *bdrv_probe_buf(const uint8_t *buf, int buf_size);
/* "raw, qcow2" for messages. */
const char *bdrv_format_list(void);

/* Open an image stack (probing, backing chain); errp says which file and
 * what is wrong.  bdrv_unref() closes it when the last user goes. */
BlockDriverState *bdrv_open(const BlockOpenOptions *o, Error **errp);
/* For format drivers' open: the backing named by bs->backing_file (a
 * relative name is relative to bs's file), read-only. */
int bdrv_open_backing(BlockDriverState *bs, Error **errp);
void bdrv_ref(BlockDriverState *bs);
void bdrv_unref(BlockDriverState *bs);

/* Synchronous I/O on a node (what drivers call on their children). */
int bdrv_preadv(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                IOVector *qiov);
int bdrv_pwritev(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                 IOVector *qiov);
int bdrv_pread(BlockDriverState *bs, uint64_t offset, void *buf,
               uint64_t bytes);
int bdrv_pwrite(BlockDriverState *bs, uint64_t offset, const void *buf,
                uint64_t bytes);
int bdrv_pwrite_zeroes(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
int bdrv_pdiscard(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
int bdrv_flush(BlockDriverState *bs);
int64_t bdrv_getlength(BlockDriverState *bs);
int bdrv_truncate(BlockDriverState *bs, uint64_t size, Error **errp);
int bdrv_block_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      uint64_t *pnum);
/* Added by blkcore: the driver's aio_submit after the checks of the
 * synchronous path (bounds, read-only); -ENOTSUP when the request must
 * take the synchronous path (which then reports any error). */
int bdrv_aio_submit(BlockDriverState *bs, BdrvAioOp op, uint64_t offset,
                    uint64_t bytes, IOVector *qiov, BdrvAioDoneFunc *done,
                    void *opaque);
/* Added by diskperf: the driver's rw_nowait after the same checks;
 * -EAGAIN when the request must take another path. */
int bdrv_rw_nowait(BlockDriverState *bs, BdrvAioOp op, uint64_t offset,
                   uint64_t bytes, IOVector *qiov);
int bdrv_create(const char *format, const char *filename,
                const BlockCreateOptions *o, Error **errp);
/* Copy every range this layer allocated into its backing (commit). */
int bdrv_commit(BlockDriverState *bs, Error **errp);

/* The BlockBackend over a node (block/block-backend.c): name is the drive
 * id.  Takes a reference on bs. */
BlockBackend *blk_new(const char *name, BlockDriverState *bs,
                      BlockCacheMode cache);
void blk_unref(BlockBackend *blk);
BlockBackend *blk_by_name(const char *name);
/* Iterate: blk_next(NULL) is the first. */
BlockBackend *blk_next(BlockBackend *blk);
BlockDriverState *blk_bs(BlockBackend *blk);
/* Swap the medium (change/eject); NULL bs = empty drive. */
void blk_set_bs(BlockBackend *blk, BlockDriverState *bs);
typedef struct BlockAcctStats {
    uint64_t nr_bytes[BLOCK_ACCT_MAX];
    uint64_t nr_ops[BLOCK_ACCT_MAX];
    uint64_t failed_ops[BLOCK_ACCT_MAX];
    uint64_t total_time_ns[BLOCK_ACCT_MAX];
} BlockAcctStats;
const BlockAcctStats *blk_get_stats(BlockBackend *blk);
DeviceState *blk_get_attached_dev(BlockBackend *blk);
const BlockDevOps *blk_get_dev_ops(BlockBackend *blk, void **opaque);

#endif
