/*
 * Input routing (ui/input.h): each event goes to the most recently
 * registered (or activated) handler that takes its kind.
 */
#include "ui/input.h"

struct InputHandlerState {
    const InputHandler *h;
    void *opaque;
    uint64_t focus_seq; /* higher = more recent focus */
    InputHandlerState *next;
};

/* Handlers belong to the machine's devices; there is one machine. */
static InputHandlerState *handlers;
static uint64_t focus_counter;
static unsigned kbd_leds;
/* Last absolute position per axis (pixels), to feed relative devices. */
static int abs_last[INPUT_AXIS__MAX] = {-1, -1};
/* The handlers that got events since the last sync. */
static InputHandlerState *pending[4];
static int nr_pending;

InputHandlerState *input_handler_register(const InputHandler *h, void *opaque)
{
    InputHandlerState *s = calloc(1, sizeof(*s));
    s->h = h;
    s->opaque = opaque;
    s->focus_seq = ++focus_counter;
    s->next = handlers;
    handlers = s;
    return s;
}

void input_handler_unregister(InputHandlerState *s)
{
    for (int i = 0; i < nr_pending; i++) {
        if (pending[i] == s) {
            pending[i--] = pending[--nr_pending];
        }
    }
    for (InputHandlerState **p = &handlers; *p; p = &(*p)->next) {
        if (*p == s) {
            *p = s->next;
            free(s);
            return;
        }
    }
}

void input_handler_activate(InputHandlerState *s)
{
    s->focus_seq = ++focus_counter;
}

static InputHandlerState *input_find(uint32_t mask)
{
    InputHandlerState *best = NULL;
    for (InputHandlerState *s = handlers; s; s = s->next) {
        if ((s->h->mask & mask) && (!best || s->focus_seq > best->focus_seq)) {
            best = s;
        }
    }
    return best;
}

static void input_deliver(const InputEvent *evt)
{
    InputHandlerState *s = input_find(1u << evt->kind);
    if (!s) {
        return;
    }
    s->h->event(s->opaque, evt);
    for (int i = 0; i < nr_pending; i++) {
        if (pending[i] == s) {
            return;
        }
    }
    if (nr_pending < (int)ARRAY_SIZE(pending)) {
        pending[nr_pending++] = s;
    }
}

void input_event_key(int keycode, bool down)
{
    InputEvent e = {.kind = INPUT_EVENT_KEY};
    e.u.key.keycode = keycode;
    e.u.key.down = down;
    input_deliver(&e);
    input_event_sync(); /* a key is a group of its own */
}

void input_event_btn(InputButton button, bool down)
{
    if ((unsigned)button >= INPUT_BUTTON__MAX) {
        return;
    }
    InputEvent e = {.kind = INPUT_EVENT_BTN};
    e.u.btn.button = button;
    e.u.btn.down = down;
    input_deliver(&e);
}

void input_event_rel(InputAxis axis, int delta)
{
    if ((unsigned)axis >= INPUT_AXIS__MAX || delta == 0) {
        return;
    }
    InputEvent e = {.kind = INPUT_EVENT_REL};
    e.u.move.axis = axis;
    e.u.move.value = delta;
    input_deliver(&e);
}

void input_event_abs(InputAxis axis, int value, int size)
{
    if ((unsigned)axis >= INPUT_AXIS__MAX) {
        return;
    }
    value = MAX(0, MIN(value, INPUT_ABS_MAX));
    if (input_mouse_is_absolute()) {
        InputEvent e = {.kind = INPUT_EVENT_ABS};
        e.u.move.axis = axis;
        e.u.move.value = value;
        input_deliver(&e);
        return;
    }
    /* A relative device: move by the difference in screen pixels. */
    int px = size > 0 ? (int)((int64_t)value * (size - 1) / INPUT_ABS_MAX) : 0;
    if (abs_last[axis] >= 0) {
        input_event_rel(axis, px - abs_last[axis]);
    }
    abs_last[axis] = px;
}

void input_event_sync(void)
{
    for (int i = 0; i < nr_pending; i++) {
        if (pending[i]->h->sync) {
            pending[i]->h->sync(pending[i]->opaque);
        }
    }
    nr_pending = 0;
}

bool input_mouse_is_absolute(void)
{
    InputHandlerState *abs = input_find(INPUT_EVENT_MASK_ABS);
    InputHandlerState *rel = input_find(INPUT_EVENT_MASK_REL);
    return abs && (!rel || abs->focus_seq >= rel->focus_seq);
}

void input_set_kbd_leds(unsigned leds)
{
    kbd_leds = leds;
}

unsigned input_kbd_leds(void)
{
    return kbd_leds;
}
