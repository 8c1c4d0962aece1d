/*
 * "file" chardev (-serial file:PATH, -chardev file,id=ID,path=PATH): output
 * is written to PATH (created or truncated), no input.
 */
#include "emu/common.h"
#include "system/chardev-internal.h"

#include <fcntl.h>
#include <unistd.h>

static int file_open(Chardev *chr, ChrOpts *opts, Error **errp)
{
    const char *path = chr_opt_get(opts, "path");
    bool append;
    if (!path || !*path) {
        error_setg(errp, "file: a path= is required");
        return -1;
    }
    if (chr_opt_bool(opts, "append", false, &append, errp) < 0) {
        return -1;
    }
    int fd = open(path,
                  O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK |
                      (append ? O_APPEND : O_TRUNC),
                  0666);
    if (fd < 0) {
        error_setg(errp, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    chr_fd_init(chr, -1, fd, true);
    return 0;
}

static int file_write(Chardev *chr, const uint8_t *buf, int len)
{
    int r = chr_fd_write(chr, buf, len);
    if (r < 0) {
        /* Disk full or similar: drop rather than stall the guest. */
        log_unimp_once("chardev %s: write error: %s", chr->label,
                       strerror(errno));
        return len;
    }
    return r;
}

static void file_close(Chardev *chr)
{
    if (chr->out_fd >= 0) {
        close(chr->out_fd);
        chr->out_fd = -1;
    }
}

const ChardevClass chardev_file_class = {
    .name = "file",
    .size = sizeof(Chardev),
    .open = file_open,
    .write = file_write,
    .wait_writable = chr_fd_wait_writable,
    .watch_added = chr_fd_watch_added,
    .close = file_close,
};
