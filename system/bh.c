/*
 * Bottom halves (include/emu/main-loop.h): callbacks that any thread
 * schedules and the main loop runs under the global lock.
 *
 * Scheduling only sets an atomic flag and wakes the main loop, so an I/O
 * thread (block AIO, a network backend) can hand a completion to a device
 * without taking the global lock.  A BH scheduled several times before it
 * runs runs once; one scheduled from its own callback runs in the next
 * pass, so a pass always ends.  The list is walked under the global
 * lock, by the main loop or by a vCPU thread leaving a device access
 * (bql_unlock_io); a BH deleted during a pass is freed when the pass ends.
 */
#include "emu/common.h"
#include "emu/main-loop.h"

#include <glib.h>

struct BH {
    BHFunc *cb;
    void *opaque;
    int scheduled; /* atomic */
    bool deleted;
    BH *next;
};

static BH *bh_list;
static pthread_mutex_t bh_list_lock = PTHREAD_MUTEX_INITIALIZER;
static int bh_walking;
static int bh_pending; /* atomic: some BH may be scheduled */
/* This thread is in a device access and runs the BHs when it leaves it
 * (bql_unlock_io): no need to wake the main loop. */
static __thread bool bh_in_io;

BH *bh_new(BHFunc *cb, void *opaque)
{
    BH *bh = g_new0(BH, 1);
    bh->cb = cb;
    bh->opaque = opaque;
    pthread_mutex_lock(&bh_list_lock);
    bh->next = bh_list;
    bh_list = bh;
    pthread_mutex_unlock(&bh_list_lock);
    return bh;
}

void bh_schedule(BH *bh)
{
    if (__atomic_exchange_n(&bh->scheduled, 1, __ATOMIC_SEQ_CST) == 0) {
        __atomic_store_n(&bh_pending, 1, __ATOMIC_SEQ_CST);
        if (!bh_in_io) {
            main_loop_wakeup();
        }
    }
}

void bql_lock_io(void)
{
    bql_lock();
    bh_in_io = true;
}

void bql_unlock_io(void)
{
    /* A few passes: a callback may start the next piece of a transfer,
     * which may complete at once again.  Whatever is left (a BH that
     * keeps scheduling itself) goes to the main loop. */
    for (int i = 0; i < 4 && bh_any_scheduled(); i++) {
        bh_poll();
    }
    bh_in_io = false;
    if (bh_any_scheduled()) {
        main_loop_wakeup();
    }
    bql_unlock();
}

void bh_cancel(BH *bh)
{
    __atomic_store_n(&bh->scheduled, 0, __ATOMIC_SEQ_CST);
}

void bh_delete(BH *bh)
{
    bh_cancel(bh);
    pthread_mutex_lock(&bh_list_lock);
    if (bh_walking) {
        bh->deleted = true; /* freed at the end of the pass */
    } else {
        for (BH **p = &bh_list; *p; p = &(*p)->next) {
            if (*p == bh) {
                *p = bh->next;
                break;
            }
        }
        g_free(bh);
    }
    pthread_mutex_unlock(&bh_list_lock);
}

bool bh_any_scheduled(void)
{
    return __atomic_load_n(&bh_pending, __ATOMIC_SEQ_CST) != 0;
}

int bh_poll(void)
{
    int ran = 0;

    if (!__atomic_exchange_n(&bh_pending, 0, __ATOMIC_SEQ_CST)) {
        return 0;
    }
    pthread_mutex_lock(&bh_list_lock);
    bh_walking++;
    BH *bh = bh_list;
    pthread_mutex_unlock(&bh_list_lock);
    /* New BHs go to the head: this pass does not see them, and their
     * schedule set bh_pending again for the next one. */
    for (; bh; bh = bh->next) {
        if (!bh->deleted &&
            __atomic_exchange_n(&bh->scheduled, 0, __ATOMIC_SEQ_CST)) {
            bh->cb(bh->opaque);
            ran++;
        }
    }
    pthread_mutex_lock(&bh_list_lock);
    if (--bh_walking == 0) {
        for (BH **p = &bh_list; *p;) {
            BH *b = *p;
            if (b->deleted) {
                *p = b->next;
                g_free(b);
            } else {
                p = &b->next;
            }
        }
    }
    pthread_mutex_unlock(&bh_list_lock);
    return ran;
}
