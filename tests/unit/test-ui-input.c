/*
 * The monitor's input commands (sendkey, mouse_move, mouse_button), the
 * key names behind sendkey (ui/input-keys.c) and the CP437 table of the
 * text front ends (ui/cp437.c).  A recording InputHandler stands in for
 * the PS/2 keyboard and mouse and notes each event with the virtual time
 * it came at (the harness's clock only moves when the test steps it).
 */
#include "tests/unit/harness.h"
#include "emu/monitor.h"
#include "ui/cp437.h"
#include "ui/input.h"

#include <glib.h>
#include <linux/input-event-codes.h>

typedef struct Rec {
    InputEvent evt; /* kind INPUT_EVENT_* */
    bool sync;      /* a sync, not an event */
    int64_t when;   /* CLOCK_VIRTUAL ns */
} Rec;

static GArray *recs;

static void rec_event(void *opaque, const InputEvent *evt)
{
    Rec r = {.evt = *evt, .when = clock_get_ns(CLOCK_VIRTUAL)};
    g_array_append_val(recs, r);
}

static void rec_sync(void *opaque)
{
    Rec r = {.sync = true, .when = clock_get_ns(CLOCK_VIRTUAL)};
    g_array_append_val(recs, r);
}

static const InputHandler rec_handler = {
    .name = "recorder",
    .mask = INPUT_EVENT_MASK_KEY | INPUT_EVENT_MASK_BTN | INPUT_EVENT_MASK_REL,
    .event = rec_event,
    .sync = rec_sync,
};

static InputHandlerState *rec_state;

static void rec_start(void)
{
    recs = g_array_new(false, true, sizeof(Rec));
    rec_state = input_handler_register(&rec_handler, NULL);
}

static void rec_stop(void)
{
    input_handler_unregister(rec_state);
    g_array_free(recs, true);
}

/* The events without the syncs. */
static Rec *ev(int i)
{
    for (guint j = 0; j < recs->len; j++) {
        Rec *r = &g_array_index(recs, Rec, j);
        if (!r->sync && i-- == 0) {
            return r;
        }
    }
    return NULL;
}

static int nr_events(void)
{
    int n = 0;
    for (guint j = 0; j < recs->len; j++) {
        n += !g_array_index(recs, Rec, j).sync;
    }
    return n;
}

static void check_key(int i, int keycode, bool down, int64_t when)
{
    Rec *r = ev(i);
    if (!r || r->evt.kind != INPUT_EVENT_KEY ||
        r->evt.u.key.keycode != keycode || r->evt.u.key.down != down ||
        r->when != when) {
        test_fail(__FILE__, __LINE__,
                  "event %d: want key %d %s at %" PRId64 ", got %s", i, keycode,
                  down ? "down" : "up", when,
                  !r ? "nothing"
                     : g_strdup_printf("kind %d key %d %s at %" PRId64,
                                       r->evt.kind, r->evt.u.key.keycode,
                                       r->evt.u.key.down ? "down" : "up",
                                       r->when));
    }
}

static int mon(const char *line, char **out)
{
    size_t size = 0;
    FILE *f = open_memstream(out, &size);
    int r = monitor_execute_line(NULL, line, f);
    fclose(f);
    return r;
}

static void mon_ok(const char *line)
{
    char *out;
    if (mon(line, &out) != 0 || *out) {
        test_fail(__FILE__, __LINE__, "%s: \"%s\"", line, out);
    }
    g_free(out);
}

static void mon_err(const char *line, const char *msg)
{
    char *out;
    if (mon(line, &out) != -1 || strcmp(out, msg)) {
        test_fail(__FILE__, __LINE__, "%s: \"%s\", want \"%s\"", line, out,
                  msg);
    }
    g_free(out);
}

/* ---- key names ---- */

static void test_key_names_round_trip(void)
{
    int n = input_key_name_count();
    CHECK(n >= 150);
    for (int i = 0; i < n; i++) {
        const char *name = input_key_name_at(i);
        int code = input_key_from_name(name);
        if (code <= 0 || code > KEY_MAX) {
            test_fail(__FILE__, __LINE__, "%s -> %d", name, code);
            continue;
        }
        /* the code's name leads back to the same code (aliases such as
         * "sysrq"/"print" share one) */
        const char *back = input_key_name(code);
        if (!back || input_key_from_name(back) != code) {
            test_fail(__FILE__, __LINE__, "%s -> %d -> %s", name, code,
                      back ? back : "(null)");
        }
        /* and no name is listed twice */
        for (int j = 0; j < i; j++) {
            if (!strcmp(name, input_key_name_at(j))) {
                test_fail(__FILE__, __LINE__, "%s listed twice", name);
            }
        }
    }
    CHECK(input_key_name_at(n) == NULL);
}

static void test_key_names_values(void)
{
    /* Numbers from <linux/input-event-codes.h>, written out here so that a
     * table entry pointing at the wrong KEY_ constant fails. */
    static const struct {
        const char *name;
        int code;
    } spot[] = {
        {"esc", 1},          {"1", 2},
        {"0", 11},           {"minus", 12},
        {"backspace", 14},   {"tab", 15},
        {"q", 16},           {"bracket_left", 26},
        {"ret", 28},         {"ctrl", 29},
        {"a", 30},           {"grave_accent", 41},
        {"shift", 42},       {"backslash", 43},
        {"z", 44},           {"slash", 53},
        {"shift_r", 54},     {"asterisk", 55},
        {"kp_multiply", 55}, {"alt", 56},
        {"spc", 57},         {"caps_lock", 58},
        {"f1", 59},          {"f10", 68},
        {"num_lock", 69},    {"scroll_lock", 70},
        {"kp_7", 71},        {"kp_subtract", 74},
        {"kp_add", 78},      {"kp_0", 82},
        {"kp_decimal", 83},  {"less", 86},
        {"f11", 87},         {"f12", 88},
        {"kp_enter", 96},    {"ctrl_r", 97},
        {"kp_divide", 98},   {"sysrq", 99},
        {"print", 99},       {"alt_r", 100},
        {"home", 102},       {"up", 103},
        {"pgup", 104},       {"left", 105},
        {"right", 106},      {"end", 107},
        {"down", 108},       {"pgdn", 109},
        {"insert", 110},     {"delete", 111},
        {"pause", 119},      {"meta_l", 125},
        {"meta_r", 126},     {"compose", 127},
        {"menu", 139},       {"f13", 183},
        {"f24", 194},        {"0x1d", 29},
        {"0X1E", 30},
    };
    for (size_t i = 0; i < ARRAY_SIZE(spot); i++) {
        if (input_key_from_name(spot[i].name) != spot[i].code) {
            test_fail(__FILE__, __LINE__, "%s: %d, want %d", spot[i].name,
                      input_key_from_name(spot[i].name), spot[i].code);
        }
    }
    CHECK_STR(input_key_name(99), "print");
    CHECK_STR(input_key_name(55), "kp_multiply");
    CHECK_STR(input_key_name(111), "delete");
    CHECK(input_key_name(0) == NULL);
    static const char *const bad[] = {"",         "Ctrl", "control", "f25",
                                      "0x",       "0x0",  "0xzz",    "0x10000",
                                      "unmapped", "kp_",  "altgr"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        if (input_key_from_name(bad[i]) != -1) {
            test_fail(__FILE__, __LINE__, "'%s' taken as %d", bad[i],
                      input_key_from_name(bad[i]));
        }
    }
}

/* ---- sendkey ---- */

#define MS 1000000LL

static void test_sendkey_order_and_hold(void)
{
    rec_start();
    int64_t t0 = clock_get_ns(CLOCK_VIRTUAL);
    mon_ok("sendkey ctrl-alt-delete");
    /* pressed in order at once, nothing released yet */
    CHECK_EQ(nr_events(), 3);
    check_key(0, KEY_LEFTCTRL, true, t0);
    check_key(1, KEY_LEFTALT, true, t0);
    check_key(2, KEY_DELETE, true, t0);
    clock_step_ns(100 * MS - 1);
    CHECK_EQ(nr_events(), 3);
    clock_step_ns(1);
    /* released in reverse order after 100 ms of virtual time */
    CHECK_EQ(nr_events(), 6);
    check_key(3, KEY_DELETE, false, t0 + 100 * MS);
    check_key(4, KEY_LEFTALT, false, t0 + 100 * MS);
    check_key(5, KEY_LEFTCTRL, false, t0 + 100 * MS);
    /* each key is a group of its own for the device (a sync after it) */
    CHECK_EQ(recs->len, 12);
    rec_stop();
}

static void test_sendkey_hold_and_numbers(void)
{
    rec_start();
    int64_t t0 = clock_get_ns(CLOCK_VIRTUAL);
    mon_ok("sendkey shift-0x1e 250");
    check_key(0, KEY_LEFTSHIFT, true, t0);
    check_key(1, KEY_A, true, t0);
    clock_step_ns(249 * MS);
    CHECK_EQ(nr_events(), 2);
    clock_step_ns(1 * MS);
    check_key(2, KEY_A, false, t0 + 250 * MS);
    check_key(3, KEY_LEFTSHIFT, false, t0 + 250 * MS);
    CHECK_EQ(nr_events(), 4);

    /* hold 0: released at once, still after every press */
    mon_ok("sendkey a 0");
    CHECK_EQ(nr_events(), 5); /* the release waits for the timer */
    check_key(4, KEY_A, true, t0 + 250 * MS);
    clock_step_ns(1);
    CHECK_EQ(nr_events(), 6);
    check_key(5, KEY_A, false, t0 + 250 * MS);
    rec_stop();
}

static void test_sendkey_queued(void)
{
    /* A second sendkey while the first holds its keys waits its turn. */
    rec_start();
    int64_t t0 = clock_get_ns(CLOCK_VIRTUAL);
    mon_ok("sendkey a 100");
    clock_step_ns(10 * MS);
    mon_ok("sendkey b 50");
    CHECK_EQ(nr_events(), 1);
    clock_step_ns(90 * MS);
    check_key(1, KEY_A, false, t0 + 100 * MS);
    check_key(2, KEY_B, true, t0 + 100 * MS);
    clock_step_ns(50 * MS);
    check_key(3, KEY_B, false, t0 + 150 * MS);
    CHECK_EQ(nr_events(), 4);
    rec_stop();
}

static void test_sendkey_errors(void)
{
    rec_start();
    mon_err("sendkey ctrl-alt-delet", "invalid parameter: delet\n");
    mon_err("sendkey ctrl--a", "invalid parameter: \n");
    mon_err("sendkey", "usage: sendkey KEYS [HOLD_MS]  (e.g. sendkey "
                       "ctrl-alt-delete)\n");
    mon_err("sendkey a 10 x", "usage: sendkey KEYS [HOLD_MS]  (e.g. sendkey "
                              "ctrl-alt-delete)\n");
    mon_err("sendkey a -5", "sendkey: hold time '-5' is not 0..60000 ms\n");
    mon_err("sendkey a 5ms", "sendkey: hold time '5ms' is not 0..60000 ms\n");
    mon_err("sendkey a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q",
            "sendkey: at most 16 keys at once\n");
    /* nothing was pressed by a refused line, not even its valid keys */
    clock_step_ns(1000 * MS);
    CHECK_EQ(nr_events(), 0);
    rec_stop();
}

/* ---- mouse ---- */

static void test_mouse_move(void)
{
    rec_start();
    mon_ok("mouse_move 10 -20");
    CHECK_EQ(nr_events(), 2);
    CHECK(ev(0)->evt.kind == INPUT_EVENT_REL &&
          ev(0)->evt.u.move.axis == INPUT_AXIS_X &&
          ev(0)->evt.u.move.value == 10);
    CHECK(ev(1)->evt.kind == INPUT_EVENT_REL &&
          ev(1)->evt.u.move.axis == INPUT_AXIS_Y &&
          ev(1)->evt.u.move.value == -20);
    /* X and Y are one packet: one sync after both */
    CHECK_EQ(recs->len, 3);
    CHECK(g_array_index(recs, Rec, 2).sync);

    mon_ok("mouse_move 0 0 -2");
    CHECK_EQ(nr_events(), 6);
    for (int i = 2; i < 6; i++) {
        CHECK(ev(i)->evt.kind == INPUT_EVENT_BTN &&
              ev(i)->evt.u.btn.button == INPUT_BUTTON_WHEEL_DOWN &&
              ev(i)->evt.u.btn.down == (i % 2 == 0));
    }
    mon_ok("mouse_move 0 0 1");
    CHECK(ev(6)->evt.u.btn.button == INPUT_BUTTON_WHEEL_UP);

    mon_err("mouse_move 1", "usage: mouse_move DX DY [DZ]\n");
    mon_err("mouse_move 1 x", "invalid parameter: x\n");
    mon_err("mouse_move 1 2 3 4", "usage: mouse_move DX DY [DZ]\n");
    rec_stop();
}

static void test_mouse_button(void)
{
    rec_start();
    mon_ok("mouse_button 1"); /* left down */
    mon_ok("mouse_button 5"); /* middle down, left stays */
    mon_ok("mouse_button 2"); /* left, middle up; right down */
    mon_ok("mouse_button 0");
    static const struct {
        InputButton b;
        bool down;
    } want[] = {
        {INPUT_BUTTON_LEFT, true},    {INPUT_BUTTON_MIDDLE, true},
        {INPUT_BUTTON_LEFT, false},   {INPUT_BUTTON_RIGHT, true},
        {INPUT_BUTTON_MIDDLE, false}, {INPUT_BUTTON_RIGHT, false},
    };
    CHECK_EQ(nr_events(), ARRAY_SIZE(want));
    for (int i = 0; i < (int)ARRAY_SIZE(want) && ev(i); i++) {
        if (ev(i)->evt.kind != INPUT_EVENT_BTN ||
            ev(i)->evt.u.btn.button != want[i].b ||
            ev(i)->evt.u.btn.down != want[i].down) {
            test_fail(__FILE__, __LINE__, "event %d: button %d %d", i,
                      ev(i)->evt.u.btn.button, ev(i)->evt.u.btn.down);
        }
    }
    mon_err("mouse_button 8", "invalid parameter: 8\n");
    mon_err("mouse_button", "usage: mouse_button STATE (bit 0 left, 1 right, "
                            "2 middle)\n");
    rec_stop();
}

/* ---- CP437 ---- */

static void test_cp437(void)
{
    static const struct {
        uint8_t c;
        uint16_t u;
    } spot[] = {
        {0x00, 0x0020}, {0x01, 0x263A}, {0x03, 0x2665}, {0x10, 0x25BA},
        {0x1B, 0x2190}, {0x41, 'A'},    {0x7E, '~'},    {0x7F, 0x2302},
        {0x80, 0x00C7}, {0x81, 0x00FC}, {0x9B, 0x00A2}, {0xB0, 0x2591},
        {0xB1, 0x2592}, {0xB2, 0x2593}, {0xB3, 0x2502}, {0xC4, 0x2500},
        {0xC9, 0x2554}, {0xBB, 0x2557}, {0xCD, 0x2550}, {0xDB, 0x2588},
        {0xE1, 0x00DF}, {0xE3, 0x03C0}, {0xF8, 0x00B0}, {0xFE, 0x25A0},
        {0xFF, 0x00A0},
    };
    for (size_t i = 0; i < ARRAY_SIZE(spot); i++) {
        if (cp437_to_unicode[spot[i].c] != spot[i].u) {
            test_fail(__FILE__, __LINE__, "0x%02X -> U+%04X, want U+%04X",
                      spot[i].c, cp437_to_unicode[spot[i].c], spot[i].u);
        }
    }
    /* printable ASCII is itself; nothing maps to a control character */
    for (int c = 0; c < 256; c++) {
        uint16_t u = cp437_to_unicode[c];
        if ((c >= 0x20 && c < 0x7f && u != c) || u < 0x20 ||
            (u >= 0x7f && u < 0xa0)) {
            test_fail(__FILE__, __LINE__, "0x%02X -> U+%04X", c, u);
        }
    }
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_key_names_round_trip);
    TEST_RUN(test_key_names_values);
    TEST_RUN(test_sendkey_order_and_hold);
    TEST_RUN(test_sendkey_hold_and_numbers);
    TEST_RUN(test_sendkey_queued);
    TEST_RUN(test_sendkey_errors);
    TEST_RUN(test_mouse_move);
    TEST_RUN(test_mouse_button);
    TEST_RUN(test_cp437);
    return test_finish();
}
