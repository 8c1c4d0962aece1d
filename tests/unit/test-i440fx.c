/*
 * i440FX host bridge: configuration mechanism #1, PAM shadowing, SMRAM, and
 * the PIIX3 reset control register behind 0xCF9.
 */
#include "tests/unit/pci-fixture.h"
#include "emu/main-loop.h"

#define DEVFN_HOST PCI_DEVFN(0, 0)
#define DEVFN_ISA PCI_DEVFN(1, 0)
#define DEVFN_PM PCI_DEVFN(1, 3)

static void test_conf_mech1(void)
{
    PCFixture f;
    fixture_init(&f);

    /* Host bridge IDs as dword, words and bytes at every offset. */
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x00, 4), 0x12378086);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x00, 2), 0x8086);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x02, 2), 0x1237);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x01, 1), 0x80);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x03, 1), 0x12);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x08, 4), 0x06000002);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x0a, 2), 0x0600);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x0e, 1), 0x00);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x72, 1), 0x02);

    /* PIIX3 (multi-function header) and the PM function 01.3. */
    CHECK_EQ(cfg_read(&f, DEVFN_ISA, 0x00, 4), 0x70008086);
    CHECK_EQ(cfg_read(&f, DEVFN_ISA, 0x0a, 2), 0x0601);
    CHECK_EQ(cfg_read(&f, DEVFN_ISA, 0x0e, 1), 0x80);
    CHECK_EQ(cfg_read(&f, DEVFN_PM, 0x00, 4), 0x71138086);
    CHECK_EQ(cfg_read(&f, DEVFN_PM, 0x08, 4), 0x06800003);

    /* Absent devices, other buses and a disabled address read all ones. */
    CHECK_EQ(cfg_read(&f, PCI_DEVFN(5, 0), 0x00, 4), 0xffffffff);
    CHECK_EQ(cfg_read(&f, PCI_DEVFN(5, 0), 0x02, 2), 0xffff);
    CHECK_EQ(cfg_read(&f, PCI_DEVFN(1, 2), 0x00, 1), 0xff);
    outl(&f.tb, 0xcf8, 0x80010000); /* bus 1 */
    CHECK_EQ(inl(&f.tb, 0xcfc), 0xffffffff);
    outl(&f.tb, 0xcf8, 0x00000000); /* enable bit clear */
    CHECK_EQ(inl(&f.tb, 0xcfc), 0xffffffff);
    CHECK_EQ(inw(&f.tb, 0xcfe), 0xffff);

    /* The address register: dword only, reserved bits read 0. */
    outl(&f.tb, 0xcf8, 0x80000810);
    CHECK_EQ(inl(&f.tb, 0xcf8), 0x80000810);
    outl(&f.tb, 0xcf8, 0xffffffff);
    CHECK_EQ(inl(&f.tb, 0xcf8), 0x80fffffc);
    outl(&f.tb, 0xcf8, 0x80000000);
    outb(&f.tb, 0xcfb, 0x01); /* Linux's type-1 probe: not the register */
    outw(&f.tb, 0xcf8, 0x1234);
    CHECK_EQ(inl(&f.tb, 0xcf8), 0x80000000);

    /* Byte and word writes land at the right offset of the dword. */
    cfg_write(&f, DEVFN_ISA, 0x61, 1, 0x0b);
    cfg_write(&f, DEVFN_ISA, 0x62, 2, 0x0a0c);
    CHECK_EQ(cfg_read(&f, DEVFN_ISA, 0x60, 4), 0x0a0c0b80);
    cfg_write(&f, DEVFN_ISA, 0x60, 4, 0x80808080);
    CHECK_EQ(cfg_read(&f, DEVFN_ISA, 0x60, 4), 0x80808080);

    /* Read-only IDs stay. */
    cfg_write(&f, DEVFN_HOST, 0x00, 4, 0);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x00, 4), 0x12378086);

    fixture_cleanup(&f);
}

/* PAM register and nibble of the segment holding addr. */
static void pam_set(PCFixture *f, uint32_t addr, int mode)
{
    int reg, shift;
    if (addr >= 0xf0000) {
        reg = 0x59;
        shift = 4;
    } else {
        int seg = (addr - 0xc0000) / 0x4000;
        reg = 0x5a + seg / 2;
        shift = (seg & 1) * 4;
    }
    uint8_t v = cfg_read(f, DEVFN_HOST, reg, 1);
    v = (v & ~(0xf << shift)) | (mode << shift);
    cfg_write(f, DEVFN_HOST, reg, 1, v);
}

static void check_pam_segment(PCFixture *f, uint32_t addr)
{
    uint8_t *ram = memory_region_get_ram_ptr(&f->tb.ram);
    uint8_t rom = rom_byte(addr - 0xe0000);
    bool has_rom = addr >= 0xe0000;
    uint8_t pci = has_rom ? rom : 0xff; /* nothing there on PCI below E0000 */

    ram[addr] = 0x11;
    ram[addr + 1] = 0x22;

    /* Disabled: PCI (the BIOS alias) for reads and writes. */
    pam_set(f, addr, 0);
    CHECK_EQ(mem_read(f, addr, 1), pci);
    mem_write(f, addr, 1, 0x99);
    CHECK_EQ(ram[addr], 0x11);
    CHECK_EQ(mem_read(f, addr, 1), pci);

    /* Read-only: RAM reads, writes do not reach RAM. */
    pam_set(f, addr, 1);
    CHECK_EQ(mem_read(f, addr, 2), 0x2211);
    mem_write(f, addr, 1, 0x99);
    CHECK_EQ(ram[addr], 0x11);
    CHECK_EQ(mem_read(f, addr, 1), 0x11);

    /* Write-only: PCI reads, RAM takes the writes (shadow copying). */
    pam_set(f, addr, 2);
    CHECK_EQ(mem_read(f, addr, 1), pci);
    mem_write(f, addr, 2, 0x7766);
    CHECK_EQ(ram[addr], 0x66);
    CHECK_EQ(ram[addr + 1], 0x77);
    CHECK_EQ(mem_read(f, addr, 1), pci);

    /* Read/write: RAM. */
    pam_set(f, addr, 3);
    CHECK_EQ(mem_read(f, addr, 2), 0x7766);
    mem_write(f, addr, 1, 0x44);
    CHECK_EQ(ram[addr], 0x44);
    CHECK_EQ(mem_read(f, addr, 1), 0x44);

    /* Back to PCI: the ROM is intact. */
    pam_set(f, addr, 0);
    CHECK_EQ(mem_read(f, addr, 1), pci);
}

static void test_pam_modes(void)
{
    PCFixture f;
    fixture_init(&f);
    uint8_t *ram = memory_region_get_ram_ptr(&f.tb.ram);

    /* After reset every segment shows PCI: the BIOS at 0xE0000-0xFFFFF. */
    CHECK_EQ(mem_read(&f, 0xffff0, 1), rom_byte(0x1fff0));
    CHECK_EQ(mem_read(&f, 0xe0000, 4),
             rom_byte(0) | rom_byte(1) << 8 | rom_byte(2) << 16 |
                 (uint32_t)rom_byte(3) << 24);
    CHECK_EQ(mem_read(&f, 0xc0000, 1), 0xff);

    check_pam_segment(&f, 0xc0000);
    check_pam_segment(&f, 0xc4000);
    check_pam_segment(&f, 0xe0000);
    check_pam_segment(&f, 0xec000);
    check_pam_segment(&f, 0xf0000);

    /* Segment boundaries: 0xE0000 RAM leaves 0xE4000 and 0xDC000 on PCI. */
    ram[0xe3fff] = 0x5e;
    pam_set(&f, 0xe0000, 3);
    CHECK_EQ(mem_read(&f, 0xe3fff, 1), 0x5e);
    CHECK_EQ(mem_read(&f, 0xe4000, 1), rom_byte(0x4000));
    CHECK_EQ(mem_read(&f, 0xdc000, 1), 0xff);
    /* The F segment is one 64 KiB piece. */
    ram[0xfffff] = 0x3f;
    ram[0xf0000] = 0x30;
    pam_set(&f, 0xf0000, 3);
    CHECK_EQ(mem_read(&f, 0xfffff, 1), 0x3f);
    CHECK_EQ(mem_read(&f, 0xf0000, 1), 0x30);
    CHECK_EQ(mem_read(&f, 0xeffff, 1), rom_byte(0xffff));
    /* The reset vector copy at the top of 4 GiB never moves. */
    CHECK_EQ(mem_read(&f, 0xfffffff0, 1), rom_byte(FIX_BIOS_SIZE - 16));

    /* Reserved PAM bits read as 0. */
    cfg_write(&f, DEVFN_HOST, 0x59, 1, 0xff);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x59, 1), 0x30);
    cfg_write(&f, DEVFN_HOST, 0x5a, 1, 0xff);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x5a, 1), 0x33);

    /* A dword write covering several PAM registers (as SeaBIOS does). */
    cfg_write(&f, DEVFN_HOST, 0x5c, 4, 0x33333333);
    CHECK_EQ(mem_read(&f, 0xd0000, 1), ram[0xd0000]);
    CHECK_EQ(mem_read(&f, 0xec000, 1), ram[0xec000]);

    /* Reset restores PCI everywhere. */
    devices_reset_all();
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x58, 4), 0);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x5c, 4), 0);
    CHECK_EQ(mem_read(&f, 0xfffff, 1), rom_byte(0x1ffff));

    fixture_cleanup(&f);
}

static void test_smram(void)
{
    PCFixture f;
    fixture_init(&f);
    uint8_t *ram = memory_region_get_ram_ptr(&f.tb.ram);
    ram[0xa0000] = 0x5a;

    CHECK_EQ(mem_read(&f, 0xa0000, 1), 0xa5);        /* VGA on PCI */
    cfg_write(&f, DEVFN_HOST, 0x72, 1, 0x40);        /* D_OPEN alone */
    CHECK_EQ(mem_read(&f, 0xa0000, 1), 0xa5);
    cfg_write(&f, DEVFN_HOST, 0x72, 1, 0x4a);        /* + G_SMRAME */
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x72, 1), 0x4a);
    CHECK_EQ(mem_read(&f, 0xa0000, 1), 0x5a);        /* SMRAM open */
    mem_write(&f, 0xa0001, 1, 0x77);
    CHECK_EQ(ram[0xa0001], 0x77);
    cfg_write(&f, DEVFN_HOST, 0x72, 1, 0x07);        /* C_BASE_SEG is RO */
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x72, 1), 0x02);
    CHECK_EQ(mem_read(&f, 0xa0000, 1), 0xa5);

    /* D_LCK closes and locks; only D_CLS still changes. */
    cfg_write(&f, DEVFN_HOST, 0x72, 1, 0x5a);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x72, 1), 0x1a);
    cfg_write(&f, DEVFN_HOST, 0x72, 1, 0x4a);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x72, 1), 0x1a);
    CHECK_EQ(mem_read(&f, 0xa0000, 1), 0xa5);
    cfg_write(&f, DEVFN_HOST, 0x72, 1, 0x3a);
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x72, 1), 0x3a);

    devices_reset_all();
    CHECK_EQ(cfg_read(&f, DEVFN_HOST, 0x72, 1), 0x02);
    cfg_write(&f, DEVFN_HOST, 0x72, 1, 0x4a);
    CHECK_EQ(mem_read(&f, 0xa0000, 1), 0x5a);

    fixture_cleanup(&f);
}

static void test_cf9_reset(void)
{
    PCFixture f;
    fixture_init(&f);

    CHECK_EQ(inb(&f.tb, 0xcf9), 0x00);
    outb(&f.tb, 0xcf9, 0x02); /* reset type only */
    CHECK_EQ(inb(&f.tb, 0xcf9), 0x02);
    CHECK(!system_shutdown_requested());

    /* A dword write to 0xCF8 whose byte 1 has bit 2 must not reset. */
    outl(&f.tb, 0xcf8, 0x80000600);
    CHECK_EQ(inl(&f.tb, 0xcf8), 0x80000600);
    CHECK(!system_shutdown_requested());
    /* Nor a config access to devfn 0x06 through the data port. */
    CHECK_EQ(inl(&f.tb, 0xcfc), 0xffffffff);
    CHECK(!system_shutdown_requested());

    /*
     * The reset request itself: with -no-reboot it becomes a shutdown
     * request, the one request a test can observe.
     */
    opt_no_reboot = true;
    outb(&f.tb, 0xcf9, 0x06);
    CHECK(system_shutdown_requested());
    opt_no_reboot = false;

    fixture_cleanup(&f);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_conf_mech1);
    TEST_RUN(test_pam_modes);
    TEST_RUN(test_smram);
    TEST_RUN(test_cf9_reset);
    return test_finish();
}
