/*
 * x87 FPU (and the MMX register aliasing) for the translator.
 *
 * The frontend decodes every ESC instruction (opcodes D8-DF) with
 * x87_decode() and calls the entry point of that one operation; it does
 * the whole instruction: device-not-available and pending-exception
 * checks, the memory operand, the arithmetic (exact soft-float,
 * softfloat-x80.h), the status/tag/pointer registers.  State lives in
 * CPUX86State:
 *
 *   fpregs[8]  physical registers R0-R7 (ST(i) is fpregs[(fpstt+i)&7])
 *   fpstt      TOP;  fpus  FSW without the TOP field;  fpuc  FCW
 *   fptags[i]  1 = R(i) empty, 0 = in use (the full 2-bit tag is derived
 *              from the contents when FSTENV/FSAVE need it)
 *   fpop       last FOP (11 bits);  fpip/fpcs, fpdp/fpds  last instruction
 *              and operand pointers, as offsets + selectors (64-bit
 *              offsets in 64-bit mode, 32-bit ones elsewhere)
 *
 * Long mode: REX does not extend an ESC instruction's ModRM fields (only
 * its memory operand's address, the frontend's).  In 64-bit mode (HF_CS64)
 * ea and fip are 64-bit linear addresses, there are no segment checks,
 * FIP is the 64-bit RIP and FDP the 64-bit offset of the operand (its FS
 * or GS base taken off), with the CS selector as FCS and the operand's
 * segment selector as FDS (0 when x87_decode got seg -1).  FSTENV/FSAVE
 * store the low 32 bits of FIP/FDP in their protected-mode layout, as
 * FXSAVE without REX.W does; FXSAVE64 (REX.W) stores all 64 (SDM vol. 2,
 * FXSAVE).  Outside 64-bit mode the pieces of an operand wrap at 4 GiB.
 *
 * Transcendental instructions (F2XM1 FYL2X FYL2XP1 FPTAN FPATAN FSIN FCOS
 * FSINCOS) are executed on the host's own x87 (the host is x86, whose x87
 * is the guest's): the guest's stack, control word and tags are loaded
 * with FRSTOR, the instruction runs, FNSAVE reads everything back.  The
 * results are therefore exactly the host CPU's, including C2 for
 * out-of-range arguments and masked/unmasked exception responses.  On a
 * non-x86 host those instructions return the indefinite (logged once).
 */
#ifndef TARGET_I386_FPU_HELPER_H
#define TARGET_I386_FPU_HELPER_H

#include "emu/common.h"
#include "target-i386/cpu.h"

/*
 * Guest memory and exception delivery as the helpers use them.  The
 * helper_* entry points use the translator's (x86_ld, x86_st,
 * x86_raise_exception_err from tcg-x86.h); tests pass their own so that
 * the FPU can run without the exec loop (x87_exec() and friends).
 * raise must not return.
 */
typedef struct X87MemOps {
    uint32_t (*ld)(CPUX86State *env, uint64_t linear, int size);
    void (*st)(CPUX86State *env, uint64_t linear, int size, uint32_t val);
    void (*raise)(CPUX86State *env, int vector, int error_code)
        __attribute__((noreturn));
} X87MemOps;

/*
 * An x87 instruction decoded once, at translation time: x87_decode() maps
 * the opcode byte op (D8..DF) and its ModRM byte to the operation's own
 * entry point (helper) and its decoded operand (arg: ST(i), the arithmetic
 * kind, the memory format, the environment layout), plus info (FOP, the
 * no-wait/control/memory attributes, the memory operand's segment seg and
 * size; seg -1: none, no checks).  Generated code calls helper(env,
 * info, ea, fip, arg), ea being the linear address of the memory operand
 * (0 for register forms) and fip the linear address of the instruction
 * (its first prefix); nothing is decoded again at run time.  data32 selects the
 * 14- or 28-byte FSTENV/FLDENV/FSAVE/FRSTOR layout (real or protected layout
 * follows CR0.PE and EFLAGS.VM).
 *
 * The operation raises #NM (CR0.EM or CR0.TS), then the memory operand's
 * segment checks, #MF (CR0.NE and an unmasked exception pending at a
 * waiting instruction), #UD (reserved encodings; FISTTP without SSE3 in
 * CPUID) and whatever the memory accesses raise.  With CR0.NE clear a
 * pending exception is ignored (as if IGNNE# were asserted; FERR# is not
 * wired).  FCOMI/FUCOMI(P) leave EFLAGS as cc_op = CC_OP_EFLAGS, cc_src =
 * the arithmetic flags; FCMOVcc reads x86_get_eflags().  FNSTSW AX writes
 * regs[R_EAX].
 */
typedef void X87Helper(CPUX86State *env, uint32_t info, uint64_t ea,
                       uint64_t fip, uint32_t arg);
typedef struct X87Insn {
    X87Helper *helper;
    uint32_t info;
    uint32_t arg;
    uint8_t id;             /* the operation (x87_exec) */
} X87Insn;
void x87_decode(uint8_t op, uint8_t modrm, bool data32, int seg, X87Insn *d);

/* WAIT/FWAIT: #NM if CR0.TS and CR0.MP; #MF if an exception is pending. */
void helper_fwait(CPUX86State *env);
/* FXSAVE/FXRSTOR (512-byte area; #GP(0) if ea is not 16-byte aligned or
 * FXRSTOR's MXCSR has reserved bits set).  rex_w: FXSAVE64/FXRSTOR64
 * (64-bit FIP/FDP, no selectors), in 64-bit mode only; 64-bit mode also
 * saves and loads XMM8-15. */
void helper_fxsave(CPUX86State *env, uint64_t ea, bool rex_w);
void helper_fxrstor(CPUX86State *env, uint64_t ea, bool rex_w);
/* EMMS: every register empty.  (#NM/#UD checks are the caller's.) */
void helper_emms(CPUX86State *env);

/* Decode and execute one x87 instruction with explicit memory/exception
 * services (tests); fcs, fds are the CS selector and the operand's
 * segment selector (outside 64-bit mode their bases are found by
 * selector; in 64-bit mode they are taken as 0).  No segment checks. */
void x87_exec(CPUX86State *env, const X87MemOps *ops, uint8_t op, uint8_t modrm,
              uint64_t ea, bool data32, uint64_t fip, uint16_t fcs,
              uint16_t fds);
void x87_fwait(CPUX86State *env, const X87MemOps *ops);
void x87_fxsave(CPUX86State *env, const X87MemOps *ops, uint64_t ea,
                bool rex_w);
void x87_fxrstor(CPUX86State *env, const X87MemOps *ops, uint64_t ea,
                 bool rex_w);

/* FNINIT state: FCW 037F, FSW 0, all empty, pointers 0. */
void x87_reset(CPUX86State *env);
/* FSW with TOP; the full tag word (00 valid 01 zero 10 special 11 empty);
 * the abridged one FXSAVE stores (bit i = R(i) in use). */
uint16_t x87_get_fsw(const CPUX86State *env);
uint16_t x87_get_ftw_full(const CPUX86State *env);
uint8_t x87_get_ftw_abridged(const CPUX86State *env);

/*
 * MMX (SDM vol. 1, 9.5): MMi is fpregs[i].mant.  Every MMX instruction
 * but EMMS makes TOP 0 and all tags valid: call x87_mmx_enter() first
 * (for reads too); x87_mmx_set() also sets the register's exponent field
 * to all ones, as a write from an MMX instruction does.
 */
void x87_mmx_enter(CPUX86State *env);
uint64_t x87_mmx_get(const CPUX86State *env, int i);
void x87_mmx_set(CPUX86State *env, int i, uint64_t v);

#endif
