/* The unit/device test harness (tests/unit/harness.h). */
#include "tests/unit/harness.h"

static const char *prog = "test";
static int passed, failed, cur_failures;
static const char *cur_name;

void test_init(int argc, char **argv)
{
    (void)argc;
    const char *slash = strrchr(argv[0], '/');
    prog = slash ? slash + 1 : argv[0];
    setvbuf(stdout, NULL, _IOLBF, 0);
    clock_enable_test_mode();
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    printf("  %s:%d: %s: ", file, line, cur_name ? cur_name : "?");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    cur_failures++;
}

void test_run_one(const char *name, void (*fn)(void))
{
    cur_name = name;
    cur_failures = 0;
    fn();
    if (cur_failures) {
        printf("FAIL %s/%s\n", prog, name);
        failed++;
    } else {
        printf("ok   %s/%s\n", prog, name);
        passed++;
    }
    cur_name = NULL;
}

int test_finish(void)
{
    printf("%s: %d passed, %d failed\n", prog, passed, failed);
    return failed ? 1 : 0;
}

int test_finish_skip(int nskipped, const char *why)
{
    printf("SKIP: %s\n", why);
    printf("%s: %d passed, %d failed, %d skipped\n", prog, passed, failed,
           nskipped);
    return failed ? 1 : 77;
}

void test_bus_init(TestBus *tb)
{
    Error *err = NULL;
    memset(tb, 0, sizeof(*tb));
    clock_enable_test_mode();
    memory_region_init(&tb->io_root, "io", 0x10000);
    memory_region_init(&tb->mem_root, "memory", 4 * GiB);
    if (memory_region_init_ram(&tb->ram, "ram", 1 * MiB, &err) < 0) {
        error_report_err(err);
        abort();
    }
    memory_region_add_subregion(&tb->mem_root, 0, &tb->ram);
    address_space_init(&tb->io_as, &tb->io_root, "I/O");
    address_space_init(&tb->mem_as, &tb->mem_root, "memory");
    isa_bus_init(&tb->isa, NULL, &tb->io_root, &tb->io_as, &tb->mem_root,
                 &tb->mem_as);
    for (int i = 0; i < 16; i++) {
        tb->isa.irqs[i] = irq_new_probe(&tb->irq[i]);
    }
}

void test_bus_cleanup(TestBus *tb)
{
    /* Unrealize the devices that sit on this bus, newest first. */
    for (;;) {
        DeviceState *last = NULL;
        for (DeviceState *d = devices_first(); d; d = d->next) {
            if (d->bus == &tb->isa.qbus) {
                last = d;
            }
        }
        if (!last) {
            break;
        }
        device_free(last);
    }
    address_space_destroy(&tb->io_as);
    address_space_destroy(&tb->mem_as);
    memory_region_del_subregion(&tb->mem_root, &tb->ram);
    memory_region_finalize(&tb->ram);
    memory_region_finalize(&tb->io_root);
    memory_region_finalize(&tb->mem_root);
    for (int i = 0; i < 16; i++) {
        irq_free(tb->isa.irqs[i]);
    }
    bus_cleanup(&tb->isa.qbus);
}

DeviceState *test_device(TestBus *tb, const char *name, const char *props)
{
    Error *err = NULL;
    DeviceState *dev = device_new(name);
    if (!dev) {
        test_fail(__FILE__, __LINE__, "no device class '%s'", name);
        return NULL;
    }
    if ((props && device_set_props(dev, props, &err) < 0) ||
        device_realize(dev, &tb->isa.qbus, &err) < 0) {
        test_fail(__FILE__, __LINE__, "%s: %s", name, error_get_pretty(err));
        error_free(err);
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return dev;
}

const char *test_data_dir(void)
{
    const char *d = getenv("EMU_TESTDATA");
    return d ? d : "../shared/testdata";
}
