/*
 * The pcap writer of -object filter-dump and -net dump: libpcap's classic
 * file format (tcpdump, Wireshark and tshark read it), link type Ethernet.
 *
 *   file header  magic 0xa1b2c3d4, version 2.4, thiszone 0, sigfigs 0,
 *                snaplen, network 1 (LINKTYPE_ETHERNET)
 *   per frame    seconds, microseconds, bytes saved (<= snaplen),
 *                bytes on the wire, then the saved bytes
 *
 * Every field is in the host's byte order: readers learn it from the way
 * the magic number reads back.  Each frame goes out with one writev(), not
 * through stdio, so the file is complete whenever emu stops, however it
 * stops (a crash, a kill, a reader running "tcpdump -r" meanwhile).
 * Timestamps are the host's wall clock, as a capture on a real link.
 */
#include "net/net-int.h"
#include "emu/iov.h"

#include <fcntl.h>
#include <glib.h>
#include <sys/time.h>
#include <unistd.h>

#define PCAP_MAGIC         0xa1b2c3d4u
#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4
#define LINKTYPE_ETHERNET  1

typedef struct PcapFileHeader {
    uint32_t magic;
    uint16_t version_major;
    uint16_t version_minor;
    int32_t thiszone;
    uint32_t sigfigs;
    uint32_t snaplen;
    uint32_t network;
} PcapFileHeader;

typedef struct PcapRecordHeader {
    uint32_t ts_sec;
    uint32_t ts_usec;
    uint32_t incl_len;
    uint32_t orig_len;
} PcapRecordHeader;

struct PcapWriter {
    int fd;
    uint32_t snaplen;
    char *path;
};

/* All of iov out, or -1 with errno (a disk that fills, a removed mount). */
static int write_all(int fd, struct iovec *iov, int iovcnt)
{
    while (iovcnt > 0) {
        ssize_t n = writev(fd, iov, iovcnt);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        while (iovcnt > 0 && (size_t)n >= iov->iov_len) {
            n -= iov->iov_len;
            iov++;
            iovcnt--;
        }
        if (iovcnt > 0) {
            iov->iov_base = (uint8_t *)iov->iov_base + n;
            iov->iov_len -= n;
        }
    }
    return 0;
}

PcapWriter *pcap_open(const char *path, uint32_t snaplen, Error **errp)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error_setg(errp, "could not open '%s': %s", path, strerror(errno));
        return NULL;
    }
    PcapFileHeader h = {
        .magic = PCAP_MAGIC,
        .version_major = PCAP_VERSION_MAJOR,
        .version_minor = PCAP_VERSION_MINOR,
        .snaplen = snaplen,
        .network = LINKTYPE_ETHERNET,
    };
    struct iovec iov = {&h, sizeof(h)};
    if (write_all(fd, &iov, 1) < 0) {
        error_setg(errp, "could not write '%s': %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    PcapWriter *w = g_new0(PcapWriter, 1);
    w->fd = fd;
    w->snaplen = snaplen;
    w->path = g_strdup(path);
    return w;
}

void pcap_write(PcapWriter *w, const struct iovec *iov, int iovcnt, size_t len)
{
    if (!w || w->fd < 0) {
        return;
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    size_t caplen = MIN(len, (size_t)w->snaplen);
    PcapRecordHeader r = {
        .ts_sec = (uint32_t)tv.tv_sec,
        .ts_usec = (uint32_t)tv.tv_usec,
        .incl_len = (uint32_t)caplen,
        .orig_len = (uint32_t)len,
    };
    /* The record header, then the frame's pieces cut at caplen; a frame
     * in more pieces than out[] holds is gathered into one buffer. */
    struct iovec out[1 + 16];
    uint8_t *flat = NULL;
    int n = 0;
    out[n++] = (struct iovec){&r, sizeof(r)};
    if (iovcnt > 16) {
        flat = g_malloc(caplen);
        iov_to_buf(iov, iovcnt, 0, flat, caplen);
        out[n++] = (struct iovec){flat, caplen};
    } else {
        size_t left = caplen;
        for (int i = 0; i < iovcnt && left > 0; i++) {
            size_t take = MIN(left, iov[i].iov_len);
            out[n++] = (struct iovec){iov[i].iov_base, take};
            left -= take;
        }
    }
    int rc = write_all(w->fd, out, n);
    int err = errno;
    g_free(flat);
    if (rc == 0) {
        return;
    }
    /* Stop rather than write a torn file on: one message, once. */
    error_report("pcap: writing '%s' failed (%s): no more frames are dumped",
                 w->path, strerror(err));
    close(w->fd);
    w->fd = -1;
}

void pcap_close(PcapWriter *w)
{
    if (!w) {
        return;
    }
    if (w->fd >= 0) {
        close(w->fd);
    }
    g_free(w->path);
    g_free(w);
}
