/*
 * Clocks and timers (include/emu/timer.h).
 *
 * Each clock keeps its armed timers in a list sorted by deadline.  The
 * virtual clock is the host monotonic clock minus an offset that grows while
 * the VM is stopped; in test mode it is a counter that only clock_step_ns()
 * and clock_jump_ns() move.
 */
#include "emu/common.h"
#include "emu/timer.h"

#include <time.h>

static Timer *active[CLOCK_MAX];
static uint64_t arm_seq; /* counts timer_mod_ns calls */
static void (*notify_cb)(void);

/* CLOCK_HOST when its timers last ran: a smaller reading is a step back. */
static int64_t host_seen_ns = INT64_MIN;

static bool test_mode;
static int64_t test_virtual_ns;
static int64_t test_host_ns = -1;

static bool vm_running = true;
static int64_t vm_offset;     /* virtual = monotonic - vm_offset */
static int64_t vm_stopped_at; /* virtual time frozen while stopped */
static bool vm_offset_init;

static int64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

int64_t clock_get_ns(EmuClockType type)
{
    switch (type) {
    case CLOCK_VIRTUAL:
        if (test_mode) {
            return test_virtual_ns;
        }
        if (!vm_offset_init) {
            vm_offset = monotonic_ns();
            vm_offset_init = true;
        }
        if (!vm_running) {
            return vm_stopped_at;
        }
        return monotonic_ns() - vm_offset;
    case CLOCK_MONO:
        return monotonic_ns();
    case CLOCK_HOST: {
        if (test_mode && test_host_ns >= 0) {
            return test_host_ns + test_virtual_ns;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
    }
    default:
        abort();
    }
}

void clock_vm_stop(void)
{
    if (vm_running) {
        vm_stopped_at = clock_get_ns(CLOCK_VIRTUAL);
        vm_running = false;
    }
}

void clock_vm_start(void)
{
    if (!vm_running) {
        vm_offset = monotonic_ns() - vm_stopped_at;
        vm_offset_init = true;
        vm_running = true;
    }
}

void clock_set_vm_ns(int64_t ns)
{
    if (test_mode) {
        test_virtual_ns = ns;
    } else if (!vm_running) {
        vm_stopped_at = ns;
    } else {
        vm_offset = monotonic_ns() - ns;
        vm_offset_init = true;
    }
    if (notify_cb) {
        notify_cb(); /* deadlines are now nearer or farther */
    }
}

bool clock_vm_running(void)
{
    return vm_running;
}

void clock_set_notify(void (*notify)(void))
{
    notify_cb = notify;
}

void timer_init_ns(Timer *t, EmuClockType type, TimerCb *cb, void *opaque)
{
    t->clock = type;
    t->expire = -1;
    t->cb = cb;
    t->opaque = opaque;
    t->next = NULL;
}

Timer *timer_new_ns(EmuClockType type, TimerCb *cb, void *opaque)
{
    Timer *t = malloc(sizeof(*t));
    if (!t) {
        fatal("out of memory");
    }
    timer_init_ns(t, type, cb, opaque);
    return t;
}

void timer_free(Timer *t)
{
    if (t) {
        timer_del(t);
        free(t);
    }
}

void timer_del(Timer *t)
{
    if (t->expire < 0) {
        return;
    }
    for (Timer **p = &active[t->clock]; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->expire = -1;
    t->next = NULL;
}

void timer_mod_ns(Timer *t, int64_t expire)
{
    Timer **p;
    if (expire < 0) {
        expire = 0;
    }
    timer_del(t);
    t->expire = expire;
    t->seq = ++arm_seq;
    for (p = &active[t->clock]; *p; p = &(*p)->next) {
        if ((*p)->expire > expire) {
            break;
        }
    }
    t->next = *p;
    *p = t;
    if (p == &active[t->clock] && notify_cb) {
        notify_cb();
    }
}

int64_t timers_deadline_ns(EmuClockType type)
{
    return active[type] ? active[type]->expire : -1;
}

int64_t timers_timeout_ns(void)
{
    int64_t best = -1;
    for (int c = 0; c < CLOCK_MAX; c++) {
        if (!active[c] || (c == CLOCK_VIRTUAL && (test_mode || !vm_running))) {
            continue;
        }
        int64_t d = active[c]->expire - clock_get_ns(c);
        if (d < 0) {
            d = 0;
        }
        if (best < 0 || d < best) {
            best = d;
        }
    }
    return best;
}

bool timers_run_expired(EmuClockType type)
{
    bool ran = false;
    if (type == CLOCK_VIRTUAL && !vm_running && !test_mode) {
        return false;
    }
    int64_t now = clock_get_ns(type);
    if (type == CLOCK_HOST) {
        if (now < host_seen_ns) {
            /* The host's time was set back: deadlines armed before are far
             * off now.  Run them at once so that their owners, which
             * compute what is due from the clock, re-arm from the new
             * time.  Equal deadlines keep the list sorted. */
            for (Timer *t = active[type]; t; t = t->next) {
                t->expire = now;
            }
        }
        host_seen_ns = now;
    }
    uint64_t armed_before = arm_seq;
    /*
     * A device that fell behind and re-arms for its next missed deadline
     * (already past) would otherwise run again and again here, under the
     * global lock, while the vCPUs wait for it: such timers are skipped
     * until the next call.
     */
    for (;;) {
        Timer **p = &active[type];
        while (*p && (*p)->expire <= now && (*p)->seq > armed_before) {
            p = &(*p)->next;
        }
        Timer *t = *p;
        if (!t || t->expire > now) {
            break;
        }
        *p = t->next;
        t->next = NULL;
        t->expire = -1;
        t->cb(t->opaque);
        ran = true;
    }
    return ran;
}

bool timers_run_all_expired(void)
{
    bool ran = false;
    for (int c = 0; c < CLOCK_MAX; c++) {
        ran |= timers_run_expired(c);
    }
    return ran;
}

void clock_enable_test_mode(void)
{
    test_mode = true;
    test_virtual_ns = 0;
    host_seen_ns = INT64_MIN;
    for (int c = 0; c < CLOCK_MAX; c++) {
        while (active[c]) {
            timer_del(active[c]);
        }
    }
}

bool clock_test_mode(void)
{
    return test_mode;
}

/*
 * Test mode: the list head of the earliest timer among the clocks that
 * move with the stepped counter (virtual, and host once a test set it),
 * with its deadline in virtual time in *when; NULL if none is armed.
 */
static Timer **test_next_timer(int64_t *when)
{
    Timer **head = NULL;

    if (active[CLOCK_VIRTUAL]) {
        head = &active[CLOCK_VIRTUAL];
        *when = (*head)->expire;
    }
    if (test_host_ns >= 0 && active[CLOCK_HOST]) {
        int64_t w = active[CLOCK_HOST]->expire - test_host_ns;
        if (!head || w < *when) {
            head = &active[CLOCK_HOST];
            *when = w;
        }
    }
    return head;
}

void clock_step_ns(int64_t ns)
{
    int64_t target = test_virtual_ns + ns, when;
    Timer **head;

    assert(test_mode);
    while ((head = test_next_timer(&when)) && when <= target) {
        Timer *t = *head;
        if (when > test_virtual_ns) {
            test_virtual_ns = when;
        }
        *head = t->next;
        t->next = NULL;
        t->expire = -1;
        t->cb(t->opaque);
    }
    test_virtual_ns = target;
}

void clock_jump_ns(int64_t ns)
{
    assert(test_mode);
    test_virtual_ns += ns;
    timers_run_expired(CLOCK_VIRTUAL);
}

void clock_set_host_ns(int64_t ns)
{
    test_host_ns = ns - test_virtual_ns;
    if (test_mode) {
        timers_run_expired(CLOCK_HOST);
    }
}
