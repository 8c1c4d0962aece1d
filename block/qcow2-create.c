/*
 * qcow2: what changes the image's shape: create, resize (grow only),
 * change_backing_file (rewrites the header cluster) and make_empty.
 *
 * create writes the smallest valid image (header, a one-cluster refcount
 * table, one refcount block, an empty L1 table) and then opens it and
 * grows it to the requested size with the driver's own resize, so the
 * layout of the L1 table and any further refcount blocks comes from the
 * same allocation code every write uses.
 */
#include <fcntl.h>
#include <unistd.h>
#include "block/qcow2.h"

/* Our feature name table (type 0 incompatible, 1 compatible, 2 autoclear),
 * so that tools can name a feature bit they do not know. */
static const struct {
    uint8_t type, bit;
    const char *name;
} feature_table[] = {
    {0, 0, "dirty bit"},
    {0, 1, "corrupt bit"},
    {0, 2, "external data file"},
    {0, 3, "compression type"},
    {0, 4, "extended L2 entries"},
    {1, 0, "lazy refcounts"},
    {2, 0, "bitmaps"},
    {2, 1, "raw external data"},
};

static size_t put_ext(uint8_t *buf, size_t off, size_t max, uint32_t type,
                      const void *data, uint32_t len)
{
    size_t padded = (len + 7) & ~7u;
    if (off + 8 + padded > max) {
        return 0;
    }
    qcow2_st32(buf + off, type);
    qcow2_st32(buf + off + 4, len);
    memcpy(buf + off + 8, data, len);
    memset(buf + off + 8 + len, 0, padded - len);
    return off + 8 + padded;
}

/* The header cluster for h (backing fields are filled in here), into buf
 * of cluster_size bytes: fixed part, extensions, end marker, backing
 * name.  Returns its length or -ENOSPC if it does not fit. */
static int build_header(Qcow2Header *h, uint32_t cluster_size,
                        const char *backing, const char *fmt,
                        const Qcow2Ext *ext, int n_ext, uint8_t *buf)
{
    memset(buf, 0, cluster_size);
    size_t off = h->version >= 3 ? h->header_length : QCOW2_V2_HEADER_LEN;
    if (fmt && *fmt) {
        off = put_ext(buf, off, cluster_size, QCOW2_EXT_BACKING_FMT, fmt,
                      strlen(fmt));
        if (!off) {
            return -ENOSPC;
        }
    }
    if (h->version >= 3) {
        uint8_t t[ARRAY_SIZE(feature_table) * 48];
        memset(t, 0, sizeof(t));
        for (size_t i = 0; i < ARRAY_SIZE(feature_table); i++) {
            t[48 * i] = feature_table[i].type;
            t[48 * i + 1] = feature_table[i].bit;
            memcpy(t + 48 * i + 2, feature_table[i].name,
                   strlen(feature_table[i].name));
        }
        off = put_ext(buf, off, cluster_size, QCOW2_EXT_FEATURE_NAME, t,
                      sizeof(t));
        if (!off) {
            return -ENOSPC;
        }
    }
    for (int i = 0; i < n_ext; i++) {
        off = put_ext(buf, off, cluster_size, ext[i].type, ext[i].data,
                      ext[i].len);
        if (!off) {
            return -ENOSPC;
        }
    }
    if (off + 8 > cluster_size) {
        return -ENOSPC;
    }
    off += 8; /* end of extensions: type 0, length 0 */
    h->backing_file_offset = 0;
    h->backing_file_size = 0;
    if (backing && *backing) {
        size_t len = strlen(backing);
        if (len > QCOW2_MAX_BACKING_NAME || off + len > cluster_size) {
            return -ENOSPC;
        }
        memcpy(buf + off, backing, len);
        h->backing_file_offset = off;
        h->backing_file_size = len;
        off += len;
    }
    qcow2_st32(buf, QCOW2_MAGIC);
    qcow2_st32(buf + 4, h->version);
    qcow2_st64(buf + 8, h->backing_file_offset);
    qcow2_st32(buf + 16, h->backing_file_size);
    qcow2_st32(buf + 20, h->cluster_bits);
    qcow2_st64(buf + 24, h->size);
    qcow2_st32(buf + 32, h->crypt_method);
    qcow2_st32(buf + 36, h->l1_size);
    qcow2_st64(buf + 40, h->l1_table_offset);
    qcow2_st64(buf + 48, h->refcount_table_offset);
    qcow2_st32(buf + 56, h->refcount_table_clusters);
    qcow2_st32(buf + 60, h->nb_snapshots);
    qcow2_st64(buf + 64, h->snapshots_offset);
    if (h->version >= 3) {
        qcow2_st64(buf + 72, h->incompatible_features);
        qcow2_st64(buf + 80, h->compatible_features);
        qcow2_st64(buf + 88, h->autoclear_features);
        qcow2_st32(buf + 96, h->refcount_order);
        qcow2_st32(buf + 100, h->header_length);
        if (h->header_length > 104) {
            buf[104] = h->compression_type;
        }
    }
    return (int)off;
}

static int parse_create_options(const BlockCreateOptions *o, Qcow2Header *h,
                                Error **errp)
{
    uint32_t cs = o->cluster_size ? o->cluster_size : 64 * KiB;
    if (cs < 512 || cs > 2 * MiB || (cs & (cs - 1))) {
        error_setg(errp,
                   "qcow2: cluster size %u is invalid (a power of two "
                   "from 512 to 2M)",
                   cs);
        return -EINVAL;
    }
    memset(h, 0, sizeof(*h));
    h->magic = QCOW2_MAGIC;
    h->cluster_bits = __builtin_ctz(cs);
    if (!o->compat || !strcmp(o->compat, "1.1") || !strcmp(o->compat, "v3")) {
        h->version = 3;
    } else if (!strcmp(o->compat, "0.10") || !strcmp(o->compat, "v2")) {
        h->version = 2;
    } else {
        error_setg(errp, "qcow2: compat '%s' is invalid (0.10, v2, 1.1, v3)",
                   o->compat);
        return -EINVAL;
    }
    int bits = o->refcount_bits ? o->refcount_bits : 16;
    if (bits > 64 || (bits & (bits - 1))) {
        error_setg(errp,
                   "qcow2: refcount_bits %d is invalid (a power of two "
                   "up to 64)",
                   bits);
        return -EINVAL;
    }
    h->refcount_order = __builtin_ctz(bits);
    if (h->version < 3 && bits != 16) {
        error_setg(errp, "qcow2: refcount_bits other than 16 need "
                         "compat=1.1");
        return -EINVAL;
    }
    if (o->lazy_refcounts) {
        if (h->version < 3) {
            error_setg(errp, "qcow2: lazy_refcounts need compat=1.1");
            return -EINVAL;
        }
        h->compatible_features |= QCOW2_COMPAT_LAZY_REFCOUNTS;
    }
    if (o->preallocation && strcmp(o->preallocation, "off")) {
        error_setg(errp, "qcow2: preallocation=%s is not supported (only off)",
                   o->preallocation);
        return -ENOTSUP;
    }
    if (o->backing_format && *o->backing_format &&
        !(o->backing_file && *o->backing_file)) {
        error_setg(errp, "qcow2: a backing format needs a backing file");
        return -EINVAL;
    }
    if (o->size > QCOW2_MAX_SIZE) {
        error_setg(errp, "qcow2: size %" PRIu64 " is too large", o->size);
        return -EFBIG;
    }
    h->header_length = h->version >= 3 ? 112 : QCOW2_V2_HEADER_LEN;
    return 0;
}

/* No size given with a backing file: the backing file's (qemu-img create
 * -b base overlay, without a size).  A relative name is relative to the
 * new image, as bdrv_open_backing() resolves it. */
static int backing_size(const char *filename, const BlockCreateOptions *o,
                        uint64_t *size, Error **errp)
{
    char *path;
    if (o->backing_file[0] == '/') {
        path = g_strdup(o->backing_file);
    } else {
        char *dir = g_path_get_dirname(filename);
        path = g_build_filename(dir, o->backing_file, NULL);
        g_free(dir);
    }
    BlockOpenOptions bo = {
        .filename = path,
        .format =
            o->backing_format && *o->backing_format ? o->backing_format : NULL,
        .read_only = true,
        .no_backing_open = true,
        .no_lock = true,
    };
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(&bo, &err);
    g_free(path);
    if (!bs) {
        error_setg(errp,
                   "qcow2: no size given and the backing file cannot "
                   "be opened: %s",
                   error_get_pretty(err));
        error_free(err);
        return -ENOENT;
    }
    int64_t len = bdrv_getlength(bs);
    bdrv_unref(bs);
    if (len < 0) {
        error_setg(errp, "qcow2: cannot get the backing file's size");
        return (int)len;
    }
    *size = len;
    return 0;
}

int qcow2_create(const char *filename, const BlockCreateOptions *o,
                 Error **errp)
{
    Qcow2Header h;
    int ret = parse_create_options(o, &h, errp);
    if (ret < 0) {
        return ret;
    }
    uint64_t size = o->size;
    if (!size && o->backing_file && *o->backing_file) {
        ret = backing_size(filename, o, &size, errp);
        if (ret < 0) {
            return ret;
        }
    }
    /* Whole sectors, as qemu-img rounds: requests stay 512-aligned. */
    size = (size + 511) & ~511ull;
    uint32_t cs = 1u << h.cluster_bits;
    /* Cluster 0 header, 1 refcount table, 2 its first block. */
    h.refcount_table_offset = cs;
    h.refcount_table_clusters = 1;
    uint8_t *img = g_malloc0(3 * (size_t)cs);
    ret =
        build_header(&h, cs, o->backing_file, o->backing_format, NULL, 0, img);
    if (ret < 0) {
        g_free(img);
        error_setg(errp, "qcow2: backing file name too long for the header");
        return ret;
    }
    qcow2_st64(img + cs, 2 * (uint64_t)cs);
    BDRVQcow2State tmp = {.refcount_order = h.refcount_order};
    for (int i = 0; i < 3; i++) {
        qcow2_refcount_set_entry(&tmp, img + 2 * cs, i, 1);
    }
    int fd = open(filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        ret = -errno;
        g_free(img);
        error_setg(errp, "could not create '%s': %s", filename, strerror(-ret));
        return ret;
    }
    ssize_t w = pwrite(fd, img, 3 * (size_t)cs, 0);
    ret = w == (ssize_t)(3 * cs) ? 0 : (w < 0 ? -errno : -EIO);
    if (ret == 0 && fsync(fd) < 0) {
        ret = -errno;
    }
    close(fd);
    g_free(img);
    if (ret < 0) {
        error_setg(errp, "could not write '%s': %s", filename, strerror(-ret));
        return ret;
    }
    if (!size) {
        return 0;
    }
    BlockOpenOptions oo = {
        .filename = filename,
        .format = "qcow2",
        .no_backing_open = true,
        .backing = "",
    };
    BlockDriverState *bs = bdrv_open(&oo, errp);
    if (!bs) {
        return -EIO;
    }
    ret = bdrv_truncate(bs, size, errp);
    if (ret == 0) {
        ret = bdrv_flush(bs);
    }
    bdrv_unref(bs);
    return ret;
}

/* ---- Resize -------------------------------------------------------------- */

int qcow2_truncate(BlockDriverState *bs, uint64_t size, Error **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t old = s->h.size;
    if (size < old) {
        error_setg(errp,
                   "qcow2: %s: shrinking is not supported "
                   "(%" PRIu64 " -> %" PRIu64 " bytes)",
                   bs->filename, old, size);
        return -ENOTSUP;
    }
    if (size == old) {
        return 0;
    }
    if (s->nb_snapshots && s->h.version < 3) {
        /* QEMU's rule: a v2 snapshot need not record its disk size. */
        error_setg(errp, "Can't resize a v2 image which has snapshots");
        return -ENOTSUP;
    }
    if (size > QCOW2_MAX_SIZE) {
        error_setg(errp, "qcow2: size %" PRIu64 " is too large", size);
        return -EFBIG;
    }
    int ret = qcow2_grow_l1(bs, qcow2_l1_entries_for(s, size));
    if (ret < 0) {
        error_setg(errp, "qcow2: %s: cannot grow the L1 table: %s",
                   bs->filename, strerror(-ret));
        return ret;
    }
    uint8_t b[8];
    qcow2_st64(b, size);
    ret = qcow2_write_header_field(bs, 24, b, 8);
    if (ret < 0) {
        error_setg(errp, "qcow2: %s: cannot write the header: %s", bs->filename,
                   strerror(-ret));
        return ret;
    }
    s->h.size = size;
    /* What lies past the old end (the rest of its last cluster, or a
     * longer backing file) must read as zeros now that it is disk. */
    uint64_t zero_end = old;
    if (qcow2_offset_in_cluster(s, old)) {
        zero_end = MIN(size, (old | (s->cluster_size - 1)) + 1);
    }
    if (bs->backing) {
        int64_t blen = bdrv_getlength(bs->backing);
        if (blen > 0 && (uint64_t)blen > old) {
            zero_end = MAX(zero_end, MIN(size, (uint64_t)blen));
        }
    }
    if (zero_end > old) {
        ret = qcow2_zero_locked(bs, old, zero_end - old);
    }
    if (ret == 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret < 0) {
        error_setg(errp, "qcow2: %s: cannot resize: %s", bs->filename,
                   strerror(-ret));
    }
    return ret;
}

/* ---- Header rewrite -------------------------------------------------------
 */

int qcow2_change_backing_file(BlockDriverState *bs, const char *file,
                              const char *fmt)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2Header h = s->h;
    uint8_t *buf = qcow2_alloc_buf(s->cluster_size);
    int len =
        build_header(&h, s->cluster_size, file, fmt, s->ext, s->n_ext, buf);
    if (len < 0) {
        free(buf);
        return len;
    }
    uint64_t wlen = MIN(((uint64_t)len + 511) & ~511ull, s->cluster_size);
    int ret = bdrv_pwrite(bs->file, 0, buf, wlen);
    free(buf);
    if (ret == 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret < 0) {
        return ret;
    }
    s->h = h;
    g_free(bs->backing_file);
    g_free(bs->backing_format);
    bs->backing_file = file && *file ? g_strdup(file) : NULL;
    bs->backing_format = fmt && *fmt ? g_strdup(fmt) : NULL;
    return 0;
}

/* Every L2 table of the active L1 dropped: the layer reads as its backing
 * (or zeros).  A refcount counts the L1 views (active, snapshots) that
 * reach a cluster, so the data clusters lose one reference each even when
 * a snapshot shares the table. */
int qcow2_make_empty(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *copy = qcow2_alloc_buf(s->cluster_size);
    int ret = 0;
    for (uint32_t i = 0; i < s->l1_size && ret == 0; i++) {
        uint64_t l1e = s->l1_table[i];
        uint64_t l2_off = l1e & QCOW2_L1_OFFSET_MASK;
        if (!l2_off) {
            continue;
        }
        uint8_t *l2;
        ret = qcow2_cache_get(bs, &s->l2_cache, l2_off, &l2);
        if (ret < 0) {
            break;
        }
        memcpy(copy, l2, s->cluster_size);
        s->l1_table[i] = 0;
        ret = qcow2_write_l1_entry(bs, i);
        if (ret < 0) {
            s->l1_table[i] = l1e;
            break;
        }
        qcow2_cache_drop(&s->l2_cache, l2_off);
        for (uint64_t k = 0; k < qcow2_l2_entries(s); k++) {
            qcow2_free_l2_entry(bs, qcow2_be64(copy + 8 * k));
        }
        qcow2_free_clusters(bs, l2_off, s->cluster_size);
    }
    free(copy);
    if (ret == 0) {
        ret = bdrv_flush(bs->file);
    }
    return ret;
}
