/*
 * The VNC server's tables and parsing, without a socket: keysym -> KEY_*
 * (ui/vnc-keysym.c) and the -vnc syntax (ui/vnc-spec.c).
 *
 * The keysym values here come from <rfb/keysym.h> (X11's numbering) and
 * the KEY_* codes from <linux/input-event-codes.h>: the expectations are
 * written from a US keyboard's layout, not from the table under test.
 */
#include "tests/unit/harness.h"
#include "hw/input/ps2.h"
#include "ui/vnc-int.h"

#ifdef CONFIG_VNC
#include <linux/input-event-codes.h>
#include <rfb/keysym.h>

/* The keys of a US 104-key board (the 105th, KEY_102ND, has no symbol
 * of its own on a US layout, so no keysym reaches it). */
static const int board_keys[] = {
    KEY_ESC,        KEY_F1,         KEY_F2,         KEY_F3,
    KEY_F4,         KEY_F5,         KEY_F6,         KEY_F7,
    KEY_F8,         KEY_F9,         KEY_F10,        KEY_F11,
    KEY_F12,        KEY_SYSRQ,      KEY_SCROLLLOCK, KEY_PAUSE,
    KEY_GRAVE,      KEY_1,          KEY_2,          KEY_3,
    KEY_4,          KEY_5,          KEY_6,          KEY_7,
    KEY_8,          KEY_9,          KEY_0,          KEY_MINUS,
    KEY_EQUAL,      KEY_BACKSPACE,  KEY_TAB,        KEY_Q,
    KEY_W,          KEY_E,          KEY_R,          KEY_T,
    KEY_Y,          KEY_U,          KEY_I,          KEY_O,
    KEY_P,          KEY_LEFTBRACE,  KEY_RIGHTBRACE, KEY_BACKSLASH,
    KEY_CAPSLOCK,   KEY_A,          KEY_S,          KEY_D,
    KEY_F,          KEY_G,          KEY_H,          KEY_J,
    KEY_K,          KEY_L,          KEY_SEMICOLON,  KEY_APOSTROPHE,
    KEY_ENTER,      KEY_LEFTSHIFT,  KEY_Z,          KEY_X,
    KEY_C,          KEY_V,          KEY_B,          KEY_N,
    KEY_M,          KEY_COMMA,      KEY_DOT,        KEY_SLASH,
    KEY_RIGHTSHIFT, KEY_LEFTCTRL,   KEY_LEFTMETA,   KEY_LEFTALT,
    KEY_SPACE,      KEY_RIGHTALT,   KEY_RIGHTMETA,  KEY_COMPOSE,
    KEY_RIGHTCTRL,  KEY_INSERT,     KEY_HOME,       KEY_PAGEUP,
    KEY_DELETE,     KEY_END,        KEY_PAGEDOWN,   KEY_UP,
    KEY_LEFT,       KEY_DOWN,       KEY_RIGHT,      KEY_NUMLOCK,
    KEY_KPSLASH,    KEY_KPASTERISK, KEY_KPMINUS,    KEY_KP7,
    KEY_KP8,        KEY_KP9,        KEY_KPPLUS,     KEY_KP4,
    KEY_KP5,        KEY_KP6,        KEY_KP1,        KEY_KP2,
    KEY_KP3,        KEY_KPENTER,    KEY_KP0,        KEY_KPDOT,
};

static void test_board_covered(void)
{
    size_t n;
    const VncKeysymMap *t = vnc_keysym_table(&n);
    CHECK_EQ(ARRAY_SIZE(board_keys), 104);
    for (size_t i = 0; i < ARRAY_SIZE(board_keys); i++) {
        bool found = false;
        for (size_t j = 0; j < n && !found; j++) {
            found = t[j].key == board_keys[i];
        }
        if (!found) {
            test_fail(__FILE__, __LINE__, "KEY %d: no keysym reaches it",
                      board_keys[i]);
        }
    }
}

static void test_keysyms_unique(void)
{
    size_t n;
    const VncKeysymMap *t = vnc_keysym_table(&n);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (t[i].keysym == t[j].keysym) {
                test_fail(__FILE__, __LINE__, "keysym 0x%x twice", t[i].keysym);
            }
        }
    }
}

/* Every printable ASCII character is typable on a US board. */
static void test_ascii_complete(void)
{
    for (int c = 0x20; c < 0x7f; c++) {
        if (vnc_keysym_to_key(c) < 0) {
            test_fail(__FILE__, __LINE__, "'%c' has no key", c);
        }
    }
}

static void test_spot_checks(void)
{
    /* Case does not matter; Shift is the client's. */
    CHECK_EQ(vnc_keysym_to_key(XK_a), KEY_A);
    CHECK_EQ(vnc_keysym_to_key(XK_A), KEY_A);
    CHECK_EQ(vnc_keysym_to_key(XK_q), KEY_Q);
    CHECK_EQ(vnc_keysym_to_key(XK_M), KEY_M);
    CHECK_EQ(vnc_keysym_to_key(XK_exclam), KEY_1);
    CHECK_EQ(vnc_keysym_to_key(XK_parenright), KEY_0);
    CHECK_EQ(vnc_keysym_to_key(XK_asciitilde), KEY_GRAVE);
    CHECK_EQ(vnc_keysym_to_key(XK_bar), KEY_BACKSLASH);
    CHECK_EQ(vnc_keysym_to_key(XK_quotedbl), KEY_APOSTROPHE);
    CHECK_EQ(vnc_keysym_to_key(XK_question), KEY_SLASH);
    CHECK_EQ(vnc_keysym_to_key(XK_less), KEY_COMMA);
    CHECK_EQ(vnc_keysym_to_key(XK_Return), KEY_ENTER);
    CHECK_EQ(vnc_keysym_to_key(XK_ISO_Left_Tab), KEY_TAB);
    /* F1..F12 in order. */
    for (int i = 0; i < 10; i++) {
        CHECK_EQ(vnc_keysym_to_key(XK_F1 + i), KEY_F1 + i);
    }
    CHECK_EQ(vnc_keysym_to_key(XK_F11), KEY_F11);
    CHECK_EQ(vnc_keysym_to_key(XK_F12), KEY_F12);
    /* The keypad: NumLock on and off give the same key. */
    CHECK_EQ(vnc_keysym_to_key(XK_KP_7), KEY_KP7);
    CHECK_EQ(vnc_keysym_to_key(XK_KP_Home), KEY_KP7);
    CHECK_EQ(vnc_keysym_to_key(XK_KP_0), KEY_KP0);
    CHECK_EQ(vnc_keysym_to_key(XK_KP_Insert), KEY_KP0);
    CHECK_EQ(vnc_keysym_to_key(XK_KP_Enter), KEY_KPENTER);
    CHECK_EQ(vnc_keysym_to_key(XK_KP_Divide), KEY_KPSLASH);
    CHECK_EQ(vnc_keysym_to_key(XK_KP_Decimal), KEY_KPDOT);
    /* Keypad and main keys stay apart. */
    CHECK_EQ(vnc_keysym_to_key(XK_Home), KEY_HOME);
    CHECK_EQ(vnc_keysym_to_key(XK_Delete), KEY_DELETE);
    /* Modifiers and the special keys. */
    CHECK_EQ(vnc_keysym_to_key(XK_Shift_R), KEY_RIGHTSHIFT);
    CHECK_EQ(vnc_keysym_to_key(XK_Control_R), KEY_RIGHTCTRL);
    CHECK_EQ(vnc_keysym_to_key(XK_ISO_Level3_Shift), KEY_RIGHTALT);
    CHECK_EQ(vnc_keysym_to_key(XK_Super_L), KEY_LEFTMETA);
    CHECK_EQ(vnc_keysym_to_key(XK_Super_R), KEY_RIGHTMETA);
    CHECK_EQ(vnc_keysym_to_key(XK_Menu), KEY_COMPOSE);
    CHECK_EQ(vnc_keysym_to_key(XK_Print), KEY_SYSRQ);
    CHECK_EQ(vnc_keysym_to_key(XK_Pause), KEY_PAUSE);
    /* Symbols no PC key carries. */
    CHECK_EQ(vnc_keysym_to_key(XK_dead_grave), -1);
    CHECK_EQ(vnc_keysym_to_key(0x20ac), -1); /* EuroSign */
    CHECK_EQ(vnc_keysym_to_key(XK_F13), -1);
    CHECK_EQ(vnc_keysym_to_key(0), -1);
}

static void kbd_update(void *opaque, bool has_data) {}

/* Every key the table produces makes the PS/2 keyboard speak: none is
 * dropped silently on the way to the guest. */
static void test_keys_reach_ps2(void)
{
    static PS2KbdState kbd;
    size_t n;
    const VncKeysymMap *t = vnc_keysym_table(&n);

    ps2_kbd_init(&kbd, kbd_update, NULL);
    ps2_kbd_reset(&kbd);
    for (size_t i = 0; i < n; i++) {
        while (ps2_kbd_read(&kbd) >= 0) {
        }
        ps2_keyboard_event(&kbd, t[i].key, true);
        int bytes = 0;
        while (ps2_kbd_read(&kbd) >= 0) {
            bytes++;
        }
        if (!bytes) {
            test_fail(__FILE__, __LINE__,
                      "keysym 0x%x -> KEY %d: the keyboard sends nothing",
                      t[i].keysym, t[i].key);
        }
        ps2_keyboard_event(&kbd, t[i].key, false);
    }
}
#endif

/* ---- -vnc syntax -------------------------------------------------------- */

static void expect_error(const char *spec, const char *words)
{
    VncSpec s;
    Error *err = NULL;
    if (vnc_spec_parse(spec, &s, &err) == 0) {
        test_fail(__FILE__, __LINE__, "-vnc %s accepted", spec);
        return;
    }
    const char *msg = error_get_pretty(err);
    if (!strstr(msg, words) || strchr(msg, '\n')) {
        test_fail(__FILE__, __LINE__, "-vnc %s: message '%s' (want '%s')", spec,
                  msg, words);
    }
    error_free(err);
}

static void test_spec_good(void)
{
    VncSpec s;
    Error *err = NULL;

    CHECK_EQ(vnc_spec_parse(":0", &s, &err), 0);
    CHECK_EQ(s.kind, VNC_LISTEN_TCP);
    CHECK_STR(s.host, "");
    CHECK_EQ(s.port, 5900);
    CHECK(!s.password);
    CHECK_EQ(s.ws_port, 0);

    CHECK_EQ(vnc_spec_parse("localhost:7,password=on", &s, &err), 0);
    CHECK_STR(s.host, "localhost");
    CHECK_EQ(s.display, 7);
    CHECK_EQ(s.port, 5907);
    CHECK(s.password);

    CHECK_EQ(vnc_spec_parse("[::1]:2,websocket=on", &s, &err), 0);
    CHECK_STR(s.host, "::1");
    CHECK_EQ(s.port, 5902);
    CHECK_EQ(s.ws_port, 5702);

    CHECK_EQ(
        vnc_spec_parse("127.0.0.1:1,websocket=6080,password=off", &s, &err), 0);
    CHECK_EQ(s.ws_port, 6080);
    CHECK(!s.password);

    CHECK_EQ(vnc_spec_parse(":59635,websocket=on", &s, &err), 0);
    CHECK_EQ(s.port, 65535);
    CHECK_EQ(s.ws_port, 65335);

    CHECK_EQ(vnc_spec_parse("unix:/tmp/emu vnc.sock,password=on", &s, &err), 0);
    CHECK_EQ(s.kind, VNC_LISTEN_UNIX);
    CHECK_STR(s.path, "/tmp/emu vnc.sock");
    CHECK(s.password);
    CHECK(err == NULL);
}

static void test_spec_bad(void)
{
    expect_error("", "a display");
    expect_error("5900", "expected :N");
    expect_error(":", "display number");
    expect_error(":-1", "display number");
    expect_error(":1x", "display number");
    expect_error(": 1", "display number");
    expect_error(":59636", "display number");
    expect_error("::1:0", "brackets");
    expect_error("[::1:0", "IPv6");
    expect_error("[]:0", "IPv6");
    expect_error("unix:", "socket path");
    char longpath[200] = "unix:/";
    memset(longpath + 6, 'x', 150);
    expect_error(longpath, "too long");
    expect_error(":1,share=ignore", "unknown option 'share'");
    expect_error(":1,password=maybe", "password");
    expect_error(":1,websocket=0", "websocket");
    expect_error(":1,websocket=70000", "websocket");
    expect_error(":1,websocket=5901", "RFB port");
    expect_error("unix:/tmp/x,websocket=6080", "TCP display");
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
#ifdef CONFIG_VNC
    TEST_RUN(test_board_covered);
    TEST_RUN(test_keysyms_unique);
    TEST_RUN(test_ascii_complete);
    TEST_RUN(test_spot_checks);
    TEST_RUN(test_keys_reach_ps2);
#endif
    TEST_RUN(test_spec_good);
    TEST_RUN(test_spec_bad);
    return test_finish();
}
