/*
 * The block core (block/block.c, block-backend.c, file-posix.c, raw.c,
 * util/iov.c): create and open a raw image, asynchronous reads and writes
 * whose callbacks run from the main loop (blk_drain), probing and its
 * one-line note, the sector-0 protection of probed raw images (against a
 * probe-only test format until qcow2 is there, and qcow2 when it is),
 * bounds, no medium, eject, read-only, the guest-visible write cache,
 * the statistics of info blockstats, and reads done at once from the host
 * page cache (rw_nowait).
 */
#include "tests/unit/harness.h"
#include "block/block-int.h"
#include "emu/main-loop.h"

#include <glib.h>
#include <fcntl.h>
#include <unistd.h>

/* A format that only probes: an image whose sector 0 starts with its
 * magic would open as it.  Enough to test the raw probing protection
 * without depending on qcow2. */
static int probetest_probe(const uint8_t *buf, int buf_size)
{
    return buf_size >= 8 && !memcmp(buf, "EMUPROBE", 8) ? 100 : 0;
}
static const BlockDriver bdrv_probetest = {
    .format_name = "probetest",
    .probe = probetest_probe,
};
BLOCK_DRIVER_REGISTER(bdrv_probetest)

static char *tmp_image(uint64_t size)
{
    char *path = g_strdup_printf("%s/emu-blk-XXXXXX", g_get_tmp_dir());
    int fd = g_mkstemp(path);
    CHECK(fd >= 0);
    CHECK(ftruncate(fd, size) == 0);
    close(fd);
    return path;
}

typedef struct Done {
    int calls;
    int ret;
} Done;

static void done_cb(void *opaque, int ret)
{
    Done *d = opaque;
    d->calls++;
    d->ret = ret;
}

static BlockBackend *open_blk(const char *path, const char *fmt)
{
    BlockOpenOptions o = {.filename = path, .format = fmt};
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(&o, &err);
    if (!bs) {
        test_fail(__FILE__, __LINE__, "open: %s", error_get_pretty(err));
        error_free(err);
        return NULL;
    }
    BlockBackend *blk = blk_new("t0", bs, BLOCK_CACHE_WRITEBACK);
    bdrv_unref(bs);
    return blk;
}

static void test_async_rw(void)
{
    char *path = tmp_image(1 * MiB);
    BlockBackend *blk = open_blk(path, "raw");
    uint8_t a[4096], b[4096];
    for (size_t i = 0; i < sizeof(a); i++) {
        a[i] = (uint8_t)(i * 7 + 3);
    }
    /* Two pieces, as a PRD list gives them. */
    struct iovec iov[2] = {{a, 1024}, {a + 1024, 3072}};
    Done w = {0}, r = {0};
    blk_aio_pwritev(blk, 8192, iov, 2, done_cb, &w);
    CHECK_EQ(w.calls, 0); /* never from inside the submit */
    blk_drain(blk);
    CHECK_EQ(w.calls, 1);
    CHECK_EQ(w.ret, 0);
    struct iovec riov = {b, sizeof(b)};
    blk_aio_preadv(blk, 8192, &riov, 1, done_cb, &r);
    blk_drain(blk);
    CHECK_EQ(r.calls, 1);
    CHECK(!memcmp(a, b, sizeof(a)));
    CHECK_EQ(blk_get_stats(blk)->nr_bytes[BLOCK_ACCT_WRITE], 4096);
    CHECK_EQ(blk_get_stats(blk)->nr_ops[BLOCK_ACCT_READ], 1);

    /* Past the end: -EIO, nothing written. */
    Done e = {0};
    blk_aio_pwritev(blk, 1 * MiB - 512, &riov, 1, done_cb, &e);
    blk_drain(blk);
    CHECK_EQ(e.ret, -EIO);
    CHECK_EQ(blk_getlength(blk), 1 * MiB);

    /* Completions also arrive through the main loop's bottom half. */
    Done f = {0};
    blk_aio_flush(blk, done_cb, &f);
    for (int i = 0; i < 1000 && !f.calls; i++) {
        main_loop_iterate(10);
    }
    CHECK_EQ(f.calls, 1);
    CHECK_EQ(f.ret, 0);
    blk_unref(blk);
    unlink(path);
    g_free(path);
}

/* Reads served at once from the host page cache (rw_nowait): the data is
 * there when bdrv_rw_nowait returns; what would wait says -EAGAIN (an
 * O_DIRECT file, a qcow2 L2 table not yet cached); through the drive,
 * the callback still never runs inside the submission, and a vCPU
 * leaving its device access (bql_unlock_io) runs it without the main
 * loop. */
static void test_nowait(void)
{
    char *path = tmp_image(1 * MiB);
    BlockBackend *blk = open_blk(path, "raw");
    uint8_t a[8192], b[8192];
    for (size_t i = 0; i < sizeof(a); i++) {
        a[i] = (uint8_t)(i * 13 + 1);
    }
    CHECK_EQ(blk_pwrite(blk, 65536, a, sizeof(a)), 0); /* now in cache */
    struct iovec iov = {b, sizeof(b)};
    IOVector v;
    iovec_init(&v, 1);
    iovec_add(&v, b, sizeof(b));
    memset(b, 0, sizeof(b));
    CHECK_EQ(bdrv_rw_nowait(blk_bs(blk), BDRV_AIO_READ, 65536, sizeof(b), &v),
             0);
    CHECK(!memcmp(a, b, sizeof(b)));
    /* Past the format's end: not for this path (the worker reports). */
    CHECK_EQ(bdrv_rw_nowait(blk_bs(blk), BDRV_AIO_READ, 1 * MiB - 4096,
                            sizeof(b), &v),
             -EAGAIN);
    CHECK_EQ(bdrv_rw_nowait(blk_bs(blk), BDRV_AIO_FLUSH, 0, 0, NULL), -EAGAIN);

    /* Through the drive, in a vCPU's device access. */
    Done r = {0};
    memset(b, 0, sizeof(b));
    bql_unlock();
    bql_lock_io();
    blk_aio_preadv(blk, 65536, &iov, 1, done_cb, &r);
    CHECK_EQ(r.calls, 0);
    bql_unlock_io();
    bql_lock();
    CHECK_EQ(r.calls, 1);
    CHECK_EQ(r.ret, 0);
    CHECK(!memcmp(a, b, sizeof(b)));
    blk_unref(blk);

    /* O_DIRECT always waits for the disk (if the file system has it). */
    BlockOpenOptions o = {.filename = path, .format = "raw",
                          .cache = BLOCK_CACHE_NONE};
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(&o, &err);
    if (bs) {
        CHECK_EQ(bdrv_rw_nowait(bs, BDRV_AIO_READ, 65536, sizeof(b), &v),
                 -EAGAIN);
        bdrv_unref(bs);
    } else {
        error_free(err);
    }
    unlink(path);
    g_free(path);

    /* qcow2: the first read needs the L2 table; once cached, at once. */
    char *img = g_strdup_printf("%s/emu-blk-nowait-%d.qcow2", g_get_tmp_dir(),
                                (int)getpid());
    BlockCreateOptions co = {.size = 1 * MiB};
    CHECK(bdrv_create("qcow2", img, &co, &err) == 0);
    blk = open_blk(img, "qcow2");
    CHECK_EQ(blk_pwrite(blk, 65536, a, sizeof(a)), 0);
    blk_unref(blk);
    blk = open_blk(img, "qcow2");
    bs = blk_bs(blk);
    CHECK_EQ(bdrv_rw_nowait(bs, BDRV_AIO_READ, 65536, sizeof(b), &v), -EAGAIN);
    CHECK_EQ(blk_pread(blk, 0, b, 512), 0); /* reads the L2 table */
    memset(b, 0, sizeof(b));
    CHECK_EQ(bdrv_rw_nowait(bs, BDRV_AIO_READ, 65536, sizeof(b), &v), 0);
    CHECK(!memcmp(a, b, sizeof(b)));
    /* Unallocated clusters without a backing file read as zeros. */
    memset(b, 0xff, sizeof(b));
    CHECK_EQ(bdrv_rw_nowait(bs, BDRV_AIO_READ, 0, sizeof(b), &v), 0);
    CHECK_EQ(b[0], 0);
    CHECK_EQ(b[sizeof(b) - 1], 0);
    blk_unref(blk);
    iovec_destroy(&v);
    unlink(img);
    g_free(img);
}

/* A raw file whose size is not a multiple of 512: the disk is whole
 * sectors, as QEMU's (the tail reads as zeros), and a write to the last,
 * partial sector extends the file to the sector's end. */
static void test_raw_partial_sector(void)
{
    char *path = tmp_image(0);
    uint8_t a[1000], b[1024], c[512];
    for (size_t i = 0; i < sizeof(a); i++) {
        a[i] = (uint8_t)(i * 5 + 1);
    }
    CHECK(g_file_set_contents(path, (const char *)a, sizeof(a), NULL));
    BlockBackend *blk = open_blk(path, "raw");
    CHECK_EQ(blk_getlength(blk), 1024);
    memset(b, 0xee, sizeof(b));
    CHECK_EQ(blk_pread(blk, 0, b, sizeof(b)), 0);
    CHECK(!memcmp(a, b, sizeof(a)));
    for (size_t i = sizeof(a); i < sizeof(b); i++) {
        CHECK_EQ(b[i], 0);
    }
    /* Beyond the last sector: still refused. */
    CHECK_EQ(blk_pread(blk, 1024, c, 512), -EIO);

    /* Rewrite the last sector, as a guest does. */
    for (size_t i = 0; i < sizeof(c); i++) {
        c[i] = (uint8_t)(i * 3 + 9);
    }
    struct iovec iov = {c, sizeof(c)};
    Done w = {0};
    blk_aio_pwritev(blk, 512, &iov, 1, done_cb, &w);
    blk_drain(blk);
    CHECK_EQ(w.calls, 1);
    CHECK_EQ(w.ret, 0);
    blk_unref(blk);
    gchar *data = NULL;
    gsize len = 0;
    CHECK(g_file_get_contents(path, &data, &len, NULL));
    CHECK_EQ(len, 1024);
    CHECK(len == 1024 && !memcmp(data, a, 512) && !memcmp(data + 512, c, 512));
    g_free(data);
    unlink(path);
    g_free(path);
}

static int write_sector0(BlockBackend *blk, const uint8_t *sec)
{
    Done d = {0};
    struct iovec iov = {(void *)sec, 512};
    blk_aio_pwritev(blk, 0, &iov, 1, done_cb, &d);
    blk_drain(blk);
    CHECK_EQ(d.calls, 1);
    return d.ret;
}

/* Run fn with stderr going to a file; return what it printed. */
static char *capture_stderr(void (*fn)(void *), void *opaque)
{
    char *path = tmp_image(0);
    fflush(stderr);
    int saved = dup(2);
    int fd = open(path, O_WRONLY | O_TRUNC);
    dup2(fd, 2);
    close(fd);
    fn(opaque);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char *out = NULL;
    g_file_get_contents(path, &out, NULL, NULL);
    unlink(path);
    g_free(path);
    return out;
}

static void probe_twice(void *opaque)
{
    const char *path = opaque;
    for (int i = 0; i < 2; i++) {
        BlockBackend *blk = open_blk(path, NULL);
        uint8_t sec[512] = "EMUPROBE";
        CHECK_EQ(write_sector0(blk, sec), -EPERM);
        CHECK_EQ(write_sector0(blk, sec), -EPERM);
        blk_unref(blk);
    }
    /* Read-only: no note. */
    BlockOpenOptions o = {.filename = path, .read_only = true};
    BlockDriverState *bs = bdrv_open(&o, NULL);
    CHECK(bs && bs->probed);
    bdrv_unref(bs);
}

static void test_probe_protection(void)
{
    char *path = tmp_image(64 * KiB);
    BlockBackend *blk = open_blk(path, NULL);
    CHECK(blk_bs(blk)->probed);
    CHECK_STR(blk_bs(blk)->drv->format_name, "raw");
    uint8_t sec[512] = "EMUPROBE";
    /* Refused whole or in part of sector 0, with io_uring or not. */
    CHECK_EQ(write_sector0(blk, sec), -EPERM);
    CHECK(blk_bs(blk)->warned_probe);
    uint8_t head[8] = "EMUPROBE";
    struct iovec iov = {head, sizeof(head)};
    Done d = {0};
    blk_aio_pwritev(blk, 0, &iov, 1, done_cb, &d);
    blk_drain(blk);
    CHECK_EQ(d.ret, -EPERM);
    CHECK_EQ(blk_get_stats(blk)->failed_ops[BLOCK_ACCT_WRITE], 2);
    if (bdrv_find_format("qcow2")) {
        uint8_t q[512] = {'Q', 'F', 'I', 0xfb, 0, 0, 0, 3};
        CHECK_EQ(write_sector0(blk, q), -EPERM);
    }
    /* A boot sector, and the magic anywhere but sector 0, are fine. */
    memcpy(sec, "\xeb\x3c\x90MSDOS", 8);
    CHECK_EQ(write_sector0(blk, sec), 0);
    memcpy(sec, "EMUPROBE", 8);
    struct iovec iov1 = {sec, 512};
    blk_aio_pwritev(blk, 512, &iov1, 1, done_cb, &d);
    blk_drain(blk);
    CHECK_EQ(d.ret, 0);
    blk_unref(blk);

    /* The note: one line, once per image, not for read-only opens. */
    char *err = capture_stderr(probe_twice, path);
    CHECK(err);
    int notes = 0;
    for (char *p = err; p && (p = strstr(p, "opened as raw")); p++) {
        notes++;
    }
    CHECK_EQ(notes, 0); /* this image was opened (and noted) above */
    g_free(err);
    char *other = tmp_image(64 * KiB);
    err = capture_stderr(probe_twice, other);
    notes = 0;
    for (char *p = err; p && (p = strstr(p, "opened as raw")); p++) {
        notes++;
    }
    CHECK_EQ(notes, 1);
    CHECK(err && strstr(err, other));
    /* The refusal is logged once per open, and is one line. */
    CHECK(err && strstr(err, "refused a write"));
    g_free(err);
    unlink(other);
    g_free(other);

    /* format=raw given: anything goes. */
    blk = open_blk(path, "raw");
    CHECK(!blk_bs(blk)->probed);
    CHECK_EQ(write_sector0(blk, sec), 0);
    blk_unref(blk);
    /* The image now probes as the test format (which cannot open). */
    uint8_t buf[512];
    int fd = open(path, O_RDONLY);
    CHECK_EQ(pread(fd, buf, 512, 0), 512);
    close(fd);
    CHECK_STR(bdrv_probe_buf(buf, 512), "probetest");
    unlink(path);
    g_free(path);
}

static void test_read_only(void)
{
    char *path = tmp_image(64 * KiB);
    BlockOpenOptions o = {.filename = path, .format = "raw", .read_only = true};
    BlockDriverState *bs = bdrv_open(&o, NULL);
    CHECK(bs);
    BlockBackend *blk = blk_new("ro", bs, BLOCK_CACHE_WRITEBACK);
    bdrv_unref(bs);
    CHECK(blk_is_read_only(blk));
    uint8_t buf[512] = {1};
    struct iovec iov = {buf, sizeof(buf)};
    Done w = {0}, r = {0}, dc = {0}, f = {0};
    blk_aio_pwritev(blk, 0, &iov, 1, done_cb, &w);
    blk_aio_pdiscard(blk, 0, 512, done_cb, &dc);
    blk_aio_preadv(blk, 0, &iov, 1, done_cb, &r);
    blk_aio_flush(blk, done_cb, &f);
    blk_drain(blk);
    CHECK_EQ(w.ret, -EROFS);
    CHECK_EQ(dc.ret, -EROFS);
    CHECK_EQ(r.ret, 0);
    CHECK_EQ(f.ret, 0);
    CHECK_EQ(buf[0], 0);
    CHECK_EQ(blk_pwrite(blk, 0, buf, 512), -EROFS);
    blk_unref(blk);
    unlink(path);
    g_free(path);
}

static void test_write_cache_and_stats(void)
{
    char *path = tmp_image(64 * KiB);
    static const struct {
        BlockCacheMode cache;
        bool wce;
    } modes[] = {
        {BLOCK_CACHE_WRITEBACK, true},     {BLOCK_CACHE_NONE, true},
        {BLOCK_CACHE_WRITETHROUGH, false}, {BLOCK_CACHE_DIRECTSYNC, false},
        {BLOCK_CACHE_UNSAFE, true},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
        BlockOpenOptions o = {
            .filename = path, .format = "raw", .cache = modes[i].cache};
        BlockDriverState *bs = bdrv_open(&o, NULL);
        if (!bs) {
            /* O_DIRECT refused by this file system. */
            continue;
        }
        BlockBackend *blk = blk_new("wc", bs, modes[i].cache);
        bdrv_unref(bs);
        CHECK_EQ(blk_enable_write_cache(blk), modes[i].wce);
        blk_set_enable_write_cache(blk, !modes[i].wce);
        CHECK_EQ(blk_enable_write_cache(blk), !modes[i].wce);
        Done f = {0};
        blk_aio_flush(blk, done_cb, &f);
        blk_drain(blk);
        CHECK_EQ(f.ret, 0);
        blk_unref(blk);
    }

    BlockBackend *blk = open_blk(path, "raw");
    uint8_t buf[4096] = {0};
    struct iovec iov = {buf, sizeof(buf)};
    Done d = {0};
    blk_aio_pwritev(blk, 0, &iov, 1, done_cb, &d);
    blk_aio_preadv(blk, 4096, &iov, 1, done_cb, &d);
    blk_aio_preadv(blk, 64 * KiB, &iov, 1, done_cb, &d); /* past the end */
    blk_aio_pdiscard(blk, 8192, 8192, done_cb, &d);
    blk_aio_flush(blk, done_cb, &d);
    blk_drain(blk);
    const BlockAcctStats *st = blk_get_stats(blk);
    CHECK_EQ(st->nr_ops[BLOCK_ACCT_WRITE], 1);
    CHECK_EQ(st->nr_bytes[BLOCK_ACCT_WRITE], 4096);
    CHECK_EQ(st->nr_ops[BLOCK_ACCT_READ], 1);
    CHECK_EQ(st->failed_ops[BLOCK_ACCT_READ], 1);
    CHECK_EQ(st->nr_bytes[BLOCK_ACCT_READ], 4096);
    CHECK_EQ(st->nr_ops[BLOCK_ACCT_UNMAP], 1);
    CHECK_EQ(st->nr_bytes[BLOCK_ACCT_UNMAP], 8192);
    CHECK_EQ(st->nr_ops[BLOCK_ACCT_FLUSH], 1);
    CHECK(st->total_time_ns[BLOCK_ACCT_WRITE] > 0);
    blk_unref(blk);
    unlink(path);
    g_free(path);
}

static void test_eject_in_flight(void)
{
    char *path = tmp_image(1 * MiB);
    BlockBackend *blk = open_blk(path, "raw");
    static uint8_t buf[16][4096];
    Done d[16] = {{0}};
    for (int i = 0; i < 16; i++) {
        memset(buf[i], i + 1, sizeof(buf[i]));
        struct iovec iov = {buf[i], sizeof(buf[i])};
        blk_aio_pwritev(blk, i * 4096, &iov, 1, done_cb, &d[i]);
    }
    blk_eject(blk); /* waits for them: they finish on the old medium */
    CHECK(!blk_is_inserted(blk));
    CHECK_EQ(blk_getlength(blk), 0);
    for (int i = 0; i < 16; i++) {
        CHECK_EQ(d[i].calls, 1);
        CHECK_EQ(d[i].ret, 0);
    }
    Done after = {0};
    struct iovec iov = {buf[0], 512};
    blk_aio_preadv(blk, 0, &iov, 1, done_cb, &after);
    blk_drain(blk);
    CHECK_EQ(after.ret, -ENOMEDIUM);
    CHECK_EQ(blk_pread(blk, 0, buf[0], 512), -ENOMEDIUM);
    /* A new medium: the data written before is there. */
    BlockOpenOptions o = {.filename = path, .format = "raw"};
    BlockDriverState *bs = bdrv_open(&o, NULL);
    blk_set_bs(blk, bs);
    bdrv_unref(bs);
    uint8_t check[4096];
    CHECK_EQ(blk_pread(blk, 15 * 4096, check, sizeof(check)), 0);
    CHECK(!memcmp(check, buf[15], sizeof(check)));
    blk_unref(blk);
    unlink(path);
    g_free(path);
}

static void test_no_medium(void)
{
    BlockBackend *blk = blk_new("cd", NULL, BLOCK_CACHE_WRITEBACK);
    CHECK(!blk_is_inserted(blk));
    uint8_t buf[512];
    struct iovec iov = {buf, sizeof(buf)};
    Done d = {0};
    blk_aio_preadv(blk, 0, &iov, 1, done_cb, &d);
    blk_drain(blk);
    CHECK_EQ(d.ret, -ENOMEDIUM);
    blk_unref(blk);
}

static void test_open_errors(void)
{
    BlockOpenOptions o = {.filename = "/nonexistent/x.img"};
    Error *err = NULL;
    CHECK(!bdrv_open(&o, &err));
    CHECK(err && strstr(error_get_pretty(err), "No such file"));
    error_free(err);
    err = NULL;
    o.filename = "/tmp";
    o.format = "vmdk";
    CHECK(!bdrv_open(&o, &err));
    CHECK(err && strstr(error_get_pretty(err), "not a known format"));
    error_free(err);
}

static void test_iov(void)
{
    char a[10] = "abcdefghi", b[10] = "ABCDEFGHI";
    IOVector v, w;
    iovec_init(&v, 1);
    iovec_add(&v, a, 4);
    iovec_add(&v, a + 4, 5); /* contiguous: merged */
    CHECK_EQ(v.niov, 1);
    iovec_add(&v, b, 9);
    CHECK_EQ(v.niov, 2);
    CHECK_EQ(v.size, 18);
    iovec_init(&w, 1);
    iovec_concat(&w, &v, 7, 4); /* "hi" + "AB" */
    char out[5] = {0};
    CHECK_EQ(iov_to_buf(w.iov, w.niov, 0, out, 4), 4);
    CHECK(!strcmp(out, "hiAB"));
    CHECK(!iov_is_zero(w.iov, w.niov, 0, 4));
    iov_memset(v.iov, v.niov, 2, 0, 10);
    CHECK(iov_is_zero(v.iov, v.niov, 2, 10));
    CHECK(!iov_is_zero(v.iov, v.niov, 2, 11));
    iovec_destroy(&v);
    iovec_destroy(&w);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    main_loop_init();
    bql_lock();
    TEST_RUN(test_iov);
    TEST_RUN(test_async_rw);
    TEST_RUN(test_nowait);
    TEST_RUN(test_raw_partial_sector);
    TEST_RUN(test_probe_protection);
    TEST_RUN(test_no_medium);
    TEST_RUN(test_read_only);
    TEST_RUN(test_write_cache_and_stats);
    TEST_RUN(test_eject_in_flight);
    TEST_RUN(test_open_errors);
    bql_unlock();
    return test_finish();
}
