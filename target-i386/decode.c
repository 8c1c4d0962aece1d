/*
 * The opcode tables (SDM vol. 2, appendix A, tables ),
 * written in the SDM's operand notation, each pointing to its mnemonic's
 * generator (translate-*.c).  Entries left zero are M_INVALID: the
 * translator raises #UD for them and logs the opcode once.
 */
#include "target-i386/decode.h"

#define Eb {A_E, S_B, 0}
#define Ew {A_E, S_W, 0}
#define Ed {A_E, S_D, 0}
#define Ev {A_E, S_V, 0}
#define Gb {A_G, S_B, 0}
#define Gw {A_G, S_W, 0}
#define Gv {A_G, S_V, 0}
#define Ib {A_I, S_B, 0}
#define Iw {A_I, S_W, 0}
#define Iz {A_I, S_Z, 0}
#define Ibs {A_IS, S_V, 0}
#define Jb {A_J, S_B, 0}
#define Jz {A_J, S_Z, 0}
#define M {A_M, S_NONE, 0}
#define Mv {A_M, S_V, 0}
#define Mp {A_M, S_P, 0}
#define Ma {A_M, S_A, 0}
#define Rd {A_R, S_D, 0}
#define Sw {A_S, S_W, 0}
#define Cd {A_C, S_D, 0}
#define Dd {A_D, S_D, 0}
#define Ob {A_O, S_B, 0}
#define Ov {A_O, S_V, 0}
#define Zb {A_Z, S_B, 0}
#define Zv {A_Z, S_V, 0}
#define Ap {A_AP, S_P, 0}
#define Xb {A_X, S_B, 0}
#define Xv {A_X, S_V, 0}
#define Yb {A_Y, S_B, 0}
#define Yv {A_Y, S_V, 0}
#define ONE {A_ONE, S_B, 0}
#define AL {A_REG, S_B, 0}
#define CL {A_REG, S_B, 1}
#define AH {A_REG, S_B, 4}
#define AX {A_REG, S_W, 0}
#define DX {A_REG, S_W, 2}
#define eAX {A_REG, S_V, 0}
#define SEG(n) {A_SEG, S_W, n}

/* m is the mnemonic without M_: the entry gets M_<m> and gen_<m>. */
#define E0(m) {M_##m, 0, 0, {{0}}, gen_##m}
#define E1(m, ...) {M_##m, 0, 0, {__VA_ARGS__}, gen_##m}
#define E2(m, ...) {M_##m, 0, 0, {__VA_ARGS__}, gen_##m}
#define E3(m, ...) {M_##m, 0, 0, {__VA_ARGS__}, gen_##m}
#define X0(m, x) {M_##m, 0, x, {{0}}, gen_##m}
#define X1(m, x, ...) {M_##m, 0, x, {__VA_ARGS__}, gen_##m}
#define X2(m, x, ...) {M_##m, 0, x, {__VA_ARGS__}, gen_##m}
#define X3(m, x, ...) {M_##m, 0, x, {__VA_ARGS__}, gen_##m}
#define F0(m, f, x) {M_##m, f, x, {{0}}, gen_##m}
#define F1(m, f, x, ...) {M_##m, f, x, {__VA_ARGS__}, gen_##m}
#define F2(m, f, x, ...) {M_##m, f, x, {__VA_ARGS__}, gen_##m}
#define F3(m, f, x, ...) {M_##m, f, x, {__VA_ARGS__}, gen_##m}
#define GRP(g) {M_INVALID, DF_GROUP | DF_MODRM, g, {{0}}}
#define PFX {M_INVALID, DF_PREFIX, 0, {{0}}}

/* The eight ALU rows: op Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / eAX,Iz */
#define ALU_ROW(base, op)                                                    \
    [base + 0] = X2(ALU, op, Eb, Gb),                                      \
    [base + 1] = X2(ALU, op, Ev, Gv),                                      \
    [base + 2] = X2(ALU, op, Gb, Eb),                                      \
    [base + 3] = X2(ALU, op, Gv, Ev),                                      \
    [base + 4] = X2(ALU, op, AL, Ib),                                      \
    [base + 5] = X2(ALU, op, eAX, Iz)

#define ZROW8(base, m, ...) \
    [base] = E1(m, __VA_ARGS__), [base + 1] = E1(m, __VA_ARGS__),             \
    [base + 2] = E1(m, __VA_ARGS__), [base + 3] = E1(m, __VA_ARGS__),         \
    [base + 4] = E1(m, __VA_ARGS__), [base + 5] = E1(m, __VA_ARGS__),         \
    [base + 6] = E1(m, __VA_ARGS__), [base + 7] = E1(m, __VA_ARGS__)

#define CC16(base, m, ...) \
    [base + 0] = X1(m, 0, __VA_ARGS__), \
    [base + 1] = X1(m, 1, __VA_ARGS__), \
    [base + 2] = X1(m, 2, __VA_ARGS__), \
    [base + 3] = X1(m, 3, __VA_ARGS__), \
    [base + 4] = X1(m, 4, __VA_ARGS__), \
    [base + 5] = X1(m, 5, __VA_ARGS__), \
    [base + 6] = X1(m, 6, __VA_ARGS__), \
    [base + 7] = X1(m, 7, __VA_ARGS__), \
    [base + 8] = X1(m, 8, __VA_ARGS__), \
    [base + 9] = X1(m, 9, __VA_ARGS__), \
    [base + 10] = X1(m, 10, __VA_ARGS__), \
    [base + 11] = X1(m, 11, __VA_ARGS__), \
    [base + 12] = X1(m, 12, __VA_ARGS__), \
    [base + 13] = X1(m, 13, __VA_ARGS__), \
    [base + 14] = X1(m, 14, __VA_ARGS__), \
    [base + 15] = X1(m, 15, __VA_ARGS__)

const X86OpEntry x86_opcodes[256] = {
    ALU_ROW(0x00, 0),
    [0x06] = E1(PUSH, SEG(0)), [0x07] = E1(POP, SEG(0)),
    ALU_ROW(0x08, 1),
    [0x0e] = E1(PUSH, SEG(1)),
    ALU_ROW(0x10, 2),
    [0x16] = E1(PUSH, SEG(2)), [0x17] = E1(POP, SEG(2)),
    ALU_ROW(0x18, 3),
    [0x1e] = E1(PUSH, SEG(3)), [0x1f] = E1(POP, SEG(3)),
    ALU_ROW(0x20, 4),
    [0x26] = PFX, [0x27] = E0(DAA),
    ALU_ROW(0x28, 5),
    [0x2e] = PFX, [0x2f] = E0(DAS),
    ALU_ROW(0x30, 6),
    [0x36] = PFX, [0x37] = E0(AAA),
    ALU_ROW(0x38, 7),
    [0x3e] = PFX, [0x3f] = E0(AAS),
    ZROW8(0x40, INC, Zv),
    ZROW8(0x48, DEC, Zv),
    ZROW8(0x50, PUSH, Zv),
    ZROW8(0x58, POP, Zv),
    [0x60] = E0(PUSHA), [0x61] = E0(POPA), [0x62] = E2(BOUND, Gv, Ma),
    [0x63] = E2(ARPL, Ew, Gw),
    [0x64] = PFX, [0x65] = PFX, [0x66] = PFX, [0x67] = PFX,
    [0x68] = E1(PUSH, Iz), [0x69] = E3(IMUL3, Gv, Ev, Iz),
    [0x6a] = E1(PUSH, Ibs), [0x6b] = E3(IMUL3, Gv, Ev, Ibs),
    [0x6c] = E2(INS, Yb, DX), [0x6d] = E2(INS, Yv, DX),
    [0x6e] = E2(OUTS, DX, Xb), [0x6f] = E2(OUTS, DX, Xv),
    CC16(0x70, JCC, Jb),
    [0x80] = GRP(GRP1_EB_IB), [0x81] = GRP(GRP1_EV_IZ),
    [0x82] = GRP(GRP1_EB_IB82), [0x83] = GRP(GRP1_EV_IB),
    [0x84] = E2(TEST, Eb, Gb), [0x85] = E2(TEST, Ev, Gv),
    [0x86] = E2(XCHG, Eb, Gb), [0x87] = E2(XCHG, Ev, Gv),
    [0x88] = E2(MOV, Eb, Gb), [0x89] = E2(MOV, Ev, Gv),
    [0x8a] = E2(MOV, Gb, Eb), [0x8b] = E2(MOV, Gv, Ev),
    [0x8c] = E2(MOVSEG, Ev, Sw), [0x8d] = E2(LEA, Gv, M),
    [0x8e] = E2(MOVSEG, Sw, Ew), [0x8f] = GRP(GRP1A),
    [0x90] = E0(NOP),
    [0x91] = E2(XCHG, Zv, eAX), [0x92] = E2(XCHG, Zv, eAX),
    [0x93] = E2(XCHG, Zv, eAX), [0x94] = E2(XCHG, Zv, eAX),
    [0x95] = E2(XCHG, Zv, eAX), [0x96] = E2(XCHG, Zv, eAX),
    [0x97] = E2(XCHG, Zv, eAX),
    [0x98] = E0(CBW), [0x99] = E0(CWD), [0x9a] = E1(CALLF, Ap),
    [0x9b] = E0(WAIT), [0x9c] = E0(PUSHF), [0x9d] = E0(POPF),
    [0x9e] = E0(SAHF), [0x9f] = E0(LAHF),
    [0xa0] = E2(MOV, AL, Ob), [0xa1] = E2(MOV, eAX, Ov),
    [0xa2] = E2(MOV, Ob, AL), [0xa3] = E2(MOV, Ov, eAX),
    [0xa4] = E2(MOVS, Yb, Xb), [0xa5] = E2(MOVS, Yv, Xv),
    [0xa6] = E2(CMPS, Xb, Yb), [0xa7] = E2(CMPS, Xv, Yv),
    [0xa8] = E2(TEST, AL, Ib), [0xa9] = E2(TEST, eAX, Iz),
    [0xaa] = E2(STOS, Yb, AL), [0xab] = E2(STOS, Yv, eAX),
    [0xac] = E2(LODS, AL, Xb), [0xad] = E2(LODS, eAX, Xv),
    [0xae] = E2(SCAS, AL, Yb), [0xaf] = E2(SCAS, eAX, Yv),
    ZROW8(0xb0, MOV, Zb, Ib),
    ZROW8(0xb8, MOV, Zv, Iz),
    [0xc0] = GRP(GRP2_EB_IB), [0xc1] = GRP(GRP2_EV_IB),
    [0xc2] = E1(RET, Iw), [0xc3] = E0(RET),
    [0xc4] = X2(LXS, 0, Gv, Mp), [0xc5] = X2(LXS, 3, Gv, Mp),
    [0xc6] = GRP(GRP11_EB), [0xc7] = GRP(GRP11_EV),
    [0xc8] = E2(ENTER, Iw, Ib), [0xc9] = E0(LEAVE),
    [0xca] = E1(RETF, Iw), [0xcb] = E0(RETF),
    [0xcc] = E0(INT3), [0xcd] = E1(INT, Ib), [0xce] = E0(INTO),
    [0xcf] = E0(IRET),
    [0xd0] = GRP(GRP2_EB_1), [0xd1] = GRP(GRP2_EV_1),
    [0xd2] = GRP(GRP2_EB_CL), [0xd3] = GRP(GRP2_EV_CL),
    [0xd4] = E1(AAM, Ib), [0xd5] = E1(AAD, Ib), [0xd6] = E0(SALC),
    [0xd7] = E0(XLAT),
    [0xd8] = F0(FPU, DF_MODRM, 0), [0xd9] = F0(FPU, DF_MODRM, 1),
    [0xda] = F0(FPU, DF_MODRM, 2), [0xdb] = F0(FPU, DF_MODRM, 3),
    [0xdc] = F0(FPU, DF_MODRM, 4), [0xdd] = F0(FPU, DF_MODRM, 5),
    [0xde] = F0(FPU, DF_MODRM, 6), [0xdf] = F0(FPU, DF_MODRM, 7),
    [0xe0] = X1(LOOP, 0, Jb), [0xe1] = X1(LOOP, 1, Jb),
    [0xe2] = X1(LOOP, 2, Jb), [0xe3] = E1(JCXZ, Jb),
    [0xe4] = E2(IN, AL, Ib), [0xe5] = E2(IN, eAX, Ib),
    [0xe6] = E2(OUT, Ib, AL), [0xe7] = E2(OUT, Ib, eAX),
    [0xe8] = E1(CALL, Jz), [0xe9] = E1(JMP, Jz), [0xea] = E1(JMPF, Ap),
    [0xeb] = E1(JMP, Jb),
    [0xec] = E2(IN, AL, DX), [0xed] = E2(IN, eAX, DX),
    [0xee] = E2(OUT, DX, AL), [0xef] = E2(OUT, DX, eAX),
    [0xf0] = PFX, [0xf1] = F0(ICEBP, DF_386, 0), [0xf2] = PFX,
    [0xf3] = PFX,
    [0xf4] = E0(HLT), [0xf5] = E0(CMC),
    [0xf6] = GRP(GRP3_EB), [0xf7] = GRP(GRP3_EV),
    /* CLC STC CLI STI CLD STD: extra = index */
    [0xf8] = X0(FLAG, 0), [0xf9] = X0(FLAG, 1), [0xfa] = X0(FLAG, 2),
    [0xfb] = X0(FLAG, 3), [0xfc] = X0(FLAG, 4), [0xfd] = X0(FLAG, 5),
    [0xfe] = GRP(GRP4), [0xff] = GRP(GRP5),
};

#define MR DF_MODRM
const X86OpEntry x86_opcodes_0f[256] = {
    [0x00] = GRP(GRP6), [0x01] = GRP(GRP7),
    [0x02] = F2(LAR, MR, 0, Gv, Ew), [0x03] = F2(LSL, MR, 0, Gv, Ew),
    /* SYSCALL/SYSRET: #UD unless EFER.SCE (translate-long.c) */
    [0x05] = F0(SYSCALL, DF_386, 0), [0x06] = E0(CLTS),
    [0x07] = F0(SYSRET, DF_386, 0),
    [0x08] = F0(INVD, DF_386, 0), [0x09] = F0(INVD, DF_386, 0),
    [0x0b] = E0(UD),
    /* 0F 0D: PREFETCH/PREFETCHW (AMD; Linux uses it on every x86-64 AMD
     * CPU): a hint, a NOP here */
    [0x0d] = F1(NOP, MR | DF_386, 0, M),
    /* 0F 18: PREFETCHh; 0F 19-1F: hint NOPs (NOP Ev); SSE may claim 18 */
    [0x18] = F1(NOP, MR | DF_386, 0, Ev), [0x19] = F1(NOP, MR | DF_386, 0, Ev),
    [0x1a] = F1(NOP, MR | DF_386, 0, Ev), [0x1b] = F1(NOP, MR | DF_386, 0, Ev),
    [0x1c] = F1(NOP, MR | DF_386, 0, Ev), [0x1d] = F1(NOP, MR | DF_386, 0, Ev),
    [0x1e] = F1(NOP, MR | DF_386, 0, Ev), [0x1f] = F1(NOP, MR | DF_386, 0, Ev),
    [0x20] = F2(MOVCR, MR | DF_386, 0, Rd, Cd),
    [0x21] = F2(MOVDR, MR | DF_386, 0, Rd, Dd),
    [0x22] = F2(MOVCR, MR | DF_386, 1, Cd, Rd),
    [0x23] = F2(MOVDR, MR | DF_386, 1, Dd, Rd),
    [0x30] = F0(WRMSR, DF_386, 0), [0x31] = F0(RDTSC, DF_386, 0),
    [0x32] = F0(RDMSR, DF_386, 0), [0x33] = F0(RDPMC, DF_386, 0),
    [0x34] = F0(SYSENTER, DF_386, 0), [0x35] = F0(SYSEXIT, DF_386, 0),
    CC16(0x40, CMOV, Gv, Ev),
    [0x77] = F0(EMMS, DF_386, 0),
    CC16(0x80, JCC, Jz),
    CC16(0x90, SETCC, Eb),
    [0xa0] = F1(PUSH, DF_386, 0, SEG(4)), [0xa1] = F1(POP, DF_386, 0, SEG(4)),
    [0xa2] = F0(CPUID, DF_386, 0),
    [0xa3] = F2(BT, MR | DF_386, 0, Ev, Gv),
    [0xa4] = F3(SHLD, MR | DF_386, 0, Ev, Gv, Ib),
    [0xa5] = F3(SHLD, MR | DF_386, 0, Ev, Gv, CL),
    [0xa8] = F1(PUSH, DF_386, 0, SEG(5)), [0xa9] = F1(POP, DF_386, 0, SEG(5)),
    [0xab] = F2(BT, MR | DF_386, 1, Ev, Gv),
    [0xac] = F3(SHRD, MR | DF_386, 0, Ev, Gv, Ib),
    [0xad] = F3(SHRD, MR | DF_386, 0, Ev, Gv, CL),
    [0xaf] = F2(IMUL2, MR | DF_386, 0, Gv, Ev),
    [0xb0] = F2(CMPXCHG, MR | DF_386, 0, Eb, Gb),
    [0xb1] = F2(CMPXCHG, MR | DF_386, 0, Ev, Gv),
    [0xb2] = F2(LXS, MR | DF_386, 2, Gv, Mp),
    [0xb3] = F2(BT, MR | DF_386, 2, Ev, Gv),
    [0xb4] = F2(LXS, MR | DF_386, 4, Gv, Mp),
    [0xb5] = F2(LXS, MR | DF_386, 5, Gv, Mp),
    [0xb6] = F2(MOVZX, MR | DF_386, 0, Gv, Eb),
    [0xb7] = F2(MOVZX, MR | DF_386, 0, Gv, Ew),
    /* UD1 Gv,Ev: #UD, but decodes a ModRM (SDM vol. 2, UD) */
    [0xb9] = F2(UD, MR | DF_386, 0, Gv, Ev),
    [0xba] = GRP(GRP8),
    [0xbb] = F2(BT, MR | DF_386, 3, Ev, Gv),
    [0xbc] = F2(BSF, MR | DF_386, 0, Gv, Ev),
    [0xbd] = F2(BSR, MR | DF_386, 0, Gv, Ev),
    [0xbe] = F2(MOVSX, MR | DF_386, 0, Gv, Eb),
    [0xbf] = F2(MOVSX, MR | DF_386, 0, Gv, Ew),
    [0xc0] = F2(XADD, MR | DF_386, 0, Eb, Gb),
    [0xc1] = F2(XADD, MR | DF_386, 0, Ev, Gv),
    [0xc7] = GRP(GRP9),
    [0xc8] = F1(BSWAP, DF_386, 0, {A_Z, S_D, 0}),
    [0xc9] = F1(BSWAP, DF_386, 0, {A_Z, S_D, 0}),
    [0xca] = F1(BSWAP, DF_386, 0, {A_Z, S_D, 0}),
    [0xcb] = F1(BSWAP, DF_386, 0, {A_Z, S_D, 0}),
    [0xcc] = F1(BSWAP, DF_386, 0, {A_Z, S_D, 0}),
    [0xcd] = F1(BSWAP, DF_386, 0, {A_Z, S_D, 0}),
    [0xce] = F1(BSWAP, DF_386, 0, {A_Z, S_D, 0}),
    [0xcf] = F1(BSWAP, DF_386, 0, {A_Z, S_D, 0}),
};

#define ALU_GRP(a, b)                                                        \
    {X2(ALU, 0, a, b), X2(ALU, 1, a, b), X2(ALU, 2, a, b),              \
     X2(ALU, 3, a, b), X2(ALU, 4, a, b), X2(ALU, 5, a, b),              \
     X2(ALU, 6, a, b), X2(ALU, 7, a, b)}
#define SHIFT_GRP(a, b)                                                      \
    {X2(SHIFT, 0, a, b), X2(SHIFT, 1, a, b), X2(SHIFT, 2, a, b),        \
     X2(SHIFT, 3, a, b), X2(SHIFT, 4, a, b), X2(SHIFT, 5, a, b),        \
     X2(SHIFT, 6, a, b), X2(SHIFT, 7, a, b)}

const X86OpEntry x86_groups[GRP_NB][8] = {
    [GRP1_EB_IB] = ALU_GRP(Eb, Ib),
    [GRP1_EV_IZ] = ALU_GRP(Ev, Iz),
    [GRP1_EB_IB82] = ALU_GRP(Eb, Ib),
    [GRP1_EV_IB] = ALU_GRP(Ev, Ibs),
    [GRP1A] = {E1(POP, Ev)},
    [GRP2_EB_IB] = SHIFT_GRP(Eb, Ib),
    [GRP2_EV_IB] = SHIFT_GRP(Ev, Ib),
    [GRP2_EB_1] = SHIFT_GRP(Eb, ONE),
    [GRP2_EV_1] = SHIFT_GRP(Ev, ONE),
    [GRP2_EB_CL] = SHIFT_GRP(Eb, CL),
    [GRP2_EV_CL] = SHIFT_GRP(Ev, CL),
    [GRP3_EB] = {E2(TEST, Eb, Ib), E2(TEST, Eb, Ib), E1(NOT, Eb),
                 E1(NEG, Eb), E1(MUL, Eb), E1(IMUL1, Eb),
                 E1(DIV, Eb), E1(IDIV, Eb)},
    [GRP3_EV] = {E2(TEST, Ev, Iz), E2(TEST, Ev, Iz), E1(NOT, Ev),
                 E1(NEG, Ev), E1(MUL, Ev), E1(IMUL1, Ev),
                 E1(DIV, Ev), E1(IDIV, Ev)},
    [GRP4] = {E1(INC, Eb), E1(DEC, Eb)},
    [GRP5] = {E1(INC, Ev), E1(DEC, Ev), E1(CALLI, Ev),
              E1(CALLFI, Mp), E1(JMPI, Ev), E1(JMPFI, Mp),
              E1(PUSH, Ev)},
    [GRP11_EB] = {E2(MOV, Eb, Ib)},
    [GRP11_EV] = {E2(MOV, Ev, Iz)},
    /* SLDT STR LLDT LTR VERR VERW */
    [GRP6] = {X1(GRP6, 0, Ew), X1(GRP6, 1, Ew), X1(GRP6, 2, Ew),
              X1(GRP6, 3, Ew), X1(GRP6, 4, Ew), X1(GRP6, 5, Ew)},
    /* SGDT SIDT LGDT LIDT SMSW - LMSW INVLPG */
    [GRP7] = {X1(GRP7, 0, M), X1(GRP7, 1, M), X1(GRP7, 2, M),
              X1(GRP7, 3, M), X1(GRP7, 4, Ev), {0, 0, 0, {{0}}},
              X1(GRP7, 6, Ew), F1(GRP7, DF_386, 7, M)},
    [GRP8] = {{0, 0, 0, {{0}}}, {0, 0, 0, {{0}}}, {0, 0, 0, {{0}}},
              {0, 0, 0, {{0}}},
              F2(BT, DF_386, 0, Ev, Ib), F2(BT, DF_386, 1, Ev, Ib),
              F2(BT, DF_386, 2, Ev, Ib), F2(BT, DF_386, 3, Ev, Ib)},
    /* CMPXCHG8B Mq (the other encodings are #UD on a P6) */
    [GRP9] = {{0, 0, 0, {{0}}}, F1(CMPXCHG8B, DF_386, 0, M)},
};
