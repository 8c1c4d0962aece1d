/*
 * make bench-block: sequential reads through the BlockBackend, aio=threads
 * against aio=io_uring, with cache=writeback (the page cache serves them:
 * the block layer's own overhead) and cache=none (O_DIRECT: the host
 * disk).  Reads of BENCH_REQ bytes (default 128 KiB, what one IDE DMA
 * request moves), BENCH_DEPTH in flight (default 1, as IDE; try 8),
 * completions through the main loop as in emu.  Prints MB/s; a benchmark,
 * not a test: nothing fails on time.
 *
 * Usage: block-seqread [image-size-MiB]   (default 256; the image is a
 * temporary file in $TMPDIR, filled once).
 */
#include "emu/common.h"
#include <glib.h>
#include <fcntl.h>
#include <unistd.h>
#include "block/block-int.h"
#include "emu/error.h"
#include "emu/main-loop.h"

typedef struct Bench Bench;
typedef struct Slot {
    Bench *b;
    uint8_t *buf;
} Slot;

struct Bench {
    BlockBackend *blk;
    uint64_t size, next, req;
    int in_flight;
    int errors;
    Slot slots[64];
};

static void submit(Slot *s);

static void read_done(void *opaque, int ret)
{
    Slot *s = opaque;
    s->b->in_flight--;
    s->b->errors += ret < 0;
    submit(s);
}

static void submit(Slot *s)
{
    Bench *b = s->b;
    if (b->next >= b->size) {
        return;
    }
    struct iovec iov = {s->buf, b->req};
    b->in_flight++;
    uint64_t off = b->next;
    b->next += b->req;
    blk_aio_preadv(b->blk, off, &iov, 1, read_done, s);
}

static double run(const char *img, BlockAioMode aio, BlockCacheMode cache,
                  uint64_t size, uint64_t req, int depth)
{
    BlockOpenOptions o = {
        .filename = img, .format = "raw", .aio = aio, .cache = cache};
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(&o, &err);
    if (!bs) {
        printf("  (cannot open: %s)\n", error_get_pretty(err));
        error_free(err);
        return 0;
    }
    Bench b = {.size = size, .req = req};
    b.blk = blk_new("bench", bs, cache);
    bdrv_unref(bs);
    void *mem;
    if (posix_memalign(&mem, 4096, req * depth)) {
        abort();
    }
    int64_t t0 = g_get_monotonic_time();
    for (int i = 0; i < depth; i++) {
        b.slots[i] = (Slot){&b, (uint8_t *)mem + i * req};
        submit(&b.slots[i]);
    }
    while (b.in_flight) {
        main_loop_iterate(1000);
    }
    int64_t t1 = g_get_monotonic_time();
    blk_unref(b.blk);
    free(mem);
    if (b.errors) {
        printf("  (%d read errors)\n", b.errors);
    }
    return (double)size / (double)(t1 - t0); /* bytes/us = MB/s */
}

int main(int argc, char **argv)
{
    error_set_progname(argv[0]);
    uint64_t size = (argc > 1 ? strtoull(argv[1], NULL, 0) : 256) * MiB;
    const char *e = getenv("BENCH_REQ");
    uint64_t req = e ? strtoull(e, NULL, 0) : 128 * KiB;
    e = getenv("BENCH_DEPTH");
    int depth = e ? atoi(e) : 1;
    if (!size || req < 512 || req % 512 || depth < 1 || depth > 64) {
        fprintf(stderr, "block-seqread: bad size, BENCH_REQ or "
                        "BENCH_DEPTH\n");
        return 1;
    }
    char *img = g_strdup_printf("%s/emu-bench-XXXXXX", g_get_tmp_dir());
    int fd = g_mkstemp(img);
    if (fd < 0) {
        perror("block-seqread: temporary image");
        return 1;
    }
    /* Data, not a hole, or the file system answers without the disk. */
    uint8_t *chunk = g_malloc(MiB);
    for (size_t i = 0; i < MiB; i++) {
        chunk[i] = (uint8_t)(i * 31 + 7);
    }
    for (uint64_t off = 0; off < size; off += MiB) {
        if (pwrite(fd, chunk, MiB, off) != (ssize_t)MiB) {
            perror("block-seqread: filling the image");
            return 1;
        }
    }
    fdatasync(fd);
    close(fd);
    g_free(chunk);

    main_loop_init();
    bql_lock();
    printf("sequential read of %" PRIu64 " MiB, %" PRIu64
           " KiB requests, %d in flight\n",
           size / MiB, req / KiB, depth);
    static const struct {
        BlockCacheMode cache;
        const char *name;
    } caches[] = {{BLOCK_CACHE_WRITEBACK, "writeback"},
                  {BLOCK_CACHE_NONE, "none"}};
    for (size_t c = 0; c < G_N_ELEMENTS(caches); c++) {
        /* Once to warm up (page cache, thread pool), then measured: the
         * best of three for each mode, alternating the modes. */
        double best[2] = {0, 0};
        run(img, BLOCK_AIO_THREADS, caches[c].cache, size, req, depth);
        for (int rep = 0; rep < 3; rep++) {
            for (int m = 0; m < 2; m++) {
                double mbs =
                    run(img, m ? BLOCK_AIO_IO_URING : BLOCK_AIO_THREADS,
                        caches[c].cache, size, req, depth);
                best[m] = MAX(best[m], mbs);
            }
        }
        printf("cache=%-9s aio=threads %8.0f MB/s   aio=io_uring %8.0f "
               "MB/s   io_uring/threads %.2f\n",
               caches[c].name, best[0], best[1],
               best[0] > 0 ? best[1] / best[0] : 0);
    }
    bql_unlock();
    unlink(img);
    g_free(img);
    return 0;
}
