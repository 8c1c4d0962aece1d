/*
 * workload.c - the CPU workload that tests/bench/linux-tcg.sh runs inside
 * a Linux guest to compare emu's translator with QEMU's TCG.
 *
 * Built as a static 32-bit program (gcc -m32 -static -O2) and put into a
 * busybox initramfs by tests/bench/build-workload-initrd.sh.  Each part is
 * timed inside the guest with clock_gettime(CLOCK_MONOTONIC) and reports
 *
 *   WORK <name> <seconds>
 *   SUM <name> <hex>          a checksum of what the part computed
 *
 * The checksums do not depend on timing, so the same binary run natively
 * on the host gives the values every guest run must reproduce: a wrong
 * translation shows up as a SUM mismatch, not only as a time.
 *
 * Usage:
 *   workload all [SCALE%]       int, memcpy, sieve, compress, ptrchase, then
 *                               "WORK-END"; SCALE% (default 100) scales
 *                               every part's iteration count
 *   workload PART [SCALE%]      one part
 *   workload gen FILE [MB]      write MB (default 32) MiB of deterministic
 *                               pseudo-random bytes to FILE ("-": stdout)
 *   workload run NAME CMD...    run CMD, then print "WORK NAME <seconds>"
 *                               (exit status is CMD's)
 *
 * Sizes are chosen so that each part takes ~1-3 s under QEMU's TCG on a
 * current x86-64 host (a few hundred ms natively).
 */
#define _GNU_SOURCE
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

static void *xmalloc(size_t n)
{
    void *p = malloc(n);

    if (!p) {
        fprintf(stderr, "workload: out of memory (%zu bytes)\n", n);
        exit(2);
    }
    return p;
}

/* Marsaglia's xorshift32: deterministic on every host. */
static uint32_t xorshift32(uint32_t *s)
{
    uint32_t x = *s;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static unsigned scale_pct = 100;

static unsigned long scaled(unsigned long n)
{
    unsigned long v = (unsigned long)((unsigned long long)n * scale_pct / 100);

    return v ? v : 1;
}

/* --- int: integer ALU loop (add, mul, shifts, rotates, div, branches) --- */
static uint32_t part_int(void)
{
    unsigned long iters = scaled(240000000);
    uint32_t a = 0x12345678, b = 0x9abcdef1, c = 1, d = 0;

    for (unsigned long i = 0; i < iters; i++) {
        a = a * 1103515245u + 12345u;
        b ^= a >> 7;
        b = (b << 3) | (b >> 29);
        c += (a & 0xff) + (uint32_t)i;
        if (b & 0x10) {
            d += b / ((a >> 24) | 1);
        } else {
            d -= c >> 2;
        }
    }
    return a ^ b ^ c ^ d;
}

/* --- memcpy: libc memcpy/memset between two 8 MiB buffers --- */
static uint32_t part_memcpy(void)
{
    const size_t sz = 8u << 20;
    unsigned long rounds = scaled(300);
    uint8_t *src = xmalloc(sz), *dst = xmalloc(sz);
    uint32_t seed = 0xc0ffee, sum = 0;

    for (size_t i = 0; i < sz; i += 4) {
        uint32_t v = xorshift32(&seed);
        memcpy(src + i, &v, 4);
    }
    memset(dst, 0, sz);
    for (unsigned long r = 0; r < rounds; r++) {
        /* Alternate aligned and misaligned copies; touch the result. */
        size_t off = r & 7;
        memcpy(dst + off, src, sz - 8);
        src[(r * 4099) % sz] ^= dst[(r * 131) % sz];
        sum = sum * 31 + dst[(r * 7919) % sz];
    }
    for (size_t i = 0; i < sz; i += 4096) {
        sum = sum * 33 + dst[i];
    }
    free(src);
    free(dst);
    return sum;
}

/* --- sieve: Eratosthenes over a 16 MiB byte array, several rounds --- */
static uint32_t part_sieve(void)
{
    const uint32_t n = 16u << 20;
    unsigned long rounds = scaled(4);
    uint8_t *comp = xmalloc(n);
    uint32_t count = 0, sum = 0;

    for (unsigned long r = 0; r < rounds; r++) {
        memset(comp, 0, n);
        count = 0;
        for (uint32_t i = 2; i < n; i++) {
            if (!comp[i]) {
                count++;
                sum += i;
                if ((uint64_t)i * i < n) {
                    for (uint32_t j = i * i; j < n; j += i) {
                        comp[j] = 1;
                    }
                }
            }
        }
    }
    free(comp);
    return count ^ sum;
}

/* --- compress: LZ77 with a hash table over text-like data, then decode --- */
#define LZ_HASH_BITS 14
#define LZ_MIN 4
#define LZ_MAX_MATCH 255
#define LZ_WINDOW 65535

/* Output: literal runs "0x00 len byte..." and matches "0x01 len off16". */
static size_t lz_compress(const uint8_t *in, size_t n, uint8_t *out,
                          uint32_t *table)
{
    size_t ip = 0, op = 0, lit_start = 0;

    memset(table, 0xff, sizeof(uint32_t) << LZ_HASH_BITS);
    while (ip + LZ_MIN <= n) {
        uint32_t k;
        memcpy(&k, in + ip, 4);
        uint32_t h = (k * 2654435761u) >> (32 - LZ_HASH_BITS);
        uint32_t cand = table[h];
        table[h] = (uint32_t)ip;
        size_t len = 0;
        if (cand != 0xffffffffu && ip - cand <= LZ_WINDOW) {
            while (len < LZ_MAX_MATCH && ip + len < n &&
                   in[cand + len] == in[ip + len]) {
                len++;
            }
        }
        if (len >= LZ_MIN) {
            while (lit_start < ip) {
                size_t run = ip - lit_start > 255 ? 255 : ip - lit_start;
                out[op++] = 0;
                out[op++] = (uint8_t)run;
                memcpy(out + op, in + lit_start, run);
                op += run;
                lit_start += run;
            }
            out[op++] = 1;
            out[op++] = (uint8_t)len;
            out[op++] = (uint8_t)((ip - cand) & 0xff);
            out[op++] = (uint8_t)((ip - cand) >> 8);
            ip += len;
            lit_start = ip;
        } else {
            ip++;
        }
    }
    ip = n;
    while (lit_start < ip) {
        size_t run = ip - lit_start > 255 ? 255 : ip - lit_start;
        out[op++] = 0;
        out[op++] = (uint8_t)run;
        memcpy(out + op, in + lit_start, run);
        op += run;
        lit_start += run;
    }
    return op;
}

static size_t lz_decompress(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t ip = 0, op = 0;

    while (ip < n) {
        uint8_t tag = in[ip++], len = in[ip++];
        if (tag == 0) {
            memcpy(out + op, in + ip, len);
            ip += len;
            op += len;
        } else {
            size_t off = in[ip] | (size_t)in[ip + 1] << 8;
            ip += 2;
            for (size_t i = 0; i < len; i++, op++) {
                out[op] = out[op - off];
            }
        }
    }
    return op;
}

static uint32_t part_compress(void)
{
    static const char *const words[] = {
        "the ", "emulator ", "translates ", "guest ", "code ", "into ",
        "host ", "blocks ", "and ", "caches ", "them; ", "a ", "page ",
        "fault ", "flushes ", "TLB ", "entries. ", "\n", "interrupt ",
        "serial ", "port ", "0x3f8 ", "1234 ", "of ",
    };
    const size_t n = 1u << 20;
    unsigned long rounds = scaled(100);
    uint8_t *in = xmalloc(n), *out = xmalloc(n + n / 64 + 16);
    uint8_t *back = xmalloc(n);
    uint32_t *table = xmalloc(sizeof(uint32_t) << LZ_HASH_BITS);
    uint32_t seed = 0xbeef, sum = 0;
    size_t pos = 0;

    while (pos < n) {
        uint32_t r = xorshift32(&seed);
        if ((r & 15) == 0) {
            in[pos++] = (uint8_t)(r >> 8);      /* some noise */
            continue;
        }
        const char *w = words[(r >> 4) % (sizeof(words) / sizeof(words[0]))];
        for (; *w && pos < n; w++) {
            in[pos++] = (uint8_t)*w;
        }
    }
    for (unsigned long r = 0; r < rounds; r++) {
        in[(r * 7717) % n] ^= (uint8_t)r;   /* each round differs a bit */
        size_t clen = lz_compress(in, n, out, table);
        size_t dlen = lz_decompress(out, clen, back);
        if (dlen != n || memcmp(in, back, n) != 0) {
            printf("ERROR compress: round trip mismatch in round %lu\n", r);
            sum ^= 0xdeadbeef;
        }
        sum = sum * 31 + (uint32_t)clen;
    }
    free(in);
    free(out);
    free(back);
    free(table);
    return sum;
}

/* --- ptrchase: dependent loads around one random cycle over 16 MiB --- */
static uint32_t part_ptrchase(void)
{
    const uint32_t n = 4u << 20;        /* 4 Mi entries of 4 bytes */
    unsigned long steps = scaled(7000000);
    uint32_t *next = xmalloc((size_t)n * sizeof(uint32_t));
    uint32_t seed = 0x5eed, p = 0, sum = 0;

    /* Sattolo's algorithm: a single cycle through every entry. */
    for (uint32_t i = 0; i < n; i++) {
        next[i] = i;
    }
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = xorshift32(&seed) % i;
        uint32_t t = next[i];
        next[i] = next[j];
        next[j] = t;
    }
    for (unsigned long s = 0; s < steps; s++) {
        p = next[p];
        sum += p;
    }
    free(next);
    return sum ^ p;
}

struct part {
    const char *name;
    uint32_t (*fn)(void);
};

static const struct part parts[] = {
    { "int", part_int },
    { "memcpy", part_memcpy },
    { "sieve", part_sieve },
    { "compress", part_compress },
    { "ptrchase", part_ptrchase },
};

static void run_part(const struct part *p)
{
    double t0 = now();
    uint32_t sum = p->fn();
    double t1 = now();

    printf("WORK %s %.3f\n", p->name, t1 - t0);
    printf("SUM %s %08x\n", p->name, (unsigned)sum);
    fflush(stdout);
}

static int gen(const char *path, unsigned long mb)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
    uint32_t seed = 0x600dcafe, buf[16384];
    double t0 = now();

    if (!f) {
        perror(path);
        return 1;
    }
    for (unsigned long chunk = 0; chunk < mb * 16; chunk++) {   /* 64 KiB */
        for (size_t i = 0; i < 16384; i++) {
            buf[i] = xorshift32(&seed);
        }
        if (fwrite(buf, sizeof(buf), 1, f) != 1) {
            perror(path);
            return 1;
        }
    }
    if (f != stdout) {
        if (fclose(f) != 0) {
            perror(path);
            return 1;
        }
        printf("WORK gen %.3f\n", now() - t0);
    }
    return 0;
}

static int run_cmd(const char *name, char **argv)
{
    double t0 = now();
    int status;
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        perror(argv[0]);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0) {
        perror("waitpid");
        return 1;
    }
    printf("WORK %s %.3f\n", name, now() - t0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: workload all|int|memcpy|sieve|compress|ptrchase [SCALE%%]\n"
            "       workload gen FILE [MB]\n"
            "       workload run NAME CMD [ARGS...]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    size_t nparts = sizeof(parts) / sizeof(parts[0]);

    if (argc < 2) {
        usage();
    }
    if (!strcmp(argv[1], "gen")) {
        if (argc < 3) {
            usage();
        }
        return gen(argv[2], argc > 3 ? strtoul(argv[3], NULL, 0) : 32);
    }
    if (!strcmp(argv[1], "run")) {
        if (argc < 4) {
            usage();
        }
        return run_cmd(argv[2], argv + 3);
    }
    if (argc > 2) {
        scale_pct = (unsigned)strtoul(argv[2], NULL, 0);
    }
    if (!strcmp(argv[1], "all")) {
        for (size_t i = 0; i < nparts; i++) {
            run_part(&parts[i]);
        }
        printf("WORK-END\n");
        return 0;
    }
    for (size_t i = 0; i < nparts; i++) {
        if (!strcmp(argv[1], parts[i].name)) {
            run_part(&parts[i]);
            return 0;
        }
    }
    usage();
    return 2;
}
