/*
 * Key names for the monitor (sendkey) and other front ends that take keys
 * as words: QEMU's QKeyCode spellings (qapi/ui.json, enum QKeyCode) to
 * Linux KEY_* codes (ui/input.h).
 *
 * The pairs follow the "QEMU QKeyCode" column of keycodemapdb's
 * data/keymaps.csv, the table QEMU itself maps with.  Some of them are not
 * what the name suggests: "menu" is KEY_MENU (a rare extra key), the
 * 105-key board's Menu/Application key is "compose" (KEY_COMPOSE);
 * "less" is the ISO key between left Shift and Z (KEY_102ND); "asterisk"
 * and "kp_multiply" are both the keypad's '*'; "print" and "sysrq" are
 * both PrintScreen (KEY_SYSRQ).  Where two names share a code,
 * input_key_name returns the later one ("kp_multiply", "print": QEMU
 * turns "sysrq" into "print" too).
 */
#include "ui/input.h"

#include <linux/input-event-codes.h>
#include <strings.h>

typedef struct KeyName {
    const char *name;
    int code;
} KeyName;

static const KeyName key_names[] = {
    {"shift", KEY_LEFTSHIFT},
    {"shift_r", KEY_RIGHTSHIFT},
    {"alt", KEY_LEFTALT},
    {"alt_r", KEY_RIGHTALT},
    {"ctrl", KEY_LEFTCTRL},
    {"ctrl_r", KEY_RIGHTCTRL},
    {"menu", KEY_MENU},
    {"esc", KEY_ESC},
    {"1", KEY_1},
    {"2", KEY_2},
    {"3", KEY_3},
    {"4", KEY_4},
    {"5", KEY_5},
    {"6", KEY_6},
    {"7", KEY_7},
    {"8", KEY_8},
    {"9", KEY_9},
    {"0", KEY_0},
    {"minus", KEY_MINUS},
    {"equal", KEY_EQUAL},
    {"backspace", KEY_BACKSPACE},
    {"tab", KEY_TAB},
    {"q", KEY_Q},
    {"w", KEY_W},
    {"e", KEY_E},
    {"r", KEY_R},
    {"t", KEY_T},
    {"y", KEY_Y},
    {"u", KEY_U},
    {"i", KEY_I},
    {"o", KEY_O},
    {"p", KEY_P},
    {"bracket_left", KEY_LEFTBRACE},
    {"bracket_right", KEY_RIGHTBRACE},
    {"ret", KEY_ENTER},
    {"a", KEY_A},
    {"s", KEY_S},
    {"d", KEY_D},
    {"f", KEY_F},
    {"g", KEY_G},
    {"h", KEY_H},
    {"j", KEY_J},
    {"k", KEY_K},
    {"l", KEY_L},
    {"semicolon", KEY_SEMICOLON},
    {"apostrophe", KEY_APOSTROPHE},
    {"grave_accent", KEY_GRAVE},
    {"backslash", KEY_BACKSLASH},
    {"z", KEY_Z},
    {"x", KEY_X},
    {"c", KEY_C},
    {"v", KEY_V},
    {"b", KEY_B},
    {"n", KEY_N},
    {"m", KEY_M},
    {"comma", KEY_COMMA},
    {"dot", KEY_DOT},
    {"slash", KEY_SLASH},
    {"asterisk", KEY_KPASTERISK},
    {"spc", KEY_SPACE},
    {"caps_lock", KEY_CAPSLOCK},
    {"f1", KEY_F1},
    {"f2", KEY_F2},
    {"f3", KEY_F3},
    {"f4", KEY_F4},
    {"f5", KEY_F5},
    {"f6", KEY_F6},
    {"f7", KEY_F7},
    {"f8", KEY_F8},
    {"f9", KEY_F9},
    {"f10", KEY_F10},
    {"num_lock", KEY_NUMLOCK},
    {"scroll_lock", KEY_SCROLLLOCK},
    {"kp_divide", KEY_KPSLASH},
    {"kp_multiply", KEY_KPASTERISK},
    {"kp_subtract", KEY_KPMINUS},
    {"kp_add", KEY_KPPLUS},
    {"kp_enter", KEY_KPENTER},
    {"kp_decimal", KEY_KPDOT},
    {"sysrq", KEY_SYSRQ},
    {"kp_0", KEY_KP0},
    {"kp_1", KEY_KP1},
    {"kp_2", KEY_KP2},
    {"kp_3", KEY_KP3},
    {"kp_4", KEY_KP4},
    {"kp_5", KEY_KP5},
    {"kp_6", KEY_KP6},
    {"kp_7", KEY_KP7},
    {"kp_8", KEY_KP8},
    {"kp_9", KEY_KP9},
    {"less", KEY_102ND},
    {"f11", KEY_F11},
    {"f12", KEY_F12},
    {"print", KEY_SYSRQ},
    {"home", KEY_HOME},
    {"pgup", KEY_PAGEUP},
    {"pgdn", KEY_PAGEDOWN},
    {"end", KEY_END},
    {"left", KEY_LEFT},
    {"up", KEY_UP},
    {"down", KEY_DOWN},
    {"right", KEY_RIGHT},
    {"insert", KEY_INSERT},
    {"delete", KEY_DELETE},
    {"stop", KEY_STOP},
    {"again", KEY_AGAIN},
    {"props", KEY_PROPS},
    {"undo", KEY_UNDO},
    {"front", KEY_FRONT},
    {"copy", KEY_COPY},
    {"open", KEY_OPEN},
    {"paste", KEY_PASTE},
    {"find", KEY_FIND},
    {"cut", KEY_CUT},
    {"lf", KEY_LINEFEED},
    {"help", KEY_HELP},
    {"meta_l", KEY_LEFTMETA},
    {"meta_r", KEY_RIGHTMETA},
    {"compose", KEY_COMPOSE},
    {"pause", KEY_PAUSE},
    {"ro", KEY_RO},
    {"hiragana", KEY_HIRAGANA},
    {"henkan", KEY_HENKAN},
    {"yen", KEY_YEN},
    {"muhenkan", KEY_MUHENKAN},
    {"katakanahiragana", KEY_KATAKANAHIRAGANA},
    {"kp_comma", KEY_KPCOMMA},
    {"kp_equals", KEY_KPEQUAL},
    {"power", KEY_POWER},
    {"sleep", KEY_SLEEP},
    {"wake", KEY_WAKEUP},
    {"audionext", KEY_NEXTSONG},
    {"audioprev", KEY_PREVIOUSSONG},
    {"audiostop", KEY_STOPCD},
    {"audioplay", KEY_PLAYPAUSE},
    {"audiomute", KEY_MUTE},
    {"volumeup", KEY_VOLUMEUP},
    {"volumedown", KEY_VOLUMEDOWN},
    {"mediaselect", KEY_MEDIA},
    {"mail", KEY_MAIL},
    {"calculator", KEY_CALC},
    {"computer", KEY_COMPUTER},
    {"ac_home", KEY_HOMEPAGE},
    {"ac_back", KEY_BACK},
    {"ac_forward", KEY_FORWARD},
    {"ac_refresh", KEY_REFRESH},
    {"ac_bookmarks", KEY_BOOKMARKS},
    {"lang1", KEY_HANGEUL},
    {"lang2", KEY_HANJA},
    {"f13", KEY_F13},
    {"f14", KEY_F14},
    {"f15", KEY_F15},
    {"f16", KEY_F16},
    {"f17", KEY_F17},
    {"f18", KEY_F18},
    {"f19", KEY_F19},
    {"f20", KEY_F20},
    {"f21", KEY_F21},
    {"f22", KEY_F22},
    {"f23", KEY_F23},
    {"f24", KEY_F24},
};

int input_key_from_name(const char *name)
{
    if (!name || !*name) {
        return -1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(key_names); i++) {
        if (!strcmp(key_names[i].name, name)) {
            return key_names[i].code;
        }
    }
    /* A number: a KEY_* value as it is (QEMU takes a scancode here; for
     * the keys of the main block the two agree, see docs/user-guide.md). */
    if (!strncasecmp(name, "0x", 2) && name[2]) {
        char *end;
        unsigned long v = strtoul(name + 2, &end, 16);
        if (!*end && v > 0 && v <= KEY_MAX) {
            return (int)v;
        }
    }
    return -1;
}

const char *input_key_name(int keycode)
{
    for (size_t i = ARRAY_SIZE(key_names); i-- > 0;) {
        if (key_names[i].code == keycode) {
            return key_names[i].name;
        }
    }
    return NULL;
}

/* For tests and "sendkey" help: the table itself. */
int input_key_name_count(void)
{
    return ARRAY_SIZE(key_names);
}

const char *input_key_name_at(int i)
{
    return i >= 0 && i < (int)ARRAY_SIZE(key_names) ? key_names[i].name : NULL;
}
