/*
 * Input routing: key and pointer events in one neutral form, from the
 * front ends (SDL, VNC, curses, the monitor's sendkey/mouse_move) to the
 * device that has the focus (the PS/2 keyboard and mouse behind the
 * i8042 today).  Front ends never call a device; devices never know which
 * front end typed.
 *
 * Keys are Linux input keycodes, the KEY_* numbers of
 * <linux/input-event-codes.h> (KEY_A = 30, KEY_LEFTCTRL = 29, KEY_SYSRQ =
 * 99 for PrintScreen, KEY_PAUSE = 119...): a complete, stable numbering of
 * every key of a 105-key board that the PS/2 model already speaks.  Names
 * for the monitor (QEMU's QKeyCode spellings: "ctrl", "alt", "delete",
 * "a", "f1", "kp_enter"...) are in ui/input-keys.c.
 *
 * Pointer: buttons as INPUT_BUTTON_*; motion relative (dx, dy) or absolute
 * (0..INPUT_ABS_MAX on each axis, for a tablet; the PS/2 mouse is
 * relative, so absolute positions are turned into motion here from the
 * last position).  Call input_event_sync() after a group of pointer events
 * that belong together (one PS/2 packet).
 *
 * All calls on the main-loop thread with the global lock held.
 */
#ifndef UI_INPUT_H
#define UI_INPUT_H

#include "emu/common.h"

typedef enum {
    INPUT_BUTTON_LEFT,
    INPUT_BUTTON_RIGHT,
    INPUT_BUTTON_MIDDLE,
    INPUT_BUTTON_WHEEL_UP,   /* one notch away from the user */
    INPUT_BUTTON_WHEEL_DOWN, /* one notch towards the user */
    INPUT_BUTTON_SIDE,
    INPUT_BUTTON_EXTRA,
    INPUT_BUTTON__MAX
} InputButton;

typedef enum { INPUT_AXIS_X, INPUT_AXIS_Y, INPUT_AXIS__MAX } InputAxis;

#define INPUT_ABS_MAX 0x7fff

typedef enum {
    INPUT_EVENT_KEY,
    INPUT_EVENT_BTN,
    INPUT_EVENT_REL,
    INPUT_EVENT_ABS,
} InputEventKind;

typedef struct InputEvent {
    InputEventKind kind;
    union {
        struct {
            int keycode; /* KEY_* */
            bool down;
        } key;
        struct {
            InputButton button;
            bool down;
        } btn;
        struct {
            InputAxis axis;
            int value; /* REL: delta (screen sense, +y down); ABS: 0..MAX */
        } move;
    } u;
} InputEvent;

#define INPUT_EVENT_MASK_KEY (1u << INPUT_EVENT_KEY)
#define INPUT_EVENT_MASK_BTN (1u << INPUT_EVENT_BTN)
#define INPUT_EVENT_MASK_REL (1u << INPUT_EVENT_REL)
#define INPUT_EVENT_MASK_ABS (1u << INPUT_EVENT_ABS)

/* A device that takes input. */
typedef struct InputHandler {
    const char *name;
    uint32_t mask; /* INPUT_EVENT_MASK_* it takes */
    void (*event)(void *opaque, const InputEvent *evt);
    /* End of a group of events (may be NULL). */
    void (*sync)(void *opaque);
} InputHandler;

typedef struct InputHandlerState InputHandlerState;

/* Handlers registered later take the focus for their event kinds (a USB
 * tablet would win over the PS/2 mouse for ABS). */
InputHandlerState *input_handler_register(const InputHandler *h, void *opaque);
void input_handler_unregister(InputHandlerState *s);
/* Give s the focus again (most recent wins). */
void input_handler_activate(InputHandlerState *s);

/* Front ends. */
void input_event_key(int keycode, bool down);
void input_event_btn(InputButton button, bool down);
void input_event_rel(InputAxis axis, int delta);
/* value scaled by the caller to 0..INPUT_ABS_MAX; size: the screen's
 * extent on that axis in pixels (to turn absolute into relative motion
 * for a relative-only device). */
void input_event_abs(InputAxis axis, int value, int size);
void input_event_sync(void);
/* Whether the focused pointer device takes absolute positions (a front
 * end then need not grab the mouse). */
bool input_mouse_is_absolute(void);
/* Keyboard LED state (bit 0 scroll, 1 num, 2 caps) of the focused
 * keyboard, for front ends that mirror it; 0 when unknown. */
void input_set_kbd_leds(unsigned leds);
unsigned input_kbd_leds(void);

/* ---- Key names (ui/input-keys.c) ------------------------------------------
 */

/* KEY_* for a QEMU QKeyCode name ("ctrl", "alt_r", "delete", "a", "1",
 * "f12", "kp_add", "print", "pause"...), or a number ("0x1d" is taken as a
 * KEY_* value); -1 if unknown. */
int input_key_from_name(const char *name);
/* The QKeyCode name of a KEY_* value, or NULL. */
const char *input_key_name(int keycode);
/* The names one by one (i from 0 to input_key_name_count() - 1), for
 * help texts and tests.  (Added by part "screendump".) */
int input_key_name_count(void);
const char *input_key_name_at(int i);

#endif
