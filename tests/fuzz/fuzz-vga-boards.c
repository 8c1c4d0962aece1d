/*
 * Fuzz target: the two VGA boards with their VBE registers on the i440FX
 * chipset: "isa-vga" (1 MiB) on the ISA bus, whose ports 0x3B0-0x3DF and
 * 0x1CE-0x1D0 and window at 0xA0000 win in the port and memory spaces, and
 * its LFB at 0xE0000000; and the PCI "VGA" (1 MiB, no ROM) at 00:04.0
 * with BAR 0 (the LFB) at 0xD0000000 and BAR 2 (VGA ports, DISPI and the
 * extended registers) at 0xD1000000, memory decode on.  So the DISPI
 * registers are reached through both the ports (vbe_ioport_*) and MMIO
 * (vbe_reg_*), with every hostile value the records carry.
 *
 * Events: a configuration cycle (pcfz_event, the VGA's devfn included:
 * BARs move, decode goes off), or a redraw of either card's console.
 *
 * Invariants (beyond ASan/UBSan): vbe_get_mode of either card describes
 * only bytes inside its VRAM; the BANK register stays inside the VRAM;
 * the PCI identity stays.
 */
#include "tests/fuzz/fuzz-pc.h"
#include "hw/display/vga-internal.h"

#define VGAFZ_DEVFN PCI_DEVFN(4, 0)
#define VGAFZ_LFB   0xd0000000u
#define VGAFZ_MMIO  0xd1000000u

typedef struct VGABoardsFuzz {
    DeviceState *isa, *pci;
    /* Found once at setup: a config cycle may unmap the LFB later. */
    VGACommonState *isa_s, *pci_s;
} VGABoardsFuzz;

static VGABoardsFuzz vgafz;

/* A board's VGA state, from its LFB: the flat range there is the VRAM
 * region, a member of the VGACommonState. */
static VGACommonState *vgafz_state(FuzzRig *r, uint64_t lfb)
{
    const FlatRange *fr = address_space_lookup(&r->tb.mem_as, lfb);

    if (!fr || fr->mr->type != MR_RAM) {
        fprintf(stderr, "fuzz-vga-boards: no VRAM at 0x%" PRIx64 "\n", lfb);
        abort();
    }
    return container_of(fr->mr, VGACommonState, vram);
}

static void vgafz_setup(FuzzRig *r)
{
    Error *err = NULL;

    memset(&vgafz, 0, sizeof(vgafz));
    pcfz_init(r);
    vgafz.isa = device_new("isa-vga");
    if (device_set_prop(vgafz.isa, "vgamem_mb", "1", &err) < 0 ||
        device_realize(vgafz.isa, &r->tb.isa.qbus, &err) < 0) {
        fuzz_must(NULL, err, "isa-vga");
    }
    vgafz.pci = device_new("VGA");
    if (device_set_props(vgafz.pci, "addr=4,vgamem_mb=1,romfile=", &err) < 0 ||
        device_realize(vgafz.pci, &pcfz.bus->qbus, &err) < 0) {
        fuzz_must(NULL, err, "VGA");
    }
    device_reset(vgafz.isa);
    device_reset(vgafz.pci);
    pcfz.extra = &vgafz;
    uint32_t cf = 0x80000000u | VGAFZ_DEVFN << 8;
    pci_host_config_write(pcfz.bus, cf | 0x10, VGAFZ_LFB, 4);
    pci_host_config_write(pcfz.bus, cf | 0x18, VGAFZ_MMIO, 4);
    pci_host_config_write(pcfz.bus, cf | 0x04, PCI_COMMAND_MEMORY, 2);
    vgafz.isa_s = vgafz_state(r, 0xe0000000u);
    vgafz.pci_s = vgafz_state(r, VGAFZ_LFB);
    fuzz_add_window(r, FUZZ_IO, 0x1ce, 3);
    fuzz_add_window(r, FUZZ_IO, 0x3b0, 0x30);
    fuzz_add_window(r, FUZZ_MEM, 0xa0000, 0x20000);
    fuzz_add_window(r, FUZZ_MEM, 0xe0000000u, 1 * MiB);
    fuzz_add_window(r, FUZZ_MEM, VGAFZ_MMIO, 0x1000);
    fuzz_add_window(r, FUZZ_MEM, VGAFZ_MMIO + 0x500, 0x20);
    fuzz_add_window(r, FUZZ_MEM, VGAFZ_LFB, 1 * MiB);
    fuzz_add_window(r, FUZZ_IO, 0xcf8, 8);
}

static void vgafz_teardown(FuzzRig *r)
{
    device_unrealize(vgafz.pci);
    device_free(vgafz.pci);
    device_unrealize(vgafz.isa);
    device_free(vgafz.isa);
    pcfz_teardown(r);
}

static void vgafz_event(FuzzRig *r, const FuzzOp *op)
{
    VGACommonState *s = op->offset & 1 ? vgafz.pci_s : vgafz.isa_s;

    switch ((op->offset >> 1) % 3) {
    case 0:
        pcfz_event(r, op);
        break;
    case 1:
        graphic_hw_update(s->con);
        break;
    default:
        graphic_hw_invalidate(s->con);
        graphic_hw_update(s->con);
        break;
    }
}

static void vgafz_check_card(FuzzRig *r, const VGACommonState *s)
{
    VBEMode m;

    if (vbe_get_mode(s, &m)) {
        uint64_t bytes = (m.bpp + 7) / 8;
        uint64_t end = m.start_addr + (uint64_t)(m.yres - 1) * m.line_offset +
                       (uint64_t)m.xres * bytes;
        FUZZ_ASSERT(r, m.xres >= 1 && m.yres >= 1);
        FUZZ_ASSERT(r, end <= s->vram_size);
    }
    FUZZ_ASSERT(r, s->vbe_regs[VBE_DISPI_INDEX_BANK] <= s->vbe_bank_mask);
}

static void vgafz_check(FuzzRig *r, const FuzzOp *op)
{
    pcfz_check_ids(r);
    vgafz_check_card(r, vgafz.isa_s);
    vgafz_check_card(r, vgafz.pci_s);
    FUZZ_ASSERT(r,
                pci_host_config_read(pcfz.bus, 0x80000000u | VGAFZ_DEVFN << 8,
                                     4) == 0x11111234u);
}

const FuzzTarget fuzz_target = {
    .name = "vga-boards",
    // clang-format off
    .covers = "hw/display/vga-isa.c hw/display/vga-pci.c hw/display/vbe.c",
    // clang-format on
    .setup = vgafz_setup,
    .teardown = vgafz_teardown,
    .event = vgafz_event,
    .check = vgafz_check,
};
