/*
 * pcap output (net/pcap.c) through -object filter-dump and -net dump
 * (net/filter-dump.c): frames go through a fake backend and a fake NIC
 * (or a hub), the file is parsed back (header fields, each record's
 * lengths and bytes, timestamps from the host clock), and, where tcpdump
 * is installed, tcpdump must read it too.
 */
#include "tests/unit/harness.h"
#include "emu/iov.h"
#include "emu/main-loop.h"
#include "net/net-int.h"
#include "net/netdev.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static char *tmpdir;

/* ---- Clients that take every frame ----------------------------------------
 */

static ssize_t sink_receive(NetClientState *nc, const uint8_t *buf, size_t len)
{
    nc->opaque = (void *)((uintptr_t)nc->opaque + 1);
    return len;
}

static const NetClientInfo sink_nic_info = {
    .type = "nic",
    .is_nic = true,
    .receive = sink_receive,
};
static const NetClientInfo sink_backend_info = {
    .type = "fake",
    .receive = sink_receive,
};

static void make_frame(uint8_t *buf, uint32_t seq, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(seq * 31 + i * 7);
    }
}

/* ---- Reading a pcap file back ---------------------------------------------
 */

typedef struct Rec {
    uint32_t sec, usec, incl, orig;
    uint8_t *data;
} Rec;

typedef struct Pcap {
    uint32_t magic, snaplen, network;
    uint16_t major, minor;
    int32_t zone;
    uint32_t sigfigs;
    GArray *recs;
    bool ok; /* the file is whole: no torn record */
} Pcap;

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static Pcap *pcap_read(const char *path)
{
    gchar *buf;
    gsize len;
    if (!g_file_get_contents(path, &buf, &len, NULL)) {
        return NULL;
    }
    Pcap *p = g_new0(Pcap, 1);
    p->recs = g_array_new(false, true, sizeof(Rec));
    const uint8_t *b = (const uint8_t *)buf;
    if (len >= 24) {
        p->magic = get32(b);
        memcpy(&p->major, b + 4, 2);
        memcpy(&p->minor, b + 6, 2);
        p->zone = (int32_t)get32(b + 8);
        p->sigfigs = get32(b + 12);
        p->snaplen = get32(b + 16);
        p->network = get32(b + 20);
        size_t off = 24;
        p->ok = true;
        while (off < len) {
            if (len - off < 16) {
                p->ok = false;
                break;
            }
            Rec r = {get32(b + off), get32(b + off + 4), get32(b + off + 8),
                     get32(b + off + 12), NULL};
            off += 16;
            if (len - off < r.incl) {
                p->ok = false;
                break;
            }
            r.data = g_memdup2(b + off, r.incl);
            off += r.incl;
            g_array_append_val(p->recs, r);
        }
    }
    g_free(buf);
    return p;
}

static void pcap_free_read(Pcap *p)
{
    if (!p) {
        return;
    }
    for (guint i = 0; i < p->recs->len; i++) {
        g_free(g_array_index(p->recs, Rec, i).data);
    }
    g_array_free(p->recs, true);
    g_free(p);
}

static Rec *rec(Pcap *p, guint i)
{
    return i < p->recs->len ? &g_array_index(p->recs, Rec, i) : NULL;
}

/* Record i holds frame seq of length len, cut at snap. */
static bool rec_is(Pcap *p, guint i, uint32_t seq, size_t len, size_t snap)
{
    Rec *r = rec(p, i);
    if (!r) {
        return false;
    }
    size_t incl = MIN(len, snap);
    uint8_t *want = g_malloc(len);
    make_frame(want, seq, len);
    bool ok = r->orig == len && r->incl == incl && !memcmp(r->data, want, incl);
    g_free(want);
    return ok;
}

static void check_header(Pcap *p, uint32_t snaplen)
{
    CHECK(p != NULL);
    if (!p) {
        return;
    }
    CHECK_EQ(p->magic, 0xa1b2c3d4);
    CHECK_EQ(p->major, 2);
    CHECK_EQ(p->minor, 4);
    CHECK_EQ(p->zone, 0);
    CHECK_EQ(p->sigfigs, 0);
    CHECK_EQ(p->snaplen, snaplen);
    CHECK_EQ(p->network, 1);
    CHECK(p->ok);
}

/* tcpdump, when installed, must read the file: one line per record, each
 * with the record's length on the wire. */
static void check_tcpdump(const char *path, Pcap *p)
{
    gchar *tcpdump = g_find_program_in_path("tcpdump");
    if (!tcpdump &&
        g_file_test("/usr/sbin/tcpdump", G_FILE_TEST_IS_EXECUTABLE)) {
        tcpdump = g_strdup("/usr/sbin/tcpdump");
    }
    if (!tcpdump) {
        printf("  skip: tcpdump is not installed (scripts/install-deps.sh "
               "installs it); the file was parsed here only\n");
        return;
    }
    gchar *out = NULL, *err = NULL;
    gint status = -1;
    gchar *argv[] = {tcpdump, "-q", "-nn", "-r", (gchar *)path, NULL};
    bool ran = g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                            &err, &status, NULL);
    CHECK(ran);
    if (ran) {
        CHECK(g_spawn_check_wait_status(status, NULL));
        gchar **lines = g_strsplit(g_strchomp(out), "\n", -1);
        guint n = *out ? g_strv_length(lines) : 0;
        if (n != p->recs->len) {
            test_fail(__FILE__, __LINE__, "tcpdump -r %s: %u lines, not %u: %s",
                      path, n, p->recs->len, err);
        }
        for (guint i = 0; i < n && i < p->recs->len; i++) {
            char *want = g_strdup_printf(", length %u", rec(p, i)->orig);
            if (!strstr(lines[i], want)) {
                test_fail(__FILE__, __LINE__,
                          "tcpdump line %u \"%s\" lacks "
                          "\"%s\"",
                          i, lines[i], want);
            }
            g_free(want);
        }
        g_strfreev(lines);
    }
    g_free(out);
    g_free(err);
    g_free(tcpdump);
}

static char *tmp(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

/* ---- The writer alone ------------------------------------------------------
 */

static void test_pcap_writer(void)
{
    char *path = tmp("w.pcap");
    struct timeval t0, t1;
    gettimeofday(&t0, NULL);
    PcapWriter *w = pcap_open(path, 100, NULL);
    CHECK(w != NULL);
    uint8_t f[3][1514];
    for (int i = 0; i < 3; i++) {
        make_frame(f[i], i, sizeof(f[i]));
    }
    struct iovec one = {f[0], 60};
    pcap_write(w, &one, 1, 60);
    /* A frame in three pieces, longer than the snap length. */
    struct iovec three[3] = {{f[1], 10}, {f[1] + 10, 500}, {f[1] + 510, 1004}};
    pcap_write(w, three, 3, 1514);
    /* Exactly the snap length. */
    struct iovec exact = {f[2], 100};
    pcap_write(w, &exact, 1, 100);
    /* More pieces than the writer gathers at once. */
    struct iovec many[20];
    for (int i = 0; i < 20; i++) {
        many[i] = (struct iovec){f[0] + i * 5, 5};
    }
    pcap_write(w, many, 20, 100);
    gettimeofday(&t1, NULL);
    /* Whole before close: each record is written as it comes. */
    Pcap *p = pcap_read(path);
    check_header(p, 100);
    CHECK_EQ(p->recs->len, 4);
    CHECK(rec_is(p, 0, 0, 60, 100));
    CHECK(rec_is(p, 1, 1, 1514, 100));
    CHECK(rec_is(p, 2, 2, 100, 100));
    CHECK(rec_is(p, 3, 0, 100, 100));
    for (guint i = 0; i < p->recs->len; i++) {
        Rec *r = rec(p, i);
        uint64_t us = (uint64_t)r->sec * 1000000 + r->usec;
        CHECK(r->usec < 1000000);
        CHECK(us >= (uint64_t)t0.tv_sec * 1000000 + t0.tv_usec);
        CHECK(us <= (uint64_t)t1.tv_sec * 1000000 + t1.tv_usec);
    }
    check_tcpdump(path, p);
    pcap_free_read(p);
    pcap_close(w);

    Error *err = NULL;
    char *bad = tmp("no/such/dir/x.pcap");
    CHECK(pcap_open(bad, 100, &err) == NULL);
    CHECK(err && strstr(error_get_pretty(err), "could not open"));
    error_free(err);
    g_free(bad);
    g_free(path);
}

/* ---- -object filter-dump ---------------------------------------------------
 */

static void filter_expect_error(const char *opts, const char *part)
{
    Error *err = NULL;
    if (net_filter_dump_add(opts, &err) == 0) {
        test_fail(__FILE__, __LINE__, "%s was accepted", opts);
        return;
    }
    if (!strstr(error_get_pretty(err), part)) {
        test_fail(__FILE__, __LINE__, "%s: \"%s\" lacks \"%s\"", opts,
                  error_get_pretty(err), part);
    }
    error_free(err);
}

static void test_filter_dump(void)
{
    NetClientState *be = net_client_new(&sink_backend_info, NULL, "fake", "n0");
    NetClientState *nic = net_client_new(&sink_nic_info, be, "nic", "nic0");
    char *path = tmp("f.pcap");
    char *opts =
        g_strdup_printf("filter-dump,id=f0,netdev=n0,file=%s,maxlen=200", path);
    Error *err = NULL;
    CHECK(net_filter_dump_add(opts, &err) == 0);
    if (err) {
        printf("  %s\n", error_get_pretty(err));
        error_free(err);
    }
    uint8_t f[1514];
    /* Both directions, in the order they pass. */
    for (uint32_t i = 0; i < 6; i++) {
        size_t len = i == 3 ? 1514 : 60 + i;
        make_frame(f, i, len);
        net_send(i % 2 ? be : nic, f, len);
    }
    CHECK_EQ((uintptr_t)be->opaque, 3);
    CHECK_EQ((uintptr_t)nic->opaque, 3);
    Pcap *p = pcap_read(path);
    check_header(p, 200);
    CHECK_EQ(p->recs->len, 6);
    for (uint32_t i = 0; i < 6; i++) {
        CHECK(rec_is(p, i, i, i == 3 ? 1514 : 60 + i, 200));
    }
    check_tcpdump(path, p);
    pcap_free_read(p);

    /* queue=rx: only what the netdev receives (the guest's frames). */
    char *path2 = tmp("rx.pcap");
    char *opts2 =
        g_strdup_printf("filter-dump,id=f1,netdev=n0,file=%s,queue=rx", path2);
    CHECK(net_filter_dump_add(opts2, NULL) == 0);
    for (uint32_t i = 0; i < 4; i++) {
        make_frame(f, 10 + i, 80);
        net_send(i % 2 ? be : nic, f, 80);
    }
    p = pcap_read(path2);
    check_header(p, 65536);
    CHECK_EQ(p->recs->len, 2);
    CHECK(rec_is(p, 0, 10, 80, 65536) && rec_is(p, 1, 12, 80, 65536));
    pcap_free_read(p);
    g_free(opts2);
    g_free(path2);

    filter_expect_error("filter-dump,id=f2,file=x.pcap", "'netdev' is missing");
    filter_expect_error("filter-dump,id=f2,netdev=n0", "'file' is missing");
    filter_expect_error("filter-dump,netdev=n0,file=x", "'id' is missing");
    filter_expect_error("filter-dump,id=f2,netdev=zz,file=x", "'zz'");
    filter_expect_error("filter-dump,id=f2,netdev=nic0,file=x", "'nic0'");
    filter_expect_error("filter-dump,id=f2,netdev=n0,file=x,maxlen=0",
                        "maxlen=0");
    filter_expect_error("filter-dump,id=f2,netdev=n0,file=x,queue=up",
                        "'queue' does not accept value 'up'");
    filter_expect_error("filter-dump,id=f2,netdev=n0,file=x,colour=red",
                        "Invalid parameter 'colour'");
    filter_expect_error("filter-dump,id=f2,netdev=n0,file=/no/such/dir/x",
                        "could not open '/no/such/dir/x'");
    filter_expect_error("filter-rewriter,id=f2,netdev=n0,file=x",
                        "not filter-dump");
    net_cleanup();
    g_free(opts);
    g_free(path);
}

/* ---- -net dump
 * --------------------------------------------------------------- */

static void test_net_dump(void)
{
    /* The default file lands in the working directory. */
    char *cwd = g_get_current_dir();
    CHECK(chdir(tmpdir) == 0);
    NetClientState *p0 = net_hub_add_port(5, NULL);
    NetClientState *p1 = net_hub_add_port(5, NULL);
    NetClientState *nic = net_client_new(&sink_nic_info, p0, "nic", "nic0");
    NetClientState *be = net_client_new(&sink_backend_info, p1, "fake", "b0");
    const NetBackend *dump = net_backend_find("dump");
    CHECK(dump && dump->legacy_ok && !dump->netdev_ok);
    KeyValOpts o = {0};
    CHECK(keyval_split("len=64", &o, NULL) == 0);
    Error *err = NULL;
    CHECK(dump->init(&o, "dump.0", net_hub_add_port(5, NULL), &err) == 0);
    CHECK(keyval_unused(&o) == NULL);
    keyval_free(&o);
    NetClientState *d = net_client_find("dump.0");
    CHECK(d != NULL);
    if (!d) {
        error_report_err(err);
        return;
    }
    CHECK_STR(d->info_str, "dump to emu-vlan5.pcap (len=64)");
    uint8_t f[1514];
    for (uint32_t i = 0; i < 4; i++) {
        size_t len = i == 2 ? 1514 : 42 + i;
        make_frame(f, i, len);
        net_send(i % 2 ? be : nic, f, len);
    }
    CHECK_EQ((uintptr_t)be->opaque, 2);
    CHECK_EQ((uintptr_t)nic->opaque, 2);
    net_cleanup(); /* closes the file */
    Pcap *p = pcap_read("emu-vlan5.pcap");
    check_header(p, 64);
    CHECK_EQ(p ? p->recs->len : 0, 4);
    for (uint32_t i = 0; p && i < 4; i++) {
        CHECK(rec_is(p, i, i, i == 2 ? 1514 : 42 + i, 64));
    }
    char *path = tmp("emu-vlan5.pcap");
    if (p) {
        check_tcpdump(path, p);
    }
    pcap_free_read(p);
    g_free(path);

    /* file= and len= errors; -netdev dump is not a thing. */
    CHECK(keyval_split("len=0", &o, NULL) == 0);
    err = NULL;
    CHECK(dump->init(&o, "dump.1", net_hub_add_port(0, NULL), &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "len=0"));
    error_free(err);
    keyval_free(&o);
    CHECK(keyval_split("file=/no/such/dir/d.pcap", &o, NULL) == 0);
    err = NULL;
    CHECK(dump->init(&o, "dump.1", net_hub_add_port(0, NULL), &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "could not open"));
    error_free(err);
    keyval_free(&o);
    net_cleanup();
    CHECK(chdir(cwd) == 0);
    g_free(cwd);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    main_loop_init();
    bql_lock();
    tmpdir = g_dir_make_tmp("emu-net-dump-XXXXXX", NULL);
    TEST_RUN(test_pcap_writer);
    TEST_RUN(test_filter_dump);
    TEST_RUN(test_net_dump);
    gchar *argv_rm[] = {"rm", "-rf", tmpdir, NULL};
    g_spawn_sync(NULL, argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                 NULL, NULL, NULL);
    g_free(tmpdir);
    return test_finish();
}
