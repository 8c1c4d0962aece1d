/*
 * "VGA": the standard VGA with Bochs VBE extensions on PCI, as QEMU's
 * -vga std (QEMU's docs/specs/standard-vga.rst describes the card).
 *
 *   IDs      1234:1111, class 0300 (VGA compatible), revision 2 (the
 *            revision that says the MMIO BAR has the extended registers),
 *            subsystem 1af4:1100 (what QEMU gives its PCI devices)
 *   BAR 0    the VRAM, prefetchable memory: the linear framebuffer
 *   BAR 2    4 KiB of registers:
 *              0x000-0x0ff  EDID blob: not modelled (reads all ones, so a
 *                           driver finds no EDID header and uses defaults)
 *              0x400-0x41f  VGA ports 0x3C0-0x3DF (byte registers; a wider
 *                           access is split low byte first, so an index
 *                           and its data go in one 16-bit write)
 *              0x500-0x515  the DISPI registers, 16 bits each, index * 2
 *              0x600-0x607  QEMU's extended registers: size (8), and the
 *                           framebuffer byte order (little endian only)
 *   ROM BAR  the VGA BIOS (romfile=, default vgabios-stdvga.bin from
 *            Debian's seabios package), which SeaBIOS copies and runs
 *
 * And the legacy side (vga.c's vga_init_legacy): ports 0x3B0-0x3DF and the
 * 0xA0000 window in the bus's memory space, plus the DISPI ports
 * 0x1CE/0x1CF.
 */
#include "emu/common.h"

#include <glib.h>

#include "emu/device.h"
#include "emu/log.h"
#include "emu/memory.h"
#include "emu/trace.h"
#include "hw/display/vga-internal.h"
#include "hw/firmware.h"
#include "hw/pci/pci.h"

#define PCI_VENDOR_ID_QEMU     0x1234
#define PCI_DEVICE_ID_QEMU_VGA 0x1111
#define VGA_PCI_CLASS_REV      0x03000002 /* VGA controller, rev 2 */
#define VGA_PCI_SUBVENDOR      0x1af4
#define VGA_PCI_SUBDEVICE      0x1100

#define VGA_MMIO_SIZE       0x1000
#define VGA_MMIO_PORTS      0x400
#define VGA_MMIO_PORTS_SIZE 0x20 /* 0x3C0-0x3DF */
#define VGA_MMIO_DISPI      0x500
#define VGA_MMIO_DISPI_SIZE (VBE_DISPI_INDEX_NB * 2)
#define VGA_MMIO_QEXT       0x600
#define VGA_MMIO_QEXT_SIZE  8
#define QEXT_REG_SIZE       0x0
#define QEXT_REG_BYTEORDER  0x4
#define QEXT_LITTLE_ENDIAN  0x1e1e1e1e
#define QEXT_BIG_ENDIAN     0xbebebebe

#define TYPE_VGA_PCI "VGA"

typedef struct PCIVGAState {
    PCIDevice pci;
    VGACommonState vga;
    char *romfile;
    MemoryRegion mmio, mmio_ports, mmio_dispi, mmio_qext;
    MemoryRegion rom;
    bool has_rom;
} PCIVGAState;

/* ---- BAR 2 ---------------------------------------------------------------
 */

static uint64_t vga_mmio_ports_read_do(void *opaque, uint64_t addr,
                                       unsigned size)
{
    PCIVGAState *s = opaque;

    return vga_ioport_read(&s->vga, 0x3c0 + addr);
}

static uint64_t vga_mmio_ports_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = vga_mmio_ports_read_do(opaque, addr, size);
    trace(vga_mmio_ports_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void vga_mmio_ports_write(void *opaque, uint64_t addr, uint64_t val,
                                 unsigned size)
{
    trace(vga_mmio_ports_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    PCIVGAState *s = opaque;

    vga_ioport_write(&s->vga, 0x3c0 + addr, val & 0xff);
}

static const MemoryRegionOps vga_mmio_ports_ops = {
    .read = vga_mmio_ports_read,
    .write = vga_mmio_ports_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

static uint64_t vga_mmio_dispi_read_do(void *opaque, uint64_t addr,
                                       unsigned size)
{
    PCIVGAState *s = opaque;

    return vbe_reg_read(&s->vga, addr >> 1);
}

static uint64_t vga_mmio_dispi_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = vga_mmio_dispi_read_do(opaque, addr, size);
    trace(vga_mmio_dispi_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void vga_mmio_dispi_write(void *opaque, uint64_t addr, uint64_t val,
                                 unsigned size)
{
    trace(vga_mmio_dispi_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    PCIVGAState *s = opaque;

    vbe_reg_write(&s->vga, addr >> 1, val);
}

static const MemoryRegionOps vga_mmio_dispi_ops = {
    .read = vga_mmio_dispi_read,
    .write = vga_mmio_dispi_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 2, .max_access_size = 2},
};

static uint64_t vga_mmio_qext_read_do(void *opaque, uint64_t addr,
                                      unsigned size)
{
    switch (addr) {
    case QEXT_REG_SIZE:
        return VGA_MMIO_QEXT_SIZE;
    case QEXT_REG_BYTEORDER:
        return QEXT_LITTLE_ENDIAN;
    default:
        return 0;
    }
}

static uint64_t vga_mmio_qext_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = vga_mmio_qext_read_do(opaque, addr, size);
    trace(vga_mmio_qext_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void vga_mmio_qext_write(void *opaque, uint64_t addr, uint64_t val,
                                unsigned size)
{
    trace(vga_mmio_qext_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    if (addr == QEXT_REG_BYTEORDER && val == QEXT_BIG_ENDIAN) {
        log_unimp_once("VGA: big-endian framebuffer not supported, "
                       "staying little endian\n");
    }
}

static const MemoryRegionOps vga_mmio_qext_ops = {
    .read = vga_mmio_qext_read,
    .write = vga_mmio_qext_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
};

/* ---- ROM BAR -------------------------------------------------------------
 */

static int vga_pci_load_rom(PCIVGAState *s, Error **errp)
{
    uint8_t *data;
    size_t size, bar = 2 * KiB;

    if (!s->romfile || !s->romfile[0]) {
        return 0; /* romfile= : no option ROM, as QEMU */
    }
    if (firmware_load(s->romfile, "VGA BIOS", &data, &size, errp) < 0) {
        return -1;
    }
    while (bar < size) {
        bar <<= 1;
    }
    if (memory_region_init_rom(&s->rom, "vga.rom", bar, errp) < 0) {
        g_free(data);
        return -1;
    }
    memcpy(memory_region_get_ram_ptr(&s->rom), data, size);
    g_free(data);
    pci_register_bar(&s->pci, PCI_ROM_SLOT, 0, &s->rom);
    s->has_rom = true;
    return 0;
}

/* ---- Device --------------------------------------------------------------
 */

static void vga_pci_reset(DeviceState *dev)
{
    PCIVGAState *s = container_of(dev, PCIVGAState, pci.parent);

    pci_device_reset(&s->pci);
    vga_common_reset(&s->vga); /* and vbe_reset */
}

static int vga_pci_post_load(void *opaque)
{
    PCIVGAState *s = opaque;

    /* Map the BARs where the loaded config space says. */
    pci_device_post_load(&s->pci);
    s->vga.vbe_bank_mask = s->vga.vram_size / VBE_DISPI_BANK_SIZE - 1;
    s->vga.full_update = true;
    return 0;
}

static const VMStateField vga_pci_fields[] = {
    VMSTATE_BUFFER(pci.config, PCIVGAState),
    VMSTATE_STRUCT(vga, PCIVGAState, vmstate_vga_common, VGACommonState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_vga_pci = {
    .name = TYPE_VGA_PCI,
    .version = 1,
    .fields = vga_pci_fields,
    .post_load = vga_pci_post_load,
};

static void vga_pci_unmap(PCIVGAState *s)
{
    MemoryRegion *subs[] = {&s->mmio_ports, &s->mmio_dispi, &s->mmio_qext};

    for (size_t i = 0; i < ARRAY_SIZE(subs); i++) {
        if (subs[i]->container) {
            memory_region_del_subregion(&s->mmio, subs[i]);
        }
        memory_region_finalize(subs[i]);
    }
    memory_region_finalize(&s->mmio);
    if (s->vga.vbe_io.container) {
        memory_region_del_subregion(s->vga.vbe_io.container, &s->vga.vbe_io);
    }
    if (s->has_rom) {
        memory_region_finalize(&s->rom);
        s->has_rom = false;
    }
}

static int vga_pci_realize(DeviceState *dev, Error **errp)
{
    PCIVGAState *s = container_of(dev, PCIVGAState, pci.parent);
    int ret = pci_device_attach(&s->pci, errp);

    if (ret < 0) {
        return ret;
    }
    pci_config_set_ids(&s->pci, PCI_VENDOR_ID_QEMU, PCI_DEVICE_ID_QEMU_VGA,
                       VGA_PCI_CLASS_REV);
    stw_le_p(s->pci.config + PCI_SUBSYSTEM_VENDOR_ID, VGA_PCI_SUBVENDOR);
    stw_le_p(s->pci.config + PCI_SUBSYSTEM_ID, VGA_PCI_SUBDEVICE);
    /* No device-specific configuration registers. */
    memset(s->pci.wmask + 0x40, 0, sizeof(s->pci.wmask) - 0x40);

    if (vga_common_init(&s->vga, dev, errp) < 0) {
        pci_device_detach(&s->pci);
        return -1;
    }
    vga_init_legacy(&s->vga, s->pci.bus->io, s->pci.bus->mem);
    vbe_init_ioports(&s->vga, s->pci.bus->io);

    pci_register_bar(&s->pci, 0, PCI_BASE_ADDRESS_MEM_PREFETCH, &s->vga.vram);

    memory_region_init(&s->mmio, "vga.mmio", VGA_MMIO_SIZE);
    memory_region_init_io(&s->mmio_ports, &vga_mmio_ports_ops, s,
                          "vga.mmio-ports", VGA_MMIO_PORTS_SIZE);
    memory_region_init_io(&s->mmio_dispi, &vga_mmio_dispi_ops, s,
                          "vga.mmio-dispi", VGA_MMIO_DISPI_SIZE);
    memory_region_init_io(&s->mmio_qext, &vga_mmio_qext_ops, s, "vga.mmio-qext",
                          VGA_MMIO_QEXT_SIZE);
    memory_region_add_subregion(&s->mmio, VGA_MMIO_PORTS, &s->mmio_ports);
    memory_region_add_subregion(&s->mmio, VGA_MMIO_DISPI, &s->mmio_dispi);
    memory_region_add_subregion(&s->mmio, VGA_MMIO_QEXT, &s->mmio_qext);
    pci_register_bar(&s->pci, 2, 0, &s->mmio);

    if (vga_pci_load_rom(s, errp) < 0) {
        pci_device_detach(&s->pci);
        vga_pci_unmap(s);
        vga_common_cleanup(&s->vga);
        return -1;
    }
    return 0;
}

static void vga_pci_unrealize(DeviceState *dev)
{
    PCIVGAState *s = container_of(dev, PCIVGAState, pci.parent);

    pci_device_detach(&s->pci);
    vga_pci_unmap(s);
    vga_common_cleanup(&s->vga);
}

static const Property vga_pci_props[] = {
    DEFINE_PROP_PCI_DEVFN(PCIVGAState),
    DEFINE_PROP_U32("vgamem_mb", PCIVGAState, vga.vram_size_mb,
                    VGA_VRAM_DEFAULT_MB, "video memory in MiB"),
    DEFINE_PROP_STRING("romfile", PCIVGAState, romfile, "vgabios-stdvga.bin",
                       "VGA BIOS for the ROM BAR (empty: none)"),
    DEFINE_PROP_END,
};

static const DeviceClass vga_pci_class = {
    .name = TYPE_VGA_PCI,
    .desc = "standard VGA with Bochs VBE extensions (PCI 1234:1111)",
    .bus = "pci",
    .instance_size = sizeof(PCIVGAState),
    .props = vga_pci_props,
    .user_creatable = true,
    .realize = vga_pci_realize,
    .unrealize = vga_pci_unrealize,
    .reset = vga_pci_reset,
    .vmsd = &vmstate_vga_pci,
};
DEVICE_CLASS_REGISTER(vga_pci_class);
