/*
 * The user's front-end options, mapped onto the pc board's devices: where
 * -serial, -debugcon and (next) -hda/-cdrom/-drive, -net/-nic and -vga
 * become devices with their backends.  main() only collects them
 * (MachineOptions); what a PC does with them is the board's business.
 *
 * Disks, NICs and the display are not built yet: they are refused here,
 * early (pc_check_user_options, before the terminal or the guest is
 * touched), with a message saying so.  The IDE, NE2000 and VGA work fills
 * in pc_map_disks, pc_map_nics and pc_map_display and drops the refusal.
 */
#include "emu/common.h"
#include "emu/chardev.h"
#include "emu/device.h"
#include "hw/char/serial.h"
#include "hw/pc/pc-internal.h"

/* What each not-yet-mapped option would give the user, for the message. */
static const struct {
    const char *opt;
    const char *what;
} unmapped[] = {
    {"hda", "IDE disks are"},      {"hdb", "IDE disks are"},
    {"hdc", "IDE disks are"},      {"hdd", "IDE disks are"},
    {"cdrom", "IDE CD-ROMs are"},  {"drive", "block devices are"},
    {"fda", "floppy disks are"},   {"fdb", "floppy disks are"},
    {"net", "network cards are"},  {"nic", "network cards are"},
    {"vga", "the VGA display is"},
};

static int refuse(const MachineUserOpt *o, Error **errp)
{
    for (size_t i = 0; i < ARRAY_SIZE(unmapped); i++) {
        if (!strcmp(o->opt, unmapped[i].opt)) {
            error_setg(errp, "-%s: %s not supported yet", o->opt,
                       unmapped[i].what);
            return -1;
        }
    }
    error_setg(errp, "-%s: not supported by the pc machine", o->opt);
    return -1;
}

int pc_check_user_options(const MachineOptions *opts, Error **errp)
{
    if (opts->nr_disks) {
        return refuse(&opts->disks[0], errp);
    }
    if (opts->nr_nics) {
        return refuse(&opts->nics[0], errp);
    }
    if (opts->vga) {
        MachineUserOpt o = {"vga", opts->vga};
        return refuse(&o, errp);
    }
    return 0;
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

/* ---- Disks, NICs, display: refused until their devices exist ----------- */

int pc_map_disks(Machine *m, PCBoard *b, Error **errp)
{
    /* -hda..-hdd: IDE bus 0/1, unit 0/1; -cdrom: ide1-cd0 (hdc). */
    return m->opts.nr_disks ? refuse(&m->opts.disks[0], errp) : 0;
}

int pc_map_nics(Machine *m, PCBoard *b, Error **errp)
{
    /* -net nic[,model=ne2k_pci] -net tap...: a NIC on pci.0 per -net nic. */
    return m->opts.nr_nics ? refuse(&m->opts.nics[0], errp) : 0;
}

int pc_map_display(Machine *m, PCBoard *b, Error **errp)
{
    /* -vga std|cirrus|none: the VGA card on pci.0 (slot 2). */
    if (m->opts.vga) {
        MachineUserOpt o = {"vga", m->opts.vga};
        return refuse(&o, errp);
    }
    return 0;
}
