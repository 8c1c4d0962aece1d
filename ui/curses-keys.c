/*
 * The keys a terminal sends, as PC keys (ui/curses-keys.h).  A terminal
 * sends characters, not keys: 'A' is Shift+a, '!' is Shift+1 on the US
 * layout the guest's BIOS and DOS assume, C-c is the byte 3.  This
 * undoes that for the printable ASCII characters and the control bytes.
 */
#include "ui/curses-keys.h"
#include "ui/input.h"

/* Characters typed with Shift on a US keyboard, and the key they are on. */
static const struct {
    char ch;
    const char *key;
} shifted[] = {
    {'!', "1"},
    {'@', "2"},
    {'#', "3"},
    {'$', "4"},
    {'%', "5"},
    {'^', "6"},
    {'&', "7"},
    {'*', "8"},
    {'(', "9"},
    {')', "0"},
    {'_', "minus"},
    {'+', "equal"},
    {'{', "bracket_left"},
    {'}', "bracket_right"},
    {'|', "backslash"},
    {':', "semicolon"},
    {'"', "apostrophe"},
    {'~', "grave_accent"},
    {'<', "comma"},
    {'>', "dot"},
    {'?', "slash"},
};

/* The same keys without Shift. */
static const struct {
    char ch;
    const char *key;
} plain[] = {
    {'-', "minus"},         {'=', "equal"},        {'[', "bracket_left"},
    {']', "bracket_right"}, {'\\', "backslash"},   {';', "semicolon"},
    {'\'', "apostrophe"},   {'`', "grave_accent"}, {',', "comma"},
    {'.', "dot"},           {'/', "slash"},        {' ', "spc"},
};

bool curses_key_from_name(const char *name, bool shift, CursesKey *k)
{
    int code = input_key_from_name(name);
    if (code < 0) {
        return false;
    }
    *k = (CursesKey){.keycode = code, .shift = shift};
    return true;
}

bool curses_key_from_ascii(int ch, CursesKey *k)
{
    char name[2] = {0, 0};

    switch (ch) {
    case '\r':
    case '\n':
        return curses_key_from_name("ret", false, k);
    case '\t':
        return curses_key_from_name("tab", false, k);
    case 0x08:
    case 0x7f: /* what terminals send for Backspace */
        return curses_key_from_name("backspace", false, k);
    case 0x1b:
        return curses_key_from_name("esc", false, k);
    case 0:
        /* C-space or C-@ */
        if (!curses_key_from_name("2", false, k)) {
            return false;
        }
        k->ctrl = true;
        return true;
    }
    if (ch >= 1 && ch <= 26) {
        name[0] = (char)('a' + ch - 1);
        if (!curses_key_from_name(name, false, k)) {
            return false;
        }
        k->ctrl = true;
        return true;
    }
    if (ch >= 0x1c && ch <= 0x1f) {
        /* C-\ C-] C-^ C-_ */
        static const char *const keys[] = {"backslash", "bracket_right", "6",
                                           "minus"};
        if (!curses_key_from_name(keys[ch - 0x1c], false, k)) {
            return false;
        }
        k->ctrl = true;
        return true;
    }
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
        name[0] = (char)ch;
        return curses_key_from_name(name, false, k);
    }
    if (ch >= 'A' && ch <= 'Z') {
        name[0] = (char)(ch - 'A' + 'a');
        return curses_key_from_name(name, true, k);
    }
    for (size_t i = 0; i < ARRAY_SIZE(shifted); i++) {
        if (shifted[i].ch == ch) {
            return curses_key_from_name(shifted[i].key, true, k);
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(plain); i++) {
        if (plain[i].ch == ch) {
            return curses_key_from_name(plain[i].key, false, k);
        }
    }
    return false;
}

void curses_key_send(const CursesKey *k)
{
    int shift = input_key_from_name("shift");
    int ctrl = input_key_from_name("ctrl");
    int alt = input_key_from_name("alt");

    if (k->ctrl) {
        input_event_key(ctrl, true);
    }
    if (k->alt) {
        input_event_key(alt, true);
    }
    if (k->shift) {
        input_event_key(shift, true);
    }
    input_event_key(k->keycode, true);
    input_event_key(k->keycode, false);
    if (k->shift) {
        input_event_key(shift, false);
    }
    if (k->alt) {
        input_event_key(alt, false);
    }
    if (k->ctrl) {
        input_event_key(ctrl, false);
    }
}
