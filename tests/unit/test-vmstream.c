/*
 * The machine-state stream (migration/vmstream.c) and the machine's
 * sections (migration/machine-state.c): round trips, and every kind of
 * bad input refused with a message naming the section, the state left
 * as it was.
 */
#include "tests/unit/harness.h"
#include "migration/machine-state.h"
#include "migration/vmstream.h"

typedef struct Fake {
    uint32_t a;
    uint8_t b[5];
    int64_t c;
    bool refuse; /* post_load fails (not saved) */
} Fake;

static const VMStateField fake_fields[] = {
    VMSTATE_U32(a, Fake),
    VMSTATE_U8_ARRAY(b, Fake, 5),
    VMSTATE_I64(c, Fake),
    VMSTATE_END_OF_LIST(),
};

static int fake_post_load(void *opaque)
{
    Fake *f = opaque;
    return f->refuse ? -EINVAL : 0;
}

static const VMStateDescription vmstate_fake = {
    .name = "fake",
    .version = 2,
    .fields = fake_fields,
    .post_load = fake_post_load,
};

static Fake f0, f1;
static VMSectionHandler h[2];

static void fakes_init(void)
{
    memset(&f0, 0, sizeof(f0));
    memset(&f1, 0, sizeof(f1));
    f0 = (Fake){.a = 0x11223344, .b = {1, 2, 3, 4, 5}, .c = -7};
    f1 = (Fake){.a = 0xdeadbeef, .b = {9, 8, 7, 6, 5}, .c = 1LL << 40};
    vmstream_vmsd_handler(&h[0], "fake", 0, &vmstate_fake, &f0);
    vmstream_vmsd_handler(&h[1], "fake", 1, &vmstate_fake, &f1);
}

static GByteArray *saved(void)
{
    GByteArray *st = g_byte_array_new();
    vmstream_save(h, 2, st);
    return st;
}

/* Load must fail with a message containing want, state unchanged. */
static void expect_refused(const uint8_t *buf, size_t len, const char *want)
{
    Fake c0 = f0, c1 = f1;
    Error *err = NULL;
    CHECK(vmstream_load(h, 2, buf, len, &err) < 0);
    CHECK(err != NULL);
    if (err) {
        if (!strstr(error_get_pretty(err), want)) {
            test_fail(__FILE__, __LINE__, "message '%s' lacks '%s'",
                      error_get_pretty(err), want);
        }
        error_free(err);
    }
    CHECK(!memcmp(&c0, &f0, sizeof(f0)));
    CHECK(!memcmp(&c1, &f1, sizeof(f1)));
}

static void test_format_round_trip(void)
{
    GByteArray *st = g_byte_array_new();
    vmstream_put_header(st);
    vmstream_put_section(st, "one", 0, 1, "abc", 3);
    vmstream_put_section(st, "two", 7, 9, NULL, 0);
    vmstream_put_end(st);
    VMSection *s;
    int n;
    Error *err = NULL;
    CHECK_EQ(vmstream_parse(st->data, st->len, &s, &n, &err), 0);
    CHECK_EQ(n, 2);
    if (n == 2) {
        CHECK_STR(s[0].name, "one");
        CHECK_EQ(s[0].len, 3);
        CHECK(!memcmp(s[0].data, "abc", 3));
        CHECK_STR(s[1].name, "two");
        CHECK_EQ(s[1].instance, 7);
        CHECK_EQ(s[1].version, 9);
        CHECK_EQ(s[1].len, 0);
    }
    g_free(s);
    g_byte_array_free(st, true);
}

static void test_sections_round_trip(void)
{
    fakes_init();
    GByteArray *st = saved();
    Fake want0 = f0, want1 = f1;
    f0.a = 0;
    f0.c = 99;
    f1.b[2] = 0xff;
    Error *err = NULL;
    CHECK_EQ(vmstream_load(h, 2, st->data, st->len, &err), 0);
    CHECK(!err);
    CHECK(!memcmp(&want0, &f0, sizeof(f0)));
    CHECK(!memcmp(&want1, &f1, sizeof(f1)));
    g_byte_array_free(st, true);
}

/* Offset of the n-th section's instance field. */
static size_t section_field(const GByteArray *st, int n)
{
    size_t pos = 12;
    for (int i = 0;; i++) {
        size_t nl = st->data[pos];
        size_t p = pos + 1 + nl;
        if (i == n) {
            return p;
        }
        uint64_t len;
        memcpy(&len, st->data + p + 8, 8);
        pos = p + 16 + len;
    }
}

static void test_version_mismatch(void)
{
    fakes_init();
    GByteArray *st = saved();
    size_t p = section_field(st, 1);
    st->data[p + 4] = 3; /* version 3 */
    f0.a = f1.a = 0;
    expect_refused(st->data, st->len,
                   "section 'fake' version 3, this emu has 2");
    g_byte_array_free(st, true);
}

static void test_truncation(void)
{
    fakes_init();
    GByteArray *st = saved();
    f0.a = 1;
    for (size_t len = 0; len < st->len; len++) {
        Fake c0 = f0;
        Error *err = NULL;
        CHECK(vmstream_load(h, 2, st->data, len, &err) < 0);
        CHECK(err != NULL);
        error_free(err);
        CHECK(!memcmp(&c0, &f0, sizeof(f0)));
    }
    expect_refused(st->data, st->len - 1, "truncated");
    g_byte_array_free(st, true);
}

static void test_unknown_and_missing(void)
{
    fakes_init();
    GByteArray *st = g_byte_array_new();
    uint8_t pay[17] = {0};
    vmstream_put_header(st);
    vmstream_put_section(st, "fake", 0, 2, pay, 17);
    vmstream_put_section(st, "fake", 1, 2, pay, 17);
    vmstream_put_section(st, "i8254", 0, 1, pay, 4);
    vmstream_put_end(st);
    expect_refused(st->data, st->len, "unknown section 'i8254' instance 0");

    g_byte_array_set_size(st, 0);
    vmstream_put_header(st);
    vmstream_put_section(st, "fake", 1, 2, pay, 17);
    vmstream_put_end(st);
    expect_refused(st->data, st->len, "section 'fake' instance 0 is missing");

    /* Right name and version, another layout (size). */
    g_byte_array_set_size(st, 0);
    vmstream_put_header(st);
    vmstream_put_section(st, "fake", 0, 2, pay, 16);
    vmstream_put_section(st, "fake", 1, 2, pay, 17);
    vmstream_put_end(st);
    expect_refused(st->data, st->len, "section 'fake' instance 0: 16 bytes");
    g_byte_array_free(st, true);
}

static void test_corrupt_length_and_header(void)
{
    fakes_init();
    GByteArray *st = saved();
    size_t p = section_field(st, 0);
    uint64_t huge = UINT64_MAX - 3;
    memcpy(st->data + p + 8, &huge, 8);
    expect_refused(st->data, st->len, "section 'fake' instance 0: length");
    g_byte_array_free(st, true);

    st = saved();
    st->data[9] = 7; /* stream version */
    expect_refused(st->data, st->len, "state stream version");
    st->data[0] = 'X';
    expect_refused(st->data, st->len, "bad magic");
    g_byte_array_free(st, true);
}

/* A post_load that refuses half-way: everything goes back. */
static void test_rollback(void)
{
    fakes_init();
    GByteArray *st = saved();
    Fake before0 = f0;
    f0.a = 5;
    f1.a = 6;
    before0.a = 5;
    Fake before1 = f1;
    f1.refuse = true;
    before1.refuse = true;
    Error *err = NULL;
    CHECK(vmstream_load(h, 2, st->data, st->len, &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "section 'fake' instance 1"));
    error_free(err);
    CHECK(!memcmp(&before0, &f0, sizeof(f0)));
    CHECK(!memcmp(&before1, &f1, sizeof(f1)));
    g_byte_array_free(st, true);
}

/* The machine's sections over real devices: the PIT's programming, RAM
 * and the virtual clock come back. */
static void test_machine_devices(void)
{
    TestBus tb;
    test_bus_init(&tb);
    test_device(&tb, "isa-pit", "iobase=0x40");
    clock_step_ns(1000000);
    outb(&tb, 0x43, 0x34); /* ch0 mode 2, lo/hi */
    outb(&tb, 0x40, 0x34);
    outb(&tb, 0x40, 0x12);
    uint8_t *ram = memory_region_get_ram_ptr(&tb.ram);
    ram[0x1234] = 0x5a;
    ram[0x80000] = 0xa5;
    int64_t t = clock_get_ns(CLOCK_VIRTUAL);
    outb(&tb, 0x43, 0xe2); /* read-back: status of ch0 */
    uint8_t status = inb(&tb, 0x40);

    GByteArray *st = g_byte_array_new();
    Error *err = NULL;
    CHECK_EQ(machine_state_save(st, &err), 0);

    clock_step_ns(5000000);
    outb(&tb, 0x43, 0x36); /* ch0 mode 3 */
    outb(&tb, 0x40, 0);
    outb(&tb, 0x40, 0);
    ram[0x1234] = 0;
    ram[0x80000] = 0;
    ram[0x3000] = 1;

    CHECK_EQ(machine_state_load(st->data, st->len, &err), 0);
    if (err) {
        test_fail(__FILE__, __LINE__, "%s", error_get_pretty(err));
        error_free(err);
    }
    CHECK_EQ(clock_get_ns(CLOCK_VIRTUAL), t);
    CHECK_EQ(ram[0x1234], 0x5a);
    CHECK_EQ(ram[0x80000], 0xa5);
    CHECK_EQ(ram[0x3000], 0);
    outb(&tb, 0x43, 0xe2);
    CHECK_EQ(inb(&tb, 0x40), status);

    /* Another layout of the PIT: refused, nothing changed. */
    VMSection *s;
    int n;
    CHECK_EQ(vmstream_parse(st->data, st->len, &s, &n, &err), 0);
    for (int i = 0; i < n; i++) {
        if (!strcmp(s[i].name, "i8254")) {
            uint8_t *v = (uint8_t *)s[i].data - 12;
            v[0] = 3;
        }
    }
    g_free(s);
    ram[0x1234] = 0x77;
    CHECK(machine_state_load(st->data, st->len, &err) < 0);
    CHECK(err && strstr(error_get_pretty(err),
                        "section 'i8254' version 3, this emu has 1"));
    error_free(err);
    CHECK_EQ(ram[0x1234], 0x77);
    g_byte_array_free(st, true);
    test_bus_cleanup(&tb);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_format_round_trip);
    TEST_RUN(test_sections_round_trip);
    TEST_RUN(test_version_mismatch);
    TEST_RUN(test_truncation);
    TEST_RUN(test_unknown_and_missing);
    TEST_RUN(test_corrupt_length_and_header);
    TEST_RUN(test_rollback);
    TEST_RUN(test_machine_devices);
    return test_finish();
}
