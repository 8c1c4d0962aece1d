/*
 * QMP unit tests: the input stream (monitor/qmp-stream.c) byte by byte,
 * the writer (monitor/qmp-json-writer.c) byte for byte, and the server on
 * a ringbuf chardev (negotiation, back-pressure without losing a reply,
 * a reconnecting client).  The functional test (tests/functional/
 * test-qmp.py) covers the commands on a real machine.
 */
#include "tests/unit/harness.h"
#include "emu/chardev.h"
#include "emu/main-loop.h"
#include "emu/qmp.h"
#include "monitor/qmp-int.h"

#include <glib.h>

/* ---- the stream ---- */

typedef struct Got {
    GPtrArray *msgs; /* "OK <json as QEMU prints it>" or "ERR <desc>" */
} Got;

static void got_emit(void *opaque, JsonNode *root, const char *err)
{
    Got *g = opaque;
    if (err) {
        g_ptr_array_add(g->msgs, g_strdup_printf("ERR %s", err));
    } else {
        GString *s = g_string_new("OK ");
        qmp_json_append(s, root);
        g_ptr_array_add(g->msgs, g_string_free(s, false));
    }
}

/* Feed in chunks of chunk bytes (1: every boundary) and return the
 * messages, joined by '|'. */
static char *feed(const char *in, size_t len, size_t chunk)
{
    Got g = {g_ptr_array_new_with_free_func(g_free)};
    QmpStream s;
    qmp_stream_init(&s, got_emit, &g);
    for (size_t i = 0; i < len; i += chunk) {
        qmp_stream_feed(&s, (const uint8_t *)in + i, MIN(chunk, len - i));
    }
    qmp_stream_destroy(&s);
    g_ptr_array_add(g.msgs, NULL);
    char *r = g_strjoinv("|", (char **)g.msgs->pdata);
    g_ptr_array_free(g.msgs, true);
    return r;
}

static void check_feed(const char *in, const char *want)
{
    for (size_t chunk = 1; chunk <= 7; chunk += 6) {
        char *r = feed(in, strlen(in), chunk);
        if (strcmp(r, want)) {
            test_fail(__FILE__, __LINE__,
                      "input %s (chunks of %zu): got %s, "
                      "want %s",
                      in, chunk, r, want);
        }
        g_free(r);
    }
}

static void test_stream_messages(void)
{
    check_feed("{\"a\": [1, true, null, {}]}",
               "OK {\"a\": [1, true, null, {}]}");
    /* Scalars are messages; a number ends at the next byte. */
    check_feed("1 2\n\"x\"", "OK 1|OK 2|OK \"x\"");
    /* QEMU's single quotes and \' in both kinds of string. */
    check_feed("{'a': 'it\\'s \"q\"', \"b\": \"\\'\"}",
               "OK {\"a\": \"it's \\\"q\\\"\", \"b\": \"'\"}");
    check_feed("[\"\\ud83d\\ude00\\u00e9\\/\\b\\f\\n\\r\\t\"]",
               "OK [\"\\uD83D\\uDE00\\u00E9/\\b\\f\\n\\r\\t\"]");
    check_feed("\"\x7f\xc3\xa9\"", "OK \"\\u007F\\u00E9\"");
    check_feed("[9223372036854775807, -0, 1.5e3, 0.25]",
               "OK [9223372036854775807, 0, 1500, 0.25]");
    /* Beyond int64: a double (documented deviation from QEMU). */
    check_feed("9223372036854775808 ", "OK 9.2233720368547758e+18");
    check_feed("1e999 ", "OK 1.7976931348623157e+308");
}

static void test_stream_errors(void)
{
    check_feed("{ \"execute\": }", "ERR JSON parse error, expecting value");
    check_feed("}", "ERR JSON parse error, expecting value");
    check_feed("[1]]", "OK [1]|ERR JSON parse error, expecting value");
    check_feed("{\"a\":1,}", "ERR JSON parse error, expecting value");
    check_feed("[1,]", "ERR JSON parse error, expecting value");
    check_feed("{\"a\" 1}", "ERR JSON parse error, missing : in object pair");
    check_feed("{1:2}", "ERR JSON parse error, key is not a string in object");
    check_feed("[1 2]", "ERR JSON parse error, expected separator in list");
    check_feed("{\"a\":1]", "ERR JSON parse error, expected separator in dict");
    check_feed("{\"a\":1,\"a\":2}", "ERR JSON parse error, duplicate key");
    check_feed("nul ", "ERR JSON parse error, invalid keyword 'nul'");
    check_feed("\"\\x\"", "ERR JSON parse error, invalid escape sequence in "
                          "string");
    check_feed("\"\\u00zz\"", "ERR JSON parse error, \\u00zz is not a valid "
                              "Unicode character");
    check_feed("\"\\ud800\"", "ERR JSON parse error, \\uD800 is not a valid "
                              "Unicode character");
    check_feed("\"\\udc00\"", "ERR JSON parse error, \\udc00 is not a valid "
                              "Unicode character");
    check_feed("\"\\u12\"", "ERR JSON parse error, \\u12 is not a valid "
                            "Unicode character");
    check_feed("\"\\u0000\"", "ERR JSON parse error, \\u0000 in a string is "
                              "not supported");
    check_feed("\"\xc3\x28\"", "ERR JSON parse error, invalid UTF-8 "
                               "sequence in string");
    /* Lexical errors drop the partial message at once. */
    check_feed("{\"a\": \x01 {}", "ERR JSON parse error, stray '\x01'|OK {}");
    check_feed("\"ab\ncd", "ERR JSON parse error, stray '\"ab\n'");
    check_feed("01 ", "ERR JSON parse error, stray '01 '");
    check_feed("\xff[]", "ERR JSON parse error, stray '\xff'|OK []");
}

static void test_stream_limits(void)
{
    /* 1024 levels are fine, 1025 are not; the stream goes on after. */
    GString *in = g_string_new(NULL);
    for (int i = 0; i < 1024; i++) {
        g_string_append_c(in, '[');
    }
    for (int i = 0; i < 1024; i++) {
        g_string_append_c(in, ']');
    }
    char *r = feed(in->str, in->len, 4096);
    CHECK(g_str_has_prefix(r, "OK [[[["));
    g_free(r);
    g_string_truncate(in, 0);
    for (int i = 0; i < 1025; i++) {
        g_string_append_c(in, '{');
    }
    g_string_append(in, "\x01[]");
    r = feed(in->str, in->len, 4096);
    CHECK_STR(r, "ERR JSON nesting depth limit exceeded|"
                 "ERR JSON parse error, stray '\x01'|OK []");
    g_free(r);
    /* A string longer than the message limit is cut off without holding
     * more than the limit. */
    g_string_free(in, true);
    size_t big = QMP_MAX_MESSAGE_BYTES + 16;
    char *s = g_malloc(big);
    memset(s, 'a', big);
    s[0] = '"';
    r = feed(s, big, 1 << 20);
    CHECK_STR(r, "ERR JSON token size limit exceeded");
    g_free(r);
    g_free(s);
}

/* ---- the server on a ringbuf ---- */

static char *read_all(Chardev *c)
{
    GString *s = g_string_new(NULL);
    char buf[4096];
    int n;
    while ((n = ringbuf_read(c, (uint8_t *)buf, sizeof(buf))) > 0) {
        g_string_append_len(s, buf, n);
    }
    return g_string_free(s, false);
}

static void inject(Chardev *c, const char *s)
{
    ringbuf_inject(c, (const uint8_t *)s, strlen(s));
}

static void test_server(void)
{
    Error *err = NULL;
    Chardev *c = chardev_new_opts("ringbuf,id=qmp0,size=65536", &err);
    CHECK(c);
    CHECK_EQ(qmp_monitor_init(c, &err), 0);
    char *out = read_all(c);
    CHECK(g_str_has_prefix(out, "{\"QMP\": {\"version\": {\"qemu\": "));
    CHECK(g_str_has_suffix(out, "\"capabilities\": []}}\r\n"));
    g_free(out);

    inject(c, "{'execute': 'query-commands', 'id': 1}");
    out = read_all(c);
    CHECK_STR(out, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                   "\"Expecting capabilities negotiation with "
                   "'qmp_capabilities'\"}, \"id\": 1}\r\n");
    g_free(out);
    inject(c, "{\"execute\":\"qmp_capabilities\"}");
    out = read_all(c);
    CHECK_STR(out, "{\"return\": {}}\r\n");
    g_free(out);

    /* 3000 commands without reading: their replies (about 2 MB) exceed
     * the backlog, input waits, and every reply still arrives once the
     * client reads. */
    GString *many = g_string_new(NULL);
    for (int i = 0; i < 3000; i++) {
        g_string_append_printf(many,
                               "{\"execute\":\"query-commands\","
                               "\"id\":%d}\n",
                               i);
    }
    ringbuf_inject(c, (const uint8_t *)many->str, many->len);
    CHECK(ringbuf_pending_input(c) > 0); /* back-pressure held some */
    int next = 0;
    bool in_order = true;
    GString *acc = g_string_new(NULL);
    for (int round = 0; round < 100000 && next < 3000; round++) {
        char *chunk = read_all(c);
        g_string_append(acc, chunk);
        g_free(chunk);
        char *nl;
        while ((nl = strstr(acc->str, "\r\n"))) {
            *nl = 0;
            char *idp = strstr(acc->str, "\"id\": ");
            if (!idp || atoi(idp + 6) != next ||
                !g_str_has_prefix(acc->str, "{\"return\": [{\"name\": ")) {
                in_order = false;
            }
            next++;
            g_string_erase(acc, 0, nl - acc->str + 2);
        }
        chr_accept_input(c);
    }
    CHECK_EQ(next, 3000);
    CHECK(in_order);
    g_string_free(acc, true);
    g_string_free(many, true);

    /* Argument checks come before the command runs. */
    inject(c, "{\"execute\":\"screendump\",\"arguments\":{\"filename\":1}}");
    out = read_all(c);
    CHECK_STR(out, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                   "\"Invalid parameter type for 'filename', expected: "
                   "string\"}}\r\n");
    g_free(out);
    qmp_disable_command("screendump");
    inject(c,
           "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"x\"}}");
    out = read_all(c);
    CHECK_STR(out, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                   "\"The command screendump has been disabled for this "
                   "instance\"}}\r\n");
    g_free(out);

    chardev_cleanup_all();
    qmp_cleanup_all();
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    main_loop_init();
    bql_lock();
    TEST_RUN(test_stream_messages);
    TEST_RUN(test_stream_errors);
    TEST_RUN(test_stream_limits);
    TEST_RUN(test_server);
    return test_finish();
}
