/*
 * Direct kernel boot for the pc machine (-kernel/-initrd/-append), without
 * running the BIOS: the loader puts the kernel, its initrd and command line in
 * guest RAM, builds what a boot loader hands over, and sets the CPU up at the
 * kernel's 32-bit entry point.
 *
 * Two kernel formats, tried in this order (as QEMU does):
 *   - Linux bzImage, 32-bit boot protocol (Documentation/arch/x86/boot.rst,
 *     "32-bit BOOT PROTOCOL"), protocol 2.06 or later.  64-bit kernels enter
 *     through the same 32-bit entry (startup_32 at code32_start).
 *   - Multiboot v1 (a.out kludge or ELF32), modules from -initrd
 *     ("mod1 args,mod2 args"; ",," is a literal comma).
 *
 * Guest physical memory used (everything below 1 MiB is in the low RAM):
 *
 *   0x000500  PC_BOOT_GDT_ADDR      GDT: null, null, code 0x10, data 0x18
 *   0x007000  PC_BOOT_STACK_TOP     initial ESP (stack grows down from here)
 *   0x007000  PC_BOOT_PARAMS_ADDR   Linux boot_params, "zero page" (4 KiB)
 *   0x009000  PC_MB_INFO_ADDR       multiboot info, module list, memory map
 *   0x010000  PC_SETUP_ADDR         Linux real-mode setup code (<= 128 KiB,
 *                                   copied for completeness, never run)
 *   0x030000  PC_CMDLINE_ADDR       kernel command line; multiboot strings
 *                                   (<= 64 KiB)
 *   0x09e000  PC_ACPI_TABLES_ADDR   ACPI RSDT/FADT/FACS/MADT/HPET/DSDT (acpi-build.h),
 *                                   e820 type 3 (ACPI) up to 0x9fc00
 *   0x09fc00  .. 0x100000           e820 reserved (EBDA, VGA, ROMs, BIOS);
 *                                   the RSDP goes to PC_ACPI_RSDP_ADDR here
 *   0x100000  PC_KERNEL_ADDR        bzImage protected-mode part / multiboot
 *                                   kernel (at its own load address)
 *   top of low RAM, downwards       Linux initrd (page aligned, below
 *                                   initrd_addr_max)
 *   after the multiboot kernel      multiboot modules (page aligned)
 *   0xfffc0000 .. 4 GiB             e820 reserved (BIOS ROM alias)
 *
 * The e820 map given to the kernel (boot_params.e820_table, multiboot mmap):
 *   [0, 0x9e000) RAM, [0x9e000, 0x9fc00) ACPI, [0x9fc00, 0x100000) reserved,
 *   [1 MiB, ram_below_4g) RAM, [0xfffc0000, 4 GiB) reserved,
 *   [4 GiB, 4 GiB + ram_above_4g) RAM if any.
 *
 * CPU state at entry (both formats): protected mode (CR0 = PE|ET), paging
 * off, interrupts off (EFLAGS = 0x2), GDTR -> PC_BOOT_GDT_ADDR, CS = 0x10
 * (flat 4 GiB, 32-bit, execute/read), DS/ES/FS/GS/SS = 0x18 (flat 4 GiB,
 * read/write), IDTR limit 0, TR/LDTR usable-but-null (what VMX wants).
 *   bzImage:   EIP = code32_start, ESI = PC_BOOT_PARAMS_ADDR, EBP=EDI=EBX=0.
 *   multiboot: EIP = entry, EAX = 0x2BADB002, EBX = PC_MB_INFO_ADDR.
 *
 * The board must: enable A20, run the loader after resetting the CPU (the
 * loader overwrites only the fields above), mark the env dirty (the
 * accelerator's put_state loads it), and leave low RAM plus the BIOS area
 * writable with address_space_write_rom().  A system reset re-runs the board's
 * reset, which must call the loader again (the guest may have overwritten the
 * kernel).
 */
#ifndef HW_PC_LOADER_H
#define HW_PC_LOADER_H

#include "emu/common.h"
#include "emu/memory.h"
#include "target-i386/cpu.h"

#define PC_BOOT_GDT_ADDR     0x500
#define PC_BOOT_STACK_TOP    0x7000
#define PC_BOOT_PARAMS_ADDR  0x7000
#define PC_MB_INFO_ADDR      0x9000
#define PC_MB_INFO_SIZE      0x7000
#define PC_SETUP_ADDR        0x10000
#define PC_SETUP_MAX         (128 * KiB)
#define PC_CMDLINE_ADDR      0x30000
#define PC_CMDLINE_MAX       (64 * KiB)
#define PC_LOW_RAM_END       0x9e000
#define PC_ACPI_TABLES_ADDR  0x9e000
#define PC_ACPI_TABLES_END   0x9fc00
#define PC_ACPI_RSDP_ADDR    0xe0000
#define PC_KERNEL_ADDR       0x100000
#define PC_BIOS_TOP_RESERVED 0xfffc0000ULL

#define PC_BOOT_CS 0x10
#define PC_BOOT_DS 0x18

/* E820 memory types (ACPI spec, "System Address Map Interfaces"). */
#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3
#define E820_NVS      4

#define PC_E820_MAX 8

typedef struct PCE820Entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} PCE820Entry;

/* What was loaded where, for the board's log and for tests. */
typedef struct PCKernelInfo {
    bool multiboot;
    uint16_t protocol; /* bzImage: boot protocol version (0x20f) */
    uint64_t entry;    /* EIP at start */
    uint64_t kernel_addr, kernel_size;
    uint64_t initrd_addr, initrd_size; /* bzImage initrd */
    int nr_modules;                    /* multiboot */
} PCKernelInfo;

/*
 * Load `kernel` (with optional `initrd` and `cmdline`) into the guest memory
 * `as` whose RAM is [0, ram_below_4g) and [4 GiB, 4 GiB + ram_above_4g), and
 * set up `env` for the kernel's entry.  `info` may be NULL.  Returns 0, or -1
 * with a one-line message in *errp (missing file, not a kernel, zImage or
 * too-old protocol, kernel or initrd does not fit in RAM, ...).
 */
int pc_load_kernel(AddressSpace *as, uint64_t ram_below_4g,
                   uint64_t ram_above_4g, const char *kernel,
                   const char *initrd, const char *cmdline, CPUX86State *env,
                   PCKernelInfo *info, Error **errp);

/* ---- pieces shared by hw/pc/loader.c, linux-boot.c and multiboot.c ---- */

/* The e820 map above; returns the number of entries (<= PC_E820_MAX). */
int pc_e820_build(PCE820Entry *e, uint64_t ram_below_4g, uint64_t ram_above_4g);
/* Write the boot GDT and set env to flat 32-bit protected mode at entry. */
bool pc_boot_setup_cpu(AddressSpace *as, CPUX86State *env, uint32_t entry);
/* Read a whole file (g_file_get_contents semantics, our Error). */
int pc_load_file(const char *path, const char *what, uint8_t **data,
                 size_t *size, Error **errp);
/* Guest writes that fail (hole) become an error naming what was written. */
int pc_write_guest(AddressSpace *as, uint64_t addr, const void *buf,
                   uint64_t len, const char *what, Error **errp);

/*
 * The format back ends: 0 when loaded, -1 with *errp set when the image is of
 * this format but cannot be loaded, 1 when the image is not of this format.
 */
int pc_linux_try_load(AddressSpace *as, uint64_t ram_below_4g,
                      uint64_t ram_above_4g, const uint8_t *img, size_t size,
                      const char *initrd, const char *cmdline, CPUX86State *env,
                      PCKernelInfo *info, Error **errp);
int pc_multiboot_try_load(AddressSpace *as, uint64_t ram_below_4g,
                          uint64_t ram_above_4g, const uint8_t *img,
                          size_t size, const char *kernel_path,
                          const char *initrd, const char *cmdline,
                          CPUX86State *env, PCKernelInfo *info, Error **errp);

#endif
