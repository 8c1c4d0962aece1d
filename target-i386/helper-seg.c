/*
 * Segmentation, interrupts, far transfers and task switches for the
 * translator (Intel SDM vol. 3: 3.4 segment descriptors, 5.5-5.8 privilege
 * checks and call gates, chapter 6 interrupt and exception handling, chapter
 * 7 task management, 20.2-20.3 virtual-8086 mode; vol. 2: CALL, JMP, RET,
 * IRET, INT n, MOV Sreg).
 *
 * CPL lives in env->hflags (the DPL of SS, as x86_update_hflags derives
 * it), so a transfer that changes privilege loads CS and SS through
 * seg_load_cache() and recomputes hflags only once both are in place.
 *
 * Descriptor tables, the TSS and inner stacks are accessed as supervisor
 * (x86_ld_sys) whatever the CPL, so user-mode code under paging can take
 * interrupts and call gates.
 *
 * Not modelled: stack-limit checks on pushes and pops (#SS for a stack
 * that overflows its segment), the I/O permission bitmap (helper-misc.c),
 * VME (CR4.VME is treated as clear), 16-bit TSS fields beyond the 286
 * layout.
 */
#include "emu/common.h"
#include "emu/trace.h"
#include "target-i386/helper.h"
#include "target-i386/seg-internal.h"

/* Sources of a task switch (SDM 7.3, table 7-2). */
enum { TS_JMP, TS_CALL, TS_IRET, TS_INT };

/* ---- stack access with a given SS size ---- */

static inline uint32_t sp_mask_of(uint32_t flags)
{
    return (flags & DESC_B_MASK) ? ~0u : 0xffff;
}

static inline uint32_t sp_mask(CPUX86State *env)
{
    return (env->hflags & HF_SS32) ? ~0u : 0xffff;
}

/*
 * The SS limit and rights for an access to the current stack: #SS(0),
 * SDM vol. 3, 6.15.  Protected mode: what SS's check mode asks for
 * (nothing for a flat SS).  Real and V86 mode: the limit, as the inline
 * PUSH/POP check it, so that a word at SP = FFFF faults in far CALL/RET,
 * IRET and interrupt frames too (SDM vol. 2, CALL, RET, IRET, INT n:
 * #SS in real-address and virtual-8086 mode).
 */
static void check_stack(CPUX86State *env, uint32_t off, int size, bool write)
{
    check_seg_range(env, R_SS, off, size, write);
}

static void push(CPUX86State *env, uint32_t *sp, uint32_t mask, int size,
                 uint32_t ssbase, uint32_t val)
{
    *sp = (*sp - size) & mask;
    check_stack(env, *sp, size, true);
    x86_st(env, ssbase + *sp, size, val);
}

/* Push onto an inner (more privileged) stack: supervisor access. */
static void push_sys(CPUX86State *env, uint32_t *sp, uint32_t mask,
                     int size, uint32_t ssbase, uint32_t val)
{
    *sp = (*sp - size) & mask;
    x86_st_sys(env, ssbase + *sp, size, val);
}

static void push_lvl(CPUX86State *env, bool sys, uint32_t *sp, uint32_t mask,
                     int size, uint32_t ssbase, uint32_t val)
{
    if (sys) {
        push_sys(env, sp, mask, size, ssbase, val);
    } else {
        push(env, sp, mask, size, ssbase, val);
    }
}

static uint32_t pop(CPUX86State *env, uint32_t *sp, uint32_t mask, int size,
                    uint32_t ssbase)
{
    check_stack(env, *sp & mask, size, false);
    uint32_t v = x86_ld(env, ssbase + (*sp & mask), size);
    *sp = (*sp + size) & mask;
    return v;
}

static void set_sp(CPUX86State *env, uint32_t sp, uint32_t mask)
{
    env->regs[R_ESP] = (env->regs[R_ESP] & ~(uint64_t)mask) | (sp & mask);
}

/* ---- descriptors ---- */

int seg_load_descriptor(CPUX86State *env, uint32_t sel, uint32_t *e1,
                           uint32_t *e2)
{
    SegmentCache *dt = (sel & 4) ? &env->ldt : &env->gdt;
    uint32_t idx = sel & ~7u;
    if ((sel & 4) && (env->ldt.selector & ~3u) == 0) {
        return -1;
    }
    if (idx + 7 > dt->limit) {
        return -1;
    }
    *e1 = x86_ld_sys(env, dt->base + idx, 4);
    *e2 = x86_ld_sys(env, dt->base + idx + 4, 4);
    return 0;
}

void seg_store_e2(CPUX86State *env, uint32_t sel, uint32_t e2)
{
    SegmentCache *dt = (sel & 4) ? &env->ldt : &env->gdt;
    x86_st_sys(env, dt->base + (sel & ~7u) + 4, 4, e2);
}

uint32_t seg_desc_base(uint32_t e1, uint32_t e2)
{
    return (e1 >> 16) | ((e2 & 0xff) << 16) | (e2 & 0xff000000);
}

uint32_t seg_desc_limit(uint32_t e1, uint32_t e2)
{
    uint32_t limit = (e1 & 0xffff) | (e2 & 0x000f0000);
    if (e2 & DESC_G_MASK) {
        limit = (limit << 12) | 0xfff;
    }
    return limit;
}

void seg_load_cache(SegmentCache *sc, uint32_t sel, uint32_t e1,
                       uint32_t e2)
{
    sc->selector = sel;
    sc->base = seg_desc_base(e1, e2);
    sc->limit = seg_desc_limit(e1, e2);
    sc->flags = e2 & 0x00f0ff00;
}

void seg_set_accessed(CPUX86State *env, uint32_t sel, uint32_t *e2)
{
    if (!(*e2 & DESC_A_MASK)) {
        *e2 |= DESC_A_MASK;
        seg_store_e2(env, sel, *e2);
    }
}

void seg_null_seg(SegmentCache *sc, uint32_t sel)
{
    sc->selector = sel;
    sc->base = 0;
    sc->limit = 0;
    sc->flags = 0;
}

/* V86 segment: base = sel << 4, 64 KiB, writable, DPL 3 (SDM 20.1.1). */
static void load_seg_vm(CPUX86State *env, int seg, uint32_t sel)
{
    sel &= 0xffff;
    env->segs[seg].selector = sel;
    env->segs[seg].base = sel << 4;
    env->segs[seg].limit = 0xffff;
    env->segs[seg].flags = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK |
                           DESC_A_MASK | (3 << DESC_DPL_SHIFT) |
                           (seg == R_CS ? DESC_CS_MASK : 0);
}

/*
 * The checks of MOV Sreg / POP Sreg / LDS... for a data segment register
 * or SS at privilege cpl; vec_np is the not-present vector, vec the other
 * faults' (#GP normally, #TS during a task switch); ext goes into the
 * error code.
 */
static void load_data_seg(CPUX86State *env, int seg, uint32_t sel, int cpl,
                          int vec, int vec_np, int ext)
{
    uint32_t e1, e2;
    sel &= 0xffff;
    if ((sel & ~3u) == 0) {
        if (seg == R_SS) {
            /* 64-bit mode allows a null SS below ring 3 (SDM vol. 2, MOV:
             * RPL = CPL); its DPL stays the CPL, which hflags derive. */
            if (!(env->hflags & HF_CS64) || cpl == 3 ||
                (int)(sel & 3) != cpl) {
                fault(env, vec, ext);
            }
            seg_null_seg(&env->segs[seg], sel);
            env->segs[seg].flags = (uint32_t)cpl << DESC_DPL_SHIFT;
            return;
        }
        seg_null_seg(&env->segs[seg], sel);
        return;
    }
    if (seg_load_descriptor(env, sel, &e1, &e2) < 0 || !(e2 & DESC_S_MASK)) {
        fault(env, vec, (sel & 0xfffc) | ext);
    }
    int dpl = dpl_of(e2);
    int rpl = sel & 3;
    if (seg == R_SS) {
        if ((e2 & DESC_CS_MASK) || !(e2 & DESC_W_MASK) || rpl != cpl ||
            dpl != cpl) {
            fault(env, vec, (sel & 0xfffc) | ext);
        }
        if (!(e2 & DESC_P_MASK)) {
            fault(env, vec_np == EXCP0B_NOSEG ? EXCP0C_STACK : vec_np,
                  (sel & 0xfffc) | ext);
        }
    } else {
        if ((e2 & DESC_CS_MASK) && !(e2 & DESC_R_MASK)) {
            fault(env, vec, (sel & 0xfffc) | ext);
        }
        if (!(e2 & DESC_CS_MASK) || !(e2 & DESC_C_MASK)) {
            if (rpl > dpl || cpl > dpl) {
                fault(env, vec, (sel & 0xfffc) | ext);
            }
        }
        if (!(e2 & DESC_P_MASK)) {
            fault(env, vec_np, (sel & 0xfffc) | ext);
        }
    }
    seg_set_accessed(env, sel, &e2);
    seg_load_cache(&env->segs[seg], sel, e1, e2);
}

void helper_load_seg(CPUX86State *env, uint32_t seg, uint32_t sel)
{
    sel &= 0xffff;
    if (!(env->cr[0] & CR0_PE_MASK) || (env->eflags & VM_MASK)) {
        x86_load_seg_real(env, seg, sel);
        if (seg == R_CS || seg == R_SS) {
            x86_update_hflags(env);
        }
        return;
    }
    load_data_seg(env, seg, sel, cpl_of(env), EXCP0D_GPF, EXCP0B_NOSEG, 0);
    x86_update_hflags(env);     /* SS32, and the segment's check mode */
}

static bool pm(CPUX86State *env)
{
    return (env->cr[0] & CR0_PE_MASK) && !(env->eflags & VM_MASK);
}

/*
 * After a return to an outer level: data segment registers the new level
 * may not use become null (SDM vol. 2, RET and IRET).
 */
void seg_null_outer_segs(CPUX86State *env, int cpl)
{
    static const int segs[] = { R_ES, R_DS, R_FS, R_GS };
    for (int i = 0; i < 4; i++) {
        SegmentCache *sc = &env->segs[segs[i]];
        uint32_t f = sc->flags;
        if ((sc->selector & ~3u) == 0) {
            continue;
        }
        bool conf_code = (f & DESC_CS_MASK) && (f & DESC_C_MASK);
        if (!conf_code && dpl_of(f) < cpl) {
            /* Only the selector is cleared and the cache marked unusable
             * (the SDM's "SegmentSelector <- 0"): in 64-bit mode FS/GS
             * keep their base (kvm-unit-tests' emulator, "ret/iret with a
             * nullified segment", reads through GS afterwards). */
            sc->selector = 0;
            sc->flags &= ~DESC_P_MASK;
        }
    }
}

/* Inner stack for privilege level dpl from the current TSS (SDM 7.2). */
static void tss_stack(CPUX86State *env, int dpl, uint32_t *ss, uint32_t *esp,
                      int ext)
{
    int type = type_of(env->tr.flags);
    if ((env->tr.flags & DESC_P_MASK) == 0 && env->tr.selector == 0) {
        fault(env, EXCP0A_TSS, ext);
    }
    if (type & 8) {
        uint32_t off = 4 + dpl * 8;
        if (off + 5 > env->tr.limit) {
            fault(env, EXCP0A_TSS, (env->tr.selector & 0xfffc) | ext);
        }
        *esp = x86_ld_sys(env, env->tr.base + off, 4);
        *ss = x86_ld_sys(env, env->tr.base + off + 4, 2);
    } else {
        uint32_t off = 2 + dpl * 4;
        if (off + 3 > env->tr.limit) {
            fault(env, EXCP0A_TSS, (env->tr.selector & 0xfffc) | ext);
        }
        *esp = x86_ld_sys(env, env->tr.base + off, 2);
        *ss = x86_ld_sys(env, env->tr.base + off + 2, 2);
    }
}

/* Check a new inner SS for privilege dpl: #TS on failures, #SS absent. */
static void check_inner_ss(CPUX86State *env, uint32_t ss, int dpl, int ext,
                           uint32_t *e1, uint32_t *e2)
{
    if ((ss & ~3u) == 0) {
        fault(env, EXCP0A_TSS, ext);
    }
    if ((int)(ss & 3) != dpl || seg_load_descriptor(env, ss, e1, e2) < 0 ||
        !(*e2 & DESC_S_MASK) || (*e2 & DESC_CS_MASK) ||
        !(*e2 & DESC_W_MASK) || dpl_of(*e2) != dpl) {
        fault(env, EXCP0A_TSS, (ss & 0xfffc) | ext);
    }
    if (!(*e2 & DESC_P_MASK)) {
        fault(env, EXCP0C_STACK, (ss & 0xfffc) | ext);
    }
}

/* ---- task switch (SDM 7.3) ---- */

static void switch_task(CPUX86State *env, uint32_t sel, uint32_t e1,
                        uint32_t e2, int source, uint32_t next_eip)
{
    int type = type_of(e2);
    bool tss32 = type & 8;
    uint32_t limit = seg_desc_limit(e1, e2);
    uint32_t base = seg_desc_base(e1, e2);
    sel &= 0xffff;

    if (!(e2 & DESC_P_MASK)) {
        fault(env, EXCP0B_NOSEG, sel & 0xfffc);
    }
    if (limit < (tss32 ? 0x67u : 0x2bu)) {
        fault(env, EXCP0A_TSS, sel & 0xfffc);
    }
    log_mask(LOG_PCALL, "x86: task switch %04x -> %04x (%s)\n",
             env->tr.selector, sel,
             source == TS_JMP ? "jmp" : source == TS_CALL ? "call"
             : source == TS_IRET ? "iret" : "int");

    /* Read the new task's state before touching anything. */
    uint32_t n_eip, n_fl, n_regs[8], n_segs[6], n_ldt, n_cr3 = 0;
    if (tss32) {
        n_cr3 = x86_ld_sys(env, base + 0x1c, 4);
        n_eip = x86_ld_sys(env, base + 0x20, 4);
        n_fl = x86_ld_sys(env, base + 0x24, 4);
        for (int i = 0; i < 8; i++) {
            n_regs[i] = x86_ld_sys(env, base + 0x28 + i * 4, 4);
        }
        for (int i = 0; i < 6; i++) {
            n_segs[i] = x86_ld_sys(env, base + 0x48 + i * 4, 2);
        }
        n_ldt = x86_ld_sys(env, base + 0x60, 2);
    } else {
        n_eip = x86_ld_sys(env, base + 0x0e, 2);
        n_fl = x86_ld_sys(env, base + 0x10, 2);
        for (int i = 0; i < 8; i++) {
            n_regs[i] = x86_ld_sys(env, base + 0x12 + i * 2, 2) | 0xffff0000u;
        }
        for (int i = 0; i < 4; i++) {
            n_segs[i] = x86_ld_sys(env, base + 0x22 + i * 2, 2);
        }
        n_segs[R_FS] = n_segs[R_GS] = 0;
        n_ldt = x86_ld_sys(env, base + 0x2a, 2);
    }

    /* Save the outgoing task into the current TSS. */
    uint32_t o_base = env->tr.base;
    bool o32 = type_of(env->tr.flags) & 8;
    uint32_t o_fl = x86_get_eflags(env);
    if (source == TS_IRET) {
        o_fl &= ~NT_MASK;
    }
    if (o32) {
        x86_st_sys(env, o_base + 0x20, 4, next_eip);
        x86_st_sys(env, o_base + 0x24, 4, o_fl);
        for (int i = 0; i < 8; i++) {
            x86_st_sys(env, o_base + 0x28 + i * 4, 4, env->regs[i]);
        }
        for (int i = 0; i < 6; i++) {
            x86_st_sys(env, o_base + 0x48 + i * 4, 2, env->segs[i].selector);
        }
    } else {
        x86_st_sys(env, o_base + 0x0e, 2, next_eip);
        x86_st_sys(env, o_base + 0x10, 2, o_fl);
        for (int i = 0; i < 8; i++) {
            x86_st_sys(env, o_base + 0x12 + i * 2, 2, env->regs[i]);
        }
        for (int i = 0; i < 4; i++) {
            x86_st_sys(env, o_base + 0x22 + i * 2, 2, env->segs[i].selector);
        }
    }

    /* Busy bits and the back link. */
    if (source == TS_JMP || source == TS_IRET) {
        uint32_t oe1, oe2;
        if (seg_load_descriptor(env, env->tr.selector, &oe1, &oe2) == 0) {
            seg_store_e2(env, env->tr.selector, oe2 & ~(2u << DESC_TYPE_SHIFT));
        }
    }
    if (source == TS_CALL || source == TS_INT) {
        x86_st_sys(env, base, 2, env->tr.selector);
        n_fl |= NT_MASK;
    }
    if (source != TS_IRET) {
        e2 |= 2u << DESC_TYPE_SHIFT;
        seg_store_e2(env, sel, e2);
    }

    /* Commit: from here on faults belong to the new task. */
    seg_load_cache(&env->tr, sel, e1, e2);
    env->cr[0] |= CR0_TS_MASK;
    x86_update_hflags(env);     /* HF_SSE_ON off, even if a fault follows */
    if (tss32 && (env->cr[0] & CR0_PG_MASK) && n_cr3 != env->cr[3]) {
        env->cr[3] = n_cr3;
        x86_tlb_flush(env);
    }
    env->eip = n_eip;
    /* A 16-bit TSS sets the upper words of the general registers to
     * FFFF and clears EFLAGS' upper word, as the 386 does (Bochs does the
     * same; test386 POST 0x22 checks it): n_regs and n_fl hold that. */
    for (int i = 0; i < 8; i++) {
        env->regs[i] = n_regs[i];
    }
    x86_set_eflags(env, n_fl, 0x3f7fd5);
    env->eflags |= 2;
    /* Selectors first, descriptors after (faults report the selector). */
    for (int i = 0; i < 6; i++) {
        env->segs[i].selector = n_segs[i];
    }
    env->ldt.selector = n_ldt;
    if (n_ldt & 4) {
        fault(env, EXCP0A_TSS, n_ldt & 0xfffc);
    }
    if ((n_ldt & ~3u) == 0) {
        seg_null_seg(&env->ldt, n_ldt);
    } else {
        uint32_t le1, le2;
        if (seg_load_descriptor(env, n_ldt, &le1, &le2) < 0 ||
            (le2 & DESC_S_MASK) || type_of(le2) != T_LDT) {
            fault(env, EXCP0A_TSS, n_ldt & 0xfffc);
        }
        if (!(le2 & DESC_P_MASK)) {
            fault(env, EXCP0A_TSS, n_ldt & 0xfffc);
        }
        seg_load_cache(&env->ldt, n_ldt, le1, le2);
    }
    if (n_fl & VM_MASK) {
        for (int i = 0; i < 6; i++) {
            load_seg_vm(env, i, n_segs[i]);
        }
        x86_update_hflags(env);
        return;
    }
    /* CS decides the new CPL. */
    uint32_t ce1, ce2, cs = n_segs[R_CS];
    int cpl = cs & 3;
    if ((cs & ~3u) == 0 || seg_load_descriptor(env, cs, &ce1, &ce2) < 0 ||
        !(ce2 & DESC_S_MASK) || !(ce2 & DESC_CS_MASK)) {
        fault(env, EXCP0A_TSS, cs & 0xfffc);
    }
    if ((ce2 & DESC_C_MASK) ? dpl_of(ce2) > cpl : dpl_of(ce2) != cpl) {
        fault(env, EXCP0A_TSS, cs & 0xfffc);
    }
    if (!(ce2 & DESC_P_MASK)) {
        fault(env, EXCP0B_NOSEG, cs & 0xfffc);
    }
    seg_load_cache(&env->segs[R_CS], cs, ce1, ce2);
    load_data_seg(env, R_SS, n_segs[R_SS], cpl, EXCP0A_TSS, EXCP0C_STACK, 0);
    x86_update_hflags(env);
    for (int i = R_ES; i <= R_GS; i++) {
        if (i != R_CS && i != R_SS) {
            load_data_seg(env, i, n_segs[i], cpl, EXCP0A_TSS, EXCP0B_NOSEG,
                          0);
        }
    }
}

/* A task gate or TSS descriptor reached by JMP/CALL/INT: the TSS. */
static void task_gate_target(CPUX86State *env, uint32_t gate_e1,
                             uint32_t *sel, uint32_t *e1, uint32_t *e2,
                             int err_sel)
{
    *sel = gate_e1 >> 16;
    if ((*sel & 4) || seg_load_descriptor(env, *sel, e1, e2) < 0) {
        fault(env, EXCP0D_GPF, (*sel & 0xfffc));
    }
    int t = type_of(*e2);
    if ((*e2 & DESC_S_MASK) || (t != T_TSS16_AVAIL && t != T_TSS32_AVAIL)) {
        fault(env, EXCP0D_GPF, (*sel & 0xfffc));
    }
    (void)err_sel;
}

/* ---- far JMP / CALL / RET ---- */

/* Checks on a code segment reached directly (no gate), SDM vol. 2 JMP. */
void seg_check_direct_code(CPUX86State *env, uint32_t sel, uint32_t e2)
{
    int cpl = cpl_of(env), dpl = dpl_of(e2), rpl = sel & 3;
    if (e2 & DESC_C_MASK) {
        if (dpl > cpl) {
            fault(env, EXCP0D_GPF, sel & 0xfffc);
        }
    } else if (rpl > cpl || dpl != cpl) {
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
    if (!(e2 & DESC_P_MASK)) {
        fault(env, EXCP0B_NOSEG, sel & 0xfffc);
    }
}

/* Load CS at privilege cpl (the RPL written into the selector). */
void seg_set_cs(CPUX86State *env, uint32_t sel, uint32_t e1, uint32_t e2,
                   int cpl)
{
    seg_set_accessed(env, sel, &e2);
    seg_load_cache(&env->segs[R_CS], (sel & ~3u) | cpl, e1, e2);
    if ((env->efer & EFER_LMA) && (e2 & DESC_L_MASK)) {
        /* 64-bit mode ignores CS's base: keep the block key's at 0. */
        env->segs[R_CS].base = 0;
    }
}

/*
 * Target of a call gate: the code segment, its checks (SDM 5.8.4);
 * returns its descriptor.
 */
void seg_gate_code(CPUX86State *env, uint32_t ge1, uint32_t *csel,
                      uint32_t *e1, uint32_t *e2)
{
    *csel = ge1 >> 16;
    if ((*csel & ~3u) == 0) {
        fault(env, EXCP0D_GPF, 0);
    }
    if (seg_load_descriptor(env, *csel, e1, e2) < 0 || !(*e2 & DESC_S_MASK) ||
        !(*e2 & DESC_CS_MASK) || dpl_of(*e2) > cpl_of(env)) {
        fault(env, EXCP0D_GPF, *csel & 0xfffc);
    }
    if (!(*e2 & DESC_P_MASK)) {
        fault(env, EXCP0B_NOSEG, *csel & 0xfffc);
    }
}

/* System descriptor reached by a far JMP/CALL: gate or TSS checks. */
void seg_check_gate_dpl(CPUX86State *env, uint32_t sel, uint32_t e2)
{
    int dpl = dpl_of(e2);
    if (dpl < cpl_of(env) || dpl < (int)(sel & 3)) {
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
    if (!(e2 & DESC_P_MASK)) {
        fault(env, EXCP0B_NOSEG, sel & 0xfffc);
    }
}

/*
 * The descriptor of a far JMP/CALL target: #GP(0) for a null selector,
 * #GP(selector) when it lies outside its table.
 */
void seg_load_far_target(CPUX86State *env, uint32_t sel, uint32_t *e1,
                            uint32_t *e2)
{
    if ((sel & ~3u) == 0) {
        fault(env, EXCP0D_GPF, 0);
    }
    if (seg_load_descriptor(env, sel, e1, e2) < 0) {
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
}

/* JMP ptr16:16/32, JMP m16:16/32 (next_eip: saved by a task switch) */
void helper_ljmp(CPUX86State *env, uint32_t sel, uint64_t eip,
                 uint64_t next_eip)
{
    sel &= 0xffff;
    if (env->efer & EFER_LMA) {
        lm_ljmp(env, sel, eip);
        return;
    }
    if (!pm(env)) {
        x86_load_seg_real(env, R_CS, sel);
        env->eip = eip;
        x86_update_hflags(env);
        return;
    }
    uint32_t e1, e2;
    seg_load_far_target(env, sel, &e1, &e2);
    int cpl = cpl_of(env);
    if (e2 & DESC_S_MASK) {
        if (!(e2 & DESC_CS_MASK)) {
            fault(env, EXCP0D_GPF, sel & 0xfffc);
        }
        seg_check_direct_code(env, sel, e2);
        if (eip > seg_desc_limit(e1, e2)) {
            fault(env, EXCP0D_GPF, 0);
        }
        seg_set_cs(env, sel, e1, e2, cpl);
        env->eip = eip;
        x86_update_hflags(env);
        return;
    }
    switch (type_of(e2)) {
    case T_TSS16_AVAIL:
    case T_TSS32_AVAIL:
        seg_check_gate_dpl(env, sel, e2);
        switch_task(env, sel, e1, e2, TS_JMP, next_eip);
        break;
    case T_TASKGATE: {
        uint32_t tsel, te1, te2;
        seg_check_gate_dpl(env, sel, e2);
        task_gate_target(env, e1, &tsel, &te1, &te2, sel);
        switch_task(env, tsel, te1, te2, TS_JMP, next_eip);
        break;
    }
    case T_CALLGATE16:
    case T_CALLGATE32: {
        uint32_t csel, ce1, ce2;
        seg_check_gate_dpl(env, sel, e2);
        seg_gate_code(env, e1, &csel, &ce1, &ce2);
        if (!(ce2 & DESC_C_MASK) && dpl_of(ce2) != cpl) {
            fault(env, EXCP0D_GPF, csel & 0xfffc);
        }
        uint32_t off = (e1 & 0xffff) |
                       (type_of(e2) == T_CALLGATE32 ? (e2 & 0xffff0000) : 0);
        if (off > seg_desc_limit(ce1, ce2)) {
            fault(env, EXCP0D_GPF, 0);
        }
        seg_set_cs(env, csel, ce1, ce2, cpl);
        env->eip = off;
        break;
    }
    default:
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
    x86_update_hflags(env);
}

/* CALL ptr16:16/32 (size 2 or 4 = operand size) */
void helper_lcall(CPUX86State *env, uint32_t sel, uint64_t eip,
                  uint32_t size, uint64_t next_eip)
{
    if (env->efer & EFER_LMA) {
        lm_lcall(env, sel & 0xffff, eip, size, next_eip);
        return;
    }
    uint32_t mask = sp_mask(env), sp = env->regs[R_ESP];
    uint32_t ssbase = env->segs[R_SS].base;
    uint32_t old_cs = env->segs[R_CS].selector;
    sel &= 0xffff;
    if (!pm(env)) {
        push(env, &sp, mask, size, ssbase, old_cs);
        push(env, &sp, mask, size, ssbase, next_eip);
        x86_load_seg_real(env, R_CS, sel);
        set_sp(env, sp, mask);
        env->eip = size == 2 ? (eip & 0xffff) : eip;
        x86_update_hflags(env);
        return;
    }
    uint32_t e1, e2;
    seg_load_far_target(env, sel, &e1, &e2);
    int cpl = cpl_of(env);
    log_mask(LOG_PCALL, "x86: lcall %04x:%08x from %04x:%08x\n", sel, (uint32_t)eip,
             old_cs, (uint32_t)env->eip);
    if (e2 & DESC_S_MASK) {
        if (!(e2 & DESC_CS_MASK)) {
            fault(env, EXCP0D_GPF, sel & 0xfffc);
        }
        seg_check_direct_code(env, sel, e2);
        if (size == 2) {
            eip &= 0xffff;
        }
        if (eip > seg_desc_limit(e1, e2)) {
            fault(env, EXCP0D_GPF, 0);
        }
        push(env, &sp, mask, size, ssbase, old_cs);
        push(env, &sp, mask, size, ssbase, next_eip);
        seg_set_cs(env, sel, e1, e2, cpl);
        set_sp(env, sp, mask);
        env->eip = eip;
        x86_update_hflags(env);
        return;
    }
    switch (type_of(e2)) {
    case T_TSS16_AVAIL:
    case T_TSS32_AVAIL:
        seg_check_gate_dpl(env, sel, e2);
        switch_task(env, sel, e1, e2, TS_CALL, next_eip);
        x86_update_hflags(env);
        return;
    case T_TASKGATE: {
        uint32_t tsel, te1, te2;
        seg_check_gate_dpl(env, sel, e2);
        task_gate_target(env, e1, &tsel, &te1, &te2, sel);
        switch_task(env, tsel, te1, te2, TS_CALL, next_eip);
        x86_update_hflags(env);
        return;
    }
    case T_CALLGATE16:
    case T_CALLGATE32:
        break;
    default:
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
    /* Call gate (SDM 5.8.5). */
    seg_check_gate_dpl(env, sel, e2);
    uint32_t csel, ce1, ce2;
    seg_gate_code(env, e1, &csel, &ce1, &ce2);
    bool g32 = type_of(e2) == T_CALLGATE32;
    int gsize = g32 ? 4 : 2;
    uint32_t off = (e1 & 0xffff) | (g32 ? (e2 & 0xffff0000) : 0);
    int dpl = dpl_of(ce2);
    if (off > seg_desc_limit(ce1, ce2)) {
        fault(env, EXCP0D_GPF, 0);
    }
    if (!(ce2 & DESC_C_MASK) && dpl < cpl) {
        /* More privilege: new stack from the TSS, parameters copied. */
        uint32_t nss, nesp, se1, se2;
        tss_stack(env, dpl, &nss, &nesp, 0);
        check_inner_ss(env, nss, dpl, 0, &se1, &se2);
        int nparams = e2 & 0x1f;
        uint32_t nmask = sp_mask_of(se2), nbase = seg_desc_base(se1, se2);
        uint32_t nsp = nesp;
        uint32_t old_ss = env->segs[R_SS].selector;
        uint32_t old_esp = env->regs[R_ESP];
        push_sys(env, &nsp, nmask, gsize, nbase, old_ss);
        push_sys(env, &nsp, nmask, gsize, nbase, old_esp);
        for (int i = nparams - 1; i >= 0; i--) {
            uint32_t v = x86_ld(env, ssbase + ((old_esp + i * gsize) & mask),
                                gsize);
            push_sys(env, &nsp, nmask, gsize, nbase, v);
        }
        push_sys(env, &nsp, nmask, gsize, nbase, old_cs);
        push_sys(env, &nsp, nmask, gsize, nbase, next_eip);
        seg_set_accessed(env, nss, &se2);
        seg_load_cache(&env->segs[R_SS], nss, se1, se2);
        seg_set_cs(env, csel, ce1, ce2, dpl);
        set_sp(env, nsp, nmask);
        env->eip = off;
        x86_update_hflags(env);
        return;
    }
    push(env, &sp, mask, gsize, ssbase, old_cs);
    push(env, &sp, mask, gsize, ssbase, next_eip);
    seg_set_cs(env, csel, ce1, ce2, cpl);
    set_sp(env, sp, mask);
    env->eip = off;
    x86_update_hflags(env);
}

/*
 * The code segment of a far return (RET, IRET) to privilege rpl, SDM
 * vol. 2 RET: "return-to-same/outer-privilege-level" checks.
 */
void seg_check_return_cs(CPUX86State *env, uint32_t sel, uint32_t *e1,
                            uint32_t *e2)
{
    int rpl = sel & 3;
    if ((sel & ~3u) == 0) {
        fault(env, EXCP0D_GPF, 0);
    }
    if (seg_load_descriptor(env, sel, e1, e2) < 0 || !(*e2 & DESC_S_MASK) ||
        !(*e2 & DESC_CS_MASK) || rpl < cpl_of(env)) {
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
    if ((*e2 & DESC_C_MASK) ? dpl_of(*e2) > rpl : dpl_of(*e2) != rpl) {
        fault(env, EXCP0D_GPF, sel & 0xfffc);
    }
    if (!(*e2 & DESC_P_MASK)) {
        fault(env, EXCP0B_NOSEG, sel & 0xfffc);
    }
}

/* SS for a return to privilege rpl (#GP, not #TS; #SS if absent). */
void seg_check_return_ss(CPUX86State *env, uint32_t ss, int rpl,
                            uint32_t *e1, uint32_t *e2)
{
    if ((ss & ~3u) == 0) {
        fault(env, EXCP0D_GPF, 0);
    }
    if ((int)(ss & 3) != rpl || seg_load_descriptor(env, ss, e1, e2) < 0 ||
        !(*e2 & DESC_S_MASK) || (*e2 & DESC_CS_MASK) ||
        !(*e2 & DESC_W_MASK) || dpl_of(*e2) != rpl) {
        fault(env, EXCP0D_GPF, ss & 0xfffc);
    }
    if (!(*e2 & DESC_P_MASK)) {
        fault(env, EXCP0C_STACK, ss & 0xfffc);
    }
}

/* Common tail of RET/IRET once EIP and CS are popped. */
static void return_pm(CPUX86State *env, uint32_t sel, uint32_t eip,
                      uint32_t sp, uint32_t mask, uint32_t ssbase, int size,
                      uint32_t imm, bool is_iret, uint32_t fl, uint32_t fmask)
{
    uint32_t e1, e2;
    sel &= 0xffff;
    seg_check_return_cs(env, sel, &e1, &e2);
    int rpl = sel & 3;
    if (rpl == cpl_of(env)) {
        if (eip > seg_desc_limit(e1, e2)) {
            fault(env, EXCP0D_GPF, 0);
        }
        seg_set_cs(env, sel, e1, e2, rpl);
        set_sp(env, sp + imm, mask);
        env->eip = eip;
        if (is_iret) {
            x86_set_eflags(env, fl, fmask);
        }
        x86_update_hflags(env);
        return;
    }
    /* Return to an outer level: SS:ESP follow (after imm for RET). */
    sp += imm;
    uint32_t nesp = pop(env, &sp, mask, size, ssbase);
    uint32_t nss = pop(env, &sp, mask, size, ssbase) & 0xffff;
    uint32_t se1, se2;
    seg_check_return_ss(env, nss, rpl, &se1, &se2);
    if (eip > seg_desc_limit(e1, e2)) {
        fault(env, EXCP0D_GPF, 0);
    }
    log_mask(LOG_PCALL, "x86: return to ring %d %04x:%08x ss %04x:%08x\n",
             rpl, sel, eip, nss, nesp);
    seg_set_cs(env, sel, e1, e2, rpl);
    seg_set_accessed(env, nss, &se2);
    seg_load_cache(&env->segs[R_SS], nss, se1, se2);
    set_sp(env, nesp + imm, sp_mask_of(se2));
    env->eip = eip;
    if (is_iret) {
        x86_set_eflags(env, fl, fmask);
    }
    x86_update_hflags(env);
    seg_null_outer_segs(env, rpl);
}

/* RETF imm16 (size = operand size) */
void helper_lret(CPUX86State *env, uint32_t size, uint32_t imm)
{
    if (env->efer & EFER_LMA) {
        lm_lret(env, size, imm);
        return;
    }
    uint32_t mask = sp_mask(env), sp = env->regs[R_ESP];
    uint32_t ssbase = env->segs[R_SS].base;
    uint32_t eip = pop(env, &sp, mask, size, ssbase);
    uint32_t sel = pop(env, &sp, mask, size, ssbase) & 0xffff;
    if (!pm(env)) {
        x86_load_seg_real(env, R_CS, sel);
        set_sp(env, sp + imm, mask);
        env->eip = eip;
        x86_update_hflags(env);
        return;
    }
    return_pm(env, sel, eip, sp, mask, ssbase, size, imm, false, 0, 0);
}

/* ---- interrupts ---- */

static void do_interrupt_real(CPUX86State *env, int vector, uint32_t ret_eip)
{
    uint32_t mask = 0xffff, sp = env->regs[R_ESP];
    uint32_t ssbase = env->segs[R_SS].base;
    uint32_t off = vector * 4;
    if (off + 3 > env->idt.limit) {
        fault(env, EXCP0D_GPF, vector * 8 + 2);
    }
    uint32_t vec = x86_ld(env, env->idt.base + off, 4);
    push(env, &sp, mask, 2, ssbase, x86_get_eflags(env));
    push(env, &sp, mask, 2, ssbase, env->segs[R_CS].selector);
    push(env, &sp, mask, 2, ssbase, ret_eip);
    set_sp(env, sp, mask);
    env->eflags &= ~(IF_MASK | TF_MASK | AC_MASK | RF_MASK);
    x86_load_seg_real(env, R_CS, vec >> 16);
    env->eip = vec & 0xffff;
}

static void do_interrupt_pm(CPUX86State *env, int vector, bool is_sw,
                            bool has_err, int error_code, uint32_t ret_eip)
{
    int ext = is_sw ? 0 : 1;
    uint32_t off = vector * 8;
    uint32_t idt_err = off + 2 + ext;
    bool from_vm = env->eflags & VM_MASK;
    if (off + 7 > env->idt.limit) {
        fault(env, EXCP0D_GPF, idt_err);
    }
    uint32_t e1 = x86_ld_sys(env, env->idt.base + off, 4);
    uint32_t e2 = x86_ld_sys(env, env->idt.base + off + 4, 4);
    int type = type_of(e2);
    int cpl = cpl_of(env);
    if (e2 & DESC_S_MASK) {
        fault(env, EXCP0D_GPF, idt_err);
    }
    switch (type) {
    case T_TASKGATE: case T_INTGATE16: case T_TRAPGATE16:
    case T_INTGATE32: case T_TRAPGATE32:
        break;
    default:
        fault(env, EXCP0D_GPF, idt_err);
    }
    if (is_sw && dpl_of(e2) < cpl) {
        fault(env, EXCP0D_GPF, off + 2);
    }
    if (!(e2 & DESC_P_MASK)) {
        fault(env, EXCP0B_NOSEG, idt_err);
    }
    if (type == T_TASKGATE) {
        uint32_t tsel = e1 >> 16, te1, te2;
        if ((tsel & 4) || seg_load_descriptor(env, tsel, &te1, &te2) < 0 ||
            (te2 & DESC_S_MASK) ||
            (type_of(te2) != T_TSS16_AVAIL && type_of(te2) != T_TSS32_AVAIL)) {
            fault(env, EXCP0A_TSS, (tsel & 0xfffc) | ext);
        }
        switch_task(env, tsel, te1, te2, TS_INT, ret_eip);
        if (has_err) {
            int size = (type_of(te2) & 8) ? 4 : 2;
            uint32_t mask = sp_mask(env), sp = env->regs[R_ESP];
            push(env, &sp, mask, size, env->segs[R_SS].base, error_code);
            set_sp(env, sp, mask);
        }
        return;
    }
    uint32_t sel = e1 >> 16;
    uint32_t target = (e1 & 0xffff) | (e2 & 0xffff0000);
    uint32_t ce1, ce2;
    if ((sel & ~3u) == 0) {
        fault(env, EXCP0D_GPF, ext);
    }
    if (seg_load_descriptor(env, sel, &ce1, &ce2) < 0 || !(ce2 & DESC_S_MASK) ||
        !(ce2 & DESC_CS_MASK) || dpl_of(ce2) > cpl) {
        fault(env, EXCP0D_GPF, (sel & 0xfffc) | ext);
    }
    if (!(ce2 & DESC_P_MASK)) {
        fault(env, EXCP0B_NOSEG, (sel & 0xfffc) | ext);
    }
    bool gate32 = type & 8;
    int size = gate32 ? 4 : 2;
    int dpl = dpl_of(ce2);
    if (!gate32) {
        target &= 0xffff;
    }
    if (target > seg_desc_limit(ce1, ce2)) {
        fault(env, EXCP0D_GPF, ext);
    }
    uint32_t eflags = x86_get_eflags(env);
    uint32_t old_ss = env->segs[R_SS].selector;
    uint32_t old_esp = env->regs[R_ESP];
    uint32_t old_cs = env->segs[R_CS].selector;
    uint32_t sp, mask, ssbase;
    bool inner = !(ce2 & DESC_C_MASK) && dpl < cpl;
    uint32_t nss = 0, se1 = 0, se2 = 0;

    if (inner) {
        /* Inner level: new SS:ESP from the TSS (SDM 6.12.1). */
        if (from_vm && dpl != 0) {
            fault(env, EXCP0D_GPF, (sel & 0xfffc) | ext);
        }
        uint32_t nesp;
        tss_stack(env, dpl, &nss, &nesp, ext);
        check_inner_ss(env, nss, dpl, ext, &se1, &se2);
        mask = sp_mask_of(se2);
        ssbase = seg_desc_base(se1, se2);
        sp = nesp;
        if (from_vm) {
            push_lvl(env, inner, &sp, mask, size, ssbase, env->segs[R_GS].selector);
            push_lvl(env, inner, &sp, mask, size, ssbase, env->segs[R_FS].selector);
            push_lvl(env, inner, &sp, mask, size, ssbase, env->segs[R_DS].selector);
            push_lvl(env, inner, &sp, mask, size, ssbase, env->segs[R_ES].selector);
        }
        push_lvl(env, inner, &sp, mask, size, ssbase, old_ss);
        push_lvl(env, inner, &sp, mask, size, ssbase, old_esp);
    } else {
        if (from_vm) {
            fault(env, EXCP0D_GPF, (sel & 0xfffc) | ext);
        }
        mask = sp_mask(env);
        sp = env->regs[R_ESP];
        ssbase = env->segs[R_SS].base;
    }
    push_lvl(env, inner, &sp, mask, size, ssbase, eflags);
    push_lvl(env, inner, &sp, mask, size, ssbase, old_cs);
    push_lvl(env, inner, &sp, mask, size, ssbase, ret_eip);
    if (has_err) {
        push_lvl(env, inner, &sp, mask, size, ssbase, error_code);
    }
    /* Commit. */
    if (inner) {
        seg_set_accessed(env, nss, &se2);
        seg_load_cache(&env->segs[R_SS], nss, se1, se2);
        if (from_vm) {
            seg_null_seg(&env->segs[R_ES], 0);
            seg_null_seg(&env->segs[R_DS], 0);
            seg_null_seg(&env->segs[R_FS], 0);
            seg_null_seg(&env->segs[R_GS], 0);
        }
    }
    set_sp(env, sp, mask);
    seg_set_cs(env, sel, ce1, ce2, inner ? dpl : cpl);
    env->eip = target;
    if (!(type & 1)) {
        env->eflags &= ~IF_MASK;
    }
    env->eflags &= ~(TF_MASK | VM_MASK | RF_MASK | NT_MASK);
    x86_update_hflags(env);
}

void x86_do_interrupt(CPUX86State *env, int vector, bool is_sw,
                      bool has_err, int error_code, uint64_t next_eip)
{
    trace(x86_interrupt, "%s 0x%02x at %04x:%08x err 0x%x",
          is_sw ? "int" : "exception", vector, env->segs[R_CS].selector,
          (uint32_t)env->eip, error_code);
    log_mask(LOG_INT, "x86: %s %02x at %04x:%08x err %x cpl %d%s%08x\n",
             is_sw ? "int" : "exception", vector,
             env->segs[R_CS].selector, (uint32_t)env->eip, error_code,
             cpl_of(env), vector == EXCP0E_PAGE ? " cr2 " : " esp ",
             vector == EXCP0E_PAGE ? (uint32_t)env->cr[2]
                                   : (uint32_t)env->regs[R_ESP]);
    if (env->efer & EFER_LMA) {
        lm_do_interrupt(env, vector, is_sw, has_err, error_code, next_eip);
    } else if (env->cr[0] & CR0_PE_MASK) {
        do_interrupt_pm(env, vector, is_sw, has_err, error_code, next_eip);
    } else {
        do_interrupt_real(env, vector, next_eip);
    }
    env->hflags &= ~HF_INHIBIT_IRQ;
}

/* INT n, INT3, INTO: the return address is the next instruction. */
void helper_int(CPUX86State *env, uint32_t vector, uint64_t next_eip)
{
    /* INT n in virtual-8086 mode is IOPL-sensitive (CR4.VME clear);
     * INT3 and INTO are not (SDM 20.3.3). */
    if ((env->eflags & VM_MASK) && (env->eflags & IOPL_MASK) != IOPL_MASK &&
        env->eip + 2 == next_eip) {
        if (env->cr[4] & CR4_VME_MASK) {
            log_unimp_once("x86: CR4.VME interrupt redirection");
        }
        fault(env, EXCP0D_GPF, 0);
    }
    x86_do_interrupt(env, vector, true, false, 0, next_eip);
    x86_cpu_loop_exit(env, EXCP_EXIT, 0, false);
}

/* IRET from a nested task: back to the task in the back link (7.3). */
static void iret_task(CPUX86State *env, uint32_t size)
{
    uint32_t sel = x86_ld_sys(env, env->tr.base, 2), e1, e2;
    if ((sel & 4) || seg_load_descriptor(env, sel, &e1, &e2) < 0 ||
        (e2 & DESC_S_MASK) ||
        (type_of(e2) != T_TSS16_BUSY && type_of(e2) != T_TSS32_BUSY)) {
        fault(env, EXCP0A_TSS, sel & 0xfffc);
    }
    /* The outgoing task resumes after the IRET (CF, or 66 CF). */
    uint32_t len = 1 + ((size == 4) != ((env->hflags & HF_CS32) != 0));
    switch_task(env, sel, e1, e2, TS_IRET, env->eip + len);
}

static void iret_do(CPUX86State *env, uint32_t size)
{
    uint32_t mask = sp_mask(env), sp = env->regs[R_ESP];
    uint32_t ssbase = env->segs[R_SS].base;
    int cpl = cpl_of(env);
    int iopl = (env->eflags & IOPL_MASK) >> 12;

    if (env->eflags & VM_MASK) {
        /* V86 (SDM 20.2.7): IOPL 3 acts like real mode but keeps IOPL. */
        if (iopl != 3) {
            fault(env, EXCP0D_GPF, 0);
        }
        uint32_t eip = pop(env, &sp, mask, size, ssbase);
        uint32_t sel = pop(env, &sp, mask, size, ssbase) & 0xffff;
        uint32_t fl = pop(env, &sp, mask, size, ssbase);
        uint32_t fmask = TF_MASK | AC_MASK | ID_MASK | NT_MASK | IF_MASK |
                         DF_MASK | CC_ARITH | RF_MASK;
        if (size == 2) {
            fmask &= 0xffff;
        }
        load_seg_vm(env, R_CS, sel);
        set_sp(env, sp, mask);
        env->eip = eip;
        x86_set_eflags(env, fl, fmask);
        x86_update_hflags(env);
        return;
    }
    if (!pm(env)) {
        uint32_t eip = pop(env, &sp, mask, size, ssbase);
        uint32_t sel = pop(env, &sp, mask, size, ssbase) & 0xffff;
        uint32_t fl = pop(env, &sp, mask, size, ssbase);
        uint32_t fmask = 0x3f7fd5 & ~(VM_MASK | VIF_MASK | VIP_MASK);
        if (size == 2) {
            fmask &= 0xffff;
        }
        x86_load_seg_real(env, R_CS, sel);
        set_sp(env, sp, mask);
        env->eip = eip;
        x86_set_eflags(env, fl, fmask);
        x86_update_hflags(env);
        return;
    }
    if (env->eflags & NT_MASK) {
        iret_task(env, size);
        x86_update_hflags(env);
        return;
    }
    uint32_t eip = pop(env, &sp, mask, size, ssbase);
    uint32_t sel = pop(env, &sp, mask, size, ssbase) & 0xffff;
    uint32_t fl = pop(env, &sp, mask, size, ssbase);
    if (size == 4 && (fl & VM_MASK) && cpl == 0) {
        /* Return to virtual-8086 mode (SDM vol. 2 IRET). */
        uint32_t nesp = pop(env, &sp, mask, 4, ssbase);
        uint32_t nss = pop(env, &sp, mask, 4, ssbase);
        uint32_t nes = pop(env, &sp, mask, 4, ssbase);
        uint32_t nds = pop(env, &sp, mask, 4, ssbase);
        uint32_t nfs = pop(env, &sp, mask, 4, ssbase);
        uint32_t ngs = pop(env, &sp, mask, 4, ssbase);
        x86_set_eflags(env, fl, 0x3f7fd5);
        load_seg_vm(env, R_CS, sel);
        load_seg_vm(env, R_SS, nss);
        load_seg_vm(env, R_ES, nes);
        load_seg_vm(env, R_DS, nds);
        load_seg_vm(env, R_FS, nfs);
        load_seg_vm(env, R_GS, ngs);
        env->regs[R_ESP] = nesp;
        env->eip = eip & 0xffff;
        x86_update_hflags(env);
        return;
    }
    /* IOPL changes at CPL 0 only, IF at CPL <= IOPL (SDM IRET). */
    uint32_t fmask = TF_MASK | AC_MASK | ID_MASK | NT_MASK | DF_MASK |
                     CC_ARITH | RF_MASK;
    if (cpl == 0) {
        fmask |= IOPL_MASK | VIF_MASK | VIP_MASK;
    }
    if (cpl <= iopl) {
        fmask |= IF_MASK;
    }
    if (size == 2) {
        fmask &= 0xffff;
    }
    return_pm(env, sel, eip, sp, mask, ssbase, size, 0, true, fl, fmask);
}

void helper_iret(CPUX86State *env, uint32_t size)
{
    if (env->efer & EFER_LMA) {
        lm_iret(env, size);
    } else {
        iret_do(env, size);
    }
    /* Any IRET ends NMI blocking (SDM vol. 3, 6.7.1), but only once it has
     * completed: one that faults (iret_do does not return) leaves NMIs
     * blocked for the handler of that fault. */
    env->nmi_blocked = false;
}
