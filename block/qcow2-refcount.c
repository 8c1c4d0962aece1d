/*
 * qcow2: refcounts and cluster allocation (qcow2.txt, "Host cluster
 * management").  The refcount table (in memory, host order) points at
 * refcount blocks (through the table cache, on-disk form); a block holds
 * 2^rb_bits refcounts of 2^refcount_order bits each.
 *
 * Allocation finds free clusters from free_cluster_index up; a cluster
 * whose refcount block does not exist yet is free.  Before its refcount
 * can be set, the block must exist: a new block goes in the first free
 * cluster, describing itself if it falls in its own range, and the search
 * starts over (the new block may have taken a candidate).  When the table
 * itself is too small it is copied to a bigger one in new clusters.
 *
 * Every function here runs with s->lock held.
 */
#include "block/qcow2.h"

uint64_t qcow2_refcount_get_entry(const BDRVQcow2State *s, const uint8_t *block,
                                  uint64_t i)
{
    switch (s->refcount_order) {
    case 0:
    case 1:
    case 2: {
        int bits = 1 << s->refcount_order;
        int per_byte = 8 / bits;
        return (block[i / per_byte] >> ((i % per_byte) * bits)) &
               ((1u << bits) - 1);
    }
    case 3:
        return block[i];
    case 4:
        return qcow2_be16(block + 2 * i);
    case 5:
        return qcow2_be32(block + 4 * i);
    default:
        return qcow2_be64(block + 8 * i);
    }
}

void qcow2_refcount_set_entry(const BDRVQcow2State *s, uint8_t *block,
                              uint64_t i, uint64_t v)
{
    switch (s->refcount_order) {
    case 0:
    case 1:
    case 2: {
        int bits = 1 << s->refcount_order;
        int per_byte = 8 / bits;
        int shift = (i % per_byte) * bits;
        uint8_t mask = ((1u << bits) - 1) << shift;
        block[i / per_byte] =
            (block[i / per_byte] & ~mask) | ((v << shift) & mask);
        break;
    }
    case 3:
        block[i] = v;
        break;
    case 4:
        qcow2_st16(block + 2 * i, v);
        break;
    case 5:
        qcow2_st32(block + 4 * i, v);
        break;
    default:
        qcow2_st64(block + 8 * i, v);
        break;
    }
}

/* Bytes of a refcount block that hold entries [first, first + n). */
static void entry_bytes(const BDRVQcow2State *s, uint64_t first, uint64_t n,
                        uint64_t *start, uint64_t *end)
{
    uint64_t bits = 1ull << s->refcount_order;
    *start = ((first * bits) / 8) & ~511ull;
    *end = (((first + n) * bits + 7) / 8 + 511) & ~511ull;
}

int qcow2_refcount_init(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t bytes = (uint64_t)s->h.refcount_table_clusters * s->cluster_size;
    s->rt_size = bytes / 8;
    s->rt_disk_size = s->rt_size;
    s->refcount_table_offset = s->h.refcount_table_offset;
    s->refcount_table = g_new0(uint64_t, s->rt_size ? s->rt_size : 1);
    if (!bytes) {
        return 0;
    }
    uint8_t *buf = qcow2_alloc_buf(bytes);
    int ret = bdrv_pread(bs->file, s->refcount_table_offset, buf, bytes);
    if (ret == 0) {
        for (uint64_t i = 0; i < s->rt_size; i++) {
            s->refcount_table[i] = qcow2_be64(buf + 8 * i);
        }
    }
    free(buf);
    return ret;
}

/* The refcount block for block index i, or *block = NULL if none. */
static int get_block(BlockDriverState *bs, uint64_t i, uint8_t **block,
                     uint64_t *block_off)
{
    BDRVQcow2State *s = bs->opaque;
    *block = NULL;
    *block_off = 0;
    if (i >= s->rt_size) {
        return 0;
    }
    uint64_t off = s->refcount_table[i] & QCOW2_REFT_OFFSET_MASK;
    if (!off) {
        return 0;
    }
    if (qcow2_offset_in_cluster(s, off)) {
        qcow2_mark_corrupt(bs,
                           "refcount block offset 0x%" PRIx64
                           " (refcount table entry %" PRIu64
                           ") is not cluster aligned",
                           off, i);
        return -EIO;
    }
    *block_off = off;
    return qcow2_cache_get(bs, &s->rb_cache, off, block);
}

int qcow2_get_refcount(BlockDriverState *bs, uint64_t cluster,
                       uint64_t *refcount)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *block;
    uint64_t boff;
    *refcount = 0;
    int ret = get_block(bs, cluster >> s->rb_bits, &block, &boff);
    if (ret < 0 || !block) {
        return ret;
    }
    *refcount = qcow2_refcount_get_entry(s, block,
                                         cluster & ((1ull << s->rb_bits) - 1));
    return 0;
}

static int write_table_entry(BlockDriverState *bs, uint64_t i)
{
    BDRVQcow2State *s = bs->opaque;
    if (i >= s->rt_disk_size) {
        return 0; /* a table being grown: written whole later */
    }
    uint8_t *buf = qcow2_alloc_buf(512);
    uint64_t first = i & ~63ull;
    for (uint64_t k = 0; k < 64; k++) {
        uint64_t v = first + k < s->rt_size ? s->refcount_table[first + k] : 0;
        qcow2_st64(buf + 8 * k, v);
    }
    int ret =
        bdrv_pwrite(bs->file, s->refcount_table_offset + 8 * first, buf, 512);
    free(buf);
    return ret;
}

/* First run of n clusters with refcount 0, from free_cluster_index. */
static int64_t find_free(BlockDriverState *bs, uint64_t n)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t start = s->free_cluster_index;
    uint64_t i = 0;
    while (i < n) {
        uint64_t rc;
        int ret = qcow2_get_refcount(bs, start + i, &rc);
        if (ret < 0) {
            return ret;
        }
        if (rc) {
            start += i + 1;
            i = 0;
        } else {
            i++;
        }
        if (start >= (QCOW2_MAX_SIZE >> s->cluster_bits)) {
            return -ENOSPC;
        }
    }
    return start;
}

static int grow_table(BlockDriverState *bs, uint64_t min_entries);

/* Make sure refcount block i exists. */
static int ensure_block(BlockDriverState *bs, uint64_t i, int depth)
{
    BDRVQcow2State *s = bs->opaque;
    if (depth > 8) {
        return -EIO;
    }
    if (i >= s->rt_size) {
        int ret = grow_table(bs, i + 1);
        if (ret < 0) {
            return ret;
        }
    }
    while (!(s->refcount_table[i] & QCOW2_REFT_OFFSET_MASK)) {
        int64_t p = find_free(bs, 1);
        if (p < 0) {
            return p;
        }
        uint64_t pi = (uint64_t)p >> s->rb_bits;
        uint64_t off = (uint64_t)p << s->cluster_bits;
        int ret;
        if (pi != i) {
            if (pi >= s->rt_size ||
                !(s->refcount_table[pi] & QCOW2_REFT_OFFSET_MASK)) {
                ret = ensure_block(bs, pi, depth + 1);
                if (ret < 0) {
                    return ret;
                }
                continue; /* the new block may have taken p */
            }
            ret = qcow2_update_refcount(bs, off, s->cluster_size, 1);
            if (ret < 0) {
                return ret;
            }
        }
        uint8_t *t = qcow2_cache_put_new(bs, &s->rb_cache, off);
        if (pi == i) {
            /* The block describes itself. */
            qcow2_refcount_set_entry(s, t, p & ((1ull << s->rb_bits) - 1), 1);
        }
        ret = bdrv_pwrite(bs->file, off, t, s->cluster_size);
        if (ret < 0) {
            qcow2_cache_drop(&s->rb_cache, off);
            return ret;
        }
        if (off + s->cluster_size > s->file_end) {
            s->file_end = off + s->cluster_size;
        }
        s->refcount_table[i] = off;
        ret = write_table_entry(bs, i);
        if (ret < 0) {
            s->refcount_table[i] = 0;
            return ret;
        }
        if ((uint64_t)p == s->free_cluster_index) {
            s->free_cluster_index = p + 1;
        }
    }
    return 0;
}

/* A bigger refcount table: extend it in memory, allocate its clusters
 * (which may add refcount blocks, recorded in the memory copy), write it
 * whole, point the header at it, free the old one. */
static int grow_table(BlockDriverState *bs, uint64_t min_entries)
{
    static __thread bool growing;
    BDRVQcow2State *s = bs->opaque;
    if (growing) {
        return -EFBIG;
    }
    uint64_t per_cluster = s->cluster_size / 8;
    uint64_t entries = MAX(min_entries + 1, s->rt_size * 2);
    entries = (entries + per_cluster - 1) / per_cluster * per_cluster;
    uint64_t bytes = entries * 8;
    if (bytes > QCOW2_MAX_REFTABLE_BYTES) {
        return -EFBIG;
    }
    s->refcount_table = g_renew(uint64_t, s->refcount_table, entries);
    memset(s->refcount_table + s->rt_size, 0, (entries - s->rt_size) * 8);
    s->rt_size = entries;

    growing = true;
    int64_t off = qcow2_alloc_clusters(bs, bytes >> s->cluster_bits);
    growing = false;
    if (off < 0) {
        return off;
    }
    uint8_t *buf = qcow2_alloc_buf(bytes);
    for (uint64_t i = 0; i < entries; i++) {
        qcow2_st64(buf + 8 * i, s->refcount_table[i]);
    }
    int ret = bdrv_pwrite(bs->file, off, buf, bytes);
    free(buf);
    if (ret == 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret < 0) {
        return ret;
    }
    if ((uint64_t)off + bytes > s->file_end) {
        s->file_end = off + bytes;
    }
    uint8_t hdr[12];
    qcow2_st64(hdr, off);
    qcow2_st32(hdr + 8, bytes >> s->cluster_bits);
    ret = qcow2_write_header_field(bs, 48, hdr, sizeof(hdr));
    if (ret < 0) {
        return ret;
    }
    uint64_t old_off = s->refcount_table_offset;
    uint64_t old_bytes = s->rt_disk_size * 8;
    s->refcount_table_offset = off;
    s->rt_disk_size = entries;
    s->h.refcount_table_offset = off;
    s->h.refcount_table_clusters = bytes >> s->cluster_bits;
    if (old_bytes) {
        qcow2_free_clusters(bs, old_off, old_bytes);
    }
    return 0;
}

int qcow2_update_refcount(BlockDriverState *bs, uint64_t offset, uint64_t len,
                          int64_t delta)
{
    BDRVQcow2State *s = bs->opaque;
    if (!len) {
        return 0;
    }
    uint64_t c = offset >> s->cluster_bits;
    uint64_t last = (offset + len - 1) >> s->cluster_bits;
    uint64_t rb_mask = (1ull << s->rb_bits) - 1;
    while (c <= last) {
        uint64_t bi = c >> s->rb_bits;
        uint64_t first = c & rb_mask;
        uint64_t n = MIN(last - c + 1, rb_mask + 1 - first);
        uint8_t *block;
        uint64_t boff;
        int ret = get_block(bs, bi, &block, &boff);
        if (ret < 0) {
            return ret;
        }
        if (!block) {
            if (delta < 0) {
                qcow2_mark_corrupt(bs,
                                   "freeing cluster 0x%" PRIx64
                                   " which has no refcount block",
                                   c << s->cluster_bits);
                return -EIO;
            }
            ret = ensure_block(bs, bi, 0);
            if (ret < 0) {
                return ret;
            }
            continue;
        }
        for (uint64_t k = 0; k < n; k++) {
            uint64_t rc = qcow2_refcount_get_entry(s, block, first + k);
            if ((delta < 0 && rc < (uint64_t)-delta) ||
                (delta > 0 && s->refcount_max - rc < (uint64_t)delta)) {
                if (delta < 0) {
                    qcow2_mark_corrupt(bs,
                                       "refcount of cluster 0x%" PRIx64
                                       " would drop below zero",
                                       (c + k) << s->cluster_bits);
                }
                /* undo the entries already changed in this block */
                for (uint64_t u = 0; u < k; u++) {
                    uint64_t v = qcow2_refcount_get_entry(s, block, first + u);
                    qcow2_refcount_set_entry(s, block, first + u, v - delta);
                }
                return delta < 0 ? -EIO : -ERANGE;
            }
            qcow2_refcount_set_entry(s, block, first + k, rc + delta);
            if (rc + delta == 0 && c + k < s->free_cluster_index) {
                s->free_cluster_index = c + k;
            }
            if (rc + delta == 0 && s->free_byte_offset &&
                (s->free_byte_offset >> s->cluster_bits) == c + k) {
                /* Compressed data must not be packed into a cluster that
                 * is freed and may come back as something else. */
                s->free_byte_offset = 0;
            }
        }
        uint64_t start, end;
        entry_bytes(s, first, n, &start, &end);
        ret = bdrv_pwrite(bs->file, boff + start, block + start, end - start);
        if (ret < 0) {
            qcow2_cache_drop(&s->rb_cache, boff);
            return ret;
        }
        c += n;
    }
    return 0;
}

int qcow2_set_refcount(BlockDriverState *bs, uint64_t cluster, uint64_t value)
{
    uint64_t cur;
    BDRVQcow2State *s = bs->opaque;
    int ret = qcow2_get_refcount(bs, cluster, &cur);
    if (ret < 0 || cur == value) {
        return ret;
    }
    if (value > s->refcount_max) {
        return -ERANGE;
    }
    return qcow2_update_refcount(bs, cluster << s->cluster_bits,
                                 s->cluster_size,
                                 (int64_t)value - (int64_t)cur);
}

int64_t qcow2_alloc_clusters(BlockDriverState *bs, uint64_t n)
{
    BDRVQcow2State *s = bs->opaque;
    for (int tries = 0; tries < 64; tries++) {
        int64_t c = find_free(bs, n);
        if (c < 0) {
            return c;
        }
        bool missing = false;
        for (uint64_t bi = (uint64_t)c >> s->rb_bits;
             bi <= ((uint64_t)c + n - 1) >> s->rb_bits; bi++) {
            if (bi >= s->rt_size ||
                !(s->refcount_table[bi] & QCOW2_REFT_OFFSET_MASK)) {
                int ret = ensure_block(bs, bi, 0);
                if (ret < 0) {
                    return ret;
                }
                missing = true;
                break;
            }
        }
        if (missing) {
            continue;
        }
        int ret = qcow2_update_refcount(bs, (uint64_t)c << s->cluster_bits,
                                        n << s->cluster_bits, 1);
        if (ret < 0) {
            return ret;
        }
        if ((uint64_t)c == s->free_cluster_index) {
            s->free_cluster_index = c + n;
        }
        return (uint64_t)c << s->cluster_bits;
    }
    return -EIO;
}

/* Room for size bytes of compressed data: packed after the previous
 * compressed cluster when it fits in the same host cluster (which then
 * gets one more reference), else in new clusters. */
int64_t qcow2_alloc_bytes(BlockDriverState *bs, uint64_t size)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off = s->free_byte_offset;
    if (off && qcow2_offset_in_cluster(s, off) + size <= s->cluster_size) {
        uint64_t rc;
        int ret = qcow2_get_refcount(bs, off >> s->cluster_bits, &rc);
        if (ret == 0 && rc > 0 && rc < s->refcount_max) {
            ret = qcow2_update_refcount(bs, off, 1, 1);
            if (ret < 0) {
                return ret;
            }
            s->free_byte_offset = off + size;
            if (!qcow2_offset_in_cluster(s, s->free_byte_offset)) {
                s->free_byte_offset = 0;
            }
            return off;
        }
    }
    int64_t c = qcow2_alloc_clusters(bs, qcow2_size_to_clusters(s, size));
    if (c < 0) {
        return c;
    }
    s->free_byte_offset = c + size;
    if (!qcow2_offset_in_cluster(s, s->free_byte_offset)) {
        s->free_byte_offset = 0;
    }
    return c;
}

void qcow2_free_clusters(BlockDriverState *bs, uint64_t offset, uint64_t len)
{
    int ret = qcow2_update_refcount(bs, offset, len, -1);
    if (ret < 0) {
        /* The caller has already unlinked the clusters: at worst a leak,
         * which check reports and repairs. */
        warn_report("qcow2: %s: could not free clusters at 0x%" PRIx64
                    ": %s (leaked)",
                    bs->filename, offset, strerror(-ret));
    }
}
