/*
 * Segmentation, interrupts and far transfers for the translator (SDM vol. 3,
 * chapter 3 "Protected-mode memory management", chapter 6 "Interrupt and
 * exception handling"; vol. 2 IRET, CALL, JMP, RET).
 *
 * Real mode is complete (IVT delivery, IRET, far CALL/JMP/RET).  Protected
 * mode covers what firmware and a flat 32-bit kernel use: descriptor loads
 * with the present/null checks, interrupt and trap gates (same privilege,
 * and ring 3 -> 0 through the 32-bit TSS), IRET back to the same or an
 * outer level, far JMP/CALL/RET to code segments at the same privilege.
 * Call gates, task switches and virtual-8086 mode are not modelled yet
 * (log_unimp_once, then #GP).
 */
#include "emu/common.h"
#include "target-i386/helper.h"

/* ---- stack access with SS's size ---- */

static inline uint32_t sp_mask(CPUX86State *env)
{
    return (env->hflags & HF_SS32) ? ~0u : 0xffff;
}

static void push(CPUX86State *env, uint32_t *sp, uint32_t mask, int size,
                 uint32_t ssbase, uint32_t val)
{
    *sp = (*sp - size) & mask;
    x86_st(env, ssbase + *sp, size, val);
}

static uint32_t pop(CPUX86State *env, uint32_t *sp, uint32_t mask, int size,
                    uint32_t ssbase)
{
    uint32_t v = x86_ld(env, ssbase + (*sp & mask), size);
    *sp = (*sp + size) & mask;
    return v;
}

static void set_sp(CPUX86State *env, uint32_t sp, uint32_t mask)
{
    env->regs[R_ESP] = (env->regs[R_ESP] & ~(uint64_t)mask) | (sp & mask);
}

/* ---- descriptors ---- */

static int load_descriptor(CPUX86State *env, uint32_t sel, uint32_t *e1,
                           uint32_t *e2)
{
    SegmentCache *dt = (sel & 4) ? &env->ldt : &env->gdt;
    uint32_t idx = sel & ~7u;
    if (idx + 7 > dt->limit) {
        return -1;
    }
    *e1 = x86_ld(env, dt->base + idx, 4);
    *e2 = x86_ld(env, dt->base + idx + 4, 4);
    return 0;
}

static void cache_from_desc(SegmentCache *sc, uint32_t sel, uint32_t e1,
                            uint32_t e2)
{
    uint32_t limit = (e1 & 0xffff) | (e2 & 0x000f0000);
    if (e2 & DESC_G_MASK) {
        limit = (limit << 12) | 0xfff;
    }
    sc->selector = sel;
    sc->base = (e1 >> 16) | ((e2 & 0xff) << 16) | (e2 & 0xff000000);
    sc->limit = limit;
    sc->flags = e2 & 0x00f0ff00;
}

static void set_accessed(CPUX86State *env, uint32_t sel, uint32_t e2)
{
    if (!(e2 & DESC_A_MASK)) {
        SegmentCache *dt = (sel & 4) ? &env->ldt : &env->gdt;
        x86_st(env, dt->base + (sel & ~7u) + 4, 4, e2 | DESC_A_MASK);
    }
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
    int cpl = env->hflags & HF_CPL_MASK;
    if ((sel & ~3u) == 0) {
        if (seg == R_SS) {
            x86_raise_exception_err(env, EXCP0D_GPF, 0);
        }
        env->segs[seg].selector = sel;
        env->segs[seg].base = 0;
        env->segs[seg].limit = 0;
        env->segs[seg].flags = 0;
        return;
    }
    uint32_t e1, e2;
    if (load_descriptor(env, sel, &e1, &e2) < 0 || !(e2 & DESC_S_MASK)) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc);
    }
    if (seg == R_SS) {
        if ((e2 & DESC_CS_MASK) || !(e2 & DESC_W_MASK) ||
            (sel & 3) != (unsigned)cpl) {
            x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc);
        }
        if (!(e2 & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP0C_STACK, sel & 0xfffc);
        }
    } else {
        if ((e2 & DESC_CS_MASK) && !(e2 & DESC_R_MASK)) {
            x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc);
        }
        if (!(e2 & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP0B_NOSEG, sel & 0xfffc);
        }
    }
    set_accessed(env, sel, e2);
    cache_from_desc(&env->segs[seg], sel, e1, e2 | DESC_A_MASK);
    if (seg == R_SS) {
        x86_update_hflags(env);
    }
}

/* Load CS for a far transfer to a code segment (no gates). */
static void load_cs_pm(CPUX86State *env, uint32_t sel, int rpl_target)
{
    uint32_t e1, e2;
    if ((sel & ~3u) == 0 || load_descriptor(env, sel, &e1, &e2) < 0) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc);
    }
    if (!(e2 & DESC_S_MASK) || !(e2 & DESC_CS_MASK)) {
        log_unimp_once("x86: far transfer through a gate or TSS");
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc);
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP0B_NOSEG, sel & 0xfffc);
    }
    set_accessed(env, sel, e2);
    cache_from_desc(&env->segs[R_CS], (sel & ~3u) | rpl_target, e1,
                    e2 | DESC_A_MASK);
}

static bool pm(CPUX86State *env)
{
    return (env->cr[0] & CR0_PE_MASK) && !(env->eflags & VM_MASK);
}

/* JMP ptr16:16/32, JMP m16:16/32 */
void helper_ljmp(CPUX86State *env, uint32_t sel, uint32_t eip)
{
    if (!pm(env)) {
        x86_load_seg_real(env, R_CS, sel);
        env->eip = eip;
        return;
    }
    load_cs_pm(env, sel, env->hflags & HF_CPL_MASK);
    env->eip = eip;
    x86_update_hflags(env);
}

/* CALL ptr16:16/32 (size 2 or 4 = operand size) */
void helper_lcall(CPUX86State *env, uint32_t sel, uint32_t eip,
                  uint32_t size, uint32_t next_eip)
{
    uint32_t mask = sp_mask(env), sp = env->regs[R_ESP];
    uint32_t ssbase = env->segs[R_SS].base;
    uint32_t old_cs = env->segs[R_CS].selector;
    if (pm(env)) {
        uint32_t e1, e2;
        if ((sel & ~3u) == 0 || load_descriptor(env, sel, &e1, &e2) < 0) {
            x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc);
        }
        push(env, &sp, mask, size, ssbase, old_cs);
        push(env, &sp, mask, size, ssbase, next_eip);
        load_cs_pm(env, sel, env->hflags & HF_CPL_MASK);
    } else {
        push(env, &sp, mask, size, ssbase, old_cs);
        push(env, &sp, mask, size, ssbase, next_eip);
        x86_load_seg_real(env, R_CS, sel);
    }
    set_sp(env, sp, mask);
    env->eip = size == 2 ? (eip & 0xffff) : eip;
    x86_update_hflags(env);
}

/* RETF imm16 (size = operand size) */
void helper_lret(CPUX86State *env, uint32_t size, uint32_t imm)
{
    uint32_t mask = sp_mask(env), sp = env->regs[R_ESP];
    uint32_t ssbase = env->segs[R_SS].base;
    uint32_t eip = pop(env, &sp, mask, size, ssbase);
    uint32_t sel = pop(env, &sp, mask, size, ssbase) & 0xffff;
    if (pm(env)) {
        int cpl = env->hflags & HF_CPL_MASK;
        if ((int)(sel & 3) != cpl) {
            /* Return to an outer level: SS:ESP follow on the stack. */
            sp += imm;
            uint32_t nesp = pop(env, &sp, mask, size, ssbase);
            uint32_t nss = pop(env, &sp, mask, size, ssbase) & 0xffff;
            load_cs_pm(env, sel, sel & 3);
            x86_update_hflags(env);
            helper_load_seg(env, R_SS, nss);
            env->eip = eip;
            mask = sp_mask(env);
            set_sp(env, nesp + imm, mask);
            return;
        }
        load_cs_pm(env, sel, cpl);
    } else {
        x86_load_seg_real(env, R_CS, sel);
    }
    set_sp(env, sp + imm, mask);
    env->eip = eip;
    x86_update_hflags(env);
}

/* ---- interrupts ---- */

static void do_interrupt_real(CPUX86State *env, int vector, uint32_t ret_eip)
{
    uint32_t mask = 0xffff, sp = env->regs[R_ESP];
    uint32_t ssbase = env->segs[R_SS].base;
    uint32_t off = vector * 4;
    if (off + 3 > env->idt.limit) {
        x86_raise_exception_err(env, EXCP0D_GPF, vector * 8 + 2);
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
    if (off + 7 > env->idt.limit) {
        x86_raise_exception_err(env, EXCP0D_GPF, off + 2 + ext);
    }
    uint32_t e1 = x86_ld(env, env->idt.base + off, 4);
    uint32_t e2 = x86_ld(env, env->idt.base + off + 4, 4);
    int type = (e2 >> 8) & 0x1f;
    int dpl = (e2 >> DESC_DPL_SHIFT) & 3;
    int cpl = env->hflags & HF_CPL_MASK;
    bool gate32;
    switch (type) {
    case 6: case 7: gate32 = false; break;     /* 286 interrupt/trap gate */
    case 14: case 15: gate32 = true; break;
    case 5:
        log_unimp_once("x86: task gate in the IDT");
        x86_raise_exception_err(env, EXCP0D_GPF, off + 2 + ext);
    default:
        x86_raise_exception_err(env, EXCP0D_GPF, off + 2 + ext);
    }
    if (is_sw && dpl < cpl) {
        x86_raise_exception_err(env, EXCP0D_GPF, off + 2);
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP0B_NOSEG, off + 2 + ext);
    }
    uint32_t sel = e1 >> 16;
    uint32_t target = (e1 & 0xffff) | (e2 & 0xffff0000);
    uint32_t ce1, ce2;
    if ((sel & ~3u) == 0 || load_descriptor(env, sel, &ce1, &ce2) < 0 ||
        !(ce2 & DESC_CS_MASK)) {
        x86_raise_exception_err(env, EXCP0D_GPF, (sel & 0xfffc) + ext);
    }
    if (!(ce2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP0B_NOSEG, (sel & 0xfffc) + ext);
    }
    int new_dpl = (ce2 >> DESC_DPL_SHIFT) & 3;
    if (ce2 & DESC_C_MASK) {
        new_dpl = cpl;
    }
    int size = gate32 ? 4 : 2;
    uint32_t eflags = x86_get_eflags(env);
    uint32_t old_ss = env->segs[R_SS].selector;
    uint32_t old_esp = env->regs[R_ESP];
    uint32_t old_cs = env->segs[R_CS].selector;
    uint32_t sp, mask, ssbase;

    if (new_dpl < cpl) {
        /* Inner level: new SS:ESP from the 32-bit TSS (SDM 7.2.1). */
        uint32_t tss = env->tr.base;
        uint32_t nesp = x86_ld(env, tss + 4 + 8 * new_dpl, 4);
        uint32_t nss = x86_ld(env, tss + 8 + 8 * new_dpl, 2);
        uint32_t se1, se2;
        if ((nss & ~3u) == 0 || load_descriptor(env, nss, &se1, &se2) < 0) {
            x86_raise_exception_err(env, EXCP0A_TSS, nss & 0xfffc);
        }
        cache_from_desc(&env->segs[R_SS], nss, se1, se2);
        x86_update_hflags(env);
        mask = sp_mask(env);
        sp = nesp;
        ssbase = env->segs[R_SS].base;
        push(env, &sp, mask, size, ssbase, old_ss);
        push(env, &sp, mask, size, ssbase, old_esp);
    } else {
        mask = sp_mask(env);
        sp = env->regs[R_ESP];
        ssbase = env->segs[R_SS].base;
    }
    push(env, &sp, mask, size, ssbase, eflags);
    push(env, &sp, mask, size, ssbase, old_cs);
    push(env, &sp, mask, size, ssbase, ret_eip);
    if (has_err) {
        push(env, &sp, mask, size, ssbase, error_code);
    }
    set_sp(env, sp, mask);
    cache_from_desc(&env->segs[R_CS], (sel & ~3u) | new_dpl, ce1, ce2);
    env->eip = gate32 ? target : (target & 0xffff);
    if (!(type & 1)) {
        env->eflags &= ~IF_MASK;
    }
    env->eflags &= ~(TF_MASK | VM_MASK | RF_MASK | NT_MASK);
    x86_update_hflags(env);
}

void x86_do_interrupt(CPUX86State *env, int vector, bool is_sw,
                      bool has_err, int error_code, uint32_t next_eip)
{
    log_mask(LOG_INT, "x86: %s %02x at %04x:%08x err %x\n",
             is_sw ? "int" : "exception", vector,
             env->segs[R_CS].selector, (uint32_t)env->eip, error_code);
    if (env->cr[0] & CR0_PE_MASK) {
        if (env->eflags & VM_MASK) {
            log_unimp_once("x86: interrupts in virtual-8086 mode");
        }
        do_interrupt_pm(env, vector, is_sw, has_err, error_code, next_eip);
    } else {
        do_interrupt_real(env, vector, next_eip);
    }
    env->hflags &= ~HF_INHIBIT_IRQ;
}

/* INT n, INT3, INTO: the return address is the next instruction. */
void helper_int(CPUX86State *env, uint32_t vector, uint32_t next_eip)
{
    x86_do_interrupt(env, vector, true, false, 0, next_eip);
    x86_cpu_loop_exit(env, EXCP_EXIT, 0, false);
}

void helper_iret(CPUX86State *env, uint32_t size)
{
    uint32_t mask = sp_mask(env), sp = env->regs[R_ESP];
    uint32_t ssbase = env->segs[R_SS].base;
    uint32_t eip = pop(env, &sp, mask, size, ssbase);
    uint32_t sel = pop(env, &sp, mask, size, ssbase) & 0xffff;
    uint32_t fl = pop(env, &sp, mask, size, ssbase);
    /* IOPL and IF follow CPL/IOPL (SDM IRET); VM, VIF, VIP stay. */
    uint32_t fmask = 0x3f7fd5 & ~(VM_MASK | VIF_MASK | VIP_MASK);
    if (size == 2) {
        fmask &= 0xffff;
    }
    if (!pm(env)) {
        if (env->eflags & VM_MASK) {
            log_unimp_once("x86: IRET in virtual-8086 mode");
        }
        x86_load_seg_real(env, R_CS, sel);
        set_sp(env, sp, mask);
        env->eip = eip;
        x86_set_eflags(env, fl, fmask);
        x86_update_hflags(env);
        return;
    }
    if (env->eflags & NT_MASK) {
        log_unimp_once("x86: IRET with NT (task return)");
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
    int cpl = env->hflags & HF_CPL_MASK;
    int rpl = sel & 3;
    if (cpl != 0) {
        fmask &= ~IOPL_MASK;
        if (cpl > (int)((env->eflags & IOPL_MASK) >> 12)) {
            fmask &= ~IF_MASK;
        }
    }
    if (rpl > cpl) {
        uint32_t nesp = pop(env, &sp, mask, size, ssbase);
        uint32_t nss = pop(env, &sp, mask, size, ssbase) & 0xffff;
        load_cs_pm(env, sel, rpl);
        x86_set_eflags(env, fl, fmask);
        x86_update_hflags(env);
        helper_load_seg(env, R_SS, nss);
        set_sp(env, nesp, sp_mask(env));
        env->eip = eip;
        /* Data segments the outer level may not use become null. */
        for (int s = R_ES; s <= R_GS; s++) {
            if (s == R_CS || s == R_SS) {
                continue;
            }
            uint32_t f = env->segs[s].flags;
            int dpl = (f >> DESC_DPL_SHIFT) & 3;
            if ((!(f & DESC_CS_MASK) || !(f & DESC_C_MASK)) && dpl < rpl) {
                env->segs[s].selector = 0;
                env->segs[s].flags = 0;
            }
        }
        return;
    }
    load_cs_pm(env, sel, rpl);
    set_sp(env, sp, mask);
    env->eip = eip;
    x86_set_eflags(env, fl, fmask);
    x86_update_hflags(env);
}
