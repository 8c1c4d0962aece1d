/*
 * -boot for the pc board (hw/pc/pc-boot.c): the option's parsing and
 * errors, the CMOS bytes 0x3D/0x38 SeaBIOS's boot_init decodes, the
 * fw_cfg "bootorder" text with the device paths SeaBIOS builds for the
 * i440FX's IDE and floppy, and once= giving way to order= after the first
 * reset.
 */
#include "tests/unit/harness.h"
#include "hw/pc/pc-internal.h"

#include <glib.h>

static char *parse_err(const char *arg)
{
    PCBootOptions bo;
    Error *err = NULL;
    if (pc_boot_parse(arg, &bo, &err) == 0) {
        return NULL;
    }
    char *m = g_strdup(error_get_pretty(err));
    error_free(err);
    return m;
}

#define CHECK_PARSE_ERR(arg, needle)                                          \
    do {                                                                      \
        char *m_ = parse_err(arg);                                            \
        if (!m_ || !strstr(m_, (needle))) {                                   \
            test_fail(__FILE__, __LINE__, "-boot %s: '%s' lacks '%s'", (arg), \
                      m_ ? m_ : "(accepted)", (needle));                      \
        }                                                                     \
        g_free(m_);                                                           \
    } while (0)

static void test_parse(void)
{
    PCBootOptions bo;
    Error *err = NULL;

    CHECK_EQ(pc_boot_parse(NULL, &bo, &err), 0);
    CHECK_STR(bo.order, "cad"); /* QEMU's default */
    CHECK_STR(bo.once, "");
    CHECK(!bo.menu && !bo.strict);
    CHECK_EQ(bo.splash_time, -1);
    CHECK_EQ(bo.reboot_timeout, -1);

    CHECK_EQ(pc_boot_parse("d", &bo, &err), 0);
    CHECK_STR(bo.order, "d");
    CHECK_EQ(pc_boot_parse("order=cdn,once=d,menu=on", &bo, &err), 0);
    CHECK_STR(bo.order, "cdn");
    CHECK_STR(bo.once, "d");
    CHECK(bo.menu);
    CHECK_EQ(pc_boot_parse("strict=on,splash-time=5000,reboot-timeout=1000,"
                           "splash=logo.bmp",
                           &bo, &err),
             0);
    CHECK(bo.strict && bo.splash_ignored);
    CHECK_EQ(bo.splash_time, 5000);
    CHECK_EQ(bo.reboot_timeout, 1000);
    CHECK_STR(bo.order, "cad");

    CHECK_PARSE_ERR("order=x", "invalid boot device for PC: 'x'");
    CHECK_PARSE_ERR("order=cc", "boot device 'c' was given twice");
    CHECK_PARSE_ERR("order=acdn", "too many boot devices for PC");
    CHECK_PARSE_ERR("once=", "no boot device given");
    CHECK_PARSE_ERR("menu=maybe", "expects 'on' or 'off'");
    CHECK_PARSE_ERR("strict=1", "expects 'on' or 'off'");
    CHECK_PARSE_ERR("splash-time=-1", "milliseconds from 0 to 65535");
    CHECK_PARSE_ERR("reboot-timeout=70000", "milliseconds from -1 to 65535");
    CHECK_PARSE_ERR("speed=fast", "invalid parameter 'speed'");
    CHECK_PARSE_ERR("order=c,d", "parameter 'd' has no value");
}

/* SeaBIOS: 0x3D low nibble first, high nibble second, 0x38 high nibble
 * third; 1 floppy, 2 disk, 3 CD, 4 network; 0x38 bit 0 clear. */
static void test_cmos(void)
{
    static const struct {
        const char *order;
        uint8_t b3d, b38;
    } t[] = {
        {"cad", 0x12, 0x30}, {"d", 0x03, 0x00},   {"a", 0x01, 0x00},
        {"dc", 0x23, 0x00},  {"ndc", 0x34, 0x20}, {"cdn", 0x32, 0x40},
    };
    for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
        uint8_t b3d = 0xff, b38 = 0xff;
        pc_boot_cmos_bytes(t[i].order, &b3d, &b38);
        if (b3d != t[i].b3d || b38 != t[i].b38) {
            test_fail(__FILE__, __LINE__,
                      "%s: 0x3d=%02x 0x38=%02x, want %02x %02x", t[i].order,
                      b3d, b38, t[i].b3d, t[i].b38);
        }
    }
}

static void test_bootorder(void)
{
    PCBootDrives d = {0};
    d.floppy[0] = true;
    d.ide[0][0] = PC_BOOT_IDE_HD;
    d.ide[0][1] = PC_BOOT_IDE_HD;
    d.ide[1][0] = PC_BOOT_IDE_CD;

    char *s = pc_bootorder_text("dca", false, &d);
    CHECK_STR(s, "/pci@i0cf8/ide@1,1/drive@1/disk@0\n"
                 "/pci@i0cf8/ide@1,1/drive@0/disk@0\n"
                 "/pci@i0cf8/ide@1,1/drive@0/disk@1\n"
                 "/pci@i0cf8/isa@1/fdc@03f0/floppy@0");
    g_free(s);
    s = pc_bootorder_text("a", true, &d);
    CHECK_STR(s, "/pci@i0cf8/isa@1/fdc@03f0/floppy@0\nHALT");
    g_free(s);
    /* 'n' lists nothing yet (no NIC); strict alone is just HALT. */
    s = pc_bootorder_text("n", true, &d);
    CHECK_STR(s, "HALT");
    g_free(s);
    PCBootDrives none = {0};
    s = pc_bootorder_text("cad", false, &none);
    CHECK_STR(s, "");
    g_free(s);
    /* The CD on the primary slave, a disk on the secondary slave. */
    PCBootDrives e = {0};
    e.ide[0][1] = PC_BOOT_IDE_CD;
    e.ide[1][1] = PC_BOOT_IDE_HD;
    e.floppy[1] = true;
    s = pc_bootorder_text("cda", false, &e);
    CHECK_STR(s, "/pci@i0cf8/ide@1,1/drive@1/disk@1\n"
                 "/pci@i0cf8/ide@1,1/drive@0/disk@1\n"
                 "/pci@i0cf8/isa@1/fdc@03f0/floppy@1");
    g_free(s);
}

static void test_once(void)
{
    PCBootOptions bo;
    Error *err = NULL;
    CHECK_EQ(pc_boot_parse("order=c,once=d", &bo, &err), 0);
    CHECK_STR(pc_boot_order_at(&bo, 0), "d");
    CHECK_STR(pc_boot_order_at(&bo, 1), "c");
    CHECK_STR(pc_boot_order_at(&bo, 5), "c");
    CHECK_EQ(pc_boot_parse("order=dc", &bo, &err), 0);
    CHECK_STR(pc_boot_order_at(&bo, 0), "dc");
    CHECK_STR(pc_boot_order_at(&bo, 1), "dc");
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_parse);
    TEST_RUN(test_cmos);
    TEST_RUN(test_bootorder);
    TEST_RUN(test_once);
    return test_finish();
}
