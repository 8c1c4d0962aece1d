/*
 * A standalone driver for the fuzz targets, for builds without libFuzzer
 * (gcc + ASan/UBSan): the smoke tier of `make check` and replaying saved
 * inputs.  It takes libFuzzer's spelling of the options it shares, so one
 * reproduce command works for both builds:
 *
 *     fuzz-i8254 [-seed=N] [-runs=N] [-max_len=N] [-max_total_time=S]
 *                [-timeout=S] [-artifact_prefix=DIR/] [FILE|DIR]...
 *
 * With FILE or DIR arguments it replays those inputs (every regular file of
 * a DIR) once each.  Otherwise it runs -runs random inputs (default 1000;
 * 0: until -max_total_time seconds have passed) drawn from -seed (default
 * 1): input i depends only on (seed, i), so a run is deterministic.  A crash, a sanitizer report, a broken invariant or an
 * input that runs past -timeout seconds (default 10) saves that input as
 * <artifact_prefix>crash-<target>-<seed>-<i> (or timeout-...) and prints
 * the command that replays it; the exit status is then non-zero.
 *
 * Last line on success: "fuzz-<target>: N inputs, 0 failed (...)".
 */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <glib.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Present when linked with a sanitizer runtime. */
extern void __sanitizer_set_death_callback(void (*cb)(void))
    __attribute__((weak));

static const char *prog;
static const uint8_t *cur_data;
static size_t cur_size;
static char cur_artifact[4096];
static char cur_timeout_artifact[4096];
static bool cur_is_file;

static void put(const char *s)
{
    ssize_t r = write(2, s, strlen(s));
    (void)r;
}

/* Async-signal-safe: save the current input and say how to replay it. */
static void save_current(const char *path)
{
    if (!cur_data && cur_size) {
        return;
    }
    if (cur_is_file) {
        put("fuzz: failing input: ");
        put(path);
        put("\nfuzz: reproduce with: ");
        put(prog);
        put(" ");
        put(path);
        put("\n");
        return;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        ssize_t r = write(fd, cur_data, cur_size);
        (void)r;
        close(fd);
    }
    put("fuzz: input saved as ");
    put(path);
    put("\nfuzz: reproduce with: ");
    put(prog);
    put(" ");
    put(path);
    put("\n");
}

static void on_death(void)
{
    save_current(cur_artifact);
}

static void on_signal(int sig)
{
    save_current(cur_artifact);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void on_alarm(int sig)
{
    (void)sig;
    put("fuzz: input ran past the timeout (hang?)\n");
    save_current(cur_timeout_artifact);
    _exit(70);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: %s [-seed=N] [-runs=N] [-max_len=N] [-max_total_time=S]"
            " [-timeout=S] [-artifact_prefix=P] [FILE|DIR]...\n",
            prog);
    exit(2);
}

static bool opt_u64(const char *arg, const char *name, uint64_t *v)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) || arg[n] != '=') {
        return false;
    }
    char *end;
    errno = 0;
    *v = strtoull(arg + n + 1, &end, 0);
    if (errno || end == arg + n + 1 || *end) {
        fprintf(stderr, "%s: bad value in %s\n", prog, arg);
        exit(2);
    }
    return true;
}

/* xorshift64*: input i of a run depends only on (seed, i). */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dULL;
}

static void run_one(const uint8_t *data, size_t size, unsigned timeout)
{
    cur_data = data;
    cur_size = size;
    alarm(timeout);
    LLVMFuzzerTestOneInput(data, size);
    alarm(0);
}

static int replay_file(const char *path, unsigned timeout)
{
    gsize len;
    gchar *buf;
    GError *gerr = NULL;

    if (!g_file_get_contents(path, &buf, &len, &gerr)) {
        fprintf(stderr, "%s: %s\n", prog, gerr->message);
        g_error_free(gerr);
        return -1;
    }
    snprintf(cur_artifact, sizeof(cur_artifact), "%s", path);
    snprintf(cur_timeout_artifact, sizeof(cur_timeout_artifact), "%s", path);
    cur_is_file = true;
    run_one((const uint8_t *)buf, len, timeout);
    g_free(buf);
    return 0;
}

static int replay(const char *path, unsigned timeout, unsigned long *count)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        (*count)++;
        return replay_file(path, timeout);
    }
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        char *p = g_strdup_printf("%s/%s", path, e->d_name);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            (*count)++;
            if (replay_file(p, timeout) < 0) {
                g_free(p);
                closedir(d);
                return -1;
            }
        }
        g_free(p);
    }
    closedir(d);
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t seed = 1, runs = 1000, max_len = 1200, max_time = 0;
    uint64_t timeout = 10;
    const char *prefix = "";
    int nfiles = 0;

    prog = argv[0];
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (opt_u64(a, "-seed", &seed) || opt_u64(a, "-runs", &runs) ||
            opt_u64(a, "-max_len", &max_len) ||
            opt_u64(a, "-max_total_time", &max_time) ||
            opt_u64(a, "-timeout", &timeout)) {
            continue;
        }
        if (!strncmp(a, "-artifact_prefix=", 17)) {
            prefix = a + 17;
        } else if (a[0] == '-') {
            usage();
        } else {
            nfiles++;
        }
    }
    if (max_len > 1 << 20 || timeout > 3600) {
        fprintf(stderr, "%s: -max_len at most 1048576, -timeout at most 3600\n",
                prog);
        return 2;
    }

    struct sigaction sa = {.sa_handler = on_signal};
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGABRT, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    signal(SIGALRM, on_alarm);
    if (__sanitizer_set_death_callback) {
        __sanitizer_set_death_callback(on_death);
    }

    if (nfiles) {
        unsigned long count = 0;
        for (int i = 1; i < argc; i++) {
            if (argv[i][0] != '-' && replay(argv[i], timeout, &count) < 0) {
                return 1;
            }
        }
        printf("fuzz-%s: %lu inputs replayed, 0 failed\n", fuzz_target.name,
               count);
        return 0;
    }

    uint8_t *buf = malloc(max_len ? max_len : 1);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t i;
    double secs = 0;
    for (i = 0; runs == 0 || i < runs; i++) {
        uint64_t s = (seed * 0x9e3779b97f4a7c15ULL) ^ (i + 1) ^ 0x5bd1e995ULL;
        for (int k = 0; k < 4; k++) {
            rng_next(&s);
        }
        size_t len = max_len ? rng_next(&s) % (max_len + 1) : 0;
        for (size_t k = 0; k < len; k += 8) {
            uint64_t v = rng_next(&s);
            memcpy(buf + k, &v, MIN(8, len - k));
        }
        snprintf(cur_artifact, sizeof(cur_artifact),
                 "%scrash-%s-%" PRIu64 "-%" PRIu64, prefix, fuzz_target.name,
                 seed, i);
        snprintf(cur_timeout_artifact, sizeof(cur_timeout_artifact),
                 "%stimeout-%s-%" PRIu64 "-%" PRIu64, prefix, fuzz_target.name,
                 seed, i);
        run_one(buf, len, timeout);
        if (max_time && (i & 63) == 63) {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
            if (secs >= max_time) {
                i++;
                break;
            }
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    free(buf);
    printf("fuzz-%s: %" PRIu64 " inputs, 0 failed (seed %" PRIu64
           ", max_len %" PRIu64 ", %.1f s)\n",
           fuzz_target.name, i, seed, max_len, secs);
    return 0;
}
