/*
 * qcow2: internal snapshots (create, goto, delete) and the VM state saved
 * with them, QEMU's scheme (docs/devel/block.md, "Internal snapshots").
 *
 * A snapshot is a copy of the active L1 table plus one more reference on
 * every cluster it reaches (qcow2-snapshot-refs.c); writes then copy
 * shared clusters before changing them.  The machine state (savevm) is
 * stored in the image's "VM state area": guest offsets from the first L1
 * entry past the disk's end, written through the active L1 just before
 * the snapshot is taken, so that the snapshot's L1 copy reaches it.  The
 * active table then hands those L2 tables over to the snapshot (its
 * entries there are cleared without dropping a reference), so the next
 * write or snapshot pays nothing for them.  load_vmstate reads the area
 * back through the snapshot's own L1 table.
 *
 * Order on disk, so that a crash at any point leaves at worst leaked
 * clusters (refcounts too high), never a table pointing at a free one:
 *   create: VM state data, L1 copy, refcounts +1, active VM state entries
 *           cleared, COPIED flags cleared, new snapshot table, header.
 *   goto:   refcounts +1 on the snapshot's tree, active L1 rewritten, disk
 *           size, refcounts -1 on the old active tree, COPIED flags.
 *   delete: new snapshot table and header, refcounts -1 on its tree, its
 *           L1 freed, COPIED flags.
 * Refcounts are written through (qcow2.h), so images with lazy refcounts
 * need nothing more: their dirty bit is set by the first change, as for
 * any write, and an image left dirty was repaired when it was opened.
 */
#include "block/qcow2.h"

#include <sys/time.h>

/* Write the whole active L1 table (the sectors it fills). */
static int write_active_l1(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t bytes = ((uint64_t)s->l1_size * 8 + 511) & ~511ull;
    if (!bytes) {
        return 0;
    }
    uint8_t *buf = qcow2_alloc_buf(bytes);
    memset(buf, 0, bytes);
    for (uint32_t i = 0; i < s->l1_size; i++) {
        qcow2_st64(buf + 8 * i, s->l1_table[i]);
    }
    int ret = bdrv_pwrite(bs->file, s->l1_table_offset, buf, bytes);
    free(buf);
    return ret;
}

/* Clear active L1 entries from idx on (what lies past the disk: a VM
 * state area); with drop, the references they held are dropped too. */
static int clear_active_from(BlockDriverState *bs, uint64_t idx, bool drop)
{
    BDRVQcow2State *s = bs->opaque;
    if (idx >= s->l1_size) {
        return 0;
    }
    uint32_t n = s->l1_size - (uint32_t)idx;
    uint64_t *old = g_memdup2(s->l1_table + idx, (size_t)n * 8);
    bool any = false;
    for (uint32_t i = 0; i < n; i++) {
        any |= old[i] != 0;
        s->l1_table[idx + i] = 0;
    }
    int ret = any ? write_active_l1(bs) : 0;
    if (ret < 0) {
        memcpy(s->l1_table + idx, old, (size_t)n * 8);
    } else if (any && drop) {
        ret = qcow2_update_l1_refs(bs, old, n, -1);
    }
    g_free(old);
    return ret;
}

/* Write the VM state at vm_off through the active L1 (whole sectors: the
 * tail is padded with zeros). */
static int write_vmstate(BlockDriverState *bs, uint64_t vm_off,
                         const uint8_t *data, uint64_t len)
{
    const uint64_t chunk = 1 * MiB;
    uint8_t *buf = qcow2_alloc_buf(chunk);
    int ret = 0;
    for (uint64_t done = 0; done < len && ret == 0;) {
        uint64_t n = MIN(chunk, len - done);
        uint64_t padded = (n + 511) & ~511ull;
        memcpy(buf, data + done, n);
        memset(buf + n, 0, padded - n);
        struct iovec one;
        IOVector v;
        iovec_init_buf(&v, &one, buf, padded);
        ret = qcow2_pwritev_locked(bs, vm_off + done, padded, &v, 0);
        done += n;
    }
    free(buf);
    return ret;
}

static char *new_snapshot_id(BDRVQcow2State *s)
{
    /* QEMU's: one more than the largest id. */
    unsigned long max = 0;
    for (int i = 0; i < s->nb_snapshots; i++) {
        unsigned long id = strtoul(s->snapshots[i].id_str, NULL, 10);
        max = MAX(max, id);
    }
    return g_strdup_printf("%lu", max + 1);
}

/* The snapshot L1 table: the active one without COPIED flags, in new
 * clusters. */
static int64_t write_l1_copy(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t bytes = qcow2_size_to_clusters(s, (uint64_t)s->l1_size * 8)
                     << s->cluster_bits;
    int64_t off = qcow2_alloc_clusters(bs, bytes >> s->cluster_bits);
    if (off < 0) {
        return off;
    }
    uint8_t *buf = qcow2_alloc_buf(bytes);
    memset(buf, 0, bytes);
    for (uint32_t i = 0; i < s->l1_size; i++) {
        qcow2_st64(buf + 8 * i, s->l1_table[i] & ~QCOW2_OFLAG_COPIED);
    }
    int ret = bdrv_pwrite(bs->file, off, buf, bytes);
    free(buf);
    if (ret < 0) {
        qcow2_free_clusters(bs, off, bytes);
        return ret;
    }
    if ((uint64_t)off + bytes > s->file_end) {
        s->file_end = off + bytes;
    }
    return off;
}

static int create_locked(BlockDriverState *bs, BlockSnapshotInfo *info,
                         const void *vmstate, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    const char *what = NULL;
    uint64_t vm_idx = qcow2_l1_entries_for(s, s->h.size);
    uint64_t vm_off = qcow2_vm_state_offset(s, s->h.size);
    uint64_t vm_len = info->vm_state_size;
    int ret;

    if (s->nb_snapshots >= QCOW2_MAX_SNAPSHOTS) {
        error_setg(errp, "qcow2: %s: too many snapshots (at most %d)",
                   bs->filename, QCOW2_MAX_SNAPSHOTS);
        return -EFBIG;
    }
    if (vm_len &&
        (vm_off + vm_len < vm_off ||
         qcow2_l1_entries_for(s, vm_off + vm_len) * 8 > QCOW2_MAX_L1_BYTES)) {
        error_setg(errp,
                   "qcow2: %s: a VM state of %" PRIu64
                   " bytes does not fit in the image",
                   bs->filename, vm_len);
        return -EFBIG;
    }
    /* A VM state area left in the active table (by QEMU's loadvm) is not
     * part of the disk: dropped, so the new snapshot gets only its own. */
    ret = clear_active_from(bs, vm_idx, true);
    if (ret < 0) {
        what = "cannot clear the VM state area";
        goto fail;
    }
    if (vm_len) {
        ret = qcow2_grow_l1(bs, qcow2_l1_entries_for(s, vm_off + vm_len));
        if (ret == 0) {
            ret = write_vmstate(bs, vm_off, vmstate, vm_len);
        }
        if (ret < 0) {
            clear_active_from(bs, vm_idx, true);
            what = "cannot write the VM state";
            goto fail;
        }
    }

    Qcow2Snapshot sn = {
        .l1_size = s->l1_size,
        .date_sec = info->date_sec,
        .date_nsec = info->date_nsec,
        .vm_clock_nsec = info->vm_clock_nsec,
        .vm_state_size = vm_len,
        .disk_size = s->h.size,
        .icount = info->icount == UINT32_MAX ? UINT64_MAX : info->icount,
    };
    uint64_t *l1 = g_memdup2(s->l1_table, (size_t)MAX(s->l1_size, 1) * 8);
    uint32_t shared = (uint32_t)MIN(vm_idx, s->l1_size);
    bool handed_over = false;
    int64_t l1_off = 0;
    if (s->l1_size) {
        l1_off = write_l1_copy(bs);
        if (l1_off < 0) {
            ret = l1_off;
            clear_active_from(bs, vm_idx, true);
            g_free(l1);
            what = "cannot write the snapshot's L1 table";
            goto fail;
        }
    }
    sn.l1_table_offset = l1_off;
    ret = qcow2_update_l1_refs(bs, l1, shared, +1);
    if (ret < 0) {
        what = ret == -ERANGE ? "a refcount would overflow (refcount_bits "
                                "too small for snapshots)"
                              : "cannot update refcounts";
        goto undo_l1;
    }
    /* The VM state's tables now belong to the snapshot alone. */
    ret = clear_active_from(bs, vm_idx, false);
    handed_over = ret == 0;
    if (ret == 0) {
        ret = qcow2_fix_copied(bs);
    }
    if (ret < 0) {
        what = "cannot update the active L1 table";
        goto undo_refs;
    }

    sn.id_str = new_snapshot_id(s);
    sn.name = g_strdup(info->name);
    Qcow2Snapshot *snaps = g_new(Qcow2Snapshot, s->nb_snapshots + 1);
    if (s->nb_snapshots) {
        memcpy(snaps, s->snapshots, sizeof(*snaps) * s->nb_snapshots);
    }
    snaps[s->nb_snapshots] = sn;
    ret = qcow2_write_snapshots(bs, snaps, s->nb_snapshots + 1);
    if (ret < 0) {
        g_free(snaps);
        qcow2_free_snapshot(&sn);
        what = "cannot write the snapshot table";
        goto undo_refs;
    }
    g_strlcpy(info->id, sn.id_str, sizeof(info->id));
    g_free(l1);
    ret = bdrv_flush(bs->file);
    if (ret < 0) {
        error_setg(errp, "qcow2: %s: cannot flush the snapshot: %s",
                   bs->filename, strerror(-ret));
    }
    return ret;

undo_refs:
    /* Best effort: what fails here is a leak, which check repairs. */
    qcow2_update_l1_refs(bs, l1, shared, -1);
    if (handed_over) {
        qcow2_update_l1_refs(bs, l1 + shared, sn.l1_size - shared, -1);
    }
    qcow2_fix_copied(bs);
undo_l1:
    if (l1_off > 0) {
        qcow2_free_clusters(bs, l1_off, (uint64_t)sn.l1_size * 8);
    }
    clear_active_from(bs, vm_idx, true);
    g_free(l1);
fail:
    error_setg(errp, "qcow2: %s: %s (%s)", bs->filename, what, strerror(-ret));
    return ret;
}

int qcow2_snapshot_create(BlockDriverState *bs, BlockSnapshotInfo *info,
                          const void *vmstate, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    pthread_mutex_lock(&s->lock);
    int ret = qcow2_write_allowed(bs);
    if (ret < 0) {
        error_setg(errp, "qcow2: %s: %s", bs->filename, strerror(-ret));
    } else {
        ret = create_locked(bs, info, vmstate, errp);
    }
    pthread_mutex_unlock(&s->lock);
    return ret;
}

/* The snapshot with this id, its L1 table checked; NULL and errp set. */
static Qcow2Snapshot *find_checked(BlockDriverState *bs, const char *id,
                                   Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int i = qcow2_find_snapshot_id(s, id);
    if (i < 0) {
        error_setg(errp, "qcow2: %s: no snapshot with id %s", bs->filename, id);
        return NULL;
    }
    if (qcow2_validate_snapshot_l1(bs, &s->snapshots[i], errp) < 0) {
        return NULL;
    }
    return &s->snapshots[i];
}

/* The first n entries of the snapshot's L1, and the tree they reach
 * checked; NULL and errp set. */
static uint64_t *snapshot_tree(BlockDriverState *bs, const Qcow2Snapshot *sn,
                               uint32_t n, Error **errp)
{
    uint64_t *l1;
    int ret = qcow2_read_snapshot_l1(bs, sn, n, &l1);
    if (ret < 0) {
        error_setg(errp,
                   "qcow2: %s: cannot read the L1 table of snapshot "
                   "'%s': %s",
                   bs->filename, sn->name, strerror(-ret));
        return NULL;
    }
    char *what = g_strdup_printf("snapshot '%s' (id %s)", sn->name, sn->id_str);
    ret = qcow2_validate_l1_tree(bs, l1, MIN(n, sn->l1_size), what, errp);
    g_free(what);
    if (ret < 0) {
        g_free(l1);
        return NULL;
    }
    return l1;
}

static int goto_locked(BlockDriverState *bs, const char *id, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2Snapshot *sn = find_checked(bs, id, errp);
    if (!sn) {
        return -EINVAL;
    }
    /* The disk part only: the VM state area stays the snapshot's. */
    uint32_t n = (uint32_t)qcow2_l1_entries_for(s, sn->disk_size);
    uint64_t *l1 = snapshot_tree(bs, sn, n, errp);
    if (!l1) {
        return -EINVAL;
    }
    const char *what = "cannot grow the active L1 table";
    int ret = qcow2_grow_l1(bs, n);
    if (ret == 0) {
        what = "cannot update refcounts";
        ret = qcow2_update_l1_refs(bs, l1, n, +1);
    }
    if (ret < 0) {
        g_free(l1);
        error_setg(errp, "qcow2: %s: %s (%s)", bs->filename, what,
                   strerror(-ret));
        return ret;
    }
    uint64_t *old = g_memdup2(s->l1_table, (size_t)MAX(s->l1_size, 1) * 8);
    uint32_t old_n = s->l1_size;
    for (uint32_t i = 0; i < s->l1_size; i++) {
        s->l1_table[i] = i < n ? l1[i] & ~QCOW2_OFLAG_COPIED : 0;
    }
    ret = write_active_l1(bs);
    if (ret < 0) {
        memcpy(s->l1_table, old, (size_t)old_n * 8);
        write_active_l1(bs);
        qcow2_update_l1_refs(bs, l1, n, -1);
        g_free(old);
        g_free(l1);
        error_setg(errp, "qcow2: %s: cannot write the L1 table (%s)",
                   bs->filename, strerror(-ret));
        return ret;
    }
    g_free(l1);
    if (sn->disk_size != s->h.size) {
        uint8_t b[8];
        qcow2_st64(b, sn->disk_size);
        ret = qcow2_write_header_field(bs, 24, b, 8);
        if (ret == 0) {
            s->h.size = sn->disk_size;
        }
    }
    /* The old tree: a failure from here on leaks clusters only. */
    int ret2 = qcow2_update_l1_refs(bs, old, old_n, -1);
    g_free(old);
    if (ret == 0) {
        ret = ret2;
    }
    if (ret == 0) {
        ret = qcow2_fix_copied(bs);
    }
    if (ret == 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret < 0) {
        error_setg(errp,
                   "qcow2: %s: applied, but updating the image "
                   "failed: %s (emu-img check tells more)",
                   bs->filename, strerror(-ret));
    }
    return ret;
}

int qcow2_snapshot_goto(BlockDriverState *bs, const char *id, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    pthread_mutex_lock(&s->lock);
    int ret = qcow2_write_allowed(bs);
    if (ret < 0) {
        error_setg(errp, "qcow2: %s: %s", bs->filename, strerror(-ret));
    } else {
        ret = goto_locked(bs, id, errp);
    }
    pthread_mutex_unlock(&s->lock);
    return ret;
}

static int delete_locked(BlockDriverState *bs, const char *id, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2Snapshot *sn = find_checked(bs, id, errp);
    if (!sn) {
        return -EINVAL;
    }
    uint64_t *l1 = snapshot_tree(bs, sn, sn->l1_size, errp);
    if (!l1) {
        return -EINVAL;
    }
    int idx = (int)(sn - s->snapshots);
    Qcow2Snapshot gone = *sn;
    int n = s->nb_snapshots - 1;
    Qcow2Snapshot *snaps = g_new(Qcow2Snapshot, MAX(n, 1));
    memcpy(snaps, s->snapshots, sizeof(*snaps) * idx);
    memcpy(snaps + idx, s->snapshots + idx + 1, sizeof(*snaps) * (n - idx));
    int ret = qcow2_write_snapshots(bs, snaps, n);
    if (ret < 0) {
        g_free(snaps);
        g_free(l1);
        error_setg(errp, "qcow2: %s: cannot write the snapshot table (%s)",
                   bs->filename, strerror(-ret));
        return ret;
    }
    if (!n) {
        g_free(snaps); /* no table: s->snapshots stays NULL */
        s->snapshots = NULL;
    }
    /* Unlinked: from here on a failure leaks clusters only. */
    ret = qcow2_update_l1_refs(bs, l1, gone.l1_size, -1);
    g_free(l1);
    if (gone.l1_size) {
        qcow2_free_clusters(bs, gone.l1_table_offset,
                            (uint64_t)gone.l1_size * 8);
    }
    if (ret == 0) {
        ret = qcow2_fix_copied(bs);
    }
    if (ret == 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret < 0) {
        error_setg(errp,
                   "qcow2: %s: deleted, but freeing its clusters "
                   "failed: %s (emu-img check -r leaks repairs it)",
                   bs->filename, strerror(-ret));
    }
    qcow2_free_snapshot(&gone);
    return ret;
}

int qcow2_snapshot_delete(BlockDriverState *bs, const char *id, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    pthread_mutex_lock(&s->lock);
    int ret = qcow2_write_allowed(bs);
    if (ret < 0) {
        error_setg(errp, "qcow2: %s: %s", bs->filename, strerror(-ret));
    } else {
        ret = delete_locked(bs, id, errp);
    }
    pthread_mutex_unlock(&s->lock);
    return ret;
}

/* [off, off + len) of the VM state area through the snapshot's L1
 * entries l1 (the first of which maps guest offset base). */
static int read_area(BlockDriverState *bs, const Qcow2Snapshot *sn,
                     const uint64_t *l1, uint64_t base, uint64_t off,
                     uint8_t *buf, uint64_t len, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *cbuf = NULL;
    int ret = 0;
    while (len && ret == 0) {
        uint64_t in = qcow2_offset_in_cluster(s, off);
        uint64_t n = MIN(len, s->cluster_size - in);
        uint64_t rel = off - base;
        uint64_t l2_off =
            l1[rel >> (s->cluster_bits + s->l2_bits)] & QCOW2_L1_OFFSET_MASK;
        uint64_t e = 0;
        if (l2_off) {
            uint8_t *l2;
            /* snapshot_tree checked l2_off and the entries. */
            ret = qcow2_cache_get(bs, &s->l2_cache, l2_off, &l2);
            if (ret < 0) {
                break;
            }
            e = qcow2_be64(l2 + 8 * ((off >> s->cluster_bits) &
                                     (qcow2_l2_entries(s) - 1)));
        }
        switch (qcow2_entry_type(s, e)) {
        case QCOW2_CLUSTER_NORMAL:
            ret = bdrv_pread(bs->file, (e & QCOW2_L2_OFFSET_MASK) + in, buf, n);
            break;
        case QCOW2_CLUSTER_COMPRESSED:
            if (!cbuf) {
                cbuf = qcow2_alloc_buf(s->cluster_size);
            }
            ret = qcow2_read_compressed(bs, e, cbuf);
            if (ret == 0) {
                memcpy(buf, cbuf + in, n);
            }
            break;
        default:
            memset(buf, 0, n);
            break;
        }
        off += n;
        buf += n;
        len -= n;
    }
    free(cbuf);
    if (ret < 0) {
        error_setg(errp,
                   "qcow2: %s: cannot read the VM state of snapshot "
                   "'%s': %s",
                   bs->filename, sn->name, strerror(-ret));
    }
    return ret;
}

static int load_vmstate_locked(BlockDriverState *bs, const char *id,
                               uint8_t **buf, size_t *len, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2Snapshot *sn = find_checked(bs, id, errp);
    if (!sn) {
        return -EINVAL;
    }
    uint64_t size = sn->vm_state_size;
    if (!size) {
        return 0;
    }
    uint64_t vm_idx = qcow2_l1_entries_for(s, sn->disk_size);
    uint64_t vm_off = qcow2_vm_state_offset(s, sn->disk_size);
    if (size > s->file_end || size > SIZE_MAX ||
        qcow2_l1_entries_for(s, vm_off + size) > sn->l1_size) {
        error_setg(errp,
                   "qcow2: %s: the VM state of snapshot '%s' (id %s, %" PRIu64
                   " bytes) does not fit in %s",
                   bs->filename, sn->name, sn->id_str, size,
                   size > s->file_end ? "the image file"
                                      : "the snapshot's L1 table");
        return -EINVAL;
    }
    uint64_t *l1;
    uint32_t end = (uint32_t)qcow2_l1_entries_for(s, vm_off + size);
    int ret = qcow2_read_snapshot_l1(bs, sn, end, &l1);
    if (ret < 0) {
        error_setg(errp,
                   "qcow2: %s: cannot read the L1 table of snapshot "
                   "'%s': %s",
                   bs->filename, sn->name, strerror(-ret));
        return ret;
    }
    char *what = g_strdup_printf("VM state of snapshot '%s' (id %s)", sn->name,
                                 sn->id_str);
    ret = qcow2_validate_l1_tree(bs, l1 + vm_idx, end - (uint32_t)vm_idx, what,
                                 errp);
    g_free(what);
    uint8_t *b = ret == 0 ? g_try_malloc(size) : NULL;
    if (ret == 0 && !b) {
        error_setg(errp,
                   "qcow2: %s: no memory for the VM state of snapshot "
                   "'%s' (%" PRIu64 " bytes)",
                   bs->filename, sn->name, size);
        ret = -ENOMEM;
    }
    if (ret == 0) {
        ret = read_area(bs, sn, l1 + vm_idx, vm_off, vm_off, b, size, errp);
    }
    g_free(l1);
    if (ret < 0) {
        g_free(b);
        return ret;
    }
    *buf = b;
    *len = size;
    return 0;
}

int qcow2_snapshot_load_vmstate(BlockDriverState *bs, const char *id,
                                uint8_t **buf, size_t *len, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    *buf = NULL;
    *len = 0;
    pthread_mutex_lock(&s->lock);
    int ret = load_vmstate_locked(bs, id, buf, len, errp);
    pthread_mutex_unlock(&s->lock);
    return ret;
}
