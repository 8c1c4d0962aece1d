/*
 * What the net layer's unit tests share.
 */
#ifndef TESTS_UNIT_NET_UTIL_H
#define TESTS_UNIT_NET_UTIL_H

#include "tests/unit/harness.h"
#include "net/netdev.h"

/*
 * fn(opts) (net_netdev_add, net_legacy_add, net_nic_add...) must fail
 * with one line of message that contains want.
 */
static inline void net_expect_error(int (*fn)(const char *, Error **),
                                    const char *opts, const char *want)
{
    Error *err = NULL;
    CHECK_EQ(fn(opts, &err), -1);
    if (!err) {
        test_fail(__FILE__, __LINE__, "no error for '%s'", opts);
        return;
    }
    const char *msg = error_get_pretty(err);
    if (!strstr(msg, want)) {
        test_fail(__FILE__, __LINE__, "'%s': got '%s', want '%s'", opts, msg,
                  want);
    }
    CHECK(!strchr(msg, '\n'));
    error_free(err);
}

#endif
