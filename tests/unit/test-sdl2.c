/*
 * The SDL2 window (ui/sdl2.c, ui/sdl2-input.c) without a display server:
 * SDL's "dummy" video driver with its software renderer, events pushed
 * into SDL's queue, pixels read back with SDL_RenderReadPixels.
 *
 *  - the keymap: every key of a 105-key ISO board maps, no two to the
 *    same KEY_*, spot values against <linux/input-event-codes.h>;
 *  - surfaces in each pixman format the VGA can produce show the same
 *    colours (direct SDL formats and the pixman shadow), partial updates
 *    reach the window, nothing else does;
 *  - keyboard: presses, repeats, hot keys swallowed (default and rctrl
 *    grab-mod), focus loss releasing held keys;
 *  - mouse: a click grabs a relative mouse and is not passed on; while
 *    grabbed motion, buttons and wheel reach the guest;
 *  - the close button: quits, or not with window-close=off.
 */
#include "tests/unit/harness.h"

#ifdef CONFIG_SDL

#include "emu/main-loop.h"
#include "ui/input.h"
#include "ui/sdl2-internal.h"
#include <linux/input-event-codes.h>

/* ---- The keymap -------------------------------------------------------- */

/* A 105-key ISO board, row by row: the 104 keys of the US board and the
 * ISO key between left Shift and Z.  (The ISO key left of Enter reports
 * the US backslash key's scancode on PS/2 and under X.) */
static const SDL_Scancode iso105[] = {
    SDL_SCANCODE_ESCAPE,
    SDL_SCANCODE_F1,
    SDL_SCANCODE_F2,
    SDL_SCANCODE_F3,
    SDL_SCANCODE_F4,
    SDL_SCANCODE_F5,
    SDL_SCANCODE_F6,
    SDL_SCANCODE_F7,
    SDL_SCANCODE_F8,
    SDL_SCANCODE_F9,
    SDL_SCANCODE_F10,
    SDL_SCANCODE_F11,
    SDL_SCANCODE_F12,
    SDL_SCANCODE_PRINTSCREEN,
    SDL_SCANCODE_SCROLLLOCK,
    SDL_SCANCODE_PAUSE,
    /* */
    SDL_SCANCODE_GRAVE,
    SDL_SCANCODE_1,
    SDL_SCANCODE_2,
    SDL_SCANCODE_3,
    SDL_SCANCODE_4,
    SDL_SCANCODE_5,
    SDL_SCANCODE_6,
    SDL_SCANCODE_7,
    SDL_SCANCODE_8,
    SDL_SCANCODE_9,
    SDL_SCANCODE_0,
    SDL_SCANCODE_MINUS,
    SDL_SCANCODE_EQUALS,
    SDL_SCANCODE_BACKSPACE,
    SDL_SCANCODE_INSERT,
    SDL_SCANCODE_HOME,
    SDL_SCANCODE_PAGEUP,
    SDL_SCANCODE_NUMLOCKCLEAR,
    SDL_SCANCODE_KP_DIVIDE,
    SDL_SCANCODE_KP_MULTIPLY,
    SDL_SCANCODE_KP_MINUS,
    /* */
    SDL_SCANCODE_TAB,
    SDL_SCANCODE_Q,
    SDL_SCANCODE_W,
    SDL_SCANCODE_E,
    SDL_SCANCODE_R,
    SDL_SCANCODE_T,
    SDL_SCANCODE_Y,
    SDL_SCANCODE_U,
    SDL_SCANCODE_I,
    SDL_SCANCODE_O,
    SDL_SCANCODE_P,
    SDL_SCANCODE_LEFTBRACKET,
    SDL_SCANCODE_RIGHTBRACKET,
    SDL_SCANCODE_BACKSLASH,
    SDL_SCANCODE_DELETE,
    SDL_SCANCODE_END,
    SDL_SCANCODE_PAGEDOWN,
    SDL_SCANCODE_KP_7,
    SDL_SCANCODE_KP_8,
    SDL_SCANCODE_KP_9,
    SDL_SCANCODE_KP_PLUS,
    /* */
    SDL_SCANCODE_CAPSLOCK,
    SDL_SCANCODE_A,
    SDL_SCANCODE_S,
    SDL_SCANCODE_D,
    SDL_SCANCODE_F,
    SDL_SCANCODE_G,
    SDL_SCANCODE_H,
    SDL_SCANCODE_J,
    SDL_SCANCODE_K,
    SDL_SCANCODE_L,
    SDL_SCANCODE_SEMICOLON,
    SDL_SCANCODE_APOSTROPHE,
    SDL_SCANCODE_RETURN,
    SDL_SCANCODE_KP_4,
    SDL_SCANCODE_KP_5,
    SDL_SCANCODE_KP_6,
    /* */
    SDL_SCANCODE_LSHIFT,
    SDL_SCANCODE_NONUSBACKSLASH,
    SDL_SCANCODE_Z,
    SDL_SCANCODE_X,
    SDL_SCANCODE_C,
    SDL_SCANCODE_V,
    SDL_SCANCODE_B,
    SDL_SCANCODE_N,
    SDL_SCANCODE_M,
    SDL_SCANCODE_COMMA,
    SDL_SCANCODE_PERIOD,
    SDL_SCANCODE_SLASH,
    SDL_SCANCODE_RSHIFT,
    SDL_SCANCODE_UP,
    SDL_SCANCODE_KP_1,
    SDL_SCANCODE_KP_2,
    SDL_SCANCODE_KP_3,
    SDL_SCANCODE_KP_ENTER,
    /* */
    SDL_SCANCODE_LCTRL,
    SDL_SCANCODE_LGUI,
    SDL_SCANCODE_LALT,
    SDL_SCANCODE_SPACE,
    SDL_SCANCODE_RALT,
    SDL_SCANCODE_RGUI,
    SDL_SCANCODE_APPLICATION,
    SDL_SCANCODE_RCTRL,
    SDL_SCANCODE_LEFT,
    SDL_SCANCODE_DOWN,
    SDL_SCANCODE_RIGHT,
    SDL_SCANCODE_KP_0,
    SDL_SCANCODE_KP_PERIOD,
};

static void test_keymap_iso105(void)
{
    static bool seen[KEY_MAX + 1];

    CHECK_EQ(ARRAY_SIZE(iso105), 105);
    for (size_t i = 0; i < ARRAY_SIZE(iso105); i++) {
        int key = sdl2_scancode_to_key(iso105[i]);
        if (key <= 0 || key > KEY_MAX) {
            test_fail(__FILE__, __LINE__, "%s maps to nothing",
                      SDL_GetScancodeName(iso105[i]));
            continue;
        }
        if (seen[key]) {
            test_fail(__FILE__, __LINE__, "%s: KEY %d given twice",
                      SDL_GetScancodeName(iso105[i]), key);
        }
        seen[key] = true;
    }
}

static void test_keymap_values(void)
{
    static const struct {
        SDL_Scancode sc;
        int key;
    } spot[] = {
        {SDL_SCANCODE_A, KEY_A},
        {SDL_SCANCODE_Z, KEY_Z},
        {SDL_SCANCODE_0, KEY_0},
        {SDL_SCANCODE_RETURN, KEY_ENTER},
        {SDL_SCANCODE_ESCAPE, KEY_ESC},
        {SDL_SCANCODE_GRAVE, KEY_GRAVE},
        {SDL_SCANCODE_PERIOD, KEY_DOT},
        {SDL_SCANCODE_NONUSBACKSLASH, KEY_102ND},
        {SDL_SCANCODE_NONUSHASH, KEY_BACKSLASH},
        {SDL_SCANCODE_PRINTSCREEN, KEY_SYSRQ},
        {SDL_SCANCODE_PAUSE, KEY_PAUSE},
        {SDL_SCANCODE_LCTRL, KEY_LEFTCTRL},
        {SDL_SCANCODE_RCTRL, KEY_RIGHTCTRL},
        {SDL_SCANCODE_LALT, KEY_LEFTALT},
        {SDL_SCANCODE_RALT, KEY_RIGHTALT},
        {SDL_SCANCODE_LGUI, KEY_LEFTMETA},
        {SDL_SCANCODE_RGUI, KEY_RIGHTMETA},
        {SDL_SCANCODE_APPLICATION, KEY_COMPOSE},
        {SDL_SCANCODE_F1, KEY_F1},
        {SDL_SCANCODE_F11, KEY_F11},
        {SDL_SCANCODE_F12, KEY_F12},
        {SDL_SCANCODE_NUMLOCKCLEAR, KEY_NUMLOCK},
        {SDL_SCANCODE_KP_DIVIDE, KEY_KPSLASH},
        {SDL_SCANCODE_KP_MULTIPLY, KEY_KPASTERISK},
        {SDL_SCANCODE_KP_ENTER, KEY_KPENTER},
        {SDL_SCANCODE_KP_PERIOD, KEY_KPDOT},
        {SDL_SCANCODE_KP_0, KEY_KP0},
        {SDL_SCANCODE_UP, KEY_UP},
        {SDL_SCANCODE_DELETE, KEY_DELETE},
        {SDL_SCANCODE_MUTE, KEY_MUTE},
        {SDL_SCANCODE_INTERNATIONAL3, KEY_YEN},
    };
    for (size_t i = 0; i < ARRAY_SIZE(spot); i++) {
        CHECK_EQ(sdl2_scancode_to_key(spot[i].sc), spot[i].key);
    }
    /* Out of range and unmapped scancodes give nothing. */
    CHECK_EQ(sdl2_scancode_to_key(SDL_SCANCODE_UNKNOWN), 0);
    CHECK_EQ(sdl2_scancode_to_key((SDL_Scancode)SDL_NUM_SCANCODES), 0);
    CHECK_EQ(sdl2_scancode_to_key((SDL_Scancode)-1), 0);
}

/* ---- A console and a window on the dummy driver ------------------------ */

static Console *con;
static int hw_updates;

static void fake_gfx_update(void *opaque)
{
    hw_updates++;
}

static const GraphicHwOps fake_ops = {.gfx_update = fake_gfx_update};

static SDL2Display *open_window(const char *optstr)
{
    KeyValOpts opts;
    Error *err = NULL;
    SDL2Display *s = NULL;

    if (keyval_split(optstr, &opts, &err) == 0) {
        s = sdl2_display_open(&opts, &err);
        CHECK(keyval_unused(&opts) == NULL);
        keyval_free(&opts);
    }
    if (!s) {
        test_fail(__FILE__, __LINE__, "open %s: %s", optstr,
                  error_get_pretty(err));
        error_free(err);
    }
    return s;
}

/* The window's pixel (x, y) as 0xRRGGBB. */
static uint32_t window_pixel(SDL2Display *s, int x, int y)
{
    SDL_Rect r = {x, y, 1, 1};
    uint32_t px = 0;
    if (SDL_RenderReadPixels(s->renderer, &r, SDL_PIXELFORMAT_ARGB8888, &px,
                             4) < 0) {
        test_fail(__FILE__, __LINE__, "read pixels: %s", SDL_GetError());
    }
    return px & 0xffffff;
}

/* Four stripes of 4 pixels: red, green, blue, white; raw pixel values for
 * each format written by hand from its channel layout. */
static const struct {
    const char *name;
    pixman_format_code_t fmt;
    uint32_t raw[4]; /* red, green, blue, white */
} formats[] = {
    {"x8r8g8b8",
     PIXMAN_x8r8g8b8,
     {0x00ff0000, 0x0000ff00, 0x000000ff, 0x00ffffff}},
    /* Alpha 0 from the guest must not make the screen transparent. */
    {"a8r8g8b8",
     PIXMAN_a8r8g8b8,
     {0x00ff0000, 0x0000ff00, 0x000000ff, 0x00ffffff}},
    {"x8b8g8r8",
     PIXMAN_x8b8g8r8,
     {0x000000ff, 0x0000ff00, 0x00ff0000, 0x00ffffff}},
    {"b8g8r8x8",
     PIXMAN_b8g8r8x8,
     {0x0000ff00, 0x00ff0000, 0xff000000, 0xffffff00}},
    {"r5g6b5", PIXMAN_r5g6b5, {0xf800, 0x07e0, 0x001f, 0xffff}},
    {"x1r5g5b5", PIXMAN_x1r5g5b5, {0x7c00, 0x03e0, 0x001f, 0x7fff}},
    /* 24 bpp: little-endian 0xRRGGBB, written byte by byte below. */
    {"r8g8b8", PIXMAN_r8g8b8, {0xff0000, 0x00ff00, 0x0000ff, 0xffffff}},
    {"b8g8r8", PIXMAN_b8g8r8, {0x0000ff, 0x00ff00, 0xff0000, 0xffffff}},
    /* No SDL texture format here: through the pixman shadow. */
    {"r3g3b2", PIXMAN_r3g3b2, {0xe0, 0x1c, 0x03, 0xff}},
    {"x4r4g4b4", PIXMAN_x4r4g4b4, {0x0f00, 0x00f0, 0x000f, 0x0fff}},
};

static void put_pixel(uint8_t *line, int bpp, int x, uint32_t v)
{
    for (int i = 0; i < bpp; i++) { /* little-endian host */
        line[x * bpp + i] = v >> (8 * i);
    }
}

static DisplaySurface *stripes(pixman_format_code_t fmt, const uint32_t *raw,
                               uint8_t **buf)
{
    int bpp = PIXMAN_FORMAT_BPP(fmt) / 8, stride = (16 * bpp + 3) & ~3;
    *buf = calloc(8, stride);
    for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 16; x++) {
            put_pixel(*buf + y * stride, bpp, x, raw[x / 4]);
        }
    }
    return surface_create_from_data(16, 8, fmt, stride, *buf);
}

static void test_formats(void)
{
    static const uint32_t want[4] = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff};
    SDL2Display *s = open_window("");
    if (!s) {
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
        uint8_t *buf;
        DisplaySurface *surf = stripes(formats[i].fmt, formats[i].raw, &buf);
        CHECK(surf != NULL);
        if (!surf) {
            free(buf);
            continue;
        }
        dpy_gfx_replace_surface(con, surf);
        CHECK_EQ(s->width, 16);
        CHECK_EQ(s->height, 8);
        sdl2_refresh(s);
        int w, h;
        SDL_GetWindowSize(s->window, &w, &h);
        CHECK_EQ(w, 16); /* the window follows the guest's size */
        CHECK_EQ(h, 8);
        for (int st = 0; st < 4; st++) {
            for (int y = 0; y < 8; y += 7) {
                uint32_t got = window_pixel(s, st * 4 + 1, y);
                if (got != want[st]) {
                    test_fail(__FILE__, __LINE__,
                              "%s stripe %d row %d: %06x, want %06x",
                              formats[i].name, st, y, got, want[st]);
                }
            }
        }
        /* Change two pixels; only the one the device reports shows. */
        int bpp = PIXMAN_FORMAT_BPP(formats[i].fmt) / 8;
        int stride = surface_stride(surf);
        put_pixel(buf + 2 * stride, bpp, 1, 0);  /* (1,2) black, told */
        put_pixel(buf + 5 * stride, bpp, 13, 0); /* (13,5) black, untold */
        dpy_gfx_update(con, 1, 2, 1, 1);
        sdl2_refresh(s);
        CHECK_EQ(window_pixel(s, 1, 2), 0);
        CHECK_EQ(window_pixel(s, 13, 5), 0xffffff);
        CHECK_EQ(window_pixel(s, 2, 2), 0xff0000);
        dpy_gfx_replace_surface(con, NULL);
        free(buf);
    }
    sdl2_display_close(s);
}

static void test_refresh_asks_device(void)
{
    SDL2Display *s = open_window("");
    if (!s) {
        return;
    }
    int before = hw_updates;
    sdl2_refresh(s);
    sdl2_refresh(s);
    CHECK_EQ(hw_updates - before, 2);
    /* Minimised: the device is not asked, the timer slows down. */
    SDL_Event ev = {.type = SDL_WINDOWEVENT};
    ev.window.event = SDL_WINDOWEVENT_MINIMIZED;
    SDL_PushEvent(&ev);
    before = hw_updates;
    sdl2_refresh(s);
    CHECK_EQ(hw_updates - before, 0);
    CHECK_EQ(s->dcl.update_interval, GUI_REFRESH_INTERVAL_IDLE);
    ev.window.event = SDL_WINDOWEVENT_RESTORED;
    SDL_PushEvent(&ev);
    sdl2_refresh(s);
    CHECK_EQ(hw_updates - before, 1);
    CHECK_EQ(s->dcl.update_interval, GUI_REFRESH_INTERVAL_DEFAULT);
    sdl2_display_close(s);
}

/* ---- Input ------------------------------------------------------------- */

#define MAX_EVENTS 64
static InputEvent got[MAX_EVENTS];
static int nr_got, nr_sync;

static void rec_event(void *opaque, const InputEvent *e)
{
    if (nr_got < MAX_EVENTS) {
        got[nr_got++] = *e;
    }
}

static void rec_sync(void *opaque)
{
    nr_sync++;
}

static const InputHandler rec_handler = {
    .name = "recorder",
    .mask = INPUT_EVENT_MASK_KEY | INPUT_EVENT_MASK_BTN | INPUT_EVENT_MASK_REL,
    .event = rec_event,
    .sync = rec_sync,
};

static void push_key(SDL_Scancode sc, bool down, bool repeat)
{
    SDL_Event ev = {.type = down ? SDL_KEYDOWN : SDL_KEYUP};
    ev.key.state = down ? SDL_PRESSED : SDL_RELEASED;
    ev.key.repeat = repeat;
    ev.key.keysym.scancode = sc;
    SDL_PushEvent(&ev);
}

static void push_window(Uint8 what)
{
    SDL_Event ev = {.type = SDL_WINDOWEVENT};
    ev.window.event = what;
    SDL_PushEvent(&ev);
}

static void push_button(Uint8 button, bool down)
{
    SDL_Event ev = {.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP};
    ev.button.button = button;
    ev.button.state = down ? SDL_PRESSED : SDL_RELEASED;
    SDL_PushEvent(&ev);
}

/* The recorded key events as "+30 -30" (down/up KEY_*). */
static const char *keys_got(void)
{
    static char buf[512];
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < nr_got && n < sizeof(buf) - 16; i++) {
        if (got[i].kind == INPUT_EVENT_KEY) {
            n += snprintf(buf + n, sizeof(buf) - n, "%s%c%d", n ? " " : "",
                          got[i].u.key.down ? '+' : '-', got[i].u.key.keycode);
        }
    }
    return buf;
}

static void test_keys(void)
{
    char want[128];
    InputHandlerState *h = input_handler_register(&rec_handler, NULL);
    SDL2Display *s = open_window("");
    if (!s) {
        input_handler_unregister(h);
        return;
    }
    nr_got = 0;
    push_key(SDL_SCANCODE_A, true, false);
    push_key(SDL_SCANCODE_A, true, true); /* auto-repeat */
    push_key(SDL_SCANCODE_A, false, false);
    push_key(SDL_SCANCODE_B, false, false); /* no press seen: dropped */
    sdl2_refresh(s);
    snprintf(want, sizeof(want), "+%d +%d -%d", KEY_A, KEY_A, KEY_A);
    CHECK_STR(keys_got(), want);

    /* Ctrl-Alt-G: the guest sees Ctrl and Alt, never the G; the grab
     * begins and the title says how to end it. */
    nr_got = 0;
    push_key(SDL_SCANCODE_LCTRL, true, false);
    push_key(SDL_SCANCODE_LALT, true, false);
    push_key(SDL_SCANCODE_G, true, false);
    push_key(SDL_SCANCODE_G, false, false);
    push_key(SDL_SCANCODE_LALT, false, false);
    push_key(SDL_SCANCODE_LCTRL, false, false);
    sdl2_refresh(s);
    snprintf(want, sizeof(want), "+%d +%d -%d -%d", KEY_LEFTCTRL, KEY_LEFTALT,
             KEY_LEFTALT, KEY_LEFTCTRL);
    CHECK_STR(keys_got(), want);
    CHECK(s->grabbed);
    CHECK(strstr(SDL_GetWindowTitle(s->window),
                 "Press Ctrl-Alt-G to exit grab") != NULL);

    /* Right Ctrl is not the default prefix: its G reaches the guest. */
    nr_got = 0;
    push_key(SDL_SCANCODE_RCTRL, true, false);
    push_key(SDL_SCANCODE_LALT, true, false);
    push_key(SDL_SCANCODE_G, true, false);
    push_key(SDL_SCANCODE_G, false, false);
    push_key(SDL_SCANCODE_LALT, false, false);
    push_key(SDL_SCANCODE_RCTRL, false, false);
    sdl2_refresh(s);
    snprintf(want, sizeof(want), "+%d +%d +%d -%d -%d -%d", KEY_RIGHTCTRL,
             KEY_LEFTALT, KEY_G, KEY_G, KEY_LEFTALT, KEY_RIGHTCTRL);
    CHECK_STR(keys_got(), want);
    CHECK(s->grabbed);

    /* Ctrl-Alt-G again ends the grab; Ctrl-Alt-U is swallowed too. */
    nr_got = 0;
    push_key(SDL_SCANCODE_LCTRL, true, false);
    push_key(SDL_SCANCODE_LALT, true, false);
    push_key(SDL_SCANCODE_G, true, false);
    push_key(SDL_SCANCODE_G, false, false);
    push_key(SDL_SCANCODE_U, true, false);
    push_key(SDL_SCANCODE_U, false, false);
    sdl2_refresh(s);
    CHECK(!s->grabbed);
    CHECK_STR(SDL_GetWindowTitle(s->window), "emu");
    snprintf(want, sizeof(want), "+%d +%d", KEY_LEFTCTRL, KEY_LEFTALT);
    CHECK_STR(keys_got(), want);

    /* Focus lost with Ctrl, Alt and X held: all three are released. */
    nr_got = 0;
    push_key(SDL_SCANCODE_X, true, false);
    push_window(SDL_WINDOWEVENT_FOCUS_LOST);
    push_key(SDL_SCANCODE_X, false, false); /* already released */
    sdl2_refresh(s);
    int ups = 0;
    for (int i = 1; i < nr_got; i++) {
        CHECK(got[i].kind == INPUT_EVENT_KEY && !got[i].u.key.down);
        ups++;
    }
    CHECK_EQ(ups, 3);
    CHECK(nr_got >= 1 && got[0].u.key.keycode == KEY_X && got[0].u.key.down);
    for (int k = 0; k < SDL2_KEYS / 8; k++) {
        CHECK_EQ(s->keys_down[k], 0);
    }
    sdl2_display_close(s);

    /* grab-mod=rctrl: Right Ctrl + G grabs, Ctrl-Alt-G is a key. */
    s = open_window("grab-mod=rctrl");
    if (s) {
        nr_got = 0;
        push_key(SDL_SCANCODE_LCTRL, true, false);
        push_key(SDL_SCANCODE_LALT, true, false);
        push_key(SDL_SCANCODE_G, true, false);
        push_key(SDL_SCANCODE_G, false, false);
        push_key(SDL_SCANCODE_LALT, false, false);
        push_key(SDL_SCANCODE_LCTRL, false, false);
        push_key(SDL_SCANCODE_RCTRL, true, false);
        push_key(SDL_SCANCODE_G, true, false);
        push_key(SDL_SCANCODE_G, false, false);
        push_key(SDL_SCANCODE_RCTRL, false, false);
        sdl2_refresh(s);
        snprintf(want, sizeof(want), "+%d +%d +%d -%d -%d -%d +%d -%d",
                 KEY_LEFTCTRL, KEY_LEFTALT, KEY_G, KEY_G, KEY_LEFTALT,
                 KEY_LEFTCTRL, KEY_RIGHTCTRL, KEY_RIGHTCTRL);
        CHECK_STR(keys_got(), want);
        CHECK(s->grabbed);
        CHECK(strstr(SDL_GetWindowTitle(s->window),
                     "Press Right-Ctrl-G to exit grab") != NULL);
        sdl2_display_close(s);
    }
    input_handler_unregister(h);
}

static void test_mouse(void)
{
    InputHandlerState *h = input_handler_register(&rec_handler, NULL);
    SDL2Display *s = open_window("");
    if (!s) {
        input_handler_unregister(h);
        return;
    }
    CHECK(!input_mouse_is_absolute());
    /* Not grabbed: the click is the host's and takes the grab. */
    nr_got = 0;
    push_button(SDL_BUTTON_LEFT, true);
    push_button(SDL_BUTTON_LEFT, false);
    sdl2_refresh(s);
    CHECK_EQ(nr_got, 0);
    CHECK(s->grabbed);

    nr_got = nr_sync = 0;
    SDL_Event ev = {.type = SDL_MOUSEMOTION};
    ev.motion.xrel = 5;
    ev.motion.yrel = -3;
    SDL_PushEvent(&ev);
    push_button(SDL_BUTTON_RIGHT, true);
    push_button(SDL_BUTTON_RIGHT, false);
    SDL_Event wh = {.type = SDL_MOUSEWHEEL};
    wh.wheel.y = -1;
    SDL_PushEvent(&wh);
    sdl2_refresh(s);
    CHECK_EQ(nr_got, 6);
    if (nr_got == 6) {
        CHECK(got[0].kind == INPUT_EVENT_REL &&
              got[0].u.move.axis == INPUT_AXIS_X && got[0].u.move.value == 5);
        CHECK(got[1].kind == INPUT_EVENT_REL &&
              got[1].u.move.axis == INPUT_AXIS_Y && got[1].u.move.value == -3);
        CHECK(got[2].kind == INPUT_EVENT_BTN &&
              got[2].u.btn.button == INPUT_BUTTON_RIGHT && got[2].u.btn.down);
        CHECK(got[3].kind == INPUT_EVENT_BTN && !got[3].u.btn.down);
        CHECK(got[4].kind == INPUT_EVENT_BTN &&
              got[4].u.btn.button == INPUT_BUTTON_WHEEL_DOWN &&
              got[4].u.btn.down);
        CHECK(got[5].kind == INPUT_EVENT_BTN &&
              got[5].u.btn.button == INPUT_BUTTON_WHEEL_DOWN &&
              !got[5].u.btn.down);
    }
    CHECK_EQ(nr_sync, 5); /* motion, 2 buttons, 2 wheel halves */

    /* A button held when the focus goes is released. */
    nr_got = 0;
    push_button(SDL_BUTTON_MIDDLE, true);
    push_window(SDL_WINDOWEVENT_FOCUS_LOST);
    sdl2_refresh(s);
    CHECK_EQ(nr_got, 2);
    CHECK(got[1].kind == INPUT_EVENT_BTN &&
          got[1].u.btn.button == INPUT_BUTTON_MIDDLE && !got[1].u.btn.down);
    CHECK(!s->grabbed); /* and the grab ends */
    sdl2_display_close(s);
    input_handler_unregister(h);
}

static void test_close_button(void)
{
    int status = -1;
    system_requests_clear();
    SDL2Display *s = open_window("window-close=off");
    if (s) {
        push_window(SDL_WINDOWEVENT_CLOSE);
        sdl2_refresh(s);
        CHECK_EQ(system_shutdown_pending(NULL), SHUTDOWN_CAUSE_NONE);
        sdl2_display_close(s);
    }
    s = open_window("");
    if (s) {
        push_window(SDL_WINDOWEVENT_CLOSE);
        sdl2_refresh(s);
        CHECK_EQ(system_shutdown_pending(&status), SHUTDOWN_CAUSE_HOST_UI);
        CHECK_EQ(status, 0);
        sdl2_display_close(s);
    }
    system_requests_clear();
}

static void test_bad_options(void)
{
    static const char *bad[] = {"grab-mod=lalt", "full-screen=maybe",
                                "window-close=2"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        KeyValOpts opts;
        Error *err = NULL;
        CHECK_EQ(keyval_split(bad[i], &opts, &err), 0);
        SDL2Display *s = sdl2_display_open(&opts, &err);
        CHECK(s == NULL);
        CHECK(err != NULL);
        if (err) {
            const char *msg = error_get_pretty(err);
            CHECK(strchr(msg, '\n') == NULL);
            CHECK(strstr(msg, "-display sdl") != NULL);
            error_free(err);
        }
        sdl2_display_close(s);
        keyval_free(&opts);
    }
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_keymap_iso105);
    TEST_RUN(test_keymap_values);

    setenv("SDL_VIDEODRIVER", "dummy", 1);
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) < 0) {
        printf("SKIP: SDL's dummy video driver: %s\n", SDL_GetError());
        return test_finish();
    }
    con = graphic_console_init("test", &fake_ops, NULL);
    TEST_RUN(test_formats);
    TEST_RUN(test_refresh_asks_device);
    TEST_RUN(test_keys);
    TEST_RUN(test_mouse);
    TEST_RUN(test_close_button);
    TEST_RUN(test_bad_options);
    graphic_console_close(con);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    return test_finish();
}

#else

int main(void)
{
    printf("SKIP: emu is built without SDL2 (configure found no sdl2)\n");
    return 77;
}

#endif
