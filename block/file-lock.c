/*
 * Image locking for the file protocol, compatible with QEMU's.
 *
 * Every user of an image file takes open-file-description locks (OFD,
 * F_OFD_SETLK: per open file, so two opens in one process also see each
 * other, and they go away with the file) on single bytes of the file:
 *
 *     100 + bit   shared lock held while the user has permission `bit`
 *     200 + bit   shared lock held while it does not share `bit`
 *
 * (bits: BLK_PERM_* in block-int.h: 0 consistent read, 1 write, 2 write
 * unchanged, 3 resize; the same offsets QEMU's block/file-posix.c uses,
 * which is what makes emu, QEMU and qemu-img refuse each other.)  A
 * permission conflicts with someone else not sharing it, so before taking
 * perm we test for an exclusive lock being possible on 200 + bit, and
 * before refusing to share a bit we test 100 + bit.  We take our locks
 * first and test afterwards, so two users starting together cannot both
 * miss each other.  The bytes are far beyond where a lock could disturb
 * anything: locks are advisory and never touch the data.
 */
#include "emu/common.h"
#include <fcntl.h>
#include "block/file-posix.h"
#include "emu/error.h"

#define LOCK_PERM_BASE   100
#define LOCK_SHARED_BASE 200
#define LOCK_BITS        4

static const char *const perm_names[LOCK_BITS] = {
    "consistent read",
    "write",
    "write unchanged",
    "resize",
};

static int lock_byte(int fd, int byte, short type)
{
    struct flock fl = {
        .l_whence = SEEK_SET,
        .l_start = byte,
        .l_len = 1,
        .l_type = type,
    };
    return fcntl(fd, F_OFD_SETLK, &fl) < 0 ? -errno : 0;
}

/* Does another open file hold a lock on byte (that an exclusive lock
 * would conflict with)? */
static int byte_is_locked(int fd, int byte)
{
    struct flock fl = {
        .l_whence = SEEK_SET,
        .l_start = byte,
        .l_len = 1,
        .l_type = F_WRLCK,
    };
    if (fcntl(fd, F_OFD_GETLK, &fl) < 0) {
        return -errno;
    }
    return fl.l_type != F_UNLCK;
}

/* Hold exactly the bytes for perm and ~shared. */
static int apply_locks(int fd, uint64_t perm, uint64_t shared)
{
    for (int i = 0; i < LOCK_BITS; i++) {
        uint64_t bit = 1ull << i;
        int r =
            lock_byte(fd, LOCK_PERM_BASE + i, (perm & bit) ? F_RDLCK : F_UNLCK);
        if (r == 0) {
            r = lock_byte(fd, LOCK_SHARED_BASE + i,
                          (shared & bit) ? F_UNLCK : F_RDLCK);
        }
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

int file_lock_set_perm(BlockDriverState *bs, uint64_t perm, uint64_t shared,
                       Error **errp)
{
    FileState *s = bs->opaque;
    if (!s->locking) {
        return 0;
    }
    int r = apply_locks(s->fd, perm, shared);
    if (r == -EINVAL || r == -ENOLCK || r == -EOPNOTSUPP) {
        /* A file system without OFD locks (some network ones): as QEMU's
         * locking=auto, go on without, but say so. */
        warn_report("'%s': the file system does not support image locking "
                    "(%s); opening without it",
                    bs->filename, strerror(-r));
        s->locking = false;
        return 0;
    }
    if (r < 0) {
        error_setg(errp, "'%s': could not lock the image: %s", bs->filename,
                   strerror(-r));
        return r;
    }
    for (int i = 0; i < LOCK_BITS; i++) {
        uint64_t bit = 1ull << i;
        const char *what = NULL;
        if ((perm & bit) && byte_is_locked(s->fd, LOCK_SHARED_BASE + i) > 0) {
            what = "";
        } else if (!(shared & bit) &&
                   byte_is_locked(s->fd, LOCK_PERM_BASE + i) > 0) {
            what = "shared ";
        }
        if (what) {
            error_setg(errp,
                       "'%s': Failed to get %s\"%s\" lock. Is another "
                       "process using the image [%s]?",
                       bs->filename, what, perm_names[i], bs->filename);
            /* Back to what we held before (nothing, at open). */
            apply_locks(s->fd, s->perm, s->shared);
            return -EAGAIN;
        }
    }
    s->perm = perm;
    s->shared = shared;
    return 0;
}
