/*
 * Bottom halves (system/bh.c): scheduled from another thread, run by the
 * main loop under the global lock, coalesced, cancelled, deleted from
 * their own callback, re-scheduled from their callback, and run by a
 * vCPU thread as it leaves a device access.
 *
 * The main loop is iterated with an infinite timeout: if a schedule from
 * the thread did not wake it, the iteration would block and the watchdog
 * (alarm) would end the program with a failure.
 */
#include "tests/unit/harness.h"
#include "emu/main-loop.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#define ROUNDS 200

typedef struct Counter {
    int runs;
    bool held_lock; /* every run had the global lock */
    BH *bh;
    int resched; /* times to re-schedule itself */
    bool delete_self;
} Counter;

static void count_cb(void *opaque)
{
    Counter *c = opaque;
    __atomic_add_fetch(&c->runs, 1, __ATOMIC_SEQ_CST);
    c->held_lock &= bql_locked();
    if (c->resched > 0) {
        c->resched--;
        bh_schedule(c->bh);
    }
    if (c->delete_self) {
        bh_delete(c->bh);
        c->bh = NULL;
    }
}

static void watchdog(int sig)
{
    static const char msg[] =
        "FAIL test-bh: main loop not woken by bh_schedule\n"
        "test-bh: 0 passed, 1 failed\n";
    (void)sig;
    (void)!write(1, msg, sizeof(msg) - 1);
    _exit(1);
}

typedef struct Ping {
    Counter c;
} Ping;

static void *io_thread(void *opaque)
{
    Ping *p = opaque;
    for (int i = 0; i < ROUNDS; i++) {
        bh_schedule(p->c.bh);
        /* Wait for the main loop to run it (no lock taken here). */
        while (__atomic_load_n(&p->c.runs, __ATOMIC_SEQ_CST) <= i) {
            sched_yield();
        }
    }
    return NULL;
}

static void test_from_thread(void)
{
    Ping p = {.c = {.held_lock = true}};
    pthread_t t;

    p.c.bh = bh_new(count_cb, &p.c);
    pthread_create(&t, NULL, io_thread, &p);
    signal(SIGALRM, watchdog);
    alarm(20);
    while (__atomic_load_n(&p.c.runs, __ATOMIC_SEQ_CST) < ROUNDS) {
        main_loop_iterate(-1);
    }
    alarm(0);
    pthread_join(t, NULL);
    CHECK_EQ(p.c.runs, ROUNDS);
    CHECK(p.c.held_lock);
    bh_delete(p.c.bh);
}

static void test_coalesce_cancel_delete(void)
{
    Counter a = {.held_lock = true}, b = {.held_lock = true};
    a.bh = bh_new(count_cb, &a);
    b.bh = bh_new(count_cb, &b);

    /* Three schedules before a pass: one run. */
    bh_schedule(a.bh);
    bh_schedule(a.bh);
    bh_schedule(a.bh);
    CHECK(bh_any_scheduled());
    CHECK_EQ(bh_poll(), 1);
    CHECK_EQ(a.runs, 1);
    CHECK_EQ(b.runs, 0);
    CHECK_EQ(bh_poll(), 0);

    /* Cancelled before the pass: no run. */
    bh_schedule(b.bh);
    bh_cancel(b.bh);
    main_loop_iterate(0);
    CHECK_EQ(b.runs, 0);

    /* Re-scheduled from its callback: one run per pass, the pass ends. */
    a.resched = 2;
    bh_schedule(a.bh);
    CHECK_EQ(bh_poll(), 1);
    CHECK_EQ(bh_poll(), 1);
    CHECK_EQ(bh_poll(), 1);
    CHECK_EQ(bh_poll(), 0);
    CHECK_EQ(a.runs, 4);

    /* Deleted from its own callback (freed after the pass: ASan sees a
     * use after free otherwise); a deleted BH never runs again. */
    b.delete_self = true;
    bh_schedule(b.bh);
    bh_schedule(a.bh);
    CHECK_EQ(bh_poll(), 2);
    CHECK(b.bh == NULL);
    CHECK_EQ(b.runs, 1);
    bh_delete(a.bh);
    CHECK_EQ(bh_poll(), 0);
    CHECK_EQ(a.runs, 5);
}

/* A device access on a vCPU thread (bql_lock_io .. bql_unlock_io): BHs
 * scheduled meanwhile run when it ends, not from inside it; one that
 * keeps re-scheduling itself is left to the main loop, which is woken
 * (the infinite-timeout iteration below would hang otherwise). */
static void test_io_exit(void)
{
    Counter a = {.held_lock = true};
    a.bh = bh_new(count_cb, &a);
    bql_unlock();
    bql_lock_io();
    bh_schedule(a.bh);
    CHECK_EQ(a.runs, 0);
    bql_unlock_io();
    CHECK_EQ(a.runs, 1);
    CHECK(a.held_lock);
    CHECK(!bh_any_scheduled());

    a.resched = 10;
    bql_lock_io();
    bh_schedule(a.bh);
    bql_unlock_io();
    bql_lock();
    int after_io = a.runs;
    CHECK(after_io > 1 && after_io < 11);
    signal(SIGALRM, watchdog);
    alarm(20);
    while (a.runs < 11) {
        main_loop_iterate(-1);
    }
    alarm(0);
    CHECK_EQ(a.runs, 11);
    bh_delete(a.bh);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    main_loop_init();
    bql_lock();
    TEST_RUN(test_from_thread);
    TEST_RUN(test_coalesce_cancel_delete);
    TEST_RUN(test_io_exit);
    bql_unlock();
    return test_finish();
}
