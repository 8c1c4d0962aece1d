/*
 * Parsers shared by the option syntaxes (include/emu/option.h).
 */
#include "emu/common.h"
#include "emu/option.h"

bool parse_on_off(const char *s, bool *out)
{
    if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true")) {
        *out = true;
    } else if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "false")) {
        *out = false;
    } else {
        return false;
    }
    return true;
}
