/*
 * "stdio" chardev: the emulator's own terminal.  When stdin is a tty it is
 * put in raw mode (no echo, no line editing, no flow control; ISIG kept
 * unless signal=off so ^C still interrupts), restored by
 * chardev_cleanup_all(), at exit, and on SIGINT/SIGTERM/SIGHUP when nobody
 * else handles those.  Without a tty (CI, pipes) it just reads and writes.
 * stdin EOF stops input polling (no spinning); stdout stays a blocking
 * descriptor, written only when poll() says it can take data.
 */
#include "emu/common.h"
#include "system/chardev-internal.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_tty;
static volatile sig_atomic_t tty_saved;
static bool stdio_in_use;

void chr_stdio_restore_term(void)
{
    if (tty_saved) {
        tcsetattr(0, TCSANOW, &saved_tty);
        tty_saved = 0;
    }
}

static void stdio_atexit(void)
{
    chr_stdio_restore_term();
}

static void stdio_fatal_signal(int sig)
{
    /* tcsetattr is async-signal-safe. */
    chr_stdio_restore_term();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void stdio_install_signal(int sig)
{
    struct sigaction old;
    if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
        !(old.sa_flags & SA_SIGINFO)) {
        struct sigaction sa = {0};
        sa.sa_handler = stdio_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sig, &sa, NULL);
    }
}

static void stdio_set_raw(bool allow_signals)
{
    struct termios tty;
    if (tcgetattr(0, &tty) < 0) {
        return;
    }
    if (!tty_saved) {
        saved_tty = tty;
        tty_saved = 1;
        static bool hooked;
        if (!hooked) {
            hooked = true;
            atexit(stdio_atexit);
        }
        stdio_install_signal(SIGINT);
        stdio_install_signal(SIGTERM);
        stdio_install_signal(SIGHUP);
    }
    tty.c_iflag &=
        ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    tty.c_oflag |= OPOST; /* keep \n -> \r\n for our own messages */
    tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!allow_signals) {
        tty.c_lflag &= ~ISIG;
    }
    tty.c_cflag &= ~(CSIZE | PARENB);
    tty.c_cflag |= CS8;
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    tcsetattr(0, TCSANOW, &tty);
}

static int stdio_open(Chardev *chr, ChrOpts *opts, Error **errp)
{
    bool sig;
    if (chr_opt_bool(opts, "signal", true, &sig, errp) < 0) {
        return -1;
    }
    if (stdio_in_use) {
        error_setg(errp, "stdio is already in use by another chardev");
        return -1;
    }
    stdio_in_use = true;
    /* A closed stdout pipe must not kill emu: writes then fail with EPIPE. */
    struct sigaction old;
    if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
        signal(SIGPIPE, SIG_IGN);
    }
    if (isatty(0)) {
        stdio_set_raw(sig);
    }
    chr_fd_init(chr, 0, 1, false);
    return 0;
}

static int stdio_write(Chardev *chr, const uint8_t *buf, int len)
{
    int r = chr_fd_write(chr, buf, len);
    if (r < 0) {
        /* stdout closed or broken: nobody reads, drop (QEMU does too). */
        return len;
    }
    return r;
}

static void stdio_close(Chardev *chr)
{
    chr_fd_stop(chr);
    chr_stdio_restore_term();
    stdio_in_use = false;
}

const ChardevClass chardev_stdio_class = {
    .name = "stdio",
    .size = sizeof(Chardev),
    .open = stdio_open,
    .write = stdio_write,
    .wait_writable = chr_fd_wait_writable,
    .watch_added = chr_fd_watch_added,
    .close = stdio_close,
};
