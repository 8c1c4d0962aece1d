/*
 * Internal snapshots of qcow2 images (block/snapshot.c, block/qcow2-
 * snapshot*.c) against a reference model and against QEMU's tools.
 *
 *   model      random writes, zero writes and discards on images qemu-img
 *              made (cluster sizes 512 B..2 MiB, compat 0.10 and 1.1, lazy
 *              refcounts, 8-bit refcounts); snapshots with VM states of
 *              various sizes (0, 1 byte, a sector, several clusters);
 *              more writes; goto each snapshot: the disk equals the model
 *              at snapshot time; each VM state reads back equal; delete
 *              them in a random order; emu's check and qemu-img check find
 *              no leak or error after every step.
 *   qemu       emu's snapshots seen by QEMU: qemu-img snapshot -l shows the
 *              VM SIZE, qemu-img snapshot -a then qemu-io read -b reads the
 *              VM state emu stored, at QEMU's offset.  And QEMU's seen by
 *              emu: qemu-img snapshot -c, and savevm in qemu-system-i386
 *              (skipped without it): the VM state starts with QEMU's
 *              migration magic.
 *   resize     a snapshot of a smaller disk brings its size back; v2
 *              images with snapshots refuse to resize (QEMU's rule).
 *   errors     names (id first), duplicates, raw images, read-only
 *              images, refcount_bits=1 (no room for a second reference).
 *   damaged    broken snapshot tables and snapshot L1 tables: a clear
 *              error at open or at use, never a crash.
 *
 * Seeded: QCOW2_SNAP_SEED=s picks the seed.  Skips (exit 77) without
 * qemu-img.
 */
#include "tests/unit/harness.h"
#include "block/snapshot.h"

#include <fcntl.h>
#include <glib.h>
#include <sys/wait.h>
#include <unistd.h>

static char *tmpdir;
static GRand *rng;

static int run(char **out, const char *fmt, ...) EMU_PRINTF(2, 3);
static int run(char **out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *sout = NULL, *serr = NULL;
    int status = -1;
    char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    if (!g_spawn_sync(NULL, argv, NULL, 0, NULL, NULL, &sout, &serr, &status,
                      NULL)) {
        g_free(cmd);
        return -1;
    }
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    if (rc != 0 && !out) {
        printf("  command failed (%d): %s\n%s%s", rc, cmd, sout ? sout : "",
               serr ? serr : "");
    }
    if (out) {
        *out = g_strconcat(sout ? sout : "", serr ? serr : "", NULL);
    }
    g_free(sout);
    g_free(serr);
    g_free(cmd);
    return rc;
}

static char *path_of(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static BlockDriverState *open_img(const char *path, bool ro, Error **errp)
{
    BlockOpenOptions o = {
        .filename = path,
        .read_only = ro,
        .no_lock = true,
    };
    return bdrv_open(&o, errp);
}

static BlockDriverState *open_ok(const char *path)
{
    Error *err = NULL;
    BlockDriverState *bs = open_img(path, false, &err);
    if (!bs) {
        test_fail(__FILE__, __LINE__, "open %s: %s", path,
                  error_get_pretty(err));
        error_free(err);
    }
    return bs;
}

/* emu's check and qemu-img check: no errors, no leaks. */
static void check_clean(BlockDriverState *bs, const char *path,
                        const char *when)
{
    BdrvCheckResult res;
    if (bs) {
        CHECK_EQ(bs->drv->check(bs, &res, BDRV_FIX_NONE), 0);
        if (res.corruptions || res.leaks || res.check_errors) {
            test_fail(__FILE__, __LINE__,
                      "%s: emu check: %d corruptions, %d leaks, %d errors",
                      when, res.corruptions, res.leaks, res.check_errors);
        }
    } else {
        char *out = NULL;
        int rc = run(&out, "qemu-img check -f qcow2 '%s'", path);
        if (rc != 0) {
            test_fail(__FILE__, __LINE__, "%s: qemu-img check (%d): %s", when,
                      rc, out);
        }
        g_free(out);
    }
}

static void fill_random(uint8_t *b, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        b[i] = (uint8_t)g_rand_int(rng);
    }
}

/* One random change to the disk and the model. */
static void random_op(BlockDriverState *bs, uint8_t *model, uint64_t size)
{
    uint64_t off = g_rand_int_range(rng, 0, (int)(size / 512)) * 512ull;
    uint64_t want = g_rand_int_range(rng, 1, 257) * 512ull;
    uint64_t len = MIN(size - off, want);
    int kind = g_rand_int_range(rng, 0, 10);
    int ret;
    if (kind < 7) {
        uint8_t *b = g_malloc(len);
        fill_random(b, len);
        ret = bdrv_pwrite(bs, off, b, len);
        if (ret == 0) {
            memcpy(model + off, b, len);
        }
        g_free(b);
    } else if (kind < 9) {
        ret = bdrv_pwrite_zeroes(bs, off, len);
        if (ret == 0) {
            memset(model + off, 0, len);
        }
    } else {
        /* Discard frees whole clusters only; afterwards they read zero
         * (no backing file).  The model follows by reading back. */
        ret = bdrv_pdiscard(bs, off, len);
        if (ret == 0) {
            ret = bdrv_pread(bs, off, model + off, len);
        }
    }
    if (ret < 0) {
        test_fail(__FILE__, __LINE__, "%s at 0x%" PRIx64 "+0x%" PRIx64 ": %s",
                  kind < 7   ? "write"
                  : kind < 9 ? "write zeroes"
                             : "discard",
                  off, len, strerror(-ret));
    }
}

static void check_disk(BlockDriverState *bs, const uint8_t *want, uint64_t size,
                       const char *when)
{
    CHECK_EQ(bdrv_getlength(bs), (int64_t)size);
    uint8_t *b = g_malloc(size);
    CHECK_EQ(bdrv_pread(bs, 0, b, size), 0);
    for (uint64_t i = 0; i < size; i++) {
        if (b[i] != want[i]) {
            test_fail(__FILE__, __LINE__,
                      "%s: byte 0x%" PRIx64 " is 0x%02x, want 0x%02x", when, i,
                      b[i], want[i]);
            break;
        }
    }
    g_free(b);
}

typedef struct SnapModel {
    char name[32];
    uint8_t *disk;
    uint8_t *vm;
    uint64_t vm_len;
    bool gone;
} SnapModel;

static void model_one(uint32_t cs, const char *compat, const char *extra)
{
    char *img = path_of("model.qcow2");
    uint64_t size = cs >= 1 * MiB ? 8 * MiB : 2 * MiB + 3 * 512;
    printf("  cluster_size %u compat %s%s%s\n", cs, compat, *extra ? " " : "",
           extra);
    unlink(img);
    if (run(NULL,
            "qemu-img create -q -f qcow2 -o cluster_size=%u,compat=%s%s "
            "'%s' %" PRIu64,
            cs, compat, extra, img, size) != 0) {
        test_fail(__FILE__, __LINE__, "qemu-img create");
        return;
    }
    BlockDriverState *bs = open_ok(img);
    if (!bs) {
        return;
    }
    uint8_t *model = g_malloc0(size);
    const uint64_t vm_sizes[] = {0, 1, 512, 3 * (uint64_t)cs + 17, 1 * MiB + 5};
    enum { NSNAP = 4 };
    SnapModel sm[NSNAP];
    memset(sm, 0, sizeof(sm));
    for (int k = 0; k < NSNAP; k++) {
        for (int i = 0; i < 40; i++) {
            random_op(bs, model, size);
        }
        SnapModel *m = &sm[k];
        snprintf(m->name, sizeof(m->name), "snap %d", k);
        m->disk = g_memdup2(model, size);
        m->vm_len = vm_sizes[g_rand_int_range(rng, 0, 5)];
        if (k == 0) {
            m->vm_len = 0;
        } else if (k == 1) {
            m->vm_len = 3 * (uint64_t)cs + 17; /* several clusters */
        }
        m->vm = g_malloc(m->vm_len + 1);
        fill_random(m->vm, m->vm_len);
        BlockSnapshotInfo info = {.vm_state_size = m->vm_len,
                                  .vm_clock_nsec = 1000000007ull * k};
        g_strlcpy(info.name, m->name, sizeof(info.name));
        Error *err = NULL;
        int ret =
            bdrv_snapshot_create(bs, &info, m->vm_len ? m->vm : NULL, &err);
        if (ret < 0) {
            test_fail(__FILE__, __LINE__, "create: %s", error_get_pretty(err));
            error_free(err);
            goto out;
        }
        char want_id[16];
        snprintf(want_id, sizeof(want_id), "%d", k + 1);
        CHECK_STR(info.id, want_id);
        check_clean(bs, img, "after create");
        /* The disk did not change. */
        check_disk(bs, model, size, "after create");
    }
    for (int i = 0; i < 60; i++) {
        random_op(bs, model, size);
    }
    check_clean(bs, img, "after more writes");
    /* Reopen: everything is on disk. */
    bdrv_unref(bs);
    check_clean(NULL, img, "qemu-img, after the snapshots");
    bs = open_ok(img);
    if (!bs) {
        goto out;
    }
    check_disk(bs, model, size, "after reopen");
    /* goto each, in a random order, writing in between. */
    for (int n = 0; n < 2 * NSNAP; n++) {
        SnapModel *m = &sm[g_rand_int_range(rng, 0, NSNAP)];
        Error *err = NULL;
        /* By name, or by id. */
        char id[16];
        snprintf(id, sizeof(id), "%d", (int)(m - sm) + 1);
        int ret = bdrv_snapshot_goto(bs, n & 1 ? id : m->name, &err);
        if (ret < 0) {
            test_fail(__FILE__, __LINE__, "goto: %s", error_get_pretty(err));
            error_free(err);
            goto out;
        }
        memcpy(model, m->disk, size);
        check_disk(bs, model, size, m->name);
        check_clean(bs, img, "after goto");
        for (int i = 0; i < 10; i++) {
            random_op(bs, model, size);
        }
        /* The snapshot itself is untouched by these writes. */
    }
    /* VM states. */
    for (int k = 0; k < NSNAP; k++) {
        uint8_t *buf = NULL;
        size_t len = 0;
        Error *err = NULL;
        int ret = bdrv_snapshot_load_vmstate(bs, sm[k].name, &buf, &len, &err);
        if (ret < 0) {
            test_fail(__FILE__, __LINE__, "load_vmstate: %s",
                      error_get_pretty(err));
            error_free(err);
            continue;
        }
        CHECK_EQ(len, sm[k].vm_len);
        CHECK(len == 0 ? buf == NULL : buf && memcmp(buf, sm[k].vm, len) == 0);
        g_free(buf);
    }
    /* Delete in a random order; the others stay intact. */
    for (int d = 0; d < NSNAP; d++) {
        int k;
        do {
            k = g_rand_int_range(rng, 0, NSNAP);
        } while (sm[k].gone);
        Error *err = NULL;
        if (bdrv_snapshot_delete(bs, sm[k].name, &err) < 0) {
            test_fail(__FILE__, __LINE__, "delete: %s", error_get_pretty(err));
            error_free(err);
            goto out;
        }
        sm[k].gone = true;
        CHECK_EQ(bdrv_snapshot_find(bs, sm[k].name, NULL), -ENOENT);
        check_clean(bs, img, "after delete");
        check_disk(bs, model, size, "after delete");
        for (int i = 0; i < 5; i++) {
            random_op(bs, model, size);
        }
        for (int j = 0; j < NSNAP; j++) {
            if (sm[j].gone || g_rand_int_range(rng, 0, 3)) {
                continue;
            }
            uint8_t *buf = NULL;
            size_t len = 0;
            CHECK_EQ(
                bdrv_snapshot_load_vmstate(bs, sm[j].name, &buf, &len, NULL),
                0);
            CHECK(len == sm[j].vm_len &&
                  (!len || memcmp(buf, sm[j].vm, len) == 0));
            g_free(buf);
        }
    }
    BlockSnapshotInfo *list;
    CHECK_EQ(bdrv_snapshot_list(bs, &list), 0);
    g_free(list);
    check_disk(bs, model, size, "at the end");
    bdrv_unref(bs);
    bs = NULL;
    check_clean(NULL, img, "qemu-img, at the end");
    /* qemu-img compare: the disk is the model. */
    char *raw = path_of("model.raw");
    g_file_set_contents(raw, (const char *)model, size, NULL);
    CHECK_EQ(
        run(NULL, "qemu-img compare -q -f qcow2 -F raw '%s' '%s'", img, raw),
        0);
    g_free(raw);
out:
    if (bs) {
        bdrv_unref(bs);
    }
    for (int k = 0; k < NSNAP; k++) {
        g_free(sm[k].disk);
        g_free(sm[k].vm);
    }
    g_free(model);
    g_free(img);
}

static void test_model(void)
{
    static const struct {
        uint32_t cs;
        const char *compat, *extra;
    } cases[] = {
        {512, "1.1", ""},
        {512, "0.10", ""},
        {4096, "1.1", ",lazy_refcounts=on"},
        {65536, "1.1", ",refcount_bits=8"},
        {65536, "0.10", ""},
        {2 * MiB, "1.1", ""},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        model_one(cases[i].cs, cases[i].compat, cases[i].extra);
    }
}

/* emu's VM state as QEMU reads it, and QEMU's as emu reads it. */
static void test_qemu(void)
{
    char *img = path_of("q.qcow2");
    char *out = NULL;
    for (int v = 0; v < 2; v++) {
        unlink(img);
        CHECK_EQ(run(NULL,
                     "qemu-img create -q -f qcow2 -o compat=%s,cluster_size="
                     "4096 '%s' 3M && qemu-io -c 'write -P 0x21 0 1M' '%s' "
                     ">/dev/null",
                     v ? "1.1" : "0.10", img, img),
                 0);
        BlockDriverState *bs = open_ok(img);
        if (!bs) {
            break;
        }
        uint64_t vm_len = 3 * 4096 + 100;
        uint8_t *vm = g_malloc(vm_len);
        memset(vm, 0x77, vm_len);
        BlockSnapshotInfo info = {.vm_state_size = vm_len};
        g_strlcpy(info.name, "emu-made", sizeof(info.name));
        CHECK_EQ(bdrv_snapshot_create(bs, &info, vm, NULL), 0);
        g_free(vm);
        uint8_t ones[4096];
        memset(ones, 0x31, sizeof(ones));
        CHECK_EQ(bdrv_pwrite(bs, 0, ones, sizeof(ones)), 0);
        bdrv_unref(bs);
        check_clean(NULL, img, "qemu-img, emu's snapshot");
        CHECK_EQ(run(&out, "qemu-img snapshot -l '%s'", img), 0);
        if (!strstr(out, "emu-made") || !strstr(out, "12.1 KiB")) {
            test_fail(__FILE__, __LINE__, "qemu-img snapshot -l: %s", out);
        }
        g_free(out);
        /* QEMU applies it and reads the VM state where emu put it. */
        CHECK_EQ(run(&out,
                     "qemu-img snapshot -a emu-made '%s' && qemu-io -c "
                     "'read -b -P 0x77 0 12288' -c 'read -b -P 0x77 -s 0 "
                     "-l 100 12288 512' -c 'read -P 0x21 0 1M' '%s'",
                     img, img),
                 0);
        if (strstr(out, "fail") || !strstr(out, "read 12288/12288") ||
            !strstr(out, "read 512/512")) {
            test_fail(__FILE__, __LINE__, "qemu-io: %s", out);
        }
        g_free(out);
        check_clean(NULL, img, "qemu-img, after qemu-img snapshot -a");
        /* emu takes a snapshot over QEMU's active VM state area. */
        bs = open_ok(img);
        if (bs) {
            BlockSnapshotInfo two = {0};
            g_strlcpy(two.name, "after-qemu", sizeof(two.name));
            CHECK_EQ(bdrv_snapshot_create(bs, &two, NULL, NULL), 0);
            uint8_t *buf;
            size_t len;
            CHECK_EQ(
                bdrv_snapshot_load_vmstate(bs, "after-qemu", &buf, &len, NULL),
                0);
            CHECK(len == 0 && buf == NULL);
            check_clean(bs, img, "emu, after a snapshot over QEMU's");
            bdrv_unref(bs);
        }
        /* qemu-img's snapshot applies in emu. */
        CHECK_EQ(run(NULL,
                     "qemu-io -c 'write -P 0x42 4096 8192' '%s' >/dev/null && "
                     "qemu-img snapshot -c by-qemu '%s' && qemu-io -c "
                     "'write -P 0x43 0 64k' '%s' >/dev/null",
                     img, img, img),
                 0);
        bs = open_ok(img);
        if (bs) {
            CHECK_EQ(bdrv_snapshot_goto(bs, "by-qemu", NULL), 0);
            uint8_t b[3 * 4096];
            CHECK_EQ(bdrv_pread(bs, 0, b, sizeof(b)), 0);
            CHECK(b[0] == 0x21 && b[4096] == 0x42 && b[3 * 4096 - 1] == 0x42);
            CHECK_EQ(bdrv_snapshot_delete(bs, "by-qemu", NULL), 0);
            CHECK_EQ(bdrv_snapshot_delete(bs, "emu-made", NULL), 0);
            check_clean(bs, img, "emu, after deleting QEMU's snapshot");
            bdrv_unref(bs);
        }
        check_clean(NULL, img, "qemu-img, at the end");
    }
    /* savevm in QEMU itself: its VM state is a migration stream. */
    if (system("qemu-system-i386 --version >/dev/null 2>&1") != 0) {
        printf("  SKIP savevm interop: qemu-system-i386 not installed\n");
        g_free(img);
        return;
    }
    unlink(img);
    CHECK_EQ(run(&out,
                 "qemu-img create -q -f qcow2 '%s' 16M && printf "
                 "'savevm qs\\nquit\\n' | timeout 60 qemu-system-i386 -M none "
                 "-nodefaults -display none -drive file='%s',if=none,"
                 "format=qcow2 -monitor stdio",
                 img, img),
             0);
    g_free(out);
    BlockDriverState *bs = open_ok(img);
    if (bs) {
        BlockSnapshotInfo info;
        CHECK_EQ(bdrv_snapshot_find(bs, "qs", &info), 0);
        uint8_t *buf = NULL;
        size_t len = 0;
        CHECK_EQ(bdrv_snapshot_load_vmstate(bs, "qs", &buf, &len, NULL), 0);
        CHECK(len > 4 && len == info.vm_state_size);
        /* QEMU_VM_FILE_MAGIC */
        CHECK(buf && !memcmp(buf, "QEVM", 4));
        g_free(buf);
        CHECK_EQ(bdrv_snapshot_goto(bs, "1", NULL), 0);
        CHECK_EQ(bdrv_snapshot_delete(bs, "qs", NULL), 0);
        check_clean(bs, img, "after deleting QEMU's savevm");
        bdrv_unref(bs);
        check_clean(NULL, img, "qemu-img, after deleting QEMU's savevm");
    }
    g_free(img);
}

static void test_resize(void)
{
    char *img = path_of("r.qcow2");
    unlink(img);
    CHECK_EQ(run(NULL, "qemu-img create -q -f qcow2 '%s' 1M", img), 0);
    BlockDriverState *bs = open_ok(img);
    if (!bs) {
        return;
    }
    uint8_t b[512];
    memset(b, 0x5a, sizeof(b));
    CHECK_EQ(bdrv_pwrite(bs, 1 * MiB - 512, b, 512), 0);
    BlockSnapshotInfo info = {0};
    g_strlcpy(info.name, "small", sizeof(info.name));
    CHECK_EQ(bdrv_snapshot_create(bs, &info, NULL, NULL), 0);
    Error *err = NULL;
    CHECK_EQ(bdrv_truncate(bs, 1 * GiB, &err), 0);
    error_free(err);
    err = NULL;
    CHECK_EQ(bdrv_pwrite(bs, 1 * GiB - 512, b, 512), 0);
    CHECK_EQ(bdrv_snapshot_goto(bs, "small", NULL), 0);
    CHECK_EQ(bdrv_getlength(bs), (int64_t)(1 * MiB));
    memset(b, 0, sizeof(b));
    CHECK_EQ(bdrv_pread(bs, 1 * MiB - 512, b, 512), 0);
    CHECK_EQ(b[0], 0x5a);
    check_clean(bs, img, "after a goto to a smaller disk");
    bdrv_unref(bs);
    check_clean(NULL, img, "qemu-img, after a goto to a smaller disk");

    unlink(img);
    CHECK_EQ(run(NULL,
                 "qemu-img create -q -f qcow2 -o compat=0.10 '%s' 1M && "
                 "qemu-img snapshot -c s '%s'",
                 img, img),
             0);
    bs = open_ok(img);
    if (bs) {
        CHECK(bdrv_truncate(bs, 2 * MiB, &err) < 0);
        CHECK(err && strstr(error_get_pretty(err), "v2 image"));
        error_free(err);
        bdrv_unref(bs);
    }
    g_free(img);
}

static void test_errors(void)
{
    char *img = path_of("e.qcow2");
    char *raw = path_of("e.raw");
    Error *err = NULL;
    unlink(img);
    CHECK_EQ(run(NULL, "qemu-img create -q -f qcow2 '%s' 1M", img), 0);
    BlockDriverState *bs = open_ok(img);
    if (!bs) {
        return;
    }
    CHECK(bdrv_can_snapshot(bs));
    BlockSnapshotInfo a = {0}, b = {0}, found;
    /* A snapshot named "2" and a snapshot whose id is 2: the id wins. */
    g_strlcpy(a.name, "2", sizeof(a.name));
    g_strlcpy(b.name, "bee", sizeof(b.name));
    CHECK_EQ(bdrv_snapshot_create(bs, &a, NULL, NULL), 0);
    CHECK_EQ(bdrv_snapshot_create(bs, &b, NULL, NULL), 0);
    CHECK_STR(b.id, "2");
    CHECK_EQ(bdrv_snapshot_find(bs, "2", &found), 0);
    CHECK_STR(found.name, "bee");
    CHECK_EQ(bdrv_snapshot_find(bs, "nope", &found), -ENOENT);
    CHECK(a.date_sec != 0);
    /* Duplicate names are refused. */
    BlockSnapshotInfo dup = {0};
    g_strlcpy(dup.name, "bee", sizeof(dup.name));
    CHECK_EQ(bdrv_snapshot_create(bs, &dup, NULL, &err), -EEXIST);
    CHECK(err && strstr(error_get_pretty(err), "bee"));
    error_free(err);
    err = NULL;
    CHECK_EQ(bdrv_snapshot_goto(bs, "nope", &err), -ENOENT);
    CHECK(err && strstr(error_get_pretty(err), "Failed to load snapshot"));
    error_free(err);
    err = NULL;
    CHECK_EQ(bdrv_snapshot_delete(bs, "nope", &err), -ENOENT);
    error_free(err);
    err = NULL;
    /* Ids keep growing after a delete, as QEMU's do. */
    CHECK_EQ(bdrv_snapshot_delete(bs, "1", NULL), 0);
    BlockSnapshotInfo c = {0};
    g_strlcpy(c.name, "sea", sizeof(c.name));
    CHECK_EQ(bdrv_snapshot_create(bs, &c, NULL, NULL), 0);
    CHECK_STR(c.id, "3");
    bdrv_unref(bs);

    /* Read-only: listed and read, not changed. */
    bs = open_img(img, true, NULL);
    CHECK(bs != NULL);
    if (bs) {
        CHECK(!bdrv_can_snapshot(bs));
        BlockSnapshotInfo d = {0};
        CHECK_EQ(bdrv_snapshot_create(bs, &d, NULL, NULL), -EROFS);
        CHECK(bdrv_snapshot_goto(bs, "sea", NULL) < 0);
        uint8_t *buf;
        size_t len;
        CHECK_EQ(bdrv_snapshot_load_vmstate(bs, "sea", &buf, &len, NULL), 0);
        bdrv_unref(bs);
    }

    /* raw: no snapshots. */
    CHECK_EQ(run(NULL, "qemu-img create -q -f raw '%s' 1M", raw), 0);
    BlockOpenOptions o = {.filename = raw, .format = "raw", .no_lock = true};
    bs = bdrv_open(&o, NULL);
    CHECK(bs != NULL);
    if (bs) {
        BlockSnapshotInfo *list;
        CHECK(!bdrv_can_snapshot(bs));
        CHECK_EQ(bdrv_snapshot_list(bs, &list), 0);
        BlockSnapshotInfo d = {0};
        CHECK_EQ(bdrv_snapshot_create(bs, &d, NULL, &err), -ENOTSUP);
        CHECK(err && strstr(error_get_pretty(err), "does not support"));
        error_free(err);
        err = NULL;
        CHECK_EQ(bdrv_snapshot_goto(bs, "x", NULL), -ENOTSUP);
        CHECK_EQ(bdrv_snapshot_delete(bs, "x", NULL), -ENOTSUP);
        uint8_t *buf;
        size_t len;
        CHECK_EQ(bdrv_snapshot_load_vmstate(bs, "x", &buf, &len, NULL),
                 -ENOTSUP);
        bdrv_unref(bs);
    }

    /* refcount_bits=1: no room for the snapshot's reference. */
    unlink(img);
    CHECK_EQ(run(NULL,
                 "qemu-img create -q -f qcow2 -o refcount_bits=1 '%s' 1M && "
                 "qemu-io -c 'write 0 64k' '%s' >/dev/null",
                 img, img),
             0);
    bs = open_ok(img);
    if (bs) {
        BlockSnapshotInfo d = {.vm_state_size = 1000};
        uint8_t vm[1000] = {1};
        g_strlcpy(d.name, "x", sizeof(d.name));
        CHECK(bdrv_snapshot_create(bs, &d, vm, &err) < 0);
        CHECK(err && strstr(error_get_pretty(err), "overflow"));
        error_free(err);
        err = NULL;
        BlockSnapshotInfo *list;
        CHECK_EQ(bdrv_snapshot_list(bs, &list), 0);
        check_clean(bs, img, "after a failed create");
        bdrv_unref(bs);
        check_clean(NULL, img, "qemu-img, after a failed create");
    }
    g_free(img);
    g_free(raw);
}

/* ---- damaged tables --------------------------------------------------- */

static uint64_t be_at(const uint8_t *f, uint64_t off, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) {
        v = v << 8 | f[off + i];
    }
    return v;
}

static void put_be(const char *path, uint64_t off, uint64_t v, int n)
{
    uint8_t b[8];
    for (int i = 0; i < n; i++) {
        b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    }
    int fd = open(path, O_WRONLY);
    CHECK(fd >= 0 && pwrite(fd, b, n, off) == n);
    close(fd);
}

/* An image with two snapshots (one with a VM state); *table is the
 * snapshot table's offset. */
static void make_snap_image(const char *img, uint64_t *table, uint64_t *l1)
{
    unlink(img);
    CHECK_EQ(run(NULL,
                 "qemu-img create -q -f qcow2 -o cluster_size=4096 '%s' 1M "
                 "&& qemu-io -c 'write -P 7 0 64k' '%s' >/dev/null",
                 img, img),
             0);
    BlockDriverState *bs = open_ok(img);
    if (!bs) {
        return;
    }
    BlockSnapshotInfo a = {.vm_state_size = 9000}, b = {0};
    uint8_t vm[9000];
    memset(vm, 3, sizeof(vm));
    g_strlcpy(a.name, "a", sizeof(a.name));
    g_strlcpy(b.name, "b", sizeof(b.name));
    CHECK_EQ(bdrv_snapshot_create(bs, &a, vm, NULL), 0);
    CHECK_EQ(bdrv_snapshot_create(bs, &b, NULL, NULL), 0);
    bdrv_unref(bs);
    gchar *f;
    gsize len;
    CHECK(g_file_get_contents(img, &f, &len, NULL));
    *table = be_at((uint8_t *)f, 64, 8);
    *l1 = be_at((uint8_t *)f, *table, 8);
    g_free(f);
}

/* Open fails with a message containing want, or (want_at_use) open works
 * and goto/delete/load_vmstate of snapshot "a" fail with it. */
static void expect_damage(const char *img, const char *want, int at_use)
{
    Error *err = NULL;
    BlockDriverState *bs = open_img(img, false, &err);
    if (!at_use) {
        CHECK(bs == NULL);
        if (bs) {
            bdrv_unref(bs);
            return;
        }
        if (!strstr(error_get_pretty(err), want)) {
            test_fail(__FILE__, __LINE__, "open: \"%s\" lacks \"%s\"",
                      error_get_pretty(err), want);
        }
        error_free(err);
        return;
    }
    if (!bs) {
        test_fail(__FILE__, __LINE__, "open: %s", error_get_pretty(err));
        error_free(err);
        return;
    }
    uint8_t *buf;
    size_t len;
    CHECK(bdrv_snapshot_load_vmstate(bs, "a", &buf, &len, &err) < 0);
    if (err && !strstr(error_get_pretty(err), want)) {
        test_fail(__FILE__, __LINE__, "load_vmstate: \"%s\" lacks \"%s\"",
                  error_get_pretty(err), want);
    }
    error_free(err);
    err = NULL;
    if (at_use == 2) {
        /* Only the VM state is broken: the disk part works. */
        CHECK_EQ(bdrv_snapshot_goto(bs, "a", NULL), 0);
        CHECK_EQ(bdrv_snapshot_delete(bs, "a", NULL), 0);
        bdrv_unref(bs);
        return;
    }
    CHECK(bdrv_snapshot_goto(bs, "a", &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), want));
    error_free(err);
    err = NULL;
    CHECK(bdrv_snapshot_delete(bs, "a", &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), want));
    error_free(err);
    /* The other snapshot still works. */
    CHECK_EQ(bdrv_snapshot_goto(bs, "b", NULL), 0);
    bdrv_unref(bs);
}

static void test_damaged(void)
{
    char *img = path_of("d.qcow2");
    uint64_t t = 0, l1 = 0;
    struct {
        const char *what;
        uint64_t off_rel; /* from the table, or absolute if !rel */
        bool rel;
        uint64_t value;
        int bytes;
        const char *want;
        int at_use; /* 0: open fails, 1: goto/delete/load fail, 2: load */
    } cases[] = {
        {"table offset unaligned", 64, false, 0, 8, "not cluster aligned"},
        {"table offset 0", 64, false, 0, 8, "over the header"},
        {"table past the end", 64, false, 1ull << 40, 8, "beyond the end"},
        {"too many snapshots", 60, false, 100000, 4, "too many snapshots"},
        {"more snapshots than the table holds", 60, false, 200, 4,
         "beyond the end"},
        {"extra data too long", 36, true, 5000, 4, "extra data"},
        {"table over the L1 table", 64, false, 0, 8, "overlaps"},
        {"L1 unaligned", 0, true, 0, 8, "not cluster aligned", true},
        {"L1 past the end", 0, true, 1ull << 40, 8, "beyond the end", true},
        {"L1 too large", 8, true, 1u << 30, 4, "too large", true},
        {"L1 too small", 8, true, 0, 4, "too small", true},
        {"VM state too large", 32, true, 0xffffffff, 4, "VM state", 2},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        make_snap_image(img, &t, &l1);
        uint64_t off = cases[i].rel ? t + cases[i].off_rel : cases[i].off_rel;
        uint64_t v = cases[i].value;
        if (i == 0) {
            v = t + 512;
        } else if (!strcmp(cases[i].what, "table over the L1 table")) {
            gchar *f;
            gsize len;
            CHECK(g_file_get_contents(img, &f, &len, NULL));
            v = be_at((uint8_t *)f, 40, 8);
            g_free(f);
        } else if (!strcmp(cases[i].what, "L1 unaligned")) {
            v = l1 + 8;
        } else if (!strcmp(cases[i].what, "VM state too large")) {
            /* both the 32-bit field and vm_state_size_large */
            put_be(img, t + 40, 1ull << 40, 8);
        }
        printf("  %s\n", cases[i].what);
        put_be(img, off, v, cases[i].bytes);
        expect_damage(img, cases[i].want, cases[i].at_use);
    }
    /* A snapshot's L2 table pointing outside the file. */
    make_snap_image(img, &t, &l1);
    gchar *f;
    gsize len;
    CHECK(g_file_get_contents(img, &f, &len, NULL));
    uint64_t l2 = be_at((uint8_t *)f, l1, 8) & 0x00fffffffffffe00ull;
    g_free(f);
    put_be(img, l2, 0x8000000000000000ull | (1ull << 40), 8);
    printf("  snapshot L2 entry past the end\n");
    Error *err = NULL;
    BlockDriverState *bs = open_img(img, false, &err);
    CHECK(bs != NULL);
    if (bs) {
        /* The active table shares that L2 table: check says so; goto
         * and delete refuse rather than count references outside. */
        CHECK(bdrv_snapshot_goto(bs, "a", &err) < 0);
        CHECK(err && strstr(error_get_pretty(err), "not a cluster"));
        error_free(err);
        bdrv_unref(bs);
    } else {
        error_free(err);
    }
    g_free(img);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    if (system("qemu-img --version >/dev/null 2>&1") != 0 ||
        system("qemu-io --version >/dev/null 2>&1") != 0) {
        printf("SKIP qemu-img/qemu-io not installed (scripts/install-deps.sh "
               "installs qemu-utils)\n");
        return 77;
    }
    uint32_t seed = 4242;
    const char *e = getenv("QCOW2_SNAP_SEED");
    if (e) {
        seed = strtoul(e, NULL, 0);
    }
    printf("seed %u (QCOW2_SNAP_SEED)\n", seed);
    rng = g_rand_new_with_seed(seed);
    if (access("/dev/shm", W_OK) == 0) {
        tmpdir = g_strdup("/dev/shm/emu-qsnap-XXXXXX");
        if (!g_mkdtemp(tmpdir)) {
            g_free(tmpdir);
            tmpdir = NULL;
        }
    }
    if (!tmpdir) {
        tmpdir = g_dir_make_tmp("emu-qsnap-XXXXXX", NULL);
    }
    TEST_RUN(test_model);
    TEST_RUN(test_qemu);
    TEST_RUN(test_resize);
    TEST_RUN(test_errors);
    TEST_RUN(test_damaged);
    run(NULL, "rm -rf '%s'", tmpdir);
    g_free(tmpdir);
    g_rand_free(rng);
    return test_finish();
}
