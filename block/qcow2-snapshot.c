/*
 * qcow2: the internal snapshot table (qcow2.txt, "Snapshots").  emu reads
 * it (emu-img snapshot -l, and check, which must count the clusters the
 * snapshots reference); creating, applying and deleting snapshots is not
 * implemented.  Writes to clusters a snapshot shares (no COPIED flag) go
 * to new clusters, so the snapshots stay intact.
 */
#include "block/qcow2.h"

#define SNAPSHOT_FIXED_LEN 40
#define MAX_EXTRA_DATA     1024
#define MAX_SNAPSHOT_TABLE (64 * MiB)

void qcow2_free_snapshots(BDRVQcow2State *s)
{
    for (int i = 0; i < s->nb_snapshots; i++) {
        g_free(s->snapshots[i].id_str);
        g_free(s->snapshots[i].name);
    }
    g_free(s->snapshots);
    s->snapshots = NULL;
    s->nb_snapshots = 0;
}

int qcow2_read_snapshots(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off = s->h.snapshots_offset;
    uint32_t nb = s->h.nb_snapshots;
    if (!nb) {
        return 0;
    }
    if (nb > QCOW2_MAX_SNAPSHOTS) {
        error_setg(errp, "qcow2: too many snapshots (%u)", nb);
        return -EINVAL;
    }
    if (qcow2_offset_in_cluster(s, off) || off == 0) {
        error_setg(errp,
                   "qcow2: snapshot table offset 0x%" PRIx64
                   " is not cluster aligned",
                   off);
        return -EINVAL;
    }
    s->snapshots = g_new0(Qcow2Snapshot, nb);
    uint64_t start = off;
    for (uint32_t i = 0; i < nb; i++) {
        uint8_t f[SNAPSHOT_FIXED_LEN];
        if (off + sizeof(f) > s->file_end || off - start > MAX_SNAPSHOT_TABLE) {
            goto beyond;
        }
        int ret = qcow2_pread_meta(bs, off, f, sizeof(f));
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
            sn->icount = (uint32_t)qcow2_be64(v + 16);
        }
        sn->id_str = g_strndup((char *)v + extra, id_len);
        sn->name = g_strndup((char *)v + extra + id_len, name_len);
        g_free(v);
        off += var;
        off = (off + 7) & ~7ull;
    }
    s->snapshots_size = off - start;
    return 0;

beyond:
    error_setg(errp,
               "qcow2: snapshot table at 0x%" PRIx64
               " is beyond the end of the file",
               start);
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
        l[i].icount = sn->icount;
    }
    *list = l;
    return s->nb_snapshots;
}
