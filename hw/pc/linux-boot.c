/*
 * Linux bzImage, loaded as a 32-bit boot loader does it (Linux
 * Documentation/arch/x86/boot.rst: "THE REAL-MODE KERNEL HEADER", "LOADING
 * THE REST OF THE KERNEL", "32-bit BOOT PROTOCOL"; zero-page.rst for the
 * boot_params fields outside the setup header).
 *
 * The real-mode setup code is copied to PC_SETUP_ADDR but never run: we fill
 * boot_params (the "zero page") ourselves, including the e820 map the setup
 * code would have asked the BIOS for, and start the CPU at code32_start.
 */
#include "hw/pc/loader.h"

/* Setup header, offsets in the image file and in boot_params alike. */
#define HDR_SETUP_SECTS     0x1f1
#define HDR_JUMP            0x200 /* jmp short: end of header = 0x202 + disp */
#define HDR_MAGIC           0x202 /* "HdrS" */
#define HDR_VERSION         0x206
#define HDR_TYPE_OF_LOADER  0x210
#define HDR_LOADFLAGS       0x211
#define HDR_CODE32_START    0x214
#define HDR_RAMDISK_IMAGE   0x218
#define HDR_RAMDISK_SIZE    0x21c
#define HDR_HEAP_END_PTR    0x224
#define HDR_CMD_LINE_PTR    0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_CMDLINE_SIZE    0x238
#define HDR_PREF_ADDRESS    0x258
#define HDR_INIT_SIZE       0x260
#define HDR_END_MAX         0x290 /* boot_params: edd_mbr_sig_buffer follows */

#define HDRS_MAGIC 0x53726448 /* "HdrS" little-endian */

/* loadflags */
#define LOADED_HIGH   0x01
#define KEEP_SEGMENTS 0x40
#define CAN_USE_HEAP  0x80

/* boot_params (zero-page.rst) */
#define BP_SIZE         4096
#define BP_EXT_MEM_K    0x002 /* screen_info.ext_mem_k */
#define BP_ALT_MEM_K    0x1e0
#define BP_E820_ENTRIES 0x1e8
#define BP_E820_TABLE   0x2d0
#define BP_E820_MAX     128

/* Boot loader ID 0xf (undefined) with version 0xf: we are not registered
 * (QEMU uses its ID, 0xb0).  Linux only needs it non-zero, e.g. to look at
 * ramdisk_image at all. */
#define TYPE_OF_LOADER 0xff
/* QEMU's value: the heap ends below the 64 KiB of the setup segment. */
#define HEAP_END 0xfe00

static uint64_t round_up_page(uint64_t v)
{
    return (v + 0xfff) & ~0xfffULL;
}

int pc_linux_try_load(AddressSpace *as, uint64_t ram_below_4g,
                      uint64_t ram_above_4g, const uint8_t *img, size_t size,
                      const char *initrd, const char *cmdline, CPUX86State *env,
                      PCKernelInfo *info, Error **errp)
{
    uint8_t *bp = NULL, *rd = NULL;
    size_t rd_size = 0, cmdline_len = strlen(cmdline);
    PCE820Entry e820[PC_E820_MAX];
    uint64_t prot_size, need_end, run_addr, rd_addr = 0, rd_limit;
    uint32_t setup_size, code32, cmdline_max, init_size = 0, hdr_end;
    uint16_t protocol;
    int setup_sects, n;

    if (size < HDR_END_MAX || ldl_le_p(img + HDR_MAGIC) != HDRS_MAGIC) {
        return 1;
    }
    protocol = ldw_le_p(img + HDR_VERSION);
    if (protocol < 0x206) {
        error_setg(errp,
                   "Linux kernel boot protocol %u.%02u is too old "
                   "(direct boot needs 2.06 or later)",
                   protocol >> 8, protocol & 0xff);
        return -1;
    }
    if (!(img[HDR_LOADFLAGS] & LOADED_HIGH)) {
        error_setg(errp, "zImage kernels are not supported (the kernel "
                         "must be a bzImage)");
        return -1;
    }
    setup_sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
    setup_size = (setup_sects + 1) * 512;
    if (setup_size >= size) {
        error_setg(errp,
                   "bzImage is truncated (%zu bytes, setup alone is "
                   "%u)",
                   size, setup_size);
        return -1;
    }
    prot_size = size - setup_size;
    code32 = ldl_le_p(img + HDR_CODE32_START);
    if (code32 < PC_KERNEL_ADDR) {
        error_setg(errp, "bzImage code32_start 0x%x is below 1 MiB", code32);
        return -1;
    }

    /*
     * The kernel needs init_size bytes (protocol 2.10) from where it runs,
     * and a relocatable kernel loaded low moves itself up to pref_address
     * (LOAD_PHYSICAL_ADDR) before decompressing there.
     */
    run_addr = code32;
    if (protocol >= 0x20a) {
        init_size = ldl_le_p(img + HDR_INIT_SIZE);
        run_addr = MAX(run_addr, ldq_le_p(img + HDR_PREF_ADDRESS));
    }
    need_end = MAX(code32 + prot_size, run_addr + init_size);
    if (need_end > ram_below_4g) {
        error_setg(errp,
                   "kernel too large for RAM: it needs memory up to "
                   "0x%" PRIx64 ", RAM below 4 GiB ends at 0x%" PRIx64,
                   need_end, ram_below_4g);
        return -1;
    }

    cmdline_max = MIN(ldl_le_p(img + HDR_CMDLINE_SIZE), PC_CMDLINE_MAX - 1);
    if (cmdline_len > cmdline_max) {
        error_setg(errp,
                   "kernel command line too long (%zu bytes, the "
                   "kernel accepts %u)",
                   cmdline_len, cmdline_max);
        return -1;
    }

    if (initrd) {
        if (pc_load_file(initrd, "initrd", &rd, &rd_size, errp) < 0) {
            return -1;
        }
        /* initrd_addr_max is the highest byte the initrd may occupy. */
        rd_limit = MIN((uint64_t)ldl_le_p(img + HDR_INITRD_ADDR_MAX) + 1,
                       ram_below_4g);
        rd_addr = rd_size <= rd_limit ? (rd_limit - rd_size) & ~0xfffULL : 0;
        if (rd_size > rd_limit || rd_addr < round_up_page(need_end)) {
            error_setg(errp,
                       "initrd '%s' (%zu bytes) does not fit in RAM "
                       "between the kernel (ends at 0x%" PRIx64 ") and "
                       "0x%" PRIx64,
                       initrd, rd_size, need_end, rd_limit);
            free(rd);
            return -1;
        }
    }

    /* boot_params: zeroed, then the setup header copied from the image. */
    bp = calloc(1, BP_SIZE);
    hdr_end = MIN(HDR_JUMP + 2 + img[HDR_JUMP + 1], HDR_END_MAX);
    memcpy(bp + HDR_SETUP_SECTS, img + HDR_SETUP_SECTS,
           hdr_end - HDR_SETUP_SECTS);
    bp[HDR_TYPE_OF_LOADER] = TYPE_OF_LOADER;
    bp[HDR_LOADFLAGS] = (bp[HDR_LOADFLAGS] | CAN_USE_HEAP) & ~KEEP_SEGMENTS;
    stw_le_p(bp + HDR_HEAP_END_PTR, HEAP_END);
    stl_le_p(bp + HDR_CMD_LINE_PTR, PC_CMDLINE_ADDR);
    stl_le_p(bp + HDR_RAMDISK_IMAGE, rd ? rd_addr : 0);
    stl_le_p(bp + HDR_RAMDISK_SIZE, rd ? rd_size : 0);

    /* screen_info stays zero (mode 0, 0x0 text, not VGA): without a BIOS
     * nobody set a video mode or loaded a font, so Linux must not start
     * vgacon on it; use console=ttyS0. */
    stw_le_p(bp + BP_EXT_MEM_K,
             MIN((ram_below_4g - PC_KERNEL_ADDR) / KiB, 0xfc00));
    stl_le_p(bp + BP_ALT_MEM_K, (ram_below_4g - PC_KERNEL_ADDR) / KiB);
    n = pc_e820_build(e820, ram_below_4g, ram_above_4g);
    assert(n <= BP_E820_MAX);
    bp[BP_E820_ENTRIES] = n;
    for (int i = 0; i < n; i++) {
        uint8_t *p = bp + BP_E820_TABLE + i * 20;
        stq_le_p(p, e820[i].addr);
        stq_le_p(p + 8, e820[i].size);
        stl_le_p(p + 16, e820[i].type);
    }

    if (pc_write_guest(as, PC_SETUP_ADDR, img, setup_size, "kernel setup",
                       errp) < 0 ||
        pc_write_guest(as, code32, img + setup_size, prot_size, "kernel",
                       errp) < 0 ||
        pc_write_guest(as, PC_CMDLINE_ADDR, cmdline, cmdline_len + 1,
                       "kernel command line", errp) < 0 ||
        (rd && pc_write_guest(as, rd_addr, rd, rd_size, "initrd", errp) < 0) ||
        pc_write_guest(as, PC_BOOT_PARAMS_ADDR, bp, BP_SIZE, "boot_params",
                       errp) < 0) {
        free(bp);
        free(rd);
        return -1;
    }
    free(bp);
    free(rd);

    if (!pc_boot_setup_cpu(as, env, code32)) {
        error_setg(errp, "cannot write the boot GDT at 0x%x", PC_BOOT_GDT_ADDR);
        return -1;
    }
    env->regs[R_ESI] = PC_BOOT_PARAMS_ADDR;

    info->multiboot = false;
    info->protocol = protocol;
    info->entry = code32;
    info->kernel_addr = code32;
    info->kernel_size = prot_size;
    info->initrd_addr = initrd ? rd_addr : 0;
    info->initrd_size = rd_size;
    return 0;
}
