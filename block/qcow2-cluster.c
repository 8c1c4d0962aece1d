/*
 * qcow2: guest offset -> host cluster.  A guest offset splits into an L1
 * index, an L2 index and an offset in the cluster (qcow2.txt, "Cluster
 * mapping"); L2 tables and refcount blocks are read through a small LRU
 * cache of whole tables, kept in their on-disk (big-endian) form.
 *
 * Every function here runs with s->lock held.
 */
#include "block/qcow2.h"

/* ---- The table cache --------------------------------------------------- */

void qcow2_cache_init(Qcow2Cache *c, int n)
{
    c->e = g_new0(Qcow2CacheEntry, n);
    c->n = n;
    c->tick = 0;
}

void qcow2_cache_destroy(Qcow2Cache *c)
{
    for (int i = 0; i < c->n; i++) {
        free(c->e[i].table);
    }
    g_free(c->e);
    c->e = NULL;
    c->n = 0;
}

void qcow2_cache_drop(Qcow2Cache *c, uint64_t offset)
{
    for (int i = 0; i < c->n; i++) {
        if (c->e[i].offset == offset) {
            c->e[i].offset = 0;
        }
    }
}

void qcow2_cache_clear(Qcow2Cache *c)
{
    for (int i = 0; i < c->n; i++) {
        c->e[i].offset = 0;
    }
}

static Qcow2CacheEntry *cache_find(Qcow2Cache *c, uint64_t offset)
{
    for (int i = 0; i < c->n; i++) {
        if (c->e[i].offset == offset) {
            c->e[i].lru = ++c->tick;
            return &c->e[i];
        }
    }
    return NULL;
}

static Qcow2CacheEntry *cache_victim(BDRVQcow2State *s, Qcow2Cache *c)
{
    Qcow2CacheEntry *v = &c->e[0];
    for (int i = 0; i < c->n; i++) {
        if (c->e[i].offset == 0) {
            v = &c->e[i];
            break;
        }
        if (c->e[i].lru < v->lru) {
            v = &c->e[i];
        }
    }
    if (!v->table) {
        v->table = qcow2_alloc_buf(s->cluster_size);
    }
    v->offset = 0;
    v->lru = ++c->tick;
    return v;
}

int qcow2_cache_get(BlockDriverState *bs, Qcow2Cache *c, uint64_t offset,
                    uint8_t **table)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2CacheEntry *e = cache_find(c, offset);
    if (!e && s->nowait) {
        return -EAGAIN;
    }
    if (!e) {
        const char *what = c == &s->l2_cache ? "L2 table" : "refcount block";
        int ret = qcow2_check_host_range(bs, offset, s->cluster_size, what);
        if (ret < 0) {
            return ret;
        }
        e = cache_victim(s, c);
        ret = bdrv_pread(bs->file, offset, e->table, s->cluster_size);
        if (ret < 0) {
            return ret;
        }
        e->offset = offset;
    }
    *table = e->table;
    return 0;
}

uint8_t *qcow2_cache_put_new(BlockDriverState *bs, Qcow2Cache *c,
                             uint64_t offset)
{
    BDRVQcow2State *s = bs->opaque;
    qcow2_cache_drop(c, offset);
    Qcow2CacheEntry *e = cache_victim(s, c);
    memset(e->table, 0, s->cluster_size);
    e->offset = offset;
    return e->table;
}

/* ---- Entries ------------------------------------------------------------ */

Qcow2ClusterType qcow2_entry_type(const BDRVQcow2State *s, uint64_t l2e)
{
    if (l2e & QCOW2_OFLAG_COMPRESSED) {
        return QCOW2_CLUSTER_COMPRESSED;
    }
    if (l2e & QCOW2_OFLAG_ZERO) {
        return (l2e & QCOW2_L2_OFFSET_MASK) ? QCOW2_CLUSTER_ZERO_ALLOC
                                            : QCOW2_CLUSTER_ZERO_PLAIN;
    }
    return (l2e & QCOW2_L2_OFFSET_MASK) ? QCOW2_CLUSTER_NORMAL
                                        : QCOW2_CLUSTER_UNALLOCATED;
}

/* A compressed descriptor (qcow2.txt, "Compressed Clusters Descriptor"):
 * the low x = 62 - (cluster_bits - 8) bits are the host byte offset, the
 * bits above it the number of additional 512-byte sectors. */
void qcow2_compressed_range(const BDRVQcow2State *s, uint64_t l2e,
                            uint64_t *off, uint64_t *len)
{
    int x = 62 - (s->cluster_bits - 8);
    uint64_t o = l2e & ((1ull << x) - 1);
    uint64_t nsec = ((l2e >> x) & ((1ull << (s->cluster_bits - 8)) - 1)) + 1;
    *off = o;
    *len = nsec * 512 - (o & 511);
}

static int l1_lookup(BlockDriverState *bs, uint64_t guest_off,
                     uint64_t *l2_offset, uint64_t *l1_index)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t idx = guest_off >> (s->cluster_bits + s->l2_bits);
    *l1_index = idx;
    *l2_offset = 0;
    if (idx >= s->l1_size) {
        return 0;
    }
    uint64_t off = s->l1_table[idx] & QCOW2_L1_OFFSET_MASK;
    if (off && qcow2_offset_in_cluster(s, off)) {
        qcow2_mark_corrupt(bs,
                           "L2 table offset 0x%" PRIx64 " (L1 entry %" PRIu64
                           ") is not cluster aligned",
                           off, idx);
        return -EIO;
    }
    *l2_offset = off;
    return 0;
}

int qcow2_get_l2_entry(BlockDriverState *bs, uint64_t guest_off, uint64_t *l2e)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t l2_offset, l1_index;
    uint8_t *l2;
    *l2e = 0;
    int ret = l1_lookup(bs, guest_off, &l2_offset, &l1_index);
    if (ret < 0 || !l2_offset) {
        return ret;
    }
    ret = qcow2_cache_get(bs, &s->l2_cache, l2_offset, &l2);
    if (ret < 0) {
        return ret;
    }
    uint64_t i = (guest_off >> s->cluster_bits) & (qcow2_l2_entries(s) - 1);
    *l2e = qcow2_be64(l2 + 8 * i);
    return 0;
}

/* The L1 table is in memory; an update writes the 512-byte sector that
 * holds the entry (the table fills whole clusters, so the sector is
 * inside it even past l1_size). */
int qcow2_write_l1_entry(BlockDriverState *bs, uint32_t idx)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *buf = qcow2_alloc_buf(512);
    uint32_t first = idx & ~63u;
    for (uint32_t i = 0; i < 64; i++) {
        uint64_t v = first + i < s->l1_size ? s->l1_table[first + i] : 0;
        qcow2_st64(buf + 8 * i, v);
    }
    int ret = bdrv_pwrite(bs->file, s->l1_table_offset + 8 * first, buf, 512);
    free(buf);
    return ret;
}

int qcow2_write_l2_entries(BlockDriverState *bs, uint64_t l2_offset,
                           uint8_t *l2, uint64_t first, uint64_t n)
{
    uint64_t start = (first * 8) & ~511ull;
    uint64_t end = ((first + n) * 8 + 511) & ~511ull;
    return bdrv_pwrite(bs->file, l2_offset + start, l2 + start, end - start);
}

int qcow2_get_l2_table_for_write(BlockDriverState *bs, uint64_t guest_off,
                                 uint8_t **l2, uint64_t *l2_offset)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t old, idx;
    int ret = l1_lookup(bs, guest_off, &old, &idx);
    if (ret < 0) {
        return ret;
    }
    if (idx >= s->l1_size) {
        /* Requests are within the disk, whose size the L1 covers. */
        qcow2_mark_corrupt(bs, "L1 table too small for offset 0x%" PRIx64,
                           guest_off);
        return -EIO;
    }
    if (old && (s->l1_table[idx] & QCOW2_OFLAG_COPIED)) {
        *l2_offset = old;
        return qcow2_cache_get(bs, &s->l2_cache, old, l2);
    }
    /* No table, or one a snapshot shares: a new one, copied from the old. */
    int64_t new_off = qcow2_alloc_clusters(bs, 1);
    if (new_off < 0) {
        return new_off;
    }
    uint8_t *old_table = NULL;
    if (old) {
        ret = qcow2_cache_get(bs, &s->l2_cache, old, &old_table);
        if (ret < 0) {
            qcow2_free_clusters(bs, new_off, s->cluster_size);
            return ret;
        }
        uint8_t *copy = qcow2_alloc_buf(s->cluster_size);
        memcpy(copy, old_table, s->cluster_size);
        old_table = copy;
    }
    uint8_t *t = qcow2_cache_put_new(bs, &s->l2_cache, new_off);
    if (old_table) {
        memcpy(t, old_table, s->cluster_size);
        free(old_table);
    }
    ret = bdrv_pwrite(bs->file, new_off, t, s->cluster_size);
    if (ret < 0) {
        qcow2_cache_drop(&s->l2_cache, new_off);
        qcow2_free_clusters(bs, new_off, s->cluster_size);
        return ret;
    }
    if ((uint64_t)new_off + s->cluster_size > s->file_end) {
        s->file_end = new_off + s->cluster_size;
    }
    uint64_t saved = s->l1_table[idx];
    s->l1_table[idx] = (uint64_t)new_off | QCOW2_OFLAG_COPIED;
    ret = qcow2_write_l1_entry(bs, idx);
    if (ret < 0) {
        s->l1_table[idx] = saved;
        return ret;
    }
    if (old) {
        /* The snapshot keeps its reference to the old table. */
        qcow2_free_clusters(bs, old, s->cluster_size);
    }
    *l2_offset = new_off;
    return qcow2_cache_get(bs, &s->l2_cache, new_off, l2);
}

void qcow2_free_l2_entry(BlockDriverState *bs, uint64_t l2e)
{
    BDRVQcow2State *s = bs->opaque;
    switch (qcow2_entry_type(s, l2e)) {
    case QCOW2_CLUSTER_NORMAL:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        qcow2_free_clusters(bs, l2e & QCOW2_L2_OFFSET_MASK, s->cluster_size);
        break;
    case QCOW2_CLUSTER_COMPRESSED: {
        uint64_t off, len;
        qcow2_compressed_range(s, l2e, &off, &len);
        qcow2_free_clusters(bs, off & ~511ull, len + (off & 511));
        break;
    }
    default:
        break;
    }
}

/* Set the entries of nb_clusters clusters from guest_off (cluster aligned)
 * to new_entry (0 or QCOW2_OFLAG_ZERO) and free what they pointed to:
 * the table first, then the refcounts, so nothing points at a free
 * cluster. */
int qcow2_free_guest_clusters(BlockDriverState *bs, uint64_t guest_off,
                              uint64_t nb_clusters, uint64_t new_entry)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t mask = qcow2_l2_entries(s) - 1;
    while (nb_clusters) {
        uint64_t first = (guest_off >> s->cluster_bits) & mask;
        uint64_t n = MIN(nb_clusters, qcow2_l2_entries(s) - first);
        uint64_t l2_off, idx;
        int ret = l1_lookup(bs, guest_off, &l2_off, &idx);
        if (ret < 0) {
            return ret;
        }
        if (l2_off || new_entry) {
            uint8_t *l2;
            ret = qcow2_get_l2_table_for_write(bs, guest_off, &l2, &l2_off);
            if (ret < 0) {
                return ret;
            }
            uint64_t *old = g_new(uint64_t, n);
            bool changed = false;
            for (uint64_t i = 0; i < n; i++) {
                old[i] = qcow2_be64(l2 + 8 * (first + i));
                if (old[i] != new_entry) {
                    qcow2_st64(l2 + 8 * (first + i), new_entry);
                    changed = true;
                }
            }
            if (changed) {
                ret = qcow2_write_l2_entries(bs, l2_off, l2, first, n);
            }
            if (ret == 0) {
                for (uint64_t i = 0; i < n; i++) {
                    qcow2_free_l2_entry(bs, old[i]);
                }
            }
            g_free(old);
            if (ret < 0) {
                qcow2_cache_drop(&s->l2_cache, l2_off);
                return ret;
            }
        }
        guest_off += n << s->cluster_bits;
        nb_clusters -= n;
    }
    return 0;
}

/* Grow the L1 table to at least min_size entries (resize): a new table
 * in new clusters, then the header points at it, then the old one is
 * freed. */
int qcow2_grow_l1(BlockDriverState *bs, uint64_t min_size)
{
    BDRVQcow2State *s = bs->opaque;
    if (min_size <= s->l1_size) {
        return 0;
    }
    if (min_size * 8 > QCOW2_MAX_L1_BYTES) {
        return -EFBIG;
    }
    uint64_t bytes = qcow2_size_to_clusters(s, min_size * 8) * s->cluster_size;
    int64_t off = qcow2_alloc_clusters(bs, bytes >> s->cluster_bits);
    if (off < 0) {
        return off;
    }
    uint8_t *buf = qcow2_alloc_buf(bytes);
    memset(buf, 0, bytes);
    for (uint32_t i = 0; i < s->l1_size; i++) {
        qcow2_st64(buf + 8 * i, s->l1_table[i]);
    }
    int ret = bdrv_pwrite(bs->file, off, buf, bytes);
    free(buf);
    if (ret == 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret < 0) {
        qcow2_free_clusters(bs, off, bytes);
        return ret;
    }
    if ((uint64_t)off + bytes > s->file_end) {
        s->file_end = off + bytes;
    }
    uint8_t hdr[12];
    qcow2_st32(hdr, (uint32_t)min_size);
    qcow2_st64(hdr + 4, off);
    ret = qcow2_write_header_field(bs, 36, hdr, sizeof(hdr));
    if (ret < 0) {
        qcow2_free_clusters(bs, off, bytes);
        return ret;
    }
    uint64_t old_off = s->l1_table_offset;
    uint64_t old_bytes = (uint64_t)s->l1_size * 8;
    uint64_t *t = g_new0(uint64_t, min_size);
    memcpy(t, s->l1_table, (size_t)s->l1_size * 8);
    g_free(s->l1_table);
    s->l1_table = t;
    s->l1_size = (uint32_t)min_size;
    s->l1_table_offset = off;
    s->h.l1_size = s->l1_size;
    s->h.l1_table_offset = off;
    if (old_bytes) {
        qcow2_free_clusters(bs, old_off, old_bytes);
    }
    return 0;
}
