/*
 * The qcow2 driver (block/qcow2*.c) against a reference model and against
 * qemu-img: random reads, writes, zero writes, discards, flushes and
 * reopens on images qemu-img created (cluster sizes 512 to 2M, compat
 * 0.10 and 1.1, lazy refcounts, refcount widths, raw and qcow2 backing
 * files), the model being a flat buffer.  After each run qemu-img check
 * must be clean and qemu-img compare must agree with the model written to
 * a raw file.  Also: images emu creates, compressed clusters written by
 * qemu-img convert -c and by emu, internal snapshots, resize, the dirty
 * and corrupt bits, and the errors for damaged headers.
 *
 * Seeded and short by default; QCOW2_TEST_OPS=n runs n operations per
 * image (default 300) and QCOW2_TEST_SEED=s picks the seed.  Skips (exit
 * 77) when qemu-img is not installed (scripts/install-deps.sh installs
 * it).
 */
#include "tests/unit/harness.h"
#include "block/block-int.h"

#include <glib.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define QCOW2_L2_MASK_FOR_TEST 0x00fffffffffffe00ull

static char *tmpdir;
static unsigned test_ops = 300;
static uint32_t seed = 12345;
static GRand *rng;

/* ---- helpers ----------------------------------------------------------- */

/* Run a shell command; its exit status, output in *out if wanted. */
static int run(char **out, const char *fmt, ...);
static int run(char **out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *sout = NULL, *serr = NULL;
    int status = -1;
    char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    GError *gerr = NULL;
    if (!g_spawn_sync(NULL, argv, NULL, 0, NULL, NULL, &sout, &serr, &status,
                      &gerr)) {
        g_error_free(gerr);
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

/* The cache mode tests open images with (test_cache_none). */
static BlockCacheMode open_cache = BLOCK_CACHE_WRITEBACK;

static BlockDriverState *open_img(const char *path, bool ro, Error **errp)
{
    BlockOpenOptions o = {
        .filename = path,
        .format = "qcow2",
        .read_only = ro,
        .no_lock = true,
        .cache = open_cache,
    };
    return bdrv_open(&o, errp);
}

static BlockDriverState *must_open(const char *path, bool ro)
{
    Error *err = NULL;
    BlockDriverState *bs = open_img(path, ro, &err);
    if (!bs) {
        test_fail(__FILE__, __LINE__, "open %s: %s", path,
                  error_get_pretty(err));
        error_free(err);
    }
    return bs;
}

/* Page-aligned, as guest RAM is (cache=none). */
static void *qcow2_test_alloc(size_t len)
{
    void *p = NULL;
    if (posix_memalign(&p, 4096, len)) {
        abort();
    }
    return p;
}

static void fill_random(uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i += 4) {
        uint32_t v = g_rand_int(rng);
        memcpy(buf + i, &v, MIN(4, len - i));
    }
    /* Some runs of zeros and repeated bytes: compressible, and zeros that
     * a careless zero detection would drop. */
    if (len >= 1024 && g_rand_int_range(rng, 0, 4) == 0) {
        memset(buf + 256, g_rand_int_range(rng, 0, 2) ? 0 : 0x5a, len / 2);
    }
}

static void write_file(const char *path, const uint8_t *buf, size_t len)
{
    GError *e = NULL;
    CHECK(g_file_set_contents(path, (const char *)buf, len, &e));
    if (e) {
        g_error_free(e);
    }
}

/* A file of size random bytes at path; returns them (g_free). */
static uint8_t *random_file(const char *path, uint64_t size)
{
    uint8_t *data = g_malloc(size);
    fill_random(data, size);
    write_file(path, data, size);
    return data;
}

/* qemu-img check is clean and qemu-img compare agrees with the model. */
static void check_against_qemu(const char *img, const uint8_t *model,
                               uint64_t size)
{
    char *out = NULL;
    int rc = run(&out, "qemu-img check -f qcow2 '%s'", img);
    if (rc != 0) {
        test_fail(__FILE__, __LINE__, "qemu-img check %s: %d\n%s", img, rc,
                  out);
    }
    g_free(out);
    char *raw = path_of("model.raw");
    write_file(raw, model, size);
    rc = run(&out, "qemu-img compare -f qcow2 -F raw '%s' '%s'", img, raw);
    if (rc != 0) {
        test_fail(__FILE__, __LINE__, "qemu-img compare %s: %d\n%s", img, rc,
                  out);
    }
    g_free(out);
    g_free(raw);
}

static void check_own(BlockDriverState *bs)
{
    BdrvCheckResult r;
    CHECK_EQ(bs->drv->check(bs, &r, BDRV_FIX_NONE), 0);
    CHECK_EQ(r.corruptions, 0);
    CHECK_EQ(r.leaks, 0);
    CHECK_EQ(r.check_errors, 0);
}

/* ---- the model run ------------------------------------------------------ */

typedef struct Config {
    const char *name;
    uint32_t cluster_size;
    const char *create_opts; /* extra -o for qemu-img create */
    bool v2;
    int backing; /* 0 none, 1 raw, 2 qcow2 */
    uint64_t size;
} Config;

static uint64_t rnd_below(uint64_t n)
{
    return ((uint64_t)g_rand_int(rng) << 32 | g_rand_int(rng)) % n;
}

/* count random writes of 1 to max_sectors sectors through bs, each also
 * made to model (size bytes, the image's expected contents). */
static void random_writes(BlockDriverState *bs, uint8_t *model, uint64_t size,
                          int count, unsigned max_sectors)
{
    for (int k = 0; k < count; k++) {
        uint64_t len = (rnd_below(max_sectors) + 1) * 512;
        uint64_t off = rnd_below((size - len) / 512 + 1) * 512;
        fill_random(model + off, len);
        CHECK_EQ(bdrv_pwrite(bs, off, model + off, len), 0);
    }
}

/* One random request: 512-aligned, from a sector to a few clusters, often
 * on cluster boundaries. */
static void rnd_range(const Config *c, uint64_t *off, uint64_t *len)
{
    uint64_t cs = c->cluster_size;
    uint64_t maxlen = MIN(c->size, MAX(3 * cs, 16 * KiB));
    uint64_t l = (rnd_below(maxlen / 512) + 1) * 512;
    if (g_rand_int_range(rng, 0, 3) == 0) {
        l = MAX(cs, l / cs * cs);
    }
    l = MIN(l, c->size);
    uint64_t o = rnd_below((c->size - l) / 512 + 1) * 512;
    if (g_rand_int_range(rng, 0, 3) == 0) {
        o = o / cs * cs;
        if (o + l > c->size) {
            o = c->size - l;
        }
    }
    *off = o;
    *len = l;
}

static void model_run(const Config *c)
{
    char *img = path_of("t.qcow2");
    char *base = path_of(c->backing == 1 ? "base.raw" : "base.qcow2");
    char *base_raw = path_of("base-src.raw");
    uint8_t *model = g_malloc0(c->size);
    uint64_t cs = c->cluster_size;

    unlink(img);
    if (c->backing) {
        /* A backing file of random data, shorter than the overlay so the
         * tail reads zeros. */
        uint64_t blen = c->size - c->size / 4;
        uint8_t *b = g_malloc(blen);
        fill_random(b, blen);
        memcpy(model, b, blen);
        write_file(c->backing == 1 ? base : base_raw, b, blen);
        g_free(b);
        if (c->backing == 2) {
            CHECK_EQ(run(NULL,
                         "qemu-img convert -f raw -O qcow2 -o "
                         "cluster_size=%u '%s' '%s'",
                         (unsigned)MAX(cs, 4096), base_raw, base),
                     0);
        }
        CHECK_EQ(run(NULL,
                     "qemu-img create -q -f qcow2 -o cluster_size=%u%s%s"
                     " -b '%s' -F %s '%s' %" PRIu64,
                     c->cluster_size, c->create_opts ? "," : "",
                     c->create_opts ? c->create_opts : "", base,
                     c->backing == 1 ? "raw" : "qcow2", img, c->size),
                 0);
    } else {
        CHECK_EQ(run(NULL,
                     "qemu-img create -q -f qcow2 -o cluster_size=%u%s%s"
                     " '%s' %" PRIu64,
                     c->cluster_size, c->create_opts ? "," : "",
                     c->create_opts ? c->create_opts : "", img, c->size),
                 0);
    }

    BlockDriverState *bs = must_open(img, false);
    if (!bs) {
        goto out;
    }
    uint8_t *buf = qcow2_test_alloc(MAX(3 * cs, 16 * KiB));
    for (unsigned i = 0; i < test_ops && bs; i++) {
        uint64_t off, len;
        rnd_range(c, &off, &len);
        int op = g_rand_int_range(rng, 0, 100);
        int ret = 0;
        if (op < 35) {
            ret = bdrv_pread(bs, off, buf, len);
            if (ret == 0 && memcmp(buf, model + off, len)) {
                uint64_t k = 0;
                while (buf[k] == model[off + k]) {
                    k++;
                }
                test_fail(__FILE__, __LINE__,
                          "%s: op %u: read 0x%" PRIx64 "+0x%" PRIx64
                          " differs from the model at 0x%" PRIx64,
                          c->name, i, off, len, off + k);
                break;
            }
        } else if (op < 75) {
            fill_random(buf, len);
            ret = bdrv_pwrite(bs, off, buf, len);
            memcpy(model + off, buf, len);
        } else if (op < 85) {
            ret = bdrv_pwrite_zeroes(bs, off, len);
            memset(model + off, 0, len);
        } else if (op < 93) {
            ret = bdrv_pdiscard(bs, off, len);
            /* The driver's rule: whole clusters read zeros afterwards,
             * except a v2 image over a backing (no zero flag). */
            uint64_t end = off + len;
            uint64_t a = (off + cs - 1) / cs * cs;
            uint64_t b = end == c->size ? c->size : end / cs * cs;
            if (a < b && !(c->v2 && c->backing)) {
                memset(model + a, 0, b - a);
            }
        } else if (op < 97) {
            ret = bdrv_flush(bs);
        } else {
            bdrv_unref(bs);
            bs = must_open(img, false);
        }
        if (ret < 0) {
            test_fail(__FILE__, __LINE__,
                      "%s: op %u (%d) at 0x%" PRIx64 "+0x%" PRIx64 ": %s",
                      c->name, i, op, off, len, strerror(-ret));
            break;
        }
    }
    free(buf);
    if (bs) {
        check_own(bs);
        bdrv_unref(bs);
    }
    check_against_qemu(img, model, c->size);
out:
    g_free(model);
    g_free(img);
    g_free(base);
    g_free(base_raw);
}

static const Config configs[] = {
    {"4k-v3", 4096, NULL, false, 0, 2 * MiB},
    {"512-v3", 512, NULL, false, 0, 512 * KiB},
    {"64k-v3", 65536, NULL, false, 0, 8 * MiB + 3 * 512},
    {"2m-v3", 2 * 1024 * 1024, NULL, false, 0, 9 * MiB},
    {"4k-v2", 4096, "compat=0.10", true, 0, 2 * MiB},
    {"512-v2", 512, "compat=0.10", true, 0, 300 * KiB},
    {"4k-lazy", 4096, "lazy_refcounts=on", false, 0, 2 * MiB},
    {"4k-rc1", 4096, "refcount_bits=1", false, 0, 1 * MiB},
    {"4k-rc8", 4096, "refcount_bits=8", false, 0, 1 * MiB},
    {"512-rc64", 512, "refcount_bits=64", false, 0, 256 * KiB},
    {"4k-raw-backing", 4096, NULL, false, 1, 2 * MiB},
    {"64k-qcow2-backing", 65536, NULL, false, 2, 4 * MiB},
    {"4k-v2-raw-backing", 4096, "compat=0.10", true, 1, 1 * MiB},
    {"512-qcow2-backing", 512, NULL, false, 2, 256 * KiB},
    {"64k-prealloc-metadata", 65536, "preallocation=metadata", false, 0,
     4 * MiB},
    {"4k-v2-prealloc-metadata", 4096, "compat=0.10,preallocation=metadata",
     true, 0, 1 * MiB},
    {"4k-prealloc-falloc", 4096, "preallocation=falloc", false, 0, 1 * MiB},
    {"4k-zstd", 4096, "compression_type=zstd", false, 0, 1 * MiB},
};

static void test_model(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(configs); i++) {
        model_run(&configs[i]);
    }
}

/* ---- images emu creates ------------------------------------------------- */

static void test_create(void)
{
    static const BlockCreateOptions opts[] = {
        {.size = 3 * MiB},
        {.size = 3 * MiB + 512, .cluster_size = 512},
        {.size = 64 * MiB, .cluster_size = 512},
        {.size = 5 * MiB, .cluster_size = 2 * 1024 * 1024},
        {.size = 2 * MiB, .compat = "0.10"},
        {.size = 2 * MiB, .lazy_refcounts = true, .cluster_size = 4096},
        {.size = 2 * MiB, .refcount_bits = 2, .cluster_size = 4096},
    };
    char *img = path_of("c.qcow2");
    for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
        Error *err = NULL;
        unlink(img);
        int ret = bdrv_create("qcow2", img, &opts[i], &err);
        if (ret < 0) {
            test_fail(__FILE__, __LINE__, "create %zu: %s", i,
                      error_get_pretty(err));
            error_free(err);
            continue;
        }
        uint64_t size = opts[i].size;
        uint8_t *model = g_malloc0(size);
        BlockDriverState *bs = must_open(img, false);
        if (!bs) {
            g_free(model);
            continue;
        }
        CHECK_EQ(bdrv_getlength(bs), size);
        random_writes(bs, model, size, 40, 64);
        check_own(bs);
        bdrv_unref(bs);
        check_against_qemu(img, model, size);
        char *out = NULL;
        CHECK_EQ(run(&out, "qemu-img info '%s'", img), 0);
        if (opts[i].compat) {
            CHECK(strstr(out, "compat: 0.10") != NULL);
        } else {
            CHECK(strstr(out, "compat: 1.1") != NULL);
        }
        if (opts[i].lazy_refcounts) {
            CHECK(strstr(out, "lazy refcounts: true") != NULL);
        }
        g_free(out);
        g_free(model);
    }
    /* Refused clearly. */
    Error *err = NULL;
    BlockCreateOptions bad = {.size = MiB, .cluster_size = 1000};
    CHECK(bdrv_create("qcow2", img, &bad, &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "cluster size"));
    error_free(err);
    err = NULL;
    BlockCreateOptions bad2 = {
        .size = MiB, .compat = "0.10", .lazy_refcounts = true};
    CHECK(bdrv_create("qcow2", img, &bad2, &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "lazy_refcounts"));
    error_free(err);
    g_free(img);
}

/* An overlay emu creates over a backing file it then reads through. */
static void test_create_backing(void)
{
    char *base = path_of("cb-base.raw");
    char *img = path_of("cb.qcow2");
    uint64_t size = 1 * MiB;
    uint8_t *model = random_file(base, size);
    BlockCreateOptions o = {.size = size,
                            .backing_file = base,
                            .backing_format = "raw",
                            .cluster_size = 4096};
    Error *err = NULL;
    unlink(img);
    CHECK_EQ(bdrv_create("qcow2", img, &o, &err), 0);
    BlockDriverState *bs = must_open(img, false);
    if (bs) {
        CHECK(bs->backing != NULL);
        CHECK_STR(bs->backing_format, "raw");
        uint8_t buf[1536];
        fill_random(buf, sizeof(buf));
        CHECK_EQ(bdrv_pwrite(bs, 4096 + 1024, buf, sizeof(buf)), 0);
        memcpy(model + 4096 + 1024, buf, sizeof(buf));
        uint8_t rd[8192];
        CHECK_EQ(bdrv_pread(bs, 4096, rd, sizeof(rd)), 0);
        CHECK(memcmp(rd, model + 4096, sizeof(rd)) == 0);
        bdrv_unref(bs);
    }
    check_against_qemu(img, model, size);
    /* No size: the backing file's; a relative name is relative to the
     * overlay. */
    BlockCreateOptions o2 = {.backing_file = "cb-base.raw",
                             .backing_format = "raw"};
    unlink(img);
    CHECK_EQ(bdrv_create("qcow2", img, &o2, &err), 0);
    bs = must_open(img, true);
    if (bs) {
        CHECK_EQ(bdrv_getlength(bs), size);
        uint8_t rd[4096];
        CHECK_EQ(bdrv_pread(bs, size - 4096, rd, 4096), 0);
        CHECK(memcmp(rd, model + size - 4096, 4096) == 0);
        bdrv_unref(bs);
    }
    g_free(model);
    g_free(img);
    g_free(base);
}

/* ---- compressed clusters ------------------------------------------------ */

static void test_compressed(void)
{
    static const uint32_t sizes[] = {512, 4096, 65536};
    char *raw = path_of("comp.raw");
    char *img = path_of("comp.qcow2");
    uint64_t size = 1 * MiB + 4096;
    uint8_t *model = g_malloc(size);
    for (uint64_t i = 0; i < size; i += 4096) {
        /* Text-like (compressible) and random (not) pieces. */
        if ((i / 4096) % 3) {
            for (int k = 0; k < 4096; k++) {
                model[i + k] = "qcow2 compressed cluster "[(i / 64 + k) % 25];
            }
        } else {
            fill_random(model + i, 4096);
        }
    }
    write_file(raw, model, size);
    for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
        unlink(img);
        CHECK_EQ(run(NULL,
                     "qemu-img convert -c -f raw -O qcow2 -o "
                     "cluster_size=%u '%s' '%s'",
                     sizes[s], raw, img),
                 0);
        BlockDriverState *bs = must_open(img, false);
        if (!bs) {
            continue;
        }
        uint8_t *rd = g_malloc(size);
        CHECK_EQ(bdrv_pread(bs, 0, rd, size), 0);
        CHECK(memcmp(rd, model, size) == 0);
        /* Overwrite part of compressed clusters: copy-on-write. */
        uint8_t *m2 = g_memdup2(model, size);
        random_writes(bs, m2, size, 20, 16);
        check_own(bs);
        bdrv_unref(bs);
        check_against_qemu(img, m2, size);
        g_free(m2);
        g_free(rd);
    }
    /* emu writes compressed clusters (emu-img convert -c). */
    unlink(img);
    Error *err = NULL;
    BlockCreateOptions o = {.size = size, .cluster_size = 4096};
    CHECK_EQ(bdrv_create("qcow2", img, &o, &err), 0);
    BlockDriverState *bs = must_open(img, false);
    if (bs) {
        for (uint64_t off = 0; off < size; off += 4096) {
            struct iovec one;
            IOVector v;
            iovec_init_buf(&v, &one, model + off, 4096);
            CHECK_EQ(bs->drv->pwritev_compressed(bs, off, 4096, &v), 0);
        }
        check_own(bs);
        bdrv_unref(bs);
        check_against_qemu(img, model, size);
        char *out = NULL;
        run(&out, "qemu-img check '%s'", img);
        CHECK(strstr(out, "compressed clusters") != NULL);
        /* Most clusters are text: the image is smaller than the disk. */
        CHECK(!strstr(out, "0.00% compressed"));
        g_free(out);
    }
    /* A host cluster that held compressed data, freed and reused for
     * normal data, must not receive the next compressed cluster (found
     * by fuzz-qcow2). */
    unlink(img);
    CHECK_EQ(bdrv_create("qcow2", img, &o, &err), 0);
    bs = must_open(img, false);
    if (bs) {
        uint8_t a[4096], b[4096], rd[4096];
        memset(a, 0x41, sizeof(a));
        fill_random(b, sizeof(b));
        struct iovec one;
        IOVector v;
        iovec_init_buf(&v, &one, a, 4096);
        CHECK_EQ(bs->drv->pwritev_compressed(bs, 0, 4096, &v), 0);
        CHECK_EQ(bdrv_pwrite(bs, 0, b, 4096), 0);    /* frees it */
        CHECK_EQ(bdrv_pwrite(bs, 8192, b, 4096), 0); /* reuses it */
        iovec_init_buf(&v, &one, a, 4096);
        CHECK_EQ(bs->drv->pwritev_compressed(bs, 16384, 4096, &v), 0);
        CHECK_EQ(bdrv_pread(bs, 8192, rd, 4096), 0);
        CHECK(memcmp(rd, b, 4096) == 0);
        check_own(bs);
        bdrv_unref(bs);
    }
    g_free(model);
    g_free(raw);
    g_free(img);
}

/* ---- snapshots, resize, dirty and corrupt bits ------------------------ */

static void test_snapshot(void)
{
    char *raw = path_of("snap.raw");
    char *img = path_of("snap.qcow2");
    char *out_raw = path_of("snap-out.raw");
    uint64_t size = 512 * KiB;
    uint8_t *model = random_file(raw, size);
    unlink(img);
    CHECK_EQ(run(NULL,
                 "qemu-img convert -f raw -O qcow2 -o cluster_size=4096"
                 " '%s' '%s' && qemu-img snapshot -c first '%s'",
                 raw, img, img),
             0);
    BlockDriverState *bs = must_open(img, false);
    if (!bs) {
        goto out;
    }
    BlockSnapshotInfo *list = NULL;
    CHECK_EQ(bs->drv->snapshot_list(bs, &list), 1);
    if (list) {
        CHECK_STR(list[0].name, "first");
    }
    g_free(list);
    /* Writes must leave the snapshot's clusters alone. */
    uint8_t *m2 = g_memdup2(model, size);
    random_writes(bs, m2, size, 30, 24);
    check_own(bs);
    bdrv_unref(bs);
    check_against_qemu(img, m2, size);
    unlink(out_raw);
    CHECK_EQ(run(NULL,
                 "qemu-img convert -l snapshot.name=first -O raw "
                 "'%s' '%s' && cmp -s '%s' '%s'",
                 img, out_raw, out_raw, raw),
             0);
    /* Emptying the active layer leaves the snapshot whole. */
    bs = must_open(img, false);
    if (bs) {
        CHECK_EQ(bs->drv->make_empty(bs), 0);
        check_own(bs);
        bdrv_unref(bs);
    }
    unlink(out_raw);
    CHECK_EQ(run(NULL,
                 "qemu-img check -q '%s' && qemu-img convert -l "
                 "snapshot.name=first -O raw '%s' '%s' && cmp -s '%s' '%s'",
                 img, img, out_raw, out_raw, raw),
             0);
    g_free(m2);
out:
    g_free(model);
    g_free(raw);
    g_free(img);
    g_free(out_raw);
}

static void test_resize(void)
{
    char *img = path_of("rs.qcow2");
    unlink(img);
    CHECK_EQ(run(NULL,
                 "qemu-img create -q -f qcow2 -o cluster_size=512 "
                 "'%s' 100K",
                 img),
             0);
    BlockDriverState *bs = must_open(img, false);
    if (!bs) {
        g_free(img);
        return;
    }
    uint64_t size = 40 * MiB;
    uint8_t *model = g_malloc0(size);
    fill_random(model, 100 * KiB);
    CHECK_EQ(bdrv_pwrite(bs, 0, model, 100 * KiB), 0);
    Error *err = NULL;
    /* 512-byte clusters: the L1 table grows a lot, the refcount table too. */
    CHECK_EQ(bdrv_truncate(bs, size, &err), 0);
    CHECK_EQ(bdrv_getlength(bs), size);
    fill_random(model + size - 8192, 8192);
    CHECK_EQ(bdrv_pwrite(bs, size - 8192, model + size - 8192, 8192), 0);
    CHECK(bdrv_truncate(bs, MiB, &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "shrinking"));
    error_free(err);
    check_own(bs);
    bdrv_unref(bs);
    check_against_qemu(img, model, size);
    g_free(model);
    g_free(img);
}

static uint64_t header_u64(const char *path, long off)
{
    uint8_t b[8] = {0};
    FILE *f = fopen(path, "rb");
    if (f) {
        fseek(f, off, SEEK_SET);
        CHECK_EQ(fread(b, 1, 8, f), 8);
        fclose(f);
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v = v << 8 | b[i];
    }
    return v;
}

static void poke(const char *path, long off, const void *data, size_t len)
{
    FILE *f = fopen(path, "r+b");
    CHECK(f != NULL);
    if (f) {
        fseek(f, off, SEEK_SET);
        CHECK_EQ(fwrite(data, 1, len, f), len);
        fclose(f);
    }
}

static void test_dirty(void)
{
    char *img = path_of("dirty.qcow2");
    unlink(img);
    CHECK_EQ(run(NULL,
                 "qemu-img create -q -f qcow2 -o lazy_refcounts=on,"
                 "cluster_size=4096 '%s' 1M",
                 img),
             0);
    BlockDriverState *bs = must_open(img, false);
    if (!bs) {
        g_free(img);
        return;
    }
    CHECK_EQ(header_u64(img, 72) & 1, 0);
    uint8_t buf[4096];
    memset(buf, 0xab, sizeof(buf));
    CHECK_EQ(bdrv_pwrite(bs, 8192, buf, sizeof(buf)), 0);
    CHECK_EQ(header_u64(img, 72) & 1, 1); /* set before the first write */
    bdrv_unref(bs);
    CHECK_EQ(header_u64(img, 72) & 1, 0); /* cleared on a clean close */

    /* A crash with lazy refcounts: dirty bit set and a refcount missing. */
    uint8_t dirty[8] = {0, 0, 0, 0, 0, 0, 0, 1};
    poke(img, 72, dirty, 8);
    uint64_t rb = header_u64(img, 48);          /* refcount table */
    uint64_t block = header_u64(img, (long)rb); /* first refcount block */
    uint8_t zero2[2] = {0, 0};
    /* The cluster holding the data above is the last one: find it through
     * qemu-img map would be nicer; zero every refcount after cluster 3. */
    for (int i = 4; i < 8; i++) {
        poke(img, (long)block + 2 * i, zero2, 2);
    }
    bs = must_open(img, false); /* repairs */
    if (bs) {
        check_own(bs);
        uint8_t rd[4096];
        CHECK_EQ(bdrv_pread(bs, 8192, rd, sizeof(rd)), 0);
        CHECK(memcmp(rd, buf, sizeof(rd)) == 0);
        bdrv_unref(bs);
    }
    CHECK_EQ(header_u64(img, 72) & 1, 0);
    CHECK_EQ(run(NULL, "qemu-img check -q '%s'", img), 0);
    g_free(img);
}

static void test_corrupt_bit(void)
{
    char *img = path_of("corrupt.qcow2");
    unlink(img);
    CHECK_EQ(run(NULL, "qemu-img create -q -f qcow2 '%s' 1M", img), 0);
    uint8_t bits[8] = {0, 0, 0, 0, 0, 0, 0, 2};
    poke(img, 72, bits, 8);
    BlockDriverState *bs = must_open(img, false);
    if (bs) {
        uint8_t buf[512] = {1};
        CHECK(bdrv_pwrite(bs, 0, buf, 512) < 0);
        CHECK_EQ(bdrv_pread(bs, 0, buf, 512), 0);
        CHECK_EQ(buf[0], 0);
        /* check -r all clears the bit when nothing is wrong. */
        BdrvCheckResult r;
        CHECK_EQ(bs->drv->check(bs, &r, BDRV_FIX_LEAKS | BDRV_FIX_ERRORS), 0);
        CHECK_EQ(r.corruptions, 0);
        buf[0] = 1;
        CHECK_EQ(bdrv_pwrite(bs, 0, buf, 512), 0);
        bdrv_unref(bs);
    }
    CHECK_EQ(header_u64(img, 72) & 2, 0);
    g_free(img);
}

static void test_leak_repair(void)
{
    char *img = path_of("leak.qcow2");
    unlink(img);
    CHECK_EQ(run(NULL,
                 "qemu-img create -q -f qcow2 -o cluster_size=4096 "
                 "'%s' 1M",
                 img),
             0);
    /* A refcount for a cluster nothing uses: a leak. */
    uint64_t rb = header_u64(img, 48);
    uint64_t block = header_u64(img, (long)rb);
    uint8_t one[2] = {0, 1};
    poke(img, (long)block + 2 * 9, one, 2);
    /* and the file long enough to hold cluster 9 */
    CHECK(truncate(img, 10 * 4096) == 0);
    BlockDriverState *bs = must_open(img, false);
    if (bs) {
        BdrvCheckResult r;
        CHECK_EQ(bs->drv->check(bs, &r, BDRV_FIX_NONE), 0);
        CHECK_EQ(r.leaks, 1);
        CHECK_EQ(r.corruptions, 0);
        CHECK_EQ(bs->drv->check(bs, &r, BDRV_FIX_LEAKS), 0);
        CHECK_EQ(r.leaks_fixed, 1);
        CHECK_EQ(bs->drv->check(bs, &r, BDRV_FIX_NONE), 0);
        CHECK_EQ(r.leaks, 0);
        bdrv_unref(bs);
    }
    CHECK_EQ(run(NULL, "qemu-img check -q '%s'", img), 0);
    g_free(img);
}

/* ---- damaged headers: clear errors -------------------------------------- */

static void expect_open_error(const char *img, const char *what)
{
    Error *err = NULL;
    BlockDriverState *bs = open_img(img, true, &err);
    if (bs) {
        test_fail(__FILE__, __LINE__, "opened a damaged image (%s)", what);
        bdrv_unref(bs);
        return;
    }
    if (!strstr(error_get_pretty(err), what)) {
        test_fail(__FILE__, __LINE__, "error '%s' does not say '%s'",
                  error_get_pretty(err), what);
    }
    error_free(err);
}

static void test_bad_headers(void)
{
    char *img = path_of("bad.qcow2");
    const char *mk = "rm -f '%s' && qemu-img create -q -f qcow2 -o "
                     "cluster_size=4096 '%s' 1M";
    CHECK_EQ(run(NULL, mk, img, img), 0);
    CHECK(truncate(img, 50) == 0);
    expect_open_error(img, "header truncated");

    CHECK_EQ(run(NULL, mk, img, img), 0);
    uint8_t v[8] = {0, 0, 0, 0, 0, 0, 0x12, 0x34};
    poke(img, 40, v, 8); /* L1 table offset */
    expect_open_error(img, "L1 table offset 0x1234 is not cluster aligned");

    CHECK_EQ(run(NULL, mk, img, img), 0);
    uint8_t far[8] = {0, 0, 0, 1, 0, 0, 0, 0};
    poke(img, 40, far, 8);
    expect_open_error(img, "beyond the end of the file");

    CHECK_EQ(run(NULL, mk, img, img), 0);
    poke(img, 48, far, 8); /* refcount table offset */
    expect_open_error(img, "refcount table");

    CHECK_EQ(run(NULL, mk, img, img), 0);
    uint8_t unk[8] = {0, 0, 0, 0, 0, 0, 0x04, 0};
    poke(img, 72, unk, 8); /* incompatible bit 10 */
    expect_open_error(img, "incompatible feature bit 10");

    CHECK_EQ(run(NULL, mk, img, img), 0);
    uint8_t ext[8] = {0, 0, 0, 0, 0, 0, 0, 0x10};
    poke(img, 72, ext, 8); /* extended L2, named */
    expect_open_error(img, "extended L2");

    CHECK_EQ(run(NULL, mk, img, img), 0);
    uint8_t ver[4] = {0, 0, 0, 4};
    poke(img, 4, ver, 4);
    expect_open_error(img, "version 4");

    CHECK_EQ(run(NULL, mk, img, img), 0);
    uint8_t cb[4] = {0, 0, 0, 30};
    poke(img, 20, cb, 4);
    expect_open_error(img, "cluster_bits");

    /* An L2 entry pointing past the end of the file: the read fails
     * cleanly, nothing else. */
    CHECK_EQ(run(NULL,
                 "rm -f '%s' && qemu-img create -q -f qcow2 -o "
                 "cluster_size=4096 '%s' 1M && qemu-io -c 'write 0 4k' '%s' "
                 ">/dev/null",
                 img, img, img),
             0);
    uint64_t l1 = header_u64(img, 40);
    uint64_t l2 = header_u64(img, (long)l1) & QCOW2_L2_MASK_FOR_TEST;
    uint8_t bogus[8] = {0x80, 0, 0, 0, 0x40, 0, 0, 0};
    poke(img, (long)l2, bogus, 8);
    BlockDriverState *bs = must_open(img, true);
    if (bs) {
        uint8_t buf[4096];
        CHECK_EQ(bdrv_pread(bs, 0, buf, sizeof(buf)), -EIO);
        CHECK_EQ(bdrv_pread(bs, 8192, buf, sizeof(buf)), 0);
        bdrv_unref(bs);
    }
    g_free(img);
}

static void test_backing_ops(void)
{
    char *base = path_of("bo-base.raw");
    char *img = path_of("bo.qcow2");
    uint64_t size = 256 * KiB;
    uint8_t *data = random_file(base, size);
    unlink(img);
    CHECK_EQ(run(NULL,
                 "qemu-img create -q -f qcow2 -o cluster_size=4096 "
                 "'%s' 256K",
                 img),
             0);
    BlockDriverState *bs = must_open(img, false);
    if (bs) {
        CHECK_EQ(bs->drv->change_backing_file(bs, base, "raw"), 0);
        uint8_t buf[4096];
        memset(buf, 0x11, sizeof(buf));
        CHECK_EQ(bdrv_pwrite(bs, 0, buf, sizeof(buf)), 0);
        CHECK_EQ(bs->drv->make_empty(bs), 0);
        check_own(bs);
        bdrv_unref(bs);
    }
    char *out = NULL;
    CHECK_EQ(run(&out, "qemu-img info '%s'", img), 0);
    CHECK(strstr(out, "backing file format: raw") != NULL);
    g_free(out);
    /* Empty again: the overlay reads as its new backing. */
    CHECK_EQ(run(NULL,
                 "qemu-img check -q '%s' && qemu-img compare -q "
                 "'%s' '%s'",
                 img, img, base),
             0);
    g_free(data);
    g_free(base);
    g_free(img);
}

/* ---- cache=none ------------------------------------------------------------
 */

/* O_DIRECT wants aligned buffers, offsets and lengths: every metadata
 * access of the driver (header, L1, snapshot table, compressed clusters,
 * table updates) must be aligned.  Needs a file system with O_DIRECT (not
 * tmpfs): the system temporary folder. */
static void test_cache_none(void)
{
    char *dir = g_dir_make_tmp("emu-qcow2-direct-XXXXXX", NULL);
    char *saved = tmpdir;
    tmpdir = dir;
    char *probe = path_of("probe.qcow2");
    CHECK_EQ(run(NULL, "qemu-img create -q -f qcow2 '%s' 1M", probe), 0);
    open_cache = BLOCK_CACHE_NONE;
    Error *err = NULL;
    BlockDriverState *bs = open_img(probe, false, &err);
    if (!bs && strstr(error_get_pretty(err), "O_DIRECT")) {
        printf("SKIP cache=none: %s\n", error_get_pretty(err));
        error_free(err);
    } else if (!bs) {
        test_fail(__FILE__, __LINE__, "cache=none: %s", error_get_pretty(err));
        error_free(err);
    } else {
        bdrv_unref(bs);
        model_run(&configs[0]);  /* 4K clusters */
        model_run(&configs[1]);  /* 512-byte clusters */
        model_run(&configs[11]); /* qcow2 backing */
        /* compressed clusters and a snapshot table */
        char *raw = path_of("d.raw");
        char *img = path_of("d.qcow2");
        uint64_t size = 256 * KiB;
        uint8_t *model = g_malloc(size);
        fill_random(model, size);
        memset(model + 64 * KiB, 'z', 64 * KiB);
        write_file(raw, model, size);
        CHECK_EQ(run(NULL,
                     "qemu-img convert -c -O qcow2 -o cluster_size=4096"
                     " '%s' '%s' && qemu-img snapshot -c s '%s'",
                     raw, img, img),
                 0);
        bs = must_open(img, false);
        if (bs) {
            uint8_t *rd = qcow2_test_alloc(size);
            CHECK_EQ(bdrv_pread(bs, 0, rd, size), 0);
            CHECK(memcmp(rd, model, size) == 0);
            memset(rd, 0x77, 8192);
            CHECK_EQ(bdrv_pwrite(bs, 64 * KiB + 512, rd, 8192), 0);
            memcpy(model + 64 * KiB + 512, rd, 8192);
            check_own(bs);
            bdrv_unref(bs);
            free(rd);
        }
        check_against_qemu(img, model, size);
        g_free(model);
        g_free(raw);
        g_free(img);
    }
    open_cache = BLOCK_CACHE_WRITEBACK;
    g_free(probe);
    run(NULL, "rm -rf '%s'", dir);
    g_free(dir);
    tmpdir = saved;
}

/* ---- check's numbers are qemu-img check's ------------------------------- */

static uint64_t json_num(const char *json, const char *key)
{
    char *k = g_strdup_printf("\"%s\":", key);
    const char *p = strstr(json, k);
    g_free(k);
    if (!p) {
        return 0; /* qemu-img leaves out zero counts */
    }
    p = strchr(p, ':') + 1;
    while (*p == ' ') {
        p++;
    }
    return strtoull(p, NULL, 10);
}

static void test_check_numbers(void)
{
    char *raw = path_of("num.raw");
    char *img = path_of("num.qcow2");
    uint64_t size = 3 * MiB;
    uint8_t *data = g_malloc(size);
    fill_random(data, size);
    memset(data + MiB, 'x', MiB); /* compressible */
    write_file(raw, data, size);
    g_free(data);
    const char *make[] = {
        "qemu-img convert -c -O qcow2 '%1$s' '%2$s'",
        "qemu-img convert -O qcow2 -o cluster_size=4096 '%1$s' '%2$s'",
        "qemu-img create -q -f qcow2 -b '%1$s' -F raw '%2$s' && qemu-io -c "
        "'write 0 64k' -c 'write 1M 8k' -c 'write 100k 4k' '%2$s' "
        ">/dev/null",
        "qemu-img convert -O qcow2 -o cluster_size=512 '%1$s' '%2$s' && "
        "qemu-img snapshot -c s1 '%2$s' && qemu-io -c 'write 4k 64k' '%2$s' "
        ">/dev/null",
    };
    for (size_t i = 0; i < ARRAY_SIZE(make); i++) {
        unlink(img);
        char *cmd = g_strdup_printf(make[i], raw, img);
        CHECK_EQ(run(NULL, "%s", cmd), 0);
        g_free(cmd);
        char *out = NULL;
        CHECK_EQ(run(&out, "qemu-img check --output=json '%s'", img), 0);
        BlockDriverState *bs = must_open(img, true);
        if (bs && out) {
            BdrvCheckResult r;
            CHECK_EQ(bs->drv->check(bs, &r, BDRV_FIX_NONE), 0);
            CHECK_EQ(r.image_end_offset, json_num(out, "image-end-offset"));
            CHECK_EQ(r.allocated_clusters, json_num(out, "allocated-clusters"));
            CHECK_EQ(r.total_clusters, json_num(out, "total-clusters"));
            CHECK_EQ(r.fragmented_clusters,
                     json_num(out, "fragmented-clusters"));
            CHECK_EQ(r.compressed_clusters,
                     json_num(out, "compressed-clusters"));
            CHECK_EQ(r.leaks + r.corruptions, 0);
        }
        if (bs) {
            bdrv_unref(bs);
        }
        g_free(out);
    }
    g_free(raw);
    g_free(img);
}

/* ---- threads and crashes ------------------------------------------------ */

typedef struct Worker {
    BlockDriverState *bs;
    uint64_t base, len; /* the worker's own part of the disk */
    uint32_t seed;
    int errors;
} Worker;

static void *worker_main(void *opaque)
{
    Worker *w = opaque;
    GRand *r = g_rand_new_with_seed(w->seed);
    uint8_t *model = g_malloc0(w->len);
    uint8_t buf[8192], rd[8192];
    for (int i = 0; i < 1500; i++) {
        uint64_t len = (g_rand_int_range(r, 0, 16) + 1) * 512;
        uint64_t off = g_rand_int_range(r, 0, (w->len - len) / 512 + 1) * 512;
        if (g_rand_boolean(r)) {
            for (uint64_t k = 0; k < len; k++) {
                buf[k] = g_rand_int(r);
            }
            if (bdrv_pwrite(w->bs, w->base + off, buf, len) < 0) {
                w->errors++;
            }
            memcpy(model + off, buf, len);
        } else if (bdrv_pread(w->bs, w->base + off, rd, len) < 0 ||
                   memcmp(rd, model + off, len)) {
            w->errors++;
        }
    }
    g_free(model);
    g_rand_free(r);
    return NULL;
}

/* Driver ops come from several worker threads at once (block-int.h): four
 * threads allocating in one image, each checking its own part. */
static void test_threads(void)
{
    char *img = path_of("threads.qcow2");
    unlink(img);
    CHECK_EQ(run(NULL,
                 "qemu-img create -q -f qcow2 -o cluster_size=512 "
                 "'%s' 4M",
                 img),
             0);
    BlockDriverState *bs = must_open(img, false);
    if (!bs) {
        g_free(img);
        return;
    }
    Worker w[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        w[i] =
            (Worker){.bs = bs, .base = i * MiB, .len = MiB, .seed = seed + i};
        pthread_create(&th[i], NULL, worker_main, &w[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK_EQ(w[i].errors, 0);
    }
    check_own(bs);
    bdrv_unref(bs);
    CHECK_EQ(run(NULL, "qemu-img check -q '%s'", img), 0);
    g_free(img);
}

static void pattern(uint8_t *buf, uint32_t k)
{
    for (int i = 0; i < 4096; i += 4) {
        uint32_t v = k * 0x9e3779b9u + i;
        memcpy(buf + i, &v, 4);
    }
}

/* kill -9 while writing and flushing: every block reported flushed is in
 * the image, and qemu-img check finds no corruption (leaked clusters, exit
 * status 3, are what an interrupted allocation may leave). */
static void kill9_run(const char *opts)
{
    char *img = path_of("kill.qcow2");
    unlink(img);
    CHECK_EQ(run(NULL, "qemu-img create -q -f qcow2 -o %s '%s' 8M", opts, img),
             0);
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        BlockDriverState *bs = open_img(img, false, NULL);
        if (!bs) {
            _exit(2);
        }
        uint8_t buf[4096];
        for (uint32_t k = 0; k < 2048; k++) {
            /* A scattered order: blocks land all over the L2 tables. */
            uint32_t blk = (k * 1237) % 2048;
            pattern(buf, blk);
            if (bdrv_pwrite(bs, (uint64_t)blk * 4096, buf, 4096) < 0 ||
                ((k % 4) == 3 && bdrv_flush(bs) < 0)) {
                _exit(3);
            }
            if ((k % 4) == 3 && write(fds[1], &k, 4) != 4) {
                _exit(4);
            }
        }
        _exit(0);
    }
    close(fds[1]);
    uint32_t last = 0, k;
    int got = 0;
    /* Let it get some way, then kill it wherever it is. */
    while (got < 100 && read(fds[0], &k, 4) == 4) {
        last = k;
        got++;
    }
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    close(fds[0]);
    CHECK(got > 0);
    char *out = NULL;
    int rc = run(&out, "qemu-img check '%s'", img);
    if (rc != 0 && rc != 3) {
        test_fail(__FILE__, __LINE__,
                  "after kill -9 (%s): qemu-img check "
                  "%d\n%s",
                  opts, rc, out);
    }
    g_free(out);
    BlockDriverState *bs = must_open(img, false); /* repairs if dirty */
    if (bs) {
        uint8_t want[4096], rd[4096];
        for (uint32_t j = 0; j <= last; j++) {
            uint32_t blk = (j * 1237) % 2048;
            pattern(want, blk);
            CHECK_EQ(bdrv_pread(bs, (uint64_t)blk * 4096, rd, 4096), 0);
            if (memcmp(rd, want, 4096)) {
                test_fail(__FILE__, __LINE__, "%s: flushed block %u lost", opts,
                          blk);
                break;
            }
        }
        BdrvCheckResult r;
        CHECK_EQ(bs->drv->check(bs, &r, BDRV_FIX_LEAKS), 0);
        CHECK_EQ(r.corruptions, 0);
        bdrv_unref(bs);
    }
    CHECK_EQ(run(NULL, "qemu-img check -q '%s'", img), 0);
    g_free(img);
}

static void test_kill9(void)
{
    kill9_run("cluster_size=4096");
    kill9_run("cluster_size=512,compat=0.10");
    kill9_run("cluster_size=4096,lazy_refcounts=on");
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    if (system("qemu-img --version >/dev/null 2>&1") != 0) {
        printf("SKIP qemu-img is not installed (scripts/install-deps.sh "
               "installs qemu-utils)\n");
        return 77;
    }
    const char *e = getenv("QCOW2_TEST_OPS");
    if (e) {
        test_ops = strtoul(e, NULL, 0);
    }
    e = getenv("QCOW2_TEST_SEED");
    if (e) {
        seed = strtoul(e, NULL, 0);
    }
    printf("seed %u, %u operations per image (QCOW2_TEST_SEED, "
           "QCOW2_TEST_OPS)\n",
           seed, test_ops);
    rng = g_rand_new_with_seed(seed);
    /* tmpfs when there is one: the flushes are then cheap. */
    if (access("/dev/shm", W_OK) == 0) {
        tmpdir = g_strdup("/dev/shm/emu-qcow2-XXXXXX");
        if (!g_mkdtemp(tmpdir)) {
            g_free(tmpdir);
            tmpdir = NULL;
        }
    }
    if (!tmpdir) {
        tmpdir = g_dir_make_tmp("emu-qcow2-XXXXXX", NULL);
    }
    TEST_RUN(test_model);
    TEST_RUN(test_create);
    TEST_RUN(test_create_backing);
    TEST_RUN(test_compressed);
    TEST_RUN(test_snapshot);
    TEST_RUN(test_resize);
    TEST_RUN(test_dirty);
    TEST_RUN(test_corrupt_bit);
    TEST_RUN(test_leak_repair);
    TEST_RUN(test_bad_headers);
    TEST_RUN(test_backing_ops);
    TEST_RUN(test_check_numbers);
    TEST_RUN(test_cache_none);
    TEST_RUN(test_threads);
    TEST_RUN(test_kill9);
    run(NULL, "rm -rf '%s'", tmpdir);
    g_free(tmpdir);
    g_rand_free(rng);
    return test_finish();
}
