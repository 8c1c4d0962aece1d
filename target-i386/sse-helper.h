/*
 * MMX, SSE, SSE2 and SSE3 instructions of the 0F two-byte map
 * (Intel SDM vol. 1 ch. 9-12, vol. 2 instruction entries).
 *
 * The translator decodes every instruction for which sse_opcode_known() is
 * true (prefixes, ModRM, the effective address, the immediate, and with
 * sse_decode() the operation) and calls that operation's helper; this file
 * does the rest: the CR0/CR4 checks,
 * operand fetch (MMX registers, XMM registers, general registers, guest
 * memory), the operation, the write-back, MXCSR flags and SIMD exceptions.
 *
 * Floating point: the host executes the guest's SSE arithmetic itself (an
 * x86 host is required).  Each operation runs in one inline-asm block that
 * loads the guest's rounding mode, FTZ and DAZ into the host MXCSR with
 * every exception masked and all flags clear, executes the same instruction,
 * reads the host flags and restores the host MXCSR.  Results (including
 * RCPPS/RSQRTPS approximations, NaN propagation, the default NaN and the
 * integer indefinite) are therefore those of the host's SSE unit,
 * independent of the host program's own MXCSR.  Unmasked guest exceptions
 * are derived from the masked flags following vol. 1 11.5.3 (pre-
 * computation IE/ZE/DE first, then OE/UE/PE; the destination is not
 * written when either raises); for an unmasked overflow/underflow PE is
 * recomputed lane by lane as the host reports it (sse-helper.c).
 * Integer operations are plain C (sse-int.c); host asm is in sse-host.c.
 *
 * State touched: env->xmm[0..15], MMX registers env->fpregs[i].mant (MMi
 * is physical register Ri), fpstt/fptags (MMX state), env->mxcsr,
 * env->regs[0..15] (MOVD/MOVQ, CVT*SI*, PEXTRW, PINSRW, MOVMSK*, PMOVMSKB,
 * MOVNTI), env->cc_op/cc_src (COMISS, UCOMISS, COMISD, UCOMISD).
 *
 * Long mode (x86-64).  The REX prefix (sse_decode's rex, 0 outside 64-bit
 * mode) does what the SDM gives it for this map: REX.R extends ModRM.reg
 * and REX.B the register form's ModRM.rm to XMM8-15 and R8-R15 (MMX
 * registers ignore both: MM0-7 only); REX.W selects the 64-bit general
 * register / m64 forms of MOVD (MOVQ, 0F 6E/7E with or without 66),
 * CVTSI2SS/SD (F3/F2 0F 2A), CVT(T)SS2SI/SD2SI (F3/F2 0F 2C/2D), MOVNTI
 * (0F C3) and FXSAVE64/FXRSTOR64 (0F AE /0 /1, 64-bit FPU IP and DP), and
 * is ignored elsewhere.  A general register written with a 32-bit result
 * (MOVD, CVT*2SI, PEXTRW, PMOVMSKB, MOVMSKPS/PD) is zero-extended into all
 * 64 bits, in every mode (outside 64-bit mode the upper half is not
 * visible).  In 64-bit mode (HF_CS64) memory operands are at 64-bit linear
 * addresses and FXSAVE/FXRSTOR also cover XMM8-15; outside it the
 * addresses of a multi-piece operand wrap at 4 GiB as before.
 *
 * Not here: EMMS (0F 77) and FISTTP are the x87 helper's, MONITOR/MWAIT are
 * not SSE3 state, SSSE3 (0F 38 / 0F 3A) is not implemented.
 */
#ifndef TARGET_I386_SSE_HELPER_H
#define TARGET_I386_SSE_HELPER_H

#include "target-i386/tcg-x86.h"

/* MXCSR (SDM vol. 1, 10.2.3) */
#define MXCSR_IE         (1u << 0)
#define MXCSR_DE         (1u << 1)
#define MXCSR_ZE         (1u << 2)
#define MXCSR_OE         (1u << 3)
#define MXCSR_UE         (1u << 4)
#define MXCSR_PE         (1u << 5)
#define MXCSR_FLAGS      0x3fu
#define MXCSR_DAZ        (1u << 6)
#define MXCSR_MASK_SHIFT 7
#define MXCSR_MASKS      (0x3fu << MXCSR_MASK_SHIFT)
#define MXCSR_RC_SHIFT   13
#define MXCSR_RC         (3u << MXCSR_RC_SHIFT)
#define MXCSR_FTZ        (1u << 15)
/* Bits software may set (the MXCSR_MASK value FXSAVE reports). */
#define MXCSR_WRITABLE 0xffffu

/*
 * Execute one MMX/SSE/SSE2/SSE3 instruction of the 0F map.
 *
 *   prefix  the mandatory prefix: 0, 0x66, 0xF3 or 0xF2 (when both 66 and
 *           F2/F3 are present the decoder passes the F2/F3 one, the last
 *           F2/F3 if several)
 *   opc     the byte after 0F
 *   modrm   the ModRM byte (every opcode handled here has one)
 *   rex     the REX prefix (0x40-0x4F) in 64-bit mode, else 0
 *   ea      the linear address of the memory operand (segment base added);
 *           ignored for register forms.  For MASKMOVQ / MASKMOVDQU it is
 *           the linear address of DS:(E)DI (segment override applied).
 *   imm8    the immediate, for opcodes where sse_opcode_has_imm8()
 *
 * Raises (never returns then; env is unchanged): #UD for undefined forms,
 * CR0.EM=1, or CR4.OSFXSR=0 on SSE forms; #NM for CR0.TS=1; #MF for a
 * pending x87 exception (CR0.NE=1) when an MMX register is an operand;
 * #GP(0) for a misaligned 16-byte operand of the aligned forms; whatever
 * guest memory access raises; #XM (CR4.OSXMMEXCPT=1) or #UD for an unmasked
 * SIMD floating-point exception, after setting its MXCSR flags.
 *
 * MMX forms (and SSE forms with an MMX register operand, except CVTPI2PS/
 * CVTPI2PD from memory) set the x87 TOP to 0 and all tags valid, and an MMX
 * register write sets the register's exponent field to all ones.
 * COMISS/UCOMISS/COMISD/UCOMISD set env->cc_op = CC_OP_EFLAGS and
 * env->cc_src (ZF PF CF from the compare, OF SF AF clear).
 * The 0F AE group (LDMXCSR, STMXCSR, LFENCE, MFENCE, SFENCE, CLFLUSH;
 * FXSAVE/FXRSTOR are passed on to the x87 helper's x87_fxsave/x87_fxrstor
 * with these hooks), PREFETCHh / hint NOPs (0F 18) and MOVNTI (0F C3) are
 * handled here too; XSAVE forms are #UD.
 */
void helper_sse(CPUX86State *env, uint8_t prefix, uint8_t opc, uint8_t modrm,
                uint8_t rex, uint64_t ea, uint8_t imm8);

/*
 * The same decoded once, at translation time: sse_decode() checks the form
 * (false: #UD, a register form of a memory-only instruction or the
 * reverse) and picks the operation's own entry point (helper) with its
 * decoded operands (info: ModRM.reg and ModRM.rm with REX.R/REX.B, REX.W,
 * memory or register, the class checks, the memory operand's segment seg,
 * or -1 for none to check (64-bit mode: always -1); arg: imm8 and the
 * opcode, which the groups that share an operation read).
 * Generated code calls helper(env, info, ea, arg), ea as for helper_sse;
 * it makes the segment checks of the memory operand's accesses.
 */
typedef void SSEHelper(CPUX86State *env, uint32_t info, uint64_t ea,
                       uint32_t arg);
typedef struct SSEDecoded {
    SSEHelper *helper;
    uint32_t info;
    uint32_t arg;
    uint8_t id;             /* the operation (helper_sse) */
} SSEDecoded;
bool sse_decode(uint8_t prefix, uint8_t opc, uint8_t modrm, uint8_t rex,
                uint8_t imm8, int seg, SSEDecoded *d);

/* Decoder queries: is (prefix, 0F opc) handled here, and does it take an
 * imm8 after the ModRM/displacement. */
bool sse_opcode_known(uint8_t prefix, uint8_t opc);
bool sse_opcode_has_imm8(uint8_t prefix, uint8_t opc);

/* LDMXCSR semantics: #GP(0) if a reserved bit (above MXCSR_WRITABLE) is
 * set. */
void helper_ldmxcsr(CPUX86State *env, uint32_t val);

/*
 * Guest memory and exceptions go through these hooks, which default to
 * x86_ld / x86_st / x86_raise_exception_err (accel/tcg), probe_st to
 * none (the translator's entry points set checked versions).  The unit
 * test points them at a flat fake memory and a recorder; nothing else
 * should change them.  Sizes are 1, 2 or 4 bytes.  raise must not return.
 */
typedef struct SSEHooks {
    uint32_t (*ld)(CPUX86State *env, uint64_t linear, int size);
    void (*st)(CPUX86State *env, uint64_t linear, int size, uint32_t val);
    void (*raise)(CPUX86State *env, int vector, int error_code) EMU_NORETURN;
    /* A store of size bytes, first to last, that crosses a page: raise
     * what its write would (segment, then #PF) without writing.  NULL: the
     * pieces are written in order (the unit test's flat memory). */
    void (*probe_st)(CPUX86State *env, uint64_t first, uint64_t last,
                     int size);
} SSEHooks;
extern SSEHooks sse_hooks;

#endif
