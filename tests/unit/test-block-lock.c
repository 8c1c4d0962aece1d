/*
 * Image locking (block/file-lock.c, the permissions in block/block.c):
 * two read-write opens of one image refuse each other with a message
 * naming the image; read-only openers share; file.locking=off (no_lock)
 * opens anyway; QEMU's tools see our locks (qemu-img info on a qcow2
 * image we hold, qemu-io writing a raw one) and we see theirs (a
 * qemu-io holding the image).  The QEMU side skips when its tools are
 * missing (scripts/install-deps.sh installs qemu-utils).  A tiny test
 * format with a backing file ("backtest", below) stands for qcow2 until
 * it is there: the locks of a format with metadata and of backing files.
 */
#include "tests/unit/block-util.h"

#include <signal.h>
#include <sys/wait.h>

/* backtest: "EMUBACK" at byte 0, the backing file name at byte 16. */
static int backtest_probe(const uint8_t *buf, int size)
{
    return size >= 8 && !memcmp(buf, "EMUBACK", 8) ? 100 : 0;
}

static int backtest_open(BlockDriverState *bs, Error **errp)
{
    char hdr[512] = {0};
    int r = bdrv_pread(bs->file, 0, hdr, sizeof(hdr));
    if (r < 0) {
        return r;
    }
    hdr[511] = 0;
    bs->backing_file = g_strdup(hdr + 16);
    bs->backing_format = g_strdup("raw");
    return bdrv_open_backing(bs, errp);
}

static int backtest_preadv(BlockDriverState *bs, uint64_t offset,
                           uint64_t bytes, IOVector *qiov)
{
    return bdrv_preadv(bs->backing, offset, bytes, qiov);
}

static int64_t backtest_getlength(BlockDriverState *bs)
{
    return bdrv_getlength(bs->backing);
}

static const BlockDriver bdrv_backtest = {
    .format_name = "backtest",
    .probe = backtest_probe,
    .open = backtest_open,
    .preadv = backtest_preadv,
    .getlength = backtest_getlength,
};
BLOCK_DRIVER_REGISTER(bdrv_backtest)

static BlockBackend *try_open(const char *path, const char *fmt, bool ro,
                              bool no_lock, char **msg)
{
    BlktOpen t = {.format = fmt, .read_only = ro, .no_lock = no_lock};
    Error *err = NULL;
    BlockBackend *blk = blkt_open(path, &t, &err);
    if (msg) {
        *msg = blk ? NULL : g_strdup(error_get_pretty(err));
    }
    if (err) {
        error_free(err);
    }
    return blk;
}

static void test_two_writers(void)
{
    char *img = blkt_tmp_image(1 * MiB);
    char *msg = NULL;
    BlockBackend *a = try_open(img, "raw", false, false, NULL);
    CHECK(a);
    BlockBackend *b = try_open(img, "raw", false, false, &msg);
    CHECK(!b);
    printf("second writer: %s\n", msg ? msg : "(opened)");
    CHECK(msg && strstr(msg, "Failed to get"));
    CHECK(msg && strstr(msg, "\"write\" lock"));
    CHECK(msg && strstr(msg, img)); /* names the image */
    CHECK(msg && strstr(msg, "Is another process using the image"));
    g_free(msg);
    /* Probed and protocol-only opens lock the same way. */
    CHECK(!try_open(img, NULL, false, false, NULL));
    CHECK(!try_open(img, "file", false, false, NULL));
    /* locking=off on the second: it opens. */
    b = try_open(img, "raw", false, true, NULL);
    CHECK(b);
    blk_unref(b);
    /* The lock goes with the first user. */
    blk_unref(a);
    b = try_open(img, "raw", false, false, NULL);
    CHECK(b);
    blk_unref(b);
    unlink(img);
    g_free(img);
}

static void test_readers_share(void)
{
    char *img = blkt_tmp_image(1 * MiB);
    BlockBackend *a = try_open(img, "raw", true, false, NULL);
    BlockBackend *b = try_open(img, "raw", true, false, NULL);
    CHECK(a && b);
    /* A raw reader does not mind a writer (QEMU's if=none, qemu-img
     * info), but a second writer still is refused. */
    BlockBackend *w = try_open(img, "raw", false, false, NULL);
    CHECK(w);
    CHECK(!try_open(img, "raw", false, false, NULL));
    blk_unref(w);
    blk_unref(a);
    blk_unref(b);
    unlink(img);
    g_free(img);
}

static int lock_held(const char *path, int byte)
{
    int fd = open(path, O_RDONLY);
    struct flock fl = {
        .l_whence = SEEK_SET, .l_start = byte, .l_len = 1, .l_type = F_WRLCK};
    int r = fcntl(fd, F_OFD_GETLK, &fl);
    close(fd);
    return r < 0 ? -1 : fl.l_type != F_UNLCK;
}

/* The bytes QEMU's tools look at: 100 + perm bit, 200 + unshared bit. */
static void test_lock_bytes(void)
{
    char *img = blkt_tmp_image(1 * MiB);
    BlockBackend *a = try_open(img, "raw", false, false, NULL);
    CHECK_EQ(lock_held(img, 100), 1); /* consistent read */
    CHECK_EQ(lock_held(img, 101), 1); /* write */
    CHECK_EQ(lock_held(img, 201), 1); /* write not shared */
    CHECK_EQ(lock_held(img, 203), 0); /* resize shared (raw) */
    CHECK_EQ(lock_held(img, 102), 0);
    blk_unref(a);
    CHECK_EQ(lock_held(img, 100), 0);
    CHECK_EQ(lock_held(img, 201), 0);
    a = try_open(img, "raw", false, true, NULL);
    CHECK_EQ(lock_held(img, 101), 0); /* locking=off */
    blk_unref(a);
    unlink(img);
    g_free(img);
}

/* A format with metadata locks resize too; its backing file is shared
 * for reading only: nobody may write or resize it meanwhile. */
static void test_backing_locks(void)
{
    char *base = blkt_tmp_image(1 * MiB);
    char *top = blkt_tmp_image(0);
    char hdr[512] = "EMUBACK";
    g_strlcpy(hdr + 16, base, sizeof(hdr) - 16);
    CHECK(g_file_set_contents(top, hdr, sizeof(hdr), NULL));
    BlockBackend *t = try_open(top, NULL, false, false, NULL);
    CHECK(t);
    CHECK(t && blk_bs(t)->backing);
    CHECK_EQ(lock_held(top, 100), 1);
    CHECK_EQ(lock_held(top, 101), 1);
    CHECK_EQ(lock_held(top, 103), 1); /* resize */
    CHECK_EQ(lock_held(top, 201), 1);
    CHECK_EQ(lock_held(top, 203), 1);
    CHECK_EQ(lock_held(base, 100), 1);
    CHECK_EQ(lock_held(base, 101), 0);
    CHECK_EQ(lock_held(base, 201), 1);
    CHECK_EQ(lock_held(base, 203), 1);
    char *msg = NULL;
    CHECK(!try_open(base, "raw", false, false, &msg));
    CHECK(msg && strstr(msg, "Failed to get \"write\" lock"));
    g_free(msg);
    BlockBackend *r = try_open(base, "raw", true, false, NULL);
    CHECK(r); /* readers share */
    blk_unref(r);
    /* A reader of the format (metadata) does not share writing either:
     * a writer of the top is refused while it is open. */
    blk_unref(t);
    t = try_open(top, "backtest", true, false, NULL);
    CHECK(t);
    CHECK_EQ(lock_held(top, 201), 1);
    CHECK(!try_open(top, "backtest", false, false, NULL));
    blk_unref(t);
    CHECK_EQ(lock_held(base, 100), 0);
    unlink(base);
    unlink(top);
    g_free(base);
    g_free(top);
}

static void test_qemu_img_sees_us(void)
{
    char *qemu_img = blkt_qemu_img();
    char *qemu_io = g_find_program_in_path("qemu-io");
    if (!qemu_img || !qemu_io) {
        printf("SKIP: qemu-img/qemu-io not installed "
               "(scripts/install-deps.sh installs qemu-utils)\n");
        g_free(qemu_img);
        g_free(qemu_io);
        return;
    }
    /* qemu-img info opens a qcow2 image sharing everything but write:
     * it must fail while we hold the file read-write (we open it through
     * the file protocol, which needs no qcow2 driver). */
    char *img = blkt_tmp_image(0);
    char *create[] = {qemu_img, "create", "-q", "-f", "qcow2", img, "1M", NULL};
    CHECK_EQ(blkt_run(create, NULL), 0);
    char *info[] = {qemu_img, "info", img, NULL};
    char *info_u[] = {qemu_img, "info", "-U", img, NULL};
    CHECK_EQ(blkt_run(info, NULL), 0);
    BlockBackend *a = try_open(img, "file", false, false, NULL);
    CHECK(a);
    char *err = NULL;
    CHECK(blkt_run(info, &err) != 0);
    CHECK(err && strstr(err, "Failed to get shared \"write\" lock"));
    g_free(err);
    CHECK_EQ(blkt_run(info_u, NULL), 0);
    blk_unref(a);
    CHECK_EQ(blkt_run(info, NULL), 0);

    /* qemu-io opening a raw image read-write while we hold it. */
    char *raw = blkt_tmp_image(1 * MiB);
    a = try_open(raw, "raw", false, false, NULL);
    char *io[] = {qemu_io, "-f", "raw", "-c", "read 0 512", raw, NULL};
    err = NULL;
    int st = blkt_run(io, &err);
    /* qemu-io reports open errors on stderr (its status may be 0). */
    CHECK(err && strstr(err, "lock"));
    CHECK(err && strstr(err, "Is another process using the image"));
    (void)st;
    g_free(err);
    blk_unref(a);
    unlink(img);
    unlink(raw);
    g_free(img);
    g_free(raw);
    g_free(qemu_img);
    g_free(qemu_io);
}

static void test_we_see_qemu(void)
{
    char *qemu_io = g_find_program_in_path("qemu-io");
    if (!qemu_io) {
        printf("SKIP: qemu-io not installed\n");
        return;
    }
    char *img = blkt_tmp_image(1 * MiB);
    /* A QEMU holding the image read-write for a while. */
    char *argv[] = {qemu_io, "-f", "raw", "-c", "sleep 20000", img, NULL};
    GPid pid;
    GError *gerr = NULL;
    if (!g_spawn_async(NULL, argv, NULL,
                       G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                       NULL, NULL, &pid, &gerr)) {
        test_fail(__FILE__, __LINE__, "qemu-io: %s", gerr->message);
        g_error_free(gerr);
        goto out;
    }
    /* Wait for its lock on "write" (byte 101), at most 20 s. */
    for (int i = 0; i < 2000 && lock_held(img, 101) != 1; i++) {
        g_usleep(10000);
    }
    CHECK_EQ(lock_held(img, 101), 1);
    char *msg = NULL;
    CHECK(!try_open(img, "raw", false, false, &msg));
    printf("while qemu-io holds it: %s\n", msg ? msg : "(opened)");
    CHECK(msg && strstr(msg, "lock") && strstr(msg, img));
    g_free(msg);
    /* A reader of raw shares: opens. */
    BlockBackend *r = try_open(img, "raw", true, false, NULL);
    CHECK(r);
    blk_unref(r);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    g_spawn_close_pid(pid);
    r = try_open(img, "raw", false, false, NULL);
    CHECK(r);
    blk_unref(r);
out:
    unlink(img);
    g_free(img);
    g_free(qemu_io);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    main_loop_init();
    bql_lock();
    TEST_RUN(test_two_writers);
    TEST_RUN(test_readers_share);
    TEST_RUN(test_lock_bytes);
    TEST_RUN(test_backing_locks);
    TEST_RUN(test_qemu_img_sees_us);
    TEST_RUN(test_we_see_qemu);
    bql_unlock();
    return test_finish();
}
