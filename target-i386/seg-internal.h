/*
 * What helper-seg.c (segmentation, interrupts, far transfers, task
 * switches) shares with helper-lm.c (their IA-32e forms) and helper-misc.c
 * (LLDT/LTR): descriptor table access and the privilege checks both
 * modes use.  Internal to target-i386's helpers.
 */
#ifndef TARGET_I386_SEG_INTERNAL_H
#define TARGET_I386_SEG_INTERNAL_H

#include "target-i386/tcg-x86.h"

/* Descriptor types (system descriptors, S = 0).  In IA-32e mode 9/11 are
 * the 64-bit TSS, 12 the 64-bit call gate, 14/15 the 64-bit interrupt and
 * trap gates (16 bytes each); 1, 3-7 are invalid there. */
#define T_TSS16_AVAIL 1
#define T_LDT 2
#define T_TSS16_BUSY 3
#define T_CALLGATE16 4
#define T_TASKGATE 5
#define T_INTGATE16 6
#define T_TRAPGATE16 7
#define T_TSS32_AVAIL 9
#define T_TSS32_BUSY 11
#define T_CALLGATE32 12
#define T_INTGATE32 14
#define T_TRAPGATE32 15

static inline int cpl_of(CPUX86State *env)
{
    return env->hflags & HF_CPL_MASK;
}

static inline int dpl_of(uint32_t e2)
{
    return (e2 >> DESC_DPL_SHIFT) & 3;
}

static inline int type_of(uint32_t e2)
{
    return (e2 >> DESC_TYPE_SHIFT) & 0xf;
}

static inline EMU_NORETURN void fault(CPUX86State *env, int vec,
                                      uint32_t err)
{
    x86_raise_exception_err(env, vec, err);
}

/*
 * A 48-bit canonical address: bits 63-47 all equal (SDM vol. 1, 3.3.7.1).
 * (mmu64 adds x86_is_canonical to mmu.h; this one stays local to the
 * helpers until then.)
 */
static inline bool seg_canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* Descriptor sel's two dwords; -1 if outside its table (or null LDT). */
int seg_load_descriptor(CPUX86State *env, uint32_t sel, uint32_t *e1,
                        uint32_t *e2);
void seg_store_e2(CPUX86State *env, uint32_t sel, uint32_t e2);
uint32_t seg_desc_base(uint32_t e1, uint32_t e2);
uint32_t seg_desc_limit(uint32_t e1, uint32_t e2);
void seg_load_cache(SegmentCache *sc, uint32_t sel, uint32_t e1,
                    uint32_t e2);
void seg_set_accessed(CPUX86State *env, uint32_t sel, uint32_t *e2);
void seg_null_seg(SegmentCache *sc, uint32_t sel);
/* After a return to an outer level cpl: DS/ES/FS/GS it may not use. */
void seg_null_outer_segs(CPUX86State *env, int cpl);
/* Load CS at privilege cpl (the RPL written into the selector). */
void seg_set_cs(CPUX86State *env, uint32_t sel, uint32_t e1, uint32_t e2,
                int cpl);
/* Far JMP/CALL straight to a code segment: conforming/DPL/RPL, present. */
void seg_check_direct_code(CPUX86State *env, uint32_t sel, uint32_t e2);
/* Code segment named by a call gate (first dword ge1). */
void seg_gate_code(CPUX86State *env, uint32_t ge1, uint32_t *csel,
                   uint32_t *e1, uint32_t *e2);
/* Gate or TSS reached by far JMP/CALL: DPL >= CPL and RPL, present. */
void seg_check_gate_dpl(CPUX86State *env, uint32_t sel, uint32_t e2);
/* Far JMP/CALL target descriptor: #GP(0) null, #GP(sel) outside table. */
void seg_load_far_target(CPUX86State *env, uint32_t sel, uint32_t *e1,
                         uint32_t *e2);
/* CS and SS of a far RET / IRET to privilege rpl (SDM vol. 2 RET). */
void seg_check_return_cs(CPUX86State *env, uint32_t sel, uint32_t *e1,
                         uint32_t *e2);
void seg_check_return_ss(CPUX86State *env, uint32_t ss, int rpl,
                         uint32_t *e1, uint32_t *e2);

/* helper-lm.c: the IA-32e (EFER.LMA) forms, called by helper-seg.c and
 * helper-misc.c once they see HF_LMA. */
void lm_do_interrupt(CPUX86State *env, int vector, bool is_sw, bool has_err,
                     int error_code, uint64_t ret_rip);
void lm_iret(CPUX86State *env, uint32_t size);
void lm_lret(CPUX86State *env, uint32_t size, uint32_t imm);
void lm_ljmp(CPUX86State *env, uint32_t sel, uint64_t rip);
void lm_lcall(CPUX86State *env, uint32_t sel, uint64_t rip, uint32_t size,
              uint64_t next_rip);
void lm_lldt_ltr(CPUX86State *env, uint32_t sel, uint32_t which);

#endif
