/*
 * The SDL2 window's keyboard and mouse (ui/sdl2-internal.h): SDL
 * scancodes to Linux KEY_* codes (ui/input.h), the hot keys behind the
 * grab modifiers, relative mouse motion while the mouse is grabbed.
 *
 * SDL scancodes are USB HID usages (page 7, "Keyboard/Keypad"), named
 * after the key's place on a US board whatever the host's layout: the
 * guest gets the position, and its own layout gives the character, as on
 * real hardware.  The table covers every key of a 105-key ISO board (the
 * 104 US keys plus KEY_102ND, the key left of Z) and the Japanese,
 * Korean and multimedia keys PS/2 keyboards have.
 */
#include "emu/common.h"

#ifdef CONFIG_SDL

#include "ui/input.h"
#include "ui/sdl2-internal.h"
#include <linux/input-event-codes.h>

static const uint16_t sdl2_keymap[SDL_NUM_SCANCODES] = {
    [SDL_SCANCODE_A] = KEY_A,
    [SDL_SCANCODE_B] = KEY_B,
    [SDL_SCANCODE_C] = KEY_C,
    [SDL_SCANCODE_D] = KEY_D,
    [SDL_SCANCODE_E] = KEY_E,
    [SDL_SCANCODE_F] = KEY_F,
    [SDL_SCANCODE_G] = KEY_G,
    [SDL_SCANCODE_H] = KEY_H,
    [SDL_SCANCODE_I] = KEY_I,
    [SDL_SCANCODE_J] = KEY_J,
    [SDL_SCANCODE_K] = KEY_K,
    [SDL_SCANCODE_L] = KEY_L,
    [SDL_SCANCODE_M] = KEY_M,
    [SDL_SCANCODE_N] = KEY_N,
    [SDL_SCANCODE_O] = KEY_O,
    [SDL_SCANCODE_P] = KEY_P,
    [SDL_SCANCODE_Q] = KEY_Q,
    [SDL_SCANCODE_R] = KEY_R,
    [SDL_SCANCODE_S] = KEY_S,
    [SDL_SCANCODE_T] = KEY_T,
    [SDL_SCANCODE_U] = KEY_U,
    [SDL_SCANCODE_V] = KEY_V,
    [SDL_SCANCODE_W] = KEY_W,
    [SDL_SCANCODE_X] = KEY_X,
    [SDL_SCANCODE_Y] = KEY_Y,
    [SDL_SCANCODE_Z] = KEY_Z,
    [SDL_SCANCODE_1] = KEY_1,
    [SDL_SCANCODE_2] = KEY_2,
    [SDL_SCANCODE_3] = KEY_3,
    [SDL_SCANCODE_4] = KEY_4,
    [SDL_SCANCODE_5] = KEY_5,
    [SDL_SCANCODE_6] = KEY_6,
    [SDL_SCANCODE_7] = KEY_7,
    [SDL_SCANCODE_8] = KEY_8,
    [SDL_SCANCODE_9] = KEY_9,
    [SDL_SCANCODE_0] = KEY_0,
    [SDL_SCANCODE_RETURN] = KEY_ENTER,
    [SDL_SCANCODE_ESCAPE] = KEY_ESC,
    [SDL_SCANCODE_BACKSPACE] = KEY_BACKSPACE,
    [SDL_SCANCODE_TAB] = KEY_TAB,
    [SDL_SCANCODE_SPACE] = KEY_SPACE,
    [SDL_SCANCODE_MINUS] = KEY_MINUS,
    [SDL_SCANCODE_EQUALS] = KEY_EQUAL,
    [SDL_SCANCODE_LEFTBRACKET] = KEY_LEFTBRACE,
    [SDL_SCANCODE_RIGHTBRACKET] = KEY_RIGHTBRACE,
    [SDL_SCANCODE_BACKSLASH] = KEY_BACKSLASH,
    /* The ISO key left of Enter is the US backslash key's position: one
     * PS/2 scancode (0x2b) and one Linux code for both. */
    [SDL_SCANCODE_NONUSHASH] = KEY_BACKSLASH,
    [SDL_SCANCODE_SEMICOLON] = KEY_SEMICOLON,
    [SDL_SCANCODE_APOSTROPHE] = KEY_APOSTROPHE,
    [SDL_SCANCODE_GRAVE] = KEY_GRAVE,
    [SDL_SCANCODE_COMMA] = KEY_COMMA,
    [SDL_SCANCODE_PERIOD] = KEY_DOT,
    [SDL_SCANCODE_SLASH] = KEY_SLASH,
    [SDL_SCANCODE_CAPSLOCK] = KEY_CAPSLOCK,
    [SDL_SCANCODE_F1] = KEY_F1,
    [SDL_SCANCODE_F2] = KEY_F2,
    [SDL_SCANCODE_F3] = KEY_F3,
    [SDL_SCANCODE_F4] = KEY_F4,
    [SDL_SCANCODE_F5] = KEY_F5,
    [SDL_SCANCODE_F6] = KEY_F6,
    [SDL_SCANCODE_F7] = KEY_F7,
    [SDL_SCANCODE_F8] = KEY_F8,
    [SDL_SCANCODE_F9] = KEY_F9,
    [SDL_SCANCODE_F10] = KEY_F10,
    [SDL_SCANCODE_F11] = KEY_F11,
    [SDL_SCANCODE_F12] = KEY_F12,
    /* PrintScreen is SysRq's key (with Alt it sends 0x54 in set 1). */
    [SDL_SCANCODE_PRINTSCREEN] = KEY_SYSRQ,
    [SDL_SCANCODE_SCROLLLOCK] = KEY_SCROLLLOCK,
    [SDL_SCANCODE_PAUSE] = KEY_PAUSE,
    [SDL_SCANCODE_INSERT] = KEY_INSERT,
    [SDL_SCANCODE_HOME] = KEY_HOME,
    [SDL_SCANCODE_PAGEUP] = KEY_PAGEUP,
    [SDL_SCANCODE_DELETE] = KEY_DELETE,
    [SDL_SCANCODE_END] = KEY_END,
    [SDL_SCANCODE_PAGEDOWN] = KEY_PAGEDOWN,
    [SDL_SCANCODE_RIGHT] = KEY_RIGHT,
    [SDL_SCANCODE_LEFT] = KEY_LEFT,
    [SDL_SCANCODE_DOWN] = KEY_DOWN,
    [SDL_SCANCODE_UP] = KEY_UP,
    [SDL_SCANCODE_NUMLOCKCLEAR] = KEY_NUMLOCK,
    [SDL_SCANCODE_KP_DIVIDE] = KEY_KPSLASH,
    [SDL_SCANCODE_KP_MULTIPLY] = KEY_KPASTERISK,
    [SDL_SCANCODE_KP_MINUS] = KEY_KPMINUS,
    [SDL_SCANCODE_KP_PLUS] = KEY_KPPLUS,
    [SDL_SCANCODE_KP_ENTER] = KEY_KPENTER,
    [SDL_SCANCODE_KP_1] = KEY_KP1,
    [SDL_SCANCODE_KP_2] = KEY_KP2,
    [SDL_SCANCODE_KP_3] = KEY_KP3,
    [SDL_SCANCODE_KP_4] = KEY_KP4,
    [SDL_SCANCODE_KP_5] = KEY_KP5,
    [SDL_SCANCODE_KP_6] = KEY_KP6,
    [SDL_SCANCODE_KP_7] = KEY_KP7,
    [SDL_SCANCODE_KP_8] = KEY_KP8,
    [SDL_SCANCODE_KP_9] = KEY_KP9,
    [SDL_SCANCODE_KP_0] = KEY_KP0,
    [SDL_SCANCODE_KP_PERIOD] = KEY_KPDOT,
    [SDL_SCANCODE_NONUSBACKSLASH] = KEY_102ND,
    [SDL_SCANCODE_APPLICATION] = KEY_COMPOSE, /* the Menu key */
    [SDL_SCANCODE_KP_EQUALS] = KEY_KPEQUAL,
    [SDL_SCANCODE_KP_COMMA] = KEY_KPCOMMA,
    [SDL_SCANCODE_F13] = KEY_F13,
    [SDL_SCANCODE_F14] = KEY_F14,
    [SDL_SCANCODE_F15] = KEY_F15,
    [SDL_SCANCODE_F16] = KEY_F16,
    [SDL_SCANCODE_F17] = KEY_F17,
    [SDL_SCANCODE_F18] = KEY_F18,
    [SDL_SCANCODE_F19] = KEY_F19,
    [SDL_SCANCODE_F20] = KEY_F20,
    [SDL_SCANCODE_F21] = KEY_F21,
    [SDL_SCANCODE_F22] = KEY_F22,
    [SDL_SCANCODE_F23] = KEY_F23,
    [SDL_SCANCODE_F24] = KEY_F24,
    /* Japanese and Korean keys (HID "International" and "LANG"). */
    [SDL_SCANCODE_INTERNATIONAL1] = KEY_RO,
    [SDL_SCANCODE_INTERNATIONAL2] = KEY_KATAKANAHIRAGANA,
    [SDL_SCANCODE_INTERNATIONAL3] = KEY_YEN,
    [SDL_SCANCODE_INTERNATIONAL4] = KEY_HENKAN,
    [SDL_SCANCODE_INTERNATIONAL5] = KEY_MUHENKAN,
    [SDL_SCANCODE_LANG1] = KEY_HANGEUL,
    [SDL_SCANCODE_LANG2] = KEY_HANJA,
    [SDL_SCANCODE_LCTRL] = KEY_LEFTCTRL,
    [SDL_SCANCODE_LSHIFT] = KEY_LEFTSHIFT,
    [SDL_SCANCODE_LALT] = KEY_LEFTALT,
    [SDL_SCANCODE_LGUI] = KEY_LEFTMETA,
    [SDL_SCANCODE_RCTRL] = KEY_RIGHTCTRL,
    [SDL_SCANCODE_RSHIFT] = KEY_RIGHTSHIFT,
    [SDL_SCANCODE_RALT] = KEY_RIGHTALT,
    [SDL_SCANCODE_RGUI] = KEY_RIGHTMETA,
    /* Multimedia and power keys. */
    [SDL_SCANCODE_MUTE] = KEY_MUTE,
    [SDL_SCANCODE_VOLUMEUP] = KEY_VOLUMEUP,
    [SDL_SCANCODE_VOLUMEDOWN] = KEY_VOLUMEDOWN,
    [SDL_SCANCODE_AUDIONEXT] = KEY_NEXTSONG,
    [SDL_SCANCODE_AUDIOPREV] = KEY_PREVIOUSSONG,
    [SDL_SCANCODE_AUDIOSTOP] = KEY_STOPCD,
    [SDL_SCANCODE_AUDIOPLAY] = KEY_PLAYPAUSE,
    [SDL_SCANCODE_AUDIOMUTE] = KEY_MUTE,
    [SDL_SCANCODE_MEDIASELECT] = KEY_MEDIA,
    [SDL_SCANCODE_MAIL] = KEY_MAIL,
    [SDL_SCANCODE_CALCULATOR] = KEY_CALC,
    [SDL_SCANCODE_COMPUTER] = KEY_COMPUTER,
    [SDL_SCANCODE_AC_SEARCH] = KEY_SEARCH,
    [SDL_SCANCODE_AC_HOME] = KEY_HOMEPAGE,
    [SDL_SCANCODE_AC_BACK] = KEY_BACK,
    [SDL_SCANCODE_AC_FORWARD] = KEY_FORWARD,
    [SDL_SCANCODE_AC_STOP] = KEY_STOP,
    [SDL_SCANCODE_AC_REFRESH] = KEY_REFRESH,
    [SDL_SCANCODE_AC_BOOKMARKS] = KEY_BOOKMARKS,
    [SDL_SCANCODE_POWER] = KEY_POWER,
    [SDL_SCANCODE_SLEEP] = KEY_SLEEP,
};

int sdl2_scancode_to_key(SDL_Scancode sc)
{
    return (unsigned)sc < ARRAY_SIZE(sdl2_keymap) ? sdl2_keymap[sc] : 0;
}

/* ---- Grab modifiers ---------------------------------------------------- */

static const struct {
    const char *name; /* grab-mod= value, as QEMU spells it */
    int keys[3];
    int nr;
    const char *hint; /* the prefix of the hot keys, for the title */
} grab_mods[] = {
    {"lctrl-lalt", {KEY_LEFTCTRL, KEY_LEFTALT}, 2, "Ctrl-Alt"},
    {"lshift-lctrl-lalt",
     {KEY_LEFTSHIFT, KEY_LEFTCTRL, KEY_LEFTALT},
     3,
     "Shift-Ctrl-Alt"},
    {"rctrl", {KEY_RIGHTCTRL}, 1, "Right-Ctrl"},
};

int sdl2_parse_grab_mod(SDL2Display *s, const char *spec, Error **errp)
{
    for (size_t i = 0; i < ARRAY_SIZE(grab_mods); i++) {
        if (!strcmp(spec, grab_mods[i].name)) {
            memcpy(s->grab_mod, grab_mods[i].keys, sizeof(s->grab_mod));
            s->nr_grab_mod = grab_mods[i].nr;
            s->grab_hint = grab_mods[i].hint;
            return 0;
        }
    }
    error_setg(errp,
               "grab-mod=%s: expected lctrl-lalt (the default), "
               "lshift-lctrl-lalt or rctrl",
               spec);
    return -1;
}

/* ---- Keyboard ---------------------------------------------------------- */

static bool key_is_down(const SDL2Display *s, int key)
{
    return s->keys_down[key / 8] & (1u << (key % 8));
}

static void key_set_down(SDL2Display *s, int key, bool down)
{
    if (down) {
        s->keys_down[key / 8] |= 1u << (key % 8);
    } else {
        s->keys_down[key / 8] &= ~(1u << (key % 8));
    }
}

static bool grab_mods_held(const SDL2Display *s)
{
    for (int i = 0; i < s->nr_grab_mod; i++) {
        if (!key_is_down(s, s->grab_mod[i])) {
            return false;
        }
    }
    return s->nr_grab_mod > 0;
}

/* The hot keys behind the grab modifiers: true if ev was one (the guest
 * never sees it). */
static bool sdl2_hotkey(SDL2Display *s, const SDL_KeyboardEvent *ev)
{
    if (!grab_mods_held(s)) {
        return false;
    }
    switch (ev->keysym.scancode) {
    case SDL_SCANCODE_G:
    case SDL_SCANCODE_F:
    case SDL_SCANCODE_U:
        break;
    default:
        return false;
    }
    if (ev->type != SDL_KEYDOWN || ev->repeat) {
        return true; /* its release and its repeats are swallowed too */
    }
    switch (ev->keysym.scancode) {
    case SDL_SCANCODE_G:
        if (s->grabbed) {
            sdl2_grab_end(s);
        } else {
            sdl2_grab_start(s);
        }
        break;
    case SDL_SCANCODE_F:
        sdl2_toggle_full_screen(s);
        break;
    default:
        sdl2_restore_size(s);
        break;
    }
    return true;
}

void sdl2_handle_key(SDL2Display *s, const SDL_KeyboardEvent *ev)
{
    int key = sdl2_scancode_to_key(ev->keysym.scancode);
    bool down = ev->type == SDL_KEYDOWN;

    if (!key || key >= SDL2_KEYS) {
        return;
    }
    if (sdl2_hotkey(s, ev)) {
        return;
    }
    if (!down && !key_is_down(s, key)) {
        return; /* a release the guest has no press for */
    }
    /* Host auto-repeat arrives as further downs: the guest's keyboard
     * sees them as typematic repeats. */
    key_set_down(s, key, down);
    input_event_key(key, down);
}

void sdl2_release_all(SDL2Display *s)
{
    for (int key = 0; key < SDL2_KEYS; key++) {
        if (key_is_down(s, key)) {
            key_set_down(s, key, false);
            input_event_key(key, false);
        }
    }
    if (s->buttons) {
        for (int b = 0; b < INPUT_BUTTON__MAX; b++) {
            if (s->buttons & (1u << b)) {
                input_event_btn(b, false);
            }
        }
        s->buttons = 0;
        input_event_sync();
    }
}

/* ---- Mouse ------------------------------------------------------------- */

/* An absolute pointer (a tablet) follows the host cursor without a grab;
 * SDL already gives positions in surface pixels (its logical size). */
static void sdl2_send_abs(SDL2Display *s, int x, int y)
{
    int w = MAX(s->width, 2), h = MAX(s->height, 2);
    x = MAX(0, MIN(x, w - 1));
    y = MAX(0, MIN(y, h - 1));
    input_event_abs(INPUT_AXIS_X, (int)((int64_t)x * INPUT_ABS_MAX / (w - 1)),
                    w);
    input_event_abs(INPUT_AXIS_Y, (int)((int64_t)y * INPUT_ABS_MAX / (h - 1)),
                    h);
}

void sdl2_handle_mouse_motion(SDL2Display *s, const SDL_MouseMotionEvent *ev)
{
    if (s->grabbed) {
        input_event_rel(INPUT_AXIS_X, ev->xrel);
        input_event_rel(INPUT_AXIS_Y, ev->yrel);
        input_event_sync();
    } else if (input_mouse_is_absolute()) {
        sdl2_send_abs(s, ev->x, ev->y);
        input_event_sync();
    }
}

static int sdl2_button(Uint8 b)
{
    switch (b) {
    case SDL_BUTTON_LEFT:
        return INPUT_BUTTON_LEFT;
    case SDL_BUTTON_MIDDLE:
        return INPUT_BUTTON_MIDDLE;
    case SDL_BUTTON_RIGHT:
        return INPUT_BUTTON_RIGHT;
    case SDL_BUTTON_X1:
        return INPUT_BUTTON_SIDE;
    case SDL_BUTTON_X2:
        return INPUT_BUTTON_EXTRA;
    }
    return -1;
}

void sdl2_handle_mouse_button(SDL2Display *s, const SDL_MouseButtonEvent *ev)
{
    bool down = ev->type == SDL_MOUSEBUTTONDOWN;
    int b = sdl2_button(ev->button);

    if (!s->grabbed && !input_mouse_is_absolute()) {
        /* A relative mouse needs the grab: the click that takes it is
         * the host's, not the guest's. */
        if (!down && ev->button == SDL_BUTTON_LEFT) {
            sdl2_grab_start(s);
        }
        return;
    }
    if (b < 0 || (!down && !(s->buttons & (1u << b)))) {
        return;
    }
    if (!s->grabbed) {
        sdl2_send_abs(s, ev->x, ev->y);
    }
    if (down) {
        s->buttons |= 1u << b;
    } else {
        s->buttons &= ~(1u << b);
    }
    input_event_btn(b, down);
    input_event_sync();
}

void sdl2_handle_mouse_wheel(SDL2Display *s, const SDL_MouseWheelEvent *ev)
{
    int y = ev->direction == SDL_MOUSEWHEEL_FLIPPED ? -ev->y : ev->y;
    InputButton b = y > 0 ? INPUT_BUTTON_WHEEL_UP : INPUT_BUTTON_WHEEL_DOWN;

    if (y == 0 || (!s->grabbed && !input_mouse_is_absolute())) {
        return;
    }
    /* A notch is a press and a release, each its own PS/2 packet. */
    input_event_btn(b, true);
    input_event_sync();
    input_event_btn(b, false);
    input_event_sync();
}

#endif /* CONFIG_SDL */
