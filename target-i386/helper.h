/*
 * C helpers that generated code calls (tcg_gen_call).  Every helper takes
 * env first; integer arguments and results are 32 bits.  Helpers that may
 * raise an exception expect env->eip to hold the faulting instruction's
 * offset (the translator stores it before the call).
 */
#ifndef TARGET_I386_HELPER_H
#define TARGET_I386_HELPER_H

#include "target-i386/tcg-x86.h"

/* helper-cc / flags */
uint32_t helper_cc_all(uint32_t cc_op, uint64_t dst, uint64_t src,
                       uint32_t src2);
uint32_t helper_read_eflags(CPUX86State *env);
void helper_write_eflags(CPUX86State *env, uint32_t val, uint32_t mask);

/* helper-misc.c */
void helper_raise(CPUX86State *env, uint32_t vector);
void helper_raise_err(CPUX86State *env, uint32_t vector, uint32_t err);
void helper_hlt(CPUX86State *env, uint64_t next_eip);
/* The debugger's breakpoint at eip (already stored): stop before it. */
void helper_debug_bp(CPUX86State *env);
void helper_div(CPUX86State *env, uint64_t divisor, uint32_t size);
void helper_idiv(CPUX86State *env, uint64_t divisor, uint32_t size);
void helper_aaa(CPUX86State *env);
void helper_aas(CPUX86State *env);
void helper_daa(CPUX86State *env);
void helper_das(CPUX86State *env);
void helper_aam(CPUX86State *env, uint32_t base);
void helper_aad(CPUX86State *env, uint32_t base);
/* ROL ROR RCL RCR: op_size = size << 8 | op 0..3; flags go to cc_src with
 * cc_op = EFLAGS, unless ROTATE_NO_FLAGS is set (the result only). */
#define ROTATE_NO_FLAGS 0x4
uint64_t helper_rotate(CPUX86State *env, uint64_t val, uint32_t count,
                       uint32_t op_size);
uint32_t helper_in(CPUX86State *env, uint32_t port, uint32_t size);
/* Full protected-mode check of a data access at seg:off (SDM vol. 3,
 * 5.3-5.4); info = seg | size << 4 | write << 8, or with any size as
 * size << 16 (bits 4..7 zero).  #GP(0), #SS(0) for SS. */
void helper_check_seg(CPUX86State *env, uint32_t off, uint32_t info);
/* The same for an access the frontend could not check itself (a wide or
 * run-time-sized operand): off in segment seg, size bytes; real and V86
 * mode: the limit only. */
void check_seg_range(CPUX86State *env, int seg, uint32_t off, uint32_t size,
                     bool write);
void helper_out(CPUX86State *env, uint32_t port, uint32_t val,
                uint32_t size);
void helper_bound(CPUX86State *env, uint32_t idx, uint32_t linear,
                  uint32_t size);
void helper_enter(CPUX86State *env, uint32_t frame, uint32_t level,
                  uint32_t size);
void helper_cpuid(CPUX86State *env);
void helper_rdtsc(CPUX86State *env);
void helper_rdmsr(CPUX86State *env);
void helper_wrmsr(CPUX86State *env);
/*
 * cr-helper.c: MOV to/from CR0, CR2, CR3, CR4 and CR8 (reg 8: 64-bit
 * mode only, the frontend's to check), LMSW, CLTS.  val is the register
 * operand: 64 bits in 64-bit mode, else zero-extended 32.
 */
void helper_mov_cr(CPUX86State *env, uint32_t reg, uint64_t val);
uint64_t helper_read_cr(CPUX86State *env, uint32_t reg);
void helper_lmsw(CPUX86State *env, uint32_t val);
void helper_clts(CPUX86State *env);
/* WRMSR IA32_EFER (cr-helper.c, for msr-helper.c): false when the write
 * must raise #GP(0) (reserved bits, LME changed while paging is on). */
bool x86_write_efer(CPUX86State *env, uint64_t val);
void helper_lgdt_lidt(CPUX86State *env, uint64_t linear, uint32_t which,
                      uint32_t size);
void helper_sgdt_sidt(CPUX86State *env, uint64_t linear, uint32_t which,
                      uint32_t size);
void helper_lldt_ltr(CPUX86State *env, uint32_t sel, uint32_t which);
void helper_invlpg(CPUX86State *env, uint32_t linear);
/* BSF (op 0) / BSR (op 1): returns the new destination (old when val is
 * 0); the flags go to cc_src with cc_op = EFLAGS. */
uint64_t helper_bitscan(CPUX86State *env, uint64_t val, uint64_t old,
                        uint32_t op);
/* LAR (0) LSL (1) VERR (2) VERW (3): sets ZF; LAR/LSL write register
 * reg_size & 7 with size reg_size >> 8 when the selector is valid. */
void helper_lar_lsl(CPUX86State *env, uint32_t sel, uint32_t which,
                    uint32_t reg_size);
void helper_sysenter(CPUX86State *env);
/* SYSEXIT: size 4, or 8 with REX.W (back to 64-bit mode). */
void helper_sysexit(CPUX86State *env, uint32_t size);
/*
 * Long mode (issue 10).  SYSCALL: #UD unless EFER.SCE; in long mode RCX =
 * next_eip, R11 = RFLAGS, CS/SS from STAR[47:32], RIP from LSTAR (64-bit
 * caller) or CSTAR (compatibility mode), RFLAGS &= ~FMASK; legacy mode:
 * ECX = next_eip, EIP = STAR[31:0].  SYSRET: size 4 (to compatibility
 * mode or legacy) or 8 (REX.W, to 64-bit mode); #UD unless SCE, #GP
 * unless CPL 0 (and in long mode, non-canonical RCX for size 8).  SWAPGS:
 * exchange GS.base with IA32_KERNEL_GS_BASE (#UD outside 64-bit mode, #GP
 * unless CPL 0).
 */
void helper_syscall(CPUX86State *env, uint64_t next_eip);
void helper_sysret(CPUX86State *env, uint32_t size);
void helper_swapgs(CPUX86State *env);
/* INVD/WBINVD/CLTS-style privilege check: #GP(0) unless CPL 0. */
void helper_check_cpl0(CPUX86State *env);
/* MOV to/from DR0-DR7 (no breakpoints are taken), RDPMC (counters 0). */
void helper_mov_dr(CPUX86State *env, uint32_t reg, uint64_t val);
uint64_t helper_read_dr(CPUX86State *env, uint32_t reg);
void helper_rdpmc(CPUX86State *env);
/* WAIT; EMMS with its #UD (CR0.EM) / #NM (CR0.TS) checks.  (The x87 and
 * SSE instructions call the helper x87_decode() / sse_decode() give.) */
void helper_fwait_insn(CPUX86State *env);
void helper_emms_insn(CPUX86State *env);

/* helper-seg.c */
void helper_load_seg(CPUX86State *env, uint32_t seg, uint32_t sel);
void helper_ljmp(CPUX86State *env, uint32_t sel, uint64_t eip,
                 uint64_t next_eip);
/* size: operand size 2, 4 or 8 (REX.W, 64-bit mode) */
void helper_lcall(CPUX86State *env, uint32_t sel, uint64_t eip,
                  uint32_t size, uint64_t next_eip);
void helper_lret(CPUX86State *env, uint32_t size, uint32_t imm);
void helper_int(CPUX86State *env, uint32_t vector, uint64_t next_eip);
/* IRET, RETF: size 2, 4 or 8 (REX.W: IRETQ, RETFQ) */
void helper_iret(CPUX86State *env, uint32_t size);

/*
 * atomic-helper.c: locked read-modify-writes (LOCK, XCHG with memory) at
 * linear address lin; info = ATOMIC_INFO(size, op, mmu_idx).  Each returns
 * the old value (zero-extended); faults come before any change.
 * helper_atomic_op: lin = lin OP val (NEG: -lin, val ignored; XCHG: val).
 * helper_atomic_cmpxchg: val stored if the old value equals cmp (the
 * memory is written either way).  CMPXCHG8B/16B work on EDX:EAX /
 * ECX:EBX (RDX:RAX / RCX:RBX) in env and return ZF.
 */
enum { ATOMIC_ADD, ATOMIC_AND, ATOMIC_OR, ATOMIC_XOR, ATOMIC_XCHG,
       ATOMIC_NEG };
#define ATOMIC_INFO(size, op, mmu_idx) ((size) | (op) << 4 | (mmu_idx) << 8)
uint64_t helper_atomic_op(CPUX86State *env, uint64_t lin, uint64_t val,
                          uint32_t info);
uint64_t helper_atomic_cmpxchg(CPUX86State *env, uint64_t lin, uint64_t cmp,
                               uint64_t val, uint32_t info);
uint32_t helper_atomic_cmpxchg8b(CPUX86State *env, uint64_t lin,
                                 uint32_t info);
uint32_t helper_atomic_cmpxchg16b(CPUX86State *env, uint64_t lin,
                                  uint32_t info);

#endif
