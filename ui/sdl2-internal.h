/*
 * The SDL2 window (-display sdl): what ui/sdl2.c (window, texture,
 * events) and ui/sdl2-input.c (keymap, keyboard and mouse into
 * ui/input.h) share, and what the unit tests drive.  Built only with
 * CONFIG_SDL.
 *
 * Everything SDL runs on the main-loop thread: SDL wants its video and
 * event calls on one thread, and the console's refresh timer, which polls
 * the events, runs there under the global lock.
 */
#ifndef UI_SDL2_INTERNAL_H
#define UI_SDL2_INTERNAL_H

#include "emu/common.h"
#include "emu/keyval.h"
#include "emu/timer.h"
#include "ui/console.h"
#include <SDL.h>

/* Linux KEY_MAX is 0x2ff: one bit per key the guest saw go down. */
#define SDL2_KEYS 0x300

typedef struct SDL2Display {
    DisplayChangeListener dcl;
    bool have_console; /* dcl is registered (console 0 exists) */
    Timer *poll_timer; /* polls events when there is no console */
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    Uint32 texture_format;
    DisplaySurface *surface; /* the console's surface (not ours) */
    pixman_image_t *shadow;  /* x8r8g8b8 copy for formats SDL lacks */
    int width, height;       /* of the surface */
    bool need_present;
    bool hidden; /* minimised or hidden: slow refresh */

    /* Options (-display sdl,...). */
    char title[160];
    int grab_mod[3]; /* KEY_* that, all held, make the hot-key prefix */
    int nr_grab_mod;
    const char *grab_hint; /* "Ctrl-Alt-G" */
    bool window_close;     /* the close button quits */
    bool show_cursor;      /* the host cursor stays visible in the window */

    /* State. */
    bool grabbed;
    bool full_screen;
    bool grab_before_full;            /* grabbed when full screen began */
    bool scaled;                      /* the user resized the window */
    DisplaySurface *own_surface;      /* shown when there is no console */
    uint8_t keys_down[SDL2_KEYS / 8]; /* keys the guest saw pressed */
    unsigned buttons;                 /* mouse buttons the guest saw down */
} SDL2Display;

/* ---- ui/sdl2-input.c ---------------------------------------------------- */

/* KEY_* for an SDL scancode (a USB HID usage), 0 if none. */
int sdl2_scancode_to_key(SDL_Scancode sc);
/* Parse grab-mod= into s->grab_mod / grab_hint; -1 with errp. */
int sdl2_parse_grab_mod(SDL2Display *s, const char *spec, Error **errp);
/* Keyboard, mouse and focus events; the hot keys call back into sdl2.c. */
void sdl2_handle_key(SDL2Display *s, const SDL_KeyboardEvent *ev);
void sdl2_handle_mouse_motion(SDL2Display *s, const SDL_MouseMotionEvent *ev);
void sdl2_handle_mouse_button(SDL2Display *s, const SDL_MouseButtonEvent *ev);
void sdl2_handle_mouse_wheel(SDL2Display *s, const SDL_MouseWheelEvent *ev);
/* Release in the guest every key and button it saw pressed (focus lost,
 * grab ended), so that none sticks. */
void sdl2_release_all(SDL2Display *s);

/* ---- ui/sdl2.c ---------------------------------------------------------- */

void sdl2_grab_start(SDL2Display *s);
void sdl2_grab_end(SDL2Display *s);
void sdl2_toggle_full_screen(SDL2Display *s);
void sdl2_restore_size(SDL2Display *s);
/* Open the window for opts (the backend's init; SDL_VIDEODRIVER may pick
 * the "dummy" driver for tests).  NULL with errp. */
SDL2Display *sdl2_display_open(KeyValOpts *opts, Error **errp);
void sdl2_display_close(SDL2Display *s);
/* One refresh: poll events, redraw, present (the console timer's job). */
void sdl2_refresh(SDL2Display *s);

#endif
