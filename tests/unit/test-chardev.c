/*
 * Chardev tests: the ringbuf test backend (flow control, watches, input),
 * the file and socket backends, the stdio mux's escapes, spec parsing.
 * Sockets use loopback addresses and temporary unix sockets only.
 */
#include "tests/unit/harness.h"
#include "emu/chardev.h"
#include "emu/main-loop.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* A frontend that records what it got, with a settable room. */
typedef struct TestFe {
    uint8_t buf[4096];
    int len;
    int room;       /* can_receive returns this (minus what it holds) */
    int events[8];
    int nevents;
    int watch_runs;
} TestFe;

static int fe_can_receive(void *opaque)
{
    TestFe *fe = opaque;
    return fe->room;
}

static void fe_receive(void *opaque, const uint8_t *buf, int size)
{
    TestFe *fe = opaque;
    CHECK(size <= fe->room);
    int n = MIN(size, (int)sizeof(fe->buf) - fe->len);
    memcpy(fe->buf + fe->len, buf, n);
    fe->len += n;
    fe->room -= size;
}

static void fe_event(void *opaque, int event)
{
    TestFe *fe = opaque;
    if (fe->nevents < (int)ARRAY_SIZE(fe->events)) {
        fe->events[fe->nevents++] = event;
    }
}

static void fe_watch(void *opaque)
{
    TestFe *fe = opaque;
    fe->watch_runs++;
}

static Chardev *new_opts(const char *opts)
{
    Error *err = NULL;
    Chardev *c = chardev_new_opts(opts, &err);
    if (!c) {
        test_fail(__FILE__, __LINE__, "chardev_new_opts(%s): %s", opts,
                  err ? error_get_pretty(err) : "(no error)");
        error_free(err);
    }
    return c;
}

static void test_ringbuf_write_read(void)
{
    Chardev *c = new_opts("ringbuf,id=r0,size=64");
    if (!c) {
        return;
    }
    CHECK(chardev_find("r0") == c);
    CHECK_STR(chr_label(c), "r0");
    uint8_t data[100], out[100];
    for (int i = 0; i < 100; i++) {
        data[i] = i;
    }
    CHECK_EQ(chr_write(c, data, 10), 10);
    CHECK_EQ(ringbuf_count(c), 10);
    CHECK_EQ(ringbuf_read(c, out, 4), 4);
    CHECK_EQ(out[0], 0);
    CHECK_EQ(out[3], 3);
    CHECK_EQ(ringbuf_read(c, out, 100), 6);
    CHECK_EQ(out[5], 9);
    /* Full: takes only the free space, wrapping around the end. */
    CHECK_EQ(chr_write(c, data, 100), 64);
    CHECK_EQ(chr_write(c, data, 1), 0);
    CHECK_EQ(ringbuf_read(c, out, 100), 64);
    CHECK_EQ(out[63], 63);
    /* chr_write_all cannot block on a ringbuf: returns what it took. */
    CHECK_EQ(chr_write_all(c, data, 100), 64);
    chardev_cleanup_all();
    CHECK(chardev_find("r0") == NULL);
}

static void test_ringbuf_blocked_watch(void)
{
    Chardev *c = new_opts("ringbuf,id=r1,size=16");
    if (!c) {
        return;
    }
    TestFe fe = { 0 };
    uint8_t b[4] = { 'a', 'b', 'c', 'd' }, out[16];
    ringbuf_set_blocked(c, true);
    CHECK_EQ(chr_write(c, b, 4), 0);
    chr_add_watch(c, fe_watch, &fe);
    chr_add_watch(c, fe_watch, &fe); /* same watch twice: runs once */
    CHECK_EQ(fe.watch_runs, 0);
    ringbuf_set_blocked(c, false); /* runs the pending watch synchronously */
    CHECK_EQ(fe.watch_runs, 1);
    ringbuf_set_blocked(c, true);
    ringbuf_set_blocked(c, false);
    CHECK_EQ(fe.watch_runs, 1); /* a watch runs once */
    CHECK_EQ(chr_write(c, b, 4), 4);

    /* Full buffer: the watch runs when a read frees space. */
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(chr_write(c, b, 4), 4);
    }
    CHECK_EQ(chr_write(c, b, 4), 0);
    chr_add_watch(c, fe_watch, &fe);
    CHECK_EQ(fe.watch_runs, 1);
    CHECK_EQ(ringbuf_read(c, out, 2), 2);
    CHECK_EQ(fe.watch_runs, 2);

    /* Added while writable: runs from the main context. */
    chr_add_watch(c, fe_watch, &fe);
    CHECK_EQ(fe.watch_runs, 2);
    for (int i = 0; i < 10 && fe.watch_runs == 2; i++) {
        g_main_context_iteration(NULL, FALSE);
    }
    CHECK_EQ(fe.watch_runs, 3);
    chardev_cleanup_all();
}

static void test_ringbuf_inject(void)
{
    Chardev *c = new_opts("ringbuf,id=r2");
    if (!c) {
        return;
    }
    TestFe fe = { 0 };
    fe.room = 3;
    chr_set_frontend(c, fe_can_receive, fe_receive, fe_event, &fe);
    CHECK_EQ(ringbuf_inject(c, (const uint8_t *)"hello", 5), 3);
    CHECK_EQ(fe.len, 3);
    CHECK_EQ(ringbuf_pending_input(c), 2);
    chr_accept_input(c); /* still no room: nothing moves */
    CHECK_EQ(fe.len, 3);
    fe.room = 10;
    chr_accept_input(c);
    CHECK_EQ(fe.len, 5);
    CHECK_EQ(ringbuf_pending_input(c), 0);
    CHECK(!memcmp(fe.buf, "hello", 5));
    ringbuf_send_event(c, CHR_EVENT_BREAK);
    CHECK_EQ(fe.nevents, 1);
    CHECK_EQ(fe.events[0], CHR_EVENT_BREAK);
    chardev_cleanup_all();
}


static void test_file_backend(void)
{
    char path[] = "/tmp/emu-test-chardev-XXXXXX";
    int tfd = mkstemp(path);
    CHECK(tfd >= 0);
    close(tfd);
    char *spec = g_strdup_printf("file:%s", path);
    Error *err = NULL;
    Chardev *c = chardev_new_spec("serial0", spec, &err);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ(chr_write(c, (const uint8_t *)"hello ", 6), 6);
        CHECK_EQ(chr_write_all(c, (const uint8_t *)"world\n", 6), 6);
        TestFe fe = { 0 };
        chr_add_watch(c, fe_watch, &fe); /* a file is always writable */
        for (int i = 0; i < 50 && !fe.watch_runs; i++) {
            g_main_context_iteration(NULL, FALSE);
        }
        CHECK_EQ(fe.watch_runs, 1);
        chardev_cleanup_all();
        char *text = NULL;
        CHECK(g_file_get_contents(path, &text, NULL, NULL));
        CHECK_STR(text, "hello world\n");
        g_free(text);
    }
    error_free(err);
    /* -chardev file,path= form, truncating what was there */
    char *opts = g_strdup_printf("file,id=f0,path=%s", path);
    c = new_opts(opts);
    if (c) {
        CHECK_EQ(chr_write(c, (const uint8_t *)"x", 1), 1);
        chardev_cleanup_all();
        char *text = NULL;
        CHECK(g_file_get_contents(path, &text, NULL, NULL));
        CHECK_STR(text, "x");
        g_free(text);
    }
    unlink(path);
    g_free(opts);
    g_free(spec);
}

/* Run the main context until cond or ~2 s. */
#define SPIN_UNTIL(cond)                                                     \
    do {                                                                     \
        for (int i_ = 0; i_ < 200 && !(cond); i_++) {                        \
            g_main_context_iteration(NULL, FALSE);                           \
            if (!(cond)) {                                                   \
                g_usleep(10000);                                             \
            }                                                                \
        }                                                                    \
    } while (0)

static int recv_some(int fd, char *buf, int len)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, 2000) <= 0) {
        return -1;
    }
    return recv(fd, buf, len, 0);
}

/* Both directions over a connected server chardev and client fd. */
static void check_socket_flow(Chardev *c, int cfd, TestFe *fe)
{
    /* nobody has read yet, so the frontend's bytes are in the socket */
    CHECK_EQ(chr_write(c, (const uint8_t *)"to-client", 9), 9);
    char buf[64] = { 0 };
    CHECK_EQ(recv_some(cfd, buf, sizeof(buf) - 1), 9);
    CHECK_STR(buf, "to-client");
    fe->room = 4; /* flow control: only 4 bytes at first */
    CHECK_EQ(send(cfd, "from-client", 11, 0), 11);
    SPIN_UNTIL(fe->len >= 4);
    for (int i = 0; i < 5; i++) {
        g_main_context_iteration(NULL, FALSE);
    }
    CHECK_EQ(fe->len, 4);
    fe->room = 100;
    chr_accept_input(c);
    SPIN_UNTIL(fe->len >= 11);
    CHECK_EQ(fe->len, 11);
    CHECK(!memcmp(fe->buf, "from-client", 11));
}

static void test_socket_tcp_server(void)
{
    Chardev *c = new_opts("socket,id=s0,host=127.0.0.1,port=0,server=on,"
                          "wait=off");
    if (!c) {
        return;
    }
    TestFe fe = { 0 };
    chr_set_frontend(c, fe_can_receive, fe_receive, fe_event, &fe);
    int port = chardev_socket_port(c);
    CHECK(port > 0);
    CHECK(!chr_is_connected(c));
    /* No client: output is dropped, not blocked. */
    CHECK_EQ(chr_write(c, (const uint8_t *)"lost", 4), 4);

    for (int round = 0; round < 2; round++) {
        int cfd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = { .sin_family = AF_INET,
                                  .sin_port = htons(port) };
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        CHECK_EQ(connect(cfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        SPIN_UNTIL(chr_is_connected(c));
        CHECK(chr_is_connected(c));
        CHECK_EQ(fe.nevents, 2 * round + 1);
        CHECK_EQ(fe.events[2 * round], CHR_EVENT_OPENED);
        fe.len = 0;
        check_socket_flow(c, cfd, &fe);
        /* The client leaves; the server takes the next one (round 2). */
        close(cfd);
        fe.room = 100;
        SPIN_UNTIL(!chr_is_connected(c));
        CHECK(!chr_is_connected(c));
        CHECK_EQ(fe.events[2 * round + 1], CHR_EVENT_CLOSED);
        CHECK_EQ(chr_write(c, (const uint8_t *)"x", 1), 1);
    }
    chardev_cleanup_all();
}

static void test_socket_unix(void)
{
    char *dir = g_dir_make_tmp("emu-chr-XXXXXX", NULL);
    CHECK(dir != NULL);
    if (!dir) {
        return;
    }
    char *path = g_build_filename(dir, "sock", NULL);
    char *spec = g_strdup_printf("unix:%s,server,nowait", path);
    Error *err = NULL;
    Chardev *c = chardev_new_spec("serial1", spec, &err);
    CHECK(c != NULL);
    if (c) {
        TestFe fe = { 0 };
        chr_set_frontend(c, fe_can_receive, fe_receive, fe_event, &fe);
        int cfd = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
        CHECK_EQ(connect(cfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        SPIN_UNTIL(chr_is_connected(c));
        check_socket_flow(c, cfd, &fe);
        close(cfd);
        chardev_cleanup_all();
        CHECK(!g_file_test(path, G_FILE_TEST_EXISTS)); /* unlinked */
    }
    error_free(err);
    /* A client chardev to a listener we own. */
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    CHECK_EQ(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    CHECK_EQ(listen(lfd, 1), 0);
    char *opts = g_strdup_printf("socket,id=u1,path=%s", path);
    c = new_opts(opts);
    if (c) {
        int afd = accept(lfd, NULL, NULL);
        CHECK(afd >= 0);
        CHECK(chr_is_connected(c));
        CHECK_EQ(chr_write_all(c, (const uint8_t *)"hi", 2), 2);
        char buf[8] = { 0 };
        CHECK_EQ(recv_some(afd, buf, sizeof(buf)), 2);
        CHECK_STR(buf, "hi");
        close(afd);
        chardev_cleanup_all();
    }
    close(lfd);
    unlink(path);
    rmdir(dir);
    g_free(opts);
    g_free(spec);
    g_free(path);
    g_free(dir);
}

static void test_socket_tcp_client(void)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof(sa);
    CHECK_EQ(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    CHECK_EQ(listen(lfd, 1), 0);
    getsockname(lfd, (struct sockaddr *)&sa, &sl);
    char *spec = g_strdup_printf("tcp:127.0.0.1:%d", ntohs(sa.sin_port));
    Error *err = NULL;
    Chardev *c = chardev_new_spec("serial2", spec, &err);
    CHECK(c != NULL);
    if (c) {
        TestFe fe = { .room = 100 };
        chr_set_frontend(c, fe_can_receive, fe_receive, fe_event, &fe);
        int afd = accept(lfd, NULL, NULL);
        CHECK(afd >= 0);
        CHECK_EQ(send(afd, "ping", 4, 0), 4);
        SPIN_UNTIL(fe.len >= 4);
        CHECK_EQ(fe.len, 4);
        close(afd);
        chardev_cleanup_all();
    }
    error_free(err);
    close(lfd);
    g_free(spec);
    /* Nobody listening on a port we just closed: an error naming it. */
    err = NULL;
    spec = g_strdup_printf("tcp:127.0.0.1:%d", ntohs(sa.sin_port));
    c = chardev_new_spec("serial2", spec, &err);
    CHECK(c == NULL);
    CHECK(err != NULL && strstr(error_get_pretty(err), spec) != NULL);
    error_free(err);
    g_free(spec);
}

static void test_pty(void)
{
    Error *err = NULL;
    Chardev *c = chardev_new_spec("serial0", "pty", &err);
    CHECK(c != NULL);
    if (!c) {
        error_free(err);
        return;
    }
    const char *name = chr_pty_name(c);
    CHECK(name && !strncmp(name, "/dev/pts/", 9));
    CHECK(!chr_is_connected(c));
    CHECK_EQ(chr_write(c, (const uint8_t *)"drop", 4), 4); /* dropped */
    TestFe fe = { .room = 100 };
    chr_set_frontend(c, fe_can_receive, fe_receive, fe_event, &fe);
    int sfd = open(name, O_RDWR | O_NOCTTY);
    CHECK(sfd >= 0);
    CHECK_EQ(chr_write(c, (const uint8_t *)"tty", 3), 3);
    char buf[8] = { 0 };
    struct pollfd p = { .fd = sfd, .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 2000), 1);
    CHECK_EQ(read(sfd, buf, sizeof(buf)), 3);
    CHECK_STR(buf, "tty");
    CHECK_EQ(write(sfd, "in", 2), 2);
    SPIN_UNTIL(fe.len >= 2);
    CHECK_EQ(fe.len, 2);
    CHECK(!memcmp(fe.buf, "in", 2));
    close(sfd);
    chardev_cleanup_all();
}

static const uint8_t CA = 0x01;

static void test_mux_escapes(void)
{
    Chardev *m = new_opts("ringbuf,id=mx,mux=on,size=4096");
    if (!m) {
        return;
    }
    CHECK(chr_is_mux(m));
    TestFe serial = { .room = 100 }, mon = { .room = 100 };
    chr_mux_add_frontend(m, fe_can_receive, fe_receive, fe_event, &mon, true);
    chr_set_frontend(m, fe_can_receive, fe_receive, fe_event, &serial);
    CHECK_EQ(chr_mux_focus(m), 1); /* the serial port takes the focus */
    for (int i = 0; i < 5; i++) {
        g_main_context_iteration(NULL, FALSE);
    }
    CHECK_EQ(serial.nevents, 1);
    CHECK_EQ(serial.events[0], CHR_EVENT_MUX_IN);
    CHECK_EQ(mon.nevents, 0);

    Chardev *be = chr_mux_backend(m);
    CHECK(be != NULL);
    if (!be) {
        chardev_cleanup_all();
        return;
    }
    uint8_t out[4096];
    int n;
    /* Output of any frontend reaches the backend. */
    CHECK_EQ(chr_write(m, (const uint8_t *)"out", 3), 3);
    CHECK_EQ(ringbuf_read(be, out, sizeof(out)), 3);

    static const uint8_t seq1[] = { 'a', 'b', CA, CA, 'c' };
    for (size_t i = 0; i < sizeof(seq1); i++) {
        ringbuf_inject(be, &seq1[i], 1);
    }
    CHECK_EQ(serial.len, 4);
    CHECK(!memcmp(serial.buf, "ab\x01" "c", 4)); /* C-a C-a -> one C-a */

    /* C-a c: focus to the monitor, which now gets the input. */
    ringbuf_inject(be, &CA, 1);
    ringbuf_inject(be, (const uint8_t *)"c", 1);
    CHECK_EQ(chr_mux_focus(m), 0);
    CHECK_EQ(mon.nevents, 1);
    CHECK_EQ(mon.events[0], CHR_EVENT_MUX_IN);
    CHECK_EQ(serial.events[serial.nevents - 1], CHR_EVENT_MUX_OUT);
    ringbuf_inject(be, (const uint8_t *)"info", 4);
    CHECK_EQ(mon.len, 4);
    CHECK_EQ(serial.len, 4);
    /* and back */
    ringbuf_inject(be, &CA, 1);
    ringbuf_inject(be, (const uint8_t *)"c", 1);
    CHECK_EQ(chr_mux_focus(m), 1);
    CHECK_EQ(serial.events[serial.nevents - 1], CHR_EVENT_MUX_IN);

    /* C-a b: a break to the focused frontend only. */
    int mon_events = mon.nevents;
    ringbuf_inject(be, &CA, 1);
    ringbuf_inject(be, (const uint8_t *)"b", 1);
    CHECK_EQ(serial.events[serial.nevents - 1], CHR_EVENT_BREAK);
    CHECK_EQ(mon.nevents, mon_events);

    /* C-a h: help text on the terminal, nothing to the guest. */
    ringbuf_inject(be, &CA, 1);
    ringbuf_inject(be, (const uint8_t *)"h", 1);
    n = ringbuf_read(be, out, sizeof(out) - 1);
    out[n] = 0;
    CHECK(strstr((char *)out, "C-a x    exit emulator") != NULL);
    CHECK(strstr((char *)out, "C-a c    switch between console and monitor"));
    CHECK_EQ(serial.len, 4);

    /* C-a t: timestamps at line starts. */
    ringbuf_inject(be, &CA, 1);
    ringbuf_inject(be, (const uint8_t *)"t", 1);
    CHECK_EQ(chr_write(m, (const uint8_t *)"l1\nl2\n", 6), 6);
    n = ringbuf_read(be, out, sizeof(out) - 1);
    out[n] = 0;
    CHECK(!strncmp((char *)out, "l1\n[00:00:00.", 13));
    CHECK(strstr((char *)out, "] l2\n") != NULL);
    ringbuf_inject(be, &CA, 1);
    ringbuf_inject(be, (const uint8_t *)"t", 1);
    CHECK_EQ(chr_write(m, (const uint8_t *)"l3\n", 3), 3);
    n = ringbuf_read(be, out, sizeof(out) - 1);
    CHECK_EQ(n, 3);

    /* Escapes work while the guest does not read its UART. */
    serial.room = 0;
    CHECK(!system_shutdown_requested());
    ringbuf_inject(be, (const uint8_t *)"z", 1);
    ringbuf_inject(be, &CA, 1);
    ringbuf_inject(be, (const uint8_t *)"x", 1);
    CHECK(system_shutdown_requested());
    n = ringbuf_read(be, out, sizeof(out) - 1);
    out[n] = 0;
    CHECK(strstr((char *)out, "Terminated") != NULL);
    CHECK_EQ(serial.len, 4);
    serial.room = 10;
    chr_accept_input(m);
    CHECK_EQ(serial.len, 5); /* the 'z' was kept for it */
    CHECK_EQ(serial.buf[4], 'z');
    chardev_cleanup_all();
}

static void test_spec_errors(void)
{
    static const char *const bad[] = {
        "bogus", "file:", "tcp:nohostport", "tcp:127.0.0.1:", "unix:",
        "tcp:127.0.0.1:99999", "tcp:127.0.0.1:12,server=maybe",
        "chardev:nosuch", "",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        Error *err = NULL;
        Chardev *c = chardev_new_spec("serial0", bad[i], &err);
        CHECK(c == NULL);
        CHECK(err != NULL);
        if (err) {
            const char *msg = error_get_pretty(err);
            CHECK(strchr(msg, '\n') == NULL);
            CHECK(strstr(msg, "serial0") != NULL);
            if (*bad[i] && !strstr(msg, bad[i])) {
                test_fail(__FILE__, __LINE__, "'%s' not named in '%s'",
                          bad[i], msg);
            }
        }
        error_free(err);
    }
    Error *err = NULL;
    CHECK(chardev_new_spec("serial0", "none", &err) == NULL);
    CHECK(err == NULL);

    static const char *const bad_opts[] = {
        "ringbuf", "nosuch,id=x", "ringbuf,id=x,size=100",
        "socket,id=x", "file,id=x", "socket,id=x,port=1,path=/tmp/x",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad_opts); i++) {
        err = NULL;
        CHECK(chardev_new_opts(bad_opts[i], &err) == NULL);
        CHECK(err != NULL);
        error_free(err);
    }
    /* duplicate ids are refused */
    Chardev *a = new_opts("null,id=dup");
    err = NULL;
    CHECK(a && chardev_new_opts("null,id=dup", &err) == NULL);
    CHECK(err != NULL);
    error_free(err);
    /* chardev:ID finds it; vc and null take output */
    err = NULL;
    CHECK(chardev_new_spec("serial1", "chardev:dup", &err) == a);
    Chardev *v = chardev_new_spec("serial2", "vc", &err);
    CHECK(v && chr_write(v, (const uint8_t *)"abc", 3) == 3);
    CHECK(err == NULL);
    chardev_cleanup_all();
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_ringbuf_write_read);
    TEST_RUN(test_ringbuf_blocked_watch);
    TEST_RUN(test_ringbuf_inject);
    TEST_RUN(test_file_backend);
    TEST_RUN(test_socket_tcp_server);
    TEST_RUN(test_socket_tcp_client);
    TEST_RUN(test_socket_unix);
    TEST_RUN(test_pty);
    TEST_RUN(test_mux_escapes);
    TEST_RUN(test_spec_errors);
    return test_finish();
}
