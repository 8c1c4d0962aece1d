/*
 * target-i386's TCGCPUOps hooks that live outside tcg-cpu.c (the table):
 * the memory side, in mem-helper.c.
 */
#ifndef TARGET_I386_TCG_CPU_H
#define TARGET_I386_TCG_CPU_H

#include "accel/tcg/tcg-cpu-ops.h"

/* MMU index of the current privilege: 0 supervisor, 1 user (CPL 3). */
int x86_mmu_index(CPUX86State *env);
/* The page walk for the TLB (target-i386/mmu.c), #PF with CR2 on a fault. */
void x86_tlb_fill(CPUX86State *env, uint64_t addr, MMUAccessType access,
                  int mmu_idx, uintptr_t retaddr, TCGTLBFill *out);
/* Data breakpoints (DR0-DR3 with R/W 01 or 11). */
bool x86_page_watched(CPUX86State *env, uint64_t page);
void x86_check_watchpoint(CPUX86State *env, uint64_t addr, int size,
                          bool write);

#endif
