/*
 * The main loop, the global lock, and machine-wide requests.
 *
 * One main-loop thread runs glib's default context: file descriptors
 * (chardevs, later tap and block AIO), timers of all clocks, UI.  It holds the
 * global lock except while it polls.  vCPU threads run the guest without the
 * lock and take it around every I/O exit or MMIO access.
 *
 * Devices and the CPU ask for shutdown or reset through requests; the main
 * loop acts on them between events.
 */
#ifndef EMU_MAIN_LOOP_H
#define EMU_MAIN_LOOP_H

#include "emu/common.h"

void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void);
/* Wait on cond, releasing the global lock meanwhile (the caller holds it). */
#include <pthread.h>
void bql_cond_wait(pthread_cond_t *cond);
void bql_cond_timedwait_ms(pthread_cond_t *cond, int ms);

typedef enum ShutdownCause {
    SHUTDOWN_CAUSE_NONE,
    SHUTDOWN_CAUSE_HOST_QUIT,      /* C-a x, monitor "quit", a signal */
    SHUTDOWN_CAUSE_HOST_ERROR,     /* emu cannot go on */
    SHUTDOWN_CAUSE_GUEST_SHUTDOWN, /* ACPI S5 */
    SHUTDOWN_CAUSE_GUEST_RESET,    /* port 0xcf9, i8042 pulse, port 0x92 */
    SHUTDOWN_CAUSE_GUEST_PANIC,    /* triple fault */
    SHUTDOWN_CAUSE_DEBUG_EXIT,     /* isa-debug-exit */
    SHUTDOWN_CAUSE_HOST_SIGNAL,    /* SIGINT/SIGTERM/SIGHUP */
    SHUTDOWN_CAUSE_HOST_UI,        /* the display window was closed */
    SHUTDOWN_CAUSE_HOST_RESET,     /* monitor/QMP system_reset */
    SHUTDOWN_CAUSE_SNAPSHOT_LOAD,  /* loadvm resets the devices first */
} ShutdownCause;

/* Ask the machine to stop; emu exits with exit_status. */
void system_shutdown_request(ShutdownCause cause, int exit_status);
/* Ask for a system reset (or, with -no-reboot, a shutdown). */
void system_reset_request(ShutdownCause cause);
bool system_shutdown_requested(void);
/* For device tests: the pending requests (without acting on them) and a
 * way to drop them. */
ShutdownCause system_reset_pending(void);
ShutdownCause system_shutdown_pending(int *exit_status);
void system_requests_clear(void);

/* Wake the main loop from another thread (a new timer deadline, a request). */
void main_loop_wakeup(void);

/*
 * Bottom halves: a callback that any thread schedules and the main loop
 * runs soon after, under the global lock (an I/O thread's completion
 * reaching a device).  bh_schedule() is safe without the lock and wakes the
 * main loop; scheduling a BH that has not run yet does nothing more; a BH
 * that schedules itself from its callback runs in the next iteration.
 * bh_cancel() unschedules; bh_delete() (main loop, under the lock) frees it,
 * also from its own callback.  Nothing may schedule a BH after its delete.
 */
typedef struct BH BH;
typedef void BHFunc(void *opaque);
BH *bh_new(BHFunc *cb, void *opaque);
void bh_schedule(BH *bh);
void bh_cancel(BH *bh);
void bh_delete(BH *bh);
/* Run the scheduled BHs once (the main loop does; tests may); returns how
 * many ran.  bh_any_scheduled() tells whether a poll must not block. */
int bh_poll(void);
bool bh_any_scheduled(void);

/*
 * A vCPU thread's device access (a port or MMIO exit): bql_lock_io() and
 * bql_unlock_io() instead of bql_lock()/bql_unlock().  BHs scheduled from
 * this thread meanwhile do not wake the main loop: bql_unlock_io() runs
 * every due BH before it lets the guest go on, so a request the block
 * layer completed at once (data in the host's page cache) reaches its
 * device, and the interrupt the guest, without a main-loop round trip.
 * The device's callback still runs after its own access has returned.
 */
void bql_lock_io(void);
void bql_unlock_io(void);

int main_loop_init(void);
/* Run until a shutdown request; returns the exit status. */
int main_loop_run(void);
/* One iteration (tests); blocking waits at most timeout_ms. */
void main_loop_iterate(int timeout_ms);

/* Set by system/ from -no-reboot / -no-shutdown. */
extern bool opt_no_reboot;
extern bool opt_no_shutdown;

/* The machine's reset hook, installed by the board (walks devices, CPUs). */
void main_loop_set_reset_handler(void (*reset)(ShutdownCause cause));

#endif
