/*
 * The keys a terminal sends, as PC keys: the part of -display curses
 * that needs no curses (ui/curses-keys.c), so that it is tested without a
 * terminal.
 */
#ifndef UI_CURSES_KEYS_H
#define UI_CURSES_KEYS_H

#include "emu/common.h"

typedef struct CursesKey {
    int keycode; /* KEY_* of ui/input.h */
    bool shift, ctrl, alt;
} CursesKey;

/* A byte of the terminal's input (ASCII, or a control character such as
 * C-a = 1) as the key of a US PC keyboard that types it, with the
 * modifiers it needs.  false for bytes no key types (>= 0x80). */
bool curses_key_from_ascii(int ch, CursesKey *k);
/* A key known by its QKeyCode name ("up", "f1", "delete"...). */
bool curses_key_from_name(const char *name, bool shift, CursesKey *k);
/* Press the modifiers, press and release the key, release the modifiers
 * (ui/input.h), so that the guest sees one typed key. */
void curses_key_send(const CursesKey *k);

#endif
