/*
 * Small parsers shared by the option syntaxes (chardev, -drive/-blockdev,
 * emu-img -o): each caller words its own error message.
 */
#ifndef EMU_OPTION_H
#define EMU_OPTION_H

#include "emu/common.h"

/* "on", "yes", "true" -> true; "off", "no", "false" -> false; anything
 * else: returns false and leaves *out alone. */
bool parse_on_off(const char *s, bool *out);

#endif
