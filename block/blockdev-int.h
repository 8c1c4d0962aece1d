/*
 * What the block front end's files share (block/blockdev.c for -drive and
 * the legacy options, block/blockdev-node.c for -blockdev,
 * block/block-monitor.c): QEMU's "key=value,key=value" option strings and
 * the few helpers both kinds of drive need.
 */
#ifndef BLOCK_BLOCKDEV_INT_H
#define BLOCK_BLOCKDEV_INT_H

#include "emu/common.h"
#include "block/block-int.h"
#include "block/blockdev.h"

#include "emu/keyval.h"

#include <glib.h>

/* cache= and aio= values (QEMU's names).  -1 with errp. */
int block_parse_cache(const char *s, BlockCacheMode *mode, Error **errp);
int block_parse_aio(const char *s, BlockAioMode *mode, Error **errp);
const char *block_cache_name(BlockCacheMode mode);

/* The cache mode a drive was opened with (info block). */
BlockCacheMode blockdev_cache_mode(BlockBackend *blk);
/* Open a new medium in an existing drive (monitor "change"): the drive's
 * cache, aio and locking settings, read-only for CD-ROMs. */
/* read_only: -1 as the drive was opened (QMP's read-only-mode "retain"),
 * else 0/1. */
BlockDriverState *blockdev_open_medium(BlockBackend *blk, const char *file,
                                       const char *format, int read_only, Error **errp);

/* -blockdev nodes that are also backends (block/blockdev-node.c). */
void blockdev_nodes_close_all(void);

#endif
