/*
 * Device tests for the i8042 keyboard controller, the PS/2 keyboard and
 * mouse behind it, and port 0x92.
 */
#include "tests/unit/harness.h"

#include <linux/input-event-codes.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emu/main-loop.h"
#include "hw/input/i8042.h"
#include "hw/input/ps2.h"
#include "hw/misc/port92.h"

#define DATA 0x60
#define CMD  0x64
#define ST_OBF  0x01
#define ST_SYS  0x04
#define ST_A2   0x08
#define ST_AUXB 0x20

typedef struct Fixture {
    TestBus tb;
    IRQProbe a20;
    IRQ *a20_irq;
    I8042State *kbc;
} Fixture;

static void setup(Fixture *f)
{
    Error *err = NULL;

    test_bus_init(&f->tb);
    memset(&f->a20, 0, sizeof(f->a20));
    f->a20_irq = irq_new_probe(&f->a20);
    f->kbc = i8042_init(&f->tb.isa, f->a20_irq, &err);
    if (!f->kbc) {
        test_fail(__FILE__, __LINE__, "i8042_init: %s", error_get_pretty(err));
        error_free(err);
        abort();
    }
}

static void teardown(Fixture *f)
{
    test_bus_cleanup(&f->tb);
    irq_free(f->a20_irq);
}

/* The next output byte, or -1 if the output buffer is empty. */
static int kbc_read(Fixture *f)
{
    if (!(inb(&f->tb, CMD) & ST_OBF)) {
        return -1;
    }
    return inb(&f->tb, DATA);
}

static void kbc_write_cmdbyte(Fixture *f, uint8_t v)
{
    outb(&f->tb, CMD, 0x60);
    outb(&f->tb, DATA, v);
}

static void aux_write(Fixture *f, uint8_t v)
{
    outb(&f->tb, CMD, 0xD4);
    outb(&f->tb, DATA, v);
}

/* Read n bytes and compare them with want; -1 entries mean "empty". */
#define EXPECT_BYTES(f, ...)                                                 \
    do {                                                                     \
        const int want_[] = { __VA_ARGS__ };                                 \
        for (size_t i_ = 0; i_ < ARRAY_SIZE(want_); i_++) {                  \
            CHECK_EQ(kbc_read(f), want_[i_]);                                \
        }                                                                    \
        CHECK_EQ(kbc_read(f), -1);                                           \
    } while (0)

static void test_self_test(void)
{
    Fixture f;
    setup(&f);

    uint8_t st = inb(&f.tb, CMD);
    CHECK_EQ(st & ST_OBF, 0);
    CHECK_EQ(st & ST_SYS, 0);
    outb(&f.tb, CMD, 0xAA);
    CHECK(inb(&f.tb, CMD) & ST_OBF);
    CHECK(inb(&f.tb, CMD) & ST_SYS);
    EXPECT_BYTES(&f, 0x55);
    outb(&f.tb, CMD, 0xAB);
    EXPECT_BYTES(&f, 0x00);
    outb(&f.tb, CMD, 0xA9);
    EXPECT_BYTES(&f, 0x00);
    outb(&f.tb, CMD, 0xA4);
    EXPECT_BYTES(&f, 0xF1);
    /* An empty buffer reads as the last byte again. */
    CHECK_EQ(inb(&f.tb, DATA), 0xF1);
    teardown(&f);
}

static void test_command_byte(void)
{
    Fixture f;
    setup(&f);

    outb(&f.tb, CMD, 0x20);
    CHECK(inb(&f.tb, CMD) & ST_A2);
    EXPECT_BYTES(&f, 0x03);
    kbc_write_cmdbyte(&f, 0x65);
    CHECK_EQ(inb(&f.tb, CMD) & ST_A2, 0);
    CHECK(inb(&f.tb, CMD) & ST_SYS);
    outb(&f.tb, CMD, 0x20);
    EXPECT_BYTES(&f, 0x65);
    kbc_write_cmdbyte(&f, 0x40);
    CHECK_EQ(inb(&f.tb, CMD) & ST_SYS, 0);
    outb(&f.tb, CMD, 0xAD);
    outb(&f.tb, CMD, 0xA7);
    outb(&f.tb, CMD, 0x20);
    EXPECT_BYTES(&f, 0x70);
    outb(&f.tb, CMD, 0xAE);
    outb(&f.tb, CMD, 0xA8);
    outb(&f.tb, CMD, 0x20);
    EXPECT_BYTES(&f, 0x40);
    /* Controller RAM beyond the command byte. */
    outb(&f.tb, CMD, 0x65);
    outb(&f.tb, DATA, 0x5A);
    outb(&f.tb, CMD, 0x25);
    EXPECT_BYTES(&f, 0x5A);
    teardown(&f);
}

static void test_kbd_commands(void)
{
    Fixture f;
    setup(&f);
    PS2KbdState *kbd = i8042_get_kbd(f.kbc);

    kbc_write_cmdbyte(&f, 0x00);        /* no XLAT, no IRQs */
    outb(&f.tb, DATA, 0xFF);
    EXPECT_BYTES(&f, 0xFA, 0xAA);
    outb(&f.tb, DATA, 0xF2);
    EXPECT_BYTES(&f, 0xFA, 0xAB, 0x83);
    outb(&f.tb, DATA, 0xEE);
    EXPECT_BYTES(&f, 0xEE);
    outb(&f.tb, DATA, 0xED);
    EXPECT_BYTES(&f, 0xFA);
    outb(&f.tb, DATA, 0x05);
    EXPECT_BYTES(&f, 0xFA);
    CHECK_EQ(ps2_kbd_get_leds(kbd), 5);
    outb(&f.tb, DATA, 0xF3);
    outb(&f.tb, DATA, 0x20);
    EXPECT_BYTES(&f, 0xFA, 0xFA);
    outb(&f.tb, DATA, 0xF0);
    outb(&f.tb, DATA, 0x00);
    EXPECT_BYTES(&f, 0xFA, 0xFA, 0x02);
    outb(&f.tb, DATA, 0xFE);            /* resend */
    EXPECT_BYTES(&f, 0x02);

    /* Disabled scanning drops keys; enable brings them back. */
    outb(&f.tb, DATA, 0xF5);
    EXPECT_BYTES(&f, 0xFA);
    ps2_keyboard_event(kbd, KEY_A, true);
    CHECK_EQ(kbc_read(&f), -1);
    outb(&f.tb, DATA, 0xF4);
    EXPECT_BYTES(&f, 0xFA);
    ps2_keyboard_event(kbd, KEY_A, true);
    EXPECT_BYTES(&f, 0x1C);

    /* Through the translating controller the ID and set read as set 1. */
    kbc_write_cmdbyte(&f, 0x40);
    outb(&f.tb, DATA, 0xF2);
    EXPECT_BYTES(&f, 0xFA, 0xAB, 0x41);
    outb(&f.tb, DATA, 0xF0);
    outb(&f.tb, DATA, 0x00);
    EXPECT_BYTES(&f, 0xFA, 0xFA, 0x41);

    /* Scan code set 1 from the keyboard itself. */
    kbc_write_cmdbyte(&f, 0x00);
    outb(&f.tb, DATA, 0xF0);
    outb(&f.tb, DATA, 0x01);
    EXPECT_BYTES(&f, 0xFA, 0xFA);
    ps2_keyboard_event(kbd, KEY_A, true);
    ps2_keyboard_event(kbd, KEY_A, false);
    ps2_keyboard_event(kbd, KEY_RIGHTCTRL, false);
    EXPECT_BYTES(&f, 0x1E, 0x9E, 0xE0, 0x9D);
    teardown(&f);
}

static void test_scancode_translation(void)
{
    Fixture f;
    setup(&f);
    PS2KbdState *kbd = i8042_get_kbd(f.kbc);

    kbc_write_cmdbyte(&f, 0x00);        /* raw set 2 */
    ps2_keyboard_event(kbd, KEY_A, true);
    ps2_keyboard_event(kbd, KEY_A, false);
    ps2_keyboard_event(kbd, KEY_LEFT, true);
    ps2_keyboard_event(kbd, KEY_LEFT, false);
    EXPECT_BYTES(&f, 0x1C, 0xF0, 0x1C, 0xE0, 0x6B, 0xE0, 0xF0, 0x6B);
    ps2_keyboard_event(kbd, KEY_F7, true);
    EXPECT_BYTES(&f, 0x83);
    ps2_keyboard_event(kbd, 0, true);           /* unknown: ignored */
    ps2_keyboard_event(kbd, 100000, true);
    CHECK_EQ(kbc_read(&f), -1);

    kbc_write_cmdbyte(&f, 0x40);        /* XLAT */
    ps2_keyboard_event(kbd, KEY_A, true);
    ps2_keyboard_event(kbd, KEY_A, false);
    ps2_keyboard_event(kbd, KEY_LEFT, true);
    ps2_keyboard_event(kbd, KEY_LEFT, false);
    EXPECT_BYTES(&f, 0x1E, 0x9E, 0xE0, 0x4B, 0xE0, 0xCB);
    ps2_keyboard_event(kbd, KEY_F7, true);
    ps2_keyboard_event(kbd, KEY_F7, false);
    ps2_keyboard_event(kbd, KEY_ENTER, true);
    ps2_keyboard_event(kbd, KEY_ESC, false);
    EXPECT_BYTES(&f, 0x41, 0xC1, 0x1C, 0x81);
    ps2_keyboard_event(kbd, KEY_PAUSE, true);
    ps2_keyboard_event(kbd, KEY_PAUSE, false);  /* no break code */
    EXPECT_BYTES(&f, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5);
    ps2_keyboard_event(kbd, KEY_SYSRQ, true);
    ps2_keyboard_event(kbd, KEY_SYSRQ, false);
    EXPECT_BYTES(&f, 0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA);
    /* Every XT key translates back to its own keycode. */
    for (int k = KEY_ESC; k <= KEY_KPDOT; k++) {
        ps2_keyboard_event(kbd, k, true);
        int b = kbc_read(&f);
        if (b != k) {
            test_fail(__FILE__, __LINE__, "key %d translated to 0x%x", k, b);
        }
        ps2_keyboard_event(kbd, k, false);
        b = kbc_read(&f);
        if (b != (k | 0x80)) {
            test_fail(__FILE__, __LINE__, "key %d up -> 0x%x", k, b);
        }
    }
    CHECK_EQ(kbc_read(&f), -1);

    /* A full keyboard queue drops whole events, never half sequences. */
    kbc_write_cmdbyte(&f, 0x10);        /* keyboard interface disabled */
    for (int i = 0; i < 40; i++) {
        ps2_keyboard_event(kbd, KEY_LEFT, true);
    }
    CHECK_EQ(kbc_read(&f), -1);
    outb(&f.tb, CMD, 0xAE);
    int n = 0, b;
    while ((b = kbc_read(&f)) >= 0) {
        CHECK_EQ(b, (n & 1) ? 0x6B : 0xE0);
        n++;
    }
    CHECK_EQ(n, PS2_QUEUE_SIZE);
    teardown(&f);
}

static void test_irq_levels(void)
{
    Fixture f;
    setup(&f);
    PS2KbdState *kbd = i8042_get_kbd(f.kbc);
    PS2MouseState *mouse = i8042_get_mouse(f.kbc);
    IRQProbe *irq1 = &f.tb.irq[1], *irq12 = &f.tb.irq[12];

    /* Default command byte 0x03: both interrupts on, no translation. */
    CHECK_EQ(irq1->level, 0);
    ps2_keyboard_event(kbd, KEY_A, false);          /* F0 1C */
    CHECK_EQ(irq1->level, 1);
    CHECK_EQ(irq12->level, 0);
    int raises = irq1->raises;
    CHECK_EQ(inb(&f.tb, DATA), 0xF0);
    /* Read: the line dropped and rose again for the next byte. */
    CHECK_EQ(irq1->level, 1);
    CHECK_EQ(irq1->raises, raises + 1);
    CHECK_EQ(inb(&f.tb, DATA), 0x1C);
    CHECK_EQ(irq1->level, 0);

    /* Interrupt enable bit off: OBF without IRQ 1. */
    kbc_write_cmdbyte(&f, 0x02);
    ps2_keyboard_event(kbd, KEY_B, true);
    CHECK(inb(&f.tb, CMD) & ST_OBF);
    CHECK_EQ(irq1->level, 0);
    kbc_write_cmdbyte(&f, 0x03);    /* rising the enable raises the line */
    CHECK_EQ(irq1->level, 1);
    CHECK_EQ(inb(&f.tb, DATA), 0x32);
    CHECK_EQ(irq1->level, 0);

    /* Mouse bytes: IRQ 12 and AUXB, not IRQ 1. */
    aux_write(&f, 0xF4);
    CHECK_EQ(irq12->level, 1);
    CHECK_EQ(irq1->level, 0);
    CHECK(inb(&f.tb, CMD) & ST_AUXB);
    CHECK_EQ(inb(&f.tb, DATA), 0xFA);
    CHECK_EQ(irq12->level, 0);
    CHECK_EQ(inb(&f.tb, CMD) & ST_AUXB, 0);
    ps2_mouse_event(mouse, 1, 0, 0, 0);
    CHECK_EQ(irq12->level, 1);
    EXPECT_BYTES(&f, 0x08, 0x01, 0x00);
    CHECK_EQ(irq12->level, 0);

    /* Controller-written output buffers. */
    outb(&f.tb, CMD, 0xD2);
    outb(&f.tb, DATA, 0x42);
    CHECK_EQ(irq1->level, 1);
    CHECK_EQ(inb(&f.tb, CMD) & ST_AUXB, 0);
    EXPECT_BYTES(&f, 0x42);
    outb(&f.tb, CMD, 0xD3);
    outb(&f.tb, DATA, 0x43);
    CHECK_EQ(irq12->level, 1);
    CHECK(inb(&f.tb, CMD) & ST_AUXB);
    EXPECT_BYTES(&f, 0x43);

    /* A disabled keyboard interface holds its bytes back. */
    outb(&f.tb, CMD, 0xAD);
    ps2_keyboard_event(kbd, KEY_C, true);
    CHECK_EQ(inb(&f.tb, CMD) & ST_OBF, 0);
    CHECK_EQ(irq1->level, 0);
    outb(&f.tb, CMD, 0xAE);
    CHECK_EQ(irq1->level, 1);
    EXPECT_BYTES(&f, 0x21);
    teardown(&f);
}

static void test_a20(void)
{
    Fixture f;
    setup(&f);
    Error *err = NULL;

    CHECK_EQ(f.a20.level, 1);           /* driven at reset */
    outb(&f.tb, CMD, 0xD0);
    int out = kbc_read(&f);
    CHECK_EQ(out & 0x03, 0x03);
    outb(&f.tb, CMD, 0xD1);
    outb(&f.tb, DATA, 0xDD);            /* A20 off, no reset */
    CHECK_EQ(f.a20.level, 0);
    outb(&f.tb, CMD, 0xD0);
    EXPECT_BYTES(&f, 0xCD);             /* OBF bits reflect the buffer */
    outb(&f.tb, CMD, 0xD1);
    outb(&f.tb, DATA, 0xDF);
    CHECK_EQ(f.a20.level, 1);
    outb(&f.tb, CMD, 0xDD);
    CHECK_EQ(f.a20.level, 0);
    outb(&f.tb, CMD, 0xDF);
    CHECK_EQ(f.a20.level, 1);

    /* Port 0x92 drives its own line. */
    IRQProbe p92 = { 0 };
    IRQ *p92_irq = irq_new_probe(&p92);
    Port92State *port92 = port92_init(&f.tb.isa, p92_irq, &err);
    CHECK(port92 != NULL);
    CHECK_EQ(inb(&f.tb, 0x92), 0x00);
    outb(&f.tb, 0x92, 0x02);
    CHECK_EQ(p92.level, 1);
    CHECK_EQ(inb(&f.tb, 0x92), 0x02);
    outb(&f.tb, 0x92, 0x00);
    CHECK_EQ(p92.level, 0);
    CHECK_EQ(inb(&f.tb, 0x92), 0x00);
    /* Reset clears the reset bit only. */
    outb(&f.tb, 0x92, 0x03);
    CHECK_EQ(inb(&f.tb, 0x92), 0x03);
    device_reset((DeviceState *)port92);
    CHECK_EQ(inb(&f.tb, 0x92), 0x02);
    teardown(&f);
    irq_free(p92_irq);
}

/* ---- reset requests ---------------------------------------------------- */

/*
 * system_reset_request() is only observable through the main loop's reset
 * handler, and the loop can be left only by a shutdown that cannot be
 * undone; so each check runs in a child process.
 */
static int resets_seen;
static ShutdownCause last_cause;

static void record_reset(ShutdownCause cause)
{
    resets_seen++;
    last_cause = cause;
}

static void stop_loop(void *opaque)
{
    system_shutdown_request(SHUTDOWN_CAUSE_HOST_QUIT, 0);
}

/* Runs trigger in a child; returns resets * 16 + last cause, -1 on error. */
static int reset_probe(void (*trigger)(Fixture *f))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        Fixture f;
        setup(&f);
        main_loop_init();
        bql_lock();
        main_loop_set_reset_handler(record_reset);
        trigger(&f);
        Timer *t = timer_new_ns(CLOCK_REALTIME, stop_loop, NULL);
        timer_mod_ns(t, clock_get_ns(CLOCK_REALTIME));
        main_loop_run();
        _exit(resets_seen * 16 + (resets_seen ? last_cause : 0));
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        return -1;
    }
    return WEXITSTATUS(status);
}

static void trig_none(Fixture *f)
{
    outb(&f->tb, CMD, 0xFF);            /* pulse no line */
    outb(&f->tb, CMD, 0xF1);            /* pulse bits 3:1, not reset */
}

static void trig_pulse(Fixture *f)
{
    outb(&f->tb, CMD, 0xFE);
}

static void trig_outport(Fixture *f)
{
    outb(&f->tb, CMD, 0xD1);
    outb(&f->tb, DATA, 0xDE);
}

static void trig_port92(Fixture *f)
{
    port92_init(&f->tb.isa, NULL, NULL);
    outb(&f->tb, 0x92, 0x01);
}

static void trig_port92_no_edge(Fixture *f)
{
    port92_init(&f->tb.isa, NULL, NULL);
    outb(&f->tb, 0x92, 0x02);
}

static void test_reset_requests(void)
{
    const int guest_reset = 16 + SHUTDOWN_CAUSE_GUEST_RESET;

    CHECK_EQ(reset_probe(trig_none), 0);
    CHECK_EQ(reset_probe(trig_pulse), guest_reset);
    CHECK_EQ(reset_probe(trig_outport), guest_reset);
    CHECK_EQ(reset_probe(trig_port92), guest_reset);
    CHECK_EQ(reset_probe(trig_port92_no_edge), 0);
}

/* ---- mouse ------------------------------------------------------------- */

static void mouse_knock(Fixture *f, int a, int b, int c)
{
    const int rates[3] = { a, b, c };
    for (int i = 0; i < 3; i++) {
        aux_write(f, 0xF3);
        aux_write(f, rates[i]);
        EXPECT_BYTES(f, 0xFA, 0xFA);
    }
}

static void test_mouse(void)
{
    Fixture f;
    setup(&f);
    PS2MouseState *m = i8042_get_mouse(f.kbc);

    kbc_write_cmdbyte(&f, 0x00);
    aux_write(&f, 0xFF);
    EXPECT_BYTES(&f, 0xFA, 0xAA, 0x00);
    aux_write(&f, 0xF2);
    EXPECT_BYTES(&f, 0xFA, 0x00);

    /* Disabled: motion is not reported. */
    ps2_mouse_event(m, 5, 5, 0, 0);
    CHECK_EQ(kbc_read(&f), -1);
    aux_write(&f, 0xF4);
    EXPECT_BYTES(&f, 0xFA);
    ps2_mouse_event(m, 10, -5, 0, PS2_MOUSE_BUTTON_LEFT);
    EXPECT_BYTES(&f, 0x09, 0x0A, 0x05);         /* +y is up on PS/2 */
    ps2_mouse_event(m, -3, 4, 0, PS2_MOUSE_BUTTON_RIGHT);
    EXPECT_BYTES(&f, 0x3A, 0xFD, 0xFC);
    ps2_mouse_event(m, 300, 0, 0, 0);           /* 9-bit range, split */
    EXPECT_BYTES(&f, 0x08, 0xFF, 0x00, 0x08, 0x2D, 0x00);

    /* Status request: enabled, left button held, res 2, 100/s. */
    ps2_mouse_event(m, 0, 0, 0, PS2_MOUSE_BUTTON_LEFT);
    EXPECT_BYTES(&f, 0x09, 0x00, 0x00);
    aux_write(&f, 0xE9);
    EXPECT_BYTES(&f, 0xFA, 0x24, 0x02, 100);
    aux_write(&f, 0xE8);
    aux_write(&f, 0x03);
    EXPECT_BYTES(&f, 0xFA, 0xFA);
    aux_write(&f, 0xE7);
    EXPECT_BYTES(&f, 0xFA);
    aux_write(&f, 0xE9);
    EXPECT_BYTES(&f, 0xFA, 0x34, 0x03, 100);
    /* 2:1 scaling in stream mode: 3 -> 3, 4 -> 6, 10 -> 20. */
    ps2_mouse_event(m, 4, 0, 0, 0);
    EXPECT_BYTES(&f, 0x08, 0x06, 0x00);
    aux_write(&f, 0xE6);
    EXPECT_BYTES(&f, 0xFA);

    /* IntelliMouse knock: 200, 100, 80 -> ID 3 and a wheel byte. */
    mouse_knock(&f, 200, 100, 80);
    aux_write(&f, 0xF2);
    EXPECT_BYTES(&f, 0xFA, 0x03);
    ps2_mouse_event(m, 0, 0, -2, 0);
    EXPECT_BYTES(&f, 0x08, 0x00, 0x00, 0xFE);
    /* Explorer knock: 200, 200, 80 -> ID 4, buttons 4/5 in byte 3. */
    mouse_knock(&f, 200, 200, 80);
    aux_write(&f, 0xF2);
    EXPECT_BYTES(&f, 0xFA, 0x04);
    ps2_mouse_event(m, 0, 0, 1, PS2_MOUSE_BUTTON_SIDE);
    EXPECT_BYTES(&f, 0x08, 0x00, 0x00, 0x11);

    /* Remote mode: motion waits for Read Data. */
    aux_write(&f, 0xF0);
    EXPECT_BYTES(&f, 0xFA);
    ps2_mouse_event(m, 7, 0, 0, 0);
    CHECK_EQ(kbc_read(&f), -1);
    aux_write(&f, 0xEB);
    EXPECT_BYTES(&f, 0xFA, 0x08, 0x07, 0x00, 0x00);

    /* Wrap mode echoes until Reset Wrap. */
    aux_write(&f, 0xEE);
    EXPECT_BYTES(&f, 0xFA);
    aux_write(&f, 0x12);
    EXPECT_BYTES(&f, 0x12);
    aux_write(&f, 0xEC);
    EXPECT_BYTES(&f, 0xFA);

    /* Reset forgets the wheel; unknown commands ask for a resend. */
    aux_write(&f, 0xFF);
    EXPECT_BYTES(&f, 0xFA, 0xAA, 0x00);
    aux_write(&f, 0xF2);
    EXPECT_BYTES(&f, 0xFA, 0x00);
    aux_write(&f, 0x01);
    EXPECT_BYTES(&f, 0xFE);

    /* Aux disabled in the controller: bytes wait in the mouse. */
    outb(&f.tb, CMD, 0xA7);
    outb(&f.tb, CMD, 0xD4);             /* D4 re-enables the interface */
    outb(&f.tb, DATA, 0xF4);
    EXPECT_BYTES(&f, 0xFA);
    outb(&f.tb, CMD, 0xA7);
    ps2_mouse_event(m, 1, 1, 0, 0);
    CHECK_EQ(kbc_read(&f), -1);
    outb(&f.tb, CMD, 0xA8);
    EXPECT_BYTES(&f, 0x28, 0x01, 0xFF);
    teardown(&f);
}

static void test_state_roundtrip(void)
{
    Fixture f;
    setup(&f);
    PS2KbdState *kbd = i8042_get_kbd(f.kbc);
    DeviceState *dev = (DeviceState *)f.kbc;
    uint8_t buf[1024];

    kbc_write_cmdbyte(&f, 0x41);
    ps2_keyboard_event(kbd, KEY_Q, true);
    ps2_keyboard_event(kbd, KEY_Q, false);
    size_t n = vmstate_save(dev->cls->vmsd, dev, buf, sizeof(buf));
    CHECK(n > 0 && n <= sizeof(buf));
    device_reset(dev);
    CHECK_EQ(kbc_read(&f), -1);
    CHECK_EQ(vmstate_load(dev->cls->vmsd, dev, buf, n), 0);
    CHECK_EQ(f.tb.irq[1].level, 1);
    EXPECT_BYTES(&f, 0x10, 0x90);
    outb(&f.tb, CMD, 0x20);
    EXPECT_BYTES(&f, 0x41);

    /* A20 off at the controller, then on again through the shared line
     * (port 0x92): a load leaves the line alone (the CPU's A20 state is
     * restored with the CPU), and the controller's next write drives it. */
    outb(&f.tb, CMD, 0xDD);
    CHECK_EQ(f.a20.level, 0);
    irq_set(f.a20_irq, 1);
    n = vmstate_save(dev->cls->vmsd, dev, buf, sizeof(buf));
    CHECK_EQ(vmstate_load(dev->cls->vmsd, dev, buf, n), 0);
    CHECK_EQ(f.a20.level, 1);
    outb(&f.tb, CMD, 0xDF);
    CHECK_EQ(f.a20.level, 1);
    outb(&f.tb, CMD, 0xDD);
    CHECK_EQ(f.a20.level, 0);
    teardown(&f);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    /* First: the children it forks must not inherit a pending request. */
    TEST_RUN(test_reset_requests);
    TEST_RUN(test_self_test);
    TEST_RUN(test_command_byte);
    TEST_RUN(test_kbd_commands);
    TEST_RUN(test_scancode_translation);
    TEST_RUN(test_irq_levels);
    TEST_RUN(test_a20);
    TEST_RUN(test_mouse);
    TEST_RUN(test_state_roundtrip);
    return test_finish();
}
