/*
 * Differential tester: the x87, MMX and SSE case generators (the rest of
 * the generator, and what is re-encoded for the 64-bit native runner, is
 * in tests/difftest/gen.c).  Each class loads its registers from the data
 * page, filled with IEEE edge values (zeros, denormals, infinities, NaNs,
 * unnormals for the x87, small integers), maybe sets a rounding mode, then
 * runs one operation.  Control words go to the stack page (ctl_word).
 *
 * Included by tests/unit/test-difftest.c after gen.c.
 */

/* Patch n bytes at data-page offset off (4 bytes per patch). */
static void patch_bytes(Gen *g, uint32_t off, const uint8_t *b, int n)
{
    for (int i = 0; i < n; i += 4) {
        uint32_t v = 0;
        int len = n - i < 4 ? n - i : 4;
        for (int k = 0; k < len; k++) {
            v |= (uint32_t)b[i + k] << (8 * k);
        }
        patch(g, off + i, len, v);
    }
}

/* A data-page offset for len bytes, aligned to align (now and then not). */
static uint32_t mem_off_aligned(Gen *g, int len, int align)
{
    uint32_t off = mem_off(g, len);
    if (!chance(g, 16)) {
        off &= ~(uint32_t)(align - 1);
    }
    return off;
}

/* IEEE single / double with edge exponents and significands. */
static uint32_t f32_edge(Gen *g)
{
    static const uint32_t ex[] = {0, 1, 0x7f, 0x7e, 0x80, 0xfe, 0xff, 0x96};
    static const uint32_t mt[] = {0, 1, 0x400000, 0x7fffff, 0x200000};
    if (chance(g, 4)) {
        float f = (float)((int)below(g, 201) - 100) / (float)(1 << below(g, 3));
        uint32_t v;
        memcpy(&v, &f, 4);
        return v;
    }
    uint32_t e = chance(g, 3) ? below(g, 256) : ex[below(g, 8)];
    uint32_t m = chance(g, 2) ? rnd(g) & 0x7fffff : mt[below(g, 5)];
    return (rnd(g) & 0x80000000u) | e << 23 | m;
}

static uint64_t f64_edge(Gen *g)
{
    static const uint64_t ex[] = {0, 1, 0x3ff, 0x3fe, 0x400, 0x7fe, 0x7ff,
                                  0x433};
    static const uint64_t mt[] = {0, 1, 1ull << 51, (1ull << 52) - 1,
                                  1ull << 50};
    if (chance(g, 4)) {
        double d = (double)((int)below(g, 201) - 100) / (1 << below(g, 3));
        uint64_t v;
        memcpy(&v, &d, 8);
        return v;
    }
    uint64_t e = chance(g, 3) ? below(g, 2048) : ex[below(g, 8)];
    uint64_t m = chance(g, 2) ? ((uint64_t)rnd(g) << 32 | rnd(g)) &
                                    ((1ull << 52) - 1)
                              : mt[below(g, 5)];
    return (uint64_t)(rnd(g) & 1) << 63 | e << 52 | m;
}

/* n bytes of a value of kind: 4/8 float lanes, 10 an x87 extended, else
 * integer lanes (edge values of size lane). */
enum { FK_F32 = 1, FK_F64, FK_F80, FK_INT };

static void fp_bytes(Gen *g, int kind, uint8_t *out, int n)
{
    for (int i = 0; i < n;) {
        if (kind == FK_F32 && n - i >= 4) {
            uint32_t v = f32_edge(g);
            memcpy(out + i, &v, 4);
            i += 4;
        } else if (kind == FK_F64 && n - i >= 8) {
            uint64_t v = f64_edge(g);
            memcpy(out + i, &v, 8);
            i += 8;
        } else if (kind == FK_F80 && n - i >= 10) {
            static const uint16_t ex[] = {0, 1, 0x3fff, 0x3ffe, 0x4000,
                                          0x7ffe, 0x7fff, 0x403e};
            static const uint64_t mt[] = {
                0x8000000000000000ull, 0xc000000000000000ull,
                0x4000000000000000ull, 0, 1, 0xffffffffffffffffull};
            uint64_t m = chance(g, 2) ? mt[below(g, 6)]
                                      : ((uint64_t)rnd(g) << 32 | rnd(g));
            uint16_t e = chance(g, 3) ? (uint16_t)below(g, 0x8000)
                                      : ex[below(g, 8)];
            if (e && !chance(g, 8)) {
                m |= 1ull << 63;                /* mostly normal */
            }
            e |= (uint16_t)(rnd(g) & 0x8000);
            memcpy(out + i, &m, 8);
            memcpy(out + i + 8, &e, 2);
            i += 10;
        } else {
            int lane = 1 << below(g, 3);
            uint32_t v = edge(g, lane);
            for (int k = 0; k < lane && i < n; k++) {
                out[i++] = (uint8_t)(v >> (8 * k));
            }
        }
    }
}

/* A memory operand of len bytes holding a value of kind; reg = ModRM reg. */
static void emit_fp_mem(Gen *g, int reg, int len, int align, int kind)
{
    uint8_t b[16];
    uint32_t off = mem_off_aligned(g, len, align);
    if (!chance(g, 4)) {                      /* else: the page fill */
        fp_bytes(g, kind, b, len);
        patch_bytes(g, off, b, len);
    }
    emit_mem_at(g, reg, DT_DATA + off);
}

/*
 * A control word for FLDCW/LDMXCSR: in the stack page, away from ESP, so
 * that no operand patch in the data page can overlap it, and patched
 * before the operands so that it is never the patch that does not fit
 * (a stray MXCSR would set reserved bits, whose #GP depends on the CPU
 * maker's MXCSR_MASK).  Returns its linear address.
 */
static uint32_t ctl_word(Gen *g, int len, uint32_t val)
{
    uint32_t off = 0x100 + (below(g, 0x400) & ~3u);
    patch(g, DT_PAGE + off, len, val);
    return DT_STACK + off;
}

/* 0F-map op with a register operand in the ModRM r/m field. */
static void emit_rr(Gen *g, int reg, int rm)
{
    emit(g, 0xc0 | reg << 3 | rm);
}

/*
 * x87: an optional FLDCW (rounding and precision control; now and then
 * unmasked exceptions), zero to three loads, then one operation.  Transcendental
 * instructions are not generated (dt_unchecked), nor FSTENV/FSAVE and the
 * like (they store the instruction pointer).
 */
static void gen_x87(Gen *g)
{
    if (chance(g, 3)) {
        static const uint16_t pc[] = {0, 2, 3};
        uint16_t cw = 0x7f | pc[below(g, 3)] << 8 | below(g, 4) << 10;
        if (chance(g, 8)) {
            cw &= ~(rnd(g) & 0x3f);           /* #MF at the next x87 insn */
        }
        emit(g, 0xd9);                        /* fldcw m16 */
        emit_mem_at(g, 5, ctl_word(g, 2, cw));
        insn_begin(g);
    }
    int n = below(g, 4);
    for (int i = 0; i < n; i++) {
        int k = below(g, 8);
        if (k == 0) {                         /* constants */
            emit(g, 0xd9);
            emit(g, 0xe8 + below(g, 7));
        } else if (k <= 5) {                  /* fld m32/m64/m80 */
            static const uint8_t op[] = {0xd9, 0xdd, 0xdb}, rg[] = {0, 0, 5};
            static const uint8_t len[] = {4, 8, 10};
            int w = below(g, 3);
            emit(g, op[w]);
            emit_fp_mem(g, rg[w], len[w], 1, FK_F32 + w);
        } else {                              /* fild m16/m32/m64 */
            static const uint8_t op[] = {0xdf, 0xdb, 0xdf}, rg[] = {0, 0, 5};
            int w = below(g, 3);
            emit(g, op[w]);
            emit_fp_mem(g, rg[w], 2 << w, 1, FK_INT);
        }
        insn_begin(g);
    }
    int i = below(g, 8), k = below(g, 12);
    switch (k) {
    case 0:                                   /* arith m32/m64 real */
    case 1: {                                 /* arith m32/m16 int */
        bool wide = chance(g, 2);
        emit(g, (k ? 0xda : 0xd8) | (wide ? 4 : 0));
        emit_fp_mem(g, below(g, 8), k ? (wide ? 2 : 4) : (wide ? 8 : 4), 1,
                    k ? FK_INT : wide ? FK_F64 : FK_F32);
        break;
    }
    case 2:                                   /* arith st(0), st(i) */
        emit(g, 0xd8);
        emit_rr(g, below(g, 8), i);
        break;
    case 3:                                   /* arith st(i), st(0) [+pop] */
        emit(g, chance(g, 2) ? 0xdc : 0xde);
        emit_rr(g, below(g, 8), i);
        break;
    case 4: {                                 /* unary, stack, misc */
        static const uint8_t op[] = {0xe0, 0xe1, 0xe4, 0xe5, 0xfa, 0xfc,
                                     0xfd, 0xf4, 0xf8, 0xf5, 0xf6, 0xf7,
                                     0xd0};
        emit(g, 0xd9);
        emit(g, op[below(g, sizeof(op))]);
        break;
    }
    case 5: {                                 /* stores */
        static const uint8_t op[] = {0xd9, 0xd9, 0xdd, 0xdd, 0xdb, 0xdf,
                                     0xdf, 0xdb, 0xdb, 0xdf, 0xdf, 0xdb,
                                     0xdd, 0xdf, 0xdd, 0xd9};
        static const uint8_t rg[] = {2, 3, 2, 3, 7, 2, 3, 2, 3, 7,
                                     1, 1, 1, 6, 7, 7};
        static const uint8_t len[] = {4, 4, 8, 8, 10, 2, 2, 4, 4, 8,
                                      2, 4, 8, 10, 2, 2};
        int w = below(g, sizeof(op));
        uint32_t off = mem_off(g, len[w]);
        emit(g, op[w]);
        emit_mem_at(g, rg[w], DT_DATA + off);
        break;
    }
    case 6:                                   /* fbld m80 */
        emit(g, 0xdf);
        emit_fp_mem(g, 4, 10, 1, FK_INT);
        break;
    case 7: {                                 /* compares */
        static const uint8_t op[] = {0xd8, 0xd8, 0xdd, 0xdd, 0xdb, 0xdb,
                                     0xdf, 0xdf};
        static const uint8_t rg[] = {2, 3, 4, 5, 6, 5, 6, 5};
        int w = below(g, sizeof(op));
        if (chance(g, 6)) {
            bool u = chance(g, 2);            /* fucompp DA E9, fcompp DE D9 */
            emit(g, u ? 0xda : 0xde);
            emit(g, u ? 0xe9 : 0xd9);
            break;
        }
        emit(g, op[w]);
        emit_rr(g, rg[w], i);
        break;
    }
    case 8:                                   /* fcmovcc */
        emit(g, chance(g, 2) ? 0xda : 0xdb);
        emit_rr(g, below(g, 4), i);
        break;
    case 9: {                                 /* fxch fld fst fstp ffree */
        static const uint8_t op[] = {0xd9, 0xd9, 0xdd, 0xdd, 0xdd};
        static const uint8_t rg[] = {1, 0, 2, 3, 0};
        int w = below(g, sizeof(op));
        emit(g, op[w]);
        emit_rr(g, rg[w], i);
        break;
    }
    case 10:                                  /* fnstsw ax, fnclex, fninit */
        switch (below(g, 3)) {
        case 0:
            emit(g, 0xdf);
            emit(g, 0xe0);
            break;
        default:
            emit(g, 0xdb);
            emit(g, chance(g, 2) ? 0xe2 : 0xe3);
            break;
        }
        break;
    default:                                  /* fld m80 / ficom etc. */
        emit(g, chance(g, 2) ? 0xde : 0xda);
        emit_fp_mem(g, 2 + below(g, 2), 4, 1, FK_INT);
        break;
    }
}

/* MMX: load one to three registers, then one operation, now and then
 * EMMS after it. */
static void gen_mmx(Gen *g)
{
    static const uint8_t ops[] = {
        0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
        0x6b, 0x74, 0x75, 0x76, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd8, 0xd9,
        0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4,
        0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf1, 0xf2,
        0xf3, 0xf4, 0xf5, 0xf6, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe,
    };
    int n = 1 + below(g, 3);
    for (int i = 0; i < n; i++) {
        emit(g, 0x0f);                        /* movq mm, m64 */
        emit(g, 0x6f);
        emit_fp_mem(g, below(g, 8), 8, 1, FK_INT);
        insn_begin(g);
    }
    int mm = below(g, 8), k = below(g, 10);
    emit(g, 0x0f);
    switch (k) {
    case 0:                                   /* shift by immediate */
        emit(g, 0x71 + below(g, 3));
        emit_rr(g, 2 + 2 * below(g, 3), mm);
        emit(g, chance(g, 2) ? below(g, 70) : rnd(g));
        break;
    case 1:                                   /* pshufw */
        emit(g, 0x70);
        if (chance(g, 2)) {
            emit_rr(g, mm, below(g, 8));
        } else {
            emit_fp_mem(g, mm, 8, 1, FK_INT);
        }
        emit(g, rnd(g));
        break;
    case 2: {                                 /* movd, movq, movntq stores */
        static const uint8_t op[] = {0x6e, 0x7e, 0x7f, 0xe7};
        int w = below(g, 4);
        emit(g, op[w]);
        if (w == 3 || chance(g, 2)) {
            emit_fp_mem(g, mm, w < 2 ? 4 : 8, 1, FK_INT);
        } else if (w < 2) {
            emit_rm(g, mm, 4, edge(g, 4), false);
        } else {
            emit_rr(g, mm, below(g, 8));
        }
        break;
    }
    case 3:                                   /* pmovmskb, pextrw, pinsrw */
        switch (below(g, 3)) {
        case 0:
            emit(g, 0xd7);
            emit_rr(g, pick_reg(g, 4, false), mm);
            break;
        case 1:
            emit(g, 0xc5);
            emit_rr(g, pick_reg(g, 4, false), mm);
            emit(g, rnd(g));
            break;
        default:
            emit(g, 0xc4);
            if (chance(g, 2)) {
                emit_rm(g, mm, 4, edge(g, 4), false);
            } else {
                emit_fp_mem(g, mm, 2, 1, FK_INT);
            }
            emit(g, rnd(g));
            break;
        }
        break;
    default:
        emit(g, ops[below(g, sizeof(ops))]);
        if (chance(g, 2)) {
            emit_rr(g, mm, below(g, 8));
        } else {
            emit_fp_mem(g, mm, 8, 1, FK_INT);
        }
        break;
    }
    if (chance(g, 4)) {
        insn_begin(g);
        emit(g, 0x0f);                        /* emms */
        emit(g, 0x77);
    }
}

/*
 * SSE/SSE2/SSE3 on XMM0-7: load one to three registers, maybe LDMXCSR
 * (rounding, FTZ, DAZ, now and then unmasked exceptions), then one
 * operation.  The
 * approximations RCPPS/RSQRTPS (52, 53) are not generated (dt_unchecked).
 */
typedef struct SSEOp {
    uint8_t pfx, op;
    uint8_t kind;             /* FK_*: what the memory operand holds */
    uint8_t mem;              /* memory operand size; 0: register only */
    uint8_t flags;
} SSEOp;

enum {
    SO_IMM = 1,               /* imm8 follows */
    SO_CMP = 2,               /* imm8 is a predicate 0-7 */
    SO_GPR_RM = 4,            /* r/m is a GPR (or memory) */
    SO_GPR_REG = 8,           /* reg is a GPR */
    SO_STORE = 16,            /* r/m is the destination in memory */
    SO_SHIFT = 32,            /* 71-73 group: reg field is /n */
};

static const SSEOp sse_ops[] = {
    /* packed / scalar single and double arithmetic */
    {0, 0x51, FK_F32, 16}, {0xf3, 0x51, FK_F32, 4}, {0x66, 0x51, FK_F64, 16},
    {0xf2, 0x51, FK_F64, 8}, {0, 0x58, FK_F32, 16}, {0xf3, 0x58, FK_F32, 4},
    {0x66, 0x58, FK_F64, 16}, {0xf2, 0x58, FK_F64, 8}, {0, 0x59, FK_F32, 16},
    {0xf3, 0x59, FK_F32, 4}, {0x66, 0x59, FK_F64, 16}, {0xf2, 0x59, FK_F64, 8},
    {0, 0x5c, FK_F32, 16}, {0xf3, 0x5c, FK_F32, 4}, {0x66, 0x5c, FK_F64, 16},
    {0xf2, 0x5c, FK_F64, 8}, {0, 0x5d, FK_F32, 16}, {0xf3, 0x5d, FK_F32, 4},
    {0x66, 0x5d, FK_F64, 16}, {0xf2, 0x5d, FK_F64, 8}, {0, 0x5e, FK_F32, 16},
    {0xf3, 0x5e, FK_F32, 4}, {0x66, 0x5e, FK_F64, 16}, {0xf2, 0x5e, FK_F64, 8},
    {0, 0x5f, FK_F32, 16}, {0xf3, 0x5f, FK_F32, 4}, {0x66, 0x5f, FK_F64, 16},
    {0xf2, 0x5f, FK_F64, 8},
    {0, 0xc2, FK_F32, 16, SO_CMP}, {0xf3, 0xc2, FK_F32, 4, SO_CMP},
    {0x66, 0xc2, FK_F64, 16, SO_CMP}, {0xf2, 0xc2, FK_F64, 8, SO_CMP},
    {0, 0x2e, FK_F32, 4}, {0, 0x2f, FK_F32, 4}, {0x66, 0x2e, FK_F64, 8},
    {0x66, 0x2f, FK_F64, 8},
    /* logic, shuffles, unpacks, moves */
    {0, 0x54, FK_INT, 16}, {0, 0x55, FK_INT, 16}, {0, 0x56, FK_INT, 16},
    {0, 0x57, FK_INT, 16}, {0x66, 0x54, FK_INT, 16}, {0x66, 0x57, FK_INT, 16},
    {0, 0x14, FK_F32, 16}, {0, 0x15, FK_F32, 16}, {0x66, 0x14, FK_F64, 16},
    {0x66, 0x15, FK_F64, 16}, {0, 0xc6, FK_F32, 16, SO_IMM},
    {0x66, 0xc6, FK_F64, 16, SO_IMM}, {0xf3, 0x10, FK_F32, 4},
    {0xf2, 0x10, FK_F64, 8}, {0, 0x12, FK_F32, 8}, {0, 0x16, FK_F32, 8},
    {0x66, 0x6f, FK_INT, 16}, {0xf3, 0x6f, FK_INT, 16},
    {0xf3, 0x7e, FK_INT, 8}, {0x66, 0x6e, FK_INT, 4, SO_GPR_RM},
    {0x66, 0x7e, FK_INT, 4, SO_GPR_RM | SO_STORE},
    {0x66, 0xd6, FK_INT, 8, SO_STORE}, {0, 0x11, FK_F32, 16, SO_STORE},
    {0xf3, 0x11, FK_F32, 4, SO_STORE}, {0x66, 0x7f, FK_INT, 16, SO_STORE},
    {0, 0x50, FK_F32, 0, SO_GPR_REG}, {0x66, 0x50, FK_F64, 0, SO_GPR_REG},
    {0x66, 0xd7, FK_INT, 0, SO_GPR_REG},
    {0x66, 0xc5, FK_INT, 0, SO_GPR_REG | SO_IMM},
    {0x66, 0xc4, FK_INT, 2, SO_GPR_RM | SO_IMM},
    /* the rest of the moves the translator inlines (translate-sse-move.c):
     * aligned, non-temporal, high/low halves, LDDQU (memory-only forms
     * in register form are #UD on both sides) */
    {0, 0x28, FK_F32, 16}, {0x66, 0x28, FK_F64, 16}, {0x66, 0x10, FK_F64, 16},
    {0x66, 0x12, FK_F64, 8}, {0x66, 0x16, FK_F64, 8}, {0xf2, 0xf0, FK_INT, 16},
    {0, 0x29, FK_F32, 16, SO_STORE}, {0x66, 0x29, FK_F64, 16, SO_STORE},
    {0x66, 0x11, FK_F64, 16, SO_STORE}, {0xf3, 0x7f, FK_INT, 16, SO_STORE},
    {0, 0x2b, FK_F32, 16, SO_STORE}, {0x66, 0x2b, FK_F64, 16, SO_STORE},
    {0x66, 0xe7, FK_INT, 16, SO_STORE}, {0xf2, 0x11, FK_F64, 8, SO_STORE},
    {0, 0x13, FK_F32, 8, SO_STORE}, {0, 0x17, FK_F32, 8, SO_STORE},
    {0x66, 0x13, FK_F64, 8, SO_STORE}, {0x66, 0x17, FK_F64, 8, SO_STORE},
    {0x66, 0x56, FK_INT, 16}, {0x66, 0x55, FK_INT, 16},
    /* conversions */
    {0, 0x5a, FK_F32, 8}, {0x66, 0x5a, FK_F64, 16}, {0xf3, 0x5a, FK_F32, 4},
    {0xf2, 0x5a, FK_F64, 8}, {0, 0x5b, FK_INT, 16}, {0x66, 0x5b, FK_F32, 16},
    {0xf3, 0x5b, FK_F32, 16}, {0x66, 0xe6, FK_F64, 16},
    {0xf2, 0xe6, FK_F64, 16}, {0xf3, 0xe6, FK_INT, 8},
    {0xf3, 0x2a, FK_INT, 4, SO_GPR_RM}, {0xf2, 0x2a, FK_INT, 4, SO_GPR_RM},
    {0xf3, 0x2c, FK_F32, 4, SO_GPR_REG}, {0xf3, 0x2d, FK_F32, 4, SO_GPR_REG},
    {0xf2, 0x2c, FK_F64, 8, SO_GPR_REG}, {0xf2, 0x2d, FK_F64, 8, SO_GPR_REG},
    /* SSE3 */
    {0xf2, 0x7c, FK_F32, 16}, {0x66, 0x7c, FK_F64, 16},
    {0xf2, 0x7d, FK_F32, 16}, {0x66, 0x7d, FK_F64, 16},
    {0xf2, 0xd0, FK_F32, 16}, {0x66, 0xd0, FK_F64, 16},
    /* SSE2 integer */
    {0x66, 0x70, FK_INT, 16, SO_IMM}, {0xf3, 0x70, FK_INT, 16, SO_IMM},
    {0xf2, 0x70, FK_INT, 16, SO_IMM}, {0x66, 0x71, FK_INT, 0, SO_SHIFT},
    {0x66, 0x72, FK_INT, 0, SO_SHIFT}, {0x66, 0x73, FK_INT, 0, SO_SHIFT},
    {0x66, 0x6c, FK_INT, 16}, {0x66, 0x6d, FK_INT, 16},
};

static const uint8_t sse_int_ops[] = {
    0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b,
    0x74, 0x75, 0x76, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd8, 0xd9, 0xda, 0xdb,
    0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe8, 0xe9,
    0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6,
    0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe,
};

static void gen_sse(Gen *g)
{
    int n = 1 + below(g, 3);
    int kind = below(g, 3) == 0 ? FK_F32 : below(g, 2) ? FK_F64 : FK_INT;
    uint32_t mxcsr_at = 0;
    if (chance(g, 3)) {
        uint32_t m = 0x1f80 | below(g, 4) << 13 | (chance(g, 4) ? 0x8000 : 0) |
                     (chance(g, 4) ? 0x40 : 0) | (rnd(g) & 0x3f);
        if (chance(g, 8)) {
            m &= ~((rnd(g) & 0x3f) << 7);     /* #XM */
        }
        mxcsr_at = ctl_word(g, 4, m);
    }
    for (int i = 0; i < n; i++) {
        emit(g, 0x0f);                        /* movups xmm, m128 */
        emit(g, 0x10);
        emit_fp_mem(g, below(g, 8), 16, 1, kind);
        insn_begin(g);
    }
    if (mxcsr_at) {
        emit(g, 0x0f);                        /* ldmxcsr m32 */
        emit(g, 0xae);
        emit_mem_at(g, 2, mxcsr_at);
        insn_begin(g);
    }
    SSEOp o;
    if (chance(g, 3)) {
        o = (SSEOp){0x66, sse_int_ops[below(g, sizeof(sse_int_ops))], FK_INT,
                    16, 0};
    } else {
        o = sse_ops[below(g, sizeof(sse_ops) / sizeof(sse_ops[0]))];
    }
    int x = below(g, 8);
    if (o.pfx) {
        emit(g, o.pfx);
    }
    emit(g, 0x0f);
    emit(g, o.op);
    if (o.flags & SO_SHIFT) {
        static const uint8_t sub[3][4] = {{2, 4, 6, 2}, {2, 4, 6, 2},
                                          {2, 3, 6, 7}};
        emit_rr(g, sub[o.op - 0x71][below(g, 4)], x);
        emit(g, chance(g, 2) ? below(g, 70) : rnd(g));
        return;
    }
    bool reg_gpr = o.flags & SO_GPR_REG;
    int reg = reg_gpr ? pick_reg(g, 4, false) : x;
    if (o.mem && (!(o.flags & SO_GPR_RM) || chance(g, 2)) &&
        (chance(g, 2) || (o.flags & SO_STORE))) {
        if (o.flags & SO_STORE) {
            uint32_t off = mem_off_aligned(g, o.mem, o.mem);
            emit_mem_at(g, reg, DT_DATA + off);
        } else {
            emit_fp_mem(g, reg, o.mem, o.mem == 16 ? 16 : 1, o.kind);
        }
    } else if (o.flags & SO_GPR_RM) {
        emit_rm(g, reg, 4, edge(g, 4), false);
    } else {
        emit_rr(g, reg, below(g, 8));
    }
    if (o.flags & SO_CMP) {
        emit(g, below(g, 8));
    } else if (o.flags & SO_IMM) {
        emit(g, rnd(g));
    }
}
