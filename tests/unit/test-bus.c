/* Typed, named buses (hw/core/bus.c, hw/isa/isa-bus.c): names, the "bus" property and its validation, where
 * -device puts a device, and the info qtree nesting. */
#include "tests/unit/harness.h"

#include <glib.h>

#include "hw/pci/pci.h"

typedef struct BarState {
    DeviceState parent;
    uint32_t iobase;
} BarState;

static const Property bar_props[] = {
    DEFINE_PROP_U32("iobase", BarState, iobase, 0x300, "I/O base"),
    DEFINE_PROP_END,
};

static const DeviceClass bar_class = {
    .name = "test-bar",
    .desc = "an ISA test device",
    .bus = "isa",
    .instance_size = sizeof(BarState),
    .props = bar_props,
    .user_creatable = true,
};
DEVICE_CLASS_REGISTER(bar_class);

static char *dump_qtree(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    qtree_dump(f);
    fclose(f);
    return buf;
}

static void expect_prop_error(DeviceState *d, const char *opts,
                              const char *needle)
{
    Error *err = NULL;
    CHECK(device_set_props(d, opts, &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), needle));
    if (err && !strstr(error_get_pretty(err), needle)) {
        test_fail(__FILE__, __LINE__, "'%s' lacks '%s'", error_get_pretty(err),
                  needle);
    }
    error_free(err);
}

static void test_names_and_lookup(void)
{
    TestBus tb;
    ISABus second;
    test_bus_init(&tb);
    isa_bus_init(&second, NULL, &tb.io_root, &tb.io_as, &tb.mem_root,
                 &tb.mem_as);
    ISABus named;
    isa_bus_init(&named, "legacy", &tb.io_root, &tb.io_as, &tb.mem_root,
                 &tb.mem_as);
    PCIBus *pci = pci_bus_new(&tb.mem_root, &tb.io_root, &tb.mem_as);

    CHECK_STR(tb.isa.qbus.name, "isa.0");
    CHECK_STR(second.qbus.name, "isa.1");
    CHECK_STR(named.qbus.name, "legacy");
    CHECK_STR(pci->qbus.name, "pci.0");
    CHECK(bus_find("isa.1") == &second.qbus);
    CHECK(bus_find("pci.0") == &pci->qbus);
    CHECK(bus_find("main-system-bus") == sysbus_get());
    CHECK(bus_find("ide.0") == NULL);
    CHECK(bus_find_type("isa") == &tb.isa.qbus);
    CHECK(bus_find_type("pci") == &pci->qbus);
    CHECK(bus_find_type("ide") == NULL);

    bus_cleanup(&second.qbus);
    CHECK(bus_find("isa.1") == NULL);
    bus_cleanup(&named.qbus);
    pci_bus_free(pci);
    CHECK(bus_find("pci.0") == NULL);
    test_bus_cleanup(&tb);
}

static void test_bus_property(void)
{
    TestBus tb;
    ISABus second;
    Error *err = NULL;
    test_bus_init(&tb);
    isa_bus_init(&second, NULL, &tb.io_root, &tb.io_as, &tb.mem_root,
                 &tb.mem_as);
    PCIBus *pci = pci_bus_new(&tb.mem_root, &tb.io_root, &tb.mem_as);

    DeviceState *d = device_new("test-bar");
    expect_prop_error(d, "bus=ide.0",
                      "test-bar: property 'bus': no bus "
                      "named 'ide.0'");
    expect_prop_error(d, "bus=pci.0",
                      "bus 'pci.0' is of type pci, test-bar "
                      "needs a bus of type isa");
    CHECK(d->bus == NULL);
    CHECK(device_set_props(d, "bus=isa.1,iobase=0x280", &err) == 0);
    CHECK(d->bus == &second.qbus);
    char *v = device_prop_print(d, "bus");
    CHECK_STR(v, "\"isa.1\"");
    g_free(v);
    /* the property wins over the bus the board passes */
    CHECK(device_realize(d, &tb.isa.qbus, &err) == 0);
    CHECK(d->bus == &second.qbus);
    CHECK(second.qbus.children == d);
    CHECK(tb.isa.qbus.children == NULL);
    /* a realized device does not move */
    expect_prop_error(d, "bus=isa.0", "plugged in already");
    CHECK(d->bus == &second.qbus);

    /* a realize on a bus of the wrong type is refused */
    DeviceState *e = device_new("test-bar");
    CHECK(device_realize(e, &pci->qbus, &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "needs a bus of type isa"));
    error_free(err);
    err = NULL;
    CHECK(!e->realized && e->bus == NULL);
    device_free(e);

    /* -device: the first bus of the type, or bus= */
    DeviceState *f = device_add_opts("test-bar,iobase=0x290", &err);
    CHECK(f && f->bus == &tb.isa.qbus);
    DeviceState *g = device_add_opts("test-bar,bus=isa.1", &err);
    CHECK(g && g->bus == &second.qbus && d->sibling == g);
    CHECK(device_add_opts("test-bar,bus=pci.0", &err) == NULL);
    CHECK(err && strstr(error_get_pretty(err), "-device test-bar,bus=pci.0: "
                                               "test-bar: property 'bus'"));
    error_free(err);

    device_free(d);
    device_free(g);
    CHECK(second.qbus.children == NULL);
    bus_cleanup(&second.qbus);
    pci_bus_free(pci);
    test_bus_cleanup(&tb);
}

static void test_qtree(void)
{
    TestBus tb;
    ISABus child;
    test_bus_init(&tb);
    DeviceState *bridge = test_device(&tb, "test-bar", "iobase=0x100,id=br");
    isa_bus_init(&child, "isa-child", &tb.io_root, &tb.io_as, &tb.mem_root,
                 &tb.mem_as);
    bus_set_parent(&child.qbus, bridge);
    DeviceState *leaf = device_new("test-bar");
    Error *err = NULL;
    CHECK(device_set_props(leaf, "bus=isa-child,iobase=0x200", &err) == 0);
    CHECK(device_realize(leaf, NULL, &err) == 0);

    char *s = dump_qtree();
    CHECK(strstr(s, "bus: main-system-bus\n"
                    "  type System\n"
                    "  bus: isa.0\n"
                    "    type ISA\n"
                    "    dev: test-bar, id \"br\"\n"
                    "      iobase = 0x100\n"
                    "      bus: isa-child\n"
                    "        type ISA\n"
                    "        dev: test-bar, id \"\"\n"
                    "          iobase = 0x200\n") != NULL);
    /* a bus with a parent is not listed again at the root */
    CHECK(strstr(s, "\n  bus: isa-child") == NULL);
    if (!strstr(s, "      bus: isa-child")) {
        printf("%s", s);
    }
    free(s);
    device_free(leaf);
    bus_cleanup(&child.qbus);
    test_bus_cleanup(&tb);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_names_and_lookup);
    TEST_RUN(test_bus_property);
    TEST_RUN(test_qtree);
    return test_finish();
}
