/*
 * -boot for the pc board: the boot order SeaBIOS follows, as QEMU gives it.
 *
 * SeaBIOS (src/boot.c, boot_init) takes a default priority per device kind
 * from two CMOS bytes, QEMU's legacy encoding: 0x3D low nibble = first,
 * high nibble = second, 0x38 high nibble = third (1 floppy, 2 hard disk,
 * 3 CD-ROM, 4 network); bit 0 of 0x38 set skips the floppy boot-signature
 * check.  Then it reads the fw_cfg file "bootorder", one Open Firmware
 * device path per line, and a device whose path matches line N gets
 * priority N, ahead of every default.  We write both: the CMOS bytes from
 * the order letters, and "bootorder" listing the drives present on the
 * board, kind by kind in that order, with the paths SeaBIOS builds for the
 * i440FX: /pci@i0cf8/ide@1,1/drive@CHANNEL/disk@UNIT for PIIX3 IDE (00:01.1)
 * and /pci@i0cf8/isa@1/fdc@03f0/floppy@UNIT for the ISA floppy controller
 * behind the PIIX3 bridge (00:01.0).  strict=on adds "HALT": SeaBIOS then
 * tries nothing that is not listed.
 *
 * Why SeaBIOS seemed to ignore -boot before disks existed: with no drive
 * at all, nothing is registered, and SeaBIOS falls back to trying the
 * floppy and then the hard disk, in that fixed order, whatever the CMOS
 * says ("Booting from Floppy... Booting from Hard Disk...").
 *
 * once=DRIVES is the order of the first boot only: every later system
 * reset goes back to order= (QEMU's restore_boot_order).
 */
#include "emu/common.h"
#include "emu/device.h"
#include "hw/pc/pc-internal.h"

#include <glib.h>

/* "cdn" letters: a floppy, c hard disk, d CD-ROM, n network. */
static int check_drives(const char *what, const char *s, Error **errp)
{
    if (!*s) {
        error_setg(errp, "-boot %s: no boot device given", what);
        return -1;
    }
    if (strlen(s) > 3) {
        error_setg(errp,
                   "-boot %s=%s: too many boot devices for PC (at most 3)",
                   what, s);
        return -1;
    }
    for (const char *p = s; *p; p++) {
        if (!strchr("acdn", *p)) {
            error_setg(errp,
                       "-boot %s=%s: invalid boot device for PC: '%c' (a "
                       "floppy, c hard disk, d CD-ROM, n network)",
                       what, s, *p);
            return -1;
        }
        if (strchr(p + 1, *p)) {
            error_setg(errp, "-boot %s=%s: boot device '%c' was given twice",
                       what, s, *p);
            return -1;
        }
    }
    return 0;
}

static int parse_onoff(const char *key, const char *v, bool *out, Error **errp)
{
    if (!strcmp(v, "on")) {
        *out = true;
    } else if (!strcmp(v, "off")) {
        *out = false;
    } else {
        error_setg(errp, "-boot %s=%s: expects 'on' or 'off'", key, v);
        return -1;
    }
    return 0;
}

static int parse_ms(const char *key, const char *v, int min, int *out,
                    Error **errp)
{
    char *end;
    long n;
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < min || n > 0xffff) {
        error_setg(errp, "-boot %s=%s: expects milliseconds from %d to 65535",
                   key, v, min);
        return -1;
    }
    *out = n;
    return 0;
}

int pc_boot_parse(const char *arg, PCBootOptions *bo, Error **errp)
{
    memset(bo, 0, sizeof(*bo));
    strcpy(bo->order, "cad"); /* QEMU's default for pc */
    bo->splash_time = -1;
    bo->reboot_timeout = -1;
    if (!arg) {
        return 0;
    }
    char **kv = g_strsplit(arg, ",", -1);
    int ret = -1;
    for (int i = 0; kv[i]; i++) {
        char *k = kv[i], *eq = strchr(k, '=');
        const char *v;
        if (!eq) {
            if (i > 0) {
                error_setg(errp, "-boot %s: parameter '%s' has no value", arg,
                           k);
                goto out;
            }
            /* QEMU's implied key: -boot cd is -boot order=cd. */
            v = k;
            k = "order";
        } else {
            *eq = '\0';
            v = eq + 1;
        }
        if (!strcmp(k, "order") || !strcmp(k, "once")) {
            if (check_drives(k, v, errp) < 0) {
                goto out;
            }
            g_strlcpy(!strcmp(k, "order") ? bo->order : bo->once, v,
                      sizeof(bo->order));
        } else if (!strcmp(k, "menu")) {
            if (parse_onoff(k, v, &bo->menu, errp) < 0) {
                goto out;
            }
        } else if (!strcmp(k, "strict")) {
            if (parse_onoff(k, v, &bo->strict, errp) < 0) {
                goto out;
            }
        } else if (!strcmp(k, "splash-time")) {
            if (parse_ms(k, v, 0, &bo->splash_time, errp) < 0) {
                goto out;
            }
        } else if (!strcmp(k, "reboot-timeout")) {
            if (parse_ms(k, v, -1, &bo->reboot_timeout, errp) < 0) {
                goto out;
            }
        } else if (!strcmp(k, "splash")) {
            bo->splash_ignored = true;
        } else {
            error_setg(errp,
                       "-boot: invalid parameter '%s' (order, once, menu, "
                       "strict, splash, splash-time, reboot-timeout)",
                       k);
            goto out;
        }
    }
    ret = 0;
out:
    g_strfreev(kv);
    return ret;
}

const char *pc_boot_order_at(const PCBootOptions *bo, int boots)
{
    return boots == 0 && bo->once[0] ? bo->once : bo->order;
}

void pc_boot_cmos_bytes(const char *order, uint8_t *b3d, uint8_t *b38)
{
    int code[3] = {0, 0, 0};
    for (int i = 0; i < 3 && order[i]; i++) {
        code[i] = order[i] == 'a'   ? 1
                  : order[i] == 'c' ? 2
                  : order[i] == 'd' ? 3
                                    : 4;
    }
    *b3d = code[0] | code[1] << 4;
    /* Bit 0 clear: check the floppy boot signature, QEMU's default. */
    *b38 = code[2] << 4;
}

char *pc_bootorder_text(const char *order, bool strict, const PCBootDrives *d)
{
    GString *s = g_string_new(NULL);
    /* One path a line, no newline after the last (as QEMU writes it). */
#define LINE(...)                               \
    do {                                        \
        if (s->len) {                           \
            g_string_append_c(s, '\n');         \
        }                                       \
        g_string_append_printf(s, __VA_ARGS__); \
    } while (0)
    for (const char *p = order; *p; p++) {
        for (int bus = 0; bus < 2; bus++) {
            for (int unit = 0; unit < 2; unit++) {
                if (*p == 'a' && bus == 0 && d->floppy[unit]) {
                    LINE("/pci@i0cf8/isa@1/fdc@03f0/floppy@%d", unit);
                }
                if ((*p == 'c' && d->ide[bus][unit] == PC_BOOT_IDE_HD) ||
                    (*p == 'd' && d->ide[bus][unit] == PC_BOOT_IDE_CD)) {
                    LINE("/pci@i0cf8/ide@1,1/drive@%d/disk@%d", bus, unit);
                }
            }
        }
        /* 'n': no network card yet, nothing to list. */
    }
    if (strict) {
        LINE("HALT");
    }
#undef LINE
    return g_string_free(s, false);
}

/* Which drives the board has: the devices on the IDE and floppy buses. */
static void pc_boot_find_drives(PCBootDrives *d)
{
    memset(d, 0, sizeof(*d));
    for (int bus = 0; bus < 3; bus++) {
        char name[16];
        snprintf(name, sizeof(name), bus < 2 ? "ide.%d" : "floppy-bus.0", bus);
        BusState *b = bus_find(name);
        for (DeviceState *dev = b ? b->children : NULL; dev;
             dev = dev->sibling) {
            char *u = device_prop_print(dev, "unit");
            int unit = u ? atoi(u) : -1;
            g_free(u);
            if (unit < 0 || unit > 1) {
                continue;
            }
            if (bus == 2) {
                d->floppy[unit] = true;
            } else if (!strcmp(dev->cls->name, "ide-hd")) {
                d->ide[bus][unit] = PC_BOOT_IDE_HD;
            } else if (!strcmp(dev->cls->name, "ide-cd")) {
                d->ide[bus][unit] = PC_BOOT_IDE_CD;
            }
        }
    }
}

void pc_boot_init(Machine *m, PCBoard *b)
{
    Error *err = NULL;
    /* Checked already by pc_check_user_options. */
    if (pc_boot_parse(m->opts.boot_order, &b->boot, &err) < 0) {
        error_report_err(err);
        return;
    }
    if (b->boot.splash_ignored) {
        warn_report("-boot splash=: ignored (emu has no display for a boot "
                    "picture)");
    }
    FWCfgState *fw = b->fw_cfg;
    fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, b->boot.menu);
    if (b->boot.splash_time >= 0) {
        uint8_t w[2];
        stw_le_p(w, b->boot.splash_time);
        fw_cfg_add_file(fw, "etc/boot-menu-wait", w, 2);
    }
    /* -1 (QEMU's default): "No bootable device" and stop, no reboot. */
    uint8_t rt[4];
    stl_le_p(rt, (uint32_t)b->boot.reboot_timeout);
    fw_cfg_add_file(fw, "etc/boot-fail-wait", rt, 4);
    b->boots = 0;
}

void pc_boot_reset(Machine *m, PCBoard *b)
{
    const char *order = pc_boot_order_at(&b->boot, b->boots);
    uint8_t b3d, b38;
    PCBootDrives d;

    pc_boot_cmos_bytes(order, &b3d, &b38);
    rtc_set_cmos(b->rtc, 0x3d, b3d);
    rtc_set_cmos(b->rtc, 0x38, b38);
    pc_boot_find_drives(&d);
    char *text = pc_bootorder_text(order, b->boot.strict, &d);
    /* With its NUL, as QEMU gives it. */
    fw_cfg_modify_file(b->fw_cfg, "bootorder", text, strlen(text) + 1);
    g_free(text);
    b->boots++;
}
