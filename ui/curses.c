/*
 * -display curses: the guest's text screen in the terminal (ncursesw).
 *
 * A text front end: it shows the console's character grid (console_text,
 * filled by the device's text_update), not pixels.  Each cell's code page
 * 437 byte is printed as its Unicode character (ui/cp437.c), its VGA
 * attribute as a curses colour pair; the guest's cursor is the terminal's
 * cursor.  In a graphics mode there is no grid: one line says so.
 *
 * Keys: the terminal sends characters and escape sequences; ncurses
 * decodes the sequences (keypad mode), ui/curses-keys.c turns characters
 * into PC keys with the Shift/Ctrl they need, and each becomes a press
 * and a release (a terminal reports no key releases, so keys cannot be
 * held).  C-a x quits emu, C-a C-a sends C-a, as on the -nographic
 * console.
 *
 * The terminal is polled from the console's refresh timer (every 30 ms):
 * no thread, no file descriptor watch, and nothing runs while the grid and
 * the keyboard are idle but that poll.
 */
#include "emu/common.h"

#ifdef CONFIG_CURSES

#include "emu/main-loop.h"
#include "ui/console.h"
#include "ui/cp437.h"
#include "ui/curses-keys.h"
#include "ui/display.h"
#include "ui/input.h"

#include <curses.h>
#include <locale.h>
#include <strings.h>
#include <unistd.h>
#include <wchar.h>

#define CTRL_A 1

typedef struct CursesDisplay {
    DisplayChangeListener dcl;
    SCREEN *screen;
    bool dirty;       /* redraw the grid at the next refresh */
    bool colours16;   /* the terminal has 16 colours: bright without bold */
    bool escape_ca;   /* C-a seen: the next key is a command */
    int gfx_w, gfx_h; /* the console surface (for the graphics note) */
    int cursor_x, cursor_y; /* the guest's cursor, as dpy_text_cursor said */
    bool cursor_visible;
} CursesDisplay;

/* One terminal, one curses display. */
static CursesDisplay *curses_display;

/* VGA colour numbers (blue is 1, red 4) to curses' (red 1, blue 4). */
static const short vga_to_curses[8] = {
    COLOR_BLACK, COLOR_BLUE,    COLOR_GREEN,  COLOR_CYAN,
    COLOR_RED,   COLOR_MAGENTA, COLOR_YELLOW, COLOR_WHITE,
};

/* Pair 1 + fg * 8 + bg: fg 0-15 when the terminal has 16 colours, else
 * 0-7 with A_BOLD for the bright half. */
static void curses_init_colours(CursesDisplay *cd)
{
    if (!has_colors()) {
        return;
    }
    start_color();
    cd->colours16 = COLORS >= 16 && COLOR_PAIRS > 1 + 16 * 8;
    int nfg = cd->colours16 ? 16 : 8;
    for (int fg = 0; fg < nfg; fg++) {
        for (int bg = 0; bg < 8; bg++) {
            short cfg = vga_to_curses[fg & 7] + (fg & 8 ? 8 : 0);
            init_pair((short)(1 + fg * 8 + bg), cfg, vga_to_curses[bg]);
        }
    }
}

static void attr_to_curses(const CursesDisplay *cd, uint8_t attr, attr_t *attrs,
                           short *pair)
{
    int fg = attr & 0x0f, bg = (attr >> 4) & 7;
    *attrs = attr & 0x80 ? A_BLINK : A_NORMAL;
    if (!has_colors()) {
        *pair = 0;
        if (bg > fg) {
            *attrs |= A_REVERSE;
        }
        return;
    }
    if (!cd->colours16 && (fg & 8)) {
        *attrs |= A_BOLD;
        fg &= 7;
    }
    *pair = (short)(1 + fg * 8 + bg);
}

static void curses_draw(CursesDisplay *cd)
{
    Console *con = cd->dcl.con;
    int cols, rows;
    const ConsoleChar *grid = console_text(con, &cols, &rows);

    erase();
    if (!grid) {
        attrset(A_NORMAL);
        mvprintw(0, 0, "graphics mode %dx%d: not shown in curses", cd->gfx_w,
                 cd->gfx_h);
        curs_set(0);
        return;
    }
    int h = MIN(rows, LINES), w = MIN(cols, COLS);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            ConsoleChar c = grid[y * cols + x];
            wchar_t wc[2] = {cp437_to_unicode[c.ch], 0};
            attr_t attrs;
            short pair;
            cchar_t cc;
            attr_to_curses(cd, c.attr, &attrs, &pair);
            setcchar(&cc, wc, attrs, pair, NULL);
            mvadd_wch(y, x, &cc);
        }
    }
}

static void curses_place_cursor(CursesDisplay *cd)
{
    int cols, rows;
    if (console_text(cd->dcl.con, &cols, &rows) && cd->cursor_visible &&
        cd->cursor_y < LINES && cd->cursor_x < COLS) {
        move(cd->cursor_y, cd->cursor_x);
        curs_set(1);
    } else {
        curs_set(0);
    }
}

static void curses_special_key(int ch)
{
    static const struct {
        int ch;
        const char *name;
        bool shift;
    } keys[] = {
        {KEY_UP, "up", false},
        {KEY_DOWN, "down", false},
        {KEY_LEFT, "left", false},
        {KEY_RIGHT, "right", false},
        {KEY_SLEFT, "left", true},
        {KEY_SRIGHT, "right", true},
        {KEY_HOME, "home", false},
        {KEY_END, "end", false},
        {KEY_SHOME, "home", true},
        {KEY_SEND, "end", true},
        {KEY_PPAGE, "pgup", false},
        {KEY_NPAGE, "pgdn", false},
        {KEY_IC, "insert", false},
        {KEY_DC, "delete", false},
        {KEY_BACKSPACE, "backspace", false},
        {KEY_ENTER, "ret", false},
        {KEY_BTAB, "tab", true},
        {KEY_B2, "kp_5", false},
    };
    CursesKey k;
    char name[8];

    if (ch >= KEY_F(1) && ch <= KEY_F(24)) {
        /* xterm and the Linux console report Shift-F1 as F13 */
        int n = ch - KEY_F(0);
        snprintf(name, sizeof(name), "f%d", n > 12 ? n - 12 : n);
        if (curses_key_from_name(name, n > 12, &k)) {
            curses_key_send(&k);
        }
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        if (keys[i].ch == ch &&
            curses_key_from_name(keys[i].name, keys[i].shift, &k)) {
            curses_key_send(&k);
            return;
        }
    }
}

static void curses_poll_keys(CursesDisplay *cd)
{
    wint_t wch;
    int r;

    while ((r = get_wch(&wch)) != ERR) {
        if (r == KEY_CODE_YES) {
            if (wch == KEY_RESIZE) {
                cd->dirty = true;
            } else {
                curses_special_key((int)wch);
            }
            continue;
        }
        if (cd->escape_ca) {
            cd->escape_ca = false;
            if (wch == 'x') {
                system_shutdown_request(SHUTDOWN_CAUSE_HOST_UI, 0);
                continue;
            }
            if (wch != CTRL_A) {
                continue; /* an unknown command: dropped */
            }
        } else if (wch == CTRL_A) {
            cd->escape_ca = true;
            continue;
        }
        CursesKey k;
        if (wch < 0x80 && curses_key_from_ascii((int)wch, &k)) {
            curses_key_send(&k);
        }
    }
}

static void curses_refresh(DisplayChangeListener *dcl)
{
    CursesDisplay *cd = container_of(dcl, CursesDisplay, dcl);

    curses_poll_keys(cd);
    /* The pixels too: the device notices mode switches there, and a
     * screendump taken meanwhile sees the same screen. */
    graphic_hw_update(dcl->con);
    graphic_hw_text_update(dcl->con);
    if (cd->dirty) {
        cd->dirty = false;
        curses_draw(cd);
    }
    curses_place_cursor(cd);
    refresh();
}

static void curses_text_update(DisplayChangeListener *dcl, int x, int y, int w,
                               int h)
{
    container_of(dcl, CursesDisplay, dcl)->dirty = true;
}

static void curses_text_resize(DisplayChangeListener *dcl, int cols, int rows)
{
    container_of(dcl, CursesDisplay, dcl)->dirty = true;
}

static void curses_text_cursor(DisplayChangeListener *dcl, int x, int y,
                               bool visible)
{
    CursesDisplay *cd = container_of(dcl, CursesDisplay, dcl);
    cd->cursor_x = x;
    cd->cursor_y = y;
    cd->cursor_visible = visible;
}

static void curses_gfx_switch(DisplayChangeListener *dcl, DisplaySurface *s)
{
    CursesDisplay *cd = container_of(dcl, CursesDisplay, dcl);
    cd->gfx_w = surface_width(s);
    cd->gfx_h = surface_height(s);
    cd->dirty = true;
}

static const DisplayChangeListenerOps curses_ops = {
    .name = "curses",
    .dpy_refresh = curses_refresh,
    .dpy_gfx_switch = curses_gfx_switch,
    .dpy_text_update = curses_text_update,
    .dpy_text_resize = curses_text_resize,
    .dpy_text_cursor = curses_text_cursor,
};

/* While curses owns the terminal, messages emu prints on stderr (a
 * warning, the reason it stops) would land on curses' screen and vanish
 * with it at exit: they go to a temporary file instead and are printed on
 * the restored terminal at exit. */
static int saved_stderr = -1;
static FILE *stderr_buffer;

static void stderr_capture(void)
{
    if (!isatty(STDERR_FILENO) || !(stderr_buffer = tmpfile())) {
        return;
    }
    fflush(stderr);
    saved_stderr = dup(STDERR_FILENO);
    if (saved_stderr < 0 || dup2(fileno(stderr_buffer), STDERR_FILENO) < 0) {
        fclose(stderr_buffer);
        stderr_buffer = NULL;
    }
}

static void stderr_release(void)
{
    char buf[4096];
    size_t n;

    if (!stderr_buffer) {
        return;
    }
    fflush(stderr);
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    rewind(stderr_buffer);
    while ((n = fread(buf, 1, sizeof(buf), stderr_buffer)) > 0) {
        if (write(STDERR_FILENO, buf, n) < 0) {
            break;
        }
    }
    fclose(stderr_buffer);
    stderr_buffer = NULL;
}

static void curses_atexit(void)
{
    /* endwin only: the terminal back as it was.  The SCREEN stays (the
     * process is ending; freeing it here raced with ncurses' own exit). */
    if (curses_display) {
        endwin();
        stderr_release();
        curses_display = NULL;
    }
}

static bool curses_available(void)
{
    return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

static int curses_init(KeyValOpts *opts, Error **errp)
{
    const char *charset = keyval_get(opts, "charset");
    if (charset && strcasecmp(charset, "CP437") && strcasecmp(charset, "437")) {
        error_setg(errp,
                   "-display curses: charset '%s' is not supported (only "
                   "CP437)",
                   charset);
        return -1;
    }
    if (!console_get(0)) {
        error_setg(errp, "-display curses: no display device (-vga none)");
        return -1;
    }
    /* The terminal's own character set (UTF-8) for the wide characters. */
    setlocale(LC_CTYPE, "");
    static CursesDisplay cd;
    const char *term = getenv("TERM");
    cd.screen = newterm(term && *term ? term : "xterm", stdout, stdin);
    if (!cd.screen) {
        error_setg(errp, "-display curses: cannot use the terminal (TERM=%s)",
                   term ? term : "");
        return -1;
    }
    curses_display = &cd;
    atexit(curses_atexit);
    stderr_capture();
    raw(); /* C-c, C-z and C-s are the guest's keys */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curses_init_colours(&cd);
    cd.dirty = true;
    cd.dcl.ops = &curses_ops;
    cd.dcl.con = console_get(0);
    register_displaychangelistener(&cd.dcl);
    return 0;
}

static const DisplayBackend curses_backend = {
    .name = "curses",
    .help = "the text screen in this terminal (ncursesw); C-a x quits",
    .available = curses_available,
    .init = curses_init,
    .uses_terminal = true,
};
DISPLAY_BACKEND_REGISTER(curses_backend)

#endif
