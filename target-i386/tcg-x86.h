/*
 * The x86 frontend of the translator: what target-i386 (decoder, emitters,
 * helpers) and accel/tcg (exec loop, softmmu) say to each other.
 *
 * Lazy flags (tcg/README.md, "Lazy flags"): env->cc_op names the last
 * flag-setting operation, env->cc_dst/cc_src/cc_src2 hold its operands:
 *
 *   CC_OP_EFLAGS   cc_src = the six arithmetic flags, already computed
 *   ADD  dst = result, src = second operand
 *   ADC  dst = result, src = second operand, src2 = carry in
 *   SUB  dst = result, src = second operand (cmp: the discarded result)
 *   SBB  dst = result, src = second operand, src2 = borrow in
 *   LOGIC dst = result (CF = OF = AF = 0)
 *   INC/DEC dst = result, src = CF before (INC/DEC keep CF)
 *   SHL  dst = result, src = operand shifted by count - 1
 *   SAR  dst = result, src = operand shifted right by count - 1 (SHR too)
 *   MUL  dst = low half, src = nonzero if the product overflowed the half
 *
 * Every op comes in four sizes, B W L Q, in that order (Q: 64-bit
 * operands, long mode only).  env->eflags holds
 * the other bits (IF, DF, TF, IOPL, NT, ...) at all times; the arithmetic
 * bits in env->eflags are stale while the translator runs and are folded in
 * by x86_get_eflags().
 */
#ifndef TARGET_I386_TCG_X86_H
#define TARGET_I386_TCG_X86_H

#include "emu/common.h"
#include "accel/tcg/tcg-cpu-ops.h"
#include "target-i386/cpu.h"

enum {
    CC_OP_EFLAGS = 0,
    CC_OP_ADDB, CC_OP_ADDW, CC_OP_ADDL, CC_OP_ADDQ,
    CC_OP_ADCB, CC_OP_ADCW, CC_OP_ADCL, CC_OP_ADCQ,
    CC_OP_SUBB, CC_OP_SUBW, CC_OP_SUBL, CC_OP_SUBQ,
    CC_OP_SBBB, CC_OP_SBBW, CC_OP_SBBL, CC_OP_SBBQ,
    CC_OP_LOGICB, CC_OP_LOGICW, CC_OP_LOGICL, CC_OP_LOGICQ,
    CC_OP_INCB, CC_OP_INCW, CC_OP_INCL, CC_OP_INCQ,
    CC_OP_DECB, CC_OP_DECW, CC_OP_DECL, CC_OP_DECQ,
    CC_OP_SHLB, CC_OP_SHLW, CC_OP_SHLL, CC_OP_SHLQ,
    CC_OP_SARB, CC_OP_SARW, CC_OP_SARL, CC_OP_SARQ,
    CC_OP_MULB, CC_OP_MULW, CC_OP_MULL, CC_OP_MULQ,
    CC_OP_NB,
};

/* The operand size in bytes (1, 2, 4, 8) of a lazy op other than EFLAGS,
 * and whether op is one of base's four sizes. */
#define CC_OP_SIZES 4
static inline int cc_op_size(int op)
{
    return 1 << ((op - CC_OP_ADDB) % CC_OP_SIZES);
}
static inline bool cc_op_is(int op, int base)
{
    return op >= base && op < base + CC_OP_SIZES;
}

/*
 * ROL/ROR with an immediate count change only CF and OF: the frontend
 * keeps the previous cc_op (not ADC/SBB, which use src2) and ORs one of
 * these into it, with src2 = the rotated value: ROL CF = bit 0, OF = bit
 * 31 ^ CF; ROR CF = bit 31, OF = bit 31 ^ bit 30.
 */
#define CC_OP_ROL_OVL 0x40
#define CC_OP_ROR_OVL 0x80

#define CC_ARITH (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O)

/* env->hflags: what a translation depends on besides CS base and PC. */
#define HF_CPL_MASK 0x3
#define HF_PE (1u << 2)        /* CR0.PE */
#define HF_CS32 (1u << 3)      /* default operand/address size 32 */
#define HF_SS32 (1u << 4)      /* stack pointer is ESP */
#define HF_VM (1u << 5)        /* virtual-8086 mode */
#define HF_INHIBIT_IRQ (1u << 6) /* after MOV SS / POP SS / STI */
#define HF_TF (1u << 7)        /* single step: one insn per block */
#define HF_PG (1u << 8)        /* CR0.PG */
/*
 * Long mode (issue 10).  HF_LMA: EFER.LMA (IA-32e mode: 64-bit IDT, TSS
 * and descriptor formats, SYSCALL/SYSRET in their 64-bit forms).  HF_CS64:
 * LMA and CS.L, i.e. 64-bit mode (default operand size 32 with REX.W for
 * 64, address size 64, flat segments but FS/GS bases, RIP-relative).  In
 * 64-bit mode HF_CS32 and HF_SS32 are set too, and the HF_SEG bits are 0
 * (no limit checks; canonical checks are the TLB fill's).
 */
#define HF_LMA (1u << 9)
/*
 * The second insn_start word of the 64-bit frontend, which
 * restore_state_to_opc copies to env->fault_ss: the instruction's ModRM
 * memory operand is SS-relative (X86_INSN_SS_EA), or it makes implicit
 * stack accesses at RSP or RBP (X86_INSN_STACK: PUSH, POP, CALL, LEAVE...).
 * A non-canonical address in such an access is #SS(0), others #GP(0)
 * (x86_fault_ss).  Helpers that access an SS-relative operand themselves
 * get X86_INSN_SS_EA in env->fault_ss from the frontend for the call.
 */
#define X86_INSN_SS_EA 1
#define X86_INSN_STACK 2
/* Whether a non-canonical access to linear by the instruction env was
 * restored to is a stack fault (#SS) rather than #GP. */
bool x86_fault_ss(const CPUX86State *env, uint64_t linear);
#define HF_CS64 (1u << 10)
/*
 * SSE instructions raise no #UD or #NM for the control registers: CR0.EM
 * and CR0.TS clear, CR4.OSFXSR set (vol. 3, 13.1).  The frontend inlines
 * the common SSE moves only then (translate-sse-move.c); every write of
 * CR0 or CR4, CLTS and the task switch's TS update hflags.
 */
#define HF_SSE_ON (1u << 11)
/*
 * Protected mode (not V86): two bits per segment register (index R_ES..
 * R_GS) saying which checks (SDM vol. 3, 5.3-5.4) its data accesses need:
 * 0 none (flat 4 GiB writable data, the fast path), HF_SEGCHK_LIMIT only
 * offset + size - 1 <= limit (expand-up writable data, limit >= 3),
 * HF_SEGCHK_FULL everything (helper_check_seg).
 */
#define HF_SEG_SHIFT 16
#define HF_SEG_MASK (0xfffu << HF_SEG_SHIFT)
#define HF_SEGCHK_LIMIT 1
#define HF_SEGCHK_FULL 2

/* Arithmetic flags from the lazy state; full EFLAGS. */
uint32_t x86_cc_compute_all(uint32_t cc_op, uint64_t dst, uint64_t src,
                            uint64_t src2);
uint32_t x86_get_eflags(const CPUX86State *env);
/* Load EFLAGS (all of it) honouring mask: bits outside it keep their value. */
void x86_set_eflags(CPUX86State *env, uint32_t val, uint32_t mask);
/* Recompute env->hflags from CR0, segment caches and EFLAGS. */
void x86_update_hflags(CPUX86State *env);

/*
 * Exceptions and interrupts (target-i386/tcg-cpu.c, helper-seg.c).  raise never
 * returns: the exec loop delivers the event with env as it was before the
 * faulting instruction (the translator stores eip before every helper that
 * may raise).
 */
void x86_raise_exception(CPUX86State *env, int vector) EMU_NORETURN;
void x86_raise_exception_err(CPUX86State *env, int vector, int error_code)
    EMU_NORETURN;
/*
 * Deliver an interrupt or exception now: is_sw for INT n / INTO / INT3
 * (next_eip is the return address), has_err for exceptions that push an
 * error code.  May raise a nested exception (double fault logic is the
 * caller's: the exec loop).
 */
void x86_do_interrupt(CPUX86State *env, int vector, bool is_sw,
                      bool has_err, int error_code, uint64_t next_eip);

/*
 * Services for the helpers (target-i386/mem-helper.c and tcg-cpu.c, over
 * accel/tcg's public cpu-ldst.h and tcg-cpu-ops.h): guest memory by linear
 * address (size 1, 2 or 4), code bytes for the decoder, port I/O, and the
 * non-local exit to the exec loop.
 */
uint32_t x86_ld(CPUX86State *env, uint64_t linear, int size);
/*
 * The bulk of REP MOVS / REP STOS with 32-bit addressing and flat segments
 * (the frontend checks both): copies or fills as many elements as it can
 * through TLB entries already present (RAM pages with fast tags), updating
 * ECX/ESI/EDI, and stops early at anything else (a TLB miss, MMIO, code
 * pages, overlap, DF = 1, a budget); the translated loop does the rest one
 * element at a time.  Never faults.  op: element size (1/2/4/8) | source
 * segment << 4 | 0x100 for MOVS | REP_FAST_A64 for 64-bit addressing in
 * 64-bit mode (RCX/RSI/RDI, no ES/DS/SS base) | mmu_idx << 12.
 */
#define REP_FAST_A64 0x200
void helper_rep_fast(CPUX86State *env, uint32_t op);
void helper_rep_io_fast(CPUX86State *env, uint32_t op);
void x86_st(CPUX86State *env, uint64_t linear, int size, uint32_t val);
/* Raise the #PF a write of linear at the current privilege would raise,
 * without writing or setting A/D (ENTER checks its final ESP first). */
void x86_probe_write(CPUX86State *env, uint64_t linear);
uint8_t x86_code_ldub(CPUX86State *env, uint64_t linear);
/* Eight-byte system accesses (long mode: 16-byte gates and descriptors,
 * the 64-bit TSS, 64-bit interrupt frames). */
uint64_t x86_ldq_sys(CPUX86State *env, uint64_t linear);
void x86_stq_sys(CPUX86State *env, uint64_t linear, uint64_t val);
/* Supervisor-mode ("system") accesses whatever the CPL: descriptor tables,
 * the TSS, an inner stack during a privilege change (SDM 4.6). */
uint32_t x86_ld_sys(CPUX86State *env, uint64_t linear, int size);
void x86_st_sys(CPUX86State *env, uint64_t linear, int size, uint32_t val);
uint32_t x86_port_in(CPUX86State *env, uint32_t port, int size);
void x86_port_out(CPUX86State *env, uint32_t port, int size, uint32_t val);
/* Leave the current block for the exec loop; pending exception in excp. */
void x86_cpu_loop_exit(CPUX86State *env, int excp, int error_code,
                       bool has_err) EMU_NORETURN;
/* Flush every TLB entry and translated block (CR0/CR3/CR4 writes). */
void x86_tlb_flush(CPUX86State *env);

/* Pseudo exception numbers for x86_cpu_loop_exit: EXCP_HLT (HLT: leave
 * with ACCEL_EXIT_HALTED) and EXCP_EXIT (back to the loop), from
 * accel/tcg/tcg-cpu-ops.h. */

/*
 * The frontend (target-i386/translate.c): translate the block at
 * cs_base + eip under hflags into tcg_ctx; tb_id is what exit_tb reports
 * (slot added).  The block starts by testing env->exit_request.  Returns the number of
 * guest bytes covered (for page tracking); *ninsns gets the instruction
 * count.
 */
void x86_translate_init(void);
uint32_t x86_translate_block(CPUX86State *env, uintptr_t tb_id,
                             uint64_t cs_base, uint64_t eip, uint32_t hflags,
                             int max_insns, int *ninsns);
/* The same frontend built with 64-bit values (translate-tl.h): CPU models
 * with long mode run every mode through it. */
void x86_translate_init64(void);
uint32_t x86_translate_block64(CPUX86State *env, uintptr_t tb_id,
                               uint64_t cs_base, uint64_t eip,
                               uint32_t hflags, int max_insns, int *ninsns);

#endif
