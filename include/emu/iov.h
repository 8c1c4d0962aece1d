/*
 * Scatter/gather lists: a request's buffers as an array of struct iovec
 * (guest RAM pieces from address_space_map, or one bounce buffer).
 *
 * An IOVector owns its array (not the buffers): the block layer splits a
 * request by cluster with iovec_concat() over a range of another vector.
 */
#ifndef EMU_IOV_H
#define EMU_IOV_H

#include <sys/uio.h>
#include "emu/common.h"

typedef struct IOVector {
    struct iovec *iov;
    int niov;
    int nalloc;
    size_t size; /* sum of the lengths */
} IOVector;

void iovec_init(IOVector *v, int alloc_hint);
/* A vector over one buffer (no allocation; do not add to it). */
void iovec_init_buf(IOVector *v, struct iovec *one, void *buf, size_t len);
void iovec_add(IOVector *v, void *base, size_t len);
/* Append the bytes [offset, offset + len) of src to dst. */
void iovec_concat(IOVector *dst, const IOVector *src, size_t offset,
                  size_t len);
void iovec_reset(IOVector *v);
void iovec_destroy(IOVector *v);

/* Copy between a vector and a flat buffer, starting offset bytes into the
 * vector; return bytes copied (less if the vector is shorter). */
size_t iov_to_buf(const struct iovec *iov, int niov, size_t offset,
                  void *buf, size_t bytes);
size_t iov_from_buf(const struct iovec *iov, int niov, size_t offset,
                    const void *buf, size_t bytes);
size_t iov_memset(const struct iovec *iov, int niov, size_t offset, int c,
                  size_t bytes);
size_t iov_size(const struct iovec *iov, int niov);
/* True if the bytes are all zero (convert skips them). */
bool iov_is_zero(const struct iovec *iov, int niov, size_t offset,
                 size_t bytes);

#endif
