/*
 * NS16550A UART on the ISA bus ("isa-serial").
 *
 * Properties: index (0-3: COM1-COM4, picks the default iobase/irq:
 * 0x3f8/4, 0x2f8/3, 0x3e8/4, 0x2e8/3), iobase and irq (override the
 * index defaults; -1 = from index), chardev (the host end; none = output
 * discarded, no input).
 */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include "emu/common.h"
#include "emu/chardev.h"
#include "emu/device.h"
#include "hw/isa/isa.h"

#define TYPE_ISA_SERIAL      "isa-serial"
#define SERIAL_MAX_ISA_PORTS 4

/* Create, realize and reset COM<index+1> on bus with chr (may be NULL). */
DeviceState *serial_isa_init(ISABus *bus, int index, Chardev *chr,
                             Error **errp);

#endif
