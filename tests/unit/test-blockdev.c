/*
 * The block front end (block/blockdev.c, blockdev-opts.c, blockdev-node.c,
 * drive-prop.c, block-monitor.c): -drive parsing and its errors, QEMU's
 * legacy ids and index mapping, slots and conflicts, -blockdev, the drive
 * property, orphans, -snapshot overlays, and the monitor's info block,
 * info blockstats, eject, change and commit against a test device with
 * removable-media callbacks.
 */
#include "tests/unit/harness.h"
#include "block/block-int.h"
#include "block/blockdev.h"
#include "emu/main-loop.h"
#include "emu/monitor.h"

#include <glib.h>
#include <sys/stat.h>
#include <unistd.h>

static char *tmpdir;
static char *overlay_dir; /* $TMPDIR for the test: where overlays go */

/* A file of `size` bytes in the test's folder, each byte = fill. */
static char *image(const char *name, uint64_t size, uint8_t fill)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    uint8_t *buf = g_malloc(size);
    memset(buf, fill, size);
    CHECK(g_file_set_contents(path, (char *)buf, size, NULL));
    g_free(buf);
    return path;
}

/* A new zeroed image for each drive: an image in use read-write is locked
 * (OFD locks conflict between two opens in one process too). */
static GPtrArray *fresh_paths;
static const char *fresh(void)
{
    char name[32];
    snprintf(name, sizeof(name), "fresh%u.img", fresh_paths->len);
    char *p = image(name, 64 * KiB, 0);
    g_ptr_array_add(fresh_paths, p);
    return p;
}

/* drive_new; on failure the message (g_free) in *msg. */
static DriveInfo *drive(const char *fmt, ...) EMU_PRINTF(1, 2);
static char *last_err;
static DriveInfo *drive(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *opts = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    Error *err = NULL;
    DriveInfo *di = drive_new(opts, &err);
    g_free(last_err);
    last_err = err ? g_strdup(error_get_pretty(err)) : NULL;
    error_free(err);
    g_free(opts);
    return di;
}

#define CHECK_ERR(needle)                                          \
    do {                                                           \
        if (!last_err || !strstr(last_err, (needle))) {            \
            test_fail(__FILE__, __LINE__, "error '%s' lacks '%s'", \
                      last_err ? last_err : "(none)", (needle));   \
        }                                                          \
    } while (0)

/* ---- A disk device with removable-media callbacks ------------------- */

typedef struct TestDisk {
    DeviceState parent;
    BlockBackend *drive;
    uint32_t unit;
    bool locked;
    int loads, ejects, eject_requests;
} TestDisk;

static void td_change_media(void *opaque, bool load)
{
    TestDisk *t = opaque;
    if (load) {
        t->loads++;
    } else {
        t->ejects++;
    }
}

static void td_eject_request(void *opaque, bool force)
{
    TestDisk *t = opaque;
    t->eject_requests++;
}

static bool td_is_locked(void *opaque)
{
    TestDisk *t = opaque;
    return t->locked;
}

static const BlockDevOps td_ops = {
    .change_media_cb = td_change_media,
    .eject_request_cb = td_eject_request,
    .is_medium_locked = td_is_locked,
};

static int td_realize(DeviceState *dev, Error **errp)
{
    TestDisk *t = (TestDisk *)dev;
    if (t->drive) {
        blk_set_dev_ops(t->drive, &td_ops, t);
    }
    return 0;
}

static const Property td_props[] = {
    DEFINE_PROP_DRIVE("drive", TestDisk, drive, "the drive"),
    DEFINE_PROP_U32("unit", TestDisk, unit, 0, "unit"),
    DEFINE_PROP_END,
};

static const DeviceClass td_class = {
    .name = "test-disk",
    .desc = "a disk for the front-end tests",
    .instance_size = sizeof(TestDisk),
    .props = td_props,
    .user_creatable = true,
    .realize = td_realize,
};
DEVICE_CLASS_REGISTER(td_class);

static TestDisk *attach(const char *opts)
{
    Error *err = NULL;
    DeviceState *dev = device_add_opts(opts, &err);
    g_free(last_err);
    last_err = err ? g_strdup(error_get_pretty(err)) : NULL;
    error_free(err);
    return (TestDisk *)dev;
}

static char *mon(const char *line, int *rc)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    int r = monitor_execute_line(NULL, line, f);
    fclose(f);
    if (rc) {
        *rc = r;
    }
    char *s = g_strndup(buf, size);
    free(buf);
    return s;
}

static void check_has(int line, const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle)) {
        test_fail(__FILE__, line, "'%s' lacks '%s'", hay ? hay : "(null)",
                  needle);
    }
}
#define CHECK_HAS(hay, needle) check_has(__LINE__, (hay), (needle))

/* Every test starts without drives. */
static void reset(void)
{
    blockdev_close_all();
    drive_set_default_snapshot(false);
}

/* ---- Tests ------------------------------------------------------------ */

static void test_legacy_ids(void)
{
    char *d = image("legacy.img", 64 * KiB, 0);
    static const struct {
        const char *opt, *id;
        BlockInterfaceType type;
        int bus, unit;
        bool cd;
    } t[] = {
        {"hda", "ide0-hd0", IF_IDE, 0, 0, false},
        {"hdb", "ide0-hd1", IF_IDE, 0, 1, false},
        {"cdrom", "ide1-cd0", IF_IDE, 1, 0, true},
        {"hdd", "ide1-hd1", IF_IDE, 1, 1, false},
        {"fda", "floppy0", IF_FLOPPY, 0, 0, false},
        {"fdb", "floppy1", IF_FLOPPY, 0, 1, false},
    };
    reset();
    for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
        Error *err = NULL;
        DriveInfo *di = drive_add_legacy(t[i].opt, fresh(), &err);
        CHECK(di != NULL);
        if (!di) {
            printf("  %s: %s\n", t[i].opt, error_get_pretty(err));
            error_free(err);
            continue;
        }
        CHECK_STR(di->id, t[i].id);
        CHECK_STR(blk_name(di->blk), t[i].id);
        CHECK_EQ(di->type, t[i].type);
        CHECK_EQ(di->bus, t[i].bus);
        CHECK_EQ(di->unit, t[i].unit);
        CHECK_EQ(di->media_cd, t[i].cd);
        CHECK(drive_get(t[i].type, t[i].bus, t[i].unit) == di);
        /* A CD-ROM is read-only. */
        CHECK_EQ(blk_is_read_only(di->blk), t[i].cd);
    }
    /* In creation order. */
    DriveInfo *di = drive_next(NULL);
    for (size_t i = 0; i < ARRAY_SIZE(t); i++, di = drive_next(di)) {
        CHECK(di && !strcmp(di->id, t[i].id));
    }
    CHECK(di == NULL);
    /* -hdc after -cdrom: the same slot. */
    Error *err = NULL;
    CHECK(drive_add_legacy("hdc", fresh(), &err) == NULL);
    CHECK(err && strstr(error_get_pretty(err), "-hdc "));
    CHECK(err && strstr(error_get_pretty(err),
                        "bus=1, unit=0 (index=2) exists: ide1-cd0"));
    error_free(err);
    reset();
    g_free(d);
}

static void test_slots(void)
{
    char *d = image("slots.img", 64 * KiB, 0);
    reset();
    /* Without index/bus/unit: the first free slot, unit before bus. */
    DriveInfo *a = drive("file=%s,format=raw", fresh());
    DriveInfo *b = drive("file=%s,format=raw", fresh());
    DriveInfo *c = drive("file=%s,format=raw,media=cdrom", fresh());
    CHECK(a && b && c);
    if (a && b && c) {
        CHECK_STR(a->id, "ide0-hd0");
        CHECK_STR(b->id, "ide0-hd1");
        CHECK_STR(c->id, "ide1-cd0");
    }
    DriveInfo *e = drive("file=%s,format=raw,bus=1,unit=1,id=data", fresh());
    CHECK(e && e->bus == 1 && e->unit == 1 && !strcmp(e->id, "data"));
    CHECK(drive("file=%s,format=raw", d) == NULL);
    CHECK_ERR("no free if=ide slot left");
    /* Two drives on one unit. */
    CHECK(drive("file=%s,format=raw,bus=0,unit=1", d) == NULL);
    CHECK_ERR("bus=0, unit=1 (index=1) exists: ide0-hd1");
    CHECK(drive("file=%s,format=raw,index=3", d) == NULL);
    CHECK_ERR("exists: data");
    reset();
    /* Floppy: index is the unit. */
    DriveInfo *f = drive("file=%s,format=raw,if=floppy,index=1", fresh());
    CHECK(f && f->bus == 0 && f->unit == 1 && !strcmp(f->id, "floppy1"));
    /* Bad numbers. */
    CHECK(!drive("file=%s,format=raw,index=4", d));
    CHECK_ERR("bus 2 too big for if=ide (max is 1)");
    CHECK(!drive("file=%s,format=raw,unit=2", d));
    CHECK_ERR("unit 2 too big for if=ide");
    CHECK(!drive("file=%s,format=raw,if=floppy,unit=2", d));
    CHECK_ERR("unit 2 too big for if=floppy");
    CHECK(!drive("file=%s,format=raw,index=0,unit=0", d));
    CHECK_ERR("index cannot be used with bus and unit");
    CHECK(!drive("file=%s,format=raw,index=x", d));
    CHECK_ERR("invalid index 'x'");
    CHECK(!drive("file=%s,format=raw,if=none,id=n,index=1", d));
    CHECK_ERR("not if=none");
    reset();
    g_free(d);
}

static void test_option_errors(void)
{
    char *d = image("opts.img", 64 * KiB, 0);
    reset();
    CHECK(!drive("file=%s/nonexistent.img", tmpdir));
    CHECK_ERR("Could not open");
    CHECK_ERR("No such file or directory");
    CHECK_ERR("-drive file=");
    CHECK(!drive("file=%s,format=vmdk", d));
    CHECK_ERR("unknown format 'vmdk' (known: ");
    CHECK_ERR("raw");
    CHECK(!drive("file=%s,frobnicate=1", d));
    CHECK_ERR("Invalid parameter 'frobnicate'");
    CHECK(!drive("file=%s,if=scsi", d));
    CHECK_ERR("unsupported bus type 'scsi'");
    CHECK(!drive("file=%s,media=tape", d));
    CHECK_ERR("'tape' invalid media");
    CHECK(!drive("file=%s,cache=fast", d));
    CHECK_ERR("invalid cache mode 'fast'");
    CHECK(!drive("file=%s,aio=native", d));
    CHECK_ERR("aio=native (Linux AIO) is not supported");
    CHECK(!drive("file=%s,werror=stop", d));
    CHECK_ERR("werror=stop is not supported");
    CHECK(!drive("file=%s,rerror=ignore", d));
    CHECK_ERR("rerror=ignore is not supported");
    CHECK(!drive("file=%s,snapshot=maybe", d));
    CHECK_ERR("expects 'on' or 'off'");
    CHECK(!drive("file=%s,if=none", d));
    CHECK_ERR("if=none needs id=");
    CHECK(!drive("file=%s,id=1abc", d));
    CHECK_ERR("invalid id '1abc'");
    CHECK(!drive("file=%s,readonly", d));
    CHECK_ERR("parameter 'readonly' has no value");
    CHECK(!drive("if=ide"));
    CHECK_ERR("an IDE disk needs file=");
    CHECK(!drive("file=%s,file.locking=maybe", d));
    CHECK_ERR("file.locking expects on, off or auto");
    /* Accepted: every cache mode, locking off, werror=report. */
    DriveInfo *di = drive("file=%s,format=raw,cache=unsafe,aio=threads,"
                          "file.locking=off,werror=report,rerror=report,"
                          "readonly=on,id=ro",
                          d);
    CHECK(di && blk_is_read_only(di->blk));
    CHECK(!drive("file=%s,format=raw,if=none,id=ro", d));
    CHECK_ERR("Duplicate ID 'ro' for drive");
    /* An empty CD-ROM and an empty floppy drive. */
    DriveInfo *cd = drive("media=cdrom,index=2");
    CHECK(cd && !blk_is_inserted(cd->blk) && !strcmp(cd->id, "ide1-cd0"));
    DriveInfo *fd = drive("if=floppy");
    CHECK(fd && !blk_is_inserted(fd->blk) && !strcmp(fd->id, "floppy0"));
    reset();
    g_free(d);
}

/* ",," is a comma inside a value, in -drive and in -hda's file name. */
static void test_commas(void)
{
    char *d = image("a,b.img", 4 * KiB, 0x5a);
    reset();
    char **parts = g_strsplit(d, ",", -1);
    char *esc = g_strjoinv(",,", parts);
    g_strfreev(parts);
    DriveInfo *di = drive("file=%s,format=raw,if=none,id=c", esc);
    CHECK(di && blk_getlength(di->blk) == 4 * KiB);
    reset(); /* one user at a time: the image is locked */
    Error *err = NULL;
    DriveInfo *h = drive_add_legacy("hda", d, &err);
    CHECK(h && blk_getlength(h->blk) == 4 * KiB);
    error_free(err);
    reset();
    g_free(esc);
    g_free(d);
}

static void test_orphans_and_property(void)
{
    char *d = image("orph.img", 64 * KiB, 0);
    Error *err = NULL;
    reset();
    DriveInfo *di = drive("file=%s,format=raw,if=none,id=d0", d);
    CHECK(di != NULL);
    CHECK(drive_check_orphans(&err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "no device uses the drive"));
    error_free(err);
    err = NULL;
    TestDisk *t = attach("test-disk,drive=d0,id=disk0");
    CHECK(t && t->drive == di->blk);
    CHECK(blk_get_attached_dev(di->blk) == (DeviceState *)t);
    CHECK(drive_check_orphans(&err) == 0);
    error_free(err);
    err = NULL;
    /* A second device may not take the same drive. */
    CHECK(attach("test-disk,drive=d0") == NULL);
    CHECK_ERR("drive d0 is already used by disk0");
    CHECK(attach("test-disk,drive=nosuch") == NULL);
    CHECK_ERR("drive 'nosuch' not found");
    /* The board's setter. */
    DriveInfo *h = drive("file=%s,format=raw", fresh());
    CHECK(h != NULL);
    CHECK(drive_check_orphans(&err) < 0);
    CHECK(err && strstr(error_get_pretty(err),
                        "machine type does not support if=ide,bus=0,unit=0"));
    error_free(err);
    err = NULL;
    DeviceState *dev = device_new("test-disk");
    CHECK(device_prop_set_drive(dev, "drive", h->blk, &err) == 0);
    CHECK(device_realize(dev, NULL, &err) == 0);
    CHECK(drive_check_orphans(&err) == 0);
    char *p = device_prop_print(dev, "drive");
    CHECK_STR(p, "\"ide0-hd0\"");
    g_free(p);
    error_free(err);
    g_free(d);
    /* The devices stay (the harness has no unplug); the drives go. */
    blk_detach_dev(di->blk, (DeviceState *)t);
    blk_detach_dev(h->blk, dev);
    reset();
}

static void test_blockdev_nodes(void)
{
    char *d = image("node.img", 64 * KiB, 0x11);
    Error *err = NULL;
    reset();
    char *o = g_strdup_printf("driver=raw,node-name=n0,file.driver=file,"
                              "file.filename=%s,read-only=on",
                              d);
    CHECK(blockdev_new(o, &err) == 0);
    g_free(o);
    BlockBackend *blk = blk_by_name("n0");
    CHECK(blk && blk_is_read_only(blk) && blk_getlength(blk) == 64 * KiB);
    /* A file node, then a format over it: the file node is taken over. */
    o = g_strdup_printf("driver=file,node-name=f1,filename=%s", fresh());
    CHECK(blockdev_new(o, &err) == 0);
    g_free(o);
    CHECK(blk_by_name("f1") != NULL);
    CHECK(blockdev_new("driver=raw,node-name=r1,file=f1", &err) == 0);
    CHECK(blk_by_name("f1") == NULL && blk_by_name("r1") != NULL);
    CHECK(blockdev_new("driver=raw,node-name=r2,file=f1", &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "already used by another"));
    error_free(err);
    err = NULL;
    CHECK(blockdev_new("driver=raw,node-name=n0,file.filename=x", &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "Duplicate nodes"));
    error_free(err);
    err = NULL;
    CHECK(blockdev_new("driver=vhdx,node-name=v", &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "unknown driver 'vhdx'"));
    error_free(err);
    err = NULL;
    CHECK(blockdev_new("driver=raw,file.filename=x", &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "'node-name' is missing"));
    error_free(err);
    err = NULL;
    CHECK(blockdev_new("driver=raw,node-name=q", &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "file.filename' is missing"));
    error_free(err);
    reset();
    CHECK(blk_by_name("n0") == NULL && blk_by_name("r1") == NULL);
    g_free(d);
}

static bool have_qcow2(void)
{
    return bdrv_find_format("qcow2") != NULL;
}

/* -snapshot: the guest's writes go to the overlay, the image is intact,
 * and the overlay leaves nothing behind in $TMPDIR. */
static void test_snapshot(void)
{
    if (!have_qcow2()) {
        printf("  (qcow2 driver not built: -snapshot checked from its error "
               "only)\n");
        reset();
        drive_set_default_snapshot(true);
        char *d = image("snap0.img", 64 * KiB, 0x33);
        CHECK(!drive("file=%s,format=raw", d));
        CHECK_ERR("-snapshot overlay");
        g_free(d);
        reset();
        return;
    }
    char *d = image("snap.img", 64 * KiB, 0x33);
    reset();
    drive_set_default_snapshot(true);
    DriveInfo *di = drive("file=%s,format=raw", d);
    CHECK(di != NULL);
    if (di) {
        uint8_t buf[512];
        memset(buf, 0xee, sizeof(buf));
        CHECK_EQ(blk_pwrite(di->blk, 4096, buf, sizeof(buf)), 0);
        CHECK_EQ(blk_pread(di->blk, 4096, buf, sizeof(buf)), 0);
        CHECK_EQ(buf[0], 0xee);
        CHECK_STR(blk_bs(di->blk)->drv->format_name, "qcow2");
    }
    reset();
    gchar *contents;
    gsize len;
    CHECK(g_file_get_contents(d, &contents, &len, NULL));
    CHECK_EQ(len, 64 * KiB);
    bool intact = true;
    for (gsize i = 0; i < len; i++) {
        intact &= (uint8_t)contents[i] == 0x33;
    }
    CHECK(intact);
    g_free(contents);
    /* snapshot=on on one drive only. */
    DriveInfo *s = drive("file=%s,format=raw,snapshot=on,if=none,id=s", d);
    DriveInfo *n = drive("file=%s,format=raw,if=none,id=n,readonly=on", d);
    CHECK(s && n);
    if (s && n) {
        CHECK_STR(blk_bs(s->blk)->drv->format_name, "qcow2");
        CHECK_STR(blk_bs(n->blk)->drv->format_name, "raw");
    }
    reset();
    g_free(d);
}

static void test_monitor(void)
{
    char *d = image("mon.img", 64 * KiB, 0x44);
    char *iso = image("mon.iso", 32 * KiB, 0x55);
    int rc;
    reset();
    DriveInfo *hd = drive("file=%s,format=raw,if=none,id=hd", d);
    DriveInfo *cd = drive("media=cdrom,if=none,id=cd");
    CHECK(hd && cd);
    TestDisk *thd = attach("test-disk,drive=hd,id=thd");
    TestDisk *tcd = attach("test-disk,drive=cd,id=tcd");
    CHECK(thd && tcd);
    if (!hd || !cd || !thd || !tcd) {
        reset();
        return;
    }

    char *out = mon("info block", &rc);
    CHECK_EQ(rc, 0);
    char *want = g_strdup_printf("hd (#block");
    CHECK_HAS(out, want);
    g_free(want);
    want = g_strdup_printf("): %s (raw)\n    Attached to:      thd", d);
    CHECK_HAS(out, want);
    g_free(want);
    CHECK_HAS(out, "    Cache mode:       writeback\n");
    CHECK_HAS(out, "cd: [not inserted]\n    Attached to:      tcd");
    CHECK_HAS(out, "    Removable device: not locked, tray closed\n");
    g_free(out);

    /* change inserts a medium and tells the device. */
    char *line = g_strdup_printf("change cd %s raw", iso);
    out = mon(line, &rc);
    g_free(line);
    CHECK_EQ(rc, 0);
    CHECK_STR(out, "");
    g_free(out);
    CHECK(blk_is_inserted(cd->blk) && blk_getlength(cd->blk) == 32 * KiB);
    CHECK_EQ(tcd->loads, 1);
    CHECK_EQ(tcd->ejects, 0);
    uint8_t b = 0;
    CHECK_EQ(blk_pread(cd->blk, 100, &b, 1), 0);
    CHECK_EQ(b, 0x55);
    out = mon("info block", NULL);
    want = g_strdup_printf("cd (#block");
    CHECK_HAS(out, want);
    g_free(want);
    want = g_strdup_printf("%s (raw, read-only)", iso);
    CHECK_HAS(out, want);
    g_free(want);
    g_free(out);

    /* Locked: refused without -f, and the guest is asked. */
    tcd->locked = true;
    out = mon("eject cd", &rc);
    CHECK(rc < 0);
    CHECK_HAS(out, "Device 'cd' is locked and force was not specified");
    g_free(out);
    CHECK_EQ(tcd->eject_requests, 1);
    CHECK(blk_is_inserted(cd->blk));
    out = mon("info block", NULL);
    CHECK_HAS(out, "Removable device: locked, tray closed");
    g_free(out);
    out = mon("eject -f cd", &rc);
    CHECK_EQ(rc, 0);
    g_free(out);
    CHECK(!blk_is_inserted(cd->blk));
    CHECK_EQ(tcd->ejects, 1);
    tcd->locked = false;
    out = mon("info block", NULL);
    CHECK_HAS(out, "cd: [not inserted]");
    CHECK_HAS(out, "Removable device: not locked, tray open");
    g_free(out);

    /* Errors. */
    out = mon("eject nosuch", &rc);
    CHECK(rc < 0);
    CHECK_HAS(out, "Device 'nosuch' not found");
    g_free(out);
    out = mon("change", &rc);
    CHECK(rc < 0);
    CHECK_HAS(out, "usage: change DEVICE FILE [FORMAT]");
    g_free(out);
    line = g_strdup_printf("change cd %s/missing.iso", tmpdir);
    out = mon(line, &rc);
    g_free(line);
    CHECK(rc < 0);
    CHECK_HAS(out, "Could not open");
    g_free(out);
    line = g_strdup_printf("change cd %s vmdk", iso);
    out = mon(line, &rc);
    g_free(line);
    CHECK(rc < 0);
    CHECK_HAS(out, "unknown format 'vmdk'");
    g_free(out);
    /* The hard disk has no removable-media callbacks of its own here,
     * but the test device registers them; a drive without a device is
     * not removable. */
    DriveInfo *lone = drive("file=%s,format=raw,if=none,id=lone", fresh());
    CHECK(lone != NULL);
    out = mon("eject lone", &rc);
    CHECK(rc < 0);
    CHECK_HAS(out, "Device 'lone' is not removable");
    g_free(out);
    out = mon("commit hd", &rc);
    CHECK_EQ(rc, 0); /* nothing to commit: no backing */
    g_free(out);
    out = mon("commit nosuch", &rc);
    CHECK(rc < 0);
    CHECK_HAS(out, "Device 'nosuch' not found");
    g_free(out);

    /* blockstats count what went through the drive. */
    uint8_t buf[1024];
    CHECK_EQ(blk_pread(hd->blk, 0, buf, sizeof(buf)), 0);
    out = mon("info blockstats", NULL);
    CHECK_HAS(out, "hd: rd_bytes=");
    CHECK_HAS(out, " wr_bytes=0 ");
    CHECK_HAS(out, "flush_total_time_ns=");
    g_free(out);

    blk_detach_dev(hd->blk, (DeviceState *)thd);
    blk_detach_dev(cd->blk, (DeviceState *)tcd);
    reset();
    g_free(d);
    g_free(iso);
}

/* commit: the -snapshot overlay's data goes into the image. */
static void test_commit(void)
{
    if (!have_qcow2()) {
        printf("  (qcow2 driver not built: commit not checked)\n");
        return;
    }
    char *d = image("commit.img", 64 * KiB, 0x66);
    int rc;
    reset();
    drive_set_default_snapshot(true);
    DriveInfo *di = drive("file=%s,format=raw,if=none,id=c0", d);
    CHECK(di != NULL);
    if (di) {
        uint8_t buf[512];
        memset(buf, 0x77, sizeof(buf));
        CHECK_EQ(blk_pwrite(di->blk, 8192, buf, sizeof(buf)), 0);
        char *out = mon("commit c0", &rc);
        CHECK_EQ(rc, 0);
        CHECK_STR(out, "");
        g_free(out);
    }
    reset();
    gchar *contents;
    gsize len;
    CHECK(g_file_get_contents(d, &contents, &len, NULL));
    CHECK_EQ(len, 64 * KiB);
    CHECK_EQ((uint8_t)contents[8192], 0x77);
    CHECK_EQ((uint8_t)contents[8192 + 511], 0x77);
    CHECK_EQ((uint8_t)contents[8192 + 512], 0x66);
    g_free(contents);
    g_free(d);
}

static void test_no_overlay_left(void)
{
    reset();
    GDir *dir = g_dir_open(overlay_dir, 0, NULL);
    CHECK(dir != NULL);
    const char *name = dir ? g_dir_read_name(dir) : NULL;
    if (name) {
        test_fail(__FILE__, __LINE__, "left in $TMPDIR: %s", name);
    }
    if (dir) {
        g_dir_close(dir);
    }
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    main_loop_init();
    bql_lock();
    /* Our own $TMPDIR (set before glib reads it), to see that the
     * -snapshot overlays leave nothing behind. */
    const char *t = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    tmpdir = g_build_filename(t, "emu-blockdev-XXXXXX", NULL);
    fresh_paths = g_ptr_array_new_with_free_func(g_free);
    if (!mkdtemp(tmpdir)) {
        printf("cannot make a folder in %s\n", t);
        return 1;
    }
    overlay_dir = g_build_filename(tmpdir, "tmp", NULL);
    mkdir(overlay_dir, 0700);
    setenv("TMPDIR", overlay_dir, 1);
    TEST_RUN(test_legacy_ids);
    TEST_RUN(test_slots);
    TEST_RUN(test_option_errors);
    TEST_RUN(test_commas);
    TEST_RUN(test_orphans_and_property);
    TEST_RUN(test_blockdev_nodes);
    TEST_RUN(test_snapshot);
    TEST_RUN(test_monitor);
    TEST_RUN(test_commit);
    TEST_RUN(test_no_overlay_left);
    /* Leave nothing behind, and check that -snapshot left nothing in
     * $TMPDIR's test folder either. */
    GDir *dir = g_dir_open(tmpdir, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name(dir))) {
        char *p = g_build_filename(tmpdir, name, NULL);
        unlink(p);
        g_free(p);
    }
    if (dir) {
        g_dir_close(dir);
    }
    rmdir(overlay_dir);
    rmdir(tmpdir);
    g_free(overlay_dir);
    g_free(tmpdir);
    g_free(last_err);
    g_ptr_array_free(fresh_paths, true);
    return test_finish();
}
