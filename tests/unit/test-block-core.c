/*
 * The block core (block/block.c, block-backend.c, file-posix.c, raw.c,
 * util/iov.c): create and open a raw image, asynchronous reads and writes
 * whose callbacks run from the main loop (blk_drain), probing, the
 * sector-0 protection of probed raw images, bounds, no medium.
 */
#include "tests/unit/harness.h"
#include "block/block-int.h"
#include "emu/main-loop.h"

#include <glib.h>
#include <unistd.h>

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

static void test_probe_protection(void)
{
    char *path = tmp_image(64 * KiB);
    BlockBackend *blk = open_blk(path, NULL);
    CHECK(blk_bs(blk)->probed);
    uint8_t sec[512] = {'Q', 'F', 'I', 0xfb, 0, 0, 0, 3};
    Done d = {0};
    struct iovec iov = {sec, sizeof(sec)};
    /* Whether it is refused depends on qcow2 probing being registered;
     * a plain boot sector is always allowed. */
    if (bdrv_find_format("qcow2")) {
        blk_aio_pwritev(blk, 0, &iov, 1, done_cb, &d);
        blk_drain(blk);
        CHECK_EQ(d.ret, -EPERM);
    }
    sec[0] = 0xeb;
    blk_aio_pwritev(blk, 0, &iov, 1, done_cb, &d);
    blk_drain(blk);
    CHECK_EQ(d.ret, 0);
    blk_unref(blk);

    /* format=raw given: anything goes. */
    blk = open_blk(path, "raw");
    CHECK(!blk_bs(blk)->probed);
    sec[0] = 'Q';
    blk_aio_pwritev(blk, 0, &iov, 1, done_cb, &d);
    blk_drain(blk);
    CHECK_EQ(d.ret, 0);
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
    TEST_RUN(test_probe_protection);
    TEST_RUN(test_no_medium);
    TEST_RUN(test_open_errors);
    bql_unlock();
    return test_finish();
}
