/*
 * Direct kernel boot (hw/pc/loader.c, linux-boot.c, multiboot.c) and the
 * ACPI tables for it (hw/pc/acpi-build.c), with no CPU: load synthetic
 * kernels into a guest address space and check guest memory and the CPU
 * state the loader prepared.  With EMU_GUEST_CACHE naming a directory of
 * Debian vmlinuz-* files, those are loaded too.
 */
#include "tests/unit/harness.h"

#include "hw/pc/acpi-build.h"
#include "hw/pc/loader.h"

#include <glob.h>
#include <unistd.h>

/* ---- a guest: RAM from 0, a ROM over 0xe0000-0xfffff as the BIOS ---- */

typedef struct Guest {
    MemoryRegion root, ram, bios;
    AddressSpace as;
    uint64_t ram_size;
    CPUX86State env;
} Guest;

static void guest_init(Guest *g, uint64_t ram_size)
{
    Error *err = NULL;

    memset(g, 0, sizeof(*g));
    g->ram_size = ram_size;
    memory_region_init(&g->root, "memory", 4 * GiB);
    if (memory_region_init_ram(&g->ram, "ram", ram_size, &err) < 0 ||
        memory_region_init_rom(&g->bios, "bios", 128 * KiB, &err) < 0) {
        error_report_err(err);
        abort();
    }
    /* Garbage everywhere, so that "zeroed" means the loader zeroed it. */
    memset(memory_region_get_ram_ptr(&g->ram), 0xaa, ram_size);
    memory_region_add_subregion(&g->root, 0, &g->ram);
    memory_region_add_subregion_overlap(&g->root, 0xe0000, &g->bios, 1);
    address_space_init(&g->as, &g->root, "memory");
    /* Something other than what the loader sets. */
    memset(&g->env, 0x55, sizeof(g->env));
}

static void guest_cleanup(Guest *g)
{
    address_space_destroy(&g->as);
    memory_region_del_subregion(&g->root, &g->bios);
    memory_region_del_subregion(&g->root, &g->ram);
    memory_region_finalize(&g->bios);
    memory_region_finalize(&g->ram);
    memory_region_finalize(&g->root);
}

static uint64_t rd(Guest *g, uint64_t addr, unsigned size)
{
    uint64_t v = 0;
    address_space_read_val(&g->as, addr, size, &v);
    return v;
}

static bool guest_equals(Guest *g, uint64_t addr, const void *buf, size_t len)
{
    uint8_t *tmp = malloc(len ? len : 1);
    bool eq = address_space_read(&g->as, addr, tmp, len) &&
              memcmp(tmp, buf, len) == 0;
    free(tmp);
    return eq;
}

static char *guest_string(Guest *g, uint64_t addr)
{
    static char buf[4096];
    address_space_read(&g->as, addr, buf, sizeof(buf) - 1);
    buf[sizeof(buf) - 1] = 0;
    return buf;
}

/* ---- temporary files ---- */

static char *tmp_paths[32];
static int nr_tmp;

static char *write_temp(const void *data, size_t len)
{
    char *path = strdup("/tmp/emu-test-loader-XXXXXX");
    int fd = mkstemp(path);

    if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
        perror("temp file");
        abort();
    }
    close(fd);
    assert(nr_tmp < (int)ARRAY_SIZE(tmp_paths));
    tmp_paths[nr_tmp++] = path;
    return path;
}

static void remove_temps(void)
{
    while (nr_tmp) {
        char *p = tmp_paths[--nr_tmp];
        unlink(p);
        free(p);
    }
}

static uint8_t *pattern(size_t len, unsigned seed)
{
    uint8_t *p = malloc(len);
    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(i * 7 + seed + (i >> 8));
    }
    return p;
}

/* Error message contains `needle`; frees the error. */
static bool error_has(Error *err, const char *needle)
{
    bool ok = err && strstr(error_get_pretty(err), needle);
    if (!ok) {
        printf("  error was: %s\n", err ? error_get_pretty(err) : "(none)");
    }
    if (err) {
        error_free(err);
    }
    return ok;
}

/* ---- a synthetic bzImage ---- */

typedef struct BzParams {
    uint16_t version;
    uint8_t setup_sects;
    uint8_t loadflags;
    uint32_t code32;
    uint32_t initrd_max;
    uint32_t cmdline_size;
    uint32_t init_size;
    uint64_t pref;
    size_t prot_size;
} BzParams;

static const BzParams bz_default = {
    .version = 0x20f,
    .setup_sects = 3,
    .loadflags = 0x01,
    .code32 = 0x100000,
    .initrd_max = 0x7fffffff,
    .cmdline_size = 2047,
    .init_size = 0x20000,
    .pref = 0x100000,
    .prot_size = 40000,
};

#define BZ_MARKER_OFF 0x280 /* in the setup, past the header's end */

static uint8_t *make_bzimage(const BzParams *p, size_t *size)
{
    size_t setup = ((p->setup_sects ? p->setup_sects : 4) + 1) * 512;
    uint8_t *img;

    *size = setup + p->prot_size;
    img = pattern(*size, 1);
    memset(img, 0, setup);
    img[0x1f1] = p->setup_sects;
    stw_le_p(img + 0x1fe, 0xaa55);
    img[0x200] = 0xeb; /* jmp short: header ends at 0x26c */
    img[0x201] = 0x26c - 0x202;
    memcpy(img + 0x202, "HdrS", 4);
    stw_le_p(img + 0x206, p->version);
    img[0x211] = p->loadflags;
    stl_le_p(img + 0x214, p->code32);
    stl_le_p(img + 0x22c, p->initrd_max);
    stl_le_p(img + 0x230, 0x200000); /* kernel_alignment */
    img[0x234] = 1;                  /* relocatable */
    stl_le_p(img + 0x238, p->cmdline_size);
    stq_le_p(img + 0x258, p->pref);
    stl_le_p(img + 0x260, p->init_size);
    stl_le_p(img + BZ_MARKER_OFF, 0xdeadbeef);
    return img;
}

static char *bz_file(const BzParams *p, uint8_t **img_out, size_t *size)
{
    uint8_t *img = make_bzimage(p, size);
    char *path = write_temp(img, *size);
    if (img_out) {
        *img_out = img;
    } else {
        free(img);
    }
    return path;
}

/* The e820 map the loader documents, for ram_below_4g, no RAM above. */
static void check_e820(Guest *g, uint64_t table, int stride, int off, int n)
{
    static const struct {
        uint64_t addr, size;
        uint32_t type;
    } want[] = {
        {0, 0x9e000, E820_RAM},
        {0x9e000, 0x1c00, E820_ACPI},
        {0x9fc00, 0x60400, E820_RESERVED},
        {0x100000, 0, E820_RAM}, /* size: ram - 1 MiB */
        {0xfffc0000, 0x40000, E820_RESERVED},
    };
    uint64_t prev_end = 0;

    CHECK_EQ(n, 5);
    for (int i = 0; i < n && i < 5; i++) {
        uint64_t e = table + i * stride + off;
        uint64_t addr = rd(g, e, 8), size = rd(g, e + 8, 8);
        CHECK_EQ(addr, want[i].addr);
        CHECK_EQ(size, want[i].size ? want[i].size : g->ram_size - 0x100000);
        CHECK_EQ(rd(g, e + 16, 4), want[i].type);
        CHECK(addr >= prev_end); /* sorted, no overlap */
        prev_end = addr + size;
    }
}

static void check_flat_protected_mode(CPUX86State *env, uint32_t eip)
{
    CHECK_EQ(env->eip, eip);
    CHECK(env->cr[0] & CR0_PE_MASK);
    CHECK(!(env->cr[0] & CR0_PG_MASK));
    CHECK_EQ(env->eflags & IF_MASK, 0);
    CHECK_EQ(env->eflags, 0x2);
    CHECK_EQ(env->segs[R_CS].selector, PC_BOOT_CS);
    CHECK_EQ(env->segs[R_CS].base, 0);
    CHECK_EQ(env->segs[R_CS].limit, 0xffffffff);
    /* P, S, code, readable, accessed, D=1, G=1 */
    CHECK_EQ(env->segs[R_CS].flags, 0x00c09b00);
    CHECK(env->segs[R_CS].flags & DESC_B_MASK);
    static const int data[] = {R_DS, R_ES, R_SS};
    for (int i = 0; i < 3; i++) {
        SegmentCache *s = &env->segs[data[i]];
        CHECK_EQ(s->selector, PC_BOOT_DS);
        CHECK_EQ(s->base, 0);
        CHECK_EQ(s->limit, 0xffffffff);
        CHECK_EQ(s->flags, 0x00c09300);
    }
    CHECK_EQ(env->gdt.base, PC_BOOT_GDT_ADDR);
    CHECK_EQ(env->gdt.limit, 31);
    CHECK(env->tr.flags & DESC_P_MASK);
}

static void check_gdt(Guest *g)
{
    CHECK_EQ(rd(g, PC_BOOT_GDT_ADDR, 8), 0);
    CHECK_EQ(rd(g, PC_BOOT_GDT_ADDR + 8, 8), 0);
    CHECK_EQ(rd(g, PC_BOOT_GDT_ADDR + 0x10, 8), 0x00cf9b000000ffffULL);
    CHECK_EQ(rd(g, PC_BOOT_GDT_ADDR + 0x18, 8), 0x00cf93000000ffffULL);
}

/* ---- bzImage ---- */

static void test_bzimage(void)
{
    Guest g;
    Error *err = NULL;
    PCKernelInfo info;
    uint8_t *img, *rd_data = pattern(10000, 5);
    size_t size;
    const char *cmdline = "console=ttyS0 root=/dev/ram0 quiet";
    char *kpath = bz_file(&bz_default, &img, &size);
    char *rpath = write_temp(rd_data, 10000);
    uint64_t bp = PC_BOOT_PARAMS_ADDR, setup = 4 * 512;

    guest_init(&g, 64 * MiB);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, rpath, cmdline, &g.env,
                            &info, &err),
             0);
    if (err) {
        printf("  %s\n", error_get_pretty(err));
        error_free(err);
    }
    CHECK(!info.multiboot);
    CHECK_EQ(info.protocol, 0x20f);
    CHECK_EQ(info.kernel_addr, 0x100000);
    CHECK_EQ(info.kernel_size, bz_default.prot_size);

    /* The image: setup at PC_SETUP_ADDR, protected-mode part at 1 MiB. */
    CHECK(guest_equals(&g, PC_SETUP_ADDR, img, setup));
    CHECK(guest_equals(&g, 0x100000, img + setup, bz_default.prot_size));

    /* boot_params: the setup header copied, loader fields filled. */
    CHECK_EQ(rd(&g, bp + 0x202, 4), 0x53726448);
    CHECK_EQ(rd(&g, bp + 0x206, 2), 0x20f);
    CHECK_EQ(rd(&g, bp + 0x1f1, 1), 3);
    CHECK_EQ(rd(&g, bp + 0x238, 4), 2047);
    CHECK_EQ(rd(&g, bp + 0x214, 4), 0x100000);
    CHECK_EQ(rd(&g, bp + 0x210, 1), 0xff);      /* type_of_loader */
    CHECK_EQ(rd(&g, bp + 0x211, 1), 0x81);      /* LOADED_HIGH|HEAP */
    CHECK_EQ(rd(&g, bp + 0x224, 2), 0xfe00);    /* heap_end_ptr */
    CHECK_EQ(rd(&g, bp + BZ_MARKER_OFF, 4), 0); /* past the header */
    CHECK_EQ(rd(&g, bp + 0x0f, 1), 0);          /* orig_video_isVGA */
    CHECK_EQ(rd(&g, bp + 0x06, 1), 0);          /* orig_video_mode */
    CHECK_EQ(rd(&g, bp + 0x02, 2), 63 * 1024);  /* ext_mem_k */
    CHECK_EQ(rd(&g, bp + 0x1e0, 4), 63 * 1024); /* alt_mem_k */
    CHECK_EQ(rd(&g, bp + 0xff8, 8), 0);         /* zeroed, not 0xaa */

    /* Command line. */
    CHECK_EQ(rd(&g, bp + 0x228, 4), PC_CMDLINE_ADDR);
    CHECK_STR(guest_string(&g, PC_CMDLINE_ADDR), cmdline);

    /* initrd: as high as possible, page aligned, below RAM's end. */
    uint64_t rd_addr = rd(&g, bp + 0x218, 4);
    CHECK_EQ(rd(&g, bp + 0x21c, 4), 10000);
    CHECK_EQ(rd_addr, (64 * MiB - 10000) & ~0xfffULL);
    CHECK_EQ(info.initrd_addr, rd_addr);
    CHECK(guest_equals(&g, rd_addr, rd_data, 10000));

    /* e820 */
    check_e820(&g, bp + 0x2d0, 20, 0, rd(&g, bp + 0x1e8, 1));

    /* GDT and CPU */
    check_gdt(&g);
    check_flat_protected_mode(&g.env, 0x100000);
    CHECK_EQ(g.env.regs[R_ESI], PC_BOOT_PARAMS_ADDR);
    CHECK_EQ(g.env.regs[R_EBP], 0);
    CHECK_EQ(g.env.regs[R_EDI], 0);
    CHECK_EQ(g.env.regs[R_EBX], 0);

    guest_cleanup(&g);
    free(img);
    free(rd_data);
    remove_temps();
}

static void test_bzimage_initrd_limits(void)
{
    Guest g;
    Error *err = NULL;
    BzParams p = bz_default;
    uint8_t *rd_data = pattern(3 * 4096 + 5, 9);
    char *kpath, *rpath = write_temp(rd_data, 3 * 4096 + 5);

    /* initrd_addr_max below the RAM's end bounds the initrd. */
    p.initrd_max = 0x37fffff;
    p.setup_sects = 0; /* means 4 */
    kpath = bz_file(&p, NULL, &(size_t){0});
    guest_init(&g, 128 * MiB);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, rpath, NULL, &g.env,
                            NULL, &err),
             0);
    CHECK_EQ(rd(&g, PC_BOOT_PARAMS_ADDR + 0x218, 4),
             (0x3800000 - (3 * 4096 + 5)) & ~0xfffULL);
    CHECK(guest_equals(&g, rd(&g, PC_BOOT_PARAMS_ADDR + 0x218, 4), rd_data,
                       3 * 4096 + 5));
    /* setup_sects 0 means 4: the kernel starts 5 sectors in. */
    CHECK_EQ(rd(&g, 0x100000, 1), (uint8_t)(5 * 512 * 7 + 1 + 10));
    /* No -append: an empty string, no initrd fields left as garbage. */
    CHECK_STR(guest_string(&g, PC_CMDLINE_ADDR), "");
    guest_cleanup(&g);

    /* RAM above 4 GiB shows up as a sixth e820 entry. */
    guest_init(&g, 64 * MiB);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 1 * GiB, kpath, NULL, "x",
                            &g.env, NULL, &err),
             0);
    CHECK_EQ(rd(&g, PC_BOOT_PARAMS_ADDR + 0x1e8, 1), 6);
    CHECK_EQ(rd(&g, PC_BOOT_PARAMS_ADDR + 0x2d0 + 5 * 20, 8), 4 * GiB);
    CHECK_EQ(rd(&g, PC_BOOT_PARAMS_ADDR + 0x2d0 + 5 * 20 + 8, 8), 1 * GiB);
    CHECK_EQ(rd(&g, PC_BOOT_PARAMS_ADDR + 0x218, 4), 0);
    CHECK_EQ(rd(&g, PC_BOOT_PARAMS_ADDR + 0x21c, 4), 0);
    guest_cleanup(&g);

    free(rd_data);
    remove_temps();
}

static void test_bzimage_errors(void)
{
    Guest g;
    Error *err = NULL;
    BzParams p;
    char *kpath, *rpath;
    uint8_t *big = calloc(1, 8 * MiB);

    guest_init(&g, 16 * MiB);

    p = bz_default;
    p.version = 0x205;
    kpath = bz_file(&p, NULL, &(size_t){0});
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, NULL, NULL, &g.env,
                            NULL, &err),
             -1);
    CHECK(error_has(err, "2.05 is too old"));
    err = NULL;

    p = bz_default;
    p.loadflags = 0;
    kpath = bz_file(&p, NULL, &(size_t){0});
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, NULL, NULL, &g.env,
                            NULL, &err),
             -1);
    CHECK(error_has(err, "zImage kernels are not supported"));
    err = NULL;

    /* init_size beyond the RAM. */
    p = bz_default;
    p.init_size = 100 * MiB;
    kpath = bz_file(&p, NULL, &(size_t){0});
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, NULL, NULL, &g.env,
                            NULL, &err),
             -1);
    CHECK(error_has(err, "kernel too large for RAM"));
    err = NULL;

    /* Relocatable kernel running at 8 MiB (pref_address) with 6 MiB of
     * init_size: an 8 MiB initrd no longer fits below 16 MiB. */
    p = bz_default;
    p.pref = 8 * MiB;
    p.init_size = 6 * MiB;
    kpath = bz_file(&p, NULL, &(size_t){0});
    rpath = write_temp(big, 8 * MiB);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, rpath, NULL, &g.env,
                            NULL, &err),
             -1);
    CHECK(error_has(err, "does not fit in RAM"));
    err = NULL;
    /* ... while 1 MiB does, above the kernel's 14 MiB. */
    rpath = write_temp(big, 1 * MiB);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, rpath, NULL, &g.env,
                            NULL, &err),
             0);
    CHECK_EQ(rd(&g, PC_BOOT_PARAMS_ADDR + 0x218, 4), 15 * MiB);

    p = bz_default;
    p.cmdline_size = 16;
    kpath = bz_file(&p, NULL, &(size_t){0});
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, NULL,
                            "this command line is too long", &g.env, NULL,
                            &err),
             -1);
    CHECK(error_has(err, "command line too long"));
    err = NULL;

    kpath = bz_file(&bz_default, NULL, &(size_t){0});
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath,
                            "/nonexistent/initrd.img", NULL, &g.env, NULL,
                            &err),
             -1);
    CHECK(error_has(err, "cannot open initrd '/nonexistent/initrd.img'"));
    err = NULL;

    /* Truncated: the setup claims more sectors than the file has. */
    p = bz_default;
    uint8_t *img = make_bzimage(&p, &(size_t){0});
    img[0x1f1] = 200;
    kpath = write_temp(img, 4096);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, NULL, NULL, &g.env,
                            NULL, &err),
             -1);
    CHECK(error_has(err, "truncated"));
    err = NULL;
    free(img);

    guest_cleanup(&g);
    free(big);
    remove_temps();
}

static void test_not_a_kernel(void)
{
    Guest g;
    Error *err = NULL;
    static const char text[] = "#!/bin/sh\necho this is not a kernel\n";
    uint8_t *zeros = calloc(1, 16384);
    char *path = write_temp(text, sizeof(text));

    guest_init(&g, 16 * MiB);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, path, NULL, NULL, &g.env,
                            NULL, &err),
             -1);
    CHECK(error_has(err, "is neither a Linux bzImage nor a multiboot "
                         "kernel"));
    err = NULL;

    path = write_temp(zeros, 16384);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, path, NULL, NULL, &g.env,
                            NULL, &err),
             -1);
    CHECK(error_has(err, "neither a Linux bzImage nor a multiboot"));
    err = NULL;

    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, "/nonexistent/vmlinuz", NULL,
                            NULL, &g.env, NULL, &err),
             -1);
    CHECK(error_has(err, "cannot open kernel '/nonexistent/vmlinuz': No "
                         "such file or directory"));
    err = NULL;

    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, "/tmp", NULL, NULL, &g.env,
                            NULL, &err),
             -1);
    CHECK(error_has(err, "not a regular file"));

    guest_cleanup(&g);
    free(zeros);
    remove_temps();
}

/* ---- multiboot ---- */

#define MB_MAGIC 0x1badb002

static void put_mb_header(uint8_t *p, uint32_t flags)
{
    stl_le_p(p, MB_MAGIC);
    stl_le_p(p + 4, flags);
    stl_le_p(p + 8, -(MB_MAGIC + flags));
}

/* Parse the multiboot mmap at addr/len into the e820 check's layout. */
static void check_mb_mmap(Guest *g, uint64_t addr, uint32_t len)
{
    CHECK_EQ(len, 5 * 24);
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(rd(g, addr + i * 24, 4), 20);
    }
    check_e820(g, addr, 24, 4, len / 24);
}

static void test_multiboot_aout(void)
{
    Guest g;
    Error *err = NULL;
    PCKernelInfo info;
    size_t ksize = 0x3000;
    uint8_t *img = pattern(ksize, 3);
    uint8_t *m1 = pattern(5000, 11), *m2 = pattern(4096, 13);
    uint32_t hoff = 0x840; /* found by the search */
    uint32_t load = 0x200000, file_off = 0x800;
    uint32_t load_end = load + (ksize - file_off) - 0x100;
    uint32_t bss_end = load_end + 0x2345;
    char *kpath, *p1 = write_temp(m1, 5000), *p2 = write_temp(m2, 4096);
    char mods[256], want_cmd[300];
    uint64_t mbi = PC_MB_INFO_ADDR;

    put_mb_header(img + hoff, 0x00010003);
    stl_le_p(img + hoff + 12, load + (hoff - file_off)); /* header_addr */
    stl_le_p(img + hoff + 16, load);
    stl_le_p(img + hoff + 20, load_end);
    stl_le_p(img + hoff + 24, bss_end);
    stl_le_p(img + hoff + 28, load + 0x60); /* entry */
    kpath = write_temp(img, ksize);
    snprintf(mods, sizeof(mods), "%s arg1 x,%s a,,b", p1, p2);

    guest_init(&g, 64 * MiB);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, mods, "hello=1",
                            &g.env, &info, &err),
             0);
    if (err) {
        printf("  %s\n", error_get_pretty(err));
        error_free(err);
    }
    CHECK(info.multiboot);
    CHECK_EQ(info.nr_modules, 2);

    /* Kernel: the file from load_addr's offset up to load_end, bss zero. */
    CHECK(guest_equals(&g, load, img + file_off, load_end - load));
    CHECK_EQ(rd(&g, load_end, 8), 0);
    CHECK_EQ(rd(&g, bss_end - 8, 8), 0);
    CHECK_EQ(rd(&g, bss_end, 1), 0xaa); /* untouched past the bss */

    /* CPU */
    check_gdt(&g);
    check_flat_protected_mode(&g.env, load + 0x60);
    CHECK_EQ(g.env.regs[R_EAX], 0x2badb002);
    CHECK_EQ(g.env.regs[R_EBX], PC_MB_INFO_ADDR);

    /* Multiboot information */
    CHECK_EQ(rd(&g, mbi, 4), 0x24d); /* MEM CMDLINE MODS MMAP NAME */
    CHECK_EQ(rd(&g, mbi + 4, 4), PC_LOW_RAM_END / 1024); /* 632 */
    CHECK_EQ(rd(&g, mbi + 8, 4), 63 * 1024);
    snprintf(want_cmd, sizeof(want_cmd), "%s hello=1", kpath);
    CHECK_STR(guest_string(&g, rd(&g, mbi + 16, 4)), want_cmd);
    CHECK_STR(guest_string(&g, rd(&g, mbi + 64, 4)), "emu");
    CHECK_EQ(rd(&g, mbi + 20, 4), 2);
    uint64_t ml = rd(&g, mbi + 24, 4);
    uint64_t s0 = rd(&g, ml, 4), e0 = rd(&g, ml + 4, 4);
    uint64_t s1 = rd(&g, ml + 16, 4), e1 = rd(&g, ml + 20, 4);
    CHECK_EQ(s0, (bss_end + 0xfff) & ~0xfffu);
    CHECK_EQ(e0 - s0, 5000);
    CHECK(guest_equals(&g, s0, m1, 5000));
    CHECK_EQ(s1 & 0xfff, 0);
    CHECK(s1 >= e0);
    CHECK_EQ(e1 - s1, 4096);
    CHECK(guest_equals(&g, s1, m2, 4096));
    snprintf(want_cmd, sizeof(want_cmd), "%s arg1 x", p1);
    CHECK_STR(guest_string(&g, rd(&g, ml + 8, 4)), want_cmd);
    snprintf(want_cmd, sizeof(want_cmd), "%s a,b", p2);
    CHECK_STR(guest_string(&g, rd(&g, ml + 24, 4)), want_cmd);
    check_mb_mmap(&g, rd(&g, mbi + 48, 4), rd(&g, mbi + 44, 4));

    /* Errors: a module that is missing, one that does not fit, a kernel
     * below 1 MiB, the video-mode requirement. */
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, "/nonexistent/mod",
                            NULL, &g.env, NULL, &err),
             -1);
    CHECK(error_has(err, "cannot open multiboot module '/nonexistent/mod'"));
    err = NULL;
    uint8_t *big = calloc(1, 3 * MiB);
    char *pbig = write_temp(big, 3 * MiB);
    free(big);
    guest_cleanup(&g);
    guest_init(&g, 4 * MiB);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, pbig, NULL, &g.env,
                            NULL, &err),
             -1);
    CHECK(error_has(err, "does not fit in RAM"));
    err = NULL;
    guest_cleanup(&g);

    guest_init(&g, 64 * MiB);
    /* Below 1 MiB it must be all low RAM: this one runs into the
     * ACPI tables at PC_LOW_RAM_END. */
    stl_le_p(img + hoff + 12, 0x9d000 + (hoff - file_off));
    stl_le_p(img + hoff + 16, 0x9d000);
    stl_le_p(img + hoff + 20, 0);
    stl_le_p(img + hoff + 24, 0);
    kpath = write_temp(img, ksize);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, NULL, NULL, &g.env,
                            NULL, &err),
             -1);
    CHECK(error_has(err, "not all low RAM"));
    err = NULL;

    put_mb_header(img + hoff, 0x00010007);
    kpath = write_temp(img, ksize);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, NULL, NULL, &g.env,
                            NULL, &err),
             -1);
    CHECK(error_has(err, "video mode"));
    err = NULL;

    /* A bad checksum is no multiboot header at all. */
    put_mb_header(img + hoff, 0x00010003);
    stl_le_p(img + hoff + 8, 0);
    kpath = write_temp(img, ksize);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, NULL, NULL, &g.env,
                            NULL, &err),
             -1);
    CHECK(error_has(err, "neither"));

    guest_cleanup(&g);
    free(img);
    free(m1);
    free(m2);
    remove_temps();
}

/* An ELF32 executable: header, two program headers, two segments. */
static uint8_t *make_elf(size_t *size, uint8_t class)
{
    size_t sz = 0x3000;
    uint8_t *e = calloc(1, sz);

    memcpy(e,
           "\x7f"
           "ELF",
           4);
    e[4] = class;
    e[5] = 1; /* little-endian */
    e[6] = 1;
    stw_le_p(e + 16, 2); /* ET_EXEC */
    stw_le_p(e + 18, 3); /* EM_386 */
    stl_le_p(e + 20, 1);
    stl_le_p(e + 24, 0xc0100020); /* entry, virtual */
    stl_le_p(e + 28, 52);         /* phoff */
    stw_le_p(e + 40, 52);
    stw_le_p(e + 42, 32); /* phentsize */
    stw_le_p(e + 44, 3);  /* phnum */
    /* ph0: text, file 0x1000+0x800 -> 0x100000 (virt 0xc0100000), bss */
    uint8_t *ph = e + 52;
    stl_le_p(ph, 1);
    stl_le_p(ph + 4, 0x1000);
    stl_le_p(ph + 8, 0xc0100000);
    stl_le_p(ph + 12, 0x100000);
    stl_le_p(ph + 16, 0x800);
    stl_le_p(ph + 20, 0x1800);
    /* ph1: PT_NOTE, ignored */
    stl_le_p(ph + 32, 4);
    stl_le_p(ph + 32 + 4, 0x2000);
    stl_le_p(ph + 32 + 16, 0x10);
    /* ph2: data, file 0x2000+0x100 -> 0x300000 */
    stl_le_p(ph + 64, 1);
    stl_le_p(ph + 64 + 4, 0x2000);
    stl_le_p(ph + 64 + 8, 0xc0300000);
    stl_le_p(ph + 64 + 12, 0x300000);
    stl_le_p(ph + 64 + 16, 0x100);
    stl_le_p(ph + 64 + 20, 0x100);
    for (int i = 0; i < 0x800; i++) {
        e[0x1000 + i] = i * 3;
    }
    for (int i = 0; i < 0x100; i++) {
        e[0x2000 + i] = 0x80 + i;
    }
    /* The multiboot header inside the text, no a.out kludge. */
    put_mb_header(e + 0x1004, 0x00000003);
    *size = sz;
    return e;
}

/* A kernel below 1 MiB (kvm-unit-tests' realmode test loads at 16 KiB):
 * loaded, and the loader's info and strings move out of its way (it
 * covers the usual info area at 0x9000); modules go above 1 MiB.  Low
 * kernels that touch the first page or run past low RAM are refused. */
static void test_multiboot_low(void)
{
    Guest g;
    Error *err = NULL;
    PCKernelInfo info;
    size_t ksize = 0x6000;
    uint8_t *img = pattern(ksize, 5), *m1 = pattern(3000, 7);
    uint32_t hoff = 0x40, load = 0x4000;
    char *kpath, *p1 = write_temp(m1, 3000);

    put_mb_header(img + hoff, 0x00010003);
    stl_le_p(img + hoff + 12, load + hoff); /* header_addr */
    stl_le_p(img + hoff + 16, load);
    stl_le_p(img + hoff + 20, 0);           /* load the whole file */
    stl_le_p(img + hoff + 24, 0);
    stl_le_p(img + hoff + 28, load + 0x100); /* entry */
    kpath = write_temp(img, ksize);

    guest_init(&g, 64 * MiB);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, p1, "lo=1", &g.env,
                            &info, &err),
             0);
    if (err) {
        printf("  %s\n", error_get_pretty(err));
        error_free(err);
        err = NULL;
    }
    CHECK(guest_equals(&g, load, img, ksize));
    uint64_t mbi = g.env.regs[R_EBX];
    CHECK_EQ(mbi, 0xa000);                  /* after the kernel's end */
    CHECK_EQ(g.env.regs[R_EAX], 0x2badb002);
    uint64_t cmd = rd(&g, mbi + 16, 4);
    CHECK(cmd >= 0xa000 && cmd < PC_LOW_RAM_END);
    CHECK_EQ(rd(&g, mbi + 20, 4), 1);       /* one module */
    uint64_t mod = rd(&g, rd(&g, mbi + 24, 4), 4);
    CHECK(mod >= PC_KERNEL_ADDR);
    CHECK(guest_equals(&g, mod, m1, 3000));
    check_flat_protected_mode(&g.env, load + 0x100);

    /* In the first page, or across the end of low RAM: refused. */
    static const uint32_t bad[][2] = {{0x800, 0x1000}, {0x9a000, 0x6000}};
    for (int i = 0; i < 2; i++) {
        load = bad[i][0];
        ksize = bad[i][1];
        uint8_t *b = pattern(ksize, 9);
        put_mb_header(b + hoff, 0x00010003);
        stl_le_p(b + hoff + 12, load + hoff);
        stl_le_p(b + hoff + 16, load);
        stl_le_p(b + hoff + 20, 0);
        stl_le_p(b + hoff + 24, 0);
        stl_le_p(b + hoff + 28, load);
        kpath = write_temp(b, ksize);
        CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, NULL, "", &g.env,
                                &info, &err),
                 -1);
        CHECK(error_has(err, "not all low RAM"));
        err = NULL;
        free(b);
    }
    guest_cleanup(&g);
    free(img);
    free(m1);
    remove_temps();
}

static void test_multiboot_elf(void)
{
    Guest g;
    Error *err = NULL;
    PCKernelInfo info;
    size_t size;
    uint8_t *elf = make_elf(&size, 1);
    char *kpath = write_temp(elf, size);
    char *mpath = write_temp("module", 6);

    guest_init(&g, 32 * MiB);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, mpath, NULL, &g.env,
                            &info, &err),
             0);
    if (err) {
        printf("  %s\n", error_get_pretty(err));
        error_free(err);
        err = NULL;
    }
    CHECK(info.multiboot);
    CHECK_EQ(info.kernel_addr, 0x100000);
    CHECK_EQ(info.kernel_size, 0x200100);
    CHECK(guest_equals(&g, 0x100000, elf + 0x1000, 0x800));
    CHECK_EQ(rd(&g, 0x100800, 8), 0); /* bss */
    CHECK_EQ(rd(&g, 0x1017f8, 8), 0);
    CHECK(guest_equals(&g, 0x300000, elf + 0x2000, 0x100));
    /* The virtual entry point, translated into its segment. */
    check_flat_protected_mode(&g.env, 0x100020);
    CHECK_EQ(g.env.regs[R_EAX], 0x2badb002);
    /* The module after the highest segment. */
    uint64_t ml = rd(&g, PC_MB_INFO_ADDR + 24, 4);
    CHECK_EQ(rd(&g, PC_MB_INFO_ADDR + 20, 4), 1);
    CHECK_EQ(rd(&g, ml, 4), 0x301000);
    CHECK_EQ(rd(&g, ml + 4, 4), 0x301006);
    CHECK_STR(guest_string(&g, rd(&g, PC_MB_INFO_ADDR + 16, 4)), kpath);
    guest_cleanup(&g);

    /* ELF64 and a segment past the end of RAM are refused. */
    guest_init(&g, 2 * MiB);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, NULL, NULL, &g.env,
                            NULL, &err),
             -1);
    CHECK(error_has(err, "kernel too large for RAM"));
    err = NULL;
    elf[4] = 2;
    kpath = write_temp(elf, size);
    CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, kpath, NULL, NULL, &g.env,
                            NULL, &err),
             -1);
    CHECK(error_has(err, "64-bit ELF"));
    err = NULL;
    guest_cleanup(&g);

    free(elf);
    remove_temps();
}

/* ---- ACPI ---- */

static void check_table(Guest *g, uint64_t addr, const char *sig, uint32_t len)
{
    uint8_t buf[ACPI_TABLES_SIZE];
    char s[5] = {0};

    address_space_read(&g->as, addr, s, 4);
    CHECK_STR(s, sig);
    CHECK_EQ(rd(g, addr + 4, 4), len);
    assert(len <= sizeof(buf));
    address_space_read(&g->as, addr, buf, len);
    CHECK_EQ(acpi_checksum(buf, len), 0);
}

static void test_acpi_tables(void)
{
    Guest g;
    Error *err = NULL;
    AcpiPmConfig pm = ACPI_PM_CONFIG_PIIX4;
    /* The DSDT's PCI part has its own test (test-acpi-dsdt.c). */
    AcpiPciConfig pci = {.mem_start = 16 * MiB,
                         .mem_end = 0xfebfffff,
                         .pirq_irq = {10, 10, 11, 11},
                         .pirq_swizzle = 3};
    uint64_t rsdp = 0, t = PC_ACPI_TABLES_ADDR;
    uint8_t buf[20];

    guest_init(&g, 16 * MiB);
    CHECK_EQ(acpi_build_tables(&g.as, t, PC_ACPI_RSDP_ADDR, &pm, &pci, NULL, &err),
             0);
    CHECK(t + ACPI_TABLES_SIZE <= PC_ACPI_TABLES_END);

    /* Find the RSDP as an OS does: on 16-byte boundaries of the BIOS
     * area, signature and checksum. */
    for (uint64_t a = 0xe0000; a < 0x100000; a += 16) {
        address_space_read(&g.as, a, buf, 20);
        if (!memcmp(buf, "RSD PTR ", 8) && acpi_checksum(buf, 20) == 0) {
            rsdp = a;
            break;
        }
    }
    CHECK_EQ(rsdp, PC_ACPI_RSDP_ADDR);
    CHECK_EQ(rd(&g, rsdp + 15, 1), 0); /* ACPI 1.0 */
    /* It went into the ROM, which the guest cannot overwrite. */
    CHECK(!memcmp(memory_region_get_ram_ptr(&g.bios), "RSD PTR ", 8));

    uint64_t rsdt = rd(&g, rsdp + 16, 4);
    CHECK_EQ(rsdt, t + ACPI_RSDT_OFFSET);
    check_table(&g, rsdt, "RSDT", 40);
    uint64_t fadt = rd(&g, rsdt + 36, 4);
    check_table(&g, fadt, "FACP", 116);
    CHECK_EQ(rd(&g, fadt + 8, 1), 1);       /* revision */
    CHECK_EQ(rd(&g, fadt + 46, 2), 9);      /* SCI_INT */
    CHECK_EQ(rd(&g, fadt + 48, 4), 0);      /* SMI_CMD */
    CHECK_EQ(rd(&g, fadt + 56, 4), 0xb000); /* PM1a_EVT_BLK */
    CHECK_EQ(rd(&g, fadt + 60, 4), 0);      /* PM1b_EVT_BLK */
    CHECK_EQ(rd(&g, fadt + 64, 4), 0xb004); /* PM1a_CNT_BLK */
    CHECK_EQ(rd(&g, fadt + 76, 4), 0xb008); /* PM_TMR_BLK */
    CHECK_EQ(rd(&g, fadt + 80, 4), 0xafe0); /* GPE0_BLK */
    CHECK_EQ(rd(&g, fadt + 88, 1), 4);      /* PM1_EVT_LEN */
    CHECK_EQ(rd(&g, fadt + 89, 1), 2);      /* PM1_CNT_LEN */
    CHECK_EQ(rd(&g, fadt + 91, 1), 4);      /* PM_TM_LEN */
    CHECK_EQ(rd(&g, fadt + 92, 1), 4);      /* GPE0_BLK_LEN */
    CHECK_EQ(rd(&g, fadt + 112, 4) & 1, 1); /* WBINVD */

    uint64_t facs = rd(&g, fadt + 36, 4);
    CHECK_EQ(facs & 63, 0);
    CHECK_EQ(rd(&g, facs, 4), 0x53434146); /* "FACS" */
    CHECK_EQ(rd(&g, facs + 4, 4), 64);

    uint64_t dsdt = rd(&g, fadt + 40, 4);
    CHECK(dsdt + rd(&g, dsdt + 4, 4) <= t + ACPI_TABLES_SIZE);
    check_table(&g, dsdt, "DSDT", rd(&g, dsdt + 4, 4));
    static const uint8_t s5[] = {0x08, '_',  'S',  '5',  '_',  0x12,
                                 0x06, 0x04, 0x00, 0x00, 0x00, 0x00};
    CHECK(guest_equals(&g, dsdt + 36, s5, sizeof(s5)));

    /* The e820 map covers the tables with a non-RAM type. */
    PCE820Entry e[PC_E820_MAX];
    int n = pc_e820_build(e, g.ram_size, 0);
    bool covered = false;
    for (int i = 0; i < n; i++) {
        if (e[i].addr <= t && t + ACPI_TABLES_SIZE <= e[i].addr + e[i].size) {
            covered = e[i].type == E820_ACPI || e[i].type == E820_RESERVED;
        }
    }
    CHECK(covered);

    /* With an SMI command port the enable values are passed on. */
    pm.smi_cmd = 0xb2;
    pm.acpi_enable = 0xf1;
    pm.acpi_disable = 0xf0;
    CHECK_EQ(acpi_build_tables(&g.as, t, PC_ACPI_RSDP_ADDR, &pm, &pci, NULL, &err),
             0);
    check_table(&g, fadt, "FACP", 116);
    CHECK_EQ(rd(&g, fadt + 48, 4), 0xb2);
    CHECK_EQ(rd(&g, fadt + 52, 1), 0xf1);
    CHECK_EQ(rd(&g, fadt + 53, 1), 0xf0);

    /* Errors: RSDP outside the scanned area or misaligned, no memory. */
    CHECK_EQ(acpi_build_tables(&g.as, t, 0xe0008, &pm, &pci, NULL, &err), -1);
    CHECK(error_has(err, "16-byte"));
    err = NULL;
    CHECK_EQ(acpi_build_tables(&g.as, t, 0x9000, &pm, &pci, NULL, &err), -1);
    CHECK(error_has(err, "0xe0000-0xfffff"));
    err = NULL;
    CHECK_EQ(acpi_build_tables(&g.as, 0x80000000, PC_ACPI_RSDP_ADDR, &pm, &pci,
                               NULL, &err),
             -1);
    CHECK(error_has(err, "cannot write ACPI tables"));

    guest_cleanup(&g);
}

/* The MADT and the HPET table: what pc-irq.c wires, as SeaBIOS's
 * legacy tables describe it. */
static void test_acpi_madt_hpet(void)
{
    Guest g;
    Error *err = NULL;
    AcpiPmConfig pm = ACPI_PM_CONFIG_PIIX4;
    AcpiPciConfig pci = {.mem_start = 16 * MiB,
                         .mem_end = 0xfebfffff,
                         .pirq_irq = {10, 10, 11, 11},
                         .pirq_swizzle = 3};
    /* Sparse IDs, as -smp 2,cores=... topologies make them. */
    AcpiApicConfig apic = {.nr_cpus = 2,
                           .apic_ids = {0, 4},
                           .lapic_addr = 0xfee00000,
                           .ioapic_addr = 0xfec00000,
                           .ioapic_id = 0,
                           .level_irqs = (1u << 9) | (1u << 10) | (1u << 11),
                           .hpet_addr = 0xfed00000,
                           .hpet_block_id = 0x8086a201};
    uint64_t t = PC_ACPI_TABLES_ADDR;

    guest_init(&g, 16 * MiB);
    CHECK_EQ(acpi_build_tables(&g.as, t, PC_ACPI_RSDP_ADDR, &pm, &pci, &apic,
                               &err),
             0);
    uint64_t rsdt = t + ACPI_RSDT_OFFSET;
    check_table(&g, rsdt, "RSDT", 36 + 3 * 4);
    uint64_t fadt = rd(&g, rsdt + 36, 4);
    CHECK_EQ(rd(&g, fadt + 44, 1), 1);      /* INT_MODEL: APIC */
    uint64_t madt = rd(&g, rsdt + 40, 4);
    /* 44 + 2 local APICs + I/O APIC + 4 overrides + LINT1 NMI */
    uint32_t len = 44 + 2 * 8 + 12 + 4 * 10 + 6;
    check_table(&g, madt, "APIC", len);
    CHECK_EQ(rd(&g, madt + 36, 4), 0xfee00000);
    CHECK_EQ(rd(&g, madt + 40, 4), 1);      /* PCAT_COMPAT */
    uint64_t p = madt + 44;
    for (int i = 0; i < 2; i++, p += 8) {
        CHECK_EQ(rd(&g, p, 1), 0);
        CHECK_EQ(rd(&g, p + 1, 1), 8);
        CHECK_EQ(rd(&g, p + 2, 1), i);      /* processor ID */
        CHECK_EQ(rd(&g, p + 3, 1), i * 4);  /* APIC ID */
        CHECK_EQ(rd(&g, p + 4, 4), 1);      /* enabled */
    }
    CHECK_EQ(rd(&g, p, 1), 1);              /* I/O APIC */
    CHECK_EQ(rd(&g, p + 4, 4), 0xfec00000);
    CHECK_EQ(rd(&g, p + 8, 4), 0);          /* GSI base */
    p += 12;
    CHECK_EQ(rd(&g, p, 1), 2);              /* IRQ 0 -> GSI 2 */
    CHECK_EQ(rd(&g, p + 3, 1), 0);
    CHECK_EQ(rd(&g, p + 4, 4), 2);
    CHECK_EQ(rd(&g, p + 8, 2), 0);
    p += 10;
    static const int level[] = {9, 10, 11};
    for (int i = 0; i < 3; i++, p += 10) {
        CHECK_EQ(rd(&g, p + 3, 1), level[i]);
        CHECK_EQ(rd(&g, p + 4, 4), level[i]);
        CHECK_EQ(rd(&g, p + 8, 2), 0xd);    /* level, active high */
    }
    CHECK_EQ(rd(&g, p, 1), 4);              /* local APIC NMI */
    CHECK_EQ(rd(&g, p + 2, 1), 0xff);
    CHECK_EQ(rd(&g, p + 5, 1), 1);          /* LINT1 */

    uint64_t hpet = rd(&g, rsdt + 44, 4);
    check_table(&g, hpet, "HPET", 56);
    CHECK_EQ(rd(&g, hpet + 36, 4), 0x8086a201);
    CHECK_EQ(rd(&g, hpet + 44, 4), 0xfed00000);
    CHECK_EQ(rd(&g, hpet + 48, 4), 0);

    /* No local APIC (a 486): no MADT, 8259 model; no HPET either. */
    apic.nr_cpus = 0;
    apic.hpet_addr = 0;
    CHECK_EQ(acpi_build_tables(&g.as, t, PC_ACPI_RSDP_ADDR, &pm, &pci, &apic,
                               &err),
             0);
    check_table(&g, rsdt, "RSDT", 40);
    CHECK_EQ(rd(&g, fadt + 44, 1), 0);
    guest_cleanup(&g);
}

/* ---- Debian kernels from the guest cache ---- */

/* The cache scripts/fetch-guests.sh fills: $EMU_GUEST_CACHE, else
 * ${XDG_CACHE_HOME:-$HOME/.cache}/emu-guests. */
static const char *guest_cache_dir(void)
{
    static char buf[4096];
    const char *d = getenv("EMU_GUEST_CACHE");
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (d && *d) {
        return d;
    }
    if (xdg && *xdg) {
        snprintf(buf, sizeof(buf), "%s/emu-guests", xdg);
    } else if (home && *home) {
        snprintf(buf, sizeof(buf), "%s/.cache/emu-guests", home);
    } else {
        return NULL;
    }
    return buf;
}

static void test_debian_kernels(void)
{
    const char *dir = guest_cache_dir();
    char pat[4096 + 64];
    glob_t gl;
    int found = 0;
    uint8_t *rd_data = pattern(1 * MiB + 123, 17);
    char *rpath = write_temp(rd_data, 1 * MiB + 123);
    const char *cmdline = "console=ttyS0 panic=-1 emu-test";

    /* Kernels at the top of the cache, or where fetch-guests.sh unpacks
     * the Debian packages (root-<arch>/kernel/boot/). */
    snprintf(pat, sizeof(pat), "%s/vmlinuz-*", dir ? dir : "");
    int g1 = dir ? glob(pat, 0, NULL, &gl) : GLOB_NOMATCH;
    snprintf(pat, sizeof(pat), "%s/root-*/kernel/boot/vmlinuz-*",
             dir ? dir : "");
    if (dir && glob(pat, g1 == 0 ? GLOB_APPEND : 0, NULL, &gl) == 0) {
        g1 = 0;
    }
    if (g1 == 0) {
        for (size_t i = 0; i < gl.gl_pathc; i++) {
            const char *k = gl.gl_pathv[i];
            Guest g;
            Error *err = NULL;
            PCKernelInfo info;
            uint64_t bp = PC_BOOT_PARAMS_ADDR;

            if (!strstr(k, "-686") && !strstr(k, "-amd64")) {
                continue;
            }
            found++;
            printf("  loading %s\n", k);
            guest_init(&g, 512 * MiB);
            CHECK_EQ(pc_load_kernel(&g.as, g.ram_size, 0, k, rpath, cmdline,
                                    &g.env, &info, &err),
                     0);
            if (err) {
                printf("  %s: %s\n", k, error_get_pretty(err));
                error_free(err);
                guest_cleanup(&g);
                continue;
            }
            printf("  protocol %x, %" PRIu64 " bytes, init_size 0x%x\n",
                   info.protocol, info.kernel_size,
                   (unsigned)rd(&g, bp + 0x260, 4));
            CHECK(info.protocol >= 0x20a);
            CHECK_EQ(rd(&g, bp + 0x202, 4), 0x53726448);
            CHECK_EQ(rd(&g, bp + 0x206, 2), info.protocol);
            CHECK_EQ(rd(&g, bp + 0x214, 4), 0x100000);
            CHECK_EQ(rd(&g, bp + 0x211, 1) & 0x81, 0x81);
            CHECK_STR(guest_string(&g, rd(&g, bp + 0x228, 4)), cmdline);
            uint64_t ra = rd(&g, bp + 0x218, 4);
            CHECK_EQ(rd(&g, bp + 0x21c, 4), 1 * MiB + 123);
            CHECK(ra + 1 * MiB + 123 <= rd(&g, bp + 0x22c, 4) + 1ULL);
            CHECK(ra + 1 * MiB + 123 <= g.ram_size);
            CHECK(ra >= 0x1000000 + rd(&g, bp + 0x260, 4));
            CHECK(guest_equals(&g, ra, rd_data, 1 * MiB + 123));
            CHECK_EQ(rd(&g, bp + 0x1e8, 1), 5);
            check_flat_protected_mode(&g.env, 0x100000);
            guest_cleanup(&g);
        }
        globfree(&gl);
    }
    if (!found) {
        printf("SKIP: no Debian kernels in %s (run scripts/fetch-guests.sh)\n",
               dir ? dir : "$EMU_GUEST_CACHE (not set)");
    }
    free(rd_data);
    remove_temps();
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_bzimage);
    TEST_RUN(test_bzimage_initrd_limits);
    TEST_RUN(test_bzimage_errors);
    TEST_RUN(test_not_a_kernel);
    TEST_RUN(test_multiboot_aout);
    TEST_RUN(test_multiboot_low);
    TEST_RUN(test_multiboot_elf);
    TEST_RUN(test_acpi_tables);
    TEST_RUN(test_acpi_madt_hpet);
    TEST_RUN(test_debian_kernels);
    return test_finish();
}
