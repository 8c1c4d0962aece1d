/*
 * QEMU's firmware configuration device ("fw_cfg_io"), I/O port interface.
 *
 * The firmware (SeaBIOS) and the Linux kernel's qemu_fw_cfg driver read
 * items by 16-bit key: writing the key to the selector port (iobase, 16-bit)
 * selects an item and rewinds it; each byte read from the data port
 * (iobase + 1) returns the next byte (0 past the end).  The DMA interface
 * (iobase + 4, a 64-bit big-endian register written as two 32-bit halves,
 * the low half at iobase + 8 starting the transfer) points at an
 * FWCfgDmaAccess in guest memory.  Named "files" live at keys 0x20 and up,
 * sorted by name, listed in the directory at FW_CFG_FILE_DIR.
 *
 * Board use (after fw_cfg_init_io; all data is COPIED, the caller keeps
 * ownership of its buffer; adding a key or file again replaces it):
 *
 *     FWCfgState *fw = fw_cfg_init_io(isa_bus, FW_CFG_IO_BASE,
 *                                     machine->as_mem, &err);
 *     fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, ram_size);
 *     fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, smp);
 *     fw_cfg_add_file(fw, "etc/e820", table, size);
 *
 * Integers are stored little-endian, as QEMU stores them.  The device adds
 * FW_CFG_SIGNATURE ("QEMU"), FW_CFG_ID and FW_CFG_UUID (zeros) itself.
 */
#ifndef HW_NVRAM_FW_CFG_H
#define HW_NVRAM_FW_CFG_H

#include "emu/common.h"
#include "emu/memory.h"
#include "hw/isa/isa.h"

/* Well-known keys (QEMU's include/standard-headers/linux/qemu_fw_cfg.h). */
#define FW_CFG_SIGNATURE      0x00
#define FW_CFG_ID             0x01
#define FW_CFG_UUID           0x02
#define FW_CFG_RAM_SIZE       0x03
#define FW_CFG_NOGRAPHIC      0x04
#define FW_CFG_NB_CPUS        0x05
#define FW_CFG_MACHINE_ID     0x06
#define FW_CFG_KERNEL_ADDR    0x07
#define FW_CFG_KERNEL_SIZE    0x08
#define FW_CFG_KERNEL_CMDLINE 0x09
#define FW_CFG_INITRD_ADDR    0x0a
#define FW_CFG_INITRD_SIZE    0x0b
#define FW_CFG_BOOT_DEVICE    0x0c
#define FW_CFG_NUMA           0x0d
#define FW_CFG_BOOT_MENU      0x0e
#define FW_CFG_MAX_CPUS       0x0f
#define FW_CFG_KERNEL_ENTRY   0x10
#define FW_CFG_KERNEL_DATA    0x11
#define FW_CFG_INITRD_DATA    0x12
#define FW_CFG_CMDLINE_ADDR   0x13
#define FW_CFG_CMDLINE_SIZE   0x14
#define FW_CFG_CMDLINE_DATA   0x15
#define FW_CFG_SETUP_ADDR     0x16
#define FW_CFG_SETUP_SIZE     0x17
#define FW_CFG_SETUP_DATA     0x18
#define FW_CFG_FILE_DIR       0x19

#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_FILE_SLOTS 0x40 /* QEMU's default is 0x20 */
#define FW_CFG_MAX_ENTRY  (FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS)

#define FW_CFG_WRITE_CHANNEL 0x4000
#define FW_CFG_ARCH_LOCAL    0x8000
#define FW_CFG_ENTRY_MASK    (~(FW_CFG_WRITE_CHANNEL | FW_CFG_ARCH_LOCAL))
#define FW_CFG_INVALID       0xffff

/* x86 arch-local keys (QEMU hw/i386/fw_cfg.h, SeaBIOS src/fw/paravirt.c). */
#define FW_CFG_ACPI_TABLES    (FW_CFG_ARCH_LOCAL + 0)
#define FW_CFG_SMBIOS_ENTRIES (FW_CFG_ARCH_LOCAL + 1)
#define FW_CFG_IRQ0_OVERRIDE  (FW_CFG_ARCH_LOCAL + 2)
#define FW_CFG_E820_TABLE     (FW_CFG_ARCH_LOCAL + 3)
#define FW_CFG_HPET           (FW_CFG_ARCH_LOCAL + 4)

#define FW_CFG_MAX_FILE_PATH 56
#define FW_CFG_SIG_SIZE      4

/* FW_CFG_ID bits. */
#define FW_CFG_VERSION     0x01
#define FW_CFG_VERSION_DMA 0x02

/* FWCfgDmaAccess.control bits (big-endian in guest memory). */
#define FW_CFG_DMA_CTL_ERROR  0x01
#define FW_CFG_DMA_CTL_READ   0x02
#define FW_CFG_DMA_CTL_SKIP   0x04
#define FW_CFG_DMA_CTL_SELECT 0x08 /* key in bits 31:16 */
#define FW_CFG_DMA_CTL_WRITE  0x10

/* Read back from the DMA register: "QEMU CFG". */
#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ULL

/* Ports on the pc machine. */
#define FW_CFG_IO_BASE     0x510
#define FW_CFG_CTL_OFFSET  0 /* 16-bit selector */
#define FW_CFG_DATA_OFFSET 1 /* 8-bit data */
#define FW_CFG_DMA_OFFSET  4 /* 0x514 high half, 0x518 low half */

/* Guest-visible layouts (all fields big-endian). */
typedef struct FWCfgFile {
    uint32_t size;
    uint16_t select;
    uint16_t reserved;
    char name[FW_CFG_MAX_FILE_PATH];
} FWCfgFile;

typedef struct FWCfgDmaAccess {
    uint32_t control;
    uint32_t length;
    uint64_t address;
} FWCfgDmaAccess;

typedef struct FWCfgState FWCfgState;

/*
 * new("fw_cfg_io") + realize on bus + reset.  dma_as: where DMA descriptors
 * and buffers live (guest RAM only is accepted); NULL disables DMA (no port
 * at iobase + 4, FW_CFG_ID without FW_CFG_VERSION_DMA).
 * Device properties: "iobase" (0x510), "dma" (bool, default on; when
 * created with -device/test_device, DMA uses the bus's memory space).
 */
FWCfgState *fw_cfg_init_io(ISABus *bus, uint32_t iobase, AddressSpace *dma_as,
                           Error **errp);

/* Each returns 0, or -EINVAL (bad key / name) / -ENOSPC (no file slot). */
int fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len);
int fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value);
int fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value);
int fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value);
int fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value);
/* A new named file (-EEXIST if the name is taken). */
int fw_cfg_add_file(FWCfgState *s, const char *name, const void *data,
                    size_t len);
/* Replace a file's contents, or add it if there is none by that name. */
int fw_cfg_modify_file(FWCfgState *s, const char *name, const void *data,
                       size_t len);

/* The key of a file, or -1 (boards, tests). */
int fw_cfg_file_key(FWCfgState *s, const char *name);

#endif
