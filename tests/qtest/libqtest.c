/* libqtest: the qtest protocol's client (tests/qtest/libqtest.h). */
#define _GNU_SOURCE 1
#include "tests/qtest/libqtest.h"

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QTEST_MAX_IRQ 256

struct QTestState {
    pid_t pid;
    int fd;
    char *dir;   /* temporary folder: socket, scratch files */
    GString *rx; /* bytes received, not yet a whole line */
    char *reply; /* the last reply line */
    char *tmp;   /* qtest_tmp_path's last result */
    bool irq_level[QTEST_MAX_IRQ];
};

static void G_GNUC_PRINTF(2, 3) G_GNUC_NORETURN
    qtest_die(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "libqtest: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    if (s && s->pid > 0) {
        kill(s->pid, SIGKILL);
    }
    abort();
}

static int timeout_ms(void)
{
    const char *t = getenv("QTEST_TIMEOUT");
    int sec = t ? atoi(t) : 0;
    return (sec > 0 ? sec : 60) * 1000;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *emu_binary(void)
{
    const char *b = getenv("QTEST_EMU_BINARY");
    if (!b || !*b) {
        b = getenv("EMU");
    }
    return b && *b ? b : "./emu";
}

/* Wait for emu to connect; fail early if it exits (a bad option). */
static int accept_emu(QTestState *s, int lfd)
{
    int64_t deadline = now_ms() + timeout_ms();
    for (;;) {
        struct pollfd p = {.fd = lfd, .events = POLLIN};
        int r = poll(&p, 1, 100);
        if (r > 0) {
            int fd = accept(lfd, NULL, NULL);
            if (fd >= 0) {
                return fd;
            }
        }
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            s->pid = -1;
            qtest_die(s, "%s exited (status 0x%x) before it connected",
                      emu_binary(), st);
        }
        if (now_ms() > deadline) {
            qtest_die(s, "%s did not connect within %d s", emu_binary(),
                      timeout_ms() / 1000);
        }
    }
}

QTestState *qtest_init(const char *extra_args)
{
    QTestState *s = g_new0(QTestState, 1);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};

    s->rx = g_string_new(NULL);
    s->dir = g_dir_make_tmp("emu-qtest.XXXXXX", NULL);
    if (!s->dir) {
        qtest_die(s, "cannot make a temporary folder");
    }
    char *sock = g_build_filename(s->dir, "qtest.sock", NULL);
    if (strlen(sock) >= sizeof(sa.sun_path)) {
        qtest_die(s, "socket path too long: %s", sock);
    }
    strcpy(sa.sun_path, sock);
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(lfd, 1) < 0) {
        qtest_die(s, "cannot listen on %s: %s", sock, strerror(errno));
    }
    const char *log = getenv("QTEST_LOG") ? "/dev/fd/2" : "/dev/null";
    char *cmd =
        g_strdup_printf("exec %s -qtest unix:%s -qtest-log %s "
                        "-display none -machine accel=qtest %s",
                        emu_binary(), sock, log, extra_args ? extra_args : "");
    fflush(stdout);
    fflush(stderr);
    s->pid = fork();
    if (s->pid < 0) {
        qtest_die(s, "fork: %s", strerror(errno));
    }
    if (s->pid == 0) {
        /* emu goes when the test does, even when it crashes. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    s->fd = accept_emu(s, lfd);
    close(lfd);
    unlink(sock);
    g_free(sock);
    g_free(cmd);
    return s;
}

QTestState *qtest_initf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    QTestState *s = qtest_init(args);
    g_free(args);
    return s;
}

int qtest_quit(QTestState *s)
{
    int st = 0;
    if (s->fd >= 0) {
        close(s->fd);
    }
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        int64_t deadline = now_ms() + timeout_ms();
        while (waitpid(s->pid, &st, WNOHANG) == 0) {
            if (now_ms() > deadline) {
                fprintf(stderr, "libqtest: emu ignored SIGTERM; killing it\n");
                kill(s->pid, SIGKILL);
                waitpid(s->pid, &st, 0);
                break;
            }
            usleep(1000); /* polling the child's exit, not a sync */
        }
        if (WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM) {
            st = 0;
        }
    }
    char *sub = g_build_filename(s->dir, NULL);
    GDir *d = g_dir_open(sub, 0, NULL);
    if (d) {
        const char *n;
        while ((n = g_dir_read_name(d))) {
            char *p = g_build_filename(s->dir, n, NULL);
            unlink(p);
            g_free(p);
        }
        g_dir_close(d);
    }
    rmdir(s->dir);
    g_free(sub);
    g_free(s->dir);
    g_free(s->reply);
    g_free(s->tmp);
    g_string_free(s->rx, true);
    g_free(s);
    return st;
}

const char *qtest_tmp_path(QTestState *s, const char *name)
{
    g_free(s->tmp);
    s->tmp = g_build_filename(s->dir, name, NULL);
    return s->tmp;
}

/* ---- Lines ---- */

static void send_line(QTestState *s, const char *line)
{
    size_t len = strlen(line), done = 0;
    while (done < len + 1) {
        const char *p = done < len ? line + done : "\n";
        size_t n = done < len ? len - done : 1;
        ssize_t r = send(s->fd, p, n, MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            qtest_die(s, "lost emu while sending '%.40s': %s", line,
                      strerror(errno));
        }
        done += r;
    }
}

/* The next line that is not an "IRQ" line; IRQ lines update the levels. */
static const char *read_reply(QTestState *s, const char *req)
{
    int64_t deadline = now_ms() + timeout_ms();
    for (;;) {
        char *nl = memchr(s->rx->str, '\n', s->rx->len);
        if (nl) {
            size_t len = nl - s->rx->str;
            char *line = g_strndup(s->rx->str, len);
            g_string_erase(s->rx, 0, len + 1);
            int n;
            if (!strncmp(line, "IRQ raise ", 10) ||
                !strncmp(line, "IRQ lower ", 10)) {
                n = atoi(line + 10);
                if (n >= 0 && n < QTEST_MAX_IRQ) {
                    s->irq_level[n] = line[4] == 'r';
                }
                g_free(line);
                continue;
            }
            g_free(s->reply);
            s->reply = line;
            return line;
        }
        int left = (int)(deadline - now_ms());
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, left) == 0) {
            qtest_die(s, "no reply to '%.40s' within %d s", req,
                      timeout_ms() / 1000);
        }
        char buf[65536];
        ssize_t r = recv(s->fd, buf, sizeof(buf), 0);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            qtest_die(s, "emu closed the connection (request '%.40s')", req);
        }
        g_string_append_len(s->rx, buf, r);
    }
}

const char *qtest_raw(QTestState *s, const char *line)
{
    send_line(s, line);
    return read_reply(s, line);
}

/* Send a request; the reply must be "OK" or start with "OK ": returns
 * what follows "OK " (or ""). */
static const char *G_GNUC_PRINTF(2, 3)
    request(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    const char *r = qtest_raw(s, line);
    if (strcmp(r, "OK") && strncmp(r, "OK ", 3)) {
        qtest_die(s, "'%.60s' got '%s'", line, r);
    }
    g_free(line);
    return r[2] ? r + 3 : "";
}

static uint64_t reply_u64(QTestState *s, const char *v)
{
    char *end;
    errno = 0;
    uint64_t x = strtoull(v, &end, 0);
    if (errno || end == v || *end) {
        qtest_die(s, "not a number in reply: '%s'", v);
    }
    return x;
}

/* ---- Requests ---- */

void qtest_outb(QTestState *s, uint16_t port, uint8_t v)
{
    request(s, "outb 0x%x 0x%x", port, v);
}
void qtest_outw(QTestState *s, uint16_t port, uint16_t v)
{
    request(s, "outw 0x%x 0x%x", port, v);
}
void qtest_outl(QTestState *s, uint16_t port, uint32_t v)
{
    request(s, "outl 0x%x 0x%x", port, v);
}
uint8_t qtest_inb(QTestState *s, uint16_t port)
{
    return reply_u64(s, request(s, "inb 0x%x", port));
}
uint16_t qtest_inw(QTestState *s, uint16_t port)
{
    return reply_u64(s, request(s, "inw 0x%x", port));
}
uint32_t qtest_inl(QTestState *s, uint16_t port)
{
    return reply_u64(s, request(s, "inl 0x%x", port));
}

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t v)
{
    request(s, "writeb 0x%" PRIx64 " 0x%x", addr, v);
}
void qtest_writew(QTestState *s, uint64_t addr, uint16_t v)
{
    request(s, "writew 0x%" PRIx64 " 0x%x", addr, v);
}
void qtest_writel(QTestState *s, uint64_t addr, uint32_t v)
{
    request(s, "writel 0x%" PRIx64 " 0x%x", addr, v);
}
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t v)
{
    request(s, "writeq 0x%" PRIx64 " 0x%" PRIx64, addr, v);
}
uint8_t qtest_readb(QTestState *s, uint64_t addr)
{
    return reply_u64(s, request(s, "readb 0x%" PRIx64, addr));
}
uint16_t qtest_readw(QTestState *s, uint64_t addr)
{
    return reply_u64(s, request(s, "readw 0x%" PRIx64, addr));
}
uint32_t qtest_readl(QTestState *s, uint64_t addr)
{
    return reply_u64(s, request(s, "readl 0x%" PRIx64, addr));
}
uint64_t qtest_readq(QTestState *s, uint64_t addr)
{
    return reply_u64(s, request(s, "readq 0x%" PRIx64, addr));
}

void qtest_memread(QTestState *s, uint64_t addr, void *buf, size_t size)
{
    uint8_t *b = buf;
    if (!size) {
        return;
    }
    const char *r = request(s, "read 0x%" PRIx64 " 0x%zx", addr, size);
    if (strncmp(r, "0x", 2) || strlen(r) != 2 + 2 * size) {
        qtest_die(s, "read: bad data '%.40s'", r);
    }
    for (size_t i = 0; i < size; i++) {
        int hi = g_ascii_xdigit_value(r[2 + 2 * i]);
        int lo = g_ascii_xdigit_value(r[3 + 2 * i]);
        if (hi < 0 || lo < 0) {
            qtest_die(s, "read: bad hex in reply");
        }
        b[i] = hi << 4 | lo;
    }
}

void qtest_memwrite(QTestState *s, uint64_t addr, const void *buf, size_t size)
{
    const uint8_t *b = buf;
    if (!size) {
        return;
    }
    GString *hex = g_string_sized_new(2 * size + 2);
    for (size_t i = 0; i < size; i++) {
        g_string_append_printf(hex, "%02x", b[i]);
    }
    request(s, "write 0x%" PRIx64 " 0x%zx 0x%s", addr, size, hex->str);
    g_string_free(hex, true);
}

void qtest_bufread(QTestState *s, uint64_t addr, void *buf, size_t size)
{
    gsize got = 0;
    if (!size) {
        return;
    }
    const char *r = request(s, "b64read 0x%" PRIx64 " 0x%zx", addr, size);
    guchar *data = g_base64_decode(r, &got);
    if (got != size) {
        qtest_die(s, "b64read: %zu bytes, asked %zu", (size_t)got, size);
    }
    memcpy(buf, data, size);
    g_free(data);
}

void qtest_bufwrite(QTestState *s, uint64_t addr, const void *buf, size_t size)
{
    if (!size) {
        return;
    }
    char *b64 = g_base64_encode(buf, size);
    request(s, "b64write 0x%" PRIx64 " 0x%zx %s", addr, size, b64);
    g_free(b64);
}

void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t size)
{
    request(s, "memset 0x%" PRIx64 " 0x%zx 0x%02x", addr, size, pattern);
}

int64_t qtest_clock_step(QTestState *s, int64_t ns)
{
    return reply_u64(s, request(s, "clock_step %" PRId64, ns));
}

int64_t qtest_clock_step_next(QTestState *s)
{
    return reply_u64(s, request(s, "clock_step"));
}

int64_t qtest_clock_set(QTestState *s, int64_t ns)
{
    return reply_u64(s, request(s, "clock_set %" PRId64, ns));
}

void qtest_irq_intercept_in(QTestState *s, const char *dev)
{
    request(s, "irq_intercept_in %s", dev);
}

void qtest_irq_intercept_out(QTestState *s, const char *dev)
{
    request(s, "irq_intercept_out %s", dev);
}

void qtest_set_irq_in(QTestState *s, const char *dev, const char *name, int num,
                      int level)
{
    request(s, "set_irq_in %s %s %d %d", dev, name ? name : "unnamed-gpio-in",
            num, level);
}

bool qtest_get_irq(QTestState *s, int num)
{
    if (num < 0 || num >= QTEST_MAX_IRQ) {
        qtest_die(s, "qtest_get_irq: no line %d", num);
    }
    /* Take the IRQ lines already sent without waiting for more: a
     * request with a known reply flushes them, as QEMU's qtest_get_irq
     * does with its own round trip. */
    request(s, "endianness");
    return s->irq_level[num];
}
