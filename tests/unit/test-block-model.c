/*
 * The raw format over the file protocol against a reference model
 * (block/raw.c, file-posix.c, io-uring.c, block-backend.c): random
 * reads, writes, discards and flushes on random offsets and lengths,
 * many in flight at once through blk_aio_*, checked against a buffer
 * that models the disk; afterwards the whole image is read back and
 * `qemu-img compare` compares the image with the model written as a
 * file.  For aio=threads and aio=io_uring, each with cache=writeback,
 * none (O_DIRECT, unaligned requests through the bounce buffer) and
 * writethrough.
 *
 * Requests in flight never overlap a write or discard in flight (the
 * block layer does not order them, so the result would be undefined).
 * A discard may leave zeros or the old data (include/block/block.h):
 * the model learns which by reading the range back and checks that it
 * is one or the other, byte by byte.
 *
 * EMU_TEST_SEED=N repeats a run; the seed is printed.
 */
#include "tests/unit/block-util.h"

#define IMG_SIZE      (4 * MiB)
#define MAX_IN_FLIGHT 24
#define OPS           1500
#define MAX_LEN       (96 * KiB)

typedef enum { OP_READ, OP_WRITE, OP_DISCARD, OP_FLUSH } OpType;

typedef struct ModelReq {
    struct ModelRun *run;
    OpType type;
    uint64_t off, len;
    uint8_t *buf;    /* the data (its first byte may be unaligned) */
    uint8_t *alloc;  /* what to free */
    uint8_t *expect; /* reads: the model at submit */
    bool busy;
} ModelReq;

typedef struct ModelRun {
    BlockBackend *blk;
    uint8_t *model;
    ModelReq reqs[MAX_IN_FLIGHT];
    int in_flight;
    int errors; /* reported once each kind, counted */
    int reads_checked, discards_zero;
} ModelRun;

static bool overlaps(ModelRun *r, uint64_t off, uint64_t len, bool modify)
{
    for (int i = 0; i < MAX_IN_FLIGHT; i++) {
        ModelReq *q = &r->reqs[i];
        if (!q->busy || q->type == OP_FLUSH) {
            continue;
        }
        /* Two reads may overlap; anything with a write or discard not. */
        if (!modify && q->type == OP_READ) {
            continue;
        }
        if (off < q->off + q->len && q->off < off + len) {
            return true;
        }
    }
    return false;
}

static void model_done(void *opaque, int ret)
{
    ModelReq *q = opaque;
    ModelRun *r = q->run;
    if (ret != 0) {
        test_fail(__FILE__, __LINE__,
                  "op %d at %" PRIu64 "+%" PRIu64 " failed: %s", q->type,
                  q->off, q->len, strerror(-ret));
    }
    if (q->type == OP_READ && ret == 0) {
        if (memcmp(q->buf, q->expect, q->len)) {
            if (!r->errors++) {
                test_fail(__FILE__, __LINE__,
                          "read at %" PRIu64 "+%" PRIu64
                          " differs from the model",
                          q->off, q->len);
            }
        }
        r->reads_checked++;
    }
    if (q->type == OP_DISCARD && ret == 0) {
        /* Learn what the discard left: per byte, zero or the old data. */
        uint8_t *now = g_malloc(q->len);
        CHECK_EQ(blk_pread(r->blk, q->off, now, q->len), 0);
        for (uint64_t i = 0; i < q->len; i++) {
            if (now[i] != 0 && now[i] != r->model[q->off + i]) {
                if (!r->errors++) {
                    test_fail(__FILE__, __LINE__,
                              "after a discard of %" PRIu64 "+%" PRIu64
                              ", byte %" PRIu64
                              " is neither zero nor the old data",
                              q->off, q->len, q->off + i);
                }
                break;
            }
        }
        r->discards_zero += !memcmp(now, now + 1, q->len - 1) && !now[0];
        memcpy(r->model + q->off, now, q->len);
        g_free(now);
    }
    g_free(q->alloc);
    g_free(q->expect);
    q->alloc = q->expect = NULL;
    q->busy = false;
    r->in_flight--;
}

static ModelReq *free_slot(ModelRun *r)
{
    for (int i = 0; i < MAX_IN_FLIGHT; i++) {
        if (!r->reqs[i].busy) {
            return &r->reqs[i];
        }
    }
    return NULL;
}

/* Offsets and lengths: half sector-aligned (what devices send), half any
 * byte (the bounce and read-modify-write of O_DIRECT). */
static void pick_range(GRand *rng, uint64_t *off, uint64_t *len)
{
    bool aligned = g_rand_boolean(rng);
    uint64_t l = g_rand_int_range(rng, 1, MAX_LEN);
    uint64_t o = g_rand_int_range(rng, 0, IMG_SIZE - l);
    if (aligned) {
        l = MAX(512, l & ~511ull);
        o &= ~511ull;
    }
    *off = o;
    *len = MIN(l, IMG_SIZE - o);
}

static void submit_one(ModelRun *r, GRand *rng)
{
    ModelReq *q = free_slot(r);
    g_assert(q);
    int pick = g_rand_int_range(rng, 0, 100);
    OpType type = pick < 40   ? OP_READ
                  : pick < 80 ? OP_WRITE
                  : pick < 92 ? OP_DISCARD
                              : OP_FLUSH;
    uint64_t off = 0, len = 0;
    if (type != OP_FLUSH) {
        int tries = 0;
        do {
            pick_range(rng, &off, &len);
        } while (overlaps(r, off, len, type != OP_READ) && ++tries < 20);
        if (tries == 20) {
            blk_drain(r->blk); /* everything clashes: let it settle */
        }
    }
    *q = (ModelReq){
        .run = r, .type = type, .off = off, .len = len, .busy = true};
    r->in_flight++;
    if (type == OP_FLUSH) {
        blk_aio_flush(r->blk, model_done, q);
        return;
    }
    if (type == OP_DISCARD) {
        blk_aio_pdiscard(r->blk, off, len, model_done, q);
        return;
    }
    /* A buffer starting at a random small offset of its allocation (not
     * aligned for O_DIRECT), cut into up to three pieces as a PRD list. */
    size_t skew = g_rand_boolean(rng) ? 0 : g_rand_int_range(rng, 1, 64);
    q->alloc = g_malloc(len + skew);
    q->buf = q->alloc + skew;
    struct iovec iov[3];
    int niov = 0;
    uint64_t done = 0;
    while (done < len) {
        uint64_t n = niov == 2
                         ? len - done
                         : (uint64_t)g_rand_int_range(rng, 1, len - done + 1);
        iov[niov].iov_base = q->buf + done;
        iov[niov].iov_len = n;
        niov++;
        done += n;
    }
    if (type == OP_READ) {
        q->expect = g_memdup2(r->model + off, len);
        memset(q->buf, 0xa5, len);
        blk_aio_preadv(r->blk, off, iov, niov, model_done, q);
    } else {
        for (uint64_t i = 0; i < len; i++) {
            q->buf[i] = (uint8_t)g_rand_int(rng);
        }
        memcpy(r->model + off, q->buf, len);
        blk_aio_pwritev(r->blk, off, iov, niov, model_done, q);
    }
}

/* qemu-img compare of the image with the model as a file: 0 identical,
 * 1 different (qemu-img's exit codes). */
static int qemu_img_compare(const char *qemu_img, const char *img,
                            const char *model_path)
{
    char *argv[] = {
        (char *)qemu_img, "compare",          "-f", "raw", "-F", "raw",
        (char *)img,      (char *)model_path, NULL};
    return blkt_run(argv, NULL);
}

static void run_model(BlockAioMode aio, BlockCacheMode cache)
{
    static const char *const cache_names[] = {
        "writeback", "none", "writethrough", "directsync", "unsafe",
    };
    const char *what = aio == BLOCK_AIO_IO_URING ? "io_uring" : "threads";
    char *qemu_img = blkt_qemu_img();
    char *img = blkt_tmp_image(0);
    if (qemu_img) {
        /* An image as users make them. */
        char *argv[] = {qemu_img, "create", "-q", "-f", "raw", img, "4M", NULL};
        CHECK_EQ(blkt_run(argv, NULL), 0);
    } else {
        CHECK(truncate(img, IMG_SIZE) == 0);
    }
    if (cache == BLOCK_CACHE_NONE && !blkt_direct_ok(img)) {
        printf("SKIP aio=%s cache=none: %s does not take O_DIRECT\n", what,
               g_get_tmp_dir());
        goto out;
    }
    Error *err = NULL;
    BlktOpen t = {.format = "raw", .cache = cache, .aio = aio};
    ModelRun r = {0};
    r.blk = blkt_open(img, &t, &err);
    if (!r.blk) {
        test_fail(__FILE__, __LINE__, "open: %s", error_get_pretty(err));
        error_free(err);
        goto out;
    }
    uint32_t seed = g_random_int();
    const char *env = getenv("EMU_TEST_SEED");
    if (env) {
        seed = strtoul(env, NULL, 0);
    }
    printf("aio=%s cache=%s seed=%u\n", what, cache_names[cache], seed);
    GRand *rng = g_rand_new_with_seed(seed);
    r.model = g_malloc0(IMG_SIZE);
    for (int i = 0; i < OPS; i++) {
        while (r.in_flight == MAX_IN_FLIGHT) {
            main_loop_iterate(100);
        }
        submit_one(&r, rng);
        /* Sometimes let completions arrive through the main loop, as in
         * emu, sometimes all at once through a drain. */
        if (g_rand_int_range(rng, 0, 8) == 0) {
            main_loop_iterate(0);
        } else if (g_rand_int_range(rng, 0, 64) == 0) {
            blk_drain(r.blk);
            CHECK_EQ(r.in_flight, 0);
        }
    }
    blk_drain(r.blk);
    CHECK_EQ(r.in_flight, 0);
    CHECK(r.reads_checked > OPS / 5);
    CHECK_EQ(blk_flush(r.blk), 0);
    const BlockAcctStats *st = blk_get_stats(r.blk);
    CHECK(st->nr_ops[BLOCK_ACCT_READ] >= (uint64_t)r.reads_checked);
    CHECK_EQ(st->failed_ops[BLOCK_ACCT_WRITE], 0);

    /* The whole image through the block layer. */
    uint8_t *all = g_malloc(IMG_SIZE);
    CHECK_EQ(blk_pread(r.blk, 0, all, IMG_SIZE), 0);
    CHECK(!memcmp(all, r.model, IMG_SIZE));
    blk_unref(r.blk);

    /* And with qemu-img, outside emu. */
    char *model_path = blkt_tmp_image(0);
    CHECK(g_file_set_contents(model_path, (char *)r.model, IMG_SIZE, NULL));
    if (qemu_img) {
        CHECK_EQ(qemu_img_compare(qemu_img, img, model_path), 0);
        /* The comparison can fail: one byte off is seen. */
        r.model[IMG_SIZE / 3] ^= 1;
        CHECK(g_file_set_contents(model_path, (char *)r.model, IMG_SIZE, NULL));
        CHECK_EQ(qemu_img_compare(qemu_img, img, model_path), 1);
    } else {
        printf("SKIP qemu-img compare: qemu-img is not installed "
               "(scripts/install-deps.sh installs qemu-utils)\n");
    }
    unlink(model_path);
    g_free(model_path);
    g_free(all);
    g_free(r.model);
    g_rand_free(rng);
out:
    unlink(img);
    g_free(img);
    g_free(qemu_img);
}

static bool have_io_uring(void)
{
    char *img = blkt_tmp_image(4096);
    Error *err = NULL;
    BlktOpen t = {.format = "raw", .aio = BLOCK_AIO_IO_URING};
    BlockBackend *blk = blkt_open(img, &t, &err);
    if (!blk) {
        printf("SKIP aio=io_uring: %s\n", error_get_pretty(err));
        error_free(err);
    }
    blk_unref(blk);
    unlink(img);
    g_free(img);
    return blk != NULL;
}

static void test_threads_writeback(void)
{
    run_model(BLOCK_AIO_THREADS, BLOCK_CACHE_WRITEBACK);
}

static void test_threads_none(void)
{
    run_model(BLOCK_AIO_THREADS, BLOCK_CACHE_NONE);
}

static void test_threads_writethrough(void)
{
    run_model(BLOCK_AIO_THREADS, BLOCK_CACHE_WRITETHROUGH);
}

static void test_io_uring_writeback(void)
{
    if (have_io_uring()) {
        run_model(BLOCK_AIO_IO_URING, BLOCK_CACHE_WRITEBACK);
    }
}

static void test_io_uring_none(void)
{
    if (have_io_uring()) {
        run_model(BLOCK_AIO_IO_URING, BLOCK_CACHE_NONE);
    }
}

static void test_io_uring_writethrough(void)
{
    if (have_io_uring()) {
        run_model(BLOCK_AIO_IO_URING, BLOCK_CACHE_WRITETHROUGH);
    }
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    main_loop_init();
    bql_lock();
    TEST_RUN(test_threads_writeback);
    TEST_RUN(test_threads_none);
    TEST_RUN(test_threads_writethrough);
    TEST_RUN(test_io_uring_writeback);
    TEST_RUN(test_io_uring_none);
    TEST_RUN(test_io_uring_writethrough);
    bql_unlock();
    return test_finish();
}
