/*
 * Helpers shared by the block layer's unit tests (test-block-*.c) and
 * the device rigs (ide-rig.h, test-fdc.c): scratch images, opening a
 * drive, a completion recorder, and running qemu-img.  Header-only: each
 * test is one program.
 */
#ifndef TESTS_UNIT_BLOCK_UTIL_H
#define TESTS_UNIT_BLOCK_UTIL_H

#include "tests/unit/harness.h"
#include "block/block-int.h"
#include "emu/main-loop.h"

#include <glib.h>
#include <fcntl.h>
#include <unistd.h>

/* A new empty file of size bytes in the temporary folder (g_free it and
 * unlink it afterwards). */
static inline char *blkt_tmp_image(uint64_t size)
{
    char *path = g_strdup_printf("%s/emu-blk-XXXXXX", g_get_tmp_dir());
    int fd = g_mkstemp(path);
    CHECK(fd >= 0);
    CHECK(ftruncate(fd, size) == 0);
    close(fd);
    return path;
}

typedef struct BlktOpen {
    const char *format; /* NULL: probe */
    BlockCacheMode cache;
    BlockAioMode aio;
    bool read_only;
    bool no_lock;
} BlktOpen;

/* Open path as a drive; NULL with *errp set on failure. */
static inline BlockBackend *blkt_open(const char *path, const BlktOpen *t,
                                      Error **errp)
{
    BlockOpenOptions o = {
        .filename = path,
        .format = t->format,
        .read_only = t->read_only,
        .cache = t->cache,
        .aio = t->aio,
        .no_lock = t->no_lock,
    };
    BlockDriverState *bs = bdrv_open(&o, errp);
    if (!bs) {
        return NULL;
    }
    BlockBackend *blk = blk_new("t0", bs, t->cache);
    bdrv_unref(bs);
    return blk;
}

/* Open a raw image as a drive named name (the device tests' rigs); NULL
 * after a test failure if it cannot be opened. */
static inline BlockBackend *blkt_open_raw(const char *name, const char *path,
                                          bool read_only)
{
    BlockOpenOptions o = {
        .filename = path, .format = "raw", .read_only = read_only};
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(&o, &err);
    if (!bs) {
        test_fail(__FILE__, __LINE__, "open: %s", error_get_pretty(err));
        error_free(err);
        return NULL;
    }
    BlockBackend *blk = blk_new(name, bs, BLOCK_CACHE_WRITEBACK);
    bdrv_unref(bs);
    return blk;
}

typedef struct BlktDone {
    int calls;
    int ret;
} BlktDone;

static inline void blkt_done_cb(void *opaque, int ret)
{
    BlktDone *d = opaque;
    d->calls++;
    d->ret = ret;
}

/* The path of qemu-img, or NULL (the caller says it skips). */
static inline char *blkt_qemu_img(void)
{
    return g_find_program_in_path("qemu-img");
}

/* Run argv; its exit status (-1 if it could not run), stderr in *err
 * (g_free) when err is not NULL. */
static inline int blkt_run(char **argv, char **err)
{
    int status;
    char *out = NULL, *e = NULL;
    GError *gerr = NULL;
    if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                      &e, &status, &gerr)) {
        g_error_free(gerr);
        return -1;
    }
    g_free(out);
    if (err) {
        *err = e;
    } else {
        g_free(e);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Does this file system take O_DIRECT (tmpfs before Linux 6.6 does
 * not)?  Tests of cache=none skip where it does not. */
static inline bool blkt_direct_ok(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECT);
    if (fd >= 0) {
        close(fd);
    }
    return fd >= 0;
}

#endif
