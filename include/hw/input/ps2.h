/*
 * PS/2 keyboard and mouse, as seen from the keyboard controller (i8042).
 *
 * These are not bus devices: the i8042 embeds one of each and talks to them
 * a byte at a time.  Each device has an output queue; when bytes appear in
 * it, the device calls its owner's PS2UpdateFn and the owner pulls them with
 * ps2_kbd_read()/ps2_mouse_read() when its own output buffer is free.
 *
 * The UI feeds input through ps2_keyboard_event() and ps2_mouse_event(),
 * under the global lock (bql_lock()).
 *
 * Keyboard input uses Linux input keycodes: the KEY_* numbers of
 * <linux/input-event-codes.h> (KEY_ESC = 1, KEY_A = 30, KEY_LEFT = 105...).
 * For the basic keys (1..88) these equal the XT set 1 make codes.  The
 * keyboard turns them into scan code set 2 (or set 1 if the guest asks);
 * the i8042 translates set 2 to set 1 when its XLAT bit is on.
 */
#ifndef HW_INPUT_PS2_H
#define HW_INPUT_PS2_H

#include "emu/common.h"
#include "emu/vmstate.h"

/* Called with has_data = true when the device's queue becomes non-empty. */
typedef void PS2UpdateFn(void *opaque, bool has_data);

#define PS2_QUEUE_SIZE 32

typedef struct PS2Queue {
    uint8_t data[PS2_QUEUE_SIZE];
    uint32_t rptr;
    uint32_t count;
} PS2Queue;

typedef struct PS2KbdState {
    PS2Queue queue;
    int32_t pending_cmd; /* command waiting for its parameter, or -1 */
    uint8_t last_out;    /* for the resend command */
    bool scan_enabled;
    uint8_t scancode_set; /* 1 or 2 */
    uint8_t leds;         /* bit 0 scroll, 1 num, 2 caps lock */
    uint8_t typematic;
    PS2UpdateFn *update;
    void *opaque;
} PS2KbdState;

typedef struct PS2MouseState {
    PS2Queue queue;
    int32_t pending_cmd;
    uint8_t last_out;
    uint8_t status;     /* PS2_MOUSE_STATUS_* (remote, enabled, 2:1) */
    uint8_t resolution; /* 0..3: 1, 2, 4, 8 counts/mm */
    uint8_t sample_rate;
    bool wrap;
    uint8_t type;       /* device ID: 0 PS/2, 3 IntelliMouse, 4 Explorer */
    uint8_t detect[3];  /* last three sample rates (wheel unlock knock) */
    uint8_t buttons;    /* PS2_MOUSE_BUTTON_* */
    int32_t dx, dy, dz; /* accumulated motion, PS/2 sense (+y up) */
    PS2UpdateFn *update;
    void *opaque;
} PS2MouseState;

#define PS2_MOUSE_BUTTON_LEFT   0x01
#define PS2_MOUSE_BUTTON_RIGHT  0x02
#define PS2_MOUSE_BUTTON_MIDDLE 0x04
#define PS2_MOUSE_BUTTON_SIDE   0x08 /* 4th button (Explorer only) */
#define PS2_MOUSE_BUTTON_EXTRA  0x10 /* 5th button (Explorer only) */

#define PS2_MOUSE_STATUS_REMOTE  0x40
#define PS2_MOUSE_STATUS_ENABLED 0x20
#define PS2_MOUSE_STATUS_SCALE21 0x10

/* Wiring (the owner calls these once, then reset at power-on). */
void ps2_kbd_init(PS2KbdState *s, PS2UpdateFn *update, void *opaque);
void ps2_mouse_init(PS2MouseState *s, PS2UpdateFn *update, void *opaque);
void ps2_kbd_reset(PS2KbdState *s);
void ps2_mouse_reset(PS2MouseState *s);

/* A byte from the host (through the controller). */
void ps2_kbd_write(PS2KbdState *s, uint8_t val);
void ps2_mouse_write(PS2MouseState *s, uint8_t val);

/* Pop the next byte for the host, or -1 if the queue is empty. */
int ps2_kbd_read(PS2KbdState *s);
int ps2_mouse_read(PS2MouseState *s);
bool ps2_kbd_has_data(const PS2KbdState *s);
bool ps2_mouse_has_data(const PS2MouseState *s);

/*
 * UI input.  keycode: a Linux KEY_* code (see above); unknown codes are
 * ignored.  Events are dropped while scanning is disabled or when the
 * queue has no room for the whole sequence (a real keyboard's overrun).
 * Key repeat is the caller's business (send repeated downs).
 */
void ps2_keyboard_event(PS2KbdState *s, int keycode, bool down);
/* Keyboard LEDs as last set by the guest: bit 0 scroll, 1 num, 2 caps. */
uint8_t ps2_kbd_get_leds(const PS2KbdState *s);

/*
 * Relative motion: dx > 0 right, dy > 0 down (screen sense; the device
 * flips it for the PS/2 protocol), dz > 0 wheel turned towards the user
 * (scroll down); buttons: PS2_MOUSE_BUTTON_* currently held.  In stream
 * mode a packet is queued at once (the sample rate is not modelled).
 */
void ps2_mouse_event(PS2MouseState *s, int dx, int dy, int dz,
                     unsigned buttons);

/*
 * The 8042's scan code translation (set 2 -> set 1) of one byte, without
 * the 0xF0 break-prefix handling: codes >= 0x80 other than 0x83 (F7) pass.
 */
uint8_t ps2_set2_to_set1(uint8_t code);

/*
 * State tables for the owner to nest with VMSTATE_STRUCT.  Nested tables'
 * post_load hooks are not run by vmstate_load, so the owner's post_load
 * must call these (they validate indices from an untrusted stream).
 */
extern const VMStateDescription vmstate_ps2_kbd;
extern const VMStateDescription vmstate_ps2_mouse;
int ps2_kbd_post_load(void *opaque);
int ps2_mouse_post_load(void *opaque);

#endif
