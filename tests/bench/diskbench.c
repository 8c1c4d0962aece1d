/*
 * diskbench.c - the timing half of `make bench-disk` (tests/bench/disk.sh),
 * run inside the Linux guest.  Built as a static 32-bit program (gcc -m32
 * -static -O2) by tests/bench/build-disk-bench.sh.
 *
 *   diskbench run NAME BYTES CMD [ARGS...]
 *       run CMD (busybox dd for the sequential parts, cp for the copy),
 *       timed with CLOCK_MONOTONIC, then print
 *       "DISK NAME <seconds> <BYTES>"; the exit status is CMD's.
 *   diskbench randread DEV AREA_MIB COUNT
 *       COUNT reads of 4 KiB with O_DIRECT at pseudo-random 4 KiB-aligned
 *       offsets within the first AREA_MIB MiB of DEV (xorshift32, the same
 *       offsets every run), one at a time, then print
 *       "DISK randread <seconds> <COUNT * 4096>".
 *
 * Busybox dd could do the random reads too, but one process per 4 KiB
 * read would measure fork and exec under the translator, not the disk.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_cmd(const char *name, const char *bytes, char **argv)
{
    double t0 = now();
    pid_t pid = fork();
    int status;

    if (pid < 0) {
        perror("diskbench: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "diskbench: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0) {
        perror("diskbench: waitpid");
        return 2;
    }
    printf("DISK %s %.6f %s\n", name, now() - t0, bytes);
    fflush(stdout);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int randread(const char *dev, long area_mib, long count)
{
    enum { BLOCK = 4096 };
    uint32_t s = 2463534242u;
    uint32_t blocks = (uint32_t)(area_mib * (1024 * 1024 / BLOCK));
    void *buf;
    int fd;
    double t0;

    if (area_mib <= 0 || count <= 0) {
        fprintf(stderr, "diskbench: randread needs a positive size and count\n");
        return 2;
    }
    fd = open(dev, O_RDONLY | O_DIRECT);
    if (fd < 0) {
        fprintf(stderr, "diskbench: open %s: %s\n", dev, strerror(errno));
        return 1;
    }
    /* O_DIRECT wants the buffer aligned to the logical block size. */
    if (posix_memalign(&buf, BLOCK, BLOCK)) {
        fprintf(stderr, "diskbench: out of memory\n");
        return 2;
    }
    t0 = now();
    for (long i = 0; i < count; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        off_t off = (off_t)(s % blocks) * BLOCK;
        ssize_t n = pread(fd, buf, BLOCK, off);
        if (n != BLOCK) {
            fprintf(stderr, "diskbench: read %s at %lld: %s\n", dev, (long long)off,
                    n < 0 ? strerror(errno) : "short read");
            return 1;
        }
    }
    printf("DISK randread %.6f %ld\n", now() - t0, count * BLOCK);
    fflush(stdout);
    free(buf);
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "run")) {
        return run_cmd(argv[2], argv[3], argv + 4);
    }
    if (argc == 5 && !strcmp(argv[1], "randread")) {
        return randread(argv[2], atol(argv[3]), atol(argv[4]));
    }
    fprintf(stderr, "usage: diskbench run NAME BYTES CMD [ARGS...]\n"
                    "       diskbench randread DEV AREA_MIB COUNT\n");
    return 2;
}
