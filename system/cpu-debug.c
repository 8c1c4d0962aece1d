/*
 * The debugger's breakpoints and watchpoints on a vCPU (emu/cpu-debug.h):
 * the list, and the accelerator told after each change.  The list is
 * small (gdb inserts a handful), so a linear scan is enough; the
 * accelerators look at it only while cpu->debug.active.
 */
#include "emu/common.h"
#include "emu/accel.h"
#include "emu/cpu.h"
#include "emu/cpu-debug.h"
#include "emu/runstate.h"

static bool is_watch(CPUBreakType type)
{
    return type >= CPU_WP_WRITE;
}

static int update(CPUState *cpu)
{
    CPUDebugState *d = &cpu->debug;
    d->active = d->singlestep || d->nbp > 0 || d->nwp > 0;
    if (!cpu->accel || !cpu->accel->update_guest_debug) {
        return cpu->accel ? -ENOSYS : 0;
    }
    return cpu->accel->update_guest_debug(cpu);
}

static int find(const CPUDebugState *d, CPUBreakType type, uint64_t addr,
                uint32_t len)
{
    int n = d->nbp + d->nwp;
    for (int i = 0; i < n; i++) {
        if (d->bp[i].type == type && d->bp[i].addr == addr &&
            (!is_watch(type) || d->bp[i].len == len)) {
            return i;
        }
    }
    return -1;
}

static void drop(CPUDebugState *d, int i)
{
    int n = d->nbp + d->nwp;
    if (is_watch(d->bp[i].type)) {
        d->nwp--;
    } else {
        d->nbp--;
    }
    memmove(&d->bp[i], &d->bp[i + 1], (n - i - 1) * sizeof(d->bp[0]));
}

int cpu_debug_insert(CPUState *cpu, CPUBreakType type, uint64_t addr,
                     uint32_t len)
{
    CPUDebugState *d = &cpu->debug;
    if (type < CPU_BP_SW || type > CPU_WP_ACCESS) {
        return -EINVAL;
    }
    if (is_watch(type)) {
        /* x86 watches 1, 2, 4 or 8 aligned bytes; gdb splits the rest. */
        if ((len != 1 && len != 2 && len != 4 && len != 8) ||
            (addr & (len - 1))) {
            return -EINVAL;
        }
    } else {
        len = 1;
    }
    if (find(d, type, addr, len) >= 0) {
        return 0; /* gdb may insert twice; one is enough */
    }
    if (d->nbp + d->nwp >= CPU_DEBUG_MAX) {
        return -ENOSPC;
    }
    d->bp[d->nbp + d->nwp] = (CPUBreakpoint){type, addr, len};
    if (is_watch(type)) {
        d->nwp++;
    } else {
        d->nbp++;
    }
    int r = update(cpu);
    if (r < 0) {
        drop(d, d->nbp + d->nwp - 1);
        update(cpu);
    }
    return r;
}

int cpu_debug_remove(CPUState *cpu, CPUBreakType type, uint64_t addr,
                     uint32_t len)
{
    CPUDebugState *d = &cpu->debug;
    if (is_watch(type) && len != 1 && len != 2 && len != 4 && len != 8) {
        return -EINVAL;
    }
    int i = find(d, type, addr, is_watch(type) ? len : 1);
    if (i < 0) {
        return -ENOENT;
    }
    drop(d, i);
    return update(cpu);
}

void cpu_debug_remove_all(CPUState *cpu)
{
    CPUDebugState *d = &cpu->debug;
    if (!d->active) {
        return;
    }
    d->nbp = d->nwp = 0;
    d->singlestep = false;
    update(cpu);
}

int cpu_debug_set_singlestep(CPUState *cpu, bool on)
{
    if (cpu->debug.singlestep == on) {
        return 0;
    }
    cpu->debug.singlestep = on;
    return update(cpu);
}

bool cpu_debug_take_hit(CPUState *cpu, CPUDebugHit *hit)
{
    *hit = cpu->debug.hit;
    cpu->debug.hit.valid = false;
    return hit->valid;
}

void cpu_debug_clear_hit(CPUState *cpu)
{
    cpu->debug.hit.valid = false;
}

bool cpu_debug_bp_at(const CPUState *cpu, uint64_t lin)
{
    const CPUDebugState *d = &cpu->debug;
    for (int i = 0; i < d->nbp + d->nwp; i++) {
        if (!is_watch(d->bp[i].type) && d->bp[i].addr == lin) {
            return true;
        }
    }
    return false;
}

bool cpu_debug_page_watched(const CPUState *cpu, uint64_t page)
{
    const CPUDebugState *d = &cpu->debug;
    for (int i = 0; d->nwp && i < d->nbp + d->nwp; i++) {
        const CPUBreakpoint *b = &d->bp[i];
        if (is_watch(b->type) && (b->addr & ~(uint64_t)0xfff) == page) {
            return true; /* aligned: never crosses a page */
        }
    }
    return false;
}

const CPUBreakpoint *cpu_debug_watch_hit(const CPUState *cpu, uint64_t addr,
                                         int size, bool write)
{
    const CPUDebugState *d = &cpu->debug;
    for (int i = 0; d->nwp && i < d->nbp + d->nwp; i++) {
        const CPUBreakpoint *b = &d->bp[i];
        if (!is_watch(b->type) || (b->type == CPU_WP_WRITE && !write) ||
            (b->type == CPU_WP_READ && write)) {
            continue;
        }
        /* Inclusive ends: a watchpoint at the top of the 64-bit space
         * does not overflow. */
        if (addr <= b->addr + (b->len - 1) &&
            b->addr <= addr + (uint64_t)(size - 1)) {
            return b;
        }
    }
    return NULL;
}

void cpu_debug_report_hit(CPUState *cpu, CPUBreakType type, bool step,
                          uint64_t addr)
{
    /* The first reason wins: a watchpoint hit during a step is what gdb
     * must hear. */
    if (!cpu->debug.hit.valid) {
        cpu->debug.hit = (CPUDebugHit){true, type, step, addr};
    }
    vm_stop_request(RUN_STATE_DEBUG);
}
