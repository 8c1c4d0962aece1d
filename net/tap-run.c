/*
 * The programs a tap backend runs: the ifup/ifdown scripts (script=,
 * downscript=, called with the interface name as $1, as QEMU calls
 * /etc/qemu-ifup) and the bridge helper (br=, helper=).
 *
 * The bridge helper protocol is QEMU's, so that its qemu-bridge-helper
 * (setuid or run by root; it checks /etc/qemu/bridge.conf) works: it is
 * run as "HELPER --fd=N --br=BRIDGE" with N one end of a unix socketpair,
 * creates a tap, adds it to the bridge and sends the tap's fd back as
 * SCM_RIGHTS with a one-byte message.  We never ask for vnet headers
 * (QEMU's --use-vnet).  A helper= with blanks is a command for /bin/sh.
 *
 * A child's stdout and stderr go to one pipe: printed to our stderr when
 * it succeeds, quoted in the one-line message when it fails.
 */
#include "emu/common.h"
#include "net/tap-int.h"

#include <glib.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The fd number the helper gets its socket end as. */
#define HELPER_CHILD_FD 3

typedef struct TapChild {
    GPid pid;
    int out; /* read end of the child's stdout+stderr */
    GString *output;
    int status; /* waitpid's */
} TapChild;

/* In the child, before exec: emu ignores SIGPIPE, and an ignored signal
 * stays ignored across exec; a script's pipelines expect the default. */
static void tap_child_setup(gpointer opaque)
{
    signal(SIGPIPE, SIG_DFL);
}

static bool tap_spawn(TapChild *c, const char *const *argv, int pass_fd,
                      Error **errp)
{
    int pipefd[2];
    GError *gerr = NULL;
    int target = HELPER_CHILD_FD;

    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        error_setg(errp, "cannot run '%s': pipe: %s", argv[0],
                   g_strerror(errno));
        return false;
    }
    /* glib closes every other fd in the child: the tap fd, the monitor's
     * sockets and the disks stay ours. */
    bool ok = g_spawn_async_with_pipes_and_fds(
        NULL, argv, NULL,
        G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
        tap_child_setup, NULL, -1, pipefd[1], pipefd[1],
        pass_fd >= 0 ? &pass_fd : NULL, pass_fd >= 0 ? &target : NULL,
        pass_fd >= 0 ? 1 : 0, &c->pid, NULL, NULL, NULL, &gerr);
    close(pipefd[1]);
    if (!ok) {
        close(pipefd[0]);
        error_setg(errp, "cannot run '%s': %s", argv[0], gerr->message);
        g_error_free(gerr);
        return false;
    }
    fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
    c->out = pipefd[0];
    c->status = -1; /* not waited for (yet) */
    c->output = g_string_new(NULL);
    return true;
}

static void tap_child_read(TapChild *c)
{
    char buf[4096];
    ssize_t n;
    while ((n = read(c->out, buf, sizeof(buf))) > 0 ||
           (n < 0 && errno == EINTR)) {
        if (n > 0 && c->output->len < 64 * 1024) {
            g_string_append_len(c->output, buf, n);
        }
    }
}

/* One message from the helper with the tap fd in it (QEMU's helper sends
 * one byte and one SCM_RIGHTS fd).  false while there is nothing yet. */
static bool tap_recv_fd(int sock, int *fd_out)
{
    char byte;
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = ctl.buf,
        .msg_controllen = sizeof(ctl.buf),
    };
    ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return false;
    }
    struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
    if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
        cm->cmsg_len == CMSG_LEN(sizeof(int))) {
        memcpy(fd_out, CMSG_DATA(cm), sizeof(int));
    }
    return true; /* the message, or end of file, or an error: done */
}

/*
 * Collect the child's output until it exits (not until EOF: something the
 * script started in the background may keep the pipe open).  With sock >=
 * 0, also take the fd the child sends there (*fd_out, -1 if none).
 */
static void tap_child_wait(TapChild *c, int sock, int *fd_out)
{
    for (;;) {
        struct pollfd p[2] = {
            {.fd = c->out, .events = POLLIN},
            {.fd = sock, .events = POLLIN},
        };
        poll(p, sock >= 0 ? 2 : 1, 50);
        tap_child_read(c);
        if (sock >= 0 && tap_recv_fd(sock, fd_out)) {
            sock = -1;
        }
        pid_t r = waitpid(c->pid, &c->status, WNOHANG);
        if (r == c->pid || (r < 0 && errno != EINTR)) {
            /* What it wrote or sent just before it exited. */
            tap_child_read(c);
            if (sock >= 0) {
                tap_recv_fd(sock, fd_out);
            }
            break;
        }
    }
    close(c->out);
    g_spawn_close_pid(c->pid);
}

/* "exited with status 3" / "was killed by signal 9 (Killed)" */
static char *tap_status_str(int status)
{
    if (status == -1) {
        return g_strdup("could not be waited for");
    }
    if (WIFEXITED(status)) {
        return g_strdup_printf("exited with status %d", WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        return g_strdup_printf("was killed by signal %d (%s)", WTERMSIG(status),
                               strsignal(WTERMSIG(status)));
    }
    return g_strdup_printf("ended with wait status 0x%x", status);
}

/* The output on one line: ": line1 / line2", or "" when there was none. */
static char *tap_output_str(GString *out)
{
    char **lines = g_strsplit(out->str, "\n", -1);
    GString *s = g_string_new(NULL);
    for (char **l = lines; *l; l++) {
        g_strstrip(*l);
        if (**l) {
            g_string_append(s, s->len ? " / " : ": output: ");
            g_string_append(s, *l);
        }
    }
    g_strfreev(lines);
    if (s->len > 500) {
        g_string_truncate(s, 497);
        g_string_append(s, "...");
    }
    return g_string_free(s, false);
}

int tap_check_script(const char *what, const char *path, Error **errp)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        error_setg(errp, "%s '%s' %s (give %s=no to run none)", what, path,
                   errno == ENOENT ? "not found" : g_strerror(errno), what);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        error_setg(errp,
                   "%s '%s' is not a regular file (give %s=no to run "
                   "none)",
                   what, path, what);
        return -1;
    }
    if (access(path, X_OK) < 0) {
        error_setg(errp, "%s '%s' is not executable: chmod +x %s", what, path,
                   path);
        return -1;
    }
    return 0;
}

int tap_run_script(const char *what, const char *script, const char *ifname,
                   Error **errp)
{
    TapChild c;
    const char *argv[] = {script, ifname, NULL};

    if (tap_check_script(what, script, errp) < 0 ||
        !tap_spawn(&c, argv, -1, errp)) {
        return -1;
    }
    tap_child_wait(&c, -1, NULL);
    int ret = 0;
    if (WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0) {
        /* Say what it said, as QEMU's scripts do on its terminal. */
        fputs(c.output->str, stderr);
    } else {
        char *st = tap_status_str(c.status);
        char *out = tap_output_str(c.output);
        error_setg(errp, "%s '%s %s' %s%s", what, script, ifname, st, out);
        g_free(st);
        g_free(out);
        ret = -1;
    }
    g_string_free(c.output, true);
    return ret;
}

int tap_run_bridge_helper(const char *helper, const char *bridge, Error **errp)
{
    int sv[2];
    TapChild c;
    char *fd_arg = g_strdup_printf("--fd=%d", HELPER_CHILD_FD);
    char *br_arg = g_strdup_printf("--br=%s", bridge);
    char *cmd = NULL;
    bool is_cmd = strpbrk(helper, " \t") != NULL;
    int fd = -1, ret = -1;

    if (!is_cmd && access(helper, X_OK) < 0) {
        error_setg(errp,
                   "bridge helper '%s' %s: install QEMU's (Debian: "
                   "apt install qemu-system-common) or give helper=PATH",
                   helper, errno == ENOENT ? "not found" : g_strerror(errno));
        goto out;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        error_setg(errp, "bridge helper: socketpair: %s", g_strerror(errno));
        goto out;
    }
    if (is_cmd) {
        cmd = g_strdup_printf("%s %s %s", helper, fd_arg,
                              strstr(helper, "--br=") ? "" : br_arg);
    }
    const char *argv_cmd[] = {"/bin/sh", "-c", cmd, NULL};
    const char *argv_bin[] = {helper, fd_arg, br_arg, NULL};
    bool ok = tap_spawn(&c, is_cmd ? argv_cmd : argv_bin, sv[1], errp);
    close(sv[1]);
    if (!ok) {
        close(sv[0]);
        goto out;
    }
    tap_child_wait(&c, sv[0], &fd);
    close(sv[0]);
    if (!WIFEXITED(c.status) || WEXITSTATUS(c.status) != 0 || fd < 0) {
        char *st = WIFEXITED(c.status) && !WEXITSTATUS(c.status)
                       ? g_strdup("sent no tap fd")
                       : tap_status_str(c.status);
        char *o = tap_output_str(c.output);
        /* qemu-bridge-helper refuses bridges its ACL does not allow. */
        bool acl = strstr(c.output->str, "acl") != NULL;
        error_setg(errp, "bridge helper '%s' for bridge '%s' %s%s%s%s%s",
                   helper, bridge, st, o,
                   acl ? " (allow the bridge in /etc/qemu/bridge.conf: "
                         "'allow "
                       : "",
                   acl ? bridge : "", acl ? "')" : "");
        g_free(st);
        g_free(o);
        if (fd >= 0) {
            close(fd);
            fd = -1;
        }
    } else {
        fputs(c.output->str, stderr);
        ret = fd;
    }
    g_string_free(c.output, true);
out:
    g_free(fd_arg);
    g_free(br_arg);
    g_free(cmd);
    return ret;
}
