/*
 * The "qtest" accelerator: the machine is built as usual, but its vCPUs
 * never run an instruction (QEMU's accel/qtest).  A device test drives the
 * buses from outside through the qtest protocol (system/qtest.c), and the
 * virtual clock moves only when the test says (test mode, emu/timer.h).
 *
 * vcpu_exec waits until it is kicked (a pause, a reset, an INIT, a raised
 * INTR) and returns ACCEL_EXIT_KICKED, so the generic vCPU loop
 * (system/cpus.c) handles the requests as under any accelerator, and a
 * pending interrupt nobody takes does not spin.
 */
#include "emu/common.h"
#include "emu/accel.h"
#include "emu/timer.h"

#include <pthread.h>

typedef struct QTestCPU {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool kicked;
} QTestCPU;

static bool qtest_accel_available(const char **why)
{
    return true;
}

static int qtest_accel_init(Machine *m, Error **errp)
{
    /* main() does it before anything arms a timer (ACCEL_CAP_TEST_CLOCK:
     * it drops armed timers); a machine built by other code gets it here. */
    if (!clock_test_mode()) {
        clock_enable_test_mode();
    }
    return 0;
}

static int qtest_vcpu_init(CPUState *cpu, Error **errp)
{
    QTestCPU *q = calloc(1, sizeof(*q));
    if (!q) {
        error_setg(errp, "out of memory");
        return -1;
    }
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->cond, NULL);
    cpu->accel_state = q;
    return 0;
}

/* Whether the vCPU loop has something to act on (set before the kick). */
static bool qtest_vcpu_has_request(CPUState *cpu)
{
    return cpu->stop_request || cpu->exit_thread || cpu->init_request ||
           cpu->sipi_request || cpu->reset_request;
}

static AccelExit qtest_vcpu_exec(CPUState *cpu)
{
    QTestCPU *q = cpu->accel_state;

    pthread_mutex_lock(&q->lock);
    while (!q->kicked && !qtest_vcpu_has_request(cpu)) {
        pthread_cond_wait(&q->cond, &q->lock);
    }
    q->kicked = false;
    pthread_mutex_unlock(&q->lock);
    return ACCEL_EXIT_KICKED;
}

static void qtest_vcpu_kick(CPUState *cpu)
{
    QTestCPU *q = cpu->accel_state;

    if (!q) {
        return;
    }
    pthread_mutex_lock(&q->lock);
    q->kicked = true;
    pthread_cond_signal(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

static void qtest_vcpu_destroy(CPUState *cpu)
{
    QTestCPU *q = cpu->accel_state;

    if (q) {
        pthread_mutex_destroy(&q->lock);
        pthread_cond_destroy(&q->cond);
        free(q);
        cpu->accel_state = NULL;
    }
}

static const AccelOps qtest_accel_ops = {
    .name = "qtest",
    .desc = "no guest code runs: device tests over the qtest protocol",
    .noun = "qtest",
    /* It runs nothing, so any model's CPUID is fine; QEMU's default
     * (qemu64) included.  -cpu host needs a hypervisor's CPUID. */
    .caps = ACCEL_CAP_LONG_MODE | ACCEL_CAP_TEST_CLOCK,
    /* Never chosen without -accel qtest or -qtest. */
    .priority = -100,
    .available = qtest_accel_available,
    .init = qtest_accel_init,
    .vcpu_init = qtest_vcpu_init,
    .vcpu_exec = qtest_vcpu_exec,
    .vcpu_kick = qtest_vcpu_kick,
    .vcpu_destroy = qtest_vcpu_destroy,
};
ACCEL_REGISTER(qtest_accel_ops);
