/*
 * qcow2: check and repair (emu-img check [-r leaks|all], and the rebuild
 * of refcounts when an image with lazy refcounts was not closed cleanly).
 *
 * Every cluster the image references is counted in memory: the header,
 * the active and snapshot L1 tables, their L2 tables and data clusters,
 * the snapshot table, the refcount table and blocks.  Each count is then
 * compared with the stored refcount: a stored refcount above the count is
 * a leak, below it a corruption (data could be overwritten).  The numbers
 * are those qemu-img check reports.  The COPIED flags of the active
 * tables must say "refcount is 1"; a wrong one is a corruption too.
 *
 * Repairs set the stored refcounts to the counts.  A refcount block
 * created meanwhile is placed past every referenced cluster, so it never
 * lands on a cluster that is in use but not yet counted on disk.
 *
 * Runs with s->lock held.
 */
#include "block/qcow2.h"

typedef struct CheckState {
    BlockDriverState *bs;
    BDRVQcow2State *s;
    BdrvCheckResult *res;
    uint32_t *refs;
    uint64_t nb;              /* clusters in the file */
    uint64_t next_contiguous; /* fragmentation statistics */
    uint8_t *l2;              /* one L2 table at a time */
} CheckState;

#define CHECK_MSG(cs, ...)                \
    do {                                  \
        if (!(cs)->s->check_quiet) {      \
            fprintf(stderr, __VA_ARGS__); \
        }                                 \
    } while (0)

/* One reference to every cluster of [off, off + len). */
static void add_refs(CheckState *c, uint64_t off, uint64_t len)
{
    if (!len) {
        return;
    }
    uint64_t first = off >> c->s->cluster_bits;
    uint64_t last = (off + len - 1) >> c->s->cluster_bits;
    if (last >= c->nb) {
        CHECK_MSG(c,
                  "ERROR: clusters 0x%" PRIx64 "..0x%" PRIx64
                  " are referenced but beyond the end of the image file\n",
                  first << c->s->cluster_bits, last << c->s->cluster_bits);
        c->res->corruptions++;
        last = c->nb ? c->nb - 1 : 0;
        if (first >= c->nb) {
            return;
        }
    }
    for (uint64_t i = first; i <= last; i++) {
        if (c->refs[i] < UINT32_MAX) {
            c->refs[i]++;
        }
    }
}

static int check_l2(CheckState *c, uint64_t l2_off, bool active)
{
    BDRVQcow2State *s = c->s;
    int ret = bdrv_pread(c->bs->file, l2_off, c->l2, s->cluster_size);
    if (ret < 0) {
        CHECK_MSG(c, "ERROR: cannot read L2 table at 0x%" PRIx64 "\n", l2_off);
        c->res->check_errors++;
        return 0;
    }
    /* Fragmentation is counted within one L2 table (as qemu-img does). */
    c->next_contiguous = 0;
    for (uint64_t i = 0; i < qcow2_l2_entries(s); i++) {
        uint64_t e = qcow2_be64(c->l2 + 8 * i);
        uint64_t off, len;
        switch (qcow2_entry_type(s, e)) {
        case QCOW2_CLUSTER_COMPRESSED:
            if (e & QCOW2_OFLAG_COPIED) {
                CHECK_MSG(c,
                          "ERROR: compressed cluster %" PRIu64
                          " has the COPIED flag\n",
                          i);
                c->res->corruptions++;
            }
            qcow2_compressed_range(s, e, &off, &len);
            add_refs(c, off & ~511ull, len + (off & 511));
            if (active) {
                c->res->allocated_clusters++;
                c->res->compressed_clusters++;
                c->res->fragmented_clusters++;
            }
            break;
        case QCOW2_CLUSTER_NORMAL:
        case QCOW2_CLUSTER_ZERO_ALLOC:
            off = e & QCOW2_L2_OFFSET_MASK;
            if (qcow2_offset_in_cluster(s, off)) {
                CHECK_MSG(c,
                          "ERROR: offset 0x%" PRIx64 " of an L2 entry in "
                          "the table at 0x%" PRIx64 " is not cluster aligned\n",
                          off, l2_off);
                c->res->corruptions++;
                break;
            }
            if (active) {
                c->res->allocated_clusters++;
                if (c->next_contiguous && off != c->next_contiguous) {
                    c->res->fragmented_clusters++;
                }
                c->next_contiguous = off + s->cluster_size;
            }
            add_refs(c, off, s->cluster_size);
            break;
        default:
            break;
        }
    }
    return 0;
}

static void check_l1(CheckState *c, uint64_t l1_off, uint32_t l1_size,
                     bool active)
{
    BDRVQcow2State *s = c->s;
    uint64_t bytes = (uint64_t)l1_size * 8;
    if (!l1_size) {
        return;
    }
    if (qcow2_offset_in_cluster(s, l1_off) || l1_off + bytes > s->file_end ||
        bytes > QCOW2_MAX_L1_BYTES) {
        CHECK_MSG(c,
                  "ERROR: L1 table at 0x%" PRIx64 " (%u entries) is not "
                  "cluster aligned or beyond the end of the file\n",
                  l1_off, l1_size);
        c->res->corruptions++;
        return;
    }
    add_refs(c, l1_off, bytes);
    uint8_t *l1 = g_malloc(bytes);
    if (qcow2_pread_meta(c->bs, l1_off, l1, bytes) < 0) {
        c->res->check_errors++;
        g_free(l1);
        return;
    }
    for (uint32_t i = 0; i < l1_size; i++) {
        uint64_t l2_off = qcow2_be64(l1 + 8 * i) & QCOW2_L1_OFFSET_MASK;
        if (!l2_off) {
            continue;
        }
        if (qcow2_offset_in_cluster(s, l2_off) ||
            l2_off + s->cluster_size > s->file_end) {
            CHECK_MSG(c,
                      "ERROR: L2 table at 0x%" PRIx64 " (L1 entry %u) is "
                      "not cluster aligned or beyond the end of the file\n",
                      l2_off, i);
            c->res->corruptions++;
            continue;
        }
        add_refs(c, l2_off, s->cluster_size);
        check_l2(c, l2_off, active);
    }
    g_free(l1);
}

/* Refcount table entries that cannot be followed; with fix, cleared (the
 * refcounts they held are rebuilt from the counts). */
static void check_reftable(CheckState *c, BdrvCheckMode fix)
{
    BDRVQcow2State *s = c->s;
    add_refs(c, s->refcount_table_offset, s->rt_disk_size * 8);
    for (uint64_t i = 0; i < s->rt_size; i++) {
        uint64_t off = s->refcount_table[i] & QCOW2_REFT_OFFSET_MASK;
        if (!off) {
            continue;
        }
        if (qcow2_offset_in_cluster(s, off) ||
            off + s->cluster_size > s->file_end) {
            if (fix & BDRV_FIX_ERRORS) {
                CHECK_MSG(c,
                          "Repairing refcount block %" PRIu64 " (0x%" PRIx64
                          "): invalid offset\n",
                          i, off);
                s->refcount_table[i] = 0;
                uint8_t *buf = qcow2_alloc_buf(512);
                uint64_t first = i & ~63ull;
                for (uint64_t k = 0; k < 64; k++) {
                    qcow2_st64(buf + 8 * k, first + k < s->rt_size
                                                ? s->refcount_table[first + k]
                                                : 0);
                }
                int ret =
                    bdrv_pwrite(c->bs->file,
                                s->refcount_table_offset + 8 * first, buf, 512);
                free(buf);
                if (ret == 0) {
                    c->res->corruptions_fixed++;
                    continue;
                }
            }
            CHECK_MSG(c,
                      "ERROR: refcount block %" PRIu64 " at 0x%" PRIx64
                      " is not cluster aligned or beyond the end of the "
                      "file\n",
                      i, off);
            c->res->corruptions++;
            continue;
        }
        add_refs(c, off, s->cluster_size);
    }
}

static bool block_valid(BDRVQcow2State *s, uint64_t bi)
{
    uint64_t off =
        bi < s->rt_size ? s->refcount_table[bi] & QCOW2_REFT_OFFSET_MASK : 0;
    return off && !qcow2_offset_in_cluster(s, off) &&
           off + s->cluster_size <= s->file_end;
}

typedef struct Mismatch {
    uint64_t cluster, stored, counted;
} Mismatch;

static void compare_refcounts(CheckState *c, BdrvCheckMode fix)
{
    BDRVQcow2State *s = c->s;
    GArray *bad = g_array_new(false, false, sizeof(Mismatch));
    uint64_t covered = s->rt_size << s->rb_bits;
    uint64_t end = MAX(c->nb, covered);
    for (uint64_t i = 0; i < end; i++) {
        uint64_t bi = i >> s->rb_bits;
        uint64_t stored = 0;
        if (block_valid(s, bi)) {
            if (qcow2_get_refcount(c->bs, i, &stored) < 0) {
                c->res->check_errors++;
                i |= (1ull << s->rb_bits) - 1; /* skip the block */
                continue;
            }
        } else if (i >= c->nb) {
            i |= (1ull << s->rb_bits) - 1;
            continue;
        }
        uint64_t counted = i < c->nb ? c->refs[i] : 0;
        if (stored != counted) {
            Mismatch m = {i, stored, counted};
            g_array_append_val(bad, m);
        }
    }
    /* New refcount blocks go past everything counted. */
    s->free_cluster_index = c->nb;
    for (guint k = 0; k < bad->len; k++) {
        Mismatch *m = &g_array_index(bad, Mismatch, k);
        bool leak = m->stored > m->counted;
        bool fixing = (fix & (leak ? BDRV_FIX_LEAKS : BDRV_FIX_ERRORS)) &&
                      m->counted <= s->refcount_max;
        CHECK_MSG(c,
                  "%s cluster %" PRIu64 " refcount=%" PRIu64
                  " reference=%" PRIu64 "\n",
                  fixing ? "Repairing"
                  : leak ? "Leaked"
                         : "ERROR",
                  m->cluster, m->stored, m->counted);
        if (fixing && qcow2_set_refcount(c->bs, m->cluster, m->counted) == 0) {
            if (leak) {
                c->res->leaks_fixed++;
            } else {
                c->res->corruptions_fixed++;
            }
            continue;
        }
        if (leak) {
            c->res->leaks++;
        } else {
            c->res->corruptions++;
        }
    }
    g_array_free(bad, true);
}

/* COPIED must be set exactly where the refcount is 1 (active tables). */
static void check_copied(CheckState *c, BdrvCheckMode fix)
{
    BDRVQcow2State *s = c->s;
    bool fixing = fix & BDRV_FIX_ERRORS;
    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t l1e = s->l1_table[i];
        uint64_t l2_off = l1e & QCOW2_L1_OFFSET_MASK;
        if (!l2_off || qcow2_offset_in_cluster(s, l2_off) ||
            l2_off + s->cluster_size > s->file_end) {
            continue;
        }
        uint64_t rc;
        if (qcow2_get_refcount(c->bs, l2_off >> s->cluster_bits, &rc) < 0) {
            c->res->check_errors++;
            continue;
        }
        if ((rc == 1) != !!(l1e & QCOW2_OFLAG_COPIED)) {
            CHECK_MSG(c,
                      "%s OFLAG_COPIED L2 cluster: l1_index=%u "
                      "l1_entry=%" PRIx64 " refcount=%" PRIu64 "\n",
                      fixing ? "Repairing" : "ERROR", i, l1e, rc);
            if (fixing) {
                s->l1_table[i] = rc == 1 ? l1e | QCOW2_OFLAG_COPIED
                                         : l1e & ~QCOW2_OFLAG_COPIED;
                if (qcow2_write_l1_entry(c->bs, i) == 0) {
                    c->res->corruptions_fixed++;
                    continue;
                }
            }
            c->res->corruptions++;
        }
        uint8_t *l2;
        if (qcow2_cache_get(c->bs, &s->l2_cache, l2_off, &l2) < 0) {
            c->res->check_errors++;
            continue;
        }
        for (uint64_t k = 0; k < qcow2_l2_entries(s); k++) {
            uint64_t e = qcow2_be64(l2 + 8 * k);
            Qcow2ClusterType t = qcow2_entry_type(s, e);
            if (t != QCOW2_CLUSTER_NORMAL && t != QCOW2_CLUSTER_ZERO_ALLOC) {
                continue;
            }
            uint64_t off = e & QCOW2_L2_OFFSET_MASK;
            if (qcow2_offset_in_cluster(s, off) ||
                qcow2_get_refcount(c->bs, off >> s->cluster_bits, &rc) < 0) {
                continue;
            }
            if ((rc == 1) != !!(e & QCOW2_OFLAG_COPIED)) {
                CHECK_MSG(c,
                          "%s OFLAG_COPIED data cluster: l2_entry=%" PRIx64
                          " refcount=%" PRIu64 "\n",
                          fixing ? "Repairing" : "ERROR", e, rc);
                if (fixing) {
                    uint64_t ne = rc == 1 ? e | QCOW2_OFLAG_COPIED
                                          : e & ~QCOW2_OFLAG_COPIED;
                    qcow2_st64(l2 + 8 * k, ne);
                    if (qcow2_write_l2_entries(c->bs, l2_off, l2, k, 1) == 0) {
                        c->res->corruptions_fixed++;
                        continue;
                    }
                    qcow2_cache_drop(&s->l2_cache, l2_off);
                }
                c->res->corruptions++;
            }
        }
    }
}

int qcow2_check_locked(BlockDriverState *bs, BdrvCheckResult *res,
                       BdrvCheckMode fix)
{
    BDRVQcow2State *s = bs->opaque;
    CheckState c = {.bs = bs, .s = s, .res = res};
    if (fix && !s->writable) {
        return -EROFS;
    }
    memset(res, 0, sizeof(*res));
    int64_t flen = bdrv_getlength(bs->file);
    if (flen < 0) {
        return flen;
    }
    s->file_end = MAX(s->file_end, (uint64_t)flen);
    c.nb = qcow2_size_to_clusters(s, s->file_end);
    c.refs = g_new0(uint32_t, c.nb ? c.nb : 1);
    c.l2 = qcow2_alloc_buf(s->cluster_size);
    s->repairing = true;

    add_refs(&c, 0, s->cluster_size);
    check_l1(&c, s->l1_table_offset, s->l1_size, true);
    for (int i = 0; i < s->nb_snapshots; i++) {
        check_l1(&c, s->snapshots[i].l1_table_offset, s->snapshots[i].l1_size,
                 false);
    }
    if (s->nb_snapshots) {
        add_refs(&c, s->h.snapshots_offset, s->snapshots_size);
    }
    check_reftable(&c, fix);
    compare_refcounts(&c, fix);
    check_copied(&c, fix);

    res->total_clusters = qcow2_size_to_clusters(s, s->h.size);
    uint64_t highest = 0;
    for (uint64_t i = 0; i < c.nb; i++) {
        if (c.refs[i]) {
            highest = i + 1;
        }
    }
    res->image_end_offset = highest << s->cluster_bits;
    s->repairing = false;

    if (fix && !res->corruptions && !res->check_errors &&
        (s->h.incompatible_features & QCOW2_INCOMPAT_CORRUPT)) {
        /* Repaired: the image may be written again. */
        if (qcow2_update_features(bs, s->h.incompatible_features &
                                          ~QCOW2_INCOMPAT_CORRUPT) == 0) {
            s->corrupt = false;
            s->warned_corrupt = false;
        }
    } else if (fix && !res->corruptions && !res->check_errors) {
        s->corrupt = false;
    }
    if (fix && !res->corruptions && !res->check_errors &&
        (s->h.incompatible_features & QCOW2_INCOMPAT_DIRTY)) {
        /* Refcounts rebuilt (emu-img check -r all of an image a crash left
         * dirty, opened without the repair on open): it is clean now. */
        if (qcow2_update_features(bs, s->h.incompatible_features &
                                          ~QCOW2_INCOMPAT_DIRTY) == 0) {
            s->dirty_set = false;
        }
    }
    if (fix) {
        bdrv_flush(bs->file);
    }
    s->free_cluster_index = 0;
    free(c.l2);
    g_free(c.refs);
    return 0;
}
