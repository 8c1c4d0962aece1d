/*
 * The machine being emulated: options from the command line, its memory and
 * port spaces, its CPUs.
 *
 * A MachineClass describes one board ("pc": hw/pc/).  The machine core
 * (hw/core/machine.c) does what every board needs: it picks and checks the
 * CPU model against what the accelerator can run, creates the CPUs, has the
 * board build itself (memory map, firmware, chipset, devices, wiring), and
 * then starts the accelerator and its vCPUs.  The board never creates a
 * CPU or touches the accelerator.
 */
#ifndef EMU_MACHINE_H
#define EMU_MACHINE_H

#include "emu/common.h"
#include "emu/cpu.h"
#include "emu/memory.h"
#include "emu/rtc.h"

#define MAX_SERIAL_PORTS 4

typedef struct Chardev Chardev;

#define MAX_USER_OPTS 16

/* One front-end option as given: "-hda" "disk.img" is {"hda", "disk.img"}. */
typedef struct MachineUserOpt {
    const char *opt;
    const char *arg;
} MachineUserOpt;

typedef struct MachineOptions {
    uint64_t ram_size;
    int smp;
    /* -smp topology: cores per socket and threads per core (0: 1). */
    int smp_cores, smp_threads;
    const char *cpu_model;
    const char *bios; /* NULL: the default (SeaBIOS) */
    const char *kernel, *initrd, *append;
    const char *boot_order; /* -boot as given ("order=cd,menu=on" or "cd"),
                               parsed by the board; NULL: default */
    bool graphics;          /* false with -nographic */
    bool no_hpet;           /* -machine hpet=off (-no-hpet) */
    bool tcg_single_thread; /* -accel tcg,thread=single: vCPUs take turns */
    Chardev *serial[MAX_SERIAL_PORTS];
    int nr_serial;
    Chardev *debugcon; /* -debugcon: port 0xe9 (QEMU's default) */
    const char *name;
    RTCOptions rtc; /* -rtc */
    /*
     * Front ends the board maps onto its devices (hw/pc/pc-options.c), in
     * command-line order: disks (-hda..-hdd, -cdrom, -drive, -blockdev,
     * -fda, -fdb, a bare file name as -hda: system/main.c opens them with
     * block/blockdev.c, the board attaches them), NICs (-net, -nic), the
     * display (-vga).
     */
    MachineUserOpt disks[MAX_USER_OPTS];
    int nr_disks;
    /* A -device ide-cd or ide-hd was given: no default CD-ROM drive (as
     * QEMU's default_list in vl.c). */
    bool no_default_cdrom;
    MachineUserOpt nics[MAX_USER_OPTS];
    int nr_nics;
    /* A -device of a NIC model was given: no default NIC. */
    bool nic_device;
    const char *vga; /* -vga TYPE, NULL: the board's default */
    /* A -device of a display card (VGA, isa-vga) was given: no default
     * VGA unless -vga asks for one (as QEMU's default_vga). */
    bool vga_device;
} MachineOptions;

typedef struct Machine Machine;

typedef struct MachineClass {
    const char *name; /* -machine NAME */
    const char *desc;
    /*
     * CPU model without -cpu; default_cpu_fallback when the accelerator
     * cannot run default_cpu (qemu64 needs long mode: qemu32 under the
     * translator).
     */
    const char *default_cpu;
    const char *default_cpu_fallback;
    int max_cpus;
    /* Refuse options the board cannot map (before anything starts): -1
     * with errp; 1 when it printed help (-nic model=help): exit 0. */
    int (*check_options)(const MachineOptions *opts, Error **errp);
    /* Build the board; m->cpus exist (wire their interrupt acknowledge),
     * the accelerator is not started yet. */
    int (*init)(Machine *m, Error **errp);
    /* Power-on and system reset: devices, CPUs, firmware or kernel entry. */
    void (*reset)(Machine *m);
} MachineClass;

void machine_class_register(const MachineClass *mc);
#define MACHINE_CLASS_REGISTER(mc)                                    \
    static void __attribute__((constructor)) register_##mc(void)      \
    {                                                                 \
        machine_class_register(&(mc));                                \
    }
const MachineClass *machine_class_find(const char *name);

struct Machine {
    const MachineClass *mc;
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
};

extern Machine *current_machine;

/*
 * The CPU model for m->opts.cpu_model (or the class default) under
 * m->accel, or NULL with *errp set when the accelerator cannot run it
 * (-cpu qemu64 under the translator: no long mode yet).
 */
const char *machine_cpu_model(Machine *m, Error **errp);
/* The class's check_options: 0, or -1 with *errp set. */
int machine_check_options(const MachineClass *mc, const MachineOptions *opts,
                          Error **errp);
/* CPUs, the board (m->mc->init), then the accelerator and vCPUs. */
int machine_init(Machine *m, Error **errp);
/*
 * The whole sequence: a Machine of class mc (current_machine), built by
 * machine_init, with the -device devices added, reset to its power-on
 * state.  NULL with *errp set on failure.
 */
Machine *machine_create(const MachineClass *mc, const MachineOptions *opts,
                        const AccelOps *accel, const char *const *devices,
                        int nr_devices, Error **errp);
/* -device options, after machine_init. */
int machine_add_devices(Machine *m, const char *const *opts, int n,
                        Error **errp);
/* Power-on / system reset (the board's reset). */
void machine_reset(Machine *m);

#endif
