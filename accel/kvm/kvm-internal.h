/*
 * KVM accelerator internals: VM and vCPU state, and the exit dispatcher.
 *
 * The dispatcher is a plain function of (memory space, port space, exit
 * record) so tests/unit/test-kvm-exit.c drives it with synthetic records
 * and no /dev/kvm.
 */
#ifndef ACCEL_KVM_INTERNAL_H
#define ACCEL_KVM_INTERNAL_H

#include "emu/common.h"
#include "emu/accel.h"
#include "emu/machine.h"
#include "emu/memory.h"

#include <linux/kvm.h>

/* The signal that kicks a vCPU thread out of KVM_RUN (no-op handler). */
#define KVM_SIG_KICK SIGUSR1

/* Addresses QEMU gives KVM for VT-x real-mode emulation: three pages of
 * TSS and one page of identity page table, just below the BIOS. */
#define KVM_TSS_ADDR          0xfeffd000ULL
#define KVM_IDENTITY_MAP_ADDR 0xfeffc000ULL

typedef struct KVMSlot {
    bool used;
    uint32_t id;
    uint64_t gpa;
    uint64_t size;
    void *host;
    uint32_t flags;
} KVMSlot;

typedef struct KVMState {
    int fd; /* /dev/kvm */
    int vm_fd;
    int run_size;        /* KVM_GET_VCPU_MMAP_SIZE */
    bool readonly_mem;   /* KVM_CAP_READONLY_MEM */
    bool immediate_exit; /* KVM_CAP_IMMEDIATE_EXIT */
    bool vcpu_events;    /* KVM_CAP_VCPU_EVENTS */
    bool debugregs;      /* KVM_CAP_DEBUGREGS */
    bool xsave;          /* KVM_CAP_XSAVE: FPU/SSE through XSAVE */
    int max_slots;
    KVMSlot *slots;
    int nr_slots; /* entries allocated in slots[] */
    MemoryListener listener;
    struct kvm_cpuid2 *supported_cpuid;
    Machine *machine;
} KVMState;

typedef struct KVMVCPU {
    int fd;
    struct kvm_run *run;
    CPUState *cpu;
    pthread_t thread; /* the thread running vcpu_exec */
    volatile bool thread_known;
    bool sigmask_done;
    /* MSRs this host's KVM accepts, found by probing at vcpu_init. */
    uint32_t msr_index[64];
    int nr_msrs;
    uint64_t tsc_at_get; /* env->tsc as read: unchanged -> not put */
    bool tsc_valid;
    struct kvm_vcpu_events events;
    bool events_valid;
    uint64_t events_rip, events_csbase; /* where events were read */
} KVMVCPU;

typedef enum KVMExitAction {
    KVM_EXIT_ACT_CONTINUE, /* handled: enter the guest again */
    KVM_EXIT_ACT_HALT,     /* HLT */
    KVM_EXIT_ACT_SHUTDOWN, /* triple fault, or a reset system event */
    KVM_EXIT_ACT_INTR,     /* KVM_EXIT_INTR: look at the requests */
    KVM_EXIT_ACT_ERROR,    /* can't go on: FAIL_ENTRY, INTERNAL_ERROR... */
} KVMExitAction;

/*
 * Handle one exit described by run (run_size bytes, including the data
 * area string I/O points into with data_offset).  I/O exits go to as_io,
 * MMIO exits to as_mem; for reads the result is stored back into run for
 * the next KVM_RUN to complete the instruction.  The caller holds the
 * global lock for KVM_EXIT_IO and KVM_EXIT_MMIO (see kvm_exit_needs_bql).
 */
KVMExitAction kvm_dispatch_exit(AddressSpace *as_mem, AddressSpace *as_io,
                                struct kvm_run *run, size_t run_size);
bool kvm_exit_needs_bql(const struct kvm_run *run);
const char *kvm_exit_reason_name(uint32_t reason);
/* Print what an ERROR exit says (reason, suberror, instruction bytes). */
void kvm_exit_describe(FILE *f, const struct kvm_run *run);

/*
 * The debugger (kvm-debug.c, emu/cpu-debug.h): KVM_SET_GUEST_DEBUG's
 * argument for a vCPU's breakpoints (0, -ENOSPC beyond four, -ENOSYS for a
 * read-only watchpoint, -EINVAL for a bad length); what a KVM_EXIT_DEBUG
 * means (false: not the debugger's); and the exit handled (the hit
 * recorded, the machine asked to stop).
 */
int kvm_debug_build(const CPUDebugState *d, struct kvm_guest_debug *dbg);
bool kvm_debug_decode(const CPUDebugState *d,
                      const struct kvm_debug_exit_arch *a, CPUDebugHit *hit);
bool kvm_debug_handle_exit(CPUState *cpu, const struct kvm_debug_exit_arch *a);

/* Segment conversion, shared with tests. */
void kvm_seg_from_cache(struct kvm_segment *ks, const SegmentCache *sc,
                        bool vm86);
void kvm_seg_to_cache(SegmentCache *sc, const struct kvm_segment *ks);

#endif
