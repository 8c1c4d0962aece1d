/*
 * vCPU threads (include/emu/cpu.h): the generic run loop around an
 * accelerator's vcpu_exec, halting, pausing and kicking.
 *
 * A vCPU thread holds the global lock except inside vcpu_exec (where the
 * accelerator takes it around I/O).  Halted and paused vCPUs wait on their
 * halt_cond with the lock released.
 */
#include "emu/common.h"
#include "emu/accel.h"
#include "emu/cpu.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "emu/timer.h"

#include <sys/syscall.h>
#include <signal.h>
#include <unistd.h>

CPUState *first_cpu;
__thread CPUState *current_cpu;

static pthread_cond_t pause_cond = PTHREAD_COND_INITIALIZER;

/*
 * The caller has set its request (intr_level, stop_request...) first.  A
 * vCPU waiting on halt_cond, or between two vcpu_exec calls, looks at the
 * requests before it runs again, so the accelerator's kick (a signal and
 * a KVM_RUN that returns at once, expensive under KVM) is only for one
 * inside vcpu_exec.  The fence pairs with the one after the vCPU sets
 * in_exec: either we see in_exec, or it sees our request.
 */
void cpu_kick(CPUState *cpu)
{
    pthread_cond_broadcast(&cpu->halt_cond);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (cpu->accel && cpu->accel->vcpu_kick &&
        (__atomic_load_n(&cpu->in_exec, __ATOMIC_SEQ_CST) ||
         !cpu->thread)) {
        cpu->accel->vcpu_kick(cpu);
    }
}

void cpu_set_intr(CPUState *cpu, int level)
{
    bool rise = level && !cpu->intr_level;

    cpu->intr_level = level;
    /* A line already high was seen: the vCPU looks at it again wherever
     * interrupts may become deliverable (STI, IRET, POPF end a block; KVM
     * keeps asking for an interrupt window).  Kicking it again at every
     * timer edge only stops it making progress. */
    if (rise) {
        cpu_kick(cpu);
    }
}

void cpu_set_nmi(CPUState *cpu)
{
    cpu->nmi_request = true;
    cpu_kick(cpu);
}

void cpu_set_init(CPUState *cpu)
{
    /* A STARTUP not yet taken is older than this INIT: it goes. */
    cpu->sipi_request = false;
    cpu->init_request = true;
    cpu_kick(cpu);
}

void cpu_set_sipi(CPUState *cpu, uint8_t vector)
{
    cpu->sipi_vector = vector;
    cpu->sipi_request = true;
    cpu_kick(cpu);
}

void cpu_set_a20(CPUState *cpu, bool enabled)
{
    cpu->a20_enabled = enabled;
    cpu->env.a20_mask = enabled ? 0xffffffff : 0xffefffff;
}

static bool cpu_has_work(CPUState *cpu)
{
    if (cpu->init_request) {
        return true;
    }
    if (cpu->env.wait_sipi) {
        return cpu->sipi_request;
    }
    /* An NMI waits for the IRET of the previous one (SDM vol. 3, 6.7.1);
     * nmi_blocked is the translator's, KVM tracks blocking itself. */
    return (cpu->nmi_request && !cpu->env.nmi_blocked) ||
           (cpu->intr_level && (cpu->env.eflags & IF_MASK));
}

static bool on_vcpu_thread(CPUState *cpu)
{
    return cpu->thread && pthread_equal(pthread_self(), cpu->thread);
}

static bool cpus_running(void)
{
    return first_cpu && first_cpu->thread && !first_cpu->stopped;
}

void cpu_synchronize_state(CPUState *cpu)
{
    if (!cpu->accel || !cpu->accel->get_state || cpu->state_dirty) {
        return;
    }
    if (!on_vcpu_thread(cpu) && cpus_running()) {
        cpus_pause();
        cpu->accel->get_state(cpu);
        cpus_resume();
    } else {
        cpu->accel->get_state(cpu);
    }
}

void cpu_reset(CPUState *cpu)
{
    CPUX86State *env = &cpu->env;
    /* Keeps the CPUID model; EDX = signature (target-i386/cpu.c). */
    x86_cpu_reset_state(env);
    cpu->a20_enabled = true;
    env->a20_mask = 0xffffffff;
    cpu->intr_level = 0;
    cpu->nmi_request = false;
    cpu->init_request = false;
    cpu->sipi_request = false;
    cpu->state_dirty = true;
}

static void wait_on(pthread_cond_t *cond)
{
    bql_cond_wait(cond);
}

/*
 * INIT and STARTUP requests from the local APIC, on the vCPU thread
 * between two vcpu_exec calls: the registers come from the accelerator,
 * change as the SDM says, and go back before the next run.  A STARTUP
 * that finds the CPU not waiting for one is dropped, as on hardware.
 */
static void cpu_handle_init_sipi(CPUState *cpu)
{
    if (cpu->init_request) {
        cpu->init_request = false;
        cpu_synchronize_state(cpu);
        if (cpu->env.apic_ops && cpu->env.apic_ops->init) {
            cpu->env.apic_ops->init(cpu->env.apic);
        }
        x86_cpu_init_state(&cpu->env);
        cpu->nmi_request = false;
        cpu->state_dirty = true;
    }
    if (cpu->sipi_request) {
        uint8_t v = cpu->sipi_vector;
        cpu->sipi_request = false;
        if (cpu->env.wait_sipi) {
            cpu_synchronize_state(cpu);
            x86_cpu_sipi(&cpu->env, v);
            cpu->state_dirty = true;
        }
    }
}

static void *vcpu_thread_fn(void *arg)
{
    CPUState *cpu = arg;

    current_cpu = cpu;
    bql_lock();
    cpu->thread_id = (int)syscall(SYS_gettid);
    while (!cpu->exit_thread) {
        if (cpu->stop_request) {
            cpu->stopped = true;
            pthread_cond_broadcast(&pause_cond);
            wait_on(&cpu->halt_cond);
            continue;
        }
        cpu->stopped = false;
        if (cpu->init_request || cpu->sipi_request) {
            cpu_handle_init_sipi(cpu);
        }
        if ((cpu->env.halted || cpu->env.wait_sipi) && !cpu_has_work(cpu)) {
            wait_on(&cpu->halt_cond);
            continue;
        }
        cpu->env.halted = false;
        __atomic_store_n(&cpu->in_exec, true, __ATOMIC_SEQ_CST);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        bql_unlock();
        AccelExit r = cpu->accel->vcpu_exec(cpu);
        __atomic_store_n(&cpu->in_exec, false, __ATOMIC_SEQ_CST);
        bql_lock();
        switch (r) {
        case ACCEL_EXIT_KICKED:
            break;
        case ACCEL_EXIT_HALTED:
            /* The accelerator left env.eflags.IF current (all that
             * cpu_has_work needs); the other registers may stay in it
             * until cpu_synchronize_state asks. */
            cpu->env.halted = true;
            break;
        case ACCEL_EXIT_SHUTDOWN:
            log_mask(LOG_GUEST_ERROR, "CPU %d: triple fault\n", cpu->index);
            if (!opt_no_reboot) {
                error_report("CPU %d: triple fault, resetting the machine",
                             cpu->index);
            } else {
                error_report("CPU %d: triple fault (-no-reboot: exiting)",
                             cpu->index);
            }
            cpu->stop_request = true;
            system_reset_request(SHUTDOWN_CAUSE_GUEST_PANIC);
            break;
        case ACCEL_EXIT_ERROR:
            cpu->stop_request = true;
            system_shutdown_request(SHUTDOWN_CAUSE_HOST_ERROR, 1);
            break;
        }
    }
    cpu->stopped = true;
    pthread_cond_broadcast(&pause_cond);
    bql_unlock();
    return NULL;
}

static void kick_signal_handler(int sig)
{
    (void)sig;
}

int cpu_start(CPUState *cpu, Error **errp)
{
    static bool sig_installed;
    if (!sig_installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = kick_signal_handler;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR1, &sa, NULL);
        sig_installed = true;
    }
    pthread_cond_init(&cpu->halt_cond, NULL);
    int r = pthread_create(&cpu->thread, NULL, vcpu_thread_fn, cpu);
    if (r) {
        error_setg(errp, "cannot create vCPU thread: %s", strerror(r));
        return -r;
    }
    return 0;
}

void cpus_pause(void)
{
    Machine *m = current_machine;
    assert(bql_locked());
    for (int i = 0; i < m->nr_cpus; i++) {
        m->cpus[i]->stop_request = true;
        cpu_kick(m->cpus[i]);
    }
    for (int i = 0; i < m->nr_cpus; i++) {
        CPUState *cpu = m->cpus[i];
        while (cpu->thread && !cpu->stopped) {
            cpu_kick(cpu);
            bql_cond_timedwait_ms(&pause_cond, 10);
        }
    }
}

void cpus_resume(void)
{
    Machine *m = current_machine;
    for (int i = 0; i < m->nr_cpus; i++) {
        m->cpus[i]->stop_request = false;
        pthread_cond_broadcast(&m->cpus[i]->halt_cond);
    }
}

int cpus_start_all(Machine *m, bool paused, Error **errp)
{
    for (int i = 0; i < m->nr_cpus; i++) {
        if (paused) {
            m->cpus[i]->stop_request = true;
        }
        if (cpu_start(m->cpus[i], errp) < 0) {
            return -1;
        }
    }
    if (paused) {
        clock_vm_stop();
    }
    return 0;
}

void cpus_stop_all(void)
{
    Machine *m = current_machine;
    if (!m) {
        return;
    }
    for (int i = 0; i < m->nr_cpus; i++) {
        m->cpus[i]->exit_thread = true;
        m->cpus[i]->stop_request = true;
        cpu_kick(m->cpus[i]);
    }
    bql_unlock();
    for (int i = 0; i < m->nr_cpus; i++) {
        CPUState *cpu = m->cpus[i];
        if (cpu->thread) {
            while (pthread_tryjoin_np(cpu->thread, NULL) == EBUSY) {
                cpu_kick(cpu);
                usleep(1000);
            }
            cpu->thread = 0;
        }
    }
    bql_lock();
}
