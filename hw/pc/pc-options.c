/*
 * The user's front-end options, mapped onto the pc board's devices: where
 * -serial, -debugcon, the drives of -hda/-cdrom/-fda/-drive, -net/-nic and
 * -vga become devices with their backends.  main() only collects them
 * (MachineOptions) and opens the drives (block/blockdev.c) and the network
 * backends (net/); what a PC does with them is the board's business.
 *
 * -vga TYPE is checked early (pc_check_user_options, before the terminal
 * or the guest is touched): the types emu does not have are refused with
 * the list of those it has.
 */
#include "emu/common.h"

#include <glib.h>

#include "block/blockdev.h"
#include "emu/chardev.h"
#include "emu/device.h"
#include "emu/keyval.h"
#include "hw/char/serial.h"
#include "hw/firmware.h"
#include "hw/net/ne2000.h"
#include "hw/pc/pc-internal.h"
#include "net/netdev.h"

/* ---- NICs ----------------------------------------------------------------
 * -net nic[,model=M] and -nic [TYPE,][model=M]: one card per NICInfo the
 * net layer collected, on the backend or hub port it made.  Models as
 * QEMU's pc machine has them; without model=, ne2k_pci (QEMU's pc default
 * is e1000, which emu does not have).
 */
static const char *const pc_nic_models[] = {TYPE_NE2K_ISA, TYPE_NE2K_PCI};
#define PC_NIC_DEFAULT TYPE_NE2K_PCI

/* ISA cards take QEMU's resources in turn: 0x300/9, 0x320/10, ... */
static const struct {
    uint16_t iobase;
    uint8_t irq;
} pc_ne2k_isa_res[] = {
    {0x300, 9}, {0x320, 10}, {0x340, 11}, {0x360, 3}, {0x280, 4}, {0x380, 5},
};

static bool pc_nic_model_known(const char *model)
{
    for (size_t i = 0; i < ARRAY_SIZE(pc_nic_models); i++) {
        if (!strcmp(model, pc_nic_models[i])) {
            return true;
        }
    }
    return false;
}

static void pc_nic_unsupported(const char *model, Error **errp)
{
    error_setg(errp, "Unsupported NIC model: %s (supported: %s, %s)", model,
               pc_nic_models[0], pc_nic_models[1]);
}

/* Before anything starts: model=help lists the models (1: exit 0), an
 * unknown model is refused.  The net layer words every other error. */
static int pc_check_nic(const MachineUserOpt *u, Error **errp)
{
    KeyValOpts o;
    int r = 0;

    if (keyval_split_implied(u->arg, "type", &o, NULL) < 0) {
        return 0;
    }
    const char *type = keyval_get(&o, "type");
    const char *model = keyval_get(&o, "model");
    if (!model || (!strcmp(u->opt, "net") && (!type || strcmp(type, "nic")))) {
        /* No model, or a -net backend. */
    } else if (!strcmp(model, "help")) {
        printf("Supported NIC models:\n");
        for (size_t i = 0; i < ARRAY_SIZE(pc_nic_models); i++) {
            printf("%s\n", pc_nic_models[i]);
        }
        r = 1;
    } else if (!pc_nic_model_known(model)) {
        pc_nic_unsupported(model, errp);
        error_prepend(errp, "-%s %s: ", u->opt, u->arg);
        r = -1;
    }
    keyval_free(&o);
    return r;
}

/* ---- Display -------------------------------------------------------------
 * -vga std (the default, as QEMU's pc): "VGA" at PCI 00:02.0; -vga none:
 * no display card.  QEMU's other types are refused by name.  A VGA given
 * with -device (VGA, isa-vga) is the display: no default card then.
 */
static const char *const pc_vga_types[] = {"std", "none"};
static const char *const pc_vga_missing[] = {
    "cirrus", "vmware", "qxl", "virtio", "xenfb", "tcx", "cg3", "ati",
};
#define PC_VGA_SLOT 2

static int pc_check_vga(const char *vga, Error **errp)
{
    if (!vga) {
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(pc_vga_types); i++) {
        if (!strcmp(vga, pc_vga_types[i])) {
            return 0;
        }
    }
    if (!strcmp(vga, "help")) {
        printf("Display types:\nstd   standard VGA with Bochs VBE (PCI "
               "1234:1111)\nnone  no display card\n");
        return 1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(pc_vga_missing); i++) {
        if (!strcmp(vga, pc_vga_missing[i])) {
            error_setg(errp, "-vga %s: not supported (available: std, none)",
                       vga);
            return -1;
        }
    }
    error_setg(errp, "-vga %s: unknown display type (available: std, none)",
               vga);
    return -1;
}

int pc_check_user_options(const MachineOptions *opts, Error **errp)
{
    PCBootOptions bo;
    if (pc_boot_parse(opts->boot_order, &bo, errp) < 0) {
        return -1;
    }
    for (int i = 0; i < opts->nr_nics; i++) {
        int r = pc_check_nic(&opts->nics[i], errp);
        if (r) {
            return r;
        }
    }
    return pc_check_vga(opts->vga, errp);
}

/* ---- Serial ports and the debug console ---------------------------------- */

int pc_map_serial_ports(Machine *m, PCBoard *b, Error **errp)
{
    for (int i = 0; i < m->opts.nr_serial; i++) {
        if (!m->opts.serial[i]) {
            continue;
        }
        DeviceState *uart =
            serial_isa_init(&b->isa, i, m->opts.serial[i], errp);
        /* Named as their chardevs, so messages and info qtree say which
         * -serial a device is. */
        char id[24];
        snprintf(id, sizeof(id), "serial%d", i);
        if (!uart || device_set_prop(uart, "id", id, errp) < 0) {
            return -1;
        }
    }
    return 0;
}

static DeviceState *pc_isa_device(PCBoard *b, const char *name,
                                  const char *props, Chardev *chr, Error **errp)
{
    DeviceState *dev = device_new(name);
    if (!dev) {
        error_setg(errp, "internal error: no device '%s'", name);
        return NULL;
    }
    if (chr) {
        device_prop_set_chardev(dev, "chardev", chr);
    }
    if ((props && device_set_props(dev, props, errp) < 0) ||
        device_realize(dev, &b->isa.qbus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    return dev;
}

int pc_map_debugcon(Machine *m, PCBoard *b, Error **errp)
{
    if (!m->opts.debugcon) {
        return 0;
    }
    /* SeaBIOS logs to 0x402; QEMU's -debugcon default port is 0xe9. */
    static const char *const ports[] = {"iobase=0x402", "iobase=0xe9"};
    for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
        if (!pc_isa_device(b, "isa-debugcon", ports[i], m->opts.debugcon,
                           errp)) {
            return -1;
        }
    }
    return 0;
}

/* ---- Disks ----------------------------------------------------------------
 */

/*
 * The controllers QEMU's pc always has: the PIIX3 IDE function at 00:01.1
 * (buses ide.0, ide.1) and the ISA floppy controller (floppy-bus.0).
 * Created here unless the board already made them.
 */
static int pc_disk_controllers(PCBoard *b, Error **errp)
{
    if (!bus_find("ide.0") && device_class_find("piix3-ide")) {
        DeviceState *ide = device_new("piix3-ide");
        if (device_set_prop(ide, "addr", "01.1", errp) < 0 ||
            device_realize(ide, bus_find("pci.0"), errp) < 0) {
            device_free(ide);
            return -1;
        }
    }
    if (!bus_find("floppy-bus.0") && device_class_find("isa-fdc")) {
        if (!pc_isa_device(b, "isa-fdc", NULL, NULL, errp)) {
            return -1;
        }
    }
    return 0;
}

/* The device a drive of if=ide or if=floppy becomes. */
static int pc_attach_drive(DriveInfo *di, Error **errp)
{
    const char *cls = di->type == IF_FLOPPY ? "floppy"
                      : di->media_cd        ? "ide-cd"
                                            : "ide-hd";
    char busname[32];
    snprintf(busname, sizeof(busname), "%s.%d",
             di->type == IF_FLOPPY ? "floppy-bus" : "ide", di->bus);
    BusState *bus = bus_find(busname);
    if (!bus || !device_class_find(cls)) {
        error_setg(errp, "drive %s: %s devices are not built yet", di->id,
                   di->type == IF_FLOPPY ? "floppy" : "IDE");
        return -1;
    }
    DeviceState *dev = device_new(cls);
    device_prop_set_uint(dev, "unit", di->unit);
    if (device_prop_set_drive(dev, "drive", di->blk, errp) < 0 ||
        device_realize(dev, bus, errp) < 0) {
        device_free(dev);
        error_prepend(errp, "drive %s: ", di->id);
        return -1;
    }
    return 0;
}

int pc_map_disks(Machine *m, PCBoard *b, Error **errp)
{
    if (pc_disk_controllers(b, errp) < 0) {
        return -1;
    }
    /* QEMU's default: an empty CD-ROM drive as secondary master, unless a
     * drive took that place (-hdc, -cdrom, index=2) or IDE drives come
     * with -device. */
    if (!m->opts.no_default_cdrom && !drive_get(IF_IDE, 1, 0) &&
        device_class_find("ide-cd") &&
        !drive_new("if=ide,index=2,media=cdrom", errp)) {
        return -1;
    }
    for (DriveInfo *di = drive_next(NULL); di; di = drive_next(di)) {
        if (di->type != IF_NONE && pc_attach_drive(di, errp) < 0) {
            return -1;
        }
    }
    return 0;
}

/* PCI cards go from slot 3 on: slot 2 is the VGA's, as in QEMU's pc. */
static int pc_nic_pci_slot(PCBoard *b)
{
    for (int slot = 3; slot < 32; slot++) {
        if (!pci_find_device(b->pci, PCI_DEVFN(slot, 0))) {
            return slot;
        }
    }
    return -1;
}

static int pc_map_nic(PCBoard *b, NICInfo *ni, int *nr_isa, Error **errp)
{
    const char *model = ni->model ? ni->model : PC_NIC_DEFAULT;
    bool isa = !strcmp(model, TYPE_NE2K_ISA);
    char buf[32];

    if (!pc_nic_model_known(model)) {
        pc_nic_unsupported(model, errp);
        return -1;
    }
    DeviceState *dev = device_new(model);
    device_prop_set_netdev(dev, "netdev", ni->netdev);
    if (ni->mac_set) {
        net_format_macaddr(&ni->mac, buf);
        if (device_set_prop(dev, "mac", buf, errp) < 0) {
            goto fail;
        }
    }
    if (ni->id && device_set_prop(dev, "id", ni->id, errp) < 0) {
        goto fail;
    }
    if (isa) {
        if (*nr_isa >= (int)ARRAY_SIZE(pc_ne2k_isa_res)) {
            error_setg(errp, "ne2k_isa: at most %zu ISA NICs",
                       ARRAY_SIZE(pc_ne2k_isa_res));
            goto fail;
        }
        device_prop_set_uint(dev, "iobase", pc_ne2k_isa_res[*nr_isa].iobase);
        device_prop_set_uint(dev, "irq", pc_ne2k_isa_res[*nr_isa].irq);
        (*nr_isa)++;
    } else {
        int slot = pc_nic_pci_slot(b);
        snprintf(buf, sizeof(buf), "%x", slot < 0 ? 3 : slot);
        if (slot >= 0 && device_set_prop(dev, "addr", buf, errp) < 0) {
            goto fail;
        }
    }
    if (device_realize(dev, isa ? &b->isa.qbus : &b->pci->qbus, errp) < 0) {
        goto fail;
    }
    return 0;
fail:
    device_free(dev);
    return -1;
}

int pc_map_nics(Machine *m, PCBoard *b, Error **errp)
{
    int nr_isa = 0;

    /* QEMU's default, -net nic -net user, unless the user said anything
     * about networks or gave a NIC with -device. */
    if (!net_user_configured() && !m->opts.nic_device &&
        net_add_defaults(errp) < 0) {
        return -1;
    }
    for (int i = 0; i < net_nic_count(); i++) {
        if (pc_map_nic(b, net_nic_info(i), &nr_isa, errp) < 0) {
            return -1;
        }
    }
    return 0;
}

int pc_map_display(Machine *m, PCBoard *b, Error **errp)
{
    const char *vga = m->opts.vga;

    b->has_vga = m->opts.vga_device;
    if (!vga && m->opts.vga_device) {
        return 0; /* the -device card is the display */
    }
    if (vga && !strcmp(vga, "none")) {
        return 0;
    }
    if (vga && strcmp(vga, "std")) {
        return pc_check_vga(vga, errp) < 0 ? -1 : 0;
    }
    DeviceState *dev = device_new("VGA");
    char addr[8];
    snprintf(addr, sizeof(addr), "%x", PC_VGA_SLOT);
    if (!dev || device_set_prop(dev, "addr", addr, errp) < 0 ||
        device_realize(dev, &b->pci->qbus, errp) < 0) {
        if (dev) {
            device_free(dev);
        } else {
            error_setg(errp, "internal error: no device 'VGA'");
        }
        return -1;
    }
    b->has_vga = true;
    return 0;
}

/*
 * An ISA VGA has no ROM BAR: SeaBIOS runs the VGA BIOS it finds in fw_cfg
 * as "vgaroms/..." (QEMU's rom_add_vga does the same with vgabios.bin).
 * At reset, since -device isa-vga comes after the board.
 */
int pc_display_reset(Machine *m, PCBoard *b, Error **errp)
{
    uint8_t *data;
    size_t size;

    for (DeviceState *d = devices_first(); d; d = d->next) {
        if (strcmp(d->cls->name, "isa-vga") ||
            fw_cfg_file_key(b->fw_cfg, "vgaroms/vgabios.bin") >= 0) {
            continue;
        }
        if (firmware_load("vgabios.bin", "ISA VGA BIOS", &data, &size, errp) <
            0) {
            return -1;
        }
        fw_cfg_add_file(b->fw_cfg, "vgaroms/vgabios.bin", data, size);
        g_free(data);
    }
    return 0;
}
