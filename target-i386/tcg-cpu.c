/*
 * x86 under the translator: the TCGCPUOps that accel/tcg's exec loop
 * calls (accel/tcg/tcg-cpu-ops.h).  Exceptions and interrupts at block
 * boundaries, the debug registers, the block key, state in and out of the
 * accelerator.  Memory (the TLB fill, watchpoints, helpers' loads and
 * stores) is in mem-helper.c.
 *
 * Exceptions raised while delivering another are classified as SDM vol.
 * 3, table 6-5 says (#DF for contributory/page-fault pairs, shutdown on a
 * fault while delivering #DF).  A fetch beyond the CS limit is #GP(0) at
 * block entry.  Debug: TF single-step traps after each instruction of a
 * block translated with TF; while DR7 arms anything, blocks are one
 * instruction and unchained (TB_FLAG_SINGLE_INSN), instruction
 * breakpoints are checked at each boundary (RF honoured) and data
 * breakpoints trap after the instruction (mem-helper.c records hits).
 *
 * The host debugger's (emu/cpu-debug.h, the gdbstub) are separate and
 * never reach the guest: breakpoints are compiled into the blocks
 * (translate.c, helper_debug_bp); single step runs blocks of one
 * instruction with interrupts held back (as QEMU's default sstep flags)
 * and stops after each, or at the handler of an exception it raised;
 * watchpoints make blocks one instruction long and stop after the
 * instruction that touched them (mem-helper.c).
 */
#include "emu/common.h"
#include "emu/cpu-debug.h"
#include "emu/log.h"
#include "emu/main-loop.h"
#include "accel/tcg/cpu-ldst.h"
#include "accel/tcg/disas.h"
#include "target-i386/cpuid.h"
#include "target-i386/tcg-cpu.h"
#include "target-i386/tcg-x86.h"

/* ---- exceptions ---- */

void x86_cpu_loop_exit(CPUX86State *env, int excp, int error_code, bool has_err)
{
    cpu_loop_exit_excp(env, excp, error_code, has_err);
}

void x86_raise_exception_err(CPUX86State *env, int vector, int error_code)
{
    bool has_err = (env->cr[0] & CR0_PE_MASK) &&
                   (vector == EXCP08_DBLE || vector == EXCP0A_TSS ||
                    vector == EXCP0B_NOSEG || vector == EXCP0C_STACK ||
                    vector == EXCP0D_GPF || vector == EXCP0E_PAGE ||
                    vector == EXCP11_ALGN);
    x86_cpu_loop_exit(env, vector, error_code, has_err);
}

void x86_raise_exception(CPUX86State *env, int vector)
{
    x86_raise_exception_err(env, vector, 0);
}

/* Contributory exceptions (SDM vol. 3, table 6-4). */
static bool excp_contributory(int vec)
{
    return vec == EXCP00_DIVZ || (vec >= EXCP0A_TSS && vec <= EXCP0D_GPF);
}

/*
 * Fault-class exceptions push EFLAGS with RF set, so that the restarted
 * instruction does not hit its instruction breakpoint again; #DB itself
 * does not (SDM vol. 3, 17.3.1.1; table 6-1 for the classes).
 */
static bool excp_is_fault(int vec)
{
    return vec == EXCP00_DIVZ || (vec >= EXCP05_BOUND && vec <= EXCP07_PREX) ||
           (vec >= EXCP0A_TSS && vec <= EXCP0E_PAGE) ||
           (vec >= EXCP10_COPR && vec <= EXCP11_ALGN) || vec == EXCP13_XMM;
}

/*
 * A data breakpoint MOV SS / POP SS hit, held back past the instruction
 * in its shadow (x86_cpu_exec_after), meets how that instruction ended
 * (SDM vol. 3, 6.8.3; what hardware does, as Linux's mov_ss_trap
 * selftest and kvm-unit-tests' debug test see it): a fault drops it; a
 * #DB (ICEBP, INT1) takes it into its own DR6, one #DB for both; anything
 * else (INT n, INT3, INTO, an instruction that leaves the block early)
 * entered its handler or completed: the #DB is delivered now, on top.
 * Returns true when it delivered a #DB itself.
 */
static bool deliver_held_db(CPUX86State *env, int vec, uint32_t held)
{
    if (vec < EXCP_HLT && excp_is_fault(vec)) {
        return false;
    }
    env->dr[6] = (env->dr[6] & ~0xfull) | held;
    if (vec == EXCP01_DB) {
        return false;
    }
    env->excp_depth++;
    env->cur_excp = EXCP01_DB;
    x86_do_interrupt(env, EXCP01_DB, false, false, 0, env->eip);
    return true;
}

static AccelExit x86_cpu_exec_exception(CPUState *cpu, int excp, int err,
                                        bool has_err)
{
    CPUX86State *env = &cpu->env;
    env->pending_db = 0;
    env->fault_ss = 0;      /* a helper's SS marker (gen_helper_ss) */
    if (excp == EXCP_DEBUG) {
        env->excp_depth = 0;
        return ACCEL_EXIT_KICKED; /* stop_request is set: the loop leaves */
    }
    uint32_t held = env->held_db;
    env->held_db = 0;
    if (unlikely(held) && excp >= EXCP_HLT &&
        deliver_held_db(env, excp, held)) {
        env->excp_depth = 0;
        return ACCEL_EXIT_KICKED; /* no HLT: the #DB handler runs first */
    }
    if (unlikely(cpu->debug.singlestep) && excp <= EXCP_HLT) {
        /* The step ends after the HLT, or at the exception's handler
         * (delivered below). */
        cpu_debug_report_hit(cpu, CPU_BP_SW, true, 0);
    }
    if (excp == EXCP_HLT) {
        env->halted = true;
        env->excp_depth = 0;
        return ACCEL_EXIT_HALTED;
    }
    if (excp < EXCP_HLT) {
        int vec = excp;
        if (env->excp_depth > 0) {
            /* A fault while delivering env->cur_excp (SDM 6.15,
             * "Interrupt 8", table 6-5). */
            int first = env->cur_excp;
            if (first == EXCP08_DBLE) {
                log_mask(LOG_INT, "tcg: triple fault\n");
                env->excp_depth = 0;
                return ACCEL_EXIT_SHUTDOWN;
            }
            if ((excp_contributory(first) && excp_contributory(vec)) ||
                (first == EXCP0E_PAGE &&
                 (excp_contributory(vec) || vec == EXCP0E_PAGE))) {
                vec = EXCP08_DBLE;
                err = 0;
                has_err = env->cr[0] & CR0_PE_MASK;
            }
            if (env->excp_depth > 8) {
                /* Benign faults forever (a broken IDT): give up. */
                log_mask(LOG_INT, "tcg: exception loop\n");
                env->excp_depth = 0;
                return ACCEL_EXIT_SHUTDOWN;
            }
        }
        env->excp_depth++;
        env->cur_excp = vec;
        if (excp_is_fault(vec) && (env->cr[0] & CR0_PE_MASK)) {
            env->eflags |= RF_MASK; /* delivery clears it again */
        }
        if (unlikely(held) && vec == excp) {
            if (vec == EXCP01_DB) {
                deliver_held_db(env, vec, held); /* into this #DB's DR6 */
            } else if (!excp_is_fault(vec)) {
                /* A trap-class exception: its handler first, the #DB
                 * stops at the handler's first instruction. */
                x86_do_interrupt(env, vec, false, has_err, err, env->eip);
                deliver_held_db(env, EXCP_EXIT, held);
                env->excp_depth = 0;
                return ACCEL_EXIT_KICKED;
            }
        }
        x86_do_interrupt(env, vec, false, has_err, err, env->eip);
    }
    env->excp_depth = 0;
    return ACCEL_EXIT_KICKED;
}

/* ---- block boundaries ---- */

/*
 * Debug registers (SDM vol. 3, 17.2): instruction breakpoints are faults
 * checked at each instruction boundary (blocks are one instruction while
 * DR7 enables anything), unless EFLAGS.RF; data breakpoints are traps the
 * softmmu reports (x86_check_watchpoint) and the loop raises after the
 * instruction; single-step (TF) traps after each instruction of a block
 * translated with TF set.  DR6 gets B0-B3 / BS.
 */
static void debug_regs_changed(CPUX86State *env)
{
    if (memcmp(env->tlb_dr, env->dr, sizeof(env->tlb_dr))) {
        memcpy(env->tlb_dr, env->dr, sizeof(env->tlb_dr));
        tlb_flush(env); /* watched pages go slow */
    }
}

static void check_insn_bp(CPUX86State *env)
{
    uint32_t dr7 = env->dr[7];
    uint64_t lin = env->segs[R_CS].base + env->eip;
    uint64_t amask = (env->hflags & HF_CS64) ? ~0ull : 0xffffffffull;
    uint32_t hits = 0;
    for (int i = 0; i < 4; i++) {
        if ((dr7 >> (i * 2)) & 3 && ((dr7 >> (16 + i * 4)) & 3) == 0 &&
            (env->dr[i] & amask) == (lin & amask)) {
            hits |= 1u << i;
        }
    }
    if (hits) {
        env->dr[6] = (env->dr[6] & ~0xfull) | hits;
        x86_raise_exception(env, EXCP01_DB);
    }
}

static bool deliver_event(CPUState *cpu, CPUX86State *env)
{
    /* An NMI blocks further NMIs until the next IRET (SDM vol. 3, 6.7.1):
     * the request waits. */
    if (cpu->nmi_request && !env->nmi_blocked) {
        cpu->nmi_request = false;
        env->nmi_blocked = true;
        x86_do_interrupt(env, EXCP02_NMI, false, false, 0, env->eip);
        env->halted = false;
        return true;
    }
    if (cpu->intr_level && (env->eflags & IF_MASK) &&
        !(env->hflags & HF_INHIBIT_IRQ) && cpu->irq_ack) {
        bql_lock();
        int vec = cpu->irq_ack(cpu->irq_ack_opaque);
        bql_unlock();
        if (vec >= 0) {
            x86_do_interrupt(env, vec, false, false, 0, env->eip);
        }
        env->halted = false;
        return true;
    }
    return false;
}

static bool x86_cpu_exec_enter(CPUState *cpu)
{
    CPUX86State *env = &cpu->env;
    bool event = false;
    if (env->a20_mask != env->tlb_a20_mask) {
        env->tlb_a20_mask = env->a20_mask;
        tlb_flush(env);
    }
    if ((cpu->nmi_request || cpu->intr_level) &&
        likely(!cpu->debug.singlestep)) {
        event = deliver_event(cpu, env);
    }
    /* At a block's entry the inhibit comes from a protected-mode MOV SS /
     * POP SS (the block ended after it).  Intel parts also hold back an
     * instruction breakpoint on the next instruction then; AMD's do not
     * (kvm-unit-tests' emulator test checks both). */
    bool ss_shadow = (env->hflags & HF_INHIBIT_IRQ) &&
                     !x86_cpu_is_amd(env);
    env->hflags &= ~HF_INHIBIT_IRQ;
    if (unlikely(env->dr[7] & 0xff) || unlikely(env->tlb_dr[7] & 0xff)) {
        debug_regs_changed(env);
        if ((env->dr[7] & 0xff) && !(env->eflags & RF_MASK) && !ss_shadow) {
            check_insn_bp(env);
        }
    }
    env->rf_at_entry = env->eflags & RF_MASK;
    return event;
}

static void x86_cpu_exec_after(CPUState *cpu, uint32_t tb_flags,
                               uint64_t tb_eip)
{
    CPUX86State *env = &cpu->env;
    if (env->rf_at_entry) {
        env->eflags &= ~RF_MASK; /* the instruction it covered ran */
        env->rf_at_entry = false;
    }
    if (unlikely(env->pending_db) && (env->hflags & HF_INHIBIT_IRQ)) {
        /* The block ended with a MOV SS / POP SS that hit a data
         * breakpoint: the trap waits until after the next instruction
         * (SDM vol. 3, 6.8.3), and how that one ends decides
         * (deliver_held_db). */
        env->held_db |= env->pending_db;
        env->pending_db = 0;
    } else if (unlikely(env->pending_db) ||
               (unlikely(env->held_db) &&
                !(env->exit_request && env->eip == tb_eip))) {
        /* (A block left before its first instruction ran keeps the held
         * one.) */
        env->dr[6] = (env->dr[6] & ~0xfull) | env->pending_db | env->held_db;
        env->pending_db = env->held_db = 0;
        x86_raise_exception(env, EXCP01_DB);
    }
    /* A block that sets the inhibit ended with a protected-mode MOV SS /
     * POP SS: its single-step trap is held back until after the next
     * instruction (SDM vol. 3, 6.8.3; kvm-unit-tests' debug test). */
    if (unlikely(tb_flags & HF_TF) && !(env->hflags & HF_INHIBIT_IRQ) &&
        !(env->exit_request && env->eip == tb_eip)) {
        env->dr[6] |= 0x4000; /* BS */
        x86_raise_exception(env, EXCP01_DB);
    }
    if (unlikely(cpu->debug.singlestep) &&
        !(env->exit_request && env->eip == tb_eip)) {
        cpu_debug_report_hit(cpu, CPU_BP_SW, true, 0);
    }
}

/*
 * The key is the fields the generated code's jump-cache probe compares
 * (env_cs_base_offset, env_pc_offset: 64 bits each).  Outside 64-bit
 * code they hold 32-bit values; the truncation only guards the key
 * against stray upper halves (a probe miss then, never a wrong block).
 */
static bool x86_get_tb_cpu_state(CPUX86State *env, uint64_t *cs_base,
                                 uint64_t *eip, uint32_t *flags)
{
    *cs_base = env->segs[R_CS].base;
    *eip = env->eip;
    if (!(env->hflags & HF_CS64)) {
        *cs_base = (uint32_t)*cs_base;
        *eip = (uint32_t)*eip;
    }
    *flags = env->hflags | ((env->dr[7] & 0xff) ? TB_FLAG_SINGLE_INSN : 0);
    const CPUState *cpu = container_of(env, CPUState, env);
    if (unlikely(cpu->debug.active) &&
        (cpu->debug.singlestep || cpu->debug.nwp > 0)) {
        *flags |= TB_FLAG_SINGLE_INSN;
    }
    /* Fetch beyond the CS limit (SDM 6.15, #GP(0)); 64-bit mode has
     * none (a non-canonical RIP is the TLB fill's). */
    return likely(*eip <= env->segs[R_CS].limit) || !(*flags & HF_PE) ||
           (*flags & HF_CS64);
}

static void x86_raise_fetch_fault(CPUX86State *env) EMU_NORETURN;
static void x86_raise_fetch_fault(CPUX86State *env)
{
    x86_raise_exception_err(env, EXCP0D_GPF, 0);
}

static void x86_restore_state_to_opc(CPUX86State *env, const uint64_t *data)
{
    /* 64-bit mode: the whole RIP; otherwise EIP (32 bits). */
    env->eip = (env->hflags & HF_CS64) ? data[0] : (uint32_t)data[0];
    env->fault_ss = data[1] & (X86_INSN_SS_EA | X86_INSN_STACK);
}

/* -d exec: one line per block entered; -d cpu: the registers too. */
static void x86_log_exec(CPUX86State *env, uint32_t tb_phys, uint32_t flags)
{
    if (log_enabled(LOG_EXEC)) {
        log_printf("Trace %04x:%08" PRIx64 " [%08x] flags %x\n",
                   env->segs[R_CS].selector, env->eip, tb_phys, flags);
    }
    if (log_enabled(LOG_CPU)) {
        uint32_t saved = env->eflags;
        env->eflags = x86_get_eflags(env);
        x86_cpu_dump_state(emu_logfile ? emu_logfile : stderr, env);
        env->eflags = saved;
    }
}

static void x86_disas_log(uint64_t cs_base, uint64_t eip, const uint8_t *code,
                          size_t len, uint32_t flags)
{
    int bits = (flags & HF_CS64) ? 64 : (flags & HF_CS32) ? 32 : 16;
    disas_log_guest(cs_base, eip, code, len, bits);
}

/* ---- state in and out of the translator ---- */

/* env was loaded from outside (reset, loaders, the monitor): derive the
 * lazy flags and hflags from EFLAGS and the control registers. */
static void x86_tcg_put_state(CPUX86State *env)
{
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = env->eflags & CC_ARITH;
    env->df = (env->eflags & DF_MASK) ? -1 : 1;
    env->hflags &= ~HF_INHIBIT_IRQ;
    x86_update_hflags(env);
}

/* Fold the lazy flags into EFLAGS so that env is complete. */
static void x86_tcg_get_state(CPUX86State *env)
{
    uint32_t fl = x86_get_eflags(env);
    env->eflags = fl;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = fl & CC_ARITH;
}

/*
 * The frontend has two builds (translate-tl.h): CPU models with long mode
 * translate every mode with the 64-bit one, the others with the 32-bit
 * one, whose code is what it was before long mode existed.
 */
static void x86_tcg_translate_init(void)
{
    x86_translate_init();
    x86_translate_init64();
}

static uint32_t x86_tcg_translate_block(CPUX86State *env, uintptr_t tb_id,
                                        uint64_t cs_base, uint64_t pc,
                                        uint32_t flags, int max_insns,
                                        int *ninsns)
{
    if (env->cpuid_ext2_features & CPUID_EXT2_LM) {
        return x86_translate_block64(env, tb_id, cs_base, pc, flags,
                                     max_insns, ninsns);
    }
    return x86_translate_block(env, tb_id, cs_base, pc, flags, max_insns,
                               ninsns);
}

static const TCGCPUOps x86_tcg_ops = {
    .translate_init = x86_tcg_translate_init,
    .translate_block = x86_tcg_translate_block,
    .restore_state_to_opc = x86_restore_state_to_opc,
    .disas_log = x86_disas_log,
    .get_tb_cpu_state = x86_get_tb_cpu_state,
    .raise_fetch_fault = x86_raise_fetch_fault,
    .tb_flag_paging = HF_PG,
    .tb_flag_pc64 = HF_CS64,
    .env_cs_base_offset = offsetof(CPUX86State, segs[R_CS].base),
    .env_pc_offset = offsetof(CPUX86State, eip),
    .env_flags_offset = offsetof(CPUX86State, hflags),
    .mmu_index = x86_mmu_index,
    .tlb_fill = x86_tlb_fill,
    .page_watched = x86_page_watched,
    .check_watchpoint = x86_check_watchpoint,
    .cpu_exec_enter = x86_cpu_exec_enter,
    .cpu_exec_after = x86_cpu_exec_after,
    .cpu_exec_exception = x86_cpu_exec_exception,
    .log_exec = x86_log_exec,
    .put_state = x86_tcg_put_state,
    .get_state = x86_tcg_get_state,
};

static void __attribute__((constructor)) x86_tcg_ops_register(void)
{
    tcg_cpu_ops_register(&x86_tcg_ops);
}
