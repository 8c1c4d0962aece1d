/*
 * Guest locked read-modify-writes (x86 LOCK, XCHG with memory) as host
 * atomics, for target helpers (accel/tcg/atomic.c).  Once vCPUs run
 * translated code at the same time, a locked RMW on guest RAM must be one
 * host atomic operation: tlb_atomic_host gives the host address for it.
 * Where there is none (MMIO, ROM, an access crossing a page or not
 * naturally aligned) tlb_atomic_rmw_slow does the read and the write under
 * one process-wide mutex (and the global lock if a part is not RAM):
 * those accesses are atomic against each other only, not against a host
 * atomic on the same bytes (QEMU stops every vCPU there instead).
 */
#ifndef ACCEL_TCG_ATOMIC_H
#define ACCEL_TCG_ATOMIC_H

#include "accel/tcg/tcg-cpu-ops.h"

/* The largest locked access (x86 CMPXCHG16B). */
#define TLB_ATOMIC_MAX 16

/*
 * Translates addr for a write of size bytes as a store would: faults
 * raised with retaddr (the helper's return address into the block, or 0
 * when it cannot name it: the helper stored the guest state first), the
 * target's A/D bits, watchpoints recorded.  Translated code on the page
 * is invalidated (a store into the running block restarts it first) and
 * the bytes are marked dirty for the dirty clients, before the access.
 * Returns the host address when the bytes are plain writable RAM within
 * one page and size-aligned; NULL otherwise (nothing changed then except
 * the TLB).
 */
void *tlb_atomic_host(CPUArchState *env, uint64_t addr, int size, int mmu_idx,
                      uintptr_t retaddr);

/*
 * The fallback: fn gets the size bytes at addr (little-endian order) in
 * buf, changes them in place, and they are written back, all under the
 * fallback mutex.  Faults (both pages checked for a write) come before
 * anything is read or written.  addr32: the address wraps at 4 GiB (a
 * 32-bit linear address).  ROM and unassigned space drop the write.
 */
typedef void TLBAtomicFn(uint8_t *buf, void *opaque);
void tlb_atomic_rmw_slow(CPUArchState *env, uint64_t addr, int size,
                         bool addr32, int mmu_idx, uintptr_t retaddr,
                         TLBAtomicFn *fn, void *opaque);

/* Counters for tests: fallback accesses taken. */
uint64_t tlb_atomic_slow_count(void);

#endif
