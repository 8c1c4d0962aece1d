/*
 * Fuzz target: the i440FX host bridge: configuration mechanism #1 (0xCF8,
 * 0xCFC-0xCFF), PAM shadowing of 0xC0000-0xFFFFF and SMRAM at 0xA0000,
 * with memory accesses over that range and the BIOS at the top of 4 GiB.
 *
 * Invariant after every operation: each PAM segment and the SMRAM window
 * show what their register says (RAM, or the PCI side: the BIOS alias,
 * VGA, or all ones), read without side effects.
 */
#include "tests/fuzz/fuzz-pc.h"

static void i440fx_fz_setup(FuzzRig *r)
{
    pcfz_init(r);
    fuzz_add_window(r, FUZZ_IO, 0xcf8, 8);
    fuzz_add_window(r, FUZZ_MEM, 0xa0000, 0x60000);
    fuzz_add_window(r, FUZZ_MEM, 4 * GiB - PCFZ_BIOS_SIZE, PCFZ_BIOS_SIZE);
}

static void i440fx_fz_teardown(FuzzRig *r)
{
    pcfz_teardown(r);
}

/* What the PCI side shows at addr in 0xA0000-0xFFFFF. */
static uint8_t pci_side(PCFuzz *f, uint32_t addr)
{
    if (addr >= 0x100000 - PCFZ_BIOS_SIZE) {
        return pcfz_rom_byte(addr - (0x100000 - PCFZ_BIOS_SIZE));
    }
    if (addr >= 0xa0000 && addr < 0xa0000 + PCFZ_VGA_SIZE) {
        return f->vga.ram[addr - 0xa0000];
    }
    return 0xff;
}

static void check_byte(FuzzRig *r, uint32_t addr, bool ram)
{
    PCFuzz *f = r->s;
    uint64_t v;
    address_space_read_val(&r->tb.mem_as, addr, 1, &v);
    uint8_t want = ram ? r->tb.ram.ram[addr] : pci_side(f, addr);
    if (v != want) {
        fuzz_fail(r, "0x%x reads 0x%02x, want 0x%02x (%s)", addr, (unsigned)v,
                  want, ram ? "RAM" : "PCI");
    }
}

static void i440fx_fz_check(FuzzRig *r, const FuzzOp *op)
{
    PCFuzz *f = r->s;
    const uint8_t *c = pci_find_device(f->bus, 0)->config;
    uint32_t probe = op->offset % 0x4000; /* a varying offset in segments */

    /* 0x59 high nibble: 0xF0000-0xFFFFF; then 16 KiB segments from
     * 0xC0000, 0x5A low nibble first. */
    check_byte(r, 0xf0000 + (op->offset % 0x10000), (c[I440FX_PAM] >> 4) & 1);
    for (int k = 0; k < 12; k++) {
        uint8_t mode = c[I440FX_PAM + 1 + k / 2] >> (4 * (k & 1));
        check_byte(r, 0xc0000 + k * 0x4000 + probe, mode & 1);
    }
    uint8_t smram = c[I440FX_SMRAM];
    check_byte(r, 0xa0000 + op->offset % 0x20000,
               (smram & 0x08) && (smram & 0x40));
    pcfz_check_ids(r);
}

const FuzzTarget fuzz_target = {
    .name = "i440fx",
    .covers = "hw/pci-host/i440fx.c",
    .setup = i440fx_fz_setup,
    .teardown = i440fx_fz_teardown,
    .event = pcfz_event,
    .check = i440fx_fz_check,
};
