/*
 * The run state and machine events (include/emu/runstate.h).
 */
#include "emu/runstate.h"
#include "emu/cpu.h"
#include "emu/error.h"
#include "emu/machine.h"
#include "emu/timer.h"

#include <glib.h>

static RunState state = RUN_STATE_RUNNING;
static volatile int stop_requested = -1; /* a RunState, or -1 */

typedef struct Listener {
    void *fn;
    void *opaque;
} Listener;

static GArray *state_listeners; /* Listener */
static GArray *event_listeners; /* Listener */

static void (*powerdown_fn)(void *opaque);
static void *powerdown_opaque;

static const char *const state_names[RUN_STATE__MAX] = {
    [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_PAUSED] = "paused",
    [RUN_STATE_DEBUG] = "debug",
    [RUN_STATE_SAVE_VM] = "save-vm",
    [RUN_STATE_RESTORE_VM] = "restore-vm",
    [RUN_STATE_INMIGRATE] = "inmigrate",
    [RUN_STATE_POSTMIGRATE] = "postmigrate",
    [RUN_STATE_SHUTDOWN] = "shutdown",
    [RUN_STATE_GUEST_PANICKED] = "guest-panicked",
    [RUN_STATE_INTERNAL_ERROR] = "internal-error",
};

const char *runstate_name(RunState s)
{
    return (unsigned)s < RUN_STATE__MAX ? state_names[s] : "unknown";
}

RunState runstate_get(void)
{
    return state;
}

bool runstate_is_running(void)
{
    return state == RUN_STATE_RUNNING;
}

void runstate_set(RunState s)
{
    state = s;
}

static void listeners_add(GArray **arr, void *fn, void *opaque)
{
    if (!*arr) {
        *arr = g_array_new(false, false, sizeof(Listener));
    }
    Listener l = {fn, opaque};
    g_array_append_val(*arr, l);
}

static void listeners_remove(GArray *arr, void *fn, void *opaque)
{
    for (guint i = 0; arr && i < arr->len; i++) {
        Listener *l = &g_array_index(arr, Listener, i);
        if (l->fn == fn && l->opaque == opaque) {
            g_array_remove_index(arr, i);
            return;
        }
    }
}

void runstate_add_listener(RunStateListener *fn, void *opaque)
{
    listeners_add(&state_listeners, (void *)fn, opaque);
}

void runstate_remove_listener(RunStateListener *fn, void *opaque)
{
    listeners_remove(state_listeners, (void *)fn, opaque);
}

static void notify_state(bool running, RunState s)
{
    if (!state_listeners) {
        return;
    }
    /* A copy: a listener may add or remove listeners. */
    GArray *copy = g_array_copy(state_listeners);
    for (guint i = 0; i < copy->len; i++) {
        Listener l = g_array_index(copy, Listener, i);
        ((RunStateListener *)l.fn)(l.opaque, running, s);
    }
    g_array_free(copy, true);
}

void vm_stop(RunState s)
{
    assert(s != RUN_STATE_RUNNING);
    assert(!current_cpu);
    if (state != RUN_STATE_RUNNING) {
        state = s;
        return;
    }
    if (current_machine) {
        cpus_pause();
    }
    clock_vm_stop();
    state = s;
    notify_state(false, s);
}

void vm_start(void)
{
    assert(!current_cpu);
    if (state == RUN_STATE_RUNNING) {
        return;
    }
    stop_requested = -1;
    state = RUN_STATE_RUNNING;
    clock_vm_start();
    if (current_machine) {
        cpus_resume();
    }
    notify_state(true, RUN_STATE_RUNNING);
}

void vm_stop_request(RunState s)
{
    __atomic_compare_exchange_n(&stop_requested, &(int){-1}, (int)s, false,
                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    /* The vCPUs leave guest code at once; vm_stop() makes it official. */
    if (current_machine) {
        for (int i = 0; i < current_machine->nr_cpus; i++) {
            current_machine->cpus[i]->stop_request = true;
            cpu_kick(current_machine->cpus[i]);
        }
    }
    main_loop_wakeup();
}

bool vm_stop_request_handle(void)
{
    int s = __atomic_exchange_n(&stop_requested, -1, __ATOMIC_SEQ_CST);
    if (s < 0) {
        return false;
    }
    vm_stop((RunState)s);
    return true;
}

void machine_event_add_listener(MachineEventListener *fn, void *opaque)
{
    listeners_add(&event_listeners, (void *)fn, opaque);
}

void machine_event_remove_listener(MachineEventListener *fn, void *opaque)
{
    listeners_remove(event_listeners, (void *)fn, opaque);
}

void machine_event_emit(MachineEvent ev, ShutdownCause cause)
{
    if (!event_listeners) {
        return;
    }
    GArray *copy = g_array_copy(event_listeners);
    for (guint i = 0; i < copy->len; i++) {
        Listener l = g_array_index(copy, Listener, i);
        ((MachineEventListener *)l.fn)(l.opaque, ev, cause);
    }
    g_array_free(copy, true);
}

bool shutdown_cause_is_guest(ShutdownCause cause)
{
    switch (cause) {
    case SHUTDOWN_CAUSE_GUEST_SHUTDOWN:
    case SHUTDOWN_CAUSE_GUEST_RESET:
    case SHUTDOWN_CAUSE_GUEST_PANIC:
    case SHUTDOWN_CAUSE_DEBUG_EXIT:
        return true;
    default:
        return false;
    }
}

const char *shutdown_cause_name(ShutdownCause cause)
{
    switch (cause) {
    case SHUTDOWN_CAUSE_NONE:
        return "none";
    case SHUTDOWN_CAUSE_HOST_QUIT:
        return "host-qmp-quit";
    case SHUTDOWN_CAUSE_HOST_ERROR:
        return "host-error";
    case SHUTDOWN_CAUSE_GUEST_SHUTDOWN:
        return "guest-shutdown";
    case SHUTDOWN_CAUSE_GUEST_RESET:
        return "guest-reset";
    case SHUTDOWN_CAUSE_GUEST_PANIC:
        return "guest-panic";
    case SHUTDOWN_CAUSE_DEBUG_EXIT:
        /* QEMU's isa-debug-exit calls exit() and sends no event; the
         * nearest reason is a guest-initiated shutdown. */
        return "guest-shutdown";
    case SHUTDOWN_CAUSE_HOST_SIGNAL:
        return "host-signal";
    case SHUTDOWN_CAUSE_HOST_UI:
        return "host-ui";
    case SHUTDOWN_CAUSE_HOST_RESET:
        return "host-qmp-system-reset";
    case SHUTDOWN_CAUSE_SNAPSHOT_LOAD:
        return "snapshot-load";
    }
    return "none";
}

void system_powerdown_set_handler(void (*fn)(void *opaque), void *opaque)
{
    powerdown_fn = fn;
    powerdown_opaque = opaque;
}

int system_powerdown_request(Error **errp)
{
    if (!powerdown_fn) {
        error_setg(errp, "this machine has no ACPI power button");
        return -1;
    }
    powerdown_fn(powerdown_opaque);
    machine_event_emit(MACHINE_EVENT_POWERDOWN, SHUTDOWN_CAUSE_NONE);
    return 0;
}
