/*
 * Display surfaces and consoles: the meeting point of display devices
 * (hw/display) and display front ends (ui/: SDL, VNC, curses, screendump).
 *
 * A device owns a Console (graphic_console_init) and draws into the
 * console's DisplaySurface, a pixman image in the guest's pixel format
 * (or a view onto the device's VRAM).  It tells listeners which rectangle
 * changed with dpy_gfx_update(), and swaps the surface on a mode change
 * with dpy_gfx_replace_surface().  Text-mode devices also report their
 * character grid (dpy_text_*) for text front ends (curses).
 *
 * Front ends register a DisplayChangeListener on a console.  A timer on
 * CLOCK_MONO (the UI's clock, not the guest's) calls each listener's
 * dpy_refresh every update_interval ms; the default refresh asks the
 * device to redraw (graphic_hw_update), which renders only what is dirty
 * and calls dpy_gfx_update for it.  With no listener there is no timer:
 * a headless machine spends nothing on its screen (screendump asks for a
 * redraw itself).
 *
 * Locking: everything here runs on the main-loop thread under the global
 * lock (bql); device callbacks are called with it held.
 *
 * Pixel formats: pixman's.  Front ends convert and scale with pixman
 * (pixman_image_composite32), never pixel by pixel.
 */
#ifndef UI_CONSOLE_H
#define UI_CONSOLE_H

#include "emu/common.h"
#include <pixman.h>

/* ---- Surfaces (ui/surface.c) ----------------------------------------------
 */

typedef struct DisplaySurface {
    pixman_image_t *image;
    pixman_format_code_t format;
    bool borrowed; /* data belongs to someone else (a view onto VRAM) */
} DisplaySurface;

/* The default surface format: 32 bpp x8r8g8b8 in host order. */
#define SURFACE_DEFAULT_FORMAT PIXMAN_x8r8g8b8

/* A zeroed surface of w x h in the default format; NULL if w or h is out
 * of 1..16384. */
DisplaySurface *surface_create(int w, int h);
/* A surface over data the caller keeps (stride bytes per line); freed
 * surfaces leave data alone.  NULL on bad sizes or format. */
DisplaySurface *surface_create_from_data(int w, int h,
                                         pixman_format_code_t format,
                                         int stride, uint8_t *data);
/* A dark grey surface of w x h: what a console shows before its device
 * drew anything (or while the device's mode is one it cannot show). */
DisplaySurface *surface_create_placeholder(int w, int h);
void surface_free(DisplaySurface *s);

static inline int surface_width(const DisplaySurface *s)
{
    return pixman_image_get_width(s->image);
}
static inline int surface_height(const DisplaySurface *s)
{
    return pixman_image_get_height(s->image);
}
static inline int surface_stride(const DisplaySurface *s)
{
    return pixman_image_get_stride(s->image);
}
static inline uint8_t *surface_data(const DisplaySurface *s)
{
    return (uint8_t *)pixman_image_get_data(s->image);
}
static inline int surface_bits_per_pixel(const DisplaySurface *s)
{
    return PIXMAN_FORMAT_BPP(s->format);
}
static inline int surface_bytes_per_pixel(const DisplaySurface *s)
{
    return (PIXMAN_FORMAT_BPP(s->format) + 7) / 8;
}

/* ---- Consoles (ui/console.c) ----------------------------------------------
 */

typedef struct Console Console;

/* The character cell of a text console: what curses shows. */
typedef struct ConsoleChar {
    uint8_t ch;   /* code page 437 */
    uint8_t attr; /* VGA attribute: fg 0-3, bg 4-6, blink/bright-bg 7 */
} ConsoleChar;

/* What a display device offers its console. */
typedef struct GraphicHwOps {
    /* Redraw everything at the next gfx_update (a listener joined, the
     * palette of the front end changed). */
    void (*invalidate)(void *opaque);
    /* Bring the surface up to date: render what changed since the last
     * call (dirty VRAM, register changes) and dpy_gfx_update() it. */
    void (*gfx_update)(void *opaque);
    /* Text mode: fill the console's text grid (dpy_text_*); NULL when the
     * device has no text mode.  Called by text front ends instead of
     * gfx_update. */
    void (*text_update)(void *opaque);
} GraphicHwOps;

/* A new console for a device (name: its label, e.g. "VGA").  Consoles are
 * numbered in creation order from 0; it starts with a placeholder
 * surface. */
Console *graphic_console_init(const char *name, const GraphicHwOps *ops,
                              void *opaque);
void graphic_console_close(Console *con);
/* Console number index, or NULL. */
Console *console_get(int index);
int console_count(void);
const char *console_name(const Console *con);
DisplaySurface *console_surface(Console *con);

/* Called by front ends and screendump. */
void graphic_hw_update(Console *con);
void graphic_hw_invalidate(Console *con);
void graphic_hw_text_update(Console *con);

/* Called by the device. */
/* The console takes the surface (and frees the old one); listeners see
 * dpy_gfx_switch. */
void dpy_gfx_replace_surface(Console *con, DisplaySurface *surface);
/* The rectangle changed (clipped to the surface). */
void dpy_gfx_update(Console *con, int x, int y, int w, int h);
void dpy_gfx_update_full(Console *con);
/* Text grid: size in cells, cell contents, cursor (x, y; visible).
 * dpy_text_resize(con, 0, 0): the device is in a graphics mode now, there
 * is no grid (console_text returns NULL until the next resize); a text
 * front end says so instead of showing a stale grid.  (The 0, 0 form was
 * added by part "screendump" for -display curses.) */
void dpy_text_resize(Console *con, int cols, int rows);
void dpy_text_set(Console *con, int x, int y, ConsoleChar c);
void dpy_text_cursor(Console *con, int x, int y, bool visible);
/* The text grid as last reported; NULL when the device never gave one. */
const ConsoleChar *console_text(Console *con, int *cols, int *rows);

/* ---- Listeners (front ends) -----------------------------------------------
 */

typedef struct DisplayChangeListener DisplayChangeListener;

typedef struct DisplayChangeListenerOps {
    const char *name;
    /* Every update_interval ms; NULL: graphic_hw_update(dcl->con).  A
     * front end that polls its own events (SDL) does it here and calls
     * graphic_hw_update itself. */
    void (*dpy_refresh)(DisplayChangeListener *dcl);
    void (*dpy_gfx_update)(DisplayChangeListener *dcl, int x, int y, int w,
                           int h);
    /* The surface changed (size or format): called once at registration
     * with the current surface too. */
    void (*dpy_gfx_switch)(DisplayChangeListener *dcl, DisplaySurface *surface);
    /* Text front ends: the grid changed in the rectangle / was resized /
     * the cursor moved.  Optional. */
    void (*dpy_text_update)(DisplayChangeListener *dcl, int x, int y, int w,
                            int h);
    void (*dpy_text_resize)(DisplayChangeListener *dcl, int cols, int rows);
    void (*dpy_text_cursor)(DisplayChangeListener *dcl, int x, int y,
                            bool visible);
} DisplayChangeListenerOps;

#define GUI_REFRESH_INTERVAL_DEFAULT 30   /* ms */
#define GUI_REFRESH_INTERVAL_IDLE    3000 /* ms, a hidden/idle window */

struct DisplayChangeListener {
    const DisplayChangeListenerOps *ops;
    Console *con;             /* set before registering; NULL: console 0 */
    uint64_t update_interval; /* ms; 0: GUI_REFRESH_INTERVAL_DEFAULT */
    /* private to ui/console.c */
    DisplayChangeListener *next;
};

/* Attach (the console invalidates the device and calls dpy_gfx_switch
 * with its current surface) / detach. */
void register_displaychangelistener(DisplayChangeListener *dcl);
void unregister_displaychangelistener(DisplayChangeListener *dcl);
/* A listener changes its refresh rate (a window hidden, a VNC client
 * gone). */
void dpy_set_update_interval(DisplayChangeListener *dcl, uint64_t ms);

/* ---- Screendump (ui/screendump.c) -----------------------------------------
 */

typedef enum {
    SCREENDUMP_AUTO, /* .png -> PNG, anything else -> PPM */
    SCREENDUMP_PPM,
    SCREENDUMP_PNG,
} ScreendumpFormat;

/* Redraw console con (NULL: console 0) and write its surface at the
 * guest's resolution to file.  -1 with errp on failure. */
int screendump(Console *con, const char *file, ScreendumpFormat fmt,
               Error **errp);

#endif
