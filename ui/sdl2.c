/*
 * -display sdl: the guest's screen in an SDL2 window.
 *
 * One window shows console 0.  Its DisplayChangeListener keeps an SDL
 * streaming texture in the surface's own pixel format (SDL has most of
 * pixman's; for the others a pixman composite fills an x8r8g8b8 shadow),
 * uploads the rectangles the device reports, and presents at the next
 * refresh.  The refresh (the console's timer, on the main-loop thread)
 * also polls SDL's events: SDL wants them on the thread that opened the
 * window.  The texture is drawn at the surface's size as SDL's "logical
 * size", so a resized or full-screen window scales it with letterboxes
 * and SDL maps the mouse back into surface pixels.
 *
 * Options (-display sdl,...):
 *   grab-mod=lshift-lctrl-lalt|rctrl  the hot-key prefix (default
 *                                     Ctrl-Alt: left Ctrl + left Alt)
 *   full-screen=on|off                start full screen
 *   window-close=on|off               the close button quits (default on)
 *   show-cursor=on|off                keep the host cursor over the window
 *
 * Hot keys (prefix + key, never seen by the guest): G grabs/releases the
 * mouse and keyboard, F toggles full screen, U restores the 1:1 size.
 *
 * The close button ends emu at once, as QEMU's SDL window does (its
 * shutdown request with the "poweroff" action: the plug is pulled, the
 * guest is not asked); window-close=off ignores it.
 */
#include "emu/common.h"
#include "ui/display.h"

#ifdef CONFIG_SDL

#include "emu/machine.h"
#include "emu/main-loop.h"
#include "ui/input.h"
#include "ui/sdl2-internal.h"

/* The window of -display sdl: one per emu process, as its console 0. */
static SDL2Display *sdl2_display;

/* ---- Title, grab, full screen ------------------------------------------ */

static void sdl2_update_title(SDL2Display *s)
{
    char title[256];
    if (s->grabbed) {
        snprintf(title, sizeof(title), "%s - Press %s-G to exit grab", s->title,
                 s->grab_hint);
    } else {
        snprintf(title, sizeof(title), "%s", s->title);
    }
    SDL_SetWindowTitle(s->window, title);
}

static void sdl2_update_cursor(SDL2Display *s)
{
    /* Relative mode hides the cursor by itself.  An absolute pointer
     * (a tablet) has the guest draw its own cursor, so the host's is in
     * the way unless show-cursor=on. */
    bool show = s->show_cursor || !input_mouse_is_absolute();
    SDL_ShowCursor(show ? SDL_ENABLE : SDL_DISABLE);
}

void sdl2_grab_start(SDL2Display *s)
{
    if (s->grabbed) {
        return;
    }
    SDL_SetWindowGrab(s->window, SDL_TRUE);
    if (!input_mouse_is_absolute() && SDL_SetRelativeMouseMode(SDL_TRUE) < 0) {
        /* Without relative mode SDL still reports xrel/yrel, but the
         * cursor stops at the edges: say so once, keep going. */
        fprintf(stderr, "emu: sdl: no relative mouse mode: %s\n",
                SDL_GetError());
    }
    s->grabbed = true;
    sdl2_update_title(s);
}

void sdl2_grab_end(SDL2Display *s)
{
    if (!s->grabbed) {
        return;
    }
    SDL_SetRelativeMouseMode(SDL_FALSE);
    SDL_SetWindowGrab(s->window, SDL_FALSE);
    s->grabbed = false;
    sdl2_update_cursor(s);
    sdl2_update_title(s);
}

void sdl2_toggle_full_screen(SDL2Display *s)
{
    s->full_screen = !s->full_screen;
    if (SDL_SetWindowFullscreen(s->window, s->full_screen
                                               ? SDL_WINDOW_FULLSCREEN_DESKTOP
                                               : 0) < 0) {
        fprintf(stderr, "emu: sdl: full screen: %s\n", SDL_GetError());
        s->full_screen = !s->full_screen;
        return;
    }
    /* Full screen has no other window to click into: keep the grab, as
     * QEMU does, and give it back when leaving if it was not ours. */
    if (s->full_screen) {
        s->grab_before_full = s->grabbed;
        sdl2_grab_start(s);
    } else if (!s->grab_before_full) {
        sdl2_grab_end(s);
    }
    s->need_present = true;
}

void sdl2_restore_size(SDL2Display *s)
{
    if (s->full_screen) {
        return;
    }
    SDL_SetWindowSize(s->window, s->width, s->height);
    s->scaled = false;
    s->need_present = true;
}

/* ---- Surface to texture ------------------------------------------------ */

/* The SDL format whose pixels are laid out as pixman's f, or UNKNOWN.
 * Both name packed formats by the bits of a native-endian word. */
static Uint32 sdl2_texture_format(pixman_format_code_t f)
{
    switch ((int)f) {
    case PIXMAN_x8r8g8b8:
        return SDL_PIXELFORMAT_RGB888;
    case PIXMAN_a8r8g8b8:
        return SDL_PIXELFORMAT_ARGB8888;
    case PIXMAN_x8b8g8r8:
        return SDL_PIXELFORMAT_BGR888;
    case PIXMAN_a8b8g8r8:
        return SDL_PIXELFORMAT_ABGR8888;
    case PIXMAN_b8g8r8x8:
        return SDL_PIXELFORMAT_BGRX8888;
    case PIXMAN_b8g8r8a8:
        return SDL_PIXELFORMAT_BGRA8888;
    case PIXMAN_r8g8b8x8:
        return SDL_PIXELFORMAT_RGBX8888;
    case PIXMAN_r8g8b8a8:
        return SDL_PIXELFORMAT_RGBA8888;
        /* 15/16 bpp go through the shadow: SDL widens 5/6-bit channels
         * differently from pixman (0x3f -> 0xfe in its blitters), and the
         * window must show what screendump writes. */
#if SDL_BYTEORDER == SDL_LIL_ENDIAN
    /* 24 bpp: pixman's r8g8b8 is 0xRRGGBB stored little-endian, bytes
     * B, G, R; SDL's 24-bit formats are named by byte order. */
    case PIXMAN_r8g8b8:
        return SDL_PIXELFORMAT_BGR24;
    case PIXMAN_b8g8r8:
        return SDL_PIXELFORMAT_RGB24;
#endif
    }
    return SDL_PIXELFORMAT_UNKNOWN;
}

static void sdl2_gfx_update(DisplayChangeListener *dcl, int x, int y, int w,
                            int h)
{
    SDL2Display *s = container_of(dcl, SDL2Display, dcl);
    pixman_image_t *src = s->surface->image;
    SDL_Rect r = {x, y, w, h};

    if (!s->texture || x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > s->width ||
        y + h > s->height) {
        return;
    }
    if (s->shadow) {
        pixman_image_composite32(PIXMAN_OP_SRC, src, NULL, s->shadow, x, y, 0,
                                 0, x, y, w, h);
        src = s->shadow;
    }
    int stride = pixman_image_get_stride(src);
    int bpp = PIXMAN_FORMAT_BPP(pixman_image_get_format(src)) / 8;
    uint8_t *data = (uint8_t *)pixman_image_get_data(src);
    SDL_UpdateTexture(s->texture, &r, data + (size_t)y * stride + x * bpp,
                      stride);
    s->need_present = true;
}

static void sdl2_gfx_switch(DisplayChangeListener *dcl, DisplaySurface *surface)
{
    SDL2Display *s = container_of(dcl, SDL2Display, dcl);
    int w = surface_width(surface), h = surface_height(surface);
    Uint32 fmt = sdl2_texture_format(surface->format);
    bool resized = w != s->width || h != s->height;

    s->surface = surface;
    if (s->shadow) {
        pixman_image_unref(s->shadow);
        s->shadow = NULL;
    }
    if (fmt == SDL_PIXELFORMAT_UNKNOWN) {
        s->shadow =
            pixman_image_create_bits(PIXMAN_x8r8g8b8, w, h, NULL, w * 4);
        fmt = SDL_PIXELFORMAT_RGB888;
    }
    if (!s->texture || resized || fmt != s->texture_format) {
        if (s->texture) {
            SDL_DestroyTexture(s->texture);
        }
        s->texture = SDL_CreateTexture(s->renderer, fmt,
                                       SDL_TEXTUREACCESS_STREAMING, w, h);
        if (!s->texture) {
            fprintf(stderr, "emu: sdl: no %dx%d texture: %s\n", w, h,
                    SDL_GetError());
            return;
        }
        SDL_SetTextureBlendMode(s->texture, SDL_BLENDMODE_NONE);
        s->texture_format = fmt;
    }
    s->width = w;
    s->height = h;
    SDL_RenderSetLogicalSize(s->renderer, w, h);
    /* A mode change resizes the window to the guest's size unless the
     * user chose another size or full screen. */
    if (resized && !s->full_screen && !s->scaled) {
        SDL_SetWindowSize(s->window, w, h);
    }
    sdl2_gfx_update(dcl, 0, 0, w, h);
}

/* ---- Events and refresh ------------------------------------------------ */

static void sdl2_set_hidden(SDL2Display *s, bool hidden)
{
    if (s->hidden == hidden) {
        return;
    }
    s->hidden = hidden;
    uint64_t ms =
        hidden ? GUI_REFRESH_INTERVAL_IDLE : GUI_REFRESH_INTERVAL_DEFAULT;
    if (s->have_console) {
        dpy_set_update_interval(&s->dcl, ms);
    } else {
        s->dcl.update_interval = ms; /* our own timer reads it */
    }
    if (!hidden) {
        s->need_present = true;
    }
}

static void sdl2_window_event(SDL2Display *s, const SDL_WindowEvent *ev)
{
    switch (ev->event) {
    case SDL_WINDOWEVENT_SIZE_CHANGED:
        if (!s->full_screen &&
            (ev->data1 != s->width || ev->data2 != s->height)) {
            s->scaled = true;
        }
        s->need_present = true;
        break;
    case SDL_WINDOWEVENT_EXPOSED:
        s->need_present = true;
        break;
    case SDL_WINDOWEVENT_FOCUS_LOST:
        /* Keys still held would repeat or stick in the guest: it never
         * sees their release now that the host has the keyboard. */
        sdl2_release_all(s);
        if (s->grabbed && !s->full_screen) {
            sdl2_grab_end(s);
        }
        break;
    case SDL_WINDOWEVENT_MINIMIZED:
    case SDL_WINDOWEVENT_HIDDEN:
        sdl2_set_hidden(s, true);
        break;
    case SDL_WINDOWEVENT_RESTORED:
    case SDL_WINDOWEVENT_SHOWN:
    case SDL_WINDOWEVENT_MAXIMIZED:
        sdl2_set_hidden(s, false);
        break;
    case SDL_WINDOWEVENT_CLOSE:
        if (s->window_close) {
            system_shutdown_request(SHUTDOWN_CAUSE_HOST_UI, 0);
        }
        break;
    }
}

static void sdl2_poll_events(SDL2Display *s)
{
    SDL_Event ev;
    while (SDL_PollEvent(&ev)) {
        switch (ev.type) {
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            sdl2_handle_key(s, &ev.key);
            break;
        case SDL_MOUSEMOTION:
            sdl2_handle_mouse_motion(s, &ev.motion);
            break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            sdl2_handle_mouse_button(s, &ev.button);
            break;
        case SDL_MOUSEWHEEL:
            sdl2_handle_mouse_wheel(s, &ev.wheel);
            break;
        case SDL_WINDOWEVENT:
            sdl2_window_event(s, &ev.window);
            break;
        default:
            /* SDL_QUIT follows the last window's close request: the
             * close event above decides (window-close=). */
            break;
        }
    }
}

void sdl2_refresh(SDL2Display *s)
{
    sdl2_poll_events(s);
    if (s->have_console && !s->hidden) {
        graphic_hw_update(s->dcl.con);
    }
    if (s->need_present && !s->hidden && s->texture) {
        SDL_SetRenderDrawColor(s->renderer, 0, 0, 0, 255);
        SDL_RenderClear(s->renderer);
        SDL_RenderCopy(s->renderer, s->texture, NULL, NULL);
        SDL_RenderPresent(s->renderer);
        s->need_present = false;
    }
}

static void sdl2_dpy_refresh(DisplayChangeListener *dcl)
{
    sdl2_refresh(container_of(dcl, SDL2Display, dcl));
}

static const DisplayChangeListenerOps sdl2_dcl_ops = {
    .name = "sdl",
    .dpy_refresh = sdl2_dpy_refresh,
    .dpy_gfx_update = sdl2_gfx_update,
    .dpy_gfx_switch = sdl2_gfx_switch,
};

/* Without a display device (-vga none) the window still takes keyboard
 * input: a timer of our own polls it. */
static void sdl2_poll_tick(void *opaque)
{
    SDL2Display *s = opaque;
    sdl2_refresh(s);
    uint64_t ms = s->dcl.update_interval ? s->dcl.update_interval
                                         : GUI_REFRESH_INTERVAL_DEFAULT;
    timer_mod_ns(s->poll_timer, clock_get_ns(CLOCK_MONO) + ms * 1000000);
}

/* ---- Open and close ---------------------------------------------------- */

static int sdl2_parse_opts(SDL2Display *s, KeyValOpts *opts, Error **errp)
{
    const char *grab = keyval_get(opts, "grab-mod");

    s->window_close = true;
    if (sdl2_parse_grab_mod(s, grab ? grab : "lctrl-lalt", errp) < 0 ||
        keyval_get_bool(opts, "full-screen", &s->full_screen, errp) < 0 ||
        keyval_get_bool(opts, "window-close", &s->window_close, errp) < 0 ||
        keyval_get_bool(opts, "show-cursor", &s->show_cursor, errp) < 0) {
        error_prepend(errp, "-display sdl: ");
        return -1;
    }
    const char *name = current_machine ? current_machine->opts.name : NULL;
    if (name && *name) {
        snprintf(s->title, sizeof(s->title), "emu (%s)", name);
    } else {
        snprintf(s->title, sizeof(s->title), "emu");
    }
    return 0;
}

SDL2Display *sdl2_display_open(KeyValOpts *opts, Error **errp)
{
    SDL2Display *s = calloc(1, sizeof(*s));
    bool full_screen;

    if (sdl2_parse_opts(s, opts, errp) < 0) {
        free(s);
        return NULL;
    }
    full_screen = s->full_screen;
    s->full_screen = false;

    /* emu handles SIGINT/SIGTERM itself; the grab takes the keyboard too,
     * so that Alt-Tab and the like reach the guest. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    /* Without a choice of the user's, the window system that available()
     * saw: SDL would otherwise go on to other drivers (KMS/DRM on the
     * console, as root) when the X server named by $DISPLAY is gone. */
    if (!getenv("SDL_VIDEODRIVER")) {
        const char *x = getenv("DISPLAY");
        SDL_SetHint(SDL_HINT_VIDEODRIVER, x && *x ? "x11" : "wayland");
    }
    SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    SDL_SetHint(SDL_HINT_ALLOW_ALT_TAB_WHILE_GRABBED, "0");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) < 0) {
        const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
        error_setg(errp, "-display sdl: cannot open a window (%s=%s): %s",
                   x && *x ? "DISPLAY" : "WAYLAND_DISPLAY",
                   x && *x ? x : (wl ? wl : ""), SDL_GetError());
        free(s);
        return NULL;
    }

    Console *con = console_get(0);
    DisplaySurface *surface = con ? console_surface(con) : NULL;
    int w = surface ? surface_width(surface) : 640;
    int h = surface ? surface_height(surface) : 480;
    s->window =
        SDL_CreateWindow(s->title, SDL_WINDOWPOS_UNDEFINED,
                         SDL_WINDOWPOS_UNDEFINED, w, h, SDL_WINDOW_RESIZABLE);
    if (s->window) {
        s->renderer = SDL_CreateRenderer(s->window, -1, 0);
        if (!s->renderer) {
            s->renderer =
                SDL_CreateRenderer(s->window, -1, SDL_RENDERER_SOFTWARE);
        }
    }
    if (!s->renderer) {
        error_setg(errp, "-display sdl: cannot open a window: %s",
                   SDL_GetError());
        if (s->window) {
            SDL_DestroyWindow(s->window);
        }
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        free(s);
        return NULL;
    }
    sdl2_update_cursor(s);

    s->dcl.ops = &sdl2_dcl_ops;
    if (con) {
        s->dcl.con = con;
        s->have_console = true;
        register_displaychangelistener(&s->dcl); /* calls gfx_switch */
    } else {
        /* Nothing to show: a placeholder of our own, the same dark grey
         * a console starts with. */
        s->own_surface = surface_create_placeholder(w, h);
        sdl2_gfx_switch(&s->dcl, s->own_surface);
        s->poll_timer = timer_new_ns(CLOCK_MONO, sdl2_poll_tick, s);
        timer_mod_ns(s->poll_timer, clock_get_ns(CLOCK_MONO));
    }
    if (full_screen) {
        sdl2_toggle_full_screen(s);
    }
    s->need_present = true;
    return s;
}

void sdl2_display_close(SDL2Display *s)
{
    if (!s) {
        return;
    }
    if (s->have_console) {
        unregister_displaychangelistener(&s->dcl);
    }
    if (s->poll_timer) {
        timer_free(s->poll_timer);
    }
    sdl2_grab_end(s);
    if (s->shadow) {
        pixman_image_unref(s->shadow);
    }
    if (s->texture) {
        SDL_DestroyTexture(s->texture);
    }
    SDL_DestroyRenderer(s->renderer);
    SDL_DestroyWindow(s->window);
    surface_free(s->own_surface);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    free(s);
}

static void sdl2_cleanup(void)
{
    /* Give the pointer back (relative mode, grab) before the process
     * goes. */
    sdl2_display_close(sdl2_display);
    sdl2_display = NULL;
}

/* ---- The backend ------------------------------------------------------- */

static bool sdl2_available(void)
{
    const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
    return (x && *x) || (wl && *wl);
}

static int sdl2_init(KeyValOpts *opts, Error **errp)
{
    if (sdl2_display) {
        error_setg(errp, "-display sdl: the window is already open");
        return -1;
    }
    sdl2_display = sdl2_display_open(opts, errp);
    if (!sdl2_display) {
        return -1;
    }
    atexit(sdl2_cleanup);
    return 0;
}

static const DisplayBackend sdl2_backend = {
    .name = "sdl",
    .help = "a window (SDL2)",
    .available = sdl2_available,
    .init = sdl2_init,
};
DISPLAY_BACKEND_REGISTER(sdl2_backend)

#endif /* CONFIG_SDL */
