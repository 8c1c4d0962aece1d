/*
 * The BlockBackend under stress (block/block-backend.c, file-posix.c,
 * io-uring.c): O_DIRECT with unaligned buffers, offsets and lengths,
 * concurrent read-modify-writes of one block; hundreds of requests in
 * flight; blk_unref and eject with requests in flight; a callback that
 * drops its own drive; blk_drain from a "vCPU" thread holding the global
 * lock while the main loop runs; and a random mix of all of it (run
 * under ASan and UBSan by make check-sanitize).  Every callback must run
 * exactly once.  EMU_TEST_SEED=N repeats the random test.
 */
#include "tests/unit/block-util.h"

#include <pthread.h>
#include <sys/stat.h>

/* ---- O_DIRECT ---------------------------------------------------------- */

static BlockBackend *open_direct(const char *img, BlockAioMode aio)
{
    if (!blkt_direct_ok(img)) {
        printf("SKIP cache=none: %s does not take O_DIRECT\n", g_get_tmp_dir());
        return NULL;
    }
    BlktOpen t = {.format = "raw", .cache = BLOCK_CACHE_NONE, .aio = aio};
    Error *err = NULL;
    BlockBackend *blk = blkt_open(img, &t, &err);
    if (!blk) {
        test_fail(__FILE__, __LINE__, "%s", error_get_pretty(err));
        error_free(err);
    }
    return blk;
}

/* Odd buffers, offsets and lengths, checked with an ordinary fd. */
static void direct_unaligned(BlockAioMode aio)
{
    char *img = blkt_tmp_image(256 * KiB + 1000); /* an unaligned end too */
    BlockBackend *blk = open_direct(img, aio);
    if (!blk) {
        goto out;
    }
    static const struct {
        uint64_t off, len;
    } cases[] = {
        {1, 1},       {511, 2},     {4095, 4098},         {512, 512},
        {100, 70000}, {8192, 4096}, {256 * KiB + 999, 1}, {256 * KiB - 3, 1003},
    };
    int fd = open(img, O_RDONLY);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint64_t off = cases[i].off, len = cases[i].len;
        uint8_t *mem = g_malloc(len + 3);
        uint8_t *buf = mem + 3; /* never aligned */
        for (uint64_t j = 0; j < len; j++) {
            buf[j] = (uint8_t)(j * 13 + i);
        }
        BlktDone d = {0};
        struct iovec iov[2] = {{buf, len / 2}, {buf + len / 2, len - len / 2}};
        blk_aio_pwritev(blk, off, iov, 2, blkt_done_cb, &d);
        blk_drain(blk);
        CHECK_EQ(d.ret, 0);
        uint8_t *back = g_malloc(len);
        CHECK_EQ(pread(fd, back, len, off), (ssize_t)len);
        CHECK(!memcmp(back, buf, len));
        memset(buf, 0, len);
        blk_aio_preadv(blk, off, iov, 2, blkt_done_cb, &d);
        blk_drain(blk);
        CHECK_EQ(d.ret, 0);
        CHECK(!memcmp(back, buf, len));
        g_free(back);
        g_free(mem);
    }
    /* The read-modify-write of the last block kept the file's size (the
     * raw disk is whole sectors: block/raw.c rounds its length up). */
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 256 * KiB + 1000);
    close(fd);
    CHECK_EQ(blk_getlength(blk), 256 * KiB + 1024);
    blk_unref(blk);
out:
    unlink(img);
    g_free(img);
}

static void test_direct_unaligned_threads(void)
{
    direct_unaligned(BLOCK_AIO_THREADS);
}

static void test_direct_unaligned_io_uring(void)
{
    direct_unaligned(BLOCK_AIO_IO_URING);
}

/* 256 one-byte writes to the same few blocks at once, plus aligned
 * writes next to them: a read-modify-write that overlapped another
 * write of its block would lose bytes. */
static void test_direct_rmw_concurrent(void)
{
    char *img = blkt_tmp_image(64 * KiB);
    BlockBackend *blk = open_direct(img, BLOCK_AIO_IO_URING);
    if (!blk) {
        goto out;
    }
    static uint8_t bytes[256];
    static uint8_t *aligned;
    aligned = g_malloc(64 * KiB);
    BlktDone d[256 + 8] = {{0}};
    for (int i = 0; i < 256; i++) {
        bytes[i] = (uint8_t)(i ^ 0x5a) | 1;
        struct iovec iov = {&bytes[i], 1};
        blk_aio_pwritev(blk, 3 * i, &iov, 1, blkt_done_cb, &d[i]);
        if (i % 32 == 0) {
            /* Aligned writes of later blocks meanwhile. */
            struct iovec a = {aligned + (i / 32) * 4096, 4096};
            memset(a.iov_base, i / 32 + 1, 4096);
            blk_aio_pwritev(blk, 32 * KiB + (i / 32) * 4096, &a, 1,
                            blkt_done_cb, &d[256 + i / 32]);
        }
    }
    blk_drain(blk);
    uint8_t back[64 * KiB];
    CHECK_EQ(blk_pread(blk, 0, back, sizeof(back)), 0);
    int lost = 0;
    for (int i = 0; i < 256; i++) {
        CHECK_EQ(d[i].calls, 1);
        lost += back[3 * i] != bytes[i];
    }
    CHECK_EQ(lost, 0);
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(back[32 * KiB + i * 4096], i + 1);
    }
    blk_unref(blk);
    g_free(aligned);
out:
    unlink(img);
    g_free(img);
}

/* ---- Many requests, life cycle ----------------------------------------- */

#define MANY 512

static void many_in_flight(BlockAioMode aio)
{
    char *img = blkt_tmp_image(MANY * 4096);
    BlktOpen t = {.format = "raw", .aio = aio};
    BlockBackend *blk = blkt_open(img, &t, NULL);
    CHECK(blk);
    if (!blk) {
        return;
    }
    uint8_t *data = g_malloc(MANY * 4096);
    for (size_t i = 0; i < MANY * 4096; i++) {
        data[i] = (uint8_t)(i / 4096 + i);
    }
    BlktDone *d = g_new0(BlktDone, MANY);
    for (int i = 0; i < MANY; i++) {
        struct iovec iov = {data + i * 4096, 4096};
        blk_aio_pwritev(blk, i * 4096, &iov, 1, blkt_done_cb, &d[i]);
    }
    /* Let the main loop deliver them, as in emu. */
    for (int n = 0, spins = 0; n < MANY && spins < 10000; spins++) {
        main_loop_iterate(10);
        n = 0;
        for (int i = 0; i < MANY; i++) {
            n += d[i].calls;
        }
    }
    blk_drain(blk);
    uint8_t *back = g_malloc0(MANY * 4096);
    for (int i = 0; i < MANY; i++) {
        CHECK_EQ(d[i].calls, 1);
        CHECK_EQ(d[i].ret, 0);
        d[i].calls = 0;
        struct iovec iov = {back + i * 4096, 4096};
        blk_aio_preadv(blk, i * 4096, &iov, 1, blkt_done_cb, &d[i]);
    }
    blk_drain(blk);
    CHECK(!memcmp(back, data, MANY * 4096));
    CHECK_EQ(blk_get_stats(blk)->nr_ops[BLOCK_ACCT_READ], MANY);
    blk_unref(blk);
    g_free(back);
    g_free(data);
    g_free(d);
    unlink(img);
    g_free(img);
}

static void test_many_threads(void)
{
    many_in_flight(BLOCK_AIO_THREADS);
}

static void test_many_io_uring(void)
{
    many_in_flight(BLOCK_AIO_IO_URING);
}

static void test_unref_in_flight(void)
{
    char *img = blkt_tmp_image(1 * MiB);
    BlktOpen t = {.format = "raw"};
    BlockBackend *blk = blkt_open(img, &t, NULL);
    static uint8_t buf[64][4096];
    BlktDone d[64] = {{0}};
    for (int i = 0; i < 64; i++) {
        struct iovec iov = {buf[i], sizeof(buf[i])};
        blk_aio_preadv(blk, i * 4096, &iov, 1, blkt_done_cb, &d[i]);
    }
    blk_unref(blk); /* every callback runs before it returns */
    for (int i = 0; i < 64; i++) {
        CHECK_EQ(d[i].calls, 1);
    }
    main_loop_iterate(0); /* no bottom half of the freed drive runs */
    unlink(img);
    g_free(img);
}

typedef struct SelfUnref {
    BlockBackend *blk;
    int calls;
} SelfUnref;

static void self_unref_cb(void *opaque, int ret)
{
    SelfUnref *s = opaque;
    if (s->calls++ == 0) {
        blk_unref(s->blk); /* the drive goes away under its own callback */
    }
}

static void test_unref_from_callback(void)
{
    char *img = blkt_tmp_image(1 * MiB);
    BlktOpen t = {.format = "raw", .aio = BLOCK_AIO_IO_URING};
    SelfUnref s = {blkt_open(img, &t, NULL), 0};
    CHECK(s.blk);
    static uint8_t buf[8][512];
    for (int i = 0; i < 8; i++) {
        struct iovec iov = {buf[i], 512};
        blk_aio_preadv(s.blk, i * 512, &iov, 1, self_unref_cb, &s);
    }
    for (int spins = 0; s.calls < 8 && spins < 1000; spins++) {
        main_loop_iterate(10);
    }
    CHECK_EQ(s.calls, 8);
    /* The same while the device drains the drive itself. */
    s = (SelfUnref){blkt_open(img, &t, NULL), 0};
    CHECK(s.blk);
    for (int i = 0; i < 8; i++) {
        struct iovec iov = {buf[i], 512};
        blk_aio_preadv(s.blk, i * 512, &iov, 1, self_unref_cb, &s);
    }
    blk_drain(s.blk);
    CHECK_EQ(s.calls, 8);
    /* And under blk_drain_all, with another drive after it. */
    BlktOpen nolock = {.format = "raw", .no_lock = true};
    s = (SelfUnref){blkt_open(img, &nolock, NULL), 0};
    BlockBackend *other = blkt_open(img, &nolock, NULL);
    CHECK(s.blk && other);
    for (int i = 0; i < 8; i++) {
        struct iovec iov = {buf[i], 512};
        blk_aio_preadv(s.blk, i * 512, &iov, 1, self_unref_cb, &s);
    }
    blk_drain_all();
    CHECK_EQ(s.calls, 8);
    blk_unref(other);
    unlink(img);
    g_free(img);
}

/* A vCPU thread in an I/O exit: holds the global lock, submits, drains.
 * The main loop meanwhile wants the lock for its bottom half. */
typedef struct VcpuArgs {
    BlockBackend *blk;
    int calls_seen;
    int finished; /* atomic */
} VcpuArgs;

static void count_cb(void *opaque, int ret)
{
    (*(int *)opaque)++;
}

static void *vcpu_thread(void *opaque)
{
    VcpuArgs *a = opaque;
    static uint8_t buf[32][4096];
    int calls = 0;
    for (int round = 0; round < 20; round++) {
        bql_lock();
        for (int i = 0; i < 32; i++) {
            struct iovec iov = {buf[i], sizeof(buf[i])};
            if (i % 2) {
                blk_aio_preadv(a->blk, i * 4096, &iov, 1, count_cb, &calls);
            } else {
                blk_aio_pwritev(a->blk, i * 4096, &iov, 1, count_cb, &calls);
            }
        }
        blk_drain(a->blk);
        if (calls != 32 * (round + 1)) {
            a->calls_seen = -1;
        }
        bql_unlock();
    }
    if (a->calls_seen == 0) {
        a->calls_seen = calls;
    }
    __atomic_store_n(&a->finished, 1, __ATOMIC_SEQ_CST);
    main_loop_wakeup();
    return NULL;
}

static void vcpu_drain(BlockAioMode aio)
{
    char *img = blkt_tmp_image(1 * MiB);
    BlktOpen t = {
        .format = "raw", .aio = aio, .cache = BLOCK_CACHE_WRITETHROUGH};
    VcpuArgs a = {.blk = blkt_open(img, &t, NULL)};
    CHECK(a.blk);
    pthread_t th;
    pthread_create(&th, NULL, vcpu_thread, &a);
    /* The main loop runs meanwhile (it holds the lock except in poll). */
    for (int spins = 0;
         !__atomic_load_n(&a.finished, __ATOMIC_SEQ_CST) && spins < 60000;
         spins++) {
        main_loop_iterate(10);
    }
    CHECK(__atomic_load_n(&a.finished, __ATOMIC_SEQ_CST));
    bql_unlock();
    pthread_join(th, NULL);
    bql_lock();
    CHECK_EQ(a.calls_seen, 20 * 32);
    blk_unref(a.blk);
    unlink(img);
    g_free(img);
}

static void test_vcpu_drain_threads(void)
{
    vcpu_drain(BLOCK_AIO_THREADS);
}

static void test_vcpu_drain_io_uring(void)
{
    vcpu_drain(BLOCK_AIO_IO_URING);
}

/* ---- A random mix ---------------------------------------------------------
 */

typedef struct FuzzReq {
    int calls;
    int ret;
    uint8_t *buf;
    bool valid; /* inside the medium, with a medium */
} FuzzReq;

static void fuzz_cb(void *opaque, int ret)
{
    FuzzReq *r = opaque;
    r->calls++;
    r->ret = ret;
    g_free(r->buf);
    r->buf = NULL;
}

static void test_random_mix(void)
{
    uint32_t seed = g_random_int();
    const char *env = getenv("EMU_TEST_SEED");
    if (env) {
        seed = strtoul(env, NULL, 0);
    }
    printf("seed=%u\n", seed);
    GRand *rng = g_rand_new_with_seed(seed);
    char *img = blkt_tmp_image(512 * KiB);
    bool direct = blkt_direct_ok(img);
    enum { NREQ = 4000 };
    FuzzReq *reqs = g_new0(FuzzReq, NREQ);
    BlockBackend *blk = NULL;
    int n = 0;
    while (n < NREQ) {
        if (!blk) {
            BlktOpen t = {
                .format = "raw",
                .aio = g_rand_boolean(rng) ? BLOCK_AIO_IO_URING
                                           : BLOCK_AIO_THREADS,
                .cache = direct ? g_rand_int_range(rng, 0, 5)
                                : BLOCK_CACHE_WRITEBACK,
            };
            blk = blkt_open(img, &t, NULL);
            CHECK(blk);
            if (!blk) {
                break;
            }
        }
        int action = g_rand_int_range(rng, 0, 100);
        uint64_t len = blk_getlength(blk);
        if (action < 80) {
            FuzzReq *r = &reqs[n++];
            /* Mostly inside, sometimes across or past the end, or huge. */
            uint64_t off = g_rand_int_range(rng, 0, 600 * KiB);
            uint64_t l = g_rand_int_range(rng, 0, 70 * KiB);
            if (g_rand_int_range(rng, 0, 50) == 0) {
                off = UINT64_MAX - g_rand_int_range(rng, 0, 4096);
            }
            r->valid = blk_is_inserted(blk) && off <= len && l <= len - off;
            r->buf = g_malloc(l + 1);
            struct iovec iov = {r->buf, l};
            int kind = g_rand_int_range(rng, 0, 4);
            if (kind == 0) {
                blk_aio_preadv(blk, off, &iov, 1, fuzz_cb, r);
            } else if (kind == 1) {
                memset(r->buf, kind, l);
                blk_aio_pwritev(blk, off, &iov, 1, fuzz_cb, r);
            } else if (kind == 2) {
                blk_aio_pdiscard(blk, off, l, fuzz_cb, r);
            } else {
                r->valid = blk_is_inserted(blk);
                blk_aio_flush(blk, fuzz_cb, r);
            }
        } else if (action < 88) {
            main_loop_iterate(0);
        } else if (action < 93) {
            blk_drain(blk);
        } else if (action < 95) {
            blk_set_enable_write_cache(blk, !blk_enable_write_cache(blk));
        } else if (action < 97) {
            blk_eject(blk);
        } else {
            blk_unref(blk);
            blk = NULL;
        }
    }
    blk_unref(blk);
    int bad_calls = 0, bad_ret = 0;
    for (int i = 0; i < n; i++) {
        bad_calls += reqs[i].calls != 1;
        /* Valid requests succeed; the others fail cleanly. */
        bad_ret += reqs[i].valid
                       ? reqs[i].ret != 0
                       : (reqs[i].ret != -EIO && reqs[i].ret != -ENOMEDIUM);
    }
    CHECK_EQ(bad_calls, 0);
    CHECK_EQ(bad_ret, 0);
    g_free(reqs);
    g_rand_free(rng);
    unlink(img);
    g_free(img);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    main_loop_init();
    bql_lock();
    TEST_RUN(test_direct_unaligned_threads);
    TEST_RUN(test_direct_unaligned_io_uring);
    TEST_RUN(test_direct_rmw_concurrent);
    TEST_RUN(test_many_threads);
    TEST_RUN(test_many_io_uring);
    TEST_RUN(test_unref_in_flight);
    TEST_RUN(test_unref_from_callback);
    TEST_RUN(test_vcpu_drain_threads);
    TEST_RUN(test_vcpu_drain_io_uring);
    TEST_RUN(test_random_mix);
    bql_unlock();
    return test_finish();
}
