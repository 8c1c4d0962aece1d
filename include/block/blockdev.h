/*
 * The block front end: -drive, -blockdev, -hda.. -cdrom -fda.., -snapshot,
 * as QEMU spells them (block/blockdev.c).
 *
 * A -drive creates a BlockBackend (named by id=, or for an interface
 * drive QEMU's legacy name: ide0-hd0, ide1-cd0, floppy0) and a DriveInfo
 * recording where the board should attach it (if=ide|floppy, bus, unit,
 * media).  if=none drives wait for a -device ...,drive=ID.  The board
 * (hw/pc/pc-options.c) creates an ide-hd/ide-cd/floppy device for every
 * interface drive; drive_check_orphans() then refuses drives that nothing
 * uses.
 */
#ifndef BLOCK_BLOCKDEV_H
#define BLOCK_BLOCKDEV_H

#include "emu/common.h"
#include "block/block.h"

typedef enum BlockInterfaceType {
    IF_NONE,
    IF_IDE,
    IF_FLOPPY,
    IF_COUNT
} BlockInterfaceType;

typedef struct DriveInfo {
    BlockInterfaceType type;
    int bus;         /* IDE: 0 or 1; floppy: 0 */
    int unit;        /* IDE: 0 master, 1 slave; floppy: drive 0 or 1 */
    bool media_cd;   /* media=cdrom */
    BlockBackend *blk;
    char *id;
} DriveInfo;

/*
 * Parse one -drive option string ("file=d.img,if=ide,index=1") and open
 * it; legacy options (-hda x) are turned into such strings by the caller
 * (drive_add_legacy).  -1 with errp filled ("-drive file=x: Could not
 * open 'x': No such file or directory").
 */
DriveInfo *drive_new(const char *opts, Error **errp);
/* -hda/-hdb/-hdc/-hdd/-cdrom/-fda/-fdb FILE. */
DriveInfo *drive_add_legacy(const char *opt, const char *file, Error **errp);
/* -blockdev driver=qcow2,node-name=n0,file.driver=file,file.filename=x
 * (the simple cases); the node is usable as drive=n0. */
int blockdev_new(const char *opts, Error **errp);
/* -snapshot: every drive opened afterwards gets snapshot=on. */
void drive_set_default_snapshot(bool on);

DriveInfo *drive_get(BlockInterfaceType type, int bus, int unit);
/* Every drive, in creation order: drive_next(NULL) is the first. */
DriveInfo *drive_next(DriveInfo *d);
/* After the board attached its drives: an interface or if=none drive no
 * device uses is an error, as in QEMU. */
int drive_check_orphans(Error **errp);

/* ---- Removable media and drive state (block/block-monitor.c): HMP's
 * eject/change/info block and QMP's eject, blockdev-change-medium and
 * query-block share these. ---- */

/* Open the tray and remove the medium; a medium the guest locked needs
 * force (and the guest is asked to unlock it).  -1 with errp set. */
int blockdev_eject(BlockBackend *blk, bool force, Error **errp);
/* Insert file (format NULL: probe) as the new medium; read_only -1 keeps
 * the drive's mode, 0/1 forces it.  -1 with errp set. */
int blockdev_change_medium(BlockBackend *blk, const char *file,
                           const char *format, int read_only, Error **errp);

typedef struct BlockQueryInfo {
    const char *device;    /* the backend's name (ide1-cd0, id=) */
    DeviceState *dev;      /* the device it is attached to, or NULL */
    bool removable, locked, tray_open;
    bool inserted;         /* the rest only when a medium is in */
    const char *node_name; /* QEMU-style "#blockN" */
    const char *file;
    const char *format;
    bool read_only;
    bool cache_writeback, cache_direct, cache_no_flush; /* cache= */
    uint64_t virtual_size;
    const char *backing_file; /* the first backing image, or NULL */
    int backing_depth;
} BlockQueryInfo;
void blockdev_query(BlockBackend *blk, BlockQueryInfo *q);

/* At exit: drain and flush every drive, delete -snapshot overlays,
 * release image locks. */
void blockdev_close_all(void);

#endif
