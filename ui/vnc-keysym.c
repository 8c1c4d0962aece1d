/*
 * X11 keysyms (what an RFB KeyEvent carries, RFC 6143 section 7.5.4) to
 * Linux KEY_* codes (what ui/input.h speaks).
 *
 * A keysym names a symbol, not a key: the client has already applied its
 * own layout and modifiers.  We give the guest the key of a US layout
 * that carries the symbol, without adding or removing modifiers: a client
 * that types '!' has sent Shift_L down before it, so KEY_1 is all the
 * guest needs ('A' and 'a' are both KEY_A).  This is QEMU's behaviour
 * without -k; a guest set to another layout sees US key positions.
 */
#include "ui/vnc-int.h"

#ifdef CONFIG_VNC
#include <linux/input-event-codes.h>
#include <rfb/keysym.h>

/* Pairs, several to a line, grouped by what the keys are. */
/* clang-format off */
static const VncKeysymMap keysym_map[] = {
    /* Letters, either case. */
    {XK_a, KEY_A}, {XK_b, KEY_B}, {XK_c, KEY_C}, {XK_d, KEY_D},
    {XK_e, KEY_E}, {XK_f, KEY_F}, {XK_g, KEY_G}, {XK_h, KEY_H},
    {XK_i, KEY_I}, {XK_j, KEY_J}, {XK_k, KEY_K}, {XK_l, KEY_L},
    {XK_m, KEY_M}, {XK_n, KEY_N}, {XK_o, KEY_O}, {XK_p, KEY_P},
    {XK_q, KEY_Q}, {XK_r, KEY_R}, {XK_s, KEY_S}, {XK_t, KEY_T},
    {XK_u, KEY_U}, {XK_v, KEY_V}, {XK_w, KEY_W}, {XK_x, KEY_X},
    {XK_y, KEY_Y}, {XK_z, KEY_Z},
    {XK_A, KEY_A}, {XK_B, KEY_B}, {XK_C, KEY_C}, {XK_D, KEY_D},
    {XK_E, KEY_E}, {XK_F, KEY_F}, {XK_G, KEY_G}, {XK_H, KEY_H},
    {XK_I, KEY_I}, {XK_J, KEY_J}, {XK_K, KEY_K}, {XK_L, KEY_L},
    {XK_M, KEY_M}, {XK_N, KEY_N}, {XK_O, KEY_O}, {XK_P, KEY_P},
    {XK_Q, KEY_Q}, {XK_R, KEY_R}, {XK_S, KEY_S}, {XK_T, KEY_T},
    {XK_U, KEY_U}, {XK_V, KEY_V}, {XK_W, KEY_W}, {XK_X, KEY_X},
    {XK_Y, KEY_Y}, {XK_Z, KEY_Z},

    /* The digit row and what Shift gives on it (US). */
    {XK_1, KEY_1}, {XK_exclam, KEY_1},
    {XK_2, KEY_2}, {XK_at, KEY_2},
    {XK_3, KEY_3}, {XK_numbersign, KEY_3},
    {XK_4, KEY_4}, {XK_dollar, KEY_4},
    {XK_5, KEY_5}, {XK_percent, KEY_5},
    {XK_6, KEY_6}, {XK_asciicircum, KEY_6},
    {XK_7, KEY_7}, {XK_ampersand, KEY_7},
    {XK_8, KEY_8}, {XK_asterisk, KEY_8},
    {XK_9, KEY_9}, {XK_parenleft, KEY_9},
    {XK_0, KEY_0}, {XK_parenright, KEY_0},
    {XK_minus, KEY_MINUS}, {XK_underscore, KEY_MINUS},
    {XK_equal, KEY_EQUAL}, {XK_plus, KEY_EQUAL},

    /* Punctuation keys and their shifted symbols (US). */
    {XK_grave, KEY_GRAVE}, {XK_asciitilde, KEY_GRAVE},
    {XK_bracketleft, KEY_LEFTBRACE}, {XK_braceleft, KEY_LEFTBRACE},
    {XK_bracketright, KEY_RIGHTBRACE}, {XK_braceright, KEY_RIGHTBRACE},
    {XK_backslash, KEY_BACKSLASH}, {XK_bar, KEY_BACKSLASH},
    {XK_semicolon, KEY_SEMICOLON}, {XK_colon, KEY_SEMICOLON},
    {XK_apostrophe, KEY_APOSTROPHE}, {XK_quotedbl, KEY_APOSTROPHE},
    {XK_comma, KEY_COMMA}, {XK_less, KEY_COMMA},
    {XK_period, KEY_DOT}, {XK_greater, KEY_DOT},
    {XK_slash, KEY_SLASH}, {XK_question, KEY_SLASH},
    {XK_space, KEY_SPACE},

    /* Editing and control keys. */
    {XK_BackSpace, KEY_BACKSPACE},
    {XK_Tab, KEY_TAB}, {XK_ISO_Left_Tab, KEY_TAB}, /* Shift-Tab */
    {XK_Return, KEY_ENTER},
    {XK_Escape, KEY_ESC},
    {XK_Delete, KEY_DELETE},
    {XK_Insert, KEY_INSERT},
    {XK_Home, KEY_HOME},
    {XK_End, KEY_END},
    {XK_Prior, KEY_PAGEUP},
    {XK_Next, KEY_PAGEDOWN},
    {XK_Left, KEY_LEFT},
    {XK_Right, KEY_RIGHT},
    {XK_Up, KEY_UP},
    {XK_Down, KEY_DOWN},
    {XK_Print, KEY_SYSRQ}, /* the PrintScreen key */
    {XK_Sys_Req, KEY_SYSRQ}, /* Alt-PrintScreen */
    {XK_Pause, KEY_PAUSE},
    {XK_Break, KEY_PAUSE}, /* Ctrl-Pause */
    {XK_Menu, KEY_COMPOSE}, /* the context-menu key */

    /* Modifiers and locks. */
    {XK_Shift_L, KEY_LEFTSHIFT},
    {XK_Shift_R, KEY_RIGHTSHIFT},
    {XK_Control_L, KEY_LEFTCTRL},
    {XK_Control_R, KEY_RIGHTCTRL},
    {XK_Alt_L, KEY_LEFTALT},
    {XK_Alt_R, KEY_RIGHTALT},
    {XK_ISO_Level3_Shift, KEY_RIGHTALT}, /* AltGr on X servers */
    {XK_Mode_switch, KEY_RIGHTALT},
    {XK_Meta_L, KEY_LEFTMETA},
    {XK_Meta_R, KEY_RIGHTMETA},
    {XK_Super_L, KEY_LEFTMETA}, /* the Windows keys */
    {XK_Super_R, KEY_RIGHTMETA},
    {XK_Caps_Lock, KEY_CAPSLOCK},
    {XK_Num_Lock, KEY_NUMLOCK},
    {XK_Scroll_Lock, KEY_SCROLLLOCK},

    /* Function keys (a 105-key board has F1-F12 only). */
    {XK_F1, KEY_F1}, {XK_F2, KEY_F2}, {XK_F3, KEY_F3}, {XK_F4, KEY_F4},
    {XK_F5, KEY_F5}, {XK_F6, KEY_F6}, {XK_F7, KEY_F7}, {XK_F8, KEY_F8},
    {XK_F9, KEY_F9}, {XK_F10, KEY_F10}, {XK_F11, KEY_F11},
    {XK_F12, KEY_F12},

    /* The keypad: digits with NumLock on, navigation with it off. */
    {XK_KP_0, KEY_KP0}, {XK_KP_Insert, KEY_KP0},
    {XK_KP_1, KEY_KP1}, {XK_KP_End, KEY_KP1},
    {XK_KP_2, KEY_KP2}, {XK_KP_Down, KEY_KP2},
    {XK_KP_3, KEY_KP3}, {XK_KP_Next, KEY_KP3},
    {XK_KP_4, KEY_KP4}, {XK_KP_Left, KEY_KP4},
    {XK_KP_5, KEY_KP5}, {XK_KP_Begin, KEY_KP5},
    {XK_KP_6, KEY_KP6}, {XK_KP_Right, KEY_KP6},
    {XK_KP_7, KEY_KP7}, {XK_KP_Home, KEY_KP7},
    {XK_KP_8, KEY_KP8}, {XK_KP_Up, KEY_KP8},
    {XK_KP_9, KEY_KP9}, {XK_KP_Prior, KEY_KP9},
    {XK_KP_Decimal, KEY_KPDOT}, {XK_KP_Delete, KEY_KPDOT},
    {XK_KP_Separator, KEY_KPDOT}, /* the dot key in comma locales */
    {XK_KP_Add, KEY_KPPLUS},
    {XK_KP_Subtract, KEY_KPMINUS},
    {XK_KP_Multiply, KEY_KPASTERISK},
    {XK_KP_Divide, KEY_KPSLASH},
    {XK_KP_Enter, KEY_KPENTER},
    {XK_KP_Equal, KEY_KPEQUAL},
};
/* clang-format on */

int vnc_keysym_to_key(uint32_t keysym)
{
    for (size_t i = 0; i < ARRAY_SIZE(keysym_map); i++) {
        if (keysym_map[i].keysym == keysym) {
            return keysym_map[i].key;
        }
    }
    return -1;
}

const VncKeysymMap *vnc_keysym_table(size_t *n)
{
    *n = ARRAY_SIZE(keysym_map);
    return keysym_map;
}
#endif
