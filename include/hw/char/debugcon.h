/*
 * "isa-debugcon": Bochs/QEMU debug console port.  Bytes written go to the
 * chardev; reads return "readback" (0xe9 by default), which is how SeaBIOS
 * recognises the port.  Properties: iobase (default 0xe9), chardev,
 * readback.  The pc board also places one at 0x402 for SeaBIOS's log.
 */
#ifndef HW_CHAR_DEBUGCON_H
#define HW_CHAR_DEBUGCON_H

#define TYPE_ISA_DEBUGCON "isa-debugcon"

#endif
