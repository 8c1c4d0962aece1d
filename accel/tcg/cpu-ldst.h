/*
 * The softmmu's public loads and stores, for target helpers: guest memory
 * by linear address through the software TLB (filled on a miss, faults
 * raised as the target's tlb_fill says).  ra is the host return address
 * inside generated code for a precise fault, or 0 from a helper that
 * stored the guest state first.  Accesses may cross a page.  Addresses
 * are 64 bits and never wrap here: a target whose linear addresses are
 * 32 bits wraps them itself (an access across 4 GiB too).
 */
#ifndef ACCEL_TCG_CPU_LDST_H
#define ACCEL_TCG_CPU_LDST_H

#include "accel/tcg/tcg-cpu-ops.h"

uint32_t cpu_ldub_mmuidx_ra(CPUArchState *env, uint64_t addr, int mmu_idx,
                            uintptr_t ra);
uint32_t cpu_lduw_mmuidx_ra(CPUArchState *env, uint64_t addr, int mmu_idx,
                            uintptr_t ra);
uint32_t cpu_ldl_mmuidx_ra(CPUArchState *env, uint64_t addr, int mmu_idx,
                           uintptr_t ra);
uint64_t cpu_ldq_mmuidx_ra(CPUArchState *env, uint64_t addr, int mmu_idx,
                           uintptr_t ra);
void cpu_stb_mmuidx_ra(CPUArchState *env, uint64_t addr, uint32_t val,
                       int mmu_idx, uintptr_t ra);
void cpu_stw_mmuidx_ra(CPUArchState *env, uint64_t addr, uint32_t val,
                       int mmu_idx, uintptr_t ra);
void cpu_stl_mmuidx_ra(CPUArchState *env, uint64_t addr, uint32_t val,
                       int mmu_idx, uintptr_t ra);
void cpu_stq_mmuidx_ra(CPUArchState *env, uint64_t addr, uint64_t val,
                       int mmu_idx, uintptr_t ra);

/* A code byte for the decoder, in the current mode's MMU index. */
uint8_t cpu_ldub_code(CPUArchState *env, uint64_t addr);

/*
 * The host address of addr when its TLB entry is present and lets this
 * access go straight to RAM (no MMIO, no code to invalidate, no
 * watchpoint), else NULL.  Never fills the TLB and never faults: for bulk
 * helpers that fall back to the accessors above.
 */
void *tlb_vaddr_to_host(CPUArchState *env, uint64_t addr, MMUAccessType access,
                        int mmu_idx);

/* Drop every TLB entry (and the jump cache keyed by linear address): the
 * target changed its page tables' root or its paging mode. */
void tlb_flush(CPUArchState *env);
/* Drop the entries of addr's page in every MMU mode (x86 INVLPG), and the
 * jump cache. */
void tlb_flush_page(CPUArchState *env, uint64_t addr);

#endif
