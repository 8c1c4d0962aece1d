/*
 * MMX/SSE/SSE2/SSE3 decoding (SDM vol. 2, appendix A, the 0F map with its
 * mandatory prefixes), done once at translation time: which (prefix, 0F
 * opcode) forms exist and their class, and, per instruction, the
 * operation with its decoded operands (sse-internal.h).  The operations
 * themselves are in sse-helper.c.
 */
#include "target-i386/sse-internal.h"

/* ---- the opcode table ---- */

#define MX (SF_OK | SF_MMX)
#define SS (SF_OK | SF_SSE)
#define NC SF_OK /* no CR0/CR4 checks */

/* [opc][prefix index: none, 66, F3, F2] */
static const uint8_t sse_table[256][4] = {
    [0x10] = {SS | SF_UNAL, SS | SF_UNAL, SS, SS},
    [0x11] = {SS | SF_UNAL, SS | SF_UNAL, SS, SS},
    [0x12] = {SS, SS | SF_MEM, SS, SS},
    [0x13] = {SS | SF_MEM, SS | SF_MEM},
    [0x14] = {SS, SS},
    [0x15] = {SS, SS},
    [0x16] = {SS, SS | SF_MEM, SS},
    [0x17] = {SS | SF_MEM, SS | SF_MEM},
    [0x18] = {NC, NC, NC, NC},
    [0x28] = {SS, SS},
    [0x29] = {SS, SS},
    [0x2a] = {SS, SS, SS, SS},
    [0x2b] = {SS | SF_MEM, SS | SF_MEM},
    [0x2c] = {SS, SS, SS, SS},
    [0x2d] = {SS, SS, SS, SS},
    [0x2e] = {SS, SS},
    [0x2f] = {SS, SS},
    [0x50] = {SS | SF_REG, SS | SF_REG},
    [0x51] = {SS, SS, SS, SS},
    [0x52] = {SS, 0, SS},
    [0x53] = {SS, 0, SS},
    [0x54] = {SS, SS},
    [0x55] = {SS, SS},
    [0x56] = {SS, SS},
    [0x57] = {SS, SS},
    [0x58] = {SS, SS, SS, SS},
    [0x59] = {SS, SS, SS, SS},
    [0x5a] = {SS, SS, SS, SS},
    [0x5b] = {SS, SS, SS},
    [0x5c] = {SS, SS, SS, SS},
    [0x5d] = {SS, SS, SS, SS},
    [0x5e] = {SS, SS, SS, SS},
    [0x5f] = {SS, SS, SS, SS},
    [0x60] = {MX, SS},
    [0x61] = {MX, SS},
    [0x62] = {MX, SS},
    [0x63] = {MX, SS},
    [0x64] = {MX, SS},
    [0x65] = {MX, SS},
    [0x66] = {MX, SS},
    [0x67] = {MX, SS},
    [0x68] = {MX, SS},
    [0x69] = {MX, SS},
    [0x6a] = {MX, SS},
    [0x6b] = {MX, SS},
    [0x6c] = {0, SS},
    [0x6d] = {0, SS},
    [0x6e] = {MX, SS},
    [0x6f] = {MX, SS, SS | SF_UNAL},
    [0x70] = {MX | SF_IMM, SS | SF_IMM, SS | SF_IMM, SS | SF_IMM},
    [0x71] = {MX | SF_IMM | SF_REG, SS | SF_IMM | SF_REG},
    [0x72] = {MX | SF_IMM | SF_REG, SS | SF_IMM | SF_REG},
    [0x73] = {MX | SF_IMM | SF_REG, SS | SF_IMM | SF_REG},
    [0x74] = {MX, SS},
    [0x75] = {MX, SS},
    [0x76] = {MX, SS},
    [0x7c] = {0, SS, 0, SS},
    [0x7d] = {0, SS, 0, SS},
    [0x7e] = {MX, SS, SS},
    [0x7f] = {MX, SS, SS | SF_UNAL},
    [0xae] = {NC},
    [0xc2] = {SS | SF_IMM, SS | SF_IMM, SS | SF_IMM, SS | SF_IMM},
    [0xc3] = {NC | SF_MEM},
    [0xc4] = {MX | SF_IMM, SS | SF_IMM},
    [0xc5] = {MX | SF_IMM | SF_REG, SS | SF_IMM | SF_REG},
    [0xc6] = {SS | SF_IMM, SS | SF_IMM},
    [0xd0] = {0, SS, 0, SS},
    [0xd1] = {MX, SS},
    [0xd2] = {MX, SS},
    [0xd3] = {MX, SS},
    [0xd4] = {MX, SS},
    [0xd5] = {MX, SS},
    [0xd6] = {0, SS, SS | SF_REG, SS | SF_REG},
    [0xd7] = {MX | SF_REG, SS | SF_REG},
    [0xd8] = {MX, SS},
    [0xd9] = {MX, SS},
    [0xda] = {MX, SS},
    [0xdb] = {MX, SS},
    [0xdc] = {MX, SS},
    [0xdd] = {MX, SS},
    [0xde] = {MX, SS},
    [0xdf] = {MX, SS},
    [0xe0] = {MX, SS},
    [0xe1] = {MX, SS},
    [0xe2] = {MX, SS},
    [0xe3] = {MX, SS},
    [0xe4] = {MX, SS},
    [0xe5] = {MX, SS},
    [0xe6] = {0, SS, SS, SS},
    [0xe7] = {MX | SF_MEM, SS | SF_MEM},
    [0xe8] = {MX, SS},
    [0xe9] = {MX, SS},
    [0xea] = {MX, SS},
    [0xeb] = {MX, SS},
    [0xec] = {MX, SS},
    [0xed] = {MX, SS},
    [0xee] = {MX, SS},
    [0xef] = {MX, SS},
    [0xf0] = {0, 0, 0, SS | SF_MEM | SF_UNAL},
    [0xf1] = {MX, SS},
    [0xf2] = {MX, SS},
    [0xf3] = {MX, SS},
    [0xf4] = {MX, SS},
    [0xf5] = {MX, SS},
    [0xf6] = {MX, SS},
    [0xf7] = {MX | SF_REG, SS | SF_REG | SF_UNAL},
    [0xf8] = {MX, SS},
    [0xf9] = {MX, SS},
    [0xfa] = {MX, SS},
    [0xfb] = {MX, SS},
    [0xfc] = {MX, SS},
    [0xfd] = {MX, SS},
    [0xfe] = {MX, SS},
};

static int prefix_index(uint8_t prefix)
{
    switch (prefix) {
    case 0x66:
        return 1;
    case 0xf3:
        return 2;
    case 0xf2:
        return 3;
    default:
        return 0;
    }
}

bool sse_opcode_known(uint8_t prefix, uint8_t opc)
{
    return sse_table[opc][prefix_index(prefix)] & SF_OK;
}

bool sse_opcode_has_imm8(uint8_t prefix, uint8_t opc)
{
    return sse_table[opc][prefix_index(prefix)] & SF_IMM;
}

/* Arithmetic opcodes 51 58 59 5C-5F: op enums are in ps, pd, ss, sd order
 * from the base (sse_decode, for op_0_51's selector). */
static int arith_base(uint8_t opc)
{
    switch (opc) {
    case 0x51:
        return SSE_SQRTPS;
    case 0x58:
        return SSE_ADDPS;
    case 0x59:
        return SSE_MULPS;
    case 0x5c:
        return SSE_SUBPS;
    case 0x5d:
        return SSE_MINPS;
    case 0x5e:
        return SSE_DIVPS;
    default:
        return SSE_MAXPS;
    }
}

static bool arith_tiny_possible(uint8_t opc)
{
    return opc != 0x51 && opc != 0x5d && opc != 0x5f;
}

/* 0F 71/72/73: shifts by immediate, ModRM.reg selects the operation:
 * the integer-map opcode of the same shift by a register, 1 PSRLDQ,
 * 2 PSLLDQ, 0 none (sse_decode puts it in x->sel). */
static const uint8_t shift_imm_ops[3][8] = {
    /* reg:  0  1  2     3  4     5  6     7 */
    [0] = {0, 0, 0xd1, 0, 0xe1, 0, 0xf1, 0},
    [1] = {0, 0, 0xd2, 0, 0xe2, 0, 0xf2, 0},
    [2] = {0, 0, 0xd3, 1, 0, 0, 0xf3, 2},
};

/* Operation of (0F opc, prefix index); 0: the integer map or #UD. */
static const uint8_t sse_op_id[256][4] = {
    [0x10][0] = SSE_0_10,
    [0x10][1] = SSE_0_10,
    [0x10][2] = SSE_2_10,
    [0x10][3] = SSE_3_10,
    [0x11][0] = SSE_0_11,
    [0x11][1] = SSE_0_11,
    [0x11][2] = SSE_2_11,
    [0x11][3] = SSE_3_11,
    [0x12][0] = SSE_0_12,
    [0x12][1] = SSE_0_12,
    [0x12][2] = SSE_2_12,
    [0x12][3] = SSE_3_12,
    [0x13][0] = SSE_0_13,
    [0x13][1] = SSE_0_13,
    [0x14][0] = SSE_0_14,
    [0x14][1] = SSE_1_14,
    [0x15][0] = SSE_0_15,
    [0x15][1] = SSE_1_15,
    [0x16][0] = SSE_0_16,
    [0x16][1] = SSE_0_16,
    [0x16][2] = SSE_2_16,
    [0x17][0] = SSE_0_17,
    [0x17][1] = SSE_0_17,
    [0x18][0] = SSE_0_18,
    [0x18][1] = SSE_0_18,
    [0x18][2] = SSE_0_18,
    [0x18][3] = SSE_0_18,
    [0x28][0] = SSE_0_10,
    [0x28][1] = SSE_0_10,
    [0x29][0] = SSE_0_11,
    [0x29][1] = SSE_0_11,
    [0x2a][0] = SSE_0_2a,
    [0x2a][1] = SSE_1_2a,
    [0x2a][2] = SSE_2_2a,
    [0x2a][3] = SSE_2_2a,
    [0x2b][0] = SSE_0_11,
    [0x2b][1] = SSE_0_11,
    [0x2c][0] = SSE_0_2c,
    [0x2c][1] = SSE_1_2c,
    [0x2c][2] = SSE_2_2c,
    [0x2c][3] = SSE_2_2c,
    [0x2d][0] = SSE_0_2c,
    [0x2d][1] = SSE_1_2c,
    [0x2d][2] = SSE_2_2c,
    [0x2d][3] = SSE_2_2c,
    [0x2e][0] = SSE_0_2e,
    [0x2e][1] = SSE_0_2e,
    [0x2f][0] = SSE_0_2e,
    [0x2f][1] = SSE_0_2e,
    [0x50][0] = SSE_0_50,
    [0x50][1] = SSE_1_50,
    [0x51][0] = SSE_0_51,
    [0x51][1] = SSE_0_51,
    [0x51][2] = SSE_0_51,
    [0x51][3] = SSE_0_51,
    [0x52][0] = SSE_0_52,
    [0x52][2] = SSE_2_52,
    [0x53][0] = SSE_0_53,
    [0x53][2] = SSE_2_53,
    [0x54][0] = SSE_0_54,
    [0x54][1] = SSE_0_54,
    [0x55][0] = SSE_0_55,
    [0x55][1] = SSE_0_55,
    [0x56][0] = SSE_0_56,
    [0x56][1] = SSE_0_56,
    [0x57][0] = SSE_0_57,
    [0x57][1] = SSE_0_57,
    [0x58][0] = SSE_0_51,
    [0x58][1] = SSE_0_51,
    [0x58][2] = SSE_0_51,
    [0x58][3] = SSE_0_51,
    [0x59][0] = SSE_0_51,
    [0x59][1] = SSE_0_51,
    [0x59][2] = SSE_0_51,
    [0x59][3] = SSE_0_51,
    [0x5a][0] = SSE_0_5a,
    [0x5a][1] = SSE_1_5a,
    [0x5a][2] = SSE_2_5a,
    [0x5a][3] = SSE_3_5a,
    [0x5b][0] = SSE_0_5b,
    [0x5b][1] = SSE_1_5b,
    [0x5b][2] = SSE_2_5b,
    [0x5c][0] = SSE_0_51,
    [0x5c][1] = SSE_0_51,
    [0x5c][2] = SSE_0_51,
    [0x5c][3] = SSE_0_51,
    [0x5d][0] = SSE_0_51,
    [0x5d][1] = SSE_0_51,
    [0x5d][2] = SSE_0_51,
    [0x5d][3] = SSE_0_51,
    [0x5e][0] = SSE_0_51,
    [0x5e][1] = SSE_0_51,
    [0x5e][2] = SSE_0_51,
    [0x5e][3] = SSE_0_51,
    [0x5f][0] = SSE_0_51,
    [0x5f][1] = SSE_0_51,
    [0x5f][2] = SSE_0_51,
    [0x5f][3] = SSE_0_51,
    [0x6c][1] = SSE_1_14,
    [0x6d][1] = SSE_1_15,
    [0x6e][0] = SSE_0_6e,
    [0x6e][1] = SSE_1_6e,
    [0x6f][0] = SSE_0_6f,
    [0x6f][1] = SSE_0_10,
    [0x6f][2] = SSE_0_10,
    [0x70][0] = SSE_0_70,
    [0x70][1] = SSE_1_70,
    [0x70][2] = SSE_2_70,
    [0x70][3] = SSE_3_70,
    [0x71][0] = SSE_0_71,
    [0x71][1] = SSE_0_71,
    [0x72][0] = SSE_0_71,
    [0x72][1] = SSE_0_71,
    [0x73][0] = SSE_0_71,
    [0x73][1] = SSE_0_71,
    [0x7c][1] = SSE_1_7c,
    [0x7c][3] = SSE_3_7c,
    [0x7d][1] = SSE_1_7d,
    [0x7d][3] = SSE_3_7d,
    [0x7e][0] = SSE_0_7e,
    [0x7e][1] = SSE_1_7e,
    [0x7e][2] = SSE_2_7e,
    [0x7f][0] = SSE_0_7f,
    [0x7f][1] = SSE_0_11,
    [0x7f][2] = SSE_0_11,
    [0xae][0] = SSE_0_ae,
    [0xc2][0] = SSE_0_c2,
    [0xc2][1] = SSE_0_c2,
    [0xc2][2] = SSE_0_c2,
    [0xc2][3] = SSE_0_c2,
    [0xc3][0] = SSE_0_c3,
    [0xc4][0] = SSE_0_c4,
    [0xc4][1] = SSE_1_c4,
    [0xc5][0] = SSE_0_c5,
    [0xc5][1] = SSE_1_c5,
    [0xc6][0] = SSE_0_c6,
    [0xc6][1] = SSE_1_c6,
    [0xd0][1] = SSE_1_d0,
    [0xd0][3] = SSE_3_d0,
    [0xd6][1] = SSE_1_d6,
    [0xd6][2] = SSE_2_d6,
    [0xd6][3] = SSE_3_d6,
    [0xd7][0] = SSE_0_d7,
    [0xd7][1] = SSE_0_d7,
    [0xe6][1] = SSE_1_e6,
    [0xe6][2] = SSE_2_e6,
    [0xe6][3] = SSE_3_e6,
    [0xe7][0] = SSE_0_7f,
    [0xe7][1] = SSE_0_11,
    [0xf0][3] = SSE_0_10,
    [0xf7][0] = SSE_0_f7,
    [0xf7][1] = SSE_0_f7,
};

/* The integer map's operations by opcode (MMX and 66 forms). */
static const uint8_t sse_int_id[256] = {
#define SSE_INT_ID(o) [0x##o] = SSE_i_##o,
    SSE_INT_OPS(SSE_INT_ID)
#undef SSE_INT_ID
};

static int decode_id(int pfx, uint8_t opc)
{
    int id = sse_op_id[opc][pfx];

    if (id) {
        return id;
    }
    if (pfx < 2 && sse_int_id[opc]) {
        return sse_int_id[opc];
    }
    return SSE_ud;
}

/* The selector of the groups that share an operation (SSEInsn.sel). */
static uint8_t decode_sel(uint8_t opc, int reg)
{
    switch (opc) {
    case 0x51: case 0x58: case 0x59: case 0x5c: case 0x5d: case 0x5e:
    case 0x5f:
        return arith_base(opc) | (arith_tiny_possible(opc) ? 0x80 : 0);
    case 0x71: case 0x72: case 0x73:
        return shift_imm_ops[opc - 0x71][reg];
    default:
        return 0;
    }
}

bool sse_decode(uint8_t prefix, uint8_t opc, uint8_t modrm, uint8_t rex,
                uint8_t imm8, int seg, SSEDecoded *d)
{
    int pfx = prefix_index(prefix);
    uint8_t flags = sse_table[opc][pfx];
    int reg = (modrm >> 3) & 7;
    bool mem = (modrm >> 6) != 3;
    uint32_t info;

    if (!(flags & SF_OK) || (mem && (flags & SF_REG)) ||
        (!mem && (flags & SF_MEM))) {
        return false;
    }
    /* REX.R: reg bit 3; REX.B: rm bit 3 (a memory form's REX.B belongs to
     * the address, which the frontend computed). */
    info = (reg | (rex & 4) << 1) | ((modrm & 7) | (rex & 1) << 3) << 4 |
           (mem ? SI_MEM : 0) | (uint32_t)pfx << SI_PFX_SHIFT |
           (uint32_t)(flags & 0x7f) << SI_FLAGS_SHIFT;
    if (rex & 8) {
        info |= SI_REXW;
    }
    /* Instructions with an MMX register operand first deliver a pending
     * x87 exception (#MF), vol. 3, table 22-7 (x87 helper's check). */
    if ((flags & SF_MMX) ||
        (pfx < 2 && ((opc == 0x2a && !mem) || opc == 0x2c || opc == 0x2d)) ||
        (opc == 0xd6 && pfx >= 2)) {
        info |= SI_MM_OPERAND;
    }
    if (seg >= 0) {
        info |= SI_SEG_CHECK | (uint32_t)seg << SI_SEG_SHIFT;
        /* FXSAVE/FXRSTOR check their whole 512-byte image (they do not
         * touch all of it), LDMXCSR/STMXCSR their 4 bytes. */
        if (opc == 0xae && mem && reg <= 3) {
            info |= reg <= 1 ? SI_WHOLE_512 : SI_WHOLE_4;
            if (reg == 0 || reg == 3) {
                info |= SI_WHOLE_WRITE;
            }
        }
    }
    d->id = decode_id(pfx, opc);
    d->info = info;
    d->arg = imm8 | (uint32_t)opc << 8 | (uint32_t)decode_sel(opc, reg) << 16;
    d->helper = sse_helpers[d->id];
    return true;
}

