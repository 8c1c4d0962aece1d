/*
 * The main loop (include/emu/main-loop.h): glib's default context for file
 * descriptors, bottom halves (bh.c), our timers for deadlines, and the
 * shutdown/reset requests.
 */
#include "emu/common.h"
#include "emu/cpu.h"
#include "emu/main-loop.h"
#include "emu/runstate.h"
#include "emu/timer.h"

#include <glib.h>
#include <pthread.h>
#include <time.h>

bool opt_no_reboot;
bool opt_no_shutdown;

static pthread_mutex_t bql = PTHREAD_MUTEX_INITIALIZER;
static __thread bool bql_held;

static volatile ShutdownCause shutdown_cause;
static volatile int shutdown_status;
static volatile ShutdownCause reset_cause;
static void (*reset_handler)(ShutdownCause cause);

void bql_lock(void)
{
    assert(!bql_held);
    pthread_mutex_lock(&bql);
    bql_held = true;
}

void bql_unlock(void)
{
    assert(bql_held);
    bql_held = false;
    pthread_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_held;
}

void bql_cond_wait(pthread_cond_t *cond)
{
    assert(bql_held);
    bql_held = false;
    pthread_cond_wait(cond, &bql);
    bql_held = true;
}

void bql_cond_timedwait_ms(pthread_cond_t *cond, int ms)
{
    struct timespec ts;
    assert(bql_held);
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (long)ms * 1000000;
    ts.tv_sec += ts.tv_nsec / 1000000000;
    ts.tv_nsec %= 1000000000;
    bql_held = false;
    pthread_cond_timedwait(cond, &bql, &ts);
    bql_held = true;
}

/* Set in the thread that runs main_loop_iterate(). */
static __thread bool on_main_loop_thread;

void main_loop_wakeup(void)
{
    /* The main loop's own thread is not in its poll while it runs this
     * code, and computes the next timeout before it polls again: a
     * wake-up from it (a timer callback re-arming its timer, at every
     * tick) would only cost an eventfd write and an extra iteration. */
    if (on_main_loop_thread) {
        return;
    }
    g_main_context_wakeup(NULL);
}

/*
 * A vCPU that asked for a reset or shutdown (an OUT to 0xCF9, an ACPI S5
 * write) must not run further guest code: QEMU stops it at the request too.
 */
static void stop_vcpus_now(void)
{
    if (first_cpu) {
        first_cpu->stop_request = true;
        cpu_kick(first_cpu);
    }
}

void system_shutdown_request(ShutdownCause cause, int exit_status)
{
    stop_vcpus_now();
    if (shutdown_cause == SHUTDOWN_CAUSE_NONE) {
        shutdown_status = exit_status;
        shutdown_cause = cause;
    }
    main_loop_wakeup();
}

void system_reset_request(ShutdownCause cause)
{
    if (opt_no_reboot) {
        system_shutdown_request(cause, 0);
        return;
    }
    stop_vcpus_now();
    reset_cause = cause;
    main_loop_wakeup();
}

bool system_shutdown_requested(void)
{
    return shutdown_cause != SHUTDOWN_CAUSE_NONE;
}

ShutdownCause system_reset_pending(void)
{
    return reset_cause;
}

ShutdownCause system_shutdown_pending(int *exit_status)
{
    if (exit_status) {
        *exit_status = shutdown_status;
    }
    return shutdown_cause;
}

void system_requests_clear(void)
{
    reset_cause = SHUTDOWN_CAUSE_NONE;
    shutdown_cause = SHUTDOWN_CAUSE_NONE;
    shutdown_status = 0;
}

void main_loop_set_reset_handler(void (*reset)(ShutdownCause cause))
{
    reset_handler = reset;
}

int main_loop_init(void)
{
    /* The main thread owns glib's default context for its whole life. */
    g_main_context_acquire(g_main_context_default());
    clock_set_notify(main_loop_wakeup);
    return 0;
}

static bool handle_requests(void)
{
    vm_stop_request_handle();
    if (shutdown_cause != SHUTDOWN_CAUSE_NONE) {
        ShutdownCause cause = shutdown_cause;
        if (cause == SHUTDOWN_CAUSE_GUEST_SHUTDOWN && opt_no_shutdown) {
            /* -no-shutdown: stop the guest, keep emu (and the monitor). */
            shutdown_cause = SHUTDOWN_CAUSE_NONE;
            /* QEMU's order (QMP SHUTDOWN, then STOP). */
            machine_event_emit(MACHINE_EVENT_SHUTDOWN, cause);
            vm_stop(RUN_STATE_SHUTDOWN);
            return false;
        }
        machine_event_emit(MACHINE_EVENT_SHUTDOWN, cause);
        return true;
    }
    if (reset_cause != SHUTDOWN_CAUSE_NONE) {
        ShutdownCause cause = reset_cause;
        reset_cause = SHUTDOWN_CAUSE_NONE;
        if (reset_handler) {
            reset_handler(cause);
        }
        machine_event_emit(MACHINE_EVENT_RESET, cause);
    }
    return false;
}

void main_loop_iterate(int timeout_ms)
{
    on_main_loop_thread = true;
    int64_t t = timers_timeout_ns();
    int ms = timeout_ms;
    if (t >= 0) {
        int tms = (int)((t + 999999) / 1000000);
        if (ms < 0 || tms < ms) {
            ms = tms;
        }
    }
    /* Poll without the lock so vCPU threads can do I/O meanwhile. */
    GMainContext *ctx = g_main_context_default();
    gint max_priority, nfds, allocated = 16;
    GPollFD *fds = g_new(GPollFD, allocated);
    int gtimeout;

    g_main_context_prepare(ctx, &max_priority);
    while ((nfds = g_main_context_query(ctx, max_priority, &gtimeout, fds,
                                        allocated)) > allocated) {
        allocated = nfds;
        fds = g_renew(GPollFD, fds, allocated);
    }
    if (gtimeout >= 0 && (ms < 0 || gtimeout < ms)) {
        ms = gtimeout;
    }
    if (bh_any_scheduled()) {
        ms = 0;
    }
    /* A BH scheduled from now on wakes the poll (main_loop_wakeup). */
    bql_unlock();
    g_poll(fds, nfds, ms);
    bql_lock();
    if (g_main_context_check(ctx, max_priority, fds, nfds)) {
        g_main_context_dispatch(ctx);
    }
    g_free(fds);
    bh_poll();
    timers_run_all_expired();
}

int main_loop_run(void)
{
    while (!handle_requests()) {
        main_loop_iterate(1000);
    }
    return shutdown_status;
}
