/*
 * Multiboot v1 kernels (the Multiboot Specification 0.6.96: 3.1 "OS image
 * format", 3.2 "Machine state", 3.3 "Boot information format").
 *
 * The image is loaded from the a.out kludge address fields when header flag
 * 16 is set, else as an ELF32 executable by its PT_LOAD program headers at
 * their physical addresses.  Modules come from -initrd, QEMU style:
 * "file1 args,file2 args" (",," for a literal comma); each module's string is
 * the whole entry, file name included, and the kernel's command line is the
 * kernel's file name followed by -append, as GRUB and QEMU pass them.
 */
#include "hw/pc/loader.h"

#define MB_HEADER_MAGIC     0x1badb002
#define MB_BOOTLOADER_MAGIC 0x2badb002
#define MB_SEARCH           8192

/* Header flags: 0-15 are requirements the loader must honour or refuse. */
#define MB_PAGE_ALIGN     (1u << 0)
#define MB_MEMORY_INFO    (1u << 1)
#define MB_VIDEO_MODE     (1u << 2)
#define MB_AOUT_KLUDGE    (1u << 16)
#define MB_KNOWN_REQUIRED (MB_PAGE_ALIGN | MB_MEMORY_INFO)

/* Info structure flags and offsets (3.3). */
#define MBI_MEMORY      (1u << 0)
#define MBI_CMDLINE     (1u << 2)
#define MBI_MODS        (1u << 3)
#define MBI_MMAP        (1u << 6)
#define MBI_LOADER_NAME (1u << 9)

#define MBI_FLAGS           0
#define MBI_MEM_LOWER       4
#define MBI_MEM_UPPER       8
#define MBI_CMDLINE_PTR     16
#define MBI_MODS_COUNT      20
#define MBI_MODS_ADDR       24
#define MBI_MMAP_LENGTH     44
#define MBI_MMAP_ADDR       48
#define MBI_LOADER_NAME_PTR 64

/* Our layout of the info area at PC_MB_INFO_ADDR. */
#define MBA_MODS       0x100
#define MBA_MMAP       0x400
#define MBA_NAME       0x600
#define MBA_SIZE       0x700
#define MB_MAX_MODULES ((MBA_MMAP - MBA_MODS) / 16)

/* ELF (System V ABI, i386 supplement) */
#define EI_CLASS    4
#define EI_DATA     5
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define ET_EXEC     2
#define EM_386      3
#define PT_LOAD     1

typedef struct MBSegment {
    uint64_t paddr, filesz, memsz, offset;
} MBSegment;

#define MB_MAX_SEGMENTS 16

typedef struct MBImage {
    MBSegment seg[MB_MAX_SEGMENTS];
    int nr_seg;
    uint32_t entry;
} MBImage;

static int mb_find_header(const uint8_t *img, size_t size)
{
    for (size_t off = 0; off + 12 <= MIN(size, MB_SEARCH); off += 4) {
        uint32_t magic = ldl_le_p(img + off);
        uint32_t flags = ldl_le_p(img + off + 4);
        uint32_t csum = ldl_le_p(img + off + 8);
        if (magic == MB_HEADER_MAGIC && magic + flags + csum == 0) {
            return off;
        }
    }
    return -1;
}

static int mb_parse_aout(const uint8_t *img, size_t size, int hoff, MBImage *mi,
                         Error **errp)
{
    uint32_t header_addr, load_addr, load_end, bss_end, file_off, load_size;

    if ((size_t)hoff + 32 > size) {
        error_setg(errp, "multiboot: header truncated");
        return -1;
    }
    header_addr = ldl_le_p(img + hoff + 12);
    load_addr = ldl_le_p(img + hoff + 16);
    load_end = ldl_le_p(img + hoff + 20);
    bss_end = ldl_le_p(img + hoff + 24);
    mi->entry = ldl_le_p(img + hoff + 28);

    if (load_addr > header_addr || header_addr - load_addr > (uint32_t)hoff) {
        error_setg(errp,
                   "multiboot: load_addr 0x%x does not fit header_addr "
                   "0x%x at file offset 0x%x",
                   load_addr, header_addr, hoff);
        return -1;
    }
    file_off = hoff - (header_addr - load_addr);
    if (load_end == 0) {
        load_size = size - file_off;
    } else if (load_end < load_addr || load_end - load_addr > size - file_off) {
        error_setg(errp, "multiboot: load_end_addr 0x%x outside the image",
                   load_end);
        return -1;
    } else {
        load_size = load_end - load_addr;
    }
    if (bss_end && bss_end < load_addr + load_size) {
        error_setg(errp, "multiboot: bss_end_addr 0x%x below load_end_addr",
                   bss_end);
        return -1;
    }
    mi->seg[0] =
        (MBSegment){load_addr, load_size,
                    bss_end ? bss_end - load_addr : load_size, file_off};
    mi->nr_seg = 1;
    return 0;
}

static int mb_parse_elf(const uint8_t *img, size_t size, MBImage *mi,
                        Error **errp)
{
    uint32_t phoff, entry;
    uint16_t phentsize, phnum;

    if (size < 52 || memcmp(img,
                            "\x7f"
                            "ELF",
                            4) != 0) {
        error_setg(errp, "multiboot: kernel has no a.out kludge (flag 16) "
                         "and is not an ELF file");
        return -1;
    }
    if (img[EI_CLASS] == ELFCLASS64) {
        error_setg(errp, "multiboot: 64-bit ELF kernels are not supported "
                         "(build a 32-bit ELF)");
        return -1;
    }
    if (img[EI_CLASS] != ELFCLASS32 || img[EI_DATA] != ELFDATA2LSB ||
        ldw_le_p(img + 16) != ET_EXEC || ldw_le_p(img + 18) != EM_386) {
        error_setg(errp, "multiboot: not a little-endian i386 ELF "
                         "executable");
        return -1;
    }
    entry = ldl_le_p(img + 24);
    phoff = ldl_le_p(img + 28);
    phentsize = ldw_le_p(img + 42);
    phnum = ldw_le_p(img + 44);
    if (phentsize < 32 ||
        (uint64_t)phoff + (uint64_t)phnum * phentsize > size) {
        error_setg(errp, "multiboot: ELF program headers outside the file");
        return -1;
    }

    mi->nr_seg = 0;
    mi->entry = entry;
    for (int i = 0; i < phnum; i++) {
        const uint8_t *ph = img + phoff + (size_t)i * phentsize;
        uint32_t offset = ldl_le_p(ph + 4), vaddr = ldl_le_p(ph + 8);
        uint32_t paddr = ldl_le_p(ph + 12), filesz = ldl_le_p(ph + 16);
        uint32_t memsz = ldl_le_p(ph + 20);

        if (ldl_le_p(ph) != PT_LOAD || memsz == 0) {
            continue;
        }
        if (filesz > memsz || (uint64_t)offset + filesz > size) {
            error_setg(errp, "multiboot: ELF segment %d outside the file", i);
            return -1;
        }
        if (mi->nr_seg == MB_MAX_SEGMENTS) {
            error_setg(errp, "multiboot: more than %d ELF segments",
                       MB_MAX_SEGMENTS);
            return -1;
        }
        mi->seg[mi->nr_seg++] = (MBSegment){paddr, filesz, memsz, offset};
        /* A kernel linked at a virtual address gives its entry point as a
         * virtual address: translate it to where the segment is loaded. */
        if (vaddr != paddr && entry >= vaddr && entry - vaddr < memsz) {
            mi->entry = entry - vaddr + paddr;
        }
    }
    if (mi->nr_seg == 0) {
        error_setg(errp, "multiboot: ELF kernel has no loadable segment");
        return -1;
    }
    return 0;
}

/*
 * Split the -initrd string into modules: entries separated by ',', with ",,"
 * standing for a literal comma.  Returns the number of entries, each a
 * malloc'ed string in mods[].
 */
static int mb_split_modules(const char *s, char **mods, int max, Error **errp)
{
    int n = 0;

    while (*s) {
        size_t len = strlen(s);
        char *m = malloc(len + 1), *d = m;

        while (*s) {
            if (s[0] == ',' && s[1] == ',') {
                *d++ = ',';
                s += 2;
            } else if (s[0] == ',') {
                s++;
                break;
            } else {
                *d++ = *s++;
            }
        }
        *d = 0;
        if (!m[0]) {
            free(m);
            continue;
        }
        if (n == max) {
            error_setg(errp, "multiboot: more than %d modules", max);
            free(m);
            while (n) {
                free(mods[--n]);
            }
            return -1;
        }
        mods[n++] = m;
    }
    return n;
}

/* The lowest address a kernel below 1 MiB may use: the first page holds
 * the real-mode IVT, the BIOS data area and our boot GDT (0x500). */
#define MB_LOW_KERNEL_MIN 0x1000

static bool mb_overlaps(const MBImage *mi, uint64_t start, uint64_t len)
{
    for (int i = 0; i < mi->nr_seg; i++) {
        const MBSegment *s = &mi->seg[i];
        if (s->paddr < start + len && start < s->paddr + s->memsz) {
            return true;
        }
    }
    return false;
}

static int mb_load_modules(AddressSpace *as, uint64_t ram_below_4g,
                           uint64_t *next, const char *initrd, uint8_t *mba,
                           uint64_t *strp, uint64_t str_end, Error **errp)
{
    char *mods[MB_MAX_MODULES];
    int n = mb_split_modules(initrd, mods, MB_MAX_MODULES, errp);
    int ret = 0;

    if (n < 0) {
        return -1;
    }
    for (int i = 0; i < n && ret == 0; i++) {
        size_t namelen = strcspn(mods[i], " "), slen = strlen(mods[i]) + 1;
        char *path = strndup(mods[i], namelen);
        uint8_t *data = NULL;
        size_t size = 0;
        uint8_t *desc = mba + MBA_MODS + i * 16;

        if (pc_load_file(path, "multiboot module", &data, &size, errp) < 0) {
            ret = -1;
        } else if (*next + size > ram_below_4g) {
            error_setg(errp,
                       "multiboot module '%s' (%zu bytes) does not fit "
                       "in RAM (it would end at 0x%" PRIx64 ", RAM ends at "
                       "0x%" PRIx64 ")",
                       path, size, *next + size, ram_below_4g);
            ret = -1;
        } else if (*strp + slen > str_end) {
            error_setg(errp, "multiboot: module command lines too long");
            ret = -1;
        } else if (pc_write_guest(as, *next, data, size, "multiboot module",
                                  errp) < 0 ||
                   pc_write_guest(as, *strp, mods[i], slen,
                                  "multiboot module string", errp) < 0) {
            ret = -1;
        } else {
            stl_le_p(desc, *next);
            stl_le_p(desc + 4, *next + size);
            stl_le_p(desc + 8, *strp);
            stl_le_p(desc + 12, 0);
            *strp += slen;
            *next = (*next + size + 0xfff) & ~0xfffULL;
        }
        free(data);
        free(path);
    }
    for (int i = 0; i < n; i++) {
        free(mods[i]);
    }
    return ret < 0 ? -1 : n;
}

int pc_multiboot_try_load(AddressSpace *as, uint64_t ram_below_4g,
                          uint64_t ram_above_4g, const uint8_t *img,
                          size_t size, const char *kernel_path,
                          const char *initrd, const char *cmdline,
                          CPUX86State *env, PCKernelInfo *info, Error **errp)
{
    int hoff = mb_find_header(img, size);
    uint32_t flags;
    MBImage mi;
    uint64_t low = UINT64_MAX, high = 0, next, strp, str_end;
    uint64_t info_addr = PC_MB_INFO_ADDR, str_addr = PC_CMDLINE_ADDR;
    uint8_t mba[MBA_SIZE] = {0};
    PCE820Entry e820[PC_E820_MAX];
    int n, nr_mods = 0;
    char *kcmd;

    if (hoff < 0) {
        return 1;
    }
    flags = ldl_le_p(img + hoff + 4);
    if (flags & MB_VIDEO_MODE) {
        error_setg(errp, "multiboot: the kernel requires video mode "
                         "information (header flag 2), which is not supported");
        return -1;
    }
    if (flags & 0xffff & ~MB_KNOWN_REQUIRED) {
        error_setg(errp,
                   "multiboot: the kernel requires unknown features "
                   "(header flags 0x%x)",
                   flags & 0xffff & ~MB_KNOWN_REQUIRED);
        return -1;
    }
    if ((flags & MB_AOUT_KLUDGE) ? mb_parse_aout(img, size, hoff, &mi, errp)
                                 : mb_parse_elf(img, size, &mi, errp)) {
        return -1;
    }

    for (int i = 0; i < mi.nr_seg; i++) {
        MBSegment *s = &mi.seg[i];
        /* Below 1 MiB (as QEMU's loader allows: kvm-unit-tests' realmode
         * test loads at 16 KiB) a kernel fits between the real-mode IVT,
         * BIOS data and our boot GDT (the first page) and the end of low
         * RAM; the loader's own data then move out of its way. */
        if (s->paddr < PC_KERNEL_ADDR &&
            (s->paddr < MB_LOW_KERNEL_MIN ||
             s->paddr + s->memsz > PC_LOW_RAM_END)) {
            error_setg(errp,
                       "multiboot: kernel loads at 0x%" PRIx64 "-0x%" PRIx64
                       ", which is not all low RAM (0x%x-0x%x) or above "
                       "1 MiB",
                       s->paddr, s->paddr + s->memsz, MB_LOW_KERNEL_MIN,
                       PC_LOW_RAM_END);
            return -1;
        }
        if (s->paddr + s->memsz > ram_below_4g) {
            error_setg(errp,
                       "kernel too large for RAM: it loads up to "
                       "0x%" PRIx64 ", RAM below 4 GiB ends at 0x%" PRIx64,
                       s->paddr + s->memsz, ram_below_4g);
            return -1;
        }
        low = MIN(low, s->paddr);
        high = MAX(high, s->paddr + s->memsz);
    }

    /* Our data (the info area, then the strings) go where they always do,
     * unless the kernel is there: then after it, and the modules above
     * 1 MiB. */
    next = (high + 0xfff) & ~0xfffULL;
    if (mb_overlaps(&mi, info_addr, PC_MB_INFO_SIZE) ||
        mb_overlaps(&mi, PC_CMDLINE_ADDR, PC_CMDLINE_MAX)) {
        info_addr = next;
        str_addr = next + ((MBA_SIZE + 0xfff) & ~0xfffULL);
        next = MAX(str_addr + PC_CMDLINE_MAX, PC_KERNEL_ADDR);
        if (str_addr + PC_CMDLINE_MAX > (high <= PC_LOW_RAM_END
                                             ? PC_LOW_RAM_END
                                             : ram_below_4g)) {
            error_setg(errp, "multiboot: no room for the boot information "
                             "after a kernel that covers the loader's own");
            return -1;
        }
    }

    /* Strings (kernel command line, module strings) in the cmdline area. */
    strp = str_addr;
    str_end = str_addr + PC_CMDLINE_MAX;
    kcmd = malloc(strlen(kernel_path) + strlen(cmdline) + 2);
    strcpy(kcmd, kernel_path);
    if (*cmdline) {
        strcat(kcmd, " ");
        strcat(kcmd, cmdline);
    }
    if (strlen(kcmd) + 1 > PC_CMDLINE_MAX) {
        error_setg(errp, "kernel command line too long (%zu bytes)",
                   strlen(kcmd));
        free(kcmd);
        return -1;
    }
    if (pc_write_guest(as, strp, kcmd, strlen(kcmd) + 1, "kernel command line",
                       errp) < 0) {
        free(kcmd);
        return -1;
    }
    strp += strlen(kcmd) + 1;
    free(kcmd);

    for (int i = 0; i < mi.nr_seg; i++) {
        MBSegment *s = &mi.seg[i];
        if (pc_write_guest(as, s->paddr, img + s->offset, s->filesz, "kernel",
                           errp) < 0) {
            return -1;
        }
        /* The bss, in page-sized pieces: it may be most of the RAM. */
        for (uint64_t a = s->paddr + s->filesz; a < s->paddr + s->memsz;) {
            static const uint8_t zero[4096];
            uint64_t len = MIN(sizeof(zero), s->paddr + s->memsz - a);
            if (pc_write_guest(as, a, zero, len, "kernel bss", errp) < 0) {
                return -1;
            }
            a += len;
        }
    }

    /* Modules: page aligned (header flag 0) after the kernel. */
    if (initrd) {
        nr_mods = mb_load_modules(as, ram_below_4g, &next, initrd, mba, &strp,
                                  str_end, errp);
        if (nr_mods < 0) {
            return -1;
        }
    }

    stl_le_p(mba + MBI_FLAGS,
             MBI_MEMORY | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER_NAME);
    stl_le_p(mba + MBI_MEM_LOWER, PC_LOW_RAM_END / KiB);
    stl_le_p(mba + MBI_MEM_UPPER, (ram_below_4g - PC_KERNEL_ADDR) / KiB);
    stl_le_p(mba + MBI_CMDLINE_PTR, str_addr);
    stl_le_p(mba + MBI_MODS_COUNT, nr_mods);
    stl_le_p(mba + MBI_MODS_ADDR, info_addr + MBA_MODS);
    n = pc_e820_build(e820, ram_below_4g, ram_above_4g);
    for (int i = 0; i < n; i++) {
        /* Each entry is preceded by its size, not counting the size field. */
        uint8_t *p = mba + MBA_MMAP + i * 24;
        stl_le_p(p, 20);
        stq_le_p(p + 4, e820[i].addr);
        stq_le_p(p + 12, e820[i].size);
        stl_le_p(p + 20, e820[i].type);
    }
    stl_le_p(mba + MBI_MMAP_LENGTH, n * 24);
    stl_le_p(mba + MBI_MMAP_ADDR, info_addr + MBA_MMAP);
    strcpy((char *)mba + MBA_NAME, "emu");
    stl_le_p(mba + MBI_LOADER_NAME_PTR, info_addr + MBA_NAME);
    if (pc_write_guest(as, info_addr, mba, sizeof(mba), "multiboot info",
                       errp) < 0) {
        return -1;
    }

    if (!pc_boot_setup_cpu(as, env, mi.entry)) {
        error_setg(errp, "cannot write the boot GDT at 0x%x", PC_BOOT_GDT_ADDR);
        return -1;
    }
    env->regs[R_EAX] = MB_BOOTLOADER_MAGIC;
    env->regs[R_EBX] = info_addr;

    info->multiboot = true;
    info->entry = mi.entry;
    info->kernel_addr = low;
    info->kernel_size = high - low;
    info->nr_modules = nr_mods;
    return 0;
}
