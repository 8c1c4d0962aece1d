/*
 * Clocks and timers.
 *
 * CLOCK_VIRTUAL: guest time in nanoseconds; starts at 0 and stops while the
 *   VM is paused.  Devices compute their state from it (PIT counters, RTC
 *   update cycle, UART character times) and arm timers for their next event.
 * CLOCK_MONO: host monotonic time, runs always (UI, chardev retries).
 * CLOCK_HOST: host wall-clock time (nanoseconds since the epoch), for the
 *   RTC's date (-rtc clock=host: the RTC also runs on it).  It can be set
 *   back; then its armed timers run at once, early, so that their owners
 *   re-arm from the new time (the main loop looks at least once a second).
 *
 * In test mode (clock_enable_test_mode) CLOCK_VIRTUAL only moves when a test
 * calls clock_step_ns(), which runs each expired timer in deadline order at
 * its own deadline: device tests are deterministic.
 *
 * Timers are created, armed and fire under the global lock.
 */
#ifndef EMU_TIMER_H
#define EMU_TIMER_H

#include "emu/common.h"

typedef enum EmuClockType {
    CLOCK_VIRTUAL,
    CLOCK_MONO,
    CLOCK_HOST,
    CLOCK_MAX,
} EmuClockType;

#define NANOSECONDS_PER_SECOND 1000000000LL

typedef void TimerCb(void *opaque);
typedef struct Timer Timer;

struct Timer {
    EmuClockType clock;
    int64_t expire; /* -1 when not armed */
    TimerCb *cb;
    void *opaque;
    Timer *next;  /* in the clock's active list, by deadline */
    uint64_t seq; /* when it was armed (timers_run_expired) */
};

int64_t clock_get_ns(EmuClockType type);

void timer_init_ns(Timer *t, EmuClockType type, TimerCb *cb, void *opaque);
Timer *timer_new_ns(EmuClockType type, TimerCb *cb, void *opaque);
void timer_free(Timer *t);
void timer_mod_ns(Timer *t, int64_t expire);
void timer_del(Timer *t);
static inline bool timer_pending(const Timer *t)
{
    return t->expire >= 0;
}
static inline int64_t timer_expire_time_ns(const Timer *t)
{
    return t->expire;
}

/* Earliest armed deadline of a clock, or -1. */
int64_t timers_deadline_ns(EmuClockType type);
/* Nanoseconds from now until the earliest deadline of any clock, or -1. */
int64_t timers_timeout_ns(void);
/* Run the timers of one clock that had expired on entry, each once (one
 * re-armed for the past by its callback waits for the next call, so the
 * main loop drops the lock between passes); true if any ran. */
bool timers_run_expired(EmuClockType type);
bool timers_run_all_expired(void);

/* Pause / resume CLOCK_VIRTUAL (the VM is stopped / running). */
void clock_vm_stop(void);
void clock_vm_start(void);
bool clock_vm_running(void);
/* Set CLOCK_VIRTUAL to ns (loadvm: the saved machine's time).  Armed
 * virtual timers keep their deadlines: their owners re-arm them after the
 * load.  Added for snapshots. */
void clock_set_vm_ns(int64_t ns);

/* Called (under the lock) when a deadline moves earlier: wakes the loop. */
void clock_set_notify(void (*notify)(void));

void clock_enable_test_mode(void);
bool clock_test_mode(void);
/* Test mode: advance CLOCK_VIRTUAL by ns, firing timers on the way. */
void clock_step_ns(int64_t ns);
/*
 * Test mode: set CLOCK_HOST (RTC tests).  From then on it moves with
 * clock_step_ns(), which fires its timers too; a later call makes it jump
 * (as host time runs on while the VM is paused) and runs the host timers
 * that expired.
 */
/* Test mode: move CLOCK_VIRTUAL forward by ns at once, then run the expired
 * timers once as the main loop would after a host stall: each callback
 * sees the new time, late. */
void clock_jump_ns(int64_t ns);
void clock_set_host_ns(int64_t ns);

#endif
