/*
 * Intel 8042 keyboard controller, as on PC/AT and PS/2 machines.
 *
 * References: IBM PS/2 Hardware Interface Technical Reference, "Keyboard
 * and Auxiliary Device Controller" (status register, command byte, the
 * controller commands 0x20-0xFF, the output port); Intel 8042/UPI-41
 * data sheet for the data/command port (A2) distinction.
 *
 * The controller has one output buffer.  Bytes come from, in priority
 * order: replies to controller commands, the keyboard, the mouse.  A device
 * byte is pulled only while the output buffer is empty and that device's
 * interface is enabled (command byte bits 4/5), which is how the real
 * controller holds the devices off by inhibiting their clock.  With the
 * command byte's XLAT bit set, keyboard bytes go through the set 2 -> set 1
 * translation (the 0xF0 break prefix is folded into bit 7).
 *
 * IRQ 1 is high while the buffer holds a keyboard (or controller) byte and
 * command byte bit 0 is set; IRQ 12 likewise for mouse bytes and bit 1.
 *
 * Deviations: the controller never times out and never reports parity
 * errors (IBF is always clear: everything is processed at once); reading
 * the data port with the buffer empty returns the last byte (QEMU does the
 * same; EMM386 relies on it).
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/main-loop.h"
#include "emu/memory.h"
#include "emu/vmstate.h"
#include "emu/trace.h"
#include "hw/input/i8042.h"
#include "ui/input.h"

/* Status register (read from port 0x64). */
#define STAT_OBF      0x01 /* output buffer full */
#define STAT_IBF      0x02 /* input buffer full */
#define STAT_SYS      0x04 /* system flag (self-test passed) */
#define STAT_CMD      0x08 /* A2: last write was to port 0x64 */
#define STAT_UNLOCKED 0x10 /* INH: keyboard not inhibited by key lock */
#define STAT_AUXB     0x20 /* output buffer holds mouse data */
#define STAT_TIMEOUT  0x40
#define STAT_PARITY   0x80

/* Command byte (controller RAM byte 0). */
#define CB_KBD_INT     0x01
#define CB_AUX_INT     0x02
#define CB_SYS         0x04
#define CB_IGNORE_LOCK 0x08
#define CB_KBD_DISABLE 0x10
#define CB_AUX_DISABLE 0x20
#define CB_XLAT        0x40

/* Output port (commands 0xD0/0xD1). */
#define OUT_RESET   0x01 /* active low: 0 resets the CPU */
#define OUT_A20     0x02
#define OUT_KBD_OBF 0x10 /* IRQ 1 output */
#define OUT_AUX_OBF 0x20 /* IRQ 12 output */
#define OUT_ONES    0xCC /* clock/data lines idle high */

/* Input port (command 0xC0): bit 7 = keyboard not inhibited. */
#define INPORT_VALUE 0x80

/* Controller commands (written to port 0x64). */
#define CCMD_READ_RAM_FIRST   0x20 /* 0x20: command byte */
#define CCMD_READ_RAM_LAST    0x3F
#define CCMD_WRITE_RAM_FIRST  0x60 /* 0x60: command byte */
#define CCMD_WRITE_RAM_LAST   0x7F
#define CCMD_PASSWORD_TEST    0xA4
#define CCMD_AUX_DISABLE      0xA7
#define CCMD_AUX_ENABLE       0xA8
#define CCMD_AUX_TEST         0xA9
#define CCMD_SELF_TEST        0xAA
#define CCMD_KBD_TEST         0xAB
#define CCMD_KBD_DISABLE      0xAD
#define CCMD_KBD_ENABLE       0xAE
#define CCMD_READ_INPORT      0xC0
#define CCMD_READ_OUTPORT     0xD0
#define CCMD_WRITE_OUTPORT    0xD1
#define CCMD_WRITE_KBD_OBUF   0xD2
#define CCMD_WRITE_AUX_OBUF   0xD3
#define CCMD_WRITE_AUX        0xD4
#define CCMD_A20_DISABLE      0xDD /* HP Vectra fast A20 */
#define CCMD_A20_ENABLE       0xDF
#define CCMD_READ_TEST_INPUTS 0xE0
#define CCMD_PULSE_FIRST      0xF0 /* bits 3:0 low = pulse that line */

#define SELF_TEST_OK     0x55
#define PASSWORD_NOT_SET 0xF1

#define I8042_RAM_SIZE 32
#define I8042_CQ_SIZE  4

/* Who put the byte in the output buffer. */
enum { OB_SRC_KBD = 0, OB_SRC_AUX = 1 };

struct I8042State {
    DeviceState parent;

    MemoryRegion data_io;
    MemoryRegion cmd_io;
    IRQ *irq_kbd;
    IRQ *irq_aux;
    IRQ *a20_out;

    PS2KbdState kbd;
    PS2MouseState mouse;

    uint8_t ram[I8042_RAM_SIZE]; /* ram[0] is the command byte */
    uint8_t status;
    uint8_t outport;
    uint8_t pending; /* command awaiting a data byte, or 0 */
    uint8_t obdata;
    uint8_t obsrc;
    bool xlat_break;                /* translated 0xF0 seen, next gets bit 7 */
    uint8_t cq_data[I8042_CQ_SIZE]; /* controller replies not yet in OB */
    uint8_t cq_src[I8042_CQ_SIZE];
    uint8_t cq_count;

    /* The UI's way in (ui/input.h); mouse events gather until sync. */
    InputHandlerState *kbd_input;
    InputHandlerState *mouse_input;
    int mouse_dx, mouse_dy, mouse_dz;
    unsigned mouse_buttons;

    /* Derived: the levels last driven, rebuilt after load. */
    int kbd_level;
    int aux_level;
    int a20_level;
};

/* ---- helpers ----------------------------------------------------------- */

static void i8042_update_irq(I8042State *s)
{
    bool full = s->status & STAT_OBF;
    int kbd = full && s->obsrc == OB_SRC_KBD && (s->ram[0] & CB_KBD_INT);
    int aux = full && s->obsrc == OB_SRC_AUX && (s->ram[0] & CB_AUX_INT);

    if (full && s->obsrc == OB_SRC_AUX) {
        s->status |= STAT_AUXB;
    } else {
        s->status &= ~STAT_AUXB;
    }
    if (kbd != s->kbd_level) {
        s->kbd_level = kbd;
        irq_set(s->irq_kbd, kbd);
    }
    if (aux != s->aux_level) {
        s->aux_level = aux;
        irq_set(s->irq_aux, aux);
    }
}

static void i8042_set_a20(I8042State *s, int level, bool force)
{
    if (force || level != s->a20_level) {
        s->a20_level = level;
        irq_set(s->a20_out, level);
    }
}

/* Translate one keyboard byte; false if it was swallowed (0xF0 prefix). */
static bool i8042_translate(I8042State *s, uint8_t *b)
{
    if (*b == 0xF0) {
        s->xlat_break = true;
        return false;
    }
    uint8_t c = ps2_set2_to_set1(*b);
    if (s->xlat_break && *b != 0xE0 && *b != 0xE1) {
        c |= 0x80;
        s->xlat_break = false;
    }
    *b = c;
    return true;
}

static void i8042_fill_obuf(I8042State *s, uint8_t b, uint8_t src)
{
    s->obdata = b;
    s->obsrc = src;
    s->status |= STAT_OBF;
}

/* Move the next byte into an empty output buffer, then drive the IRQs. */
static void i8042_service(I8042State *s)
{
    while (!(s->status & STAT_OBF)) {
        if (s->cq_count) {
            i8042_fill_obuf(s, s->cq_data[0], s->cq_src[0]);
            s->cq_count--;
            memmove(s->cq_data, s->cq_data + 1, s->cq_count);
            memmove(s->cq_src, s->cq_src + 1, s->cq_count);
        } else if (!(s->ram[0] & CB_KBD_DISABLE) && ps2_kbd_has_data(&s->kbd)) {
            uint8_t b = ps2_kbd_read(&s->kbd);
            if ((s->ram[0] & CB_XLAT) && !i8042_translate(s, &b)) {
                continue;
            }
            i8042_fill_obuf(s, b, OB_SRC_KBD);
        } else if (!(s->ram[0] & CB_AUX_DISABLE) &&
                   ps2_mouse_has_data(&s->mouse)) {
            i8042_fill_obuf(s, ps2_mouse_read(&s->mouse), OB_SRC_AUX);
        } else {
            break;
        }
    }
    i8042_update_irq(s);
}

/* A byte produced by the controller itself (a command reply). */
static void i8042_reply(I8042State *s, uint8_t b, uint8_t src)
{
    if (s->cq_count >= I8042_CQ_SIZE) {
        log_mask(LOG_GUEST_ERROR,
                 "i8042: reply 0x%02x lost, host not "
                 "reading\n",
                 b);
        return;
    }
    s->cq_data[s->cq_count] = b;
    s->cq_src[s->cq_count] = src;
    s->cq_count++;
}

static void i8042_ps2_update(void *opaque, bool has_data)
{
    i8042_service(opaque);
}

static uint8_t i8042_read_outport(I8042State *s)
{
    uint8_t v = s->outport & ~(OUT_KBD_OBF | OUT_AUX_OBF);
    if (s->status & STAT_OBF) {
        v |= s->obsrc == OB_SRC_AUX ? OUT_AUX_OBF : OUT_KBD_OBF;
    }
    return v;
}

static void i8042_write_outport(I8042State *s, uint8_t val)
{
    s->outport = val;
    i8042_set_a20(s, !!(val & OUT_A20), false);
    if (!(val & OUT_RESET)) {
        system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static void i8042_write_cmd_byte(I8042State *s, uint8_t val)
{
    s->ram[0] = val;
    if (val & CB_SYS) {
        s->status |= STAT_SYS;
    } else {
        s->status &= ~STAT_SYS;
    }
    if (!(val & CB_XLAT)) {
        s->xlat_break = false;
    }
}

/* ---- port handlers ----------------------------------------------------- */

static uint64_t i8042_data_read_do(void *opaque, uint64_t addr, unsigned size)
{
    I8042State *s = opaque;
    uint8_t val = s->obdata;

    if (s->status & STAT_OBF) {
        s->status &= ~STAT_OBF;
        i8042_update_irq(s); /* the line drops, and rises again ... */
        i8042_service(s);    /* ... if another byte is waiting */
    }
    return val;
}

static uint64_t i8042_data_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = i8042_data_read_do(opaque, addr, size);
    trace(i8042_data_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void i8042_data_write(void *opaque, uint64_t addr, uint64_t data,
                             unsigned size)
{
    trace(i8042_data_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, data, size);
    I8042State *s = opaque;
    uint8_t val = data;
    uint8_t cmd = s->pending;

    s->status &= ~STAT_CMD;
    s->pending = 0;
    if (cmd >= CCMD_WRITE_RAM_FIRST && cmd <= CCMD_WRITE_RAM_LAST) {
        if (cmd == CCMD_WRITE_RAM_FIRST) {
            i8042_write_cmd_byte(s, val);
        } else {
            s->ram[cmd - CCMD_WRITE_RAM_FIRST] = val;
        }
    } else if (cmd == CCMD_WRITE_OUTPORT) {
        i8042_write_outport(s, val);
    } else if (cmd == CCMD_WRITE_KBD_OBUF) {
        i8042_reply(s, val, OB_SRC_KBD);
    } else if (cmd == CCMD_WRITE_AUX_OBUF) {
        i8042_reply(s, val, OB_SRC_AUX);
    } else if (cmd == CCMD_WRITE_AUX) {
        /* Talking to a device enables its interface. */
        s->ram[0] &= ~CB_AUX_DISABLE;
        ps2_mouse_write(&s->mouse, val);
    } else {
        s->ram[0] &= ~CB_KBD_DISABLE;
        ps2_kbd_write(&s->kbd, val);
    }
    i8042_service(s);
}

static uint64_t i8042_status_read_do(void *opaque, uint64_t addr, unsigned size)
{
    I8042State *s = opaque;
    return s->status;
}

static uint64_t i8042_status_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = i8042_status_read_do(opaque, addr, size);
    trace(i8042_status_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void i8042_command(I8042State *s, uint8_t val)
{
    if (val >= CCMD_READ_RAM_FIRST && val <= CCMD_READ_RAM_LAST) {
        i8042_reply(s, s->ram[val - CCMD_READ_RAM_FIRST], OB_SRC_KBD);
        return;
    }
    if (val >= CCMD_WRITE_RAM_FIRST && val <= CCMD_WRITE_RAM_LAST) {
        s->pending = val;
        return;
    }
    if (val >= CCMD_PULSE_FIRST) {
        /* A 0 in bits 3:0 pulses that output-port line low; bit 0 is reset. */
        if (!(val & OUT_RESET)) {
            system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        }
        return;
    }
    switch (val) {
    case CCMD_PASSWORD_TEST:
        i8042_reply(s, PASSWORD_NOT_SET, OB_SRC_KBD);
        break;
    case CCMD_AUX_DISABLE:
        s->ram[0] |= CB_AUX_DISABLE;
        break;
    case CCMD_AUX_ENABLE:
        s->ram[0] &= ~CB_AUX_DISABLE;
        break;
    case CCMD_AUX_TEST:
    case CCMD_KBD_TEST:
        i8042_reply(s, 0x00, OB_SRC_KBD);
        break;
    case CCMD_SELF_TEST:
        s->status |= STAT_SYS;
        i8042_reply(s, SELF_TEST_OK, OB_SRC_KBD);
        break;
    case CCMD_KBD_DISABLE:
        s->ram[0] |= CB_KBD_DISABLE;
        break;
    case CCMD_KBD_ENABLE:
        s->ram[0] &= ~CB_KBD_DISABLE;
        break;
    case CCMD_READ_INPORT:
        i8042_reply(s, INPORT_VALUE, OB_SRC_KBD);
        break;
    case CCMD_READ_OUTPORT:
        i8042_reply(s, i8042_read_outport(s), OB_SRC_KBD);
        break;
    case CCMD_WRITE_OUTPORT:
    case CCMD_WRITE_KBD_OBUF:
    case CCMD_WRITE_AUX_OBUF:
    case CCMD_WRITE_AUX:
        s->pending = val;
        break;
    case CCMD_A20_DISABLE:
        s->outport &= ~OUT_A20;
        i8042_set_a20(s, 0, false);
        break;
    case CCMD_A20_ENABLE:
        s->outport |= OUT_A20;
        i8042_set_a20(s, 1, false);
        break;
    case CCMD_READ_TEST_INPUTS:
        i8042_reply(s, 0x00, OB_SRC_KBD);
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "i8042: unknown command 0x%02x\n", val);
        break;
    }
}

static void i8042_cmd_write(void *opaque, uint64_t addr, uint64_t data,
                            unsigned size)
{
    trace(i8042_cmd_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          data, size);
    I8042State *s = opaque;

    s->status |= STAT_CMD;
    s->pending = 0; /* a command cancels a pending data byte */
    i8042_command(s, data);
    i8042_service(s);
}

static const MemoryRegionOps i8042_data_ops = {
    .read = i8042_data_read,
    .write = i8042_data_write,
    ISA_BYTE_OPS_SIZES,
};

static const MemoryRegionOps i8042_cmd_ops = {
    .read = i8042_status_read,
    .write = i8042_cmd_write,
    ISA_BYTE_OPS_SIZES,
};

/* ---- reset ------------------------------------------------------------- */

static void i8042_reset(DeviceState *dev)
{
    I8042State *s = (I8042State *)dev;

    memset(s->ram, 0, sizeof(s->ram));
    s->ram[0] = CB_KBD_INT | CB_AUX_INT;
    s->status = STAT_CMD | STAT_UNLOCKED;
    s->outport = OUT_RESET | OUT_A20 | OUT_ONES;
    s->pending = 0;
    s->obdata = 0;
    s->obsrc = OB_SRC_KBD;
    s->xlat_break = false;
    s->cq_count = 0;
    ps2_kbd_reset(&s->kbd);
    ps2_mouse_reset(&s->mouse);
    i8042_update_irq(s);
    i8042_set_a20(s, 1, true);
}

/* ---- state description ------------------------------------------------- */

static int i8042_post_load(void *opaque)
{
    I8042State *s = opaque;

    /* The keyboard's and mouse's own post_load ran already (nested
     * descriptions). */
    if (s->cq_count > I8042_CQ_SIZE) {
        s->cq_count = 0;
        return -EINVAL;
    }
    s->obsrc = s->obsrc == OB_SRC_AUX ? OB_SRC_AUX : OB_SRC_KBD;
    s->kbd_level = s->aux_level = -1; /* force the lines out again */
    i8042_update_irq(s);
    /* Not driven: the A20 line is shared with port 0x92 (last writer
     * wins), so its level is not this chip's output bit; it is the CPU's
     * A20 state, restored with the CPU.  Forcing it from the output port
     * here turned A20 off on a guest that enabled it through port 0x92
     * after switching it off at the controller. */
    s->a20_level = !!(s->outport & OUT_A20);
    return 0;
}

static const VMStateField i8042_fields[] = {
    VMSTATE_U8_ARRAY(ram, I8042State, I8042_RAM_SIZE),
    VMSTATE_U8(status, I8042State),
    VMSTATE_U8(outport, I8042State),
    VMSTATE_U8(pending, I8042State),
    VMSTATE_U8(obdata, I8042State),
    VMSTATE_U8(obsrc, I8042State),
    VMSTATE_BOOL(xlat_break, I8042State),
    VMSTATE_U8_ARRAY(cq_data, I8042State, I8042_CQ_SIZE),
    VMSTATE_U8_ARRAY(cq_src, I8042State, I8042_CQ_SIZE),
    VMSTATE_U8(cq_count, I8042State),
    VMSTATE_STRUCT(kbd, I8042State, vmstate_ps2_kbd, PS2KbdState),
    VMSTATE_STRUCT(mouse, I8042State, vmstate_ps2_mouse, PS2MouseState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_i8042 = {
    .name = "i8042",
    .version = 1,
    .fields = i8042_fields,
    .post_load = i8042_post_load,
};

/* ---- input from the UI ------------------------------------------------- */

static void i8042_kbd_event(void *opaque, const InputEvent *evt)
{
    I8042State *s = opaque;
    ps2_keyboard_event(&s->kbd, evt->u.key.keycode, evt->u.key.down);
}

static const InputHandler i8042_kbd_handler = {
    .name = "PS/2 keyboard",
    .mask = INPUT_EVENT_MASK_KEY,
    .event = i8042_kbd_event,
};

static void i8042_mouse_event(void *opaque, const InputEvent *evt)
{
    static const unsigned ps2_bit[INPUT_BUTTON__MAX] = {
        [INPUT_BUTTON_LEFT] = PS2_MOUSE_BUTTON_LEFT,
        [INPUT_BUTTON_RIGHT] = PS2_MOUSE_BUTTON_RIGHT,
        [INPUT_BUTTON_MIDDLE] = PS2_MOUSE_BUTTON_MIDDLE,
        [INPUT_BUTTON_SIDE] = PS2_MOUSE_BUTTON_SIDE,
        [INPUT_BUTTON_EXTRA] = PS2_MOUSE_BUTTON_EXTRA,
    };
    I8042State *s = opaque;

    if (evt->kind == INPUT_EVENT_REL) {
        if (evt->u.move.axis == INPUT_AXIS_X) {
            s->mouse_dx += evt->u.move.value;
        } else {
            s->mouse_dy += evt->u.move.value;
        }
    } else if (evt->u.btn.button == INPUT_BUTTON_WHEEL_UP) {
        s->mouse_dz -= evt->u.btn.down; /* a notch is its press */
    } else if (evt->u.btn.button == INPUT_BUTTON_WHEEL_DOWN) {
        s->mouse_dz += evt->u.btn.down;
    } else if (evt->u.btn.down) {
        s->mouse_buttons |= ps2_bit[evt->u.btn.button];
    } else {
        s->mouse_buttons &= ~ps2_bit[evt->u.btn.button];
    }
}

static void i8042_mouse_sync(void *opaque)
{
    I8042State *s = opaque;
    /* A PS/2 packet carries -256..255 per axis; the device splits larger
     * motion into several packets itself. */
    ps2_mouse_event(&s->mouse, s->mouse_dx, s->mouse_dy, s->mouse_dz,
                    s->mouse_buttons);
    s->mouse_dx = s->mouse_dy = s->mouse_dz = 0;
}

static const InputHandler i8042_mouse_handler = {
    .name = "PS/2 mouse",
    .mask = INPUT_EVENT_MASK_BTN | INPUT_EVENT_MASK_REL,
    .event = i8042_mouse_event,
    .sync = i8042_mouse_sync,
};

/* ---- realize and class ------------------------------------------------- */

static int i8042_realize(DeviceState *dev, Error **errp)
{
    I8042State *s = (I8042State *)dev;
    ISABus *bus = isa_bus(dev);

    if (!bus) {
        error_setg(errp, "i8042: needs an ISA bus");
        return -EINVAL;
    }
    ps2_kbd_init(&s->kbd, i8042_ps2_update, s);
    ps2_mouse_init(&s->mouse, i8042_ps2_update, s);
    s->irq_kbd = isa_get_irq(bus, I8042_KBD_IRQ);
    s->irq_aux = isa_get_irq(bus, I8042_AUX_IRQ);
    s->kbd_level = s->aux_level = 0;
    memory_region_init_io(&s->data_io, &i8042_data_ops, s, "i8042-data", 1);
    memory_region_init_io(&s->cmd_io, &i8042_cmd_ops, s, "i8042-cmd", 1);
    if (isa_register_ioport(bus, dev, &s->data_io, I8042_DATA_PORT, errp) < 0) {
        goto fail;
    }
    if (isa_register_ioport(bus, dev, &s->cmd_io, I8042_CMD_PORT, errp) < 0) {
        isa_unregister_ioport(bus, &s->data_io);
        goto fail;
    }
    s->kbd_input = input_handler_register(&i8042_kbd_handler, s);
    s->mouse_input = input_handler_register(&i8042_mouse_handler, s);
    return 0;
fail:
    memory_region_finalize(&s->data_io);
    memory_region_finalize(&s->cmd_io);
    return -EBUSY;
}

static void i8042_unrealize(DeviceState *dev)
{
    I8042State *s = (I8042State *)dev;
    ISABus *bus = isa_bus(dev);

    input_handler_unregister(s->kbd_input);
    input_handler_unregister(s->mouse_input);
    isa_unregister_ioport(bus, &s->data_io);
    isa_unregister_ioport(bus, &s->cmd_io);
    memory_region_finalize(&s->data_io);
    memory_region_finalize(&s->cmd_io);
}

static const Property i8042_props[] = {
    DEFINE_PROP_END,
};

static const DeviceClass i8042_class = {
    .name = "i8042",
    .desc = "Intel 8042 keyboard controller with PS/2 keyboard and mouse",
    .bus = "isa",
    .instance_size = sizeof(I8042State),
    .props = i8042_props,
    .realize = i8042_realize,
    .unrealize = i8042_unrealize,
    .reset = i8042_reset,
    .vmsd = &vmstate_i8042,
};
DEVICE_CLASS_REGISTER(i8042_class);

/* ---- board API --------------------------------------------------------- */

void i8042_set_a20_line(I8042State *s, IRQ *a20_out)
{
    s->a20_out = a20_out;
}

PS2KbdState *i8042_get_kbd(I8042State *s)
{
    return &s->kbd;
}

PS2MouseState *i8042_get_mouse(I8042State *s)
{
    return &s->mouse;
}

I8042State *i8042_init(ISABus *bus, IRQ *a20_out, Error **errp)
{
    DeviceState *dev = device_new_class(&i8042_class);

    i8042_set_a20_line((I8042State *)dev, a20_out);
    if (device_realize(dev, &bus->qbus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return (I8042State *)dev;
}
