/*
 * qcow2: compressed clusters (qcow2.txt, "Compressed Clusters
 * Descriptor").  The data is a raw deflate stream (no zlib header), as
 * QEMU writes it; a descriptor gives the host byte offset and how many
 * 512-byte sectors to read, which may run past the end of the stream and,
 * for the last cluster of the file, past the end of the file.
 *
 * Runs with s->lock held.
 */
#include <zlib.h>
#include "block/qcow2.h"

/* Inflate src into exactly out_len bytes of out. */
static int inflate_cluster(const uint8_t *src, size_t src_len, uint8_t *out,
                           size_t out_len)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, -15) != Z_OK) {
        return -ENOMEM;
    }
    z.next_in = (Bytef *)src;
    z.avail_in = src_len;
    z.next_out = out;
    z.avail_out = out_len;
    int zr = inflate(&z, Z_FINISH);
    bool ok = (zr == Z_STREAM_END || zr == Z_BUF_ERROR || zr == Z_OK) &&
              z.avail_out == 0;
    inflateEnd(&z);
    return ok ? 0 : -EIO;
}

int qcow2_read_compressed(BlockDriverState *bs, uint64_t l2e, uint8_t *out)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off, len;
    qcow2_compressed_range(s, l2e, &off, &len);
    if (s->h.compression_type == QCOW2_COMPRESSION_ZSTD) {
        error_report("qcow2: %s: zstd-compressed cluster at 0x%" PRIx64
                     " cannot be read (emu reads zlib only)",
                     bs->filename, off);
        return -ENOTSUP;
    }
    if (off >= s->file_end) {
        qcow2_mark_corrupt(bs,
                           "compressed cluster at 0x%" PRIx64
                           " is beyond the end of the file",
                           off);
        return -EIO;
    }
    len = MIN(len, s->file_end - off);
    uint8_t *buf = g_malloc(len);
    int ret = qcow2_pread_meta(bs, off, buf, len);
    if (ret == 0) {
        ret = inflate_cluster(buf, len, out, s->cluster_size);
        if (ret < 0) {
            error_report("qcow2: %s: compressed cluster at 0x%" PRIx64
                         " does not decompress",
                         bs->filename, off);
        }
    }
    g_free(buf);
    return ret;
}

/* Store one cluster compressed; -ENOTSUP if it does not get smaller (the
 * caller then writes it normally). */
int qcow2_co_pwritev_compressed(BlockDriverState *bs, uint64_t offset,
                                uint64_t bytes, IOVector *qiov)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t cs = s->cluster_size;
    if (s->h.compression_type != QCOW2_COMPRESSION_ZLIB) {
        return -ENOTSUP; /* stored uncompressed by the caller */
    }
    if (qcow2_offset_in_cluster(s, offset) || bytes > cs ||
        (bytes < cs && offset + bytes != s->h.size)) {
        return -EINVAL; /* whole clusters only (the last may be short) */
    }
    uint8_t *in = g_malloc0(cs);
    iov_to_buf(qiov->iov, qiov->niov, 0, in, bytes);
    uint8_t *out = g_malloc(cs);
    z_stream z;
    memset(&z, 0, sizeof(z));
    int ret = -ENOTSUP;
    /* Window bits -12: a raw stream, the window QEMU uses. */
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        g_free(in);
        g_free(out);
        return -ENOMEM;
    }
    z.next_in = in;
    z.avail_in = cs;
    z.next_out = out;
    z.avail_out = cs - 1;
    int zr = deflate(&z, Z_FINISH);
    uint64_t clen = cs - 1 - z.avail_out;
    deflateEnd(&z);
    if (zr == Z_STREAM_END && clen < cs - 512) {
        int64_t host = qcow2_alloc_bytes(bs, clen);
        if (host < 0) {
            ret = host;
        } else {
            ret = qcow2_write_meta(bs, host, out, clen);
            uint8_t *l2 = NULL;
            uint64_t l2_off = 0, old = 0;
            if (ret == 0) {
                ret = qcow2_get_l2_entry(bs, offset, &old);
            }
            if (ret == 0) {
                ret = qcow2_get_l2_table_for_write(bs, offset, &l2, &l2_off);
            }
            if (ret < 0) {
                qcow2_free_clusters(bs, host, clen);
            } else {
                int x = 62 - (s->cluster_bits - 8);
                uint64_t nsec = ((host + clen - 1) >> 9) - (host >> 9);
                uint64_t i =
                    (offset >> s->cluster_bits) & (qcow2_l2_entries(s) - 1);
                qcow2_st64(l2 + 8 * i, QCOW2_OFLAG_COMPRESSED | (nsec << x) |
                                           (uint64_t)host);
                ret = qcow2_write_l2_entries(bs, l2_off, l2, i, 1);
                if (ret == 0) {
                    qcow2_free_l2_entry(bs, old);
                } else {
                    qcow2_cache_drop(&s->l2_cache, l2_off);
                }
            }
        }
    }
    g_free(in);
    g_free(out);
    return ret;
}
