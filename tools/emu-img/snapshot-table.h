/* Internal snapshots as qemu-img lists them (snapshot-table.c). */
#ifndef EMU_IMG_SNAPSHOT_TABLE_H
#define EMU_IMG_SNAPSHOT_TABLE_H

#include "emu-img.h"

/* "Snapshot list:", the header and one row per snapshot. */
void img_snapshot_table(FILE *f, const BlockSnapshotInfo *sn, int n);
/* "snapshots": [...] */
void img_snapshot_json(ImgJson *j, const BlockSnapshotInfo *sn, int n);
/* The node's snapshots (g_free *list), 0 for formats without any, or
 * -errno. */
int img_snapshot_list(BlockDriverState *bs, BlockSnapshotInfo **list);

#endif
