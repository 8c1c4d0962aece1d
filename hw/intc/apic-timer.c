/*
 * The local APIC timer (Intel SDM vol. 3A, 11.5.4): one-shot, periodic and
 * TSC-deadline modes on CLOCK_VIRTUAL.
 *
 * The bus clock is 1 GHz (a count every divisor nanoseconds).  The count
 * is computed from the clock: it was timer_base_count at timer_base_ns,
 * and a periodic timer reloads the initial count each time it reaches
 * zero.  A Timer is armed only for the next zero (or for the TSC
 * deadline); changes of the divide configuration or the mode restart the
 * count from its current value.
 *
 * The TSC is env.tsc + CLOCK_VIRTUAL ns (target-i386's RDTSC).
 *
 * Deviation, on purpose: a periodic timer with a period under 10 us raises
 * its interrupt at most every 10 us (the count still reads as the period
 * says; the interrupts would only coalesce in the IRR): a guest cannot
 * make emu spend all its time in timer callbacks.
 */
#include "emu/common.h"
#include "emu/log.h"
#include "emu/timer.h"
#include "hw/intc/apic-internal.h"
#include "target-i386/cpuid.h"

int apic_timer_mode(const APICState *s)
{
    return (s->lvt[APIC_LVT_TIMER] & LVT_TIMER_MODE_MASK) >>
           LVT_TIMER_MODE_SHIFT;
}

/* Nanoseconds per count: the 1 GHz clock through the divide configuration
 * (11.5.4: bits 0, 1 and 3; 111b is divide by 1). */
unsigned apic_timer_divisor(const APICState *s)
{
    unsigned v = (s->dcr & 3) | ((s->dcr >> 1) & 4);
    return 1u << ((v + 1) & 7);
}

/* The count at now: computed from the clock, never ticked. */
uint32_t apic_current_count(const APICState *s, int64_t now)
{
    uint64_t ticks;

    if (apic_timer_mode(s) == TIMER_TSC_DEADLINE || !s->timer_base_count) {
        return 0;
    }
    ticks = (uint64_t)(now - s->timer_base_ns) / apic_timer_divisor(s);
    if (ticks < s->timer_base_count) {
        return s->timer_base_count - ticks;
    }
    if (apic_timer_mode(s) != TIMER_PERIODIC || !s->initial_count) {
        return 0;
    }
    return s->initial_count - (ticks - s->timer_base_count) % s->initial_count;
}

static uint64_t apic_tsc_offset(const APICState *s)
{
    return s->cpu->env.tsc;
}

/* Arm the timer for the next time the count reaches zero (or the TSC
 * reaches the deadline). */
void apic_timer_arm(APICState *s)
{
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    int64_t div = apic_timer_divisor(s);

    if (!apic_hw_enabled(s)) {
        timer_del(&s->timer);
        return;
    }
    if (apic_timer_mode(s) == TIMER_TSC_DEADLINE) {
        if (!s->tsc_deadline) {
            timer_del(&s->timer);
            return;
        }
        /* The TSC is env.tsc + CLOCK_VIRTUAL ns. */
        uint64_t off = apic_tsc_offset(s);
        int64_t when =
            s->tsc_deadline <= off
                ? 0
                : (int64_t)MIN(s->tsc_deadline - off, (uint64_t)INT64_MAX / 2);
        timer_mod_ns(&s->timer, MAX(when, now));
        return;
    }
    if (!s->timer_base_count) {
        timer_del(&s->timer);
        return;
    }
    int64_t first = s->timer_base_ns + (int64_t)s->timer_base_count * div;
    if (first > now) {
        timer_mod_ns(&s->timer, first);
    } else if (apic_timer_mode(s) == TIMER_PERIODIC && s->initial_count) {
        int64_t period = (int64_t)s->initial_count * div;
        /* A very short period fires no more often than the minimum: the
         * interrupts it would add only coalesce in the IRR. */
        int64_t from = period < APIC_TIMER_MIN_PERIOD_NS
                           ? now + APIC_TIMER_MIN_PERIOD_NS - 1
                           : now;
        int64_t k = (from - first) / period + 1;
        timer_mod_ns(&s->timer, first + k * period);
    } else {
        /* One-shot, the count reached zero but the interrupt was not
         * delivered yet (a state saved or a register written between
         * the expiry and the timer's callback): deliver it now.
         * Deleting the timer lost it, and a tickless guest that waits
         * for it never programs the timer again. */
        timer_mod_ns(&s->timer, now);
    }
}

/* Restart the count from its current value (divide or mode change). */
void apic_timer_rebase(APICState *s)
{
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);

    s->timer_base_count = apic_current_count(s, now);
    s->timer_base_ns = now;
}

void apic_timer_cb(void *opaque)
{
    APICState *s = opaque;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);

    if (apic_timer_mode(s) == TIMER_TSC_DEADLINE) {
        if (!s->tsc_deadline ||
            apic_tsc_offset(s) + (uint64_t)now < s->tsc_deadline) {
            apic_timer_arm(s);
            return;
        }
        s->tsc_deadline = 0; /* the deadline disarms itself (11.5.4.1) */
        apic_local_deliver(s, APIC_LVT_TIMER);
        return;
    }
    int64_t expiry =
        s->timer_base_ns + (int64_t)s->timer_base_count * apic_timer_divisor(s);
    if (!s->timer_base_count || now < expiry) {
        apic_timer_arm(s);
        return;
    }
    apic_local_deliver(s, APIC_LVT_TIMER);
    if (apic_timer_mode(s) == TIMER_ONESHOT) {
        s->timer_base_count = 0;
    }
    apic_timer_arm(s);
}

void apic_timer_disarm(APICState *s)
{
    s->initial_count = 0;
    s->timer_base_count = 0;
    s->tsc_deadline = 0;
    timer_del(&s->timer);
}

void apic_write_lvt_timer(APICState *s, uint32_t val)
{
    int old_mode = apic_timer_mode(s);
    int new_mode;

    if (!apic_cpu_has(s, CPUID_EXT_TSC_DEADLINE) &&
        ((val & LVT_TIMER_MODE_MASK) >> LVT_TIMER_MODE_SHIFT) ==
            TIMER_TSC_DEADLINE) {
        /* Without the CPUID feature bit 18 is reserved. */
        val &= ~(2u << LVT_TIMER_MODE_SHIFT);
    }
    apic_timer_rebase(s);
    s->lvt[APIC_LVT_TIMER] = val;
    new_mode = apic_timer_mode(s);
    if (new_mode == 3) {
        log_mask(LOG_GUEST_ERROR, "apic: reserved timer mode 3\n");
    }
    if ((old_mode == TIMER_TSC_DEADLINE) != (new_mode == TIMER_TSC_DEADLINE)) {
        /* Switching to or from TSC-deadline mode disarms (11.5.4.1). */
        apic_timer_disarm(s);
    }
    apic_timer_arm(s);
}
