/* Trace points: off by default and silent, enabled by name, pattern,
 * events file and "-" to disable; output lines are "name args"; the
 * registry lists each name once even with several call sites. */
#include "tests/unit/harness.h"
#include "emu/error.h"
#include "emu/log.h"
#include "emu/trace.h"

#include <fcntl.h>
#include <glib.h>
#include <unistd.h>

static int evaluated;

static int side_effect(void)
{
    return ++evaluated;
}

static void point_a(int v)
{
    trace(test_trace_alpha, "v=%d", v);
}

static void point_a_again(const char *s)
{
    trace(test_trace_alpha, "s=%s", s);
}

static void point_b(void)
{
    trace(test_trace_beta, "n=%d", side_effect());
}

static char *capture(void (*fn)(void))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    FILE *old = emu_logfile;
    emu_logfile = f;
    fn();
    emu_logfile = old;
    fclose(f);
    return buf;
}

static void run_points(void)
{
    point_a(7);
    point_a_again("x");
    point_b();
}

static void test_off_by_default(void)
{
    trace_enable_pattern("*", false);
    evaluated = 0;
    char *out = capture(run_points);
    CHECK_STR(out, "");
    CHECK_EQ(evaluated, 0); /* arguments not evaluated when off */
    free(out);
}

static void test_enable(void)
{
    trace_enable_pattern("*", false);
    CHECK_EQ(trace_enable_pattern("test_trace_alpha", true), 2);
    CHECK(trace_is_enabled("test_trace_alpha"));
    CHECK(!trace_is_enabled("test_trace_beta"));
    char *out = capture(run_points);
    CHECK_STR(out, "test_trace_alpha v=7\ntest_trace_alpha s=x\n");
    free(out);

    CHECK_EQ(trace_enable_pattern("test_trace_*", true), 3);
    evaluated = 0;
    out = capture(run_points);
    CHECK_STR(out, "test_trace_alpha v=7\ntest_trace_alpha s=x\n"
                   "test_trace_beta n=1\n");
    free(out);
    CHECK_EQ(trace_enable_pattern("-test_trace_al?ha", true), 2);
    CHECK(!trace_is_enabled("test_trace_alpha"));
    CHECK(trace_is_enabled("test_trace_beta"));
    CHECK_EQ(trace_enable_pattern("no_such_point", true), 0);
    trace_enable_pattern("*", false);
}

static void test_list(void)
{
    char *buf = NULL;
    size_t len = 0;
    trace_enable_pattern("*", false);
    trace_enable_pattern("test_trace_beta", true);
    FILE *f = open_memstream(&buf, &len);
    trace_list(f, "test_trace_*");
    fclose(f);
    CHECK_STR(buf, "test_trace_alpha : state 0\ntest_trace_beta : state 1\n");
    free(buf);
    CHECK(trace_count() >= 2);
    trace_enable_pattern("*", false);
}

static void test_options(void)
{
    Error *err = NULL;
    char path[] = "/tmp/emu-test-trace-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    const char text[] = "# comment\n\ntest_trace_alpha\n  -test_trace_alpha\n"
                        "test_trace_b*\n";
    CHECK_EQ(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
    close(fd);

    trace_enable_pattern("*", false);
    char *opt = g_strdup_printf("events=%s", path);
    CHECK_EQ(trace_opt_parse(opt, &err), 0);
    CHECK(!trace_is_enabled("test_trace_alpha"));
    CHECK(trace_is_enabled("test_trace_beta"));
    g_free(opt);

    trace_enable_pattern("*", false);
    CHECK_EQ(trace_opt_parse("enable=test_trace_alpha,test_trace_beta", &err),
             0);
    CHECK(trace_is_enabled("test_trace_alpha"));
    CHECK(trace_is_enabled("test_trace_beta"));

    CHECK_EQ(trace_opt_parse("nonexistent_point", &err), -1);
    CHECK(err && strstr(error_get_pretty(err), "nonexistent_point"));
    error_free(err);
    err = NULL;
    CHECK_EQ(trace_opt_parse("bogus=1", &err), -1);
    error_free(err);
    err = NULL;
    CHECK_EQ(trace_opt_parse("events=/nonexistent/file", &err), -1);
    error_free(err);
    err = NULL;

    /* A bad line names the file and line. */
    fd = open(path, O_WRONLY | O_TRUNC);
    CHECK_EQ(write(fd, "test_trace_alpha\nzzz_none\n", 26), 26);
    close(fd);
    opt = g_strdup_printf("events=%s", path);
    CHECK_EQ(trace_opt_parse(opt, &err), -1);
    CHECK(err && strstr(error_get_pretty(err), "line 2"));
    error_free(err);
    g_free(opt);
    unlink(path);
    trace_enable_pattern("*", false);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_off_by_default);
    TEST_RUN(test_enable);
    TEST_RUN(test_list);
    TEST_RUN(test_options);
    return test_finish();
}
