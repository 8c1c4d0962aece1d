/*
 * Scatter/gather helpers (include/emu/iov.h).
 */
#include "emu/common.h"
#include <glib.h>
#include "emu/iov.h"

void iovec_init(IOVector *v, int alloc_hint)
{
    v->nalloc = alloc_hint > 0 ? alloc_hint : 1;
    v->iov = g_new(struct iovec, v->nalloc);
    v->niov = 0;
    v->size = 0;
}

void iovec_init_buf(IOVector *v, struct iovec *one, void *buf, size_t len)
{
    one->iov_base = buf;
    one->iov_len = len;
    v->iov = one;
    v->niov = 1;
    v->nalloc = -1; /* not ours: iovec_add would be a bug */
    v->size = len;
}

void iovec_add(IOVector *v, void *base, size_t len)
{
    g_assert(v->nalloc >= 0);
    if (len == 0) {
        return;
    }
    /* Merge with the previous piece when contiguous (guest RAM mapped page
     * by page usually is). */
    if (v->niov > 0) {
        struct iovec *last = &v->iov[v->niov - 1];
        if ((char *)last->iov_base + last->iov_len == (char *)base) {
            last->iov_len += len;
            v->size += len;
            return;
        }
    }
    if (v->niov == v->nalloc) {
        v->nalloc = 2 * v->nalloc + 1;
        v->iov = g_renew(struct iovec, v->iov, v->nalloc);
    }
    v->iov[v->niov].iov_base = base;
    v->iov[v->niov].iov_len = len;
    v->niov++;
    v->size += len;
}

void iovec_concat(IOVector *dst, const IOVector *src, size_t offset,
                  size_t len)
{
    for (int i = 0; i < src->niov && len > 0; i++) {
        size_t l = src->iov[i].iov_len;
        if (offset >= l) {
            offset -= l;
            continue;
        }
        size_t n = MIN(l - offset, len);
        iovec_add(dst, (char *)src->iov[i].iov_base + offset, n);
        len -= n;
        offset = 0;
    }
}

void iovec_reset(IOVector *v)
{
    v->niov = 0;
    v->size = 0;
}

void iovec_destroy(IOVector *v)
{
    if (v->nalloc >= 0) {
        g_free(v->iov);
    }
    v->iov = NULL;
    v->niov = v->nalloc = 0;
    v->size = 0;
}

/* Walk [offset, offset + bytes) of the vector, calling fn on each piece. */
#define IOV_WALK(iov, niov, offset, bytes, body)                     \
    size_t done = 0;                                                 \
    for (int i_ = 0; i_ < (niov) && done < (bytes); i_++) {          \
        size_t l_ = (iov)[i_].iov_len;                               \
        if ((offset) >= l_) {                                        \
            (offset) -= l_;                                          \
            continue;                                                \
        }                                                            \
        size_t n = MIN(l_ - (offset), (bytes) - done);               \
        char *p = (char *)(iov)[i_].iov_base + (offset);             \
        body;                                                        \
        done += n;                                                   \
        (offset) = 0;                                                \
    }

size_t iov_to_buf(const struct iovec *iov, int niov, size_t offset,
                  void *buf, size_t bytes)
{
    IOV_WALK(iov, niov, offset, bytes, memcpy((char *)buf + done, p, n));
    return done;
}

size_t iov_from_buf(const struct iovec *iov, int niov, size_t offset,
                    const void *buf, size_t bytes)
{
    IOV_WALK(iov, niov, offset, bytes,
             memcpy(p, (const char *)buf + done, n));
    return done;
}

size_t iov_memset(const struct iovec *iov, int niov, size_t offset, int c,
                  size_t bytes)
{
    IOV_WALK(iov, niov, offset, bytes, memset(p, c, n));
    return done;
}

size_t iov_size(const struct iovec *iov, int niov)
{
    size_t s = 0;
    for (int i = 0; i < niov; i++) {
        s += iov[i].iov_len;
    }
    return s;
}

static bool buf_is_zero(const char *p, size_t n)
{
    /* Check the first 16 bytes by hand, then compare the rest with
     * itself shifted: memcmp is vectorised. */
    size_t head = MIN(n, 16);
    for (size_t i = 0; i < head; i++) {
        if (p[i]) {
            return false;
        }
    }
    return n <= 16 || !memcmp(p, p + 16, n - 16);
}

bool iov_is_zero(const struct iovec *iov, int niov, size_t offset,
                 size_t bytes)
{
    bool zero = true;
    IOV_WALK(iov, niov, offset, bytes, if (zero && !buf_is_zero(p, n)) {
        zero = false;
    });
    (void)done;
    return zero;
}
