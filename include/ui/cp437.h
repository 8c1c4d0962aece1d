/*
 * Code page 437 (the VGA text mode's characters) to Unicode, for text
 * front ends (ui/curses.c).  ui/cp437.c.
 */
#ifndef UI_CP437_H
#define UI_CP437_H

#include <stdint.h>

extern const uint16_t cp437_to_unicode[256];

#endif
