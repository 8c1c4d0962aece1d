/*
 * QMP events from the run state and machine events (emu/runstate.h):
 * STOP, RESUME, RESET, POWERDOWN, SHUTDOWN, with QEMU's data members.
 * SHUTDOWN is flushed to every client before the main loop returns, so a
 * client that sent "quit" reads its reply and the event before EOF.
 */
#include "monitor/qmp-int.h"
#include "emu/runstate.h"

static JsonObject *cause_data(ShutdownCause cause)
{
    JsonObject *d = json_object_new();
    json_object_set_boolean_member(d, "guest", shutdown_cause_is_guest(cause));
    json_object_set_string_member(d, "reason", shutdown_cause_name(cause));
    return d;
}

static void on_runstate(void *opaque, bool running, RunState s)
{
    qmp_event_send(running ? "RESUME" : "STOP", NULL);
}

static void on_machine_event(void *opaque, MachineEvent ev, ShutdownCause cause)
{
    switch (ev) {
    case MACHINE_EVENT_RESET:
        /* QEMU reports no RESET for the reset inside loadvm. */
        if (cause != SHUTDOWN_CAUSE_SNAPSHOT_LOAD) {
            qmp_event_send("RESET", cause_data(cause));
        }
        break;
    case MACHINE_EVENT_POWERDOWN:
        qmp_event_send("POWERDOWN", NULL);
        break;
    case MACHINE_EVENT_SHUTDOWN:
        qmp_event_send("SHUTDOWN", cause_data(cause));
        qmp_flush_all();
        break;
    }
}

void qmp_events_init(void)
{
    static bool done;
    if (done) {
        return;
    }
    done = true;
    runstate_add_listener(on_runstate, NULL);
    machine_event_add_listener(on_machine_event, NULL);
}
