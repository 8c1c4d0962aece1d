/*
 * The machine's run state, as QMP's query-status names it, and the events
 * that management tools and debuggers listen to.
 *
 *     vm_stop(RUN_STATE_PAUSED);    // monitor "stop", QMP "stop"
 *     vm_start();                   // "cont"
 *     runstate_add_listener(fn, opaque);   // QMP's STOP/RESUME events
 *
 * Every change of "running" goes through vm_stop()/vm_start(): they pause
 * or resume the vCPUs and the virtual clock together and tell the
 * listeners.  Both run under the global lock on a thread that is not a
 * vCPU (the main loop, a monitor command, a test).  A vCPU thread that must
 * stop the machine (the gdbstub's breakpoint, a guest panic) calls
 * vm_stop_request(): the main loop does the vm_stop() soon after.
 *
 * Machine events (reset, power button, shutdown) reach the listeners of
 * machine_event_add_listener() from the main loop, once per event.
 */
#ifndef EMU_RUNSTATE_H
#define EMU_RUNSTATE_H

#include "emu/common.h"
#include "emu/main-loop.h"

typedef enum RunState {
    RUN_STATE_PRELAUNCH, /* -S: never ran yet */
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED,         /* stop */
    RUN_STATE_DEBUG,          /* the gdbstub holds the machine */
    RUN_STATE_SAVE_VM,        /* savevm in progress */
    RUN_STATE_RESTORE_VM,     /* loadvm in progress */
    RUN_STATE_INMIGRATE,      /* -incoming: waiting for the state */
    RUN_STATE_POSTMIGRATE,    /* the state went out (migrate), not resumed */
    RUN_STATE_SHUTDOWN,       /* -no-shutdown after the guest powered off */
    RUN_STATE_GUEST_PANICKED, /* -no-reboot style stop after a triple fault */
    RUN_STATE_INTERNAL_ERROR,
    RUN_STATE__MAX,
} RunState;

/* QEMU's spelling: "running", "paused", "prelaunch", "debug", ... */
const char *runstate_name(RunState s);
RunState runstate_get(void);
bool runstate_is_running(void);
/* Set the state without touching the vCPUs (startup: main.c). */
void runstate_set(RunState s);

/*
 * Stop the vCPUs and the virtual clock and enter state s (not RUNNING).
 * If the machine was running, the listeners hear (false, s); a stopped
 * machine only changes state.  BQL held, not on a vCPU thread.
 */
void vm_stop(RunState s);
/* Resume from any stopped state; listeners hear (true, RUNNING). */
void vm_start(void);
/* Any thread: ask the main loop to vm_stop(s) (first request wins). */
void vm_stop_request(RunState s);
/* The main loop: perform a pending vm_stop_request (returns true if one
 * was done). */
bool vm_stop_request_handle(void);

typedef void RunStateListener(void *opaque, bool running, RunState s);
void runstate_add_listener(RunStateListener *fn, void *opaque);
void runstate_remove_listener(RunStateListener *fn, void *opaque);

typedef enum MachineEvent {
    MACHINE_EVENT_RESET,     /* after the machine was reset */
    MACHINE_EVENT_POWERDOWN, /* the ACPI power button was pressed */
    MACHINE_EVENT_SHUTDOWN,  /* emu is about to stop (or -no-shutdown) */
} MachineEvent;

/* cause: why (SHUTDOWN_CAUSE_*; NONE for POWERDOWN). */
typedef void MachineEventListener(void *opaque, MachineEvent ev,
                                  ShutdownCause cause);
void machine_event_add_listener(MachineEventListener *fn, void *opaque);
void machine_event_remove_listener(MachineEventListener *fn, void *opaque);
void machine_event_emit(MachineEvent ev, ShutdownCause cause);

/* True if the cause came from the guest (QMP's "guest" member). */
bool shutdown_cause_is_guest(ShutdownCause cause);
/* QMP's "reason" spelling: "guest-shutdown", "host-qmp-quit", ... */
const char *shutdown_cause_name(ShutdownCause cause);

/*
 * The ACPI power button (monitor/QMP system_powerdown): the board installs
 * what pressing it does; returns -1 with errp set if the machine has none.
 */
void system_powerdown_set_handler(void (*fn)(void *opaque), void *opaque);
int system_powerdown_request(Error **errp);

#endif
