/*
 * qcow2 (QEMU copy-on-write, versions 2 and 3): the driver's private
 * header.  The on-disk format is QEMU's docs/interop/qcow2.txt; field
 * names below follow it.
 *
 * The driver is split by idea:
 *   qcow2.c           header, open/close, the I/O paths, BlockDriver
 *   qcow2-create.c    create, resize, change_backing_file, make_empty
 *   qcow2-cluster.c   guest offset -> host cluster (L1/L2, the table cache)
 *   qcow2-refcount.c  refcounts, cluster allocation and freeing
 *   qcow2-check.c     check and repair (emu-img check, dirty images)
 *   qcow2-snapshot.c  the snapshot table: read, validate, write, look up
 *   qcow2-snapshot-refs.c  refcounts of everything an L1 table reaches,
 *                     the COPIED flags of the active tables
 *   qcow2-snapshot-ops.c   create, goto, delete, the VM state area
 *   qcow2-compress.c  compressed clusters (raw deflate, as QEMU writes)
 *
 * Locking: every BlockDriver op takes s->lock for the whole request, data
 * included (correctness first: requests of one image are serialised, the
 * I/O of different images still runs in parallel).  Helpers named
 * qcow2_*_locked expect it held.
 *
 * Metadata is written through: an L2 entry, a refcount or an L1 entry
 * reaches the file (the 512-byte sector holding it) before the request
 * completes, in the order refcount -> data -> L2, so a killed process
 * leaves at worst leaked clusters, never a table pointing at a free
 * cluster.  The table caches only save reads.
 */
#ifndef BLOCK_QCOW2_H
#define BLOCK_QCOW2_H

#include "block/block-int.h"
#include <glib.h>
#include <pthread.h>

#define QCOW2_MAGIC 0x514649fbu /* "QFI\xfb" */

#define QCOW2_MIN_CLUSTER_BITS 9
#define QCOW2_MAX_CLUSTER_BITS 21
/* Limits QEMU applies too (sizes in bytes): beyond them an image is
 * refused as corrupt rather than allocating without bound. */
#define QCOW2_MAX_L1_BYTES       (32 * MiB)
#define QCOW2_MAX_REFTABLE_BYTES (8 * MiB)
#define QCOW2_MAX_SNAPSHOTS      65536
#define QCOW2_MAX_BACKING_NAME   1023
#define QCOW2_MAX_SIZE           ((uint64_t)1 << 56)

/* Incompatible feature bits (byte 72). */
#define QCOW2_INCOMPAT_DIRTY       (1ull << 0)
#define QCOW2_INCOMPAT_CORRUPT     (1ull << 1)
#define QCOW2_INCOMPAT_DATA_FILE   (1ull << 2)
#define QCOW2_INCOMPAT_COMPRESSION (1ull << 3)
#define QCOW2_INCOMPAT_EXTL2       (1ull << 4)
#define QCOW2_INCOMPAT_KNOWN       (QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT)
/* Compression types (byte 104). */
#define QCOW2_COMPRESSION_ZLIB 0
#define QCOW2_COMPRESSION_ZSTD 1
/* Compatible feature bits (byte 80). */
#define QCOW2_COMPAT_LAZY_REFCOUNTS (1ull << 0)

/* Header extension types. */
#define QCOW2_EXT_END          0x00000000u
#define QCOW2_EXT_BACKING_FMT  0xe2792acau
#define QCOW2_EXT_FEATURE_NAME 0x6803f857u

/* L1/L2 entry bits. */
#define QCOW2_OFLAG_COPIED     (1ull << 63)
#define QCOW2_OFLAG_COMPRESSED (1ull << 62)
#define QCOW2_OFLAG_ZERO       (1ull << 0)
#define QCOW2_L1_OFFSET_MASK   0x00fffffffffffe00ull
#define QCOW2_L2_OFFSET_MASK   0x00fffffffffffe00ull
#define QCOW2_REFT_OFFSET_MASK 0xfffffffffffffe00ull

/* The fixed part of the header, host byte order. */
typedef struct Qcow2Header {
    uint32_t magic;
    uint32_t version;
    uint64_t backing_file_offset;
    uint32_t backing_file_size;
    uint32_t cluster_bits;
    uint64_t size;
    uint32_t crypt_method;
    uint32_t l1_size;
    uint64_t l1_table_offset;
    uint64_t refcount_table_offset;
    uint32_t refcount_table_clusters;
    uint32_t nb_snapshots;
    uint64_t snapshots_offset;
    /* version 3 */
    uint64_t incompatible_features;
    uint64_t compatible_features;
    uint64_t autoclear_features;
    uint32_t refcount_order;
    uint32_t header_length;
    uint8_t compression_type;
} Qcow2Header;

#define QCOW2_V2_HEADER_LEN 72
#define QCOW2_V3_HEADER_LEN 104 /* 112 with the compression type */

/* A header extension the driver does not interpret, kept so that rewriting
 * the header (change_backing_file) does not drop it. */
typedef struct Qcow2Ext {
    uint32_t type;
    uint32_t len;
    uint8_t *data;
} Qcow2Ext;

/* A small cache of cluster-sized tables (L2 tables, refcount blocks),
 * least recently used out.  Write-through: entries are never dirty. */
typedef struct Qcow2CacheEntry {
    uint64_t offset; /* 0: empty */
    uint64_t lru;
    uint8_t *table;
} Qcow2CacheEntry;

typedef struct Qcow2Cache {
    Qcow2CacheEntry *e;
    int n;
    uint64_t tick;
} Qcow2Cache;

/* One snapshot table entry (what check needs and snapshot -l prints). */
typedef struct Qcow2Snapshot {
    uint64_t l1_table_offset;
    uint32_t l1_size;
    char *id_str;
    char *name;
    uint32_t date_sec, date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t vm_state_size;
    uint64_t disk_size;
    uint64_t icount;
    /* Extra data past the fields we know (kept when the table is
     * rewritten, as qcow2.txt asks). */
    uint8_t *extra_unknown;
    uint32_t extra_unknown_len;
} Qcow2Snapshot;

typedef struct BDRVQcow2State {
    pthread_mutex_t lock;
    /* Set while the holder of lock serves a read that must not wait for
     * the disk (qcow2_rw_nowait): a table cache miss is -EAGAIN. */
    bool nowait;
    Qcow2Header h;
    uint32_t cluster_size;
    int cluster_bits;
    int l2_bits;        /* entries per L2 table = 1 << l2_bits */
    int refcount_order; /* refcount width = 1 << order bits */
    int rb_bits;        /* entries per refcount block = 1 << rb_bits */
    uint64_t refcount_max;

    uint64_t *l1_table; /* host byte order */
    uint32_t l1_size;
    uint64_t l1_table_offset;

    uint64_t *refcount_table; /* host byte order, rt_size entries */
    uint64_t rt_size;         /* entries in memory */
    uint64_t rt_disk_size;    /* entries the on-disk table holds */
    uint64_t refcount_table_offset;

    Qcow2Cache l2_cache;
    Qcow2Cache rb_cache;

    uint64_t free_cluster_index; /* no free cluster below this one */
    uint64_t free_byte_offset;   /* packing compressed clusters; 0: none */
    uint64_t file_end;           /* bytes: max(file length, written end) */

    Qcow2Ext *ext;
    int n_ext;
    char *feature_names; /* "bit N name" lines from the feature table */
    size_t feature_names_len;

    Qcow2Snapshot *snapshots;
    int nb_snapshots;
    uint64_t snapshots_size; /* bytes of the snapshot table */

    bool writable;
    bool lazy_refcounts;
    bool dirty_set; /* we set the dirty bit on this open */
    bool corrupt;
    bool warned_corrupt;
    bool repairing;   /* check is running: it reports problems itself */
    bool check_quiet; /* no per-cluster lines (the repair at open) */
} BDRVQcow2State;

/* Sizes. */
static inline uint64_t qcow2_size_to_clusters(const BDRVQcow2State *s,
                                              uint64_t size)
{
    return (size + s->cluster_size - 1) >> s->cluster_bits;
}
static inline uint64_t qcow2_offset_in_cluster(const BDRVQcow2State *s,
                                               uint64_t off)
{
    return off & (s->cluster_size - 1);
}
static inline uint64_t qcow2_l2_entries(const BDRVQcow2State *s)
{
    return 1ull << s->l2_bits;
}
/* L1 entries needed for a guest size. */
static inline uint64_t qcow2_l1_entries_for(const BDRVQcow2State *s,
                                            uint64_t size)
{
    uint64_t per_l1 = (uint64_t)s->cluster_size << s->l2_bits;
    return (size + per_l1 - 1) / per_l1;
}

/* What a guest cluster maps to. */
typedef enum Qcow2ClusterType {
    QCOW2_CLUSTER_UNALLOCATED,
    QCOW2_CLUSTER_ZERO_PLAIN, /* zero flag, no host cluster */
    QCOW2_CLUSTER_ZERO_ALLOC, /* zero flag, host cluster kept */
    QCOW2_CLUSTER_NORMAL,
    QCOW2_CLUSTER_COMPRESSED,
} Qcow2ClusterType;

Qcow2ClusterType qcow2_entry_type(const BDRVQcow2State *s, uint64_t l2e);
/* Compressed entry: host byte offset and the byte count to read. */
void qcow2_compressed_range(const BDRVQcow2State *s, uint64_t l2e,
                            uint64_t *off, uint64_t *len);

/* qcow2.c */
void qcow2_mark_corrupt(BlockDriverState *bs, const char *fmt, ...)
    EMU_PRINTF(2, 3);
int qcow2_write_header_field(BlockDriverState *bs, uint64_t offset,
                             const void *buf, size_t len);
int qcow2_pread_meta(BlockDriverState *bs, uint64_t offset, void *buf,
                     size_t len);
int qcow2_write_meta(BlockDriverState *bs, uint64_t offset, const void *buf,
                     size_t len);
int qcow2_update_features(BlockDriverState *bs, uint64_t incompat);
/* 0 if the image may be written now (sets the dirty bit first with lazy
 * refcounts), -EROFS or -EIO (marked corrupt) otherwise. */
int qcow2_write_allowed(BlockDriverState *bs);
int qcow2_check_host_range(BlockDriverState *bs, uint64_t off, uint64_t len,
                           const char *what);
void *qcow2_alloc_buf(size_t len);
int qcow2_pwritev_locked(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                         IOVector *qiov, uint64_t qoff);
int qcow2_zero_locked(BlockDriverState *bs, uint64_t offset, uint64_t bytes);

/* qcow2-cluster.c: the table cache and L1/L2. */
void qcow2_cache_init(Qcow2Cache *c, int n);
void qcow2_cache_destroy(Qcow2Cache *c);
void qcow2_cache_drop(Qcow2Cache *c, uint64_t offset);
void qcow2_cache_clear(Qcow2Cache *c);
int qcow2_cache_get(BlockDriverState *bs, Qcow2Cache *c, uint64_t offset,
                    uint8_t **table);
/* A fresh table that is not read from the file (a new L2 or refblock). */
uint8_t *qcow2_cache_put_new(BlockDriverState *bs, Qcow2Cache *c,
                             uint64_t offset);
/* The L2 entry of the cluster holding guest_off (0: unallocated). */
int qcow2_get_l2_entry(BlockDriverState *bs, uint64_t guest_off, uint64_t *l2e);
int qcow2_write_l1_entry(BlockDriverState *bs, uint32_t idx);
/* The L2 table (big-endian, in the cache) a write to guest_off changes:
 * allocated, or copied if a snapshot shares it.  Valid until the next
 * cache call. */
int qcow2_get_l2_table_for_write(BlockDriverState *bs, uint64_t guest_off,
                                 uint8_t **l2, uint64_t *l2_offset);
int qcow2_write_l2_entries(BlockDriverState *bs, uint64_t l2_offset,
                           uint8_t *l2, uint64_t first, uint64_t n);
int qcow2_grow_l1(BlockDriverState *bs, uint64_t min_size);
int qcow2_free_guest_clusters(BlockDriverState *bs, uint64_t guest_off,
                              uint64_t nb_clusters, uint64_t new_entry);
void qcow2_free_l2_entry(BlockDriverState *bs, uint64_t l2e);

/* qcow2-refcount.c */
int qcow2_refcount_init(BlockDriverState *bs);
int qcow2_get_refcount(BlockDriverState *bs, uint64_t cluster,
                       uint64_t *refcount);
int qcow2_update_refcount(BlockDriverState *bs, uint64_t offset, uint64_t len,
                          int64_t delta);
int qcow2_set_refcount(BlockDriverState *bs, uint64_t cluster, uint64_t value);
int64_t qcow2_alloc_clusters(BlockDriverState *bs, uint64_t n);
int64_t qcow2_alloc_bytes(BlockDriverState *bs, uint64_t size);
void qcow2_free_clusters(BlockDriverState *bs, uint64_t offset, uint64_t len);
uint64_t qcow2_refcount_get_entry(const BDRVQcow2State *s, const uint8_t *block,
                                  uint64_t i);
void qcow2_refcount_set_entry(const BDRVQcow2State *s, uint8_t *block,
                              uint64_t i, uint64_t v);

/* qcow2-check.c */
int qcow2_check_locked(BlockDriverState *bs, BdrvCheckResult *res,
                       BdrvCheckMode fix);

/* qcow2-snapshot.c */
int qcow2_read_snapshots(BlockDriverState *bs, Error **errp);
void qcow2_free_snapshots(BDRVQcow2State *s);
void qcow2_free_snapshot(Qcow2Snapshot *sn);
int qcow2_snapshot_list(BlockDriverState *bs, BlockSnapshotInfo **list);
/* Index of the snapshot with this id, or -1. */
int qcow2_find_snapshot_id(BDRVQcow2State *s, const char *id);
/* Write snaps (n entries) as a new table, point the header at it, free the
 * old one; on success s->snapshots becomes snaps (owned), else unchanged. */
int qcow2_write_snapshots(BlockDriverState *bs, Qcow2Snapshot *snaps, int n);
/* The snapshot's L1 table is aligned, inside the file, not too large and
 * covers its disk size; errp names the snapshot and the problem. */
int qcow2_validate_snapshot_l1(BlockDriverState *bs, const Qcow2Snapshot *sn,
                               Error **errp);
/* The first n entries of its L1 table (host order, g_free). */
int qcow2_read_snapshot_l1(BlockDriverState *bs, const Qcow2Snapshot *sn,
                           uint32_t n, uint64_t **l1);
/* Guest offset of the VM state area of a disk of this size: the first L1
 * entry past the disk (QEMU's place). */
static inline uint64_t qcow2_vm_state_offset(const BDRVQcow2State *s,
                                             uint64_t disk_size)
{
    return qcow2_l1_entries_for(s, disk_size) << (s->cluster_bits + s->l2_bits);
}

/* qcow2-snapshot-refs.c */
/* Every L2 table the n entries of l1 (host order) point at must be
 * aligned and in the file, and so must every cluster they point at:
 * checked before anything changes.  what names the table in errp. */
int qcow2_validate_l1_tree(BlockDriverState *bs, const uint64_t *l1, uint32_t n,
                           const char *what, Error **errp);
/* delta (+1 or -1) to the refcount of every L2 table of l1 and of every
 * cluster they point at (a refcount counts the L1 tables that reach a
 * cluster).  A failed +1 undoes what it did. */
int qcow2_update_l1_refs(BlockDriverState *bs, const uint64_t *l1, uint32_t n,
                         int delta);
/* Set the COPIED flags of the active L1 and L2 tables from the
 * refcounts: set exactly where the refcount is 1. */
int qcow2_fix_copied(BlockDriverState *bs);

/* qcow2-snapshot-ops.c (the BlockDriver ops; they take s->lock) */
int qcow2_snapshot_create(BlockDriverState *bs, BlockSnapshotInfo *info,
                          const void *vmstate, Error **errp);
int qcow2_snapshot_goto(BlockDriverState *bs, const char *id, Error **errp);
int qcow2_snapshot_delete(BlockDriverState *bs, const char *id, Error **errp);
int qcow2_snapshot_load_vmstate(BlockDriverState *bs, const char *id,
                                uint8_t **buf, size_t *len, Error **errp);

/* qcow2-compress.c */
int qcow2_read_compressed(BlockDriverState *bs, uint64_t l2e, uint8_t *out);
int qcow2_co_pwritev_compressed(BlockDriverState *bs, uint64_t offset,
                                uint64_t bytes, IOVector *qiov);

/* qcow2-create.c */
int qcow2_create(const char *filename, const BlockCreateOptions *o,
                 Error **errp);
int qcow2_truncate(BlockDriverState *bs, uint64_t size, Error **errp);
int qcow2_change_backing_file(BlockDriverState *bs, const char *file,
                              const char *fmt);
int qcow2_make_empty(BlockDriverState *bs);

/* Big-endian helpers for on-disk fields. */
static inline uint64_t qcow2_be64(const void *p)
{
    const uint8_t *b = p;
    return ((uint64_t)b[0] << 56) | ((uint64_t)b[1] << 48) |
           ((uint64_t)b[2] << 40) | ((uint64_t)b[3] << 32) |
           ((uint64_t)b[4] << 24) | ((uint64_t)b[5] << 16) |
           ((uint64_t)b[6] << 8) | b[7];
}
static inline uint32_t qcow2_be32(const void *p)
{
    const uint8_t *b = p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
           ((uint32_t)b[2] << 8) | b[3];
}
static inline uint16_t qcow2_be16(const void *p)
{
    const uint8_t *b = p;
    return (uint16_t)((b[0] << 8) | b[1]);
}
static inline void qcow2_st64(void *p, uint64_t v)
{
    uint8_t *b = p;
    for (int i = 0; i < 8; i++) {
        b[i] = v >> (56 - 8 * i);
    }
}
static inline void qcow2_st32(void *p, uint32_t v)
{
    uint8_t *b = p;
    b[0] = v >> 24;
    b[1] = v >> 16;
    b[2] = v >> 8;
    b[3] = v;
}
static inline void qcow2_st16(void *p, uint16_t v)
{
    uint8_t *b = p;
    b[0] = v >> 8;
    b[1] = v;
}

#endif
