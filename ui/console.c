/*
 * Consoles: one per display device, with the listeners (front ends) that
 * show it and the refresh timer that drives them (ui/console.h).
 */
#include "ui/console.h"
#include "emu/timer.h"

#define MAX_CONSOLES  8
#define PLACEHOLDER_W 640
#define PLACEHOLDER_H 480

struct Console {
    int index;
    char *name;
    const GraphicHwOps *ops;
    void *opaque;
    DisplaySurface *surface;
    ConsoleChar *text; /* text_cols * text_rows, or NULL */
    int text_cols, text_rows;
    int cursor_x, cursor_y;
    bool cursor_visible;
};

/* The consoles and listeners belong to the one machine, as the main loop
 * does. */
static Console *consoles[MAX_CONSOLES];
static int nr_consoles;
static DisplayChangeListener *listeners;
static Timer *refresh_timer;

static uint64_t dcl_interval(const DisplayChangeListener *dcl)
{
    return dcl->update_interval ? dcl->update_interval
                                : GUI_REFRESH_INTERVAL_DEFAULT;
}

/* The timer runs at the shortest interval any listener wants; with no
 * listener it is off. */
static void refresh_rearm(void)
{
    uint64_t ms = 0;
    for (DisplayChangeListener *d = listeners; d; d = d->next) {
        if (!ms || dcl_interval(d) < ms) {
            ms = dcl_interval(d);
        }
    }
    if (!ms) {
        if (refresh_timer) {
            timer_del(refresh_timer);
        }
        return;
    }
    timer_mod_ns(refresh_timer, clock_get_ns(CLOCK_MONO) + ms * 1000000);
}

static void refresh_tick(void *opaque)
{
    (void)opaque;
    bool updated[MAX_CONSOLES] = {false};
    for (DisplayChangeListener *d = listeners, *next; d; d = next) {
        next = d->next; /* a refresh may unregister itself */
        if (d->ops->dpy_refresh) {
            d->ops->dpy_refresh(d);
        } else if (!updated[d->con->index]) {
            updated[d->con->index] = true;
            graphic_hw_update(d->con);
        }
    }
    refresh_rearm();
}

Console *graphic_console_init(const char *name, const GraphicHwOps *ops,
                              void *opaque)
{
    if (nr_consoles == MAX_CONSOLES) {
        return NULL;
    }
    Console *con = calloc(1, sizeof(*con));
    con->index = nr_consoles;
    con->name = strdup(name);
    con->ops = ops;
    con->opaque = opaque;
    con->surface = surface_create_placeholder(PLACEHOLDER_W, PLACEHOLDER_H);
    consoles[nr_consoles++] = con;
    return con;
}

void graphic_console_close(Console *con)
{
    if (!con) {
        return;
    }
    for (DisplayChangeListener **p = &listeners; *p;) {
        if ((*p)->con == con) {
            *p = (*p)->next;
        } else {
            p = &(*p)->next;
        }
    }
    refresh_rearm();
    for (int i = con->index; i < nr_consoles - 1; i++) {
        consoles[i] = consoles[i + 1];
        consoles[i]->index = i;
    }
    nr_consoles--;
    surface_free(con->surface);
    free(con->text);
    free(con->name);
    free(con);
}

Console *console_get(int index)
{
    return index >= 0 && index < nr_consoles ? consoles[index] : NULL;
}

int console_count(void)
{
    return nr_consoles;
}

const char *console_name(const Console *con)
{
    return con->name;
}

DisplaySurface *console_surface(Console *con)
{
    return con->surface;
}

void graphic_hw_update(Console *con)
{
    if (con && con->ops && con->ops->gfx_update) {
        con->ops->gfx_update(con->opaque);
    }
}

void graphic_hw_invalidate(Console *con)
{
    if (con && con->ops && con->ops->invalidate) {
        con->ops->invalidate(con->opaque);
    }
}

void graphic_hw_text_update(Console *con)
{
    if (con && con->ops && con->ops->text_update) {
        con->ops->text_update(con->opaque);
    }
}

void dpy_gfx_replace_surface(Console *con, DisplaySurface *surface)
{
    if (!surface) {
        surface = surface_create_placeholder(PLACEHOLDER_W, PLACEHOLDER_H);
    }
    DisplaySurface *old = con->surface;
    con->surface = surface;
    for (DisplayChangeListener *d = listeners; d; d = d->next) {
        if (d->con == con && d->ops->dpy_gfx_switch) {
            d->ops->dpy_gfx_switch(d, surface);
        }
    }
    if (old != surface) {
        surface_free(old);
    }
}

void dpy_gfx_update(Console *con, int x, int y, int w, int h)
{
    int sw = surface_width(con->surface), sh = surface_height(con->surface);
    if (x < 0) {
        w += x;
        x = 0;
    }
    if (y < 0) {
        h += y;
        y = 0;
    }
    if (x >= sw || y >= sh) {
        return;
    }
    w = MIN(w, sw - x);
    h = MIN(h, sh - y);
    if (w <= 0 || h <= 0) {
        return;
    }
    for (DisplayChangeListener *d = listeners; d; d = d->next) {
        if (d->con == con && d->ops->dpy_gfx_update) {
            d->ops->dpy_gfx_update(d, x, y, w, h);
        }
    }
}

void dpy_gfx_update_full(Console *con)
{
    dpy_gfx_update(con, 0, 0, surface_width(con->surface),
                   surface_height(con->surface));
}

void dpy_text_resize(Console *con, int cols, int rows)
{
    if (cols == 0 && rows == 0) {
        /* No text grid now (a graphics mode): added for -display curses. */
        if (!con->text && !con->text_cols) {
            return; /* said already */
        }
        free(con->text);
        con->text = NULL;
    } else if (cols < 1 || rows < 1 || cols > 512 || rows > 512) {
        return;
    } else if (cols != con->text_cols || rows != con->text_rows || !con->text) {
        free(con->text);
        con->text = calloc((size_t)cols * rows, sizeof(ConsoleChar));
    }
    con->text_cols = cols;
    con->text_rows = rows;
    for (DisplayChangeListener *d = listeners; d; d = d->next) {
        if (d->con == con && d->ops->dpy_text_resize) {
            d->ops->dpy_text_resize(d, cols, rows);
        }
    }
}

void dpy_text_set(Console *con, int x, int y, ConsoleChar c)
{
    if (!con->text || x < 0 || y < 0 || x >= con->text_cols ||
        y >= con->text_rows) {
        return;
    }
    ConsoleChar *cell = &con->text[y * con->text_cols + x];
    if (cell->ch == c.ch && cell->attr == c.attr) {
        return;
    }
    *cell = c;
    for (DisplayChangeListener *d = listeners; d; d = d->next) {
        if (d->con == con && d->ops->dpy_text_update) {
            d->ops->dpy_text_update(d, x, y, 1, 1);
        }
    }
}

void dpy_text_cursor(Console *con, int x, int y, bool visible)
{
    if (con->cursor_x == x && con->cursor_y == y &&
        con->cursor_visible == visible) {
        return;
    }
    con->cursor_x = x;
    con->cursor_y = y;
    con->cursor_visible = visible;
    for (DisplayChangeListener *d = listeners; d; d = d->next) {
        if (d->con == con && d->ops->dpy_text_cursor) {
            d->ops->dpy_text_cursor(d, x, y, visible);
        }
    }
}

const ConsoleChar *console_text(Console *con, int *cols, int *rows)
{
    *cols = con->text_cols;
    *rows = con->text_rows;
    return con->text;
}

void register_displaychangelistener(DisplayChangeListener *dcl)
{
    if (!dcl->con) {
        dcl->con = console_get(0);
    }
    if (!dcl->con) {
        return; /* no display device (-vga none): nothing to show */
    }
    if (!refresh_timer) {
        refresh_timer = timer_new_ns(CLOCK_MONO, refresh_tick, NULL);
    }
    dcl->next = listeners;
    listeners = dcl;
    if (dcl->ops->dpy_gfx_switch) {
        dcl->ops->dpy_gfx_switch(dcl, dcl->con->surface);
    }
    graphic_hw_invalidate(dcl->con);
    refresh_rearm();
}

void unregister_displaychangelistener(DisplayChangeListener *dcl)
{
    for (DisplayChangeListener **p = &listeners; *p; p = &(*p)->next) {
        if (*p == dcl) {
            *p = dcl->next;
            break;
        }
    }
    dcl->next = NULL;
    refresh_rearm();
}

void dpy_set_update_interval(DisplayChangeListener *dcl, uint64_t ms)
{
    dcl->update_interval = ms;
    refresh_rearm();
}
