/*
 * Checks for the qtest programs (tests/qtest/test-*.c), with the unit
 * harness's output (tests/unit/harness.h): one "ok"/"FAIL" line per test
 * and a closing "<prog>: N passed, N failed".  A qtest program is a
 * client of emu, not linked with it, so it has its own small copy.
 */
#ifndef TESTS_QTEST_QTEST_CHECK_H
#define TESTS_QTEST_QTEST_CHECK_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tests/qtest/libqtest.h"

static const char *qc_prog = "qtest";
static int qc_passed, qc_failed, qc_cur_failures;
static const char *qc_cur_name;

static inline void qc_fail(const char *file, int line, const char *what)
{
    printf("  %s:%d: %s: %s\n", file, line, qc_cur_name ? qc_cur_name : "?",
           what);
    qc_cur_failures++;
}

#define CHECK(cond)                             \
    do {                                        \
        if (!(cond)) {                          \
            qc_fail(__FILE__, __LINE__, #cond); \
        }                                       \
    } while (0)
#define CHECK_EQ(a, b)                                                        \
    do {                                                                      \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                      \
        if (a_ != b_) {                                                       \
            char m_[256];                                                     \
            snprintf(m_, sizeof(m_), "%s == %s: 0x%" PRIx64 " != 0x%" PRIx64, \
                     #a, #b, a_, b_);                                         \
            qc_fail(__FILE__, __LINE__, m_);                                  \
        }                                                                     \
    } while (0)
#define CHECK_STR(a, b)                                                        \
    do {                                                                       \
        const char *a_ = (a), *b_ = (b);                                       \
        if (strcmp(a_, b_)) {                                                  \
            char m_[512];                                                      \
            snprintf(m_, sizeof(m_), "%s == %s: \"%.200s\" != \"%.200s\"", #a, \
                     #b, a_, b_);                                              \
            qc_fail(__FILE__, __LINE__, m_);                                   \
        }                                                                      \
    } while (0)

static inline void qc_init(int argc, char **argv)
{
    (void)argc;
    const char *slash = strrchr(argv[0], '/');
    qc_prog = slash ? slash + 1 : argv[0];
    setvbuf(stdout, NULL, _IOLBF, 0);
}

static inline void qc_run(const char *name, void (*fn)(void))
{
    qc_cur_name = name;
    qc_cur_failures = 0;
    fn();
    if (qc_cur_failures) {
        printf("FAIL %s/%s\n", qc_prog, name);
        qc_failed++;
    } else {
        printf("ok   %s/%s\n", qc_prog, name);
        qc_passed++;
    }
    qc_cur_name = NULL;
}
#define TEST_RUN(fn) qc_run(#fn, fn)

static inline int qc_finish(void)
{
    printf("%s: %d passed, %d failed\n", qc_prog, qc_passed, qc_failed);
    return qc_failed ? 1 : 0;
}

/* Every test ends emu through this: a non-zero status (a sanitizer's
 * report, a crash) fails the test. */
#define QUIT(qts) CHECK_EQ(qtest_quit(qts), 0)

#endif
