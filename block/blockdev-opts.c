/*
 * The value sets of -drive's cache= and aio= (QEMU's docs/system/invocation,
 * "-drive"); the option strings themselves are split by util/keyval.c.
 */
#include "block/blockdev-int.h"
#include "emu/option.h"

static const char *const cache_names[] = {
    [BLOCK_CACHE_WRITEBACK] = "writeback",
    [BLOCK_CACHE_NONE] = "none",
    [BLOCK_CACHE_WRITETHROUGH] = "writethrough",
    [BLOCK_CACHE_DIRECTSYNC] = "directsync",
    [BLOCK_CACHE_UNSAFE] = "unsafe",
};

int block_parse_cache(const char *s, BlockCacheMode *mode, Error **errp)
{
    for (size_t i = 0; i < ARRAY_SIZE(cache_names); i++) {
        if (!strcmp(s, cache_names[i])) {
            *mode = i;
            return 0;
        }
    }
    error_setg(errp,
               "invalid cache mode '%s' (writeback, none, writethrough, "
               "directsync or unsafe)",
               s);
    return -1;
}

const char *block_cache_name(BlockCacheMode mode)
{
    return (size_t)mode < ARRAY_SIZE(cache_names) ? cache_names[mode] : "?";
}

int block_parse_aio(const char *s, BlockAioMode *mode, Error **errp)
{
    if (!strcmp(s, "threads")) {
        *mode = BLOCK_AIO_THREADS;
    } else if (!strcmp(s, "io_uring")) {
        *mode = BLOCK_AIO_IO_URING;
    } else if (!strcmp(s, "native")) {
        /* Linux AIO (libaio): emu has a thread pool and io_uring. */
        error_setg(errp, "aio=native (Linux AIO) is not supported; use "
                         "aio=threads or aio=io_uring");
        return -1;
    } else {
        error_setg(errp, "invalid aio mode '%s' (threads or io_uring)", s);
        return -1;
    }
    return 0;
}
