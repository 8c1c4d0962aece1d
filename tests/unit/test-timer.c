/* Virtual clock and timers in test mode: deadline order, re-arming from a
 * callback, deletion, the clock reading inside callbacks, and a late timer
 * that re-arms in the past running once per pass of the main loop. */
#include "tests/unit/harness.h"

typedef struct Rec {
    int64_t fired_at[8];
    int n;
    Timer *rearm;
    int64_t period;
} Rec;

static void cb(void *opaque)
{
    Rec *r = opaque;
    if (r->n < 8) {
        r->fired_at[r->n] = clock_get_ns(CLOCK_VIRTUAL);
    }
    r->n++;
    if (r->rearm && r->n < 4) {
        timer_mod_ns(r->rearm, clock_get_ns(CLOCK_VIRTUAL) + r->period);
    }
}

static void test_order_and_time(void)
{
    Rec a = { 0 }, b = { 0 };
    Timer *ta = timer_new_ns(CLOCK_VIRTUAL, cb, &a);
    Timer *tb = timer_new_ns(CLOCK_VIRTUAL, cb, &b);
    clock_enable_test_mode();
    CHECK_EQ(clock_get_ns(CLOCK_VIRTUAL), 0);
    timer_mod_ns(ta, 500);
    timer_mod_ns(tb, 200);
    CHECK(timer_pending(ta));
    CHECK_EQ(timers_deadline_ns(CLOCK_VIRTUAL), 200);
    clock_step_ns(300);
    CHECK_EQ(b.n, 1);
    CHECK_EQ(b.fired_at[0], 200);
    CHECK_EQ(a.n, 0);
    CHECK_EQ(clock_get_ns(CLOCK_VIRTUAL), 300);
    timer_del(ta);
    CHECK(!timer_pending(ta));
    clock_step_ns(1000);
    CHECK_EQ(a.n, 0);
    timer_free(ta);
    timer_free(tb);
}

static void test_periodic_rearm(void)
{
    Rec r = { 0 };
    clock_enable_test_mode();
    Timer *t = timer_new_ns(CLOCK_VIRTUAL, cb, &r);
    r.rearm = t;
    r.period = 100;
    timer_mod_ns(t, 100);
    clock_step_ns(1000);
    CHECK_EQ(r.n, 4);
    CHECK_EQ(r.fired_at[0], 100);
    CHECK_EQ(r.fired_at[3], 400);
    timer_free(t);
}

/* A timer that keeps re-arming for a deadline already past (a device
 * replaying missed periods). */
static int behind_runs;
static void behind_cb(void *opaque)
{
    Timer *t = opaque;
    if (++behind_runs < 100000) {
        timer_mod_ns(t, clock_get_ns(CLOCK_VIRTUAL) - 1);
    }
}

/*
 * The main loop runs the expired timers with the global lock held; a timer
 * re-armed for the past inside its callback must wait for the next pass
 * (the loop drops the lock in between), not run again and again in this
 * one while the vCPUs wait.
 */
static void test_late_rearm_runs_once_per_pass(void)
{
    clock_enable_test_mode();
    Timer *t = timer_new_ns(CLOCK_VIRTUAL, behind_cb, NULL);
    t->opaque = t;
    behind_runs = 0;
    timer_mod_ns(t, 1000);
    clock_jump_ns(5000);
    CHECK_EQ(behind_runs, 1);
    CHECK(timer_pending(t));
    CHECK(timer_expire_time_ns(t) <= clock_get_ns(CLOCK_VIRTUAL));
    CHECK(timers_run_expired(CLOCK_VIRTUAL));
    CHECK_EQ(behind_runs, 2);
    timer_free(t);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_order_and_time);
    TEST_RUN(test_periodic_rearm);
    TEST_RUN(test_late_rearm_runs_once_per_pass);
    return test_finish();
}
