/*
 * Debug device tests: isa-debugcon (output to a chardev, readback value)
 * and isa-debug-exit (exit status (V << 1) | 1, checked in a child
 * process because a shutdown request can be made only once).
 */
#include "tests/unit/harness.h"
#include "emu/chardev.h"
#include "emu/main-loop.h"
#include "hw/char/debugcon.h"
#include "hw/misc/debugexit.h"

#include <sys/wait.h>
#include <unistd.h>

static void test_debugcon_output(void)
{
    TestBus tb;
    Error *err = NULL;
    Chardev *chr = chardev_new_opts("ringbuf,id=dc0,size=64", &err);
    DeviceState *dev;
    uint8_t buf[16];

    test_bus_init(&tb);
    CHECK(chr != NULL);
    dev = device_new(TYPE_ISA_DEBUGCON);
    device_prop_set_chardev(dev, "chardev", chr);
    CHECK_EQ(device_realize(dev, &tb.isa.qbus, NULL), 0);
    device_reset(dev);
    outb(&tb, 0xe9, 'o');
    outb(&tb, 0xe9, 'k');
    /* A 16-bit write is split: '!' to 0xe9, the high byte to 0xea. */
    outw(&tb, 0xe9, 0x0a21);
    CHECK_EQ(ringbuf_read(chr, buf, sizeof(buf)), 3);
    CHECK(!memcmp(buf, "ok!", 3));
    CHECK_EQ(inb(&tb, 0xe9), 0xe9);
    /* Only one port: the next one is unassigned. */
    CHECK_EQ(inb(&tb, 0xea), 0xff);
    test_bus_cleanup(&tb);
    chardev_cleanup_all();
}

static void test_debugcon_seabios_port(void)
{
    TestBus tb;

    test_bus_init(&tb);
    test_device(&tb, TYPE_ISA_DEBUGCON, "iobase=0x402");
    test_device(&tb, TYPE_ISA_DEBUGCON, "iobase=0x403,readback=0x42");
    CHECK_EQ(inb(&tb, 0x402), 0xe9);    /* what SeaBIOS looks for */
    CHECK_EQ(inb(&tb, 0x403), 0x42);
    outb(&tb, 0x402, 'x');              /* no chardev: dropped quietly */
    CHECK_EQ(inb(&tb, 0xe9), 0xff);
    test_bus_cleanup(&tb);
}

/* In a child: write val with an access of size at port, report status. */
static int exit_status_of(const char *props, uint16_t port, unsigned size,
                          uint32_t val, bool *requested)
{
    int fds[2];
    pid_t pid;
    int result[2] = { -1, 0 }, st;

    if (pipe(fds) < 0) {
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        TestBus tb;
        close(fds[0]);
        test_bus_init(&tb);
        test_device(&tb, TYPE_ISA_DEBUG_EXIT, props);
        result[1] = system_shutdown_requested();
        as_out(&tb.io_as, port, size, val);
        if (system_shutdown_requested()) {
            result[0] = main_loop_run();
        }
        result[1] |= system_shutdown_requested() << 1;
        if (write(fds[1], result, sizeof(result)) != sizeof(result)) {
            _exit(99);
        }
        _exit(0);
    }
    close(fds[1]);
    if (read(fds[0], result, sizeof(result)) != sizeof(result)) {
        result[0] = -2;
    }
    close(fds[0]);
    waitpid(pid, &st, 0);
    *requested = result[1] == 2;    /* not before the write, after it */
    return result[0];
}

static void test_debug_exit(void)
{
    bool req = false;

    CHECK_EQ(exit_status_of(NULL, 0x501, 1, 0x00, &req), 1);
    CHECK(req);
    CHECK_EQ(exit_status_of(NULL, 0x501, 1, 0x10, &req), 0x21);
    CHECK(req);
    CHECK_EQ(exit_status_of(NULL, 0x502, 1, 0x01, &req), 3);
    CHECK(req);
    /* A wide write is one value, not bytes. */
    CHECK_EQ(exit_status_of(NULL, 0x501, 2, 0x1234, &req), 0x2469);
    CHECK(req);
    CHECK_EQ(exit_status_of("iobase=0xf4,iosize=0x04", 0xf4, 4, 0x7f, &req),
             0xff);
    CHECK(req);
    /* Outside the ports nothing happens. */
    CHECK_EQ(exit_status_of(NULL, 0x503, 1, 0x01, &req), -1);
    CHECK(!req);
}

static void test_debug_exit_bad_props(void)
{
    DeviceState *dev = device_new(TYPE_ISA_DEBUG_EXIT);
    TestBus tb;
    Error *err = NULL;

    test_bus_init(&tb);
    CHECK_EQ(device_set_props(dev, "iobase=0xffff,iosize=4", NULL), 0);
    CHECK(device_realize(dev, &tb.isa.qbus, &err) < 0);
    CHECK(err != NULL);
    error_free(err);
    device_free(dev);
    test_bus_cleanup(&tb);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_debugcon_output);
    TEST_RUN(test_debugcon_seabios_port);
    TEST_RUN(test_debug_exit);
    TEST_RUN(test_debug_exit_bad_props);
    return test_finish();
}
