/*
 * Human monitor tests: commands run through monitor_execute_line() into a
 * memstream, and the line editor driven through a ringbuf chardev (plain
 * and behind the stdio-style mux with C-a c).  A small fake machine (one
 * CPU without an accelerator, 64 KiB of RAM) stands behind "info", x and
 * xp.
 */
#include "tests/unit/harness.h"
#include "emu/chardev.h"
#include "emu/cpu.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "emu/monitor.h"

#include <arpa/inet.h>
#include <glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

static Machine fake;
static CPUState fake_cpu;
static MemoryRegion sysmem, sysio, ram;
static AddressSpace as_mem, as_io;

static void fake_machine_init(void)
{
    memory_region_init(&sysmem, "system", 4 * GiB);
    memory_region_init(&sysio, "io", 64 * KiB);
    Error *err = NULL;
    CHECK_EQ(memory_region_init_ram(&ram, "test-ram", 64 * KiB, &err), 0);
    memory_region_add_subregion(&sysmem, 0, &ram);
    address_space_init(&as_mem, &sysmem, "memory");
    address_space_init(&as_io, &sysio, "I/O");
    static const uint8_t bytes[] = { 0x11, 0x22, 0x33, 0x44,
                                     0x55, 0x66, 0x77, 0x88 };
    memcpy(memory_region_get_ram_ptr(&ram) + 0x10, bytes, sizeof(bytes));
    fake_cpu.index = 0;
    fake_cpu.machine = &fake;
    fake_cpu.env.regs[0] = 0x1234abcd;
    fake_cpu.env.a20_mask = 0xffffffff;
    fake.sysmem = &sysmem;
    fake.sysio = &sysio;
    fake.as_mem = &as_mem;
    fake.as_io = &as_io;
    fake.ram = &ram;
    fake.nr_cpus = 1;
    fake.cpus[0] = &fake_cpu;
    current_machine = &fake;
}

/* Run a line; return its output (g_free it) and the status in *rc. */
static char *run(const char *line, int *rc)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    int r = monitor_execute_line(NULL, line, f);
    fclose(f);
    if (rc) {
        *rc = r;
    }
    char *s = g_strndup(buf, size);
    free(buf);
    return s;
}

static bool contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle)) {
        return false;
    }
    return true;
}

#define CHECK_CONTAINS(hay, needle)                                          \
    do {                                                                     \
        const char *h_ = (hay);                                              \
        if (!contains(h_, (needle))) {                                       \
            test_fail(__FILE__, __LINE__, "'%s' not in output: %s",         \
                      (needle), h_ ? h_ : "(null)");                         \
        }                                                                    \
    } while (0)

static void test_help_and_unknown(void)
{
    int rc;
    char *s = run("help", &rc);
    CHECK_EQ(rc, 0);
    CHECK_CONTAINS(s, "quit|q");
    CHECK_CONTAINS(s, "system_reset");
    CHECK_CONTAINS(s, "cont|c");
    CHECK_CONTAINS(s, "info");
    g_free(s);
    s = run("info", &rc);
    CHECK_CONTAINS(s, "info status");
    CHECK_CONTAINS(s, "info registers");
    CHECK_CONTAINS(s, "info mtree");
    g_free(s);
    s = run("frobnicate 1 2", &rc);
    CHECK_EQ(rc, -1);
    CHECK_CONTAINS(s, "unknown command: 'frobnicate'");
    g_free(s);
    s = run("info nosuch", &rc);
    CHECK_EQ(rc, -1);
    CHECK_CONTAINS(s, "nosuch");
    g_free(s);
    s = run("   ", &rc);
    CHECK_EQ(rc, 0);
    CHECK_STR(s, "");
    g_free(s);
}

static void test_stop_cont_status(void)
{
    char *s = run("info status", NULL);
    CHECK_STR(s, "VM status: running\n");
    g_free(s);
    g_free(run("stop", NULL));
    CHECK(!clock_vm_running());
    CHECK(fake_cpu.stop_request);
    s = run("info status", NULL);
    CHECK_STR(s, "VM status: paused\n");
    g_free(s);
    g_free(run("c", NULL)); /* alias of cont */
    CHECK(clock_vm_running());
    CHECK(!fake_cpu.stop_request);
    s = run("info status", NULL);
    CHECK_STR(s, "VM status: running\n");
    g_free(s);
}

static void check_refused(const char *line, const char *want);

/* Two CPUs: "cpu N" selects the one info registers shows (QEMU's
 * default CPU), -a shows both, info cpus marks the selected one. */
static void test_cpu_select(void)
{
    static CPUState cpu1;
    int rc;
    cpu1 = fake_cpu;
    cpu1.index = 1;
    cpu1.env.regs[0] = 0x5678cdef;
    fake.cpus[1] = &cpu1;
    fake.nr_cpus = 2;

    char *s = run("info registers", &rc);
    CHECK_EQ(rc, 0);
    CHECK_CONTAINS(s, "CPU#0");
    CHECK_CONTAINS(s, "EAX=1234abcd");
    CHECK(!contains(s, "CPU#1"));
    g_free(s);
    g_free(run("cpu 1", &rc));
    CHECK_EQ(rc, 0);
    s = run("info registers", NULL);
    CHECK_CONTAINS(s, "EAX=5678cdef");
    CHECK(!contains(s, "CPU#0"));
    g_free(s);
    s = run("info cpus", NULL);
    CHECK_CONTAINS(s, "  CPU #0");
    CHECK_CONTAINS(s, "* CPU #1");
    g_free(s);
    s = run("info registers -a", NULL);
    CHECK_CONTAINS(s, "EAX=1234abcd");
    CHECK_CONTAINS(s, "EAX=5678cdef");
    g_free(s);
    check_refused("cpu 2", "invalid CPU index '2'");
    check_refused("cpu x", "invalid CPU index 'x'");
    check_refused("cpu", "invalid CPU index");
    check_refused("info registers -b", "unexpected argument '-b'");
    g_free(run("cpu 0", NULL));
    fake.nr_cpus = 1;
    fake.cpus[1] = NULL;
}

static void test_info_machine(void)
{
    char *s = run("info registers", NULL);
    /* x86_cpu_dump_state prints EAX; accept either case of hex. */
    if (!contains(s, "1234abcd") && !contains(s, "1234ABCD")) {
        test_fail(__FILE__, __LINE__, "EAX not in: %s", s);
    }
    g_free(s);
    s = run("info mtree", NULL);
    CHECK_CONTAINS(s, "address-space: memory");
    CHECK_CONTAINS(s, "test-ram");
    g_free(s);
    s = run("info mtree -f", NULL);
    CHECK_CONTAINS(s, "FlatView");
    CHECK_CONTAINS(s, "test-ram");
    g_free(s);
    int rc;
    s = run("info qtree", &rc);
    CHECK_EQ(rc, 0);
    g_free(s);
    s = run("info cpus", &rc);
    CHECK_CONTAINS(s, "* CPU #0: pc=");
    g_free(s);
}

static int pci_calls;
static void info_pci_hook(FILE *out)
{
    pci_calls++;
    fprintf(out, "Bus 0, device 0: fake host bridge\n");
}

static void test_register_info(void)
{
    monitor_register_info("pci", "show PCI info", info_pci_hook);
    char *s = run("info pci", NULL);
    CHECK_EQ(pci_calls, 1);
    CHECK_STR(s, "Bus 0, device 0: fake host bridge\n");
    g_free(s);
    s = run("info", NULL);
    CHECK_CONTAINS(s, "info pci");
    CHECK_CONTAINS(s, "show PCI info");
    g_free(s);
}

static void test_xp(void)
{
    int rc;
    char *s = run("xp /2xw 0x10", &rc);
    CHECK_EQ(rc, 0);
    CHECK_STR(s, "0000000000000010: 0x44332211 0x88776655\n");
    g_free(s);
    s = run("xp/3xb 0x11", &rc);
    CHECK_STR(s, "0000000000000011: 0x22 0x33 0x44\n");
    g_free(s);
    s = run("xp /1xg 0x10", &rc);
    CHECK_STR(s, "0000000000000010: 0x8877665544332211\n");
    g_free(s);
    s = run("x /1dh 0x16", &rc); /* paging off: x reads the same memory */
    CHECK_STR(s, "0000000000000016: -30601\n");
    g_free(s);
    s = run("xp /2q 0x10", &rc);
    CHECK_EQ(rc, -1);
    g_free(s);
}

/*
 * x with paging on: 32-bit page tables in the fake RAM (directory at
 * 0x1000, table at 0x2000) map linear 0x00403000 to physical 0x0000 and
 * 0x00404000 to 0x3000; x reads through them, xp does not.
 */
static void test_x_paging(void)
{
    uint8_t *r = memory_region_get_ram_ptr(&ram);
    CPUX86State *env = &fake_cpu.env;
    int rc;
    stl_le_p(r + 0x1000 + 1 * 4, 0x2000 | 0x7);     /* PDE 1: P RW US */
    stl_le_p(r + 0x2000 + 3 * 4, 0x0000 | 0x1);     /* PTE 3: P */
    stl_le_p(r + 0x2000 + 4 * 4, 0x3000 | 0x1);     /* PTE 4: P */
    stl_le_p(r + 0x2ffe, 0xa1b2c3d4);
    env->cr[3] = 0x1000;
    env->cr[0] = CR0_PE_MASK | CR0_PG_MASK;
    char *s = run("x /2xw 0x00403010", &rc);
    CHECK_EQ(rc, 0);
    CHECK_STR(s, "0000000000403010: 0x44332211 0x88776655\n");
    g_free(s);
    /* An element that straddles two pages: the halves come from two
     * physical pages (0x0ffe-0x0fff is zero, 0x3000-0x3001 is 0xa1b2). */
    s = run("x /1xw 0x00403ffe", &rc);
    CHECK_EQ(rc, 0);
    CHECK_STR(s, "0000000000403ffe: 0xa1b20000\n");
    g_free(s);
    s = run("xp /1xw 0x2ffe", &rc);
    CHECK_STR(s, "0000000000002ffe: 0xa1b2c3d4\n");
    g_free(s);
    /* The linear address itself is not mapped: an error, not physical
     * memory. */
    s = run("x /1xw 0x10", &rc);
    CHECK_EQ(rc, -1);
    CHECK_CONTAINS(s, "Cannot access memory");
    g_free(s);
    s = run("x /2xw 0x00404ffc", &rc);
    CHECK_EQ(rc, -1);
    CHECK_CONTAINS(s, "Cannot access memory");
    g_free(s);
    /* The linear space ends at 4 GiB, whatever the physical one. */
    s = run("x /2xw 0xfffffffc", &rc);
    CHECK_EQ(rc, -1);
    CHECK_CONTAINS(s, "past the end of the linear address space");
    g_free(s);
    /* info mem: the two supervisor read-only pages, then a user-writable
     * one (PTE 5), as QEMU prints them. */
    stl_le_p(r + 0x2000 + 5 * 4, 0x4000 | 0x7);
    s = run("info mem", &rc);
    CHECK_STR(s, "00403000-00405000 00002000 -r-\n"
                 "00405000-00406000 00001000 urw\n");
    g_free(s);
    /* A debugger read sets no accessed flag. */
    CHECK_EQ(ldl_le_p(r + 0x1004) & 0x20, 0);
    CHECK_EQ(ldl_le_p(r + 0x200c) & 0x20, 0);
    env->cr[0] = 0;
    env->cr[3] = 0;
    memset(r + 0x1000, 0, 0x3000);
    s = run("info mem", &rc);
    CHECK_STR(s, "PG disabled\n");
    g_free(s);
}

/*
 * x and info mem in long mode: 4-level tables in the fake RAM map the
 * 2 MiB page 0x40000000 (PML4 0x1000 -> PDPT 0x5000 -> PD 0x6000) and
 * the 4 KiB pages 0xffff800000403000 and ...404000 (PML4E 0x100 -> PDPT
 * 0x2000 -> PD 0x3000 -> PT 0x4000) to physical 0 and 0x8000.
 */
static void test_x_long_mode(void)
{
    uint8_t *r = memory_region_get_ram_ptr(&ram);
    CPUX86State *env = &fake_cpu.env;
    int rc;
    memset(r + 0x1000, 0, 0x6000);
    stq_le_p(r + 0x1000 + 0x100 * 8, 0x2000 | 0x7);
    stq_le_p(r + 0x2000, 0x3000 | 0x7);
    stq_le_p(r + 0x3000 + 2 * 8, 0x4000 | 0x7);
    stq_le_p(r + 0x4000 + 3 * 8, 0x0000 | 0x1);    /* P: supervisor, r/o */
    stq_le_p(r + 0x4000 + 4 * 8, 0x8000 | 0x7);    /* P RW US */
    stq_le_p(r + 0x1000, 0x5000 | 0x7);
    stq_le_p(r + 0x5000 + 1 * 8, 0x6000 | 0x7);
    stq_le_p(r + 0x6000, 0x0000 | 0x87);           /* 2 MiB, P RW US */
    env->cr[3] = 0x1000;
    env->cr[4] = CR4_PAE_MASK;
    env->efer = EFER_LME | EFER_LMA;
    env->cr[0] = CR0_PE_MASK | CR0_PG_MASK;
    char *s = run("x /2xw 0xffff800000403010", &rc);
    CHECK_EQ(rc, 0);
    CHECK_STR(s, "ffff800000403010: 0x44332211 0x88776655\n");
    g_free(s);
    s = run("x /1xw 0x40000014", &rc);
    CHECK_EQ(rc, 0);
    CHECK_STR(s, "0000000040000014: 0x88776655\n");
    g_free(s);
    /* Not canonical: no access; past 2^64: refused. */
    s = run("x /1xw 0x0000800000403010", &rc);
    CHECK_EQ(rc, -1);
    CHECK_CONTAINS(s, "Cannot access memory");
    g_free(s);
    s = run("x /2xw 0xfffffffffffffffc", &rc);
    CHECK_EQ(rc, -1);
    CHECK_CONTAINS(s, "past the end of the linear address space");
    g_free(s);
    s = run("info mem", &rc);
    CHECK_STR(s, "0000000040000000-0000000040200000 0000000000200000 urw\n"
                 "ffff800000403000-ffff800000404000 0000000000001000 -r-\n"
                 "ffff800000404000-ffff800000405000 0000000000001000 urw\n");
    g_free(s);
    /* A debugger read sets no accessed flag. */
    CHECK_EQ(ldq_le_p(r + 0x1800) & 0x20, 0);
    CHECK_EQ(ldq_le_p(r + 0x4018) & 0x20, 0);
    env->cr[0] = 0;
    env->cr[3] = 0;
    env->cr[4] = 0;
    env->efer = 0;
    memset(r + 0x1000, 0, 0x6000);
}

/* Run a line that must fail with a message containing want. */
static void check_refused(const char *line, const char *want)
{
    int rc = 0;
    char *s = run(line, &rc);
    if (rc != -1 || !contains(s, want)) {
        test_fail(__FILE__, __LINE__, "'%s': rc %d, output '%s', want '%s'",
                  line, rc, s, want);
    }
    g_free(s);
}

/* Commands that take no arguments refuse them: "q x" must not quit. */
static void test_trailing_args(void)
{
    check_refused("qwerty", "unknown command: 'qwerty'");
    check_refused("q x", "unexpected argument 'x'");
    check_refused("quit now", "unexpected argument 'now'");
    check_refused("q\tx", "unexpected argument 'x'");
    CHECK(!system_shutdown_requested());
    check_refused("stop 1", "unexpected argument '1'");
    CHECK(clock_vm_running());
    check_refused("system_reset please", "unexpected argument");
    check_refused("c x", "unexpected argument");
    check_refused("info status x", "unexpected argument 'x'");
    check_refused("info mtree -g", "unexpected argument '-g'");
    check_refused("help nosuch", "unknown command 'nosuch'");
    check_refused("help q x", "too many arguments");
    int rc;
    char *s = run("help q", &rc);
    CHECK_EQ(rc, 0);
    CHECK_CONTAINS(s, "quit|q");
    CHECK(!contains(s, "system_reset"));
    g_free(s);
    s = run("  stop  ", &rc); /* blanks around a command are fine */
    CHECK_EQ(rc, 0);
    CHECK(!clock_vm_running());
    g_free(s);
    g_free(run("cont", NULL));
    CHECK(clock_vm_running());
    CHECK(!system_shutdown_requested());
}

/* Counts and addresses that do not fit are refused, never truncated. */
static void test_x_limits(void)
{
    check_refused("x /4294967297x 0x10", "count too large");
    check_refused("xp /18446744073709551617xb 0x10", "count too large");
    check_refused("xp /65537xb 0x10", "count too large");
    check_refused("xp /0x 0x10", "at least 1");
    check_refused("xp /x 0x1ffffffffffffffff", "does not fit in 64 bits");
    check_refused("xp /x -1", "usage");
    check_refused("xp /x", "usage");
    check_refused("xp /x 0x10 junk", "unexpected ' junk'");
    /* The space is 4 GiB: no wrap to 0 above it. */
    check_refused("xp /x 0x100000010", "past the end");
    check_refused("xp /2xw 0xfffffffc", "past the end");
    check_refused("xp /1xg 0xffffffffffffffff", "past the end");
    int rc;
    char *s = run("xp /1xw 0xfffffffc", &rc); /* unassigned: all ones */
    CHECK_EQ(rc, 0);
    CHECK_STR(s, "00000000fffffffc: 0xffffffff\n");
    g_free(s);
    s = run("xp /65536xb 0x0", &rc);
    CHECK_EQ(rc, 0);
    CHECK_CONTAINS(s, "000000000000fff0:");
    g_free(s);
}

static int read_all(Chardev *c, char *buf, int len)
{
    int n = ringbuf_read(c, (uint8_t *)buf, len - 1);
    buf[n] = 0;
    return n;
}

static void inject(Chardev *c, const char *s)
{
    for (const char *p = s; *p; p++) {
        ringbuf_inject(c, (const uint8_t *)p, 1);
    }
}

static void test_line_editor(void)
{
    Error *err = NULL;
    Chardev *c = chardev_new_opts("ringbuf,id=mon0,size=65536", &err);
    CHECK(c != NULL);
    if (!c) {
        error_free(err);
        return;
    }
    CHECK_EQ(monitor_init(c, false, &err), 0);
    char buf[65536];
    read_all(c, buf, sizeof(buf));
    CHECK_CONTAINS(buf, "emu monitor - type 'help'");
    CHECK(g_str_has_suffix(buf, "(emu) "));
    /* typed with a mistake and a backspace, CR LF ends it once */
    inject(c, "info sx\x7ftatus\r\n");
    read_all(c, buf, sizeof(buf));
    CHECK_CONTAINS(buf, "\b \b");
    CHECK_CONTAINS(buf, "\r\nVM status: running\r\n(emu) ");
    CHECK(strstr(buf, "(emu) ") == strrchr(buf, '(')); /* one prompt */
    /* Up arrow brings the last line back; Enter runs it again. */
    inject(c, "\x1b[A");
    read_all(c, buf, sizeof(buf));
    CHECK_CONTAINS(buf, "info status");
    inject(c, "\r");
    read_all(c, buf, sizeof(buf));
    CHECK_CONTAINS(buf, "VM status: running");
    /* C-u kills the line */
    inject(c, "garbage\x15help\r");
    read_all(c, buf, sizeof(buf));
    CHECK_CONTAINS(buf, "system_reset");
    CHECK(!contains(buf, "unknown command"));
    chardev_cleanup_all();
    monitor_cleanup_all();
}

static void test_on_mux(void)
{
    Error *err = NULL;
    Chardev *m = chardev_new_opts("ringbuf,id=mux0,mux=on", &err);
    CHECK(m != NULL);
    if (!m) {
        error_free(err);
        return;
    }
    Chardev *be = chr_mux_backend(m);
    CHECK_EQ(monitor_init(m, true, &err), 0);
    /* a serial-like frontend that swallows everything */
    static int serial_bytes;
    chr_set_frontend(m, NULL, NULL, NULL, &serial_bytes);
    for (int i = 0; i < 5; i++) {
        g_main_context_iteration(NULL, FALSE);
    }
    char buf[65536];
    read_all(be, buf, sizeof(buf));
    CHECK(!contains(buf, "(emu)")); /* the serial port has the focus */
    inject(be, "\x01" "c");
    read_all(be, buf, sizeof(buf));
    CHECK_CONTAINS(buf, "emu monitor");
    CHECK(g_str_has_suffix(buf, "(emu) "));
    inject(be, "info status\r");
    read_all(be, buf, sizeof(buf));
    CHECK_CONTAINS(buf, "VM status: running");
    inject(be, "\x01" "c" "\x01" "c"); /* away and back: prompt again */
    read_all(be, buf, sizeof(buf));
    CHECK_STR(buf, "(emu) ");
    chardev_cleanup_all();
    monitor_cleanup_all();
}

/* Read from fd until needle shows up (or 2 s): drives the main context. */
static bool sock_expect(int fd, const char *needle, GString *acc)
{
    for (int i = 0; i < 200; i++) {
        g_main_context_iteration(NULL, FALSE);
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 10) == 1) {
            char buf[512];
            ssize_t n = recv(fd, buf, sizeof(buf), 0);
            if (n > 0) {
                g_string_append_len(acc, buf, n);
            }
        }
        if (strstr(acc->str, needle)) {
            return true;
        }
    }
    return false;
}

static void test_on_socket(void)
{
    Error *err = NULL;
    Chardev *c = chardev_new_spec("monitor", "tcp:127.0.0.1:0,server,nowait",
                                  &err);
    CHECK(c != NULL);
    if (!c) {
        error_free(err);
        return;
    }
    CHECK_EQ(monitor_init(c, false, &err), 0);
    int port = chardev_socket_port(c);
    CHECK(port > 0);
    for (int round = 0; round < 2; round++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = { .sin_family = AF_INET,
                                  .sin_port = htons(port) };
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        CHECK_EQ(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        GString *acc = g_string_new(NULL);
        CHECK(sock_expect(fd, "(emu) ", acc));
        CHECK(strstr(acc->str, "emu monitor") != NULL);
        g_string_truncate(acc, 0);
        CHECK_EQ(send(fd, "info status\r\n", 13, 0), 13);
        CHECK(sock_expect(fd, "VM status: running\r\n(emu) ", acc));
        g_string_free(acc, TRUE);
        close(fd); /* the next client gets a fresh banner */
        for (int i = 0; i < 20 && chr_is_connected(c); i++) {
            g_main_context_iteration(NULL, FALSE);
            g_usleep(5000);
        }
        CHECK(!chr_is_connected(c));
    }
    chardev_cleanup_all();
    monitor_cleanup_all();
}

static void test_quit(void)
{
    CHECK(!system_shutdown_requested());
    g_free(run("q", NULL));
    CHECK(system_shutdown_requested());
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    bql_lock();
    fake_machine_init();
    TEST_RUN(test_help_and_unknown);
    TEST_RUN(test_stop_cont_status);
    TEST_RUN(test_info_machine);
    TEST_RUN(test_cpu_select);
    TEST_RUN(test_register_info);
    TEST_RUN(test_xp);
    TEST_RUN(test_x_paging);
    TEST_RUN(test_x_long_mode);
    TEST_RUN(test_trailing_args);
    TEST_RUN(test_x_limits);
    TEST_RUN(test_line_editor);
    TEST_RUN(test_on_mux);
    TEST_RUN(test_on_socket);
    TEST_RUN(test_quit);
    return test_finish();
}
