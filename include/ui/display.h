/*
 * The display front end for system/main.c: -display, -vnc, -nographic.
 * Devices never include this (they see ui/console.h and ui/input.h).
 *
 *   -display sdl[,grab-mod=lshift-lctrl-lalt|rctrl][,full-screen=on|off]
 *                 [,window-close=on|off][,show-cursor=on|off]
 *   -display curses[,charset=CP437]
 *   -display none
 *   -display help
 *   -vnc :N | HOST:N | unix:PATH [,password=on] [,websocket=PORT]
 *   -nographic          -display none, and serial+monitor on stdio
 *
 * Without -display, -nographic or -vnc: sdl when it is built in and a
 * window system is reachable ($DISPLAY or $WAYLAND_DISPLAY); otherwise the
 * -nographic behaviour, so that scripts on headless hosts keep their
 * serial console on stdio.  (QEMU would fail to open its window there.)
 */
#ifndef UI_DISPLAY_H
#define UI_DISPLAY_H

#include "emu/common.h"
#include "emu/keyval.h"

/* A front end that -display TYPE picks (ui/sdl2.c, ui/curses.c...). */
typedef struct DisplayBackend {
    const char *name;
    const char *help; /* one line for -display help */
    /* Can it run here?  (built in and, for a window, a window system) */
    bool (*available)(void);
    /* After the machine is built (its consoles exist): open the window /
     * terminal and register listeners.  init must keyval_get every key it
     * accepts; left-overs are refused by the front end. */
    int (*init)(KeyValOpts *opts, Error **errp);
    /* Whether it uses the terminal (stdio serial then moves away). */
    bool uses_terminal;
} DisplayBackend;

void display_backend_register(const DisplayBackend *b);
#define DISPLAY_BACKEND_REGISTER(b)                                     \
    static void __attribute__((constructor)) register_display_##b(void) \
    {                                                                   \
        display_backend_register(&(b));                                 \
    }
const DisplayBackend *display_backend_find(const char *name);
void display_backend_list(FILE *f);

/* -display SPEC: checked at once (unknown type, "help" -> list, exit 0:
 * returns 1).  0 ok, -1 with errp. */
int display_parse(const char *spec, Error **errp);
/* -vnc SPEC: syntax checked at once; 0 ok, -1 with errp. */
int vnc_parse(const char *spec, Error **errp);
/* -nographic was given. */
void display_set_nographic(void);

/* The decision main() needs before the machine exists: is a window or
 * terminal display going to run (then serial defaults to null, not
 * stdio)? */
bool display_is_graphical(void);
bool display_uses_terminal(void);

/* After the machine is realized: start the chosen display and VNC. */
int display_init_all(Error **errp);

/* ui/vnc.c: start a VNC server on console 0 for SPEC (-vnc's syntax). */
int vnc_display_init(const char *spec, Error **errp);
bool vnc_available(void);

#endif
