/*
 * qcow2: the internal snapshot table (qcow2.txt, "Snapshots"): reading and
 * validating it at open, writing a new one, looking snapshots up.  What a
 * snapshot does to the image (create, goto, delete, the VM state) is in
 * qcow2-snapshot-ops.c.
 *
 * One entry: a 40-byte fixed part (L1 table offset and size, id and name
 * lengths, date, VM clock, 32-bit VM state size, extra data size), the
 * extra data (vm_state_size_large, disk_size, icount: 24 bytes, what QEMU
 * writes for v2 and v3 images alike), the id,
 * the name, padding to 8 bytes.  An old v2 entry without extra data has
 * only the 32-bit VM state size, and its disk size is the image's.
 *
 * The table is never changed in place: a new one goes to new clusters, is
 * flushed, then the header's nb_snapshots and snapshots_offset (12 bytes
 * of one sector, written at once) point at it, then the old one is freed.
 * A crash at any point leaves the old table or the new one, at worst with
 * leaked clusters.
 *
 * Runs with s->lock held (or during open).
 */
#include "block/qcow2.h"

#define SNAPSHOT_FIXED_LEN 40
#define EXTRA_KNOWN        24
#define MAX_EXTRA_DATA     1024
#define MAX_SNAPSHOT_TABLE (64 * MiB)

void qcow2_free_snapshot(Qcow2Snapshot *sn)
{
    g_free(sn->id_str);
    g_free(sn->name);
    g_free(sn->extra_unknown);
    memset(sn, 0, sizeof(*sn));
}

void qcow2_free_snapshots(BDRVQcow2State *s)
{
    for (int i = 0; i < s->nb_snapshots; i++) {
        qcow2_free_snapshot(&s->snapshots[i]);
    }
    g_free(s->snapshots);
    s->snapshots = NULL;
    s->nb_snapshots = 0;
    s->snapshots_size = 0;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

/* Where the table lies must make sense before a byte of it is read. */
static int check_table_place(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off = s->h.snapshots_offset;
    if (s->h.nb_snapshots > QCOW2_MAX_SNAPSHOTS) {
        error_setg(errp, "qcow2: too many snapshots (%u, at most %u)",
                   s->h.nb_snapshots, QCOW2_MAX_SNAPSHOTS);
        return -EINVAL;
    }
    if (off == 0) {
        error_setg(errp,
                   "qcow2: the snapshot table (%u snapshots) is at "
                   "offset 0, over the header",
                   s->h.nb_snapshots);
        return -EINVAL;
    }
    if (qcow2_offset_in_cluster(s, off)) {
        error_setg(errp,
                   "qcow2: snapshot table offset 0x%" PRIx64
                   " is not cluster aligned",
                   off);
        return -EINVAL;
    }
    if (off >= s->file_end) {
        error_setg(errp,
                   "qcow2: snapshot table at 0x%" PRIx64
                   " is beyond the end of the file (0x%" PRIx64 " bytes)",
                   off, s->file_end);
        return -EINVAL;
    }
    return 0;
}

/* The table, once read, must not overlap the tables open already knows. */
static int check_table_overlaps(BlockDriverState *bs, uint64_t len,
                                Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off = s->h.snapshots_offset;
    const char *what = NULL;
    if (ranges_overlap(off, len, s->l1_table_offset,
                       (uint64_t)s->l1_size * 8)) {
        what = "the active L1 table";
    } else if (ranges_overlap(off, len, s->refcount_table_offset,
                              s->rt_disk_size * 8)) {
        what = "the refcount table";
    }
    if (what) {
        error_setg(errp,
                   "qcow2: snapshot table at 0x%" PRIx64 " (0x%" PRIx64
                   " bytes) overlaps %s",
                   off, len, what);
        return -EINVAL;
    }
    return 0;
}

int qcow2_read_snapshots(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint32_t nb = s->h.nb_snapshots;
    if (!nb) {
        return 0;
    }
    int ret = check_table_place(bs, errp);
    if (ret < 0) {
        return ret;
    }
    uint64_t start = s->h.snapshots_offset;
    uint64_t off = start;
    s->snapshots = g_new0(Qcow2Snapshot, nb);
    for (uint32_t i = 0; i < nb; i++) {
        uint8_t f[SNAPSHOT_FIXED_LEN];
        if (off - start + sizeof(f) > MAX_SNAPSHOT_TABLE) {
            error_setg(errp,
                       "qcow2: snapshot table at 0x%" PRIx64
                       " is larger than %u MiB (entry %u of %u)",
                       start, (unsigned)(MAX_SNAPSHOT_TABLE / MiB), i, nb);
            return -EINVAL;
        }
        if (off + sizeof(f) > s->file_end) {
            goto beyond;
        }
        ret = qcow2_pread_meta(bs, off, f, sizeof(f));
        if (ret < 0) {
            error_setg(errp, "qcow2: cannot read the snapshot table: %s",
                       strerror(-ret));
            return ret;
        }
        Qcow2Snapshot *sn = &s->snapshots[i];
        s->nb_snapshots = i + 1;
        sn->l1_table_offset = qcow2_be64(f);
        sn->l1_size = qcow2_be32(f + 8);
        uint32_t id_len = qcow2_be16(f + 12);
        uint32_t name_len = qcow2_be16(f + 14);
        sn->date_sec = qcow2_be32(f + 16);
        sn->date_nsec = qcow2_be32(f + 20);
        sn->vm_clock_nsec = qcow2_be64(f + 24);
        sn->vm_state_size = qcow2_be32(f + 32);
        sn->disk_size = s->h.size;
        uint32_t extra = qcow2_be32(f + 36);
        if (extra > MAX_EXTRA_DATA) {
            error_setg(errp,
                       "qcow2: snapshot %u at 0x%" PRIx64
                       " has %u bytes of extra data (at most %u)",
                       i, off, extra, MAX_EXTRA_DATA);
            return -EINVAL;
        }
        off += sizeof(f);
        uint64_t var = (uint64_t)extra + id_len + name_len;
        if (off + var > s->file_end) {
            goto beyond;
        }
        uint8_t *v = g_malloc(var + 1);
        ret = var ? qcow2_pread_meta(bs, off, v, var) : 0;
        if (ret < 0) {
            g_free(v);
            error_setg(errp, "qcow2: cannot read the snapshot table: %s",
                       strerror(-ret));
            return ret;
        }
        if (extra >= 8) {
            sn->vm_state_size = qcow2_be64(v);
        }
        if (extra >= 16) {
            sn->disk_size = qcow2_be64(v + 8);
        }
        if (extra >= 24) {
            sn->icount = qcow2_be64(v + 16);
        }
        if (extra > EXTRA_KNOWN) {
            sn->extra_unknown_len = extra - EXTRA_KNOWN;
            sn->extra_unknown = g_memdup2(v + EXTRA_KNOWN, extra - EXTRA_KNOWN);
        }
        sn->id_str = g_strndup((char *)v + extra, id_len);
        sn->name = g_strndup((char *)v + extra + id_len, name_len);
        g_free(v);
        off += var;
        off = (off + 7) & ~7ull;
    }
    s->snapshots_size = off - start;
    return check_table_overlaps(bs, s->snapshots_size, errp);

beyond:
    error_setg(errp,
               "qcow2: snapshot table at 0x%" PRIx64
               " is beyond the end of the file (0x%" PRIx64 " bytes)",
               start, s->file_end);
    return -EINVAL;
}

int qcow2_snapshot_list(BlockDriverState *bs, BlockSnapshotInfo **list)
{
    BDRVQcow2State *s = bs->opaque;
    *list = NULL;
    if (!s->nb_snapshots) {
        return 0;
    }
    BlockSnapshotInfo *l = g_new0(BlockSnapshotInfo, s->nb_snapshots);
    for (int i = 0; i < s->nb_snapshots; i++) {
        const Qcow2Snapshot *sn = &s->snapshots[i];
        g_strlcpy(l[i].id, sn->id_str, sizeof(l[i].id));
        g_strlcpy(l[i].name, sn->name, sizeof(l[i].name));
        l[i].vm_state_size = sn->vm_state_size;
        l[i].date_sec = sn->date_sec;
        l[i].date_nsec = sn->date_nsec;
        l[i].vm_clock_nsec = sn->vm_clock_nsec;
        l[i].icount =
            sn->icount > UINT32_MAX ? UINT32_MAX : (uint32_t)sn->icount;
    }
    *list = l;
    return s->nb_snapshots;
}

int qcow2_find_snapshot_id(BDRVQcow2State *s, const char *id)
{
    for (int i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].id_str, id)) {
            return i;
        }
    }
    return -1;
}

/* The on-disk form of n entries; *len bytes (8-aligned), g_free. */
static uint8_t *serialize(const Qcow2Snapshot *snaps, int n, uint64_t *len)
{
    uint64_t total = 0;
    for (int i = 0; i < n; i++) {
        total += SNAPSHOT_FIXED_LEN + EXTRA_KNOWN + snaps[i].extra_unknown_len +
                 strlen(snaps[i].id_str) + strlen(snaps[i].name);
        total = (total + 7) & ~7ull;
    }
    uint8_t *buf = g_malloc0(total ? total : 1);
    uint8_t *p = buf;
    for (int i = 0; i < n; i++) {
        const Qcow2Snapshot *sn = &snaps[i];
        size_t id_len = strlen(sn->id_str), name_len = strlen(sn->name);
        uint32_t extra = EXTRA_KNOWN + sn->extra_unknown_len;
        qcow2_st64(p, sn->l1_table_offset);
        qcow2_st32(p + 8, sn->l1_size);
        qcow2_st16(p + 12, (uint16_t)id_len);
        qcow2_st16(p + 14, (uint16_t)name_len);
        qcow2_st32(p + 16, sn->date_sec);
        qcow2_st32(p + 20, sn->date_nsec);
        qcow2_st64(p + 24, sn->vm_clock_nsec);
        /* A state too large for the old field reads as none there
         * (disk-only for old readers) rather than truncated. */
        qcow2_st32(p + 32, sn->vm_state_size <= UINT32_MAX
                               ? (uint32_t)sn->vm_state_size
                               : 0);
        qcow2_st32(p + 36, extra);
        p += SNAPSHOT_FIXED_LEN;
        qcow2_st64(p, sn->vm_state_size);
        qcow2_st64(p + 8, sn->disk_size);
        qcow2_st64(p + 16, sn->icount);
        if (sn->extra_unknown_len) {
            memcpy(p + EXTRA_KNOWN, sn->extra_unknown, sn->extra_unknown_len);
        }
        p += extra;
        memcpy(p, sn->id_str, id_len);
        p += id_len;
        memcpy(p, sn->name, name_len);
        p += name_len;
        p = buf + (((uint64_t)(p - buf) + 7) & ~7ull);
    }
    *len = total;
    return buf;
}

int qcow2_write_snapshots(BlockDriverState *bs, Qcow2Snapshot *snaps, int n)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t len = 0;
    int64_t off = 0;
    uint64_t alloc_len = 0;
    int ret = 0;
    if (n) {
        uint8_t *table = serialize(snaps, n, &len);
        if (len > MAX_SNAPSHOT_TABLE) {
            g_free(table);
            return -EFBIG;
        }
        alloc_len = qcow2_size_to_clusters(s, len) << s->cluster_bits;
        off = qcow2_alloc_clusters(bs, alloc_len >> s->cluster_bits);
        if (off < 0) {
            g_free(table);
            return off;
        }
        uint8_t *buf = qcow2_alloc_buf(alloc_len);
        memset(buf, 0, alloc_len);
        memcpy(buf, table, len);
        g_free(table);
        ret = bdrv_pwrite(bs->file, off, buf, alloc_len);
        free(buf);
        if (ret == 0) {
            if ((uint64_t)off + alloc_len > s->file_end) {
                s->file_end = off + alloc_len;
            }
            /* The table and its refcounts are stable before the header
             * points at them. */
            ret = bdrv_flush(bs->file);
        }
        if (ret < 0) {
            qcow2_free_clusters(bs, off, alloc_len);
            return ret;
        }
    }
    uint8_t hdr[12];
    qcow2_st32(hdr, (uint32_t)n);
    qcow2_st64(hdr + 4, (uint64_t)off);
    ret = qcow2_write_header_field(bs, 60, hdr, sizeof(hdr));
    if (ret == 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret < 0) {
        /* The header may or may not have reached the disk: keep the new
         * table (a leak at worst) rather than free what it may use. */
        return ret;
    }
    uint64_t old_off = s->h.snapshots_offset;
    uint64_t old_len = s->snapshots_size;
    bool had = s->nb_snapshots > 0;
    /* snaps replaces the table: free the entries snaps does not reuse
     * (the caller moved the ones it kept). */
    g_free(s->snapshots);
    s->snapshots = snaps;
    s->nb_snapshots = n;
    s->snapshots_size = len;
    s->h.nb_snapshots = n;
    s->h.snapshots_offset = off;
    if (had && old_len) {
        qcow2_free_clusters(bs, old_off, old_len);
    }
    return 0;
}

int qcow2_validate_snapshot_l1(BlockDriverState *bs, const Qcow2Snapshot *sn,
                               Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t bytes = (uint64_t)sn->l1_size * 8;
    const char *problem = NULL;
    if (sn->disk_size > QCOW2_MAX_SIZE) {
        error_setg(errp,
                   "qcow2: %s: snapshot '%s' (id %s) has a disk size of "
                   "0x%" PRIx64 " bytes, too large",
                   bs->filename, sn->name, sn->id_str, sn->disk_size);
        return -EINVAL;
    }
    if (bytes > QCOW2_MAX_L1_BYTES) {
        problem = "is too large";
    } else if (sn->l1_size < qcow2_l1_entries_for(s, sn->disk_size)) {
        problem = "is too small for the snapshot's disk size";
    } else if (bytes && qcow2_offset_in_cluster(s, sn->l1_table_offset)) {
        problem = "is not cluster aligned";
    } else if (bytes && sn->l1_table_offset == 0) {
        problem = "overlaps the header";
    } else if (sn->l1_table_offset + bytes < sn->l1_table_offset ||
               sn->l1_table_offset + bytes > s->file_end) {
        problem = "is beyond the end of the file";
    }
    if (problem) {
        error_setg(errp,
                   "qcow2: %s: the L1 table of snapshot '%s' (id %s) at "
                   "0x%" PRIx64 " (%u entries) %s",
                   bs->filename, sn->name, sn->id_str, sn->l1_table_offset,
                   sn->l1_size, problem);
        return -EINVAL;
    }
    return 0;
}

int qcow2_read_snapshot_l1(BlockDriverState *bs, const Qcow2Snapshot *sn,
                           uint32_t n, uint64_t **l1)
{
    n = MIN(n, sn->l1_size);
    uint64_t *t = g_new0(uint64_t, n ? n : 1);
    if (n) {
        uint8_t *buf = g_malloc((size_t)n * 8);
        int ret = qcow2_pread_meta(bs, sn->l1_table_offset, buf, (size_t)n * 8);
        if (ret < 0) {
            g_free(buf);
            g_free(t);
            return ret;
        }
        for (uint32_t i = 0; i < n; i++) {
            t[i] = qcow2_be64(buf + 8 * i);
        }
        g_free(buf);
    }
    *l1 = t;
    return 0;
}
