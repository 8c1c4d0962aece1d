/*
 * Direct kernel boot (-kernel) runs no firmware, but kernels that go back
 * to real mode with interrupts on (kvm-unit-tests' realmode, DOS-style
 * multiboot payloads) expect the interrupt platform SeaBIOS leaves behind
 * when QEMU boots them through its option ROM.  We set up the same state:
 *
 *   - both 8259s initialised (ICW1-4 as SeaBIOS's pic_reset): vectors
 *     0x08-0x0f and 0x70-0x77, cascade on IRQ 2, and SeaBIOS's masks
 *     (master 0xb8: timer, keyboard, cascade and floppy unmasked; slave
 *     0x8e: RTC, mouse, FPU and primary IDE), as "info pic" shows under
 *     QEMU after SeaBIOS;
 *   - PIT channel 0 in mode 3 with count 65536 (18.2 Hz), as pit_setup;
 *   - a real-mode IVT whose 256 vectors point at an IRET, and whose
 *     hardware-IRQ vectors point at stubs that acknowledge the 8259(s)
 *     (SeaBIOS's handlers also count BDA ticks; nobody relies on that
 *     from a directly booted kernel).  The stubs sit in the e820-reserved
 *     EBDA area (PC_LEGACY_STUBS), which no kernel is given as RAM.
 *
 * Protected-mode kernels start with IF=0 and reprogram all of this (Linux,
 * kvm-unit-tests' setup code), so they see no difference.
 */
#include "emu/common.h"
#include "emu/memory.h"
#include "hw/pc/loader.h"
#include "hw/pc/pc-internal.h"

#define PIC_MASTER 0x20
#define PIC_SLAVE  0xa0
#define PIT_MODE   0x43
#define PIT_CH0    0x40

/* 0x9ff0:0000, inside [0x9fc00, 1 MiB), which e820 reports reserved. */
#define PC_LEGACY_STUBS 0x9ff00

static const uint8_t stubs[] = {
    /* +0: default vector */
    0xcf,                               /* iret */
    /* +1: IRQ 0-7 */
    0x50,                               /* push ax */
    0xb0, 0x20,                         /* mov al, 0x20 (non-specific EOI) */
    0xe6, PIC_MASTER,                   /* out 0x20, al */
    0x58,                               /* pop ax */
    0xcf,                               /* iret */
    /* +8: IRQ 8-15: EOI to the slave, then to the master */
    0x50, 0xb0, 0x20, 0xe6, PIC_SLAVE, 0xe6, PIC_MASTER, 0x58, 0xcf,
};

static void outb(PCBoard *b, uint16_t port, uint8_t v)
{
    address_space_write_val(&b->as_io, port, 1, v);
}

void pc_direct_boot_legacy_state(PCBoard *b)
{
    uint8_t ivt[256 * 4];
    uint32_t seg = (uint32_t)(PC_LEGACY_STUBS >> 4) << 16;

    for (int v = 0; v < 256; v++) {
        uint32_t off = v >= 0x08 && v < 0x10   ? 1
                       : v >= 0x70 && v < 0x78 ? 8
                                                : 0;
        stl_le_p(ivt + 4 * v, seg | off);
    }
    address_space_write(&b->as_mem, PC_LEGACY_STUBS, stubs, sizeof(stubs));
    address_space_write(&b->as_mem, 0, ivt, sizeof(ivt));

    /* ICW1 (edge, cascade, ICW4 follows), ICW2 (vector base), ICW3
     * (slave on IRQ 2 / slave id 2), ICW4 (8086 mode), then OCW1. */
    outb(b, PIC_MASTER, 0x11);
    outb(b, PIC_SLAVE, 0x11);
    outb(b, PIC_MASTER + 1, 0x08);
    outb(b, PIC_SLAVE + 1, 0x70);
    outb(b, PIC_MASTER + 1, 0x04);
    outb(b, PIC_SLAVE + 1, 0x02);
    outb(b, PIC_MASTER + 1, 0x01);
    outb(b, PIC_SLAVE + 1, 0x01);
    outb(b, PIC_MASTER + 1, 0xb8);
    outb(b, PIC_SLAVE + 1, 0x8e);

    /* Channel 0, lobyte/hibyte, mode 3, binary; count 0 = 65536. */
    outb(b, PIT_MODE, 0x36);
    outb(b, PIT_CH0, 0);
    outb(b, PIT_CH0, 0);
}
