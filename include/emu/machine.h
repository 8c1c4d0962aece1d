/*
 * The machine being emulated: options from the command line, its memory and
 * port spaces, its CPUs.  Built by a board (hw/pc/pc.c for "pc").
 */
#ifndef EMU_MACHINE_H
#define EMU_MACHINE_H

#include "emu/common.h"
#include "emu/cpu.h"
#include "emu/memory.h"
#include "emu/rtc.h"

#define MAX_SERIAL_PORTS 4

typedef struct Chardev Chardev;

typedef struct MachineOptions {
    uint64_t ram_size;
    int smp;
    const char *cpu_model;
    const char *bios; /* NULL: the default (SeaBIOS) */
    const char *kernel, *initrd, *append;
    const char *boot_order; /* "cdn" style, from -boot */
    bool graphics;          /* false with -nographic */
    Chardev *serial[MAX_SERIAL_PORTS];
    int nr_serial;
    Chardev *debugcon; /* -debugcon: port 0xe9 (QEMU's default) */
    const char *name;
    RTCOptions rtc; /* -rtc */
} MachineOptions;

typedef struct Machine {
    MachineOptions opts;
    const AccelOps *accel;
    void *accel_state;
    MemoryRegion *sysmem; /* 4 GiB guest physical space */
    AddressSpace *as_mem;
    MemoryRegion *sysio; /* 64 KiB port space */
    AddressSpace *as_io;
    MemoryRegion *ram; /* the guest RAM block (all of it) */
    int nr_cpus;
    CPUState *cpus[16];
    void *board; /* the board's own state */
} Machine;

extern Machine *current_machine;

#endif
