/*
 * -display curses (ui/curses.c) in a pseudo terminal, without a VGA: a
 * child process owns a test console whose "device" fills the text grid
 * (box drawing characters, colours, a cursor) and later switches to a
 * graphics mode; it runs the curses front end on the pty's slave side,
 * as emu would on a terminal.  The parent is the terminal: it reads what
 * curses draws (UTF-8 of the CP437 characters) and types keys, and the
 * child reports the PC key events they became through a pipe.
 *
 * Also the terminal-to-key table (ui/curses-keys.c) on its own.
 */
#include "tests/unit/harness.h"
#include "emu/keyval.h"
#include "emu/main-loop.h"
#include "ui/console.h"
#include "ui/curses-keys.h"
#include "ui/display.h"
#include "ui/input.h"

#include <glib.h>
#include <linux/input-event-codes.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the table, no terminal needed ---- */

static void check_ascii(int ch, int code, bool shift, bool ctrl)
{
    CursesKey k;
    if (!curses_key_from_ascii(ch, &k) || k.keycode != code ||
        k.shift != shift || k.ctrl != ctrl || k.alt) {
        test_fail(__FILE__, __LINE__, "0x%02x: key %d shift %d ctrl %d", ch,
                  k.keycode, k.shift, k.ctrl);
    }
}

static void test_ascii_keys(void)
{
    check_ascii('a', KEY_A, false, false);
    check_ascii('Z', KEY_Z, true, false);
    check_ascii('0', KEY_0, false, false);
    check_ascii('!', KEY_1, true, false);
    check_ascii('@', KEY_2, true, false);
    check_ascii(')', KEY_0, true, false);
    check_ascii('_', KEY_MINUS, true, false);
    check_ascii('=', KEY_EQUAL, false, false);
    check_ascii('{', KEY_LEFTBRACE, true, false);
    check_ascii('\\', KEY_BACKSLASH, false, false);
    check_ascii('|', KEY_BACKSLASH, true, false);
    check_ascii(':', KEY_SEMICOLON, true, false);
    check_ascii('"', KEY_APOSTROPHE, true, false);
    check_ascii('~', KEY_GRAVE, true, false);
    check_ascii('<', KEY_COMMA, true, false);
    check_ascii('.', KEY_DOT, false, false);
    check_ascii('?', KEY_SLASH, true, false);
    check_ascii(' ', KEY_SPACE, false, false);
    check_ascii('\r', KEY_ENTER, false, false);
    check_ascii('\t', KEY_TAB, false, false);
    check_ascii(0x7f, KEY_BACKSPACE, false, false);
    check_ascii(0x1b, KEY_ESC, false, false);
    check_ascii(0x03, KEY_C, false, true);
    check_ascii(0x1a, KEY_Z, false, true);
    check_ascii(0x1d, KEY_RIGHTBRACE, false, true);
    /* every printable character is typed by some key */
    for (int ch = 0x20; ch < 0x7f; ch++) {
        CursesKey k;
        if (!curses_key_from_ascii(ch, &k)) {
            test_fail(__FILE__, __LINE__, "'%c' has no key", ch);
        }
    }
    CursesKey k;
    CHECK(!curses_key_from_ascii(0x80, &k));
    CHECK(!curses_key_from_ascii(0xe9, &k));
}

/* ---- dpy_text_resize(con, 0, 0): "no grid now" ---- */

static int resizes;

static void count_resize(DisplayChangeListener *dcl, int cols, int rows)
{
    resizes++;
}

static void test_text_grid_none(void)
{
    static const DisplayChangeListenerOps ops = {
        .name = "counter", .dpy_text_resize = count_resize};
    DisplayChangeListener dcl = {.ops = &ops};
    Console *con = graphic_console_init("t", NULL, NULL);
    int cols = -1, rows = -1;

    register_displaychangelistener(&dcl);
    dpy_text_resize(con, 80, 25);
    CHECK(console_text(con, &cols, &rows) != NULL);
    CHECK(cols == 80 && rows == 25);
    dpy_text_resize(con, 0, 0);
    CHECK(console_text(con, &cols, &rows) == NULL);
    CHECK(cols == 0 && rows == 0);
    CHECK_EQ(resizes, 2);
    dpy_text_resize(con, 0, 0); /* said already: no second notice */
    CHECK_EQ(resizes, 2);
    dpy_text_resize(con, 0, 5); /* still refused */
    CHECK_EQ(resizes, 2);
    dpy_text_resize(con, 40, 25);
    CHECK(console_text(con, &cols, &rows) != NULL && cols == 40);
    CHECK_EQ(resizes, 3);
    unregister_displaychangelistener(&dcl);
    graphic_console_close(con);
}

#ifdef CONFIG_CURSES

/* ---- the child: a console and the curses front end ---- */

static int report_fd;
static bool graphics;

static void dev_text_update(void *opaque)
{
    Console *con = opaque ? opaque : console_get(0);
    if (graphics) {
        if (surface_width(console_surface(con)) != 640) {
            dpy_gfx_replace_surface(con, surface_create(640, 480));
        }
        dpy_text_resize(con, 0, 0);
        return;
    }
    int cols, rows;
    if (!console_text(con, &cols, &rows)) {
        dpy_text_resize(con, 80, 25);
        /* 0xC9 0xCD 0xBB: a box's top; "Hello" white on blue; 0x01 */
        static const uint8_t line[] = {0xC9, 0xCD, 0xBB, ' ', 'H', 'e',
                                       'l',  'l',  'o',  ' ', 0x01};
        for (size_t i = 0; i < sizeof(line); i++) {
            dpy_text_set(con, (int)i, 2, (ConsoleChar){line[i], 0x1f});
        }
        dpy_text_cursor(con, 5, 3, true);
    }
}

static const GraphicHwOps dev_ops = {.text_update = dev_text_update};

static void rec_event(void *opaque, const InputEvent *evt)
{
    if (evt->kind == INPUT_EVENT_KEY) {
        char line[32];
        int n = snprintf(line, sizeof(line), "%d %d\n", evt->u.key.keycode,
                         evt->u.key.down);
        if (write(report_fd, line, n) != n) {
            _exit(3);
        }
        if (evt->u.key.keycode == KEY_G && evt->u.key.down) {
            graphics = true;
        }
    }
}

static const InputHandler rec_handler = {
    .name = "recorder", .mask = INPUT_EVENT_MASK_KEY, .event = rec_event};

static void child(int fd)
{
    report_fd = fd;
    setenv("TERM", "xterm", 1);
    setenv("LANG", "C.UTF-8", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    graphic_console_init("test-vga", &dev_ops, NULL);
    input_handler_register(&rec_handler, NULL);
    const DisplayBackend *b = display_backend_find("curses");
    KeyValOpts opts = {0};
    Error *err = NULL;
    if (!b || !b->uses_terminal || b->init(&opts, &err) < 0) {
        fprintf(stderr, "curses init: %s\n", err ? error_get_pretty(err) : "");
        _exit(2);
    }
    /* The console's refresh timer is on CLOCK_MONO: run it until C-a x
     * asks for a shutdown (or 20 s pass: the parent gave up). */
    for (int i = 0; i < 2000 && !system_shutdown_requested(); i++) {
        usleep(10000);
        timers_run_expired(CLOCK_MONO);
    }
    /* what emu prints while curses runs is shown once it is gone */
    fprintf(stderr, "emu: message while curses ran\n");
    exit(system_shutdown_requested() ? 0 : 4);
}

/* ---- the parent: the terminal ---- */

typedef struct Term {
    int master, report;
    GString *screen; /* everything curses wrote */
    GString *keys;   /* the child's key reports */
} Term;

static void term_read(Term *t, int ms)
{
    struct pollfd p[2] = {{t->master, POLLIN, 0}, {t->report, POLLIN, 0}};
    if (poll(p, 2, ms) <= 0) {
        return;
    }
    char buf[4096];
    ssize_t n;
    if ((p[0].revents & (POLLIN | POLLHUP)) &&
        (n = read(t->master, buf, sizeof(buf))) > 0) {
        g_string_append_len(t->screen, buf, n);
    }
    if ((p[1].revents & (POLLIN | POLLHUP)) &&
        (n = read(t->report, buf, sizeof(buf))) > 0) {
        g_string_append_len(t->keys, buf, n);
    }
}

/* Wait up to 10 s for what to appear in s (from its offset from). */
static bool term_wait(Term *t, GString *s, size_t from, const char *what)
{
    for (int i = 0; i < 500; i++) {
        if (s->len > from && strstr(s->str + from, what)) {
            return true;
        }
        term_read(t, 20);
    }
    test_fail(__FILE__, __LINE__, "never saw \"%s\"", what);
    return false;
}

static void term_type(Term *t, const char *s)
{
    if (write(t->master, s, strlen(s)) != (ssize_t)strlen(s)) {
        test_fail(__FILE__, __LINE__, "write to the pty failed");
    }
}

static void test_curses_pty(void)
{
    int pipefd[2];
    Term t = {.screen = g_string_new(""), .keys = g_string_new("")};
    struct winsize ws = {.ws_row = 25, .ws_col = 80};

    CHECK_EQ(pipe(pipefd), 0);
    pid_t pid = forkpty(&t.master, NULL, NULL, &ws);
    if (pid == 0) {
        close(pipefd[0]);
        child(pipefd[1]);
    }
    CHECK(pid > 0);
    close(pipefd[1]);
    t.report = pipefd[0];

    /* the box corner U+2554 (UTF-8 e2 95 94), the text, the smiley U+263A */
    term_wait(&t, t.screen, 0, "\xe2\x95\x94\xe2\x95\x90\xe2\x95\x97");
    term_wait(&t, t.screen, 0, "Hello");
    term_wait(&t, t.screen, 0, "\xe2\x98\xba");

    /* 'A' is Shift+a; the up arrow (xterm's keypad sequence) is KEY_UP;
     * C-c is Ctrl+c (the guest's, not a signal to emu) */
    term_type(&t, "A");
    term_wait(&t, t.keys, 0, "42 1\n30 1\n30 0\n42 0\n");
    size_t mark = t.keys->len;
    term_type(&t, "\x1bOA");
    term_wait(&t, t.keys, mark, "103 1\n103 0\n");
    mark = t.keys->len;
    term_type(&t, "\x03");
    term_wait(&t, t.keys, mark, "29 1\n46 1\n46 0\n29 0\n");
    mark = t.keys->len;
    term_type(&t, "\x1b[15~"); /* F5 */
    term_wait(&t, t.keys, mark, "63 1\n63 0\n");

    /* 'g' makes the test device switch to a 640x480 graphics mode */
    size_t smark = t.screen->len;
    term_type(&t, "g");
    term_wait(&t, t.screen, smark,
              "graphics mode 640x480: not shown in curses");

    /* C-a x quits; C-a itself reached no key */
    mark = t.keys->len;
    term_type(&t, "\x01x");
    int status = -1;
    pid_t w = 0;
    /* a sleep each time: once the child closes its end, poll returns at
     * once (POLLHUP) and would not pace the loop */
    for (int i = 0; i < 1000 && (w = waitpid(pid, &status, WNOHANG)) == 0;
         i++) {
        term_read(&t, 0);
        usleep(10000);
    }
    if (w != pid) {
        test_fail(__FILE__, __LINE__, "waitpid: %d %s", (int)w,
                  w < 0 ? strerror(errno) : "(still running)");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        test_fail(__FILE__, __LINE__, "child status 0x%x", status);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    term_read(&t, 0);
    CHECK_EQ(t.keys->len, mark);
    const char *end = strstr(t.screen->str, "\x1b[?1049l");
    if (!end || !strstr(end, "emu: message while curses ran")) {
        test_fail(__FILE__, __LINE__,
                  "the message is not after the terminal's restore");
    }
    close(t.master);
    close(t.report);
    g_string_free(t.screen, true);
    g_string_free(t.keys, true);
}
#endif

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_ascii_keys);
    TEST_RUN(test_text_grid_none);
#ifdef CONFIG_CURSES
    TEST_RUN(test_curses_pty);
#else
    printf("SKIP: -display curses is not built (configure found no "
           "ncursesw)\n");
#endif
    return test_finish();
}
