/*
 * The x86 opcode map in the SDM's operand notation (vol. 2, appendix A):
 * one entry per opcode (or per ModRM.reg for the groups) names the
 * mnemonic and up to three operands as addressing method + size, e.g.
 * ADD Eb,Gb.  translate.c decodes the operands the entry describes and
 * calls one emitter per mnemonic.
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
};

typedef struct X86Operand {
    uint8_t am;
    uint8_t size;
    uint8_t reg;
} X86Operand;

/* Mnemonics: one emitter each in translate.c. */
enum {
    M_INVALID,
    M_ALU,        /* ADD OR ADC SBB AND SUB XOR CMP: extra = operation */
    M_INC, M_DEC, M_PUSH, M_POP, M_PUSHA, M_POPA, M_BOUND, M_IMUL3,
    M_INS, M_OUTS, M_JCC, M_TEST, M_XCHG, M_MOV, M_LEA, M_MOVSEG,
    M_NOP, M_CBW, M_CWD, M_CALLF, M_WAIT, M_PUSHF, M_POPF, M_SAHF, M_LAHF,
    M_MOVS, M_CMPS, M_STOS, M_LODS, M_SCAS, M_SHIFT, M_RET, M_LXS,
    M_ENTER, M_LEAVE, M_RETF, M_INT3, M_INT, M_INTO, M_IRET, M_AAM, M_AAD,
    M_SALC, M_XLAT, M_LOOP, M_JCXZ, M_IN, M_OUT, M_CALL, M_JMP, M_JMPF,
    M_HLT, M_CMC, M_NOT, M_NEG, M_MUL, M_IMUL1, M_DIV, M_IDIV, M_FLAG,
    M_CALLI, M_CALLFI, M_JMPI, M_JMPFI, M_AAA, M_AAS, M_DAA, M_DAS,
    M_FPU,
    /* 0F */
    M_GRP6, M_GRP7, M_LAR, M_LSL, M_CLTS, M_MOVCR, M_MOVDR, M_SETCC,
    M_CPUID, M_BT, M_SHLD, M_SHRD, M_IMUL2, M_MOVZX, M_MOVSX, M_BSF, M_BSR,
    M_CMPXCHG, M_XADD, M_BSWAP, M_RDTSC, M_RDMSR, M_WRMSR, M_CMOV,
    M_INVD, M_UD,
    M_CMPXCHG8B, M_SYSENTER, M_SYSEXIT, M_EMMS, M_ICEBP, M_RDPMC,
    M_ARPL, M_NB
};

/* Entry flags */
#define DF_MODRM 1      /* has a ModRM byte */
#define DF_GROUP 2      /* ModRM.reg selects the entry: extra = group */
#define DF_PREFIX 4     /* a prefix byte (handled by the decoder loop) */
#define DF_386 8        /* not on the 286 */

typedef struct X86OpEntry {
    uint8_t mnem;
    uint8_t flags;
    uint8_t extra;      /* ALU op, condition code, shift op, group... */
    X86Operand op[3];
} X86OpEntry;

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
