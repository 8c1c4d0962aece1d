/* Shutdown and reset requests: what is pending, -no-reboot turning a reset
 * into a shutdown, the first shutdown cause winning. */
#include "tests/unit/harness.h"
#include "emu/main-loop.h"

static void test_requests(void)
{
    int status = -1;
    system_requests_clear();
    CHECK_EQ(system_reset_pending(), SHUTDOWN_CAUSE_NONE);
    system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK_EQ(system_reset_pending(), SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK(!system_shutdown_requested());
    system_requests_clear();

    opt_no_reboot = true;
    system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK_EQ(system_reset_pending(), SHUTDOWN_CAUSE_NONE);
    CHECK_EQ(system_shutdown_pending(&status), SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK_EQ(status, 0);
    opt_no_reboot = false;
    system_requests_clear();

    system_shutdown_request(SHUTDOWN_CAUSE_DEBUG_EXIT, 7);
    system_shutdown_request(SHUTDOWN_CAUSE_HOST_QUIT, 0);
    CHECK_EQ(system_shutdown_pending(&status), SHUTDOWN_CAUSE_DEBUG_EXIT);
    CHECK_EQ(status, 7);
    system_requests_clear();
    CHECK(!system_shutdown_requested());
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_requests);
    return test_finish();
}
