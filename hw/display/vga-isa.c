/*
 * "isa-vga": the standard VGA with Bochs VBE extensions on the ISA bus, as
 * QEMU's isa-vga: the VGA ports 0x3B0-0x3DF and the 0xA0000 window, the
 * DISPI ports 0x1CE/0x1CF, and the linear framebuffer at the fixed address
 * 0xE0000000 (VBE_DISPI_LFB_PHYSICAL_ADDRESS, where Bochs's and SeaBIOS's
 * ISA VGA BIOS look for it).  8 MiB of VRAM by default (QEMU's default for
 * this card).
 *
 * An ISA card has no PCI ROM BAR: the board hands its BIOS
 * (vgabios-isavga.bin, which Debian's seabios package also installs as
 * vgabios.bin, the name QEMU uses) to SeaBIOS through fw_cfg as
 * "vgaroms/vgabios.bin" (hw/pc/pc-options.c).
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/memory.h"
#include "hw/display/vga-internal.h"
#include "hw/isa/isa.h"

#define TYPE_ISA_VGA                   "isa-vga"
#define VBE_DISPI_LFB_PHYSICAL_ADDRESS 0xe0000000u
#define ISA_VGA_DEFAULT_MB             8

typedef struct ISAVGAState {
    DeviceState parent;
    VGACommonState vga;
    MemoryRegion lfb; /* alias of the VRAM at 0xE0000000 */
    MemoryRegion *mem;
} ISAVGAState;

static void isa_vga_reset(DeviceState *dev)
{
    ISAVGAState *s = container_of(dev, ISAVGAState, parent);

    vga_common_reset(&s->vga); /* and vbe_reset */
}

static int isa_vga_post_load(void *opaque)
{
    ISAVGAState *s = opaque;

    s->vga.vbe_bank_mask = s->vga.vram_size / VBE_DISPI_BANK_SIZE - 1;
    s->vga.full_update = true;
    return 0;
}

static const VMStateField isa_vga_fields[] = {
    VMSTATE_STRUCT(vga, ISAVGAState, vmstate_vga_common, VGACommonState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_isa_vga = {
    .name = TYPE_ISA_VGA,
    .version = 1,
    .fields = isa_vga_fields,
    .post_load = isa_vga_post_load,
};

static int isa_vga_realize(DeviceState *dev, Error **errp)
{
    ISAVGAState *s = container_of(dev, ISAVGAState, parent);
    ISABus *bus = isa_bus(dev);

    if (!bus) {
        error_setg(errp, "isa-vga: no ISA bus");
        return -EINVAL;
    }
    if (vga_common_init(&s->vga, dev, errp) < 0) {
        return -1;
    }
    if (vga_init_legacy_isa(&s->vga, bus, dev, errp) < 0) {
        vga_common_cleanup(&s->vga);
        return -1;
    }
    vbe_init_ioports(&s->vga, bus->io);
    s->mem = bus->mem;
    memory_region_init_alias(&s->lfb, "vga.lfb", &s->vga.vram, 0,
                             s->vga.vram_size);
    memory_region_add_subregion_overlap(
        bus->mem, VBE_DISPI_LFB_PHYSICAL_ADDRESS, &s->lfb, 1);
    return 0;
}

static void isa_vga_unrealize(DeviceState *dev)
{
    ISAVGAState *s = container_of(dev, ISAVGAState, parent);

    memory_region_del_subregion(s->mem, &s->lfb);
    memory_region_finalize(&s->lfb);
    if (s->vga.vbe_io.container) {
        memory_region_del_subregion(s->vga.vbe_io.container, &s->vga.vbe_io);
    }
    vga_common_cleanup(&s->vga);
}

static const Property isa_vga_props[] = {
    DEFINE_PROP_U32("vgamem_mb", ISAVGAState, vga.vram_size_mb,
                    ISA_VGA_DEFAULT_MB, "video memory in MiB"),
    DEFINE_PROP_END,
};

static const DeviceClass isa_vga_class = {
    .name = TYPE_ISA_VGA,
    .desc = "ISA VGA with Bochs VBE extensions (LFB at 0xE0000000)",
    .bus = "isa",
    .instance_size = sizeof(ISAVGAState),
    .props = isa_vga_props,
    .user_creatable = true,
    .realize = isa_vga_realize,
    .unrealize = isa_vga_unrealize,
    .reset = isa_vga_reset,
    .vmsd = &vmstate_isa_vga,
};
DEVICE_CLASS_REGISTER(isa_vga_class);
