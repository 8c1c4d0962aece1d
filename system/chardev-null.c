/*
 * "null" chardev: output is discarded, no input ever arrives.
 */
#include "emu/common.h"
#include "system/chardev-internal.h"

static int null_open(Chardev *chr, ChrOpts *opts, Error **errp)
{
    return 0;
}

static int null_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

static void null_watch_added(Chardev *chr)
{
    /* Always writable: the idle watch of the fd helpers runs it. */
    chr_fd_watch_added(chr);
}

const ChardevClass chardev_null_class = {
    .name = "null",
    .size = sizeof(Chardev),
    .open = null_open,
    .write = null_write,
    .watch_added = null_watch_added,
};
