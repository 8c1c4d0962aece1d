/*
 * Internal snapshots of an image: the disk's contents at one moment and,
 * for savevm, the machine state saved with them (QEMU's scheme: qcow2
 * keeps both; the machine state lives in the image's "VM state area",
 * and `qemu-img snapshot -l` shows its size as VM SIZE).
 *
 *     BlockSnapshotInfo sn = { .vm_state_size = len, .vm_clock_nsec = t };
 *     snprintf(sn.name, sizeof(sn.name), "%s", "boot");
 *     bdrv_snapshot_create(bs, &sn, state, &err);     // savevm boot
 *     bdrv_snapshot_goto(bs, "boot", &err);            // loadvm boot
 *     bdrv_snapshot_load_vmstate(bs, "boot", &buf, &len, &err);
 *
 * Names: name_or_id matches a snapshot's id ("1", "2", ...) or its name,
 * as QEMU's savevm/loadvm/delvm and `qemu-img snapshot -a/-d` do (the id
 * first).  Every call runs under the global lock with the drive drained
 * (no request in flight); none of them is for a vCPU thread.
 */
#ifndef BLOCK_SNAPSHOT_H
#define BLOCK_SNAPSHOT_H

#include "block/block-int.h"

/* The image's format keeps internal snapshots (qcow2) and it is writable. */
bool bdrv_can_snapshot(BlockDriverState *bs);

/* g_malloc'ed array of the image's snapshots, count returned (0 if none,
 * also for formats without snapshots), or -errno. */
int bdrv_snapshot_list(BlockDriverState *bs, BlockSnapshotInfo **list);

/* Fill *info for name_or_id: 0, or -ENOENT. */
int bdrv_snapshot_find(BlockDriverState *bs, const char *name_or_id,
                       BlockSnapshotInfo *info);

/*
 * Take a snapshot named sn->name (an existing snapshot with that name is
 * an error: the caller deletes it first, as savevm does).  The id is
 * chosen here and written back to sn->id (qsnap: one more than the
 * largest id, QEMU's rule: ids are not reused after a delete);
 * sn->date_sec/nsec are filled from the host clock if both are 0.
 * vmstate: sn->vm_state_size bytes of machine state stored with the
 * snapshot (NULL when 0).  On return the snapshot is on disk (flushed).
 */
int bdrv_snapshot_create(BlockDriverState *bs, BlockSnapshotInfo *sn,
                         const void *vmstate, Error **errp);

/* Make the disk's contents those of the snapshot (loadvm, snapshot -a). */
int bdrv_snapshot_goto(BlockDriverState *bs, const char *name_or_id,
                       Error **errp);

/* Delete it and free the clusters only it used (delvm, snapshot -d). */
int bdrv_snapshot_delete(BlockDriverState *bs, const char *name_or_id,
                         Error **errp);

/* The machine state saved with it: *buf (g_malloc'ed) of *len bytes;
 * *len is 0 and *buf NULL for a disk-only snapshot (emu-img snapshot -c). */
int bdrv_snapshot_load_vmstate(BlockDriverState *bs, const char *name_or_id,
                               uint8_t **buf, size_t *len, Error **errp);

#endif
