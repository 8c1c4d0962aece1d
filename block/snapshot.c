/*
 * Internal snapshots of an image (include/block/snapshot.h): the format
 * independent part.  Names are resolved here, as QEMU does (an id first,
 * then a name), and the format driver is called with the id; formats
 * without snapshots (raw) get -ENOTSUP and QEMU's messages.
 */
#include "block/snapshot.h"

#include <glib.h>
#include <sys/time.h>

bool bdrv_can_snapshot(BlockDriverState *bs)
{
    return bs && bs->drv && bs->drv->snapshot_create && !bs->read_only;
}

int bdrv_snapshot_list(BlockDriverState *bs, BlockSnapshotInfo **list)
{
    *list = NULL;
    if (!bs->drv->snapshot_list) {
        return 0;
    }
    return bs->drv->snapshot_list(bs, list);
}

int bdrv_snapshot_find(BlockDriverState *bs, const char *name_or_id,
                       BlockSnapshotInfo *info)
{
    BlockSnapshotInfo *list;
    int n = bdrv_snapshot_list(bs, &list);
    int found = -1;
    if (n < 0) {
        return n;
    }
    for (int i = 0; i < n && found < 0; i++) {
        if (!strcmp(list[i].id, name_or_id)) {
            found = i;
        }
    }
    for (int i = 0; i < n && found < 0; i++) {
        if (!strcmp(list[i].name, name_or_id)) {
            found = i;
        }
    }
    if (found >= 0 && info) {
        *info = list[found];
    }
    g_free(list);
    return found >= 0 ? 0 : -ENOENT;
}

static bool has_name(BlockDriverState *bs, const char *name)
{
    BlockSnapshotInfo *list;
    int n = bdrv_snapshot_list(bs, &list);
    bool found = false;
    for (int i = 0; i < n && !found; i++) {
        found = !strcmp(list[i].name, name);
    }
    g_free(list);
    return found;
}

int bdrv_snapshot_create(BlockDriverState *bs, BlockSnapshotInfo *sn,
                         const void *vmstate, Error **errp)
{
    if (!bs->drv->snapshot_create) {
        error_setg(errp,
                   "Block format '%s' used by '%s' does not support "
                   "internal snapshots",
                   bs->drv->format_name, bs->filename);
        return -ENOTSUP;
    }
    if (bs->read_only) {
        error_setg(errp, "'%s' is read-only: cannot take a snapshot",
                   bs->filename);
        return -EROFS;
    }
    if (sn->vm_state_size && !vmstate) {
        error_setg(errp, "a VM state of %" PRIu64 " bytes without its data",
                   sn->vm_state_size);
        return -EINVAL;
    }
    if (has_name(bs, sn->name)) {
        error_setg(errp, "'%s' already has a snapshot named '%s'", bs->filename,
                   sn->name);
        return -EEXIST;
    }
    if (!sn->date_sec && !sn->date_nsec) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        sn->date_sec = (uint32_t)tv.tv_sec;
        sn->date_nsec = (uint32_t)tv.tv_usec * 1000;
    }
    return bs->drv->snapshot_create(bs, sn, vmstate, errp);
}

int bdrv_snapshot_goto(BlockDriverState *bs, const char *name_or_id,
                       Error **errp)
{
    BlockSnapshotInfo info;
    if (!bs->drv->snapshot_goto) {
        error_setg(errp, "Block driver does not support snapshots");
        return -ENOTSUP;
    }
    int ret = bdrv_snapshot_find(bs, name_or_id, &info);
    if (ret < 0) {
        /* QEMU's words (qemu-img snapshot -a prints them). */
        error_setg(errp, "Failed to load snapshot: %s", strerror(-ret));
        return ret;
    }
    return bs->drv->snapshot_goto(bs, info.id, errp);
}

int bdrv_snapshot_delete(BlockDriverState *bs, const char *name_or_id,
                         Error **errp)
{
    BlockSnapshotInfo info;
    if (!bs->drv->snapshot_delete) {
        error_setg(errp,
                   "Block format '%s' used by '%s' does not support "
                   "internal snapshots",
                   bs->drv->format_name, bs->filename);
        return -ENOTSUP;
    }
    int ret = bdrv_snapshot_find(bs, name_or_id, &info);
    if (ret < 0) {
        error_setg(errp, "snapshot not found");
        return ret;
    }
    return bs->drv->snapshot_delete(bs, info.id, errp);
}

int bdrv_snapshot_load_vmstate(BlockDriverState *bs, const char *name_or_id,
                               uint8_t **buf, size_t *len, Error **errp)
{
    BlockSnapshotInfo info;
    *buf = NULL;
    *len = 0;
    if (!bs->drv->snapshot_load_vmstate) {
        error_setg(errp, "Block driver does not support snapshots");
        return -ENOTSUP;
    }
    int ret = bdrv_snapshot_find(bs, name_or_id, &info);
    if (ret < 0) {
        error_setg(errp, "Snapshot '%s' does not exist", name_or_id);
        return ret;
    }
    return bs->drv->snapshot_load_vmstate(bs, info.id, buf, len, errp);
}
