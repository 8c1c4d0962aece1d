/*
 * The ui layer's core: surfaces, consoles and their listeners, the
 * refresh timer, input routing (and the i8042 as its keyboard and mouse).
 */
#include "tests/unit/harness.h"

#include <linux/input-event-codes.h>

#include "hw/input/i8042.h"
#include "ui/console.h"
#include "ui/input.h"

/* ---- a display device of the test's own ---------------------------------- */

typedef struct FakeDev {
    int updates, invalidates, text_updates;
    Console *con;
} FakeDev;

static void fake_invalidate(void *opaque)
{
    ((FakeDev *)opaque)->invalidates++;
}

static void fake_update(void *opaque)
{
    FakeDev *d = opaque;
    d->updates++;
    dpy_gfx_update(d->con, 0, 0, 8, 8);
}

static void fake_text(void *opaque)
{
    ((FakeDev *)opaque)->text_updates++;
}

static const GraphicHwOps fake_ops = {
    .invalidate = fake_invalidate,
    .gfx_update = fake_update,
    .text_update = fake_text,
};

typedef struct Rec {
    DisplayChangeListener dcl;
    int switches, updates, refreshes, text_updates, text_resizes, cursors;
    DisplaySurface *surface;
    int last_x, last_y, last_w, last_h;
    bool own_refresh;
} Rec;

static void rec_switch(DisplayChangeListener *dcl, DisplaySurface *s)
{
    Rec *r = (Rec *)dcl;
    r->switches++;
    r->surface = s;
}

static void rec_update(DisplayChangeListener *dcl, int x, int y, int w, int h)
{
    Rec *r = (Rec *)dcl;
    r->updates++;
    r->last_x = x;
    r->last_y = y;
    r->last_w = w;
    r->last_h = h;
}

static void rec_text_update(DisplayChangeListener *dcl, int x, int y, int w,
                            int h)
{
    ((Rec *)dcl)->text_updates++;
}

static void rec_text_resize(DisplayChangeListener *dcl, int c, int r)
{
    ((Rec *)dcl)->text_resizes++;
}

static void rec_cursor(DisplayChangeListener *dcl, int x, int y, bool v)
{
    ((Rec *)dcl)->cursors++;
}

static const DisplayChangeListenerOps rec_ops = {
    .name = "rec",
    .dpy_gfx_update = rec_update,
    .dpy_gfx_switch = rec_switch,
    .dpy_text_update = rec_text_update,
    .dpy_text_resize = rec_text_resize,
    .dpy_text_cursor = rec_cursor,
};

static void test_surface(void)
{
    DisplaySurface *s = surface_create(320, 200);
    CHECK(s != NULL);
    CHECK_EQ(surface_width(s), 320);
    CHECK_EQ(surface_height(s), 200);
    CHECK_EQ(surface_stride(s), 320 * 4);
    CHECK_EQ(surface_bits_per_pixel(s), 32);
    CHECK_EQ(((uint32_t *)surface_data(s))[320 * 200 - 1], 0);
    surface_free(s);
    CHECK(surface_create(0, 10) == NULL);
    CHECK(surface_create(10, 100000) == NULL);

    /* A view onto someone's memory: 16 bpp, stride checked. */
    static uint8_t vram[64 * 32 * 2];
    s = surface_create_from_data(64, 32, PIXMAN_r5g6b5, 128, vram);
    CHECK(s != NULL);
    CHECK(s->borrowed);
    CHECK_EQ(surface_bytes_per_pixel(s), 2);
    surface_free(s); /* leaves vram alone (ASan would say otherwise) */
    CHECK(surface_create_from_data(64, 32, PIXMAN_r5g6b5, 64, vram) == NULL);

    s = surface_create_placeholder(16, 16);
    CHECK(((uint32_t *)surface_data(s))[5] != 0);
    surface_free(s);
}

static void test_console_listeners(void)
{
    FakeDev dev = {0};
    dev.con = graphic_console_init("fake", &fake_ops, &dev);
    CHECK(dev.con != NULL);
    int idx = console_count() - 1;
    CHECK(console_get(idx) == dev.con);
    CHECK_STR(console_name(dev.con), "fake");

    /* No listener: no refresh timer runs. */
    CHECK_EQ(timers_deadline_ns(CLOCK_MONO), (uint64_t)-1);

    Rec r = {.dcl.ops = &rec_ops, .dcl.con = dev.con};
    register_displaychangelistener(&r.dcl);
    CHECK_EQ(r.switches, 1); /* the current (placeholder) surface */
    CHECK(r.surface == console_surface(dev.con));
    CHECK_EQ(dev.invalidates, 1);
    CHECK(timers_deadline_ns(CLOCK_MONO) >= 0);

    /* The device swaps the surface: listeners switch. */
    dpy_gfx_replace_surface(dev.con, surface_create(100, 50));
    CHECK_EQ(r.switches, 2);
    CHECK_EQ(surface_width(r.surface), 100);

    /* Updates are clipped to the surface. */
    dpy_gfx_update(dev.con, 90, 40, 50, 50);
    CHECK_EQ(r.updates, 1);
    CHECK_EQ(r.last_w, 10);
    CHECK_EQ(r.last_h, 10);
    dpy_gfx_update(dev.con, -5, -5, 10, 10);
    CHECK_EQ(r.last_x, 0);
    CHECK_EQ(r.last_w, 5);
    dpy_gfx_update(dev.con, 200, 0, 10, 10); /* outside: nothing */
    CHECK_EQ(r.updates, 2);

    /* The default refresh asks the device for an update. */
    graphic_hw_update(dev.con);
    CHECK_EQ(dev.updates, 1);
    CHECK_EQ(r.updates, 3);

    /* Text grid. */
    dpy_text_resize(dev.con, 80, 25);
    CHECK_EQ(r.text_resizes, 1);
    dpy_text_set(dev.con, 3, 2, (ConsoleChar){'A', 0x1f});
    dpy_text_set(dev.con, 3, 2, (ConsoleChar){'A', 0x1f}); /* no change */
    dpy_text_set(dev.con, 80, 0, (ConsoleChar){'B', 7});   /* outside */
    CHECK_EQ(r.text_updates, 1);
    int cols, rows;
    const ConsoleChar *t = console_text(dev.con, &cols, &rows);
    CHECK_EQ(cols, 80);
    CHECK_EQ(rows, 25);
    CHECK_EQ(t[2 * 80 + 3].ch, 'A');
    CHECK_EQ(t[2 * 80 + 3].attr, 0x1f);
    dpy_text_cursor(dev.con, 1, 1, true);
    dpy_text_cursor(dev.con, 1, 1, true);
    CHECK_EQ(r.cursors, 1);
    graphic_hw_text_update(dev.con);
    CHECK_EQ(dev.text_updates, 1);

    unregister_displaychangelistener(&r.dcl);
    CHECK_EQ(timers_deadline_ns(CLOCK_MONO), (uint64_t)-1);
    dpy_gfx_update_full(dev.con);
    CHECK_EQ(r.updates, 3); /* no longer listening */
    graphic_console_close(dev.con);
    CHECK_EQ(console_count(), idx);
}

/* ---- input ----------------------------------------------------------------
 */

typedef struct InRec {
    InputEvent ev[16];
    int n, syncs;
} InRec;

static void inrec_event(void *opaque, const InputEvent *e)
{
    InRec *r = opaque;
    if (r->n < 16) {
        r->ev[r->n++] = *e;
    }
}

static void inrec_sync(void *opaque)
{
    ((InRec *)opaque)->syncs++;
}

static const InputHandler kbd_h = {.name = "k",
                                   .mask = INPUT_EVENT_MASK_KEY,
                                   .event = inrec_event,
                                   .sync = inrec_sync};
static const InputHandler rel_h = {.name = "r",
                                   .mask = INPUT_EVENT_MASK_BTN |
                                           INPUT_EVENT_MASK_REL,
                                   .event = inrec_event,
                                   .sync = inrec_sync};
static const InputHandler abs_h = {.name = "a",
                                   .mask = INPUT_EVENT_MASK_BTN |
                                           INPUT_EVENT_MASK_ABS,
                                   .event = inrec_event,
                                   .sync = inrec_sync};

static void test_input_routing(void)
{
    InRec k1 = {0}, k2 = {0}, rel = {0}, abs = {0};
    InputHandlerState *h1 = input_handler_register(&kbd_h, &k1);
    InputHandlerState *h2 = input_handler_register(&kbd_h, &k2);

    /* The newest keyboard has the focus; activation moves it back. */
    input_event_key(KEY_A, true);
    CHECK_EQ(k1.n, 0);
    CHECK_EQ(k2.n, 1);
    CHECK_EQ(k2.ev[0].u.key.keycode, KEY_A);
    CHECK(k2.ev[0].u.key.down);
    CHECK_EQ(k2.syncs, 1);
    input_handler_activate(h1);
    input_event_key(KEY_A, false);
    CHECK_EQ(k1.n, 1);
    CHECK(!k1.ev[0].u.key.down);

    /* Pointer: relative device; absolute positions become motion. */
    InputHandlerState *hr = input_handler_register(&rel_h, &rel);
    CHECK(!input_mouse_is_absolute());
    input_event_abs(INPUT_AXIS_X, 0, 641);
    input_event_abs(INPUT_AXIS_X, INPUT_ABS_MAX / 2, 641);
    input_event_btn(INPUT_BUTTON_LEFT, true);
    input_event_sync();
    CHECK_EQ(rel.n, 2);
    CHECK_EQ(rel.ev[0].kind, INPUT_EVENT_REL);
    CHECK_EQ(rel.ev[0].u.move.value, 319); /* 0 -> 319 of 0..640 */
    CHECK_EQ(rel.ev[1].kind, INPUT_EVENT_BTN);
    CHECK_EQ(rel.syncs, 1);
    CHECK_EQ(k1.syncs, 1); /* only handlers that got events sync */

    /* An absolute device takes the focus for pointer events. */
    InputHandlerState *ha = input_handler_register(&abs_h, &abs);
    CHECK(input_mouse_is_absolute());
    input_event_abs(INPUT_AXIS_Y, 1234, 480);
    input_event_sync();
    CHECK_EQ(abs.n, 1);
    CHECK_EQ(abs.ev[0].u.move.value, 1234);
    CHECK_EQ(rel.n, 2);

    /* Unregistering between an event and its sync is safe. */
    input_event_btn(INPUT_BUTTON_RIGHT, true);
    input_handler_unregister(ha);
    input_event_sync();
    CHECK(!input_mouse_is_absolute());

    input_handler_unregister(hr);
    input_handler_unregister(h1);
    input_handler_unregister(h2);
    input_event_key(KEY_B, true); /* nobody: dropped */
    CHECK_EQ(k1.n, 1);
    CHECK_EQ(k2.n, 1);
}

/* The i8042 registers its PS/2 keyboard and mouse with the input layer. */
static void test_i8042_handlers(void)
{
    TestBus tb;
    Error *err = NULL;
    test_bus_init(&tb);
    I8042State *kbc = i8042_init(&tb.isa, NULL, &err);
    CHECK(kbc != NULL);
    if (!kbc) {
        error_free(err);
        test_bus_cleanup(&tb);
        return;
    }
    /* The command byte as a BIOS leaves it (translation on): a key press
     * arrives as its set 1 code. */
    outb(&tb, 0x64, 0x60);
    outb(&tb, 0x60, 0x44);
    input_event_key(KEY_A, true);
    CHECK(inb(&tb, 0x64) & 0x01);
    CHECK_EQ(inb(&tb, 0x60), 0x1e);
    /* The LEDs the guest sets are visible to front ends. */
    outb(&tb, 0x60, 0xed);
    CHECK_EQ(inb(&tb, 0x60), 0xfa);
    outb(&tb, 0x60, 0x04);
    CHECK_EQ(inb(&tb, 0x60), 0xfa);
    CHECK_EQ(input_kbd_leds(), 4);

    /* Mouse: enable the aux port and data reporting, then move. */
    outb(&tb, 0x64, 0xa8);
    outb(&tb, 0x64, 0xd4);
    outb(&tb, 0x60, 0xf4);
    CHECK_EQ(inb(&tb, 0x60), 0xfa);
    input_event_rel(INPUT_AXIS_X, 5);
    input_event_rel(INPUT_AXIS_Y, 3);
    input_event_btn(INPUT_BUTTON_LEFT, true);
    input_event_sync();
    uint8_t pkt[3];
    for (int i = 0; i < 3; i++) {
        CHECK(inb(&tb, 0x64) & 0x21);
        pkt[i] = inb(&tb, 0x60);
    }
    /* Byte 0: left button, always-1 bit, Y negative (screen down). */
    CHECK_EQ(pkt[0], 0x01 | 0x08 | 0x20);
    CHECK_EQ(pkt[1], 5);
    CHECK_EQ(pkt[2], (uint8_t)-3);
    test_bus_cleanup(&tb);
    /* Unrealized: events go nowhere (and touch no freed memory). */
    input_event_key(KEY_A, true);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_surface);
    TEST_RUN(test_console_listeners);
    TEST_RUN(test_input_routing);
    TEST_RUN(test_i8042_handlers);
    return test_finish();
}
