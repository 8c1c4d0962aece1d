/*
 * -rtc option parsing (system/rtc.c): QEMU's keys and date forms, merging
 * of repeated options, and a one-line message for each bad value.
 */
#include "tests/unit/harness.h"
#include "emu/rtc.h"

#include <glib.h>

/* Parse arg into *o; on failure return the message (g_free it). */
static char *parse(const char *arg, RTCOptions *o)
{
    Error *err = NULL;
    char *msg = NULL;

    if (rtc_options_parse(arg, o, &err) < 0) {
        CHECK(err != NULL);
        msg = g_strdup(err ? error_get_pretty(err) : "(no error set)");
        error_free(err);
        CHECK(strchr(msg, '\n') == NULL);
    }
    return msg;
}

static void test_good_options(void)
{
    RTCOptions o = {0};

    CHECK(parse("base=utc", &o) == NULL);
    CHECK_STR(o.base, "utc");
    CHECK(o.clock == NULL);
    CHECK(parse("base=localtime,clock=vm,driftfix=none", &o) == NULL);
    CHECK_STR(o.base, "localtime");
    CHECK_STR(o.clock, "vm");
    /* A second -rtc overrides only the keys it names. */
    CHECK(parse("base=2006-06-17T16:01:21", &o) == NULL);
    CHECK_STR(o.base, "2006-06-17T16:01:21");
    CHECK_STR(o.clock, "vm");
    CHECK(parse("clock=host", &o) == NULL);
    CHECK_STR(o.clock, "host");
    CHECK(parse("base=2006-06-17", &o) == NULL);
    CHECK_STR(o.base, "2006-06-17");
}

static void test_bad_options(void)
{
    static const struct {
        const char *arg;
        const char *msg;
    } cases[] = {
        {"base=yesterday", "invalid base 'yesterday'"},
        {"base=", "invalid base ''"},
        {"base=2006-6-17", "invalid base '2006-6-17'"},
        {"base=2006-06-17T16:01", "invalid base '2006-06-17T16:01'"},
        {"base=2006-06-17 16:01:21", "invalid base"},
        {"base=2006-06-17T16:01:21Z", "invalid base"},
        {"base=+006-06-17", "invalid base"},
        {"base=2006-02-29", "invalid date '2006-02-29'"},
        {"base=2006-13-01", "invalid date"},
        {"base=2006-00-10", "invalid date"},
        {"base=2006-06-31", "invalid date"},
        {"base=2006-06-17T24:00:00", "invalid date"},
        {"base=2006-06-17T23:60:00", "invalid date"},
        {"base=2006-06-17T23:59:60", "invalid date"},
        {"base=0000-01-01", "invalid date"},
        {"clock=rt", "clock=rt is not supported"},
        {"clock=virtual", "invalid clock 'virtual'"},
        {"driftfix=slew", "driftfix=slew is not supported"},
        {"driftfix=fast", "invalid driftfix 'fast'"},
        {"utc", "invalid parameter 'utc'"},
        {"base=utc,speed=2", "invalid parameter 'speed'"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        RTCOptions o = {.base = "utc", .clock = "vm"};
        char *msg = parse(cases[i].arg, &o);
        if (!msg || !strstr(msg, cases[i].msg)) {
            test_fail(__FILE__, __LINE__, "-rtc %s: got '%s', want '%s'",
                      cases[i].arg, msg ? msg : "(accepted)", cases[i].msg);
        }
        /* A refused option leaves the earlier ones alone. */
        CHECK_STR(o.base, "utc");
        CHECK_STR(o.clock, "vm");
        g_free(msg);
    }
}

static void test_dates(void)
{
    RTCBase base;
    EmuClockType clock;
    int64_t date;
    Error *err = NULL;

    CHECK_EQ(rtc_parse_base("2006-06-17T16:01:21", &base, &date, &err), 0);
    CHECK_EQ(base, RTC_BASE_DATE);
    CHECK_EQ(date, 1150560081);
    CHECK_EQ(rtc_parse_base("2006-06-17", &base, &date, &err), 0);
    CHECK_EQ(date, 1150502400);
    CHECK_EQ(rtc_parse_base("2000-02-29T23:59:59", &base, &date, &err), 0);
    CHECK_EQ(date, 951868799);
    CHECK_EQ(rtc_parse_base("1969-12-31T23:59:59", &base, &date, &err), 0);
    CHECK_EQ(date, -1);
    CHECK_EQ(rtc_parse_base("9999-12-31T23:59:59", &base, &date, &err), 0);
    CHECK_EQ(date, 253402300799LL);
    CHECK_EQ(rtc_parse_base("utc", &base, &date, &err), 0);
    CHECK_EQ(base, RTC_BASE_UTC);
    CHECK_EQ(rtc_parse_base("localtime", &base, &date, &err), 0);
    CHECK_EQ(base, RTC_BASE_LOCALTIME);
    CHECK_EQ(rtc_parse_clock("host", &clock, &err), 0);
    CHECK_EQ(clock, CLOCK_HOST);
    CHECK_EQ(rtc_parse_clock("vm", &clock, &err), 0);
    CHECK_EQ(clock, CLOCK_VIRTUAL);
    CHECK(err == NULL);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_good_options);
    TEST_RUN(test_bad_options);
    TEST_RUN(test_dates);
    return test_finish();
}
