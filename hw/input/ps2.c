/*
 * PS/2 keyboard (IBM MF II, scan code set 2) and mouse (IBM PS/2 mouse with
 * the Microsoft IntelliMouse / IntelliMouse Explorer wheel extensions).
 *
 * References: IBM PS/2 Hardware Interface Technical Reference, "Keyboard
 * and Auxiliary Device Controller" / "Keyboards (101- and 102-Key)" /
 * "Pointing Device" chapters (commands, replies, scan code set 2, the
 * mouse data packet and status bytes); Microsoft's "Mouse and Keyboard
 * Extensions" note for the IntelliMouse ID knock (sample rates 200,100,80
 * and 200,200,80) and the fourth packet byte.
 *
 * Each device keeps an output queue that its owner (the i8042) drains a
 * byte at a time.  Commands are answered at once: the real devices' delays
 * (reset self-test ~500 ms, the mouse sample rate) are not modelled.
 *
 * Deviations: scan code set 3 is not implemented (the keyboard stays in set
 * 2 and logs); typematic repeat is left to the UI (repeated key downs); the
 * Pause/Print Screen codes do not depend on the modifier keys held.
 */
#include "emu/common.h"
#include "hw/input/ps2.h"
#include "ui/input.h"

#include <linux/input-event-codes.h>

/* Keyboard commands (host to keyboard). */
#define KBD_CMD_SET_LEDS        0xED
#define KBD_CMD_ECHO            0xEE
#define KBD_CMD_SCANCODE        0xF0
#define KBD_CMD_GET_ID          0xF2
#define KBD_CMD_SET_RATE        0xF3
#define KBD_CMD_ENABLE          0xF4
#define KBD_CMD_DEFAULT_DISABLE 0xF5
#define KBD_CMD_SET_DEFAULT     0xF6
#define KBD_CMD_SET3_FIRST      0xF7 /* F7..FD: set 3 key attributes */
#define KBD_CMD_SET3_LAST       0xFD
#define KBD_CMD_RESEND          0xFE
#define KBD_CMD_RESET           0xFF

/* Replies (device to host). */
#define PS2_REPLY_BAT_OK 0xAA
#define PS2_REPLY_ID     0xAB /* first ID byte of an MF II kbd */
#define PS2_REPLY_ID2    0x83
#define PS2_REPLY_ECHO   0xEE
#define PS2_REPLY_ACK    0xFA
#define PS2_REPLY_RESEND 0xFE

/* Mouse commands. */
#define AUX_SET_SCALE11    0xE6
#define AUX_SET_SCALE21    0xE7
#define AUX_SET_RES        0xE8
#define AUX_STATUS_REQUEST 0xE9
#define AUX_SET_STREAM     0xEA
#define AUX_READ_DATA      0xEB
#define AUX_RESET_WRAP     0xEC
#define AUX_SET_WRAP       0xEE
#define AUX_SET_REMOTE     0xF0
#define AUX_GET_ID         0xF2
#define AUX_SET_SAMPLE     0xF3
#define AUX_ENABLE         0xF4
#define AUX_DISABLE        0xF5
#define AUX_SET_DEFAULT    0xF6
#define AUX_RESEND         0xFE
#define AUX_RESET          0xFF

#define MOUSE_TYPE_PS2   0
#define MOUSE_TYPE_IMPS2 3
#define MOUSE_TYPE_IMEX  4

/* Packet byte 0. */
#define MOUSE_PKT_ALWAYS1 0x08
#define MOUSE_PKT_XSIGN   0x10
#define MOUSE_PKT_YSIGN   0x20

/* Accumulated motion is kept within this, so no host input overflows it. */
#define MOUSE_ACC_LIMIT (1 << 20)

/* A set 2 code with the E0 prefix. */
#define E0(code) (0x100 | (code))

/*
 * Set 2 make codes by Linux keycode.  For keycodes 1..88 (the XT keys) the
 * keycode is the set 1 code, so ps2_set2_to_set1() maps each entry back to
 * its index; F7 is the one key whose set 2 code has bit 7 set.
 */
static const uint16_t ps2_set2_keymap[] = {
    [KEY_ESC] = 0x76,
    [KEY_1] = 0x16,
    [KEY_2] = 0x1E,
    [KEY_3] = 0x26,
    [KEY_4] = 0x25,
    [KEY_5] = 0x2E,
    [KEY_6] = 0x36,
    [KEY_7] = 0x3D,
    [KEY_8] = 0x3E,
    [KEY_9] = 0x46,
    [KEY_0] = 0x45,
    [KEY_MINUS] = 0x4E,
    [KEY_EQUAL] = 0x55,
    [KEY_BACKSPACE] = 0x66,
    [KEY_TAB] = 0x0D,
    [KEY_Q] = 0x15,
    [KEY_W] = 0x1D,
    [KEY_E] = 0x24,
    [KEY_R] = 0x2D,
    [KEY_T] = 0x2C,
    [KEY_Y] = 0x35,
    [KEY_U] = 0x3C,
    [KEY_I] = 0x43,
    [KEY_O] = 0x44,
    [KEY_P] = 0x4D,
    [KEY_LEFTBRACE] = 0x54,
    [KEY_RIGHTBRACE] = 0x5B,
    [KEY_ENTER] = 0x5A,
    [KEY_LEFTCTRL] = 0x14,
    [KEY_A] = 0x1C,
    [KEY_S] = 0x1B,
    [KEY_D] = 0x23,
    [KEY_F] = 0x2B,
    [KEY_G] = 0x34,
    [KEY_H] = 0x33,
    [KEY_J] = 0x3B,
    [KEY_K] = 0x42,
    [KEY_L] = 0x4B,
    [KEY_SEMICOLON] = 0x4C,
    [KEY_APOSTROPHE] = 0x52,
    [KEY_GRAVE] = 0x0E,
    [KEY_LEFTSHIFT] = 0x12,
    [KEY_BACKSLASH] = 0x5D,
    [KEY_Z] = 0x1A,
    [KEY_X] = 0x22,
    [KEY_C] = 0x21,
    [KEY_V] = 0x2A,
    [KEY_B] = 0x32,
    [KEY_N] = 0x31,
    [KEY_M] = 0x3A,
    [KEY_COMMA] = 0x41,
    [KEY_DOT] = 0x49,
    [KEY_SLASH] = 0x4A,
    [KEY_RIGHTSHIFT] = 0x59,
    [KEY_KPASTERISK] = 0x7C,
    [KEY_LEFTALT] = 0x11,
    [KEY_SPACE] = 0x29,
    [KEY_CAPSLOCK] = 0x58,
    [KEY_F1] = 0x05,
    [KEY_F2] = 0x06,
    [KEY_F3] = 0x04,
    [KEY_F4] = 0x0C,
    [KEY_F5] = 0x03,
    [KEY_F6] = 0x0B,
    [KEY_F7] = 0x83,
    [KEY_F8] = 0x0A,
    [KEY_F9] = 0x01,
    [KEY_F10] = 0x09,
    [KEY_NUMLOCK] = 0x77,
    [KEY_SCROLLLOCK] = 0x7E,
    [KEY_KP7] = 0x6C,
    [KEY_KP8] = 0x75,
    [KEY_KP9] = 0x7D,
    [KEY_KPMINUS] = 0x7B,
    [KEY_KP4] = 0x6B,
    [KEY_KP5] = 0x73,
    [KEY_KP6] = 0x74,
    [KEY_KPPLUS] = 0x79,
    [KEY_KP1] = 0x69,
    [KEY_KP2] = 0x72,
    [KEY_KP3] = 0x7A,
    [KEY_KP0] = 0x70,
    [KEY_KPDOT] = 0x71,
    [KEY_102ND] = 0x61,
    [KEY_F11] = 0x78,
    [KEY_F12] = 0x07,
    [KEY_RO] = 0x51,
    [KEY_KATAKANAHIRAGANA] = 0x13,
    [KEY_HENKAN] = 0x64,
    [KEY_MUHENKAN] = 0x67,
    [KEY_KPEQUAL] = 0x0F,
    [KEY_KPCOMMA] = 0x6D,
    [KEY_YEN] = 0x6A,
    [KEY_KPENTER] = E0(0x5A),
    [KEY_RIGHTCTRL] = E0(0x14),
    [KEY_KPSLASH] = E0(0x4A),
    [KEY_RIGHTALT] = E0(0x11),
    [KEY_HOME] = E0(0x6C),
    [KEY_UP] = E0(0x75),
    [KEY_PAGEUP] = E0(0x7D),
    [KEY_LEFT] = E0(0x6B),
    [KEY_RIGHT] = E0(0x74),
    [KEY_END] = E0(0x69),
    [KEY_DOWN] = E0(0x72),
    [KEY_PAGEDOWN] = E0(0x7A),
    [KEY_INSERT] = E0(0x70),
    [KEY_DELETE] = E0(0x71),
    [KEY_MUTE] = E0(0x23),
    [KEY_VOLUMEDOWN] = E0(0x21),
    [KEY_VOLUMEUP] = E0(0x32),
    [KEY_POWER] = E0(0x37),
    [KEY_LEFTMETA] = E0(0x1F),
    [KEY_RIGHTMETA] = E0(0x27),
    [KEY_COMPOSE] = E0(0x2F),
    [KEY_SLEEP] = E0(0x3F),
    [KEY_WAKEUP] = E0(0x5E),
};

/*
 * The 8042 translation table: set 2 code -> set 1 code for 0x00..0x7F.  It
 * is the inverse of the XT-key part of the map above, extended over the
 * codes no key sends; 0x00 (set 2 overrun) becomes 0xFF (set 1 overrun).
 */
static const uint8_t ps2_xlat_table[128] = {
    0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58, 0x64, 0x44, 0x42, 0x40,
    0x3e, 0x0f, 0x29, 0x59, 0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a,
    0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b, 0x67, 0x2e, 0x2d, 0x20,
    0x12, 0x05, 0x04, 0x5c, 0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e, 0x6a, 0x72, 0x32, 0x24,
    0x16, 0x08, 0x09, 0x5f, 0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60,
    0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61, 0x6d, 0x73, 0x28, 0x74,
    0x1a, 0x0d, 0x62, 0x6e, 0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b, 0x7c, 0x4f, 0x7d, 0x4b,
    0x47, 0x7e, 0x7f, 0x6f, 0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45,
    0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
};

uint8_t ps2_set2_to_set1(uint8_t code)
{
    if (code < 0x80) {
        return ps2_xlat_table[code];
    }
    return code == 0x83 ? 0x41 : code;
}

/* ---- the output queue ------------------------------------------------- */

static unsigned ps2_queue_room(const PS2Queue *q)
{
    return PS2_QUEUE_SIZE - q->count;
}

static void ps2_queue_push(PS2Queue *q, uint8_t b)
{
    if (q->count >= PS2_QUEUE_SIZE) {
        return;
    }
    q->data[(q->rptr + q->count) % PS2_QUEUE_SIZE] = b;
    q->count++;
}

static int ps2_queue_pop(PS2Queue *q)
{
    if (q->count == 0) {
        return -1;
    }
    uint8_t b = q->data[q->rptr];
    q->rptr = (q->rptr + 1) % PS2_QUEUE_SIZE;
    q->count--;
    return b;
}

static void ps2_queue_clear(PS2Queue *q)
{
    q->rptr = 0;
    q->count = 0;
}

/* ---- keyboard --------------------------------------------------------- */

static void ps2_kbd_put(PS2KbdState *s, uint8_t b)
{
    ps2_queue_push(&s->queue, b);
}

static void ps2_kbd_notify(PS2KbdState *s)
{
    if (s->queue.count && s->update) {
        s->update(s->opaque, true);
    }
}

static void ps2_kbd_set_defaults(PS2KbdState *s)
{
    s->scancode_set = 2;
    s->typematic = 0x2B; /* 10.9 chars/s, 500 ms delay */
    s->pending_cmd = -1;
}

static void ps2_kbd_command(PS2KbdState *s, uint8_t val)
{
    /* A command makes the keyboard drop what it has not sent yet. */
    if (val != KBD_CMD_RESEND) {
        ps2_queue_clear(&s->queue);
    }
    switch (val) {
    case KBD_CMD_SET_LEDS:
    case KBD_CMD_SCANCODE:
    case KBD_CMD_SET_RATE:
        s->pending_cmd = val;
        ps2_kbd_put(s, PS2_REPLY_ACK);
        break;
    case KBD_CMD_ECHO:
        ps2_kbd_put(s, PS2_REPLY_ECHO);
        break;
    case KBD_CMD_GET_ID:
        ps2_kbd_put(s, PS2_REPLY_ACK);
        ps2_kbd_put(s, PS2_REPLY_ID);
        ps2_kbd_put(s, PS2_REPLY_ID2);
        break;
    case KBD_CMD_ENABLE:
        s->scan_enabled = true;
        ps2_kbd_put(s, PS2_REPLY_ACK);
        break;
    case KBD_CMD_DEFAULT_DISABLE:
        ps2_kbd_set_defaults(s);
        s->scan_enabled = false;
        ps2_kbd_put(s, PS2_REPLY_ACK);
        break;
    case KBD_CMD_SET_DEFAULT:
        ps2_kbd_set_defaults(s);
        s->scan_enabled = true;
        ps2_kbd_put(s, PS2_REPLY_ACK);
        break;
    case KBD_CMD_RESEND:
        ps2_kbd_put(s, s->last_out);
        break;
    case KBD_CMD_RESET:
        ps2_kbd_set_defaults(s);
        s->scan_enabled = true;
        s->leds = 0;
        ps2_kbd_put(s, PS2_REPLY_ACK);
        ps2_kbd_put(s, PS2_REPLY_BAT_OK);
        break;
    default:
        if (val >= KBD_CMD_SET3_FIRST && val <= KBD_CMD_SET3_LAST) {
            log_unimp_once("ps2-kbd: scan code set 3 key attributes not "
                           "supported");
        } else {
            log_mask(LOG_GUEST_ERROR, "ps2-kbd: unknown command 0x%02x\n", val);
        }
        /* Acknowledged and ignored, as QEMU does: some guests probe. */
        ps2_kbd_put(s, PS2_REPLY_ACK);
        break;
    }
}

static void ps2_kbd_parameter(PS2KbdState *s, uint8_t val)
{
    int cmd = s->pending_cmd;

    s->pending_cmd = -1;
    switch (cmd) {
    case KBD_CMD_SET_LEDS:
        s->leds = val & 7;
        input_set_kbd_leds(s->leds); /* for front ends that mirror them */
        ps2_kbd_put(s, PS2_REPLY_ACK);
        break;
    case KBD_CMD_SET_RATE:
        s->typematic = val & 0x7F;
        ps2_kbd_put(s, PS2_REPLY_ACK);
        break;
    case KBD_CMD_SCANCODE:
        if (val == 0) {
            ps2_kbd_put(s, PS2_REPLY_ACK);
            ps2_kbd_put(s, s->scancode_set);
        } else if (val == 1 || val == 2) {
            s->scancode_set = val;
            ps2_kbd_put(s, PS2_REPLY_ACK);
        } else if (val == 3) {
            log_unimp_once("ps2-kbd: scan code set 3 not supported");
            ps2_kbd_put(s, PS2_REPLY_ACK);
        } else {
            ps2_kbd_put(s, PS2_REPLY_RESEND);
        }
        break;
    }
}

void ps2_kbd_write(PS2KbdState *s, uint8_t val)
{
    /*
     * Parameters are below 0x80; a byte with bit 7 set while a parameter is
     * awaited is a new command, which is how a keyboard recovers.
     */
    if (s->pending_cmd >= 0 && val < 0x80) {
        ps2_kbd_parameter(s, val);
    } else {
        s->pending_cmd = -1;
        ps2_kbd_command(s, val);
    }
    ps2_kbd_notify(s);
}

int ps2_kbd_read(PS2KbdState *s)
{
    int b = ps2_queue_pop(&s->queue);
    if (b >= 0) {
        s->last_out = b;
    }
    return b;
}

bool ps2_kbd_has_data(const PS2KbdState *s)
{
    return s->queue.count != 0;
}

uint8_t ps2_kbd_get_leds(const PS2KbdState *s)
{
    return s->leds;
}

/* Rewrite a set 2 byte sequence as set 1 (the 8042 translation). */
static int ps2_seq_to_set1(uint8_t *seq, int n)
{
    int out = 0;
    bool brk = false;

    for (int i = 0; i < n; i++) {
        if (seq[i] == 0xF0) {
            brk = true;
            continue;
        }
        uint8_t c = ps2_set2_to_set1(seq[i]);
        if (seq[i] != 0xE0 && seq[i] != 0xE1 && brk) {
            c |= 0x80;
            brk = false;
        }
        seq[out++] = c;
    }
    return out;
}

void ps2_keyboard_event(PS2KbdState *s, int keycode, bool down)
{
    uint8_t seq[8];
    int n = 0;

    if (!s->scan_enabled) {
        return;
    }
    if (keycode == KEY_PAUSE) {
        /* Make only: E1 14 77 E1 F0 14 F0 77; there is no break code. */
        static const uint8_t pause[] = {0xE1, 0x14, 0x77, 0xE1,
                                        0xF0, 0x14, 0xF0, 0x77};
        if (!down) {
            return;
        }
        memcpy(seq, pause, sizeof(pause));
        n = sizeof(pause);
    } else if (keycode == KEY_SYSRQ) {
        /* Print Screen: a fake left shift (E0 12) around E0 7C. */
        static const uint8_t make[] = {0xE0, 0x12, 0xE0, 0x7C};
        static const uint8_t brk[] = {0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12};
        if (down) {
            memcpy(seq, make, sizeof(make));
            n = sizeof(make);
        } else {
            memcpy(seq, brk, sizeof(brk));
            n = sizeof(brk);
        }
    } else {
        if (keycode <= 0 || keycode >= (int)ARRAY_SIZE(ps2_set2_keymap) ||
            !ps2_set2_keymap[keycode]) {
            return;
        }
        uint16_t code = ps2_set2_keymap[keycode];
        if (code & 0x100) {
            seq[n++] = 0xE0;
        }
        if (!down) {
            seq[n++] = 0xF0;
        }
        seq[n++] = code & 0xFF;
    }
    if (s->scancode_set == 1) {
        n = ps2_seq_to_set1(seq, n);
    }
    if (ps2_queue_room(&s->queue) < (unsigned)n) {
        log_mask(LOG_GUEST_ERROR, "ps2-kbd: queue full, key dropped\n");
        return;
    }
    for (int i = 0; i < n; i++) {
        ps2_kbd_put(s, seq[i]);
    }
    ps2_kbd_notify(s);
}

void ps2_kbd_init(PS2KbdState *s, PS2UpdateFn *update, void *opaque)
{
    memset(s, 0, sizeof(*s));
    s->update = update;
    s->opaque = opaque;
    s->pending_cmd = -1;
}

void ps2_kbd_reset(PS2KbdState *s)
{
    ps2_queue_clear(&s->queue);
    ps2_kbd_set_defaults(s);
    s->scan_enabled = true;
    s->leds = 0;
    s->last_out = 0;
}

/* ---- mouse ------------------------------------------------------------ */

static void ps2_mouse_put(PS2MouseState *s, uint8_t b)
{
    ps2_queue_push(&s->queue, b);
}

static void ps2_mouse_notify(PS2MouseState *s)
{
    if (s->queue.count && s->update) {
        s->update(s->opaque, true);
    }
}

static int clamp_int(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* 2:1 scaling of stream-mode counts (the Pointing Device chapter's table). */
static int ps2_mouse_scale21(int v)
{
    static const int small[] = {0, 1, 1, 3, 6, 9};
    int a = v < 0 ? -v : v;
    int r = a < 6 ? small[a] : 2 * a;
    return v < 0 ? -r : r;
}

static unsigned ps2_mouse_packet_size(const PS2MouseState *s)
{
    return s->type == MOUSE_TYPE_PS2 ? 3 : 4;
}

/* Queue one packet from the accumulated motion (caller checked room). */
static void ps2_mouse_send_packet(PS2MouseState *s, bool stream)
{
    int dx = clamp_int(s->dx, -256, 255);
    int dy = clamp_int(s->dy, -256, 255);
    int dz;
    int ox = dx, oy = dy;

    s->dx -= dx;
    s->dy -= dy;
    if (stream && (s->status & PS2_MOUSE_STATUS_SCALE21)) {
        ox = clamp_int(ps2_mouse_scale21(dx), -256, 255);
        oy = clamp_int(ps2_mouse_scale21(dy), -256, 255);
    }
    uint8_t b0 = MOUSE_PKT_ALWAYS1 | (s->buttons & 7);
    if (ox < 0) {
        b0 |= MOUSE_PKT_XSIGN;
    }
    if (oy < 0) {
        b0 |= MOUSE_PKT_YSIGN;
    }
    ps2_mouse_put(s, b0);
    ps2_mouse_put(s, ox & 0xFF);
    ps2_mouse_put(s, oy & 0xFF);
    switch (s->type) {
    case MOUSE_TYPE_IMPS2:
        dz = clamp_int(s->dz, -128, 127);
        ps2_mouse_put(s, dz & 0xFF);
        s->dz -= dz;
        break;
    case MOUSE_TYPE_IMEX:
        dz = clamp_int(s->dz, -8, 7);
        ps2_mouse_put(s, (dz & 0x0F) | ((s->buttons & 0x18) << 1));
        s->dz -= dz;
        break;
    default:
        s->dz = 0; /* no wheel to report it with */
        break;
    }
}

static void ps2_mouse_set_defaults(PS2MouseState *s)
{
    s->sample_rate = 100;
    s->resolution = 2;
    s->status = 0;
    s->wrap = false;
    s->dx = s->dy = s->dz = 0;
    s->pending_cmd = -1;
}

/* The status request's first byte: mode bits, then L/M/R in bits 2/1/0. */
static uint8_t ps2_mouse_status_byte(const PS2MouseState *s)
{
    uint8_t b = s->status;
    if (s->buttons & PS2_MOUSE_BUTTON_LEFT) {
        b |= 0x04;
    }
    if (s->buttons & PS2_MOUSE_BUTTON_MIDDLE) {
        b |= 0x02;
    }
    if (s->buttons & PS2_MOUSE_BUTTON_RIGHT) {
        b |= 0x01;
    }
    return b;
}

static void ps2_mouse_sample_rate(PS2MouseState *s, uint8_t rate)
{
    s->sample_rate = rate;
    s->detect[0] = s->detect[1];
    s->detect[1] = s->detect[2];
    s->detect[2] = rate;
    if (s->detect[0] == 200 && s->detect[1] == 100 && s->detect[2] == 80 &&
        s->type == MOUSE_TYPE_PS2) {
        s->type = MOUSE_TYPE_IMPS2;
    } else if (s->detect[0] == 200 && s->detect[1] == 200 &&
               s->detect[2] == 80 && s->type == MOUSE_TYPE_IMPS2) {
        s->type = MOUSE_TYPE_IMEX;
    }
}

static void ps2_mouse_parameter(PS2MouseState *s, uint8_t val)
{
    int cmd = s->pending_cmd;

    s->pending_cmd = -1;
    if (cmd == AUX_SET_RES) {
        if (val > 3) {
            ps2_mouse_put(s, PS2_REPLY_RESEND);
            return;
        }
        s->resolution = val;
    } else {
        ps2_mouse_sample_rate(s, val);
    }
    ps2_mouse_put(s, PS2_REPLY_ACK);
}

static void ps2_mouse_command(PS2MouseState *s, uint8_t val)
{
    if (val != AUX_RESEND) {
        ps2_queue_clear(&s->queue);
    }
    switch (val) {
    case AUX_SET_SCALE11:
        s->status &= ~PS2_MOUSE_STATUS_SCALE21;
        ps2_mouse_put(s, PS2_REPLY_ACK);
        break;
    case AUX_SET_SCALE21:
        s->status |= PS2_MOUSE_STATUS_SCALE21;
        ps2_mouse_put(s, PS2_REPLY_ACK);
        break;
    case AUX_SET_RES:
    case AUX_SET_SAMPLE:
        s->pending_cmd = val;
        ps2_mouse_put(s, PS2_REPLY_ACK);
        break;
    case AUX_STATUS_REQUEST:
        ps2_mouse_put(s, PS2_REPLY_ACK);
        ps2_mouse_put(s, ps2_mouse_status_byte(s));
        ps2_mouse_put(s, s->resolution);
        ps2_mouse_put(s, s->sample_rate);
        break;
    case AUX_SET_STREAM:
        s->status &= ~PS2_MOUSE_STATUS_REMOTE;
        s->dx = s->dy = s->dz = 0;
        ps2_mouse_put(s, PS2_REPLY_ACK);
        break;
    case AUX_READ_DATA:
        ps2_mouse_put(s, PS2_REPLY_ACK);
        ps2_mouse_send_packet(s, false);
        break;
    case AUX_RESET_WRAP:
        ps2_mouse_put(s, PS2_REPLY_ACK);
        break;
    case AUX_SET_WRAP:
        s->wrap = true;
        s->dx = s->dy = s->dz = 0;
        ps2_mouse_put(s, PS2_REPLY_ACK);
        break;
    case AUX_SET_REMOTE:
        s->status |= PS2_MOUSE_STATUS_REMOTE;
        s->dx = s->dy = s->dz = 0;
        ps2_mouse_put(s, PS2_REPLY_ACK);
        break;
    case AUX_GET_ID:
        ps2_mouse_put(s, PS2_REPLY_ACK);
        ps2_mouse_put(s, s->type);
        break;
    case AUX_ENABLE:
        s->status |= PS2_MOUSE_STATUS_ENABLED;
        s->dx = s->dy = s->dz = 0;
        ps2_mouse_put(s, PS2_REPLY_ACK);
        break;
    case AUX_DISABLE:
        s->status &= ~PS2_MOUSE_STATUS_ENABLED;
        s->dx = s->dy = s->dz = 0;
        ps2_mouse_put(s, PS2_REPLY_ACK);
        break;
    case AUX_SET_DEFAULT:
        ps2_mouse_set_defaults(s);
        ps2_mouse_put(s, PS2_REPLY_ACK);
        break;
    case AUX_RESEND:
        ps2_mouse_put(s, s->last_out);
        break;
    case AUX_RESET:
        ps2_mouse_set_defaults(s);
        s->type = MOUSE_TYPE_PS2;
        memset(s->detect, 0, sizeof(s->detect));
        ps2_mouse_put(s, PS2_REPLY_ACK);
        ps2_mouse_put(s, PS2_REPLY_BAT_OK);
        ps2_mouse_put(s, MOUSE_TYPE_PS2);
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "ps2-mouse: unknown command 0x%02x\n", val);
        ps2_mouse_put(s, PS2_REPLY_RESEND);
        break;
    }
}

void ps2_mouse_write(PS2MouseState *s, uint8_t val)
{
    if (s->pending_cmd >= 0) {
        /* Sample rates go up to 200, so any byte is a parameter here. */
        ps2_mouse_parameter(s, val);
    } else if (s->wrap && val != AUX_RESET_WRAP && val != AUX_RESET) {
        ps2_mouse_put(s, val); /* wrap mode echoes */
    } else {
        if (val == AUX_RESET_WRAP) {
            s->wrap = false;
        }
        ps2_mouse_command(s, val);
    }
    ps2_mouse_notify(s);
}

int ps2_mouse_read(PS2MouseState *s)
{
    int b = ps2_queue_pop(&s->queue);
    if (b >= 0) {
        s->last_out = b;
    }
    return b;
}

bool ps2_mouse_has_data(const PS2MouseState *s)
{
    return s->queue.count != 0;
}

void ps2_mouse_event(PS2MouseState *s, int dx, int dy, int dz, unsigned buttons)
{
    bool changed;

    /* A disabled mouse does not count (IBM: "stops transmission"). */
    if (!(s->status & PS2_MOUSE_STATUS_ENABLED) || s->wrap) {
        return;
    }
    changed = (buttons & 0x1F) != s->buttons;
    s->buttons = buttons & 0x1F;
    s->dx = clamp_int(s->dx + clamp_int(dx, -MOUSE_ACC_LIMIT, MOUSE_ACC_LIMIT),
                      -MOUSE_ACC_LIMIT, MOUSE_ACC_LIMIT);
    s->dy = clamp_int(s->dy - clamp_int(dy, -MOUSE_ACC_LIMIT, MOUSE_ACC_LIMIT),
                      -MOUSE_ACC_LIMIT, MOUSE_ACC_LIMIT);
    s->dz = clamp_int(s->dz + clamp_int(dz, -MOUSE_ACC_LIMIT, MOUSE_ACC_LIMIT),
                      -MOUSE_ACC_LIMIT, MOUSE_ACC_LIMIT);
    if (s->status & PS2_MOUSE_STATUS_REMOTE) {
        return; /* reported on the next Read Data */
    }
    /* Stream mode: as many packets as the motion needs and the queue holds. */
    while (ps2_queue_room(&s->queue) >= ps2_mouse_packet_size(s)) {
        if (!changed && !s->dx && !s->dy && !s->dz) {
            break;
        }
        ps2_mouse_send_packet(s, true);
        changed = false;
    }
    ps2_mouse_notify(s);
}

void ps2_mouse_init(PS2MouseState *s, PS2UpdateFn *update, void *opaque)
{
    memset(s, 0, sizeof(*s));
    s->update = update;
    s->opaque = opaque;
    s->pending_cmd = -1;
}

void ps2_mouse_reset(PS2MouseState *s)
{
    ps2_queue_clear(&s->queue);
    ps2_mouse_set_defaults(s);
    s->type = MOUSE_TYPE_PS2;
    memset(s->detect, 0, sizeof(s->detect));
    s->buttons = 0;
    s->last_out = 0;
}

/* ---- state description ----------------------------------------------- */

static int ps2_queue_post_load(void *opaque)
{
    PS2Queue *q = opaque;
    if (q->rptr >= PS2_QUEUE_SIZE || q->count > PS2_QUEUE_SIZE) {
        ps2_queue_clear(q);
        return -EINVAL;
    }
    return 0;
}

static const VMStateField ps2_queue_fields[] = {
    VMSTATE_BUFFER(data, PS2Queue),
    VMSTATE_U32(rptr, PS2Queue),
    VMSTATE_U32(count, PS2Queue),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_ps2_queue = {
    .name = "ps2-queue",
    .version = 1,
    .fields = ps2_queue_fields,
};

int ps2_kbd_post_load(void *opaque)
{
    PS2KbdState *s = opaque;
    if (s->scancode_set != 1 && s->scancode_set != 2) {
        s->scancode_set = 2;
    }
    return ps2_queue_post_load(&s->queue);
}

static const VMStateField ps2_kbd_fields[] = {
    VMSTATE_STRUCT(queue, PS2KbdState, vmstate_ps2_queue, PS2Queue),
    VMSTATE_I32(pending_cmd, PS2KbdState),
    VMSTATE_U8(last_out, PS2KbdState),
    VMSTATE_BOOL(scan_enabled, PS2KbdState),
    VMSTATE_U8(scancode_set, PS2KbdState),
    VMSTATE_U8(leds, PS2KbdState),
    VMSTATE_U8(typematic, PS2KbdState),
    VMSTATE_END_OF_LIST(),
};

const VMStateDescription vmstate_ps2_kbd = {
    .name = "ps2-kbd",
    .version = 1,
    .fields = ps2_kbd_fields,
    .post_load = ps2_kbd_post_load,
};

int ps2_mouse_post_load(void *opaque)
{
    PS2MouseState *s = opaque;
    s->dx = clamp_int(s->dx, -MOUSE_ACC_LIMIT, MOUSE_ACC_LIMIT);
    s->dy = clamp_int(s->dy, -MOUSE_ACC_LIMIT, MOUSE_ACC_LIMIT);
    s->dz = clamp_int(s->dz, -MOUSE_ACC_LIMIT, MOUSE_ACC_LIMIT);
    return ps2_queue_post_load(&s->queue);
}

static const VMStateField ps2_mouse_fields[] = {
    VMSTATE_STRUCT(queue, PS2MouseState, vmstate_ps2_queue, PS2Queue),
    VMSTATE_I32(pending_cmd, PS2MouseState),
    VMSTATE_U8(last_out, PS2MouseState),
    VMSTATE_U8(status, PS2MouseState),
    VMSTATE_U8(resolution, PS2MouseState),
    VMSTATE_U8(sample_rate, PS2MouseState),
    VMSTATE_BOOL(wrap, PS2MouseState),
    VMSTATE_U8(type, PS2MouseState),
    VMSTATE_U8_ARRAY(detect, PS2MouseState, 3),
    VMSTATE_U8(buttons, PS2MouseState),
    VMSTATE_I32(dx, PS2MouseState),
    VMSTATE_I32(dy, PS2MouseState),
    VMSTATE_I32(dz, PS2MouseState),
    VMSTATE_END_OF_LIST(),
};

const VMStateDescription vmstate_ps2_mouse = {
    .name = "ps2-mouse",
    .version = 1,
    .fields = ps2_mouse_fields,
    .post_load = ps2_mouse_post_load,
};
