/*
 * The monitor's display and input commands, in QEMU's HMP syntax:
 *
 *   screendump [-f ppm|png] FILENAME [DEVICE [HEAD]]
 *   sendkey KEYS [HOLD_MS]         keys joined by '-': "ctrl-alt-delete"
 *   mouse_move DX DY [DZ]
 *   mouse_button STATE             bit 0 left, 1 right, 2 middle
 *
 * Everything goes through ui/console.h and ui/input.h: the commands know
 * no device.
 *
 * sendkey presses the keys in order, waits HOLD_MS (100 by default) and
 * releases them in reverse order.  The wait is on CLOCK_VIRTUAL, as QEMU
 * does it: the guest sees the key held for HOLD_MS of its own time however
 * slowly it runs (a loaded TCG guest does not see a short tap become a
 * typematic repeat), and tests step it exactly.  The cost: while the
 * machine is stopped the release waits for "cont".  A sendkey given while
 * an earlier one still holds its keys is queued behind it, so the keys of
 * two commands never interleave.
 */
#include "emu/monitor.h"
#include "emu/timer.h"
#include "ui/console.h"
#include "ui/input.h"

#include <glib.h>

#define SENDKEY_MAX_KEYS     16
#define SENDKEY_HOLD_DEFAULT 100 /* ms, as QEMU */
#define SENDKEY_HOLD_MAX     60000
#define MOUSE_DZ_MAX         127

/* Split args at blanks, dropping empty words. */
static GPtrArray *split_args(const char *args)
{
    GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) parts = g_strsplit_set(args, " \t", -1);
    for (int i = 0; parts[i]; i++) {
        if (*parts[i]) {
            g_ptr_array_add(words, g_strdup(parts[i]));
        }
    }
    return words;
}

static bool parse_int(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (errno || end == s || *end || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

/* ---- screendump ---- */

static Console *find_console(const char *dev)
{
    for (int i = 0; i < console_count(); i++) {
        Console *con = console_get(i);
        if (!strcmp(console_name(con), dev)) {
            return con;
        }
    }
    long n;
    return parse_int(dev, 0, INT_MAX, &n) ? console_get((int)n) : NULL;
}

static int cmd_screendump(FILE *out, const char *args)
{
    g_autoptr(GPtrArray) w = split_args(args);
    ScreendumpFormat fmt = SCREENDUMP_AUTO;
    const char *pos[3] = {NULL, NULL, NULL};
    int npos = 0;

    for (guint i = 0; i < w->len; i++) {
        const char *a = w->pdata[i];
        if (!strcmp(a, "-f")) {
            const char *f = i + 1 < w->len ? w->pdata[++i] : "";
            if (!strcmp(f, "png")) {
                fmt = SCREENDUMP_PNG;
            } else if (!strcmp(f, "ppm")) {
                fmt = SCREENDUMP_PPM;
            } else {
                fprintf(out, "screendump: format '%s' is not ppm or png\n", f);
                return -1;
            }
        } else if (npos < 3) {
            pos[npos++] = a;
        } else {
            npos++;
        }
    }
    if (npos < 1 || npos > 3) {
        fprintf(out,
                "usage: screendump [-f ppm|png] FILENAME [DEVICE [HEAD]]\n");
        return -1;
    }
    Console *con = NULL;
    if (pos[1]) {
        con = find_console(pos[1]);
        if (!con) {
            fprintf(out, "screendump: no display device '%s'\n", pos[1]);
            return -1;
        }
    }
    long head;
    if (pos[2] && (!parse_int(pos[2], 0, INT_MAX, &head) || head != 0)) {
        fprintf(out, "screendump: device '%s' has only head 0\n", pos[1]);
        return -1;
    }
    Error *err = NULL;
    if (screendump(con, pos[0], fmt, &err) < 0) {
        fprintf(out, "%s\n", error_get_pretty(err));
        error_free(err);
        return -1;
    }
    return 0;
}

/* ---- sendkey ---- */

/* The queue of key events and waits that sendkey feeds (one machine, one
 * keyboard focus: a file-scope queue, as ui/input.c's handler list). */
typedef struct KeyStep {
    int keycode; /* -1: wait hold_ns */
    bool down;
    int64_t hold_ns;
} KeyStep;

static GQueue key_steps = G_QUEUE_INIT;
static Timer *key_timer;
static bool key_waiting;

static void sendkey_run(void *opaque)
{
    (void)opaque;
    KeyStep *s;

    key_waiting = false;
    while ((s = g_queue_pop_head(&key_steps))) {
        if (s->keycode < 0) {
            if (!key_timer) {
                key_timer = timer_new_ns(CLOCK_VIRTUAL, sendkey_run, NULL);
            }
            timer_mod_ns(key_timer, clock_get_ns(CLOCK_VIRTUAL) + s->hold_ns);
            key_waiting = true;
            g_free(s);
            return;
        }
        input_event_key(s->keycode, s->down);
        g_free(s);
    }
}

static void key_step(int keycode, bool down, int64_t hold_ns)
{
    KeyStep *s = g_new0(KeyStep, 1);
    s->keycode = keycode;
    s->down = down;
    s->hold_ns = hold_ns;
    g_queue_push_tail(&key_steps, s);
}

static int cmd_sendkey(FILE *out, const char *args)
{
    g_autoptr(GPtrArray) w = split_args(args);
    long hold = SENDKEY_HOLD_DEFAULT;

    if (w->len < 1 || w->len > 2) {
        fprintf(out, "usage: sendkey KEYS [HOLD_MS]  (e.g. sendkey "
                     "ctrl-alt-delete)\n");
        return -1;
    }
    if (w->len == 2 && !parse_int(w->pdata[1], 0, SENDKEY_HOLD_MAX, &hold)) {
        fprintf(out, "sendkey: hold time '%s' is not 0..%d ms\n",
                (char *)w->pdata[1], SENDKEY_HOLD_MAX);
        return -1;
    }

    int keys[SENDKEY_MAX_KEYS];
    int n = 0;
    g_auto(GStrv) names = g_strsplit(w->pdata[0], "-", -1);
    for (int i = 0; names[i]; i++) {
        /* "ctrl--" is not a key list: each name must be a word */
        int k = input_key_from_name(names[i]);
        if (k < 0) {
            fprintf(out, "invalid parameter: %s\n", names[i]);
            return -1;
        }
        if (n == SENDKEY_MAX_KEYS) {
            fprintf(out, "sendkey: at most %d keys at once\n",
                    SENDKEY_MAX_KEYS);
            return -1;
        }
        keys[n++] = k;
    }

    for (int i = 0; i < n; i++) {
        key_step(keys[i], true, 0);
    }
    key_step(-1, false, hold * 1000000);
    for (int i = n - 1; i >= 0; i--) {
        key_step(keys[i], false, 0);
    }
    if (!key_waiting) {
        sendkey_run(NULL);
    }
    return 0;
}

/* ---- mouse ---- */

static int cmd_mouse_move(FILE *out, const char *args)
{
    g_autoptr(GPtrArray) w = split_args(args);
    long d[3] = {0, 0, 0};

    if (w->len < 2 || w->len > 3) {
        fprintf(out, "usage: mouse_move DX DY [DZ]\n");
        return -1;
    }
    for (guint i = 0; i < w->len; i++) {
        if (!parse_int(w->pdata[i], INT_MIN / 2, INT_MAX / 2, &d[i])) {
            fprintf(out, "invalid parameter: %s\n", (char *)w->pdata[i]);
            return -1;
        }
    }
    input_event_rel(INPUT_AXIS_X, (int)d[0]);
    input_event_rel(INPUT_AXIS_Y, (int)d[1]);
    input_event_sync();
    /* The wheel is a button pressed once per notch (ui/input.h); QEMU
     * sends one notch whatever DZ is, we send |DZ| of them. */
    InputButton b = d[2] > 0 ? INPUT_BUTTON_WHEEL_UP : INPUT_BUTTON_WHEEL_DOWN;
    long notches = MIN(labs(d[2]), MOUSE_DZ_MAX);
    for (long i = 0; i < notches; i++) {
        input_event_btn(b, true);
        input_event_sync();
        input_event_btn(b, false);
        input_event_sync();
    }
    return 0;
}

/* The state the last mouse_button set: only changed buttons are sent. */
static unsigned mouse_buttons;

static int cmd_mouse_button(FILE *out, const char *args)
{
    static const InputButton bit_button[3] = {
        INPUT_BUTTON_LEFT, INPUT_BUTTON_RIGHT, INPUT_BUTTON_MIDDLE};
    g_autoptr(GPtrArray) w = split_args(args);
    long state;

    if (w->len != 1) {
        fprintf(out, "usage: mouse_button STATE (bit 0 left, 1 right, 2 "
                     "middle)\n");
        return -1;
    }
    if (!parse_int(w->pdata[0], 0, 7, &state)) {
        fprintf(out, "invalid parameter: %s\n", (char *)w->pdata[0]);
        return -1;
    }
    for (int i = 0; i < 3; i++) {
        unsigned bit = 1u << i;
        if ((state ^ mouse_buttons) & bit) {
            input_event_btn(bit_button[i], state & bit);
        }
    }
    mouse_buttons = state;
    input_event_sync();
    return 0;
}

static void __attribute__((constructor)) ui_monitor_register(void)
{
    monitor_register_command(
        "screendump", "[-f ppm|png] FILENAME [DEVICE [HEAD]]",
        "save the screen as an image (PNG for a .png name, else PPM)",
        cmd_screendump);
    monitor_register_command("sendkey", "KEYS [HOLD_MS]",
                             "send keys to the guest (e.g. ctrl-alt-delete); "
                             "held HOLD_MS (default 100) ms",
                             cmd_sendkey);
    monitor_register_command("mouse_move", "DX DY [DZ]",
                             "move the mouse (DZ: wheel notches)",
                             cmd_mouse_move);
    monitor_register_command("mouse_button", "STATE",
                             "set the mouse buttons (1 left, 2 right, 4 "
                             "middle)",
                             cmd_mouse_button);
}
