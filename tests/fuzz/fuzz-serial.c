/*
 * Fuzz target: two 16550A UARTs, COM1 (0x3F8, IRQ 4, transmit paced at the
 * baud rate) and COM2 (0x2F8, IRQ 3, unpaced), each on a small ring-buffer
 * chardev so that the host side can fill up and apply back-pressure.
 * Events are the host side: bytes received, output drained, the host
 * blocking and unblocking, a break.
 */
#include "tests/fuzz/fuzz.h"
#include "emu/chardev.h"
#include "hw/char/serial.h"

typedef struct SerialFuzz {
    Chardev *chr[2];
} SerialFuzz;

static SerialFuzz serial_fuzz;

static void serial_fz_setup(FuzzRig *r)
{
    Error *err = NULL;
    SerialFuzz *f = &serial_fuzz;

    f->chr[0] = fuzz_must(chardev_new_opts("ringbuf,id=fz0,size=16", &err), err,
                          "ringbuf chardev");
    f->chr[1] = fuzz_must(chardev_new_opts("ringbuf,id=fz1,size=64", &err), err,
                          "ringbuf chardev");
    test_device(&r->tb, TYPE_ISA_SERIAL, "index=0,chardev=fz0,tx-pacing=on");
    test_device(&r->tb, TYPE_ISA_SERIAL, "index=1,chardev=fz1");
    r->s = f;
    fuzz_add_window(r, FUZZ_IO, 0x3f8, 8);
    fuzz_add_window(r, FUZZ_IO, 0x2f8, 8);
}

static void serial_fz_event(FuzzRig *r, const FuzzOp *op)
{
    SerialFuzz *f = r->s;
    Chardev *chr = f->chr[op->window & 1];
    uint8_t buf[64];

    switch (op->offset % 5) {
    case 0: /* the host sends 1-4 bytes */
        memcpy(buf, &op->value, 4);
        ringbuf_inject(chr, buf, 1 + (op->offset >> 8) % 4);
        break;
    case 1: /* the host reads what the guest sent */
        ringbuf_read(chr, buf, 1 + op->value % sizeof(buf));
        break;
    case 2:
        ringbuf_set_blocked(chr, op->value & 1);
        break;
    case 3:
        ringbuf_send_event(chr, CHR_EVENT_BREAK);
        break;
    default:
        chr_accept_input(chr);
        break;
    }
}

const FuzzTarget fuzz_target = {
    .name = "serial",
    .covers = "hw/char/serial.c system/chardev-ringbuf.c",
    .setup = serial_fz_setup,
    .event = serial_fz_event,
};
