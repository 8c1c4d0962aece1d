/* The run state: vm_stop/vm_start and their listeners (QMP's STOP and
 * RESUME), stop requests from other threads, machine events, the names
 * QMP uses, and the power button without a board. */
#include "tests/unit/harness.h"
#include "emu/error.h"
#include "emu/runstate.h"
#include "emu/timer.h"

typedef struct Seen {
    int calls;
    bool running;
    RunState state;
} Seen;

static void on_state(void *opaque, bool running, RunState s)
{
    Seen *seen = opaque;
    seen->calls++;
    seen->running = running;
    seen->state = s;
}

static void test_stop_start(void)
{
    Seen seen = {0};
    runstate_set(RUN_STATE_RUNNING);
    clock_vm_start();
    runstate_add_listener(on_state, &seen);

    vm_stop(RUN_STATE_PAUSED);
    CHECK_EQ(seen.calls, 1);
    CHECK(!seen.running);
    CHECK_EQ(seen.state, RUN_STATE_PAUSED);
    CHECK(!runstate_is_running());
    CHECK(!clock_vm_running());

    /* Stopping a stopped machine changes its state, without an event. */
    vm_stop(RUN_STATE_DEBUG);
    CHECK_EQ(seen.calls, 1);
    CHECK_EQ(runstate_get(), RUN_STATE_DEBUG);

    vm_start();
    CHECK_EQ(seen.calls, 2);
    CHECK(seen.running);
    CHECK(clock_vm_running());
    vm_start();
    CHECK_EQ(seen.calls, 2);

    runstate_remove_listener(on_state, &seen);
    vm_stop(RUN_STATE_PAUSED);
    CHECK_EQ(seen.calls, 2);
    vm_start();
}

static void test_stop_request(void)
{
    Seen seen = {0};
    runstate_add_listener(on_state, &seen);
    CHECK(!vm_stop_request_handle());
    vm_stop_request(RUN_STATE_DEBUG);
    vm_stop_request(RUN_STATE_PAUSED); /* the first one wins */
    CHECK(runstate_is_running());
    CHECK(vm_stop_request_handle());
    CHECK_EQ(seen.calls, 1);
    CHECK_EQ(runstate_get(), RUN_STATE_DEBUG);
    CHECK(!vm_stop_request_handle());
    /* vm_start drops a request that came while it was stopped. */
    vm_stop_request(RUN_STATE_PAUSED);
    vm_start();
    CHECK(!vm_stop_request_handle());
    runstate_remove_listener(on_state, &seen);
}

static int events[4];
static ShutdownCause last_cause;

static void on_event(void *opaque, MachineEvent ev, ShutdownCause cause)
{
    (void)opaque;
    events[ev]++;
    last_cause = cause;
}

static int button_presses;

static void press(void *opaque)
{
    (*(int *)opaque)++;
}

static void test_events(void)
{
    Error *err = NULL;
    machine_event_add_listener(on_event, NULL);
    CHECK_EQ(system_powerdown_request(&err), -1);
    CHECK(err != NULL);
    error_free(err);
    CHECK_EQ(events[MACHINE_EVENT_POWERDOWN], 0);

    system_powerdown_set_handler(press, &button_presses);
    CHECK_EQ(system_powerdown_request(NULL), 0);
    CHECK_EQ(button_presses, 1);
    CHECK_EQ(events[MACHINE_EVENT_POWERDOWN], 1);

    machine_event_emit(MACHINE_EVENT_RESET, SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK_EQ(events[MACHINE_EVENT_RESET], 1);
    CHECK_EQ(last_cause, SHUTDOWN_CAUSE_GUEST_RESET);
    machine_event_remove_listener(on_event, NULL);
    machine_event_emit(MACHINE_EVENT_RESET, SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK_EQ(events[MACHINE_EVENT_RESET], 1);
    system_powerdown_set_handler(NULL, NULL);
}

static void test_names(void)
{
    CHECK_STR(runstate_name(RUN_STATE_RUNNING), "running");
    CHECK_STR(runstate_name(RUN_STATE_PRELAUNCH), "prelaunch");
    CHECK_STR(runstate_name(RUN_STATE_SAVE_VM), "save-vm");
    CHECK_STR(runstate_name(RUN_STATE__MAX), "unknown");
    for (int s = 0; s < RUN_STATE__MAX; s++) {
        CHECK(strcmp(runstate_name(s), "unknown") != 0);
    }
    CHECK_STR(shutdown_cause_name(SHUTDOWN_CAUSE_GUEST_SHUTDOWN),
              "guest-shutdown");
    CHECK_STR(shutdown_cause_name(SHUTDOWN_CAUSE_HOST_QUIT), "host-qmp-quit");
    CHECK(shutdown_cause_is_guest(SHUTDOWN_CAUSE_GUEST_RESET));
    CHECK(!shutdown_cause_is_guest(SHUTDOWN_CAUSE_HOST_RESET));
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_stop_start);
    TEST_RUN(test_stop_request);
    TEST_RUN(test_events);
    TEST_RUN(test_names);
    return test_finish();
}
