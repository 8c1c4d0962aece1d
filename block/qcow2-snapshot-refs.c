/*
 * qcow2: the refcounts of everything an L1 table reaches, for snapshots.
 *
 * A refcount counts the L1 tables (the active one and each snapshot's)
 * that reach a cluster: an L2 table shared by the active table and a
 * snapshot has refcount 2, and so has every data cluster in it.  Taking a
 * snapshot therefore adds one to the L2 tables and data clusters of the
 * active L1; deleting one takes one away from those of its L1; a write
 * that copies a shared L2 table leaves the data clusters' refcounts alone
 * (qcow2-cluster.c), since both L1 tables still reach them.  check counts
 * the same way (qcow2-check.c), and so does QEMU.
 *
 * The COPIED flag (bit 63) of an active L1 or L2 entry says "refcount 1:
 * write in place"; without it a write copies first.  After refcounts
 * change, qcow2_fix_copied makes the flags match them again: qemu-img
 * check reports any mismatch as a corruption.
 *
 * Runs with s->lock held.
 */
#include "block/qcow2.h"

/* The clusters an L2 entry holds a reference on: [*off, *off + *len). */
static bool entry_range(const BDRVQcow2State *s, uint64_t e, uint64_t *off,
                        uint64_t *len)
{
    switch (qcow2_entry_type(s, e)) {
    case QCOW2_CLUSTER_NORMAL:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        *off = e & QCOW2_L2_OFFSET_MASK;
        *len = s->cluster_size;
        return true;
    case QCOW2_CLUSTER_COMPRESSED: {
        uint64_t o, l;
        qcow2_compressed_range(s, e, &o, &l);
        *off = o & ~511ull;
        *len = l + (o & 511);
        return true;
    }
    default:
        return false;
    }
}

/* A copy of the L2 table at l2_off (the table cache may evict it while
 * refcount blocks are read). */
static int read_l2(BlockDriverState *bs, uint64_t l2_off, uint8_t *copy)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *t;
    int ret = qcow2_cache_get(bs, &s->l2_cache, l2_off, &t);
    if (ret == 0) {
        memcpy(copy, t, s->cluster_size);
    }
    return ret;
}

int qcow2_validate_l1_tree(BlockDriverState *bs, const uint64_t *l1, uint32_t n,
                           const char *what, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *l2 = qcow2_alloc_buf(s->cluster_size);
    int ret = 0;
    for (uint32_t i = 0; i < n && ret == 0; i++) {
        uint64_t l2_off = l1[i] & QCOW2_L1_OFFSET_MASK;
        if (!l2_off) {
            continue;
        }
        if (qcow2_offset_in_cluster(s, l2_off) || l2_off < s->cluster_size ||
            l2_off + s->cluster_size > s->file_end) {
            error_setg(errp,
                       "qcow2: %s: %s: the L2 table at 0x%" PRIx64
                       " (L1 entry %u) is not cluster aligned, over the "
                       "header or beyond the end of the file",
                       bs->filename, what, l2_off, i);
            ret = -EINVAL;
            break;
        }
        ret = bdrv_pread(bs->file, l2_off, l2, s->cluster_size);
        if (ret < 0) {
            error_setg(errp,
                       "qcow2: %s: %s: cannot read the L2 table at "
                       "0x%" PRIx64 ": %s",
                       bs->filename, what, l2_off, strerror(-ret));
            break;
        }
        for (uint64_t k = 0; k < qcow2_l2_entries(s); k++) {
            uint64_t e = qcow2_be64(l2 + 8 * k), off, len;
            if (!entry_range(s, e, &off, &len)) {
                continue;
            }
            bool compressed =
                qcow2_entry_type(s, e) == QCOW2_CLUSTER_COMPRESSED;
            if ((!compressed && qcow2_offset_in_cluster(s, off)) ||
                off < s->cluster_size || off + len > s->file_end) {
                error_setg(errp,
                           "qcow2: %s: %s: entry %" PRIu64 " of the L2 "
                           "table at 0x%" PRIx64 " points at 0x%" PRIx64
                           ", not a cluster of the file",
                           bs->filename, what, k, l2_off, off);
                ret = -EINVAL;
                break;
            }
        }
    }
    free(l2);
    return ret;
}

/* delta to the clusters of entries [0, n) of the L2 copy; on failure the
 * ones done are changed back. */
static int entries_refs(BlockDriverState *bs, const uint8_t *l2, uint64_t n,
                        int delta)
{
    BDRVQcow2State *s = bs->opaque;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t off, len;
        if (!entry_range(s, qcow2_be64(l2 + 8 * k), &off, &len)) {
            continue;
        }
        int ret = qcow2_update_refcount(bs, off, len, delta);
        if (ret < 0) {
            if (delta > 0) {
                entries_refs(bs, l2, k, -delta);
            }
            return ret;
        }
    }
    return 0;
}

static int l2_refs(BlockDriverState *bs, uint64_t l2_off, int delta,
                   uint8_t *copy)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = read_l2(bs, l2_off, copy);
    if (ret < 0) {
        return ret;
    }
    ret = entries_refs(bs, copy, qcow2_l2_entries(s), delta);
    if (ret < 0) {
        return ret;
    }
    ret = qcow2_update_refcount(bs, l2_off, s->cluster_size, delta);
    if (ret < 0) {
        if (delta > 0) {
            entries_refs(bs, copy, qcow2_l2_entries(s), -delta);
        }
        return ret;
    }
    if (delta < 0) {
        uint64_t rc = 1;
        if (qcow2_get_refcount(bs, l2_off >> s->cluster_bits, &rc) == 0 &&
            rc == 0) {
            /* Freed: the cluster may come back as data. */
            qcow2_cache_drop(&s->l2_cache, l2_off);
        }
    }
    return 0;
}

int qcow2_update_l1_refs(BlockDriverState *bs, const uint64_t *l1, uint32_t n,
                         int delta)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *copy = qcow2_alloc_buf(s->cluster_size);
    int ret = 0;
    uint32_t i;
    for (i = 0; i < n; i++) {
        uint64_t l2_off = l1[i] & QCOW2_L1_OFFSET_MASK;
        if (!l2_off) {
            continue;
        }
        ret = l2_refs(bs, l2_off, delta, copy);
        if (ret < 0) {
            break;
        }
    }
    if (ret < 0 && delta > 0) {
        while (i-- > 0) {
            uint64_t l2_off = l1[i] & QCOW2_L1_OFFSET_MASK;
            if (l2_off) {
                l2_refs(bs, l2_off, -delta, copy);
            }
        }
    }
    free(copy);
    return ret;
}

/* COPIED exactly where the refcount of [off, off + len) is 1. */
static int want_copied(BlockDriverState *bs, uint64_t off, bool *copied)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t rc = 0;
    int ret = qcow2_get_refcount(bs, off >> s->cluster_bits, &rc);
    *copied = rc == 1;
    return ret;
}

static int fix_l2(BlockDriverState *bs, uint64_t l2_off)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *l2;
    int ret = qcow2_cache_get(bs, &s->l2_cache, l2_off, &l2);
    if (ret < 0) {
        return ret;
    }
    /* Flags are collected first: reading refcounts may evict l2. */
    uint64_t n = qcow2_l2_entries(s);
    uint64_t *e = g_new(uint64_t, n);
    for (uint64_t k = 0; k < n; k++) {
        e[k] = qcow2_be64(l2 + 8 * k);
    }
    uint64_t first = n, last = 0;
    for (uint64_t k = 0; k < n; k++) {
        Qcow2ClusterType t = qcow2_entry_type(s, e[k]);
        if (t != QCOW2_CLUSTER_NORMAL && t != QCOW2_CLUSTER_ZERO_ALLOC) {
            continue;
        }
        bool copied;
        ret = want_copied(bs, e[k] & QCOW2_L2_OFFSET_MASK, &copied);
        if (ret < 0) {
            g_free(e);
            return ret;
        }
        uint64_t ne =
            copied ? e[k] | QCOW2_OFLAG_COPIED : e[k] & ~QCOW2_OFLAG_COPIED;
        if (ne != e[k]) {
            e[k] = ne;
            first = MIN(first, k);
            last = k;
        }
    }
    if (first < n) {
        ret = qcow2_cache_get(bs, &s->l2_cache, l2_off, &l2);
        if (ret == 0) {
            for (uint64_t k = first; k <= last; k++) {
                qcow2_st64(l2 + 8 * k, e[k]);
            }
            ret =
                qcow2_write_l2_entries(bs, l2_off, l2, first, last - first + 1);
            if (ret < 0) {
                qcow2_cache_drop(&s->l2_cache, l2_off);
            }
        }
    }
    g_free(e);
    return ret;
}

int qcow2_fix_copied(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t l1e = s->l1_table[i];
        uint64_t l2_off = l1e & QCOW2_L1_OFFSET_MASK;
        if (!l2_off) {
            continue;
        }
        /* The data entries first: a table flagged COPIED is written in
         * place, so its entries' flags must already be right. */
        int ret = fix_l2(bs, l2_off);
        bool copied = false;
        if (ret == 0) {
            ret = want_copied(bs, l2_off, &copied);
        }
        if (ret < 0) {
            return ret;
        }
        uint64_t ne =
            copied ? l1e | QCOW2_OFLAG_COPIED : l1e & ~QCOW2_OFLAG_COPIED;
        if (ne != l1e) {
            s->l1_table[i] = ne;
            ret = qcow2_write_l1_entry(bs, i);
            if (ret < 0) {
                s->l1_table[i] = l1e;
                return ret;
            }
        }
    }
    return 0;
}
