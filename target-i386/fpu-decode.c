/*
 * x87 decoding (SDM vol. 2, appendix A.4, the ESC opcode maps), done once
 * at translation time: opcode D8-DF and ModRM to the operation, its
 * decoded operand and the attributes its prologue needs (fpu-internal.h).
 * The operations themselves are in fpu-helper.c.
 */
#include "target-i386/fpu-internal.h"

/* Instructions that do not wait for pending exceptions (FN* forms). */
static bool is_nowait(uint8_t op, uint8_t modrm)
{
    int reg = (modrm >> 3) & 7;

    if (modrm < 0xc0) {
        return (op == 0xd9 && (reg == 6 || reg == 7)) ||
               (op == 0xdd && (reg == 6 || reg == 7));
    }
    return (op == 0xdb && modrm >= 0xe0 && modrm <= 0xe4) ||
           (op == 0xdf && modrm == 0xe0);
}

/* Control instructions keep the last FIP/FDP/FOP (SDM vol. 1, 8.1.8). */
static bool is_control(uint8_t op, uint8_t modrm)
{
    int reg = (modrm >> 3) & 7;

    if (modrm < 0xc0) {
        return (op == 0xd9 && reg >= 4) || (op == 0xdd && reg >= 4);
    }
    return (op == 0xdb && modrm >= 0xe0 && modrm <= 0xe4) ||
           (op == 0xdf && modrm == 0xe0);
}

/*
 * Memory forms: the operation, its arg and the operand's size in bytes
 * (negative for a store, 0 for the reserved encodings).
 */
static int decode_mem(uint8_t op, int reg, bool data32, uint32_t *arg)
{
    static const int8_t fst_fmt[8] = {
        [1] = 0, [3] = 4, [5] = 1, [7] = 3,     /* m32fp m32int m64fp m16int */
    };
    int env_sz = data32 ? 28 : 14, save_sz = data32 ? 108 : 94;

    *arg = reg;
    switch (op) {
    case 0xd8:
        return X87_farith_m32fp | 4 << 8;
    case 0xdc:
        return X87_farith_m64fp | 8 << 8;
    case 0xda:
        return X87_fiarith_m32 | 4 << 8;
    case 0xde:
        return X87_fiarith_m16 | 2 << 8;
    }
    switch (op << 4 | reg) {
    case 0xd90:
        return X87_fld_m32fp | 4 << 8;
    case 0xdb0:
        return X87_fild_m32 | 4 << 8;
    case 0xdd0:
        return X87_fld_m64fp | 8 << 8;
    case 0xdf0:
        return X87_fild_m16 | 2 << 8;
    case 0xdb5:
        return X87_fld_m80 | 10 << 8;
    case 0xdf4:
        return X87_fbld | 10 << 8;
    case 0xdf5:
        return X87_fild_m64 | 8 << 8;
    case 0xd92: case 0xd93:             /* FST(P) m32fp */
    case 0xdb2: case 0xdb3:             /* FIST(P) m32int */
    case 0xdd2: case 0xdd3:             /* FST(P) m64fp */
    case 0xdf2: case 0xdf3: {           /* FIST(P) m16int */
        static const int8_t sizes[4] = {4, 4, 8, 2};
        *arg = fst_fmt[op & 7] | (reg & 1) << 3;
        return X87_fst_m | -sizes[(op >> 1) & 3] * 256;
    }
    case 0xdb7:                         /* FSTP m80fp */
        *arg = 2 | 8;
        return X87_fst_m | -10 * 256;
    case 0xdf6:                         /* FBSTP m80bcd */
        *arg = 6 | 8;
        return X87_fst_m | -10 * 256;
    case 0xdf7:                         /* FISTP m64int */
        *arg = 5 | 8;
        return X87_fst_m | -8 * 256;
    case 0xdb1:                         /* FISTTP m32int */
        *arg = 4;
        return X87_fisttp_m | -4 * 256;
    case 0xdd1:                         /* FISTTP m64int */
        *arg = 5;
        return X87_fisttp_m | -8 * 256;
    case 0xdf1:                         /* FISTTP m16int */
        *arg = 3;
        return X87_fisttp_m | -2 * 256;
    case 0xd94:
        *arg = data32;
        return X87_fldenv | env_sz << 8;
    case 0xd95:
        return X87_fldcw | 2 << 8;
    case 0xd96:
        *arg = data32;
        return X87_fnstenv | -env_sz * 256;
    case 0xd97:
        return X87_fnstcw | -2 * 256;
    case 0xdd4:
        *arg = data32;
        return X87_frstor | save_sz << 8;
    case 0xdd6:
        *arg = data32;
        return X87_fnsave | -save_sz * 256;
    case 0xdd7:
        return X87_fnstsw_m | -2 * 256;
    default:
        return X87_ud;
    }
}

/* D9 register forms (D9 C0..FF) */
static int decode_d9_reg(uint8_t modrm, uint32_t *arg)
{
    *arg = modrm & 7;
    switch (modrm) {
    case 0xc0 ... 0xc7:
        return X87_fld_sti;
    case 0xc8 ... 0xcf:
        return X87_fxch;
    case 0xd0:
        return X87_fnop;
    case 0xd8 ... 0xdf:     /* FSTP1 (undocumented alias of FSTP ST(i)) */
        *arg |= 8;
        return X87_fst_sti;
    case 0xe0:
    case 0xe1:
        *arg = modrm & 1;
        return X87_fsign;
    case 0xe4:
        return X87_ftst;
    case 0xe5:
        return X87_fxam;
    case 0xe8 ... 0xee:
        *arg = modrm - 0xe8;
        return X87_fldconst;
    case 0xf0: return X87_f2xm1;
    case 0xf1: return X87_fyl2x;
    case 0xf2: return X87_fptan;
    case 0xf3: return X87_fpatan;
    case 0xf9: return X87_fyl2xp1;
    case 0xfb: return X87_fsincos;
    case 0xfe: return X87_fsin;
    case 0xff: return X87_fcos;
    case 0xf4:
        return X87_fxtract;
    case 0xf5:
    case 0xf8:
        *arg = modrm == 0xf5;
        return X87_fprem;
    case 0xf6:
        return X87_fdecstp;
    case 0xf7:
        return X87_fincstp;
    case 0xfa:
    case 0xfc:
        *arg = modrm == 0xfc;
        return X87_fsqrt;
    case 0xfd:
        return X87_fscale;
    default:
        return X87_ud;
    }
}

/* Register forms (mod = 3) */
static int decode_reg(uint8_t op, uint8_t modrm, uint32_t *arg)
{
    int reg = (modrm >> 3) & 7, i = modrm & 7;

    *arg = i | reg << 3;
    switch (op) {
    case 0xd8:
        return X87_farith_st0;
    case 0xdc:
        return X87_farith_sti;
    case 0xde:
        if (reg == 3) {     /* DE D8+i other than FCOMPP: reserved */
            return i == 1 ? X87_fcompp : X87_ud;
        }
        return X87_farithp_sti;
    case 0xd9:
        return decode_d9_reg(modrm, arg);
    case 0xda:
        if (reg < 4) {
            return X87_fcmov;
        }
        return modrm == 0xe9 ? X87_fucompp : X87_ud;
    case 0xdb:
        if (reg < 4) {
            return X87_fcmovn;
        }
        switch (modrm) {
        case 0xe0:          /* FENI, FDISI, FSETPM */
        case 0xe1:
        case 0xe4:
            return X87_fnop;
        case 0xe2:
            return X87_fnclex;
        case 0xe3:
            return X87_fninit;
        }
        if (reg == 5 || reg == 6) {     /* FUCOMI, FCOMI */
            *arg = i | (reg == 5) << 3;
            return X87_fcomi;
        }
        return X87_ud;
    case 0xdd:
        *arg = i | (reg & 1) << 3;
        switch (reg) {
        case 0:
            return X87_ffree;
        case 1:             /* FXCH4 alias */
            *arg = i;
            return X87_fxch;
        case 2:
        case 3:
            return X87_fst_sti;
        case 4:
        case 5:             /* FUCOM, FUCOMP */
            return X87_fucom;
        }
        return X87_ud;
    default:                /* DF */
        switch (reg) {
        case 0:
            *arg = i;
            return X87_ffreep;
        case 1:             /* FXCH7 alias */
            *arg = i;
            return X87_fxch;
        case 2:
        case 3:             /* FSTP8, FSTP9 aliases */
            *arg = i | 8;
            return X87_fst_sti;
        case 4:
            return i == 0 ? X87_fnstsw_ax : X87_ud;
        case 5:
        case 6:             /* FUCOMIP, FCOMIP */
            *arg = i | (reg == 5) << 3 | 16;
            return X87_fcomi;
        }
        return X87_ud;
    }
}

void x87_decode(uint8_t op, uint8_t modrm, bool data32, int seg, X87Insn *d)
{
    uint32_t info = ((op & 7) << 8) | modrm;
    int id;

    if (seg < 0) {
        /* 64-bit mode without a segment: no checks, FDS 0. */
        info |= X87_INFO_NOSEG;
        seg = 0;
    }

    if (modrm < 0xc0) {
        int r = decode_mem(op, (modrm >> 3) & 7, data32, &d->arg);
        int size = r >> 8;      /* arithmetic shift: stores negative */
        id = r & 0xff;
        info |= X87_INFO_MEM | (uint32_t)seg << X87_INFO_SEG_SHIFT;
        if (size < 0) {
            info |= X87_INFO_WRITE;
            size = -size;
        }
        info |= (uint32_t)size << X87_INFO_SIZE_SHIFT;
    } else {
        id = decode_reg(op, modrm, &d->arg);
        info |= (uint32_t)seg << X87_INFO_SEG_SHIFT;
    }
    if (is_nowait(op, modrm)) {
        info |= X87_INFO_NOWAIT;
    }
    if (is_control(op, modrm)) {
        info |= X87_INFO_CONTROL;
    }
    d->id = id;
    d->info = info;
    d->helper = x87_helpers[id];
}

