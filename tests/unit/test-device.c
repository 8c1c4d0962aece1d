/* Device base: class lookup, typed property parsing and errors, property
 * types as operation tables (round trips, a type defined here), realize and
 * reset order, the state table dump and save/load round trip. */
#include "tests/unit/harness.h"

#include <glib.h>

#include "hw/pci/pci.h"

/*
 * A property type defined outside hw/core, as the block and net layers
 * will define drive and netdev: a colour by name, stored as an index.
 * "release" counts calls so the test sees device_free() use it.
 */
typedef enum { COLOUR_NONE, COLOUR_RED, COLOUR_GREEN } Colour;
static const char *const colour_names[] = {"none", "red", "green"};
static int colour_releases;

static int colour_parse(DeviceState *dev, const Property *p, void *field,
                        const char *str, Error **errp)
{
    for (size_t i = 0; i < ARRAY_SIZE(colour_names); i++) {
        if (!strcmp(str, colour_names[i])) {
            *(Colour *)field = (Colour)i;
            return 0;
        }
    }
    error_setg(errp, "expects red or green, not '%s'", str);
    return -EINVAL;
}

static char *colour_print(const Property *p, const void *field)
{
    return g_strdup(colour_names[*(const Colour *)field]);
}

static void colour_release(const Property *p, void *field)
{
    colour_releases++;
}

static const PropertyInfo prop_info_colour = {
    .name = "colour", .parse = colour_parse, .print = colour_print,
    .release = colour_release,
};

typedef struct FooState {
    DeviceState parent;
    uint32_t iobase;
    uint8_t irq;
    bool fast;
    uint64_t size;
    int32_t devfn;
    char *label;
    Colour colour;
    int32_t delta;
    uint16_t port;
    uint64_t big;
    int resets;
    int realize_order;
    uint16_t regs[3];
} FooState;

static int realize_counter;

static const Property foo_props[] = {
    DEFINE_PROP_U32("iobase", FooState, iobase, 0x300, "I/O base"),
    DEFINE_PROP_U8("irq", FooState, irq, 5, "IRQ"),
    DEFINE_PROP_BOOL("fast", FooState, fast, false, "go fast"),
    DEFINE_PROP_SIZE("size", FooState, size, 4096, "window size"),
    DEFINE_PROP("addr", FooState, devfn, int32_t, &prop_info_pci_devfn,
                (uint64_t)-1, "slot.fn"),
    DEFINE_PROP_STRING("label", FooState, label, "none", "a label"),
    DEFINE_PROP("colour", FooState, colour, Colour, &prop_info_colour, 0,
                "a colour"),
    DEFINE_PROP_I32("delta", FooState, delta, -1, "signed"),
    DEFINE_PROP_U16("port", FooState, port, 0x60, "a port"),
    DEFINE_PROP_U64("big", FooState, big, 0, "a big one"),
    DEFINE_PROP_END,
};

static const VMStateField foo_fields[] = {
    VMSTATE_U32(iobase, FooState),
    VMSTATE_U16_ARRAY(regs, FooState, 3),
    VMSTATE_BOOL(fast, FooState),
    VMSTATE_END_OF_LIST(),
};
static const VMStateDescription vmstate_foo = { "foo", 1, foo_fields, NULL };

static int foo_realize(DeviceState *dev, Error **errp)
{
    FooState *s = (FooState *)dev;
    if (s->iobase > 0xfff0) {
        error_setg(errp, "test-foo: iobase 0x%x out of range", s->iobase);
        return -EINVAL;
    }
    s->realize_order = ++realize_counter;
    return 0;
}

static void foo_reset(DeviceState *dev)
{
    FooState *s = (FooState *)dev;
    s->resets++;
    s->regs[0] = 0;
}

static const DeviceClass foo_class = {
    .name = "test-foo", .desc = "a test device", .bus = "isa",
    .instance_size = sizeof(FooState), .props = foo_props,
    .user_creatable = true, .realize = foo_realize, .reset = foo_reset,
    .vmsd = &vmstate_foo,
};
DEVICE_CLASS_REGISTER(foo_class);

static void test_defaults_and_parse(void)
{
    Error *err = NULL;
    FooState *s = (FooState *)device_new("test-foo");
    CHECK(s != NULL);
    CHECK(device_new("no-such-device") == NULL);
    CHECK_EQ(s->iobase, 0x300);
    CHECK_EQ(s->irq, 5);
    CHECK_EQ(s->size, 4096);
    CHECK_EQ(s->devfn, -1);
    CHECK_STR(s->label, "none");

    CHECK(device_set_props(&s->parent, "iobase=0x2f8,irq=3,fast=on,"
                           "size=64k,addr=1f.7,label=hi,id=foo0", &err) == 0);
    CHECK(err == NULL);
    CHECK_EQ(s->iobase, 0x2f8);
    CHECK_EQ(s->irq, 3);
    CHECK(s->fast);
    CHECK_EQ(s->size, 64 * 1024);
    CHECK_EQ(s->devfn, (0x1f << 3) | 7);
    CHECK_STR(s->label, "hi");
    CHECK_STR(s->parent.id, "foo0");
    device_free(&s->parent);
}

static void expect_error(const char *opts, const char *needle)
{
    Error *err = NULL;
    DeviceState *d = device_new("test-foo");
    CHECK(device_set_props(d, opts, &err) < 0);
    CHECK(err != NULL);
    if (err) {
        if (!strstr(error_get_pretty(err), needle)) {
            test_fail(__FILE__, __LINE__, "'%s': message '%s' lacks '%s'",
                      opts, error_get_pretty(err), needle);
        }
        error_free(err);
    }
    device_free(d);
}

static void test_bad_values(void)
{
    expect_error("nosuch=1", "property 'nosuch' not found");
    expect_error("irq=256", "expects a uint8");
    expect_error("irq=-1", "expects a uint8");
    expect_error("iobase=xyz", "expects a uint32");
    expect_error("fast=maybe", "expects on/off");
    expect_error("size=12q", "expects a size");
    expect_error("addr=20.0", "slot[.function]");
    expect_error("addr=1.8", "slot[.function]");
    expect_error("iobase", "expected property=value");
    expect_error("iobase=", "expects a uint32, not ''");
    expect_error("iobase=0x100000000", "expects a uint32");
    expect_error("port=0x10000", "expects a uint16");
    expect_error("big=18446744073709551616", "expects a uint64");
    expect_error("big=-1", "expects a uint64");
    expect_error("size=1k2", "expects a size");
    expect_error("size=17179869184G", "expects a size");
    expect_error("delta=2147483648", "expects an integer");
    expect_error("delta=1x", "expects an integer");
    expect_error("addr=.1", "slot[.function]");
    expect_error("addr=1.", "slot[.function]");
    expect_error("colour=blue", "expects red or green, not 'blue'");
    /* The message names the device and the property. */
    expect_error("irq=256", "test-foo: property 'irq': ");
    expect_error("colour=blue", "test-foo: property 'colour': ");
}

/* Parse, print, parse the printed text: the same value (and text). */
static void round_trip(const char *prop, const char *in, const char *printed)
{
    Error *err = NULL;
    DeviceState *d = device_new("test-foo");
    DeviceState *e = device_new("test-foo");
    CHECK(device_set_prop(d, prop, in, &err) == 0);
    char *out = device_prop_print(d, prop);
    CHECK_STR(out, printed);
    /* Strings print quoted; everything else reparses as printed. */
    if (out && out[0] != '"') {
        CHECK(device_set_prop(e, prop, out, &err) == 0);
        char *again = device_prop_print(e, prop);
        CHECK_STR(again, printed);
        g_free(again);
    }
    if (err) {
        test_fail(__FILE__, __LINE__, "%s=%s: %s", prop, in,
                  error_get_pretty(err));
        error_free(err);
    }
    g_free(out);
    device_free(d);
    device_free(e);
}

static void test_round_trips(void)
{
    round_trip("iobase", "0x2f8", "0x2f8");
    round_trip("iobase", "760", "0x2f8");
    round_trip("iobase", "0xffffffff", "0xffffffff");
    round_trip("irq", "255", "0xff");
    round_trip("port", "0xffff", "0xffff");
    round_trip("big", "18446744073709551615", "0xffffffffffffffff");
    round_trip("size", "2G", "0x80000000");
    round_trip("size", "1t", "0x10000000000");
    round_trip("fast", "yes", "true");
    round_trip("fast", "off", "false");
    round_trip("delta", "-2147483648", "-2147483648");
    round_trip("delta", "0x10", "16");
    round_trip("addr", "1f.7", "1f.7");
    round_trip("addr", "3", "03.0");
    round_trip("label", "hello", "\"hello\"");
    round_trip("colour", "green", "green");
    DeviceState *d = device_new("test-foo");
    CHECK(device_prop_print(d, "nosuch") == NULL);
    device_free(d);
}

static void test_custom_type(void)
{
    Error *err = NULL;
    FooState *s = (FooState *)device_new("test-foo");
    CHECK_EQ(s->colour, COLOUR_NONE); /* no set_default: zero */
    CHECK(device_set_props(&s->parent, "colour=red", &err) == 0);
    CHECK_EQ(s->colour, COLOUR_RED);
    CHECK(device_prop_field(&s->parent, "colour", &prop_info_colour) ==
          &s->colour);
    int before = colour_releases;
    device_free(&s->parent);
    CHECK_EQ(colour_releases, before + 1);

    /* help shows the type's name, and the default only where one exists */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    device_class_print_props(f, device_class_find("test-foo"));
    fclose(f);
    CHECK(strstr(buf, "colour=<colour> - a colour\n") != NULL);
    CHECK(strstr(buf, "delta=<int32> - signed\n") != NULL);
    CHECK(strstr(buf, "label=<str> - a label (default \"none\")") != NULL);
    CHECK(strstr(buf, "fast=<bool> - go fast (default off)") != NULL);
    CHECK(strstr(buf, "addr=<pci-devfn> - slot.fn\n") != NULL);
    free(buf);
}

static void test_realize_reset_dump(void)
{
    TestBus tb;
    Error *err = NULL;
    test_bus_init(&tb);
    FooState *a = (FooState *)test_device(&tb, "test-foo", "iobase=0x100");
    FooState *b = (FooState *)test_device(&tb, "test-foo", "iobase=0x200");
    CHECK(a && b);
    if (!a || !b) {
        return;
    }
    CHECK(a->realize_order < b->realize_order);
    CHECK_EQ(a->resets, 1);
    a->regs[0] = 7;
    devices_reset_all();
    CHECK_EQ(a->resets, 2);
    CHECK_EQ(b->resets, 2);
    CHECK_EQ(a->regs[0], 0);

    /* realize failure is an error, not a crash */
    DeviceState *c = device_new("test-foo");
    device_set_props(c, "iobase=0xffff", NULL);
    CHECK(device_realize(c, &tb.isa.qbus, &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "out of range"));
    error_free(err);
    device_free(c);

    /* dump lists properties and state */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    a->regs[1] = 0xbeef;
    device_dump(f, &a->parent);
    fclose(f);
    CHECK(strstr(buf, "dev: test-foo") != NULL);
    CHECK(strstr(buf, "iobase = 0x100") != NULL);
    CHECK(strstr(buf, "0xbeef") != NULL);
    free(buf);

    /* save/load round trip */
    uint8_t img[64];
    size_t n = vmstate_save(&vmstate_foo, a, img, sizeof(img));
    CHECK_EQ(n, 4 + 6 + 1);
    FooState copy = { 0 };
    CHECK(vmstate_load(&vmstate_foo, &copy, img, n) == 0);
    CHECK_EQ(copy.iobase, 0x100);
    CHECK_EQ(copy.regs[1], 0xbeef);
    CHECK(vmstate_load(&vmstate_foo, &copy, img, n - 1) < 0);
    test_bus_cleanup(&tb);
}

static void test_help_lists(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    device_class_list(f);
    device_class_print_props(f, device_class_find("test-foo"));
    fclose(f);
    CHECK(strstr(buf, "name \"test-foo\", bus isa") != NULL);
    CHECK(strstr(buf, "iobase=<uint32> - I/O base (default 0x300)") != NULL);
    free(buf);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_defaults_and_parse);
    TEST_RUN(test_bad_values);
    TEST_RUN(test_round_trips);
    TEST_RUN(test_custom_type);
    TEST_RUN(test_realize_reset_dump);
    TEST_RUN(test_help_lists);
    return test_finish();
}
