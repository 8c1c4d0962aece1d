/*
 * The block front end: -drive and the legacy -hda..-hdd, -cdrom, -fda,
 * -fdb, as QEMU's blockdev.c has them.
 *
 * A drive is a BlockBackend plus a DriveInfo saying where the board
 * attaches it.  Interface drives (if=ide, if=floppy) get a slot (bus,
 * unit) either from bus=/unit=, from index= (IDE: bus = index / 2,
 * unit = index % 2; floppy: unit = index) or as the first free one, and
 * QEMU's legacy id (ide0-hd0, ide1-cd0, floppy0) unless id= names them.
 * -hda..-hdd are IDE indexes 0..3, -cdrom index 2 with media=cdrom,
 * -fda/-fdb floppy indexes 0/1.
 *
 * snapshot=on (or -snapshot) puts a temporary qcow2 overlay over the
 * image: it is created in $TMPDIR with the image (by its absolute name and
 * its format) as backing, opened, and unlinked at once, so it disappears
 * with emu however emu ends, and the image itself is only ever read.
 */
#include "block/blockdev-int.h"

#include <unistd.h>

typedef struct Drive {
    DriveInfo info;
    BlockCacheMode cache;
    BlockAioMode aio;
    bool no_lock;
    bool read_only;
    struct Drive *next;
} Drive;

static Drive *drives;
static bool default_snapshot;

void drive_set_default_snapshot(bool on)
{
    default_snapshot = on;
}

DriveInfo *drive_next(DriveInfo *d)
{
    Drive *dr = d ? ((Drive *)d)->next : drives;
    return dr ? &dr->info : NULL;
}

DriveInfo *drive_get(BlockInterfaceType type, int bus, int unit)
{
    for (Drive *d = drives; d; d = d->next) {
        if (d->info.type == type && type != IF_NONE && d->info.bus == bus &&
            d->info.unit == unit) {
            return &d->info;
        }
    }
    return NULL;
}

static Drive *drive_by_blk(BlockBackend *blk)
{
    for (Drive *d = drives; d; d = d->next) {
        if (d->info.blk == blk) {
            return d;
        }
    }
    return NULL;
}

static const char *const if_names[IF_COUNT] = {
    [IF_NONE] = "none",
    [IF_IDE] = "ide",
    [IF_FLOPPY] = "floppy",
};

/* Units per bus (QEMU's if_max_devs): IDE has master and slave; floppy
 * counts index straight into the unit. */
static int if_units_per_bus(BlockInterfaceType t)
{
    return t == IF_IDE ? 2 : 0;
}

/* The pc board's slots: two IDE channels, one floppy controller with two
 * drives. */
static int if_max_bus(BlockInterfaceType t)
{
    return t == IF_IDE ? 2 : 1;
}

static int if_max_unit(BlockInterfaceType t)
{
    return 2;
}

BlockCacheMode blockdev_cache_mode(BlockBackend *blk)
{
    Drive *d = drive_by_blk(blk);
    return d ? d->cache : BLOCK_CACHE_WRITEBACK;
}

static int parse_int(const char *s, const char *key, int *out, Error **errp)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > 1000) {
        error_setg(errp, "invalid %s '%s' (a small non-negative number)", key,
                   s);
        return -1;
    }
    *out = v;
    return 0;
}

/*
 * Open an image: directly, or (snapshot) behind a temporary qcow2 overlay
 * so that every write lands in the overlay.
 */
static BlockDriverState *open_image(const BlockOpenOptions *bo, bool snapshot,
                                    Error **errp)
{
    if (!snapshot) {
        return bdrv_open(bo, errp);
    }

    /* The base's format (probed if not given) and size, read-only. */
    BlockOpenOptions ro = *bo;
    ro.read_only = true;
    BlockDriverState *base = bdrv_open(&ro, errp);
    if (!base) {
        return NULL;
    }
    char *fmt = g_strdup(base->drv->format_name);
    int64_t len = bdrv_getlength(base);
    bdrv_unref(base);
    if (len < 0) {
        error_setg(errp, "Could not get the size of '%s': %s", bo->filename,
                   strerror(-len));
        g_free(fmt);
        return NULL;
    }
    /* The overlay lives elsewhere: it names the base absolutely. */
    char *abs = realpath(bo->filename, NULL);
    if (!abs) {
        error_setg(errp, "Could not open '%s': %s", bo->filename,
                   strerror(errno));
        g_free(fmt);
        return NULL;
    }

    char *path = g_build_filename(g_get_tmp_dir(), "emu-snapshot-XXXXXX", NULL);
    BlockDriverState *bs = NULL;
    int fd = g_mkstemp(path);
    if (fd < 0) {
        error_setg(errp, "could not create the -snapshot overlay in %s: %s",
                   g_get_tmp_dir(), strerror(errno));
        goto out;
    }
    close(fd);
    BlockCreateOptions co = {
        .size = len,
        .backing_file = abs,
        .backing_format = fmt,
    };
    if (bdrv_create("qcow2", path, &co, errp) < 0) {
        error_prepend(errp, "-snapshot overlay %s: ", path);
        unlink(path);
        goto out;
    }
    BlockOpenOptions ov = *bo;
    ov.filename = path;
    ov.format = "qcow2";
    ov.read_only = false;
    ov.backing = NULL;
    bs = bdrv_open(&ov, errp);
    /* Open (or failed): the name is no longer needed either way. */
    unlink(path);
out:
    g_free(path);
    g_free(abs);
    g_free(fmt);
    return bs;
}

/* Place an interface drive: bus/unit from the options or the first free
 * slot (QEMU's order: unit first, then the next bus). */
static int drive_place(Drive *d, int index, int bus, int unit, Error **errp)
{
    BlockInterfaceType t = d->info.type;
    int per_bus = if_units_per_bus(t);

    if (t == IF_NONE) {
        if (index >= 0 || bus >= 0 || unit >= 0) {
            error_setg(errp, "index, bus and unit are for if=ide and "
                             "if=floppy, not if=none");
            return -1;
        }
        return 0;
    }
    if (index >= 0) {
        if (bus >= 0 || unit >= 0) {
            error_setg(errp, "index cannot be used with bus and unit");
            return -1;
        }
        bus = per_bus ? index / per_bus : 0;
        unit = per_bus ? index % per_bus : index;
    }
    bool auto_slot = unit < 0 && bus < 0;
    if (bus >= if_max_bus(t)) {
        error_setg(errp, "bus %d too big for if=%s (max is %d)", bus,
                   if_names[t], if_max_bus(t) - 1);
        return -1;
    }
    if (bus < 0) {
        bus = 0;
    }
    if (unit < 0) {
        unit = 0;
        while (drive_get(t, bus, unit)) {
            unit++;
            if (per_bus && unit >= per_bus) {
                unit = 0;
                bus++;
            }
        }
    }
    if (bus >= if_max_bus(t)) {
        /* Only the search for a free slot gets here. */
        error_setg(errp, "no free if=%s slot left (the pc machine has %d%s)",
                   if_names[t], if_max_bus(t) * if_max_unit(t),
                   auto_slot ? "" : " on that bus");
        return -1;
    }
    if (unit >= if_max_unit(t)) {
        error_setg(errp, "unit %d too big for if=%s (max is %d)", unit,
                   if_names[t], if_max_unit(t) - 1);
        return -1;
    }
    DriveInfo *other = drive_get(t, bus, unit);
    if (other) {
        error_setg(errp, "drive with bus=%d, unit=%d (index=%d) exists: %s",
                   bus, unit, per_bus ? bus * per_bus + unit : unit, other->id);
        return -1;
    }
    d->info.bus = bus;
    d->info.unit = unit;
    return 0;
}

/* QEMU's legacy name of an interface drive. */
static char *drive_legacy_id(const DriveInfo *di)
{
    if (di->type == IF_IDE) {
        return g_strdup_printf("ide%d-%s%d", di->bus,
                               di->media_cd ? "cd" : "hd", di->unit);
    }
    return g_strdup_printf("floppy%d", di->unit);
}

static void drive_free(Drive *d)
{
    g_free(d->info.id);
    g_free(d);
}

/* drive_new without the "-drive OPTS: " prefix on errors. */
static DriveInfo *drive_new_opts(const char *str, Error **errp)
{
    KeyValOpts o;
    Drive *d = g_new0(Drive, 1);
    const char *v;
    int index = -1, bus = -1, unit = -1;
    bool snapshot = default_snapshot, lock = true;
    BlockDriverState *bs = NULL;

    if (keyval_split(str, &o, errp) < 0) {
        g_free(d);
        return NULL;
    }
    d->info.type = IF_IDE; /* the pc machine's default interface */
    if ((v = keyval_get(&o, "if"))) {
        int t;
        for (t = 0; t < IF_COUNT && strcmp(v, if_names[t]); t++) {
        }
        if (t == IF_COUNT) {
            error_setg(errp,
                       "unsupported bus type '%s' (emu has if=ide, "
                       "if=floppy and if=none)",
                       v);
            goto fail;
        }
        d->info.type = t;
    }
    if (((v = keyval_get(&o, "index")) &&
         parse_int(v, "index", &index, errp) < 0) ||
        ((v = keyval_get(&o, "bus")) &&
         parse_int(v, "bus", &bus, errp) < 0) ||
        ((v = keyval_get(&o, "unit")) &&
         parse_int(v, "unit", &unit, errp) < 0)) {
        goto fail;
    }
    if ((v = keyval_get(&o, "media"))) {
        if (!strcmp(v, "cdrom")) {
            d->info.media_cd = true;
        } else if (strcmp(v, "disk")) {
            error_setg(errp, "'%s' invalid media (disk or cdrom)", v);
            goto fail;
        }
    }
    if (d->info.media_cd && d->info.type == IF_FLOPPY) {
        error_setg(errp, "media=cdrom is for if=ide or if=none");
        goto fail;
    }
    if (keyval_get_bool(&o, "snapshot", &snapshot, errp) < 0 ||
        keyval_get_bool(&o, "readonly", &d->read_only, errp) < 0 ||
        keyval_get_bool(&o, "read-only", &d->read_only, errp) < 0) {
        goto fail;
    }
    if ((v = keyval_get(&o, "file.locking"))) {
        if (!strcmp(v, "off") || !strcmp(v, "false")) {
            lock = false;
        } else if (strcmp(v, "on") && strcmp(v, "auto") && strcmp(v, "true")) {
            error_setg(errp, "file.locking expects on, off or auto, not '%s'",
                       v);
            goto fail;
        }
    }
    d->no_lock = !lock;
    d->cache = BLOCK_CACHE_WRITEBACK;
    d->aio = BLOCK_AIO_THREADS;
    if (((v = keyval_get(&o, "cache")) &&
         block_parse_cache(v, &d->cache, errp) < 0) ||
        ((v = keyval_get(&o, "aio")) &&
         block_parse_aio(v, &d->aio, errp) < 0)) {
        goto fail;
    }
    /* emu reports every I/O error to the guest (QEMU's "report"); the
     * policies that stop the VM are not built. */
    if ((v = keyval_get(&o, "werror")) && strcmp(v, "report")) {
        error_setg(errp,
                   "werror=%s is not supported (emu reports write errors "
                   "to the guest: werror=report)",
                   v);
        goto fail;
    }
    if ((v = keyval_get(&o, "rerror")) && strcmp(v, "report")) {
        error_setg(errp,
                   "rerror=%s is not supported (emu reports read errors "
                   "to the guest: rerror=report)",
                   v);
        goto fail;
    }
    const char *file = keyval_get(&o, "file");
    const char *format = keyval_get(&o, "format");
    const char *id = keyval_get(&o, "id");
    const char *unused = keyval_unused(&o);
    if (unused) {
        error_setg(errp, "Invalid parameter '%s'", unused);
        goto fail;
    }
    if (format && !bdrv_find_format(format)) {
        error_setg(errp, "unknown format '%s' (known: %s)", format,
                   bdrv_format_list());
        goto fail;
    }
    if (id) {
        if (!id_wellformed(id)) {
            error_setg(errp,
                       "invalid id '%s' (a letter, then letters, digits, "
                       "'-', '.' or '_')",
                       id);
            goto fail;
        }
        if (blk_by_name(id)) {
            error_setg(errp, "Duplicate ID '%s' for drive", id);
            goto fail;
        }
    }
    if (d->info.media_cd) {
        d->read_only = true; /* a CD-ROM is read-only, as in QEMU */
    }
    if (drive_place(d, index, bus, unit, errp) < 0) {
        goto fail;
    }
    d->info.id = id                        ? g_strdup(id)
                 : d->info.type == IF_NONE ? NULL
                                           : drive_legacy_id(&d->info);
    if (!d->info.id) {
        error_setg(errp, "if=none needs id= (for -device ...,drive=ID)");
        goto fail;
    }
    if (!id && blk_by_name(d->info.id)) {
        error_setg(errp, "Duplicate ID '%s' for drive", d->info.id);
        goto fail;
    }

    if (file && *file) {
        BlockOpenOptions bo = {
            .filename = file,
            .format = format,
            .read_only = d->read_only,
            .cache = d->cache,
            .aio = d->aio,
            .no_lock = d->no_lock,
        };
        /* Nothing is written to a read-only image: no overlay needed. */
        bs = open_image(&bo, snapshot && !d->read_only, errp);
        if (!bs) {
            goto fail;
        }
    } else if (!d->info.media_cd && d->info.type == IF_IDE) {
        /* Only removable media may be empty (QEMU: "Device needs media,
         * but drive is empty"). */
        error_setg(errp, "an IDE disk needs file= (only media=cdrom may be "
                         "empty)");
        goto fail;
    }
    d->info.blk = blk_new(d->info.id, bs, d->cache);
    if (bs) {
        bdrv_unref(bs); /* blk_new took its own reference */
    }
    keyval_free(&o);

    Drive **tail = &drives;
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = d;
    return &d->info;

fail:
    keyval_free(&o);
    drive_free(d);
    return NULL;
}

DriveInfo *drive_new(const char *opts, Error **errp)
{
    DriveInfo *di = drive_new_opts(opts, errp);
    if (!di) {
        error_prepend(errp, "-drive %s: ", opts);
    }
    return di;
}

DriveInfo *drive_add_legacy(const char *opt, const char *file, Error **errp)
{
    static const struct {
        const char *opt;
        const char *opts;
    } legacy[] = {
        {"hda", "if=ide,index=0,media=disk"},
        {"hdb", "if=ide,index=1,media=disk"},
        {"hdc", "if=ide,index=2,media=disk"},
        {"hdd", "if=ide,index=3,media=disk"},
        {"cdrom", "if=ide,index=2,media=cdrom"},
        {"fda", "if=floppy,index=0"},
        {"fdb", "if=floppy,index=1"},
    };
    const char *o = opt[0] == '-' ? opt + 1 : opt;

    for (size_t i = 0; i < ARRAY_SIZE(legacy); i++) {
        if (strcmp(o, legacy[i].opt)) {
            continue;
        }
        /* The file name goes in with its commas doubled. */
        char **parts = g_strsplit(file, ",", -1);
        char *escaped = g_strjoinv(",,", parts);
        g_strfreev(parts);
        char *str = g_strdup_printf("%s,file=%s", legacy[i].opts, escaped);
        g_free(escaped);
        DriveInfo *di = drive_new_opts(str, errp);
        g_free(str);
        if (!di) {
            error_prepend(errp, "-%s %s: ", o, file);
        }
        return di;
    }
    error_setg(errp, "-%s: not a drive option", o);
    return NULL;
}

int drive_check_orphans(Error **errp)
{
    for (Drive *d = drives; d; d = d->next) {
        if (blk_get_attached_dev(d->info.blk)) {
            continue;
        }
        if (d->info.type == IF_NONE) {
            error_setg(errp,
                       "-drive id=%s,if=none: no device uses the drive (add "
                       "-device ide-hd,drive=%s or similar)",
                       d->info.id, d->info.id);
        } else {
            error_setg(errp,
                       "machine type does not support if=%s,bus=%d,unit=%d "
                       "(drive %s)",
                       if_names[d->info.type], d->info.bus, d->info.unit,
                       d->info.id);
        }
        return -1;
    }
    return 0;
}

BlockDriverState *blockdev_open_medium(BlockBackend *blk, const char *file,
                                       const char *format, int read_only,
                                       Error **errp)
{
    Drive *d = drive_by_blk(blk);
    BlockOpenOptions bo = {
        .filename = file,
        .format = format,
        .read_only = read_only >= 0 ? read_only
                     : d        ? d->read_only
                                : blk_is_read_only(blk),
        .cache = d ? d->cache : BLOCK_CACHE_WRITEBACK,
        .aio = d ? d->aio : BLOCK_AIO_THREADS,
        .no_lock = d ? d->no_lock : false,
    };
    if (format && !bdrv_find_format(format)) {
        error_setg(errp, "unknown format '%s' (known: %s)", format,
                   bdrv_format_list());
        return NULL;
    }
    return bdrv_open(&bo, errp);
}

void blockdev_close_all(void)
{
    blk_drain_all();
    while (drives) {
        Drive *d = drives;
        drives = d->next;
        if (blk_is_inserted(d->info.blk) && !blk_is_read_only(d->info.blk)) {
            int r = blk_flush(d->info.blk);
            if (r < 0) {
                error_report("drive %s: flush at exit failed: %s", d->info.id,
                             strerror(-r));
            }
        }
        /* Closing the last reference releases the image lock; the
         * -snapshot overlay was unlinked when it was opened. */
        blk_unref(d->info.blk);
        drive_free(d);
    }
    blockdev_nodes_close_all();
}
