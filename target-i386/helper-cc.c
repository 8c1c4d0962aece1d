/*
 * Lazy condition codes (SDM vol. 1, 3.4.3.1 and appendix A, "EFLAGS cross
 * reference"): the arithmetic flags computed from the last flag-setting
 * operation recorded by the translator (see target-i386/tcg-x86.h for what
 * cc_dst/cc_src/cc_src2 hold for each operation).
 */
#include "emu/common.h"
#include "target-i386/tcg-x86.h"

static inline uint32_t parity_flag(uint64_t v)
{
    return __builtin_parity(v & 0xff) ? 0 : CC_P;
}

static inline uint64_t size_mask(int bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

/* Flags common to all operations: PF, ZF, SF of the result. */
static inline uint32_t szp(uint64_t dst, int bits)
{
    uint64_t mask = size_mask(bits);
    uint32_t f = parity_flag(dst);
    if ((dst & mask) == 0) {
        f |= CC_Z;
    }
    if ((dst >> (bits - 1)) & 1) {
        f |= CC_S;
    }
    return f;
}

static inline uint32_t of_bit(uint64_t v, int bits)
{
    return ((v >> (bits - 1)) & 1) ? CC_O : 0;
}

uint32_t x86_cc_compute_all(uint32_t cc_op, uint64_t dst, uint64_t src,
                            uint64_t src2)
{
    if (cc_op & (CC_OP_ROL_OVL | CC_OP_ROR_OVL)) {
        uint32_t f = x86_cc_compute_all(
            cc_op & ~(CC_OP_ROL_OVL | CC_OP_ROR_OVL), dst, src, 0);
        uint32_t c, o, v = src2;
        if (cc_op & CC_OP_ROL_OVL) {
            c = v & 1;
            o = (v >> 31) ^ c;
        } else {
            c = v >> 31;
            o = ((v >> 31) ^ (v >> 30)) & 1;
        }
        return (f & ~(CC_C | CC_O)) | c | (o ? CC_O : 0);
    }
    if (cc_op == CC_OP_EFLAGS || cc_op >= CC_OP_NB) {
        return src & CC_ARITH;
    }
    int bits = 8 * cc_op_size(cc_op);
    uint64_t mask = size_mask(bits);
    uint64_t d = dst & mask, s = src & mask, s1;
    uint32_t f = szp(dst, bits);

    switch ((cc_op - CC_OP_ADDB) / CC_OP_SIZES) {
    case 0: /* ADD */
        s1 = (d - s) & mask;
        f |= d < s ? CC_C : 0;
        f |= (s1 ^ s ^ d) & CC_A;
        f |= of_bit((s1 ^ s ^ mask) & (s1 ^ d), bits);
        break;
    case 1: /* ADC */
        s1 = (d - s - (src2 & 1)) & mask;
        f |= ((src2 & 1) ? d <= s : d < s) ? CC_C : 0;
        f |= (s1 ^ s ^ d) & CC_A;
        f |= of_bit((s1 ^ s ^ mask) & (s1 ^ d), bits);
        break;
    case 2: /* SUB */
        s1 = (d + s) & mask;
        f |= s1 < s ? CC_C : 0;
        f |= (s1 ^ s ^ d) & CC_A;
        f |= of_bit((s1 ^ s) & (s1 ^ d), bits);
        break;
    case 3: /* SBB */
        s1 = (d + s + (src2 & 1)) & mask;
        f |= ((src2 & 1) ? s1 <= s : s1 < s) ? CC_C : 0;
        f |= (s1 ^ s ^ d) & CC_A;
        f |= of_bit((s1 ^ s) & (s1 ^ d), bits);
        break;
    case 4: /* LOGIC */
        break;
    case 5: /* INC */
        s1 = (d - 1) & mask;
        f |= src & CC_C;
        f |= (d ^ s1 ^ 1) & CC_A;
        f |= d == (1ull << (bits - 1)) ? CC_O : 0;
        break;
    case 6: /* DEC */
        s1 = (d + 1) & mask;
        f |= src & CC_C;
        f |= (d ^ s1 ^ 1) & CC_A;
        f |= d == (1ull << (bits - 1)) - 1 ? CC_O : 0;
        break;
    /* Shifts (and SHLD/SHRD): AF is undefined; the x86 hosts we compare
     * against set it. */
    case 7: /* SHL */
        f |= (s >> (bits - 1)) & 1 ? CC_C : 0;
        f |= of_bit(s ^ d, bits) | CC_A;
        break;
    case 8: /* SAR, SHR */
        f |= src & 1 ? CC_C : 0;
        f |= of_bit(s ^ d, bits) | CC_A;
        break;
    case 9: /* MUL, IMUL */
        f |= s ? CC_C | CC_O : 0;
        break;
    }
    return f;
}

uint32_t x86_get_eflags(const CPUX86State *env)
{
    return (env->eflags & ~CC_ARITH) |
           x86_cc_compute_all(env->cc_op, env->cc_dst, env->cc_src,
                              env->cc_src2) | 2;
}

void x86_set_eflags(CPUX86State *env, uint32_t val, uint32_t mask)
{
    uint32_t cur = x86_get_eflags(env);
    uint32_t nv = (cur & ~mask) | (val & mask);
    env->eflags = (nv & ~CC_ARITH) | 2;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = nv & CC_ARITH;
    env->df = (nv & DF_MASK) ? -1 : 1;
}

void x86_update_hflags(CPUX86State *env)
{
    uint32_t hf = 0;
    if (env->efer & EFER_LMA) {
        hf |= HF_LMA;
    }
    if (env->cr[0] & CR0_PE_MASK) {
        hf |= HF_PE;
        if (env->eflags & VM_MASK) {
            hf |= HF_VM | 3;
        } else if ((hf & HF_LMA) && (env->segs[R_CS].flags & DESC_L_MASK)) {
            /* 64-bit mode: no segment limit checks (HF_SEG bits 0); the
             * CPL is still SS.DPL (a null SS keeps it, helper-lm.c). */
            hf |= HF_CS64 | HF_CS32 | HF_SS32;
            hf |= env->segs[R_SS].flags >> DESC_DPL_SHIFT & 3;
        } else {
            hf |= env->segs[R_SS].flags >> DESC_DPL_SHIFT & 3;
            if (env->segs[R_CS].flags & DESC_B_MASK) {
                hf |= HF_CS32;
            }
            if (env->segs[R_SS].flags & DESC_B_MASK) {
                hf |= HF_SS32;
            }
            for (int i = 0; i < 6; i++) {
                const SegmentCache *sc = &env->segs[i];
                uint32_t mode = HF_SEGCHK_FULL;
                if ((sc->flags & (DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK |
                                  DESC_W_MASK | DESC_E_MASK)) ==
                    (DESC_P_MASK | DESC_S_MASK | DESC_W_MASK) &&
                    sc->limit >= 3) {
                    mode = sc->limit == 0xffffffffu ? 0 : HF_SEGCHK_LIMIT;
                }
                hf |= mode << (HF_SEG_SHIFT + 2 * i);
            }
        }
    }
    if (env->cr[0] & CR0_PG_MASK) {
        hf |= HF_PG;
    }
    hf |= (env->efer & EFER_LMA) ? HF_LMA : 0;
    if (env->eflags & TF_MASK) {
        hf |= HF_TF;
    }
    if (!(env->cr[0] & (CR0_EM_MASK | CR0_TS_MASK)) &&
        (env->cr[4] & CR4_OSFXSR_MASK)) {
        hf |= HF_SSE_ON;
    }
    hf |= env->hflags & HF_INHIBIT_IRQ;
    /* IOPL too: CLI/STI/PUSHF/POPF are translated for the current IOPL. */
    hf |= env->eflags & IOPL_MASK;
    env->hflags = hf;
}
