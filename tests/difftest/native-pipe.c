/*
 * Differential tester: the native runner as a child process.
 *
 * The native runner (build/difftest-native64) is one child process fed
 * through two pipes in batches: up to DT_BATCH cases are written (they fit
 * the pipe buffer), then as many results are read back, so neither side
 * can block the other.  It first sends a DT_HELLO record: if that does not
 * come, the runner could not start on this host and the test skips with
 * the reason.  SIGPIPE is ignored, so a runner that dies shows up as a
 * write error, never as a death of the test.  native_start's arg is the
 * runner's one argument ("-64": 64-bit cases) or NULL.
 *
 * Included by tests/difftest/compare.c and compare64.c.
 */
#include "tests/difftest/difftest.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define DT_BATCH 128

typedef struct Native {
    pid_t pid;
    int to, from;
} Native;

static bool io_full(int fd, void *buf, size_t len, bool wr)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t r = wr ? write(fd, p, len) : read(fd, p, len);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return false;
        }
        p += r;
        len -= r;
    }
    return true;
}

/*
 * Start the runner and wait for its DT_HELLO; on failure, why (for the
 * SKIP line) in err.
 */
static bool native_start(Native *n, const char *path, const char *arg,
                         char *err, size_t len)
{
    int in[2], out[2];
    signal(SIGPIPE, SIG_IGN);
    if (access(path, X_OK) < 0) {
        snprintf(err, len, "%s: %s", path, strerror(errno));
        return false;
    }
    if (pipe(in) < 0 || pipe(out) < 0) {
        snprintf(err, len, "pipe: %s", strerror(errno));
        return false;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, len, "fork: %s", strerror(errno));
        return false;
    }
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execl(path, path, arg, (char *)NULL);
        fprintf(stderr, "difftest: cannot run %s: %s\n", path,
                strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    n->pid = pid;
    n->to = in[1];
    n->from = out[0];
    DTResult hello;
    if (!io_full(n->from, &hello, sizeof(hello), false) ||
        hello.magic != DT_HELLO) {
        int st = 0;
        close(n->to);
        close(n->from);
        waitpid(n->pid, &st, 0);
        n->pid = 0;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
            snprintf(err, len, "%s does not run on this host (exec failed)",
                     path);
        } else if (WIFSIGNALED(st)) {
            snprintf(err, len, "%s died at start (signal %d)", path,
                     WTERMSIG(st));
        } else {
            snprintf(err, len, "%s did not start (exit status %d, "
                     "see its message above)", path,
                     WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        }
        return false;
    }
    return true;
}

static void native_stop(Native *n)
{
    if (n->pid > 0) {
        close(n->to);
        close(n->from);
        waitpid(n->pid, NULL, 0);
        n->pid = 0;
    }
}

