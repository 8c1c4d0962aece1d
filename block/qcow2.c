/*
 * qcow2: the header, open/close and the I/O paths.  The format is QEMU's
 * docs/interop/qcow2.txt (versions 2 and 3); the private header qcow2.h
 * says how the driver is split and how it locks.
 *
 * Refused clearly at open: encryption, external data files, extended L2
 * entries, compression types other than zlib, unknown incompatible
 * features (named from the image's feature table when it has one).
 * A header or table that does not fit the file is refused naming the
 * field and the offset; at run time an entry that points outside the file
 * fails the request with -EIO and marks the image corrupt, so a damaged
 * image is never written again until emu-img check -r all repairs it.
 */
#include "block/qcow2.h"

void *qcow2_alloc_buf(size_t len)
{
    void *p = NULL;
    /* Aligned for cache=none (O_DIRECT). */
    if (posix_memalign(&p, 4096, len ? len : 1)) {
        abort();
    }
    return p;
}

void qcow2_mark_corrupt(BlockDriverState *bs, const char *fmt, ...)
{
    BDRVQcow2State *s = bs->opaque;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (!s->warned_corrupt && !s->repairing) {
        error_report("qcow2: %s: %s%s", bs->filename, msg,
                     s->writable ? "; image marked corrupt, no more writes"
                                 : "");
        s->warned_corrupt = true;
    }
    g_free(msg);
    if (s->repairing || s->corrupt) {
        return;
    }
    s->corrupt = true;
    if (s->writable && s->h.version >= 3) {
        qcow2_update_features(bs, s->h.incompatible_features |
                                      QCOW2_INCOMPAT_CORRUPT);
    }
}

int qcow2_check_host_range(BlockDriverState *bs, uint64_t off, uint64_t len,
                           const char *what)
{
    BDRVQcow2State *s = bs->opaque;
    if (off + len < off || off + len > s->file_end) {
        qcow2_mark_corrupt(bs,
                           "%s at 0x%" PRIx64 " is beyond the end of the file"
                           " (0x%" PRIx64 " bytes)",
                           what, off, s->file_end);
        return -EIO;
    }
    return 0;
}

/* Read any byte range of the file through an aligned bounce buffer of
 * whole sectors (as far as the file goes), so that small and unaligned
 * metadata reads also work with cache=none (O_DIRECT). */
int qcow2_pread_meta(BlockDriverState *bs, uint64_t offset, void *buf,
                     size_t len)
{
    BDRVQcow2State *s = bs->opaque;
    if (!len) {
        return 0;
    }
    if (offset + len < offset || offset + len > s->file_end) {
        return -EIO;
    }
    uint64_t start = offset & ~511ull;
    uint64_t end = (offset + len + 511) & ~511ull; /* zeros past EOF */
    uint8_t *b = qcow2_alloc_buf(end - start);
    int ret = bdrv_pread(bs->file, start, b, end - start);
    if (ret == 0) {
        memcpy(buf, b + (offset - start), len);
    }
    free(b);
    return ret;
}

/* Write len bytes at offset through whole 512-byte sectors (read, patch,
 * write), for header fields and small metadata. */
int qcow2_write_meta(BlockDriverState *bs, uint64_t offset, const void *buf,
                     size_t len)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t start = offset & ~511ull;
    uint64_t end = (offset + len + 511) & ~511ull;
    uint8_t *b = qcow2_alloc_buf(end - start);
    memset(b, 0, end - start);
    int ret = 0;
    if (start < s->file_end) {
        /* Whole sectors: the file driver reads zeros past its end. */
        ret = bdrv_pread(bs->file, start, b, end - start);
    }
    if (ret == 0) {
        memcpy(b + (offset - start), buf, len);
        ret = bdrv_pwrite(bs->file, start, b, end - start);
    }
    free(b);
    if (ret == 0 && end > s->file_end) {
        s->file_end = end;
    }
    return ret;
}

int qcow2_write_header_field(BlockDriverState *bs, uint64_t offset,
                             const void *buf, size_t len)
{
    return qcow2_write_meta(bs, offset, buf, len);
}

int qcow2_update_features(BlockDriverState *bs, uint64_t incompat)
{
    BDRVQcow2State *s = bs->opaque;
    if (s->h.version < 3) {
        return 0;
    }
    uint8_t b[8];
    qcow2_st64(b, incompat);
    int ret = qcow2_write_header_field(bs, 72, b, 8);
    if (ret == 0) {
        s->h.incompatible_features = incompat;
        ret = bdrv_flush(bs->file);
    }
    return ret;
}

/* ---- Open --------------------------------------------------------------- */

static void free_state(BDRVQcow2State *s);

static void parse_header(Qcow2Header *h, const uint8_t *b, size_t len)
{
    memset(h, 0, sizeof(*h));
    h->magic = qcow2_be32(b);
    h->version = qcow2_be32(b + 4);
    h->backing_file_offset = qcow2_be64(b + 8);
    h->backing_file_size = qcow2_be32(b + 16);
    h->cluster_bits = qcow2_be32(b + 20);
    h->size = qcow2_be64(b + 24);
    h->crypt_method = qcow2_be32(b + 32);
    h->l1_size = qcow2_be32(b + 36);
    h->l1_table_offset = qcow2_be64(b + 40);
    h->refcount_table_offset = qcow2_be64(b + 48);
    h->refcount_table_clusters = qcow2_be32(b + 56);
    h->nb_snapshots = qcow2_be32(b + 60);
    h->snapshots_offset = qcow2_be64(b + 64);
    if (h->version >= 3 && len >= QCOW2_V3_HEADER_LEN) {
        h->incompatible_features = qcow2_be64(b + 72);
        h->compatible_features = qcow2_be64(b + 80);
        h->autoclear_features = qcow2_be64(b + 88);
        h->refcount_order = qcow2_be32(b + 96);
        h->header_length = qcow2_be32(b + 100);
        if (h->header_length > 104 && len > 104) {
            h->compression_type = b[104];
        }
    } else {
        h->refcount_order = 4;
        h->header_length = QCOW2_V2_HEADER_LEN;
    }
}

/* "bit N (name)" for each set bit of an incompatible mask, named from the
 * feature table when the image has one. */
static char *feature_names(BDRVQcow2State *s, uint64_t mask)
{
    GString *g = g_string_new(NULL);
    for (int bit = 0; bit < 64; bit++) {
        if (!(mask & (1ull << bit))) {
            continue;
        }
        const char *name = NULL;
        size_t namelen = 0;
        /* The table: 48-byte records of type, bit, 46-byte name. */
        for (size_t off = 0; off + 48 <= s->feature_names_len; off += 48) {
            const uint8_t *r = (const uint8_t *)s->feature_names + off;
            if (r[0] == 0 && r[1] == bit) {
                name = (const char *)r + 2;
                namelen = strnlen(name, 46);
            }
        }
        if (g->len) {
            g_string_append(g, ", ");
        }
        if (name) {
            g_string_append_len(g, name, namelen);
        } else {
            g_string_append_printf(g, "unknown incompatible feature bit %d",
                                   bit);
        }
    }
    return g_string_free(g, false);
}

static int read_extensions(BlockDriverState *bs, const uint8_t *c, size_t clen,
                           Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off = s->h.header_length;
    uint64_t end = clen;
    if (s->h.backing_file_offset && s->h.backing_file_offset < end) {
        end = s->h.backing_file_offset;
    }
    while (off + 8 <= end) {
        uint32_t type = qcow2_be32(c + off);
        uint32_t len = qcow2_be32(c + off + 4);
        off += 8;
        if (type == QCOW2_EXT_END) {
            return 0;
        }
        if (len > end - off) {
            error_setg(errp,
                       "qcow2: header extension 0x%08x at 0x%" PRIx64
                       " is %u bytes long, beyond the header cluster",
                       type, off - 8, len);
            return -EINVAL;
        }
        if (type == QCOW2_EXT_BACKING_FMT) {
            g_free(bs->backing_format);
            bs->backing_format = g_strndup((const char *)c + off, len);
        } else if (type == QCOW2_EXT_FEATURE_NAME) {
            g_free(s->feature_names);
            s->feature_names = g_memdup2(c + off, len);
            s->feature_names_len = len;
        } else {
            s->ext = g_renew(Qcow2Ext, s->ext, s->n_ext + 1);
            s->ext[s->n_ext].type = type;
            s->ext[s->n_ext].len = len;
            s->ext[s->n_ext].data = g_memdup2(c + off, len);
            s->n_ext++;
        }
        off += (len + 7) & ~7ull;
    }
    return 0;
}

/* A table [off, off + len) must be cluster aligned and inside the file. */
static int check_table(BlockDriverState *bs, const char *what, uint64_t off,
                       uint64_t len, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    if (qcow2_offset_in_cluster(s, off)) {
        error_setg(errp,
                   "qcow2: %s offset 0x%" PRIx64 " is not cluster aligned",
                   what, off);
        return -EINVAL;
    }
    if (off + len < off || off + len > s->file_end) {
        error_setg(errp,
                   "qcow2: %s at 0x%" PRIx64 " (0x%" PRIx64
                   " bytes) is beyond the end of the file (0x%" PRIx64
                   " bytes)",
                   what, off, len, s->file_end);
        return -EINVAL;
    }
    if (len && off == 0) {
        error_setg(errp, "qcow2: %s at offset 0 overlaps the header", what);
        return -EINVAL;
    }
    return 0;
}

static int validate_header(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2Header *h = &s->h;
    if (h->magic != QCOW2_MAGIC) {
        error_setg(errp, "qcow2: bad magic 0x%08x (not a qcow2 image)",
                   h->magic);
        return -EINVAL;
    }
    if (h->version != 2 && h->version != 3) {
        error_setg(errp, "qcow2: version %u is not supported (2 and 3 are)",
                   h->version);
        return -ENOTSUP;
    }
    if (h->cluster_bits < QCOW2_MIN_CLUSTER_BITS ||
        h->cluster_bits > QCOW2_MAX_CLUSTER_BITS) {
        error_setg(errp, "qcow2: cluster_bits %u is out of range (9..21)",
                   h->cluster_bits);
        return -EINVAL;
    }
    s->cluster_bits = h->cluster_bits;
    s->cluster_size = 1u << h->cluster_bits;
    if (h->version >= 3) {
        if (h->header_length < QCOW2_V3_HEADER_LEN ||
            h->header_length > s->cluster_size || (h->header_length & 7)) {
            error_setg(errp, "qcow2: header length %u is invalid",
                       h->header_length);
            return -EINVAL;
        }
        if (h->refcount_order > 6) {
            error_setg(errp, "qcow2: refcount_order %u is invalid (0..6)",
                       h->refcount_order);
            return -EINVAL;
        }
    }
    if (h->crypt_method) {
        error_setg(errp,
                   "qcow2: encrypted images are not supported "
                   "(encryption method %u)",
                   h->crypt_method);
        return -ENOTSUP;
    }
    if (h->size > QCOW2_MAX_SIZE) {
        error_setg(errp, "qcow2: disk size 0x%" PRIx64 " is too large",
                   h->size);
        return -EINVAL;
    }
    return 0;
}

static int check_features(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t inc = s->h.incompatible_features;
    if (inc & QCOW2_INCOMPAT_DATA_FILE) {
        error_setg(errp, "qcow2: external data files are not supported");
        return -ENOTSUP;
    }
    if (inc & QCOW2_INCOMPAT_EXTL2) {
        error_setg(errp, "qcow2: extended L2 entries (subclusters) are not "
                         "supported");
        return -ENOTSUP;
    }
    if (inc & QCOW2_INCOMPAT_COMPRESSION) {
        /* zstd images open: only their compressed clusters cannot be
         * read (qcow2-compress.c says so), and new data is stored
         * uncompressed. */
        if (s->h.compression_type > QCOW2_COMPRESSION_ZSTD) {
            error_setg(errp, "qcow2: compression type %u is unknown",
                       s->h.compression_type);
            return -ENOTSUP;
        }
        inc &= ~QCOW2_INCOMPAT_COMPRESSION;
    } else if (s->h.compression_type != 0) {
        error_setg(errp,
                   "qcow2: compression type %u set without its "
                   "feature bit",
                   s->h.compression_type);
        return -EINVAL;
    }
    inc &= ~QCOW2_INCOMPAT_KNOWN;
    if (inc) {
        char *names = feature_names(s, inc);
        error_setg(errp, "qcow2: unsupported incompatible feature(s): %s",
                   names);
        g_free(names);
        return -ENOTSUP;
    }
    return 0;
}

static int read_l1(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2Header *h = &s->h;
    uint64_t need = qcow2_l1_entries_for(s, h->size);
    if ((uint64_t)h->l1_size * 8 > QCOW2_MAX_L1_BYTES) {
        error_setg(errp, "qcow2: L1 table is too large (%u entries)",
                   h->l1_size);
        return -EINVAL;
    }
    if (h->l1_size < need) {
        error_setg(errp,
                   "qcow2: L1 table has %u entries, %" PRIu64
                   " are needed for the disk size",
                   h->l1_size, need);
        return -EINVAL;
    }
    int ret = check_table(bs, "L1 table", h->l1_table_offset,
                          (uint64_t)h->l1_size * 8, errp);
    if (ret < 0) {
        return ret;
    }
    s->l1_size = h->l1_size;
    s->l1_table_offset = h->l1_table_offset;
    s->l1_table = g_new0(uint64_t, s->l1_size ? s->l1_size : 1);
    if (s->l1_size) {
        size_t bytes = (size_t)s->l1_size * 8;
        uint8_t *buf = qcow2_alloc_buf(bytes);
        ret = qcow2_pread_meta(bs, s->l1_table_offset, buf, bytes);
        if (ret < 0) {
            free(buf);
            error_setg(errp, "qcow2: cannot read the L1 table: %s",
                       strerror(-ret));
            return ret;
        }
        for (uint32_t i = 0; i < s->l1_size; i++) {
            s->l1_table[i] = qcow2_be64(buf + 8 * i);
        }
        free(buf);
    }
    return 0;
}

static int read_backing_name(BlockDriverState *bs, const uint8_t *c,
                             size_t clen, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2Header *h = &s->h;
    if (!h->backing_file_offset) {
        return 0;
    }
    if (h->backing_file_size > QCOW2_MAX_BACKING_NAME ||
        h->backing_file_offset > clen ||
        h->backing_file_size > clen - h->backing_file_offset) {
        error_setg(errp,
                   "qcow2: backing file name at 0x%" PRIx64
                   " (%u bytes) is beyond the header cluster",
                   h->backing_file_offset, h->backing_file_size);
        return -EINVAL;
    }
    bs->backing_file = g_strndup((const char *)c + h->backing_file_offset,
                                 h->backing_file_size);
    return 0;
}

static int qcow2_open(BlockDriverState *bs, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *c = NULL;
    int ret;

    pthread_mutex_init(&s->lock, NULL);
    int64_t flen = bdrv_getlength(bs->file);
    if (flen < 0) {
        error_setg(errp, "qcow2: cannot get the file size: %s",
                   strerror((int)-flen));
        return flen;
    }
    s->file_end = flen;
    if (flen < QCOW2_V2_HEADER_LEN) {
        error_setg(errp, "qcow2: header truncated (file is %" PRId64 " bytes)",
                   flen);
        return -EINVAL;
    }
    uint8_t hb[512] = {0};
    ret = qcow2_pread_meta(bs, 0, hb, MIN((uint64_t)flen, sizeof(hb)));
    if (ret < 0) {
        error_setg(errp, "qcow2: cannot read the header: %s", strerror(-ret));
        return ret;
    }
    parse_header(&s->h, hb, MIN((uint64_t)flen, sizeof(hb)));
    ret = validate_header(bs, errp);
    if (ret < 0) {
        return ret;
    }
    if (s->h.version >= 3 && (uint64_t)flen < s->h.header_length) {
        error_setg(errp,
                   "qcow2: header truncated (file is %" PRId64
                   " bytes, header %u)",
                   flen, s->h.header_length);
        return -EINVAL;
    }
    s->l2_bits = s->cluster_bits - 3;
    s->refcount_order = s->h.refcount_order;
    s->rb_bits = s->cluster_bits + 3 - s->refcount_order;
    s->refcount_max = s->refcount_order == 6
                          ? UINT64_MAX
                          : (1ull << (1u << s->refcount_order)) - 1;

    /* The whole header cluster (extensions, backing name). */
    size_t clen = MIN((uint64_t)flen, s->cluster_size);
    c = qcow2_alloc_buf(s->cluster_size);
    memset(c, 0, s->cluster_size);
    ret = qcow2_pread_meta(bs, 0, c, clen);
    if (ret < 0) {
        error_setg(errp, "qcow2: cannot read the header: %s", strerror(-ret));
        goto fail;
    }
    ret = read_extensions(bs, c, clen, errp);
    if (ret == 0) {
        ret = check_features(bs, errp);
    }
    if (ret == 0) {
        ret = read_backing_name(bs, c, clen, errp);
    }
    if (ret < 0) {
        goto fail;
    }
    ret = read_l1(bs, errp);
    if (ret < 0) {
        goto fail;
    }
    uint64_t rt_bytes = (uint64_t)s->h.refcount_table_clusters
                        << s->cluster_bits;
    if (rt_bytes > QCOW2_MAX_REFTABLE_BYTES) {
        error_setg(errp, "qcow2: refcount table is too large (%u clusters)",
                   s->h.refcount_table_clusters);
        ret = -EINVAL;
        goto fail;
    }
    ret = check_table(bs, "refcount table", s->h.refcount_table_offset,
                      rt_bytes, errp);
    if (ret < 0) {
        goto fail;
    }
    ret = qcow2_refcount_init(bs);
    if (ret < 0) {
        error_setg(errp, "qcow2: cannot read the refcount table: %s",
                   strerror(-ret));
        goto fail;
    }
    ret = qcow2_read_snapshots(bs, errp);
    if (ret < 0) {
        goto fail;
    }

    /* Caches of about 8 MiB each at most, at least 4 tables. */
    int n = (int)MAX(4, MIN(256, (8 * MiB) >> s->cluster_bits));
    qcow2_cache_init(&s->l2_cache, n);
    qcow2_cache_init(&s->rb_cache, n);
    s->free_cluster_index = 0;
    s->lazy_refcounts =
        !!(s->h.compatible_features & QCOW2_COMPAT_LAZY_REFCOUNTS);
    s->writable = !bs->read_only;
    s->corrupt = !!(s->h.incompatible_features & QCOW2_INCOMPAT_CORRUPT);

    if (s->writable && (s->h.incompatible_features & QCOW2_INCOMPAT_DIRTY) &&
        !s->corrupt && !bs->opts.check) {
        /* Refcounts may be stale (lazy_refcounts): rebuild them. */
        BdrvCheckResult res;
        memset(&res, 0, sizeof(res));
        s->check_quiet = true;
        ret = qcow2_check_locked(bs, &res, BDRV_FIX_LEAKS | BDRV_FIX_ERRORS);
        s->check_quiet = false;
        if (ret < 0 || res.corruptions || res.check_errors) {
            error_setg(errp, "qcow2: the image was not closed cleanly and "
                             "its refcounts could not be repaired");
            ret = ret < 0 ? ret : -EIO;
            goto fail;
        }
        ret = qcow2_update_features(bs, s->h.incompatible_features &
                                            ~QCOW2_INCOMPAT_DIRTY);
        if (ret < 0) {
            error_setg(errp, "qcow2: cannot clear the dirty bit: %s",
                       strerror(-ret));
            goto fail;
        }
    }
    if (s->writable && s->h.version >= 3 && s->h.autoclear_features) {
        /* Bitmaps and the like that we do not keep up to date: clearing
         * their bits tells QEMU they are stale (qcow2.txt, autoclear). */
        uint8_t z[8] = {0};
        ret = qcow2_write_header_field(bs, 88, z, 8);
        if (ret < 0) {
            error_setg(errp, "qcow2: cannot update the header: %s",
                       strerror(-ret));
            goto fail;
        }
        s->h.autoclear_features = 0;
    }
    free(c);
    c = NULL;

    if (!bs->opts.no_backing_open &&
        !(bs->opts.backing && !bs->opts.backing[0]) &&
        (bs->backing_file || (bs->opts.backing && bs->opts.backing[0]))) {
        ret = bdrv_open_backing(bs, errp);
        if (ret < 0) {
            goto fail;
        }
    }
    return 0;

fail:
    free(c);
    free_state(s);
    return ret < 0 ? ret : -EINVAL;
}

/* Everything open allocated (also after a failed open). */
static void free_state(BDRVQcow2State *s)
{
    qcow2_cache_destroy(&s->l2_cache);
    qcow2_cache_destroy(&s->rb_cache);
    g_free(s->l1_table);
    g_free(s->refcount_table);
    for (int i = 0; i < s->n_ext; i++) {
        g_free(s->ext[i].data);
    }
    g_free(s->ext);
    g_free(s->feature_names);
    qcow2_free_snapshots(s);
    s->l1_table = NULL;
    s->refcount_table = NULL;
    s->ext = NULL;
    s->n_ext = 0;
    s->feature_names = NULL;
    pthread_mutex_destroy(&s->lock);
}

static void qcow2_close(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    if (s->writable && s->l1_table) {
        bdrv_flush(bs->file);
        if (s->dirty_set) {
            /* Everything is on disk: refcounts are right again. */
            qcow2_update_features(bs, s->h.incompatible_features &
                                          ~QCOW2_INCOMPAT_DIRTY);
        }
    }
    free_state(s);
}

/* ---- Reads -------------------------------------------------------------- */

/* Read [off, off + len) of the backing into buf (zeros past its end). */
static int read_backing(BlockDriverState *bs, uint64_t off, uint64_t len,
                        IOVector *qiov, uint64_t qoff)
{
    if (!bs->backing) {
        iov_memset(qiov->iov, qiov->niov, qoff, 0, len);
        return 0;
    }
    if (((BDRVQcow2State *)bs->opaque)->nowait) {
        return -EAGAIN;
    }
    int64_t blen = bdrv_getlength(bs->backing);
    if (blen < 0) {
        return blen;
    }
    uint64_t n = off < (uint64_t)blen ? MIN(len, (uint64_t)blen - off) : 0;
    if (n) {
        IOVector sub;
        iovec_init(&sub, qiov->niov);
        iovec_concat(&sub, qiov, qoff, n);
        int ret = bdrv_preadv(bs->backing, off, n, &sub);
        iovec_destroy(&sub);
        if (ret < 0) {
            return ret;
        }
    }
    if (n < len) {
        iov_memset(qiov->iov, qiov->niov, qoff + n, 0, len - n);
    }
    return 0;
}

static int data_host_offset(BlockDriverState *bs, uint64_t l2e, uint64_t *host)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t h = l2e & QCOW2_L2_OFFSET_MASK;
    if (qcow2_offset_in_cluster(s, h)) {
        qcow2_mark_corrupt(
            bs, "data cluster offset 0x%" PRIx64 " is not cluster aligned", h);
        return -EIO;
    }
    *host = h;
    return qcow2_check_host_range(bs, h, s->cluster_size, "data cluster");
}

static int preadv_locked(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                         IOVector *qiov, uint64_t qoff)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *cbuf = NULL;
    int ret = 0;
    while (bytes) {
        uint64_t in = qcow2_offset_in_cluster(s, offset);
        uint64_t n = MIN(bytes, s->cluster_size - in);
        uint64_t l2e, host;
        ret = qcow2_get_l2_entry(bs, offset, &l2e);
        if (ret < 0) {
            break;
        }
        switch (qcow2_entry_type(s, l2e)) {
        case QCOW2_CLUSTER_UNALLOCATED:
            ret = read_backing(bs, offset, n, qiov, qoff);
            break;
        case QCOW2_CLUSTER_ZERO_PLAIN:
        case QCOW2_CLUSTER_ZERO_ALLOC:
            iov_memset(qiov->iov, qiov->niov, qoff, 0, n);
            break;
        case QCOW2_CLUSTER_COMPRESSED:
            if (s->nowait) {
                ret = -EAGAIN;
                break;
            }
            if (!cbuf) {
                cbuf = qcow2_alloc_buf(s->cluster_size);
            }
            ret = qcow2_read_compressed(bs, l2e, cbuf);
            if (ret == 0) {
                iov_from_buf(qiov->iov, qiov->niov, qoff, cbuf + in, n);
            }
            break;
        case QCOW2_CLUSTER_NORMAL: {
            ret = data_host_offset(bs, l2e, &host);
            if (ret < 0) {
                break;
            }
            /* Extend over following clusters contiguous on the host. */
            while (n < bytes) {
                uint64_t next;
                ret = qcow2_get_l2_entry(bs, offset + n, &next);
                if (ret < 0 ||
                    qcow2_entry_type(s, next) != QCOW2_CLUSTER_NORMAL ||
                    (next & QCOW2_L2_OFFSET_MASK) != host + in + n ||
                    host + in + n + s->cluster_size > s->file_end) {
                    break;
                }
                n += MIN(bytes - n, s->cluster_size);
            }
            IOVector sub;
            iovec_init(&sub, qiov->niov);
            iovec_concat(&sub, qiov, qoff, n);
            ret = s->nowait ? bdrv_rw_nowait(bs->file, BDRV_AIO_READ,
                                             host + in, n, &sub)
                            : bdrv_preadv(bs->file, host + in, n, &sub);
            iovec_destroy(&sub);
            break;
        }
        }
        if (ret < 0) {
            break;
        }
        offset += n;
        qoff += n;
        bytes -= n;
    }
    free(cbuf);
    return ret;
}

static int qcow2_preadv(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                        IOVector *qiov)
{
    BDRVQcow2State *s = bs->opaque;
    pthread_mutex_lock(&s->lock);
    int ret = preadv_locked(bs, offset, bytes, qiov, 0);
    pthread_mutex_unlock(&s->lock);
    return ret;
}

/* Added by diskperf: a read whose tables are in the cache and whose data
 * is in the host's page cache, done in the calling thread; anything that
 * would wait (the lock taken by a worker, a table to read, a backing
 * file, a compressed cluster) is -EAGAIN for the worker path. */
static int qcow2_rw_nowait(BlockDriverState *bs, BdrvAioOp op, uint64_t offset,
                           uint64_t bytes, IOVector *qiov)
{
    BDRVQcow2State *s = bs->opaque;
    if (op != BDRV_AIO_READ || qiov->size != bytes ||
        pthread_mutex_trylock(&s->lock) != 0) {
        return -EAGAIN;
    }
    s->nowait = true;
    int ret = preadv_locked(bs, offset, bytes, qiov, 0);
    s->nowait = false;
    pthread_mutex_unlock(&s->lock);
    return ret < 0 ? -EAGAIN : 0;
}

/* ---- Writes ------------------------------------------------------------- */

static int write_allowed(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    if (!s->writable) {
        return -EROFS;
    }
    if (s->corrupt) {
        if (!s->warned_corrupt) {
            error_report("qcow2: %s: image is marked corrupt, writes are "
                         "refused (emu-img check -r all repairs it)",
                         bs->filename);
            s->warned_corrupt = true;
        }
        return -EIO;
    }
    if (s->lazy_refcounts && !s->dirty_set && s->h.version >= 3) {
        /* qcow2.txt: with lazy refcounts the dirty bit is set before the
         * first write; close clears it. */
        int ret = qcow2_update_features(bs, s->h.incompatible_features |
                                                QCOW2_INCOMPAT_DIRTY);
        if (ret < 0) {
            return ret;
        }
        s->dirty_set = true;
    }
    return 0;
}

int qcow2_write_allowed(BlockDriverState *bs)
{
    return write_allowed(bs);
}

/* Does [host, host + len) overlap the header or a table we know of?  Data
 * must never land there (a corrupt L2 entry could point anywhere). */
static bool overlaps_metadata(BDRVQcow2State *s, uint64_t host, uint64_t len)
{
    if (host < s->cluster_size) {
        return true;
    }
    uint64_t l1_end = s->l1_table_offset + (uint64_t)s->l1_size * 8;
    uint64_t rt_end = s->refcount_table_offset + s->rt_disk_size * 8;
    return (host < l1_end && host + len > s->l1_table_offset) ||
           (host < rt_end && host + len > s->refcount_table_offset);
}

/* Old contents of one guest cluster, for copy-on-write of the part a
 * write does not cover. */
static int read_old_cluster(BlockDriverState *bs, uint64_t guest_cluster,
                            uint64_t l2e, uint64_t in, uint64_t len,
                            uint8_t *buf)
{
    BDRVQcow2State *s = bs->opaque;
    struct iovec one;
    IOVector v;
    iovec_init_buf(&v, &one, buf, len);
    switch (qcow2_entry_type(s, l2e)) {
    case QCOW2_CLUSTER_UNALLOCATED:
        return read_backing(bs, guest_cluster + in, len, &v, 0);
    case QCOW2_CLUSTER_ZERO_PLAIN:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        memset(buf, 0, len);
        return 0;
    case QCOW2_CLUSTER_COMPRESSED: {
        uint8_t *c = qcow2_alloc_buf(s->cluster_size);
        int ret = qcow2_read_compressed(bs, l2e, c);
        if (ret == 0) {
            memcpy(buf, c + in, len);
        }
        free(c);
        return ret;
    }
    case QCOW2_CLUSTER_NORMAL: {
        uint64_t host;
        int ret = data_host_offset(bs, l2e, &host);
        if (ret < 0) {
            return ret;
        }
        return bdrv_pread(bs->file, host + in, buf, len);
    }
    }
    return -EIO;
}

static bool in_place(BDRVQcow2State *s, uint64_t l2e)
{
    return qcow2_entry_type(s, l2e) == QCOW2_CLUSTER_NORMAL &&
           (l2e & QCOW2_OFLAG_COPIED);
}

/* Write to clusters not (solely) ours: new host clusters for the run of
 * such clusters in one L2 table, old contents copied around the written
 * part, then the L2 entries, then the old clusters' references dropped. */
static int write_allocating(BlockDriverState *bs, uint64_t offset,
                            uint64_t bytes, IOVector *qiov, uint64_t qoff,
                            uint64_t *done)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t cs = s->cluster_size;
    uint64_t first_cluster = offset & ~(cs - 1);
    uint64_t l2_mask = qcow2_l2_entries(s) - 1;
    uint64_t l2_first = (offset >> s->cluster_bits) & l2_mask;
    uint64_t end = offset + bytes;
    uint64_t nmax = MIN(qcow2_l2_entries(s) - l2_first,
                        qcow2_size_to_clusters(s, end - first_cluster));
    uint64_t *old = g_new(uint64_t, nmax);
    uint64_t nc = 0;
    int ret = 0;

    /* The run: at most 2 MiB of data per allocation. */
    while (nc < nmax && (nc << s->cluster_bits) < 2 * MiB + cs) {
        uint64_t e;
        ret =
            qcow2_get_l2_entry(bs, first_cluster + (nc << s->cluster_bits), &e);
        if (ret < 0) {
            g_free(old);
            return ret;
        }
        if (nc && in_place(s, e)) {
            break;
        }
        old[nc++] = e;
    }
    uint64_t run_end = MIN(end, first_cluster + (nc << s->cluster_bits));
    uint64_t head = offset - first_cluster;
    uint64_t last_cluster = (run_end - 1) & ~(cs - 1);
    uint64_t tail_start = run_end - last_cluster; /* in the last cluster */
    uint64_t tail = run_end < last_cluster + cs ? cs - tail_start : 0;
    uint8_t *hbuf = NULL, *tbuf = NULL;

    int64_t host = qcow2_alloc_clusters(bs, nc);
    if (host < 0) {
        g_free(old);
        return host;
    }
    if (head) {
        hbuf = qcow2_alloc_buf(head);
        ret = read_old_cluster(bs, first_cluster, old[0], 0, head, hbuf);
    }
    if (ret == 0 && tail) {
        tbuf = qcow2_alloc_buf(tail);
        ret = read_old_cluster(bs, last_cluster, old[nc - 1], tail_start, tail,
                               tbuf);
    }
    if (ret == 0) {
        IOVector v;
        iovec_init(&v, qiov->niov + 2);
        if (head) {
            iovec_add(&v, hbuf, head);
        }
        iovec_concat(&v, qiov, qoff, run_end - offset);
        if (tail) {
            iovec_add(&v, tbuf, tail);
        }
        ret = bdrv_pwritev(bs->file, host, nc * cs, &v);
        iovec_destroy(&v);
    }
    free(hbuf);
    free(tbuf);
    if (ret == 0 && (uint64_t)host + nc * cs > s->file_end) {
        s->file_end = host + nc * cs;
    }
    uint8_t *l2 = NULL;
    uint64_t l2_off = 0;
    if (ret == 0) {
        ret = qcow2_get_l2_table_for_write(bs, offset, &l2, &l2_off);
    }
    if (ret < 0) {
        qcow2_free_clusters(bs, host, nc * cs);
        g_free(old);
        return ret;
    }
    for (uint64_t i = 0; i < nc; i++) {
        qcow2_st64(l2 + 8 * (l2_first + i),
                   ((uint64_t)host + i * cs) | QCOW2_OFLAG_COPIED);
    }
    ret = qcow2_write_l2_entries(bs, l2_off, l2, l2_first, nc);
    if (ret < 0) {
        /* The table on disk may be half written: drop our copy; the new
         * clusters leak rather than risk a double reference. */
        qcow2_cache_drop(&s->l2_cache, l2_off);
        g_free(old);
        return ret;
    }
    for (uint64_t i = 0; i < nc; i++) {
        qcow2_free_l2_entry(bs, old[i]);
    }
    g_free(old);
    *done = run_end - offset;
    return 0;
}

int qcow2_pwritev_locked(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                         IOVector *qiov, uint64_t qoff)
{
    BDRVQcow2State *s = bs->opaque;
    while (bytes) {
        uint64_t in = qcow2_offset_in_cluster(s, offset);
        uint64_t l2e, host, n = 0;
        int ret = qcow2_get_l2_entry(bs, offset, &l2e);
        if (ret < 0) {
            return ret;
        }
        if (in_place(s, l2e)) {
            ret = data_host_offset(bs, l2e, &host);
            if (ret < 0) {
                return ret;
            }
            n = MIN(bytes, s->cluster_size - in);
            while (n < bytes) {
                uint64_t next;
                ret = qcow2_get_l2_entry(bs, offset + n, &next);
                if (ret < 0 || !in_place(s, next) ||
                    (next & QCOW2_L2_OFFSET_MASK) != host + in + n ||
                    host + in + n + s->cluster_size > s->file_end) {
                    break;
                }
                n += MIN(bytes - n, s->cluster_size);
            }
            if (overlaps_metadata(s, host + in, n)) {
                qcow2_mark_corrupt(
                    bs, "data cluster at 0x%" PRIx64 " overlaps metadata",
                    host);
                return -EIO;
            }
            IOVector sub;
            iovec_init(&sub, qiov->niov);
            iovec_concat(&sub, qiov, qoff, n);
            ret = bdrv_pwritev(bs->file, host + in, n, &sub);
            iovec_destroy(&sub);
        } else {
            ret = write_allocating(bs, offset, bytes, qiov, qoff, &n);
        }
        if (ret < 0) {
            return ret;
        }
        offset += n;
        qoff += n;
        bytes -= n;
    }
    return 0;
}

static int qcow2_pwritev(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                         IOVector *qiov)
{
    BDRVQcow2State *s = bs->opaque;
    pthread_mutex_lock(&s->lock);
    int ret = write_allowed(bs);
    if (ret == 0) {
        ret = qcow2_pwritev_locked(bs, offset, bytes, qiov, 0);
    }
    pthread_mutex_unlock(&s->lock);
    return ret;
}

/* Zeros written as data (partial clusters, v2 images over a backing). */
static int write_zero_data(BlockDriverState *bs, uint64_t offset,
                           uint64_t bytes)
{
    uint64_t chunk = MIN(bytes, 1 * MiB);
    uint8_t *z = qcow2_alloc_buf(chunk);
    memset(z, 0, chunk);
    int ret = 0;
    while (bytes && ret == 0) {
        uint64_t n = MIN(bytes, chunk);
        struct iovec one;
        IOVector v;
        iovec_init_buf(&v, &one, z, n);
        ret = qcow2_pwritev_locked(bs, offset, n, &v, 0);
        offset += n;
        bytes -= n;
    }
    free(z);
    return ret;
}

int qcow2_zero_locked(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t cs = s->cluster_size;
    uint64_t end = offset + bytes;
    uint64_t a = (offset + cs - 1) & ~(cs - 1);
    uint64_t b = end & ~(cs - 1);
    int ret = 0;
    if (end == s->h.size) {
        b = (end + cs - 1) & ~(cs - 1); /* the partial last cluster */
    }
    if (a >= b) {
        return write_zero_data(bs, offset, bytes);
    }
    if (offset < a) {
        ret = write_zero_data(bs, offset, a - offset);
    }
    if (ret == 0) {
        uint64_t n = (b - a) >> s->cluster_bits;
        if (s->h.version >= 3) {
            ret = qcow2_free_guest_clusters(bs, a, n, QCOW2_OFLAG_ZERO);
        } else if (!bs->backing) {
            ret = qcow2_free_guest_clusters(bs, a, n, 0);
        } else {
            ret = write_zero_data(bs, a, MIN(b, end) - a);
        }
    }
    if (ret == 0 && b < end) {
        ret = write_zero_data(bs, b, end - b);
    }
    return ret;
}

static int qcow2_pwrite_zeroes(BlockDriverState *bs, uint64_t offset,
                               uint64_t bytes)
{
    BDRVQcow2State *s = bs->opaque;
    pthread_mutex_lock(&s->lock);
    int ret = write_allowed(bs);
    if (ret == 0) {
        ret = qcow2_zero_locked(bs, offset, bytes);
    }
    pthread_mutex_unlock(&s->lock);
    return ret;
}

/* Whole clusters only; afterwards they read as zeros, except on a v2
 * image over a backing file (no zero flag) where discard does nothing. */
static int qcow2_pdiscard(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t cs = s->cluster_size;
    pthread_mutex_lock(&s->lock);
    int ret = write_allowed(bs);
    uint64_t end = offset + bytes;
    uint64_t a = (offset + cs - 1) & ~(cs - 1);
    uint64_t b =
        end == s->h.size ? (end + cs - 1) & ~(cs - 1) : end & ~(cs - 1);
    if (ret == 0 && a < b && (s->h.version >= 3 || !bs->backing)) {
        ret = qcow2_free_guest_clusters(bs, a, (b - a) >> s->cluster_bits,
                                        bs->backing ? QCOW2_OFLAG_ZERO : 0);
    }
    pthread_mutex_unlock(&s->lock);
    return ret;
}

static int qcow2_flush(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    pthread_mutex_lock(&s->lock);
    /* Metadata is written through: only the file needs syncing. */
    int ret = bdrv_flush(bs->file);
    pthread_mutex_unlock(&s->lock);
    return ret;
}

static int64_t qcow2_getlength(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    return s->h.size;
}

static int64_t qcow2_get_allocated_size(BlockDriverState *bs)
{
    if (bs->file && bs->file->drv->get_allocated_size) {
        return bs->file->drv->get_allocated_size(bs->file);
    }
    return -ENOTSUP;
}

static int status_of(BDRVQcow2State *s, BlockDriverState *bs, uint64_t l2e)
{
    switch (qcow2_entry_type(s, l2e)) {
    case QCOW2_CLUSTER_UNALLOCATED:
        return bs->backing ? 0 : BDRV_BLOCK_ZERO;
    case QCOW2_CLUSTER_ZERO_PLAIN:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        return BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED;
    default:
        return BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED;
    }
}

static int qcow2_block_status(BlockDriverState *bs, uint64_t offset,
                              uint64_t bytes, uint64_t *pnum)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t l2e;
    pthread_mutex_lock(&s->lock);
    int ret = qcow2_get_l2_entry(bs, offset, &l2e);
    if (ret < 0) {
        pthread_mutex_unlock(&s->lock);
        return ret;
    }
    int st = status_of(s, bs, l2e);
    uint64_t n =
        MIN(bytes, s->cluster_size - qcow2_offset_in_cluster(s, offset));
    while (n < bytes) {
        if (qcow2_get_l2_entry(bs, offset + n, &l2e) < 0 ||
            status_of(s, bs, l2e) != st) {
            break;
        }
        n += MIN(bytes - n, s->cluster_size);
    }
    pthread_mutex_unlock(&s->lock);
    *pnum = n;
    return st;
}

static int qcow2_check(BlockDriverState *bs, BdrvCheckResult *res,
                       BdrvCheckMode fix)
{
    BDRVQcow2State *s = bs->opaque;
    pthread_mutex_lock(&s->lock);
    int ret = qcow2_check_locked(bs, res, fix);
    pthread_mutex_unlock(&s->lock);
    return ret;
}

static int qcow2_get_info(BlockDriverState *bs, BlockDriverInfo *bdi)
{
    BDRVQcow2State *s = bs->opaque;
    memset(bdi, 0, sizeof(*bdi));
    bdi->cluster_size = s->cluster_size;
    bdi->is_dirty = !!(s->h.incompatible_features & QCOW2_INCOMPAT_DIRTY);
    bdi->compat = s->h.version >= 3 ? "1.1" : "0.10";
    bdi->lazy_refcounts = s->lazy_refcounts;
    bdi->corrupt = !!(s->h.incompatible_features & QCOW2_INCOMPAT_CORRUPT);
    bdi->refcount_bits = 1 << s->refcount_order;
    bdi->extended_l2 = false;
    bdi->compression_type =
        s->h.compression_type == QCOW2_COMPRESSION_ZSTD ? "zstd" : "zlib";
    return 0;
}

static int qcow2_probe(const uint8_t *buf, int buf_size)
{
    /* Any version: open then says which versions it supports, rather
     * than a qcow (v1) image being taken for raw. */
    if (buf_size >= 4 && qcow2_be32(buf) == QCOW2_MAGIC) {
        return 100;
    }
    return 0;
}

static int qcow2_pwritev_compressed(BlockDriverState *bs, uint64_t offset,
                                    uint64_t bytes, IOVector *qiov)
{
    BDRVQcow2State *s = bs->opaque;
    pthread_mutex_lock(&s->lock);
    int ret = write_allowed(bs);
    if (ret == 0) {
        ret = qcow2_co_pwritev_compressed(bs, offset, bytes, qiov);
    }
    if (ret == -ENOTSUP) {
        /* Did not shrink: stored as a normal cluster. */
        ret = qcow2_pwritev_locked(bs, offset, bytes, qiov, 0);
    }
    pthread_mutex_unlock(&s->lock);
    return ret;
}

static int qcow2_truncate_op(BlockDriverState *bs, uint64_t size, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    pthread_mutex_lock(&s->lock);
    int ret = write_allowed(bs);
    if (ret < 0) {
        error_setg(errp, "qcow2: %s: cannot resize: %s", bs->filename,
                   strerror(-ret));
    } else {
        ret = qcow2_truncate(bs, size, errp);
    }
    pthread_mutex_unlock(&s->lock);
    return ret;
}

static int qcow2_change_backing_op(BlockDriverState *bs, const char *file,
                                   const char *fmt)
{
    BDRVQcow2State *s = bs->opaque;
    pthread_mutex_lock(&s->lock);
    int ret = write_allowed(bs);
    if (ret == 0) {
        ret = qcow2_change_backing_file(bs, file, fmt);
    }
    pthread_mutex_unlock(&s->lock);
    return ret;
}

static int qcow2_make_empty_op(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    pthread_mutex_lock(&s->lock);
    int ret = write_allowed(bs);
    if (ret == 0) {
        ret = qcow2_make_empty(bs);
    }
    pthread_mutex_unlock(&s->lock);
    return ret;
}

static int qcow2_snapshot_list_op(BlockDriverState *bs,
                                  BlockSnapshotInfo **list)
{
    BDRVQcow2State *s = bs->opaque;
    pthread_mutex_lock(&s->lock);
    int ret = qcow2_snapshot_list(bs, list);
    pthread_mutex_unlock(&s->lock);
    return ret;
}

static const BlockDriver bdrv_qcow2 = {
    .format_name = "qcow2",
    .instance_size = sizeof(BDRVQcow2State),
    .probe = qcow2_probe,
    .open = qcow2_open,
    .close = qcow2_close,
    .preadv = qcow2_preadv,
    .rw_nowait = qcow2_rw_nowait,
    .pwritev = qcow2_pwritev,
    .pwritev_compressed = qcow2_pwritev_compressed,
    .pwrite_zeroes = qcow2_pwrite_zeroes,
    .pdiscard = qcow2_pdiscard,
    .flush = qcow2_flush,
    .getlength = qcow2_getlength,
    .get_allocated_size = qcow2_get_allocated_size,
    .truncate = qcow2_truncate_op,
    .block_status = qcow2_block_status,
    .create = qcow2_create,
    .check = qcow2_check,
    .get_info = qcow2_get_info,
    .snapshot_list = qcow2_snapshot_list_op,
    .snapshot_create = qcow2_snapshot_create,
    .snapshot_goto = qcow2_snapshot_goto,
    .snapshot_delete = qcow2_snapshot_delete,
    .snapshot_load_vmstate = qcow2_snapshot_load_vmstate,
    .change_backing_file = qcow2_change_backing_op,
    .make_empty = qcow2_make_empty_op,
};
BLOCK_DRIVER_REGISTER(bdrv_qcow2)
