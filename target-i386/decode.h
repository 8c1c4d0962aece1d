/*
 * The x86 opcode map in the SDM's operand notation (vol. 2, appendix A):
 * one entry per opcode (or per ModRM.reg for the groups) names the
 * mnemonic and up to three operands as addressing method + size, e.g.
 * ADD Eb,Gb, and points to the mnemonic's generator.  translate.c decodes
 * the operands the entry describes and calls that generator: the table is
 * the dispatch, there is no switch over the mnemonics.
 */
#ifndef TARGET_I386_DECODE_H
#define TARGET_I386_DECODE_H

#include "emu/common.h"

/* Addressing methods (appendix A.2.1), plus fixed registers. */
enum {
    A_NONE,
    A_E,      /* ModRM r/m: register or memory */
    A_G,      /* ModRM reg: general register */
    A_I,      /* immediate */
    A_IS,     /* immediate byte, sign-extended to the operand size */
    A_J,      /* relative offset */
    A_M,      /* ModRM r/m, memory only */
    A_R,      /* ModRM r/m, register only (MOV CRn) */
    A_S,      /* ModRM reg: segment register */
    A_C,      /* ModRM reg: control register */
    A_D,      /* ModRM reg: debug register */
    A_O,      /* moffs: offset of address size, no ModRM */
    A_Z,      /* register in the opcode's low 3 bits */
    A_REG,    /* fixed general register (reg field) */
    A_SEG,    /* fixed segment register (reg field) */
    A_ONE,    /* the constant 1 (shift by one) */
    A_AP,     /* far pointer immediate */
    A_X,      /* DS:rSI */
    A_Y,      /* ES:rDI */
};

/* Operand sizes (appendix A.2.2). */
enum {
    S_NONE,
    S_B,      /* byte */
    S_W,      /* word */
    S_D,      /* dword */
    S_V,      /* word or dword, by operand size */
    S_Z,      /* word, or dword for 32-bit operand size (immediates) */
    S_P,      /* 32- or 48-bit far pointer */
    S_A,      /* BOUND: two words or dwords */
    S_Q,      /* qword */
};

typedef struct X86Operand {
    uint8_t am;
    uint8_t size;
    uint8_t reg;
} X86Operand;

/*
 * Mnemonics, in the SDM's names (families share one: ALU is ADD..CMP with
 * extra = the operation, SHIFT is ROL..SAR, FLAG is CLC..STD).  Each has
 * one generator, gen_<name>() in a translate-<family>.c file, which the
 * table entry points to; the order matters where the translator tests a
 * range (MOVS..SCAS are the REP-able string instructions).
 */
#define X86_MNEMONICS(X) \
    X(INVALID) X(ALU) X(INC) X(DEC) X(PUSH) X(POP) X(PUSHA) X(POPA) \
    X(BOUND) X(IMUL3) \
    X(INS) X(OUTS) X(JCC) X(TEST) X(XCHG) X(MOV) X(LEA) X(MOVSEG) \
    X(NOP) X(CBW) X(CWD) X(CALLF) X(WAIT) X(PUSHF) X(POPF) X(SAHF) X(LAHF) \
    X(MOVS) X(CMPS) X(STOS) X(LODS) X(SCAS) X(SHIFT) X(RET) X(LXS) \
    X(ENTER) X(LEAVE) X(RETF) X(INT3) X(INT) X(INTO) X(IRET) X(AAM) X(AAD) \
    X(SALC) X(XLAT) X(LOOP) X(JCXZ) X(IN) X(OUT) X(CALL) X(JMP) X(JMPF) \
    X(HLT) X(CMC) X(NOT) X(NEG) X(MUL) X(IMUL1) X(DIV) X(IDIV) X(FLAG) \
    X(CALLI) X(CALLFI) X(JMPI) X(JMPFI) X(AAA) X(AAS) X(DAA) X(DAS) \
    X(FPU) \
    /* 0F */ \
    X(GRP6) X(GRP7) X(LAR) X(LSL) X(CLTS) X(MOVCR) X(MOVDR) X(SETCC) \
    X(CPUID) X(BT) X(SHLD) X(SHRD) X(IMUL2) X(MOVZX) X(MOVSX) X(BSF) X(BSR) \
    X(CMPXCHG) X(XADD) X(BSWAP) X(RDTSC) X(RDMSR) X(WRMSR) X(CMOV) \
    X(INVD) X(UD) \
    X(CMPXCHG8B) X(SYSENTER) X(SYSEXIT) X(EMMS) X(ICEBP) X(RDPMC) \
    X(ARPL) \
    /* 64-bit mode (translate-long.c) */ \
    X(MOVSXD) X(SYSCALL) X(SYSRET) X(SWAPGS)

enum {
#define X86_MNEM_ENUM(m) M_##m,
    X86_MNEMONICS(X86_MNEM_ENUM)
#undef X86_MNEM_ENUM
    M_NB
};

/*
 * A generator emits the IR of one instruction whose prefixes and operands
 * translate.c has decoded (DisasContext, translate-internal.h).
 */
typedef struct DisasContext DisasContext;
typedef struct X86OpEntry X86OpEntry;
typedef void X86GenFn(DisasContext *s, const X86OpEntry *e);

#define X86_GEN_DECL(m) X86GenFn gen_##m;
X86_MNEMONICS(X86_GEN_DECL)
#undef X86_GEN_DECL

/* Entry flags */
#define DF_MODRM 1      /* has a ModRM byte */
#define DF_GROUP 2      /* ModRM.reg selects the entry: extra = group */
#define DF_PREFIX 4     /* a prefix byte (handled by the decoder loop) */
#define DF_386 8        /* not on the 286 */

struct X86OpEntry {
    uint8_t mnem;
    uint8_t flags;
    uint8_t extra;      /* ALU op, condition code, shift op, group... */
    X86Operand op[3];
    X86GenFn *gen;      /* gen_<mnem>; NULL for M_INVALID entries */
};

enum {
    GRP1_EB_IB, GRP1_EV_IZ, GRP1_EB_IB82, GRP1_EV_IB, GRP1A, GRP2_EB_IB,
    GRP2_EV_IB, GRP2_EB_1, GRP2_EV_1, GRP2_EB_CL, GRP2_EV_CL, GRP3_EB,
    GRP3_EV, GRP4, GRP5, GRP11_EB, GRP11_EV, GRP6, GRP7, GRP8,
    GRP9, GRP_NB
};

extern const X86OpEntry x86_opcodes[256];
extern const X86OpEntry x86_opcodes_0f[256];
extern const X86OpEntry x86_groups[GRP_NB][8];

#endif
