/*
 * Direct kernel boot for the pc machine: the common part.  Picks the kernel
 * format (bzImage first, then multiboot, as QEMU's x86 loader does), and
 * holds what both formats share: the e820 map, the boot GDT and the CPU
 * state at a 32-bit entry point.  The memory layout is in
 * include/hw/pc/loader.h; the formats are in linux-boot.c and multiboot.c.
 */
#include "hw/pc/loader.h"

#include <sys/stat.h>

/* Kernels, initrds and modules bigger than this are refused up front. */
#define PC_LOAD_FILE_MAX (2 * GiB)

int pc_load_file(const char *path, const char *what, uint8_t **data,
                 size_t *size, Error **errp)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    uint8_t *buf;

    *data = NULL;
    *size = 0;
    if (!f) {
        error_setg(errp, "cannot open %s '%s': %s", what, path,
                   strerror(errno));
        return -1;
    }
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
        error_setg(errp, "%s '%s' is not a regular file", what, path);
        fclose(f);
        return -1;
    }
    if ((uint64_t)st.st_size > PC_LOAD_FILE_MAX) {
        error_setg(errp, "%s '%s' is too large (%" PRIu64 " bytes)", what, path,
                   (uint64_t)st.st_size);
        fclose(f);
        return -1;
    }
    buf = malloc(st.st_size ? st.st_size : 1);
    if (!buf) {
        error_setg(errp, "out of memory reading %s '%s'", what, path);
        fclose(f);
        return -1;
    }
    if (st.st_size && fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
        error_setg(errp, "cannot read %s '%s': %s", what, path,
                   ferror(f) ? strerror(errno) : "short read");
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    *data = buf;
    *size = st.st_size;
    return 0;
}

int pc_write_guest(AddressSpace *as, uint64_t addr, const void *buf,
                   uint64_t len, const char *what, Error **errp)
{
    if (!address_space_write_rom(as, addr, buf, len)) {
        error_setg(errp,
                   "cannot write %s to guest memory at 0x%" PRIx64 "-0x%" PRIx64
                   " (no RAM there)",
                   what, addr, addr + len - 1);
        return -1;
    }
    return 0;
}

int pc_e820_build(PCE820Entry *e, uint64_t ram_below_4g, uint64_t ram_above_4g)
{
    int n = 0;

    e[n++] = (PCE820Entry){0, PC_LOW_RAM_END, E820_RAM};
    e[n++] = (PCE820Entry){PC_ACPI_TABLES_ADDR,
                           PC_ACPI_TABLES_END - PC_ACPI_TABLES_ADDR, E820_ACPI};
    e[n++] = (PCE820Entry){PC_ACPI_TABLES_END,
                           PC_KERNEL_ADDR - PC_ACPI_TABLES_END, E820_RESERVED};
    if (ram_below_4g > PC_KERNEL_ADDR) {
        e[n++] = (PCE820Entry){PC_KERNEL_ADDR, ram_below_4g - PC_KERNEL_ADDR,
                               E820_RAM};
    }
    e[n++] = (PCE820Entry){PC_BIOS_TOP_RESERVED, 4 * GiB - PC_BIOS_TOP_RESERVED,
                           E820_RESERVED};
    if (ram_above_4g) {
        e[n++] = (PCE820Entry){4 * GiB, ram_above_4g, E820_RAM};
    }
    assert(n <= PC_E820_MAX);
    return n;
}

/*
 * A flat 4 GiB descriptor (SDM vol. 3, 3.4.5): limit 0xfffff with G=1,
 * base 0, D/B=1, present, DPL 0, S=1, with the given type.
 */
static uint64_t flat_descriptor(uint32_t type)
{
    uint32_t hi = DESC_G_MASK | DESC_B_MASK | DESC_P_MASK | DESC_S_MASK |
                  (0xfu << 16) | (type << DESC_TYPE_SHIFT);
    return ((uint64_t)hi << 32) | 0xffff;
}

static void set_flat_seg(SegmentCache *sc, uint32_t sel, uint64_t desc)
{
    sc->selector = sel;
    sc->base = 0;
    sc->limit = 0xffffffff;
    /* The attribute bits as they sit in the descriptor's high dword. */
    sc->flags = (uint32_t)(desc >> 32) & 0x00f0ff00;
}

bool pc_boot_setup_cpu(AddressSpace *as, CPUX86State *env, uint32_t entry)
{
    /* Type 0xb: code, execute/read, accessed; 0x3: data, read/write,
     * accessed (the accessed bit set so the CPU never writes the GDT). */
    uint64_t code = flat_descriptor(0xb);
    uint64_t data = flat_descriptor(0x3);
    uint8_t gdt[32] = {0};

    stq_le_p(gdt + PC_BOOT_CS, code);
    stq_le_p(gdt + PC_BOOT_DS, data);
    if (!address_space_write_rom(as, PC_BOOT_GDT_ADDR, gdt, sizeof(gdt))) {
        return false;
    }

    for (int i = 0; i < 16; i++) {
        env->regs[i] = 0;
    }
    env->regs[R_ESP] = PC_BOOT_STACK_TOP;
    env->eip = entry;
    env->eflags = 0x2;
    env->df = 1;
    /* Protected mode, paging and caches as after a boot loader: CD/NW
     * cleared (the power-on value has them set). */
    env->cr[0] = CR0_PE_MASK | CR0_ET_MASK;
    env->cr[2] = 0;
    env->cr[3] = 0;
    env->cr[4] = 0;
    env->efer = 0;
    env->a20_mask = 0xffffffff;

    set_flat_seg(&env->segs[R_CS], PC_BOOT_CS, code);
    for (int s = 0; s < 6; s++) {
        if (s != R_CS) {
            set_flat_seg(&env->segs[s], PC_BOOT_DS, data);
        }
    }
    env->gdt.selector = 0;
    env->gdt.base = PC_BOOT_GDT_ADDR;
    env->gdt.limit = sizeof(gdt) - 1;
    env->gdt.flags = 0;
    env->idt.selector = 0;
    env->idt.base = 0;
    env->idt.limit = 0;
    env->idt.flags = 0;
    /* Null selectors, but present with a valid system type, which is what
     * VMX's guest-state checks want for TR and LDTR in protected mode. */
    env->tr =
        (SegmentCache){0, DESC_P_MASK | (0xbu << DESC_TYPE_SHIFT), 0, 0xffff};
    env->ldt =
        (SegmentCache){0, DESC_P_MASK | (0x2u << DESC_TYPE_SHIFT), 0, 0xffff};
    env->halted = false;
    return true;
}

int pc_load_kernel(AddressSpace *as, uint64_t ram_below_4g,
                   uint64_t ram_above_4g, const char *kernel,
                   const char *initrd, const char *cmdline, CPUX86State *env,
                   PCKernelInfo *info, Error **errp)
{
    PCKernelInfo local;
    uint8_t *img;
    size_t size;
    int ret;

    if (!info) {
        info = &local;
    }
    memset(info, 0, sizeof(*info));
    if (!cmdline) {
        cmdline = "";
    }
    if (ram_below_4g < 2 * MiB) {
        error_setg(errp, "direct kernel boot needs at least 2 MiB of RAM");
        return -1;
    }
    if (pc_load_file(kernel, "kernel", &img, &size, errp) < 0) {
        return -1;
    }

    ret = pc_linux_try_load(as, ram_below_4g, ram_above_4g, img, size, initrd,
                            cmdline, env, info, errp);
    if (ret == 1) {
        ret = pc_multiboot_try_load(as, ram_below_4g, ram_above_4g, img, size,
                                    kernel, initrd, cmdline, env, info, errp);
    }
    if (ret == 1) {
        error_setg(errp,
                   "kernel '%s' is neither a Linux bzImage nor a "
                   "multiboot kernel",
                   kernel);
        ret = -1;
    }
    free(img);
    return ret;
}
