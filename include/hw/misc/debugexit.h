/*
 * "isa-debug-exit": a guest write of V to the port ends emu with exit
 * status (V << 1) | 1 (QEMU's convention, so a test guest's "0" is 1).
 * Properties: iobase (default 0x501), iosize (default 2).
 */
#ifndef HW_MISC_DEBUGEXIT_H
#define HW_MISC_DEBUGEXIT_H

#define TYPE_ISA_DEBUG_EXIT "isa-debug-exit"

#endif
