/*
 * The debugger under KVM (emu/cpu-debug.h): breakpoints and watchpoints
 * in the four hardware debug registers KVM_SET_GUEST_DEBUG loads for the
 * guest (KVM_GUESTDBG_USE_HW_BP), single step with KVM_GUESTDBG_SINGLESTEP,
 * and the KVM_EXIT_DEBUG that reports a hit.  No guest memory is written:
 * gdb's Z0 breakpoints also take a debug register, so breakpoints and
 * watchpoints together are at most four.  x86 has no read-only data
 * breakpoint: Z3 is refused (as QEMU does under KVM); Z4 watches reads
 * and writes.
 *
 * The encoding and decoding are plain functions of the list, so that
 * tests/unit/test-kvm-debug.c checks them with synthetic exits (this
 * host's /dev/kvm may not run guests).
 */
#include "accel/kvm/kvm-internal.h"
#include "emu/cpu-debug.h"

/* DR7 R/W and LEN fields (SDM vol. 3, 17.2.4). */
static int dr7_rw(CPUBreakType type)
{
    switch (type) {
    case CPU_BP_SW:
    case CPU_BP_HW:
        return 0;
    case CPU_WP_WRITE:
        return 1;
    case CPU_WP_ACCESS:
        return 3;
    default:
        return -1;
    }
}

static int dr7_len(uint32_t len)
{
    switch (len) {
    case 1:
        return 0;
    case 2:
        return 1;
    case 8:
        return 2;
    case 4:
        return 3;
    default:
        return -1;
    }
}

int kvm_debug_build(const CPUDebugState *d, struct kvm_guest_debug *dbg)
{
    memset(dbg, 0, sizeof(*dbg));
    int n = d->nbp + d->nwp;
    if (n > 4) {
        return -ENOSPC;
    }
    uint64_t dr7 = 0;
    for (int i = 0; i < n; i++) {
        const CPUBreakpoint *b = &d->bp[i];
        int rw = dr7_rw(b->type);
        int len = rw == 0 ? 0 : dr7_len(b->len);
        if (rw < 0) {
            return -ENOSYS;
        }
        if (len < 0) {
            return -EINVAL;
        }
        dbg->arch.debugreg[i] = b->addr;
        dr7 |= 2ull << (i * 2); /* G: global enable */
        dr7 |= (uint64_t)(rw | len << 2) << (16 + i * 4);
    }
    if (n > 0) {
        dbg->control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP;
        dbg->arch.debugreg[7] = dr7 | 0x400; /* bit 10 reads as one */
    }
    if (d->singlestep) {
        dbg->control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
    }
    return 0;
}

bool kvm_debug_decode(const CPUDebugState *d,
                      const struct kvm_debug_exit_arch *a, CPUDebugHit *hit)
{
    memset(hit, 0, sizeof(*hit));
    if (!d->active) {
        return false;
    }
    int n = d->nbp + d->nwp;
    /* B0-B3: which register (the same order kvm_debug_build used). */
    for (int i = 0; i < n && i < 4; i++) {
        if (a->dr6 & (1u << i)) {
            hit->valid = true;
            hit->type = d->bp[i].type;
            hit->addr = d->bp[i].addr;
            return true;
        }
    }
    /* BS: the end of a single step. */
    if (d->singlestep && (a->dr6 & (1u << 14))) {
        hit->valid = true;
        hit->type = CPU_BP_SW;
        hit->step = true;
        return true;
    }
    return false;
}

bool kvm_debug_handle_exit(CPUState *cpu, const struct kvm_debug_exit_arch *a)
{
    CPUDebugHit hit;
    if (!kvm_debug_decode(&cpu->debug, a, &hit)) {
        return false;
    }
    cpu_debug_report_hit(cpu, hit.type, hit.step, hit.addr);
    return true;
}
